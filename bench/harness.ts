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
  /**
   * Ratios between two cases that a target is stated on (e.g. warm / floor, peer / warm), each
   * measured by {@link measurePaired} after the cases. Read after setup().
   */
  readonly comparisons?: readonly BenchComparison[];
  /**
   * Optional measurements of the suite's own that do not fit a case or a comparison (e.g. one
   * ratio per input file), printed after the comparisons. Runs after setup(), before teardown().
   */
  readonly report?: () => Promise<readonly string[]>;
}

/** A ratio `numerator / denominator` measured interleaved, with an optional target on it. */
export interface BenchComparison {
  readonly label: string;
  readonly numerator: BenchCase;
  readonly denominator: BenchCase;
  /** `max`: the ratio must be at most this; `min`: at least this. */
  readonly target?: { readonly max?: number; readonly min?: number };
}

/** Result of {@link measurePaired}. */
export interface PairedMeasurement {
  /** Median over rounds of (numerator batch median ÷ denominator batch median). */
  readonly ratio: number;
  /** Median of every numerator sample, in microseconds. */
  readonly numeratorUs: number;
  /** Median of every denominator sample, in microseconds. */
  readonly denominatorUs: number;
  readonly rounds: number;
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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) * 1000;
}

/**
 * Measures `a / b` interleaved: rounds of a batch of `a` then a batch of `b` (the order swapped
 * every round), each batch about 10 ms long, and the ratio taken per round. A machine whose speed
 * drifts over seconds (a VM's CPU share, the WebCrypto thread pool waking up) then moves both
 * sides of each ratio alike, where two cases measured one after the other can differ by 30% for
 * no reason of their own. When either side is `slow` (a process spawn), each batch starts after a
 * 20 ms pause and one untimed call.
 *
 * @param budgetMs - time to spend after warm-up (slow cases: at least 5 rounds).
 */
export async function measurePaired(
  a: BenchCase,
  b: BenchCase,
  budgetMs = 1500,
): Promise<PairedMeasurement> {
  const slow = a.slow === true || b.slow === true;
  const warmUp = slow ? 1 : 5;
  const est = async (c: BenchCase): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < warmUp + 2; i++) xs.push(await timed(c.fn));
    return median(xs.slice(warmUp));
  };
  const batch = (us: number): number => Math.max(1, Math.min(500, Math.round(10_000 / us)));
  const na = batch(await est(a));
  const nb = batch(await est(b));
  const all: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  const start = performance.now();
  const limit = slow ? Math.max(budgetMs, 4000) : budgetMs;
  for (let round = 0; ; round++) {
    const got: [number[], number[]] = [[], []];
    for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const c = side === 0 ? a : b;
      if (slow) {
        // After a batch of process spawns the machine is still tearing them down and the other
        // side's code and data are out of the CPU caches: let it settle and run one untimed call,
        // so each side is timed in its own steady state.
        await new Promise((r) => setTimeout(r, 20));
        await c.fn();
      }
      for (let i = 0; i < (side === 0 ? na : nb); i++) got[side]!.push(await timed(c.fn));
    }
    all[0].push(...got[0]);
    all[1].push(...got[1]);
    ratios.push(median(got[0]) / median(got[1]));
    const elapsed = performance.now() - start;
    if (ratios.length >= (slow ? 5 : 15) && elapsed > limit) break;
    if (ratios.length >= 1000) break;
  }
  return {
    ratio: median(ratios),
    numeratorUs: median(all[0]),
    denominatorUs: median(all[1]),
    rounds: ratios.length,
  };
}

/** The target line of a comparison: `target: label ≤ 1.2: 1.13× — MET (…)`. */
export function formatComparison(c: BenchComparison, m: PairedMeasurement): string {
  const t = c.target;
  const goal = t?.max !== undefined ? ` ≤ ${t.max}` : t?.min !== undefined ? ` ≥ ${t.min}` : '';
  const met =
    t === undefined
      ? ''
      : (t.max === undefined || m.ratio <= t.max) && (t.min === undefined || m.ratio >= t.min)
        ? ' — MET'
        : ' — MISSED';
  return `  ${t !== undefined ? 'target' : 'ratio'}: ${c.label}${goal}: ${m.ratio.toFixed(2)}×${met} (paired over ${m.rounds} rounds: ${formatUs(m.numeratorUs)} / ${formatUs(m.denominatorUs)})`;
}

export function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}
