/**
 * Translation. French first, English too. t() returns HTML-safe text: catalog strings are
 * trusted, and every variable is escaped, so `{t("dashboard.welcome", { name })}` is safe in JSX.
 */
import { escapeHtml } from "@kitajs/html";
import { en } from "./en.ts";
import { fr, type MessageKey } from "./fr.ts";

export const LANGS = ["fr", "en"] as const;
export type Lang = (typeof LANGS)[number];
export type { MessageKey };

export const catalogs: Record<Lang, Record<MessageKey, string>> = { fr, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const catalog = catalogs[lang];
  return (key, vars) => {
    const text = catalog[key] ?? fr[key] ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? escapeHtml(String(vars[name])) : whole));
  };
}

export function parseLang(value: string | null | undefined): Lang | undefined {
  return (LANGS as readonly string[]).includes(value ?? "") ? (value as Lang) : undefined;
}
