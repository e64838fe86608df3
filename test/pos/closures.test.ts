// Proves business days and closures with a fake clock on a real SQLite file: in Europe/Paris the
// business day holding the night of 2026-03-29 lasts 23 h and the one of 2026-10-25 lasts 25 h,
// and sales at 01:30 and 03:30 that night belong to the day before; every instant belongs to exactly
// the business day whose window holds it (fast-check); a daily Z equals the fiscal journal's sales
// and voids of the day, with top-ups apart; per point of sale closures add up to the venue's;
// monthly and yearly closures are the sums of their dailies and monthlies; closures are made once,
// never before their period ends; and the automatic job closes ended days at the configured hour
// (croner's nextRuns) from the injected clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Cron } from "croner";
import fc from "fast-check";
import { closureCronPattern, runClosureJob } from "../../src/jobs/index.ts";
import { FakeClock, isAppError, silentLogger } from "../../src/kernel/index.ts";
import { chainHead } from "../../src/ledger/index.ts";
import {
  businessDayOf,
  businessDayWindow,
  closeDay,
  closeMonth,
  closeYear,
  createSale,
  instantOfLocal,
  voidSale,
  zTicketDocument,
  type SaleInput,
} from "../../src/pos/index.ts";
import { line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";

const PARIS = "Europe/Paris";
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe("business days", () => {
  test("the night of the spring change makes a 23-hour day, the autumn one a 25-hour day", () => {
    const spring = businessDayWindow("2026-03-28", PARIS, 360);
    expect([spring.startMs, spring.endMs]).toEqual([at("2026-03-28T05:00:00Z"), at("2026-03-29T04:00:00Z")]);
    expect((spring.endMs - spring.startMs) / HOUR).toBe(23);
    const autumn = businessDayWindow("2026-10-24", PARIS, 360);
    expect([autumn.startMs, autumn.endMs]).toEqual([at("2026-10-24T04:00:00Z"), at("2026-10-25T05:00:00Z")]);
    expect((autumn.endMs - autumn.startMs) / HOUR).toBe(25);
    expect((businessDayWindow("2026-03-29", PARIS, 360).endMs - businessDayWindow("2026-03-29", PARIS, 360).startMs) / HOUR).toBe(24);
  });

  test("instants of those nights belong to the day before, until 06:00 local", () => {
    const cases: Array<[string, string]> = [
      ["2026-03-29T00:30:00Z", "2026-03-28"], // 01:30 CET
      ["2026-03-29T01:30:00Z", "2026-03-28"], // 03:30 CEST
      ["2026-03-29T03:59:59Z", "2026-03-28"], // 05:59:59 CEST
      ["2026-03-29T04:00:00Z", "2026-03-29"], // 06:00 CEST
      ["2026-10-25T00:30:00Z", "2026-10-24"], // 02:30 CEST, the first time
      ["2026-10-25T01:30:00Z", "2026-10-24"], // 02:30 CET, the second time
      ["2026-10-25T04:59:59Z", "2026-10-24"], // 05:59:59 CET
      ["2026-10-25T05:00:00Z", "2026-10-25"], // 06:00 CET
      ["2026-01-01T04:59:00Z", "2025-12-31"], // a year ends at 06:00 on 1 January
    ];
    for (const [instant, day] of cases) expect([instant, businessDayOf(at(instant), PARIS, 360)]).toEqual([instant, day]);
  });

  test("an end time inside the spring gap starts the day at the change itself", () => {
    // 02:30 never happens on 29 March 2026 in Paris: the day starts at 03:00 CEST (01:00 UTC).
    expect(instantOfLocal("2026-03-29", 150, PARIS)).toBe(at("2026-03-29T01:00:00Z"));
    expect(businessDayOf(at("2026-03-29T00:59:59Z"), PARIS, 150)).toBe("2026-03-28");
    expect(businessDayOf(at("2026-03-29T01:00:00Z"), PARIS, 150)).toBe("2026-03-29");
  });

  test("property: every instant lies in the window of its business day (Paris, New York, Sydney)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at("2025-01-01T00:00:00Z"), max: at("2028-01-01T00:00:00Z") }),
        fc.constantFrom(PARIS, "America/New_York", "Australia/Sydney", "UTC"),
        fc.integer({ min: 0, max: 1439 }),
        (instant, timezone, endMinute) => {
          const window = businessDayWindow(businessDayOf(instant, timezone, endMinute), timezone, endMinute);
          expect(window.startMs <= instant && instant < window.endMs).toBe(true);
          expect((window.endMs - window.startMs) / HOUR >= 23 && (window.endMs - window.startMs) / HOUR <= 25).toBe(true);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("closures", () => {
  let pos: PosBox;
  let clock: FakeClock;
  const sold: Array<{ day: string; total: number }> = [];

  beforeAll(async () => {
    clock = new FakeClock(at("2026-03-28T09:00:00Z"));
    pos = await posBox({ box: { clock } });
  });
  afterAll(() => pos.box.dispose());

  function sell(input: SaleInput, actor = seller()) {
    const sale = pos.box.writer.transact((tx) => createSale(tx, pos.deps, actor, input));
    sold.push({ day: sale.businessDay, total: sale.total });
    return sale;
  }
  const close = <T>(run: (tx: Parameters<Parameters<typeof pos.box.writer.transact>[0]>[0]) => T) => pos.box.writer.transact(run);
  const beers = (quantity: number, payments: SaleInput["payments"] = [{ method: "cash", amount: 450 * quantity }]): SaleInput => ({ pointOfSale: "main", lines: [line(pos.items.beer, quantity)], payments });

  /** What the fiscal journal holds for a day: its sale and void records' totals, read straight from the payloads. */
  function journalOfDay(day: string): { total: number; byMethod: Record<string, number> } {
    const byMethod: Record<string, number> = {};
    let total = 0;
    for (const row of pos.box.sqlite.query<{ payload: string }, []>("SELECT payload FROM fiscal_records WHERE kind IN ('sale', 'sale_void') ORDER BY seq").all()) {
      const payload = JSON.parse(row.payload) as { business_day: string; total: number; payments: Array<{ method: string; amount: number }> };
      if (payload.business_day !== day) continue;
      total += payload.total;
      for (const payment of payload.payments) byMethod[payment.method] = (byMethod[payment.method] ?? 0) + payment.amount;
    }
    return { total, byMethod };
  }

  test("the spring night: sales at 01:30 and 03:30 close with the 28th, in a 23-hour window; top-ups stay apart", () => {
    const card = loadCard(pos.box, pos.deps, 0x100, 5_000);
    sell(beers(1)); // 10:00 CET on the 28th
    clock.set(at("2026-03-29T00:30:00Z")); // 01:30 CET
    sell(beers(2, [{ method: "nfc_card", amount: 900, cardUid: card }]));
    clock.set(at("2026-03-29T01:30:00Z")); // 03:30 CEST
    const late = sell({ pointOfSale: "shop", lines: [{ itemId: pos.items.tshirt.id, priceId: pos.items.tshirt.prices[0]!.id, quantity: 1 }], payments: [{ method: "card_terminal", amount: 800 }] });
    expect(late.businessDay).toBe("2026-03-28");
    clock.set(at("2026-03-29T03:00:00Z"));
    expect(isAppErrorCode(() => close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28" })))).toBe("period_open");
    clock.set(at("2026-03-29T04:30:00Z")); // 06:30 CEST: the 29th
    expect(sell(beers(1)).businessDay).toBe("2026-03-29");
    const venue = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28" }));
    expect(venue.created).toBe(true);
    expect(venue.totals).toMatchObject({ sales: 3, voids: 0, total: 450 + 900 + 800, payments: { cash: 450, nfc_card: 900, card_terminal: 800 }, topups: { cash: 5_000 }, refunds: {} });
    expect(venue.totals.vat).toEqual([{ rate_bp: 2000, incl: 2_150, vat: 75 + 150 + 133, excl: 2_150 - 358 }]);
    expect(venue.totals.items.map((item) => [item.name, item.quantity, item.amount])).toEqual([
      ["Bière", 3, 1_350],
      ["T-shirt", 1, 800],
    ]);
    expect(venue.totals.operators).toEqual([{ operator_id: "op-cashier", name: "Camille", sales: 3, voids: 0, total: 2_150 }]);
    const payload = pos.box.sqlite.query<{ payload: string }, [number]>("SELECT payload FROM fiscal_records WHERE seq = ?").get(venue.fiscalSeq)!.payload;
    expect(JSON.parse(payload)).toMatchObject({ window_start_ms: at("2026-03-28T05:00:00Z"), window_end_ms: at("2026-03-29T04:00:00Z") });
    // The Z equals the journal.
    const journal = journalOfDay("2026-03-28");
    expect([venue.totals.total, venue.totals.payments]).toEqual([journal.total, journal.byMethod]);
    const head = chainHead(pos.box.sqlite);
    expect(venue.ledgerHead).toBe(`${head.seq}:${head.hash}`);
    expect(venue.grandTotal).toBe(450 + 900 + 800 + 450);
  });

  test("per point of sale closures add up to the venue's, and a closure is made once", () => {
    const main = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28", pointOfSale: "main" }));
    const shop = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28", pointOfSale: "shop" }));
    expect([main.totals.total, shop.totals.total]).toEqual([1_350, 800]);
    expect(main.totals.topups).toEqual({});
    const records = pos.box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM fiscal_records").get()!.n;
    const again = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28" }));
    expect([again.created, again.fiscalSeq]).toEqual([false, close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28" })).fiscalSeq]);
    expect(pos.box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM fiscal_records").get()!.n).toBe(records);
  });

  test("the autumn night: 02:30 twice and 05:59 close with the 24th, in a 25-hour window; a void counts on its own day", () => {
    clock.set(at("2026-10-24T10:00:00Z"));
    const morning = sell(beers(1));
    clock.set(at("2026-10-25T00:30:00Z")); // 02:30 CEST
    sell(beers(1));
    clock.set(at("2026-10-25T01:30:00Z")); // 02:30 CET
    sell(beers(2));
    clock.set(at("2026-10-25T04:59:00Z")); // 05:59 CET
    sell(beers(1));
    clock.set(at("2026-10-25T06:00:00Z")); // 07:00 CET, the 25th: the morning's sale is voided today
    close((tx) => voidSale(tx, pos.deps, seller("manager"), { number: morning.number, reason: "double" }));
    const day24 = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-10-24" }));
    expect(day24.totals).toMatchObject({ sales: 4, voids: 0, total: 450 * 5 });
    const payload = JSON.parse(pos.box.sqlite.query<{ payload: string }, [number]>("SELECT payload FROM fiscal_records WHERE seq = ?").get(day24.fiscalSeq)!.payload);
    expect((payload.window_end_ms - payload.window_start_ms) / HOUR).toBe(25);
    clock.set(at("2026-10-26T05:00:00Z"));
    const day25 = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-10-25" }));
    expect(day25.totals).toMatchObject({ sales: 0, voids: 1, total: -450, voided: 450, payments: { cash: -450 } });
    expect(day25.totals.operators).toEqual([{ operator_id: "op-manager", name: "Maud", sales: 0, voids: 1, total: -450 }]);
    expect(journalOfDay("2026-10-25").total).toBe(day25.totals.total);
  });

  test("monthly closures sum their dailies (making the missing ones), yearly ones their monthlies", () => {
    clock.set(at("2026-11-01T05:00:00Z")); // the 31st of October ended at 06:00 CET
    const march = close((tx) => closeMonth(tx, pos.deps, seller("manager"), { month: "2026-03" }));
    // The 29th had one sale and no daily closure yet: the monthly closure made it.
    const dailies = pos.box.sqlite.query<{ period: string }, []>("SELECT period FROM closures WHERE kind = 'daily' AND point_of_sale = '' AND period LIKE '2026-03-%' ORDER BY period").all();
    expect(dailies.map((row) => row.period)).toEqual(["2026-03-28", "2026-03-29"]);
    expect(march.totals).toMatchObject({ sales: 4, total: 2_150 + 450, topups: { cash: 5_000 } });
    const october = close((tx) => closeMonth(tx, pos.deps, seller("manager"), { month: "2026-10" }));
    expect(october.totals).toMatchObject({ sales: 4, voids: 1, total: 450 * 4 });
    expect(isAppErrorCode(() => close((tx) => closeYear(tx, pos.deps, seller("manager"), { year: "2026" })))).toBe("period_open");
    clock.set(at("2027-01-01T05:00:00Z"));
    const year = close((tx) => closeYear(tx, pos.deps, seller("manager"), { year: "2026" }));
    expect(year.totals.total).toBe(march.totals.total + october.totals.total);
    expect(year.totals.total).toBe(sold.reduce((sum, sale) => sum + sale.total, 0) - 450);
    expect(year.totals.sales).toBe(march.totals.sales + october.totals.sales);
    const sources = JSON.parse(pos.box.sqlite.query<{ payload: string }, [number]>("SELECT payload FROM fiscal_records WHERE seq = ?").get(year.fiscalSeq)!.payload).sources as number[];
    expect(sources).toEqual([march.fiscalSeq, october.fiscalSeq]);
  });

  test("the Z ticket prints the totals, the grand total and the ledger's head", () => {
    const z = close((tx) => closeDay(tx, pos.deps, seller("manager"), { day: "2026-03-28" }));
    const venue = { legalName: "Les Amis du Quartier", address: "", siret: "", vatNumber: "", vatStatus: "liable" as const };
    const texts = zTicketDocument(z, venue, PARIS).blocks.flatMap((block) => (block.type === "text" ? [block.text] : block.type === "columns" ? [`${block.left}|${block.right}`] : []));
    expect(texts).toContain("Clôture journalière (Z)");
    expect(texts).toContain(z.ledgerHead!);
    expect(texts).toContain(`TOTAL TTC|${"21,50 €"}`);
    expect(texts).toContain("Rechargements Espèces|50,00 €");
    expect(texts.some((text) => text.startsWith("Grand total perpétuel|"))).toBe(true);
  });
});

describe("the automatic closure", () => {
  let pos: PosBox;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock(at("2026-06-10T20:00:00Z"));
    pos = await posBox({ box: { clock } });
  });
  afterAll(() => pos.box.dispose());

  test("croner runs it at 06:00 local, across both changes", () => {
    const runs = (from: string) =>
      new Cron(closureCronPattern(360), { timezone: PARIS, paused: true }).nextRuns(3, new Date(from)).map((date) => date.toISOString());
    expect(runs("2026-03-27T12:00:00Z")).toEqual(["2026-03-28T05:00:00.000Z", "2026-03-29T04:00:00.000Z", "2026-03-30T04:00:00.000Z"]);
    expect(runs("2026-10-23T12:00:00Z")).toEqual(["2026-10-24T04:00:00.000Z", "2026-10-25T05:00:00.000Z", "2026-10-26T05:00:00.000Z"]);
    expect(closureCronPattern(330)).toBe("30 5 * * *");
  });

  test("a run after the day's end closes each point of sale and the venue once; the next run makes nothing", async () => {
    const deps = { writer: pos.box.writer, logger: silentLogger, closing: pos.deps };
    pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }] }));
    expect(await runClosureJob(deps)).toBe(0); // the 10th has not ended
    clock.set(at("2026-06-11T04:00:00Z")); // 06:00 CEST on the 11th
    expect(await runClosureJob(deps)).toBe(2);
    const made = pos.box.sqlite.query<{ kind: string; period: string; pos: string }, []>("SELECT kind, period, point_of_sale AS pos FROM closures ORDER BY fiscal_seq").all();
    expect(made).toEqual([
      { kind: "daily", period: "2026-06-10", pos: "main" },
      { kind: "daily", period: "2026-06-10", pos: "" },
    ]);
    expect(await runClosureJob(deps)).toBe(0);
    // At the end of the month, the month closes too.
    pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }] }));
    clock.set(at("2026-07-01T04:00:00Z"));
    expect(await runClosureJob(deps)).toBe(4);
    const monthly = pos.box.sqlite.query<{ pos: string }, []>("SELECT point_of_sale AS pos FROM closures WHERE kind = 'monthly' AND period = '2026-06' ORDER BY 1").all();
    expect(monthly.map((row) => row.pos)).toEqual(["", "main"]);
  });
});

function isAppErrorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return "accepted";
}
