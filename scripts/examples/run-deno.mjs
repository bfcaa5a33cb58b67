/* global console */
/**
 * Runs examples/deno-verify.ts under Deno (the `deno` npm package) the way its header says:
 * no npm resolution, no remote modules, no config or lock file, the built package through
 * examples/deno-import-map.json, and read access to examples/evidence only. Checks the exit code
 * and every verdict line, then that the same script is refused without the read permission (the
 * permission model is really in force).
 */
import { join } from 'node:path';
import { REPO, TMP, assertBuilt, bin, launch, run, tally } from './lib.mjs';

const EXPECTED = [
  'snp-synthetic: VERIFIED',
  'snp-synthetic-tampered: NOT VERIFIED — failed: snp.signature',
  'tdx-synthetic: VERIFIED',
  'tdx-synthetic-debug-td: NOT VERIFIED — failed: tdx.policy.debug',
  'cca-synthetic: VERIFIED',
  'cca-synthetic-broken-binding: NOT VERIFIED — failed: cca.binding',
  'all cases as expected',
];

launch(async () => {
  assertBuilt();
  const t = tally();
  const deno = bin('deno');
  const env = { DENO_DIR: join(TMP, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1' };
  const base = ['run', '--no-npm', '--no-remote', '--no-config', '--no-lock', '--no-prompt'];
  const map = '--import-map=examples/deno-import-map.json';
  const script = 'examples/deno-verify.ts';

  const r = await run(deno, [...base, map, '--allow-read=examples/evidence', script], {
    env,
    cwd: REPO,
  });
  console.log(r.stdout.trim().replace(/^/gm, '# '));
  t.ok('deno-verify.ts exits 0', r.code === 0, r.stderr);
  t.ok('it ran on Deno', /^attestkit on Deno \d+\.\d+/m.test(r.stdout));
  for (const line of EXPECTED) t.ok(`prints "${line}"`, r.stdout.includes(line), r.stdout);
  console.log(`# ${r.ms} ms`);

  const denied = await run(deno, [...base, map, script], { env, cwd: REPO });
  t.ok(
    'without --allow-read it is refused (NotCapable / PermissionDenied)',
    denied.code !== 0 && /NotCapable|PermissionDenied|Requires read access/.test(denied.stderr),
    denied.stderr,
  );
  return t.finish('deno');
});
