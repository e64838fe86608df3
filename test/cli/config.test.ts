// Proves configuration precedence: a flag beats a TIBOX_* variable, which beats tibox.json in the
// data folder, which beats the documented default; and that bad values are refused clearly.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { parseArgs } from "../../src/cli/args.ts";
import { DEFAULTS, resolveConfig } from "../../src/cli/config.ts";
import { tempFolder } from "../helpers/box.ts";

describe("config", () => {
  test("defaults, then file, then environment, then flags", () => {
    const folder = tempFolder();
    try {
      const args = (extra: string[] = []) => parseArgs(["serve", "--data", folder.path, ...extra]);
      expect(resolveConfig(args(), {})).toMatchObject({ port: DEFAULTS.port, host: DEFAULTS.host, httpsPort: DEFAULTS.httpsPort });
      writeFileSync(`${folder.path}/tibox.json`, JSON.stringify({ port: 9000, host: "127.0.0.1", https_port: 0 }));
      expect(resolveConfig(args(), {})).toMatchObject({ port: 9000, host: "127.0.0.1", httpsPort: 0 });
      expect(resolveConfig(args(), { TIBOX_PORT: "9100" })).toMatchObject({ port: 9100, host: "127.0.0.1" });
      expect(resolveConfig(args(["--port=9200"]), { TIBOX_PORT: "9100" })).toMatchObject({ port: 9200 });
      expect(resolveConfig(parseArgs(["serve"]), { TIBOX_DATA: folder.path }).port).toBe(9000);
    } finally {
      folder.remove();
    }
  });

  test("bad values are refused with a clear message", () => {
    expect(() => resolveConfig(parseArgs(["serve", "--port", "99999"]), {})).toThrow(/port number/);
    expect(() => resolveConfig(parseArgs(["serve", "--tls-cert", "a.pem"]), {})).toThrow(/go together/);
    expect(() => parseArgs(["serve", "--port"])).toThrow(/needs a value/);
  });
});
