/**
 * The till's sale (docs/pos.md, "The till"): choose the point of sale, build the cart from the
 * catalogue's buttons, pay by card taps, cash, the card terminal or several of them, and show the
 * paid sale's receipt. The state travels with the page (till-state.ts); every screen is priced
 * by the box, and the sale is one command run once per key under the till's scope, through the
 * device API's stored answers (runOnce): pressing "pay" twice, or sending it again after a Wi-Fi
 * drop or a box restart, charges once.
 */
import { renderSVG } from "uqr";
import { fail, isAppError } from "../kernel/index.ts";
import { memberByWallet, membershipOf } from "../membership/index.ts";
import {
  cardAssetsForCart,
  createSale,
  findItem,
  findMembershipItem,
  findTicketItem,
  isTicketItemId,
  listCategories,
  listItems,
  listPaymentMethods,
  listPointsOfSale,
  parseSaleLabel,
  planCardPayment,
  priceCart,
  enqueuePrintJob,
  readPosSettings,
  receiptDocument,
  receiptOf,
  receiptPrinterOf,
  requireActivePointOfSale,
  saleLabel,
  tillPrinters,
  type PricedCart,
  type Receipt,
  type SaleInput,
} from "../pos/index.ts";
import { cardById, type Card } from "../wallet/index.ts";
import type { Tx } from "../db/index.ts";
import { CartScreen, Cart, DoneScreen, PayScreen, PosChoice, type CartView, type PayView, type TillCardView } from "../../ui/pages/till.tsx";
import { PrinterChip, TillTapForm, type TapTarget } from "../../ui/pages/till-shell.tsx";
import { formatEuros } from "../../ui/pages/wallet-common.tsx";
import { type Ctx, field, operationDeps, view } from "./context.ts";
import { errorText } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { tapStream } from "./taps.ts";
import {
  assetLabels,
  cardView,
  claimTappedCard,
  rememberPointOfSale,
  refusalText,
  storedAnswer,
  tillAccess,
  tillActor,
  tillRefusal,
  tillScreen,
  type Till,
} from "./till-common.ts";
import {
  addLine,
  addPayment,
  balanceOfPayments,
  changeQuantity,
  dropItem,
  emptyState,
  fitPayments,
  parseEuros,
  parseState,
  removeLine,
  removePayment,
  stateJson,
  TILL_STATE_LIMITS,
  type TillState,
} from "./till-state.ts";
import { runOnce } from "./wallet-api.ts";
import { tillMembershipGrid } from "./till-memberships.ts";
import { saleTicketsView, ticketOffersView } from "./till-tickets.ts";

const TERMINAL = { kind: "terminal" } as const;
/** Banknotes offered as quick cash amounts, in cents. */
const BANKNOTES = [500, 1000, 2000, 5000, 10000] as const;

// Pricing the state.

interface Priced {
  readonly state: TillState;
  readonly cart: PricedCart | undefined;
  readonly notices: string[];
  readonly memberName: string | null;
}

function toCartLines(state: TillState) {
  return state.lines.map((line) => ({ itemId: line.item, priceId: line.price, amount: line.amount ?? undefined, quantity: line.qty }));
}

/** The member a card belongs to, and whether their membership is valid now (member prices apply). */
function memberCard(ctx: Ctx, cardId: string | null): { card: Card; name: string; valid: boolean } | undefined {
  if (!cardId) return undefined;
  const sqlite = ctx.deps.writer.sqlite;
  const card = cardById(sqlite, cardId);
  if (!card || card.state === "lost" || card.state === "blocked") return undefined;
  const member = memberByWallet(sqlite, card.walletId);
  return member ? { card, name: member.name, valid: membershipOf(sqlite, member.id, ctx.deps.clock.nowMs()).valid } : undefined;
}

/**
 * Prices the cart from the catalogue (member prices when a member's card was tapped). A line the
 * catalogue no longer sells here is dropped, with a notice that says why.
 */
function priceState(ctx: Ctx, input: TillState): Priced {
  const member = memberCard(ctx, input.member);
  let state: TillState = member ? input : { ...input, member: null };
  const notices: string[] = [];
  // The member stays on the sale (a membership item needs them); their prices need a valid membership.
  const memberName = member?.valid ? member.name : null;
  for (let attempt = 0; attempt <= TILL_STATE_LIMITS.lines; attempt++) {
    if (state.lines.length === 0) return { state, cart: undefined, notices, memberName };
    try {
      const cart = priceCart(ctx.deps.writer.sqlite, { pointOfSale: state.pos, member: member?.valid === true, vatStatus: ctx.venue!.vatStatus, nowMs: ctx.deps.clock.nowMs() }, toCartLines(state));
      return { state, cart, notices, memberName };
    } catch (error) {
      if (!isAppError(error) || typeof error.details?.item_id !== "string") throw error;
      notices.push(errorText(ctx.t, error));
      state = dropItem(state, error.details.item_id);
    }
  }
  return { state: { ...state, lines: [] }, cart: undefined, notices, memberName: null };
}

/** The page's state for this till: a state of another point of sale (the till changed it) starts over. */
function readState(ctx: Ctx, till: Till & { pos: NonNullable<Till["pos"]> }): TillState {
  const state = parseState(field(ctx, "state"), till.pos.code);
  return state.pos === till.pos.code ? state : emptyState(till.pos.code);
}

// The cart screen.

function gridOf(ctx: Ctx, pos: string) {
  const sqlite = ctx.deps.writer.sqlite;
  const categories = listCategories(sqlite).map((category) => ({ id: category.id, name: category.name, colour: category.colour }));
  const items = listItems(sqlite, { pointOfSale: pos, activeOnly: true }).map((item) => ({
    id: item.id,
    name: item.name,
    categoryId: item.categoryId,
    prices: item.prices.map((price) => ({ id: price.id, label: price.label, kind: price.kind as "fixed" | "free", amount: price.amount, memberAmount: price.memberAmount })),
    soldOut: item.stock !== null && item.stock <= 0,
  }));
  // Membership products (items mp_<id>) in their own section (till-memberships.ts).
  const memberships = tillMembershipGrid(ctx);
  return { categories: [...categories, ...memberships.categories], items: [...items, ...memberships.items] };
}

function cartView(ctx: Ctx, priced: Priced, extra: { notices?: string[]; askFree?: CartView["askFree"]; card?: TillCardView } = {}): CartView {
  const state: TillState = { ...priced.state, screen: "cart", key: null, payments: [], expected: null };
  return {
    stateJson: stateJson(state),
    lines: (priced.cart?.lines ?? []).map((line, index) => ({
      index,
      name: line.item.name,
      priceLabel: line.price.label,
      quantity: line.quantity,
      unitAmount: line.unitAmount,
      amount: line.amount,
      memberPrice: line.memberPrice,
    })),
    total: priced.cart?.total ?? 0,
    member: priced.memberName,
    notices: [...priced.notices, ...(extra.notices ?? [])],
    askFree: extra.askFree,
    card: extra.card,
    assets: assetLabels(ctx),
  };
}

function cartScreen(ctx: Ctx, till: Till & { pos: NonNullable<Till["pos"]> }, state: TillState, extra: Parameters<typeof cartView>[2] = {}): string {
  const { categories, items } = gridOf(ctx, till.pos.code);
  const ticketsFirst = till.pos.kind === "box_office";
  return String(CartScreen({ view: view(ctx), categories, items, cart: cartView(ctx, priceState(ctx, state), extra), tickets: ticketOffersView(ctx), ticketsFirst }));
}

function withPos(ctx: Ctx): (Till & { pos: NonNullable<Till["pos"]> }) | Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  if (!till.pos) return ctx.request.method === "GET" ? tillScreen(ctx, till, "pos", undefined, posChoice(ctx)) : redirect("/till/pos");
  return till as Till & { pos: NonNullable<Till["pos"]> };
}

function posChoice(ctx: Ctx, current?: string): string {
  const points = listPointsOfSale(ctx.deps.writer.sqlite).filter((pos) => pos.active);
  return String(PosChoice({ view: view(ctx), points, current }));
}

function tillHome(ctx: Ctx): Response {
  const till = withPos(ctx);
  if (till instanceof Response) return till;
  return tillScreen(ctx, till, "sale", "sale", cartScreen(ctx, till, emptyState(till.pos.code)));
}

/** POST /till/cart: an item added, a quantity changed, a line removed, the cart emptied. Answers the cart. */
function cartAction(ctx: Ctx): Response {
  const till = withPos(ctx);
  if (till instanceof Response) return till;
  let state = readState(ctx, till);
  const index = Number(field(ctx, "index"));
  const notices: string[] = [];
  let askFree: CartView["askFree"];
  switch (field(ctx, "op")) {
    case "add":
      state = addLine(state, { item: field(ctx, "item"), price: field(ctx, "price"), amount: null });
      break;
    case "ask_free":
      askFree = freePriceOf(ctx, field(ctx, "item"), field(ctx, "price"));
      break;
    case "add_free": {
      const ask = freePriceOf(ctx, field(ctx, "item"), field(ctx, "price"));
      const amount = parseEuros(field(ctx, "amount"));
      if (!ask) break;
      if (amount === undefined || amount < ask.minimum) {
        notices.push(ctx.t("till.free_below_minimum", { minimum: formatEuros(view(ctx), ask.minimum) }));
        askFree = ask;
      } else {
        state = addLine(state, { item: ask.itemId, price: ask.priceId, amount });
      }
      break;
    }
    case "inc":
      state = changeQuantity(state, index, +1);
      break;
    case "dec":
      state = changeQuantity(state, index, -1);
      break;
    case "remove":
      state = removeLine(state, index);
      break;
    case "clear":
      state = emptyState(till.pos.code);
      break;
  }
  return html(String(Cart({ view: view(ctx), cart: cartView(ctx, priceState(ctx, state), { notices, askFree }) })));
}

function freePriceOf(ctx: Ctx, itemId: string, priceId: string): CartView["askFree"] {
  // A ticket's free price (tp_<ticket product id>) asks its amount the same way.
  const item = findItem(ctx.deps.writer.sqlite, itemId) ?? findTicketItem(ctx.deps.writer.sqlite, itemId) ?? findMembershipItem(ctx.deps.writer.sqlite, itemId);
  const price = item?.prices.find((candidate) => candidate.id === priceId && candidate.kind === "free");
  if (!item || !price) return undefined;
  return { itemId: item.id, priceId: price.id, name: item.name, minimum: Math.max(price.amount, 1) };
}

// The payment screen.

type PayMethod = "nfc_card" | "cash" | "card_terminal";

/** Methods this cart can be paid with: on at the venue, and accepted by every item. */
function payMethods(ctx: Ctx, cart: PricedCart): PayMethod[] {
  const active = new Set(listPaymentMethods(ctx.deps.writer.sqlite).filter((method) => method.active).map((method) => method.code as string));
  return (["nfc_card", "cash", "card_terminal"] as const).filter(
    (method) => active.has(method) && cart.lines.every((line) => line.item.paymentMethods.length === 0 || line.item.paymentMethods.includes(method)),
  );
}

function quickCash(remaining: number): number[] {
  const amounts = [remaining, ...BANKNOTES.filter((note) => note > remaining)];
  return [...new Set(amounts)].filter((amount) => amount > 0).slice(0, 5);
}

interface PayExtra {
  readonly notices?: string[];
  readonly card?: PayView["card"];
  readonly autoSubmit?: boolean;
}

function payScreen(ctx: Ctx, till: Till & { pos: NonNullable<Till["pos"]> }, input: TillState, extra: PayExtra = {}): string {
  const priced = priceState(ctx, input);
  if (!priced.cart) return cartScreen(ctx, till, priced.state, { notices: [...priced.notices, ...(extra.notices ?? [])] });
  const total = priced.cart.total;
  const state: TillState = { ...fitPayments(priced.state, total), screen: "pay", key: priced.state.key ?? ctx.deps.newId(), expected: total };
  const { remaining, change } = balanceOfPayments(state, total);
  const sqlite = ctx.deps.writer.sqlite;
  const pay: PayView = {
    stateJson: stateJson(state),
    key: state.key!,
    total,
    remaining,
    change,
    payments: state.payments.map((payment, index) => ({
      index,
      method: payment.method,
      amount: payment.amount,
      cardNumber: payment.method === "nfc_card" ? (cardById(sqlite, payment.card)?.printedNumber ?? "?") : undefined,
    })),
    notices: [...priced.notices, ...(extra.notices ?? [])],
    card: extra.card,
    assets: assetLabels(ctx),
    autoSubmit: (extra.autoSubmit ?? false) && remaining === 0,
    methods: payMethods(ctx, priced.cart),
    quickCash: quickCash(remaining),
  };
  return String(PayScreen({ view: view(ctx), pay }));
}

/** POST /till/pay: open the payment, add cash or a card-terminal payment, remove one, go back, start a new sale. */
function payAction(ctx: Ctx): Response {
  const till = withPos(ctx);
  if (till instanceof Response) return till;
  let state = readState(ctx, till);
  const notices: string[] = [];
  switch (field(ctx, "op")) {
    case "open":
      // The payment's key is made here, when the payment screen opens, and kept in the page.
      return html(payScreen(ctx, till, { ...state, screen: "pay", key: ctx.deps.newId(), payments: [] }));
    case "back":
      return html(cartScreen(ctx, till, { ...state, screen: "cart", key: null, payments: [] }));
    case "new":
      return html(cartScreen(ctx, till, emptyState(till.pos.code)));
    case "restore":
      return html(state.screen === "pay" ? payScreen(ctx, till, state) : cartScreen(ctx, till, state));
    case "cash":
    case "card_terminal": {
      const amount = field(ctx, "amount_text") ? parseEuros(field(ctx, "amount_text")) : Number(field(ctx, "amount"));
      if (amount === undefined || !Number.isSafeInteger(amount) || amount <= 0 || amount > TILL_STATE_LIMITS.amountMax) notices.push(ctx.t("till.amount_invalid"));
      else state = addPayment(state, { method: field(ctx, "op") as "cash" | "card_terminal", amount });
      break;
    }
    case "remove":
      state = removePayment(state, Number(field(ctx, "index")));
      break;
  }
  return html(payScreen(ctx, till, state, { notices }));
}

// Taps.

/** A card tapped on the sale screen: with an empty cart it is shown (a member's prices apply); otherwise it pays. */
function tapOnSale(ctx: Ctx): Response {
  const till = withPos(ctx);
  if (till instanceof Response) return till;
  const state = readState(ctx, till);
  let tapped: { card: Card | undefined; uid: string };
  try {
    tapped = claimTappedCard(ctx, till);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const notices = [errorText(ctx.t, error)];
    return html(state.screen === "pay" ? payScreen(ctx, till, state, { notices }) : cartScreen(ctx, till, state, { notices }));
  }
  const card = cardView(ctx, tapped.card, tapped.uid);
  const member = tapped.card && memberCard(ctx, tapped.card.id) ? tapped.card.id : null;
  const withMember = member && !state.member ? { ...state, member } : state;
  if (state.screen === "cart" && state.lines.length === 0) return html(cartScreen(ctx, till, withMember, { card }));
  const paying: TillState = state.screen === "pay" ? withMember : { ...withMember, screen: "pay", key: ctx.deps.newId(), payments: [] };
  return html(payWithCard(ctx, till, paying, tapped.card, card));
}

/** Adds what the card can pay of what is left (its assets in spend priority); the payment goes at once when the card covers it. */
function payWithCard(ctx: Ctx, till: Till & { pos: NonNullable<Till["pos"]> }, input: TillState, card: Card | undefined, shown: TillCardView): string {
  if (!card) return payScreen(ctx, till, input, { card: { card: shown } });
  if (card.state === "lost" || card.state === "blocked") return payScreen(ctx, till, input, { card: { card: shown } });
  const priced = priceState(ctx, input);
  if (!priced.cart) return payScreen(ctx, till, input);
  const state = fitPayments(priced.state, priced.cart.total);
  const already = state.payments.reduce((sum, payment) => sum + (payment.method === "nfc_card" && payment.card === card.id ? payment.amount : 0), 0);
  const { remaining } = balanceOfPayments(state, priced.cart.total);
  const plan = planCardPayment(ctx.deps.writer.sqlite, {
    walletId: card.walletId,
    amount: already + remaining,
    pointOfSale: till.pos.code,
    assets: cardAssetsForCart(priced.cart),
    balances: shown.balances,
  });
  const adds = plan.amount - already;
  if (remaining === 0) return payScreen(ctx, till, state, { card: { card: shown }, notices: [ctx.t("till.nothing_left")] });
  if (adds <= 0) return payScreen(ctx, till, state, { card: { card: shown }, notices: [ctx.t("till.card_empty")] });
  const paid = addPayment(state, { method: "nfc_card", amount: adds, card: card.id });
  return payScreen(ctx, till, paid, { card: { card: shown, paid: { amount: plan.amount, balancesAfter: plan.balancesAfter } }, autoSubmit: true });
}

// The sale.

function uidOfCard(ctx: Ctx, cardId: string): string {
  const card = cardById(ctx.deps.writer.sqlite, cardId);
  if (!card || !card.uid) fail("card_unknown", "this card is not registered any more");
  return card.uid;
}

function saleInput(ctx: Ctx, state: TillState): SaleInput {
  return {
    pointOfSale: state.pos,
    lines: toCartLines(state),
    payments: state.payments.map((payment) =>
      payment.method === "nfc_card" ? { method: payment.method, amount: payment.amount, cardUid: uidOfCard(ctx, payment.card) } : { method: payment.method, amount: payment.amount },
    ),
    expectedTotal: state.expected ?? undefined,
    memberCardUid: state.member ? uidOfCard(ctx, state.member) : undefined,
  };
}

interface SaleAnswer {
  readonly label: string;
  readonly change: number;
  readonly cards: ReadonlyArray<{ card_id: string; balances: Record<string, number> }>;
  readonly print_warnings: readonly string[];
  /** The receipt's print job when the venue prints receipts automatically, else null. */
  readonly receipt_job?: number | null;
  /** The till order of the sale's tickets, and its tickets (ticket-items.ts). */
  readonly order_id?: string | null;
  readonly tickets?: readonly string[];
}

/**
 * The receipt printed with the sale when the venue turned automatic printing on (off by default:
 * French law no longer allows systematic paper receipts). Training sales print nothing; a full
 * queue never refuses the sale, it only warns.
 */
function autoPrintReceipt(ctx: Ctx, tx: Tx, number: number, training: boolean, warnings: string[]): number | null {
  if (training || !readPosSettings(tx.sqlite).printReceiptsAutomatically) return null;
  try {
    return printReceipt(ctx, tx, receiptOf(tx.sqlite, { number, training }));
  } catch (error) {
    if (!isAppError(error)) throw error;
    warnings.push(`receipt: ${error.code}`);
    return null;
  }
}

/** POST /till/sales: the payment, once per key (the page sends it again, unchanged, until the box answers). */
async function postSale(ctx: Ctx): Promise<Response> {
  const till = withPos(ctx);
  if (till instanceof Response) return till;
  const state = readState(ctx, till);
  if (state.screen !== "pay" || !state.key) return html(payScreen(ctx, till, state, { notices: [ctx.t("till.payment_incomplete")] }), 400);
  const response = await runOnce(
    ctx,
    (tx, caller) => {
      const result = createSale(tx, operationDeps(ctx), tillActor(till, caller), saleInput(ctx, state));
      const warnings = [...result.printWarnings];
      const receiptJob = autoPrintReceipt(ctx, tx, result.number, result.training, warnings);
      const body: SaleAnswer & Record<string, unknown> = {
        label: saleLabel(result.number, result.training),
        number: result.number,
        training: result.training,
        total: result.total,
        change: result.change,
        cards: result.payments.filter((payment) => payment.cardId !== null).map((payment) => ({ card_id: payment.cardId!, balances: { ...(payment.balances ?? {}) } })),
        print_jobs: result.printJobs,
        print_warnings: warnings,
        receipt_job: receiptJob,
        order_id: result.orderId,
        tickets: result.ticketIds,
      };
      return { status: 201, body: JSON.stringify(body) };
    },
    tillRefusal,
    { key: state.key, session: till.session },
  );
  const answer = await storedAnswer<SaleAnswer>(response);
  if (answer.ok) return html(doneScreen(ctx, till, answer.body), 201);
  const notice = answer.body.code === "idempotency_key_reused" ? ctx.t("till.key_reused") : refusalText(ctx, answer.body);
  // This key is spent (its refusal is stored): the next attempt gets a new one.
  return html(payScreen(ctx, till, { ...state, key: ctx.deps.newId() }, { notices: [notice] }), answer.status);
}

/** Queues a receipt at its point of sale's receipt printer; null when there is none (screen only). */
export function printReceipt(ctx: Ctx, tx: Tx, receipt: Receipt): number | null {
  const printer = receiptPrinterOf(tx.sqlite, receipt.pointOfSale.code);
  if (!printer) return null;
  const cash = receipt.payments.some((payment) => payment.method === "cash");
  const document = receiptDocument(receipt, { baseUrl: ctx.url.origin, openDrawer: cash && printer.hasCashDrawer });
  return enqueuePrintJob(tx, { printerId: printer.id, kind: "receipt", document }).id;
}

export function receiptQr(ctx: Ctx, qrTarget: string | null): string | undefined {
  return qrTarget ? renderSVG(`${ctx.url.origin}${qrTarget}`, { border: 2 }) : undefined;
}

function doneScreen(ctx: Ctx, till: Till & { pos: NonNullable<Till["pos"]> }, answer: SaleAnswer): string {
  const sqlite = ctx.deps.writer.sqlite;
  const receipt = receiptOf(sqlite, parseSaleLabel(answer.label));
  return String(
    DoneScreen({
      view: view(ctx),
      done: {
        stateJson: stateJson(emptyState(till.pos.code)),
        label: answer.label,
        training: receipt.training,
        change: answer.change,
        cards: answer.cards.map((card) => ({ number: cardById(sqlite, card.card_id)?.printedNumber ?? "?", balances: card.balances })),
        assets: assetLabels(ctx),
        receipt,
        qrSvg: receiptQr(ctx, receipt.qrTarget),
        canPrint: receiptPrinterOf(sqlite, receipt.pointOfSale.code) !== undefined,
        receiptJob: answer.receipt_job ?? null,
        printKey: `receipt.${answer.label}`,
        printWarnings: answer.print_warnings,
        tickets: saleTicketsView(ctx, till, answer.order_id ?? null),
        trainingTickets: receipt.training && receipt.lines.some((line) => isTicketItemId(line.itemId)),
      },
    }),
  );
}

// The till's event stream, printers and point of sale.

const TAP_ACTIONS: Readonly<Record<TapTarget, string>> = { sale: "/till/tap", topup: "/till/topup/tap", refund: "/till/refund/tap" };

/** GET /till/events?on=sale|topup|refund: this till's taps, each a form that claims it for the screen's action. */
function tillEvents(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const on = ctx.url.searchParams.get("on") as TapTarget | null;
  const action = TAP_ACTIONS[on ?? "sale"] ?? TAP_ACTIONS.sale;
  const page = view(ctx);
  return tapStream(ctx, till.terminal.id, (tap) => String(TillTapForm({ view: page, tapId: tap.id, expiresAtMs: tap.expiresAtMs, action })));
}

/** GET /till/printers: the printer chip again (polled), empty while the till has no point of sale yet. */
function printersChip(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  const printers = till.pos ? tillPrinters(ctx.deps.writer.sqlite, till.pos.code) : [];
  return html(String(PrinterChip({ view: view(ctx), printers })));
}

function choosePos(ctx: Ctx): Response {
  const till = tillAccess(ctx);
  if (till instanceof Response) return till;
  if (ctx.request.method === "GET") return tillScreen(ctx, till, "pos", undefined, posChoice(ctx, till.pos?.code));
  const pos = requireActivePointOfSale(ctx.deps.writer.sqlite, field(ctx, "point_of_sale"));
  rememberPointOfSale(ctx, till.terminal.id, pos.code);
  return redirect("/till");
}

export const tillRoutes: readonly Route[] = [
  { method: "GET", path: "/till", access: TERMINAL, handle: tillHome },
  { method: "GET", path: "/till/pos", access: TERMINAL, handle: choosePos },
  { method: "POST", path: "/till/pos", access: TERMINAL, handle: choosePos },
  { method: "POST", path: "/till/cart", access: TERMINAL, handle: cartAction },
  { method: "POST", path: "/till/pay", access: TERMINAL, handle: payAction },
  { method: "POST", path: "/till/tap", access: TERMINAL, handle: tapOnSale },
  { method: "POST", path: "/till/sales", access: TERMINAL, handle: postSale },
  { method: "GET", path: "/till/events", access: TERMINAL, handle: tillEvents },
  { method: "GET", path: "/till/printers", access: TERMINAL, handle: printersChip },
];
