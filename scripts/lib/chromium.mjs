/* global process, Buffer, URL */
/**
 * What the conformance suite and the browser example share to run a page in headless Chromium
 * (Debian's `chromium`, driven by playwright-core): the launch recipe, a loopback static server
 * that refuses (and records) every request it was not told to serve, a page whose console errors,
 * page errors and failed requests are collected, and the screenshot check. Node-only tooling.
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

/** The Chromium binary (`ATTESTKIT_CHROMIUM` overrides Debian's path). */
export const CHROMIUM = process.env.ATTESTKIT_CHROMIUM ?? '/usr/bin/chromium';

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

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.pem': 'application/x-pem-file',
};

/** Throws a helpful error when there is no Chromium to drive. */
export function assertChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM} (apt-get install chromium, or set ATTESTKIT_CHROMIUM)`,
    );
  }
}

/**
 * Serves files on 127.0.0.1: `fileFor(path)` maps a decoded URL path to a file to send, or
 * undefined; anything else (or a non-GET) is a 404 recorded in `refused`.
 *
 * @returns {Promise<{ origin: string, requested: string[], refused: string[], close(): Promise<void> }>}
 */
export async function serveFiles(fileFor) {
  const requested = [];
  const refused = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requested.push(path);
    const file = req.method === 'GET' ? fileFor(path) : undefined;
    if (file === undefined) {
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
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requested,
    refused,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Launches Chromium with a throw-away profile under `tmpDir` and opens one tab whose console
 * errors, page errors, failed requests and HTTP error responses are collected in `errors`;
 * `onLog` receives console.log lines.
 *
 * @returns {Promise<{ tab: import('playwright-core').Page, version: string, errors: string[], close(): Promise<void> }>}
 */
export async function openTab({ tmpDir, viewport, onLog }) {
  const profile = mkdtempSync(join(tmpDir, 'chromium-profile-'));
  const errors = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport,
      timeout: 30_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const tab = context.pages()[0] ?? (await context.newPage());
  tab.on('console', (msg) => {
    if (msg.type() === 'log') onLog?.(msg.text());
    else if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
  });
  tab.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  tab.on('requestfailed', (r) =>
    errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
  );
  tab.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return {
    tab,
    version: context.browser()?.version() ?? 'unknown',
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Checks a screenshot: a PNG (signature, IHDR with a non-zero size, IDAT) whose pixels are not
 * one flat colour (a blank page inflates to a handful of byte values).
 *
 * @returns {{ problem?: string, info?: string }}
 */
export function checkPng(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch {
    return { problem: `no screenshot at ${path}` };
  }
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) return { problem: 'screenshot is not a PNG' };
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
  if (idat.length === 0) return { problem: 'screenshot PNG has no image data' };
  const distinct = new Set(inflateSync(Buffer.concat(idat))).size;
  if (distinct < 16)
    return { problem: `screenshot looks blank (${distinct} distinct byte values)` };
  return {
    info: `PNG ${width}×${height}, ${bytes.length} bytes, ${distinct} distinct byte values`,
  };
}
