/** Tables the db room owns: the persisted time floor (see kernel/hlc.ts). */
import { check, integer, sqliteTable } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const clockFloor = sqliteTable(
  "clock_floor",
  {
    id: integer("id").primaryKey(),
    floorMs: integer("floor_ms").notNull(),
  },
  (table) => [check("clock_floor_single_row", sql`${table.id} = 1`)],
);
