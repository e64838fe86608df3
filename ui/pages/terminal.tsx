/** Pages seen on a device: pairing it, unlocking it with a PIN or staff card, its home. */
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { CardReaderPanel } from "./taps.tsx";

/** The UID the simulation button offers by default (any other can be typed). */
export const DEMO_CARD_UID = "04C0FFEE112233";

export function PairPage({ view, code, error }: { view: View; code?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pair.title")}>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action="/pair" class="form narrow">
        <CsrfField view={view} />
        <label for="code">{t("pair.code")}</label>
        <input id="code" name="code" required inputmode="numeric" autocomplete="off" value={code ?? ""} />
        <button type="submit" class="primary">
          {t("pair.submit")}
        </button>
      </form>
    </Layout>
  );
}

export function PairedPage({ view, name }: { view: View; name: string }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pair.title")}>
      <Notice kind="success">{t("pair.done", { name })}</Notice>
      <p>
        <a class="button primary" href="/terminal">
          {t("pair.continue")}
        </a>
      </p>
    </Layout>
  );
}

export interface TerminalInfo {
  readonly name: string;
  readonly kind: "till" | "door" | "reader";
}

export function NotPairedPage({ view }: { view: View }) {
  return (
    <Layout view={view} title={view.t("terminal.title")}>
      <p>{view.t("terminal.not_paired")}</p>
      <p>
        <a class="button" href="/pair">
          {view.t("pair.title")}
        </a>
      </p>
    </Layout>
  );
}

/**
 * What one tap brings to a locked terminal's unlock page (over /terminal/unlock/events): a form
 * that htmx posts at once ("load"), claiming the tap by its id to unlock with that staff card.
 */
export function UnlockTapForm({ view, tapId, expiresAtMs }: { view: View; tapId: string; expiresAtMs: number }) {
  return (
    <div
      class="unlock-tap"
      data-expires-at-ms={String(expiresAtMs)}
      hx-post="/terminal/unlock"
      hx-trigger="load"
      hx-vals={JSON.stringify({ tap_id: tapId })}
      hx-include="#unlock-next"
      hx-target="#unlock-status"
      hx-swap="innerHTML"
    >
      <p class="muted">{view.t("terminal.staff_card_checking")}</p>
    </div>
  );
}

/** The unlock page's ear for staff cards: the terminal's reader (event stream) and the page's own readers (taps.js). */
function StaffCardListener({ view, simulated }: { view: View; simulated: boolean }) {
  const { t } = view;
  return (
    <section
      id="card-reader"
      class="card-reader staff-card-listener"
      aria-labelledby="staff-card-title"
      hx-ext="sse"
      sse-connect="/terminal/unlock/events"
      data-msg-listening={t("taps.webnfc_listening")}
      data-msg-failed={t("taps.webnfc_failed")}
    >
      <h2 id="staff-card-title">{t("terminal.staff_card_tap")}</h2>
      <div id="unlock-tap" sse-swap="tap"></div>
      <div id="unlock-status" aria-live="polite"></div>
      <p id="tap-status" class="muted" role="status"></p>
      <button type="button" id="webnfc-button" hidden>
        {t("taps.webnfc")}
      </button>
      {simulated ? (
        <form hx-post="/terminal/taps" hx-target="#tap-status" hx-swap="innerHTML" class="form narrow simulate">
          <CsrfField view={view} />
          <input type="hidden" name="source" value="sim" />
          <label for="simulated-staff-uid">{t("terminal.simulate_staff_uid")}</label>
          <input id="simulated-staff-uid" name="uid" autocomplete="off" required pattern="[0-9A-Fa-f:]{8,29}" />
          <button type="submit">{t("taps.simulate")}</button>
        </form>
      ) : null}
      <script src="/assets/htmx-ext-sse.js" defer></script>
      <script src="/assets/taps.js" defer></script>
    </section>
  );
}

export function UnlockPage({
  view,
  terminal,
  operators,
  error,
  next = "",
  simulated = false,
}: {
  view: View;
  terminal: TerminalInfo;
  operators: ReadonlyArray<{ id: string; name: string }>;
  error?: string | undefined;
  next?: string;
  simulated?: boolean;
}) {
  const { t } = view;
  if (terminal.kind === "reader") {
    return (
      <Layout view={view} title={terminal.name}>
        <p>{t("terminal.reader_info")}</p>
      </Layout>
    );
  }
  return (
    <Layout view={view} title={terminal.name}>
      <p class="muted">{t("terminal.kind_label", { kind: t(`kind.${terminal.kind}` as MessageKey) })}</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <input type="hidden" id="unlock-next" name="next" value={next} />
      <StaffCardListener view={view} simulated={simulated} />
      {operators.length === 0 ? <p>{t("terminal.no_operators")}</p> : null}
      {operators.length > 0 ? (
        <form method="post" action="/terminal/unlock" class="form narrow">
          <CsrfField view={view} />
          <input type="hidden" name="next" value={next} />
          <fieldset class="choices operators">
            <legend>{t("terminal.choose_operator")}</legend>
            {operators.map((operator, index) => (
              <label class="tile">
                <input type="radio" name="operator_id" value={operator.id} required checked={index === 0} /> <span safe>{operator.name}</span>
              </label>
            ))}
          </fieldset>
          <label for="pin">{t("terminal.pin")}</label>
          <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" required pattern="[0-9]{4,8}" />
          <button type="submit" class="primary">
            {t("terminal.unlock")}
          </button>
        </form>
      ) : null}
      <form method="post" action="/terminal/unlock" class="form narrow">
        <CsrfField view={view} />
        <input type="hidden" name="next" value={next} />
        <p>{t("terminal.staff_card")}</p>
        <label for="staff_card_uid">{t("terminal.staff_card_uid")}</label>
        <input id="staff_card_uid" name="staff_card_uid" autocomplete="off" required />
        <button type="submit">{t("terminal.unlock")}</button>
      </form>
    </Layout>
  );
}

export function TerminalHomePage({ view, terminal, simulatedReaders = false }: { view: View; terminal: TerminalInfo; simulatedReaders?: boolean }) {
  const { t } = view;
  const sells = terminal.kind === "till" && view.operator !== undefined && view.operator.role !== "door";
  return (
    <Layout view={view} title={terminal.name}>
      <Notice kind="success">{t("terminal.unlocked", { operator: view.operator?.name ?? "", terminal: terminal.name })}</Notice>
      {sells ? (
        <p>
          <a class="button primary big" href="/till">
            {t("till.open")}
          </a>
        </p>
      ) : null}
      <CardReaderPanel view={view} simulated={simulatedReaders} demoUid={DEMO_CARD_UID} />
      <form method="post" action="/terminal/lock">
        <CsrfField view={view} />
        <button type="submit" class="primary">
          {t("terminal.lock")}
        </button>
      </form>
    </Layout>
  );
}
