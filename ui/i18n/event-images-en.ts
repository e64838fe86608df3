/** English texts of an event's uploaded image (merged into en.ts); the same keys as event-images-fr.ts. */
import type { eventImagesFr } from "./event-images-fr.ts";

export const eventImagesEn: Record<keyof typeof eventImagesFr, string> = {
  "event_image.title": "Event image",
  "event_image.current": "Current image ({width} × {height} px)",
  "event_image.address": "Current image: address {url}",
  "event_image.none": "No image yet.",
  "event_image.file": "Image file (JPEG, PNG or WebP, at most 5 MB and 8000 px)",
  "event_image.upload": "Upload the image",
  "event_image.remove": "Remove the image",
  "event_image.saved": "Image saved.",
  "event_image.removed": "Image removed.",
  "error.image_required": "Choose an image file.",
  "error.image_too_large": "This image is too heavy: 5 MB at most.",
  "error.image_type_invalid": "Only JPEG, PNG or WebP images are accepted.",
  "error.image_size_invalid": "This image is too big: 8000 pixels a side at most.",
  "error.image_none": "This event has no image.",
  "error.image_unknown": "No such image.",
  "error.malformed_form": "The form sent cannot be read.",
};
