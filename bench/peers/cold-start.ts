/**
 * Bundles the bench subjects with esbuild (code splitting: one chunk per subject, as tsup builds
 * dist/) into a temporary folder, and measures cold starts: each sample is a fresh `node` process
 * that loads one subject and verifies once (cold-child.ts). The bench process imports the same
 * bundle for its warm timings, so warm and cold run identical code.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildToTemp } from '../built.js';
import type * as SubjectsModule from './subjects.js';
import type { SubjectName, SubjectOptions } from './types.js';

type Subjects = typeof SubjectsModule;

export interface Bundle {
  readonly dir: string;
  readonly subjects: Subjects;
  readonly child: string;
  dispose(): void;
}

export async function buildBundle(): Promise<Bundle> {
  const dir = await buildToTemp({
    'cold-child': join(import.meta.dirname, 'cold-child.ts'),
    subjects: join(import.meta.dirname, 'subjects.ts'),
  });
  return {
    dir,
    subjects: (await import(pathToFileURL(join(dir, 'subjects.mjs')).href)) as Subjects,
    child: join(dir, 'cold-child.mjs'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ColdStart {
  readonly name: SubjectName;
  /** Median over the runs: load + init + input decoding. */
  readonly openMs: number;
  /** Median over the runs: the first verification in the fresh process. */
  readonly firstVerifyMs: number;
  /** Median of the per-run sums. */
  readonly totalMs: number;
  readonly runs: number;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export function coldStart(
  bundle: Bundle,
  name: SubjectName,
  opts: SubjectOptions,
  runs = 5,
): ColdStart {
  const open: number[] = [];
  const first: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [bundle.child, name, JSON.stringify(opts)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`cold start of ${name} failed: ${r.stderr || r.error}`);
    const t = JSON.parse(r.stdout) as { openMs: number; firstVerifyMs: number };
    open.push(t.openMs);
    first.push(t.firstVerifyMs);
    total.push(t.openMs + t.firstVerifyMs);
  }
  return {
    name,
    openMs: median(open),
    firstVerifyMs: median(first),
    totalMs: median(total),
    runs,
  };
}
