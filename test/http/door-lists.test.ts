// Proves the check-in lists' pages and the door page on a list through the real router
// (app.handle): an admin adds a list admitting one product with re-entry (several product_ids
// checkboxes in one form), edits and deletes it (logged in the event log), refusals come back on
// the page; the door page offers the upcoming events' lists, shows entry/exit on a re-entry list,
// a form scan on the list goes in then out (the panel says so), the counters say who is inside
// and poll /door/counters; a product the list does not admit is refused in words.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { createEvent, findCheckinList, issueTicket, listCheckinLists, saveProduct } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 4, 10, 18, 0);

let box: TestBox;
let doorToken = "";
let doorId = "";
let volunteerId = "";
let eventId = "";
let seatId = "";
let standId = "";
let nonces = 0;
const nonce = () => `lists-page-${++nonces}`;
const newId = () => box.deps.newId();

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(NOW) });
  await setUp(box);
  const door = box.auth.addTerminalSync("test", "door", "Porte Est");
  doorToken = door.token;
  doorId = door.terminal.id;
  volunteerId = (await box.auth.createOperator("test", { name: "Dom", role: "door", pin: "2222" })).id;
  eventId = box.writer.transact(
    (tx) => createEvent(tx, { signer: box.signer, newId }, { title: "Guinguette", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW, capacity: null, tags: [], visibility: "public" }).id,
  );
  seatId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Assis", priceMinor: 900, quota: null })).id;
  standId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Debout", priceMinor: 500, quota: null })).id;
});
afterAll(() => box.dispose());

function door(): Client {
  const client = new Client(box);
  client.cookies.set("tibox_terminal", doorToken);
  client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, volunteerId, doorId)).cookieValue);
  return client;
}

async function formPost(client: Client, path: string, pairs: [string, string][]): Promise<Response> {
  await client.get("/healthz");
  const body = new URLSearchParams([...pairs, ["_csrf", client.cookies.get("tibox_csrf")!]]);
  const cookie = [...client.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
  return box.app.handle(new Request(`http://localhost${path}`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: body.toString() }));
}

describe("the check-in lists' admin page", () => {
  test("add a list with one product and re-entry, edit it to two products, refusals shown, delete it; logged", async () => {
    const admin = new Client(box);
    await admin.login();
    const base = `/admin/ticketing/events/${eventId}/lists`;
    const page = await admin.get(base);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("(par défaut)");
    const added = await formPost(admin, base, [
      ["name", "Balcon <VIP>"],
      ["product_ids", seatId],
      ["allow_reentry", "1"],
      ["valid_from", ""],
      ["valid_until", ""],
    ]);
    expect(added.status).toBe(200);
    const html = await added.text();
    // Escaped as text; inside the name field's quoted value, < and > are harmless (and quotes are escaped).
    expect(html).toContain("<span>Balcon &lt;VIP&gt;</span>");
    expect(html).not.toContain("<VIP></span>");
    const list = listCheckinLists(box.writer.sqlite, eventId).find((row) => !row.isDefault)!;
    expect(list).toMatchObject({ name: "Balcon <VIP>", productIds: [seatId], allowReentry: true, validFromMs: null });
    const edited = await formPost(admin, `${base}/${list.id}`, [
      ["name", "Balcon"],
      ["product_ids", seatId],
      ["product_ids", standId],
      ["valid_from", "2030-05-10T20:00"],
      ["valid_until", "2030-05-10T23:00"],
    ]);
    expect(edited.status).toBe(200);
    expect(findCheckinList(box.writer.sqlite, list.id)).toMatchObject({ name: "Balcon", productIds: [seatId, standId], allowReentry: false, validFromMs: Date.UTC(2030, 4, 10, 18, 0), validUntilMs: Date.UTC(2030, 4, 10, 21, 0) });
    const refused = await formPost(admin, base, [
      ["name", "Fenêtre"],
      ["valid_from", "2030-05-10T23:00"],
      ["valid_until", "2030-05-10T20:00"],
    ]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Une liste ferme après son ouverture.");
    const keptDefault = await formPost(admin, `${base}/${eventId}/delete`, []);
    expect(keptDefault.status).toBe(409);
    const deleted = await formPost(admin, `${base}/${list.id}/delete`, []);
    expect(deleted.status).toBe(200);
    expect(findCheckinList(box.writer.sqlite, list.id)).toBeUndefined();
    const kinds = box.writer.sqlite.query<{ kind: string }, []>("SELECT kind FROM event_log WHERE kind LIKE 'config.checkin_list%' ORDER BY seq").all().map((row) => row.kind);
    expect(kinds).toEqual(["config.checkin_list_saved", "config.checkin_list_saved", "config.checkin_list_deleted"]);
  });
});

describe("the door page on a list", () => {
  test("offers the lists, shows entry/exit where re-entry is allowed; in, then out; counters say who is inside and poll", async () => {
    const admin = new Client(box);
    await admin.login();
    await formPost(admin, `/admin/ticketing/events/${eventId}/lists`, [
      ["name", "Terrasse"],
      ["product_ids", seatId],
      ["allow_reentry", "1"],
    ]);
    const terrace = listCheckinLists(box.writer.sqlite, eventId).find((row) => row.name === "Terrasse")!;
    const client = door();
    const plain = await (await client.get(`/door?event=${eventId}`)).text();
    expect(plain).toContain(`<option value="${terrace.id}"`);
    expect(plain).toMatch(new RegExp(`<option value="${eventId}" selected`));
    expect(plain).not.toContain('data-testid="door-direction"');
    const page = await (await client.get(`/door?list=${terrace.id}`)).text();
    expect(page).toMatch(new RegExp(`<option value="${terrace.id}" selected`));
    expect(page).toContain('data-testid="door-direction"');
    expect(page).toContain(`name="list" value="${terrace.id}"`);
    expect(page).toContain(`hx-get="/door/counters?list=${terrace.id}"`);
    const seat = box.writer.transact((tx) => issueTicket(tx, { newId }, { productId: seatId, holderName: "Rosa" }));
    const scan = async (form: Record<string, string>) => {
      const response = await client.request("POST", "/door/checkins", { form: { list: terrace.id, nonce: nonce(), ...form }, headers: { "hx-request": "true" } });
      return response.text();
    };
    const entry = await scan({ qr: seat.qr, direction: "entry" });
    expect(entry).toContain('data-result="admitted"');
    expect(entry).toMatch(/data-testid="door-inside">1</);
    const exit = await scan({ qr: seat.qr, direction: "exit" });
    expect(exit).toContain("Sortie enregistrée");
    expect(exit).toMatch(/data-testid="door-inside">0</);
    const outAgain = await scan({ qr: seat.qr, direction: "exit" });
    expect(outAgain).toContain('data-code="not_inside"');
    const stand = box.writer.transact((tx) => issueTicket(tx, { newId }, { productId: standId, holderName: "Léo" }));
    const wrongProduct = await scan({ qr: stand.qr });
    expect(wrongProduct).toContain('data-code="product_not_admitted"');
    expect(wrongProduct).toContain("pas accepté à cette entrée");
    const counters = await client.get(`/door/counters?list=${terrace.id}`);
    expect(counters.status).toBe(200);
    const countersHtml = await counters.text();
    expect(countersHtml).toMatch(/data-testid="door-inside">0</);
    expect(countersHtml).toMatch(/data-testid="door-total">1 \/ 1</);
    // A list gone while a door polls it: 204, nothing swapped.
    expect((await client.get(`/door/counters?list=${newId()}`)).status).toBe(204);
  });
});
