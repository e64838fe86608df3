/** membership: members, membership products, validity. Empty until the ledger and ticketing issues. */
export {};
