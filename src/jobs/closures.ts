/**
 * The automatic daily closure: a croner job at the end of each business day (the configured
 * time, 06:00 by default, in the venue's timezone, read at each tick so that the settings page
 * needs no restart) that makes the closures of every ended business day not yet closed, then the
 * monthly and yearly ones of ended periods (pos runDueClosures). It also runs once at start-up,
 * so a box that was off at 06:00 catches up. Which day has ended is decided from the injected
 * clock, never from croner's own time: croner only says when to look.
 */
import { Cron } from "croner";
import type { Writer } from "../db/index.ts";
import type { Logger } from "../kernel/index.ts";
import { businessDayOf, readPosSettings, runDueClosures } from "../pos/index.ts";
import type { OperationDeps } from "../wallet/index.ts";

/** The cron pattern of a business day's end: minute and hour, every day (what the minute ticks below amount to). */
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

/**
 * Whether the business day changed between two ticks: the end time is read at each tick, so a
 * change made on the settings page applies from the next business day without a restart.
 */
export function businessDayTurned(previousMs: number, nowMs: number, timezone: string, endMinute: number): boolean {
  return businessDayOf(previousMs, timezone, endMinute) !== businessDayOf(nowMs, timezone, endMinute);
}

/**
 * Ticks every minute and runs the closures when a business day has just ended (by the end time
 * read at that tick). A tick missed while the box was busy is caught at the next one, since the
 * comparison is with the previous tick, not with one exact minute; start-up runs the job too.
 */
export function scheduleClosures(deps: ClosureJobDeps, options: { timezone: string; paused: boolean }): Cron {
  let previousMs: number | undefined;
  return new Cron("* * * * *", { timezone: options.timezone, paused: options.paused, protect: true }, async (self: Cron) => {
    const tickMs = self.currentRun()?.getTime();
    if (tickMs === undefined) return;
    const before = previousMs;
    previousMs = tickMs;
    if (before === undefined || !businessDayTurned(before, tickMs, options.timezone, readPosSettings(deps.writer.sqlite).businessDayEndMinute)) return;
    try {
      await runClosureJob(deps);
    } catch (error) {
      deps.logger.log("error", "automatic closure failed", { error: error instanceof Error ? error.message : String(error) });
    }
  });
}
