/**
 * @module
 * TPM 2.0 constants: TPM_GENERATED, TPM_ST attestation tags, the TPM_ALG_ID and TPM_ECC_CURVE
 * registries, TPMA_OBJECT bits, permanent handles and the TCG EK NV indices and templates.
 * Sources: TPM 2.0 Library Part 2 (Structures) rev 1.59, §6.2 (TPM_GENERATED), §6.3 (TPM_ALG_ID),
 * §6.4 (TPM_ECC_CURVE), §6.9 (TPM_ST), §7.4 (TPM_RH), §8.3 (TPMA_OBJECT); TCG EK Credential
 * Profile 2.5 §2.2.1.5 (NV indices) and Annex B (templates, policies). Exception: TPMA_OBJECT
 * follows the attribute set of Part 2 rev 1.83 (§8.3), which adds bits 8 `firmwareLimited` and
 * 9 `svnLimited` to rev 1.59's.
 */
import { frozen } from '../core/share.js';

/** `TPM_GENERATED_VALUE` ("\xFFTCG"): the magic of every TPMS_ATTEST (Part 2 §6.2). */
export const TPM_GENERATED_VALUE = 0xff544347;

/** Source of {@link TPM_ST}. */
const TPM_ST_TABLE = {
  /** TPM_ST_ATTEST_NV: `attested` is TPMS_NV_CERTIFY_INFO (TPM2_NV_Certify over a byte range). */
  ATTEST_NV: 0x8014,
  /**
   * TPM_ST_ATTEST_COMMAND_AUDIT: `attested` is TPMS_COMMAND_AUDIT_INFO
   * (TPM2_GetCommandAuditDigest).
   */
  ATTEST_COMMAND_AUDIT: 0x8015,
  /**
   * TPM_ST_ATTEST_SESSION_AUDIT: `attested` is TPMS_SESSION_AUDIT_INFO
   * (TPM2_GetSessionAuditDigest).
   */
  ATTEST_SESSION_AUDIT: 0x8016,
  /**
   * TPM_ST_ATTEST_CERTIFY: `attested` is TPMS_CERTIFY_INFO (TPM2_Certify; binds an object's Name to
   * the signer).
   */
  ATTEST_CERTIFY: 0x8017,
  /**
   * TPM_ST_ATTEST_QUOTE: `attested` is TPMS_QUOTE_INFO (TPM2_Quote; PCR selection and pcrDigest).
   */
  ATTEST_QUOTE: 0x8018,
  /** TPM_ST_ATTEST_TIME: `attested` is TPMS_TIME_ATTEST_INFO (TPM2_GetTime). */
  ATTEST_TIME: 0x8019,
  /** TPM_ST_ATTEST_CREATION: `attested` is TPMS_CREATION_INFO (TPM2_CertifyCreation). */
  ATTEST_CREATION: 0x801a,
  /**
   * TPM_ST_ATTEST_NV_DIGEST: `attested` is TPMS_NV_DIGEST_CERTIFY_INFO (TPM2_NV_Certify of a whole
   * index).
   */
  ATTEST_NV_DIGEST: 0x801c,
} as const;

/** TPM_ST tags of TPMS_ATTEST (`TPMI_ST_ATTEST`, Part 2 §6.9 Table 19). */
export const TPM_ST: typeof TPM_ST_TABLE = /* @__PURE__ */ frozen(TPM_ST_TABLE);

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
export const TPM_ST_ATTEST_NAMES: Readonly<Record<number, TpmAttestType>> = /* @__PURE__ */ frozen({
  [TPM_ST.ATTEST_NV]: 'nv',
  [TPM_ST.ATTEST_COMMAND_AUDIT]: 'command-audit',
  [TPM_ST.ATTEST_SESSION_AUDIT]: 'session-audit',
  [TPM_ST.ATTEST_CERTIFY]: 'certify',
  [TPM_ST.ATTEST_QUOTE]: 'quote',
  [TPM_ST.ATTEST_TIME]: 'time',
  [TPM_ST.ATTEST_CREATION]: 'creation',
  [TPM_ST.ATTEST_NV_DIGEST]: 'nv-digest',
});

/** Source of {@link TPM_ALG}. */
const TPM_ALG_TABLE = {
  /** TPM_ALG_RSA: the RSA object type (TPMT_PUBLIC `type`; parameters TPMS_RSA_PARMS). */
  RSA: 0x0001,
  /**
   * TPM_ALG_TDES: Triple-DES block cipher (accepted in TPMT_SYM_DEF_OBJECT; attestkit never uses
   * it).
   */
  TDES: 0x0003,
  /**
   * TPM_ALG_SHA1: SHA-1, 20-byte digest (hash, PCR bank; rejected by the verifiers unless
   * `allowSha1`).
   */
  SHA1: 0x0004,
  /** TPM_ALG_HMAC: keyed-hash signing scheme (TPMT_KEYEDHASH_SCHEME, TPMT_SIGNATURE `sigAlg`). */
  HMAC: 0x0005,
  /** TPM_ALG_AES: AES block cipher (EK and storage-key `symmetric`, typically 128-bit CFB). */
  AES: 0x0006,
  /**
   * TPM_ALG_MGF1: hash-based mask generation function (IEEE 1363a), usable as a TPMT_KDF_SCHEME.
   */
  MGF1: 0x0007,
  /** TPM_ALG_KEYEDHASH: the keyed-hash object type (HMAC keys and sealed data). */
  KEYEDHASH: 0x0008,
  /**
   * TPM_ALG_XOR: hash-based XOR obfuscation scheme of keyed-hash objects (details: hashAlg and
   * kdf).
   */
  XOR: 0x000a,
  /** TPM_ALG_SHA256: SHA-256, 32-byte digest (the usual nameAlg, PCR bank and signing hash). */
  SHA256: 0x000b,
  /** TPM_ALG_SHA384: SHA-384, 48-byte digest. */
  SHA384: 0x000c,
  /** TPM_ALG_SHA512: SHA-512, 64-byte digest (the largest TPM digest, see TPM_MAX_DIGEST). */
  SHA512: 0x000d,
  /**
   * TPM_ALG_NULL: no algorithm. In a scheme or symmetric field no details follow; as nameAlg the
   * object has no Name digest.
   */
  NULL: 0x0010,
  /**
   * TPM_ALG_SM3_256: SM3 hash, 32-byte digest (parsed and sized, but attestkit cannot compute it).
   */
  SM3_256: 0x0012,
  /** TPM_ALG_SM4: SM4 128-bit block cipher (the H-5 EK template's symmetric). */
  SM4: 0x0013,
  /** TPM_ALG_RSASSA: RSASSA-PKCS1-v1_5 signature scheme (details: hashAlg). */
  RSASSA: 0x0014,
  /** TPM_ALG_RSAES: RSAES-PKCS1-v1_5 encryption scheme (no details: no hashAlg follows). */
  RSAES: 0x0015,
  /** TPM_ALG_RSAPSS: RSASSA-PSS signature scheme, MGF1 with the same hash (details: hashAlg). */
  RSAPSS: 0x0016,
  /**
   * TPM_ALG_OAEP: RSAES-OAEP encryption scheme (details: hashAlg); MakeCredential uses it for RSA
   * EKs.
   */
  OAEP: 0x0017,
  /**
   * TPM_ALG_ECDSA: ECDSA signature scheme (details: hashAlg; signature is TPMS_SIGNATURE_ECC r, s).
   */
  ECDSA: 0x0018,
  /** TPM_ALG_ECDH: ECC Diffie-Hellman key exchange scheme (details: hashAlg). */
  ECDH: 0x0019,
  /** TPM_ALG_ECDAA: ECDAA anonymous signature scheme (details: hashAlg and a u16 `count`). */
  ECDAA: 0x001a,
  /** TPM_ALG_SM2: SM2 signature / key exchange scheme (details: hashAlg). */
  SM2: 0x001b,
  /** TPM_ALG_ECSCHNORR: EC-Schnorr signature scheme (details: hashAlg). */
  ECSCHNORR: 0x001c,
  /** TPM_ALG_ECMQV: ECMQV key exchange scheme (details: hashAlg). */
  ECMQV: 0x001d,
  /** TPM_ALG_KDF1_SP800_56A: SP 800-56A concatenation KDF (the TPM's KDFe), a TPMT_KDF_SCHEME. */
  KDF1_SP800_56A: 0x0020,
  /** TPM_ALG_KDF2: IEEE 1363a KDF2, a TPMT_KDF_SCHEME. */
  KDF2: 0x0021,
  /**
   * TPM_ALG_KDF1_SP800_108: SP 800-108 counter-mode HMAC KDF (the TPM's KDFa), a TPMT_KDF_SCHEME.
   */
  KDF1_SP800_108: 0x0022,
  /** TPM_ALG_ECC: the ECC object type (TPMT_PUBLIC `type`; parameters TPMS_ECC_PARMS). */
  ECC: 0x0023,
  /**
   * TPM_ALG_SYMCIPHER: the symmetric block-cipher object type (parameters TPMS_SYMCIPHER_PARMS).
   */
  SYMCIPHER: 0x0025,
  /** TPM_ALG_CAMELLIA: Camellia block cipher (accepted in TPMT_SYM_DEF_OBJECT). */
  CAMELLIA: 0x0026,
  /**
   * TPM_ALG_SHA3_256: SHA3-256, 32-byte digest (parsed and sized, but attestkit cannot compute it).
   */
  SHA3_256: 0x0027,
  /**
   * TPM_ALG_SHA3_384: SHA3-384, 48-byte digest (parsed and sized, but attestkit cannot compute it).
   */
  SHA3_384: 0x0028,
  /**
   * TPM_ALG_SHA3_512: SHA3-512, 64-byte digest (parsed and sized, but attestkit cannot compute it).
   */
  SHA3_512: 0x0029,
  /** TPM_ALG_CTR: counter block-cipher mode (TPMT_SYM_DEF_OBJECT `mode`). */
  CTR: 0x0040,
  /** TPM_ALG_OFB: output-feedback block-cipher mode. */
  OFB: 0x0041,
  /** TPM_ALG_CBC: cipher-block-chaining mode. */
  CBC: 0x0042,
  /**
   * TPM_ALG_CFB: cipher-feedback mode, the one TPM parameter and credential encryption use (EK
   * templates: AES-CFB).
   */
  CFB: 0x0043,
  /** TPM_ALG_ECB: electronic-codebook mode. */
  ECB: 0x0044,
} as const;

/** TPM_ALG_ID values attestkit names (Part 2 §6.3 Table 9). */
export const TPM_ALG: typeof TPM_ALG_TABLE = /* @__PURE__ */ frozen(TPM_ALG_TABLE);

/** Lower-case algorithm names as TPM_ALG_ID values spell them (`rsassa`, `sha256`, `cfb`…). */
export type TpmAlgName = Lowercase<keyof typeof TPM_ALG>;

/** TPM_ALG_ID value → lower-case name, for every id in {@link TPM_ALG}. */
export const TPM_ALG_NAMES: Readonly<Record<number, TpmAlgName>> = /* @__PURE__ */ (() => {
  const out: Record<number, TpmAlgName> = {};
  for (const [k, v] of Object.entries(TPM_ALG)) out[v] = k.toLowerCase() as TpmAlgName;
  return Object.freeze(out);
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
export const TPM_HASH_SIZES: Readonly<Record<TpmHashName, number>> = /* @__PURE__ */ frozen({
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sm3_256: 32,
  sha3_256: 32,
  sha3_384: 48,
  sha3_512: 64,
});

/** TPM_ALG_ID of each hash. */
export const TPM_HASH_IDS: Readonly<Record<TpmHashName, number>> = /* @__PURE__ */ frozen({
  sha1: TPM_ALG.SHA1,
  sha256: TPM_ALG.SHA256,
  sha384: TPM_ALG.SHA384,
  sha512: TPM_ALG.SHA512,
  sm3_256: TPM_ALG.SM3_256,
  sha3_256: TPM_ALG.SHA3_256,
  sha3_384: TPM_ALG.SHA3_384,
  sha3_512: TPM_ALG.SHA3_512,
});

/** TPM_ALG_ID → hash name, for the hash algorithms only. */
export const TPM_HASH_BY_ID: Readonly<Record<number, TpmHashName>> = /* @__PURE__ */ frozen({
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3_256',
  [TPM_ALG.SHA3_256]: 'sha3_256',
  [TPM_ALG.SHA3_384]: 'sha3_384',
  [TPM_ALG.SHA3_512]: 'sha3_512',
});

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

/** Source of {@link TPM_ECC}. */
const TPM_ECC_TABLE = {
  /** TPM_ECC_NIST_P192: NIST P-192, 24-byte coordinates (parsed; not verifiable here). */
  NIST_P192: 0x0001,
  /** TPM_ECC_NIST_P224: NIST P-224, 28-byte coordinates (parsed; not verifiable here). */
  NIST_P224: 0x0002,
  /**
   * TPM_ECC_NIST_P256: NIST P-256, 32-byte coordinates (EK templates L-2 and H-2; WebCrypto
   * `P-256`).
   */
  NIST_P256: 0x0003,
  /** TPM_ECC_NIST_P384: NIST P-384, 48-byte coordinates (EK template H-3; WebCrypto `P-384`). */
  NIST_P384: 0x0004,
  /** TPM_ECC_NIST_P521: NIST P-521, 66-byte coordinates (EK template H-4; WebCrypto `P-521`). */
  NIST_P521: 0x0005,
  /**
   * TPM_ECC_BN_P256: 256-bit Barreto-Naehrig pairing curve used for ECDAA, 32-byte coordinates (not
   * verifiable here).
   */
  BN_P256: 0x0010,
  /**
   * TPM_ECC_BN_P638: 638-bit Barreto-Naehrig curve, 80-byte coordinates, the largest TPM curve (not
   * verifiable here).
   */
  BN_P638: 0x0011,
  /**
   * TPM_ECC_SM2_P256: the SM2 256-bit curve, 32-byte coordinates (EK template H-5; not verifiable
   * here).
   */
  SM2_P256: 0x0020,
} as const;

/** TPM_ECC_CURVE values (Part 2 §6.4 Table 10). */
export const TPM_ECC: typeof TPM_ECC_TABLE = /* @__PURE__ */ frozen(TPM_ECC_TABLE);

/** Curve name as TPM_ECC_CURVE spells it. */
export type TpmEccCurveName = keyof typeof TPM_ECC;

/** TPM_ECC_CURVE value → name. */
export const TPM_ECC_NAMES: Readonly<Record<number, TpmEccCurveName>> = /* @__PURE__ */ (() => {
  const out: Record<number, TpmEccCurveName> = {};
  for (const [k, v] of Object.entries(TPM_ECC)) out[v] = k as TpmEccCurveName;
  return Object.freeze(out);
})();

/** Coordinate size in bytes of each TPM curve. */
export const TPM_ECC_SIZES: Readonly<Record<TpmEccCurveName, number>> = /* @__PURE__ */ frozen({
  NIST_P192: 24,
  NIST_P224: 28,
  NIST_P256: 32,
  NIST_P384: 48,
  NIST_P521: 66,
  BN_P256: 32,
  BN_P638: 80,
  SM2_P256: 32,
});

/** The TPM curves attestkit verifies and derives on, mapped to the WebCrypto curve name. */
export const TPM_ECC_WEBCRYPTO: Readonly<
  Partial<Record<TpmEccCurveName, 'P-256' | 'P-384' | 'P-521'>>
> = /* @__PURE__ */ frozen({ NIST_P256: 'P-256', NIST_P384: 'P-384', NIST_P521: 'P-521' });

/** Source of {@link TPMA_OBJECT}. */
const TPMA_OBJECT_TABLE = {
  /**
   * Bit 1 `fixedTPM`: neither the object nor any ancestor can be duplicated, so it never leaves
   * this TPM (required of an AK).
   */
  fixedTPM: 0x00000002,
  /** Bit 2 `stClear`: saved contexts of the object cannot be loaded after TPM2_Startup(CLEAR). */
  stClear: 0x00000004,
  /**
   * Bit 4 `fixedParent`: the object's parent cannot change (the object itself cannot be
   * duplicated).
   */
  fixedParent: 0x00000010,
  /**
   * Bit 5 `sensitiveDataOrigin`: the TPM generated the sensitive part (private key or secret) at
   * creation.
   */
  sensitiveDataOrigin: 0x00000020,
  /**
   * Bit 6 `userWithAuth`: USER-role use may be authorised with the authValue; when clear, only with
   * a policy session.
   */
  userWithAuth: 0x00000040,
  /**
   * Bit 7 `adminWithPolicy`: ADMIN-role use (e.g. TPM2_Certify, TPM2_ActivateCredential) needs a
   * policy session.
   */
  adminWithPolicy: 0x00000080,
  /**
   * Bit 8 `firmwareLimited`: the object is in a firmware-limited hierarchy and is lost when the
   * TPM firmware changes. Not in rev 1.59: added with those hierarchies (Part 2 rev 1.83).
   */
  firmwareLimited: 0x00000100,
  /**
   * Bit 9 `svnLimited`: the object is in an SVN-limited hierarchy (bound to a firmware security
   * version number). Not in rev 1.59: added with those hierarchies (Part 2 rev 1.83).
   */
  svnLimited: 0x00000200,
  /** Bit 10 `noDA`: authorisation failures do not count towards dictionary-attack lockout. */
  noDA: 0x00000400,
  /**
   * Bit 11 `encryptedDuplication`: duplication must use both an inner symmetric wrapper and a new
   * parent.
   */
  encryptedDuplication: 0x00000800,
  /**
   * Bit 16 `restricted`: signs only TPM-made structures (never external data starting with
   * TPM_GENERATED_VALUE) / decrypts only TPM formats.
   */
  restricted: 0x00010000,
  /** Bit 17 `decrypt`: the private part may decrypt (storage parents, EKs). */
  decrypt: 0x00020000,
  /** `sign` for asymmetric keys, `encrypt` for symmetric ones (same bit). */
  sign: 0x00040000,
  /**
   * Bit 19 `x509sign`: the key may sign X.509 TBSCertificates with TPM2_CertifyX509 (sign set,
   * restricted clear).
   */
  x509sign: 0x00080000,
} as const;

/** TPMA_OBJECT bit masks (Part 2 §8.3 "Definition of TPMA_OBJECT Bits", rev 1.83 set). */
export const TPMA_OBJECT: typeof TPMA_OBJECT_TABLE = /* @__PURE__ */ frozen(TPMA_OBJECT_TABLE);

/**
 * Bits of TPMA_OBJECT that are reserved (bits 0, 3, 12–15, 20–31) and must be zero, per Part 2
 * rev 1.83; rev 1.59 also reserved bits 8–9, which later revisions define (see
 * {@link TPMA_OBJECT}), so objects from newer TPMs parse.
 */
export const TPMA_OBJECT_RESERVED = 0xfff0f009;

/** Source of {@link TPM_RH}. */
const TPM_RH_TABLE = {
  /** TPM_RH_OWNER: the storage (owner) hierarchy; its Name and Qualified Name are `40 00 00 01`. */
  OWNER: 0x40000001,
  /** TPM_RH_NULL: the null hierarchy, whose seed changes on every TPM Reset; Name `40 00 00 07`. */
  NULL: 0x40000007,
  /**
   * TPM_RH_LOCKOUT: the lockout authority (dictionary-attack reset); holds no objects. Name `40 00
   * 00 0A`.
   */
  LOCKOUT: 0x4000000a,
  /** TPM_RH_ENDORSEMENT: the endorsement hierarchy, parent of the EK; Name `40 00 00 0B`. */
  ENDORSEMENT: 0x4000000b,
  /** TPM_RH_PLATFORM: the platform (firmware) hierarchy; Name `40 00 00 0C`. */
  PLATFORM: 0x4000000c,
} as const;

/** Permanent handles whose Name is the handle itself (Part 2 §7.4 Table 28). */
export const TPM_RH: typeof TPM_RH_TABLE = /* @__PURE__ */ frozen(TPM_RH_TABLE);

/** Source of {@link TPM_EK_NV_INDEX}. */
const TPM_EK_NV_INDEX_TABLE = {
  /** DER X.509 certificate of the RSA 2048 EK (low-range template L-1). */
  RSA_2048_CERT: 0x01c00002,
  /** Nonce the RSA EK was created with, present only when a non-default template was used. */
  RSA_NONCE: 0x01c00003,
  /** Marshaled TPMT_PUBLIC template of the RSA EK, present only when it is not the default. */
  RSA_TEMPLATE: 0x01c00004,
  /** DER X.509 certificate of the ECC NIST P-256 EK (low-range template L-2). */
  ECC_P256_CERT: 0x01c0000a,
  /** Nonce the ECC EK was created with, present only when a non-default template was used. */
  ECC_NONCE: 0x01c0000b,
  /** Marshaled TPMT_PUBLIC template of the ECC EK, present only when it is not the default. */
  ECC_TEMPLATE: 0x01c0000c,
  /** EK certificate for high-range template H-1 (RSA 2048, SHA-256, AES-128-CFB). */
  H1_RSA_2048_CERT: 0x01c00012,
  /** EK certificate for high-range template H-2 (ECC NIST P-256, SHA-256, AES-128-CFB). */
  H2_ECC_P256_CERT: 0x01c00014,
  /**
   * EK certificate for high-range template H-3 (ECC NIST P-384, SHA-384, AES-256-CFB); swtpm uses
   * it.
   */
  H3_ECC_P384_CERT: 0x01c00016,
  /** EK certificate for high-range template H-4 (ECC NIST P-521, SHA-512, AES-256-CFB). */
  H4_ECC_P521_CERT: 0x01c00018,
  /** EK certificate for high-range template H-5 (ECC SM2 P-256, SM3-256, SM4-128-CFB). */
  H5_ECC_SM2_CERT: 0x01c0001a,
  /** EK certificate for high-range template H-6 (RSA 3072, SHA-384, AES-256-CFB). */
  H6_RSA_3072_CERT: 0x01c0001c,
  /** EK certificate for high-range template H-7 (RSA 4096, SHA-384, AES-256-CFB). */
  H7_RSA_4096_CERT: 0x01c0001e,
  /**
   * First index of the range holding the EK certificate chain (intermediate CA certificates), when
   * provisioned.
   */
  CHAIN_FIRST: 0x01c00100,
  /** Last index (inclusive) of the EK certificate chain range. */
  CHAIN_LAST: 0x01c001ff,
} as const;

/** EK certificate NV indices (TCG EK Credential Profile 2.5 §2.2.1.5.1–2). */
export const TPM_EK_NV_INDEX: typeof TPM_EK_NV_INDEX_TABLE =
  /* @__PURE__ */ frozen(TPM_EK_NV_INDEX_TABLE);

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
