/* global console, document, window */
/**
 * Conformance suite in headless Chromium (Debian's `chromium`, driven by playwright-core): a small
 * node:http server on 127.0.0.1 serves an HTML page with an import map (attestkit → /dist/…, its
 * dependencies → their ESM files) and exactly the files of the resolved module graph, the fixture
 * JSON included; anything else is a 404 that fails the run. The console output is the result;
 * a screenshot of the rendered report goes to .tmp/conformance/browser.png and must be a real PNG.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertChromium, checkPng, openTab, serveFiles, CHROMIUM } from '../lib/chromium.mjs';
import { REPO, TMP_DIR, importMap, launch, posixRelative, prepare, verdict } from './harness.mjs';

const SCREENSHOT = join(TMP_DIR, 'browser.png');
const RESULT_TIMEOUT_MS = 45_000;

launch(async () => {
  assertChromium();
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
  const server = await serveFiles((path) => (allowed.has(path) ? join(REPO, path) : undefined));
  const lines = [];
  let opened;
  let errors = [];
  try {
    opened = await openTab({
      tmpDir: TMP_DIR,
      viewport: { width: 1100, height: 700 },
      onLog: (line) => {
        lines.push(line);
        console.log(line);
      },
    });
    const { tab, version } = opened;
    errors = opened.errors;
    const origin = server.origin;
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
    await opened?.close();
    await server.close();
  }

  const png = checkPng(SCREENSHOT);
  if (png.problem !== undefined) errors.push(png.problem);
  else console.log(`# screenshot ${posixRelative(REPO, SCREENSHOT)}: ${png.info}`);
  errors.push(...server.refused.map((r) => `refused request ${r}`));
  for (const e of errors) console.error(`[conformance] browser: ${e}`);
  const code = verdict('chromium', lines.join('\n'), errors.length > 0 ? 1 : 0);
  return code;
});
