/**
 * CLI plugins of `attestkit/binding`:
 * - `azure-hcl-report`: an Azure CVM HCL report (vTPM NV index 0x01400001). `inspect` prints the
 *   header, hardware report, runtime JSON keys, vm-configuration and user-data; `verify` checks
 *   the runtime-data binding and — SNP flavour — the SEV-SNP report itself (VCEK and chain from
 *   the demo manifest `vcek` / `chain`, or `--collateral DIR` with `vcek.pem|der` and
 *   `chain.pem`). Without certificates the report cannot verify, and the verdict says so.
 * - `cvm-bundle`: a whole confidential VM described by a JSON bundle
 *   (`"format": "attestkit-cvm-bundle/1"`, files relative to it and confined to its directory;
 *   see docs/binding.md) and verified with `verifyConfidentialVm`. The verifier's nonce is
 *   `--nonce` (demo: manifest `nonce`), never the bundle's `nonce`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseAzureHclReport,
  verifyConfidentialVm,
  verifyReportDataBinding,
  type AkProof,
  type AzureHclReport,
  type ConfidentialVmEvidence,
  type ConfidentialVmPolicy,
  type ConfidentialVmVerifyOptions,
  type CvmBindingSpec,
  type HardwareEvidence,
} from '../../binding/index.js';
import { AttestError, ledgerOk, type Check } from '../../index.js';
import { fromHex, toHex } from '../../index.js';
import { parseSnpReport, verifySnpReport } from '../../snp/index.js';
import { parseTpmsAttest, type PcrBanks } from '../../tpm/index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  FetchDependentChecks,
  Inspection,
} from '../registry.js';
import {
  evidenceFiles,
  readInputFile,
  readInputText,
  type EvidenceFiles,
} from './evidence-files.js';
import { SNP_FETCH_DEPENDENT_CHECKS } from './snp.js';
import { TDX_FETCH_DEPENDENT_CHECKS } from './tdx.js';
import { verifierNonce } from './verifier-inputs.js';

/**
 * A cvm-bundle's checks a failed download explains: the SEV-SNP and TDX stages' own, and the
 * whole-CVM hardware check that sums them up (its cause is then one of them, listed too).
 */
const CVM_FETCH_DEPENDENT_CHECKS: FetchDependentChecks = {
  failed: {
    ...SNP_FETCH_DEPENDENT_CHECKS.failed,
    ...TDX_FETCH_DEPENDENT_CHECKS.failed,
    'binding.cvm.hardware': [
      ...new Set([
        ...Object.values(SNP_FETCH_DEPENDENT_CHECKS.failed).flat(),
        ...Object.values(TDX_FETCH_DEPENDENT_CHECKS.failed).flat(),
      ]),
    ],
  },
  skipped: { ...SNP_FETCH_DEPENDENT_CHECKS.skipped, ...TDX_FETCH_DEPENDENT_CHECKS.skipped },
  // binding.cvm.hardware summarises the hardware stage, whose own checks are judged beside it.
  explains: { ...SNP_FETCH_DEPENDENT_CHECKS.explains },
};

type Rows = [string, string][];
type Json = Record<string, unknown>;

const HCLA = [0x48, 0x43, 0x4c, 0x41];
const BUNDLE_FORMAT = 'attestkit-cvm-bundle/1';

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nowOf(ctx: CliContext, m: Json): Date | undefined {
  if (ctx.now !== undefined) return ctx.now;
  return typeof m.now === 'string' ? new Date(m.now) : undefined;
}

// ---------------------------------------------------------------------------------------------
// azure-hcl-report

function hclRows(hcl: AzureHclReport): Inspection['sections'] {
  const h = hcl.header;
  const sections: { heading: string; rows: Rows }[] = [
    {
      heading: 'HCL header',
      rows: [
        ['version', String(h.version)],
        [
          'report size',
          `${h.reportSize} bytes (buffer ${hcl.raw.length}, ${hcl.paddingSize} zero padding)`,
        ],
        ['request type / status', `${h.requestType} / ${h.status}`],
        [
          'hardware report',
          hcl.reportType === 'snp'
            ? 'AMD SEV-SNP ATTESTATION_REPORT'
            : 'Intel TDX TDREPORT (MAC only)',
        ],
        ['REPORT_DATA', toHex(hcl.reportData)],
        ['REPORT_DATA hash', hcl.igvmRequestData.reportDataHash],
      ],
    },
  ];
  if (hcl.reportType === 'snp') {
    try {
      const r = parseSnpReport(hcl.hardwareReport);
      sections.push({
        heading: 'SEV-SNP report (unverified claims)',
        rows: [
          ['version', String(r.version)],
          ['VMPL', String(r.vmpl)],
          ['MEASUREMENT', toHex(r.measurement)],
          ['debug', String(r.policy.debug)],
          ['product', r.product ?? 'unknown (v2 report)'],
          ['CHIP_ID', toHex(r.chipId)],
        ],
      });
    } catch (e) {
      sections.push({
        heading: 'SEV-SNP report',
        rows: [['parse', `failed: ${(e as Error).message}`]],
      });
    }
  } else if (hcl.tdReport !== undefined) {
    const t = hcl.tdReport;
    sections.push({
      heading: 'TDREPORT (MAC-protected claims; bind with the TD quote)',
      rows: [
        ['MRTD', toHex(t.mrTd)],
        ...t.rtmrs.map((r, i): [string, string] => [`RTMR${i}`, toHex(r)]),
        ['TDATTRIBUTES', `0x${t.tdAttributes.toString(16).padStart(16, '0')}`],
        ['XFAM', `0x${t.xfam.toString(16).padStart(16, '0')}`],
      ],
    });
  }
  sections.push({
    heading: `Runtime data (${hcl.runtimeData.length} bytes of JSON)`,
    rows: [
      ...hcl.keys.map((k): [string, string] => [
        k.kid ?? '(no kid)',
        `${k.kty}${k.key?.kind === 'rsa' ? `-${k.key.n.length * 8}` : ''} key_ops=${JSON.stringify(k.keyOps)}`,
      ]),
      ...Object.entries(hcl.vmConfiguration ?? {}).map(([k, v]): [string, string] => [
        `vm-configuration.${k}`,
        JSON.stringify(v),
      ]),
      ...(hcl.userData !== undefined
        ? [['user-data', toHex(hcl.userData)] as [string, string]]
        : []),
    ],
  });
  return sections;
}

function certsFrom(
  ctx: CliContext,
  m: Json,
): { vcek?: Uint8Array | string; chain?: string | Uint8Array[] } {
  const read = (p: string): Uint8Array | string =>
    p.endsWith('.pem') ? ctx.readText(p) : ctx.readFile(p);
  const out: { vcek?: Uint8Array | string; chain?: string | Uint8Array[] } = {};
  if (typeof m.vcek === 'string') out.vcek = read(m.vcek);
  if (typeof m.chain === 'string') out.chain = ctx.readText(m.chain);
  if (out.vcek === undefined && ctx.collateralDir !== undefined) {
    for (const n of ['vcek.pem', 'vcek.der']) {
      const p = join(ctx.collateralDir, n);
      if (existsSync(p)) {
        out.vcek = n.endsWith('.pem') ? readInputText(p) : readInputFile(p);
        break;
      }
    }
    const chain = join(ctx.collateralDir, 'chain.pem');
    if (existsSync(chain)) out.chain = readInputText(chain);
  }
  return out;
}

/** The `azure-hcl-report` plugin. */
export const azureHclReportPlugin: EvidencePlugin = {
  id: 'azure-hcl-report',
  title: 'Azure CVM HCL report (vTPM NV 0x01400001)',
  networkCollateral: ['AMD KDS'],
  fetchDependentChecks: SNP_FETCH_DEPENDENT_CHECKS,
  verifyOptions: ['collateral', 'now'],
  detect(file: EvidenceFile): boolean {
    if (file.bytes.length < 0x4d4 || HCLA.some((b, i) => file.bytes[i] !== b)) return false;
    try {
      parseAzureHclReport(file.bytes);
      return true;
    } catch {
      return false;
    }
  },
  inspect(file: EvidenceFile): Promise<Inspection> {
    const hcl = parseAzureHclReport(file.bytes);
    return Promise.resolve({
      title: `Azure HCL report (${hcl.reportType.toUpperCase()} flavour)`,
      sections: hclRows(hcl),
    });
  },
  async verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const m = ctx.manifest ?? {};
    const hcl = parseAzureHclReport(file.bytes);
    const now = nowOf(ctx, m);
    const facts: Rows = [['flavour', hcl.reportType === 'snp' ? 'SEV-SNP' : 'TDX']];
    const checks: Check[] = [];
    let hardware: unknown;
    if (hcl.reportType === 'snp') {
      const certs = certsFrom(ctx, m);
      const snp = await verifySnpReport(
        { report: hcl.hardwareReport, ...certs },
        {
          ...(now !== undefined ? { now } : {}),
          ...(isObject(m.rootPins) ? { rootPins: m.rootPins } : {}),
          // --fetch: the VCEK, chain and CRL from AMD KDS (the CRL is then required).
          ...(ctx.fetchers !== undefined ? { fetcher: ctx.fetchers.snp, requireCrl: true } : {}),
        },
      );
      hardware = snp;
      checks.push(...snp.checks);
      if (certs.vcek === undefined && ctx.fetchers === undefined)
        facts.push(['hardware', 'no VCEK given: the SNP report cannot be verified']);
    } else {
      facts.push(['hardware', 'TDREPORT is MAC-only: verify a cvm-bundle with the TD quote']);
    }
    const binding = await verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: hcl });
    checks.push(...binding.checks);
    if (hcl.akPub !== undefined)
      facts.push(['HCLAkPub', `${hcl.akPub.kty} ${hcl.akPub.jwk.n?.slice(0, 16) ?? ''}…`]);
    if (now !== undefined) facts.push(['verified at', now.toISOString()]);
    const ok = ledgerOk(checks);
    return {
      title: 'Azure HCL report',
      ok,
      checks,
      facts,
      // --json: the combined verdict first (docs/cli.md "--json"), then each part's own result.
      result: { ok, checks, hardware, binding },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// cvm-bundle

function malformed(field: string, message: string): AttestError {
  return new AttestError('ERR_BAD_JSON', { field, message });
}

/** Hex text, or a file the bundle names (confined to the bundle's directory: evidence-files.ts). */
function bytesOf(files: EvidenceFiles, v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') throw malformed(field, `${field} must be a file name or hex string`);
  if (/^(0x)?[0-9a-fA-F]*$/.test(v) && v.length % 2 === 0 && !files.isFile(v)) {
    return fromHex(v.replace(/^0x/, ''));
  }
  return files.read(v, field);
}

function certOf(files: EvidenceFiles, v: unknown, field: string): Uint8Array | string {
  if (typeof v !== 'string') throw malformed(field, `${field} must be a file name`);
  return v.endsWith('.pem') ? files.readText(v, field) : files.read(v, field);
}

/** A verifier-side value from the demo manifest: hex, or a file of the user's own. */
function userBytesOf(ctx: CliContext, v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') throw malformed(field, `${field} must be a file name or hex string`);
  if (/^(0x)?[0-9a-fA-F]*$/.test(v) && v.length % 2 === 0 && !ctx.exists(v)) {
    return fromHex(v.replace(/^0x/, ''));
  }
  return ctx.readFile(v);
}

/** The `tpm.pcrs` file: JSON, and an error that never quotes what the file holds. */
function pcrsFileOf(files: EvidenceFiles, name: string): unknown {
  const text = files.readText(name, 'tpm.pcrs');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw malformed('tpm.pcrs', `tpm.pcrs file ${JSON.stringify(name)} is not JSON`);
  }
}

function banksOf(v: unknown, field: string): PcrBanks {
  if (!isObject(v)) throw malformed(field, `${field} must be { bank: { index: hex } }`);
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, values] of Object.entries(v)) {
    if (!isObject(values))
      throw malformed(`${field}.${bank}`, `${field}.${bank} must be an object`);
    out[bank] = {};
    for (const [i, hex] of Object.entries(values))
      out[bank][Number(i)] = fromHex(String(hex).replace(/^0x/, ''));
  }
  return out;
}

function hardwareOf(files: EvidenceFiles, v: unknown): HardwareEvidence {
  if (!isObject(v)) throw malformed('hardware', 'hardware must be an object');
  if (v.kind === 'snp') {
    return {
      kind: 'snp',
      ...(v.report !== undefined ? { report: bytesOf(files, v.report, 'hardware.report') } : {}),
      ...(v.vcek !== undefined ? { vcek: certOf(files, v.vcek, 'hardware.vcek') } : {}),
      ...(v.vlek !== undefined ? { vlek: certOf(files, v.vlek, 'hardware.vlek') } : {}),
      ...(Array.isArray(v.chain)
        ? { chain: v.chain.map((c, i) => certOf(files, c, `hardware.chain[${i}]`)) }
        : typeof v.chain === 'string'
          ? { chain: certOf(files, v.chain, 'hardware.chain') }
          : {}),
      ...(v.crl !== undefined ? { crl: certOf(files, v.crl, 'hardware.crl') } : {}),
    };
  }
  if (v.kind === 'tdx') return { kind: 'tdx', quote: bytesOf(files, v.quote, 'hardware.quote') };
  if (v.kind === 'cca') return { kind: 'cca', token: bytesOf(files, v.token, 'hardware.token') };
  throw malformed(
    'hardware.kind',
    `unknown hardware kind ${JSON.stringify(v.kind) ?? 'undefined'}`,
  );
}

function bindingOf(files: EvidenceFiles, v: unknown): CvmBindingSpec {
  if (!isObject(v)) throw malformed('binding', 'each binding must be an object');
  switch (v.scheme) {
    case 'azure-hcl':
      return { scheme: 'azure-hcl', hclReport: bytesOf(files, v.hclReport, 'binding.hclReport') };
    case 'svsm':
      return {
        scheme: 'svsm',
        manifest: bytesOf(files, v.manifest, 'binding.manifest'),
        ...(v.manifestVersion === 1 ? { manifestVersion: 1 as const } : {}),
      };
    case 'pcr':
      return { scheme: 'pcr', ...(typeof v.pcrIndex === 'number' ? { pcrIndex: v.pcrIndex } : {}) };
    case 'hash':
      return v as unknown as CvmBindingSpec;
    default:
      throw malformed(
        'binding.scheme',
        `unknown binding scheme ${JSON.stringify(v.scheme) ?? 'undefined'}`,
      );
  }
}

function akProofOf(files: EvidenceFiles, v: unknown): AkProof | undefined {
  if (!isObject(v)) return undefined;
  if (v.kind === 'certify') {
    return {
      kind: 'certify',
      attest: bytesOf(files, v.attest, 'akProof.attest'),
      signature: bytesOf(files, v.signature, 'akProof.signature'),
      // A nonce the bundle names for the certify is the prover's claim, not the verifier's: the
      // certify is compared with the verifier's nonce (--nonce) only.
    };
  }
  if (v.kind === 'activation') {
    // Only what the prover's TPM returned: the secret, EK and AK Name are the verifier's
    // (`credential` in the verifier's options).
    return { kind: 'activation', activated: bytesOf(files, v.activated, 'akProof.activated') };
  }
  throw malformed('akProof.kind', `unknown akProof kind ${JSON.stringify(v.kind) ?? 'undefined'}`);
}

/** Where the nonce given to `verifyConfidentialVm` came from. */
export type CvmNonceSource =
  /** The verifier's: `--nonce`, or the demo manifest's `nonce`. */
  | { readonly kind: 'verifier'; readonly source: string }
  /** None: the library skips the nonce checks (required), and a binding that hashes it refuses. */
  | { readonly kind: 'none' };

/**
 * Reads a `attestkit-cvm-bundle/1` JSON document into the evidence, and the verifier's options.
 * The options never come from the bundle: root pins, platform keys, the instant, policy, an
 * activation credential, the nonce and SHA-1 acceptance are the relying party's, not the
 * prover's (a bundle could otherwise pin its own roots or replay an old quote with its nonce).
 * They come from `--nonce`, `--allow-sha1`, `--now` and `--fetch`, or the demo manifest (`nonce`,
 * and `options` in the shape of the verifier's options); `ignoredOptions` says when the bundle
 * carried its own. Every file the bundle names is read through `evidenceFiles`: relative,
 * inside the bundle's directory, a regular file under the size cap.
 */
export function loadCvmBundle(
  json: Json,
  ctx: CliContext,
): {
  evidence: ConfidentialVmEvidence;
  options: ConfidentialVmVerifyOptions;
  ignoredOptions: boolean;
  nonceSource: CvmNonceSource;
  claimedNonce: Uint8Array | undefined;
} {
  const files = evidenceFiles(ctx.baseDir);
  const tpm = json.tpm;
  if (!isObject(tpm)) throw malformed('tpm', 'tpm must be an object');
  const bindings = (Array.isArray(json.binding) ? json.binding : [json.binding]).map((b) =>
    bindingOf(files, b),
  );
  const proof = akProofOf(files, tpm.akProof);
  const claimedNonce = json.nonce !== undefined ? bytesOf(files, json.nonce, 'nonce') : undefined;
  const given = verifierNonce(ctx);
  const nonce = given?.nonce;
  const nonceSource: CvmNonceSource =
    given !== undefined ? { kind: 'verifier', source: given.source } : { kind: 'none' };

  const evidence: ConfidentialVmEvidence = {
    hardware: hardwareOf(files, json.hardware),
    binding: bindings,
    tpm: {
      attest: bytesOf(files, tpm.attest, 'tpm.attest'),
      signature: bytesOf(files, tpm.signature, 'tpm.signature'),
      ...(isObject(tpm.signatureScheme) ? { signatureScheme: tpm.signatureScheme as never } : {}),
      ...(tpm.akPublic !== undefined
        ? { akPublic: bytesOf(files, tpm.akPublic, 'tpm.akPublic') }
        : {}),
      ...(tpm.ekPublic !== undefined
        ? { ekPublic: bytesOf(files, tpm.ekPublic, 'tpm.ekPublic') }
        : {}),
      ...(tpm.pcrs !== undefined
        ? {
            pcrs: banksOf(
              typeof tpm.pcrs === 'string' ? pcrsFileOf(files, tpm.pcrs) : tpm.pcrs,
              'tpm.pcrs',
            ),
          }
        : {}),
      ...(proof !== undefined ? { akProof: proof } : {}),
    },
    ...(json.eventLog !== undefined ? { eventLog: bytesOf(files, json.eventLog, 'eventLog') } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
  };
  const fromManifest = ctx.manifest?.options;
  const o = isObject(fromManifest) ? fromManifest : {};
  const c = isObject(o.credential) ? o.credential : undefined;
  const p = isObject(o.policy) ? o.policy : {};
  const policy: ConfidentialVmPolicy = {
    ...(isObject(p.snp) ? { snp: p.snp } : {}),
    ...(isObject(p.tdx) ? { tdx: p.tdx } : {}),
    ...(p.pcrs !== undefined ? { pcrs: banksOf(p.pcrs, 'options.policy.pcrs') } : {}),
    ...(p.requireSecureBoot === true ? { requireSecureBoot: true } : {}),
    ...(isObject(p.azureVmConfiguration)
      ? {
          azureVmConfiguration: p.azureVmConfiguration as Record<string, string | number | boolean>,
        }
      : {}),
    ...(typeof p.azureUserData === 'string' ? { azureUserData: fromHex(p.azureUserData) } : {}),
  };
  const now = ctx.now ?? (typeof o.now === 'string' ? new Date(o.now) : undefined);
  const options: ConfidentialVmVerifyOptions = {
    ...(now !== undefined ? { now } : {}),
    policy,
    // --fetch: KDS/PCS supply what the bundle lacks (the SNP CRL is then required).
    ...(isObject(o.snp) || ctx.fetchers !== undefined
      ? {
          snp: {
            ...(isObject(o.snp) ? o.snp : {}),
            ...(ctx.fetchers !== undefined ? { fetcher: ctx.fetchers.snp, requireCrl: true } : {}),
          },
        }
      : {}),
    ...(isObject(o.tdx) || ctx.fetchers !== undefined
      ? {
          tdx: {
            ...(isObject(o.tdx) ? o.tdx : {}),
            ...(ctx.fetchers !== undefined ? { fetcher: ctx.fetchers.tdx } : {}),
          },
        }
      : {}),
    ...(isObject(o.cca) ? { cca: o.cca } : {}),
    ...(ctx.allowSha1 === true || o.allowSha1 === true ? { allowSha1: true } : {}),
    ...(o.requireEventLog === true ? { requireEventLog: true } : {}),
    ...(c !== undefined
      ? {
          credential: {
            secret: userBytesOf(ctx, c.secret, 'credential.secret'),
            ekPublic: userBytesOf(ctx, c.ekPublic, 'credential.ekPublic'),
            akName: userBytesOf(ctx, c.akName, 'credential.akName'),
          },
        }
      : {}),
  };
  return {
    evidence,
    options,
    ignoredOptions: json.options !== undefined,
    nonceSource,
    claimedNonce,
  };
}

function parseBundle(file: EvidenceFile): Json | undefined {
  if (file.text === undefined || !file.text.includes(BUNDLE_FORMAT)) return undefined;
  try {
    const j: unknown = JSON.parse(file.text);
    return isObject(j) && j.format === BUNDLE_FORMAT ? j : undefined;
  } catch {
    return undefined;
  }
}

/** The `cvm-bundle` plugin. */
export const cvmBundlePlugin: EvidencePlugin = {
  id: 'cvm-bundle',
  title: 'Confidential VM bundle (hardware evidence + vTPM + event log)',
  networkCollateral: ['AMD KDS', 'Intel PCS'],
  fetchDependentChecks: CVM_FETCH_DEPENDENT_CHECKS,
  verifierInputs: ['nonce', 'allowSha1'],
  verifyOptions: ['now'],
  detect(file: EvidenceFile): boolean {
    return parseBundle(file) !== undefined;
  },
  inspect(file: EvidenceFile, ctx: CliContext): Promise<Inspection> {
    const json = parseBundle(file);
    if (json === undefined) throw malformed('format', `not an ${BUNDLE_FORMAT} document`);
    const { evidence, claimedNonce } = loadCvmBundle(json, ctx);
    const specs = Array.isArray(evidence.binding) ? evidence.binding : [evidence.binding];
    const rows: Rows = [
      ['hardware', evidence.hardware.kind],
      ['binding', (specs as CvmBindingSpec[]).map((s) => s.scheme).join(', ')],
      [
        'nonce claimed by the bundle',
        claimedNonce !== undefined ? `${toHex(claimedNonce)} (verify ignores it)` : 'none',
      ],
      ['AK proof', evidence.tpm.akProof?.kind ?? 'none'],
      [
        'event log',
        evidence.eventLog !== undefined
          ? `${(evidence.eventLog as Uint8Array).length} bytes`
          : 'none',
      ],
    ];
    try {
      const a = parseTpmsAttest(evidence.tpm.attest);
      rows.push(['quote extraData', toHex(a.extraData)]);
      if (a.attested.type === 'quote') {
        rows.push([
          'quote selection',
          a.attested.pcrSelect.map((s) => `${s.hash ?? s.hashAlg}:${s.pcrs.join(',')}`).join(' + '),
        ]);
      }
    } catch (e) {
      rows.push(['quote', `unreadable: ${(e as Error).message}`]);
    }
    return Promise.resolve({
      title: 'Confidential VM bundle',
      sections: [{ heading: 'Bundle (unverified claims)', rows }],
    });
  },
  async verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const json = parseBundle(file);
    if (json === undefined) throw malformed('format', `not an ${BUNDLE_FORMAT} document`);
    const { evidence, options, ignoredOptions, nonceSource } = loadCvmBundle(json, ctx);
    const specs = (
      Array.isArray(evidence.binding) ? evidence.binding : [evidence.binding]
    ) as CvmBindingSpec[];
    if (
      evidence.nonce === undefined &&
      specs.some((b) => b.scheme === 'svsm' || (b.scheme === 'hash' && b.includeNonce === true))
    ) {
      // The binding hashes the verifier's nonce: without it there is nothing to recompute (the
      // bundle's own nonce would prove no freshness, so it is never used).
      throw new AttestError('ERR_MISSING_FIELD', {
        field: 'nonce',
        message:
          "a binding of this bundle hashes the verifier's nonce: pass the nonce you issued with --nonce HEX",
      });
    }
    const r = await verifyConfidentialVm(evidence, options);
    const checks: Check[] = [
      ...r.checks,
      ...(r.stages.hardware?.checks ?? []),
      ...r.stages.bindings.flatMap((s): readonly Check[] => s.checks),
      ...(r.stages.akCertify?.checks ?? []),
      ...(r.stages.quote?.checks ?? []),
      ...(r.stages.eventLog?.checks ?? []),
    ];
    const ok = r.ok;
    const c = r.claims;
    const facts: Rows = [['platform', c.platform]];
    if (c.measurement !== undefined) facts.push(['measurement', c.measurement]);
    facts.push(['bindings verified', c.bindings.join(', ') || 'none']);
    for (const [bank, values] of Object.entries(c.pcrs)) {
      facts.push([`signed ${bank} PCRs`, Object.keys(values).join(', ')]);
    }
    if (c.boot?.secureBoot !== undefined) facts.push(['Secure Boot', c.boot.secureBoot.value.mode]);
    if (options.now !== undefined) facts.push(['verified at', options.now.toISOString()]);
    facts.push([
      'nonce',
      nonceSource.kind === 'verifier' ? nonceSource.source : 'none given (pass --nonce HEX)',
    ]);
    const akProof = isObject(json.tpm) && isObject(json.tpm.akProof) ? json.tpm.akProof : {};
    if (json.nonce !== undefined || json.allowSha1 !== undefined || akProof.nonce !== undefined) {
      facts.push([
        'bundle nonce / allowSha1',
        "ignored: freshness and SHA-1 acceptance are the verifier's (--nonce, --allow-sha1)",
      ]);
    }
    if (ignoredOptions) {
      facts.push([
        'bundle options',
        "ignored: trust anchors, policy and time are the verifier's, not the evidence's",
      ]);
    }
    return { title: 'Confidential VM (verifyConfidentialVm)', ok, checks, facts, result: r };
  },
};

/** Plugins contributed by this file. */
export const bindingPlugins: readonly EvidencePlugin[] = [azureHclReportPlugin, cvmBundlePlugin];
