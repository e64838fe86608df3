/**
 * `bun run bench:door`: check-ins per second on the box, over HTTP, with N door terminals at once.
 * The real server (`bun src/main.ts serve`, bench/ledger/server.ts) runs in a child process on
 * loopback with its own SQLite file (synchronous=FULL); each door is a closed loop posting
 * `POST /api/v1/checkins {qr, nonce, list}` with its own device token and a fresh nonce, scanning
 * the next ticket not yet scanned (so nearly every scan is a first admission: a signature check of
 * the certificate and of the ticket, the list's rules, the entry count, an insert), as a door
 * does during the rush. Reported per number of doors: check-ins per second, p50/p99/max latency
 * seen by the door, commits made by the writer (group commit), and whether the issue's target is
 * met (>= 1,000/s with p99 < 20 ms). Server and load generator share the machine's cores.
 *
 * Then, unless --no-browser, the browser part (bench/door-verify.ts: QR signature verification in
 * Chromium with the CPU throttled 6 times) when that file is there.
 *
 * Options: --doors 1,4,16,64 --duration S (5) --warmup S (1) --tickets N (120000) --no-browser --keep
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openBox } from "../src/app.ts";
import { appendEvent, hashSecret, insertOperator } from "../src/auth/index.ts";
import { checkVenueProfile, insertVenue } from "../src/federation/index.ts";
import { systemClock } from "../src/kernel/index.ts";
import { createEvent, issueTicket, saveProduct } from "../src/ticketing/index.ts";
import { closedLoop, percentile, type LoadResult } from "./ledger/load.ts";
import { freePort } from "./ledger/server.ts";

const ROOT = resolve(import.meta.dir, "..");
const TARGET_PER_SECOND = 1_000;
const TARGET_P99_MS = 20;
/** Tickets per product: issuing counts a product's tickets, so many small products keep it fast (at most 100 products an event). */
const TICKETS_PER_PRODUCT = 2_000;
const HOUR = 3_600_000;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1]! : fallback;
}

const doorCounts = option("doors", "1,4,16,64").split(",").map(Number);
const durationMs = Number(option("duration", "5")) * 1000;
const warmupMs = Number(option("warmup", "1")) * 1000;
const ticketCount = Number(option("tickets", "120000"));
const withBrowser = !process.argv.includes("--no-browser");
const keep = process.argv.includes("--keep");

interface Venue {
  readonly tokens: string[];
  readonly listId: string;
  readonly qrs: string[];
}

/** A set-up venue with the doors, one event and its tickets, written straight into the data folder. */
async function prepare(data: string, doors: number): Promise<Venue> {
  const box = openBox({ dataDir: data });
  try {
    const passwordHash = await hashSecret("a strong password");
    box.writer.transact((tx) => {
      const venue = insertVenue(tx, box.deps.newId, checkVenueProfile({ legalName: "Bench", address: "1 rue du Banc, Lyon" }), box.signer.publicKey);
      const admin = insertOperator(tx, box.deps.newId, { name: "Bench", email: "bench@example.org", role: "admin", passwordHash });
      appendEvent(tx, box.signer, { kind: "setup.completed", actor: `operator:${admin.id}`, subject: `venue:${venue.id}`, detail: {} });
    });
    const tokens = Array.from({ length: doors }, (_, index) => box.auth.addTerminalSync("bench", "door", `Porte ${index + 1}`).token);
    const nowMs = systemClock.nowMs();
    const deps = { signer: box.signer, newId: box.deps.newId };
    const eventId = box.writer.transact(
      (tx) => createEvent(tx, deps, { title: "Bench", description: "", imageUrl: null, startsAtMs: nowMs + HOUR, endsAtMs: nowMs + 4 * HOUR, doorsAtMs: nowMs, capacity: null, tags: [], visibility: "private" }).id,
    );
    const qrs: string[] = [];
    for (let product = 0; qrs.length < ticketCount; product++) {
      box.writer.transact((tx) => {
        const productId = saveProduct(tx, { newId: box.deps.newId }, { eventId, name: `Tarif ${product}`, priceMinor: 1000, quota: null }).id;
        for (let index = 0; index < TICKETS_PER_PRODUCT && qrs.length < ticketCount; index++) qrs.push(issueTicket(tx, { newId: box.deps.newId }, { productId, holderName: `Personne ${qrs.length}` }).qr);
      });
    }
    // The event's default list has the event's id.
    return { tokens, listId: eventId, qrs };
  } finally {
    box.close();
  }
}

interface DoorRun extends LoadResult {
  readonly admitted: number;
  readonly refused: number;
  /** The server's own time per check-in (its access log's ms, arrival to answer), in the window. */
  readonly serverP50Ms: number;
  readonly serverP99Ms: number;
}

interface Server {
  readonly url: string;
  /** Server-side times of POST /api/v1/checkins while `measuring`. */
  readonly serverMs: number[];
  measuring: boolean;
  commits(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * `bun src/main.ts serve` on loopback with the commit counter preloaded (bench/ledger/commits.ts,
 * answers SIGUSR2), reading its access log (one JSON line a request) for the server's own time.
 */
async function startServer(data: string, scratch: string): Promise<Server> {
  const port = await freePort();
  const commitsFile = join(scratch, `commits-${port}`);
  const child = Bun.spawn([process.execPath, "--preload", "./bench/ledger/commits.ts", "src/main.ts", "serve", "--data", data, "--port", String(port), "--https-port", "0", "--host", "127.0.0.1"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "inherit",
    env: { ...process.env, TIBOX_BENCH_COMMITS_FILE: commitsFile },
  });
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    serverMs: [],
    measuring: false,
    async commits() {
      rmSync(commitsFile, { force: true });
      child.kill("SIGUSR2");
      const askedMs = performance.now();
      while (!existsSync(commitsFile)) {
        if (performance.now() - askedMs > 5_000) throw new Error("the server did not report its commits");
        await Bun.sleep(1);
      }
      return Number(readFileSync(commitsFile, "utf8"));
    },
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
  void (async () => {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of child.stdout) {
      rest += decoder.decode(chunk, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop() ?? "";
      if (!server.measuring) continue;
      for (const line of lines) {
        if (!line.includes('"msg":"request"') || !line.includes("/api/v1/checkins")) continue;
        server.serverMs.push((JSON.parse(line) as { ms: number }).ms);
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

async function run(venue: Venue, doors: number, scratch: string, data: string): Promise<DoorRun> {
  const server = await startServer(data, scratch);
  try {
    const url = `${server.url}/api/v1/checkins`;
    let next = 0;
    let admitted = 0;
    let refused = 0;
    // The window opens and closes with `mark`: the server's times are kept in between.
    const mark = async () => {
      server.measuring = !server.measuring;
      return server.commits();
    };
    const result = await closedLoop({ clients: doors, warmupMs, durationMs, maxOps: 1_000_000, mark }, async (client) => {
      const index = next++;
      const qr = venue.qrs[index % venue.qrs.length]!;
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${venue.tokens[client % venue.tokens.length]}`, "content-type": "application/json" },
        body: JSON.stringify({ qr, nonce: `bench-${doors}-${index}-${client}`, list: venue.listId }),
      });
      await response.arrayBuffer();
      if (response.status === 200) admitted++;
      else if (response.status === 409) refused++;
      else throw new Error(`check-in answered ${response.status}`);
    });
    // Later runs scan the tickets after these (a fresh server, the same database).
    venue.qrs.splice(0, Math.min(next, venue.qrs.length - 1));
    await Bun.sleep(200); // the last access-log lines
    const serverMs = [...server.serverMs].sort((a, b) => a - b);
    return { ...result, admitted, refused, serverP50Ms: percentile(serverMs, 0.5), serverP99Ms: percentile(serverMs, 0.99) };
  } finally {
    await server.stop();
  }
}

/** The offline door's snapshot of the list: time and size of a full answer, and of a 304 to its etag (best of 3). */
async function snapshotFigures(venue: Venue, data: string, scratch: string): Promise<{ fullMs: number; bytes: number; tickets: number; notModifiedMs: number }> {
  const server = await startServer(data, scratch);
  try {
    const url = `${server.url}/api/v1/door/snapshot?list=${venue.listId}`;
    const headers = { authorization: `Bearer ${venue.tokens[0]}` };
    let fullMs = Number.POSITIVE_INFINITY;
    let notModifiedMs = Number.POSITIVE_INFINITY;
    let bytes = 0;
    let tickets = 0;
    let etag = "";
    for (let attempt = 0; attempt < 3; attempt++) {
      const startedMs = performance.now();
      const response = await fetch(url, { headers });
      const body = await response.text();
      fullMs = Math.min(fullMs, performance.now() - startedMs);
      if (response.status !== 200) throw new Error(`snapshot answered ${response.status}`);
      bytes = body.length;
      tickets = (JSON.parse(body) as { tickets: unknown[] }).tickets.length;
      etag = response.headers.get("etag") ?? "";
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const startedMs = performance.now();
      const response = await fetch(url, { headers: { ...headers, "if-none-match": etag } });
      await response.arrayBuffer();
      notModifiedMs = Math.min(notModifiedMs, performance.now() - startedMs);
      if (response.status !== 304) throw new Error(`conditional snapshot answered ${response.status}`);
    }
    return { fullMs, bytes, tickets, notModifiedMs };
  } finally {
    await server.stop();
  }
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

const data = mkdtempSync(join(tmpdir(), "tibox-bench-door-"));
const scratch = mkdtempSync(join(tmpdir(), "tibox-bench-door-scratch-"));
try {
  const maxDoors = Math.max(...doorCounts);
  const preparedAt = performance.now();
  const venue = await prepare(data, maxDoors);
  console.log(`prepared ${venue.qrs.length} tickets and ${maxDoors} door terminals in ${Math.round(performance.now() - preparedAt)} ms`);
  const runs: DoorRun[] = [];
  for (const doors of doorCounts) runs.push(await run(venue, doors, scratch, data));
  console.log(`\nCheck-ins over HTTP (POST /api/v1/checkins), ${durationMs / 1000} s per row after ${warmupMs / 1000} s of warm-up, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}:`);
  console.log("(round trip: seen by the door; server: the box's own time, from its access log; admitted/already_redeemed: whole run with warm-up)");
  console.log(row(["doors", "check-ins/s", "round trip p50 ms", "p99 ms", "max ms", "server p50 ms", "server p99 ms", "admitted", "already_redeemed", "commits", "target (>= 1,000/s, p99 < 20 ms)"]));
  console.log(row(["---", "---", "---", "---", "---", "---", "---", "---", "---", "---", "---"]));
  for (const result of runs) {
    const met = result.perSecond >= TARGET_PER_SECOND && result.p99Ms < TARGET_P99_MS;
    const cells = [result.clients, Math.round(result.perSecond), result.p50Ms.toFixed(2), result.p99Ms.toFixed(2), result.maxMs.toFixed(2), result.serverP50Ms.toFixed(2), result.serverP99Ms.toFixed(2)];
    console.log(row([...cells, result.admitted, result.refused, result.marked, met ? "met" : "not met"]));
  }
  const snapshot = await snapshotFigures(venue, data, scratch);
  console.log(
    `\nGET /api/v1/door/snapshot (${snapshot.tickets} tickets listed, at most 50,000): ${(snapshot.bytes / 1e6).toFixed(1)} MB in ${snapshot.fullMs.toFixed(0)} ms; 304 to its etag in ${snapshot.notModifiedMs.toFixed(0)} ms (best of 3)`,
  );
  // The browser part (another module): QR verification on a throttled Chromium.
  const browserBench = join(ROOT, "bench", "door-verify.ts");
  if (withBrowser && existsSync(browserBench)) {
    console.log("");
    const module = (await import(browserBench)) as { benchDoorVerify: () => Promise<unknown>; printDoorVerify: (figures: unknown) => void };
    module.printDoorVerify(await module.benchDoorVerify());
  }
} finally {
  if (keep) console.log(`kept ${data}`);
  else rmSync(data, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
}
