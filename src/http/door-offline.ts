/**
 * The offline door's two files that cannot live under /assets/ (docs/door.md, "Offline"):
 * - `/door-sw.js`, the service worker: a worker controls only pages under the folder it is
 *   served from, so it is served from the root to control /door (registered with scope /door);
 *   `no-cache` makes the browser check it for a new version at each load;
 * - `/door.webmanifest`, the web app manifest that makes the door page installable.
 * Both are public like every static file: they hold no data, the page they serve does.
 */
import swPath from "../../ui/static/door-sw.js" with { type: "file" };
import manifestPath from "../../ui/static/door.webmanifest" with { type: "file" };
import type { Route } from "./router.ts";

const PUBLIC = { kind: "public" } as const;

function file(path: string, contentType: string, cacheControl: string): Response {
  return new Response(Bun.file(path), { headers: { "content-type": contentType, "cache-control": cacheControl, "x-content-type-options": "nosniff" } });
}

export const doorOfflineRoutes: readonly Route[] = [
  { method: "GET", path: "/door-sw.js", access: PUBLIC, handle: () => file(swPath, "text/javascript; charset=utf-8", "no-cache") },
  { method: "GET", path: "/door.webmanifest", access: PUBLIC, handle: () => file(manifestPath, "application/manifest+json", "public, max-age=3600") },
];
