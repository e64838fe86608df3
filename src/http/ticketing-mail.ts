/**
 * The e-mail pages and the waiting list's routes: SMTP settings and a test mail (admins), the
 * outbox with its retry button (admins and managers), an event's waiting list with remove
 * (admins and managers), and the public "notify me" form of a sold-out event (anyone, rate
 * limited per address with the public order forms' limiter). `waitingListSection` is what the
 * agenda page shows under the event when something is sold out.
 */
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import { findPrinter, listPrinters, printTicket } from "../pos/index.ts";
import {
  enqueueEmail,
  enqueueOrderTicketsEmail,
  findEvent,
  findOrder,
  isListed,
  joinWaitingList,
  listOutbox,
  listProducts,
  listWaitingList,
  mailConfigured,
  maskSmtpUrl,
  outboxCounts,
  placesLeft,
  readMailSettings,
  removeWaitingEntry,
  retryMail,
  saveMailSettings,
  type OutboxState,
  type TicketedEvent,
} from "../ticketing/index.ts";
import {
  EMPTY_WAITING_FORM,
  EmailSettingsPage,
  OutboxPage,
  WaitingAdminPage,
  WaitingListSection,
  WaitingResultPage,
  type EmailSettingsForm,
  type WaitingForm,
  type WaitingOption,
} from "../../ui/pages/ticketing-mail.tsx";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { ADMIN, eventActor, STAFF } from "./pos-admin-views.ts";
import { html, redirect } from "./respond.ts";
import { refuse, type Route } from "./router.ts";

const ANYONE = { kind: "anyone" } as const;

// Settings.

function smtpHost(smtpUrl: string): string | undefined {
  if (!smtpUrl) return undefined;
  const url = new URL(smtpUrl);
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

function settingsPage(ctx: Ctx, options: { form?: EmailSettingsForm; notice?: string; error?: string; status?: number } = {}): Response {
  const settings = readMailSettings(ctx.deps.writer.sqlite);
  const page = EmailSettingsPage({
    view: view(ctx),
    form: options.form ?? { smtpUrl: maskSmtpUrl(settings.smtpUrl), mailFrom: settings.mailFrom },
    host: mailConfigured(settings) ? smtpHost(settings.smtpUrl) : undefined,
    publicBaseUrl: settings.publicBaseUrl,
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function saveSettingsForm(ctx: Ctx): Promise<Response> {
  const form: EmailSettingsForm = { smtpUrl: field(ctx, "smtp_url"), mailFrom: field(ctx, "mail_from") };
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const saved = saveMailSettings(tx, form);
      // The event log keeps the change without the password.
      appendEvent(tx, deps.signer, { kind: "config.email_saved", actor: eventActor(ctx), subject: "settings:email", detail: { smtp_host: smtpHost(saved.smtpUrl) ?? null, mail_from: saved.mailFrom } });
      return saved;
    }),
  );
  if (!outcome.ok) return settingsPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return settingsPage(ctx, { notice: ctx.t("email_settings.saved") });
}

async function testMailForm(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => enqueueEmail(tx, { newId: deps.newId }, { to: field(ctx, "to"), subject: ctx.t("email_settings.test_subject"), text: ctx.t("email_settings.test_body"), kind: "test", refId: null })),
  );
  if (!outcome.ok) return settingsPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  return settingsPage(ctx, { notice: ctx.t("email_settings.test_queued") });
}

// The outbox.

function stateOf(ctx: Ctx): OutboxState | undefined {
  const state = ctx.url.searchParams.get("state");
  return state === "queued" || state === "sent" || state === "failed" ? state : undefined;
}

function outboxPage(ctx: Ctx, options: { notice?: string; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const state = stateOf(ctx);
  const page = OutboxPage({
    view: view(ctx),
    mails: listOutbox(sqlite, state ? { state } : {}),
    counts: outboxCounts(sqlite),
    state,
    configured: mailConfigured(readMailSettings(sqlite)),
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function retryForm(ctx: Ctx): Promise<Response> {
  const id = ctx.params.id ?? "";
  const outcome = await attempt(ctx.t, () => ctx.deps.writer.submit((tx) => retryMail(tx, id)));
  if (!outcome.ok) {
    if (outcome.code === "mail_unknown") fail("mail_unknown", "no such mail");
    return outboxPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  }
  return outboxPage(ctx, { notice: ctx.t("outbox.retried") });
}

// The box office ticket page: the thermal print and the e-mail notice.

/** What the ticket page adds: the active printers (a print button when there is one), whether e-mail is off, a print just queued. */
export function ticketExtras(ctx: Ctx): { printers: Array<{ id: string; name: string }>; mailOff: boolean; printedOn: string | undefined } {
  const sqlite = ctx.deps.writer.sqlite;
  const printers = listPrinters(sqlite)
    .filter((printer) => printer.active)
    .map((printer) => ({ id: printer.id, name: printer.name }));
  const printed = ctx.url.searchParams.get("printed_on");
  return { printers, mailOff: !mailConfigured(readMailSettings(sqlite)), printedOn: printed ? findPrinter(sqlite, printed)?.name : undefined };
}

async function printTicketForm(ctx: Ctx): Promise<Response> {
  const ticketId = ctx.params.id ?? "";
  const { deps } = ctx;
  const printers = listPrinters(deps.writer.sqlite).filter((printer) => printer.active);
  const printerId = field(ctx, "printer_id") || (printers.length === 1 ? printers[0]!.id : "");
  if (printers.length === 0) fail("no_printer", "no ticket printer is configured");
  const job = await deps.writer.submit((tx) => printTicket(tx, deps.signer, { ticketId, printerId, actor: eventActor(ctx) }));
  return redirect(`/admin/ticketing/tickets/${encodeURIComponent(ticketId)}?printed_on=${encodeURIComponent(job.printerId)}`);
}

/** What the box office order page says of the tickets mail: e-mail on or off, the state of the order's last tickets mail, a resend just queued. */
export function orderMailState(ctx: Ctx, orderId: string): { configured: boolean; state: OutboxState | undefined; resent: boolean } {
  const sqlite = ctx.deps.writer.sqlite;
  const last = listOutbox(sqlite, { refId: orderId, rows: 1 })[0];
  return { configured: mailConfigured(readMailSettings(sqlite)), state: last?.state, resent: ctx.url.searchParams.get("resent") === "1" };
}

/** The box office sends an order's tickets mail again (the buyer lost it). Refusals: order_unknown, order_no_email. */
async function resendForm(ctx: Ctx): Promise<Response> {
  const orderId = ctx.params.id ?? "";
  const { deps } = ctx;
  await deps.writer.submit((tx) => {
    const order = findOrder(tx.sqlite, orderId);
    if (!order) fail("order_unknown", "no such order");
    if (order.state !== "paid" && order.state !== "pay_on_site") fail("order_not_sendable", `this order is ${order.state}`);
    if (!enqueueOrderTicketsEmail(tx, { newId: deps.newId, signer: deps.signer }, order.id, { again: true })) fail("order_no_email", "this order has no buyer e-mail, nor a valid ticket, membership or donation");
  });
  return redirect(`/admin/ticketing/orders/${encodeURIComponent(orderId)}?resent=1`);
}

// The waiting list.

/** What a sold-out event offers to wait for: its sold-out products, and "any ticket" when the event as a whole is full. */
export function waitingOptions(ctx: Ctx, event: TicketedEvent): WaitingOption[] {
  const sqlite = ctx.deps.writer.sqlite;
  if (event.endsAtMs <= ctx.deps.clock.nowMs()) return [];
  const products = listProducts(sqlite, event.id).filter((product) => product.active);
  if (products.length === 0) return [];
  const options: WaitingOption[] = [];
  if (placesLeft(sqlite, event.id, null) === 0) options.push({ value: "", label: ctx.t("waiting.any") });
  for (const product of products) if (placesLeft(sqlite, event.id, product.id) === 0) options.push({ value: product.id, label: product.name });
  return options;
}

/** The "notify me" form for the agenda page, or "" when nothing is sold out. */
export function waitingListSection(ctx: Ctx, event: TicketedEvent): string {
  const options = waitingOptions(ctx, event);
  if (options.length === 0) return "";
  return String(WaitingListSection({ view: view(ctx), eventId: event.id, options, form: EMPTY_WAITING_FORM }));
}

async function joinForm(ctx: Ctx): Promise<Response> {
  const event = findEvent(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!event || !isListed(event)) return refuse(ctx, "event_unknown", ctx.t("error.event_unknown"));
  const limiter = ctx.deps.payments.orderLimiter;
  const nowMs = ctx.deps.clock.nowMs();
  if (!limiter.hit(ctx.address, nowMs)) {
    const response = refuse(ctx, "rate_limited", ctx.t("waiting.busy"), 429);
    response.headers.set("retry-after", String(Math.max(1, Math.ceil(limiter.retryAfterMs(ctx.address, nowMs) / 1000))));
    return response;
  }
  const form: WaitingForm = { productId: field(ctx, "product_id"), name: field(ctx, "name"), email: field(ctx, "email") };
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => joinWaitingList(tx, { newId: deps.newId }, { eventId: event.id, productId: form.productId || null, name: form.name, email: form.email, lang: ctx.lang })),
  );
  const base = { view: view(ctx), eventId: event.id, eventTitle: event.title };
  if (!outcome.ok) {
    const page = WaitingResultPage({ ...base, error: outcome.message, options: waitingOptions(ctx, event), form });
    return html(String(page), statusForCode(outcome.code));
  }
  return html(String(WaitingResultPage({ ...base, joinedEmail: outcome.value.email })));
}

function requireEvent(ctx: Ctx): TicketedEvent {
  const event = findEvent(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!event) fail("event_unknown", "no such event");
  return event;
}

function waitingAdminPage(ctx: Ctx, event: TicketedEvent, options: { notice?: string; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const page = WaitingAdminPage({
    view: view(ctx),
    eventId: event.id,
    eventTitle: event.title,
    entries: listWaitingList(sqlite, event.id),
    configured: mailConfigured(readMailSettings(sqlite)),
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function removeForm(ctx: Ctx): Promise<Response> {
  const id = ctx.params.id ?? "";
  const outcome = await attempt(ctx.t, () => ctx.deps.writer.submit((tx) => removeWaitingEntry(tx, id)));
  if (!outcome.ok) fail(outcome.code, outcome.message);
  return redirect(`/admin/ticketing/events/${encodeURIComponent(outcome.value.eventId)}/waiting-list?removed=1`);
}

export const ticketingMailRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/ticketing/email", access: ADMIN, handle: (ctx) => settingsPage(ctx) },
  { method: "POST", path: "/admin/ticketing/email", access: ADMIN, handle: saveSettingsForm },
  { method: "POST", path: "/admin/ticketing/email/test", access: ADMIN, handle: testMailForm },
  { method: "GET", path: "/admin/ticketing/outbox", access: STAFF, handle: (ctx) => outboxPage(ctx) },
  { method: "POST", path: "/admin/ticketing/outbox/:id/retry", access: STAFF, handle: retryForm },
  {
    method: "GET",
    path: "/admin/ticketing/events/:id/waiting-list",
    access: STAFF,
    handle: (ctx) => waitingAdminPage(ctx, requireEvent(ctx), ctx.url.searchParams.get("removed") ? { notice: ctx.t("waiting_admin.removed") } : {}),
  },
  { method: "POST", path: "/admin/ticketing/waiting-list/:id/remove", access: STAFF, handle: removeForm },
  { method: "POST", path: "/agenda/:id/waiting-list", access: ANYONE, handle: joinForm },
  { method: "POST", path: "/admin/ticketing/tickets/:id/print", access: STAFF, handle: printTicketForm },
  { method: "POST", path: "/admin/ticketing/orders/:id/resend", access: STAFF, handle: resendForm },
];
