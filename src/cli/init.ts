/**
 * `tibox init`: the setup wizard for scripts. Creates the venue and its first admin in one
 * transaction with its event-log record, exactly as the wizard does.
 */
import { openBox } from "../app.ts";
import { appendEvent, checkPasswordPolicy, hashSecret, insertOperator } from "../auth/index.ts";
import { checkVenueProfile, insertVenue } from "../federation/index.ts";
import { flag, requireFlag, type Args } from "./args.ts";

export async function init(dataFolder: string, args: Args, env: Record<string, string | undefined>, out: (line: string) => void): Promise<void> {
  const password = flag(args, "admin-password") ?? env.TIBOX_ADMIN_PASSWORD;
  const email = requireFlag(args, "admin-email");
  const profile = checkVenueProfile({
    legalName: requireFlag(args, "venue"),
    address: flag(args, "address") ?? "",
    siret: flag(args, "siret") ?? "",
    vatStatus: flag(args, "vat") === "liable" ? "liable" : "franchise",
    vatNumber: flag(args, "vat-number") ?? "",
    timezone: flag(args, "timezone") ?? "",
    currency: flag(args, "currency") ?? "EUR",
  });
  if (!password) throw new Error("--admin-password (or TIBOX_ADMIN_PASSWORD) is required");
  checkPasswordPolicy(password);
  const passwordHash = await hashSecret(password);
  const box = openBox({ dataDir: dataFolder });
  try {
    const venue = box.writer.transact((tx) => {
      const venue = insertVenue(tx, box.deps.newId, profile, box.signer.publicKey);
      const admin = insertOperator(tx, box.deps.newId, { name: flag(args, "admin-name") ?? "Admin", email, role: "admin", passwordHash });
      appendEvent(tx, box.signer, {
        kind: "setup.completed",
        actor: `operator:${admin.id}`,
        subject: `venue:${venue.id}`,
        detail: { legal_name: venue.legalName, vat_status: venue.vatStatus, timezone: venue.timezone, currency: venue.currency, address: "cli" },
      });
      return venue;
    });
    out(`venue ${venue.id} created: ${venue.legalName}`);
    out(`admin: ${email}`);
  } finally {
    box.close();
  }
}
