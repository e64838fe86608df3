// Proves, in Chromium against a real `tibox serve` child process, that the offline door does not
// keep holders' names on the phone after the event (docs/door.md, "Personal data"): the door page
// saves its list in IndexedDB; "forget this event's data on this phone" (confirmed) erases the
// snapshot and its rows, and the page then says nothing is saved; a reload saves it again. Then
// the box hangs (SIGSTOP) and a ticket is let in offline: the forget button is disabled while that
// scan waits. The page's clock is moved to 14 hours after the event's end (Date.now shifted by an
// init script) and the page reloaded, still without the box: the purge on load keeps the list,
// since a scan waits. When the box answers again (SIGCONT), the scan is uploaded (the box admits
// it once) and, after the snapshot refresh, the list's snapshot, event row and entries are gone
// from IndexedDB and the page says nothing is saved. A phone holding the first version's
// IndexedDB (no "lists" store) gets its old lists found by the upgrade and purged on load.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { openBox } from "../../src/app.ts";
import { createEvent, issueTicket, saveProduct } from "../../src/ticketing/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { setUp } from "../helpers/box.ts";
import { browserTestsSkipped, launchBrowser, removeFolder, startBox, tabletContext, tempFolder, type RunningBox } from "../helpers/browser.ts";

setDefaultTimeout(150_000);

const PIN = "8642";
const HOUR = 3_600_000;
/** Waits on a loaded machine (2 CPUs shared by many builds): generous, the page syncs every 3 s. */
const WAIT_MS = 45_000;
const OFFSET_KEY = "tibox-test-clock-offset-ms";

interface Stored {
  snapshots: string[];
  lists: string[];
  admissions: number;
  queue: number;
}

/** What the page's IndexedDB holds, read from inside the page. */
function stored(page: Page): Promise<Stored> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open("tibox-door");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const keys = (store: string) =>
      new Promise<IDBValidKey[]>((resolve, reject) => {
        const request = db.transaction(store, "readonly").objectStore(store).getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const result = {
      snapshots: (await keys("snapshots")).map(String),
      lists: (await keys("lists")).map(String),
      admissions: (await keys("admissions")).length,
      queue: (await keys("queue")).length,
    };
    db.close();
    return result;
  });
}

function savedState(page: Page): Promise<string | null> {
  return page.getAttribute("#door-offline-status", "data-saved");
}

describe.skipIf(browserTestsSkipped())("the offline door forgets an event's names", () => {
  let box: RunningBox;
  let browser: Browser;
  let terminalToken = "";
  let eventId = "";
  let endsAtMs = 0;
  let ticket = { id: "", qr: "" };
  const folder = tempFolder("tibox-door-purge-e2e-");

  beforeAll(async () => {
    const made = openBox({ dataDir: folder });
    await setUp(made);
    terminalToken = made.auth.addTerminalSync("test", "door", "Porte").token;
    await made.auth.createOperator("test", { name: "Dom", role: "door", pin: PIN });
    const nowMs = Date.now();
    endsAtMs = nowMs + HOUR;
    ({ eventId, ticket } = made.writer.transact((tx) => {
      const event = createEvent(tx, { signer: made.signer, newId: made.deps.newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: nowMs + 600_000, endsAtMs, doorsAtMs: nowMs, capacity: null, tags: [], visibility: "public" });
      const product = saveProduct(tx, { newId: made.deps.newId }, { eventId: event.id, name: "Plein tarif", priceMinor: 1000, quota: null });
      const issued = issueTicket(tx, { newId: made.deps.newId }, { productId: product.id, holderName: "Ada Lovelace" });
      return { eventId: event.id, ticket: { id: issued.id, qr: issued.qr } };
    }));
    made.close();
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await box?.stop();
    removeFolder(folder);
  });

  test("forget by hand, then the purge 12 h after the end, never before a waiting scan is sent", async () => {
    const context = await tabletContext(browser, { baseURL: box.url });
    // The page's clock, shifted when the test says so (Date.now is all door-offline.js reads).
    await context.addInitScript((key: string) => {
      const offset = Number(sessionStorage.getItem(key) ?? "0");
      if (offset !== 0) {
        const real = Date.now.bind(Date);
        Date.now = () => real() + offset;
      }
    }, OFFSET_KEY);
    await context.addCookies([{ name: "tibox_terminal", value: terminalToken, url: box.url }]);
    const page = await context.newPage();
    await page.goto("/terminal?next=/door");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForURL(/\/door/), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForSelector("#door-scan");
    await page.waitForFunction(() => document.getElementById("door-offline")?.dataset.worker === "active" && document.getElementById("door-offline-status")?.dataset.saved === "true", undefined, {
      timeout: WAIT_MS,
    });
    expect(await stored(page)).toMatchObject({ snapshots: [eventId], lists: [eventId] });
    const forget = page.locator('[data-testid="door-offline-forget"]');
    await page.waitForSelector('[data-testid="door-offline-forget"][data-state="ready"]', { timeout: WAIT_MS });
    expect(await forget.textContent()).toContain(fr["door.offline.forget"]);

    // By hand: confirmed, the event's data goes at once.
    let confirmText = "";
    page.once("dialog", (dialog) => {
      confirmText = dialog.message();
      void dialog.accept();
    });
    await forget.click();
    await page.waitForSelector('#door-offline-status[data-saved="false"]', { timeout: WAIT_MS });
    expect(confirmText).toBe(fr["door.offline.forget_confirm"]);
    expect(await stored(page)).toEqual({ snapshots: [], lists: [], admissions: 0, queue: 0 });
    expect(await forget.isDisabled()).toBe(true);
    expect(await forget.getAttribute("data-state")).toBe("nothing_stored");

    // Loaded again on the event, the page saves its list again.
    await page.reload();
    await page.waitForSelector('#door-offline-status[data-saved="true"]', { timeout: WAIT_MS });

    // The box hangs: a ticket is let in on the phone and waits to be sent.
    process.kill(box.pid, "SIGSTOP");
    try {
      await page.evaluate(() => document.getElementById("door-result")!.replaceChildren());
      await page.fill("#door-scan", ticket.qr);
      await page.press("#door-scan", "Enter");
      const panel = page.locator('[data-testid="door-panel"][data-offline="true"]');
      await panel.waitFor({ timeout: WAIT_MS });
      expect(await panel.getAttribute("data-result")).toBe("admitted");
      await page.waitForSelector('[data-testid="door-offline-forget"][data-state="scans_waiting"]', { timeout: WAIT_MS });
      expect(await forget.isDisabled()).toBe(true);
      expect(await page.textContent("#door-offline-forget-hint")).toContain("1");

      // 14 hours after the event's end by the phone's clock, the page loads again without the box.
      const offsetMs = endsAtMs + 14 * HOUR - Date.now();
      await page.evaluate(([key, value]) => sessionStorage.setItem(key!, value!), [OFFSET_KEY, String(offsetMs)]);
      await page.reload();
      await page.waitForSelector('#door-offline-banner[data-state="offline"]', { timeout: WAIT_MS });
      expect(await page.evaluate(() => Date.now())).toBeGreaterThan(endsAtMs + 12 * HOUR);
      // The purge on load kept the list: one of its scans waits.
      expect(await stored(page)).toEqual({ snapshots: [eventId], lists: [eventId], admissions: 1, queue: 1 });
      expect(await savedState(page)).toBe("true");
      expect(await forget.isDisabled()).toBe(true);
    } finally {
      process.kill(box.pid, "SIGCONT");
    }

    // The box answers: the scan goes up, then the refresh's purge drops the list.
    await page.waitForFunction(
      () => document.getElementById("door-offline")?.dataset.queue === "0" && document.getElementById("door-offline-status")?.dataset.saved === "false",
      undefined,
      { timeout: WAIT_MS },
    );
    expect(await stored(page)).toEqual({ snapshots: [], lists: [], admissions: 0, queue: 0 });
    const db = new Database(join(folder, "tibox.db"), { readonly: true });
    // Once: the request that hung and the upload carry the same nonce.
    const rows = db.query<{ result: string }, [string]>("SELECT result FROM checkins WHERE ticket_id = ?").all(ticket.id);
    db.close();
    expect(rows).toEqual([{ result: "admitted" }]);
    // Still nothing saved after the next refresh (every 15 s): an event long over is not stored again.
    await page.waitForTimeout(17_000);
    expect(await stored(page)).toMatchObject({ snapshots: [], lists: [] });
    await context.close();
  });

  test("a phone that kept a list with the first version: the upgrade finds it, and the purge on load drops it if its event is long over", async () => {
    const context = await tabletContext(browser, { baseURL: box.url });
    await context.addCookies([{ name: "tibox_terminal", value: terminalToken, url: box.url }]);
    const page = await context.newPage();
    await page.goto("/healthz");
    // IndexedDB as the first version left it: version 1, no "lists" store, an old event's snapshot.
    await page.evaluate(async (endedMs: number) => {
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.open("tibox-door", 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("snapshots", { keyPath: "listId" }).put({
            listId: "OLD-LIST",
            etag: "old",
            snapshot: { event: { id: "OLD-EVENT", title: "Hier", starts: endedMs - 3_600_000, ends: endedMs, doors: endedMs - 3_600_000 }, tickets: [{ id: "T", product_id: "P", holder: "Old Name", state: "valid", admitted_at: null }] },
            storedAtMs: endedMs,
          });
          db.createObjectStore("admissions", { keyPath: ["listId", "ticketId"] }).put({ listId: "OLD-LIST", ticketId: "T", atMs: endedMs, inside: true, uploadedAtMs: endedMs });
          db.createObjectStore("queue", { keyPath: "nonce" });
          db.createObjectStore("reports", { keyPath: "nonce" });
        };
        request.onsuccess = () => {
          request.result.close();
          resolve();
        };
        request.onerror = () => reject(request.error);
      });
    }, Date.now() - 13 * HOUR);
    expect(await stored(page).catch(() => null)).toBeNull(); // no "lists" store yet
    await page.goto("/terminal?next=/door");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForURL(/\/door/), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForSelector('#door-offline-status[data-saved="true"]', { timeout: WAIT_MS });
    // The old list went (snapshot, row, entry); today's list is saved.
    expect(await stored(page)).toEqual({ snapshots: [eventId], lists: [eventId], admissions: 0, queue: 0 });
    await context.close();
  });
});
