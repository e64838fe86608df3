// Proves memberships at the till through the real router (app.handle, a real SQLite file): the
// grid's "Adhésions" section lists the active membership products as mp_ items (name escaped, the
// duration and "member card required" on the button, a free price asking its amount); a sale
// without a member card is refused at payment with its message and writes nothing; with the
// member's card on the sale it is paid, writes a paid till order with the membership line, and
// the member's membership is valid.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { insertMember, membershipOf, saveMembershipProduct } from "../../src/membership/index.ts";
import { findOrder } from "../../src/ticketing/index.ts";
import { cardByUid, insertWallet, moveAllBalances } from "../../src/wallet/index.ts";
import { Client, testBox, type TestBox } from "../helpers/box.ts";
import { rowCounts } from "../helpers/orders.ts";
import { inProcess } from "../helpers/ledger.ts";
import { loadCard, seedCatalogue, setUpVenue } from "../helpers/pos.ts";

let box: TestBox;
let tillToken = "";
let tillId = "";
let cashierId = "";
let yearId = "";
let supportId = "";

beforeAll(async () => {
  box = testBox();
  await setUpVenue(box);
  seedCatalogue(box);
  const till = box.auth.addTerminalSync("test", "till", "Guichet");
  tillToken = till.token;
  tillId = till.terminal.id;
  cashierId = (await box.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" })).id;
  box.writer.transact((tx) => {
    yearId = saveMembershipProduct(tx, box.deps, { name: "<i>Adhésion</i> annuelle", duration: "rolling_year", amountMinor: 1500 }).id;
    supportId = saveMembershipProduct(tx, box.deps, { name: "Soutien", duration: "calendar_year", amountMinor: 500, freePrice: true }).id;
  });
});
afterAll(() => box.dispose());

function browser(): Client {
  const client = new Client(box);
  client.cookies.set("tibox_terminal", tillToken);
  client.cookies.set("tibox_pos", `${tillId}.main`);
  client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, cashierId, tillId)).cookieValue);
  return client;
}

const HX = { "hx-request": "true" };

async function act(client: Client, path: string, form: Record<string, string>) {
  const response = await client.request("POST", path, { form, headers: HX });
  return { status: response.status, text: await response.text() };
}

function stateOf(html: string): string {
  const match = /id="till-state" name="state" value="([^"]*)"/.exec(html);
  if (!match) throw new Error(`no state in ${html.slice(0, 400)}`);
  return match[1]!.replaceAll("&#34;", '"').replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

/** A member's card (loaded with 50 €), as the till's state names a tapped card: its id. */
function memberCard(n: number): { cardId: string; memberId: string } {
  const uid = loadCard(box, { signer: box.signer, newId: box.deps.newId, random: box.deps.random }, n, 5_000);
  return box.writer.transact((tx) => {
    const card = cardByUid(tx.sqlite, uid)!;
    const member = insertMember(tx, box.deps.newId, { name: `Noé ${n}` }, insertWallet(tx, box.deps.newId));
    moveAllBalances(tx, { signer: box.signer, newId: box.deps.newId, random: box.deps.random }, { scope: "test", idempotencyKey: `merge-${n}`, role: "manager" }, "merge", card.walletId, member.walletId, { card: card.id });
    tx.sqlite.query("UPDATE cards SET wallet_id = ? WHERE id = ?").run(member.walletId, card.id);
    return { cardId: card.id, memberId: member.id };
  });
}

describe("memberships at the till", () => {
  test("the Adhésions section lists the products, escaped, with their duration and the card they need", async () => {
    const html = await (await browser().get("/till")).text();
    expect(html).toContain("Adhésions");
    expect(html).toContain(`mp_${yearId}`);
    expect(html).toContain("&lt;i&gt;Adhésion&lt;/i&gt; annuelle");
    expect(html).not.toContain("<i>Adhésion</i>");
    expect(html).toContain("un an de date à date · carte d&#x27;adhérent requise");
    const client = browser();
    const ask = await act(client, "/till/cart", { op: "ask_free", item: `mp_${supportId}`, price: supportId, state: "" });
    expect(ask.text).toContain('name="op" value="add_free"');
  });

  test("without a member card the sale is refused and writes nothing; with it, paid and the membership granted", async () => {
    const client = browser();
    let state = stateOf((await act(client, "/till/cart", { op: "add", item: `mp_${yearId}`, price: yearId, state: "" })).text);
    expect(JSON.parse(state).lines).toEqual([{ item: `mp_${yearId}`, price: yearId, amount: null, qty: 1 }]);
    state = stateOf((await act(client, "/till/pay", { op: "open", state })).text);
    state = stateOf((await act(client, "/till/pay", { op: "cash", amount: "1500", state })).text);
    // The refusal is the sale key's stored answer (idempotency_keys); nothing else is written.
    const { idempotency_keys: _keys, ...before } = rowCounts(box);
    const refused = await act(client, "/till/sales", { state });
    expect(refused.text).toContain("Une adhésion se vend à un adhérent");
    const { idempotency_keys: _after, ...after } = rowCounts(box);
    expect(after).toEqual(before);

    // The member's card on the sale (as a tap with an empty cart puts it), then the same steps.
    const { cardId, memberId } = memberCard(81);
    state = JSON.stringify({ pos: "main", lines: [], member: cardId, screen: "cart", key: null, payments: [], expected: null });
    state = stateOf((await act(client, "/till/cart", { op: "add", item: `mp_${yearId}`, price: yearId, state })).text);
    state = stateOf((await act(client, "/till/pay", { op: "open", state })).text);
    state = stateOf((await act(client, "/till/pay", { op: "cash", amount: "1500", state })).text);
    const paid = await act(client, "/till/sales", { state });
    expect(paid.status).toBe(201);
    const order = box.sqlite.query<{ id: string }, []>("SELECT id FROM orders ORDER BY created_at_ms DESC, rowid DESC LIMIT 1").get()!;
    expect(findOrder(box.sqlite, order.id)).toMatchObject({ channel: "till", state: "paid", paymentMethod: "cash", memberId, totalMinor: 1500, lines: [{ kind: "membership", productId: yearId }] });
    expect(membershipOf(box.sqlite, memberId, box.deps.clock.nowMs()).valid).toBe(true);
  });

  test("the device API: the catalogue lists the memberships; a sale of mp_ with the member's card grants it", async () => {
    const send = inProcess(box);
    const cam = await box.auth.createOperator("test", { name: "Cam API", role: "cashier", pin: "2580" });
    const session = JSON.parse((await send("POST", "/api/v1/sessions", { token: tillToken, json: { operator_id: cam.id, pin: "2580" } })).text).session_token as string;
    const catalogue = JSON.parse((await send("GET", "/api/v1/catalogue?point_of_sale=main", { token: tillToken })).text);
    expect(catalogue.memberships).toContainEqual({ item_id: `mp_${supportId}`, name: "Soutien", duration: "calendar_year", custom_days: null, price: { id: supportId, kind: "free", amount: 500 } });
    const { memberId } = memberCard(82);
    const uid = box.sqlite.query<{ uid: string }, [string]>("SELECT c.uid FROM cards c JOIN members m ON m.wallet_id = c.wallet_id WHERE m.id = ?").get(memberId)!.uid;
    const line = { item_id: `mp_${supportId}`, amount: 700, quantity: 1 };
    const refused = await send("POST", "/api/v1/sales", { token: tillToken, session, key: "mp-sale-1", json: { point_of_sale: "main", lines: [line], payments: [{ method: "cash", amount: 700 }] } });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.text).code).toBe("member_required");
    const sold = await send("POST", "/api/v1/sales", { token: tillToken, session, key: "mp-sale-2", json: { point_of_sale: "main", lines: [line], payments: [{ method: "cash", amount: 700 }], member_card_uid: uid } });
    expect(sold.status).toBe(201);
    const body = JSON.parse(sold.text);
    expect(findOrder(box.sqlite, body.order_id)).toMatchObject({ state: "paid", memberId, totalMinor: 700, lines: [{ kind: "membership", productId: supportId }] });
    expect(body.membership_until).toBe(membershipOf(box.sqlite, memberId, box.deps.clock.nowMs()).until);
    expect(membershipOf(box.sqlite, memberId, box.deps.clock.nowMs()).valid).toBe(true);
  });
});
