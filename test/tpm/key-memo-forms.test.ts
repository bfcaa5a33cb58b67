/**
 * The TPM key memo keeps its two input forms apart: a parsed TpmtPublic is keyed by its `raw`
 * bytes object, which a caller may also pass as a key of its own (read as SPKI, TPM2B or TPMT).
 * Evidence: examples/evidence/tpm-swtpm-quote (made by swtpm and tpm2-tools here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTpmPublic, tpmCryptoKey, verifyTpmQuote } from '../../src/tpm/index.js';
import { createCache } from '../../src/core/cache.js';
import { fromHex } from '../../src/core/encoding.js';

const dir = new URL('../../examples/evidence/tpm-swtpm-quote/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
  nonce: string;
};
const quote = JSON.parse(readFileSync(new URL('quote.json', dir), 'utf8')) as {
  attest: string;
  signature: string;
};
const akPub = new Uint8Array(readFileSync(new URL('ak.pub', dir)));

describe('TPM key memo', () => {
  it('a TpmtPublic-shaped object is judged the same with or without a cache', async () => {
    const spki = new Uint8Array(
      await crypto.subtle.exportKey('spki', await tpmCryptoKey(akPub, { scheme: 'rsassa' })),
    );
    // Claims to be a parsed TPMT_PUBLIC, but its raw bytes are SPKI: not a TPMT_PUBLIC.
    const fake = { ...parseTpmPublic(akPub), raw: spki };
    const ev = (akPublic: unknown) => ({
      attest: fromHex(quote.attest),
      signature: fromHex(quote.signature),
      akPublic: akPublic as Uint8Array,
    });
    const nonce = fromHex(manifest.nonce);
    const cold = await verifyTpmQuote(ev(fake), { nonce });
    expect(cold.ok).toBe(false);
    expect(cold.checks.find((c) => c.id === 'tpm.quote.ak')?.status).toBe('fail');
    const cache = createCache();
    // The same bytes object, as an SPKI key of its own: valid.
    expect((await verifyTpmQuote(ev(spki), { nonce, cache })).ok).toBe(true);
    const warm = await verifyTpmQuote(ev(fake), { nonce, cache });
    expect(warm.checks).toEqual(cold.checks);
  });
});
