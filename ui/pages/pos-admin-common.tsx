/** What the point of sale's admin pages share: their tabs, amounts and rates as people type and read them. */
import type { Children } from "@kitajs/html";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { decimalText } from "./wallet-common.tsx";

/** Tabs of the catalogue: managers see the items only (prices and stock are theirs). */
const CATALOGUE_TABS: ReadonlyArray<readonly [string, MessageKey, boolean]> = [
  ["/admin/pos/items", "pos_items.title", false],
  ["/admin/pos/categories", "pos_categories.title", true],
  ["/admin/pos/points-of-sale", "pos_points.title", true],
  ["/admin/pos/vat-rates", "pos_vat.title", true],
  ["/admin/pos/payment-methods", "pos_methods.title", true],
  ["/admin/pos/settings", "pos_settings.title", true],
];

export function CatalogueTabs({ view }: { view: View }) {
  const admin = view.operator?.role === "admin";
  const tabs = CATALOGUE_TABS.filter(([, , adminOnly]) => admin || !adminOnly);
  if (tabs.length < 2) return <></>;
  return (
    <nav class="tabs" aria-label={view.t("pos_admin.tabs")}>
      <ul>
        {tabs.map(([href, key]) => (
          <li>
            <a href={href} aria-current={view.path === href ? "page" : undefined}>
              {view.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Cents as people type them back into a form: "3,50" in French, "3.50" in English. */
export function amountText(view: View, cents: number | null): string {
  return cents === null ? "" : decimalText(cents, 2, view.lang === "fr" ? "," : ".");
}

/** A VAT rate in basis points as read: 550 → "5,5 %" in French, "5.5 %" in English. */
export function rateText(view: View, rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const hundredths = rateBp % 100;
  const separator = view.lang === "fr" ? "," : ".";
  const fraction = hundredths === 0 ? "" : `${separator}${String(hundredths).padStart(2, "0").replace(/0$/, "")}`;
  return `${whole}${fraction} %`;
}

export function paymentMethodKey(code: string): MessageKey {
  return `pos_method.${code}` as MessageKey;
}

export function posKindKey(kind: string): MessageKey {
  return `pos_kind.${kind}` as MessageKey;
}

/** A checkbox in its label; the label's text is the caller's (escaped by them: a name, or a t() text). */
export function Check({ name, checked, children }: { name: string; checked: boolean; children?: Children }) {
  return (
    <label>
      <input type="checkbox" name={name} value="1" checked={checked} /> {children}
    </label>
  );
}
