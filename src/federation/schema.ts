/** The venue's identity: one row, written by the setup wizard or `tibox init`. */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const venue = sqliteTable("venue", {
  id: text("id").primaryKey(),
  legalName: text("legal_name").notNull(),
  address: text("address").notNull(),
  siret: text("siret").notNull(),
  /** "liable" (with vatNumber) or "franchise" (art. 293 B of the French tax code). */
  vatStatus: text("vat_status", { enum: ["liable", "franchise"] }).notNull(),
  vatNumber: text("vat_number").notNull(),
  timezone: text("timezone").notNull(),
  currency: text("currency").notNull(),
  /** Hex of the venue's Ed25519 public key; the private key lives in keys/venue.key. */
  publicKeyHex: text("public_key_hex").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});
