// Proves the door page in Chromium against a `tibox serve` child: a US-layout scanner typing a
// ticket on a French AZERTY machine (DevTools key events with the physical `code` and the AZERTY
// `key`) gives the full-screen green panel, the same ticket again the red "déjà passé" one;
// axe-core finds no violation on the page and every control is at least 44 px.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, CDPSession } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import { seedDoorConcert } from "../helpers/door.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, launchBrowser, removeFolder, startBox, tabletContext, tempFolder, type RunningBox } from "../helpers/browser.ts";

setDefaultTimeout(60_000);

const SHIFT = 8;
const AZERTY_DIGITS = ["à", "&", "é", '"', "'", "(", "-", "è", "_", "ç"];
const AZERTY_LETTERS: Record<string, string> = { Q: "A", A: "Q", W: "Z", Z: "W", M: "?" };
const PIN = "9753";

/** A US-layout scanner on an AZERTY machine: digits come unshifted ("é" for Digit2), KeyQ gives "A". */
async function typeAsUsScannerOnAzerty(cdp: CDPSession, text: string): Promise<void> {
  for (const char of [...text, "\r"]) {
    let code: string;
    let key: string;
    let shift = false;
    if (char === "\r") [code, key] = ["Enter", "Enter"];
    else if (/\d/.test(char)) [code, key] = [`Digit${char}`, AZERTY_DIGITS[Number(char)]!];
    else if (char === "=") [code, key] = ["Equal", "="];
    else [code, key, shift] = [`Key${char}`, AZERTY_LETTERS[char] ?? char, true];
    const vk = code === "Enter" ? 13 : code === "Equal" ? 187 : code.startsWith("Digit") ? 48 + Number(code.slice(5)) : code.charCodeAt(3);
    const common = { code, key, windowsVirtualKeyCode: vk, modifiers: shift ? SHIFT : 0 };
    const typed = code === "Enter" ? "\r" : key;
    await cdp.send("Input.dispatchKeyEvent", { type: "keyDown", text: typed, unmodifiedText: typed, ...common });
    await cdp.send("Input.dispatchKeyEvent", { type: "keyUp", ...common });
  }
}

describe.skipIf(browserTestsSkipped())("the door page, in Chromium", () => {
  let box: RunningBox;
  let browser: Browser;
  let doorToken = "";
  let qr = "";
  const folder = tempFolder("tibox-door-e2e-");

  beforeAll(async () => {
    ({ doorToken, qr } = await seedDoorConcert(folder, PIN));
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await box?.stop()).toBe(0);
    removeFolder(folder);
  });

  test("a US-layout scanner on an AZERTY machine: green, then the same ticket red \"déjà passé\"; no axe violation, 44 px targets", async () => {
    const context = await tabletContext(browser, { baseURL: box.url, bypassCSP: true });
    await context.addCookies([{ name: "tibox_terminal", value: doorToken, url: box.url }]);
    const page = await context.newPage();
    await page.goto("/terminal?next=/door");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForURL(/\/door/), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForSelector("#door-scan");

    const violations = await axeViolations(page, axeSource());
    expect(describeViolations(violations)).toEqual([]);
    const small = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>("main a[href], main button, main input:not([type=hidden]), main select"))
        .filter((element) => element.getClientRects().length > 0)
        .map((element) => ({ what: element.outerHTML.slice(0, 80), box: element.getBoundingClientRect() }))
        .filter((item) => item.box.width < 44 || item.box.height < 44)
        .map((item) => item.what),
    );
    expect(small).toEqual([]);

    const cdp = await context.newCDPSession(page);
    await page.focus("#door-scan");
    await typeAsUsScannerOnAzerty(cdp, qr);
    const green = page.locator('[data-testid="door-panel"][data-result="admitted"]');
    await green.waitFor({ timeout: 15_000 });
    expect(await green.textContent()).toContain("Ada Lovelace");
    const box1 = await green.boundingBox();
    expect(box1?.width).toBe(600);
    expect(box1?.height).toBe(1024);
    await page.waitForFunction(() => document.querySelector('[data-testid="door-total"]')?.textContent?.startsWith("1 /") ?? false);

    // The next scan closes the panel by itself.
    await typeAsUsScannerOnAzerty(cdp, qr);
    const red = page.locator('[data-testid="door-panel"][data-result="refused"]');
    await red.waitFor({ timeout: 15_000 });
    expect(await red.textContent()).toContain("déjà passé");
    expect(await page.inputValue("#door-scan")).toBe("");
    await context.close();
  });
});
