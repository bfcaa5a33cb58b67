/**
 * attestkit's verifyTdxQuote as a bench subject, loaded from an esbuild bundle like the SNP one.
 */
import { createCache } from '../../src/core/cache.js';
import { tdxCollateralFromDcapQvl } from '../../src/tdx/collateral.js';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { expectRejected, failures, flipped, type Subject, type SubjectOptions } from './types.js';
import { TDX_TAMPER_OFFSET, tdxCase } from './vectors.js';

export function openAttestkitTdx(opts: SubjectOptions): Subject {
  const c = tdxCase(opts.vectors);
  // The caller converts dcap-qvl's collateral JSON once; a warm verifier reuses it.
  const collateral = tdxCollateralFromDcapQvl(c.collateralJson);
  const cache = opts.cache === true ? createCache({ maxEntries: 200 }) : undefined;
  const options = { now: c.now, ...(cache !== undefined ? { cache } : {}) };
  const bad = flipped(c.quote, TDX_TAMPER_OFFSET);
  return {
    async verify() {
      const r = await verifyTdxQuote({ quote: c.quote, collateral }, options);
      if (!r.ok || r.tcbStatus !== 'UpToDate')
        throw new Error(`attestkit rejected ${c.id} (${r.tcbStatus}): ${failures(r)}`);
    },
    tampered: () =>
      expectRejected(async () => {
        const r = await verifyTdxQuote({ quote: bad, collateral }, options);
        if (!r.ok) throw new Error(failures(r));
        return r.ok;
      }, 'attestkit'),
  };
}
