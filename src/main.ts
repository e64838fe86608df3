#!/usr/bin/env bun
/** The tibox executable: `bun src/main.ts COMMAND` or the compiled binary. See `tibox --help`. */
import { runCli } from "./cli/index.ts";

const code = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
process.exit(code);
