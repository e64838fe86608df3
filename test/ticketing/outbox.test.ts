// Proves the e-mail outbox sends through a real SMTP listener (test/helpers/smtp-server.ts) with
// nodemailer under Bun: nothing leaves while SMTP is not configured; a configured box delivers
// the message (sender, recipient, authentication, UTF-8 subject, text and HTML, a QR image
// attached from a cid: reference) and marks it sent, never to send it again; a server that
// refuses (5xx) or drops the connection (at the greeting, or after the whole message before
// answering) leaves the mail queued with its error and an exponential backoff on the injected
// clock, until it goes through; after the last attempt it is failed, and the admin's retry queues
// it again. Over STARTTLS the message and the password travel encrypted, and a server whose
// certificate is not trusted gets neither. Bad input gets a stable code and writes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { inflateSync } from "node:zlib";
import { encode } from "uqr";
import { MailSender, smtpTransport } from "../../src/jobs/index.ts";
import { ensureTlsMaterial } from "../../src/http/index.ts";
// The certificate is checked against the real time by TLS itself: it is made at the system clock.
import { FakeClock, systemClock } from "../../src/kernel/index.ts";
import {
  claimDueMails,
  crc32,
  createEvent,
  enqueueEmail,
  findOutboxMail,
  issueTicket,
  maskSmtpUrl,
  OUTBOX_LIMITS,
  outboxRetryDelayMs,
  purgeOldMails,
  qrPng,
  readMailSettings,
  retryMail,
  saveMailSettings,
  saveProduct,
  SMTP_PASSWORD_MASK,
  ticketQrCid,
  type NewEmail,
} from "../../src/ticketing/index.ts";
import { setUp, tempFolder, testBox, type TestBox } from "../helpers/box.ts";
import { parseMessage, SmtpTestServer } from "../helpers/smtp-server.ts";

const NOW = Date.UTC(2030, 4, 10, 18, 0);
const FROM = "Les Amis <billetterie@amis.example.org>";

describe("e-mail outbox over SMTP", () => {
  let box: TestBox;
  let smtp: SmtpTestServer;
  let sender: MailSender;
  const clock = new FakeClock(NOW);

  const enqueue = (mail: Partial<NewEmail> = {}) =>
    box.writer.transact((tx) => enqueueEmail(tx, { newId: box.deps.newId }, { to: "ada@example.org", subject: "Vos billets", text: "Bonjour", kind: "test", refId: null, ...mail }));
  const mailCount = () => box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM email_outbox").get()!.n;
  const configure = (smtpUrl = smtp.url({ user: "box", pass: "s3cret:/@" })) => box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl, mailFrom: FROM }));

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    smtp = SmtpTestServer.start();
    sender = new MailSender({ writer: box.writer, clock, logger: box.deps.logger });
  });
  afterAll(async () => {
    await sender.stop();
    smtp.stop();
    box.dispose();
  });
  beforeEach(() => {
    // Each test starts with an empty outbox and the server's records cleared.
    box.writer.transact((tx) => tx.sqlite.run("DELETE FROM email_outbox"));
    smtp.received.length = 0;
    smtp.droppedAfterData.length = 0;
  });

  test("bad input is refused with a stable code and writes nothing", () => {
    expect(() => enqueue({ to: "not an address" })).toThrow(expect.objectContaining({ code: "email_invalid" }));
    expect(() => enqueue({ to: "ada@localhost" })).toThrow(expect.objectContaining({ code: "email_invalid" }));
    expect(() => enqueue({ to: "a<b>@example.org" })).toThrow(expect.objectContaining({ code: "email_invalid" }));
    expect(() => enqueue({ subject: "  " })).toThrow(expect.objectContaining({ code: "email_invalid_content" }));
    expect(() => enqueue({ text: "" })).toThrow(expect.objectContaining({ code: "email_invalid_content" }));
    expect(() => enqueue({ kind: "Bad Kind" })).toThrow(expect.objectContaining({ code: "email_invalid_content" }));
    expect(mailCount()).toBe(0);
    // A line break in a subject cannot add a header.
    expect(enqueue({ subject: "Billets\r\nBcc: eve@example.org" }).subject).toBe("Billets Bcc: eve@example.org");
    // A subject too long (a 200-character event title in it) is cut, not refused: the order goes on.
    const long = enqueue({ subject: `Vos billets : ${"é".repeat(300)}` }).subject;
    expect(long).toHaveLength(OUTBOX_LIMITS.subjectChars);
    expect(long.endsWith("é…")).toBe(true);
  });

  test("while SMTP is not configured nothing is sent and the mail stays queued", async () => {
    expect(readMailSettings(box.sqlite).smtpUrl).toBe("");
    const mail = enqueue();
    const connections = smtp.connections;
    expect(await sender.tick()).toEqual([]);
    expect(smtp.connections).toBe(connections);
    expect(findOutboxMail(box.sqlite, mail.id)).toMatchObject({ state: "queued", attempts: 0, lastError: null });
  });

  test("settings: addresses are checked, the password is never shown and a masked one keeps the stored password", () => {
    const refusals: Array<[string, string, string]> = [
      ["http://mail.example.org", FROM, "smtp_url_invalid"],
      ["smtp://", FROM, "smtp_url_invalid"],
      ["smtp://mail.example.org/path", FROM, "smtp_url_invalid"],
      ["smtp://mail.example.org", "not an address", "mail_from_invalid"],
      ["smtp://mail.example.org", "", "mail_from_required"],
    ];
    for (const [smtpUrl, mailFrom, code] of refusals) expect(() => box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl, mailFrom }))).toThrow(expect.objectContaining({ code }));
    expect(readMailSettings(box.sqlite)).toMatchObject({ smtpUrl: "", mailFrom: "" });
    box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl: "smtps://box:hunter2@mail.example.org:465", mailFrom: "billetterie@amis.example.org" }));
    const shown = maskSmtpUrl(readMailSettings(box.sqlite).smtpUrl);
    expect(shown).toBe(`smtps://box:${SMTP_PASSWORD_MASK}@mail.example.org:465`);
    expect(shown).not.toContain("hunter2");
    box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl: shown.replace(":465", ":2465"), mailFrom: FROM }));
    expect(readMailSettings(box.sqlite)).toMatchObject({ smtpUrl: "smtps://box:hunter2@mail.example.org:2465", mailFrom: FROM });
    box.writer.transact((tx) => saveMailSettings(tx, { smtpUrl: "", mailFrom: "" }));
    expect(readMailSettings(box.sqlite)).toMatchObject({ smtpUrl: "", mailFrom: "" });
  });

  test("a configured box delivers the mail to the SMTP server, marks it sent and never sends it again", async () => {
    configure();
    const mail = enqueue({ to: "Zoe.Dupont@example.org", subject: "Vos billets : Fête de l'été", text: "Bonjour Zoé,\nvotre commande K7Q2.", html: "<p>Bonjour Zoé, votre commande <b>K7Q2</b>.</p>" });
    const outcomes = await sender.tick();
    expect(outcomes).toEqual([{ mailId: mail.id, ok: true, state: "sent" }]);
    expect(smtp.received).toHaveLength(1);
    const received = smtp.received[0]!;
    expect(received.from).toBe("billetterie@amis.example.org");
    expect(received.to).toEqual(["Zoe.Dupont@example.org"]);
    expect(received.auth).toBe("box:s3cret:/@");
    const parsed = parseMessage(received.raw);
    expect(parsed.subject).toBe("Vos billets : Fête de l'été");
    expect(parsed.text).toContain("Bonjour Zoé,\nvotre commande K7Q2.");
    expect(parsed.html).toContain("<b>K7Q2</b>");
    expect(parsed.headers.get("message-id")).toBe(`<${mail.id.toLowerCase()}@amis.example.org>`);
    expect(findOutboxMail(box.sqlite, mail.id)).toMatchObject({ state: "sent", attempts: 1, sentAtMs: NOW, lastError: null });
    clock.advance(10 * OUTBOX_LIMITS.retryCapMs);
    const connections = smtp.connections;
    expect(await sender.tick()).toEqual([]);
    expect(smtp.connections).toBe(connections);
    expect(smtp.received).toHaveLength(1);
  });

  test("a 5xx refusal keeps the mail queued with the server's words; it is tried again after the backoff and sent once", async () => {
    configure();
    const mail = enqueue();
    smtp.behave({ kind: "refuse", at: "rcpt", code: 550 });
    const [refused] = await sender.tick();
    expect(refused).toMatchObject({ mailId: mail.id, ok: false, state: "queued" });
    const after = findOutboxMail(box.sqlite, mail.id)!;
    expect(after).toMatchObject({ state: "queued", attempts: 1 });
    expect(after.lastError).toContain("550");
    expect(after.lastError).toContain("no such mailbox");
    expect(after.nextAttemptMs).toBe(clock.nowMs() + OUTBOX_LIMITS.retryBaseMs);
    // Not due yet: nothing happens.
    clock.advance(OUTBOX_LIMITS.retryBaseMs - 1);
    expect(await sender.tick()).toEqual([]);
    clock.advance(1);
    expect(await sender.tick()).toEqual([{ mailId: mail.id, ok: true, state: "sent" }]);
    expect(smtp.received).toHaveLength(1);
    expect(findOutboxMail(box.sqlite, mail.id)).toMatchObject({ state: "sent", attempts: 2, lastError: null });
  });

  test("a dropped connection (at the greeting, or after the message before the answer) is retried; the mail is never lost", async () => {
    configure();
    const mail = enqueue({ subject: "Drop test" });
    smtp.behave({ kind: "drop", at: "greeting" }, { kind: "drop", at: "after_data" });
    expect((await sender.tick())[0]).toMatchObject({ ok: false, state: "queued" });
    expect(findOutboxMail(box.sqlite, mail.id)!.lastError).not.toBeNull();
    clock.advance(OUTBOX_LIMITS.retryBaseMs);
    expect((await sender.tick())[0]).toMatchObject({ ok: false, state: "queued" });
    // The server had the whole message but never said so: the box cannot know, and sends it again.
    expect(smtp.droppedAfterData).toHaveLength(1);
    expect(findOutboxMail(box.sqlite, mail.id)).toMatchObject({ state: "queued", attempts: 2, nextAttemptMs: clock.nowMs() + outboxRetryDelayMs(2) });
    expect(outboxRetryDelayMs(2)).toBe(2 * OUTBOX_LIMITS.retryBaseMs);
    clock.advance(outboxRetryDelayMs(2));
    expect((await sender.tick())[0]).toMatchObject({ ok: true, state: "sent" });
    expect(smtp.received).toHaveLength(1);
    // Both copies carry the same Message-ID, so a receiver can tell the duplicate.
    expect(parseMessage(smtp.received[0]!.raw).headers.get("message-id")).toBe(parseMessage(smtp.droppedAfterData[0]!.raw).headers.get("message-id")!);
  });

  test("after the last attempt the mail is failed; the admin's retry queues it again and it goes", async () => {
    configure();
    const mail = enqueue();
    smtp.behave(...Array.from({ length: OUTBOX_LIMITS.maxAttempts }, () => ({ kind: "refuse" as const, at: "mail" as const })));
    for (let attempt = 1; attempt <= OUTBOX_LIMITS.maxAttempts; attempt++) {
      const [outcome] = await sender.tick();
      expect(outcome).toMatchObject({ ok: false, state: attempt === OUTBOX_LIMITS.maxAttempts ? "failed" : "queued" });
      clock.advance(outboxRetryDelayMs(attempt));
    }
    expect(findOutboxMail(box.sqlite, mail.id)).toMatchObject({ state: "failed", attempts: OUTBOX_LIMITS.maxAttempts });
    clock.advance(10 * OUTBOX_LIMITS.retryCapMs);
    expect(await sender.tick()).toEqual([]);
    box.writer.transact((tx) => retryMail(tx, mail.id));
    expect(findOutboxMail(box.sqlite, mail.id)).toMatchObject({ state: "queued", attempts: 0 });
    expect((await sender.tick())[0]).toMatchObject({ ok: true, state: "sent" });
    expect(() => box.writer.transact((tx) => retryMail(tx, mail.id))).toThrow(expect.objectContaining({ code: "mail_already_sent" }));
    expect(() => box.writer.transact((tx) => retryMail(tx, "01JQ4Z8D3M2V6S9T0ABCDEFGHJ"))).toThrow(expect.objectContaining({ code: "mail_unknown" }));
    // A mail erased on its recipient's request (privacy.ts blanks it and fails it) cannot be sent again.
    const erased = enqueue();
    box.writer.transact((tx) => tx.sqlite.query("UPDATE email_outbox SET to_address = '', state = 'failed', last_error = 'erased' WHERE id = ?").run(erased.id));
    expect(() => box.writer.transact((tx) => retryMail(tx, erased.id))).toThrow(expect.objectContaining({ code: "mail_erased" }));
    expect(smtp.received).toHaveLength(1);
  });

  test("two passes at once send a mail once; a send cut short by a stop waits for its backoff and is not lost", async () => {
    configure();
    const first = enqueue({ subject: "One" });
    const both = await Promise.all([sender.tick(), sender.tick()]);
    expect(both[0]).toEqual(both[1]);
    expect(smtp.received).toHaveLength(1);
    expect(findOutboxMail(box.sqlite, first.id)!.state).toBe("sent");
    // A box stopped between the claim and the answer: the claim is on record, the send never finished.
    const second = enqueue({ subject: "Two" });
    box.writer.transact((tx) => claimDueMails(tx, clock.nowMs(), { maxMails: 10 }));
    const restarted = new MailSender({ writer: box.writer, clock, logger: box.deps.logger });
    expect(await restarted.tick()).toEqual([]);
    clock.advance(OUTBOX_LIMITS.retryBaseMs);
    expect(await restarted.tick()).toEqual([{ mailId: second.id, ok: true, state: "sent" }]);
    await restarted.stop();
    expect(smtp.received.map((mail) => parseMessage(mail.raw).subject)).toEqual(["One", "Two"]);
  });

  test("sent and failed mails older than 90 days are purged; queued ones never are", () => {
    const old = [enqueue({ subject: "old sent" }), enqueue({ subject: "old failed" }), enqueue({ subject: "old queued" })];
    box.writer.transact((tx) => {
      tx.sqlite.query("UPDATE email_outbox SET state = 'sent' WHERE id = ?").run(old[0]!.id);
      tx.sqlite.query("UPDATE email_outbox SET state = 'failed' WHERE id = ?").run(old[1]!.id);
    });
    clock.advance(OUTBOX_LIMITS.keepMs);
    const recent = enqueue({ subject: "recent" });
    box.writer.transact((tx) => tx.sqlite.query("UPDATE email_outbox SET state = 'sent' WHERE id = ?").run(recent.id));
    expect(box.writer.transact((tx) => purgeOldMails(tx, clock.nowMs()))).toBe(0);
    clock.advance(1);
    expect(box.writer.transact((tx) => purgeOldMails(tx, clock.nowMs()))).toBe(2);
    expect(box.sqlite.query<{ subject: string }, []>("SELECT subject FROM email_outbox ORDER BY rowid").all().map((row) => row.subject)).toEqual(["old queued", "recent"]);
  });

  test("STARTTLS (port 587 style): the mail goes over TLS with AUTH after it; a server whose certificate is not trusted gets nothing", async () => {
    const folder = tempFolder("tibox-smtp-tls-");
    const material = await ensureTlsMaterial(folder.path, { hostnames: ["localhost"], addresses: ["127.0.0.1"], nowMs: systemClock.nowMs() });
    const tlsServer = await SmtpTestServer.startWithStartTls(material);
    try {
      configure(tlsServer.url({ user: "box", pass: "secret" }));
      // Not trusting the box's test CA: the handshake fails, no password is sent, the mail waits.
      const untrusting = new MailSender({ writer: box.writer, clock, logger: box.deps.logger });
      const mail = enqueue({ subject: "Over TLS" });
      const [refused] = await untrusting.tick();
      expect(refused).toMatchObject({ ok: false, state: "queued" });
      expect(findOutboxMail(box.sqlite, mail.id)!.lastError).toMatch(/certificate|self.signed|issuer/i);
      expect(tlsServer.received).toHaveLength(0);
      await untrusting.stop();
      // Trusting it: STARTTLS, then AUTH and the message, all over TLS.
      const trusting = new MailSender({ writer: box.writer, clock, logger: box.deps.logger }, { openSmtp: (url) => smtpTransport(url, { ca: material.caCertPem }) });
      clock.advance(OUTBOX_LIMITS.retryBaseMs);
      expect(await trusting.tick()).toEqual([{ mailId: mail.id, ok: true, state: "sent" }]);
      await trusting.stop();
      expect(tlsServer.received).toHaveLength(1);
      expect(tlsServer.received[0]).toMatchObject({ secure: true, auth: "box:secret", to: ["ada@example.org"] });
      expect(parseMessage(tlsServer.received[0]!.raw).subject).toBe("Over TLS");
    } finally {
      tlsServer.stop();
      folder.remove();
    }
  });

  test("a cid: reference to a ticket's QR attaches its PNG, whose pixels are the QR of the signed payload", async () => {
    configure();
    const deps = { newId: box.deps.newId };
    const event = box.writer.transact((tx) =>
      createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title: "Bal", description: "", imageUrl: null, startsAtMs: NOW + 3_600_000, endsAtMs: NOW + 7_200_000, doorsAtMs: NOW + 3_600_000, capacity: null, tags: [], visibility: "public" }),
    );
    const product = box.writer.transact((tx) => saveProduct(tx, deps, { eventId: event.id, name: "Entrée", priceMinor: 500, quota: null }));
    const ticket = box.writer.transact((tx) => issueTicket(tx, deps, { productId: product.id, holderName: "Ada" }));
    enqueue({ html: `<p><img src="cid:${ticketQrCid(ticket.id)}" alt="QR"></p>`, kind: "order_tickets" });
    await sender.tick();
    const parsed = parseMessage(smtp.received[0]!.raw);
    expect(parsed.attachments).toHaveLength(1);
    const png = parsed.attachments[0]!;
    expect(png.contentType).toBe("image/png");
    expect(png.headers.get("content-id")).toBe(`<${ticketQrCid(ticket.id)}>`);
    expect(png.bytes).toEqual(qrPng(ticket.qr));
    expectPngOfQr(png.bytes, ticket.qr);
  });
});

/** Reads the PNG back (chunks, CRCs, inflated 1-bit rows) and compares each module with uqr's matrix. */
function expectPngOfQr(png: Uint8Array, text: string): void {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      expect([...data.subarray(8)]).toEqual([1, 0, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const modules = encode(text, { ecc: "M", border: 0 }).data;
  const scale = 4;
  expect(width).toBe((modules.length + 8) * scale);
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil(width / 8) + 1;
  for (let my = 0; my < modules.length; my++) {
    for (let mx = 0; mx < modules.length; mx++) {
      const x = (mx + 4) * scale + 1;
      const y = (my + 4) * scale + 2;
      const white = (raw[y * rowBytes + 1 + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
      expect(white).toBe(!modules[my]![mx]);
    }
  }
}
