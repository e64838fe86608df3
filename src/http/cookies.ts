/** Cookies, parsed and written by hand: a handful of names, all HttpOnly and SameSite=Strict. */
export const COOKIE = {
  session: "tibox_session",
  terminal: "tibox_terminal",
  csrf: "tibox_csrf",
  lang: "tibox_lang",
} as const;

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";").slice(0, 50)) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // A cookie that is not valid percent-encoding is ignored, as if absent.
    }
  }
  return cookies;
}

export interface CookieOptions {
  readonly maxAgeS?: number;
  readonly secure: boolean;
}

export function setCookieHeader(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  if (options.maxAgeS !== undefined) parts.push(`Max-Age=${options.maxAgeS}`);
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
