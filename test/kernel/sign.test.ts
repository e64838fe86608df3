// Proves that Ed25519 signing is domain-separated and that node:crypto and @noble/curves (strict,
// zip215: false) accept exactly the same signatures: edge-case vectors and random mutations are
// run through both verifiers, which must agree on every one.
import { describe, expect, test } from "bun:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  generateSigningKeyPem,
  isStrictPublicKey,
  seededRandom,
  signerFromPem,
  SIGNING_CONTEXTS,
  verifySignature,
  verifySignatureIndependently,
} from "../../src/kernel/index.ts";

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function littleEndian(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

function fromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "hex"));
}

const context = SIGNING_CONTEXTS.eventLog;
const signer = signerFromPem(generateSigningKeyPem());
const payload = new TextEncoder().encode('{"seq":1}');
const good = signer.sign(context, payload);

function both(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): [boolean, boolean] {
  return [verifySignature(context, message, signature, publicKey), verifySignatureIndependently(context, message, signature, publicKey)];
}

describe("Ed25519", () => {
  test("a signature verifies under its own context only", () => {
    expect(both(good, payload, signer.publicKey)).toEqual([true, true]);
    expect(verifySignature(SIGNING_CONTEXTS.entry, payload, good, signer.publicKey)).toBe(false);
    expect(verifySignatureIndependently(SIGNING_CONTEXTS.entry, payload, good, signer.publicKey)).toBe(false);
  });

  const identity = littleEndian(1n);
  const zeroSignatureWithIdentityR = new Uint8Array(64);
  zeroSignatureWithIdentityR.set(identity, 0);
  const order8 = hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
  const sPlusL = new Uint8Array(good);
  sPlusL.set(littleEndian(fromLittleEndian(good.slice(32)) + L), 32);
  const nonCanonicalR = new Uint8Array(good);
  nonCanonicalR.set(littleEndian(P + 1n), 0);

  const vectors: Array<{ name: string; signature: Uint8Array; publicKey: Uint8Array; message?: Uint8Array; expected: boolean }> = [
    { name: "valid", signature: good, publicKey: signer.publicKey, expected: true },
    { name: "other message", signature: good, publicKey: signer.publicKey, message: new TextEncoder().encode('{"seq":2}'), expected: false },
    { name: "S + L (malleated, non-canonical S)", signature: sPlusL, publicKey: signer.publicKey, expected: false },
    { name: "non-canonical R", signature: nonCanonicalR, publicKey: signer.publicKey, expected: false },
    { name: "identity key, trivial signature", signature: zeroSignatureWithIdentityR, publicKey: identity, expected: false },
    { name: "non-canonical identity key (y = p + 1)", signature: zeroSignatureWithIdentityR, publicKey: littleEndian(P + 1n), expected: false },
    { name: "order-8 key", signature: zeroSignatureWithIdentityR, publicKey: order8, expected: false },
    { name: "all-zero signature", signature: new Uint8Array(64), publicKey: signer.publicKey, expected: false },
    { name: "short signature", signature: good.slice(0, 63), publicKey: signer.publicKey, expected: false },
  ];
  for (const vector of vectors) {
    test(`edge case: ${vector.name}`, () => {
      expect(both(vector.signature, vector.message ?? payload, vector.publicKey)).toEqual([vector.expected, vector.expected]);
    });
  }

  test("strict key check refuses small-order and unreduced keys, accepts real ones", () => {
    expect(isStrictPublicKey(signer.publicKey)).toBe(true);
    expect(isStrictPublicKey(identity)).toBe(false);
    expect(isStrictPublicKey(littleEndian(P - 1n))).toBe(false);
    expect(isStrictPublicKey(littleEndian(P + 5n))).toBe(false);
    expect(isStrictPublicKey(order8)).toBe(false);
  });

  test("random single-bit mutations: both verifiers agree on all 2,000", () => {
    const random = seededRandom(7);
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const signature = new Uint8Array(good);
      const publicKey = new Uint8Array(signer.publicKey);
      const target = random(1)[0]! % 3;
      const bit = random(2);
      const position = ((bit[0]! << 8) | bit[1]!) % (target === 1 ? 256 : 512);
      if (target === 0) signature[position >> 3]! ^= 1 << (position & 7);
      else if (target === 1) publicKey[position >> 3]! ^= 1 << (position & 7);
      const [viaNode, viaNoble] = both(signature, payload, publicKey);
      expect(viaNode).toBe(viaNoble);
      if (viaNode) accepted++;
    }
    // Flipping a bit of a valid signature or key never yields a valid one, except no-op draws.
    expect(accepted).toBeLessThan(2000);
  });

  test("noble signatures verify with node:crypto and back", () => {
    const secret = ed25519.utils.randomSecretKey();
    const publicKey = ed25519.getPublicKey(secret);
    const message = new Uint8Array([...new TextEncoder().encode(context), 0, ...payload]);
    const signature = ed25519.sign(message, secret);
    expect(both(signature, payload, publicKey)).toEqual([true, true]);
  });
});
