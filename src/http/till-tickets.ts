/**
 * Tickets at the till (docs/ticketing.md, "Tickets at the till"): the grid's ticket offers, the
 * tickets of a paid sale on its done screen, their printable page (`GET /till/tickets/:orderId`)
 * and their thermal print on the point of sale's receipt printer (`POST .../print`, once per key).
 * A cashier cannot open /admin pages, so these routes are the till's own; they show only orders
 * sold at this till (another order is order_unknown, 404), to the till's unlocked operator.
 */
import { renderSVG } from "uqr";
import { fail } from "../kernel/index.ts";
import { findSale, printTicket, receiptPrinterOf, tillTicketOffers, type Receipt } from "../pos/index.ts";
import { findEvent, findOrder, orderIdOfSale, orderTickets, type Order } from "../ticketing/index.ts";
import type { Sqlite } from "../db/index.ts";
import { TillTicketsPage, type SaleTicketsView, type TillTicketOfferView } from "../../ui/pages/till-tickets.tsx";
import { type Ctx, view } from "./context.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";
import { refusalText, storedAnswer, tillAccess, tillRefusal, type Till } from "./till-common.ts";
import { runOnce } from "./wallet-api.ts";

const TERMINAL = { kind: "terminal" } as const;

/** The ticket offers for the till's grid, now. */
export function ticketOffersView(ctx: Ctx): TillTicketOfferView[] {
  return tillTicketOffers(ctx.deps.writer.sqlite, ctx.deps.clock.nowMs()).map((offer) => ({
    itemId: offer.itemId,
    eventTitle: offer.eventTitle,
    startsAtMs: offer.startsAtMs,
    productName: offer.productName,
    prices: offer.prices.map((price) => ({ id: price.id, label: price.label, kind: price.kind, amount: price.amountMinor })),
    left: offer.left,
    soldOut: offer.soldOut,
  }));
}

/** A till order sold at this till, or order_unknown. */
function tillOrder(sqlite: Sqlite, till: Till, orderId: string): Order {
  const order = findOrder(sqlite, orderId);
  if (!order || order.channel !== "till" || order.terminalId !== till.terminal.id) fail("order_unknown", "no such order at this till");
  return order;
}

function eventTitleOf(sqlite: Sqlite, eventId: string, cache: Map<string, { title: string; startsAtMs: number }>) {
  const known = cache.get(eventId);
  if (known) return known;
  const event = findEvent(sqlite, eventId);
  const found = { title: event?.title ?? "", startsAtMs: event?.startsAtMs ?? 0 };
  cache.set(eventId, found);
  return found;
}

/** The done screen's tickets of a sale's order. */
export function saleTicketsView(ctx: Ctx, till: Till, orderId: string | null): SaleTicketsView | undefined {
  if (orderId === null) return undefined;
  const sqlite = ctx.deps.writer.sqlite;
  const order = findOrder(sqlite, orderId);
  if (!order) return undefined;
  const events = new Map<string, { title: string; startsAtMs: number }>();
  return {
    orderId: order.id,
    reference: order.reference,
    tickets: orderTickets(sqlite, order.id).map((ticket) => ({
      id: ticket.id,
      eventTitle: eventTitleOf(sqlite, ticket.eventId, events).title,
      productName: ticket.productName,
      priceLabel: ticket.priceLabel ?? "",
      holderName: ticket.holderName,
    })),
    canPrint: till.pos !== undefined && receiptPrinterOf(sqlite, till.pos.code) !== undefined,
    printKey: `tickets.${order.id}`,
  };
}

/** The tickets of a recent sale's receipt screen (/till/sales/:number), when it sold some at this till. */
export function receiptTicketsView(ctx: Ctx, till: Till, receipt: Pick<Receipt, "number" | "training">): SaleTicketsView | undefined {
  const sqlite = ctx.deps.writer.sqlite;
  const sale = findSale(sqlite, receipt.number, receipt.training);
  const orderId = sale ? orderIdOfSale(sqlite, sale.id) : undefined;
  const order = orderId === undefined ? undefined : findOrder(sqlite, orderId);
  if (!order || order.channel !== "till" || order.terminalId !== till.terminal.id) return undefined;
  return { ...saleTicketsView(ctx, till, order.id)!, printKey: ctx.deps.newId() };
}

/** GET /till/tickets/:orderId: the order's tickets with their QR codes, printable from the browser. */
function ticketsPage(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const sqlite = ctx.deps.writer.sqlite;
  const order = tillOrder(sqlite, till, ctx.params.orderId ?? "");
  const events = new Map<string, { title: string; startsAtMs: number }>();
  const tickets = orderTickets(sqlite, order.id).map((ticket) => {
    const event = eventTitleOf(sqlite, ticket.eventId, events);
    return {
      id: ticket.id,
      eventTitle: event.title,
      startsAtMs: event.startsAtMs,
      productName: ticket.productName,
      priceLabel: ticket.priceLabel ?? "",
      holderName: ticket.holderName,
      state: ticket.state,
      qrSvg: renderSVG(ticket.qr, { border: 2 }),
    };
  });
  return html(String(TillTicketsPage({ view: view(ctx), reference: order.reference, tickets })));
}

/**
 * POST /till/tickets/:orderId/print: the order's valid tickets to the point of sale's receipt
 * printer (printTicket: one print job each, `ticket.printed` in the event log), once per key.
 */
async function printTickets(ctx: Ctx): Promise<Response> {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const orderId = ctx.params.orderId ?? "";
  const response = await runOnce(
    ctx,
    (tx) => {
      const order = tillOrder(tx.sqlite, till, orderId);
      const printer = till.pos ? receiptPrinterOf(tx.sqlite, till.pos.code) : undefined;
      if (!printer) fail("no_printer", "this point of sale has no receipt printer");
      const actor = `operator:${till.session.operatorId}`;
      const jobs = orderTickets(tx.sqlite, order.id)
        .filter((ticket) => ticket.state === "valid")
        .map((ticket) => printTicket(tx, ctx.deps.signer, { ticketId: ticket.id, printerId: printer.id, actor }).id);
      return { status: 201, body: JSON.stringify({ print_jobs: jobs }) };
    },
    tillRefusal,
    { session: till.session },
  );
  const answer = await storedAnswer<{ print_jobs: number[] }>(response);
  const text = answer.ok ? ctx.t("till_tickets.printed", { count: answer.body.print_jobs.length }) : refusalText(ctx, answer.body);
  return html(`<p class="notice ${answer.ok ? "success" : "error"}" role="status" data-testid="tickets-printed">${text}</p>`, answer.status);
}

export const tillTicketRoutes: readonly Route[] = [
  { method: "GET", path: "/till/tickets/:orderId", access: TERMINAL, handle: ticketsPage },
  { method: "POST", path: "/till/tickets/:orderId/print", access: TERMINAL, handle: printTickets },
];
