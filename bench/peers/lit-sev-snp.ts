/**
 * @lit-protocol/sev-snp-utils-sdk as a bench peer (issue 3).
 *
 * What the package is: a wasm-bindgen build of LIT-Protocol/sev-snp-utils-wasm (Rust, `sev`
 * crate) whose WASM is embedded as zlib-compressed base64 in `src/lib/sev-snp-utils-sdk.js`.
 * `verify_attestation_report(base64Report, vcekDer)` builds `Chain { ca: { ark, ask }, vcek }`
 * from the sev crate's BUILT-IN Milan ARK and ASK and checks ARK self-signature, ARK→ASK,
 * ASK→VCEK (RSA-PSS) and VCEK→report (ECDSA P-384). It never fetches during verification (the
 * KDS fetch code exists only for a VCEK, which we pass in). It resolves undefined on success and
 * rejects with a message on failure.
 *
 * Adaptations (nothing in node_modules is modified):
 * 1. `pako`: the SDK does `require("pako")` at load time and calls `pako.inflate` once to unpack
 *    its WASM, but pako is not among its declared dependencies (cross-fetch, tslib) and is not
 *    installed, so a plain import throws MODULE_NOT_FOUND. We evaluate the SDK's own file with
 *    `vm.compileFunction` (what Node's CJS loader does) and a `require` that answers "pako" with
 *    `{ inflate: zlib.inflateSync }` from node:zlib (same zlib format) and resolves everything
 *    else normally. `src/index.js` (a tslib re-export of that file) is bypassed.
 * 2. Input encoding: its API takes the report as base64 text; the bytes are encoded once.
 * 3. Product: the chain is Milan-only, so the genuine Genoa report (genoa-v2-oak) is rejected
 *    ("Signer certificate does not RSA sign signee certificate": the Genoa VCEK is not signed by
 *    the Milan ASK). The timed comparison therefore uses a Milan report that both verifiers accept
 *    (milan-v2-idblock-trustee), and the Genoa rejection is asserted and printed.
 * What it does not check (attestkit does): certificate validity dates, VCEK extensions (product,
 * TCB SPLs, hwID) against the report, TCB relations, guest policy (debug), CRL.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import { inflateSync } from 'node:zlib';
import { expectRejected, flipped, type Subject, type SubjectOptions } from './types.js';
import { SNP_TAMPER_OFFSET, snpCase } from './vectors.js';

export const LIT_PACKAGE = '@lit-protocol/sev-snp-utils-sdk';

export interface LitSdk {
  verify_attestation_report(reportBase64: string, vcekDer: Uint8Array): Promise<void>;
  initWasmSevSnpUtilsSdk(): Promise<unknown>;
}

/** Loads the SDK's own code with a node:zlib stand-in for its undeclared `pako` dependency. */
export async function loadLitSdk(root: string): Promise<LitSdk> {
  const file = createRequire(join(root, 'package.json')).resolve(
    `${LIT_PACKAGE}/src/lib/sev-snp-utils-sdk.js`,
  );
  const fileRequire = createRequire(file);
  const pako = { inflate: (data: Uint8Array): Uint8Array => new Uint8Array(inflateSync(data)) };
  const load = compileFunction(
    readFileSync(file, 'utf8'),
    ['exports', 'require', 'module', '__filename', '__dirname'],
    { filename: file },
  );
  const module = { exports: {} as Record<string, unknown> };
  load(
    module.exports,
    (id: string): unknown => (id === 'pako' ? pako : fileRequire(id)),
    module,
    file,
    dirname(file),
  );
  const sdk = module.exports as unknown as LitSdk;
  await sdk.initWasmSevSnpUtilsSdk();
  return sdk;
}

const base64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** The peer on the Milan report; `primaryRejection` shows it cannot verify the Genoa one. */
export async function openLitSevSnp(opts: SubjectOptions): Promise<Subject> {
  const sdk = await loadLitSdk(opts.root);
  const c = snpCase(opts.vectors, 'milan');
  const report = base64(c.report);
  const bad = base64(flipped(c.report, SNP_TAMPER_OFFSET));
  return {
    verify: () => sdk.verify_attestation_report(report, c.vcek),
    tampered: () => expectRejected(() => sdk.verify_attestation_report(bad, c.vcek), LIT_PACKAGE),
    primaryRejection: () => {
      const g = snpCase(opts.vectors, 'genoa');
      return expectRejected(
        () => sdk.verify_attestation_report(base64(g.report), g.vcek),
        `${LIT_PACKAGE} on the genuine Genoa report`,
      );
    },
  };
}
