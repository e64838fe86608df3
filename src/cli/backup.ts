/**
 * `tibox backup --to FOLDER` and `tibox restore --from FILE`. A backup is one SQLite file: a
 * consistent copy of the database made by VACUUM INTO (a read transaction, so the box keeps
 * serving and nothing is half-written), plus the key files (venue key, TLS) stored in a
 * `backup_files` table of the copy. It holds the venue's private key: keep it like the box.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { dataDir, ensureDataDir, openDatabase, openReadOnlyDatabase, writeSecretFile } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { appendEvent } from "../auth/index.ts";
import { openBox } from "../app.ts";
import { isoFromMs, type Clock } from "../kernel/index.ts";

export const BACKUP_FORMAT = "tibox-backup/v1";

function filesToCarry(root: string): string[] {
  const dir = dataDir(root);
  const files: string[] = [];
  for (const folder of [dir.keysDir, dir.tlsDir]) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isFile()) files.push(path);
    }
  }
  if (existsSync(dir.configPath)) files.push(dir.configPath);
  return files;
}

export function backup(root: string, toFolder: string, clock: Clock): string {
  const dir = dataDir(root);
  if (!existsSync(dir.databasePath)) throw new Error(`no database at ${dir.databasePath}`);
  mkdirSync(toFolder, { recursive: true, mode: 0o700 });
  const stamp = isoFromMs(clock.nowMs()).replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const target = resolve(toFolder, `tibox-backup-${stamp}.tibox`);
  if (existsSync(target)) throw new Error(`${target} already exists`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const source = openDatabase(dir.databasePath);
  let venueId = "";
  try {
    venueId = findVenue(source)?.id ?? "";
    source.query("VACUUM INTO ?").run(partial);
  } finally {
    source.close();
  }
  const copy = openDatabase(partial, { journalMode: "DELETE" });
  try {
    copy.run("CREATE TABLE backup_files (path TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL)");
    copy.run("CREATE TABLE backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const insertFile = copy.query("INSERT INTO backup_files (path, mode, content) VALUES (?, ?, ?)");
    for (const path of filesToCarry(root)) insertFile.run(relative(dir.root, path), statSync(path).mode & 0o777, readFileSync(path));
    const insertMeta = copy.query("INSERT INTO backup_meta (key, value) VALUES (?, ?)");
    insertMeta.run("format", BACKUP_FORMAT);
    insertMeta.run("created_at", isoFromMs(clock.nowMs()));
    insertMeta.run("venue_id", venueId);
  } finally {
    copy.close();
  }
  chmodSync(partial, 0o600);
  renameSync(partial, target);
  const box = openBox({ dataDir: root });
  try {
    box.writer.transact((tx) => appendEvent(tx, box.signer, { kind: "backup.created", actor: "cli", subject: `venue:${venueId}`, detail: { to: target } }));
  } finally {
    box.close();
  }
  return target;
}

/** Restores a backup into a data folder that has no database yet (or, with force, replaces it). */
export function restore(fromFile: string, root: string, force: boolean, clock: Clock): { venueId: string; files: number } {
  if (!existsSync(fromFile)) throw new Error(`no backup at ${fromFile}`);
  const dir = dataDir(root);
  if (existsSync(dir.databasePath) && !force) {
    throw new Error(`${dir.databasePath} exists: restore into an empty folder, or stop the box and pass --force to replace it`);
  }
  const probe = openReadOnlyDatabase(fromFile);
  let files: Array<{ path: string; mode: number; content: Uint8Array }>;
  let venueId: string;
  try {
    const format = probe.query<{ value: string }, []>("SELECT value FROM backup_meta WHERE key = 'format'").get()?.value;
    if (format !== BACKUP_FORMAT) throw new Error(`${fromFile} is not a tibox backup (${format ?? "no format"})`);
    const integrity = probe.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()?.integrity_check;
    if (integrity !== "ok") throw new Error(`${fromFile} is damaged: ${integrity}`);
    files = probe.query<{ path: string; mode: number; content: Uint8Array }, []>("SELECT path, mode, content FROM backup_files").all();
    venueId = probe.query<{ value: string }, []>("SELECT value FROM backup_meta WHERE key = 'venue_id'").get()?.value ?? "";
  } catch (error) {
    if (error instanceof Error && /no such table/.test(error.message)) throw new Error(`${fromFile} is not a tibox backup`);
    throw error;
  } finally {
    probe.close();
  }
  ensureDataDir(dir);
  const staging = `${dir.databasePath}.restoring`;
  rmSync(staging, { force: true });
  copyFileSync(fromFile, staging);
  const cleaned = openDatabase(staging);
  try {
    cleaned.run("DROP TABLE backup_files");
    cleaned.run("DROP TABLE backup_meta");
  } finally {
    cleaned.close();
  }
  if (existsSync(dir.databasePath)) {
    const aside = `${dir.databasePath}.before-restore-${clock.nowMs()}`;
    renameSync(dir.databasePath, aside);
    for (const suffix of ["-wal", "-shm"]) rmSync(dir.databasePath + suffix, { force: true });
  }
  for (const file of files) {
    const target = resolve(dir.root, file.path);
    if (!target.startsWith(dir.root + "/")) throw new Error(`backup file path escapes the data folder: ${file.path}`);
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeSecretFile(target, file.content);
    chmodSync(target, file.mode & 0o600 ? file.mode & 0o700 : 0o600);
  }
  chmodSync(staging, 0o600);
  renameSync(staging, dir.databasePath);
  const box = openBox({ dataDir: root });
  try {
    box.writer.transact((tx) => appendEvent(tx, box.signer, { kind: "backup.restored", actor: "cli", subject: `venue:${venueId}`, detail: { from: resolve(fromFile) } }));
  } finally {
    box.close();
  }
  return { venueId, files: files.length };
}
