/** Runs every registered fuzz target (see harness.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkOne, FUZZ_RUNS, mutatedInput, type FuzzTarget } from './harness.js';

const modules = import.meta.glob<{ targets: FuzzTarget[] }>('../**/*.fuzz-target.ts', {
  eager: true,
});
const targets = Object.values(modules).flatMap((m) => m.targets);

describe('fuzz: parsers parse or throw AttestError', () => {
  it('has registered targets', () => {
    expect(targets.length).toBeGreaterThan(0);
  });
  for (const target of targets) {
    it(`${target.name}: ${FUZZ_RUNS} cases`, () => {
      const seeds = target.seeds();
      // Seeds themselves must parse.
      for (const s of seeds) expect(checkOne(target, s)).toBeUndefined();
      const half = Math.ceil(FUZZ_RUNS / 2);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: target.maxLength ?? 4096 }), (bytes) => {
          const problem = checkOne(target, bytes);
          if (problem !== undefined) throw new Error(problem);
        }),
        { numRuns: half },
      );
      fc.assert(
        fc.property(mutatedInput(seeds), (bytes) => {
          const problem = checkOne(target, bytes);
          if (problem !== undefined) throw new Error(problem);
        }),
        { numRuns: FUZZ_RUNS - half },
      );
    }, 600_000);
  }
});
