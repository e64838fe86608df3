/**
 * Helpers for the ledger tests: card UIDs, a set-up box with a till token and a manager, one way
 * to call the device API either in process (app.handle) or over HTTP (a serving child), a data
 * folder made by the real CLI, and reads of the journal that the tests compare before and after.
 */
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Box, BoxOptions } from "../../src/app.ts";
import { openReadOnlyDatabase, type Sqlite } from "../../src/db/index.ts";
import type { OperationDeps } from "../../src/wallet/index.ts";
import { ORIGIN, setUp, tempFolder, testBox, type TestBox } from "./box.ts";
import { lastLine, tibox } from "./process.ts";

/** A 4-byte card UID (8 hex digits), distinct for each n. */
export function cardUid(n: number): string {
  return `04${(n & 0xffffff).toString(16).toUpperCase().padStart(6, "0")}`;
}

export function operationDeps(box: Box): OperationDeps {
  return { signer: box.signer, newId: box.deps.newId, random: box.deps.random };
}

export interface Reply {
  readonly status: number;
  /** The body exactly as received. */
  readonly text: string;
  readonly replayed: boolean;
}

export interface Call {
  readonly token: string;
  readonly key?: string | undefined;
  readonly session?: string | undefined;
  /** A JSON value, sent as JSON.stringify(json); or the exact text in `raw`. */
  readonly json?: unknown;
  readonly raw?: string;
}

export type Send = (method: "GET" | "POST", path: string, call: Call) => Promise<Reply>;

function requestInit(method: string, call: Call): RequestInit {
  const headers: Record<string, string> = { authorization: `Bearer ${call.token}` };
  if (call.key !== undefined) headers["idempotency-key"] = call.key;
  if (call.session !== undefined) headers["x-session-token"] = call.session;
  let body: string | undefined;
  if (call.raw !== undefined) body = call.raw;
  else if (call.json !== undefined) body = JSON.stringify(call.json);
  if (body !== undefined) headers["content-type"] = "application/json";
  return { method, headers, body };
}

async function reply(response: Response): Promise<Reply> {
  return { status: response.status, text: await response.text(), replayed: response.headers.get("idempotent-replayed") === "true" };
}

/** Calls through app.handle: no socket, the same router and writer as a serving box. */
export function inProcess(box: Box): Send {
  return async (method, path, call) => reply(await box.app.handle(new Request(ORIGIN + path, requestInit(method, call))));
}

/** Calls a serving box over HTTP. */
export function overHttp(url: string): Send {
  return async (method, path, call) => reply(await fetch(url + path, requestInit(method, call)));
}

export const MANAGER_PIN = "2468";

export interface TillBox {
  readonly box: TestBox;
  readonly send: Send;
  readonly till: string;
  readonly tillId: string;
  /** An X-Session-Token of a manager, opened on the till with POST /api/v1/sessions. */
  readonly manager: string;
  readonly cashier: string;
}

/** A set-up box (venue, admin), a till, and manager and cashier sessions opened on that till. */
export async function tillBox(options: Partial<BoxOptions> = {}): Promise<TillBox> {
  const box = testBox(options);
  await setUp(box);
  const send = inProcess(box);
  const { terminal, token } = box.auth.addTerminalSync("test", "till", "Bar");
  const manager = await box.auth.createOperator("test", { name: "Maud Manager", role: "manager", email: "maud@example.org", password: "long enough password", pin: MANAGER_PIN });
  const cashier = await box.auth.createOperator("test", { name: "Camille Cashier", role: "cashier", pin: "1357" });
  const open = async (operatorId: string, pin: string) => {
    const answer = await send("POST", "/api/v1/sessions", { token, json: { operator_id: operatorId, pin } });
    if (answer.status !== 201) throw new Error(`session refused: ${answer.status} ${answer.text}`);
    return (JSON.parse(answer.text) as { session_token: string }).session_token;
  };
  return { box, send, till: token, tillId: terminal.id, manager: await open(manager.id, MANAGER_PIN), cashier: await open(cashier.id, "1357") };
}

/** A data folder made by the CLI (`tibox init`, `tibox terminal add --kind till`), with the till's token. */
export async function initializedFolder(prefix = "tibox-ledger-"): Promise<{ data: string; token: string; remove(): void }> {
  const folder = tempFolder(prefix);
  const init = await tibox(["init", "--data", folder.path, "--venue", "Le Local", "--admin-email", "boss@example.org", "--admin-password", "a strong password"]);
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const added = await tibox(["terminal", "add", "--data", folder.path, "--kind", "till", "--name", "Bar"]);
  if (added.code !== 0) throw new Error(`terminal add failed: ${added.stderr}`);
  return { data: folder.path, token: lastLine(added.stdout), remove: folder.remove };
}

/** Copies a closed data folder's database (and its WAL, if any) and keys into a new folder. */
export function copyDataFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of ["tibox.db", "tibox.db-wal", "tibox.db-shm"]) if (existsSync(join(from, name))) cpSync(join(from, name), join(to, name));
  cpSync(join(from, "keys"), join(to, "keys"), { recursive: true });
}

/** Reads a (possibly served) database through a read-only connection, then closes it. */
export function readDatabase<T>(databasePath: string, read: (sqlite: Sqlite) => T): T {
  const sqlite = openReadOnlyDatabase(databasePath);
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

export function entryCount(sqlite: Sqlite): number {
  return sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_entries").get()!.n;
}

export function storedAnswerCount(sqlite: Sqlite): number {
  return sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM idempotency_keys").get()!.n;
}

/** Every stored balance, as one comparable text. */
export function balancesText(sqlite: Sqlite): string {
  return JSON.stringify(sqlite.query<{ account: string; asset: string; balance: number }, []>("SELECT account, asset, balance FROM ledger_balances ORDER BY account, asset").all());
}

/** Every balance recomputed from the transfers alone, zero balances left out. */
export function recomputedBalances(sqlite: Sqlite): Map<string, number> {
  const rows = sqlite
    .query<{ account: string; asset: string; balance: number }, []>(
      `SELECT account, asset, sum(amount) AS balance FROM (
         SELECT credit_account AS account, asset, amount FROM ledger_transfers
         UNION ALL SELECT debit_account AS account, asset, -amount FROM ledger_transfers)
       GROUP BY account, asset`,
    )
    .all();
  return new Map(rows.filter((row) => row.balance !== 0).map((row) => [`${row.account}|${row.asset}`, row.balance]));
}

/** Every stored balance, zero balances left out. */
export function storedBalances(sqlite: Sqlite): Map<string, number> {
  const rows = sqlite.query<{ account: string; asset: string; balance: number }, []>("SELECT account, asset, balance FROM ledger_balances").all();
  return new Map(rows.filter((row) => row.balance !== 0).map((row) => [`${row.account}|${row.asset}`, row.balance]));
}

/** A small seeded generator (mulberry32) for the tests' own random choices, printed seeds. */
export function seededFloats(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
