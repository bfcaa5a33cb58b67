/**
 * EK certificate path building on SYNTHETIC chains (test roots and keys minted here with
 * @peculiar/x509): issuers sharing a name (cross-signed / renewed intermediates), CA constraints
 * (keyCertSign, pathLenConstraint with self-issued intermediates), critical extensions, why a
 * signature could not be checked, and the search bounds.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyEkCertificate, type EkCertificateVerification } from '../../src/tpm/index.js';
import { parseCertificate } from '../../src/core/x509.js';
import { mintEkCert, oid, tlv, type Minted } from './support/ek-certs.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

/** A SYNTHETIC CA: its certificate, key pair and name. */
type Ca = Minted & { readonly name: string };

interface CaOptions {
  /** Issuing CA; absent for a self-signed root. */
  readonly issuer?: Ca;
  /** Reuse a key pair (a renewed or cross-signed certificate of the same CA). */
  readonly keys?: CryptoKeyPair;
  readonly pathLength?: number;
  readonly keyCertSign?: boolean;
  readonly ca?: boolean;
  readonly notAfter?: Date;
  readonly rsa?: boolean;
  /** Extensions added after basicConstraints and keyUsage. */
  readonly extensions?: readonly x509.Extension[];
}

let serial = 0x1000;

/** Mints a SYNTHETIC CA certificate. */
async function mintTestCa(name: string, o: CaOptions = {}): Promise<Ca> {
  const keys =
    o.keys ?? (await subtle.generateKey(o.rsa === true ? RSA : EC, true, ['sign', 'verify']));
  const extensions = [
    new x509.BasicConstraintsExtension(o.ca ?? true, o.pathLength, true),
    new x509.KeyUsagesExtension(
      (o.keyCertSign ?? true)
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.cRLSign,
      true,
    ),
    ...(o.extensions ?? []),
  ];
  const common = {
    serialNumber: (serial++).toString(16),
    extensions,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2040-01-01T00:00:00Z'),
  };
  const cert =
    o.issuer === undefined
      ? await x509.X509CertificateGenerator.createSelfSigned({
          ...common,
          name: `CN=${name}`,
          keys,
          signingAlgorithm: o.rsa === true ? RSA : EC,
        })
      : await x509.X509CertificateGenerator.create({
          ...common,
          subject: `CN=${name}`,
          issuer: `CN=${o.issuer.name}`,
          publicKey: keys.publicKey,
          signingKey: o.issuer.keys.privateKey,
          signingAlgorithm: EC,
        });
  return { der: new Uint8Array(cert.rawData), keys, name };
}

const NOW = new Date('2030-01-01T00:00:00Z');

const chain = (r: EkCertificateVerification) => r.checks.find((c) => c.id === 'tpm.ek.chain')!;

interface Issue {
  readonly reason: string;
  readonly subject?: string;
  readonly oid?: string;
  readonly cause?: { readonly code?: string; readonly message: string };
  readonly message: string;
}
const issuesOf = (r: EkCertificateVerification): Issue[] =>
  (chain(r).detail as { issues?: Issue[] } | undefined)?.issues ?? [];
const reasonsOf = (r: EkCertificateVerification): string[] => issuesOf(r).map((i) => i.reason);

describe('EK chain: SYNTHETIC issuers sharing a name', () => {
  let root: Ca;
  let ekKey: CryptoKey;
  beforeAll(async () => {
    root = await mintTestCa('Synthetic EK Root');
    ekKey = (await subtle.generateKey(EC, true, ['sign', 'verify'])).publicKey;
  });

  it('a renewed intermediate: the one issued by a foreign root is passed over for the one the root issued', async () => {
    const oldRoot = await mintTestCa('Synthetic Retired Root');
    const newer = await mintTestCa('Synthetic EK Intermediate', { issuer: root });
    // Same name and key, issued by a root the caller does not trust.
    const older = await mintTestCa('Synthetic EK Intermediate', {
      issuer: oldRoot,
      keys: newer.keys,
    });
    const leaf = await mintEkCert(ekKey, newer);
    for (const intermediates of [
      [older.der, newer.der],
      [newer.der, older.der],
    ]) {
      const r = await verifyEkCertificate(
        { certificate: leaf, intermediates },
        { roots: root.der, now: NOW },
      );
      expect(chain(r).status, chain(r).message).toBe('pass');
      expect(r.path).toEqual(['', 'CN=Synthetic EK Intermediate', 'CN=Synthetic EK Root']);
    }
  });

  it('a complete path with a flawed intermediate is abandoned for a sound one with the same name and key', async () => {
    const sound = await mintTestCa('Synthetic EK Issuing CA', { issuer: root });
    const flawed = await mintTestCa('Synthetic EK Issuing CA', {
      issuer: root,
      keys: sound.keys,
      keyCertSign: false,
    });
    const leaf = await mintEkCert(ekKey, sound);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: [flawed.der, sound.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status, chain(r).message).toBe('pass');
    expect(r.ok).toBe(true);
    // Without the sound one, the flawed path is the one reported, with its reason.
    const only = await verifyEkCertificate(
      { certificate: leaf, intermediates: [flawed.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(only).status).toBe('fail');
    expect(issuesOf(only)).toContainEqual(
      expect.objectContaining({ reason: 'key-cert-sign', subject: 'CN=Synthetic EK Issuing CA' }),
    );
  });

  it('two same-name intermediates with different keys: only the second issued the EK certificate', async () => {
    const decoy = await mintTestCa('Synthetic EK Twin CA', { issuer: root });
    const real = await mintTestCa('Synthetic EK Twin CA', { issuer: root });
    const leaf = await mintEkCert(ekKey, real);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: [decoy.der, real.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status, chain(r).message).toBe('pass');
    // With the decoy alone, the failure says its key does not verify the signature.
    const r2 = await verifyEkCertificate(
      { certificate: leaf, intermediates: [decoy.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r2).status).toBe('fail');
    expect(reasonsOf(r2)).toEqual(['signature', 'no-issuer']);
  });

  it('a cycle of same-name, same-key certificates is searched within bounds', async () => {
    const loopKeys = await subtle.generateKey(EC, true, ['sign', 'verify']);
    const self = { der: new Uint8Array(0), keys: loopKeys, name: 'Synthetic Loop CA' };
    // 24 self-issued certificates under one key: each verifies every other.
    const loop: Uint8Array[] = [];
    for (let i = 0; i < 24; i++)
      loop.push((await mintTestCa('Synthetic Loop CA', { issuer: self, keys: loopKeys })).der);
    const leaf = await mintEkCert(ekKey, self);
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const t0 = performance.now();
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: loop },
      { roots: root.der, now: NOW },
    );
    const ms = performance.now() - t0;
    const calls = verify.mock.calls.length;
    verify.mockRestore();
    expect(chain(r).status).toBe('fail');
    expect(reasonsOf(r)).toContain('search-limit');
    expect(calls).toBeGreaterThan(8);
    expect(calls).toBeLessThanOrEqual(128);
    expect(ms).toBeLessThan(5000);
  });
});

describe('EK chain: SYNTHETIC CA constraints fail with their reason', () => {
  let ekKey: CryptoKey;
  beforeAll(async () => {
    ekKey = (await subtle.generateKey(EC, true, ['sign', 'verify'])).publicKey;
  });

  it('an intermediate without keyCertSign', async () => {
    const root = await mintTestCa('Synthetic KU Root');
    const inter = await mintTestCa('Synthetic KU Intermediate', {
      issuer: root,
      keyCertSign: false,
    });
    const leaf = await mintEkCert(ekKey, inter);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: inter.der },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status).toBe('fail');
    expect(r.ok).toBe(false);
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({ reason: 'key-cert-sign', subject: 'CN=Synthetic KU Intermediate' }),
    ]);
    // The path is still reported, so the caller sees which certificate broke it.
    expect(r.path).toEqual(['', 'CN=Synthetic KU Intermediate', 'CN=Synthetic KU Root']);
  });

  it('a root whose pathLenConstraint 0 allows no intermediate', async () => {
    const root = await mintTestCa('Synthetic PathLen0 Root', { pathLength: 0 });
    const inter = await mintTestCa('Synthetic PathLen0 Intermediate', { issuer: root });
    const leaf = await mintEkCert(ekKey, inter);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: inter.der },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status).toBe('fail');
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({ reason: 'path-length', subject: 'CN=Synthetic PathLen0 Root' }),
    ]);
    // The same root directly above the EK certificate is within its constraint.
    const direct = await verifyEkCertificate(
      { certificate: await mintEkCert(ekKey, root) },
      { roots: root.der, now: NOW },
    );
    expect(chain(direct).status).toBe('pass');
  });

  it('an intermediate with pathLenConstraint 0 above another CA; pathLen 1 allows it', async () => {
    const root = await mintTestCa('Synthetic PathLen Root', { pathLength: 1 });
    const upper = await mintTestCa('Synthetic PathLen Upper', { issuer: root, pathLength: 0 });
    const lower = await mintTestCa('Synthetic PathLen Lower', { issuer: upper });
    const leaf = await mintEkCert(ekKey, lower);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: [upper.der, lower.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status).toBe('fail');
    // The root (pathLen 1, two CAs below) and the upper intermediate (pathLen 0, one below).
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({ reason: 'path-length', subject: 'CN=Synthetic PathLen Upper' }),
      expect.objectContaining({ reason: 'path-length', subject: 'CN=Synthetic PathLen Root' }),
    ]);
    const upperOk = await mintTestCa('Synthetic PathLen Upper', {
      issuer: root,
      keys: upper.keys,
      pathLength: 1,
    });
    const rootOk = await mintTestCa('Synthetic PathLen Root', { keys: root.keys, pathLength: 2 });
    const ok = await verifyEkCertificate(
      { certificate: leaf, intermediates: [upperOk.der, lower.der] },
      { roots: rootOk.der, now: NOW },
    );
    expect(chain(ok).status, chain(ok).message).toBe('pass');
  });

  it('a self-issued intermediate (key rollover, same name) does not count against pathLenConstraint 0', async () => {
    const root = await mintTestCa('Synthetic Rollover Root');
    const inter = await mintTestCa('Synthetic Rollover CA', { issuer: root, pathLength: 0 });
    // RFC 5280 §6.1.4 (l): the new key's certificate, issued by the old key under the same name.
    const rolled = await mintTestCa('Synthetic Rollover CA', { issuer: inter });
    const leaf = await mintEkCert(ekKey, rolled);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: [inter.der, rolled.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status, chain(r).message).toBe('pass');
    expect(r.path).toEqual([
      '',
      'CN=Synthetic Rollover CA',
      'CN=Synthetic Rollover CA',
      'CN=Synthetic Rollover Root',
    ]);
    // A CA with another name in the same place is counted: pathLenConstraint 0 is exceeded.
    const other = await mintTestCa('Synthetic Rollover Other CA', { issuer: inter });
    const r2 = await verifyEkCertificate(
      { certificate: await mintEkCert(ekKey, other), intermediates: [inter.der, other.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r2).status).toBe('fail');
    expect(issuesOf(r2)).toEqual([
      expect.objectContaining({ reason: 'path-length', subject: 'CN=Synthetic Rollover CA' }),
    ]);
  });

  it('self-issued intermediates are skipped in the count, the others still counted', async () => {
    // R (pathLen 1) → I → I′ (self-issued) → J → EK: below R are I and J (2 > 1); below I only J.
    const root = await mintTestCa('Synthetic Count Root', { pathLength: 1 });
    const inter = await mintTestCa('Synthetic Count CA', { issuer: root, pathLength: 1 });
    const rolled = await mintTestCa('Synthetic Count CA', { issuer: inter, pathLength: 1 });
    const lower = await mintTestCa('Synthetic Count Lower', { issuer: rolled });
    const leaf = await mintEkCert(ekKey, lower);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: [inter.der, rolled.der, lower.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status).toBe('fail');
    // Besides the signature the old key of "Synthetic Count CA" could not verify on the way.
    expect(issuesOf(r).filter((i) => i.reason !== 'signature')).toEqual([
      expect.objectContaining({ reason: 'path-length', subject: 'CN=Synthetic Count Root' }),
    ]);
    const roomy = await mintTestCa('Synthetic Count Root', { keys: root.keys, pathLength: 2 });
    const ok = await verifyEkCertificate(
      { certificate: leaf, intermediates: [inter.der, rolled.der, lower.der] },
      { roots: roomy.der, now: NOW },
    );
    expect(chain(ok).status, chain(ok).message).toBe('pass');
    expect(ok.path).toHaveLength(5);
  });

  it('an intermediate that is not a CA', async () => {
    const root = await mintTestCa('Synthetic BC Root');
    const inter = await mintTestCa('Synthetic BC Intermediate', { issuer: root, ca: false });
    const leaf = await mintEkCert(ekKey, inter);
    const r = await verifyEkCertificate(
      { certificate: leaf, intermediates: inter.der },
      { roots: root.der, now: NOW },
    );
    expect(reasonsOf(r)).toEqual(['not-ca']);
  });
});

describe('EK chain: SYNTHETIC signatures that cannot be checked say why', () => {
  let root: Ca;
  let ekKey: CryptoKey;
  beforeAll(async () => {
    root = await mintTestCa('Synthetic Sig Root');
    ekKey = (await subtle.generateKey(EC, true, ['sign', 'verify'])).publicKey;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a malformed ECDSA signature encoding', async () => {
    const leaf = (await mintEkCert(ekKey, root)).slice();
    const sig = parseCertificate(leaf).signature;
    expect(leaf[leaf.length - sig.length]).toBe(0x30);
    leaf[leaf.length - sig.length] = 0x31; // no longer a DER SEQUENCE
    const r = await verifyEkCertificate({ certificate: leaf }, { roots: root.der, now: NOW });
    expect(chain(r).status).toBe('fail');
    const issue = issuesOf(r).find((i) => i.reason === 'signature-error');
    expect(issue?.subject).toBe('');
    expect(issue?.cause?.code).toBe('ERR_BAD_SIGNATURE_ENCODING');
    expect(reasonsOf(r)).toEqual(['signature-error', 'no-issuer']);
  });

  it('an issuer whose key cannot verify the signature algorithm (RSA key, ECDSA signature)', async () => {
    const rsaTwin = await mintTestCa('Synthetic Sig Root', { rsa: true });
    const leaf = await mintEkCert(ekKey, root);
    const r = await verifyEkCertificate({ certificate: leaf }, { roots: rsaTwin.der, now: NOW });
    expect(chain(r).status).toBe('fail');
    const issue = issuesOf(r).find((i) => i.reason === 'signature-error');
    expect(issue?.cause?.code).toBe('ERR_UNSUPPORTED');
    // The real root beside it still verifies the certificate.
    const both = await verifyEkCertificate(
      { certificate: leaf },
      { roots: [rsaTwin.der, root.der], now: NOW },
    );
    expect(chain(both).status).toBe('pass');
  });

  it('an unexpected error from WebCrypto is reported, not thrown', async () => {
    const leaf = await mintEkCert(ekKey, root);
    vi.spyOn(globalThis.crypto.subtle, 'verify').mockRejectedValue(new Error('engine failure'));
    const r = await verifyEkCertificate({ certificate: leaf }, { roots: root.der, now: NOW });
    expect(chain(r).status).toBe('fail');
    expect(issuesOf(r)[0]).toMatchObject({
      reason: 'signature-error',
      cause: { message: 'engine failure' },
    });
  });
});

/** DER of extension values @peculiar/x509 has no class for (RFC 5280 §4.2.1.10, .11, .14, .4). */
const PERMIT_EXAMPLE_COM = tlv(
  0x30,
  tlv(0xa0, tlv(0x30, tlv(0x82, new TextEncoder().encode('example.com')))),
);
const REQUIRE_EXPLICIT_POLICY_0 = tlv(0x30, tlv(0x80, new Uint8Array([0])));
const SKIP_CERTS_0 = tlv(0x02, new Uint8Array([0]));
const ANY_POLICY = tlv(0x30, tlv(0x30, oid('2.5.29.32.0')));
const UNKNOWN_OID = '1.3.6.1.4.1.99999.1';
const UNKNOWN_VALUE = tlv(0x05, new Uint8Array(0));

describe('EK chain: SYNTHETIC critical extensions (RFC 5280 §4.2)', () => {
  let root: Ca;
  let ekKey: CryptoKey;
  beforeAll(async () => {
    root = await mintTestCa('Synthetic Crit Root');
    ekKey = (await subtle.generateKey(EC, true, ['sign', 'verify'])).publicKey;
  });

  const viaIntermediate = async (
    extension: x509.Extension,
    name = 'Synthetic Crit CA',
  ): Promise<EkCertificateVerification> => {
    const inter = await mintTestCa(name, { issuer: root, extensions: [extension] });
    return verifyEkCertificate(
      { certificate: await mintEkCert(ekKey, inter), intermediates: inter.der },
      { roots: root.der, now: NOW },
    );
  };

  it('an intermediate with an unknown critical extension fails, naming the OID; non-critical passes', async () => {
    const r = await viaIntermediate(new x509.Extension(UNKNOWN_OID, true, UNKNOWN_VALUE));
    expect(chain(r).status).toBe('fail');
    expect(r.ok).toBe(false);
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({
        reason: 'critical-extension',
        subject: 'CN=Synthetic Crit CA',
        oid: UNKNOWN_OID,
      }),
    ]);
    const lax = await viaIntermediate(new x509.Extension(UNKNOWN_OID, false, UNKNOWN_VALUE));
    expect(chain(lax).status, chain(lax).message).toBe('pass');
  });

  for (const [what, extOid, value] of [
    ['nameConstraints', '2.5.29.30', PERMIT_EXAMPLE_COM],
    ['policyConstraints', '2.5.29.36', REQUIRE_EXPLICIT_POLICY_0],
    ['inhibitAnyPolicy', '2.5.29.54', SKIP_CERTS_0],
    ['subjectAltName (on a CA)', '2.5.29.17', tlv(0x30, tlv(0x82, new TextEncoder().encode('ca')))],
    ['extendedKeyUsage (on a CA)', '2.5.29.37', tlv(0x30, oid('2.23.133.8.1'))],
  ] as const) {
    it(`an intermediate with a critical ${what} the verification does not process fails`, async () => {
      const r = await viaIntermediate(new x509.Extension(extOid, true, value));
      expect(chain(r).status).toBe('fail');
      expect(issuesOf(r)).toEqual([
        expect.objectContaining({
          reason: 'critical-extension',
          subject: 'CN=Synthetic Crit CA',
          oid: extOid,
        }),
      ]);
    });
  }

  it('a critical certificatePolicies is accepted (default policy inputs cannot reject a path)', async () => {
    const policies = new x509.Extension('2.5.29.32', true, ANY_POLICY);
    const r = await viaIntermediate(policies);
    expect(chain(r).status, chain(r).message).toBe('pass');
    const ek = await verifyEkCertificate(
      { certificate: await mintEkCert(ekKey, root, { extensions: [policies] }) },
      { roots: root.der, now: NOW },
    );
    expect(chain(ek).status, chain(ek).message).toBe('pass');
  });

  it('the EK certificate: an unknown critical extension fails; a critical extendedKeyUsage is processed', async () => {
    const leaf = await mintEkCert(ekKey, root, {
      extensions: [new x509.Extension(UNKNOWN_OID, true, UNKNOWN_VALUE)],
    });
    const r = await verifyEkCertificate({ certificate: leaf }, { roots: root.der, now: NOW });
    expect(chain(r).status).toBe('fail');
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({ reason: 'critical-extension', subject: '', oid: UNKNOWN_OID }),
    ]);
    expect(r.path).toEqual(['', 'CN=Synthetic Crit Root']);
    const eku = await mintEkCert(ekKey, root, {
      eku: 'none',
      extensions: [new x509.ExtendedKeyUsageExtension(['2.23.133.8.1'], true)],
    });
    const r2 = await verifyEkCertificate({ certificate: eku }, { roots: root.der, now: NOW });
    expect(chain(r2).status, chain(r2).message).toBe('pass');
    expect(r2.checks.find((c) => c.id === 'tpm.ek.eku')?.status).toBe('pass');
  });

  it('the root: its critical extensions bind like its basicConstraints and keyUsage', async () => {
    const constrained = await mintTestCa('Synthetic Crit Anchor', {
      extensions: [new x509.Extension('2.5.29.30', true, PERMIT_EXAMPLE_COM)],
    });
    const r = await verifyEkCertificate(
      { certificate: await mintEkCert(ekKey, constrained) },
      { roots: constrained.der, now: NOW },
    );
    expect(chain(r).status).toBe('fail');
    expect(issuesOf(r)).toEqual([
      expect.objectContaining({
        reason: 'critical-extension',
        subject: 'CN=Synthetic Crit Anchor',
        oid: '2.5.29.30',
      }),
    ]);
  });

  it('a same-name, same-key intermediate without the extension is taken instead', async () => {
    const sound = await mintTestCa('Synthetic Crit Twin', { issuer: root });
    const flagged = await mintTestCa('Synthetic Crit Twin', {
      issuer: root,
      keys: sound.keys,
      extensions: [new x509.Extension(UNKNOWN_OID, true, UNKNOWN_VALUE)],
    });
    const r = await verifyEkCertificate(
      { certificate: await mintEkCert(ekKey, sound), intermediates: [flagged.der, sound.der] },
      { roots: root.der, now: NOW },
    );
    expect(chain(r).status, chain(r).message).toBe('pass');
  });
});
