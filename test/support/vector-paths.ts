/** Where the shared vectors are; no vitest import, so the global setup can use it. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of the vectors directory (it may not exist). */
export const VECTORS_DIR: string = process.env.ATTESTKIT_VECTORS
  ? resolve(process.env.ATTESTKIT_VECTORS)
  : resolve(repoRoot, '../shared/vectors');

/** True when the vectors directory is present. */
export const hasVectors: boolean = existsSync(join(VECTORS_DIR, 'README.md'));
