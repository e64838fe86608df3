/**
 * Closed-loop load: N clients, each sends its next payment as soon as the previous one is
 * answered. A warm-up is run and thrown away; then, during a fixed window (or until a bounded
 * number of payments), every answer counts for the rate and every payment sent and answered
 * inside the window gives one latency sample.
 */
export interface LoadOptions {
  readonly clients: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** The window closes early after this many answered payments. */
  readonly maxOps: number;
  /** Called when the window opens and when it closes (e.g. to read the commit counter). */
  readonly mark?: () => number | Promise<number>;
}

export interface LoadResult {
  readonly clients: number;
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** What `mark` returned at the close minus at the opening (commits in the window). */
  readonly marked: number;
  /** Every latency sample, sorted. */
  readonly latencies: Float64Array;
}

function summary(clients: number, completed: number, seconds: number, marked: number, sorted: Float64Array): LoadResult {
  return {
    clients,
    completed,
    seconds,
    perSecond: completed / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    marked,
    latencies: sorted,
  };
}

/** Several runs of one configuration as one: total answers over total time, pooled latencies. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const pooled = new Float64Array(results.reduce((sum, result) => sum + result.latencies.length, 0));
  let offset = 0;
  for (const result of results) {
    pooled.set(result.latencies, offset);
    offset += result.latencies.length;
  }
  const sum = (pick: (result: LoadResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return summary(results[0]!.clients, sum((r) => r.completed), sum((r) => r.seconds), sum((r) => r.marked), pooled.sort());
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array | readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

export async function closedLoop(options: LoadOptions, send: (client: number) => Promise<void>): Promise<LoadResult> {
  const latencies = new Float64Array(options.maxOps);
  let samples = 0;
  let completed = 0;
  let phase: "warmup" | "window" | "stopping" = "warmup";
  let windowStart = 0;
  let windowEnd = 0;
  let failure: unknown;
  let closeEarly: (() => void) | undefined;
  const closedEarly = new Promise<void>((resolve) => (closeEarly = resolve));

  async function client(index: number): Promise<void> {
    while (phase !== "stopping" && failure === undefined) {
      const sentAt = performance.now();
      const inWindow = phase === "window";
      try {
        await send(index);
      } catch (error) {
        failure ??= error;
        return;
      }
      if (phase !== "window") continue;
      const answeredAt = performance.now();
      completed++;
      if (inWindow && samples < latencies.length) latencies[samples++] = answeredAt - sentAt;
      if (completed >= options.maxOps) {
        phase = "stopping";
        windowEnd = answeredAt;
        closeEarly!();
      }
    }
  }

  const mark = options.mark ?? (() => 0);
  const running = Array.from({ length: options.clients }, (_, index) => client(index));
  await Bun.sleep(options.warmupMs);
  const markedAtStart = await mark();
  windowStart = performance.now();
  phase = "window";
  await Promise.race([Bun.sleep(options.durationMs), closedEarly]);
  if (phase === "window") {
    phase = "stopping";
    windowEnd = performance.now();
  }
  const markedAtEnd = await mark();
  await Promise.all(running);
  if (failure !== undefined) throw failure;
  const sorted = latencies.slice(0, samples).sort();
  return summary(options.clients, completed, (windowEnd - windowStart) / 1000, markedAtEnd - markedAtStart, sorted);
}
