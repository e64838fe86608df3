/**
 * Logs are JSON lines on standard output (journald keeps them on a box), one object a line with a
 * time, a level, a message and fields such as the request id. Stack traces go to the log, never to
 * a client.
 */
import type { Clock } from "./clock.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(clock: Clock, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return {
    log(level, msg, fields) {
      write(`${JSON.stringify({ t: new Date(clock.nowMs()).toISOString(), level, msg, ...fields })}\n`);
    },
  };
}

export const silentLogger: Logger = { log: () => undefined };
