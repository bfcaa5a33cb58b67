import { describe, expect, it } from 'vitest';
import { parseSvsmVtpmManifest, verifyReportDataBinding } from '../../src/binding/index.js';
import { guidToMixedEndian } from '../../src/binding/svsm.js';
import { concatBytes } from '../../src/core/bytes.js';
import { digest, verifySignature } from '../../src/core/crypto.js';
import { parseSpki } from '../../src/core/x509.js';
import { decodePem, toHex } from '../../src/core/encoding.js';
import { parseSnpReport } from '../../src/snp/index.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, readVector, readVectorJson, readVectorText } from '../support/vectors.js';

const dir = ['snp', 'synthetic', 'svsm-vtpm'];
const file = (name: string): Uint8Array => readVector(...dir, name);
const u32le = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const statusOf = (
  r: { checks: readonly { id: string; status: string }[] },
  id: string,
): string | undefined => r.checks.find((c) => c.id === id)?.status;

/** The report with REPORT_DATA replaced (signature not recomputed: the binding does not check it). */
function withReportData(report: Uint8Array, rd: Uint8Array): Uint8Array {
  const out = report.slice();
  out.set(rd, 0x50);
  return out;
}

describeVectors('SVSM vTPM — the synthetic example (snp/synthetic/svsm-vtpm, SYNTHETIC)', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json
  const expected = (readVectorJson<any>('snp', 'synthetic', 'expected.json').vectors as any[]).find(
    (v) => v.id === 'synthetic-svsm-vtpm-binding',
  ).expected;
  const ek = file('ek_tpmt_public.bin');
  const nonce = file('nonce.bin');
  const services = file('services_manifest.bin');
  const reportSingle = file('report_single_vtpm.bin');
  const reportServices = file('report_services.bin');

  it('parses the single-service (version 0) manifest: the EK TPMT_PUBLIC', () => {
    const m = parseSvsmVtpmManifest(ek);
    expect(m.kind).toBe('single-service');
    expect(m.version).toBe(0);
    expect(m.raw.length).toBe(expected.ek_tpmt_public_len);
    expect(m.endorsementKeys).toHaveLength(1);
    const k = m.endorsementKeys[0]!;
    expect(k.type).toBe('rsa');
    if (k.type === 'rsa') {
      expect(toHex(k.unique)).toBe(expected.ek_modulus_hex);
      expect(k.parameters.exponent).toBe(expected.ek_exponent_field);
      expect(k.objectAttributes.value).toBe(0x000300b2);
    }
    // The result owns its bytes: editing the input afterwards changes nothing in it.
    const input = ek.slice();
    const own = parseSvsmVtpmManifest(input);
    input.fill(0);
    expect(own.raw).toEqual(ek);
    expect(own.vtpmManifest).toEqual(ek);
    expect(own.raw.buffer).not.toBe(input.buffer);
  });

  it('parses the services manifest: GUID table with one vTPM entry', () => {
    const m = parseSvsmVtpmManifest(services);
    const e = expected.services_manifest;
    expect(m.kind).toBe('services');
    expect(m.raw.length).toBe(e.len);
    expect(toHex(guidToMixedEndian('63849ebb-3d92-4670-a1ff-58f9c94b87bb'))).toBe(
      e.header_guid_bytes_hex,
    );
    expect(m.services).toEqual([
      { guid: e.entry_guid, offset: e.entry_offset, size: e.entry_len, data: ek },
    ]);
    expect(m.vtpmManifest).toEqual(ek);
    expect(m.endorsementKeys[0]!.raw).toEqual(ek);
  });

  it('both reports are signed by the synthetic P-384 key (signature over 0x000–0x29F)', async () => {
    const key = parseSpki(
      decodePem(readVectorText(...dir, 'synthetic_signing_key.pub.pem'))[0]!.der,
    );
    for (const bytes of [reportSingle, reportServices]) {
      const r = parseSnpReport(bytes);
      const signature = concatBytes(r.signature.r, r.signature.s);
      expect(
        await verifySignature({
          key,
          scheme: 'ecdsa',
          hash: 'sha384',
          data: r.signedBytes,
          signature,
        }),
      ).toBe(true);
    }
  });

  it('single-service report: REPORT_DATA = SHA-512(nonce ‖ EK TPMT_PUBLIC), VMPL 0', async () => {
    const r = await verifyReportDataBinding({
      scheme: 'svsm',
      report: reportSingle,
      manifest: ek,
      nonce,
      expectedKey: ek,
    });
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['binding.report', 'pass'],
      ['binding.report.vmpl', 'pass'],
      ['binding.nonce', 'pass'],
      ['binding.manifest', 'pass'],
      ['binding.report-data', 'pass'],
      ['binding.key.match', 'pass'],
    ]);
    expect(r.ok).toBe(true);
    expect(toHex(r.digest!)).toBe(expected.single_service_report_data);
    expect(r.boundKeys).toHaveLength(1);
    expect(r.boundKeys[0]).toMatchObject({ role: 'ek', source: 'svsm-manifest' });
    expect(r.boundKeys[0]!.publicArea!.raw).toEqual(ek);
  });

  it('services report: REPORT_DATA = SHA-512(nonce ‖ services manifest)', async () => {
    const r = await verifyReportDataBinding({
      scheme: 'svsm',
      report: parseSnpReport(reportServices),
      manifest: services,
      nonce,
    });
    expect(r.ok).toBe(true);
    expect(toHex(r.digest!)).toBe(expected.services_report_data);
    expect(r.boundKeys[0]!.publicArea!.raw).toEqual(ek);
  });

  it('swapping the manifests fails: each report binds exactly its manifest', async () => {
    const a = await verifyReportDataBinding({
      scheme: 'svsm',
      report: reportSingle,
      manifest: services,
      nonce,
    });
    const b = await verifyReportDataBinding({
      scheme: 'svsm',
      report: reportServices,
      manifest: ek,
      nonce,
    });
    for (const r of [a, b]) {
      expect(statusOf(r, 'binding.report-data')).toBe('fail');
      expect(r.ok).toBe(false);
      expect(r.boundKeys).toEqual([]);
    }
  });

  it('a wrong nonce fails the binding (replay of an old report)', async () => {
    const other = nonce.slice();
    other[63]! ^= 0xff;
    const r = await verifyReportDataBinding({
      scheme: 'svsm',
      report: reportSingle,
      manifest: ek,
      nonce: other,
    });
    expect(statusOf(r, 'binding.report-data')).toBe('fail');
    expect(r.ok).toBe(false);
    const short = await verifyReportDataBinding({
      scheme: 'svsm',
      report: reportSingle,
      manifest: ek,
      nonce: nonce.slice(0, 32),
    });
    expect(statusOf(short, 'binding.nonce')).toBe('fail');
    expect(short.ok).toBe(false);
  });

  it('a report not at VMPL 0 fails (the guest, not the SVSM, asked for it)', async () => {
    const vmpl1 = reportSingle.slice();
    vmpl1[0x30] = 1;
    const r = await verifyReportDataBinding({ scheme: 'svsm', report: vmpl1, manifest: ek, nonce });
    const c = r.checks.find((x) => x.id === 'binding.report.vmpl')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toEqual({ expected: 0, actual: 1 });
    expect(statusOf(r, 'binding.report-data')).toBe('pass');
    expect(r.ok).toBe(false);
  });

  it('parsed objects are read again from their own bytes: a field that disagrees with raw is not believed', async () => {
    // SYNTHETIC forgeries of parsed objects (review finding): a manifest object whose
    // endorsementKeys name another EK than the hashed raw, and a report object whose vmpl says 0
    // while its raw says 1.
    const otherEk = readVector('tpm', 'swtpm', 'keys', 'ek_rsa2048.tpmt_public.bin');
    const real = parseSvsmVtpmManifest(ek);
    const forgedManifest = {
      ...real,
      endorsementKeys: parseSvsmVtpmManifest(otherEk).endorsementKeys,
    };
    const r1 = await verifyReportDataBinding({
      scheme: 'svsm',
      report: parseSnpReport(reportSingle),
      manifest: forgedManifest,
      nonce,
      expectedKey: otherEk,
    });
    expect(statusOf(r1, 'binding.report-data')).toBe('pass'); // raw is the real manifest
    expect(statusOf(r1, 'binding.key.match')).toBe('fail'); // its EK is not otherEk
    expect(r1.ok).toBe(false);
    expect(r1.boundKeys).toEqual([]);

    const vmpl1 = reportSingle.slice();
    vmpl1[0x30] = 1;
    const forgedReport = { ...parseSnpReport(vmpl1), vmpl: 0 };
    const r2 = await verifyReportDataBinding({
      scheme: 'svsm',
      report: forgedReport,
      manifest: real,
      nonce,
    });
    expect(statusOf(r2, 'binding.report.vmpl')).toBe('fail');
    expect(r2.ok).toBe(false);

    // Honest parsed objects verify exactly as their bytes do.
    const honest = await verifyReportDataBinding({
      scheme: 'svsm',
      report: parseSnpReport(reportSingle),
      manifest: real,
      nonce,
      expectedKey: ek,
    });
    expect(honest.ok).toBe(true);
    // An object without its raw bytes is a TypeError, not trusted field by field.
    const { raw: _raw, ...noRaw } = real;
    await expect(
      verifyReportDataBinding({
        scheme: 'svsm',
        report: reportSingle,
        manifest: noRaw as never,
        nonce,
      }),
    ).rejects.toThrow(TypeError);
  });

  it('a different expected EK fails binding.key.match', async () => {
    const otherEk = readVector('tpm', 'swtpm', 'keys', 'ek_rsa2048.tpmt_public.bin');
    const r = await verifyReportDataBinding({
      scheme: 'svsm',
      report: reportSingle,
      manifest: ek,
      nonce,
      expectedKey: otherEk,
    });
    expect(statusOf(r, 'binding.key.match')).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('version 1 (svsm-devel proposal): u32 count ‖ TPMT_PUBLIC × count', async () => {
    const ecc = readVector('tpm', 'swtpm', 'keys', 'ek_eccp384_h3.tpmt_public.bin');
    const v1 = concatBytes(u32le(2), ek, ecc);
    const m = parseSvsmVtpmManifest(v1, { version: 1 });
    expect(m.version).toBe(1);
    expect(m.endorsementKeys.map((k) => k.type)).toEqual(['rsa', 'ecc']);
    expect(m.endorsementKeys[1]!.raw).toEqual(ecc);
    const report = withReportData(reportSingle, digest('sha512', concatBytes(nonce, v1)));
    const r = await verifyReportDataBinding({
      scheme: 'svsm',
      report,
      manifest: v1,
      manifestVersion: 1,
      nonce,
      expectedKey: ecc,
    });
    expect(r.ok).toBe(true);
    expect(r.boundKeys.map((k) => k.key.kind)).toEqual(['rsa', 'ec']);
    // Read as version 0, the same bytes are not a TPMT_PUBLIC.
    const as0 = await verifyReportDataBinding({ scheme: 'svsm', report, manifest: v1, nonce });
    expect(statusOf(as0, 'binding.manifest')).toBe('fail');
    expect(as0.ok).toBe(false);
    // A parsed object's `version` does not choose how its bytes are read: the caller's
    // manifestVersion does (default 0), as for bytes.
    const asObject = await verifyReportDataBinding({ scheme: 'svsm', report, manifest: m, nonce });
    expect(statusOf(asObject, 'binding.manifest')).toBe('fail');
    const asked = await verifyReportDataBinding({
      scheme: 'svsm',
      report,
      manifest: m,
      manifestVersion: 1,
      nonce,
    });
    expect(asked.ok).toBe(true);
  });

  it('version 1 and services manifests: malformed counts, sizes and entries', () => {
    const ecc = readVector('tpm', 'swtpm', 'keys', 'ek_eccp384_h3.tpmt_public.bin');
    expectAttestError(() => parseSvsmVtpmManifest(u32le(0), { version: 1 }), 'ERR_BAD_VALUE', 0);
    expectAttestError(
      () => parseSvsmVtpmManifest(concatBytes(u32le(1_000_000), ek), { version: 1 }),
      'ERR_BAD_LENGTH',
      0,
    );
    expectAttestError(
      () => parseSvsmVtpmManifest(concatBytes(u32le(3), ek, ecc), { version: 1 }),
      'ERR_TRUNCATED',
      4 + ek.length + ecc.length,
    );
    expectAttestError(
      () =>
        parseSvsmVtpmManifest(concatBytes(u32le(2), ek, ecc, new Uint8Array([0])), { version: 1 }),
      'ERR_TRAILING_DATA',
      4 + ek.length + ecc.length,
    );
    expectAttestError(
      () => parseSvsmVtpmManifest(concatBytes(u32le(1), ek.slice(0, 40)), { version: 1 }),
      'ERR_TRUNCATED',
    );
    // v0 errors are reported at absolute offsets.
    expectAttestError(
      () => parseSvsmVtpmManifest(concatBytes(ek, new Uint8Array([0]))),
      'ERR_TRAILING_DATA',
      ek.length,
    );
    expectAttestError(() => parseSvsmVtpmManifest(ek.slice(0, 100)), 'ERR_TRUNCATED');

    const set32 = (b: Uint8Array, at: number, v: number): Uint8Array => {
      const out = b.slice();
      new DataView(out.buffer).setUint32(at, v, true);
      return out;
    };
    expectAttestError(
      () => parseSvsmVtpmManifest(set32(services, 16, services.length + 1)),
      'ERR_TRUNCATED',
      16,
    );
    expectAttestError(() => parseSvsmVtpmManifest(services.slice(0, 24)), 'ERR_TRUNCATED', 16);
    expectAttestError(() => parseSvsmVtpmManifest(set32(services, 20, 100)), 'ERR_BAD_LENGTH', 20);
    expectAttestError(() => parseSvsmVtpmManifest(set32(services, 40, 10)), 'ERR_BAD_LENGTH', 40);
    expectAttestError(() => parseSvsmVtpmManifest(set32(services, 44, 315)), 'ERR_BAD_LENGTH', 40);
    // Nested v0 manifest errors are absolute too (the EK starts at 48).
    expectAttestError(() => parseSvsmVtpmManifest(set32(services, 44, 313)), 'ERR_TRUNCATED');
    const noVtpm = services.slice();
    noVtpm[24]! ^= 1;
    expectAttestError(() => parseSvsmVtpmManifest(noVtpm), 'ERR_MISSING_FIELD', 0);
    // Two entries for the same service.
    const header = services.subarray(0, 16);
    const entry = (off: number, size: number): Uint8Array =>
      concatBytes(services.subarray(24, 40), u32le(off), u32le(size));
    const two = concatBytes(
      header,
      u32le(72 + ek.length),
      u32le(2),
      entry(72, ek.length),
      entry(72, ek.length),
      ek,
    );
    expectAttestError(() => parseSvsmVtpmManifest(two), 'ERR_BAD_VALUE', 48);
  });
});

describe('parseSvsmVtpmManifest / verifyReportDataBinding svsm — type confusion', () => {
  for (const bad of [null, undefined, 'x', 1, {}, new ArrayBuffer(4), new Uint32Array(2)]) {
    it(`parse rejects ${Object.prototype.toString.call(bad)}`, () => {
      expect(() => parseSvsmVtpmManifest(bad as never)).toThrow(TypeError);
    });
  }
  it('rejects a bad version option', () => {
    expect(() => parseSvsmVtpmManifest(new Uint8Array(4), { version: 2 as never })).toThrow(
      RangeError,
    );
  });
  it('verify rejects non-byte nonces and non-object inputs', async () => {
    await expect(verifyReportDataBinding(null as never)).rejects.toThrow(TypeError);
    await expect(verifyReportDataBinding({ scheme: 'nope' } as never)).rejects.toThrow(TypeError);
    await expect(
      verifyReportDataBinding({
        scheme: 'svsm',
        report: new Uint8Array(1184),
        manifest: new Uint8Array(4),
        nonce: 'abc' as never,
      }),
    ).rejects.toThrow(TypeError);
    await expect(
      verifyReportDataBinding({
        scheme: 'svsm',
        report: 'r' as never,
        manifest: new Uint8Array(4),
        nonce: new Uint8Array(64),
      }),
    ).rejects.toThrow(TypeError);
  });
});
