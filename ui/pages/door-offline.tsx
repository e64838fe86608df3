/**
 * The offline door's part of the door page (docs/door.md, "Offline"): the web app manifest and
 * the module in the head, the banner ("offline: N scans waiting"), the saved list's status and
 * the conflicts the box reported, and the button that forgets the event's data on this phone
 * (disabled until door-offline.js finds data and no scan waiting). door-offline.js fills them; it gets its texts here, as
 * templates in a data attribute (escaped by kitajs as every attribute), and writes them as text.
 */
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";

/** Codes a refusal panel may show, each with its door.refusal.* text when the catalog has one. */
const REFUSAL_CODES = ["already_redeemed", "revoked", "wrong_event", "product_not_admitted", "unpaid", "not_yet_valid", "expired", "invalid_signature", "qr_invalid", "not_inside"] as const;

const OFFLINE_KEYS = [
  "door.offline.banner",
  "door.offline.banner_empty",
  "door.offline.pending",
  "door.offline.locked",
  "door.offline.saved",
  "door.offline.not_saved",
  "door.offline.admitted",
  "door.offline.exited",
  "door.offline.unknown_holder",
  "door.offline.already_redeemed",
  "door.offline.no_snapshot",
  "door.offline.refused_code",
  "door.offline.search",
  "door.offline.conflict",
  "door.offline.conflict_other",
  "door.offline.rejected",
  "door.offline.someone",
  "door.offline.forget_ready",
  "door.offline.forget_waiting",
  "door.offline.forget_nothing",
  "door.offline.forget_confirm",
  "door.refused",
  "door.next",
] as const satisfies readonly MessageKey[];

/** The templates door-offline.js shows, by key (no variables filled: the page fills them). */
export function doorOfflineTexts(view: View): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const key of OFFLINE_KEYS) texts[key] = view.t(key);
  for (const code of REFUSAL_CODES) {
    const key = `door.refusal.${code}` as MessageKey;
    const text = view.t(key);
    // t() answers the key itself when the catalog has no such text: the page then shows the code.
    if (text !== key) texts[key] = text;
  }
  return texts;
}

/** Head elements: installable (manifest, icon, theme) and the offline module. */
export function DoorOfflineHead() {
  return (
    <>
      <link rel="manifest" href="/door.webmanifest" />
      <link rel="icon" href="/assets/door-icon.svg" type="image/svg+xml" />
      <meta name="theme-color" content="#14532d" />
      <script type="module" src="/assets/door-offline.js"></script>
    </>
  );
}

/** The banner and reports; `listId` is the check-in list the page scans on (an event's default list has its id). */
export function DoorOffline({ view, listId }: { view: View; listId: string | undefined }) {
  const { t } = view;
  return (
    <section
      id="door-offline"
      class="door-offline"
      data-list={listId ?? ""}
      data-lang={view.lang === "fr" ? "fr-FR" : "en-GB"}
      data-timezone={view.timezone}
      data-texts={JSON.stringify(doorOfflineTexts(view))}
      aria-label={t("door.offline.reports")}
    >
      <p id="door-offline-banner" class="banner warning door-offline-banner" role="status" data-testid="door-offline-banner" hidden></p>
      <p id="door-offline-status" class="hint" data-testid="door-offline-status"></p>
      <div id="door-offline-reports" class="door-offline-reports" data-testid="door-offline-reports" hidden>
        <h2>{t("door.offline.reports")}</h2>
        <ul></ul>
        <button type="button" data-door-offline-clear>
          {t("door.offline.clear_reports")}
        </button>
      </div>
      <p class="door-offline-forget">
        <button type="button" data-door-offline-forget data-testid="door-offline-forget" aria-describedby="door-offline-forget-hint" disabled>
          {t("door.offline.forget")}
        </button>{" "}
        <span id="door-offline-forget-hint" class="hint">
          {t("door.offline.forget_nothing")}
        </span>
      </p>
    </section>
  );
}
