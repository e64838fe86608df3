// Proves the door page's camera scanner in Chromium against a `tibox serve` child: a ticket's QR
// code, drawn into a Y4M video that Chromium's fake capture device plays as the camera, is decoded
// (by the embedded jsQR where Chromium has no BarcodeDetector, as on Linux) and sent through the
// door form: the green panel with the holder's name and one admitted check-in in the database.
// The ticket staying in view sends nothing more: the green panel stays and the database holds that
// one check-in for 5 s; "Next" pressed with the ticket still in view sends nothing either. A second
// browser whose camera shows another ticket, then nothing, then the ticket again (a looped video):
// green, "Next", and the ticket back in view after it had left is a new scan with a new nonce that
// gets the red already_redeemed panel, long before the 30 s after which a ticket left in view
// would be sent again. The camera then stops (its track ended).
// A hidden page ends the camera's track and takes the camera again when shown.
// On a plain HTTP address that is not the box itself (not a secure context), the camera button
// explains instead of asking for the camera.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openBox } from "../../src/app.ts";
import { createEvent, issueTicket, saveProduct } from "../../src/ticketing/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { setUp } from "../helpers/box.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, launchBrowser, phoneContext, removeFolder, smallTargets, startBox, tempFolder, type RunningBox } from "../helpers/browser.ts";
import { writeQrVideo } from "../helpers/qr-video.ts";

setDefaultTimeout(90_000);

const PIN = "8642";
const HOLDER = "Grace Hopper";
const SECOND_HOLDER = "Ada Lovelace";
/** door-camera.js's LEAVE_MS and FORGET_MS; the box stamps the scans, so their gaps are measured there. */
const LEAVE_MS = 1_500;
const FORGET_MS = 30_000;
/** The looped video of the second browser: the ticket for 3 s, then nothing for 3 s (5 frames a second). */
const COMES_AND_GOES = { fps: 5, frames: 15, blankFrames: 15 } as const;
/** A name Chromium resolves to 127.0.0.1 (--host-resolver-rules): plain HTTP, not a secure context. */
const LAN_NAME = "tibox-door.test";

interface CheckinRow {
  readonly result: string;
  readonly code: string | null;
  readonly nonce: string;
  readonly at_ms: number;
  readonly ticket_id: string | null;
}

describe.skipIf(browserTestsSkipped())("the door page's camera, in Chromium with a fake camera", () => {
  let box: RunningBox;
  let browser: Browser;
  let doorToken = "";
  let ticketId = "";
  let secondTicketId = "";
  const folder = tempFolder("tibox-door-camera-e2e-");
  const video = join(folder, "ticket.y4m");
  const comesAndGoes = join(folder, "ticket-comes-and-goes.y4m");

  beforeAll(async () => {
    const made = openBox({ dataDir: folder });
    await setUp(made);
    doorToken = made.auth.addTerminalSync("test", "door", "Entrée").token;
    await made.auth.createOperator("test", { name: "Dom", role: "door", pin: PIN });
    const nowMs = Date.now();
    let qr = "";
    let secondQr = "";
    made.writer.transact((tx) => {
      const event = createEvent(tx, { signer: made.signer, newId: made.deps.newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: nowMs + 600_000, endsAtMs: nowMs + 4 * 3_600_000, doorsAtMs: nowMs, capacity: null, tags: [], visibility: "public" });
      const product = saveProduct(tx, { newId: made.deps.newId }, { eventId: event.id, name: "Plein tarif", priceMinor: 1000, quota: null });
      const ticket = issueTicket(tx, { newId: made.deps.newId }, { productId: product.id, holderName: HOLDER });
      qr = ticket.qr;
      ticketId = ticket.id;
      const second = issueTicket(tx, { newId: made.deps.newId }, { productId: product.id, holderName: SECOND_HOLDER });
      secondQr = second.qr;
      secondTicketId = second.id;
    });
    made.close();
    const drawn = writeQrVideo(video, qr);
    expect(drawn.modulePx).toBeGreaterThanOrEqual(6);
    expect(writeQrVideo(comesAndGoes, secondQr, COMES_AND_GOES).modulePx).toBeGreaterThanOrEqual(6);
    [box, browser] = await Promise.all([
      startBox({ dataDir: folder }),
      launchBrowser({ args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`, `--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`] }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await box?.stop()).toBe(0);
    removeFolder(folder);
  });

  function checkins(ticket?: string): CheckinRow[] {
    const db = new Database(join(folder, "tibox.db"), { readonly: true });
    try {
      const rows = db.query<CheckinRow, []>("SELECT result, code, nonce, at_ms, ticket_id FROM checkins ORDER BY at_ms, rowid").all();
      return ticket === undefined ? rows : rows.filter((row) => row.ticket_id === ticket);
    } finally {
      db.close();
    }
  }

  /** The check-in rows, looked at every 250 ms for durationMs: the distinct row counts seen. */
  async function countsDuring(page: Page, durationMs: number): Promise<number[]> {
    const seen = new Set<number>();
    for (let waitedMs = 0; waitedMs <= durationMs; waitedMs += 250) {
      seen.add(checkins().length);
      await page.waitForTimeout(250);
    }
    return [...seen];
  }

  /** A phone paired as the door, the volunteer unlocked, on the door page of `origin`. */
  async function doorPage(origin: string, options: { readonly bypassCSP?: boolean; readonly browser?: Browser } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await phoneContext(options.browser ?? browser, { baseURL: origin, bypassCSP: options.bypassCSP ?? false });
    await context.addCookies([{ name: "tibox_terminal", value: doorToken, url: origin }]);
    const page = await context.newPage();
    await page.goto("/terminal?next=/door");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForURL(/\/door/), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForSelector("#door-camera-toggle");
    return { context, page };
  }

  test("the ticket in front of the camera: green with the holder, one admission; still in view, and after Next: nothing more sent", async () => {
    const { context, page } = await doorPage(box.url);
    expect(await smallTargets(page)).toEqual([]);
    expect(await page.textContent("#door-camera-toggle")).toBe(fr["door.camera.start"]);
    const hasDetector = await page.evaluate(() => "BarcodeDetector" in window);

    await page.click("#door-camera-toggle");
    const green = page.locator('[data-testid="door-panel"][data-result="admitted"]');
    await green.waitFor({ timeout: 30_000 });
    expect(await green.textContent()).toContain(HOLDER);
    // Chromium on Linux has no BarcodeDetector: the embedded jsQR decoded the frames.
    expect(await page.getAttribute("#door-camera", "data-decoder")).toBe(hasDetector ? "native" : "jsqr");
    expect(await page.getAttribute("#door-camera-toggle", "aria-pressed")).toBe("true");
    expect(checkins().map((row) => [row.result, row.ticket_id])).toEqual([["admitted", ticketId]]);

    // The ticket stays in view (the video shows it in every frame): one check-in, the panel green.
    expect(await countsDuring(page, 5_000)).toEqual([1]);
    expect(await page.getAttribute('[data-testid="door-panel"]', "data-result")).toBe("admitted");
    expect(await page.getAttribute("#door-camera", "data-state")).toBe("on");

    // "Next" with the ticket still in view: the panel closes and nothing is sent.
    await page.click("[data-door-next]");
    expect(await page.locator('[data-testid="door-panel"]').count()).toBe(0);
    expect(await countsDuring(page, 4_000)).toEqual([1]);
    expect(await page.locator('[data-testid="door-panel"]').count()).toBe(0);
    expect(await page.getAttribute("#door-camera", "data-state")).toBe("on");

    // The button stops the camera and ends its track.
    await page.click("#door-camera-toggle");
    expect(await page.getAttribute("#door-camera", "data-state")).toBe("off");
    expect(await page.evaluate(() => (document.getElementById("door-camera-video") as HTMLVideoElement).srcObject)).toBeNull();
    expect(await page.isHidden("#door-camera-view")).toBe(true);
    expect(await countsDuring(page, 2_000)).toEqual([1]);
    await context.close();
  });

  test("a ticket that left the view and comes back after Next is a new scan: red already_redeemed, its own nonce", async () => {
    const comesAndGoesBrowser = await launchBrowser({ args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${comesAndGoes}`] });
    try {
      const { page } = await doorPage(box.url, { browser: comesAndGoesBrowser });
      await page.click("#door-camera-toggle");
      const green = page.locator('[data-testid="door-panel"][data-result="admitted"]');
      await green.waitFor({ timeout: 30_000 });
      expect(await green.textContent()).toContain(SECOND_HOLDER);
      await page.click("[data-door-next]");

      const red = page.locator('[data-testid="door-panel"][data-result="refused"]');
      await red.waitFor({ timeout: 20_000 });
      expect(await red.locator(".door-reason").getAttribute("data-code")).toBe("already_redeemed");
      expect(await red.textContent()).toContain("Entrée");
      const rows = checkins(secondTicketId);
      expect(rows.map((row) => [row.result, row.code])).toEqual([
        ["admitted", null],
        ["refused", "already_redeemed"],
      ]);
      // A new scan, not a retry: its own nonce; sent after the ticket had been away for 1.5 s,
      // well before a ticket left in view would be sent again (30 s).
      expect(rows[1]!.nonce).not.toBe(rows[0]!.nonce);
      const gapMs = rows[1]!.at_ms - rows[0]!.at_ms;
      expect(gapMs).toBeGreaterThanOrEqual(LEAVE_MS);
      expect(gapMs).toBeLessThan(FORGET_MS);
      // The red panel holds the camera too: through more than one more pass of the ticket, nothing.
      const settled = checkins().length;
      expect(await countsDuring(page, 7_000)).toEqual([settled]);
      expect(await red.count()).toBe(1);
    } finally {
      await comesAndGoesBrowser.close();
    }
  });

  test("a hidden page gives the camera back (its track ends) and takes it again when shown; no axe violation with the camera on", async () => {
    const { context, page } = await doorPage(box.url, { bypassCSP: true });
    await page.click("#door-camera-toggle");
    await page.waitForFunction(() => document.getElementById("door-camera")?.getAttribute("data-state") === "on");
    expect(await page.isVisible("#door-camera-video")).toBe(true);
    expect(describeViolations(await axeViolations(page, axeSource()))).toEqual([]);
    // Headless Chromium keeps every tab visible, so the page is told it is hidden as a browser
    // tells it: visibilityState, then the visibilitychange event.
    const hide = (state: "hidden" | "visible") =>
      page.evaluate((value) => {
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
        document.dispatchEvent(new Event("visibilitychange"));
      }, state);
    await page.evaluate(() => {
      (window as unknown as { cameraStream: MediaStream }).cameraStream = (document.getElementById("door-camera-video") as HTMLVideoElement).srcObject as MediaStream;
    });
    await hide("hidden");
    expect(await page.getAttribute("#door-camera", "data-state")).toBe("off");
    expect(await page.evaluate(() => (window as unknown as { cameraStream: MediaStream }).cameraStream.getTracks().map((track) => track.readyState))).toEqual(["ended"]);
    await hide("visible");
    await page.waitForFunction(() => document.getElementById("door-camera")?.getAttribute("data-state") === "on");
    expect(await page.getAttribute("#door-camera-toggle", "aria-pressed")).toBe("true");
    // The ticket is in view, so an answer panel may cover the page by now: the click goes to the
    // button itself (a volunteer would press "Next" first).
    await page.dispatchEvent("#door-camera-toggle", "click");
    expect(await page.getAttribute("#door-camera", "data-state")).toBe("off");
    await context.close();
  });

  test("on a plain HTTP address of the LAN the camera button says to use HTTPS instead of asking for the camera", async () => {
    const origin = box.url.replace("127.0.0.1", LAN_NAME);
    const { context, page } = await doorPage(origin);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    await page.click("#door-camera-toggle");
    expect(await page.getAttribute("#door-camera", "data-state")).toBe("insecure");
    expect(await page.isVisible("#door-camera-insecure")).toBe(true);
    // This test box runs without HTTPS (--https-port 0): the notice says so instead of a link.
    const notice = (await page.textContent("#door-camera-insecure")) ?? "";
    expect(notice).toContain(fr["door.camera.insecure_off"]);
    expect(await page.isHidden("#door-camera-view")).toBe(true);
    await context.close();
  });
});
