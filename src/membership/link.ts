/**
 * A member's private page link, `/me/<token>`: no login, no stored secret. The token is the
 * member id and an HMAC-SHA256 of it (128 bits kept), keyed by a secret only this venue can derive:
 * the SHA-256 of the venue key's Ed25519 signature of a fixed label (Ed25519 signatures are
 * deterministic, so the key is the same at every start, and it changes with the venue key).
 * A link cannot be guessed from a member id; it stays valid as long as the member exists and is
 * not erased (the page refuses erased members).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { sha256, SIGNING_CONTEXTS, type Signer } from "../kernel/index.ts";

const LABEL = new TextEncoder().encode("member page links");
/** 22 base64url characters: 132 bits, of which the first 128 of the HMAC count. */
const MAC_CHARS = 22;
const TOKEN_PATTERN = /^([0-9A-Z]{26})\.([A-Za-z0-9_-]{22})$/;

function linkKey(signer: Signer): Uint8Array {
  return sha256(signer.sign(SIGNING_CONTEXTS.memberLink, LABEL));
}

function macOf(key: Uint8Array, memberId: string): string {
  return createHmac("sha256", key).update(memberId, "utf8").digest("base64url").slice(0, MAC_CHARS);
}

export function memberLinkToken(signer: Signer, memberId: string): string {
  return `${memberId}.${macOf(linkKey(signer), memberId)}`;
}

/** The member id a token names, or undefined when the token is malformed or was not made by this venue. */
export function memberIdOfLinkToken(signer: Signer, token: string): string | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  const [, memberId, mac] = match as unknown as [string, string, string];
  const expected = Buffer.from(macOf(linkKey(signer), memberId));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? memberId : undefined;
}
