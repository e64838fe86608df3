/** ticketing: events, products, orders, signed tickets, check-in lists and check-ins. Empty until the ticketing issue. */
export {};
