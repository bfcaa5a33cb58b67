/**
 * The property/fuzz harness every parser registers into. A platform adds a file
 * `test/<platform>/<name>.fuzz-target.ts` exporting `targets: FuzzTarget[]`; `parsers.test.ts`
 * finds them all. Property: arbitrary bytes, and real vectors mutated (bit flips, truncations,
 * splices, length-field smashing), either parse or throw AttestError — nothing else — and no
 * single call takes more than 100 ms.
 */
import fc from 'fast-check';
import { AttestError } from '../../src/core/errors.js';

export interface FuzzTarget {
  /** Parser name, e.g. `parseSnpReport`. */
  readonly name: string;
  /** Calls the parser; any return value is fine. */
  readonly parse: (bytes: Uint8Array) => unknown;
  /** Valid inputs to mutate (real vectors where available). */
  readonly seeds: () => Uint8Array[];
  /** Largest arbitrary input to generate. Default 4096. */
  readonly maxLength?: number;
}

/** Cases per parser: ≥ 10 000 in CI (`npm test`); `npm run fuzz` raises it. */
export const FUZZ_RUNS = Number(process.env.ATTESTKIT_FUZZ_RUNS ?? 10_000);
/** Per-call time limit. */
export const FUZZ_CALL_LIMIT_MS = 100;

/** A mutation of a seed: a few byte edits, a truncation, or an extension. */
export function mutatedInput(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) return fc.uint8Array({ maxLength: 512 });
  const seed = fc.constantFrom(...seeds);
  const edits = fc.array(
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'xor', 'max')),
    {
      minLength: 1,
      maxLength: 8,
    },
  );
  return fc.oneof(
    fc.tuple(seed, edits).map(([s, es]) => {
      const out = s.slice();
      if (out.length === 0) return out;
      for (const [pos, v, kind] of es) {
        const i = pos % out.length;
        out[i] = kind === 'set' ? v : kind === 'xor' ? out[i]! ^ (v || 1) : 0xff;
      }
      return out;
    }),
    fc.tuple(seed, fc.nat()).map(([s, n]) => s.slice(0, s.length === 0 ? 0 : n % s.length)),
    fc.tuple(seed, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([s, tail]) => {
      const out = new Uint8Array(s.length + tail.length);
      out.set(s);
      out.set(tail, s.length);
      return out;
    }),
    // Smash a 4-byte window with a huge little/big-endian value (length and count fields).
    fc
      .tuple(seed, fc.nat(), fc.constantFrom(0xffffffff, 0x7fffffff, 0x10000, 0x3b9aca00))
      .map(([s, pos, v]) => {
        const out = s.slice();
        if (out.length < 4) return out;
        const i = pos % (out.length - 3);
        new DataView(out.buffer).setUint32(i, v, pos % 2 === 0);
        return out;
      }),
  );
}

/** Runs `parse` and returns undefined, or a description of the property violation. */
export function checkOne(target: FuzzTarget, input: Uint8Array): string | undefined {
  const once = (): { ms: number; problem?: string } => {
    const t0 = performance.now();
    try {
      target.parse(input);
    } catch (e) {
      if (!(e instanceof AttestError)) {
        return {
          ms: 0,
          problem: `${target.name} threw ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e)}`,
        };
      }
    }
    return { ms: performance.now() - t0 };
  };
  let r = once();
  if (r.problem !== undefined) return r.problem;
  // A GC pause or a busy machine can stretch one call; an input that is slow to parse is slow
  // every time, so the limit applies to the fastest of three runs.
  for (let i = 0; i < 2 && r.ms > FUZZ_CALL_LIMIT_MS; i++) {
    const again = once();
    r = again.ms < r.ms ? again : r;
  }
  if (r.ms > FUZZ_CALL_LIMIT_MS)
    return `${target.name} took ${r.ms.toFixed(1)} ms on ${input.length} bytes`;
  return undefined;
}
