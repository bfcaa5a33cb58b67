/**
 * A relying party verifying an AMD SEV-SNP attestation report with a cached KDS fetcher.
 *
 *   npx tsx examples/snp-verify.ts
 *
 * It runs offline. With the attestkit test vectors present ($ATTESTKIT_VECTORS or
 * ../shared/vectors) it verifies the real Genoa report `snp/genoa-v2-oak` and serves the AMD
 * certificates from those files through `staticSnpCollateral` (the drop-in for the live KDS
 * fetcher). Without them it verifies the SYNTHETIC demo report in
 * examples/evidence/snp-synthetic (test keys, its own root pin). Set ATTESTKIT_ONLINE=1 to
 * fetch from the real AMD KDS with `createKdsFetcher({ fetch })` instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCache, digest } from '../src/index.js';
import { verifySnpReport, type SnpFetcher, type SnpVerifyOptions } from '../src/snp/index.js';
import { createKdsFetcher, staticSnpCollateral } from '../src/fetch/kds.js';
import { withCache } from '../src/fetch/with-cache.js';

const here = import.meta.dirname;
const vectors = process.env.ATTESTKIT_VECTORS ?? resolve(here, '../../shared/vectors');
const bytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

// One cache per process: parsed certificates, verified chains, imported keys and fetched
// collateral. A second verification of a report from the same chip costs ~one P-384 verify.
const cache = createCache({ maxEntries: 1000 });

let report: Uint8Array;
let source: SnpFetcher;
let extra: SnpVerifyOptions = {};
let expectedReportData: Uint8Array | undefined;

if (process.env.ATTESTKIT_ONLINE === '1') {
  console.log('fetching collateral from https://kdsintf.amd.com (ATTESTKIT_ONLINE=1)');
  report = bytes(join(vectors, 'snp/genoa-v2-oak/report.bin'));
  source = createKdsFetcher({ fetch: (url, init) => fetch(url, init) });
  extra = { product: 'Genoa', now: new Date('2025-08-01T00:00:00Z') };
} else if (existsSync(join(vectors, 'snp/genoa-v2-oak/report.bin'))) {
  console.log(
    `offline: real Genoa report, AMD certificates served from the vector files in ${vectors}`,
  );
  report = bytes(join(vectors, 'snp/genoa-v2-oak/report.bin'));
  source = staticSnpCollateral({
    certificates: [
      bytes(join(vectors, 'snp/genoa-v2-oak/vcek.der')),
      readFileSync(join(vectors, 'snp/roots/ask_ark_genoa.pem'), 'utf8'),
    ],
    crls: [bytes(join(vectors, 'snp/crl/genoa_ark.crl.der'))],
  });
  // A v2 report does not name its product: the relying party knows which fleet it runs on.
  // The vector certificates and CRL are from 2024–2025: verify at a time inside their validity.
  extra = { product: 'Genoa', now: new Date('2025-08-01T00:00:00Z') };
  // Oak binds SHA-256 of its ECA public key into REPORT_DATA[0:32] (the rest zero): recompute
  // the expected value from the key the guest presented, never read it from the report.
  expectedReportData = new Uint8Array(64);
  expectedReportData.set(
    digest('sha256', bytes(join(vectors, 'snp/genoa-v2-oak/eca_public_key.cose'))),
  );
} else {
  const dir = resolve(here, 'evidence/snp-synthetic');
  console.log(
    'offline: no vectors found; verifying the SYNTHETIC demo report (test keys, test root pin)',
  );
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    rootPins: SnpVerifyOptions['rootPins'];
    now: string;
  };
  report = bytes(join(dir, 'report.bin'));
  source = staticSnpCollateral({
    certificates: [bytes(join(dir, 'vcek.der')), readFileSync(join(dir, 'ask_ark.pem'), 'utf8')],
    crls: [bytes(join(dir, 'crl.der'))],
  });
  extra = {
    ...(manifest.rootPins !== undefined ? { rootPins: manifest.rootPins } : {}),
    now: new Date(manifest.now),
  };
}

// Fetch each VCEK once per (product, hwID, TCB), each chain and CRL once per product, and again
// after maxAgeMs (12 hours, the default): AMD reissues CRLs, and a stale one fails `snp.crl`.
const fetcher = withCache(source, cache, { prefix: 'kds', maxAgeMs: 12 * 3_600_000 });

const result = await verifySnpReport(report, {
  ...extra,
  fetcher,
  cache,
  requireCrl: true,
  policy: {
    // The nonce or key hash the relying party asked the guest to put in REPORT_DATA.
    ...(expectedReportData !== undefined ? { reportData: expectedReportData } : {}),
    // Firmware the relying party accepts at minimum (component-wise, REPORTED_TCB).
    minimumTcb: { bootloader: 7, snp: 15, microcode: 62 },
    vmpl: 0,
  },
});

console.log(
  `\n${result.ok ? 'VERIFIED' : 'NOT VERIFIED'} — ${result.product ?? '?'} report signed by the ${result.signer ?? '?'}`,
);
for (const c of result.checks) {
  if (c.status !== 'skip') console.log(`  [${c.status}] ${c.id}: ${c.message}`);
}
console.log(`  certificates: ${JSON.stringify(result.certificates.sources)}`);

// The second verification reuses everything: nothing is fetched or re-verified but the report.
const t0 = performance.now();
const again = await verifySnpReport(report, { ...extra, fetcher, cache, requireCrl: true });
console.log(
  `\nwarm re-verification: ${again.ok ? 'ok' : 'failed'} in ${(performance.now() - t0).toFixed(2)} ms`,
);
process.exitCode = result.ok ? 0 : 1;
