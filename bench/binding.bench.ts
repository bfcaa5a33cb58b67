/**
 * Binding bench: a real Azure SEV-SNP CVM (vectors/azure/snp-milan-trustee-evidence/evidence-v2)
 * through `parseAzureHclReport`, `verifyReportDataBinding` and `verifyConfidentialVm` (cold, and
 * with a warm shared cache), against the floor — the crypto a warm whole-CVM verification cannot
 * skip: one P-384/SHA-384 verify (the SNP report), one RSASSA-PKCS1-v1_5/SHA-256 verify (the
 * vTPM quote) and the SHA-256 of the runtime data. Issue 8 names no peer for binding.
 */
import { webcrypto } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfidentialVmEvidence } from '../src/binding/index.js';
import type * as BindingModuleExports from '../src/binding/index.js';
import { createCache, type MemoryCache } from '../src/core/cache.js';
import { digest, publicKeyToJwk } from '../src/core/crypto.js';
import { fromBase64, fromHex } from '../src/core/encoding.js';
import { parseCertificate } from '../src/core/x509.js';
import { parseSnpReport } from '../src/snp/index.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { disposeBuilt, importBuilt } from './built.js';

type BindingModule = typeof BindingModuleExports;
// The code under test: the esbuild build of src/binding (see built.ts), loaded in setup.
let parseAzureHclReport: BindingModule['parseAzureHclReport'];
let verifyConfidentialVm: BindingModule['verifyConfidentialVm'];
let verifyReportDataBinding: BindingModule['verifyReportDataBinding'];

const subtle = webcrypto.subtle;
const VECTORS = process.env.ATTESTKIT_VECTORS
  ? resolve(process.env.ATTESTKIT_VECTORS)
  : resolve(import.meta.dirname, '../../shared/vectors');
const NOW = new Date('2025-07-01T00:00:00Z');
const FILE = join(VECTORS, 'azure', 'snp-milan-trustee-evidence', 'evidence-v2.json');

let hclBytes: Uint8Array;
let evidence: ConfidentialVmEvidence;
let warm: MemoryCache;
let snpKey: CryptoKey;
let snpSig: Uint8Array;
let snpSigned: Uint8Array;
let akKey: CryptoKey;
let runtime: Uint8Array;
let quoteAttest: Uint8Array;
let quoteSignature: Uint8Array;

async function expectOk(p: Promise<{ ok: boolean }>): Promise<void> {
  if (!(await p).ok) throw new Error('bench input did not verify');
}

const cases: BenchCase[] = [
  { name: 'parseAzureHclReport (2600-byte HCL report)', fn: () => parseAzureHclReport(hclBytes) },
  {
    name: 'verifyReportDataBinding azure-hcl (parse + SHA-256)',
    fn: () => expectOk(verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: hclBytes })),
  },
  {
    name: 'verifyConfidentialVm cold (chain, report, binding, quote)',
    fn: () => expectOk(verifyConfidentialVm(evidence, { now: NOW })),
  },
  {
    name: 'verifyConfidentialVm warm (shared cache)',
    fn: () => expectOk(verifyConfidentialVm(evidence, { now: NOW, cache: warm })),
  },
];
const WARM = cases[3]!;

const FLOOR: BenchCase = {
  name: 'P-384 verify + RSA-2048 verify + SHA-256 (imported keys)',
  fn: async () => {
    await subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, snpKey, snpSig, snpSigned);
    await subtle.verify('RSASSA-PKCS1-v1_5', akKey, quoteSignature, quoteAttest);
    return digest('sha256', runtime);
  },
};

export const suite: BenchSuite = {
  name: 'binding: a real Azure SEV-SNP CVM (trustee evidence v2, Milan)',
  async setup() {
    if (!existsSync(FILE)) return `no vectors at ${VECTORS}`;
    ({ parseAzureHclReport, verifyConfidentialVm, verifyReportDataBinding } =
      await importBuilt<BindingModule>('binding'));
    const e = JSON.parse(readFileSync(FILE, 'utf8')) as {
      hcl_report: string;
      vcek: string;
      tpm_quote: { message: string; signature: string; pcrs: string[] };
    };
    hclBytes = fromBase64(e.hcl_report);
    const hcl = parseAzureHclReport(hclBytes);
    const vcek = fromBase64(e.vcek);
    const attest = fromHex(e.tpm_quote.message);
    const signature = fromHex(e.tpm_quote.signature);
    evidence = {
      hardware: {
        kind: 'snp',
        vcek,
        chain: readFileSync(join(VECTORS, 'snp', 'roots', 'ask_ark_milan.pem'), 'utf8'),
      },
      binding: { scheme: 'azure-hcl', hclReport: hclBytes },
      tpm: {
        attest,
        signature,
        signatureScheme: { scheme: 'rsassa', hash: 'sha256' },
        pcrs: { sha256: Object.fromEntries(e.tpm_quote.pcrs.map((v, i) => [i, fromHex(v)])) },
      },
      nonce: hcl.userData!.subarray(0, 48),
    };
    const report = parseSnpReport(hcl.hardwareReport);
    snpSigned = report.signedBytes;
    snpSig = new Uint8Array([...report.signature.r, ...report.signature.s]);
    snpKey = await subtle.importKey(
      'jwk',
      publicKeyToJwk(parseCertificate(vcek).publicKey),
      { name: 'ECDSA', namedCurve: 'P-384' },
      false,
      ['verify'],
    );
    akKey = await subtle.importKey(
      'jwk',
      hcl.akPub!.jwk,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    runtime = hcl.runtimeData;
    if (!(await subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, snpKey, snpSig, snpSigned))) {
      return 'floor SNP signature does not verify';
    }
    if (!(await subtle.verify('RSASSA-PKCS1-v1_5', akKey, signature, attest))) {
      return 'floor quote signature does not verify';
    }
    warm = createCache({ maxEntries: 100 });
    await expectOk(verifyConfidentialVm(evidence, { now: NOW, cache: warm }));
    quoteAttest = attest;
    quoteSignature = signature;
  },
  floor: FLOOR,
  cases,
  targets: ['verifyConfidentialVm warm ≤ 1.5× the floor'],
  teardown() {
    disposeBuilt();
    return Promise.resolve();
  },
  comparisons: [
    {
      label: 'verifyConfidentialVm warm / floor',
      numerator: WARM,
      denominator: FLOOR,
      target: { max: 1.5 },
    },
  ],
};
