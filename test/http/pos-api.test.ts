// Proves the tills' point-of-sale API through the real router (app.handle, a real SQLite file):
// the catalogue and quotes, an idempotent sale (the same key twice is one sale and the same answer
// byte for byte), refusals with their stable codes and statuses (and a refusal replayed, not
// retried), a void that needs a manager's session, receipts and logged reprints, cash sessions
// whose expected cash counts the till's cash top-ups, and closures made by a manager.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { verifyLedger } from "../../src/ledger/index.ts";
import { verifyFiscalJournal } from "../../src/pos/index.ts";
import { testBox, type TestBox } from "../helpers/box.ts";
import { cardUid, inProcess, type Send } from "../helpers/ledger.ts";
import { seedCatalogue, setUpVenue, type Catalogue } from "../helpers/pos.ts";

let box: TestBox;
let send: Send;
let till = "";
let manager = "";
let cashier = "";
let items: Catalogue;
let key = 0;

beforeAll(async () => {
  box = testBox();
  await setUpVenue(box);
  items = seedCatalogue(box);
  send = inProcess(box);
  till = box.auth.addTerminalSync("test", "till", "Bar 1").token;
  const maud = await box.auth.createOperator("test", { name: "Maud Manager", role: "manager", email: "maud@example.org", password: "long enough password", pin: "2468" });
  const cam = await box.auth.createOperator("test", { name: "Camille", role: "cashier", pin: "1357" });
  const open = async (operatorId: string, pin: string) => JSON.parse((await send("POST", "/api/v1/sessions", { token: till, json: { operator_id: operatorId, pin } })).text).session_token as string;
  manager = await open(maud.id, "2468");
  cashier = await open(cam.id, "1357");
});
afterAll(() => box.dispose());

const beer = () => ({ item_id: items.beer.id, price_id: items.beer.prices[0]!.id, quantity: 1 });

async function post(path: string, json: unknown, options: { key?: string; session?: string } = {}) {
  const reply = await send("POST", path, { token: till, key: options.key ?? `key-${++key}`, session: options.session ?? cashier, json });
  return { ...reply, body: JSON.parse(reply.text) as Record<string, any> };
}

async function topUp(uid: string, amount: number) {
  const reply = await post("/api/v1/wallet/topups", { card_uid: uid, asset: "EUR", amount, method: "cash" });
  expect(reply.status).toBe(201);
}

describe("catalogue and quotes", () => {
  test("the catalogue of a point of sale lists its active items and prices", async () => {
    const reply = await send("GET", "/api/v1/catalogue?point_of_sale=main", { token: till });
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.text) as { items: Array<{ name: string; prices: unknown[] }>; vat_status: string; payment_methods: Array<{ code: string }> };
    expect(body.items.map((item) => item.name).sort()).toEqual(["Bière", "Burger", "Café", "Soutien"]);
    expect(body.vat_status).toBe("liable");
    expect(body.payment_methods.map((method) => method.code)).toEqual(["nfc_card", "cash", "card_terminal", "cheque", "offered"]);
    expect((await send("GET", "/api/v1/catalogue?point_of_sale=nope", { token: till })).status).toBe(404);
  });

  test("a quote prices the cart from the catalogue, ignoring a tampered amount", async () => {
    const reply = await post("/api/v1/sales/quote", { point_of_sale: "main", lines: [{ ...beer(), amount: 1, quantity: 3 }] });
    expect(reply.status).toBe(200);
    expect(reply.body.total).toBe(1_350);
    expect(reply.body.vat).toEqual([{ rate_bp: 2000, incl: 1_350, vat: 225, excl: 1_125 }]);
  });
});

describe("sales", () => {
  test("the same key twice is one sale and the same answer, byte for byte", async () => {
    const uid = cardUid(0x51);
    await topUp(uid, 2_000);
    const sale = { point_of_sale: "main", lines: [beer()], payments: [{ method: "nfc_card", amount: 450, card_uid: uid }], expected_total: 450 };
    const first = await post("/api/v1/sales", sale, { key: "sale-once" });
    const again = await post("/api/v1/sales", sale, { key: "sale-once" });
    expect(first.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.replayed).toBe(true);
    expect(first.body).toMatchObject({ total: 450, change: 0, vat: [{ rate_bp: 2000, incl: 450, vat: 75, excl: 375 }], balances: { EUR: 1_550, GIFT: 0 } });
    expect(first.body.receipt_url).toBe(`/api/v1/sales/${first.body.sale_number}/receipt`);
    const count = box.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM sales WHERE idempotency_key = ?").get("sale-once")!.n;
    expect(count).toBe(1);
    const reused = await post("/api/v1/sales", { ...sale, expected_total: 451 }, { key: "sale-once" });
    expect([reused.status, reused.body.code]).toEqual([422, "idempotency_key_reused"]);
  });

  test("refusals carry stable codes and statuses; a refusal is stored and replayed", async () => {
    const uid = cardUid(0x52);
    await topUp(uid, 100);
    const cases: Array<[unknown, number, string]> = [
      [{ point_of_sale: "main", lines: [beer()], payments: [{ method: "nfc_card", amount: 450, card_uid: uid }] }, 409, "insufficient_funds"],
      [{ point_of_sale: "main", lines: [beer()], payments: [{ method: "cash", amount: 400 }] }, 400, "payment_mismatch"],
      [{ point_of_sale: "main", lines: [{ item_id: "gone", quantity: 1 }], payments: [{ method: "cash", amount: 400 }] }, 404, "item_unknown"],
      [{ point_of_sale: "main", lines: [{ ...beer(), quantity: 0.5 }], payments: [{ method: "cash", amount: 400 }] }, 400, "quantity_invalid"],
      [{ point_of_sale: "main", lines: [beer()], payments: [{ method: "cash", amount: 500 }], expected_total: 420 }, 409, "price_changed"],
    ];
    const count = (table: string) => box.sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
    const before = { sales: count("sales"), fiscal: count("fiscal_records"), ledger: count("ledger_entries"), answers: count("idempotency_keys") };
    for (const [sale, status, code] of cases) {
      const reply = await post("/api/v1/sales", sale, { key: `refused-${code}` });
      expect([reply.status, reply.body.code]).toEqual([status, code]);
      if (code === "insufficient_funds") expect(reply.body.missing).toBe(350);
      if (code === "price_changed") expect(reply.body.total).toBe(450);
      const again = await post("/api/v1/sales", sale, { key: `refused-${code}` });
      expect(again.text).toBe(reply.text);
      expect(again.replayed).toBe(true);
    }
    // Refusals write nothing but their stored answers.
    expect({ sales: count("sales"), fiscal: count("fiscal_records"), ledger: count("ledger_entries"), answers: count("idempotency_keys") }).toEqual({ ...before, answers: before.answers + cases.length });
    expect((await send("POST", "/api/v1/sales", { token: till, json: { point_of_sale: "main" } })).status).toBe(400);
  });

  test("receipts read back; a reprint says DUPLICATA and is logged as receipt.reprinted", async () => {
    const sold = await post("/api/v1/sales", { point_of_sale: "main", lines: [beer()], payments: [{ method: "cash", amount: 1_000 }] });
    const receipt = JSON.parse((await send("GET", sold.body.receipt_url, { token: till })).text) as Record<string, any>;
    expect(receipt).toMatchObject({ sale_number: sold.body.sale_number, total: 450, change: 550, duplicate: false, operator: "Camille" });
    expect(receipt.venue).toEqual({ legal_name: "Les Amis du Quartier", address: "1 rue Test, 69001 Lyon", siret: "73282932000074", vat_number: "FR12732829320" });
    expect(receipt.signature_extract).toMatch(/^[0-9a-f]{8}$/);
    const reprint = await post(`/api/v1/sales/${sold.body.sale_number}/reprint`, {});
    expect([reprint.status, reprint.body.duplicate]).toEqual([200, true]);
    const event = box.sqlite.query<{ subject: string }, []>("SELECT subject FROM event_log WHERE kind = 'receipt.reprinted' ORDER BY seq DESC LIMIT 1").get();
    expect(event?.subject).toBe(`sale:${sold.body.sale_number}`);
    expect((await send("GET", "/api/v1/sales/999999/receipt", { token: till })).status).toBe(404);
  });

  test("a void needs a manager's session: the cashier's is 403 manager_required", async () => {
    const sold = await post("/api/v1/sales", { point_of_sale: "main", lines: [beer()], payments: [{ method: "cash", amount: 450 }] });
    const byCashier = await post(`/api/v1/sales/${sold.body.sale_number}/void`, { reason: "oops" }, { session: cashier });
    expect([byCashier.status, byCashier.body.code]).toEqual([403, "manager_required"]);
    const byManager = await post(`/api/v1/sales/${sold.body.sale_number}/void`, { reason: "oops" }, { session: manager });
    expect([byManager.status, byManager.body.voided_total]).toEqual([201, 450]);
    const twice = await post(`/api/v1/sales/${sold.body.sale_number}/void`, {}, { session: manager });
    expect([twice.status, twice.body.code]).toEqual([409, "already_voided"]);
  });

  test("a training sale is answered like a sale, numbered T, and its receipt says so", async () => {
    const sold = await post("/api/v1/sales", { point_of_sale: "main", lines: [beer()], payments: [{ method: "cash", amount: 450 }], training: true });
    expect(sold.status).toBe(201);
    expect(sold.body.label).toBe(`T${sold.body.sale_number}`);
    expect(sold.body.fiscal_seq).toBeNull();
    const receipt = JSON.parse((await send("GET", sold.body.receipt_url, { token: till })).text) as Record<string, unknown>;
    expect(receipt.training).toBe(true);
  });
});

describe("cash sessions and closures", () => {
  test("expected cash counts the float, cash sales net of change, the till's cash top-ups and movements", async () => {
    const opened = await post("/api/v1/cash-sessions", { point_of_sale: "main", float: 10_000 });
    expect(opened.status).toBe(201);
    expect((await post("/api/v1/cash-sessions", { point_of_sale: "main", float: 0 })).body.code).toBe("cash_session_open");
    await post("/api/v1/sales", { point_of_sale: "main", lines: [beer()], payments: [{ method: "cash", amount: 500 }] });
    await topUp(cardUid(0x53), 2_000);
    const out = await post(`/api/v1/cash-sessions/${opened.body.id}/movements`, { amount: -1_000, reason: "apport banque" });
    expect(out.status).toBe(201);
    const current = JSON.parse((await send("GET", "/api/v1/cash-sessions/current", { token: till })).text) as { figures: Record<string, number> };
    expect(current.figures).toEqual({ float: 10_000, cash_sales: 500, change_given: 50, cash_voids: 0, topups: 2_000, refunds: 0, movements: -1_000, expected: 11_450 });
    const closed = await post(`/api/v1/cash-sessions/${opened.body.id}/close`, { counted: 11_440 });
    expect([closed.status, closed.body.expected, closed.body.difference]).toEqual([200, 11_450, -10]);
    expect((await post(`/api/v1/cash-sessions/${opened.body.id}/close`, { counted: 0 })).body.code).toBe("cash_session_closed");
  });

  test("a closure is a manager's, and a business day that has not ended is period_open", async () => {
    const byCashier = await post("/api/v1/closures", { period: "2026-01-01" }, { session: cashier });
    expect(byCashier.body.code).toBe("manager_required");
    const today = new Date(box.deps.clock.nowMs()).toISOString().slice(0, 10);
    const open = await post("/api/v1/closures", { period: today }, { session: manager });
    expect([open.status, open.body.code]).toEqual([409, "period_open"]);
    const past = await post("/api/v1/closures", { period: "2025-12-31" }, { session: manager });
    expect([past.status, past.body.kind, past.body.totals.sales]).toEqual([201, "daily", 0]);
    const again = await post("/api/v1/closures", { period: "2025-12-31" }, { session: manager });
    expect([again.status, again.body.fiscal_seq]).toEqual([200, past.body.fiscal_seq]);
  });
});

test("after all of the above, the fiscal journal and the ledger verify, stored answers included", () => {
  const fiscal = verifyFiscalJournal(box.sqlite, box.signer.publicKey);
  expect(fiscal.ok).toBe(true);
  const ledger = verifyLedger(box.sqlite, { publicKey: box.signer.publicKey, backedAssets: ["EUR"] });
  expect(ledger.ok).toBe(true);
});
