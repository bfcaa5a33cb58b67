/**
 * @module
 * The `@noble/hashes` one-shot digest that the WebCrypto-first paths load lazily when
 * `crypto.subtle` is missing (`digestAsync`, the pure-JS ECDSA fallback). Kept apart from
 * `hash.ts` so that a bundle's static graph and its lazy chunk share no module: bundlers then
 * leave the hash code out of bundles that never hash synchronously.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlg } from './crypto.js';

/** `H(data)` with `@noble/hashes` (FIPS 180-4). */
export function nobleDigest(alg: HashAlg, data: Uint8Array): Uint8Array {
  return { sha1, sha256, sha384, sha512 }[alg](data);
}
