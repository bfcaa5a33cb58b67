/**
 * SHA-1 certificate and CRL signatures are refused unless the caller opts in (review H-7; Go's
 * x509 refuses them since Go 1.18). SYNTHETIC test PKI: no real vector is SHA-1 signed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { FORGE_NOW, mintChain, mintCrl, testKey, x509, type TestKey } from '../support/forge.js';
import {
  checkCrl,
  parseCertificate,
  parseCrl,
  spkiSha256,
  verifyChain,
  verifySignedBy,
} from '../../src/core/x509.js';
import { createCache } from '../../src/core/cache.js';
import { AttestError } from '../../src/core/errors.js';
import { verifyEkCertificate } from '../../src/tpm/index.js';

/** An RSA PKCS#1 v1.5 key bound to SHA-1 (WebCrypto ties the hash to the key). */
async function rsaSha1Key(): Promise<TestKey> {
  const keys = await webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-1',
    },
    true,
    ['sign', 'verify'],
  );
  return { kind: 'rsa-pkcs1-2048', keys, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' } };
}

describe('SHA-1 certificate signatures (SYNTHETIC test PKI)', () => {
  let rsaSha1: TestKey;
  let p256: TestKey;
  let p256Sha1: TestKey;
  let p384: TestKey;
  beforeAll(async () => {
    [rsaSha1, p256, p384] = await Promise.all([rsaSha1Key(), testKey('p256'), testKey('p384')]);
    p256Sha1 = { ...p256, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-1' } };
  });
  const run = async (
    keys: { rootKey: TestKey; intermediateKey: TestKey; leafKey: TestKey },
    allowSha1Signatures?: boolean,
  ) => {
    const c = await mintChain(undefined, {}, keys);
    const root = parseCertificate(c.root.der);
    return verifyChain({
      root,
      intermediate: parseCertificate(c.intermediate.der),
      leaf: parseCertificate(c.leaf.der),
      rootPins: [spkiSha256(root)],
      now: FORGE_NOW,
      ...(allowSha1Signatures !== undefined ? { allowSha1Signatures } : {}),
    });
  };

  it('sha1WithRSAEncryption on the intermediate fails that link only; the root self-signature is exempt', async () => {
    const keys = { rootKey: rsaSha1, intermediateKey: p256, leafKey: p384 };
    const r = await run(keys);
    expect([r.ok, r.root.ok, r.intermediate.ok, r.leaf.ok]).toEqual([false, true, false, true]);
    expect(r.intermediate.problems).toHaveLength(1);
    expect(r.intermediate.problems[0]).toMatch(/SHA-1 signature \(1\.2\.840\.113549\.1\.1\.5\)/);
    expect((await run(keys, true)).ok).toBe(true);
    expect((await run(keys, false)).intermediate.ok).toBe(false);
  });

  it('ecdsa-with-SHA1 parses, fails the leaf link by default, passes with allowSha1Signatures', async () => {
    const keys = { rootKey: p384, intermediateKey: p256Sha1, leafKey: p384 };
    const c = await mintChain(undefined, {}, keys);
    expect(parseCertificate(c.leaf.der).signatureAlgorithm).toEqual({
      oid: '1.2.840.10045.4.1',
      scheme: 'ecdsa',
      hash: 'sha1',
    });
    const r = await run(keys);
    expect([r.root.ok, r.intermediate.ok, r.leaf.ok]).toEqual([true, true, false]);
    expect(r.leaf.problems[0]).toMatch(/SHA-1 signature \(1\.2\.840\.10045\.4\.1\)/);
    expect((await run(keys, true)).ok).toBe(true);
  });

  it('verifySignedBy refuses before any crypto, and a cached verdict never bypasses the refusal', async () => {
    const c = await mintChain(
      undefined,
      {},
      { rootKey: rsaSha1, intermediateKey: p256, leafKey: p384 },
    );
    const root = parseCertificate(c.root.der);
    const inter = parseCertificate(c.intermediate.der);
    const cache = createCache();
    expect(await verifySignedBy(inter, root, cache, { allowSha1Signatures: true })).toBe(true);
    let caught: unknown;
    await verifySignedBy(inter, root, cache).catch((e: unknown) => (caught = e));
    expect(caught).toBeInstanceOf(AttestError);
    expect((caught as AttestError).code).toBe('ERR_UNSUPPORTED');
    expect(
      await verifySignedBy(inter, root.publicKey, undefined, { allowSha1Signatures: true }),
    ).toBe(true);
    await expect(verifySignedBy(inter, root.publicKey)).rejects.toBeInstanceOf(AttestError);
  });

  it('a SHA-1 CRL is unusable unless allowSha1Signatures', async () => {
    const c = await mintChain(
      undefined,
      {},
      { rootKey: rsaSha1, intermediateKey: p256, leafKey: p384 },
    );
    const root = parseCertificate(c.root.der);
    const crl = parseCrl(
      await mintCrl({
        issuerName: c.root.cert.subject,
        signer: rsaSha1,
        revokedSerials: ['010001'],
      }),
    );
    const refused = await checkCrl(crl, root, ['010001'], { now: FORGE_NOW });
    expect(refused.ok).toBe(false);
    expect(refused.problems).toHaveLength(1);
    expect(refused.problems[0]).toMatch(/SHA-1/);
    const allowed = await checkCrl(crl, root, ['010001'], {
      now: FORGE_NOW,
      allowSha1Signatures: true,
    });
    expect(allowed).toEqual({ ok: true, problems: [], revokedSerials: ['010001'] });
  });

  it('verifyEkCertificate: tpm.ek.chain fails on a SHA-1 EK certificate unless allowSha1', async () => {
    // EK-shaped leaf: end entity with keyEncipherment (the TCG fields are not needed for the chain).
    const c = await mintChain(
      undefined,
      { leaf: { keyUsage: x509.KeyUsageFlags.keyEncipherment } },
      { rootKey: p384, intermediateKey: rsaSha1, leafKey: p256 },
    );
    const evidence = { certificate: c.leaf.der, intermediates: [c.intermediate.der] };
    const chainOf = async (allowSha1?: boolean) =>
      (
        await verifyEkCertificate(evidence, {
          roots: c.root.der,
          now: FORGE_NOW,
          ...(allowSha1 !== undefined ? { allowSha1 } : {}),
        })
      ).checks.find((x) => x.id === 'tpm.ek.chain')!;
    const refused = await chainOf();
    expect(refused.status).toBe('fail');
    const issues = (refused.detail as { issues: { reason: string; cause?: { code?: string } }[] })
      .issues;
    expect(issues.map((i) => [i.reason, i.cause?.code])).toContainEqual([
      'signature-error',
      'ERR_UNSUPPORTED',
    ]);
    expect((await chainOf(false)).status).toBe('fail');
    expect((await chainOf(true)).status).toBe('pass');
  });
});
