/**
 * `tibox tap`: plays a card tap on a serving box (demo, tests, training), from the same
 * machine. It reaches the serving process over its HTTP API, POST /api/v1/simulator/taps,
 * signing the body with the venue key it reads in the data folder: whoever can read that
 * folder may simulate taps, nobody else. The box must allow simulated readers (`tibox demo`,
 * or `serve --simulated-readers`).
 *
 *   tibox tap --data DIR --terminal NAME|ID --uid UID     straight to that till or door
 *   tibox tap --data DIR --reader NAME --uid UID          as simulated reader NAME (sim:NAME),
 *                                                         routed by its binding like a real one
 */
import { parseCardUid } from "../../hardware/nfc/port.ts";
import { dataDir, loadVenueKey } from "../db/index.ts";
import { SIGNING_CONTEXTS, systemClock, systemRandom, toHex } from "../kernel/index.ts";
import { flag, requireFlag, UsageError, type Args } from "./args.ts";
import { resolveConfig } from "./config.ts";

/** A box answers in milliseconds; a box that does not answer in 5 s is not there. */
const REQUEST_TIMEOUT_MS = 5_000;

/** The serving box's address: --server, or this machine at the configured HTTP port. */
export function boxUrl(args: Args, env: Record<string, string | undefined>): string {
  const server = flag(args, "server");
  if (server) return server.replace(/\/+$/, "");
  const config = resolveConfig(args, env);
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

export async function tap(data: string, args: Args, env: Record<string, string | undefined>, out: (line: string) => void): Promise<void> {
  const uid = parseCardUid(requireFlag(args, "uid"));
  if (!uid) throw new UsageError("--uid is 4, 7 or 10 bytes of hex, e.g. 04A1B2C3");
  const terminal = flag(args, "terminal");
  const reader = flag(args, "reader");
  if (Boolean(terminal) === Boolean(reader)) throw new UsageError("give --terminal NAME|ID or --reader NAME");
  const signer = loadVenueKey(dataDir(data));
  const body = JSON.stringify({ uid, ...(terminal ? { terminal } : { reader }), at_ms: systemClock.nowMs(), nonce: toHex(systemRandom(16)) });
  const signature = toHex(signer.sign(SIGNING_CONTEXTS.simulatorTap, new TextEncoder().encode(body)));
  const url = `${boxUrl(args, env)}/api/v1/simulator/taps`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tibox-signature": signature },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`no box answers at ${url} (${error instanceof Error ? error.message : String(error)}); is it serving? (--port or --server)`);
  }
  const answer = (await response.json().catch(() => ({}))) as { status?: string; code?: string; message?: string };
  if (!response.ok) throw new Error(`${answer.code ?? response.status}: ${answer.message ?? "refused"}`);
  out(answer.status ?? "sent");
}
