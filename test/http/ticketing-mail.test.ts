// Proves the e-mail and waiting-list pages through the real router (session, CSRF, escaping): the
// admin saves SMTP settings (refusals keep the typed values, the password is never shown again
// nor logged) and queues a test mail; the outbox lists mails with escaped subjects and requeues a
// failed one; a sold-out event's public page offers "notify me", which adds the visitor once
// (duplicate 409, bad e-mail 400, too many posts 429) and shows on the admin's list, where a
// person can be removed; the box office order page tells how the tickets mail went; the ticket
// page says when e-mail is off and prints the ticket
// on a real TCP printer listener, whose bytes carry the QR command with the exact signed payload.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PrintWorker } from "../../src/jobs/index.ts";
import { FakeClock, silentLogger } from "../../src/kernel/index.ts";
import { listPrinters } from "../../src/pos/index.ts";
import { createOrder, enqueueEmail, findTicket, issueTicket, listOutbox, listWaitingList, readMailSettings } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";
import { TcpPrinterListener } from "../helpers/tcp-printer.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);

describe("e-mail, outbox, waiting list and ticket print pages", () => {
  let box: TestBox;
  let admin: Client;
  let listener: TcpPrinterListener;
  const clock = new FakeClock(NOW);
  let eventId = "";
  let productId = "";

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    admin = new Client(box);
    expect((await admin.login()).status).toBe(303);
    listener = await TcpPrinterListener.start();
    eventId = makeEvent(box, NOW + 48 * HOUR, { title: "Bal <masqué>" });
    productId = makeProduct(box, eventId, { name: "Entrée", quota: 1 }).id;
  });
  afterAll(async () => {
    await listener.off();
    box.dispose();
  });

  test("SMTP settings: off at first; a bad address is refused with the typed values kept; saved, the password is masked and not logged", async () => {
    const first = await admin.get("/admin/ticketing/email");
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("E-mail non configuré : les billets sont affichés et imprimés seulement");
    const refused = await admin.post("/admin/ticketing/email", { smtp_url: "http://mail.example.org", mail_from: "billets@example.org" });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain("Adresse SMTP invalide");
    expect(refusedPage).toContain('value="http://mail.example.org"');
    expect(readMailSettings(box.sqlite).smtpUrl).toBe("");
    const saved = await admin.post("/admin/ticketing/email", { smtp_url: "smtp://box:hunter2@mail.example.org:587", mail_from: "Les Amis <billets@example.org>" });
    expect(saved.status).toBe(200);
    const page = await saved.text();
    expect(page).toContain("Réglages e-mail enregistrés.");
    expect(page).toContain("E-mail activé : les e-mails partent par mail.example.org:587.");
    expect(page).toContain('value="smtp://box:********@mail.example.org:587"');
    expect(page).not.toContain("hunter2");
    expect(readMailSettings(box.sqlite)).toMatchObject({ smtpUrl: "smtp://box:hunter2@mail.example.org:587", mailFrom: "Les Amis <billets@example.org>" });
    const logged = box.sqlite.query<{ detail: string }, []>("SELECT detail FROM event_log WHERE kind = 'config.email_saved'").all();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.detail).not.toContain("hunter2");
    expect(JSON.parse(logged[0]!.detail)).toEqual({ smtp_host: "mail.example.org:587", mail_from: "Les Amis <billets@example.org>" });
  });

  test("a test mail is queued; the outbox escapes subjects and requeues a failed mail", async () => {
    const queued = await admin.post("/admin/ticketing/email/test", { to: "ada@example.org" });
    expect(await queued.text()).toContain("E-mail d'essai mis dans la file");
    expect(listOutbox(box.sqlite, { state: "queued" }).map((mail) => [mail.kind, mail.toAddress])).toEqual([["test", "ada@example.org"]]);
    expect((await admin.post("/admin/ticketing/email/test", { to: "nope" })).status).toBe(400);
    const evil = box.writer.transact((tx) => enqueueEmail(tx, { newId: box.deps.newId }, { to: "eve@example.org", subject: "<img src=x onerror=alert(1)>", text: "x", kind: "test", refId: null }));
    box.writer.transact((tx) => tx.sqlite.query("UPDATE email_outbox SET state = 'failed', attempts = 6, last_error = '550 <b>refused</b>' WHERE id = ?").run(evil.id));
    const outbox = await admin.get("/admin/ticketing/outbox?state=failed");
    const html = await outbox.text();
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("550 &lt;b&gt;refused&lt;/b&gt;");
    expect(html).toContain("1 en attente, 0 envoyés, 1 en échec");
    const retried = await admin.post(`/admin/ticketing/outbox/${evil.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain("E-mail remis dans la file.");
    expect(listOutbox(box.sqlite, { state: "queued" })).toHaveLength(2);
    expect((await admin.post("/admin/ticketing/outbox/01JQ4Z8D3M2V6S9T0ABCDEFGHJ/retry", {})).status).toBe(404);
  });

  test("a sold-out event's page offers 'notify me'; joining once works, a duplicate is 409, a bad e-mail 400; too many posts 429", async () => {
    const visitor = new Client(box);
    const open = await (await visitor.get(`/agenda/${eventId}`)).text();
    expect(open).not.toContain('id="waiting-list"');
    box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId, holderName: "Cy" }));
    const soldOut = await (await visitor.get(`/agenda/${eventId}`)).text();
    expect(soldOut).toContain('id="waiting-list"');
    expect(soldOut).toContain(`action="/agenda/${eventId}/waiting-list"`);
    const joined = await visitor.post(`/agenda/${eventId}/waiting-list`, { product_id: productId, name: "Zoé <b>", email: "zoe@example.org" });
    expect(joined.status).toBe(200);
    const joinedPage = await joined.text();
    expect(joinedPage).toContain("Nous écrirons à zoe@example.org");
    expect(joinedPage).toContain("Bal &lt;masqué&gt;");
    const duplicate = await visitor.post(`/agenda/${eventId}/waiting-list`, { product_id: productId, name: "Zoé", email: "ZOE@example.org" });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain("déjà sur la liste d'attente");
    const invalid = await visitor.post(`/agenda/${eventId}/waiting-list`, { product_id: productId, name: "Al", email: "al@" });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('value="al@"');
    expect((await visitor.post(`/agenda/${eventId}/waiting-list`, { product_id: productId, name: "Al", email: "al@example.org" }, )).status).toBe(200);
    expect(listWaitingList(box.sqlite, eventId).map((entry) => entry.email)).toEqual(["zoe@example.org", "al@example.org"]);
    // Without the CSRF token a post is refused and writes nothing.
    expect((await visitor.request("POST", `/agenda/${eventId}/waiting-list`, { form: { name: "X", email: "x@example.org" }, csrf: false })).status).toBe(403);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await visitor.post(`/agenda/${eventId}/waiting-list`, { product_id: productId, name: `P${i}`, email: `p${i}@example.org` })).status);
    expect(statuses).toContain(429);
    expect(listWaitingList(box.sqlite, eventId).length).toBeLessThan(42);
  });

  test("the event page links to its waiting list; the list shows escaped names and removes a person", async () => {
    const waitingNow = listWaitingList(box.sqlite, eventId).filter((entry) => entry.state === "waiting").length;
    expect(await (await admin.get(`/admin/ticketing/events/${eventId}`)).text()).toContain(`Liste d'attente (${waitingNow})`);
    const page = await admin.get(`/admin/ticketing/events/${eventId}/waiting-list`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Zoé &lt;b&gt;");
    expect(html).not.toContain("Zoé <b>");
    const zoe = listWaitingList(box.sqlite, eventId).find((entry) => entry.email === "zoe@example.org")!;
    const removed = await admin.post(`/admin/ticketing/waiting-list/${zoe.id}/remove`, {});
    expect(removed.status).toBe(303);
    expect(listWaitingList(box.sqlite, eventId).find((entry) => entry.id === zoe.id)!.state).toBe("removed");
    expect((await admin.post(`/admin/ticketing/waiting-list/${zoe.id}/remove`, {})).status).toBe(404);
  });

  test("the box office order page says how the tickets mail went, or that e-mail is off, and sends it again", async () => {
    const other = makeEvent(box, NOW + 72 * HOUR, { title: "Conte" });
    const priceId = makeProduct(box, other, { name: "Enfant" }).id;
    const order = box.writer.transact((tx) =>
      createOrder(tx, { newId: box.deps.newId, signer: box.signer, random: box.deps.random }, {
        lines: [{ kind: "ticket", priceId, quantity: 1 }],
        buyer: { name: "Léa", email: "lea@example.org" },
        channel: "box_office",
        payment: { state: "paid", method: "cash" },
        idempotencyKey: "mail-state-1",
        nowMs: NOW,
      }),
    );
    const on = await (await admin.get(`/admin/ticketing/orders/${order.id}`)).text();
    expect(on).toContain("Billets par e-mail à lea@example.org : en attente d'envoi.");
    expect(on).not.toContain("E-mail non configuré");
    // The buyer lost the mail: the box office sends it again.
    expect(on).toContain(`action="/admin/ticketing/orders/${order.id}/resend"`);
    const resent = await admin.post(`/admin/ticketing/orders/${order.id}/resend`, {});
    expect(resent.status).toBe(303);
    expect(await (await admin.get(resent.headers.get("location")!)).text()).toContain("Billets remis dans la file d'envoi des e-mails.");
    expect(listOutbox(box.sqlite, { refId: order.id }).map((mail) => mail.kind)).toEqual(["order_tickets", "order_tickets"]);
    box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET smtp_url = '' WHERE id = 1"));
    expect(await (await admin.get(`/admin/ticketing/orders/${order.id}`)).text()).toContain("E-mail non configuré : les billets sont affichés et imprimés seulement");
    // An order without a buyer e-mail has no resend button, and a forged post is refused.
    const anonymous = box.writer.transact((tx) =>
      createOrder(tx, { newId: box.deps.newId, signer: box.signer, random: box.deps.random }, {
        lines: [{ kind: "ticket", priceId, quantity: 1 }],
        buyer: { name: "Sans courriel" },
        channel: "box_office",
        payment: { state: "paid", method: "cash" },
        idempotencyKey: "mail-state-2",
        nowMs: NOW,
      }),
    );
    expect(await (await admin.get(`/admin/ticketing/orders/${anonymous.id}`)).text()).not.toContain("/resend");
    expect((await admin.post(`/admin/ticketing/orders/${anonymous.id}/resend`, {})).status).toBe(400);
  });

  test("the ticket page prints on a real TCP printer: the bytes carry the QR command with the exact signed payload", async () => {
    const event = makeEvent(box, NOW + 24 * HOUR, { title: "Concert" });
    const product = makeProduct(box, event, { name: "Plein tarif" });
    const ticket = box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId: product.id, holderName: "Ada" }));
    const before = await (await admin.get(`/admin/ticketing/tickets/${ticket.id}`)).text();
    expect(before).not.toContain(`action="/admin/ticketing/tickets/${ticket.id}/print"`);
    box.writer.transact((tx) => tx.sqlite.run("UPDATE ticketing_settings SET smtp_url = '', mail_from = '' WHERE id = 1"));
    expect(await (await admin.get(`/admin/ticketing/tickets/${ticket.id}`)).text()).toContain("E-mail non configuré : ce billet est affiché et imprimé seulement.");
    const added = await admin.post("/admin/printers", { name: "Guichet", kind: "tcp", address: listener.address, paper_mm: "58", code_page: "pc858", print_groups: "", active: "1" });
    expect(added.status).toBe(200);
    const page = await (await admin.get(`/admin/ticketing/tickets/${ticket.id}`)).text();
    expect(page).toContain(`action="/admin/ticketing/tickets/${ticket.id}/print"`);
    const printed = await admin.post(`/admin/ticketing/tickets/${ticket.id}/print`, {});
    expect(printed.status).toBe(303);
    const [printer] = listPrinters(box.sqlite);
    expect(printed.headers.get("location")).toBe(`/admin/ticketing/tickets/${ticket.id}?printed_on=${printer!.id}`);
    expect(await (await admin.get(printed.headers.get("location")!)).text()).toContain("Billet envoyé à l'imprimante Guichet.");
    const worker = new PrintWorker({ writer: box.writer, clock, logger: silentLogger });
    await worker.tick();
    await worker.settle();
    await worker.stop();
    const [job] = await listener.waitForJobs(1);
    const qr = findTicket(box.sqlite, ticket.id)!.qr;
    const store = qr.length + 3;
    const command = Uint8Array.from([0x1d, 0x28, 0x6b, store % 256, Math.floor(store / 256), 0x31, 0x50, 0x30, ...new TextEncoder().encode(qr)]);
    expect(Buffer.from(job!).includes(Buffer.from(command))).toBe(true);
    // Model 2, 6-dot modules on 58 mm paper, correction M.
    for (const part of [[0x1d, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0], [0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x43, 6], [0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31]]) {
      expect(Buffer.from(job!).includes(Buffer.from(part))).toBe(true);
    }
    expect(box.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM event_log WHERE kind = 'ticket.printed' AND subject = ?").get(`ticket:${ticket.id}`)!.n).toBe(1);
    // A revoked ticket is not printed.
    await admin.post(`/admin/ticketing/tickets/${ticket.id}/revoke`, {});
    expect((await admin.post(`/admin/ticketing/tickets/${ticket.id}/print`, {})).status).toBe(409);
  });
});
