/**
 * Generates the SYNTHETIC TDX demo evidence in examples/evidence/tdx-synthetic-…/: a TDX v4 quote
 * signed by a fresh attestation key, its QE report signed by a test PCK key, and TCB info / QE
 * identity / CRLs signed by a labelled test chain (O=SYNTHETIC attestkit test). The manifest
 * carries the test root's SPKI pin and the verification time. Nothing here is Intel's.
 *
 *   npx tsx scripts/gen-tdx-evidence.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from '../src/core/encoding.js';
import {
  SYNTH_NOW,
  buildCollateral,
  buildQuote,
  mintIntelLikePki,
} from '../test/tdx/support/intel-like.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pki = await mintIntelLikePki();
const collateral = await buildCollateral(pki);
const collateralJson = JSON.stringify(
  {
    _note: 'SYNTHETIC collateral signed by a test chain (O=SYNTHETIC attestkit test), not by Intel',
    tcbInfo: collateral.tcbInfo,
    tcbInfoIssuerChain: collateral.tcbInfoIssuerChain,
    qeIdentity: collateral.qeIdentity,
    qeIdentityIssuerChain: collateral.qeIdentityIssuerChain,
    pckCrl: toHex(collateral.pckCrl),
    pckCrlIssuerChain: collateral.pckCrlIssuerChain,
    rootCaCrl: toHex(collateral.rootCaCrl),
  },
  null,
  2,
);

const cases = [
  {
    dir: 'tdx-synthetic',
    quote: await buildQuote(pki, {
      td: { reportData: Uint8Array.from({ length: 64 }, (_, i) => (i < 32 ? i : 0)) },
    }),
    description:
      'SYNTHETIC TDX v4 quote and collateral signed by a labelled test chain (root pinned in this manifest): every DCAP check passes and the TCB status is UpToDate.',
    expectOk: true,
  },
  {
    dir: 'tdx-synthetic-debug-td',
    quote: await buildQuote(pki, { td: { tdAttributes: (1n << 28n) | 1n } }),
    description:
      'SYNTHETIC TDX v4 quote of a debug TD: signatures, chain, collateral and TCB all verify, and policy rejects it (tdx.policy.debug).',
    expectOk: false,
  },
];

for (const c of cases) {
  const dir = join(root, 'examples', 'evidence', c.dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'quote.bin'), c.quote);
  writeFileSync(join(dir, 'collateral.json'), collateralJson + '\n');
  const manifest = {
    evidence: 'quote.bin',
    type: 'tdx-quote',
    synthetic: true,
    description: c.description,
    expectOk: c.expectOk,
    collateral: 'collateral.json',
    rootPins: [pki.rootPin],
    now: SYNTH_NOW.toISOString(),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${dir}`);
}
