/**
 * @tinfoilsh/verifier 1.1.0 (issue 3's first SNP peer) as a bench subject, run fully offline on the
 * genuine Genoa report the attestkit bench verifies (vectors/snp/genoa-v2-oak: report.bin +
 * vcek.der, read in place).
 *
 * How the package verifies an SNP report (dist/attestation.js `verifySevReport`, dist/sev/*):
 * 1. `new Report(bytes)` (sev/report.js): parses the 1184-byte report, rejecting non-zero reserved
 *    bits/bytes, policy bit 17 clear, a non-VCEK signer and versions < 2 (a v2 report is taken as
 *    Genoa).
 * 2. `CertificateChain.fromReport(report, vcekDer)` (sev/cert-chain.js): Genoa only; ARK and ASK
 *    are BUILT IN (sev/certs.js), the VCEK is the caller's DER.
 * 3. `verifyAttestation(chain, report)` (sev/verify.js): `chain.verifyChain()` (X.509 v3, AMD
 *    subject/issuer names, CNs ARK-Genoa/SEV-Genoa/SEV-VCEK, VCEK RSASSA-PSS + P-384 key + hwID,
 *    no cspId, productName "Genoa"; ARK/ASK/VCEK validity at the WALL CLOCK `new Date()`; ARK
 *    self-signature, ARK→ASK, ASK→VCEK RSA-PSS through WebCrypto, keys imported on every call),
 *    then the report's ECDSA P-384/SHA-384 signature with the VCEK key.
 * 4. `validateReport(report, chain, defaultValidationOptions)` (sev/validation.js): guest policy
 *    (no debug, no migration agent...), firmware build ≥ 21 and version ≥ 1.55, current/committed/
 *    reported/launch TCB ≥ a fixed minimum, VCEK TCB extensions = reported TCB, chip ID = VCEK
 *    hwID, platform info, committed = current (no provisional firmware).
 * Nothing in that path touches the network: the VCEK is an argument and KDS is fetched only by
 * `assembleAttestationBundle` (bundle.js), which the bench does not call. So no fetch is faked.
 *
 * Adaptations (nothing in node_modules is modified):
 * 1. Entry point. The public `verifyAttestation({ format: SevGuestV2, body }, vcekBase64)` wants
 *    base64(gzip(report)) and always applies `defaultValidationOptions`, whose values are
 *    Tinfoil's own fleet minimums: it REJECTS the genuine Genoa report ("Current TCB ...
 *    microcode=62 does not meet minimum ... microcode=72", after the chain and signature passed;
 *    `primaryRejection` shows it). The package's `exports` map exposes only that entry, so the
 *    adapter imports dist/sev/{report,cert-chain,verify,validation}.js by file URL and runs steps
 *    1-4 exactly as `verifySevReport` does, minus base64 and gzip (which would only add time).
 * 2. Options. `validateReport` gets `defaultValidationOptions` with two values relaxed to what
 *    this report carries: minimum current/launch TCB microcode 0x48 → 0x3e (bootloader 7, TEE 0,
 *    SNP 14 unchanged), and platform info TSME no longer required (the report has it off). Every
 *    other default stays.
 * 3. Roots. Its built-in ARK/ASK are checked in `openTinfoil` to be byte-identical (PEM body) to
 *    vectors/snp/roots/ask_ark_genoa.pem, so both verifiers use the same chain.
 * 4. Time. It reads `new Date()` (no `now` option); the Genoa VCEK is valid until 2031-06-25,
 *    the ARK/ASK until 2047, so it verifies today; on a later clock it rejects and setup says so.
 * What it does not do that attestkit does: take the caller's ASK/ARK or a fixed time, Milan/Turin
 * or VLEK reports, CRLs, any caching (every call re-parses ARK/ASK/VCEK and re-imports keys).
 * Milan: `fromReport` rejects any non-Genoa report, so only the Genoa case is timed.
 *
 * Cold starts: the bench's shared bundle (cold-start.ts) has no slot for this subject, so
 * `buildTinfoilBundle` bundles this adapter alone the same way (esbuild, ESM, node20) and its child
 * mode measures the same two phases as cold-child.ts: open (load the package, read inputs), then
 * the first verification, in a fresh `node` process per run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expectRejected, flipped, type Subject, type SubjectOptions } from './types.js';
import { SNP_TAMPER_OFFSET, snpCase } from './vectors.js';

export const TINFOIL_PACKAGE = '@tinfoilsh/verifier';

interface TcbParts {
  readonly blSpl: number;
  readonly teeSpl: number;
  readonly snpSpl: number;
  readonly ucodeSpl: number;
}
interface ValidationOptions {
  readonly minimumTcb: TcbParts;
  readonly minimumLaunchTcb: TcbParts;
  readonly platformInfo: Readonly<Record<string, boolean>>;
}
type TinfoilReport = object;
type TinfoilChain = object;

/** The four dist/sev modules the adapter drives (the package's .d.ts, narrowed). */
interface TinfoilSev {
  readonly Report: new (data: Uint8Array) => TinfoilReport;
  readonly CertificateChain: {
    fromReport(report: TinfoilReport, vcekDer: Uint8Array): Promise<TinfoilChain>;
  };
  verifyAttestation(chain: TinfoilChain, report: TinfoilReport): Promise<boolean>;
  validateReport(report: TinfoilReport, chain: TinfoilChain, options: ValidationOptions): void;
  readonly defaultValidationOptions: ValidationOptions;
  readonly ARK_CERT: string;
  readonly ASK_CERT: string;
}

/** The package's public entry (index.js). */
interface TinfoilPublic {
  verifyAttestation(doc: { format: string; body: string }, vcekBase64: string): Promise<unknown>;
  readonly PredicateType: { readonly SevGuestV2: string };
}

/** dist/ of the installed package, or undefined when it is not installed. */
function distDir(root: string): string | undefined {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve(TINFOIL_PACKAGE));
  } catch {
    return undefined;
  }
}

/** Why the peer cannot be measured, or undefined when it is installed. */
export function tinfoilUnavailable(root: string): string | undefined {
  return distDir(root) === undefined
    ? `${TINFOIL_PACKAGE} is not installed (npm install needs an override pinning ` +
        '@freedomofpress/sigstore-browser to 0.1.11: 0.1.14 wants an unpublished tuf-browser)'
    : undefined;
}

async function load<T>(dist: string, file: string): Promise<T> {
  return (await import(pathToFileURL(join(dist, file)).href)) as T;
}

async function loadSev(dist: string): Promise<TinfoilSev> {
  const [report, chain, verify, validation, certs] = await Promise.all([
    load<Pick<TinfoilSev, 'Report'>>(dist, 'sev/report.js'),
    load<Pick<TinfoilSev, 'CertificateChain'>>(dist, 'sev/cert-chain.js'),
    load<Pick<TinfoilSev, 'verifyAttestation'>>(dist, 'sev/verify.js'),
    load<Pick<TinfoilSev, 'validateReport' | 'defaultValidationOptions'>>(
      dist,
      'sev/validation.js',
    ),
    load<Pick<TinfoilSev, 'ARK_CERT' | 'ASK_CERT'>>(dist, 'sev/certs.js'),
  ]);
  return { ...report, ...chain, ...verify, ...validation, ...certs };
}

const pemBodies = (pem: string): string[] =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    m[1]!.replace(/\s+/g, ''),
  );

/** Adaptation 2: Tinfoil's defaults with the two fleet minimums this report is below relaxed. */
function optionsFor(defaults: ValidationOptions): ValidationOptions {
  const tcb: TcbParts = { ...defaults.minimumTcb, ucodeSpl: 0x3e };
  return {
    ...defaults,
    minimumTcb: tcb,
    minimumLaunchTcb: { ...defaults.minimumLaunchTcb, ucodeSpl: 0x3e },
    platformInfo: { ...defaults.platformInfo, tsmeEnabled: false },
  };
}

/** The peer on the Genoa report; `primaryRejection` is its public entry's policy rejection. */
export async function openTinfoil(opts: SubjectOptions): Promise<Subject> {
  const dist = distDir(opts.root);
  if (dist === undefined) throw new Error(tinfoilUnavailable(opts.root));
  const sev = await loadSev(dist);
  const c = snpCase(opts.vectors, 'genoa');
  const [ask, ark] = pemBodies(c.chain);
  if (ask !== pemBodies(sev.ASK_CERT)[0] || ark !== pemBodies(sev.ARK_CERT)[0])
    throw new Error(`${TINFOIL_PACKAGE}'s built-in ARK/ASK differ from roots/ask_ark_genoa.pem`);
  const options = optionsFor(sev.defaultValidationOptions);
  const bad = flipped(c.report, SNP_TAMPER_OFFSET);
  // Steps 1-4 of verifySevReport (dist/attestation.js) on the raw report.
  const run = async (bytes: Uint8Array): Promise<void> => {
    const report = new sev.Report(bytes);
    const chain = await sev.CertificateChain.fromReport(report, c.vcek);
    if (!(await sev.verifyAttestation(chain, report)))
      throw new Error('report signature or certificate chain is invalid');
    sev.validateReport(report, chain, options);
  };
  return {
    async verify() {
      try {
        await run(c.report);
      } catch (e) {
        throw new Error(`${TINFOIL_PACKAGE} rejected ${c.id}: ${(e as Error).message}`);
      }
    },
    tampered: () => expectRejected(() => run(bad), TINFOIL_PACKAGE),
    primaryRejection: async () => {
      const pub = await load<TinfoilPublic>(dist, 'index.js');
      const doc = {
        format: pub.PredicateType.SevGuestV2,
        body: Buffer.from(gzipSync(c.report)).toString('base64'),
      };
      return expectRejected(
        () => pub.verifyAttestation(doc, Buffer.from(c.vcek).toString('base64')),
        `${TINFOIL_PACKAGE} public verifyAttestation on the genuine Genoa report`,
      );
    },
  };
}

export interface TinfoilColdStart {
  /** Medians over the runs, as in cold-start.ts. */
  readonly openMs: number;
  readonly firstVerifyMs: number;
  readonly totalMs: number;
  readonly runs: number;
}

export interface TinfoilBundle {
  /** `openTinfoil` from the bundle (the code the cold starts run). */
  open(opts: SubjectOptions): Promise<Subject>;
  /** Fresh `node` process per run: open + first verify, timed inside the child. */
  coldStart(opts: SubjectOptions, runs?: number): TinfoilColdStart;
  dispose(): void;
}

const CHILD_FLAG = '--tinfoil-cold-child';

/** Entry of the bundle: exports openTinfoil; as `node entry.mjs --tinfoil-cold-child`, times it. */
const ENTRY = `
import { openTinfoil } from './tinfoil.ts';
export { openTinfoil };
if (process.argv[2] === '${CHILD_FLAG}') {
  const opts = JSON.parse(process.argv[3] ?? '{}');
  const t0 = performance.now();
  const subject = await openTinfoil(opts);
  const t1 = performance.now();
  await subject.verify();
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ openMs: t1 - t0, firstVerifyMs: t2 - t1 }));
}
`;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Bundles this adapter with esbuild like cold-start.ts (the package stays in node_modules). */
export async function buildTinfoilBundle(): Promise<TinfoilBundle> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'attestkit-bench-tinfoil-'));
  const file = join(dir, 'tinfoil-subject.mjs');
  await build({
    stdin: { contents: ENTRY, resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: file,
    external: ['esbuild'],
    logLevel: 'silent',
  });
  const mod = (await import(pathToFileURL(file).href)) as {
    openTinfoil: (opts: SubjectOptions) => Promise<Subject>;
  };
  return {
    open: (opts) => mod.openTinfoil(opts),
    coldStart(opts, runs = 5) {
      const open: number[] = [];
      const first: number[] = [];
      const total: number[] = [];
      for (let i = 0; i < runs; i++) {
        const r = spawnSync(process.execPath, [file, CHILD_FLAG, JSON.stringify(opts)], {
          encoding: 'utf8',
          timeout: 120_000,
        });
        if (r.status !== 0)
          throw new Error(`cold start of ${TINFOIL_PACKAGE} failed: ${r.stderr || r.error}`);
        const t = JSON.parse(r.stdout) as { openMs: number; firstVerifyMs: number };
        open.push(t.openMs);
        first.push(t.firstVerifyMs);
        total.push(t.openMs + t.firstVerifyMs);
      }
      return {
        openMs: median(open),
        firstVerifyMs: median(first),
        totalMs: median(total),
        runs,
      };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
