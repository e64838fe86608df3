/**
 * Ed25519 signatures. node:crypto signs and verifies on the hot path; @noble/curves is the
 * second, independent implementation used by `tibox verify`, with ZIP-215 off so that both
 * accept exactly the same signatures (strict RFC 8032 verification).
 *
 * Every signed record type signs under its own context (domain separation): the signed message
 * is the context's UTF-8 bytes, one zero byte, then the payload. A signature made for one record
 * type can therefore never be replayed as another.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";

export const SIGNING_CONTEXTS = {
  entry: "tibox-entry/v1",
  eventLog: "tibox-event-log/v1",
  fiscal: "tibox-fiscal/v1",
  checkpoint: "tibox-checkpoint/v1",
  ticket: "tibox-ticket/v1",
  ticketKey: "tibox-ticket-key/v1",
  peerRequest: "tibox-peer-request/v1",
  /** A simulated tap sent by `tibox tap` beside a serving box, signed with the venue key. */
  simulatorTap: "tibox-simulator-tap/v1",
  /** The key of buyers' order page links: the venue's (deterministic) signature of a fixed label. */
  orderLink: "tibox-order-link/v1",
  /** The key of members' private page links: the venue's (deterministic) signature of a fixed label. */
  memberLink: "tibox-member-link/v1",
} as const;

export type SigningContext = (typeof SIGNING_CONTEXTS)[keyof typeof SIGNING_CONTEXTS];

export function signingMessage(context: SigningContext, payload: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(context);
  const message = new Uint8Array(prefix.length + 1 + payload.length);
  message.set(prefix, 0);
  message[prefix.length] = 0;
  message.set(payload, prefix.length + 1);
  return message;
}

/** A key that signs; the private half never leaves this object. */
export interface Signer {
  readonly publicKey: Uint8Array;
  sign(context: SigningContext, payload: Uint8Array): Uint8Array;
}

export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  return privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A signer from a 32-byte seed: for published test vectors, never for a venue's key. */
export function signerFromSeed(seed: Uint8Array): Signer {
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(seed)]);
  return signerFromPem(createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }).toString());
}

export function signerFromPem(privateKeyPem: string): Signer {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new RangeError("not an Ed25519 private key");
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return {
    publicKey,
    sign: (context, payload) => new Uint8Array(sign(null, signingMessage(context, payload), privateKey)),
  };
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new RangeError("not an Ed25519 public key");
  return new Uint8Array(Buffer.from(jwk.x, "base64url"));
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") }, format: "jwk" });
}

const FIELD_PRIME = 2n ** 255n - 19n;

/** The y coordinates of the eight small-order points (identity, order 2, 4 and 8). */
const SMALL_ORDER_Y = new Set([
  0n,
  1n,
  FIELD_PRIME - 1n,
  0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n,
  0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n,
]);

/**
 * Strict verifiers (RFC 8032 with canonical encodings, as @noble/curves with zip215: false)
 * refuse a public key whose y is not reduced or whose point has small order; BoringSSL, under
 * Bun's node:crypto, accepts the identity key with an all-zero signature. Checking the key here
 * makes both implementations accept exactly the same signatures (test/kernel/sign.test.ts).
 */
export function isStrictPublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? publicKey[i]! & 0x7f : publicKey[i]!);
  return y < FIELD_PRIME && !SMALL_ORDER_Y.has(y);
}

/** Verifies with node:crypto (BoringSSL under Bun), after the strict public-key check. */
export function verifySignature(context: SigningContext, payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || !isStrictPublicKey(publicKey)) return false;
  try {
    return verify(null, signingMessage(context, payload), publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** Verifies with @noble/curves, strict (zip215: false): the independent second opinion. */
export function verifySignatureIndependently(
  context: SigningContext,
  payload: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, signingMessage(context, payload), publicKey, { zip215: false });
  } catch {
    return false;
  }
}
