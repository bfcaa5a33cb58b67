import { defineConfig } from 'tsup';
import { resolve, sep } from 'node:path';
import type { Plugin } from 'esbuild';

const SUBPATHS = ['snp', 'tdx', 'cca', 'tpm', 'eventlog', 'binding', 'fetch'];

/**
 * The CLI imports the library through its public entries (src/index.ts, src/<subpath>/index.ts).
 * Rewrite those to the package's own specifiers (`attestkit`, `attestkit/snp`, …) and keep them
 * external, so the CLI runs on the built package instead of bundling a second copy of it (a
 * second copy would also break `instanceof AttestError`). Anything else from the library is an
 * error: the CLI must use the public API.
 */
const useBuiltPackage: Plugin = {
  name: 'attestkit-self-reference',
  setup(build) {
    const src = resolve('src');
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const abs = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (!abs.startsWith(src + sep) || abs.startsWith(resolve('src/cli') + sep)) return undefined;
      if (abs === resolve('src/index.ts')) return { path: 'attestkit', external: true };
      const sub = SUBPATHS.find((p) => abs === resolve('src', p, 'index.ts'));
      if (sub !== undefined) return { path: `attestkit/${sub}`, external: true };
      return {
        errors: [
          { text: `the CLI must import the library through a public entry, not ${args.path}` },
        ],
      };
    });
  },
};

/** One entry per public subpath (see package.json `exports`); `core` is shared through chunks. */
const libraryEntries = {
  index: 'src/index.ts',
  'snp/index': 'src/snp/index.ts',
  'tdx/index': 'src/tdx/index.ts',
  'cca/index': 'src/cca/index.ts',
  'tpm/index': 'src/tpm/index.ts',
  'eventlog/index': 'src/eventlog/index.ts',
  'binding/index': 'src/binding/index.ts',
  'fetch/index': 'src/fetch/index.ts',
};

const library = {
  entry: libraryEntries,
  dts: true,
  splitting: true,
  treeshake: true,
  sourcemap: false,
  target: 'es2022',
  platform: 'neutral',
  tsconfig: 'tsconfig.json',
  outDir: 'dist',
} as const;

export default defineConfig([
  { ...library, format: ['esm'], clean: true },
  { ...library, format: ['cjs'], clean: false },
  {
    // The CLI is the only entry allowed to use `node:`; it runs on the built package.
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    splitting: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    tsconfig: 'tsconfig.cli.json',
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    esbuildPlugins: [useBuiltPackage],
  },
]);
