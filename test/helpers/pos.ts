/**
 * Helpers for the point-of-sale tests: a set-up venue (VAT liable or under the franchise) on a
 * real SQLite file, a small catalogue, cards with money on them, the actors that sell, and reads
 * of what a refused command must not have written.
 */
import type { Box, BoxOptions } from "../../src/app.ts";
import { appendEvent, hashSecret, insertOperator } from "../../src/auth/index.ts";
import { checkVenueProfile, insertVenue } from "../../src/federation/index.ts";
import type { Sqlite } from "../../src/db/index.ts";
import { saveCategory, saveItem, savePointOfSale, type Item, type PosActor } from "../../src/pos/index.ts";
import { topUp, type OperationDeps } from "../../src/wallet/index.ts";
import { ADMIN, testBox, type TestBox } from "./box.ts";
import { cardUid } from "./ledger.ts";

export const SIRET = "73282932000074";

export interface PosBox {
  readonly box: TestBox;
  readonly deps: OperationDeps;
  readonly items: Catalogue;
}

export interface Catalogue {
  /** Pinte 450 (members 400), Demi 300; 20 %; print group bar. */
  readonly beer: Item;
  /** 1250; 10 %; kitchen; stock 10, low at 3. */
  readonly burger: Item;
  /** Free price, at least 200; 5.5 %. */
  readonly donation: Item;
  /** 150; 10 %; cards may pay it with EUR only (no GIFT). */
  readonly coffee: Item;
  /** 800; 20 %; sold at the "shop" point of sale only. */
  readonly tshirt: Item;
}

export async function setUpVenue(box: Box, vatStatus: "liable" | "franchise" = "liable"): Promise<void> {
  const passwordHash = await hashSecret(ADMIN.password);
  box.writer.transact((tx) => {
    const profile = checkVenueProfile({
      legalName: "Les Amis du Quartier",
      address: "1 rue Test, 69001 Lyon",
      siret: SIRET,
      vatStatus,
      vatNumber: vatStatus === "liable" ? "FR12732829320" : "",
      timezone: "Europe/Paris",
    });
    const venue = insertVenue(tx, box.deps.newId, profile, box.signer.publicKey);
    const admin = insertOperator(tx, box.deps.newId, { name: "Ada Admin", email: ADMIN.email, role: "admin", passwordHash });
    appendEvent(tx, box.signer, { kind: "setup.completed", actor: `operator:${admin.id}`, subject: `venue:${venue.id}`, detail: {} });
  });
}

export function seedCatalogue(box: Box): Catalogue {
  return box.writer.transact((tx) => {
    savePointOfSale(tx, { code: "shop", name: "Boutique", kind: "shop" });
    const drinks = saveCategory(tx, box.deps.newId, { name: "Boissons", colour: "#3366cc", position: 1 });
    const beer = saveItem(tx, box.deps.newId, {
      name: "Bière",
      pointsOfSale: ["main"],
      categoryId: drinks.id,
      prices: [
        { label: "Pinte", kind: "fixed", amount: 450, memberAmount: 400 },
        { label: "Demi", kind: "fixed", amount: 300 },
      ],
      vatRateBp: 2000,
      printGroup: "bar",
    });
    const burger = saveItem(tx, box.deps.newId, {
      name: "Burger",
      pointsOfSale: ["main"],
      prices: [{ label: "", kind: "fixed", amount: 1250 }],
      vatRateBp: 1000,
      printGroup: "kitchen",
      stock: 10,
      lowStockThreshold: 3,
    });
    const donation = saveItem(tx, box.deps.newId, { name: "Soutien", pointsOfSale: ["main", "shop"], prices: [{ label: "Libre", kind: "free", amount: 200 }], vatRateBp: 550 });
    const coffee = saveItem(tx, box.deps.newId, { name: "Café", pointsOfSale: ["main"], prices: [{ label: "", kind: "fixed", amount: 150 }], vatRateBp: 1000, acceptedAssets: ["EUR"] });
    const tshirt = saveItem(tx, box.deps.newId, { name: "T-shirt", pointsOfSale: ["shop"], prices: [{ label: "M", kind: "fixed", amount: 800 }], vatRateBp: 2000 });
    return { beer, burger, donation, coffee, tshirt };
  });
}

export async function posBox(options: { vatStatus?: "liable" | "franchise"; box?: Partial<BoxOptions> } = {}): Promise<PosBox> {
  const box = testBox(options.box ?? {});
  await setUpVenue(box, options.vatStatus ?? "liable");
  const items = seedCatalogue(box);
  return { box, deps: { signer: box.signer, newId: box.deps.newId, random: box.deps.random }, items };
}

let keyCounter = 0;

/** A cashier (or a manager) selling at till "till-1", with a fresh idempotency key each call. */
export function seller(role: "cashier" | "manager" = "cashier", terminalId = "till-1"): PosActor {
  keyCounter++;
  return {
    scope: `terminal:${terminalId}`,
    idempotencyKey: `k${keyCounter}`,
    role,
    operatorId: role === "manager" ? "op-manager" : "op-cashier",
    operatorName: role === "manager" ? "Maud" : "Camille",
    terminalId,
  };
}

/** Loads a card (registered at its first top-up) with EUR by cash, at a till's scope. */
export function loadCard(box: Box, deps: OperationDeps, n: number, amount: number, method: "cash" | "card" = "cash", terminalId = "till-1"): string {
  const uid = cardUid(n);
  box.writer.transact((tx) => topUp(tx, deps, { scope: `terminal:${terminalId}`, idempotencyKey: `load-${n}-${amount}-${keyCounter++}` }, { cardUid: uid, asset: "EUR", amount, method }));
  return uid;
}

/** Counts of the rows a refused sale must not have written. */
export function footprint(sqlite: Sqlite) {
  const count = (table: string) => sqlite.query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  return {
    sales: count("sales"),
    lines: count("sale_lines"),
    payments: count("sale_payments"),
    fiscal: count("fiscal_records"),
    ledger: count("ledger_entries"),
    jobs: count("print_jobs"),
    stock: sqlite.query<{ s: string }, []>("SELECT group_concat(id || ':' || coalesce(stock, '-')) AS s FROM (SELECT id, stock FROM items ORDER BY id)").get()!.s,
    balances: JSON.stringify(sqlite.query("SELECT account, asset, balance FROM ledger_balances ORDER BY account, asset").all()),
  };
}

export function line(item: Item, quantity = 1, priceIndex = 0) {
  return { itemId: item.id, priceId: item.prices[priceIndex]!.id, quantity };
}
