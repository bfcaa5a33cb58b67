/* global process */
/**
 * Conformance suite under Node: a child `node` imports the generated entry, which imports the
 * built package by its own name (`attestkit`, `attestkit/snp`, … resolved through package.json
 * `exports` by self-reference) and reads the inlined fixture as a JSON module.
 */
import { launch, prepare, runChild, verdict } from './harness.mjs';

launch(async () => {
  const { entry } = await prepare(
    'node',
    () => `const result = await run();\nif (result.failed > 0) process.exitCode = 1;`,
  );
  const { code, stdout } = await runChild(process.execPath, [entry]);
  return verdict(`node ${process.version}`, stdout, code);
});
