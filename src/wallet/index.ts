/** wallet: assets, cards, wallets, top-up, payment, refund, lost card, custody. Empty until the wallet-ledger issue. */
export {};
