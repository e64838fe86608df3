// Proves the till page shows tapped cards in a real browser: Chromium against a `tibox serve`
// child with simulated readers on. Keyboard ("wedge") readers are played with DevTools key
// events carrying the code/key pairs a US-layout reader produces on a US machine, on a French
// AZERTY machine (Digit1 gives "&" there), and an AZERTY-set reader (Shift+Digit1 gives "1"):
// each burst becomes a tap shown on the page, and nothing leaks into the focused input, while
// slow typing by a person still reaches it. The simulation button works; the Web NFC button
// stays hidden where NDEFReader does not exist, and works with a stand-in NDEFReader; a tap
// that reaches the page after its expiry is not shown.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { openBox } from "../../src/app.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { setUp } from "../helpers/box.ts";
import { browserTestsSkipped, launchBrowser, removeFolder, startBox, tabletContext, tempFolder, type RunningBox } from "../helpers/browser.ts";

// Browsers and boxes start slower on a loaded machine: hooks and tests get a minute, not 5 s.
setDefaultTimeout(60_000);

/** One keystroke as DevTools sends it: what the physical key is, what the layout made of it. */
interface Stroke {
  readonly code: string;
  readonly key: string;
  readonly shift: boolean;
}

const SHIFT = 8;
const AZERTY_DIGITS = ["à", "&", "é", '"', "'", "(", "-", "è", "_", "ç"];
const HEX_LETTERS = "ABCDEF";

/** A US-layout reader typing `hex` on a US machine: Digit keys, and Shift+KeyA..F for letters. */
function usOnUs(hex: string): Stroke[] {
  return [...hex].map((char) => (/\d/.test(char) ? { code: `Digit${char}`, key: char, shift: false } : { code: `Key${char}`, key: char, shift: true }));
}

/** The same reader on a French AZERTY machine: unshifted digit keys give "&é\"'(...", KeyA gives "Q". */
function usOnAzerty(hex: string): Stroke[] {
  return [...hex].map((char) => (/\d/.test(char) ? { code: `Digit${char}`, key: AZERTY_DIGITS[Number(char)]!, shift: false } : { code: `Key${char}`, key: char === "A" ? "Q" : char, shift: true }));
}

/** A reader set to AZERTY on an AZERTY machine: Shift+Digit for digits, the key labelled A is KeyQ. */
function azertyOnAzerty(hex: string): Stroke[] {
  return [...hex].map((char) => (/\d/.test(char) ? { code: `Digit${char}`, key: char, shift: true } : { code: char === "A" ? "KeyQ" : `Key${char}`, key: char, shift: true }));
}

function virtualKeyCode(stroke: Stroke): number {
  if (stroke.code === "Enter") return 13;
  const digit = /^Digit(\d)$/.exec(stroke.code);
  if (digit) return 48 + Number(digit[1]);
  return stroke.code.charCodeAt(3);
}

async function press(cdp: CDPSession, stroke: Stroke): Promise<void> {
  const text = stroke.code === "Enter" ? "\r" : stroke.key;
  const common = { code: stroke.code, key: stroke.key, windowsVirtualKeyCode: virtualKeyCode(stroke), modifiers: stroke.shift ? SHIFT : 0 };
  await cdp.send("Input.dispatchKeyEvent", { type: "keyDown", text, unmodifiedText: text, ...common });
  await cdp.send("Input.dispatchKeyEvent", { type: "keyUp", ...common });
}

/** A reader's burst: every key right after the previous one, then Enter. */
async function burst(cdp: CDPSession, strokes: readonly Stroke[]): Promise<void> {
  for (const stroke of [...strokes, { code: "Enter", key: "Enter", shift: false }]) await press(cdp, stroke);
}

const TILL_NAME = "Bar";
const PIN = "1357";

describe.skipIf(browserTestsSkipped())("card taps on the till page, in Chromium", () => {
  let box: RunningBox;
  let browser: Browser;
  let tillToken = "";
  const folder = tempFolder("tibox-nfc-e2e-");
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const made = openBox({ dataDir: folder });
    await setUp(made);
    tillToken = made.auth.addTerminalSync("test", "till", TILL_NAME).token;
    await made.auth.createOperator("test", { name: "Camille", role: "cashier", pin: PIN });
    made.close();
    // The venue's own switch for simulated readers (tibox.json), as an operator would set it.
    writeFileSync(join(folder, "tibox.json"), JSON.stringify({ simulated_readers: true }));
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await box?.stop()).toBe(0);
    removeFolder(folder);
  });

  /** A paired, unlocked till page, its event stream open; `init` runs before the page's scripts. */
  async function tillPage(init?: () => void): Promise<{ page: Page; cdp: CDPSession }> {
    const context = await tabletContext(browser, { baseURL: box.url });
    contexts.push(context);
    await context.addCookies([{ name: "tibox_terminal", value: tillToken, url: box.url }]);
    await context.addInitScript(() => {
      document.addEventListener("htmx:sseOpen", () => ((window as unknown as { sseOpen: boolean }).sseOpen = true));
    });
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    await page.goto("/terminal");
    await page.fill("#pin", PIN);
    await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${fr["terminal.unlock"]}")`)]);
    await page.waitForFunction(() => (window as unknown as { sseOpen?: boolean }).sseOpen === true);
    return { page, cdp: await context.newCDPSession(page) };
  }

  async function lastCardText(page: Page, tail: string): Promise<string> {
    await page.waitForFunction((expected) => document.querySelector("#last-card")?.textContent?.includes(expected) ?? false, `UID se terminant par ${tail}`, { timeout: 15_000 });
    return (await page.locator("#last-card").textContent()) ?? "";
  }

  const layouts: ReadonlyArray<readonly [string, (hex: string) => Stroke[], string]> = [
    ["a US-layout reader on a US machine", usOnUs, "04A1B2C3D4E5F6"],
    ["a US-layout reader on a French AZERTY machine", usOnAzerty, "04A1B2C3D4E5F7"],
    ["an AZERTY-set reader on an AZERTY machine", azertyOnAzerty, "04FA12CB"],
  ];
  for (const [name, strokes, uid] of layouts) {
    test(`${name}: the burst is a tap on screen, and nothing leaks into the focused input`, async () => {
      const { page, cdp } = await tillPage();
      await page.fill("#simulated-uid", "");
      await page.focus("#simulated-uid");
      await burst(cdp, strokes(uid));
      expect(await lastCardText(page, uid.slice(-4))).toContain(fr["taps.card_unknown"].replace("{tail}", uid.slice(-4)));
      expect(await page.inputValue("#simulated-uid")).toBe("");
      await page.context().close();
    });
  }

  test("a person typing slowly into a field still types there (AZERTY keys included)", async () => {
    const { page, cdp } = await tillPage();
    await page.fill("#simulated-uid", "");
    await page.focus("#simulated-uid");
    for (const stroke of [...usOnUs("04"), ...usOnAzerty("1")]) {
      await press(cdp, stroke);
      await Bun.sleep(120);
    }
    await page.waitForFunction(() => (document.querySelector("#simulated-uid") as HTMLInputElement).value.length === 3);
    expect(await page.inputValue("#simulated-uid")).toBe("04&");
    // A key that is no hex digit is never held: the browser types it itself, as it would have
    // typed a reader's keys had the page not stopped them (so the no-leak checks above mean it).
    await press(cdp, { code: "KeyZ", key: "z", shift: false });
    expect(await page.inputValue("#simulated-uid")).toBe("04&z");
    expect(await page.locator("#last-card").textContent()).toContain(fr["taps.waiting"]);
    await page.context().close();
  });

  test("the simulation button shows the simulated card", async () => {
    const { page } = await tillPage();
    await page.fill("#simulated-uid", "04:c0:ff:ee:12:34:56");
    await page.click(`button:has-text("${fr["taps.simulate"]}")`);
    expect(await lastCardText(page, "3456")).toContain(fr["taps.card_unknown"].replace("{tail}", "3456"));
    await page.context().close();
  });

  test("the Web NFC button stays hidden where NDEFReader does not exist (headless desktop Chromium)", async () => {
    const { page } = await tillPage();
    expect(await page.evaluate(() => "NDEFReader" in window)).toBe(false);
    expect(await page.locator("#webnfc-button").isHidden()).toBe(true);
    await page.context().close();
  });

  test("with an NDEFReader (as on Android Chrome), the button reads a card's serial number as a tap", async () => {
    const { page } = await tillPage(() => {
      // A stand-in for Chrome's NDEFReader: scan() resolves, then a tag is "read".
      class FakeNdefReader {
        onreading: ((event: { serialNumber: string }) => void) | null = null;
        onreadingerror: (() => void) | null = null;
        scan(): Promise<void> {
          setTimeout(() => this.onreading?.({ serialNumber: "04:a1:b2:c3:d4:e5:99" }), 50);
          return Promise.resolve();
        }
      }
      (window as unknown as { NDEFReader: unknown }).NDEFReader = FakeNdefReader;
    });
    expect(await page.locator("#webnfc-button").isVisible()).toBe(true);
    await page.click("#webnfc-button");
    expect(await lastCardText(page, "E599")).toContain(fr["taps.card_unknown"].replace("{tail}", "E599"));
    expect(await page.locator("#tap-status").textContent()).toBe(fr["taps.webnfc_listening"]);
    await page.context().close();
  });

  test("a tap that reaches the page after its expiry is not shown", async () => {
    const { page } = await tillPage(() => {
      const realNow = Date.now.bind(Date);
      const skewed = window as unknown as { skewMs: number };
      skewed.skewMs = 0;
      Date.now = () => realNow() + skewed.skewMs;
    });
    // This device's clock jumps 6 s ahead after load: every tap now looks older than 5 s.
    await page.evaluate(() => ((window as unknown as { skewMs: number }).skewMs = 6_000));
    await page.fill("#simulated-uid", "04BADA55");
    await page.click(`button:has-text("${fr["taps.simulate"]}")`);
    await Bun.sleep(800);
    expect(await page.locator("#last-card").textContent()).toContain(fr["taps.waiting"]);
    await page.evaluate(() => ((window as unknown as { skewMs: number }).skewMs = 0));
    await page.fill("#simulated-uid", "04BADA56");
    await page.click(`button:has-text("${fr["taps.simulate"]}")`);
    expect(await lastCardText(page, "DA56")).toContain("DA56");
    await page.context().close();
  });
});
