/**
 * What ticketing holds about one person: their tickets, orders and waiting-list places, found by
 * member id or by the e-mail they bought with (compared lowercased). Read-only; the member's own
 * page and the GDPR export use it. Bounded by TICKETING_PERSON_ROWS.
 */
import type { Sqlite } from "../db/index.ts";

/** Rows of each kind returned for one person. */
export const TICKETING_PERSON_ROWS = 500;

export interface Person {
  readonly memberId: string | null;
  /** "" when unknown: then only the member id matches. */
  readonly email: string;
}

export interface PersonTicket {
  readonly id: string;
  readonly eventId: string;
  readonly eventTitle: string;
  readonly eventStartsAtMs: number;
  readonly productName: string;
  readonly holderName: string;
  readonly state: "valid" | "revoked";
  readonly orderId: string | null;
  readonly amountMinor: number | null;
  readonly issuedAtMs: number;
}

export interface PersonOrder {
  readonly id: string;
  readonly reference: string;
  readonly channel: string;
  readonly state: string;
  readonly buyerName: string;
  readonly buyerEmail: string;
  readonly buyerPhone: string;
  readonly memberId: string | null;
  readonly totalMinor: number;
  readonly paymentMethod: string | null;
  readonly createdAtMs: number;
  readonly paidAtMs: number | null;
  readonly lines: ReadonlyArray<{ readonly kind: string; readonly label: string; readonly quantity: number; readonly amountMinor: number }>;
}

export interface PersonWaiting {
  readonly id: string;
  readonly eventId: string;
  readonly name: string;
  readonly email: string;
  readonly state: string;
  readonly createdAtMs: number;
}

/** SQL matching a person's orders: the member's, or bought with their e-mail. */
const PERSON_ORDERS = "(member_id = ?1 OR (?2 <> '' AND lower(buyer_email) = ?2))";

function params(person: Person): [string, string] {
  // An impossible id when there is no member, so that "member_id = ?1" never matches NULL ids.
  return [person.memberId ?? "\u0000", person.email.trim().toLowerCase()];
}

export function ordersOfPerson(sqlite: Sqlite, person: Person): PersonOrder[] {
  const [memberId, email] = params(person);
  const orders = sqlite
    .query<Omit<PersonOrder, "lines">, [string, string, number]>(
      `SELECT id, reference, channel, state, buyer_name AS buyerName, buyer_email AS buyerEmail, buyer_phone AS buyerPhone, member_id AS memberId,
        total_minor AS totalMinor, payment_method AS paymentMethod, created_at_ms AS createdAtMs, paid_at_ms AS paidAtMs
        FROM orders WHERE ${PERSON_ORDERS} ORDER BY created_at_ms DESC LIMIT ?3`,
    )
    .all(memberId, email, TICKETING_PERSON_ROWS);
  const lines = sqlite.query<PersonOrder["lines"][number], [string]>(
    "SELECT kind, label, quantity, amount_minor AS amountMinor FROM order_lines WHERE order_id = ? ORDER BY idx",
  );
  return orders.map((order) => ({ ...order, lines: lines.all(order.id) }));
}

/** The person's tickets: issued to the member, or sold in one of the person's orders; latest event first. */
export function ticketsOfPerson(sqlite: Sqlite, person: Person): PersonTicket[] {
  const [memberId, email] = params(person);
  return sqlite
    .query<PersonTicket, [string, string, number]>(
      `SELECT t.id, t.event_id AS eventId, e.title AS eventTitle, e.starts_at_ms AS eventStartsAtMs, p.name AS productName, t.holder_name AS holderName,
        t.state, t.order_id AS orderId, t.amount_minor AS amountMinor, t.issued_at_ms AS issuedAtMs
        FROM tickets t JOIN events e ON e.id = t.event_id JOIN ticket_products p ON p.id = t.product_id
        WHERE t.member_id = ?1 OR t.order_id IN (SELECT id FROM orders WHERE ${PERSON_ORDERS})
        ORDER BY e.starts_at_ms DESC, t.id LIMIT ?3`,
    )
    .all(memberId, email, TICKETING_PERSON_ROWS);
}

export function waitingOfPerson(sqlite: Sqlite, person: Person): PersonWaiting[] {
  const [, email] = params(person);
  if (email === "") return [];
  return sqlite
    .query<PersonWaiting, [string, number]>(
      "SELECT id, event_id AS eventId, name, email, state, created_at_ms AS createdAtMs FROM waiting_list WHERE lower(email) = ? ORDER BY created_at_ms DESC LIMIT ?",
    )
    .all(email, TICKETING_PERSON_ROWS);
}
