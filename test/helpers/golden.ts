/**
 * Golden files: expected outputs kept under test/<area>/golden/, compared byte for byte (as hex,
 * for a readable diff). UPDATE_GOLDEN=1 rewrites them; check the change by eye before keeping it.
 */
import { expect } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").replace(/(..)/g, "$1 ").trim();
}

export function matchesGolden(path: string, actual: Uint8Array | string): void {
  const bytes = typeof actual === "string" ? new TextEncoder().encode(actual) : actual;
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 to create it`);
  if (typeof actual === "string") expect(actual).toBe(readFileSync(path, "utf8"));
  else expect(hex(bytes)).toBe(hex(new Uint8Array(readFileSync(path))));
}
