/** Tables the db room owns: the persisted time floor, and stored answers of idempotent commands. */
import { check, integer, primaryKey, sqliteTable, text, index } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const clockFloor = sqliteTable(
  "clock_floor",
  {
    id: integer("id").primaryKey(),
    floorMs: integer("floor_ms").notNull(),
  },
  (table) => [check("clock_floor_single_row", sql`${table.id} = 1`)],
);

/**
 * The first answer to every validated command from a device or a peer, refusals included, stored
 * in the transaction of its effect; a repeat of the key gets it back byte for byte.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** "terminal:<id>" for a device; keys are unique per scope. */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.key] }), index("idempotency_keys_created").on(table.createdAtMs)],
);
