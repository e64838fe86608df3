// Proves a member's export and erasure on a real box driven through app.handle: the export is one
// JSON document holding the record, field answers, memberships, cards, wallet movements, and the
// orders, tickets and waiting-list places found by member id or by the same e-mail; erasure runs in
// one transaction, pseudonymises the member and those ticketing rows (and only them), empties the
// outbox mails to that address, records an event without personal data, refuses a second time
// (already_erased), and leaves the ledger untouched: `tibox verify` on the data folder is sound.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verifyDataFolder } from "../../src/cli/verify.ts";
import { findRegisterMember, memberPseudonym, saveMemberField, saveMembershipProduct, searchMembers } from "../../src/membership/index.ts";
import { cardByUid } from "../../src/wallet/index.ts";
import { Client, ORIGIN, setUp, testBox, type TestBox } from "../helpers/box.ts";

const UID = "04C0FFEE";
const OTHER_EMAIL = "someone.else@example.org";
let box: TestBox;
let admin: Client;
let tillToken = "";
let memberId = "";
let fieldId = "";
let keyCounter = 0;

async function device(path: string, body: Record<string, unknown>): Promise<number> {
  const response = await box.app.handle(
    new Request(ORIGIN + path, {
      method: "POST",
      headers: { authorization: `Bearer ${tillToken}`, "content-type": "application/json", "idempotency-key": `privacy-${++keyCounter}` },
      body: JSON.stringify(body),
    }),
  );
  return response.status;
}

function run(sql: string, ...values: Array<string | number | null>): void {
  box.sqlite.query(sql).run(...values);
}

/** Ticketing rows written directly (the ticketing room's own services are tested elsewhere). */
function seedTicketing(email: string): void {
  const now = box.deps.clock.nowMs();
  run("INSERT INTO events (id, title, starts_at_ms, ends_at_ms, doors_at_ms, visibility, created_at_ms, updated_at_ms) VALUES ('ev1', 'Bal folk', ?, ?, ?, 'public', ?, ?)", now + 86_400_000, now + 90_000_000, now + 86_000_000, now, now);
  run("INSERT INTO ticket_products (id, event_id, name, price_minor, created_at_ms) VALUES ('pr1', 'ev1', 'Plein tarif', 1200, ?)", now);
  const order = (id: string, ref: string, name: string, mail: string, member: string | null) =>
    run(
      "INSERT INTO orders (id, reference, channel, state, buyer_name, buyer_email, buyer_phone, member_id, person_key, total_minor, idempotency_key, created_at_ms) VALUES (?, ?, 'online', 'paid', ?, ?, '06 11 22 33 44', ?, ?, 1200, ?, ?)",
      id, ref, name, mail, member, member ? `member:${member}` : `email:${mail.toLowerCase()}`, `key-${id}`, now,
    );
  order("or1", "REF1", "Alice Martin", email, memberId);
  order("or2", "REF2", "Alice M.", email.toUpperCase(), null);
  order("or3", "REF3", "Bob Other", OTHER_EMAIL, null);
  for (const id of ["or1", "or2", "or3"]) run("INSERT INTO order_lines (order_id, idx, kind, product_id, label, unit_minor, quantity, amount_minor) VALUES (?, 0, 'ticket', 'pr1', 'Plein tarif', 1200, 1, 1200)", id);
  const ticket = (id: string, orderId: string | null, holder: string, member: string | null) =>
    run(
      "INSERT INTO tickets (id, event_id, product_id, holder_name, state, qr, valid_from_ms, valid_until_ms, issued_at_ms, order_id, member_id) VALUES (?, 'ev1', 'pr1', ?, 'valid', 'QR', ?, ?, ?, ?, ?)",
      id, holder, now, now + 90_000_000, now, orderId, member,
    );
  ticket("ti1", "or1", "Alice Martin", memberId);
  ticket("ti2", "or2", "Alice M.", null);
  ticket("ti3", "or3", "Bob Other", null);
  ticket("ti4", null, "Alice au guichet", memberId);
  run("INSERT INTO waiting_list (id, event_id, name, email, state, created_at_ms) VALUES ('wl1', 'ev1', 'Alice Martin', ?, 'waiting', ?)", email, now);
  run("INSERT INTO waiting_list (id, event_id, name, email, state, created_at_ms) VALUES ('wl2', 'ev1', 'Bob Other', ?, 'waiting', ?)", OTHER_EMAIL, now);
  run("INSERT INTO email_outbox (id, to_address, subject, text_body, kind, state, next_attempt_ms, created_at_ms) VALUES ('em1', ?, 'Vos billets', 'Bonjour Alice', 'order_tickets', 'queued', ?, ?)", email, now, now);
  run("INSERT INTO email_outbox (id, to_address, subject, text_body, kind, state, next_attempt_ms, created_at_ms) VALUES ('em2', ?, 'Vos billets', 'Bonjour Bob', 'order_tickets', 'queued', ?, ?)", OTHER_EMAIL, now, now);
}

beforeAll(async () => {
  box = testBox();
  await setUp(box);
  admin = new Client(box);
  expect((await admin.login()).status).toBe(303);
  tillToken = box.auth.addTerminalSync("test", "till", "Bar").token;
  const [field, product] = box.writer.transact((tx) => [
    saveMemberField(tx, box.deps, { label: "Adresse", kind: "text" }),
    saveMembershipProduct(tx, box.deps, { name: "Adhésion annuelle", duration: "rolling_year", amountMinor: 1_500 }),
  ]);
  fieldId = field.id;
  const created = await admin.post("/admin/members", { name: "Alice Martin", email: "Alice@Example.org", phone: "06 11 22 33 44", [`field_${fieldId}`]: "3 rue des Lilas" });
  expect(created.status).toBe(303);
  memberId = created.headers.get("location")!.split("/").at(-1)!;
  expect((await admin.post(`/admin/members/${memberId}`, { name: "Alice Martin", email: "alice@example.org", phone: "06 11 22 33 44", notes: "Allergique aux arachides", [`field_${fieldId}`]: "3 rue des Lilas" })).status).toBe(200);
  expect((await admin.post(`/admin/members/${memberId}/memberships`, { product_id: product.id })).status).toBe(200);
  expect(await device("/api/v1/wallet/topups", { card_uid: UID, asset: "EUR", amount: 2_000, method: "cash" })).toBe(201);
  expect((await admin.post(`/admin/members/${memberId}/cards`, { card_uid: UID })).status).toBe(200);
  expect(await device("/api/v1/wallet/payments", { card_uid: UID, amount: 450 })).toBe(201);
  seedTicketing("alice@example.org");
});
afterAll(() => box.dispose());

describe("export", () => {
  test("one JSON document with everything the box holds about the member", async () => {
    const response = await admin.post(`/admin/members/${memberId}/export`, {});
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="member-${memberId}.json"`);
    const document = (await response.json()) as Record<string, any>;
    expect(document.format).toBe("tibox-member-export/v1");
    expect(document.member).toMatchObject({ id: memberId, name: "Alice Martin", email: "alice@example.org", phone: "06 11 22 33 44", notes: "Allergique aux arachides", erased_at_ms: null });
    expect(document.fields).toEqual([{ field_id: fieldId, label: "Adresse", kind: "text", value: "3 rue des Lilas" }]);
    expect(document.memberships).toHaveLength(1);
    expect(document.memberships[0]).toMatchObject({ label: "Adhésion annuelle", order_id: null });
    expect(document.cards.map((card: { uid: string }) => card.uid)).toEqual([UID]);
    expect(document.wallet.balances.EUR).toBe(1_550);
    // The merge of the card's 20 € into the member's wallet, then the 4.50 € payment.
    expect(document.wallet.movements.map((movement: { kind: string; amount: number }) => [movement.kind, movement.amount])).toEqual([
      ["payment", -450],
      ["merge", 2_000],
    ]);
    expect(document.orders.map((order: { reference: string }) => order.reference).sort()).toEqual(["REF1", "REF2"]);
    expect(document.tickets.map((ticket: { id: string }) => ticket.id).sort()).toEqual(["ti1", "ti2", "ti4"]);
    expect(document.waiting_list.map((place: { id: string }) => place.id)).toEqual(["wl1"]);
    expect(JSON.stringify(document)).not.toContain("Bob Other");
    expect(box.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM event_log WHERE kind = 'member.exported' AND subject = ?").get(`member:${memberId}`)!.n).toBe(1);
  });
});

describe("erasure", () => {
  test("an unconfirmed erasure is refused (erase_not_confirmed) and writes nothing", async () => {
    const unconfirmed = await admin.post(`/admin/members/${memberId}/erase`, {});
    expect(unconfirmed.status).toBe(400);
    expect(findRegisterMember(box.sqlite, memberId)!.erasedAtMs).toBeNull();
  });

  test("erases the member and their ticketing rows in one go; the ledger still verifies", async () => {
    const entriesBefore = box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_entries").get()!.n;
    const response = await admin.post(`/admin/members/${memberId}/erase`, { confirm: "1" });
    expect(response.status).toBe(200);
    const pseudonym = memberPseudonym(memberId);
    expect(pseudonym).toMatch(/^Membre effacé [0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await response.text()).toContain(pseudonym);

    const member = findRegisterMember(box.sqlite, memberId)!;
    expect(member).toMatchObject({ name: pseudonym, email: "", phone: "", notes: "" });
    expect(member.erasedAtMs).not.toBeNull();
    expect(box.sqlite.query("SELECT * FROM member_field_values WHERE member_id = ?").all(memberId)).toEqual([]);
    // The membership and the card stay: they are the venue's records, and name nobody.
    expect(box.sqlite.query("SELECT id FROM memberships WHERE member_id = ?").all(memberId)).toHaveLength(1);
    expect(cardByUid(box.sqlite, UID)!.walletId).toBe(member.walletId);

    const orders = box.sqlite.query<{ id: string; buyer_name: string; buyer_email: string; buyer_phone: string; person_key: string; total_minor: number }, []>(
      "SELECT id, buyer_name, buyer_email, buyer_phone, person_key, total_minor FROM orders ORDER BY id",
    ).all();
    expect(orders).toEqual([
      { id: "or1", buyer_name: pseudonym, buyer_email: "", buyer_phone: "", person_key: `member:${memberId}`, total_minor: 1_200 },
      { id: "or2", buyer_name: pseudonym, buyer_email: "", buyer_phone: "", person_key: `member:${memberId}`, total_minor: 1_200 },
      { id: "or3", buyer_name: "Bob Other", buyer_email: OTHER_EMAIL, buyer_phone: "06 11 22 33 44", person_key: `email:${OTHER_EMAIL}`, total_minor: 1_200 },
    ]);
    const holders = box.sqlite.query<{ id: string; holder_name: string; qr: string }, []>("SELECT id, holder_name, qr FROM tickets ORDER BY id").all();
    expect(holders).toEqual([
      { id: "ti1", holder_name: pseudonym, qr: "QR" },
      { id: "ti2", holder_name: pseudonym, qr: "QR" },
      { id: "ti3", holder_name: "Bob Other", qr: "QR" },
      { id: "ti4", holder_name: pseudonym, qr: "QR" },
    ]);
    expect(box.sqlite.query("SELECT id, name, email, state FROM waiting_list ORDER BY id").all()).toEqual([
      { id: "wl1", name: pseudonym, email: "", state: "removed" },
      { id: "wl2", name: "Bob Other", email: OTHER_EMAIL, state: "waiting" },
    ]);
    expect(box.sqlite.query("SELECT id, to_address, subject, text_body, state, last_error FROM email_outbox ORDER BY id").all()).toEqual([
      { id: "em1", to_address: "", subject: "", text_body: "", state: "failed", last_error: "erased" },
      { id: "em2", to_address: OTHER_EMAIL, subject: "Vos billets", text_body: "Bonjour Bob", state: "queued", last_error: null },
    ]);

    // The event log says who erased whom by ids, never the name, e-mail, phone or notes.
    const record = box.sqlite.query<{ actor: string; detail: string }, [string]>("SELECT actor, detail FROM event_log WHERE kind = 'member.erased' AND subject = ?").get(`member:${memberId}`)!;
    expect(record.actor).toStartWith("operator:");
    expect(JSON.parse(record.detail)).toEqual({ pseudonym_code: pseudonym.slice(-4), field_values: 1, orders: 2, tickets: 3, waiting: 1, emails: 1 });
    const allEvents = JSON.stringify(box.sqlite.query("SELECT * FROM event_log").all());
    for (const secret of ["Alice", "alice@example.org", "06 11 22 33 44", "arachides", "Lilas"]) expect(allEvents).not.toContain(secret);

    // The ledger was not touched, and everything verifies from the data folder.
    expect(box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_entries").get()!.n).toBe(entriesBefore);
    const outcome = verifyDataFolder(box.folder);
    expect(outcome.status).toBe("sound");
    // Nothing in the database names her any more.
    const tables = box.sqlite.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const { name } of tables) {
      const dump = JSON.stringify(box.sqlite.query(`SELECT * FROM "${name}"`).all());
      for (const secret of ["Alice Martin", "alice@example.org", "arachides", "Lilas"]) expect(`${name}: ${dump.includes(secret)}`).toBe(`${name}: false`);
    }
  });

  test("a second erasure is refused with already_erased and writes nothing", async () => {
    const events = box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM event_log").get()!.n;
    const again = await admin.post(`/admin/members/${memberId}/erase`, { confirm: "1" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("déjà effacées");
    expect(box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM event_log").get()!.n).toBe(events);
  });

  test("erased members leave the search unless asked for; the member page offers no edit", async () => {
    const nowMs = box.deps.clock.nowMs();
    expect(searchMembers(box.sqlite, { query: "Membre effacé", nowMs }).map((row) => row.id)).not.toContain(memberId);
    expect(searchMembers(box.sqlite, { query: "Membre effacé", nowMs, includeErased: true }).map((row) => row.id)).toContain(memberId);
    const page = await (await admin.get(`/admin/members/${memberId}`)).text();
    expect(page).not.toContain(`action="/admin/members/${memberId}/erase"`);
    expect(page).not.toContain(`action="/admin/members/${memberId}/cards"`);
    const edit = await admin.post(`/admin/members/${memberId}`, { name: "Alice again" });
    expect(edit.status).toBe(409);
    expect(findRegisterMember(box.sqlite, memberId)!.name).toBe(memberPseudonym(memberId));
  });
});
