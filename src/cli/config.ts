/**
 * Configuration: a flag wins over a TIBOX_* environment variable, which wins over the config
 * file `tibox.json` in the data folder, which wins over the default. The data folder itself
 * comes from --data, then TIBOX_DATA, then ./data (it cannot come from a file inside itself).
 */
import { readFileSync, existsSync } from "node:fs";
import { dataDir } from "../db/index.ts";
import { flag, UsageError, type Args } from "./args.ts";
import { NFC_READERS_SETTINGS, type NfcReadersSetting } from "./nfc.ts";

export interface Config {
  readonly data: string;
  readonly port: number;
  readonly host: string;
  /** 0 turns HTTPS off. */
  readonly httpsPort: number;
  /** An operator-supplied certificate and key (PEM paths); otherwise the box makes its own. */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  /** Simulated card readers (till button, `tibox tap`); `tibox demo` turns them on. */
  readonly simulatedReaders: boolean;
  /** The box's own USB readers through pcscd ("pcsc"), or none ("off"). */
  readonly nfcReaders: NfcReadersSetting;
}

export const DEFAULTS = { data: "./data", port: 8080, host: "0.0.0.0", httpsPort: 8443 } as const;

/** Each setting: its flag, its environment variable, its key in tibox.json. */
const SETTINGS = {
  port: { flag: "port", env: "TIBOX_PORT", file: "port" },
  host: { flag: "host", env: "TIBOX_HOST", file: "host" },
  httpsPort: { flag: "https-port", env: "TIBOX_HTTPS_PORT", file: "https_port" },
  tlsCert: { flag: "tls-cert", env: "TIBOX_TLS_CERT", file: "tls_cert" },
  tlsKey: { flag: "tls-key", env: "TIBOX_TLS_KEY", file: "tls_key" },
  simulatedReaders: { flag: "simulated-readers", env: "TIBOX_SIMULATED_READERS", file: "simulated_readers" },
  nfcReaders: { flag: "nfc-readers", env: "TIBOX_NFC_READERS", file: "nfc_readers" },
} as const;

export function resolveDataFolder(args: Args, env: Record<string, string | undefined>): string {
  return flag(args, "data") ?? env.TIBOX_DATA ?? DEFAULTS.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new UsageError(`${path} is not a JSON object`);
}

function pick(args: Args, env: Record<string, string | undefined>, file: Record<string, unknown>, key: keyof typeof SETTINGS): string | undefined {
  const setting = SETTINGS[key];
  const fromFile = file[setting.file];
  return flag(args, setting.flag) ?? env[setting.env] ?? (fromFile === undefined || fromFile === null ? undefined : String(fromFile));
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new UsageError(`${name} must be a port number (0 to 65535), got ${value}`);
  return parsed;
}

export function resolveConfig(args: Args, env: Record<string, string | undefined>): Config {
  const data = resolveDataFolder(args, env);
  const file = readConfigFile(dataDir(data).configPath);
  const tlsCert = pick(args, env, file, "tlsCert");
  const tlsKey = pick(args, env, file, "tlsKey");
  if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new UsageError("--tls-cert and --tls-key go together");
  return {
    data,
    port: port(pick(args, env, file, "port"), DEFAULTS.port, "port"),
    host: pick(args, env, file, "host") ?? DEFAULTS.host,
    httpsPort: port(pick(args, env, file, "httpsPort"), DEFAULTS.httpsPort, "https port"),
    tlsCert,
    tlsKey,
    simulatedReaders: yesNo(pickSwitch(args, env, file, "simulatedReaders"), "simulated readers"),
    nfcReaders: nfcReaders(pick(args, env, file, "nfcReaders")),
  };
}

/** A switch given as a bare flag (`--simulated-readers`), or as true/false, 1/0, on/off elsewhere. */
function pickSwitch(args: Args, env: Record<string, string | undefined>, file: Record<string, unknown>, key: "simulatedReaders"): string | undefined {
  return args.flags.get(SETTINGS[key].flag) === true ? "true" : pick(args, env, file, key);
}

function yesNo(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (["true", "1", "on", "yes"].includes(value.toLowerCase())) return true;
  if (["false", "0", "off", "no"].includes(value.toLowerCase())) return false;
  throw new UsageError(`${name} is true or false, got ${value}`);
}

function nfcReaders(value: string | undefined): NfcReadersSetting {
  if (value === undefined) return "pcsc";
  if ((NFC_READERS_SETTINGS as readonly string[]).includes(value)) return value as NfcReadersSetting;
  throw new UsageError(`nfc readers is ${NFC_READERS_SETTINGS.join(" or ")}, got ${value}`);
}
