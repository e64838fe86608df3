/**
 * Card taps over HTTP: where taps come in (reader agents' API, the simulator's signed API, a
 * till page's own keyboard reader, Web NFC and simulation button) and where they go out (the
 * terminal's event stream, GET /terminal/events), plus the admin page that binds readers to
 * terminals. The routing itself is the TapHub's (tap-hub.ts).
 */
import { bindReader, listReaderBindings, unbindReader, type Terminal } from "../auth/index.ts";
import { fail, fromHex, SIGNING_CONTEXTS, verifySignature } from "../kernel/index.ts";
import { cardByUid, listAssetsSql, walletBalances } from "../wallet/index.ts";
import { parseCardUid } from "../../hardware/nfc/port.ts";
import { ReadersPage, TapCard, type BindableTerminal, type ReaderRow } from "../../ui/pages/taps.tsx";
import { UnlockTapForm } from "../../ui/pages/terminal.tsx";
import type { View } from "../../ui/view.ts";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html, json } from "./respond.ts";
import { refuse, type Route } from "./router.ts";
import { TAP_LIFETIME_MS, type Tap, type TapOutcome, type TapSource } from "./tap-hub.ts";

/** A comment line on every open stream this often: Bun, proxies and phones drop quiet sockets. */
export const HEARTBEAT_MS = 5_000;
/** How soon a browser reconnects a dropped stream. */
const RECONNECT_MS = 2_000;
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** PC/SC reader names are at most 128 bytes (MAX_READERNAME). */
const READER_NAME_MAX_CHARS = 128;
const PAGE_SOURCES: readonly TapSource[] = ["wedge", "webnfc", "sim"];
const ADMIN = { kind: "operator", roles: ["admin"] } as const;
const READER_DEVICE = { kind: "device", kinds: ["reader"] } as const;

function requireUid(value: unknown): string {
  const uid = typeof value === "string" ? parseCardUid(value) : undefined;
  if (!uid) fail("card_uid_invalid", "uid is 4, 7 or 10 bytes of hex");
  return uid;
}

function optionalReaderName(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || value.length > READER_NAME_MAX_CHARS || /[\u0000-\u001f]/.test(value)) fail("reader_name_invalid", `reader is a name of at most ${READER_NAME_MAX_CHARS} characters`);
  return value;
}

function body(ctx: Ctx): Record<string, unknown> {
  return ctx.jsonBody && typeof ctx.jsonBody === "object" ? (ctx.jsonBody as Record<string, unknown>) : {};
}

/** The till or door this page runs on, once an operator unlocked it; otherwise a refusal. */
function unlockedTerminal(ctx: Ctx): Terminal | Response {
  const terminal = ctx.terminal;
  if (!terminal) return refuse(ctx, "unauthorized", ctx.t("terminal.not_paired"));
  if (!ctx.session || ctx.session.terminalId !== terminal.id) return refuse(ctx, "terminal_locked", ctx.t("error.terminal_locked"));
  return terminal;
}

function tapHtml(ctx: Ctx, page: View, tap: Tap): string {
  const sqlite = ctx.deps.writer.sqlite;
  const card = cardByUid(sqlite, tap.uid);
  const assets = listAssetsSql(sqlite).map((asset) => ({ code: asset.code, kind: asset.kind, name: asset.name, scale: asset.scale }));
  return String(
    TapCard({
      view: page,
      tap: { id: tap.id, atMs: tap.atMs, expiresAtMs: tap.expiresAtMs, readerName: tap.readerName, uidTail: tap.uid.slice(-4) },
      card: card ? { printedNumber: card.printedNumber, state: card.state, balances: walletBalances(sqlite, card.walletId) } : undefined,
      assets,
    }),
  );
}

function sseMessage(event: string, id: string, data: string): string {
  return `event: ${event}\nid: ${id}\n${data.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`;
}

/**
 * A terminal's taps as server-sent events, with heartbeats: each tap becomes one `tap` message
 * whose data is the HTML `render` makes of it (the home page's card, the till's claim form, the
 * unlock page's claim form).
 */
export function tapStream(ctx: Ctx, terminalId: string, render: (tap: Tap) => string): Response {
  const encoder = new TextEncoder();
  let stop: () => void = () => undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      let unsubscribe: () => void = () => undefined;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      stop = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      send(`retry: ${RECONNECT_MS}\n: connected\n\n`);
      unsubscribe = ctx.deps.taps.subscribe(terminalId, (tap) => send(sseMessage("tap", tap.id, render(tap))), () => stop());
      heartbeat = setInterval(() => send(": heartbeat\n\n"), HEARTBEAT_MS);
      ctx.request.signal.addEventListener("abort", () => stop());
    },
    cancel() {
      stop();
    },
  });
  // Bun closes a connection idle for 10 s; this one is quiet between taps by design.
  ctx.deps.keepOpen(ctx.request);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}

/** GET /terminal/events: this terminal's taps as server-sent events, with heartbeats. */
function events(ctx: Ctx): Response {
  const terminal = unlockedTerminal(ctx);
  if (terminal instanceof Response) return terminal;
  const page = view(ctx);
  return tapStream(ctx, terminal.id, (tap) => tapHtml(ctx, page, tap));
}

/** A paired till or door, locked or not (its unlock page listens for staff cards); otherwise a refusal. */
function pairedTerminal(ctx: Ctx): Terminal | Response {
  const terminal = ctx.terminal;
  if (!terminal) return refuse(ctx, "unauthorized", ctx.t("terminal.not_paired"));
  if (terminal.kind === "reader") return refuse(ctx, "forbidden", ctx.t("error.forbidden"));
  return terminal;
}

/**
 * GET /terminal/unlock/events: the locked terminal's taps, each one a form that claims it to
 * unlock (POST /terminal/unlock with the tap's id): a staff card tapped on the till's reader
 * unlocks the till for its operator. The card's UID never reaches the page.
 */
function unlockEvents(ctx: Ctx): Response {
  const terminal = pairedTerminal(ctx);
  if (terminal instanceof Response) return terminal;
  const page = view(ctx);
  return tapStream(ctx, terminal.id, (tap) => String(UnlockTapForm({ view: page, tapId: tap.id, expiresAtMs: tap.expiresAtMs })));
}

/**
 * POST /terminal/taps: a tap read by the page itself (keyboard reader, Web NFC, simulation). A
 * locked till or door posts too: its unlock page turns a staff card's tap into an unlock.
 */
function pageTap(ctx: Ctx): Response {
  const terminal = pairedTerminal(ctx);
  if (terminal instanceof Response) return terminal;
  const source = field(ctx, "source") as TapSource;
  if (!PAGE_SOURCES.includes(source)) fail("tap_source_invalid", "source is wedge, webnfc or sim");
  if (source === "sim" && !ctx.deps.simulatedReaders) fail("simulation_disabled", "simulated readers are off on this box");
  const uid = parseCardUid(field(ctx, "uid"));
  if (!uid) {
    const message = ctx.t("error.card_uid_invalid");
    return html(`<p class="notice error" role="alert">${message}</p>`, 400);
  }
  ctx.deps.taps.deliver(terminal.id, { readerKey: `${source}:${terminal.id}`, readerName: terminal.name, source, uid });
  return new Response(null, { status: 204 });
}

function outcomeBody(outcome: TapOutcome): Record<string, unknown> {
  if (outcome.status === "delivered" || outcome.status === "pending") return { status: outcome.status, tap_id: outcome.tap.id, terminal_id: outcome.tap.terminalId };
  return { status: outcome.status };
}

/** POST /api/v1/taps: a reader agent forwards a tap; the Idempotency-Key makes a retry harmless. */
function agentTap(ctx: Ctx): Response {
  const agent = ctx.terminal!;
  const key = ctx.request.headers.get("idempotency-key") ?? "";
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) fail("idempotency_key_invalid", "send an Idempotency-Key header of 1 to 128 characters [A-Za-z0-9._:-]");
  const input = body(ctx);
  const uid = requireUid(input.uid);
  const reader = optionalReaderName(input.reader);
  const ageMs = typeof input.age_ms === "number" && Number.isFinite(input.age_ms) ? input.age_ms : 0;
  const outcome = ctx.deps.taps.route({
    readerKey: reader ? `agent:${agent.id}:${reader}` : `agent:${agent.id}`,
    readerName: reader ? `${agent.name} · ${reader}` : agent.name,
    source: "agent",
    uid,
    ageMs,
    idempotencyKey: key,
  });
  return json(outcomeBody(outcome), 202);
}

const READER_EVENTS = ["attached", "detached", "error"] as const;

/** POST /api/v1/reader-events: an agent says a reader was plugged, unplugged, or failed. */
function agentReaderEvent(ctx: Ctx): Response {
  const agent = ctx.terminal!;
  const input = body(ctx);
  const reader = optionalReaderName(input.reader);
  const event = input.event;
  if (typeof event !== "string" || !(READER_EVENTS as readonly string[]).includes(event)) fail("reader_event_invalid", "event is attached, detached or error");
  const code = typeof input.code === "string" ? input.code.slice(0, 64) : "error";
  const detail = typeof input.detail === "string" ? input.detail.slice(0, 200) : "";
  ctx.deps.taps.noteReader(reader ? `agent:${agent.id}:${reader}` : `agent:${agent.id}`, reader ? `${agent.name} · ${reader}` : agent.name, "agent", event === "error" ? { error: { code, detail } } : { state: event as "attached" | "detached" });
  return new Response(null, { status: 204 });
}

function findTapTarget(ctx: Ctx, nameOrId: string): Terminal {
  const candidates = ctx.deps.auth.listTerminals().filter((terminal) => terminal.revokedAtMs === null && terminal.kind !== "reader");
  const terminal = candidates.find((candidate) => candidate.id === nameOrId) ?? candidates.find((candidate) => candidate.name === nameOrId);
  if (!terminal) fail("terminal_unknown", "no active till or door with this id or name");
  return terminal;
}

/**
 * POST /api/v1/simulator/taps: `tibox tap` beside a serving box. Whoever can read the data
 * folder holds the venue key; the CLI signs the exact body with it (context
 * tibox-simulator-tap/v1) and the box checks that signature, the time and the nonce.
 */
function simulatorTap(ctx: Ctx): Response {
  if (!ctx.deps.simulatedReaders) fail("simulation_disabled", "simulated readers are off on this box (tibox demo, or serve --simulated-readers)");
  const signature = ctx.request.headers.get("x-tibox-signature") ?? "";
  const valid = /^[0-9a-f]{128}$/.test(signature) && verifySignature(SIGNING_CONTEXTS.simulatorTap, new TextEncoder().encode(ctx.rawBody), fromHex(signature), ctx.deps.signer.publicKey);
  if (!valid) return refuse(ctx, "unauthorized", "sign the body with the venue key (X-Tibox-Signature)");
  const input = body(ctx);
  const atMs = typeof input.at_ms === "number" ? input.at_ms : Number.NaN;
  const nonce = typeof input.nonce === "string" && IDEMPOTENCY_KEY_PATTERN.test(input.nonce) ? input.nonce : undefined;
  if (!nonce || !(Math.abs(ctx.deps.clock.nowMs() - atMs) < TAP_LIFETIME_MS)) return refuse(ctx, "unauthorized", "the signed tap is stale or has no nonce");
  const uid = requireUid(input.uid);
  if (!ctx.deps.taps.claimKey(`simulator|${nonce}`)) return json({ status: "duplicate" }, 202);
  if (typeof input.terminal === "string" && input.terminal) {
    const terminal = findTapTarget(ctx, input.terminal);
    const outcome = ctx.deps.taps.deliver(terminal.id, { readerKey: `sim:${terminal.name}`, readerName: terminal.name, source: "sim", uid });
    return json(outcomeBody(outcome), 202);
  }
  const reader = optionalReaderName(input.reader);
  if (!reader) fail("tap_target_required", "name a terminal or a reader");
  // Played on the box's simulated reader, so that the tap routes as a real reader's would.
  const simulator = ctx.deps.taps.simulator;
  simulator.plug(reader);
  simulator.tap(uid, reader);
  simulator.remove(reader);
  const known = ctx.deps.taps.readers().find((candidate) => candidate.key === `sim:${reader}`);
  return json({ status: known?.lastOutcome ?? "unbound" }, 202);
}

function readerRows(ctx: Ctx): { readers: ReaderRow[]; terminals: BindableTerminal[] } {
  const all = ctx.deps.auth.listTerminals();
  const names = new Map(all.map((terminal) => [terminal.id, terminal.name]));
  const bindings = new Map(listReaderBindings(ctx.deps.writer.sqlite).map((binding) => [binding.readerKey, binding.terminalId]));
  const rows = new Map<string, ReaderRow>();
  for (const reader of ctx.deps.taps.readers()) {
    rows.set(reader.key, {
      key: reader.key,
      name: reader.name,
      source: reader.source,
      state: reader.state,
      lastTapAtMs: reader.lastTapAtMs,
      lastError: reader.lastError,
      droppedTaps: reader.droppedTaps,
      lastDroppedAtMs: reader.lastDroppedAtMs,
      boundTo: bindings.get(reader.key),
      ownTerminal: reader.ownTerminalId !== undefined ? (names.get(reader.ownTerminalId) ?? reader.ownTerminalId) : undefined,
    });
  }
  const quiet = (key: string, name: string, source: ReaderRow["source"]): ReaderRow => ({
    key,
    name,
    source,
    state: "never",
    lastTapAtMs: undefined,
    lastError: undefined,
    droppedTaps: 0,
    lastDroppedAtMs: undefined,
    boundTo: bindings.get(key),
    ownTerminal: undefined,
  });
  for (const terminal of all) {
    const key = `agent:${terminal.id}`;
    if (terminal.kind === "reader" && terminal.revokedAtMs === null && !rows.has(key)) rows.set(key, quiet(key, terminal.name, "agent"));
  }
  for (const key of bindings.keys()) {
    if (rows.has(key)) continue;
    const source = key.slice(0, key.indexOf(":")) as ReaderRow["source"];
    rows.set(key, quiet(key, key.slice(key.indexOf(":") + 1), source));
  }
  const readers = [...rows.values()].sort((a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
  const terminals = all.flatMap((terminal): BindableTerminal[] => (terminal.revokedAtMs === null && terminal.kind !== "reader" ? [{ id: terminal.id, name: terminal.name, kind: terminal.kind }] : []));
  return { readers, terminals };
}

function readersPage(ctx: Ctx, notice?: string, error?: string, status = 200): Response {
  return html(String(ReadersPage({ view: view(ctx), ...readerRows(ctx), notice, error })), status);
}

async function bind(ctx: Ctx): Promise<Response> {
  const readerKey = field(ctx, "reader_key");
  const terminalId = field(ctx, "terminal_id");
  const actor = `operator:${ctx.session!.operatorId}`;
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => (terminalId ? bindReader(tx, deps.signer, { readerKey, terminalId, actor }) : unbindReader(tx, deps.signer, { readerKey, actor }))),
  );
  if (!outcome.ok) return readersPage(ctx, undefined, outcome.message, statusForCode(outcome.code));
  const terminal = terminalId ? deps.auth.findTerminal(terminalId) : undefined;
  return readersPage(ctx, terminal ? ctx.t("readers.bound", { terminal: terminal.name }) : ctx.t("readers.unbound_done"));
}

export const tapRoutes: readonly Route[] = [
  { method: "GET", path: "/terminal/events", access: { kind: "terminal" }, handle: events },
  { method: "GET", path: "/terminal/unlock/events", access: { kind: "terminal" }, handle: unlockEvents },
  { method: "POST", path: "/terminal/taps", access: { kind: "terminal" }, handle: pageTap },
  { method: "POST", path: "/api/v1/taps", access: READER_DEVICE, handle: agentTap },
  { method: "POST", path: "/api/v1/reader-events", access: READER_DEVICE, handle: agentReaderEvent },
  { method: "POST", path: "/api/v1/simulator/taps", access: { kind: "anyone" }, handle: simulatorTap },
  { method: "GET", path: "/admin/readers", access: ADMIN, handle: (ctx) => readersPage(ctx) },
  { method: "POST", path: "/admin/readers/bind", access: ADMIN, handle: bind },
];
