/**
 * The online-sales settings (the one row of `ticketing_settings`): online sales on or off, pay on
 * site, how long a hold keeps its places, the Stripe keys, the box's public address, donations.
 * The SMTP columns of the same row belong to the e-mail outbox (outbox.ts): this module never
 * reads nor writes them.
 *
 * Secrets are stored as typed (the box's disk is the venue's), shown back only as "set, ending
 * in 1234", and a blank field on the form keeps the stored value.
 */
import type { Sqlite, Tx } from "../db/index.ts";
import { fail } from "../kernel/index.ts";

export interface OnlineSalesSettings {
  readonly onlineSalesEnabled: boolean;
  readonly payOnSiteEnabled: boolean;
  readonly holdMinutes: number;
  readonly stripeSecretKey: string;
  readonly stripeWebhookSecret: string;
  /** Without a trailing slash; empty: the address the buyer used. */
  readonly publicBaseUrl: string;
  readonly donationsEnabled: boolean;
  readonly donationMinMinor: number;
}

export interface OnlineSalesInput {
  readonly onlineSalesEnabled: boolean;
  readonly payOnSiteEnabled: boolean;
  readonly holdMinutes: number;
  /** null keeps the stored key; "" removes it. */
  readonly stripeSecretKey: string | null;
  readonly stripeWebhookSecret: string | null;
  readonly publicBaseUrl: string;
  readonly donationsEnabled: boolean;
  readonly donationMinMinor: number;
}

export const ONLINE_SALES_LIMITS = { holdMinutesMin: 5, holdMinutesMax: 720, donationMinMax: 1_000_000, urlChars: 200, secretChars: 255 } as const;

const STRIPE_SECRET_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$/;
const STRIPE_WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/=_-]{8,249}$/;

interface Row {
  online_sales_enabled: number;
  pay_on_site_enabled: number;
  hold_minutes: number;
  stripe_secret_key: string;
  stripe_webhook_secret: string;
  public_base_url: string;
  donations_enabled: number;
  donation_min_minor: number;
}

export function readOnlineSalesSettings(sqlite: Sqlite): OnlineSalesSettings {
  const row = sqlite
    .query<Row, []>(
      "SELECT online_sales_enabled, pay_on_site_enabled, hold_minutes, stripe_secret_key, stripe_webhook_secret, public_base_url, donations_enabled, donation_min_minor FROM ticketing_settings WHERE id = 1",
    )
    .get();
  if (!row) fail("settings_missing", "the ticketing settings row is missing (migration 0011)");
  return {
    onlineSalesEnabled: row.online_sales_enabled === 1,
    payOnSiteEnabled: row.pay_on_site_enabled === 1,
    holdMinutes: row.hold_minutes,
    stripeSecretKey: row.stripe_secret_key,
    stripeWebhookSecret: row.stripe_webhook_secret,
    publicBaseUrl: row.public_base_url,
    donationsEnabled: row.donations_enabled === 1,
    donationMinMinor: row.donation_min_minor,
  };
}

/** Stripe can take payments: both keys are set. */
export function onlinePaymentConfigured(settings: OnlineSalesSettings): boolean {
  return settings.stripeSecretKey !== "" && settings.stripeWebhookSecret !== "";
}

/** How a secret is shown back: its last 4 characters only, or "" when not set. */
export function secretHint(secret: string): string {
  return secret === "" ? "" : `…${secret.slice(-4)}`;
}

/** An absolute http(s) address without query, fragment or trailing slash; "" stays "". */
export function normalizePublicBaseUrl(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    fail("public_base_url_invalid", "the public address is an absolute http(s) address, such as https://billetterie.example.org");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search !== "" || url.hash !== "" || url.username !== "" || trimmed.length > ONLINE_SALES_LIMITS.urlChars) {
    fail("public_base_url_invalid", "the public address is an absolute http(s) address without query, such as https://billetterie.example.org");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function checkInput(input: OnlineSalesInput, current: OnlineSalesSettings): OnlineSalesSettings {
  const { holdMinutesMin, holdMinutesMax, donationMinMax } = ONLINE_SALES_LIMITS;
  if (!Number.isSafeInteger(input.holdMinutes) || input.holdMinutes < holdMinutesMin || input.holdMinutes > holdMinutesMax) {
    fail("hold_minutes_invalid", `a hold lasts ${holdMinutesMin} to ${holdMinutesMax} minutes`);
  }
  if (!Number.isSafeInteger(input.donationMinMinor) || input.donationMinMinor < 0 || input.donationMinMinor > donationMinMax) fail("donation_min_invalid", "the minimum donation is an amount in euros");
  const secretKey = input.stripeSecretKey === null ? current.stripeSecretKey : input.stripeSecretKey.trim();
  if (secretKey !== "" && !STRIPE_SECRET_KEY.test(secretKey)) fail("stripe_secret_key_invalid", "a Stripe secret key starts with sk_live_, sk_test_, rk_live_ or rk_test_");
  const webhookSecret = input.stripeWebhookSecret === null ? current.stripeWebhookSecret : input.stripeWebhookSecret.trim();
  if (webhookSecret !== "" && !STRIPE_WEBHOOK_SECRET.test(webhookSecret)) fail("stripe_webhook_secret_invalid", "a Stripe webhook signing secret starts with whsec_");
  const settings: OnlineSalesSettings = {
    onlineSalesEnabled: input.onlineSalesEnabled,
    payOnSiteEnabled: input.payOnSiteEnabled,
    holdMinutes: input.holdMinutes,
    stripeSecretKey: secretKey,
    stripeWebhookSecret: webhookSecret,
    publicBaseUrl: normalizePublicBaseUrl(input.publicBaseUrl),
    donationsEnabled: input.donationsEnabled,
    donationMinMinor: input.donationMinMinor,
  };
  if ((secretKey === "") !== (webhookSecret === "")) fail("stripe_keys_incomplete", "Stripe needs both the secret key and the webhook signing secret");
  if (settings.onlineSalesEnabled && !settings.payOnSiteEnabled && !onlinePaymentConfigured(settings)) {
    fail("online_sales_no_payment", "online sales need a way to pay: pay on site, or Stripe's keys");
  }
  return settings;
}

/** Saves the online-sales columns (never the SMTP ones); refusals change nothing. */
export function saveOnlineSalesSettings(tx: Tx, input: OnlineSalesInput): OnlineSalesSettings {
  const settings = checkInput(input, readOnlineSalesSettings(tx.sqlite));
  tx.sqlite
    .query(
      `UPDATE ticketing_settings SET online_sales_enabled = ?, pay_on_site_enabled = ?, hold_minutes = ?, stripe_secret_key = ?, stripe_webhook_secret = ?,
       public_base_url = ?, donations_enabled = ?, donation_min_minor = ? WHERE id = 1`,
    )
    .run(
      settings.onlineSalesEnabled ? 1 : 0,
      settings.payOnSiteEnabled ? 1 : 0,
      settings.holdMinutes,
      settings.stripeSecretKey,
      settings.stripeWebhookSecret,
      settings.publicBaseUrl,
      settings.donationsEnabled ? 1 : 0,
      settings.donationMinMinor,
    );
  return settings;
}
