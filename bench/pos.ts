/**
 * `bun run bench:pos`: the till's two hot requests, with 20 tills at once, through HTTP on
 * loopback to the real server (`bun src/main.ts serve` in a child process):
 * - "add item": POST /api/v1/sales/quote, pricing a cart of 1 to 3 lines from the catalogue;
 * - "pay by card": POST /api/v1/sales with one card payment (a fresh Idempotency-Key each): pricing,
 *   the wallet payment (a signed ledger entry), the stock, the sale, its signed fiscal record and
 *   an order ticket queued for the kitchen, committed with synchronous=FULL before the answer.
 * Each till is a closed loop: add item, pay by card, again. Reports p50/p90/p99/max of the server's
 * own time (its access log's `ms`, from the request's arrival to its answer) and of the round trip
 * seen by the till, and whether p99 < 30 ms. Server and load generator share the machine's cores.
 *
 * Options: --tills N (20) --duration S (10) --warmup S (2) --keep (leave the data folder).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { openBox } from "../src/app.ts";
import { insertPrinter, saveItem } from "../src/pos/index.ts";
import { topUp } from "../src/wallet/index.ts";

const ROOT = resolve(import.meta.dir, "..");
const BUN = process.execPath;
const TARGET_P99_MS = 30;
const CARDS_PER_TILL = 20;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const tills = option("tills", 20);
const durationMs = option("duration", 10) * 1000;
const warmupMs = option("warmup", 2) * 1000;
const keep = process.argv.includes("--keep");

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

async function run(args: string[]): Promise<string> {
  const child = Bun.spawn([BUN, "src/main.ts", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`tibox ${args[0]} failed (${code}): ${err}`);
  return out;
}

interface Venue {
  readonly tokens: string[];
  readonly cards: string[][];
  readonly items: Array<{ id: string; priceId: string; amount: number }>;
}

/** A venue made by `tibox init`, then, in this process, 20 tills, a catalogue, a kitchen printer and cards with money. */
async function prepare(data: string): Promise<Venue> {
  await run(["init", "--data", data, "--venue", "Bench", "--admin-email", "bench@example.org", "--admin-password", "a strong password", "--vat", "liable", "--vat-number", "FR12732829320"]);
  const box = openBox({ dataDir: data });
  try {
    const deps = { signer: box.signer, newId: box.deps.newId, random: box.deps.random };
    const tokens = Array.from({ length: tills }, (_, index) => box.auth.addTerminalSync("bench", "till", `Till ${index + 1}`).token);
    const items = box.writer.transact((tx) => {
      insertPrinter(tx, box.deps.newId, { name: "Kitchen", kind: "simulated", address: "kitchen", paperMm: 80, codePage: "pc858", printGroups: ["kitchen"], hasCashDrawer: false, active: true });
      const made: Venue["items"] = [];
      for (let index = 0; index < 40; index++) {
        const amount = 150 + index * 25;
        const item = saveItem(tx, box.deps.newId, {
          name: `Item ${index}`,
          pointsOfSale: ["main"],
          prices: [{ label: "", kind: "fixed", amount }],
          vatRateBp: [2000, 1000, 550][index % 3],
          printGroup: index % 5 === 0 ? "kitchen" : "",
          stock: index % 4 === 0 ? 1_000_000 : null,
        });
        made.push({ id: item.id, priceId: item.prices[0]!.id, amount });
      }
      return made;
    });
    const cards = tokens.map((_, till) => Array.from({ length: CARDS_PER_TILL }, (_, n) => `04${(till * 1000 + n + 1).toString(16).toUpperCase().padStart(6, "0")}`));
    box.writer.transact((tx) => {
      for (const uid of cards.flat()) topUp(tx, deps, { scope: "cli", idempotencyKey: `bench-${uid}` }, { cardUid: uid, asset: "EUR", amount: 100_000_000, method: "cash" });
    });
    // The print worker of the server would send to the simulated printer; jobs pile up harmlessly.
    return { tokens, cards, items };
  } finally {
    box.close();
  }
}

interface Server {
  readonly url: string;
  readonly serverMs: Map<string, number[]>;
  measuring: boolean;
  stop(): Promise<void>;
}

async function startServer(data: string): Promise<Server> {
  const port = await freePort();
  const child = Bun.spawn([BUN, "src/main.ts", "serve", "--data", data, "--port", String(port), "--host", "127.0.0.1", "--https-port", "0", "--nfc-readers", "off"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "inherit",
  });
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    serverMs: new Map([
      ["POST /api/v1/sales/quote", []],
      ["POST /api/v1/sales", []],
    ]),
    measuring: false,
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
  // The access log: one JSON line a request, with the server's own time in `ms`.
  void (async () => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of child.stdout) {
      rest += decoder.decode(chunk, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      if (!server.measuring) continue;
      for (const line of lines) {
        if (!line.includes('"msg":"request"')) continue;
        const entry = JSON.parse(line) as { method: string; path: string; ms: number; status: number };
        server.serverMs.get(`${entry.method} ${entry.path}`)?.push(entry.ms);
      }
    }
  })();
  const startedMs = performance.now();
  while (performance.now() - startedMs < 30_000) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if ((await fetch(`${server.url}/healthz`).catch(() => undefined))?.ok) return server;
    await Bun.sleep(20);
  }
  child.kill("SIGKILL");
  throw new Error("the server did not answer /healthz within 30 s");
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(values: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

async function till(server: Server, venue: Venue, index: number, stopAtMs: number, rtt: Map<string, number[]>, refusals: Map<string, number>): Promise<void> {
  const token = venue.tokens[index]!;
  let n = 0;
  while (performance.now() < stopAtMs) {
    n++;
    const count = 1 + (n % 3);
    const lines = Array.from({ length: count }, (_, k) => {
      const item = venue.items[(index * 7 + n * 3 + k) % venue.items.length]!;
      return { item_id: item.id, price_id: item.priceId, quantity: 1 + (k % 2) };
    });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    let started = performance.now();
    const quote = await fetch(`${server.url}/api/v1/sales/quote`, { method: "POST", headers, body: JSON.stringify({ point_of_sale: "main", lines }) });
    const total = ((await quote.json()) as { total: number }).total;
    if (server.measuring) rtt.get("quote")!.push(performance.now() - started);
    const card = venue.cards[index]![n % CARDS_PER_TILL]!;
    started = performance.now();
    const sale = await fetch(`${server.url}/api/v1/sales`, {
      method: "POST",
      headers: { ...headers, "idempotency-key": `bench-${index}-${n}-${Math.round(started * 1000)}` },
      body: JSON.stringify({ point_of_sale: "main", lines, payments: [{ method: "nfc_card", amount: total, card_uid: card }], expected_total: total }),
    });
    const text = await sale.text();
    if (server.measuring) rtt.get("sale")!.push(performance.now() - started);
    if (sale.status !== 201) refusals.set(text.slice(0, 80), (refusals.get(text.slice(0, 80)) ?? 0) + 1);
  }
}

function row(name: string, values: number[]): string {
  const s = summary(values);
  return `| ${name} | ${s.n.toLocaleString("en")} | ${s.p50.toFixed(2)} | ${s.p90.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(1)} |`;
}

async function main(): Promise<void> {
  const data = mkdtempSync(join(tmpdir(), "tibox-bench-pos-"));
  const load = loadavg()[0]!.toFixed(2);
  try {
    const venue = await prepare(data);
    const server = await startServer(data);
    try {
      const rtt = new Map<string, number[]>([
        ["quote", []],
        ["sale", []],
      ]);
      const refusals = new Map<string, number>();
      const startMs = performance.now();
      const stopAtMs = startMs + warmupMs + durationMs;
      setTimeout(() => {
        server.measuring = true;
      }, warmupMs);
      await Promise.all(venue.tokens.map((_, index) => till(server, venue, index, stopAtMs, rtt, refusals)));
      await Bun.sleep(200); // the last access-log lines
      const seconds = durationMs / 1000;
      const sales = server.serverMs.get("POST /api/v1/sales")!;
      console.log(`Command: \`bun run bench:pos\`, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), bun ${Bun.version}, ${tills} tills, ${warmupMs / 1000} s warm-up + ${seconds} s measured, load average ${load} before.`);
      console.log("");
      console.log("| request | count | p50 ms | p90 ms | p99 ms | max ms |");
      console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
      console.log(row("add item (quote), server time", server.serverMs.get("POST /api/v1/sales/quote")!));
      console.log(row("pay by card (sale), server time", sales));
      console.log(row("add item (quote), round trip", rtt.get("quote")!));
      console.log(row("pay by card (sale), round trip", rtt.get("sale")!));
      console.log("");
      console.log(`Sales: ${Math.round(sales.length / seconds).toLocaleString("en")}/s measured; refusals: ${refusals.size === 0 ? "none" : JSON.stringify(Object.fromEntries(refusals))}.`);
      const quoteP99 = summary(server.serverMs.get("POST /api/v1/sales/quote")!).p99;
      const saleP99 = summary(sales).p99;
      const met = quoteP99 < TARGET_P99_MS && saleP99 < TARGET_P99_MS;
      console.log(`Target p99 < ${TARGET_P99_MS} ms (server time): ${met ? "met" : "NOT met"} (add item ${quoteP99.toFixed(2)} ms, pay by card ${saleP99.toFixed(2)} ms).`);
    } finally {
      await server.stop();
    }
  } finally {
    if (keep) console.log(`data folder kept: ${data}`);
    else rmSync(data, { recursive: true, force: true });
  }
}

await main();
