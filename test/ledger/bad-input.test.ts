// Proves that the wallet device API refuses bad input with the documented code and writes nothing
// but the refusal's stored answer: scenario tables send unknown, lost and blocked cards, bad
// amounts, assets, methods, missing manager sessions and bad Idempotency-Keys through app.handle,
// and compare the journal, the balances and the stored answers before and after each request;
// door and reader terminals are held to the routes their kind may use.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { replaceLostCard, setCardState, cardByUid, AMOUNT_MAX_MINOR } from "../../src/wallet/index.ts";
import { balancesText, cardUid, entryCount, operationDeps, storedAnswerCount, tillBox, type Send, type TillBox } from "../helpers/ledger.ts";

let made: TillBox;
let send: Send;
let door = "";
let reader = "";
const FUNDED = cardUid(0xf00d);
const LOST = cardUid(0x1057);
const BLOCKED = cardUid(0xb10c);
const UNKNOWN = cardUid(0x404);
let keyCounter = 0;
const nextKey = () => `bad-input-${++keyCounter}`;

beforeAll(async () => {
  made = await tillBox();
  send = made.send;
  door = made.box.auth.addTerminalSync("test", "door", "Entrance").token;
  reader = made.box.auth.addTerminalSync("test", "reader", "Reader").token;
  for (const uid of [FUNDED, LOST, BLOCKED]) {
    const answer = await send("POST", "/api/v1/wallet/topups", { token: made.till, key: nextKey(), json: { card_uid: uid, asset: "EUR", amount: 2_000, method: "cash" } });
    expect(answer.status).toBe(201);
  }
  const box = made.box;
  box.writer.transact((tx) => {
    replaceLostCard(tx, operationDeps(box), { scope: "test", idempotencyKey: "lose-it", role: "manager" }, LOST, cardUid(0x1058));
    setCardState(tx, cardByUid(tx.sqlite, BLOCKED)!.id, "blocked");
  });
});

afterAll(() => made.box.dispose());

interface Footprint {
  readonly entries: number;
  readonly answers: number;
  readonly balances: string;
}

function footprint(): Footprint {
  const sqlite = made.box.sqlite;
  return { entries: entryCount(sqlite), answers: storedAnswerCount(sqlite), balances: balancesText(sqlite) };
}

type Route = "topups" | "payments" | "refunds";

interface Refusal {
  readonly name: string;
  readonly route: Route;
  /** The JSON body, or its exact text when a JSON value cannot say it (1e21, a missing field). */
  readonly body: Record<string, unknown> | string;
  readonly status: number;
  readonly code: string;
  readonly session?: "manager" | "cashier";
}

/** Sends one refused command and checks: its code, one stored answer, no entry, no balance moved; and its replay. */
async function expectStoredRefusal(refusal: Refusal): Promise<void> {
  const before = footprint();
  const key = nextKey();
  const call = {
    token: made.till,
    key,
    ...(typeof refusal.body === "string" ? { raw: refusal.body } : { json: refusal.body }),
    ...(refusal.session ? { session: refusal.session === "manager" ? made.manager : made.cashier } : {}),
  };
  const answer = await send("POST", `/api/v1/wallet/${refusal.route}`, call);
  expect(answer.status, `${refusal.name}: ${answer.text}`).toBe(refusal.status);
  expect(JSON.parse(answer.text), refusal.name).toMatchObject({ code: refusal.code });
  expect(footprint(), `${refusal.name}: exactly one stored answer, nothing else`).toEqual({ ...before, answers: before.answers + 1 });
  const row = made.box.sqlite.query<{ status: number; body: string }, [string]>("SELECT status, body FROM idempotency_keys WHERE key = ?").get(key);
  expect(row, refusal.name).toEqual({ status: refusal.status, body: answer.text });
  const again = await send("POST", `/api/v1/wallet/${refusal.route}`, call);
  expect(again, `${refusal.name}: replayed`).toEqual({ status: refusal.status, text: answer.text, replayed: true });
  expect(footprint(), refusal.name).toEqual({ ...before, answers: before.answers + 1 });
}

const AMOUNT_TEXTS: ReadonlyArray<[string, string | undefined]> = [
  ["zero", "0"],
  ["negative", "-5"],
  ["a fraction", "1.5"],
  ["above 10^9", String(AMOUNT_MAX_MINOR + 1)],
  ["1e21", "1e21"],
  ["a string", '"500"'],
  ["null", "null"],
  ["missing", undefined],
];

function bodyWithAmount(fields: string, amount: string | undefined): string {
  return amount === undefined ? `{${fields}}` : `{${fields},"amount":${amount}}`;
}

describe("cards", () => {
  const table: Refusal[] = [
    { name: "payment from an unknown card", route: "payments", body: { card_uid: UNKNOWN, amount: 100 }, status: 404, code: "card_unknown" },
    { name: "refund of an unknown card", route: "refunds", body: { card_uid: UNKNOWN }, status: 404, code: "card_unknown" },
    { name: "payment from a lost card", route: "payments", body: { card_uid: LOST, amount: 100 }, status: 409, code: "card_blocked" },
    { name: "top-up of a lost card", route: "topups", body: { card_uid: LOST, asset: "EUR", amount: 100, method: "cash" }, status: 409, code: "card_blocked" },
    { name: "refund of a lost card", route: "refunds", body: { card_uid: LOST }, status: 409, code: "card_blocked", session: "manager" },
    { name: "payment from a blocked card", route: "payments", body: { card_uid: BLOCKED, amount: 100 }, status: 409, code: "card_blocked" },
    { name: "top-up of a blocked card", route: "topups", body: { card_uid: BLOCKED, asset: "EUR", amount: 100, method: "cash" }, status: 409, code: "card_blocked" },
    { name: "refund of a blocked card", route: "refunds", body: { card_uid: BLOCKED }, status: 409, code: "card_blocked" },
    { name: "a payment above the card's balance", route: "payments", body: { card_uid: FUNDED, amount: 999_999 }, status: 409, code: "insufficient_funds" },
    { name: "a UID that is not hex", route: "payments", body: { card_uid: "not-a-card", amount: 100 }, status: 400, code: "card_uid_invalid" },
    { name: "a UID of 5 bytes", route: "topups", body: { card_uid: "0102030405", asset: "EUR", amount: 100, method: "cash" }, status: 400, code: "card_uid_invalid" },
    { name: "a UID that is a number", route: "refunds", body: { card_uid: 1234 }, status: 400, code: "card_uid_invalid" },
  ];
  for (const refusal of table) test(`${refusal.name}: ${refusal.status} ${refusal.code}`, () => expectStoredRefusal(refusal));

  test("an unknown card is registered at its first top-up, then reads and pays", async () => {
    const fresh = "04:a1:b2:c3:d4:e5:f6";
    expect((await send("GET", `/api/v1/cards/${fresh}`, { token: made.till })).status).toBe(404);
    const topup = await send("POST", "/api/v1/wallet/topups", { token: made.till, key: nextKey(), json: { card_uid: fresh, asset: "EUR", amount: 700, method: "card" } });
    expect(topup.status).toBe(201);
    const read = await send("GET", `/api/v1/cards/${encodeURIComponent(fresh)}`, { token: made.till });
    expect(JSON.parse(read.text)).toEqual({ uid: "04A1B2C3D4E5F6", state: "active", balances: { GIFT: 0, EUR: 700 }, member: null, membership: null });
    const paid = await send("POST", "/api/v1/wallet/payments", { token: made.till, key: nextKey(), json: { card_uid: "04A1B2C3D4E5F6", amount: 700 } });
    expect(JSON.parse(paid.text)).toMatchObject({ balances: { EUR: 0 } });
  });

  test("reading an unknown card is 404 card_unknown, a malformed UID 400 card_uid_invalid", async () => {
    const unknown = await send("GET", `/api/v1/cards/${UNKNOWN}`, { token: made.till });
    expect([unknown.status, JSON.parse(unknown.text).code]).toEqual([404, "card_unknown"]);
    const malformed = await send("GET", "/api/v1/cards/zz%ZZ", { token: made.till });
    expect([malformed.status, JSON.parse(malformed.text).code]).toEqual([400, "card_uid_invalid"]);
  });
});

describe("amounts", () => {
  for (const [name, text] of AMOUNT_TEXTS) {
    test(`${name} (${text ?? "no field"}): 400 amount_invalid on top-ups and payments`, async () => {
      await expectStoredRefusal({ name: `top-up ${name}`, route: "topups", body: bodyWithAmount(`"card_uid":"${FUNDED}","asset":"EUR","method":"cash"`, text), status: 400, code: "amount_invalid" });
      await expectStoredRefusal({ name: `payment ${name}`, route: "payments", body: bodyWithAmount(`"card_uid":"${FUNDED}"`, text), status: 400, code: "amount_invalid" });
    });
  }

  test("the bounds themselves, 1 and 10^9, are accepted", async () => {
    const uid = cardUid(0xb0d);
    for (const amount of [1, AMOUNT_MAX_MINOR]) {
      const answer = await send("POST", "/api/v1/wallet/topups", { token: made.till, key: nextKey(), json: { card_uid: uid, asset: "EUR", amount, method: "cash" } });
      expect(answer.status, answer.text).toBe(201);
    }
    const paid = await send("POST", "/api/v1/wallet/payments", { token: made.till, key: nextKey(), json: { card_uid: uid, amount: AMOUNT_MAX_MINOR } });
    expect(JSON.parse(paid.text)).toMatchObject({ transfers: [{ asset: "EUR", amount: AMOUNT_MAX_MINOR }], balances: { EUR: 1 } });
  });
});

describe("assets, methods, roles", () => {
  const topup = (asset: unknown, method: unknown) => ({ card_uid: FUNDED, asset, amount: 100, method });
  const table: Refusal[] = [
    { name: "an unknown asset", route: "topups", body: topup("USD", "cash"), status: 400, code: "asset_unknown" },
    { name: "an asset code in lower case", route: "topups", body: topup("eur", "cash"), status: 400, code: "asset_unknown" },
    { name: "an asset that is not a string", route: "topups", body: topup(7, "cash"), status: 400, code: "asset_unknown" },
    { name: "the online method from a till", route: "topups", body: topup("EUR", "online"), status: 400, code: "method_invalid" },
    { name: "an unknown method", route: "topups", body: topup("EUR", "bitcoin"), status: 400, code: "method_invalid" },
    { name: "EUR offered (euros are only issued against euros)", route: "topups", body: topup("EUR", "offered"), status: 400, code: "method_invalid", session: "manager" },
    { name: "GIFT for cash", route: "topups", body: topup("GIFT", "cash"), status: 400, code: "method_invalid", session: "manager" },
    { name: "GIFT offered with no session", route: "topups", body: topup("GIFT", "offered"), status: 403, code: "manager_required" },
    { name: "GIFT offered by a cashier", route: "topups", body: topup("GIFT", "offered"), status: 403, code: "manager_required", session: "cashier" },
    { name: "a point of sale with capitals", route: "payments", body: { card_uid: FUNDED, amount: 1, point_of_sale: "Bar" }, status: 400, code: "point_of_sale_invalid" },
  ];
  for (const refusal of table) test(`${refusal.name}: ${refusal.status} ${refusal.code}`, () => expectStoredRefusal(refusal));

  test("GIFT offered by a manager is accepted", async () => {
    const answer = await send("POST", "/api/v1/wallet/topups", { token: made.till, key: nextKey(), session: made.manager, json: topup("GIFT", "offered") });
    expect(answer.status, answer.text).toBe(201);
    expect(JSON.parse(answer.text)).toMatchObject({ transfers: [{ asset: "GIFT", amount: 100 }] });
  });
});

describe("idempotency keys", () => {
  const payment = { card_uid: FUNDED, amount: 10 };
  const badKeys: ReadonlyArray<[string, string | undefined]> = [
    ["missing", undefined],
    ["empty", ""],
    ["129 characters", "k".repeat(129)],
    ["with a space", "two words"],
    ["with a slash", "a/b"],
    ["with a non-ASCII letter", "clé"],
  ];
  for (const [name, key] of badKeys) {
    test(`${name}: 400 idempotency_key_invalid on the three routes, and nothing stored`, async () => {
      for (const route of ["topups", "payments", "refunds"] as const) {
        const before = footprint();
        const answer = await send("POST", `/api/v1/wallet/${route}`, { token: made.till, key, json: route === "topups" ? { ...payment, asset: "EUR", method: "cash" } : payment });
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.text)).toMatchObject({ code: "idempotency_key_invalid" });
        expect(footprint(), `${route}: nothing stored`).toEqual(before);
      }
    });
  }

  test("128 characters of every allowed kind are a valid key", async () => {
    const key = "Az09._:-".repeat(16);
    expect(key.length).toBe(128);
    const answer = await send("POST", "/api/v1/wallet/payments", { token: made.till, key, json: payment });
    expect(answer.status, answer.text).toBe(201);
  });

  test("requests refused before the command (bad JSON, a session of another terminal) store nothing", async () => {
    const before = footprint();
    const malformed = await send("POST", "/api/v1/wallet/payments", { token: made.till, key: nextKey(), raw: "{not json" });
    expect([malformed.status, JSON.parse(malformed.text).code]).toEqual([400, "malformed_json"]);
    const other = made.box.auth.addTerminalSync("test", "till", "Other till").token;
    const foreign = await send("POST", "/api/v1/wallet/topups", { token: other, key: nextKey(), session: made.manager, json: topup() });
    expect([foreign.status, JSON.parse(foreign.text).code]).toEqual([401, "unauthorized"]);
    expect(footprint()).toEqual(before);
    function topup() {
      return { card_uid: FUNDED, asset: "GIFT", amount: 5, method: "offered" };
    }
  });
});

describe("terminal kinds", () => {
  const bodies: Record<Route, Record<string, unknown>> = {
    topups: { card_uid: FUNDED, asset: "EUR", amount: 100, method: "cash" },
    payments: { card_uid: FUNDED, amount: 100 },
    refunds: { card_uid: FUNDED },
  };

  test("a door terminal reads a card (200) but gets 403 forbidden on the three commands, nothing stored", async () => {
    const read = await send("GET", `/api/v1/cards/${FUNDED}`, { token: door });
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toMatchObject({ uid: FUNDED, state: "active" });
    for (const route of ["topups", "payments", "refunds"] as const) {
      const before = footprint();
      const answer = await send("POST", `/api/v1/wallet/${route}`, { token: door, key: nextKey(), json: bodies[route] });
      expect([answer.status, JSON.parse(answer.text).code], route).toEqual([403, "forbidden"]);
      expect(footprint(), route).toEqual(before);
    }
  });

  test("a reader gets 403 forbidden on all four routes; no token or a bad one gets 401", async () => {
    const before = footprint();
    const read = await send("GET", `/api/v1/cards/${FUNDED}`, { token: reader });
    expect([read.status, JSON.parse(read.text).code]).toEqual([403, "forbidden"]);
    for (const route of ["topups", "payments", "refunds"] as const) {
      const answer = await send("POST", `/api/v1/wallet/${route}`, { token: reader, key: nextKey(), json: bodies[route] });
      expect([answer.status, JSON.parse(answer.text).code], route).toEqual([403, "forbidden"]);
      const unknown = await send("POST", `/api/v1/wallet/${route}`, { token: "x".repeat(43), key: nextKey(), json: bodies[route] });
      expect(unknown.status, route).toBe(401);
    }
    const anonymous = await made.box.app.handle(new Request(`http://localhost/api/v1/cards/${FUNDED}`));
    expect(anonymous.status).toBe(401);
    expect(footprint()).toEqual(before);
  });

  test("the funded card kept its balance through every refusal", async () => {
    const read = await send("GET", `/api/v1/cards/${FUNDED}`, { token: made.till });
    // 2000 loaded, 100 offered in GIFT, then 10 paid with the 128-character key (gift first).
    expect(JSON.parse(read.text).balances).toEqual({ GIFT: 90, EUR: 2_000 });
  });
});
