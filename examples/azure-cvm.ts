/**
 * Verify an Azure confidential VM (SEV-SNP flavour) end to end: VCEK → SEV-SNP report →
 * REPORT_DATA = SHA-256(runtime JSON) → HCLAkPub → vTPM quote → PCRs.
 *
 *   npx tsx examples/azure-cvm.ts
 *
 * Uses the real Azure evidence from the shared test vectors (../shared/vectors or
 * $ATTESTKIT_VECTORS: trustee's az-snp-vtpm evidence, Milan, 2024) when present. On a real CVM
 * the pieces come from: the HCL report = `tpm2_nvread 0x01400001`; the quote = `tpm2_quote -c
 * 0x81000003 -l sha256:all -q <nonce>` (raw RSASSA-SHA256 signature with `-f plain`); the VCEK
 * from AMD KDS (or Azure's THIM) and the ASK/ARK chain.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseAzureHclReport,
  verifyConfidentialVm,
  type ConfidentialVmVerification,
} from '../src/binding/index.js';
import { fromBase64, fromHex, toHex } from '../src/core/encoding.js';
import type { PcrBanks } from '../src/tpm/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = process.env.ATTESTKIT_VECTORS ?? resolve(here, '../../shared/vectors');
const evidenceFile = join(vectors, 'azure/snp-milan-trustee-evidence/evidence-v2.json');
if (!existsSync(evidenceFile)) {
  console.log(`no Azure vectors at ${vectors}: nothing to verify (see the cvm-synthetic demo)`);
  process.exit(0);
}

// trustee's az-snp-vtpm evidence v2: HCL report and VCEK in base64url, the quote in hex.
const e = JSON.parse(readFileSync(evidenceFile, 'utf8')) as {
  hcl_report: string;
  vcek: string;
  tpm_quote: { message: string; signature: string; pcrs: string[] };
};
const hclReport = fromBase64(e.hcl_report);
const hcl = parseAzureHclReport(hclReport);
console.log(
  `HCL report v${hcl.header.version}, ${hcl.reportType}, runtime keys: ${hcl.keys.map((k) => k.kid).join(', ')}`,
);

// The PCR values the prover sent (sha256 bank, PCR 0..23): claims until the quote signs them.
const pcrs: PcrBanks = {
  sha256: Object.fromEntries(e.tpm_quote.pcrs.map((v, i) => [i, fromHex(v)])),
};
// The verifier's nonce; in this capture it was also written into the HCL user-data.
const nonce = hcl.userData!.subarray(0, 48);

const result: ConfidentialVmVerification = await verifyConfidentialVm(
  {
    hardware: {
      kind: 'snp',
      vcek: fromBase64(e.vcek),
      chain: readFileSync(join(vectors, 'snp/roots/ask_ark_milan.pem'), 'utf8'),
    },
    binding: { scheme: 'azure-hcl', hclReport },
    tpm: {
      attest: fromHex(e.tpm_quote.message),
      signature: fromHex(e.tpm_quote.signature),
      signatureScheme: { scheme: 'rsassa', hash: 'sha256' },
      pcrs,
      // akPublic omitted: the AK is HCLAkPub from the runtime data the report binds.
    },
    nonce,
  },
  {
    now: new Date('2025-07-01T00:00:00Z'), // inside the captured VCEK's validity
    policy: {
      azureVmConfiguration: { 'secure-boot': true, 'tpm-enabled': true },
      snp: { allowSmt: true },
    },
  },
);

for (const c of result.checks)
  console.log(`${c.status.padEnd(4)}  ${c.id.padEnd(34)} ${c.message}`);
console.log(`\nverified: ${result.ok}`);
console.log(`measurement: ${result.claims.measurement}`);
console.log(`PCR 7 (signed): ${result.claims.pcrs.sha256?.[7] ?? 'not signed'}`);
console.log(`AK: RSA ${result.claims.ak?.n?.slice(0, 24)}…  user-data: ${toHex(nonce)}`);
process.exitCode = result.ok ? 0 : 1;
