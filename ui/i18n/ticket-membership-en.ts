/** English texts: becoming a member at the same time on an event's order form (ticket-and-membership.ts; merged into en.ts). */
export const ticketMembershipEn = {
  "ticket_membership.title": "Become a member at the same time",
  "ticket_membership.help": "One order for the tickets and the membership. The membership is valid only once the order is paid: it does not give member prices in this order.",
  "ticket_membership.none": "No, thank you",
  "ticket_membership.fields_help": "If you become a member, the fields marked * are required.",
};
