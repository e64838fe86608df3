/**
 * jobs: croner schedules that call room services with the injected clock. Today: purge expired
 * sessions every hour, stored idempotent answers past 30 days every night. Business-day closures, demurrage and print retries join later.
 */
import { Cron } from "croner";
import { purgeExpiredSessions } from "../auth/index.ts";
import { purgeIdempotencyKeys, type Writer } from "../db/index.ts";
import type { Clock, Logger } from "../kernel/index.ts";

export interface JobDeps {
  readonly writer: Writer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timezone: string;
}

export interface Jobs {
  /** Runs every job once now (tests and `serve` start-up). */
  runAll(): Promise<void>;
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
  return {
    async runAll() {
      await purgeSessions();
      await purgeAnswers();
    },
    stop() {
      for (const cron of crons) cron.stop();
    },
  };
}
