/** Tickets at the till in English (merged into en.ts); the keys are those of till-tickets-fr.ts. */
export const tillTicketsEn = {
  "till_tickets.title": "Tickets",
  "till_tickets.sold_out": "sold out",
  "till_tickets.left": "{count} places left",
  "till_tickets.member_price": "member price (member card)",
  "till_tickets.issued": "{count} ticket(s), order {reference}",
  "till_tickets.print": "Print the tickets",
  "till_tickets.printed": "Tickets sent to the printer ({count}).",
  "till_tickets.no_printer": "No printer at this point of sale: open the tickets' page.",
  "till_tickets.open_page": "Tickets' page (QR codes)",
  "till_tickets.page_title": "Tickets of order {reference}",
  "till_tickets.back": "Back to the till",
  "till_tickets.training": "Training sale: the tickets were checked (places, limits), none was issued.",
  "error.order_not_at_this_till": "This order was not sold at this till.",
};
