/** Terminal management (admins): pair by QR code, rename, revoke. */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";

export interface TerminalRow {
  readonly id: string;
  readonly kind: "till" | "door" | "reader";
  readonly name: string;
  readonly createdAtMs: number;
  readonly lastSeenAtMs: number | null;
  readonly revokedAtMs: number | null;
}

const KINDS = ["till", "door", "reader"] as const;

function kindKey(kind: TerminalRow["kind"]): MessageKey {
  return `kind.${kind}` as MessageKey;
}

export function TerminalsPage({ view, terminals, error }: { view: View; terminals: readonly TerminalRow[]; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("terminals.title")}>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {terminals.length === 0 ? <p>{t("terminals.none")}</p> : null}
      {terminals.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("terminals.name")}</th>
              <th scope="col">{t("terminals.kind")}</th>
              <th scope="col">{t("terminals.last_seen")}</th>
              <th scope="col">{t("terminals.status")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("terminals.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {terminals.map((terminal) => (
              <tr>
                <td>
                  {terminal.revokedAtMs ? (
                    <span safe>{terminal.name}</span>
                  ) : (
                    <form method="post" action={`/admin/terminals/${terminal.id}/rename`} class="inline">
                      <CsrfField view={view} />
                      <label class="visually-hidden" for={`name-${terminal.id}`}>
                        {t("terminals.name")}
                      </label>
                      <input id={`name-${terminal.id}`} name="name" value={terminal.name} required />
                      <button type="submit">{t("terminals.rename")}</button>
                    </form>
                  )}
                </td>
                <td data-label={t("terminals.kind")}>{t(kindKey(terminal.kind))}</td>
                <td data-label={t("terminals.last_seen")}>{terminal.lastSeenAtMs ? formatTime(view, terminal.lastSeenAtMs) : t("common.never")}</td>
                <td data-label={t("terminals.status")}>{terminal.revokedAtMs ? t("terminals.revoked") : t("terminals.active")}</td>
                <td>
                  {terminal.revokedAtMs ? null : (
                    // htmx asks hx-confirm only for requests it sends itself, so the form posts through
                    // htmx (hx-post) and swaps in the page's main from the answer; without htmx it posts plainly.
                    <form
                      method="post"
                      action={`/admin/terminals/${terminal.id}/revoke`}
                      class="inline"
                      hx-post={`/admin/terminals/${terminal.id}/revoke`}
                      hx-confirm={t("terminals.revoke_confirm")}
                      hx-target="main"
                      hx-select="main"
                      hx-swap="outerHTML"
                    >
                      <CsrfField view={view} />
                      <button type="submit" class="danger">
                        {t("terminals.revoke")}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h2>{t("terminals.pair")}</h2>
      <p>{t("terminals.pair_help")}</p>
      <form method="post" action="/admin/terminals/pairing" class="form">
        <CsrfField view={view} />
        <label for="kind">{t("terminals.kind")}</label>
        <select id="kind" name="kind">
          {KINDS.map((kind) => (
            <option value={kind}>{t(kindKey(kind))}</option>
          ))}
        </select>
        <label for="name">{t("terminals.name")}</label>
        <input id="name" name="name" required />
        <button type="submit" class="primary">
          {t("terminals.generate")}
        </button>
      </form>
    </Layout>
  );
}

export interface PairingData {
  readonly name: string;
  readonly code: string;
  readonly expiresAtMs: number;
  readonly pairUrl: string;
  readonly qrSvg: string;
  readonly caFingerprint: string | undefined;
}

export function PairingPage({ view, pairing }: { view: View; pairing: PairingData }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("terminals.pairing_title", { name: pairing.name })} titleIsHtml>
      <div class="qr" role="img" aria-label={pairing.pairUrl}>
        {pairing.qrSvg}
      </div>
      <p>
        {t("terminals.pairing_code")} : <strong class="code" data-testid="pairing-code" safe>{pairing.code}</strong>
      </p>
      <p>{t("terminals.pairing_expires", { time: formatTime(view, pairing.expiresAtMs) })}</p>
      <p>{t("terminals.pairing_scan", { url: pairing.pairUrl })}</p>
      {pairing.caFingerprint ? <p>{t("terminals.fingerprint_check", { fingerprint: pairing.caFingerprint })}</p> : null}
      <p>
        <a class="standalone" href="/admin/terminals">
          {t("terminals.back")}
        </a>
      </p>
    </Layout>
  );
}
