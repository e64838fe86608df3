/**
 * Builds a box from its data folder: opens the database (pragmas, migrations), loads or creates
 * the venue key, wires the services and the HTTP app. Everything with state is created here,
 * once, and passed down; nothing below keeps module-level state.
 */
import packageJson from "../package.json" with { type: "json" };
import { AuthService, readerBinding } from "./auth/index.ts";
import { dataDir, ensureDataDir, loadOrCreateVenueKey, migrate, openDatabase, readTimeFloor, Writer, type DataDir, type Sqlite } from "./db/index.ts";
import { findVenue, type Venue } from "./federation/index.ts";
import { createHttpApp, TapHub, WindowLimiter, type HttpApp, type HttpDeps, type TlsInfo } from "./http/index.ts";
import { CertificateMemo, STRIPE_API_BASE, stripeProvider, type PaymentProviderFactory } from "./ticketing/index.ts";
import {
  AppError,
  limits,
  numericCode,
  silentLogger,
  systemClock,
  systemRandom,
  toHex,
  ulidFactory,
  type Clock,
  type Logger,
  type RandomSource,
  type Signer,
} from "./kernel/index.ts";

export const VERSION: string = packageJson.version;

export interface BoxOptions {
  readonly dataDir: string;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly logger?: Logger;
  readonly tls?: TlsInfo;
  /** Fixed setup code for tests; otherwise a random 8-digit code. */
  readonly setupCode?: string;
  /** Resolves the peer address of a request (set by `serve`; absent under app.handle). */
  readonly addressOf?: (request: Request) => string | undefined;
  /** Allows simulated card readers (the till's button, `tibox tap`); set by `tibox demo`. */
  readonly simulatedReaders?: boolean;
  /** Lifts the server's idle timeout for one request (set by `serve`; absent under app.handle). */
  readonly keepOpen?: (request: Request) => void;
  /** The payment provider for the settings' keys; default Stripe over fetch at `stripeApiBaseUrl`. */
  readonly paymentProvider?: PaymentProviderFactory;
  /** Stripe's API address (tests point it at a local stand-in); default https://api.stripe.com. */
  readonly stripeApiBaseUrl?: string;
}

/** Stripe when both of its keys are set, else no online payment. */
export function stripeProviderFactory(clock: Clock, apiBaseUrl: string = STRIPE_API_BASE): PaymentProviderFactory {
  return (keys) => (keys.stripeSecretKey && keys.stripeWebhookSecret ? stripeProvider({ secretKey: keys.stripeSecretKey, webhookSecret: keys.stripeWebhookSecret, clock, apiBaseUrl }) : undefined);
}

export interface Box {
  readonly dir: DataDir;
  readonly sqlite: Sqlite;
  readonly writer: Writer;
  readonly signer: Signer;
  readonly auth: AuthService;
  readonly deps: HttpDeps;
  readonly app: HttpApp;
  venue(): Venue | undefined;
  close(): void;
}

export function openBox(options: BoxOptions): Box {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = options.logger ?? silentLogger;
  const dir = dataDir(options.dataDir);
  ensureDataDir(dir);
  const signer = loadOrCreateVenueKey(dir);
  const sqlite = openDatabase(dir.databasePath);
  try {
    const report = migrate(sqlite, clock.nowMs());
    if (report.applied.length > 0) logger.log("info", "migrations applied", { applied: report.applied });
    const venue = findVenue(sqlite);
    if (venue && venue.publicKeyHex !== toHex(signer.publicKey)) {
      throw new AppError("venue_key_mismatch", `${dir.venueKeyPath} is not the key of venue ${venue.id}; restore the right key file`);
    }
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const newId = ulidFactory(clock, random);
  const writer = new Writer(sqlite, clock);
  const auth = new AuthService({ writer, signer, clock, random, newId });
  const deps: HttpDeps = {
    version: VERSION,
    startedAtMs: clock.nowMs(),
    clock,
    random,
    newId,
    signer,
    writer,
    auth,
    logger,
    setupGate: { code: options.setupCode ?? numericCode(random, 8) },
    timeFloor: () => readTimeFloor(sqlite),
    tls: options.tls,
    addressOf: options.addressOf ?? (() => undefined),
    holderPageLimiter: new WindowLimiter({ windowMs: limits.holderPageWindowMs, maxHits: limits.holderPageRequestsPerWindow, maxKeys: limits.rateLimiterKeys }),
    taps: new TapHub({ clock, newId, bindingOf: (readerKey) => readerBinding(sqlite, readerKey)?.terminalId }),
    simulatedReaders: options.simulatedReaders ?? false,
    keepOpen: options.keepOpen ?? (() => undefined),
    payments: {
      providerFor: options.paymentProvider ?? stripeProviderFactory(clock, options.stripeApiBaseUrl),
      orderLimiter: new WindowLimiter({ windowMs: limits.holderPageWindowMs, maxHits: limits.holderPageRequestsPerWindow, maxKeys: limits.rateLimiterKeys }),
    },
    certificates: new CertificateMemo(),
  };
  return {
    dir,
    sqlite,
    writer,
    signer,
    auth,
    deps,
    app: createHttpApp(deps),
    venue: () => findVenue(sqlite),
    close: () => {
      deps.taps.close();
      writer.close();
      sqlite.close();
    },
  };
}
