/** French texts added by the user-experience review of issue #6 (merged into fr.ts). Trusted text only. */
export const uxReviewFr = {
  "confirm.order_refund": "Rembourser cette commande ? Ses billets seront révoqués.",
  "confirm.order_cancel": "Annuler cette commande ? Ses billets seront révoqués.",
  "confirm.ticket_revoke": "Révoquer ce billet ? Il sera refusé à l'entrée.",
  "confirm.list_delete": "Supprimer cette liste d'entrée ?",
  "confirm.image_remove": "Retirer l'image de l'événement ?",
  "online_order.all_sold_out": "Complet : il n'y a plus de billets en vente.",
  "agenda.not_sold_online": "Pas de vente en ligne pour cet événement.",
  "ticket.print_page": "Imprimer cette page",
  "door.unpaid_ticket": "non payé : à encaisser à la billetterie",
  "order_page.pay_on_site_no_tickets": "Payez à l'accueil lors de votre prochaine venue, en donnant la référence de la commande.",
} as const;
