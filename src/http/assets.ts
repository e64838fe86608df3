/**
 * Static assets, embedded in the compiled binary: `with { type: "file" }` makes `bun build
 * --compile` carry each file, and Bun.file() reads it from inside the binary at run time.
 * (@elysiajs/static reads the working directory and would not find them in a lone binary.)
 */
import htmxPath from "htmx.org/dist/htmx.min.js" with { type: "file" };
import cssPath from "../../ui/static/app.css" with { type: "file" };
import appJsPath from "../../ui/static/app.js" with { type: "file" };
import sseExtensionPath from "htmx-ext-sse/dist/sse.min.js" with { type: "file" };
import tapsJsPath from "../../ui/static/taps.js" with { type: "file" };
import tillJsPath from "../../ui/static/till.js" with { type: "file" };
import doorJsPath from "../../ui/static/door.js" with { type: "file" };
import doorCameraJsPath from "../../ui/static/door-camera.js" with { type: "file" };
import doorOfflineJsPath from "../../ui/static/gen/door-offline.js" with { type: "file" };
import doorIconPath from "../../ui/static/door-icon.svg" with { type: "file" };
import jsqrPath from "jsqr/dist/jsQR.js" with { type: "file" };

export interface Asset {
  readonly path: string;
  readonly contentType: string;
}

export const ASSETS: Readonly<Record<string, Asset>> = {
  "htmx.min.js": { path: htmxPath, contentType: "text/javascript; charset=utf-8" },
  "app.css": { path: cssPath, contentType: "text/css; charset=utf-8" },
  "app.js": { path: appJsPath, contentType: "text/javascript; charset=utf-8" },
  // htmx 2's server-sent events extension, and the till page's card readers (keyboard, Web NFC).
  "htmx-ext-sse.js": { path: sseExtensionPath, contentType: "text/javascript; charset=utf-8" },
  "taps.js": { path: tapsJsPath, contentType: "text/javascript; charset=utf-8" },
  // The till's offline banner, kept cart and payment retries.
  "till.js": { path: tillJsPath, contentType: "text/javascript; charset=utf-8" },
  // The door page's scanner input (keyboard-wedge QR scanners) and its per-scan nonces.
  "door.js": { path: doorJsPath, contentType: "text/javascript; charset=utf-8" },
  // The door page's camera scanner, and jsQR (1.4.0, Apache-2.0), the QR decoder it loads when
  // the browser has no BarcodeDetector for QR codes (desktop Chrome on Linux, Safari, Firefox).
  "door-camera.js": { path: doorCameraJsPath, contentType: "text/javascript; charset=utf-8" },
  // The offline door (ui/client/door-offline.ts bundled with @noble/curves by deploy/bundle-client.ts)
  // and the installed door page's icon.
  "door-offline.js": { path: doorOfflineJsPath, contentType: "text/javascript; charset=utf-8" },
  "door-icon.svg": { path: doorIconPath, contentType: "image/svg+xml" },
  "jsqr.js": { path: jsqrPath, contentType: "text/javascript; charset=utf-8" },
};

export function assetResponse(name: string): Response | undefined {
  const asset = ASSETS[name];
  if (!asset) return undefined;
  return new Response(Bun.file(asset.path), {
    headers: { "content-type": asset.contentType, "cache-control": "public, max-age=3600" },
  });
}
