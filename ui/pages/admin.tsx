/** The admin dashboard and the association's settings. */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import { formatTime, type View } from "../view.ts";

export interface DashboardData {
  readonly venue: { readonly id: string; readonly legalName: string; readonly createdAtMs: number };
  readonly operatorCount: number;
  readonly activeTerminalCount: number;
  readonly eventCount: number;
  readonly caFingerprint: string | undefined;
  readonly httpsUrl: string | undefined;
}

export function DashboardPage({ view, data }: { view: View; data: DashboardData }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("dashboard.title")}>
      <p>{t("dashboard.welcome", { name: view.operator?.name ?? "" })}</p>
      <dl class="stats">
        <div class="wide">
          <dt>{t("dashboard.venue")}</dt>
          <dd safe>{data.venue.legalName}</dd>
        </div>
        <div>
          <dt>{t("dashboard.operators")}</dt>
          <dd>{String(data.operatorCount)}</dd>
        </div>
        <div>
          <dt>{t("dashboard.terminals")}</dt>
          <dd>{String(data.activeTerminalCount)}</dd>
        </div>
        <div>
          <dt>{t("dashboard.events")}</dt>
          <dd>{String(data.eventCount)}</dd>
        </div>
      </dl>
      {data.httpsUrl ? (
        <p>
          {t("dashboard.https")} : <code safe>{data.httpsUrl}</code>
        </p>
      ) : null}
      {data.caFingerprint ? (
        <p>
          {t("dashboard.ca_fingerprint")} : <code class="fingerprint" safe>{data.caFingerprint}</code>
        </p>
      ) : null}
      <p class="muted">
        {t("venue.id")} : <code safe>{data.venue.id}</code> · {formatTime(view, data.venue.createdAtMs)}
      </p>
    </Layout>
  );
}

export interface VenueValues {
  readonly id: string;
  readonly legalName: string;
  readonly address: string;
  readonly siret: string;
  readonly vatStatus: string;
  readonly vatNumber: string;
  readonly timezone: string;
  readonly currency: string;
  readonly publicKeyHex: string;
}

export function VenuePage({ view, venue, notice, error }: { view: View; venue: VenueValues; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("venue.title")}>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action="/admin/venue" class="form">
        <CsrfField view={view} />
        <label for="legal_name">{t("setup.legal_name")}</label>
        <input id="legal_name" name="legal_name" required value={venue.legalName} />
        <label for="address">{t("setup.address")}</label>
        <textarea id="address" name="address" required rows="2" safe>
          {venue.address}
        </textarea>
        <label for="siret">{t("setup.siret")}</label>
        <input id="siret" name="siret" inputmode="numeric" value={venue.siret} />
        <fieldset class="choices">
          <legend>{t("setup.vat_status")}</legend>
          <label>
            <input type="radio" name="vat_status" value="franchise" checked={venue.vatStatus !== "liable"} /> {t("setup.vat_franchise")}
          </label>
          <label>
            <input type="radio" name="vat_status" value="liable" checked={venue.vatStatus === "liable"} /> {t("setup.vat_liable")}
          </label>
        </fieldset>
        <label for="vat_number">{t("setup.vat_number")}</label>
        <input id="vat_number" name="vat_number" value={venue.vatNumber} />
        <label for="timezone">{t("setup.timezone")}</label>
        <input id="timezone" name="timezone" value={venue.timezone} />
        <label for="currency">{t("setup.currency")}</label>
        <input id="currency" name="currency" value={venue.currency} maxlength="3" />
        <button type="submit" class="primary">
          {t("venue.save")}
        </button>
      </form>
      <p class="muted">
        {t("venue.id")} : <code safe>{venue.id}</code>
        <br />
        {t("venue.public_key")} : <code class="fingerprint" safe>{venue.publicKeyHex}</code>
      </p>
    </Layout>
  );
}
