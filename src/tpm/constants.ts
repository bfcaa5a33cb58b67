/**
 * @module
 * TPM 2.0 constants: TPM_GENERATED, TPM_ST attestation tags, the TPM_ALG_ID and TPM_ECC_CURVE
 * registries, TPMA_OBJECT bits, permanent handles and the TCG EK NV indices and templates.
 * Sources: TPM 2.0 Library Part 2 (Structures) rev 1.59, §6.2 (TPM_GENERATED), §6.3 (TPM_ALG_ID),
 * §6.4 (TPM_ECC_CURVE), §6.9 (TPM_ST), §7.4 (TPM_RH), §8.3 (TPMA_OBJECT); TCG EK Credential
 * Profile 2.5 §2.2.1.5 (NV indices) and Annex B (templates, policies).
 */

/** `TPM_GENERATED_VALUE` ("\xFFTCG"): the magic of every TPMS_ATTEST (Part 2 §6.2). */
export const TPM_GENERATED_VALUE = 0xff544347;

/** TPM_ST tags of TPMS_ATTEST (`TPMI_ST_ATTEST`, Part 2 §6.9 Table 19). */
export const TPM_ST = {
  ATTEST_NV: 0x8014,
  ATTEST_COMMAND_AUDIT: 0x8015,
  ATTEST_SESSION_AUDIT: 0x8016,
  ATTEST_CERTIFY: 0x8017,
  ATTEST_QUOTE: 0x8018,
  ATTEST_TIME: 0x8019,
  ATTEST_CREATION: 0x801a,
  ATTEST_NV_DIGEST: 0x801c,
} as const;

/** Name of each attestation structure type, keyed by its TPM_ST value. */
export type TpmAttestType =
  | 'nv'
  | 'command-audit'
  | 'session-audit'
  | 'certify'
  | 'quote'
  | 'time'
  | 'creation'
  | 'nv-digest';

/** TPM_ST value → {@link TpmAttestType}. */
export const TPM_ST_ATTEST_NAMES: Readonly<Record<number, TpmAttestType>> = {
  [TPM_ST.ATTEST_NV]: 'nv',
  [TPM_ST.ATTEST_COMMAND_AUDIT]: 'command-audit',
  [TPM_ST.ATTEST_SESSION_AUDIT]: 'session-audit',
  [TPM_ST.ATTEST_CERTIFY]: 'certify',
  [TPM_ST.ATTEST_QUOTE]: 'quote',
  [TPM_ST.ATTEST_TIME]: 'time',
  [TPM_ST.ATTEST_CREATION]: 'creation',
  [TPM_ST.ATTEST_NV_DIGEST]: 'nv-digest',
};

/** TPM_ALG_ID values attestkit names (Part 2 §6.3 Table 9). */
export const TPM_ALG = {
  RSA: 0x0001,
  TDES: 0x0003,
  SHA1: 0x0004,
  HMAC: 0x0005,
  AES: 0x0006,
  MGF1: 0x0007,
  KEYEDHASH: 0x0008,
  XOR: 0x000a,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  SM3_256: 0x0012,
  SM4: 0x0013,
  RSASSA: 0x0014,
  RSAES: 0x0015,
  RSAPSS: 0x0016,
  OAEP: 0x0017,
  ECDSA: 0x0018,
  ECDH: 0x0019,
  ECDAA: 0x001a,
  SM2: 0x001b,
  ECSCHNORR: 0x001c,
  ECMQV: 0x001d,
  KDF1_SP800_56A: 0x0020,
  KDF2: 0x0021,
  KDF1_SP800_108: 0x0022,
  ECC: 0x0023,
  SYMCIPHER: 0x0025,
  CAMELLIA: 0x0026,
  SHA3_256: 0x0027,
  SHA3_384: 0x0028,
  SHA3_512: 0x0029,
  CTR: 0x0040,
  OFB: 0x0041,
  CBC: 0x0042,
  CFB: 0x0043,
  ECB: 0x0044,
} as const;

/** Lower-case algorithm names as TPM_ALG_ID values spell them (`rsassa`, `sha256`, `cfb`…). */
export type TpmAlgName = Lowercase<keyof typeof TPM_ALG>;

/** TPM_ALG_ID value → lower-case name, for every id in {@link TPM_ALG}. */
export const TPM_ALG_NAMES: Readonly<Record<number, TpmAlgName>> = /* @__PURE__ */ (() => {
  const out: Record<number, TpmAlgName> = {};
  for (const [k, v] of Object.entries(TPM_ALG)) out[v] = k.toLowerCase() as TpmAlgName;
  return out;
})();

/**
 * The name of a TPM_ALG_ID (Part 2 §6.3), or its `0x….` hex for an id attestkit does not name.
 *
 * @param id - a TPM_ALG_ID.
 * @returns e.g. `rsassa`, `sha256`, `0x7777`.
 * @example
 * ```ts
 * tpmAlgName(0x0014) // 'rsassa'
 * ```
 */
export function tpmAlgName(id: number): string {
  return TPM_ALG_NAMES[id] ?? `0x${id.toString(16).padStart(4, '0')}`;
}

/**
 * PCR bank / hash names (`TPMI_ALG_HASH`) in the spelling PcrBanks uses. SHA-3 banks are named
 * so they can be reported, but attestkit cannot hash with them (nor with SM3).
 */
export type TpmHashName =
  'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3_256' | 'sha3_256' | 'sha3_384' | 'sha3_512';

/** Digest sizes in bytes of each TPM hash (Part 2 §5.3 / Table 9). */
export const TPM_HASH_SIZES: Readonly<Record<TpmHashName, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sm3_256: 32,
  sha3_256: 32,
  sha3_384: 48,
  sha3_512: 64,
};

/** TPM_ALG_ID of each hash. */
export const TPM_HASH_IDS: Readonly<Record<TpmHashName, number>> = {
  sha1: TPM_ALG.SHA1,
  sha256: TPM_ALG.SHA256,
  sha384: TPM_ALG.SHA384,
  sha512: TPM_ALG.SHA512,
  sm3_256: TPM_ALG.SM3_256,
  sha3_256: TPM_ALG.SHA3_256,
  sha3_384: TPM_ALG.SHA3_384,
  sha3_512: TPM_ALG.SHA3_512,
};

/** TPM_ALG_ID → hash name, for the hash algorithms only. */
export const TPM_HASH_BY_ID: Readonly<Record<number, TpmHashName>> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3_256',
  [TPM_ALG.SHA3_256]: 'sha3_256',
  [TPM_ALG.SHA3_384]: 'sha3_384',
  [TPM_ALG.SHA3_512]: 'sha3_512',
};

/** The TPM hashes attestkit can compute (a subset of {@link TpmHashName}). */
export type TpmComputableHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/**
 * Narrows a TPM hash name to one attestkit can compute (SHA-1/256/384/512).
 *
 * @param h - a hash name.
 * @returns whether `h` is computable.
 * @example
 * ```ts
 * isComputableHash('sm3_256') // false
 * ```
 */
export function isComputableHash(h: string | undefined): h is TpmComputableHash {
  return h === 'sha1' || h === 'sha256' || h === 'sha384' || h === 'sha512';
}

/** TPM_ECC_CURVE values (Part 2 §6.4 Table 10). */
export const TPM_ECC = {
  NIST_P192: 0x0001,
  NIST_P224: 0x0002,
  NIST_P256: 0x0003,
  NIST_P384: 0x0004,
  NIST_P521: 0x0005,
  BN_P256: 0x0010,
  BN_P638: 0x0011,
  SM2_P256: 0x0020,
} as const;

/** Curve name as TPM_ECC_CURVE spells it. */
export type TpmEccCurveName = keyof typeof TPM_ECC;

/** TPM_ECC_CURVE value → name. */
export const TPM_ECC_NAMES: Readonly<Record<number, TpmEccCurveName>> = /* @__PURE__ */ (() => {
  const out: Record<number, TpmEccCurveName> = {};
  for (const [k, v] of Object.entries(TPM_ECC)) out[v] = k as TpmEccCurveName;
  return out;
})();

/** Coordinate size in bytes of each TPM curve. */
export const TPM_ECC_SIZES: Readonly<Record<TpmEccCurveName, number>> = {
  NIST_P192: 24,
  NIST_P224: 28,
  NIST_P256: 32,
  NIST_P384: 48,
  NIST_P521: 66,
  BN_P256: 32,
  BN_P638: 80,
  SM2_P256: 32,
};

/** The TPM curves attestkit verifies and derives on, mapped to the WebCrypto curve name. */
export const TPM_ECC_WEBCRYPTO: Readonly<
  Partial<Record<TpmEccCurveName, 'P-256' | 'P-384' | 'P-521'>>
> = { NIST_P256: 'P-256', NIST_P384: 'P-384', NIST_P521: 'P-521' };

/** TPMA_OBJECT bit masks (Part 2 §8.3 Table 31). */
export const TPMA_OBJECT = {
  fixedTPM: 0x00000002,
  stClear: 0x00000004,
  fixedParent: 0x00000010,
  sensitiveDataOrigin: 0x00000020,
  userWithAuth: 0x00000040,
  adminWithPolicy: 0x00000080,
  /** Part 2 rev 1.59+. */
  firmwareLimited: 0x00000100,
  /** Part 2 rev 1.59+. */
  svnLimited: 0x00000200,
  noDA: 0x00000400,
  encryptedDuplication: 0x00000800,
  restricted: 0x00010000,
  decrypt: 0x00020000,
  /** `sign` for asymmetric keys, `encrypt` for symmetric ones (same bit). */
  sign: 0x00040000,
  x509sign: 0x00080000,
} as const;

/** Bits of TPMA_OBJECT that are reserved (bits 0, 3, 12–15, 20–31) and must be zero. */
export const TPMA_OBJECT_RESERVED = 0xfff0f009;

/** Permanent handles whose Name is the handle itself (Part 2 §7.4 Table 28). */
export const TPM_RH = {
  OWNER: 0x40000001,
  NULL: 0x40000007,
  LOCKOUT: 0x4000000a,
  ENDORSEMENT: 0x4000000b,
  PLATFORM: 0x4000000c,
} as const;

/** EK certificate NV indices (TCG EK Credential Profile 2.5 §2.2.1.5.1–2). */
export const TPM_EK_NV_INDEX = {
  RSA_2048_CERT: 0x01c00002,
  RSA_NONCE: 0x01c00003,
  RSA_TEMPLATE: 0x01c00004,
  ECC_P256_CERT: 0x01c0000a,
  ECC_NONCE: 0x01c0000b,
  ECC_TEMPLATE: 0x01c0000c,
  H1_RSA_2048_CERT: 0x01c00012,
  H2_ECC_P256_CERT: 0x01c00014,
  H3_ECC_P384_CERT: 0x01c00016,
  H4_ECC_P521_CERT: 0x01c00018,
  H5_ECC_SM2_CERT: 0x01c0001a,
  H6_RSA_3072_CERT: 0x01c0001c,
  H7_RSA_4096_CERT: 0x01c0001e,
  CHAIN_FIRST: 0x01c00100,
  CHAIN_LAST: 0x01c001ff,
} as const;

/** Largest digest any TPM hash produces (SHA-512): the bound of TPM2B_DIGEST. */
export const TPM_MAX_DIGEST = 64;
/** TPM2B_NAME bound: `sizeof(TPMU_NAME)` = a TPMT_HA (2 + 64). */
export const TPM_MAX_NAME = 66;
/** TPM2B_DATA bound: `sizeof(TPMT_HA)` (Part 2 §10.4.3). */
export const TPM_MAX_DATA = 66;
/** RSA modulus / signature bound (8192-bit keys; the reference TPM stops at 4096). */
export const TPM_MAX_RSA_BYTES = 1024;
/** ECC coordinate / signature-half bound (BN P-638 is the largest TPM curve). */
export const TPM_MAX_ECC_BYTES = 80;
/** Largest `sizeofSelect` accepted in a TPMS_PCR_SELECTION (256 PCRs). */
export const TPM_MAX_PCR_SELECT = 32;
/** Largest bank count accepted in a TPML_PCR_SELECTION (tpm2-tss TPM2_NUM_PCR_BANKS). */
export const TPM_MAX_PCR_BANKS = 16;
/** TPM2B_MAX_NV_BUFFER bound used for NV certify contents. */
export const TPM_MAX_NV_BUFFER = 2048;
