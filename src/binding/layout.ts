/**
 * @module
 * Offsets, sizes and identifiers of the binding structures: the Azure HCL report (the buffer the
 * Azure paravisor writes into vTPM NV index 0x01400001), the Intel TDREPORT it wraps on TDX
 * hosts, and the SVSM attestation manifests (AMD "Secure VM Service Module for SEV-SNP Guests"
 * 58019 rev. 1.00, chapter 7). Cross-checked against the real Azure vectors (shared
 * spec-notes/snp.md §11, tdx.md §14) and the synthetic SVSM example (snp.md §10).
 */

/** `HCLA` read as a little-endian u32 at offset 0 of the HCL report. */
export const HCL_SIGNATURE = 0x414c4348;
/** Size of the HCL report header (signature, version, report_size, request_type, status, reserved). */
export const HCL_HEADER_SIZE = 0x20;
/** Offset of the 12 reserved header bytes (must be zero). */
export const HCL_HEADER_RESERVED_OFFSET = 0x14;
/** Offset of the hardware report area (SNP ATTESTATION_REPORT or TDX TDREPORT). */
export const HCL_HW_REPORT_OFFSET = 0x20;
/** Size of the hardware report area: an SNP report fills it; a TDREPORT is followed by zeros. */
export const HCL_HW_REPORT_AREA_SIZE = 0x4a0;
/** Offset of the IGVM request data (runtime-data header). */
export const HCL_IGVM_REQUEST_OFFSET = 0x4c0;
/** Size of the IGVM request data header (data_size, version, report_type, hash_type, var size). */
export const HCL_IGVM_HEADER_SIZE = 20;
/** Offset of the variable data (runtime JSON). */
export const HCL_VARIABLE_DATA_OFFSET = 0x4d4;

/** IGVM `report_type` values: which hardware report the HCL report carries. */
export const HCL_REPORT_TYPE = { snp: 2, tdx: 4 } as const;
/** IGVM `report_data_hash_type` values: how REPORT_DATA binds the runtime data. */
export const HCL_HASH_TYPE = { sha256: 1, sha384: 2, sha512: 3 } as const;

/** Size of an SEV-SNP ATTESTATION_REPORT. */
export const SNP_REPORT_SIZE = 0x4a0;
/** Offset of REPORT_DATA in an SEV-SNP report (SEV-SNP ABI 1.57 Table 22). */
export const SNP_REPORT_DATA_OFFSET = 0x50;
/** Offset of VMPL in an SEV-SNP report. */
export const SNP_VMPL_OFFSET = 0x30;

/** Size of a TDX TDREPORT_STRUCT (TDX module ABI: REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO). */
export const TDREPORT_SIZE = 1024;
/** TDREPORT: REPORTMACSTRUCT fields. */
export const TDREPORT = {
  reportType: 0,
  reserved1: 4,
  cpuSvn: 16,
  teeTcbInfoHash: 32,
  teeInfoHash: 80,
  reportData: 128,
  reserved2: 192,
  mac: 224,
  /** TEE_TCB_INFO (239 bytes), then 17 reserved bytes. */
  teeTcbInfo: 256,
  teeTcbInfoSize: 239,
  reserved3: 495,
  /** TDINFO (512 bytes). */
  tdInfo: 512,
  tdInfoSize: 512,
} as const;
/** TEE_TCB_INFO field offsets (relative to TEE_TCB_INFO). */
export const TEE_TCB_INFO = {
  valid: 0,
  teeTcbSvn: 8,
  mrSeam: 24,
  mrSignerSeam: 72,
  attributes: 120,
} as const;
/** TDINFO field offsets (relative to TDINFO). */
export const TDINFO = {
  attributes: 0,
  xfam: 8,
  mrTd: 16,
  mrConfigId: 64,
  mrOwner: 112,
  mrOwnerConfig: 160,
  rtmr0: 208,
  servTdHash: 400,
} as const;
/** REPORTMACSTRUCT.REPORTTYPE.TYPE value of a TDX report (0x81). */
export const TDREPORT_TYPE_TDX = 0x81;

/** SVSM services manifest GUID (58019 §7, Table 12): `63849ebb-3d92-4670-a1ff-58f9c94b87bb`. */
export const SVSM_SERVICES_MANIFEST_GUID = '63849ebb-3d92-4670-a1ff-58f9c94b87bb';
/** SVSM vTPM service GUID (58019 §8): `c476f1eb-0123-45a5-9641-b4e7dde5bfe3`. */
export const SVSM_VTPM_SERVICE_GUID = 'c476f1eb-0123-45a5-9641-b4e7dde5bfe3';
/** Size of the services-manifest header and of each GUID-table entry. */
export const SVSM_GUID_ENTRY_SIZE = 24;
/** Size of the nonce an SVSM attest call hashes with the manifest. */
export const SVSM_NONCE_SIZE = 64;
