/**
 * Parsers take any Uint8Array, including a Node.js Buffer, whose `slice()` is a view rather than a
 * copy. Whatever a parser returns must not share memory with the caller's array (zeroing the input
 * afterwards changes nothing in the result), and parsing must never write into it.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors, readVector } from '../support/vectors.js';
import { testKey } from '../support/forge.js';
import { toHex } from '../../src/core/encoding.js';
import { parseSnpCertTable, parseSnpReport } from '../../src/snp/index.js';
import { parseTdxQuote } from '../../src/tdx/index.js';
import { parseCcaRealmEventLog, parseCcaToken } from '../../src/cca/index.js';
import { encodeCertTable } from '../snp/support/encode.js';
import {
  parseEkCertificate,
  parseTpmPublic,
  parseTpmsAttest,
  parseTpmtSignature,
  resolveTpmKey,
} from '../../src/tpm/index.js';
import { ecKeyFromPoint } from '../../src/core/crypto.js';
import { parseCertificate, parseCrl } from '../../src/core/x509.js';
import { parseAzureHclReport } from '../../src/binding/index.js';
import {
  parseCcelTable,
  parseCcEventLog,
  parseImaLog,
  parseTcgEventLog,
} from '../../src/eventlog/index.js';
import { azureVectors } from '../binding/support/azure.js';

/** A Node.js Buffer holding a copy of `bytes` at a non-zero offset of a larger pool. */
function pooled(bytes: Uint8Array): Buffer {
  const pool = Buffer.alloc(bytes.length + 37, 0xaa);
  pool.set(bytes, 13);
  return pool.subarray(13, 13 + bytes.length);
}

/** Everything a parse returned, bytes as hex and dates as ISO text. */
const snapshot = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    x instanceof Uint8Array ? toHex(x) : typeof x === 'bigint' ? x.toString() : x,
  );

describeVectors('Buffer inputs: parsed results never alias the caller (real vectors)', () => {
  const cases: [string, () => Uint8Array, (b: Uint8Array) => unknown][] = [
    ['SNP report', () => readVector('snp', 'genoa-v2-oak', 'report.bin'), parseSnpReport],
    ['TDX quote', () => readVector('tdx', 'trustee-v4', 'quote.bin'), parseTdxQuote],
    ['CCA token', () => readVector('cca', 'tokens', 'rc-cca-token-01.cbor'), parseCcaToken],
    [
      'Azure HCL report (SEV-SNP)',
      () => azureVectors().find((v) => v.expected.snp_report !== undefined)!.hcl,
      parseAzureHclReport,
    ],
    [
      'Azure HCL report (TDX)',
      () => azureVectors().find((v) => v.expected.snp_report === undefined)!.hcl,
      parseAzureHclReport,
    ],
    [
      'TCG event log',
      () => readVector('eventlog', 'go-tpm-tools', 'ubuntu-2404-amd-sevsnp.bin'),
      parseTcgEventLog,
    ],
    ['X.509 certificate', () => readVector('snp', 'genoa-v2-oak', 'vcek.der'), parseCertificate],
    ['X.509 CRL', () => readVector('snp', 'crl', 'genoa_ark.crl.der'), parseCrl],
    [
      'EK certificate',
      () => readVector('tpm', 'swtpm', 'keys', 'ek_eccp384_h3_cert.der'),
      parseEkCertificate,
    ],
    [
      'CCEL ACPI table',
      () => readVector('tdx', 'ccel-gotdx-cos113', 'ccel_table.bin'),
      parseCcelTable,
    ],
    [
      'CCA realm event log',
      () => readVector('cca', 'eventlog', 'cca-realm-bootlog-synthetic.bin'),
      parseCcaRealmEventLog,
    ],
    [
      'CC event log',
      () => readVector('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'),
      parseCcEventLog,
    ],
    [
      'IMA list',
      () => readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements'),
      parseImaLog,
    ],
    [
      'TPMS_ATTEST',
      () => readVector('tpm', 'swtpm', 'quotes', 'quote_rsassa_multibank', 'quote.msg'),
      parseTpmsAttest,
    ],
    [
      'TPMT_SIGNATURE',
      () => readVector('tpm', 'swtpm', 'quotes', 'quote_rsassa_multibank', 'quote.sig'),
      parseTpmtSignature,
    ],
    [
      'TPM2B_PUBLIC',
      () => readVector('tpm', 'swtpm', 'keys', 'ak_rsa2048_rsassa_sha256.tpm2b_public.bin'),
      parseTpmPublic,
    ],
  ];
  // A plain Uint8Array view too: a parser that keeps views into its input aliases it whatever
  // the input's type (the Azure HCL report parser did: its `raw` was the input itself).
  const plainView = (bytes: Uint8Array): Uint8Array => {
    const b = pooled(bytes);
    return new Uint8Array(b.buffer, b.byteOffset, b.length);
  };
  for (const [name, read, parse] of cases) {
    for (const [kind, wrap] of [
      ['Buffer', pooled],
      ['Uint8Array view', plainView],
    ] as const) {
      it(`${name} (${kind})`, () => {
        const buf = wrap(read());
        const parsed = parse(buf);
        const before = snapshot(parsed);
        buf.fill(0);
        expect(snapshot(parsed)).toBe(before);
      });
    }
  }
});

describe('Buffer inputs: the SNP certificate table', () => {
  it('entries are copies, and a mixed-endian GUID is read without writing into the input', () => {
    const data = new Uint8Array(40).fill(7);
    // SYNTHETIC table (test encoder): one VCEK entry with its GUID in the EFI mixed-endian order.
    const table = encodeCertTable([{ guid: '63da758d-e664-4564-adc5-f4b93be8accd', data }], {
      order: 'mixed-endian',
    });
    const buf = pooled(table);
    const before = toHex(buf);
    const parsed = parseSnpCertTable(buf);
    expect(toHex(buf)).toBe(before);
    const entry = parsed.entries[0]!;
    expect(toHex(entry.data)).toBe(toHex(data));
    buf.fill(0);
    expect(toHex(entry.data)).toBe(toHex(data));
  });
});

describe('Buffer inputs: keys', () => {
  it('an EC point and a TPM AK given as SPKI become keys that do not alias the input', async () => {
    const kp = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey));
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
    const rsaKp = (await testKey('rsa-pkcs1-2048')).keys;
    const rsaSpki = new Uint8Array(await crypto.subtle.exportKey('spki', rsaKp.publicKey));
    for (const [input, decode] of [
      [raw, (b: Uint8Array) => ecKeyFromPoint('P-256', b)],
      [spki, (b: Uint8Array) => resolveTpmKey(b).key],
      [rsaSpki, (b: Uint8Array) => resolveTpmKey(b).key],
    ] as const) {
      const buf = pooled(input);
      const key = decode(buf);
      const before = JSON.stringify(key, (_, v: unknown) =>
        v instanceof Uint8Array ? toHex(v) : v,
      );
      buf.fill(0);
      const after = JSON.stringify(key, (_, v: unknown) =>
        v instanceof Uint8Array ? toHex(v) : v,
      );
      expect(after).toBe(before);
    }
  });
});
