/**
 * The offline door (door-offline.ts), in French (merged into fr.ts). Trusted text only; the page
 * receives these templates in a data attribute and fills "{n}", "{time}", "{door}", "{holder}",
 * "{code}" itself, as text (never as HTML).
 */
export const doorOfflineFr = {
  "door.offline.banner": "Hors ligne : {n} passage(s) en attente d'envoi.",
  "door.offline.banner_empty": "Hors ligne : les billets sont vérifiés sur ce téléphone.",
  "door.offline.pending": "{n} passage(s) en attente d'envoi à la boîte.",
  "door.offline.locked": "{n} passage(s) en attente : déverrouillez ce terminal pour les envoyer.",
  "door.offline.saved": "Liste enregistrée sur ce téléphone à {time} ({n} billets) : l'entrée continue sans la boîte.",
  "door.offline.not_saved": "La liste des billets n'est pas encore enregistrée sur ce téléphone.",
  "door.offline.admitted": "Entrée validée (hors ligne)",
  "door.offline.exited": "Sortie enregistrée (hors ligne)",
  "door.offline.unknown_holder": "Billet vendu après la dernière mise à jour de la liste.",
  "door.offline.already_redeemed": "Billet déjà passé à {time}.",
  "door.offline.no_snapshot": "Hors ligne, et aucune liste n'est enregistrée sur ce téléphone pour cet événement : impossible de vérifier ce billet.",
  "door.offline.refused_code": "Refusé ({code}).",
  "door.offline.search": "Hors ligne : la recherche par nom revient avec la boîte. Scannez le billet.",
  "door.offline.reports": "Signalé par la boîte",
  "door.offline.conflict": "Conflit : {holder}, entré(e) ici hors ligne à {time}, était déjà passé(e) à {first} à « {door} ».",
  "door.offline.conflict_other": "Conflit : le passage hors ligne de {holder} à {time} est refusé par la boîte ({code}).",
  "door.offline.rejected": "Passage hors ligne de {time} non accepté par la boîte ({code}).",
  "door.offline.clear_reports": "Effacer ces messages",
  "door.offline.someone": "ce billet",
  "door.offline.forget": "Effacer les données de cet événement sur ce téléphone",
  "door.offline.forget_ready": "Les noms des détenteurs restent sur ce téléphone jusqu'à 12 h après la fin de l'événement, puis sont effacés d'eux-mêmes.",
  "door.offline.forget_waiting": "{n} passage(s) en attente d'envoi : les données restent sur ce téléphone jusqu'à leur envoi.",
  "door.offline.forget_nothing": "Aucune donnée de cet événement sur ce téléphone.",
  "door.offline.forget_confirm": "Effacer de ce téléphone la liste des billets de cet événement, noms compris ? Sans la boîte, ses billets ne pourront plus être vérifiés sur ce téléphone.",
} as const;
