/** Operators: the people who use the box, each with one role. */
import { and, asc, eq, ne } from "drizzle-orm";
import { fail, limits, type IdFactory } from "../kernel/index.ts";
import type { Orm, Tx } from "../db/index.ts";
import { operators, ROLES, type Role } from "./schema.ts";

export type Operator = typeof operators.$inferSelect;

export interface NewOperator {
  readonly name: string;
  readonly email?: string | undefined;
  readonly role: Role;
  readonly passwordHash?: string | undefined;
  readonly pinHash?: string | undefined;
  readonly staffCardUid?: string | undefined;
}

/** Roles that log in with email and password; the others use a PIN or a staff card on a terminal. */
export function usesPassword(role: Role): boolean {
  return role === "admin" || role === "manager";
}

export function normalizeEmail(email: string): string {
  const cleaned = email.trim().toLowerCase();
  if (cleaned.length > limits.textFieldChars || !/^[^\s@]+@[^\s@]+$/.test(cleaned)) fail("email_invalid", "not an email address");
  return cleaned;
}

export function checkName(name: string): string {
  const cleaned = name.trim();
  if (!cleaned) fail("name_required", "a name is required");
  if (cleaned.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  return cleaned;
}

export function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) fail("role_invalid", `role is one of ${ROLES.join(", ")}`);
  return value as Role;
}

/** Card UIDs are 4, 7 or 10 bytes of hex, any case, ":" allowed; stored uppercase, bare. */
export function normalizeCardUid(uid: string): string {
  const bare = uid.replaceAll(":", "").trim().toUpperCase();
  if (!/^[0-9A-F]+$/.test(bare) || ![8, 14, 20].includes(bare.length)) fail("card_uid_invalid", "a card UID is 4, 7 or 10 bytes of hex");
  return bare;
}

export function insertOperator(tx: Tx, newId: IdFactory, input: NewOperator): Operator {
  const name = checkName(input.name);
  const email = input.email ? normalizeEmail(input.email) : null;
  if (usesPassword(input.role) && (!email || !input.passwordHash)) {
    fail("credentials_required", "admins and managers need an email and a password");
  }
  if (!usesPassword(input.role) && !input.pinHash && !input.staffCardUid) {
    fail("credentials_required", "cashiers and door volunteers need a PIN or a staff card");
  }
  if (email && findOperatorByEmail(tx.orm, email)) fail("email_taken", "another operator has this email");
  const staffCardUid = input.staffCardUid ? normalizeCardUid(input.staffCardUid) : null;
  if (staffCardUid && tx.orm.select().from(operators).where(eq(operators.staffCardUid, staffCardUid)).get()) {
    fail("staff_card_taken", "another operator has this staff card");
  }
  const nowMs = tx.stamp().atMs;
  const row = {
    id: newId(),
    name,
    email,
    role: input.role,
    passwordHash: input.passwordHash ?? null,
    pinHash: input.pinHash ?? null,
    staffCardUid,
    active: true,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
  tx.orm.insert(operators).values(row).run();
  return row;
}

export function findOperatorByEmail(orm: Orm, email: string): Operator | undefined {
  return orm.select().from(operators).where(eq(operators.email, email.trim().toLowerCase())).get();
}

export function findOperator(orm: Orm, id: string): Operator | undefined {
  return orm.select().from(operators).where(eq(operators.id, id)).get();
}

export function findOperatorByStaffCard(orm: Orm, uid: string): Operator | undefined {
  return orm.select().from(operators).where(and(eq(operators.staffCardUid, uid), eq(operators.active, true))).get();
}

export function listOperators(orm: Orm): Operator[] {
  return orm.select().from(operators).orderBy(asc(operators.name)).limit(limits.listPageRows * 10).all();
}

/** Operators who may unlock a terminal of this kind with a PIN (cashiers at tills, door at doors). */
export function listPinOperators(orm: Orm, roles: readonly Role[]): Array<Pick<Operator, "id" | "name" | "role">> {
  return listOperators(orm)
    .filter((operator) => operator.active && operator.pinHash && roles.includes(operator.role))
    .map(({ id, name, role }) => ({ id, name, role }));
}

export interface OperatorChanges {
  readonly name?: string | undefined;
  readonly role?: Role | undefined;
  readonly active?: boolean | undefined;
  readonly passwordHash?: string | undefined;
  readonly pinHash?: string | undefined;
  readonly staffCardUid?: string | null | undefined;
}

export function updateOperator(tx: Tx, id: string, changes: OperatorChanges): Operator {
  const current = findOperator(tx.orm, id);
  if (!current) fail("operator_unknown", "no such operator");
  const next = { ...current };
  if (changes.name !== undefined) next.name = checkName(changes.name);
  if (changes.role !== undefined) next.role = changes.role;
  if (changes.active !== undefined) next.active = changes.active;
  if (changes.passwordHash !== undefined) next.passwordHash = changes.passwordHash;
  if (changes.pinHash !== undefined) next.pinHash = changes.pinHash;
  if (changes.staffCardUid !== undefined) {
    next.staffCardUid = changes.staffCardUid === null ? null : normalizeCardUid(changes.staffCardUid);
    if (next.staffCardUid) {
      const other = tx.orm.select().from(operators).where(and(eq(operators.staffCardUid, next.staffCardUid), ne(operators.id, id))).get();
      if (other) fail("staff_card_taken", "another operator has this staff card");
    }
  }
  if (usesPassword(next.role) && (!next.email || !next.passwordHash)) fail("credentials_required", "admins and managers need an email and a password");
  if (current.role === "admin" && (next.role !== "admin" || !next.active)) assertAnotherActiveAdmin(tx.orm, id);
  next.updatedAtMs = tx.stamp().atMs;
  tx.orm.update(operators).set(next).where(eq(operators.id, id)).run();
  return next;
}

/** The box must keep at least one active admin, or nobody could manage it. */
function assertAnotherActiveAdmin(orm: Orm, exceptId: string): void {
  const other = orm
    .select({ id: operators.id })
    .from(operators)
    .where(and(eq(operators.role, "admin"), eq(operators.active, true), ne(operators.id, exceptId)))
    .get();
  if (!other) fail("last_admin", "the box needs at least one active admin");
}
