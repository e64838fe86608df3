// Proves the pure parts of the door page's camera scanner (ui/static/door-camera.js), run here
// outside a browser in a bare VM context (no document, so the page wiring stays off): which decoder
// is chosen (BarcodeDetector only when it lists qr_code, else the embedded jsQR), the size frames
// are decoded at (at most 640 px, never enlarged), the scan gate on a fake clock (nothing sent
// while an answer panel is shown or awaited; after "Next", the ticket just sent is ignored until it
// has left the view for 1.5 s of frames or 30 s have passed; any other ticket at once), and which
// message each camera failure gets. Also that the box serves the
// script and the jsQR decoder it embeds, and that jsQR, loaded as the page loads it (a classic
// script), decodes a ticket-like QR code drawn from uqr's matrix.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { encode } from "uqr";
import { ASSETS, assetResponse } from "../../src/http/assets.ts";

interface ScanGate {
  frame(text: unknown, nowMs: number, answerShown: boolean): boolean;
}

interface ScanGateOptions {
  readonly leaveMs: number;
  readonly forgetMs: number;
  readonly answerWaitMs: number;
  readonly maxFrameGapMs: number;
}

interface DoorCamera {
  readonly LEAVE_MS: number;
  readonly FORGET_MS: number;
  readonly ANSWER_WAIT_MS: number;
  readonly MAX_FRAME_GAP_MS: number;
  readonly FRAME_INTERVAL_MS: number;
  readonly MAX_SIDE_PX: number;
  decoderKind(hasBarcodeDetector: boolean, formats: unknown): "native" | "jsqr";
  scaledSize(widthPx: number, heightPx: number, maxSidePx: number): { width: number; height: number };
  createScanGate(options: ScanGateOptions): ScanGate;
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

const TICKET_A = "TBX1:AAAAAAAAAAAAAAAA";
const TICKET_B = "TBX1:BBBBBBBBBBBBBBBB";

/**
 * The camera on a fake clock: a frame every frameMs through the page's own gate; a text the gate
 * lets through is "sent", and its answer panel shows answerAfterMs later (the box's round trip)
 * until dismiss() ("Next").
 */
class FakeDoor {
  nowMs = 0;
  panel = false;
  readonly sent: { text: string; atMs: number }[] = [];
  private readonly gate: ScanGate;
  private readonly frameMs: number;
  private readonly answerAfterMs: number;
  private answerAtMs: number | null = null;

  constructor(camera: DoorCamera, options: { readonly frameMs?: number; readonly answerAfterMs?: number } = {}) {
    this.gate = camera.createScanGate({ leaveMs: camera.LEAVE_MS, forgetMs: camera.FORGET_MS, answerWaitMs: camera.ANSWER_WAIT_MS, maxFrameGapMs: camera.MAX_FRAME_GAP_MS });
    this.frameMs = options.frameMs ?? camera.FRAME_INTERVAL_MS;
    this.answerAfterMs = options.answerAfterMs ?? 200;
  }

  /** Frames showing `text` (null: no code) for durationMs, one every frameMs from now. */
  frames(text: string | null, durationMs: number): void {
    const endMs = this.nowMs + durationMs;
    while (this.nowMs < endMs) {
      if (this.answerAtMs !== null && this.nowMs >= this.answerAtMs) {
        this.panel = true;
        this.answerAtMs = null;
      }
      if (this.gate.frame(text, this.nowMs, this.panel)) {
        this.sent.push({ text: text!, atMs: this.nowMs });
        this.answerAtMs = this.nowMs + this.answerAfterMs;
      }
      this.nowMs += this.frameMs;
    }
  }

  /** No frames for durationMs (the camera off). */
  pause(durationMs: number): void {
    this.nowMs += durationMs;
  }

  dismiss(): void {
    this.panel = false;
  }

  sentTexts(): string[] {
    return this.sent.map((scan) => scan.text);
  }
}

const GATE: ScanGateOptions = { leaveMs: 1500, forgetMs: 30_000, answerWaitMs: 10_000, maxFrameGapMs: 1000 };

describe("door-camera.js, its pure parts", () => {
  const camera = loadCamera();

  test("the constants the page promises: gone after 1.5 s, again after 30 s, a frame every 100-150 ms, 640 px", () => {
    expect(camera.LEAVE_MS).toBe(1500);
    expect(camera.FORGET_MS).toBe(30_000);
    // Longer than the offline door's 4 s wait for the box, after which it answers itself.
    expect(camera.ANSWER_WAIT_MS).toBe(10_000);
    expect(camera.MAX_FRAME_GAP_MS).toBeLessThan(camera.LEAVE_MS);
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

  test("a ticket held in view: sent once; nothing while its panel is shown, nor after Next while it stays in view", () => {
    const door = new FakeDoor(camera);
    door.frames(TICKET_A, 10_000);
    expect(door.sentTexts()).toEqual([TICKET_A]);
    expect(door.sent[0]!.atMs).toBe(0);
    expect(door.panel).toBe(true);
    // A different ticket under the panel is not sent either: the volunteer has not seen the answer go.
    door.frames(TICKET_B, 1_000);
    door.frames(TICKET_A, 2_000);
    door.dismiss();
    door.frames(TICKET_A, 20_000);
    expect(door.sentTexts()).toEqual([TICKET_A]);
  });

  test("the same ticket is sent again (a new scan) once it has left the view for 1.5 s of frames", () => {
    const door = new FakeDoor(camera);
    door.frames(TICKET_A, 1_000);
    door.dismiss();
    door.frames(TICKET_A, 1_000);
    // Away for 1.2 s (a hand moving, decodes missed): not long enough, still the same scan.
    door.frames(null, 1_200);
    door.frames(TICKET_A, 1_000);
    expect(door.sentTexts()).toEqual([TICKET_A]);
    // Away for 1.5 s: gone; shown again, it is sent at its first frame.
    door.frames(null, 1_560);
    const backAtMs = door.nowMs;
    door.frames(TICKET_A, 500);
    expect(door.sentTexts()).toEqual([TICKET_A, TICKET_A]);
    expect(door.sent[1]!.atMs).toBe(backAtMs);
  });

  test("away means 1.5 s between two frames showing it: 1.4 s is the same scan, 1.5 s a new one", () => {
    const door = new FakeDoor(camera, { frameMs: 100 });
    door.frames(TICKET_A, 1_000);
    door.dismiss();
    door.frames(TICKET_A, 500);
    door.frames(null, 1_300);
    door.frames(TICKET_A, 500);
    expect(door.sent).toHaveLength(1);
    door.frames(null, 1_400);
    const backAtMs = door.nowMs;
    door.frames(TICKET_A, 500);
    expect(door.sent.map((scan) => scan.atMs)).toEqual([0, backAtMs]);
  });

  test("a ticket that leaves while its panel is shown is sent again at once when shown after Next", () => {
    const door = new FakeDoor(camera);
    door.frames(TICKET_A, 600);
    door.frames(null, 3_000);
    door.dismiss();
    const backAtMs = door.nowMs;
    door.frames(TICKET_A, 240);
    expect(door.sent.map((scan) => scan.atMs)).toEqual([0, backAtMs]);
  });

  test("a ticket left in view is sent again 30 s after its panel was dismissed, not before", () => {
    const door = new FakeDoor(camera, { frameMs: 100 });
    door.frames(TICKET_A, 5_000);
    door.dismiss();
    const dismissedAtMs = door.nowMs;
    door.frames(TICKET_A, 30_000);
    expect(door.sentTexts()).toEqual([TICKET_A]);
    door.frames(TICKET_A, 100);
    expect(door.sentTexts()).toEqual([TICKET_A, TICKET_A]);
    expect(door.sent[1]!.atMs).toBe(dismissedAtMs + 30_000);
  });

  test("another ticket after Next is sent at its first frame; the first one is then a new scan at once", () => {
    const door = new FakeDoor(camera);
    door.frames(TICKET_A, 1_000);
    door.dismiss();
    door.frames(TICKET_A, 500);
    const bAtMs = door.nowMs;
    door.frames(TICKET_B, 500);
    door.dismiss();
    const aAtMs = door.nowMs;
    door.frames(TICKET_A, 500);
    expect(door.sentTexts()).toEqual([TICKET_A, TICKET_B, TICKET_A]);
    expect(door.sent.map((scan) => scan.atMs)).toEqual([0, bAtMs, aAtMs]);
  });

  test("nothing is sent while a sent text awaits its panel; a panel that never comes frees the camera after 10 s", () => {
    const door = new FakeDoor(camera, { answerAfterMs: Number.POSITIVE_INFINITY });
    door.frames(TICKET_A, 1_000);
    door.frames(TICKET_B, camera.ANSWER_WAIT_MS - 1_000 - 120);
    expect(door.sentTexts()).toEqual([TICKET_A]);
    door.frames(TICKET_B, 240);
    expect(door.sentTexts()).toEqual([TICKET_A, TICKET_B]);
  });

  test("a panel from another scan (a USB scanner, the search) holds the camera until Next", () => {
    const door = new FakeDoor(camera);
    door.panel = true;
    door.frames(TICKET_A, 5_000);
    expect(door.sent).toEqual([]);
    door.dismiss();
    door.frames(TICKET_A, 120);
    expect(door.sentTexts()).toEqual([TICKET_A]);
  });

  test("time without frames (camera stopped, page hidden) does not count as the ticket away", () => {
    const door = new FakeDoor(camera);
    door.frames(TICKET_A, 1_000);
    door.dismiss();
    door.frames(null, 1_000);
    door.pause(5_000);
    // 1 s without the ticket, a gap, 1 s without it: never 1.5 s of frames in a row.
    door.frames(null, 1_000);
    door.frames(TICKET_A, 1_000);
    expect(door.sentTexts()).toEqual([TICKET_A]);
  });

  test("frames without a code, or with an empty text, never send", () => {
    const gate = camera.createScanGate(GATE);
    expect(gate.frame(null, 0, false)).toBe(false);
    expect(gate.frame("", 120, false)).toBe(false);
    expect(gate.frame(undefined, 240, false)).toBe(false);
    expect(gate.frame(42, 360, false)).toBe(false);
    expect(gate.frame(TICKET_A, 480, false)).toBe(true);
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
