/**
 * Generates the SYNTHETIC SEV-SNP demo evidence in examples/evidence/snp-synthetic and
 * examples/evidence/snp-synthetic-tampered: a throwaway AMD-style chain (ARK-Genoa → SEV-Genoa →
 * SEV-VCEK, every name marked SYNTHETIC, RSASSA-PSS SHA-384 salt 48 like AMD, RSA-4096), a v3
 * Genoa report signed by its VCEK, an ARK-signed CRL, and manifests carrying the test root pin and
 * the verification time. Nothing here is AMD-signed; the keys are generated on each run and
 * discarded.
 *
 *   npx tsx scripts/gen-snp-evidence.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodePem, toHex } from '../src/core/encoding.js';
import { encodeSnpTcb } from '../src/snp/kds.js';
import { filled } from '../test/snp/support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  SYNTHETIC_ORG,
} from '../test/snp/support/synthetic.js';

const root = resolve(import.meta.dirname, '../examples/evidence');
const TCB = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
const chipId = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
const reportData = filled(64, 0);
reportData.set(new TextEncoder().encode('attestkit demo nonce (SYNTHETIC)'));
const measurement = Uint8Array.from({ length: 48 }, (_, i) => (i * 7 + 3) & 0xff);

const amd = await mintSyntheticAmd('Genoa', { rsaBits: 4096 });
const vcek = await amd.mintLeaf({ tcb: TCB, hwid: chipId, productName: 'Genoa' });
const fields = {
  version: 3,
  cpuid: { fam: 0x19, mod: 0x11, step: 1 },
  policy: 0x30000n,
  currentTcb: encodeSnpTcb(TCB, 'Genoa'),
  platformInfo: 0x25n,
  chipId,
  reportData,
  measurement,
  current: { major: 1, minor: 55, build: 40 },
};
const report = await signedReport(fields, vcek.keys);
const crl = await amd.mintCrl({ revoked: ['0abcde'] });
const chainPem = encodePem('CERTIFICATE', amd.ask.der) + encodePem('CERTIFICATE', amd.ark.der);

function write(
  dir: string,
  files: Record<string, Uint8Array | string>,
  manifest: Record<string, unknown>,
): void {
  const d = join(root, dir);
  mkdirSync(d, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(d, name), data);
  writeFileSync(join(d, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${d}`);
}

const common = {
  type: 'snp-report',
  synthetic: true,
  vcek: 'vcek.der',
  chain: 'ask_ark.pem',
  crl: 'crl.der',
  requireCrl: true,
  rootPins: amd.rootPins,
  now: SYNTHETIC_NOW.toISOString(),
  signer: SYNTHETIC_ORG,
};
const files = { 'vcek.der': vcek.der, 'ask_ark.pem': chainPem, 'crl.der': crl };

write(
  'snp-synthetic',
  { 'report.bin': report, ...files },
  {
    evidence: 'report.bin',
    ...common,
    description:
      'SYNTHETIC SEV-SNP v3 Genoa report signed by a throwaway test chain (not AMD). The manifest pins the test ARK and fixes the verification time; the policy expects this report data and measurement.',
    expectOk: true,
    policy: {
      reportData: toHex(reportData),
      measurement: toHex(measurement),
      minimumTcb: TCB,
      vmpl: 0,
    },
  },
);

// The same report with one measurement byte changed: the signature no longer verifies.
const tampered = report.slice();
tampered[0x90]! ^= 0x01;
write(
  'snp-synthetic-tampered',
  { 'report.bin': tampered, ...files },
  {
    evidence: 'report.bin',
    ...common,
    description:
      'SYNTHETIC: the snp-synthetic report with one MEASUREMENT byte flipped after signing; snp.signature (and the measurement policy) must fail.',
    expectOk: false,
    policy: { measurement: toHex(measurement) },
  },
);
