/**
 * Keeps each timed call's duration so a suite can print ratios between its own cases in
 * teardown (bench/harness.ts reports each case only against the floor). The harness runs five
 * warm-up calls first; they are dropped here too, so these medians match the harness's.
 */
import type { BenchCase } from '../harness.js';

const WARM_UP = 5;

export class Recorder {
  readonly #samples = new Map<string, number[]>();

  /** A bench case whose calls are also recorded under `key`. */
  case(key: string, c: BenchCase): BenchCase {
    const times: number[] = [];
    this.#samples.set(key, times);
    const fn = c.fn;
    return {
      ...c,
      fn: async () => {
        const t0 = performance.now();
        await fn();
        times.push((performance.now() - t0) * 1000);
      },
    };
  }

  /** Median in microseconds, or undefined when the case did not run. */
  medianUs(key: string): number | undefined {
    const xs = this.#samples
      .get(key)
      ?.slice(WARM_UP)
      .sort((a, b) => a - b);
    return xs === undefined || xs.length === 0 ? undefined : xs[xs.length >> 1];
  }
}

export const fmtMs = (ms: number): string =>
  ms >= 100
    ? `${ms.toFixed(0)} ms`
    : ms >= 1
      ? `${ms.toFixed(2)} ms`
      : `${(ms * 1000).toFixed(0)} µs`;

/** "3.21×" or "n/a". */
export const times = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(2)}×`;

/** A target line with its verdict. */
export function verdict(
  label: string,
  value: number | undefined,
  ok: (v: number) => boolean,
): string {
  if (value === undefined) return `  target: ${label}: not measured`;
  return `  target: ${label}: ${times(value)} — ${ok(value) ? 'MET' : 'MISSED'}`;
}
