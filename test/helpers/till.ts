/**
 * Helpers for the till's tests: a card made a member's (its wallet becomes the member's), a venue
 * set up as a treasurer would (the CLI, then its catalogue, staff, printers and cards), and the
 * journal's figures read from the data folder.
 */
import { expect } from "bun:test";
import { openBox, type Box } from "../../src/app.ts";
import { dataDir, openReadOnlyDatabase } from "../../src/db/index.ts";
import { grantMembership, insertMember } from "../../src/membership/index.ts";
import { insertPrinter, saveCategory, saveItem } from "../../src/pos/index.ts";
import { cardByUid, topUp } from "../../src/wallet/index.ts";
import { runTibox } from "./browser.ts";
import { freePort } from "./process.ts";

export const ADMIN_PASSWORD = "correct horse battery";
export const CASHIER = { name: "Camille", pin: "1357", staffCard: "04CA5E01" } as const;
export const MANAGER = { name: "Maud", pin: "2468" } as const;
export const DOOR = { name: "Dom", pin: "9753" } as const;
/** Customer cards: A pays by tap (20 €), B is new (topped up), C is emptied (10 € loaded in cash). */
export const CARD_A = "04E2E0A1";
export const CARD_B = "04E2E0B2";
export const CARD_C = "04E2E0C3";

/** Makes a card a member's; with a membership valid for `membershipDays` from now (0: none). Returns the member's id. */
export function attachCardToMember(box: Box, uid: string, name: string, membershipDays = 365): string {
  const card = cardByUid(box.sqlite, uid);
  if (!card) throw new Error(`no card ${uid}`);
  return box.writer.transact((tx) => {
    const member = insertMember(tx, box.deps.newId, { name }, card.walletId);
    const nowMs = box.deps.clock.nowMs();
    if (membershipDays > 0) grantMembership(tx, box.deps.newId, { memberId: member.id, label: "Adhésion", validFromMs: nowMs - 1, validUntilMs: nowMs + membershipDays * 86_400_000 });
    return member.id;
  });
}

export interface TillVenue {
  readonly folder: string;
  readonly tillToken: string;
  readonly doorToken: string;
  readonly printerPort: number;
}

/** A venue as a treasurer would set it up: `tibox init`, `tibox terminal add`, then its catalogue, staff, printers and cards. */
export async function setUpTillVenue(folder: string): Promise<TillVenue> {
  const init = await runTibox(["init", "--data", folder, "--venue", "Les Amis du Quartier", "--address", "1 rue des Lilas, 69001 Lyon", "--siret", "73282932000074", "--vat", "liable", "--vat-number", "FR12732829320", "--timezone", "Europe/Paris", "--admin-email", "ada@example.org", "--admin-password", ADMIN_PASSWORD]);
  expect(init.exitCode).toBe(0);
  const till = await runTibox(["terminal", "add", "--data", folder, "--kind", "till", "--name", "Bar"]);
  const door = await runTibox(["terminal", "add", "--data", folder, "--kind", "door", "--name", "Entrée"]);
  expect([till.exitCode, door.exitCode]).toEqual([0, 0]);
  // The kitchen's printer is off: a closed port. The receipt printer is a simulated one.
  const printerPort = await freePort();
  const box = openBox({ dataDir: folder });
  try {
    await box.auth.createOperator("test", { name: CASHIER.name, role: "cashier", pin: CASHIER.pin, staffCardUid: CASHIER.staffCard });
    await box.auth.createOperator("test", { name: MANAGER.name, role: "manager", email: "maud@example.org", password: ADMIN_PASSWORD, pin: MANAGER.pin });
    await box.auth.createOperator("test", { name: DOOR.name, role: "door", pin: DOOR.pin });
    box.writer.transact((tx) => {
      const newId = box.deps.newId;
      const drinks = saveCategory(tx, newId, { name: "Boissons", colour: "#1f6feb", position: 1 });
      const food = saveCategory(tx, newId, { name: "Cuisine", colour: "#d97706", position: 2 });
      const fixed = (name: string, categoryId: string, amount: number, vatRateBp: number, printGroup = "") =>
        saveItem(tx, newId, { name, pointsOfSale: ["main"], categoryId, prices: [{ label: "", kind: "fixed", amount }], vatRateBp, printGroup });
      fixed("Bière", drinks.id, 350, 2000);
      fixed("Soda", drinks.id, 200, 1000);
      fixed("Café", drinks.id, 150, 1000);
      fixed("Croque-monsieur", food.id, 450, 1000, "cuisine");
      saveItem(tx, newId, { name: "Don", pointsOfSale: ["main"], prices: [{ label: "", kind: "free", amount: 100 }], vatRateBp: 550 });
      insertPrinter(tx, newId, { name: "Cuisine", kind: "tcp", address: `127.0.0.1:${printerPort}`, paperMm: 80, codePage: "pc858", printGroups: ["cuisine"], hasCashDrawer: false, active: true });
      insertPrinter(tx, newId, { name: "Caisse", kind: "simulated", address: "caisse", paperMm: 80, codePage: "pc858", printGroups: ["receipt"], hasCashDrawer: true, active: true });
      const deps = { signer: box.signer, newId, random: box.deps.random };
      topUp(tx, deps, { scope: "setup", idempotencyKey: "card-a" }, { cardUid: CARD_A, asset: "EUR", amount: 2000, method: "cash" });
      topUp(tx, deps, { scope: "setup", idempotencyKey: "card-c" }, { cardUid: CARD_C, asset: "EUR", amount: 1000, method: "cash" });
    });
  } finally {
    box.close();
  }
  return { folder, tillToken: till.lastLine, doorToken: door.lastLine, printerPort };
}

export function journal(folder: string) {
  const sqlite = openReadOnlyDatabase(dataDir(folder).databasePath);
  try {
    const one = <T,>(sql: string) => sqlite.query<T, []>(sql).get()!;
    return {
      sales: one<{ n: number; total: number | null }>("SELECT count(*) AS n, sum(total) AS total FROM sales WHERE training = 0"),
      voids: one<{ n: number }>("SELECT count(*) AS n FROM sale_voids").n,
      grandTotal: one<{ g: number | null }>("SELECT grand_total_after AS g FROM fiscal_records ORDER BY seq DESC LIMIT 1").g ?? 0,
      saleRecords: one<{ n: number }>("SELECT count(*) AS n FROM fiscal_records WHERE kind = 'sale'").n,
      topups: one<{ n: number }>("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'topup' AND scope LIKE 'terminal:%'").n,
      refunds: one<{ n: number }>("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'refund'").n,
      payments: one<{ n: number }>("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'payment'").n,
      orders: one<{ n: number }>("SELECT count(*) AS n FROM print_jobs WHERE kind = 'order'").n,
    };
  } finally {
    sqlite.close();
  }
}

