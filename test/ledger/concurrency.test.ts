// Proves that concurrent payments never overdraw a card and that each Idempotency-Key is applied
// once, both in process (app.handle) and over HTTP against a serving `tibox serve` child: 64
// parallel payments on one card, each then repeated; 20 simultaneous requests sharing one key;
// and a key reused with another body or path.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { serveChild, type ServingChild } from "../helpers/process.ts";
import { cardUid, entryCount, initializedFolder, inProcess, overHttp, readDatabase, tillBox, type Reply, type Send, type TillBox } from "../helpers/ledger.ts";

interface Target {
  readonly send: Send;
  readonly token: string;
  entries(): number;
  close(): Promise<void>;
}

interface Paid {
  readonly entry_seq: number;
  readonly transfers: Array<{ asset: string; amount: number }>;
  readonly balances: Record<string, number>;
}

const PARALLEL = 64;
const START_BALANCE = 1_000;
const PRICE = 30;

async function topUp(target: Target, uid: string, amount: number, key: string): Promise<void> {
  const answer = await target.send("POST", "/api/v1/wallet/topups", { token: target.token, key, json: { card_uid: uid, asset: "EUR", amount, method: "cash" } });
  expect(answer.status).toBe(201);
}

async function balanceOf(target: Target, uid: string): Promise<number> {
  const answer = await target.send("GET", `/api/v1/cards/${uid}`, { token: target.token });
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.text) as { balances: Record<string, number> }).balances.EUR!;
}

function scenarios(name: string, open: () => Promise<Target>): void {
  describe(name, () => {
    let target: Target;
    beforeAll(async () => {
      target = await open();
    });
    afterAll(() => target.close());

    test(`${PARALLEL} parallel payments never overdraw, and each of their keys is applied once`, async () => {
      const uid = cardUid(0x64);
      await topUp(target, uid, START_BALANCE, "race-topup");
      const before = target.entries();
      const requests = Array.from({ length: PARALLEL }, (_, index) => ({
        token: target.token,
        key: `race-pay-${index}`,
        json: { card_uid: uid, amount: PRICE, point_of_sale: "bar" },
      }));
      const first = await Promise.all(requests.map((request) => target.send("POST", "/api/v1/wallet/payments", request)));
      const paid = first.filter((reply) => reply.status === 201);
      const refused = first.filter((reply) => reply.status !== 201);
      const fits = Math.floor(START_BALANCE / PRICE);
      expect(paid.length).toBe(fits);
      const left = START_BALANCE - fits * PRICE;
      for (const reply of refused) {
        expect(reply.status).toBe(409);
        expect(JSON.parse(reply.text)).toMatchObject({ code: "insufficient_funds", missing: PRICE - left });
      }
      // Each success saw the balance its predecessor left: the payments ran one after another.
      const bodies = paid.map((reply) => JSON.parse(reply.text) as Paid);
      expect(bodies.map((body) => body.balances.EUR!).sort((a, b) => b - a)).toEqual(Array.from({ length: fits }, (_, index) => START_BALANCE - (index + 1) * PRICE));
      expect(new Set(bodies.map((body) => body.entry_seq)).size).toBe(fits);
      for (const body of bodies) expect(body.transfers).toEqual([{ asset: "EUR", amount: PRICE }]);
      expect(first.every((reply) => !reply.replayed)).toBe(true);
      expect(target.entries()).toBe(before + fits);
      expect(await balanceOf(target, uid)).toBe(left);

      // The same 64 requests again: the stored answers, byte for byte, and nothing written.
      const again = await Promise.all(requests.map((request) => target.send("POST", "/api/v1/wallet/payments", request)));
      again.forEach((reply, index) => {
        expect(reply.status).toBe(first[index]!.status);
        expect(reply.text).toBe(first[index]!.text);
        expect(reply.replayed).toBe(true);
      });
      expect(target.entries()).toBe(before + fits);
      expect(await balanceOf(target, uid)).toBe(left);
    });

    test("20 simultaneous requests with one key have one effect and 20 identical answers", async () => {
      const uid = cardUid(0x20);
      await topUp(target, uid, 500, "one-key-topup");
      const before = target.entries();
      const request = { token: target.token, key: "one-key-pay", json: { card_uid: uid, amount: 120 } };
      const replies: Reply[] = await Promise.all(Array.from({ length: 20 }, () => target.send("POST", "/api/v1/wallet/payments", request)));
      expect(new Set(replies.map((reply) => `${reply.status} ${reply.text}`)).size).toBe(1);
      expect(replies[0]!.status).toBe(201);
      expect(JSON.parse(replies[0]!.text)).toMatchObject({ transfers: [{ asset: "EUR", amount: 120 }], balances: { EUR: 380 } });
      expect(replies.filter((reply) => !reply.replayed).length).toBe(1);
      expect(target.entries()).toBe(before + 1);
      expect(await balanceOf(target, uid)).toBe(380);
    });

    test("a key reused with another body or on another route is refused 422 and changes nothing", async () => {
      const uid = cardUid(0x422);
      await topUp(target, uid, 500, "reuse-topup");
      const first = await target.send("POST", "/api/v1/wallet/payments", { token: target.token, key: "reuse-pay", json: { card_uid: uid, amount: 100 } });
      expect(first.status).toBe(201);
      const before = target.entries();
      const otherBody = await target.send("POST", "/api/v1/wallet/payments", { token: target.token, key: "reuse-pay", json: { card_uid: uid, amount: 200 } });
      expect(otherBody.status).toBe(422);
      expect(JSON.parse(otherBody.text)).toMatchObject({ code: "idempotency_key_reused" });
      // The same JSON written with other whitespace is another request too: the key names bytes.
      const otherBytes = await target.send("POST", "/api/v1/wallet/payments", { token: target.token, key: "reuse-pay", raw: `{ "card_uid": "${uid}", "amount": 100 }` });
      expect(otherBytes.status).toBe(422);
      const otherRoute = await target.send("POST", "/api/v1/wallet/refunds", { token: target.token, key: "reuse-pay", json: { card_uid: uid, amount: 100 } });
      expect(otherRoute.status).toBe(422);
      expect(JSON.parse(otherRoute.text)).toMatchObject({ code: "idempotency_key_reused" });
      expect(target.entries()).toBe(before);
      expect(await balanceOf(target, uid)).toBe(400);
      const replay = await target.send("POST", "/api/v1/wallet/payments", { token: target.token, key: "reuse-pay", json: { card_uid: uid, amount: 100 } });
      expect(replay).toEqual({ status: 201, text: first.text, replayed: true });
    });
  });
}

scenarios("in process (app.handle)", async () => {
  const made: TillBox = await tillBox();
  return {
    send: inProcess(made.box),
    token: made.till,
    entries: () => entryCount(made.box.sqlite),
    close: async () => made.box.dispose(),
  };
});

scenarios("over HTTP (tibox serve in a child process)", async () => {
  const folder = await initializedFolder();
  const child: ServingChild = await serveChild(folder.data);
  return {
    send: overHttp(child.url),
    token: folder.token,
    entries: () => readDatabase(`${folder.data}/tibox.db`, entryCount),
    close: async () => {
      await child.stop();
      folder.remove();
    },
  };
});
