/**
 * Accounts are named "<type>:<name>", and every balance is credits minus debits, per asset.
 *
 * | account              | holds                                           | sign    |
 * | -------------------- | ----------------------------------------------- | ------- |
 * | wallet:<walletId>    | a card's or member's balance                    | >= 0    |
 * | issuance:<asset>     | minus everything ever issued of the asset       | <= 0    |
 * | external:<method>    | minus the real euros that came in by the method | any     |
 * | reserve:<method>     | the real euros held against issued money        | >= 0    |
 * | revenue:<pos>        | what a point of sale earned                     | >= 0    |
 *
 * Per asset, all balances sum to zero (double entry). A backed asset's reserves equal minus its
 * issuance (backing).
 */
export const ACCOUNT_TYPES = ["wallet", "issuance", "external", "reserve", "revenue"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export function account(type: AccountType, name: string): string {
  return `${type}:${name}`;
}

export function walletAccount(walletId: string): string {
  return account("wallet", walletId);
}

export function accountType(name: string): AccountType | undefined {
  const type = name.slice(0, name.indexOf(":"));
  return (ACCOUNT_TYPES as readonly string[]).includes(type) ? (type as AccountType) : undefined;
}

/** Issuance and external accounts are the two that go below zero by design. */
export function mayGoNegative(name: string): boolean {
  const type = accountType(name);
  return type === "issuance" || type === "external";
}
