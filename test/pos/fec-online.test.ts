// Proves that every channel's money is in the FEC, on a real box (VAT liable, fake clock): on one
// business day a till sale (cash, beer at 20 %), a box-office sale (sellAtBoxOffice: a ticket
// order at 5.5 % paid by card terminal) and an online order (Stripe, a ticket at 5.5 %) give the
// sales journal VE (the till and the box office, from the fiscal records) and the online journal
// VW (5115 against 706 and 44571, no fiscal record); the next day the online order's refund
// reverses it in VW; every entry and every day balances; the reports' online block counts the
// order, the total and the refund.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { businessDayWindow, createSale, fecExport, onlineSalesSummary, sellAtBoxOffice, type PosActor } from "../../src/pos/index.ts";
import { createOrder, markOrderPaid, refundOrder } from "../../src/ticketing/index.ts";
import { ADMIN, Client } from "../helpers/box.ts";
import { addBoxOffice } from "../helpers/box-office.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";
import { line, posBox, seller, type PosBox } from "../helpers/pos.ts";

type FecRow = { journal: string; entry: string; date: string; account: string; debit: number; credit: number };

function parseFec(text: string): FecRow[] {
  const lines = text.split("\r\n").filter(Boolean);
  const cents = (value: string) => Number(value.replace(",", ""));
  return lines.slice(1).map((row) => {
    const cells = row.split("|");
    expect(cells.length).toBe(18);
    return { journal: cells[0]!, entry: cells[2]!, date: cells[3]!, account: cells[4]!, debit: cents(cells[11]!), credit: cents(cells[12]!) };
  });
}

/** Debit minus credit per key. */
function nets(rows: readonly FecRow[], key: (row: FecRow) => string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of rows) sums[key(row)] = (sums[key(row)] ?? 0) + row.debit - row.credit;
  return sums;
}

describe("the FEC holds the till, the box office and online orders", () => {
  let pos: PosBox;
  let clock: FakeClock;
  let onlineOrderId = "";
  const admin: PosActor = { scope: "operator:a", idempotencyKey: "box-fec", role: "admin", operatorId: "a", operatorName: "Ada", terminalId: null };

  beforeAll(async () => {
    clock = new FakeClock(Date.parse("2030-05-10T10:00:00Z"));
    pos = await posBox({ box: { clock } });
    addBoxOffice(pos.box);
  });
  afterAll(() => pos.box.dispose());

  test("one day: VE has the till and the box office, VW the online order; the refund the next day reverses it", () => {
    const { box, deps } = pos;
    const eventId = makeEvent(box, clock.nowMs() + 48 * HOUR);
    const product = makeProduct(box, eventId, { name: "Concert", priceMinor: 2000, vatRateBp: 550 });
    const orderDeps = { newId: box.deps.newId, signer: box.signer, random: box.deps.random };
    box.writer.transact((tx) => createSale(tx, deps, seller(), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }] }));
    const sold = box.writer.transact((tx) =>
      sellAtBoxOffice(tx, deps, admin, {
        method: "terminal",
        orderKey: "fec-box-1",
        order: (saleId, atMs) =>
          createOrder(tx, orderDeps, { lines: [{ kind: "ticket", priceId: product.id, quantity: 1 }], buyer: { name: "Guichet" }, channel: "box_office", payment: { state: "paid", method: "terminal" }, idempotencyKey: "fec-box-1", saleId, nowMs: atMs }),
      }),
    );
    expect(sold.sale).toMatchObject({ total: 2000, pointOfSale: "billetterie" });
    onlineOrderId = box.writer.transact((tx) => {
      const held = createOrder(tx, orderDeps, {
        lines: [{ kind: "ticket", priceId: product.id, quantity: 2 }],
        buyer: { name: "Web", email: "web@example.org" },
        channel: "online",
        payment: { state: "held", holdUntilMs: clock.nowMs() + HOUR },
        idempotencyKey: "fec-online-1",
        nowMs: clock.nowMs(),
      });
      return markOrderPaid(tx, orderDeps, { orderId: held.id, method: "online", provider: "stripe", providerRef: "cs_test_fec", nowMs: clock.nowMs() + 60_000 }).id;
    });
    // No fiscal record for the online order: two sales, two records.
    expect(box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM fiscal_records").get()!.n).toBe(2);
    clock.set(Date.parse("2030-05-11T10:00:00Z"));
    box.writer.transact((tx) => refundOrder(tx, orderDeps, { orderId: onlineOrderId, nowMs: clock.nowMs(), method: "online" }));

    const rows = parseFec(fecExport(box.writer.sqlite, { from: "2030-05-10", to: "2030-05-11" }, clock.nowMs()).text);
    // Every entry balances, hence every day.
    for (const [entry, net] of Object.entries(nets(rows, (row) => `${row.journal}:${row.entry}`))) expect([entry, net]).toEqual([entry, 0]);
    for (const [day, net] of Object.entries(nets(rows, (row) => row.date))) expect([day, net]).toEqual([day, 0]);
    const day1 = rows.filter((row) => row.date === "20300510");
    const day2 = rows.filter((row) => row.date === "20300511");
    // VE: the beer (450 at 20 %: 75 VAT) in cash at the bar, the ticket (2000 at 5.5 %: 104 VAT) by terminal at the box office.
    expect(nets(day1.filter((row) => row.journal === "VE"), (row) => row.account)).toEqual({ "530": 450, "512": 2000, "7072000": -375, "445712000": -75, "7060550": -1896, "445710550": -104 });
    // VW: 2 × 2000 at 5.5 % (209 VAT: 4000 × 550 / 10550 = 208.5, half up) owed by the provider.
    expect(nets(day1.filter((row) => row.journal === "VW"), (row) => row.account)).toEqual({ "5115": 4000, "7060550": -3791, "445710550": -209 });
    expect(day2.map((row) => row.journal)).toEqual(["VW", "VW", "VW"]);
    expect(nets(day2, (row) => row.account)).toEqual({ "5115": -4000, "7060550": 3791, "445710550": 209 });
    expect(new Set(rows.filter((row) => row.journal === "VW").map((row) => row.entry))).toEqual(new Set(["VW000001", "VW000002"]));

    const window = (day: string) => businessDayWindow(day, "Europe/Paris", 360);
    expect(onlineSalesSummary(box.writer.sqlite, window("2030-05-10"))).toEqual({ count: 1, total: 4000, refundCount: 0, refunded: 0, net: 4000 });
    expect(onlineSalesSummary(box.writer.sqlite, window("2030-05-11"))).toEqual({ count: 0, total: 0, refundCount: 1, refunded: 4000, net: -4000 });
  });

  test("the reports page shows the online block for the whole venue, not for one point of sale", async () => {
    const client = new Client(pos.box);
    expect((await client.login(ADMIN.email, ADMIN.password)).status).toBe(303);
    const page = await (await client.get("/admin/pos/reports?from=2030-05-10&to=2030-05-11")).text();
    expect(page).toContain("Ventes en ligne");
    expect(page).toContain('data-testid="online-count">1<');
    expect(page).toMatch(/data-testid="online-refunded">40,00\s€</);
    expect(page).toMatch(/data-testid="online-net">0,00\s€</);
    const onePoint = await (await client.get("/admin/pos/reports?from=2030-05-10&to=2030-05-11&point_of_sale=billetterie")).text();
    expect(onePoint).not.toContain('data-testid="online-sales"');
  });
});
