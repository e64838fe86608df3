/**
 * A fixed-window request counter per key (a peer address), kept in memory. Logins count their
 * failures in SQLite so that a lockout survives a restart; the holder's page is a read that
 * anyone may open, and writing a row (one fsync under synchronous=FULL) for every view would turn
 * each read into a write. Forgetting the counts at a restart only gives a scraper one more window.
 * The limiter is built once by app.ts and passed down; it bounds the keys it remembers.
 */
import { assert } from "../kernel/index.ts";

export interface WindowLimiterOptions {
  readonly windowMs: number;
  readonly maxHits: number;
  readonly maxKeys: number;
}

interface Window {
  startMs: number;
  hits: number;
}

export class WindowLimiter {
  readonly #options: WindowLimiterOptions;
  readonly #windows = new Map<string, Window>();

  constructor(options: WindowLimiterOptions) {
    assert(options.windowMs > 0 && options.maxHits > 0 && options.maxKeys > 0, "a limiter has a window, a budget and a key bound");
    this.#options = options;
  }

  /** Counts one request for the key; false when the key has spent its budget for this window. */
  hit(key: string, nowMs: number): boolean {
    const current = this.#windows.get(key);
    if (current && nowMs - current.startMs < this.#options.windowMs && nowMs >= current.startMs) {
      current.hits++;
      return current.hits <= this.#options.maxHits;
    }
    if (current) this.#windows.delete(key);
    else if (this.#windows.size >= this.#options.maxKeys) this.#forget(nowMs);
    this.#windows.set(key, { startMs: nowMs, hits: 1 });
    return true;
  }

  /** Milliseconds until the key's window ends (for Retry-After), 0 when it has none. */
  retryAfterMs(key: string, nowMs: number): number {
    const current = this.#windows.get(key);
    return current ? Math.max(0, current.startMs + this.#options.windowMs - nowMs) : 0;
  }

  /** Keys remembered now (for tests of the bound). */
  get size(): number {
    return this.#windows.size;
  }

  /** Drops the ended windows; when every window is still open, drops the oldest one. */
  #forget(nowMs: number): void {
    for (const [key, window] of this.#windows) if (nowMs - window.startMs >= this.#options.windowMs) this.#windows.delete(key);
    if (this.#windows.size < this.#options.maxKeys) return;
    // A Map iterates in insertion order, and a key is re-inserted when its window restarts.
    const oldest = this.#windows.keys().next();
    if (!oldest.done) this.#windows.delete(oldest.value);
  }
}
