/**
 * The box's own NFC readers for `serve`: the PC/SC readers plugged into it (through pcscd),
 * feeding the tap hub as `pcsc:<reader name>`. Off with `--nfc-readers off`.
 *
 * The PC/SC poller is a Worker, which costs about 3 MB of memory: it starts only once pcscd's
 * socket exists (Debian's pcscd package creates it, and starts the daemon on first use), checked
 * again every few seconds, so a box without pcscd spends nothing on it. Without libpcsclite1 the
 * reader logs why and stays stopped; without a reader it waits for one to be plugged in.
 */
import { existsSync } from "node:fs";
import { PcscNfcReader } from "../../hardware/nfc/pcsc.ts";
import type { NfcEvent } from "../../hardware/nfc/port.ts";
import type { TapHub } from "../http/index.ts";
import { systemClock, type Logger } from "../kernel/index.ts";

export type NfcReadersSetting = "pcsc" | "off";
export const NFC_READERS_SETTINGS: readonly NfcReadersSetting[] = ["pcsc", "off"];

/** Where pcsc-lite looks for its daemon, as it does: PCSCLITE_CSOCK_NAME, or the default. */
const DEFAULT_PCSCD_SOCKET = "/run/pcscd/pcscd.comm";
const SOCKET_CHECK_MS = 5_000;

export interface BoxReaders {
  stop(): Promise<void>;
}

/** Logs reader news (not taps: a UID in a log is a card's key for UID-only cards). */
function logEvent(logger: Logger, event: NfcEvent): void {
  if (event.type === "attached" || event.type === "detached") logger.log("info", `nfc reader ${event.type}`, { reader: event.readerName });
  if (event.type === "error") logger.log("warn", "nfc reader error", { reader: event.readerName ?? null, code: event.code, detail: event.detail });
}

export function startBoxReaders(setting: NfcReadersSetting, taps: TapHub, logger: Logger, env: Record<string, string | undefined> = process.env): BoxReaders {
  if (setting === "off") return { stop: async () => undefined };
  const socket = env.PCSCLITE_CSOCK_NAME || DEFAULT_PCSCD_SOCKET;
  const toHub = taps.listenerFor("pcsc");
  let reader: PcscNfcReader | undefined;
  let started: Promise<void> = Promise.resolve();
  const startIfPcscd = (): boolean => {
    if (!existsSync(socket)) return false;
    const pcsc = new PcscNfcReader({ clock: systemClock });
    reader = pcsc;
    started = pcsc
      .start((event) => {
        logEvent(logger, event);
        toHub(event);
      })
      .catch((error: unknown) => logger.log("warn", "nfc readers not started", { error: error instanceof Error ? error.message : String(error) }));
    return true;
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  if (!startIfPcscd()) {
    logger.log("info", "nfc readers wait for pcscd", { socket });
    timer = setInterval(() => {
      if (startIfPcscd()) clearInterval(timer);
    }, SOCKET_CHECK_MS);
  }
  return {
    async stop() {
      clearInterval(timer);
      await started;
      await reader?.stop();
    },
  };
}
