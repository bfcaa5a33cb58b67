/**
 * Bundle budgets and isolation: each budgeted export is bundled alone from its subpath entry the
 * way a browser app would (esbuild, minify, ESM, platform neutral, tree-shaken) and gzip -9 sized.
 * Bundling from src/ keeps module paths visible, so isolation between platforms can be checked.
 * Fails when a present entry exceeds its budget, when a platform bundle pulls in another
 * platform's code, or when a parse-only bundle carries the DER library or signature code.
 * Entries whose export does not exist yet are listed as absent.
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

interface Budget {
  readonly label: string;
  readonly subpath: string;
  readonly names: readonly string[];
  /** The budget the issue sets. */
  readonly maxKb: number;
  /**
   * A known overrun, recorded rather than hidden: over `maxKb` is reported as OVER TARGET, and
   * only over `ceiling.kb` fails (so the gap cannot silently grow).
   */
  readonly ceiling?: { readonly kb: number; readonly why: string };
  /** Paths (substrings of bundled input files) that must not appear. */
  readonly forbid?: readonly string[];
}

const PLATFORMS = ['snp', 'tdx', 'cca', 'tpm', 'eventlog', 'binding'];
const others = (p: string): string[] => PLATFORMS.filter((x) => x !== p).map((x) => `src/${x}/`);

const budgets: Budget[] = [
  {
    label: 'attestkit/snp verifySnpReport',
    subpath: 'snp',
    names: ['verifySnpReport'],
    maxKb: 30,
  },
  { label: 'attestkit/tdx verifyTdxQuote', subpath: 'tdx', names: ['verifyTdxQuote'], maxKb: 60 },
  { label: 'attestkit/tpm verifyTpmQuote', subpath: 'tpm', names: ['verifyTpmQuote'], maxKb: 30 },
  {
    label: 'attestkit/eventlog parseTcgEventLog',
    subpath: 'eventlog',
    names: ['parseTcgEventLog'],
    maxKb: 25,
  },
  {
    label: 'attestkit/cca verifyCcaToken',
    subpath: 'cca',
    names: ['verifyCcaToken'],
    maxKb: 25,
  },
  {
    label: 'attestkit/snp parseSnpReport (parse only)',
    subpath: 'snp',
    names: ['parseSnpReport'],
    maxKb: 30,
    forbid: ['asn1js', 'src/core/x509', 'src/core/der'],
  },
  {
    label: 'attestkit/tdx parseTdxQuote (parse only)',
    subpath: 'tdx',
    names: ['parseTdxQuote'],
    maxKb: 60,
    forbid: ['src/core/x509'],
  },
];

interface Measured {
  /** gzip bytes of the code loaded up front (entry + static imports). */
  readonly gz: number;
  /** gzip bytes of lazily imported chunks (e.g. the pure-JS ECDSA fallback). */
  readonly lazyGz: number;
  readonly inputs: string[];
}

async function measure(subpath: string, names: readonly string[]): Promise<Measured | undefined> {
  const file = resolve('src', subpath === '.' ? 'index.ts' : `${subpath}/index.ts`);
  if (!existsSync(file)) return undefined;
  const mod = (await import(file)) as Record<string, unknown>;
  if (names.some((n) => mod[n] === undefined)) return undefined;
  const imported = names.length ? `{ ${names.join(', ')} }` : '* as all';
  const result = await build({
    stdin: {
      contents: `import ${imported} from ${JSON.stringify(file)}; globalThis.__keep = [${names.length ? names.join(', ') : 'all'}];`,
      resolveDir: process.cwd(),
      loader: 'ts',
      sourcefile: 'entry.ts',
    },
    bundle: true,
    minify: true,
    splitting: true,
    outdir: '.tmp/size',
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const sizeOf = (path: string): number => {
    const f = result.outputFiles.find((o) => o.path.endsWith(path.replace(/^\.tmp\/size/, '')));
    return f === undefined ? 0 : gzipSync(f.contents, { level: 9 }).length;
  };
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined)!;
  const initial = new Set<string>();
  const lazy = new Set<string>();
  const walk = (path: string): void => {
    if (initial.has(path)) return;
    initial.add(path);
    for (const imp of outputs[path]?.imports ?? []) {
      if (imp.kind === 'dynamic-import') lazy.add(imp.path);
      else walk(imp.path);
    }
  };
  walk(entry);
  let gz = 0;
  for (const p of initial) gz += sizeOf(p);
  let lazyGz = 0;
  for (const p of lazy) if (!initial.has(p)) lazyGz += sizeOf(p);
  const inputs = [...initial].flatMap((p) => Object.keys(outputs[p]?.inputs ?? {}));
  return { gz, lazyGz, inputs };
}

let failed = 0;
const rows: string[] = [];
for (const b of budgets) {
  const m = await measure(b.subpath, b.names);
  if (m === undefined) {
    rows.push(`  ${b.label.padEnd(48)} absent (export not implemented yet)`);
    continue;
  }
  const kb = m.gz / 1024;
  const problems: string[] = [];
  let note = '';
  if (kb > b.maxKb) {
    if (b.ceiling !== undefined && kb <= b.ceiling.kb)
      note = `OVER TARGET (known, ceiling ${b.ceiling.kb} KB: ${b.ceiling.why})`;
    else problems.push(`over budget ${b.maxKb} KB`);
  }
  const forbid = [...(b.forbid ?? []), ...others(b.subpath)];
  const leaked = forbid.filter((f) => m.inputs.some((i) => i.includes(f)));
  if (leaked.length) problems.push(`pulls in ${leaked.join(', ')}`);
  if (problems.length) failed++;
  const lazy = m.lazyGz > 0 ? ` (+${(m.lazyGz / 1024).toFixed(1)} KB lazy)` : '';
  rows.push(
    `  ${b.label.padEnd(48)} ${kb.toFixed(1).padStart(6)} KB / ${b.maxKb} KB  ${problems.length ? 'FAIL: ' + problems.join('; ') : note || 'ok'}${lazy}`,
  );
}
const whole = await measure('.', []);
if (whole !== undefined) {
  const kb = whole.gz / 1024;
  if (kb > 150) failed++;
  rows.push(
    `  ${'attestkit (whole SDK)'.padEnd(48)} ${kb.toFixed(1).padStart(6)} KB / 150 KB  ${kb > 150 ? 'FAIL' : 'ok'} (+${(whole.lazyGz / 1024).toFixed(1)} KB lazy)`,
  );
}
console.log(
  'bundle sizes (min+gzip -9, esbuild, ESM, platform neutral, code splitting; lazy chunks load only when used):',
);
console.log(rows.join('\n'));
if (failed) {
  console.error(`\n${failed} budget/isolation problem(s)`);
  process.exitCode = 1;
}
