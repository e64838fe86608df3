/**
 * The automatic daily closure: a croner job at the end of each business day (the configured
 * time, 06:00 by default, in the venue's timezone) that makes the closures of every ended
 * business day not yet closed, then the monthly and yearly ones of ended periods
 * (pos runDueClosures). It also runs once at start-up, so a box that was off at 06:00 catches up.
 * Which day has ended is decided from the injected clock, never from croner's own time.
 */
import { Cron } from "croner";
import type { Writer } from "../db/index.ts";
import type { Logger } from "../kernel/index.ts";
import { readPosSettings, runDueClosures } from "../pos/index.ts";
import type { OperationDeps } from "../wallet/index.ts";

/** The cron pattern of a business day's end: minute and hour, every day. */
export function closureCronPattern(endMinute: number): string {
  return `${endMinute % 60} ${Math.floor(endMinute / 60)} * * *`;
}

export interface ClosureJobDeps {
  readonly writer: Writer;
  readonly logger: Logger;
  readonly closing: OperationDeps;
}

/** Makes the closures now due; returns how many were made. */
export async function runClosureJob(deps: ClosureJobDeps): Promise<number> {
  const made = await deps.writer.submit((tx) => runDueClosures(tx, deps.closing));
  for (const closure of made) deps.logger.log("info", "closure made", { kind: closure.kind, period: closure.period, point_of_sale: closure.pointOfSale, fiscal_seq: closure.fiscalSeq });
  return made.length;
}

export function scheduleClosures(deps: ClosureJobDeps, options: { timezone: string; paused: boolean }): Cron {
  const pattern = closureCronPattern(readPosSettings(deps.writer.sqlite).businessDayEndMinute);
  return new Cron(pattern, { timezone: options.timezone, paused: options.paused, protect: true }, async () => {
    try {
      await runClosureJob(deps);
    } catch (error) {
      deps.logger.log("error", "automatic closure failed", { error: error instanceof Error ? error.message : String(error) });
    }
  });
}
