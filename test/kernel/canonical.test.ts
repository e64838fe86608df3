// Proves the canonical encoding is deterministic (key order never matters), matches RFC 8785 on
// our subset, and refuses floats and undefined rather than encoding them ambiguously.
import { describe, expect, test } from "bun:test";
import { canonicalJson } from "../../src/kernel/index.ts";

describe("canonical JSON", () => {
  test("sorts keys recursively and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, "x"], c: null } })).toBe('{"a":{"c":null,"d":[3,"x"]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  test("sorts by UTF-16 code units and escapes like JSON", () => {
    expect(canonicalJson({ "é": 1, z: 2, Z: 3 })).toBe('{"Z":3,"z":2,"é":1}');
    expect(canonicalJson('quote " and \n')).toBe('"quote \\" and \\n"');
  });

  test("refuses floats, unsafe integers and undefined", () => {
    expect(() => canonicalJson(1.5)).toThrow(/safe integers/);
    expect(() => canonicalJson(2 ** 60)).toThrow(/safe integers/);
    expect(() => canonicalJson({ a: undefined } as never)).toThrow(/undefined/);
  });
});
