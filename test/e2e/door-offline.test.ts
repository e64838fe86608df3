// Proves the offline door in Chromium against a real `tibox serve` child process: two door
// phones (two browser contexts, two paired door terminals) open the door page, which installs its
// service worker and saves its list in IndexedDB; the box is killed (SIGKILL); each page reloads
// from the service worker and scans offline: a ticket is admitted "offline" and queued, a revoked
// one is refused from the saved revocation list, the same ticket again is refused as already
// used, and both phones admit one same ticket. The box is started again on the same data folder
// and port: the queues empty by themselves, the box's database holds the forced check-ins with
// the phones' nonces and scan times, and the second upload of the shared ticket is recorded as a
// conflict and shown on the phone that sent it. Then the box hangs (SIGSTOP: sockets open, no
// answer): the scan is judged on the phone after the request's time-out, queued under the nonce of
// the request that hung, and when the box wakes up (SIGCONT) the ticket is admitted exactly once,
// whether the box also ran the request that had hung or not. Chromium finds the page installable (but for the
// private window every test context is).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openBox } from "../../src/app.ts";
import { createEvent, issueTicket, revokeTicket, saveProduct } from "../../src/ticketing/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { setUp } from "../helpers/box.ts";
import { browserTestsSkipped, launchBrowser, removeFolder, startBox, tabletContext, tempFolder, type RunningBox } from "../helpers/browser.ts";

setDefaultTimeout(120_000);

const PIN = "9753";
/** Waits on a loaded machine (2 CPUs shared by many builds): generous, the page syncs every 3 s. */
const WAIT_MS = 45_000;

interface Tickets {
  readonly single: { id: string; qr: string };
  readonly shared: { id: string; qr: string };
  readonly revoked: { id: string; qr: string };
  readonly hung: { id: string; qr: string };
}

interface CheckinRow {
  ticket_id: string | null;
  nonce: string;
  result: string;
  code: string | null;
  forced: number;
  scanned_at_ms: number | null;
  device: string;
}

describe.skipIf(browserTestsSkipped())("the offline door, in Chromium", () => {
  let box: RunningBox;
  let browser: Browser;
  let port = 0;
  let tickets: Tickets;
  const tokens: string[] = [];
  const terminalIds: string[] = [];
  const folder = tempFolder("tibox-door-offline-e2e-");

  beforeAll(async () => {
    const made = openBox({ dataDir: folder });
    await setUp(made);
    for (const name of ["Entrée nord", "Entrée sud"]) {
      const added = made.auth.addTerminalSync("test", "door", name);
      tokens.push(added.token);
      terminalIds.push(added.terminal.id);
    }
    await made.auth.createOperator("test", { name: "Dom", role: "door", pin: PIN });
    const nowMs = Date.now();
    tickets = made.writer.transact((tx) => {
      const deps = { signer: made.signer, newId: made.deps.newId };
      const event = createEvent(tx, deps, { title: "Concert", description: "", imageUrl: null, startsAtMs: nowMs + 600_000, endsAtMs: nowMs + 4 * 3_600_000, doorsAtMs: nowMs, capacity: null, tags: [], visibility: "public" });
      const product = saveProduct(tx, { newId: made.deps.newId }, { eventId: event.id, name: "Plein tarif", priceMinor: 1000, quota: null });
      const issue = (holderName: string) => {
        const ticket = issueTicket(tx, { newId: made.deps.newId }, { productId: product.id, holderName });
        return { id: ticket.id, qr: ticket.qr };
      };
      const single = issue("Ada Lovelace");
      const shared = issue("Grace Hopper");
      const revoked = issue("Alan Turing");
      revokeTicket(tx, revoked.id);
      return { single, shared, revoked, hung: issue("Katherine Johnson") };
    });
    made.close();
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
    port = Number(new URL(box.url).port);
  });

  afterAll(async () => {
    await browser?.close();
    await box?.stop();
    removeFolder(folder);
  });

  async function openDoor(token: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await tabletContext(browser, { baseURL: box.url });
    await context.addCookies([{ name: "tibox_terminal", value: token, url: box.url }]);
    const page = await context.newPage();
    await page.goto("/terminal?next=/door");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForURL(/\/door/), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForSelector("#door-scan");
    // Ready for a night without the box: worker in control, page and list saved.
    await page.waitForFunction(
      () => {
        const root = document.getElementById("door-offline");
        return root?.dataset.worker === "active" && document.getElementById("door-offline-status")?.dataset.saved === "true";
      },
      undefined,
      { timeout: WAIT_MS },
    );
    return { context, page };
  }

  async function scan(page: Page, qr: string): Promise<{ result: string; offline: string | null; code: string | null; text: string }> {
    // A scanner types the text and Enter; door.js sends it, door-offline.js answers without the box.
    await page.evaluate(() => {
      document.getElementById("door-result")!.replaceChildren();
    });
    await page.fill("#door-scan", qr);
    await page.press("#door-scan", "Enter");
    const panel = page.locator('[data-testid="door-panel"]');
    await panel.waitFor({ timeout: WAIT_MS });
    return {
      result: (await panel.getAttribute("data-result")) ?? "",
      offline: await panel.getAttribute("data-offline"),
      code: await page.locator('[data-testid="door-panel"] .door-reason').getAttribute("data-code", { timeout: 1000 }).catch(() => null),
      text: (await panel.textContent()) ?? "",
    };
  }

  function queueLength(page: Page): Promise<string | undefined> {
    return page.evaluate(() => document.getElementById("door-offline")?.dataset.queue);
  }

  test("two phones keep checking in with the box cut, and the box gets every scan back, with the conflict", async () => {
    const north = await openDoor(tokens[0]!);
    const south = await openDoor(tokens[1]!);

    // Installable: the manifest parses, and Chromium's only objection is the test's private window.
    const cdp = await north.context.newCDPSession(north.page);
    const manifest = (await cdp.send("Page.getAppManifest")) as { url: string; errors: unknown[] };
    expect(manifest.url).toEndWith("/door.webmanifest");
    expect(manifest.errors).toEqual([]);
    const installability = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    expect(installability.installabilityErrors.map((error) => error.errorId).filter((id) => id !== "in-incognito")).toEqual([]);

    // The box goes away as in a power cut.
    await box.kill();

    await north.page.reload();
    expect(await north.page.getAttribute("body", "data-offline-copy")).toBe("true");
    await north.page.waitForSelector('#door-offline-banner[data-state="offline"]', { timeout: WAIT_MS });

    const admitted = await scan(north.page, tickets.single.qr);
    expect(admitted).toMatchObject({ result: "admitted", offline: "true" });
    expect(admitted.text).toContain("Ada Lovelace");
    expect(admitted.text).toContain(fr["door.offline.admitted"]);
    expect(await queueLength(north.page)).toBe("1");
    expect(await north.page.textContent("#door-offline-banner")).toContain("1");

    expect(await scan(north.page, tickets.revoked.qr)).toMatchObject({ result: "refused", offline: "true", code: "revoked" });
    expect(await scan(north.page, tickets.single.qr)).toMatchObject({ result: "refused", offline: "true", code: "already_redeemed" });
    const forged = tickets.single.qr.slice(0, 150) + (tickets.single.qr[150] === "A" ? "B" : "A") + tickets.single.qr.slice(151);
    expect(await scan(north.page, forged)).toMatchObject({ result: "refused", offline: "true", code: "invalid_signature" });
    expect(await queueLength(north.page)).toBe("1");

    // Both phones let the same person in while neither can ask the box.
    await south.page.reload();
    await south.page.waitForSelector('#door-offline-banner[data-state="offline"]', { timeout: WAIT_MS });
    expect(await scan(north.page, tickets.shared.qr)).toMatchObject({ result: "admitted", offline: "true" });
    expect(await scan(south.page, tickets.shared.qr)).toMatchObject({ result: "admitted", offline: "true" });
    expect(await queueLength(north.page)).toBe("2");
    expect(await queueLength(south.page)).toBe("1");

    // The box comes back on the same address; the phones upload on their own.
    box = await startBox({ dataDir: folder, port });
    for (const door of [north, south]) {
      await door.page.waitForFunction(() => document.getElementById("door-offline")?.dataset.queue === "0" && document.getElementById("door-offline")?.dataset.reachable === "true", undefined, {
        timeout: WAIT_MS,
      });
    }

    const db = new Database(join(folder, "tibox.db"), { readonly: true });
    const rows = db.query<CheckinRow, []>("SELECT ticket_id, nonce, result, code, forced, scanned_at_ms, device FROM checkins ORDER BY rowid").all();
    db.close();
    const single = rows.filter((row) => row.ticket_id === tickets.single.id);
    expect(single).toHaveLength(1);
    expect(single[0]).toMatchObject({ result: "admitted", forced: 1, device: terminalIds[0] });
    expect(single[0]!.nonce).toMatch(/^door-[0-9a-f]{32}$/);
    expect(single[0]!.scanned_at_ms).toBeGreaterThan(0);
    // Refused offline scans were never queued: the box knows nothing of them.
    expect(rows.filter((row) => row.ticket_id === tickets.revoked.id)).toEqual([]);

    const shared = rows.filter((row) => row.ticket_id === tickets.shared.id);
    expect(shared.map((row) => row.result).sort()).toEqual(["admitted", "conflict"]);
    expect(shared.every((row) => row.forced === 1)).toBe(true);
    const conflict = shared.find((row) => row.result === "conflict")!;
    expect(conflict.code).toBe("already_redeemed");
    expect(new Set(shared.map((row) => row.device))).toEqual(new Set(terminalIds));

    // The phone whose upload came second shows the conflict, naming the other door.
    const loser = conflict.device === terminalIds[0] ? north : south;
    const winnerName = conflict.device === terminalIds[0] ? "Entrée sud" : "Entrée nord";
    const report = loser.page.locator('[data-testid="door-offline-reports"] li[data-code="conflict"]');
    await report.waitFor({ timeout: WAIT_MS });
    expect(await report.textContent()).toContain("Grace Hopper");
    expect(await report.textContent()).toContain(winnerName);
    const other = loser === north ? south : north;
    expect(await other.page.locator('[data-testid="door-offline-reports"] li').count()).toBe(0);

    // Back online, a scan is the box's again (its own panel, not the offline one).
    await other.page.reload();
    await other.page.waitForSelector("#door-scan");
    expect(await other.page.getAttribute("body", "data-offline-copy")).toBeNull();
    const online = await scan(other.page, tickets.single.qr);
    expect(online).toMatchObject({ result: "refused", offline: null });
    await north.context.close();
    await south.context.close();
  });

  test("a box that hangs: the phone answers after the time-out, and the ticket counts once when the box wakes", async () => {
    const door = await openDoor(tokens[0]!);
    process.kill(box.pid, "SIGSTOP");
    try {
      const answer = await scan(door.page, tickets.hung.qr);
      expect(answer).toMatchObject({ result: "admitted", offline: "true" });
      expect(answer.text).toContain("Katherine Johnson");
      expect(await queueLength(door.page)).toBe("1");
    } finally {
      process.kill(box.pid, "SIGCONT");
    }
    await door.page.waitForFunction(() => document.getElementById("door-offline")?.dataset.queue === "0" && document.getElementById("door-offline")?.dataset.reachable === "true", undefined, {
      timeout: WAIT_MS,
    });
    const db = new Database(join(folder, "tibox.db"), { readonly: true });
    const rows = db.query<CheckinRow, [string]>("SELECT ticket_id, nonce, result, code, forced, scanned_at_ms, device FROM checkins WHERE ticket_id = ?").all(tickets.hung.id);
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: "admitted", device: terminalIds[0] });
    expect(rows[0]!.nonce).toMatch(/^door-[0-9a-f]{32}$/);
    await door.context.close();
  });
});
