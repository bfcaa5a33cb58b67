/**
 * @module
 * `parseCcaToken`: bytes → a typed CCA attestation token, stand-alone CCA platform token or PSA
 * token (draft-ffm-rats-cca-token §3–4, RMM DEN0137 A7.2, RFC 9783). The envelope is one of:
 *
 * - `399({44234: bstr(platform COSE_Sign1), 44241: bstr(realm COSE_Sign1)})` (RMM 1.0);
 * - `907({44234: [263, bstr], 44241: [263, bstr]})` (RATS CMW collection, RMM 1.1-alp14+);
 * - a bare COSE_Sign1 (tagged 18 or untagged) holding CCA platform claims or PSA claims.
 *
 * Parsing is pure: no signature, binding or policy is checked here (see `verifyCcaToken`).
 */
import { copyBytes } from '../core/bytes.js';
import { AttestError } from '../core/errors.js';
import { assertInputBytes, cborMapGet, cborTypeName, decodeCbor, type CborNode } from './cbor.js';
import { COSE_SIGN1_TAG, parseCoseSign1 } from './cose.js';
import { decodePlatformClaims, decodeRealmClaims, type PlatformClaimsContext } from './claims.js';
import type {
  CcaCollection,
  CcaPlatformClaims,
  CcaRealmClaims,
  CcaSignedToken,
  CcaToken,
} from './types.js';

/** Collection tag of RMM 1.0 tokens (entries are byte strings). */
export const CCA_COLLECTION_TAG = 399;
/** Collection tag of RATS CMW collections (entries are `[content-format, bstr]`). */
export const CCA_CMW_COLLECTION_TAG = 907;
/** Collection key of the platform token. */
export const CCA_PLATFORM_LABEL = 44234;
/** Collection key of the realm delegated token. */
export const CCA_REALM_LABEL = 44241;
/** CoAP content format of `application/eat+cwt`, used in tag-907 entries. */
export const CCA_EAT_CWT_CONTENT_FORMAT = 263;

/**
 * Default largest token `parseCcaToken` and `verifyCcaToken` read, in bytes: 64 KiB. Real CCA
 * tokens are 1–3 KiB and PSA tokens under 1 KiB; the limit leaves room for RMM 2.0 platform
 * extensions while bounding the work done on unsigned bytes.
 *
 * Exported from `attestkit/cca`.
 *
 * @example
 * ```ts
 * if (bytes.length > CCA_MAX_TOKEN_SIZE) console.warn('raise maxSize to read this token');
 * ```
 */
export const CCA_MAX_TOKEN_SIZE = 65_536;

/** Options of {@link parseCcaToken}. */
export interface CcaParseOptions {
  /**
   * Largest token accepted, in bytes. Default {@link CCA_MAX_TOKEN_SIZE} (64 KiB); a longer
   * input fails with `ERR_LIMIT_EXCEEDED` before it is decoded. Raising it raises the memory and
   * time a hostile token can cost.
   */
  readonly maxSize?: number;
}

function signed<T>(
  bytes: Uint8Array,
  base: number,
  decode: (payload: CborNode, source: Uint8Array, base: number) => T,
): CcaSignedToken<T> {
  const cose = parseCoseSign1(bytes, base);
  const payload = decodeCbor(cose.payload, { base: cose.payloadOffset, structure: 'claims' });
  return { cose, claims: decode(payload, cose.payload, cose.payloadOffset) };
}

function platform(
  bytes: Uint8Array,
  base: number,
  context: PlatformClaimsContext,
): CcaSignedToken<CcaPlatformClaims> {
  return signed(bytes, base, (p, s, b) => decodePlatformClaims(p, s, b, context));
}

function realm(bytes: Uint8Array, base: number): CcaSignedToken<CcaRealmClaims> {
  return signed(bytes, base, decodeRealmClaims);
}

/** The COSE_Sign1 byte string of one collection entry, checked against the envelope's shape. */
function entryBytes(
  entry: CborNode | undefined,
  tag: 399 | 907,
  label: number,
  mapOffset: number,
): { bytes: Uint8Array; offset: number; contentFormat?: number } {
  const name = label === CCA_PLATFORM_LABEL ? 'platform token (44234)' : 'realm token (44241)';
  if (entry === undefined) {
    throw new AttestError('ERR_MISSING_FIELD', {
      offset: mapOffset,
      field: `collection.${label}`,
      message: `the CCA token has no ${name}`,
    });
  }
  if (tag === CCA_COLLECTION_TAG) {
    if (entry.kind !== 'bytes') {
      throw new AttestError('ERR_BAD_CBOR', {
        offset: entry.offset,
        field: `collection.${label}`,
        message: `under tag 399 the ${name} must be a byte string holding the COSE_Sign1, got ${cborTypeName(entry)}`,
      });
    }
    return { bytes: entry.value, offset: entry.contentOffset };
  }
  if (entry.kind !== 'array' || entry.items.length !== 2) {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: entry.offset,
      field: `collection.${label}`,
      message: `under tag 907 the ${name} must be [content-format, bstr], got ${cborTypeName(entry)}`,
    });
  }
  const [format, body] = entry.items as [CborNode, CborNode];
  if (format.kind !== 'int' || format.value !== CCA_EAT_CWT_CONTENT_FORMAT) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: format.offset,
      field: `collection.${label}.content-format`,
      message: `content format must be ${CCA_EAT_CWT_CONTENT_FORMAT} (application/eat+cwt), got ${format.kind === 'int' ? String(format.value) : cborTypeName(format)}`,
    });
  }
  if (body.kind !== 'bytes') {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: body.offset,
      field: `collection.${label}`,
      message: `the ${name} must be a byte string holding the COSE_Sign1, got ${cborTypeName(body)}`,
    });
  }
  return { bytes: body.value, offset: body.contentOffset, contentFormat: format.value };
}

/**
 * Parses a CCA attestation token (tag 399 or tag 907 collection), a stand-alone CCA platform
 * token, or a PSA attestation token (profile 1 or 2), strictly: no duplicate map keys, no
 * indefinite lengths, shortest-form integers, no trailing bytes, bounded nesting. The result is
 * what the token claims — signatures, binding and policy are checked by `verifyCcaToken`.
 *
 * Exported from `attestkit/cca`.
 *
 * @param bytes - the token as received (e.g. the configfs-tsm `outblob`).
 * @param options - `maxSize`: the largest token read (default {@link CCA_MAX_TOKEN_SIZE}).
 * @returns the typed token; its byte fields are copies, and each COSE_Sign1 keeps its raw bytes
 *   and Sig_structure.
 * @throws {AttestError} `ERR_BAD_MAGIC` (a collection tag other than 399/907), `ERR_MISSING_FIELD`
 *   (platform or realm entry, or a mandatory claim, absent), `ERR_BAD_CBOR` (malformed or
 *   non-strict CBOR, wrong entry shapes, mistyped claims), `ERR_BAD_VALUE` (unexpected collection
 *   entries or content format), `ERR_BAD_COSE`, `ERR_BAD_KEY` (RAK), `ERR_UNSUPPORTED` (unknown
 *   profile, detached payload), `ERR_LIMIT_EXCEEDED` (a token longer than `maxSize`, at offset
 *   `maxSize`; nesting deeper than 16 or more than 65,536 CBOR items in one structure; more than
 *   64 labels in a COSE header bucket), `ERR_TRAILING_DATA`, `ERR_UNKNOWN_FORMAT`.
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @throws {RangeError} when `maxSize` is not a positive integer.
 * @example
 * ```ts
 * import { parseCcaToken } from 'attestkit/cca';
 * const token = parseCcaToken(bytes);
 * console.log(token.format, token.realm?.claims.initialMeasurement);
 * ```
 */
export function parseCcaToken(bytes: Uint8Array, options: CcaParseOptions = {}): CcaToken {
  assertInputBytes(bytes, 'token');
  const maxSize = options.maxSize ?? CCA_MAX_TOKEN_SIZE;
  if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
    throw new RangeError('options.maxSize must be a positive integer');
  }
  if (bytes.length > maxSize) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: maxSize,
      field: 'token',
      message: `the token is ${bytes.length} bytes, more than maxSize (${maxSize})`,
    });
  }
  // Decoded from the private copy: every byte string in the result is a view into it, never into
  // the caller's array.
  const raw = copyBytes(bytes);
  const top = decodeCbor(raw, { tags: 'any', structure: 'token' });

  if (top.kind === 'tag' && top.tag !== COSE_SIGN1_TAG) {
    if (top.tag !== CCA_COLLECTION_TAG && top.tag !== CCA_CMW_COLLECTION_TAG) {
      throw new AttestError('ERR_BAD_MAGIC', {
        offset: top.offset,
        field: 'collection',
        message: `unknown token tag ${top.tag}: expected 399 or 907 (CCA collection) or 18 (COSE_Sign1)`,
      });
    }
    const tag = top.tag;
    const map = top.item;
    if (map.kind !== 'map') {
      throw new AttestError('ERR_BAD_CBOR', {
        offset: map.offset,
        field: 'collection',
        message: `the collection must be a map, got ${cborTypeName(map)}`,
      });
    }
    for (const e of map.entries) {
      if (e.key.value !== CCA_PLATFORM_LABEL && e.key.value !== CCA_REALM_LABEL) {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: e.key.offset,
          field: 'collection',
          message: `unexpected collection entry ${String(e.key.value)}: only 44234 and 44241 are defined`,
        });
      }
    }
    const p = entryBytes(cborMapGet(map, CCA_PLATFORM_LABEL), tag, CCA_PLATFORM_LABEL, map.offset);
    const r = entryBytes(cborMapGet(map, CCA_REALM_LABEL), tag, CCA_REALM_LABEL, map.offset);
    const collection: CcaCollection = {
      tag,
      ...(p.contentFormat !== undefined ? { contentFormat: p.contentFormat } : {}),
      platformOffset: p.offset,
      realmOffset: r.offset,
    };
    return {
      format: 'cca',
      raw,
      collection,
      platform: platform(p.bytes, p.offset, 'cca'),
      realm: realm(r.bytes, r.offset),
    };
  }

  const inner = top.kind === 'tag' ? top.item : top;
  if (inner.kind !== 'array') {
    throw new AttestError('ERR_UNKNOWN_FORMAT', {
      offset: 0,
      message: `not a CCA or PSA token: a ${cborTypeName(top)} is neither a collection nor a COSE_Sign1`,
    });
  }
  const token = platform(raw, 0, 'any');
  return {
    format: token.claims.profileKind.startsWith('psa') ? 'psa' : 'cca-platform',
    raw,
    platform: token,
  };
}
