// Proves an event's image upload end to end on a real SQLite file through app.handle: JPEG, PNG
// and WebP files written byte by byte in the test are recognised by their magic bytes and their
// sizes read from their headers; a GIF, an HTML file named .png, an image over 5 MB or 8000 px, a
// form without its CSRF token and a cashier are refused and write nothing; the box serves the very
// bytes with their type, nosniff, a SHA-256 ETag, cache headers and 304; the agenda shows the image
// with the escaped title as alt text and its size; replacing and removing are logged; a private
// event's image is staff-only; the iCal feed names it; and a backup carries it to a restored box.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { insertSession } from "../../src/auth/index.ts";
import { backup, restore } from "../../src/cli/backup.ts";
import { FakeClock, isAppError, limits, sha256Hex } from "../../src/kernel/index.ts";
import { createEvent, EVENT_IMAGE_LIMITS, findEvent, probeImage, type EventInput } from "../../src/ticketing/index.ts";
import { addOperator, Client, ORIGIN, setUp, tempFolder, testBox, type TestBox } from "../helpers/box.ts";
import { gifBytes, jpegBytes, pngBytes, webpExtendedBytes, webpLosslessBytes, webpLossyBytes } from "../helpers/images.ts";

const NOW = Date.UTC(2030, 2, 1, 12, 0);
const HOUR = 3_600_000;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

describe("probing image bytes", () => {
  test("PNG, JPEG and the three WebP kinds give their type and size", () => {
    expect(probeImage(pngBytes(3, 2))).toEqual({ contentType: "image/png", width: 3, height: 2 });
    expect(probeImage(jpegBytes(640, 480))).toEqual({ contentType: "image/jpeg", width: 640, height: 480 });
    expect(probeImage(webpLosslessBytes(300, 200))).toEqual({ contentType: "image/webp", width: 300, height: 200 });
    expect(probeImage(webpLossyBytes(1024, 768))).toEqual({ contentType: "image/webp", width: 1024, height: 768 });
    expect(probeImage(webpExtendedBytes(8000, 1))).toEqual({ contentType: "image/webp", width: 8000, height: 1 });
  });

  test("other bytes, truncated headers and absurd sizes are refused with their codes", () => {
    expect(codeOf(() => probeImage(gifBytes()))).toBe("image_type_invalid");
    expect(codeOf(() => probeImage(new TextEncoder().encode("<html><script>alert(1)</script></html>")))).toBe("image_type_invalid");
    expect(codeOf(() => probeImage(pngBytes(2, 2).subarray(0, 20)))).toBe("image_type_invalid");
    expect(codeOf(() => probeImage(jpegBytes(10, 10).subarray(0, 30)))).toBe("image_type_invalid");
    expect(codeOf(() => probeImage(new Uint8Array([0xff, 0xd8, 0xff, 0xd9])))).toBe("image_type_invalid");
    expect(codeOf(() => probeImage(new Uint8Array()))).toBe("image_type_invalid");
    expect(codeOf(() => probeImage(pngBytes(1, 1, { width: 8001, height: 10 })))).toBe("image_size_invalid");
    expect(codeOf(() => probeImage(jpegBytes(0, 10)))).toBe("image_size_invalid");
    expect(codeOf(() => probeImage(webpExtendedBytes(9000, 10)))).toBe("image_size_invalid");
    expect(codeOf(() => probeImage(new Uint8Array(EVENT_IMAGE_LIMITS.bytes + 1)))).toBe("image_too_large");
  });
});

describe("event image pages", () => {
  let box: TestBox;
  let admin: Client;
  const clock = new FakeClock(NOW);
  const make = (input: Partial<EventInput>) => {
    const startsAtMs = NOW + 24 * HOUR;
    const base: EventInput = { title: "x", description: "", imageUrl: null, startsAtMs, endsAtMs: startsAtMs + 2 * HOUR, doorsAtMs: startsAtMs, capacity: null, tags: [], visibility: "public" };
    return box.writer.transact((tx) => createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { ...base, ...input }));
  };
  const count = (sql: string) => box.writer.sqlite.query<{ n: number }, []>(sql).get()!.n;

  /** Posts a multipart form as a browser does (FormData sets the boundary), with the client's cookies and CSRF token. */
  async function upload(client: Client, eventId: string, file: Uint8Array<ArrayBuffer> | undefined, options: { name?: string; type?: string; csrf?: boolean } = {}): Promise<Response> {
    if (!client.cookies.has("tibox_csrf")) await client.get("/healthz");
    const form = new FormData();
    if (options.csrf !== false) form.set("_csrf", client.cookies.get("tibox_csrf")!);
    if (file) form.set("image", new File([file], options.name ?? "affiche.png", { type: options.type ?? "image/png" }));
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");
    return box.app.handle(new Request(`${ORIGIN}/admin/ticketing/events/${eventId}/image`, { method: "POST", headers: { cookie }, body: form }));
  }

  beforeAll(async () => {
    box = testBox({ clock });
    await setUp(box);
    admin = new Client(box);
    await admin.login();
  });
  afterAll(() => box.dispose());

  test("an admin uploads a PNG; the box serves the same bytes with type, nosniff, ETag, cache headers and 304", async () => {
    const event = make({ title: "Bal" });
    const png = pngBytes(4, 3);
    const response = await upload(admin, event.id, png, { name: "affiche.jpg", type: "image/jpeg" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Image enregistrée.");
    const saved = findEvent(box.writer.sqlite, event.id)!;
    expect(saved.imageUrl).toMatch(/^\/media\/[0-9A-Z]{26}$/);

    const served = await new Client(box).get(saved.imageUrl!);
    expect(served.status).toBe(200);
    // The type comes from the bytes, not from the name or the type the browser claimed.
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("etag")).toBe(`"${sha256Hex(png)}"`);
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);

    const again = await new Client(box).get(saved.imageUrl!, { "if-none-match": `W/"other", "${sha256Hex(png)}"` });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(`"${sha256Hex(png)}"`);
    expect(await again.text()).toBe("");
    expect((await new Client(box).get(saved.imageUrl!, { "if-none-match": '"stale"' })).status).toBe(200);
    expect(count("SELECT count(*) AS n FROM event_log WHERE kind = 'config.event_image_saved'")).toBe(1);
  });

  test("JPEG and WebP uploads are kept with their sizes; a new upload replaces the old one, whose address then answers 404", async () => {
    const event = make({ title: "Concert" });
    expect((await upload(admin, event.id, jpegBytes(1200, 800), { name: "photo.jpeg", type: "image/jpeg" })).status).toBe(200);
    const first = findEvent(box.writer.sqlite, event.id)!.imageUrl!;
    const firstRow = box.writer.sqlite.query<{ content_type: string; width: number; height: number }, [string]>("SELECT content_type, width, height FROM event_images WHERE event_id = ?").get(event.id);
    expect(firstRow).toEqual({ content_type: "image/jpeg", width: 1200, height: 800 });
    const page = await (await admin.get(`/admin/ticketing/events/${event.id}`)).text();
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toContain("1200 × 800 px");

    expect((await upload(admin, event.id, webpLosslessBytes(300, 200), { name: "affiche.webp", type: "image/webp" })).status).toBe(200);
    const second = findEvent(box.writer.sqlite, event.id)!.imageUrl!;
    expect(second).not.toBe(first);
    expect(count(`SELECT count(*) AS n FROM event_images WHERE event_id = '${event.id}'`)).toBe(1);
    expect((await new Client(box).get(first)).status).toBe(404);
    const served = await new Client(box).get(second);
    expect(served.headers.get("content-type")).toBe("image/webp");
  });

  test("a GIF, an HTML file named .png, a huge image and an absurd size are refused with their codes and write nothing", async () => {
    const event = make({ title: "Refus" });
    const before = count("SELECT count(*) AS n FROM event_images");
    const gif = await upload(admin, event.id, gifBytes(), { name: "anim.gif", type: "image/gif" });
    expect(gif.status).toBe(415);
    expect(await gif.text()).toContain("Seules les images JPEG, PNG ou WebP sont acceptées.");
    const html = await upload(admin, event.id, new TextEncoder().encode("<html><script>alert(1)</script></html>"), { name: "affiche.png", type: "image/png" });
    expect(html.status).toBe(415);
    const huge = new Uint8Array(EVENT_IMAGE_LIMITS.bytes + 1);
    huge.set(pngBytes(1, 1));
    const heavy = await upload(admin, event.id, huge);
    expect(heavy.status).toBe(413);
    expect(await heavy.text()).toContain("trop lourde");
    const wide = await upload(admin, event.id, pngBytes(1, 1, { width: 9000, height: 10 }));
    expect(wide.status).toBe(400);
    expect(await wide.text()).toContain("8000 pixels");
    const none = await upload(admin, event.id, undefined);
    expect(none.status).toBe(400);
    expect(count("SELECT count(*) AS n FROM event_images")).toBe(before);
    expect(findEvent(box.writer.sqlite, event.id)!.imageUrl).toBeNull();
  });

  test("a body over the upload bound is refused with body_too_large before it is read whole; a multipart body elsewhere is unsupported", async () => {
    const event = make({ title: "Trop" });
    const cookie = `tibox_csrf=${admin.cookies.get("tibox_csrf")}; tibox_session=${admin.cookies.get("tibox_session")}`;
    const boundary = "----tibox";
    const big = new Uint8Array(limits.uploadBodyBytes + 10);
    const declared = await box.app.handle(
      new Request(`${ORIGIN}/admin/ticketing/events/${event.id}/image`, { method: "POST", headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}`, accept: "application/json" }, body: big }),
    );
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { code: string }).code).toBe("body_too_large");
    // Without a declared length (a stream), the reader stops at the bound.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(new Uint8Array(1024 * 1024));
        controller.close();
      },
    });
    const streamed = await box.app.handle(
      new Request(`${ORIGIN}/admin/ticketing/events/${event.id}/image`, { method: "POST", headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}`, accept: "application/json" }, body: stream }),
    );
    expect(streamed.status).toBe(413);
    const garbled = await box.app.handle(
      new Request(`${ORIGIN}/admin/ticketing/events/${event.id}/image`, { method: "POST", headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}`, accept: "application/json" }, body: "no parts here" }),
    );
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { code: string }).code).toBe("malformed_form");
    const form = new FormData();
    form.set("_csrf", admin.cookies.get("tibox_csrf")!);
    form.set("title", "x");
    const elsewhere = await box.app.handle(new Request(`${ORIGIN}/admin/ticketing/events/${event.id}`, { method: "POST", headers: { cookie, accept: "application/json" }, body: form }));
    expect(elsewhere.status).toBe(415);
    expect(findEvent(box.writer.sqlite, event.id)!.title).toBe("Trop");
  });

  test("without the CSRF token, or as a cashier, the upload is refused and nothing is written", async () => {
    const event = make({ title: "Gardé" });
    const noCsrf = await upload(admin, event.id, pngBytes(2, 2), { csrf: false });
    expect(noCsrf.status).toBe(403);
    const cashier = new Client(box);
    const cashierId = (await addOperator(box, "cashier", "Cassandre", { pin: "1357" })).id;
    cashier.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, cashierId, null)).cookieValue);
    expect((await upload(cashier, event.id, pngBytes(2, 2))).status).toBe(403);
    const removal = await cashier.post(`/admin/ticketing/events/${event.id}/image/remove`, {});
    expect(removal.status).toBe(403);
    expect(findEvent(box.writer.sqlite, event.id)!.imageUrl).toBeNull();
    expect(count(`SELECT count(*) AS n FROM event_images WHERE event_id = '${event.id}'`)).toBe(0);
  });

  test("the agenda and the event page show the image with the escaped title as alt text, lazy, with its size", async () => {
    const title = `"><script>alert(1)</script> Fête`;
    const event = make({ title });
    expect((await upload(admin, event.id, pngBytes(5, 7))).status).toBe(200);
    const url = findEvent(box.writer.sqlite, event.id)!.imageUrl!;
    for (const path of ["/agenda", `/agenda/${event.id}`]) {
      // Parsed as a browser would: the title stays inside the alt attribute (raw text below, its quote as &#34;) and adds no script.
      const images: Array<Record<string, string | null>> = [];
      let inlineScripts = 0;
      await new HTMLRewriter()
        .on("img", { element: (img) => void images.push({ src: img.getAttribute("src"), alt: img.getAttribute("alt"), loading: img.getAttribute("loading"), width: img.getAttribute("width"), height: img.getAttribute("height") }) })
        .on("script", { element: (script) => void (script.getAttribute("src") === null && inlineScripts++) })
        .transform(await new Client(box).get(path))
        .text();
      expect(images.find((image) => image.src === url)).toEqual({ src: url, alt: title.replace(/"/g, "&#34;"), loading: "lazy", width: "5", height: "7" });
      expect(inlineScripts).toBe(0);
    }
    // A typed address keeps working, without a size.
    const typed = make({ title: "Affiche web", imageUrl: "https://example.org/affiche.jpg" });
    const page = await (await new Client(box).get(`/agenda/${typed.id}`)).text();
    expect(page).toContain('<img src="https://example.org/affiche.jpg" alt="Affiche web" loading="lazy"');
    const feed = await (await new Client(box).get("/agenda.ics")).text();
    const unfolded = feed.replace(/\r\n /g, "");
    expect(unfolded).toContain(`IMAGE;VALUE=URI;DISPLAY=BADGE:http://localhost${url}`);
    expect(unfolded).toContain("IMAGE;VALUE=URI;DISPLAY=BADGE:https://example.org/affiche.jpg");
  });

  test("a private event's image is served to staff only, uncached by shared caches", async () => {
    const event = make({ title: "Réunion", visibility: "private" });
    expect((await upload(admin, event.id, pngBytes(2, 2))).status).toBe(200);
    const url = findEvent(box.writer.sqlite, event.id)!.imageUrl!;
    expect((await new Client(box).get(url)).status).toBe(404);
    const staff = await admin.get(url);
    expect(staff.status).toBe(200);
    expect(staff.headers.get("cache-control")).toBe("private, no-cache");
    expect((await new Client(box).get("/media/nothing")).status).toBe(404);
  });

  test("removing the image clears the address and the bytes, logged; removing again is refused; typing an address over an upload drops its bytes", async () => {
    const event = make({ title: "Retrait" });
    expect((await upload(admin, event.id, pngBytes(2, 2))).status).toBe(200);
    const url = findEvent(box.writer.sqlite, event.id)!.imageUrl!;
    const removed = await admin.post(`/admin/ticketing/events/${event.id}/image/remove`, {});
    expect(removed.status).toBe(200);
    expect(await removed.text()).toContain("Image retirée.");
    expect(findEvent(box.writer.sqlite, event.id)!.imageUrl).toBeNull();
    expect((await new Client(box).get(url)).status).toBe(404);
    expect(count("SELECT count(*) AS n FROM event_log WHERE kind = 'config.event_image_removed'")).toBe(1);
    expect((await admin.post(`/admin/ticketing/events/${event.id}/image/remove`, {})).status).toBe(409);

    expect((await upload(admin, event.id, pngBytes(2, 2))).status).toBe(200);
    const form = { title: "Retrait", description: "", image_url: "https://example.org/a.png", starts_at: "2030-03-02T13:00", ends_at: "2030-03-02T15:00", doors_at: "", capacity: "", tags: "", visibility: "public" };
    expect((await admin.post(`/admin/ticketing/events/${event.id}`, form)).status).toBe(200);
    expect(findEvent(box.writer.sqlite, event.id)!.imageUrl).toBe("https://example.org/a.png");
    expect(count(`SELECT count(*) AS n FROM event_images WHERE event_id = '${event.id}'`)).toBe(0);
  });

  test("a backup carries the uploaded images: restored, the same bytes are there", async () => {
    const event = make({ title: "Sauvegardé" });
    const png = pngBytes(6, 6);
    expect((await upload(admin, event.id, png)).status).toBe(200);
    const backups = tempFolder();
    const restored = tempFolder();
    try {
      const file = backup(box.folder, backups.path, clock);
      restore(file, restored.path, false, clock);
      const db = new Database(join(restored.path, "tibox.db"), { readonly: true });
      try {
        const row = db.query<{ bytes: Uint8Array; sha256: string }, [string]>("SELECT bytes, sha256 FROM event_images WHERE event_id = ?").get(event.id)!;
        expect(new Uint8Array(row.bytes)).toEqual(png);
        expect(row.sha256).toBe(sha256Hex(png));
      } finally {
        db.close();
      }
    } finally {
      backups.remove();
      restored.remove();
    }
  });
});
