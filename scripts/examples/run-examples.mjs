/* global console */
/**
 * Typechecks every example (examples/**\/*.ts, with the strict options of tsconfig.test.json) and
 * runs every top-level examples/*.ts: the Node ones with tsx, deno-verify.ts with Deno. Each must
 * exit 0. Then it runs the Node ones again with ATTESTKIT_VECTORS pointing at an empty directory:
 * an example that uses the shared vectors must fall back to the synthetic evidence or skip with a
 * message, and still exit 0. (The node service and the browser page are exercised by
 * run-node-service.mjs and run-browser.mjs.)
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAS_VECTORS, REPO, TMP, VECTORS, assertBuilt, bin, launch, run, tally } from './lib.mjs';

launch(async () => {
  assertBuilt();
  const t = tally();

  // ---- typecheck ------------------------------------------------------------------------------
  const tsconfig = join(TMP, 'tsconfig.examples.json');
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        extends: '../../tsconfig.test.json',
        compilerOptions: { noEmit: true },
        include: ['../../examples/**/*.ts'],
      },
      null,
      2,
    ),
  );
  const tsc = await run(bin('tsc'), ['-p', tsconfig], { timeoutMs: 300_000 });
  t.ok(
    'tsc: every examples/**/*.ts typechecks (strict, tsconfig.test.json options)',
    tsc.code === 0,
    tsc.stdout + tsc.stderr,
  );
  console.log(`# tsc ${tsc.ms} ms`);

  // ---- run ------------------------------------------------------------------------------------
  const scripts = readdirSync(join(REPO, 'examples'))
    .filter((n) => n.endsWith('.ts'))
    .sort();
  const tsx = bin('tsx');
  const deno = bin('deno');
  const denoEnv = { DENO_DIR: join(TMP, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1' };
  const runOne = (name, env = {}) =>
    name === 'deno-verify.ts'
      ? run(
          deno,
          [
            'run',
            '--no-npm',
            '--no-remote',
            '--no-config',
            '--no-lock',
            '--no-prompt',
            '--import-map=examples/deno-import-map.json',
            '--allow-read=examples/evidence',
            `examples/${name}`,
          ],
          { env: { ...denoEnv, ...env } },
        )
      : run(tsx, [`examples/${name}`], { env });

  console.log(`# vectors: ${HAS_VECTORS ? VECTORS : 'absent'}`);
  for (const name of scripts) {
    const r = await runOne(name);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    t.ok(
      `examples/${name} exits 0 (${r.ms} ms): ${last.slice(0, 90)}`,
      r.code === 0,
      `${r.stdout}\n${r.stderr}`.trim(),
    );
  }

  // ---- without vectors ------------------------------------------------------------------------
  const empty = join(TMP, 'no-vectors');
  mkdirSync(empty, { recursive: true });
  for (const name of scripts.filter((n) => n !== 'deno-verify.ts')) {
    const r = await runOne(name, { ATTESTKIT_VECTORS: empty });
    const said = r.stdout.trim().split('\n')[0] ?? '';
    t.ok(
      `examples/${name} without vectors: exits 0 with a message ("${said.slice(0, 80)}")`,
      r.code === 0 && said.length > 0,
      `${r.stdout}\n${r.stderr}`.trim(),
    );
  }
  return t.finish('examples');
});
