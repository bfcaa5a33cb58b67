/** Runs every registered fuzz target (see harness.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { checkOne, FUZZ_RUNS, mutatedInput, type FuzzTarget } from './harness.js';
import { AttestError } from '../../src/core/errors.js';
import { hasVectors, listVectors, readVector, readVectorJson } from '../support/vectors.js';

const modules = import.meta.glob<{ targets: FuzzTarget[] }>('../**/*.fuzz-target.ts', {
  eager: true,
});
const targets = Object.values(modules).flatMap((m) => m.targets);

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** SHA-256 of every file under a vector folder. */
function fileHashes(...folder: string[]): Set<string> {
  if (!hasVectors) return new Set();
  return new Set(listVectors(...folder).map((f) => sha256(readVector(...folder, f))));
}

/** SHA-256 of the cca vectors that expected.json says a parser must reject. */
function ccaRejected(): { tokens: Set<string>; realmClaims: Set<string> } {
  const tokens = new Set<string>();
  const realmClaims = new Set<string>();
  if (!hasVectors) return { tokens, realmClaims };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json is untyped test data
  const e = readVectorJson<any>('cca', 'expected.json');
  for (const d of e.derived_negatives as { file: string; expected: { detail: string } }[]) {
    // Envelope rejections ("reject: …"); the signature negatives parse and fail verification.
    if (d.expected.detail.startsWith('reject:')) tokens.add(sha256(readVector('cca', d.file)));
  }
  for (const c of e.claim_sets as { file: string; expected: { decode_verdict: string } }[]) {
    if (c.expected.decode_verdict.startsWith('decode-error'))
      realmClaims.add(sha256(readVector('cca', c.file)));
  }
  return { tokens, realmClaims };
}

const ccaFiles = fileHashes('cca');
const rejectedCca = ccaRejected();
const svsmV0Files = fileHashes('snp', 'synthetic', 'svsm-vtpm');

/**
 * The seeds a parser must reject, by target. Each is deliberately invalid for that parser: a
 * mutation of an invalid input still exercises the parser's error paths. Every other seed is a
 * real vector (or a well-formed part of one) and must parse, so a parser that rejected all real
 * input could not pass here.
 */
const INVALID_SEEDS: Readonly<
  Record<string, { readonly why: string; readonly is: (h: string) => boolean }>
> = {
  'cca decodeCbor': {
    why: 'the hostile seeds of cca.fuzz-target.ts (deep nesting, 2^63-byte lengths), not vector files',
    is: (h) => !ccaFiles.has(h),
  },
  parseCcaToken: {
    why: 'the hostile seeds, and the envelope negatives of cca/derived (expected "reject:")',
    is: (h) => !ccaFiles.has(h) || rejectedCca.tokens.has(h),
  },
  parseCcaRealmClaims: {
    why: 'the claim sets whose expected decode verdict is decode-error (missing challenge)',
    is: (h) => rejectedCca.realmClaims.has(h),
  },
  parseSvsmVtpmManifest: {
    why: 'the version-1 manifest seed built by binding.fuzz-target.ts (not a version-0 manifest)',
    is: (h) => !svsmV0Files.has(h),
  },
  'parseSvsmVtpmManifest (v1)': {
    why: 'the version-0 manifest files of snp/synthetic/svsm-vtpm (not a version-1 manifest)',
    is: (h) => svsmV0Files.has(h),
  },
};

/** undefined when `parse` accepts `seed`, else the error it threw. */
function parseError(target: FuzzTarget, seed: Uint8Array): unknown {
  try {
    target.parse(seed);
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('fuzz: parsers parse or throw AttestError', () => {
  it('has registered targets', () => {
    expect(targets.length).toBeGreaterThan(0);
  });

  it('every target named in INVALID_SEEDS exists and, with vectors, has such a seed', () => {
    const names = new Set(targets.map((t) => t.name));
    for (const [name, rule] of Object.entries(INVALID_SEEDS)) {
      expect(names.has(name), name).toBe(true);
      const seeds = targets.find((t) => t.name === name)!.seeds();
      if (hasVectors)
        expect(
          seeds.some((s) => rule.is(sha256(s))),
          `${name}: ${rule.why}`,
        ).toBe(true);
    }
  });

  for (const target of targets) {
    it(`${target.name}: ${FUZZ_RUNS} cases`, () => {
      const seeds = target.seeds();
      const invalid = INVALID_SEEDS[target.name];
      // Valid seeds must parse; deliberately invalid ones must be rejected with AttestError.
      seeds.forEach((s, i) => {
        expect(checkOne(target, s), `seed ${i}`).toBeUndefined();
        const err = parseError(target, s);
        if (invalid?.is(sha256(s)) === true) {
          expect(err, `seed ${i} (${invalid.why}) must be rejected`).toBeInstanceOf(AttestError);
        } else {
          expect(err, `seed ${i} (${s.length} bytes) is valid and must parse`).toBeUndefined();
        }
      });
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
