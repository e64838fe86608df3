/**
 * Reads ESC/POS bytes back into what the paper would show: lines (alignment, bold, size), QR
 * codes, cuts, drawer kicks and raster images. It decodes what a printer receives, not the
 * document, so the admin's "test print" preview and the golden tests check the real bytes.
 * Text renders to plain lines (monospace, aligned in the paper's columns) or to HTML (escaped).
 * Unknown commands are shown as markers rather than guessed.
 */
import { escapeHtml } from "@kitajs/html";
import { decodeByte, type CodePage } from "./codepage.ts";
import type { Align } from "./document.ts";

export type PreviewElement =
  | { readonly kind: "line"; readonly text: string; readonly align: Align; readonly bold: boolean; readonly size: number }
  | { readonly kind: "qr"; readonly data: string; readonly align: Align }
  | { readonly kind: "image"; readonly widthDots: number; readonly heightDots: number; readonly align: Align }
  | { readonly kind: "cut" }
  | { readonly kind: "drawer"; readonly pin: number }
  | { readonly kind: "unknown"; readonly offset: number; readonly bytes: string };

const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;

const ALIGN_BY_N: Readonly<Record<number, Align>> = { 0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right" };
const CODE_PAGE_BY_N: Readonly<Record<number, CodePage>> = { 16: "wpc1252", 19: "pc858" };
/** ESC commands with a fixed number of parameter bytes that only change how text looks. */
const ESC_PARAMS: Readonly<Record<number, number>> = { 0x2d: 1, 0x32: 0, 0x33: 1, 0x4d: 1, 0x47: 1, 0x56: 1, 0x52: 1, 0x72: 1, 0x7b: 1, 0x20: 1, 0x4a: 1, 0x42: 2, 0x3d: 1, 0x63: 2 };
const GS_PARAMS: Readonly<Record<number, number>> = { 0x42: 1, 0x48: 1, 0x66: 1, 0x68: 1, 0x77: 1, 0x7c: 1, 0x72: 1, 0x62: 1 };

interface State {
  align: Align;
  bold: boolean;
  size: number;
  codePage: CodePage | undefined;
  qrData: string;
}

function initialState(): State {
  return { align: "left", bold: false, size: 1, codePage: undefined, qrData: "" };
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(" ");
}

/** Decodes ESC/POS bytes into elements, in the order the printer would produce them. */
export function decodeEscPos(bytes: Uint8Array): PreviewElement[] {
  const elements: PreviewElement[] = [];
  let state = initialState();
  let line = "";
  let lineStyle: { align: Align; bold: boolean; size: number } | undefined;
  const at = (index: number) => bytes[index] ?? 0;
  const endLine = () => {
    const style = lineStyle ?? { align: state.align, bold: state.bold, size: state.size };
    elements.push({ kind: "line", text: line, ...style });
    line = "";
    lineStyle = undefined;
  };
  const flushPartial = () => {
    if (line.length > 0) endLine();
  };
  const unknown = (start: number, end: number) => elements.push({ kind: "unknown", offset: start, bytes: hex(bytes.subarray(start, Math.min(end, bytes.length))) });

  let i = 0;
  while (i < bytes.length) {
    const byte = at(i);
    if (byte === LF) {
      endLine();
      i += 1;
    } else if (byte === ESC) {
      i = escCommand(i);
    } else if (byte === GS) {
      i = gsCommand(i);
    } else if (byte < 0x20 || byte === 0x7f) {
      if (byte === 0x09) line += " ";
      i += 1;
    } else {
      lineStyle ??= { align: state.align, bold: state.bold, size: state.size };
      line += (state.codePage ? decodeByte(byte, state.codePage) : byte < 0x80 ? String.fromCharCode(byte) : undefined) ?? "?";
      i += 1;
    }
  }
  flushPartial();
  return elements;

  function escCommand(start: number): number {
    const command = at(start + 1);
    const n = at(start + 2);
    switch (command) {
      case 0x40: // ESC @: initialise
        flushPartial();
        state = initialState();
        return start + 2;
      case 0x74: // ESC t n: code page
        state.codePage = CODE_PAGE_BY_N[n];
        return start + 3;
      case 0x61: // ESC a n: alignment
        state.align = ALIGN_BY_N[n] ?? state.align;
        return start + 3;
      case 0x45: // ESC E n: bold
        state.bold = (n & 1) === 1;
        return start + 3;
      case 0x21: // ESC ! n: print mode (bold, double height, double width)
        state.bold = (n & 0x08) !== 0;
        state.size = (n & 0x30) !== 0 ? 2 : 1;
        return start + 3;
      case 0x64: // ESC d n: print and feed n lines
        // Like n line feeds: the pending text is the first printed line.
        for (let k = 0; k < n; k++) endLine();
        return start + 3;
      case 0x70: // ESC p m t1 t2: drawer kick
        elements.push({ kind: "drawer", pin: n === 1 || n === 49 ? 5 : 2 });
        return start + 5;
      default: {
        const params = ESC_PARAMS[command];
        if (params !== undefined) return start + 2 + params;
        unknown(start, start + 2);
        return start + 2;
      }
    }
  }

  function gsCommand(start: number): number {
    const command = at(start + 1);
    const n = at(start + 2);
    switch (command) {
      case 0x21: // GS ! n: character size
        state.size = Math.max((n >> 4) + 1, (n & 0x0f) + 1);
        return start + 3;
      case 0x56: // GS V m [n]: cut
        flushPartial();
        elements.push({ kind: "cut" });
        return start + (n === 65 || n === 66 ? 4 : 3);
      case 0x28: // GS ( k pL pH cn fn ...: 2D codes
        return twoDimensional(start);
      case 0x76: {
        // GS v 0 m xL xH yL yH data: raster image
        const widthBytes = at(start + 4) + at(start + 5) * 256;
        const heightDots = at(start + 6) + at(start + 7) * 256;
        flushPartial();
        elements.push({ kind: "image", widthDots: widthBytes * 8, heightDots, align: state.align });
        return start + 8 + widthBytes * heightDots;
      }
      default: {
        const params = GS_PARAMS[command];
        if (params !== undefined) return start + 2 + params;
        unknown(start, start + 2);
        return start + 2;
      }
    }
  }

  function twoDimensional(start: number): number {
    if (at(start + 2) !== 0x6b) {
      unknown(start, start + 3);
      return start + 3;
    }
    const length = at(start + 3) + at(start + 4) * 256;
    const end = start + 5 + length;
    const symbol = at(start + 5);
    const fn = at(start + 6);
    if (symbol === 0x31 && fn === 0x50) {
      // Store the data: cn fn m d1...dk, the data starts after m.
      state.qrData = new TextDecoder().decode(bytes.subarray(start + 8, end));
    } else if (symbol === 0x31 && fn === 0x51) {
      flushPartial();
      elements.push({ kind: "qr", data: state.qrData, align: state.align });
    }
    return end;
  }
}

/** Blank lines right before a cut are the feed past the cutter: the renderers show the cut alone. */
function withoutCutFeed(elements: readonly PreviewElement[]): PreviewElement[] {
  const kept: PreviewElement[] = [];
  for (const element of elements) {
    if (element.kind === "cut") {
      while (kept.length > 0) {
        const last = kept[kept.length - 1]!;
        if (last.kind !== "line" || last.text.length > 0) break;
        kept.pop();
      }
    }
    kept.push(element);
  }
  return kept;
}

export interface PreviewLabels {
  readonly qr: string;
  readonly cut: string;
  readonly drawer: string;
  readonly image: string;
}

export const ENGLISH_LABELS: PreviewLabels = { qr: "QR", cut: "cut", drawer: "cash drawer kick", image: "image" };

function place(text: string, align: Align, columns: number, size = 1): string {
  const room = Math.max(1, Math.floor(columns / size));
  const free = Math.max(0, room - text.length);
  const before = align === "center" ? Math.floor(free / 2) : align === "right" ? free : 0;
  return (" ".repeat(before * size) + text).trimEnd();
}

/** Plain text: one line per printed line, aligned in `columns`; QR codes, cuts and kicks as labels. */
export function previewText(bytes: Uint8Array, options: { columns: number; labels?: PreviewLabels }): string {
  const labels = options.labels ?? ENGLISH_LABELS;
  const out: string[] = [];
  for (const element of withoutCutFeed(decodeEscPos(bytes))) {
    switch (element.kind) {
      case "line":
        out.push(place(element.text, element.align, options.columns, element.size));
        break;
      case "qr":
        out.push(place(`[${labels.qr}: ${element.data}]`, element.align, options.columns));
        break;
      case "image":
        out.push(place(`[${labels.image} ${element.widthDots}x${element.heightDots}]`, element.align, options.columns));
        break;
      case "cut": {
        const label = ` ${labels.cut} `;
        const left = Math.max(2, Math.floor((options.columns - label.length) / 2));
        out.push("-".repeat(left) + label + "-".repeat(Math.max(2, options.columns - left - label.length)));
        break;
      }
      case "drawer":
        out.push(`[${labels.drawer}]`);
        break;
      case "unknown":
        out.push(`[? ${element.bytes}]`);
        break;
    }
  }
  return out.join("\n") + "\n";
}

/** HTML: a monospace receipt `columns` wide; bold, centred and double-size text as printed; every text escaped. */
export function previewHtml(bytes: Uint8Array, options: { columns: number; labels?: PreviewLabels }): string {
  const labels = options.labels ?? ENGLISH_LABELS;
  const parts: string[] = [];
  for (const element of withoutCutFeed(decodeEscPos(bytes))) {
    switch (element.kind) {
      case "line": {
        const classes = ["receipt-line", `align-${element.align}`, ...(element.bold ? ["bold"] : []), ...(element.size > 1 ? ["size-2"] : [])];
        parts.push(`<div class="${classes.join(" ")}">${element.text.length > 0 ? escapeHtml(element.text) : "&nbsp;"}</div>`);
        break;
      }
      case "qr":
        parts.push(
          `<div class="receipt-qr align-${element.align}"><span class="receipt-box">${escapeHtml(labels.qr)}</span><small>${escapeHtml(element.data)}</small></div>`,
        );
        break;
      case "image":
        parts.push(`<div class="receipt-qr align-${element.align}"><span class="receipt-box">${escapeHtml(labels.image)} ${element.widthDots}×${element.heightDots}</span></div>`);
        break;
      case "cut":
        parts.push(`<div class="receipt-cut" role="separator"><span>${escapeHtml(labels.cut)}</span></div>`);
        break;
      case "drawer":
        parts.push(`<div class="receipt-drawer">[${escapeHtml(labels.drawer)}]</div>`);
        break;
      case "unknown":
        parts.push(`<div class="receipt-unknown">[? ${escapeHtml(element.bytes)}]</div>`);
        break;
    }
  }
  return `<div class="receipt" style="--receipt-columns: ${options.columns}">${parts.join("")}</div>`;
}
