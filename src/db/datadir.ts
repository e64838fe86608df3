/**
 * The data folder: everything a box knows lives here, so that a backup of this folder's
 * database and keys is the whole box.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface DataDir {
  readonly root: string;
  readonly databasePath: string;
  readonly keysDir: string;
  readonly venueKeyPath: string;
  readonly tlsDir: string;
  readonly configPath: string;
}

export function dataDir(root: string): DataDir {
  const absolute = resolve(root);
  return {
    root: absolute,
    databasePath: join(absolute, "tibox.db"),
    keysDir: join(absolute, "keys"),
    venueKeyPath: join(absolute, "keys", "venue.key"),
    tlsDir: join(absolute, "tls"),
    configPath: join(absolute, "tibox.json"),
  };
}

export function ensureDataDir(dir: DataDir): void {
  mkdirSync(dir.root, { recursive: true, mode: 0o700 });
  mkdirSync(dir.keysDir, { recursive: true, mode: 0o700 });
  chmodSync(dir.keysDir, 0o700);
}

/** Writes a secret file readable by its owner only (0600), creating it or replacing it. */
export function writeSecretFile(path: string, content: string | Uint8Array): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function readTextIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}
