/**
 * `tibox serve`: the box. HTTP on --port (8080), HTTPS on --https-port (8443) with the box's own
 * certificate authority or a supplied certificate, the scheduled jobs, and a clean exit on
 * SIGTERM or SIGINT (servers stopped, queued writes committed, database closed).
 */
import { openBox, type Box } from "../app.ts";
import { dataDir } from "../db/index.ts";
import { ensureTlsMaterial, loadSuppliedTls, localNames, type TlsMaterial } from "../http/index.ts";
import { jsonLogger, limits, systemClock, type Logger } from "../kernel/index.ts";
import { startJobs } from "../jobs/index.ts";
import type { Config } from "./config.ts";
import { startBoxReaders } from "./nfc.ts";

/** What `serve` needs of Bun's server to keep one request's connection open (event streams). */
interface IdleTimeout {
  timeout(request: Request, seconds: number): void;
}

const STOP_GRACE_MS = 3_000;

export interface Serving {
  readonly box: Box;
  readonly httpUrl: string;
  readonly httpsUrl: string | undefined;
  stop(): Promise<void>;
}

async function tlsMaterial(config: Config, tlsDir: string): Promise<TlsMaterial | undefined> {
  if (config.httpsPort === 0) return undefined;
  if (config.tlsCert && config.tlsKey) return loadSuppliedTls(config.tlsCert, config.tlsKey);
  return ensureTlsMaterial(tlsDir, { ...localNames(), nowMs: systemClock.nowMs() });
}

function printSetupBanner(code: string, url: string): void {
  const grouped = `${code.slice(0, 4)}-${code.slice(4)}`;
  process.stderr.write(
    [
      "",
      "  ┌───────────────────────────────────────────────┐",
      `  │  tibox setup code: ${grouped.padEnd(27)}│`,
      "  │  Open the box in a browser and type it in.    │",
      "  └───────────────────────────────────────────────┘",
      `  ${url}`,
      "",
      "",
    ].join("\n"),
  );
}

export async function serve(config: Config, logger: Logger = jsonLogger(systemClock)): Promise<Serving> {
  const peers = new WeakMap<Request, string>();
  const servers = new WeakMap<Request, IdleTimeout>();
  const tls = await tlsMaterial(config, dataDir(config.data).tlsDir);
  const box = openBox({
    dataDir: config.data,
    logger,
    addressOf: (request) => peers.get(request),
    simulatedReaders: config.simulatedReaders,
    keepOpen: (request) => servers.get(request)?.timeout(request, 0),
    ...(tls ? { tls: { caFingerprint: tls.caFingerprint, caCertPem: tls.caCertPem, httpsPort: config.httpsPort } } : {}),
  });
  const fetch = (request: Request, server: { requestIP(request: Request): { address: string } | null } & IdleTimeout) => {
    const address = server.requestIP(request)?.address;
    if (address) peers.set(request, address);
    servers.set(request, server);
    return box.app.fetch(request);
  };
  const http = Bun.serve({ port: config.port, hostname: config.host, maxRequestBodySize: limits.uploadBodyBytes, fetch });
  const https = tls
    ? Bun.serve({ port: config.httpsPort, hostname: config.host, maxRequestBodySize: limits.uploadBodyBytes, tls: { cert: tls.certPem, key: tls.keyPem }, fetch })
    : undefined;
  const venue = box.venue();
  const readers = startBoxReaders(config.nfcReaders, box.deps.taps, logger);
  const jobs = startJobs({
    writer: box.writer,
    clock: systemClock,
    logger,
    timezone: venue?.timezone ?? "Europe/Paris",
    closing: { signer: box.signer, newId: box.deps.newId, random: box.deps.random },
    holds: { signer: box.signer, newId: box.deps.newId, providerFor: box.deps.payments.providerFor },
  });
  const httpUrl = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${http.port}/`;
  const httpsUrl = https ? `https://${config.host === "0.0.0.0" ? "localhost" : config.host}:${https.port}/` : undefined;
  logger.log("info", "tibox listening", { http: httpUrl, https: httpsUrl ?? null, data: box.dir.root, version: box.deps.version, setup: venue ? "done" : "pending" });
  if (!venue) {
    logger.log("info", "setup pending: type the setup code in the browser", { setup_code: box.deps.setupGate.code });
    printSetupBanner(box.deps.setupGate.code, `${httpUrl}setup`);
  }
  let stopped = false;
  return {
    box,
    httpUrl,
    httpsUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      jobs.stop();
      // Event streams never end by themselves: close them, or the graceful stop waits for them.
      box.deps.taps.close();
      await readers.stop();
      // In-flight requests get a moment to finish; then every connection is closed.
      // A ticket being sent gets the same moment, so that it is not printed again as DUPLICATA at the next start.
      const graceful = Promise.all([http.stop(), https?.stop(), jobs.printWorker.stop()]);
      await Promise.race([graceful, Bun.sleep(STOP_GRACE_MS)]);
      await Promise.all([http.stop(true), https?.stop(true)]);
      // Commands already queued are committed before the database closes.
      await box.writer.submit(() => undefined).catch(() => undefined);
      box.close();
      logger.log("info", "tibox stopped", {});
    },
  };
}
