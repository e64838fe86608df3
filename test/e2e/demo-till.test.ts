// Proves a newcomer sells a drink with a simulated tap within a minute of `tibox demo`: in
// Chromium, following only what the demo prints (the pairing link, the cashier's PIN), the browser
// becomes a till, the cashier unlocks it, opens the till, touches "Bière" (3,50 €) and presses the
// simulation button, whose card (20 € seeded by the demo) pays at once; the receipt says so.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import { browserTestsSkipped, launchBrowser, removeFolder, tabletContext, tempFolder } from "../helpers/browser.ts";
import { freePort } from "../helpers/process.ts";

setDefaultTimeout(60_000);
const NEWCOMER_BUDGET_MS = 60_000;
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");

describe.skipIf(browserTestsSkipped())("tibox demo: a drink sold with a simulated tap", () => {
  const folder = tempFolder("tibox-demo-till-");
  let child: Bun.Subprocess<"ignore", "ignore", "pipe">;
  let browser: Browser;
  let url = "";
  let pairUrl = "";

  beforeAll(async () => {
    const port = await freePort();
    child = Bun.spawn([process.execPath, MAIN, "demo", "--data", folder, "--port", String(port), "--host", "127.0.0.1", "--https-port", "0"], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    url = `http://127.0.0.1:${port}`;
    // The banner goes to stderr: read all of it (the box must never block on a full pipe), keep the pairing link.
    const found = Promise.withResolvers<string>();
    void (async () => {
      const decoder = new TextDecoder();
      let banner = "";
      for await (const chunk of child.stderr) {
        banner += decoder.decode(chunk, { stream: true });
        const match = /open (\S+\/pair\?code=\d{8})/.exec(banner);
        if (match) found.resolve(match[1]!.replace("localhost", "127.0.0.1"));
      }
    })();
    pairUrl = await Promise.race([found.promise, Bun.sleep(20_000).then(() => "")]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    child?.kill("SIGTERM");
    await child?.exited;
    removeFolder(folder);
  });

  test("from the printed link to a paid Bière, well within a minute", async () => {
    expect(pairUrl).toStartWith(url);
    const startedMs = performance.now();
    const page = await (await tabletContext(browser, { baseURL: url })).newPage();
    await page.goto(pairUrl);
    await Promise.all([page.waitForURL("**/pair"), page.click(`main button:has-text("${fr["pair.submit"]}")`)]);
    await Promise.all([page.waitForURL("**/terminal"), page.click(`a:has-text("${fr["pair.continue"]}")`)]);
    await page.click('label.tile:has-text("Camille")');
    await page.fill("#pin", "1234");
    await Promise.all([page.waitForURL("**/terminal"), page.click(`form:has(#pin) button:has-text("${fr["terminal.unlock"]}")`)]);
    await Promise.all([page.waitForURL("**/till"), page.click(`a:has-text("${fr["till.open"]}")`)]);
    await page.click('button.item:has-text("Bière")');
    await page.waitForSelector("[data-testid=cart-line]");
    await page.click(`button:has-text("${fr["taps.simulate"]}")`);
    await page.waitForSelector("[data-testid=paid]");
    expect(await page.locator("[data-testid=paid]").textContent()).toBe("Payé — vente n° 1");
    expect(((await page.locator("#till-main").textContent()) ?? "").replace(/\s/g, " ")).toContain("16,50 €");
    expect(performance.now() - startedMs).toBeLessThan(NEWCOMER_BUDGET_MS);
  });
});
