/**
 * @module
 * Which events are digest-bound — their digest must be a hash of their own data, so their content
 * can be trusted once the replay matches — and under which rule (PFP 1.06 §10.4.4, spec-notes
 * §4/§7): separators, EV_ACTION / EV_EFI_ACTION strings, driver-config variables, boot variables
 * (VariableData only on edk2-derived firmware, the whole structure elsewhere), authorities, GPT,
 * S-CRTM version, GRUB commands and command lines (without prefix, with or without the NUL) and
 * systemd-boot command lines. Everything else hashes something the log does not carry.
 *
 * This is the defence against go-attestation's event-log disclosure (GHSA-… 2022): a verifier must
 * not believe the content of an event whose type does not bind it.
 */
import { createDigester, digest, type Digester, type HashAlg } from '../core/crypto.js';
import { equalBytes } from '../core/encoding.js';
import { EV } from './constants.js';
import type { DecodedEventData, DigestCheck, DigestRule, PcrBankName } from './types.js';

/** The byte strings an event's digest may be the hash of, and whether a mismatch is a finding. */
export interface DigestCandidates {
  /** True when the type requires digest == H(one of the candidates). */
  readonly bound: boolean;
  readonly candidates: readonly { readonly rule: DigestRule; readonly bytes: Uint8Array }[];
}

const ALWAYS_BOUND = new Set<number>([
  EV.SEPARATOR,
  EV.ACTION,
  EV.EFI_ACTION,
  EV.EFI_VARIABLE_DRIVER_CONFIG,
  EV.EFI_VARIABLE_BOOT2,
  EV.EFI_GPT_EVENT,
  EV.EFI_GPT_EVENT2,
  EV.S_CRTM_VERSION,
]);

/** Hash algorithms attestkit computes, by bank name. */
export const COMPUTABLE_BANKS: readonly PcrBankName[] = ['sha1', 'sha256', 'sha384', 'sha512'];

/** True when attestkit can compute the bank's hash. */
export function isComputableBank(bank: string): bank is HashAlg {
  return bank === 'sha1' || bank === 'sha256' || bank === 'sha384' || bank === 'sha512';
}

/**
 * How an event type binds its digest to its data: `undefined` for EV_NO_ACTION (never extended);
 * `whole` when the digest may be the hash of the whole event data (`bound` says whether it must
 * be); the other rules need candidates built from the decoded data ({@link digestCandidates}).
 * One decision per event, without allocating: the parse loop hashes `whole` events directly.
 */
export type DigestBinding =
  | { readonly kind: 'whole'; readonly bound: boolean }
  | { readonly kind: 'variable-first' | 'data-first' | 'grub' };

const WHOLE_BOUND: DigestBinding = { kind: 'whole', bound: true };
const WHOLE_UNBOUND: DigestBinding = { kind: 'whole', bound: false };
const VARIABLE_FIRST: DigestBinding = { kind: 'variable-first' };
const DATA_FIRST: DigestBinding = { kind: 'data-first' };
const GRUB: DigestBinding = { kind: 'grub' };

/**
 * The {@link DigestBinding} of an event.
 *
 * @param type - event type.
 * @param decoded - the decoded data, when it decoded.
 * @returns the binding, or undefined for EV_NO_ACTION.
 * @example
 * ```ts
 * digestBinding(EV.EFI_ACTION, decoded); // { kind: 'whole', bound: true }
 * ```
 */
export function digestBinding(
  type: number,
  decoded: DecodedEventData | undefined,
): DigestBinding | undefined {
  if (type === EV.NO_ACTION) return undefined;
  if (ALWAYS_BOUND.has(type)) return WHOLE_BOUND;
  if (type === EV.EFI_VARIABLE_BOOT || type === EV.EFI_VARIABLE_AUTHORITY) {
    if (decoded?.kind === 'uefi-variable')
      return type === EV.EFI_VARIABLE_BOOT ? VARIABLE_FIRST : DATA_FIRST;
    return WHOLE_BOUND;
  }
  if (type === EV.IPL && decoded?.kind === 'loader') {
    if (decoded.role === 'grub-command' || decoded.role === 'grub-kernel-cmdline') return GRUB;
    if (decoded.role === 'systemd-cmdline') return WHOLE_BOUND;
  }
  if (type === EV.EVENT_TAG && decoded?.kind === 'sipa') return WHOLE_BOUND;
  return WHOLE_UNBOUND;
}

/**
 * The candidate preimages of an event's digest.
 *
 * @param type - event type.
 * @param data - event data.
 * @param decoded - the decoded data, when it decoded.
 * @returns candidates, or undefined for EV_NO_ACTION (never extended).
 * @example
 * ```ts
 * digestCandidates(EV.EFI_ACTION, data, decoded)?.bound; // true
 * ```
 */
export function digestCandidates(
  type: number,
  data: Uint8Array,
  decoded: DecodedEventData | undefined,
): DigestCandidates | undefined {
  const b = digestBinding(type, decoded);
  return b === undefined ? undefined : candidatesOf(b, data, decoded);
}

function candidatesOf(
  b: DigestBinding,
  data: Uint8Array,
  decoded: DecodedEventData | undefined,
): DigestCandidates {
  const whole = { rule: 'event-data' as const, bytes: data };
  if (b.kind === 'whole') return { bound: b.bound, candidates: [whole] };
  if (b.kind === 'grub' && decoded?.kind === 'loader') {
    // The command text without its prefix, with and without a NUL: one buffer, two views.
    const n = decoded.value.length;
    const withNul = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) withNul[i] = decoded.value.charCodeAt(i) & 0xff;
    return {
      bound: true,
      candidates: [
        { rule: 'grub-text', bytes: withNul.subarray(0, n) },
        { rule: 'grub-text-nul', bytes: withNul },
      ],
    };
  }
  if (decoded?.kind === 'uefi-variable') {
    const v = { rule: 'variable-data' as const, bytes: decoded.variable.variableData };
    return { bound: true, candidates: b.kind === 'variable-first' ? [v, whole] : [whole, v] };
  }
  return { bound: true, candidates: [whole] };
}

/** Result of a digest check: the status and the rule that matched. */
export interface DigestCheckResult {
  readonly check: DigestCheck;
  readonly rule?: DigestRule;
}

const NOT_EXTENDED: DigestCheckResult = { check: 'not-extended' };
const MISMATCH: DigestCheckResult = { check: 'mismatch' };
const NOT_DATA_DERIVED: DigestCheckResult = { check: 'not-data-derived' };
const VERIFIED: Readonly<Record<DigestRule, DigestCheckResult>> = {
  'event-data': { check: 'verified', rule: 'event-data' },
  'variable-data': { check: 'verified', rule: 'variable-data' },
  'grub-text': { check: 'verified', rule: 'grub-text' },
  'grub-text-nul': { check: 'verified', rule: 'grub-text-nul' },
};

/**
 * Checks an event's digest in one bank against its candidates.
 *
 * @returns the status and the rule that matched.
 * @example
 * ```ts
 * checkDigestAgainst(candidates, 'sha256', event.digests.sha256);
 * ```
 */
export function checkDigestAgainst(
  c: DigestCandidates | undefined,
  bank: HashAlg,
  eventDigest: Uint8Array,
  digesters?: DigesterSet,
): DigestCheckResult {
  if (c === undefined) return NOT_EXTENDED;
  // A digest of the wrong size matches no candidate: no need to hash them.
  if (eventDigest.length === BANK_DIGEST_SIZES[bank]) {
    const d = digesters?.get(bank);
    for (const cand of c.candidates) {
      const h = d !== undefined ? d.digest(cand.bytes) : digest(bank, cand.bytes);
      if (equalBytes(h, eventDigest)) return VERIFIED[cand.rule];
    }
  }
  return c.bound ? MISMATCH : NOT_DATA_DERIVED;
}

/**
 * Checks an event's digest in one bank: the parse loop's entry point. Events whose digest may be
 * the hash of their whole data (most of them) are hashed once without building candidates.
 *
 * @returns the status and the rule that matched.
 * @example
 * ```ts
 * checkEventDigest(e.type, e.data, e.decoded, 'sha256', e.digests.sha256, digesters);
 * ```
 */
export function checkEventDigest(
  type: number,
  data: Uint8Array,
  decoded: DecodedEventData | undefined,
  bank: HashAlg,
  eventDigest: Uint8Array,
  digesters: DigesterSet,
): DigestCheckResult {
  const b = digestBinding(type, decoded);
  if (b === undefined) return NOT_EXTENDED;
  if (b.kind !== 'whole')
    return checkDigestAgainst(candidatesOf(b, data, decoded), bank, eventDigest, digesters);
  if (
    eventDigest.length === BANK_DIGEST_SIZES[bank] &&
    equalBytes(digesters.get(bank).digest(data), eventDigest)
  )
    return VERIFIED['event-data'];
  return b.bound ? MISMATCH : NOT_DATA_DERIVED;
}

const BANK_DIGEST_SIZES: Readonly<Record<HashAlg, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** One reusable {@link Digester} per bank, made on first use (one set per parse or verify). */
export interface DigesterSet {
  get(bank: HashAlg): Digester;
}

/** Creates an empty {@link DigesterSet}. */
export function createDigesterSet(): DigesterSet {
  const made = new Map<HashAlg, Digester>();
  return {
    get(bank) {
      let d = made.get(bank);
      if (d === undefined) {
        d = createDigester(bank);
        made.set(bank, d);
      }
      return d;
    },
  };
}

/** Bank used for the parse-time digest check: the strongest common one attestkit computes fast. */
export function preferredBank(
  digests: Partial<Record<PcrBankName, Uint8Array>>,
): HashAlg | undefined {
  for (const b of ['sha256', 'sha384', 'sha512', 'sha1'] as const)
    if (digests[b] !== undefined) return b;
  return undefined;
}
