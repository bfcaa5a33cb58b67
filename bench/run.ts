/**
 * `npm run bench`: runs every bench/*.bench.ts suite and prints each case's median and its ratio
 * to the floor, both measured interleaved with the floor (see `measurePaired`), then the suite's
 * comparisons (the ratios its targets are stated on), measured the same way.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { formatComparison, formatUs, measure, measurePaired, type BenchSuite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (only === undefined || f.startsWith(only)))
  .sort();
console.log(
  `attestkit bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${new Date().toISOString()}\n`,
);
for (const f of files) {
  const { suite } = (await import(pathToFileURL(join(here, f)).href)) as { suite: BenchSuite };
  console.log(`## ${suite.name}`);
  const skip = await suite.setup?.();
  if (typeof skip === 'string') {
    console.log(`  skipped: ${skip}\n`);
    continue;
  }
  const floor = await measure(suite.floor);
  console.log(
    `  ${'floor: ' + floor.name}`.padEnd(64) + formatUs(floor.medianUs).padStart(12) + '    1.00×',
  );
  for (const c of suite.cases) {
    const m = await measurePaired(c, suite.floor, 1000);
    console.log(
      `  ${(c.peer === true ? 'peer: ' : '') + c.name}`.padEnd(64) +
        formatUs(m.numeratorUs).padStart(12) +
        `  ${m.ratio.toFixed(2).padStart(6)}×`,
    );
  }
  for (const t of suite.targets ?? []) console.log(`  target: ${t}`);
  for (const c of suite.comparisons ?? []) {
    console.log(formatComparison(c, await measurePaired(c.numerator, c.denominator)));
  }
  for (const line of (await suite.report?.()) ?? []) console.log(line);
  await suite.teardown?.();
  console.log('');
}
