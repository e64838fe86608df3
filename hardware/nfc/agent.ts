/**
 * The remote reader agent's forwarding half: it listens to a local NfcReader (PC/SC on a
 * Raspberry Pi beside a till, or a simulated one) and sends what it reports to the box:
 *
 *   taps           POST /api/v1/taps {uid, reader?, at_ms, age_ms}, with a fresh Idempotency-Key
 *                  per tap, kept across retries, so a retried tap is never counted twice;
 *   reader events  POST /api/v1/reader-events {reader?, event, code?, detail?}, for the admin page.
 *
 * Authenticated with the `reader` terminal's device token (Authorization: Bearer). When the box
 * cannot be reached (restarting, Wi-Fi gone) the queue waits and retries with exponential
 * backoff, by itself; a tap older than its lifetime (5 s, as on the box) is dropped unsent,
 * since the box would drop it anyway and it must never land on a later sale. The queue is
 * bounded: the oldest items go first.
 */
import type { Clock } from "../../src/kernel/index.ts";
import type { NfcEvent, NfcListener } from "./port.ts";

export const AGENT_TAP_LIFETIME_MS = 5_000;
/** Reader events are worth showing for a minute; after that the box has newer news. */
const EVENT_LIFETIME_MS = 60_000;
const MAX_QUEUE = 64;
const REQUEST_TIMEOUT_MS = 3_000;

export type AgentLog = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

export interface TapForwarderOptions {
  /** The box's base URL, e.g. https://tibox.local:8443 */
  readonly server: string;
  readonly token: string;
  readonly clock: Clock;
  /** A new unique Idempotency-Key (the CLI gives ULIDs). */
  readonly newKey: () => string;
  /** Send reader names (an agent watching several readers); one reader is keyed by the agent alone. */
  readonly sendReaderNames: boolean;
  /** The box's CA certificate (PEM), for a box with its own certificate authority. */
  readonly caPem?: string | undefined;
  readonly log?: AgentLog;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface Outgoing {
  readonly path: "/api/v1/taps" | "/api/v1/reader-events";
  readonly body: Record<string, unknown>;
  readonly key: string | undefined;
  readonly atMs: number;
  readonly lifetimeMs: number;
}

type SendResult = "sent" | "retry" | "drop";

export class TapForwarder {
  readonly #options: TapForwarderOptions;
  readonly #queue: Outgoing[] = [];
  #wake: () => void = () => undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #reachable: boolean | undefined;
  /** Taps the box acknowledged, for logs and tests. */
  sentTaps = 0;

  constructor(options: TapForwarderOptions) {
    this.#options = options;
  }

  readonly listener: NfcListener = (event: NfcEvent) => {
    const reader = this.#options.sendReaderNames ? event.readerName : undefined;
    if (event.type === "tap") {
      this.#enqueue({ path: "/api/v1/taps", body: { uid: event.uid, ...(reader ? { reader } : {}), at_ms: event.atMs }, key: this.#options.newKey(), atMs: event.atMs, lifetimeMs: AGENT_TAP_LIFETIME_MS });
    } else if (event.type === "attached" || event.type === "detached" || event.type === "error") {
      const detail = event.type === "error" ? { code: event.code, detail: event.detail } : {};
      this.#enqueue({ path: "/api/v1/reader-events", body: { event: event.type, ...(reader ? { reader } : {}), ...detail }, key: undefined, atMs: event.atMs, lifetimeMs: EVENT_LIFETIME_MS });
    }
  };

  #enqueue(item: Outgoing): void {
    if (this.#queue.length >= MAX_QUEUE) this.#queue.shift();
    this.#queue.push(item);
    this.#wake();
  }

  get queued(): number {
    return this.#queue.length;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake();
    await this.#loop;
  }

  /** Waits until woken (an item queued, a stop) or `ms` passed. */
  #pause(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #run(): Promise<void> {
    const minMs = this.#options.minBackoffMs ?? 100;
    const maxMs = this.#options.maxBackoffMs ?? 1_000;
    let backoffMs = minMs;
    while (this.#running) {
      const item = this.#queue[0];
      if (!item) {
        await this.#pause(undefined);
        continue;
      }
      const ageMs = this.#options.clock.nowMs() - item.atMs;
      if (ageMs >= item.lifetimeMs) {
        this.#queue.shift();
        if (item.path === "/api/v1/taps") this.#options.log?.("warn", "tap dropped: the box was not reachable in time", { age_ms: ageMs });
        continue;
      }
      const result = await this.#send(item, ageMs);
      if (result === "retry") {
        await this.#pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxMs);
        continue;
      }
      this.#queue.shift();
      backoffMs = minMs;
      if (result === "sent" && item.path === "/api/v1/taps") this.sentTaps += 1;
    }
  }

  #reachability(reachable: boolean, detail: string): void {
    if (this.#reachable === reachable) return;
    this.#reachable = reachable;
    this.#options.log?.(reachable ? "info" : "warn", reachable ? "box reachable" : "box unreachable, retrying", { server: this.#options.server, detail });
  }

  async #send(item: Outgoing, ageMs: number): Promise<SendResult> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#options.token}`, "content-type": "application/json" };
    if (item.key) headers["idempotency-key"] = item.key;
    const body = item.path === "/api/v1/taps" ? { ...item.body, age_ms: ageMs } : item.body;
    let response: Response;
    try {
      response = await fetch(`${this.#options.server}${item.path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(this.#options.caPem ? { tls: { ca: this.#options.caPem } } : {}),
      });
      await response.arrayBuffer();
    } catch (error) {
      this.#reachability(false, error instanceof Error ? error.message : String(error));
      return "retry";
    }
    this.#reachability(true, String(response.status));
    if (response.ok) return "sent";
    if (response.status >= 500 || response.status === 429) return "retry";
    this.#options.log?.("error", "the box refused what the agent sent", { path: item.path, status: response.status });
    return "drop";
  }
}

/** The SHA-256 fingerprint of a PEM certificate, as the box shows it (AA:BB:...). */
export async function certificateFingerprint(pem: string): Promise<string> {
  const base64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

/** Fingerprints compare without separators and case. */
export function sameFingerprint(a: string, b: string): boolean {
  const bare = (text: string) => text.replace(/[^0-9a-fA-F]/g, "").toUpperCase();
  return bare(a).length === 64 && bare(a) === bare(b);
}
