// Proves the preview reads real ESC/POS bytes back into what the paper shows: the French text of
// both code pages round-trips, alignment, bold and double size survive, a QR code shows as a
// labelled box with its data, a cut as a dashed line, a drawer kick as a marker; the text and
// HTML renderings of a full ticket match golden files (UPDATE_GOLDEN=1 rewrites them), and
// HTML escapes every text. Unknown commands appear as markers instead of being guessed.
import { describe, expect, test } from "bun:test";
import {
  columns,
  cut,
  decodeEscPos,
  drawerKick,
  encodeDocument,
  previewHtml,
  previewText,
  printDocument,
  qrCode,
  separator,
  text,
  type CodePage,
} from "../../hardware/printer/index.ts";
import { join } from "node:path";
import { matchesGolden } from "../helpers/golden.ts";

function golden(name: string, actual: string): void {
  matchesGolden(join(import.meta.dir, "golden", name), actual);
}

const ticket = printDocument(
  text("DUPLICATA", { align: "center", bold: true, size: 2 }),
  text("Impression n° 42", { align: "center", bold: true }),
  text("Les Amis du Quartier", { align: "center" }),
  separator(),
  text("é è à ç €"),
  columns("Crêpe au sucre", "3,50 €"),
  columns("Total", "3,50 €", { bold: true }),
  text("Merci !", { align: "right" }),
  qrCode("https://tibox.local/r/42"),
  cut(),
  drawerKick(),
);

const labels = { qr: "QR", cut: "coupe", drawer: "tiroir-caisse", image: "image" };

function bytes(codePage: CodePage, paperMm: 58 | 80) {
  return encodeDocument(ticket, { paperMm, codePage });
}

describe("decoding", () => {
  test("French text round-trips through both code pages", () => {
    for (const codePage of ["wpc1252", "pc858"] as const) {
      const lines = decodeEscPos(bytes(codePage, 80)).flatMap((element) => (element.kind === "line" ? [element.text] : []));
      expect(lines).toContain("é è à ç €");
      expect(lines.some((line) => line.startsWith("Crêpe au sucre") && line.endsWith("3,50 €"))).toBe(true);
    }
  });

  test("styles, QR data, cut and drawer kick come back as elements", () => {
    const elements = decodeEscPos(bytes("wpc1252", 80)).filter((element) => element.kind !== "line" || element.text.length > 0);
    expect(elements[0]).toEqual({ kind: "line", text: "DUPLICATA", align: "center", bold: true, size: 2 });
    expect(elements[1]).toEqual({ kind: "line", text: "Impression n° 42", align: "center", bold: true, size: 1 });
    expect(elements).toContainEqual({ kind: "line", text: "Merci !", align: "right", bold: false, size: 1 });
    expect(elements).toContainEqual({ kind: "qr", data: "https://tibox.local/r/42", align: "center" });
    expect(elements.slice(-2)).toEqual([{ kind: "cut" }, { kind: "drawer", pin: 2 }]);
  });

  test("unknown commands are shown as markers, raster images as their size", () => {
    const raw = Uint8Array.of(0x1b, 0x40, 0x41, 0x0a, 0x1b, 0x99, 0x42, 0x0a, 0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00, 1, 2, 3, 4, 5, 6, 0x43, 0x0a);
    const elements = decodeEscPos(raw);
    expect(elements).toEqual([
      { kind: "line", text: "A", align: "left", bold: false, size: 1 },
      { kind: "unknown", offset: 4, bytes: "1b 99" },
      { kind: "line", text: "B", align: "left", bold: false, size: 1 },
      { kind: "image", widthDots: 16, heightDots: 3, align: "left" },
      { kind: "line", text: "C", align: "left", bold: false, size: 1 },
    ]);
  });
});

describe("rendering", () => {
  test("text on 80 mm paper (48 columns) matches its golden file", () => {
    const rendered = previewText(bytes("pc858", 80), { columns: 48, labels });
    expect(rendered).toContain("   DUPLICATA");
    expect(rendered.split("\n").every((line) => line.length <= 48)).toBe(true);
    expect(rendered).toContain("-------------------- coupe ---------------------");
    golden("ticket-80.txt", rendered);
  });

  test("text on 58 mm paper (32 columns) matches its golden file", () => {
    const rendered = previewText(bytes("wpc1252", 58), { columns: 32, labels });
    expect(rendered.split("\n").every((line) => line.length <= 32)).toBe(true);
    expect(rendered).toContain("[tiroir-caisse]");
    golden("ticket-58.txt", rendered);
  });

  test("HTML: monospace receipt with bold, centred, double-size lines, a QR box and a dashed cut", () => {
    const html = previewHtml(bytes("wpc1252", 80), { columns: 48, labels });
    expect(html).toStartWith('<div class="receipt" style="--receipt-columns: 48">');
    expect(html).toContain('<div class="receipt-line align-center bold size-2">DUPLICATA</div>');
    expect(html).toContain('<div class="receipt-qr align-center"><span class="receipt-box">QR</span><small>https://tibox.local/r/42</small></div>');
    expect(html).toContain('<div class="receipt-cut" role="separator"><span>coupe</span></div>');
    golden("ticket-80.html", html);
  });

  test("HTML escapes every text, from the paper and from the labels", () => {
    const hostile = encodeDocument(printDocument(text('<script>alert("x")</script> & co'), qrCode("https://x/?a=<b>&c")), { paperMm: 80, codePage: "wpc1252" });
    const html = previewHtml(hostile, { columns: 48, labels: { ...labels, qr: "<i>QR</i>" } });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<i>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co");
  });
});
