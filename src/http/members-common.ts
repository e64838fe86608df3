/** What the member pages share: the venue's timezone, the member a path names, the private page's address. */
import { fail, isAppError } from "../kernel/index.ts";
import { findRegisterMember, memberLinkToken, type MemberField, type RegisterMember } from "../membership/index.ts";
import { readMailSettings } from "../ticketing/index.ts";
import { field, type Ctx } from "./context.ts";
import { errorText } from "./messages.ts";

export { venueTimeZone } from "./context.ts";

export function requireMember(ctx: Ctx): RegisterMember {
  const member = findRegisterMember(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!member) fail("member_unknown", "no such member");
  return member;
}

/** The custom field answers of a form: inputs named field_<id>. */
export function fieldAnswers(ctx: Ctx, fields: readonly MemberField[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const memberField of fields) answers[memberField.id] = field(ctx, `field_${memberField.id}`);
  return answers;
}

export function memberLinkPath(ctx: Ctx, memberId: string): string {
  return `/me/${memberLinkToken(ctx.deps.signer, memberId)}`;
}

/** Where a member link points: the box's public address (online-sales settings) or the address this browser used. */
export interface MemberLinkOrigin {
  readonly origin: string;
  readonly source: "public" | "request";
}

/**
 * The origin of the member's link. A letter is printed once and opened from home: the public
 * address of the online-sales settings (the one order e-mails link to) when set; else the address
 * the staff browser used (the HTTPS one when the box serves one, as the card holder's QR), which
 * may be a LAN address that opens only at the venue: the member page says which one it is.
 */
export function memberLinkOrigin(ctx: Ctx): MemberLinkOrigin {
  // Saved normalized (absolute, no trailing slash; it may hold a path prefix), like mail links use it.
  const publicBaseUrl = readMailSettings(ctx.deps.writer.sqlite).publicBaseUrl;
  if (publicBaseUrl) return { origin: publicBaseUrl, source: "public" };
  const tls = ctx.deps.tls;
  return { origin: tls ? `https://${ctx.url.hostname}:${tls.httpsPort}` : ctx.url.origin, source: "request" };
}

/** The member page's full address (see memberLinkOrigin). */
export function memberLinkUrl(ctx: Ctx, memberId: string, origin: MemberLinkOrigin = memberLinkOrigin(ctx)): string {
  return `${origin.origin}${memberLinkPath(ctx, memberId)}`;
}

/**
 * Runs a member form's action like attempt(), but a refusal about one custom field names the
 * field by its label (the venue's own text, escaped by t()).
 */
export async function attemptMemberForm<T>(ctx: Ctx, fields: readonly MemberField[], action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string; code: string }> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const named = fields.find((memberField) => memberField.id === error.details?.field);
    if (named && error.code === "field_required") return { ok: false, message: ctx.t("members.field_required", { label: named.label }), code: error.code };
    if (named && error.code === "field_value_invalid") return { ok: false, message: ctx.t("members.field_invalid", { label: named.label }), code: error.code };
    return { ok: false, message: errorText(ctx.t, error), code: error.code };
  }
}
