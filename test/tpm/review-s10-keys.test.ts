/**
 * Review s10 (TPM identity keys), everything SYNTHETIC (fresh keys, test CAs):
 *
 * - makeCredential binds the Name and credential it validated, whatever the caller does with its
 *   buffers while the call awaits (reuse, detaching);
 * - verifyEkCertificate fails `tpm.ek.key-usage` when keyUsage is present without the EK's bit
 *   (keyEncipherment for RSA, keyAgreement for ECC), and `tpm.ek.public-key` when `ekPublic` is not
 *   a restricted decryption key — together an AK certificate from an EK CA (GCE issues these) and
 *   the AK's public area used to pass as a certified EK;
 * - intermediates whose RSA exponent is above 2^32 − 1 are refused when parsed, so the EK path
 *   search never spends a signature check on one.
 */
import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { p256 } from '@noble/curves/nist.js';
import {
  encodeTpmtPublic,
  makeCredential,
  TPM_ALG,
  tpmName,
  verifyEkCertificate,
  type EkCertificateVerification,
} from '../../src/tpm/index.js';
import { importP256, mintCa, mintEkCert, tcgSan, type Minted } from './support/ek-certs.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;

const EK_POLICY_A = Uint8Array.from(
  Buffer.from('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa', 'hex'),
);
/** fixedTPM fixedParent sensitiveDataOrigin adminWithPolicy restricted decrypt (templates L-1/L-2). */
const EK_ATTRIBUTES = 0x000300b2;
/** fixedTPM fixedParent sensitiveDataOrigin userWithAuth restricted sign (an AK). */
const AK_ATTRIBUTES = 0x00050072;
/** fixedTPM fixedParent sensitiveDataOrigin userWithAuth decrypt (not restricted). */
const UNRESTRICTED_DECRYPT = 0x00020072;
/** fixedTPM fixedParent sensitiveDataOrigin userWithAuth sign decrypt (not restricted). */
const SIGN_AND_DECRYPT = 0x00060072;

const AES128_CFB = { algorithmId: TPM_ALG.AES, keyBits: 128, modeId: TPM_ALG.CFB };

function eccPublic(point: Uint8Array, attributes: number): Uint8Array {
  const decryptKey = (attributes & 0x00010000) !== 0 && (attributes & 0x00020000) !== 0;
  return encodeTpmtPublic({
    type: 'ecc',
    nameAlgId: TPM_ALG.SHA256,
    objectAttributes: attributes,
    authPolicy: decryptKey ? EK_POLICY_A : new Uint8Array(0),
    parameters: {
      symmetric: decryptKey ? AES128_CFB : { algorithmId: TPM_ALG.NULL },
      scheme:
        (attributes & 0x00040000) !== 0 && (attributes & 0x00020000) === 0
          ? { schemeId: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 }
          : { schemeId: TPM_ALG.NULL },
      curveId: 3,
      kdf: { schemeId: TPM_ALG.NULL },
    },
    unique: { x: point.subarray(1, 33), y: point.subarray(33) },
  });
}

function rsaPublic(n: Uint8Array, attributes: number): Uint8Array {
  const decryptKey = (attributes & 0x00010000) !== 0 && (attributes & 0x00020000) !== 0;
  return encodeTpmtPublic({
    type: 'rsa',
    nameAlgId: TPM_ALG.SHA256,
    objectAttributes: attributes,
    authPolicy: decryptKey ? EK_POLICY_A : new Uint8Array(0),
    parameters: {
      symmetric: decryptKey ? AES128_CFB : { algorithmId: TPM_ALG.NULL },
      scheme:
        (attributes & 0x00040000) !== 0
          ? { schemeId: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 }
          : { schemeId: TPM_ALG.NULL },
      keyBits: 2048,
      exponent: 0,
    },
    unique: n,
  });
}

/** A SYNTHETIC RSA EK certificate (TCG EKU and SAN) with the given keyUsage flags, or none. */
async function mintRsaEkCert(
  publicKey: CryptoKey,
  issuer: Minted & { name: string },
  keyUsage: number | undefined,
): Promise<Uint8Array> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '5e',
    subject: '',
    issuer: `CN=${issuer.name}`,
    publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date('2021-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(keyUsage !== undefined ? [new x509.KeyUsagesExtension(keyUsage, true)] : []),
      new x509.ExtendedKeyUsageExtension(['2.23.133.8.1']),
      new x509.Extension('2.5.29.17', true, tcgSan('id:49465800', 'SLB9670', 'id:0007003D')),
    ],
  });
  return new Uint8Array(cert.rawData);
}

const check = (r: EkCertificateVerification, id: string) => r.checks.find((c) => c.id === id)!;

describe('makeCredential: private copies of objectName and credential (review s10)', () => {
  /** The same deterministic randomBytes for every call, so two calls give the same blob. */
  const fixedRandom = (): ((n: number) => Uint8Array) => {
    let k = 0x11;
    return (n) => new Uint8Array(n).fill(k++);
  };
  let eks: { kind: string; ekPublic: Uint8Array }[];

  beforeAll(async () => {
    const rsa = await subtle.generateKey(
      {
        name: 'RSA-OAEP',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['encrypt', 'decrypt'],
    );
    const jwk = await subtle.exportKey('jwk', rsa.publicKey);
    const n = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
    const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    eks = [
      { kind: 'RSA', ekPublic: rsaPublic(n, EK_ATTRIBUTES) },
      { kind: 'ECC P-256', ekPublic: eccPublic(point, EK_ATTRIBUTES) },
    ];
  });

  it('buffers the caller rewrites after the call do not change the blob', async () => {
    for (const { kind, ekPublic } of eks) {
      const name = new Uint8Array(34);
      name[1] = 0x0b;
      name.fill(0xaa, 2);
      const credential = new Uint8Array(32).fill(7);
      const expected = await makeCredential(ekPublic, name.slice(), credential.slice(), {
        randomBytes: fixedRandom(),
      });
      const pending = makeCredential(ekPublic, name, credential, { randomBytes: fixedRandom() });
      // The caller moves on to the next AK in the same tick.
      name.fill(0xbb, 2);
      credential.fill(9);
      expect(await pending, kind).toEqual(expected);
    }
  });

  it('buffers detached after the call do not make it throw', async () => {
    for (const { kind, ekPublic } of eks) {
      const nameBuffer = new ArrayBuffer(34);
      const name = new Uint8Array(nameBuffer);
      name[1] = 0x0b;
      name.fill(0xaa, 2);
      const credentialBuffer = new ArrayBuffer(32);
      const credential = new Uint8Array(credentialBuffer).fill(7);
      const expected = await makeCredential(ekPublic, name.slice(), credential.slice(), {
        randomBytes: fixedRandom(),
      });
      const pending = makeCredential(ekPublic, name, credential, { randomBytes: fixedRandom() });
      structuredClone(nameBuffer, { transfer: [nameBuffer] });
      structuredClone(credentialBuffer, { transfer: [credentialBuffer] });
      expect(name.length).toBe(0);
      expect(await pending, kind).toEqual(expected);
    }
  });
});

describe('verifyEkCertificate: an AK certificate and an AK public area are not an EK (review s10)', () => {
  let root: Minted & { name: string };
  let inter: Minted & { name: string };
  let point: Uint8Array;
  let eccKey: CryptoKey;
  let rsaKey: CryptoKey;
  let rsaN: Uint8Array;
  const F = x509.KeyUsageFlags;
  const verify = (certificate: Uint8Array, ekPublic?: Uint8Array) =>
    verifyEkCertificate(
      {
        certificate,
        intermediates: inter.der,
        ...(ekPublic !== undefined ? { ekPublic } : {}),
      },
      { roots: root.der, now: new Date('2030-01-01T00:00:00Z') },
    );

  beforeAll(async () => {
    root = await mintCa('Synthetic TPM Root');
    inter = await mintCa('Synthetic TPM EK CA', root);
    point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    eccKey = await importP256(point);
    const rsa = await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    rsaKey = rsa.publicKey;
    rsaN = new Uint8Array(
      Buffer.from((await subtle.exportKey('jwk', rsa.publicKey)).n!, 'base64url'),
    );
  });

  it('ECC: keyUsage digitalSignature only fails tpm.ek.key-usage (required); keyAgreement passes', async () => {
    const signing = await verify(await mintEkCert(eccKey, inter, { keyUsage: 'digitalSignature' }));
    expect(check(signing, 'tpm.ek.chain').status).toBe('pass');
    expect(check(signing, 'tpm.ek.key-usage')).toMatchObject({
      status: 'fail',
      required: true,
      detail: { expected: 'keyAgreement', actual: ['digitalSignature'] },
    });
    expect(signing.ok).toBe(false);

    const ek = await verify(await mintEkCert(eccKey, inter, { keyUsage: 'keyAgreement' }));
    expect(check(ek, 'tpm.ek.key-usage')).toMatchObject({ status: 'pass', required: true });
    expect(ek.ok).toBe(true);
  });

  it('RSA: keyUsage without keyEncipherment fails; with it passes; absent stays a warning', async () => {
    const signing = await verify(
      await mintRsaEkCert(rsaKey, inter, F.digitalSignature | F.keyAgreement),
    );
    expect(check(signing, 'tpm.ek.key-usage')).toMatchObject({
      status: 'fail',
      required: true,
      detail: { expected: 'keyEncipherment', actual: ['digitalSignature', 'keyAgreement'] },
    });
    expect(signing.ok).toBe(false);

    const ek = await verify(await mintRsaEkCert(rsaKey, inter, F.keyEncipherment));
    expect(check(ek, 'tpm.ek.key-usage').status).toBe('pass');
    expect(ek.ok).toBe(true);

    const absent = await verify(await mintRsaEkCert(rsaKey, inter, undefined));
    expect(check(absent, 'tpm.ek.key-usage')).toMatchObject({ status: 'warn', required: false });
    expect(absent.ok).toBe(true);
  });

  it('an ekPublic that is not a restricted decryption key fails tpm.ek.public-key', async () => {
    const cert = await mintEkCert(eccKey, inter);
    const good = await verify(cert, eccPublic(point, EK_ATTRIBUTES));
    expect(check(good, 'tpm.ek.public-key').status).toBe('pass');
    expect(good.ok).toBe(true);

    for (const [what, attributes, actual] of [
      ['a restricted signing key (an AK)', AK_ATTRIBUTES, [true, false, true]],
      ['an unrestricted decryption key', UNRESTRICTED_DECRYPT, [false, true, false]],
      ['an unrestricted sign-and-decrypt key', SIGN_AND_DECRYPT, [false, true, true]],
    ] as const) {
      const r = await verify(cert, eccPublic(point, attributes));
      expect(check(r, 'tpm.ek.public-key'), what).toMatchObject({
        status: 'fail',
        required: true,
        detail: {
          expected: { restricted: true, decrypt: true, sign: false },
          actual: { restricted: actual[0], decrypt: actual[1], sign: actual[2] },
        },
      });
      expect(r.ok, what).toBe(false);
    }

    const rsaCert = await mintRsaEkCert(rsaKey, inter, F.keyEncipherment);
    expect(
      check(await verify(rsaCert, rsaPublic(rsaN, EK_ATTRIBUTES)), 'tpm.ek.public-key'),
    ).toMatchObject({ status: 'pass' });
    expect(
      check(await verify(rsaCert, rsaPublic(rsaN, AK_ATTRIBUTES)), 'tpm.ek.public-key'),
    ).toMatchObject({ status: 'fail' });
  });

  it('the attribute failure needs no certificate; a different key is still reported', async () => {
    const malformed = await verifyEkCertificate(
      { certificate: new Uint8Array([0x30, 0x00]), ekPublic: eccPublic(point, AK_ATTRIBUTES) },
      { roots: root.der },
    );
    expect(check(malformed, 'tpm.ek.certificate').status).toBe('fail');
    expect(check(malformed, 'tpm.ek.public-key').status).toBe('fail');

    const other = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    const r = await verify(await mintEkCert(eccKey, inter), eccPublic(other, AK_ATTRIBUTES));
    const c = check(r, 'tpm.ek.public-key');
    expect(c.status).toBe('fail');
    expect(c.detail).toHaveProperty('keys.expected');
    expect(c.detail).toHaveProperty('keys.actual');
  });

  it('the reviewer case: digitalSignature certificate + AK public area, both fail; makeCredential agrees', async () => {
    const cert = await mintEkCert(eccKey, inter, { keyUsage: 'digitalSignature' });
    const akPublic = eccPublic(point, AK_ATTRIBUTES);
    const r = await verify(cert, akPublic);
    expect(check(r, 'tpm.ek.key-usage').status).toBe('fail');
    expect(check(r, 'tpm.ek.public-key').status).toBe('fail');
    expect(r.ok).toBe(false);
    await expect(
      makeCredential(akPublic, tpmName(akPublic), new Uint8Array(16)),
    ).rejects.toMatchObject({
      code: 'ERR_BAD_KEY',
    });
  });
});

describe('verifyEkCertificate: intermediates with a huge RSA exponent (review s10)', () => {
  it('are malformed input (ERR_BAD_KEY), never tried as issuers', async () => {
    const root = await mintCa('Synthetic Unrelated Root');
    const signer = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const rsa = await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const jwk = await subtle.exportKey('jwk', rsa.publicKey);
    const e = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
    e[0] = e[0]! >> 4;
    e[e.length - 1]! |= 1;
    const hostile = await subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n!, e: Buffer.from(e).toString('base64url'), ext: true },
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    );
    const mk = async (subject: string, publicKey: CryptoKey, ca: boolean, serial: number) =>
      new Uint8Array(
        (
          await x509.X509CertificateGenerator.create({
            serialNumber: serial.toString(16).padStart(2, '0'),
            subject,
            issuer: 'CN=Hostile CA',
            publicKey,
            signingKey: signer.privateKey,
            signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
            notBefore: new Date('2021-01-01T00:00:00Z'),
            notAfter: new Date('2040-01-01T00:00:00Z'),
            extensions: [
              new x509.BasicConstraintsExtension(ca, undefined, true),
              new x509.KeyUsagesExtension(
                ca ? x509.KeyUsageFlags.keyCertSign : x509.KeyUsageFlags.keyAgreement,
                true,
              ),
            ],
          })
        ).rawData,
      );
    const leaf = await mk(
      'CN=Synthetic EK',
      await importP256(p256.getPublicKey(p256.utils.randomSecretKey(), false)),
      false,
      1,
    );
    const intermediates: Uint8Array[] = [];
    for (let i = 0; i < 8; i++)
      intermediates.push(await mk('CN=Hostile CA', hostile, true, 0x10 + i));

    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates },
      { roots: root.der, now: new Date('2030-01-01T00:00:00Z') },
    );
    const chain = check(r, 'tpm.ek.chain');
    expect(chain.status).toBe('fail');
    const issues = (chain.detail as { issues: { reason: string; cause?: { code?: string } }[] })
      .issues;
    const malformed = issues.filter((i) => i.reason === 'malformed-input');
    expect(malformed).toHaveLength(8);
    for (const i of malformed) expect(i.cause?.code).toBe('ERR_BAD_KEY');
    expect(issues.map((i) => i.reason)).not.toContain('signature');
    expect(issues.map((i) => i.reason)).not.toContain('signature-error');
  });
});

describe('verifyEkCertificate: the time', () => {
  it('an Invalid Date now is a TypeError, never a pass', async () => {
    const { verifyEkCertificate } = await import('../../src/tpm/index.js');
    await expect(
      verifyEkCertificate(
        { certificate: new Uint8Array(10) },
        { roots: [new Uint8Array(10)], now: new Date(NaN) },
      ),
    ).rejects.toThrow(/options.now must be a valid Date/);
  });
});
