/**
 * makeCredential's AES-CFB128 (zero IV) runs on WebCrypto AES-CBC, one block at a time. It is
 * checked against `@noble/ciphers`' CFB for every key size and plaintext lengths around the block
 * size, and without WebCrypto (the `@noble/ciphers` fallback) the swtpm reference credential is
 * reproduced byte for byte. (The WebCrypto path reproduces it in credential.test.ts, and swtpm
 * activates attestkit's blobs in swtpm.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cfb } from '@noble/ciphers/aes.js';
import { aesCfbEncrypt } from '../../src/tpm/credential.js';
import { makeCredential } from '../../src/tpm/index.js';
import { toHex } from '../../src/core/encoding.js';
import { describeVectors, hex } from '../support/vectors.js';
import { swtpmFile, swtpmManifest } from './support/tpm-vectors.js';

const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 3) & 0xff);

describe('aesCfbEncrypt', () => {
  it('equals noble CFB for 128-, 192- and 256-bit keys and 1–80 byte plaintexts', async () => {
    for (const keyLength of [16, 24, 32]) {
      const key = bytes(keyLength, keyLength);
      for (const n of [1, 2, 15, 16, 17, 31, 32, 33, 34, 50, 66, 80]) {
        const plaintext = bytes(n, n);
        const want = cfb(key, new Uint8Array(16)).encrypt(plaintext);
        expect(await aesCfbEncrypt(key, plaintext)).toEqual(want);
      }
    }
  });
});

describeVectors('makeCredential without WebCrypto (the @noble/ciphers fallback)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reproduces the swtpm reference credential for an RSA EK', async () => {
    const c = swtpmManifest().cases.credential_ek_rsa2048;
    const i = c.runs.reference_deterministic.inputs_and_intermediates;
    const values = [hex(i.seed), hex(i.oaepSeed)];
    // No `subtle`: only what makeCredential's own randomness would need, and that is replayed.
    vi.stubGlobal('crypto', {});
    const cred = await makeCredential(
      swtpmFile(c.ek_files.tpm2b_public),
      hex(i.objectName),
      hex(i.credential),
      { randomBytes: () => values.shift()! },
    );
    expect(globalThis.crypto.subtle).toBeUndefined();
    expect(toHex(cred.credentialBlob)).toBe(i.TPM2B_ID_OBJECT);
    expect(toHex(cred.secret)).toBe(i.TPM2B_ENCRYPTED_SECRET);
  });
});
