import { describe, expect, it } from 'vitest';
import { describeVectors, hex } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { parseTdxQuote } from '../../src/tdx/parse.js';
import { parsePckExtensions } from '../../src/tdx/pck.js';
import { parseCertificates } from '../../src/core/x509.js';
import { toHex } from '../../src/core/encoding.js';
import type { TdReportBody, SgxReportBody } from '../../src/tdx/types.js';
import { quoteBytes, quoteCases, type Json } from './support/vector-cases.js';
import { buildQuote, mintIntelLikePki } from './support/intel-like.js';

const cases = quoteCases();

function sgxFields(b: SgxReportBody, e: Json): void {
  expect(toHex(b.cpuSvn)).toBe(e.cpu_svn);
  expect(toHex(b.attributes)).toBe(e.attributes);
  expect(toHex(b.mrEnclave)).toBe(e.mr_enclave);
  expect(toHex(b.mrSigner)).toBe(e.mr_signer);
  expect(toHex(b.configId)).toBe(e.config_id);
  expect(toHex(b.isvExtProdId)).toBe(e.isv_ext_prod_id);
  expect(toHex(b.isvFamilyId)).toBe(e.isv_family_id);
  expect(b.isvProdId).toBe(e.isv_prod_id);
  expect(b.isvSvn).toBe(e.isv_svn);
  expect(b.configSvn).toBe(e.config_svn);
  expect(toHex(b.reportData)).toBe(e.report_data);
  expect(b.miscSelect).toBe(parseInt(e.misc_select.match(/../g).reverse().join(''), 16));
}

describeVectors('parseTdxQuote: real vectors', () => {
  it('finds the quote cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });
  for (const { dir, expected: e } of cases) {
    it(`${dir}: header, body, layout and certification data`, () => {
      const bytes = quoteBytes(dir);
      const q = parseTdxQuote(bytes);
      expect(q.header.version).toBe(e.header.version);
      expect(q.header.attestationKeyType).toBe(e.header.att_key_type);
      expect(q.header.teeType).toBe(Number(e.header.tee_type));
      expect(toHex(q.header.qeVendorId)).toBe(e.header.qe_vendor_id);
      expect(toHex(q.header.userData)).toBe(e.header.user_data);
      if (q.header.version === 3) {
        expect(q.header.qeSvn).toBe(e.header.qe_svn_u16le_at_8);
        expect(q.header.pceSvn).toBe(e.header.pce_svn_u16le_at_10);
      } else {
        expect(toHex(q.header.reserved!)).toBe(e.header.bytes_8_to_12_hex);
      }
      if (e.v5_body_descriptor !== undefined) expect(q.bodyType).toBe(e.v5_body_descriptor.type);
      const [s0, s1] = e.layout.signed_region;
      expect(s0).toBe(0);
      expect(q.signedRegion.length).toBe(s1);
      expect(q.signedRegion).toEqual(bytes.subarray(0, s1));
      expect(q.trailingBytes).toBe(e.layout.trailing_bytes_after_signature_data);
      expect(q.raw.length + q.trailingBytes).toBe(e.size);
      expect(toHex(q.signature)).toBe(e.quote_signature.r_s);
      expect(toHex(q.attestationKey)).toBe(e.quote_signature.attestation_public_key_x_y);
      if (q.body.kind === 'sgx') sgxFields(q.body, e.body);
      else {
        const b: TdReportBody = q.body;
        const eb = e.body;
        expect(toHex(b.teeTcbSvn)).toBe(eb.tee_tcb_svn);
        expect(toHex(b.mrSeam)).toBe(eb.mr_seam);
        expect(toHex(b.mrSignerSeam)).toBe(eb.mr_signer_seam);
        expect(b.seamAttributes).toBe(
          BigInt('0x' + eb.seam_attributes.match(/../g).reverse().join('')),
        );
        expect(b.tdAttributes).toBe(BigInt(e.td_attributes_decoded.value_u64_le));
        expect(b.xfam).toBe(BigInt(e.xfam_u64));
        expect(toHex(b.mrTd)).toBe(eb.mr_td);
        expect(toHex(b.mrConfigId)).toBe(eb.mr_config_id);
        expect(toHex(b.mrOwner)).toBe(eb.mr_owner);
        expect(toHex(b.mrOwnerConfig)).toBe(eb.mr_owner_config);
        expect(b.rtmrs.map(toHex)).toEqual([eb.rtmr0, eb.rtmr1, eb.rtmr2, eb.rtmr3]);
        expect(toHex(b.reportData)).toBe(eb.report_data);
        const flags: string[] = e.td_attributes_decoded.named_flags;
        expect(b.tdAttributesView.debug).toBe(flags.includes('DEBUG'));
        expect(b.tdAttributesView.septVeDisable).toBe(flags.includes('SEPT_VE_DISABLE'));
        expect(b.tdAttributesView.pks).toBe(flags.includes('PKS'));
        if (eb.tee_tcb_svn2 !== undefined) {
          expect(b.kind).toBe('td15');
          expect(toHex(b.teeTcbSvn2!)).toBe(eb.tee_tcb_svn2);
          expect(toHex(b.mrServiceTd!)).toBe(eb.mr_servicetd);
        } else expect(b.kind).toBe('td10');
      }
      const cd = q.certificationData;
      const ec = e.certification_data;
      expect(cd.type).toBe(ec.outer_type ?? 5);
      sgxFields(cd.qeReport, ec.qe_report);
      expect(toHex(cd.qeReportSignature)).toBe(ec.qe_report_signature);
      expect(toHex(cd.qeAuthData)).toBe(ec.qe_auth_data);
      expect(cd.pckCertChain.type).toBe(ec.inner_type);
      expect(cd.pckCertChain.data.length).toBe(ec.inner_size);
      expect(cd.pckCertChain.data[cd.pckCertChain.data.length - 1] === 0).toBe(
        ec.pck_chain_pem_ends_with_nul,
      );
    });

    it(`${dir}: PCK chain and SGX extensions`, () => {
      const q = parseTdxQuote(quoteBytes(dir));
      const text = new TextDecoder().decode(q.certificationData.pckCertChain.data);
      const certs = parseCertificates(text);
      expect(certs.map((c) => c.serialHex)).toEqual(
        e.certification_data.pck_chain.map((c: Json) => c.serial_hex),
      );
      const ext = parsePckExtensions(certs[0]!);
      const ep = e.pck_extensions;
      expect(toHex(ext.ppid)).toBe(ep.ppid);
      expect(toHex(ext.fmspc)).toBe(ep.fmspc);
      expect(toHex(ext.pceId)).toBe(ep.pceid);
      expect(ext.sgxTcbComponents).toEqual(ep.sgx_tcb_components);
      expect(ext.pceSvn).toBe(ep.pcesvn);
      expect(toHex(ext.cpuSvn)).toBe(ep.cpusvn);
      expect(ext.sgxType).toBe(ep.sgx_type);
      if (ep.platform_instance_id === null) expect(ext.platformInstanceId).toBeUndefined();
      else expect(toHex(ext.platformInstanceId!)).toBe(ep.platform_instance_id);
      if (ep.configuration === null) expect(ext.configuration).toBeUndefined();
      else
        expect(ext.configuration).toEqual({
          dynamicPlatform: ep.configuration.dynamic_platform,
          cachedKeys: ep.configuration.cached_keys,
          smtEnabled: ep.configuration.smt_enabled,
        });
    });
  }

  it('keeps parsed byte fields as copies, independent of the input', () => {
    const bytes = quoteBytes(cases[0]!.dir).slice();
    const q = parseTdxQuote(bytes);
    const before = toHex(q.attestationKey);
    bytes.fill(0);
    expect(toHex(q.attestationKey)).toBe(before);
    expect(q.raw.every((b) => b === 0)).toBe(false);
  });

  it('trailing bytes are tolerated by default and rejected on request', () => {
    const dir = cases.find((c) => c.expected.layout.trailing_bytes_after_signature_data > 0)!.dir;
    const bytes = quoteBytes(dir);
    const q = parseTdxQuote(bytes);
    expect(q.trailingBytes).toBeGreaterThan(0);
    expectAttestError(
      () => parseTdxQuote(bytes, { allowTrailingData: false }),
      'ERR_TRAILING_DATA',
      q.raw.length,
    );
  });

  it('truncation at every field boundary throws ERR_TRUNCATED at that offset', () => {
    for (const dir of ['dcapqvl-v4', 'gotdx-v5-sample', 'dcapqvl-sgx-v3']) {
      const bytes = quoteBytes(dir);
      const q = parseTdxQuote(bytes);
      const v5 = q.header.version === 5 ? 6 : 0;
      const bodyEnd = 48 + v5 + (q.body.kind === 'sgx' ? 384 : q.body.kind === 'td10' ? 584 : 648);
      const sd = bodyEnd + 4;
      const qe = q.header.version === 3 ? sd + 128 : sd + 134;
      const boundaries = [
        0,
        2,
        4,
        8,
        12,
        28,
        48,
        bodyEnd,
        sd,
        sd + 64,
        sd + 128,
        qe,
        qe + 384,
        qe + 448,
      ];
      for (const cut of boundaries) {
        const err = expectAttestError(() => parseTdxQuote(bytes.subarray(0, cut)), 'ERR_TRUNCATED');
        expect(err.offset).toBeLessThanOrEqual(cut);
      }
      // Cutting anywhere inside the declared signature data is truncation, never something else.
      for (let cut = sd; cut < q.raw.length; cut += 97) {
        expectAttestError(() => parseTdxQuote(bytes.subarray(0, cut)), 'ERR_TRUNCATED');
      }
    }
  });

  it('a huge signature_data_length fails fast with ERR_BAD_LENGTH', () => {
    const bytes = quoteBytes('dcapqvl-v4').slice();
    new DataView(bytes.buffer).setUint32(632, 0xffffffff, true);
    expectAttestError(() => parseTdxQuote(bytes), 'ERR_BAD_LENGTH', 632);
    new DataView(bytes.buffer).setUint32(632, 0x100000, true);
    expectAttestError(() => parseTdxQuote(bytes), 'ERR_TRUNCATED', 636);
  });

  it('rejects unknown versions, key types, TEE types and v5 body types', () => {
    const v4 = quoteBytes('dcapqvl-v4');
    const set16 = (b: Uint8Array, at: number, v: number): Uint8Array => {
      const c = b.slice();
      new DataView(c.buffer).setUint16(at, v, true);
      return c;
    };
    expectAttestError(() => parseTdxQuote(set16(v4, 0, 6)), 'ERR_BAD_VERSION', 0);
    expectAttestError(() => parseTdxQuote(set16(v4, 0, 2)), 'ERR_BAD_VERSION', 0);
    expectAttestError(() => parseTdxQuote(set16(v4, 2, 3)), 'ERR_UNSUPPORTED', 2);
    expectAttestError(() => parseTdxQuote(set16(v4, 2, 1)), 'ERR_BAD_VALUE', 2);
    expectAttestError(() => parseTdxQuote(set16(v4, 4, 0x82)), 'ERR_BAD_VALUE', 4);
    const v5 = quoteBytes('gotdx-v5-sample');
    expectAttestError(() => parseTdxQuote(set16(v5, 48, 4)), 'ERR_BAD_VALUE', 48);
    expectAttestError(() => parseTdxQuote(set16(v5, 48, 2)), 'ERR_BAD_LENGTH', 50);
    expectAttestError(() => parseTdxQuote(set16(v5, 48, 1)), 'ERR_BAD_LENGTH', 50);
  });

  it('rejects non-zero reserved bytes in SGX report bodies', () => {
    const v3 = quoteBytes('dcapqvl-sgx-v3').slice();
    v3[48 + 20] = 1; // enclave body RESERVED1
    expectAttestError(() => parseTdxQuote(v3), 'ERR_RESERVED_NOT_ZERO', 48 + 20);
    const v4 = quoteBytes('dcapqvl-v4').slice();
    const qe = 636 + 134;
    v4[qe + 262 + 5] = 1; // QE report RESERVED4
    expectAttestError(() => parseTdxQuote(v4), 'ERR_RESERVED_NOT_ZERO', qe + 267);
    const v3h = quoteBytes('dcapqvl-sgx-v3').slice();
    v3h[5] = 1; // v3 header bytes 4..7
    expectAttestError(() => parseTdxQuote(v3h), 'ERR_RESERVED_NOT_ZERO', 5);
  });

  it('rejects certification data other than 6 wrapping 5 with ERR_UNSUPPORTED', () => {
    const v4 = quoteBytes('dcapqvl-v4').slice();
    new DataView(v4.buffer).setUint16(636 + 128, 5, true);
    expectAttestError(() => parseTdxQuote(v4), 'ERR_UNSUPPORTED', 636 + 128);
    const inner = quoteBytes('dcapqvl-v4').slice();
    const innerAt = 636 + 134 + 384 + 64 + 2 + 32;
    new DataView(inner.buffer).setUint16(innerAt, 3, true);
    expectAttestError(() => parseTdxQuote(inner), 'ERR_UNSUPPORTED', innerAt);
  });

  it('rejects inconsistent certification data sizes', () => {
    const v4 = quoteBytes('dcapqvl-v4').slice();
    const dv = new DataView(v4.buffer);
    dv.setUint32(636 + 130, dv.getUint32(636 + 130, true) - 1, true);
    expectAttestError(() => parseTdxQuote(v4), 'ERR_BAD_LENGTH', 636 + 130);
    const v4b = quoteBytes('dcapqvl-v4').slice();
    const innerAt = 636 + 134 + 384 + 64 + 2 + 32;
    new DataView(v4b.buffer).setUint32(innerAt + 2, 10, true);
    expectAttestError(() => parseTdxQuote(v4b), 'ERR_BAD_LENGTH', innerAt + 2);
  });
});

describe('parseTdxQuote: synthetic encodings', () => {
  it('encoding then parsing gives back the fields (v3, v4, v5 TDX 1.0 and 1.5)', async () => {
    const pki = await mintIntelLikePki();
    const td = {
      teeTcbSvn: hex('0b010400000000000000000000000000'),
      tdAttributes: (1n << 28n) | 1n,
      xfam: 0x602e7n,
      mrTd: new Uint8Array(48).fill(9),
      reportData: new Uint8Array(64).fill(3),
    };
    const v4 = parseTdxQuote(await buildQuote(pki, { version: 4, td }));
    expect(v4.body.kind).toBe('td10');
    const b4 = v4.body as TdReportBody;
    expect(toHex(b4.teeTcbSvn)).toBe('0b010400000000000000000000000000');
    expect(b4.tdAttributesView).toMatchObject({
      debug: true,
      septVeDisable: true,
      migratable: false,
    });
    expect(b4.xfam).toBe(0x602e7n);
    const v5 = parseTdxQuote(
      await buildQuote(pki, {
        version: 5,
        td: {
          ...td,
          teeTcbSvn2: hex('0d010400000000000000000000000000'),
          mrServiceTd: new Uint8Array(48).fill(7),
        },
      }),
    );
    expect(v5.bodyType).toBe(3);
    expect(v5.signedRegion.length).toBe(702);
    const b5 = v5.body as TdReportBody;
    expect(toHex(b5.teeTcbSvn2!)).toBe('0d010400000000000000000000000000');
    expect(b5.mrServiceTd).toEqual(new Uint8Array(48).fill(7));
    const v3 = parseTdxQuote(await buildQuote(pki, { version: 3 }));
    expect(v3.body.kind).toBe('sgx');
    expect(v3.header.qeSvn).toBe(10);
    expect(v3.certificationData.type).toBe(5);
    const v5sgx = parseTdxQuote(await buildQuote(pki, { version: 5, sgx: { isvSvn: 3 } }));
    expect(v5sgx.bodyType).toBe(1);
    expect((v5sgx.body as SgxReportBody).isvSvn).toBe(3);
  });

  it('a PEM chain without a trailing NUL parses too', async () => {
    const pki = await mintIntelLikePki();
    const q = parseTdxQuote(
      await buildQuote(pki, { pckChainPem: `${pki.leaf.pem}${pki.ca.pem}${pki.root.pem}` }),
    );
    expect(q.certificationData.pckCertChain.data.at(-1)).not.toBe(0);
  });
});
