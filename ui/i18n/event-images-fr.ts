/** French texts of an event's uploaded image (merged into fr.ts). Trusted text only. */
export const eventImagesFr = {
  "event_image.title": "Image de l'événement",
  "event_image.current": "Image actuelle ({width} × {height} px)",
  "event_image.address": "Image actuelle : adresse {url}",
  "event_image.none": "Pas d'image pour l'instant.",
  "event_image.file": "Fichier image (JPEG, PNG ou WebP, 5 Mo et 8000 px au plus)",
  "event_image.upload": "Envoyer l'image",
  "event_image.remove": "Retirer l'image",
  "event_image.saved": "Image enregistrée.",
  "event_image.removed": "Image retirée.",
  "error.image_required": "Choisissez un fichier image.",
  "error.image_too_large": "Cette image est trop lourde : 5 Mo au plus.",
  "error.image_type_invalid": "Seules les images JPEG, PNG ou WebP sont acceptées.",
  "error.image_size_invalid": "Cette image est trop grande : 8000 pixels de côté au plus.",
  "error.image_none": "Cet événement n'a pas d'image.",
  "error.image_unknown": "Cette image n'existe pas.",
  "error.malformed_form": "Le formulaire envoyé est illisible.",
} as const;
