/**
 * @module
 * Sizes, offsets and bit positions of the SEV-SNP attestation report and its companions, each
 * citing where it comes from: AMD "SEV Secure Nested Paging Firmware ABI Specification"
 * (publication 56860, revision 1.58: the ATTESTATION_REPORT structure, TCB_VERSION, guest policy,
 * PLATFORM_INFO), AMD "Versioned Chip Endorsement Key (VCEK) Certificate and KDS Interface
 * Specification" (publication 57230), and `shared/spec-notes/snp.md`, whose offsets were confirmed
 * by signature checks on real reports. Pure data; no logic beyond bit helpers.
 */
import { frozen } from '../core/share.js';

/**
 * Size of ATTESTATION_REPORT for every report version (spec note §1). Exported from
 * `attestkit/snp`.
 *
 * @example
 * ```ts
 * if (bytes.length !== SNP_REPORT_SIZE) console.log('not a bare report');
 * ```
 */
export const SNP_REPORT_SIZE = 0x4a0;
/**
 * The signature covers bytes 0x000–0x29F; the signature block starts here (spec note §6).
 * Exported from `attestkit/snp`.
 *
 * @example
 * ```ts
 * const signed = raw.subarray(0, SNP_SIGNATURE_OFFSET);
 * ```
 */
export const SNP_SIGNATURE_OFFSET = 0x2a0;
/** Oldest report version attestkit parses (firmware ≥ 1.51; earlier versions were never shipped). */
export const SNP_MIN_REPORT_VERSION = 2;
/** Newest report version whose layout attestkit knows (v5: Turin firmware 1.55.61, spec note §1.1). */
export const SNP_MAX_REPORT_VERSION = 5;

/** Source of {@link SNP_OFFSET}. */
const SNP_OFFSET_TABLE = {
  /** VERSION: u32 LE, report format version (2–5 seen in real evidence). */
  VERSION: 0x000,
  /** GUEST_SVN: u32 LE, guest security version from the ID block. */
  GUEST_SVN: 0x004,
  /** POLICY: u64 LE guest policy (bits in spec note §3). */
  POLICY: 0x008,
  /** FAMILY_ID: 16 bytes from the ID block (zero without one). */
  FAMILY_ID: 0x010,
  /** IMAGE_ID: 16 bytes from the ID block (zero without one). */
  IMAGE_ID: 0x020,
  /** VMPL: u32 LE, the VMPL the report was requested for (0–3). */
  VMPL: 0x030,
  /** SIGNATURE_ALGO: u32 LE; 1 = ECDSA P-384 with SHA-384, the only defined value. */
  SIGNATURE_ALGO: 0x034,
  /** CURRENT_TCB: 8-byte TCB_VERSION of the running firmware. */
  CURRENT_TCB: 0x038,
  /** PLATFORM_INFO: u64 LE platform flags (spec note §4). */
  PLATFORM_INFO: 0x040,
  /** KEY_INFO: u32 LE; AUTHOR_KEY_EN, MASK_CHIP_KEY and SIGNING_KEY bits (spec note §5). */
  KEY_INFO: 0x048,
  /** RESERVED_1: 4 bytes, must be zero. */
  RESERVED_1: 0x04c,
  /** REPORT_DATA: 64 bytes chosen by the guest when requesting the report. */
  REPORT_DATA: 0x050,
  /** MEASUREMENT: 48-byte SHA-384 launch digest of the guest. */
  MEASUREMENT: 0x090,
  /** HOST_DATA: 32 bytes set by the hypervisor at launch. */
  HOST_DATA: 0x0c0,
  /** ID_KEY_DIGEST: 48-byte SHA-384 of the ID public key (zero without an ID block). */
  ID_KEY_DIGEST: 0x0e0,
  /** AUTHOR_KEY_DIGEST: 48-byte SHA-384 of the author key (zero unless AUTHOR_KEY_EN). */
  AUTHOR_KEY_DIGEST: 0x110,
  /** REPORT_ID: 32-byte identifier of the guest, stable for the VM's life. */
  REPORT_ID: 0x140,
  /** REPORT_ID_MA: 32-byte REPORT_ID of the migration agent; all 0xFF when none. */
  REPORT_ID_MA: 0x160,
  /** REPORTED_TCB: 8-byte TCB_VERSION the signing VCEK was derived from. */
  REPORTED_TCB: 0x180,
  /** v3+; in v2 the whole 0x188–0x19F range is reserved. */
  CPUID_FAM_ID: 0x188,
  /** CPUID_MOD_ID: u8, (extended model << 4) | base model (v3+). */
  CPUID_MOD_ID: 0x189,
  /** CPUID_STEP: u8, CPU stepping (v3+). */
  CPUID_STEP: 0x18a,
  /** RESERVED_2: 21 bytes to 0x19F, must be zero (v3+; from 0x188 in v2). */
  RESERVED_2: 0x18b,
  /** CHIP_ID: 64 bytes; zero when masked or VLEK-signed, only the first 8 used on Turin. */
  CHIP_ID: 0x1a0,
  /** COMMITTED_TCB: 8-byte TCB_VERSION committed as the anti-rollback floor. */
  COMMITTED_TCB: 0x1e0,
  /** CURRENT_BUILD: u8, build number of the running firmware. */
  CURRENT_BUILD: 0x1e8,
  /** CURRENT_MINOR: u8, minor API version of the running firmware. */
  CURRENT_MINOR: 0x1e9,
  /** CURRENT_MAJOR: u8, major API version of the running firmware. */
  CURRENT_MAJOR: 0x1ea,
  /** RESERVED_3: 1 byte, must be zero. */
  RESERVED_3: 0x1eb,
  /** COMMITTED_BUILD: u8, build number of the committed firmware. */
  COMMITTED_BUILD: 0x1ec,
  /** COMMITTED_MINOR: u8, minor API version of the committed firmware. */
  COMMITTED_MINOR: 0x1ed,
  /** COMMITTED_MAJOR: u8, major API version of the committed firmware. */
  COMMITTED_MAJOR: 0x1ee,
  /** RESERVED_4: 1 byte, must be zero. */
  RESERVED_4: 0x1ef,
  /** LAUNCH_TCB: 8-byte TCB_VERSION that was current when the guest launched. */
  LAUNCH_TCB: 0x1f0,
  /** v5+; reserved (zero) before v5. */
  LAUNCH_MIT_VECTOR: 0x1f8,
  /** CURRENT_MIT_VECTOR: u64 LE current mitigation vector (v5+; reserved before). */
  CURRENT_MIT_VECTOR: 0x200,
  /** RESERVED_5: 152 bytes to 0x29F, must be zero (v5; from 0x1F8 in v2–v4). */
  RESERVED_5: 0x208,
  /** SIGNATURE.R: ECDSA r, 72 bytes little-endian (48 used, 24 zero padding); unsigned from here. */
  SIGNATURE_R: 0x2a0,
  /** SIGNATURE.S: ECDSA s, 72 bytes little-endian (48 used, 24 zero padding). */
  SIGNATURE_S: 0x2e8,
  /** SIGNATURE reserved: 368 bytes to 0x49F, zero and not covered by the signature. */
  SIGNATURE_RESERVED: 0x330,
} as const;

/**
 * Field offsets (ABI 56860 ATTESTATION_REPORT; spec note §1). Exported from `attestkit/snp`.
 *
 * @example
 * ```ts
 * const reportData = raw.subarray(SNP_OFFSET.REPORT_DATA, SNP_OFFSET.MEASUREMENT);
 * ```
 */
export const SNP_OFFSET: typeof SNP_OFFSET_TABLE = /* @__PURE__ */ frozen(SNP_OFFSET_TABLE);

/*
 * The offsets parse.ts reads by name, also as plain numbers: bundlers inline those, so a bundle
 * that parses or verifies reports does not carry the whole SNP_OFFSET table. The layout test
 * checks that they equal their SNP_OFFSET entries.
 */
/** POLICY (u64). */
export const SNP_POLICY_OFFSET = 0x008;
/** CURRENT_TCB (TCB_VERSION). */
export const SNP_CURRENT_TCB_OFFSET = 0x038;
/** REPORTED_TCB (TCB_VERSION). */
export const SNP_REPORTED_TCB_OFFSET = 0x180;
/** CHIP_ID (64 bytes). */
export const SNP_CHIP_ID_OFFSET = 0x1a0;
/** COMMITTED_TCB (TCB_VERSION). */
export const SNP_COMMITTED_TCB_OFFSET = 0x1e0;
/** LAUNCH_TCB (TCB_VERSION). */
export const SNP_LAUNCH_TCB_OFFSET = 0x1f0;

/** Sizes of the byte-array fields (ABI 56860 ATTESTATION_REPORT). */
export const SNP_SIZE = {
  FAMILY_ID: 16,
  IMAGE_ID: 16,
  REPORT_DATA: 64,
  MEASUREMENT: 48,
  HOST_DATA: 32,
  ID_KEY_DIGEST: 48,
  AUTHOR_KEY_DIGEST: 48,
  REPORT_ID: 32,
  REPORT_ID_MA: 32,
  CHIP_ID: 64,
  /** Turin hwID / KDS path uses only the first 8 bytes of CHIP_ID (spec note §7.1, §8). */
  CHIP_ID_TURIN: 8,
  /** ECDSA P-384 r and s: 48 significant bytes, little-endian, zero-padded to 72 (spec note §6). */
  SIGNATURE_COMPONENT: 72,
  SIGNATURE_COMPONENT_USED: 48,
  /** 0x330–0x49F: reserved, outside the signed range. */
  SIGNATURE_RESERVED: 0x170,
} as const;

/** The only defined SIGNATURE_ALGO: ECDSA P-384 with SHA-384. */
export const SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384 = 1;

/** Guest POLICY bit positions (ABI 56860 guest policy; spec note §3). */
export const SNP_POLICY_BIT = {
  ABI_MINOR: 0, // bits 7:0
  ABI_MAJOR: 8, // bits 15:8
  SMT: 16,
  /** Reserved, must be one. */
  RESERVED_MBO: 17,
  MIGRATE_MA: 18,
  DEBUG: 19,
  SINGLE_SOCKET: 20,
  CXL_ALLOW: 21,
  MEM_AES_256_XTS: 22,
  RAPL_DIS: 23,
  CIPHERTEXT_HIDING: 24,
  PAGE_SWAP_DISABLE: 25,
} as const;
/** Bits 63:26 of POLICY are reserved and must be zero. */
export const SNP_POLICY_RESERVED_MASK = 0xffff_ffff_fc00_0000n;

/** PLATFORM_INFO bit positions (ABI 56860; spec note §4). Bit 6 is undocumented but set on Turin. */
export const SNP_PLATFORM_INFO_BIT = {
  SMT_EN: 0,
  TSME_EN: 1,
  ECC_EN: 2,
  RAPL_DIS: 3,
  CIPHERTEXT_HIDING_EN: 4,
  ALIAS_CHECK_COMPLETE: 5,
  TIO_EN: 7,
} as const;
/** The named PLATFORM_INFO bits; everything else is reported, never rejected (spec note §4). */
export const SNP_PLATFORM_INFO_KNOWN_MASK = 0b1011_1111n;

/** KEY_INFO bits (ABI 56860; spec note §5). */
export const SNP_KEY_INFO = {
  AUTHOR_KEY_EN_BIT: 0,
  MASK_CHIP_KEY_BIT: 1,
  SIGNING_KEY_SHIFT: 2,
  SIGNING_KEY_MASK: 0b111,
  /** Bits 31:5 reserved (must be zero). */
  RESERVED_MASK: 0xffff_ffe0,
} as const;

/** SIGNING_KEY values: 0 VCEK, 1 VLEK, 7 none; 2–6 reserved (spec note §5). */
export const SNP_SIGNING_KEY = { VCEK: 0, VLEK: 1, NONE: 7 } as const;

/**
 * TCB_VERSION byte positions per product (spec note §2): Milan/Genoa
 * `bl, tee, rsvd×4, snp, ucode`; Turin `fmc, bl, tee, snp, rsvd×3, ucode`.
 */
export const SNP_TCB_LAYOUT = {
  'milan-genoa': { bootloader: 0, tee: 1, snp: 6, microcode: 7, reserved: [2, 3, 4, 5] },
  turin: { fmc: 0, bootloader: 1, tee: 2, snp: 3, microcode: 7, reserved: [4, 5, 6] },
} as const;

/** The 0x20-byte MSG_REPORT_RSP header some tools save before the report (spec note §9). */
export const SNP_MSG_REPORT_RSP_HEADER_SIZE = 0x20;
/**
 * Azure's HCL report follows the SNP report with the 20-byte IGVM request-data header
 * (data_size, version, report_type, report_data_hash_type, variable_data_size; spec note §11).
 */
export const SNP_AZURE_IGVM_HEADER_SIZE = 20;
/** IGVM request data report_type for SEV-SNP (spec note §11). */
export const SNP_AZURE_REPORT_TYPE_SNP = 2;

/** Size of one certificate-table entry: GUID[16], u32 offset, u32 length (spec note §9). */
export const SNP_CERT_TABLE_ENTRY_SIZE = 24;

/** Source of {@link SNP_CERT_TABLE_GUID}. */
const SNP_CERT_TABLE_GUID_TABLE = {
  /** VCEK entry: the chip- and TCB-specific signing certificate (DER). */
  vcek: '63da758d-e664-4564-adc5-f4b93be8accd',
  /** VLEK entry: the cloud-provider signing certificate (DER). */
  vlek: 'a8074bc2-a25a-483e-aae6-39c045a0b8a1',
  /** Also used for the ASVK. */
  ask: '4ab7b379-bbac-4fe4-a02f-05aef327c782',
  /** ARK entry: the self-signed AMD root certificate (DER). */
  ark: 'c0b406a4-a803-4952-9743-3fb6014cd0ae',
  /** CRL entry: the ARK-signed revocation list. */
  crl: '92f81bc3-5811-4d3d-97ff-d19f88dc67ea',
  /** "Extra platform info": a non-AMD entry used by one toolchain; content not interpreted. */
  'extra-platform-info': 'ecae0c0f-9502-43b1-afa2-0ae2e0d565b6',
} as const;

/**
 * Certificate-table GUIDs in their text form (GHCB spec 56421 / spec note §9). Exported from
 * `attestkit/snp`.
 *
 * @example
 * ```ts
 * table.entries.find((e) => e.guid === SNP_CERT_TABLE_GUID.vcek);
 * ```
 */
export const SNP_CERT_TABLE_GUID: typeof SNP_CERT_TABLE_GUID_TABLE =
  /* @__PURE__ */ frozen(SNP_CERT_TABLE_GUID_TABLE);

/** One field of the report layout, for tools and tests that walk it. */
export interface SnpLayoutField {
  /** Spec field name, e.g. `REPORT_DATA`, `SIGNATURE.R_PADDING`, `RESERVED_2`. */
  readonly name: string;
  /** Offset from the start of the report, in bytes. */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
  /** True for reserved (must-be-zero) ranges. */
  readonly reserved: boolean;
}

/**
 * The report layout for a version, field by field in offset order (signature padding and the
 * unsigned tail included). Useful to walk field boundaries.
 *
 * @param version - report version (2–5; newer versions use the v5 layout).
 * @returns the fields, covering 0x000–0x49F without gaps.
 * @example
 * ```ts
 * for (const f of snpReportLayout(3)) console.log(f.name, f.offset.toString(16));
 * ```
 */
export function snpReportLayout(version: number): readonly SnpLayoutField[] {
  const f = (name: string, offset: number, size: number, reserved = false): SnpLayoutField => ({
    name,
    offset,
    size,
    reserved,
  });
  const O = SNP_OFFSET;
  return [
    f('VERSION', O.VERSION, 4),
    f('GUEST_SVN', O.GUEST_SVN, 4),
    f('POLICY', O.POLICY, 8),
    f('FAMILY_ID', O.FAMILY_ID, 16),
    f('IMAGE_ID', O.IMAGE_ID, 16),
    f('VMPL', O.VMPL, 4),
    f('SIGNATURE_ALGO', O.SIGNATURE_ALGO, 4),
    f('CURRENT_TCB', O.CURRENT_TCB, 8),
    f('PLATFORM_INFO', O.PLATFORM_INFO, 8),
    f('KEY_INFO', O.KEY_INFO, 4),
    f('RESERVED_1', O.RESERVED_1, 4, true),
    f('REPORT_DATA', O.REPORT_DATA, 64),
    f('MEASUREMENT', O.MEASUREMENT, 48),
    f('HOST_DATA', O.HOST_DATA, 32),
    f('ID_KEY_DIGEST', O.ID_KEY_DIGEST, 48),
    f('AUTHOR_KEY_DIGEST', O.AUTHOR_KEY_DIGEST, 48),
    f('REPORT_ID', O.REPORT_ID, 32),
    f('REPORT_ID_MA', O.REPORT_ID_MA, 32),
    f('REPORTED_TCB', O.REPORTED_TCB, 8),
    ...(version >= 3
      ? [
          f('CPUID_FAM_ID', O.CPUID_FAM_ID, 1),
          f('CPUID_MOD_ID', O.CPUID_MOD_ID, 1),
          f('CPUID_STEP', O.CPUID_STEP, 1),
          f('RESERVED_2', O.RESERVED_2, 21, true),
        ]
      : [f('RESERVED_2', O.CPUID_FAM_ID, 24, true)]),
    f('CHIP_ID', O.CHIP_ID, 64),
    f('COMMITTED_TCB', O.COMMITTED_TCB, 8),
    f('CURRENT_BUILD', O.CURRENT_BUILD, 1),
    f('CURRENT_MINOR', O.CURRENT_MINOR, 1),
    f('CURRENT_MAJOR', O.CURRENT_MAJOR, 1),
    f('RESERVED_3', O.RESERVED_3, 1, true),
    f('COMMITTED_BUILD', O.COMMITTED_BUILD, 1),
    f('COMMITTED_MINOR', O.COMMITTED_MINOR, 1),
    f('COMMITTED_MAJOR', O.COMMITTED_MAJOR, 1),
    f('RESERVED_4', O.RESERVED_4, 1, true),
    f('LAUNCH_TCB', O.LAUNCH_TCB, 8),
    ...(version >= 5
      ? [
          f('LAUNCH_MIT_VECTOR', O.LAUNCH_MIT_VECTOR, 8),
          f('CURRENT_MIT_VECTOR', O.CURRENT_MIT_VECTOR, 8),
          f('RESERVED_5', O.RESERVED_5, SNP_SIGNATURE_OFFSET - O.RESERVED_5, true),
        ]
      : [f('RESERVED_5', O.LAUNCH_MIT_VECTOR, SNP_SIGNATURE_OFFSET - O.LAUNCH_MIT_VECTOR, true)]),
    f('SIGNATURE.R', O.SIGNATURE_R, 48),
    f('SIGNATURE.R_PADDING', O.SIGNATURE_R + 48, 24, true),
    f('SIGNATURE.S', O.SIGNATURE_S, 48),
    f('SIGNATURE.S_PADDING', O.SIGNATURE_S + 48, 24, true),
    f('SIGNATURE.RESERVED', O.SIGNATURE_RESERVED, SNP_SIZE.SIGNATURE_RESERVED, true),
  ];
}
