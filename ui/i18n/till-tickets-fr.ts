/**
 * Tickets at the till in French (merged into fr.ts): the grid's ticket section, the tickets of a
 * paid sale and their printable page. Trusted text only; "{name}" is a variable t() escapes.
 */
export const tillTicketsFr = {
  "till_tickets.title": "Billets",
  "till_tickets.sold_out": "complet",
  "till_tickets.left": "{count} places restantes",
  "till_tickets.member_price": "tarif adhérent (carte d'adhérent)",
  "till_tickets.issued": "{count} billet(s), commande {reference}",
  "till_tickets.print": "Imprimer les billets",
  "till_tickets.printed": "Billets envoyés à l'imprimante ({count}).",
  "till_tickets.no_printer": "Pas d'imprimante à ce point de vente : ouvrez la page des billets.",
  "till_tickets.open_page": "Page des billets (QR codes)",
  "till_tickets.page_title": "Billets de la commande {reference}",
  "till_tickets.back": "Retour à la caisse",
  "till_tickets.training": "Vente de formation : les billets ont été vérifiés (places, limites), aucun n'a été émis.",
  "error.order_not_at_this_till": "Cette commande n'a pas été vendue à cette caisse.",
} as const;
