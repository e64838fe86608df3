// Proves tickets are issued within their product's quota and checked in exactly once: a repeated nonce gets the first answer, a second scan is already_redeemed with when and where, and revoked, wrong_event, not_yet_valid, expired, forged and garbage scans are refused and recorded.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { checkinsOf, createEvent, encodeTicket, issueTicket, revokeTicket, saveProduct, type Ticket } from "../../src/ticketing/index.ts";
import { generateSigningKeyPem, signerFromPem } from "../../src/kernel/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { addBoxOffice } from "../helpers/box-office.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 4, 10, 18, 0);

describe("tickets and check-ins", () => {
  let box: TestBox;
  const clock = new FakeClock(NOW);
  let doorToken = "";
  let readerToken = "";
  let eventId = "";
  let otherEventId = "";
  let productId = "";

  const deps = () => ({ newId: box.deps.newId });
  const issue = (holderName = "Ada") => box.writer.transact((tx) => issueTicket(tx, deps(), { productId, holderName }));
  const scan = (body: Record<string, unknown>, token = doorToken) =>
    box.app.handle(new Request("http://localhost/api/v1/checkins", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
  let nonces = 0;
  const nonce = () => `nonce-${++nonces}-abcdef`;

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    // Box-office cash is a sale of a box office point of sale (src/pos/order-sales.ts).
    addBoxOffice(box);
    doorToken = box.auth.addTerminalSync("test", "door", "Porte A").token;
    readerToken = box.auth.addTerminalSync("test", "reader", "Lecteur").token;
    const make = (title: string) =>
      box.writer.transact((tx) =>
        createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title, description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW + HOUR / 2, capacity: null, tags: [], visibility: "public" }).id,
      );
    eventId = make("Concert");
    otherEventId = make("Bal");
    productId = box.writer.transact((tx) => saveProduct(tx, deps(), { eventId, name: "Plein tarif", priceMinor: 1250, quota: null })).id;
  });
  afterAll(() => box.dispose());

  test("a product's quota refuses the ticket beyond it with sold_out; unknown products are product_unknown", () => {
    const small = box.writer.transact((tx) => saveProduct(tx, deps(), { eventId, name: "Invitation", priceMinor: 0, quota: 2 }));
    box.writer.transact((tx) => issueTicket(tx, deps(), { productId: small.id, holderName: "A" }));
    const second = box.writer.transact((tx) => issueTicket(tx, deps(), { productId: small.id, holderName: "B" }));
    expect(() => box.writer.transact((tx) => issueTicket(tx, deps(), { productId: small.id, holderName: "C" }))).toThrow(expect.objectContaining({ code: "sold_out" }));
    // A revoked ticket gives its place back.
    box.writer.transact((tx) => revokeTicket(tx, second.id));
    box.writer.transact((tx) => issueTicket(tx, deps(), { productId: small.id, holderName: "C" }));
    expect(() => box.writer.transact((tx) => issueTicket(tx, deps(), { productId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ", holderName: "" }))).toThrow(expect.objectContaining({ code: "product_unknown" }));
    expect(() => box.writer.transact((tx) => saveProduct(tx, deps(), { eventId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ", name: "x", priceMinor: 0, quota: null }))).toThrow(expect.objectContaining({ code: "event_unknown" }));
  });

  test("issued and scanned: admitted; the same nonce again answers the same and records nothing; a second nonce is already_redeemed with when and at which door", async () => {
    const ticket = issue("Ada Lovelace");
    expect(ticket.validFromMs).toBe(NOW + HOUR / 2 - 2 * HOUR);
    expect(ticket.validUntilMs).toBe(NOW + 6 * HOUR);
    const first = nonce();
    const admitted = await scan({ qr: ticket.qr, nonce: first, event_id: eventId });
    expect(admitted.status).toBe(200);
    const body = await admitted.text();
    expect(JSON.parse(body)).toEqual({ result: "admitted", ticket: { id: ticket.id, product: "Plein tarif", holder: "Ada Lovelace" }, checked_in_at_ms: NOW, entry_no: 1, list: eventId, direction: "entry", forced: false });
    clock.advance(60_000);
    const again = await scan({ qr: ticket.qr, nonce: first, event_id: eventId });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(checkinsOf(box.writer.sqlite, ticket.id)).toHaveLength(1);
    const second = await scan({ qr: ticket.qr, nonce: nonce() });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: "already_redeemed", redeemed_at_ms: NOW, door: "Porte A" });
    expect(checkinsOf(box.writer.sqlite, ticket.id).map((row) => row.code)).toEqual([null, "already_redeemed"]);
  });

  test("a revoked ticket is revoked; a ticket for another event is wrong_event", async () => {
    const revoked = issue();
    box.writer.transact((tx) => revokeTicket(tx, revoked.id));
    expect(() => box.writer.transact((tx) => revokeTicket(tx, revoked.id))).toThrow(expect.objectContaining({ code: "already_revoked" }));
    const refused = await scan({ qr: revoked.qr, nonce: nonce() });
    expect(refused.status).toBe(409);
    expect((await refused.json()).code).toBe("revoked");
    const elsewhere = await scan({ qr: issue().qr, nonce: nonce(), event_id: otherEventId });
    expect(elsewhere.status).toBe(409);
    expect((await elsewhere.json()).code).toBe("wrong_event");
  });

  test("outside the ticket's window: not_yet_valid before, expired after (recorded)", async () => {
    const ticket: Ticket = issue();
    clock.set(ticket.validFromMs - 1);
    const early = await scan({ qr: ticket.qr, nonce: nonce() });
    expect(early.status).toBe(409);
    expect((await early.json()).code).toBe("not_yet_valid");
    clock.set(ticket.validUntilMs + 1);
    const late = await scan({ qr: ticket.qr, nonce: nonce() });
    expect(late.status).toBe(409);
    expect((await late.json()).code).toBe("expired");
    expect(checkinsOf(box.writer.sqlite, ticket.id).map((row) => row.code)).toEqual(["not_yet_valid", "expired"]);
    clock.set(NOW + HOUR);
  });

  test("a forged QR is invalid_signature, garbage is qr_invalid, a bad nonce is nonce_invalid", async () => {
    const real = issue();
    const forger = signerFromPem(generateSigningKeyPem());
    const forged = encodeTicket({ ticketId: box.deps.newId(), eventId, productId, validFromMs: real.validFromMs, validUntilMs: real.validUntilMs }, forger);
    const refused = await scan({ qr: forged, nonce: nonce() });
    expect(refused.status).toBe(400);
    expect((await refused.json()).code).toBe("invalid_signature");
    for (const garbage of ["hello", real.qr.slice(0, -1), "X".repeat(5000)]) {
      const response = await scan({ qr: garbage, nonce: nonce() });
      expect(response.status).toBe(400);
      expect((await response.json()).code).toBe("qr_invalid");
    }
    const badNonce = await scan({ qr: real.qr, nonce: "short" });
    expect(badNonce.status).toBe(400);
    expect((await badNonce.json()).code).toBe("nonce_invalid");
  });

  test("20 concurrent scans of one ticket with 20 nonces admit it exactly once", async () => {
    const ticket = issue();
    const responses = await Promise.all(Array.from({ length: 20 }, () => scan({ qr: ticket.qr, nonce: nonce() })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect(checkinsOf(box.writer.sqlite, ticket.id).filter((row) => row.result === "admitted")).toHaveLength(1);
  });

  test("a door terminal may check in, a reader gets 403", async () => {
    expect((await scan({ qr: issue().qr, nonce: nonce() })).status).toBe(200);
    expect((await scan({ qr: issue().qr, nonce: nonce() }, readerToken)).status).toBe(403);
  });

  test("the box office page adds a product (12,50), sells a ticket (an order) to its printable QR page, and revokes it, logged", async () => {
    const client = new Client(box);
    await client.login();
    const added = await client.post(`/admin/ticketing/events/${eventId}/products`, { name: "Réduit <b>", price: "12,50", quota: "" });
    expect(added.status).toBe(200);
    const page = await added.text();
    expect(page).toContain("Réduit &lt;b&gt;");
    const product = box.writer.sqlite.query<{ id: string; price: number }, []>("SELECT id, price_minor AS price FROM ticket_products WHERE name = 'Réduit <b>'").get()!;
    expect(product.price).toBe(1250);
    // The sell form: the product's first price carries the product's id.
    const sold = await client.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: "box-office-checkins-1", [`qty_${product.id}`]: "1", holders: "<i>Grace</i>", buyer_name: "", payment: "cash" });
    expect(sold.status).toBe(303);
    const orderLocation = sold.headers.get("location")!;
    expect(orderLocation).toMatch(/^\/admin\/ticketing\/orders\/[0-9A-Z]{26}\?created=1$/);
    const ticketId = box.writer.sqlite.query<{ id: string }, []>("SELECT t.id FROM tickets t JOIN orders o ON o.id = t.order_id WHERE o.idempotency_key = 'box-office-checkins-1'").get()!.id;
    const location = `/admin/ticketing/tickets/${ticketId}`;
    expect(await (await client.get(orderLocation)).text()).toContain(`href="${location}"`);
    const ticketPage = await (await client.get(location)).text();
    expect(ticketPage).toContain("&lt;i&gt;Grace&lt;/i&gt;");
    expect(ticketPage).toContain("<svg");
    const revoked = await client.post(`${location}/revoke`, {});
    expect(revoked.status).toBe(200);
    const kinds = box.writer.sqlite.query<{ kind: string }, []>("SELECT kind FROM event_log WHERE kind LIKE 'ticket.%' OR kind LIKE 'order.%' ORDER BY seq").all().map((row) => row.kind);
    expect(kinds).toEqual(["order.created", "ticket.revoked"]);
  });
});
