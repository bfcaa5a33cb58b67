/**
 * attestkit's verifySnpReport as a bench subject. The benches load it from an esbuild bundle (as
 * tsup builds dist/), so the figures are those of the shipped code, not of tsx-transformed source.
 */
import { createCache } from '../../src/core/cache.js';
import { verifySnpReport } from '../../src/snp/verify.js';
import { expectRejected, failures, flipped, type Subject, type SubjectOptions } from './types.js';
import { SNP_TAMPER_OFFSET, snpCase } from './vectors.js';

export function openAttestkitSnp(opts: SubjectOptions, which: 'genoa' | 'milan'): Subject {
  const c = snpCase(opts.vectors, which);
  const cache = opts.cache === true ? createCache({ maxEntries: 100 }) : undefined;
  const options = { now: c.now, ...(cache !== undefined ? { cache } : {}) };
  const bad = flipped(c.report, SNP_TAMPER_OFFSET);
  return {
    async verify() {
      const r = await verifySnpReport({ report: c.report, vcek: c.vcek, chain: c.chain }, options);
      if (!r.ok) throw new Error(`attestkit rejected ${c.id}: ${failures(r)}`);
    },
    tampered: () =>
      expectRejected(async () => {
        const r = await verifySnpReport({ report: bad, vcek: c.vcek, chain: c.chain }, options);
        if (!r.ok) throw new Error(failures(r));
        return r.ok;
      }, 'attestkit'),
  };
}
