/**
 * @module
 * Converts TPM public areas to plain public keys and to WebCrypto verification keys, and reads a
 * signing key from any form a verifier accepts: TPMT_PUBLIC / TPM2B_PUBLIC bytes, DER or PEM
 * SubjectPublicKeyInfo, or a JWK. TPM 2.0 Library Part 2 rev 1.59 §12.2.3.5 (TPMS_RSA_PARMS:
 * exponent 0 means 2^16 + 1) and §11.2.5.2 (TPMS_ECC_POINT).
 */
import { AttestError } from '../core/errors.js';
import {
  importVerifyKey,
  publicKeyFromJwk,
  rsaPublicKey,
  type PublicKeyInfo,
} from '../core/crypto.js';
import { parseSpki } from '../core/x509.js';
import { derFromInput } from '../core/encoding.js';
import {
  isComputableHash,
  TPM_ALG,
  TPM_ECC_SIZES,
  TPM_ECC_WEBCRYPTO,
  tpmAlgName,
  type TpmComputableHash,
} from './constants.js';
import { assertInputBytes, parseTpmPublic, publicAreaOf } from './structures.js';
import type { TpmKeyInput, TpmtPublic } from './types.js';

const E65537 = /* @__PURE__ */ Uint8Array.of(1, 0, 1);

function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Trial division: a u32 is prime (at most 2^15 odd divisors, and only for a non-default exponent). */
function isPrimeU32(v: number): boolean {
  if (v < 2) return false;
  if (v % 2 === 0) return v === 2;
  for (let d = 3; d * d <= v; d += 2) if (v % d === 0) return false;
  return true;
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
 *   P-256/384/521), `ERR_BAD_KEY` (modulus size ≠ keyBits, an RSA exponent that is neither 0 nor
 *   a prime greater than 2 — Part 2 §12.2.3.5 —, empty unique, oversized coordinate).
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
    // Part 2 §12.2.3.5: a non-zero exponent is a prime greater than 2. Exponent 1 makes RSA the
    // identity (an OAEP-"encrypted" seed is sent in the clear, a "signature" is the padded
    // message itself); an even exponent is never invertible modulo φ(n).
    if (exponent !== 0 && (exponent === 2 || !isPrimeU32(exponent))) {
      throw new AttestError('ERR_BAD_KEY', {
        field: 'TPMT_PUBLIC.parameters.rsaDetail.exponent',
        message: `RSA exponent ${exponent} is not a prime greater than 2 (0 means 65537)`,
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
    // The rules of every RSA key (an odd modulus; the exponent was checked above).
    return rsaPublicKey(p.unique.slice(), e, { field: 'TPMT_PUBLIC.unique.rsa' });
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

/** Options of {@link tpmCryptoKey}. */
export interface TpmCryptoKeyOptions {
  /**
   * Signature scheme the key is imported for: `rsassa` (RSASSA-PKCS1-v1_5), `rsapss` (RSA-PSS) or
   * `ecdsa`. Default: the scheme the public area fixes; for a key whose scheme is NULL, `rsassa`
   * for RSA and `ecdsa` for ECC. A value other than a scheme the key fixes throws, since the TPM
   * would refuse to sign with it.
   */
  readonly scheme?: 'rsassa' | 'rsapss' | 'ecdsa';
  /**
   * Hash bound to an RSA key (WebCrypto fixes it at import). Default: the hash of the key's scheme,
   * else the key's nameAlg. A value other than a hash the key's scheme fixes throws. ECDSA keys
   * carry no hash: it is given to `subtle.verify`, but a conflicting value still throws.
   */
  readonly hash?: TpmComputableHash;
}

const SIGNING_SCHEME: Readonly<Record<number, 'rsassa' | 'rsapss' | 'ecdsa'>> = {
  [TPM_ALG.RSASSA]: 'rsassa',
  [TPM_ALG.RSAPSS]: 'rsapss',
  [TPM_ALG.ECDSA]: 'ecdsa',
};

function checkCryptoKeyOptions(options: unknown): TpmCryptoKeyOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const o = options as TpmCryptoKeyOptions;
  if (o.scheme !== undefined && !['rsassa', 'rsapss', 'ecdsa'].includes(o.scheme))
    throw new TypeError("options.scheme must be 'rsassa', 'rsapss' or 'ecdsa'");
  if (o.hash !== undefined && !isComputableHash(o.hash))
    throw new TypeError("options.hash must be 'sha1', 'sha256', 'sha384' or 'sha512'");
  return o;
}

/**
 * A WebCrypto verification key (`CryptoKey`, usage `verify`) for an RSA or ECC TPM signing key
 * (TPM 2.0 Library Part 2 rev 1.59 §12.2.3.5 TPMS_RSA_PARMS — exponent 0 means 65537 —,
 * §12.2.3.6 TPMS_ECC_PARMS, §11.2.3 / §11.2.5 the signing schemes). The WebCrypto algorithm
 * follows the key's scheme: RSASSA → `RSASSA-PKCS1-v1_5`, RSAPSS → `RSA-PSS`, ECDSA → `ECDSA` on
 * the key's curve (NIST P-256/384/521); a NULL scheme means RSASSA for RSA and ECDSA for ECC unless
 * `options.scheme` says otherwise. An RSA key's hash is `options.hash`, else the scheme's hash,
 * else the key's nameAlg. Verify with `{ name: 'RSASSA-PKCS1-v1_5' }`, `{ name: 'RSA-PSS',
 * saltLength }` (TPMs use the hash length; the specification allows the largest that fits) or
 * `{ name: 'ECDSA', hash }` over the signed bytes, ECDSA signatures as r‖s each left-padded to the
 * curve size.
 *
 * Exported from `attestkit/tpm`.
 *
 * @param publicArea - TPMT_PUBLIC or TPM2B_PUBLIC bytes, or a parsed {@link TpmtPublic} (read
 *   from its `raw` bytes).
 * @param options - `scheme` and `hash` overrides; see {@link TpmCryptoKeyOptions}.
 * @returns the imported public key.
 * @throws {TypeError} for a `publicArea` or `options` of the wrong type or value.
 * @throws {AttestError} `ERR_UNSUPPORTED` (KEYEDHASH / SYMCIPHER objects, which hold no public key;
 *   ECDAA, SM2 and EC-Schnorr schemes; curves other than NIST P-256/384/521; an SM3, SHA-3 or NULL
 *   hash; no WebCrypto), `ERR_BAD_KEY` (the `sign` attribute is clear, the scheme is an
 *   encryption or key-exchange scheme, a malformed key, or WebCrypto refuses it), `ERR_BAD_VALUE`
 *   (an override that contradicts the scheme or hash the key fixes, or an ECDSA scheme for RSA),
 *   and the parse codes of {@link parseTpmPublic} for bytes.
 * @example
 * ```ts
 * import { parseTpmtSignature, tpmCryptoKey } from 'attestkit/tpm';
 * const key = await tpmCryptoKey(akTpm2bPublic); // an RSASSA-SHA256 AK
 * const sig = parseTpmtSignature(quoteSig);
 * if (sig.sigAlg === 'rsassa') {
 *   const ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, sig.sig, quoteMsg);
 * }
 * ```
 */
export async function tpmCryptoKey(
  publicArea: Uint8Array | TpmtPublic,
  options?: TpmCryptoKeyOptions,
): Promise<CryptoKey> {
  const p = publicAreaOf(publicArea);
  const o = checkCryptoKeyOptions(options);
  if (p.type !== 'rsa' && p.type !== 'ecc') {
    throw new AttestError('ERR_UNSUPPORTED', {
      field: 'TPMT_PUBLIC.type',
      message: `a ${p.type} object holds no public key to verify with`,
    });
  }
  const key = keyOf(p);
  if (!p.objectAttributes.sign) {
    throw new AttestError('ERR_BAD_KEY', {
      field: 'TPMT_PUBLIC.objectAttributes.sign',
      message: `the key cannot sign (objectAttributes 0x${p.objectAttributes.value.toString(16).padStart(8, '0')} has sign clear)`,
    });
  }
  const fixed = p.parameters.scheme;
  const field = 'TPMT_PUBLIC.parameters.scheme';
  let scheme: 'rsassa' | 'rsapss' | 'ecdsa';
  if (fixed.schemeId === TPM_ALG.NULL) {
    scheme = o.scheme ?? (p.type === 'rsa' ? 'rsassa' : 'ecdsa');
  } else {
    const own = SIGNING_SCHEME[fixed.schemeId];
    if (own === undefined) {
      const signing = (
        [TPM_ALG.ECDAA, TPM_ALG.SM2, TPM_ALG.ECSCHNORR] as readonly number[]
      ).includes(fixed.schemeId);
      throw new AttestError(signing ? 'ERR_UNSUPPORTED' : 'ERR_BAD_KEY', {
        field,
        message: signing
          ? `scheme ${tpmAlgName(fixed.schemeId)} cannot be verified with WebCrypto`
          : `scheme ${tpmAlgName(fixed.schemeId)} is not a signing scheme`,
      });
    }
    if (o.scheme !== undefined && o.scheme !== own) {
      throw new AttestError('ERR_BAD_VALUE', {
        field,
        message: `the key fixes scheme ${own}; ${o.scheme} was asked for`,
      });
    }
    scheme = own;
  }
  if ((scheme === 'ecdsa') !== (p.type === 'ecc')) {
    throw new AttestError('ERR_BAD_VALUE', {
      field,
      message: `scheme ${scheme} cannot be used with an ${p.type.toUpperCase()} key`,
    });
  }
  if (o.hash !== undefined && fixed.hash !== undefined && o.hash !== fixed.hash) {
    throw new AttestError('ERR_BAD_VALUE', {
      field: `${field}.details.hashAlg`,
      message: `the key's scheme fixes hash ${fixed.hash}; ${o.hash} was asked for`,
    });
  }
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (s === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', {
      message: 'tpmCryptoKey needs WebCrypto (globalThis.crypto.subtle)',
    });
  }
  if (key.kind === 'ec') return importVerifyKey(s, key, 'ecdsa', 'sha256'); // hash unused
  const hash = o.hash ?? fixed.hash ?? p.nameAlg;
  if (!isComputableHash(hash)) {
    throw new AttestError('ERR_UNSUPPORTED', {
      field: fixed.hash !== undefined ? `${field}.details.hashAlg` : 'TPMT_PUBLIC.nameAlg',
      message: `cannot import an RSA key for hash ${hash}`,
    });
  }
  return importVerifyKey(s, key, scheme === 'rsapss' ? 'rsa-pss' : 'rsa-pkcs1', hash);
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

/**
 * True for a parsed TpmtPublic (what {@link resolveTpmKey} reads from its `raw` bytes).
 *
 * @internal
 */
export function isParsedPublic(v: object): v is TpmtPublic {
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
