/**
 * A venue for the ledger bench: a data folder set up as `tibox init` does (venue, one admin),
 * cards topped up in cash, and the payment command exactly as the HTTP route runs it
 * (src/http/wallet-api.ts `once()`): request digest, stored idempotent answer, payment, in one
 * writer command. Also builds a large journal through the same path, many payments a commit.
 */
import { openBox, type Box } from "../../src/app.ts";
import { appendEvent, hashSecret, insertOperator } from "../../src/auth/index.ts";
import { answerOnce, requestDigest, type Answer, type Tx } from "../../src/db/index.ts";
import { checkVenueProfile, insertVenue } from "../../src/federation/index.ts";
import { DEFAULT_POINT_OF_SALE, refusalAnswer } from "../../src/http/wallet-api.ts";
import { pay, topUp, type OperationDeps, type OperationResult } from "../../src/wallet/index.ts";

export const PAYMENTS_PATH = "/api/v1/wallet/payments";
/** Every card holds this much after set-up (10^8 cents); a payment takes PAYMENT_AMOUNT. */
export const CARD_BALANCE = 100_000_000;
export const PAYMENT_AMOUNT = 100;

/** Card UIDs of 4 bytes, as a reader sends them. */
export function cardUids(count: number): string[] {
  return Array.from({ length: count }, (_, index) => (0x10000000 + index).toString(16).toUpperCase());
}

export function operationDeps(box: Box): OperationDeps {
  return { signer: box.signer, newId: box.deps.newId, random: box.deps.random };
}

/** Sets the venue up (as `tibox init`: venue, one admin) and tops every card up in cash. */
export async function prepareVenue(folder: string, cards: readonly string[]): Promise<void> {
  const box = openBox({ dataDir: folder });
  try {
    const passwordHash = await hashSecret("bench password, not a secret");
    box.writer.transact((tx) => {
      const venue = insertVenue(tx, box.deps.newId, checkVenueProfile({ legalName: "Bench venue", address: "1 rue du Banc, Lyon" }), box.signer.publicKey);
      const admin = insertOperator(tx, box.deps.newId, { name: "Bench admin", email: "bench@example.org", role: "admin", passwordHash });
      appendEvent(tx, box.signer, { kind: "setup.completed", actor: `operator:${admin.id}`, subject: `venue:${venue.id}`, detail: {} });
    });
    const deps = operationDeps(box);
    box.writer.transact((tx) => {
      for (const uid of cards) {
        topUp(tx, deps, { scope: "bench:setup", idempotencyKey: `topup-${uid}` }, { cardUid: uid, asset: "EUR", amount: CARD_BALANCE, method: "cash" });
      }
    });
  } finally {
    box.close();
  }
}

function resultBody(result: OperationResult): string {
  return JSON.stringify({ entry_seq: result.entrySeq, transfers: result.transfers, balances: result.balances });
}

function reusedAnswer(): Answer {
  return { status: 422, body: JSON.stringify({ code: "idempotency_key_reused", message: "this key was used for another request" }) };
}

/** The writer command of POST /api/v1/wallet/payments, as `once()` builds it. */
export function paymentCommand(deps: OperationDeps, scope: string, key: string, cardUid: string, amount: number) {
  const body = JSON.stringify({ card_uid: cardUid, amount });
  const request = { scope, key, requestHash: requestDigest("POST", PAYMENTS_PATH, body) };
  return (tx: Tx) =>
    answerOnce(
      tx,
      request,
      () => ({ status: 201, body: resultBody(pay(tx, deps, { scope, idempotencyKey: key, role: undefined }, { cardUid, amount, pointOfSale: DEFAULT_POINT_OF_SALE })) }),
      refusalAnswer,
      reusedAnswer,
    );
}

/**
 * Appends `entries` payments (each with its stored idempotent answer, as through HTTP) in
 * transactions of `perCommit`; returns the seconds it took. Progress goes to stderr.
 */
export function buildJournal(box: Box, entries: number, perCommit: number, cards: readonly string[]): number {
  const deps = operationDeps(box);
  const startMs = performance.now();
  let done = 0;
  let lastReport = 0;
  while (done < entries) {
    const batch = Math.min(perCommit, entries - done);
    box.writer.transact((tx) => {
      for (let index = done; index < done + batch; index++) {
        const answer = paymentCommand(deps, "bench:history", `history-${index}`, cards[index % cards.length]!, PAYMENT_AMOUNT)(tx);
        if (answer.status !== 201) throw new Error(`history payment ${index} refused: ${answer.body}`);
      }
    });
    done += batch;
    if (done - lastReport >= 100_000 || done === entries) {
      lastReport = done;
      const seconds = (performance.now() - startMs) / 1000;
      process.stderr.write(`  journal: ${done.toLocaleString("en")} entries in ${seconds.toFixed(1)} s (${Math.round(done / seconds).toLocaleString("en")}/s)\n`);
    }
  }
  return (performance.now() - startMs) / 1000;
}

/** Entries in the journal (the chain head's sequence number). */
export function journalSize(box: Box): number {
  return box.sqlite.query<{ seq: number | null }, []>("SELECT max(seq) AS seq FROM ledger_entries").get()?.seq ?? 0;
}
