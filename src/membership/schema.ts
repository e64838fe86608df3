/** Members (who holds a wallet by name) and their memberships (validity windows). */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const members = sqliteTable("members", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().default(""),
  phone: text("phone").notNull().default(""),
  /** The member's own wallet; cards attached to the member are merged into it. */
  walletId: text("wallet_id").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
  /** Set when the member asked to be erased: name, e-mail, phone and field values are replaced by a pseudonym. */
  erasedAtMs: integer("erased_at_ms"),
  /** Free notes by the staff. */
  notes: text("notes").notNull().default(""),
});

export const MEMBER_FIELD_KINDS = ["text", "date", "choice", "checkbox"] as const;

/** The venue's own questions about its members (address, birth date, "volunteer?"). */
export const memberFields = sqliteTable("member_fields", {
  id: text("id").primaryKey(),
  label: text("label").notNull(),
  kind: text("kind", { enum: MEMBER_FIELD_KINDS }).notNull(),
  /** JSON array of choices for a choice field. */
  options: text("options").notNull().default("[]"),
  required: integer("required", { mode: "boolean" }).notNull().default(false),
  position: integer("position").notNull().default(0),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAtMs: integer("created_at_ms").notNull(),
});

export const memberFieldValues = sqliteTable(
  "member_field_values",
  {
    memberId: text("member_id")
      .notNull()
      .references(() => members.id),
    fieldId: text("field_id")
      .notNull()
      .references(() => memberFields.id),
    value: text("value").notNull(),
  },
  (table) => [primaryKey({ columns: [table.memberId, table.fieldId] })],
);

export const MEMBERSHIP_DURATIONS = ["rolling_year", "calendar_year", "month", "custom"] as const;

/** What a membership sold online or at the box office grants: a duration and a price (free price: at least the amount). */
export const membershipProducts = sqliteTable("membership_products", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  duration: text("duration", { enum: MEMBERSHIP_DURATIONS }).notNull(),
  /** The days of a custom duration; null otherwise. */
  customDays: integer("custom_days"),
  amountMinor: integer("amount_minor").notNull(),
  /** The buyer chooses the amount, at least amount_minor. */
  freePrice: integer("free_price", { mode: "boolean" }).notNull().default(false),
  vatRateBp: integer("vat_rate_bp").notNull().default(0),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  position: integer("position").notNull().default(0),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/**
 * A membership: a member's validity window, granted by hand or by selling a membership item
 * (sale_number then names the sale). A member is valid while now lies inside the latest window.
 */
export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    memberId: text("member_id")
      .notNull()
      .references(() => members.id),
    label: text("label").notNull(),
    validFromMs: integer("valid_from_ms").notNull(),
    validUntilMs: integer("valid_until_ms").notNull(),
    saleNumber: integer("sale_number"),
    /** The membership product and the ticketing order that granted it, if any. */
    productId: text("product_id"),
    orderId: text("order_id"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [index("memberships_member").on(table.memberId, table.validUntilMs)],
);
