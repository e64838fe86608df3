/**
 * `bun run bench:door-camera`: how long the door page's camera scanner takes per frame where the
 * browser has no BarcodeDetector (Safari, Firefox, desktop Chrome on Linux), on a cheap phone.
 * Debian's Chromium (playwright-core) loads the jsQR file the box embeds (/assets/jsqr.js), and the
 * DevTools protocol slows its CPU down (`Emulation.setCPUThrottlingRate`, 1 and 6 times). The page
 * does what door-camera.js does for each frame: draw a 1280x720 camera frame onto a canvas scaled to
 * 640x360 (MAX_SIDE_PX), read its pixels, and run jsQR without the inverted pass; once on a frame
 * holding a real ticket's QR code (a payload signed by an event key, as issued), once on a frame
 * with no code (the usual case between two guests). The scanner waits FRAME_INTERVAL_MS (120 ms)
 * after each frame, so a frame time well under that keeps it responsive.
 *
 * Options: --frames N (40) --rates 1,6.
 */
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { encode } from "uqr";
import { ASSETS } from "../src/http/assets.ts";
import { generateSigningKeyPem, signerFromPem, systemClock, systemRandom, ulidFactory } from "../src/kernel/index.ts";
import { encodeTicket } from "../src/ticketing/index.ts";

const CHROMIUM_PATH = "/usr/bin/chromium";
const FRAME_INTERVAL_MS = 120;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

function ticketText(): string {
  const eventKey = signerFromPem(generateSigningKeyPem());
  const newId = ulidFactory(systemClock, systemRandom);
  const nowMs = systemClock.nowMs();
  return encodeTicket({ ticketId: newId(), eventId: newId(), productId: newId(), validFromMs: nowMs - 3_600_000, validUntilMs: nowMs + 3_600_000 }, eventKey);
}

interface FrameFigures {
  readonly meanMs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
}

function figures(samples: readonly number[]): FrameFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { meanMs: round(sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length), medianMs: round(at(0.5)), p90Ms: round(at(0.9)), maxMs: round(sorted.at(-1)!) };
}

async function main(): Promise<void> {
  const frames = Number(option("frames", "40"));
  const rates = option("rates", "1,6").split(",").map(Number);
  const text = ticketText();
  const matrix = encode(text, { border: 4 }).data;
  const jsqr = await Bun.file(resolve(ASSETS["jsqr.js"]!.path)).text();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const page = await browser.newPage();
    await page.setContent("<!doctype html><title>door camera bench</title>");
    await page.addScriptTag({ content: jsqr });
    const cdp = await page.context().newCDPSession(page);
    console.log(`door camera, jsQR per frame in Chromium ${browser.version()}: ${text.length}-character ticket, ${matrix.length} modules with the quiet zone, 1280x720 frame decoded at 640x360, ${frames} frames each`);
    for (const rate of rates) {
      await cdp.send("Emulation.setCPUThrottlingRate", { rate });
      const timings = await page.evaluate(
        ({ matrix, text, frames }) => {
          const jsQR = (window as unknown as { jsQR: (data: Uint8ClampedArray, width: number, height: number, options: unknown) => { data: string } | null }).jsQR;
          const source = (withCode: boolean) => {
            const canvas = document.createElement("canvas");
            canvas.width = 1280;
            canvas.height = 720;
            const context = canvas.getContext("2d")!;
            context.fillStyle = "#ddd";
            context.fillRect(0, 0, 1280, 720);
            if (withCode) {
              const modulePx = Math.floor(440 / matrix.length);
              const left = Math.floor((1280 - matrix.length * modulePx) / 2);
              const top = Math.floor((720 - matrix.length * modulePx) / 2);
              context.fillStyle = "#fff";
              context.fillRect(left, top, matrix.length * modulePx, matrix.length * modulePx);
              context.fillStyle = "#000";
              matrix.forEach((row, y) => row.forEach((dark, x) => dark && context.fillRect(left + x * modulePx, top + y * modulePx, modulePx, modulePx)));
            }
            return canvas;
          };
          const target = document.createElement("canvas");
          target.width = 640;
          target.height = 360;
          const context = target.getContext("2d", { willReadFrequently: true })!;
          const run = (frame: HTMLCanvasElement, expected: string | null) => {
            const times: number[] = [];
            for (let i = 0; i < frames + 3; i++) {
              const start = performance.now();
              context.drawImage(frame, 0, 0, 640, 360);
              const image = context.getImageData(0, 0, 640, 360);
              const code = jsQR(image.data, 640, 360, { inversionAttempts: "dontInvert" });
              const ms = performance.now() - start;
              if ((code ? code.data : null) !== expected) throw new Error(`decoded ${code?.data ?? "nothing"}, expected ${expected ?? "nothing"}`);
              if (i >= 3) times.push(ms);
            }
            return times;
          };
          return { code: run(source(true), text), none: run(source(false), null) };
        },
        { matrix, text, frames },
      );
      const code = figures(timings.code);
      const none = figures(timings.none);
      console.log(`  CPU x${rate}: frame with a ticket: mean ${code.meanMs} ms, median ${code.medianMs} ms, p90 ${code.p90Ms} ms, max ${code.maxMs} ms`);
      console.log(`  CPU x${rate}: frame without a code: mean ${none.meanMs} ms, median ${none.medianMs} ms, p90 ${none.p90Ms} ms, max ${none.maxMs} ms`);
      console.log(`  CPU x${rate}: under the ${FRAME_INTERVAL_MS} ms frame interval (p90): ${code.p90Ms < FRAME_INTERVAL_MS && none.p90Ms < FRAME_INTERVAL_MS ? "yes" : "NO"}`);
    }
  } finally {
    await browser.close();
  }
}

await main();
