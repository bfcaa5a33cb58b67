/**
 * @module
 * Types of `attestkit/tpm`: PCR banks (the one PCR shape every module shares), the parsed TPM 2.0
 * structures (TPMS_ATTEST, TPMT_SIGNATURE, TPMT_PUBLIC, TPML_PCR_SELECTION), and the inputs,
 * options, check ids and results of the TPM verifiers. Structure and field names follow
 * TPM 2.0 Library Part 2 rev 1.59 (camelCase of the spec spelling); {@link TpmaObject} has the
 * rev 1.83 attribute set (bits 8 `firmwareLimited` and 9 `svnLimited` added).
 */
import type { Verification } from '../core/checks.js';
import type { AttestCache } from '../core/cache.js';
import type { PublicKeyInfo } from '../core/crypto.js';
import type { X509Certificate } from '../core/x509.js';
import type { TpmAttestType, TpmEccCurveName, TpmHashName } from './constants.js';

/** A PCR bank name (a TPM hash used for PCRs). */
export type PcrBankName = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3_256';

/**
 * PCR values, everywhere in attestkit: bank name → PCR index → digest (API.md "TPM"). The event
 * log replay, the binding checks and {@link verifyTpmQuote} all use this shape.
 */
export type PcrBanks = Partial<Record<PcrBankName, Record<number, Uint8Array>>>;

/** TPMS_CLOCK_INFO (Part 2 §10.11.1). */
export interface TpmsClockInfo {
  /** `clock`: milliseconds the TPM has been powered since the last TPM2_Clear. */
  readonly clock: bigint;
  /** `resetCount` (obfuscated per key outside the endorsement/platform hierarchies). */
  readonly resetCount: number;
  /** `restartCount` (obfuscated like resetCount). */
  readonly restartCount: number;
  /** `safe`: true when the clock never went backwards since it was last advanced. */
  readonly safe: boolean;
}

/** One TPMS_PCR_SELECTION (Part 2 §10.6.2). */
export interface TpmsPcrSelection {
  /** `hash` as TPM_ALG_ID. */
  readonly hashAlg: number;
  /** The bank's name when attestkit knows the algorithm. */
  readonly hash?: TpmHashName;
  /** `sizeofSelect`. */
  readonly sizeofSelect: number;
  /** `pcrSelect` bitmap (bit n mod 8 of byte n div 8 selects PCR n). */
  readonly pcrSelect: Uint8Array;
  /** The selected PCR indices, ascending (the bitmap order). */
  readonly pcrs: readonly number[];
}

/** TPMS_QUOTE_INFO (Part 2 §10.12.1). */
export interface TpmsQuoteInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_QUOTE (0x8018);
   * same as the outer `type`.
   */
  readonly type: 'quote';
  /** `pcrSelect` (TPML_PCR_SELECTION), in the TPM's order. */
  readonly pcrSelect: readonly TpmsPcrSelection[];
  /** `pcrDigest`. */
  readonly pcrDigest: Uint8Array;
}

/** TPMS_CERTIFY_INFO (Part 2 §10.12.3). */
export interface TpmsCertifyInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_CERTIFY (0x8017);
   * same as the outer `type`.
   */
  readonly type: 'certify';
  /** `name`: Name of the certified object. */
  readonly name: Uint8Array;
  /** `qualifiedName`: qualified Name of the certified object. */
  readonly qualifiedName: Uint8Array;
}

/** TPMS_CREATION_INFO (Part 2 §10.12.7). */
export interface TpmsCreationInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_CREATION (0x801A);
   * same as the outer `type`.
   */
  readonly type: 'creation';
  /** `objectName`. */
  readonly objectName: Uint8Array;
  /** `creationHash`: H_nameAlg(TPMS_CREATION_DATA). */
  readonly creationHash: Uint8Array;
}

/** TPMS_TIME_ATTEST_INFO (Part 2 §10.12.5). */
export interface TpmsTimeAttestInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_TIME (0x8019); same
   * as the outer `type`.
   */
  readonly type: 'time';
  /** `time.time`: milliseconds since the last TPM Init. */
  readonly time: bigint;
  /** `time.clockInfo`. */
  readonly clockInfo: TpmsClockInfo;
  /** `firmwareVersion`. */
  readonly firmwareVersion: bigint;
}

/** TPMS_NV_CERTIFY_INFO (Part 2 §10.12.8). */
export interface TpmsNvCertifyInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_NV (0x8014); same
   * as the outer `type`.
   */
  readonly type: 'nv';
  /** `indexName`. */
  readonly indexName: Uint8Array;
  /** `offset`. */
  readonly offset: number;
  /** `nvContents`. */
  readonly nvContents: Uint8Array;
}

/** TPMS_NV_DIGEST_CERTIFY_INFO (Part 2 §10.12.9). */
export interface TpmsNvDigestCertifyInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_NV_DIGEST (0x801C);
   * same as the outer `type`.
   */
  readonly type: 'nv-digest';
  /**
   * `indexName` (TPM2B_NAME): Name of the certified NV index, `nameAlg ‖ H(TPMS_NV_PUBLIC)`; a
   * copy.
   */
  readonly indexName: Uint8Array;
  /** `nvDigest` (TPM2B_DIGEST): digest of the whole contents of the NV index; a copy. */
  readonly nvDigest: Uint8Array;
}

/** TPMS_COMMAND_AUDIT_INFO (Part 2 §10.12.4). */
export interface TpmsCommandAuditInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_COMMAND_AUDIT
   * (0x8015); same as the outer `type`.
   */
  readonly type: 'command-audit';
  /** `auditCounter`: the TPM's monotonic command-audit counter (u64). */
  readonly auditCounter: bigint;
  /** `digestAlg` as TPM_ALG_ID. */
  readonly digestAlg: number;
  /**
   * `auditDigest` (TPM2B_DIGEST): the current command audit digest, computed with `digestAlg`; a
   * copy.
   */
  readonly auditDigest: Uint8Array;
  /**
   * `commandDigest` (TPM2B_DIGEST): digest, with `digestAlg`, of the list of audited command codes;
   * a copy.
   */
  readonly commandDigest: Uint8Array;
}

/** TPMS_SESSION_AUDIT_INFO (Part 2 §10.12.6). */
export interface TpmsSessionAuditInfo {
  /**
   * Discriminant: `attested` was selected by TPMS_ATTEST `type` = TPM_ST_ATTEST_SESSION_AUDIT
   * (0x8016); same as the outer `type`.
   */
  readonly type: 'session-audit';
  /**
   * `exclusiveSession` (TPMI_YES_NO): true when no command outside this audit session ran between
   * the audited ones.
   */
  readonly exclusiveSession: boolean;
  /** `sessionDigest` (TPM2B_DIGEST): the session audit digest, in the session's hash; a copy. */
  readonly sessionDigest: Uint8Array;
}

/** TPMU_ATTEST, discriminated by `type`. */
export type TpmsAttested =
  | TpmsQuoteInfo
  | TpmsCertifyInfo
  | TpmsCreationInfo
  | TpmsTimeAttestInfo
  | TpmsNvCertifyInfo
  | TpmsNvDigestCertifyInfo
  | TpmsCommandAuditInfo
  | TpmsSessionAuditInfo;

/**
 * A parsed TPMS_ATTEST (Part 2 §10.12.12). Parsed data is the TPM's *claim*: trust it only after
 * {@link verifyTpmQuote} / {@link verifyTpmCertify} verified the signature over {@link raw}.
 */
export interface TpmsAttest {
  /** The TPMS_ATTEST bytes: exactly what the signature covers. */
  readonly raw: Uint8Array;
  /** `magic` (TPM_GENERATED_VALUE 0xFF544347 for TPM-made structures). */
  readonly magic: number;
  /** `type` as TPM_ST value (0x8018 quote…). */
  readonly typeId: number;
  /** `type` by name. */
  readonly type: TpmAttestType;
  /** `qualifiedSigner`: qualified Name of the signing key. */
  readonly qualifiedSigner: Uint8Array;
  /** `extraData`: the verifier's qualifying data (nonce). */
  readonly extraData: Uint8Array;
  /** `clockInfo`. */
  readonly clockInfo: TpmsClockInfo;
  /** `firmwareVersion` (vendor-specific; obfuscated like resetCount). */
  readonly firmwareVersion: bigint;
  /** `attested`, selected by `type`. */
  readonly attested: TpmsAttested;
}

/** TPMT_SIGNATURE of an RSA scheme (Part 2 §11.3.4 TPMS_SIGNATURE_RSA). */
export interface TpmtSignatureRsa {
  /** `sigAlg` by name: `rsassa` (RSASSA-PKCS1-v1_5) or `rsapss` (RSASSA-PSS). */
  readonly sigAlg: 'rsassa' | 'rsapss';
  /** `sigAlg` as TPM_ALG_ID: 0x0014 (RSASSA) or 0x0016 (RSAPSS). */
  readonly sigAlgId: number;
  /** `hash` by name. */
  readonly hash: TpmHashName;
  /** `hash` as TPM_ALG_ID. */
  readonly hashAlg: number;
  /** `sig`: the RSA signature, big-endian, modulus-size bytes. */
  readonly sig: Uint8Array;
  /** The TPMT_SIGNATURE bytes. */
  readonly raw: Uint8Array;
}

/** TPMT_SIGNATURE of ECDSA (Part 2 §11.3.2 TPMS_SIGNATURE_ECC). */
export interface TpmtSignatureEcdsa {
  /** `sigAlg` by name (TPM_ALG_ECDSA; ECDAA, SM2 and ECSCHNORR signatures are not parsed). */
  readonly sigAlg: 'ecdsa';
  /** `sigAlg` as TPM_ALG_ID: always 0x0018 (ECDSA). */
  readonly sigAlgId: number;
  /**
   * `hash` by name: the digest the signature is over, H(TPMS_ATTEST); a quote's pcrDigest uses it
   * too.
   */
  readonly hash: TpmHashName;
  /** `hash` as TPM_ALG_ID. */
  readonly hashAlg: number;
  /** `signatureR`, unsigned big-endian (leading zeros may or may not be present). */
  readonly signatureR: Uint8Array;
  /** `signatureS`, unsigned big-endian. */
  readonly signatureS: Uint8Array;
  /** The TPMT_SIGNATURE bytes, a copy (not covered by any signature). */
  readonly raw: Uint8Array;
}

/** A parsed TPMT_SIGNATURE (RSASSA, RSAPSS or ECDSA; other schemes are `ERR_UNSUPPORTED`). */
export type TpmtSignature = TpmtSignatureRsa | TpmtSignatureEcdsa;

/** TPMA_OBJECT decoded (Part 2 §8.3). */
export interface TpmaObject {
  /** The 32-bit value. */
  readonly value: number;
  /**
   * Bit 1 `fixedTPM`: neither the object nor any ancestor can be duplicated; it never leaves this
   * TPM.
   */
  readonly fixedTPM: boolean;
  /** Bit 2 `stClear`: saved contexts cannot be loaded after TPM2_Startup(CLEAR). */
  readonly stClear: boolean;
  /** Bit 4 `fixedParent`: the parent cannot change (the object cannot be duplicated). */
  readonly fixedParent: boolean;
  /**
   * Bit 5 `sensitiveDataOrigin`: the TPM generated the private part when the object was created.
   */
  readonly sensitiveDataOrigin: boolean;
  /**
   * Bit 6 `userWithAuth`: USER-role use may be authorised with the authValue, not only a policy.
   */
  readonly userWithAuth: boolean;
  /** Bit 7 `adminWithPolicy`: ADMIN-role use (e.g. TPM2_Certify) requires a policy session. */
  readonly adminWithPolicy: boolean;
  /**
   * Bit 8 `firmwareLimited`: the object is in a firmware-limited hierarchy (Part 2 rev 1.83;
   * reserved in rev 1.59).
   */
  readonly firmwareLimited: boolean;
  /**
   * Bit 9 `svnLimited`: the object is in an SVN-limited hierarchy (Part 2 rev 1.83; reserved in rev
   * 1.59).
   */
  readonly svnLimited: boolean;
  /** Bit 10 `noDA`: authorisation failures are exempt from dictionary-attack lockout. */
  readonly noDA: boolean;
  /**
   * Bit 11 `encryptedDuplication`: duplication needs an inner symmetric wrapper and a new parent.
   */
  readonly encryptedDuplication: boolean;
  /**
   * Bit 16 `restricted`: signs only TPM-made structures / decrypts only TPM formats (set on AKs and
   * EKs).
   */
  readonly restricted: boolean;
  /** Bit 17 `decrypt`: the private part may decrypt (set on EKs and storage keys, clear on AKs). */
  readonly decrypt: boolean;
  /** `sign` (asymmetric) / `encrypt` (symmetric). */
  readonly sign: boolean;
  /** Bit 19 `x509sign`: the key may sign X.509 TBSCertificates with TPM2_CertifyX509. */
  readonly x509sign: boolean;
  /** The names of the set bits, in bit order. */
  readonly names: readonly string[];
}

/** TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7). `keyBits` and `mode` are absent for NULL. */
export interface TpmtSymDefObject {
  /** `algorithm` by name (`aes`, `null`…). */
  readonly algorithm: string;
  /**
   * `algorithm` as TPM_ALG_ID: AES 0x0006, SM4 0x0013, CAMELLIA 0x0026, TDES 0x0003 or NULL 0x0010.
   */
  readonly algorithmId: number;
  /**
   * `keyBits`: the cipher key size in bits (128 for low-range EKs, 256 for H-3 and up); absent for
   * NULL.
   */
  readonly keyBits?: number;
  /** `mode` by name (`cfb`…). */
  readonly mode?: string;
  /**
   * `mode` as TPM_ALG_ID (CFB 0x0043 for EKs and storage keys; may be NULL 0x0010); absent for
   * NULL.
   */
  readonly modeId?: number;
}

/** A scheme selector with its details (TPMT_RSA_SCHEME, TPMT_ECC_SCHEME, TPMT_KDF_SCHEME…). */
export interface TpmtScheme {
  /** `scheme` by name (`rsassa`, `ecdsa`, `null`…). */
  readonly scheme: string;
  /**
   * `scheme` as TPM_ALG_ID; TPM_ALG_NULL (0x0010) when the object fixes no scheme and no details
   * follow.
   */
  readonly schemeId: number;
  /** `details.hashAlg` by name, for schemes that carry one. */
  readonly hash?: TpmHashName;
  /** `details.hashAlg` as TPM_ALG_ID; absent for NULL and RSAES, whose details carry no hash. */
  readonly hashAlg?: number;
  /** ECDAA `count`. */
  readonly count?: number;
  /** XOR `kdf` (TPM_ALG_ID). */
  readonly kdf?: number;
}

interface TpmtPublicBase {
  /** The TPMT_PUBLIC bytes (without a TPM2B size): what a Name hashes. */
  readonly raw: Uint8Array;
  /** `type` as TPM_ALG_ID. */
  readonly typeId: number;
  /** `nameAlg` by name, or `null` (TPM_ALG_NULL: the object has no Name digest). */
  readonly nameAlg: TpmHashName | 'null';
  /**
   * `nameAlg` as TPM_ALG_ID (0x000B for SHA-256, 0x0010 for NULL); the first 2 bytes of the Name.
   */
  readonly nameAlgId: number;
  /** `objectAttributes`. */
  readonly objectAttributes: TpmaObject;
  /** `authPolicy`. */
  readonly authPolicy: Uint8Array;
}

/** TPMT_PUBLIC of an RSA key. */
export interface TpmtPublicRsa extends TpmtPublicBase {
  /** `type` = TPM_ALG_RSA (0x0001); `typeId` holds the number. */
  readonly type: 'rsa';
  /** TPMS_RSA_PARMS. */
  readonly parameters: {
    /** `symmetric`: cipher for child objects (AES-CFB on EKs and parents; NULL on signing keys). */
    readonly symmetric: TpmtSymDefObject;
    /** `scheme` (TPMT_RSA_SCHEME): the one scheme the key may use, or `null` for any allowed. */
    readonly scheme: TpmtScheme;
    /** `keyBits`: modulus size in bits (2048, 3072, 4096); `unique` must be keyBits / 8 bytes. */
    readonly keyBits: number;
    /** `exponent` as encoded: 0 means the default 65537. */
    readonly exponent: number;
  };
  /** `unique.rsa`: the modulus, big-endian. */
  readonly unique: Uint8Array;
}

/** TPMT_PUBLIC of an ECC key. */
export interface TpmtPublicEcc extends TpmtPublicBase {
  /** `type` = TPM_ALG_ECC (0x0023); `typeId` holds the number. */
  readonly type: 'ecc';
  /** TPMS_ECC_PARMS. */
  readonly parameters: {
    /** `symmetric`: cipher for child objects (AES-CFB on EKs and parents; NULL on signing keys). */
    readonly symmetric: TpmtSymDefObject;
    /** `scheme` (TPMT_ECC_SCHEME): the one scheme the key may use, or `null` for any allowed. */
    readonly scheme: TpmtScheme;
    /** `curveID` as TPM_ECC_CURVE (0x0003 for NIST P-256…). */
    readonly curveId: number;
    /** `curveID` by name; unknown curve ids are rejected with `ERR_UNSUPPORTED` when parsing. */
    readonly curve: TpmEccCurveName;
    /** `kdf` (TPMT_KDF_SCHEME), usually `null` (EK templates and AKs fix none). */
    readonly kdf: TpmtScheme;
  };
  /** `unique.ecc`: TPMS_ECC_POINT, big-endian coordinates as encoded. */
  readonly unique: {
    /** `x` (TPM2B_ECC_PARAMETER), a copy as encoded: may be short; empty in a template. */
    readonly x: Uint8Array;
    /** `y` (TPM2B_ECC_PARAMETER), a copy as encoded: may be short; empty in a template. */
    readonly y: Uint8Array;
  };
}

/** TPMT_PUBLIC of a keyed-hash object (HMAC key or sealed data). */
export interface TpmtPublicKeyedHash extends TpmtPublicBase {
  /** `type` = TPM_ALG_KEYEDHASH (0x0008); `typeId` holds the number. */
  readonly type: 'keyedhash';
  /** TPMS_KEYEDHASH_PARMS. */
  readonly parameters: {
    /** `scheme` (TPMT_KEYEDHASH_SCHEME): `hmac`, `xor`, or `null` for a sealed data object. */
    readonly scheme: TpmtScheme;
  };
  /** `unique.keyedHash`. */
  readonly unique: Uint8Array;
}

/** TPMT_PUBLIC of a symmetric cipher key. */
export interface TpmtPublicSymCipher extends TpmtPublicBase {
  /** `type` = TPM_ALG_SYMCIPHER (0x0025); `typeId` holds the number. */
  readonly type: 'symcipher';
  /** TPMS_SYMCIPHER_PARMS. */
  readonly parameters: {
    /** `sym`: the key's block cipher, key size and mode. */
    readonly symmetric: TpmtSymDefObject;
  };
  /** `unique.sym`. */
  readonly unique: Uint8Array;
}

/** A parsed TPMT_PUBLIC (Part 2 §12.2.4), discriminated by `type`. */
export type TpmtPublic = TpmtPublicRsa | TpmtPublicEcc | TpmtPublicKeyedHash | TpmtPublicSymCipher;

/** An AK (or any signing key) as verifiers accept it. */
export type TpmKeyInput =
  /** TPMT_PUBLIC or TPM2B_PUBLIC bytes (detected), or DER SubjectPublicKeyInfo. */
  | Uint8Array
  /** PEM `PUBLIC KEY` (SubjectPublicKeyInfo). */
  | string
  | JsonWebKey
  /** A TPMT_PUBLIC parsed by {@link parseTpmtPublic}; read again from its `raw` bytes. */
  | TpmtPublic;

/** How to read a signature that is not a TPMT_SIGNATURE (e.g. Azure's raw vTPM quote signature). */
export interface TpmRawSignatureScheme {
  /**
   * Signature scheme: `rsassa` (PKCS#1 v1.5), `rsapss` (salt = hash length, else the maximum) or
   * `ecdsa` (r‖s, each the curve size, or DER; see `format`).
   */
  readonly scheme: 'rsassa' | 'rsapss' | 'ecdsa';
  /** Hash the signature is over (of the TPMS_ATTEST bytes); also the quote's pcrDigest hash. */
  readonly hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /**
   * ECDSA only: how the signature is encoded. `raw` is r‖s (IEEE P1363: each half the curve
   * size), `der` an ECDSA-Sig-Value (a DER SEQUENCE of two INTEGERs, as `tpm2_quote -f plain`
   * writes it). Default: told apart by content, never by a leading byte: the value is read as DER
   * when it is a complete strict DER SEQUENCE of two INTEGERs, as r‖s when it is twice the curve
   * size, and when both readings are possible (an r‖s value that happens to be valid DER) the
   * signature passes if either verifies. Give the format when it is known. Not allowed with RSA
   * schemes (TypeError).
   */
  readonly format?: 'raw' | 'der';
}

/** Evidence for {@link verifyTpmQuote}. */
export interface TpmQuoteEvidence {
  /** TPMS_ATTEST bytes (`tpm2_quote -m`; without the TPM2B_ATTEST size). */
  readonly attest: Uint8Array;
  /** TPMT_SIGNATURE bytes (`tpm2_quote -s`), or a raw signature when `signatureScheme` is given. */
  readonly signature: Uint8Array;
  /** The attestation key. */
  readonly akPublic: TpmKeyInput;
  /** PCR values the prover claims; only those inside the signed selection are ever used. */
  readonly pcrs?: PcrBanks;
  /**
   * Set only when `signature` is a bare signature (RSA: modulus-size bytes; ECDSA: r‖s or DER)
   * rather than a TPMT_SIGNATURE, e.g. Azure vTPM quotes (RSASSA / SHA-256).
   */
  readonly signatureScheme?: TpmRawSignatureScheme;
}

/** Options of {@link verifyTpmQuote}. */
export interface TpmQuoteVerifyOptions {
  /**
   * The verifier's fresh nonce; `extraData` must equal it exactly (constant time). Default: none,
   * and then `tpm.quote.nonce` is a skip (which fails `ok` while `requireNonce` is true). An empty
   * nonce proves no freshness: while `requireNonce` is true it fails `tpm.quote.nonce` (a warning
   * when false).
   */
  readonly nonce?: Uint8Array;
  /**
   * Whether the nonce check must run for `ok`. Default true. Turning it off accepts replayed
   * quotes; do so only for evidence whose freshness is proven elsewhere. Turning it off also lets
   * an empty nonce match an empty `extraData`, as a warning.
   */
  readonly requireNonce?: boolean;
  /**
   * Accept SHA-1 PCR banks, SHA-1 signatures and an AK whose nameAlg is SHA-1. Default false:
   * SHA-1 collisions are practical, so a SHA-1 PCR value, quote signature or AK Name proves
   * little.
   */
  readonly allowSha1?: boolean;
  /**
   * Qualified Name of the AK's parent (e.g. the EK's, see `tpmQualifiedName`). When given,
   * `tpm.quote.qualified-signer` is required: `qualifiedSigner` must equal
   * `nameAlg ‖ H(parentQN ‖ Name(AK))`, so the AK must be given as a TPMT_PUBLIC (an SPKI / JWK AK
   * has no Name, and the check then fails `ok` as a required skip).
   */
  readonly akParentQualifiedName?: Uint8Array;
  /**
   * Require `tpm.quote.ak-attributes`: the AK must be a TPMT_PUBLIC whose attributes make it a
   * TPM-resident restricted signing key. Default false: an AK given as SPKI / JWK cannot show its
   * attributes and the check skips (a quote-shaped blob signed by a non-restricted key then
   * verifies; give the TPMT_PUBLIC, or set this, to refuse that).
   */
  readonly requireAkAttributes?: boolean;
  /**
   * Memo for the AK resolved per key input and its imported WebCrypto keys. Default: none. The
   * verdict is the same with or without it; each result still gets its own `akPublic` / `akKey`.
   */
  readonly cache?: AttestCache;
}

/** Check ids of {@link verifyTpmQuote}, in report order. */
export type TpmQuoteCheckId =
  | 'tpm.quote.structure'
  | 'tpm.quote.magic'
  | 'tpm.quote.type'
  | 'tpm.quote.ak'
  | 'tpm.quote.ak-attributes'
  | 'tpm.quote.scheme'
  | 'tpm.quote.signature'
  | 'tpm.quote.nonce'
  | 'tpm.quote.qualified-signer'
  | 'tpm.quote.sha1'
  | 'tpm.quote.pcr-selection'
  | 'tpm.quote.pcr-digest'
  | 'tpm.quote.clock-safe';

/** Result of {@link verifyTpmQuote}. */
export interface TpmQuoteVerification extends Verification<TpmQuoteCheckId> {
  /** The parsed TPMS_ATTEST (claims; trusted only when `ok`). */
  readonly attest?: TpmsAttest;
  /** The parsed TPMT_SIGNATURE (absent for raw signatures). */
  readonly signature?: TpmtSignature;
  /** The AK public area when it was given as TPMT_PUBLIC / TPM2B_PUBLIC. */
  readonly akPublic?: TpmtPublic;
  /** The AK key as plain data. */
  readonly akKey?: PublicKeyInfo;
  /** `clockInfo` from the quote. */
  readonly clockInfo?: TpmsClockInfo;
  /** `firmwareVersion` from the quote. */
  readonly firmwareVersion?: bigint;
  /** The signed PCR selection, in TPM order. */
  readonly pcrSelection?: readonly TpmsPcrSelection[];
  /**
   * PCR values proven by the quote: only PCRs inside the signed selection, and only when `ok`
   * (signature, nonce, selection and pcrDigest all held). Empty otherwise.
   */
  readonly pcrs: PcrBanks;
}

/** Evidence for {@link verifyTpmCertify}. */
export interface TpmCertifyEvidence {
  /** TPMS_ATTEST bytes of type TPM_ST_ATTEST_CERTIFY (or CREATION). */
  readonly attest: Uint8Array;
  /** TPMT_SIGNATURE bytes, or raw with `signatureScheme`. */
  readonly signature: Uint8Array;
  /** Key that signed the certify structure. */
  readonly signerPublic: TpmKeyInput;
  /** Public area of the certified object (TPMT_PUBLIC / TPM2B_PUBLIC bytes or parsed). */
  readonly objectPublic: Uint8Array | TpmtPublic;
  /** For TPM_ST_ATTEST_CREATION: the TPMS_CREATION_DATA bytes whose hash is `creationHash`. */
  readonly creationData?: Uint8Array;
  /**
   * Set only when `signature` is a bare signature (RSA: modulus-size bytes; ECDSA: r‖s or DER)
   * rather than a TPMT_SIGNATURE.
   */
  readonly signatureScheme?: TpmRawSignatureScheme;
}

/** Options of {@link verifyTpmCertify}. */
export interface TpmCertifyVerifyOptions {
  /**
   * Expected `extraData`. Default none: `tpm.certify.nonce` skips (failing `ok` if required). An
   * empty nonce fails `tpm.certify.nonce` while `requireNonce` is true (a warning when false).
   */
  readonly nonce?: Uint8Array;
  /**
   * Whether the nonce check must run for `ok`. Default true. Turning it off also lets an empty
   * nonce match an empty `extraData`, as a warning.
   */
  readonly requireNonce?: boolean;
  /**
   * Accept SHA-1 signatures and a certified object whose nameAlg is SHA-1 (its Name, the only
   * link between the statement and `objectPublic`, is then a SHA-1 digest). Default false.
   */
  readonly allowSha1?: boolean;
  /**
   * Require the signer to be a restricted signing key (restricted, sign and fixedTPM set): only
   * such a key refuses to sign outside data that starts with TPM_GENERATED_VALUE, so only its
   * signature proves the TPM made the statement. Default true for a signer given as TPMT_PUBLIC;
   * a signer given as SPKI / JWK cannot show its attributes, so the check skips for it — unless
   * this option is set to `true` explicitly, which makes the check required (such a signer then
   * fails it: give the signer as TPMT_PUBLIC). `false` turns a failure into a warning.
   */
  readonly requireRestrictedSigner?: boolean;
  /**
   * Accept a certified object that is not TPM-resident: fixedTPM, fixedParent or
   * sensitiveDataOrigin clear (a key loaded with TPM2_LoadExternal, an imported or duplicable
   * key) — `tpm.certify.object-attributes` then warns instead of failing. Default false: a TPM
   * certifies any loaded object, including a software key whose private part exists outside it,
   * so a certify alone does not show the key is protected by the TPM.
   */
  readonly allowNonResidentObject?: boolean;
  /** Memo for resolved signer keys and imported WebCrypto keys. Default: none. */
  readonly cache?: AttestCache;
}

/** Check ids of {@link verifyTpmCertify}. */
export type TpmCertifyCheckId =
  | 'tpm.certify.structure'
  | 'tpm.certify.magic'
  | 'tpm.certify.type'
  | 'tpm.certify.signer'
  | 'tpm.certify.signer-attributes'
  | 'tpm.certify.scheme'
  | 'tpm.certify.signature'
  | 'tpm.certify.nonce'
  | 'tpm.certify.sha1'
  | 'tpm.certify.name'
  | 'tpm.certify.object-attributes'
  | 'tpm.certify.creation-hash';

/** Result of {@link verifyTpmCertify}. */
export interface TpmCertifyVerification extends Verification<TpmCertifyCheckId> {
  /** The parsed TPMS_ATTEST, whenever it parses (claims; trusted only when `ok`). */
  readonly attest?: TpmsAttest;
  /** The parsed TPMT_SIGNATURE (absent for raw signatures and when it is malformed). */
  readonly signature?: TpmtSignature;
  /** The certified object's public area (parsed). */
  readonly objectPublic?: TpmtPublic;
  /** Name of the certified object, recomputed. */
  readonly objectName?: Uint8Array;
}

/** Output of {@link makeCredential} (TPM2_MakeCredential, Part 3 §12.6). */
export interface TpmCredential {
  /** TPM2B_ID_OBJECT (`credentialBlob`), with its u16 size. */
  readonly credentialBlob: Uint8Array;
  /** TPM2B_ENCRYPTED_SECRET (`secret`), with its u16 size. */
  readonly secret: Uint8Array;
}

/** Options of {@link makeCredential}. */
export interface MakeCredentialOptions {
  /**
   * Source of randomness, called for the seed, then (RSA) the OAEP seed or (ECC) the ephemeral
   * private key. Default `crypto.getRandomValues`. Only tests should set it: a predictable
   * source lets anyone who sees the blob recover the credential.
   */
  readonly randomBytes?: (length: number) => Uint8Array;
}

/** A TCG default EK template id (EK Credential Profile 2.5 Annex B). */
export type EkTemplateId = 'L-1' | 'L-2' | 'H-1' | 'H-2' | 'H-3' | 'H-4' | 'H-6' | 'H-7';

/** TPMSpecification attribute of an EK certificate (EK Credential Profile §3.2.7). */
export interface TcgSpecification {
  /** `family` (UTF8String): the TPM specification family, e.g. `2.0`. */
  readonly family: string;
  /** `level` (INTEGER): the specification level, e.g. 0. */
  readonly level: number;
  /** `revision` (INTEGER): the specification revision times 100, e.g. 164 for rev 1.64 (swtpm). */
  readonly revision: number;
}

/** A parsed EK certificate (EK Credential Profile 2.5 §3). */
export interface EkCertificate {
  /** The parsed X.509 certificate (DER in `certificate.raw`); parsed, not yet chain-verified. */
  readonly certificate: X509Certificate;
  /** The certified EK public key. */
  readonly publicKey: PublicKeyInfo;
  /** `tcg-at-tpmManufacturer` from the subjectAltName directoryName (e.g. `id:49465800`). */
  readonly tpmManufacturer?: string;
  /** The manufacturer id's 4 ASCII characters when printable (e.g. `IFX`). */
  readonly tpmManufacturerAscii?: string;
  /** `tcg-at-tpmModel`. */
  readonly tpmModel?: string;
  /** `tcg-at-tpmVersion` (e.g. `id:00070002`). */
  readonly tpmVersion?: string;
  /** `tcg-at-tpmSpecification` from subjectDirectoryAttributes. */
  readonly tpmSpecification?: TcgSpecification;
  /** True when extendedKeyUsage holds tcg-kp-EKCertificate (2.23.133.8.1). */
  readonly hasEkCertificateEku: boolean;
  /** True when subjectAltName is marked critical (required when the subject is empty). */
  readonly sanCritical?: boolean;
}

/** Input of {@link verifyEkCertificate}. */
export interface EkCertificateEvidence {
  /** The EK certificate (DER or PEM). */
  readonly certificate: Uint8Array | string;
  /** Intermediate CA certificates (any order; DER, PEM, bundle or array). */
  readonly intermediates?: Uint8Array | string | readonly (Uint8Array | string)[];
  /** The EK public area from the TPM, to compare with the certificate. */
  readonly ekPublic?: Uint8Array | TpmtPublic;
}

/** Options of {@link verifyEkCertificate}. */
export interface EkCertificateVerifyOptions {
  /** Trusted TPM vendor root certificates (DER, PEM, bundle or array). Required. */
  readonly roots: Uint8Array | string | readonly (Uint8Array | string)[];
  /** Instant for validity. Default: time of the call, read once. */
  readonly now?: Date;
  /** Fail (instead of warn) when `ekPublic` follows no TCG default template. Default false. */
  readonly requireDefaultTemplate?: boolean;
  /** Memo for certificate signature verifications in the chain and imported keys. Default: none. */
  readonly cache?: AttestCache;
  /**
   * Accept chain certificates signed over SHA-1 (sha1WithRSAEncryption, ecdsa-with-SHA1). Default
   * false: chosen-prefix SHA-1 collisions are practical, so such a signature fails `tpm.ek.chain`
   * (issue `signature-error`, `cause.code` `ERR_UNSUPPORTED`). Set it only for TPMs whose vendor
   * still issues SHA-1-signed EK or CA certificates; roots' self-signatures are never checked.
   */
  readonly allowSha1?: boolean;
}

/** Check ids of {@link verifyEkCertificate}. */
export type EkCheckId =
  | 'tpm.ek.certificate'
  | 'tpm.ek.end-entity'
  | 'tpm.ek.chain'
  | 'tpm.ek.eku'
  | 'tpm.ek.san'
  | 'tpm.ek.key-usage'
  | 'tpm.ek.public-key'
  | 'tpm.ek.template';

/** Result of {@link verifyEkCertificate}. */
export interface EkCertificateVerification extends Verification<EkCheckId> {
  /** The parsed EK certificate, when it parses (its TCG fields are trusted only when `ok`). */
  readonly ek?: EkCertificate;
  /** The path that verified, leaf first (subjects). */
  readonly path?: readonly string[];
  /** The TCG default template the EK public follows, when `ekPublic` was given and matches. */
  readonly template?: EkTemplateId;
}
