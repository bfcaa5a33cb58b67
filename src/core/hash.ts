/**
 * @module
 * Synchronous hashing (FIPS 180-4 SHA-1/SHA-2): one-shot digests and extends with `@noble/hashes`,
 * and reusable digesters on WebAssembly (`wasm-hash.ts`) where it runs, on `@noble/hashes`
 * elsewhere. A module of its own so bundles that hash only through WebCrypto (see `digestAsync` in
 * `crypto.ts`) do not carry it up front.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { assertBytes } from './bytes.js';
import type { HashAlg } from './crypto.js';
import { wasmDigester } from './wasm-hash.js';

const HASHES = { sha1, sha256, sha384, sha512 } as const;

/**
 * Synchronous digest of `data`.
 *
 * @example
 * ```ts
 * const d = digest('sha384', bytes);
 * ```
 */
export function digest(alg: HashAlg, data: Uint8Array): Uint8Array {
  assertBytes(data, 'data');
  const h = HASHES[alg];
  if (h === undefined) throw new TypeError(`unknown hash ${String(alg)}`);
  return h(data);
}

const BLOCK_SIZES = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 } as const;
const HASH_LENGTHS = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 } as const;

/**
 * HMAC (RFC 2104) of `data` under `key` with `alg` (a key longer than the block is hashed first).
 *
 * @internal
 *
 * @example
 * ```ts
 * const mac = hmacDigest('sha256', key, message);
 * ```
 */
export function hmacDigest(alg: HashAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
  assertBytes(key, 'key');
  assertBytes(data, 'data');
  const size = BLOCK_SIZES[alg];
  if (size === undefined) throw new TypeError(`unknown hash ${String(alg)}`);
  const k = new Uint8Array(size);
  k.set(key.length > size ? digest(alg, key) : key);
  const inner = new Uint8Array(size + data.length);
  inner.set(data, size);
  const outer = new Uint8Array(size + HASH_LENGTHS[alg]);
  for (let i = 0; i < size; i++) {
    inner[i] = k[i]! ^ 0x36;
    outer[i] = k[i]! ^ 0x5c;
  }
  outer.set(digest(alg, inner), size);
  return digest(alg, outer);
}

/** An incremental hash (for extends and large inputs). */
export interface Hasher {
  update(data: Uint8Array): Hasher;
  digest(): Uint8Array;
}

/** Creates an incremental hasher. */
export function createHasher(alg: HashAlg): Hasher {
  const h = HASHES[alg];
  if (h === undefined) throw new TypeError(`unknown hash ${String(alg)}`);
  const inner = h.create();
  const api: Hasher = {
    update(d) {
      inner.update(d);
      return api;
    },
    digest: () => inner.digest(),
  };
  return api;
}

/**
 * The extend operation of PCRs, RTMRs and REMs: `H(register ‖ measurement)`.
 *
 * @example
 * ```ts
 * pcr = extend('sha256', pcr, eventDigest);
 * ```
 */
export function extend(alg: HashAlg, register: Uint8Array, measurement: Uint8Array): Uint8Array {
  const h = HASHES[alg];
  if (h === undefined) throw new TypeError(`unknown hash ${String(alg)}`);
  assertBytes(register, 'register');
  assertBytes(measurement, 'measurement');
  return h.create().update(register).update(measurement).digest();
}

/**
 * One algorithm's hash (FIPS 180-4), reused across many messages: the loops that hash thousands
 * of small inputs (event-log replays, digest checks, PCR digests) keep one per bank instead of
 * building a hasher per call. Each call returns the same bytes as {@link digest} / {@link extend}.
 * Meant for public data (evidence): the WebAssembly backend's memory keeps the last inputs until
 * later calls overwrite them, so hash secrets with {@link digest}, which stays on `@noble/hashes`.
 */
export interface Digester {
  readonly alg: HashAlg;
  /** Output size in bytes. */
  readonly size: number;
  /** `H(data)`, the same bytes as {@link digest}. */
  digest(data: Uint8Array): Uint8Array;
  /** `H(register ‖ measurement)`, the same bytes as {@link extend}. */
  extend(register: Uint8Array, measurement: Uint8Array): Uint8Array;
  /** `H(a ‖ b ‖ …)` of parts hashed in order, without concatenating them. */
  digestParts(parts: readonly Uint8Array[]): Uint8Array;
  /**
   * `register ← H(register ‖ measurement)`, written into `register` (which must be `size` bytes):
   * a replay of many extends allocates nothing per extend.
   */
  extendInPlace(register: Uint8Array, measurement: Uint8Array): void;
  /**
   * {@link extendInPlace} with each of `measurements` in order, in one call: the WebAssembly
   * backend keeps the register in its memory and extends runs of equal-length measurements
   * (64 bytes or less) in one call into the module per 63 232 bytes of them (3 161 SHA-1
   * digests), instead of one call per extend. The register is written once, at the end: a bad
   * element throws before it changes, and elements are read as they were when the call began.
   */
  extendChain(register: Uint8Array, measurements: readonly Uint8Array[]): void;
}

/**
 * Creates a {@link Digester} (FIPS 180-4 SHA-1/SHA-2). Where WebAssembly runs, the digester uses
 * attestkit's WebAssembly SHA module (compiled on the first call, once; one call into it per
 * message that fits its 62 KiB input area; about 2x faster than JS for SHA-1/256, 4x for
 * SHA-384/512, which JS computes without 64-bit integers). Where WebAssembly is missing or refused
 * (a CSP without `'wasm-unsafe-eval'`, Cloudflare Workers), it uses one `@noble/hashes` instance
 * reset from a pristine copy per message (`_cloneInto`). Both return the same bytes. The
 * WebAssembly memory keeps the last inputs: fine for evidence, which is public; hash secrets with
 * {@link digest}.
 *
 * @param alg - the hash.
 * @returns the digester.
 * @throws {TypeError} for an unknown algorithm (and, from its methods, for non-Uint8Array input;
 *   `extendInPlace` throws RangeError for a register of the wrong size).
 * @example
 * ```ts
 * const d = createDigester('sha256');
 * let pcr = new Uint8Array(32);
 * for (const m of measurements) pcr = d.extend(pcr, m);
 * ```
 */
export function createDigester(alg: HashAlg): Digester {
  const h = HASHES[alg];
  if (h === undefined) throw new TypeError(`unknown hash ${String(alg)}`);
  return wasmDigester(alg) ?? nobleDigester(alg, h);
}

function nobleDigester<T extends NobleHash<T>>(alg: HashAlg, h: { create(): T }): Digester {
  const pristine = h.create();
  const work = h.create();
  return {
    alg,
    size: pristine.outputLen,
    digest(data) {
      assertBytes(data, 'data');
      // digest() wipes and marks the instance destroyed; _cloneInto restores the initial state.
      return pristine._cloneInto(work).update(data).digest();
    },
    extend(register, measurement) {
      assertBytes(register, 'register');
      assertBytes(measurement, 'measurement');
      return pristine._cloneInto(work).update(register).update(measurement).digest();
    },
    digestParts(parts) {
      const w = pristine._cloneInto(work);
      for (const p of parts) {
        assertBytes(p, 'part');
        w.update(p);
      }
      return w.digest();
    },
    extendInPlace(register, measurement) {
      assertBytes(register, 'register');
      assertBytes(measurement, 'measurement');
      if (register.length !== pristine.outputLen) {
        throw new RangeError(`register must be ${pristine.outputLen} bytes`);
      }
      register.set(pristine._cloneInto(work).update(register).update(measurement).digest());
    },
    extendChain(register, measurements) {
      assertBytes(register, 'register');
      if (register.length !== pristine.outputLen) {
        throw new RangeError(`register must be ${pristine.outputLen} bytes`);
      }
      if (!Array.isArray(measurements)) throw new TypeError('measurements must be an array');
      for (let i = 0; i < measurements.length; i++) assertBytes(measurements[i], 'measurement');
      let value = register;
      for (let i = 0; i < measurements.length; i++) {
        value = pristine
          ._cloneInto(work)
          .update(value)
          .update(measurements[i] as Uint8Array)
          .digest();
      }
      register.set(value);
    },
  };
}

/** The part of a `@noble/hashes` instance a {@link Digester} uses. */
interface NobleHash<T> {
  readonly outputLen: number;
  update(data: Uint8Array): T;
  digest(): Uint8Array;
  _cloneInto(to?: T): T;
}
