/**
 * @module
 * Types of `attestkit/tdx`: parsed quotes (SGX v3, TDX v4/v5), Intel collateral (TCB info, QE
 * identity), PCK certificate extensions, the verification options, policy, fetcher and result.
 * Field names are the camelCase of Intel's names (Intel TDX DCAP Quoting Library API, Intel PCS
 * API v4, Intel PCK Certificate and CRL profile).
 */
import type { AttestCache } from '../core/cache.js';
import type { Check, Verification } from '../core/checks.js';

/** TCB status of a TCB info or QE identity level, as Intel's collateral spells it. */
export type TcbLevelStatus =
  | 'UpToDate'
  | 'SWHardeningNeeded'
  | 'ConfigurationNeeded'
  | 'ConfigurationAndSWHardeningNeeded'
  | 'OutOfDate'
  | 'OutOfDateConfigurationNeeded'
  | 'Revoked';

/**
 * The platform's TCB status after Intel's matching (API.md): a level status, or
 * `NoMatchingTcbLevel` when no TCB level fits the platform ("TCB not supported" in Intel's QVL).
 */
export type TdxTcbStatus = TcbLevelStatus | 'NoMatchingTcbLevel';

/** Quote header (48 bytes). Intel TDX DCAP Quote Library API §A.3.1. */
export interface TdxQuoteHeader {
  /** 3 (SGX), 4 (TDX or SGX), 5 (with body descriptor). */
  readonly version: 3 | 4 | 5;
  /** 2 = ECDSA P-256. */
  readonly attestationKeyType: number;
  /** `TEE_TYPE`: 0x00 SGX, 0x81 TDX (v3: reserved, reported as 0). */
  readonly teeType: number;
  /** v3 only: `QE_SVN` (bytes 8..9). */
  readonly qeSvn?: number;
  /** v3 only: `PCE_SVN` (bytes 10..11). */
  readonly pceSvn?: number;
  /** v4/v5: bytes 8..11, reserved by Intel's header struct (not interpreted). */
  readonly reserved?: Uint8Array;
  /** `QE_VENDOR_ID` (16 bytes). */
  readonly qeVendorId: Uint8Array;
  /** `USER_DATA` (20 bytes): Intel's QE writes a platform QE identifier. */
  readonly userData: Uint8Array;
}

/** Decoded TDATTRIBUTES bits. TDX Module ABI spec, "ATTRIBUTES". */
export interface TdAttributesView {
  /** Bit 0: the TD is debuggable (its memory and state are readable by the host). */
  readonly debug: boolean;
  /** Bit 28: EPT violations are not converted to #VE (required for safe guests). */
  readonly septVeDisable: boolean;
  /** Bit 29: the TD may be migrated. */
  readonly migratable: boolean;
  /** Bit 30: protection keys for supervisor pages. */
  readonly pks: boolean;
  /** Bit 31: key locker. */
  readonly kl: boolean;
  /** Bit 63: performance monitoring. */
  readonly perfmon: boolean;
}

/** TD report body (TDX 1.0, 584 bytes; TDX 1.5 adds two fields). §A.3.2. */
export interface TdReportBody {
  /** `td10`: 584-byte TDX 1.0 body (v4, v5 type 2); `td15`: 648-byte TDX 1.5 body (v5 type 3). */
  readonly kind: 'td10' | 'td15';
  /** `TEE_TCB_SVN` (16): [0] module SVN, [1] module major version, [2] late microcode SVN. */
  readonly teeTcbSvn: Uint8Array;
  /** `MRSEAM` (48): measurement of the TDX module. */
  readonly mrSeam: Uint8Array;
  /** `MRSIGNERSEAM` (48): signer of the module; zero for Intel's. */
  readonly mrSignerSeam: Uint8Array;
  /** `SEAMATTRIBUTES` (u64 LE). */
  readonly seamAttributes: bigint;
  /** `TDATTRIBUTES` (u64 LE). */
  readonly tdAttributes: bigint;
  /** Decoded view of {@link TdReportBody.tdAttributes}. */
  readonly tdAttributesView: TdAttributesView;
  /** `XFAM` (u64 LE). */
  readonly xfam: bigint;
  /** `MRTD` (48): build-time measurement of the TD. */
  readonly mrTd: Uint8Array;
  /** `MRCONFIGID` (48). */
  readonly mrConfigId: Uint8Array;
  /** `MROWNER` (48). */
  readonly mrOwner: Uint8Array;
  /** `MROWNERCONFIG` (48). */
  readonly mrOwnerConfig: Uint8Array;
  /** `RTMR0`..`RTMR3` (48 each). */
  readonly rtmrs: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  /** `REPORTDATA` (64). */
  readonly reportData: Uint8Array;
  /** `TEE_TCB_SVN2` (16), TDX 1.5 only. */
  readonly teeTcbSvn2?: Uint8Array;
  /** `MRSERVICETD` (48), TDX 1.5 only. */
  readonly mrServiceTd?: Uint8Array;
}

/** Decoded SGX ATTRIBUTES. SGX SDK `sgx_attributes_t`. */
export interface SgxAttributesView {
  /** FLAGS (u64 LE). */
  readonly flags: bigint;
  /** XFRM (u64 LE). */
  readonly xfrm: bigint;
  /** FLAGS bit 1: debug enclave. */
  readonly debug: boolean;
  /** FLAGS bit 2: 64-bit mode. */
  readonly mode64bit: boolean;
}

/** SGX enclave report body (384 bytes): SGX quote bodies and the QE report. SGX SDK `sgx_report_body_t`. */
export interface SgxReportBody {
  /** Always `sgx`: tells this 384-byte body apart from a {@link TdReportBody}. */
  readonly kind: 'sgx';
  /** `CPUSVN` (16). */
  readonly cpuSvn: Uint8Array;
  /** `MISCSELECT` (u32). */
  readonly miscSelect: number;
  /** `ISVEXTPRODID` (16). */
  readonly isvExtProdId: Uint8Array;
  /** `ATTRIBUTES` (16, in report byte order). */
  readonly attributes: Uint8Array;
  /** Decoded view of {@link SgxReportBody.attributes}. */
  readonly attributesView: SgxAttributesView;
  /** `MRENCLAVE` (32). */
  readonly mrEnclave: Uint8Array;
  /** `MRSIGNER` (32). */
  readonly mrSigner: Uint8Array;
  /** `CONFIGID` (64). */
  readonly configId: Uint8Array;
  /** `ISVPRODID` (u16). */
  readonly isvProdId: number;
  /** `ISVSVN` (u16). */
  readonly isvSvn: number;
  /** `CONFIGSVN` (u16). */
  readonly configSvn: number;
  /** `ISVFAMILYID` (16). */
  readonly isvFamilyId: Uint8Array;
  /** `REPORTDATA` (64). */
  readonly reportData: Uint8Array;
}

/** Certification data of type 5: the PCK certificate chain as PEM text. */
export interface PckCertChainData {
  /** Certification data type 5: PCK leaf, PCK Platform/Processor CA, then Intel SGX Root CA. */
  readonly type: 5;
  /** The certification data bytes exactly as in the quote (PEM, possibly NUL-terminated). */
  readonly data: Uint8Array;
}

/** QE report certification data (type 6 in v4/v5; the v3 layout is the same without the wrapper). */
export interface QeReportCertificationData {
  /** 6 for v4/v5 quotes; 5 for v3, where the QE report is not wrapped. */
  readonly type: 5 | 6;
  /** The QE report (384 bytes, an SGX report body), parsed. */
  readonly qeReport: SgxReportBody;
  /** The QE report bytes (the data signed by the PCK key). */
  readonly qeReportRaw: Uint8Array;
  /** QE report signature, raw r‖s (64). */
  readonly qeReportSignature: Uint8Array;
  /** QE authentication data (Intel's QE: 32 bytes 00..1f). */
  readonly qeAuthData: Uint8Array;
  /** The nested PCK certificate chain. */
  readonly pckCertChain: PckCertChainData;
}

/**
 * A parsed DCAP quote. The content is the platform's claim, not a fact, until
 * {@link verifyTdxQuote} has checked its signatures and collateral.
 */
export interface TdxQuote {
  /**
   * The quote bytes (header through signature data), without trailing bytes: the parser's own
   * copy of the input. Every byte field of the quote is a view into it.
   */
  readonly raw: Uint8Array;
  /** The 48-byte quote header; covered by the quote signature. */
  readonly header: TdxQuoteHeader;
  /** v5 body descriptor type (1 SGX, 2 TDX 1.0, 3 TDX 1.5); undefined for v3/v4. */
  readonly bodyType?: number;
  /** The body: a TD report (TDX) or an SGX enclave report (SGX). */
  readonly body: TdReportBody | SgxReportBody;
  /** Bytes covered by the quote signature: header + (v5 descriptor) + body. A view into `raw`. */
  readonly signedRegion: Uint8Array;
  /** Quote signature, raw r‖s (64). */
  readonly signature: Uint8Array;
  /** Attestation public key, raw x‖y (64). */
  readonly attestationKey: Uint8Array;
  /**
   * Certification data (QE report, its PCK signature, QE authentication data, PCK chain); outside
   * the quote signature, bound to the attestation key through the QE report's REPORTDATA.
   */
  readonly certificationData: QeReportCertificationData;
  /** Bytes after the declared end of the quote in the input (ignored; often zero padding). */
  readonly trailingBytes: number;
}

/** Options for {@link parseTdxQuote}. */
export interface ParseTdxQuoteOptions {
  /**
   * Accept bytes after the signature data (fixed-size buffers pad quotes). Default true; false
   * throws `ERR_TRAILING_DATA`.
   */
  readonly allowTrailingData?: boolean;
}

/** One TCB component of a TCB info level. */
export interface TcbComponent {
  /** `svn` (0–255): the lowest SVN of this component that meets the level. */
  readonly svn: number;
  /** `category`, e.g. `BIOS` or `OS/VMM`; absent when the document has none (every V2 one). */
  readonly category?: string;
  /** `type`, e.g. `Early Microcode Update` or `TDX Module`; absent when the document has none. */
  readonly type?: string;
}

/** One level of `tcbInfo.tcbLevels` (newest first). Intel PCS API v4 "TCB Info V3". */
export interface TcbInfoLevel {
  /** 16 SGX TCB components. */
  readonly sgxComponents: readonly TcbComponent[];
  /** `tcb.pcesvn`: the lowest PCESVN (from the PCK certificate) that meets the level. */
  readonly pceSvn: number;
  /** 16 TDX TCB components (TDX TCB info only). */
  readonly tdxComponents?: readonly TcbComponent[];
  /** `tcbDate`: the level is free of the advisories Intel published up to this date (UTC). */
  readonly tcbDate: Date;
  /** `tcbStatus` of a platform whose TCB matches this level. */
  readonly tcbStatus: TcbLevelStatus;
  /** `advisoryIDs` (e.g. `INTEL-SA-00960`) open at this level; empty when the member is absent. */
  readonly advisoryIds: readonly string[];
}

/** One level of a module identity or QE identity: keyed by an ISV SVN. */
export interface IsvSvnTcbLevel {
  /** `tcb.isvsvn`: lowest QE ISVSVN (module identities: TEE_TCB_SVN[0]) that meets the level. */
  readonly isvSvn: number;
  /** `tcbDate`: the level is free of the advisories Intel published up to this date (UTC). */
  readonly tcbDate: Date;
  /** `tcbStatus` of a QE or TDX module at this level. */
  readonly tcbStatus: TcbLevelStatus;
  /** `advisoryIDs` open at this level; empty when the member is absent. */
  readonly advisoryIds: readonly string[];
}

/** `tdxModule` (TDX 1.0 modules): identity of the SEAM module. */
export interface TdxModuleInfo {
  /** `mrsigner` (48). */
  readonly mrSigner: Uint8Array;
  /** `attributes` (8, report byte order). */
  readonly attributes: Uint8Array;
  /** `attributesMask` (8). */
  readonly attributesMask: Uint8Array;
}

/** One entry of `tdxModuleIdentities` (`TDX_01`, `TDX_03`, …). */
export interface TdxModuleIdentity extends TdxModuleInfo {
  /** `id`, e.g. `TDX_03` (upper-case). */
  readonly id: string;
  /** `tcbLevels`, newest first, keyed by the module SVN (TEE_TCB_SVN[0]). */
  readonly tcbLevels: readonly IsvSvnTcbLevel[];
}

/** Parsed TCB info (SGX v2/v3, TDX v3), keeping the exact signed bytes. Intel PCS API v4. */
export interface TcbInfo {
  /** The whole document as given (UTF-8 bytes). */
  readonly raw: Uint8Array;
  /** The exact bytes of the `tcbInfo` object value: what `signature` signs. A view into `raw`. */
  readonly signedBytes: Uint8Array;
  /** [start, end) of {@link TcbInfo.signedBytes} in `raw`. */
  readonly signedRange: readonly [number, number];
  /** `signature`: raw r‖s (64), by the Intel SGX TCB Signing key. */
  readonly signature: Uint8Array;
  /** `id`: `SGX` or `TDX` (v2 documents have none and are SGX). */
  readonly id: 'SGX' | 'TDX';
  /** `version`: 3 (TDX, current SGX) or 2 (legacy SGX with `sgxtcbcompNNsvn` keys). */
  readonly version: 2 | 3;
  /** `issueDate`: when Intel issued the document (UTC). */
  readonly issueDate: Date;
  /** `nextUpdate`: the document is stale after this instant (`tdx.tcb-info.validity`). */
  readonly nextUpdate: Date;
  /** `fmspc` as lower-case hex (the document may use either case). */
  readonly fmspc: string;
  /** `pceId` as lower-case hex. */
  readonly pceId: string;
  /** `tcbType`: how components are compared; 0 (SVN by SVN) is the only value defined. */
  readonly tcbType: number;
  /** `tcbEvaluationDataNumber`: Intel's TCB recovery generation; grows with each recovery. */
  readonly tcbEvaluationDataNumber: number;
  /** `tdxModule`: identity of TDX modules with TEE_TCB_SVN[1] = 0; absent in SGX TCB info. */
  readonly tdxModule?: TdxModuleInfo;
  /** `tdxModuleIdentities`, one per module major version; empty when the member is absent. */
  readonly tdxModuleIdentities: readonly TdxModuleIdentity[];
  /** `tcbLevels`, newest (highest) first, in document order. */
  readonly tcbLevels: readonly TcbInfoLevel[];
}

/** Parsed QE identity (v2), keeping the exact signed bytes. Intel PCS API v4 "Enclave Identity V2". */
export interface QeIdentity {
  /** The whole document as given (UTF-8 bytes). */
  readonly raw: Uint8Array;
  /** The exact bytes of the `enclaveIdentity` object value. A view into `raw`. */
  readonly signedBytes: Uint8Array;
  /** [start, end) of {@link QeIdentity.signedBytes} in `raw`. */
  readonly signedRange: readonly [number, number];
  /** raw r‖s (64). */
  readonly signature: Uint8Array;
  /** `QE`, `QVE` or `TD_QE`. */
  readonly id: string;
  /** `version`: 2, the only Enclave Identity version parsed. */
  readonly version: 2;
  /** `issueDate`: when Intel issued the document (UTC). */
  readonly issueDate: Date;
  /** `nextUpdate`: the document is stale after this instant (`tdx.qe-identity.validity`). */
  readonly nextUpdate: Date;
  /** `tcbEvaluationDataNumber`: Intel's TCB recovery generation of this document. */
  readonly tcbEvaluationDataNumber: number;
  /** `miscselect` (8 hex digits, the u32 value): expected QE report MISCSELECT under the mask. */
  readonly miscSelect: number;
  /** `miscselectMask`: the MISCSELECT bits that are compared. */
  readonly miscSelectMask: number;
  /** 16 bytes, report byte order. */
  readonly attributes: Uint8Array;
  /** `attributesMask` (16 bytes, report byte order): the ATTRIBUTES bits that are compared. */
  readonly attributesMask: Uint8Array;
  /** 32 bytes. */
  readonly mrSigner: Uint8Array;
  /** `isvprodid`: the QE's ISVPRODID (2 for TD_QE, 1 for the SGX QE). */
  readonly isvProdId: number;
  /** `tcbLevels`, newest first, keyed by the QE report's ISVSVN. */
  readonly tcbLevels: readonly IsvSvnTcbLevel[];
}

/** The SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate. */
export interface PckExtensions {
  /** PPID (16). */
  readonly ppid: Uint8Array;
  /** The 16 SGX TCB component SVNs. */
  readonly sgxTcbComponents: readonly number[];
  /** PCESVN (OID …1.13.1.2.17): the PCE SVN the certificate was issued for. */
  readonly pceSvn: number;
  /** CPUSVN (16). */
  readonly cpuSvn: Uint8Array;
  /** PCE-ID (2). */
  readonly pceId: Uint8Array;
  /** FMSPC (6). */
  readonly fmspc: Uint8Array;
  /** 0 Standard, 1 Scalable, 2 Scalable with integrity. */
  readonly sgxType: number;
  /** Platform instance id (16), Platform-CA certificates only. */
  readonly platformInstanceId?: Uint8Array;
  /** Configuration, Platform-CA certificates only. */
  readonly configuration?: {
    /** Dynamic Platform (…1.13.1.7.1): packages can be added to the platform. */
    readonly dynamicPlatform?: boolean;
    /** Cached Keys (…1.13.1.7.2): Intel's registration service caches the platform root keys. */
    readonly cachedKeys?: boolean;
    /** SMT Enabled (…1.13.1.7.3): simultaneous multithreading is on. */
    readonly smtEnabled?: boolean;
  };
}

/**
 * Collateral for one quote, each field exactly as Intel PCS / a PCCS serves it (API.md). The
 * signed JSON bodies must stay byte-exact: re-serialised JSON does not verify.
 */
export interface TdxCollateral {
  /** TCB info response body (`{"tcbInfo":{…},"signature":"…"}`). */
  readonly tcbInfo: string | Uint8Array;
  /** `TCB-Info-Issuer-Chain` header: PEM (percent-encoded PEM is accepted). */
  readonly tcbInfoIssuerChain: string;
  /** QE identity response body (`{"enclaveIdentity":{…},"signature":"…"}`). */
  readonly qeIdentity: string | Uint8Array;
  /** `SGX-Enclave-Identity-Issuer-Chain` header. */
  readonly qeIdentityIssuerChain: string;
  /** PCK CRL (DER bytes, PEM text or hex text). Optional here; when absent the CRL check skips. */
  readonly pckCrl?: Uint8Array | string;
  /** `SGX-PCK-CRL-Issuer-Chain` header. */
  readonly pckCrlIssuerChain?: string;
  /** Intel SGX Root CA CRL (DER, PEM or hex). Optional here; when absent the CRL check skips. */
  readonly rootCaCrl?: Uint8Array | string;
}

/** Which PCK CA issued a PCK certificate (PCS `ca=` parameter). */
export type PckCa = 'platform' | 'processor';

/** Which TEE a piece of collateral is for. */
export type TeeKind = 'tdx' | 'sgx';

/**
 * The source of collateral missing from the evidence: a plain object of async methods
 * (API.md). `attestkit/fetch` has `createPcsFetcher` and `staticTdxCollateral`.
 */
export interface TdxFetcher {
  /**
   * What decides this fetcher's answers besides its arguments (its service URL and settings), as
   * text. `withCache` puts it in every key, so two differently configured fetchers that share a
   * cache never get each other's answers. `createKdsFetcher` and `createPcsFetcher` set it from
   * their settings, `staticSnpCollateral` and `staticTdxCollateral` to a random value per
   * instance; a fetcher without it is keyed by `withCache`'s prefix, method and arguments alone.
   */
  readonly cacheScope?: string;
  /** PCK CRL of the given CA and its issuer chain. */
  pckCrl(ca: PckCa): Promise<{
    /** The PCK CRL of that CA: DER bytes, PEM text or hex text. */
    readonly pckCrl: Uint8Array | string;
    /** `SGX-PCK-CRL-Issuer-Chain`: PEM (or percent-encoded PEM), the PCK CA then the Root CA. */
    readonly pckCrlIssuerChain: string;
  }>;
  /** TCB info for an FMSPC (lower-case hex) and its issuer chain. `tee` defaults to `tdx`. */
  tcbInfo(
    fmspc: string,
    tee?: TeeKind,
  ): Promise<{
    /** The TCB info response body, byte-exact (its signature covers the `tcbInfo` bytes). */
    readonly tcbInfo: string | Uint8Array;
    /** `TCB-Info-Issuer-Chain`: PEM (or percent-encoded PEM), TCB Signing then Root CA. */
    readonly tcbInfoIssuerChain: string;
  }>;
  /** QE identity (TD_QE for `tdx`, QE for `sgx`) and its issuer chain. */
  qeIdentity(tee?: TeeKind): Promise<{
    /** The QE identity response body, byte-exact (its signature covers `enclaveIdentity`). */
    readonly qeIdentity: string | Uint8Array;
    /** `SGX-Enclave-Identity-Issuer-Chain`: PEM (or percent-encoded), TCB Signing then Root CA. */
    readonly qeIdentityIssuerChain: string;
  }>;
  /** The Intel SGX Root CA CRL. */
  rootCaCrl(): Promise<Uint8Array | string>;
}

/** Bytes given as `Uint8Array` or hex text. */
export type BytesLike = Uint8Array | string;

/**
 * Expected values for a TD (or SGX enclave). Plain data; each field given becomes a check.
 * Defaults reject debug TDs, require SEPT_VE_DISABLE, reject migratable TDs and a non-zero
 * MRSERVICETD.
 */
export interface TdxPolicy {
  /** Accepted MRTD values (any of). */
  readonly mrTd?: BytesLike | readonly BytesLike[];
  /** Expected RTMR0..3 by index; `null`/missing entries are not checked. */
  readonly rtmrs?: readonly (BytesLike | null | undefined)[];
  /** Accepted MRSEAM values (any of). */
  readonly mrSeam?: BytesLike | readonly BytesLike[];
  /** Expected MRSIGNERSEAM (Intel-signed modules: 48 zero bytes). */
  readonly mrSignerSeam?: BytesLike;
  /** Expected SEAMATTRIBUTES (u64). */
  readonly seamAttributes?: bigint;
  /** Accept a debuggable TD (or debug SGX enclave). Default false: weakens everything. */
  readonly allowDebug?: boolean;
  /**
   * Require TDATTRIBUTES.SEPT_VE_DISABLE. Default true (for TD quotes). `true` given explicitly
   * fails on an SGX enclave quote, which has no TDATTRIBUTES.
   */
  readonly requireSeptVeDisable?: boolean;
  /** Accept a migratable TD. Default false. */
  readonly allowMigratable?: boolean;
  /** Exact TDATTRIBUTES (u64), compared under `tdAttributesMask` (default all bits). */
  readonly tdAttributes?: bigint;
  /** TDATTRIBUTES bits compared with `tdAttributes`. Default: all 64 bits. */
  readonly tdAttributesMask?: bigint;
  /** Exact XFAM (u64), compared under `xfamMask` (default all bits). */
  readonly xfam?: bigint;
  /** XFAM bits compared with `xfam`. Default: all 64 bits. */
  readonly xfamMask?: bigint;
  /** Expected MRCONFIGID (48). */
  readonly mrConfigId?: BytesLike;
  /** Expected MROWNER (48). */
  readonly mrOwner?: BytesLike;
  /** Expected MROWNERCONFIG (48). */
  readonly mrOwnerConfig?: BytesLike;
  /**
   * Expected REPORTDATA. 64 bytes compare exactly; a shorter value must equal the prefix and the
   * rest of REPORTDATA must be zero (the usual 32-byte hash layout).
   */
  readonly reportData?: BytesLike;
  /** Minimum TEE_TCB_SVN, compared component-wise (16 bytes). */
  readonly minimumTeeTcbSvn?: BytesLike;
  /** Minimum QE ISVSVN. */
  readonly minimumQeSvn?: number;
  /** Minimum PCESVN of the PCK certificate. */
  readonly minimumPceSvn?: number;
  /** Expected MRSERVICETD (TDX 1.5 bodies); by default it must be zero. */
  readonly mrServiceTd?: BytesLike;
  /** Accept any MRSERVICETD. Default false. */
  readonly allowServiceTd?: boolean;
  /** Minimum `tcbEvaluationDataNumber` of the TCB info and QE identity. */
  readonly minimumTcbEvaluationDataNumber?: number;
  /** SGX quotes: accepted MRENCLAVE values (any of). */
  readonly mrEnclave?: BytesLike | readonly BytesLike[];
  /** SGX quotes: expected MRSIGNER. */
  readonly mrSigner?: BytesLike;
  /** SGX quotes: expected ISVPRODID. */
  readonly isvProdId?: number;
  /** SGX quotes: minimum ISVSVN. */
  readonly minimumIsvSvn?: number;
}

/** Options of {@link verifyTdxQuote}. */
export interface TdxVerifyOptions {
  /** Instant for certificate, CRL and collateral validity. Default: time of the call, read once. */
  readonly now?: Date;
  /** Source of collateral missing from the evidence. Default: none; collateral checks skip. */
  readonly fetcher?: TdxFetcher;
  /** Expected values; see {@link TdxPolicy}. */
  readonly policy?: TdxPolicy;
  /** Memo for parsed/verified chains, collateral and imported keys. Default: none. */
  readonly cache?: AttestCache;
  /**
   * TCB statuses that pass `tdx.tcb.status`. Default `['UpToDate']`. Adding others (e.g.
   * `SWHardeningNeeded`) accepts platforms with known, unmitigated advisories.
   */
  readonly acceptedTcbStatuses?: readonly TdxTcbStatus[];
  /**
   * Require collateral (CRLs, TCB info, QE identity) and the TCB status. Default true. `false`
   * gives signature-only verification: without collateral `ok` can be true although the platform's
   * TCB and revocation were never checked.
   */
  readonly requireCollateral?: boolean;
  /**
   * SHA-256 pins of the accepted root CA SubjectPublicKeyInfo (bytes or hex). Default: the
   * production Intel SGX Root CA. Replace only for test chains.
   */
  readonly rootPins?: readonly BytesLike[];
  /** Reject TCB info / QE identity / CRLs issued longer ago than this (ms). Default: no limit. */
  readonly maxCollateralAgeMs?: number;
  /** Passed to {@link parseTdxQuote}. Default true. */
  readonly allowTrailingData?: boolean;
  /**
   * Which kind of quote body may pass (`tdx.quote.tee`): `'tdx'` a TD report, `'sgx'` an SGX
   * enclave report, `'any'` either (read `result.quote.body.kind` to tell them apart). Default
   * `'tdx'`. An SGX enclave is not a TD: with `'sgx'` or `'any'`, any enclave on a genuine
   * platform passes unless the policy names it (`mrEnclave`, `mrSigner`, …); TD-only policy
   * fields given explicitly (`mrTd`, `rtmrs`, `requireSeptVeDisable: true`, …) fail on it.
   */
  readonly tee?: 'tdx' | 'sgx' | 'any';
}

/** Evidence accepted by {@link verifyTdxQuote}. */
export interface TdxEvidence {
  /** The quote bytes (v3, v4 or v5; padding after it allowed by default) or a parsed quote. */
  readonly quote: Uint8Array | TdxQuote;
  /** Intel collateral for the quote; whatever is missing is asked of `options.fetcher`. */
  readonly collateral?: TdxCollateral;
}

/** Stable check ids of {@link verifyTdxQuote}, in report order. */
export type TdxCheckId =
  | 'tdx.quote.parse'
  | 'tdx.quote.header'
  | 'tdx.quote.tee'
  | 'tdx.quote.signature'
  | 'tdx.chain.pck'
  | 'tdx.pck.extensions'
  | 'tdx.qe.report-signature'
  | 'tdx.qe.report-data'
  | 'tdx.crl.root'
  | 'tdx.crl.pck'
  | 'tdx.tcb-info.signature'
  | 'tdx.tcb-info.validity'
  | 'tdx.tcb-info.match'
  | 'tdx.qe-identity.signature'
  | 'tdx.qe-identity.validity'
  | 'tdx.qe.identity'
  | 'tdx.qe.tcb'
  | 'tdx.tcb.module'
  | 'tdx.tcb.status'
  | 'tdx.policy.debug'
  | 'tdx.policy.sept-ve-disable'
  | 'tdx.policy.migratable'
  | 'tdx.policy.td-attributes'
  | 'tdx.policy.xfam'
  | 'tdx.policy.mr-td'
  | 'tdx.policy.rtmr0'
  | 'tdx.policy.rtmr1'
  | 'tdx.policy.rtmr2'
  | 'tdx.policy.rtmr3'
  | 'tdx.policy.mr-seam'
  | 'tdx.policy.mr-signer-seam'
  | 'tdx.policy.seam-attributes'
  | 'tdx.policy.mr-config-id'
  | 'tdx.policy.mr-owner'
  | 'tdx.policy.mr-owner-config'
  | 'tdx.policy.report-data'
  | 'tdx.policy.tee-tcb-svn'
  | 'tdx.policy.qe-svn'
  | 'tdx.policy.pce-svn'
  | 'tdx.policy.mr-service-td'
  | 'tdx.policy.tcb-evaluation-number'
  | 'tdx.policy.mr-enclave'
  | 'tdx.policy.mr-signer'
  | 'tdx.policy.isv-prod-id'
  | 'tdx.policy.isv-svn';

/** How a TCB level was chosen, for callers who want to see Intel's matching step by step. */
export interface TdxTcbEvaluation {
  /** Index in `tcbLevels` of the first level whose SGX part matches, if any. */
  readonly sgxLevelIndex?: number;
  /** Index of the level whose SGX and TDX parts both match (SGX quotes: the SGX level). */
  readonly platformLevelIndex?: number;
  /** Status of the platform level before merging. */
  readonly platformStatus?: TdxTcbStatus;
  /** TDX module identity used (`tdxModule` or `TDX_%02X`) and its status. */
  readonly module?: {
    /** `tdxModule` when TEE_TCB_SVN[1] = 0, else the `TDX_%02X` module identity id. */
    readonly identity: string;
    /** UpToDate for `tdxModule`; else the first level's with isvsvn ≤ TEE_TCB_SVN[0]. */
    readonly status: TdxTcbStatus;
    /** The matched module identity level; absent for `tdxModule` or when none matched. */
    readonly level?: IsvSvnTcbLevel;
  };
  /** QE TCB level chosen by the QE report's ISVSVN and its status. */
  readonly qe?: {
    /** Status of the first QE identity level with isvsvn ≤ the QE report's ISVSVN. */
    readonly status: TdxTcbStatus;
    /** The matched QE identity level; absent when none matched. */
    readonly level?: IsvSvnTcbLevel;
  };
  /** Advisory ids of the platform, QE and module levels, separately. */
  readonly advisories: {
    /** `advisoryIDs` of the matched TCB info level. */
    readonly platform: readonly string[];
    /** `advisoryIDs` of the matched QE identity level. */
    readonly qe: readonly string[];
    /** `advisoryIDs` of the matched TDX module identity level. */
    readonly module: readonly string[];
  };
}

/** Result of {@link verifyTdxQuote}: the ledger plus the facts a caller acts on. */
export interface TdxVerification extends Verification<TdxCheckId> {
  /** Every {@link TdxCheckId}, in order, each pass, fail, warn or skip. */
  readonly checks: readonly Check<TdxCheckId>[];
  /** The parsed quote (absent when it did not parse). */
  readonly quote?: TdxQuote;
  /** The PCK certificate's SGX extension (absent when it could not be read). */
  readonly pck?: PckExtensions;
  /** The platform's TCB status (always reported when the TCB could be evaluated). */
  readonly tcbStatus?: TdxTcbStatus;
  /** Advisory ids (union of the platform, QE and module levels). */
  readonly advisoryIds: readonly string[];
  /** Earliest `tcbDate` of the matched platform, QE and module levels. */
  readonly tcbDate?: Date;
  /** Earliest expiry among the collateral used: nextUpdate of TCB info, QE identity, CRLs; certificate notAfter. */
  readonly collateralExpiry?: Date;
  /**
   * TDX 1.5: the platform is OutOfDate only because of the running module and a TD-preserving
   * update already brought it up to date; relaunching the TD would raise the status (Intel's
   * `TDRelaunchAdvised`).
   */
  readonly relaunchAdvised?: boolean;
  /** Step-by-step TCB matching facts. */
  readonly tcb?: TdxTcbEvaluation;
  /** The collateral used (parsed). */
  readonly tcbInfo?: TcbInfo;
  /** The QE identity used (parsed); `tdx.qe-identity.signature` says whether it verified. */
  readonly qeIdentity?: QeIdentity;
}
