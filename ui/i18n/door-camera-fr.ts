/**
 * The door page's camera scanner, in French (merged into fr.ts). Trusted text only; "{url}" is a
 * variable t() escapes. door-camera.js reads the messages it shows from data attributes.
 */
export const doorCameraFr = {
  "door.camera.title": "Caméra",
  "door.camera.start": "Scanner avec la caméra",
  "door.camera.stop": "Arrêter la caméra",
  "door.camera.torch_on": "Allumer la lampe",
  "door.camera.torch_off": "Éteindre la lampe",
  "door.camera.starting": "Ouverture de la caméra…",
  "door.camera.scanning": "Placez le QR code du billet dans le cadre.",
  "door.camera.stopped": "Caméra arrêtée.",
  "door.camera.denied": "La caméra est refusée. Autorisez-la pour cette page dans les réglages du navigateur (icône à gauche de l'adresse), puis réessayez.",
  "door.camera.absent": "Aucune caméra trouvée sur cet appareil. Utilisez une douchette ou la recherche par nom.",
  "door.camera.busy": "La caméra est déjà utilisée par une autre application. Fermez-la, puis réessayez.",
  "door.camera.failed": "La caméra n'a pas pu démarrer. Réessayez, ou utilisez une douchette ou la recherche par nom.",
  "door.camera.unsupported": "Ce navigateur ne donne pas accès à la caméra. Utilisez Chrome (Android) ou Safari (iPhone) à jour.",
  "door.camera.decoder_failed": "Le lecteur de QR code n'a pas pu se charger. Rechargez la page.",
  "door.camera.insecure": "La caméra ne fonctionne que sur l'adresse sécurisée (https) de la boîte. Ouvrez cette adresse sur ce téléphone :",
  "door.camera.insecure_off": "La caméra ne fonctionne que sur une adresse sécurisée (https), et le HTTPS est désactivé sur cette boîte. Demandez à l'administrateur de l'activer, ou utilisez une douchette ou la recherche par nom.",
  "door.camera.certificate": "La première fois, installez le certificat de la boîte sur le téléphone :",
  "door.camera.certificate_link": "télécharger le certificat",
  "door.camera.guide": "Les étapes pour Android et iPhone sont dans le guide de la porte (docs/door.md), partie 1 (« The box's certificate », en anglais).",
  "door.camera.preview": "Image de la caméra",
} as const;
