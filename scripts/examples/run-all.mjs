/* global process, console */
/**
 * Runs every example runner (or those named): `node scripts/examples/run-all.mjs [node-service]
 * [browser] [deno] [examples]`. Each runs in its own process; the exit code is non-zero when any
 * of them fails.
 */
import { join } from 'node:path';
import { REPO, launch, run } from './lib.mjs';

const ALL = ['node-service', 'browser', 'deno', 'examples'];

launch(async () => {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !ALL.includes(w));
  if (unknown.length > 0)
    throw new Error(`unknown runner(s) ${unknown.join(', ')}: ${ALL.join(', ')}`);
  const results = [];
  for (const name of wanted.length > 0 ? wanted : ALL) {
    console.log(`\n=== examples: ${name}`);
    const r = await run(process.execPath, [join(REPO, `scripts/examples/run-${name}.mjs`)], {
      echo: true,
      timeoutMs: 600_000,
    });
    results.push([name, r.code, r.ms]);
  }
  console.log('');
  for (const [name, code, ms] of results) {
    console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${name} (${(ms / 1000).toFixed(1)} s)`);
  }
  return results.some(([, code]) => code !== 0) ? 1 : 0;
});
