/**
 * The point of sale's settings (admins): the hour a business day ends, training mode per till,
 * and the fiscal archive to download.
 */
import { CsrfField, Layout } from "../layout.tsx";
import { formatTime, type View } from "../view.ts";
import { CatalogueTabs, Check } from "./pos-admin-common.tsx";
import { Notices } from "./wallet-common.tsx";

export interface TrainingTill {
  readonly id: string;
  readonly name: string;
  /** Since when the till is in training, or null when it sells for real. */
  readonly trainingSinceMs: number | null;
}

export interface PosSettingsPageProps {
  readonly view: View;
  /** The business day's end as typed, "HH:MM". */
  readonly endTime: string;
  /** Print a receipt after every sale (off by default: not allowed in France). */
  readonly printReceiptsAutomatically: boolean;
  readonly tills: readonly TrainingTill[];
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function PosSettingsPage({ view, endTime, printReceiptsAutomatically, tills, notice, error }: PosSettingsPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_settings.title")}>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      <form method="post" action="/admin/pos/settings" class="form narrow">
        <CsrfField view={view} />
        <h2 class="form-title">{t("pos_settings.business_day")}</h2>
        <label for="business_day_end">{t("pos_settings.business_day_end")}</label>
        <input id="business_day_end" name="business_day_end" type="time" required value={endTime} aria-describedby="end_help" />
        <small id="end_help">{t("pos_settings.business_day_end_help")}</small>
        <h2 class="form-title">{t("pos_settings.receipts")}</h2>
        <Check name="print_receipts_automatically" checked={printReceiptsAutomatically}>
          {t("pos_settings.print_receipts_automatically")}
        </Check>
        <small>{t("pos_settings.print_receipts_automatically_help")}</small>
        <button type="submit" class="primary">
          {t("pos_settings.save")}
        </button>
      </form>
      <h2 id="training">{t("pos_training.title")}</h2>
      <p>{t("pos_training.help")}</p>
      {tills.length === 0 ? <p class="muted">{t("pos_training.no_till")}</p> : null}
      {tills.length > 0 ? (
        <table class="training" aria-labelledby="training">
          <thead>
            <tr>
              <th scope="col">{t("pos_training.till")}</th>
              <th scope="col">{t("pos_training.mode")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("pos_training.switch")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tills.map((till) => (
              <tr>
                <th scope="row" data-label={t("pos_training.till")} safe>
                  {till.name}
                </th>
                <td data-label={t("pos_training.mode")}>
                  {till.trainingSinceMs === null ? (
                    t("pos_training.real")
                  ) : (
                    <strong class="badge training">{t("pos_training.on_since", { time: formatTime(view, till.trainingSinceMs) })}</strong>
                  )}
                </td>
                <td>
                  <form method="post" action={`/admin/pos/training/${encodeURIComponent(till.id)}`} class="inline">
                    <CsrfField view={view} />
                    <input type="hidden" name="training" value={till.trainingSinceMs === null ? "1" : "0"} />
                    <button type="submit" class={till.trainingSinceMs === null ? "" : "primary"}>
                      {till.trainingSinceMs === null ? t("pos_training.turn_on") : t("pos_training.turn_off")}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h2>{t("pos_archive.title")}</h2>
      <p>{t("pos_archive.help")}</p>
      <form method="post" action="/admin/pos/archive" class="form narrow">
        <CsrfField view={view} />
        <label for="archive_period">{t("pos_archive.period")}</label>
        <input id="archive_period" name="period" placeholder="2026-03" aria-describedby="archive_help" />
        <small id="archive_help">{t("pos_archive.period_help")}</small>
        <button type="submit" class="primary">
          {t("pos_archive.download")}
        </button>
      </form>
    </Layout>
  );
}
