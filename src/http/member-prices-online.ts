/**
 * Member prices online: the member's own link token (`/me/<token>`, membership/link.ts) opens an
 * event's order form in "member mode", `/agenda/:id?m=<token>`, and the form sends it back as the
 * hidden field `m`. The token is checked exactly as the member's page checks it (HMAC, constant
 * time); a bad or forged token is as if there were none (the normal page, no member prices, no
 * error). An erased member or a member without a valid membership gets the normal page and a short
 * notice. The order itself is checked again by createOrder (member_price_needs_membership), with
 * the member as the order's member: the per-person limits count their earlier orders.
 *
 * The token is a secret: the request log names paths without their query (server.ts), the member
 * mode page is sent with no Referer, no index and no cache, and the token is never logged here.
 */
import { findRegisterMember, memberIdOfLinkToken, membershipOf, type RegisterMember } from "../membership/index.ts";
import type { Ctx } from "./context.ts";

/** Who the order form is for: anyone, a member (valid membership or not) or an erased member. */
export type MemberMode =
  | { readonly kind: "none" }
  | { readonly kind: "erased" }
  | { readonly kind: "member"; readonly token: string; readonly member: RegisterMember; readonly valid: boolean };

const NONE: MemberMode = { kind: "none" };

/** The member mode a token gives (the query's `m` on the page, the form's `m` on the order). */
export function memberModeOf(ctx: Ctx, token: string): MemberMode {
  if (token === "") return NONE;
  const memberId = memberIdOfLinkToken(ctx.deps.signer, token);
  const member = memberId ? findRegisterMember(ctx.deps.writer.sqlite, memberId) : undefined;
  if (!member) return NONE;
  if (member.erasedAtMs !== null) return { kind: "erased" };
  return { kind: "member", token, member, valid: membershipOf(ctx.deps.writer.sqlite, member.id, ctx.deps.clock.nowMs()).valid };
}

/** The member whose prices the form offers: a member with a valid membership, else none. */
export function memberWithPrices(mode: MemberMode): RegisterMember | undefined {
  return mode.kind === "member" && mode.valid ? mode.member : undefined;
}

/** The event page's address in member mode. */
export function memberModePath(eventId: string, token: string): string {
  return `/agenda/${encodeURIComponent(eventId)}?m=${encodeURIComponent(token)}`;
}

/** A member mode page's address holds the token: no search engine, no Referer, no cache. */
export function keepMemberModePrivate(response: Response): Response {
  response.headers.set("referrer-policy", "no-referrer");
  response.headers.set("x-robots-tag", "noindex, nofollow");
  response.headers.set("cache-control", "no-store");
  return response;
}
