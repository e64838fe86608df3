/**
 * `tibox archive --to FOLDER [--period YYYY-MM]`: writes the fiscal archive (one signed JSON-lines
 * file, pos/archive.ts) of the whole journal or of one month, beside a serving box too, and appends
 * a fiscal record of kind archive naming the file's SHA-256. `tibox verify --archive FILE` checks it.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openBox } from "../app.ts";
import { exportArchive } from "../pos/index.ts";
import { flag, requireFlag, UsageError, type Args } from "./args.ts";

export function archive(dataFolder: string, args: Args, out: (line: string) => void): void {
  const folder = resolve(requireFlag(args, "to"));
  const period = flag(args, "period") ?? null;
  if (period !== null && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new UsageError("--period is a month, YYYY-MM");
  const box = openBox({ dataDir: dataFolder });
  try {
    if (!box.venue()) throw new UsageError("the box is not set up yet: run `tibox init` or the setup wizard first");
    const deps = { signer: box.signer, newId: box.deps.newId, random: box.deps.random };
    const made = box.writer.transact((tx) =>
      exportArchive(tx, deps, { scope: "cli", idempotencyKey: "", operatorName: "cli" }, {
        period,
        write: (fileName, text) => {
          // Written aside then renamed: a crash never leaves half an archive under the final name.
          mkdirSync(folder, { recursive: true });
          const path = join(folder, fileName);
          writeFileSync(`${path}.part`, text);
          renameSync(`${path}.part`, path);
        },
      }),
    );
    out(`archived fiscal records ${made.firstSeq} to ${made.lastSeq} (${made.records}); archive record ${made.archiveSeq}; sha256 ${made.sha256}`);
    out(join(folder, made.fileName));
  } finally {
    box.close();
  }
}
