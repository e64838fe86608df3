/**
 * Ticketing's pages: the public agenda (`/agenda`, one page per event, the iCal feed), open to
 * anyone once the box is set up; and the events' admin pages (admins and managers), where every
 * change is one transaction with its `config.event_saved` record in the event log.
 */
import { renderSVG } from "uqr";
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import { boxOfficePointsOfSale, instantOfLocal } from "../pos/index.ts";
import {
  agendaCalendar,
  conflictCount,
  createEvent,
  EVENT_VISIBILITIES,
  eventCertificate,
  findEvent,
  findOrder,
  findTicket,
  isListed,
  listCheckinLists,
  listPrices,
  listProducts,
  revokeTicket,
  listEvents,
  listUpcomingPublicEvents,
  updateEvent,
  uploadedImageSizes,
  waitingCount,
  type EventInput,
  type TicketedEvent,
} from "../ticketing/index.ts";
import { AgendaEventPage, AgendaPage } from "../../ui/pages/agenda.tsx";
import { membershipsOnSale } from "./membership-sales.ts";
import { EMPTY_EVENT_FORM, EventEditPage, EventsAdminPage, type EventForm } from "../../ui/pages/ticketing-events.tsx";
import { TicketPage, type ProductForm } from "../../ui/pages/ticketing-tickets.tsx";
import { emptySellForm, type SellFormValues } from "../../ui/pages/ticketing-orders.tsx";
import { field, venueTimeZone, view, type Ctx } from "./context.ts";
import { orderSection, soldOut } from "./online-sales.ts";
import { keepMemberModePrivate, memberModeOf } from "./member-prices-online.ts";
import { ticketExtras, waitingListSection } from "./ticketing-mail.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { eventActor, optionalIntegerText, STAFF } from "./pos-admin-views.ts";
import { html } from "./respond.ts";
import { refuse, type Route } from "./router.ts";

const ANYONE = { kind: "anyone" } as const;

/** A datetime-local text ("2026-03-14T20:30") as an instant in the venue's timezone; NaN when malformed. */
export function instantOfLocalText(text: string, timezone: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!match) return Number.NaN;
  const [hours, minutes] = [Number(match[2]), Number(match[3])];
  if (hours > 23 || minutes > 59) return Number.NaN;
  try {
    return instantOfLocal(match[1]!, hours * 60 + minutes, timezone);
  } catch {
    return Number.NaN;
  }
}

/** An instant as a datetime-local text in the venue's timezone. */
export function localTextOf(ms: number, timezone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

// The public agenda.

/** The events with the width and height of their uploaded images (event-images.ts), for `<img width height>`. */
function withImageSizes(ctx: Ctx, events: readonly TicketedEvent[]): Array<TicketedEvent & { imageSize?: { width: number; height: number } | undefined }> {
  const sizes = uploadedImageSizes(ctx.deps.writer.sqlite, events.map((event) => event.imageUrl));
  return events.map((event) => ({ ...event, imageSize: event.imageUrl ? sizes.get(event.imageUrl) : undefined }));
}

function agendaPage(ctx: Ctx): Response {
  const events = withImageSizes(ctx, listUpcomingPublicEvents(ctx.deps.writer.sqlite, ctx.deps.clock.nowMs())).map((event) => ({ ...event, soldOut: soldOut(ctx, event) }));
  return html(String(AgendaPage({ view: view(ctx), events, membershipLink: membershipsOnSale(ctx) })));
}

function agendaEventPage(ctx: Ctx): Response {
  const event = findEvent(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  // A private event is as unknown to the public as a missing one.
  if (!event || !isListed(event)) return refuse(ctx, "event_unknown", ctx.t("error.event_unknown"));
  // Member mode (`?m=<member link token>`, member-prices-online.ts): the member prices too.
  const token = ctx.url.searchParams.get("m");
  const member = token === null ? undefined : memberModeOf(ctx, token);
  const orderForm = orderSection(ctx, event, member ? { member } : {}) + waitingListSection(ctx, event);
  const page = html(String(AgendaEventPage({ view: view(ctx), event: withImageSizes(ctx, [event])[0]!, shareUrl: `${ctx.url.origin}/agenda/${encodeURIComponent(event.id)}`, children: orderForm })));
  return token === null ? page : keepMemberModePrivate(page);
}

function agendaFeed(ctx: Ctx): Response {
  const events = listUpcomingPublicEvents(ctx.deps.writer.sqlite, ctx.deps.clock.nowMs());
  const body = agendaCalendar({ calendarName: ctx.venue?.legalName ?? "tibox", uidDomain: ctx.url.hostname, agendaUrl: `${ctx.url.origin}/agenda`, events });
  return new Response(body, { headers: { "content-type": "text/calendar; charset=utf-8", "content-disposition": 'inline; filename="agenda.ics"' } });
}

// The admin pages.

interface PageOptions {
  readonly form?: EventForm | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  readonly status?: number | undefined;
  readonly productForm?: ProductForm | undefined;
  /** The sell form as typed (after a refusal); a fresh one, with a new idempotency key, otherwise. */
  readonly sell?: SellFormValues | undefined;
}

function typedForm(ctx: Ctx): EventForm {
  return {
    title: field(ctx, "title"),
    description: field(ctx, "description"),
    imageUrl: field(ctx, "image_url"),
    startsAt: field(ctx, "starts_at"),
    endsAt: field(ctx, "ends_at"),
    doorsAt: field(ctx, "doors_at"),
    capacity: field(ctx, "capacity"),
    tags: field(ctx, "tags"),
    visibility: field(ctx, "visibility"),
  };
}

function formOf(event: TicketedEvent, timezone: string): EventForm {
  return {
    title: event.title,
    description: event.description,
    imageUrl: event.imageUrl ?? "",
    startsAt: localTextOf(event.startsAtMs, timezone),
    endsAt: localTextOf(event.endsAtMs, timezone),
    doorsAt: localTextOf(event.doorsAtMs, timezone),
    capacity: event.capacity === null ? "" : String(event.capacity),
    tags: event.tags.join(", "),
    visibility: event.visibility,
  };
}

function eventInput(form: EventForm, timezone: string): EventInput {
  const startsAtMs = instantOfLocalText(form.startsAt, timezone);
  const capacity = optionalIntegerText(form.capacity);
  return {
    title: form.title,
    description: form.description,
    imageUrl: form.imageUrl.trim() || null,
    startsAtMs,
    endsAtMs: instantOfLocalText(form.endsAt, timezone),
    doorsAtMs: form.doorsAt.trim() === "" ? startsAtMs : instantOfLocalText(form.doorsAt, timezone),
    capacity: capacity !== null && Number.isNaN(capacity) ? fail("capacity_invalid", "a capacity is a whole number") : capacity,
    tags: form.tags.split(","),
    visibility: form.visibility,
  };
}

function eventsPage(ctx: Ctx, options: PageOptions = {}): Response {
  const events = listEvents(ctx.deps.writer.sqlite);
  const page = EventsAdminPage({ view: view(ctx), events, form: options.form ?? EMPTY_EVENT_FORM, visibilities: EVENT_VISIBILITIES, notice: options.notice, error: options.error });
  return html(String(page), options.status ?? 200);
}

function logSaved(ctx: Ctx, tx: Parameters<typeof appendEvent>[0], event: TicketedEvent, created: boolean): void {
  appendEvent(tx, ctx.deps.signer, {
    kind: "config.event_saved",
    actor: eventActor(ctx),
    subject: `event:${event.id}`,
    detail: { created, title: event.title, starts_at_ms: event.startsAtMs, ends_at_ms: event.endsAtMs, visibility: event.visibility },
  });
}

async function createEventForm(ctx: Ctx): Promise<Response> {
  const form = typedForm(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const input = eventInput(form, venueTimeZone(ctx));
    return deps.writer.submit((tx) => {
      const event = createEvent(tx, { signer: deps.signer, newId: deps.newId }, input);
      logSaved(ctx, tx, event, true);
      return event;
    });
  });
  if (!outcome.ok) return eventsPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return eventsPage(ctx, { notice: ctx.t("events_admin.created") });
}

export function requireEvent(ctx: Ctx): TicketedEvent {
  const event = findEvent(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!event) fail("event_unknown", "no such event");
  return event;
}

export function editPage(ctx: Ctx, event: TicketedEvent, options: PageOptions = {}): Response {
  const publicKeyHex = eventCertificate(ctx.deps.writer.sqlite, event.id).publicKeyHex;
  const page = EventEditPage({
    view: view(ctx),
    eventId: event.id,
    title: event.title,
    publicKeyHex,
    form: options.form ?? formOf(event, venueTimeZone(ctx)),
    visibilities: EVENT_VISIBILITIES,
    products: listProducts(ctx.deps.writer.sqlite, event.id).map((product) => ({ ...product, prices: listPrices(ctx.deps.writer.sqlite, product.id) })),
    productForm: options.productForm,
    // The open box offices: a select on the sell form when several (pos/order-sales.ts).
    sell: options.sell ?? { ...emptySellForm(ctx.deps.newId()), boxOffices: boxOfficePointsOfSale(ctx.deps.writer.sqlite).map(({ code, name }) => ({ code, name })) },
    door: { lists: listCheckinLists(ctx.deps.writer.sqlite, event.id).length, conflicts: conflictCount(ctx.deps.writer.sqlite, event.id) },
    waiting: waitingCount(ctx.deps.writer.sqlite, event.id),
    image: { url: event.imageUrl, size: withImageSizes(ctx, [event])[0]!.imageSize },
    notice: options.notice,
    error: options.error,
    // Said again beside the form it is about: on a phone that form is far below the page's top.
    errorAt: options.error === undefined ? undefined : options.productForm !== undefined ? "product" : options.sell !== undefined ? "sell" : undefined,
  });
  return html(String(page), options.status ?? 200);
}

async function editEventForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const form = typedForm(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const input = eventInput(form, venueTimeZone(ctx));
    return deps.writer.submit((tx) => {
      const saved = updateEvent(tx, deps.signer, event.id, input);
      logSaved(ctx, tx, saved, false);
      return saved;
    });
  });
  if (!outcome.ok) return editPage(ctx, event, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return editPage(ctx, outcome.value, { notice: ctx.t("events_admin.saved") });
}

// The box office: a ticket's page and revoking it (logged in the event log); products and orders are in ticketing-orders.ts.

function ticketPage(ctx: Ctx, options: { notice?: string; error?: string; status?: number } = {}): Response {
  const ticket = findTicket(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!ticket) fail("ticket_unknown", "no such ticket");
  const event = findEvent(ctx.deps.writer.sqlite, ticket.eventId)!;
  // The door refuses a ticket of an unpaid order (`unpaid`): the page says so, with the way to the payment.
  const order = ticket.orderId ? findOrder(ctx.deps.writer.sqlite, ticket.orderId) : undefined;
  const unpaidOrderReference = order && (order.state === "held" || order.state === "pay_on_site") ? order.reference : undefined;
  const page = TicketPage({ view: view(ctx), ticket: { ...ticket, eventTitle: event.title, unpaidOrderReference }, qrSvg: renderSVG(ticket.qr, { border: 2 }), notice: options.notice, error: options.error, ...ticketExtras(ctx) });
  return html(String(page), options.status ?? 200);
}

async function revokeTicketForm(ctx: Ctx): Promise<Response> {
  const id = ctx.params.id ?? "";
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      // Its place goes to the waiting list, if anyone waits.
      const ticket = revokeTicket(tx, id, { newId: deps.newId });
      appendEvent(tx, deps.signer, { kind: "ticket.revoked", actor: eventActor(ctx), subject: `ticket:${ticket.id}`, detail: { event_id: ticket.eventId } });
      return ticket;
    }),
  );
  if (!outcome.ok) {
    if (outcome.code === "ticket_unknown") fail("ticket_unknown", "no such ticket");
    return ticketPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  }
  return ticketPage(ctx, { notice: ctx.t("ticket.revoked_notice") });
}

export const ticketingRoutes: readonly Route[] = [
  { method: "GET", path: "/agenda", access: ANYONE, handle: agendaPage },
  { method: "GET", path: "/agenda.ics", access: ANYONE, handle: agendaFeed },
  { method: "GET", path: "/agenda/:id", access: ANYONE, handle: agendaEventPage },
  { method: "GET", path: "/admin/ticketing/events", access: STAFF, handle: (ctx) => eventsPage(ctx) },
  { method: "POST", path: "/admin/ticketing/events", access: STAFF, handle: createEventForm },
  { method: "GET", path: "/admin/ticketing/events/:id", access: STAFF, handle: (ctx) => editPage(ctx, requireEvent(ctx)) },
  { method: "POST", path: "/admin/ticketing/events/:id", access: STAFF, handle: editEventForm },
  { method: "GET", path: "/admin/ticketing/tickets/:id", access: STAFF, handle: (ctx) => ticketPage(ctx) },
  { method: "POST", path: "/admin/ticketing/tickets/:id/revoke", access: STAFF, handle: revokeTicketForm },
];
