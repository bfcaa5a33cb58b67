/**
 * Real-vector loader. Vectors live in ../shared/vectors (or $ATTESTKIT_VECTORS) and are never
 * copied into the repository. Without them, suites declared with `describeVectors` report
 * themselves skipped; with CI=true the global setup fails the run instead.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { VECTORS_DIR, hasVectors } from './vector-paths.js';

export { VECTORS_DIR, hasVectors };

/** `describe` that runs only when vectors are present, and reports itself skipped otherwise. */
export function describeVectors(name: string, fn: () => void): void {
  if (hasVectors) describe(name, fn);
  else describe.skip(`${name} [skipped: no vectors at ${VECTORS_DIR}]`, fn);
}

/** Path of a vector file. */
export function vectorPath(...parts: string[]): string {
  return join(VECTORS_DIR, ...parts);
}

/** Bytes of a vector file (a fresh Uint8Array, not a Buffer). */
export function readVector(...parts: string[]): Uint8Array {
  const b = readFileSync(vectorPath(...parts));
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Text of a vector file. */
export function readVectorText(...parts: string[]): string {
  return readFileSync(vectorPath(...parts), 'utf8');
}

/** Parsed JSON of a vector file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json files are untyped test data
export function readVectorJson<T = any>(...parts: string[]): T {
  return JSON.parse(readVectorText(...parts)) as T;
}

/** True when the vector file exists. */
export function vectorExists(...parts: string[]): boolean {
  return existsSync(vectorPath(...parts));
}

/** Files (recursively) under a vector folder, relative to it. */
export function listVectors(...parts: string[]): string[] {
  const root = vectorPath(...parts);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(p).isDirectory()) walk(p, r);
      else out.push(r);
    }
  };
  walk(root, '');
  return out;
}

/** Hex → bytes for test expectations. */
export function hex(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}
