/**
 * The venue's identity: the association's legal name, address, SIRET, VAT status, timezone and
 * currency, and the public half of the venue key that signs everything the box writes. While no
 * venue exists the box is "pending setup".
 */
import { eq } from "drizzle-orm";
import { fail, limits, toHex, type IdFactory } from "../kernel/index.ts";
import type { Orm, Sqlite, Tx } from "../db/index.ts";
import { venue } from "./schema.ts";

export type Venue = typeof venue.$inferSelect;

export interface VenueProfile {
  readonly legalName: string;
  readonly address: string;
  readonly siret: string;
  readonly vatStatus: "liable" | "franchise";
  readonly vatNumber: string;
  readonly timezone: string;
  readonly currency: string;
}

export const DEFAULT_TIMEZONE = "Europe/Paris";
export const DEFAULT_CURRENCY = "EUR";

function text(value: string | undefined, field: string, required: boolean): string {
  const cleaned = (value ?? "").trim();
  if (required && !cleaned) fail(`${field}_required`, `${field} is required`);
  if (cleaned.length > limits.textFieldChars * 2) fail(`${field}_too_long`, `${field} is too long`);
  return cleaned;
}

/** SIRET: 14 digits passing the Luhn check (La Poste's own establishments excepted by INSEE). */
export function checkSiret(siret: string): string {
  const digits = siret.replace(/\s/g, "");
  if (!digits) return "";
  if (!/^\d{14}$/.test(digits)) fail("siret_invalid", "a SIRET is 14 digits");
  if (digits.startsWith("356000000")) return digits;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = Number(digits[13 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  if (sum % 10 !== 0) fail("siret_invalid", "this SIRET fails its check digit");
  return digits;
}

export function checkTimezone(timezone: string): string {
  const cleaned = timezone.trim() || DEFAULT_TIMEZONE;
  try {
    new Intl.DateTimeFormat("en", { timeZone: cleaned });
  } catch {
    fail("timezone_invalid", `unknown timezone ${cleaned}`);
  }
  return cleaned;
}

export function checkVenueProfile(input: Partial<VenueProfile>): VenueProfile {
  const vatStatus = input.vatStatus ?? "franchise";
  if (vatStatus !== "liable" && vatStatus !== "franchise") fail("vat_status_invalid", "VAT status is liable or franchise");
  const vatNumber = text(input.vatNumber, "vat_number", vatStatus === "liable").toUpperCase().replace(/\s/g, "");
  if (vatStatus === "liable" && !/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vatNumber)) fail("vat_number_invalid", "not a VAT number");
  const currency = (input.currency ?? DEFAULT_CURRENCY).trim().toUpperCase() || DEFAULT_CURRENCY;
  if (!/^[A-Z]{3}$/.test(currency)) fail("currency_invalid", "a currency is a 3-letter ISO code");
  return {
    legalName: text(input.legalName, "legal_name", true),
    address: text(input.address, "address", false),
    siret: checkSiret(input.siret ?? ""),
    vatStatus,
    vatNumber: vatStatus === "liable" ? vatNumber : "",
    timezone: checkTimezone(input.timezone ?? ""),
    currency,
  };
}

/** The venue, or undefined while the box waits for its setup. One prepared point query. */
export function findVenue(sqlite: Sqlite): Venue | undefined {
  return (
    sqlite
      .query<Venue, []>(
        `SELECT id, legal_name AS legalName, address, siret, vat_status AS vatStatus, vat_number AS vatNumber, timezone,
                currency, public_key_hex AS publicKeyHex, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs
           FROM venue LIMIT 1`,
      )
      .get() ?? undefined
  );
}

export function insertVenue(tx: Tx, newId: IdFactory, profile: VenueProfile, publicKey: Uint8Array): Venue {
  if (findVenue(tx.sqlite)) fail("already_set_up", "this box already has its venue");
  const nowMs = tx.stamp().atMs;
  const row: Venue = { id: newId(), ...profile, publicKeyHex: toHex(publicKey), createdAtMs: nowMs, updatedAtMs: nowMs };
  tx.orm.insert(venue).values(row).run();
  return row;
}

export function updateVenueProfile(tx: Tx, profile: VenueProfile): Venue {
  const current = findVenue(tx.sqlite);
  if (!current) fail("setup_required", "the box has no venue yet");
  const next: Venue = { ...current, ...profile, updatedAtMs: tx.stamp().atMs };
  tx.orm.update(venue).set(next).where(eq(venue.id, current.id)).run();
  return next;
}

export function venueOrm(orm: Orm): Venue | undefined {
  return orm.select().from(venue).get();
}
