/** demurrage: the melt policy and its exact integer computation, run daily. Empty until the demurrage issue. */
export {};
