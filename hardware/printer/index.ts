/**
 * Receipt printers: the ports (port.ts), the document model, the ESC/POS encoder, the transports
 * (TCP 9100, USB device, file, simulated) and the preview. `openPrinter` picks the transport of
 * a configured printer; the pos and jobs rooms use nothing else from here.
 */
import { DevicePrinter } from "./device.ts";
import { FilePrinter } from "./file.ts";
import { PrinterError, type ReceiptPrinter } from "./port.ts";
import type { SimulatedPrinters } from "./simulated.ts";
import { parseTcpAddress, TcpPrinter } from "./tcp.ts";

export * from "./codepage.ts";
export * from "./document.ts";
export * from "./escpos.ts";
export * from "./port.ts";
export * from "./preview.ts";
export * from "./qr-fit.ts";
export { DevicePrinter } from "./device.ts";
export { FilePrinter } from "./file.ts";
export { SIMULATED_JOBS_KEPT, SimulatedPrinter, SimulatedPrinters } from "./simulated.ts";
export { parseTcpAddress, RAW_PRINT_PORT, TcpPrinter } from "./tcp.ts";

export const PRINTER_TRANSPORTS = ["tcp", "usb", "file", "simulated"] as const;
export type PrinterTransport = (typeof PRINTER_TRANSPORTS)[number];

export interface PrinterAddress {
  readonly kind: PrinterTransport;
  readonly address: string;
}

export interface OpenPrinterOptions {
  /** Where simulated printers live (one per name). */
  readonly simulated: SimulatedPrinters;
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
}

/** The transport for a configured printer. An address that cannot be read gives a printer that is always offline. */
export function openPrinter(config: PrinterAddress, options: OpenPrinterOptions): ReceiptPrinter {
  const timeouts = { ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}) };
  switch (config.kind) {
    case "tcp": {
      const target = parseTcpAddress(config.address);
      if (!target) return unreadable(config);
      return new TcpPrinter({ ...target, ...timeouts, ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}) });
    }
    case "usb":
      return new DevicePrinter({ path: config.address, ...timeouts });
    case "file":
      return new FilePrinter({ path: config.address, ...timeouts });
    case "simulated":
      return options.simulated.get(config.address);
  }
}

function unreadable(config: PrinterAddress): ReceiptPrinter {
  const error = () => new PrinterError("printer_offline", `"${config.address}" is not a ${config.kind} printer address`, { uncertain: false, bytesWritten: 0 });
  return {
    description: `${config.kind} ${config.address}`,
    send: async () => {
      throw error();
    },
    probe: async () => ({ online: false, error: error().message, code: "printer_offline" }),
  };
}
