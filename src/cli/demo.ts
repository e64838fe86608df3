/**
 * `tibox demo`: a seeded demo venue to try the box in one minute. Creates (once) a venue, an
 * admin, a manager, a cashier with a PIN and a staff card, a till, a door and a reader terminal,
 * a simulated printer ("Imprimante simulée"), a small bar catalogue at the point of sale `main`
 * (Bière, Soda, Café, a free-price "Don", a kitchen item printed for "cuisine") and a customer
 * card with 20 € on it, then serves with simulated card readers on (the till page's "simulate a
 * card tap" button, and `tibox tap` beside the box).
 */
import { existsSync } from "node:fs";
import { openBox } from "../app.ts";
import { appendEvent, hashSecret, insertOperator } from "../auth/index.ts";
import { dataDir } from "../db/index.ts";
import { checkVenueProfile, insertVenue } from "../federation/index.ts";
import { insertPrinter, saveCategory, saveItem } from "../pos/index.ts";
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
    `  cards    or, beside it: tibox tap --data ./demo-data --terminal "Caisse (navigateur)" --uid ${DEMO.customerCard}`,
    "",
  ];
}
