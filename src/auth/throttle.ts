/**
 * Login rate limits. Failures are counted per account ("account:<id>", 5 failures) and per
 * address and kind of attempt ("address:<kind>:<ip>", 20 failures: a till or a NAT is shared)
 * over a window; past the bound the key is locked for a while. A success clears the account's
 * counter and its address's counter for that kind. Counters live in SQLite, so they hold across
 * restarts and across processes.
 */
import { eq } from "drizzle-orm";
import { limits } from "../kernel/index.ts";
import type { Orm, Tx } from "../db/index.ts";
import { loginThrottle } from "./schema.ts";

export function lockedUntil(orm: Orm, keys: readonly string[], nowMs: number): number | undefined {
  for (const key of keys) {
    const row = orm.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    if (row?.lockedUntilMs && row.lockedUntilMs > nowMs) return row.lockedUntilMs;
  }
  return undefined;
}

/** Counts one failure for each key; returns true when this failure locked one of them. */
export function recordFailure(tx: Tx, keys: readonly string[]): boolean {
  const nowMs = tx.stamp().atMs;
  let locked = false;
  for (const key of keys) {
    const row = tx.orm.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
    const fresh = !row || nowMs - row.windowStartMs > limits.loginFailureWindowMs;
    const failures = fresh ? 1 : row.failures + 1;
    const bound = key.startsWith("address:") ? limits.addressFailuresBeforeLockout : limits.loginFailuresBeforeLockout;
    const lockNow = failures >= bound;
    const next = {
      key,
      failures: lockNow ? 0 : failures,
      windowStartMs: fresh || lockNow ? nowMs : row.windowStartMs,
      lockedUntilMs: lockNow ? nowMs + limits.loginLockoutMs : (row?.lockedUntilMs ?? null),
    };
    tx.orm.insert(loginThrottle).values(next).onConflictDoUpdate({ target: loginThrottle.key, set: next }).run();
    locked ||= lockNow;
  }
  return locked;
}

export function clearFailures(tx: Tx, key: string): void {
  tx.orm.delete(loginThrottle).where(eq(loginThrottle.key, key)).run();
}
