/**
 * @module
 * What counts as a separator when a log is read for its meaning. The PFP ends each of PCRs 0–7's
 * pre-OS part with an EV_SEPARATOR of 4 bytes (0 or 0xFFFFFFFF). A log is untrusted input: the type
 * of an event is not covered by its digest, so a log can carry the genuine separator under another
 * type and move the end of a window (go-attestation's 2022 event-log disclosure). An event that
 * carries a separator's digest ends the window whatever its type says.
 */
import { digest, type HashAlg } from '../core/crypto.js';
import { equalBytes } from '../core/encoding.js';
import { EV } from './constants.js';
import { isComputableBank } from './digest-rules.js';
import type { CcEvent, TcgEvent } from './types.js';

/** The two digests a separator can have in one bank: `H(00000000)` and `H(FFFFFFFF)`. */
export type SeparatorDigests = ReadonlyMap<HashAlg, readonly [Uint8Array, Uint8Array]>;

/**
 * The separator digests of each computable bank in `banks`.
 *
 * @internal
 */
export function separatorDigests(banks: readonly string[]): SeparatorDigests {
  const out = new Map<HashAlg, readonly [Uint8Array, Uint8Array]>();
  for (const b of banks) {
    if (!isComputableBank(b) || out.has(b)) continue;
    out.set(b, [digest(b, new Uint8Array(4)), digest(b, new Uint8Array(4).fill(0xff))]);
  }
  return out;
}

/**
 * True when `e` carries a separator digest in any bank of `sep` without being an EV_SEPARATOR: a
 * separator logged under another type. Any bank counts, since a forger can only change the banks a
 * quote does not cover, and a genuine separator's digest stays in the banks it does.
 *
 * @internal
 */
export function isDisguisedSeparator(e: TcgEvent | CcEvent, sep: SeparatorDigests): boolean {
  if (e.type === EV.SEPARATOR || e.type === EV.NO_ACTION) return false;
  for (const [b, [zero, ones]] of sep) {
    const d = e.digests[b];
    if (d !== undefined && (equalBytes(d, zero) || equalBytes(d, ones))) return true;
  }
  return false;
}

/**
 * True when `e` ends a pre-OS window: an EV_SEPARATOR, or an event carrying a separator digest
 * ({@link isDisguisedSeparator}).
 *
 * @internal
 */
export function endsWindow(e: TcgEvent | CcEvent, sep: SeparatorDigests): boolean {
  return e.type === EV.SEPARATOR || isDisguisedSeparator(e, sep);
}
