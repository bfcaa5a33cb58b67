/**
 * @module
 * `verifyConfidentialVm`: one call for a whole confidential VM. It verifies the hardware evidence
 * (SEV-SNP report + certificates, TDX quote + collateral, or CCA token), the vTPM ↔ hardware
 * binding in either direction, that the quote's AK is the bound key (or certified by / activated
 * against the bound EK), the vTPM quote itself, and the event log against the quoted PCRs; then
 * applies one policy across all stages. Each stage keeps its own ledger; `ok` applies the core
 * ledger rule to all of them together.
 */
import { assertValidNow, createLedger, ledgerOk, type Check, type Ledger } from '../core/checks.js';
import { assertBytes } from '../core/bytes.js';
import { copyPlain } from '../core/share.js';
import { publicKeyToJwk, samePublicKey, type PublicKeyInfo } from '../core/crypto.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { AttestError } from '../core/errors.js';
import { verifySnpReport, type SnpReport, type SnpVerification } from '../snp/index.js';
import { verifyTdxQuote, type TdxQuote, type TdxVerification } from '../tdx/index.js';
import { verifyCcaToken, type CcaToken, type CcaVerification } from '../cca/index.js';
import { credentialEk } from '../tpm/credential.js';
import {
  resolveTpmKey,
  tpmName,
  verifyTpmCertify,
  verifyTpmQuote,
  type PcrBankName,
  type TpmCertifyVerification,
  type TpmKeyInput,
  type TpmQuoteVerification,
  type TpmtPublic,
} from '../tpm/index.js';
import {
  parseTcgEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootSummary,
  type EventLogVerification,
  type TcgEventLog,
} from '../eventlog/index.js';
import { parseAzureHclReportCached } from './azure-hcl.js';
import { verifyPcrBinding } from './pcr-binding.js';
import { verifyOwnReportDataBinding, verifyReportDataBinding } from './report-data.js';
import type {
  ActivationCredential,
  AzureHclReport,
  BoundKey,
  ConfidentialVmCheckId,
  ConfidentialVmClaims,
  ConfidentialVmEvidence,
  ConfidentialVmVerification,
  ConfidentialVmVerifyOptions,
  CvmBindingSpec,
  PcrBindingVerification,
  ReportDataBindingVerification,
} from './types.js';

type Id = ConfidentialVmCheckId;
type HardwareResult = SnpVerification | TdxVerification | CcaVerification;
type Parsed =
  | { kind: 'snp'; report: SnpReport }
  | { kind: 'tdx'; quote: TdxQuote }
  | { kind: 'cca'; token: CcaToken };

/**
 * Bound EKs tried against an AK certification when the evidence does not say which EK made it
 * (`tpm.ekPublic`): a manifest may list several, a hostile one hundreds.
 */
const MAX_CERTIFY_CANDIDATES = 8;

const CHECKS: readonly { id: Id; required?: boolean }[] = [
  { id: 'binding.cvm.hardware', required: true },
  { id: 'binding.cvm.binding', required: true },
  { id: 'binding.cvm.ak', required: true },
  { id: 'binding.cvm.quote', required: true },
  { id: 'binding.cvm.nonce', required: true },
  { id: 'binding.cvm.event-log' },
  { id: 'binding.policy.pcrs' },
  { id: 'binding.policy.secure-boot' },
  { id: 'binding.policy.vm-configuration' },
  { id: 'binding.policy.user-data' },
];

function causeOf(e: unknown): { code?: string; message: string } {
  if (e instanceof AttestError) return { code: e.code, message: e.message };
  return { message: e instanceof Error ? e.message : String(e) };
}

function failedIds(checks: readonly Check[]): string[] {
  return checks
    .filter((c) => c.status === 'fail' || (c.required && c.status === 'skip'))
    .map((c) => c.id);
}

function stageResult(
  ledger: Ledger<Id>,
  id: Id,
  what: string,
  v: { ok: boolean; checks: readonly Check[] },
): void {
  const bad = failedIds(v.checks);
  ledger.result(
    id,
    v.ok,
    v.ok ? `${what} verified` : `${what} did not verify (${bad.join(', ')})`,
    v.ok ? undefined : { failedChecks: bad },
  );
}

function validate(
  evidence: ConfidentialVmEvidence,
  options: ConfidentialVmVerifyOptions,
): CvmBindingSpec[] {
  if (typeof evidence !== 'object' || evidence === null)
    throw new TypeError('evidence must be an object');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const hw = evidence.hardware as { kind?: unknown } | undefined;
  if (typeof hw !== 'object' || hw === null || !['snp', 'tdx', 'cca'].includes(hw.kind as string)) {
    throw new TypeError("hardware must be { kind: 'snp' | 'tdx' | 'cca', … }");
  }
  if (typeof evidence.tpm !== 'object' || evidence.tpm === null) {
    throw new TypeError('tpm must be { attest, signature, … }');
  }
  assertBytes(evidence.tpm.attest, 'tpm.attest');
  assertBytes(evidence.tpm.signature, 'tpm.signature');
  if (evidence.nonce !== undefined) assertBytes(evidence.nonce, 'nonce');
  if (options.now !== undefined) assertValidNow(options.now, 'now');
  if (options.credential !== undefined) {
    const c = options.credential as Partial<ActivationCredential> | null;
    if (typeof c !== 'object' || c === null) {
      throw new TypeError('credential must be { secret, ekPublic, akName }');
    }
    assertBytes(c.secret, 'credential.secret');
    assertBytes(c.akName, 'credential.akName');
    if (c.ekPublic === undefined) throw new TypeError('credential.ekPublic is required');
  }
  // A policy that names nothing would pass vacuously: a check that cannot fail.
  const pol = options.policy;
  if (pol?.pcrs !== undefined) {
    const named = Object.values(pol.pcrs as Record<string, object | undefined>).reduce(
      (n, v) => n + (typeof v === 'object' && v !== null ? Object.keys(v).length : 0),
      0,
    );
    if (named === 0) throw new TypeError('policy.pcrs names no PCR');
  }
  if (
    pol?.azureVmConfiguration !== undefined &&
    Object.keys(pol.azureVmConfiguration).length === 0
  ) {
    throw new TypeError('policy.azureVmConfiguration names no member');
  }
  const proof = evidence.tpm.akProof as
    { kind?: unknown; activated?: unknown; nonce?: unknown } | undefined;
  if (proof !== undefined) {
    // An unknown kind was once read as an activation.
    if (proof?.kind === 'activation') assertBytes(proof.activated, 'tpm.akProof.activated');
    else if (proof?.kind !== 'certify')
      throw new TypeError("tpm.akProof.kind must be 'certify' or 'activation'");
    // The prover could name the nonce its old certify was made for: a stale certify would pass.
    else if (proof.nonce !== undefined)
      throw new TypeError(
        "tpm.akProof.nonce is not accepted: a certify must carry the verifier's nonce",
      );
  }
  const specs = (
    Array.isArray(evidence.binding) ? evidence.binding : [evidence.binding]
  ) as CvmBindingSpec[];
  if (specs.length === 0) throw new TypeError('binding must name at least one scheme');
  for (const s of specs) {
    if (typeof s !== 'object' || s === null) throw new TypeError('each binding must be an object');
    switch (s.scheme) {
      case 'azure-hcl':
        if (hw.kind === 'cca')
          throw new TypeError('the azure-hcl scheme needs SEV-SNP or TDX hardware evidence');
        if (
          !(s.hclReport instanceof Uint8Array) &&
          !((s.hclReport as { raw?: unknown } | null)?.raw instanceof Uint8Array)
        ) {
          throw new TypeError('hclReport must be bytes or an AzureHclReport with its raw bytes');
        }
        break;
      case 'svsm':
        if (hw.kind !== 'snp')
          throw new TypeError('the svsm scheme needs SEV-SNP hardware evidence');
        if (evidence.nonce === undefined)
          throw new TypeError('the svsm scheme needs the 64-byte nonce');
        if (![undefined, 0, 1].includes(s.manifestVersion))
          throw new TypeError('manifestVersion must be 0 or 1');
        break;
      case 'hash':
        if (s.key === 'ek' && evidence.tpm.ekPublic === undefined) {
          throw new TypeError('the hash binding names the EK but tpm.ekPublic is missing');
        }
        if (s.key === 'ak' && evidence.tpm.akPublic === undefined) {
          throw new TypeError('the hash binding names the AK but tpm.akPublic is missing');
        }
        if (s.includeNonce === true && evidence.nonce === undefined) {
          throw new TypeError('includeNonce needs the bundle nonce');
        }
        break;
      case 'pcr':
        if (evidence.eventLog === undefined)
          throw new TypeError('the pcr scheme needs the event log');
        if (
          s.pcrIndex !== undefined &&
          !(Number.isInteger(s.pcrIndex) && s.pcrIndex >= 0 && s.pcrIndex < 24)
        )
          throw new TypeError('pcrIndex must be an integer 0-23');
        break;
      default:
        throw new TypeError(`unknown binding scheme ${String((s as { scheme?: unknown }).scheme)}`);
    }
  }
  return specs;
}

/**
 * Verifies a whole confidential VM in one call: hardware evidence, vTPM binding (either
 * direction), the AK, the vTPM quote and the event log, with one policy across all stages.
 * Spec: the platform specs of each stage (see `verifySnpReport`, `verifyTdxQuote`,
 * `verifyCcaToken`, `verifyTpmQuote`, `verifyEventLog`) and the binding schemes of
 * `verifyReportDataBinding` / `verifyPcrBinding`.
 *
 * Own checks, in order: `binding.cvm.hardware`, `binding.cvm.binding`, `binding.cvm.ak`,
 * `binding.cvm.quote`, `binding.cvm.nonce`, `binding.cvm.event-log` (required with
 * `requireEventLog`), `binding.policy.pcrs`, `binding.policy.secure-boot`,
 * `binding.policy.vm-configuration`, `binding.policy.user-data` (required when the policy names
 * them). `ok` holds only when these and every stage's checks satisfy the ledger rule.
 *
 * @param evidence - hardware evidence, binding scheme(s), the vTPM quote (+ AK, EK, AK proof),
 *   the event log and the verifier's nonce.
 * @param options - `now`, `cache`, the cross-stage `policy`, per-platform options, `allowSha1`,
 *   `requireEventLog`.
 * @returns the combined `ok`, this function's checks, each stage's ledger (`stages`) and the
 *   claims a policy engine consumes.
 * @throws {TypeError} for a malformed evidence bundle or options (never for bad evidence).
 * @example
 * ```ts
 * import { verifyConfidentialVm } from 'attestkit/binding';
 * const r = await verifyConfidentialVm({
 *   hardware: { kind: 'snp', chain: vcekPemBundle },
 *   binding: { scheme: 'azure-hcl', hclReport },
 *   tpm: { attest, signature, signatureScheme: { scheme: 'rsassa', hash: 'sha256' }, pcrs },
 *   nonce,
 * });
 * if (r.ok) console.log(r.claims.measurement, r.claims.pcrs.sha256?.[7]);
 * ```
 */
export async function verifyConfidentialVm(
  evidence: ConfidentialVmEvidence,
  options: ConfidentialVmVerifyOptions = {},
): Promise<ConfidentialVmVerification> {
  const specs = validate(evidence, options);
  const now = options.now ?? new Date();
  const cache = options.cache;
  const policy = options.policy ?? {};
  const ledger = createLedger<Id>(CHECKS);

  // The HCL report carries the SEV-SNP report on Azure: parse it first, once per input in the
  // cache (errors surface in the binding stage, which parses again from the same bytes). A report
  // given parsed is read again from its own bytes: its fields are evidence too, and could
  // disagree with the runtime data the hardware report binds.
  const azureSpec = specs.find((s) => s.scheme === 'azure-hcl');
  const hclBytes =
    azureSpec === undefined
      ? undefined
      : azureSpec.hclReport instanceof Uint8Array
        ? azureSpec.hclReport
        : azureSpec.hclReport.raw;
  let hcl: AzureHclReport | undefined;
  if (hclBytes !== undefined) {
    try {
      hcl = parseAzureHclReportCached(hclBytes, cache);
    } catch {
      hcl = undefined;
    }
  }

  // With a cache, the HCL report is the memo's (sealed) and later calls read it: each result
  // holds its own copy of it and of what it holds of it (core share.ts).
  const memoHcl = cache !== undefined ? hcl : undefined;
  const shownHcl = (h: AzureHclReport): AzureHclReport =>
    memoHcl !== undefined && h === memoHcl ? copyPlain(h) : h;
  const shownStage = (
    s: ReportDataBindingVerification | PcrBindingVerification,
  ): ReportDataBindingVerification | PcrBindingVerification =>
    'scheme' in s && s.hclReport !== undefined && s.hclReport === memoHcl
      ? {
          ...s,
          ...(s.reportData !== undefined ? { reportData: copyPlain(s.reportData) } : {}),
          boundKeys: copyPlain(s.boundKeys),
          hclReport: shownHcl(s.hclReport),
        }
      : s;

  // 1. Hardware evidence.
  const hw = evidence.hardware;
  let hardware: HardwareResult | undefined;
  let parsed: Parsed | undefined;
  if (hw.kind === 'snp') {
    const { kind: _kind, report: givenReport, ...rest } = hw;
    const report = givenReport ?? (hcl?.reportType === 'snp' ? hcl.hardwareReport : undefined);
    if (report === undefined) {
      ledger.fail(
        'binding.cvm.hardware',
        'no SEV-SNP report: give hardware.report or an SNP-flavoured HCL report',
      );
    } else {
      const v = await verifySnpReport(
        { ...rest, report },
        {
          ...options.snp,
          now,
          ...(cache !== undefined ? { cache } : {}),
          ...(policy.snp !== undefined ? { policy: policy.snp } : {}),
        },
      );
      hardware = v;
      if (v.report !== undefined) parsed = { kind: 'snp', report: v.report };
      stageResult(ledger, 'binding.cvm.hardware', 'SEV-SNP report', v);
    }
  } else if (hw.kind === 'tdx') {
    const v = await verifyTdxQuote(
      { quote: hw.quote, ...(hw.collateral !== undefined ? { collateral: hw.collateral } : {}) },
      {
        ...options.tdx,
        now,
        ...(cache !== undefined ? { cache } : {}),
        ...(policy.tdx !== undefined ? { policy: policy.tdx } : {}),
      },
    );
    hardware = v;
    if (v.quote?.body.kind === 'sgx') {
      // verifyTdxQuote verifies SGX quotes too; an enclave is not a confidential VM, and its
      // REPORT_DATA is whatever any enclave on a genuine platform chose.
      ledger.fail('binding.cvm.hardware', 'an SGX enclave quote, not a TD quote', {
        expected: 'td',
        actual: 'sgx',
      });
    } else {
      if (v.quote !== undefined) parsed = { kind: 'tdx', quote: v.quote };
      stageResult(ledger, 'binding.cvm.hardware', 'TD quote', v);
    }
  } else {
    const v = await verifyCcaToken(hw.token, {
      ...options.cca,
      now,
      ...(cache !== undefined ? { cache } : {}),
      ...(policy.cca !== undefined ? { policy: policy.cca } : {}),
    });
    hardware = v;
    if (v.token !== undefined && (v.token.format !== 'cca' || v.token.realm === undefined)) {
      // A PSA token, or a CCA platform token alone, attests a device, not a realm: there is no
      // realm measurement and no realm challenge to bind a vTPM key with.
      ledger.fail('binding.cvm.hardware', `a ${v.token.format} token, without a realm token`, {
        expected: 'cca',
        actual: v.token.format,
      });
    } else {
      if (v.token !== undefined) parsed = { kind: 'cca', token: v.token };
      stageResult(ledger, 'binding.cvm.hardware', 'CCA token', v);
    }
  }

  // 2. Report-data bindings (hardware → vTPM key).
  const tpm = evidence.tpm;
  const bindingStages: (ReportDataBindingVerification | PcrBindingVerification)[] = [];
  const bound: { scheme: string; key: BoundKey }[] = [];
  const bindingProblems: string[] = [];
  for (const spec of specs) {
    if (spec.scheme === 'pcr') continue;
    let stage: ReportDataBindingVerification | undefined;
    if (spec.scheme === 'azure-hcl') {
      const report =
        parsed?.kind === 'snp' ? parsed.report : parsed?.kind === 'tdx' ? parsed.quote : undefined;
      // The first HCL report was parsed above, from its own bytes; any other is verified from its
      // own bytes too (each binding its own).
      const input = {
        scheme: 'azure-hcl',
        ...(report !== undefined ? { report } : {}),
        ...(tpm.akPublic !== undefined ? { expectedKey: tpm.akPublic } : {}),
      } as const;
      stage =
        spec === azureSpec
          ? await verifyOwnReportDataBinding({ ...input, hclReport: hcl ?? hclBytes! })
          : await verifyReportDataBinding({ ...input, hclReport: spec.hclReport });
    } else if (spec.scheme === 'svsm') {
      const report =
        parsed?.kind === 'snp' ? parsed.report : hw.kind === 'snp' ? hw.report : undefined;
      if (report !== undefined) {
        stage = await verifyReportDataBinding({
          scheme: 'svsm',
          report,
          manifest: spec.manifest,
          nonce: evidence.nonce!,
          ...(spec.manifestVersion !== undefined ? { manifestVersion: spec.manifestVersion } : {}),
          ...(tpm.ekPublic !== undefined ? { expectedKey: tpm.ekPublic } : {}),
        });
      }
    } else {
      const report =
        parsed?.kind === 'snp'
          ? parsed.report
          : parsed?.kind === 'tdx'
            ? parsed.quote
            : parsed?.token;
      if (report !== undefined) {
        const key = (spec.key === 'ek' ? tpm.ekPublic : tpm.akPublic)!;
        // The report is the verified hardware result's, parsed by attestkit from its bytes.
        stage = await verifyOwnReportDataBinding({
          scheme: 'hash',
          report,
          hash: spec.hash,
          encoding: spec.encoding,
          key,
          ...(spec.includeNonce === true ? { nonce: evidence.nonce! } : {}),
          ...(spec.order !== undefined ? { order: spec.order } : {}),
        });
        if (stage.ok) {
          for (const k of stage.boundKeys)
            bound.push({ scheme: 'hash', key: { ...k, role: spec.key } });
        }
        bindingStages.push(stage);
        if (!stage.ok) bindingProblems.push(`hash (${failedIds(stage.checks).join(', ')})`);
        continue;
      }
    }
    if (stage === undefined) {
      bindingProblems.push(
        `${spec.scheme} (no hardware report it can bind to: see binding.cvm.hardware)`,
      );
      continue;
    }
    bindingStages.push(stage);
    if (stage.ok) for (const k of stage.boundKeys) bound.push({ scheme: spec.scheme, key: k });
    else bindingProblems.push(`${spec.scheme} (${failedIds(stage.checks).join(', ')})`);
  }

  // 3. The AK: bound directly, or tied to a bound EK.
  let akKey: PublicKeyInfo | undefined;
  let akInput: TpmKeyInput | undefined = tpm.akPublic;
  let akPublicArea: TpmtPublic | undefined;
  let akCertify: TpmCertifyVerification | undefined;
  let akAreaUnbound = false;
  if (akInput === undefined) {
    const boundAk = bound.find((b) => b.key.role === 'ak');
    if (boundAk !== undefined)
      akInput = boundAk.key.jwk ?? boundAk.key.publicArea ?? publicKeyToJwk(boundAk.key.key);
  }
  if (akInput !== undefined) {
    try {
      const r = resolveTpmKey(akInput);
      akKey = r.key;
      akPublicArea = r.publicArea;
    } catch (e) {
      if (e instanceof TypeError) throw e;
      ledger.fail('binding.cvm.ak', 'the AK cannot be read', { cause: causeOf(e) });
    }
  }
  if (ledger.status('binding.cvm.ak') === undefined) {
    const boundAk =
      akKey !== undefined
        ? bound.find((b) => b.key.role !== 'ek' && samePublicKey(b.key.key, akKey))
        : undefined;
    const boundEks = bound.filter((b) => b.key.role === 'ek');
    const proof = tpm.akProof;
    if (akKey === undefined) {
      ledger.fail('binding.cvm.ak', 'no AK: give tpm.akPublic or bind one (e.g. HCLAkPub)');
    } else if (boundAk !== undefined) {
      ledger.pass('binding.cvm.ak', `the quote's AK is the key bound by ${boundAk.scheme}`);
      // A key bound by its SPKI or JWK (HCLAkPub) binds no attributes: a public area the prover
      // puts around it only claims them (a certify or activation would bind them by its Name).
      akAreaUnbound =
        akPublicArea !== undefined &&
        !bound.some((b) => b.key.publicArea && equalBytes(b.key.publicArea.raw, akPublicArea.raw));
    } else if (boundEks.length === 0) {
      ledger.fail(
        'binding.cvm.ak',
        'the AK is not bound to the hardware report (no binding names it, and no bound EK can vouch for it)',
      );
    } else if (proof === undefined) {
      ledger.fail(
        'binding.cvm.ak',
        'the EK is bound, but nothing ties the AK to it (give tpm.akProof: certify or activation)',
      );
    } else if (proof.kind === 'certify') {
      if (akPublicArea === undefined) {
        ledger.fail(
          'binding.cvm.ak',
          'a certified AK must be given as a TPM public area (its Name is certified)',
        );
      } else {
        // A manifest may bind several EKs: the certification passes when one of them made it (the
        // first one's result is reported when none did). With tpm.ekPublic only that EK is tried,
        // and without it at most MAX_CERTIFY_CANDIDATES (a hostile manifest may list hundreds).
        let given: PublicKeyInfo | undefined;
        try {
          if (tpm.ekPublic !== undefined) given = resolveTpmKey(tpm.ekPublic).key;
        } catch (e) {
          if (e instanceof TypeError) throw e;
          // An unreadable EK matches no bound one: reported below.
        }
        const candidates = (
          tpm.ekPublic === undefined
            ? boundEks
            : boundEks.filter((b) => given !== undefined && samePublicKey(b.key.key, given))
        ).slice(0, MAX_CERTIFY_CANDIDATES);
        let certifier: (typeof boundEks)[number] | undefined;
        for (const bek of candidates) {
          const ek = bek.key;
          const r = await verifyTpmCertify(
            {
              attest: proof.attest,
              signature: proof.signature,
              ...(proof.signatureScheme !== undefined
                ? { signatureScheme: proof.signatureScheme }
                : {}),
              signerPublic: ek.publicArea ?? ek.jwk ?? publicKeyToJwk(ek.key),
              objectPublic: akPublicArea,
            },
            {
              // The verifier's nonce, never one the evidence names: an old certify is stale.
              ...(evidence.nonce !== undefined ? { nonce: evidence.nonce } : {}),
              ...(options.allowSha1 === true ? { allowSha1: true } : {}),
              ...(cache !== undefined ? { cache } : {}),
              // Only a restricted signing key refuses to sign a forged TPMS_ATTEST (TPM2_Sign of
              // any digest): an EK given as SPKI/JWK cannot show that, so it cannot certify.
              requireRestrictedSigner: true,
            },
          );
          if (akCertify === undefined || r.ok) akCertify = r;
          if (r.ok) {
            certifier = bek;
            break;
          }
        }
        if (akCertify === undefined) {
          ledger.fail('binding.cvm.ak', 'tpm.ekPublic is not one of the bound EKs');
        } else {
          ledger.result(
            'binding.cvm.ak',
            certifier !== undefined,
            certifier !== undefined
              ? `the bound EK certified the AK (${certifier.scheme})`
              : `the EK's certification of the AK did not verify (${failedIds(akCertify.checks).join(', ')}${boundEks.length > candidates.length && given === undefined ? `; ${candidates.length} of ${boundEks.length} bound EKs tried, give tpm.ekPublic` : ''})`,
          );
        }
      }
    } else {
      // The secret, EK and AK Name are the verifier's (options.credential): taken from the
      // evidence, any prover could "activate" any AK by sending a secret and itself as the answer.
      const cred = options.credential;
      if (cred === undefined) {
        ledger.fail(
          'binding.cvm.ak',
          'an activation proof needs options.credential: the secret, EK and AK Name the verifier gave makeCredential',
        );
      } else if (akPublicArea === undefined) {
        ledger.fail(
          'binding.cvm.ak',
          'an activated AK must be given as a TPM public area (the credential names it)',
        );
      } else {
        try {
          const ek = resolveTpmKey(cred.ekPublic);
          const area = ek.publicArea;
          const byKey = boundEks.filter((b) => samePublicKey(b.key.key, ek.key));
          // Only a bound public area says what the EK is: an EK bound by its SPKI or JWK may be an
          // unrestricted decryption key (TPM2_RSA_Decrypt / TPM2_ECDH_ZGen open any credential)
          // presented in a public area that claims restricted|decrypt.
          const isArea = (b: BoundKey | undefined): boolean =>
            area !== undefined &&
            b?.publicArea !== undefined &&
            equalBytes(b.publicArea.raw, area.raw);
          const boundEk = byKey.find((b) => isArea(b.key)) ?? byKey[0];
          const boundArea = boundEk?.key.publicArea;
          const sameArea = isArea(boundEk?.key);
          const sameAk = equalBytes(tpmName(akPublicArea), cred.akName);
          const secretOk = cred.secret.length > 0 && equalBytes(cred.secret, proof.activated);
          let notEk: string | undefined;
          if (boundArea !== undefined && sameArea && sameAk && secretOk) {
            // makeCredential's own EK check (a fixedTPM, fixedParent restricted decryption key,
            // AES-CFB, RSA ≥ 2048): a credential for any other key cannot be trusted to stay in
            // the TPM.
            try {
              credentialEk(boundArea);
            } catch (e) {
              if (e instanceof TypeError) throw e;
              notEk = causeOf(e).message;
            }
          }
          ledger.result(
            'binding.cvm.ak',
            sameArea && sameAk && secretOk && notEk === undefined,
            boundEk === undefined
              ? 'the credential was made for an EK other than the bound one'
              : boundArea === undefined
                ? `the EK is bound by its key alone (${boundEk.scheme}): its attributes are unknown`
                : !sameArea
                  ? "credential.ekPublic is not the bound EK's public area"
                  : !sameAk
                    ? "the credential was made for another AK Name than the quote's AK"
                    : notEk !== undefined
                      ? `the bound EK cannot take a credential: ${notEk}`
                      : secretOk
                        ? `the TPM holding the bound EK activated the credential made for the AK (${boundEk.scheme})`
                        : 'the activated credential does not match the secret',
          );
        } catch (e) {
          if (e instanceof TypeError) throw e;
          ledger.fail('binding.cvm.ak', 'the activation EK cannot be read', {
            cause: causeOf(e),
          });
        }
      }
    }
  }

  // 4. The vTPM quote.
  let quote: TpmQuoteVerification | undefined;
  if (akInput !== undefined && akKey !== undefined) {
    quote = await verifyTpmQuote(
      {
        attest: tpm.attest,
        signature: tpm.signature,
        ...(tpm.signatureScheme !== undefined ? { signatureScheme: tpm.signatureScheme } : {}),
        akPublic: akInput,
        ...(tpm.pcrs !== undefined ? { pcrs: tpm.pcrs } : {}),
      },
      {
        ...(evidence.nonce !== undefined ? { nonce: evidence.nonce } : {}),
        ...(options.allowSha1 === true ? { allowSha1: true } : {}),
        ...(cache !== undefined ? { cache } : {}),
      },
    );
    // The quote's checks are this call's own objects (ledger.finish builds them).
    const attributes = quote.checks.find((c) => c.id === 'tpm.quote.ak-attributes');
    if (akAreaUnbound && attributes?.status === 'pass') {
      Object.assign(attributes, {
        status: 'warn',
        message: 'AK attributes claimed, not bound: the binding covers the key alone',
      });
    }
    stageResult(ledger, 'binding.cvm.quote', 'vTPM quote', quote);
  } else {
    ledger.fail('binding.cvm.quote', 'the quote cannot be verified without an AK');
  }
  const nonceCheck = quote?.checks.find((c) => c.id === 'tpm.quote.nonce');
  if (evidence.nonce === undefined) {
    ledger.skip('binding.cvm.nonce', 'no nonce given: the evidence could be a replay');
  } else if (nonceCheck === undefined) {
    ledger.dependsOn('binding.cvm.nonce', 'binding.cvm.quote');
  } else {
    ledger.result(
      'binding.cvm.nonce',
      nonceCheck.status === 'pass',
      nonceCheck.status === 'pass'
        ? "the quote's extraData is the verifier's nonce"
        : `the quote is not fresh: ${nonceCheck.message}`,
    );
  }

  // 5. PCR bindings (the report inside a vTPM PCR).
  let log: TcgEventLog | undefined;
  let logError: unknown;
  if (evidence.eventLog !== undefined) {
    try {
      log =
        evidence.eventLog instanceof Uint8Array
          ? parseTcgEventLog(evidence.eventLog)
          : evidence.eventLog;
    } catch (e) {
      logError = e;
    }
  }
  for (const spec of specs) {
    if (spec.scheme !== 'pcr') continue;
    const raw =
      parsed?.kind === 'snp'
        ? parsed.report.raw
        : parsed?.kind === 'tdx'
          ? parsed.quote.raw
          : parsed?.token.raw;
    if (raw === undefined || quote === undefined) {
      bindingProblems.push(
        `pcr (${raw === undefined ? 'no hardware report it can bind to: see binding.cvm.hardware' : 'no verified quote'})`,
      );
      continue;
    }
    const stage = await verifyPcrBinding({
      report: raw,
      eventLog: log ?? (evidence.eventLog as Uint8Array),
      pcrs: quote,
      ...(spec.pcrIndex !== undefined ? { pcrIndex: spec.pcrIndex } : {}),
    });
    bindingStages.push(stage);
    if (!stage.ok) bindingProblems.push(`pcr (${failedIds(stage.checks).join(', ')})`);
  }
  const okSchemes = specs
    .map((s) => s.scheme)
    .filter((_, i) => bindingProblems.every((p) => !p.startsWith(`${specs[i]!.scheme} `)));
  ledger.result(
    'binding.cvm.binding',
    bindingProblems.length === 0,
    bindingProblems.length === 0
      ? `vTPM bound to the hardware report (${specs.map((s) => s.scheme).join(', ')})`
      : `binding did not verify: ${bindingProblems.join('; ')}`,
    bindingProblems.length === 0 ? undefined : { problems: bindingProblems },
  );

  // 6. The event log against the quoted PCRs.
  let eventLog: EventLogVerification | undefined;
  if (options.requireEventLog === true) ledger.require('binding.cvm.event-log');
  if (evidence.eventLog === undefined) {
    ledger.skip('binding.cvm.event-log', 'no event log given');
  } else if (log === undefined) {
    ledger.fail('binding.cvm.event-log', 'the event log does not parse', {
      cause: causeOf(logError),
    });
  } else if (
    ledger.dependsOn('binding.cvm.event-log', 'binding.cvm.quote') &&
    quote !== undefined
  ) {
    ledger.require('binding.cvm.event-log');
    eventLog = await verifyEventLog(log, { pcrs: quote.pcrs });
    stageResult(
      ledger,
      'binding.cvm.event-log',
      'event log replay against the quoted PCRs',
      eventLog,
    );
  }

  // 7. Policy across stages.
  const quotedPcrs = quote?.ok === true ? quote.pcrs : {};
  if (policy.pcrs === undefined) {
    ledger.skip('binding.policy.pcrs', 'policy.pcrs not given');
  } else {
    ledger.require('binding.policy.pcrs');
    const problems: { bank: string; index: number; expected: string; actual?: string }[] = [];
    let n = 0;
    for (const [bank, values] of Object.entries(policy.pcrs) as [
      PcrBankName,
      Record<number, Uint8Array>,
    ][]) {
      for (const [i, want] of Object.entries(values)) {
        n++;
        const got = quotedPcrs[bank]?.[Number(i)];
        if (got === undefined || !equalBytes(got, want)) {
          problems.push({
            bank,
            index: Number(i),
            expected: toHex(want),
            ...(got !== undefined ? { actual: toHex(got) } : {}),
          });
        }
      }
    }
    ledger.result(
      'binding.policy.pcrs',
      problems.length === 0,
      problems.length === 0
        ? `${n} PCR value(s) signed by the quote and as expected`
        : `${problems.length} PCR value(s) unsigned or not as expected`,
      problems.length === 0 ? undefined : { problems },
    );
  }

  let boot: BootSummary | undefined;
  if (log !== undefined && eventLog?.ok === true) {
    try {
      boot = summarizeBoot(log, { verification: eventLog });
    } catch {
      boot = undefined;
    }
  }
  if (policy.requireSecureBoot !== true) {
    ledger.skip('binding.policy.secure-boot', 'policy.requireSecureBoot not set');
  } else {
    ledger.require('binding.policy.secure-boot');
    if (ledger.dependsOn('binding.policy.secure-boot', 'binding.cvm.event-log')) {
      const sb = boot?.secureBoot;
      const on = sb?.value.enabled === true && sb.bound;
      ledger.result(
        'binding.policy.secure-boot',
        on,
        on
          ? 'Secure Boot enabled, per events the quote covers'
          : sb === undefined
            ? 'the event log does not record the SecureBoot variable'
            : sb.bound
              ? `Secure Boot is ${sb.value.mode}`
              : 'the SecureBoot event is not covered by the verified replay',
      );
    }
  }

  const azureStage = bindingStages.find(
    (s): s is ReportDataBindingVerification => 'scheme' in s && s.scheme === 'azure-hcl',
  );
  const azureOk = azureStage?.ok === true ? azureStage.hclReport : undefined;
  if (policy.azureVmConfiguration === undefined) {
    ledger.skip('binding.policy.vm-configuration', 'policy.azureVmConfiguration not given');
  } else {
    ledger.require('binding.policy.vm-configuration');
    if (azureOk === undefined) {
      ledger.skip('binding.policy.vm-configuration', 'no verified Azure HCL runtime data');
    } else {
      const cfg = azureOk.vmConfiguration ?? {};
      const problems = Object.entries(policy.azureVmConfiguration)
        .filter(([k, want]) => cfg[k] !== want)
        .map(([k, want]) => ({ member: k, expected: want, actual: cfg[k] }));
      ledger.result(
        'binding.policy.vm-configuration',
        problems.length === 0,
        problems.length === 0
          ? 'vm-configuration as expected'
          : `vm-configuration differs: ${problems.map((p) => p.member).join(', ')}`,
        problems.length === 0 ? undefined : { problems },
      );
    }
  }
  if (policy.azureUserData === undefined) {
    ledger.skip('binding.policy.user-data', 'policy.azureUserData not given');
  } else {
    ledger.require('binding.policy.user-data');
    if (azureOk === undefined) {
      ledger.skip('binding.policy.user-data', 'no verified Azure HCL runtime data');
    } else {
      const got = azureOk.userData;
      const same = got !== undefined && equalBytes(got, policy.azureUserData);
      ledger.result(
        'binding.policy.user-data',
        same,
        same ? 'user-data as expected' : 'user-data differs',
        same
          ? undefined
          : {
              expected: toHex(policy.azureUserData),
              actual: got !== undefined ? toHex(got) : null,
            },
      );
    }
  }

  const own = ledger.finish();
  const stageChecks: Check[] = [
    ...(hardware?.checks ?? []),
    ...bindingStages.flatMap((s): readonly Check[] => s.checks),
    ...(akCertify?.checks ?? []),
    ...(quote?.checks ?? []),
    ...(eventLog?.checks ?? []),
  ];
  const ok = own.ok && ledgerOk(stageChecks);

  const claims = buildClaims(parsed, hw.kind, hardware, {
    schemes: okSchemes,
    akKey: quote?.ok === true ? akKey : undefined,
    quotedPcrs,
    boot,
    azure: azureOk,
  });
  return {
    ok,
    checks: own.checks,
    stages: {
      ...(hardware !== undefined ? { hardware } : {}),
      bindings: bindingStages.map(shownStage),
      ...(akCertify !== undefined ? { akCertify } : {}),
      ...(quote !== undefined ? { quote } : {}),
      ...(eventLog !== undefined ? { eventLog } : {}),
    },
    claims,
  };
}

function hexPcrs(
  p: Partial<Record<PcrBankName, Record<number, Uint8Array>>>,
): ConfidentialVmClaims['pcrs'] {
  const out: Partial<Record<PcrBankName, Record<number, string>>> = {};
  for (const [bank, values] of Object.entries(p) as [PcrBankName, Record<number, Uint8Array>][]) {
    const hexed: Record<string, string> = {};
    for (const [i, v] of Object.entries(values)) hexed[i] = toHex(v);
    out[bank] = hexed;
  }
  return out;
}

function buildClaims(
  parsed: Parsed | undefined,
  platform: 'snp' | 'tdx' | 'cca',
  hardware: HardwareResult | undefined,
  extra: {
    schemes: readonly string[];
    akKey: PublicKeyInfo | undefined;
    quotedPcrs: Partial<Record<PcrBankName, Record<number, Uint8Array>>>;
    boot: BootSummary | undefined;
    azure: AzureHclReport | undefined;
  },
): ConfidentialVmClaims {
  const base = {
    platform,
    bindings: extra.schemes,
    ...(extra.akKey !== undefined ? { ak: publicKeyToJwk(extra.akKey) } : {}),
    pcrs: hexPcrs(extra.quotedPcrs),
    ...(extra.boot !== undefined ? { boot: extra.boot } : {}),
    ...(extra.azure?.vmConfiguration !== undefined
      ? { azureVmConfiguration: extra.azure.vmConfiguration }
      : {}),
    ...(extra.azure?.userData !== undefined ? { azureUserData: toHex(extra.azure.userData) } : {}),
  };
  if (parsed?.kind === 'snp') {
    const r = parsed.report;
    const tcb = r.tcb?.reported;
    return {
      ...base,
      measurement: toHex(r.measurement),
      reportData: toHex(r.reportData),
      hostData: toHex(r.hostData),
      vmpl: r.vmpl,
      debug: r.policy.debug,
      tcb: {
        reported:
          tcb !== undefined ? { ...tcb, raw: tcb.raw.toString() } : r.reportedTcb.toString(),
        ...((hardware as SnpVerification | undefined)?.product !== undefined
          ? { product: (hardware as SnpVerification).product }
          : {}),
      },
    };
  }
  if (parsed?.kind === 'tdx') {
    const body = parsed.quote.body;
    const v = hardware as TdxVerification | undefined;
    const tcb = {
      ...(v?.tcbStatus !== undefined ? { status: v.tcbStatus } : {}),
      advisoryIds: v?.advisoryIds ?? [],
    };
    if (body.kind === 'sgx') return { ...base, reportData: toHex(body.reportData), tcb };
    return {
      ...base,
      measurement: toHex(body.mrTd),
      runtimeMeasurements: body.rtmrs.map((m) => toHex(m)),
      reportData: toHex(body.reportData),
      debug: body.tdAttributesView.debug,
      tcb,
    };
  }
  if (parsed?.kind === 'cca') {
    const realm = parsed.token.realm?.claims;
    return {
      ...base,
      ...(realm !== undefined
        ? {
            measurement: toHex(realm.initialMeasurement),
            runtimeMeasurements: realm.extensibleMeasurements.map((m) => toHex(m)),
            reportData: toHex(realm.challenge),
          }
        : { reportData: toHex(parsed.token.platform.claims.challenge) }),
      tcb: { lifecycle: parsed.token.platform.claims.lifecycleState },
    };
  }
  return base;
}
