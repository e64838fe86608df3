/** cli: the commands of the tibox executable, dispatched by main.ts. */
export { runCli, type CliIo } from "./run.ts";
