/**
 * @module
 * What counts as a separator when a log is read for its meaning. The PFP ends each of PCRs 0–7's
 * pre-OS part with an EV_SEPARATOR of 4 bytes (0 or 0xFFFFFFFF). A log is untrusted input: the type
 * of an event is not covered by its digest, so a log can carry the genuine separator under another
 * type and move the end of a window (go-attestation's 2022 event-log disclosure). An event that
 * carries a separator's digest ends the window whatever its type says, and one that does not carry
 * it does not, whatever its type says.
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
  return e.type !== EV.SEPARATOR && e.type !== EV.NO_ACTION && carriesSeparatorDigest(e, sep);
}

function carriesSeparatorDigest(e: TcgEvent | CcEvent, sep: SeparatorDigests): boolean {
  for (const [b, [zero, ones]] of sep) {
    const d = e.digests[b];
    if (d !== undefined && (equalBytes(d, zero) || equalBytes(d, ones))) return true;
  }
  return false;
}

/**
 * True when `e` ends a pre-OS window: it carries a separator digest (`H(00000000)` or
 * `H(FFFFFFFF)`) in a bank of `sep` — the banks a verification compared, or every bank of the log
 * when there was none. Its type is not covered by its digest, so neither an EV_SEPARATOR whose
 * digest is another (a measured variable relabelled as a separator would end the window before
 * itself) nor the absence of the type decides. When `sep` holds no bank (a log whose banks
 * attestkit cannot compute) only the type and data can be read: an EV_SEPARATOR of four bytes 0 or
 * 0xFF.
 *
 * @internal
 */
export function endsWindow(e: TcgEvent | CcEvent, sep: SeparatorDigests): boolean {
  if (e.type === EV.NO_ACTION) return false;
  if (sep.size === 0)
    return (
      e.type === EV.SEPARATOR &&
      e.decoded?.kind === 'separator' &&
      (e.decoded.value === 0 || e.decoded.isError)
    );
  return carriesSeparatorDigest(e, sep);
}
