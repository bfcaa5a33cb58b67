/**
 * Intel TDX (DCAP) bench (issue 6): verifyTdxQuote cold and warm (cached chains and collateral)
 * on dcap-qvl's real sample v4 quote with its own collateral (vectors/tdx/dcapqvl-v4 and
 * vectors/tdx/collateral/dcapqvl/tdx_quote_collateral.json), against the floor — the two P-256
 * verifies every verification must do (quote signature, QE report signature) — and the peers
 * @phala/dcap-qvl (pure JS) and @phala/dcap-qvl-web (Rust → WASM) on the same quote and
 * collateral in the same run (bench/peers/dcap-qvl.ts says exactly how they are called offline).
 *
 * Every subject is checked once in setup: it accepts the quote (UpToDate) and rejects a copy with
 * REPORT_DATA[0] flipped, so each timed call is a real verification. attestkit and the peers are
 * loaded from one esbuild bundle (the shipped code); cold starts are fresh `node` processes. Also
 * reports the min+gzip size of a bundle that only imports verifyTdxQuote.
 */
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCache } from '../src/core/cache.js';
import { parseCertificates } from '../src/core/x509.js';
import { tdxCollateralFromDcapQvl } from '../src/tdx/collateral.js';
import { verifyTdxQuote } from '../src/tdx/index.js';
import { parseTdxQuote } from '../src/tdx/parse.js';
import type { TdxCollateral } from '../src/tdx/types.js';
import type { BenchCase, BenchComparison, BenchSuite } from './harness.js';
import { buildBundle, coldStart, type Bundle, type ColdStart } from './peers/cold-start.js';
import { fmtMs, times } from './peers/record.js';
import type { Subject, SubjectName, SubjectOptions } from './peers/types.js';
import { tdxCase, type TdxCase } from './peers/vectors.js';

const subtle = webcrypto.subtle;
const ROOT = resolve(import.meta.dirname, '..');
const VECTORS = process.env.ATTESTKIT_VECTORS
  ? resolve(process.env.ATTESTKIT_VECTORS)
  : resolve(ROOT, '../shared/vectors');
const OPTS: SubjectOptions = { root: ROOT, vectors: VECTORS };
const PEERS = [
  { name: 'dcap-qvl', pkg: '@phala/dcap-qvl', call: 'verify (JS)' },
  { name: 'dcap-qvl-web', pkg: '@phala/dcap-qvl-web', call: 'js_verify (WASM)' },
] as const;

let c: TdxCase;
let collateral: TdxCollateral;
const sourceCache = createCache({ maxEntries: 200 });
let bundle: Bundle | undefined;
/** The cases the targets are stated on, by role or peer name (filled in setup). */
const named = new Map<string, BenchCase>();
const keep = (key: string, c: BenchCase): BenchCase => (named.set(key, c), c);
const cases: BenchCase[] = [];
const cold: ColdStart[] = [];
const measuredPeers: string[] = [];
let floorKeys: {
  ak: CryptoKey;
  pck: CryptoKey;
  signed: Uint8Array;
  sig: Uint8Array;
  qe: Uint8Array;
  qeSig: Uint8Array;
};

async function bundleSize(external: string[] = []): Promise<string> {
  try {
    const { build } = await import('esbuild');
    const out = await build({
      external,
      stdin: {
        contents: "export { verifyTdxQuote } from './src/tdx/index.ts';",
        resolveDir: ROOT,
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

async function open(name: SubjectName, cache: boolean): Promise<Subject> {
  return bundle!.subjects.openSubject(name, { ...OPTS, cache });
}

const short = (s: string): string => (s.length > 110 ? `${s.slice(0, 107)}...` : s);

/** Asserts the subject accepts the quote and rejects the tampered copy; prints the reason. */
async function checked(label: string, s: Subject): Promise<Subject> {
  await s.verify();
  const reason = await s.tampered();
  console.log(
    `  ${label}: accepts the quote (UpToDate); rejects REPORT_DATA[0] flipped (${short(reason)})`,
  );
  return s;
}

const FLOOR: BenchCase = {
  name: 'two P-256/SHA-256 verifies (quote + QE report), WebCrypto',
  fn: async () => {
    const k = floorKeys;
    await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k.ak, k.sig, k.signed);
    await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, k.pck, k.qeSig, k.qe);
  },
};

export const suite: BenchSuite = {
  name: 'Intel TDX DCAP: verifyTdxQuote (dcap-qvl sample v4 quote + its collateral)',
  async setup() {
    if (
      !existsSync(join(VECTORS, 'tdx/dcapqvl-v4/quote.bin')) ||
      !existsSync(join(VECTORS, 'tdx/collateral/dcapqvl/tdx_quote_collateral.json'))
    )
      return `no vectors at ${VECTORS}`;
    c = tdxCase(VECTORS);
    collateral = tdxCollateralFromDcapQvl(c.collateralJson);
    const q = parseTdxQuote(c.quote);
    const leaf = parseCertificates(
      new TextDecoder().decode(q.certificationData.pckCertChain.data),
    )[0]!;
    const jwk = (x: Uint8Array, y: Uint8Array): JsonWebKey => ({
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(x).toString('base64url'),
      y: Buffer.from(y).toString('base64url'),
    });
    const imp = (k: JsonWebKey): Promise<CryptoKey> =>
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
    const src = await verifyTdxQuote(
      { quote: c.quote, collateral },
      { now: c.now, cache: sourceCache },
    );
    if (!src.ok || src.tcbStatus !== 'UpToDate') return `unexpected result ${src.tcbStatus}`;

    try {
      bundle = await buildBundle();
    } catch (e) {
      return `cannot bundle the subjects with esbuild: ${(e as Error).message}`;
    }
    const akCold = await checked('attestkit', await open('attestkit-tdx', false));
    const akWarm = await open('attestkit-tdx', true);
    await akWarm.verify();
    cases.push(
      keep('cold', {
        name: 'verifyTdxQuote cold (no cache)',
        fn: () => akCold.verify(),
      }),
      keep('warm', {
        name: 'verifyTdxQuote warm (cache: chains, collateral, keys)',
        fn: () => akWarm.verify(),
      }),
      {
        name: 'verifyTdxQuote warm, source under tsx (keepNames helpers)',
        fn: () =>
          verifyTdxQuote({ quote: c.quote, collateral }, { now: c.now, cache: sourceCache }),
      },
      { name: 'parseTdxQuote', fn: () => parseTdxQuote(c.quote) },
    );
    for (const p of PEERS) {
      try {
        const s = await checked(p.pkg, await open(p.name, false));
        measuredPeers.push(p.name);
        cases.push(
          keep(p.name, {
            name: `${p.pkg} ${p.call} (no cache API)`,
            peer: true,
            fn: () => s.verify(),
          }),
        );
      } catch (e) {
        console.log(`  ${p.pkg}: not measured: ${(e as Error).message}`);
      }
    }
    console.log(
      `  bundle: verifyTdxQuote only — ${await bundleSize()} (esbuild --bundle --minify --format=esm --platform=neutral --main-fields=module,main, gzip -9)`,
    );
    // core/crypto.ts lazily imports @noble/curves as its no-WebCrypto fallback; esbuild without
    // --splitting inlines that dynamic import, so it counts although it never loads with WebCrypto.
    console.log(
      `  bundle: same, @noble/curves (core's lazy ECDSA fallback) external — ${await bundleSize(['@noble/curves/*'])}`,
    );
    for (const n of ['attestkit-tdx', ...measuredPeers] as SubjectName[])
      cold.push(coldStart(bundle, n, OPTS));
  },
  floor: FLOOR,
  cases,
  targets: [
    'warm ≤ 1.3× floor; warm ≥ 10× faster than each peer',
    'bundle (verifyTdxQuote only) ≤ 60 KB min+gzip',
  ],
  get comparisons(): readonly BenchComparison[] {
    const warm = named.get('warm');
    const coldCase = named.get('cold');
    if (warm === undefined || coldCase === undefined) return [];
    const out: BenchComparison[] = [
      {
        label: 'attestkit warm / floor',
        numerator: warm,
        denominator: FLOOR,
        target: { max: 1.3 },
      },
    ];
    for (const p of PEERS) {
      const peer = named.get(p.name);
      if (peer === undefined) continue;
      out.push(
        {
          label: `${p.pkg} / attestkit warm`,
          numerator: peer,
          denominator: warm,
          target: { min: 10 },
        },
        { label: `${p.pkg} / attestkit cold`, numerator: peer, denominator: coldCase },
      );
    }
    return out;
  },
  async teardown() {
    console.log(
      '  cold start, fresh node process per run: open (load, init, decode inputs) + first verify; medians of 5 runs:',
    );
    const ak = cold.find((x) => x.name === 'attestkit-tdx');
    for (const x of cold) {
      const vs =
        x.name !== 'attestkit-tdx' && ak !== undefined
          ? `  (${times(x.totalMs / ak.totalMs)} attestkit's)`
          : '';
      console.log(
        `    ${x.name.padEnd(14)} ${fmtMs(x.totalMs).padStart(9)}  (open ${fmtMs(x.openMs)}, first verify ${fmtMs(x.firstVerifyMs)})${vs}`,
      );
    }
    bundle?.dispose();
  },
};
