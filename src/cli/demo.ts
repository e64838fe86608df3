/**
 * `tibox demo`: a seeded demo venue to try the box in one minute. Creates (once) a venue, an
 * admin, a manager, a cashier with a PIN and a staff card, a till, a door and a reader terminal,
 * a simulated printer ("Imprimante simulée"), then serves with simulated card readers on (the
 * till page's "simulate a card tap" button, and `tibox tap` beside the box).
 */
import { existsSync } from "node:fs";
import { openBox } from "../app.ts";
import { appendEvent, hashSecret, insertOperator } from "../auth/index.ts";
import { dataDir } from "../db/index.ts";
import { checkVenueProfile, insertVenue } from "../federation/index.ts";
import { insertPrinter } from "../pos/index.ts";

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
  printerName: "Imprimante simulée",
} as const;

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
  const [adminHash, managerHash, cashierPin, doorPin] = await Promise.all([
    hashSecret(DEMO.adminPassword),
    hashSecret(DEMO.managerPassword),
    hashSecret(DEMO.cashierPin),
    hashSecret(DEMO.doorPin),
  ]);
  const box = openBox({ dataDir: folder });
  try {
    const profile = checkVenueProfile({ legalName: DEMO.venue, address: "1 place de la Fête, 75000 Paris", vatStatus: "franchise", timezone: "Europe/Paris" });
    box.writer.transact((tx) => {
      const venue = insertVenue(tx, box.deps.newId, profile, box.signer.publicKey);
      const admin = insertOperator(tx, box.deps.newId, { name: "Alex (admin)", email: DEMO.adminEmail, role: "admin", passwordHash: adminHash });
      insertOperator(tx, box.deps.newId, { name: "Morgane (responsable)", email: DEMO.managerEmail, role: "manager", passwordHash: managerHash });
      insertOperator(tx, box.deps.newId, { name: DEMO.cashierName, role: "cashier", pinHash: cashierPin, staffCardUid: DEMO.cashierStaffCard });
      insertOperator(tx, box.deps.newId, { name: DEMO.doorName, role: "door", pinHash: doorPin });
      appendEvent(tx, box.signer, { kind: "setup.completed", actor: `operator:${admin.id}`, subject: `venue:${venue.id}`, detail: { legal_name: venue.legalName, demo: true } });
      // A printer in memory: the test print and the print queue work without hardware.
      insertPrinter(tx, box.deps.newId, { name: DEMO.printerName, kind: "simulated", address: "demo", paperMm: 80, codePage: "pc858", printGroups: ["bar", "cuisine"], hasCashDrawer: true, active: true });
    });
    box.auth.addTerminalSync("cli", "till", "Bar (démo)");
    box.auth.addTerminalSync("cli", "door", "Entrée (démo)");
    box.auth.addTerminalSync("cli", "reader", "Lecteur simulé (démo)");
  } finally {
    box.close();
  }
  out(`demo venue created in ${folder}`);
}

export function demoBanner(url: string): string[] {
  return [
    "",
    `  tibox demo: ${url}`,
    `  admin    ${DEMO.adminEmail} / ${DEMO.adminPassword}`,
    `  manager  ${DEMO.managerEmail} / ${DEMO.managerPassword}`,
    `  cashier  ${DEMO.cashierName}, PIN ${DEMO.cashierPin}, staff card ${DEMO.cashierStaffCard}`,
    `  door     ${DEMO.doorName}, PIN ${DEMO.doorPin}`,
    "  pair this browser as a till: Terminals > Pair a device, then open the link.",
    `  printer  ${DEMO.printerName}: Printers > print a test ticket to see its preview`,
    "  cards    unlock the till, then \"Simuler un passage de carte\", or: tibox tap --data ./demo-data --terminal \"Bar (démo)\" --uid 04A1B2C3",
    "",
  ];
}
