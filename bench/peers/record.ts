/** Formatting shared by the peer benches' cold-start reports. */

export const fmtMs = (ms: number): string =>
  ms >= 100
    ? `${ms.toFixed(0)} ms`
    : ms >= 1
      ? `${ms.toFixed(2)} ms`
      : `${(ms * 1000).toFixed(0)} µs`;

/** "3.21×" or "n/a". */
export const times = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : `${x.toFixed(2)}×`;
