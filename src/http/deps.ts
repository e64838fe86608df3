/** What the http room needs from the rest of the box, built once by app.ts. */
import type { AuthService } from "../auth/index.ts";
import type { Writer } from "../db/index.ts";
import type { Clock, IdFactory, Logger, RandomSource, Signer } from "../kernel/index.ts";
import type { CertificateMemo, PaymentProviderFactory } from "../ticketing/index.ts";
import type { WindowLimiter } from "./limiter.ts";
import type { TapHub } from "./tap-hub.ts";

export interface SetupGate {
  /** The one-time code printed by `serve` while the box waits for its setup. */
  readonly code: string;
}

export interface TlsInfo {
  readonly caFingerprint: string;
  /** The certificate users install to trust the box (served at /ca.crt). */
  readonly caCertPem: string;
  readonly httpsPort: number;
}

/** Online sales: the payment provider for the current settings, and the public order forms' rate limit. */
export interface OnlinePayments {
  /** Built by app.ts (Stripe over fetch by default; tests inject a local API address or a fake). */
  readonly providerFor: PaymentProviderFactory;
  /** Requests per address to the public order form and order pages (in memory, see limiter.ts). */
  readonly orderLimiter: WindowLimiter;
}

export interface HttpDeps {
  readonly version: string;
  readonly startedAtMs: number;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly newId: IdFactory;
  readonly signer: Signer;
  readonly writer: Writer;
  readonly auth: AuthService;
  readonly logger: Logger;
  readonly setupGate: SetupGate;
  /** The last time the box stamped (the floor it never stamps below). */
  readonly timeFloor: () => number;
  readonly tls: TlsInfo | undefined;
  /** The peer address of a request, known to the server that accepted it. */
  readonly addressOf: (request: Request) => string | undefined;
  /** Requests per address to the card holders' pages (in memory, see limiter.ts). */
  readonly holderPageLimiter: WindowLimiter;
  /** Where card taps arrive and leave for their terminal's event stream (tap-hub.ts). */
  readonly taps: TapHub;
  /** Simulated readers allowed (`tibox demo`, or serve --simulated-readers): button, CLI, API. */
  readonly simulatedReaders: boolean;
  /** Lifts the server's idle timeout for one long-lived response (event streams). */
  readonly keepOpen: (request: Request) => void;
  /** Online sales: the payment provider and the public forms' limiter (http/online-sales.ts). */
  readonly payments: OnlinePayments;
  /** Event certificates already verified: a door scan checks one signature (ticketing/certificate-memo.ts). */
  readonly certificates: CertificateMemo;
}
