// Proves the test vectors of docs/ledger-format.md: the writer's encoder produces exactly the
// documented bytes, hashes and signatures, and the verifier (with its own encoder and
// @noble/curves) accepts a journal made of the documented rows and refuses a one-byte change.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase, migrate } from "../../src/db/index.ts";
import { sha256Hex, SIGNING_CONTEXTS, signerFromSeed, toHex } from "../../src/kernel/index.ts";
import { encodeEntry, verifyLedger, type EntryBody } from "../../src/ledger/index.ts";
import { tempFolder } from "../helpers/box.ts";

const doc = readFileSync(join(import.meta.dir, "..", "..", "docs", "ledger-format.md"), "utf8");
const blocks = [...doc.matchAll(/```\n(\{"at_ms".*\})\n```/g)].map((match) => match[1]!);
const hashes = [...doc.matchAll(/- hash `([0-9a-f]{64})`/g)].map((match) => match[1]!);
const signatures = [...doc.matchAll(/- signature `([0-9a-f]{128})`/g)].map((match) => match[1]!);
const seed = new Uint8Array(32).map((_, index) => index + 1);
const signer = signerFromSeed(seed);

const wallet = "wallet:01JGZ5W2222222222222222222";
const first: EntryBody = {
  seq: 1,
  kind: "topup",
  atMs: 1767225600000,
  hlcCounter: 0,
  scope: "terminal:01JGZ5W0000000000000000000",
  idempotencyKey: "till-7:0001",
  reversesSeq: null,
  memo: { card: "01JGZ5W1111111111111111111", method: "cash" },
  prevHash: "0".repeat(64),
  transfers: [
    { idx: 0, debitAccount: "issuance:EUR", creditAccount: wallet, asset: "EUR", amount: 2000 },
    { idx: 1, debitAccount: "external:cash", creditAccount: "reserve:cash", asset: "EUR", amount: 2000 },
  ],
};
const second: EntryBody = {
  seq: 2,
  kind: "void",
  atMs: 1767225600000,
  hlcCounter: 1,
  scope: "operator:01JGZ5W3333333333333333333",
  idempotencyKey: "",
  reversesSeq: 1,
  memo: { kind: "topup", voids: 1, note: "Erreur de saisie — « café »" },
  prevHash: "8c6a2e31d37919b299f8e8e46f70d5f2b49e3378cc4b4bd541b7fb0c1dde87ee",
  transfers: [
    { idx: 0, debitAccount: wallet, creditAccount: "issuance:EUR", asset: "EUR", amount: 2000 },
    { idx: 1, debitAccount: "reserve:cash", creditAccount: "external:cash", asset: "EUR", amount: 2000 },
  ],
};

describe("tibox-entry/v1 vectors", () => {
  test("the document holds two vectors and the public key", () => {
    expect(blocks.length).toBe(2);
    expect(hashes.length).toBe(2);
    expect(signatures.length).toBe(2);
    expect(doc).toContain(toHex(signer.publicKey));
  });

  [first, second].forEach((entry, index) => {
    test(`entry ${entry.seq}: bytes, hash and signature are the documented ones`, () => {
      const bytes = encodeEntry(entry);
      expect(new TextDecoder().decode(bytes)).toBe(blocks[index]!);
      expect(sha256Hex(bytes)).toBe(hashes[index]!);
      expect(toHex(signer.sign(SIGNING_CONTEXTS.entry, bytes))).toBe(signatures[index]!);
    });
  });

  test("the verifier's own encoder accepts the documented rows, and refuses a changed byte", () => {
    const folder = tempFolder();
    try {
      const sqlite = openDatabase(join(folder.path, "tibox.db"));
      migrate(sqlite, 0);
      const insertEntry = sqlite.query(
        "INSERT INTO ledger_entries (seq, kind, at_ms, hlc_counter, scope, idempotency_key, reverses_seq, memo, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      const insertTransfer = sqlite.query("INSERT INTO ledger_transfers (entry_seq, idx, debit_account, credit_account, asset, amount) VALUES (?, ?, ?, ?, ?, ?)");
      [first, second].forEach((entry, index) => {
        const memo = /"memo":(\{[^}]*\})/.exec(blocks[index]!)![1]!;
        insertEntry.run(entry.seq, entry.kind, entry.atMs, entry.hlcCounter, entry.scope, entry.idempotencyKey, entry.reversesSeq, memo, entry.prevHash, hashes[index]!, signatures[index]!);
        for (const t of entry.transfers) insertTransfer.run(entry.seq, t.idx, t.debitAccount, t.creditAccount, t.asset, t.amount);
      });
      // The two entries cancel out: every balance is zero, and no balance row is needed.
      expect(verifyLedger(sqlite, { publicKey: signer.publicKey, backedAssets: ["EUR"] })).toEqual({ ok: true, entries: 2, head: { seq: 2, hash: hashes[1]! } });
      sqlite.run("DROP TRIGGER ledger_entries_no_update");
      sqlite.run("UPDATE ledger_entries SET memo = replace(memo, 'café', 'cafe') WHERE seq = 2");
      expect(verifyLedger(sqlite, { publicKey: signer.publicKey, backedAssets: ["EUR"] })).toEqual({ ok: false, fault: "ledger entry 2: hash does not match its content (edited)" });
      sqlite.close();
    } finally {
      folder.remove();
    }
  });
});
