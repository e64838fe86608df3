/**
 * `bun bench/hardware-taps.ts` (also a section of `bun run bench:hardware`): how long a card tap
 * takes to reach a till's screen, end to end, on this machine.
 *
 * A real `tibox serve` child (its PC/SC poller in a Worker) watches a private pcscd with
 * vsmartcard's two virtual readers, both bound to one till; this process plays the cards (our
 * vpcd card program) and the till page (an event-stream client with the till's cookies). Each
 * tap puts a card with a new UID on one reader, alternately, and takes it away once shown.
 *
 * - tap to screen: from the card answering `FF CA 00 00 00` (timestamp in the card program)
 *   to the event-stream message received by the till client. This is tibox's part: pcsc-lite's
 *   answer to the poller, the Worker's message, the hub, the binding lookup, the card lookup,
 *   rendering and the stream. Target: p99 < 150 ms.
 * - pcscd detection: from the card's connection to the reader to its `FF CA` APDU: pcscd
 *   noticing the card (it polls a vpcd slot every 400 ms), powering it, the poller's connect.
 *   Not tibox's: a real reader's driver has its own (an ACR122U is polled by pcscd's CCID driver).
 *
 * Needs pcscd, vsmartcard-vpcd, libpcsclite1 and root (the private pcscd's mount namespace).
 * Options: --taps N (200) --json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openBox } from "../src/app.ts";
import { bindReader } from "../src/auth/index.ts";
import { setUp } from "../test/helpers/box.ts";
import { pcscdMissing, releaseSharedPcscd, sharedPcscd } from "../test/helpers/pcscd.ts";
import { freePort } from "../test/helpers/process.ts";
import { SseClient } from "../test/helpers/sse.ts";
import { VirtualCard } from "../test/helpers/vpcd-card.ts";

const MAIN = resolve(import.meta.dir, "../src/main.ts");
const WARMUP_TAPS = 5;
/** A card is taken away this long before the same reader gets the next one: pcscd must see it go. */
const REMOVAL_SETTLE_MS = 600;
const TAP_TIMEOUT_MS = 5_000;
const START_TIMEOUT_MS = 15_000;
export const TAP_TO_SCREEN_P99_TARGET_MS = 150;

export interface Distribution {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface TapsBenchResult {
  readonly taps: number;
  readonly missed: number;
  readonly screen: Distribution;
  readonly detection: Distribution;
  readonly total: Distribution;
}

function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

async function waitFor(what: string, found: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!found()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

export async function runTapsBench(options: { taps?: number | undefined } = {}): Promise<TapsBenchResult> {
  const missing = pcscdMissing();
  if (missing) throw new Error(`the taps benchmark needs ${missing}`);
  const count = options.taps ?? 200;
  const daemon = await sharedPcscd();
  const folder = mkdtempSync(join(tmpdir(), "tibox-bench-taps-"));
  let child: Bun.Subprocess<"ignore", "pipe", "pipe"> | undefined;
  /** When each card answered FF CA, by UID, stamped by the card program itself. */
  const answers = new Map<string, number>();
  const onUidAnswered = (uid: string, atMs: number) => answers.set(uid, atMs);
  const cards = [new VirtualCard({ port: daemon.port, onUidAnswered }), new VirtualCard({ port: daemon.port + 1, onUidAnswered })];
  let stream: SseClient | undefined;
  try {
    const made = openBox({ dataDir: folder });
    await setUp(made);
    const till = made.auth.addTerminalSync("bench", "till", "Bar");
    const cashier = await made.auth.createOperator("bench", { name: "Camille", role: "cashier", pin: "1357" });
    made.writer.transact((tx) => {
      for (const name of daemon.readerNames) bindReader(tx, made.signer, { readerKey: `pcsc:${name}`, terminalId: till.terminal.id, actor: "bench" });
    });
    made.close();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TIBOX_"))), PCSCLITE_CSOCK_NAME: daemon.socketPath };
    child = Bun.spawn([process.execPath, MAIN, "serve", "--data", folder, "--host", "127.0.0.1", "--port", String(port), "--https-port", "0"], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const logs: string[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stdout) logs.push(...decoder.decode(chunk, { stream: true }).split("\n").filter(Boolean));
    })();
    await waitFor("both readers attached in the box", () => daemon.readerNames.every((name) => logs.some((line) => line.includes('"nfc reader attached"') && line.includes(name))), START_TIMEOUT_MS);
    const opened = await fetch(`${url}/api/v1/sessions`, { method: "POST", headers: { authorization: `Bearer ${till.token}`, "content-type": "application/json" }, body: JSON.stringify({ operator_id: cashier.id, pin: "1357" }) });
    const session = ((await opened.json()) as { session_token: string }).session_token;
    const client = await SseClient.open(`${url}/terminal/events`, { cookie: `tibox_terminal=${till.token}; tibox_session=${session}` });
    stream = client;

    const screen: number[] = [];
    const detection: number[] = [];
    const total: number[] = [];
    const removedAtMs = [0, 0];
    let missed = 0;
    for (let index = 0; index < count + WARMUP_TAPS; index++) {
      const slot = index % 2;
      const card = cards[slot]!;
      const settle = removedAtMs[slot]! + REMOVAL_SETTLE_MS - wallMs();
      if (settle > 0) await Bun.sleep(settle);
      const uid = `04${(0x100000 + index).toString(16).toUpperCase()}`;
      const seen = client.messages.length;
      const insertedAtMs = wallMs();
      await card.insert(uid);
      try {
        await client.waitFor(`tap ${uid}`, () => client.messages.slice(seen).some((message) => message.data.includes(`par ${uid.slice(-4)}`)), TAP_TIMEOUT_MS);
        const message = client.messages.slice(seen).find((candidate) => candidate.data.includes(`par ${uid.slice(-4)}`))!;
        const answeredAtMs = answers.get(uid) ?? Number.NaN;
        if (index >= WARMUP_TAPS) {
          screen.push(message.receivedAtMs - answeredAtMs);
          detection.push(answeredAtMs - insertedAtMs);
          total.push(message.receivedAtMs - insertedAtMs);
        }
      } catch {
        if (index >= WARMUP_TAPS) missed += 1;
      }
      card.remove();
      removedAtMs[slot] = wallMs();
    }
    return { taps: screen.length, missed, screen: distribution(screen), detection: distribution(detection), total: distribution(total) };
  } finally {
    for (const card of cards) card.remove();
    await stream?.close();
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await child.exited;
    }
    await releaseSharedPcscd();
    rmSync(folder, { recursive: true, force: true });
  }
}

export function tapsBenchTable(result: TapsBenchResult): string {
  const row = (name: string, value: Distribution, target: string) => `| ${name} | ${value.p50.toFixed(1)} ms | ${value.p99.toFixed(1)} ms | ${value.max.toFixed(1)} ms | ${target} |`;
  const met = result.screen.p99 < TAP_TO_SCREEN_P99_TARGET_MS && result.missed === 0 ? "met" : "NOT met";
  return [
    `${result.taps} taps measured (after ${WARMUP_TAPS} warm-up taps), ${result.missed} missed.`,
    "",
    "| measure | p50 | p99 | max | target |",
    "| --- | --- | --- | --- | --- |",
    row("tap to screen (card answers FF CA → till's stream message)", result.screen, `p99 < ${TAP_TO_SCREEN_P99_TARGET_MS} ms: ${met}`),
    row("pcscd card detection (card on the reader → FF CA APDU)", result.detection, "pcscd's, not tibox's"),
    row("total (card on the reader → till's stream message)", result.total, ""),
  ].join("\n");
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const index = args.indexOf("--taps");
  const result = await runTapsBench({ taps: index >= 0 ? Number(args[index + 1]) : undefined });
  if (args.includes("--json")) console.log(JSON.stringify(result));
  else {
    console.log(`${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), load ${loadavg()[0]!.toFixed(2)}, Bun ${Bun.version}`);
    console.log(tapsBenchTable(result));
  }
}
