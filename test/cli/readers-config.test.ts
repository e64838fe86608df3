// Proves the card readers' settings follow the configuration rule (flag, then TIBOX_* variable,
// then tibox.json, then the default), refuse bad values with a usage error, and that the CLI
// documents and checks its two reader commands (`tap`, `reader`) before touching the network.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "../../src/cli/args.ts";
import { resolveConfig } from "../../src/cli/config.ts";
import { runCli } from "../../src/cli/run.ts";
import { tempFolder } from "../helpers/box.ts";

describe("reader settings", () => {
  test("simulated readers: off by default; a bare flag, the variable or the file turns them on", () => {
    const folder = tempFolder();
    try {
      const args = (extra: string[] = []) => parseArgs(["serve", "--data", folder.path, ...extra]);
      expect(resolveConfig(args(), {})).toMatchObject({ simulatedReaders: false, nfcReaders: "pcsc" });
      expect(resolveConfig(args(["--simulated-readers"]), {}).simulatedReaders).toBe(true);
      expect(resolveConfig(args(), { TIBOX_SIMULATED_READERS: "1" }).simulatedReaders).toBe(true);
      expect(resolveConfig(args(["--nfc-readers", "off"]), {}).nfcReaders).toBe("off");
      writeFileSync(join(folder.path, "tibox.json"), JSON.stringify({ simulated_readers: true, nfc_readers: "off" }));
      expect(resolveConfig(args(), {})).toMatchObject({ simulatedReaders: true, nfcReaders: "off" });
      expect(resolveConfig(args(), { TIBOX_SIMULATED_READERS: "false", TIBOX_NFC_READERS: "pcsc" })).toMatchObject({ simulatedReaders: false, nfcReaders: "pcsc" });
      expect(() => resolveConfig(args(), { TIBOX_SIMULATED_READERS: "maybe" })).toThrow(/true or false/);
      expect(() => resolveConfig(args(["--nfc-readers", "usb"]), {})).toThrow(/pcsc or off/);
    } finally {
      folder.remove();
    }
  });
});

describe("reader commands", () => {
  async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
    return { code, out, err };
  }

  test("--help lists tap and reader with their flags", async () => {
    const { code, out } = await cli(["--help"]);
    expect(code).toBe(0);
    expect(out.join("\n")).toContain("tap --uid UID (--terminal NAME|ID | --reader NAME)");
    expect(out.join("\n")).toContain("reader --server URL --token T [--reader NAME | --simulated] [--ca FILE | --fingerprint FP]");
  });

  test("usage errors exit 2 and say what is wrong", async () => {
    const cases: ReadonlyArray<readonly [string[], RegExp]> = [
      [["tap", "--uid", "04A1"], /4, 7 or 10 bytes/],
      [["tap", "--uid", "04A1B2C3"], /--terminal NAME\|ID or --reader NAME/],
      [["reader", "--server", "tibox.local", "--token", "x".repeat(43)], /--server is the box's address/],
      [["reader", "--server", "http://tibox.local:8080", "--token", "short"], /reader terminal's device token/],
      [["reader", "--server", "http://tibox.local:8080", "--token", "x".repeat(43), "--fingerprint", "AB"], /--fingerprint is for an https/],
      [["reader", "--server", "http://tibox.local:8080", "--token", "x".repeat(43), "--reader", "ACR", "--simulated"], /not both/],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await cli(argv);
      expect(`${argv.join(" ")} -> ${code}`).toBe(`${argv.join(" ")} -> 2`);
      expect(err.join("\n")).toMatch(message);
    }
  });
});
