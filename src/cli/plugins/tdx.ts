/**
 * CLI plugin `tdx-quote`: Intel TDX (v4/v5) and SGX (v3) DCAP quotes. Collateral comes from the
 * demo manifest (`collateral`, `rootPins`, `now`, `policy`, `acceptedTcbStatuses`, `tee`) or from
 * `--collateral DIR` (a `collateral.json` in PCS form or dcap-qvl form, or one file per item),
 * and with `--fetch` what is still missing comes from Intel PCS v4 or a PCCS (`--pcs-url`).
 * The command verifies either kind of quote (`tee: 'any'` unless the manifest narrows it to
 * `'tdx'` or `'sgx'`) and names the kind it verified in the `TEE` fact and in `tdx.quote.tee`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  parsePckExtensions,
  parseTdxQuote,
  tdxCollateralFromDcapQvl,
  verifyTdxQuote,
  type TdxCollateral,
  type TdxPolicy,
  type TdxQuote,
  type TdxTcbStatus,
} from '../../tdx/index.js';
import { parseCertificates } from '../../index.js';
import { toHex } from '../../index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  FetchDependentChecks,
  Inspection,
} from '../registry.js';
import { explainReportDataSkip, reportDataNotCompared } from './verifier-inputs.js';
import { readInputFile, readInputText } from './evidence-files.js';

/**
 * TDX checks a failed PCS download explains (exit 3, docs/cli.md "Exit codes"), with the
 * `TdxFetcher` item each needs: the signature check of a collateral item and a CRL check fail
 * when it could not be fetched, and the checks that read it are then required skips. A failed
 * quote signature, PCK chain or policy check is a verdict whatever else failed.
 */
export const TDX_FETCH_DEPENDENT_CHECKS: FetchDependentChecks = {
  failed: {
    'tdx.tcb-info.signature': ['tcbInfo'],
    'tdx.qe-identity.signature': ['qeIdentity'],
    'tdx.crl.pck': ['pckCrl'],
    'tdx.crl.root': ['rootCaCrl'],
  },
  skipped: {
    'tdx.tcb-info.validity': ['tcbInfo'],
    'tdx.tcb-info.match': ['tcbInfo'],
    'tdx.tcb.module': ['tcbInfo'],
    'tdx.qe-identity.validity': ['qeIdentity'],
    'tdx.qe.identity': ['qeIdentity'],
    'tdx.qe.tcb': ['qeIdentity'],
    'tdx.tcb.status': ['tcbInfo', 'qeIdentity'],
    'tdx.crl.pck': ['pckCrl', 'rootCaCrl'],
    'tdx.crl.root': ['rootCaCrl'],
  },
};

const INTEL_QE_VENDOR = '939a7233f79c4ca9940a0db3957f0607';

/** Collateral file names accepted in `--collateral DIR` (first match wins). */
const DIR_FILES: Record<keyof TdxCollateral, readonly string[]> = {
  tcbInfo: ['tcb-info.json', 'tcbinfo.json', 'tcbInfo.json'],
  tcbInfoIssuerChain: ['tcb-info-issuer-chain.pem', 'tcb_info_issuer_chain.pem'],
  qeIdentity: ['qe-identity.json', 'qeidentity.json', 'enclaveIdentity.json'],
  qeIdentityIssuerChain: ['qe-identity-issuer-chain.pem', 'qe_identity_issuer_chain.pem'],
  pckCrl: ['pck-crl.der', 'pck-crl.pem', 'pckcrl.der'],
  pckCrlIssuerChain: ['pck-crl-issuer-chain.pem', 'pck_crl_issuer_chain.pem'],
  rootCaCrl: ['root-ca-crl.der', 'root-ca-crl.pem', 'rootcrl.der'],
};

function collateralFromJson(text: string): TdxCollateral {
  const o = JSON.parse(text) as Record<string, unknown>;
  if (typeof o.tcb_info === 'string') return tdxCollateralFromDcapQvl(text);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(DIR_FILES)) if (typeof o[k] === 'string') out[k] = o[k];
  return out as unknown as TdxCollateral;
}

function collateralFromDir(dir: string): TdxCollateral {
  const bundle = join(dir, 'collateral.json');
  if (existsSync(bundle)) return collateralFromJson(readInputText(bundle));
  const out: Record<string, unknown> = {};
  for (const [k, names] of Object.entries(DIR_FILES)) {
    for (const n of names) {
      const p = join(dir, n);
      if (!existsSync(p)) continue;
      out[k] = n.endsWith('.der') ? readInputFile(p) : readInputText(p);
      break;
    }
  }
  return out as unknown as TdxCollateral;
}

function bigintOf(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|\d+)$/.test(v)) return BigInt(v);
  return undefined;
}

/** A policy from JSON: bytes as hex strings, 64-bit values as "0x…" strings or numbers. */
function policyFromJson(v: unknown): TdxPolicy {
  if (typeof v !== 'object' || v === null) return {};
  const p: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k of ['seamAttributes', 'tdAttributes', 'tdAttributesMask', 'xfam', 'xfamMask']) {
    if (p[k] !== undefined) p[k] = bigintOf(p[k]);
  }
  return p;
}

function looksLikeQuote(bytes: Uint8Array): boolean {
  if (bytes.length < 48 + 384) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint16(0, true);
  if (version !== 3 && version !== 4 && version !== 5) return false;
  if (dv.getUint16(2, true) !== 2) return false;
  if (version !== 3) {
    const tee = dv.getUint32(4, true);
    if (tee !== 0 && tee !== 0x81) return false;
  }
  return toHex(bytes.subarray(12, 28)) === INTEL_QE_VENDOR;
}

function rows(q: TdxQuote): Inspection['sections'] {
  const h = q.header;
  const sections: { heading: string; rows: [string, string][] }[] = [
    {
      heading: 'Header',
      rows: [
        ['version', `${h.version}${q.bodyType !== undefined ? ` (body type ${q.bodyType})` : ''}`],
        ['TEE type', `0x${h.teeType.toString(16)} (${q.body.kind === 'sgx' ? 'SGX' : 'TDX'})`],
        ['QE vendor id', toHex(h.qeVendorId)],
        ['user data', toHex(h.userData)],
        [
          'size',
          `${q.raw.length} bytes${q.trailingBytes > 0 ? ` (+${q.trailingBytes} trailing bytes)` : ''}`,
        ],
      ],
    },
  ];
  const b = q.body;
  if (b.kind === 'sgx') {
    sections.push({
      heading: 'SGX enclave report',
      rows: [
        ['MRENCLAVE', toHex(b.mrEnclave)],
        ['MRSIGNER', toHex(b.mrSigner)],
        ['ISVPRODID / ISVSVN', `${b.isvProdId} / ${b.isvSvn}`],
        ['debug', String(b.attributesView.debug)],
        ['REPORTDATA', toHex(b.reportData)],
      ],
    });
  } else {
    const a = b.tdAttributesView;
    const flags = Object.entries(a)
      .filter(([, on]) => on)
      .map(([k]) => k);
    sections.push({
      heading: `TD report (${b.kind === 'td15' ? 'TDX 1.5' : 'TDX 1.0'})`,
      rows: [
        ['TEE_TCB_SVN', toHex(b.teeTcbSvn)],
        ['MRSEAM', toHex(b.mrSeam)],
        ['MRSIGNERSEAM', toHex(b.mrSignerSeam)],
        [
          'TDATTRIBUTES',
          `0x${b.tdAttributes.toString(16).padStart(16, '0')} ${flags.length > 0 ? `(${flags.join(', ')})` : ''}`,
        ],
        ['XFAM', `0x${b.xfam.toString(16).padStart(16, '0')}`],
        ['MRTD', toHex(b.mrTd)],
        ['MRCONFIGID', toHex(b.mrConfigId)],
        ['MROWNER', toHex(b.mrOwner)],
        ['MROWNERCONFIG', toHex(b.mrOwnerConfig)],
        ...b.rtmrs.map((r, i): [string, string] => [`RTMR${i}`, toHex(r)]),
        ['REPORTDATA', toHex(b.reportData)],
        ...(b.teeTcbSvn2 !== undefined
          ? [['TEE_TCB_SVN2', toHex(b.teeTcbSvn2)] as [string, string]]
          : []),
        ...(b.mrServiceTd !== undefined
          ? [['MRSERVICETD', toHex(b.mrServiceTd)] as [string, string]]
          : []),
      ],
    });
  }
  const cd = q.certificationData;
  const cert: [string, string][] = [
    ['QE MRSIGNER', toHex(cd.qeReport.mrSigner)],
    ['QE ISVPRODID / ISVSVN', `${cd.qeReport.isvProdId} / ${cd.qeReport.isvSvn}`],
  ];
  try {
    const certs = parseCertificates(new TextDecoder().decode(cd.pckCertChain.data));
    certs.forEach((c, i) => cert.push([`chain[${i}]`, c.subject.text]));
    const ext = parsePckExtensions(certs[0]!);
    cert.push(
      ['FMSPC', toHex(ext.fmspc)],
      ['PCE ID', toHex(ext.pceId)],
      ['PCESVN', String(ext.pceSvn)],
      ['SGX TCB components', ext.sgxTcbComponents.join(' ')],
    );
  } catch (e) {
    cert.push(['PCK chain', `unreadable: ${(e as Error).message}`]);
  }
  sections.push({ heading: 'Certification data (unverified claims)', rows: cert });
  return sections;
}

/** The `tdx-quote` plugin. */
export const tdxQuotePlugin: EvidencePlugin = {
  id: 'tdx-quote',
  title: 'Intel TDX / SGX DCAP quote',
  networkCollateral: ['Intel PCS'],
  fetchDependentChecks: TDX_FETCH_DEPENDENT_CHECKS,
  verifierInputs: ['reportData'],
  verifyOptions: ['collateral', 'now'],
  detect(file: EvidenceFile): boolean {
    if (!looksLikeQuote(file.bytes)) return false;
    try {
      parseTdxQuote(file.bytes);
      return true;
    } catch {
      return false;
    }
  },
  inspect(file: EvidenceFile): Promise<Inspection> {
    const q = parseTdxQuote(file.bytes);
    return Promise.resolve({
      title: `DCAP quote v${q.header.version} (${q.body.kind === 'sgx' ? 'SGX' : 'TDX'})`,
      sections: rows(q),
    });
  },
  async verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const m = ctx.manifest ?? {};
    let collateral: TdxCollateral | undefined;
    if (typeof m.collateral === 'string')
      collateral = collateralFromJson(ctx.readText(m.collateral));
    else if (ctx.collateralDir !== undefined) collateral = collateralFromDir(ctx.collateralDir);
    const nowText = typeof m.now === 'string' ? m.now : undefined;
    // Absent: either kind. Any other value goes to verifyTdxQuote, which refuses a value it does
    // not know (a TypeError, exit 2): a misspelt "TDX" must not widen to 'any'.
    const tee = (m.tee === undefined ? 'any' : m.tee) as 'tdx' | 'sgx' | 'any';
    const now = ctx.now ?? (nowText !== undefined ? new Date(nowText) : undefined);
    // --report-data: the verifier's expected REPORTDATA, compared by the policy (required then).
    const policy: TdxPolicy | undefined =
      ctx.reportData !== undefined
        ? { ...policyFromJson(m.policy), reportData: ctx.reportData }
        : m.policy !== undefined
          ? policyFromJson(m.policy)
          : undefined;
    const r = await verifyTdxQuote(
      collateral !== undefined ? { quote: file.bytes, collateral } : file.bytes,
      {
        ...(now !== undefined ? { now } : {}),
        ...(ctx.fetchers !== undefined ? { fetcher: ctx.fetchers.tdx } : {}),
        ...(Array.isArray(m.rootPins) ? { rootPins: m.rootPins as string[] } : {}),
        ...(Array.isArray(m.acceptedTcbStatuses)
          ? { acceptedTcbStatuses: m.acceptedTcbStatuses as TdxTcbStatus[] }
          : {}),
        ...(policy !== undefined ? { policy } : {}),
        ...(m.requireCollateral === false ? { requireCollateral: false } : {}),
        tee,
      },
    );
    const facts: [string, string][] = [];
    if (r.quote !== undefined) {
      facts.push(['TEE', r.quote.body.kind === 'sgx' ? 'SGX enclave (not a TD)' : 'TDX TD']);
      facts.push([
        'quote',
        `v${r.quote.header.version} ${r.quote.body.kind === 'sgx' ? 'SGX' : `TDX (${r.quote.body.kind === 'td15' ? '1.5' : '1.0'} body)`}`,
      ]);
      if (r.quote.body.kind !== 'sgx') facts.push(['MRTD', toHex(r.quote.body.mrTd)]);
      else facts.push(['MRENCLAVE', toHex(r.quote.body.mrEnclave)]);
      facts.push(['REPORTDATA', toHex(r.quote.body.reportData)]);
      facts.push([
        'REPORTDATA check',
        policy?.reportData === undefined
          ? reportDataNotCompared('quote', ctx.manifest !== undefined)
          : `compared with ${ctx.reportData !== undefined ? '--report-data' : 'the manifest policy'}`,
      ]);
    }
    if (r.pck !== undefined) facts.push(['FMSPC', toHex(r.pck.fmspc)]);
    facts.push(['TCB status', r.tcbStatus ?? 'not evaluated']);
    if (r.advisoryIds.length > 0) facts.push(['advisories', r.advisoryIds.join(', ')]);
    if (r.tcbDate !== undefined) facts.push(['TCB date', r.tcbDate.toISOString()]);
    if (r.collateralExpiry !== undefined)
      facts.push(['collateral expires', r.collateralExpiry.toISOString()]);
    if (r.relaunchAdvised === true)
      facts.push(['TD relaunch', 'advised (a TD-preserving update raised the TCB)']);
    if (ctx.fetchers !== undefined) facts.push(['collateral', 'missing items fetched (--fetch)']);
    if (now !== undefined) facts.push(['verified at', now.toISOString()]);
    const checks = explainReportDataSkip(
      r.checks,
      'tdx.policy.report-data',
      'REPORTDATA',
      ctx.manifest !== undefined,
    );
    return {
      title: 'Intel TDX / SGX DCAP quote',
      ok: r.ok,
      checks,
      facts,
      result: { ...r, checks },
    };
  },
};

/** Plugins contributed by this file. */
export const tdxPlugins: readonly EvidencePlugin[] = [tdxQuotePlugin];
