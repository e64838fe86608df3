/**
 * `tibox reader`: the remote reader agent, run on a Raspberry Pi (or any machine) beside a till.
 * It reads the local PC/SC reader (or a simulated one fed with UIDs on standard input) and
 * forwards taps to the box over HTTP(S) with a `reader` terminal's device token; see
 * hardware/nfc/agent.ts for the protocol, docs/api.md and docs/hardware.md for the setup.
 *
 *   tibox reader --server URL --token T [--reader NAME | --simulated] [--ca FILE | --fingerprint FP]
 *
 * The token may come from TIBOX_READER_TOKEN instead (kept out of `ps`). Over HTTPS, a box with
 * its own certificate authority is trusted through --ca (the box's /ca.crt saved to a file) or
 * --fingerprint (the CA fingerprint shown on the admin dashboard: the agent downloads /ca.crt
 * and trusts it only if the fingerprint matches).
 */
import { readFileSync } from "node:fs";
import { TapForwarder, certificateFingerprint, sameFingerprint } from "../../hardware/nfc/agent.ts";
import { PcscNfcReader } from "../../hardware/nfc/pcsc.ts";
import type { NfcReader } from "../../hardware/nfc/port.ts";
import { SimulatedNfcReader } from "../../hardware/nfc/simulated.ts";
import { jsonLogger, systemClock, systemRandom, ulidFactory, type Logger } from "../kernel/index.ts";
import { flag, hasFlag, UsageError, type Args } from "./args.ts";

const SIMULATED_NAME = "simulated";
/** Between two attempts to reach the box at start-up. */
const START_RETRY_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
/** A line on standard input is a UID (at most 10 bytes with separators) or a command. */
const MAX_LINE_CHARS = 64;

interface AgentSettings {
  readonly server: string;
  readonly token: string;
  readonly caPem: string | undefined;
}

async function trustedCa(args: Args, server: string): Promise<string | undefined> {
  const caFile = flag(args, "ca");
  const fingerprint = flag(args, "fingerprint");
  if (caFile && fingerprint) throw new UsageError("give --ca or --fingerprint, not both");
  if (caFile) return readFileSync(caFile, "utf8");
  if (!fingerprint) return undefined;
  if (!server.startsWith("https://")) throw new UsageError("--fingerprint is for an https:// server");
  // Downloaded without trust, then trusted only when its fingerprint is the one given.
  const response = await fetch(`${server}/ca.crt`, { tls: { rejectUnauthorized: false }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${server}/ca.crt answered ${response.status}`);
  const pem = await response.text();
  const actual = await certificateFingerprint(pem);
  if (!sameFingerprint(actual, fingerprint)) throw new Error(`the box's CA fingerprint is ${actual}, not the one given: refusing to trust it`);
  return pem;
}

async function settings(args: Args, env: Record<string, string | undefined>): Promise<AgentSettings> {
  const server = (flag(args, "server") ?? "").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+$/.test(server)) throw new UsageError("--server is the box's address, e.g. https://tibox.local:8443");
  const token = flag(args, "token") ?? env.TIBOX_READER_TOKEN ?? "";
  if (!/^[A-Za-z0-9_-]{20,128}$/.test(token)) throw new UsageError("--token (or TIBOX_READER_TOKEN) is a reader terminal's device token");
  if (flag(args, "reader") && hasFlag(args, "simulated")) throw new UsageError("give --reader NAME or --simulated, not both");
  return { server, token, caPem: await trustedCa(args, server) };
}

/** Asks the box who this token is, until the box answers; a refused token ends the agent. */
async function checkToken(agent: AgentSettings, logger: Logger, stopped: () => boolean): Promise<string> {
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      const response = await fetch(`${agent.server}/api/v1/terminal`, {
        headers: { authorization: `Bearer ${agent.token}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(agent.caPem ? { tls: { ca: agent.caPem } } : {}),
      });
      if (response.status === 401) throw new Error("the box refused this token (revoked, or not a device token)");
      const body = (await response.json()) as { terminal?: { kind?: string; name?: string } };
      if (body.terminal?.kind !== "reader") throw new Error(`this token is a ${body.terminal?.kind ?? "unknown"} terminal's, not a reader's`);
      return body.terminal.name ?? "";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith("the box refused") || message.startsWith("this token")) throw error;
      if (attempt === 1 || attempt % 30 === 0) logger.log("warn", "box not reachable yet, retrying", { server: agent.server, error: message });
      await Bun.sleep(START_RETRY_MS);
    }
  }
  return "";
}

/** Feeds a simulated reader from standard input: a UID per line taps it; `unplug`, `plug`, `garbled`. */
async function feedFromStdin(reader: SimulatedNfcReader): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  const play = (line: string) => {
    const command = line.trim().slice(0, MAX_LINE_CHARS);
    if (!command) return;
    if (command === "unplug") reader.unplug(SIMULATED_NAME);
    else if (command === "plug") reader.plug(SIMULATED_NAME);
    else if (command === "garbled") {
      reader.tapUnreadable(SIMULATED_NAME);
      reader.remove(SIMULATED_NAME);
    } else {
      reader.tap(command, SIMULATED_NAME);
      reader.remove(SIMULATED_NAME);
    }
  };
  for await (const chunk of Bun.stdin.stream()) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    if (pending.length > MAX_LINE_CHARS) pending = "";
    for (const line of lines) play(line);
  }
}

/** Runs the agent until SIGTERM or SIGINT; resolves to the exit code. */
export async function readerAgent(args: Args, env: Record<string, string | undefined>, logger: Logger = jsonLogger(systemClock)): Promise<number> {
  const agent = await settings(args, env);
  let stopping = false;
  let wakeStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wakeStop = resolve));
  const onSignal = () => {
    stopping = true;
    wakeStop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    const name = await Promise.race([checkToken(agent, logger, () => stopping), stopSignal.then(() => "")]);
    if (stopping) return 0;
    const simulated = hasFlag(args, "simulated");
    const only = flag(args, "reader");
    const forwarder = new TapForwarder({
      server: agent.server,
      token: agent.token,
      clock: systemClock,
      newKey: ulidFactory(systemClock, systemRandom),
      sendReaderNames: !simulated && !only,
      caPem: agent.caPem,
      log: (level, msg, fields) => logger.log(level, msg, fields),
    });
    const reader: NfcReader = simulated ? new SimulatedNfcReader(systemClock, [SIMULATED_NAME]) : new PcscNfcReader({ clock: systemClock, only });
    forwarder.start();
    await reader.start((event) => {
      if (event.type !== "tap") logger.log(event.type === "error" ? "warn" : "info", `reader ${event.type}`, { reader: event.readerName ?? null, ...(event.type === "error" ? { code: event.code, detail: event.detail } : {}) });
      forwarder.listener(event);
    });
    if (reader instanceof SimulatedNfcReader) void feedFromStdin(reader);
    logger.log("info", "reader agent running", { server: agent.server, terminal: name, reader: simulated ? SIMULATED_NAME : (only ?? "all PC/SC readers") });
    await stopSignal;
    await reader.stop();
    await forwarder.stop();
    logger.log("info", "reader agent stopped", { taps_sent: forwarder.sentTaps });
    return 0;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}
