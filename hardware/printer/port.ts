/**
 * The printer ports: what the print worker needs from a receipt printer and a cash drawer,
 * whatever carries the bytes (TCP port 9100, a USB device file, a plain file, memory). Every
 * implementation passes the same contract suite (test/hardware/printer-contract.test.ts).
 *
 * A raw printer acknowledges nothing, so a failed send says whether bytes may have reached the
 * printer: `uncertain` is false only when nothing can have been printed (connection refused,
 * missing device), and true once any byte may have left. The caller must then resend the job
 * marked as a duplicate rather than assume it was lost or printed.
 */
import { AppError } from "../../src/kernel/index.ts";

export const PRINTER_ERROR_CODES = [
  /** Nothing listens, the device is missing, the host is unreachable: nothing was printed. */
  "printer_offline",
  /** The printer stopped accepting bytes (or did not close after the last one) in time. */
  "printer_timeout",
  /** The connection or the device went away in the middle of the job. */
  "printer_disconnected",
  /** Another input/output error from the operating system. */
  "printer_io_error",
] as const;
export type PrinterErrorCode = (typeof PRINTER_ERROR_CODES)[number];

export class PrinterError extends AppError {
  override readonly code: PrinterErrorCode;
  /** True when some bytes may have reached the printer: a resend may print twice. */
  readonly uncertain: boolean;
  /** Bytes handed to the transport before the failure. */
  readonly bytesWritten: number;

  constructor(code: PrinterErrorCode, message: string, options: { uncertain: boolean; bytesWritten: number }) {
    super(code, message, { uncertain: options.uncertain, bytes_written: options.bytesWritten });
    this.name = "PrinterError";
    this.code = code;
    this.uncertain = options.uncertain;
    this.bytesWritten = options.bytesWritten;
  }
}

export function isPrinterError(value: unknown): value is PrinterError {
  return value instanceof PrinterError;
}

export interface PrinterStatus {
  readonly online: boolean;
  /** Why the printer is offline ("" when online). */
  readonly error: string;
  readonly code: PrinterErrorCode | undefined;
}

export interface ReceiptPrinter {
  /** What this printer is, for logs ("tcp 192.168.1.50:9100", "usb /dev/usb/lp0"). */
  readonly description: string;
  /**
   * Writes the bytes, all of them, in order. Resolves once the transport has taken the last byte
   * (for TCP: once the printer closed the connection after reading to the end); rejects with a
   * PrinterError otherwise, never with anything else, and never crashes the process.
   */
  send(bytes: Uint8Array): Promise<void>;
  /** Checks that the printer can be reached now, without printing anything. Never rejects. */
  probe(): Promise<PrinterStatus>;
}

export interface CashDrawer {
  /** Opens the drawer (one pulse). Rejects like ReceiptPrinter.send. */
  kick(): Promise<void>;
}

export const ONLINE: PrinterStatus = { online: true, error: "", code: undefined };

export function offline(error: PrinterError): PrinterStatus {
  return { online: false, error: error.message, code: error.code };
}
