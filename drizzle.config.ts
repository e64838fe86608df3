import { defineConfig } from "drizzle-kit";

// Each room owns its tables in its own schema.ts; drizzle-kit reads them all and writes one
// ordered list of SQL migrations that deploy/embed-migrations.ts embeds in the binary.
export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/db/schema.ts", "./src/auth/schema.ts", "./src/federation/schema.ts", "./src/ledger/schema.ts", "./src/wallet/schema.ts", "./src/membership/schema.ts", "./src/pos/schema.ts", "./src/ticketing/schema.ts"],
  out: "./src/db/migrations",
});
