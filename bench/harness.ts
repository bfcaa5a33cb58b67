/**
 * Benchmark harness (`npm run bench`). Each platform adds `bench/<platform>.bench.ts` exporting
 * `suite: BenchSuite`. Every operation is reported as its median time and as a ratio to the
 * suite's floor — the raw crypto the operation cannot avoid — measured in the same run, beside
 * the peers the issue names.
 */

export interface BenchCase {
  readonly name: string;
  readonly fn: () => unknown;
  /** Peer implementations are marked so the report can compare against them. */
  readonly peer?: boolean;
  /** Fewer samples for slow cases (e.g. spawning a process). */
  readonly slow?: boolean;
}

export interface BenchSuite {
  readonly name: string;
  /** Prepares inputs (read vectors, import keys). Return false to skip the suite with a reason. */
  readonly setup?: () => Promise<void | string>;
  readonly teardown?: () => Promise<void>;
  /** The raw crypto the verifier must do (e.g. one P-384 verify). */
  readonly floor: BenchCase;
  readonly cases: readonly BenchCase[];
  /** Optional targets printed beside the results, e.g. "warm ≤ 1.2× floor". */
  readonly targets?: readonly string[];
}

export interface Measurement {
  readonly name: string;
  readonly medianUs: number;
  readonly samples: number;
  readonly peer: boolean;
}

/** Runs `fn` repeatedly (awaiting promises) and returns the median in microseconds. */
export async function measure(
  c: BenchCase,
  minTimeMs = 400,
  minSamples = 25,
): Promise<Measurement> {
  const times: number[] = [];
  const limitMs = c.slow === true ? 3000 : minTimeMs;
  const minN = c.slow === true ? 5 : minSamples;
  // warm-up
  for (let i = 0; i < (c.slow === true ? 1 : 5); i++) await c.fn();
  const start = performance.now();
  while (times.length < minN || (performance.now() - start < limitMs && times.length < 100_000)) {
    const t0 = performance.now();
    await c.fn();
    times.push((performance.now() - t0) * 1000);
    if (c.slow === true && times.length >= minN && performance.now() - start > limitMs) break;
  }
  times.sort((a, b) => a - b);
  return {
    name: c.name,
    medianUs: times[Math.floor(times.length / 2)]!,
    samples: times.length,
    peer: c.peer === true,
  };
}

export function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}
