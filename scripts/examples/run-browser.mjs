/* global process, console, document, Buffer, URL */
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
import { createServer } from 'node:http';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { inflateSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { REPO, TMP, assertBuilt, launch, tally } from './lib.mjs';

const CHROMIUM = process.env.ATTESTKIT_CHROMIUM ?? '/usr/bin/chromium';
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
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.pem': 'application/x-pem-file',
};
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

launch(async () => {
  assertBuilt();
  const t = tally();
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM} (apt-get install chromium, or set ATTESTKIT_CHROMIUM)`,
    );
  }
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
  const requested = [];
  const refused = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requested.push(path);
    let file;
    if (path === '/' || path === '/index.html') file = join(OUT, 'index.html');
    else if (path === '/app.js') file = join(OUT, 'app.js');
    else if (path.startsWith('/evidence/')) {
      const rel = normalize(path.slice('/evidence/'.length));
      const name = rel.split(sep)[0];
      if (!rel.startsWith('..') && name in EXPECTED) file = join(EVIDENCE, rel);
    }
    if (
      req.method !== 'GET' ||
      file === undefined ||
      !existsSync(file) ||
      !statSync(file).isFile()
    ) {
      refused.push(`${req.method} ${path}`);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;

  // ---- drive Chromium -------------------------------------------------------------------------
  const profile = mkdtempSync(join(TMP, 'chromium-profile-'));
  const errors = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1000, height: 760 },
      timeout: 30_000,
    });
    const tab = context.pages()[0] ?? (await context.newPage());
    tab.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
    });
    tab.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    tab.on('requestfailed', (r) =>
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
    );
    console.log(`# chromium ${context.browser()?.version() ?? ''} at ${origin}`);
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
    await context?.close();
    await new Promise((ok) => server.close(ok));
    rmSync(profile, { recursive: true, force: true });
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

/** A PNG (signature, IHDR size, IDAT) whose pixels are not one flat colour. */
function checkPng(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch {
    return { problem: `no screenshot at ${path}` };
  }
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) return { problem: 'not a PNG (bad signature)' };
  let width = 0;
  let height = 0;
  const idat = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  if (width === 0 || height === 0) return { problem: `screenshot is ${width}×${height}` };
  if (idat.length === 0) return { problem: 'no image data' };
  const distinct = new Set(inflateSync(Buffer.concat(idat))).size;
  if (distinct < 16) return { problem: `looks blank (${distinct} distinct byte values)` };
  return {
    info: `PNG ${width}×${height}, ${bytes.length} bytes, ${distinct} distinct byte values`,
  };
}
