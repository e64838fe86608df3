/**
 * Holds that run out: every minute, held online orders whose hold ended are expired (ticketing's
 * expireHolds: their tickets are revoked, which gives the places back), and the checkouts they had
 * at the payment provider are closed so that they can no longer be paid (best effort: a failure is
 * logged; a payment that still comes is recorded as paid_after_close for a refund). "Now" is the
 * injected clock's, never croner's: croner only says when to look.
 */
import { Cron } from "croner";
import type { Writer } from "../db/index.ts";
import type { IdFactory, Logger, Clock, Signer } from "../kernel/index.ts";
import { checkoutsToClose, expireHolds, readOnlineSalesSettings, type PaymentProviderFactory } from "../ticketing/index.ts";

export const HOLD_EXPIRY_CRON = "* * * * *";
/** expireHolds calls per run (each expires a bounded batch); the next minute takes the rest. */
const MAX_BATCHES_PER_RUN = 10;
/** Checkouts closed at the provider per run, one request each. */
const MAX_CLOSES_PER_RUN = 50;

export interface HoldJobDeps {
  readonly writer: Writer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly signer: Signer;
  readonly newId: IdFactory;
  readonly providerFor: PaymentProviderFactory;
}

export interface HoldExpiryResult {
  readonly expired: number;
  readonly checkoutsClosed: number;
}

export async function runHoldExpiry(deps: HoldJobDeps): Promise<HoldExpiryResult> {
  const nowMs = deps.clock.nowMs();
  let expired = 0;
  const toClose: { provider: string; providerRef: string }[] = [];
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const result = await deps.writer.submit((tx) => {
      const count = expireHolds(tx, { signer: deps.signer, newId: deps.newId }, nowMs);
      return { count, checkouts: count > 0 ? checkoutsToClose(tx, nowMs) : [] };
    });
    expired += result.count;
    for (const checkout of result.checkouts) if (!toClose.some((known) => known.providerRef === checkout.providerRef)) toClose.push(checkout);
    if (result.count === 0) break;
  }
  let checkoutsClosed = 0;
  const provider = toClose.length > 0 ? deps.providerFor(readOnlineSalesSettings(deps.writer.sqlite)) : undefined;
  for (const checkout of toClose.slice(0, MAX_CLOSES_PER_RUN)) {
    if (!provider || provider.name !== checkout.provider) continue;
    try {
      await provider.expireCheckout(checkout.providerRef);
      checkoutsClosed++;
    } catch (error) {
      deps.logger.log("warn", "checkout not closed at the provider", { provider: checkout.provider, provider_ref: checkout.providerRef, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (expired > 0) deps.logger.log("info", "holds expired", { expired, checkouts_closed: checkoutsClosed });
  return { expired, checkoutsClosed };
}

/** Every minute; `paused` for tests, which call `trigger()`. */
export function scheduleHoldExpiry(deps: HoldJobDeps, options: { timezone: string; paused: boolean }): Cron {
  return new Cron(HOLD_EXPIRY_CRON, { timezone: options.timezone, paused: options.paused, protect: true }, async () => {
    try {
      await runHoldExpiry(deps);
    } catch (error) {
      deps.logger.log("error", "hold expiry failed", { error: error instanceof Error ? error.message : String(error) });
    }
  });
}
