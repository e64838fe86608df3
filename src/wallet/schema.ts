/** Tables the wallet room owns: assets, wallets, cards, what loaded each wallet, settings. */
import { integer, primaryKey, sqliteTable, text, uniqueIndex, check } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const ASSET_KINDS = ["euro", "local", "gift", "time", "loyalty"] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const CARD_STATES = ["new", "active", "lost", "blocked"] as const;
export type CardState = (typeof CARD_STATES)[number];

export const assets = sqliteTable("assets", {
  /** The name the API uses: "EUR", "GIFT"... */
  code: text("code").primaryKey(),
  kind: text("kind", { enum: ASSET_KINDS }).notNull(),
  name: text("name").notNull(),
  /** Decimal places of the minor unit (2 for cents; 0 for minutes of volunteering). */
  scale: integer("scale").notNull(),
  /** Backed 1:1 by euros held in reserve accounts. */
  backed: integer("backed", { mode: "boolean" }).notNull(),
  refundable: integer("refundable", { mode: "boolean" }).notNull(),
  /** Payments draw assets in ascending priority (gift before euros by default). */
  spendPriority: integer("spend_priority").notNull(),
  /** JSON array of point-of-sale codes that accept it; empty means every point of sale. */
  acceptedPointsOfSale: text("accepted_points_of_sale").notNull().default("[]"),
  /** Whether a balance may move from one wallet to another (off by default). */
  transferable: integer("transferable", { mode: "boolean" }).notNull().default(false),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

export const wallets = sqliteTable("wallets", {
  id: text("id").primaryKey(),
  createdAtMs: integer("created_at_ms").notNull(),
  /** Set when this (anonymous) wallet was merged into a member's: its balances moved there. */
  mergedInto: text("merged_into"),
});

export const cards = sqliteTable(
  "cards",
  {
    id: text("id").primaryKey(),
    /** Uppercase hex without separators, 4, 7 or 10 bytes; null for a printed card not yet tapped. */
    uid: text("uid"),
    printedNumber: text("printed_number").notNull(),
    /** A random 128-bit value (32 hex digits) for the holder's page; never the UID. */
    qrId: text("qr_id").notNull(),
    state: text("state", { enum: CARD_STATES }).notNull(),
    walletId: text("wallet_id")
      .notNull()
      .references(() => wallets.id),
    replacedBy: text("replaced_by"),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (table) => [uniqueIndex("cards_uid").on(table.uid), uniqueIndex("cards_printed_number").on(table.printedNumber), uniqueIndex("cards_qr_id").on(table.qrId)],
);

/** Net amount loaded into a wallet per asset and method, so a refund knows what came in as cash. */
export const walletLoads = sqliteTable(
  "wallet_loads",
  {
    walletId: text("wallet_id").notNull(),
    asset: text("asset").notNull(),
    method: text("method").notNull(),
    amount: integer("amount").notNull(),
  },
  (table) => [primaryKey({ columns: [table.walletId, table.asset, table.method] })],
);

export const walletSettings = sqliteTable(
  "wallet_settings",
  {
    id: integer("id").primaryKey(),
    /** Largest balance a card may hold, per asset, in minor units; null: no cap. */
    cardBalanceCap: integer("card_balance_cap"),
    /** Largest single top-up, in minor units; null: no cap. */
    topupCap: integer("topup_cap"),
    /** Whether an unknown card is registered at its first top-up. */
    registerOnFirstTopup: integer("register_on_first_topup", { mode: "boolean" }).notNull().default(true),
  },
  (table) => [check("wallet_settings_single_row", sql`${table.id} = 1`)],
);
