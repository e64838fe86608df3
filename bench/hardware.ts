/**
 * `bun run bench:hardware`: the hardware benchmarks, one section each. Printing today
 * (bench/hardware-print.ts: print queue jobs per second to loopback TCP printers, bytes per
 * second for a large job), and card taps (bench/hardware-taps.ts: tap to screen through pcscd,
 * the PC/SC Worker, the hub and the event stream). Prints markdown for docs/performance.md.
 * Options are passed on: --jobs N, --runs N, --taps N; --only print|taps runs one section.
 */
import { machineLine, printBenchTable, runPrintBench } from "./hardware-print.ts";
import { runTapsBench, tapsBenchTable } from "./hardware-taps.ts";

interface Section {
  readonly name: string;
  readonly title: string;
  run(options: { jobs?: number; runs?: number; taps?: number }): Promise<string>;
}

const SECTIONS: readonly Section[] = [
  {
    name: "print",
    title: "Printing: print queue to loopback TCP printers",
    run: async (options) => printBenchTable(await runPrintBench({ jobsPerPrinter: options.jobs, runs: options.runs })),
  },
  {
    name: "taps",
    title: "Hardware: taps (card on a PC/SC reader to the till's screen)",
    run: async (options) => tapsBenchTable(await runTapsBench({ taps: options.taps })),
  },
];

const args = process.argv.slice(2);
const option = (name: string): number | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : undefined;
};

const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
console.log(`Hardware benchmarks (${machineLine()})`);
for (const section of SECTIONS) {
  if (only && section.name !== only) continue;
  console.log(`\n### ${section.title}\n`);
  console.log(await section.run({ jobs: option("--jobs"), runs: option("--runs"), taps: option("--taps") }));
}
