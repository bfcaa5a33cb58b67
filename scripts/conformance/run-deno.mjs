/**
 * Conformance suite under Deno without npm compatibility: `deno run --no-config --no-npm
 * --no-remote` with an import map generated from the resolved module graph (attestkit → dist/,
 * its dependencies → their ESM files), and no permissions at all: static and dynamic imports of
 * local modules, the JSON fixture included, need none. The entry checks that none were granted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO,
  TMP_DIR,
  binary,
  importMap,
  launch,
  prepare,
  runChild,
  verdict,
} from './harness.mjs';

const DENIED = ['read', 'write', 'net', 'env', 'run', 'ffi', 'sys', 'import'];

launch(async () => {
  const { dir, entry, graph } = await prepare('deno', () =>
    [
      `const granted = [];`,
      `for (const name of ${JSON.stringify(DENIED)}) {`,
      `  if (Deno.permissions.querySync({ name }).state === 'granted') granted.push(name);`,
      `}`,
      `if (granted.length > 0) {`,
      `  console.error('deno permissions unexpectedly granted: ' + granted.join(', '));`,
      `  Deno.exit(2);`,
      `}`,
      `console.log('# deno ' + Deno.version.deno + ', no permissions granted, no npm resolution');`,
      `const result = await run();`,
      `Deno.exit(result.failed > 0 ? 1 : 0);`,
    ].join('\n'),
  );
  const mapPath = join(dir, 'import_map.json');
  const map = importMap(graph, (p) => {
    const url = pathToFileURL(join(REPO, p)).href;
    return p.endsWith('/') && !url.endsWith('/') ? `${url}/` : url;
  });
  writeFileSync(mapPath, JSON.stringify(map, null, 2));
  const { code, stdout } = await runChild(
    binary('deno'),
    [
      'run',
      '--no-config',
      '--no-lock',
      '--no-npm',
      '--no-remote',
      '--no-prompt',
      `--import-map=${mapPath}`,
      entry,
    ],
    { env: { DENO_DIR: join(TMP_DIR, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1' } },
  );
  return verdict('deno', stdout, code);
});
