/**
 * CLI plugin for AMD SEV-SNP attestation reports (`snp-report`): detects a bare 1184-byte report,
 * prints its fields, and verifies it. Collateral comes from the demo manifest (`vcek`, `vlek`,
 * `chain`, `crl`, `certTable` file names, `rootPins`, `now`, `product`, `policy`, `requireCrl`)
 * or, outside the demo, from `--collateral DIR` (vcek.der|pem, vlek.der|pem, ask_ark.pem /
 * cert_chain.pem, crl.der|pem, certs.bin) or files of those names next to the report.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  parseSnpReport,
  snpKdsUrls,
  verifySnpReport,
  SNP_REPORT_SIZE,
  type SnpEvidence,
  type SnpProduct,
  type SnpReport,
  type SnpTcb,
  type SnpVerifyOptions,
} from '../../snp/index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  Inspection,
} from '../registry.js';

const PRODUCTS: readonly string[] = ['Milan', 'Genoa', 'Turin'];

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function tcbText(t: SnpTcb | undefined, raw: bigint): string {
  if (t === undefined) return `0x${raw.toString(16).padStart(16, '0')} (layout unknown)`;
  const fmc = t.fmc !== undefined ? `fmc ${t.fmc}, ` : '';
  return `${fmc}bl ${t.bootloader}, tee ${t.tee}, snp ${t.snp}, ucode ${t.microcode}`;
}

function productOf(ctx: CliContext): SnpProduct | undefined {
  const p = ctx.manifest?.product;
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

function readCert(ctx: CliContext, path: string): Uint8Array | string {
  return path.endsWith('.pem') ? ctx.readText(path) : ctx.readFile(path);
}

function collateral(
  ctx: CliContext,
  report: Uint8Array,
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
    const table = file('certTable');
    if (vcek !== undefined) ev.vcek = readCert(ctx, vcek);
    if (vlek !== undefined) ev.vlek = readCert(ctx, vlek);
    if (chain !== undefined) ev.chain = readCert(ctx, chain);
    if (crl !== undefined) ev.crl = readCert(ctx, crl);
    if (table !== undefined) ev.certTable = ctx.readFile(table);
    if (typeof m.rootPins === 'object' && m.rootPins !== null) {
      options.rootPins = m.rootPins;
    }
    if (typeof m.now === 'string') options.now = new Date(m.now);
    if (typeof m.policy === 'object' && m.policy !== null) options.policy = m.policy;
    if (m.requireCrl === true) options.requireCrl = true;
  } else {
    const vcek = findFile(ctx, ['vcek.der', 'vcek.pem', 'vcek.crt']);
    const vlek = findFile(ctx, ['vlek.der', 'vlek.pem']);
    const chain = findFile(ctx, ['ask_ark.pem', 'cert_chain.pem', 'chain.pem', 'asvk_ark.pem']);
    const crl = findFile(ctx, ['crl.der', 'crl.pem']);
    const table = findFile(ctx, ['certs.bin', 'auxblob.bin']);
    if (vcek !== undefined) ev.vcek = readCert(ctx, vcek);
    if (vlek !== undefined) ev.vlek = readCert(ctx, vlek);
    if (chain !== undefined) ev.chain = readCert(ctx, chain);
    else if (ctx.collateralDir !== undefined) {
      // AMD's KDS names: ask_ark_<product>.pem / asvk_ark_<product>.pem.
      const bundles = readdirSync(ctx.collateralDir).filter((n) =>
        /^as(v)?k_ark_\w+\.pem$/.test(n),
      );
      if (bundles.length > 0)
        ev.chain = bundles.map((n) => ctx.readText(join(ctx.collateralDir!, n))).join('\n');
    }
    if (crl !== undefined) ev.crl = readCert(ctx, crl);
    if (table !== undefined) ev.certTable = ctx.readFile(table);
  }
  const product = productOf(ctx);
  if (product !== undefined) options.product = product;
  if (ctx.now !== undefined) options.now = ctx.now;
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

/** The `snp-report` evidence type. */
export const snpReportPlugin: EvidencePlugin = {
  id: 'snp-report',
  title: 'AMD SEV-SNP attestation report',
  detect(file: EvidenceFile): boolean {
    return looksLikeReport(file.bytes);
  },
  async inspect(file: EvidenceFile, ctx: CliContext): Promise<Inspection> {
    const product = productOf(ctx);
    return Promise.resolve(
      inspection(parseSnpReport(file.bytes, product !== undefined ? { product } : {})),
    );
  },
  async verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
    const { evidence, options } = collateral(ctx, file.bytes);
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
      const src = r.certificates.sources;
      if (src.leaf !== undefined)
        facts.push([
          'certificates',
          Object.entries(src)
            .map(([k, v]) => `${k} from ${v}`)
            .join(', '),
        ]);
    }
    if (options.now !== undefined) facts.push(['verification time', options.now.toISOString()]);
    if (options.rootPins !== undefined)
      facts.push(['root pins', 'REPLACED by the caller (test roots)']);
    return {
      title: `AMD SEV-SNP attestation report${isAbsolute(file.path) ? ` ${file.path.split('/').pop() ?? ''}` : ''}`,
      ok: r.ok,
      checks: r.checks,
      facts,
      result: r,
    };
  },
};

/** Every SNP plugin, most specific first. */
export const snpPlugins: readonly EvidencePlugin[] = [snpReportPlugin];
