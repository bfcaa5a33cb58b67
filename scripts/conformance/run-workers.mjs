/* global console */
/**
 * A Workers-style environment: the suite, the built package and the fixture are bundled by
 * esbuild (`platform: 'neutral'`, one self-contained ESM file, no `node:` anywhere) into a module
 * whose default export is a `{ fetch(request) }` handler, as Cloudflare-style Workers load it. A
 * tiny driver calls that handler with a Request under `deno run` with no permissions at all, no
 * npm resolution, no import map and no remote modules, then prints the Response body.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  TMP_DIR,
  binary,
  launch,
  posixRelative,
  prepare,
  REPO,
  runChild,
  verdict,
} from './harness.mjs';

launch(async () => {
  const { dir, entry } = await prepare('workers', () =>
    [
      `export default {`,
      `  async fetch(request) {`,
      `    const lines = ['# workers-style module: ' + request.method + ' ' + new URL(request.url).pathname];`,
      `    const result = await run((line) => lines.push(line));`,
      `    return new Response(lines.join('\\n') + '\\n', {`,
      `      status: result.failed > 0 ? 500 : 200,`,
      `      headers: { 'content-type': 'text/plain; charset=utf-8' },`,
      `    });`,
      `  },`,
      `};`,
    ].join('\n'),
  );

  const bundlePath = join(dir, 'worker.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile: bundlePath,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['worker', 'browser'],
    target: 'es2022',
    metafile: true,
    logLevel: 'error',
  });
  const problems = [];
  const output = Object.values(result.metafile.outputs)[0];
  if (output.imports.length > 0) {
    problems.push(`the bundle still imports ${output.imports.map((i) => i.path).join(', ')}`);
  }
  const code = readFileSync(bundlePath, 'utf8');
  // No `node:` import survives, and no CommonJS was pulled in (esbuild's `__require` shim).
  for (const pattern of [/\bfrom\s*["']node:/, /\bimport\s*\(\s*["']node:/, /\b__require\b/]) {
    if (pattern.test(code)) problems.push(`the bundle matches ${pattern}`);
  }
  for (const [input, info] of Object.entries(result.metafile.inputs)) {
    if (info.format === 'cjs') problems.push(`${input} is CommonJS`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`[conformance] workers: ${p}`);
    return 1;
  }
  console.log(`# bundle ${posixRelative(REPO, bundlePath)}: ${code.length} bytes, self-contained`);

  const driverPath = join(dir, 'driver.mjs');
  writeFileSync(
    driverPath,
    [
      `// Generated: calls the Workers-style module the way a Workers runtime would.`,
      `import worker from './worker.mjs';`,
      `const response = await worker.fetch(new Request('https://conformance.invalid/run'), {}, {});`,
      `await Deno.stdout.write(new Uint8Array(await response.arrayBuffer()));`,
      `Deno.exit(response.status === 200 ? 0 : 1);`,
      '',
    ].join('\n'),
  );
  const run = await runChild(
    binary('deno'),
    ['run', '--no-config', '--no-lock', '--no-npm', '--no-remote', '--no-prompt', driverPath],
    { env: { DENO_DIR: join(TMP_DIR, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1' } },
  );
  return verdict('workers (neutral bundle in deno, no permissions)', run.stdout, run.code);
});
