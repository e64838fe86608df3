// Proves the member register's pages work in Chromium against a real `tibox serve` child process,
// on a 600x1024 touch tablet and a 390x844 touch phone: an admin defines a required choice field
// and a calendar-year product, adds a member (refused first without the required answer, the page
// naming the field), grants the product by hand, and the member opens their own page from the
// link on the printable letter and sees "valid through 31/12". Every page visited (products,
// fields, register, member, letter, own page, its 404) passes axe-core (WCAG A/AA and best
// practice), has touch targets of at least 44x44 CSS px, and never scrolls sideways on the phone.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import {
  axeSource,
  axeViolations,
  browserTestsSkipped,
  describeViolations,
  horizontalOverflowPx,
  launchBrowser,
  removeFolder,
  smallTargets,
  startBox,
  touchContext,
  VIEWPORTS,
  type RunningBox,
  type ViewportName,
} from "../helpers/browser.ts";

// Browsers and boxes start slower on a loaded machine: hooks and tests get a minute, not 5 s.
setDefaultTimeout(60_000);

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery" } as const;
const VIEWPORT_NAMES: readonly ViewportName[] = ["tablet", "phone"];

describe.skipIf(browserTestsSkipped())("member register pages on touch tablet and phone", () => {
  let box: RunningBox;
  let browser: Browser;
  let axe: string;
  let memberPath = "";
  let ownLink = "";
  const admins = new Map<ViewportName, Page>();
  const visitors = new Map<ViewportName, Page>();

  async function check(page: Page, viewport: ViewportName, label: string): Promise<void> {
    const violations = describeViolations(await axeViolations(page, axe));
    expect({ page: label, viewport, violations }).toEqual({ page: label, viewport, violations: [] });
    expect({ page: label, viewport, small: await smallTargets(page) }).toEqual({ page: label, viewport, small: [] });
    if (viewport === "phone") expect({ page: label, overflowPx: await horizontalOverflowPx(page, VIEWPORTS.phone.width) }).toEqual({ page: label, overflowPx: 0 });
  }

  async function submit(page: Page, buttonText: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(`main button:has-text("${buttonText}")`)]);
    return response?.status() ?? 0;
  }

  beforeAll(async () => {
    [box, browser] = await Promise.all([startBox(), launchBrowser()]);
    axe = axeSource();
    for (const viewport of VIEWPORT_NAMES) {
      const [adminContext, visitorContext] = await Promise.all([0, 1].map(() => touchContext(browser, viewport, { baseURL: box.url, bypassCSP: true })));
      admins.set(viewport, await adminContext!.newPage());
      visitors.set(viewport, await visitorContext!.newPage());
    }
    const tablet = admins.get("tablet")!;
    await tablet.goto("/setup");
    await tablet.fill("#setup_code", box.setupCode!);
    await tablet.fill("#legal_name", "Les Amis du Quartier");
    await tablet.fill("#address", "12 rue des Lilas, 69001 Lyon");
    await tablet.fill("#admin_name", ADMIN.name);
    await tablet.fill("#admin_email", ADMIN.email);
    await tablet.fill("#admin_password", ADMIN.password);
    await submit(tablet, fr["setup.submit"]);
    const phone = admins.get("phone")!;
    await phone.goto("/login");
    await phone.fill("#email", ADMIN.email);
    await phone.fill("#password", ADMIN.password);
    await submit(phone, fr["login.submit"]);

    // A required choice field and a calendar-year product, through their pages.
    await tablet.goto("/admin/members/fields");
    await tablet.fill("#label", "Collège");
    await tablet.selectOption("#kind", "choice");
    await tablet.fill("#options", "Fondateurs\nUsagers");
    await tablet.check("input[name=required]");
    expect(await submit(tablet, fr["member_fields.add"])).toBe(200);
    await tablet.goto("/admin/members/products");
    await tablet.fill("#name", "Adhésion annuelle");
    await tablet.selectOption("#duration", "calendar_year");
    await tablet.fill("#amount", "15");
    expect(await submit(tablet, fr["member_products.add"])).toBe(200);
    expect(await tablet.locator("tbody tr").count()).toBe(1);
  });

  afterAll(async () => {
    await browser?.close();
    const code = await box?.stop();
    if (box) removeFolder(box.dataDir);
    expect(code).toBe(0);
  });

  test("add a member (a missing required answer is refused and named), grant a membership, print the letter", async () => {
    const tablet = admins.get("tablet")!;
    await tablet.goto("/admin/members");
    await tablet.fill("#name", "Zoé Martin");
    await tablet.fill("#email", "zoe@example.org");
    // The browser would stop an empty required select: lift it to see the box's own refusal.
    await tablet.evaluate(() => document.querySelectorAll("select[required]").forEach((element) => element.removeAttribute("required")));
    expect(await submit(tablet, fr["members.add"])).toBe(400);
    expect(await tablet.locator(".notice.error").textContent()).toContain("Collège");
    await tablet.selectOption("select[name^=field_]", "Usagers");
    expect(await submit(tablet, fr["members.add"])).toBe(200);
    memberPath = new URL(tablet.url()).pathname;
    expect(memberPath).toMatch(/^\/admin\/members\/[0-9A-Z]{26}$/);
    expect(await tablet.locator("select[name^=field_]").inputValue()).toBe("Usagers");
    expect(await submit(tablet, fr["members.grant_submit"])).toBe(200);
    const year = new Date().getFullYear();
    expect(await tablet.locator(".badge.success").first().textContent()).toBe(`À jour jusqu'au 31/12/${year}`);
    await tablet.goto(`${memberPath}/letter`);
    ownLink = (await tablet.locator("main code").textContent()) ?? "";
    expect(ownLink).toMatch(/\/me\/[0-9A-Z]{26}\.[A-Za-z0-9_-]{22}$/);
    expect(await tablet.locator("main .qr svg").count()).toBe(1);
  });

  for (const viewport of VIEWPORT_NAMES) {
    test(`register pages on ${viewport}`, async () => {
      const page = admins.get(viewport)!;
      for (const path of ["/admin/members", "/admin/members/products", "/admin/members/fields", memberPath, `${memberPath}/letter`]) {
        await page.goto(path);
        await check(page, viewport, path);
      }
      await page.goto("/admin/members/products");
      await page.click("tbody a");
      await check(page, viewport, "product edit");
      await page.goto("/admin/members/fields");
      await page.click("tbody a");
      await check(page, viewport, "field edit");
    });

    test(`the member's own page on ${viewport}, without a session`, async () => {
      const page = visitors.get(viewport)!;
      await page.goto(new URL(ownLink).pathname);
      expect(await page.locator("h1").textContent()).toBe(fr["me.title"]);
      expect(await page.locator("main").textContent()).toContain("Zoé Martin");
      expect(await page.locator("main").textContent()).not.toContain("zoe@example.org");
      await check(page, viewport, "own page");
      const path = new URL(ownLink).pathname;
      await page.goto(path.slice(0, -1) + (path.endsWith("A") ? "B" : "A"));
      expect(await page.locator("h1").textContent()).toBe(fr["me.unknown_title"]);
      await check(page, viewport, "own page unknown");
    });
  }
});
