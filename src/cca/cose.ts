/**
 * @module
 * COSE for CCA and PSA tokens (RFC 9052, RFC 9053): COSE_Sign1 tagged (18) or untagged, the
 * Sig_structure built from the protected header and payload byte strings exactly as received,
 * the ECDSA algorithms ES256 / ES384 / ES512, and EC2 COSE_Key decoding (RFC 9053 §7.1.1).
 */
import { AttestError } from '../core/errors.js';
import { concatBytes, copyBytes } from '../core/bytes.js';
import { EC_COORDINATE_SIZES, type EcCurve, type HashAlg } from '../core/crypto.js';
import {
  assertInputBytes,
  cborMapGet,
  cborTypeName,
  decodeCbor,
  encodeCborHead,
  type CborNode,
} from './cbor.js';
import type { EcPublicKey } from './keys.js';
import type { CoseAlgorithmName, CoseSign1 } from './types.js';

/** CBOR tag of COSE_Sign1_Tagged (RFC 9052 §2). */
export const COSE_SIGN1_TAG = 18;

/** The ECDSA algorithms attestkit verifies COSE signatures with (RFC 9053 §2.1). */
export const COSE_ALGORITHMS: Readonly<
  Record<
    CoseAlgorithmName,
    { readonly id: number; readonly curve: EcCurve; readonly hash: HashAlg }
  >
> = {
  ES256: { id: -7, curve: 'P-256', hash: 'sha256' },
  ES384: { id: -35, curve: 'P-384', hash: 'sha384' },
  ES512: { id: -36, curve: 'P-521', hash: 'sha512' },
};

/** The name of a COSE algorithm id, when attestkit supports it. */
export function coseAlgorithmName(id: number | undefined): CoseAlgorithmName | undefined {
  for (const [name, a] of Object.entries(COSE_ALGORITHMS)) {
    if (a.id === id) return name as CoseAlgorithmName;
  }
  return undefined;
}

/**
 * Most labels one COSE header bucket may carry. CCA and PSA tokens carry one (`alg`) or two
 * (`alg`, `kid`); the limit leaves room for any registered header while keeping the bucket
 * checks, run before any signature, cheap on hostile input.
 */
export const COSE_MAX_HEADER_LABELS = 64;

const COSE_CURVES: Readonly<Record<number, EcCurve>> = { 1: 'P-256', 2: 'P-384', 3: 'P-521' };

/** `84 6a "Signature1"`: the Sig_structure array head and its context string (RFC 9052 §4.4). */
const SIGNATURE1_PREFIX = /* @__PURE__ */ Uint8Array.of(
  0x84,
  0x6a,
  0x53,
  0x69,
  0x67,
  0x6e,
  0x61,
  0x74,
  0x75,
  0x72,
  0x65,
  0x31,
);

function bad(node: CborNode | undefined, message: string, fallbackOffset: number): never {
  throw new AttestError('ERR_BAD_COSE', { offset: node?.offset ?? fallbackOffset, message });
}

function headerLabels(map: CborNode, where: string): (number | string)[] {
  if (map.kind !== 'map') bad(map, `${where} header must be a map, got ${cborTypeName(map)}`, 0);
  if (map.entries.length > COSE_MAX_HEADER_LABELS) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: map.offset,
      message: `${where} header has ${map.entries.length} labels (at most ${COSE_MAX_HEADER_LABELS})`,
    });
  }
  return map.entries.map((e) =>
    typeof e.key.value === 'bigint' ? Number(e.key.value) : e.key.value,
  );
}

/**
 * Builds the COSE `Sig_structure` for a COSE_Sign1 (RFC 9052 §4.4):
 * `["Signature1", body_protected, external_aad, payload]`, with the protected header and payload
 * byte strings as received.
 *
 * Exported from `attestkit/cca`.
 *
 * @param protectedHeader - the protected bucket's bytes (empty for an empty header).
 * @param payload - the payload bytes.
 * @param externalAad - external additional authenticated data. Default empty.
 * @returns the encoded Sig_structure, the message ECDSA signs.
 * @example
 * ```ts
 * const tbs = coseSigStructure(sign1.protectedHeader, sign1.payload);
 * ```
 */
export function coseSigStructure(
  protectedHeader: Uint8Array,
  payload: Uint8Array,
  externalAad: Uint8Array = new Uint8Array(0),
): Uint8Array {
  assertInputBytes(protectedHeader, 'protectedHeader');
  assertInputBytes(payload, 'payload');
  assertInputBytes(externalAad, 'externalAad');
  const parts = [
    encodeCborHead(2, protectedHeader.length),
    protectedHeader,
    encodeCborHead(2, externalAad.length),
    externalAad,
    encodeCborHead(2, payload.length),
    payload,
  ];
  return concatBytes(SIGNATURE1_PREFIX, ...parts);
}

/**
 * Parses a COSE_Sign1, tagged (18) or untagged, from `bytes` (which it must fill).
 *
 * The protected header must be a byte string holding a map (or nothing); `alg` must be in it if
 * anywhere (an `alg` in the unprotected bucket is rejected, since it would not be signed); a
 * `crit` header is rejected (attestkit understands no critical extensions); a label in both
 * buckets is rejected; a bucket with more than 64 labels is rejected (real tokens carry one or
 * two); the payload must be attached.
 *
 * Exported from `attestkit/cca`.
 *
 * @param bytes - the encoded COSE_Sign1.
 * @param base - absolute offset of `bytes[0]` in the token, for error offsets.
 * @returns the parsed structure with its Sig_structure.
 * @throws {AttestError} `ERR_BAD_COSE`, `ERR_BAD_CBOR`, `ERR_LIMIT_EXCEEDED` (nesting, item
 *   count, or more than 64 labels in a bucket, at that bucket's map),
 *   `ERR_TRAILING_DATA`, `ERR_UNSUPPORTED` (detached payload, `crit`).
 * @example
 * ```ts
 * const sign1 = parseCoseSign1(bytes);
 * console.log(sign1.algName, sign1.payload.length);
 * ```
 */
export function parseCoseSign1(bytes: Uint8Array, base = 0): CoseSign1 {
  assertInputBytes(bytes, 'COSE_Sign1');
  let node = decodeCbor(bytes, { base, tags: [COSE_SIGN1_TAG], structure: 'COSE_Sign1' });
  const tagged = node.kind === 'tag';
  if (node.kind === 'tag') node = node.item;
  if (node.kind !== 'array' || node.items.length !== 4) {
    bad(node, `COSE_Sign1 must be an array of 4 items, got ${cborTypeName(node)}`, base);
  }
  const [prot, unprot, payload, signature] = node.items as [CborNode, CborNode, CborNode, CborNode];
  if (prot.kind !== 'bytes') bad(prot, 'protected header must be a byte string', base);
  if (payload.kind !== 'bytes') {
    if (payload.kind === 'simple' && payload.value === null) {
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: payload.offset,
        message: 'detached COSE payloads are not supported',
      });
    }
    bad(payload, `payload must be a byte string, got ${cborTypeName(payload)}`, base);
  }
  if (signature.kind !== 'bytes') bad(signature, 'signature must be a byte string', base);

  let protectedLabels: (number | string)[] = [];
  let alg: number | undefined;
  let kid: Uint8Array | undefined;
  if (prot.value.length > 0) {
    const header = decodeCbor(prot.value, {
      base: prot.contentOffset,
      structure: 'COSE_Sign1.protected',
    });
    protectedLabels = headerLabels(header, 'protected');
    if (header.kind === 'map') {
      const a = cborMapGet(header, 1);
      if (a !== undefined) {
        if (a.kind !== 'int' || typeof a.value !== 'number') {
          bad(a, 'alg must be an integer algorithm id', base);
        }
        alg = a.value;
      }
      const k = cborMapGet(header, 4);
      if (k !== undefined) {
        if (k.kind !== 'bytes') bad(k, 'kid must be a byte string', base);
        kid = k.value;
      }
    }
  }
  const unprotectedLabels = headerLabels(unprot, 'unprotected');
  if (unprot.kind === 'map') {
    if (cborMapGet(unprot, 1) !== undefined) {
      bad(unprot, 'alg must be in the protected header, not the unprotected one', base);
    }
    const k = cborMapGet(unprot, 4);
    if (k !== undefined) {
      if (k.kind !== 'bytes') bad(k, 'kid must be a byte string', base);
      kid ??= k.value;
    }
  }
  const inProtected = new Set(protectedLabels);
  for (const l of unprotectedLabels) {
    if (inProtected.has(l)) bad(unprot, `header label ${l} is in both buckets`, base);
  }
  if (inProtected.has(2) || unprotectedLabels.includes(2)) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: prot.offset,
      message: 'COSE crit header: attestkit understands no critical header extensions',
    });
  }
  return {
    tagged,
    protectedHeader: prot.value,
    alg,
    algName: coseAlgorithmName(alg),
    ...(kid !== undefined ? { kid } : {}),
    protectedLabels,
    unprotectedLabels,
    payload: payload.value,
    signature: signature.value,
    toBeSigned: coseSigStructure(prot.value, payload.value),
    raw: copyBytes(bytes),
    offset: base,
    payloadOffset: payload.contentOffset,
  };
}

/** An EC2 COSE_Key decoded. */
export interface CoseEcKey {
  /** The EC public key from `crv` (-1), `x` (-2) and `y` (-3); not checked to lie on the curve. */
  readonly key: EcPublicKey;
  /** True when the private scalar `d` (label -4) is present. */
  readonly hasPrivateKey: boolean;
  /** Labels in encoded order. */
  readonly labels: readonly (number | string)[];
  /** `alg` (label 3), when present. */
  readonly alg?: number;
}

/**
 * Decodes an EC2 COSE_Key (RFC 9053 §7.1.1): `kty` 2, `crv` 1/2/3 (P-256/384/521), `x` and `y`
 * byte strings of the coordinate size. Extra public labels (`kid`, `alg`, `key_ops`) are
 * tolerated; the private scalar `d` is reported in `hasPrivateKey`, not silently ignored.
 *
 * Exported from `attestkit/cca`.
 *
 * @param bytes - the encoded COSE_Key.
 * @param base - absolute offset of `bytes[0]`, for error offsets.
 * @returns the public key and what else the COSE_Key carried.
 * @throws {AttestError} `ERR_BAD_KEY`, `ERR_UNSUPPORTED` (other key types, compressed points),
 *   `ERR_BAD_CBOR`.
 * @example
 * ```ts
 * const { key, hasPrivateKey } = decodeCoseKey(realmClaims.publicKey);
 * ```
 */
export function decodeCoseKey(bytes: Uint8Array, base = 0): CoseEcKey {
  assertInputBytes(bytes, 'COSE_Key');
  const node = decodeCbor(bytes, { base, structure: 'COSE_Key' });
  const fail = (n: CborNode, message: string): never => {
    throw new AttestError('ERR_BAD_KEY', { offset: n.offset, field: 'COSE_Key', message });
  };
  if (node.kind !== 'map') return fail(node, `COSE_Key must be a map, got ${cborTypeName(node)}`);
  const labels = node.entries.map((e) =>
    typeof e.key.value === 'bigint' ? Number(e.key.value) : e.key.value,
  );
  const kty = cborMapGet(node, 1);
  if (kty === undefined) fail(node, 'COSE_Key lacks kty (1)');
  if (kty!.kind !== 'int' || kty!.value !== 2) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: kty!.offset,
      message: 'only EC2 COSE keys (kty 2) are supported',
    });
  }
  const crv = cborMapGet(node, -1);
  if (crv === undefined) fail(node, 'EC2 COSE_Key lacks crv (-1)');
  const curve =
    crv!.kind === 'int' && typeof crv!.value === 'number' ? COSE_CURVES[crv!.value] : undefined;
  if (curve === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: crv!.offset,
      message: 'COSE_Key curve must be P-256 (1), P-384 (2) or P-521 (3)',
    });
  }
  const n = EC_COORDINATE_SIZES[curve];
  const coord = (label: number, name: string): Uint8Array => {
    const c = cborMapGet(node, label);
    if (c === undefined) return fail(node, `EC2 COSE_Key lacks ${name} (${label})`);
    if (c.kind === 'simple' && typeof c.value === 'boolean') {
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: c.offset,
        message: 'compressed EC points in COSE_Key are not supported',
      });
    }
    if (c.kind !== 'bytes' || c.value.length !== n) {
      return fail(c, `${name} must be a ${n}-byte string for ${curve}`);
    }
    return c.value;
  };
  const x = coord(-2, 'x');
  const y = coord(-3, 'y');
  const algNode = cborMapGet(node, 3);
  const alg =
    algNode === undefined
      ? undefined
      : algNode.kind === 'int' && typeof algNode.value === 'number'
        ? algNode.value
        : fail(algNode, 'COSE_Key alg must be an integer');
  return {
    key: { kind: 'ec', curve, x, y },
    hasPrivateKey: cborMapGet(node, -4) !== undefined,
    labels,
    ...(alg !== undefined ? { alg } : {}),
  };
}
