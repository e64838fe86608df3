// Proves the check-in rules under random sequences of scans (fast-check) against a plain model:
// three tickets (one revoked), two lists of one event (one with re-entry, one without), three
// doors, entries and exits, online or forced (offline uploads), nonces new or replayed. After
// every scan the answer equals the model's (admitted, the refusal code, or a conflict for a forced
// scan, with entry_no), a replayed nonce answers its first answer byte for byte and writes
// nothing; at the end, per list and ticket, the admitted entries are numbered 1..n with no gap,
// exits never outnumber entries, and the list's "inside" counter equals the model's.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { FakeClock } from "../../src/kernel/index.ts";
import { createEvent, findCheckinList, issueTicket, listCounts, revokeTicket, saveCheckinList, saveProduct, type Ticket } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2031, 2, 7, 19, 0);
const RUNS = 40;

interface Scan {
  readonly ticket: number;
  readonly list: number;
  readonly exit: boolean;
  readonly forced: boolean;
  readonly door: number;
  /** Replay an earlier scan's nonce (an index into the scans so far) instead of a new one. */
  readonly replay: number | null;
}

const scanArb: fc.Arbitrary<Scan> = fc.record({
  ticket: fc.integer({ min: 0, max: 2 }),
  list: fc.integer({ min: 0, max: 1 }),
  exit: fc.boolean(),
  forced: fc.boolean(),
  door: fc.integer({ min: 0, max: 2 }),
  replay: fc.option(fc.nat({ max: 30 }), { nil: null, freq: 5 }),
});

let box: TestBox;
const clock = new FakeClock(NOW);
let tokens: string[] = [];
let runNo = 0;

beforeAll(async () => {
  box = testBox({ clock });
  await setUp(box);
  tokens = ["Porte A", "Porte B", "Hors ligne"].map((name) => box.auth.addTerminalSync("test", "door", name).token);
});
afterAll(() => box.dispose());

function setUpRun(): { tickets: Ticket[]; lists: { id: string; reentry: boolean }[] } {
  const newId = () => box.deps.newId();
  const eventId = box.writer.transact(
    (tx) => createEvent(tx, { signer: box.signer, newId }, { title: `Soirée ${++runNo}`, description: "", imageUrl: null, startsAtMs: NOW + HOUR, endsAtMs: NOW + 4 * HOUR, doorsAtMs: NOW, capacity: null, tags: [], visibility: "private" }).id,
  );
  const productId = box.writer.transact((tx) => saveProduct(tx, { newId }, { eventId, name: "Entrée", priceMinor: 800, quota: null })).id;
  const tickets = [0, 1, 2].map((index) => box.writer.transact((tx) => issueTicket(tx, { newId }, { productId, holderName: `P${index}` })));
  box.writer.transact((tx) => revokeTicket(tx, tickets[2]!.id));
  const terrace = box.writer.transact((tx) => saveCheckinList(tx, { newId }, { eventId, name: "Terrasse", productIds: [], allowReentry: true, validFromMs: null, validUntilMs: null }));
  return { tickets, lists: [{ id: terrace.id, reentry: true }, { id: eventId, reentry: false }] };
}

async function post(body: Record<string, unknown>, token: string): Promise<{ status: number; text: string }> {
  const response = await box.app.handle(
    new Request("http://localhost/api/v1/checkins", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
  );
  return { status: response.status, text: await response.text() };
}

const rows = () => box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM checkins").get()!.n;

test("random scans from three doors on two lists follow the model; replays change nothing; entries are numbered without gaps", async () => {
  const tally = { admitted: 0, refused: 0, conflict: 0, replayed: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(scanArb, { minLength: 1, maxLength: 30 }), async (scans) => {
      const { tickets, lists } = setUpRun();
      // The model: per list and ticket, admitted entries and exits.
      const passes = new Map<string, { entries: number; exits: number }>();
      const sent: { body: Record<string, unknown>; token: string; answer: { status: number; text: string } }[] = [];
      for (const [index, scan] of scans.entries()) {
        clock.advance(1_000);
        if (scan.replay !== null && scan.replay < sent.length) {
          const first = sent[scan.replay]!;
          const before = rows();
          expect(await post(first.body, first.token)).toEqual(first.answer);
          expect(rows()).toBe(before);
          tally.replayed++;
          continue;
        }
        const ticket = tickets[scan.ticket]!;
        const list = lists[scan.list]!;
        const key = `${list.id}:${ticket.id}`;
        const state = passes.get(key) ?? { entries: 0, exits: 0 };
        const inside = state.entries > state.exits;
        let expected: { code: string | null; entryNo?: number };
        if (scan.ticket === 2) expected = { code: "revoked" };
        else if (scan.exit) expected = inside ? { code: null, entryNo: state.entries } : { code: "not_inside" };
        else if (list.reentry ? inside : state.entries > 0) expected = { code: "already_redeemed" };
        else expected = { code: null, entryNo: state.entries + 1 };
        const body: Record<string, unknown> = { qr: ticket.qr, nonce: `prop-${runNo}-${index}-nonce`, list: list.id, direction: scan.exit ? "exit" : "entry" };
        if (scan.forced) Object.assign(body, { forced: true, scanned_at: clock.nowMs() - 500 });
        const token = tokens[scan.door]!;
        const answer = await post(body, token);
        sent.push({ body, token, answer });
        const parsed = JSON.parse(answer.text) as { result?: string; code?: string; entry_no?: number };
        if (expected.code === null) {
          expect(answer.status).toBe(200);
          expect(parsed).toMatchObject({ result: "admitted", entry_no: expected.entryNo });
          passes.set(key, scan.exit ? { ...state, exits: state.exits + 1 } : { ...state, entries: state.entries + 1 });
          tally.admitted++;
        } else if (scan.forced) {
          expect(answer.status).toBe(200);
          expect(parsed).toMatchObject({ result: "conflict", code: expected.code });
          tally.conflict++;
        } else {
          expect(answer.status).toBe(409);
          expect(parsed.code).toBe(expected.code);
          tally.refused++;
        }
      }
      for (const list of lists) {
        const numbered = box.writer.sqlite
          .query<{ ticketId: string; entryNo: number }, [string]>("SELECT ticket_id AS ticketId, entry_no AS entryNo FROM checkins WHERE list = ? AND result = 'admitted' AND direction = 'entry' ORDER BY rowid")
          .all(list.id);
        for (const ticket of tickets) {
          const mine = numbered.filter((row) => row.ticketId === ticket.id).map((row) => row.entryNo);
          expect(mine).toEqual(mine.map((_, index) => index + 1));
          const model = passes.get(`${list.id}:${ticket.id}`) ?? { entries: 0, exits: 0 };
          expect(mine.length).toBe(model.entries);
          expect(model.exits).toBeLessThanOrEqual(model.entries);
        }
        const modelInside = tickets.reduce((sum, ticket) => {
          const model = passes.get(`${list.id}:${ticket.id}`) ?? { entries: 0, exits: 0 };
          return sum + model.entries - model.exits;
        }, 0);
        expect(listCounts(box.writer.sqlite, findCheckinList(box.writer.sqlite, list.id)!).inside).toBe(modelInside);
      }
    }),
    { numRuns: RUNS },
  );
  // The runs met every kind of answer.
  expect(tally.admitted).toBeGreaterThan(0);
  expect(tally.refused).toBeGreaterThan(0);
  expect(tally.conflict).toBeGreaterThan(0);
  expect(tally.replayed).toBeGreaterThan(0);
}, 120_000);
