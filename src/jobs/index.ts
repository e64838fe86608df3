/**
 * jobs: croner schedules that call room services with the injected clock. Today: purge expired
 * sessions every hour, stored idempotent answers past 30 days and sent or failed mails past 90 days every night; and the print worker
 * (print-worker.ts), which sends the print queue with retry; the automatic closures at the end of each
 * business day (closures.ts); the mail sender (mail-sender.ts), which sends the e-mail outbox through
 * SMTP every 10 seconds; the expiry of online orders' holds every minute (holds.ts). Demurrage joins later.
 */
import { Cron } from "croner";
import { purgeExpiredSessions } from "../auth/index.ts";
import { purgeIdempotencyKeys, type Writer } from "../db/index.ts";
import type { Clock, Logger } from "../kernel/index.ts";
import type { OperationDeps } from "../wallet/index.ts";
import { purgeOldMails } from "../ticketing/index.ts";
import { runClosureJob, scheduleClosures } from "./closures.ts";
import { PrintWorker, type PrintWorkerOptions } from "./print-worker.ts";
import { MAIL_SENDER_CRON, MailSender, type MailSenderOptions } from "./mail-sender.ts";
import { scheduleHoldExpiry, type HoldJobDeps } from "./holds.ts";

export { businessDayTurned, closureCronPattern, runClosureJob, scheduleClosures, type ClosureJobDeps } from "./closures.ts";
export { MAIL_SENDER_CRON, MailSender, messageIdOf, type MailOutcome, type MailSenderDeps, type MailSenderOptions } from "./mail-sender.ts";
export { SMTP_TIMEOUTS, smtpTransport, type MailAttachment, type MailMessage, type SmtpOptions, type SmtpPort, type SmtpTimeouts } from "./smtp.ts";
export { HOLD_EXPIRY_CRON, runHoldExpiry, scheduleHoldExpiry, type HoldExpiryResult, type HoldJobDeps } from "./holds.ts";
export { PrintWorker, startPrintWorker, type PrintWorkerDeps, type PrintWorkerOptions, type SendOutcome } from "./print-worker.ts";

export interface JobDeps {
  readonly writer: Writer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timezone: string;
  /** Transports and timings of the print worker (tests inject short backoffs or fake printers). */
  readonly printing?: PrintWorkerOptions;
  /** Signs the automatic closures (the venue key); without it no closure is scheduled. */
  readonly closing?: OperationDeps;
  /** The SMTP port and retry timings of the mail sender (tests inject them). */
  readonly mailing?: MailSenderOptions;
  /** Signs the expiry of held orders and closes their checkouts; without it holds are not expired. */
  readonly holds?: Pick<HoldJobDeps, "signer" | "newId" | "providerFor">;
}

export interface Jobs {
  /** Runs every job once now (tests and `serve` start-up). */
  runAll(): Promise<void>;
  /** Sends the print queue; started with the jobs unless paused. */
  readonly printWorker: PrintWorker;
  /** Sends the e-mail outbox every 10 seconds while SMTP is configured. */
  readonly mailSender: MailSender;
  stop(): void;
}

export function startJobs(deps: JobDeps, options: { paused?: boolean } = {}): Jobs {
  const purgeSessions = async () => {
    const removed = await deps.writer.submit((tx) => purgeExpiredSessions(tx, deps.clock.nowMs()));
    if (removed > 0) deps.logger.log("info", "purged expired sessions", { removed });
  };
  const purgeAnswers = async () => {
    const removed = await deps.writer.submit((tx) => purgeIdempotencyKeys(tx, deps.clock.nowMs()));
    if (removed > 0) deps.logger.log("info", "purged stored answers older than 30 days", { removed });
    const mails = await deps.writer.submit((tx) => purgeOldMails(tx, deps.clock.nowMs()));
    if (mails > 0) deps.logger.log("info", "purged sent and failed mails older than 90 days", { removed: mails });
  };
  const schedule = { timezone: deps.timezone, paused: options.paused ?? false, protect: true };
  const crons = [new Cron("17 * * * *", schedule, purgeSessions), new Cron("23 4 * * *", schedule, purgeAnswers)];
  const closing = deps.closing;
  if (closing) {
    crons.push(scheduleClosures({ writer: deps.writer, logger: deps.logger, closing }, { timezone: deps.timezone, paused: options.paused ?? false }));
    // A box that was off when a business day ended closes it now.
    if (!options.paused) void runClosureJob({ writer: deps.writer, logger: deps.logger, closing }).catch((error: unknown) => deps.logger.log("error", "automatic closure failed", { error: String(error) }));
  }
  if (deps.holds) {
    crons.push(scheduleHoldExpiry({ writer: deps.writer, clock: deps.clock, logger: deps.logger, ...deps.holds }, { timezone: deps.timezone, paused: options.paused ?? false }));
  }
  const mailSender = new MailSender(deps, deps.mailing);
  crons.push(
    new Cron(MAIL_SENDER_CRON, schedule, async () => {
      await mailSender.tick().catch((error: unknown) => deps.logger.log("error", "mail sender pass failed", { error: String(error) }));
    }),
  );
  const printWorker = new PrintWorker(deps, deps.printing);
  if (!options.paused) printWorker.start();
  return {
    async runAll() {
      await purgeSessions();
      await purgeAnswers();
    },
    printWorker,
    mailSender,
    stop() {
      for (const cron of crons) cron.stop();
      // Sends in flight finish on their own (bounded by their timeouts); one cut short prints again as DUPLICATA.
      void printWorker.stop();
      void mailSender.stop();
    },
  };
}
