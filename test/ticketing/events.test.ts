// Proves the event services refuse bad input with stable codes (title, window, capacity,
// visibility, image address) and that each event gets a ticket key whose certificate verifies
// under the venue key, with both Ed25519 implementations, while a forged one fails.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateSigningKeyPem, isAppError, signerFromPem, verifySignatureIndependently } from "../../src/kernel/index.ts";
import { checkEventInput, createEvent, eventCertificate, listUpcomingPublicEvents, signCertificate, updateEvent, verifyCertificate, type EventInput } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";

const START = Date.UTC(2030, 2, 14, 19, 30);
const HOUR = 3_600_000;
const VALID: EventInput = { title: "Bal folk", description: "", imageUrl: null, startsAtMs: START, endsAtMs: START + 3 * HOUR, doorsAtMs: START - HOUR, capacity: 120, tags: ["Folk", " folk ", "bal"], visibility: "public" };

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return "accepted";
}

describe("event validation", () => {
  test("a valid event is cleaned: trimmed title, tags lower-cased and deduplicated", () => {
    const clean = checkEventInput({ ...VALID, title: "  Bal folk " });
    expect(clean.title).toBe("Bal folk");
    expect(clean.tags).toEqual(["folk", "bal"]);
  });

  const cases: Array<[string, Partial<EventInput>, string]> = [
    ["an empty title", { title: "   " }, "title_required"],
    ["an end before the start", { endsAtMs: START - 1 }, "event_window_invalid"],
    ["an end equal to the start", { endsAtMs: START }, "event_window_invalid"],
    ["doors opening after the start", { doorsAtMs: START + 1 }, "event_window_invalid"],
    ["a missing start (NaN from a bad form)", { startsAtMs: Number.NaN }, "event_window_invalid"],
    ["a capacity of 0", { capacity: 0 }, "capacity_invalid"],
    ["a fractional capacity", { capacity: 1.5 }, "capacity_invalid"],
    ["an unknown visibility", { visibility: "secret" }, "visibility_invalid"],
    ["a javascript: image", { imageUrl: "javascript:alert(1)" }, "image_url_invalid"],
  ];
  for (const [name, change, code] of cases) {
    test(`${name} is refused with ${code}`, () => {
      expect(codeOf(() => checkEventInput({ ...VALID, ...change }))).toBe(code);
    });
  }

  test("doors at the start and no capacity are accepted", () => {
    expect(codeOf(() => checkEventInput({ ...VALID, doorsAtMs: START, capacity: null }))).toBe("accepted");
  });
});

describe("events and their ticket keys", () => {
  let box: TestBox;
  beforeAll(async () => {
    box = testBox();
    await setUp(box);
  });
  afterAll(() => box.dispose());

  test("creating an event certifies its own key under the venue key; a forged certificate fails", () => {
    const event = box.writer.transact((tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, VALID));
    const certificate = eventCertificate(box.writer.sqlite, event.id);
    expect(certificate.eventId).toBe(event.id);
    expect(certificate.validUntilMs).toBe(VALID.endsAtMs + 86_400_000);
    expect(verifyCertificate(certificate, box.signer.publicKey)).toBe(true);
    expect(verifyCertificate(certificate, box.signer.publicKey, verifySignatureIndependently)).toBe(true);

    // Another venue's key signing the same body, a changed window, another event's id: all refused.
    const otherVenue = signerFromPem(generateSigningKeyPem());
    expect(verifyCertificate(signCertificate(otherVenue, certificate), box.signer.publicKey)).toBe(false);
    expect(verifyCertificate({ ...certificate, validUntilMs: certificate.validUntilMs + 1 }, box.signer.publicKey)).toBe(false);
    expect(verifyCertificate({ ...certificate, eventId: "01J00000000000000000000000" }, box.signer.publicKey)).toBe(false);
  });

  test("moving the end keeps the key and re-certifies it; a bad update changes nothing", () => {
    const event = box.writer.transact((tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, VALID));
    const before = eventCertificate(box.writer.sqlite, event.id);
    box.writer.transact((tx) => updateEvent(tx, box.signer, event.id, { ...VALID, endsAtMs: VALID.endsAtMs + HOUR }));
    const after = eventCertificate(box.writer.sqlite, event.id);
    expect(after.publicKeyHex).toBe(before.publicKeyHex);
    expect(after.validUntilMs).toBe(before.validUntilMs + HOUR);
    expect(verifyCertificate(after, box.signer.publicKey)).toBe(true);
    expect(codeOf(() => box.writer.transact((tx) => updateEvent(tx, box.signer, event.id, { ...VALID, title: "" })))).toBe("title_required");
    expect(codeOf(() => box.writer.transact((tx) => updateEvent(tx, box.signer, "01J00000000000000000000000", VALID)))).toBe("event_unknown");
  });

  test("the agenda lists public and shared events not over yet, soonest first, never private or past ones", () => {
    const fresh = testBox();
    try {
      const make = (title: string, startsAtMs: number, visibility: string) =>
        fresh.writer.transact((tx) => createEvent(tx, { signer: fresh.signer, newId: fresh.deps.newId }, { ...VALID, title, startsAtMs, doorsAtMs: startsAtMs, endsAtMs: startsAtMs + HOUR, visibility }));
      make("later", START + 48 * HOUR, "shared");
      make("private", START + 24 * HOUR, "private");
      make("past", START - 48 * HOUR, "public");
      make("sooner", START + 24 * HOUR, "public");
      expect(listUpcomingPublicEvents(fresh.writer.sqlite, START).map((event) => event.title)).toEqual(["sooner", "later"]);
    } finally {
      fresh.dispose();
    }
  });
});
