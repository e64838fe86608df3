/** Textes de la billetterie passée par le point de vente (fusionnés dans fr.ts) : refus et mentions. */
export const boxOfficePosFr = {
  "error.box_office_point_of_sale_required":
    "L'argent encaissé à la billetterie (espèces, TPE) est une vente du point de vente : créez d'abord un point de vente actif de type « Billetterie » (Point de vente › Points de vente). Gratuit et « à payer sur place » restent possibles.",
  "error.refund_needs_void": "Cette commande a été payée par une vente à la caisse, qui peut contenir d'autres articles : annulez cette vente à la caisse ou dans la liste des ventes.",
  "error.order_not_linked": "Cette commande est déjà payée : rien n'a été encaissé.",
  "error.nothing_to_pay": "Rien à payer : choisissez « Gratuit » pour une commande à 0 €.",
  "order.refund_void_reason": "Remboursement de la commande {reference} (billetterie)",
  "order.refund_by_void": "Rembourser (annule la vente n° {number})",
  "order.sale": "Vente",
  "order.sale_number": "n° {number}",
  "sell.no_box_office": "Pour encaisser en espèces ou au TPE, il faut un point de vente de type « Billetterie » ; sans lui, seuls « Gratuit » et « À payer sur place » sont possibles.",
  "sell.no_box_office_link": "Créer le point de vente Billetterie",
  "sell.point_of_sale": "Point de vente",
  "pos_reports.online_title": "Ventes en ligne",
  "pos_reports.online_help": "Commandes payées en ligne (prestataire de paiement) sur la période, et celles remboursées. Ce ne sont pas des ventes de caisse : ni enregistrement fiscal ni Z ; le FEC les passe dans leur propre journal (VW).",
  "pos_reports.online_orders": "Commandes payées en ligne",
  "pos_reports.online_total": "Total en ligne",
  "pos_reports.online_refunds": "Remboursé ({count} commandes)",
  "pos_reports.online_net": "Net en ligne",
} as const;
