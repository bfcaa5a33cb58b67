/**
 * Conformance suite under Bun: `bun <entry>` with the built package resolved by its own name
 * through package.json `exports` (self-reference), the fixture read as a JSON module.
 */
import { binary, launch, prepare, runChild, verdict } from './harness.mjs';

launch(async () => {
  const { entry } = await prepare('bun', () =>
    [
      `console.log('# bun ' + Bun.version);`,
      `const result = await run();`,
      `if (result.failed > 0) process.exitCode = 1;`,
    ].join('\n'),
  );
  const { code, stdout } = await runChild(binary('bun'), ['--no-install', entry], {
    env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', DO_NOT_TRACK: '1' },
  });
  return verdict('bun', stdout, code);
});
