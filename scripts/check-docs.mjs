/* global process, console */
/**
 * Docs-drift check.
 *
 * 1. Regenerates the typedoc reference (typedoc.json → docs/api, plus a JSON model in
 *    .tmp/docs/api.json) with warnings treated as errors — a broken `{@link}` fails the run.
 * 2. Compares, for every subpath in package.json `exports`, the names the entry module really
 *    exports (asked of the TypeScript compiler) with the names in the generated reference: every
 *    exported name must appear in its module's docs, and have a page in docs/api.
 * 3. Checks that every exported declaration carries TSDoc (a summary comment), at the strictness
 *    chosen (below).
 * 4. Checks the README platform table (every subpath has a row; every guide it links exists) and
 *    every relative link in README.md, SECURITY.md, CHANGELOG.md, docs/*.md and examples READMEs.
 *
 * Strictness (`--strict=LEVEL` or ATTESTKIT_DOCS_STRICT):
 *   report   — undocumented exports are listed but do not fail the run;
 *   exports  — (default) every exported function, class, interface, type, variable and enum needs
 *              TSDoc;
 *   members  — also every property, method and signature inside them (typedoc's notDocumented
 *              validation, every warning an error).
 * Add `--list` to print every undocumented member (file:name) at any level.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_JSON = join(REPO, '.tmp/docs/api.json');
const argStrict = process.argv.find((a) => a.startsWith('--strict='))?.slice('--strict='.length);
const STRICT = argStrict ?? process.env.ATTESTKIT_DOCS_STRICT ?? 'exports';
const LIST = process.argv.includes('--list');
if (!['report', 'exports', 'members'].includes(STRICT)) {
  console.error(`unknown strictness ${STRICT} (report | exports | members)`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
const warnings = [];
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

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const typedocConfig = JSON.parse(readFileSync(join(REPO, 'typedoc.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
/** subpath → source entry (`.` → src/index.ts, `./snp` → src/snp/index.ts). */
const entryOf = (subpath) =>
  subpath === '.' ? 'src/index.ts' : `src/${subpath.slice(2)}/index.ts`;

// ---- 1. typedoc ----------------------------------------------------------------------------------
mkdirSync(dirname(OUT_JSON), { recursive: true });
// A model left by an earlier run would be read as this one's when typedoc refuses to write.
rmSync(OUT_JSON, { force: true });
const typedocArgs = [
  '--json',
  OUT_JSON,
  '--treatWarningsAsErrors',
  // Source links need a git remote; the reference is checked, not published, here.
  '--disableSources',
  '--logLevel',
  'Warn',
];
if (STRICT === 'members') typedocArgs.push('--validation.notDocumented', 'true');
const typedocBin = join(REPO, 'node_modules/.bin/typedoc');
const td = spawnSync(typedocBin, typedocArgs, { cwd: REPO, encoding: 'utf8' });
// eslint-disable-next-line no-control-regex -- strips ANSI colours from typedoc's log
const tdOut = `${td.stdout}${td.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
const tdWarnings = tdOut.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
check(
  `typedoc regenerates ${typedocConfig.out ?? 'docs/api'} with no warnings (strict: ${STRICT})`,
  td.status === 0,
  tdWarnings.slice(0, 40).join('\n') +
    (tdWarnings.length > 40 ? `\n… ${tdWarnings.length - 40} more` : ''),
);
if (LIST && tdWarnings.length > 0) {
  // The authoritative list at --strict=members (it also sees members of unions and return types).
  console.log(`typedoc warnings (${tdWarnings.length}):\n${tdWarnings.join('\n')}`);
}
if (!existsSync(OUT_JSON)) {
  // typedoc stops before writing when warnings are errors; rerun leniently to finish the report.
  spawnSync(typedocBin, ['--json', OUT_JSON, '--disableSources', '--logLevel', 'Error'], {
    cwd: REPO,
  });
}
const model = JSON.parse(readFileSync(OUT_JSON, 'utf8'));
const htmlDir = join(REPO, typedocConfig.out ?? 'docs/api');
const htmlFiles = existsSync(htmlDir) ? walk(htmlDir).map((p) => relative(htmlDir, p)) : [];

// ---- 2. exported names vs the reference -----------------------------------------------------------
const compiler = compilerExports(subpaths.map(entryOf));
const KIND_REFERENCE = 4194304;
let undocumented = [];
for (const subpath of subpaths) {
  const entry = entryOf(subpath);
  const label = `attestkit${subpath.slice(1)}`;
  const mod = moduleOf(entry);
  if (mod === undefined) {
    check(`${label}: a module in the reference`, false, `no typedoc module for ${entry}`);
    continue;
  }
  const expected = compiler.get(entry) ?? [];
  const inDocs = new Map((mod.children ?? []).map((c) => [c.name, c]));
  const missing = expected.filter((n) => !inDocs.has(n));
  check(
    `${label}: all ${expected.length} exported names are in the reference`,
    missing.length === 0 && expected.length > 0,
    missing.join(', '),
  );
  const noPage = [...inDocs.values()]
    .filter((c) => c.kind !== KIND_REFERENCE)
    .filter((c) => !htmlFiles.some((f) => f.endsWith(`.${c.name}.html`)))
    .map((c) => c.name);
  check(
    `${label}: every declared export has a page in ${typedocConfig.out ?? 'docs/api'}`,
    noPage.length === 0,
    noPage.join(', '),
  );
  if (!/^(attestkit|[a-z]+)(\/[a-z]+)?$/.test(mod.name)) {
    warnings.push(
      `${entry}: typedoc names this module "${mod.name}" (a one-line @module comment is read as the module name; put the summary above the @module tag)`,
    );
  }
  for (const c of inDocs.values()) {
    if (c.kind === KIND_REFERENCE) continue;
    const documented =
      hasSummary(c.comment) || (c.signatures ?? []).some((s) => hasSummary(s.comment));
    if (!documented) undocumented.push(`${fileOf(c) ?? entry}:${c.name}`);
  }
}

// ---- 3. TSDoc presence ----------------------------------------------------------------------------
undocumented = [...new Set(undocumented)].sort();
const memberGaps = memberGapsOf(model);
if (STRICT === 'report') {
  console.log(
    `note undocumented exports: ${undocumented.length} (not enforced at --strict=report)`,
  );
} else {
  check(
    `every exported declaration has TSDoc (${undocumented.length} without)`,
    undocumented.length === 0,
    undocumented.join('\n'),
  );
}
console.log(
  `note members without TSDoc (properties, methods, signatures): ${memberGaps.length}` +
    (STRICT === 'members' ? '' : ' (enforced at --strict=members)') +
    ' — list in .tmp/docs/undocumented-members.txt',
);
if (LIST) for (const g of memberGaps) console.log(`     ${g}`);
writeFileSync(join(REPO, '.tmp/docs/undocumented-members.txt'), `${memberGaps.join('\n')}\n`);
const noExample = countMissingExamples(model);
console.log(`note exported functions without an @example: ${noExample.length}`);
if (LIST) for (const g of noExample) console.log(`     ${g}`);

// ---- 4. README table and links --------------------------------------------------------------------
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const table = readme.split(/^## /m).find((s) => s.startsWith('Platforms')) ?? '';
const rows = table.split('\n').filter((l) => /^\|\s*`attestkit/.test(l));
for (const subpath of subpaths) {
  const name = `attestkit${subpath.slice(1)}`;
  const row = rows.find((r) => r.split('|')[1]?.trim() === `\`${name}\``);
  check(`README platform table has a row for ${name}`, row !== undefined);
  if (row === undefined) continue;
  const links = [...row.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
  const broken = links.filter((l) => !existsSync(join(REPO, l.split('#')[0])));
  check(
    `README ${name} row links a guide that exists`,
    links.length > 0 && broken.length === 0,
    broken.join(', ') || 'no link',
  );
}
const docs = [
  'README.md',
  'SECURITY.md',
  'CHANGELOG.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((n) => n.endsWith('.md'))
    .map((n) => `docs/${n}`),
  ...walk(join(REPO, 'examples'))
    .map((p) => relative(REPO, p))
    .filter((p) => p.endsWith('README.md')),
].filter((p) => existsSync(join(REPO, p)));
const brokenLinks = [];
for (const doc of docs) {
  const text = readFileSync(join(REPO, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const file = join(dirname(join(REPO, doc)), target.split('#')[0]);
    if (!existsSync(file)) brokenLinks.push(`${doc} → ${target}`);
  }
}
check(
  `relative links in ${docs.length} Markdown files resolve`,
  brokenLinks.length === 0,
  brokenLinks.join('\n'),
);

for (const w of warnings) console.log(`warn ${w}`);
console.log(
  `check-docs: ${passed} passed, ${failed} failed, ${warnings.length} warnings (strict: ${STRICT})`,
);
process.exitCode = failed > 0 ? 1 : 0;

// ---------------------------------------------------------------------------------------------------

/** Entry file → every name it exports (values and types), per the TypeScript compiler. */
function compilerExports(entries) {
  const configPath = join(REPO, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(configPath, ts.sys.readFile).config,
    ts.sys,
    REPO,
  );
  const program = ts.createProgram(
    entries.map((e) => join(REPO, e)),
    { ...parsed.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const out = new Map();
  for (const e of entries) {
    const sf = program.getSourceFile(join(REPO, e));
    const sym = sf !== undefined ? checker.getSymbolAtLocation(sf) : undefined;
    out.set(
      e,
      sym === undefined
        ? []
        : checker
            .getExportsOfModule(sym)
            .map((s) => s.name)
            .sort(),
    );
  }
  return out;
}

/** The typedoc module generated for an entry file (by the model's file table; sources are off). */
function moduleOf(entry) {
  const files = model.files ?? {};
  const fileId = Object.entries(files.entries ?? {}).find(([, f]) => f === entry)?.[0];
  const reflId = fileId !== undefined ? files.reflections?.[fileId] : undefined;
  return model.children?.find((m) => m.id === reflId || m.sources?.[0]?.fileName === entry);
}

/** The source file a reflection was declared in. */
function fileOf(reflection) {
  return model.symbolIdMap?.[reflection.id]?.packagePath ?? reflection.sources?.[0]?.fileName;
}

function hasSummary(comment) {
  return (comment?.summary ?? []).some((p) => (p.text ?? '').trim().length > 0);
}

/** Members (properties, methods, signatures) of documented exports that lack TSDoc. */
function memberGapsOf(root) {
  const gaps = [];
  const seen = new Set();
  const KINDS = new Set([1024, 2048, 262144, 16, 4096]); // property, method, accessor, enum member, call signature
  const visit = (node, path) => {
    for (const c of node.children ?? []) {
      if (c.kind === KIND_REFERENCE) continue;
      const p = path === '' ? c.name : `${path}.${c.name}`;
      if (
        KINDS.has(c.kind) &&
        !hasSummary(c.comment) &&
        !(c.signatures ?? []).some((s) => hasSummary(s.comment))
      ) {
        const where = `${fileOf(c) ?? '?'}:${p}`;
        if (!seen.has(where) && !c.flags?.isInherited) {
          seen.add(where);
          gaps.push(where);
        }
      }
      visit(c, p);
      if (c.type?.declaration) visit(c.type.declaration, p);
    }
  };
  for (const m of root.children ?? []) visit(m, '');
  return gaps.sort();
}

function countMissingExamples(root) {
  const out = new Set();
  for (const m of root.children ?? []) {
    for (const c of m.children ?? []) {
      if (c.kind !== 64) continue; // functions
      const tags = (c.signatures ?? []).flatMap((s) => s.comment?.blockTags ?? []);
      if (!tags.some((t) => t.tag === '@example')) out.add(`${fileOf(c) ?? '?'}:${c.name}`);
    }
  }
  return [...out].sort();
}

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
