// Proves tickets at the till through the real router (app.handle, a real SQLite file): the grid's
// "Billets" section lists the prices of ticket types on sale (names escaped, a sold-out type shown
// disabled as "complet", a closed sale left out), a ticket goes into the cart priced by the box
// (a free price asks its amount), the paid sale's screen lists its tickets with the print button
// and the printable page, that page shows one QR per ticket to this till only, the thermal print
// goes once per key to the receipt printer, the recent sale's screen lists them again (at this
// till only), a sold-out refusal at payment writes nothing, and a manager's void at the till
// revokes the tickets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { insertPrinter, savePointOfSale, setTerminalTraining } from "../../src/pos/index.ts";
import { findOrder, orderTickets, savePrice } from "../../src/ticketing/index.ts";
import { Client, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, rowCounts } from "../helpers/orders.ts";
import { seedCatalogue, setUpVenue } from "../helpers/pos.ts";

let box: TestBox;
let tillToken = "";
let tillId = "";
let otherTill = { token: "", id: "" };
let cashierId = "";
let managerId = "";
let itemId = "";
let fullPrice = "";
let freePrice = "";
let soldOutItem = "";
let closedItem = "";

beforeAll(async () => {
  box = testBox();
  await setUpVenue(box);
  seedCatalogue(box);
  const till = box.auth.addTerminalSync("test", "till", "Guichet");
  tillToken = till.token;
  tillId = till.terminal.id;
  const other = box.auth.addTerminalSync("test", "till", "Bar");
  otherTill = { token: other.token, id: other.terminal.id };
  cashierId = (await box.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" })).id;
  managerId = (await box.auth.createOperator("test", { name: "Maud", role: "manager", email: "maud@example.org", password: "long enough password", pin: "2468" })).id;
  const nowMs = box.deps.clock.nowMs();
  const eventId = makeEvent(box, nowMs + 48 * HOUR, { title: "<b>Jazz</b> & co" });
  const product = makeProduct(box, eventId, { name: "Entrée", priceMinor: 1200, quota: 3 });
  itemId = `tp_${product.id}`;
  fullPrice = box.sqlite.query<{ id: string }, [string]>("SELECT id FROM ticket_prices WHERE product_id = ?").get(product.id)!.id;
  freePrice = box.writer.transact((tx) => savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Soutien", kind: "free", amountMinor: 1500 })).id;
  const full = makeProduct(box, eventId, { name: "Carré or", priceMinor: 5000, quota: 0 });
  soldOutItem = `tp_${full.id}`;
  const closed = makeProduct(box, eventId, { name: "Prévente", priceMinor: 900, quota: null, saleUntilMs: nowMs - 1 });
  closedItem = `tp_${closed.id}`;
});
afterAll(() => box.dispose());

function browser(token = tillToken, terminalId = tillId, operatorId = cashierId, pos = "main"): Client {
  const client = new Client(box);
  client.cookies.set("tibox_terminal", token);
  client.cookies.set("tibox_pos", `${terminalId}.${pos}`);
  client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, operatorId, terminalId)).cookieValue);
  return client;
}

const HX = { "hx-request": "true" };

async function act(client: Client, path: string, form: Record<string, string>, headers: Record<string, string> = HX) {
  const response = await client.request("POST", path, { form, headers });
  return { status: response.status, text: await response.text() };
}

function stateOf(html: string): string {
  const match = /id="till-state" name="state" value="([^"]*)"/.exec(html);
  if (!match) throw new Error(`no state in ${html.slice(0, 400)}`);
  return match[1]!.replaceAll("&#34;", '"').replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

async function paidSale(client: Client, quantity: number): Promise<{ status: number; text: string }> {
  let state = "";
  for (let i = 0; i < quantity; i++) state = stateOf((await act(client, "/till/cart", { op: "add", item: itemId, price: fullPrice, state })).text);
  state = stateOf((await act(client, "/till/pay", { op: "open", state })).text);
  state = stateOf((await act(client, "/till/pay", { op: "cash", amount: String(1200 * quantity), state })).text);
  return act(client, "/till/sales", { state });
}

describe("the grid and the cart", () => {
  test("the Billets section lists prices on sale, escaped; sold out is shown disabled; a closed sale is left out", async () => {
    const html = await (await browser().get("/till")).text();
    expect(html).toContain('data-testid="till-tickets"');
    expect(html).toContain("Billets");
    expect(html).toContain("&lt;b&gt;Jazz&lt;/b&gt; &amp; co");
    expect(html).not.toContain("<b>Jazz</b>");
    expect(html).toContain(itemId);
    const soldOut = new RegExp(`<button[^>]*disabled[^>]*${soldOutItem}|${soldOutItem}[^>]*disabled`).test(html);
    expect(soldOut).toBe(true);
    expect(html).toContain("complet");
    expect(html).not.toContain(closedItem);
    // At a bar the tickets come after its own items; at a box office, first.
    expect(html).toContain('<div class="till-grid"><section class="category" style="--category: #3366cc"');
    box.writer.transact((tx) => savePointOfSale(tx, { code: "guichet", name: "Guichet", kind: "box_office" }));
    const office = await (await browser(tillToken, tillId, cashierId, "guichet").get("/till")).text();
    expect(office).toContain('<div class="till-grid"><section class="category tickets"');
  });

  test("a ticket goes into the cart priced by the box; a free price asks its amount, at least the minimum", async () => {
    const client = browser();
    const added = await act(client, "/till/cart", { op: "add", item: itemId, price: fullPrice, state: "" });
    expect(added.text).toContain("Entrée");
    expect(added.text).toContain("12,00");
    const ask = await act(client, "/till/cart", { op: "ask_free", item: itemId, price: freePrice, state: stateOf(added.text) });
    expect(ask.text).toContain('name="op" value="add_free"');
    const low = await act(client, "/till/cart", { op: "add_free", item: itemId, price: freePrice, amount: "10", state: stateOf(added.text) });
    expect(low.text).toContain("15,00");
    expect(JSON.parse(stateOf(low.text)).lines).toHaveLength(1);
    const ok = await act(client, "/till/cart", { op: "add_free", item: itemId, price: freePrice, amount: "20", state: stateOf(added.text) });
    expect(JSON.parse(stateOf(ok.text)).lines).toEqual([
      { item: itemId, price: fullPrice, amount: null, qty: 1 },
      { item: itemId, price: freePrice, amount: 2000, qty: 1 },
    ]);
    expect(ok.text).toContain("32,00");
  });
});

describe("the paid sale", () => {
  let orderId = "";

  test("the done screen lists the tickets, with the print button and the printable page", async () => {
    box.writer.transact((tx) => insertPrinter(tx, box.deps.newId, { name: "Caisse", kind: "simulated", address: "caisse", paperMm: 80, codePage: "pc858", printGroups: ["receipt"], hasCashDrawer: false, active: true }));
    const done = await paidSale(browser(), 2);
    expect(done.status).toBe(201);
    expect(done.text).toContain('data-testid="sale-tickets"');
    expect(done.text.match(/data-testid="sale-ticket"/g)).toHaveLength(2);
    orderId = /href="\/till\/tickets\/([0-9A-Z]+)"/.exec(done.text)![1]!;
    const order = findOrder(box.sqlite, orderId)!;
    expect(order).toMatchObject({ channel: "till", state: "paid", paymentMethod: "cash", terminalId: tillId });
    expect(box.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM sales WHERE id = ?").get(order.saleId!)!.n).toBe(1);
    expect(done.text).toContain("/print");
  });

  test("the printable page shows one QR per ticket, to this till only", async () => {
    const page = await browser().get(`/till/tickets/${orderId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.match(/data-testid="printable-ticket"/g)).toHaveLength(2);
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain("&lt;b&gt;Jazz&lt;/b&gt; &amp; co");
    expect((await browser(otherTill.token, otherTill.id).get(`/till/tickets/${orderId}`)).status).toBe(404);
    expect((await browser().get("/till/tickets/NOPE")).status).toBe(404);
  });

  test("the tickets print once per key on the receipt printer", async () => {
    const jobs = () => box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM print_jobs WHERE kind = 'ticket'").get()!.n;
    const before = jobs();
    const client = browser();
    const first = await act(client, `/till/tickets/${orderId}/print`, {}, { ...HX, "idempotency-key": "print-tickets-1" });
    expect(first.status).toBe(201);
    expect(first.text).toContain("Billets envoyés à l'imprimante (2)");
    const again = await act(client, `/till/tickets/${orderId}/print`, {}, { ...HX, "idempotency-key": "print-tickets-1" });
    expect(again.text).toBe(first.text);
    expect(jobs()).toBe(before + 2);
  });

  test("the recent sale's receipt screen lists its tickets again, at this till only", async () => {
    const number = box.sqlite.query<{ number: number }, [string]>("SELECT number FROM sales WHERE id = ?").get(findOrder(box.sqlite, orderId)!.saleId!)!.number;
    const here = await (await browser().get(`/till/sales/${number}`)).text();
    expect(here.match(/data-testid="sale-ticket"/g)).toHaveLength(2);
    expect(here).toContain(`href="/till/tickets/${orderId}"`);
    const there = await browser(otherTill.token, otherTill.id).get(`/till/sales/${number}`);
    expect(there.status).toBe(200);
    expect(await there.text()).not.toContain('data-testid="sale-tickets"');
  });

  test("a training till checks the tickets and issues none, and says so", async () => {
    box.writer.transact((tx) => setTerminalTraining(tx, { terminalId: otherTill.id, on: true, by: "test" }));
    const before = rowCounts(box);
    const done = await paidSale(browser(otherTill.token, otherTill.id), 1);
    expect(done.status).toBe(201);
    expect(done.text).toContain('data-testid="training-tickets"');
    expect(done.text).not.toContain('data-testid="sale-tickets"');
    const after = rowCounts(box);
    for (const table of ["orders", "tickets", "fiscal_records", "print_jobs"]) expect(after[table]).toBe(before[table]);
    box.writer.transact((tx) => setTerminalTraining(tx, { terminalId: otherTill.id, on: false, by: "test" }));
  });

  test("sold out at payment: the sale is refused and nothing is written", async () => {
    const client = browser();
    // One place is left of 3; the cart asks for 2.
    let state = "";
    for (let i = 0; i < 2; i++) state = stateOf((await act(client, "/till/cart", { op: "add", item: itemId, price: fullPrice, state })).text);
    state = stateOf((await act(client, "/till/pay", { op: "open", state })).text);
    state = stateOf((await act(client, "/till/pay", { op: "cash", amount: "2400", state })).text);
    const before = rowCounts(box);
    const refused = await act(client, "/till/sales", { state });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("complet");
    const after = rowCounts(box);
    // Only the stored refusal of the key remains.
    expect(after).toEqual({ ...before, idempotency_keys: after.idempotency_keys! });
  });

  test("a manager's void at the till revokes the sale's tickets", async () => {
    const order = findOrder(box.sqlite, orderId)!;
    const number = box.sqlite.query<{ number: number }, [string]>("SELECT number FROM sales WHERE id = ?").get(order.saleId!)!.number;
    const voided = await act(browser(tillToken, tillId, managerId), `/till/sales/${number}/void`, { reason: "erreur" }, { ...HX, "idempotency-key": "void-tickets-1" });
    expect(voided.status).toBe(201);
    expect(findOrder(box.sqlite, orderId)!.state).toBe("refunded");
    expect(orderTickets(box.sqlite, orderId).map((ticket) => ticket.state)).toEqual(["revoked", "revoked"]);
  });
});
