/** Assets (admins): the currencies the cards hold, their rules, and the wallet settings. */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { assetKindKey, Notices } from "./wallet-common.tsx";

export interface AssetRow {
  readonly code: string;
  readonly kind: string;
  readonly name: string;
  readonly scale: number;
  readonly backed: boolean;
  readonly refundable: boolean;
  readonly spendPriority: number;
  readonly acceptedPointsOfSale: readonly string[];
  readonly transferable: boolean;
  readonly active: boolean;
}

/** The form's values as typed, so that a refused form comes back as it was sent. */
export interface AssetValues {
  readonly code: string;
  readonly kind: string;
  readonly name: string;
  readonly scale: string;
  readonly backed: boolean;
  readonly refundable: boolean;
  readonly spendPriority: string;
  readonly acceptedPointsOfSale: string;
  readonly transferable: boolean;
  readonly active: boolean;
}

export const NEW_ASSET: AssetValues = {
  code: "",
  kind: "gift",
  name: "",
  scale: "2",
  backed: false,
  refundable: false,
  spendPriority: "0",
  acceptedPointsOfSale: "",
  transferable: false,
  active: true,
};

export function assetValues(asset: AssetRow): AssetValues {
  return { ...asset, scale: String(asset.scale), spendPriority: String(asset.spendPriority), acceptedPointsOfSale: asset.acceptedPointsOfSale.join(", ") };
}

function YesNo({ view, value }: { view: View; value: boolean }) {
  return <>{value ? view.t("common.yes") : view.t("common.no")}</>;
}

function Check({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <label>
      <input type="checkbox" name={name} value="1" checked={checked} /> {label}
    </label>
  );
}

function AssetFields({ view, values, kinds, editing }: { view: View; values: AssetValues; kinds: readonly string[]; editing: boolean }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      {editing ? null : (
        <>
          <label for="code">{t("assets.code")}</label>
          <input id="code" name="code" required value={values.code} autocapitalize="characters" aria-describedby="code_help" />
          <small id="code_help">{t("assets.code_help")}</small>
        </>
      )}
      <label for="name">{t("assets.name")}</label>
      <input id="name" name="name" required value={values.name} />
      <label for="kind">{t("assets.kind")}</label>
      <select id="kind" name="kind">
        {kinds.map((kind) => (
          <option value={kind} selected={kind === values.kind}>
            {t(assetKindKey(kind))}
          </option>
        ))}
      </select>
      <label for="scale">{t("assets.scale")}</label>
      <input id="scale" name="scale" inputmode="numeric" required value={values.scale} aria-describedby="scale_help" />
      <small id="scale_help">{t("assets.scale_help")}</small>
      <label for="spend_priority">{t("assets.spend_priority")}</label>
      <input id="spend_priority" name="spend_priority" inputmode="numeric" required value={values.spendPriority} aria-describedby="priority_help" />
      <small id="priority_help">{t("assets.spend_priority_help")}</small>
      <label for="accepted_pos">{t("assets.accepted_pos")}</label>
      <input id="accepted_pos" name="accepted_pos" value={values.acceptedPointsOfSale} aria-describedby="pos_help" />
      <small id="pos_help">{t("assets.accepted_pos_help")}</small>
      <fieldset class="choices">
        <legend>{t("assets.rules")}</legend>
        <Check name="backed" label={t("assets.backed")} checked={values.backed} />
        <Check name="refundable" label={t("assets.refundable")} checked={values.refundable} />
        <Check name="transferable" label={t("assets.transferable")} checked={values.transferable} />
        <Check name="active" label={t("assets.active")} checked={values.active} />
      </fieldset>
      {editing ? <p class="muted">{t("assets.locked_help")}</p> : null}
    </>
  );
}

interface AssetsPageProps {
  readonly view: View;
  readonly assets: readonly AssetRow[];
  readonly kinds: readonly string[];
  readonly values?: AssetValues | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function AssetsPage({ view, assets, kinds, values = NEW_ASSET, notice, error }: AssetsPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("assets.title")}>
      <Notices notice={notice} error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t("assets.code")}</th>
            <th scope="col">{t("assets.name")}</th>
            <th scope="col">{t("assets.kind")}</th>
            <th scope="col">{t("assets.scale")}</th>
            <th scope="col">{t("assets.backed")}</th>
            <th scope="col">{t("assets.refundable")}</th>
            <th scope="col">{t("assets.spend_priority")}</th>
            <th scope="col">{t("assets.accepted_pos")}</th>
            <th scope="col">{t("assets.transferable")}</th>
            <th scope="col">{t("assets.active")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("assets.edit")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {assets.map((asset) => (
            <tr>
              <td data-label={t("assets.code")}>
                <code safe>{asset.code}</code>
              </td>
              <td data-label={t("assets.name")} safe>
                {asset.name}
              </td>
              <td data-label={t("assets.kind")}>{t(assetKindKey(asset.kind))}</td>
              <td data-label={t("assets.scale")}>{String(asset.scale)}</td>
              <td data-label={t("assets.backed")}>
                <YesNo view={view} value={asset.backed} />
              </td>
              <td data-label={t("assets.refundable")}>
                <YesNo view={view} value={asset.refundable} />
              </td>
              <td data-label={t("assets.spend_priority")}>{String(asset.spendPriority)}</td>
              <td data-label={t("assets.accepted_pos")}>
                {asset.acceptedPointsOfSale.length > 0 ? <span safe>{asset.acceptedPointsOfSale.join(", ")}</span> : t("assets.all_pos")}
              </td>
              <td data-label={t("assets.transferable")}>
                <YesNo view={view} value={asset.transferable} />
              </td>
              <td data-label={t("assets.active")}>
                <YesNo view={view} value={asset.active} />
              </td>
              <td>
                <a class="button" href={`/admin/assets/${encodeURIComponent(asset.code)}`}>
                  {t("assets.edit")}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a class="standalone" href="/admin/wallet/settings">
          {t("wallet_settings.title")}
        </a>
      </p>
      <h2>{t("assets.add")}</h2>
      <form method="post" action="/admin/assets" class="form">
        <AssetFields view={view} values={values} kinds={kinds} editing={false} />
        <button type="submit" class="primary">
          {t("assets.add")}
        </button>
      </form>
    </Layout>
  );
}

interface AssetEditPageProps {
  readonly view: View;
  readonly code: string;
  readonly values: AssetValues;
  readonly kinds: readonly string[];
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function AssetEditPage({ view, code, values, kinds, notice, error }: AssetEditPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("assets.edit_title", { code })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <form method="post" action={`/admin/assets/${encodeURIComponent(code)}`} class="form">
        <AssetFields view={view} values={values} kinds={kinds} editing={true} />
        <button type="submit" class="primary">
          {t("assets.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/assets">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

export interface WalletSettingsValues {
  /** Caps as typed, in euros ("150" or "150,50"); empty means no cap. */
  readonly cardBalanceCap: string;
  readonly topupCap: string;
  readonly registerOnFirstTopup: boolean;
}

export function WalletSettingsPage({ view, values, notice, error }: { view: View; values: WalletSettingsValues; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("wallet_settings.title")}>
      <Notices notice={notice} error={error} />
      <form method="post" action="/admin/wallet/settings" class="form">
        <CsrfField view={view} />
        <label for="card_balance_cap">{t("wallet_settings.card_balance_cap")}</label>
        <input id="card_balance_cap" name="card_balance_cap" inputmode="decimal" value={values.cardBalanceCap} aria-describedby="cap_help" />
        <label for="topup_cap">{t("wallet_settings.topup_cap")}</label>
        <input id="topup_cap" name="topup_cap" inputmode="decimal" value={values.topupCap} aria-describedby="cap_help" />
        <small id="cap_help">{t("wallet_settings.cap_help")}</small>
        <fieldset class="choices">
          <legend>{t("wallet_settings.registration")}</legend>
          <Check name="register_on_first_topup" label={t("wallet_settings.register_on_first_topup")} checked={values.registerOnFirstTopup} />
        </fieldset>
        <button type="submit" class="primary">
          {t("wallet_settings.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/assets">
          {t("assets.title")}
        </a>
      </p>
    </Layout>
  );
}
