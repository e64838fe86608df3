/**
 * A data folder ready for a door test: a set-up venue, a door terminal, a door volunteer with a
 * PIN, and a concert open now (doors now, start in 10 minutes, end in 4 hours) with one issued
 * ticket for Ada Lovelace. Used by the door page's browser tests.
 */
import { openBox } from "../../src/app.ts";
import { createEvent, issueTicket, saveProduct } from "../../src/ticketing/index.ts";
import { setUp } from "./box.ts";

export async function seedDoorConcert(folder: string, pin: string): Promise<{ doorToken: string; qr: string }> {
  const made = openBox({ dataDir: folder });
  try {
    await setUp(made);
    const doorToken = made.auth.addTerminalSync("test", "door", "Entrée").token;
    await made.auth.createOperator("test", { name: "Dom", role: "door", pin });
    const nowMs = Date.now();
    const qr = made.writer.transact((tx) => {
      const event = createEvent(tx, { signer: made.signer, newId: made.deps.newId }, { title: "Concert", description: "", imageUrl: null, startsAtMs: nowMs + 600_000, endsAtMs: nowMs + 4 * 3_600_000, doorsAtMs: nowMs, capacity: null, tags: [], visibility: "public" });
      const product = saveProduct(tx, { newId: made.deps.newId }, { eventId: event.id, name: "Plein tarif", priceMinor: 1000, quota: null });
      return issueTicket(tx, { newId: made.deps.newId }, { productId: product.id, holderName: "Ada Lovelace" }).qr;
    });
    return { doorToken, qr };
  } finally {
    made.close();
  }
}
