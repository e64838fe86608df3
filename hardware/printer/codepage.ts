/**
 * The two code pages tibox prints French through, both with the euro sign: WPC1252 (Windows
 * Latin 1, selected by ESC t 16) and PC858 (PC850 with € at D5, ESC t 19). Text is encoded here,
 * character by character, so that the bytes never depend on a library's fallback (node-thermal-
 * printer switches code page on its own when a character is missing from the current one, which
 * a printer without that page would print as garbage).
 */
export const CODE_PAGES = ["wpc1252", "pc858"] as const;
export type CodePage = (typeof CODE_PAGES)[number];

/** The `n` of ESC t n that selects each code page on Epson-compatible printers. */
export const CODE_PAGE_NUMBER: Readonly<Record<CodePage, number>> = { wpc1252: 16, pc858: 19 };

/** Bytes 0x80 to 0x9F of Windows-1252; the rest of its upper half is Latin-1 itself. Empty: undefined. */
const CP1252_80_9F = "€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ";

/** Bytes 0x80 to 0xFF of PC858: PC850 with the dotless i at D5 replaced by the euro sign. */
const CP858_HIGH =
  "ÇüéâäàåçêëèïîìÄÅ" +
  "ÉæÆôöòûùÿÖÜø£Ø×ƒ" +
  "áíóúñÑªº¿®¬½¼¡«»" +
  "░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐" +
  "└┴┬├─┼ãÃ╚╔╩╦╠═╬¤" +
  "ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀" +
  "ÓßÔÒõÕµþÞÚÛÙýÝ¯´" +
  "\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0";

function tableOf(codePage: CodePage): ReadonlyMap<string, number> {
  const table = new Map<string, number>();
  if (codePage === "wpc1252") {
    [...CP1252_80_9F].forEach((char, index) => {
      if (char !== "\0") table.set(char, 0x80 + index);
    });
    for (let byte = 0xa0; byte <= 0xff; byte++) table.set(String.fromCharCode(byte), byte);
  } else {
    [...CP858_HIGH].forEach((char, index) => table.set(char, 0x80 + index));
  }
  return table;
}

/** Code page tables: built once per encoder, read-only after. */
export const CODE_PAGE_TABLES: Readonly<Record<CodePage, ReadonlyMap<string, number>>> = {
  wpc1252: tableOf("wpc1252"),
  pc858: tableOf("pc858"),
};

/** Typographic characters that French text is full of, printed as their plain equivalent when the page lacks them. */
const PLAIN: Readonly<Record<string, string>> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": ",",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u2026": "...",
  "\u2013": "-",
  "\u2014": "-",
  "\u2022": "*",
  "\u00ab": '"',
  "\u00bb": '"',
  "\u0152": "OE",
  "\u0153": "oe",
  "\u202f": " ",
  "\u2009": " ",
  "\u00a0": " ",
};

function byteOf(char: string, table: ReadonlyMap<string, number>): number | undefined {
  const code = char.charCodeAt(0);
  if (char.length === 1 && code >= 0x20 && code < 0x7f) return code;
  return table.get(char);
}

/**
 * Encodes text for a code page. A character the page lacks is printed as its plain equivalent
 * (’ as ', œ as oe on PC858), then without its accent (ő as o), and otherwise as "?"; control
 * characters become spaces. The output never contains a byte below 0x20.
 */
export function encodeText(value: string, codePage: CodePage): Uint8Array {
  const table = CODE_PAGE_TABLES[codePage];
  const bytes: number[] = [];
  const push = (char: string, depth: number): void => {
    const direct = byteOf(char, table);
    if (direct !== undefined) {
      bytes.push(direct);
      return;
    }
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      bytes.push(0x20);
      return;
    }
    if (depth === 0) {
      const plain = PLAIN[char];
      if (plain !== undefined) {
        for (const part of plain) push(part, 1);
        return;
      }
      const bare = char.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      if (bare !== char && bare.length > 0) {
        for (const part of bare) push(part, 1);
        return;
      }
    }
    bytes.push(0x3f);
  };
  for (const char of value) push(char, 0);
  return Uint8Array.from(bytes);
}

/** The reverse of encodeText for one byte, for the preview: undefined for a byte the page leaves empty. */
export function decodeByte(byte: number, codePage: CodePage): string | undefined {
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  if (byte < 0x80) return undefined;
  if (codePage === "wpc1252") {
    if (byte >= 0xa0) return String.fromCharCode(byte);
    const char = [...CP1252_80_9F][byte - 0x80];
    return char && char !== "\0" ? char : undefined;
  }
  return [...CP858_HIGH][byte - 0x80];
}
