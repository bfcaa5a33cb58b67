/**
 * CLI plugins of `attestkit/binding`:
 * - `azure-hcl-report`: an Azure CVM HCL report (vTPM NV index 0x01400001). `inspect` prints the
 *   header, hardware report, runtime JSON keys, vm-configuration and user-data; `verify` checks
 *   the runtime-data binding and — SNP flavour — the SEV-SNP report itself (VCEK and chain from
 *   the demo manifest `vcek` / `chain`, or `--collateral DIR` with `vcek.pem|der` and
 *   `chain.pem`). Without certificates the report cannot verify, and the verdict says so.
 * - `cvm-bundle`: a whole confidential VM described by a JSON bundle
 *   (`"format": "attestkit-cvm-bundle/1"`, files relative to it; see docs/binding.md) and
 *   verified with `verifyConfidentialVm`.
 */
import { existsSync, readFileSync } from 'node:fs';
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
import { ledgerOk, type Check } from '../../index.js';
import { fromHex, toHex } from '../../index.js';
import { parseSnpReport, verifySnpReport } from '../../snp/index.js';
import { parseTpmsAttest, type PcrBanks } from '../../tpm/index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  Inspection,
} from '../registry.js';

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
        const b = readFileSync(p);
        out.vcek = n.endsWith('.pem')
          ? b.toString('utf8')
          : new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        break;
      }
    }
    const chain = join(ctx.collateralDir, 'chain.pem');
    if (existsSync(chain)) out.chain = readFileSync(chain, 'utf8');
  }
  return out;
}

/** The `azure-hcl-report` plugin. */
export const azureHclReportPlugin: EvidencePlugin = {
  id: 'azure-hcl-report',
  title: 'Azure CVM HCL report (vTPM NV 0x01400001)',
  networkCollateral: ['AMD KDS'],
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
    return {
      title: 'Azure HCL report',
      ok: ledgerOk(checks),
      checks,
      facts,
      result: { hardware, binding },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// cvm-bundle

function bytesOf(ctx: CliContext, v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string') throw new Error(`${what} must be a file name or hex string`);
  if (/^(0x)?[0-9a-fA-F]*$/.test(v) && v.length % 2 === 0 && !ctx.exists(v)) {
    return fromHex(v.replace(/^0x/, ''));
  }
  return ctx.readFile(v);
}

function certOf(ctx: CliContext, v: unknown, what: string): Uint8Array | string {
  if (typeof v !== 'string') throw new Error(`${what} must be a file name`);
  return v.endsWith('.pem') ? ctx.readText(v) : ctx.readFile(v);
}

function banksOf(v: unknown): PcrBanks {
  if (!isObject(v)) throw new Error('pcrs must be { bank: { index: hex } }');
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, values] of Object.entries(v)) {
    if (!isObject(values)) throw new Error(`pcrs.${bank} must be an object`);
    out[bank] = {};
    for (const [i, hex] of Object.entries(values))
      out[bank][Number(i)] = fromHex(String(hex).replace(/^0x/, ''));
  }
  return out;
}

function hardwareOf(ctx: CliContext, v: unknown): HardwareEvidence {
  if (!isObject(v)) throw new Error('hardware must be an object');
  if (v.kind === 'snp') {
    return {
      kind: 'snp',
      ...(v.report !== undefined ? { report: bytesOf(ctx, v.report, 'hardware.report') } : {}),
      ...(v.vcek !== undefined ? { vcek: certOf(ctx, v.vcek, 'hardware.vcek') } : {}),
      ...(v.vlek !== undefined ? { vlek: certOf(ctx, v.vlek, 'hardware.vlek') } : {}),
      ...(Array.isArray(v.chain)
        ? { chain: v.chain.map((c, i) => certOf(ctx, c, `hardware.chain[${i}]`)) }
        : typeof v.chain === 'string'
          ? { chain: certOf(ctx, v.chain, 'hardware.chain') }
          : {}),
      ...(v.crl !== undefined ? { crl: certOf(ctx, v.crl, 'hardware.crl') } : {}),
    };
  }
  if (v.kind === 'tdx') return { kind: 'tdx', quote: bytesOf(ctx, v.quote, 'hardware.quote') };
  if (v.kind === 'cca') return { kind: 'cca', token: bytesOf(ctx, v.token, 'hardware.token') };
  throw new Error(`unknown hardware kind ${String(v.kind)}`);
}

function bindingOf(ctx: CliContext, v: unknown): CvmBindingSpec {
  if (!isObject(v)) throw new Error('each binding must be an object');
  switch (v.scheme) {
    case 'azure-hcl':
      return { scheme: 'azure-hcl', hclReport: bytesOf(ctx, v.hclReport, 'binding.hclReport') };
    case 'svsm':
      return {
        scheme: 'svsm',
        manifest: bytesOf(ctx, v.manifest, 'binding.manifest'),
        ...(v.manifestVersion === 1 ? { manifestVersion: 1 as const } : {}),
      };
    case 'pcr':
      return { scheme: 'pcr', ...(typeof v.pcrIndex === 'number' ? { pcrIndex: v.pcrIndex } : {}) };
    case 'hash':
      return v as unknown as CvmBindingSpec;
    default:
      throw new Error(`unknown binding scheme ${String(v.scheme)}`);
  }
}

function akProofOf(ctx: CliContext, v: unknown): AkProof | undefined {
  if (!isObject(v)) return undefined;
  if (v.kind === 'certify') {
    return {
      kind: 'certify',
      attest: bytesOf(ctx, v.attest, 'akProof.attest'),
      signature: bytesOf(ctx, v.signature, 'akProof.signature'),
      ...(v.nonce !== undefined ? { nonce: bytesOf(ctx, v.nonce, 'akProof.nonce') } : {}),
    };
  }
  if (v.kind === 'activation') {
    // Only what the prover's TPM returned: the secret, EK and AK Name are the verifier's
    // (`credential` in the verifier's options).
    return { kind: 'activation', activated: bytesOf(ctx, v.activated, 'akProof.activated') };
  }
  throw new Error(`unknown akProof kind ${String(v.kind)}`);
}

/**
 * Reads a `attestkit-cvm-bundle/1` JSON document into the evidence, and the verifier's options.
 * The options never come from the bundle: root pins, platform keys, the instant, policy and an
 * activation credential are the relying party's, not the prover's (a bundle could otherwise pin
 * its own roots). They come from the demo manifest's `options` (same shape), `--now` and
 * `--fetch`; `ignoredOptions` says when the bundle carried its own.
 */
export function loadCvmBundle(
  json: Json,
  ctx: CliContext,
): {
  evidence: ConfidentialVmEvidence;
  options: ConfidentialVmVerifyOptions;
  ignoredOptions: boolean;
} {
  const tpm = json.tpm;
  if (!isObject(tpm)) throw new Error('tpm must be an object');
  const bindings = Array.isArray(json.binding) ? json.binding : [json.binding];
  const proof = akProofOf(ctx, tpm.akProof);
  const evidence: ConfidentialVmEvidence = {
    hardware: hardwareOf(ctx, json.hardware),
    binding: bindings.map((b) => bindingOf(ctx, b)),
    tpm: {
      attest: bytesOf(ctx, tpm.attest, 'tpm.attest'),
      signature: bytesOf(ctx, tpm.signature, 'tpm.signature'),
      ...(isObject(tpm.signatureScheme) ? { signatureScheme: tpm.signatureScheme as never } : {}),
      ...(tpm.akPublic !== undefined
        ? { akPublic: bytesOf(ctx, tpm.akPublic, 'tpm.akPublic') }
        : {}),
      ...(tpm.ekPublic !== undefined
        ? { ekPublic: bytesOf(ctx, tpm.ekPublic, 'tpm.ekPublic') }
        : {}),
      ...(tpm.pcrs !== undefined
        ? {
            pcrs: banksOf(
              typeof tpm.pcrs === 'string' ? JSON.parse(ctx.readText(tpm.pcrs)) : tpm.pcrs,
            ),
          }
        : {}),
      ...(proof !== undefined ? { akProof: proof } : {}),
    },
    ...(json.eventLog !== undefined ? { eventLog: bytesOf(ctx, json.eventLog, 'eventLog') } : {}),
    ...(json.nonce !== undefined ? { nonce: bytesOf(ctx, json.nonce, 'nonce') } : {}),
  };
  const fromManifest = ctx.manifest?.options;
  const o = isObject(fromManifest) ? fromManifest : {};
  const c = isObject(o.credential) ? o.credential : undefined;
  const p = isObject(o.policy) ? o.policy : {};
  const policy: ConfidentialVmPolicy = {
    ...(isObject(p.snp) ? { snp: p.snp } : {}),
    ...(isObject(p.tdx) ? { tdx: p.tdx } : {}),
    ...(p.pcrs !== undefined ? { pcrs: banksOf(p.pcrs) } : {}),
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
    ...(o.allowSha1 === true ? { allowSha1: true } : {}),
    ...(o.requireEventLog === true ? { requireEventLog: true } : {}),
    ...(c !== undefined
      ? {
          credential: {
            secret: bytesOf(ctx, c.secret, 'credential.secret'),
            ekPublic: bytesOf(ctx, c.ekPublic, 'credential.ekPublic'),
            akName: bytesOf(ctx, c.akName, 'credential.akName'),
          },
        }
      : {}),
  };
  return { evidence, options, ignoredOptions: json.options !== undefined };
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
  detect(file: EvidenceFile): boolean {
    return parseBundle(file) !== undefined;
  },
  inspect(file: EvidenceFile, ctx: CliContext): Promise<Inspection> {
    const json = parseBundle(file);
    if (json === undefined) throw new Error('not an attestkit-cvm-bundle/1 document');
    const { evidence } = loadCvmBundle(json, ctx);
    const specs = Array.isArray(evidence.binding) ? evidence.binding : [evidence.binding];
    const rows: Rows = [
      ['hardware', evidence.hardware.kind],
      ['binding', (specs as CvmBindingSpec[]).map((s) => s.scheme).join(', ')],
      ['nonce', evidence.nonce !== undefined ? toHex(evidence.nonce) : 'none'],
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
      sections: [{ heading: 'Bundle', rows }],
    });
  },
  async verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const json = parseBundle(file);
    if (json === undefined) throw new Error('not an attestkit-cvm-bundle/1 document');
    const { evidence, options, ignoredOptions } = loadCvmBundle(json, ctx);
    const r = await verifyConfidentialVm(evidence, options);
    const checks: Check[] = [
      ...r.checks,
      ...(r.stages.hardware?.checks ?? []),
      ...r.stages.bindings.flatMap((s): readonly Check[] => s.checks),
      ...(r.stages.akCertify?.checks ?? []),
      ...(r.stages.quote?.checks ?? []),
      ...(r.stages.eventLog?.checks ?? []),
    ];
    const c = r.claims;
    const facts: Rows = [['platform', c.platform]];
    if (c.measurement !== undefined) facts.push(['measurement', c.measurement]);
    facts.push(['bindings verified', c.bindings.join(', ') || 'none']);
    for (const [bank, values] of Object.entries(c.pcrs)) {
      facts.push([`signed ${bank} PCRs`, Object.keys(values).join(', ')]);
    }
    if (c.boot?.secureBoot !== undefined) facts.push(['Secure Boot', c.boot.secureBoot.value.mode]);
    if (options.now !== undefined) facts.push(['verified at', options.now.toISOString()]);
    if (ignoredOptions) {
      facts.push([
        'bundle options',
        "ignored: trust anchors, policy and time are the verifier's, not the evidence's",
      ]);
    }
    return { title: 'Confidential VM (verifyConfidentialVm)', ok: r.ok, checks, facts, result: r };
  },
};

/** Plugins contributed by this file. */
export const bindingPlugins: readonly EvidencePlugin[] = [azureHclReportPlugin, cvmBundlePlugin];
