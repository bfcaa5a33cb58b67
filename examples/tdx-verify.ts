/**
 * Verify an Intel TDX quote offline with collateral you already hold.
 *
 *   npx tsx examples/tdx-verify.ts
 *
 * Uses a real quote and Intel's real collateral from the shared test vectors when they are present
 * (../shared/vectors or $ATTESTKIT_VECTORS), verified at a time when that collateral was current;
 * otherwise the SYNTHETIC demo evidence in examples/evidence/tdx-synthetic (test keys, pinned in
 * its manifest). Online, replace staticTdxCollateral with createPcsFetcher({ fetch }).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  tdxCollateralFromDcapQvl,
  verifyTdxQuote,
  type TdxVerifyOptions,
} from '../src/tdx/index.js';
import { staticTdxCollateral } from '../src/fetch/pcs.js';
import { createCache } from '../src/core/cache.js';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = process.env.ATTESTKIT_VECTORS ?? resolve(here, '../../shared/vectors');
const realQuote = join(vectors, 'tdx/dcapqvl-v4/quote.bin');
const realCollateral = join(vectors, 'tdx/collateral/dcapqvl/tdx_quote_collateral.json');

let quote: Uint8Array;
let options: TdxVerifyOptions;
if (existsSync(realQuote) && existsSync(realCollateral)) {
  console.log('real quote (dcap-qvl sample) with Intel collateral from the shared vectors');
  quote = new Uint8Array(readFileSync(realQuote));
  // The collateral was current in July 2025; verify as of then.
  const collateral = tdxCollateralFromDcapQvl(readFileSync(realCollateral, 'utf8'));
  options = { now: new Date('2025-07-04T10:16:31Z'), fetcher: staticTdxCollateral(collateral) };
} else {
  const dir = join(here, 'evidence/tdx-synthetic');
  console.log('SYNTHETIC demo quote (test keys, not Intel)');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  quote = new Uint8Array(readFileSync(join(dir, manifest.evidence)));
  const c = JSON.parse(readFileSync(join(dir, manifest.collateral), 'utf8'));
  options = {
    now: new Date(manifest.now),
    rootPins: manifest.rootPins,
    fetcher: staticTdxCollateral(c),
  };
}

const cache = createCache({ maxEntries: 100 });
const result = await verifyTdxQuote(quote, {
  ...options,
  cache,
  // Policy: what this relying party expects of the TD. The defaults already reject debug and
  // migratable TDs and require SEPT_VE_DISABLE; add mrTd, rtmrs, reportData, … for your workload.
  policy: {},
});

for (const c of result.checks) {
  if (c.status !== 'skip' || c.required)
    console.log(`${c.status.padEnd(4)}  ${c.id.padEnd(32)} ${c.message}`);
}
console.log(
  `\nTCB status: ${result.tcbStatus ?? 'not evaluated'}${result.advisoryIds.length > 0 ? ` (${result.advisoryIds.join(', ')})` : ''}`,
);
console.log(`collateral expires: ${result.collateralExpiry?.toISOString() ?? '-'}`);
console.log(result.ok ? 'VERIFIED' : 'NOT VERIFIED');
process.exitCode = result.ok ? 0 : 1;
