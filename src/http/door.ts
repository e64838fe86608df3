/**
 * The door page (docs/ticketing.md, "The door"): a paired door (or till) with a door volunteer,
 * manager or admin unlocked on it. `GET /door` chooses the event and shows the scan input, the
 * search and the counters; `POST /door/checkins` scans one ticket (a scanned text, or a ticket
 * found by the search) with the page's nonce, through performCheckin, and answers the
 * full-screen panel and the counters again; `GET /door/search` lists the event's tickets by
 * holder or number.
 */
import type { Session, Terminal } from "../auth/index.ts";
import { isAppError } from "../kernel/index.ts";
import { findCheckinList, findEvent, findTicket, listCounts, listUpcomingEvents, performCheckin, searchEventTickets, type CheckinOutcome } from "../ticketing/index.ts";
import { DoorCounters, DoorPage, DoorPanel, DoorSearchResults, doorTime, REFUSAL_KEYS, type DoorAnswer } from "../../ui/pages/door.tsx";
import { field, view, type Ctx } from "./context.ts";
import { checkinJson } from "./checkins.ts";
import { chooseList } from "./door-choice.ts";
import { errorText } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import { refuse, type Route } from "./router.ts";
import { isHtmx } from "./till-common.ts";

const TERMINAL = { kind: "terminal" } as const;
export const DOOR_ROLES = ["door", "manager", "admin"] as const;

interface Door {
  readonly terminal: Terminal;
  readonly session: Session;
}

/** The door this request comes from, or the answer instead: as the till's rules, with the door's kinds and roles. */
export function doorAccess(ctx: Ctx): Door | Response {
  const terminal = ctx.terminal;
  if (!terminal) return refuse(ctx, "unauthorized", ctx.t("terminal.not_paired"), 401);
  if (terminal.kind !== "door" && terminal.kind !== "till") return refuse(ctx, "forbidden", ctx.t("door.not_a_door"));
  const session = ctx.session;
  if (!session || session.terminalId !== terminal.id) {
    const back = `/terminal?next=${encodeURIComponent(ctx.request.method === "GET" ? `${ctx.url.pathname}${ctx.url.search}` : "/door")}`;
    if (isHtmx(ctx)) return new Response(null, { status: 200, headers: { "hx-redirect": back } });
    return ctx.request.method === "GET" ? redirect(back) : refuse(ctx, "terminal_locked", ctx.t("error.terminal_locked"));
  }
  if (!(DOOR_ROLES as readonly string[]).includes(session.role)) return refuse(ctx, "forbidden", ctx.t("door.not_door_staff"));
  return { terminal, session };
}

function doorPage(ctx: Ctx): Response {
  const door = doorAccess(ctx);
  if (door instanceof Response) return door;
  const sqlite = ctx.deps.writer.sqlite;
  const events = listUpcomingEvents(sqlite, ctx.deps.clock.nowMs()).map((event) => ({ id: event.id, title: event.title, startsAtMs: event.startsAtMs }));
  // The door works on a check-in list (?list=), or an event's default list (?event=, older links).
  const choice = chooseList(sqlite, ctx.deps.clock.nowMs(), ctx.url.searchParams.get("list") ?? "", ctx.url.searchParams.get("event") ?? "");
  const eventId = choice.list?.eventId;
  const counts = choice.list ? listCounts(sqlite, choice.list) : undefined;
  // The camera needs a secure context: a phone on the plain HTTP address is sent to this one.
  const tls = ctx.deps.tls;
  const httpsUrl = tls ? `https://${ctx.url.hostname}:${tls.httpsPort}/door${ctx.url.search}` : undefined;
  return html(String(DoorPage({ view: view(ctx), events, eventId, counts, httpsUrl, lists: choice.options, listId: choice.list?.id, allowReentry: choice.list?.allowReentry ?? false })));
}

function nonce(ctx: Ctx): string {
  return `door-${ctx.deps.newId()}`;
}

function doorSearch(ctx: Ctx): Response {
  const door = doorAccess(ctx);
  if (door instanceof Response) return door;
  const eventId = ctx.url.searchParams.get("event") ?? "";
  const query = ctx.url.searchParams.get("q") ?? "";
  const list = findCheckinList(ctx.deps.writer.sqlite, ctx.url.searchParams.get("list") ?? "");
  const found = findEvent(ctx.deps.writer.sqlite, eventId) ? searchEventTickets(ctx.deps.writer.sqlite, eventId, query, list?.eventId === eventId ? list.id : null) : [];
  const tickets = found.map((ticket) => ({ ...ticket, nonce: nonce(ctx) }));
  return html(String(DoorSearchResults({ view: view(ctx), eventId, tickets, query, listId: list?.eventId === eventId ? list.id : undefined })));
}

function answerOf(ctx: Ctx, outcome: CheckinOutcome): DoorAnswer {
  if (outcome.result === "admitted") return { result: "admitted", holder: outcome.ticket.holder, product: outcome.ticket.product, direction: outcome.direction };
  const time = outcome.redeemedAtMs !== undefined ? doorTime(view(ctx), outcome.redeemedAtMs) : "";
  return { result: "refused", code: outcome.code, message: ctx.t(REFUSAL_KEYS[outcome.code]!, { time, door: outcome.door ?? "" }) };
}

async function doorCheckin(ctx: Ctx): Promise<Response> {
  const door = doorAccess(ctx);
  if (door instanceof Response) return door;
  // The offline page uploads its queued scans as JSON and gets the device API's answer.
  if (ctx.jsonBody !== undefined) return checkinJson(ctx, door.terminal.id);
  const { deps } = ctx;
  const eventId = field(ctx, "event_id") || undefined;
  const listId = field(ctx, "list") || undefined;
  const direction = field(ctx, "direction") || undefined;
  const ticketId = field(ctx, "ticket_id");
  // A ticket found by the search is scanned by its stored QR text.
  const qr = ticketId ? (findTicket(deps.writer.sqlite, ticketId)?.qr ?? "") : field(ctx, "qr").trim();
  let answer: DoorAnswer;
  try {
    const outcome = await deps.writer.submit((tx) =>
      performCheckin(tx, { newId: deps.newId, venuePublicKey: deps.signer.publicKey, certificates: deps.certificates }, { qr, nonce: field(ctx, "nonce"), eventId, list: listId, direction, terminalId: door.terminal.id, nowMs: deps.clock.nowMs() }),
    );
    answer = answerOf(ctx, outcome);
  } catch (error) {
    if (!isAppError(error)) throw error;
    answer = { result: "refused", code: error.code, message: errorText(ctx.t, error) };
  }
  const page = view(ctx);
  const list = findCheckinList(deps.writer.sqlite, listId ?? eventId ?? "");
  const counts = list ? listCounts(deps.writer.sqlite, list) : undefined;
  return html(String(DoorPanel({ view: page, answer })) + (counts ? String(DoorCounters({ view: page, counts, oob: true, listId: list?.id })) : ""));
}

export const doorRoutes: readonly Route[] = [
  { method: "GET", path: "/door", access: TERMINAL, handle: doorPage },
  { method: "GET", path: "/door/search", access: TERMINAL, handle: doorSearch },
  { method: "POST", path: "/door/checkins", access: TERMINAL, handle: doorCheckin },
];
