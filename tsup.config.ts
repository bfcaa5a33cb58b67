import { defineConfig } from 'tsup';

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

export default defineConfig([
  {
    entry: libraryEntries,
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    treeshake: true,
    sourcemap: false,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    tsconfig: 'tsconfig.json',
    outDir: 'dist',
  },
  {
    // The CLI is the only entry allowed to use `node:`; it imports the library from ../index.js
    // at run time so the library is not bundled twice.
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
    external: [/^\.\.\/index\.js$/],
  },
]);
