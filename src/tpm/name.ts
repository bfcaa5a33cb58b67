/**
 * @module
 * TPM Names and qualified Names (TPM 2.0 Library Part 1 rev 1.59 §16 "Names", §26.5 "Qualified
 * Name"): `Name = nameAlg ‖ H_nameAlg(TPMT_PUBLIC)` for objects, the 4-byte handle for permanent
 * entities, and `QN(object) = nameAlg ‖ H(QN(parent) ‖ Name(object))`.
 */
import { AttestError } from '../core/errors.js';
import { concatBytes } from '../core/bytes.js';
import { digest } from '../core/crypto.js';
import { isComputableHash, TPM_HASH_IDS, TPM_RH } from './constants.js';
import { assertInputBytes, publicAreaOf } from './structures.js';
import type { TpmtPublic } from './types.js';

function nameDigest(pub: TpmtPublic, data: Uint8Array): Uint8Array {
  if (!isComputableHash(pub.nameAlg)) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: 2,
      field: 'TPMT_PUBLIC.nameAlg',
      message: `cannot compute a Name with nameAlg ${pub.nameAlg}`,
    });
  }
  const id = TPM_HASH_IDS[pub.nameAlg];
  return concatBytes(Uint8Array.of(id >> 8, id & 0xff), digest(pub.nameAlg, data));
}

/**
 * The Name of an object (Part 1 §16): `nameAlg ‖ H_nameAlg(TPMT_PUBLIC)` where the hash input is
 * the marshaled TPMT_PUBLIC without its TPM2B size. SHA-256 Names are 34 bytes (`00 0b` ‖ 32).
 *
 * @param publicArea - TPMT_PUBLIC or TPM2B_PUBLIC bytes, or a parsed {@link TpmtPublic} (read
 *   from its `raw` bytes, nameAlg included).
 * @returns the Name.
 * @throws {AttestError} `ERR_UNSUPPORTED` when nameAlg is NULL, SM3 or SHA-3; the parse errors of
 *   {@link parseTpmPublic} for bytes.
 * @example
 * ```ts
 * import { tpmName } from 'attestkit/tpm';
 * const akName = tpmName(akPub); // compare with TPMS_CERTIFY_INFO.name, feed to makeCredential
 * ```
 */
export function tpmName(publicArea: Uint8Array | TpmtPublic): Uint8Array {
  const pub = publicAreaOf(publicArea);
  return nameDigest(pub, pub.raw);
}

/**
 * The Name of a permanent handle (a hierarchy, e.g. TPM_RH_ENDORSEMENT `40 00 00 0b`), which is
 * also its qualified Name (Part 1 §16, Table 3).
 *
 * @param handle - a TPM_RH value or one of `'owner' | 'endorsement' | 'platform' | 'null'`.
 * @returns the 4-byte big-endian handle.
 * @throws {TypeError} for a value that is neither a u32 nor a hierarchy name.
 * @example
 * ```ts
 * tpmHandleName('endorsement') // 40 00 00 0b
 * ```
 */
export function tpmHandleName(
  handle: number | 'owner' | 'endorsement' | 'platform' | 'null',
): Uint8Array {
  const h =
    handle === 'owner'
      ? TPM_RH.OWNER
      : handle === 'endorsement'
        ? TPM_RH.ENDORSEMENT
        : handle === 'platform'
          ? TPM_RH.PLATFORM
          : handle === 'null'
            ? TPM_RH.NULL
            : handle;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 0xffffffff) {
    throw new TypeError('handle must be a u32 or a hierarchy name');
  }
  return Uint8Array.of(h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff);
}

/**
 * The qualified Name of an object (Part 1 §26.5): `nameAlg ‖ H_nameAlg(QN(parent) ‖ Name)`. For a
 * primary key the parent QN is the hierarchy handle ({@link tpmHandleName}); for an AK created
 * under an EK, pass the EK's qualified Name. `qualifiedSigner` in a TPMS_ATTEST is the signing
 * key's qualified Name.
 *
 * @param parentQualifiedName - QN of the parent (a hierarchy handle name for primaries).
 * @param publicArea - the object's public area.
 * @returns the qualified Name.
 * @throws {AttestError} as {@link tpmName}.
 * @example
 * ```ts
 * const ekQn = tpmQualifiedName(tpmHandleName('endorsement'), ekPub);
 * const akQn = tpmQualifiedName(ekQn, akPub); // equals the quote's qualifiedSigner
 * ```
 */
export function tpmQualifiedName(
  parentQualifiedName: Uint8Array,
  publicArea: Uint8Array | TpmtPublic,
): Uint8Array {
  assertInputBytes(parentQualifiedName, 'parentQualifiedName');
  const pub = publicAreaOf(publicArea);
  return nameDigest(pub, concatBytes(parentQualifiedName, nameDigest(pub, pub.raw)));
}
