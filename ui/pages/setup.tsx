/** The first-run wizard: the association's identity and the admin account, behind the setup code. */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { View } from "../view.ts";

export interface SetupValues {
  readonly legalName?: string;
  readonly address?: string;
  readonly siret?: string;
  readonly vatStatus?: string;
  readonly vatNumber?: string;
  readonly timezone?: string;
  readonly currency?: string;
  readonly adminName?: string;
  readonly adminEmail?: string;
}

const TIMEZONES = ["Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Luxembourg", "America/Montreal", "Indian/Reunion", "America/Martinique", "America/Guadeloupe", "America/Cayenne", "Pacific/Noumea", "Pacific/Tahiti", "Indian/Mayotte", "UTC"];

export function SetupPage({ view, values = {}, error }: { view: View; values?: SetupValues; error?: string | undefined }) {
  const { t } = view;
  const timezone = values.timezone ?? "Europe/Paris";
  return (
    <Layout view={view} title={t("setup.title")}>
      <p>{t("setup.intro")}</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action="/setup" class="form">
        <CsrfField view={view} />
        <label for="setup_code">{t("setup.code")}</label>
        <input id="setup_code" name="setup_code" required inputmode="numeric" autocomplete="off" aria-describedby="setup_code_help" />
        <small id="setup_code_help">{t("setup.code_help")}</small>
        <fieldset>
          <legend>{t("setup.section_venue")}</legend>
          <label for="legal_name">{t("setup.legal_name")}</label>
          <input id="legal_name" name="legal_name" required maxlength="400" value={values.legalName ?? ""} />
          <label for="address">{t("setup.address")}</label>
          <textarea id="address" name="address" required rows="2" safe>
            {values.address ?? ""}
          </textarea>
          <label for="siret">{t("setup.siret")}</label>
          <input id="siret" name="siret" inputmode="numeric" value={values.siret ?? ""} />
          <fieldset class="choices">
            <legend>{t("setup.vat_status")}</legend>
            <label>
              <input type="radio" name="vat_status" value="franchise" checked={values.vatStatus !== "liable"} /> {t("setup.vat_franchise")}
            </label>
            <label>
              <input type="radio" name="vat_status" value="liable" checked={values.vatStatus === "liable"} /> {t("setup.vat_liable")}
            </label>
          </fieldset>
          <label for="vat_number">{t("setup.vat_number")}</label>
          <input id="vat_number" name="vat_number" value={values.vatNumber ?? ""} />
          <label for="timezone">{t("setup.timezone")}</label>
          <select id="timezone" name="timezone">
            {TIMEZONES.map((zone) => (
              <option value={zone} selected={zone === timezone} safe>
                {zone}
              </option>
            ))}
          </select>
          <label for="currency">{t("setup.currency")}</label>
          <input id="currency" name="currency" value={values.currency ?? "EUR"} maxlength="3" />
        </fieldset>
        <fieldset>
          <legend>{t("setup.section_admin")}</legend>
          <label for="admin_name">{t("setup.admin_name")}</label>
          <input id="admin_name" name="admin_name" required value={values.adminName ?? ""} autocomplete="name" />
          <label for="admin_email">{t("login.email")}</label>
          <input id="admin_email" name="admin_email" type="email" required value={values.adminEmail ?? ""} autocomplete="email" />
          <label for="admin_password">{t("login.password")}</label>
          <input id="admin_password" name="admin_password" type="password" required minlength="10" autocomplete="new-password" />
        </fieldset>
        <button type="submit" class="primary">
          {t("setup.submit")}
        </button>
      </form>
    </Layout>
  );
}
