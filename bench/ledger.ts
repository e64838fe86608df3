/**
 * `bun run bench:ledger`: durable signed payments per second, and their latency, on this machine.
 *
 * Two ways in, each with 1, 8 and 64 closed-loop clients:
 * - service: the payment command as the HTTP route runs it (stored idempotent answer + payment,
 *   one writer command, each with its own key), submitted to the box's writer in this process;
 * - http: the real server (`bun src/main.ts serve`) in a child process on loopback, and clients
 *   here POSTing /api/v1/wallet/payments with a till's token and a fresh Idempotency-Key each,
 *   over keep-alive connections. Server and load generator share the same cores.
 * Both on a fresh journal and on one of a million entries (built through the same payment
 * command, 10,000 a commit). Every payment is committed with synchronous=FULL before its answer.
 *
 * Prints a markdown table and whether each target of the wallet-ledger issue is met; with
 * `--write-docs` also writes it into docs/performance.md (between the ledger-bench markers).
 *
 * About 4 minutes on 2 cores, a minute and a half of it building the million-entry journal.
 * Options: --duration S (5) --warmup S (1) --clients 1,8,64 --entries N (1000000) --cards N (1000)
 * --repeat N (2 runs of each configuration, in the order fresh, large, large, fresh; pooled)
 * --max-ops N (200000 per run) --only service|http --million-dir DIR (keep the built journal there
 * and reuse it on the next run; a copy is measured) --keep (leave the temporary folder)
 * --write-docs.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openBox } from "../src/app.ts";
import { openDatabase } from "../src/db/index.ts";
import { generateSigningKeyPem, signerFromPem, SIGNING_CONTEXTS } from "../src/kernel/index.ts";
import { installCommitCounter } from "./ledger/commits.ts";
import { closedLoop, mergeResults, percentile, type LoadResult } from "./ledger/load.ts";
import { addTillTerminal, startServer } from "./ledger/server.ts";
import { buildJournal, cardUids, journalSize, operationDeps, paymentCommand, PAYMENT_AMOUNT, PAYMENTS_PATH, prepareVenue } from "./ledger/venue.ts";

const ROOT = resolve(import.meta.dir, "..");
const DOC = join(ROOT, "docs/performance.md");
const BEGIN_MARK = "<!-- ledger-bench:begin -->";
const END_MARK = "<!-- ledger-bench:end -->";

const TARGETS = {
  serviceMin: 5_000,
  http64Min: 3_000,
  http64P99Ms: 50,
  http8P99Ms: 10,
  millionWithin: 0.1,
} as const;

interface Options {
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly clients: readonly number[];
  readonly entries: number;
  readonly cards: number;
  readonly maxOps: number;
  readonly repeat: number;
  readonly only: "service" | "http" | undefined;
  readonly millionDir: string | undefined;
  readonly keep: boolean;
  readonly writeDocs: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = value(name);
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new Error(`${name} must be from ${min} to ${max}`);
    return parsed;
  };
  const only = value("--only");
  if (only !== undefined && only !== "service" && only !== "http") throw new Error("--only is service or http");
  const clients = (value("--clients") ?? "1,8,64").split(",").map(Number);
  if (clients.some((count) => !Number.isInteger(count) || count < 1 || count > 1024)) throw new Error("--clients is a list of 1 to 1024");
  return {
    durationMs: number("--duration", 5, 0.1, 600) * 1000,
    warmupMs: number("--warmup", 1, 0, 60) * 1000,
    clients,
    entries: Math.round(number("--entries", 1_000_000, 0, 100_000_000)),
    cards: Math.round(number("--cards", 1_000, 1, 1_000_000)),
    maxOps: Math.round(number("--max-ops", 200_000, 1, 10_000_000)),
    repeat: Math.round(number("--repeat", 2, 1, 20)),
    only,
    millionDir: value("--million-dir"),
    keep: argv.includes("--keep"),
    writeDocs: argv.includes("--write-docs"),
  };
}

interface Row {
  readonly scenario: "service" | "http";
  readonly journal: "fresh" | "large";
  readonly entriesAtStart: number;
  readonly result: LoadResult;
}

interface CommitCalibration {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * One insert per transaction under WAL + synchronous=FULL, for 2 s: the commits (fsyncs) this
 * disk allows, and how long one takes (p50, p99): the floor under every latency below.
 */
function calibrateCommits(folder: string): CommitCalibration {
  const sqlite = openDatabase(join(folder, `fsync-${Date.now()}.db`));
  try {
    sqlite.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
    const insert = sqlite.query("INSERT INTO t (v) VALUES (?)");
    const payload = new Uint8Array(200);
    const durations: number[] = [];
    const startMs = performance.now();
    while (performance.now() - startMs < 2_000) {
      const commitStart = performance.now();
      sqlite.run("BEGIN IMMEDIATE");
      insert.run(payload);
      sqlite.run("COMMIT");
      durations.push(performance.now() - commitStart);
    }
    const seconds = (performance.now() - startMs) / 1000;
    durations.sort((a, b) => a - b);
    return { perSecond: durations.length / seconds, p50Ms: percentile(durations, 0.5), p99Ms: percentile(durations, 0.99) };
  } finally {
    sqlite.close();
  }
}

function describeCommits(calibration: CommitCalibration): string {
  return `${fmt(calibration.perSecond)} commits/s (p50 ${fmt(calibration.p50Ms, 2)} ms, p99 ${fmt(calibration.p99Ms, 2)} ms)`;
}

/** Ed25519 signatures of 300-byte payloads a second on one core (node:crypto, as the box signs). */
function signaturesPerSecond(): number {
  const signer = signerFromPem(generateSigningKeyPem());
  const payload = new Uint8Array(300);
  const startMs = performance.now();
  let count = 0;
  while (performance.now() - startMs < 1_000) {
    signer.sign(SIGNING_CONTEXTS.entry, payload);
    count++;
  }
  return count / ((performance.now() - startMs) / 1000);
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describe(result: LoadResult): string {
  return `${Math.round(result.perSecond)}/s p50 ${result.p50Ms.toFixed(2)} ms p99 ${result.p99Ms.toFixed(2)} ms, ${(result.completed / Math.max(1, result.marked)).toFixed(1)} a commit`;
}

interface Journal {
  readonly folder: string;
  readonly kind: Row["journal"];
}

type RunOnce = (journal: Journal, clients: number) => Promise<{ readonly entriesAtStart: number; readonly result: LoadResult }>;

/**
 * For each client count, `repeat` runs on each journal, in the order fresh, large, large, fresh...
 * so that whatever else the machine does meanwhile (and any drift) weighs on both alike. The
 * runs of one configuration are then pooled into one row.
 */
async function interleaved(scenario: Row["scenario"], options: Options, journals: readonly Journal[], runOnce: RunOnce): Promise<Row[]> {
  const rows: Row[] = [];
  for (const clients of options.clients) {
    const runs = new Map<Journal, { entriesAtStart: number; results: LoadResult[] }>();
    for (let round = 0; round < options.repeat; round++) {
      for (const journal of round % 2 === 0 ? journals : [...journals].reverse()) {
        const { entriesAtStart, result } = await runOnce(journal, clients);
        progress(`  ${scenario}, ${journal.kind} journal, ${clients} clients: ${describe(result)}`);
        const seen = runs.get(journal);
        if (seen) seen.results.push(result);
        else runs.set(journal, { entriesAtStart, results: [result] });
      }
    }
    for (const journal of journals) {
      const { entriesAtStart, results } = runs.get(journal)!;
      rows.push({ scenario, journal: journal.kind, entriesAtStart, result: mergeResults(results) });
    }
  }
  return rows;
}

/** The payment command submitted to the box's writer in this process, as the HTTP route does. */
async function measureService(options: Options, journals: readonly Journal[], cards: readonly string[]): Promise<Row[]> {
  const boxes = new Map(journals.map((journal) => [journal, openBox({ dataDir: journal.folder })]));
  const counter = installCommitCounter();
  try {
    return await interleaved("service", options, journals, async (journal, clients) => {
      const box = boxes.get(journal)!;
      const deps = operationDeps(box);
      const entriesAtStart = journalSize(box);
      let next = 0;
      const tag = `service-${clients}-${Date.now().toString(36)}`;
      const result = await closedLoop({ clients, warmupMs: options.warmupMs, durationMs: options.durationMs, maxOps: options.maxOps, mark: () => counter.commits() }, async () => {
        const index = next++;
        const answer = await box.writer.submit(paymentCommand(deps, "bench:service", `${tag}-${index}`, cards[index % cards.length]!, PAYMENT_AMOUNT));
        if (answer.status !== 201) throw new Error(`payment refused: ${answer.status} ${answer.body}`);
      });
      return { entriesAtStart, result };
    });
  } finally {
    for (const box of boxes.values()) box.close();
  }
}

function entriesIn(folder: string): number {
  const box = openBox({ dataDir: folder });
  try {
    return journalSize(box);
  } finally {
    box.close();
  }
}

/** POST /api/v1/wallet/payments to the real server in a child process; a new server every run. */
async function measureHttp(options: Options, journals: readonly Journal[], scratch: string, cards: readonly string[]): Promise<Row[]> {
  const tokens = new Map<Journal, string>();
  for (const journal of journals) tokens.set(journal, await addTillTerminal(journal.folder));
  return interleaved("http", options, journals, async (journal, clients) => {
    const token = tokens.get(journal)!;
    const entriesAtStart = entriesIn(journal.folder);
    const server = await startServer(journal.folder, scratch);
    try {
      let next = 0;
      const tag = `http-${clients}-${Date.now().toString(36)}`;
      const url = `${server.url}${PAYMENTS_PATH}`;
      const result = await closedLoop({ clients, warmupMs: options.warmupMs, durationMs: options.durationMs, maxOps: options.maxOps, mark: () => server.commits() }, async () => {
        const index = next++;
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `${tag}-${index}` },
          body: JSON.stringify({ card_uid: cards[index % cards.length]!, amount: PAYMENT_AMOUNT }),
        });
        const body = await response.text();
        if (response.status !== 201) throw new Error(`payment refused: ${response.status} ${body}`);
      });
      return { entriesAtStart, result };
    } finally {
      await server.stop();
    }
  });
}

/** A data folder with a journal of `entries` payments: built in `root`, or copied from --million-dir. */
async function largeJournal(options: Options, root: string, cards: readonly string[]): Promise<{ folder: string; buildSeconds: number | undefined }> {
  const folder = join(root, "large");
  const cached = options.millionDir && existsSync(join(options.millionDir, "tibox.db")) ? options.millionDir : undefined;
  if (cached) {
    progress(`large journal: copying ${cached}`);
    cpSync(cached, folder, { recursive: true });
    return { folder, buildSeconds: undefined };
  }
  mkdirSync(folder);
  await prepareVenue(folder, cards);
  progress(`large journal: appending ${options.entries.toLocaleString("en")} payments, 10,000 a commit`);
  const box = openBox({ dataDir: folder });
  let buildSeconds: number;
  try {
    buildSeconds = buildJournal(box, options.entries, 10_000, cards);
    box.sqlite.run("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    box.close();
  }
  if (options.millionDir) cpSync(folder, options.millionDir, { recursive: true });
  return { folder, buildSeconds };
}

function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: readonly Row[]): string {
  const lines = [
    "| scenario | clients | journal (entries at start) | payments/s | p50 ms | p99 ms | max ms | entries per commit |",
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const { result } = row;
    const journal = `${row.journal} (${fmt(row.entriesAtStart)})`;
    const perCommit = result.marked > 0 ? fmt(result.completed / result.marked, 1) : "n/a";
    lines.push(`| ${row.scenario} | ${result.clients} | ${journal} | ${fmt(result.perSecond)} | ${fmt(result.p50Ms, 2)} | ${fmt(result.p99Ms, 2)} | ${fmt(result.maxMs, 1)} | ${perCommit} |`);
  }
  return lines.join("\n");
}

function verdicts(rows: readonly Row[]): string[] {
  const find = (scenario: Row["scenario"], journal: Row["journal"], clients: number) =>
    rows.find((row) => row.scenario === scenario && row.journal === journal && row.result.clients === clients)?.result;
  const out: string[] = [];
  const check = (label: string, result: LoadResult | undefined, met: (r: LoadResult) => boolean, figure: (r: LoadResult) => string) => {
    if (!result) return;
    out.push(`- ${met(result) ? "met" : "MISSED"}: ${label}: ${figure(result)}`);
  };
  for (const journal of ["fresh", "large"] as const) {
    check(`service >= ${fmt(TARGETS.serviceMin)}/s (64 clients, ${journal})`, find("service", journal, 64), (r) => r.perSecond >= TARGETS.serviceMin, (r) => `${fmt(r.perSecond)}/s`);
    check(
      `http >= ${fmt(TARGETS.http64Min)}/s with p99 < ${TARGETS.http64P99Ms} ms (64 clients, ${journal})`,
      find("http", journal, 64),
      (r) => r.perSecond >= TARGETS.http64Min && r.p99Ms < TARGETS.http64P99Ms,
      (r) => `${fmt(r.perSecond)}/s, p99 ${fmt(r.p99Ms, 2)} ms`,
    );
    check(`http p99 < ${TARGETS.http8P99Ms} ms (8 clients, ${journal})`, find("http", journal, 8), (r) => r.p99Ms < TARGETS.http8P99Ms, (r) => `p99 ${fmt(r.p99Ms, 2)} ms`);
  }
  for (const row of rows.filter((candidate) => candidate.journal === "large")) {
    const fresh = find(row.scenario, "fresh", row.result.clients);
    if (!fresh) continue;
    const ratio = row.result.perSecond / fresh.perSecond;
    out.push(
      `- ${ratio >= 1 - TARGETS.millionWithin ? "met" : "MISSED"}: large journal within ${TARGETS.millionWithin * 100} % of fresh (${row.scenario}, ${row.result.clients} clients): ` +
        `${fmt(row.result.perSecond)}/s vs ${fmt(fresh.perSecond)}/s (${ratio >= 1 ? "+" : ""}${fmt((ratio - 1) * 100, 1)} %)`,
    );
  }
  return out;
}

function writeDocs(block: string): void {
  const text = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Performance\n";
  const begin = text.indexOf(BEGIN_MARK);
  const end = text.indexOf(END_MARK);
  const marked = `${BEGIN_MARK}\n${block}\n${END_MARK}`;
  const updated =
    begin >= 0 && end > begin ? text.slice(0, begin) + marked + text.slice(end + END_MARK.length) : `${text.trimEnd()}\n\n## Ledger: durable signed payments\n\n${marked}\n`;
  writeFileSync(DOC, updated);
  progress(`wrote the results into ${DOC}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = mkdtempSync(join(tmpdir(), "tibox-bench-ledger-"));
  const scratch = join(root, "scratch");
  mkdirSync(scratch);
  const cards = cardUids(options.cards);
  const rows: Row[] = [];
  const startedMs = performance.now();
  // Other work on the machine skews every figure: say how busy it was.
  const loadBefore = loadavg()[0]!;
  try {
    progress("calibrating: fsync commits and Ed25519 signatures a second");
    const commitsBefore = calibrateCommits(scratch);
    const signRate = signaturesPerSecond();
    progress(`  ${describeCommits(commitsBefore)} with 1 insert each (WAL, synchronous=FULL); ${fmt(signRate)} signatures/s`);

    const wanted = (scenario: "service" | "http") => options.only === undefined || options.only === scenario;
    let buildSeconds: number | undefined;
    let large: Journal | undefined;
    if (options.entries > 0) {
      const built = await largeJournal(options, root, cards);
      buildSeconds = built.buildSeconds;
      large = { folder: built.folder, kind: "large" };
      // Write back what building (or copying) left dirty, so that it does not land on the runs' fsyncs.
      Bun.spawnSync(["sync"]);
    }
    for (const scenario of ["service", "http"] as const) {
      if (!wanted(scenario)) continue;
      const fresh: Journal = { folder: join(root, `fresh-${scenario}`), kind: "fresh" };
      mkdirSync(fresh.folder);
      await prepareVenue(fresh.folder, cards);
      const journals = large ? [fresh, large] : [fresh];
      progress(`${scenario}: ${journals.map((journal) => journal.kind).join(" and ")} journals`);
      rows.push(...(scenario === "service" ? await measureService(options, journals, cards) : await measureHttp(options, journals, scratch, cards)));
    }
    const commitsAfter = calibrateCommits(scratch);
    rows.sort((a, b) => a.scenario.localeCompare(b.scenario) * -1 || a.journal.localeCompare(b.journal) || a.result.clients - b.result.clients);

    const cpu = cpus()[0]?.model ?? "unknown";
    const header = [
      `Command: \`bun run bench:ledger${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\`, ${new Date().toISOString().slice(0, 10)}, ` +
        `${cpus().length} cores (${cpu}), bun ${Bun.version}, ${options.repeat} runs of ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s each per row, ` +
        `${fmt(options.cards)} cards, whole run ${fmt((performance.now() - startedMs) / 1000)} s, load average ${fmt(loadBefore, 2)} before and ${fmt(loadavg()[0]!, 2)} after.`,
      "",
      `Physical limits measured in the same run, one insert a commit (one fsync each, WAL, synchronous=FULL): ${describeCommits(commitsBefore)} at the start, ` +
        `${describeCommits(commitsAfter)} at the end; ` +
        `${fmt(signRate)} Ed25519 signatures/s on one core.` +
        (buildSeconds !== undefined ? ` Large journal: ${fmt(options.entries)} payments appended in ${fmt(buildSeconds, 1)} s (${fmt(options.entries / buildSeconds)}/s, 10,000 a commit).` : ""),
    ].join("\n");
    const block = [header, "", table(rows), "", ...verdicts(rows)].join("\n");
    console.log(block);
    if (options.writeDocs) writeDocs(block);
  } finally {
    if (options.keep) progress(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

await main();
