/**
 * `/admin/ticketing/settings` (admins only): the online-sales settings. A blank secret field keeps
 * the stored secret; "remove" clears both Stripe keys. Each save is one transaction with its
 * `config.online_sales_saved` record in the event log, which says whether each secret is set but
 * never carries one.
 */
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import { readOnlineSalesSettings, saveOnlineSalesSettings, secretHint, type OnlineSalesSettings } from "../ticketing/index.ts";
import { decimalText } from "../../ui/pages/wallet-common.tsx";
import { TicketingSettingsPage, type OnlineSalesForm } from "../../ui/pages/ticketing-settings.tsx";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { ADMIN, eventActor } from "./pos-admin-views.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";
import { parseEuros } from "./till-state.ts";

function formOf(ctx: Ctx, settings: OnlineSalesSettings): OnlineSalesForm {
  return {
    onlineSalesEnabled: settings.onlineSalesEnabled,
    payOnSiteEnabled: settings.payOnSiteEnabled,
    holdMinutes: String(settings.holdMinutes),
    publicBaseUrl: settings.publicBaseUrl,
    donationsEnabled: settings.donationsEnabled,
    donationMin: decimalText(settings.donationMinMinor, 2, ctx.lang === "fr" ? "," : "."),
  };
}

function typedForm(ctx: Ctx): OnlineSalesForm {
  return {
    onlineSalesEnabled: field(ctx, "online_sales_enabled") === "1",
    payOnSiteEnabled: field(ctx, "pay_on_site_enabled") === "1",
    holdMinutes: field(ctx, "hold_minutes"),
    publicBaseUrl: field(ctx, "public_base_url"),
    donationsEnabled: field(ctx, "donations_enabled") === "1",
    donationMin: field(ctx, "donation_min"),
  };
}

function settingsPage(ctx: Ctx, options: { form?: OnlineSalesForm; notice?: string; error?: string; status?: number } = {}): Response {
  const settings = readOnlineSalesSettings(ctx.deps.writer.sqlite);
  const page = TicketingSettingsPage({
    view: view(ctx),
    form: options.form ?? formOf(ctx, settings),
    secretKeyHint: secretHint(settings.stripeSecretKey),
    webhookSecretHint: secretHint(settings.stripeWebhookSecret),
    webhookUrl: `${settings.publicBaseUrl || ctx.url.origin}/api/v1/payments/stripe/webhook`,
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function saveSettings(ctx: Ctx): Promise<Response> {
  const form = typedForm(ctx);
  const { deps } = ctx;
  const remove = field(ctx, "stripe_remove") === "1";
  const typedKey = field(ctx, "stripe_secret_key").trim();
  const typedSecret = field(ctx, "stripe_webhook_secret").trim();
  const outcome = await attempt(ctx.t, async () => {
    const holdMinutes = /^\d{1,4}$/.test(form.holdMinutes.trim()) ? Number(form.holdMinutes.trim()) : fail("hold_minutes_invalid", "a hold is a number of minutes");
    const donationMinMinor = parseEuros(form.donationMin, { allowZero: true }) ?? fail("donation_min_invalid", "the smallest donation is an amount in euros");
    return deps.writer.submit((tx) => {
      const saved = saveOnlineSalesSettings(tx, {
        onlineSalesEnabled: form.onlineSalesEnabled,
        payOnSiteEnabled: form.payOnSiteEnabled,
        holdMinutes,
        stripeSecretKey: remove ? "" : typedKey || null,
        stripeWebhookSecret: remove ? "" : typedSecret || null,
        publicBaseUrl: form.publicBaseUrl,
        donationsEnabled: form.donationsEnabled,
        donationMinMinor,
      });
      appendEvent(tx, deps.signer, {
        kind: "config.online_sales_saved",
        actor: eventActor(ctx),
        subject: "ticketing_settings",
        detail: {
          online_sales_enabled: saved.onlineSalesEnabled,
          pay_on_site_enabled: saved.payOnSiteEnabled,
          hold_minutes: saved.holdMinutes,
          stripe_secret_key_set: saved.stripeSecretKey !== "",
          stripe_webhook_secret_set: saved.stripeWebhookSecret !== "",
          public_base_url: saved.publicBaseUrl,
          donations_enabled: saved.donationsEnabled,
          donation_min_minor: saved.donationMinMinor,
        },
      });
      return saved;
    });
  });
  if (!outcome.ok) return settingsPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return settingsPage(ctx, { notice: ctx.t("ticketing_settings.saved") });
}

export const ticketingSettingsRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/ticketing/settings", access: ADMIN, handle: (ctx) => settingsPage(ctx) },
  { method: "POST", path: "/admin/ticketing/settings", access: ADMIN, handle: saveSettings },
];
