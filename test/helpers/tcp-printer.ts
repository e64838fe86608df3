/**
 * A fake network printer: a real TCP listener on 127.0.0.1 that captures the bytes of each
 * connection as a job, and closes its side when the client ends the job (as port 9100 printers
 * do). It can also misbehave on the next connections: reset the connection after some bytes (a
 * printer switched off and on in the middle of a job), or stop reading and never answer (a
 * printer whose power was cut). It can be switched off (nothing listens: connection refused) and
 * on again on the same port.
 */
import net from "node:net";

export type Behavior =
  /** Read everything, close after the client's end of stream: a healthy printer. */
  | { readonly kind: "capture" }
  /** Read `afterBytes` bytes, then reset the connection. */
  | { readonly kind: "reset"; readonly afterBytes: number }
  /** Read `afterBytes` bytes, then read nothing more and never close. */
  | { readonly kind: "silent"; readonly afterBytes: number };

export class TcpPrinterListener {
  /** Jobs received whole (the client ended them and the listener closed after), in order. */
  readonly jobs: Uint8Array[] = [];
  /** What reached the listener on connections it cut, up to the cut. */
  readonly cut: Uint8Array[] = [];
  connections = 0;
  #server: net.Server | undefined;
  #port = 0;
  readonly #sockets = new Set<net.Socket>();
  readonly #behaviors: Behavior[] = [];
  readonly #waiters: Array<() => void> = [];

  static async start(): Promise<TcpPrinterListener> {
    const listener = new TcpPrinterListener();
    await listener.on();
    return listener;
  }

  get port(): number {
    return this.#port;
  }

  /** The printer's address as a tibox printer takes it. */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** The next connections behave like this, one behaviour per connection; then back to capture. */
  behave(...behaviors: Behavior[]): void {
    this.#behaviors.push(...behaviors);
  }

  /** Starts listening (on the same port as before, after `off()`). */
  async on(): Promise<void> {
    if (this.#server) return;
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", () => resolve());
    });
    this.#port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and drops every open connection: the printer is off. */
  async off(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `count` whole jobs have arrived. */
  async waitForJobs(count: number, timeoutMs = 5_000): Promise<Uint8Array[]> {
    const deadline = Bun.sleep(timeoutMs).then(() => "timeout" as const);
    while (this.jobs.length < count) {
      const arrived = new Promise<"job">((resolve) => this.#waiters.push(() => resolve("job")));
      if ((await Promise.race([arrived, deadline])) === "timeout") throw new Error(`waited ${timeoutMs} ms for ${count} jobs, got ${this.jobs.length}`);
    }
    return this.jobs.slice(0, count);
  }

  #accept(socket: net.Socket): void {
    this.connections += 1;
    this.#sockets.add(socket);
    const behavior = this.#behaviors.shift() ?? { kind: "capture" };
    const chunks: Buffer[] = [];
    let received = 0;
    let cut = false;
    socket.on("data", (chunk: Buffer) => {
      if (cut) return;
      chunks.push(chunk);
      received += chunk.length;
      if (behavior.kind !== "capture" && received >= behavior.afterBytes) {
        cut = true;
        this.cut.push(new Uint8Array(Buffer.concat(chunks)).slice(0, behavior.afterBytes));
        if (behavior.kind === "reset") socket.resetAndDestroy();
        else socket.pause();
      }
    });
    socket.on("end", () => {
      if (cut) return;
      this.jobs.push(new Uint8Array(Buffer.concat(chunks)));
      // Like a port 9100 printer: the job ends at the client's end of stream, then the printer closes.
      socket.end();
      for (const wake of this.#waiters.splice(0)) wake();
    });
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => undefined);
  }
}

/** A deterministic byte pattern covering all 256 values (no Math.random in tests either). */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
