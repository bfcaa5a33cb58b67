/**
 * Loads a library entry the way it ships: bundled from src/ by esbuild (ESM, no `keepNames`, as
 * tsup builds dist/) into a temporary folder, then imported. Benches time these builds rather
 * than tsx's on-the-fly transform, which wraps every function expression in a `__name(…)` call
 * (tsx always sets `keepNames`) and so charges closure-heavy code for a cost users never pay.
 * The SNP and TDX benches do the same through peers/cold-start.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const dirs: string[] = [];

/**
 * Bundles `src/<subpath>/index.ts` (or `src/index.ts` for `.`) and imports it.
 *
 * @param subpath - `tpm`, `eventlog`, `cca`, … or `.`.
 * @returns the module's exports.
 */
export async function importBuilt<T>(subpath: string): Promise<T> {
  const entry = subpath === '.' ? 'src/index.ts' : `src/${subpath}/index.ts`;
  const dir = await buildToTemp({ lib: join(ROOT, entry) });
  dirs.push(dir);
  return (await import(pathToFileURL(join(dir, 'lib.mjs')).href)) as T;
}

/**
 * Bundles `entryPoints` (output name → source file) the way tsup ships the library (ESM, code
 * splitting, no `keepNames`) into a new temporary folder, and returns the folder; each entry
 * becomes `<name>.mjs` there. The caller removes the folder.
 */
export async function buildToTemp(entryPoints: Record<string, string>): Promise<string> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'attestkit-bench-lib-'));
  await build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  return dir;
}

/** Removes the temporary builds (call at the end of a run). */
export function disposeBuilt(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
