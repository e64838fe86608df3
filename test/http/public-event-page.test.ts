// Proves what a visitor reads on an event's public page, through the real router on a real SQLite
// box: with online sales off the page says tickets are not sold online (instead of saying nothing);
// with them on, a product's only price is shown by the product's name alone (no "Tarif réduit ·
// Plein tarif"), while a product with two prices names each; once every price is sold out there is
// no order form left to fill in, only "sold out" and the waiting list (with donations on, the form stays
// for a donation alone, under the sold-out sentence), and the agenda marks the event "Complet". /adhesion
// with nothing for sale says only that.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { issueTicket, saveOnlineSalesSettings, savePrice } from "../../src/ticketing/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
let box: TestBox;
let openEventId = "";
let soldOutEventId = "";

function setOnlineSales(enabled: boolean, donationsEnabled = true): void {
  box.writer.transact((tx) =>
    saveOnlineSalesSettings(tx, { onlineSalesEnabled: enabled, payOnSiteEnabled: true, holdMinutes: 15, stripeSecretKey: "", stripeWebhookSecret: "", publicBaseUrl: "", donationsEnabled, donationMinMinor: 100 }),
  );
}

async function page(eventId: string): Promise<string> {
  const response = await new Client(box).get(`/agenda/${eventId}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The visible text of the price labels of the order form, in order. */
function priceLabels(html: string): string[] {
  return [...html.matchAll(/<label for="q_[^"]+">([\s\S]*?)<\/label>/g)].map((match) => match[1]!.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim());
}

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(NOW) });
  await setUp(box);
  openEventId = makeEvent(box, NOW + 48 * HOUR, { title: "Concert" });
  makeProduct(box, openEventId, { name: "Tarif réduit", priceMinor: 800 });
  const twoPrices = makeProduct(box, openEventId, { name: "Entrée", priceMinor: 1250 });
  box.writer.transact((tx) => savePrice(tx, { newId: box.deps.newId }, { productId: twoPrices.id, label: "Étudiant", kind: "reduced", amountMinor: 900 }));
  soldOutEventId = makeEvent(box, NOW + 72 * HOUR, { title: "Complet" });
  const only = makeProduct(box, soldOutEventId, { name: "Entrée", priceMinor: 500, quota: 1 });
  box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId: only.id, holderName: "Ada" }));
});
afterAll(() => box.dispose());

describe("an event's public page", () => {
  test("online sales off: the page says the tickets are not sold online, and shows no form", async () => {
    setOnlineSales(false);
    const html = await page(openEventId);
    expect(html).toContain(fr["agenda.not_sold_online"]);
    expect(html).not.toContain(`action="/agenda/${openEventId}/order"`);
  });

  test("online sales on: a single price is named by its product, two prices each by their label", async () => {
    setOnlineSales(true);
    const html = await page(openEventId);
    expect(html).toContain(`action="/agenda/${openEventId}/order"`);
    expect(html).not.toContain(fr["agenda.not_sold_online"]);
    expect(priceLabels(html).sort()).toEqual(["Entrée · Plein tarif", "Entrée · Étudiant", "Tarif réduit"].sort());
  });

  test("every price sold out, no donations: no order form, the sold-out sentence and the waiting list", async () => {
    setOnlineSales(true, false);
    const html = await page(soldOutEventId);
    expect(html).not.toContain(`action="/agenda/${soldOutEventId}/order"`);
    expect(html).toContain(fr["online_order.all_sold_out"]);
    expect(html).toContain(`action="/agenda/${soldOutEventId}/waiting-list"`);
  });

  test("every price sold out, donations on: the sold-out sentence, then the form (for a donation alone)", async () => {
    setOnlineSales(true, true);
    const html = await page(soldOutEventId);
    expect(html).toContain(fr["online_order.all_sold_out"]);
    expect(html.indexOf(fr["online_order.all_sold_out"])).toBeLessThan(html.indexOf(`action="/agenda/${soldOutEventId}/order"`));
    expect(html).toContain('name="donation"');
    // The open event does not say it.
    expect(await page(openEventId)).not.toContain(fr["online_order.all_sold_out"]);
  });
});

describe("/adhesion with nothing for sale", () => {
  test("says memberships are not sold online, without the intro that tells how to buy one", async () => {
    const response = await new Client(box).get("/adhesion");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(fr["membership_sale.closed"]);
    expect(html).not.toContain(fr["membership_sale.intro"]);
    expect(html).not.toContain('action="/adhesion"');
  });
});

describe("the agenda", () => {
  test("a sold-out event says 'Complet' beside its date; an event with places left does not", async () => {
    setOnlineSales(true);
    const response = await new Client(box).get("/agenda");
    expect(response.status).toBe(200);
    const articles = (await response.text()).split('<article class="agenda-event">').slice(1);
    const badge = `<strong class="badge">${fr["online_order.sold_out"]}</strong>`;
    const of = (eventId: string) => articles.find((article) => article.includes(`href="/agenda/${eventId}"`))!;
    expect(of(soldOutEventId)).toContain(badge);
    expect(of(openEventId)).not.toContain(badge);
  });
});
