// Proves the exports' rules on a real SQLite file with a fake clock: CSV cells are quoted only when
// they must be, quotes doubled, formulas defused, amounts written with a decimal comma; and the FEC
// posts what the docs say: under the VAT franchise the revenue goes whole to 707 (706 for a box
// office), a card payment drawn from an unbacked gift to 6234 and from euros to 4191, top-ups credit
// 4191 against the cash received, and a sale voided on the next day reverses its accounts that day;
// every entry and every day balances.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { createSale, csvCell, csvText, decimalComma, fecExport, saveItem, savePointOfSale, voidSale, type Item } from "../../src/pos/index.ts";
import { topUp } from "../../src/wallet/index.ts";
import { line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";

describe("CSV cells", () => {
  test("quoted only when needed, quotes doubled, formulas defused, amounts with a decimal comma", () => {
    expect(csvCell("Bière")).toBe("Bière");
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvCell('dit "oui"')).toBe('"dit ""oui"""');
    expect(csvCell("deux\nlignes")).toBe('"deux\nlignes"');
    expect(csvCell(" espace")).toBe('" espace"');
    expect(csvCell("=SOMME(A1)")).toBe("'=SOMME(A1)");
    expect(csvCell("+33 6 12")).toBe("'+33 6 12");
    expect(csvCell("@cmd;x")).toBe(`"'@cmd;x"`);
    expect(csvCell(42)).toBe("42");
    expect(csvCell(null)).toBe("");
    expect(csvCell({ cents: -5 })).toBe("-0,05");
    expect([decimalComma(0), decimalComma(123_456), decimalComma(-100)]).toEqual(["0,00", "1234,56", "-1,00"]);
    expect(csvText([["a", { cents: 350 }]])).toBe("\uFEFFa;3,50\r\n");
  });
});

type FecRow = { journal: string; entry: string; date: string; account: string; piece: string; debit: number; credit: number };

function parseFec(text: string): FecRow[] {
  const lines = text.split("\r\n").filter(Boolean);
  expect(lines[0]!.split("|").length).toBe(18);
  const cents = (value: string) => Number(value.replace(",", ""));
  return lines.slice(1).map((line) => {
    const cells = line.split("|");
    expect(cells.length).toBe(18);
    return { journal: cells[0]!, entry: cells[2]!, date: cells[3]!, account: cells[4]!, piece: cells[8]!, debit: cents(cells[11]!), credit: cents(cells[12]!) };
  });
}

function balanced(rows: readonly FecRow[], key: (row: FecRow) => string): Array<[string, boolean]> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + row.debit - row.credit);
  return [...sums].map(([name, net]) => [name, net === 0]);
}

const net = (rows: readonly FecRow[], date: string, journal: string, account: string) =>
  rows.filter((row) => row.date === date && row.journal === journal && row.account === account).reduce((sum, row) => sum + row.debit - row.credit, 0);

describe("FEC under the VAT franchise", () => {
  let pos: PosBox;
  let clock: FakeClock;
  let ticket: Item;

  beforeAll(async () => {
    clock = new FakeClock(Date.parse("2026-05-12T10:00:00Z"));
    pos = await posBox({ vatStatus: "franchise", box: { clock } });
    ticket = pos.box.writer.transact((tx) => {
      savePointOfSale(tx, { code: "billetterie", name: "Billetterie", kind: "box_office" });
      return saveItem(tx, pos.deps.newId, { name: "Concert", pointsOfSale: ["billetterie"], prices: [{ label: "", kind: "fixed", amount: 800 }], vatRateBp: 550 });
    });
  });
  afterAll(() => pos.box.dispose());

  test("gift spent to 6234, euros spent to 4191, revenue whole to 707 and 706, top-ups on 4191; a void the next day reverses", () => {
    const card = loadCard(pos.box, pos.deps, 0x701, 1_000);
    pos.box.writer.transact((tx) => topUp(tx, pos.deps, { scope: "operator:m", idempotencyKey: "gift", role: "manager" }, { cardUid: card, asset: "GIFT", amount: 300, method: "offered" }));
    const beer = pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 450, cardUid: card }] }));
    pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "billetterie", lines: [line(ticket)], payments: [{ method: "cash", amount: 800 }] }));
    clock.set(Date.parse("2026-05-13T10:00:00Z"));
    pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("manager"), { number: beer.number, reason: "test" }));

    const rows = parseFec(fecExport(pos.box.sqlite, { from: "2026-05-12", to: "2026-05-13" }, clock.nowMs()).text);
    expect(balanced(rows, (row) => row.entry).every(([, ok]) => ok)).toBe(true);
    expect(balanced(rows, (row) => row.date).every(([, ok]) => ok)).toBe(true);
    // The 12th: the gift part (300) is a present, the euro part (150) the holder's advance.
    expect(net(rows, "20260512", "VE", "6234")).toBe(300);
    expect(net(rows, "20260512", "VE", "4191")).toBe(150);
    expect(net(rows, "20260512", "VE", "707")).toBe(-450);
    expect(net(rows, "20260512", "VE", "706")).toBe(-800);
    expect(net(rows, "20260512", "VE", "530")).toBe(800);
    expect(rows.some((row) => row.account.startsWith("44571"))).toBe(false);
    // Only euros came in: the offered gift is not a top-up.
    expect(net(rows, "20260512", "CA", "4191")).toBe(-1_000);
    expect(net(rows, "20260512", "CA", "530")).toBe(1_000);
    // The 13th: the void gives the card back its gift and euros, and takes the revenue back.
    expect(net(rows, "20260513", "VE", "6234")).toBe(-300);
    expect(net(rows, "20260513", "VE", "4191")).toBe(-150);
    expect(net(rows, "20260513", "VE", "707")).toBe(450);
    // Entries are numbered without gap per journal; no day is closed, so pieces name the day.
    expect([...new Set(rows.filter((row) => row.journal === "VE").map((row) => row.entry))]).toEqual(["VE000001", "VE000002"]);
    expect(rows.find((row) => row.date === "20260512")!.piece).toBe("J20260512");
  });
});
