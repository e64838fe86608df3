/**
 * Routes are declared in tables (method, path, access, handler) so that one test can walk every
 * route with every role and no session. `runRoute` is the single gate every request passes:
 * body bound, setup redirect, session or device token, CSRF, authorization, then the handler;
 * and every failure leaves as a clean status with a stable code.
 */
import type { Role, TerminalKind } from "../auth/index.ts";
import { findVenue } from "../federation/index.ts";
import { equalBytes, isAppError, limits } from "../kernel/index.ts";
import { parseLang } from "../../ui/i18n/index.ts";
import { ErrorPage } from "../../ui/pages/error.tsx";
import { COOKIE, langTranslator, setCookie, view, type Ctx, type UploadedFile } from "./context.ts";
import { parseCookies } from "./cookies.ts";
import type { HttpDeps } from "./deps.ts";
import { statusForCode } from "./errors.ts";
import { html, jsonError, redirect } from "./respond.ts";

export type Access =
  /** Anyone, at any time, also before setup: health check, assets. */
  | { readonly kind: "public" }
  /** Only while the box waits for its setup. */
  | { readonly kind: "setup" }
  /** Anyone once the box is set up: login page, device pairing. */
  | { readonly kind: "anyone" }
  /** A logged-in operator with one of these roles. */
  | { readonly kind: "operator"; readonly roles: readonly Role[] }
  /** A paired device's browser (terminal cookie), with or without an operator session. */
  | { readonly kind: "terminal" }
  /** A device calling the API with `Authorization: Bearer TOKEN`, of one of these kinds. */
  | { readonly kind: "device"; readonly kinds: readonly TerminalKind[] };

export type Method = "GET" | "POST";

export interface Route {
  readonly method: Method;
  readonly path: string;
  readonly access: Access;
  readonly handle: (ctx: Ctx) => Response | Promise<Response>;
  /**
   * The route takes a multipart/form-data body of at most `maxBytes` (a file upload); every
   * other route accepts only form or JSON bodies of at most `limits.requestBodyBytes`.
   */
  readonly upload?: { readonly maxBytes: number };
}

export const ALL_ROLES: readonly Role[] = ["admin", "manager", "cashier", "door"];

function isApi(path: string): boolean {
  return path.startsWith("/api/");
}

/** Refusal in the form the client understands: JSON for the API, a page otherwise. */
export function refuse(ctx: Ctx, code: string, message: string, status = statusForCode(code)): Response {
  if (isApi(ctx.url.pathname) || (ctx.request.headers.get("accept") ?? "").startsWith("application/json")) {
    return jsonError(code, message, status);
  }
  return html(String(ErrorPage({ view: view(ctx), message, code })), status);
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+([A-Za-z0-9_-]{20,128})$/.exec(header) : null;
  return match?.[1];
}

type Body = { fields: Map<string, string>; files: Map<string, UploadedFile>; jsonBody: unknown; rawBody: string };

function tooLarge(maxBytes: number): { error: string; message: string } {
  return { error: "body_too_large", message: `bodies are limited to ${maxBytes} bytes` };
}

/** The body's bytes, read chunk by chunk and abandoned as soon as they pass `maxBytes` (undefined then). */
async function readBounded(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

async function readMultipart(request: Request, bytes: Uint8Array<ArrayBuffer>): Promise<Body | { error: string; message: string }> {
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    return { error: "malformed_form", message: "the multipart body cannot be read" };
  }
  for (const [key, value] of form) {
    if (typeof value === "string") {
      if (!fields.has(key)) fields.set(key, value);
    } else if (!files.has(key)) {
      files.set(key, { bytes: new Uint8Array(await value.arrayBuffer()), filename: value.name, clientType: value.type });
    }
  }
  return { fields, files, jsonBody: undefined, rawBody: "" };
}

async function readFields(request: Request, route: Route): Promise<Body | { error: string; message: string }> {
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  if (request.method === "GET" || request.method === "HEAD") return { fields, files, jsonBody: undefined, rawBody: "" };
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const multipart = type === "multipart/form-data" && route.upload !== undefined;
  const maxBytes = multipart ? route.upload!.maxBytes : limits.requestBodyBytes;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge(maxBytes);
  const bytes = await readBounded(request, maxBytes);
  if (bytes === undefined) return tooLarge(maxBytes);
  if (multipart) return readMultipart(request, bytes);
  const text = new TextDecoder().decode(bytes);
  if (!text) return { fields, files, jsonBody: undefined, rawBody: "" };
  if (type === "application/x-www-form-urlencoded") {
    for (const [key, value] of new URLSearchParams(text)) if (!fields.has(key)) fields.set(key, value);
    return { fields, files, jsonBody: undefined, rawBody: text };
  }
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { error: "malformed_json", message: "the body is not valid JSON" };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return { error: "malformed_json", message: "the body must be a JSON object" };
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === "string") fields.set(key, value);
      else if (typeof value === "number" || typeof value === "boolean") fields.set(key, String(value));
    }
    return { fields, files, jsonBody: parsed, rawBody: text };
  }
  return { error: "unsupported_media_type", message: "send application/x-www-form-urlencoded or application/json" };
}

function csrfValid(ctx: Ctx, cookieToken: string | undefined): boolean {
  const sent = ctx.fields.get("_csrf") ?? ctx.request.headers.get("x-csrf-token") ?? "";
  if (!cookieToken || !sent) return false;
  const encoder = new TextEncoder();
  if (!equalBytes(encoder.encode(sent), encoder.encode(cookieToken))) return false;
  // A browser names the page a form came from; a form posted from another site is refused.
  const site = ctx.request.headers.get("sec-fetch-site");
  if (site === "cross-site") return false;
  const origin = ctx.request.headers.get("origin");
  if (origin && origin !== "null" && new URL(origin).host !== ctx.url.host) return false;
  return true;
}

export interface RequestMeta {
  readonly requestId: string;
  readonly address: string;
}

export async function runRoute(deps: HttpDeps, route: Route, request: Request, params: Record<string, string>, meta: RequestMeta): Promise<Response> {
  const setCookies: string[] = [];
  const response = await gate(deps, route, request, params, meta, setCookies);
  for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
  return response;
}

async function gate(deps: HttpDeps, route: Route, request: Request, params: Record<string, string>, meta: RequestMeta, setCookies: string[]): Promise<Response> {
  const url = new URL(request.url);
  const cookies = parseCookies(request.headers.get("cookie"));
  const lang = parseLang(cookies.get(COOKIE.lang)) ?? "fr";
  const venue = findVenue(deps.writer.sqlite);
  const sessionCookie = cookies.get(COOKIE.session);
  const session = sessionCookie && venue ? deps.auth.resolveSession(sessionCookie) : undefined;
  const bearer = bearerToken(request);
  const terminalCookie = cookies.get(COOKIE.terminal);
  const terminalToken = route.access.kind === "device" ? bearer : terminalCookie;
  const terminal = terminalToken && venue ? deps.auth.authenticateTerminal(terminalToken) : undefined;
  const csrfCookie = cookies.get(COOKIE.csrf);
  const ctx: Ctx = {
    deps,
    request,
    url,
    params,
    requestId: meta.requestId,
    address: meta.address,
    secure: url.protocol === "https:",
    lang,
    t: langTranslator(lang),
    venue,
    session,
    sessionCookie: session ? sessionCookie : undefined,
    terminal,
    terminalCookie: terminal ? terminalCookie : undefined,
    csrf: csrfCookie && /^[A-Za-z0-9_-]{32,64}$/.test(csrfCookie) ? csrfCookie : Buffer.from(deps.random(24)).toString("base64url"),
    fields: new Map(),
    jsonBody: undefined,
    rawBody: "",
    files: new Map(),
    setCookies,
  };
  if (ctx.csrf !== csrfCookie) setCookie(ctx, COOKIE.csrf, ctx.csrf);

  const refused = checkAccess(ctx, route.access);
  if (refused) return refused;

  const body = await readFields(request, route);
  if ("error" in body) return refuse(ctx, body.error, body.message);
  const ready: Ctx = { ...ctx, fields: body.fields, files: body.files, jsonBody: body.jsonBody, rawBody: body.rawBody };

  if (route.method === "POST" && route.access.kind !== "device" && !isApi(url.pathname) && !csrfValid(ready, csrfCookie)) {
    return refuse(ready, "csrf_invalid", ready.t("error.csrf_invalid"));
  }
  if (terminal) deps.auth.noteTerminalSeen(terminal);
  try {
    return await route.handle(ready);
  } catch (error) {
    if (isAppError(error)) return refuse(ready, error.code, error.message);
    throw error;
  }
}

function checkAccess(ctx: Ctx, access: Access): Response | undefined {
  const api = isApi(ctx.url.pathname);
  if (access.kind === "public") return undefined;
  if (access.kind === "setup") return ctx.venue ? redirect("/") : undefined;
  if (!ctx.venue) return api ? jsonError("setup_required", "the box is waiting for its setup") : redirect("/setup");
  switch (access.kind) {
    case "anyone":
    case "terminal":
      return undefined;
    case "operator":
      if (!ctx.session) {
        if (api) return jsonError("unauthorized", "log in first");
        return redirect(`/login?next=${encodeURIComponent(ctx.url.pathname)}`);
      }
      if (!access.roles.includes(ctx.session.role)) return refuse(ctx, "forbidden", ctx.t("error.forbidden"));
      return undefined;
    case "device":
      if (!ctx.terminal) return jsonError("unauthorized", "send a valid device token as Authorization: Bearer TOKEN");
      if (!access.kinds.includes(ctx.terminal.kind)) return jsonError("forbidden", `a ${ctx.terminal.kind} terminal may not use this route`);
      return undefined;
  }
}
