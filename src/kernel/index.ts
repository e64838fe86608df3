/** kernel: the pure foundations every room stands on. No I/O beyond crypto, no mutable state. */
export * from "./assert.ts";
export * from "./canonical.ts";
export * from "./clock.ts";
export * from "./errors.ts";
export * from "./hash.ts";
export * from "./hlc.ts";
export * from "./ids.ts";
export * from "./limits.ts";
export * from "./log.ts";
export * from "./money.ts";
export * from "./sign.ts";
