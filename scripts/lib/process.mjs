/* global process, console */
/**
 * Small helpers the Node-side launchers share (conformance runners, example runners).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Path of an npm-installed binary (deno, bun, …) without going through npx each time. */
export function npmBinary(repo, name) {
  const p = join(repo, 'node_modules/.bin', name);
  if (!existsSync(p)) throw new Error(`${name} is not installed (expected ${p}; run npm ci)`);
  return p;
}

/** Runs `main` and sets the exit code it returns; a thrown error is reported and exits 1. */
export function runMain(main, prefix = '') {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(`${prefix}${e instanceof Error ? e.stack : e}`);
      process.exitCode = 1;
    },
  );
}
