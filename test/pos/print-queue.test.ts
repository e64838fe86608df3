// Proves "an order goes to the kitchen printer and is never lost": jobs are written in the
// caller's transaction and delivered by the worker to a real local TCP listener with their job
// number; a connection cut in the middle of a job makes the worker resend it marked DUPLICATA,
// in order before the next job; a printer that is off is shown offline with its error, the job
// waits with exponential backoff and is delivered when the printer is back; jobs survive a
// restart of the box, and a job a crash left "sending" prints again as DUPLICATA; a reprint on
// demand prints DUPLICATA, is logged, and never kicks the drawer; a full queue refuses new jobs
// with print_queue_full and keeps the old ones. Time moves with a FakeClock; real timers only in
// the test that runs the worker on its own.
import { afterEach, describe, expect, test } from "bun:test";
import { FakeClock, isAppError, limits, silentLogger, systemClock } from "../../src/kernel/index.ts";
import {
  claimDuePrintJobs,
  enqueueForGroup,
  enqueuePrintJob,
  findPrinter,
  findPrintJob,
  insertPrinter,
  listPrintJobs,
  pendingJobCount,
  printJobDocument,
  reprintPrintJob,
  retryDelayMs,
  type Printer,
  type PrinterInput,
} from "../../src/pos/index.ts";
import { PrintWorker, type PrintWorkerOptions } from "../../src/jobs/index.ts";
import { columns, cut, drawerKick, DRAWER_KICK, openPrinter, previewText, printDocument, SimulatedPrinters, text, type PrintDocument } from "../../hardware/printer/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { hex } from "../helpers/golden.ts";
import { TcpPrinterListener } from "../helpers/tcp-printer.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function order(n: number, extra: PrintDocument["blocks"] = []): PrintDocument {
  return printDocument(text(`Commande ${n}`, { bold: true, size: 2 }), columns("Croque-monsieur", "1"), columns("Crêpe au sucre", "2"), ...extra, cut());
}

async function kitchen(options: { clock?: FakeClock; listener?: TcpPrinterListener } = {}) {
  const clock = options.clock ?? new FakeClock();
  const box = testBox({ clock });
  cleanups.push(() => box.dispose());
  await setUp(box);
  const listener = options.listener ?? (await TcpPrinterListener.start());
  cleanups.push(() => listener.off());
  const printer = addPrinter(box, { name: "Cuisine", kind: "tcp", address: listener.address, printGroups: ["kitchen"] });
  return { box, clock, listener, printer };
}

function addPrinter(box: TestBox, input: Partial<PrinterInput> & Pick<PrinterInput, "name" | "kind" | "address">): Printer {
  return box.writer.transact((tx) =>
    insertPrinter(tx, box.deps.newId, { paperMm: 80, codePage: "pc858", printGroups: [], hasCashDrawer: false, active: true, ...input }),
  );
}

function worker(box: TestBox, clock: FakeClock, options: PrintWorkerOptions = {}): PrintWorker {
  const simulated = new SimulatedPrinters();
  const made = new PrintWorker(
    { writer: box.writer, clock, logger: silentLogger },
    { simulated, openPrinter: (printer) => openPrinter(printer, { simulated, connectTimeoutMs: 1_000, idleTimeoutMs: 2_000 }), ...options },
  );
  cleanups.push(() => made.stop());
  return made;
}

/** One pass of the worker and the end of its sends. */
async function pass(printWorker: PrintWorker) {
  const started = await printWorker.tick();
  return { started, outcomes: await printWorker.settle() };
}

function paper(bytes: Uint8Array): string {
  return previewText(bytes, { columns: 48 });
}

describe("delivery", () => {
  test("an order written in a transaction reaches the kitchen printer with its job number", async () => {
    const { box, clock, listener, printer } = await kitchen();
    const job = await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(1) }));
    expect(job.state).toBe("queued");
    const printWorker = worker(box, clock);
    expect((await pass(printWorker)).outcomes).toEqual([{ jobId: job.id, printerId: printer.id, ok: true }]);
    const [received] = await listener.waitForJobs(1);
    const text = paper(received!);
    expect(text).toContain(`Impression n° ${job.id}`);
    expect(text).toContain("Commande 1");
    expect(text).toContain("Crêpe au sucre");
    expect(text).not.toContain("DUPLICATA");
    expect(findPrintJob(box.sqlite, job.id)).toMatchObject({ state: "done", attempts: 1, uncertain: false, lastError: "", doneAtMs: clock.nowMs() });
    expect(findPrinter(box.sqlite, printer.id)).toMatchObject({ status: "online", lastError: "", lastContactAtMs: clock.nowMs() });
  });

  test("a job enqueued in a transaction that rolls back never prints", async () => {
    const { box, printer } = await kitchen();
    await expect(
      box.writer.submit((tx) => {
        enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(1) });
        throw new Error("the sale failed");
      }),
    ).rejects.toThrow("the sale failed");
    expect(listPrintJobs(box.sqlite)).toEqual([]);
  });

  test("jobs of one printer print one at a time in order; two printers print side by side", async () => {
    const { box, clock, listener, printer } = await kitchen();
    const bar = await TcpPrinterListener.start();
    cleanups.push(() => bar.off());
    const barPrinter = addPrinter(box, { name: "Bar", kind: "tcp", address: bar.address, printGroups: ["bar"] });
    const kitchenJobs = await box.writer.submit((tx) => [1, 2, 3, 4].map((n) => enqueueForGroup(tx, "kitchen", { kind: "order", document: order(n) })[0]!.id));
    const barJobs = await box.writer.submit((tx) => [5, 6].map((n) => enqueueForGroup(tx, "bar", { kind: "order", document: order(n) })[0]!.id));
    const printWorker = worker(box, clock);
    // Each pass takes at most one job per printer.
    for (let round = 0; round < 4; round++) {
      const { started } = await pass(printWorker);
      expect(started).toBe(round < 2 ? 2 : 1);
    }
    expect((await pass(printWorker)).started).toBe(0);
    const numbers = (jobs: Uint8Array[]) => jobs.map((bytes) => Number(/Impression n° (\d+)/.exec(paper(bytes))?.[1]));
    expect(numbers(await listener.waitForJobs(4))).toEqual(kitchenJobs);
    expect(numbers(await bar.waitForJobs(2))).toEqual(barJobs);
    expect(printer.printGroups).toEqual(["kitchen"]);
    expect(findPrinter(box.sqlite, barPrinter.id)?.status).toBe("online");
  });
});

describe("failures", () => {
  test("a connection cut in the middle of a job: resent as DUPLICATA before the next order, nothing lost", async () => {
    const { box, clock, listener, printer } = await kitchen();
    const [first, second] = await box.writer.submit((tx) => [1, 2].map((n) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(n) })));
    listener.behave({ kind: "reset", afterBytes: 40 });
    const printWorker = worker(box, clock);

    const cutShort = await pass(printWorker);
    expect(cutShort.outcomes).toHaveLength(1);
    expect(cutShort.outcomes[0]).toMatchObject({ jobId: first!.id, ok: false, uncertain: true });
    expect(listener.cut).toHaveLength(1);
    expect(listener.jobs).toHaveLength(0);
    const waiting = findPrintJob(box.sqlite, first!.id)!;
    expect(waiting).toMatchObject({ state: "queued", attempts: 1, uncertain: true, nextAttemptAtMs: clock.nowMs() + 1_000 });
    expect(waiting.lastError).toContain("printer_disconnected");
    expect(findPrinter(box.sqlite, printer.id)).toMatchObject({ status: "offline" });
    expect(findPrinter(box.sqlite, printer.id)!.lastError).toContain("printer_disconnected");

    // Not yet due: the second order waits behind the first, it does not jump the queue.
    expect((await pass(printWorker)).started).toBe(0);
    clock.advance(1_000);
    expect((await pass(printWorker)).outcomes).toEqual([{ jobId: first!.id, printerId: printer.id, ok: true }]);
    expect((await pass(printWorker)).outcomes).toEqual([{ jobId: second!.id, printerId: printer.id, ok: true }]);

    const [resent, next] = (await listener.waitForJobs(2)).map(paper);
    expect(resent).toContain("DUPLICATA");
    expect(resent).toContain(`Impression n° ${first!.id}`);
    expect(resent).toContain("Commande 1");
    expect(next).toContain(`Impression n° ${second!.id}`);
    expect(next).not.toContain("DUPLICATA");
    expect(findPrintJob(box.sqlite, first!.id)).toMatchObject({ state: "done", attempts: 2, uncertain: true });
    expect(findPrinter(box.sqlite, printer.id)).toMatchObject({ status: "online", lastError: "" });
  });

  test("printer off: offline with the error, the job waits with backoff, delivered when the printer is back", async () => {
    const { box, clock, listener, printer } = await kitchen();
    await listener.off();
    const job = await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(7) }));
    const printWorker = worker(box, clock);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const { outcomes } = await pass(printWorker);
      expect(outcomes).toEqual([{ jobId: job.id, printerId: printer.id, ok: false, uncertain: false, error: expect.stringContaining("printer_offline") }]);
      const waiting = findPrintJob(box.sqlite, job.id)!;
      expect(waiting).toMatchObject({ state: "queued", attempts: attempt, uncertain: false });
      delays.push(waiting.nextAttemptAtMs - clock.nowMs());
      clock.advance(waiting.nextAttemptAtMs - clock.nowMs());
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    const status = findPrinter(box.sqlite, printer.id)!;
    expect(status.status).toBe("offline");
    expect(status.lastError).toContain("printer_offline");
    expect(status.lastError).toContain("ECONNREFUSED");
    expect(status.lastContactAtMs).toBeNull();
    expect(pendingJobCount(box.sqlite, printer.id)).toBe(1);

    await listener.on();
    expect((await pass(printWorker)).outcomes).toEqual([{ jobId: job.id, printerId: printer.id, ok: true }]);
    const [received] = await listener.waitForJobs(1);
    // Refused connections printed nothing: the job prints once, as an original.
    expect(paper(received!)).not.toContain("DUPLICATA");
    expect(findPrintJob(box.sqlite, job.id)).toMatchObject({ state: "done", attempts: 5 });
    expect(findPrinter(box.sqlite, printer.id)).toMatchObject({ status: "online", lastError: "", lastContactAtMs: clock.nowMs() });
  });

  test("the backoff doubles from 1 s and stops growing at 60 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((failures) => retryDelayMs(failures))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(limits.printRetryCapMs).toBe(60_000);
  });

  test("running on its own with real timers, the worker keeps retrying until the printer is back", async () => {
    const listener = await TcpPrinterListener.start();
    const { box, printer } = await kitchen({ listener, clock: undefined });
    await listener.off();
    const job = await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(9) }));
    const printWorker = new PrintWorker({ writer: box.writer, clock: systemClock, logger: silentLogger }, { pollMs: 10, retryBaseMs: 20, retryCapMs: 80 });
    cleanups.push(() => printWorker.stop());
    printWorker.start();
    for (let i = 0; i < 200 && (findPrintJob(box.sqlite, job.id)?.attempts ?? 0) < 3; i++) await Bun.sleep(10);
    expect(findPrintJob(box.sqlite, job.id)!.attempts).toBeGreaterThanOrEqual(3);
    await listener.on();
    const [received] = await listener.waitForJobs(1, 3_000);
    expect(paper(received!)).toContain(`Impression n° ${job.id}`);
    await printWorker.stop();
    expect(findPrintJob(box.sqlite, job.id)?.state).toBe("done");
  });
});

describe("restart", () => {
  test("jobs survive closing the box; a job a crash left sending prints again as DUPLICATA", async () => {
    const clock = new FakeClock();
    const listener = await TcpPrinterListener.start();
    cleanups.push(() => listener.off());
    const first = testBox({ clock });
    await setUp(first);
    const printer = addPrinter(first, { name: "Cuisine", kind: "tcp", address: listener.address });
    const jobs = await first.writer.submit((tx) => [1, 2, 3].map((n) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(n) }).id));
    // The worker claimed the first job and the box died before it heard back.
    const claimed = await first.writer.submit((tx) => claimDuePrintJobs(tx, clock.nowMs(), { maxJobs: 8 }));
    expect(claimed.map((claim) => claim.job.id)).toEqual([jobs[0]!]);
    expect(findPrintJob(first.sqlite, jobs[0]!)?.state).toBe("sending");
    first.close();

    const second = testBox({ clock, dataDir: first.folder });
    cleanups.push(() => second.dispose());
    expect(pendingJobCount(second.sqlite, printer.id)).toBe(3);
    const printWorker = worker(second, clock);
    for (let round = 0; round < 3; round++) expect((await pass(printWorker)).outcomes).toHaveLength(1);
    const printed = (await listener.waitForJobs(3)).map(paper);
    expect(printed.map((page) => /Impression n° (\d+)/.exec(page)?.[1])).toEqual(jobs.map(String));
    expect(printed.map((page) => page.includes("DUPLICATA"))).toEqual([true, false, false]);
    expect(findPrintJob(second.sqlite, jobs[0]!)).toMatchObject({ state: "done", uncertain: true, attempts: 2 });
  });
});

describe("reprint and limits", () => {
  test("a reprint on demand prints DUPLICATA with the original's number, is logged, and never kicks the drawer", async () => {
    const { box, clock, listener, printer } = await kitchen();
    const receipt = printDocument(text("Ticket de caisse"), columns("Total", "8,90 €"), drawerKick(), cut());
    const original = await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "receipt", document: receipt }));
    const printWorker = worker(box, clock);
    await pass(printWorker);
    const reprint = await box.writer.submit((tx) => reprintPrintJob(tx, box.signer, { jobId: original.id, actor: "operator:test" }));
    expect(reprint).toMatchObject({ reprintOf: original.id, kind: "receipt", printerId: printer.id, state: "queued" });
    await pass(printWorker);
    const [first, again] = await listener.waitForJobs(2);
    expect(hex(first!)).toContain(hex(DRAWER_KICK));
    expect(paper(first!)).not.toContain("DUPLICATA");
    const reprinted = paper(again!);
    expect(reprinted).toContain("DUPLICATA");
    expect(reprinted).toContain(`Impression n° ${reprint.id}`);
    expect(reprinted).toContain(`Réimpression de l'impression n° ${original.id}`);
    expect(reprinted).toContain("Total");
    expect(hex(again!)).not.toContain(hex(DRAWER_KICK));
    const logged = box.sqlite.query<{ kind: string; subject: string }, []>("SELECT kind, subject FROM event_log WHERE kind = 'print.reprinted'").all();
    expect(logged).toEqual([{ kind: "print.reprinted", subject: `print_job:${original.id}` }]);
    expect(printJobDocument(box.sqlite, reprint.id)).toEqual(printJobDocument(box.sqlite, original.id));
  });

  test("a full queue refuses new jobs with print_queue_full and keeps every job it has", async () => {
    const { box, listener, printer } = await kitchen();
    await listener.off();
    const other = addPrinter(box, { name: "Bar", kind: "simulated", address: "bar" });
    const max = limits.printQueuePendingJobsPerPrinter;
    const ids = await box.writer.submit((tx) => Array.from({ length: max }, (_, n) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(n) }).id));
    expect(pendingJobCount(box.sqlite, printer.id)).toBe(max);
    let refused: unknown;
    try {
      await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: order(max) }));
    } catch (error) {
      refused = error;
    }
    expect(isAppError(refused) && refused.code).toBe("print_queue_full");
    await expect(box.writer.submit((tx) => reprintPrintJob(tx, box.signer, { jobId: ids[0]!, actor: "test" }))).rejects.toThrow("jobs waiting");
    expect(pendingJobCount(box.sqlite, printer.id)).toBe(max);
    expect(printJobDocument(box.sqlite, ids[0]!)).toEqual(order(0));
    expect(printJobDocument(box.sqlite, ids.at(-1)!)).toEqual(order(max - 1));
    // Another printer's queue is its own.
    expect((await box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: other.id, kind: "order", document: order(1) }))).state).toBe("queued");
  });

  test("unknown printers and invalid documents are refused with their codes", async () => {
    const { box, printer } = await kitchen();
    const codeOf = async (action: () => Promise<unknown>) => action().then(
      () => "accepted",
      (error: unknown) => (isAppError(error) ? error.code : String(error)),
    );
    expect(await codeOf(() => box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: "nope", kind: "order", document: order(1) })))).toBe("printer_unknown");
    expect(await codeOf(() => box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "Order!", document: order(1) })))).toBe("print_kind_invalid");
    const bad = { blocks: [{ type: "text", text: 42 }] } as unknown as PrintDocument;
    expect(await codeOf(() => box.writer.submit((tx) => enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: bad })))).toBe("document_invalid");
  });
});
