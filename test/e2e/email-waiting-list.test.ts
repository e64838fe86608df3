// Proves the e-mail outbox and the waiting list end to end in Chromium, against a real `tibox
// serve` child (its own croner schedule and system clock) and a real SMTP listener: the admin sets
// SMTP on the e-mail page; on a phone, a visitor finds the event sold out and joins the waiting
// list; the admin revokes the one ticket at the box office; within the sender's 10-second passes
// the visitor's "a place is free" mail reaches the SMTP server, and the outbox shows it sent. Every
// page on the way passes axe-core, has 44 px touch targets, and the phone never scrolls sideways.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { openBox } from "../../src/app.ts";
import { createEvent, createOrder, saveProduct } from "../../src/ticketing/index.ts";
import { systemClock } from "../../src/kernel/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import {
  axeSource,
  axeViolations,
  browserTestsSkipped,
  describeViolations,
  horizontalOverflowPx,
  launchBrowser,
  removeFolder,
  runTibox,
  smallTargets,
  startBox,
  tempFolder,
  touchContext,
  VIEWPORTS,
  type RunningBox,
  type ViewportName,
} from "../helpers/browser.ts";
import { parseMessage, SmtpTestServer } from "../helpers/smtp-server.ts";

setDefaultTimeout(90_000);

const ADMIN = { email: "ada@example.org", password: "correct horse battery" } as const;
const HOUR = 3_600_000;

describe.skipIf(browserTestsSkipped())("e-mail and the waiting list, in the browser", () => {
  let box: RunningBox;
  let browser: Browser;
  let smtp: SmtpTestServer;
  let folder = "";
  let eventId = "";
  let ticketId = "";
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    folder = tempFolder("tibox-email-e2e-");
    const init = await runTibox(["init", "--data", folder, "--venue", "Les Amis du Quartier", "--address", "1 rue des Lilas, 69001 Lyon", "--timezone", "Europe/Paris", "--admin-email", ADMIN.email, "--admin-password", ADMIN.password]);
    expect(init.exitCode).toBe(0);
    // An event tomorrow with one place, sold at the box office (the box is not running yet).
    const seed = openBox({ dataDir: folder });
    try {
      seed.writer.transact((tx) => {
        const deps = { signer: seed.signer, newId: seed.deps.newId, random: seed.deps.random };
        const startsAtMs = systemClock.nowMs() + 24 * HOUR;
        eventId = createEvent(tx, deps, { title: "Bal <folk>", description: "", imageUrl: null, startsAtMs, endsAtMs: startsAtMs + 3 * HOUR, doorsAtMs: startsAtMs, capacity: null, tags: [], visibility: "public" }).id;
        const product = saveProduct(tx, deps, { eventId, name: "Entrée", priceMinor: 800, quota: 1 });
        const order = createOrder(tx, deps, {
          lines: [{ kind: "ticket", priceId: product.id, quantity: 1 }],
          buyer: { name: "Cy" },
          channel: "box_office",
          payment: { state: "paid", method: "cash" },
          idempotencyKey: "e2e-seed-order",
          nowMs: systemClock.nowMs(),
        });
        ticketId = tx.sqlite.query<{ id: string }, [string]>("SELECT id FROM tickets WHERE order_id = ?").get(order.id)!.id;
      });
    } finally {
      seed.close();
    }
    smtp = SmtpTestServer.start();
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    if (box) await box.stop();
    smtp?.stop();
    if (folder) removeFolder(folder);
  });

  async function newPage(viewport: ViewportName): Promise<Page> {
    const context = await touchContext(browser, viewport, { baseURL: box.url, bypassCSP: true });
    contexts.push(context);
    return context.newPage();
  }

  async function check(page: Page, viewport: ViewportName, label: string): Promise<void> {
    expect({ label, viewport, violations: describeViolations(await axeViolations(page, axeSource())) }).toEqual({ label, viewport, violations: [] });
    expect({ label, viewport, small: await smallTargets(page, { summary: true }) }).toEqual({ label, viewport, small: [] });
    if (viewport === "phone") expect({ label, overflowPx: await horizontalOverflowPx(page, VIEWPORTS.phone.width) }).toEqual({ label, overflowPx: 0 });
  }

  async function submit(page: Page, buttonText: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(`main button:has-text("${buttonText}")`)]);
    return response?.status() ?? 0;
  }

  async function logIn(viewport: ViewportName): Promise<Page> {
    const page = await newPage(viewport);
    await page.goto("/login");
    await page.fill("#email", ADMIN.email);
    await page.fill("#password", ADMIN.password);
    await submit(page, fr["login.submit"]);
    return page;
  }

  test("SMTP set on the e-mail page; a visitor joins the waiting list; a revoked ticket sends the notice through SMTP", async () => {
    const admin = await logIn("tablet");
    await admin.goto("/admin/ticketing/email");
    await check(admin, "tablet", "e-mail settings, off");
    await admin.fill("#smtp_url", smtp.url({ user: "box", pass: "s3cret" }));
    await admin.fill("#mail_from", "Les Amis <billets@amis.example.org>");
    expect(await submit(admin, fr["email_settings.save"])).toBe(200);
    expect(await admin.textContent("main")).toContain(`E-mail activé : les e-mails partent par 127.0.0.1:${smtp.port}.`);
    await check(admin, "tablet", "e-mail settings, on");

    const visitor = await newPage("phone");
    await visitor.goto(`/agenda/${eventId}`);
    await visitor.waitForSelector("#waiting-list");
    await check(visitor, "phone", "sold-out event with the waiting list form");
    await visitor.fill("#waiting_name", "Zoé");
    await visitor.fill("#waiting_email", "zoe@example.org");
    expect(await submit(visitor, fr["waiting.join"])).toBe(200);
    expect(await visitor.textContent("main")).toContain("Nous écrirons à zoe@example.org");
    await check(visitor, "phone", "joined");

    for (const viewport of ["tablet", "phone"] as const) {
      const page = viewport === "tablet" ? admin : await logIn("phone");
      await page.goto(`/admin/ticketing/events/${eventId}/waiting-list`);
      expect(await page.textContent("main")).toContain("zoe@example.org");
      await check(page, viewport, "waiting list");
    }

    // The box office revokes the ticket: its place goes to the waiting list.
    await admin.goto(`/admin/ticketing/tickets/${ticketId}`);
    admin.on("dialog", (dialog) => void dialog.accept());
    await Promise.all([admin.waitForLoadState("load"), admin.click(`button:has-text("${fr["ticket.revoke"]}")`)]);
    await admin.waitForSelector(`text=${fr["ticket.revoked"]}`);

    // The box's own sender (every 10 s) delivers the notice.
    const [mail] = await smtp.waitForMessages(1, 35_000);
    expect(mail!.to).toEqual(["zoe@example.org"]);
    expect(mail!.auth).toBe("box:s3cret");
    const parsed = parseMessage(mail!.raw);
    expect(parsed.subject).toBe("Une place s'est libérée : Bal <folk>");
    expect(parsed.text).toContain("Premier arrivé, premier servi");
    expect(parsed.html).toContain("Bal &lt;folk&gt;");

    for (const viewport of ["tablet", "phone"] as const) {
      const page = viewport === "tablet" ? admin : await logIn("phone");
      await page.goto("/admin/ticketing/outbox");
      await page.waitForSelector("text=0 en attente, 1 envoyés, 0 en échec");
      await check(page, viewport, "outbox");
    }
  });
});
