// Proves the fiscal archive: `tibox archive` writes one signed JSON-lines file (the whole journal,
// or one month's business days) and records it in the fiscal journal; `tibox verify --archive`
// checks the file alone (a copy without the data folder) and exits 0; a changed amount, a removed
// record, a cut file, a manifest recomputed without the key, or a forged record re-signed in the
// manifest only each make it exit 1 naming the fault; something that is not an archive is exit 2.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openBox } from "../../src/app.ts";
import { canonicalBytes, FakeClock, sha256Hex, SIGNING_CONTEXTS, signerFromSeed, toHex } from "../../src/kernel/index.ts";
import { createSale, fiscalHead, readFiscalRecord, verifyArchiveText } from "../../src/pos/index.ts";
import { tempFolder } from "../helpers/box.ts";
import { line, seedCatalogue, seller, setUpVenue } from "../helpers/pos.ts";
import { lastLine, tibox } from "../helpers/process.ts";

const folders: Array<{ remove(): void }> = [];
let data = "";
let out = "";
let whole = "";
let february = "";

afterAll(() => folders.forEach((folder) => folder.remove()));

beforeAll(async () => {
  const made = tempFolder("tibox-archive-");
  const target = tempFolder("tibox-archive-out-");
  folders.push(made, target);
  data = made.path;
  out = target.path;
  const clock = new FakeClock(Date.parse("2026-02-10T12:00:00Z"));
  const box = openBox({ dataDir: data, clock });
  try {
    await setUpVenue(box);
    const items = seedCatalogue(box);
    const deps = { signer: box.signer, newId: box.deps.newId, random: box.deps.random };
    const sell = () => box.writer.transact((tx) => createSale(tx, deps, seller(), { pointOfSale: "main", lines: [line(items.beer)], payments: [{ method: "cash", amount: 450 }] }));
    sell();
    sell();
    clock.set(Date.parse("2026-03-05T12:00:00Z"));
    sell();
  } finally {
    box.close();
  }
  const all = await tibox(["archive", "--data", data, "--to", out]);
  expect(all.code).toBe(0);
  whole = lastLine(all.stdout);
  const month = await tibox(["archive", "--data", data, "--to", out, "--period", "2026-02"]);
  expect(month.code).toBe(0);
  february = lastLine(month.stdout);
});

async function verifyArchive(path: string) {
  return tibox(["verify", "--archive", path]);
}

let edits = 0;

function edited(path: string, edit: (text: string) => string): string {
  const copy = join(out, `edited-${++edits}.jsonl`);
  writeFileSync(copy, edit(readFileSync(path, "utf8")));
  return copy;
}

describe("export", () => {
  test("the whole journal's archive verifies alone, from a copy, and the export is recorded", async () => {
    const alone = tempFolder("tibox-archive-alone-");
    folders.push(alone);
    const copy = join(alone.path, "copy.jsonl");
    copyFileSync(whole, copy);
    const run = await verifyArchive(copy);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("fiscal records: 3 (1 to 3)");
    expect(run.stdout.trimEnd().endsWith("sound")).toBe(true);
    const box = openBox({ dataDir: data });
    try {
      const head = fiscalHead(box.sqlite);
      expect(head.seq).toBe(5); // two archive records
      const record = readFiscalRecord(box.sqlite, 4)!;
      expect(record.kind).toBe("archive");
      expect(record.payload.sha256).toBe(sha256Hex(readFileSync(whole, "utf8")));
      expect(record.grandTotalAfter).toBe(1_350);
    } finally {
      box.close();
    }
    expect((await tibox(["verify", "--data", data])).code).toBe(0);
  });

  test("a month's archive holds that month's records only, anchored on the record before", async () => {
    const text = readFileSync(february, "utf8");
    const records = text.split("\n").filter((row) => row.includes('"type":"record"'));
    expect(records).toHaveLength(2);
    expect(verifyArchiveText(text).status).toBe("sound");
    const march = await tibox(["archive", "--data", data, "--to", out, "--period", "2026-03"]);
    const marchText = readFileSync(lastLine(march.stdout), "utf8");
    // March holds its one sale; the archive records were written later, by the real clock.
    const check = verifyArchiveText(marchText);
    expect(check.status).toBe("sound");
    expect(marchText.split("\n").filter((row) => row.includes('"type":"record"')).map((row) => JSON.parse(row).seq)).toEqual([3]);
    expect((await tibox(["archive", "--data", data, "--to", out, "--period", "2026-13"])).code).toBe(2);
  });
});

describe("tampering", () => {
  test("a changed amount in a record is exit 1: the content's SHA-256 differs", async () => {
    const run = await verifyArchive(edited(whole, (text) => text.replace('"total":450', '"total":45')));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAULT the content's SHA-256 differs from the manifest's");
  });

  test("a removed record, or a cut file, is exit 1", async () => {
    const removed = await verifyArchive(edited(whole, (text) => text.split("\n").filter((row) => !row.includes('"seq":2,')).join("\n")));
    expect(removed.code).toBe(1);
    const cut = await verifyArchive(edited(whole, (text) => `${text.split("\n").slice(0, 3).join("\n")}\n`));
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain("FAULT the last line is not the manifest (the file was cut)");
  });

  test("a manifest recomputed without the venue's key is refused by its signature", () => {
    const text = readFileSync(whole, "utf8");
    const lines = text.trimEnd().split("\n");
    const forgedBody = lines.slice(0, -1).map((row) => row.replace('"total":450', '"total":45')).map((row) => `${row}\n`).join("");
    const manifest = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    const forged = `${forgedBody}${JSON.stringify({ ...manifest, sha256: sha256Hex(forgedBody) })}\n`;
    const check = verifyArchiveText(forged);
    expect(check).toMatchObject({ status: "fault", fault: "the manifest's signature is not the venue's" });
  });

  test("a record forged under another key, with a manifest re-signed by that key, breaks the record's hash and signature", () => {
    const text = readFileSync(whole, "utf8");
    const lines = text.trimEnd().split("\n");
    const thief = signerFromSeed(new Uint8Array(32).fill(7));
    const header = { ...JSON.parse(lines[0]!), public_key: toHex(thief.publicKey) };
    const body = [JSON.stringify(header), ...lines.slice(1, -1)].map((row) => `${row}\n`).join("");
    const manifest = { type: "manifest", lines: lines.length - 1, sha256: sha256Hex(body), first_seq: 1, last_seq: 3 };
    const signature = toHex(thief.sign(SIGNING_CONTEXTS.fiscal, canonicalBytes(manifest)));
    const check = verifyArchiveText(`${body}${JSON.stringify({ ...manifest, signature })}\n`);
    expect(check).toMatchObject({ status: "fault", fault: "fiscal record 1: signature is not the venue's" });
  });

  test("a file that is not an archive is exit 2", async () => {
    const path = join(out, "notes.txt");
    writeFileSync(path, "hello\n");
    expect((await verifyArchive(path)).code).toBe(2);
    expect((await verifyArchive(join(out, "missing.jsonl"))).code).toBe(2);
  });
});
