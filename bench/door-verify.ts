/**
 * `bun run bench:door-verify`: how long a cheap door phone takes to verify a ticket's QR signature
 * offline. Debian's Chromium (playwright-core) loads the very bundle the door page uses
 * (ui/static/gen/door-verify.js, @noble/curves), the DevTools protocol slows its CPU down 6 times
 * (`Emulation.setCPUThrottlingRate {rate: 6}`, as on a cheap phone), and the page verifies
 * `--tickets` (200) real ticket payloads, each signed by the event key, timed one by one:
 * - "per scan": what the door does for each ticket (the certificate was checked once, when the
 *   snapshot arrived): parse the base32 payload and verify one Ed25519 signature;
 * - "cold": the same with the certificate checked too (the box's decodeTicket, 2 signatures).
 * The first verification (JIT and @noble's base-point tables) is reported apart. The page is
 * cross-origin isolated, so performance.now() has 5 µs resolution instead of 100 µs.
 * Target (issue #6): under 5 ms per scan, checked on the mean (the whole run's time divided by
 * the scans). DevTools throttling stalls the page's thread in slices rather than slowing every
 * instruction, so one scan's time is either unthrottled or includes a stall: the median alone
 * flatters, the p99 shows the stalls (and, on a shared machine, other processes); both are shown.
 *
 * Options: --tickets N (200) --rate R (6). Also called at the end of bench/door.ts.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { generateSigningKeyPem, signerFromPem, systemClock, systemRandom, toHex, ulidFactory } from "../src/kernel/index.ts";
import { encodeTicket, signCertificate } from "../src/ticketing/index.ts";

const ROOT = resolve(import.meta.dir, "..");
const CHROMIUM_PATH = "/usr/bin/chromium";
const TARGET_MS = 5;

export interface DoorVerifyFigures {
  readonly tickets: number;
  readonly rate: number;
  readonly firstMs: number;
  readonly perScan: { readonly meanMs: number; readonly medianMs: number; readonly p90Ms: number; readonly p99Ms: number; readonly maxMs: number };
  readonly cold: { readonly medianMs: number; readonly p99Ms: number };
  readonly chromium: string;
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Real tickets of one event: the venue certifies the event key, which signs each payload. */
function makeTickets(count: number) {
  const venue = signerFromPem(generateSigningKeyPem());
  const eventKey = signerFromPem(generateSigningKeyPem());
  const newId = ulidFactory(systemClock, systemRandom);
  const eventId = newId();
  const nowMs = systemClock.nowMs();
  const certificate = signCertificate(venue, { eventId, publicKeyHex: toHex(eventKey.publicKey), validFromMs: nowMs - 3_600_000, validUntilMs: nowMs + 86_400_000 });
  const productId = newId();
  const texts: string[] = [];
  for (let i = 0; i < count; i++) texts.push(encodeTicket({ ticketId: newId(), eventId, productId, validFromMs: nowMs - 3_600_000, validUntilMs: nowMs + 3_600_000 }, eventKey));
  return { venueKeyHex: toHex(venue.publicKey), certificate, texts };
}

export async function benchDoorVerify(options: { tickets?: number; rate?: number } = {}): Promise<DoorVerifyFigures> {
  const count = options.tickets ?? 200;
  const rate = options.rate ?? 6;
  const bundle = readFileSync(join(ROOT, "ui/static/gen/door-verify.js"), "utf8");
  const isolation = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/door-verify.js") return new Response(bundle, { headers: { "content-type": "text/javascript", ...isolation } });
      return new Response("<!doctype html><title>door verify bench</title>", { headers: { "content-type": "text/html", ...isolation } });
    },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    const input = makeTickets(count);
    const timings = await page.evaluate(async ({ venueKeyHex, certificate, texts }) => {
      const isolated = self.crossOriginIsolated;
      const verifier = await import("/door-verify.js" as string);
      const t0 = performance.now();
      const check = verifier.doorTicketChecker(certificate, venueKeyHex);
      const first = check(texts[0]);
      const firstMs = performance.now() - t0;
      if (!first.ok) throw new Error(`the first ticket was refused: ${first.code}`);
      const perScan: number[] = [];
      for (const text of texts) {
        const start = performance.now();
        const verdict = check(text);
        perScan.push(performance.now() - start);
        if (!verdict.ok) throw new Error(`a real ticket was refused: ${verdict.code}`);
      }
      const cold: number[] = [];
      for (const text of texts.slice(0, 50)) {
        const start = performance.now();
        const verdict = verifier.verifyDoorTicket(text, certificate, venueKeyHex);
        cold.push(performance.now() - start);
        if (!verdict.ok) throw new Error(`a real ticket was refused: ${verdict.code}`);
      }
      return { isolated, firstMs, perScan, cold };
    }, input);
    if (!timings.isolated) throw new Error("the bench page is not cross-origin isolated: timings would be coarse");
    const perScan = [...timings.perScan].sort((a, b) => a - b);
    const cold = [...timings.cold].sort((a, b) => a - b);
    return {
      tickets: count,
      rate,
      firstMs: round(timings.firstMs),
      perScan: {
        meanMs: round(perScan.reduce((sum, ms) => sum + ms, 0) / perScan.length),
        medianMs: round(quantile(perScan, 0.5)),
        p90Ms: round(quantile(perScan, 0.9)),
        p99Ms: round(quantile(perScan, 0.99)),
        maxMs: round(perScan.at(-1)!),
      },
      cold: { medianMs: round(quantile(cold, 0.5)), p99Ms: round(quantile(cold, 0.99)) },
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
    server.stop(true);
  }
}

export function printDoorVerify(figures: DoorVerifyFigures): void {
  console.log(`QR signature verification in Chromium ${figures.chromium}, CPU throttled x${figures.rate}, ${figures.tickets} tickets (ui/static/gen/door-verify.js, @noble/curves):`);
  console.log(`  first verification (JIT, tables): ${figures.firstMs} ms`);
  const scan = figures.perScan;
  console.log(`  per scan (1 signature): mean ${scan.meanMs} ms, median ${scan.medianMs} ms, p90 ${scan.p90Ms} ms, p99 ${scan.p99Ms} ms, max ${scan.maxMs} ms`);
  console.log(`  with the certificate (2 signatures): median ${figures.cold.medianMs} ms, p99 ${figures.cold.p99Ms} ms`);
  console.log(`  target < ${TARGET_MS} ms per scan (mean): ${scan.meanMs < TARGET_MS ? "met" : "NOT met"}; p99 ${scan.p99Ms < TARGET_MS ? "under" : "over"} ${TARGET_MS} ms`);
}

if (import.meta.main) {
  printDoorVerify(await benchDoorVerify({ tickets: option("tickets", 200), rate: option("rate", 6) }));
}
