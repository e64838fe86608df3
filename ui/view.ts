/** What every page needs to render: language, CSRF token, who is looking, the venue. */
import type { Lang, Translate } from "./i18n/index.ts";

export type ViewRole = "admin" | "manager" | "cashier" | "door";

export interface View {
  readonly t: Translate;
  readonly lang: Lang;
  readonly csrf: string;
  readonly path: string;
  /** Where the language switch brings the user back: this page, or the page a form came from. */
  readonly returnTo: string;
  readonly serverTimeMs: number;
  readonly venueName: string | undefined;
  readonly operator: { readonly name: string; readonly role: ViewRole } | undefined;
  /** A warning the box shows on every page (its clock is behind its last stamp). */
  readonly clockBehindUntilMs: number | undefined;
  readonly timezone: string;
  /** The terminal showing the page is in training mode: every page says FORMATION, in red. */
  readonly training?: boolean | undefined;
}

export function formatDate(view: View, ms: number): string {
  return new Intl.DateTimeFormat(view.lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "short", timeZone: view.timezone }).format(ms);
}

export function formatTime(view: View, ms: number): string {
  return new Intl.DateTimeFormat(view.lang === "fr" ? "fr-FR" : "en-GB", {
    dateStyle: "short",
    timeStyle: "medium",
    timeZone: view.timezone,
  }).format(ms);
}
