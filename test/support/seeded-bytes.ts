/**
 * Deterministic pseudo-random bytes (xorshift32) for tests that need varied input of many sizes:
 * no Math.random, so a failure reproduces from its size and seed alone.
 */

/** `n` pseudo-random bytes from `seed` (the same bytes for the same arguments, every run). */
export function seededBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
