/**
 * @module
 * Platform and realm keys for CCA and PSA tokens: EC public keys from every shape a CPAK or IAK
 * is published in (JWK, SubjectPublicKeyInfo PEM or DER, SEC1 uncompressed point, COSE_Key), and
 * an on-curve check (SEC 1 v2 §3.2.2.1) so that a bad endorsement fails as a key problem rather
 * than as a signature mismatch. EC SPKI is recognised by its fixed DER prefix (RFC 5480 §2, named
 * curves only), which keeps the ASN.1 parser out of bundles that only verify CCA tokens.
 */
import { AttestError } from '../core/errors.js';
import {
  EC_COORDINATE_SIZES,
  publicKeyFromJwk,
  type EcCurve,
  type PublicKeyInfo,
} from '../core/crypto.js';
import { assertBytes, copyBytes } from '../core/bytes.js';
import { decodePem, fromHex, toHex, utf8Decode } from '../core/encoding.js';
import { decodeCoseKey } from './cose.js';
import type { CcaKeyInput } from './types.js';

/** An EC public key. */
export type EcPublicKey = PublicKeyInfo & { readonly kind: 'ec' };

/** Curve parameters for y² = x³ − 3x + b over GF(p) (FIPS 186-5 / SEC 2). */
const CURVES: Readonly<Record<EcCurve, { readonly p: string; readonly b: string }>> = {
  'P-256': {
    p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
    b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  },
  'P-384': {
    p: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
    b: 'b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef',
  },
  'P-521': {
    p: '1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    b: '0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00',
  },
};

/** DER of SubjectPublicKeyInfo up to the uncompressed point, per named curve (RFC 5480). */
const SPKI_PREFIXES: Readonly<Record<EcCurve, string>> = {
  'P-256': '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  'P-384': '3076301006072a8648ce3d020106052b81040022036200',
  'P-521': '30819b301006072a8648ce3d020106052b8104002303818600',
};

const bigintOf = (bytes: Uint8Array): bigint =>
  bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);

/**
 * Throws unless `key` is a point on its curve (coordinates in range, curve equation holds).
 *
 * @throws {AttestError} `ERR_BAD_KEY`.
 */
export function assertOnCurve(key: EcPublicKey): void {
  const c = CURVES[key.curve];
  const p = BigInt(`0x${c.p}`);
  const x = bigintOf(key.x);
  const y = bigintOf(key.y);
  if (x >= p || y >= p) {
    throw new AttestError('ERR_BAD_KEY', { message: `${key.curve} coordinate out of range` });
  }
  const rhs = (((x * x * x - 3n * x + BigInt(`0x${c.b}`)) % p) + p) % p;
  if ((y * y) % p !== rhs) {
    throw new AttestError('ERR_BAD_KEY', { message: `point is not on ${key.curve}` });
  }
}

/** The curve whose uncompressed SEC1 point has `length` bytes, if any. */
export function curveForPointLength(length: number): EcCurve | undefined {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    if (length === 1 + 2 * EC_COORDINATE_SIZES[curve]) return curve;
  }
  return undefined;
}

/**
 * An EC key from an uncompressed SEC1 point (`0x04 ‖ x ‖ y`), curve chosen by length.
 *
 * @throws {AttestError} `ERR_BAD_KEY`.
 */
export function ecKeyFromRawPoint(point: Uint8Array, offset?: number): EcPublicKey {
  const curve = curveForPointLength(point.length);
  if (curve === undefined || point[0] !== 0x04) {
    throw new AttestError('ERR_BAD_KEY', {
      ...(offset !== undefined ? { offset } : {}),
      message: `expected an uncompressed EC point (0x04 ‖ x ‖ y, 65/97/133 bytes), got ${point.length} bytes starting 0x${(point[0] ?? 0).toString(16)}`,
    });
  }
  const n = EC_COORDINATE_SIZES[curve];
  return { kind: 'ec', curve, x: copyBytes(point, 1, 1 + n), y: copyBytes(point, 1 + n) };
}

function fromSpki(der: Uint8Array): EcPublicKey {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    const prefix = fromHex(SPKI_PREFIXES[curve]);
    const n = EC_COORDINATE_SIZES[curve];
    if (der.length !== prefix.length + 1 + 2 * n) continue;
    let same = true;
    for (let i = 0; i < prefix.length; i++) if (der[i] !== prefix[i]) same = false;
    if (same) return ecKeyFromRawPoint(der.subarray(prefix.length));
  }
  throw new AttestError('ERR_UNSUPPORTED', {
    message:
      'only EC P-256/P-384/P-521 SubjectPublicKeyInfo with an uncompressed point is supported',
  });
}

function fromText(text: string): EcPublicKey {
  const t = text.trim();
  if (t === '') throw new AttestError('ERR_BAD_KEY', { message: 'the key is empty' });
  if (t.startsWith('{')) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(t);
    } catch (cause) {
      throw new AttestError('ERR_BAD_JSON', { message: 'key text is not valid JSON', cause });
    }
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
      throw new AttestError('ERR_BAD_JSON', { message: 'key JSON must be a JWK object' });
    }
    return fromJwk(jwk);
  }
  if (t.includes('-----BEGIN')) {
    const blocks = decodePem(t);
    const block = blocks.find((b) => b.label === 'PUBLIC KEY');
    if (block === undefined) {
      const priv = blocks.some((b) => b.label.includes('PRIVATE'));
      throw new AttestError(priv ? 'ERR_BAD_KEY' : 'ERR_BAD_ENCODING', {
        message: priv
          ? 'a private key was given where a public key is expected'
          : 'no PUBLIC KEY PEM block',
      });
    }
    return fromSpki(block.der);
  }
  // Hex is a binary key: never text again (an empty or textual decode would recurse).
  return fromBinary(fromHex(t), true);
}

function fromJwk(jwk: JsonWebKey): EcPublicKey {
  const key = publicKeyFromJwk(jwk);
  if (key.kind !== 'ec') {
    throw new AttestError('ERR_UNSUPPORTED', { message: 'CCA and PSA keys are EC keys' });
  }
  return key;
}

function fromBytes(bytes: Uint8Array): EcPublicKey {
  return fromBinary(bytes, false);
}

/** A raw point, SPKI or COSE_Key; other bytes are key text unless `binaryOnly` (hex input). */
function fromBinary(bytes: Uint8Array, binaryOnly: boolean): EcPublicKey {
  const first = bytes[0];
  if (first === 0x04) return ecKeyFromRawPoint(bytes);
  if (first === 0x30) return fromSpki(bytes);
  if (first !== undefined && first >= 0xa0 && first <= 0xbf) {
    const k = decodeCoseKey(bytes, 0);
    if (k.hasPrivateKey) {
      throw new AttestError('ERR_BAD_KEY', { message: 'COSE_Key holds the private scalar d' });
    }
    return k.key;
  }
  if (binaryOnly || first === undefined) {
    throw new AttestError('ERR_BAD_KEY', {
      message:
        first === undefined
          ? 'the key is empty'
          : 'not an EC point, SubjectPublicKeyInfo or COSE_Key',
    });
  }
  return fromText(utf8Decode(bytes));
}

function isPlainObject(v: unknown): v is JsonWebKey {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Decodes a platform (CPAK / IAK) public key from any accepted shape: a JWK object, JSON or PEM
 * text, hex of a SEC1 point, SPKI DER, a SEC1 uncompressed point, or an encoded COSE_Key. The
 * point is checked to lie on its curve; private keys are refused.
 *
 * Exported from `attestkit/cca`.
 *
 * @param input - the key.
 * @returns the EC public key.
 * @throws {AttestError} `ERR_BAD_KEY` (malformed, off-curve or private), `ERR_UNSUPPORTED`
 *   (RSA, other curves), `ERR_BAD_ENCODING`, `ERR_BAD_JSON`.
 * @throws {TypeError} when `input` is none of the accepted types.
 * @example
 * ```ts
 * const cpak = ccaPublicKey(pemText); // { kind: 'ec', curve: 'P-384', x, y }
 * ```
 */
export function ccaPublicKey(input: CcaKeyInput): EcPublicKey {
  let key: EcPublicKey;
  if (typeof input === 'string') key = fromText(input);
  else if (input instanceof Uint8Array) {
    assertBytes(input, 'key');
    key = fromBytes(input);
  } else if (isPlainObject(input)) {
    key = fromJwk(input);
  } else {
    throw new TypeError('key must be a JWK object, PEM/JSON text, or a Uint8Array');
  }
  assertOnCurve(key);
  return key;
}
