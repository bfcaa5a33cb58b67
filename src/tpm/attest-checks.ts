/**
 * @module
 * The checks every signed TPMS_ATTEST shares (TPM 2.0 Library Part 1 rev 1.59 §36 "Attestation",
 * Part 2 §10.12): strict structure, TPM_GENERATED magic, attestation type, the signing key, the
 * signature scheme, the signature and the qualifying data (nonce). Quote and certify verification
 * run these with their own check-id prefix, then add their specific checks. Private module.
 */
import { AttestError } from '../core/errors.js';
import type { Ledger } from '../core/checks.js';
import { memo, type AttestCache } from '../core/cache.js';
import { equalBytes, toHex, utf8Encode } from '../core/encoding.js';
import { digest } from '../core/crypto.js';
import { isComputableHash, TPM_GENERATED_VALUE, TPM_ST_ATTEST_NAMES } from './constants.js';
import { assertInputBytes, parseTpmtSignature, readTpmsAttest } from './structures.js';
import { resolveTpmKey, type ResolvedTpmKey } from './keys.js';
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
  readonly attest?: TpmsAttest;
  readonly tpmt?: TpmtSignature;
  readonly key?: ResolvedTpmKey;
  readonly parts?: SignatureParts;
}

/** Cache key of a key input: the SHA-256 of its exact bytes or text. */
function keyCacheId(k: TpmKeyInput): string | undefined {
  if (typeof k === 'string')
    return `attestkit:tpm:key:pem:${toHex(digest('sha256', utf8Encode(k)))}`;
  if (k instanceof Uint8Array) return `attestkit:tpm:key:bytes:${toHex(digest('sha256', k))}`;
  if (typeof k === 'object' && k !== null && 'raw' in k && k.raw instanceof Uint8Array) {
    return `attestkit:tpm:key:tpmt:${toHex(digest('sha256', k.raw))}`;
  }
  return undefined;
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
 * Records structure, magic, type, key, scheme, signature and nonce in `ledger`. The signature is
 * checked whenever the key kind and hash allow it, even if the scheme check failed, so the
 * caller sees every problem at once.
 *
 * @internal
 */
export async function runAttestChecks(
  ledger: Ledger<string>,
  input: AttestCheckInput,
): Promise<AttestCheckState> {
  const { ids, attest: bytes } = input;
  if (input.requireNonce) ledger.require(ids.nonce);

  // Structure.
  let attest: TpmsAttest | undefined;
  let tpmt: TpmtSignature | undefined;
  const problems: Record<string, unknown>[] = [];
  try {
    attest = readTpmsAttest(bytes, false);
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    problems.push({ structure: 'TPMS_ATTEST', ...errorDetail(e) });
  }
  if (input.signatureScheme === undefined) {
    try {
      tpmt = parseTpmtSignature(input.signature);
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      problems.push({ structure: 'TPMT_SIGNATURE', ...errorDetail(e) });
    }
  }
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
    ledger.result(
      ids.magic,
      ok,
      ok
        ? 'magic is TPM_GENERATED_VALUE: the TPM produced this structure'
        : 'magic is not TPM_GENERATED_VALUE: not a TPM-generated structure',
      { expected: '0xff544347', actual: `0x${magic.toString(16).padStart(8, '0')}` },
    );
  }
  if (bytes.length < 6) ledger.fail(ids.type, 'TPMS_ATTEST is shorter than its type');
  else {
    const typeId = (bytes[4]! << 8) | bytes[5]!;
    const ok = input.types.includes(typeId);
    const names = input.types.map((t) => TPM_ST_ATTEST_NAMES[t] ?? t).join(' or ');
    ledger.result(
      ids.type,
      ok,
      ok
        ? `type is ${TPM_ST_ATTEST_NAMES[typeId] ?? typeId}`
        : `type 0x${typeId.toString(16)} (${TPM_ST_ATTEST_NAMES[typeId] ?? 'unknown'}) is not ${names}`,
      {
        expected: input.types.map((t) => `0x${t.toString(16)}`),
        actual: `0x${typeId.toString(16)}`,
      },
    );
  }

  // Key (memoised by its exact encoding: parsing a public area is immutable work).
  let key: ResolvedTpmKey | undefined;
  try {
    const id = keyCacheId(input.key);
    key =
      input.cache !== undefined && id !== undefined
        ? memo(input.cache, id, () => resolveTpmKey(input.key))
        : resolveTpmKey(input.key);
    ledger.pass(ids.key, `${input.keyRole} is ${describeKey(key)}`, {
      kind: key.key.kind,
      ...(key.publicArea !== undefined ? { form: 'TPMT_PUBLIC' } : {}),
    });
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    ledger.fail(ids.key, `${input.keyRole} public key is malformed: ${e.message}`, errorDetail(e));
  }

  // Scheme.
  let parts: SignatureParts | undefined;
  if (tpmt === undefined && input.signatureScheme === undefined) {
    ledger.skip(ids.scheme, `TPMT_SIGNATURE is malformed (see ${ids.structure})`);
  } else if (ledger.dependsOn(ids.scheme, ids.key) && key !== undefined) {
    parts =
      tpmt !== undefined
        ? partsOfTpmt(tpmt)
        : partsOfRaw(input.signature, input.signatureScheme!, key.key);
    const sp = schemeProblems(parts, key.key, key.publicArea);
    ledger.result(
      ids.scheme,
      sp.length === 0,
      sp.length === 0
        ? `${parts.scheme.toUpperCase()} with ${parts.hash.toUpperCase()}`
        : sp.join('; '),
      { scheme: parts.scheme, hash: parts.hash, ...(sp.length > 0 ? { problems: sp } : {}) },
    );
  }

  // Signature.
  if (key === undefined || parts === undefined) {
    ledger.dependsOn(ids.signature, ids.key, ids.scheme);
  } else if (!canVerify(parts, key.key)) {
    ledger.skip(ids.signature, `the signature cannot be checked with this key (see ${ids.scheme})`);
  } else {
    try {
      const out = await verifyParts(key.key, parts, bytes, input.cache);
      ledger.result(
        ids.signature,
        out.ok,
        out.ok
          ? `signature verifies with the ${input.keyRole}`
          : `signature does not verify with the ${input.keyRole}`,
        out.saltLength !== undefined ? { saltLength: out.saltLength } : undefined,
      );
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      ledger.fail(ids.signature, `signature cannot be verified: ${e.message}`, errorDetail(e));
    }
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
    const detail = { expected: toHex(input.nonce), actual: toHex(attest.extraData) };
    if (!same) ledger.fail(ids.nonce, 'extraData does not equal the nonce', detail);
    else if (input.nonce.length === 0)
      ledger.warn(ids.nonce, 'extraData and the nonce are both empty: no freshness', detail);
    else ledger.pass(ids.nonce, 'extraData equals the nonce', detail);
  }

  return {
    ...(attest !== undefined ? { attest } : {}),
    ...(tpmt !== undefined ? { tpmt } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(parts !== undefined ? { parts } : {}),
  };
}
