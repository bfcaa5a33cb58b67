/**
 * `snp-extended-report`: a real report followed by an SNP_GET_EXT_REPORT certificate table.
 * No real extended report exists in the vectors, so each one is built here from the real
 * genoa-v2-oak report, its VCEK and AMD's Genoa ASK/ARK with the SNP suite's test-only
 * encoder (test/snp/support/encode.ts). Also: snpguest's one-file-per-certificate layout.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { snpExtendedReportPlugin, snpReportPlugin } from '../../src/cli/plugins/snp.js';
import type { CliContext, EvidenceFile } from '../../src/cli/registry.js';
import { decodePem, encodePem, parseCertificate } from '../../src/index.js';
import { SNP_CERT_TABLE_GUID, encodeCertTable } from '../snp/support/encode.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, readVector, readVectorText } from '../support/vectors.js';
import { cli } from './support/run.js';
import { tempDir } from '../support/temp-dir.js';

const NOW = '2025-08-01T00:00:00Z';
const REPORT_SIZE = 0x4a0;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Material {
  report: Uint8Array;
  vcek: Uint8Array;
  ask: Uint8Array;
  ark: Uint8Array;
  crl: Uint8Array;
}

function material(): Material {
  const [ask, ark] = decodePem(readVectorText('snp', 'roots', 'ask_ark_genoa.pem')).map(
    (b) => b.der,
  );
  return {
    report: readVector('snp', 'genoa-v2-oak', 'report.bin'),
    vcek: readVector('snp', 'genoa-v2-oak', 'vcek.der'),
    ask: ask!,
    ark: ark!,
    crl: readVector('snp', 'crl', 'genoa_ark.crl.der'),
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The usual host table: VCEK, ASK, ARK. */
function table(m: Material, order: 'rfc4122' | 'mixed-endian' = 'rfc4122'): Uint8Array {
  return encodeCertTable(
    [
      { guid: SNP_CERT_TABLE_GUID.vcek, data: m.vcek },
      { guid: SNP_CERT_TABLE_GUID.ask, data: m.ask },
      { guid: SNP_CERT_TABLE_GUID.ark, data: m.ark },
    ],
    { order },
  );
}

/** Writes `bytes` as the only file of a fresh directory. */
function lone(bytes: Uint8Array, name = 'ext-report.bin'): string {
  const dir = tempDir('attestkit-cli-ext-');
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
}

function evidence(bytes: Uint8Array): EvidenceFile {
  return { path: 'ext-report.bin', bytes, text: undefined };
}

const ctx: CliContext = {
  collateralDir: undefined,
  now: undefined,
  manifest: undefined,
  baseDir: '/nonexistent-attestkit-dir',
  readFile: () => {
    throw new Error('no files');
  },
  readText: () => {
    throw new Error('no files');
  },
  exists: () => false,
};

describeVectors('snp-extended-report: detection', () => {
  it('report + a table is detected as snp-extended-report; the bare report stays snp-report', () => {
    const m = material();
    const ext = evidence(concat(m.report, table(m)));
    expect(snpExtendedReportPlugin.detect(ext)).toBe(true);
    expect(snpReportPlugin.detect(ext)).toBe(false);
    expect(snpExtendedReportPlugin.detect(evidence(m.report))).toBe(false);
    expect(snpReportPlugin.detect(evidence(m.report))).toBe(true);
    // Mixed-endian GUIDs, an empty table, and a table cut inside its first GUID.
    expect(
      snpExtendedReportPlugin.detect(evidence(concat(m.report, table(m, 'mixed-endian')))),
    ).toBe(true);
    expect(snpExtendedReportPlugin.detect(evidence(concat(m.report, new Uint8Array(24))))).toBe(
      true,
    );
    expect(
      snpExtendedReportPlugin.detect(evidence(concat(m.report, table(m).subarray(0, 7)))),
    ).toBe(true);
  });

  it('a report followed by bytes that are not a table is not detected (exit 2, unknown format)', async () => {
    const m = material();
    const junk = concat(m.report, new TextEncoder().encode('not a certificate table, just text'));
    expect(snpExtendedReportPlugin.detect(evidence(junk))).toBe(false);
    const r = await cli('inspect', lone(junk));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: ERR_UNKNOWN_FORMAT: /);
  });

  it('the detector never throws on arbitrary prefixes of an extended report', () => {
    const m = material();
    const full = concat(m.report, table(m));
    for (let n = 0; n <= full.length; n += 97) {
      expect(() => snpExtendedReportPlugin.detect(evidence(full.subarray(0, n)))).not.toThrow();
    }
  });
});

describeVectors('snp-extended-report: inspect', () => {
  it('lists each certificate: type by GUID, subject, serial, file offset', async () => {
    const m = material();
    const r = await cli('inspect', lone(concat(m.report, table(m))), '--json');
    expect(r.code).toBe(0);
    const i = JSON.parse(r.out) as Json;
    expect(i.title).toMatch(/^AMD SEV-SNP extended report/);
    const section = (i.sections as Json[]).find((s) =>
      String(s.heading).startsWith('Certificate table'),
    );
    expect(section!.heading).toBe('Certificate table at 0x4a0 (unverified)');
    const rows = new Map<string, string>(section!.rows);
    expect(rows.get('entries')).toBe('3');
    const header = 4 * 24;
    expect(rows.get('[0] vcek')).toBe(
      `GUID ${SNP_CERT_TABLE_GUID.vcek}; ${m.vcek.length} bytes at file offset 0x${(REPORT_SIZE + header).toString(16)}`,
    );
    expect(rows.get('[1] ask')).toContain(SNP_CERT_TABLE_GUID.ask);
    expect(rows.get('[2] ark')).toContain(SNP_CERT_TABLE_GUID.ark);
    for (const [i2, der] of [m.vcek, m.ask, m.ark].entries()) {
      const c = parseCertificate(der);
      expect(rows.get(`[${i2}] subject`)).toBe(c.subject.text);
      expect(rows.get(`[${i2}] serial`)).toBe(c.serialHex);
    }
    expect(rows.get('[1] subject')).toMatch(/CN=SEV-Genoa/);
    expect(rows.get('[2] subject')).toMatch(/CN=ARK-Genoa/);
    // The report's own fields are there too.
    expect((i.sections as Json[]).map((s) => s.heading)).toContain('Measurements');
  });

  it('readable output names mixed-endian GUIDs, a CRL entry and an unknown entry', async () => {
    const m = material();
    const t = encodeCertTable(
      [
        { guid: SNP_CERT_TABLE_GUID.vcek, data: m.vcek },
        { guid: SNP_CERT_TABLE_GUID.crl, data: m.crl },
        { guid: '01234567-89ab-cdef-0123-456789abcdef', data: new Uint8Array([1, 2, 3]) },
      ],
      { order: 'mixed-endian' },
    );
    const r = await cli('inspect', lone(concat(m.report, t)));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /\[0\] vcek\s+GUID 63da758d-e664-4564-adc5-f4b93be8accd, mixed-endian GUID/,
    );
    expect(r.out).toMatch(/\[1\] crl\s+GUID 92f81bc3/);
    expect(r.out).toMatch(/\[1\] issuer\s+.*ARK-Genoa/);
    expect(r.out).toMatch(/\[1\] revoked\s+020001/);
    expect(r.out).toMatch(/\[2\] unknown\s+GUID .*; 3 bytes/);
  });
});

describeVectors('snp-extended-report: verify', () => {
  it('verifies with the VCEK, ASK and ARK from the table (no other files)', async () => {
    const m = material();
    const r = await cli('verify', lone(concat(m.report, table(m))), '--now', NOW, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as Json;
    expect(result.ok).toBe(true);
    expect(result.product).toBe('Genoa'); // a v2 report: learned from the table's VCEK
    expect(result.certificates.sources).toEqual({
      leaf: 'cert-table',
      intermediate: 'cert-table',
      ark: 'cert-table',
    });
    for (const id of ['snp.signature', 'snp.chain.ark', 'snp.chain.ask', 'snp.chain.vcek'])
      expect((result.checks as Json[]).find((c) => c.id === id)!.status, id).toBe('pass');
  });

  it('mixed-endian GUIDs verify the same; the readable report lists the table', async () => {
    const m = material();
    const r = await cli('verify', lone(concat(m.report, table(m, 'mixed-endian'))), '--now', NOW);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/certificate table\s+vcek, ask, ark/);
    expect(r.out).toMatch(/certificates\s+leaf from cert-table/);
    expect(r.out).toContain('VERIFIED');
  });

  it('a CRL in the table is checked; the CRL from --collateral fills a table without one', async () => {
    const m = material();
    const withCrl = encodeCertTable([
      { guid: SNP_CERT_TABLE_GUID.vcek, data: m.vcek },
      { guid: SNP_CERT_TABLE_GUID.ask, data: m.ask },
      { guid: SNP_CERT_TABLE_GUID.ark, data: m.ark },
      { guid: SNP_CERT_TABLE_GUID.crl, data: m.crl },
    ]);
    const a = JSON.parse(
      (await cli('verify', lone(concat(m.report, withCrl)), '--now', NOW, '--json')).out,
    ) as Json;
    expect(a.ok).toBe(true);
    expect(a.certificates.sources.crl).toBe('cert-table');
    expect((a.checks as Json[]).find((c) => c.id === 'snp.crl')!.status).toBe('pass');

    const dir = tempDir('attestkit-cli-col-');
    writeFileSync(join(dir, 'crl.der'), m.crl);
    const b = await cli(
      'verify',
      lone(concat(m.report, table(m))),
      '--collateral',
      dir,
      '--now',
      NOW,
      '--json',
    );
    expect(b.code).toBe(0);
    expect((JSON.parse(b.out) as Json).certificates.sources.crl).toBe('evidence');
  });

  it('the table is not trusted: Milan ASK/ARK for a Genoa report fail the pinned chain (exit 1)', async () => {
    const m = material();
    const [mask, mark] = decodePem(readVectorText('snp', 'roots', 'ask_ark_milan.pem')).map(
      (b) => b.der,
    );
    const t = encodeCertTable([
      { guid: SNP_CERT_TABLE_GUID.vcek, data: m.vcek },
      { guid: SNP_CERT_TABLE_GUID.ask, data: mask! },
      { guid: SNP_CERT_TABLE_GUID.ark, data: mark! },
    ]);
    const r = await cli('verify', lone(concat(m.report, t)), '--now', NOW, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as Json;
    expect(result.ok).toBe(false);
    expect((result.checks as Json[]).filter((c) => c.status === 'fail').length).toBeGreaterThan(0);
  });

  it('a tampered report inside the extended report fails snp.signature (exit 1)', async () => {
    const m = material();
    const bytes = concat(m.report, table(m));
    bytes[0x50] = bytes[0x50]! ^ 1; // REPORT_DATA, signed
    const r = await cli('verify', lone(bytes), '--now', NOW, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as Json;
    expect((result.checks as Json[]).find((c) => c.id === 'snp.signature')!.status).toBe('fail');
  });

  it('kds-url reads the report part of an extended report', async () => {
    const m = material();
    const ext = await cli(
      'kds-url',
      lone(concat(m.report, table(m))),
      '--product',
      'Genoa',
      '--json',
    );
    const bare = await cli('kds-url', lone(m.report), '--product', 'Genoa', '--json');
    expect(ext.code).toBe(0);
    expect(ext.out).toBe(bare.out);
  });
});

describeVectors(
  'snp-extended-report: malformed tables are input errors (exit 2), not crashes',
  () => {
    const cases = (
      m: Material,
    ): { name: string; bytes: Uint8Array; code: string; offset: number }[] => {
      const t = table(m);
      const header = 4 * 24;
      // Entry offset beyond the input: entry[1].OFFSET = 0xFFFF0000.
      const beyond = t.slice();
      new DataView(beyond.buffer).setUint32(24 + 16, 0xffff0000, true);
      // No terminator: three entries and nothing after them.
      const noTerm = t.slice(0, 3 * 24);
      return [
        // The data of the last entry (ARK) is cut short.
        {
          name: 'table truncated inside the certificate data',
          bytes: concat(m.report, t.subarray(0, t.length - 100)),
          code: 'ERR_BAD_LENGTH',
          offset: REPORT_SIZE + 2 * 24 + 16,
        },
        {
          name: 'table truncated inside an entry',
          bytes: concat(m.report, t.subarray(0, 30)),
          code: 'ERR_TRUNCATED',
          offset: REPORT_SIZE + 24, // entry[1].GUID starts there and needs 16 bytes
        },
        {
          name: 'entry offset beyond the input',
          bytes: concat(m.report, beyond),
          code: 'ERR_BAD_LENGTH',
          offset: REPORT_SIZE + 24 + 16,
        },
        {
          name: 'no terminating all-zero entry',
          bytes: concat(m.report, noTerm),
          code: 'ERR_TRUNCATED',
          offset: REPORT_SIZE + 3 * 24,
        },
        {
          name: 'entry overlapping the entry list',
          bytes: (() => {
            const o = t.slice();
            new DataView(o.buffer).setUint32(16, header - 8, true);
            return concat(m.report, o);
          })(),
          code: 'ERR_BAD_LENGTH',
          offset: REPORT_SIZE + 16,
        },
      ];
    };

    it('the plugin throws AttestError with the file offset (table offset + 0x4a0)', () => {
      const m = material();
      for (const c of cases(m)) {
        expect(snpExtendedReportPlugin.detect(evidence(c.bytes)), c.name).toBe(true);
        expectAttestError(
          () => snpExtendedReportPlugin.inspect(evidence(c.bytes), ctx),
          c.code as 'ERR_TRUNCATED',
          c.offset,
        );
        expectAttestError(
          () => snpExtendedReportPlugin.verify(evidence(c.bytes), ctx),
          c.code as 'ERR_TRUNCATED',
          c.offset,
        );
      }
    });

    it('inspect and verify exit 2 with one line naming the code and the file offset', async () => {
      const m = material();
      for (const c of cases(m)) {
        const path = lone(c.bytes);
        for (const command of ['inspect', 'verify']) {
          // --now is verify's only: inspect refuses it (a flag never takes no effect).
          const r = await cli(command, path, ...(command === 'verify' ? ['--now', NOW] : []));
          expect(r.code, `${command}: ${c.name}`).toBe(2);
          expect(r.out).toBe('');
          expect(r.err).toMatch(
            new RegExp(`^attestkit: ${c.code}: certificate table after the report`),
          );
          expect(r.err).toContain(`at offset 0x${c.offset.toString(16)}`);
          expect(r.err.split('\n')).toHaveLength(1); // no stack trace
        }
      }
    });
  },
);

describeVectors("snpguest's layout: one file per certificate", () => {
  it('vcek.pem + ask.pem + ark.pem beside the report (PEM) verify', async () => {
    const m = material();
    const report = lone(m.report, 'attestation_report.bin');
    const dir = join(report, '..');
    writeFileSync(join(dir, 'vcek.pem'), encodePem('CERTIFICATE', m.vcek));
    writeFileSync(join(dir, 'ask.pem'), encodePem('CERTIFICATE', m.ask));
    writeFileSync(join(dir, 'ark.pem'), encodePem('CERTIFICATE', m.ark));
    const r = await cli('verify', report, '--now', NOW, '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as Json).certificates.sources).toEqual({
      leaf: 'evidence',
      intermediate: 'evidence',
      ark: 'evidence',
    });
  });

  it('vcek.der + ask.der + ark.der in --collateral DIR verify', async () => {
    const m = material();
    const dir = tempDir('attestkit-cli-certs-');
    writeFileSync(join(dir, 'vcek.der'), m.vcek);
    writeFileSync(join(dir, 'ask.der'), m.ask);
    writeFileSync(join(dir, 'ark.der'), m.ark);
    const r = await cli('verify', lone(m.report), '--collateral', dir, '--now', NOW);
    expect(r.code).toBe(0);
  });

  it('without ark.* the chain is incomplete: not verified (exit 1)', async () => {
    const m = material();
    const dir = tempDir('attestkit-cli-certs-');
    writeFileSync(join(dir, 'vcek.der'), m.vcek);
    writeFileSync(join(dir, 'ask.der'), m.ask);
    const r = await cli('verify', lone(m.report), '--collateral', dir, '--now', NOW);
    expect(r.code).toBe(1);
  });
});
