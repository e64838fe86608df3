/**
 * The member's own page section "your member prices online": the upcoming public events with a
 * member price on sale, each with its link to the event's order form in member mode
 * (`/agenda/:id?m=<token>`, src/http/member-prices-online.ts). Titles and labels are the venue's
 * text: rendered with `safe`.
 */
import { formatTime, type View } from "../view.ts";
import { formatEuros } from "./wallet-common.tsx";

export interface MemberPriceEvent {
  readonly title: string;
  readonly startsAtMs: number;
  /** The event's page in member mode (holds the member's token). */
  readonly href: string;
  readonly prices: ReadonlyArray<{ readonly label: string; readonly amountMinor: number }>;
}

export function MemberPricesSection({ view, events }: { view: View; events: readonly MemberPriceEvent[] }) {
  const { t } = view;
  return (
    <section class="member-prices-online" aria-labelledby="member-prices-title">
      <h2 id="member-prices-title">{t("member_prices_online.title")}</h2>
      {events.length === 0 ? (
        <p>{t("member_prices_online.none")}</p>
      ) : (
        <>
          <p>{t("member_prices_online.intro")}</p>
          <ul>
            {events.map((event) => (
              <li>
                <strong safe>{event.title}</strong> · {formatTime(view, event.startsAtMs)}
                <br />
                {event.prices.map((price, index) => (
                  <>
                    {index > 0 ? " · " : ""}
                    <span safe>{price.label}</span> {formatEuros(view, price.amountMinor)}
                  </>
                ))}
                <br />
                <a class="standalone" href={event.href}>
                  {t("member_prices_online.order")}
                  <span class="visually-hidden">
                    {" · "}
                    <span safe>{event.title}</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
