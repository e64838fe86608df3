// Proves exactly-once check-in over real HTTP against a real serving box (`tibox serve` in a child
// process on loopback, its own SQLite file): 1,000 concurrent scans of 100 tickets from 4 door
// terminals give exactly 100 admissions and 900 already_redeemed, and the database agrees; and bad
// input over the wire: forged, truncated and oversized (10 kB) payloads, a ticket of another venue
// (another box's key, also one claiming this box's event), a replayed nonce (first answer, byte for
// byte, nothing written), tickets outside their window (expired and not yet valid).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openBox, type Box } from "../../src/app.ts";
import { generateSigningKeyPem, signerFromPem, systemClock } from "../../src/kernel/index.ts";
import { createEvent, encodeTicket, eventSigner, issueTicket, saveProduct, type Ticket } from "../../src/ticketing/index.ts";
import { setUp, tempFolder } from "../helpers/box.ts";
import { serveChild, type ServingChild } from "../helpers/process.ts";

const HOUR = 3_600_000;
const TICKETS = 100;
const SCANS = 1_000;
const DOORS = 4;

const folder = tempFolder("tibox-door-load-");
const otherFolder = tempFolder("tibox-door-other-");
let server: ServingChild;
let tokens: string[] = [];
let tickets: Ticket[] = [];
let eventId = "";
let productId = "";
let pastTicket: Ticket;
let futureTicket: Ticket;
let otherVenueTicket = "";
let otherVenueOurEvent = "";

function makeEvent(box: Box, title: string, startsAtMs: number): string {
  return box.writer.transact(
    (tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title, description: "", imageUrl: null, startsAtMs, endsAtMs: startsAtMs + 2 * HOUR, doorsAtMs: startsAtMs, capacity: null, tags: [], visibility: "public" }).id,
  );
}

function makeProduct(box: Box, event: string): string {
  return box.writer.transact((tx) => saveProduct(tx, { newId: box.deps.newId }, { eventId: event, name: "Entrée", priceMinor: 1000, quota: null })).id;
}

function issue(box: Box, product: string, holderName: string): Ticket {
  return box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId: product, holderName }));
}

beforeAll(async () => {
  const nowMs = systemClock.nowMs();
  // Another venue: its own box, key and event.
  const other = openBox({ dataDir: otherFolder.path });
  try {
    await setUp(other, "Autre Lieu");
    const otherEvent = makeEvent(other, "Ailleurs", nowMs + HOUR);
    otherVenueTicket = issue(other, makeProduct(other, otherEvent), "Voisin").qr;
    // The other venue's event key, signing a ticket that names this box's event (below).
    otherVenueOurEvent = otherEvent;
  } finally {
    other.close();
  }
  const box = openBox({ dataDir: folder.path });
  try {
    await setUp(box);
    tokens = Array.from({ length: DOORS }, (_, index) => box.auth.addTerminalSync("test", "door", `Porte ${index + 1}`).token);
    eventId = makeEvent(box, "Concert", nowMs + HOUR);
    productId = makeProduct(box, eventId);
    tickets = Array.from({ length: TICKETS }, (_, index) => issue(box, productId, `Personne ${index}`));
    pastTicket = issue(box, makeProduct(box, makeEvent(box, "Hier", nowMs - 30 * HOUR)), "Hier");
    futureTicket = issue(box, makeProduct(box, makeEvent(box, "Dans un mois", nowMs + 30 * 24 * HOUR)), "Demain");
  } finally {
    box.close();
  }
  // A ticket for this box's event, signed by the other venue's event key.
  const otherBox = openBox({ dataDir: otherFolder.path });
  try {
    const signer = eventSigner(otherBox.writer.sqlite, otherVenueOurEvent);
    const window = { validFromMs: tickets[0]!.validFromMs, validUntilMs: tickets[0]!.validUntilMs };
    otherVenueOurEvent = encodeTicket({ ticketId: otherBox.deps.newId(), eventId, productId, ...window }, signer);
  } finally {
    otherBox.close();
  }
  server = await serveChild(folder.path);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  folder.remove();
  otherFolder.remove();
});

function post(body: Record<string, unknown>, token = tokens[0]!): Promise<Response> {
  return fetch(`${server.url}/api/v1/checkins`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

function database(): Database {
  return new Database(join(folder.path, "tibox.db"), { readonly: true });
}

describe("exactly once over HTTP", () => {
  test(
    "1,000 concurrent scans of 100 tickets from 4 doors: exactly 100 admitted, 900 already_redeemed, and the database agrees",
    async () => {
      const scans = Array.from({ length: SCANS }, (_, index) => ({ ticket: tickets[index % TICKETS]!, token: tokens[index % DOORS]!, nonce: `load-${index}-${tickets[index % TICKETS]!.id}` }));
      const answers = await Promise.all(
        scans.map(async (scan) => {
          const response = await post({ qr: scan.ticket.qr, nonce: scan.nonce, list: eventId }, scan.token);
          const body = (await response.json()) as { result?: string; code?: string; ticket?: { id: string }; ticket_id?: string };
          return { status: response.status, body, ticketId: scan.ticket.id };
        }),
      );
      const admitted = answers.filter((answer) => answer.status === 200);
      expect(admitted).toHaveLength(TICKETS);
      expect(new Set(admitted.map((answer) => answer.body.ticket!.id)).size).toBe(TICKETS);
      const refused = answers.filter((answer) => answer.status === 409);
      expect(refused).toHaveLength(SCANS - TICKETS);
      expect(refused.every((answer) => answer.body.code === "already_redeemed" && answer.body.ticket_id === answer.ticketId)).toBe(true);
      const db = database();
      try {
        const rows = db.query<{ result: string; code: string | null; n: number }, [string]>("SELECT result, code, count(*) AS n FROM checkins WHERE list = ? GROUP BY result, code ORDER BY result").all(eventId);
        expect(rows).toEqual([
          { result: "admitted", code: null, n: TICKETS },
          { result: "refused", code: "already_redeemed", n: SCANS - TICKETS },
        ]);
        const perTicket = db.query<{ n: number }, [string]>("SELECT count(DISTINCT ticket_id) AS n FROM checkins WHERE list = ? AND result = 'admitted' AND entry_no = 1").get(eventId)!.n;
        expect(perTicket).toBe(TICKETS);
        const doors = db.query<{ n: number }, [string]>("SELECT count(DISTINCT device) AS n FROM checkins WHERE list = ?").get(eventId)!.n;
        expect(doors).toBe(DOORS);
      } finally {
        db.close();
      }
    },
    120_000,
  );
});

describe("bad input over HTTP", () => {
  const rowCount = () => {
    const db = database();
    try {
      return db.query<{ n: number }, []>("SELECT count(*) AS n FROM checkins").get()!.n;
    } finally {
      db.close();
    }
  };
  const code = async (body: Record<string, unknown>) => {
    const response = await post(body);
    return [response.status, ((await response.json()) as { code: string }).code];
  };

  test("forged, truncated, oversized (10 kB) payloads and another venue's tickets are 400 with their code", async () => {
    const real = tickets[0]!;
    const forged = encodeTicket({ ticketId: real.id, eventId, productId, validFromMs: real.validFromMs, validUntilMs: real.validUntilMs }, signerFromPem(generateSigningKeyPem()));
    expect(await code({ qr: forged, nonce: "bad-forged-1" })).toEqual([400, "invalid_signature"]);
    expect(await code({ qr: real.qr.slice(0, 120), nonce: "bad-truncated-1" })).toEqual([400, "qr_invalid"]);
    expect(await code({ qr: real.qr + "A".repeat(10_000), nonce: "bad-oversized-1" })).toEqual([400, "qr_invalid"]);
    expect(await code({ qr: otherVenueTicket, nonce: "bad-other-venue-1" })).toEqual([400, "invalid_signature"]);
    expect(await code({ qr: otherVenueOurEvent, nonce: "bad-other-venue-2" })).toEqual([400, "invalid_signature"]);
  });

  test("a replayed nonce gets the first answer byte for byte and writes nothing", async () => {
    const first = await post({ qr: tickets[1]!.qr, nonce: "load-1-" + tickets[1]!.id, list: eventId }, tokens[1]);
    const text = await first.text();
    const before = rowCount();
    const again = await post({ qr: tickets[1]!.qr, nonce: "load-1-" + tickets[1]!.id, list: eventId }, tokens[1]);
    expect(again.status).toBe(first.status);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(text);
    expect(rowCount()).toBe(before);
  });

  test("a ticket outside its window: expired after, not_yet_valid before", async () => {
    expect(await code({ qr: pastTicket.qr, nonce: "bad-window-past" })).toEqual([409, "expired"]);
    expect(await code({ qr: futureTicket.qr, nonce: "bad-window-future" })).toEqual([409, "not_yet_valid"]);
  });

  test("a 2 MB body is refused before anything is read (413 body_too_large)", async () => {
    const response = await post({ qr: "A".repeat(2_000_000), nonce: "bad-huge-body" });
    expect(response.status).toBe(413);
  });
});
