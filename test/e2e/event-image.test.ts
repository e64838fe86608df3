// Proves an event's image upload in Chromium against a real `tibox serve` child: an admin picks a
// PNG file (written byte by byte in the test) on the event's admin page and uploads it through the
// multipart form; a visitor's phone then sees it on the agenda, decoded by the browser at its real
// size, with the title (markup included) as its alt text and its width and height attributes; the
// edit page passes axe. Through the real server's own body limit, a 4.5 MB image is accepted and a
// 7 MB body is refused (413), and the database keeps only the accepted image.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { dataDir, openReadOnlyDatabase } from "../../src/db/index.ts";
import { sha256Hex } from "../../src/kernel/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, launchBrowser, phoneContext, removeFolder, startBox, tabletContext, tempFolder, type RunningBox } from "../helpers/browser.ts";
import { paddedPngBytes, pngBytes } from "../helpers/images.ts";
import { ADMIN_PASSWORD, setUpTillVenue, type TillVenue } from "../helpers/till.ts";
import { createEventInAdmin, logIn } from "../helpers/admin-ui.ts";

setDefaultTimeout(60_000);

const TITLE = `Bal "<folk>" & cidre`;


function imageRows(folder: string): Array<{ sha256: string; width: number; height: number }> {
  const sqlite = openReadOnlyDatabase(dataDir(folder).databasePath);
  try {
    return sqlite.query<{ sha256: string; width: number; height: number }, []>("SELECT sha256, width, height FROM event_images").all();
  } finally {
    sqlite.close();
  }
}

describe.skipIf(browserTestsSkipped())("an event's image, uploaded and shown", () => {
  let box: RunningBox;
  let browser: Browser;
  let venue: TillVenue;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const folder = tempFolder("tibox-event-image-e2e-");
    venue = await setUpTillVenue(folder);
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    if (box) await box.stop();
    if (venue) removeFolder(venue.folder);
  });

  /** The admin's tablet bypasses the CSP (axe-core is injected there); the visitor's phone keeps it, so the image must pass it. */
  async function newPage(phone = false): Promise<Page> {
    const context = phone ? await phoneContext(browser, { baseURL: box.url }) : await tabletContext(browser, { baseURL: box.url, bypassCSP: true });
    contexts.push(context);
    return context.newPage();
  }

  test("upload from the admin page, shown on a phone's agenda; the server's limits hold", async () => {
    const admin = await newPage();
    await logIn(admin, "ada@example.org", ADMIN_PASSWORD);
    const startsAt = Date.now() + 24 * 3_600_000;
    const eventId = await createEventInAdmin(admin, TITLE, startsAt);

    const png = pngBytes(40, 30);
    await admin.setInputFiles("#event-image-file", { name: "affiche.png", mimeType: "image/png", buffer: Buffer.from(png) });
    await Promise.all([admin.waitForLoadState("load"), admin.click(`button:has-text("${fr["event_image.upload"]}")`)]);
    await admin.waitForSelector(`text=${fr["event_image.saved"]}`);
    expect(await admin.textContent("figcaption")).toContain("40 × 30 px");
    expect(describeViolations(await axeViolations(admin, axeSource()))).toEqual([]);
    expect(imageRows(venue.folder)).toEqual([{ sha256: sha256Hex(png), width: 40, height: 30 }]);

    // A visitor's phone: the browser decodes the served bytes at their real size.
    const visitor = await newPage(true);
    await visitor.goto("/agenda");
    const image = visitor.locator("article.agenda-event img");
    await image.scrollIntoViewIfNeeded();
    await visitor.waitForFunction(() => (document.querySelector("article.agenda-event img") as HTMLImageElement | null)?.complete === true);
    const shown = await image.evaluate((img: HTMLImageElement) => ({ alt: img.alt, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, width: img.getAttribute("width"), height: img.getAttribute("height"), loading: img.loading }));
    expect(shown).toEqual({ alt: TITLE, naturalWidth: 40, naturalHeight: 30, width: "40", height: "30", loading: "lazy" });
    expect(await visitor.locator("script:not([src])").count()).toBe(0);

    // Through the real server's limit: 4.5 MB is accepted, a 7 MB body is refused.
    const cookies = await admin.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const csrf = cookies.find((c) => c.name === "tibox_csrf")!.value;
    const post = (file: Uint8Array<ArrayBuffer>) => {
      const form = new FormData();
      form.set("_csrf", csrf);
      form.set("image", new File([file], "grande.png", { type: "image/png" }));
      return fetch(`${box.url}/admin/ticketing/events/${eventId}/image`, { method: "POST", headers: { cookie, origin: box.url }, body: form });
    };
    const large = paddedPngBytes(20, 20, 4_500_000);
    const accepted = await post(large);
    expect(accepted.status).toBe(200);
    // Over limits.uploadBodyBytes: refused with 413 before the box reads it whole.
    const refused = await post(paddedPngBytes(20, 20, 7_000_000));
    expect(refused.status).toBe(413);
    expect(imageRows(venue.folder)).toEqual([{ sha256: sha256Hex(large), width: 20, height: 20 }]);
  });
});
