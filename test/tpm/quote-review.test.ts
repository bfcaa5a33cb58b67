/**
 * verifyTpmQuote against the quote-path review of session 8 (SYNTHETIC keys, made here): a
 * signature WebCrypto refuses is a failed check, never a rejection; RSA-PSS salts that a key
 * cannot hold are not tried; the signed bytes are read once; a JWK's `raw` member does not key
 * the cache; an id-RSASSA-PSS SPKI AK verifies PSS only; `akParentQualifiedName` and
 * `requireAkAttributes` make their checks required.
 */
import { describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import {
  encodeTpmsAttest,
  encodeTpmtPublic,
  encodeTpmtSignature,
  TPM_ALG,
  tpmHandleName,
  tpmQualifiedName,
  verifyTpmQuote,
  type PcrBanks,
  type TpmQuoteVerification,
} from '../../src/tpm/index.js';
import { createCache } from '../../src/core/cache.js';
import { forgeKey, forgeQuote } from './support/forge.js';

const subtle = webcrypto.subtle;
const st = (r: TpmQuoteVerification, id: string): string | undefined =>
  r.checks.find((c) => c.id === id)?.status;

/** A 1024-bit RSA-PSS SHA-512 AK (a key too small for salt = hash length) and its quote. */
async function smallPssQuote(salt: number) {
  const kp = await subtle.generateKey(
    {
      name: 'RSA-PSS',
      modulusLength: 1024,
      publicExponent: Uint8Array.of(1, 0, 1),
      hash: 'SHA-512',
    },
    true,
    ['sign', 'verify'],
  );
  const jwk = await subtle.exportKey('jwk', kp.publicKey);
  const n = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
  const akPublic = encodeTpmtPublic({
    type: 'rsa',
    nameAlgId: TPM_ALG.SHA256,
    objectAttributes: 0x00050072,
    authPolicy: new Uint8Array(0),
    parameters: {
      symmetric: { algorithmId: TPM_ALG.NULL },
      scheme: { schemeId: TPM_ALG.RSAPSS, hashAlg: TPM_ALG.SHA512 },
      keyBits: 1024,
      exponent: 0,
    },
    unique: n,
  });
  const nonce = Uint8Array.of(1, 2, 3, 4);
  const attest = encodeTpmsAttest({
    qualifiedSigner: new Uint8Array(0),
    extraData: nonce,
    clockInfo: { clock: 1n, resetCount: 0, restartCount: 0, safe: true },
    firmwareVersion: 0n,
    attested: {
      type: 'quote',
      pcrSelect: [],
      pcrDigest: new Uint8Array(await subtle.digest('SHA-512', new Uint8Array(0))),
    },
  });
  const sig = new Uint8Array(
    await subtle.sign({ name: 'RSA-PSS', saltLength: salt }, kp.privateKey, attest),
  );
  const signature = encodeTpmtSignature({ sigAlg: 'rsapss', hashAlg: TPM_ALG.SHA512, sig });
  return { attest, signature, akPublic, nonce, jwk };
}

/** Runs `f` with `crypto.subtle.verify` replaced (a test double for WebCrypto refusing). */
async function withVerify<T>(verify: () => Promise<boolean>, f: () => Promise<T>): Promise<T> {
  const s = globalThis.crypto.subtle as { verify: unknown };
  const real = s.verify;
  s.verify = verify;
  try {
    return await f();
  } finally {
    s.verify = real;
  }
}

describe('verifyTpmQuote: hostile RSA keys and signatures (review, session 8)', () => {
  it('a 1024-bit SHA-512 PSS AK: the maximum salt (62) verifies; salt 64 is never tried', async () => {
    const q = await smallPssQuote(62);
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: q.akPublic, pcrs: {} },
      { nonce: q.nonce },
    );
    expect(st(r, 'tpm.quote.signature')).toBe('pass');
    expect(r.checks.find((c) => c.id === 'tpm.quote.signature')!.detail).toEqual({
      saltLength: 62,
    });
  });

  it('a signature WebCrypto refuses (a DOMException) is a failed check, not a rejection', async () => {
    const key = await forgeKey('p256');
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(5) });
    const r = await withVerify(
      () => Promise.reject(new DOMException('refused', 'OperationError')),
      () =>
        verifyTpmQuote(
          { attest: q.attest, signature: q.signature, akPublic: key.jwk, pcrs: q.pcrs },
          { nonce: Uint8Array.of(5) },
        ),
    );
    expect(r.ok).toBe(false);
    const c = r.checks.find((x) => x.id === 'tpm.quote.signature')!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('refused');
  });

  it('a rejected verification after the caller threw leaves no unhandled rejection', async () => {
    const key = await forgeKey('p256');
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(6) });
    const seen: unknown[] = [];
    const onUnhandled = (e: unknown): void => {
      seen.push(e);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      await withVerify(
        () => Promise.reject(new Error('boom')),
        async () => {
          await expect(
            verifyTpmQuote(
              {
                attest: q.attest,
                signature: q.signature,
                akPublic: key.jwk,
                pcrs: { sha256: { '07': new Uint8Array(32) } } as unknown as PcrBanks,
              },
              { nonce: Uint8Array.of(6) },
            ),
          ).rejects.toThrow(TypeError);
          await new Promise((r) => setTimeout(r, 50));
        },
      );
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(seen).toEqual([]);
  });

  it('an id-RSASSA-PSS SPKI AK does not verify an RSASSA-PKCS1 quote', async () => {
    const key = await forgeKey('rsassa');
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(7) });
    // The same key, its SPKI relabelled id-RSASSA-PSS (RFC 4055, no parameters).
    const spki = new Uint8Array(
      await subtle.exportKey(
        'spki',
        await subtle.importKey(
          'jwk',
          key.jwk,
          { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
          true,
          ['verify'],
        ),
      ),
    );
    const rsaEncryption = [
      0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    const at = spki.findIndex((_, i) => rsaEncryption.every((b, j) => spki[i + j] === b));
    expect(at).toBeGreaterThan(0);
    const pss = spki.slice();
    pss[at + 10] = 0x0a; // 1.2.840.113549.1.1.10, parameters still NULL-length-0 → drop NULL:
    // keep the DER valid by replacing NULL (05 00) with an empty SEQUENCE (30 00) of parameters.
    pss[at + 11] = 0x30;
    const plain = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: spki, pcrs: q.pcrs },
      { nonce: Uint8Array.of(7) },
    );
    expect(plain.ok).toBe(true);
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: pss, pcrs: q.pcrs },
      { nonce: Uint8Array.of(7) },
    );
    expect(r.ok).toBe(false);
    // An empty RSASSA-PSS-params SEQUENCE still restricts the key (SHA-1, salt 20): since session
    // 12 such a key is refused when decoded, so the signature is never tried.
    expect(st(r, 'tpm.quote.ak')).toBe('fail');
    expect(st(r, 'tpm.quote.signature')).not.toBe('pass');
    expect(r.pcrs).toEqual({});
  });
});

describe('verifyTpmQuote: what the caller asks for is required (review, session 8)', () => {
  it('akParentQualifiedName with a JWK AK: qualified-signer is a required skip', async () => {
    const key = await forgeKey('p256');
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(1) });
    const parentQn = tpmQualifiedName(tpmHandleName('endorsement'), key.publicArea);
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: key.jwk, pcrs: q.pcrs },
      { nonce: Uint8Array.of(1), akParentQualifiedName: parentQn },
    );
    const c = r.checks.find((x) => x.id === 'tpm.quote.qualified-signer')!;
    expect([c.status, c.required]).toEqual(['skip', true]);
    expect(r.ok).toBe(false);
    const without = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: key.jwk, pcrs: q.pcrs },
      { nonce: Uint8Array.of(1) },
    );
    expect(without.ok).toBe(true);
  });

  it('requireAkAttributes refuses an AK that cannot show its attributes (PEM)', async () => {
    const key = await forgeKey('rsassa');
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(2) });
    const ev = { attest: q.attest, signature: q.signature, akPublic: key.pem, pcrs: q.pcrs };
    expect((await verifyTpmQuote(ev, { nonce: Uint8Array.of(2) })).ok).toBe(true);
    const r = await verifyTpmQuote(ev, { nonce: Uint8Array.of(2), requireAkAttributes: true });
    const c = r.checks.find((x) => x.id === 'tpm.quote.ak-attributes')!;
    expect([c.status, c.required]).toEqual(['skip', true]);
    expect(r.ok).toBe(false);
  });

  it('an AK whose Name is SHA-1 fails sha1 unless allowSha1', async () => {
    const key = await forgeKey('p256', 'sha256', { nameAlg: 'sha1' });
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(4) });
    const ev = { attest: q.attest, signature: q.signature, akPublic: key.publicArea, pcrs: q.pcrs };
    const strict = await verifyTpmQuote(ev, { nonce: Uint8Array.of(4) });
    const c = strict.checks.find((x) => x.id === 'tpm.quote.sha1')!;
    expect(c.status).toBe('fail');
    expect((c.detail as { uses: string[] }).uses).toEqual(['SHA-1 AK Name']);
    const relaxed = await verifyTpmQuote(ev, { nonce: Uint8Array.of(4), allowSha1: true });
    expect(st(relaxed, 'tpm.quote.sha1')).toBe('warn');
  });

  it('an AK whose nameAlg is NULL fails ak-attributes', async () => {
    const key = await forgeKey('p256');
    const p = key.publicArea.slice();
    // TPMT_PUBLIC: type (2) then nameAlg (2): TPM_ALG_NULL = 0x0010.
    p[2] = 0x00;
    p[3] = 0x10;
    const q = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(3) });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: p, pcrs: q.pcrs },
      { nonce: Uint8Array.of(3) },
    );
    expect(st(r, 'tpm.quote.ak-attributes')).toBe('fail');
    expect(r.ok).toBe(false);
  });
});

describe('verifyTpmQuote: the signed bytes and the cache (review, session 8)', () => {
  it('the bytes parsed are the bytes verified, even if the caller changes its buffer meanwhile', async () => {
    const key = await forgeKey('p256');
    const a = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(1, 1) });
    const b = await forgeQuote({ key, selection: [['sha256', [0]]], nonce: Uint8Array.of(2, 2) });
    expect(a.attest.length).toBe(b.attest.length);
    const buf = b.attest.slice();
    const pcrs = {
      get sha256() {
        buf.set(a.attest); // after the parse, before the (cold) key import finishes
        return a.pcrs.sha256!;
      },
    };
    const r = await verifyTpmQuote(
      { attest: buf, signature: a.signature, akPublic: key.publicArea, pcrs },
      { nonce: Uint8Array.of(2, 2) },
    );
    expect(r.ok).toBe(false);
  });

  it("a JWK's raw member does not key the cache: two JWKs sharing one raw are two keys", async () => {
    const good = await forgeKey('p256');
    const evil = await forgeKey('p256');
    const q = await forgeQuote({
      key: evil,
      selection: [['sha256', [0]]],
      nonce: Uint8Array.of(9),
    });
    const raw = new Uint8Array(8);
    const cache = createCache();
    const ev = (jwk: JsonWebKey) => ({
      attest: q.attest,
      signature: q.signature,
      akPublic: { ...jwk, raw } as unknown as JsonWebKey,
      pcrs: q.pcrs,
    });
    expect((await verifyTpmQuote(ev(evil.jwk), { nonce: Uint8Array.of(9), cache })).ok).toBe(true);
    expect((await verifyTpmQuote(ev(good.jwk), { nonce: Uint8Array.of(9), cache })).ok).toBe(false);
  });
});
