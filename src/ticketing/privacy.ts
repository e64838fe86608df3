/**
 * Erasing a person from ticketing, on request (GDPR), inside the caller's transaction (the
 * member's own erasure runs in the same one). Orders of the member, or bought with their e-mail,
 * keep their amounts, lines and states (the accounts need them) but the buyer's name becomes the
 * pseudonym and the e-mail and phone are emptied; the per-person limit key becomes the member's,
 * so limits keep counting. Their tickets' holder name becomes the pseudonym (the signed QR never
 * held a name, so tickets still scan). Waiting-list places under the e-mail are renamed, emptied
 * and removed (nobody can be told any more). E-mails to that address in the outbox lose their
 * address and text, and those not yet sent are marked failed.
 */
import { assert } from "../kernel/index.ts";
import type { Tx } from "../db/index.ts";

export interface ErasePersonInput {
  readonly memberId: string | null;
  /** The e-mail the person used; "" when none (then only the member id matches). */
  readonly email: string;
  readonly pseudonym: string;
}

export interface TicketingErasure {
  readonly orders: number;
  readonly tickets: number;
  readonly waiting: number;
  readonly emails: number;
}

export function erasePerson(tx: Tx, input: ErasePersonInput): TicketingErasure {
  assert(input.pseudonym.trim() !== "", "a pseudonym is given");
  const memberId = input.memberId ?? "\u0000";
  const email = input.email.trim().toLowerCase();
  const sqlite = tx.sqlite;
  const orderIds = sqlite
    .query<{ id: string }, [string, string]>("SELECT id FROM orders WHERE member_id = ?1 OR (?2 <> '' AND lower(buyer_email) = ?2)")
    .all(memberId, email)
    .map((row) => row.id);
  const personKey = input.memberId !== null ? `member:${input.memberId}` : null;
  const updateOrder = sqlite.query("UPDATE orders SET buyer_name = ?, buyer_email = '', buyer_phone = '', person_key = coalesce(?, person_key) WHERE id = ?");
  const renameTickets = sqlite.query("UPDATE tickets SET holder_name = ? WHERE order_id = ?");
  let tickets = 0;
  for (const id of orderIds) {
    updateOrder.run(input.pseudonym, personKey, id);
    tickets += renameTickets.run(input.pseudonym, id).changes;
  }
  tickets += sqlite.query("UPDATE tickets SET holder_name = ? WHERE member_id = ? AND holder_name <> ?").run(input.pseudonym, memberId, input.pseudonym).changes;
  let waiting = 0;
  let emails = 0;
  if (email !== "") {
    waiting = sqlite
      .query("UPDATE waiting_list SET name = ?, email = '', state = CASE WHEN state = 'waiting' THEN 'removed' ELSE state END WHERE lower(email) = ?")
      .run(input.pseudonym, email).changes;
    emails = sqlite
      .query(
        `UPDATE email_outbox SET to_address = '', subject = '', text_body = '', html_body = NULL,
          state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END, last_error = CASE WHEN state = 'queued' THEN 'erased' ELSE last_error END
          WHERE lower(to_address) = ?`,
      )
      .run(email).changes;
  }
  return { orders: orderIds.length, tickets, waiting, emails };
}
