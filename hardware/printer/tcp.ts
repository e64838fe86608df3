/**
 * A network printer on raw TCP port 9100 (JetDirect / "AppSocket"). One connection per job:
 * connect (bounded by a timeout), write every byte with backpressure (no progress for the idle
 * timeout fails the send), half-close, then wait for the printer to close its side.
 *
 * Port 9100 has no acknowledgement. The printer closing after our end of stream is the only
 * sign that it read the job to the end (the same rule as CUPS's socket backend, `waiteof`), so a
 * send resolves only then. A reset, an early close, or a timeout once connected rejects with
 * `uncertain: true`: part of the job, or all of it, may be on paper.
 */
import { limits } from "../../src/kernel/index.ts";
import { ONLINE, offline, PrinterError, type PrinterErrorCode, type PrinterStatus, type ReceiptPrinter } from "./port.ts";

export const RAW_PRINT_PORT = 9100;

export interface TcpPrinterOptions {
  readonly host: string;
  readonly port?: number;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
}

const CHUNK_BYTES = 64 * 1024;

/** "host", "host:port" or "[v6]:port" to a host and a port (9100 when absent). */
export function parseTcpAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(address.trim());
  if (!match) return undefined;
  const port = match[3] === undefined ? RAW_PRINT_PORT : Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

type Phase = "connecting" | "writing" | "closing" | "settled";

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export class TcpPrinter implements ReceiptPrinter {
  readonly description: string;
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  readonly #idleTimeoutMs: number;

  constructor(options: TcpPrinterOptions) {
    this.#host = options.host;
    this.#port = options.port ?? RAW_PRINT_PORT;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? limits.printerConnectTimeoutMs;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? limits.printerIdleTimeoutMs;
    this.description = `tcp ${this.#host}:${this.#port}`;
  }

  send(bytes: Uint8Array): Promise<void> {
    return this.#exchange(bytes);
  }

  async probe(): Promise<PrinterStatus> {
    try {
      await this.#exchange(undefined);
      return ONLINE;
    } catch (error) {
      if (error instanceof PrinterError) return offline(error);
      throw error;
    }
  }

  /** Sends `bytes`, or with undefined only opens and closes a connection (the probe). */
  #exchange(bytes: Uint8Array | undefined): Promise<void> {
    const where = `${this.#host}:${this.#port}`;
    return new Promise<void>((resolve, reject) => {
      let phase: Phase = "connecting";
      let offset = 0;
      let socket: Bun.Socket<undefined> | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const settle = (error?: PrinterError) => {
        if (phase === "settled") return;
        phase = "settled";
        clearTimeout(timer);
        socket?.terminate();
        if (error) reject(error);
        else resolve();
      };
      // Once connected, any failure may come after bytes reached the printer.
      const failure = (code: PrinterErrorCode, message: string) =>
        new PrinterError(code, message, { uncertain: phase !== "connecting" && bytes !== undefined && (offset > 0 || phase === "closing"), bytesWritten: offset });
      const arm = (ms: number, code: PrinterErrorCode, message: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => settle(failure(code, message)), ms);
      };
      const finishWriting = (open: Bun.Socket<undefined>) => {
        phase = "closing";
        open.shutdown();
        arm(this.#idleTimeoutMs, "printer_timeout", `${where} did not close the connection within ${this.#idleTimeoutMs} ms after the end of the job`);
      };
      const pump = (open: Bun.Socket<undefined>) => {
        if (phase !== "writing") return;
        if (bytes === undefined) {
          finishWriting(open);
          return;
        }
        while (offset < bytes.length) {
          const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK_BYTES));
          const written = open.write(chunk);
          if (written > 0) {
            offset += written;
            arm(this.#idleTimeoutMs, "printer_timeout", `${where} accepted no bytes for ${this.#idleTimeoutMs} ms (${offset} of ${bytes.length} written)`);
          }
          // The kernel buffer is full: wait for drain().
          if (written < chunk.length) return;
        }
        finishWriting(open);
      };

      arm(this.#connectTimeoutMs, "printer_timeout", `no connection to ${where} within ${this.#connectTimeoutMs} ms`);
      Bun.connect({
        hostname: this.#host,
        port: this.#port,
        socket: {
          open: (open) => {
            if (phase === "settled") {
              open.terminate();
              return;
            }
            socket = open;
            phase = "writing";
            pump(open);
          },
          drain: (open) => pump(open),
          data: () => undefined,
          end: () => {
            if (phase === "closing") settle();
            else settle(failure("printer_disconnected", `${where} closed the connection after ${offset} of ${bytes?.length ?? 0} bytes`));
          },
          close: (_closed, error) => {
            if (error) settle(failure("printer_disconnected", `${where} dropped the connection after ${offset} of ${bytes?.length ?? 0} bytes (${describe(error)})`));
            else if (phase === "closing") settle();
            else settle(failure("printer_disconnected", `${where} closed the connection after ${offset} of ${bytes?.length ?? 0} bytes`));
          },
          error: (_failed, error) => settle(failure("printer_io_error", `${where}: ${describe(error)}`)),
          connectError: (_failed, error) => settle(new PrinterError("printer_offline", `cannot connect to ${where} (${describe(error)})`, { uncertain: false, bytesWritten: 0 })),
        },
      }).catch((error: unknown) => settle(new PrinterError("printer_offline", `cannot connect to ${where} (${describe(error)})`, { uncertain: false, bytesWritten: 0 })));
    });
  }
}
