/**
 * jobs: croner schedules that call room services with the injected clock. Today: purge expired
 * sessions every hour. Business-day closures, demurrage and print retries join later.
 */
import { Cron } from "croner";
import { purgeExpiredSessions } from "../auth/index.ts";
import type { Writer } from "../db/index.ts";
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
  const crons = [new Cron("17 * * * *", { timezone: deps.timezone, paused: options.paused ?? false, protect: true }, purgeSessions)];
  return {
    async runAll() {
      await purgeSessions();
    },
    stop() {
      for (const cron of crons) cron.stop();
    },
  };
}
