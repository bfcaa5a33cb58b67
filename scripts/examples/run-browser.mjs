/* global console, document */
/**
 * Builds examples/browser with esbuild (the page's `main.ts` bundled against the built package),
 * serves it on 127.0.0.1 with examples/evidence mounted at ./evidence, opens it in headless
 * Chromium (Debian's /usr/bin/chromium through playwright-core, the launch recipe of
 * scripts/conformance/run-browser.mjs), and checks the verdict text of every case in the page:
 * the synthetic SNP, TDX and CCA evidence VERIFIED, their tampered variants NOT VERIFIED. It also
 * checks that the bundle carries no TPM or event-log code, that the page logged no error and
 * requested nothing it should not, and that the screenshot (.tmp/examples/browser.png) is a real,
 * non-blank PNG.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { assertChromium, checkPng, openTab, serveFiles } from '../lib/chromium.mjs';
import { REPO, TMP, assertBuilt, launch, tally } from './lib.mjs';

const OUT = join(TMP, 'browser');
const SCREENSHOT = join(TMP, 'browser.png');
const EVIDENCE = join(REPO, 'examples/evidence');
const EXPECTED = {
  'snp-synthetic': 'VERIFIED',
  'snp-synthetic-tampered': 'NOT VERIFIED',
  'tdx-synthetic': 'VERIFIED',
  'tdx-synthetic-debug-td': 'NOT VERIFIED',
  'cca-synthetic': 'VERIFIED',
  'cca-synthetic-broken-binding': 'NOT VERIFIED',
};

launch(async () => {
  assertBuilt();
  const t = tally();
  assertChromium();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  // ---- bundle ---------------------------------------------------------------------------------
  const result = await build({
    entryPoints: [join(REPO, 'examples/browser/main.ts')],
    outfile: join(OUT, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'error',
  });
  copyFileSync(join(REPO, 'examples/browser/index.html'), join(OUT, 'index.html'));
  const inputs = Object.keys(result.metafile.inputs);
  const fromDist = inputs.filter((p) => p.startsWith('dist/'));
  t.ok(
    'the page is bundled from the built package (dist/), not the sources',
    fromDist.length > 0 && !inputs.some((p) => p.startsWith('src/')),
    inputs.join('\n'),
  );
  const appJs = readFileSync(join(OUT, 'app.js'));
  const code = appJs.toString('utf8');
  t.ok(
    'the bundle carries no TPM or event-log code',
    !/tpm\.quote\.|eventlog\.replay|TPM_GENERATED/.test(code),
  );
  t.ok('the bundle has no node: imports', !/["']node:/.test(code));
  console.log(
    `# app.js ${(appJs.length / 1024).toFixed(1)} KB minified, ${(gzipSync(appJs).length / 1024).toFixed(1)} KB gzip`,
  );

  // ---- serve ----------------------------------------------------------------------------------
  const server = await serveFiles((path) => {
    let file;
    if (path === '/' || path === '/index.html') file = join(OUT, 'index.html');
    else if (path === '/app.js') file = join(OUT, 'app.js');
    else if (path.startsWith('/evidence/')) {
      const rel = normalize(path.slice('/evidence/'.length));
      const name = rel.split(sep)[0];
      if (!rel.startsWith('..') && name in EXPECTED) file = join(EVIDENCE, rel);
    }
    return file !== undefined && existsSync(file) && statSync(file).isFile() ? file : undefined;
  });
  const { origin, requested, refused } = server;

  // ---- drive Chromium -------------------------------------------------------------------------
  let opened;
  let errors = [];
  try {
    opened = await openTab({ tmpDir: TMP, viewport: { width: 1000, height: 760 } });
    const { tab } = opened;
    errors = opened.errors;
    console.log(`# chromium ${opened.version} at ${origin}`);
    await tab.goto(`${origin}/index.html`);
    try {
      await tab.waitForFunction(() => document.body.dataset.status !== undefined, undefined, {
        timeout: 45_000,
      });
    } catch (e) {
      errors.push(`the page did not finish: ${e.message.split('\n')[0]}`);
    }
    const page = await tab.evaluate(() => ({
      status: document.body.dataset.status,
      verdicts: Object.fromEntries(
        [...document.querySelectorAll('section[data-case]')].map((s) => [
          s.dataset.case,
          s.querySelector('.verdict')?.textContent ?? '',
        ]),
      ),
      summary: document.getElementById('summary')?.textContent ?? '',
      text: document.body.innerText,
    }));
    for (const [name, verdict] of Object.entries(EXPECTED)) {
      t.ok(
        `page shows "${name}: ${verdict}"`,
        page.verdicts[name] === `${name}: ${verdict}`,
        `shown: ${JSON.stringify(page.verdicts[name])}`,
      );
    }
    t.ok(
      'every case behaved as its manifest expects (body[data-status=passed])',
      page.status === 'passed',
      page.text,
    );
    console.log(`# ${page.summary}`);
    await tab.screenshot({ path: SCREENSHOT, fullPage: true });
  } finally {
    await opened?.close();
    await server.close();
  }
  t.ok('no console errors, page errors or failed requests', errors.length === 0, errors.join('\n'));
  t.ok(
    'nothing outside the page, its bundle and the six cases was requested',
    refused.length === 0,
    refused.join('\n'),
  );
  t.ok(
    'each evidence file was fetched by the page itself',
    requested.some((p) => p.endsWith('/token.cbor')) &&
      requested.some((p) => p.endsWith('/quote.bin')) &&
      requested.some((p) => p.endsWith('/report.bin')),
  );
  const png = checkPng(SCREENSHOT);
  t.ok(
    `screenshot ${SCREENSHOT.slice(REPO.length + 1)} is a non-blank PNG`,
    png.problem === undefined,
    png.problem,
  );
  if (png.problem === undefined) console.log(`# ${png.info}`);
  return t.finish('browser');
});
