/**
 * Verify an SVSM vTPM confidential VM: a VMPL-0 SEV-SNP report whose REPORT_DATA =
 * SHA-512(nonce ‖ vTPM manifest) binds the vTPM's EK; the EK vouches for the AK; the AK quotes
 * the PCRs; the event log replays; and the report itself sits in PCR 15 (the reverse direction).
 *
 *   npx tsx examples/svsm-vtpm.ts
 *
 * Runs on the SYNTHETIC demo CVM in examples/evidence/cvm-synthetic (test keys, not AMD; made by
 * scripts/gen-cvm-evidence.ts). On a real guest the report and manifest come from configfs-tsm
 * (`/sys/kernel/config/tsm/report/<x>/` with `service_provider = svsm`, `service_guid =
 * c476f1eb-0123-45a5-9641-b4e7dde5bfe3`, `inblob` = your 64-byte nonce → `outblob`,
 * `manifestblob`), the quote from tpm2_quote, and the log from
 * /sys/kernel/security/tpm0/binary_bios_measurements.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseSvsmVtpmManifest,
  verifyConfidentialVm,
  verifyReportDataBinding,
} from '../src/binding/index.js';
import { fromHex, toHex } from '../src/core/encoding.js';
import { parseSnpReport } from '../src/snp/index.js';
import type { PcrBanks } from '../src/tpm/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'evidence/cvm-synthetic');
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const bundle = JSON.parse(readFileSync(join(dir, 'cvm.json'), 'utf8'));
// The verifier's own configuration (the synthetic root pin, the instant) sits in the demo
// manifest, not in the evidence bundle: trust anchors are never the prover's to choose.
const verifier = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).options;
console.log('SYNTHETIC SVSM vTPM CVM (test keys, not AMD)\n');

const nonce = fromHex(bundle.nonce); // the verifier's nonce (64 bytes)
const report = parseSnpReport(file('report.bin'));
const manifest = parseSvsmVtpmManifest(file('svsm-manifest.bin'));
console.log(
  `manifest: ${manifest.kind} v${manifest.version}, EK ${manifest.endorsementKeys[0]?.type}`,
);

// 1. The binding alone: REPORT_DATA = SHA-512(nonce ‖ manifest), VMPL 0.
const binding = await verifyReportDataBinding({ scheme: 'svsm', report, manifest, nonce });
for (const c of binding.checks)
  console.log(`  ${c.status.padEnd(4)} ${c.id.padEnd(28)} ${c.message}`);

// 2. The whole CVM: hardware chain, both binding directions, AK, quote, event log, policy.
const pcrs: PcrBanks = {};
for (const [bank, values] of Object.entries(
  bundle.tpm.pcrs as Record<string, Record<string, string>>,
)) {
  pcrs[bank as 'sha256'] = Object.fromEntries(
    Object.entries(values).map(([i, v]) => [i, fromHex(v)]),
  );
}
const result = await verifyConfidentialVm(
  {
    hardware: {
      kind: 'snp',
      report,
      vcek: file('vcek.der'),
      chain: [file('ask.der'), file('ark.der')],
    },
    binding: [
      { scheme: 'svsm', manifest },
      { scheme: 'pcr', pcrIndex: 15 },
    ],
    tpm: {
      attest: file('quote.msg'),
      signature: file('quote.sig'),
      akPublic: file('ak.tpmt_public.bin'),
      ekPublic: file('ek.tpmt_public.bin'),
      pcrs,
      // The EK (a signing EK in this synthetic vTPM) certified the AK with TPM2_Certify.
      akProof: {
        kind: 'certify',
        attest: file('ak-certify.msg'),
        signature: file('ak-certify.sig'),
      },
    },
    eventLog: file('eventlog.bin'),
    nonce,
  },
  {
    now: new Date(verifier.now),
    snp: { rootPins: verifier.snp.rootPins }, // the synthetic ARK; real AMD roots are built in
    requireEventLog: true,
    policy: { requireSecureBoot: true },
  },
);
console.log('');
for (const c of result.checks)
  console.log(`${c.status.padEnd(4)}  ${c.id.padEnd(32)} ${c.message}`);
console.log(`\nverified: ${result.ok}`);
console.log(`bindings: ${result.claims.bindings.join(' + ')}, VMPL ${result.claims.vmpl}`);
console.log(`REPORT_DATA: ${toHex(report.reportData).slice(0, 32)}…`);
process.exitCode = result.ok ? 0 : 1;
