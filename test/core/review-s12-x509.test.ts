/**
 * Session 12 review of the core certificate code (SYNTHETIC test PKI throughout):
 * - serials are compared by value, with their sign: `checkCrl` reads odd-length and upper-case hex
 *   and refuses what it cannot read; a negative serial and the positive one with the same
 *   content octets are different serials;
 * - delta, issuing-distribution-point and certificate-issuer CRL extensions are refused even when
 *   marked non-critical;
 * - structural SPKI / certificate errors carry a byte offset;
 * - the signature memo tells an RSASSA-PSS-only key from the same modulus as rsaEncryption.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FORGE_NOW, mintChain, mintCrl, testKey, x509, type TestKey } from '../support/forge.js';
import { cat, tlv } from '../support/der.js';
import { expectAttestError } from '../support/errors.js';
import { parseDer } from '../../src/core/der.js';
import {
  checkCrl,
  parseCertificate,
  parseCrl,
  parseSpki,
  verifySignedBy,
  type X509Certificate,
} from '../../src/core/x509.js';
import { createCache } from '../../src/core/cache.js';
import { toHex } from '../../src/core/encoding.js';

const subtle = globalThis.crypto.subtle;

/** Replaces `from` (once, same length) in a signed DER object's TBS and signs it again. */
async function patchAndResign(
  der: Uint8Array,
  from: readonly number[],
  to: readonly number[],
  key: TestKey,
): Promise<Uint8Array> {
  const outer = parseDer(der);
  const [tbsNode, alg] = outer.children as [(typeof outer.children)[0], (typeof outer.children)[0]];
  const tbs = tbsNode.raw.slice();
  const hex = toHex(tbs);
  const at = hex.indexOf(toHex(Uint8Array.from(from)));
  expect(at % 2).toBe(0);
  expect(hex.indexOf(toHex(Uint8Array.from(from)), at + 1)).toBe(-1);
  tbs.set(to, at / 2);
  const sig = new Uint8Array(await subtle.sign(key.signingAlgorithm, key.keys.privateKey, tbs));
  return tlv(0x30, tbs, alg.raw, tlv(0x03, cat(Uint8Array.of(0), sig)));
}

describe('core x509 (session 12 review, SYNTHETIC test PKI)', () => {
  let rootKey: TestKey;
  let root: X509Certificate;
  let rootName: string;

  beforeAll(async () => {
    rootKey = await testKey('rsa-pkcs1-2048');
    const c = await mintChain(
      { root: 'rsa-pkcs1-2048', intermediate: 'p256', leaf: 'p256' },
      {},
      {
        rootKey,
      },
    );
    root = parseCertificate(c.root.der);
    rootName = c.root.cert.subject;
  });

  it('checkCrl compares serials by value: odd length, upper case and leading zeros all match', async () => {
    const crl = parseCrl(
      await mintCrl({ issuerName: rootName, signer: rootKey, revokedSerials: ['0fff'] }),
    );
    expect(crl.revoked[0]!.serialHex).toBe('0fff');
    for (const s of ['0fff', 'fff', 'FFF', '000fff']) {
      const r = await checkCrl(crl, root, [s], { now: FORGE_NOW });
      expect(r.ok).toBe(true);
      expect(r.revokedSerials).toEqual(['0fff']);
    }
    // 0x0ffe is not revoked, whatever its spelling.
    expect((await checkCrl(crl, root, ['ffe', '0ffe'], { now: FORGE_NOW })).revokedSerials).toEqual(
      [],
    );
  });

  it('checkCrl refuses serials it cannot read instead of matching nothing', async () => {
    const crl = parseCrl(
      await mintCrl({ issuerName: rootName, signer: rootKey, revokedSerials: ['0fff'] }),
    );
    for (const bad of ['0x0fff', '0f:ff', '', '-', 'g1', 4095, null] as unknown[]) {
      await expect(checkCrl(crl, root, [bad as string], { now: FORGE_NOW })).rejects.toThrow(
        TypeError,
      );
    }
    await expect(
      checkCrl(crl, root, '0fff' as unknown as string[], { now: FORGE_NOW }),
    ).rejects.toThrow(TypeError);
  });

  it('a negative serial keeps its sign: -255 and +65281 (content ff01 / 00ff01) never revoke each other', async () => {
    // @peculiar/x509 writes "ff01" as the positive INTEGER 02 03 00 ff 01; the CRL entry 7f01 is
    // rewritten to ff01 (the negative INTEGER -255, which RFC 5280 forbids) and signed again.
    const positive = parseCrl(
      await mintCrl({ issuerName: rootName, signer: rootKey, revokedSerials: ['ff01'] }),
    );
    expect(positive.revoked[0]!.serialHex).toBe('ff01');
    const der = await patchAndResign(
      await mintCrl({ issuerName: rootName, signer: rootKey, revokedSerials: ['7f01'] }),
      [0x02, 0x02, 0x7f, 0x01],
      [0x02, 0x02, 0xff, 0x01],
      rootKey,
    );
    const negative = parseCrl(der);
    expect(negative.revoked[0]!.serialHex).toBe('-ff');
    expect(toHex(negative.revoked[0]!.serialNumber)).toBe('ff');
    const r = await checkCrl(negative, root, ['ff01', 'ff'], { now: FORGE_NOW });
    expect(r.ok).toBe(true);
    expect(r.revokedSerials).toEqual([]);
    expect((await checkCrl(negative, root, ['-00ff'], { now: FORGE_NOW })).revokedSerials).toEqual([
      '-ff',
    ]);
    expect((await checkCrl(positive, root, ['-ff01'], { now: FORGE_NOW })).revokedSerials).toEqual(
      [],
    );
  });

  it('a certificate with a negative serial reads as "-" and its magnitude, and a CRL of it revokes it', async () => {
    const leafKey = await testKey('p256');
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '7f0001',
      issuer: rootName,
      subject: 'CN=negative serial (SYNTHETIC)',
      notBefore: new Date(FORGE_NOW.getTime() - 86400_000),
      notAfter: new Date(FORGE_NOW.getTime() + 86400_000),
      publicKey: leafKey.keys.publicKey,
      signingKey: rootKey.keys.privateKey,
      signingAlgorithm: rootKey.signingAlgorithm,
    });
    const der = await patchAndResign(
      new Uint8Array(cert.rawData),
      [0x02, 0x03, 0x7f, 0x00, 0x01],
      [0x02, 0x03, 0x80, 0x00, 0x01],
      rootKey,
    );
    const neg = parseCertificate(der);
    // 80 00 01 is -(2^23 - 1) = -0x7fffff.
    expect(neg.serialHex).toBe('-7fffff');
    const crl = parseCrl(
      await patchAndResign(
        await mintCrl({ issuerName: rootName, signer: rootKey, revokedSerials: ['7f0001'] }),
        [0x02, 0x03, 0x7f, 0x00, 0x01],
        [0x02, 0x03, 0x80, 0x00, 0x01],
        rootKey,
      ),
    );
    expect((await checkCrl(crl, root, [neg.serialHex], { now: FORGE_NOW })).revokedSerials).toEqual(
      ['-7fffff'],
    );
  });

  for (const [name, oid, where] of [
    ['deltaCRLIndicator', '2.5.29.27', 'crl'],
    ['issuingDistributionPoint', '2.5.29.28', 'crl'],
    ['certificateIssuer', '2.5.29.29', 'entry'],
  ] as const) {
    it(`a CRL with a non-critical ${name} is refused (it changes what the CRL covers)`, async () => {
      // SYNTHETIC extension values: the check looks at the OID only.
      const ext = new x509.Extension(oid, false, new Uint8Array([0x30, 0x00]));
      const crl = parseCrl(
        await mintCrl({
          issuerName: rootName,
          signer: rootKey,
          revokedSerials: ['01'],
          ...(where === 'crl' ? { extensions: [ext] } : { entryExtensions: [ext] }),
        }),
      );
      const r = await checkCrl(crl, root, [], { now: FORGE_NOW });
      expect(r.ok).toBe(false);
      expect(r.problems.join()).toContain(`unprocessed extension ${oid}`);
    });
  }

  it('structural SPKI and certificate errors carry the offset of the field at fault', async () => {
    // An EC SPKI whose point is 4 bytes: the error points at the subjectPublicKey BIT STRING.
    const spki = tlv(
      0x30,
      tlv(
        0x30,
        Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01),
        Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07),
      ),
      tlv(0x03, Uint8Array.of(0, 4, 1, 2, 3)),
    );
    const e1 = expectAttestError(() => parseSpki(spki), 'ERR_BAD_KEY');
    expect(e1.offset).toBe(2 + 2 + 9 + 10);
    // An empty SEQUENCE: the missing algorithm is reported at the SEQUENCE.
    expect(
      expectAttestError(() => parseSpki(Uint8Array.of(0x30, 0x00)), 'ERR_BAD_KEY').offset,
    ).toBe(0);
    // A TBSCertificate that ends after the version: the missing serial is reported at the TBS.
    const tbs = tlv(0x30, tlv(0xa0, Uint8Array.of(0x02, 0x01, 0x02)));
    const cert = tlv(0x30, tbs, tlv(0x30, Uint8Array.of(0x05, 0x00)), tlv(0x03, Uint8Array.of(0)));
    const e2 = expectAttestError(() => parseCertificate(cert), 'ERR_BAD_CERTIFICATE');
    expect(e2.offset).toBe(2);
  });

  it('the signature memo keeps an RSASSA-PSS-only key apart from the same modulus as rsaEncryption', async () => {
    const key = rootKey;
    const plain = root.publicKey;
    expect(plain.kind).toBe('rsa');
    const pssOnly = { ...plain, pssOnly: true as const };
    const signed = parseCrl(await mintCrl({ issuerName: rootName, signer: key }));
    const cache = createCache();
    expect(await verifySignedBy(signed, plain, cache)).toBe(true);
    // Without the fix the cached PKCS#1 verdict was returned for the PSS-only key.
    await expect(verifySignedBy(signed, pssOnly, cache)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
  });

  it('an id-RSASSA-PSS key with parameters is refused, never used without its restriction', async () => {
    const kp = await subtle.generateKey(
      {
        name: 'RSA-PSS',
        modulusLength: 2048,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const bitString = parseDer(new Uint8Array(await subtle.exportKey('spki', kp.publicKey)))
      .children[1]!.raw;
    const oid = (...b: number[]) => Uint8Array.of(0x06, b.length, ...b);
    const RSASSA_PSS = oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a);
    const SHA256 = oid(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01);
    const MGF1 = oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08);
    // RSASSA-PSS-params: SHA-256, MGF1-SHA-256, salt 32 (RFC 4055 §3.1).
    const params = tlv(
      0x30,
      tlv(0xa0, tlv(0x30, SHA256)),
      tlv(0xa1, tlv(0x30, MGF1, tlv(0x30, SHA256))),
      tlv(0xa2, Uint8Array.of(0x02, 0x01, 32)),
    );
    const spki = (p?: Uint8Array) =>
      tlv(0x30, tlv(0x30, RSASSA_PSS, ...(p !== undefined ? [p] : [])), bitString);
    for (const p of [params, Uint8Array.of(0x02, 0x01, 0x05)]) {
      const e = expectAttestError(() => parseSpki(spki(p)), 'ERR_UNSUPPORTED');
      expect(e.offset).toBe(4 + 2 + RSASSA_PSS.length); // SEQUENCE (long form), algorithm, OID
    }
    // Without parameters the key is PSS-only and otherwise unrestricted.
    const open = parseSpki(spki());
    expect(open.kind === 'rsa' && open.pssOnly).toBe(true);
  });
});
