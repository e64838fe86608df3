/**
 * `bun bench/hardware-print.ts` (also run by `bun run bench:hardware`): the print queue end to
 * end, on this machine, to real TCP listeners on loopback that read like port 9100 printers
 * (read to the end of the job, then close).
 *
 * - order tickets: N typical kitchen tickets (1 to 2 kB of ESC/POS each: title, a few lines, a QR
 *   code, a cut), each enqueued in its own writer transaction like a sale would, then delivered
 *   by the print worker (real clock, default settings). Jobs per second from the first enqueue to
 *   the last job read by its printer, for 1 printer and for 4 printers in parallel. This is a
 *   backlog of 1,000 jobs per printer: each claim scans the undelivered jobs, so it is the slow case.
 * - latency: one job every 20 ms (50 a second, far above a busy bar) to one printer; the time
 *   from the enqueue's commit to the last byte read by the printer, p50, p99 and max.
 * - large job: one 1.7 MB document through the same queue, and the same bytes through the TCP
 *   transport alone; bytes per second.
 *
 * Options: --jobs N (1000 per printer; the queue holds at most 1,000 per printer) --runs N (3,
 * the best is kept) --json (one JSON line per result). Prints a markdown table.
 */
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { openBox, type Box } from "../src/app.ts";
import { PrintWorker } from "../src/jobs/index.ts";
import { limits, silentLogger, systemClock } from "../src/kernel/index.ts";
import { enqueuePrintJob, insertPrinter, jobTicket } from "../src/pos/index.ts";
import { columns, cut, encodeDocument, printDocument, qrCode, separator, TcpPrinter, text, type Block, type PrintDocument } from "../hardware/printer/index.ts";

export interface PrintBenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly detail: string;
}

/** A loopback "printer": counts the bytes and jobs it reads, closes after each job like port 9100. */
async function listener(): Promise<{ address: string; jobs: () => number; bytes: () => number; endsMs: number[]; close: () => Promise<void> }> {
  let jobs = 0;
  const endsMs: number[] = [];
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    socket.on("end", () => {
      jobs += 1;
      endsMs.push(performance.now());
      socket.end();
    });
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    jobs: () => jobs,
    bytes: () => bytes,
    endsMs,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A kitchen ticket of 1 to 2 kB once encoded (the job number and header come on top). */
export function orderTicket(n: number): PrintDocument {
  const lines = 16 + (n % 18);
  const blocks: Block[] = [text(`Table ${(n % 40) + 1} · Commande ${n}`, { align: "center", bold: true, size: 2 }), separator()];
  for (let i = 0; i < lines; i++) blocks.push(columns(`${(i % 3) + 1} × Galette complète n° ${i}`, `${(i % 9) + 4},50 €`));
  blocks.push(separator("="), text("Sans oignons, allergie arachide", { bold: true }), qrCode(`https://tibox.local/o/${n.toString(36).padStart(8, "0")}`), cut());
  return printDocument(...blocks);
}

export function largeDocument(targetBytes: number): PrintDocument {
  const blocks: Block[] = [];
  const line = "Ligne de journal : crêpe, galette, bière, café, thé, €. 0123456789";
  for (let i = 0; blocks.length < limits.printDocumentBlocks && i * (line.length + 8) < targetBytes; i++) blocks.push(text(`${i} ${line}`));
  blocks.push(cut());
  return printDocument(...blocks);
}

function boxIn(folder: string): Box {
  return openBox({ dataDir: folder, clock: systemClock, logger: silentLogger });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await Bun.sleep(1);
  }
}

/** N tickets per printer, each enqueued in its own transaction, delivered by a running worker. */
async function ordersRun(printers: number, jobsPerPrinter: number): Promise<{ seconds: number; jobs: number; bytes: number }> {
  const folder = mkdtempSync(join(tmpdir(), "tibox-bench-print-"));
  const box = boxIn(folder);
  const listeners = await Promise.all(Array.from({ length: printers }, () => listener()));
  const worker = new PrintWorker({ writer: box.writer, clock: systemClock, logger: silentLogger });
  try {
    const ids = listeners.map((printer, i) =>
      box.writer.transact((tx) => insertPrinter(tx, box.deps.newId, { name: `Cuisine ${i}`, kind: "tcp", address: printer.address, paperMm: 80, codePage: "pc858", printGroups: [], hasCashDrawer: false, active: true }).id),
    );
    const documents = Array.from({ length: jobsPerPrinter }, (_, n) => orderTicket(n));
    worker.start();
    const started = performance.now();
    // Sales arrive concurrently; each writes its ticket in its own command (group commit batches them).
    await Promise.all(ids.flatMap((printerId) => documents.map((document) => box.writer.submit((tx) => enqueuePrintJob(tx, { printerId, kind: "order", document })))));
    const total = printers * jobsPerPrinter;
    await waitFor(() => listeners.reduce((sum, printer) => sum + printer.jobs(), 0) >= total, 120_000);
    const seconds = (performance.now() - started) / 1_000;
    return { seconds, jobs: total, bytes: listeners.reduce((sum, printer) => sum + printer.bytes(), 0) };
  } finally {
    await worker.stop();
    await Promise.all(listeners.map((printer) => printer.close()));
    box.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** One printer, jobs enqueued at a steady rate: how long from the enqueue's commit to the last byte read. */
export async function latencyRun(jobs: number, everyMs: number): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  const folder = mkdtempSync(join(tmpdir(), "tibox-bench-print-"));
  const box = boxIn(folder);
  const printer = await listener();
  const worker = new PrintWorker({ writer: box.writer, clock: systemClock, logger: silentLogger });
  try {
    const printerId = box.writer.transact((tx) => insertPrinter(tx, box.deps.newId, { name: "Bar", kind: "tcp", address: printer.address, paperMm: 80, codePage: "pc858", printGroups: [], hasCashDrawer: false, active: true }).id);
    worker.start();
    const committedMs: number[] = [];
    for (let n = 0; n < jobs; n++) {
      const document = orderTicket(n);
      await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId, kind: "order", document }));
      committedMs.push(performance.now());
      await Bun.sleep(everyMs);
    }
    await waitFor(() => printer.jobs() >= jobs, 60_000);
    // One printer delivers in order: the n-th job read is the n-th job enqueued.
    const latencies = committedMs.map((at, n) => printer.endsMs[n]! - at).sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies.at(-1)! };
  } finally {
    await worker.stop();
    await printer.close();
    box.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function largeRun(): Promise<{ queueSeconds: number; transportSeconds: number; bytes: number; encodeMs: number }> {
  const folder = mkdtempSync(join(tmpdir(), "tibox-bench-print-"));
  const box = boxIn(folder);
  const printer = await listener();
  const worker = new PrintWorker({ writer: box.writer, clock: systemClock, logger: silentLogger });
  try {
    const document = largeDocument(1_700_000);
    const printerId = box.writer.transact((tx) => insertPrinter(tx, box.deps.newId, { name: "Journal", kind: "tcp", address: printer.address, paperMm: 80, codePage: "wpc1252", printGroups: [], hasCashDrawer: false, active: true }).id);
    const encodeStarted = performance.now();
    const bytes = encodeDocument(jobTicket({ id: 1, uncertain: false, reprintOf: null }, document), { paperMm: 80, codePage: "wpc1252" });
    const encodeMs = performance.now() - encodeStarted;

    const transportStarted = performance.now();
    const [host, port] = printer.address.split(":");
    await new TcpPrinter({ host: host!, port: Number(port) }).send(bytes);
    const transportSeconds = (performance.now() - transportStarted) / 1_000;

    worker.start();
    const queueStarted = performance.now();
    await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId, kind: "journal", document }));
    await waitFor(() => printer.jobs() >= 2, 120_000);
    const queueSeconds = (performance.now() - queueStarted) / 1_000;
    return { queueSeconds, transportSeconds, bytes: bytes.length, encodeMs };
  } finally {
    await worker.stop();
    await printer.close();
    box.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

function best<T>(runs: readonly T[], key: (run: T) => number): T {
  return runs.reduce((a, b) => (key(b) < key(a) ? b : a));
}

export async function runPrintBench(options: { jobsPerPrinter?: number; runs?: number } = {}): Promise<PrintBenchResult[]> {
  const jobsPerPrinter = Math.min(options.jobsPerPrinter ?? 1_000, limits.printQueuePendingJobsPerPrinter);
  const runs = options.runs ?? 3;
  const results: PrintBenchResult[] = [];
  for (const printers of [1, 4]) {
    const samples = [];
    for (let run = 0; run < runs; run++) samples.push(await ordersRun(printers, jobsPerPrinter));
    const top = best(samples, (sample) => sample.seconds);
    results.push({
      name: `order tickets, ${printers} printer${printers > 1 ? "s" : ""}`,
      value: top.jobs / top.seconds,
      unit: "jobs/s",
      detail: `${top.jobs} jobs of ${Math.round(top.bytes / top.jobs)} B on average, enqueue to last byte read: ${top.seconds.toFixed(2)} s`,
    });
  }
  const latency = await latencyRun(200, 20);
  results.push({
    name: "order ticket latency, 50 jobs/s to 1 printer",
    value: latency.p50Ms,
    unit: "ms p50",
    detail: `enqueue commit to last byte read: p99 ${latency.p99Ms.toFixed(1)} ms, max ${latency.maxMs.toFixed(1)} ms (200 jobs)`,
  });
  const large = [];
  for (let run = 0; run < runs; run++) large.push(await largeRun());
  const topQueue = best(large, (sample) => sample.queueSeconds);
  const topTransport = best(large, (sample) => sample.transportSeconds);
  results.push({
    name: "large job through the queue",
    value: topQueue.bytes / topQueue.queueSeconds,
    unit: "bytes/s",
    detail: `${(topQueue.bytes / 1e6).toFixed(2)} MB job (encode ${topQueue.encodeMs.toFixed(0)} ms), enqueue to last byte read: ${(topQueue.queueSeconds * 1_000).toFixed(0)} ms`,
  });
  results.push({
    name: "large job, TCP transport alone",
    value: topTransport.bytes / topTransport.transportSeconds,
    unit: "bytes/s",
    detail: `${(topTransport.bytes / 1e6).toFixed(2)} MB in ${(topTransport.transportSeconds * 1_000).toFixed(0)} ms, printer closed after the end`,
  });
  return results;
}

function human(result: PrintBenchResult): string {
  if (result.unit === "bytes/s") return `${(result.value / 1e6).toFixed(1)} MB/s`;
  if (result.unit.startsWith("ms")) return `${result.value.toFixed(1)} ${result.unit}`;
  return `${Math.round(result.value)} ${result.unit}`;
}

export function printBenchTable(results: readonly PrintBenchResult[]): string {
  const rows = results.map((result) => `| ${result.name} | ${human(result)} | ${result.detail} |`);
  return ["| case | result | detail |", "| --- | --- | --- |", ...rows].join("\n");
}

export function machineLine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, Bun ${Bun.version}`;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? Number(args[index + 1]) : undefined;
  };
  const results = await runPrintBench({ jobsPerPrinter: option("--jobs"), runs: option("--runs") });
  if (args.includes("--json")) for (const result of results) console.log(JSON.stringify(result));
  console.log(`\nPrint queue to loopback TCP printers (${machineLine()})\n`);
  console.log(printBenchTable(results));
}
