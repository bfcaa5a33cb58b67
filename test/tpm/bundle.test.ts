/**
 * Bundle budget (issue 4): an entry that imports only `verifyTpmQuote` from attestkit/tpm, built
 * with esbuild (minified, ESM, code splitting as tsup does), is ≤ 30 KB gzip for what loads
 * eagerly. The pure-JS ECDSA fallback (`@noble/curves`, loaded only without WebCrypto) is a lazy
 * chunk and reported separately.
 */
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

describe('bundle: verifyTpmQuote alone', () => {
  it('eager code ≤ 30 KB min+gzip; no EK certificate code, no credential code, no JS ECDSA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attestkit-tpm-bundle-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(entry, `export { verifyTpmQuote } from '${resolve('src/tpm/index.ts')}';\n`);
      const r = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'neutral',
        mainFields: ['module', 'main'],
        splitting: true,
        outdir: join(dir, 'out'),
        write: false,
        metafile: true,
      });
      const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
      const outputs = Object.entries(r.metafile.outputs);
      const entryMeta = outputs.find(([p]) => base(p) === 'entry.js')![1];
      const eagerNames = new Set([
        'entry.js',
        ...entryMeta.imports.filter((i) => i.kind === 'import-statement').map((i) => base(i.path)),
      ]);
      let eager = 0;
      let lazy = 0;
      for (const f of r.outputFiles) {
        if (f.path.endsWith('.map')) continue;
        const size = gzipSync(f.contents).length;
        if (eagerNames.has(base(f.path))) eager += size;
        else lazy += size;
      }
      console.log(
        `verifyTpmQuote bundle: eager ${eager} B gzip, lazy (noble ECDSA fallback) ${lazy} B gzip`,
      );
      expect(eager).toBeLessThanOrEqual(30 * 1024);
      const used = outputs
        .filter(([p]) => eagerNames.has(base(p)))
        .flatMap(([, o]) =>
          Object.entries(o.inputs)
            .filter(([, i]) => i.bytesInOutput > 0)
            .map(([k]) => k),
        )
        .join('\n');
      expect(used).toMatch(/src\/tpm\/quote\.ts/);
      // Core's strict DER reader and SPKI decoder (for AKs given as SPKI/PEM) are in; EK
      // certificate checks, credentials and the pure-JS ECDSA fallback are not.
      expect(used).not.toMatch(/asn1js|src\/tpm\/ek|src\/tpm\/credential|@noble\/curves/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
