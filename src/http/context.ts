/**
 * What a route handler receives: the request already read (body parsed within its bound), who
 * is asking (session, terminal), the venue, the language, and helpers to render and to set
 * cookies. Routes pass services the values they need from here, never the whole context.
 */
import type { Session, Terminal } from "../auth/index.ts";
import { DEFAULT_TIMEZONE, type Venue } from "../federation/index.ts";
import type { OperationDeps } from "../wallet/index.ts";
import { isTrainingTerminal } from "../pos/index.ts";
import { translator, type Lang, type Translate } from "../../ui/i18n/index.ts";
import type { View } from "../../ui/view.ts";
import { COOKIE, setCookieHeader } from "./cookies.ts";
import type { HttpDeps } from "./deps.ts";

export type Fields = ReadonlyMap<string, string>;

/** One file of a multipart body: its bytes as received; the name and type are the client's word only. */
export interface UploadedFile {
  readonly bytes: Uint8Array;
  readonly filename: string;
  readonly clientType: string;
}

export interface Ctx {
  readonly deps: HttpDeps;
  readonly request: Request;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly requestId: string;
  readonly address: string;
  readonly secure: boolean;
  readonly lang: Lang;
  readonly t: Translate;
  readonly venue: Venue | undefined;
  readonly session: Session | undefined;
  readonly sessionCookie: string | undefined;
  /** The paired device: from the bearer token (device API) or the terminal cookie (pages). */
  readonly terminal: Terminal | undefined;
  readonly terminalCookie: string | undefined;
  readonly csrf: string;
  /** Form fields or JSON object fields of the body (strings only), empty for GET. */
  readonly fields: Fields;
  /** The JSON body as parsed, for device routes that take typed values. */
  readonly jsonBody: unknown;
  /** The body exactly as received (bounded), for idempotency digests. */
  readonly rawBody: string;
  /** Files of a multipart body, by field name (only on a route that declares `upload`). */
  readonly files: ReadonlyMap<string, UploadedFile>;
  /** Set-Cookie headers to add to the response. */
  readonly setCookies: string[];
}

export function field(ctx: Ctx, name: string): string {
  return ctx.fields.get(name) ?? "";
}

export function setCookie(ctx: Ctx, name: string, value: string, maxAgeS?: number): void {
  ctx.setCookies.push(setCookieHeader(name, value, { secure: ctx.secure, ...(maxAgeS !== undefined ? { maxAgeS } : {}) }));
}

export function clearCookie(ctx: Ctx, name: string): void {
  setCookie(ctx, name, "", 0);
}

/** A GET page comes back to itself (query included); a page rendered by a POST, to the page the form was on. */
function returnTo(ctx: Ctx): string {
  if (ctx.request.method === "GET") return ctx.url.pathname + ctx.url.search;
  const referer = ctx.request.headers.get("referer");
  if (referer) {
    try {
      const from = new URL(referer);
      if (from.host === ctx.url.host) return from.pathname + from.search;
    } catch {
      // an unparsable referer is ignored
    }
  }
  return "/";
}

/** The venue's timezone (local dates in forms, a membership's calendar window), the default one before setup. */
export function venueTimeZone(ctx: Ctx): string {
  return ctx.venue?.timezone ?? DEFAULT_TIMEZONE;
}

export function view(ctx: Ctx): View {
  const nowMs = ctx.deps.clock.nowMs();
  const floorMs = ctx.deps.timeFloor();
  return {
    t: ctx.t,
    lang: ctx.lang,
    csrf: ctx.csrf,
    path: ctx.url.pathname,
    returnTo: returnTo(ctx),
    serverTimeMs: Math.max(nowMs, floorMs),
    venueName: ctx.venue?.legalName,
    operator: ctx.session ? { name: ctx.session.operatorName, role: ctx.session.role } : undefined,
    clockBehindUntilMs: floorMs > nowMs + 1_000 ? floorMs : undefined,
    timezone: venueTimeZone(ctx),
    training: ctx.terminal ? isTrainingTerminal(ctx.deps.writer.sqlite, ctx.terminal.id) : false,
  };
}

export function langTranslator(lang: Lang): Translate {
  return translator(lang);
}

export { COOKIE };

/** What the wallet and point-of-sale operations need from the box: the venue key, ids, randomness. */
export function operationDeps(ctx: Ctx): OperationDeps {
  return { signer: ctx.deps.signer, newId: ctx.deps.newId, random: ctx.deps.random };
}
