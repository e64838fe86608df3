/**
 * Custom member fields: the venue's own questions about its members (an address, a birth date,
 * "volunteer?"). A field is text, a date, a choice among options, or a checkbox; it may be
 * required, is shown in its position order, and is deactivated rather than deleted, so that the
 * answers already given stay readable. Values are stored as text: a date as YYYY-MM-DD, a checkbox
 * as "1" when ticked; an empty answer is no row at all.
 */
import { fail, limits, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { MEMBER_FIELD_KINDS } from "./schema.ts";

export type MemberFieldKind = (typeof MEMBER_FIELD_KINDS)[number];
export { MEMBER_FIELD_KINDS };

export const MEMBER_FIELD_LIMITS = {
  /** Fields one venue may define, active or not. */
  fields: 50,
  /** Options of one choice field. */
  options: 50,
  /** Characters of one option. */
  optionChars: 100,
  /** Characters of one text answer. */
  valueChars: 1_000,
} as const;

export interface MemberField {
  readonly id: string;
  readonly label: string;
  readonly kind: MemberFieldKind;
  /** The choices of a choice field; empty for the other kinds. */
  readonly options: readonly string[];
  readonly required: boolean;
  readonly position: number;
  readonly active: boolean;
  readonly createdAtMs: number;
}

export interface MemberFieldInput {
  /** Given: update this field; absent: create one. */
  readonly id?: string | undefined;
  readonly label: string;
  readonly kind: string;
  readonly options?: readonly string[] | undefined;
  readonly required?: boolean | undefined;
  readonly position?: number | undefined;
  readonly active?: boolean | undefined;
}

interface Row {
  readonly id: string;
  readonly label: string;
  readonly kind: MemberFieldKind;
  readonly options: string;
  readonly required: number;
  readonly position: number;
  readonly active: number;
  readonly createdAtMs: number;
}

const COLUMNS = "id, label, kind, options, required, position, active, created_at_ms AS createdAtMs";

function fromRow(row: Row): MemberField {
  const options = JSON.parse(row.options) as unknown;
  return { ...row, options: Array.isArray(options) ? options.map(String) : [], required: row.required === 1, active: row.active === 1 };
}

function isKind(value: string): value is MemberFieldKind {
  return (MEMBER_FIELD_KINDS as readonly string[]).includes(value);
}

function checkOptions(kind: MemberFieldKind, raw: readonly string[]): string[] {
  if (kind !== "choice") return [];
  const options = raw.map((option) => option.trim()).filter((option) => option !== "");
  if (options.length === 0) fail("field_options_invalid", "a choice field has at least one option");
  if (options.length > MEMBER_FIELD_LIMITS.options) fail("field_options_invalid", `at most ${MEMBER_FIELD_LIMITS.options} options`);
  if (options.some((option) => option.length > MEMBER_FIELD_LIMITS.optionChars)) fail("field_options_invalid", `an option has at most ${MEMBER_FIELD_LIMITS.optionChars} characters`);
  if (new Set(options).size !== options.length) fail("field_options_invalid", "each option once");
  return options;
}

export function saveMemberField(tx: Tx, deps: { readonly newId: IdFactory }, input: MemberFieldInput): MemberField {
  const label = input.label.trim();
  if (!label) fail("field_label_required", "a field has a label");
  if (label.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  const kind = input.kind.trim();
  if (!isKind(kind)) fail("field_kind_invalid", `a field is one of ${MEMBER_FIELD_KINDS.join(", ")}`);
  const options = checkOptions(kind, input.options ?? []);
  const position = input.position ?? 0;
  if (!Number.isSafeInteger(position) || Math.abs(position) > 1_000_000) fail("position_invalid", "a position is a whole number");
  const required = input.required ?? false;
  const active = input.active ?? true;
  if (input.id !== undefined) {
    const before = findMemberField(tx.sqlite, input.id);
    if (!before) fail("member_field_unknown", "no such field");
    // Changing the kind would make the answers already stored mean something else.
    if (before.kind !== kind) fail("field_kind_invalid", "a field keeps its kind; deactivate it and add another");
    tx.sqlite
      .query("UPDATE member_fields SET label = ?, options = ?, required = ?, position = ?, active = ? WHERE id = ?")
      .run(label, JSON.stringify(options), required ? 1 : 0, position, active ? 1 : 0, before.id);
    return { ...before, label, options, required, position, active };
  }
  const count = tx.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM member_fields").get()!.n;
  if (count >= MEMBER_FIELD_LIMITS.fields) fail("member_fields_full", `at most ${MEMBER_FIELD_LIMITS.fields} fields`);
  const field: MemberField = { id: deps.newId(), label, kind, options, required, position, active, createdAtMs: tx.stamp().atMs };
  tx.sqlite
    .query("INSERT INTO member_fields (id, label, kind, options, required, position, active, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .run(field.id, label, kind, JSON.stringify(options), required ? 1 : 0, position, active ? 1 : 0, field.createdAtMs);
  return field;
}

export function findMemberField(sqlite: Sqlite, id: string): MemberField | undefined {
  const row = sqlite.query<Row, [string]>(`SELECT ${COLUMNS} FROM member_fields WHERE id = ?`).get(id);
  return row ? fromRow(row) : undefined;
}

export function listMemberFields(sqlite: Sqlite, options: { readonly activeOnly?: boolean } = {}): MemberField[] {
  const where = options.activeOnly ? "WHERE active = 1" : "";
  return sqlite.query<Row, [number]>(`SELECT ${COLUMNS} FROM member_fields ${where} ORDER BY position, created_at_ms LIMIT ?`).all(MEMBER_FIELD_LIMITS.fields).map(fromRow);
}

function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** One answer, cleaned: "" for no answer; refusals name the field in their message. */
export function checkFieldValue(field: MemberField, raw: string | undefined): string {
  let value = (raw ?? "").trim();
  if (field.kind === "checkbox") value = value === "" || value === "0" || value === "false" ? "" : "1";
  if (value === "") {
    if (field.required) fail("field_required", `${field.label} is required`, { field: field.id });
    return "";
  }
  const valid =
    field.kind === "text" ? value.length <= MEMBER_FIELD_LIMITS.valueChars : field.kind === "date" ? isDate(value) : field.kind === "choice" ? field.options.includes(value) : true;
  if (!valid) fail("field_value_invalid", `${field.label}: not a valid answer`, { field: field.id });
  return value;
}

/** The answers to the active fields, cleaned, by field id; a refusal when one is missing or invalid. */
export function checkFieldValues(fields: readonly MemberField[], raw: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const field of fields) if (field.active) clean[field.id] = checkFieldValue(field, raw[field.id]);
  return clean;
}

/**
 * Writes a member's answers to the active fields (all of them, checked first: nothing is written
 * on a refusal). An empty answer removes the row; answers to deactivated fields are kept.
 */
export function setMemberFieldValues(tx: Tx, memberId: string, raw: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const clean = checkFieldValues(listMemberFields(tx.sqlite, { activeOnly: true }), raw);
  const remove = tx.sqlite.query("DELETE FROM member_field_values WHERE member_id = ? AND field_id = ?");
  const upsert = tx.sqlite.query("INSERT INTO member_field_values (member_id, field_id, value) VALUES (?, ?, ?) ON CONFLICT (member_id, field_id) DO UPDATE SET value = excluded.value");
  for (const [fieldId, value] of Object.entries(clean)) {
    if (value === "") remove.run(memberId, fieldId);
    else upsert.run(memberId, fieldId, value);
  }
  return clean;
}

/** A member's stored answers by field id (deactivated fields included). */
export function memberFieldValues(sqlite: Sqlite, memberId: string): Record<string, string> {
  const values: Record<string, string> = {};
  const rows = sqlite.query<{ fieldId: string; value: string }, [string, number]>("SELECT field_id AS fieldId, value FROM member_field_values WHERE member_id = ? LIMIT ?");
  for (const row of rows.all(memberId, MEMBER_FIELD_LIMITS.fields)) values[row.fieldId] = row.value;
  return values;
}
