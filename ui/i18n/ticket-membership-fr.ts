/** Textes français : adhérer en même temps sur le formulaire de commande d'un événement (ticket-and-membership.ts ; fusionnés dans fr.ts). */
export const ticketMembershipFr = {
  "ticket_membership.title": "Adhérer en même temps",
  "ticket_membership.help":
    "Une seule commande pour les places et l'adhésion. L'adhésion n'est valable qu'une fois la commande payée : elle ne donne pas droit aux tarifs adhérent de cette commande.",
  "ticket_membership.none": "Non merci",
  "ticket_membership.fields_help": "Si vous adhérez, les champs marqués * sont obligatoires.",
};
