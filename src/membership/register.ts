/**
 * The member register: search, edit, and the two requests a person may make about their data
 * (GDPR): an export of everything the membership room holds about them, and an erasure. Erasing
 * keeps the member's row (its id is what the ledger, sales and memberships point at) but replaces
 * the name by a pseudonym derived from the id ("Membre effacé 7F3K"), empties the e-mail, phone
 * and notes, deletes the custom field answers and stamps erased_at_ms. The ledger never held a
 * name (it knows wallets), so its signed history stays whole and verifiable.
 */
import { fail, limits, sha256 } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { checkMemberInput, type Member, type MemberInput } from "./members.ts";
import { listMemberships, membershipOf, type Membership, type MembershipStatus } from "./memberships.ts";
import { listMemberFields, memberFieldValues, setMemberFieldValues } from "./fields.ts";

/** Characters of a member's notes. */
export const MEMBER_NOTES_CHARS = 4_000;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The register's view of a member: the minimal record plus notes and erasure. */
export interface RegisterMember extends Member {
  readonly notes: string;
  readonly erasedAtMs: number | null;
  readonly updatedAtMs: number;
}

export interface MemberRow extends RegisterMember {
  readonly membership: MembershipStatus;
}

const COLUMNS = `id, name, email, phone, wallet_id AS walletId, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs, notes, erased_at_ms AS erasedAtMs`;

export function findRegisterMember(sqlite: Sqlite, id: string): RegisterMember | undefined {
  return sqlite.query<RegisterMember, [string]>(`SELECT ${COLUMNS} FROM members WHERE id = ?`).get(id) ?? undefined;
}

/** The four characters that name an erased member, the same every time for one member id. */
export function pseudonymCode(memberId: string): string {
  const digest = sha256(`tibox-member-pseudonym/v1:${memberId}`);
  let code = "";
  for (let i = 0; i < 4; i++) code += CROCKFORD[digest[i]! % 32];
  return code;
}

/** What an erased member is called from then on, in members, orders, tickets and waiting lists. */
export function memberPseudonym(memberId: string): string {
  return `Membre effacé ${pseudonymCode(memberId)}`;
}

export interface MemberSearch {
  readonly query: string;
  readonly nowMs: number;
  /** Erased members are left out unless asked for. */
  readonly includeErased?: boolean | undefined;
  /** Members found another way (a card UID, by the http layer) listed first. */
  readonly alsoIds?: readonly string[] | undefined;
  readonly rows?: number | undefined;
}

/**
 * Members whose name, e-mail or phone contains the query (a phone matches on its digits, so
 * "0612" finds "06 12 34 56 78"), with their membership state, by name.
 */
export function searchMembers(sqlite: Sqlite, search: MemberSearch): MemberRow[] {
  const rows = Math.min(search.rows ?? limits.listPageRows, limits.listPageRows);
  const text = search.query.trim().slice(0, limits.textFieldChars).replace(/[%_\\]/g, "");
  const like = `%${text}%`;
  const digits = text.replace(/[\s.()+-]/g, "");
  const phoneLike = /^\d{3,}$/.test(digits) ? `%${digits}%` : "\u0000";
  const erased = search.includeErased ? "" : "AND erased_at_ms IS NULL";
  const found = sqlite
    .query<RegisterMember, [string, string, string, number]>(
      `SELECT ${COLUMNS} FROM members
        WHERE (name LIKE ?1 OR email LIKE ?2 OR replace(replace(replace(replace(replace(replace(phone, ' ', ''), '.', ''), '-', ''), '(', ''), ')', ''), '+', '') LIKE ?3) ${erased}
        ORDER BY name COLLATE NOCASE, id LIMIT ?4`,
    )
    .all(like, like, phoneLike, rows);
  const extra: RegisterMember[] = [];
  for (const id of search.alsoIds ?? []) {
    const member = findRegisterMember(sqlite, id);
    if (member && (search.includeErased || member.erasedAtMs === null) && !found.some((row) => row.id === id)) extra.push(member);
  }
  return [...extra, ...found].slice(0, rows).map((member) => ({ ...member, membership: membershipOf(sqlite, member.id, search.nowMs) }));
}

export interface MemberUpdate extends MemberInput {
  readonly notes?: string | undefined;
  /** Answers to the custom fields by field id; absent: the answers are left as they are. */
  readonly fields?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Edits a member's record and answers in one go: all checked first, nothing written on a refusal. */
export function updateMember(tx: Tx, memberId: string, update: MemberUpdate): RegisterMember {
  const before = findRegisterMember(tx.sqlite, memberId);
  if (!before) fail("member_unknown", "no such member");
  if (before.erasedAtMs !== null) fail("member_erased", "this member was erased");
  const clean = checkMemberInput(update);
  const notes = (update.notes ?? before.notes).trim();
  if (notes.length > MEMBER_NOTES_CHARS) fail("notes_too_long", `notes have at most ${MEMBER_NOTES_CHARS} characters`);
  const nowMs = tx.stamp().atMs;
  if (update.fields !== undefined) setMemberFieldValues(tx, memberId, update.fields);
  tx.sqlite.query("UPDATE members SET name = ?, email = ?, phone = ?, notes = ?, updated_at_ms = ? WHERE id = ?").run(clean.name, clean.email, clean.phone, notes, nowMs, memberId);
  return { ...before, ...clean, notes, updatedAtMs: nowMs };
}

export interface Erasure {
  readonly memberId: string;
  readonly pseudonym: string;
  /** The e-mail the member had (lowercased; "" when none), for erasing the orders bought with it. */
  readonly formerEmail: string;
  readonly erasedAtMs: number;
  readonly fieldValuesDeleted: number;
}

/** Erases a member's personal data in the membership room (see the module comment). */
export function eraseMember(tx: Tx, memberId: string): Erasure {
  const before = findRegisterMember(tx.sqlite, memberId);
  if (!before) fail("member_unknown", "no such member");
  if (before.erasedAtMs !== null) fail("already_erased", "this member was already erased");
  const pseudonym = memberPseudonym(memberId);
  const erasedAtMs = tx.stamp().atMs;
  const deleted = tx.sqlite.query("DELETE FROM member_field_values WHERE member_id = ?").run(memberId).changes;
  tx.sqlite
    .query("UPDATE members SET name = ?, email = '', phone = '', notes = '', erased_at_ms = ?, updated_at_ms = ? WHERE id = ?")
    .run(pseudonym, erasedAtMs, erasedAtMs, memberId);
  return { memberId, pseudonym, formerEmail: before.email.trim().toLowerCase(), erasedAtMs, fieldValuesDeleted: deleted };
}

export interface MemberExport {
  readonly member: {
    readonly id: string;
    readonly name: string;
    readonly email: string;
    readonly phone: string;
    readonly notes: string;
    readonly wallet_id: string;
    readonly created_at_ms: number;
    readonly updated_at_ms: number;
    readonly erased_at_ms: number | null;
  };
  readonly fields: ReadonlyArray<{ readonly field_id: string; readonly label: string; readonly kind: string; readonly value: string }>;
  readonly memberships: ReadonlyArray<{
    readonly id: string;
    readonly label: string;
    readonly valid_from_ms: number;
    readonly valid_until_ms: number;
    readonly product_id: string | null;
    readonly order_id: string | null;
    readonly sale_number: number | null;
    readonly created_at_ms: number;
  }>;
}

/** Everything the membership room holds about a member, in snake_case JSON terms. */
export function exportMemberRecord(sqlite: Sqlite, memberId: string): MemberExport {
  const member = findRegisterMember(sqlite, memberId);
  if (!member) fail("member_unknown", "no such member");
  const values = memberFieldValues(sqlite, memberId);
  const fields = listMemberFields(sqlite)
    .filter((field) => values[field.id] !== undefined)
    .map((field) => ({ field_id: field.id, label: field.label, kind: field.kind, value: values[field.id]! }));
  const memberships = listMemberships(sqlite, memberId).map((m: Membership) => ({
    id: m.id,
    label: m.label,
    valid_from_ms: m.validFromMs,
    valid_until_ms: m.validUntilMs,
    product_id: m.productId,
    order_id: m.orderId,
    sale_number: m.saleNumber,
    created_at_ms: m.createdAtMs,
  }));
  return {
    member: {
      id: member.id,
      name: member.name,
      email: member.email,
      phone: member.phone,
      notes: member.notes,
      wallet_id: member.walletId,
      created_at_ms: member.createdAtMs,
      updated_at_ms: member.updatedAtMs,
      erased_at_ms: member.erasedAtMs,
    },
    fields,
    memberships,
  };
}

