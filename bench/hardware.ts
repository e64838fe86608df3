/**
 * `bun run bench:hardware`: the hardware benchmarks, one section each. Printing today
 * (bench/hardware-print.ts: print queue jobs per second to loopback TCP printers, bytes per
 * second for a large job); the NFC readers' section joins here. Prints markdown for
 * docs/performance.md. Options are passed on: --jobs N, --runs N.
 */
import { machineLine, printBenchTable, runPrintBench } from "./hardware-print.ts";

interface Section {
  readonly title: string;
  run(options: { jobs?: number; runs?: number }): Promise<string>;
}

const SECTIONS: readonly Section[] = [
  {
    title: "Printing: print queue to loopback TCP printers",
    run: async (options) => printBenchTable(await runPrintBench({ jobsPerPrinter: options.jobs, runs: options.runs })),
  },
];

const args = process.argv.slice(2);
const option = (name: string): number | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : undefined;
};

console.log(`Hardware benchmarks (${machineLine()})`);
for (const section of SECTIONS) {
  console.log(`\n### ${section.title}\n`);
  console.log(await section.run({ jobs: option("--jobs"), runs: option("--runs") }));
}
