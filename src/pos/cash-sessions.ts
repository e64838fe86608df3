/**
 * Cash sessions: a till's drawer from opening (with a float) to closing (counted cash against
 * expected cash). One session is open per terminal at a time; sales and voids made by that
 * terminal while it is open belong to it.
 *
 *   expected = float + cash handed over for sales − change given − cash given back by voids
 *              + cash top-ups − cash refunds (and their voids) ± movements
 *
 * Top-ups and refunds in cash are not sales: they are the ledger's movements of `reserve:cash`.
 * They are attributed to a session by the terminal's scope (`terminal:<id>`, the scope of every
 * wallet call the till makes) and by the ledger's sequence numbers: those written after the head
 * seen at opening and up to the head seen at closing. Sequence numbers, not clock times, so that a
 * clock that moves cannot put an entry in two sessions or none.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, limits } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { chainHead } from "../ledger/index.ts";
import { AMOUNT_MAX_MINOR, type OperationDeps } from "../wallet/index.ts";
import { requireActivePointOfSale } from "./catalogue.ts";
import { isManager, type PosActor } from "./sales.ts";

export interface CashSession {
  readonly id: string;
  readonly pointOfSale: string;
  readonly terminalId: string;
  readonly openedByName: string;
  readonly openedAtMs: number;
  readonly floatAmount: number;
  readonly ledgerSeqAtOpen: number;
  readonly ledgerSeqAtClose: number | null;
  readonly closedAtMs: number | null;
  readonly expected: number | null;
  readonly counted: number | null;
}

export interface CashFigures {
  readonly float: number;
  /** Cash handed over for sales. */
  readonly cashSales: number;
  readonly changeGiven: number;
  /** Cash given back when sales of the session were voided. */
  readonly cashVoids: number;
  readonly topups: number;
  readonly refunds: number;
  readonly movements: number;
  readonly expected: number;
}

const SESSION_COLUMNS = `id, point_of_sale AS pointOfSale, terminal_id AS terminalId, opened_by_name AS openedByName, opened_at_ms AS openedAtMs,
  float_amount AS floatAmount, ledger_seq_at_open AS ledgerSeqAtOpen, ledger_seq_at_close AS ledgerSeqAtClose, closed_at_ms AS closedAtMs, expected, counted`;

export function findCashSession(sqlite: Sqlite, id: string): CashSession | undefined {
  return sqlite.query<CashSession, [string]>(`SELECT ${SESSION_COLUMNS} FROM cash_sessions WHERE id = ?`).get(id) ?? undefined;
}

export function openCashSessionOfTerminal(sqlite: Sqlite, terminalId: string): CashSession | undefined {
  return sqlite.query<CashSession, [string]>(`SELECT ${SESSION_COLUMNS} FROM cash_sessions WHERE terminal_id = ? AND closed_at_ms IS NULL`).get(terminalId) ?? undefined;
}

function cashAmount(value: unknown, min: number, code = "amount_invalid"): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > AMOUNT_MAX_MINOR) fail(code, `an amount is a whole number of cents from ${min} to ${AMOUNT_MAX_MINOR}`);
  return value;
}

function actorName(actor: PosActor): string {
  return actor.operatorId ? `operator:${actor.operatorId}` : actor.scope;
}

function requireTerminal(actor: PosActor): string {
  if (!actor.terminalId) fail("terminal_required", "a cash session belongs to a till");
  return actor.terminalId;
}

export function openCashSession(tx: Tx, deps: OperationDeps, actor: PosActor, input: { pointOfSale: unknown; float: unknown }): CashSession {
  const terminalId = requireTerminal(actor);
  const pos = requireActivePointOfSale(tx.sqlite, input.pointOfSale);
  const float = cashAmount(input.float, 0);
  if (openCashSessionOfTerminal(tx.sqlite, terminalId)) fail("cash_session_open", "this till already has an open cash session; close it first");
  const id = deps.newId();
  const atMs = tx.stamp().atMs;
  tx.sqlite
    .query(
      `INSERT INTO cash_sessions (id, point_of_sale, terminal_id, opened_by_id, opened_by_name, opened_at_ms, float_amount, ledger_seq_at_open)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, pos.code, terminalId, actor.operatorId ?? null, actor.operatorName ?? "", atMs, float, chainHead(tx.sqlite).seq);
  appendEvent(tx, deps.signer, { kind: "cash_session.opened", actor: actorName(actor), subject: `cash_session:${id}`, detail: { point_of_sale: pos.code, terminal_id: terminalId, float } });
  return findCashSession(tx.sqlite, id)!;
}

function requireOpenSession(tx: Tx, actor: PosActor, sessionId: unknown): CashSession {
  const session = typeof sessionId === "string" ? findCashSession(tx.sqlite, sessionId) : undefined;
  if (!session) fail("cash_session_unknown", "no such cash session");
  if (session.closedAtMs !== null) fail("cash_session_closed", "this cash session is closed");
  if (session.terminalId !== actor.terminalId && !isManager(actor)) fail("cash_session_other_terminal", "this session belongs to another till; a manager may act on it");
  return session;
}

/** Cash put in (positive) or taken out (negative) of the drawer, with a reason. */
export function addCashMovement(tx: Tx, deps: OperationDeps, actor: PosActor, input: { sessionId: unknown; amount: unknown; reason: unknown }): { id: string; figures: CashFigures } {
  const session = requireOpenSession(tx, actor, input.sessionId);
  if (typeof input.amount !== "number" || input.amount === 0) fail("amount_invalid", "a movement is a non-zero number of cents");
  const amount = Math.sign(input.amount) * cashAmount(Math.abs(input.amount), 1);
  const reason = typeof input.reason === "string" ? input.reason.trim() : "";
  if (!reason) fail("reason_required", "say why cash goes in or out");
  if (reason.length > limits.textFieldChars) fail("reason_too_long", `at most ${limits.textFieldChars} characters`);
  const id = deps.newId();
  tx.sqlite
    .query("INSERT INTO cash_movements (id, session_id, at_ms, amount, reason, operator_id, operator_name) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(id, session.id, tx.stamp().atMs, amount, reason, actor.operatorId ?? null, actor.operatorName ?? "");
  appendEvent(tx, deps.signer, { kind: "cash_session.movement", actor: actorName(actor), subject: `cash_session:${session.id}`, detail: { amount, reason } });
  return { id, figures: cashFigures(tx.sqlite, session) };
}

const sumOf = (sqlite: Sqlite, sql: string, ...params: Array<string | number>) => sqlite.query<{ total: number | null }, Array<string | number>>(sql).get(...params)?.total ?? 0;

/** The session's expected cash and what makes it up, as of now (or as of its closing). */
export function cashFigures(sqlite: Sqlite, session: CashSession): CashFigures {
  const cashSales = sumOf(
    sqlite,
    "SELECT sum(p.tendered) AS total FROM sale_payments p JOIN sales s ON s.id = p.sale_id WHERE s.cash_session_id = ? AND s.training = 0 AND p.method = 'cash'",
    session.id,
  );
  const changeGiven = sumOf(sqlite, "SELECT sum(change) AS total FROM sales WHERE cash_session_id = ? AND training = 0", session.id);
  const cashVoids = sumOf(
    sqlite,
    "SELECT sum(p.amount) AS total FROM sale_voids v JOIN sale_payments p ON p.sale_id = v.sale_id WHERE v.cash_session_id = ? AND p.method = 'cash'",
    session.id,
  );
  const movements = sumOf(sqlite, "SELECT sum(amount) AS total FROM cash_movements WHERE session_id = ?", session.id);
  const upTo = session.ledgerSeqAtClose ?? chainHead(sqlite).seq;
  let topups = 0;
  let refunds = 0;
  const rows = sqlite
    .query<{ kind: string; memo: string; intoReserve: number; amount: number }, [number, number, string]>(
      `SELECT e.kind, e.memo, t.credit_account = 'reserve:cash' AS intoReserve, t.amount FROM ledger_entries e JOIN ledger_transfers t ON t.entry_seq = e.seq
        WHERE e.seq > ? AND e.seq <= ? AND e.scope = ? AND (t.credit_account = 'reserve:cash' OR t.debit_account = 'reserve:cash')`,
    )
    .all(session.ledgerSeqAtOpen, upTo, `terminal:${session.terminalId}`);
  for (const row of rows) {
    const signed = row.intoReserve ? row.amount : -row.amount;
    const of = row.kind === "void" ? (JSON.parse(row.memo) as { kind?: string }).kind : row.kind;
    if (of === "refund") refunds -= signed;
    else topups += signed;
  }
  const expected = session.floatAmount + cashSales - changeGiven - cashVoids + topups - refunds + movements;
  return { float: session.floatAmount, cashSales, changeGiven, cashVoids, topups, refunds, movements, expected };
}

export interface CashSessionClosing {
  readonly session: CashSession;
  readonly figures: CashFigures;
  readonly counted: number;
  /** Counted minus expected: positive when the drawer holds more than it should. */
  readonly difference: number;
}

export function closeCashSession(tx: Tx, deps: OperationDeps, actor: PosActor, input: { sessionId: unknown; counted: unknown }): CashSessionClosing {
  const session = requireOpenSession(tx, actor, input.sessionId);
  const counted = cashAmount(input.counted, 0);
  const atMs = tx.stamp().atMs;
  const closing = { ...session, ledgerSeqAtClose: chainHead(tx.sqlite).seq };
  const figures = cashFigures(tx.sqlite, closing);
  tx.sqlite
    .query("UPDATE cash_sessions SET closed_at_ms = ?, closed_by_id = ?, closed_by_name = ?, ledger_seq_at_close = ?, expected = ?, counted = ? WHERE id = ?")
    .run(atMs, actor.operatorId ?? null, actor.operatorName ?? "", closing.ledgerSeqAtClose, figures.expected, counted, session.id);
  appendEvent(tx, deps.signer, {
    kind: "cash_session.closed",
    actor: actorName(actor),
    subject: `cash_session:${session.id}`,
    detail: { expected: figures.expected, counted, difference: counted - figures.expected },
  });
  return { session: findCashSession(tx.sqlite, session.id)!, figures, counted, difference: counted - figures.expected };
}
