/**
 * Verify attestation evidence with Deno, importing the built package — no npm resolution, no
 * network, read access to the evidence only:
 *
 *   npm run build
 *   npx deno run --no-npm --no-remote --no-config --no-lock \
 *     --import-map=examples/deno-import-map.json \
 *     --allow-read=examples/evidence examples/deno-verify.ts [examples/evidence/<case> …]
 *
 * The import map points `attestkit/*` at dist/ and its four dependencies at node_modules/ (in a
 * Deno project of your own, map them to wherever you vendor the package, or use `npm:attestkit`).
 * Without arguments it verifies the SYNTHETIC SNP, TDX and CCA demo evidence and their rejected
 * variants (test keys; each manifest pins its test root and fixes the time) and exits 0 only when
 * every case behaves as its manifest expects.
 */
import { verifySnpReport, type SnpPolicy, type SnpVerifyOptions } from 'attestkit/snp';
import { verifyTdxQuote, type TdxCollateral } from 'attestkit/tdx';
import { verifyCcaToken, type Check } from 'attestkit/cca';

/** The part of the Deno namespace used here (typed locally so `tsc` checks this file too). */
interface DenoLike {
  readonly args: readonly string[];
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  exit(code: number): never;
  readonly version: { readonly deno: string };
}
const Deno = (globalThis as unknown as { Deno: DenoLike }).Deno;

interface Manifest {
  readonly evidence: string;
  readonly type: string;
  readonly expectOk?: boolean;
  readonly now?: string;
  readonly vcek?: string;
  readonly chain?: string;
  readonly crl?: string;
  readonly requireCrl?: boolean;
  readonly rootPins?: unknown;
  readonly policy?: SnpPolicy;
  readonly collateral?: string;
  readonly platformKey?: string;
  readonly challenge?: string;
}

const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));

async function verify(
  dir: string,
  m: Manifest,
): Promise<{ ok: boolean; checks: readonly Check[] }> {
  const at = (name: string): string => `${dir}/${name}`;
  const now = m.now !== undefined ? new Date(m.now) : undefined;
  if (m.type === 'snp-report') {
    return verifySnpReport(
      {
        report: await Deno.readFile(at(m.evidence)),
        ...(m.vcek !== undefined ? { vcek: await Deno.readFile(at(m.vcek)) } : {}),
        ...(m.chain !== undefined ? { chain: await Deno.readTextFile(at(m.chain)) } : {}),
        ...(m.crl !== undefined ? { crl: await Deno.readFile(at(m.crl)) } : {}),
      },
      {
        ...(now !== undefined ? { now } : {}),
        ...(m.rootPins !== undefined
          ? { rootPins: m.rootPins as NonNullable<SnpVerifyOptions['rootPins']> }
          : {}),
        ...(m.requireCrl === true ? { requireCrl: true } : {}),
        ...(m.policy !== undefined ? { policy: m.policy } : {}),
      },
    );
  }
  if (m.type === 'tdx-quote') {
    const collateral = JSON.parse(await Deno.readTextFile(at(m.collateral ?? 'collateral.json')));
    return verifyTdxQuote(
      { quote: await Deno.readFile(at(m.evidence)), collateral: collateral as TdxCollateral },
      {
        ...(now !== undefined ? { now } : {}),
        ...(Array.isArray(m.rootPins) ? { rootPins: m.rootPins as string[] } : {}),
      },
    );
  }
  if (m.type === 'cca-token') {
    return verifyCcaToken(await Deno.readFile(at(m.evidence)), {
      ...(m.platformKey !== undefined
        ? { platformKey: await Deno.readTextFile(at(m.platformKey)) }
        : {}),
      ...(m.challenge !== undefined ? { policy: { challenge: fromHex(m.challenge) } } : {}),
    });
  }
  throw new Error(`${dir}: evidence type ${m.type} is not handled by this example`);
}

const cases =
  Deno.args.length > 0
    ? Deno.args
    : [
        'snp-synthetic',
        'snp-synthetic-tampered',
        'tdx-synthetic',
        'tdx-synthetic-debug-td',
        'cca-synthetic',
        'cca-synthetic-broken-binding',
      ].map((c) => `examples/evidence/${c}`);

console.log(`attestkit on Deno ${Deno.version.deno}`);
let unexpected = 0;
for (const dir of cases) {
  const m = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)) as Manifest;
  const r = await verify(dir, m);
  const expected = m.expectOk !== false;
  if (r.ok !== expected) unexpected++;
  const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  console.log(
    `${dir.split('/').pop()}: ${r.ok ? 'VERIFIED' : 'NOT VERIFIED'}` +
      `${r.ok === expected ? '' : ' (UNEXPECTED)'}${failed.length > 0 ? ` — failed: ${failed.join(', ')}` : ''}`,
  );
}
console.log(unexpected === 0 ? 'all cases as expected' : `${unexpected} case(s) unexpected`);
Deno.exit(unexpected === 0 ? 0 : 1);
