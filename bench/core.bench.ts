/** Floors every verifier is compared against: one signature verify of each kind, and hashing. */
import { webcrypto } from 'node:crypto';
import { createDigester, digest } from '../src/core/crypto.js';
import { wasmDigester } from '../src/core/wasm-hash.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { testKey, type KeyKind } from '../test/support/forge.js';

const subtle = webcrypto.subtle;
const data = new Uint8Array(0x2a0).fill(7);
const big = new Uint8Array(1 << 20).fill(1);
let p256: { key: CryptoKey; sig: ArrayBuffer };
let p384: { key: CryptoKey; sig: ArrayBuffer };
let pss: { key: CryptoKey; sig: ArrayBuffer };
let rsa: { key: CryptoKey; sig: ArrayBuffer };

/** Busy JavaScript for `us` microseconds (no allocation). */
function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

// How JavaScript around a WebCrypto call adds to it. The verification runs on a libuv thread:
// work done before the call delays its start, work done after it runs while the thread computes.
// On a VM whose idle vCPU takes long to wake, neither comes for free; these three cases show how
// much each costs on the machine at hand (issue 4's floor is one RSA-2048 verify).
const verifyRsa = (): Promise<boolean> =>
  subtle.verify('RSASSA-PKCS1-v1_5', rsa.key, rsa.sig, data);
const RSA: BenchCase = { name: 'RSA-2048 PKCS#1 v1.5/SHA-256 verify', fn: verifyRsa };
const JS_BEFORE: BenchCase = {
  name: 'the same, after 25 µs of JavaScript',
  fn: () => {
    spin(25);
    return verifyRsa();
  },
};
const JS_AFTER: BenchCase = {
  name: 'the same, with 25 µs of JavaScript after the call',
  fn: () => {
    const p = verifyRsa();
    spin(25);
    return p;
  },
};

/** A key of `kind` (test/support/forge.ts) and its signature over `data`. */
async function signed(kind: KeyKind): Promise<{ key: CryptoKey; sig: ArrayBuffer }> {
  const k = await testKey(kind);
  return {
    key: k.keys.publicKey,
    sig: await subtle.sign(k.signingAlgorithm, k.keys.privateKey, data),
  };
}

export const suite: BenchSuite = {
  name: 'core floors (WebCrypto verify with an imported key; hashing)',
  async setup() {
    [p256, p384, pss, rsa] = await Promise.all([
      signed('p256'),
      signed('p384'),
      signed('rsa-pss-4096'),
      signed('rsa-pkcs1-2048'),
    ]);
  },
  floor: {
    name: 'ECDSA P-256/SHA-256 verify',
    fn: () => subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, p256.key, p256.sig, data),
  },
  cases: [
    {
      name: 'ECDSA P-384/SHA-384 verify',
      fn: () => subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, p384.key, p384.sig, data),
    },
    {
      name: 'RSA-PSS-4096/SHA-384 verify',
      fn: () => subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, pss.key, pss.sig, data),
    },
    { name: 'SHA-256 of 1 MiB (@noble/hashes)', fn: () => digest('sha256', big) },
    { name: 'SHA-384 of 1 MiB (@noble/hashes)', fn: () => digest('sha384', big) },
    { name: 'SHA-1 of 1 MiB (@noble/hashes)', fn: () => digest('sha1', big) },
    // The digesters the event-log and PCR loops use (WebAssembly where it runs).
    ...(['sha256', 'sha384', 'sha1'] as const).map((alg) => {
      const d = createDigester(alg);
      const backend = wasmDigester(alg) !== undefined ? 'WebAssembly' : '@noble/hashes';
      return {
        name: `${alg.toUpperCase().replace('SHA', 'SHA-')} of 1 MiB (createDigester: ${backend})`,
        fn: () => d.digest(big),
      };
    }),
    RSA,
    JS_BEFORE,
    JS_AFTER,
  ],
  comparisons: [
    { label: 'RSA-2048 verify after 25 µs of JS / alone', numerator: JS_BEFORE, denominator: RSA },
    {
      label: 'RSA-2048 verify with 25 µs of JS after / alone',
      numerator: JS_AFTER,
      denominator: RSA,
    },
  ],
};
