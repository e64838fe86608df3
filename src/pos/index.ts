/** pos: points of sale, items, VAT, sales, receipts, cash sessions, closures, the fiscal journal. Empty until the point-of-sale issue. */
export {};
