import { describe, expect, it } from 'vitest';
import { describeVectors, readVector, readVectorJson, readVectorText } from '../support/vectors.js';
import {
  decodeSnpTcb,
  encodeSnpTcb,
  parseSnpVcekExtensions,
  snpCertificateRole,
  snpKdsParams,
  snpKdsUrls,
  snpProductFromName,
  snpTcbReservedByte,
} from '../../src/snp/kds.js';
import { SNP_ARK_PINS } from '../../src/snp/roots.js';
import { parseCertificate, parseCertificates, spkiSha256 } from '../../src/core/x509.js';
import { toHex } from '../../src/core/encoding.js';
import { parseSnpReport } from '../../src/snp/parse.js';
import { encodeSnpReport, filled } from './support/encode.js';
import { snpVectorCases } from './support/vectors.js';

describe('TCB packing', () => {
  it('decodes the spec-note examples in each layout', () => {
    expect(decodeSnpTcb(0x4405000000000002n, 'Milan')).toEqual({
      raw: 0x4405000000000002n,
      layout: 'milan-genoa',
      bootloader: 2,
      tee: 0,
      snp: 5,
      microcode: 68,
    });
    expect(decodeSnpTcb(0x4700000002000100n, 'Turin')).toEqual({
      raw: 0x4700000002000100n,
      layout: 'turin',
      fmc: 0,
      bootloader: 1,
      tee: 0,
      snp: 2,
      microcode: 71,
    });
    // The same bytes read with the wrong layout give wrong values: the layout comes from the product.
    expect(decodeSnpTcb(0x4700000002000100n, 'Milan')).toMatchObject({
      bootloader: 0,
      tee: 1,
      snp: 0,
    });
  });
  it('encode is the inverse of decode and refuses out-of-range components', () => {
    for (const product of ['Milan', 'Genoa', 'Turin'] as const) {
      const parts = {
        fmc: product === 'Turin' ? 9 : undefined,
        bootloader: 255,
        tee: 1,
        snp: 7,
        microcode: 200,
      };
      const raw = encodeSnpTcb(parts as never, product);
      const d = decodeSnpTcb(raw, product);
      expect({ ...d, raw: undefined, layout: undefined }).toEqual({
        ...parts,
        raw: undefined,
        layout: undefined,
        ...(product === 'Turin' ? {} : { fmc: undefined }),
      });
      expect(snpTcbReservedByte(raw, d.layout)).toBe(-1);
    }
    expect(() => encodeSnpTcb({ bootloader: 256, tee: 0, snp: 0, microcode: 0 }, 'Milan')).toThrow(
      RangeError,
    );
    expect(snpTcbReservedByte(0x0000000100000000n, 'milan-genoa')).toBe(4);
    expect(snpTcbReservedByte(0x0000000100000000n, 'turin')).toBe(4);
    expect(snpTcbReservedByte(0x0000000000000100n, 'turin')).toBe(-1);
  });
  it('product names with and without stepping', () => {
    expect(snpProductFromName('Milan-B0')).toBe('Milan');
    expect(snpProductFromName('Genoa')).toBe('Genoa');
    expect(snpProductFromName('Turin')).toBe('Turin');
    expect(snpProductFromName('Rome')).toBeUndefined();
    expect(snpProductFromName('Milan-')).toBeUndefined();
  });
});

describe('snpKdsUrls', () => {
  it('builds VCEK, cert_chain and CRL URLs (Turin adds fmcSPL first, 8-byte hwid)', () => {
    const chip = filled(64, 0xab);
    const milan = snpKdsUrls({
      product: 'Milan',
      signer: 'VCEK',
      hwid: chip,
      tcb: { bootloader: 2, tee: 0, snp: 5, microcode: 68 },
    });
    expect(milan).toEqual({
      product: 'Milan',
      vcek: `https://kdsintf.amd.com/vcek/v1/Milan/${'ab'.repeat(64)}?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68`,
      vcekCertChain: 'https://kdsintf.amd.com/vcek/v1/Milan/cert_chain',
      vlekCertChain: 'https://kdsintf.amd.com/vlek/v1/Milan/cert_chain',
      vcekCrl: 'https://kdsintf.amd.com/vcek/v1/Milan/crl',
      vlekCrl: 'https://kdsintf.amd.com/vlek/v1/Milan/crl',
    });
    const turinReport = parseSnpReport(
      encodeSnpReport({
        version: 5,
        cpuid: { fam: 0x1a, mod: 2, step: 1 },
        chipId: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, ...new Uint8Array(56)]),
        currentTcb: encodeSnpTcb({ fmc: 4, bootloader: 1, tee: 0, snp: 2, microcode: 71 }, 'Turin'),
      }),
    );
    expect(snpKdsUrls(turinReport, { baseUrl: 'https://kds.example/' }).vcek).toBe(
      'https://kds.example/vcek/v1/Turin/0102030405060708?fmcSPL=4&blSPL=1&teeSPL=0&snpSPL=2&ucodeSPL=71',
    );
  });
  it('no VCEK URL for a VLEK signer or a masked chip id', () => {
    const vlek = parseSnpReport(
      encodeSnpReport({ keyInfo: 4, cpuid: { fam: 0x19, mod: 1, step: 1 } }),
    );
    expect(snpKdsUrls(vlek).vcek).toBeUndefined();
    const masked = parseSnpReport(encodeSnpReport({ cpuid: { fam: 0x19, mod: 1, step: 1 } }));
    expect(snpKdsUrls(masked).vcek).toBeUndefined();
    expect(snpKdsUrls(masked).vcekCertChain).toMatch(/Milan\/cert_chain$/);
    // SIGNING_KEY 7: unsigned. No leaf to look up (the chains and CRLs are still listed).
    const unsigned = parseSnpReport(
      encodeSnpReport({
        keyInfo: 7 << 2,
        chipId: filled(64, 1),
        cpuid: { fam: 0x19, mod: 1, step: 1 },
      }),
    );
    expect(unsigned.keyInfo.signer).toBe('none');
    expect(snpKdsUrls(unsigned).vcek).toBeUndefined();
    expect(snpKdsUrls(unsigned).vcekCrl).toMatch(/Milan\/crl$/);
    expect(() => snpKdsParams(unsigned)).toThrow(RangeError);
  });
  it('a v2 report needs the product; type confusion throws', () => {
    const v2 = parseSnpReport(encodeSnpReport({ version: 2, chipId: filled(64, 1) }));
    expect(() => snpKdsUrls(v2)).toThrow(RangeError);
    expect(snpKdsUrls(v2, { product: 'Genoa' }).vcek).toMatch(/\/vcek\/v1\/Genoa\/0101/);
    for (const b of [null, undefined, 'x', 3])
      expect(() => snpKdsUrls(b as never)).toThrow(TypeError);
  });
});

describeVectors('KDS URLs, extensions and roots against the real vectors', () => {
  it('every vector with a KDS URL in expected.json', () => {
    for (const v of snpVectorCases()) {
      const r = parseSnpReport(v.report, { product: v.product });
      expect(snpKdsUrls(r).vcek, v.id).toBe(v.expected.kds_vcek_url);
    }
  });

  it('VCEK/VLEK extensions decode to the expected values', () => {
    for (const v of snpVectorCases().filter((c) => c.signerCert !== undefined)) {
      const cert = parseCertificate(v.signerCert as Uint8Array);
      const ext = parseSnpVcekExtensions(cert);
      const e = v.expected.signer_cert_amd_extensions;
      expect(ext.structVersion).toBe(e.structVersion.value);
      expect(ext.productName).toBe(e.productName1.value);
      expect(ext.product).toBe(v.product);
      expect(ext.blSpl).toBe(e.blSPL.value);
      expect(ext.teeSpl).toBe(e.teeSPL.value);
      expect(ext.snpSpl).toBe(e.snpSPL.value);
      expect(ext.ucodeSpl).toBe(e.ucodeSPL.value);
      expect(ext.fmcSpl).toBe(e.fmcSPL?.value);
      expect(ext.hwid !== undefined ? toHex(ext.hwid) : undefined).toBe(e.hwID?.value_hex);
      expect(ext.cspId).toBe(e.cspId?.value);
      expect(snpCertificateRole(cert)).toEqual({
        role: v.signerKind === 'VCEK' ? 'vcek' : 'vlek',
        product: v.product,
      });
    }
  });

  it('the pinned ARK keys are the SPKI SHA-256 of the real roots; ASK/ASVK roles by name', () => {
    for (const p of ['Milan', 'Genoa', 'Turin'] as const) {
      for (const kind of ['ask', 'asvk'] as const) {
        const certs = parseCertificates(
          readVectorText('snp', 'roots', `${kind}_ark_${p.toLowerCase()}.pem`),
        );
        const ark = certs.find((c) => snpCertificateRole(c).role === 'ark')!;
        expect(snpCertificateRole(ark).product).toBe(p);
        expect(SNP_ARK_PINS[p]).toEqual([toHex(spkiSha256(ark))]);
        const inter = certs.find((c) => c !== ark)!;
        expect(snpCertificateRole(inter)).toEqual({ role: kind, product: p });
      }
    }
    // The spec note lists the DER hashes; the same ARKs.
    const doc = readVectorJson('snp', 'expected.json');
    expect((doc.trust_material as unknown[]).length).toBeGreaterThan(0);
  });

  it('malformed AMD extensions throw ERR_BAD_CERTIFICATE; the hwID length is checked', () => {
    const der = readVector('snp', 'milan-v2-gsg', 'vcek.der');
    const cert = parseCertificate(der);
    const bad = {
      ...cert,
      extensions: cert.extensions.map((e) =>
        e.oid === '1.3.6.1.4.1.3704.1.3.1' ? { ...e, value: Uint8Array.from([0x16, 1, 0x41]) } : e,
      ),
    };
    expect(() => parseSnpVcekExtensions(bad)).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_CERTIFICATE' }),
    );
    const shortHw = {
      ...cert,
      extensions: cert.extensions.map((e) =>
        e.oid === '1.3.6.1.4.1.3704.1.4' ? { ...e, value: filled(63, 1) } : e,
      ),
    };
    expect(() => parseSnpVcekExtensions(shortHw)).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_CERTIFICATE' }),
    );
  });
});
