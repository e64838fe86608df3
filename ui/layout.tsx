/**
 * The page shell: header with the venue's name, navigation by role, language switch, the
 * clock-skew banner, and htmx. Every user-supplied string is rendered with `safe`.
 */
import { escapeHtml, type Children } from "@kitajs/html";
import type { MessageKey } from "./i18n/index.ts";
import { formatTime, type View, type ViewRole } from "./view.ts";

const NAV: Record<ViewRole, ReadonlyArray<readonly [string, MessageKey]>> = {
  admin: [
    ["/admin", "nav.dashboard"],
    ["/admin/operators", "nav.operators"],
    ["/admin/terminals", "nav.terminals"],
    ["/admin/wallet", "nav.treasury"],
    ["/admin/cards", "nav.cards"],
    ["/admin/members", "nav.members"],
    ["/admin/assets", "nav.assets"],
    ["/admin/pos/items", "nav.pos_catalogue"],
    ["/admin/pos/closures", "nav.closures"],
    ["/admin/pos/reports", "nav.reports"],
    ["/admin/printers", "nav.printers"],
    ["/admin/readers", "nav.readers"],
    ["/admin/ticketing/events", "nav.ticketing_events"],
    ["/admin/ticketing/orders", "nav.ticketing_orders"],
    ["/admin/ticketing/settings", "nav.ticketing_settings"],
    ["/admin/ticketing/email", "nav.ticketing_email"],
    ["/admin/events", "nav.events"],
    ["/admin/venue", "nav.venue"],
  ],
  manager: [
    ["/admin", "nav.dashboard"],
    ["/admin/wallet", "nav.treasury"],
    ["/admin/cards", "nav.cards"],
    ["/admin/members", "nav.members"],
    ["/admin/pos/items", "nav.pos_catalogue"],
    ["/admin/pos/closures", "nav.closures"],
    ["/admin/pos/reports", "nav.reports"],
    ["/admin/ticketing/events", "nav.ticketing_events"],
    ["/admin/ticketing/orders", "nav.ticketing_orders"],
    ["/admin/ticketing/outbox", "nav.ticketing_email"],
    ["/admin/events", "nav.events"],
  ],
  cashier: [
    ["/terminal", "nav.terminal"],
    ["/till", "nav.till"],
  ],
  door: [
    ["/terminal", "nav.terminal"],
    ["/door", "nav.door"],
  ],
};

/** The public pages (agenda, memberships, a buyer's order) end with links to the agenda and to /adhesion. */
const PUBLIC_PAGE = /^\/(agenda|adhesion|orders\/)/;

export function CsrfField({ view }: { view: View }) {
  return <input type="hidden" name="_csrf" value={view.csrf} />;
}

/**
 * `title` is plain text and is escaped here, unless `titleIsHtml` says it is already HTML-safe
 * text: the output of t() with variables, whose variables t() escaped (escaping it again would
 * show "l&#x27;accueil" for "l'accueil").
 */
export function Layout({ view, title, titleIsHtml = false, head, children }: { view: View; title: string; titleIsHtml?: boolean; head?: Children; children?: Children }) {
  const { t } = view;
  const nav = view.operator ? NAV[view.operator.role] : [];
  const titleHtml = titleIsHtml ? title : escapeHtml(title);
  return (
    <>
      {"<!doctype html>"}
      <html lang={view.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"4..","swap":true,"error":false},{"code":"...","swap":false,"error":true}]}' />
          <title>{`${titleHtml} · ${escapeHtml(view.venueName ?? "tibox")}`}</title>
          <link rel="stylesheet" href="/assets/app.css" />
          <script src="/assets/htmx.min.js" defer></script>
          <script src="/assets/app.js" defer></script>
          {/* A page's own head elements (the door's web app manifest must be in the head). */}
          {head ?? null}
        </head>
        <body data-server-time-ms={String(view.serverTimeMs)} data-skew-ms="300000" hx-headers={JSON.stringify({ "X-CSRF-Token": view.csrf })}>
          <a class="skip" href="#main">
            {t("app.skip_to_content")}
          </a>
          <header class="top">
            <a class="brand" href="/" safe>
              {view.venueName ?? "tibox"}
            </a>
            <div class="top-actions">
              <form method="post" action="/lang">
                <CsrfField view={view} />
                <input type="hidden" name="lang" value={view.lang === "fr" ? "en" : "fr"} />
                <input type="hidden" name="back" value={view.returnTo} />
                <button type="submit" class="link" lang={view.lang === "fr" ? "en" : "fr"}>
                  {t("lang.switch")}
                </button>
              </form>
              {view.operator ? (
                <form method="post" action="/logout">
                  <CsrfField view={view} />
                  <button type="submit" class="link">
                    {t("nav.logout")}
                  </button>
                </form>
              ) : null}
            </div>
            {nav.length > 0 ? (
              <nav aria-label="Navigation">
                <ul>
                  {nav.map(([href, key]) => (
                    <li>
                      <a href={href} aria-current={view.path === href ? "page" : undefined}>
                        {t(key)}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
          </header>
          {view.training ? (
            <div class="banner formation" role="status" data-testid="training-banner">
              {t("training.banner")}
            </div>
          ) : null}
          <div id="clock-skew" class="banner warning" role="alert" hidden>
            {t("clock.skew_warning")}
          </div>
          {view.clockBehindUntilMs !== undefined ? (
            <div class="banner warning" role="alert">
              {t("clock.behind_warning", { time: formatTime(view, view.clockBehindUntilMs) })}
            </div>
          ) : null}
          <main id="main">
            <h1>{titleHtml}</h1>
            {children}
          </main>
          {!view.operator && PUBLIC_PAGE.test(view.path) ? (
            <footer class="public-links">
              <nav aria-label={t("public.links")}>
                <a class="standalone" href="/agenda">
                  {t("public.agenda")}
                </a>{" "}
                <a class="standalone" href="/adhesion">
                  {t("public.membership")}
                </a>
              </nav>
            </footer>
          ) : null}
        </body>
      </html>
    </>
  );
}

export function Notice({ kind, children }: { kind: "error" | "success"; children?: Children }) {
  return (
    <p class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}
