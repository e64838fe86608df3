/** French texts of member prices online (member-prices-online.ts; merged into fr.ts). Trusted text only. */
export const memberPricesOnlineFr = {
  "member_prices_online.needs_membership": "Les tarifs adhérent demandent une adhésion valide : ils ne sont pas proposés ici.",
  "member_prices_online.title": "Vos tarifs adhérent en ligne",
  "member_prices_online.intro": "Ces événements ont un tarif adhérent en vente. Commandez depuis ce lien : votre adhésion est reconnue.",
  "member_prices_online.none": "Aucun événement à venir n'a de tarif adhérent en vente en ligne.",
  "member_prices_online.order": "Commander au tarif adhérent",
} as const;
