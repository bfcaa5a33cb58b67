/**
 * @module
 * Synchronous SHA-256 alone, for certificate and collateral code. A module of its own so bundles
 * that only verify certificates carry neither SHA-1 nor the generic hash table of `hash.ts`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes } from './bytes.js';

/**
 * SHA-256 (FIPS 180-4) of `data`, synchronous: the one hash certificate and collateral code needs
 * (cache keys, SPKI pins). Importing it rather than {@link digest} keeps SHA-1 and SHA-384/512 out
 * of bundles that only verify certificates.
 *
 * @param data - the message.
 * @returns the 32-byte digest.
 * @throws {TypeError} for non-Uint8Array input.
 * @example
 * ```ts
 * const pin = sha256Digest(cert.spki);
 * ```
 */
export function sha256Digest(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data');
  return sha256(data);
}
