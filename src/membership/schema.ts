/** Members (who holds a wallet by name) and their memberships (validity windows). */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const members = sqliteTable("members", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().default(""),
  phone: text("phone").notNull().default(""),
  /** The member's own wallet; cards attached to the member are merged into it. */
  walletId: text("wallet_id").notNull(),
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
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [index("memberships_member").on(table.memberId, table.validUntilMs)],
);
