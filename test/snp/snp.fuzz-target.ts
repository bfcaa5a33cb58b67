/** Fuzz targets for the SNP parsers (picked up by test/fuzz/parsers.test.ts). */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, readVector } from '../support/vectors.js';
import { parseSnpReport } from '../../src/snp/parse.js';
import { parseSnpCertTable } from '../../src/snp/cert-table.js';
import { encodeCertTable, filled, SNP_CERT_TABLE_GUID } from './support/encode.js';

const REPORTS = [
  'milan-v2-gsg/report.bin',
  'milan-v3-vlek-aws-trustee/report.bin',
  'milan-v4-gce-openpcc/report.bin',
  'genoa-v2-oak/report.bin',
  'turin-v5-oak/report.bin',
];

export const targets: FuzzTarget[] = [
  {
    name: 'parseSnpReport',
    parse: (b) => parseSnpReport(b),
    seeds: () => (hasVectors ? REPORTS.map((f) => readVector('snp', ...f.split('/'))) : []),
    maxLength: 1300,
  },
  {
    name: 'parseSnpReport (Azure IGVM framing)',
    parse: (b) => parseSnpReport(b, { framing: 'azure-igvm-request' }),
    seeds: () =>
      hasVectors
        ? [readVector('azure', 'snp-genoa-openpcc', 'hcl-report.bin').slice(0x20, 0x4d4)]
        : [],
    maxLength: 1300,
  },
  {
    name: 'parseSnpCertTable',
    parse: (b) => parseSnpCertTable(b),
    // Synthetic tables (no real captured table exists); with vectors, real certificates inside.
    seeds: () => {
      const cert = hasVectors ? readVector('snp', 'genoa-v2-oak', 'vcek.der') : filled(300, 0x30);
      return [
        encodeCertTable([
          { guid: SNP_CERT_TABLE_GUID.vcek, data: cert },
          { guid: SNP_CERT_TABLE_GUID.ask, data: filled(40, 2) },
          { guid: SNP_CERT_TABLE_GUID.ark, data: filled(40, 3) },
        ]),
        encodeCertTable([{ guid: SNP_CERT_TABLE_GUID.vlek, data: filled(64, 4) }], {
          order: 'mixed-endian',
          padTo: 512,
        }),
        new Uint8Array(24),
      ];
    },
  },
];
