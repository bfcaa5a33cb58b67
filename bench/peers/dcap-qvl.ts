/**
 * @phala/dcap-qvl (pure JavaScript) and @phala/dcap-qvl-web (the Rust crate compiled to WASM
 * with wasm-bindgen) as bench peers (issue 6), on dcap-qvl's own sample quote and collateral.
 *
 * Both verify fully offline given a collateral object: `verify(quote, collateral, nowSecs)` in
 * the JS package (synchronous; root CA CRL, TCB-info and QE-identity chains and signatures, PCK
 * chain against both CRLs, QE report signature and hash, QE identity policy, quote signature,
 * FMSPC, TCB level matching, TD attributes) and `js_verify(quote, collateral, now: bigint)` in
 * the WASM package (the same steps in Rust). Each returns `{ status, advisory_ids, ... }` and
 * throws on failure. The collateral is their own QuoteCollateralV3 JSON, passed as parsed from
 * vectors/tdx/collateral/dcapqvl/tdx_quote_collateral.json (hex CRLs and signatures, PEM chains).
 * Neither touches the network in these calls (only getCollateral/js_get_collateral fetch, and
 * they are not used).
 *
 * Adaptations: the JS package takes `nowSecs` as a number, the WASM one as a bigint. The WASM
 * glue's default init fetches `dcap-qvl-web_bg.wasm` relative to `import.meta.url`, which Node's
 * fetch cannot do for file: URLs, so we call its exported `initSync({ module })` with the bytes of
 * the installed .wasm file instead. Nothing else is changed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expectRejected, flipped, type Subject, type SubjectOptions } from './types.js';
import { TDX_TAMPER_OFFSET, tdxCase } from './vectors.js';

interface VerifiedReport {
  readonly status: string;
  readonly advisory_ids: readonly string[];
}

interface DcapQvlJs {
  verify(quote: Uint8Array, collateral: unknown, nowSecs: number): VerifiedReport;
}

interface DcapQvlWeb {
  initSync(module: { module: BufferSource }): unknown;
  js_verify(quote: Uint8Array, collateral: unknown, now: bigint): VerifiedReport;
}

function expectUpToDate(r: VerifiedReport, who: string): void {
  if (r.status !== 'UpToDate') throw new Error(`${who}: unexpected status ${r.status}`);
}

export function openDcapQvl(opts: SubjectOptions): Subject {
  const qvl = createRequire(join(opts.root, 'package.json'))('@phala/dcap-qvl') as DcapQvlJs;
  const c = tdxCase(opts.vectors);
  const collateral: unknown = JSON.parse(c.collateralJson);
  const now = Math.floor(c.now.getTime() / 1000);
  const bad = flipped(c.quote, TDX_TAMPER_OFFSET);
  return {
    async verify() {
      expectUpToDate(qvl.verify(c.quote, collateral, now), '@phala/dcap-qvl');
    },
    tampered: () => expectRejected(() => qvl.verify(bad, collateral, now), '@phala/dcap-qvl'),
  };
}

export async function openDcapQvlWeb(opts: SubjectOptions): Promise<Subject> {
  const entry = createRequire(join(opts.root, 'package.json')).resolve('@phala/dcap-qvl-web');
  const web = (await import(pathToFileURL(entry).href)) as DcapQvlWeb;
  web.initSync({ module: readFileSync(entry.replace(/\.js$/, '_bg.wasm')) });
  const c = tdxCase(opts.vectors);
  const collateral: unknown = JSON.parse(c.collateralJson);
  const now = BigInt(Math.floor(c.now.getTime() / 1000));
  const bad = flipped(c.quote, TDX_TAMPER_OFFSET);
  return {
    async verify() {
      expectUpToDate(web.js_verify(c.quote, collateral, now), '@phala/dcap-qvl-web');
    },
    tampered: () =>
      expectRejected(() => web.js_verify(bad, collateral, now), '@phala/dcap-qvl-web'),
  };
}
