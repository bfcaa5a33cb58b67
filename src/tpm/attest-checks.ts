/**
 * @module
 * The checks every signed TPMS_ATTEST shares (TPM 2.0 Library Part 1 rev 1.59 §36 "Attestation",
 * Part 2 §10.12): strict structure, TPM_GENERATED magic, attestation type, the signing key, the
 * signature scheme, the signature and the qualifying data (nonce). Quote and certify verification
 * run these with their own check-id prefix, then add their specific checks. Private module.
 */
import { AttestError } from '../core/errors.js';
import { createLedger, type CheckSpec, type Ledger } from '../core/checks.js';
import { inputMemo, type AttestCache } from '../core/cache.js';
import { sealShared } from '../core/share.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { publicKeyBits, type ImportedKeys } from '../core/crypto.js';
import { isComputableHash, TPM_GENERATED_VALUE, TPM_ST_ATTEST_NAMES } from './constants.js';
import { assertInputBytes, readTpmsAttest, readTpmtSignature } from './structures.js';
import { isParsedPublic, resolveTpmKey, type ResolvedTpmKey } from './keys.js';
import {
  canVerify,
  partsOfRaw,
  partsOfTpmt,
  schemeProblems,
  verifyParts,
  type SignatureParts,
} from './signature.js';
import type { TpmKeyInput, TpmRawSignatureScheme, TpmsAttest, TpmtSignature } from './types.js';

/**
 * An AttestError (or other error) as ledger detail.
 *
 * @internal
 */
export function errorDetail(e: unknown): Record<string, unknown> {
  if (e instanceof AttestError) {
    return {
      code: e.code,
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
      ...(e.field !== undefined ? { field: e.field } : {}),
      message: e.message,
    };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

/**
 * Validates a raw-signature scheme descriptor (a programming contract).
 *
 * @internal
 */
export function assertRawScheme(s: unknown): asserts s is TpmRawSignatureScheme {
  const v = s as TpmRawSignatureScheme;
  if (
    typeof s !== 'object' ||
    s === null ||
    !['rsassa', 'rsapss', 'ecdsa'].includes(v.scheme) ||
    !isComputableHash(v.hash)
  ) {
    throw new TypeError("signatureScheme must be { scheme: 'rsassa'|'rsapss'|'ecdsa', hash }");
  }
  if (v.format !== undefined && (v.scheme !== 'ecdsa' || !['raw', 'der'].includes(v.format))) {
    throw new TypeError("signatureScheme.format must be 'raw' or 'der', and only with ecdsa");
  }
}

/**
 * Throws TypeError unless `v` is undefined or a Uint8Array.
 *
 * @internal
 */
export function optionalBytes(v: unknown, name: string): void {
  if (v !== undefined) assertInputBytes(v, name);
}

/**
 * Throws TypeError unless `v` is undefined or a boolean.
 *
 * @internal
 */
export function optionalBoolean(v: unknown, name: string): void {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`);
}

/** Ids of the shared checks for one prefix. */
export interface AttestCheckIds {
  readonly structure: string;
  readonly magic: string;
  readonly type: string;
  readonly key: string;
  readonly scheme: string;
  readonly signature: string;
  readonly nonce: string;
}

/** Input of {@link runAttestChecks}. */
export interface AttestCheckInput {
  readonly ids: AttestCheckIds;
  readonly attest: Uint8Array;
  readonly signature: Uint8Array;
  readonly signatureScheme: TpmRawSignatureScheme | undefined;
  readonly key: TpmKeyInput;
  /** "AK" or "signing key", for messages. */
  readonly keyRole: string;
  /** Accepted TPM_ST values. */
  readonly types: readonly number[];
  readonly nonce: Uint8Array | undefined;
  readonly requireNonce: boolean;
  readonly cache: AttestCache | undefined;
}

/** What the shared checks learned, for the caller's own checks. */
export interface AttestCheckState {
  readonly attest: TpmsAttest | undefined;
  readonly tpmt: TpmtSignature | undefined;
  readonly key: ResolvedTpmKey | undefined;
  /**
   * True when `key` is held by the caller's cache (sealed, read by later calls): results hold
   * `copyPlain` of it, never the memoised objects.
   */
  readonly keyShared: boolean;
  readonly parts: SignatureParts | undefined;
  /**
   * Settles once the signature check is recorded. The verification starts inside
   * {@link runAttestChecks} (WebCrypto works off the main thread), so the caller runs its own
   * checks meanwhile and awaits this before `ledger.finish()`.
   */
  readonly signatureDone: Promise<void>;
}

/** Smallest RSA modulus accepted for a signing key (the EK floor of makeCredential too). */
const MIN_RSA_BITS = 2048;

const SETTLED: Promise<void> = /* @__PURE__ */ Promise.resolve();

/** A resolved key and the CryptoKeys imported for it, remembered per key input. */
interface KeyEntry {
  readonly resolved: ResolvedTpmKey;
  readonly imported: ImportedKeys;
  /** Kept in the caller's cache (sealed, read by later calls). */
  readonly shared: boolean;
}

/**
 * The part of a key input that identifies it for the per-input memo: PEM text, key bytes, or a
 * parsed TpmtPublic's `raw` bytes (JWK and PublicKeyInfo objects are resolved on every call).
 */
function keyMemoInput(k: TpmKeyInput): string | Uint8Array | undefined {
  if (typeof k === 'string' || k instanceof Uint8Array) return k;
  // Only a parsed TpmtPublic is resolved from its `raw`: a JWK carrying a `raw` member is read as
  // a JWK, so `raw` does not identify it.
  if (typeof k === 'object' && k !== null && isParsedPublic(k)) return k.raw;
  return undefined;
}

/**
 * The key of `input`, resolved once per input (parsing a public area is immutable work) and kept
 * with its imported CryptoKeys: a warm call compares the input with a private copy and finds
 * both, building no cache key from the key's bytes. Throws what {@link resolveTpmKey} throws.
 */
function resolveKeyEntry(input: TpmKeyInput, cache: AttestCache | undefined): KeyEntry {
  const id = keyMemoInput(input);
  if (cache === undefined || id === undefined)
    return { resolved: resolveTpmKey(input), imported: new Map(), shared: false };
  // A parsed TpmtPublic is keyed by its `raw` bytes object, which a caller may also pass as a key
  // input of its own (read as SPKI, TPM2B or TPMT): each form has its own memo, so one is never
  // answered with what the other resolved to.
  const forms = id === input ? 'attestkit:tpm:key-inputs' : 'attestkit:tpm:tpmt-public-inputs';
  return inputMemo(cache, forms).get(id, () => [
    { resolved: sealShared(resolveTpmKey(input)), imported: new Map(), shared: true },
    true,
  ]);
}

const HEX_DIGITS = '0123456789abcdef';
/**
 * `n.toString(16)` for a u32, left-padded with zeros to `width` (the hot path formats a magic and
 * a type on every verification; Number#toString(16) is slow).
 *
 * @internal
 */
export function hexNumber(n: number, width = 1): string {
  let s = '';
  let v = n >>> 0;
  do {
    s = HEX_DIGITS[v & 15]! + s;
    v >>>= 4;
  } while (v !== 0);
  while (s.length < width) s = '0' + s;
  return s;
}

const UPPER: ReadonlyMap<string, string> = /* @__PURE__ */ new Map([
  ['rsassa', 'RSASSA'],
  ['rsapss', 'RSAPSS'],
  ['ecdsa', 'ECDSA'],
  ['sha1', 'SHA1'],
  ['sha256', 'SHA256'],
  ['sha384', 'SHA384'],
  ['sha512', 'SHA512'],
]);

function upper(s: string): string {
  return UPPER.get(s) ?? s.toUpperCase();
}

function describeKey(k: ResolvedTpmKey): string {
  const base =
    k.key.kind === 'ec' ? `ECC ${k.key.curve}` : `RSA-${(stripLen(k.key.n) * 8).toString()}`;
  return k.publicArea !== undefined ? `${base} (TPMT_PUBLIC)` : base;
}

function stripLen(b: Uint8Array): number {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.length - i;
}

/**
 * Creates the ledger over `specs` and records structure, magic, type, key, scheme, signature and
 * nonce in it. The signature is checked whenever the key kind and hash allow it, even if the
 * scheme check failed, so the caller sees every problem at once. The verification is started
 * first and recorded when it settles: await `signatureDone` before finishing the ledger.
 *
 * @internal
 */
export function runAttestChecks<Id extends string>(
  specs: readonly CheckSpec<Id>[],
  input: AttestCheckInput,
): AttestCheckState & { readonly ledger: Ledger<Id> } {
  const { ids } = input;
  // One private copy of the statement and the signature (one allocation), read by both the
  // signature check and the parses, whose values are views into it: the caller's buffers could
  // change while the key is imported, and the result must describe the bytes that were signed.
  const attestLength = input.attest.length;
  const own = new Uint8Array(attestLength + input.signature.length);
  own.set(input.attest);
  own.set(input.signature, attestLength);
  const bytes = new Uint8Array(own.buffer, 0, attestLength);
  const signatureBytes = new Uint8Array(own.buffer, attestLength, input.signature.length);

  // What the signature check needs comes first — the signature's structure, the key, the scheme
  // — so that the verification (off the main thread in WebCrypto) starts before anything else
  // is read or recorded; the ledger is filled in meanwhile.
  let tpmt: TpmtSignature | undefined;
  let signatureProblem: Record<string, unknown> | undefined;
  if (input.signatureScheme === undefined) {
    try {
      tpmt = readTpmtSignature(signatureBytes, true);
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      signatureProblem = { structure: 'TPMT_SIGNATURE', ...errorDetail(e) };
    }
  }
  // Key (resolved once per key input, with its imported CryptoKeys; see resolveKeyEntry).
  let key: ResolvedTpmKey | undefined;
  let imported: ImportedKeys | undefined;
  let keyShared = false;
  let keyError: AttestError | undefined;
  try {
    const entry = resolveKeyEntry(input.key, input.cache);
    key = entry.resolved;
    imported = entry.imported;
    keyShared = entry.shared;
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    keyError = e;
  }
  const parts: SignatureParts | undefined =
    key === undefined
      ? undefined
      : tpmt !== undefined
        ? partsOfTpmt(tpmt)
        : input.signatureScheme !== undefined
          ? partsOfRaw(signatureBytes, input.signatureScheme)
          : undefined;
  const verifying =
    key !== undefined && parts !== undefined && canVerify(parts, key.key)
      ? verifyParts(key.key, parts, bytes, input.cache, imported)
      : undefined;

  // The ledger is made once the verification is under way.
  const typed = createLedger(specs);
  const ledger = typed as unknown as Ledger<string>;
  if (input.requireNonce) ledger.require(ids.nonce);
  if (key !== undefined) {
    const detail = {
      kind: key.key.kind,
      ...(key.publicArea !== undefined ? { form: 'TPMT_PUBLIC' } : {}),
    };
    // RSA below 2048 bits is under 112-bit strength (NIST SP 800-57 Part 1 Table 2); a TPM that
    // still offers RSA-1024 would sign with it on request. The signature is checked all the same.
    const bits = key.key.kind === 'rsa' ? publicKeyBits(key.key) : 0;
    if (key.key.kind === 'rsa' && bits < MIN_RSA_BITS) {
      ledger.fail(
        ids.key,
        `${input.keyRole} is ${describeKey(key)}: RSA keys under ${MIN_RSA_BITS} bits are refused`,
        { ...detail, bits },
      );
    } else ledger.pass(ids.key, `${input.keyRole} is ${describeKey(key)}`, detail);
  } else if (keyError !== undefined) {
    ledger.fail(
      ids.key,
      `${input.keyRole} public key is malformed: ${keyError.message}`,
      errorDetail(keyError),
    );
  }

  // Scheme.
  if (tpmt === undefined && input.signatureScheme === undefined) {
    ledger.skip(ids.scheme, `TPMT_SIGNATURE is malformed (see ${ids.structure})`);
  } else if (ledger.dependsOn(ids.scheme, ids.key) && key !== undefined && parts !== undefined) {
    const sp = schemeProblems(parts, key.key, key.publicArea);
    ledger.result(
      ids.scheme,
      sp.length === 0,
      sp.length === 0 ? `${upper(parts.scheme)} with ${upper(parts.hash)}` : sp.join('; '),
      { scheme: parts.scheme, hash: parts.hash, ...(sp.length > 0 ? { problems: sp } : {}) },
    );
  }

  // Signature: already started, recorded when it settles.
  let signatureDone = SETTLED;
  if (key === undefined || parts === undefined) {
    ledger.dependsOn(ids.signature, ids.key, ids.scheme);
  } else if (verifying === undefined) {
    ledger.skip(ids.signature, `the signature cannot be checked with this key (see ${ids.scheme})`);
  } else {
    signatureDone = verifying.then(
      (out) => {
        ledger.result(
          ids.signature,
          out.ok,
          out.ok
            ? `signature verifies with the ${input.keyRole}`
            : `signature does not verify with the ${input.keyRole}`,
          out.saltLength !== undefined ? { saltLength: out.saltLength } : undefined,
        );
      },
      (e: unknown) => {
        // WebCrypto refuses some hostile keys and signatures with a DOMException (a modulus too
        // small for the padding, say): that is a signature that does not verify, not a crash.
        const refused = typeof DOMException !== 'undefined' && e instanceof DOMException;
        if (!(e instanceof AttestError) && !refused) throw e;
        ledger.fail(
          ids.signature,
          `signature cannot be verified: ${(e as Error).message}`,
          refused ? { message: (e as Error).message, name: (e as Error).name } : errorDetail(e),
        );
      },
    );
    // Never an unhandled rejection when the caller throws (a TypeError for a malformed argument)
    // before awaiting it; awaiting it still sees the error.
    signatureDone.catch(() => undefined);
  }

  // Structure (TPMS_ATTEST, and the TPMT_SIGNATURE read above), while the signature is checked.
  let attest: TpmsAttest | undefined;
  const problems: Record<string, unknown>[] = [];
  try {
    attest = readTpmsAttest(bytes, false, true);
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    problems.push({ structure: 'TPMS_ATTEST', ...errorDetail(e) });
  }
  if (signatureProblem !== undefined) problems.push(signatureProblem);
  if (problems.length === 0) {
    ledger.pass(ids.structure, 'TPMS_ATTEST and the signature parse strictly');
  } else {
    ledger.fail(
      ids.structure,
      `malformed: ${problems.map((p) => `${String(p.structure)}: ${String(p.message)}`).join('; ')}`,
      { problems },
    );
  }

  // Magic and type are read from the bytes, so they are reported even when parsing failed.
  if (bytes.length < 4) ledger.fail(ids.magic, 'TPMS_ATTEST is shorter than its magic');
  else {
    const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    const ok = magic === TPM_GENERATED_VALUE;
    // The magic proves TPM origin only because a restricted signing key refuses to sign outside
    // data that starts with it (Part 1 §36.3); any other key signs such bytes on request, so the
    // message must not claim more than the signer's attributes (checked elsewhere) allow.
    ledger.result(
      ids.magic,
      ok,
      ok
        ? 'magic is TPM_GENERATED_VALUE (proof of TPM origin only with a valid signature by a restricted signing key)'
        : 'magic is not TPM_GENERATED_VALUE: not a TPM-generated structure',
      { expected: '0xff544347', actual: ok ? '0xff544347' : `0x${hexNumber(magic, 8)}` },
    );
  }
  if (bytes.length < 6) ledger.fail(ids.type, 'TPMS_ATTEST is shorter than its type');
  else {
    const typeId = (bytes[4]! << 8) | bytes[5]!;
    const ok = input.types.includes(typeId);
    ledger.result(
      ids.type,
      ok,
      ok
        ? `type is ${TPM_ST_ATTEST_NAMES[typeId] ?? typeId}`
        : `type 0x${hexNumber(typeId)} (${TPM_ST_ATTEST_NAMES[typeId] ?? 'unknown'}) is not ${input.types.map((t) => TPM_ST_ATTEST_NAMES[t] ?? t).join(' or ')}`,
      {
        expected: input.types.map((t) => `0x${hexNumber(t)}`),
        actual: `0x${hexNumber(typeId)}`,
      },
    );
  }

  // Nonce (qualifying data), compared in constant time.
  if (input.nonce === undefined) {
    ledger.skip(
      ids.nonce,
      'no nonce given: freshness not checked' +
        (input.requireNonce ? ' (requireNonce is true, so the evidence is not accepted)' : ''),
    );
  } else if (ledger.dependsOn(ids.nonce, ids.structure) && attest !== undefined) {
    const same = equalBytes(attest.extraData, input.nonce);
    const expected = toHex(input.nonce);
    const detail = { expected, actual: same ? expected : toHex(attest.extraData) };
    if (!same) ledger.fail(ids.nonce, 'extraData does not equal the nonce', detail);
    else if (input.nonce.length === 0) {
      // Any TPM statement ever made with empty qualifying data matches an empty nonce, so it
      // proves nothing about when the statement was made: it cannot satisfy requireNonce.
      if (input.requireNonce) {
        ledger.fail(
          ids.nonce,
          'the nonce and extraData are empty: no freshness (requireNonce is true; give a fresh nonce)',
          detail,
        );
      } else ledger.warn(ids.nonce, 'extraData and the nonce are both empty: no freshness', detail);
    } else ledger.pass(ids.nonce, 'extraData equals the nonce', detail);
  }

  return { ledger: typed, attest, tpmt, key, keyShared, parts, signatureDone };
}
