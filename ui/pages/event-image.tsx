/**
 * An event's image on its admin page: the current one (uploaded, shown with its size, or an
 * address typed in the form), a multipart form to upload a file from a phone or a laptop, and a
 * button to remove it. The box checks the file's bytes; `accept` only helps the file picker.
 */
import { CsrfField } from "../layout.tsx";
import type { View } from "../view.ts";

export interface EventImageView {
  /** The event's image address (an uploaded `/media/...` one or a typed one), or null. */
  readonly url: string | null;
  /** Width and height when the image was uploaded to the box. */
  readonly size: { readonly width: number; readonly height: number } | undefined;
}

export function EventImageSection({ view, eventId, title, image }: { view: View; eventId: string; title: string; image: EventImageView }) {
  const { t } = view;
  const base = `/admin/ticketing/events/${encodeURIComponent(eventId)}/image`;
  return (
    <section aria-labelledby="event-image-title">
      <h2 id="event-image-title">{t("event_image.title")}</h2>
      {image.url === null ? (
        <p class="muted">{t("event_image.none")}</p>
      ) : image.size ? (
        <figure>
          <img src={image.url} alt={title} width={String(image.size.width)} height={String(image.size.height)} loading="lazy" style="max-width:100%;height:auto" />
          <figcaption class="muted">{t("event_image.current", { width: image.size.width, height: image.size.height })}</figcaption>
        </figure>
      ) : (
        <p class="muted">{t("event_image.address", { url: image.url })}</p>
      )}
      <form method="post" action={base} enctype="multipart/form-data" class="form">
        <CsrfField view={view} />
        <label for="event-image-file">{t("event_image.file")}</label>
        <input id="event-image-file" name="image" type="file" accept="image/jpeg,image/png,image/webp" required />
        <button type="submit" class="primary">
          {t("event_image.upload")}
        </button>
      </form>
      {image.url === null ? null : (
        <form method="post" action={`${base}/remove`} class="form" data-confirm={t("confirm.image_remove")}>
          <CsrfField view={view} />
          <button type="submit" class="danger">
            {t("event_image.remove")}
          </button>
        </form>
      )}
    </section>
  );
}
