/**
 * The online-sales settings page (admins): online sales on or off, pay on site, the hold, the
 * Stripe keys (never shown back: only whether one is set and its last 4 characters; a blank field
 * keeps it), the box's public address, donations. The webhook address to give Stripe is shown.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { Check } from "./pos-admin-common.tsx";
import { Notices } from "./wallet-common.tsx";

export interface OnlineSalesForm {
  readonly onlineSalesEnabled: boolean;
  readonly payOnSiteEnabled: boolean;
  readonly holdMinutes: string;
  readonly publicBaseUrl: string;
  readonly donationsEnabled: boolean;
  readonly donationMin: string;
}

export interface TicketingSettingsPageProps {
  readonly view: View;
  readonly form: OnlineSalesForm;
  /** "…1234" when set, "" when not. */
  readonly secretKeyHint: string;
  readonly webhookSecretHint: string;
  readonly webhookUrl: string;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

function SecretState({ view, hint }: { view: View; hint: string }) {
  return <small>{hint ? view.t("ticketing_settings.secret_set", { hint }) : view.t("ticketing_settings.secret_unset")}</small>;
}

export function TicketingSettingsPage({ view, form, secretKeyHint, webhookSecretHint, webhookUrl, notice, error }: TicketingSettingsPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("ticketing_settings.title")}>
      <Notices notice={notice} error={error} />
      <form method="post" action="/admin/ticketing/settings" class="form narrow">
        <CsrfField view={view} />
        <h2 class="form-title">{t("ticketing_settings.sales")}</h2>
        <Check name="online_sales_enabled" checked={form.onlineSalesEnabled}>
          {t("ticketing_settings.online_sales_enabled")}
        </Check>
        <Check name="pay_on_site_enabled" checked={form.payOnSiteEnabled}>
          {t("ticketing_settings.pay_on_site_enabled")}
        </Check>
        <label for="hold_minutes">{t("ticketing_settings.hold_minutes")}</label>
        <input id="hold_minutes" name="hold_minutes" type="number" min="5" max="720" step="1" required value={form.holdMinutes} aria-describedby="hold_help" />
        <small id="hold_help">{t("ticketing_settings.hold_help")}</small>
        <label for="public_base_url">{t("ticketing_settings.public_base_url")}</label>
        <input id="public_base_url" name="public_base_url" type="url" maxlength="200" placeholder="https://billetterie.example.org" value={form.publicBaseUrl} aria-describedby="url_help" />
        <small id="url_help">{t("ticketing_settings.public_base_url_help")}</small>

        <h2 class="form-title">{t("ticketing_settings.stripe")}</h2>
        <p>{t("ticketing_settings.stripe_help")}</p>
        <label for="stripe_secret_key">{t("ticketing_settings.stripe_secret_key")}</label>
        <input id="stripe_secret_key" name="stripe_secret_key" type="password" autocomplete="off" maxlength="255" placeholder="sk_live_…" value="" />
        <SecretState view={view} hint={secretKeyHint} />
        <label for="stripe_webhook_secret">{t("ticketing_settings.stripe_webhook_secret")}</label>
        <input id="stripe_webhook_secret" name="stripe_webhook_secret" type="password" autocomplete="off" maxlength="255" placeholder="whsec_…" value="" />
        <SecretState view={view} hint={webhookSecretHint} />
        <p>
          {t("ticketing_settings.webhook_url")} <code safe>{webhookUrl}</code>
        </p>
        <p>
          {t("ticketing_settings.webhook_events")} <code>checkout.session.completed</code>, <code>checkout.session.expired</code>, <code>checkout.session.async_payment_succeeded</code>,{" "}
          <code>checkout.session.async_payment_failed</code>
        </p>
        {secretKeyHint || webhookSecretHint ? (
          <Check name="stripe_remove" checked={false}>
            {t("ticketing_settings.stripe_remove")}
          </Check>
        ) : null}

        <h2 class="form-title">{t("ticketing_settings.donations")}</h2>
        <Check name="donations_enabled" checked={form.donationsEnabled}>
          {t("ticketing_settings.donations_enabled")}
        </Check>
        <label for="donation_min">{t("ticketing_settings.donation_min")}</label>
        <input id="donation_min" name="donation_min" inputmode="decimal" required value={form.donationMin} />

        {/* E-mail (SMTP) settings: a separate form of the e-mail outbox may follow this one; its columns are not touched here. */}
        <button type="submit" class="primary">
          {t("ticketing_settings.save")}
        </button>
      </form>
      {/* tibox:ticketing-settings:email-section: the e-mail outbox's SMTP form goes below this marker (its own form and route). */}
    </Layout>
  );
}
