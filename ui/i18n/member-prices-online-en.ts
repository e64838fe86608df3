/** English texts of member prices online (member-prices-online.ts; merged into en.ts). */
export const memberPricesOnlineEn = {
  "member_prices_online.needs_membership": "Member prices need a valid membership: they are not offered here.",
  "member_prices_online.title": "Your member prices online",
  "member_prices_online.intro": "These events have a member price on sale. Order from this link: your membership is recognised.",
  "member_prices_online.none": "No upcoming event has a member price on sale online.",
  "member_prices_online.order": "Order at the member price",
};
