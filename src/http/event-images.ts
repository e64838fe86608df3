/**
 * An event's uploaded image: uploading it (a multipart form on the event's admin page, bounded
 * by the router to `limits.uploadBodyBytes`), removing it (each change one transaction with its
 * record in the event log), and serving it at `/media/:id` with its own content type, nosniff,
 * a strong ETag (the bytes' SHA-256) and cache headers, 304 when the browser already holds it.
 * The image of a private event is served to logged-in staff only, like its page.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, limits } from "../kernel/index.ts";
import { eventImageBytes, findEvent, findEventImage, isListed, removeEventImage, saveEventImage } from "../ticketing/index.ts";
import type { Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { eventActor, STAFF } from "./pos-admin-views.ts";
import { refuse, type Route } from "./router.ts";
import { editPage, requireEvent } from "./ticketing.ts";

/** If-None-Match names this entity tag (weak comparison, as RFC 9110 says for If-None-Match), or is `*`. */
function notModified(header: string | null, sha256: string): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const tag = part.trim();
    return tag === "*" || tag.replace(/^W\//, "") === `"${sha256}"`;
  });
}

function serveImage(ctx: Ctx): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const image = findEventImage(sqlite, ctx.params.id ?? "");
  const event = image ? findEvent(sqlite, image.eventId) : undefined;
  // A private event's image is as unknown to the public as a missing one.
  if (!image || !event || (!isListed(event) && !ctx.session)) return refuse(ctx, "image_unknown", ctx.t("error.image_unknown"));
  const headers: Record<string, string> = {
    etag: `"${image.sha256}"`,
    // One address always serves the same bytes (a new upload gets a new id): cache it for good.
    "cache-control": isListed(event) ? "public, max-age=31536000, immutable" : "private, no-cache",
    "x-content-type-options": "nosniff",
  };
  if (notModified(ctx.request.headers.get("if-none-match"), image.sha256)) return new Response(null, { status: 304, headers });
  const bytes = eventImageBytes(sqlite, image.id)!;
  return new Response(bytes, { headers: { ...headers, "content-type": image.contentType, "content-length": String(bytes.length), "content-disposition": "inline" } });
}

async function uploadImageForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const file = ctx.files.get("image");
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    if (!file || file.bytes.length === 0) fail("image_required", "choose an image file");
    return deps.writer.submit((tx) => {
      const saved = saveEventImage(tx, deps.newId, event.id, file.bytes);
      appendEvent(tx, deps.signer, {
        kind: "config.event_image_saved",
        actor: eventActor(ctx),
        subject: `event:${event.id}`,
        detail: { image_id: saved.image.id, content_type: saved.image.contentType, width: saved.image.width, height: saved.image.height, bytes: saved.image.byteCount, sha256: saved.image.sha256, previous_url: saved.previousUrl },
      });
      return saved;
    });
  });
  const current = findEvent(deps.writer.sqlite, event.id)!;
  if (!outcome.ok) return editPage(ctx, current, { error: outcome.message, status: statusForCode(outcome.code) });
  return editPage(ctx, current, { notice: ctx.t("event_image.saved") });
}

async function removeImageForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const removed = removeEventImage(tx, event.id);
      appendEvent(tx, deps.signer, { kind: "config.event_image_removed", actor: eventActor(ctx), subject: `event:${event.id}`, detail: { previous_url: removed.previousUrl } });
      return removed;
    }),
  );
  const current = findEvent(deps.writer.sqlite, event.id)!;
  if (!outcome.ok) return editPage(ctx, current, { error: outcome.message, status: statusForCode(outcome.code) });
  return editPage(ctx, current, { notice: ctx.t("event_image.removed") });
}

export const eventImageRoutes: readonly Route[] = [
  { method: "GET", path: "/media/:id", access: { kind: "anyone" }, handle: serveImage },
  { method: "POST", path: "/admin/ticketing/events/:id/image", access: STAFF, handle: uploadImageForm, upload: { maxBytes: limits.uploadBodyBytes } },
  { method: "POST", path: "/admin/ticketing/events/:id/image/remove", access: STAFF, handle: removeImageForm },
];
