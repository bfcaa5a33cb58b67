/**
 * Intel TDX (DCAP) benchmark: verifyTdxQuote cold and warm (cached chains and collateral) on a
 * real quote with its real collateral, against the floor — the two P-256 verifies every
 * verification must do (quote signature, QE report signature) — and the peers @phala/dcap-qvl and
 * @phala/dcap-qvl-web when they are installed (they are not dependencies; loaded dynamically).
 * Also reports the min+gzip size of a bundle that only imports verifyTdxQuote.
 */
import { webcrypto } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchCase, BenchSuite } from './harness.js';
import { verifyTdxQuote } from '../src/tdx/index.js';
import { parseTdxQuote } from '../src/tdx/parse.js';
import { tdxCollateralFromDcapQvl } from '../src/tdx/collateral.js';
import { parseCertificates } from '../src/core/x509.js';
import { createCache } from '../src/core/cache.js';
import type { TdxCollateral } from '../src/tdx/types.js';

const subtle = webcrypto.subtle;
const here = dirname(fileURLToPath(import.meta.url));
const vectors = process.env.ATTESTKIT_VECTORS ?? resolve(here, '../../shared/vectors');
const NOW = new Date('2025-07-04T10:16:31Z'); // suggested time of the dcap-qvl sample collateral

let quote: Uint8Array;
let collateral: TdxCollateral;
let dcapQvlCollateral: unknown;
const cache = createCache({ maxEntries: 200 });
let floorKeys: {
  ak: CryptoKey;
  pck: CryptoKey;
  signed: Uint8Array;
  sig: Uint8Array;
  qe: Uint8Array;
  qeSig: Uint8Array;
};
const cases: BenchCase[] = [];
const targets: string[] = [
  'warm ≤ 1.3× floor; warm ≥ 10× faster than each peer',
  'bundle (verifyTdxQuote only) ≤ 60 KB min+gzip',
];

async function bundleSize(external: string[] = []): Promise<string> {
  try {
    const { build } = await import('esbuild');
    const out = await build({
      external,
      stdin: {
        contents: "export { verifyTdxQuote } from './src/tdx/index.ts';",
        resolveDir: resolve(here, '..'),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.contents;
    const gz = gzipSync(code, { level: 9 }).length;
    return `${(code.length / 1024).toFixed(1)} KB min, ${(gz / 1024).toFixed(1)} KB min+gzip`;
  } catch (e) {
    return `not measured (${(e as Error).message})`;
  }
}

interface Shipped {
  verifyTdxQuote: typeof verifyTdxQuote;
  createCache: typeof createCache;
}

/** Bundles src/tdx + createCache with esbuild (as tsup does for dist/) and imports the result. */
async function shippedBuild(): Promise<Shipped | undefined> {
  try {
    const { build } = await import('esbuild');
    const out = await build({
      stdin: {
        contents:
          "export { verifyTdxQuote } from './src/tdx/index.ts'; export { createCache } from './src/core/cache.ts';",
        resolveDir: resolve(here, '..'),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'attestkit-bench-')), 'tdx.mjs');
    writeFileSync(file, out.outputFiles[0]!.contents);
    return (await import(pathToFileURL(file).href)) as Shipped;
  } catch {
    return undefined;
  }
}

type PeerModule = Record<string, unknown>;

async function loadPeer(name: string): Promise<PeerModule | undefined> {
  try {
    return (await import(name)) as PeerModule;
  } catch {
    return undefined;
  }
}

function peerCase(name: string, mod: PeerModule): BenchCase | string {
  // dcap-qvl's wasm bindings export js_verify(quote, collateral, now_seconds).
  const fn = (mod.js_verify ?? mod.verify ?? (mod.default as PeerModule | undefined)?.js_verify) as
    ((q: Uint8Array, c: unknown, now: bigint) => unknown) | undefined;
  if (typeof fn !== 'function') return `${name}: installed, but no js_verify/verify export found`;
  const now = BigInt(Math.floor(NOW.getTime() / 1000));
  return { name: `${name} verify`, peer: true, fn: () => fn(quote, dcapQvlCollateral, now) };
}

export const suite: BenchSuite = {
  name: 'Intel TDX DCAP: verifyTdxQuote (dcap-qvl sample v4 quote + collateral)',
  async setup() {
    const qPath = join(vectors, 'tdx/dcapqvl-v4/quote.bin');
    const cPath = join(vectors, 'tdx/collateral/dcapqvl/tdx_quote_collateral.json');
    if (!existsSync(qPath) || !existsSync(cPath)) return `no vectors at ${vectors}`;
    quote = new Uint8Array(readFileSync(qPath));
    const text = readFileSync(cPath, 'utf8');
    collateral = tdxCollateralFromDcapQvl(text);
    dcapQvlCollateral = JSON.parse(text);
    const q = parseTdxQuote(quote);
    const leaf = parseCertificates(
      new TextDecoder().decode(q.certificationData.pckCertChain.data),
    )[0]!;
    const jwk = (x: Uint8Array, y: Uint8Array): JsonWebKey => ({
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(x).toString('base64url'),
      y: Buffer.from(y).toString('base64url'),
    });
    const imp = (k: JsonWebKey) =>
      subtle.importKey('jwk', k, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    if (leaf.publicKey.kind !== 'ec') return 'unexpected PCK key';
    floorKeys = {
      ak: await imp(jwk(q.attestationKey.subarray(0, 32), q.attestationKey.subarray(32))),
      pck: await imp(jwk(leaf.publicKey.x, leaf.publicKey.y)),
      signed: q.signedRegion,
      sig: q.signature,
      qe: q.certificationData.qeReportRaw,
      qeSig: q.certificationData.qeReportSignature,
    };
    const check = await verifyTdxQuote({ quote, collateral }, { now: NOW });
    if (check.tcbStatus !== 'UpToDate') return `unexpected result ${check.tcbStatus}`;
    await verifyTdxQuote({ quote, collateral }, { now: NOW, cache });
    // Measure the library as it ships: esbuild output without tsx's per-closure __name helpers
    // (tsup builds dist/ the same way). The tsx-loaded source is measured beside it.
    const shipped = await shippedBuild();
    const shippedCache = shipped?.createCache({ maxEntries: 200 });
    if (shipped !== undefined && shippedCache !== undefined) {
      await shipped.verifyTdxQuote({ quote, collateral }, { now: NOW, cache: shippedCache });
      cases.push(
        {
          name: 'verifyTdxQuote cold (no cache)',
          fn: () => shipped.verifyTdxQuote({ quote, collateral }, { now: NOW }),
        },
        {
          name: 'verifyTdxQuote warm (cache: chains, collateral, keys)',
          fn: () =>
            shipped.verifyTdxQuote({ quote, collateral }, { now: NOW, cache: shippedCache }),
        },
      );
    } else console.log('  (esbuild unavailable: only the tsx-loaded source is measured)');
    cases.push(
      {
        name: 'verifyTdxQuote warm, source under tsx (keepNames helpers)',
        fn: () => verifyTdxQuote({ quote, collateral }, { now: NOW, cache }),
      },
      { name: 'parseTdxQuote', fn: () => parseTdxQuote(quote) },
    );
    for (const name of ['@phala/dcap-qvl', '@phala/dcap-qvl-web']) {
      const mod = await loadPeer(name);
      if (mod === undefined) {
        console.log(`  peer: ${name} — peer not installed`);
        continue;
      }
      const c = peerCase(name, mod);
      if (typeof c === 'string') console.log(`  peer: ${c}`);
      else cases.push(c);
    }
    console.log(
      `  bundle: verifyTdxQuote only — ${await bundleSize()} (esbuild --bundle --minify --format=esm --platform=neutral --main-fields=module,main, gzip -9)`,
    );
    // core/crypto.ts lazily imports @noble/curves as its no-WebCrypto fallback; esbuild without
    // --splitting inlines that dynamic import, so it counts although it never loads with WebCrypto.
    console.log(
      `  bundle: same, @noble/curves (core's lazy ECDSA fallback) external — ${await bundleSize(['@noble/curves/*'])}`,
    );
  },
  floor: {
    name: 'two P-256/SHA-256 verifies (quote + QE report), WebCrypto',
    fn: async () => {
      const k = floorKeys;
      await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k.ak, k.sig, k.signed);
      await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k.pck, k.qeSig, k.qe);
    },
  },
  cases,
  targets,
};
