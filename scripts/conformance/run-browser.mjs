/* global console, document, window */
/**
 * Conformance suite in headless Chromium (Debian's `chromium`, driven by playwright-core): a small
 * node:http server on 127.0.0.1 serves an HTML page with an import map (attestkit → /dist/…, its
 * dependencies → their ESM files) and exactly the files of the resolved module graph, the fixture
 * JSON included; anything else is a 404 that fails the run. The console output is the result;
 * a screenshot of the rendered report goes to .tmp/conformance/browser.png and must be a real PNG.
 * The suite runs twice: on a plain page, where attestkit's WebAssembly SHA module must load, and
 * on a page whose Content-Security-Policy lacks 'wasm-unsafe-eval', where WebAssembly must be
 * refused and every case must still pass on the `@noble/hashes` fallback.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertChromium, checkPng, openTab, serveFiles, CHROMIUM } from '../lib/chromium.mjs';
import { REPO, TMP_DIR, importMap, launch, posixRelative, prepare, verdict } from './harness.mjs';

const RESULT_TIMEOUT_MS = 45_000;

launch(async () => {
  assertChromium();
  const { dir, entry, graph } = await prepare('browser', () =>
    [
      `const pre = document.getElementById('report');`,
      // Whether this page lets WebAssembly compile (the CSP variant must refuse it).
      `let wasm = 'available';`,
      `try { new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])); } catch { wasm = 'refused'; }`,
      `console.log('# WebAssembly ' + wasm);`,
      `pre.textContent += '# WebAssembly ' + wasm + '\\n';`,
      `const result = await run((line) => {`,
      `  console.log(line);`,
      `  pre.textContent += line + '\\n';`,
      `});`,
      `document.body.dataset.status = result.failed > 0 ? 'failed' : 'passed';`,
      `globalThis.__attestkitConformance = { passed: result.passed, failed: result.failed, skipped: result.skipped };`,
    ].join('\n'),
  );
  const pages = [false, true];
  let code = 0;
  for (const csp of pages) code = Math.max(code, await runPage(dir, entry, graph, csp));
  return code;
});

/** Serves the page (with or without the CSP) and runs the suite in a fresh tab. */
async function runPage(dir, entry, graph, csp) {
  const label = csp ? 'chromium (CSP without wasm-unsafe-eval)' : 'chromium';
  const screenshot = join(TMP_DIR, csp ? 'browser-csp.png' : 'browser.png');
  const page = join(dir, csp ? 'index-csp.html' : 'index.html');
  const entryUrl = `/${posixRelative(REPO, entry).replace(/^\.\//, '')}`;
  const map = importMap(graph, (p) => `/${p}`);
  writeFileSync(
    page,
    [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>attestkit conformance</title>',
      '<link rel="icon" href="data:,">',
      // The inline import map needs 'unsafe-inline'; WebAssembly would need 'wasm-unsafe-eval'.
      ...(csp
        ? [
            `<meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'">`,
          ]
        : []),
      `<script type="importmap">${JSON.stringify(map)}</script>`,
      '<style>body{font:13px/1.4 monospace;margin:16px;background:#fff;color:#111}',
      'body[data-status=passed] h1{color:#060}body[data-status=failed] h1{color:#a00}</style>',
      `</head><body><h1>attestkit conformance · Chromium${csp ? ' · CSP without wasm-unsafe-eval' : ''}</h1><pre id="report"></pre>`,
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
    await tab.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await opened?.close();
    await server.close();
  }

  const png = checkPng(screenshot);
  if (png.problem !== undefined) errors.push(png.problem);
  else console.log(`# screenshot ${posixRelative(REPO, screenshot)}: ${png.info}`);
  errors.push(...server.refused.map((r) => `refused request ${r}`));
  const wasmLine = `# WebAssembly ${csp ? 'refused' : 'available'}`;
  if (!lines.includes(wasmLine)) errors.push(`expected "${wasmLine}" on this page`);
  for (const e of errors) console.error(`[conformance] ${label}: ${e}`);
  return verdict(label, lines.join('\n'), errors.length > 0 ? 1 : 0);
}
