// Proves cash sessions on a real SQLite file: expected cash is the float, plus cash handed over
// for sales minus change, minus cash given back by voids, plus this till's cash top-ups and minus
// its cash refunds (the ledger's reserve:cash movements under its scope, written while the session
// was open, by sequence number), plus movements; another till's top-ups, card-terminal top-ups,
// training sales and what happened before opening or after closing do not count.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { isAppError } from "../../src/kernel/index.ts";
import { addCashMovement, cashFigures, closeCashSession, createSale, findCashSession, openCashSession, voidSale } from "../../src/pos/index.ts";
import { refund } from "../../src/wallet/index.ts";
import { line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";

let pos: PosBox;
beforeAll(async () => {
  pos = await posBox();
});
afterAll(() => pos.box.dispose());

const run = <T>(command: Parameters<typeof pos.box.writer.transact<T>>[0]) => pos.box.writer.transact(command);

function codeOf(command: () => unknown): string {
  try {
    command();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return "accepted";
}

test("expected cash follows the drawer, and closing records the difference", () => {
  loadCard(pos.box, pos.deps, 0x400, 999, "cash", "till-1"); // before opening: not counted
  const session = run((tx) => openCashSession(tx, pos.deps, seller(), { pointOfSale: "main", float: 15_000 }));
  expect(codeOf(() => run((tx) => openCashSession(tx, pos.deps, seller(), { pointOfSale: "main", float: 0 })))).toBe("cash_session_open");
  expect(codeOf(() => run((tx) => openCashSession(tx, pos.deps, { ...seller(), terminalId: null }, { pointOfSale: "main", float: 0 })))).toBe("terminal_required");
  const sell = (input: Parameters<typeof createSale>[3], actor = seller()) => run((tx) => createSale(tx, pos.deps, actor, input));
  sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 2_000 }] }); // +2000 −1550
  const voided = sell({ pointOfSale: "main", lines: [line(pos.items.burger)], payments: [{ method: "cash", amount: 1_250 }] }); // +1250
  sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "card_terminal", amount: 450 }] }); // no cash
  sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }], training: true }); // training: none
  run((tx) => voidSale(tx, pos.deps, seller("manager"), { number: voided.number })); // −1250
  const refunded = loadCard(pos.box, pos.deps, 0x401, 3_000, "cash", "till-1"); // +3000
  loadCard(pos.box, pos.deps, 0x402, 700, "card", "till-1"); // card terminal: no cash
  loadCard(pos.box, pos.deps, 0x403, 5_000, "cash", "till-2"); // another till: not here
  run((tx) => refund(tx, pos.deps, { scope: "terminal:till-1", idempotencyKey: "refund-401" }, { cardUid: refunded })); // −3000
  run((tx) => addCashMovement(tx, pos.deps, seller(), { sessionId: session.id, amount: 500, reason: "monnaie" }));
  expect(codeOf(() => run((tx) => addCashMovement(tx, pos.deps, seller(), { sessionId: session.id, amount: 100, reason: " " })))).toBe("reason_required");
  expect(codeOf(() => run((tx) => addCashMovement(tx, pos.deps, seller("cashier", "till-2"), { sessionId: session.id, amount: 100, reason: "x" })))).toBe("cash_session_other_terminal");
  const figures = cashFigures(pos.box.sqlite, findCashSession(pos.box.sqlite, session.id)!);
  expect(figures).toEqual({ float: 15_000, cashSales: 3_250, changeGiven: 1_550, cashVoids: 1_250, topups: 3_000, refunds: 3_000, movements: 500, expected: 15_950 });
  const closing = run((tx) => closeCashSession(tx, pos.deps, seller(), { sessionId: session.id, counted: 16_000 }));
  expect([closing.figures.expected, closing.counted, closing.difference]).toEqual([15_950, 16_000, 50]);
  // After closing, the till's top-ups belong to no session of the past.
  loadCard(pos.box, pos.deps, 0x404, 1_000, "cash", "till-1");
  expect(cashFigures(pos.box.sqlite, findCashSession(pos.box.sqlite, session.id)!).expected).toBe(15_950);
  expect(codeOf(() => run((tx) => closeCashSession(tx, pos.deps, seller(), { sessionId: session.id, counted: 0 })))).toBe("cash_session_closed");
  expect(codeOf(() => run((tx) => closeCashSession(tx, pos.deps, seller(), { sessionId: "nope", counted: 0 })))).toBe("cash_session_unknown");
  const events = pos.box.sqlite.query<{ kind: string }, []>("SELECT kind FROM event_log WHERE kind LIKE 'cash_session.%' ORDER BY seq").all().map((row) => row.kind);
  expect(events).toEqual(["cash_session.opened", "cash_session.movement", "cash_session.closed"]);
});
