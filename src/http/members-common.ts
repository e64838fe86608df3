/** What the member pages share: the venue's timezone, the member a path names, the private page's address. */
import { fail, isAppError } from "../kernel/index.ts";
import { findRegisterMember, memberLinkToken, type MemberField, type RegisterMember } from "../membership/index.ts";
import { field, type Ctx } from "./context.ts";
import { errorText } from "./messages.ts";

export function venueTimeZone(ctx: Ctx): string {
  return ctx.venue?.timezone ?? "Europe/Paris";
}

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

/** The member page's full address: the HTTPS address when the box serves one (as the card holder's QR). */
export function memberLinkUrl(ctx: Ctx, memberId: string): string {
  const tls = ctx.deps.tls;
  const origin = tls ? `https://${ctx.url.hostname}:${tls.httpsPort}` : ctx.url.origin;
  return `${origin}${memberLinkPath(ctx, memberId)}`;
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
