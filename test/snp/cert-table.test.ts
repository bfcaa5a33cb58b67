import { describe, expect, it } from 'vitest';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, readVector } from '../support/vectors.js';
import { parseSnpCertTable } from '../../src/snp/cert-table.js';
import { encodeCertTable, filled, guidBytes, SNP_CERT_TABLE_GUID } from './support/encode.js';

const G = SNP_CERT_TABLE_GUID;

describe('parseSnpCertTable', () => {
  const vcek = filled(100, 1);
  const ask = filled(50, 2);
  const ark = filled(60, 3);

  for (const order of ['rfc4122', 'mixed-endian'] as const) {
    it(`recognises every known GUID in ${order} order`, () => {
      const other = '11111111-2222-3333-4444-555555555555';
      const table = encodeCertTable(
        [
          { guid: G.vcek, data: vcek },
          { guid: G.ask, data: ask },
          { guid: G.ark, data: ark },
          { guid: G.vlek, data: filled(3, 4) },
          { guid: G.crl, data: filled(4, 5) },
          { guid: G['extra-platform-info'], data: filled(5, 6) },
          { guid: other, data: filled(6, 7) },
        ],
        { order, padTo: 4096 },
      );
      const t = parseSnpCertTable(table);
      expect(t.entries.map((e) => e.kind)).toEqual([
        'vcek',
        'ask',
        'ark',
        'vlek',
        'crl',
        'extra-platform-info',
        'unknown',
      ]);
      expect(t.entries.slice(0, 6).every((e) => e.guidByteOrder === order)).toBe(true);
      expect(t.entries[0]!.guid).toBe(G.vcek);
      expect(t.vcek).toEqual(vcek);
      expect(t.ask).toEqual(ask);
      expect(t.ark).toEqual(ark);
      expect(t.vlek).toEqual(filled(3, 4));
      expect(t.crl).toEqual(filled(4, 5));
      expect(t.entries[0]!.offset).toBe(8 * 24);
      // Data is a copy.
      table[8 * 24] = 0xee;
      expect(t.vcek![0]).toBe(1);
    });
  }

  it('the byte orders really differ (the VCEK GUID as text order and as EFI order)', () => {
    expect(Array.from(guidBytes(G.vcek).subarray(0, 8))).toEqual([
      0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
    ]);
    expect(Array.from(guidBytes(G.vcek, 'mixed-endian').subarray(0, 8))).toEqual([
      0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6, 0x64, 0x45,
    ]);
  });

  it('an empty table (terminator only) has no entries', () => {
    expect(parseSnpCertTable(new Uint8Array(24)).entries).toEqual([]);
    expect(parseSnpCertTable(new Uint8Array(4096)).entries).toEqual([]);
  });

  it('rejects a table without terminator, data outside the buffer or over the entries, duplicates', () => {
    expectAttestError(() => parseSnpCertTable(new Uint8Array(0)), 'ERR_TRUNCATED', 0);
    const one = encodeCertTable([{ guid: G.vcek, data: vcek }]);
    expectAttestError(() => parseSnpCertTable(one.subarray(0, 30)), 'ERR_TRUNCATED', 24);
    const outside = one.slice();
    new DataView(outside.buffer).setUint32(20, 1000, true);
    expectAttestError(() => parseSnpCertTable(outside), 'ERR_BAD_LENGTH', 16);
    const huge = one.slice();
    new DataView(huge.buffer).setUint32(16, 0xffffffff, true);
    expectAttestError(() => parseSnpCertTable(huge), 'ERR_BAD_LENGTH', 16);
    const overlap = one.slice();
    new DataView(overlap.buffer).setUint32(16, 8, true);
    expectAttestError(() => parseSnpCertTable(overlap), 'ERR_BAD_LENGTH', 16);
    const dup = encodeCertTable([
      { guid: G.vcek, data: vcek },
      { guid: G.vcek, data: ask },
    ]);
    expectAttestError(() => parseSnpCertTable(dup), 'ERR_BAD_VALUE', 24);
    // Mixed orders of the same GUID are still duplicates.
    const dup2 = encodeCertTable([
      { guid: G.ark, data: vcek },
      { guid: guidBytes(G.ark, 'mixed-endian'), data: ask },
    ]);
    expectAttestError(() => parseSnpCertTable(dup2), 'ERR_BAD_VALUE', 24);
    const badTerm = new Uint8Array(48);
    badTerm[20] = 1;
    expectAttestError(() => parseSnpCertTable(badTerm), 'ERR_BAD_VALUE', 0);
  });

  it('a count beyond the input fails fast', () => {
    // Past 32 entries the entry cap answers first (review S9); below it, the missing terminator.
    const many = new Uint8Array(24 * 10000).fill(0x11);
    const t0 = performance.now();
    expectAttestError(() => parseSnpCertTable(many), 'ERR_LIMIT_EXCEEDED', 24 * 32);
    expect(performance.now() - t0).toBeLessThan(200);
    expectAttestError(() => parseSnpCertTable(many.subarray(0, 24 * 10)), 'ERR_TRUNCATED', 240);
  });

  it('type confusion → TypeError', () => {
    for (const b of [
      null,
      undefined,
      'x',
      1,
      {},
      new ArrayBuffer(48),
      new Uint32Array(12),
      new DataView(new ArrayBuffer(4)),
    ]) {
      expect(() => parseSnpCertTable(b as Uint8Array)).toThrow(TypeError);
    }
  });
});

describeVectors('parseSnpCertTable with real certificates', () => {
  it('carries real DER unchanged', () => {
    const vcek = readVector('snp', 'genoa-v2-oak', 'vcek.der');
    const t = parseSnpCertTable(encodeCertTable([{ guid: G.vcek, data: vcek }], { padTo: 0x4000 }));
    expect(t.vcek).toEqual(vcek);
  });
});
