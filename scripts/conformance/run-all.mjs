/* global process, console */
/**
 * Runs every conformance launcher in turn (Node, Deno, Bun, Chromium, Workers-style), each in its
 * own process so one runtime's failure does not hide another's, and prints a table of results.
 * Exits non-zero when any launcher failed. `node scripts/conformance/run-all.mjs deno bun` runs
 * only the named ones.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './harness.mjs';

const LAUNCHERS = ['node', 'deno', 'bun', 'browser', 'workers'];
const only = process.argv.slice(2);
const unknown = only.filter((n) => !LAUNCHERS.includes(n));
if (unknown.length > 0) {
  console.error(`unknown launcher(s): ${unknown.join(', ')}; choose from ${LAUNCHERS.join(', ')}`);
  process.exit(2);
}

const results = [];
for (const name of only.length > 0 ? only : LAUNCHERS) {
  console.log(`\n=== conformance: ${name}`);
  const started = Date.now();
  const code = await new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(REPO, 'scripts/conformance', `run-${name}.mjs`)], {
      cwd: REPO,
      stdio: 'inherit',
    });
    child.on('error', () => resolvePromise(1));
    child.on('close', (c) => resolvePromise(c ?? 1));
  });
  results.push({ name, code, seconds: ((Date.now() - started) / 1000).toFixed(1) });
}

console.log('\n=== conformance summary');
for (const r of results) {
  console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name.padEnd(8)} ${r.seconds} s`);
}
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
