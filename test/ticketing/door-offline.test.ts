// Proves the box's side of the offline door through the real router (app.handle) on a real SQLite
// file: forced uploads are admitted when the ticket was valid at the door's scan time (forced = 1,
// scanned_at kept, at_ms the upload's time), and otherwise recorded as conflicts answered 200 with
// their code (already_redeemed names the first entry's time and door), replayed byte for byte; the
// snapshot carries what a door needs to verify tickets by itself (its certificate checks with
// @noble/curves against the venue key) and answers 304 to its etag until something changes; the
// door page's session routes give the same; and the conflicts page shows who, where and when.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession } from "../../src/auth/index.ts";
import { FakeClock, fromHex, generateSigningKeyPem, signerFromPem, verifySignatureIndependently } from "../../src/kernel/index.ts";
import { checkinsOf, createEvent, decodeTicket, encodeTicket, issueTicket, revokeTicket, saveCheckinList, saveProduct, verifyCertificate, type EventCertificate, type SnapshotTicket } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 4, 10, 18, 0);

let box: TestBox;
const clock = new FakeClock(NOW);
let doorToken = "";
let doorId = "";
let offlineToken = "";
let readerToken = "";
let tillToken = "";
let tillId = "";
let eventId = "";
let productId = "";
let volunteerId = "";
let nonces = 0;
const nonce = () => `offline-${++nonces}-nonce`;
const newId = () => box.deps.newId();
const issue = (holderName = "Ada") => box.writer.transact((tx) => issueTicket(tx, { newId }, { productId, holderName }));
const scan = (body: Record<string, unknown>, token = doorToken) =>
  box.app.handle(new Request("http://localhost/api/v1/checkins", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
const snapshot = (list: string, headers: Record<string, string> = {}, token = doorToken) =>
  box.app.handle(new Request(`http://localhost/api/v1/door/snapshot?list=${list}`, { headers: { authorization: `Bearer ${token}`, ...headers } }));

beforeAll(async () => {
  box = testBox({ clock });
  await setUp(box);
  const door = box.auth.addTerminalSync("test", "door", "Porte A");
  doorToken = door.token;
  doorId = door.terminal.id;
  offlineToken = box.auth.addTerminalSync("test", "door", "Téléphone <hors ligne>").token;
  readerToken = box.auth.addTerminalSync("test", "reader", "Lecteur").token;
  const till = box.auth.addTerminalSync("test", "till", "Bar");
  tillToken = till.token;
  tillId = till.terminal.id;
  volunteerId = (await box.auth.createOperator("test", { name: "Dom", role: "door", pin: "2222" })).id;
  eventId = box.writer.transact(
    (tx) => createEvent(tx, { signer: box.signer, newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW + HOUR / 2, capacity: null, tags: [], visibility: "public" }).id,
  );
  productId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Plein tarif", priceMinor: 1250, quota: null })).id;
});
afterAll(() => box.dispose());

describe("forced uploads", () => {
  test("a valid ticket not yet in is admitted: forced, scanned_at kept, at_ms the upload's time; judged at the door's time", async () => {
    const ticket = issue("Grace");
    // Scanned offline inside the window, uploaded after it closed: still admitted.
    clock.set(ticket.validUntilMs + HOUR);
    const response = await scan({ qr: ticket.qr, nonce: nonce(), list: eventId, forced: true, scanned_at: NOW + HOUR }, offlineToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      result: "admitted",
      ticket: { id: ticket.id, product: "Plein tarif", holder: "Grace" },
      checked_in_at_ms: ticket.validUntilMs + HOUR,
      entry_no: 1,
      list: eventId,
      direction: "entry",
      forced: true,
      scanned_at: NOW + HOUR,
    });
    expect(checkinsOf(box.writer.sqlite, ticket.id)).toEqual([
      { result: "admitted", code: null, atMs: ticket.validUntilMs + HOUR, device: expect.any(String), list: eventId, direction: "entry", entryNo: 1, forced: true, scannedAtMs: NOW + HOUR },
    ]);
    clock.set(NOW);
  });

  test("two doors let one ticket in: the second upload is a 200 conflict naming the first entry; the same nonce answers it again byte for byte", async () => {
    const ticket = issue("Linus");
    expect((await scan({ qr: ticket.qr, nonce: nonce() })).status).toBe(200);
    clock.advance(5 * 60_000);
    const upload = nonce();
    const response = await scan({ qr: ticket.qr, nonce: upload, forced: true, scanned_at: NOW + 60_000 }, offlineToken);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      result: "conflict",
      code: "already_redeemed",
      message: "this ticket was already checked in",
      ticket_id: ticket.id,
      first: { at: NOW, door: "Porte A" },
      recorded_at_ms: NOW + 5 * 60_000,
      list: eventId,
      direction: "entry",
      forced: true,
      scanned_at: NOW + 60_000,
    });
    const rows = checkinsOf(box.writer.sqlite, ticket.id);
    clock.advance(60_000);
    const again = await scan({ qr: ticket.qr, nonce: upload, forced: true, scanned_at: NOW + 60_000 }, offlineToken);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(text);
    expect(checkinsOf(box.writer.sqlite, ticket.id)).toEqual(rows);
    expect(rows.map((row) => [row.result, row.code, row.forced])).toEqual([
      ["admitted", null, false],
      ["conflict", "already_redeemed", true],
    ]);
    clock.set(NOW);
  });

  test("revoked, forged and garbage forced uploads are recorded as conflicts with their code, never a 4xx", async () => {
    const revoked = issue("Révoqué");
    box.writer.transact((tx) => revokeTicket(tx, revoked.id));
    const forged = encodeTicket({ ticketId: newId(), eventId, productId, validFromMs: revoked.validFromMs, validUntilMs: revoked.validUntilMs }, signerFromPem(generateSigningKeyPem()));
    const cases: [string, string][] = [
      [revoked.qr, "revoked"],
      [forged, "invalid_signature"],
      ["NOT A TICKET", "qr_invalid"],
    ];
    for (const [qr, code] of cases) {
      const response = await scan({ qr, nonce: nonce(), list: eventId, forced: true, scanned_at: NOW }, offlineToken);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ result: "conflict", code, forced: true, list: eventId });
    }
    const conflicts = box.writer.sqlite.query<{ code: string }, []>("SELECT code FROM checkins WHERE result = 'conflict' AND code != 'already_redeemed' ORDER BY rowid").all();
    expect(conflicts.map((row) => row.code)).toEqual(["revoked", "invalid_signature", "qr_invalid"]);
  });

  test("a forced upload without scanned_at is malformed (400 scanned_at_invalid) and not recorded", async () => {
    const response = await scan({ qr: issue().qr, nonce: nonce(), forced: true }, offlineToken);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe("scanned_at_invalid");
  });
});

describe("the snapshot", () => {
  test("carries the venue key, event, certificate (verifiable with @noble/curves), list, tickets with their state and admitted_at, revoked ids; 304 for its etag until a scan changes it", async () => {
    const event = box.writer.transact(
      (tx) => createEvent(tx, { signer: box.signer, newId }, { title: "Bal <folk>", description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 3 * HOUR, doorsAtMs: NOW, capacity: null, tags: [], visibility: "private" }).id,
    );
    const product = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId: event, name: "Entrée", priceMinor: 500, quota: null })).id;
    const terrace = box.writer.transact((tx) => saveCheckinList(tx, { newId }, { eventId: event, name: "Terrasse", productIds: [product], allowReentry: true, validFromMs: NOW, validUntilMs: NOW + 2 * HOUR }));
    const make = (holderName: string) => box.writer.transact((tx) => issueTicket(tx, { newId }, { productId: product, holderName }));
    const [valid, revoked, unpaid, inside] = [make("Valide"), make("Révoqué"), make("Impayé"), make("Dedans")];
    box.writer.transact((tx) => revokeTicket(tx, revoked.id));
    box.writer.transact((tx) => {
      tx.sqlite.query("INSERT INTO orders (id, reference, channel, state, total_minor, idempotency_key, created_at_ms) VALUES ('ORDERUNPAID', 'R1', 'online', 'pay_on_site', 500, 'k1', 0)").run();
      tx.sqlite.query("UPDATE tickets SET order_id = 'ORDERUNPAID' WHERE id = ?").run(unpaid.id);
    });
    expect((await scan({ qr: inside.qr, nonce: nonce(), list: terrace.id })).status).toBe(200);
    const response = await snapshot(terrace.id);
    expect(response.status).toBe(200);
    const etag = response.headers.get("etag")!;
    const body = await response.json();
    expect(etag).toBe(`"${body.etag}"`);
    expect(body).toMatchObject({
      venue_public_key: Buffer.from(box.signer.publicKey).toString("hex"),
      event: { id: event, title: "Bal <folk>", starts: NOW + HOUR, ends: NOW + 3 * HOUR, doors: NOW },
      list: { id: terrace.id, name: "Terrasse", product_ids: [product], allow_reentry: true, valid_from: NOW, valid_until: NOW + 2 * HOUR },
      revoked: [revoked.id],
      truncated: false,
      generated_at: NOW,
    });
    const byId = new Map((body.tickets as SnapshotTicket[]).map((ticket) => [ticket.id, ticket]));
    expect(byId.get(valid.id)).toEqual({ id: valid.id, product_id: product, holder: "Valide", state: "valid", admitted_at: null });
    expect(byId.get(revoked.id)).toMatchObject({ state: "revoked" });
    expect(byId.get(unpaid.id)).toMatchObject({ state: "unpaid" });
    expect(byId.get(inside.id)).toMatchObject({ state: "valid", admitted_at: NOW });
    // A door verifies the certificate and a ticket with nothing but the snapshot.
    const certificate = body.certificate as EventCertificate;
    expect(Object.keys(certificate).sort()).toEqual(["eventId", "publicKeyHex", "signatureHex", "validFromMs", "validUntilMs"]);
    const venueKey = fromHex(body.venue_public_key);
    expect(verifyCertificate(certificate, venueKey, verifySignatureIndependently)).toBe(true);
    expect(decodeTicket(valid.qr, certificate, venueKey, verifySignatureIndependently)).toMatchObject({ ok: true, ticket: { ticketId: valid.id, productId: product } });
    // Unchanged: 304 with the same etag, in any of the forms a client sends it.
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await snapshot(terrace.id, { "if-none-match": header });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
    }
    // The inside ticket goes out: admitted_at clears and the etag moves.
    clock.advance(60_000);
    expect((await scan({ qr: inside.qr, nonce: nonce(), list: terrace.id, direction: "exit" })).status).toBe(200);
    const changed = await snapshot(terrace.id, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    const next = await changed.json();
    expect(next.etag).not.toBe(body.etag);
    expect(next.tickets.find((ticket: { id: string }) => ticket.id === inside.id).admitted_at).toBeNull();
    clock.set(NOW);
  });

  test("list_invalid 400, list_unknown 404, a till or a reader 403 forbidden (holders' names are for doors), a door 200, no token 401", async () => {
    expect(await (await snapshot("nope")).json()).toMatchObject({ code: "list_invalid" });
    const unknown = await snapshot(newId());
    expect([unknown.status, (await unknown.json()).code]).toEqual([404, "list_unknown"]);
    for (const token of [tillToken, readerToken]) {
      const refused = await snapshot(eventId, {}, token);
      const body = await refused.text();
      expect([refused.status, JSON.parse(body).code]).toEqual([403, "forbidden"]);
      expect(body).not.toContain("holder");
    }
    const allowed = await snapshot(eventId, {}, doorToken);
    expect(allowed.status).toBe(200);
    expect((await allowed.json()).list.id).toBe(eventId);
    expect((await box.app.handle(new Request(`http://localhost/api/v1/door/snapshot?list=${eventId}`))).status).toBe(401);
  });
});

describe("the door page's session routes", () => {
  function door(): Client {
    const client = new Client(box);
    client.cookies.set("tibox_terminal", doorToken);
    client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, volunteerId, doorId)).cookieValue);
    return client;
  }

  test("GET /door/snapshot answers the list's snapshot and 304; POST /door/checkins with JSON and the CSRF header uploads a forced scan", async () => {
    const client = door();
    const first = await client.get(`/door/snapshot?list=${eventId}`);
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.list.id).toBe(eventId);
    expect((await client.get(`/door/snapshot?list=${eventId}`, { "if-none-match": first.headers.get("etag")! })).status).toBe(304);
    const ticket = issue("Hors ligne");
    await client.get("/healthz");
    const upload = await client.request("POST", "/door/checkins", {
      json: { qr: ticket.qr, nonce: nonce(), list: eventId, forced: true, scanned_at: NOW - 1_000 },
      headers: { "x-csrf-token": client.cookies.get("tibox_csrf")!, accept: "application/json" },
    });
    expect(upload.status).toBe(200);
    expect(await upload.json()).toMatchObject({ result: "admitted", forced: true, scanned_at: NOW - 1_000, ticket: { id: ticket.id } });
    const malformed = await client.request("POST", "/door/checkins", { json: { qr: ticket.qr, nonce: "x" }, headers: { "x-csrf-token": client.cookies.get("tibox_csrf")! } });
    expect([malformed.status, (await malformed.json()).code]).toEqual([400, "nonce_invalid"]);
    const noCsrf = await client.request("POST", "/door/checkins", { json: { qr: ticket.qr, nonce: nonce() } });
    expect(noCsrf.status).toBe(403);
  });

  test("a till used as a door reads the snapshot through the page's session with a door volunteer unlocked, not with its token", async () => {
    const client = new Client(box);
    client.cookies.set("tibox_terminal", tillToken);
    const locked = await client.get(`/door/snapshot?list=${eventId}`);
    expect([locked.status, (await locked.json()).code]).toEqual([403, "terminal_locked"]);
    client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, volunteerId, tillId)).cookieValue);
    const unlocked = await client.get(`/door/snapshot?list=${eventId}`);
    expect(unlocked.status).toBe(200);
    expect((await unlocked.json()).list.id).toBe(eventId);
  });

  test("a locked door (no session) gets JSON terminal_locked from /door/snapshot, not a page", async () => {
    const client = new Client(box);
    client.cookies.set("tibox_terminal", doorToken);
    const response = await client.get(`/door/snapshot?list=${eventId}`);
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe("terminal_locked");
  });

  test("the conflicts page lists who, which doors and when, escaped; the event page counts them", async () => {
    const admin = new Client(box);
    await admin.login();
    const page = await admin.get(`/admin/ticketing/events/${eventId}/conflicts`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Linus");
    expect(html).toContain("Porte A");
    expect(html).toContain("Téléphone &lt;hors ligne&gt;");
    expect(html).not.toContain("Téléphone <hors ligne>");
    expect(html.match(/data-testid="conflict-row"/g)).toHaveLength(4);
    const eventPage = await (await admin.get(`/admin/ticketing/events/${eventId}`)).text();
    expect(eventPage).toContain(`href="/admin/ticketing/events/${eventId}/conflicts"`);
    expect(eventPage).toMatch(/data-testid="conflict-count"[^>]*>4</);
  });
});
