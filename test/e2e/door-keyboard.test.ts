// Proves the door page works from the keyboard alone in Chromium, against a `tibox serve` child:
// a volunteer enters a ticket's text and presses Enter, the green panel comes up with its "next" button
// focused; Enter closes it and the focus goes back to the scan field (before, Enter there did
// nothing: the scanner's key handler swallowed it); the same ticket typed again gives the red panel.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import { seedDoorConcert } from "../helpers/door.ts";
import { browserTestsSkipped, launchBrowser, phoneContext, removeFolder, startBox, tempFolder, type RunningBox } from "../helpers/browser.ts";

setDefaultTimeout(60_000);
const PIN = "9753";

describe.skipIf(browserTestsSkipped())("the door page from the keyboard, in Chromium", () => {
  let box: RunningBox;
  let browser: Browser;
  let doorToken = "";
  let qr = "";
  const folder = tempFolder("tibox-door-keyboard-e2e-");

  beforeAll(async () => {
    ({ doorToken, qr } = await seedDoorConcert(folder, PIN));
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await box?.stop()).toBe(0);
    removeFolder(folder);
  });

  test("type, Enter: green with 'next' focused; Enter closes it, focus back on the scan field; again: red", async () => {
    const context = await phoneContext(browser, { baseURL: box.url });
    await context.addCookies([{ name: "tibox_terminal", value: doorToken, url: box.url }]);
    const page = await context.newPage();
    await page.goto("/terminal?next=/door");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForURL(/\/door/), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForSelector("#door-scan");

    // The text goes in as a paste would (Playwright's typed capitals carry no Shift, which the
    // scanner decoding reads; door.test.ts covers real scanner keys); Enter is a real key press.
    await page.fill("#door-scan", qr);
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="door-panel"][data-result="admitted"]');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-door-next"))).toBe(true);

    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="door-panel"]') === null);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("door-scan");

    await page.fill("#door-scan", qr);
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="door-panel"][data-result="refused"]');
    expect(await page.textContent('[data-testid="door-panel"]')).toContain("déjà passé");
    await context.close();
  });
});
