/**
 * What the wallet's pages share: who acts (for the event log and for ledger entries), the
 * operation dependencies, assets as pages show them, and the holder page's address of a card.
 */
import type { Sqlite } from "../db/index.ts";
import { listAssetsSql, type Actor, type Card } from "../wallet/index.ts";
import type { AssetLabel } from "../../ui/pages/wallet-common.tsx";
import { operationDeps, type Ctx } from "./context.ts";

export const ADMIN = { kind: "operator", roles: ["admin"] } as const;
export const STAFF = { kind: "operator", roles: ["admin", "manager"] } as const;

/** The event log's actor: the operator behind the session (every wallet page requires one). */
export function eventActor(ctx: Ctx): string {
  return `operator:${ctx.session!.operatorId}`;
}

/** A ledger entry's actor: a page form is one command, so it gets a fresh idempotency key. */
export function ledgerActor(ctx: Ctx): Actor {
  const session = ctx.session!;
  return { scope: `operator:${session.operatorId}`, idempotencyKey: ctx.deps.newId(), role: session.role };
}

export function assetLabels(sqlite: Sqlite): AssetLabel[] {
  return listAssetsSql(sqlite).map((asset) => ({ code: asset.code, kind: asset.kind, name: asset.name, scale: asset.scale }));
}

export function holderPath(card: Pick<Card, "qrId">): string {
  return `/c/${card.qrId}`;
}

/** The holder page's full address, for a QR code: the HTTPS address when the box serves one. */
export function holderUrl(ctx: Ctx, card: Pick<Card, "qrId">): string {
  const tls = ctx.deps.tls;
  const origin = tls ? `https://${ctx.url.hostname}:${tls.httpsPort}` : ctx.url.origin;
  return `${origin}${holderPath(card)}`;
}
