/**
 * Child process of cold-start.ts (run from its esbuild bundle with plain `node`): opens one
 * subject — module load, WASM compile/instantiate, inputs read and decoded — then verifies once,
 * and prints both times as JSON. Nothing is loaded before the clock starts except this file and
 * the subject registry.
 */
import { openSubject } from './subjects.js';
import type { SubjectName, SubjectOptions } from './types.js';

const name = process.argv[2] as SubjectName;
const opts = JSON.parse(process.argv[3] ?? '{}') as SubjectOptions;
const t0 = performance.now();
const subject = await openSubject(name, opts);
const t1 = performance.now();
await subject.verify();
const t2 = performance.now();
process.stdout.write(JSON.stringify({ openMs: t1 - t0, firstVerifyMs: t2 - t1 }));
