/**
 * @module
 * Sizes, offsets, constants and bit positions of Intel DCAP quotes (SGX v3, TDX v4 and v5), each
 * citing its source: Intel SGX ECDSA Quote Library API (DCAP 1.x), "Quote Format" appendix;
 * Intel TDX DCAP Quoting Library API (rev. 1.0, 2023), "Quote Format" §A.3 (v4) and §A.4 (v5);
 * Intel TDX Module ABI specification, TDREPORT / TDINFO_STRUCT tables. All integers are
 * little-endian.
 */

/** Quote header size (all versions). Quote format §A.3.1 "Quote Header". */
export const QUOTE_HEADER_SIZE = 48;
/** Quote version 3: SGX ECDSA quote. SGX DCAP Quote Library API, "Quote Format". */
export const QUOTE_VERSION_SGX_V3 = 3;
/** Quote version 4: TDX (or SGX) quote with a fixed body. TDX DCAP Quote Library API §A.3. */
export const QUOTE_VERSION_V4 = 4;
/** Quote version 5: quote with a body descriptor. TDX DCAP Quote Library API §A.4. */
export const QUOTE_VERSION_V5 = 5;

/** Attestation key type 2: ECDSA-256 with P-256 (the only type Intel QEs produce). */
export const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
/** Attestation key type 3: ECDSA-384 with P-384 (defined, never produced). */
export const ATTESTATION_KEY_TYPE_ECDSA_P384 = 3;

/** TEE type of SGX quotes (header bytes 4..7). */
export const TEE_TYPE_SGX = 0x00000000;
/** TEE type of TDX quotes (header bytes 4..7). */
export const TEE_TYPE_TDX = 0x00000081;

/** Intel's QE vendor id (header bytes 12..27). */
export const INTEL_QE_VENDOR_ID: Uint8Array = /* @__PURE__ */ Uint8Array.from([
  0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
]);

/** Header field offsets. Quote format §A.3.1. */
export const HEADER_OFFSET = {
  VERSION: 0x00,
  ATTESTATION_KEY_TYPE: 0x02,
  TEE_TYPE: 0x04,
  /** v3: QE SVN; v4/v5: reserved. */
  QE_SVN: 0x08,
  /** v3: PCE SVN; v4/v5: reserved. */
  PCE_SVN: 0x0a,
  QE_VENDOR_ID: 0x0c,
  USER_DATA: 0x1c,
} as const;

/** v5 body descriptor: u16 type, u32 size, at offset 48. TDX DCAP Quote Library API §A.4.2. */
export const V5_BODY_DESCRIPTOR_SIZE = 6;
/** v5 body type 1: SGX enclave report body. */
export const V5_BODY_TYPE_SGX = 1;
/** v5 body type 2: TD report body for TDX 1.0. */
export const V5_BODY_TYPE_TD10 = 2;
/** v5 body type 3: TD report body for TDX 1.5. */
export const V5_BODY_TYPE_TD15 = 3;

/** SGX enclave report body size (also the QE report). SGX SDK `sgx_report_body_t`. */
export const SGX_REPORT_BODY_SIZE = 384;
/** TD report body size, TDX 1.0 (`sgx_report2_body_t`). §A.3.2. */
export const TD10_REPORT_BODY_SIZE = 584;
/** TD report body size, TDX 1.5 (`sgx_report2_body_v1_5_t`): TDX 1.0 + TEE_TCB_SVN2 + MRSERVICETD. */
export const TD15_REPORT_BODY_SIZE = 648;

/** SGX report body field offsets (relative to the body). SGX SDK `sgx_report_body_t`. */
export const SGX_REPORT_OFFSET = {
  CPUSVN: 0,
  MISCSELECT: 16,
  RESERVED1: 20,
  ISVEXTPRODID: 32,
  ATTRIBUTES: 48,
  MRENCLAVE: 64,
  RESERVED2: 96,
  MRSIGNER: 128,
  RESERVED3: 160,
  CONFIGID: 192,
  ISVPRODID: 256,
  ISVSVN: 258,
  CONFIGSVN: 260,
  RESERVED4: 262,
  ISVFAMILYID: 304,
  REPORTDATA: 320,
} as const;

/** TD report body field offsets (relative to the body). §A.3.2 "TD Quote Body". */
export const TD_REPORT_OFFSET = {
  TEE_TCB_SVN: 0,
  MRSEAM: 16,
  MRSIGNERSEAM: 64,
  SEAMATTRIBUTES: 112,
  TDATTRIBUTES: 120,
  XFAM: 128,
  MRTD: 136,
  MRCONFIGID: 184,
  MROWNER: 232,
  MROWNERCONFIG: 280,
  RTMR0: 328,
  RTMR1: 376,
  RTMR2: 424,
  RTMR3: 472,
  REPORTDATA: 520,
  /** TDX 1.5 only. */
  TEE_TCB_SVN2: 584,
  /** TDX 1.5 only. */
  MRSERVICETD: 600,
} as const;

/** ECDSA-256 signature data: quote signature (64), attestation key (64). §A.3.8. */
export const ECDSA256_SIGNATURE_SIZE = 64;
export const ECDSA256_PUBLIC_KEY_SIZE = 64;
/** QE authentication data size field (u16) follows the QE report signature. */
export const QE_REPORT_SIGNATURE_SIZE = 64;

/** Certification data types. SGX DCAP Quote Library API, "Certification Data". */
export const CERT_DATA_TYPE = {
  PPID_CLEARTEXT: 1,
  PPID_RSA2048_ENCRYPTED: 2,
  PPID_RSA3072_ENCRYPTED: 3,
  PCK_LEAF_CERT: 4,
  PCK_CERT_CHAIN: 5,
  QE_REPORT_CERTIFICATION_DATA: 6,
  PLATFORM_MANIFEST: 7,
} as const;

/**
 * Largest signature data accepted (bytes). Real quotes carry ~4.3 KB; a PCK chain of three
 * P-256 certificates is under 4 KB. The cap keeps a hostile length from driving allocation.
 */
export const MAX_SIGNATURE_DATA_SIZE: number = 1 << 20;

/**
 * Largest PCK certificate chain (certification data type 5) accepted, in bytes: 64 KiB. Intel's
 * three-certificate PEM chain is under 5 KB; a larger one is refused with `ERR_LIMIT_EXCEEDED`
 * before its text is decoded, so a quote cannot make the verifier decode and hold up to
 * {@link MAX_SIGNATURE_DATA_SIZE} bytes of PEM.
 */
export const MAX_PCK_CERT_CHAIN_SIZE: number = 64 * 1024;

/** TDATTRIBUTES bits (u64). TDX Module ABI spec, "ATTRIBUTES" table. */
export const TD_ATTRIBUTES_BIT = {
  DEBUG: 0,
  SEPT_VE_DISABLE: 28,
  MIGRATABLE: 29,
  PKS: 30,
  KL: 31,
  PERFMON: 63,
} as const;

/** SGX ATTRIBUTES.FLAGS bits (u64). SGX SDK `sgx_attributes.h`. */
export const SGX_ATTRIBUTES_BIT = {
  INIT: 0,
  DEBUG: 1,
  MODE64BIT: 2,
  PROVISIONKEY: 4,
  EINITTOKENKEY: 5,
  KSS: 7,
} as const;

/** The SGX extension of PCK certificates and its children. Intel PCK Certificate and CRL spec §1.3.5. */
export const SGX_EXTENSION_OID = {
  ROOT: '1.2.840.113741.1.13.1',
  PPID: '1.2.840.113741.1.13.1.1',
  TCB: '1.2.840.113741.1.13.1.2',
  /** Prefix of the 16 component SVNs (`.1` … `.16`), PCESVN (`.17`) and CPUSVN (`.18`). */
  TCB_PREFIX: '1.2.840.113741.1.13.1.2.',
  PCEID: '1.2.840.113741.1.13.1.3',
  FMSPC: '1.2.840.113741.1.13.1.4',
  SGX_TYPE: '1.2.840.113741.1.13.1.5',
  PLATFORM_INSTANCE_ID: '1.2.840.113741.1.13.1.6',
  CONFIGURATION: '1.2.840.113741.1.13.1.7',
  DYNAMIC_PLATFORM: '1.2.840.113741.1.13.1.7.1',
  CACHED_KEYS: '1.2.840.113741.1.13.1.7.2',
  SMT_ENABLED: '1.2.840.113741.1.13.1.7.3',
} as const;

/** Subject common names of Intel's DCAP certificates (PCK certificate and CRL spec §1.2). */
export const INTEL_CN = {
  ROOT: 'Intel SGX Root CA',
  PCK_PLATFORM_CA: 'Intel SGX PCK Platform CA',
  PCK_PROCESSOR_CA: 'Intel SGX PCK Processor CA',
  PCK_LEAF: 'Intel SGX PCK Certificate',
  TCB_SIGNING: 'Intel SGX TCB Signing',
} as const;
