/** db: the SQLite connection, its pragmas, embedded migrations, the data folder, the single writer. */
export { BUSY_TIMEOUT_MS, openDatabase, type OpenOptions, openReadOnlyDatabase, readSnapshot, type Sqlite } from "./connection.ts";
export { dataDir, ensureDataDir, readTextIfExists, writeSecretFile, type DataDir } from "./datadir.ts";
export { loadOrCreateVenueKey, loadVenueKey } from "./keys.ts";
export { migrate, type MigrationReport } from "./migrate.ts";
export { embeddedMigrations, type Migration } from "./migrations/index.ts";
export { readTimeFloor, stampTime, Writer, type Orm, type Tx, type WriterOptions } from "./writer.ts";
export { answerOnce, IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETENTION_MS, purgeIdempotencyKeys, requestDigest, type Answer, type IdempotentRequest } from "./idempotency.ts";
