/**
 * Types of the runtime-neutral conformance runner (runner.js) and of the case files it runs
 * (`test/conformance/cases/<platform>.js`). Case files are plain JavaScript so every runtime can
 * load them untranspiled; these declarations document their shape for editors and the harness
 * unit tests.
 */

/** attestkit namespaces by entry: `root` is `attestkit`, `snp` is `attestkit/snp`, and so on. */
export type ConformanceLib = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Exports a case needs, by entry, e.g. `{ snp: ['parseSnpReport', 'verifySnpReport'] }`. */
export type Requirements = Readonly<Record<string, readonly string[]>>;

/** What `run(ctx)` receives. */
export interface CaseContext {
  /** `node`, `deno`, `bun`, `browser` or `workers`. */
  readonly runtime: string;
  readonly lib: ConformanceLib;
  /** Bytes of a declared vector (path relative to the vectors directory); a fresh copy. */
  vector(path: string): Uint8Array;
  vectorText(path: string): string;
  vectorJson<T = unknown>(path: string): T;
  /** Declared vector files under a folder, sorted. */
  listVectors(prefix: string): string[];
  /** Ends the case as `skip` with `reason` (reported, never counted as a pass). */
  skip(reason: string): never;
}

/** One conformance case. */
export interface ConformanceCase {
  /** Unique within its file. */
  readonly name: string;
  /** Vector files (or folders ending in `/`) the launcher must inline; missing → skip (CI: fail). */
  readonly vectors?: readonly string[];
  /** Built exports the case needs; any missing → skip with the missing names. */
  readonly requires?: Requirements;
  /** Default 30 000. */
  readonly timeoutMs?: number;
  run(ctx: CaseContext): unknown;
}

/** A case file's module. */
export interface CaseModule {
  readonly cases: readonly ConformanceCase[];
  /** Requirements shared by every case of the file. */
  readonly requires?: Requirements;
}

/** The launcher's fixture: the declared vectors inlined as base64. */
export interface ConformanceFixture {
  readonly schema: 1;
  readonly ci: boolean;
  readonly vectorsPresent: boolean;
  readonly vectorsDir?: string;
  /** Path relative to the vectors directory → base64 of the file. */
  readonly files: Readonly<Record<string, string>>;
  readonly missing: readonly string[];
}

export interface ConformanceResult {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Every printed line, the summary last. */
  readonly lines: string[];
  /** `N passed, N failed` plus `, N skipped` when any. */
  readonly summary: string;
}

/** Runs every case of every file; prints one line per case and the summary line last. */
export function runConformance(options: {
  runtime: string;
  fixture: ConformanceFixture;
  lib: ConformanceLib;
  files: readonly { file: string; load: () => Promise<unknown> }[];
  print?: (line: string) => void;
}): Promise<ConformanceResult>;
