/**
 * @module
 * Converts TPM public areas to plain public keys (and so to WebCrypto keys and SPKI), and reads a
 * signing key from any form a verifier accepts: TPMT_PUBLIC / TPM2B_PUBLIC bytes, DER or PEM
 * SubjectPublicKeyInfo, or a JWK. TPM 2.0 Library Part 2 rev 1.59 §12.2.3.5 (TPMS_RSA_PARMS:
 * exponent 0 means 2^16 + 1) and §11.2.5.2 (TPMS_ECC_POINT).
 */
import { AttestError } from '../core/errors.js';
import { publicKeyFromJwk, type PublicKeyInfo } from '../core/crypto.js';
import { parseSpki } from '../core/x509.js';
import { derFromInput } from '../core/encoding.js';
import { TPM_ECC_SIZES, TPM_ECC_WEBCRYPTO } from './constants.js';
import { assertInputBytes, parseTpmPublic, publicAreaOf } from './structures.js';
import type { TpmKeyInput, TpmtPublic } from './types.js';

const E65537 = /* @__PURE__ */ Uint8Array.of(1, 0, 1);

function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function padCoordinate(b: Uint8Array, size: number, field: string): Uint8Array {
  const s = stripLeadingZeros(b);
  if (s.length > size) {
    throw new AttestError('ERR_BAD_KEY', {
      field,
      message: `coordinate of ${s.length} bytes exceeds the curve size ${size}`,
    });
  }
  const out = new Uint8Array(size);
  out.set(s, size - s.length);
  return out;
}

/**
 * The public key of an RSA or ECC TPMT_PUBLIC as plain data (`{ kind: 'rsa', n, e }` or
 * `{ kind: 'ec', curve, x, y }`), ready for signature verification or JWK/SPKI export. An RSA
 * exponent field of 0 means 65537; ECC coordinates are left-padded to the curve size.
 *
 * @param publicArea - TPMT_PUBLIC or TPM2B_PUBLIC bytes, or a parsed {@link TpmtPublic} (read
 *   from its `raw` bytes; its other fields are not consulted).
 * @returns the key.
 * @throws {AttestError} `ERR_UNSUPPORTED` (KEYEDHASH / SYMCIPHER objects, curves other than NIST
 *   P-256/384/521), `ERR_BAD_KEY` (modulus size ≠ keyBits, empty unique, oversized coordinate).
 * @example
 * ```ts
 * import { tpmPublicKey } from 'attestkit/tpm';
 * const key = tpmPublicKey(akPub); // then publicKeyToJwk(key) from 'attestkit'
 * ```
 */
export function tpmPublicKey(publicArea: Uint8Array | TpmtPublic): PublicKeyInfo {
  return keyOf(publicAreaOf(publicArea));
}

/** {@link tpmPublicKey} of an area already read. */
function keyOf(p: TpmtPublic): PublicKeyInfo {
  if (p.type === 'rsa') {
    const { keyBits, exponent } = p.parameters;
    if (keyBits === 0 || keyBits % 8 !== 0 || p.unique.length !== keyBits / 8) {
      throw new AttestError('ERR_BAD_KEY', {
        field: 'TPMT_PUBLIC.unique.rsa',
        message: `modulus of ${p.unique.length} bytes for keyBits ${keyBits}`,
      });
    }
    if ((p.unique[0] ?? 0) < 0x80) {
      throw new AttestError('ERR_BAD_KEY', {
        field: 'TPMT_PUBLIC.unique.rsa',
        message: `modulus does not have its top bit set (not a ${keyBits}-bit key)`,
      });
    }
    const e =
      exponent === 0
        ? E65537.slice()
        : stripLeadingZeros(
            Uint8Array.of(
              exponent >>> 24,
              (exponent >>> 16) & 0xff,
              (exponent >>> 8) & 0xff,
              exponent & 0xff,
            ),
          ).slice();
    return { kind: 'rsa', n: p.unique.slice(), e };
  }
  if (p.type === 'ecc') {
    const curve = TPM_ECC_WEBCRYPTO[p.parameters.curve];
    if (curve === undefined) {
      throw new AttestError('ERR_UNSUPPORTED', {
        field: 'TPMT_PUBLIC.parameters.eccDetail.curveID',
        message: `curve ${p.parameters.curve} is not supported (NIST P-256/384/521 are)`,
      });
    }
    const size = TPM_ECC_SIZES[p.parameters.curve];
    if (p.unique.x.length === 0 || p.unique.y.length === 0) {
      throw new AttestError('ERR_BAD_KEY', {
        field: 'TPMT_PUBLIC.unique.ecc',
        message: 'empty ECC point (a template, not a key)',
      });
    }
    return {
      kind: 'ec',
      curve,
      x: padCoordinate(p.unique.x, size, 'TPMT_PUBLIC.unique.ecc.x'),
      y: padCoordinate(p.unique.y, size, 'TPMT_PUBLIC.unique.ecc.y'),
    };
  }
  throw new AttestError('ERR_UNSUPPORTED', {
    field: 'TPMT_PUBLIC.type',
    message: `a ${p.type} object has no public key`,
  });
}

/** A signing key read from any accepted form, with its TPM public area when there was one. */
export interface ResolvedTpmKey {
  /**
   * The public key as plain data; from a TPM public area RSA exponent 0 becomes 65537 and EC
   * coordinates are left-padded.
   */
  readonly key: PublicKeyInfo;
  /**
   * The TPMT_PUBLIC, present only when the key came as TPMT_PUBLIC / TPM2B_PUBLIC bytes or parsed;
   * absent for SPKI, PEM and JWK.
   */
  readonly publicArea?: TpmtPublic;
}

function isParsedPublic(v: object): v is TpmtPublic {
  const p = v as Partial<TpmtPublic>;
  return p.raw instanceof Uint8Array && typeof p.type === 'string' && 'objectAttributes' in p;
}

/**
 * Reads a key given as TPMT_PUBLIC / TPM2B_PUBLIC bytes, DER SPKI bytes (first byte 0x30, which
 * no TPM object type starts with), PEM SPKI text, a JWK or a parsed TpmtPublic.
 *
 * @param input - the key.
 * @returns the key and, for TPM forms, the public area.
 * @throws {TypeError} for a value of none of those types.
 * @throws {AttestError} for malformed bytes (parse codes of {@link parseTpmPublic}, `ERR_BAD_KEY`,
 *   `ERR_BAD_DER`, `ERR_BAD_ENCODING`, `ERR_UNSUPPORTED`).
 * @example
 * ```ts
 * const { key, publicArea } = resolveTpmKey(akPem);
 * ```
 */
export function resolveTpmKey(input: TpmKeyInput): ResolvedTpmKey {
  if (input instanceof Uint8Array) {
    assertInputBytes(input, 'key');
    if (input[0] === 0x30) return { key: parseSpki(input) };
    const publicArea = parseTpmPublic(input);
    return { key: keyOf(publicArea), publicArea };
  }
  if (typeof input === 'string') return { key: parseSpki(derFromInput(input, 'PUBLIC KEY')) };
  if (typeof input !== 'object' || input === null || ArrayBuffer.isView(input)) {
    throw new TypeError(
      'key must be TPMT_PUBLIC / TPM2B_PUBLIC / SPKI bytes, PEM text, a JWK or a TpmtPublic',
    );
  }
  if (isParsedPublic(input)) {
    const publicArea = publicAreaOf(input); // read from its raw bytes
    return { key: keyOf(publicArea), publicArea };
  }
  if (typeof input.kty === 'string') return { key: publicKeyFromJwk(input) };
  throw new TypeError('key object is neither a JWK nor a parsed TpmtPublic');
}
