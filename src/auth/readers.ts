/**
 * Reader bindings: which till or door receives the taps of each NFC reader. A reader is named
 * by a key that says where its taps come from:
 *
 *   pcsc:<reader name>            a reader plugged into the box itself
 *   agent:<terminal id>[:<name>]  a remote reader agent (a `reader` terminal), and the reader's
 *                                 name when that agent forwards several
 *   sim:<name>                    a simulated reader (demo, tests)
 *
 * Binding and unbinding are configuration changes, recorded in the signed event log.
 */
import { fail, limits, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { appendEvent } from "./eventlog.ts";
import { findTerminal } from "./terminals.ts";

export interface ReaderBinding {
  readonly readerKey: string;
  readonly terminalId: string;
  readonly createdAtMs: number;
}

export const READER_KEY_PREFIXES = ["pcsc", "agent", "sim"] as const;
/** A reader name from PC/SC is at most 128 bytes (MAX_READERNAME); a key adds a prefix and an id. */
const READER_KEY_MAX_CHARS = 200;

export function checkReaderKey(key: string): string {
  const prefix = key.slice(0, key.indexOf(":"));
  if (!(READER_KEY_PREFIXES as readonly string[]).includes(prefix) || key.length <= prefix.length + 1 || key.length > READER_KEY_MAX_CHARS || /[\u0000-\u001f]/.test(key)) {
    fail("reader_key_invalid", "a reader key is pcsc:NAME, agent:ID[:NAME] or sim:NAME");
  }
  return key;
}

const COLUMNS = "reader_key AS readerKey, terminal_id AS terminalId, created_at_ms AS createdAtMs";

/** The terminal bound to a reader. One prepared point query: it runs on every tap. */
export function readerBinding(sqlite: Sqlite, readerKey: string): ReaderBinding | undefined {
  return sqlite.query<ReaderBinding, [string]>(`SELECT ${COLUMNS} FROM reader_bindings WHERE reader_key = ?`).get(readerKey) ?? undefined;
}

export function listReaderBindings(sqlite: Sqlite): ReaderBinding[] {
  return sqlite.query<ReaderBinding, [number]>(`SELECT ${COLUMNS} FROM reader_bindings ORDER BY reader_key LIMIT ?`).all(limits.listPageRows * 10);
}

/** Binds a reader to a till or a door (replacing its previous binding), and logs it. */
export function bindReader(tx: Tx, signer: Signer, input: { readerKey: string; terminalId: string; actor: string }): ReaderBinding {
  const readerKey = checkReaderKey(input.readerKey);
  const terminal = findTerminal(tx.orm, input.terminalId);
  if (!terminal) fail("terminal_unknown", "no such terminal");
  if (terminal.revokedAtMs !== null) fail("terminal_revoked", "this terminal is revoked");
  if (terminal.kind === "reader") fail("reader_target_invalid", "a reader is bound to a till or a door");
  const binding: ReaderBinding = { readerKey, terminalId: terminal.id, createdAtMs: tx.stamp().atMs };
  tx.sqlite
    .query("INSERT INTO reader_bindings (reader_key, terminal_id, created_at_ms) VALUES (?, ?, ?) ON CONFLICT (reader_key) DO UPDATE SET terminal_id = excluded.terminal_id, created_at_ms = excluded.created_at_ms")
    .run(binding.readerKey, binding.terminalId, binding.createdAtMs);
  appendEvent(tx, signer, { kind: "config.reader_bound", actor: input.actor, subject: `reader:${readerKey}`, detail: { terminal_id: terminal.id, terminal_name: terminal.name } });
  return binding;
}

/** Removes a reader's binding (its taps are dropped from then on), and logs it. */
export function unbindReader(tx: Tx, signer: Signer, input: { readerKey: string; actor: string }): boolean {
  const readerKey = checkReaderKey(input.readerKey);
  const removed = tx.sqlite.query("DELETE FROM reader_bindings WHERE reader_key = ?").run(readerKey).changes > 0;
  if (removed) appendEvent(tx, signer, { kind: "config.reader_unbound", actor: input.actor, subject: `reader:${readerKey}`, detail: {} });
  return removed;
}
