/**
 * verifyTpmQuote with a caller's cache (SYNTHETIC quotes, software keys from support/forge.ts):
 * the signature check starts before the other checks and the imported key is kept in the cache,
 * so these tests pin what must not change because of it — the same ledger cold, warm and
 * uncached; concurrent cold calls sharing one import; no key ever standing in for another; a
 * programming error still throwing after the verification has started.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  parseTpmPublic,
  verifyTpmQuote,
  verifyTpmCertify,
  type TpmQuoteVerification,
  type TpmtPublic,
} from '../../src/tpm/index.js';
import { createCache, type AttestCache } from '../../src/core/cache.js';
import { vandalise } from '../support/vandalise.js';
import { forgeKey, forgeQuote, type ForgedKey } from './support/forge.js';

const nonce = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const ledger = (r: TpmQuoteVerification): unknown => JSON.parse(JSON.stringify(r.checks));

let rsa: ForgedKey;
let rsa2: ForgedKey;
let p256: ForgedKey;
beforeAll(async () => {
  [rsa, rsa2, p256] = await Promise.all([forgeKey('rsassa'), forgeKey('rsassa'), forgeKey('p256')]);
});

describe('verifyTpmQuote with a cache', () => {
  it('gives the same ledger uncached, cold and warm, for every key form', async () => {
    for (const key of [rsa, p256]) {
      const q = await forgeQuote({ key, selection: [['sha256', [0, 7]]], nonce });
      for (const akPublic of [key.publicArea, key.pem, key.jwk]) {
        const ev = { attest: q.attest, signature: q.signature, akPublic, pcrs: q.pcrs };
        const plain = await verifyTpmQuote(ev, { nonce });
        expect(plain.ok).toBe(true);
        const cache = createCache();
        const cold = await verifyTpmQuote(ev, { nonce, cache });
        const warm = await verifyTpmQuote(ev, { nonce, cache });
        const warm2 = await verifyTpmQuote(ev, { nonce, cache });
        expect(ledger(cold)).toEqual(ledger(plain));
        expect(ledger(warm)).toEqual(ledger(plain));
        expect(ledger(warm2)).toEqual(ledger(plain));
        expect(warm.pcrs).toEqual(plain.pcrs);
      }
    }
  });

  it('concurrent cold calls share one cache and all verify; warm calls add nothing to it', async () => {
    const cache = createCache();
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [1, 2, 3]]], nonce });
    const ev = { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs };
    const all = await Promise.all(
      Array.from({ length: 8 }, () => verifyTpmQuote(ev, { nonce, cache })),
    );
    expect(all.every((r) => r.ok)).toBe(true);
    const size = cache.size;
    const again = await Promise.all(
      Array.from({ length: 8 }, () => verifyTpmQuote(ev, { nonce, cache })),
    );
    expect(again.every((r) => r.ok)).toBe(true);
    expect(cache.size).toBe(size);
  });

  it('a key warm in the cache never verifies a signature made by another key', async () => {
    const cache = createCache();
    const q1 = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const q2 = await forgeQuote({ key: rsa2, selection: [['sha256', [0]]], nonce });
    for (const [q, k] of [
      [q1, rsa],
      [q2, rsa2],
    ] as const) {
      const ok = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: k.publicArea, pcrs: q.pcrs },
        { nonce, cache },
      );
      expect(ok.ok).toBe(true);
    }
    // Both keys are now cached: a quote by rsa presented with rsa2's public area must fail.
    const swapped = await verifyTpmQuote(
      { attest: q1.attest, signature: q1.signature, akPublic: rsa2.publicArea, pcrs: q1.pcrs },
      { nonce, cache },
    );
    expect(swapped.ok).toBe(false);
    expect(swapped.checks.find((c) => c.id === 'tpm.quote.signature')?.status).toBe('fail');
    // Certify by the same cache: the signer is rsa2, the signature rsa's.
    const certify = await verifyTpmCertify(
      {
        attest: q1.attest,
        signature: q1.signature,
        signerPublic: rsa2.publicArea,
        objectPublic: rsa.publicArea,
      },
      { nonce, cache },
    );
    expect(certify.checks.find((c) => c.id === 'tpm.certify.signature')?.status).toBe('fail');
  });

  it('an AK buffer changed in place between calls is resolved again, never matched by identity', async () => {
    const cache = createCache();
    const q1 = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const q2 = await forgeQuote({ key: rsa2, selection: [['sha256', [0]]], nonce });
    expect(rsa2.publicArea.length).toBe(rsa.publicArea.length);
    const ak = new Uint8Array(rsa.publicArea);
    const verify = (q: typeof q1) =>
      verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: ak, pcrs: q.pcrs },
        { nonce, cache },
      );
    expect((await verify(q1)).ok).toBe(true);
    expect((await verify(q1)).ok).toBe(true);
    // Same object, now rsa2's public area: rsa's quote must fail, rsa2's must verify.
    ak.set(rsa2.publicArea);
    const stale = await verify(q1);
    expect(stale.checks.find((c) => c.id === 'tpm.quote.signature')?.status).toBe('fail');
    expect((await verify(q2)).ok).toBe(true);
    ak.set(rsa.publicArea);
    expect((await verify(q1)).ok).toBe(true);
  });

  it('a parsed TpmtPublic is read from its raw bytes: fields edited after parsing change nothing, cached or not', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const own = parseTpmPublic(rsa.publicArea);
    const other = parseTpmPublic(rsa2.publicArea);
    // rsa's raw bytes with rsa2's modulus in the field, and the other way round.
    const rawIsRsa = { ...own, unique: other.unique } as TpmtPublic;
    const rawIsRsa2 = { ...other, unique: own.unique } as TpmtPublic;
    const run = (akPublic: TpmtPublic, cache?: AttestCache) =>
      verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic, pcrs: q.pcrs },
        { nonce, ...(cache !== undefined ? { cache } : {}) },
      );
    const primed = createCache();
    expect((await run(own, primed)).ok).toBe(true);
    for (const cache of [undefined, primed, createCache()]) {
      const good = await run(rawIsRsa, cache);
      expect(good.ok).toBe(true);
      expect(good.akPublic?.unique).toEqual(own.unique);
      const bad = await run(rawIsRsa2, cache);
      expect(bad.checks.find((c) => c.id === 'tpm.quote.signature')?.status).toBe('fail');
    }
  });

  it("editing a warm result's AK changes no later verdict: the checks read the cache's own copy", async () => {
    const cache = createCache();
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0, 7]]], nonce });
    const ev = { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs };
    const parentQn = Uint8Array.of(0x40, 0, 0, 0x0b);
    const plain = await verifyTpmQuote(ev, { nonce, akParentQualifiedName: parentQn });
    for (let i = 0; i < 2; i++) {
      const r = await verifyTpmQuote(ev, { nonce, cache, akParentQualifiedName: parentQn });
      expect(ledger(r)).toEqual(ledger(plain));
      if (i === 0) {
        expect(r.akPublic).toEqual(plain.akPublic);
        expect(r.akKey).toEqual(plain.akKey);
      }
      // Everything the result holds (the AK's public area and key included), overwritten: what
      // the attribute, scheme, size and qualified-signer checks read, if they read it from there.
      expect(vandalise(r)).toBeGreaterThan(10);
      expect(r.akPublic!.raw.every((x) => x === 0)).toBe(true);
    }
    const after = await verifyTpmQuote(ev, { nonce, cache, akParentQualifiedName: parentQn });
    expect(ledger(after)).toEqual(ledger(plain));
  });

  it('warm calls import no key: the CryptoKey is kept with the resolved AK', async () => {
    const cache = createCache();
    const q = await forgeQuote({ key: p256, selection: [['sha256', [0, 1]]], nonce });
    const ev = {
      attest: q.attest,
      signature: q.signature,
      akPublic: p256.publicArea,
      pcrs: q.pcrs,
    };
    expect((await verifyTpmQuote(ev, { nonce, cache })).ok).toBe(true);
    const subtle = globalThis.crypto.subtle;
    const real = subtle.importKey.bind(subtle);
    let imports = 0;
    const spy = vi
      .spyOn(subtle, 'importKey')
      .mockImplementation((...a: Parameters<typeof real>) => {
        imports++;
        return real(...a);
      });
    try {
      for (let i = 0; i < 5; i++)
        expect((await verifyTpmQuote(ev, { nonce, cache })).ok).toBe(true);
      expect(imports).toBe(0);
      // Without the cache every call imports.
      expect((await verifyTpmQuote(ev, { nonce })).ok).toBe(true);
      expect(imports).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('a malformed PCR map still rejects with TypeError once the signature check has started', async () => {
    const cache = createCache();
    const q = await forgeQuote({ key: p256, selection: [['sha256', [0]]], nonce });
    const base = { attest: q.attest, signature: q.signature, akPublic: p256.publicArea };
    expect((await verifyTpmQuote({ ...base, pcrs: q.pcrs }, { nonce, cache })).ok).toBe(true);
    await expect(
      verifyTpmQuote(
        {
          ...base,
          pcrs: { sha256: { '00': new Uint8Array(32) } as unknown as Record<number, Uint8Array> },
        },
        { nonce, cache },
      ),
    ).rejects.toThrow(TypeError);
    await expect(
      verifyTpmQuote(
        { ...base, pcrs: { sha256: { 0: 'x' as unknown as Uint8Array } } },
        { nonce, cache },
      ),
    ).rejects.toThrow(TypeError);
    // The cache is still good.
    expect((await verifyTpmQuote({ ...base, pcrs: q.pcrs }, { nonce, cache })).ok).toBe(true);
  });
});
