// Proves member prices online through the real router on a real SQLite box: the member's own page
// (`/me/<token>`) lists the upcoming public event with a member price and links to its order form
// in member mode (`/agenda/:id?m=<token>`); there the member price is offered, the member's name
// and e-mail are filled in and the token rides in the form; ordering a member price ticket makes
// an order whose member is that member, the ticket at the member price; the per-person limit counts
// the member's earlier orders whatever e-mail is typed. A forged token is as if there were none
// (no member price, no notice, no token in the form); a member price line without a valid member
// is refused with member_price_needs_membership and writes nothing; a lapsed membership and an
// erased member get a notice and the same refusal. The request log never holds the token.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock, type Logger } from "../../src/kernel/index.ts";
import { eraseMember, grantMembership, insertMember, memberLinkToken } from "../../src/membership/index.ts";
import { findOrderByReference, saveOnlineSalesSettings, savePrice, type Order } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
const DAY = 24 * HOUR;
const clock = new FakeClock(NOW);
const logLines: string[] = [];
const logger: Logger = { log: (level, msg, fields) => logLines.push(JSON.stringify({ level, msg, ...fields })) };
let box: TestBox;
let peers = 0;
let eventId = "";
let fullId = "";
let memberPriceId = "";
let validToken = "";
let validMemberId = "";
let lapsedToken = "";
let erasedToken = "";

function addMember(name: string, email: string, membership: { fromMs: number; untilMs: number }): string {
  return box.writer.transact((tx) => {
    const id = insertMember(tx, box.deps.newId, { name, email }, insertWallet(tx, box.deps.newId)).id;
    grantMembership(tx, box.deps.newId, { memberId: id, label: "Adhésion", validFromMs: membership.fromMs, validUntilMs: membership.untilMs });
    return id;
  });
}

beforeAll(async () => {
  box = testBox({ clock, logger, addressOf: () => `peer-${++peers}` });
  await setUp(box);
  eventId = makeEvent(box, NOW + 48 * HOUR, { title: "Bal <folk>" });
  // At most 2 per person: the limit the member's earlier orders count against.
  const product = makeProduct(box, eventId, { name: "Bal", priceMinor: 1500, quota: 50, perPersonMax: 2 });
  fullId = product.id;
  memberPriceId = box.writer.transact((tx) => savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Adhérent", kind: "member", amountMinor: 900 }).id);
  box.writer.transact((tx) =>
    saveOnlineSalesSettings(tx, {
      onlineSalesEnabled: true,
      payOnSiteEnabled: true,
      holdMinutes: 15,
      stripeSecretKey: "",
      stripeWebhookSecret: "",
      publicBaseUrl: "",
      donationsEnabled: false,
      donationMinMinor: 100,
    }),
  );
  validMemberId = addMember("Mia Membre", "mia@example.org", { fromMs: NOW - 30 * DAY, untilMs: NOW + 300 * DAY });
  validToken = memberLinkToken(box.signer, validMemberId);
  lapsedToken = memberLinkToken(box.signer, addMember("Léo Lapsé", "leo@example.org", { fromMs: NOW - 400 * DAY, untilMs: NOW - 35 * DAY }));
  const erasedId = addMember("Eva Effacée", "eva@example.org", { fromMs: NOW - 30 * DAY, untilMs: NOW + 300 * DAY });
  box.writer.transact((tx) => eraseMember(tx, erasedId));
  erasedToken = memberLinkToken(box.signer, erasedId);
});
afterAll(() => box.dispose());

function count(table: string): number {
  return box.writer.sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
}

function rows(): Record<string, number> {
  return { orders: count("orders"), order_lines: count("order_lines"), tickets: count("tickets"), members: count("members") };
}

function orderOfLocation(location: string): Order {
  const reference = /^\/orders\/([0-9A-Z]+)\?k=/.exec(location)?.[1] ?? "";
  return findOrderByReference(box.writer.sqlite, reference)!;
}

function formValue(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

/** Opens the event page (member mode with `token`) like a browser and sends its form with `fields`; `m` as the form carries it unless given. */
async function order(token: string | null, fields: Record<string, string>): Promise<{ response: Response; page: string }> {
  const client = new Client(box);
  const page = await (await client.get(token === null ? `/agenda/${eventId}` : `/agenda/${eventId}?m=${encodeURIComponent(token)}`)).text();
  const form: Record<string, string> = { order_key: formValue(page, "order_key") ?? "", payment: "on_site" };
  const m = formValue(page, "m");
  if (m !== undefined) form.m = m;
  const buyerName = formValue(page, "buyer_name");
  const buyerEmail = formValue(page, "buyer_email");
  if (buyerName) form.buyer_name = buyerName;
  if (buyerEmail) form.buyer_email = buyerEmail;
  const response = await client.post(`/agenda/${eventId}/order`, { buyer_name: "Quelqu'un", buyer_email: "quelquun@example.org", ...form, ...fields });
  return { response, page };
}

const REFUSED = "Le tarif adhérent demande une adhésion valide.";
const NOTICE = "Les tarifs adhérent demandent une adhésion valide";

describe("member prices online", () => {
  test("the member's page lists the event with its member price and the member mode link; a lapsed member's page does not", async () => {
    const response = await new Client(box).get(`/me/${validToken}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Vos tarifs adhérent en ligne");
    expect(html).toContain(`href="/agenda/${eventId}?m=${validToken}"`);
    expect(html).toContain("Bal &lt;folk&gt;");
    expect(html).not.toContain("Bal <folk>");
    expect(html).toMatch(/Adhérent<\/span> 9,00\s€/);
    const lapsed = await (await new Client(box).get(`/me/${lapsedToken}`)).text();
    expect(lapsed).not.toContain("Vos tarifs adhérent en ligne");
    expect(lapsed).not.toContain(`/agenda/${eventId}?m=`);
  });

  test("member mode: the member price is offered, name and e-mail filled in, the token in the form; the page is private", async () => {
    const response = await new Client(box).get(`/agenda/${eventId}?m=${validToken}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain(`name="q_${memberPriceId}"`);
    expect(html).toContain(`name="q_${fullId}"`);
    expect(formValue(html, "m")).toBe(validToken);
    expect(formValue(html, "buyer_name")).toBe("Mia Membre");
    expect(formValue(html, "buyer_email")).toBe("mia@example.org");
    expect(html).not.toContain(NOTICE);
    // Without the token: the normal page, no member price.
    const normal = await (await new Client(box).get(`/agenda/${eventId}`)).text();
    expect(normal).not.toContain(`name="q_${memberPriceId}"`);
    expect(normal).toContain(`name="q_${fullId}"`);
  });

  test("a valid member buys at the member price: the order's member is set, the ticket at 9 €; the per-person limit counts the member's earlier orders", async () => {
    const { response } = await order(validToken, { [`q_${memberPriceId}`]: "1" });
    expect(response.status).toBe(303);
    const placed = orderOfLocation(response.headers.get("location")!);
    expect(placed).toMatchObject({ state: "pay_on_site", channel: "online", memberId: validMemberId, totalMinor: 900, buyerEmail: "mia@example.org" });
    const tickets = box.writer.sqlite.query<{ amountMinor: number; memberId: string; priceId: string }, [string]>("SELECT amount_minor AS amountMinor, member_id AS memberId, price_id AS priceId FROM tickets WHERE order_id = ?").all(placed.id);
    expect(tickets).toEqual([{ amountMinor: 900, memberId: validMemberId, priceId: memberPriceId }]);
    // A second one under another e-mail: still the member's (2 of 2).
    const second = await order(validToken, { [`q_${fullId}`]: "1", buyer_email: "mia.autre@example.org" });
    expect(second.response.status).toBe(303);
    expect(orderOfLocation(second.response.headers.get("location")!).memberId).toBe(validMemberId);
    // A third under yet another e-mail: over the limit of 2 per person, refused, nothing written.
    const before = rows();
    const third = await order(validToken, { [`q_${memberPriceId}`]: "1", buyer_email: "mia.encore@example.org" });
    expect(third.response.status).toBe(409);
    const refused = await third.response.text();
    expect(refused).toContain("Cette personne a déjà le maximum de billets de ce type.");
    expect(refused).toContain('name="m"');
    expect(rows()).toEqual(before);
  });

  test("a forged token is no member: no member price, no notice, no token in the form; a member price line is refused and writes nothing", async () => {
    const [id] = validToken.split(".") as [string];
    const forgedTokens = [`${id}.AAAAAAAAAAAAAAAAAAAAAA`, `${id}.${validToken.split(".")[1]!.slice(0, 21)}B`, "not-a-token", `${validToken}x`];
    for (const forged of forgedTokens) {
      const response = await new Client(box).get(`/agenda/${eventId}?m=${encodeURIComponent(forged)}`);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).not.toContain(`name="q_${memberPriceId}"`);
      expect(html).toContain(`name="q_${fullId}"`);
      expect(html).not.toContain(NOTICE);
      expect(formValue(html, "m")).toBeUndefined();
      expect(formValue(html, "buyer_name")).toBe("");
    }
    const before = rows();
    // A hand-made POST with the forged token, and one without any token.
    for (const fields of [{ m: forgedTokens[0]!, [`q_${memberPriceId}`]: "1" }, { [`q_${memberPriceId}`]: "1" }]) {
      const { response } = await order(null, fields);
      expect(response.status).toBe(409);
      const html = await response.text();
      expect(html).toContain(REFUSED);
      expect(html).not.toContain(`name="q_${memberPriceId}"`);
    }
    expect(rows()).toEqual(before);
  });

  test("a lapsed membership: the normal page with a notice; a member price line is refused and writes nothing", async () => {
    const html = await (await new Client(box).get(`/agenda/${eventId}?m=${lapsedToken}`)).text();
    expect(html).toContain(NOTICE);
    expect(html).not.toContain(`name="q_${memberPriceId}"`);
    expect(html).toContain(`name="q_${fullId}"`);
    const before = rows();
    const { response } = await order(lapsedToken, { [`q_${memberPriceId}`]: "1" });
    expect(response.status).toBe(409);
    const refused = await response.text();
    expect(refused).toContain(REFUSED);
    expect(refused).toContain(NOTICE);
    expect(rows()).toEqual(before);
  });

  test("an erased member: as a forged token (no member price, no token, nothing filled in) with the notice; refused, nothing written", async () => {
    const html = await (await new Client(box).get(`/agenda/${eventId}?m=${erasedToken}`)).text();
    expect(html).toContain(NOTICE);
    expect(html).not.toContain(`name="q_${memberPriceId}"`);
    expect(formValue(html, "m")).toBeUndefined();
    expect(formValue(html, "buyer_name")).toBe("");
    expect((await new Client(box).get(`/me/${erasedToken}`)).status).toBe(404);
    const before = rows();
    const { response } = await order(null, { m: erasedToken, [`q_${memberPriceId}`]: "1" });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain(REFUSED);
    expect(rows()).toEqual(before);
  });

  test("the request log names no token", () => {
    expect(logLines.length).toBeGreaterThan(10);
    for (const token of [validToken, lapsedToken, erasedToken]) {
      const mac = token.split(".")[1]!;
      expect(logLines.some((line) => line.includes(mac))).toBe(false);
    }
  });
});
