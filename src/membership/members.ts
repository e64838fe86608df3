/** Members: the minimal record (name, email, phone) and the wallet their cards merge into. */
import { fail, limits, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

export interface Member {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly walletId: string;
  readonly createdAtMs: number;
}

const COLUMNS = "id, name, email, phone, wallet_id AS walletId, created_at_ms AS createdAtMs";

export interface MemberInput {
  readonly name: string;
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
}

export function checkMemberInput(input: MemberInput): Required<MemberInput> {
  const name = input.name.trim();
  if (!name) fail("name_required", "a member has a name");
  const email = (input.email ?? "").trim().toLowerCase();
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) fail("email_invalid", "not an email address");
  const phone = (input.phone ?? "").trim();
  if (phone && !/^\+?[\d .()-]{4,24}$/.test(phone)) fail("phone_invalid", "not a phone number");
  if (name.length > limits.textFieldChars || email.length > limits.textFieldChars) fail("name_too_long", "too long");
  return { name, email, phone };
}

export function insertMember(tx: Tx, newId: IdFactory, input: MemberInput, walletId: string): Member {
  const clean = checkMemberInput(input);
  const nowMs = tx.stamp().atMs;
  const member: Member = { id: newId(), ...clean, walletId, createdAtMs: nowMs };
  tx.sqlite
    .query("INSERT INTO members (id, name, email, phone, wallet_id, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(member.id, member.name, member.email, member.phone, walletId, nowMs, nowMs);
  return member;
}

export function findMember(sqlite: Sqlite, id: string): Member | undefined {
  return sqlite.query<Member, [string]>(`SELECT ${COLUMNS} FROM members WHERE id = ?`).get(id) ?? undefined;
}

export function memberByWallet(sqlite: Sqlite, walletId: string): Member | undefined {
  return sqlite.query<Member, [string]>(`SELECT ${COLUMNS} FROM members WHERE wallet_id = ?`).get(walletId) ?? undefined;
}

export function listMembers(sqlite: Sqlite, search: string, rows = limits.listPageRows): Member[] {
  const like = `%${search.trim().replace(/[%_]/g, "")}%`;
  return sqlite.query<Member, [string, string, number]>(`SELECT ${COLUMNS} FROM members WHERE name LIKE ? OR email LIKE ? ORDER BY name LIMIT ?`).all(like, like, rows);
}
