/**
 * @module
 * Hashing (synchronous in `hash.ts`, re-exported here: `@noble/hashes`, and digesters on
 * attestkit's WebAssembly SHA module where it runs; asynchronous through WebCrypto) and signature
 * verification (WebCrypto through `globalThis.crypto.subtle`, with a `@noble/curves` fallback for
 * ECDSA when it is missing).
 * Keys are plain {@link PublicKeyInfo} data; imported `CryptoKey`s are memoised in the caller's
 * cache. This module knows no DER: SPKI parsing lives in `x509.ts`.
 */
import { AttestError } from './errors.js';
import { assertBytes, concatBytes, copyBytes } from './bytes.js';
import { bytesKey, equalBytes, fromBase64, toBase64Url, toHex } from './encoding.js';
import { MAX_CACHE_KEY_LENGTH, memo, type AttestCache } from './cache.js';

export {
  createDigester,
  createHasher,
  digest,
  extend,
  type Digester,
  type Hasher,
} from './hash.js';
export { sha256Digest } from './sha256.js';

/** Hash algorithms attestkit computes. */
export type HashAlg = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Output size in bytes of each {@link HashAlg}. */
export const HASH_SIZES: Readonly<Record<HashAlg, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/**
 * Asynchronous digest of `data` (FIPS 180-4) through WebCrypto's `crypto.subtle.digest`, falling
 * back to `@noble/hashes` (loaded on first use) where WebCrypto is missing. Same bytes as
 * {@link digest}; for verifiers that are async anyway and hash a few inputs, so their bundles need
 * not carry a JavaScript hash implementation up front.
 *
 * @param alg - the hash.
 * @param data - the message.
 * @returns `H(data)`.
 * @throws {TypeError} for an unknown algorithm or non-Uint8Array input.
 * @example
 * ```ts
 * const d = await digestAsync('sha256', bytes);
 * ```
 */
export async function digestAsync(alg: HashAlg, data: Uint8Array): Promise<Uint8Array> {
  assertBytes(data, 'data');
  const name = WEBCRYPTO_HASH[alg];
  if (name === undefined) throw new TypeError(`unknown hash ${String(alg)}`);
  const s = subtle();
  if (s !== undefined) return new Uint8Array(await s.digest(name, bufferSource(data)));
  const { nobleDigest } = await import('./hash-fallback.js');
  return nobleDigest(alg, data);
}

/** Named elliptic curves attestkit verifies on. */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/** Coordinate size in bytes per curve. */
export const EC_COORDINATE_SIZES: Readonly<Record<EcCurve, number>> = {
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
};

/** A public key as plain data: an EC point or an RSA modulus/exponent (big-endian bytes). */
export type PublicKeyInfo =
  | {
      /** An elliptic-curve key (ECDSA). */
      readonly kind: 'ec';
      /** The NIST curve of the key. */
      readonly curve: EcCurve;
      /** Affine x coordinate, big-endian, exactly the curve's coordinate size (32, 48 or 66). */
      readonly x: Uint8Array;
      /** Affine y coordinate, big-endian, exactly the curve's coordinate size. */
      readonly y: Uint8Array;
    }
  | {
      /** An RSA key (RSASSA-PKCS1-v1_5 or RSASSA-PSS, RFC 8017). */
      readonly kind: 'rsa';
      /** Modulus n, unsigned big-endian. */
      readonly n: Uint8Array;
      /** Public exponent e, unsigned big-endian (usually `01 00 01`). */
      readonly e: Uint8Array;
      /**
       * An id-RSASSA-PSS key (RFC 4055 §1.2): it verifies RSASSA-PSS signatures only; an
       * RSASSA-PKCS1-v1_5 signature made with it is refused.
       */
      readonly pssOnly?: true;
    };

/** Signature schemes attestkit verifies. */
export type SignatureScheme = 'ecdsa' | 'rsa-pkcs1' | 'rsa-pss';

/** What {@link verifySignature} needs. */
export interface VerifyParams {
  /** The signer's public key: EC for `ecdsa`, RSA for the `rsa-*` schemes. */
  readonly key: PublicKeyInfo;
  /** `ecdsa` (FIPS 186-4), `rsa-pkcs1` (RSASSA-PKCS1-v1_5) or `rsa-pss` (RSASSA-PSS, MGF1). */
  readonly scheme: SignatureScheme;
  /** Hash applied to `data` (and, for RSA-PSS, the MGF1 hash). */
  readonly hash: HashAlg;
  /** The signed message (hashed by the scheme, not pre-hashed). */
  readonly data: Uint8Array;
  /** The signature: ECDSA in `signatureFormat`; RSA as the modulus-length octet string. */
  readonly signature: Uint8Array;
  /** ECDSA encoding: `raw` r‖s (each the coordinate size, big-endian) or `der`. Default raw. */
  readonly signatureFormat?: 'raw' | 'der';
  /** RSA-PSS salt length in bytes. Required for `rsa-pss`. */
  readonly saltLength?: number;
  /** Memo for imported keys. */
  readonly cache?: AttestCache | undefined;
  /**
   * Keys already imported for exactly this `key`, by scheme and hash, held by a caller that keeps
   * them beside a key it has matched to its evidence input (e.g. the TPM verifiers' per-AK memo):
   * a warm call then finds its `CryptoKey` without building a cache key from the key's bytes.
   * Filled on a miss (through `cache` when given).
   */
  readonly imported?: ImportedKeys | undefined;
}

/**
 * `CryptoKey`s imported for one public key, by `scheme:hash` (an import in progress is held as its
 * promise); see {@link VerifyParams.imported}. Create one with `new Map()` per key.
 */
export type ImportedKeys = Map<string, CryptoKey | Promise<CryptoKey>>;

/**
 * An EC public key from an uncompressed SEC1 point (`0x04 ‖ x ‖ y`).
 *
 * @throws {AttestError} `ERR_BAD_KEY` on a wrong length or prefix.
 */
export function ecKeyFromPoint(curve: EcCurve, point: Uint8Array): PublicKeyInfo {
  const n = EC_COORDINATE_SIZES[curve];
  if (point.length !== 1 + 2 * n || point[0] !== 0x04) {
    throw new AttestError('ERR_BAD_KEY', {
      message: `${curve} point must be 0x04 ‖ x ‖ y (${1 + 2 * n} bytes), got ${point.length}`,
    });
  }
  return { kind: 'ec', curve, x: copyBytes(point, 1, 1 + n), y: copyBytes(point, 1 + n) };
}

/** The uncompressed SEC1 encoding (`0x04 ‖ x ‖ y`) of an EC key. */
export function ecPoint(key: PublicKeyInfo & { kind: 'ec' }): Uint8Array {
  return concatBytes(new Uint8Array([4]), key.x, key.y);
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function padTo(b: Uint8Array, n: number): Uint8Array {
  const s = stripZeros(b);
  if (s.length > n) throw new AttestError('ERR_BAD_KEY', { message: 'coordinate too long' });
  const out = new Uint8Array(n);
  out.set(s, n - s.length);
  return out;
}

/**
 * An RSA public key after the checks every RSA key must pass (RFC 8017 §3.1): the modulus is odd
 * and the exponent is odd and at least 3. Exponent 1 makes a "signature" the padded message itself
 * (anyone forges it) and an even exponent is not RSA.
 *
 * The exponent must also be at most 2^32 − 1. RFC 8017 allows any exponent below n, but
 * verification costs one modular multiplication per exponent bit: a ~3070-bit exponent makes each
 * check ~60 times slower than 65537, and a verifier whose work is bounded by a count of signature
 * checks (a certificate path search) is then not bounded in time.
 * No real key needs more: a TPM stores the exponent as a UINT32 (TPM 2.0 Library Part 2,
 * TPMS_RSA_PARMS), and Go's crypto/rsa refuses exponents above 2^31 − 1.
 *
 * @param at - where the key was read (`offset`, `field`), for the error.
 * @throws {AttestError} `ERR_BAD_KEY`.
 * @internal
 */
export function rsaPublicKey(
  n: Uint8Array,
  e: Uint8Array,
  at: { readonly offset?: number; readonly field?: string } = {},
): PublicKeyInfo & { kind: 'rsa' } {
  const m = stripZeros(n);
  const x = stripZeros(e);
  const bad = (message: string): never => {
    throw new AttestError('ERR_BAD_KEY', { ...at, message });
  };
  if (m.length === 0 || (m[m.length - 1]! & 1) === 0) bad('RSA modulus is not odd');
  if ((x[x.length - 1]! & 1) === 0 || (x.length === 1 && x[0]! < 3))
    bad('RSA public exponent must be odd and at least 3');
  if (x.length > RSA_MAX_PUBLIC_EXPONENT_BYTES)
    bad(`RSA public exponent must be at most 2^32 − 1, got a ${bitLength(x)}-bit exponent`);
  return { kind: 'rsa', n, e };
}

/**
 * Byte length of the largest RSA public exponent {@link rsaPublicKey} accepts (2^32 − 1, the
 * largest a TPM's UINT32 TPMS_RSA_PARMS.exponent holds).
 */
const RSA_MAX_PUBLIC_EXPONENT_BYTES = 4;

/** Bit length of a big-endian unsigned integer with no leading zero bytes. */
function bitLength(b: Uint8Array): number {
  return b.length === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0]!));
}

/**
 * A public key from a JWK (EC P-256/384/521 or RSA). A JWK carrying private members (`d`, `p`,
 * `q`, …) is rejected: evidence must never hold private keys.
 *
 * @throws {AttestError} `ERR_BAD_KEY`.
 *
 * @example
 * ```ts
 * const key = publicKeyFromJwk({ kty: 'EC', crv: 'P-384', x, y });
 * ```
 */
export function publicKeyFromJwk(jwk: JsonWebKey): PublicKeyInfo {
  if (typeof jwk !== 'object' || jwk === null) throw new TypeError('jwk must be an object');
  for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const) {
    if (jwk[m] !== undefined) {
      throw new AttestError('ERR_BAD_KEY', { message: `JWK holds private member "${m}"` });
    }
  }
  const b64 = (v: string | undefined, name: string): Uint8Array => {
    if (typeof v !== 'string')
      throw new AttestError('ERR_BAD_KEY', { message: `JWK lacks ${name}` });
    return fromBase64(v);
  };
  if (jwk.kty === 'EC') {
    const curve = jwk.crv;
    if (curve !== 'P-256' && curve !== 'P-384' && curve !== 'P-521') {
      throw new AttestError('ERR_UNSUPPORTED', { message: `JWK curve ${String(curve)}` });
    }
    const n = EC_COORDINATE_SIZES[curve];
    const x = b64(jwk.x, 'x');
    const y = b64(jwk.y, 'y');
    if (x.length !== n || y.length !== n) {
      throw new AttestError('ERR_BAD_KEY', {
        message: `${curve} JWK coordinates must be ${n} bytes`,
      });
    }
    return { kind: 'ec', curve, x, y };
  }
  if (jwk.kty === 'RSA') return rsaPublicKey(b64(jwk.n, 'n'), b64(jwk.e, 'e'));
  throw new AttestError('ERR_UNSUPPORTED', { message: `JWK kty ${String(jwk.kty)}` });
}

/**
 * The public JWK of a key (EC coordinates padded to the curve size, RSA without leading zeros).
 *
 * @example
 * ```ts
 * const jwk = publicKeyToJwk(cert.publicKey); // { kty: 'EC', crv: 'P-384', x, y }
 * ```
 */
export function publicKeyToJwk(key: PublicKeyInfo): JsonWebKey {
  if (key.kind === 'ec') {
    const n = EC_COORDINATE_SIZES[key.curve];
    return {
      kty: 'EC',
      crv: key.curve,
      x: toBase64Url(padTo(key.x, n)),
      y: toBase64Url(padTo(key.y, n)),
    };
  }
  return { kty: 'RSA', n: toBase64Url(stripZeros(key.n)), e: toBase64Url(stripZeros(key.e)) };
}

/**
 * A stable string identifying a key (for cache keys and comparisons). An RSASSA-PSS-only key
 * (RFC 4055) has its own id: what it may verify differs from the same modulus as rsaEncryption.
 */
export function publicKeyId(key: PublicKeyInfo): string {
  return key.kind === 'ec'
    ? `ec:${key.curve}:${toHex(key.x)}:${toHex(key.y)}`
    : `${key.pssOnly === true ? 'rsa-pss' : 'rsa'}:${toHex(stripZeros(key.n))}:${toHex(stripZeros(key.e))}`;
}

/**
 * True when two keys are the same public key: same kind and curve and equal coordinates, or RSA
 * modulus and exponent equal once leading zero bytes are dropped (what {@link publicKeyId}
 * identifies, compared as bytes without building the ids).
 */
export function samePublicKey(a: PublicKeyInfo, b: PublicKeyInfo): boolean {
  if (a.kind === 'ec') {
    return b.kind === 'ec' && a.curve === b.curve && equalBytes(a.x, b.x) && equalBytes(a.y, b.y);
  }
  return (
    b.kind === 'rsa' &&
    equalBytes(stripZeros(a.n), stripZeros(b.n)) &&
    equalBytes(stripZeros(a.e), stripZeros(b.e))
  );
}

/** Modulus length in bits of an RSA key, or the curve size for EC. */
export function publicKeyBits(key: PublicKeyInfo): number {
  if (key.kind === 'ec') return key.curve === 'P-521' ? 521 : EC_COORDINATE_SIZES[key.curve] * 8;
  const n = stripZeros(key.n);
  return (n.length - 1) * 8 + (32 - Math.clz32(n[0] ?? 0));
}

const WEBCRYPTO_HASH: Readonly<Record<HashAlg, string>> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/** WebCrypto wants ArrayBuffer-backed views; copy the rare SharedArrayBuffer-backed one. */
function bufferSource(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return u.buffer instanceof ArrayBuffer ? (u as Uint8Array<ArrayBuffer>) : u.slice();
}

function subtle(): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c?.subtle;
}

/**
 * The cache key of an imported key: the scheme, the hash (RSA) and the key's exact bytes as a
 * latin1 string (length-prefixed, so no two keys share one). Cheaper than {@link publicKeyId}'s
 * hex, which a warm verification would otherwise rebuild from a 256-byte modulus every call.
 */
function importCacheKey(key: PublicKeyInfo, scheme: SignatureScheme, hash: HashAlg): string {
  if (key.kind === 'ec') {
    return `attestkit:key:${scheme}::ec:${key.curve}:${key.x.length}:${bytesKey(key.x)}${bytesKey(key.y)}`;
  }
  const n = stripZeros(key.n);
  return `attestkit:key:${scheme}:${hash}:rsa:${n.length}:${bytesKey(n)}${bytesKey(stripZeros(key.e))}`;
}

/**
 * Imports `key` into WebCrypto for verifying `scheme` signatures (RSA keys are bound to `hash`;
 * ECDSA takes the hash at verify time). Uncached: {@link verifySignature} memoises it in the
 * caller's cache; `tpmCryptoKey` hands the key to its caller.
 *
 * @internal
 * @throws {AttestError} `ERR_BAD_KEY` (through the promise) when WebCrypto refuses the key.
 */
export function importVerifyKey(
  s: SubtleCrypto,
  key: PublicKeyInfo,
  scheme: SignatureScheme,
  hash: HashAlg,
): Promise<CryptoKey> {
  // EC keys import fastest as a raw SEC1 point (about 4× faster than JWK on Node).
  return (
    key.kind === 'ec'
      ? s.importKey(
          'raw',
          bufferSource(ecPoint(key)),
          { name: 'ECDSA', namedCurve: key.curve },
          true,
          ['verify'],
        )
      : s.importKey(
          'jwk',
          publicKeyToJwk(key),
          {
            name: scheme === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5',
            hash: WEBCRYPTO_HASH[hash],
          },
          true,
          ['verify'],
        )
  ).catch((cause: unknown) => {
    throw new AttestError('ERR_BAD_KEY', { message: 'public key rejected by WebCrypto', cause });
  });
}

/** An import in progress (a promise) or done (the key itself, stored back in the cache). */
type ImportedKey = CryptoKey | Promise<CryptoKey>;

/**
 * The {@link ImportedKeys} id of each scheme and hash (`scheme:hash`): constant strings, so a warm
 * lookup hashes no freshly built text.
 */
const IMPORT_IDS: Readonly<Record<SignatureScheme, Readonly<Record<HashAlg, string>>>> =
  /* @__PURE__ */ (() => {
    const ids = (scheme: SignatureScheme): Record<HashAlg, string> => ({
      sha1: `${scheme}:sha1`,
      sha256: `${scheme}:sha256`,
      sha384: `${scheme}:sha384`,
      sha512: `${scheme}:sha512`,
    });
    return { ecdsa: ids('ecdsa'), 'rsa-pkcs1': ids('rsa-pkcs1'), 'rsa-pss': ids('rsa-pss') };
  })();

/**
 * Imports `key` for `scheme`, memoised in `cache`. Once the import has finished the cache holds
 * the CryptoKey itself, so a warm call gets it synchronously and the verification starts at
 * once (no await before `subtle.verify`).
 */
function importKey(
  s: SubtleCrypto,
  key: PublicKeyInfo,
  scheme: SignatureScheme,
  hash: HashAlg,
  cache: AttestCache | undefined,
  imported?: ImportedKeys,
): ImportedKey {
  if (imported !== undefined) {
    const id = IMPORT_IDS[scheme][hash];
    const held = imported.get(id);
    if (held !== undefined) return held;
    const got = importKey(s, key, scheme, hash, cache);
    imported.set(id, got);
    if (got instanceof Promise) {
      got.then(
        (k) => {
          if (imported.get(id) === got) imported.set(id, k);
        },
        () => {
          if (imported.get(id) === got) imported.delete(id);
        },
      );
    }
    return got;
  }
  const run = (): Promise<CryptoKey> => importVerifyKey(s, key, scheme, hash);
  if (cache === undefined) return run();
  const cacheKey = importCacheKey(key, scheme, hash);
  if (cacheKey.length > MAX_CACHE_KEY_LENGTH) return run();
  const hit = cache.get(cacheKey);
  if (isCryptoKey(hit)) return hit;
  const pending = memo(cache, cacheKey, run);
  void pending.then(
    (k) => {
      // Replace the settled promise by the key it holds (unless the entry changed meanwhile).
      if (cache.get(cacheKey) === pending) cache.set(cacheKey, k);
    },
    () => undefined,
  );
  return pending;
}

function isCryptoKey(v: unknown): v is CryptoKey {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Promise) &&
    typeof (v as { type?: unknown }).type === 'string' &&
    typeof (v as { algorithm?: unknown }).algorithm === 'object'
  );
}

/**
 * Converts an ECDSA signature between DER and raw r‖s.
 *
 * @throws {AttestError} `ERR_BAD_SIGNATURE_ENCODING` for malformed DER or out-of-range integers.
 */
export function ecdsaDerToRaw(der: Uint8Array, coordinateSize: number): Uint8Array {
  const bad = (message: string): never => {
    throw new AttestError('ERR_BAD_SIGNATURE_ENCODING', { message });
  };
  let p = 0;
  const byte = (): number => {
    const b = der[p++];
    return b === undefined ? bad('truncated ECDSA DER signature') : b;
  };
  const len = (): number => {
    const first = byte();
    if (first < 0x80) return first;
    if (first === 0x81) {
      const l = byte();
      if (l < 0x80) bad('non-minimal DER length');
      return l;
    }
    return bad('unsupported DER length');
  };
  if (byte() !== 0x30) bad('ECDSA signature is not a DER SEQUENCE');
  if (len() !== der.length - p) bad('ECDSA DER SEQUENCE length mismatch');
  const int = (): Uint8Array => {
    if (byte() !== 0x02) bad('ECDSA DER expects INTEGER');
    const l = len();
    if (l === 0 || p + l > der.length) bad('bad INTEGER length');
    const v = der.subarray(p, p + l);
    p += l;
    if ((v[0]! & 0x80) !== 0) bad('negative INTEGER');
    if (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) bad('non-minimal INTEGER');
    const s = stripZeros(v);
    if (s.length > coordinateSize) bad('INTEGER larger than the curve order');
    return s;
  };
  const r = int();
  const s = int();
  if (p !== der.length) bad('trailing bytes after ECDSA signature');
  const out = new Uint8Array(2 * coordinateSize);
  out.set(r, coordinateSize - r.length);
  out.set(s, 2 * coordinateSize - s.length);
  return out;
}

/**
 * Verifies a signature. Returns `false` for a well-formed signature that does not verify.
 *
 * @throws {AttestError} `ERR_BAD_SIGNATURE_ENCODING` for a malformed signature, `ERR_BAD_KEY` for
 *   a key WebCrypto rejects, `ERR_UNSUPPORTED` for RSA without WebCrypto.
 * @example
 * ```ts
 * const ok = await verifySignature({ key, scheme: 'ecdsa', hash: 'sha384', data, signature });
 * ```
 */
export async function verifySignature(p: VerifyParams): Promise<boolean> {
  assertBytes(p.data, 'data');
  assertBytes(p.signature, 'signature');
  const s = subtle();
  if (p.key.kind === 'ec') {
    if (p.scheme !== 'ecdsa') {
      throw new AttestError('ERR_UNSUPPORTED', { message: `${p.scheme} with an EC key` });
    }
    const size = EC_COORDINATE_SIZES[p.key.curve];
    const raw = p.signatureFormat === 'der' ? ecdsaDerToRaw(p.signature, size) : p.signature;
    if (raw.length !== 2 * size) {
      throw new AttestError('ERR_BAD_SIGNATURE_ENCODING', {
        message: `raw ${p.key.curve} signature must be ${2 * size} bytes, got ${raw.length}`,
      });
    }
    if (s === undefined) return verifyEcdsaNoble(p.key, p.hash, p.data, raw);
    const imported = importKey(s, p.key, 'ecdsa', p.hash, p.cache, p.imported);
    const k = imported instanceof Promise ? await imported : imported;
    return await s.verify(
      { name: 'ECDSA', hash: WEBCRYPTO_HASH[p.hash] },
      k,
      bufferSource(raw),
      bufferSource(p.data),
    );
  }
  if (p.scheme === 'ecdsa')
    throw new AttestError('ERR_UNSUPPORTED', { message: 'ECDSA with an RSA key' });
  if (s === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', { message: 'RSA verification needs WebCrypto' });
  }
  if (p.key.pssOnly === true && p.scheme !== 'rsa-pss') {
    throw new AttestError('ERR_UNSUPPORTED', {
      message: `an RSASSA-PSS key (RFC 4055) verifies only RSASSA-PSS signatures, not ${p.scheme}`,
    });
  }
  const imported = importKey(s, p.key, p.scheme, p.hash, p.cache, p.imported);
  const k = imported instanceof Promise ? await imported : imported;
  if (p.scheme === 'rsa-pss') {
    if (p.saltLength === undefined || !Number.isSafeInteger(p.saltLength) || p.saltLength < 0) {
      throw new TypeError('rsa-pss needs a saltLength');
    }
    return await s.verify(
      { name: 'RSA-PSS', saltLength: p.saltLength },
      k,
      bufferSource(p.signature),
      bufferSource(p.data),
    );
  }
  return await s.verify(
    { name: 'RSASSA-PKCS1-v1_5' },
    k,
    bufferSource(p.signature),
    bufferSource(p.data),
  );
}

/**
 * Verifies an ECDSA signature (raw r‖s) with `@noble/curves` only (no WebCrypto). Used as the
 * fallback when `crypto.subtle` is missing, and exported so callers can pin the pure-JS path.
 * The curve code is loaded on first use, so bundles that never need it stay small.
 */
export async function verifyEcdsaNoble(
  key: PublicKeyInfo & { kind: 'ec' },
  hash: HashAlg,
  data: Uint8Array,
  rawSignature: Uint8Array,
): Promise<boolean> {
  const [{ p256, p384, p521 }, { nobleDigest }] = await Promise.all([
    import('@noble/curves/nist.js'),
    import('./hash-fallback.js'),
  ]);
  const curve = key.curve === 'P-256' ? p256 : key.curve === 'P-384' ? p384 : p521;
  try {
    // lowS: false — AMD, Intel and TPM signers do not normalise s; high-s is valid ECDSA.
    return curve.verify(rawSignature, nobleDigest(hash, data), ecPoint(key), {
      prehash: false,
      lowS: false,
    });
  } catch {
    return false;
  }
}
