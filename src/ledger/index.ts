/**
 * ledger: the signed append-only journal (entries and transfers), balances, and its verification.
 * See docs/ledger-format.md for tibox-entry/v1 and ARCHITECTURE.md "The ledger".
 */
export { account, accountType, ACCOUNT_TYPES, mayGoNegative, walletAccount, type AccountType } from "./accounts.ts";
export { encodeEntry, type EntryBody, type TransferRow } from "./encoding.ts";
export {
  accountHistory,
  appendEntry,
  balanceOf,
  balancesOf,
  chainHead,
  entryByKey,
  ENTRY_LIMITS,
  GENESIS_ENTRY_HASH,
  isReversed,
  readEntry,
  type AccountMovement,
  type ChainHead,
  type Entry,
  type EntryInput,
  type TransferInput,
} from "./journal.ts";
export { verifyLedger, type LedgerCheck, type LedgerVerifyOptions } from "./verify.ts";
