// Proves the box's memo of verified event certificates saves work without trusting anything new:
// a certificate is verified once, then answered from the memo; any change to it (window, key,
// signature) is verified again and refused; an invalid one is never remembered; the ticket's own
// signature is always checked; the memo is bounded; and the real server uses it (a scan after a
// certificate was corrupted in the database is invalid_signature).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock, generateSigningKeyPem, signerFromPem, SIGNING_CONTEXTS, toHex } from "../../src/kernel/index.ts";
import { CertificateMemo, createEvent, decodeTicket, encodeTicket, issueTicket, saveProduct, signCertificate, verifyCertificate } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";

const venue = signerFromPem(generateSigningKeyPem());
const eventKey = signerFromPem(generateSigningKeyPem());
const EVENT_ID = "01JQ4Z8D3M2V6S9T0ABCDEFGHJ";
const certificate = signCertificate(venue, { eventId: EVENT_ID, publicKeyHex: toHex(eventKey.publicKey), validFromMs: 1_700_000_000_000, validUntilMs: 1_900_000_000_000 });

describe("the certificate memo", () => {
  test("verified once, then remembered; a changed certificate is checked again and refused; invalid ones are not remembered", () => {
    const memo = new CertificateMemo();
    expect(verifyCertificate(certificate, venue.publicKey, memo.check)).toBe(true);
    expect(memo.size).toBe(1);
    expect(verifyCertificate(certificate, venue.publicKey, memo.check)).toBe(true);
    expect(memo.size).toBe(1);
    for (const changed of [{ ...certificate, validUntilMs: certificate.validUntilMs + 1 }, { ...certificate, publicKeyHex: toHex(venue.publicKey) }, { ...certificate, signatureHex: certificate.signatureHex.replace(/^./, (c) => (c === "0" ? "1" : "0")) }]) {
      expect(verifyCertificate(changed, venue.publicKey, memo.check)).toBe(false);
    }
    expect(verifyCertificate(certificate, signerFromPem(generateSigningKeyPem()).publicKey, memo.check)).toBe(false);
    expect(memo.size).toBe(1);
  });

  test("the ticket's signature is always checked: a forged ticket under a remembered certificate is invalid_signature", () => {
    const memo = new CertificateMemo();
    const fields = { ticketId: "01JQ4Z9K7N8P0R1S2T3V4W5X6Y", eventId: EVENT_ID, productId: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", validFromMs: 1_773_500_000_000, validUntilMs: 1_773_520_000_000 };
    expect(decodeTicket(encodeTicket(fields, eventKey), certificate, venue.publicKey, memo.check)).toMatchObject({ ok: true });
    const forged = encodeTicket(fields, signerFromPem(generateSigningKeyPem()));
    expect(decodeTicket(forged, certificate, venue.publicKey, memo.check)).toEqual({ ok: false, code: "invalid_signature" });
    expect(memo.check(SIGNING_CONTEXTS.ticket, new Uint8Array([1]), new Uint8Array(64), eventKey.publicKey)).toBe(false);
  });

  test("bounded: past its limit it starts empty again", () => {
    const memo = new CertificateMemo(2);
    const many = [1, 2, 3].map((n) => signCertificate(venue, { ...certificate, validUntilMs: certificate.validUntilMs + n }));
    for (const one of many) expect(verifyCertificate(one, venue.publicKey, memo.check)).toBe(true);
    expect(memo.size).toBe(1);
  });
});

describe("the box uses it", () => {
  let box: TestBox;
  const NOW = Date.UTC(2030, 4, 10, 18, 0);
  beforeAll(async () => {
    box = testBox({ clock: new FakeClock(NOW) });
    await setUp(box);
  });
  afterAll(() => box.dispose());

  test("scans fill the memo; a certificate corrupted in the database afterwards is refused (invalid_signature)", async () => {
    const token = box.auth.addTerminalSync("test", "door", "Porte").token;
    const newId = () => box.deps.newId();
    const eventId = box.writer.transact(
      (tx) => createEvent(tx, { signer: box.signer, newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: NOW + 3_600_000, endsAtMs: NOW + 7_200_000, doorsAtMs: NOW, capacity: null, tags: [], visibility: "public" }).id,
    );
    const productId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Entrée", priceMinor: 0, quota: null })).id;
    const [first, second] = [1, 2].map(() => box.writer.transact((tx) => issueTicket(tx, { newId }, { productId, holderName: "A" })));
    const scan = (qr: string, nonce: string) =>
      box.app.handle(new Request("http://localhost/api/v1/checkins", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ qr, nonce }) }));
    expect((await scan(first!.qr, "memo-scan-1")).status).toBe(200);
    expect(box.deps.certificates.size).toBe(1);
    // Someone rewrites the stored certificate's window: its signature no longer matches.
    box.writer.transact((tx) => tx.sqlite.query("UPDATE event_keys SET valid_until_ms = valid_until_ms + 1 WHERE event_id = ?").run(eventId));
    const refused = await scan(second!.qr, "memo-scan-2");
    expect(refused.status).toBe(400);
    expect((await refused.json()).code).toBe("invalid_signature");
  });
});
