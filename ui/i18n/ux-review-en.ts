/** English texts added by the user-experience review of issue #6 (merged into en.ts). */
export const uxReviewEn = {
  "confirm.order_refund": "Refund this order? Its tickets will be revoked.",
  "confirm.order_cancel": "Cancel this order? Its tickets will be revoked.",
  "confirm.ticket_revoke": "Revoke this ticket? It will be refused at the door.",
  "confirm.list_delete": "Delete this check-in list?",
  "confirm.image_remove": "Remove the event's image?",
  "online_order.all_sold_out": "Sold out: no tickets are left for sale.",
  "agenda.not_sold_online": "Tickets for this event are not sold online.",
  "ticket.print_page": "Print this page",
  "door.unpaid_ticket": "not paid: take the payment at the box office",
  "order_page.pay_on_site_no_tickets": "Pay at the front desk on your next visit, giving the order's reference.",
};
