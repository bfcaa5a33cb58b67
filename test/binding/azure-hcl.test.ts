import { describe, expect, it } from 'vitest';
import { detachedView } from '../support/not-bytes.js';
import { parseAzureHclReport, verifyReportDataBinding } from '../../src/binding/index.js';
import { digest } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import { parseSnpReport } from '../../src/snp/index.js';
import { parseTdxQuote } from '../../src/tdx/index.js';
import { verifyTpmQuote } from '../../src/tpm/index.js';
import type { PcrBanks } from '../../src/tpm/index.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, hex, readVector } from '../support/vectors.js';
import { azureVectors, runtimeText, withRuntimeData, type AzureVector } from './support/azure.js';

const vectors = azureVectors();
const byId = (id: string): AzureVector => {
  const v = vectors.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no vector ${id}`);
  return v;
};
const RAW_RSASSA_SHA256 = { scheme: 'rsassa', hash: 'sha256' } as const;

/** The quote's PCR values as banks, following the signed selection order (24 sha256 PCRs). */
function pcrBanks(values: readonly Uint8Array[]): PcrBanks {
  const sha256: Record<number, Uint8Array> = {};
  values.forEach((v, i) => (sha256[i] = v));
  return { sha256 };
}

describeVectors('parseAzureHclReport — every Azure vector against expected.json', () => {
  for (const v of vectors) {
    it(`${v.id}: header, IGVM data, runtime data, keys`, () => {
      const e = v.expected.hcl;
      const hcl = parseAzureHclReport(v.hcl);
      expect(hcl.raw.length).toBe(e.total_len);
      expect(hcl.header.signature).toBe(parseInt(e.header.signature_u32, 16));
      expect(hcl.header.version).toBe(e.header.version);
      expect(hcl.header.reportSize).toBe(e.header.report_size);
      expect(hcl.header.requestType).toBe(e.header.request_type);
      expect(hcl.header.status).toBe(e.header.status);
      expect(hcl.igvmRequestData.dataSize).toBe(e.igvm_request_data.data_size);
      expect(hcl.igvmRequestData.version).toBe(e.igvm_request_data.version);
      expect(hcl.igvmRequestData.reportTypeId).toBe(e.igvm_request_data.report_type);
      expect(hcl.igvmRequestData.reportDataHashType).toBe(e.igvm_request_data.hash_type);
      expect(hcl.igvmRequestData.variableDataSize).toBe(e.variable_data_len);
      expect(hcl.reportType).toBe(e.igvm_request_data.report_type === 2 ? 'snp' : 'tdx');
      expect(hcl.runtimeData.length).toBe(e.variable_data_len);
      expect(toHex(digest('sha256', hcl.runtimeData))).toBe(e.variable_data_sha256);
      expect(hcl.paddingSize).toBe(e.bytes_after_variable_data);
      expect(Object.keys(hcl.runtimeJson)).toEqual(e.runtime_json_top_level_keys);
      expect(hcl.keys.map((k) => k.kid)).toEqual(e.runtime_keys.map((k: { kid: string }) => k.kid));
      for (const [i, want] of (
        e.runtime_keys as {
          kid: string;
          kty: string;
          key_ops: string[];
          modulus_hex: string;
          modulus_bits: number;
        }[]
      ).entries()) {
        const k = hcl.keys[i]!;
        expect(k.kty).toBe(want.kty);
        expect(k.keyOps).toEqual(want.key_ops);
        expect(k.key?.kind).toBe('rsa');
        if (k.key?.kind === 'rsa') {
          expect(toHex(k.key.n)).toBe(want.modulus_hex);
          expect(k.key.n.length * 8).toBe(want.modulus_bits);
        }
        // Only public members survive, so WebCrypto accepts it whatever key_ops said.
        expect(Object.keys(k.jwk).sort()).toEqual(['e', 'kty', 'n']);
      }
      expect(hcl.akPub?.kid).toBe('HCLAkPub');
      expect(hcl.ekPub?.kid).toBe(e.runtime_keys.length > 1 ? 'HCLEkPub' : undefined);
      expect(hcl.vmConfiguration).toEqual(e.vm_configuration);
      if (e.user_data === null) expect(hcl.userData).toBeUndefined();
      else expect(toHex(hcl.userData!).toUpperCase()).toBe(e.user_data.toUpperCase());
      if (hcl.reportType === 'snp') {
        expect(hcl.hardwareReport.length).toBe(1184);
        expect(toHex(hcl.reportData)).toBe(v.expected.snp_report.report_data);
        expect(hcl.tdReport).toBeUndefined();
      } else {
        const td = v.expected.tdreport;
        expect(hcl.hardwareReport.length).toBe(1024);
        expect(toHex(hcl.reportData)).toBe(td.report_data);
        expect(toHex(hcl.tdReport!.reportType)).toBe(td.report_type_bytes);
        expect(toHex(hcl.tdReport!.cpuSvn)).toBe(td.cpusvn);
        expect(toHex(hcl.tdReport!.teeTcbInfoHash)).toBe(td.tee_tcb_info_hash);
        expect(toHex(hcl.tdReport!.teeInfoHash)).toBe(td.tee_info_hash);
        expect(toHex(hcl.tdReport!.mac)).toBe(td.mac);
        expect(toHex(hcl.tdReport!.mrTd)).toBe(td.mrtd);
        expect(toHex(hcl.tdReport!.mrConfigId)).toBe(td.mrconfigid);
        expect(toHex(hcl.tdReport!.mrOwner)).toBe(td.mrowner);
        expect(toHex(hcl.tdReport!.mrOwnerConfig)).toBe(td.mrownerconfig);
        hcl.tdReport!.rtmrs.forEach((r, i) => expect(toHex(r)).toBe(td[`rtmr${i}`]));
        expect(toHex(hcl.tdReport!.servTdHash)).toBe(td.servtd_hash);
        expect(hcl.tdReport!.xfam).toBe(BigInt('0x' + toHex(hex(td.xfam).reverse())));
        expect(hcl.tdReport!.tdAttributes).toBe(
          BigInt('0x' + toHex(hex(td.td_attributes).reverse())),
        );
        expect(toHex(digest('sha384', hcl.tdReport!.teeTcbInfo))).toBe(td.tee_tcb_info_hash);
        expect(toHex(digest('sha384', hcl.tdReport!.tdInfo))).toBe(td.tee_info_hash);
      }
    });
  }

  it('accepts a report trimmed to report_size (no padding)', () => {
    const v = byId('azure-snp-milan-trustee');
    const size = parseAzureHclReport(v.hcl).header.reportSize;
    const hcl = parseAzureHclReport(v.hcl.slice(0, size));
    expect(hcl.paddingSize).toBe(0);
  });
});

describeVectors('verifyReportDataBinding azure-hcl — SNP flavour', () => {
  const snp = vectors.filter((v) => v.expected.hcl.igvm_request_data.report_type === 2);
  for (const v of snp) {
    it(`${v.id}: REPORT_DATA[0:32] = SHA-256(runtime JSON), rest zero`, async () => {
      const r = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: v.hcl });
      expect(r.ok).toBe(true);
      expect(r.checks.map((c) => [c.id, c.status])).toEqual([
        ['binding.report', 'pass'],
        ['binding.report.vmpl', 'pass'],
        ['binding.hcl.report-type', 'pass'],
        ['binding.hcl.td-report', 'skip'],
        ['binding.key', 'pass'],
        ['binding.report-data', 'pass'],
        ['binding.report-data.padding', 'pass'],
        ['binding.key.match', 'skip'],
      ]);
      expect(toHex(r.digest!)).toBe(v.expected.hcl.variable_data_sha256);
      expect(r.boundKeys.map((k) => k.role)).toEqual(
        v.expected.hcl.runtime_keys.length > 1 ? ['ak', 'ek'] : ['ak'],
      );

      // Against the separately parsed (and, in a real flow, signature-verified) report.
      const hcl = parseAzureHclReport(v.hcl);
      const report = parseSnpReport(hcl.hardwareReport);
      const again = await verifyReportDataBinding({
        scheme: 'azure-hcl',
        hclReport: hcl,
        report,
        expectedKey: hcl.akPub!.jwk,
      });
      expect(again.ok).toBe(true);
      expect(again.checks.find((c) => c.id === 'binding.key.match')?.status).toBe('pass');
    });

    if (v.quote === undefined) continue;
    it(`${v.id}: the vTPM quote verifies with HCLAkPub, PCRs only from the signed selection`, async () => {
      const hcl = parseAzureHclReport(v.hcl);
      const q = v.quote!;
      const tq = v.expected.tpm_quote;
      const nonce = hex(tq.attest.extra_data);
      const claimed = pcrBanks(q.pcrValues);
      const res = await verifyTpmQuote(
        {
          attest: q.attest,
          signature: q.signature,
          signatureScheme: RAW_RSASSA_SHA256,
          akPublic: hcl.akPub!.jwk,
          pcrs: claimed,
        },
        { nonce },
      );
      const selected: number[] = tq.attest.pcr_select[0].pcrs;
      if (q.pcrValues.length > 0) {
        expect(res.ok, JSON.stringify(res.checks.filter((c) => c.status === 'fail'))).toBe(true);
        const got = Object.fromEntries(
          Object.entries(res.pcrs.sha256 ?? {}).map(([i, val]) => [i, toHex(val)]),
        );
        expect(got).toEqual(tq.pcrs_sha256);
      } else {
        // 2023 vector: no PCR values shipped. The signature still verifies; nothing is yielded.
        expect(res.checks.find((c) => c.id === 'tpm.quote.signature')?.status).toBe('pass');
        expect(Object.keys(res.pcrs.sha256 ?? {})).toEqual([]);
        expect(selected).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 14]);
      }
      // HCLEkPub is an encryption key: it must not verify the quote.
      if (hcl.ekPub !== undefined) {
        const wrong = await verifyTpmQuote(
          {
            attest: q.attest,
            signature: q.signature,
            signatureScheme: RAW_RSASSA_SHA256,
            akPublic: hcl.ekPub.jwk,
            pcrs: claimed,
          },
          { nonce },
        );
        expect(wrong.ok).toBe(false);
        expect(wrong.checks.find((c) => c.id === 'tpm.quote.signature')?.status).toBe('fail');
        expect(Object.keys(wrong.pcrs)).toEqual([]);
      }
    });
  }

  it('a quote whose selection omits a PCR never yields it (2023: PCRs 0–7, 14 only)', async () => {
    const v = byId('azure-snp-milan-trustee-2023');
    const hcl = parseAzureHclReport(v.hcl);
    const claimed: PcrBanks = { sha256: {} };
    for (let i = 0; i < 24; i++) claimed.sha256![i] = new Uint8Array(32).fill(i);
    const res = await verifyTpmQuote(
      {
        attest: v.quote!.attest,
        signature: v.quote!.signature,
        signatureScheme: RAW_RSASSA_SHA256,
        akPublic: hcl.akPub!.jwk,
        pcrs: claimed,
      },
      { nonce: hex('6368616c6c656e6765') },
    );
    expect(res.pcrs.sha256?.[15]).toBeUndefined();
    expect(res.pcrs.sha256?.[8]).toBeUndefined();
  });

  it('a changed runtime byte breaks the binding (hash over the exact bytes)', async () => {
    const v = byId('azure-snp-milan-trustee');
    const text = runtimeText(v.hcl);
    const changed = withRuntimeData(v.hcl, text.replace('911B0EF8', '911B0EF9'));
    const r = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: changed });
    expect(r.ok).toBe(false);
    const c = r.checks.find((x) => x.id === 'binding.report-data')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatchObject({
      expected: toHex(
        digest('sha256', new TextEncoder().encode(text.replace('911B0EF8', '911B0EF9'))),
      ),
    });
    expect(r.boundKeys).toEqual([]);

    // Whitespace is data too: no canonicalisation.
    const spaced = withRuntimeData(v.hcl, text.replace('{"keys"', '{ "keys"'));
    expect((await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: spaced })).ok).toBe(
      false,
    );
  });

  it('non-zero REPORT_DATA[32:64] fails the padding check', async () => {
    const v = byId('azure-snp-milan-trustee');
    const bad = v.hcl.slice();
    bad[0x20 + 0x50 + 40]! ^= 1;
    const r = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: bad });
    expect(r.checks.find((c) => c.id === 'binding.report-data')?.status).toBe('pass');
    expect(r.checks.find((c) => c.id === 'binding.report-data.padding')?.status).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('an expected AK other than HCLAkPub fails binding.key.match', async () => {
    const v = byId('azure-snp-genoa-trustee');
    const hcl = parseAzureHclReport(v.hcl);
    const r = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: hcl,
      expectedKey: hcl.ekPub!.jwk,
    });
    expect(r.checks.find((c) => c.id === 'binding.key.match')?.status).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('an SNP HCL report checked against a TD quote fails the report type', async () => {
    const v = byId('azure-snp-milan-trustee');
    const quote = parseTdxQuote(readVector('tdx', 'dcapqvl-v4', 'quote.bin'));
    const r = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: v.hcl,
      report: quote,
    });
    expect(r.checks.find((c) => c.id === 'binding.hcl.report-type')?.status).toBe('fail');
    expect(r.checks.find((c) => c.id === 'binding.report-data')?.status).toBe('skip');
    expect(r.ok).toBe(false);
  });

  it('an unparsable HCL report is a failed check, not an exception', async () => {
    const r = await verifyReportDataBinding({
      scheme: 'azure-hcl',
      hclReport: new Uint8Array(100),
    });
    expect(r.ok).toBe(false);
    expect(r.checks[0]).toMatchObject({ id: 'binding.report', status: 'fail' });
    expect(r.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });
});

describeVectors('verifyReportDataBinding azure-hcl — TDX flavour without a TD quote', () => {
  it('the TDREPORT alone is MAC-protected only: required check skipped, not ok', async () => {
    const v = byId('azure-tdx-trustee');
    const r = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: v.hcl });
    expect(r.checks.find((c) => c.id === 'binding.hcl.td-report')).toMatchObject({
      status: 'skip',
      required: true,
    });
    expect(r.checks.find((c) => c.id === 'binding.report-data')?.status).toBe('skip');
    expect(r.ok).toBe(false);
  });
});

describeVectors('parseAzureHclReport — malformed input', () => {
  const base = (): Uint8Array => byId('azure-snp-milan-trustee').hcl.slice();
  const tdx = (): Uint8Array => byId('azure-tdx-trustee').hcl.slice();
  const set32 = (b: Uint8Array, at: number, v: number): Uint8Array => {
    new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
    return b;
  };

  it('truncation at every header field boundary', () => {
    const b = base();
    for (const [cut, at] of [
      [0, 0],
      [3, 0],
      [4, 4],
      [8, 8],
      [12, 12],
      [16, 16],
      [20, 0x14],
      [0x20, 0x20],
      [0x4c0, 0x4c0],
      [0x4c4, 0x4c4],
      [0x4c8, 0x4c8],
      [0x4cc, 0x4cc],
      [0x4d0, 0x4d0],
    ] as const) {
      expectAttestError(() => parseAzureHclReport(b.slice(0, cut)), 'ERR_TRUNCATED', at);
    }
    // Cut inside the runtime data: its declared size no longer fits.
    expectAttestError(() => parseAzureHclReport(b.slice(0, 0x4d4 + 10)), 'ERR_TRUNCATED', 0x4d0);
  });

  it('bad magic, reserved header bytes, padding', () => {
    const m = base();
    m[0] = 0x49;
    expectAttestError(() => parseAzureHclReport(m), 'ERR_BAD_MAGIC', 0);
    for (let i = 0x14; i < 0x20; i++) {
      const r = base();
      r[i] = 1;
      expectAttestError(() => parseAzureHclReport(r), 'ERR_RESERVED_NOT_ZERO', i);
    }
    const p = base();
    p[p.length - 1] = 7;
    expectAttestError(() => parseAzureHclReport(p), 'ERR_RESERVED_NOT_ZERO', p.length - 1);
  });

  it('inconsistent sizes', () => {
    expectAttestError(() => parseAzureHclReport(set32(base(), 8, 2345)), 'ERR_BAD_LENGTH', 8);
    expectAttestError(
      () => parseAzureHclReport(set32(base(), 0x4c0, 1131)),
      'ERR_BAD_LENGTH',
      0x4c0,
    );
    expectAttestError(
      () => parseAzureHclReport(set32(base(), 0x4d0, 0xffffffff)),
      'ERR_TRUNCATED',
      0x4d0,
    );
  });

  it('unknown report type or hash type', () => {
    expectAttestError(() => parseAzureHclReport(set32(base(), 0x4c8, 3)), 'ERR_UNSUPPORTED', 0x4c8);
    expectAttestError(() => parseAzureHclReport(set32(base(), 0x4cc, 9)), 'ERR_UNSUPPORTED', 0x4cc);
  });

  it('SHA-384 / SHA-512 hash types are honoured', async () => {
    const b = set32(base(), 0x4cc, 2);
    const hcl = parseAzureHclReport(b);
    expect(hcl.igvmRequestData.reportDataHash).toBe('sha384');
    const r = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: hcl });
    // The report binds SHA-256, so a SHA-384 claim fails.
    expect(r.checks.find((c) => c.id === 'binding.report-data')?.status).toBe('fail');
  });

  it('TDX: TDREPORT type, reserved bytes and the zero tail of the hardware area', () => {
    const t = tdx();
    t[0x20] = 0x82;
    expectAttestError(() => parseAzureHclReport(t), 'ERR_BAD_VALUE', 0x20);
    const r1 = tdx();
    r1[0x20 + 5] = 1;
    expectAttestError(() => parseAzureHclReport(r1), 'ERR_RESERVED_NOT_ZERO', 0x25);
    const r2 = tdx();
    r2[0x20 + 200] = 1;
    expectAttestError(() => parseAzureHclReport(r2), 'ERR_RESERVED_NOT_ZERO', 0x20 + 200);
    const tail = tdx();
    tail[0x20 + 1024 + 3] = 1;
    expectAttestError(() => parseAzureHclReport(tail), 'ERR_RESERVED_NOT_ZERO', 0x20 + 1027);
  });

  it('runtime JSON: a member repeated under another spelling (escapes, non-ASCII) is a duplicate', () => {
    const b = base();
    for (const text of [
      '{"keys":[],"k\\u0065ys":[]}',
      '{"keys":[],"\\u00e9":1,"\u00e9":2}',
      '{"keys":[],"\u00e9":1,"\\u00e9":2}',
      '{"keys":[],"a\\"b":1,"a\\u0022b":2}',
    ]) {
      const bytes = new TextEncoder().encode(text);
      // The repeated member is the last one: its name starts after the last comma.
      expectAttestError(
        () => parseAzureHclReport(withRuntimeData(b, bytes)),
        'ERR_BAD_JSON',
        0x4d4 + bytes.lastIndexOf(0x2c) + 1,
      );
    }
    // Names that only look alike are distinct members.
    const ok = parseAzureHclReport(withRuntimeData(b, '{"keys":[],"a\\"b":1,"a\\\\b":2}'));
    expect(ok.runtimeJson).toEqual({ keys: [], 'a"b': 1, 'a\\b': 2 });
  });

  it('runtime JSON: syntax, duplicates, depth, types, keys, user-data', () => {
    const b = base();
    const text = runtimeText(b);
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, text.slice(0, -1))),
      'ERR_BAD_JSON',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '[1,2]')),
      'ERR_BAD_JSON',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, new Uint8Array([0x7b, 0xff, 0x7d]))),
      'ERR_BAD_ENCODING',
      0x4d4,
    );
    // A member repeated in one object: two readers could see two documents.
    const dup = text.replace('"vm-configuration"', '"keys":[],"vm-configuration"');
    const at = dup.indexOf('"keys":[],'); // ASCII: character index = byte index
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, dup)),
      'ERR_BAD_JSON',
      0x4d4 + at,
    );
    expectAttestError(
      () =>
        parseAzureHclReport(
          withRuntimeData(b, '{"keys":[],"x":' + '['.repeat(40) + ']'.repeat(40) + '}'),
        ),
      'ERR_LIMIT_EXCEEDED',
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '{"a":1}')),
      'ERR_MISSING_FIELD',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '{"keys":{}}')),
      'ERR_BAD_VALUE',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '{"keys":[1]}')),
      'ERR_BAD_VALUE',
      0x4d4,
    );
    expectAttestError(
      () =>
        parseAzureHclReport(
          withRuntimeData(
            b,
            '{"keys":[{"kid":"HCLAkPub","kty":"RSA","n":"AQAB","e":"AQAB"},{"kid":"HCLAkPub","kty":"RSA","n":"AQAB","e":"AQAB"}]}',
          ),
        ),
      'ERR_BAD_VALUE',
      0x4d4,
    );
    expectAttestError(
      () =>
        parseAzureHclReport(
          withRuntimeData(b, '{"keys":[{"kid":"HCLAkPub","kty":"oct","k":"AA"}]}'),
        ),
      'ERR_BAD_KEY',
      0x4d4,
    );
    expectAttestError(
      () =>
        parseAzureHclReport(
          withRuntimeData(b, '{"keys":[{"kid":"HCLAkPub","kty":"RSA","n":"AQAB"}]}'),
        ),
      'ERR_BAD_KEY',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '{"keys":[],"user-data":"XYZ0"}')),
      'ERR_BAD_ENCODING',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '{"keys":[],"user-data":5}')),
      'ERR_BAD_VALUE',
      0x4d4,
    );
    expectAttestError(
      () => parseAzureHclReport(withRuntimeData(b, '{"keys":[],"vm-configuration":[]}')),
      'ERR_BAD_VALUE',
      0x4d4,
    );
    // Keys attestkit does not decode are kept as data unless the binding relies on them.
    const other = parseAzureHclReport(
      withRuntimeData(b, '{"keys":[{"kid":"Other","kty":"OKP","crv":"Ed25519","x":"AA"}]}'),
    );
    expect(other.keys[0]).toMatchObject({ kid: 'Other', kty: 'OKP' });
    expect(other.keys[0]!.key).toBeUndefined();
    expect(other.akPub).toBeUndefined();
  });
});

describe('parseAzureHclReport — type confusion', () => {
  for (const bad of [
    null,
    undefined,
    'HCLA',
    42,
    {},
    new ArrayBuffer(8),
    new Uint16Array(4),
    [1, 2],
  ]) {
    it(`rejects ${Object.prototype.toString.call(bad)}`, () => {
      expect(() => parseAzureHclReport(bad as never)).toThrow(TypeError);
    });
  }
  it('rejects a detached view', () => {
    expect(() => parseAzureHclReport(detachedView())).toThrow(TypeError);
  });
});
