/**
 * Idempotent commands. A device (or, later, a peer) sends a key with every command; the first
 * answer, refusals included, is stored in the same transaction as the command's effect, and a
 * repeat of the key gets that answer back byte for byte (after a restart or a crash too). A key
 * sent again with another request is refused. The writer runs commands one after the other, so
 * a duplicate that arrives while the first is in flight simply finds its answer stored.
 */
import { sha256Hex } from "../kernel/index.ts";
import type { Tx } from "./writer.ts";

/** 1 to 128 characters of letters, digits and . _ : - */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Stored answers are kept at least this long (a job purges older ones). */
export const IDEMPOTENCY_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface Answer {
  readonly status: number;
  /** The exact bytes of the JSON body, as first sent. */
  readonly body: string;
}

export interface IdempotentRequest {
  readonly scope: string;
  readonly key: string;
  /** SHA-256 of what was asked (method, path, body), see requestDigest. */
  readonly requestHash: string;
}

export function requestDigest(method: string, path: string, body: string): string {
  return sha256Hex(`${method} ${path}\n${body}`);
}

export function answerOnce(
  tx: Tx,
  request: IdempotentRequest,
  effect: () => Answer,
  refusal: (error: unknown) => Answer | undefined,
  reused: () => Answer,
): Answer & { readonly replayed: boolean } {
  const stored = tx.sqlite
    .query<{ requestHash: string; status: number; body: string }, [string, string]>(
      "SELECT request_hash AS requestHash, status, body FROM idempotency_keys WHERE scope = ? AND key = ?",
    )
    .get(request.scope, request.key);
  if (stored) {
    if (stored.requestHash !== request.requestHash) return { ...reused(), replayed: false };
    return { status: stored.status, body: stored.body, replayed: true };
  }
  let answer: Answer;
  tx.sqlite.run("SAVEPOINT effect");
  try {
    answer = effect();
    tx.sqlite.run("RELEASE effect");
  } catch (error) {
    tx.sqlite.run("ROLLBACK TO effect");
    tx.sqlite.run("RELEASE effect");
    const refused = refusal(error);
    if (!refused) throw error;
    answer = refused;
  }
  tx.sqlite
    .query("INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)")
    .run(request.scope, request.key, request.requestHash, answer.status, answer.body, tx.stamp().atMs);
  return { ...answer, replayed: false };
}

/** Deletes stored answers older than the retention; returns how many. */
export function purgeIdempotencyKeys(tx: Tx, nowMs: number): number {
  return tx.sqlite.query("DELETE FROM idempotency_keys WHERE created_at_ms < ?").run(nowMs - IDEMPOTENCY_RETENTION_MS).changes;
}
