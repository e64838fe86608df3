/**
 * Writes a job to a path: a USB printer's device file (/dev/usb/lp0), a FIFO, or a plain file.
 * The file is opened non-blocking, so that a device or a FIFO with nobody on the other side fails
 * at once (ENXIO) instead of holding a thread forever; a partial write or EAGAIN (the printer's
 * buffer is full) waits a little and goes on, and no progress for the idle timeout fails the send.
 */
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { PrinterError, type PrinterErrorCode } from "./port.ts";

/** Retry delay when the device is busy (EAGAIN), in milliseconds. */
const BUSY_WAIT_MS = 5;
const CHUNK_BYTES = 64 * 1024;

export interface PathWriteOptions {
  /** Create the file when missing and append to it (file printer); otherwise the path must exist (device). */
  readonly create: boolean;
  readonly idleTimeoutMs: number;
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
}

/** Errors at open time: nothing was written, the printer is simply not there. */
function openFailure(path: string, error: unknown): PrinterError {
  const code = errorCode(error);
  const why: Record<string, string> = {
    ENOENT: "does not exist (printer unplugged or off?)",
    ENXIO: "has no device or reader behind it (printer off?)",
    ENODEV: "has no device behind it (printer unplugged?)",
    EACCES: "is not writable by tibox (add the user to the lp group)",
    EPERM: "is not writable by tibox (add the user to the lp group)",
    EISDIR: "is a folder",
    ENOTDIR: "has a parent that is not a folder",
  };
  return new PrinterError("printer_offline", `${path} ${why[code] ?? `cannot be opened (${code || String(error)})`}`, { uncertain: false, bytesWritten: 0 });
}

function writeFailure(path: string, error: unknown, offset: number, total: number): PrinterError {
  const code = errorCode(error);
  const gone = code === "EPIPE" || code === "ENODEV" || code === "ENXIO" || code === "ECONNRESET" || code === "EIO";
  const kind: PrinterErrorCode = gone ? "printer_disconnected" : "printer_io_error";
  return new PrinterError(kind, `${path}: ${code || String(error)} after ${offset} of ${total} bytes`, { uncertain: true, bytesWritten: offset });
}

export async function openForPrinting(path: string, create: boolean): Promise<FileHandle> {
  // O_APPEND changes nothing for a device, and keeps jobs in order when a regular file stands for one.
  const flags = constants.O_WRONLY | constants.O_NONBLOCK | constants.O_APPEND | (create ? constants.O_CREAT : 0);
  try {
    return await open(path, flags, 0o644);
  } catch (error) {
    throw openFailure(path, error);
  }
}

export async function writeToPath(path: string, bytes: Uint8Array, options: PathWriteOptions): Promise<void> {
  const handle = await openForPrinting(path, options.create);
  let offset = 0;
  let idleMs = 0;
  try {
    while (offset < bytes.length) {
      let written = 0;
      try {
        written = (await handle.write(bytes, offset, Math.min(CHUNK_BYTES, bytes.length - offset))).bytesWritten;
      } catch (error) {
        if (errorCode(error) !== "EAGAIN") throw writeFailure(path, error, offset, bytes.length);
      }
      offset += written;
      if (written > 0) {
        idleMs = 0;
        continue;
      }
      if (idleMs >= options.idleTimeoutMs) {
        throw new PrinterError("printer_timeout", `${path} accepted no bytes for ${options.idleTimeoutMs} ms (${offset} of ${bytes.length} written)`, {
          uncertain: offset > 0,
          bytesWritten: offset,
        });
      }
      await Bun.sleep(BUSY_WAIT_MS);
      idleMs += BUSY_WAIT_MS;
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}
