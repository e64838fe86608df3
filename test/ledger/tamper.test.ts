// Proves that `tibox verify` catches every kind of edit to the journal made behind the box's back:
// a journal of about 20 entries is built through the wallet services, then each case copies the
// data folder, drops the append-only triggers and edits the database with the sqlite3 command-line
// tool (an amount, a memo, a deleted entry or transfer, swapped columns, a borrowed signature, a
// re-hashed entry, a balance), and asserts exit 1 with the right entry or balance named; a
// truncated tail that keeps the chain valid is caught by --expect-head, which passes untouched.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openBox } from "../../src/app.ts";
import { sha256Hex } from "../../src/kernel/index.ts";
import { encodeEntry, readEntry, type Entry } from "../../src/ledger/index.ts";
import { cardByUid, moveAllBalances, insertWallet, pay, refund, replaceLostCard, topUp, voidEntry, type Actor } from "../../src/wallet/index.ts";
import { setUp, tempFolder } from "../helpers/box.ts";
import { cardUid, copyDataFolder, operationDeps, readDatabase } from "../helpers/ledger.ts";
import { lastLine, tibox, type Run } from "../helpers/process.ts";

const DROP_TRIGGERS = ["ledger_entries_no_update", "ledger_entries_no_delete", "ledger_transfers_no_update", "ledger_transfers_no_delete"]
  .map((name) => `DROP TRIGGER ${name};`)
  .join(" ");

const folders: Array<{ remove(): void }> = [];
let source = "";
let entries: Entry[] = [];
let walletOfA = "";

afterAll(() => folders.forEach((folder) => folder.remove()));

/** The journal: top-ups, an offer, payments, a refund, a void, a merge and a lost card (20 entries). */
async function buildJournal(data: string): Promise<void> {
  const box = openBox({ dataDir: data });
  try {
    await setUp(box);
    const deps = operationDeps(box);
    let key = 0;
    const as = (role: "manager" | "cashier"): Actor => ({ scope: "terminal:tamper", idempotencyKey: `t${++key}`, role });
    const [a, b, c, d] = [cardUid(0xa), cardUid(0xb), cardUid(0xc), cardUid(0xd)];
    box.writer.transact((tx) => {
      topUp(tx, deps, as("cashier"), { cardUid: a, asset: "EUR", amount: 5_000, method: "cash" }); // 1
      topUp(tx, deps, as("cashier"), { cardUid: b, asset: "EUR", amount: 3_000, method: "card" }); // 2
      topUp(tx, deps, as("manager"), { cardUid: a, asset: "GIFT", amount: 500, method: "offered" }); // 3
      pay(tx, deps, as("cashier"), { cardUid: a, amount: 700, pointOfSale: "bar" }); // 4: GIFT 500 + EUR 200
      pay(tx, deps, as("cashier"), { cardUid: b, amount: 1_200, pointOfSale: "bar" }); // 5
      topUp(tx, deps, as("cashier"), { cardUid: c, asset: "EUR", amount: 2_000, method: "cash" }); // 6
      pay(tx, deps, as("cashier"), { cardUid: c, amount: 300, pointOfSale: "food" }); // 7
      refund(tx, deps, as("cashier"), { cardUid: c }); // 8
      voidEntry(tx, deps, as("manager"), 7); // 9
      for (let round = 0; round < 3; round++) {
        topUp(tx, deps, as("cashier"), { cardUid: d, asset: "EUR", amount: 1_000 + round, method: round % 2 ? "card" : "cash" }); // 10, 12, 14
        pay(tx, deps, as("cashier"), { cardUid: d, amount: 150 + round * 10, pointOfSale: "main" }); // 11, 13, 15
      }
      const member = insertWallet(tx, deps.newId);
      moveAllBalances(tx, deps, as("manager"), "merge", cardByUid(tx.sqlite, b)!.walletId, member, { card: "b" }); // 16
      replaceLostCard(tx, deps, as("manager"), d, cardUid(0xe)); // 17
      pay(tx, deps, as("cashier"), { cardUid: a, amount: 1_000, pointOfSale: "bar" }); // 18
      pay(tx, deps, as("cashier"), { cardUid: cardUid(0xe), amount: 99, pointOfSale: "bar" }); // 19
      pay(tx, deps, as("cashier"), { cardUid: a, amount: 42, pointOfSale: "main" }); // 20
    });
    walletOfA = cardByUid(box.sqlite, a)!.walletId;
    entries = Array.from({ length: 20 }, (_, index) => readEntry(box.sqlite, index + 1)!);
  } finally {
    box.close();
  }
}

beforeAll(async () => {
  const made = tempFolder("tibox-tamper-source-");
  folders.push(made);
  source = made.path;
  await buildJournal(source);
});

async function sqlite3(database: string, sql: string): Promise<{ code: number; stderr: string }> {
  const child = Bun.spawn(["sqlite3", database, sql], { stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  return { code, stderr };
}

/** A fresh copy of the journal's data folder, edited by sqlite3, then verified by the CLI. */
async function verifyAfter(sql: string, verifyFlags: readonly string[] = []): Promise<Run> {
  const copy = tempFolder("tibox-tamper-");
  folders.push(copy);
  copyDataFolder(source, copy.path);
  const edit = await sqlite3(`${copy.path}/tibox.db`, sql);
  expect(edit, "the sqlite3 edit itself").toEqual({ code: 0, stderr: "" });
  return tibox(["verify", "--data", copy.path, ...verifyFlags]);
}

function expectFault(run: Run, fault: string): void {
  expect(run.code, run.stdout + run.stderr).toBe(1);
  expect(lastLine(run.stdout)).toBe(`FAULT ${fault}`);
}

/** Seq of the first entry of a kind with the given number of transfers. */
function seqOf(kind: string, transfers: number): number {
  const found = entries.find((entry) => entry.kind === kind && entry.transfers.length === transfers);
  if (!found) throw new Error(`no ${kind} entry with ${transfers} transfers`);
  return found.seq;
}

describe("the journal before any edit", () => {
  test("is sound, has the 20 entries the cases rely on, and passes --expect-head of its last entry", async () => {
    expect(entries.map((entry) => entry.kind)).toEqual([
      "topup", "topup", "offer", "payment", "payment", "topup", "payment", "refund", "void",
      "topup", "payment", "topup", "payment", "topup", "payment", "merge", "card_replacement", "payment", "payment", "payment",
    ]);
    const last = entries.at(-1)!;
    const run = await tibox(["verify", "--data", source, "--expect-head", `${last.seq}:${last.hash}`]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`ledger: 20 entries`);
    expect(lastLine(run.stdout)).toBe("sound");
  });

  test("the triggers refuse an edit and a deletion while they are in place", async () => {
    const copy = tempFolder("tibox-tamper-");
    folders.push(copy);
    copyDataFolder(source, copy.path);
    const update = await sqlite3(`${copy.path}/tibox.db`, "UPDATE ledger_transfers SET amount = 1 WHERE entry_seq = 5;");
    expect(update.code).not.toBe(0);
    expect(update.stderr).toContain("ledger_transfers is append-only");
    const remove = await sqlite3(`${copy.path}/tibox.db`, "DELETE FROM ledger_entries WHERE seq = 20;");
    expect(remove.stderr).toContain("ledger_entries is append-only");
    expect((await tibox(["verify", "--data", copy.path])).code).toBe(0);
  });
});

describe("each edit is found and named", () => {
  test("one transfer's amount", async () => {
    const seq = seqOf("payment", 1);
    expectFault(await verifyAfter(`${DROP_TRIGGERS} UPDATE ledger_transfers SET amount = amount + 1 WHERE entry_seq = ${seq};`), `ledger entry ${seq}: hash does not match its content (edited)`);
  });

  test("one entry's memo, still canonical JSON", async () => {
    const seq = seqOf("topup", 2);
    expect(entries[seq - 1]!.memo.method).toBe("cash");
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} UPDATE ledger_entries SET memo = replace(memo, '"cash"', '"card"') WHERE seq = ${seq};`),
      `ledger entry ${seq}: hash does not match its content (edited)`,
    );
  });

  test("one entry's memo, no longer canonical", async () => {
    expectFault(await verifyAfter(`${DROP_TRIGGERS} UPDATE ledger_entries SET memo = replace(memo, ':', ': ') WHERE seq = 12;`), "ledger entry 12: memo is not canonical");
  });

  test("an entry deleted with its transfers", async () => {
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} DELETE FROM ledger_transfers WHERE entry_seq = 11; DELETE FROM ledger_entries WHERE seq = 11;`),
      "ledger entry 12: expected sequence 11 (an entry is missing)",
    );
  });

  test("the last entry deleted with its transfers, balances left as they were", async () => {
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} DELETE FROM ledger_transfers WHERE entry_seq = 20; DELETE FROM ledger_entries WHERE seq = 20;`),
      `balance of wallet:${walletOfA} in EUR is 3758, the journal says 3800`,
    );
  });

  test("only a transfer deleted: the second, the first, the only one", async () => {
    const twoTransfers = seqOf("topup", 2);
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} DELETE FROM ledger_transfers WHERE entry_seq = ${twoTransfers} AND idx = 1;`),
      `ledger entry ${twoTransfers}: hash does not match its content (edited)`,
    );
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} DELETE FROM ledger_transfers WHERE entry_seq = ${twoTransfers} AND idx = 0;`),
      `ledger entry ${twoTransfers}: cannot be encoded (transfer 0 is missing)`,
    );
    const oneTransfer = seqOf("payment", 1);
    expectFault(await verifyAfter(`${DROP_TRIGGERS} DELETE FROM ledger_transfers WHERE entry_seq = ${oneTransfer};`), `ledger entry ${oneTransfer}: has no transfer`);
  });

  test("two transfers' amounts swapped (the zero sums still hold)", async () => {
    // Entries 5 and 7 are payments of 1200 and 300 to revenue accounts: every asset still sums to zero.
    expect([entries[4]!.transfers[0]!.amount, entries[6]!.transfers[0]!.amount]).toEqual([1_200, 300]);
    expectFault(
      await verifyAfter(
        `${DROP_TRIGGERS} CREATE TEMP TABLE kept AS SELECT entry_seq, amount FROM ledger_transfers WHERE idx = 0 AND entry_seq IN (5, 7);
         UPDATE ledger_transfers SET amount = (SELECT amount FROM kept WHERE kept.entry_seq != ledger_transfers.entry_seq) WHERE idx = 0 AND entry_seq IN (5, 7);`,
      ),
      "ledger entry 5: hash does not match its content (edited)",
    );
  });

  test("two entries' kinds swapped", async () => {
    expectFault(
      await verifyAfter(
        `${DROP_TRIGGERS} CREATE TEMP TABLE kept AS SELECT seq, kind FROM ledger_entries WHERE seq IN (6, 7);
         UPDATE ledger_entries SET kind = (SELECT kind FROM kept WHERE kept.seq != ledger_entries.seq) WHERE seq IN (6, 7);`,
      ),
      "ledger entry 6: hash does not match its content (edited)",
    );
  });

  test("a signature replaced by another entry's", async () => {
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} UPDATE ledger_entries SET signature = (SELECT signature FROM ledger_entries WHERE seq = 14) WHERE seq = 13;`),
      "ledger entry 13: signature is not the venue's",
    );
  });

  test("an amount edited and the entry's hash recomputed (no key, so no signature)", async () => {
    // The last entry: its hash is no one's previous hash, so only its signature can give it away.
    const last = entries.at(-1)!;
    const forged = { ...last, transfers: last.transfers.map((transfer) => ({ ...transfer, amount: 1 })) };
    const hash = sha256Hex(encodeEntry(forged));
    expectFault(
      await verifyAfter(`${DROP_TRIGGERS} UPDATE ledger_transfers SET amount = 1 WHERE entry_seq = ${last.seq}; UPDATE ledger_entries SET hash = '${hash}' WHERE seq = ${last.seq};`),
      `ledger entry ${last.seq}: signature is not the venue's`,
    );
  });

  test("a balance row edited, or one added with no transfer behind it", async () => {
    expectFault(
      await verifyAfter(`UPDATE ledger_balances SET balance = balance + 100 WHERE account = 'wallet:${walletOfA}' AND asset = 'EUR';`),
      `balance of wallet:${walletOfA} in EUR is 3858, the journal says 3758`,
    );
    expectFault(
      await verifyAfter("INSERT INTO ledger_balances (account, asset, balance) VALUES ('wallet:ghost', 'EUR', 100);"),
      "balance of wallet:ghost in EUR is 100 with no transfer behind it",
    );
  });
});

describe("a truncated tail", () => {
  /** Deletes the last entry and puts the balances back as they were before it: a valid shorter chain. */
  const TRUNCATE = `${DROP_TRIGGERS}
    UPDATE ledger_balances SET balance = balance
      + coalesce((SELECT sum(amount) FROM ledger_transfers t WHERE t.entry_seq = 20 AND t.debit_account = ledger_balances.account AND t.asset = ledger_balances.asset), 0)
      - coalesce((SELECT sum(amount) FROM ledger_transfers t WHERE t.entry_seq = 20 AND t.credit_account = ledger_balances.account AND t.asset = ledger_balances.asset), 0);
    DELETE FROM ledger_transfers WHERE entry_seq = 20; DELETE FROM ledger_entries WHERE seq = 20;`;

  test("passes a plain verify (the chain is valid) but fails --expect-head of the removed entry", async () => {
    const last = entries.at(-1)!;
    const plain = await verifyAfter(TRUNCATE);
    expect(plain.code, plain.stdout).toBe(0);
    expect(plain.stdout).toContain("ledger: 19 entries");
    expectFault(await verifyAfter(TRUNCATE, ["--expect-head", `${last.seq}:${last.hash}`]), "the journal ends at entry 19, before the expected head 20 (entries were removed)");
  });

  test("--expect-head with the hash of another entry fails; with entry 19's own hash it passes", async () => {
    const [nineteen, twenty] = [entries[18]!, entries[19]!];
    const wrong = await tibox(["verify", "--data", source, "--expect-head", `19:${twenty.hash}`]);
    expect(wrong.code).toBe(1);
    expect(lastLine(wrong.stdout)).toStartWith("FAULT ledger entry 19: hash ");
    expect(lastLine(wrong.stdout)).toContain("is not the expected head");
    const right = await verifyAfter(TRUNCATE, ["--expect-head", `19:${nineteen.hash}`]);
    expect(right.code, right.stdout).toBe(0);
  });

  test("the cases edited copies: the source journal is untouched and still sound", async () => {
    readDatabase(`${source}/tibox.db`, (sqlite) => {
      expect(sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_entries").get()!.n).toBe(20);
    });
    expect((await tibox(["verify", "--data", source])).code).toBe(0);
  });
});
