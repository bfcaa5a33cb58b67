/**
 * docs/what-we-check.md against the source. Every check id the code can report must have exactly
 * one row in one of the document's reference tables (header `check id`), and every id or glob any
 * of its tables names (in backticks) must exist in the code.
 *
 * The ids are read from the source with the TypeScript parser (no type-checking, no build):
 *
 * - the members of every exported `…CheckId` union type under src/ — each ledger is typed with
 *   one (`createLedger<SnpCheckId>` refuses an id outside its union); a template member such as
 *   `eventlog.replay.pcr${number}` becomes `eventlog.replay.pcr<n>`, the spelling the document
 *   uses. They are cross-checked with the exported lists `SNP_CHECK_IDS` and `TDX_CHECK_IDS`;
 * - the CLI's own checks, which no union declares: object literals shaped like a `Check`
 *   (`id`, `status` and `required` properties), with the id given as a string or as a constant;
 * - a scan of every other string literal in src/ that looks like a check id (a platform prefix
 *   and a dot): each must be one of the ids above or one of {@link NOT_CHECK_IDS}, so that an id
 *   recorded some other way is noticed rather than missed. Template literals that build ids
 *   must be one of {@link ID_TEMPLATES}.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SNP_CHECK_IDS } from '../../src/snp/index.js';
import { TDX_CHECK_IDS } from '../../src/tdx/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const DOC = join(ROOT, 'docs/what-we-check.md');

/** What a reader could take for a check id: a platform prefix, a dot, then id characters. */
const ID_LIKE = /^(?:snp|tdx|cca|tpm|eventlog|binding|cli)\.[A-Za-z0-9_.*<>-]*$/;

/**
 * Strings in src/ that look like check ids and are not: evidence field names quoted in error
 * messages, and a prefix tested with `startsWith`. Each says why it is here.
 */
const NOT_CHECK_IDS: Readonly<Record<string, string>> = {
  'binding.hclReport': 'cvm-bundle field named in a CLI error (src/cli/plugins/binding.ts)',
  'binding.scheme': 'cvm-bundle field named in a CLI error (src/cli/plugins/binding.ts)',
  'tpm.akProof.activated': 'evidence field named in a TypeError (src/binding/cvm.ts)',
  'tpm.akPublic': 'cvm-bundle field named in a CLI error (src/cli/plugins/binding.ts)',
  'tpm.attest': 'evidence field named in an error (src/binding/cvm.ts, src/cli)',
  'tpm.ekPublic': 'cvm-bundle field named in a CLI error (src/cli/plugins/binding.ts)',
  'tpm.pcrs': 'cvm-bundle field named in a CLI error (src/cli/plugins/binding.ts)',
  'tpm.signature': 'evidence field named in an error (src/binding/cvm.ts, src/cli)',
  'eventlog.replay.': 'prefix of the register checks, tested with startsWith (src/cli)',
};

/**
 * Template literals in src/ whose fixed head looks like an id: each builds ids of a union, and
 * the union must hold ids with that head.
 */
const ID_TEMPLATES: readonly string[] = [
  'snp.policy.', // SPECS in src/snp/verify.ts: `snp.policy.${leaf}` (SnpCheckId)
  'eventlog.replay.', // src/eventlog/verify.ts: `eventlog.replay.${prefix}${i}` (EventLogCheckId)
];

interface SourceFile {
  readonly path: string;
  readonly ast: ts.SourceFile;
}

function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      out.push({
        path: relative(ROOT, path),
        ast: ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true),
      });
    }
  }
  return out;
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

function isExported(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false)
  );
}

/** A union member as the document spells it: `${number}` becomes `<n>`. */
function memberIds(
  type: ts.TypeNode,
  aliases: ReadonlyMap<string, ts.TypeNode>,
  where: string,
): string[] {
  if (ts.isUnionTypeNode(type)) return type.types.flatMap((t) => memberIds(t, aliases, where));
  if (ts.isParenthesizedTypeNode(type)) return memberIds(type.type, aliases, where);
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (ts.isTemplateLiteralTypeNode(type)) {
    let id = type.head.text;
    for (const span of type.templateSpans) {
      if (span.type.kind !== ts.SyntaxKind.NumberKeyword)
        throw new Error(`${where}: template member with a non-number span: ${type.getText()}`);
      id += `<n>${span.literal.text}`;
    }
    return [id];
  }
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const target = aliases.get(type.typeName.text);
    if (target !== undefined) return memberIds(target, aliases, where);
  }
  throw new Error(`${where}: a check-id union member this test cannot read: ${type.getText()}`);
}

interface CodeIds {
  /** Union name → its ids. */
  readonly unions: ReadonlyMap<string, readonly string[]>;
  /** Ids of Check-shaped object literals (the CLI's own checks) → files. */
  readonly literalChecks: ReadonlyMap<string, readonly string[]>;
  /** Every id the code can report. */
  readonly all: ReadonlySet<string>;
  /** Id-like strings that are neither ids nor listed in NOT_CHECK_IDS, with their files. */
  readonly unexplained: readonly string[];
  /** Template heads that look like ids and are not in ID_TEMPLATES. */
  readonly unexplainedTemplates: readonly string[];
}

function collectCodeIds(): CodeIds {
  const files = sourceFiles(SRC);

  // 1. Exported `…CheckId` unions.
  const aliases = new Map<string, ts.TypeNode>();
  const checkIdAliases: { name: string; type: ts.TypeNode; where: string }[] = [];
  for (const f of files) {
    for (const stmt of f.ast.statements) {
      if (!ts.isTypeAliasDeclaration(stmt)) continue;
      aliases.set(stmt.name.text, stmt.type);
      if (isExported(stmt) && stmt.name.text.endsWith('CheckId'))
        checkIdAliases.push({ name: stmt.name.text, type: stmt.type, where: f.path });
    }
  }
  const unions = new Map<string, readonly string[]>();
  for (const a of checkIdAliases)
    unions.set(a.name, memberIds(a.type, aliases, `${a.where} ${a.name}`));

  // 2. Check-shaped object literals: { id, status, required, … }.
  const literalChecks = new Map<string, string[]>();
  for (const f of files) {
    const constants = new Map<string, string>();
    walk(f.ast, (n) => {
      if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        n.initializer !== undefined &&
        ts.isStringLiteralLike(n.initializer)
      )
        constants.set(n.name.text, n.initializer.text);
    });
    walk(f.ast, (n) => {
      if (!ts.isObjectLiteralExpression(n)) return;
      const props = new Map<string, ts.Expression>();
      for (const p of n.properties)
        if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name))
          props.set(p.name.text, p.initializer);
      const id = props.get('id');
      if (id === undefined || !props.has('status') || !props.has('required')) return;
      const text = ts.isStringLiteralLike(id)
        ? id.text
        : ts.isIdentifier(id)
          ? constants.get(id.text)
          : undefined;
      if (text === undefined || !ID_LIKE.test(text)) return;
      literalChecks.set(text, [...(literalChecks.get(text) ?? []), f.path]);
    });
  }

  const all = new Set<string>([...[...unions.values()].flat(), ...literalChecks.keys()]);

  // 3. Every other id-like string literal and template head.
  const unexplained = new Set<string>();
  const unexplainedTemplates = new Set<string>();
  for (const f of files) {
    walk(f.ast, (n) => {
      if (ts.isStringLiteralLike(n) && ID_LIKE.test(n.text)) {
        if (!all.has(n.text) && !Object.hasOwn(NOT_CHECK_IDS, n.text))
          unexplained.add(`${n.text} (${f.path})`);
      } else if (
        ts.isTemplateExpression(n) &&
        ID_LIKE.test(n.head.text) &&
        !ID_TEMPLATES.includes(n.head.text)
      )
        unexplainedTemplates.add(`${n.head.text}… (${f.path})`);
    });
  }
  return {
    unions,
    literalChecks,
    all,
    unexplained: [...unexplained].sort(),
    unexplainedTemplates: [...unexplainedTemplates].sort(),
  };
}

/** A backticked id or glob in the document, and where it is. */
interface DocToken {
  readonly token: string;
  readonly line: number;
}

interface DocTables {
  /** Tokens of the first cell of each reference-table row (the ids the row documents). */
  readonly documented: readonly DocToken[];
  /** Reference-table rows whose first cell names no id. */
  readonly rowsWithoutId: readonly number[];
  /** Every id-like backticked token in any table cell. */
  readonly named: readonly DocToken[];
  /** Number of reference tables. */
  readonly referenceTables: number;
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function idTokens(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((t) => ID_LIKE.test(t));
}

function readDocTables(text: string): DocTables {
  const lines = text.split('\n');
  const documented: DocToken[] = [];
  const named: DocToken[] = [];
  const rowsWithoutId: number[] = [];
  let referenceTables = 0;
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.trimStart().startsWith('|')) {
      i++;
      continue;
    }
    const header = cellsOf(lines[i]!);
    const isReference = header[0] === 'check id';
    if (isReference) referenceTables++;
    i++;
    if (i < lines.length && /^\s*\|[\s|:-]+\|\s*$/.test(lines[i]!)) i++; // the delimiter row
    for (; i < lines.length && lines[i]!.trimStart().startsWith('|'); i++) {
      const cells = cellsOf(lines[i]!);
      const line = i + 1;
      for (const cell of cells) for (const token of idTokens(cell)) named.push({ token, line });
      if (!isReference) continue;
      const ids = idTokens(cells[0] ?? '');
      if (ids.length === 0) rowsWithoutId.push(line);
      for (const token of ids) documented.push({ token, line });
    }
  }
  return { documented, rowsWithoutId, named, referenceTables };
}

/** Whether a document token (an id, or a glob with `*`) names `id`. */
function names(token: string, id: string): boolean {
  if (!token.includes('*')) return token === id;
  const pattern = token
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\<>-]/g, '\\$&'))
    .join('[A-Za-z0-9_.<>-]+');
  return new RegExp(`^${pattern}$`).test(id);
}

describe('docs/what-we-check.md lists every check id the code can report', () => {
  const code = collectCodeIds();
  const doc = readDocTables(readFileSync(DOC, 'utf8'));

  it('reads the ids from the source', () => {
    // The collectors found what they look for: a union per verifier, the CLI's own checks.
    for (const prefix of ['snp.', 'tdx.', 'cca.', 'tpm.', 'eventlog.', 'binding.']) {
      expect(
        [...code.all].some((id) => id.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    expect(code.literalChecks.size).toBeGreaterThan(0);
    for (const id of code.all) expect(id).toMatch(ID_LIKE);
    // The exported lists agree with the unions they are typed with.
    expect([...SNP_CHECK_IDS].sort()).toEqual([...(code.unions.get('SnpCheckId') ?? [])].sort());
    expect([...TDX_CHECK_IDS].sort()).toEqual([...(code.unions.get('TdxCheckId') ?? [])].sort());
    for (const head of ID_TEMPLATES)
      expect(
        [...code.all].some((id) => id.startsWith(head)),
        head,
      ).toBe(true);
  });

  it('finds no id-like string in src/ that is neither a check id nor a known non-id', () => {
    expect(code.unexplained).toEqual([]);
    expect(code.unexplainedTemplates).toEqual([]);
    for (const s of Object.keys(NOT_CHECK_IDS)) expect(code.all.has(s), s).toBe(false);
  });

  it('has reference tables whose every row names the ids it documents', () => {
    expect(doc.referenceTables).toBeGreaterThan(0);
    expect(doc.rowsWithoutId).toEqual([]);
  });

  it('documents every id in exactly one reference-table row', () => {
    const missing: string[] = [];
    const twice: string[] = [];
    for (const id of [...code.all].sort()) {
      const rows = doc.documented.filter((d) => names(d.token, id)).map((d) => d.line);
      if (rows.length === 0) missing.push(id);
      else if (rows.length > 1) twice.push(`${id} (lines ${rows.join(', ')})`);
    }
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
  });

  it('would fail if any one reference-table row were removed', () => {
    // Each row documents an id that no other row does, so deleting it leaves that id missing.
    const rows = new Map<number, string[]>();
    for (const d of doc.documented) rows.set(d.line, [...(rows.get(d.line) ?? []), d.token]);
    const redundant: number[] = [];
    for (const [line, tokens] of rows) {
      const others = doc.documented.filter((d) => d.line !== line);
      const own = [...code.all].filter(
        (id) => tokens.some((t) => names(t, id)) && !others.some((d) => names(d.token, id)),
      );
      if (own.length === 0) redundant.push(line);
    }
    expect(redundant).toEqual([]);
  });

  it('names no id or glob in any table that the code does not have', () => {
    const unknown = doc.named
      .filter((d) => ![...code.all].some((id) => names(d.token, id)))
      .map((d) => `${d.token} (line ${d.line})`);
    expect(unknown).toEqual([]);
  });
});
