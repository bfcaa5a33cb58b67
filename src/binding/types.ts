/**
 * @module
 * Types of `attestkit/binding`: the parsed Azure HCL report and SVSM vTPM manifest, the inputs
 * and results of the two binding directions (a vTPM key hash inside the hardware report; a
 * hardware-report hash inside a vTPM PCR), and the whole-CVM evidence bundle and result.
 */
import type { AttestCache } from '../core/cache.js';
import type { Verification } from '../core/checks.js';
import type { HashAlg, PublicKeyInfo } from '../core/crypto.js';
import type {
  PcrBankName,
  PcrBanks,
  TpmCertifyVerification,
  TpmKeyInput,
  TpmQuoteVerification,
  TpmRawSignatureScheme,
  TpmtPublic,
} from '../tpm/index.js';
import type {
  SnpEvidence,
  SnpPolicy,
  SnpReport,
  SnpVerification,
  SnpVerifyOptions,
} from '../snp/index.js';
import type {
  TdxCollateral,
  TdxPolicy,
  TdxQuote,
  TdxVerification,
  TdxVerifyOptions,
} from '../tdx/index.js';
import type { CcaPolicy, CcaToken, CcaVerification, CcaVerifyOptions } from '../cca/index.js';
import type { BootSummary, EventLogVerification, TcgEventLog } from '../eventlog/index.js';

// ---------------------------------------------------------------------------------------------
// Azure HCL report

/** The 32-byte header of an Azure HCL report. */
export interface AzureHclHeader {
  /** `signature`: 0x414C4348 (`HCLA`). */
  readonly signature: number;
  /** `version`: 1 (Milan-era) or 2 (Genoa, TDX); both share one layout. */
  readonly version: number;
  /** `report_size`: 0x20 + 1184 + 20 + variable_data_size (the meaningful length). */
  readonly reportSize: number;
  /** `request_type` (2 seen). */
  readonly requestType: number;
  /** `status` (0 seen). */
  readonly status: number;
}

/** The IGVM request data that precedes the runtime JSON (HCL report bytes 0x4C0–0x4D3). */
export interface AzureHclIgvmRequestData {
  /** `data_size`: 20 + variable_data_size. */
  readonly dataSize: number;
  /** `version` (1 seen). */
  readonly version: number;
  /** `report_type`: 2 = SEV-SNP, 4 = TDX. */
  readonly reportTypeId: number;
  /** `report_data_hash_type`: 1 = SHA-256, 2 = SHA-384, 3 = SHA-512. */
  readonly reportDataHashType: number;
  /** The hash named by `report_data_hash_type`. */
  readonly reportDataHash: 'sha256' | 'sha384' | 'sha512';
  /** `variable_data_size`: length of the runtime JSON. */
  readonly variableDataSize: number;
}

/**
 * The fields of a TDX TDREPORT_STRUCT that a TD quote's body repeats (TDX module ABI:
 * REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO). The TDREPORT is MAC-protected for the local CPU only:
 * these values are claims until a signed TD quote with the same body is verified.
 */
export interface AzureTdReport {
  /** The 1024 TDREPORT bytes. */
  readonly raw: Uint8Array;
  /** REPORTTYPE (4 bytes: type 0x81, subtype, version, reserved). */
  readonly reportType: Uint8Array;
  /** CPUSVN. */
  readonly cpuSvn: Uint8Array;
  /** TEE_TCB_INFO_HASH: SHA-384 of TEE_TCB_INFO. */
  readonly teeTcbInfoHash: Uint8Array;
  /** TEE_INFO_HASH: SHA-384 of TDINFO. */
  readonly teeInfoHash: Uint8Array;
  /** REPORTDATA. */
  readonly reportData: Uint8Array;
  /** MAC (verifiable only by the CPU that made it). */
  readonly mac: Uint8Array;
  /** The 239 TEE_TCB_INFO bytes. */
  readonly teeTcbInfo: Uint8Array;
  /** The 512 TDINFO bytes. */
  readonly tdInfo: Uint8Array;
  /** TEE_TCB_INFO.TEE_TCB_SVN. */
  readonly teeTcbSvn: Uint8Array;
  /** TEE_TCB_INFO.MRSEAM. */
  readonly mrSeam: Uint8Array;
  /** TEE_TCB_INFO.MRSIGNERSEAM. */
  readonly mrSignerSeam: Uint8Array;
  /** TEE_TCB_INFO.ATTRIBUTES (SEAM attributes). */
  readonly seamAttributes: bigint;
  /** TDINFO.ATTRIBUTES. */
  readonly tdAttributes: bigint;
  /** TDINFO.XFAM. */
  readonly xfam: bigint;
  /** TDINFO.MRTD. */
  readonly mrTd: Uint8Array;
  /** TDINFO.MRCONFIGID. */
  readonly mrConfigId: Uint8Array;
  /** TDINFO.MROWNER. */
  readonly mrOwner: Uint8Array;
  /** TDINFO.MROWNERCONFIG. */
  readonly mrOwnerConfig: Uint8Array;
  /** TDINFO.RTMR0–3. */
  readonly rtmrs: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  /** TDINFO.SERVTD_HASH. */
  readonly servTdHash: Uint8Array;
}

/** One key of the runtime JSON `keys` array. */
export interface AzureHclKey {
  /** `kid` (`HCLAkPub`, `HCLEkPub`, …). */
  readonly kid?: string;
  /** `key_ops` as written (older reports mark the signing AK `["encrypt"]`). */
  readonly keyOps: readonly string[];
  /** `kty`. */
  readonly kty: string;
  /**
   * The public members only (`kty`, `n`, `e` or `kty`, `crv`, `x`, `y`): a JWK that
   * `verifyTpmQuote` and WebCrypto accept whatever `key_ops` said.
   */
  readonly jwk: JsonWebKey;
  /** The key as plain data; absent for a key type attestkit does not decode. */
  readonly key?: PublicKeyInfo;
}

/**
 * A parsed Azure HCL report (spec-notes snp.md §11, tdx.md §14). Everything here is what the
 * paravisor claims; the binding is proven only by `verifyReportDataBinding` (scheme
 * `'azure-hcl'`) over a hardware report whose signature was verified.
 */
export interface AzureHclReport {
  /** A copy of the whole buffer as given (including its zero padding). */
  readonly raw: Uint8Array;
  /** The 32-byte `HCLA` header at offset 0x00 (its 12 reserved bytes must be zero). */
  readonly header: AzureHclHeader;
  /** Which hardware report the HCL report carries. */
  readonly reportType: 'snp' | 'tdx';
  /**
   * The hardware report: the 1184-byte SEV-SNP ATTESTATION_REPORT, or the 1024-byte TDREPORT.
   */
  readonly hardwareReport: Uint8Array;
  /** The decoded TDREPORT (TDX flavour only). */
  readonly tdReport?: AzureTdReport;
  /** REPORT_DATA of the hardware report (64 bytes): a claim until that report is verified. */
  readonly reportData: Uint8Array;
  /**
   * The 20-byte IGVM request data at offset 0x4C0: which hardware report, which hash binds the
   * runtime data, and the runtime data's size.
   */
  readonly igvmRequestData: AzureHclIgvmRequestData;
  /** The runtime data (variable data) exactly as stored: the bytes REPORT_DATA hashes. */
  readonly runtimeData: Uint8Array;
  /** The runtime data parsed as JSON. */
  readonly runtimeJson: Readonly<Record<string, unknown>>;
  /** The `keys` array. */
  readonly keys: readonly AzureHclKey[];
  /** `HCLAkPub`: the vTPM attestation key (the key that signs vTPM quotes). */
  readonly akPub?: AzureHclKey;
  /** `HCLEkPub`: the vTPM endorsement key (newer reports). */
  readonly ekPub?: AzureHclKey;
  /** `vm-configuration`, as parsed. */
  readonly vmConfiguration?: Readonly<Record<string, unknown>>;
  /** `user-data` decoded from hex (the 64 bytes last written to NV 0x01400002). */
  readonly userData?: Uint8Array;
  /** Zero bytes after the runtime data (the NV buffer is 2048 or 2600 bytes). */
  readonly paddingSize: number;
}

// ---------------------------------------------------------------------------------------------
// SVSM

/** One entry of an SVSM services manifest GUID table. */
export interface SvsmServiceEntry {
  /** The service GUID in text form (decoded from the mixed-endian bytes). */
  readonly guid: string;
  /** Offset of the entry's data from the start of the manifest. */
  readonly offset: number;
  /** Size of the entry's data. */
  readonly size: number;
  /** The entry's data (for the vTPM service: a vTPM manifest). */
  readonly data: Uint8Array;
}

/**
 * A parsed SVSM vTPM attestation manifest. `raw` is exactly what the SVSM hashed with the nonce
 * into REPORT_DATA. The endorsement keys are claims until that binding is verified.
 */
export interface SvsmVtpmManifest {
  /** The manifest bytes as given. */
  readonly raw: Uint8Array;
  /**
   * `'single-service'`: the vTPM manifest itself (SVSM_ATTEST_SINGLE_SERVICE);
   * `'services'`: the services GUID table (SVSM_ATTEST_SERVICES) holding a vTPM entry.
   */
  readonly kind: 'single-service' | 'services';
  /**
   * vTPM manifest version: 0 = the EK TPMT_PUBLIC (58019 §8); 1 = a u32 count followed by that
   * many TPMT_PUBLIC structures, one per primary endorsement key (svsm-devel proposal, 2025).
   */
  readonly version: 0 | 1;
  /** Services manifest only: every GUID-table entry. */
  readonly services?: readonly SvsmServiceEntry[];
  /** The vTPM manifest bytes (for `'services'`, the vTPM entry's data). */
  readonly vtpmManifest: Uint8Array;
  /** The endorsement keys' public areas, in manifest order. */
  readonly endorsementKeys: readonly TpmtPublic[];
}

/** Options of `parseSvsmVtpmManifest`. */
export interface SvsmManifestParseOptions {
  /**
   * vTPM manifest version of a single-service manifest (the caller asked the SVSM for it).
   * Default 0. For a services manifest the version of its vTPM entry.
   */
  readonly version?: 0 | 1;
}

// ---------------------------------------------------------------------------------------------
// verifyReportDataBinding

/** Hashes the `'hash'` scheme accepts. */
export type BindingHash = 'sha256' | 'sha384' | 'sha512';

/**
 * How the `'hash'` scheme encodes the key before hashing.
 * - `tpmt-public`: the TPMT_PUBLIC bytes (what a TPM Name hashes);
 * - `tpm2b-public`: u16 size ‖ TPMT_PUBLIC;
 * - `spki`: DER SubjectPublicKeyInfo;
 * - `jwk-thumbprint`: the RFC 7638 thumbprint input (the canonical JSON of the required
 *   members), so that without a nonce REPORT_DATA holds the RFC 7638 thumbprint computed with
 *   the chosen hash.
 */
export type BindingKeyEncoding = 'tpmt-public' | 'tpm2b-public' | 'spki' | 'jwk-thumbprint';

/** A hardware report whose REPORT_DATA (or realm challenge) carries a binding. */
export type BindingReport = SnpReport | TdxQuote | CcaToken;

/** SVSM vTPM: REPORT_DATA = SHA-512(nonce ‖ manifest), the report at VMPL 0. */
export interface SvsmBindingInput {
  /**
   * Selects the SVSM vTPM binding (AMD 58019 §7): REPORT_DATA = SHA-512(nonce ‖ manifest) in a
   * report generated at VMPL 0.
   */
  readonly scheme: 'svsm';
  /** The SEV-SNP report (parsed, or its 1184 bytes). */
  readonly report: SnpReport | Uint8Array;
  /** The manifest the SVSM returned with the report (parsed, or its bytes). */
  readonly manifest: Uint8Array | SvsmVtpmManifest;
  /** The 64-byte nonce the verifier gave the SVSM. */
  readonly nonce: Uint8Array;
  /** vTPM manifest version the verifier asked for (single-service manifests). Default 0. */
  readonly manifestVersion?: 0 | 1;
  /** The EK the TPM evidence uses; when given it must be one of the manifest's keys. */
  readonly expectedKey?: TpmKeyInput;
}

/** Azure CVM: REPORT_DATA[0:n] = H(runtime JSON bytes), the rest zero. */
export interface AzureHclBindingInput {
  /**
   * Selects the Azure HCL binding: REPORT_DATA = H(runtime data) with H named by
   * `report_data_hash_type`, the rest of the 64 bytes zero.
   */
  readonly scheme: 'azure-hcl';
  /** The HCL report (parsed, or its bytes as read from NV 0x01400001). */
  readonly hclReport: Uint8Array | AzureHclReport;
  /**
   * The verified hardware report to check the binding against: an SNP report, or the signed TD
   * quote (TDX flavour, whose body must also repeat the TDREPORT). Default: the hardware report
   * inside the HCL report itself — for TDX that is only MAC-protected, so the check warns.
   */
  readonly report?: SnpReport | TdxQuote;
  /** The AK the TPM quote is verified with; when given it must equal `HCLAkPub`. */
  readonly expectedKey?: TpmKeyInput;
}

/** Custom designs: REPORT_DATA (or CCA realm challenge) = H(nonce? ‖ key encoding) ‖ zeros. */
export interface HashBindingInput {
  /**
   * Selects the generic binding: REPORT_DATA (or the CCA challenge) = H(key encoding), with the
   * nonce (when given) hashed before or after it per `order`, followed by zeros.
   */
  readonly scheme: 'hash';
  /** The hardware report (SNP report, TD quote, CCA token). Give this or `reportData`. */
  readonly report?: BindingReport;
  /** The 64-byte REPORT_DATA / challenge directly. Give this or `report`. */
  readonly reportData?: Uint8Array;
  /**
   * The hash H; its 32-, 48- or 64-byte output must open REPORT_DATA and every byte after it must
   * be zero.
   */
  readonly hash: BindingHash;
  /**
   * How the key is serialised before hashing; `tpmt-public` and `tpm2b-public` need the key as a
   * TPM public area.
   */
  readonly encoding: BindingKeyEncoding;
  /** The bound key (EK or AK): TPM public area, SPKI, PEM, JWK or parsed TpmtPublic. */
  readonly key: TpmKeyInput;
  /** Bytes hashed before (default) or after the key encoding. Default: none. */
  readonly nonce?: Uint8Array;
  /** Where the nonce goes. Default `'nonce-first'`. */
  readonly order?: 'nonce-first' | 'key-first';
}

/** Input of `verifyReportDataBinding`. */
export type ReportDataBindingInput = SvsmBindingInput | AzureHclBindingInput | HashBindingInput;

/** Check ids of `verifyReportDataBinding` (each scheme reports its own subset, in this order). */
export type ReportDataBindingCheckId =
  | 'binding.report'
  | 'binding.report.vmpl'
  | 'binding.nonce'
  | 'binding.manifest'
  | 'binding.hcl.report-type'
  | 'binding.hcl.td-report'
  | 'binding.key'
  | 'binding.report-data'
  | 'binding.report-data.padding'
  | 'binding.key.match';

/** A key the binding proves (when the result is `ok`) belongs to the attested VM. */
export interface BoundKey {
  /** `ek`: an endorsement key (SVSM, HCLEkPub); `ak`: an attestation key; `key`: unspecified. */
  readonly role: 'ek' | 'ak' | 'key';
  /** Where it came from. */
  readonly source: 'svsm-manifest' | 'hcl-runtime-data' | 'input';
  /**
   * The public key itself (`{ kind: 'rsa', n, e }` or `{ kind: 'ec', curve, x, y }`), comparable
   * with the AK or EK the TPM evidence uses.
   */
  readonly key: PublicKeyInfo;
  /**
   * The TPM public area, when the binding covers its bytes (an SVSM manifest, the `tpmt-public`
   * and `tpm2b-public` encodings): only then are its attributes bound too. A key bound by its SPKI
   * or JWK thumbprint has none, whatever form it was given in.
   */
  readonly publicArea?: TpmtPublic;
  /** The JWK (Azure runtime data). */
  readonly jwk?: JsonWebKey;
}

/** Result of `verifyReportDataBinding`. */
export interface ReportDataBindingVerification extends Verification<ReportDataBindingCheckId> {
  /** The scheme that was checked (the input's `scheme`). */
  readonly scheme: 'svsm' | 'azure-hcl' | 'hash';
  /** The REPORT_DATA (or challenge) that was checked. */
  readonly reportData?: Uint8Array;
  /** The digest the scheme computed. */
  readonly digest?: Uint8Array;
  /** Keys bound to the hardware report; trust them only when `ok`. */
  readonly boundKeys: readonly BoundKey[];
  /** The SVSM manifest (scheme `'svsm'`). */
  readonly manifest?: SvsmVtpmManifest;
  /** The HCL report (scheme `'azure-hcl'`). */
  readonly hclReport?: AzureHclReport;
}

// ---------------------------------------------------------------------------------------------
// verifyPcrBinding

/** Input of `verifyPcrBinding`. */
export interface PcrBindingInput {
  /** The hardware report bytes that were measured (or any parsed object with `raw`). */
  readonly report:
    | Uint8Array
    | {
        /** The exact report bytes that were measured. */
        readonly raw: Uint8Array;
      };
  /** The vTPM's TCG event log (bytes or parsed). */
  readonly eventLog: Uint8Array | TcgEventLog;
  /**
   * The quoted PCR values: a `verifyTpmQuote` result (its `pcrs` hold only PCRs inside the signed
   * selection) or plain banks (then `binding.pcr.quote` skips unless `allowUnquotedPcrs`).
   */
  readonly pcrs: TpmQuoteVerification | PcrBanks;
  /**
   * The PCR the report must be in. Default: wherever a matching event is found, except PCRs 16
   * and 23, which software can reset and extend at any time (TPM2_PCR_Reset at locality 0): a
   * report there passes only when named here, and `binding.pcr.event` then warns.
   */
  readonly pcrIndex?: number;
}

/** Options of `verifyPcrBinding`. */
export interface PcrBindingOptions {
  /**
   * Accept plain PcrBanks not coming from a verified quote (recorded as `warn`). Default false:
   * values a prover merely claims prove nothing.
   */
  readonly allowUnquotedPcrs?: boolean;
}

/** Check ids of `verifyPcrBinding`, in report order. */
export type PcrBindingCheckId =
  | 'binding.pcr.log'
  | 'binding.pcr.quote'
  | 'binding.pcr.event'
  | 'binding.pcr.digest'
  | 'binding.pcr.selection'
  | 'binding.pcr.replay';

/** An event that carries the report. */
export interface PcrBindingEvent {
  /** Index of the event in the log. */
  readonly index: number;
  /** `pcrIndex` of the event: the PCR it extends. */
  readonly pcrIndex: number;
  /** `eventType` of the event (PFP table 9). */
  readonly type: number;
  /** `EV_…` name of `type` (`EV_UNKNOWN_0x…` for values the PFP does not define). */
  readonly typeName: string;
  /** `data`: the event data is the report; `digest`: a digest equals the report's hash. */
  readonly matchedBy: 'data' | 'digest';
}

/** Result of `verifyPcrBinding`. */
export interface PcrBindingVerification extends Verification<PcrBindingCheckId> {
  /** The PCR that holds the report. */
  readonly pcrIndex?: number;
  /** The event(s) that extended the report into that PCR. */
  readonly events: readonly PcrBindingEvent[];
  /** Banks in which the PCR was quoted and replayed to the quoted value. */
  readonly banks: readonly PcrBankName[];
}

// ---------------------------------------------------------------------------------------------
// verifyConfidentialVm

/** AMD SEV-SNP hardware evidence (the report may come from the HCL report instead). */
export interface SnpHardwareEvidence extends Omit<SnpEvidence, 'report'> {
  /** Discriminant: AMD SEV-SNP, verified with `verifySnpReport`. */
  readonly kind: 'snp';
  /** The report; optional with the `'azure-hcl'` scheme (then taken from the HCL report). */
  readonly report?: SnpEvidence['report'];
}

/** Intel TDX hardware evidence: the signed TD quote and its collateral. */
export interface TdxHardwareEvidence {
  /** Discriminant: Intel TDX, verified with `verifyTdxQuote`. */
  readonly kind: 'tdx';
  /** The signed TD quote (v4 or v5): its bytes, or a parsed `TdxQuote`. */
  readonly quote: Uint8Array | TdxQuote;
  /**
   * PCS collateral for the quote (TCB info, QE identity, CRLs and their issuer chains). Default:
   * none; `options.tdx.fetcher` may supply it, otherwise the collateral checks skip and `ok` is
   * false unless `options.tdx.requireCollateral` is false.
   */
  readonly collateral?: TdxCollateral;
}

/** Arm CCA hardware evidence: the attestation token. */
export interface CcaHardwareEvidence {
  /** Discriminant: Arm CCA, verified with `verifyCcaToken`. */
  readonly kind: 'cca';
  /** The CCA attestation token (platform and realm tokens): its bytes, or a parsed `CcaToken`. */
  readonly token: Uint8Array | CcaToken;
}

/** The hardware evidence of a CVM. */
export type HardwareEvidence = SnpHardwareEvidence | TdxHardwareEvidence | CcaHardwareEvidence;

/** How the bundle binds the vTPM to the hardware. Several may be combined. */
export type CvmBindingSpec =
  /** Azure CVM: the HCL report (AK and EK in its runtime data). */
  | {
      /** Azure HCL binding (see `AzureHclBindingInput`). */
      readonly scheme: 'azure-hcl';
      /** The HCL report: its bytes as read from vTPM NV index 0x01400001, or parsed. */
      readonly hclReport: Uint8Array | AzureHclReport;
    }
  /** SVSM vTPM: the manifest returned with the report; the nonce is the bundle's. */
  | {
      /**
       * SVSM vTPM binding (see `SvsmBindingInput`); needs SEV-SNP evidence and the bundle's nonce.
       */
      readonly scheme: 'svsm';
      /** The manifest the SVSM returned with the report (bytes or parsed). */
      readonly manifest: Uint8Array | SvsmVtpmManifest;
      /** vTPM manifest version the verifier asked for (single-service manifests). Default 0. */
      readonly manifestVersion?: 0 | 1;
    }
  /** A hash of the bundle's EK or AK in REPORT_DATA / the realm challenge. */
  | {
      /** Generic key-hash binding (see `HashBindingInput`). */
      readonly scheme: 'hash';
      /** The hash of the key encoding (and nonce). */
      readonly hash: BindingHash;
      /** How the key is serialised before hashing. */
      readonly encoding: BindingKeyEncoding;
      /** Which TPM key is bound. */
      readonly key: 'ek' | 'ak';
      /** Hash the bundle's nonce with the key. Default false. */
      readonly includeNonce?: boolean;
      /** Where the nonce goes when `includeNonce` is set. Default `'nonce-first'`. */
      readonly order?: 'nonce-first' | 'key-first';
    }
  /** The reverse direction: the hardware report measured into a vTPM PCR. */
  | {
      /** PCR binding (see `verifyPcrBinding`); needs the bundle's event log. */
      readonly scheme: 'pcr';
      /**
       * The PCR that must hold the report (0–23). Default: wherever a matching event is found,
       * except the software-resettable PCRs 16 and 23, accepted (as `warn`) only when named here.
       */
      readonly pcrIndex?: number;
    };

/** AK certified by a (bound) EK, or activated against it. */
export type AkProof =
  /**
   * TPM2_Certify of the AK signed by the EK (a signing EK, as SVSM vTPMs may offer); its
   * `extraData` must be the verifier's nonce (`evidence.nonce`).
   */
  | {
      /** TPM2_Certify proof. */
      readonly kind: 'certify';
      /**
       * TPMS_ATTEST of the TPM2_Certify (TPM_ST_ATTEST_CERTIFY) whose certified Name is the AK's.
       */
      readonly attest: Uint8Array;
      /** The EK's signature over `attest`: a TPMT_SIGNATURE, or raw with `signatureScheme`. */
      readonly signature: Uint8Array;
      /** Set only when `signature` is a bare signature: its scheme and hash. */
      readonly signatureScheme?: TpmRawSignatureScheme;
      // No `nonce`: the certify's extraData must be the verifier's nonce (`evidence.nonce`). A
      // nonce named by the evidence would let an old certify pass; passing one is a TypeError.
    }
  /**
   * Credential activation: what the prover's TPM2_ActivateCredential returned. What the verifier
   * made the credential from (secret, EK, AK Name) is the verifier's own state and comes in
   * `options.credential`, never from the evidence.
   */
  | {
      /** Credential-activation proof. */
      readonly kind: 'activation';
      /** What TPM2_ActivateCredential returned on the prover; must equal the verifier's secret. */
      readonly activated: Uint8Array;
    };

/**
 * The verifier's side of a credential activation: what it gave `makeCredential(ekPublic, akName,
 * secret)` before asking the prover to activate. Kept by the verifier between the two rounds.
 */
export interface ActivationCredential {
  /** The secret wrapped by `makeCredential` (must not be empty). */
  readonly secret: Uint8Array;
  /** The EK the credential was made for: it must be an EK the binding proves. */
  readonly ekPublic: TpmKeyInput;
  /** The AK Name the credential was made for: it must be the Name of the quote's AK. */
  readonly akName: Uint8Array;
}

/** The vTPM part of the bundle. */
export interface CvmTpmEvidence {
  /** TPMS_ATTEST of the quote. */
  readonly attest: Uint8Array;
  /** TPMT_SIGNATURE, or raw with `signatureScheme` (Azure quotes are raw RSASSA-SHA256). */
  readonly signature: Uint8Array;
  /**
   * Set only when `signature` is a bare signature rather than a TPMT_SIGNATURE: its scheme and hash
   * (Azure vTPM quotes: `{ scheme: 'rsassa', hash: 'sha256' }`).
   */
  readonly signatureScheme?: TpmRawSignatureScheme;
  /** The AK; default: the key the binding proves (e.g. HCLAkPub). */
  readonly akPublic?: TpmKeyInput;
  /** The EK public area (needed when the binding names the EK). */
  readonly ekPublic?: TpmKeyInput;
  /** PCR values the prover claims (only signed ones are used). */
  readonly pcrs?: PcrBanks;
  /** How the AK is tied to a bound EK. */
  readonly akProof?: AkProof;
}

/** Input of `verifyConfidentialVm`. */
export interface ConfidentialVmEvidence {
  /**
   * The hardware evidence: an SEV-SNP report with its certificates, a TD quote with its collateral,
   * or a CCA token.
   */
  readonly hardware: HardwareEvidence;
  /**
   * How the vTPM is bound to the hardware: one scheme, or several that must all verify (`svsm`
   * needs SEV-SNP, `azure-hcl` SEV-SNP or TDX, `pcr` the event log).
   */
  readonly binding: CvmBindingSpec | readonly CvmBindingSpec[];
  /**
   * The vTPM evidence: the quote (TPMS_ATTEST and signature), the AK and EK, the claimed PCR values
   * and the AK proof.
   */
  readonly tpm: CvmTpmEvidence;
  /** The vTPM's TCG event log. */
  readonly eventLog?: Uint8Array | TcgEventLog;
  /**
   * The verifier's nonce: TPM quote and AK certify extraData, SVSM nonce, optional `hash` input.
   */
  readonly nonce?: Uint8Array;
}

/** The cross-stage policy; platform policies are passed to their verifiers. */
export interface ConfidentialVmPolicy {
  /** Expected SEV-SNP report values, passed to `verifySnpReport` when `hardware.kind` is `snp`. */
  readonly snp?: SnpPolicy;
  /** Expected TD quote values, passed to `verifyTdxQuote` when `hardware.kind` is `tdx`. */
  readonly tdx?: TdxPolicy;
  /** Expected CCA token values, passed to `verifyCcaToken` when `hardware.kind` is `cca`. */
  readonly cca?: CcaPolicy;
  /** Expected quoted PCR values; each PCR named must be signed and equal. */
  readonly pcrs?: PcrBanks;
  /** Require Secure Boot enabled per the verified event log. */
  readonly requireSecureBoot?: boolean;
  /** Azure: expected `vm-configuration` members (e.g. `{ 'secure-boot': true }`). */
  readonly azureVmConfiguration?: Readonly<Record<string, string | number | boolean>>;
  /** Azure: expected `user-data` (64 bytes). */
  readonly azureUserData?: Uint8Array;
}

/** Options of `verifyConfidentialVm`. */
export interface ConfidentialVmVerifyOptions {
  /** Instant for certificate and collateral validity. Default: time of the call, read once. */
  readonly now?: Date;
  /** Shared store for verified chains and imported keys. Default: none. */
  readonly cache?: AttestCache;
  /** Expected values across all stages. */
  readonly policy?: ConfidentialVmPolicy;
  /** Options for `verifySnpReport` (`now`, `cache`, `policy` come from here). */
  readonly snp?: Omit<SnpVerifyOptions, 'now' | 'cache' | 'policy'>;
  /** Options for `verifyTdxQuote`. */
  readonly tdx?: Omit<TdxVerifyOptions, 'now' | 'cache' | 'policy'>;
  /** Options for `verifyCcaToken`. */
  readonly cca?: Omit<CcaVerifyOptions, 'now' | 'cache' | 'policy'>;
  /** Accept SHA-1 quote signatures. Default false. */
  readonly allowSha1?: boolean;
  /** Require an event log that replays to the quoted PCRs. Default false (skips without one). */
  readonly requireEventLog?: boolean;
  /**
   * The credential the verifier made for an `activation` AK proof (its secret, EK and the AK
   * Name). Without it an activation proof proves nothing and `binding.cvm.ak` fails.
   */
  readonly credential?: ActivationCredential;
}

/** Check ids of `verifyConfidentialVm` itself (each stage keeps its own ledger). */
export type ConfidentialVmCheckId =
  | 'binding.cvm.hardware'
  | 'binding.cvm.binding'
  | 'binding.cvm.ak'
  | 'binding.cvm.quote'
  | 'binding.cvm.nonce'
  | 'binding.cvm.event-log'
  | 'binding.policy.pcrs'
  | 'binding.policy.secure-boot'
  | 'binding.policy.vm-configuration'
  | 'binding.policy.user-data';

/** The nested ledgers, one per stage that ran. */
export interface ConfidentialVmStages {
  /**
   * The ledger of `verifySnpReport`, `verifyTdxQuote` or `verifyCcaToken`; absent when that
   * verifier could not run (no SEV-SNP report given or in the HCL report).
   */
  readonly hardware?: SnpVerification | TdxVerification | CcaVerification;
  /**
   * One ledger per binding that ran: report-data bindings in `binding` order, then PCR bindings.
   */
  readonly bindings: readonly (ReportDataBindingVerification | PcrBindingVerification)[];
  /**
   * The ledger of the bound EK's TPM2_Certify of the AK; present only when `tpm.akProof` is a
   * `certify` proof that could be checked.
   */
  readonly akCertify?: TpmCertifyVerification;
  /**
   * The ledger of `verifyTpmQuote`; absent when no AK could be read (the quote is then unverified).
   */
  readonly quote?: TpmQuoteVerification;
  /**
   * The ledger of `verifyEventLog` against the quoted PCRs; present only when an event log was
   * given, parsed and the quote verified.
   */
  readonly eventLog?: EventLogVerification;
}

/** The facts a policy engine consumes (trust them only when `ok`). */
export interface ConfidentialVmClaims {
  /**
   * Which hardware the evidence is for (`hardware.kind`); present even when the hardware evidence
   * did not verify.
   */
  readonly platform: 'snp' | 'tdx' | 'cca';
  /** SNP MEASUREMENT, TDX MRTD, CCA realm initial measurement (hex). */
  readonly measurement?: string;
  /** TDX RTMRs / CCA REMs (hex). */
  readonly runtimeMeasurements?: readonly string[];
  /** REPORT_DATA / realm challenge (hex). */
  readonly reportData?: string;
  /** SNP HOST_DATA (hex). */
  readonly hostData?: string;
  /** SNP VMPL. */
  readonly vmpl?: number;
  /**
   * The TCB, shaped by platform. SNP: `{ reported, product? }`, where `reported` is REPORTED_TCB
   * decoded (`bootloader`, `tee`, `snp`, `microcode`, `fmc` on Turin, `layout`, and `raw` as a
   * decimal string) or the raw value as a decimal string when it was not decoded, and `product` the
   * product the verification used. TDX: `{ status?, advisoryIds }`, Intel's TCB status when the
   * collateral was evaluated and its advisory IDs (empty when none). CCA: `{ lifecycle }`, the
   * platform token's security lifecycle state (`secured`…).
   */
  readonly tcb?: Readonly<Record<string, unknown>>;
  /** Whether the hardware report allows debugging. */
  readonly debug?: boolean;
  /** Binding directions that verified. */
  readonly bindings: readonly string[];
  /** The AK that signed the quote, as a JWK. */
  readonly ak?: JsonWebKey;
  /** PCRs proven by the quote (hex), bank → index → value. */
  readonly pcrs: Readonly<Partial<Record<PcrBankName, Readonly<Record<number, string>>>>>;
  /** The boot summary of the verified event log. */
  readonly boot?: BootSummary;
  /** Azure: `vm-configuration` of the HCL runtime data. */
  readonly azureVmConfiguration?: Readonly<Record<string, unknown>>;
  /** Azure: `user-data` (hex). */
  readonly azureUserData?: string;
}

/** Result of `verifyConfidentialVm`. */
export interface ConfidentialVmVerification extends Verification<ConfidentialVmCheckId> {
  /** True only when every stage's ledger and this one satisfy the ledger rule. */
  readonly ok: boolean;
  /** Each stage's own ledger, for the detail behind this result's `binding.cvm.*` checks. */
  readonly stages: ConfidentialVmStages;
  /**
   * The facts a policy engine consumes; filled even when `ok` is false, so read them only when
   * `ok`.
   */
  readonly claims: ConfidentialVmClaims;
}

/** Hash names the binding computations use. */
export type { HashAlg };
