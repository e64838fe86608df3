// Proves check-in lists and the extended check-in through the real router (app.handle) on a real
// SQLite file: list CRUD with its refusals; every refusal code in its order (revoked, wrong_event,
// product_not_admitted, unpaid from an order row, not_yet_valid/expired from the ticket's and the
// list's windows on a fake clock, already_redeemed with when and where, not_inside); entry numbers
// through in/out/in with re-entry and without; lists counted apart; a nonce answered again byte
// for byte without a write; malformed requests refused and not recorded; and the live counters.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import {
  checkinsOf,
  createEvent,
  deleteCheckinList,
  findCheckinList,
  issueTicket,
  listCheckinLists,
  listCounts,
  revokeTicket,
  saveCheckinList,
  saveProduct,
  type CheckinListInput,
} from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 4, 10, 18, 0);

let box: TestBox;
const clock = new FakeClock(NOW);
let doorToken = "";
let eventId = "";
let otherEventId = "";
let fullId = "";
let reducedId = "";
let otherProductId = "";
let nonces = 0;
const nonce = () => `lists-${++nonces}-nonce`;

const newId = () => box.deps.newId();
const issue = (productId = fullId, holderName = "Ada") => box.writer.transact((tx) => issueTicket(tx, { newId }, { productId, holderName }));
const saveList = (input: Partial<CheckinListInput> & { name: string }) =>
  box.writer.transact((tx) => saveCheckinList(tx, { newId }, { eventId, productIds: [], allowReentry: false, validFromMs: null, validUntilMs: null, ...input }));
const scan = (body: Record<string, unknown>, token = doorToken) =>
  box.app.handle(new Request("http://localhost/api/v1/checkins", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
const rowCount = () => box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM checkins").get()!.n;

/** An order in `state` holding the ticket, written directly (as the orders service would). */
function putInOrder(ticketId: string, state: string): void {
  box.writer.transact((tx) => {
    const id = newId();
    tx.sqlite
      .query("INSERT INTO orders (id, reference, channel, state, total_minor, idempotency_key, created_at_ms) VALUES (?, ?, 'online', ?, 1250, ?, ?)")
      .run(id, `R${id.slice(-8)}`, state, `key-${id}`, NOW);
    tx.sqlite.query("UPDATE tickets SET order_id = ? WHERE id = ?").run(id, ticketId);
  });
}

beforeAll(async () => {
  box = testBox({ clock });
  await setUp(box);
  doorToken = box.auth.addTerminalSync("test", "door", "Porte A").token;
  const make = (title: string) =>
    box.writer.transact(
      (tx) =>
        createEvent(tx, { signer: box.signer, newId }, { title, description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW + HOUR / 2, capacity: null, tags: [], visibility: "public" }).id,
    );
  eventId = make("Concert");
  otherEventId = make("Bal");
  fullId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Plein tarif", priceMinor: 1250, quota: null })).id;
  reducedId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Réduit", priceMinor: 800, quota: null })).id;
  otherProductId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId: otherEventId, name: "Bal", priceMinor: 500, quota: null })).id;
});
afterAll(() => box.dispose());

describe("check-in lists", () => {
  test("every event has its default list (id = the event's); lists are created, changed and deleted with stable refusals", () => {
    const lists = listCheckinLists(box.writer.sqlite, eventId);
    expect(lists.map((list) => [list.id, list.isDefault, list.productIds, list.allowReentry])).toEqual([[eventId, true, [], false]]);
    const vip = saveList({ name: "  Balcon  ", productIds: [reducedId, reducedId], allowReentry: true, validFromMs: NOW, validUntilMs: NOW + HOUR });
    expect(vip).toMatchObject({ name: "Balcon", eventId, productIds: [reducedId], allowReentry: true, validFromMs: NOW, validUntilMs: NOW + HOUR, isDefault: false });
    const renamed = saveList({ id: vip.id, name: "Balcon VIP", productIds: [fullId, reducedId], allowReentry: false });
    expect(renamed).toMatchObject({ id: vip.id, name: "Balcon VIP", productIds: [fullId, reducedId], allowReentry: false, validFromMs: null });
    const refusals: [Partial<CheckinListInput> & { name: string }, string][] = [
      [{ name: "  " }, "list_name_required"],
      [{ name: "x".repeat(101) }, "list_name_too_long"],
      [{ name: "Bal", productIds: [otherProductId] }, "list_products_invalid"],
      [{ name: "Fenêtre", validFromMs: NOW, validUntilMs: NOW }, "list_window_invalid"],
      [{ name: "Fenêtre", validFromMs: -5, validUntilMs: null }, "list_window_invalid"],
      [{ name: "Ailleurs", eventId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ" }, "event_unknown"],
      [{ name: "Autre", id: vip.id, eventId: otherEventId }, "list_unknown"],
    ];
    for (const [input, code] of refusals) expect(() => saveList(input)).toThrow(expect.objectContaining({ code }));
    expect(() => box.writer.transact((tx) => deleteCheckinList(tx, eventId))).toThrow(expect.objectContaining({ code: "list_default" }));
    expect(() => box.writer.transact((tx) => deleteCheckinList(tx, newId()))).toThrow(expect.objectContaining({ code: "list_unknown" }));
    box.writer.transact((tx) => deleteCheckinList(tx, vip.id));
    expect(findCheckinList(box.writer.sqlite, vip.id)).toBeUndefined();
  });

  test("an event has at most 20 lists (list_limit); a list with check-ins is kept (list_in_use)", async () => {
    const event = box.writer.transact(
      (tx) => createEvent(tx, { signer: box.signer, newId }, { title: "Festival", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 2 * HOUR, doorsAtMs: NOW + HOUR, capacity: null, tags: [], visibility: "private" }).id,
    );
    const made = Array.from({ length: 19 }, (_, index) => saveList({ eventId: event, name: `Porte ${index}` }));
    expect(() => saveList({ eventId: event, name: "Porte 20" })).toThrow(expect.objectContaining({ code: "list_limit" }));
    const product = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId: event, name: "Pass", priceMinor: 0, quota: null })).id;
    const ticket = issue(product);
    expect((await scan({ qr: ticket.qr, nonce: nonce(), list: made[0]!.id })).status).toBe(200);
    expect(() => box.writer.transact((tx) => deleteCheckinList(tx, made[0]!.id))).toThrow(expect.objectContaining({ code: "list_in_use" }));
  });
});

describe("check-ins on lists", () => {
  test("admitted on the event's default list when none is named: entry 1; the same nonce answers byte for byte and writes nothing; a second nonce is already_redeemed with when and where", async () => {
    const ticket = issue(fullId, "Ada Lovelace");
    const first = nonce();
    const admitted = await scan({ qr: ticket.qr, nonce: first });
    expect(admitted.status).toBe(200);
    const text = await admitted.text();
    expect(JSON.parse(text)).toEqual({ result: "admitted", ticket: { id: ticket.id, product: "Plein tarif", holder: "Ada Lovelace" }, checked_in_at_ms: NOW, entry_no: 1, list: eventId, direction: "entry", forced: false });
    const before = rowCount();
    clock.advance(1_000);
    const again = await scan({ qr: ticket.qr, nonce: first, list: eventId, direction: "exit" });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(text);
    expect(rowCount()).toBe(before);
    const second = await scan({ qr: ticket.qr, nonce: nonce(), list: eventId });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ code: "already_redeemed", message: "this ticket was already checked in", ticket_id: ticket.id, redeemed_at_ms: NOW, door: "Porte A" });
    clock.set(NOW);
  });

  test("refusals in order: revoked before wrong_event, wrong_event (a list of another event), product_not_admitted, unpaid (held, pay_on_site; paid passes)", async () => {
    const balList = box.writer.transact((tx) => saveCheckinList(tx, { newId }, { eventId: otherEventId, name: "Bal", productIds: [], allowReentry: false, validFromMs: null, validUntilMs: null }));
    const revoked = issue();
    box.writer.transact((tx) => revokeTicket(tx, revoked.id));
    const expectCode = async (body: Record<string, unknown>, status: number, code: string) => {
      const response = await scan({ nonce: nonce(), ...body });
      expect(response.status).toBe(status);
      expect((await response.json()).code).toBe(code);
    };
    await expectCode({ qr: revoked.qr, list: balList.id }, 409, "revoked");
    await expectCode({ qr: issue().qr, list: balList.id }, 409, "wrong_event");
    await expectCode({ qr: issue().qr, event_id: otherEventId }, 409, "wrong_event");
    const fullOnly = saveList({ name: "Parterre", productIds: [fullId] });
    const reduced = issue(reducedId);
    await expectCode({ qr: reduced.qr, list: fullOnly.id }, 409, "product_not_admitted");
    putInOrder(reduced.id, "held");
    // The product check comes first; on the default list (all products), the order is unpaid.
    await expectCode({ qr: reduced.qr, list: fullOnly.id }, 409, "product_not_admitted");
    await expectCode({ qr: reduced.qr }, 409, "unpaid");
    const onSite = issue();
    putInOrder(onSite.id, "pay_on_site");
    await expectCode({ qr: onSite.qr, list: fullOnly.id }, 409, "unpaid");
    const paid = issue();
    putInOrder(paid.id, "paid");
    expect((await scan({ qr: paid.qr, nonce: nonce(), list: fullOnly.id })).status).toBe(200);
    expect(checkinsOf(box.writer.sqlite, onSite.id).map((row) => [row.result, row.code, row.list])).toEqual([["refused", "unpaid", fullOnly.id]]);
  });

  test("windows on a fake clock: the ticket's (doors - 2 h to end + 2 h) and the list's, both; exits are not refused for the time", async () => {
    const late = saveList({ name: "Après minuit", validFromMs: NOW + 2 * HOUR, validUntilMs: NOW + 3 * HOUR });
    const ticket = issue();
    const code = async (body: Record<string, unknown>) => {
      const response = await scan({ qr: ticket.qr, nonce: nonce(), ...body });
      return response.status === 200 ? "admitted" : (await response.json()).code;
    };
    clock.set(ticket.validFromMs - 1);
    expect(await code({})).toBe("not_yet_valid");
    clock.set(NOW + 2 * HOUR - 1);
    expect(await code({ list: late.id })).toBe("not_yet_valid");
    clock.set(NOW + 3 * HOUR + 1);
    expect(await code({ list: late.id })).toBe("expired");
    clock.set(ticket.validUntilMs + 1);
    expect(await code({})).toBe("expired");
    clock.set(NOW + 2 * HOUR);
    expect(await code({ list: late.id })).toBe("admitted");
    clock.set(NOW + 5 * HOUR);
    expect(await code({ list: late.id, direction: "exit" })).toBe("admitted");
    expect(checkinsOf(box.writer.sqlite, ticket.id).map((row) => row.code ?? `${row.direction} ${row.entryNo}`)).toEqual(["not_yet_valid", "not_yet_valid", "expired", "expired", "entry 1", "exit 1"]);
    clock.set(NOW);
  });

  test("re-entry: in (1), out, in (2); in while inside is already_redeemed naming the second entry's door; out twice is not_inside; without re-entry, in after out is already_redeemed", async () => {
    const doorB = box.auth.addTerminalSync("test", "door", "Porte B").token;
    const terrace = saveList({ name: "Terrasse", allowReentry: true });
    const ticket = issue();
    const pass = async (direction: string, token = doorToken, list = terrace.id) => {
      const response = await scan({ qr: ticket.qr, nonce: nonce(), list, direction }, token);
      return { status: response.status, body: await response.json() };
    };
    expect((await pass("exit")).body.code).toBe("not_inside");
    expect((await pass("entry")).body).toMatchObject({ result: "admitted", entry_no: 1, direction: "entry" });
    clock.advance(60_000);
    expect((await pass("exit")).body).toMatchObject({ result: "admitted", entry_no: 1, direction: "exit" });
    expect((await pass("exit")).body.code).toBe("not_inside");
    clock.advance(60_000);
    expect((await pass("entry", doorB)).body).toMatchObject({ result: "admitted", entry_no: 2 });
    const inside = await pass("entry");
    expect(inside.status).toBe(409);
    expect(inside.body).toMatchObject({ code: "already_redeemed", redeemed_at_ms: NOW + 120_000, door: "Porte B" });
    const entries = box.writer.sqlite
      .query<{ n: number }, [string, string]>("SELECT count(*) AS n FROM checkins WHERE ticket_id = ? AND list = ? AND result = 'admitted' AND direction = 'entry'")
      .get(ticket.id, terrace.id)!.n;
    expect(entries).toBe(2);
    // The same ticket on a list without re-entry: once in, never again.
    const hall = saveList({ name: "Salle" });
    expect((await pass("entry", doorToken, hall.id)).status).toBe(200);
    expect((await pass("exit", doorToken, hall.id)).status).toBe(200);
    const again = await pass("entry", doorToken, hall.id);
    expect(again.body).toMatchObject({ code: "already_redeemed", redeemed_at_ms: NOW + 120_000, door: "Porte A" });
    // The unique index refuses a second entry 1 whatever the code does.
    expect(() =>
      box.writer.transact((tx) =>
        tx.sqlite.query("INSERT INTO checkins (id, ticket_id, nonce, device, result, at_ms, list, direction, entry_no) VALUES (?, ?, ?, 'x', 'admitted', 0, ?, 'entry', 1)").run(newId(), ticket.id, nonce(), hall.id),
      ),
    ).toThrow();
    clock.set(NOW);
  });

  test("not a ticket: qr_invalid is 400 and recorded; malformed requests are 400 and not recorded", async () => {
    const ticket = issue();
    const before = rowCount();
    for (const qr of ["hello", ticket.qr.slice(0, -1)]) {
      const response = await scan({ qr, nonce: nonce() });
      expect([response.status, (await response.json()).code]).toEqual([400, "qr_invalid"]);
    }
    expect(rowCount()).toBe(before + 2);
    const malformed: [Record<string, unknown>, string][] = [
      [{ qr: ticket.qr, nonce: "short" }, "nonce_invalid"],
      [{ qr: 42, nonce: nonce() }, "qr_invalid"],
      [{ qr: ticket.qr, nonce: nonce(), list: "not-a-list" }, "list_invalid"],
      [{ qr: ticket.qr, nonce: nonce(), list: newId() }, "list_unknown"],
      [{ qr: ticket.qr, nonce: nonce(), list: eventId, event_id: otherEventId }, "list_unknown"],
      [{ qr: ticket.qr, nonce: nonce(), event_id: "nope" }, "event_id_invalid"],
      [{ qr: ticket.qr, nonce: nonce(), direction: "sideways" }, "direction_invalid"],
      [{ qr: ticket.qr, nonce: nonce(), forced: "yes", scanned_at: NOW }, "forced_invalid"],
      [{ qr: ticket.qr, nonce: nonce(), forced: true }, "scanned_at_invalid"],
      [{ qr: ticket.qr, nonce: nonce(), forced: true, scanned_at: 1.5 }, "scanned_at_invalid"],
    ];
    for (const [body, code] of malformed) {
      const response = await scan(body);
      expect(response.status).toBe(code === "list_unknown" ? 404 : 400);
      expect((await response.json()).code).toBe(code);
    }
    expect(rowCount()).toBe(before + 2);
  });

  test("counters per list: inside now (entries minus exits), checked in per admitted product against issued", async () => {
    const event = box.writer.transact(
      (tx) => createEvent(tx, { signer: box.signer, newId }, { title: "Cabaret", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 3 * HOUR, doorsAtMs: NOW, capacity: null, tags: [], visibility: "private" }).id,
    );
    const seat = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId: event, name: "Assis", priceMinor: 900, quota: null })).id;
    const stand = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId: event, name: "Debout", priceMinor: 500, quota: null })).id;
    const bar = box.writer.transact((tx) => saveCheckinList(tx, { newId }, { eventId: event, name: "Bar", productIds: [], allowReentry: true, validFromMs: null, validUntilMs: null }));
    const seats = [issue(seat), issue(seat), issue(seat)];
    const stands = [issue(stand), issue(stand)];
    for (const ticket of [...seats, ...stands.slice(0, 1)]) expect((await scan({ qr: ticket.qr, nonce: nonce(), list: bar.id })).status).toBe(200);
    expect((await scan({ qr: seats[0]!.qr, nonce: nonce(), list: bar.id, direction: "exit" })).status).toBe(200);
    expect((await scan({ qr: seats[1]!.qr, nonce: nonce(), list: bar.id, direction: "exit" })).status).toBe(200);
    expect((await scan({ qr: seats[0]!.qr, nonce: nonce(), list: bar.id })).status).toBe(200);
    const counts = listCounts(box.writer.sqlite, findCheckinList(box.writer.sqlite, bar.id)!);
    expect(counts).toEqual({ inside: 3, admitted: 4, issued: 5, products: [{ name: "Assis", admitted: 3, issued: 3 }, { name: "Debout", admitted: 1, issued: 2 }] });
    const seatsOnly = box.writer.transact((tx) => saveCheckinList(tx, { newId }, { eventId: event, name: "Loges", productIds: [seat], allowReentry: false, validFromMs: null, validUntilMs: null }));
    expect(listCounts(box.writer.sqlite, seatsOnly)).toEqual({ inside: 0, admitted: 0, issued: 3, products: [{ name: "Assis", admitted: 0, issued: 3 }] });
  });
});
