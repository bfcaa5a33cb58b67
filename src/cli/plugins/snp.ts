/**
 * CLI plugins for AMD SEV-SNP (ABI 56860; certificate table: GHCB 56421, spec note §9):
 * - `snp-extended-report`: the 1184-byte report followed by the certificate table that
 *   SNP_GET_EXT_REPORT returns (24-byte GUID entries, all-zero terminator, offsets from the table
 *   start); `inspect` lists the table's certificates, `verify` uses them (still pinned to the ARK).
 * - `snp-report`: a bare 1184-byte report.
 * Collateral comes from the demo manifest (`vcek`, `vlek`, `chain`, `crl`, `certTable` file names,
 * `rootPins`, `now`, `product`, `policy`, `requireCrl`) or, outside the demo, from `--collateral
 * DIR` or files next to the report (vcek.der|pem|crt, vlek.der|pem, ask_ark.pem / cert_chain.pem,
 * snpguest's ask.pem|der / asvk.pem|der + ark.pem|der, crl.der|pem, certs.bin), and with `--fetch`
 * from AMD KDS (the CRL then becomes required).
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  AttestError,
  parseSnpCertTable,
  parseSnpReport,
  snpKdsUrls,
  verifySnpReport,
  SNP_CERT_TABLE_GUID,
  SNP_REPORT_SIZE,
  type SnpCertTable,
  type SnpEvidence,
  type SnpProduct,
  type SnpReport,
  type SnpTcb,
  type SnpVerifyOptions,
} from '../../snp/index.js';
import { parseCertificate, parseCrl, type Check } from '../../index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  FetchDependentChecks,
  Inspection,
} from '../registry.js';
import { explainReportDataSkip, reportDataNotCompared } from './verifier-inputs.js';

const PRODUCTS: readonly string[] = ['Milan', 'Genoa', 'Turin'];

/** What `--fetch` asks AMD KDS for (`SnpFetcher` methods, `FetchFailure.item`). */
const KDS_ITEMS: readonly string[] = ['vcek', 'vlek', 'certChain', 'crl'];

/**
 * SEV-SNP checks a failed KDS download explains (exit 3, docs/cli.md "Exit codes"):
 * `snp.collateral` reports every failed download and `snp.crl` a CRL that could not be fetched;
 * the certificate-dependent checks are required skips while a certificate is missing. A failed
 * `snp.signature`, `snp.chain.*` or policy check is a verdict whatever else failed.
 */
export const SNP_FETCH_DEPENDENT_CHECKS: FetchDependentChecks = {
  failed: { 'snp.collateral': KDS_ITEMS, 'snp.crl': ['crl'] },
  // snp.collateral also fails for a malformed certificate table or evidence certificate, a masked
  // CHIP_ID or a VLEK no fetcher can supply: explained only when each of its problems is a
  // download that failed, and each missing certificate one whose download failed.
  explains: { 'snp.collateral': collateralExplained },
  skipped: Object.fromEntries(
    [
      'snp.signer.kind',
      'snp.chain.ark',
      'snp.chain.ask',
      'snp.chain.asvk',
      'snp.chain.vcek',
      'snp.chain.vlek',
      'snp.crl',
      'snp.signature',
      'snp.cert.product-name',
      'snp.tcb.vcek-extensions',
      'snp.cert.hwid',
      'snp.cert.csp-id',
      'snp.tcb.relations',
    ].map((id) => [id, KDS_ITEMS]),
  ),
};

/** The KDS item behind a certificate `snp.collateral` names as missing. */
const MISSING_ITEM: Readonly<Record<string, string>> = {
  VCEK: 'vcek',
  VLEK: 'vlek',
  ASK: 'certChain',
  ASVK: 'certChain',
  ARK: 'certChain',
};

function collateralExplained(check: Check, failed: ReadonlySet<string>): boolean {
  const d = check.detail as { missing?: unknown; problems?: unknown } | undefined;
  const missing = Array.isArray(d?.missing) ? (d.missing as unknown[]) : [];
  const problems = Array.isArray(d?.problems) ? (d.problems as { fetched?: unknown }[]) : [];
  if (missing.length + problems.length === 0) return false;
  const ok = (item: unknown): boolean => typeof item === 'string' && failed.has(item);
  // `fetched`: the fetcher method a problem came from (verifySnpReport); a problem without one (a
  // malformed table, a masked CHIP_ID) is never a download's fault.
  return missing.every((m) => ok(MISSING_ITEM[String(m)])) && problems.every((p) => ok(p.fetched));
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function tcbText(t: SnpTcb | undefined, raw: bigint): string {
  if (t === undefined) return `0x${raw.toString(16).padStart(16, '0')} (layout unknown)`;
  const fmc = t.fmc !== undefined ? `fmc ${t.fmc}, ` : '';
  return `${fmc}bl ${t.bootloader}, tee ${t.tee}, snp ${t.snp}, ucode ${t.microcode}`;
}

function productOf(ctx: CliContext): SnpProduct | undefined {
  const p = ctx.manifest?.product ?? ctx.product;
  return typeof p === 'string' && PRODUCTS.includes(p) ? (p as SnpProduct) : undefined;
}

/** Finds the first existing collateral file among `names`, in --collateral DIR then next to the report. */
function findFile(ctx: CliContext, names: readonly string[]): string | undefined {
  const dirs = [ctx.collateralDir, ctx.baseDir].filter((d): d is string => d !== undefined);
  for (const d of dirs) {
    for (const n of names) {
      const p = join(d, n);
      if (ctx.exists(p)) return p;
    }
  }
  return undefined;
}

/** Every existing file among `names` in the first directory (--collateral DIR, then the report's) holding any. */
function findAll(ctx: CliContext, names: readonly string[]): string[] {
  const dirs = [ctx.collateralDir, ctx.baseDir].filter((d): d is string => d !== undefined);
  for (const d of dirs) {
    const found = names.map((n) => join(d, n)).filter((p) => ctx.exists(p));
    if (found.length > 0) return found;
  }
  return [];
}

function readCert(ctx: CliContext, path: string): Uint8Array | string {
  return path.endsWith('.pem') ? ctx.readText(path) : ctx.readFile(path);
}

/**
 * The report's evidence and options. `table` is an extended report's certificate table: its
 * certificates are used first, and files only fill what it lacks.
 */
function collateral(
  ctx: CliContext,
  report: Uint8Array,
  table?: { readonly bytes: Uint8Array; readonly parsed: SnpCertTable },
): { evidence: SnpEvidence; options: SnpVerifyOptions } {
  const m = ctx.manifest;
  const ev: { -readonly [K in keyof SnpEvidence]: SnpEvidence[K] } = { report };
  const options: { -readonly [K in keyof SnpVerifyOptions]: SnpVerifyOptions[K] } = {};
  const file = (key: string): string | undefined => {
    const v = m?.[key];
    return typeof v === 'string' ? v : undefined;
  };
  if (m !== undefined) {
    const vcek = file('vcek');
    const vlek = file('vlek');
    const chain = file('chain');
    const crl = file('crl');
    const tableName = file('certTable');
    if (vcek !== undefined) ev.vcek = readCert(ctx, vcek);
    if (vlek !== undefined) ev.vlek = readCert(ctx, vlek);
    if (chain !== undefined) ev.chain = readCert(ctx, chain);
    if (crl !== undefined) ev.crl = readCert(ctx, crl);
    if (tableName !== undefined) ev.certTable = ctx.readFile(tableName);
    if (typeof m.rootPins === 'object' && m.rootPins !== null) {
      options.rootPins = m.rootPins;
    }
    if (typeof m.now === 'string') options.now = new Date(m.now);
    if (typeof m.policy === 'object' && m.policy !== null) options.policy = m.policy;
    if (m.requireCrl === true) options.requireCrl = true;
  } else {
    const t = table?.parsed;
    const hasLeaf = t?.vcek !== undefined || t?.vlek !== undefined;
    const hasChain = t?.ask !== undefined && t.ark !== undefined;
    const vcek = hasLeaf ? undefined : findFile(ctx, ['vcek.der', 'vcek.pem', 'vcek.crt']);
    const vlek = hasLeaf ? undefined : findFile(ctx, ['vlek.der', 'vlek.pem']);
    const chain = hasChain
      ? undefined
      : findFile(ctx, ['ask_ark.pem', 'cert_chain.pem', 'chain.pem', 'asvk_ark.pem']);
    // snpguest (`fetch ca`, `certificates`) writes one file per certificate.
    const split = hasChain
      ? []
      : findAll(ctx, ['ask.pem', 'ask.der', 'asvk.pem', 'asvk.der', 'ark.pem', 'ark.der']);
    const crl = t?.crl !== undefined ? undefined : findFile(ctx, ['crl.der', 'crl.pem']);
    const tableFile = table !== undefined ? undefined : findFile(ctx, ['certs.bin', 'auxblob.bin']);
    if (vcek !== undefined) ev.vcek = readCert(ctx, vcek);
    if (vlek !== undefined) ev.vlek = readCert(ctx, vlek);
    if (chain !== undefined) ev.chain = readCert(ctx, chain);
    else if (split.length > 0) ev.chain = split.map((p) => readCert(ctx, p));
    else if (!hasChain && ctx.collateralDir !== undefined) {
      // AMD's KDS names: ask_ark_<product>.pem / asvk_ark_<product>.pem.
      const bundles = readdirSync(ctx.collateralDir).filter((n) =>
        /^as(v)?k_ark_\w+\.pem$/.test(n),
      );
      if (bundles.length > 0)
        ev.chain = bundles.map((n) => ctx.readText(join(ctx.collateralDir!, n))).join('\n');
    }
    if (crl !== undefined) ev.crl = readCert(ctx, crl);
    if (tableFile !== undefined) ev.certTable = ctx.readFile(tableFile);
  }
  if (table !== undefined) ev.certTable = table.bytes;
  // --report-data: the verifier's expected REPORT_DATA, compared by the policy (a required check).
  if (ctx.reportData !== undefined)
    options.policy = { ...options.policy, reportData: ctx.reportData };
  const product = productOf(ctx);
  if (product !== undefined) options.product = product;
  if (ctx.now !== undefined) options.now = ctx.now;
  if (ctx.fetchers !== undefined) {
    // --fetch: AMD KDS supplies what the evidence lacks, and revocation is checked, not skipped.
    options.fetcher = ctx.fetchers.snp;
    options.requireCrl = true;
  }
  return { evidence: ev, options };
}

function looksLikeReport(bytes: Uint8Array): boolean {
  if (bytes.length !== SNP_REPORT_SIZE) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(0, true);
  return version >= 2 && version <= 5 && (dv.getUint8(0x0a) & 0x02) !== 0;
}

function inspection(r: SnpReport): Inspection {
  const t = r.tcb;
  const pol = r.policy;
  const flags = (o: Record<string, unknown>): string =>
    Object.entries(o)
      .filter(([k, v]) => k !== 'raw' && v === true)
      .map(([k]) => k)
      .join(', ') || 'none';
  const kds = r.product !== undefined ? snpKdsUrls(r).vcek : undefined;
  return {
    title: `AMD SEV-SNP attestation report v${r.version} (unverified)`,
    sections: [
      {
        heading: 'Report',
        rows: [
          ['version', String(r.version)],
          [
            'product',
            r.product !== undefined
              ? `${r.product} (from ${r.productSource})`
              : 'unknown (v2 report: pass the product)',
          ],
          ['signer', r.keyInfo.signer],
          ['VMPL', String(r.vmpl)],
          ['guest SVN', String(r.guestSvn)],
          [
            'firmware',
            `${r.currentMajor}.${r.currentMinor}.${r.currentBuild} (committed ${r.committedMajor}.${r.committedMinor}.${r.committedBuild})`,
          ],
          ...(r.cpuidFamId !== undefined
            ? ([
                [
                  'CPUID fam/mod/step',
                  `0x${r.cpuidFamId.toString(16)}/0x${r.cpuidModId!.toString(16)}/${r.cpuidStep}`,
                ],
              ] as [string, string][])
            : []),
        ],
      },
      {
        heading: 'Policy and platform',
        rows: [
          [
            'policy',
            `0x${pol.raw.toString(16)} (ABI ≥ ${pol.abiMajor}.${pol.abiMinor}; ${flags(pol as unknown as Record<string, unknown>)})`,
          ],
          [
            'platform info',
            `0x${r.platformInfo.raw.toString(16)} (${flags(r.platformInfo as unknown as Record<string, unknown>)})`,
          ],
          [
            'key info',
            `0x${r.keyInfo.raw.toString(16)} (author key ${r.keyInfo.authorKeyEn ? 'on' : 'off'}, mask chip key ${r.keyInfo.maskChipKey ? 'on' : 'off'})`,
          ],
        ],
      },
      {
        heading: 'Measurements',
        rows: [
          ['measurement', hex(r.measurement)],
          ['report data', hex(r.reportData)],
          ['host data', hex(r.hostData)],
          ['family id', hex(r.familyId)],
          ['image id', hex(r.imageId)],
          ['ID key digest', hex(r.idKeyDigest)],
          ['author key digest', hex(r.authorKeyDigest)],
          ['report id', hex(r.reportId)],
          ['chip id', hex(r.chipId)],
        ],
      },
      {
        heading: 'TCB',
        rows: [
          ['current', tcbText(t?.current, r.currentTcb)],
          ['reported', tcbText(t?.reported, r.reportedTcb)],
          ['committed', tcbText(t?.committed, r.committedTcb)],
          ['launch', tcbText(t?.launch, r.launchTcb)],
          ...(r.currentMitVector !== undefined
            ? ([
                [
                  'mitigation vectors',
                  `current 0x${r.currentMitVector.toString(16)}, launch 0x${r.launchMitVector!.toString(16)}`,
                ],
              ] as [string, string][])
            : []),
          ...(kds !== undefined ? ([['KDS VCEK URL', kds]] as [string, string][]) : []),
        ],
      },
    ],
  };
}

async function verification(
  title: string,
  ctx: CliContext,
  report: Uint8Array,
  table?: { readonly bytes: Uint8Array; readonly parsed: SnpCertTable },
): Promise<CliVerification> {
  const { evidence, options } = collateral(ctx, report, table);
  const r = await verifySnpReport(evidence, options);
  const facts: [string, string][] = [];
  if (r.report !== undefined) {
    facts.push([
      'report',
      `version ${r.report.version}, VMPL ${r.report.vmpl}, signer ${r.signer ?? '?'}`,
    ]);
    if (r.product !== undefined) facts.push(['product', r.product]);
    if (r.tcb !== undefined)
      facts.push(['reported TCB', tcbText(r.tcb.reported, r.report.reportedTcb)]);
    facts.push(['measurement', hex(r.report.measurement)]);
    facts.push(['report data', hex(r.report.reportData)]);
    facts.push([
      'REPORT_DATA check',
      options.policy?.reportData === undefined
        ? reportDataNotCompared('report', ctx.manifest !== undefined)
        : `compared with ${ctx.reportData !== undefined ? '--report-data' : 'the manifest policy'}`,
    ]);
    const src = r.certificates.sources;
    if (src.leaf !== undefined)
      facts.push([
        'certificates',
        Object.entries(src)
          .map(([k, v]) => `${k} from ${v}`)
          .join(', '),
      ]);
  }
  if (table !== undefined)
    facts.push([
      'certificate table',
      table.parsed.entries.map((e) => e.kind).join(', ') || 'empty',
    ]);
  if (options.fetcher !== undefined) facts.push(['collateral', 'missing items fetched (--fetch)']);
  if (options.now !== undefined) facts.push(['verification time', options.now.toISOString()]);
  if (options.rootPins !== undefined)
    facts.push(['root pins', 'REPLACED by the caller (test roots)']);
  const checks = explainReportDataSkip(
    r.checks,
    'snp.policy.report-data',
    'REPORT_DATA',
    ctx.manifest !== undefined,
  );
  return { title, ok: r.ok, checks, facts, result: { ...r, checks } };
}

function fileName(file: EvidenceFile): string {
  return isAbsolute(file.path) ? ` ${file.path.split('/').pop() ?? ''}` : '';
}

/** The `snp-report` evidence type. */
export const snpReportPlugin: EvidencePlugin = {
  id: 'snp-report',
  title: 'AMD SEV-SNP attestation report',
  networkCollateral: ['AMD KDS'],
  fetchDependentChecks: SNP_FETCH_DEPENDENT_CHECKS,
  verifierInputs: ['reportData'],
  verifyOptions: ['collateral', 'now', 'product'],
  inspectOptions: ['product'],
  detect(file: EvidenceFile): boolean {
    return looksLikeReport(file.bytes);
  },
  async inspect(file: EvidenceFile, ctx: CliContext): Promise<Inspection> {
    const product = productOf(ctx);
    return Promise.resolve(
      inspection(parseSnpReport(file.bytes, product !== undefined ? { product } : {})),
    );
  },
  verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    return verification(`AMD SEV-SNP attestation report${fileName(file)}`, ctx, file.bytes);
  },
};

// ---------------------------------------------------------------------------------------------
// snp-extended-report

function guidBytes(text: string): Uint8Array {
  return Uint8Array.from(text.replace(/-/g, '').match(/../g)!, (x) => parseInt(x, 16));
}

/** Known table GUIDs in RFC 4122 (text) order and EFI mixed-endian order (spec note §9). */
const TABLE_GUIDS: readonly Uint8Array[] = /* @__PURE__ */ Object.values(SNP_CERT_TABLE_GUID)
  .map(guidBytes)
  .flatMap((b) => [
    b,
    Uint8Array.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]),
  ]);

/**
 * A report followed by what starts like a certificate table: a known GUID (or the start of one,
 * so a truncated table is still recognised and then rejected with a precise error), or an
 * all-zero first entry (an empty table). The table itself is parsed by `inspect`/`verify`.
 */
function looksLikeExtendedReport(bytes: Uint8Array): boolean {
  if (bytes.length <= SNP_REPORT_SIZE || !looksLikeReport(bytes.subarray(0, SNP_REPORT_SIZE)))
    return false;
  const t = bytes.subarray(SNP_REPORT_SIZE);
  const n = Math.min(16, t.length);
  if (t.subarray(0, Math.min(24, t.length)).every((b) => b === 0)) return true;
  return TABLE_GUIDS.some((g) => g.subarray(0, n).every((b, i) => b === t[i]));
}

/** Splits an extended report; table errors are re-based to file offsets (the table is at 0x4A0). */
function splitExtended(bytes: Uint8Array): {
  report: Uint8Array;
  table: { bytes: Uint8Array; parsed: SnpCertTable };
} {
  const tableBytes = bytes.subarray(SNP_REPORT_SIZE);
  try {
    return {
      report: bytes.subarray(0, SNP_REPORT_SIZE),
      table: { bytes: tableBytes, parsed: parseSnpCertTable(tableBytes) },
    };
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    const at = e.offset !== undefined ? e.offset + SNP_REPORT_SIZE : undefined;
    // The library appends " in FIELD at offset 0x…" (table-relative); the re-based error says it again.
    const where =
      (e.field !== undefined ? ` in ${e.field}` : '') +
      (e.offset !== undefined ? ` at offset 0x${e.offset.toString(16)}` : '');
    const what = e.message.endsWith(where)
      ? e.message.slice(0, e.message.length - where.length)
      : e.message;
    throw new AttestError(e.code, {
      ...(at !== undefined ? { offset: at } : {}),
      field: e.field ?? 'CERT_TABLE',
      message: `certificate table after the report (at 0x${SNP_REPORT_SIZE.toString(16)}; entry offsets are relative to it): ${what}`,
      cause: e,
    });
  }
}

function dates(a: Date, b: Date): string {
  return `${a.toISOString()} to ${b.toISOString()}`;
}

function tableRows(t: SnpCertTable): [string, string][] {
  const rows: [string, string][] = [['entries', String(t.entries.length)]];
  t.entries.forEach((e, i) => {
    const at = `0x${(SNP_REPORT_SIZE + e.offset).toString(16)}`;
    const order = e.guidByteOrder === 'mixed-endian' ? ', mixed-endian GUID' : '';
    rows.push([
      `[${i}] ${e.kind}`,
      `GUID ${e.guid}${order}; ${e.length} bytes at file offset ${at}`,
    ]);
    try {
      if (e.kind === 'crl') {
        const c = parseCrl(e.data);
        rows.push(
          [`[${i}] issuer`, c.issuer.text],
          [
            `[${i}] updates`,
            `this ${c.thisUpdate.toISOString()}, next ${c.nextUpdate?.toISOString() ?? 'none'}`,
          ],
          [`[${i}] revoked`, c.revoked.map((r) => r.serialHex).join(', ') || 'none'],
        );
      } else if (e.kind !== 'extra-platform-info' && e.kind !== 'unknown') {
        const c = parseCertificate(e.data);
        rows.push(
          [`[${i}] subject`, c.subject.text],
          [`[${i}] issuer`, c.issuer.text],
          [`[${i}] serial`, c.serialHex],
          [`[${i}] validity`, dates(c.notBefore, c.notAfter)],
        );
      }
    } catch (err) {
      rows.push([`[${i}] content`, `unreadable: ${(err as Error).message}`]);
    }
  });
  return rows;
}

/** The `snp-extended-report` evidence type: report + SNP_GET_EXT_REPORT certificate table. */
export const snpExtendedReportPlugin: EvidencePlugin = {
  id: 'snp-extended-report',
  title: 'AMD SEV-SNP extended report (report + certificate table)',
  networkCollateral: ['AMD KDS'],
  fetchDependentChecks: SNP_FETCH_DEPENDENT_CHECKS,
  verifierInputs: ['reportData'],
  verifyOptions: ['collateral', 'now', 'product'],
  inspectOptions: ['product'],
  detect(file: EvidenceFile): boolean {
    return looksLikeExtendedReport(file.bytes);
  },
  inspect(file: EvidenceFile, ctx: CliContext): Promise<Inspection> {
    const { report, table } = splitExtended(file.bytes);
    const product = productOf(ctx);
    const base = inspection(parseSnpReport(report, product !== undefined ? { product } : {}));
    return Promise.resolve({
      title: `AMD SEV-SNP extended report: ${base.title}`,
      sections: [
        ...base.sections,
        {
          heading: `Certificate table at 0x${SNP_REPORT_SIZE.toString(16)} (unverified)`,
          rows: tableRows(table.parsed),
        },
      ],
    });
  },
  verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const { report, table } = splitExtended(file.bytes);
    return verification(`AMD SEV-SNP extended report${fileName(file)}`, ctx, report, table);
  },
};

/** Every SNP plugin, most specific first. */
export const snpPlugins: readonly EvidencePlugin[] = [snpExtendedReportPlugin, snpReportPlugin];
