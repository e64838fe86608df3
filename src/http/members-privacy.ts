/**
 * What a member may ask about their data (GDPR). Export: one JSON document with everything the box
 * holds about them (record, field answers, memberships, cards, wallet movements, orders, tickets
 * and waiting-list places by member id or by their e-mail), downloaded by staff; the export is
 * recorded in the event log. Erasure (admins only): in ONE transaction, the member's record is
 * pseudonymised (membership room), their orders, tickets and waiting-list places too (ticketing
 * room), and the event log records it without any personal data. The ledger is not touched: it
 * never held a name, so `tibox verify` still passes. Erasing twice is refused (already_erased).
 */
import { appendEvent } from "../auth/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { fail, type Signer } from "../kernel/index.ts";
import { accountHistory, walletAccount } from "../ledger/index.ts";
import { eraseMember, exportMemberRecord, pseudonymCode } from "../membership/index.ts";
import { erasePerson, ordersOfPerson, ticketsOfPerson, waitingOfPerson } from "../ticketing/index.ts";
import { cardsOfWallet, walletBalances } from "../wallet/index.ts";
import { field, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { requireMember } from "./members-common.ts";
import type { MemberPageOptions } from "./wallet-members.ts";
import { attempt } from "./messages.ts";
import type { Route } from "./router.ts";
import { ADMIN, eventActor, STAFF } from "./wallet-views.ts";

/** Wallet movements one export lists (the newest first). */
export const EXPORT_MOVEMENTS_MAX = 10_000;
export const MEMBER_EXPORT_FORMAT = "tibox-member-export/v1";

/** Everything the box holds about a member, as one JSON-ready object. */
export function memberExportDocument(sqlite: Sqlite, memberId: string, nowMs: number, venueName: string | undefined) {
  const record = exportMemberRecord(sqlite, memberId);
  const person = { memberId, email: record.member.email };
  const walletId = record.member.wallet_id;
  return {
    format: MEMBER_EXPORT_FORMAT,
    exported_at_ms: nowMs,
    venue: venueName ?? null,
    ...record,
    cards: cardsOfWallet(sqlite, walletId).map((card) => ({ id: card.id, uid: card.uid, printed_number: card.printedNumber, state: card.state, created_at_ms: card.createdAtMs })),
    wallet: {
      id: walletId,
      balances: walletBalances(sqlite, walletId),
      movements: accountHistory(sqlite, walletAccount(walletId), EXPORT_MOVEMENTS_MAX).map((movement) => ({
        entry_seq: movement.seq,
        at_ms: movement.atMs,
        kind: movement.kind,
        asset: movement.asset,
        amount: movement.amount,
      })),
    },
    orders: ordersOfPerson(sqlite, person).map((order) => ({
      id: order.id,
      reference: order.reference,
      channel: order.channel,
      state: order.state,
      buyer_name: order.buyerName,
      buyer_email: order.buyerEmail,
      buyer_phone: order.buyerPhone,
      member_id: order.memberId,
      total_minor: order.totalMinor,
      payment_method: order.paymentMethod,
      created_at_ms: order.createdAtMs,
      paid_at_ms: order.paidAtMs,
      lines: order.lines.map((line) => ({ kind: line.kind, label: line.label, quantity: line.quantity, amount_minor: line.amountMinor })),
    })),
    tickets: ticketsOfPerson(sqlite, person).map((ticket) => ({
      id: ticket.id,
      event_id: ticket.eventId,
      event_title: ticket.eventTitle,
      event_starts_at_ms: ticket.eventStartsAtMs,
      product: ticket.productName,
      holder_name: ticket.holderName,
      state: ticket.state,
      order_id: ticket.orderId,
      amount_minor: ticket.amountMinor,
      issued_at_ms: ticket.issuedAtMs,
    })),
    waiting_list: waitingOfPerson(sqlite, person).map((place) => ({ id: place.id, event_id: place.eventId, name: place.name, email: place.email, state: place.state, created_at_ms: place.createdAtMs })),
  };
}

async function exportMember(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const member = requireMember(ctx);
  const nowMs = deps.clock.nowMs();
  // Recorded first (an export of personal data is worth a trace), then read outside the writer.
  await deps.writer.submit((tx) => appendEvent(tx, deps.signer, { kind: "member.exported", actor: eventActor(ctx), subject: `member:${member.id}`, detail: {} }));
  const document = memberExportDocument(deps.writer.sqlite, member.id, nowMs, ctx.venue?.legalName);
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="member-${member.id}.json"`,
      "cache-control": "no-store",
    },
  });
}

export interface MemberErasureOutcome {
  readonly pseudonym: string;
  readonly orders: number;
  readonly tickets: number;
  readonly waiting: number;
  readonly emails: number;
}

/** Erases a member everywhere, inside the caller's transaction (see the module comment). */
export function eraseMemberEverywhere(tx: Tx, signer: Signer, actor: string, memberId: string): MemberErasureOutcome {
  const erasure = eraseMember(tx, memberId);
  const ticketing = erasePerson(tx, { memberId, email: erasure.formerEmail, pseudonym: erasure.pseudonym });
  appendEvent(tx, signer, {
    kind: "member.erased",
    actor,
    subject: `member:${memberId}`,
    // Counts and the pseudonym's code only: the event log is signed and kept, so it holds no personal data.
    detail: { pseudonym_code: pseudonymCode(memberId), field_values: erasure.fieldValuesDeleted, ...ticketing },
  });
  return { pseudonym: erasure.pseudonym, ...ticketing };
}

function eraseRoute(render: (ctx: Ctx, options: MemberPageOptions) => Response) {
  return async (ctx: Ctx): Promise<Response> => {
    const { deps } = ctx;
    const member = requireMember(ctx);
    const outcome = await attempt(ctx.t, () =>
      deps.writer.submit((tx) => {
        if (field(ctx, "confirm") !== "1") fail("erase_not_confirmed", "tick the box to confirm the erasure");
        return eraseMemberEverywhere(tx, deps.signer, eventActor(ctx), member.id);
      }),
    );
    if (!outcome.ok) return render(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
    return render(ctx, { notice: ctx.t("members.erased_done", { name: outcome.value.pseudonym }) });
  };
}

export function memberPrivacyRoutes(render: (ctx: Ctx, options: MemberPageOptions) => Response): readonly Route[] {
  return [
    { method: "POST", path: "/admin/members/:id/export", access: STAFF, handle: exportMember },
    { method: "POST", path: "/admin/members/:id/erase", access: ADMIN, handle: eraseRoute(render) },
  ];
}
