/**
 * The buyer's order page link, `/orders/<reference>?k=<key>`: no login, no stored secret (the
 * orders table has no token column, and none is needed). The key is an HMAC-SHA256 of the order id
 * (128 bits kept, 22 base64url characters) under a secret only this venue can derive: the SHA-256
 * of the venue key's Ed25519 signature of a fixed label under its own context (Ed25519 signatures
 * are deterministic, so the secret is the same at every start). The short reference a buyer reads
 * out at the box office is not enough to open the page.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { sha256, SIGNING_CONTEXTS, type Signer } from "../kernel/index.ts";

const LABEL = new TextEncoder().encode("order page links");
const KEY_CHARS = 22;
export const ORDER_LINK_KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;

function linkSecret(signer: Signer): Uint8Array {
  return sha256(signer.sign(SIGNING_CONTEXTS.orderLink, LABEL));
}

/** The `k` of an order's page link. */
export function orderLinkKey(signer: Signer, orderId: string): string {
  return createHmac("sha256", linkSecret(signer)).update(orderId, "utf8").digest("base64url").slice(0, KEY_CHARS);
}

/** Whether `key` opens the page of this order (constant time). */
export function orderLinkKeyValid(signer: Signer, orderId: string, key: string): boolean {
  if (!ORDER_LINK_KEY_PATTERN.test(key)) return false;
  return timingSafeEqual(Buffer.from(orderLinkKey(signer, orderId)), Buffer.from(key));
}

/** The path of an order's page (a query string follows for the return pages). */
export function orderPagePath(signer: Signer, order: { readonly id: string; readonly reference: string }): string {
  return `/orders/${encodeURIComponent(order.reference)}?k=${orderLinkKey(signer, order.id)}`;
}
