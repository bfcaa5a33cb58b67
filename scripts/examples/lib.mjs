/* global process, console, setTimeout, clearTimeout */
/**
 * @module
 * Shared by the example runners in scripts/examples: repository paths, a tally of named
 * assertions that ends in one summary line and an exit code, child processes with a deadline,
 * and a check that the package is built (every example runs on the built package).
 */
import { npmBinary, runMain } from '../lib/process.mjs';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TMP = join(REPO, '.tmp/examples');
export const VECTORS = process.env.ATTESTKIT_VECTORS
  ? resolve(process.env.ATTESTKIT_VECTORS)
  : resolve(REPO, '../shared/vectors');
export const HAS_VECTORS = existsSync(join(VECTORS, 'README.md'));
export const CI = process.env.CI === 'true';

/** Fails early, with the fix, when `npm run build` has not run. */
export function assertBuilt() {
  for (const f of [
    'dist/index.js',
    'dist/snp/index.js',
    'dist/tdx/index.js',
    'dist/cca/index.js',
  ]) {
    if (!existsSync(join(REPO, f))) {
      throw new Error(`${f} is missing: the examples run on the built package (npm run build)`);
    }
  }
  mkdirSync(TMP, { recursive: true });
}

/** Named assertions: `t.ok(name, condition, detail?)`, then `t.finish(label)` → exit code. */
export function tally() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  return {
    ok(name, condition, detail) {
      if (condition) {
        passed++;
        console.log(`ok   ${name}`);
      } else {
        failed++;
        console.log(
          `FAIL ${name}${detail !== undefined ? `\n     ${String(detail).replace(/\n/g, '\n     ')}` : ''}`,
        );
      }
      return Boolean(condition);
    },
    skip(name, why) {
      skipped++;
      console.log(`skip ${name} (${why})`);
    },
    finish(label) {
      console.log(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
      return failed > 0 || passed === 0 ? 1 : 0;
    },
  };
}

/**
 * Runs a command to completion: `{ code, stdout, stderr, ms }`. Output is collected (and echoed
 * when `echo` is set); the child is killed after `timeoutMs`.
 */
export function run(
  command,
  args,
  { cwd = REPO, env = {}, timeoutMs = 120_000, echo = false } = {},
) {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        stdout,
        stderr,
        ms: Date.now() - started,
      });
    });
  });
}

/** Path of an npm-installed binary without going through npx. */
export function bin(name) {
  return npmBinary(REPO, name);
}

/** Runs `main` and sets the exit code it returns; a thrown error exits 1. */
export function launch(main) {
  runMain(main);
}
