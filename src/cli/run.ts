/** Dispatches a command line to its command; returns the process exit code. */
import { VERSION } from "../app.ts";
import { isAppError, systemClock } from "../kernel/index.ts";
import { admin } from "./admin.ts";
import { archive } from "./archive.ts";
import { flag, hasFlag, parseArgs, requireFlag, UsageError } from "./args.ts";
import { backup, restore } from "./backup.ts";
import { resolveConfig, resolveDataFolder } from "./config.ts";
import { demoBanner, seedDemo } from "./demo.ts";
import { HELP } from "./help.ts";
import { init } from "./init.ts";
import { readerAgent } from "./reader.ts";
import { serve } from "./serve.ts";
import { tap } from "./tap.ts";
import { terminal } from "./terminal.ts";
import { parseExpectHead, VERIFY_EXIT, verifyArchiveFile, verifyDataFolder } from "./verify.ts";

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Record<string, string | undefined>;
}

const COMMANDS = new Set(["serve", "init", "verify", "demo", "terminal", "admin", "backup", "restore", "version", "help", "reader", "tap", "archive"]);

function waitForSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    const command = args.positionals[0] ?? "serve";
    if (hasFlag(args, "help") || command === "help") {
      io.out(HELP);
      return 0;
    }
    if (!COMMANDS.has(command)) throw new UsageError(`unknown command ${command}; see tibox --help`);
    if (command === "version") {
      io.out(VERSION);
      return 0;
    }
    if (command === "serve") {
      const serving = await serve(resolveConfig(args, io.env));
      return waitForSignal(serving.stop);
    }
    if (command === "demo") {
      const withDefault = args.flags.has("data") || io.env.TIBOX_DATA ? args : { ...args, flags: new Map([...args.flags, ["data", "./demo-data"]]) };
      const config = resolveConfig(withDefault, io.env);
      await seedDemo(config.data, io.out);
      // The demo has no card reader: the till's "simulate a tap" button and `tibox tap` stand in.
      const serving = await serve({ ...config, simulatedReaders: true });
      // A fresh pairing code each start, so that this machine's browser becomes a till in one click.
      const pairing = await serving.box.auth.createPairingCode("cli:demo", "till", "Caisse (navigateur)");
      for (const line of demoBanner(serving.httpUrl, pairing.code)) io.err(line);
      return waitForSignal(serving.stop);
    }
    // The reader agent runs beside a till, away from any data folder.
    if (command === "reader") return await readerAgent(args, io.env);
    const data = resolveDataFolder(args, io.env);
    switch (command) {
      case "init":
        await init(data, args, io.env, io.out);
        return 0;
      case "verify": {
        const expected = flag(args, "expect-head");
        const archiveFile = flag(args, "archive");
        const outcome = archiveFile ? verifyArchiveFile(archiveFile) : verifyDataFolder(data, expected ? { expectHead: parseExpectHead(expected) } : {});
        if (hasFlag(args, "json")) io.out(JSON.stringify(outcome));
        else {
          for (const check of outcome.checks) io.out(`ok    ${check}`);
          if (outcome.status === "fault") io.out(`FAULT ${outcome.fault}`);
          if (outcome.status === "unable") io.out(`UNABLE ${outcome.reason}`);
          if (outcome.status === "sound") io.out("sound");
        }
        return VERIFY_EXIT[outcome.status];
      }
      case "archive":
        archive(data, args, io.out);
        return 0;
      case "terminal":
        terminal(data, args, io.out);
        return 0;
      case "tap":
        await tap(data, args, io.env, io.out);
        return 0;
      case "admin":
        await admin(data, args, io.out);
        return 0;
      case "backup":
        io.out(backup(data, requireFlag(args, "to"), systemClock));
        return 0;
      case "restore": {
        const restored = restore(requireFlag(args, "from"), data, hasFlag(args, "force"), systemClock);
        io.out(`restored venue ${restored.venueId} with ${restored.files} key files into ${data}; run tibox verify --data ${data}`);
        return 0;
      }
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`tibox: ${error.message}`);
      return 2;
    }
    if (isAppError(error)) {
      io.err(`tibox: ${error.code}: ${error.message}`);
      return 1;
    }
    io.err(`tibox: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
