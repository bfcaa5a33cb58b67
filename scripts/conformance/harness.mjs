/* global process, console, setTimeout, clearTimeout */
/**
 * @module
 * What every conformance launcher shares (Node only; the suite itself never sees this file):
 * discover `test/conformance/cases/*.js`, read the vectors those cases declare from
 * ../shared/vectors (or $ATTESTKIT_VECTORS) and inline them into a JSON fixture under
 * `.tmp/conformance/<runtime>/`, generate the runtime's entry module, resolve the module graph
 * with esbuild (for import maps and the browser's file allow-list, and to enforce that the suite
 * imports nothing but the built package), run a child runtime, and check its summary line.
 */
import { npmBinary, runMain } from '../lib/process.mjs';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Repository root (this file is scripts/conformance/harness.mjs). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SUITE_DIR = join(REPO, 'test/conformance');
export const CASES_DIR = join(SUITE_DIR, 'cases');
export const TMP_DIR = join(REPO, '.tmp/conformance');
export const VECTORS_DIR = process.env.ATTESTKIT_VECTORS
  ? resolve(process.env.ATTESTKIT_VECTORS)
  : resolve(REPO, '../shared/vectors');
export const CI = process.env.CI === 'true';
/** Upper bound for one runtime's run; each launcher is meant to finish well inside a minute. */
export const CHILD_TIMEOUT_MS = Number(process.env.ATTESTKIT_CONFORMANCE_TIMEOUT_MS ?? 90_000);

const SUMMARY_RE = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;

/** POSIX form of a path relative to `from` (import specifiers and URLs want `/`). */
export function posixRelative(from, to) {
  const r = relative(from, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

/** The package's subpath entries from package.json `exports`: `{ key, specifier, file }`. */
export function packageEntries() {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const out = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === './package.json') continue;
    const file = typeof target === 'string' ? target : (target.import?.default ?? target.import);
    if (typeof file !== 'string') throw new Error(`exports["${subpath}"] has no ESM import target`);
    out.push({
      key: subpath === '.' ? 'root' : subpath.slice(2),
      specifier: `${pkg.name}${subpath.slice(1)}`,
      file: join(REPO, file),
    });
  }
  return out;
}

/** Case files, `core.js` first, then alphabetical: `[{ file, path }]`. */
export function discoverCaseFiles() {
  const names = readdirSync(CASES_DIR)
    .filter((n) => n.endsWith('.js'))
    .sort((a, b) => (a === 'core.js' ? -1 : b === 'core.js' ? 1 : a.localeCompare(b)));
  return names.map((file) => ({ file, path: join(CASES_DIR, file) }));
}

function assertBuilt() {
  const missing = packageEntries().filter((e) => !existsSync(e.file));
  if (missing.length > 0) {
    throw new Error(
      `the built package is incomplete (${missing.map((e) => posixRelative(REPO, e.file)).join(', ')}); run \`npm run build\` first`,
    );
  }
}

/**
 * The vector paths each case declares. Case files are imported here, in Node, only to read their
 * `vectors`; a file that fails to load is reported by the runtime run itself.
 */
async function declaredVectors(caseFiles) {
  const wanted = new Set();
  for (const { file, path } of caseFiles) {
    let mod;
    try {
      mod = await import(pathToFileURL(path).href);
    } catch (e) {
      console.error(
        `[conformance] ${file} does not load in Node (${e.message}); its cases will fail`,
      );
      continue;
    }
    for (const c of Array.isArray(mod.cases) ? mod.cases : []) {
      for (const v of c.vectors ?? []) {
        if (typeof v !== 'string' || v === '' || v.startsWith('/') || v.split('/').includes('..')) {
          throw new Error(`${file} › ${c.name}: bad vector path ${JSON.stringify(v)}`);
        }
        wanted.add(v);
      }
    }
  }
  return [...wanted].sort();
}

function walkFiles(dir, rel) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const r = `${rel}${name}`;
    if (statSync(p).isDirectory()) out.push(...walkFiles(p, `${r}/`));
    else out.push(r);
  }
  return out;
}

/**
 * Reads the declared vectors (a folder when the path ends in `/`) and returns the fixture: the
 * files as base64, plus what is missing. Nothing here is copied into the repository.
 */
function buildFixture(wanted) {
  const vectorsPresent = existsSync(join(VECTORS_DIR, 'README.md'));
  const files = {};
  const missing = [];
  for (const want of wanted) {
    const abs = join(VECTORS_DIR, want);
    if (!vectorsPresent || !existsSync(abs)) {
      missing.push(want);
      continue;
    }
    const paths = want.endsWith('/') ? walkFiles(abs, want) : [want];
    if (paths.length === 0) missing.push(want);
    for (const p of paths) files[p] = readFileSync(join(VECTORS_DIR, p)).toString('base64');
  }
  return { schema: 1, ci: CI, vectorsPresent, vectorsDir: VECTORS_DIR, files, missing };
}

/**
 * Prepares one runtime's run under `.tmp/conformance/<runtime>/`: fixture.json, entry.mjs (the
 * shared body plus `tail`, the runtime's way to report and exit), and the resolved module graph.
 *
 * @param {string} runtime
 * @param {(ctx: { runtime: string }) => string} tail  code appended to the entry; it can call
 *   `run(print?)`, which resolves to `{ passed, failed, skipped, lines, summary }`
 */
export async function prepare(runtime, tail) {
  assertBuilt();
  const dir = join(TMP_DIR, runtime);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const caseFiles = discoverCaseFiles();
  if (caseFiles.length === 0) throw new Error(`no case files in ${CASES_DIR}`);
  const fixture = buildFixture(await declaredVectors(caseFiles));
  if (fixture.missing.length > 0) {
    const where = fixture.vectorsPresent
      ? `missing from ${VECTORS_DIR}`
      : `no vectors at ${VECTORS_DIR}`;
    const msg = `[conformance] ${where}: ${fixture.missing.join(', ')}`;
    console.error(
      CI ? `${msg} (CI=true: the cases that need them fail)` : `${msg} (those cases are skipped)`,
    );
  }
  const fixturePath = join(dir, 'fixture.json');
  writeFileSync(fixturePath, JSON.stringify(fixture));

  // A case file that does not bundle (e.g. a named import the build lacks) or imports anything
  // but attestkit is loaded nowhere; every runtime reports it as one failed line instead.
  const broken = await checkCaseFiles(caseFiles);
  const entries = packageEntries();
  const rel = (p) => posixRelative(dir, p);
  const loader = (c) =>
    broken.has(c.file)
      ? `() => Promise.reject(new Error(${JSON.stringify(broken.get(c.file))}))`
      : `() => import('${rel(c.path)}')`;
  const source = [
    `// Generated by scripts/conformance/harness.mjs for ${runtime}; regenerated on every run.`,
    `import fixture from './fixture.json' with { type: 'json' };`,
    `import { runConformance } from '${rel(join(SUITE_DIR, 'runner.js'))}';`,
    ...entries.map((e, i) => `import * as lib${i} from '${e.specifier}';`),
    `const lib = { ${entries.map((e, i) => `${JSON.stringify(e.key)}: lib${i}`).join(', ')} };`,
    `const files = [`,
    ...caseFiles.map((c) => `  { file: '${c.file}', load: ${loader(c)} },`),
    `];`,
    `function run(print) {`,
    `  return runConformance({ runtime: '${runtime}', fixture, lib, files, ...(print ? { print } : {}) });`,
    `}`,
    tail({ runtime }),
    '',
  ].join('\n');
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, source);

  const graph = await resolveGraph(entry);
  return { dir, entry, fixture, fixturePath, caseFiles, broken, graph };
}

const isBare = (s) => !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(s);

const GRAPH_OPTIONS = {
  bundle: true,
  write: false,
  metafile: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  logLevel: 'silent',
};

/** Why each case file cannot be loaded (does not bundle, or imports outside the package). */
async function checkCaseFiles(caseFiles) {
  const broken = new Map();
  for (const { file, path } of caseFiles) {
    try {
      const result = await build({
        ...GRAPH_OPTIONS,
        entryPoints: [path],
        outdir: join(TMP_DIR, '.graph'),
      });
      const problems = graphProblems(result.metafile.inputs);
      if (problems.length > 0) broken.set(file, problems.join('; '));
    } catch (e) {
      const first = e.errors?.[0];
      const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
      broken.set(
        file,
        `${file} does not resolve against the built package: ${first?.text ?? e.message}${where}`,
      );
    }
  }
  for (const [file, why] of broken) console.error(`[conformance] ${file}: ${why}`);
  return broken;
}

/** Imports that break the rules: CommonJS, unresolved, or the suite importing a non-package file. */
function graphProblems(inputs) {
  const suiteRel = posixRelative(REPO, SUITE_DIR).replace(/^\.\//, '');
  const problems = [];
  for (const [importer, info] of Object.entries(inputs)) {
    if (info.format === 'cjs') problems.push(`${importer} is CommonJS; browsers and Deno need ESM`);
    const inSuite = importer.startsWith(`${suiteRel}/`);
    for (const imp of info.imports) {
      if (imp.external) problems.push(`${importer} imports ${imp.path}, which did not resolve`);
      else if (inSuite && !imp.path.startsWith('dist/') && !imp.path.startsWith(`${suiteRel}/`)) {
        problems.push(
          `${importer} imports ${imp.original} (${imp.path}): the suite may import only attestkit and its own files`,
        );
      }
    }
  }
  return problems;
}

/**
 * Resolves the entry's module graph the way a bundler would (esbuild, platform neutral, ESM
 * conditions): the bare specifiers for import maps, the files a browser may fetch, and a check
 * that the suite imports only the built package (`attestkit…`) and its own relative files.
 */
export async function resolveGraph(entry) {
  const result = await build({
    ...GRAPH_OPTIONS,
    entryPoints: [entry],
    outdir: join(TMP_DIR, '.graph'),
  });
  const inputs = result.metafile.inputs;
  const problems = graphProblems(inputs);
  if (problems.length > 0) throw new Error(`module graph problems:\n  ${problems.join('\n  ')}`);
  /** specifier → { path → importers } */
  const bare = new Map();
  for (const [importer, info] of Object.entries(inputs)) {
    for (const imp of info.imports) {
      if (!isBare(imp.original)) continue;
      if (!bare.has(imp.original)) bare.set(imp.original, new Map());
      const byPath = bare.get(imp.original);
      if (!byPath.has(imp.path)) byPath.set(imp.path, new Set());
      byPath.get(imp.path).add(importer);
    }
  }
  return { files: Object.keys(inputs), bare };
}

/**
 * An import map for the resolved graph. `toUrl(repoRelativePath)` gives the target form (a
 * `file:` URL for Deno, a server path for the browser). A specifier that resolves to different
 * files from different importers is mapped per importer directory (import-map `scopes`).
 */
export function importMap(graph, toUrl) {
  const imports = {};
  const scopes = {};
  for (const [specifier, byPath] of graph.bare) {
    if (byPath.size === 1) {
      imports[specifier] = toUrl([...byPath.keys()][0]);
      continue;
    }
    for (const [path, importers] of byPath) {
      for (const importer of importers) {
        const scope = toUrl(importer.slice(0, importer.lastIndexOf('/') + 1));
        (scopes[scope] ??= {})[specifier] = toUrl(path);
      }
    }
  }
  return Object.keys(scopes).length > 0 ? { imports, scopes } : { imports };
}

/** Runs a child process, echoing its output live; resolves to `{ code, signal, stdout, stderr }`. */
export function runChild(
  command,
  args,
  { env = {}, cwd = REPO, timeoutMs = CHILD_TIMEOUT_MS } = {},
) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      console.error(`[conformance] ${command} exceeded ${timeoutMs} ms; stopping pid ${child.pid}`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Checks a run's output: the last line is the summary, the per-case lines agree with it, at
 * least one case passed, nothing failed, and the process (if any) exited 0. Returns the exit
 * code the launcher should use, after printing a one-line verdict.
 */
export function verdict(runtime, output, exitCode = 0) {
  const lines = output.split(/\r?\n/).filter((l) => l.trim() !== '');
  const last = lines.at(-1) ?? '';
  const m = SUMMARY_RE.exec(last);
  const problems = [];
  if (m === null) problems.push(`no summary line at the end (last line: ${JSON.stringify(last)})`);
  else {
    const [passed, failed, skipped] = [m[1], m[2], m[3] ?? '0'].map(Number);
    const count = (prefix) => lines.filter((l) => l.startsWith(prefix)).length;
    const seen = [count('ok   '), count('FAIL '), count('skip ')];
    if (seen.join() !== [passed, failed, skipped].join()) {
      problems.push(`case lines [ok, FAIL, skip] = [${seen}] disagree with "${last}"`);
    }
    if (failed > 0) problems.push(`${failed} case(s) failed`);
    if (passed === 0) problems.push('no case passed');
  }
  if (exitCode !== 0) problems.push(`the ${runtime} process exited with ${exitCode}`);
  if (problems.length > 0) {
    console.error(`[conformance] ${runtime}: FAILED — ${problems.join('; ')}`);
    return 1;
  }
  console.log(`[conformance] ${runtime}: OK`);
  return 0;
}

/** Path of an npm-installed binary (deno, bun) without going through npx each time. */
export function binary(name) {
  return npmBinary(REPO, name);
}

/** Runs `main` and exits with its code; a thrown error is reported and exits 1. */
export function launch(main) {
  runMain(main, '[conformance] ');
}
