/**
 * Training mode, per terminal. A terminal in training makes only training sales (createSale forces
 * the flag whatever the till sends), so a trainee can never record a real sale by mistake; its
 * screens show a FORMATION banner and its receipts say "FORMATION - ticket sans valeur". Training
 * sales are numbered apart and counted nowhere (docs/pos.md). The switch is a row per terminal:
 * present while training is on.
 */
import { fail } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

export interface TrainingTerminal {
  readonly terminalId: string;
  readonly sinceMs: number;
  readonly startedBy: string;
}

/** Whether a terminal is in training mode; no terminal (an admin page, a CLI) is never in training. */
export function isTrainingTerminal(sqlite: Sqlite, terminalId: string | null | undefined): boolean {
  if (!terminalId) return false;
  return sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM training_terminals WHERE terminal_id = ?").get(terminalId)!.n > 0;
}

export function listTrainingTerminals(sqlite: Sqlite): TrainingTerminal[] {
  // Bounded by the terminals themselves (one row at most per terminal).
  return sqlite.query<TrainingTerminal, []>("SELECT terminal_id AS terminalId, since_ms AS sinceMs, started_by AS startedBy FROM training_terminals ORDER BY since_ms").all();
}

/**
 * Turns training on or off for a terminal (the caller checks it is a till); returns whether the
 * mode changed, so that a repeated switch writes nothing more.
 */
export function setTerminalTraining(tx: Tx, input: { terminalId: string; on: boolean; by: string }): boolean {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(input.terminalId)) fail("terminal_unknown", "no such terminal");
  const already = isTrainingTerminal(tx.sqlite, input.terminalId);
  if (already === input.on) return false;
  if (input.on) {
    tx.sqlite.query("INSERT INTO training_terminals (terminal_id, since_ms, started_by) VALUES (?, ?, ?)").run(input.terminalId, tx.stamp().atMs, input.by);
  } else {
    tx.sqlite.query("DELETE FROM training_terminals WHERE terminal_id = ?").run(input.terminalId);
  }
  return true;
}
