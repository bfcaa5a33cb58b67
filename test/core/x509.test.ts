import { beforeAll, describe, expect, it } from 'vitest';
import * as asn1js from 'asn1js';
import { describeVectors, readVector, readVectorJson, readVectorText } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { FORGE_NOW, mintChain, mintCrl, testKey, x509, type TestKey } from '../support/forge.js';
import {
  checkCrl,
  orderChain,
  parseCertificate,
  parseCertificates,
  parseCertificateCached,
  parseCrl,
  spkiSha256,
  verifyChain,
  verifySignedBy,
  validityAt,
  parseSpki,
} from '../../src/core/x509.js';
import { digest } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import { createCache } from '../../src/core/cache.js';

interface RootExpect {
  subject: string;
  issuer: string;
  serial_hex: string;
  sha256_der: string;
}

describeVectors('x509: AMD ARK/ASK/ASVK chains (real, RSA-PSS SHA-384 salt 48)', () => {
  const trust = () =>
    readVectorJson('snp/expected.json').trust_material.filter(
      (t: { kind: string }) => t.kind === 'amd-root-bundles',
    ) as {
      id: string;
      files: { vcek_bundle: string; vlek_bundle: string };
      expected: { ask: RootExpect; ark: RootExpect; asvk: RootExpect };
    }[];

  it('has the three products', () => {
    expect(trust().map((t) => t.id)).toEqual(['roots-milan', 'roots-genoa', 'roots-turin']);
  });

  for (const product of ['milan', 'genoa', 'turin']) {
    it(`${product}: parses subjects, serials and verifies ARK → ASK and ARK → ASVK`, async () => {
      const t = trust().find((x) => x.id === `roots-${product}`)!;
      for (const [bundle, interName] of [
        [t.files.vcek_bundle, 'ask'],
        [t.files.vlek_bundle, 'asvk'],
      ] as const) {
        const certs = parseCertificates(readVectorText('snp', bundle));
        const { root, intermediates } = orderChain(certs);
        expect(root).toBeDefined();
        expect(intermediates).toHaveLength(1);
        const inter = intermediates[0]!;
        const e = t.expected;
        expect(root!.subject.text).toBe(e.ark.subject);
        expect(root!.serialHex).toBe(e.ark.serial_hex);
        expect(toHex(digest('sha256', root!.raw))).toBe(e.ark.sha256_der);
        expect(inter.subject.text).toBe(e[interName].subject);
        expect(inter.issuer.text).toBe(e[interName].issuer);
        expect(inter.serialHex).toBe(e[interName].serial_hex);
        expect(toHex(digest('sha256', inter.raw))).toBe(e[interName].sha256_der);
        expect(inter.signatureAlgorithm).toMatchObject({
          scheme: 'rsa-pss',
          hash: 'sha384',
          saltLength: 48,
        });
        expect(await verifySignedBy(root!, root!)).toBe(true);
        expect(await verifySignedBy(inter, root!)).toBe(true);
        expect(inter.basicConstraints?.ca).toBe(true);
      }
    });
  }

  it('milan VCEK chain verifies; a Genoa VCEK against the Milan chain fails at the leaf', async () => {
    const [ask, ark] = parseCertificates(readVectorText('snp/roots/ask_ark_milan.pem'));
    const now = new Date('2024-06-01T00:00:00Z');
    const vcek = parseCertificate(readVector('snp/milan-v2-gsg/vcek.der'));
    const ok = await verifyChain({
      root: ark!,
      intermediate: ask!,
      leaf: vcek,
      rootPins: [spkiSha256(ark!)],
      now,
    });
    expect(ok.ok).toBe(true);
    const genoaVcek = parseCertificate(readVector('snp/genoa-v2-oak/vcek.der'));
    const bad = await verifyChain({
      root: ark!,
      intermediate: ask!,
      leaf: genoaVcek,
      rootPins: [spkiSha256(ark!)],
      now,
    });
    expect(bad.ok).toBe(false);
    expect(bad.root.ok).toBe(true);
    expect(bad.intermediate.ok).toBe(true);
    expect(bad.leaf.ok).toBe(false);
  });

  it('a VLEK checked against the ASK (instead of the ASVK) fails', async () => {
    const [ask, ark] = parseCertificates(readVectorText('snp/roots/ask_ark_milan.pem'));
    const vlek = parseCertificate(readVector('snp/milan-v3-vlek-aws-trustee/vlek.der'));
    // The VLEK is valid 2024-12-10 .. 2025-12-10.
    const now = new Date('2025-06-01');
    const r = await verifyChain({
      root: ark!,
      intermediate: ask!,
      leaf: vlek,
      rootPins: [spkiSha256(ark!)],
      now,
    });
    expect(r.leaf.ok).toBe(false);
    expect(r.leaf.problems.join()).toMatch(/issuer/);
    const [asvk, ark2] = parseCertificates(readVectorText('snp/roots/asvk_ark_milan.pem'));
    const good = await verifyChain({
      root: ark2!,
      intermediate: asvk!,
      leaf: vlek,
      rootPins: [spkiSha256(ark2!)],
      now,
    });
    expect(good.ok).toBe(true);
  });

  it('an unpinned root fails the root link even when every signature verifies', async () => {
    const [ask, ark] = parseCertificates(readVectorText('snp/roots/ask_ark_milan.pem'));
    const vcek = parseCertificate(readVector('snp/milan-v2-gsg/vcek.der'));
    const [, genoaArk] = parseCertificates(readVectorText('snp/roots/ask_ark_genoa.pem'));
    const r = await verifyChain({
      root: ark!,
      intermediate: ask!,
      leaf: vcek,
      rootPins: [spkiSha256(genoaArk!)],
      now: new Date('2024-06-01'),
    });
    expect(r.root.ok).toBe(false);
    expect(r.root.problems.join()).toMatch(/not pinned/);
  });
});

describeVectors('x509: AMD ARK-signed CRLs (real)', () => {
  it('the Genoa CRL is signed by the Genoa ARK and revokes serial 0x020001', async () => {
    const crl = parseCrl(readVector('snp/crl/genoa_ark.crl.der'));
    const [ask, ark] = parseCertificates(readVectorText('snp/roots/ask_ark_genoa.pem'));
    expect(crl.revoked.map((r) => r.serialHex)).toContain('020001');
    expect(crl.issuer.text).toBe(ark!.subject.text);
    const now = new Date(crl.thisUpdate.getTime() + 3600_000);
    const r = await checkCrl(crl, ark!, [ask!.serialHex, '020001'], { now });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.revokedSerials).toEqual(['020001']);
    // The real Genoa ASK (serial 020002) is not revoked.
    expect(r.revokedSerials).not.toContain(ask!.serialHex);
  });

  it('the Genoa CRL fails when checked against the Milan ARK', async () => {
    const crl = parseCrl(readVector('snp/crl/genoa_ark.crl.der'));
    const [, milanArk] = parseCertificates(readVectorText('snp/roots/ask_ark_milan.pem'));
    const r = await checkCrl(crl, milanArk!, [], {
      now: new Date(crl.thisUpdate.getTime() + 1000),
    });
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBe(2); // signature and issuer name
  });

  it('stale, future and too-old CRLs fail', async () => {
    const crl = parseCrl(readVector('snp/crl/milan_ark.crl.der'));
    const [, ark] = parseCertificates(readVectorText('snp/roots/ask_ark_milan.pem'));
    const inWindow = new Date(crl.thisUpdate.getTime() + 1000);
    expect((await checkCrl(crl, ark!, [], { now: inWindow })).ok).toBe(true);
    expect(
      (await checkCrl(crl, ark!, [], { now: new Date(crl.thisUpdate.getTime() - 1000) })).ok,
    ).toBe(false);
    expect(crl.nextUpdate).toBeDefined();
    expect(
      (await checkCrl(crl, ark!, [], { now: new Date(crl.nextUpdate!.getTime() + 1000) })).ok,
    ).toBe(false);
    expect(
      (
        await checkCrl(crl, ark!, [], {
          now: new Date(crl.thisUpdate.getTime() + 7200_000),
          maxAgeMs: 3600_000,
        })
      ).ok,
    ).toBe(false);
  });
});

describeVectors('x509: Intel SGX root / PCK CAs / TCB signing (real, ECDSA P-256)', () => {
  it('root is self-signed; platform CA, processor CA and TCB signing certs are signed by it', async () => {
    const root = parseCertificate(readVectorText('tdx/collateral/certs/intel_sgx_root_ca.pem'));
    expect(
      toHex(parseCertificate(readVector('tdx/collateral/certs/intel_sgx_root_ca.der')).raw),
    ).toBe(toHex(root.raw));
    expect(root.subject.text).toMatch(/CN=Intel SGX Root CA/);
    expect(root.publicKey).toMatchObject({ kind: 'ec', curve: 'P-256' });
    expect(await verifySignedBy(root, root)).toBe(true);
    for (const f of [
      'intel_sgx_pck_platform_ca.pem',
      'intel_sgx_pck_processor_ca.pem',
      'intel_sgx_tcb_signing_2018_2025.pem',
      'intel_sgx_tcb_signing_2025_2032.pem',
    ]) {
      const c = parseCertificate(readVectorText('tdx/collateral/certs', f));
      expect(c.signatureAlgorithm).toMatchObject({ scheme: 'ecdsa', hash: 'sha256' });
      expect(await verifySignedBy(c, root), f).toBe(true);
      expect(c.issuer.raw).toEqual(root.subject.raw);
    }
  });

  it('the Intel root CA CRL and PCK CRLs verify against their issuers', async () => {
    const root = parseCertificate(readVectorText('tdx/collateral/certs/intel_sgx_root_ca.pem'));
    const rootCrl = parseCrl(readVector('tdx/collateral/zkdcap/intel_root_ca_crl.der'));
    expect(await verifySignedBy(rootCrl, root)).toBe(true);
    const platformCa = parseCertificate(
      readVectorText('tdx/collateral/certs/intel_sgx_pck_platform_ca.pem'),
    );
    const pckCrl = parseCrl(readVector('tdx/collateral/zkdcap/pck_platform_crl.der'));
    expect(await verifySignedBy(pckCrl, platformCa)).toBe(true);
    expect(await verifySignedBy(pckCrl, root)).toBe(false);
  });
});

describe('x509: forged negative chains (SYNTHETIC test PKI)', () => {
  let rootKey: TestKey;
  let interKey: TestKey;
  let leafKey: TestKey;
  beforeAll(async () => {
    [rootKey, interKey, leafKey] = await Promise.all([
      testKey('rsa-pss-2048'),
      testKey('p384'),
      testKey('p256'),
    ]);
  });
  const chainOf = async (overrides: Parameters<typeof mintChain>[1] = {}) => {
    const c = await mintChain(undefined, overrides, {
      rootKey,
      intermediateKey: interKey,
      leafKey,
    });
    const root = parseCertificate(c.root.der);
    return {
      c,
      run: (now = FORGE_NOW, pins = [spkiSha256(root)]) =>
        verifyChain({
          root,
          intermediate: parseCertificate(c.intermediate.der),
          leaf: parseCertificate(c.leaf.der),
          rootPins: pins,
          now,
        }),
    };
  };

  it('a well-formed chain passes every link', async () => {
    const r = await (await chainOf()).run();
    expect(r.ok).toBe(true);
  });

  it('expired leaf', async () => {
    const r = await (
      await chainOf({ leaf: { notAfter: new Date(FORGE_NOW.getTime() - 1000) } })
    ).run();
    expect([r.root.ok, r.intermediate.ok, r.leaf.ok]).toEqual([true, true, false]);
    expect(r.leaf.problems.join()).toMatch(/expired/);
  });

  it('not-yet-valid intermediate', async () => {
    const r = await (
      await chainOf({ intermediate: { notBefore: new Date(FORGE_NOW.getTime() + 1000) } })
    ).run();
    expect([r.root.ok, r.intermediate.ok, r.leaf.ok]).toEqual([true, false, true]);
    expect(r.intermediate.problems.join()).toMatch(/not-yet-valid/);
  });

  it('wrong issuer name on the leaf', async () => {
    const r = await (await chainOf({ leaf: { issuerName: 'CN=Someone Else' } })).run();
    expect(r.leaf.ok).toBe(false);
    expect(r.leaf.problems.join()).toMatch(/issuer/);
  });

  it('bad signature on the intermediate', async () => {
    const r = await (await chainOf({ intermediate: { corruptSignature: true } })).run();
    expect(r.intermediate.ok).toBe(false);
    expect(r.intermediate.problems.join()).toMatch(/signature/);
  });

  it('pathLen violated: a root with pathLen 0 above a CA intermediate', async () => {
    const r = await (await chainOf({ root: { ca: { pathLength: 0 } } })).run();
    expect(r.root.ok).toBe(false);
    expect(r.root.problems.join()).toMatch(/pathLen/);
  });

  it('an intermediate that is not a CA', async () => {
    const r = await (await chainOf({ intermediate: { ca: undefined } })).run();
    expect(r.intermediate.ok).toBe(false);
    expect(r.intermediate.problems.join()).toMatch(/not a CA/);
  });

  it('an intermediate CA without keyCertSign', async () => {
    const r = await (
      await chainOf({
        intermediate: { ca: { pathLength: 0 }, keyUsage: x509.KeyUsageFlags.digitalSignature },
      })
    ).run();
    expect(r.intermediate.ok).toBe(false);
    expect(r.intermediate.problems.join()).toMatch(/keyCertSign/);
  });

  it('revoked, stale, and CRL signed by another key', async () => {
    const { c } = await chainOf();
    const root = parseCertificate(c.root.der);
    const inter = parseCertificate(c.intermediate.der);
    const revoked = parseCrl(
      await mintCrl({
        issuerName: c.root.cert.subject,
        signer: rootKey,
        revokedSerials: [inter.serialHex],
      }),
    );
    const r1 = await checkCrl(revoked, root, [inter.serialHex], { now: FORGE_NOW });
    expect(r1.ok).toBe(true);
    expect(r1.revokedSerials).toEqual([inter.serialHex]);

    const stale = parseCrl(
      await mintCrl({
        issuerName: c.root.cert.subject,
        signer: rootKey,
        thisUpdate: new Date(FORGE_NOW.getTime() - 10 * 86400_000),
        nextUpdate: new Date(FORGE_NOW.getTime() - 86400_000),
      }),
    );
    const r2 = await checkCrl(stale, root, [], { now: FORGE_NOW });
    expect(r2.ok).toBe(false);
    expect(r2.problems.join()).toMatch(/stale/);

    const other = await testKey('rsa-pss-2048');
    const forged = parseCrl(await mintCrl({ issuerName: c.root.cert.subject, signer: other }));
    const r3 = await checkCrl(forged, root, [], { now: FORGE_NOW });
    expect(r3.ok).toBe(false);
    expect(r3.problems.join()).toMatch(/signature/);
  });

  it('a CRL naming a high-bit serial parses and revokes, like a certificate would', async () => {
    const { c } = await chainOf();
    const root = parseCertificate(c.root.der);
    // SYNTHETIC: @peculiar/x509 writes "ff01" as the positive INTEGER 02 03 00 ff 01 (negative
    // serials are tested in review-s12-x509.test.ts).
    const der = await mintCrl({
      issuerName: c.root.cert.subject,
      signer: rootKey,
      revokedSerials: ['ff01', '0102'],
    });
    const crl = parseCrl(der);
    expect(crl.revoked.map((r) => r.serialHex)).toEqual(['ff01', '0102']);
    expect(toHex(der)).toContain('020300ff01');
    const r = await checkCrl(crl, root, ['ff01', '0a0b'], { now: FORGE_NOW });
    expect(r.ok).toBe(true); // the CRL itself is valid…
    expect(r.revokedSerials).toEqual(['ff01']); // …and revokes the serial
  });

  // RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a
  // critical extension it does not recognize". verifyChain processes basicConstraints and
  // keyUsage only. SYNTHETIC extension: an arbitrary OID under the documentation arc.
  const unknownExt = (critical: boolean) =>
    new x509.Extension('1.3.6.1.4.1.99999.1', critical, new Uint8Array([0x05, 0x00]));

  for (const role of ['root', 'intermediate', 'leaf'] as const) {
    it(`an unknown critical extension on the ${role} fails that link, and only that link`, async () => {
      const r = await (await chainOf({ [role]: { extensions: [unknownExt(true)] } })).run();
      expect(r.ok).toBe(false);
      expect([r.root.ok, r.intermediate.ok, r.leaf.ok]).toEqual([
        role !== 'root',
        role !== 'intermediate',
        role !== 'leaf',
      ]);
      expect(r[role].problems).toEqual(['unprocessed critical extension 1.3.6.1.4.1.99999.1']);
    });
  }

  it('the same extension marked non-critical is ignored, and critical basicConstraints/keyUsage pass', async () => {
    const c = await chainOf({
      root: { extensions: [unknownExt(false)] },
      intermediate: { extensions: [unknownExt(false)] },
      leaf: { extensions: [unknownExt(false)], keyUsage: x509.KeyUsageFlags.digitalSignature },
    });
    const r = await c.run();
    expect(r.ok).toBe(true);
    const leaf = parseCertificate(c.c.leaf.der);
    // The forge marks keyUsage (and the CAs' basicConstraints) critical: those are processed.
    expect(leaf.extensions.filter((e) => e.critical).map((e) => e.oid)).toEqual(['2.5.29.15']);
  });

  it('a CRL with a critical extension it does not process is unusable (RFC 5280 §5.2)', async () => {
    const { c } = await chainOf();
    const root = parseCertificate(c.root.der);
    // issuingDistributionPoint (2.5.29.28), critical, with onlyContainsUserCerts: a partial CRL.
    const idp = new x509.Extension(
      '2.5.29.28',
      true,
      new Uint8Array([0x30, 0x03, 0x81, 0x01, 0xff]),
    );
    const crl = parseCrl(
      await mintCrl({ issuerName: c.root.cert.subject, signer: rootKey, extensions: [idp] }),
    );
    expect(crl.extensions.find((e) => e.oid === '2.5.29.28')?.critical).toBe(true);
    const r = await checkCrl(crl, root, [], { now: FORGE_NOW });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['CRL has an unprocessed critical extension 2.5.29.28']);
    // Non-critical, an issuingDistributionPoint still scopes the CRL: refused too (session 12).
    const idpNonCritical = new x509.Extension('2.5.29.28', false, idp.value);
    const scoped = parseCrl(
      await mintCrl({
        issuerName: c.root.cert.subject,
        signer: rootKey,
        extensions: [idpNonCritical],
      }),
    );
    expect((await checkCrl(scoped, root, [], { now: FORGE_NOW })).problems).toEqual([
      'CRL has an unprocessed extension 2.5.29.28',
    ]);
    // A non-critical extension that does not scope the CRL (freshestCRL) is only carried.
    const freshest = new x509.Extension('2.5.29.46', false, new Uint8Array([0x30, 0x00]));
    const ok = parseCrl(
      await mintCrl({ issuerName: c.root.cert.subject, signer: rootKey, extensions: [freshest] }),
    );
    expect((await checkCrl(ok, root, [], { now: FORGE_NOW })).ok).toBe(true);
  });

  it('a critical CRL entry extension makes the whole CRL unusable (RFC 5280 §5.3); reasonCode is read', async () => {
    const { c } = await chainOf();
    const root = parseCertificate(c.root.der);
    const inter = parseCertificate(c.intermediate.der);
    // certificateIssuer (2.5.29.29), critical: an indirect CRL entry about another CA's certificate.
    const certIssuer = new x509.Extension(
      '2.5.29.29',
      true,
      new Uint8Array([0x30, 0x06, 0x82, 0x04, 0x74, 0x65, 0x73, 0x74]),
    );
    const indirect = parseCrl(
      await mintCrl({
        issuerName: c.root.cert.subject,
        signer: rootKey,
        revokedSerials: ['0abc'],
        entryExtensions: [certIssuer],
      }),
    );
    expect(indirect.revoked[0]!.extensions?.map((e) => [e.oid, e.critical])).toEqual([
      ['2.5.29.29', true],
    ]);
    const r = await checkCrl(indirect, root, [inter.serialHex], { now: FORGE_NOW });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['CRL has an unprocessed critical extension 2.5.29.29']);

    const withReason = parseCrl(
      await mintCrl({
        issuerName: c.root.cert.subject,
        signer: rootKey,
        revokedSerials: [inter.serialHex],
        reason: x509.X509CrlReason.keyCompromise,
      }),
    );
    const reason = withReason.revoked[0]!.extensions!;
    expect(reason.map((e) => [e.oid, e.critical])).toEqual([['2.5.29.21', false]]);
    const r2 = await checkCrl(withReason, root, [inter.serialHex], { now: FORGE_NOW });
    expect(r2.ok).toBe(true);
    expect(r2.revokedSerials).toEqual([inter.serialHex]);
  });

  it('a revokedCertificate entry with a fourth field is malformed', async () => {
    const { c } = await chainOf();
    const der = await mintCrl({
      issuerName: c.root.cert.subject,
      signer: rootKey,
      revokedSerials: ['0abc'],
    });
    // SYNTHETIC: re-encode the entry with an extra NULL after crlEntryExtensions' slot.
    const tree = asn1js.fromBER(der.slice().buffer).result as asn1js.Sequence;
    const tbs = tree.valueBlock.value[0] as asn1js.Sequence;
    const list = tbs.valueBlock.value.find(
      (n) => n instanceof asn1js.Sequence && n.valueBlock.value[0] instanceof asn1js.Sequence,
    ) as asn1js.Sequence;
    const entry = list.valueBlock.value[0] as asn1js.Sequence;
    entry.valueBlock.value.push(new asn1js.Sequence(), new asn1js.Null());
    // (an empty crlEntryExtensions, then the extra NULL)
    const bad = new Uint8Array(tree.toBER());
    const entryDer = Buffer.from(entry.toBER());
    const at = Buffer.from(bad).indexOf(entryDer);
    expect(at).toBeGreaterThan(0);
    // The error points at the entry.
    expectAttestError(() => parseCrl(bad), 'ERR_BAD_CRL', at);
    // Without the two added fields, the same re-encoding parses.
    entry.valueBlock.value.pop();
    entry.valueBlock.value.pop();
    expect(parseCrl(new Uint8Array(tree.toBER())).revoked).toHaveLength(1);
  });

  it('memoises parsed certificates by their exact DER: one byte apart, two entries', async () => {
    const { c } = await chainOf();
    const cache = createCache();
    const a = parseCertificateCached(c.leaf.der, cache);
    expect(parseCertificateCached(c.leaf.der.slice(), cache)).toBe(a);
    const flipped = c.leaf.der.slice();
    flipped[flipped.length - 5]! ^= 1; // a signature byte: still parses
    const b = parseCertificateCached(flipped, cache);
    expect(b).not.toBe(a);
    expect(b.signature).not.toEqual(a.signature);
    expect(cache.size).toBe(2);
  });

  it('keys the signature cache by the whole raw key: a point and its negation do not share a verdict', async () => {
    const { c } = await chainOf();
    const cache = createCache();
    const root = parseCertificate(c.root.der);
    const inter = parseCertificate(c.intermediate.der);
    const leaf = parseCertificate(c.leaf.der);
    const key = inter.publicKey;
    if (key.kind !== 'ec') throw new Error('test PKI intermediate is EC');
    expect(await verifySignedBy(leaf, key, cache)).toBe(true);
    // Same x, y' = p - y: another valid point. Before the fix both shared one cache entry.
    const p384 = BigInt(
      '0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
    );
    const y = BigInt(`0x${Buffer.from(key.y).toString('hex')}`);
    const negY = Uint8Array.from(Buffer.from((p384 - y).toString(16).padStart(96, '0'), 'hex'));
    expect(await verifySignedBy(leaf, { ...key, y: negY }, cache)).toBe(false);
    expect(await verifySignedBy(leaf, key, cache)).toBe(true);
    expect(root.serialHex).not.toBe('');
  });

  it('caches signature results per (issuer, certificate)', async () => {
    const { c } = await chainOf();
    const cache = createCache();
    const root = parseCertificate(c.root.der);
    const inter = parseCertificate(c.intermediate.der);
    expect(await verifySignedBy(inter, root, cache)).toBe(true);
    expect(cache.size).toBeGreaterThan(0);
    expect(await verifySignedBy(inter, root, cache)).toBe(true);
    expect(validityAt(inter, FORGE_NOW)).toBe('valid');
  });
});

describe('x509: strict DER', () => {
  it('rejects trailing bytes, truncation and non-DER encodings with typed errors', async () => {
    const c = await mintChain(undefined, {}, {});
    const der = c.leaf.der;
    expectAttestError(
      () => parseCertificate(new Uint8Array([...der, 0])),
      'ERR_TRAILING_DATA',
      der.length,
    );
    expectAttestError(
      () => parseCertificate(der.subarray(0, der.length - 1)),
      'ERR_BAD_CERTIFICATE',
    );
    // Re-encode the outer SEQUENCE length in a non-minimal long form (0x82 → 0x83 00 ..).
    expect(der[1]).toBe(0x82);
    const nonMinimal = new Uint8Array([0x30, 0x83, 0x00, der[2]!, der[3]!, ...der.subarray(4)]);
    expectAttestError(() => parseCertificate(nonMinimal), 'ERR_BAD_CERTIFICATE', 0);
    expectAttestError(
      () => parseCertificate(new Uint8Array([0x30, 0x80, 0x00, 0x00])),
      'ERR_BAD_CERTIFICATE',
      0,
    );
    expectAttestError(() => parseCertificate(new Uint8Array(0)), 'ERR_BAD_CERTIFICATE', 0);
    expectAttestError(() => parseCrl(der), 'ERR_BAD_CRL');
  });
});

describe('x509: parseSpki', () => {
  it('rsaEncryption parameters must be absent or NULL (RFC 3279 §2.3.1)', async () => {
    const kp = (await testKey('rsa-pkcs1-2048')).keys;
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey));
    expect(parseSpki(spki).kind).toBe('rsa');
    // AlgorithmIdentifier { rsaEncryption OID, NULL }: turn the NULL (05 00) into BOOLEAN FALSE.
    const at = spki.findIndex((b, i) => b === 0x05 && spki[i + 1] === 0x00);
    expect(at).toBeGreaterThan(0);
    const bad = spki.slice();
    bad[at] = 0x01;
    bad[at + 1] = 0x01;
    const withFalse = new Uint8Array([...bad.subarray(0, at + 2), 0x00, ...bad.subarray(at + 2)]);
    // Fix the enclosing lengths (AlgorithmIdentifier and SPKI) for the extra content byte.
    withFalse[3] = withFalse[3]! + 1; // SPKI long-form length low byte
    withFalse[5] = withFalse[5]! + 1; // AlgorithmIdentifier length
    expectAttestError(() => parseSpki(withFalse), 'ERR_BAD_KEY', at);
  });
});

describe('x509: TBSCertificate optional fields (review H-6, RFC 5280 §4.1) — SYNTHETIC DER', () => {
  // Hand-built certificates: only the parser is exercised, so the signature is a placeholder.
  const tlv = (tag: number, ...parts: Uint8Array[]): Uint8Array => {
    const content = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) content.set(p, (o += p.length) - p.length);
    const n = content.length;
    const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    return new Uint8Array([tag, ...len, ...content]);
  };
  const seq = (...p: Uint8Array[]) => tlv(0x30, ...p);
  const bytes = (...x: number[]) => new Uint8Array(x);
  const enc = (s: string) => new TextEncoder().encode(s);
  const oid = (...x: number[]) => tlv(0x06, bytes(...x));
  const name = (cn: string) => seq(tlv(0x31, seq(oid(0x55, 0x04, 0x03), tlv(0x0c, enc(cn)))));
  const ecdsaSha256 = seq(oid(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02));
  const ext = (oidBytes: number[], critical: boolean, value = bytes(0x30, 0x00)) =>
    seq(oid(...oidBytes), ...(critical ? [bytes(0x01, 0x01, 0xff)] : []), tlv(0x04, value));
  const unknownCritical = ext([0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f, 0x01], true);
  const basicConstraints = ext([0x55, 0x1d, 0x13], true);
  const exts = (...e: Uint8Array[]) => tlv(0xa3, seq(...e));
  const issuerUid = tlv(0x81, bytes(0x00, 0xaa));
  const subjectUid = tlv(0x82, bytes(0x00, 0xbb));
  let spki: Uint8Array;
  beforeAll(async () => {
    const k = await testKey('p256');
    spki = new Uint8Array(await crypto.subtle.exportKey('spki', k.keys.publicKey));
  });
  /** A certificate whose TBSCertificate ends with `trailing`; returns its DER and their offsets. */
  const cert = (version: 1 | 2 | 3, ...trailing: Uint8Array[]) => {
    const head = [
      ...(version === 1 ? [] : [tlv(0xa0, tlv(0x02, bytes(version - 1)))]),
      tlv(0x02, bytes(0x01)),
      ecdsaSha256,
      name('SYNTHETIC issuer'),
      seq(tlv(0x17, enc('250101000000Z')), tlv(0x17, enc('350101000000Z'))),
      name('SYNTHETIC subject'),
      spki,
    ];
    const tbs = seq(...head, ...trailing);
    const der = seq(tbs, ecdsaSha256, tlv(0x03, bytes(0x00, 0x30, 0x00)));
    // Offsets of the trailing fields: outer header, TBS header, then the fields in order.
    const tbsAt = der.length - tbs.length - ecdsaSha256.length - 5;
    let at = tbsAt + (tbs.length - head.concat(trailing).reduce((n, p) => n + p.length, 0));
    at += head.reduce((n, p) => n + p.length, 0);
    const offsets = trailing.map((p) => (at += p.length) - p.length);
    return { der, offsets };
  };

  it('the well-formed orders parse: v3 [1][2][3], v3 [3], v2 [1][2], v2 [2], v1 without any', () => {
    const full = parseCertificate(cert(3, issuerUid, subjectUid, exts(basicConstraints)).der);
    expect(full.extensions.map((e) => e.oid)).toEqual(['2.5.29.19']);
    expect(parseCertificate(cert(3, exts(unknownCritical)).der).extensions[0]!.critical).toBe(true);
    expect(parseCertificate(cert(2, issuerUid, subjectUid).der).version).toBe(2);
    expect(parseCertificate(cert(2, subjectUid).der).extensions).toEqual([]);
    expect(parseCertificate(cert(1).der).version).toBe(1);
  });

  it('a second extensions [3] block is rejected at the second block (it hid the first block)', () => {
    // The review's case: a critical unknown extension in the first block, a clean second block.
    const { der, offsets } = cert(3, exts(unknownCritical), exts(basicConstraints));
    expectAttestError(() => parseCertificate(der), 'ERR_BAD_CERTIFICATE', offsets[1]);
  });

  it('out of order or repeated [1]/[2] are rejected at the offending field', () => {
    const cases: [Uint8Array[], number][] = [
      [[exts(basicConstraints), issuerUid], 1],
      [[subjectUid, issuerUid], 1],
      [[issuerUid, issuerUid], 1],
      [[issuerUid, subjectUid, subjectUid, exts(basicConstraints)], 2],
      [[exts(basicConstraints), subjectUid], 1],
    ];
    for (const [fields, bad] of cases) {
      const { der, offsets } = cert(3, ...fields);
      expectAttestError(() => parseCertificate(der), 'ERR_BAD_CERTIFICATE', offsets[bad]);
    }
  });

  it('unique identifiers need v2 or v3, extensions need v3; [1]/[2] must be primitive', () => {
    for (const field of [issuerUid, subjectUid]) {
      const { der, offsets } = cert(1, field);
      expectAttestError(() => parseCertificate(der), 'ERR_BAD_CERTIFICATE', offsets[0]);
    }
    const v2ext = cert(2, exts(basicConstraints));
    expectAttestError(() => parseCertificate(v2ext.der), 'ERR_BAD_CERTIFICATE', v2ext.offsets[0]);
    const constructedUid = cert(3, tlv(0xa1, tlv(0x03, bytes(0x00, 0xaa))));
    expectAttestError(
      () => parseCertificate(constructedUid.der),
      'ERR_BAD_CERTIFICATE',
      constructedUid.offsets[0],
    );
    const other = cert(3, tlv(0x84, bytes(0x00)));
    expectAttestError(() => parseCertificate(other.der), 'ERR_BAD_CERTIFICATE', other.offsets[0]);
  });

  it('the same extension OID twice in one block is rejected at the second (RFC 5280 §4.2)', () => {
    const { der, offsets } = cert(3, exts(basicConstraints, unknownCritical, basicConstraints));
    // [3] header (2) + SEQUENCE header (2) + the first two extensions.
    const second = offsets[0]! + 4 + basicConstraints.length + unknownCritical.length;
    expectAttestError(() => parseCertificate(der), 'ERR_BAD_CERTIFICATE', second);
  });
});
