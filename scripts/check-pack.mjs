/* global process, console */
/**
 * Checks what `npm pack` would publish, then uses the tarball the way a user would.
 *
 * 1. `npm pack --dry-run --json`: the package holds dist/ plus README.md, LICENSE, CHANGELOG.md
 *    and package.json — nothing else (no src/, test/, vectors, examples, scripts, docs, .tmp,
 *    source maps), and README, LICENSE and CHANGELOG are in it.
 * 2. Every target of `exports` (types, import, require, for every subpath), `main`, `module`,
 *    `types` and `bin` is in the package.
 * 3. The real tarball (`npm pack` into .tmp/pack) is unpacked into .tmp/pack/node_modules/attestkit
 *    beside its four runtime dependencies (linked from node_modules), and from there, in fresh Node
 *    processes: every subpath is `import()`ed (ESM) and `require()`d (CJS), and `attestkit/snp` is
 *    imported cold several times — the median `import()` time must stay under the budget
 *    (ATTESTKIT_IMPORT_BUDGET_MS, default 30 ms; the issue's target).
 *
 * Usage: `node scripts/check-pack.mjs [--runs N]` (after `npm run build`). Exit 0 when all pass.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACK = join(REPO, '.tmp/pack');
const BUDGET_MS = Number(process.env.ATTESTKIT_IMPORT_BUDGET_MS ?? 30);
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const ALLOWED_TOP = new Set(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']);
const REQUIRED_TOP = ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'];

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(
      `FAIL ${name}${detail ? `\n     ${String(detail).replace(/\n/g, '\n     ')}` : ''}`,
    );
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
if (!existsSync(join(REPO, 'dist/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

// ---- 1. contents -------------------------------------------------------------------------------
const dry = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
)[0];
const files = dry.files.map((f) => f.path).sort();
console.log(
  `# ${dry.filename}: ${files.length} files, ${(dry.size / 1024).toFixed(1)} KB packed, ${(dry.unpackedSize / 1024).toFixed(1)} KB unpacked`,
);
const stray = files.filter((f) => !f.startsWith('dist/') && !ALLOWED_TOP.has(f));
check(
  'only dist/, README.md, LICENSE, CHANGELOG.md and package.json are packed',
  stray.length === 0,
  stray.join('\n'),
);
for (const f of REQUIRED_TOP) {
  check(
    `${f} is packed`,
    files.includes(f),
    f === 'CHANGELOG.md'
      ? 'npm does not add CHANGELOG.md by itself: list it in package.json "files" ("files": ["dist", "CHANGELOG.md"])'
      : undefined,
  );
}
const forbidden = files.filter((f) =>
  /(^|\/)(src|test|tests|vectors|examples|scripts|docs|\.tmp|bench|coverage)\/|\.map$|\.tgz$/.test(
    f,
  ),
);
check(
  'no sources, tests, vectors, examples, docs or source maps',
  forbidden.length === 0,
  forbidden.join('\n'),
);

// ---- 2. every entry point exists ------------------------------------------------------------------
const targets = new Map();
const collect = (value, where) => {
  if (typeof value === 'string') targets.set(where, value);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collect(v, `${where}.${k}`);
  }
};
collect(pkg.exports, 'exports');
for (const k of ['main', 'module', 'types']) if (pkg[k] !== undefined) targets.set(k, pkg[k]);
if (typeof pkg.bin === 'string') targets.set('bin', pkg.bin);
else for (const [k, v] of Object.entries(pkg.bin ?? {})) targets.set(`bin.${k}`, v);
const missing = [...targets].filter(([, p]) => !files.includes(p.replace(/^\.\//, '')));
check(
  `all ${targets.size} entry-point targets (exports, main, module, types, bin) are packed`,
  missing.length === 0,
  missing.map(([k, p]) => `${k} → ${p}`).join('\n'),
);

// ---- 3. the tarball, used ------------------------------------------------------------------------
rmSync(PACK, { recursive: true, force: true });
mkdirSync(join(PACK, 'node_modules/attestkit'), { recursive: true });
execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', PACK], {
  cwd: REPO,
  stdio: ['ignore', 'ignore', 'inherit'],
});
execFileSync('tar', [
  '-xzf',
  join(PACK, dry.filename),
  '-C',
  join(PACK, 'node_modules/attestkit'),
  '--strip-components=1',
]);
// A package.json of its own, so Node resolves `attestkit` in node_modules/ rather than as a
// self-reference to the repository that contains .tmp/.
writeFileSync(
  join(PACK, 'package.json'),
  JSON.stringify({ name: 'attestkit-pack-check', private: true }),
);
for (const dep of Object.keys(pkg.dependencies ?? {})) {
  const link = join(PACK, 'node_modules', dep);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(REPO, 'node_modules', dep), link, 'dir');
}
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => `attestkit${k.slice(1)}`);
const node = (args) =>
  spawnSync(process.execPath, args, { cwd: PACK, encoding: 'utf8', env: { ...process.env } });

const esm = node([
  '--input-type=module',
  '-e',
  `for (const s of ${JSON.stringify(subpaths)}) { const m = await import(s); if (typeof m.AttestError !== 'function') throw new Error(s + ' lacks AttestError'); } console.log('ok');`,
]);
check(
  `ESM: import() of every subpath from the unpacked tarball (${subpaths.length})`,
  esm.status === 0,
  esm.stderr,
);
const where = node([
  '--input-type=module',
  '-e',
  `console.log(import.meta.resolve('attestkit/snp'))`,
]);
check(
  'attestkit resolves to the unpacked tarball, not the repository',
  where.status === 0 && where.stdout.includes('/.tmp/pack/node_modules/attestkit/'),
  where.stdout + where.stderr,
);
for (const s of subpaths) {
  const cjs = node([
    '-e',
    `const m = require(${JSON.stringify(s)}); if (typeof m.AttestError !== 'function') throw new Error('no AttestError');`,
  ]);
  const first = cjs.stderr.split('\n').find((l) => /Error/.test(l)) ?? cjs.stderr;
  check(`CJS: require('${s}') from the unpacked tarball`, cjs.status === 0, first);
}
const cli = node([
  join(PACK, 'node_modules/attestkit', pkg.bin?.attestkit ?? 'dist/cli/main.js'),
  'types',
]);
check(
  'the packed CLI runs (attestkit types)',
  cli.status === 0 && /snp-report/.test(cli.stdout),
  cli.stderr,
);

// Cold import: a fresh process each time; the clock runs around import() only.
const times = [];
const wall = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = process.hrtime.bigint();
  const r = node([
    '--input-type=module',
    '-e',
    `const t = performance.now(); await import('attestkit/snp'); console.log((performance.now() - t).toFixed(3));`,
  ]);
  wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (r.status !== 0) {
    check('cold import of attestkit/snp', false, r.stderr);
    break;
  }
  times.push(Number(r.stdout.trim()));
}
if (times.length === RUNS) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const wallMedian = [...wall].sort((a, b) => a - b)[Math.floor(wall.length / 2)];
  console.log(
    `# cold import('attestkit/snp'), ${RUNS} fresh processes: median ${median.toFixed(2)} ms, ` +
      `min ${sorted[0].toFixed(2)}, max ${sorted.at(-1).toFixed(2)} (process wall median ${wallMedian.toFixed(0)} ms, Node ${process.version})`,
  );
  check(
    `cold import('attestkit/snp') median ${median.toFixed(2)} ms < ${BUDGET_MS} ms`,
    median < BUDGET_MS,
    `times: ${times.join(', ')}`,
  );
}

console.log(`check-pack: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
