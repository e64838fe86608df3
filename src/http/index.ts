/** http: the Elysia app, the route gate, device API, embedded assets, HTTPS material. */
export { createHttpApp, ROUTES, type HttpApp } from "./server.ts";
export type { HttpDeps, SetupGate, TlsInfo } from "./deps.ts";
export { WindowLimiter } from "./limiter.ts";
export type { Access, Route } from "./router.ts";
export { COOKIE } from "./cookies.ts";
export { ensureTlsMaterial, loadSuppliedTls, localNames, type TlsMaterial, type TlsOptions } from "./tls.ts";
export { TapHub, TAP_LIFETIME_MS, type Tap, type TapOutcome } from "./tap-hub.ts";
