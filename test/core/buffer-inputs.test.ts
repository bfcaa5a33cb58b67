/**
 * Parsers take any Uint8Array, including a Node.js Buffer, whose `slice()` is a view rather than a
 * copy. Whatever a parser returns must not share memory with the caller's buffer, and parsing must
 * never write into it.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors, readVector } from '../support/vectors.js';
import { testKey } from '../support/forge.js';
import { toHex } from '../../src/core/encoding.js';
import { parseSnpCertTable, parseSnpReport } from '../../src/snp/index.js';
import { parseTdxQuote } from '../../src/tdx/index.js';
import { parseCcaToken } from '../../src/cca/index.js';
import { encodeCertTable } from '../snp/support/encode.js';
import { resolveTpmKey } from '../../src/tpm/index.js';
import { ecKeyFromPoint } from '../../src/core/crypto.js';

/** A Node.js Buffer holding a copy of `bytes` at a non-zero offset of a larger pool. */
function pooled(bytes: Uint8Array): Buffer {
  const pool = Buffer.alloc(bytes.length + 37, 0xaa);
  pool.set(bytes, 13);
  return pool.subarray(13, 13 + bytes.length);
}

describeVectors('Buffer inputs: parsed results never alias the caller (real vectors)', () => {
  const cases: [string, () => Uint8Array, (b: Uint8Array) => { raw: Uint8Array }][] = [
    ['SNP report', () => readVector('snp', 'genoa-v2-oak', 'report.bin'), parseSnpReport],
    ['TDX quote', () => readVector('tdx', 'trustee-v4', 'quote.bin'), parseTdxQuote],
    ['CCA token', () => readVector('cca', 'tokens', 'rc-cca-token-01.cbor'), parseCcaToken],
  ];
  for (const [name, read, parse] of cases) {
    it(name, () => {
      const buf = pooled(read());
      const parsed = parse(buf);
      const raw = toHex(parsed.raw);
      buf.fill(0);
      expect(toHex(parsed.raw)).toBe(raw);
    });
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
