// Proves the pure parts of the door page's camera scanner (ui/static/door-camera.js), run here
// outside a browser in a bare VM context (no document, so the page wiring stays off): which decoder
// is chosen (BarcodeDetector only when it lists qr_code, else the embedded jsQR), the size frames
// are decoded at (at most 640 px, never enlarged), the debounce (the same text once per 3 s, any
// other text at once), and which message each camera failure gets. Also that the box serves the
// script and the jsQR decoder it embeds, and that jsQR, loaded as the page loads it (a classic
// script), decodes a ticket-like QR code drawn from uqr's matrix.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { encode } from "uqr";
import { ASSETS, assetResponse } from "../../src/http/assets.ts";

interface Debouncer {
  accept(text: unknown, nowMs: number): boolean;
}

interface DoorCamera {
  readonly DEBOUNCE_MS: number;
  readonly FRAME_INTERVAL_MS: number;
  readonly MAX_SIDE_PX: number;
  decoderKind(hasBarcodeDetector: boolean, formats: unknown): "native" | "jsqr";
  scaledSize(widthPx: number, heightPx: number, maxSidePx: number): { width: number; height: number };
  createDebouncer(windowMs: number): Debouncer;
  failureMessage(errorName: string | undefined): string;
}

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: unknown) => { data: string } | null;

const STATIC = join(import.meta.dir, "../../ui/static");

function loadCamera(): DoorCamera {
  const sandbox: { tiboxDoorCamera?: DoorCamera } = {};
  runInNewContext(readFileSync(join(STATIC, "door-camera.js"), "utf8"), sandbox);
  if (!sandbox.tiboxDoorCamera) throw new Error("door-camera.js did not export tiboxDoorCamera");
  return sandbox.tiboxDoorCamera;
}

/** jsQR's dist file run as the browser runs it: a classic script that sets `self.jsQR`. */
async function loadJsQr(): Promise<JsQr> {
  const sandbox: { self?: unknown; jsQR?: JsQr } = {};
  sandbox.self = sandbox;
  runInNewContext(await Bun.file(ASSETS["jsqr.js"]!.path).text(), sandbox);
  if (!sandbox.jsQR) throw new Error("jsQR did not define itself");
  return sandbox.jsQR;
}

/** RGBA pixels of `text`'s QR code, black on white, `modulePx` per module, 4 modules of quiet zone. */
function qrImage(text: string, modulePx: number): { data: Uint8ClampedArray; size: number } {
  const matrix = encode(text, { border: 4 }).data;
  const size = matrix.length * modulePx;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!matrix[Math.floor(y / modulePx)]![Math.floor(x / modulePx)]) continue;
      const at = (y * size + x) * 4;
      data[at] = data[at + 1] = data[at + 2] = 0;
    }
  }
  return { data, size };
}

describe("door-camera.js, its pure parts", () => {
  const camera = loadCamera();

  test("the constants the page promises: 3 s debounce, a frame every 100-150 ms, 640 px", () => {
    expect(camera.DEBOUNCE_MS).toBe(3000);
    expect(camera.FRAME_INTERVAL_MS).toBeGreaterThanOrEqual(100);
    expect(camera.FRAME_INTERVAL_MS).toBeLessThanOrEqual(150);
    expect(camera.MAX_SIDE_PX).toBe(640);
  });

  test("BarcodeDetector only when it reads QR codes; otherwise the embedded jsQR", () => {
    expect(camera.decoderKind(true, ["ean_13", "qr_code"])).toBe("native");
    expect(camera.decoderKind(true, ["ean_13", "code_128"])).toBe("jsqr");
    expect(camera.decoderKind(true, [])).toBe("jsqr");
    expect(camera.decoderKind(true, null)).toBe("jsqr");
    expect(camera.decoderKind(false, ["qr_code"])).toBe("jsqr");
  });

  test("frames are decoded at most 640 px on their longest side, proportions kept, never enlarged", () => {
    expect(camera.scaledSize(1280, 720, 640)).toEqual({ width: 640, height: 360 });
    expect(camera.scaledSize(720, 1280, 640)).toEqual({ width: 360, height: 640 });
    expect(camera.scaledSize(1920, 1080, 640)).toEqual({ width: 640, height: 360 });
    expect(camera.scaledSize(640, 480, 640)).toEqual({ width: 640, height: 480 });
    expect(camera.scaledSize(320, 240, 640)).toEqual({ width: 320, height: 240 });
    expect(camera.scaledSize(0, 480, 640)).toEqual({ width: 0, height: 0 });
  });

  test("debounce: the same text once per 3 s from its last sending; another text at once; empty never", () => {
    const debouncer = camera.createDebouncer(3000);
    expect(debouncer.accept("TICKET-A", 10_000)).toBe(true);
    expect(debouncer.accept("TICKET-A", 10_120)).toBe(false);
    expect(debouncer.accept("TICKET-A", 12_999)).toBe(false);
    expect(debouncer.accept("TICKET-A", 13_000)).toBe(true);
    expect(debouncer.accept("TICKET-A", 15_000)).toBe(false);
    // The next person: at once, and the first ticket again is then a new scan at once too.
    expect(debouncer.accept("TICKET-B", 15_100)).toBe(true);
    expect(debouncer.accept("TICKET-A", 15_200)).toBe(true);
    expect(debouncer.accept("", 30_000)).toBe(false);
    expect(debouncer.accept(null, 30_000)).toBe(false);
  });

  test("each camera failure gets its message", () => {
    expect(camera.failureMessage("NotAllowedError")).toBe("denied");
    expect(camera.failureMessage("SecurityError")).toBe("denied");
    expect(camera.failureMessage("NotFoundError")).toBe("absent");
    expect(camera.failureMessage("OverconstrainedError")).toBe("absent");
    expect(camera.failureMessage("NotReadableError")).toBe("busy");
    expect(camera.failureMessage("TypeError")).toBe("failed");
    expect(camera.failureMessage(undefined)).toBe("failed");
  });
});

describe("the embedded decoder", () => {
  test("the box serves door-camera.js and jsQR as scripts", async () => {
    for (const name of ["door-camera.js", "jsqr.js"]) {
      const response = assetResponse(name)!;
      expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect((await response.text()).length).toBeGreaterThan(1000);
    }
  });

  test("jsQR, loaded as the page loads it, decodes a ticket-sized alphanumeric QR code; a blank picture gives nothing", async () => {
    const jsQR = await loadJsQr();
    const text = "TBX1:JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const image = qrImage(text, 6);
    expect(jsQR(image.data, image.size, image.size, { inversionAttempts: "dontInvert" })?.data).toBe(text);
    const blank = new Uint8ClampedArray(image.data.length).fill(255);
    expect(jsQR(blank, image.size, image.size, { inversionAttempts: "dontInvert" })).toBeNull();
  });
});
