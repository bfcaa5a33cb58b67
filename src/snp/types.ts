/**
 * @module
 * Types of `attestkit/snp`: the parsed report (ABI 56860 ATTESTATION_REPORT), the certificate
 * table (GHCB 56421 extended guest request), evidence and options for `verifySnpReport`, the
 * policy (go-sev-guest `check.proto` surface), the KDS fetcher contract, and the check ids.
 */
import type { AttestCache } from '../core/cache.js';
import type { Verification } from '../core/checks.js';
import type { X509Certificate } from '../core/x509.js';

/** An AMD EPYC product line with SEV-SNP (the KDS `{product}` path segment). */
export type SnpProduct = 'Milan' | 'Genoa' | 'Turin';

/** The key that signed a report: chip-unique VCEK or cloud-provider VLEK. */
export type SnpSignerKind = 'VCEK' | 'VLEK';

/** TCB_VERSION byte layout: Milan/Genoa, or Turin with the FMC byte (spec note §2). */
export type SnpTcbLayout = 'milan-genoa' | 'turin';

/** TCB components (security patch levels). `fmc` exists on Turin only. */
export interface SnpTcbParts {
  /** BOOT_LOADER SPL: TCB_VERSION byte 0 on Milan/Genoa, byte 1 on Turin (KDS `blSPL`). */
  readonly bootloader: number;
  /** TEE (PSP OS) SPL: TCB_VERSION byte 1 on Milan/Genoa, byte 2 on Turin (KDS `teeSPL`). */
  readonly tee: number;
  /** SNP firmware SPL: TCB_VERSION byte 6 on Milan/Genoa, byte 3 on Turin (KDS `snpSPL`). */
  readonly snp: number;
  /** MICROCODE SPL: TCB_VERSION byte 7 on every product (KDS `ucodeSPL`). */
  readonly microcode: number;
  /** Turin and later: the FMC (first mutable code) SPL. */
  readonly fmc?: number;
}

/** A decoded TCB_VERSION: the raw u64 and its components in the product's layout. */
export interface SnpTcb extends SnpTcbParts {
  /** The 8 bytes read as a little-endian u64. Never compare TCBs on this value. */
  readonly raw: bigint;
  /** Byte layout the components were read with; chosen by product, never by report version. */
  readonly layout: SnpTcbLayout;
}

/** The four TCBs of a report, decoded with one layout. */
export interface SnpReportTcbs {
  /** CURRENT_TCB (0x038): the TCB of the firmware running when the report was made. */
  readonly current: SnpTcb;
  /**
   * REPORTED_TCB (0x180): the TCB the signing VCEK was derived from; the KDS query and the VCEK
   * SPL extensions use this one.
   */
  readonly reported: SnpTcb;
  /** COMMITTED_TCB (0x1E0): the committed TCB, the anti-rollback floor; at most CURRENT_TCB. */
  readonly committed: SnpTcb;
  /** LAUNCH_TCB (0x1F0): CURRENT_TCB at the time the guest was launched. */
  readonly launch: SnpTcb;
}

/** Guest POLICY (u64 at 0x008) with its bits decoded (spec note §3). */
export interface SnpGuestPolicy {
  /** POLICY as read: little-endian u64 at 0x008 (bit 17 set, bits 63:26 zero: both checked). */
  readonly raw: bigint;
  /** ABI_MINOR: minimum firmware ABI minor the guest requires. */
  readonly abiMinor: number;
  /** ABI_MAJOR: minimum firmware ABI major the guest requires. */
  readonly abiMajor: number;
  /** SMT: host SMT allowed. */
  readonly smt: boolean;
  /** MIGRATE_MA: a migration agent may be associated. */
  readonly migrateMa: boolean;
  /** DEBUG: the hypervisor may debug (decrypt) the guest. */
  readonly debug: boolean;
  /** SINGLE_SOCKET: the guest may only run on one socket. */
  readonly singleSocket: boolean;
  /** CXL_ALLOW: CXL may be populated with devices or memory. */
  readonly cxlAllow: boolean;
  /** MEM_AES_256_XTS: AES-256-XTS memory encryption required. */
  readonly memAes256Xts: boolean;
  /** RAPL_DIS: running-average power limit must be disabled. */
  readonly raplDis: boolean;
  /** CIPHERTEXT_HIDING: ciphertext hiding for DRAM must be enabled. */
  readonly ciphertextHiding: boolean;
  /** PAGE_SWAP_DISABLE: the guest cannot use page move/swap commands. */
  readonly pageSwapDisable: boolean;
}

/** PLATFORM_INFO (u64 at 0x040) with its bits decoded (spec note §4). */
export interface SnpPlatformInfo {
  /** PLATFORM_INFO as read: little-endian u64 at 0x040, every bit including undocumented ones. */
  readonly raw: bigint;
  /** SMT_EN: SMT is enabled on the host. */
  readonly smtEn: boolean;
  /** TSME_EN: transparent SME is enabled. */
  readonly tsmeEn: boolean;
  /** ECC_EN: the platform uses error-correcting memory. */
  readonly eccEn: boolean;
  /** RAPL_DIS: RAPL is disabled. */
  readonly raplDis: boolean;
  /** CIPHERTEXT_HIDING_EN: ciphertext hiding for DRAM is enabled. */
  readonly ciphertextHidingEn: boolean;
  /** ALIAS_CHECK_COMPLETE: the memory alias check ran since the last reset. */
  readonly aliasCheckComplete: boolean;
  /** TIO_EN: SEV-TIO is enabled. */
  readonly tioEn: boolean;
  /**
   * Set bits with no documented name (bit 6 on real Turin parts, bits 63:8). Reported, never
   * rejected: real hardware sets them.
   */
  readonly undocumentedBits: bigint;
}

/** KEY_INFO (u32 at 0x048) decoded (spec note §5). */
export interface SnpKeyInfo {
  /** KEY_INFO as read: little-endian u32 at 0x048 (bits 31:5 are zero; the parser checks). */
  readonly raw: number;
  /** AUTHOR_KEY_EN: AUTHOR_KEY_DIGEST is meaningful. */
  readonly authorKeyEn: boolean;
  /** MASK_CHIP_KEY: the VCEK was not used; a VCEK "signature" is zero-filled. */
  readonly maskChipKey: boolean;
  /** SIGNING_KEY: 0 VCEK, 1 VLEK, 7 none. */
  readonly signingKey: number;
  /** SIGNING_KEY by name. */
  readonly signer: SnpSignerKind | 'none';
}

/** The report signature as WebCrypto wants it. */
export interface SnpSignature {
  /** r, 48 bytes big-endian (the report stores it little-endian, padded to 72). */
  readonly r: Uint8Array;
  /** s, 48 bytes big-endian. */
  readonly s: Uint8Array;
}

/** Where a report's product line came from. */
export type SnpProductSource = 'cpuid' | 'option' | 'certificate' | 'none';

/**
 * A parsed ATTESTATION_REPORT. This is the platform's claim, not a fact: nothing here is trusted
 * until `verifySnpReport` has checked the signature and the certificate chain.
 */
export interface SnpReport {
  /** The whole report (1184 bytes, a copy). */
  readonly raw: Uint8Array;
  /** Bytes 0x000–0x29F, the signed region (a view into {@link SnpReport.raw}). */
  readonly signedBytes: Uint8Array;
  /** VERSION (2–5). */
  readonly version: number;
  /** GUEST_SVN. */
  readonly guestSvn: number;
  /** POLICY. */
  readonly policy: SnpGuestPolicy;
  /** FAMILY_ID (16 bytes). */
  readonly familyId: Uint8Array;
  /** IMAGE_ID (16 bytes). */
  readonly imageId: Uint8Array;
  /** VMPL the report was requested at. */
  readonly vmpl: number;
  /** SIGNATURE_ALGO (1 = ECDSA P-384 with SHA-384). */
  readonly signatureAlgo: number;
  /** CURRENT_TCB as a raw u64; decoded in {@link SnpReport.tcb}. */
  readonly currentTcb: bigint;
  /** PLATFORM_INFO. */
  readonly platformInfo: SnpPlatformInfo;
  /** KEY_INFO (signer info). */
  readonly keyInfo: SnpKeyInfo;
  /** REPORT_DATA (64 bytes). */
  readonly reportData: Uint8Array;
  /** MEASUREMENT (48 bytes). */
  readonly measurement: Uint8Array;
  /** HOST_DATA (32 bytes). */
  readonly hostData: Uint8Array;
  /** ID_KEY_DIGEST (48 bytes). */
  readonly idKeyDigest: Uint8Array;
  /** AUTHOR_KEY_DIGEST (48 bytes). */
  readonly authorKeyDigest: Uint8Array;
  /** REPORT_ID (32 bytes). */
  readonly reportId: Uint8Array;
  /** REPORT_ID_MA (32 bytes; all 0xFF when there is no migration agent). */
  readonly reportIdMa: Uint8Array;
  /** REPORTED_TCB as a raw u64 (the TCB the VCEK is derived from). */
  readonly reportedTcb: bigint;
  /** CPUID_FAM_ID (v3+). */
  readonly cpuidFamId?: number;
  /** CPUID_MOD_ID (v3+). */
  readonly cpuidModId?: number;
  /** CPUID_STEP (v3+). */
  readonly cpuidStep?: number;
  /** CHIP_ID (64 bytes; zero when masked or VLEK-signed; Turin uses the first 8). */
  readonly chipId: Uint8Array;
  /** COMMITTED_TCB as a raw u64. */
  readonly committedTcb: bigint;
  /** CURRENT_BUILD (u8 at 0x1E8): build number of the running SNP firmware. */
  readonly currentBuild: number;
  /** CURRENT_MINOR (u8 at 0x1E9): minor API version of the running SNP firmware. */
  readonly currentMinor: number;
  /** CURRENT_MAJOR (u8 at 0x1EA): major API version of the running firmware (1 in 1.55.40). */
  readonly currentMajor: number;
  /** COMMITTED_BUILD (u8 at 0x1EC): build number of the committed (anti-rollback) firmware. */
  readonly committedBuild: number;
  /** COMMITTED_MINOR (u8 at 0x1ED): minor API version of the committed firmware. */
  readonly committedMinor: number;
  /** COMMITTED_MAJOR (u8 at 0x1EE): major API version of the committed firmware. */
  readonly committedMajor: number;
  /** LAUNCH_TCB as a raw u64. */
  readonly launchTcb: bigint;
  /** LAUNCH_MIT_VECTOR (v5+). */
  readonly launchMitVector?: bigint;
  /** CURRENT_MIT_VECTOR (v5+). */
  readonly currentMitVector?: bigint;
  /** SIGNATURE r and s. */
  readonly signature: SnpSignature;
  /** The product line, when the report (CPUID) or the caller (`options.product`) names it. */
  readonly product?: SnpProduct;
  /** Where {@link SnpReport.product} came from (`none` for a v2 report without the option). */
  readonly productSource: SnpProductSource;
  /** The four TCBs decoded in the product's layout; absent when the product is unknown. */
  readonly tcb?: SnpReportTcbs;
}

/** How the bytes given to `parseSnpReport` are framed. */
export type SnpReportFraming =
  /** Exactly the 1184-byte report (default). */
  | 'none'
  /** The 32-byte MSG_REPORT_RSP header (status 0, report_size 0x4A0) precedes the report. */
  | 'msg-report-rsp'
  /** Azure HCL: the 20-byte IGVM request-data header follows the report (HCL bytes 0x20–0x4D3). */
  | 'azure-igvm-request';

/** Options of `parseSnpReport`. */
export interface SnpParseOptions {
  /**
   * Framing around the report. Default `'none'`: any length other than 1184 bytes throws. Only
   * known containers are accepted, each checked, never trailing bytes in general.
   */
  readonly framing?: SnpReportFraming;
  /**
   * Product line for a report that does not name it (v2 has no CPUID bytes). When the report's
   * CPUID names a different product the parse fails (`ERR_BAD_VALUE`). Default: none; a v2
   * report then has no decoded `tcb`.
   */
  readonly product?: SnpProduct;
  /**
   * Parse versions newer than 5 with the v5 layout, without checking 0x208–0x29F for zero.
   * Default false: an unknown version throws `ERR_BAD_VERSION`.
   */
  readonly allowNewerVersion?: boolean;
}

/** Kinds of certificate-table entries (spec note §9). */
export type SnpCertTableKind =
  'vcek' | 'vlek' | 'ask' | 'ark' | 'crl' | 'extra-platform-info' | 'unknown';

/** One entry of the extended-report certificate table. */
export interface SnpCertTableEntry {
  /** GUID in text form (lower case). */
  readonly guid: string;
  /** How the GUID bytes were stored: text (RFC 4122) order, or EFI mixed-endian. */
  readonly guidByteOrder: 'rfc4122' | 'mixed-endian';
  /** What the GUID names, matched in either byte order; `unknown` for other GUIDs. */
  readonly kind: SnpCertTableKind;
  /** Offset of the data from the start of the table. */
  readonly offset: number;
  /** Length of the data in bytes (the entry's u32 LENGTH, little-endian). */
  readonly length: number;
  /** The entry's bytes (a copy). */
  readonly data: Uint8Array;
}

/** A parsed certificate table. Certificates are not verified here. */
export interface SnpCertTable {
  /** Every entry before the all-zero terminator, in table order (unknown GUIDs included). */
  readonly entries: readonly SnpCertTableEntry[];
  /** Data of the VCEK entry (a DER certificate, unverified); absent when the table has none. */
  readonly vcek?: Uint8Array;
  /** Data of the VLEK entry (a DER certificate, unverified); absent when the table has none. */
  readonly vlek?: Uint8Array;
  /** ASK, or the ASVK for VLEK hosts (they share a GUID). */
  readonly ask?: Uint8Array;
  /** Data of the ARK entry (the self-signed AMD root, unverified); absent when there is none. */
  readonly ark?: Uint8Array;
  /** Data of the CRL entry (ARK-signed, unverified); absent when the table has none. */
  readonly crl?: Uint8Array;
}

/** A certificate, CRL or bundle as attestkit accepts them: DER bytes or PEM (text or bytes). */
export type SnpCertInput = Uint8Array | string;

/** Evidence for `verifySnpReport` (API.md): the report and whatever collateral travels with it. */
export interface SnpEvidence {
  /** The report bytes, or a parsed report (re-read from its `raw`). */
  readonly report: Uint8Array | SnpReport;
  /** The VCEK (DER or PEM). */
  readonly vcek?: SnpCertInput;
  /** The VLEK (DER or PEM). */
  readonly vlek?: SnpCertInput;
  /** ASK or ASVK, and ARK: an array or one PEM bundle, in any order. */
  readonly chain?: readonly SnpCertInput[] | SnpCertInput;
  /** The extended-report certificate table (GHCB `auxblob`). */
  readonly certTable?: Uint8Array;
  /** An ARK-signed CRL (DER or PEM). */
  readonly crl?: SnpCertInput;
}

/** What a fetcher needs to find a VCEK or VLEK (the KDS query). */
export interface SnpKdsParams {
  /** Product line: the KDS `{product}` path segment; also fixes the TCB layout and hwID length. */
  readonly product: SnpProduct;
  /** `VCEK` or `VLEK`. */
  readonly signer: SnpSignerKind;
  /** The KDS hwID: CHIP_ID (64 bytes), or its first 8 bytes on Turin. Empty for a VLEK. */
  readonly hwid: Uint8Array;
  /** REPORTED_TCB decoded (the VCEK is issued for this TCB). */
  readonly tcb: SnpTcbParts;
}

/**
 * Source of AMD certificates and CRLs missing from the evidence (API.md "Fetchers"). Methods
 * return DER or PEM (bytes or text); a chain may be a PEM bundle or an array.
 */
export interface SnpFetcher {
  /**
   * What decides this fetcher's answers besides its arguments (its service URL and settings), as
   * text. `withCache` puts it in every key, so two differently configured fetchers that share a
   * cache never get each other's answers. `createKdsFetcher` and `createPcsFetcher` set it from
   * their settings, `staticSnpCollateral` and `staticTdxCollateral` to a random value per
   * instance; a fetcher without it is keyed by `withCache`'s prefix, method and arguments alone.
   */
  readonly cacheScope?: string;
  /** The VCEK for a chip and TCB (KDS `/vcek/v1/{product}/{hwid}?…`). */
  vcek(params: SnpKdsParams): Promise<SnpCertInput>;
  /** The VLEK (CSP-specific: KDS serves it only to the cloud provider). */
  vlek?(params: SnpKdsParams): Promise<SnpCertInput>;
  /** ASK+ARK (`signer` VCEK, default) or ASVK+ARK (`signer` VLEK). */
  certChain(
    product: SnpProduct,
    signer?: SnpSignerKind,
  ): Promise<readonly SnpCertInput[] | SnpCertInput>;
  /** The ARK-signed CRL covering ASKs (`VCEK`, default) or ASVKs (`VLEK`). */
  crl(product: SnpProduct, signer?: SnpSignerKind): Promise<SnpCertInput>;
}

/** A hex string or bytes: policy values come from code or from JSON config. */
export type SnpBytesLike = Uint8Array | string;

/**
 * Minimum TCB components; a missing component is not constrained. At least one component must be
 * given, and any other key is a `TypeError` (a misspelt component would constrain nothing).
 */
export interface SnpTcbMinimum {
  /** Minimum BOOT_LOADER SPL (0–255). */
  readonly bootloader?: number;
  /** Minimum TEE SPL (0–255). */
  readonly tee?: number;
  /** Minimum SNP firmware SPL (0–255). */
  readonly snp?: number;
  /** Minimum MICROCODE SPL (0–255). */
  readonly microcode?: number;
  /** Checked on Turin only. */
  readonly fmc?: number;
}

/** Names of PLATFORM_INFO flags for {@link SnpPolicy.platformInfo}. */
export type SnpPlatformInfoFlag =
  | 'smtEn'
  | 'tsmeEn'
  | 'eccEn'
  | 'raplDis'
  | 'ciphertextHidingEn'
  | 'aliasCheckComplete'
  | 'tioEn'
  /** The undocumented bit 6 (set on Turin). */
  | 'bit6';

/**
 * Expected values (go-sev-guest `validate.Options` / `check.proto`, plain data so it can live in
 * config). Every field given becomes a check, required to pass. Byte fields accept bytes or hex.
 * `allowDebug` and `allowMigrationAgent` are always checked (default false). A `require…` flag set
 * to false demands nothing, so its check is `skip` (not required), never `pass`.
 *
 * A policy cannot fail open through a typo: a key that is not a field below, at the top level or
 * in any nested object (`minimumTcb`, `minimumLaunchTcb`, `minimumAbi`, `minimumVersion`,
 * `vmpl: { max }`, `platformInfo`, `minimumMitigationVector`), throws `TypeError`, and so does a
 * nested object that gives no field.
 */
export interface SnpPolicy {
  /** Accept POLICY.DEBUG. Default false: a debuggable guest fails `snp.policy.debug`. */
  readonly allowDebug?: boolean;
  /** Accept POLICY.MIGRATE_MA. Default false (`snp.policy.migrate-ma`). */
  readonly allowMigrationAgent?: boolean;
  /** false: POLICY.SMT must be clear. true: SMT accepted. Unchecked when omitted. */
  readonly allowSmt?: boolean;
  /** true: POLICY.SINGLE_SOCKET must be set. false: not required (the check skips). */
  readonly requireSingleSocket?: boolean;
  /** false: POLICY.CXL_ALLOW must be clear. */
  readonly allowCxl?: boolean;
  /** true: POLICY.MEM_AES_256_XTS must be set. false: not required (the check skips). */
  readonly requireMemAes256Xts?: boolean;
  /** true: POLICY.RAPL_DIS must be set. false: not required (the check skips). */
  readonly requireRaplDisabled?: boolean;
  /** true: POLICY.CIPHERTEXT_HIDING must be set. false: not required (the check skips). */
  readonly requireCiphertextHiding?: boolean;
  /** true: POLICY.PAGE_SWAP_DISABLE must be set. false: not required (the check skips). */
  readonly requirePageSwapDisabled?: boolean;
  /** Minimum POLICY.ABI_MAJOR.ABI_MINOR the guest must have demanded. */
  readonly minimumAbi?: {
    /** Minimum POLICY.ABI_MAJOR (0–255). */
    readonly major: number;
    /** Minimum POLICY.ABI_MINOR (0–255), compared only when the majors are equal. */
    readonly minor: number;
  };
  /** VMPL: an exact value, or `{ max }`. */
  readonly vmpl?:
    | number
    | {
        /** Highest VMPL accepted (0–3); VMPL 0 is the most privileged level. */
        readonly max: number;
      };
  /** Minimum GUEST_SVN. */
  readonly minimumGuestSvn?: number;
  /** Exact REPORT_DATA (64 bytes). */
  readonly reportData?: SnpBytesLike;
  /** Exact HOST_DATA (32 bytes). */
  readonly hostData?: SnpBytesLike;
  /** MEASUREMENT: one value or any of a list (48 bytes each). */
  readonly measurement?: SnpBytesLike | readonly SnpBytesLike[];
  /** Exact IMAGE_ID (16 bytes). */
  readonly imageId?: SnpBytesLike;
  /** Exact FAMILY_ID (16 bytes). */
  readonly familyId?: SnpBytesLike;
  /** Exact REPORT_ID (32 bytes). */
  readonly reportId?: SnpBytesLike;
  /** Exact REPORT_ID_MA (32 bytes). */
  readonly reportIdMa?: SnpBytesLike;
  /** Exact CHIP_ID (64 bytes). */
  readonly chipId?: SnpBytesLike;
  /** Component-wise minimum of REPORTED_TCB (go-sev-guest MinimumTCB). */
  readonly minimumTcb?: SnpTcbMinimum;
  /** Component-wise minimum of LAUNCH_TCB. */
  readonly minimumLaunchTcb?: SnpTcbMinimum;
  /** Minimum CURRENT_BUILD. */
  readonly minimumBuild?: number;
  /** Minimum firmware API version CURRENT_MAJOR.CURRENT_MINOR. */
  readonly minimumVersion?: {
    /** Minimum CURRENT_MAJOR (0–255). */
    readonly major: number;
    /** Minimum CURRENT_MINOR (0–255), compared only when the majors are equal. */
    readonly minor: number;
  };
  /**
   * true: COMMITTED_TCB, build and version must equal the current ones (no provisional firmware;
   * go-sev-guest's default). false: provisional firmware permitted, so `snp.policy.committed-tcb`
   * skips; committed ≤ current is still checked by `snp.tcb.relations`.
   */
  readonly requireCommittedTcb?: boolean;
  /**
   * PLATFORM_INFO allow-list (`allow`: no other bit may be set) and required bits. Give `allow`,
   * a non-empty `require`, or both.
   */
  readonly platformInfo?: {
    /** The only flags that may be set; any other set bit (including bits 63:8) fails. */
    readonly allow?: readonly SnpPlatformInfoFlag[];
    /** Flags that must be set. */
    readonly require?: readonly SnpPlatformInfoFlag[];
  };
  /**
   * true: require an ID block whose ID key is in `trustedIdKeyDigests` or is endorsed by an author
   * key in `trustedAuthorKeyDigests`. The host chooses the ID block, so true without either list
   * is a `TypeError` (any host key would pass). false: not required (`snp.policy.id-key` skips
   * unless a trust list is given, which checks the ID key anyway).
   */
  readonly requireIdBlock?: boolean;
  /**
   * true: require AUTHOR_KEY_EN with an author key in `trustedAuthorKeyDigests` (go-sev-guest's
   * rule: only a trusted author key satisfies it; a trusted ID key does not). True without that
   * list is a `TypeError`: nothing could satisfy it except a key the host chose. false: not
   * required (`snp.policy.author-key` skips).
   */
  readonly requireAuthorKey?: boolean;
  /** SHA-384 digests of trusted ID keys (48 bytes each), compared with ID_KEY_DIGEST. */
  readonly trustedIdKeyDigests?: readonly SnpBytesLike[];
  /** SHA-384 digests of trusted author keys, compared with AUTHOR_KEY_DIGEST. */
  readonly trustedAuthorKeyDigests?: readonly SnpBytesLike[];
  /**
   * Bits that must be set in the mitigation vectors (v5+ reports); give `current`, `launch` or
   * both.
   */
  readonly minimumMitigationVector?: {
    /** Bits that must all be set in CURRENT_MIT_VECTOR (u64 at 0x200). */
    readonly current?: bigint | number;
    /** Bits that must all be set in LAUNCH_MIT_VECTOR (u64 at 0x1F8). */
    readonly launch?: bigint | number;
  };
}

/** Options of `verifySnpReport`. */
export interface SnpVerifyOptions {
  /** Instant for certificate and CRL validity. Default: the time of the call, read once. */
  readonly now?: Date;
  /**
   * Source of certificates missing from the evidence. Default: none; missing certificates fail
   * `snp.collateral`. Nothing is fetched when the evidence carries what is needed.
   */
  readonly fetcher?: SnpFetcher;
  /** Expected values; each field given becomes a required check. */
  readonly policy?: SnpPolicy;
  /** Shared store for parsed certificates, verified chain signatures and imported keys. */
  readonly cache?: AttestCache;
  /**
   * Replaces the built-in ARK pins (SPKI SHA-256, hex or bytes) per product, e.g. for test
   * roots. A product absent from the map has no pins (its chains fail). Default: `SNP_ARK_PINS`.
   */
  readonly rootPins?: Partial<Record<SnpProduct, readonly SnpBytesLike[]>>;
  /**
   * The product line, for reports that do not name it (v2). Must agree with the report's CPUID
   * and the certificates. Default: learned from the report or the signer certificate.
   */
  readonly product?: SnpProduct;
  /**
   * Require a CRL check (`snp.crl` becomes required). With a fetcher, the fetched CRL is the one
   * checked, even when the evidence or certificate table carries one, and a failed fetch fails
   * `snp.crl`; without a fetcher, `evidence.crl`. A CRL from the certificate table never
   * satisfies it: the host chooses that one (an older CRL, or the other signer path's, would hide
   * a revocation), so without `evidence.crl` or a fetcher `snp.crl` fails as "no CRL supplied",
   * after checking the table's CRL (a revocation it lists is still reported). Default false: a
   * CRL is checked only when supplied (evidence or certificate table); without one `snp.crl` skips.
   */
  readonly requireCrl?: boolean;
  /** Reject a CRL whose thisUpdate is older than this many milliseconds. Default: no limit. */
  readonly maxCrlAge?: number;
  /** Framing of report bytes (see `SnpParseOptions.framing`). Default `'none'`. */
  readonly framing?: SnpReportFraming;
}

/** Every check `verifySnpReport` reports, in order. Ids are stable; new ones may be added. */
export type SnpCheckId =
  | 'snp.report.format'
  | 'snp.product'
  | 'snp.signer.kind'
  | 'snp.collateral'
  | 'snp.chain.ark'
  | 'snp.chain.ask'
  | 'snp.chain.asvk'
  | 'snp.chain.vcek'
  | 'snp.chain.vlek'
  | 'snp.crl'
  | 'snp.signature'
  | 'snp.cert.product-name'
  | 'snp.tcb.vcek-extensions'
  | 'snp.cert.hwid'
  | 'snp.cert.csp-id'
  | 'snp.tcb.relations'
  | 'snp.policy.debug'
  | 'snp.policy.migrate-ma'
  | 'snp.policy.smt'
  | 'snp.policy.single-socket'
  | 'snp.policy.cxl'
  | 'snp.policy.mem-aes-256-xts'
  | 'snp.policy.rapl-dis'
  | 'snp.policy.ciphertext-hiding'
  | 'snp.policy.page-swap-disable'
  | 'snp.policy.abi'
  | 'snp.policy.vmpl'
  | 'snp.policy.guest-svn'
  | 'snp.policy.report-data'
  | 'snp.policy.host-data'
  | 'snp.policy.measurement'
  | 'snp.policy.image-id'
  | 'snp.policy.family-id'
  | 'snp.policy.report-id'
  | 'snp.policy.report-id-ma'
  | 'snp.policy.chip-id'
  | 'snp.policy.minimum-tcb'
  | 'snp.policy.minimum-launch-tcb'
  | 'snp.policy.minimum-build'
  | 'snp.policy.minimum-version'
  | 'snp.policy.committed-tcb'
  | 'snp.policy.platform-info'
  | 'snp.policy.id-key'
  | 'snp.policy.author-key'
  | 'snp.policy.mitigation-vector';

/** AMD extensions of a VCEK/VLEK certificate (OID arc 1.3.6.1.4.1.3704.1; spec note §7.1). */
export interface SnpVcekExtensions {
  /** structVersion (.1): 0 for Milan/Genoa, 1 for Turin VCEKs. */
  readonly structVersion?: number;
  /** productName1 (.2), e.g. `Milan-B0`, `Genoa`, `Turin`. */
  readonly productName?: string;
  /** The product line named by productName1 (stepping suffix removed), when recognised. */
  readonly product?: SnpProduct;
  /** blSPL (.3.1): boot-loader SPL the certificate was issued for (equals REPORTED_TCB's). */
  readonly blSpl?: number;
  /** teeSPL (.3.2): TEE SPL the certificate was issued for. */
  readonly teeSpl?: number;
  /** snpSPL (.3.3): SNP firmware SPL the certificate was issued for. */
  readonly snpSpl?: number;
  /** ucodeSPL (.3.8): microcode SPL the certificate was issued for. */
  readonly ucodeSpl?: number;
  /** Turin only. */
  readonly fmcSpl?: number;
  /** hwID (.4): 64 bytes (8 on Turin); VCEK only. */
  readonly hwid?: Uint8Array;
  /** How hwID was encoded: raw bytes (KDS) or a nested DER OCTET STRING. */
  readonly hwidEncoding?: 'raw' | 'octet-string';
  /** cspId (.5): VLEK only, e.g. `CN=cc-us-east-2.amazonaws.com`. */
  readonly cspId?: string;
}

/** Where each certificate used by a verification came from. */
export type SnpCollateralSource = 'evidence' | 'cert-table' | 'fetcher';

/** Certificates a verification used, with their origin. */
export interface SnpCertificates {
  /** The signer certificate (VCEK or VLEK) found; whether its chain verified is in the ledger. */
  readonly leaf?: X509Certificate;
  /** The ASK (for a VCEK) or ASVK (for a VLEK) picked as the leaf's issuer. */
  readonly intermediate?: X509Certificate;
  /** The self-issued ARK picked as the intermediate's issuer (checked against the pins). */
  readonly ark?: X509Certificate;
  /** Origin of each certificate and of the CRL; a key is absent when nothing was found. */
  readonly sources: {
    /** Origin of the VCEK or VLEK. */
    readonly leaf?: SnpCollateralSource;
    /** Origin of the ASK or ASVK. */
    readonly intermediate?: SnpCollateralSource;
    /** Origin of the ARK. */
    readonly ark?: SnpCollateralSource;
    /** Origin of the CRL, when one was supplied or fetched. */
    readonly crl?: SnpCollateralSource;
  };
}

/** The result of `verifySnpReport`: the ledger plus the facts a caller acts on. */
export interface SnpVerification extends Verification<SnpCheckId> {
  /** The parsed report (absent when the bytes do not parse). */
  readonly report?: SnpReport;
  /** The product line the verification settled on. */
  readonly product?: SnpProduct;
  /** Signer named by KEY_INFO.SIGNING_KEY. */
  readonly signer?: SnpSignerKind | 'none';
  /** The report's TCBs decoded in the product's layout. */
  readonly tcb?: SnpReportTcbs;
  /** The KDS query for the signer certificate. */
  readonly kds?: SnpKdsParams;
  /** The signer certificate's AMD extensions, when a signer certificate was available. */
  readonly signerExtensions?: SnpVcekExtensions;
  /** The certificates used and where they came from. */
  readonly certificates: SnpCertificates;
}
