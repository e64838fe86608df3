/**
 * Tickets at the till: the "Tickets" section of the item grid (upcoming events' ticket prices,
 * sold-out ones shown and disabled), the tickets a paid sale issued (print them on the point of
 * sale's receipt printer, or open their printable page), and that printable page with one QR code
 * per ticket. Event, product and holder names are user text: always `safe`.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { eventTime } from "./agenda.tsx";
import { formatEuros } from "./wallet-common.tsx";

export interface TillTicketOfferView {
  readonly itemId: string;
  readonly eventTitle: string;
  readonly startsAtMs: number;
  readonly productName: string;
  readonly prices: ReadonlyArray<{ readonly id: string; readonly label: string; readonly kind: "full" | "reduced" | "member" | "free"; readonly amount: number }>;
  readonly left: number | null;
  readonly soldOut: boolean;
}

const SYNC = "#till-sync:queue all";

function TicketButton({ view, offer, price }: { view: View; offer: TillTicketOfferView; price: TillTicketOfferView["prices"][number] }) {
  const { t } = view;
  const free = price.kind === "free";
  return (
    <button
      type="button"
      class="item ticket-item"
      disabled={offer.soldOut}
      hx-post="/till/cart"
      hx-vals={JSON.stringify({ op: free ? "ask_free" : "add", item: offer.itemId, price: price.id })}
      hx-include="#till-state"
      hx-target="#cart"
      hx-swap="outerHTML"
      hx-sync={SYNC}
      data-testid="ticket-item"
    >
      <span class="item-name" safe>
        {offer.eventTitle}
      </span>
      <span class="item-label" safe>
        {eventTime(view, offer.startsAtMs)}
      </span>
      <span class="item-label" safe>
        {`${offer.productName} · ${price.label}`}
      </span>
      <span class="item-price">{free ? t("till.free_from", { amount: formatEuros(view, price.amount) }) : formatEuros(view, price.amount)}</span>
      {price.kind === "member" ? <span class="item-member">{t("till_tickets.member_price")}</span> : null}
      {offer.soldOut ? <span class="item-sold-out">{t("till_tickets.sold_out")}</span> : offer.left !== null && offer.left <= 10 ? <span class="item-label">{t("till_tickets.left", { count: offer.left })}</span> : null}
    </button>
  );
}

/** The grid's ticket section: one button per price of each ticket type on sale. */
export function TicketGridSection({ view, offers }: { view: View; offers: readonly TillTicketOfferView[] }) {
  const { t } = view;
  if (offers.length === 0) return null;
  return (
    <section class="category tickets" aria-labelledby="till-tickets-title" data-testid="till-tickets">
      <h2 id="till-tickets-title">{t("till_tickets.title")}</h2>
      <div class="items">{offers.flatMap((offer) => offer.prices.map((price) => <TicketButton view={view} offer={offer} price={price} />))}</div>
    </section>
  );
}

export interface SaleTicketView {
  readonly id: string;
  readonly eventTitle: string;
  readonly productName: string;
  readonly priceLabel: string;
  readonly holderName: string;
}

export interface SaleTicketsView {
  readonly orderId: string;
  readonly reference: string;
  readonly tickets: readonly SaleTicketView[];
  /** The point of sale has a receipt printer: the tickets can be printed there. */
  readonly canPrint: boolean;
  readonly printKey: string;
}

/** The tickets a paid sale issued, on its done screen. */
export function SaleTickets({ view, sale }: { view: View; sale: SaleTicketsView }) {
  const { t } = view;
  const page = `/till/tickets/${encodeURIComponent(sale.orderId)}`;
  return (
    <section class="sale-tickets" aria-labelledby="sale-tickets-title" data-testid="sale-tickets">
      <h2 id="sale-tickets-title">{t("till_tickets.issued", { count: sale.tickets.length, reference: sale.reference })}</h2>
      <ol>
        {sale.tickets.map((ticket) => (
          <li data-testid="sale-ticket" data-ticket-id={ticket.id}>
            <span safe>{`${ticket.eventTitle} · ${ticket.productName} (${ticket.priceLabel})`}</span>
            {ticket.holderName ? <span safe>{` · ${ticket.holderName}`}</span> : null}
          </li>
        ))}
      </ol>
      <div class="done-actions">
        {sale.canPrint ? (
          <form class="till-command" method="post" action={`${page}/print`} data-key={sale.printKey} data-target="this">
            <CsrfField view={view} />
            <button type="submit">{t("till_tickets.print")}</button>
            <p class="command-pending muted" role="status" hidden></p>
          </form>
        ) : (
          <p class="muted">{t("till_tickets.no_printer")}</p>
        )}
        <a class="button" href={page} target="_blank" rel="noopener" data-testid="sale-tickets-page">
          {t("till_tickets.open_page")}
        </a>
      </div>
    </section>
  );
}

export interface PrintableTicketView {
  readonly id: string;
  readonly eventTitle: string;
  readonly startsAtMs: number;
  readonly productName: string;
  readonly priceLabel: string;
  readonly holderName: string;
  readonly state: "valid" | "revoked";
  readonly qrSvg: string;
}

/** GET /till/tickets/:orderId: the order's tickets, one QR code each, to print from the browser or show on a phone. */
export function TillTicketsPage({ view, reference, tickets }: { view: View; reference: string; tickets: readonly PrintableTicketView[] }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("till_tickets.page_title", { reference })}>
      <p class="no-print">
        <a class="button" href="/till">
          {t("till_tickets.back")}
        </a>
      </p>
      <p class="muted no-print">{t("ticket.print")}</p>
      {tickets.map((ticket) => (
        <article class="ticket" data-testid="printable-ticket" data-ticket-id={ticket.id}>
          <h2 safe>{ticket.eventTitle}</h2>
          <p safe>{eventTime(view, ticket.startsAtMs)}</p>
          <p>
            <strong safe>{`${ticket.productName} · ${ticket.priceLabel}`}</strong>
          </p>
          {ticket.holderName !== "" ? <p safe>{ticket.holderName}</p> : null}
          {ticket.state === "revoked" ? <p class="error">{t("ticket.revoked")}</p> : <figure class="qr">{ticket.qrSvg}</figure>}
          <p class="muted">
            <small safe>{ticket.id}</small>
          </p>
        </article>
      ))}
    </Layout>
  );
}
