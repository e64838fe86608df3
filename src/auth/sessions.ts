/**
 * Operator sessions. The cookie holds a random id; the database holds its SHA-256, so a copy of
 * the database (a backup) cannot be used to log in. Each session has its own CSRF token.
 */
import { eq } from "drizzle-orm";
import { limits, secretToken, type RandomSource } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import type { Role } from "./schema.ts";
import { sessions } from "./schema.ts";
import { digestToken } from "./secrets.ts";

export interface Session {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly role: Role;
  readonly terminalId: string | null;
  readonly csrfToken: string;
  readonly expiresAtMs: number;
}

export interface NewSession {
  readonly cookieValue: string;
  readonly csrfToken: string;
  readonly expiresAtMs: number;
}

export function insertSession(tx: Tx, random: RandomSource, operatorId: string, terminalId: string | null): NewSession {
  const cookieValue = secretToken(random);
  const csrfToken = secretToken(random, 24);
  const nowMs = tx.stamp().atMs;
  const expiresAtMs = nowMs + limits.sessionLifetimeMs;
  tx.orm.insert(sessions).values({ idHash: digestToken(cookieValue), operatorId, terminalId, csrfToken, createdAtMs: nowMs, expiresAtMs }).run();
  return { cookieValue, csrfToken, expiresAtMs };
}

/** Looks a session up on every request: one prepared point query. */
export function resolveSession(sqlite: Sqlite, cookieValue: string, nowMs: number): Session | undefined {
  const row = sqlite
    .query<
      { operatorId: string; operatorName: string; role: Role; terminalId: string | null; csrfToken: string; expiresAtMs: number },
      [string, number]
    >(
      `SELECT s.operator_id AS operatorId, o.name AS operatorName, o.role AS role, s.terminal_id AS terminalId,
              s.csrf_token AS csrfToken, s.expires_at_ms AS expiresAtMs
         FROM sessions s JOIN operators o ON o.id = s.operator_id
         LEFT JOIN terminals t ON t.id = s.terminal_id
        WHERE s.id_hash = ? AND s.revoked_at_ms IS NULL AND s.expires_at_ms > ? AND o.active = 1
          AND (s.terminal_id IS NULL OR t.revoked_at_ms IS NULL)`,
    )
    .get(digestToken(cookieValue), nowMs);
  return row ?? undefined;
}

export function revokeSession(tx: Tx, cookieValue: string): void {
  tx.orm.update(sessions).set({ revokedAtMs: tx.stamp().atMs }).where(eq(sessions.idHash, digestToken(cookieValue))).run();
}

export function revokeOperatorSessions(tx: Tx, operatorId: string): void {
  tx.orm.update(sessions).set({ revokedAtMs: tx.stamp().atMs }).where(eq(sessions.operatorId, operatorId)).run();
}

/** Deletes sessions that expired; returns how many. Run by the jobs room. */
export function purgeExpiredSessions(tx: Tx, nowMs: number): number {
  return tx.sqlite.query("DELETE FROM sessions WHERE expires_at_ms < ?").run(nowMs).changes;
}
