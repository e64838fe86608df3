/**
 * jobs: croner schedules that call room services with the injected clock. Today: purge expired
 * sessions every hour, stored idempotent answers past 30 days every night; and the print worker
 * (print-worker.ts), which sends the print queue with retry. Business-day closures and demurrage join later.
 */
import { Cron } from "croner";
import { purgeExpiredSessions } from "../auth/index.ts";
import { purgeIdempotencyKeys, type Writer } from "../db/index.ts";
import type { Clock, Logger } from "../kernel/index.ts";
import { PrintWorker, type PrintWorkerOptions } from "./print-worker.ts";

export { PrintWorker, startPrintWorker, type PrintWorkerDeps, type PrintWorkerOptions, type SendOutcome } from "./print-worker.ts";

export interface JobDeps {
  readonly writer: Writer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timezone: string;
  /** Transports and timings of the print worker (tests inject short backoffs or fake printers). */
  readonly printing?: PrintWorkerOptions;
}

export interface Jobs {
  /** Runs every job once now (tests and `serve` start-up). */
  runAll(): Promise<void>;
  /** Sends the print queue; started with the jobs unless paused. */
  readonly printWorker: PrintWorker;
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
  };
  const schedule = { timezone: deps.timezone, paused: options.paused ?? false, protect: true };
  const crons = [new Cron("17 * * * *", schedule, purgeSessions), new Cron("23 4 * * *", schedule, purgeAnswers)];
  const printWorker = new PrintWorker(deps, deps.printing);
  if (!options.paused) printWorker.start();
  return {
    async runAll() {
      await purgeSessions();
      await purgeAnswers();
    },
    printWorker,
    stop() {
      for (const cron of crons) cron.stop();
      // Sends in flight finish on their own (bounded by their timeouts); one cut short prints again as DUPLICATA.
      void printWorker.stop();
    },
  };
}
