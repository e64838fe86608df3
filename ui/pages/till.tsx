/**
 * The till's sale screens, each one `#till-main`: the catalogue's buttons with the cart, the
 * payment (card taps, cash with a keypad, card terminal, split), and the paid sale with its
 * receipt. Amounts come priced by the box; the page only keeps the state it is given.
 */
import { CsrfField, Notice } from "../layout.tsx";
import { formatDate, type View } from "../view.ts";
import { CommandForm } from "./till-shell.tsx";
import { ReceiptView, type ReceiptData } from "./till-receipt.tsx";
import { SaleTickets, TicketGridSection, type SaleTicketsView, type TillTicketOfferView } from "./till-tickets.tsx";
import { BalanceList, formatEuros, type AssetLabel } from "./wallet-common.tsx";

export interface TillItemView {
  readonly id: string;
  readonly name: string;
  readonly categoryId: string | null;
  readonly prices: ReadonlyArray<{ readonly id: string; readonly label: string; readonly kind: "fixed" | "free"; readonly amount: number; readonly memberAmount: number | null }>;
  readonly soldOut: boolean;
}

export interface TillCategoryView {
  readonly id: string;
  readonly name: string;
  readonly colour: string;
}

export interface CartLineView {
  readonly index: number;
  readonly name: string;
  readonly priceLabel: string;
  readonly quantity: number;
  readonly unitAmount: number;
  readonly amount: number;
  readonly memberPrice: boolean;
}

/** A card as the till shows it once tapped: never its UID, only its printed number (or the UID's tail). */
export interface TillCardView {
  readonly printedNumber: string;
  readonly uidTail: string;
  readonly known: boolean;
  readonly state: string;
  readonly balances: Readonly<Record<string, number>>;
  readonly member: string | null;
  /** The member's membership now (null without a member): valid, and when the latest one ends. */
  readonly membership: { readonly valid: boolean; readonly until: number | null } | null;
}

export interface CartView {
  readonly stateJson: string;
  readonly lines: readonly CartLineView[];
  readonly total: number;
  readonly member: string | null;
  readonly notices: readonly string[];
  /** A free-price item waiting for its amount. */
  readonly askFree: { readonly itemId: string; readonly priceId: string; readonly name: string; readonly minimum: number } | undefined;
  /** A card tapped while the cart was empty: shown, and its member's prices apply. */
  readonly card: TillCardView | undefined;
  readonly assets: readonly AssetLabel[];
}

const SYNC = "#till-sync:queue all";

function vals(values: Record<string, string | number>): string {
  return JSON.stringify(values);
}

function ItemButton({ view, item, price }: { view: View; item: TillItemView; price: TillItemView["prices"][number] }) {
  const { t } = view;
  const free = price.kind === "free";
  return (
    <button
      type="button"
      class="item"
      disabled={item.soldOut}
      hx-post="/till/cart"
      hx-vals={vals({ op: free ? "ask_free" : "add", item: item.id, price: price.id })}
      hx-include="#till-state"
      hx-target="#cart"
      hx-swap="outerHTML"
      hx-sync={SYNC}
    >
      <span class="item-name" safe>
        {item.name}
      </span>
      {price.label ? (
        <span class="item-label" safe>
          {price.label}
        </span>
      ) : null}
      <span class="item-price">{free ? t("till.free_from", { amount: formatEuros(view, price.amount) }) : formatEuros(view, price.amount)}</span>
      {price.memberAmount !== null ? <span class="item-member">{t("till.member_price_short", { amount: formatEuros(view, price.memberAmount) })}</span> : null}
      {item.soldOut ? <span class="item-sold-out">{t("till.sold_out")}</span> : null}
    </button>
  );
}

export function ItemGrid({
  view,
  categories,
  items,
  tickets = [],
  ticketsFirst = false,
}: {
  view: View;
  categories: readonly TillCategoryView[];
  items: readonly TillItemView[];
  tickets?: readonly TillTicketOfferView[];
  /** A box office shows its tickets first; other points of sale after their own items. */
  ticketsFirst?: boolean;
}) {
  const { t } = view;
  const groups = [
    ...categories.map((category) => ({ category, items: items.filter((item) => item.categoryId === category.id) })),
    { category: undefined, items: items.filter((item) => item.categoryId === null || !categories.some((category) => category.id === item.categoryId)) },
  ].filter((group) => group.items.length > 0);
  if (groups.length === 0 && tickets.length === 0) return <p class="till-grid">{t("till.no_items")}</p>;
  return (
    <div class="till-grid">
      {ticketsFirst ? <TicketGridSection view={view} offers={tickets} /> : null}
      {groups.map((group) => (
        <section class="category" style={group.category ? `--category: ${group.category.colour}` : undefined} aria-label={group.category?.name ?? t("till.other_items")}>
          <h2 safe>{group.category?.name ?? t("till.other_items")}</h2>
          <div class="items">{group.items.flatMap((item) => item.prices.map((price) => <ItemButton view={view} item={item} price={price} />))}</div>
        </section>
      ))}
      {ticketsFirst ? null : <TicketGridSection view={view} offers={tickets} />}
    </div>
  );
}

function CartButton({ view, op, index, label, text }: { view: View; op: string; index: number; label: string; text: string }) {
  return (
    <button type="button" class="small-action" aria-label={label} hx-post="/till/cart" hx-vals={vals({ op, index })} hx-include="#till-state" hx-target="#cart" hx-swap="outerHTML" hx-sync={SYNC}>
      {text}
    </button>
  );
}

function FreeAmountForm({ view, ask }: { view: View; ask: NonNullable<CartView["askFree"]> }) {
  const { t } = view;
  return (
    <form class="free-amount" hx-post="/till/cart" hx-include="#till-state" hx-target="#cart" hx-swap="outerHTML" hx-sync={SYNC}>
      <input type="hidden" name="op" value="add_free" />
      <input type="hidden" name="item" value={ask.itemId} />
      <input type="hidden" name="price" value={ask.priceId} />
      <label for="free-amount">{t("till.free_amount", { name: ask.name, minimum: formatEuros(view, ask.minimum) })}</label>
      <input id="free-amount" name="amount" inputmode="decimal" autocomplete="off" required autofocus />
      <button type="submit" class="primary">
        {t("till.add")}
      </button>
    </form>
  );
}

export function Cart({ view, cart }: { view: View; cart: CartView }) {
  const { t } = view;
  return (
    <aside id="cart" class="cart" aria-labelledby="cart-title">
      <input type="hidden" id="till-state" name="state" value={cart.stateJson} />
      <h2 id="cart-title">{t("till.cart")}</h2>
      {cart.notices.map((notice) => (
        <Notice kind="error">{notice}</Notice>
      ))}
      {cart.card ? <TillCard view={view} card={cart.card} assets={cart.assets} /> : null}
      {cart.member ? <p class="member-status ok">{t("till.member_prices", { name: cart.member })}</p> : null}
      {cart.askFree ? <FreeAmountForm view={view} ask={cart.askFree} /> : null}
      {cart.lines.length === 0 ? <p class="muted">{t("till.cart_empty")}</p> : null}
      <ul class="cart-lines">
        {cart.lines.map((line) => (
          <li data-testid="cart-line">
            <span class="line-name">
              <span safe>{line.name}</span>
              {line.priceLabel ? <span safe>{` (${line.priceLabel})`}</span> : null}
              {line.memberPrice ? <span class="member-tag">{t("till.member_tag")}</span> : null}
            </span>
            <span class="line-qty">
              <CartButton view={view} op="dec" index={line.index} label={t("till.less", { name: line.name })} text="−" />
              <span class="qty">{String(line.quantity)}</span>
              <CartButton view={view} op="inc" index={line.index} label={t("till.more", { name: line.name })} text="+" />
              <CartButton view={view} op="remove" index={line.index} label={t("till.remove", { name: line.name })} text="✕" />
            </span>
            <span class="line-amount">{formatEuros(view, line.amount)}</span>
          </li>
        ))}
      </ul>
      <p class="cart-total">
        {t("till.total")} <strong data-testid="cart-total">{formatEuros(view, cart.total)}</strong>
      </p>
      <div class="cart-actions">
        <button type="button" class="primary big" disabled={cart.lines.length === 0} hx-post="/till/pay" hx-vals={vals({ op: "open" })} hx-include="#till-state" hx-target="#till-main" hx-swap="outerHTML" hx-sync={SYNC}>
          {t("till.charge", { amount: formatEuros(view, cart.total) })}
        </button>
        <button type="button" disabled={cart.lines.length === 0} hx-post="/till/cart" hx-vals={vals({ op: "clear" })} hx-include="#till-state" hx-target="#cart" hx-swap="outerHTML" hx-sync={SYNC}>
          {t("till.clear")}
        </button>
      </div>
    </aside>
  );
}

export function CartScreen({
  view,
  categories,
  items,
  cart,
  tickets = [],
  ticketsFirst = false,
}: {
  view: View;
  categories: readonly TillCategoryView[];
  items: readonly TillItemView[];
  cart: CartView;
  tickets?: readonly TillTicketOfferView[];
  ticketsFirst?: boolean;
}) {
  return (
    <div id="till-main" class="till-main cart-screen" data-screen="cart">
      <ItemGrid view={view} categories={categories} items={items} tickets={tickets} ticketsFirst={ticketsFirst} />
      <Cart view={view} cart={cart} />
    </div>
  );
}

/** A tapped card's member and membership: green while valid (until when), orange when none or lapsed. */
function MembershipStatus({ view, card }: { view: View; card: TillCardView }) {
  const { t } = view;
  if (!card.member) return <p class="member-status warn">{t("till.no_membership")}</p>;
  const until = card.membership?.until ?? null;
  if (card.membership?.valid && until !== null) {
    return <p class="member-status ok">{t("till.membership_valid", { name: card.member, date: formatDate(view, until) })}</p>;
  }
  if (until !== null) return <p class="member-status warn">{t("till.membership_expired", { name: card.member, date: formatDate(view, until) })}</p>;
  return <p class="member-status warn">{t("till.membership_none", { name: card.member })}</p>;
}

/** The card just tapped: its number, membership (green: valid; orange: none or lapsed), balances, and what it pays. */
export function TillCard({ view, card, assets, paid }: { view: View; card: TillCardView; assets: readonly AssetLabel[]; paid?: { amount: number; balancesAfter: Readonly<Record<string, number>> } | undefined }) {
  const { t } = view;
  if (!card.known) return <p class="card-unknown" role="alert">{t("taps.card_unknown", { tail: card.uidTail })}</p>;
  return (
    <div class="till-card" data-testid="till-card">
      <p class="card-number">{t("taps.card_number", { number: card.printedNumber })}</p>
      <MembershipStatus view={view} card={card} />
      {card.state === "lost" || card.state === "blocked" ? <Notice kind="error">{t(card.state === "lost" ? "card_state.lost" : "card_state.blocked")}</Notice> : null}
      {paid ? (
        <>
          <p>{t("till.card_pays", { amount: formatEuros(view, paid.amount) })}</p>
          <p class="muted">{t("till.card_left")}</p>
          <BalanceList view={view} balances={paid.balancesAfter} assets={assets} />
        </>
      ) : (
        <BalanceList view={view} balances={card.balances} assets={assets} />
      )}
    </div>
  );
}

export interface PaymentLineView {
  readonly index: number;
  readonly method: "nfc_card" | "cash" | "card_terminal";
  readonly amount: number;
  readonly cardNumber: string | undefined;
}

export interface PayView {
  readonly stateJson: string;
  readonly key: string;
  readonly total: number;
  readonly remaining: number;
  readonly change: number;
  readonly payments: readonly PaymentLineView[];
  readonly notices: readonly string[];
  readonly card: { readonly card: TillCardView; readonly paid?: { amount: number; balancesAfter: Readonly<Record<string, number>> } | undefined } | undefined;
  readonly assets: readonly AssetLabel[];
  /** A card tap that completed the payment sends it at once. */
  readonly autoSubmit: boolean;
  readonly methods: ReadonlyArray<"nfc_card" | "cash" | "card_terminal">;
  readonly quickCash: readonly number[];
}

function methodLabel(view: View, payment: PaymentLineView): string {
  if (payment.method === "nfc_card") return view.t("till.paid_by_card", { number: payment.cardNumber ?? "" });
  return view.t(payment.method === "cash" ? "till.method_cash" : "till.method_card_terminal");
}

function PayAction({ view, op, label, amount, primary = false }: { view: View; op: string; label: string; amount?: number; primary?: boolean }) {
  return (
    <button type="button" class={primary ? "primary" : undefined} hx-post="/till/pay" hx-vals={vals(amount === undefined ? { op } : { op, amount })} hx-include="#till-state" hx-target="#till-main" hx-swap="outerHTML" hx-sync={SYNC}>
      {label}
    </button>
  );
}

function CashPad({ view, pay }: { view: View; pay: PayView }) {
  const { t } = view;
  return (
    <section class="cash-pad" aria-labelledby="cash-title">
      <h3 id="cash-title">{t("till.method_cash")}</h3>
      <div class="quick-cash">
        {pay.quickCash.map((amount) => (
          <PayAction view={view} op="cash" amount={amount} label={amount === pay.remaining ? t("till.exact", { amount: formatEuros(view, amount) }) : formatEuros(view, amount)} />
        ))}
      </div>
      <form class="keypad-form" hx-post="/till/pay" hx-include="#till-state" hx-target="#till-main" hx-swap="outerHTML" hx-sync={SYNC}>
        <input type="hidden" name="op" value="cash" />
        <label for="cash-amount">{t("till.cash_given")}</label>
        <input id="cash-amount" name="amount_text" inputmode="decimal" autocomplete="off" class="keypad-display" />
        <div class="keypad" data-keypad-for="cash-amount">
          {["7", "8", "9", "4", "5", "6", "1", "2", "3", "0", ",", "⌫"].map((key) => (
            <button type="button" data-key={key} aria-label={key === "⌫" ? t("till.keypad_erase") : key}>
              {key}
            </button>
          ))}
        </div>
        <button type="submit" class="primary">
          {t("till.add_cash")}
        </button>
      </form>
    </section>
  );
}

export function PayScreen({ view, pay }: { view: View; pay: PayView }) {
  const { t } = view;
  const done = pay.remaining === 0 && pay.payments.length > 0;
  return (
    <div id="till-main" class="till-main pay-screen" data-screen="pay">
      <input type="hidden" id="till-state" name="state" value={pay.stateJson} />
      <h2>{t("till.payment")}</h2>
      <p class="pay-total">
        {t("till.total")} <strong data-testid="pay-total">{formatEuros(view, pay.total)}</strong>
      </p>
      {pay.notices.map((notice) => (
        <Notice kind="error">{notice}</Notice>
      ))}
      {pay.card ? <TillCard view={view} card={pay.card.card} assets={pay.assets} paid={pay.card.paid} /> : null}
      {pay.payments.length > 0 ? (
        <ul class="payments">
          {pay.payments.map((payment) => (
            <li data-testid="payment-line">
              <span>{methodLabel(view, payment)}</span> <strong>{formatEuros(view, payment.amount)}</strong>
              <button
                type="button"
                class="small-action"
                aria-label={t("till.remove_payment")}
                hx-post="/till/pay"
                hx-vals={vals({ op: "remove", index: payment.index })}
                hx-include="#till-state"
                hx-target="#till-main"
                hx-swap="outerHTML"
                hx-sync={SYNC}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {pay.remaining > 0 ? (
        <p class="pay-remaining">
          {t("till.remaining")} <strong data-testid="pay-remaining">{formatEuros(view, pay.remaining)}</strong>
        </p>
      ) : null}
      {pay.change > 0 ? (
        <p class="pay-change">
          {t("till.change")} <strong data-testid="pay-change">{formatEuros(view, pay.change)}</strong>
        </p>
      ) : null}
      {done ? (
        <CommandForm view={view} action="/till/sales" commandKey={pay.key} fields={{ state: pay.stateJson }} label={t("till.confirm_payment")} auto={pay.autoSubmit} testId="pay-command" />
      ) : (
        <div class="pay-methods">
          {pay.methods.includes("nfc_card") ? <p class="tap-prompt">{t("till.tap_to_pay")}</p> : null}
          {pay.methods.includes("cash") ? <CashPad view={view} pay={pay} /> : null}
          {pay.methods.includes("card_terminal") ? (
            <section class="terminal-pay" aria-labelledby="terminal-title">
              <h3 id="terminal-title">{t("till.method_card_terminal")}</h3>
              <PayAction view={view} op="card_terminal" amount={pay.remaining} label={t("till.card_terminal_paid", { amount: formatEuros(view, pay.remaining) })} />
            </section>
          ) : null}
        </div>
      )}
      <p>
        <PayAction view={view} op="back" label={t("till.back_to_cart")} />
      </p>
    </div>
  );
}

export interface DoneView {
  readonly stateJson: string;
  readonly label: string;
  readonly training: boolean;
  readonly change: number;
  readonly cards: ReadonlyArray<{ readonly number: string; readonly balances: Readonly<Record<string, number>> }>;
  readonly assets: readonly AssetLabel[];
  readonly receipt: ReceiptData;
  readonly qrSvg: string | undefined;
  readonly canPrint: boolean;
  /** The receipt's print job when it was printed automatically with the sale. */
  readonly receiptJob: number | null;
  readonly printKey: string;
  readonly printWarnings: readonly string[];
  /** The tickets the sale issued (ticket lines), with their print button and page. */
  readonly tickets?: SaleTicketsView | undefined;
  /** A training sale with ticket lines: checked, none issued. */
  readonly trainingTickets?: boolean;
}

/** The sale is paid: the box said so. Change, what is left on the cards, the receipt, print on request. */
export function DoneScreen({ view, done }: { view: View; done: DoneView }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main done-screen" data-screen="done">
      <input type="hidden" id="till-state" name="state" value={done.stateJson} />
      <p class="paid" role="status" data-testid="paid">
        {t(done.training ? "till.paid_training" : "till.paid", { number: done.label })}
      </p>
      {done.change > 0 ? (
        <p class="pay-change big-change">
          {t("till.change")} <strong data-testid="done-change">{formatEuros(view, done.change)}</strong>
        </p>
      ) : null}
      {done.cards.map((card) => (
        <div class="till-card">
          <p>{t("till.card_left_number", { number: card.number })}</p>
          <BalanceList view={view} balances={card.balances} assets={done.assets} />
        </div>
      ))}
      {done.printWarnings.length > 0 ? <Notice kind="error">{t("till.print_warning")}</Notice> : null}
      <div class="done-actions">
        <button type="button" class="primary big" hx-post="/till/pay" hx-vals={vals({ op: "new" })} hx-include="#till-state" hx-target="#till-main" hx-swap="outerHTML" hx-sync={SYNC}>
          {t("till.new_sale")}
        </button>
        {done.receiptJob !== null ? (
          <p class="muted" data-testid="receipt-printed">{t("till.printed", { job: done.receiptJob })}</p>
        ) : done.canPrint ? (
          <form class="till-command" method="post" action={`/till/sales/${done.label}/print`} data-key={done.printKey} data-target="this">
            <CsrfField view={view} />
            <button type="submit">{t("till.print_receipt")}</button>
            <p class="command-pending muted" role="status" hidden></p>
          </form>
        ) : (
          <p class="muted">{t("till.no_receipt_printer")}</p>
        )}
      </div>
      {done.tickets ? <SaleTickets view={view} sale={done.tickets} /> : null}
      {done.trainingTickets ? <p class="muted" data-testid="training-tickets">{t("till_tickets.training")}</p> : null}
      <ReceiptView view={view} receipt={done.receipt} qrSvg={done.qrSvg} />
    </div>
  );
}

/** The till's first question when a venue has several points of sale. */
export function PosChoice({ view, points, current }: { view: View; points: ReadonlyArray<{ code: string; name: string }>; current: string | undefined }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      <form method="post" action="/till/pos" class="form narrow">
        <CsrfField view={view} />
        <fieldset class="choices">
          <legend>{t("till.choose_pos")}</legend>
          {points.map((point, index) => (
            <label class="tile">
              <input type="radio" name="point_of_sale" value={point.code} required checked={current ? point.code === current : index === 0} /> <span safe>{point.name}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary">
          {t("till.choose_pos_submit")}
        </button>
      </form>
      {points.length === 0 ? <p>{t("till.no_pos")}</p> : null}
    </div>
  );
}
