/**
 * @module
 * `verifyReportDataBinding`: the direction "a hash of the vTPM's key inside the hardware
 * report". Three schemes: SVSM vTPM (REPORT_DATA = SHA-512(nonce ‖ manifest), AMD 58019 §7, the
 * report at VMPL 0), Azure CVM (REPORT_DATA[0:n] = H(runtime JSON bytes) ‖ zeros, spec-notes
 * snp.md §11 / tdx.md §14) and custom designs (REPORT_DATA or the CCA realm challenge =
 * H(nonce? ‖ key encoding) ‖ zeros, e.g. SHA-512 of the EK or AK public key).
 */
import { createLedger, type Ledger } from '../core/checks.js';
import { assertBytes, concatBytes, isAllZero } from '../core/bytes.js';
import { digest, samePublicKey, type PublicKeyInfo } from '../core/crypto.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { AttestError } from '../core/errors.js';
import { parseSnpReport, type SnpReport } from '../snp/index.js';
import { parseTdxQuote, type TdxQuote } from '../tdx/index.js';
import { parseCcaToken, type CcaToken } from '../cca/index.js';
import { resolveTpmKey, tpmPublicKey, type TpmKeyInput, type TpmtPublic } from '../tpm/index.js';
import { parseAzureHclReport } from './azure-hcl.js';
import { encodeSpki, encodeTpm2bPublic, jwkThumbprintInput } from './key-encoding.js';
import { SVSM_NONCE_SIZE } from './layout.js';
import { parseSvsmVtpmManifest } from './svsm.js';
import type {
  AzureHclBindingInput,
  AzureHclReport,
  AzureTdReport,
  BindingReport,
  BoundKey,
  HashBindingInput,
  ReportDataBindingCheckId,
  ReportDataBindingInput,
  ReportDataBindingVerification,
  SvsmBindingInput,
  SvsmVtpmManifest,
} from './types.js';

type Id = ReportDataBindingCheckId;

/**
 * Verifies that a hardware report binds a vTPM key through its REPORT_DATA (or a CCA realm
 * challenge). Spec: AMD 58019 rev. 1.00 §7 (SVSM), shared spec-notes snp.md §11–12 and tdx.md
 * §14 (Azure HCL), RFC 5280 / RFC 7638 / TPM 2.0 Part 2 §12.2 for the key encodings.
 *
 * Checks (`binding.*`, in order, per scheme):
 * - `svsm`: `binding.report`, `binding.report.vmpl`, `binding.nonce`, `binding.manifest`,
 *   `binding.report-data`, `binding.key.match`;
 * - `azure-hcl`: `binding.report`, `binding.report.vmpl` (SEV-SNP: VMPL 0, the paravisor's),
 *   `binding.hcl.report-type`, `binding.hcl.td-report` (TDX), `binding.key`,
 *   `binding.report-data`, `binding.report-data.padding`, `binding.key.match`;
 * - `hash`: `binding.report` (fails for an SGX enclave quote and a CCA token without a realm
 *   token: no confidential VM chose that field), `binding.key`, `binding.report-data`,
 *   `binding.report-data.padding`.
 *
 * Parsed objects given as evidence (an `SnpReport`, `TdxQuote`, `CcaToken`, `AzureHclReport`,
 * `SvsmVtpmManifest`) are read again from their `raw` bytes: their fields are not trusted.
 *
 * The hardware report's own signature is not verified here (use `verifySnpReport`,
 * `verifyTdxQuote`, `verifyCcaToken`, or `verifyConfidentialVm` which chains them).
 *
 * @param input - the scheme and its evidence.
 * @returns the ledger, the REPORT_DATA checked, the digest computed and — only when `ok` — the
 *   keys the binding proves (`boundKeys`).
 * @throws {TypeError} for a malformed input object (never for bad evidence).
 * @example
 * ```ts
 * import { verifyReportDataBinding } from 'attestkit/binding';
 * const r = await verifyReportDataBinding({ scheme: 'svsm', report, manifest, nonce });
 * if (r.ok) console.log(r.boundKeys[0]?.publicArea); // the EK the SVSM vTPM holds
 * ```
 */
export function verifyReportDataBinding(
  input: ReportDataBindingInput,
): Promise<ReportDataBindingVerification> {
  return new Promise((resolve) => resolve(verifyReportDataBindingSync(input, false)));
}

/**
 * {@link verifyReportDataBinding} for parsed objects attestkit itself produced in the same call
 * (`verifyConfidentialVm`): they are used as they are, not read again from their bytes.
 *
 * @internal
 */
export function verifyOwnReportDataBinding(
  input: ReportDataBindingInput,
): Promise<ReportDataBindingVerification> {
  return new Promise((resolve) => resolve(verifyReportDataBindingSync(input, true)));
}

/**
 * The bytes of a parsed evidence object, to parse again: an object given as evidence is as
 * untrusted as bytes, and its fields may disagree with the bytes a digest covers (an HCL report
 * whose `akPub` is not the key in its hashed runtime data, an SNP report whose `vmpl` is not the
 * VMPL in its `raw`). Bytes pass through.
 */
function ownBytes(v: unknown, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const raw = (v as { raw?: unknown } | null)?.raw;
  if (typeof v !== 'object' || v === null || !(raw instanceof Uint8Array)) {
    throw new TypeError(`${what} must be bytes or an object parsed by attestkit (with its raw)`);
  }
  return raw;
}

function verifyReportDataBindingSync(
  input: ReportDataBindingInput,
  own: boolean,
): ReportDataBindingVerification {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be an object');
  switch (input.scheme) {
    case 'svsm': {
      if (own) return verifySvsm(input);
      // The manifest version comes from the caller (`manifestVersion`, default 0), never from a
      // parsed object's `version` field: it decides how the bytes are read, and so which EK.
      return verifySvsm({
        ...input,
        report: ownBytes(input.report, 'report'),
        manifest: ownBytes(input.manifest, 'manifest'),
      });
    }
    case 'azure-hcl': {
      if (own) return verifyAzureHcl(input);
      const hclReport = ownBytes(input.hclReport, 'hclReport');
      // A given report object is read again from its own bytes, as the other schemes do: its
      // REPORT_DATA, VMPL and TD fields are what this binding rests on. Bytes that do not parse
      // are evidence: a failed binding.report, not an exception.
      let report: SnpReport | TdxQuote | undefined;
      let reportError: AttestError | undefined;
      if (input.report !== undefined) {
        try {
          report = reparsedHardware(input.report);
        } catch (e) {
          if (!(e instanceof AttestError)) throw e;
          reportError = e;
        }
      }
      return verifyAzureHcl(
        { ...input, hclReport, ...(report !== undefined ? { report } : {}) },
        reportError,
      );
    }
    case 'hash':
      return verifyHash(input, own);
    default:
      throw new TypeError(
        `unknown binding scheme ${String((input as { scheme?: unknown }).scheme)}`,
      );
  }
}

function causeOf(e: unknown): { code?: string; offset?: number; message: string } {
  if (e instanceof AttestError) {
    return {
      code: e.code,
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
      message: e.message,
    };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

function checkDigest(
  ledger: Ledger<Id>,
  reportData: Uint8Array,
  expected: Uint8Array,
  what: string,
  withPadding: boolean,
): void {
  const n = expected.length;
  const head = reportData.subarray(0, Math.min(n, reportData.length));
  const match = reportData.length >= n && equalBytes(head, expected);
  ledger.result(
    'binding.report-data',
    match,
    match ? `REPORT_DATA[0:${n}] = ${what}` : `REPORT_DATA[0:${n}] is not ${what}`,
    match ? undefined : { expected: toHex(expected), actual: toHex(head) },
  );
  if (!withPadding) return;
  const rest = reportData.subarray(Math.min(n, reportData.length));
  const zero = isAllZero(rest);
  ledger.result(
    'binding.report-data.padding',
    zero,
    rest.length === 0
      ? 'the digest fills REPORT_DATA'
      : zero
        ? `REPORT_DATA[${n}:${reportData.length}] is zero`
        : `REPORT_DATA[${n}:${reportData.length}] must be zero`,
    zero ? undefined : { expected: toHex(new Uint8Array(rest.length)), actual: toHex(rest) },
  );
}

function sameTpmKey(
  expected: TpmKeyInput,
  candidates: readonly { key: PublicKeyInfo; publicArea?: TpmtPublic }[],
): { matched: boolean; how: string } {
  const want = resolveTpmKey(expected);
  for (const c of candidates) {
    if (want.publicArea !== undefined && c.publicArea !== undefined) {
      if (equalBytes(want.publicArea.raw, c.publicArea.raw)) {
        return { matched: true, how: 'public area' };
      }
    } else if (samePublicKey(want.key, c.key)) {
      return { matched: true, how: 'public key' };
    }
  }
  return { matched: false, how: '' };
}

function recordKeyMatch(
  ledger: Ledger<Id>,
  expected: TpmKeyInput | undefined,
  candidates: readonly BoundKey[],
  what: string,
): void {
  if (expected === undefined) {
    ledger.skip('binding.key.match', 'no expected key given');
    return;
  }
  ledger.require('binding.key.match');
  if (candidates.length === 0) {
    ledger.fail('binding.key.match', `no ${what} to compare with`);
    return;
  }
  try {
    const { matched, how } = sameTpmKey(expected, candidates);
    ledger.result(
      'binding.key.match',
      matched,
      matched
        ? `the expected key is the bound ${what} (same ${how})`
        : `the expected key is not the bound ${what}`,
    );
  } catch (e) {
    ledger.fail('binding.key.match', 'the expected key cannot be read', { cause: causeOf(e) });
  }
}

// ---------------------------------------------------------------------------------------------
// SVSM

function svsmEkKeys(manifest: SvsmVtpmManifest): BoundKey[] {
  const out: BoundKey[] = [];
  for (const area of manifest.endorsementKeys) {
    try {
      out.push({ role: 'ek', source: 'svsm-manifest', key: tpmPublicKey(area), publicArea: area });
    } catch {
      // A key-less object (keyedhash, symcipher) binds no public key.
    }
  }
  return out;
}

function verifySvsm(input: SvsmBindingInput): ReportDataBindingVerification {
  assertBytes(input.nonce, 'nonce');
  const ledger = createLedger<Id>([
    { id: 'binding.report', required: true },
    { id: 'binding.report.vmpl', required: true },
    { id: 'binding.nonce', required: true },
    { id: 'binding.manifest', required: true },
    { id: 'binding.report-data', required: true },
    { id: 'binding.key.match' },
  ]);

  let report: SnpReport | undefined;
  try {
    report = input.report instanceof Uint8Array ? parseSnpReport(input.report) : input.report;
    if (
      typeof report !== 'object' ||
      report === null ||
      !(report.reportData instanceof Uint8Array)
    ) {
      throw new TypeError('report must be an SnpReport or its bytes');
    }
    ledger.pass('binding.report', `SEV-SNP report v${report.version}`);
  } catch (e) {
    if (e instanceof TypeError) throw e;
    report = undefined;
    ledger.fail('binding.report', 'the SEV-SNP report does not parse', { cause: causeOf(e) });
  }

  if (ledger.dependsOn('binding.report.vmpl', 'binding.report') && report !== undefined) {
    ledger.result(
      'binding.report.vmpl',
      report.vmpl === 0,
      report.vmpl === 0
        ? 'the report was requested at VMPL 0 (by the SVSM)'
        : `VMPL ${report.vmpl}: only the SVSM at VMPL 0 can vouch for the vTPM`,
      report.vmpl === 0 ? undefined : { expected: 0, actual: report.vmpl },
    );
  }

  const nonceOk = input.nonce.length === SVSM_NONCE_SIZE;
  ledger.result(
    'binding.nonce',
    nonceOk,
    nonceOk
      ? 'the nonce is 64 bytes'
      : `the SVSM nonce must be 64 bytes, got ${input.nonce.length}`,
    nonceOk ? undefined : { expected: SVSM_NONCE_SIZE, actual: input.nonce.length },
  );

  let manifest: SvsmVtpmManifest | undefined;
  try {
    manifest =
      input.manifest instanceof Uint8Array
        ? parseSvsmVtpmManifest(input.manifest, { version: input.manifestVersion ?? 0 })
        : input.manifest;
    if (
      typeof manifest !== 'object' ||
      manifest === null ||
      !(manifest.raw instanceof Uint8Array)
    ) {
      throw new TypeError('manifest must be an SvsmVtpmManifest or its bytes');
    }
    ledger.pass(
      'binding.manifest',
      `${manifest.kind} manifest v${manifest.version} with ${manifest.endorsementKeys.length} endorsement key(s)`,
    );
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    manifest = undefined;
    ledger.fail('binding.manifest', 'the vTPM manifest does not parse', { cause: causeOf(e) });
  }

  let digestValue: Uint8Array | undefined;
  if (
    ledger.dependsOn('binding.report-data', 'binding.report', 'binding.manifest') &&
    report !== undefined &&
    manifest !== undefined
  ) {
    digestValue = digest('sha512', concatBytes(input.nonce, manifest.raw));
    checkDigest(ledger, report.reportData, digestValue, 'SHA-512(nonce ‖ manifest)', false);
  }

  const keys = manifest !== undefined ? svsmEkKeys(manifest) : [];
  recordKeyMatch(ledger, input.expectedKey, keys, 'endorsement key');

  const v = ledger.finish();
  return {
    ...v,
    scheme: 'svsm',
    ...(report !== undefined ? { reportData: report.reportData } : {}),
    ...(digestValue !== undefined ? { digest: digestValue } : {}),
    boundKeys: v.ok ? keys : [],
    ...(manifest !== undefined ? { manifest } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Azure HCL

function isTdxQuote(r: unknown): r is TdxQuote {
  const q = r as Partial<TdxQuote>;
  return (
    typeof q === 'object' &&
    q !== null &&
    typeof q.header === 'object' &&
    typeof q.body === 'object'
  );
}

function isSnpReport(r: unknown): r is SnpReport {
  const s = r as Partial<SnpReport>;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.reportData instanceof Uint8Array &&
    typeof s.vmpl === 'number' &&
    s.raw instanceof Uint8Array
  );
}

/** An SnpReport or TdxQuote object given as evidence, parsed again from its own bytes. */
function reparsedHardware(report: unknown): SnpReport | TdxQuote {
  if (isSnpReport(report)) return parseSnpReport(report.raw);
  if (isTdxQuote(report)) return parseTdxQuote(ownBytes(report, 'report'));
  throw new TypeError('report must be an SnpReport or a TdxQuote');
}

/** Differences between a TDREPORT and the body of the TD quote made from it. */
export function tdReportProblems(td: AzureTdReport, quote: TdxQuote): string[] {
  const body = quote.body;
  if (body.kind === 'sgx') return ['the quote carries an SGX enclave report, not a TD report'];
  const problems: string[] = [];
  const bytes = (name: string, a: Uint8Array, b: Uint8Array): void => {
    if (!equalBytes(a, b)) problems.push(`${name} differs`);
  };
  if (!equalBytes(digest('sha384', td.teeTcbInfo), td.teeTcbInfoHash)) {
    problems.push('TEE_TCB_INFO_HASH is not SHA-384(TEE_TCB_INFO)');
  }
  if (!equalBytes(digest('sha384', td.tdInfo), td.teeInfoHash)) {
    problems.push('TEE_INFO_HASH is not SHA-384(TDINFO)');
  }
  bytes('REPORTDATA', td.reportData, body.reportData);
  bytes('TEE_TCB_SVN', td.teeTcbSvn, body.teeTcbSvn);
  bytes('MRSEAM', td.mrSeam, body.mrSeam);
  bytes('MRSIGNERSEAM', td.mrSignerSeam, body.mrSignerSeam);
  if (td.seamAttributes !== body.seamAttributes) problems.push('SEAMATTRIBUTES differ');
  if (td.tdAttributes !== body.tdAttributes) problems.push('TDATTRIBUTES differ');
  if (td.xfam !== body.xfam) problems.push('XFAM differs');
  bytes('MRTD', td.mrTd, body.mrTd);
  bytes('MRCONFIGID', td.mrConfigId, body.mrConfigId);
  bytes('MROWNER', td.mrOwner, body.mrOwner);
  bytes('MROWNERCONFIG', td.mrOwnerConfig, body.mrOwnerConfig);
  for (let i = 0; i < 4; i++) {
    const q = body.rtmrs[i];
    if (q === undefined || !equalBytes(td.rtmrs[i]!, q)) problems.push(`RTMR${i} differs`);
  }
  return problems;
}

function hclKeys(hcl: AzureHclReport): BoundKey[] {
  const out: BoundKey[] = [];
  for (const [k, role] of [
    [hcl.akPub, 'ak'],
    [hcl.ekPub, 'ek'],
  ] as const) {
    if (k?.key !== undefined)
      out.push({ role, source: 'hcl-runtime-data', key: k.key, jwk: k.jwk });
  }
  return out;
}

function verifyAzureHcl(
  input: AzureHclBindingInput,
  reportError?: AttestError,
): ReportDataBindingVerification {
  const ledger = createLedger<Id>([
    { id: 'binding.report', required: true },
    { id: 'binding.report.vmpl' },
    { id: 'binding.hcl.report-type', required: true },
    { id: 'binding.hcl.td-report' },
    { id: 'binding.key', required: true },
    { id: 'binding.report-data', required: true },
    { id: 'binding.report-data.padding', required: true },
    { id: 'binding.key.match' },
  ]);

  let hcl: AzureHclReport | undefined;
  try {
    hcl =
      input.hclReport instanceof Uint8Array
        ? parseAzureHclReport(input.hclReport)
        : input.hclReport;
    if (typeof hcl !== 'object' || hcl === null || !(hcl.runtimeData instanceof Uint8Array)) {
      throw new TypeError('hclReport must be an AzureHclReport or its bytes');
    }
    if (reportError !== undefined) {
      hcl = undefined;
      ledger.fail('binding.report', 'the given hardware report does not parse from its own bytes', {
        cause: causeOf(reportError),
      });
    } else {
      ledger.pass(
        'binding.report',
        `HCL report v${hcl.header.version} with a ${hcl.reportType === 'snp' ? 'SEV-SNP report' : 'TDX TDREPORT'}`,
      );
    }
  } catch (e) {
    if (e instanceof TypeError) throw e;
    hcl = undefined;
    ledger.fail('binding.report', 'the HCL report does not parse', { cause: causeOf(e) });
  }
  if (input.report !== undefined && !isSnpReport(input.report) && !isTdxQuote(input.report)) {
    throw new TypeError('report must be an SnpReport or a TdxQuote');
  }

  let reportData: Uint8Array | undefined;
  if (ledger.dependsOn('binding.hcl.report-type', 'binding.report') && hcl !== undefined) {
    const given = input.report;
    const givenKind = given === undefined ? hcl.reportType : isTdxQuote(given) ? 'tdx' : 'snp';
    const same = givenKind === hcl.reportType;
    ledger.result(
      'binding.hcl.report-type',
      same,
      same
        ? `IGVM report type ${hcl.igvmRequestData.reportTypeId} (${hcl.reportType})${
            given === undefined ? '' : ' matches the given report'
          }`
        : `the HCL report holds a ${hcl.reportType} report but a ${givenKind} report was given`,
      same ? undefined : { expected: givenKind, actual: hcl.reportType },
    );
    if (same) {
      if (hcl.reportType === 'tdx') {
        ledger.require('binding.hcl.td-report');
        if (given === undefined || hcl.tdReport === undefined) {
          ledger.skip(
            'binding.hcl.td-report',
            'no TD quote given: the TDREPORT is MAC-protected for the local CPU only, so its REPORTDATA proves nothing on its own',
          );
        } else {
          const problems = tdReportProblems(hcl.tdReport, given as TdxQuote);
          ledger.result(
            'binding.hcl.td-report',
            problems.length === 0,
            problems.length === 0
              ? 'the signed TD quote repeats the TDREPORT (REPORTDATA, MRTD, RTMRs, attributes, XFAM, SEAM)'
              : `the TD quote was not made from this TDREPORT: ${problems.join('; ')}`,
            problems.length === 0 ? undefined : { problems },
          );
          if (problems.length === 0) reportData = (given as TdxQuote).body.reportData;
        }
      } else {
        ledger.skip(
          'binding.hcl.td-report',
          'SEV-SNP flavour: the hardware report is signed itself',
        );
        // The paravisor that owns the vTPM runs at VMPL 0 and asks for its report there; a
        // report from a less privileged level (the guest OS) carries REPORT_DATA the guest
        // chose, so it binds nothing the paravisor vouches for (as the svsm scheme's check).
        ledger.require('binding.report.vmpl');
        // The given report, or else the HCL's own, read by the SEV-SNP parser.
        let snp = given as SnpReport | undefined;
        if (snp === undefined) {
          try {
            snp = parseSnpReport(hcl.hardwareReport);
          } catch (e) {
            if (!(e instanceof AttestError)) throw e;
            ledger.fail('binding.report.vmpl', "the HCL's SEV-SNP report does not parse", {
              cause: causeOf(e),
            });
          }
        }
        if (snp !== undefined) {
          const vmpl = snp.vmpl;
          ledger.result(
            'binding.report.vmpl',
            vmpl === 0,
            vmpl === 0
              ? `the SEV-SNP report was requested at VMPL 0 (the paravisor's)`
              : `VMPL ${vmpl}: only the paravisor at VMPL 0 can vouch for the vTPM`,
            vmpl === 0 ? undefined : { expected: 0, actual: vmpl },
          );
          if (vmpl === 0) reportData = snp.reportData;
        }
      }
    }
  }

  const keys = hcl !== undefined ? hclKeys(hcl) : [];
  if (ledger.dependsOn('binding.key', 'binding.report') && hcl !== undefined) {
    const ak = hcl.akPub;
    ledger.result(
      'binding.key',
      ak?.key !== undefined,
      ak?.key !== undefined
        ? `runtime data holds HCLAkPub${hcl.ekPub !== undefined ? ' and HCLEkPub' : ''}`
        : 'runtime data holds no usable HCLAkPub',
    );
  }

  let digestValue: Uint8Array | undefined;
  const blocker =
    hcl === undefined
      ? 'binding.report'
      : reportData === undefined
        ? ledger.status('binding.hcl.report-type') !== 'pass'
          ? 'binding.hcl.report-type'
          : hcl.reportType === 'snp'
            ? 'binding.report.vmpl'
            : 'binding.hcl.td-report'
        : undefined;
  if (blocker !== undefined) {
    ledger.dependsOn('binding.report-data', blocker);
    ledger.dependsOn('binding.report-data.padding', blocker);
  } else if (hcl !== undefined && reportData !== undefined) {
    const alg = hcl.igvmRequestData.reportDataHash;
    digestValue = digest(alg, hcl.runtimeData);
    checkDigest(
      ledger,
      reportData,
      digestValue,
      `${alg.toUpperCase()}(runtime data, ${hcl.runtimeData.length} bytes)`,
      true,
    );
  }

  recordKeyMatch(
    ledger,
    input.expectedKey,
    keys.filter((k) => k.role === 'ak'),
    'HCLAkPub',
  );

  const v = ledger.finish();
  return {
    ...v,
    scheme: 'azure-hcl',
    ...(reportData !== undefined ? { reportData } : {}),
    ...(digestValue !== undefined ? { digest: digestValue } : {}),
    boundKeys: v.ok ? keys : [],
    ...(hcl !== undefined ? { hclReport: hcl } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// hash

/**
 * REPORT_DATA of an SNP report or TD quote, or the realm challenge of a CCA token: the field a
 * confidential VM's own software chose. An SGX enclave quote (no TD: an enclave anyone can run
 * chose that REPORT_DATA) and a CCA token without a realm token (a PSA token or a platform token
 * alone, whose challenge the caller of the platform's attestation service picked) are refused.
 *
 * @throws {AttestError} `ERR_UNSUPPORTED` for an SGX quote or a CCA token without a realm.
 * @throws {TypeError} for an object of no known kind.
 */
export function bindingReportData(report: BindingReport): { data: Uint8Array; what: string } {
  if (isSnpReport(report)) return { data: report.reportData, what: 'SEV-SNP REPORT_DATA' };
  if (isTdxQuote(report)) {
    if (report.body.kind === 'sgx') {
      throw new AttestError('ERR_UNSUPPORTED', {
        field: 'quote.body',
        message: 'the quote carries an SGX enclave report, not a TD report',
      });
    }
    return { data: report.body.reportData, what: 'TD quote REPORTDATA' };
  }
  const token = report as Partial<CcaToken>;
  if (typeof token === 'object' && token !== null && typeof token.platform === 'object') {
    if (token.realm === undefined) {
      throw new AttestError('ERR_UNSUPPORTED', {
        field: 'token.realm',
        message: `a ${String(token.format)} token has no realm token (no realm challenge to bind)`,
      });
    }
    return { data: token.realm.claims.challenge, what: 'CCA realm challenge' };
  }
  throw new TypeError('report must be an SnpReport, a TdxQuote or a CcaToken');
}

/** A hardware report given as an object, parsed again from its own bytes. */
function reparsedReport(report: BindingReport): BindingReport {
  if (isSnpReport(report)) return parseSnpReport(report.raw);
  if (isTdxQuote(report)) return parseTdxQuote(ownBytes(report, 'report'));
  const token = report as Partial<CcaToken>;
  if (typeof token === 'object' && token !== null && typeof token.platform === 'object')
    return parseCcaToken(ownBytes(report, 'report'));
  throw new TypeError('report must be an SnpReport, a TdxQuote or a CcaToken');
}

function verifyHash(input: HashBindingInput, own: boolean): ReportDataBindingVerification {
  if (!['sha256', 'sha384', 'sha512'].includes(input.hash)) {
    throw new TypeError(`hash must be sha256, sha384 or sha512, got ${String(input.hash)}`);
  }
  if (!['tpmt-public', 'tpm2b-public', 'spki', 'jwk-thumbprint'].includes(input.encoding)) {
    throw new TypeError(`unknown key encoding ${String(input.encoding)}`);
  }
  if (input.nonce !== undefined) assertBytes(input.nonce, 'nonce');
  if (input.order !== undefined && input.order !== 'nonce-first' && input.order !== 'key-first') {
    throw new TypeError('order must be nonce-first or key-first');
  }
  let source: { data: Uint8Array; what: string } | undefined;
  let reportError: unknown;
  if (input.reportData !== undefined) {
    assertBytes(input.reportData, 'reportData');
    source = { data: input.reportData, what: 'REPORT_DATA' };
  } else if (input.report !== undefined) {
    // An object given as evidence is read again from its own bytes (see ownBytes); an object of
    // no known kind is a TypeError. A report that binds nothing (SGX, no realm) fails below.
    try {
      source = bindingReportData(own ? input.report : reparsedReport(input.report));
    } catch (e) {
      if (e instanceof TypeError) throw e;
      reportError = e;
    }
  } else {
    throw new TypeError('give report or reportData');
  }

  const ledger = createLedger<Id>([
    { id: 'binding.report', required: true },
    { id: 'binding.key', required: true },
    { id: 'binding.report-data', required: true },
    { id: 'binding.report-data.padding', required: true },
  ]);
  if (source !== undefined)
    ledger.pass('binding.report', `${source.what} (${source.data.length} bytes)`);
  else
    ledger.fail(
      'binding.report',
      reportError instanceof AttestError && reportError.code === 'ERR_UNSUPPORTED'
        ? `the report binds no key: ${reportError.message}`
        : 'the report does not parse from its own bytes',
      { cause: causeOf(reportError) },
    );

  let encoded: Uint8Array | undefined;
  let bound: BoundKey | undefined;
  try {
    const resolved = resolveTpmKey(input.key);
    // The public area (its attributes) is bound only when its bytes are what was hashed: with
    // `spki` or `jwk-thumbprint` the prover could wrap the bound key in any attributes it likes.
    const areaHashed = input.encoding === 'tpmt-public' || input.encoding === 'tpm2b-public';
    bound = {
      role: 'key',
      source: 'input',
      key: resolved.key,
      ...(areaHashed && resolved.publicArea !== undefined
        ? { publicArea: resolved.publicArea }
        : {}),
    };
    switch (input.encoding) {
      case 'tpmt-public':
      case 'tpm2b-public':
        if (resolved.publicArea === undefined) {
          throw new AttestError('ERR_MISSING_FIELD', {
            message: `the ${input.encoding} encoding needs the key as a TPM public area`,
          });
        }
        encoded =
          input.encoding === 'tpmt-public'
            ? resolved.publicArea.raw
            : encodeTpm2bPublic(resolved.publicArea.raw);
        break;
      case 'spki':
        encoded = encodeSpki(resolved.key);
        break;
      case 'jwk-thumbprint':
        encoded = jwkThumbprintInput(resolved.key);
        break;
    }
    ledger.pass('binding.key', `key encoded as ${input.encoding} (${encoded.length} bytes)`);
  } catch (e) {
    if (e instanceof TypeError) throw e;
    ledger.fail('binding.key', `the key cannot be encoded as ${input.encoding}`, {
      cause: causeOf(e),
    });
  }

  let digestValue: Uint8Array | undefined;
  if (
    ledger.dependsOn('binding.report-data', 'binding.report', 'binding.key') &&
    encoded !== undefined &&
    source !== undefined
  ) {
    const nonce = input.nonce ?? new Uint8Array(0);
    const message =
      input.order === 'key-first' ? concatBytes(encoded, nonce) : concatBytes(nonce, encoded);
    digestValue = digest(input.hash, message);
    const what =
      input.nonce === undefined
        ? `${input.hash.toUpperCase()}(${input.encoding})`
        : input.order === 'key-first'
          ? `${input.hash.toUpperCase()}(${input.encoding} ‖ nonce)`
          : `${input.hash.toUpperCase()}(nonce ‖ ${input.encoding})`;
    checkDigest(ledger, source.data, digestValue, what, true);
  } else {
    ledger.dependsOn('binding.report-data.padding', 'binding.report', 'binding.key');
  }

  const v = ledger.finish();
  return {
    ...v,
    scheme: 'hash',
    ...(source !== undefined ? { reportData: source.data } : {}),
    ...(digestValue !== undefined ? { digest: digestValue } : {}),
    boundKeys: v.ok && bound !== undefined ? [bound] : [],
  };
}
