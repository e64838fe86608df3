/** English texts of the box office going through the point of sale (merged into en.ts); the same keys as box-office-pos-fr.ts. */
import type { boxOfficePosFr } from "./box-office-pos-fr.ts";

export const boxOfficePosEn: Record<keyof typeof boxOfficePosFr, string> = {
  "error.box_office_point_of_sale_required":
    "Money taken at the box office (cash, card terminal) is a point-of-sale sale: first create an active point of sale of kind “Box office” (Point of sale › Points of sale). Free and “pay on site” still work.",
  "error.refund_needs_void": "This order was paid by a sale at the till, which may hold other items: void that sale at the till or in the list of sales.",
  "error.order_not_linked": "This order is already paid: nothing was taken.",
  "error.nothing_to_pay": "Nothing to pay: choose “Free” for an order of 0 €.",
  "order.refund_void_reason": "Refund of order {reference} (box office)",
  "order.refund_by_void": "Refund (voids sale no. {number})",
  "order.sale": "Sale",
  "order.sale_number": "no. {number}",
  "sell.no_box_office": "To take cash or a card terminal payment, the box needs a point of sale of kind \"Box office\"; without one, only \"Free\" and \"Pay on site\" work.",
  "sell.no_box_office_link": "Create the box office point of sale",
  "sell.point_of_sale": "Point of sale",
  "pos_reports.online_title": "Online sales",
  "pos_reports.online_help": "Orders paid online (payment provider) in the range, and those refunded. They are not cash-register sales: no fiscal record and no Z; the FEC books them in their own journal (VW).",
  "pos_reports.online_orders": "Orders paid online",
  "pos_reports.online_total": "Online total",
  "pos_reports.online_refunds": "Refunded ({count} orders)",
  "pos_reports.online_net": "Online net",
};
