/* eslint-disable @typescript-eslint/no-explicit-any -- expected.json is untyped JSON */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { parseSnpReport } from '../../src/snp/parse.js';
import { snpKdsUrls } from '../../src/snp/kds.js';
import { snpReportLayout, SNP_OFFSET, SNP_REPORT_SIZE } from '../../src/snp/layout.js';
import { digest } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import type { SnpReport, SnpTcb } from '../../src/snp/types.js';
import { azureSnpCases, snpVectorCases } from './support/vectors.js';
import { encodeSnpReport, filled } from './support/encode.js';

const hexOf = (b: Uint8Array): string => toHex(b);
const u64 = (v: bigint): string => `0x${v.toString(16)}`;

function expectTcb(t: SnpTcb, e: Record<string, any>, raw: bigint): void {
  expect(t.bootloader).toBe(e.bootloader);
  expect(t.tee).toBe(e.tee);
  expect(t.snp).toBe(e.snp);
  expect(t.microcode).toBe(e.microcode);
  if (e.fmc !== undefined) expect(t.fmc).toBe(e.fmc);
  else expect(t.fmc).toBeUndefined();
  expect(u64(raw)).toBe(e.u64_hex);
  expect(t.raw).toBe(raw);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, raw, true);
  expect(hexOf(bytes)).toBe(e.raw_hex);
}

/** Compares every field expected.json lists for a report. */
function expectReport(r: SnpReport, e: Record<string, any>): void {
  expect(r.version).toBe(e.version);
  expect(r.guestSvn).toBe(e.guest_svn);
  expect(u64(r.policy.raw)).toBe(e.policy);
  const pb = e.policy_bits;
  expect({
    abi_minor: r.policy.abiMinor,
    abi_major: r.policy.abiMajor,
    smt: r.policy.smt,
    reserved_bit17: true,
    migrate_ma: r.policy.migrateMa,
    debug: r.policy.debug,
    single_socket: r.policy.singleSocket,
    cxl_allowed: r.policy.cxlAllow,
    mem_aes_256_xts: r.policy.memAes256Xts,
    rapl_dis: r.policy.raplDis,
    ciphertext_hiding: r.policy.ciphertextHiding,
    page_swap_disable: r.policy.pageSwapDisable,
  }).toEqual(pb);
  expect(hexOf(r.familyId)).toBe(e.family_id);
  expect(hexOf(r.imageId)).toBe(e.image_id);
  expect(r.vmpl).toBe(e.vmpl);
  expect(r.signatureAlgo).toBe(e.signature_algo);
  expect(u64(r.platformInfo.raw)).toBe(e.platform_info);
  expect({
    smt_en: r.platformInfo.smtEn,
    tsme_en: r.platformInfo.tsmeEn,
    ecc_en: r.platformInfo.eccEn,
    rapl_dis: r.platformInfo.raplDis,
    ciphertext_hiding_en: r.platformInfo.ciphertextHidingEn,
    alias_check_complete: r.platformInfo.aliasCheckComplete,
    tio_en: r.platformInfo.tioEn,
  }).toEqual(e.platform_info_bits);
  expect((r.platformInfo.undocumentedBits & 0x40n) !== 0n).toBe(e.platform_info_bit6_set);
  expect(`0x${r.keyInfo.raw.toString(16)}`).toBe(e.key_info_u32_at_0x48);
  expect(Number(r.keyInfo.authorKeyEn)).toBe(e.author_key_en);
  expect(Number(r.keyInfo.maskChipKey)).toBe(e.mask_chip_key);
  expect(r.keyInfo.signingKey).toBe(e.signing_key);
  expect(r.keyInfo.signer).toBe(e.signing_key_name);
  expect(hexOf(r.reportData)).toBe(e.report_data);
  expect(hexOf(r.measurement)).toBe(e.measurement);
  expect(hexOf(r.hostData)).toBe(e.host_data);
  expect(hexOf(r.idKeyDigest)).toBe(e.id_key_digest);
  expect(hexOf(r.authorKeyDigest)).toBe(e.author_key_digest);
  expect(hexOf(r.reportId)).toBe(e.report_id);
  expect(hexOf(r.reportIdMa)).toBe(e.report_id_ma);
  expect(hexOf(r.chipId)).toBe(e.chip_id);
  expect(r.chipId.every((b) => b === 0)).toBe(e.chip_id_all_zero);
  expect(r.tcb).toBeDefined();
  expectTcb(r.tcb!.current, e.current_tcb, r.currentTcb);
  expectTcb(r.tcb!.reported, e.reported_tcb, r.reportedTcb);
  expectTcb(r.tcb!.committed, e.committed_tcb, r.committedTcb);
  expectTcb(r.tcb!.launch, e.launch_tcb, r.launchTcb);
  if (e.tcb_layout !== undefined) {
    expect(r.tcb!.current.layout).toBe(e.tcb_layout.startsWith('turin') ? 'turin' : 'milan-genoa');
  }
  expect(`${r.currentMajor}.${r.currentMinor}.${r.currentBuild}`).toBe(e.current_version);
  if (e.committed_version !== undefined) {
    expect(`${r.committedMajor}.${r.committedMinor}.${r.committedBuild}`).toBe(e.committed_version);
  }
  if (e.cpuid_fam_id !== undefined && e.cpuid_fam_id !== null) {
    expect(`0x${r.cpuidFamId!.toString(16)}`).toBe(e.cpuid_fam_id);
    expect(`0x${r.cpuidModId!.toString(16)}`).toBe(e.cpuid_mod_id);
    if (e.cpuid_step !== undefined) expect(`0x${r.cpuidStep!.toString(16)}`).toBe(e.cpuid_step);
  } else {
    expect(r.cpuidFamId).toBeUndefined();
  }
  if (e.launch_mit_vector !== undefined) {
    expect(u64(r.launchMitVector!)).toBe(e.launch_mit_vector);
    expect(u64(r.currentMitVector!)).toBe(e.current_mit_vector);
  } else {
    expect(r.launchMitVector).toBeUndefined();
  }
  expect(hexOf(r.signature.r)).toBe(e.signature_r_be_hex);
  expect(hexOf(r.signature.s)).toBe(e.signature_s_be_hex);
  expect(hexOf(digest('sha384', r.signedBytes))).toBe(e.sha384_of_bytes_0_to_0x29f);
  expect(hexOf(digest('sha256', r.raw))).toBe(e.sha256_of_report_1184);
  expect(r.product).toBe(e.product_line);
  if (e.kds_vcek_url !== undefined) expect(snpKdsUrls(r).vcek).toBe(e.kds_vcek_url);
}

describeVectors('parseSnpReport: real vectors give exactly their expected fields', () => {
  for (const v of snpVectorCases()) {
    it(`${v.id}`, () => {
      const needsProduct = v.expected.cpuid_fam_id === undefined;
      const r = parseSnpReport(v.report, needsProduct ? { product: v.product } : {});
      expect(r.productSource).toBe(needsProduct ? 'option' : 'cpuid');
      expectReport(r, v.expected);
      // Without a product a v2 report has no decoded TCB: nothing is guessed.
      if (needsProduct) {
        const bare = parseSnpReport(v.report);
        expect(bare.product).toBeUndefined();
        expect(bare.productSource).toBe('none');
        expect(bare.tcb).toBeUndefined();
      }
    });
  }
  for (const v of azureSnpCases()) {
    it(`${v.id} (SNP report inside the Azure HCL report)`, () => {
      const needsProduct =
        v.expected.cpuid_fam_id === null || v.expected.cpuid_fam_id === undefined;
      const r = parseSnpReport(v.report, needsProduct ? { product: v.product } : {});
      expectReport(r, v.expected);
    });
  }
  it('the Azure trailing IGVM request header is accepted only with framing azure-igvm-request', () => {
    for (const v of azureSnpCases()) {
      const framed = v.hcl.slice(0x20, 0x20 + 0x4a0 + 20);
      expectAttestError(() => parseSnpReport(framed), 'ERR_TRAILING_DATA', 0x4a0);
      const r = parseSnpReport(framed, { framing: 'azure-igvm-request' });
      expect(r.raw).toEqual(v.report);
      // A wrong report_type (TDX = 4) in the header is rejected.
      const tdx = framed.slice();
      tdx[0x4a0 + 8] = 4;
      expectAttestError(
        () => parseSnpReport(tdx, { framing: 'azure-igvm-request' }),
        'ERR_BAD_VALUE',
        0x4a8,
      );
      const badSize = framed.slice();
      badSize[0x4a0]! ^= 1;
      expectAttestError(
        () => parseSnpReport(badSize, { framing: 'azure-igvm-request' }),
        'ERR_BAD_LENGTH',
        0x4a0,
      );
      expectAttestError(
        () => parseSnpReport(v.report, { framing: 'azure-igvm-request' }),
        'ERR_TRUNCATED',
        0x4a0,
      );
    }
  });
  it('MSG_REPORT_RSP framing strips the 32-byte header and offsets stay absolute', () => {
    const v = snpVectorCases()[0]!;
    const framed = new Uint8Array(0x20 + 0x4a0);
    new DataView(framed.buffer).setUint32(4, 0x4a0, true);
    framed.set(v.report, 0x20);
    const r = parseSnpReport(framed, { framing: 'msg-report-rsp' });
    expect(r.raw).toEqual(v.report);
    expectAttestError(() => parseSnpReport(framed), 'ERR_BAD_VERSION', 0);
    const st = framed.slice();
    st[0] = 0x16;
    expectAttestError(() => parseSnpReport(st, { framing: 'msg-report-rsp' }), 'ERR_BAD_VALUE', 0);
    const sz = framed.slice();
    sz[4] = 0;
    expectAttestError(() => parseSnpReport(sz, { framing: 'msg-report-rsp' }), 'ERR_BAD_LENGTH', 4);
    const rs = framed.slice();
    rs[0x10] = 1;
    expectAttestError(
      () => parseSnpReport(rs, { framing: 'msg-report-rsp' }),
      'ERR_RESERVED_NOT_ZERO',
      0x10,
    );
    const inner = framed.slice();
    inner[0x20 + 0x4c] = 1;
    expectAttestError(
      () => parseSnpReport(inner, { framing: 'msg-report-rsp' }),
      'ERR_RESERVED_NOT_ZERO',
      0x20 + 0x4c,
    );
    expectAttestError(
      () => parseSnpReport(framed.subarray(0, 0x20 + 0x100), { framing: 'msg-report-rsp' }),
      'ERR_TRUNCATED',
    );
  });
  it('options.product must agree with CPUID', () => {
    const v = snpVectorCases().find((c) => c.id === 'snp-milan-v3-vlek-aws-trustee')!;
    expectAttestError(() => parseSnpReport(v.report, { product: 'Genoa' }), 'ERR_BAD_VALUE', 0x188);
    expect(parseSnpReport(v.report, { product: 'Milan' }).productSource).toBe('cpuid');
  });
  it('Turin: the FMC layout, 8-byte chip id, PLATFORM_INFO bit 6 reported not rejected', () => {
    const v = snpVectorCases().find((c) => c.id === 'snp-turin-v5-oak')!;
    const r = parseSnpReport(v.report);
    expect(r.product).toBe('Turin');
    expect(r.tcb!.reported.layout).toBe('turin');
    expect(r.platformInfo.undocumentedBits).toBe(0x40n);
    expect(r.chipId.subarray(8).every((b) => b === 0)).toBe(true);
  });
});

describeVectors('parseSnpReport: generated negatives from real vectors', () => {
  const cases = snpVectorCases();
  const byVersion = new Map<number, (typeof cases)[number]>();
  for (const c of cases)
    if (!byVersion.has(c.expected.version)) byVersion.set(c.expected.version, c);

  it('covers report versions 2, 3, 4 and 5', () => {
    expect([...byVersion.keys()].sort()).toEqual([2, 3, 4, 5]);
  });

  for (const [version, v] of byVersion) {
    it(`v${version} (${v.id}): truncation at every field boundary → ERR_TRUNCATED at that offset`, () => {
      const opts = version === 2 ? { product: v.product } : {};
      for (const f of snpReportLayout(version)) {
        expectAttestError(
          () => parseSnpReport(v.report.slice(0, f.offset), opts),
          'ERR_TRUNCATED',
          f.offset,
        );
        if (f.size > 1) {
          // Inside a field: the error still names where the field starts.
          expectAttestError(
            () => parseSnpReport(v.report.slice(0, f.offset + 1), opts),
            'ERR_TRUNCATED',
            f.offset,
          );
        }
      }
      const longer = new Uint8Array(SNP_REPORT_SIZE + 1);
      longer.set(v.report);
      expectAttestError(() => parseSnpReport(longer, opts), 'ERR_TRAILING_DATA', SNP_REPORT_SIZE);
    });

    it(`v${version} (${v.id}): each reserved byte set → ERR_RESERVED_NOT_ZERO at that byte`, () => {
      const opts = version === 2 ? { product: v.product } : {};
      let n = 0;
      for (const f of snpReportLayout(version).filter((x) => x.reserved)) {
        for (let i = f.offset; i < f.offset + f.size; i++) {
          const b = v.report.slice();
          b[i] = 0x01;
          expectAttestError(() => parseSnpReport(b, opts), 'ERR_RESERVED_NOT_ZERO', i);
          b[i] = 0x80;
          expectAttestError(() => parseSnpReport(b, opts), 'ERR_RESERVED_NOT_ZERO', i);
          n++;
        }
      }
      expect(n).toBeGreaterThan(500);
    });

    it(`v${version} (${v.id}): reserved bits of POLICY, KEY_INFO and the product's TCB layout`, () => {
      const opts = version === 2 ? { product: v.product } : {};
      const set = (i: number, mask: number): Uint8Array => {
        const b = v.report.slice();
        b[i]! |= mask;
        return b;
      };
      // POLICY bits 63:26.
      expectAttestError(() => parseSnpReport(set(0x0b, 0x04), opts), 'ERR_RESERVED_NOT_ZERO', 0x0b);
      for (let i = 0x0c; i <= 0x0f; i++) {
        expectAttestError(() => parseSnpReport(set(i, 0x01), opts), 'ERR_RESERVED_NOT_ZERO', i);
      }
      // POLICY bit 17 must be one.
      const mbo = v.report.slice();
      mbo[0x0a]! &= ~0x02;
      expectAttestError(() => parseSnpReport(mbo, opts), 'ERR_BAD_VALUE', 0x0a);
      // KEY_INFO bits 31:5.
      expectAttestError(() => parseSnpReport(set(0x48, 0x20), opts), 'ERR_RESERVED_NOT_ZERO', 0x48);
      for (let i = 0x49; i <= 0x4b; i++) {
        expectAttestError(() => parseSnpReport(set(i, 0x01), opts), 'ERR_RESERVED_NOT_ZERO', i);
      }
      // SIGNING_KEY 2–6 are reserved.
      for (let k = 2; k <= 6; k++) {
        const b = v.report.slice();
        b[0x48] = (b[0x48]! & ~0x1c) | (k << 2);
        expectAttestError(() => parseSnpReport(b, opts), 'ERR_BAD_VALUE', 0x48);
      }
      // TCB reserved bytes depend on the product, not the version.
      const reservedTcbBytes = v.product === 'Turin' ? [4, 5, 6] : [2, 3, 4, 5];
      for (const field of [
        SNP_OFFSET.CURRENT_TCB,
        SNP_OFFSET.REPORTED_TCB,
        SNP_OFFSET.COMMITTED_TCB,
        SNP_OFFSET.LAUNCH_TCB,
      ]) {
        for (const i of reservedTcbBytes) {
          expectAttestError(
            () => parseSnpReport(set(field + i, 0x01), opts),
            'ERR_RESERVED_NOT_ZERO',
            field + i,
          );
        }
      }
    });
  }

  it('unknown versions: ERR_BAD_VERSION unless allowNewerVersion', () => {
    const v = byVersion.get(5)!;
    for (const ver of [0, 1, 6, 0xffffffff]) {
      const b = v.report.slice();
      new DataView(b.buffer).setUint32(0, ver, true);
      expectAttestError(() => parseSnpReport(b), 'ERR_BAD_VERSION', 0);
    }
    const b = v.report.slice();
    b[0] = 6;
    b[0x210] = 0xaa; // a field a newer version might define
    const r = parseSnpReport(b, { allowNewerVersion: true });
    expect(r.version).toBe(6);
    expect(r.currentMitVector).toBe(0n);
    const old = v.report.slice();
    old[0] = 1;
    expectAttestError(() => parseSnpReport(old, { allowNewerVersion: true }), 'ERR_BAD_VERSION', 0);
  });
});

describe('parseSnpReport: synthetic round trips and decoding', () => {
  it('decodes every policy and platform-info bit beside the raw value', () => {
    const all = 0x3ffffffn & ~0n; // bits 25:0, bit 17 set
    const r = parseSnpReport(
      encodeSnpReport({
        version: 3,
        policy: all | 0x20000n,
        platformInfo: 0xffn,
        keyInfo: 0b00011,
        cpuid: { fam: 0x19, mod: 0x11, step: 1 },
      }),
    );
    expect(r.policy).toMatchObject({
      abiMinor: 0xff,
      abiMajor: 0xff,
      smt: true,
      migrateMa: true,
      debug: true,
      singleSocket: true,
      cxlAllow: true,
      memAes256Xts: true,
      raplDis: true,
      ciphertextHiding: true,
      pageSwapDisable: true,
    });
    expect(r.platformInfo).toMatchObject({
      smtEn: true,
      tsmeEn: true,
      eccEn: true,
      raplDis: true,
      ciphertextHidingEn: true,
      aliasCheckComplete: true,
      tioEn: true,
      undocumentedBits: 0x40n,
    });
    expect(r.keyInfo).toEqual({
      raw: 3,
      authorKeyEn: true,
      maskChipKey: true,
      signingKey: 0,
      signer: 'VCEK',
    });
    expect(r.product).toBe('Genoa');
    const none = parseSnpReport(encodeSnpReport({ keyInfo: 7 << 2 }));
    expect(none.keyInfo.signer).toBe('none');
    const hi = parseSnpReport(encodeSnpReport({ platformInfo: 1n << 40n }));
    expect(hi.platformInfo.undocumentedBits).toBe(1n << 40n);
  });

  it('product from CPUID: Milan, Genoa (incl. Bergamo/Siena models), Turin; unknown left unknown', () => {
    const p = (fam: number, mod: number): SnpReport['product'] =>
      parseSnpReport(encodeSnpReport({ version: 3, cpuid: { fam, mod, step: 0 } })).product;
    expect(p(0x19, 0x01)).toBe('Milan');
    expect(p(0x19, 0x11)).toBe('Genoa');
    expect(p(0x19, 0xa0)).toBe('Genoa');
    expect(p(0x1a, 0x02)).toBe('Turin');
    expect(p(0x1a, 0x11)).toBe('Turin');
    expect(p(0x17, 0x31)).toBeUndefined();
    expect(p(0x19, 0x21)).toBeUndefined();
    const unknown = parseSnpReport(
      encodeSnpReport({ version: 3, cpuid: { fam: 0x17, mod: 0x31, step: 0 } }),
    );
    expect(unknown.productSource).toBe('none');
    expect(unknown.tcb).toBeUndefined();
    // An option fills in an unknown CPUID.
    const opt = parseSnpReport(
      encodeSnpReport({ version: 3, cpuid: { fam: 0x17, mod: 0x31, step: 0 } }),
      { product: 'Milan' },
    );
    expect(opt.productSource).toBe('option');
  });

  it('byte fields are copies, signedBytes views the signed region', () => {
    const bytes = encodeSnpReport({
      reportData: filled(64, 7),
      cpuid: { fam: 0x19, mod: 1, step: 1 },
    });
    const r = parseSnpReport(bytes);
    bytes[0x50] = 9;
    expect(r.reportData[0]).toBe(7);
    expect(r.raw[0x50]).toBe(7);
    expect(r.signedBytes.length).toBe(0x2a0);
    expect(r.signedBytes.buffer).toBe(r.raw.buffer);
  });
});

describe('parseSnpReport: type confusion', () => {
  const bad: unknown[] = [
    null,
    undefined,
    'aabb',
    42,
    {},
    [],
    new ArrayBuffer(1184),
    new Uint16Array(592),
    new DataView(new ArrayBuffer(1184)),
    new Int8Array(1184),
  ];
  it('throws TypeError for anything but a Uint8Array', () => {
    for (const b of bad) expect(() => parseSnpReport(b as Uint8Array)).toThrow(TypeError);
  });
  it('throws TypeError for malformed options', () => {
    const bytes = encodeSnpReport({});
    expect(() => parseSnpReport(bytes, null as never)).toThrow(TypeError);
    expect(() => parseSnpReport(bytes, { framing: 'tar' as never })).toThrow(TypeError);
    expect(() => parseSnpReport(bytes, { product: 'Naples' as never })).toThrow(TypeError);
  });
  it('a detached view throws (no crash, no partial parse)', () => {
    const buf = new ArrayBuffer(2048);
    const view = new Uint8Array(buf, 16, 1184);
    structuredClone(buf, { transfer: [buf] });
    expect(() => parseSnpReport(view)).toThrow(TypeError);
  });
});
