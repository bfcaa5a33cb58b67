/**
 * @module
 * Verification of TPM signatures (TPM 2.0 Library Part 1 rev 1.59 §C.8 / Part 2 §11.3): RSASSA
 * (PKCS#1 v1.5), RSAPSS and ECDSA over a message, and the consistency of a signature's scheme
 * with the signing key. Private to `attestkit/tpm`: quote and certify verification share it.
 */
import { AttestError } from '../core/errors.js';
import {
  ecdsaDerToRaw,
  verifySignature,
  HASH_SIZES,
  publicKeyBits,
  type ImportedKeys,
  type PublicKeyInfo,
} from '../core/crypto.js';
import type { AttestCache } from '../core/cache.js';
import { isComputableHash, type TpmComputableHash, type TpmHashName } from './constants.js';
import type { TpmRawSignatureScheme, TpmtPublic, TpmtSignature } from './types.js';

/** A signature reduced to what verification needs. */
export type SignatureParts =
  | { readonly scheme: 'rsassa' | 'rsapss'; readonly hash: TpmHashName; readonly sig: Uint8Array }
  | {
      readonly scheme: 'ecdsa';
      readonly hash: TpmHashName;
      readonly r: Uint8Array;
      readonly s: Uint8Array;
    }
  | {
      readonly scheme: 'ecdsa';
      readonly hash: TpmHashName;
      /** A bare ECDSA signature; its encoding is settled in {@link verifyParts}. */
      readonly bare: Uint8Array;
      /** The caller's `format`, or undefined to tell r‖s and DER apart by content. */
      readonly format: 'raw' | 'der' | undefined;
    };

/**
 * The parts of a parsed TPMT_SIGNATURE.
 *
 * @internal
 */
export function partsOfTpmt(sig: TpmtSignature): SignatureParts {
  return sig.sigAlg === 'ecdsa'
    ? { scheme: 'ecdsa', hash: sig.hash, r: sig.signatureR, s: sig.signatureS }
    : { scheme: sig.sigAlg, hash: sig.hash, sig: sig.sig };
}

/**
 * The parts of a bare signature: RSA bytes, or ECDSA bytes whose encoding (r‖s or DER) is
 * settled against the key in {@link verifyParts}, from `scheme.format` or by content.
 *
 * @internal
 */
export function partsOfRaw(bytes: Uint8Array, scheme: TpmRawSignatureScheme): SignatureParts {
  if (scheme.scheme !== 'ecdsa') return { scheme: scheme.scheme, hash: scheme.hash, sig: bytes };
  return { scheme: 'ecdsa', hash: scheme.hash, bare: bytes, format: scheme.format };
}

/**
 * The r‖s readings of a bare ECDSA signature for a curve of `size`-byte coordinates. With no
 * format the first byte decides nothing (an r‖s value starts with 0x30 once in 256): the value
 * is DER if it parses as a complete strict DER SEQUENCE of two INTEGERs, r‖s if it is 2 × size
 * bytes, and both readings are kept when both apply. Trying both cannot help a forger: each is
 * an ECDSA signature over the same message under the same key.
 *
 * @throws {AttestError} `ERR_BAD_SIGNATURE_ENCODING` when no reading fits.
 *
 * @internal
 */
export function bareEcdsaReadings(
  bare: Uint8Array,
  format: 'raw' | 'der' | undefined,
  size: number,
): Uint8Array[] {
  if (format === 'der') return [ecdsaDerToRaw(bare, size)];
  if (format === 'raw') {
    if (bare.length !== 2 * size) {
      throw new AttestError('ERR_BAD_SIGNATURE_ENCODING', {
        message: `raw r‖s ECDSA signature must be ${2 * size} bytes, got ${bare.length}`,
      });
    }
    return [bare];
  }
  const readings: Uint8Array[] = [];
  let derError: AttestError | undefined;
  try {
    readings.push(ecdsaDerToRaw(bare, size));
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    derError = e;
  }
  if (bare.length === 2 * size) readings.push(bare);
  if (readings.length === 0) {
    throw new AttestError('ERR_BAD_SIGNATURE_ENCODING', {
      message: `ECDSA signature of ${bare.length} bytes is neither r‖s (${2 * size} bytes) nor a strict DER SEQUENCE of two INTEGERs`,
      ...(derError !== undefined ? { cause: derError } : {}),
    });
  }
  return readings;
}

/**
 * Problems with using `parts` under `key` (and, when known, the key's TPM scheme). Empty when
 * the combination is consistent.
 *
 * @internal
 */
export function schemeProblems(
  parts: SignatureParts,
  key: PublicKeyInfo,
  publicArea: TpmtPublic | undefined,
): string[] {
  const problems: string[] = [];
  if (parts.scheme === 'ecdsa' && key.kind !== 'ec')
    problems.push('ECDSA signature with an RSA key');
  if (parts.scheme !== 'ecdsa' && key.kind !== 'rsa')
    problems.push(`${parts.scheme.toUpperCase()} signature with an EC key`);
  if (!isComputableHash(parts.hash)) problems.push(`signature hash ${parts.hash} is not supported`);
  if (
    publicArea !== undefined &&
    publicArea.type !== 'keyedhash' &&
    publicArea.type !== 'symcipher'
  ) {
    const s = publicArea.parameters.scheme;
    if (s.scheme !== 'null') {
      if (s.scheme !== parts.scheme) {
        problems.push(`signature scheme ${parts.scheme} but the key's scheme is ${s.scheme}`);
      } else if (s.hash !== undefined && s.hash !== parts.hash) {
        problems.push(`signature hash ${parts.hash} but the key's scheme hash is ${s.hash}`);
      }
    }
    if (!publicArea.objectAttributes.sign)
      problems.push('the key is not a signing key (sign is clear)');
  }
  return problems;
}

/**
 * True when `parts` can be checked with `key` at all (key kind and hash fit).
 *
 * @internal
 */
export function canVerify(parts: SignatureParts, key: PublicKeyInfo): boolean {
  return (parts.scheme === 'ecdsa') === (key.kind === 'ec') && isComputableHash(parts.hash);
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  // A view by constructor: `subarray` looks up a species constructor per call.
  return i === 0 ? b : new Uint8Array(b.buffer, b.byteOffset + i, b.length - i);
}

/** Outcome of {@link verifyParts}. */
export interface SignatureOutcome {
  readonly ok: boolean;
  /** RSA-PSS: the salt length that verified. */
  readonly saltLength?: number;
}

/** r ‖ s, each left-padded to the curve's coordinate size (IEEE P1363), for WebCrypto. */
function ecdsaRaw(
  rIn: Uint8Array,
  sIn: Uint8Array,
  key: PublicKeyInfo & { kind: 'ec' },
): Uint8Array {
  const size = key.x.length;
  const r = stripZeros(rIn);
  const s = stripZeros(sIn);
  if (r.length === 0 || s.length === 0 || r.length > size || s.length > size) {
    throw new AttestError('ERR_BAD_SIGNATURE_ENCODING', {
      message: `ECDSA r (${r.length} bytes) / s (${s.length} bytes) do not fit ${key.curve}`,
    });
  }
  const raw = new Uint8Array(2 * size);
  raw.set(r, size - r.length);
  raw.set(s, 2 * size - s.length);
  return raw;
}

/**
 * Verifies `parts` over `data` with `key` (`imported`: the CryptoKeys held for this key, see
 * core `VerifyParams.imported`). RSA-PSS is tried with salt = hash length (reference
 * implementation, swtpm) and then the maximum salt (what the spec also allows a TPM to use).
 *
 * @throws {AttestError} `ERR_BAD_SIGNATURE_ENCODING` for a malformed value, `ERR_UNSUPPORTED`.
 *
 * @internal
 */
export async function verifyParts(
  key: PublicKeyInfo,
  parts: SignatureParts,
  data: Uint8Array,
  cache: AttestCache | undefined,
  imported?: ImportedKeys,
): Promise<SignatureOutcome> {
  if (!isComputableHash(parts.hash)) {
    throw new AttestError('ERR_UNSUPPORTED', { message: `hash ${parts.hash}` });
  }
  const hash: TpmComputableHash = parts.hash;
  if (parts.scheme === 'ecdsa') {
    if (key.kind !== 'ec')
      throw new AttestError('ERR_UNSUPPORTED', { message: 'ECDSA with an RSA key' });
    // A TPMT_SIGNATURE's r and s have one reading; a bare signature may have two (raw or DER).
    const readings =
      'bare' in parts
        ? bareEcdsaReadings(parts.bare, parts.format, key.x.length)
        : [ecdsaRaw(parts.r, parts.s, key)];
    for (const raw of readings) {
      const ok = await verifySignature({
        key,
        scheme: 'ecdsa',
        hash,
        data,
        signature: raw,
        cache,
        imported,
      });
      if (ok) return { ok };
    }
    return { ok: false };
  }
  if (key.kind !== 'rsa') {
    throw new AttestError('ERR_UNSUPPORTED', { message: `${parts.scheme} with an EC key` });
  }
  const modBits = publicKeyBits(key);
  const modBytes = Math.ceil(modBits / 8);
  if (parts.sig.length !== modBytes) {
    throw new AttestError('ERR_BAD_SIGNATURE_ENCODING', {
      message: `RSA signature of ${parts.sig.length} bytes for a ${modBits}-bit modulus`,
    });
  }
  if (parts.scheme === 'rsassa') {
    return {
      ok: await verifySignature({
        key,
        scheme: 'rsa-pkcs1',
        hash,
        data,
        signature: parts.sig,
        cache,
        imported,
      }),
    };
  }
  const hLen = HASH_SIZES[hash];
  const emLen = Math.ceil((modBits - 1) / 8);
  // Only salts the key can hold (RFC 8017 §9.1.2: emLen ≥ hLen + sLen + 2).
  const salts = [hLen, emLen - hLen - 2].filter(
    (v, i, a) => v >= 0 && hLen + v + 2 <= emLen && a.indexOf(v) === i,
  );
  for (const saltLength of salts) {
    const ok = await verifySignature({
      key,
      scheme: 'rsa-pss',
      hash,
      data,
      signature: parts.sig,
      saltLength,
      cache,
      imported,
    });
    if (ok) return { ok, saltLength };
  }
  return { ok: false };
}
