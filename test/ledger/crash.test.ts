// Proves that an acknowledged payment survives a crash: a `tibox serve` child under a payment load
// (concurrent fetch loops, one key per payment) is killed with SIGKILL at a random moment, 50
// times on the same folder; after each restart every payment that got its 201 is in the journal
// as acknowledged, its key replays the same answer byte for byte, payments in flight at the kill
// are applied exactly once when retried, and `tibox verify` exits 0. The delays come from a
// printed seed (TIBOX_CRASH_SEED=N replays them).
import { afterAll, expect, test } from "bun:test";
import type { Sqlite } from "../../src/db/index.ts";
import { lastLine, serveChild, tibox, type ServingChild } from "../helpers/process.ts";
import { cardUid, entryCount, initializedFolder, readDatabase, seededFloats } from "../helpers/ledger.ts";

const KILLS = 50;
const LOOPS = 4;
/**
 * Each loop waits up to this long between two payments. `tibox verify` checks every signature
 * after every restart (about 1 ms per entry), so the journal must stay near a thousand entries
 * for 50 rounds to fit in a minute; four loops still keep requests in flight at most kills.
 */
const PACE_MS = 40;
const START_BALANCE = 1_000_000_000;
const SEED = Number(process.env.TIBOX_CRASH_SEED ?? crypto.getRandomValues(new Uint32Array(1))[0]);
const UID = cardUid(0xc4a5);

interface Acknowledged {
  readonly body: string;
  readonly amount: number;
  /** The reply's body, as first received. */
  readonly text: string;
  readonly round: number;
}

interface Sent {
  readonly key: string;
  readonly body: string;
  readonly amount: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function post(child: ServingChild, token: string, key: string, body: string): Promise<Response> {
  return fetch(`${child.url}/api/v1/wallet/payments`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "idempotency-key": key, "content-type": "application/json" },
    body,
  });
}

/** One payment request per key; its amount depends on the key only (1 to 100 cents). */
function payment(key: string, counter: number): Sent {
  const amount = 1 + (counter % 100);
  return { key, amount, body: JSON.stringify({ card_uid: UID, amount, point_of_sale: "bar" }) };
}

/** Fetch loops that pay until told to stop or until the box dies under them. */
function load(child: ServingChild, token: string, round: number, acked: Map<string, Acknowledged>, inFlight: Sent[], unexpected: string[]) {
  let stopped = false;
  const loops = Array.from({ length: LOOPS }, async (_, loop) => {
    for (let n = 0; !stopped && n < 100_000; n++) {
      const sent = payment(`crash-r${round}-l${loop}-${n}`, round * 7 + loop * 13 + n);
      try {
        const response = await post(child, token, sent.key, sent.body);
        const text = await response.text();
        if (response.status === 201) acked.set(sent.key, { body: sent.body, amount: sent.amount, text, round });
        else unexpected.push(`${sent.key}: ${response.status} ${text}`);
      } catch {
        // The box died with this request in flight: it may or may not have been applied.
        inFlight.push(sent);
        return;
      }
      await Bun.sleep((n * 17 + loop * 11) % PACE_MS);
    }
  });
  return {
    stop: () => {
      stopped = true;
    },
    done: Promise.all(loops),
  };
}

/** Every acknowledged payment is in the journal as its answer said, with that answer stored. */
function checkJournal(sqlite: Sqlite, acked: Map<string, Acknowledged>): void {
  const entries = new Map(
    sqlite
      .query<{ key: string; seq: number; transfers: string }, []>(
        `SELECT e.idempotency_key AS key, e.seq, json_group_array(json_object('asset', t.asset, 'amount', t.amount)) AS transfers
           FROM ledger_entries e JOIN ledger_transfers t ON t.entry_seq = e.seq WHERE e.kind = 'payment' GROUP BY e.seq`,
      )
      .all()
      .map((row) => [row.key, row]),
  );
  const stored = new Map(sqlite.query<{ key: string; status: number; body: string }, []>("SELECT key, status, body FROM idempotency_keys").all().map((row) => [row.key, row]));
  // The card's balance after each entry, from the transfers alone.
  const balanceAfter = new Map<number, number>();
  let running = 0;
  const wallet = sqlite.query<{ walletId: string }, [string]>("SELECT wallet_id AS walletId FROM cards WHERE uid = ?").get(UID)!.walletId;
  for (const row of sqlite
    .query<{ seq: number; delta: number }, [string, string]>(
      `SELECT entry_seq AS seq, sum(CASE WHEN credit_account = ?1 THEN amount ELSE -amount END) AS delta
         FROM ledger_transfers WHERE credit_account = ?1 OR debit_account = ?2 GROUP BY entry_seq ORDER BY entry_seq`,
    )
    .all(`wallet:${wallet}`, `wallet:${wallet}`)) {
    running += row.delta;
    balanceAfter.set(row.seq, running);
  }
  // Collected, then asserted once: thousands of payments are compared after every kill.
  const faults: string[] = [];
  for (const [key, ack] of acked) {
    const answer = JSON.parse(ack.text) as { entry_seq: number; transfers: unknown; balances: { EUR: number } };
    const entry = entries.get(key);
    if (!entry) faults.push(`${key}: acknowledged as entry ${answer.entry_seq} but not in the journal`);
    else if (entry.seq !== answer.entry_seq) faults.push(`${key}: acknowledged as entry ${answer.entry_seq}, journal has it as ${entry.seq}`);
    else if (entry.transfers !== JSON.stringify(answer.transfers) || entry.transfers !== JSON.stringify([{ asset: "EUR", amount: ack.amount }])) {
      faults.push(`${key}: transfers ${entry.transfers}, acknowledged ${JSON.stringify(answer.transfers)} for ${ack.amount}`);
    } else if (balanceAfter.get(entry.seq) !== answer.balances.EUR) faults.push(`${key}: balance after ${balanceAfter.get(entry.seq)}, acknowledged ${answer.balances.EUR}`);
    const answerStored = stored.get(key);
    if (answerStored?.status !== 201 || answerStored.body !== ack.text) faults.push(`${key}: stored answer ${JSON.stringify(answerStored)}`);
  }
  expect(faults).toEqual([]);
}

async function replay(child: ServingChild, token: string, key: string, body: string): Promise<{ status: number; text: string; replayed: boolean }> {
  const response = await post(child, token, key, body);
  return { status: response.status, text: await response.text(), replayed: response.headers.get("idempotent-replayed") === "true" };
}

async function inChunks<T>(items: readonly T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(each));
}

test(`${KILLS} SIGKILLs under a payment load lose no acknowledged payment (seed ${SEED})`, async () => {
  console.log(`crash test seed ${SEED} (TIBOX_CRASH_SEED=${SEED} replays the delays)`);
  const random = seededFloats(SEED);
  const folder = await initializedFolder("tibox-crash-");
  cleanups.push(folder.remove);
  const database = `${folder.data}/tibox.db`;
  let child = await serveChild(folder.data);
  cleanups.push(async () => {
    if (child.process.exitCode === null && child.process.signalCode === null) await child.stop();
  });
  const topup = await fetch(`${child.url}/api/v1/wallet/topups`, {
    method: "POST",
    headers: { authorization: `Bearer ${folder.token}`, "idempotency-key": "crash-topup", "content-type": "application/json" },
    body: JSON.stringify({ card_uid: UID, asset: "EUR", amount: START_BALANCE, method: "cash" }),
  });
  expect(topup.status).toBe(201);

  const acked = new Map<string, Acknowledged>();
  const unexpected: string[] = [];
  let inFlightTotal = 0;
  let committedUnacknowledged = 0;
  let verifying: Promise<void> = Promise.resolve();
  for (let round = 0; round < KILLS; round++) {
    const inFlight: Sent[] = [];
    const running = load(child, folder.token, round, acked, inFlight, unexpected);
    await Bun.sleep(20 + Math.floor(random() * 281));
    child.process.kill("SIGKILL");
    running.stop();
    await child.process.exited;
    await running.done;
    // The previous round's verify ran beside this round's load; it must be done before the next.
    await verifying;

    child = await serveChild(folder.data);
    verifying = tibox(["verify", "--data", folder.data]).then((run) => {
      expect(run.code, `verify after kill ${round + 1}: ${run.stdout}`).toBe(0);
      expect(lastLine(run.stdout)).toBe("sound");
    });
    readDatabase(database, (sqlite) => checkJournal(sqlite, acked));
    const latest = [...acked].filter(([, ack]) => ack.round === round);
    await inChunks(latest, 16, async ([key, ack]) => {
      const again = await replay(child, folder.token, key, ack.body);
      expect(again, `replay of ${key}`).toEqual({ status: 201, text: ack.text, replayed: true });
    });
    // A payment in flight at the kill, retried with its key, is applied exactly once.
    inFlightTotal += inFlight.length;
    await inChunks(inFlight, 16, async (sent) => {
      const retried = await replay(child, folder.token, sent.key, sent.body);
      expect(retried.status, `retry of ${sent.key}: ${retried.text}`).toBe(201);
      if (retried.replayed) committedUnacknowledged++;
      acked.set(sent.key, { body: sent.body, amount: sent.amount, text: retried.text, round });
      expect(await replay(child, folder.token, sent.key, sent.body)).toEqual({ status: 201, text: retried.text, replayed: true });
    });
    readDatabase(database, (sqlite) => {
      expect(entryCount(sqlite), "one top-up and one entry per payment").toBe(1 + acked.size);
      const spent = [...acked.values()].reduce((sum, ack) => sum + ack.amount, 0);
      const balance = sqlite.query<{ balance: number }, [string]>("SELECT balance FROM ledger_balances WHERE asset = 'EUR' AND account = 'wallet:' || (SELECT wallet_id FROM cards WHERE uid = ?)").get(UID)!;
      expect(balance.balance).toBe(START_BALANCE - spent);
    });
  }
  await verifying;
  expect(unexpected).toEqual([]);

  // At the end, every acknowledged key, from every round, still answers as it first did.
  const all = [...acked];
  await inChunks(all, 32, async ([key, ack]) => {
    expect(await replay(child, folder.token, key, ack.body), `final replay of ${key}`).toEqual({ status: 201, text: ack.text, replayed: true });
  });
  readDatabase(database, (sqlite) => checkJournal(sqlite, acked));
  console.log(
    `crash test: ${KILLS} kills, ${acked.size} acknowledged payments checked (${inFlightTotal} in flight at a kill, retried; ${committedUnacknowledged} of them had been committed before the kill)`,
  );
  expect(acked.size).toBeGreaterThan(KILLS);
}, 75_000);
