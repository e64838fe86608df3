/**
 * Terminals: the paired devices (tills, door phones, reader agents). A device proves itself with
 * a bearer token; the box stores only the token's SHA-256. A token works on a serving box as soon
 * as its row is committed, whichever process wrote it, because every request looks it up.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { fail, limits, numericCode, secretToken, type IdFactory, type RandomSource } from "../kernel/index.ts";
import type { Orm, Sqlite, Tx } from "../db/index.ts";
import { pairingCodes, terminals, TERMINAL_KINDS, type TerminalKind } from "./schema.ts";
import { digestToken } from "./secrets.ts";
import { checkName } from "./operators.ts";

export type Terminal = typeof terminals.$inferSelect;

export function parseTerminalKind(value: string): TerminalKind {
  if (!(TERMINAL_KINDS as readonly string[]).includes(value)) fail("terminal_kind_invalid", `kind is one of ${TERMINAL_KINDS.join(", ")}`);
  return value as TerminalKind;
}

export function insertTerminal(tx: Tx, newId: IdFactory, random: RandomSource, kind: TerminalKind, name: string, createdBy: string) {
  const token = secretToken(random);
  const terminal: Terminal = {
    id: newId(),
    kind,
    name: checkName(name),
    tokenHash: digestToken(token),
    createdAtMs: tx.stamp().atMs,
    createdBy,
    revokedAtMs: null,
    lastSeenAtMs: null,
  };
  tx.orm.insert(terminals).values(terminal).run();
  return { terminal, token };
}

/** The terminal a token belongs to, unless it was revoked. One prepared point query. */
export function terminalByToken(sqlite: Sqlite, token: string): Terminal | undefined {
  return (
    sqlite
      .query<Terminal, [string]>(
        `SELECT id, kind, name, token_hash AS tokenHash, created_at_ms AS createdAtMs, created_by AS createdBy,
                revoked_at_ms AS revokedAtMs, last_seen_at_ms AS lastSeenAtMs
           FROM terminals WHERE token_hash = ? AND revoked_at_ms IS NULL`,
      )
      .get(digestToken(token)) ?? undefined
  );
}

export function findTerminal(orm: Orm, id: string): Terminal | undefined {
  return orm.select().from(terminals).where(eq(terminals.id, id)).get();
}

export function listTerminals(orm: Orm): Terminal[] {
  return orm.select().from(terminals).orderBy(asc(terminals.createdAtMs)).limit(limits.listPageRows * 10).all();
}

export function renameTerminal(tx: Tx, id: string, name: string): Terminal {
  const terminal = findTerminal(tx.orm, id);
  if (!terminal) fail("terminal_unknown", "no such terminal");
  const next = { ...terminal, name: checkName(name) };
  tx.orm.update(terminals).set({ name: next.name }).where(eq(terminals.id, id)).run();
  return next;
}

export function revokeTerminal(tx: Tx, id: string): Terminal {
  const terminal = findTerminal(tx.orm, id);
  if (!terminal) fail("terminal_unknown", "no such terminal");
  if (terminal.revokedAtMs) fail("terminal_revoked", "this terminal is already revoked");
  const revokedAtMs = tx.stamp().atMs;
  tx.orm.update(terminals).set({ revokedAtMs }).where(eq(terminals.id, id)).run();
  return { ...terminal, revokedAtMs };
}

export function touchTerminal(tx: Tx, id: string): void {
  tx.orm.update(terminals).set({ lastSeenAtMs: tx.stamp().atMs }).where(eq(terminals.id, id)).run();
}

/** A single-use code, valid 10 minutes, that a device trades for its token. */
export function insertPairingCode(tx: Tx, random: RandomSource, kind: TerminalKind, name: string, createdBy: string) {
  const code = numericCode(random, 8);
  const nowMs = tx.stamp().atMs;
  const expiresAtMs = nowMs + limits.pairingCodeLifetimeMs;
  tx.orm.insert(pairingCodes).values({ codeHash: digestToken(code), kind, name: checkName(name), createdAtMs: nowMs, expiresAtMs, createdBy }).run();
  return { code, expiresAtMs };
}

export function claimPairingCode(tx: Tx, newId: IdFactory, random: RandomSource, code: string) {
  const cleaned = code.replace(/[\s-]/g, "");
  const row = tx.orm
    .select()
    .from(pairingCodes)
    .where(and(eq(pairingCodes.codeHash, digestToken(cleaned)), isNull(pairingCodes.usedAtMs)))
    .get();
  const nowMs = tx.stamp().atMs;
  if (!row) fail("pairing_code_invalid", "this pairing code is unknown or was already used");
  if (row.expiresAtMs <= nowMs) fail("pairing_code_expired", "this pairing code has expired; ask for a new one");
  const paired = insertTerminal(tx, newId, random, row.kind, row.name, row.createdBy);
  tx.orm.update(pairingCodes).set({ usedAtMs: nowMs, terminalId: paired.terminal.id }).where(eq(pairingCodes.codeHash, row.codeHash)).run();
  return paired;
}
