/**
 * ledger: the signed append-only journal, accounts, balances, invariants, checkpoints and their
 * verification (ARCHITECTURE.md "The ledger"). Empty until the wallet-ledger issue; the writer
 * and the chain rules it will use (head read inside BEGIN IMMEDIATE) are in db and auth today.
 */
export {};
