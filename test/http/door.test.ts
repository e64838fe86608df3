// Proves the door page through the real router (app.handle): a door volunteer unlocked on a paired
// door scans a ticket (admitted: holder and product), the same ticket again is refused as already
// passed with the time and the door's name, the search finds a ticket by its holder's name and
// checks it in, the counters follow, and a cashier or an unpaired browser is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { createEvent, issueTicket, saveProduct } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 4, 10, 18, 0);

let box: TestBox;
let doorToken = "";
let doorId = "";
let doorVolunteerId = "";
let cashierId = "";
let eventId = "";
let productId = "";
let nonces = 0;
const nonce = () => `test-nonce-${++nonces}`;

beforeAll(async () => {
  box = testBox({ clock: new FakeClock(NOW) });
  await setUp(box);
  const door = box.auth.addTerminalSync("test", "door", "Porte <Nord>");
  doorToken = door.token;
  doorId = door.terminal.id;
  doorVolunteerId = (await box.auth.createOperator("test", { name: "Dom", role: "door", pin: "2222" })).id;
  cashierId = (await box.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" })).id;
  eventId = box.writer.transact(
    (tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW + HOUR / 2, capacity: null, tags: [], visibility: "private" }).id,
  );
  productId = box.writer.transact((tx) => saveProduct(tx, { newId: box.deps.newId }, { eventId, name: "Plein tarif", priceMinor: 1250, quota: null })).id;
});
afterAll(() => box.dispose());

function issue(holderName: string) {
  return box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId, holderName }));
}

function browser(operatorId?: string, token = doorToken, terminalId = doorId): Client {
  const client = new Client(box);
  client.cookies.set("tibox_terminal", token);
  if (operatorId) client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, operatorId, terminalId)).cookieValue);
  return client;
}

async function scan(client: Client, form: Record<string, string>) {
  const response = await client.request("POST", "/door/checkins", { form: { event_id: eventId, nonce: nonce(), ...form }, headers: { "hx-request": "true" } });
  return { status: response.status, text: await response.text() };
}

describe("the door page", () => {
  test("who may open it: a door volunteer on a door; not a cashier, not an unpaired browser; a locked door is sent to unlock", async () => {
    const page = await browser(doorVolunteerId).get("/door");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="door-scan"');
    expect(html).toContain("/assets/door.js");
    expect(html).toContain("Concert");
    expect((await browser(cashierId).get("/door")).status).toBe(403);
    expect((await new Client(box).get("/door")).status).toBe(401);
    const locked = await browser().get("/door");
    expect(locked.status).toBe(303);
    expect(locked.headers.get("location")).toBe("/terminal?next=%2Fdoor");
    const reader = box.auth.addTerminalSync("test", "reader", "Lecteur");
    expect((await browser(doorVolunteerId, reader.token, reader.terminal.id).get("/door")).status).toBe(403);
    expect((await (await new Client(box).get("/assets/door.js")).text())).toContain("KeyboardEvent.code");
  });

  test("a scan is admitted with the holder and product; the same ticket again is refused as already passed, with when and at which door", async () => {
    const client = browser(doorVolunteerId);
    const ticket = issue("Ada <Lovelace>");
    const admitted = await scan(client, { qr: ticket.qr });
    expect(admitted.status).toBe(200);
    expect(admitted.text).toContain('data-result="admitted"');
    expect(admitted.text).toContain("Ada &lt;Lovelace&gt;");
    expect(admitted.text).toContain("Plein tarif");
    const again = await scan(client, { qr: ticket.qr });
    expect(again.text).toContain('data-result="refused"');
    expect(again.text).toContain('data-code="already_redeemed"');
    // The same day: the time alone, readable at arm's length.
    expect(again.text).toContain("déjà passé à 20:00, à");
    expect(again.text).toContain("Porte &lt;Nord&gt;");
    const garbage = await scan(client, { qr: "NOT A TICKET" });
    expect(garbage.text).toContain('data-code="qr_invalid"');
    const noNonce = await scan(client, { qr: ticket.qr, nonce: "" });
    expect(noNonce.text).toContain('data-result="refused"');
  });

  test("the search finds a ticket by its holder's name and its button checks it in; the counters follow", async () => {
    const client = browser(doorVolunteerId);
    const ticket = issue("Grace Hopper");
    issue("Alan Turing");
    const search = await client.get(`/door/search?event=${eventId}&q=hopp`);
    const html = await search.text();
    expect(html).toContain("Grace Hopper");
    expect(html).not.toContain("Alan Turing");
    expect(html).toContain(`name="ticket_id" value="${ticket.id}"`);
    const byNumber = await (await client.get(`/door/search?event=${eventId}&q=${ticket.id.slice(-6)}`)).text();
    expect(byNumber).toContain("Grace Hopper");
    const admitted = await scan(client, { ticket_id: ticket.id });
    expect(admitted.text).toContain('data-result="admitted"');
    expect(admitted.text).toContain("Grace Hopper");
    // Counters: Ada and Grace in, of 3 tickets.
    expect(admitted.text).toContain('hx-swap-oob="true"');
    expect(admitted.text).toMatch(/data-testid="door-total">2 \/ 3</);
    const page = await (await client.get(`/door?event=${eventId}`)).text();
    expect(page).toMatch(/data-testid="door-count">2 \/ 3</);
  });

  test("a cashier is refused the scan too", async () => {
    const ticket = issue("Eve");
    const refused = await scan(browser(cashierId), { qr: ticket.qr });
    expect(refused.status).toBe(403);
  });
});
