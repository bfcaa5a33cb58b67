/**
 * Fuzz targets for the binding parsers, seeded with the real Azure HCL reports (SNP and TDX
 * flavours, 2048- and 2600-byte buffers) and the synthetic SVSM manifests.
 */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, readVector } from '../support/vectors.js';
import { parseAzureHclReport, parseSvsmVtpmManifest } from '../../src/binding/index.js';

const hclSeeds = (): Uint8Array[] =>
  hasVectors
    ? [
        readVector('azure/snp-milan-trustee/hcl-report.bin'),
        readVector('azure/snp-milan-trustee-2023/az-hcl-data.bin'),
        readVector('azure/tdx-trustee/hcl-report.bin'),
        readVector('azure/snp-genoa-openpcc/hcl-report.bin'),
      ]
    : [];

const manifestSeeds = (): Uint8Array[] => {
  if (!hasVectors) return [];
  const ek = readVector('snp/synthetic/svsm-vtpm/ek_tpmt_public.bin');
  const ecc = readVector('tpm/swtpm/keys/ek_eccp384_h3.tpmt_public.bin');
  const v1 = new Uint8Array(4 + ek.length + ecc.length);
  v1[0] = 2;
  v1.set(ek, 4);
  v1.set(ecc, 4 + ek.length);
  return [ek, readVector('snp/synthetic/svsm-vtpm/services_manifest.bin'), v1];
};

export const targets: FuzzTarget[] = [
  {
    name: 'parseAzureHclReport',
    parse: (b) => parseAzureHclReport(b),
    seeds: hclSeeds,
    maxLength: 3000,
  },
  { name: 'parseSvsmVtpmManifest', parse: (b) => parseSvsmVtpmManifest(b), seeds: manifestSeeds },
  {
    name: 'parseSvsmVtpmManifest (v1)',
    parse: (b) => parseSvsmVtpmManifest(b, { version: 1 }),
    seeds: manifestSeeds,
  },
];
