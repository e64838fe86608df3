// Proves membership products on a real SQLite file: saving refuses bad input with stable codes and
// writes nothing; windows are computed on local wall-clock dates in the venue's timezone (exact
// instants across daylight-saving changes, a calendar year ending at local New Year, a renewal
// starting at the current end), checked by examples and by fast-check properties over many
// instants and timezones; granting writes a memberships row naming the product and the order.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  eraseMember,
  findMembershipProduct,
  grantMembershipProduct,
  insertMember,
  listMembershipProducts,
  listMemberships,
  membershipOf,
  membershipWindowFor,
  saveMembershipProduct,
  type MembershipProductInput,
} from "../../src/membership/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { refusalCode } from "../helpers/refusals.ts";

const PARIS = "Europe/Paris";
let box: TestBox;

beforeAll(async () => {
  box = testBox();
  await setUp(box);
});
afterAll(() => box.dispose());

/** The wall time of an instant in a timezone, "YYYY-MM-DD HH:MM:SS.mmm". */
function wall(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3 })
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond}`;
}

const at = (iso: string) => Date.parse(iso);
const rolling = { duration: "rolling_year", customDays: null } as const;
const calendar = { duration: "calendar_year", customDays: null } as const;
const month = { duration: "month", customDays: null } as const;
const custom = (days: number) => ({ duration: "custom", customDays: days }) as const;

describe("windows by example (Europe/Paris)", () => {
  test("a rolling year ends at the same local date and time a year later, across both DST changes", () => {
    const window = membershipWindowFor(rolling, null, at("2026-03-10T09:00:00Z"), PARIS);
    expect(window).toEqual({ validFromMs: at("2026-03-10T09:00:00Z"), validUntilMs: at("2027-03-10T09:00:00Z") });
    const summer = membershipWindowFor(rolling, null, at("2026-07-01T08:00:00Z"), PARIS);
    expect(wall(summer.validUntilMs, PARIS)).toBe("2027-07-01 10:00:00.000");
  });

  test("a rolling year from 29 February ends on 28 February", () => {
    const window = membershipWindowFor(rolling, null, at("2028-02-29T11:00:00Z"), PARIS);
    expect(wall(window.validUntilMs, PARIS)).toBe("2029-02-28 12:00:00.000");
  });

  test("a month across the spring change keeps the local time (one hour less in UTC)", () => {
    const window = membershipWindowFor(month, null, at("2026-03-15T09:00:00Z"), PARIS);
    expect(window.validUntilMs).toBe(at("2026-04-15T08:00:00Z"));
    expect(wall(window.validUntilMs, PARIS)).toBe("2026-04-15 10:00:00.000");
  });

  test("a month from 31 January ends on the last day of February", () => {
    expect(wall(membershipWindowFor(month, null, at("2027-01-31T17:00:00Z"), PARIS).validUntilMs, PARIS)).toBe("2027-02-28 18:00:00.000");
    expect(wall(membershipWindowFor(month, null, at("2028-01-31T17:00:00Z"), PARIS).validUntilMs, PARIS)).toBe("2028-02-29 18:00:00.000");
  });

  test("the calendar year ends at local New Year, not UTC's", () => {
    const june = membershipWindowFor(calendar, null, at("2026-06-01T10:00:00Z"), PARIS);
    expect(june.validUntilMs).toBe(at("2026-12-31T23:00:00Z"));
    expect(wall(june.validUntilMs - 1, PARIS)).toBe("2026-12-31 23:59:59.999");
    // 00:30 on 1 January in Paris is still 2026 in UTC: the membership bought then covers 2027.
    const newYear = membershipWindowFor(calendar, null, at("2026-12-31T23:30:00Z"), PARIS);
    expect(newYear.validUntilMs).toBe(at("2027-12-31T23:00:00Z"));
  });

  test("a calendar-year renewal bought while valid covers the next calendar year", () => {
    const current = membershipWindowFor(calendar, null, at("2026-11-20T10:00:00Z"), PARIS);
    const renewal = membershipWindowFor(calendar, current.validUntilMs, at("2026-12-15T10:00:00Z"), PARIS);
    expect(renewal).toEqual({ validFromMs: at("2026-12-31T23:00:00Z"), validUntilMs: at("2027-12-31T23:00:00Z") });
  });

  test("a renewal starts at the current end while it runs, and now once it lapsed", () => {
    const nowMs = at("2026-05-01T10:00:00Z");
    expect(membershipWindowFor(custom(10), nowMs + 5_000, nowMs, PARIS).validFromMs).toBe(nowMs + 5_000);
    expect(membershipWindowFor(custom(10), nowMs, nowMs, PARIS).validFromMs).toBe(nowMs);
    expect(membershipWindowFor(custom(10), nowMs - 1, nowMs, PARIS).validFromMs).toBe(nowMs);
  });

  test("custom days count local calendar days; a wall time skipped by the spring change moves to the change", () => {
    const autumn = membershipWindowFor(custom(2), null, at("2026-10-24T10:00:00Z"), PARIS);
    expect(autumn.validUntilMs - autumn.validFromMs).toBe(49 * 3_600_000);
    // 02:30 on 28 March; on 29 March 02:30 never happens in Paris: the window ends at 03:00 CEST.
    const gap = membershipWindowFor(custom(1), null, at("2026-03-28T01:30:00Z"), PARIS);
    expect(gap.validUntilMs).toBe(at("2026-03-29T01:00:00Z"));
  });

  test("other timezones: New York's calendar year ends at its own midnight", () => {
    expect(membershipWindowFor(calendar, null, at("2026-06-01T10:00:00Z"), "America/New_York").validUntilMs).toBe(at("2027-01-01T05:00:00Z"));
    expect(membershipWindowFor(calendar, null, at("2026-06-01T10:00:00Z"), "UTC").validUntilMs).toBe(at("2027-01-01T00:00:00Z"));
  });
});

describe("windows by property", () => {
  const zones = fc.constantFrom("Europe/Paris", "UTC", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo");
  const instants = fc.integer({ min: at("2000-01-01T00:00:00Z"), max: at("2090-01-01T00:00:00Z") });
  const products = fc.oneof(fc.constant(rolling), fc.constant(calendar), fc.constant(month), fc.integer({ min: 1, max: 3660 }).map(custom));

  test("every window starts at max(now, current end) and ends after it", () => {
    fc.assert(
      fc.property(products, instants, fc.option(instants), zones, (product, nowMs, untilMs, zone) => {
        const window = membershipWindowFor(product, untilMs, nowMs, zone);
        expect(window.validFromMs).toBe(untilMs !== null && untilMs > nowMs ? untilMs : nowMs);
        expect(window.validUntilMs).toBeGreaterThan(window.validFromMs);
      }),
      { numRuns: 400 },
    );
  });

  test("the calendar year ends at local midnight on 1 January after the start's local year", () => {
    fc.assert(
      fc.property(instants, zones, (nowMs, zone) => {
        const window = membershipWindowFor(calendar, null, nowMs, zone);
        const startYear = Number(wall(nowMs, zone).slice(0, 4));
        expect(wall(window.validUntilMs, zone)).toBe(`${startYear + 1}-01-01 00:00:00.000`);
        expect(wall(window.validUntilMs - 1, zone).slice(0, 4)).toBe(String(startYear));
      }),
      { numRuns: 300 },
    );
  });

  test("a rolling year and a month end at the same local time, on the same day or the month's last", () => {
    fc.assert(
      fc.property(fc.constantFrom(rolling, month), instants, zones, (product, nowMs, zone) => {
        const window = membershipWindowFor(product, null, nowMs, zone);
        const [from, until] = [wall(window.validFromMs, zone), wall(window.validUntilMs, zone)];
        const [fy, fm, fd] = from.slice(0, 10).split("-").map(Number) as [number, number, number];
        const [uy, um, ud] = until.slice(0, 10).split("-").map(Number) as [number, number, number];
        const months = product.duration === "rolling_year" ? 12 : 1;
        expect(uy * 12 + um - (fy * 12 + fm)).toBe(months);
        const lastDay = new Date(Date.UTC(uy, um, 0)).getUTCDate();
        expect(ud).toBe(Math.min(fd, lastDay));
        // Same local time unless the wall time fell into a spring gap (then it is later, by the gap).
        if (until.slice(11) !== from.slice(11)) expect(until.slice(11) > from.slice(11)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  test("renewals chain without gap or overlap", () => {
    fc.assert(
      fc.property(fc.array(products, { minLength: 1, maxLength: 6 }), instants, zones, (chain, nowMs, zone) => {
        let untilMs: number | null = null;
        for (const product of chain) {
          const window = membershipWindowFor(product, untilMs, nowMs, zone);
          if (untilMs !== null) expect(window.validFromMs).toBe(untilMs);
          untilMs = window.validUntilMs;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("saving and granting products", () => {
  const base: MembershipProductInput = { name: "Adhésion annuelle", duration: "rolling_year", amountMinor: 1_500 };
  const save = (input: MembershipProductInput) => box.writer.transact((tx) => saveMembershipProduct(tx, box.deps, input));
  const count = () => box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM membership_products").get()!.n;

  test("bad input is refused with a stable code and writes nothing", () => {
    const before = count();
    expect(refusalCode(() => save({ ...base, name: "  " }))).toBe("membership_product_name_required");
    expect(refusalCode(() => save({ ...base, duration: "fortnight" }))).toBe("duration_invalid");
    expect(refusalCode(() => save({ ...base, duration: "custom" }))).toBe("custom_days_invalid");
    expect(refusalCode(() => save({ ...base, duration: "custom", customDays: 0 }))).toBe("custom_days_invalid");
    expect(refusalCode(() => save({ ...base, duration: "custom", customDays: 1.5 }))).toBe("custom_days_invalid");
    expect(refusalCode(() => save({ ...base, amountMinor: -1 }))).toBe("price_invalid");
    expect(refusalCode(() => save({ ...base, amountMinor: 12.5 }))).toBe("price_invalid");
    expect(refusalCode(() => save({ ...base, id: "nope" }))).toBe("membership_product_unknown");
    expect(count()).toBe(before);
  });

  test("saves, updates, lists by position and filters inactive ones", () => {
    const year = save({ ...base, position: 2 });
    const summer = save({ name: "Été", duration: "custom", customDays: 90, amountMinor: 800, freePrice: true, position: 1 });
    expect(findMembershipProduct(box.sqlite, summer.id)).toEqual(summer);
    expect(summer.customDays).toBe(90);
    // customDays is dropped for a duration that is not custom.
    const updated = save({ ...base, id: year.id, name: "Adhésion", customDays: 12, active: false, position: 2 });
    expect(updated.customDays).toBeNull();
    expect(findMembershipProduct(box.sqlite, year.id)).toMatchObject({ name: "Adhésion", active: false, customDays: null, createdAtMs: year.createdAtMs });
    expect(listMembershipProducts(box.sqlite).map((p) => p.id).slice(0, 2)).toEqual([summer.id, year.id]);
    expect(listMembershipProducts(box.sqlite, { activeOnly: true }).map((p) => p.id)).not.toContain(year.id);
  });

  test("granting writes the product, the order and a renewal from the current end", () => {
    const product = save({ name: "Mois", duration: "month", amountMinor: 300 });
    const member = box.writer.transact((tx) => insertMember(tx, box.deps.newId, { name: "Marie Mois" }, "wallet-marie"));
    const nowMs = at("2026-03-15T09:00:00Z");
    const first = box.writer.transact((tx) => grantMembershipProduct(tx, box.deps.newId, { memberId: member.id, productId: product.id, orderId: "order-1", nowMs, timeZone: PARIS }));
    expect(first).toMatchObject({ label: "Mois", productId: product.id, orderId: "order-1", validFromMs: nowMs, validUntilMs: at("2026-04-15T08:00:00Z") });
    const second = box.writer.transact((tx) => grantMembershipProduct(tx, box.deps.newId, { memberId: member.id, productId: product.id, nowMs: nowMs + 1_000, timeZone: PARIS }));
    expect(second).toMatchObject({ orderId: null, validFromMs: first.validUntilMs, validUntilMs: at("2026-05-15T08:00:00Z") });
    expect(listMemberships(box.sqlite, member.id).map((m) => [m.productId, m.orderId])).toEqual([
      [product.id, null],
      [product.id, "order-1"],
    ]);
    expect(membershipOf(box.sqlite, member.id, at("2026-05-01T00:00:00Z"))).toEqual({ valid: true, until: at("2026-05-15T08:00:00Z") });
    expect(refusalCode(() => box.writer.transact((tx) => grantMembershipProduct(tx, box.deps.newId, { memberId: member.id, productId: "nope", nowMs, timeZone: PARIS })))).toBe("membership_product_unknown");
    expect(refusalCode(() => box.writer.transact((tx) => grantMembershipProduct(tx, box.deps.newId, { memberId: "nope", productId: product.id, nowMs, timeZone: PARIS })))).toBe("member_unknown");
    expect(listMemberships(box.sqlite, member.id)).toHaveLength(2);
    // An erased member is granted nothing.
    box.writer.transact((tx) => eraseMember(tx, member.id));
    expect(refusalCode(() => box.writer.transact((tx) => grantMembershipProduct(tx, box.deps.newId, { memberId: member.id, productId: product.id, nowMs, timeZone: PARIS })))).toBe("member_erased");
    expect(listMemberships(box.sqlite, member.id)).toHaveLength(2);
  });
});
