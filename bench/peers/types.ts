/**
 * What every benchmarked verifier (attestkit or a peer) looks like to the SNP and TDX benches:
 * opened once (module loaded, WASM instantiated, inputs read), then verified repeatedly. The same
 * adapters run in the bench process (warm timings) and in fresh child processes (cold start,
 * see cold-start.ts), so both measure exactly the same calls.
 */

export interface Subject {
  /** One verification of the good evidence; rejects unless the verifier accepted it. */
  verify(): Promise<void>;
  /**
   * Verifies a copy with one signed byte flipped; resolves with the verifier's reason for
   * rejecting it, and rejects if the verifier accepted it (so a peer that verifies nothing
   * cannot be timed).
   */
  tampered(): Promise<string>;
  /**
   * For a peer that cannot verify the primary evidence: resolves with its rejection of
   * that evidence (so the bench can say precisely why it times another input).
   */
  primaryRejection?(): Promise<string>;
}

export interface SubjectOptions {
  /** Repository root: peers are resolved from its node_modules. */
  readonly root: string;
  /** The shared vectors folder (read in place). */
  readonly vectors: string;
  /** attestkit only: share one cache across calls (warm) or verify from nothing (cold). */
  readonly cache?: boolean;
}

/** The subjects the benches know, by name (see subjects.ts). */
export type SubjectName =
  | 'attestkit-snp-genoa'
  | 'attestkit-snp-milan'
  | 'lit-sev-snp-milan'
  | 'attestkit-tdx'
  | 'dcap-qvl'
  | 'dcap-qvl-web';

/** Flips one bit of `bytes[offset]` in a copy. */
export function flipped(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset]! ^= 1;
  return copy;
}

/** Turns "the verifier threw/rejected" into the reason, and "it accepted" into an error. */
export async function expectRejected(run: () => unknown, what: string): Promise<string> {
  let accepted: unknown;
  try {
    accepted = await run();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error(`${what} accepted tampered evidence: ${JSON.stringify(accepted)}`);
}

/** The failed checks of an attestkit result, `id: message` joined (for error messages). */
export function failures(r: {
  readonly checks: readonly {
    readonly id: string;
    readonly status: string;
    readonly message: string;
  }[];
}): string {
  return r.checks
    .filter((c) => c.status === 'fail')
    .map((c) => `${c.id}: ${c.message}`)
    .join('; ');
}
