/**
 * Counts the commits of every bun:sqlite connection of this process, so that the ledger bench
 * can report how many entries one commit carried (the writer's average group size). The writer
 * ends each group with `sqlite.run("COMMIT")`; counting those calls costs a string comparison.
 *
 * In the server child process this file is loaded with `bun --preload` before `src/main.ts`, and
 * answers SIGUSR2 by writing the count to the file named by TIBOX_BENCH_COMMITS_FILE.
 */
import { Database } from "bun:sqlite";
import { renameSync, writeFileSync } from "node:fs";

let commits = 0;
let installed = false;

export function installCommitCounter(): { commits(): number } {
  if (!installed) {
    installed = true;
    const run = Database.prototype.run;
    Database.prototype.run = function (this: Database, sql: string, ...bindings: unknown[]) {
      if (sql === "COMMIT") commits++;
      return (run as (this: Database, sql: string, ...bindings: unknown[]) => ReturnType<Database["run"]>).call(this, sql, ...bindings);
    } as Database["run"];
  }
  return { commits: () => commits };
}

/** Preload entry: counts, and reports on SIGUSR2 (written to a temporary name, then renamed). */
export function reportCommitsOnSignal(file: string): void {
  const counter = installCommitCounter();
  process.on("SIGUSR2", () => {
    writeFileSync(`${file}.tmp`, `${counter.commits()}\n`);
    renameSync(`${file}.tmp`, file);
  });
}

const reportFile = process.env.TIBOX_BENCH_COMMITS_FILE;
if (reportFile) reportCommitsOnSignal(reportFile);
