/** Turns a stable error code into a sentence in the user's language (catalog first). */
import type { MessageKey, Translate } from "../../ui/i18n/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { isAppError } from "../kernel/index.ts";

export function errorText(t: Translate, error: unknown): string {
  if (!isAppError(error)) throw error;
  const key = `error.${error.code}`;
  if (key in fr) return t(key as MessageKey);
  return t("error.generic", { message: error.message });
}

/** Runs a form action; an expected refusal becomes a message for the form, anything else rethrows. */
export async function attempt<T>(t: Translate, action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string; code: string }> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ok: false, message: errorText(t, error), code: error.code };
  }
}
