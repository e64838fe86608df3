// Proves what an offline door answers from its saved snapshot (ui/client/door-decide.ts), with
// real signed tickets and a certificate signed by a venue key: a valid ticket is admitted (also one
// sold after the snapshot, on its signature alone), and each refusal comes in the box's order with
// the box's code: qr_invalid, invalid_signature (forged, or a certificate the venue did not sign),
// wrong_event, revoked (from the list or a ticket's state), product_not_admitted, unpaid,
// not_yet_valid / expired (the ticket's window and the list's), already_redeemed (entered before
// the snapshot, or at this door since, with the time), and exits (not_inside; re-entry where allowed).
import { describe, expect, test } from "bun:test";
import { generateSigningKeyPem, signerFromPem, toHex } from "../../src/kernel/index.ts";
import { encodeTicket, signCertificate } from "../../src/ticketing/index.ts";
import { isDoorSnapshot, judgeOffline, offlineList, type DoorSnapshot, type LocalPass, type SnapshotTicket } from "../../ui/client/door-decide.ts";

const venue = signerFromPem(generateSigningKeyPem());
const eventKey = signerFromPem(generateSigningKeyPem());
const EVENT = "01JQ4Z8D3M2V6S9T0ABCDEFGHJ";
const OTHER_EVENT = "01JQ4Z8D3M2V6S9T0ABCDEFGHK";
const PRODUCT = "01JQ4Z8D3M2V6S9T0ABCDEFGP1";
const OTHER_PRODUCT = "01JQ4Z8D3M2V6S9T0ABCDEFGP2";
const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const certificate = signCertificate(venue, { eventId: EVENT, publicKeyHex: toHex(eventKey.publicKey), validFromMs: NOW - 10 * HOUR, validUntilMs: NOW + 48 * HOUR });

function ticketId(n: number): string {
  return `01JQ4Z9K7N8P0R1S2T3V4W5X${String(n).padStart(2, "0")}`;
}

function qr(n: number, options: { productId?: string; eventId?: string; fromMs?: number; untilMs?: number; key?: typeof eventKey } = {}): string {
  return encodeTicket(
    { ticketId: ticketId(n), eventId: options.eventId ?? EVENT, productId: options.productId ?? PRODUCT, validFromMs: options.fromMs ?? NOW - HOUR, validUntilMs: options.untilMs ?? NOW + HOUR },
    options.key ?? eventKey,
  );
}

function listed(n: number, state: SnapshotTicket["state"] = "valid", admittedAt: number | null = null): SnapshotTicket {
  return { id: ticketId(n), product_id: PRODUCT, holder: `Holder ${n}`, state, admitted_at: admittedAt };
}

function snapshot(changes: Partial<DoorSnapshot> = {}, list: Partial<DoorSnapshot["list"]> = {}): DoorSnapshot {
  return {
    venue_public_key: toHex(venue.publicKey),
    event: { id: EVENT, title: "Concert", starts: NOW, ends: NOW + 4 * HOUR, doors: NOW },
    certificate,
    list: { id: EVENT, name: "Entrée", product_ids: [], allow_reentry: false, valid_from: null, valid_until: null, ...list },
    tickets: [listed(1), listed(2, "revoked"), listed(3, "unpaid"), listed(4, "valid", NOW - 600_000)],
    revoked: [ticketId(2), ticketId(9)],
    truncated: false,
    generated_at: NOW - 60_000,
    etag: "e1",
    ...changes,
  };
}

const none = new Map<string, LocalPass>();

describe("an offline door's answer", () => {
  const door = offlineList(snapshot());

  test("a listed valid ticket is admitted with its holder; one sold after the snapshot on its signature", () => {
    expect(judgeOffline(door, none, qr(1), NOW)).toEqual({ result: "admitted", direction: "entry", ticketId: ticketId(1), productId: PRODUCT, holder: "Holder 1" });
    expect(judgeOffline(door, none, ` ${qr(5)}\n`, NOW)).toEqual({ result: "admitted", direction: "entry", ticketId: ticketId(5), productId: PRODUCT, holder: null });
  });

  test("malformed, forged, another venue's certificate, another event", () => {
    expect(judgeOffline(door, none, "HELLO", NOW)).toEqual({ result: "refused", code: "qr_invalid", ticketId: null });
    expect(judgeOffline(door, none, qr(1).slice(0, -1), NOW)).toMatchObject({ code: "qr_invalid" });
    expect(judgeOffline(door, none, qr(1, { key: signerFromPem(generateSigningKeyPem()) }), NOW)).toMatchObject({ code: "invalid_signature" });
    const foreign = offlineList(snapshot({ venue_public_key: toHex(signerFromPem(generateSigningKeyPem()).publicKey) }));
    expect(judgeOffline(foreign, none, qr(1), NOW)).toMatchObject({ code: "invalid_signature" });
    expect(judgeOffline(door, none, qr(1, { eventId: OTHER_EVENT }), NOW)).toMatchObject({ code: "wrong_event" });
  });

  test("revoked by the revocation list or by state, even for a ticket the list does not show", () => {
    expect(judgeOffline(door, none, qr(2), NOW)).toEqual({ result: "refused", code: "revoked", ticketId: ticketId(2) });
    expect(judgeOffline(door, none, qr(9), NOW)).toMatchObject({ code: "revoked" });
  });

  test("product not on this list, unpaid", () => {
    const vip = offlineList(snapshot({}, { product_ids: [OTHER_PRODUCT] }));
    expect(judgeOffline(vip, none, qr(1), NOW)).toMatchObject({ code: "product_not_admitted" });
    expect(judgeOffline(offlineList(snapshot({}, { product_ids: [PRODUCT] })), none, qr(1), NOW)).toMatchObject({ result: "admitted" });
    expect(judgeOffline(door, none, qr(3), NOW)).toMatchObject({ code: "unpaid" });
  });

  test("the ticket's window and the list's", () => {
    expect(judgeOffline(door, none, qr(1), NOW - HOUR - 1)).toMatchObject({ code: "not_yet_valid" });
    expect(judgeOffline(door, none, qr(1), NOW + HOUR + 1)).toMatchObject({ code: "expired" });
    expect(judgeOffline(door, none, qr(1), NOW + HOUR)).toMatchObject({ result: "admitted" });
    const late = offlineList(snapshot({}, { valid_from: NOW + 1 }));
    expect(judgeOffline(late, none, qr(1), NOW)).toMatchObject({ code: "not_yet_valid" });
    const early = offlineList(snapshot({}, { valid_until: NOW - 1 }));
    expect(judgeOffline(early, none, qr(1), NOW)).toMatchObject({ code: "expired" });
  });

  test("already_redeemed: entered before the snapshot, or let in by this door since, with when", () => {
    expect(judgeOffline(door, none, qr(4), NOW)).toEqual({ result: "refused", code: "already_redeemed", ticketId: ticketId(4), atMs: NOW - 600_000 });
    expect(judgeOffline(door, new Map([[ticketId(1), { atMs: NOW - 5, inside: true }]]), qr(1), NOW)).toEqual({ result: "refused", code: "already_redeemed", ticketId: ticketId(1), atMs: NOW - 5 });
  });

  test("exits: someone inside may leave (also outside the window); re-entry after an exit only where allowed", () => {
    const reentry = offlineList(snapshot({}, { allow_reentry: true }));
    // Inside by the snapshot (ticket 4 entered), or by this door's entry.
    expect(judgeOffline(reentry, none, qr(4), NOW, "exit")).toMatchObject({ result: "admitted", direction: "exit", ticketId: ticketId(4) });
    expect(judgeOffline(reentry, none, qr(1), NOW, "exit")).toMatchObject({ result: "refused", code: "not_inside" });
    const entered = new Map([[ticketId(1), { atMs: NOW - 5, inside: true }]]);
    expect(judgeOffline(reentry, entered, qr(1), NOW + 2 * HOUR, "exit")).toMatchObject({ result: "admitted", direction: "exit" });
    const left = new Map([[ticketId(4), { atMs: NOW - 5, inside: false }]]);
    expect(judgeOffline(reentry, left, qr(4), NOW)).toMatchObject({ result: "admitted", direction: "entry" });
    expect(judgeOffline(reentry, left, qr(4), NOW, "exit")).toMatchObject({ code: "not_inside" });
    expect(judgeOffline(door, new Map([[ticketId(1), { atMs: NOW - 5, inside: false }]]), qr(1), NOW)).toMatchObject({ code: "already_redeemed", atMs: NOW - 5 });
    // An exit is still refused for a revoked or forged ticket.
    expect(judgeOffline(reentry, none, qr(2), NOW, "exit")).toMatchObject({ code: "revoked" });
    expect(judgeOffline(reentry, none, "NOPE", NOW, "exit")).toMatchObject({ code: "qr_invalid" });
  });

  test("the box's order: revoked before the window, unpaid before already_redeemed", () => {
    expect(judgeOffline(door, none, qr(2, { untilMs: NOW - HOUR / 2 }), NOW)).toMatchObject({ code: "revoked" });
    const both = offlineList(snapshot({ tickets: [listed(3, "unpaid", NOW - 5)] }));
    expect(judgeOffline(both, none, qr(3), NOW)).toMatchObject({ code: "unpaid" });
  });

  test("the snapshot's shape is checked before it is kept", () => {
    expect(isDoorSnapshot(snapshot())).toBe(true);
    expect(isDoorSnapshot(JSON.parse(JSON.stringify(snapshot())))).toBe(true);
    expect(isDoorSnapshot({ code: "terminal_locked", message: "unlock" })).toBe(false);
    expect(isDoorSnapshot(null)).toBe(false);
    expect(isDoorSnapshot({ ...snapshot(), tickets: "x" })).toBe(false);
  });
});
