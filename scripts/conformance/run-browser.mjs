/* global process, console, document, window, Buffer, URL */
/**
 * Conformance suite in headless Chromium (Debian's `chromium`, driven by playwright-core): a small
 * node:http server on 127.0.0.1 serves an HTML page with an import map (attestkit → /dist/…, its
 * dependencies → their ESM files) and exactly the files of the resolved module graph, the fixture
 * JSON included; anything else is a 404 that fails the run. The console output is the result;
 * a screenshot of the rendered report goes to .tmp/conformance/browser.png and must be a real PNG.
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { REPO, TMP_DIR, importMap, launch, posixRelative, prepare, verdict } from './harness.mjs';

const CHROMIUM = process.env.ATTESTKIT_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = join(TMP_DIR, 'browser.png');
const RESULT_TIMEOUT_MS = 45_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

launch(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM} (apt-get install chromium, or set ATTESTKIT_CHROMIUM)`,
    );
  }
  const { dir, entry, graph } = await prepare('browser', () =>
    [
      `const pre = document.getElementById('report');`,
      `const result = await run((line) => {`,
      `  console.log(line);`,
      `  pre.textContent += line + '\\n';`,
      `});`,
      `document.body.dataset.status = result.failed > 0 ? 'failed' : 'passed';`,
      `globalThis.__attestkitConformance = { passed: result.passed, failed: result.failed, skipped: result.skipped };`,
    ].join('\n'),
  );
  const page = join(dir, 'index.html');
  const entryUrl = `/${posixRelative(REPO, entry).replace(/^\.\//, '')}`;
  const map = importMap(graph, (p) => `/${p}`);
  writeFileSync(
    page,
    [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>attestkit conformance</title>',
      '<link rel="icon" href="data:,">',
      `<script type="importmap">${JSON.stringify(map)}</script>`,
      '<style>body{font:13px/1.4 monospace;margin:16px;background:#fff;color:#111}',
      'body[data-status=passed] h1{color:#060}body[data-status=failed] h1{color:#a00}</style>',
      '</head><body><h1>attestkit conformance · Chromium</h1><pre id="report"></pre>',
      `<script type="module" src="${entryUrl}"></script>`,
      '</body></html>',
    ].join('\n'),
  );

  // Only the resolved graph and the page are served: a request for anything else is a failure.
  const allowed = new Set(
    [...graph.files, posixRelative(REPO, page).replace(/^\.\//, '')].map((p) => `/${p}`),
  );
  const refused = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (req.method !== 'GET' || !allowed.has(path)) {
      refused.push(`${req.method} ${path}`);
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(join(REPO, path));
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const profile = mkdtempSync(join(TMP_DIR, 'chromium-profile-'));
  let context;
  const lines = [];
  const errors = [];
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 700 },
      timeout: 30_000,
    });
    const tab = context.pages()[0] ?? (await context.newPage());
    tab.on('console', (msg) => {
      if (msg.type() === 'log') {
        lines.push(msg.text());
        console.log(msg.text());
      } else if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
    });
    tab.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    tab.on('requestfailed', (r) =>
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
    );
    tab.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    const version = context.browser()?.version() ?? 'unknown';
    console.log(`# chromium ${version} (${CHROMIUM}) at ${origin}`);
    await tab.goto(`${origin}/${posixRelative(REPO, page).replace(/^\.\//, '')}`);
    try {
      await tab.waitForFunction(() => window.__attestkitConformance !== undefined, undefined, {
        timeout: RESULT_TIMEOUT_MS,
      });
    } catch (e) {
      errors.push(`the suite did not finish: ${e.message.split('\n')[0]}`);
    }
    const reported = await tab.evaluate(() => window.__attestkitConformance);
    const shown = await tab.evaluate(() => document.getElementById('report').textContent);
    if (reported !== undefined && shown.trim().split('\n').at(-1) !== lines.at(-1)) {
      errors.push('the rendered report and the console output disagree');
    }
    await tab.screenshot({ path: SCREENSHOT, fullPage: true });
  } finally {
    await context?.close();
    await new Promise((ok) => server.close(ok));
    rmSync(profile, { recursive: true, force: true });
  }

  errors.push(...checkPng(SCREENSHOT));
  errors.push(...refused.map((r) => `refused request ${r}`));
  for (const e of errors) console.error(`[conformance] browser: ${e}`);
  const code = verdict('chromium', lines.join('\n'), errors.length > 0 ? 1 : 0);
  return code;
});

/**
 * Problems with the screenshot: it must be a PNG (signature, IHDR with a non-zero size, IDAT)
 * whose pixels are not one flat colour (a blank page inflates to a handful of byte values).
 */
function checkPng(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch {
    return [`no screenshot at ${path}`];
  }
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b))
    return ['screenshot is not a PNG (bad signature)'];
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
  if (width === 0 || height === 0) return [`screenshot is ${width}×${height}`];
  if (idat.length === 0) return ['screenshot PNG has no image data'];
  const pixels = inflateSync(Buffer.concat(idat));
  const distinct = new Set(pixels).size;
  if (distinct < 16) return [`screenshot looks blank (${distinct} distinct byte values)`];
  console.log(
    `# screenshot ${posixRelative(REPO, path)}: PNG ${width}×${height}, ${bytes.length} bytes, ${distinct} distinct byte values`,
  );
  return [];
}
