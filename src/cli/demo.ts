/**
 * `tibox demo`: a seeded demo venue to try the box in one minute. Creates (once) a venue, an
 * admin, a manager, a cashier with a PIN and a staff card, a till, a door and a reader terminal,
 * a simulated printer ("Imprimante simulée"), a small bar catalogue at the point of sale `main`
 * (Bière, Soda, Café, a free-price "Don", a kitchen item printed for "cuisine") and a customer
 * card with 20 € on it, a concert in a week on the agenda (full, reduced and member prices, sold at
 * the till and online with pay on site) and a yearly membership at a free price, then serves with simulated card readers on (the till page's "simulate a
 * card tap" button, and `tibox tap` beside the box).
 */
import { existsSync } from "node:fs";
import { openBox } from "../app.ts";
import { appendEvent, hashSecret, insertOperator } from "../auth/index.ts";
import { dataDir } from "../db/index.ts";
import { checkVenueProfile, insertVenue } from "../federation/index.ts";
import { saveMembershipProduct } from "../membership/index.ts";
import { insertPrinter, saveCategory, saveItem } from "../pos/index.ts";
import { createEvent, readOnlineSalesSettings, saveOnlineSalesSettings, saveProduct, savePrice } from "../ticketing/index.ts";
import { topUp } from "../wallet/index.ts";
import type { Box } from "../app.ts";

export const DEMO = {
  venue: "Association Démo tibox",
  adminEmail: "admin@demo.tibox",
  adminPassword: "demo-admin-2026",
  managerEmail: "manager@demo.tibox",
  managerPassword: "demo-manager-2026",
  cashierName: "Camille (caisse)",
  cashierPin: "1234",
  cashierStaffCard: "04A1B2C3D4E5F6",
  doorName: "Dominique (entrée)",
  doorPin: "5678",
  managerPin: "2468",
  printerName: "Imprimante simulée",
  /** The customer card the till's simulation button offers (ui/pages/terminal.tsx), with 20 € on it. */
  customerCard: "04C0FFEE112233",
  customerCardCents: 2000,
} as const;

/** The demo's bar: drinks, a free-price donation (1 € at least) and a kitchen item whose order prints for "cuisine". */
function seedCatalogue(box: Box): void {
  box.writer.transact((tx) => {
    const newId = box.deps.newId;
    const drinks = saveCategory(tx, newId, { name: "Boissons", colour: "#1f6feb", position: 1 });
    const food = saveCategory(tx, newId, { name: "Cuisine", colour: "#d97706", position: 2 });
    const support = saveCategory(tx, newId, { name: "Soutien", colour: "#2e7d32", position: 3 });
    const item = (name: string, categoryId: string, amount: number, vatRateBp: number, extra: { free?: boolean; printGroup?: string } = {}) =>
      saveItem(tx, newId, {
        name,
        pointsOfSale: ["main"],
        categoryId,
        prices: [{ label: "", kind: extra.free ? "free" : "fixed", amount }],
        vatRateBp,
        printGroup: extra.printGroup ?? "",
      });
    item("Bière", drinks.id, 350, 2000);
    item("Soda", drinks.id, 200, 1000);
    item("Café", drinks.id, 150, 1000);
    item("Croque-monsieur", food.id, 450, 1000, { printGroup: "cuisine" });
    item("Don", support.id, 100, 550, { free: true });
    // A cash top-up like any other (the demo's drawer is not counted): the card pays at once.
    topUp(tx, { signer: box.signer, newId, random: box.deps.random }, { scope: "cli:demo", idempotencyKey: "demo-customer-card" }, { cardUid: DEMO.customerCard, asset: "EUR", amount: DEMO.customerCardCents, method: "cash" });
  });
}

const DAY_MS = 86_400_000;

/**
 * The demo's agenda: a concert a week from now (doors 19:30, 20:30 to 23:30 in Paris in winter,
 * written in UTC), 12 € full, 8 € reduced, 6 € for members, 150 places; and a yearly membership
 * at a free price from 10 €, so that the till's "Billets" and "Adhésions" and `/adhesion` show.
 */
function seedAgenda(box: Box): void {
  box.writer.transact((tx) => {
    const deps = { signer: box.signer, newId: box.deps.newId };
    const day = Math.floor(box.deps.clock.nowMs() / DAY_MS) * DAY_MS + 7 * DAY_MS;
    const hour = 3_600_000;
    const event = createEvent(tx, deps, {
      title: "Concert de démo",
      description: "Un concert pour essayer la billetterie : achetez une place sur l'agenda, vendez-en à la caisse, scannez-la à l'entrée.",
      imageUrl: null,
      startsAtMs: day + 19.5 * hour,
      endsAtMs: day + 22.5 * hour,
      doorsAtMs: day + 18.5 * hour,
      capacity: 200,
      tags: ["concert"],
      visibility: "public",
    });
    const product = saveProduct(tx, deps, { eventId: event.id, name: "Entrée", priceMinor: 1200, quota: 150, perOrderMax: 6 });
    savePrice(tx, deps, { productId: product.id, label: "Réduit", kind: "reduced", amountMinor: 800 });
    savePrice(tx, deps, { productId: product.id, label: "Adhérent", kind: "member", amountMinor: 600 });
    saveMembershipProduct(tx, deps, { name: "Adhésion annuelle", description: "Un an, prix libre à partir de 10 €.", duration: "rolling_year", amountMinor: 1000, freePrice: true });
    // Online orders paid on site (no payment provider in a demo), with donations.
    const online = readOnlineSalesSettings(tx.sqlite);
    saveOnlineSalesSettings(tx, { ...online, onlineSalesEnabled: true, payOnSiteEnabled: true, donationsEnabled: true, stripeSecretKey: null, stripeWebhookSecret: null });
  });
}

export async function seedDemo(folder: string, out: (line: string) => void): Promise<void> {
  if (existsSync(dataDir(folder).databasePath)) {
    const probe = openBox({ dataDir: folder });
    const seeded = probe.venue() !== undefined;
    probe.close();
    if (seeded) {
      out(`demo data already in ${folder}`);
      return;
    }
  }
  const [adminHash, managerHash, cashierPin, doorPin, managerPin] = await Promise.all([
    hashSecret(DEMO.adminPassword),
    hashSecret(DEMO.managerPassword),
    hashSecret(DEMO.cashierPin),
    hashSecret(DEMO.doorPin),
    hashSecret(DEMO.managerPin),
  ]);
  const box = openBox({ dataDir: folder });
  try {
    const profile = checkVenueProfile({ legalName: DEMO.venue, address: "1 place de la Fête, 75000 Paris", vatStatus: "franchise", timezone: "Europe/Paris" });
    box.writer.transact((tx) => {
      const venue = insertVenue(tx, box.deps.newId, profile, box.signer.publicKey);
      const admin = insertOperator(tx, box.deps.newId, { name: "Alex (admin)", email: DEMO.adminEmail, role: "admin", passwordHash: adminHash });
      insertOperator(tx, box.deps.newId, { name: "Morgane (responsable)", email: DEMO.managerEmail, role: "manager", passwordHash: managerHash, pinHash: managerPin });
      insertOperator(tx, box.deps.newId, { name: DEMO.cashierName, role: "cashier", pinHash: cashierPin, staffCardUid: DEMO.cashierStaffCard });
      insertOperator(tx, box.deps.newId, { name: DEMO.doorName, role: "door", pinHash: doorPin });
      appendEvent(tx, box.signer, { kind: "setup.completed", actor: `operator:${admin.id}`, subject: `venue:${venue.id}`, detail: { legal_name: venue.legalName, demo: true } });
      // A printer in memory: the test print and the print queue work without hardware.
      insertPrinter(tx, box.deps.newId, { name: DEMO.printerName, kind: "simulated", address: "demo", paperMm: 80, codePage: "pc858", printGroups: ["bar", "cuisine", "receipt"], hasCashDrawer: true, active: true });
    });
    seedCatalogue(box);
    seedAgenda(box);
    box.auth.addTerminalSync("cli", "till", "Bar (démo)");
    box.auth.addTerminalSync("cli", "door", "Entrée (démo)");
    box.auth.addTerminalSync("cli", "reader", "Lecteur simulé (démo)");
  } finally {
    box.close();
  }
  out(`demo venue created in ${folder}`);
}

export function demoBanner(url: string, pairingCode?: string): string[] {
  return [
    "",
    `  tibox demo: ${url}`,
    ...(pairingCode ? [`  till     open ${url}pair?code=${pairingCode} (10 minutes) to make this browser a till`] : []),
    `  admin    ${DEMO.adminEmail} / ${DEMO.adminPassword}`,
    `  manager  ${DEMO.managerEmail} / ${DEMO.managerPassword}, PIN ${DEMO.managerPin} (approves voids at the till)`,
    `  cashier  ${DEMO.cashierName}, PIN ${DEMO.cashierPin}, staff card ${DEMO.cashierStaffCard}`,
    `  door     ${DEMO.doorName}, PIN ${DEMO.doorPin}`,
    "  or pair a browser as a till: Terminals > Pair a device, then open the link.",
    `  printer  ${DEMO.printerName}: Printers > print a test ticket to see its preview`,
    `  sell     unlock it (PIN ${DEMO.cashierPin}), "Ouvrir la caisse", touch "Bière", then "Simuler un passage de carte" (card ${DEMO.customerCard}, 20 €)`,
    `  tickets  ${url}agenda: the demo concert; sold at the till too ("Billets"); scan them at ${url}door (PIN ${DEMO.doorPin})`,
    `  cards    or, beside it: tibox tap --data ./demo-data --terminal "Caisse (navigateur)" --uid ${DEMO.customerCard}`,
    "",
  ];
}
