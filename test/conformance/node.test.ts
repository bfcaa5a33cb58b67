/**
 * The cross-runtime conformance suite on Node, as part of `npm test`: runs
 * scripts/conformance/run-node.mjs (which imports the BUILT package, not src/) in a child process.
 * Without dist/ it reports itself skipped; with CI=true an unbuilt package is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const built = existsSync(join(repo, 'dist/index.js'));

describe('conformance suite on Node (built package)', () => {
  it.skipIf(!built && process.env.CI !== 'true')(
    `runs every case from dist/ and ends with "N passed, 0 failed"${built ? '' : ' [skipped: dist/ not built]'}`,
    () => {
      expect(built, 'dist/ is not built (npm run build)').toBe(true);
      const r = spawnSync(process.execPath, [join(repo, 'scripts/conformance/run-node.mjs')], {
        cwd: repo,
        encoding: 'utf8',
        timeout: 90_000,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(0);
      expect(r.stdout, output).toMatch(/^\d+ passed, 0 failed(, \d+ skipped)?$/m);
      expect(r.stdout).toMatch(/^ok {3}core › /m);
    },
  );
});
