// Proves the till's pages through the real router (app.handle, a real SQLite file): who may open
// the till (a door terminal, a locked till and a door volunteer may not), the cart priced by the
// box whatever the page sends (a tampered state changes no price, an item's name is escaped), a
// card tap claimed once by its id and paying in spend priority with the member price, a cash
// payment with its change, the same payment sent twice being one sale and one ledger entry (the
// second answer replayed), a refusal that spends the key, a staff card tap that unlocks the
// terminal, and top-ups and refunds under the till's scope.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { attachCardToMember } from "../helpers/till.ts";
import { insertPrinter, saveItem, savePosSettings } from "../../src/pos/index.ts";
import { Client, testBox, type TestBox } from "../helpers/box.ts";
import { cardUid } from "../helpers/ledger.ts";
import { loadCard, seedCatalogue, setUpVenue, type Catalogue } from "../helpers/pos.ts";

let box: TestBox;
let items: Catalogue;
let tillToken = "";
let tillId = "";
let doorToken = "";
let cashierId = "";
let doorVolunteerId = "";
let managerId = "";
const deps = () => ({ signer: box.signer, newId: box.deps.newId, random: box.deps.random });

beforeAll(async () => {
  box = testBox();
  await setUpVenue(box);
  items = seedCatalogue(box);
  const till = box.auth.addTerminalSync("test", "till", "Bar 1");
  tillToken = till.token;
  tillId = till.terminal.id;
  doorToken = box.auth.addTerminalSync("test", "door", "Entrée").token;
  cashierId = (await box.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357", staffCardUid: "04ABCDEF" })).id;
  doorVolunteerId = (await box.auth.createOperator("test", { name: "Dom", role: "door", pin: "2222" })).id;
  managerId = (await box.auth.createOperator("test", { name: "Maud", role: "manager", email: "maud@example.org", password: "long enough password", pin: "2468" })).id;
});
afterAll(() => box.dispose());

/** A browser on a paired terminal, with an operator's session unlocked on it (or none: locked). */
function browser(terminalToken: string, operatorId?: string, terminalId: string | null = tillId): Client {
  const client = new Client(box);
  client.cookies.set("tibox_terminal", terminalToken);
  // This venue has two points of sale: the till has chosen "main" (as POST /till/pos does).
  client.cookies.set("tibox_pos", `${terminalId}.main`);
  if (operatorId) client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, operatorId, terminalId)).cookieValue);
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

function count(table: string, where = "1"): number {
  return box.sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get()!.n;
}

describe("who may use the till", () => {
  test("a cashier unlocked on a till gets the till; a locked till is sent to unlock and come back", async () => {
    const page = await browser(tillToken, cashierId).get("/till");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Bière");
    expect(html).toContain('sse-connect="/till/events?on=sale"');
    const locked = await browser(tillToken).get("/till");
    expect(locked.status).toBe(303);
    expect(locked.headers.get("location")).toBe("/terminal?next=%2Ftill");
  });

  test("a door terminal is refused, and so is a browser that is not paired", async () => {
    const door = box.auth.addTerminalSync("test", "door", "Porte 2");
    const atDoor = await browser(door.token, doorVolunteerId, door.terminal.id).get("/till");
    expect(atDoor.status).toBe(403);
    expect((await browser(doorToken).get("/till")).status).toBe(403);
    expect((await new Client(box).get("/till")).status).toBe(401);
  });

  test("a door volunteer's session on a till (never given by the box) is refused too", async () => {
    expect((await browser(tillToken, doorVolunteerId).get("/till")).status).toBe(403);
  });
});

describe("the point of sale", () => {
  test("with several points of sale, a till without a choice is asked, and remembers it", async () => {
    const client = new Client(box);
    client.cookies.set("tibox_terminal", tillToken);
    client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, cashierId, tillId)).cookieValue);
    expect(await (await client.get("/till")).text()).toContain("Point de vente de cette caisse");
    const chosen = await client.post("/till/pos", { point_of_sale: "shop" });
    expect(chosen.status).toBe(303);
    const page = await (await client.get("/till")).text();
    expect(page).toContain("T-shirt");
    expect(page).not.toContain("Burger");
  });
});

describe("the cart", () => {
  test("the box prices the cart; a price typed into the state changes nothing", async () => {
    const client = browser(tillToken, cashierId);
    let reply = await act(client, "/till/cart", { op: "add", item: items.beer.id, price: items.beer.prices[0]!.id, state: "" });
    expect(reply.status).toBe(200);
    reply = await act(client, "/till/cart", { op: "inc", index: "0", state: stateOf(reply.text) });
    expect(reply.text).toContain("9,00");
    const tampered = stateOf(reply.text).replace('"amount":null', '"amount":1');
    reply = await act(client, "/till/cart", { op: "add", item: items.coffee.id, price: items.coffee.prices[0]!.id, state: tampered });
    expect(reply.text).toContain("10,50");
  });

  test("a free price below its minimum is refused; an item's name is escaped", async () => {
    const client = browser(tillToken, cashierId);
    const bad = await act(client, "/till/cart", { op: "add_free", item: items.donation.id, price: items.donation.prices[0]!.id, amount: "1,50", state: "" });
    expect(bad.text).toContain("au moins 2,00");
    const good = await act(client, "/till/cart", { op: "add_free", item: items.donation.id, price: items.donation.prices[0]!.id, amount: "5", state: "" });
    expect(good.text).toContain("5,00");
    box.writer.transact((tx) => saveItem(tx, box.deps.newId, { name: "<img src=x onerror=alert(1)>", pointsOfSale: ["main"], prices: [{ label: "", kind: "fixed", amount: 100 }], vatRateBp: 2000 }));
    const page = await (await client.get("/till")).text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("paying", () => {
  async function cartWith(client: Client, ...lines: Array<{ id: string; prices: ReadonlyArray<{ id: string }> }>): Promise<string> {
    let state = "";
    for (const item of lines) state = stateOf((await act(client, "/till/cart", { op: "add", item: item.id, price: item.prices[0]!.id, state })).text);
    return state;
  }

  test("cash with change: one sale, the same request twice replays the answer", async () => {
    const client = browser(tillToken, cashierId);
    const state = await cartWith(client, items.beer, items.coffee);
    const opened = await act(client, "/till/pay", { op: "open", state });
    expect(opened.text).toContain("6,00");
    const paid = await act(client, "/till/pay", { op: "cash", amount: "1000", state: stateOf(opened.text) });
    expect(paid.text).toContain("4,00");
    expect(paid.text).toContain('data-testid="pay-command"');
    const command = stateOf(paid.text);
    const key = JSON.parse(command).key as string;
    const sales = count("sales");
    const first = await act(client, "/till/sales", { state: command });
    const second = await act(client, "/till/sales", { state: command });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.text).toContain('data-testid="paid"');
    expect(second.text).toContain(/Payé — vente n° (\d+)/.exec(first.text)![0]);
    expect(count("sales")).toBe(sales + 1);
    expect(count("idempotency_keys", `scope = 'terminal:${tillId}' AND key = '${key}'`)).toBe(1);
  });

  test("a card tap is claimed once, pays in spend priority, and a member pays the member price", async () => {
    const client = browser(tillToken, cashierId);
    const uid = loadCard(box, deps(), 11, 1000, "cash", tillId);
    attachCardToMember(box, uid, "Zoé Membre");
    const state = await cartWith(client, items.beer);
    const tap = box.deps.taps.deliver(tillId, { readerKey: `sim:${tillId}`, readerName: "Bar 1", source: "sim", uid });
    expect(tap.status).toBe("pending");
    const tapId = tap.status === "pending" ? tap.tap.id : "";
    const reply = await act(client, "/till/tap", { tap_id: tapId, state });
    expect(reply.text).toContain("Adhérent : Zoé Membre — adhésion valable jusqu’au");
    expect(reply.text).toContain('data-auto-submit="true"');
    expect(reply.text).toContain("4,00");
    const again = await act(client, "/till/tap", { tap_id: tapId, state });
    expect(again.text).toContain("expiré");
    const done = await act(client, "/till/sales", { state: stateOf(reply.text) });
    expect(done.status).toBe(201);
    expect(done.text).toContain("6,00");
    expect(done.text).toContain("<svg");
  });

  test("a refusal is shown, spends the key, and the next attempt gets a new one", async () => {
    const client = browser(tillToken, cashierId);
    const uid = loadCard(box, deps(), 12, 100, "cash", tillId);
    const card = box.sqlite.query<{ id: string }, [string]>("SELECT id FROM cards WHERE uid = ?").get(uid)!.id;
    const opened = stateOf((await act(client, "/till/pay", { op: "open", state: await cartWith(client, items.burger) })).text);
    const forged = JSON.stringify({ ...JSON.parse(opened), payments: [{ method: "nfc_card", amount: 1250, card }] });
    const refused = await act(client, "/till/sales", { state: forged });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("il manque 11,50");
    expect(JSON.parse(stateOf(refused.text)).key).not.toBe(JSON.parse(forged).key);
  });
});

describe("memberships and automatic receipts", () => {
  async function cashSale(client: Client): Promise<{ status: number; text: string }> {
    let state = stateOf((await act(client, "/till/cart", { op: "add", item: items.coffee.id, price: items.coffee.prices[0]!.id, state: "" })).text);
    state = stateOf((await act(client, "/till/pay", { op: "open", state })).text);
    state = stateOf((await act(client, "/till/pay", { op: "cash", amount: "150", state })).text);
    return act(client, "/till/sales", { state });
  }

  test("a tapped card shows its membership: green until a date when valid, orange when lapsed; the card API says the same", async () => {
    const client = browser(tillToken, cashierId);
    const valid = loadCard(box, deps(), 31, 500, "cash", tillId);
    attachCardToMember(box, valid, "Val Valide");
    const lapsed = loadCard(box, deps(), 32, 500, "cash", tillId);
    attachCardToMember(box, lapsed, "Léo Sans", 0);
    const tapOf = (uid: string) => {
      const tap = box.deps.taps.deliver(tillId, { readerKey: `sim:${tillId}`, readerName: "Bar 1", source: "sim", uid });
      return tap.status === "pending" ? tap.tap.id : "";
    };
    const green = await act(client, "/till/tap", { tap_id: tapOf(valid), state: "" });
    expect(green.text).toMatch(/member-status ok">Adhérent : Val Valide — adhésion valable jusqu’au \d\d\/\d\d\/\d{4}/);
    const orange = await act(client, "/till/tap", { tap_id: tapOf(lapsed), state: "" });
    expect(orange.text).toContain('member-status warn">Adhérent : Léo Sans — sans adhésion en cours');
    const api = (uid: string) => new Client(box).request("GET", `/api/v1/cards/${uid}`, { headers: { authorization: `Bearer ${tillToken}` } });
    const validBody = (await (await api(valid)).json()) as { membership: { valid: boolean; until: number | null } };
    expect(validBody.membership.valid).toBe(true);
    expect(validBody.membership.until).toBeGreaterThan(box.deps.clock.nowMs());
    expect(((await (await api(lapsed)).json()) as { membership: unknown }).membership).toEqual({ valid: false, until: null });
    const plain = loadCard(box, deps(), 33, 500, "cash", tillId);
    expect(((await (await api(plain)).json()) as { membership: unknown }).membership).toBeNull();
  });

  test("with automatic receipts on, a sale queues one receipt job; off (the default), none", async () => {
    box.writer.transact((tx) => insertPrinter(tx, box.deps.newId, { name: "Tickets", kind: "simulated", address: "r", paperMm: 80, codePage: "pc858", printGroups: ["receipt"], hasCashDrawer: false, active: true }));
    const client = browser(tillToken, cashierId);
    const receipts = () => count("print_jobs", "kind = 'receipt'");
    const before = receipts();
    const off = await cashSale(client);
    expect(off.status).toBe(201);
    expect(receipts()).toBe(before);
    expect(off.text).toContain('data-testid="paid"');
    box.writer.transact((tx) => savePosSettings(tx, { printReceiptsAutomatically: true }));
    const on = await cashSale(client);
    expect(on.status).toBe(201);
    expect(receipts()).toBe(before + 1);
    expect(on.text).toContain('data-testid="receipt-printed"');
    box.writer.transact((tx) => savePosSettings(tx, { printReceiptsAutomatically: false }));
  });
});

describe("unlocking with a staff card tap", () => {
  test("a tap of a staff card on a locked till unlocks it; an unknown card says so", async () => {
    const client = browser(tillToken);
    const unknown = box.deps.taps.deliver(tillId, { readerKey: "sim:x", readerName: "x", source: "sim", uid: "04999999" });
    const refused = await act(client, "/terminal/unlock", { tap_id: unknown.status === "pending" ? unknown.tap.id : "", next: "/till" });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("Carte staff inconnue");
    const staff = box.deps.taps.deliver(tillId, { readerKey: "sim:x", readerName: "x", source: "sim", uid: "04ABCDEF" });
    const response = await client.request("POST", "/terminal/unlock", { form: { tap_id: staff.status === "pending" ? staff.tap.id : "", next: "/till" }, headers: HX });
    expect(response.headers.get("hx-redirect")).toBe("/till");
    expect((await client.get("/till")).status).toBe(200);
  });
});

describe("money on cards", () => {
  test("a top-up and a refund run once each under the till's scope", async () => {
    const client = browser(tillToken, managerId);
    const uid = cardUid(21);
    const tap = box.deps.taps.deliver(tillId, { readerKey: "sim:x", readerName: "x", source: "sim", uid });
    const screen = await act(client, "/till/topup/tap", { tap_id: tap.status === "pending" ? tap.tap.id : "" });
    expect(screen.text).toContain("Recharger la carte");
    const key = /data-key="([^"]+)"/.exec(screen.text)![1]!;
    const form = { card: `uid:${uid}`, asset: "EUR", amount: "2000", method: "cash" };
    const first = await client.request("POST", "/till/topup", { form, headers: { ...HX, "idempotency-key": key } });
    const second = await client.request("POST", "/till/topup", { form, headers: { ...HX, "idempotency-key": key } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(count("ledger_entries", `kind = 'topup' AND scope = 'terminal:${tillId}' AND idempotency_key = '${key}'`)).toBe(1);
    const refund = await client.request("POST", "/till/refund", { form: { card: `uid:${uid}` }, headers: { ...HX, "idempotency-key": "refund-21" } });
    expect(refund.status).toBe(201);
    expect(await refund.text()).toContain("20,00");
  });
});
