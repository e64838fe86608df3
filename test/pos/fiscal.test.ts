// Proves the fiscal journal end to end: sales, a void and a closure append chained, signed records
// whose perpetual grand total follows the sales and voids (never top-ups, never training); the
// independent verifier accepts it, `tibox verify` reports it sound; and every edit made behind the
// box's back with the sqlite3 tool (a payload, a deleted record, a forged grand total, the sales
// table, the journal's tail cut with its sale) makes `tibox verify` exit 1 naming the record or sale.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openBox } from "../../src/app.ts";
import { FakeClock, fromHex, sha256Hex, SIGNING_CONTEXTS, verifySignatureIndependently } from "../../src/kernel/index.ts";
import { closeDay, createSale, encodeFiscalRecord, fiscalBytes, fiscalRecordsBetween, verifyFiscalJournal, voidSale } from "../../src/pos/index.ts";
import { tempFolder } from "../helpers/box.ts";
import { copyDataFolder } from "../helpers/ledger.ts";
import { line, loadCard, seedCatalogue, seller, setUpVenue } from "../helpers/pos.ts";
import { tibox, type Run } from "../helpers/process.ts";

const folders: Array<{ remove(): void }> = [];
let source = "";
let publicKey: Uint8Array = new Uint8Array();
let expectedGrandTotal = 0;

afterAll(() => folders.forEach((folder) => folder.remove()));

beforeAll(async () => {
  const made = tempFolder("tibox-fiscal-source-");
  folders.push(made);
  source = made.path;
  const clock = new FakeClock(Date.parse("2026-02-10T12:00:00Z"));
  const box = openBox({ dataDir: source, clock });
  try {
    await setUpVenue(box);
    const items = seedCatalogue(box);
    const deps = { signer: box.signer, newId: box.deps.newId, random: box.deps.random };
    publicKey = box.signer.publicKey;
    const card = loadCard(box, deps, 0x200, 10_000);
    const sell = (input: Parameters<typeof createSale>[3]) => box.writer.transact((tx) => createSale(tx, deps, seller(), input));
    const a = sell({ pointOfSale: "main", lines: [line(items.beer, 2)], payments: [{ method: "cash", amount: 1_000 }] }); // record 1: 900
    const b = sell({ pointOfSale: "main", lines: [line(items.burger)], payments: [{ method: "nfc_card", amount: 1_250, cardUid: card }] }); // 2: 1250
    sell({ pointOfSale: "main", lines: [line(items.burger)], payments: [{ method: "cash", amount: 1_250 }], training: true }); // no record
    loadCard(box, deps, 0x201, 3_000); // a top-up: no record
    box.writer.transact((tx) => voidSale(tx, deps, seller("manager"), { number: b.number })); // 3: -1250
    sell({ pointOfSale: "main", lines: [line(items.coffee)], payments: [{ method: "nfc_card", amount: 150, cardUid: card }] }); // 4: 150
    clock.set(Date.parse("2026-02-11T06:00:00Z"));
    box.writer.transact((tx) => closeDay(tx, deps, seller("manager"), { day: "2026-02-10" })); // 5
    // Record 6: a sale a till was told about (its answer is stored for 30 days).
    const till = box.auth.addTerminalSync("test", "till", "Bar").token;
    const answer = await box.app.handle(
      new Request("http://localhost/api/v1/sales", {
        method: "POST",
        headers: { authorization: `Bearer ${till}`, "idempotency-key": "last-sale", "content-type": "application/json" },
        body: JSON.stringify({ point_of_sale: "main", lines: [{ item_id: items.coffee.id, price_id: items.coffee.prices[0]!.id, quantity: 1 }], payments: [{ method: "cash", amount: 150 }] }),
      }),
    );
    expect(answer.status).toBe(201);
    expectedGrandTotal = a.total + 150 + 150;
  } finally {
    box.close();
  }
});

describe("the chain", () => {
  test("records are chained and signed, and the grand total follows sales and voids only", () => {
    const box = openBox({ dataDir: source });
    try {
      const records = fiscalRecordsBetween(box.sqlite, 1, 100);
      expect(records.map((record) => [record.kind, record.grandTotalAfter])).toEqual([
        ["sale", 900],
        ["sale", 2_150],
        ["sale_void", 900],
        ["sale", 1_050],
        ["closure_daily", 1_050],
        ["sale", 1_200],
      ]);
      let prevHash = "0".repeat(64);
      for (const record of records) {
        const bytes = encodeFiscalRecord(record);
        // The verifier's encoder, written separately, gives the same bytes.
        const stored = box.sqlite.query<{ payload: string }, [number]>("SELECT payload FROM fiscal_records WHERE seq = ?").get(record.seq)!.payload;
        expect(fiscalBytes({ seq: record.seq, kind: record.kind, at_ms: record.atMs, payload: stored, grand_total_after: record.grandTotalAfter, prev_hash: record.prevHash })).toEqual(bytes);
        expect(record.prevHash).toBe(prevHash);
        expect(sha256Hex(bytes)).toBe(record.hash);
        expect(verifySignatureIndependently(SIGNING_CONTEXTS.fiscal, bytes, fromHex(record.signature), publicKey)).toBe(true);
        // Domain separation: the same bytes do not pass as a ledger entry or an event-log record.
        expect(verifySignatureIndependently(SIGNING_CONTEXTS.entry, bytes, fromHex(record.signature), publicKey)).toBe(false);
        prevHash = record.hash;
      }
      const check = verifyFiscalJournal(box.sqlite, publicKey);
      expect(check).toMatchObject({ ok: true, records: 6, grandTotal: expectedGrandTotal });
    } finally {
      box.close();
    }
  });

  test("tibox verify reports the fiscal journal sound", async () => {
    const run = await tibox(["verify", "--data", source]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ok    fiscal journal: 6 records");
    expect(run.stdout).toContain(`grand total ${expectedGrandTotal}`);
  });

  test("the append-only triggers refuse edits and deletions", () => {
    const box = openBox({ dataDir: source });
    try {
      expect(() => box.sqlite.run("UPDATE fiscal_records SET grand_total_after = 0 WHERE seq = 1")).toThrow("fiscal_records is append-only");
      expect(() => box.sqlite.run("DELETE FROM fiscal_records WHERE seq = 5")).toThrow("fiscal_records is append-only");
      expect(() => box.sqlite.run("UPDATE sales SET total = 1")).toThrow("sales is append-only");
      expect(() => box.sqlite.run("DELETE FROM closures")).toThrow("closures is append-only");
    } finally {
      box.close();
    }
  });
});

const DROP = ["fiscal_records", "sales", "sale_lines", "sale_payments"].flatMap((table) => [`DROP TRIGGER ${table}_no_update;`, `DROP TRIGGER ${table}_no_delete;`]).join(" ");

async function verifyAfter(sql: string): Promise<Run> {
  const copy = tempFolder("tibox-fiscal-tamper-");
  folders.push(copy);
  copyDataFolder(source, copy.path);
  const child = Bun.spawn(["sqlite3", `${copy.path}/tibox.db`, `${DROP} ${sql}`], { stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`sqlite3 failed: ${stderr}`);
  return tibox(["verify", "--data", copy.path]);
}

describe("tampering", () => {
  const cases: Array<[string, string, string]> = [
    ["an amount in a sale's payload", `UPDATE fiscal_records SET payload = replace(payload, '"total":900', '"total":90') WHERE seq = 1`, "fiscal record 1: hash does not match its content (edited)"],
    ["a deleted record", "DELETE FROM fiscal_records WHERE seq = 3", "fiscal record 4: expected sequence 3 (a record is missing)"],
    ["a forged grand total", "UPDATE fiscal_records SET grand_total_after = 0 WHERE seq = 4", "fiscal record 4: hash does not match its content (edited)"],
    ["a borrowed signature", "UPDATE fiscal_records SET signature = (SELECT signature FROM fiscal_records WHERE seq = 1) WHERE seq = 2", "fiscal record 2: signature is not the venue's"],
    ["a sale's total in the sales table", "UPDATE sales SET total = 1 WHERE number = 1", "sale 1: its fiscal record is missing or differs"],
    [
      "the journal's tail cut, sale and record together",
      "DELETE FROM sale_lines WHERE sale_id = (SELECT id FROM sales WHERE number = 4); DELETE FROM sale_payments WHERE sale_id = (SELECT id FROM sales WHERE number = 4); DELETE FROM sales WHERE number = 4; DELETE FROM fiscal_records WHERE seq = 6",
      "sale 4: acknowledged to terminal:",
    ],
    ["a sale removed from the sales table", "DELETE FROM sale_lines WHERE sale_id = (SELECT id FROM sales WHERE number = 1); DELETE FROM sale_payments WHERE sale_id = (SELECT id FROM sales WHERE number = 1); DELETE FROM sales WHERE number = 1", "sale 1 is missing (sale numbers have a gap)"],
  ];
  for (const [what, sql, fault] of cases) {
    test(`${what} makes verify exit 1 and name it`, async () => {
      const run = await verifyAfter(sql);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`FAULT ${fault}`);
    });
  }
});
