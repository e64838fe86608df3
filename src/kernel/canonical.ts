/**
 * Canonical encoding: the one byte string a signed record is hashed and signed over. It is JSON
 * with object keys sorted by UTF-16 code units, no whitespace, and integers only (RFC 8785 for
 * the subset we use). Floats are refused: no float ever enters a signed record.
 */
import { assert } from "./assert.ts";

export type Canonical = null | boolean | number | string | readonly Canonical[] | { readonly [key: string]: Canonical };

export function canonicalJson(value: Canonical): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    assert(Number.isSafeInteger(value), `canonical encoding takes safe integers only, got ${value}`);
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  const object = value as { readonly [key: string]: Canonical };
  const keys = Object.keys(object).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const item = object[key];
    assert(item !== undefined, `canonical encoding has no undefined (key ${key})`);
    parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${parts.join(",")}}`;
}

export function canonicalBytes(value: Canonical): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
