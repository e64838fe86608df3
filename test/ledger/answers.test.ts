// Proves verify cross-checks the answers devices received against the journal: an acknowledged
// entry deleted from the tail (the chain itself still valid) is named, without --expect-head.
import { expect, test } from "bun:test";
import { verifyDataFolder } from "../../src/cli/verify.ts";
import { openDatabase } from "../../src/db/index.ts";
import { ORIGIN, setUp, testBox } from "../helpers/box.ts";

test("an acknowledged payment removed from the journal's tail is a fault", async () => {
  const box = testBox();
  try {
    await setUp(box);
    const { token } = box.auth.addTerminalSync("test", "till", "Bar");
    const send = (path: string, key: string, body: unknown) =>
      box.app.handle(
        new Request(`${ORIGIN}/api/v1/wallet/${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "idempotency-key": key, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    expect((await send("topups", "t1", { card_uid: "04A1B2C3", asset: "EUR", amount: 1000, method: "cash" })).status).toBe(201);
    expect((await send("payments", "p1", { card_uid: "04A1B2C3", amount: 300 })).status).toBe(201);
    expect(verifyDataFolder(box.folder).status).toBe("sound");
    const sqlite = openDatabase(box.dir.databasePath);
    sqlite.run("DROP TRIGGER ledger_entries_no_delete");
    sqlite.run("DROP TRIGGER ledger_transfers_no_delete");
    sqlite.run("DELETE FROM ledger_transfers WHERE entry_seq = 2");
    sqlite.run("DELETE FROM ledger_entries WHERE seq = 2");
    // Put the balances back as they were before the payment, so only the stored answer tells.
    sqlite.run("UPDATE ledger_balances SET balance = balance + 300 WHERE account LIKE 'wallet:%'");
    sqlite.run("UPDATE ledger_balances SET balance = balance - 300 WHERE account = 'revenue:main'");
    sqlite.close();
    const outcome = verifyDataFolder(box.folder);
    expect(outcome).toMatchObject({ status: "fault", fault: expect.stringContaining("ledger entry 2: acknowledged to terminal:") });
  } finally {
    box.dispose();
  }
});
