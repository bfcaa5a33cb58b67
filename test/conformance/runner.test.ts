/**
 * Unit tests of the conformance runner itself (no built package needed): the per-case lines, the
 * exact summary line, skip-with-reason for missing exports and vectors, failure under CI=true,
 * undeclared vector reads, load failures and timeouts.
 */
import { describe, expect, it } from 'vitest';
import {
  runConformance,
  type CaseModule,
  type ConformanceFixture,
  type ConformanceLib,
} from './runner.js';

const fixture = (over: Partial<ConformanceFixture> = {}): ConformanceFixture => ({
  schema: 1,
  ci: false,
  vectorsPresent: true,
  files: {
    'p/a.bin': btoa('\x01\x02\xff'),
    'p/dir/b.txt': btoa('hello'),
    'p/dir/c.json': btoa('{"x":1}'),
  },
  missing: [],
  ...over,
});

const lib: ConformanceLib = { root: { digest: () => 0 }, snp: { AttestError: Error } };

async function run(
  mod: CaseModule | (() => Promise<CaseModule>),
  over: Partial<ConformanceFixture> = {},
) {
  const lines: string[] = [];
  const result = await runConformance({
    runtime: 'test',
    fixture: fixture(over),
    lib,
    files: [
      { file: 'demo.js', load: typeof mod === 'function' ? mod : () => Promise.resolve(mod) },
    ],
    print: (l) => lines.push(l),
  });
  return { result, lines };
}

describe('conformance runner', () => {
  it('prints one line per case and ends with the exact summary', async () => {
    const { result, lines } = await run({
      cases: [
        { name: 'passes', run: () => undefined },
        { name: 'fails', run: () => Promise.reject(new Error('nope')) },
      ],
    });
    expect(lines[0]).toMatch(/^# attestkit conformance · runtime test/);
    expect(lines[1]).toMatch(/^ok {3}demo › passes \(\d+ ms\)$/);
    expect(lines[2]).toBe('FAIL demo › fails — Error: nope');
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
    expect(result).toMatchObject({
      passed: 1,
      failed: 1,
      skipped: 0,
      summary: '1 passed, 1 failed',
    });
  });

  it('skips, with the missing names, a case whose exports are not built', async () => {
    const { result, lines } = await run({
      requires: { root: ['digest'] },
      cases: [
        {
          name: 'needs snp',
          requires: { snp: ['verifySnpReport'], tdx: ['parseTdxQuote'] },
          run: () => undefined,
        },
        { name: 'built', requires: { snp: ['AttestError'] }, run: () => undefined },
      ],
    });
    expect(lines[1]).toBe(
      'skip demo › needs snp — not in the built package yet: attestkit/snp#verifySnpReport, attestkit/tdx (no such entry)',
    );
    expect(lines.at(-1)).toBe('1 passed, 0 failed, 1 skipped');
    expect(result.skipped).toBe(1);
  });

  it('skips a case whose vectors are missing, and fails it when CI=true', async () => {
    const mod: CaseModule = {
      cases: [{ name: 'v', vectors: ['p/a.bin', 'q/none.bin'], run: () => undefined }],
    };
    expect((await run(mod)).lines[1]).toBe('skip demo › v — missing vector(s): q/none.bin');
    expect((await run(mod, { vectorsPresent: false })).lines[1]).toBe(
      'skip demo › v — no vectors: q/none.bin',
    );
    const ci = await run(mod, { ci: true });
    expect(ci.lines[1]).toBe('FAIL demo › v — CI requires vectors; missing vector(s): q/none.bin');
    expect(ci.result.failed).toBe(1);
  });

  it('gives declared vectors as fresh bytes, text, JSON and folder listings, and refuses the rest', async () => {
    const seen: unknown[] = [];
    const { result, lines } = await run({
      cases: [
        {
          name: 'reads',
          vectors: ['p/a.bin', 'p/dir/'],
          run(ctx) {
            const a = ctx.vector('p/a.bin');
            a[0] = 9;
            seen.push(
              [...ctx.vector('p/a.bin')],
              ctx.vectorText('p/dir/b.txt'),
              ctx.vectorJson('p/dir/c.json'),
            );
            seen.push(ctx.listVectors('p/dir'), ctx.listVectors('p'));
          },
        },
        { name: 'undeclared', vectors: ['p/dir/'], run: (ctx) => ctx.vector('p/a.bin') },
      ],
    });
    expect(seen).toEqual([
      [1, 2, 255],
      'hello',
      { x: 1 },
      ['p/dir/b.txt', 'p/dir/c.json'],
      ['p/a.bin', 'p/dir/b.txt', 'p/dir/c.json'],
    ]);
    expect(lines[2]).toBe(
      "FAIL demo › undeclared — Error: vector p/a.bin is not declared in this case's `vectors`",
    );
    expect(result.summary).toBe('1 passed, 1 failed');
  });

  it('reports ctx.skip as a skip, a file that does not load and a hung case as failures', async () => {
    const skipped = await run({ cases: [{ name: 's', run: (ctx) => ctx.skip('not here') }] });
    expect(skipped.lines[1]).toBe('skip demo › s — not here');
    const broken = await run(() => Promise.reject(new SyntaxError('no export named x')));
    expect(broken.lines[1]).toBe('FAIL demo › (load demo.js) — SyntaxError: no export named x');
    expect(broken.lines.at(-1)).toBe('0 passed, 1 failed');
    const empty = await run({ cases: [] });
    expect(empty.result.failed).toBe(1);
    const hung = await run({
      cases: [{ name: 'h', timeoutMs: 20, run: () => new Promise(() => undefined) }],
    });
    expect(hung.lines[1]).toBe('FAIL demo › h — Error: timed out after 20 ms');
    const dup = await run({
      cases: [
        { name: 'd', run: () => undefined },
        { name: 'd', run: () => undefined },
      ],
    });
    expect(dup.result).toMatchObject({ passed: 1, failed: 1 });
  });
});
