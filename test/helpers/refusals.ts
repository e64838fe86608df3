/** A refusal's stable code, for tests that assert how a command refuses. */
import { isAppError } from "../../src/kernel/index.ts";

/** The code of the refusal `run` throws; any other error goes on up, and not refusing fails the test. */
export function refusalCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  throw new Error("expected a refusal");
}
