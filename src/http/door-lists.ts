/**
 * The door's lists and the offline door's session routes. Admins and managers manage an event's
 * check-in lists (`/admin/ticketing/events/:id/lists`, each change logged as
 * `config.checkin_list_saved` / `config.checkin_list_deleted` in the same transaction) and read the
 * conflicts offline doors reported (`/admin/ticketing/events/:id/conflicts`). The door page (a
 * paired door with a volunteer unlocked on it, session + CSRF) reads a list's snapshot as the
 * device API gives it (`GET /door/snapshot?list=`) and polls its counters (`GET /door/counters`).
 */
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import {
  deleteCheckinList,
  findCheckinList,
  findEvent,
  listCheckinLists,
  listConflicts,
  listCounts,
  listProducts,
  saveCheckinList,
  type CheckinList,
  type TicketedEvent,
} from "../ticketing/index.ts";
import { CheckinListsPage, ConflictsPage, EMPTY_LIST_FORM, type ListForm, type ListRow } from "../../ui/pages/door-admin.tsx";
import { DoorCounters } from "../../ui/pages/door.tsx";
import { field, venueTimeZone, view, type Ctx } from "./context.ts";
import { snapshotResponse } from "./checkins.ts";
import { doorAccess } from "./door.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { eventActor, STAFF } from "./pos-admin-views.ts";
import { html, jsonError } from "./respond.ts";
import type { Route } from "./router.ts";
import { instantOfLocalText, localTextOf } from "./ticketing.ts";

const TERMINAL = { kind: "terminal" } as const;

function requireEvent(ctx: Ctx): TicketedEvent {
  const event = findEvent(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!event) fail("event_unknown", "no such event");
  return event;
}

/** The form as typed; checkboxes named product_ids come several times, so they are read from the raw body. */
function typedForm(ctx: Ctx): ListForm {
  return {
    name: field(ctx, "name"),
    productIds: new URLSearchParams(ctx.rawBody).getAll("product_ids"),
    allowReentry: field(ctx, "allow_reentry") !== "",
    validFrom: field(ctx, "valid_from"),
    validUntil: field(ctx, "valid_until"),
  };
}

function optionalInstant(text: string, timezone: string): number | null {
  if (text.trim() === "") return null;
  const ms = instantOfLocalText(text, timezone);
  if (Number.isNaN(ms)) fail("list_window_invalid", "a list opens and closes at a date and time");
  return ms;
}

function rowOf(ctx: Ctx, list: CheckinList): ListRow {
  const counts = listCounts(ctx.deps.writer.sqlite, list);
  const timezone = venueTimeZone(ctx);
  return {
    id: list.id,
    name: list.name,
    productIds: list.productIds,
    allowReentry: list.allowReentry,
    validFrom: list.validFromMs === null ? "" : localTextOf(list.validFromMs, timezone),
    validUntil: list.validUntilMs === null ? "" : localTextOf(list.validUntilMs, timezone),
    isDefault: list.isDefault,
    inside: counts.inside,
    admitted: counts.admitted,
    issued: counts.issued,
  };
}

function listsPage(ctx: Ctx, event: TicketedEvent, options: { form?: ListForm; notice?: string; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const page = CheckinListsPage({
    view: view(ctx),
    eventId: event.id,
    title: event.title,
    lists: listCheckinLists(sqlite, event.id).map((list) => rowOf(ctx, list)),
    products: listProducts(sqlite, event.id).map((product) => ({ id: product.id, name: product.name })),
    form: options.form ?? EMPTY_LIST_FORM,
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function saveListForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const listId = ctx.params.list;
  const form = typedForm(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const input = {
      ...(listId === undefined ? {} : { id: listId }),
      eventId: event.id,
      name: form.name,
      productIds: form.productIds,
      allowReentry: form.allowReentry,
      validFromMs: optionalInstant(form.validFrom, venueTimeZone(ctx)),
      validUntilMs: optionalInstant(form.validUntil, venueTimeZone(ctx)),
    };
    return deps.writer.submit((tx) => {
      const list = saveCheckinList(tx, { newId: deps.newId }, input);
      appendEvent(tx, deps.signer, {
        kind: "config.checkin_list_saved",
        actor: eventActor(ctx),
        subject: `checkin_list:${list.id}`,
        detail: { created: listId === undefined, event_id: event.id, name: list.name, product_ids: list.productIds, allow_reentry: list.allowReentry, valid_from_ms: list.validFromMs, valid_until_ms: list.validUntilMs },
      });
      return list;
    });
  });
  if (!outcome.ok) return listsPage(ctx, event, { ...(listId === undefined ? { form } : {}), error: outcome.message, status: statusForCode(outcome.code) });
  return listsPage(ctx, event, { notice: ctx.t(listId === undefined ? "door_lists.created" : "door_lists.saved") });
}

async function deleteListForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const listId = ctx.params.list ?? "";
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const before = findCheckinList(tx.sqlite, listId);
      if (!before || before.eventId !== event.id) fail("list_unknown", "no such check-in list");
      const list = deleteCheckinList(tx, listId);
      appendEvent(tx, deps.signer, { kind: "config.checkin_list_deleted", actor: eventActor(ctx), subject: `checkin_list:${list.id}`, detail: { event_id: event.id, name: list.name } });
      return list;
    }),
  );
  if (!outcome.ok) return listsPage(ctx, event, { error: outcome.message, status: statusForCode(outcome.code) });
  return listsPage(ctx, event, { notice: ctx.t("door_lists.deleted") });
}

function conflictsPage(ctx: Ctx): Response {
  const event = requireEvent(ctx);
  const conflicts = listConflicts(ctx.deps.writer.sqlite, event.id);
  return html(String(ConflictsPage({ view: view(ctx), eventId: event.id, title: event.title, conflicts })));
}

/** The door page's copy of the device API's snapshot: JSON always, a locked door included. */
function doorSnapshot(ctx: Ctx): Response {
  const door = doorAccess(ctx);
  if (door instanceof Response) return door.status >= 300 && door.status < 400 ? jsonError("terminal_locked", ctx.t("error.terminal_locked")) : door;
  return snapshotResponse(ctx);
}

/** The list's counters, polled by the door page (an htmx partial). */
function doorCounters(ctx: Ctx): Response {
  const door = doorAccess(ctx);
  if (door instanceof Response) return door;
  const list = findCheckinList(ctx.deps.writer.sqlite, ctx.url.searchParams.get("list") ?? "");
  // A list deleted while a door polls it: nothing to swap (htmx keeps the page as it is on 204).
  if (!list) return new Response(null, { status: 204 });
  const counts = listCounts(ctx.deps.writer.sqlite, list);
  return html(String(DoorCounters({ view: view(ctx), counts, listId: list.id })));
}

export const doorListRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/ticketing/events/:id/lists", access: STAFF, handle: (ctx) => listsPage(ctx, requireEvent(ctx)) },
  { method: "POST", path: "/admin/ticketing/events/:id/lists", access: STAFF, handle: saveListForm },
  { method: "POST", path: "/admin/ticketing/events/:id/lists/:list", access: STAFF, handle: saveListForm },
  { method: "POST", path: "/admin/ticketing/events/:id/lists/:list/delete", access: STAFF, handle: deleteListForm },
  { method: "GET", path: "/admin/ticketing/events/:id/conflicts", access: STAFF, handle: conflictsPage },
  { method: "GET", path: "/door/snapshot", access: TERMINAL, handle: doorSnapshot },
  { method: "GET", path: "/door/counters", access: TERMINAL, handle: doorCounters },
];
