/**
 * @module
 * Parsers and encoders of the TPM 2.0 structures attestation uses: TPMS_ATTEST (quote, certify,
 * creation, time, NV, audit), TPMT_SIGNATURE, TPMT_PUBLIC / TPM2B_PUBLIC, TPML_PCR_SELECTION,
 * TPMS_CREATION_DATA and the TPM2B size-prefixed buffers. All integers are big-endian and every
 * structure is read strictly in order with no trailing bytes (TPM 2.0 Library Part 2 rev 1.59,
 * §10–12; Part 1 §9 for the marshaling rules). One deliberate exception to rev 1.59:
 * TPMA_OBJECT is read with the attribute set of rev 1.83, which defines bits 8
 * `firmwareLimited` and 9 `svnLimited` (reserved in rev 1.59); they are accepted and decoded as
 * named flags, and only bits 0, 3, 12–15 and 20–31 must be zero.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, assertCountFits, ByteReader, concatBytes, copyBytes } from '../core/bytes.js';
import {
  TPM_ALG,
  TPM_ALG_NAMES,
  TPM_ECC_NAMES,
  TPM_GENERATED_VALUE,
  TPM_HASH_BY_ID,
  TPM_MAX_DATA,
  TPM_MAX_DIGEST,
  TPM_MAX_ECC_BYTES,
  TPM_MAX_NAME,
  TPM_MAX_NV_BUFFER,
  TPM_MAX_PCR_BANKS,
  TPM_MAX_PCR_SELECT,
  TPM_MAX_RSA_BYTES,
  TPM_ST,
  TPM_ST_ATTEST_NAMES,
  TPMA_OBJECT,
  TPMA_OBJECT_RESERVED,
  type TpmAttestType,
  type TpmHashName,
} from './constants.js';
import type {
  TpmaObject,
  TpmsAttest,
  TpmsAttested,
  TpmsClockInfo,
  TpmsPcrSelection,
  TpmsQuoteInfo,
  TpmtPublic,
  TpmtScheme,
  TpmtSignature,
  TpmtSymDefObject,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Input validation

/** Core `assertBytes` (which also rejects views over detached buffers), kept under this name for callers. */
export const assertInputBytes: typeof assertBytes = assertBytes;

/**
 * A public area from TPMT_PUBLIC / TPM2B_PUBLIC bytes or an already parsed {@link TpmtPublic}.
 * A parsed object is read again from its `raw` bytes, the only part a Name covers: its other
 * fields are never consulted, so a key, a Name and every attribute check always describe the same
 * bytes (an object whose fields were edited after parsing cannot pair one key's Name with another
 * key, and a memo keyed by `raw` gives the same answer as no memo).
 *
 * @internal
 */
export function publicAreaOf(input: Uint8Array | TpmtPublic, name = 'publicArea'): TpmtPublic {
  if (input instanceof Uint8Array) {
    assertInputBytes(input, name);
    return parseTpmPublic(input);
  }
  if (
    typeof input !== 'object' ||
    input === null ||
    !((input as Partial<TpmtPublic>).raw instanceof Uint8Array) ||
    typeof (input as Partial<TpmtPublic>).type !== 'string' ||
    typeof (input as Partial<TpmtPublic>).objectAttributes !== 'object'
  ) {
    throw new TypeError(`${name} must be TPMT_PUBLIC / TPM2B_PUBLIC bytes or a parsed TpmtPublic`);
  }
  assertInputBytes(input.raw, `${name}.raw`);
  return parseTpmtPublic(input.raw);
}

// ---------------------------------------------------------------------------------------------
// Reading helpers

/** Reads a TPM2B (u16 size ‖ bytes), copied, with an upper bound on the size. */
function tpm2b(r: ByteReader, field: string, max: number): Uint8Array {
  return r.sized(2, 'be', field, max);
}

function badValue(r: ByteReader, at: number, field: string, message: string): never {
  throw new AttestError('ERR_BAD_VALUE', {
    offset: r.base + at,
    field: `${r.structure}.${field}`,
    message,
  });
}

function unsupported(r: ByteReader, at: number, field: string, message: string): never {
  throw new AttestError('ERR_UNSUPPORTED', {
    offset: r.base + at,
    field: `${r.structure}.${field}`,
    message,
  });
}

/** Reads a TPMI_ALG_HASH; `allowNull` admits TPM_ALG_NULL (`TPMI_ALG_HASH+`). */
function readHash(
  r: ByteReader,
  field: string,
  allowNull: boolean,
): { id: number; name: TpmHashName | 'null' } {
  const at = r.offset;
  const id = r.u16be(field);
  if (allowNull && id === TPM_ALG.NULL) return { id, name: 'null' };
  const name = TPM_HASH_BY_ID[id];
  if (name === undefined) {
    badValue(r, at, field, `0x${id.toString(16).padStart(4, '0')} is not a hash algorithm`);
  }
  return { id, name };
}

function readYesNo(r: ByteReader, field: string): boolean {
  const at = r.offset;
  const v = r.u8(field);
  if (v > 1) badValue(r, at, field, `TPMI_YES_NO must be 0 or 1, found ${v}`);
  return v === 1;
}

function readClockInfo(r: ByteReader, prefix: string): TpmsClockInfo {
  const clock = r.u64be(`${prefix}.clock`);
  const resetCount = r.u32be(`${prefix}.resetCount`);
  const restartCount = r.u32be(`${prefix}.restartCount`);
  const safe = readYesNo(r, `${prefix}.safe`);
  return { clock, resetCount, restartCount, safe };
}

/**
 * The PCR indices a TPMS_PCR_SELECTION `pcrSelect` bitmap selects (Part 2 §10.6.2: bit n mod 8
 * of byte n div 8), ascending.
 *
 * @param pcrSelect - the bitmap.
 * @returns the selected indices.
 * @example
 * ```ts
 * pcrSelectIndices(Uint8Array.of(0x81, 0, 0)) // [0, 7]
 * ```
 */
export function pcrSelectIndices(pcrSelect: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < pcrSelect.length; i++) {
    const b = pcrSelect[i]!;
    for (let bit = 0; bit < 8; bit++) if ((b >> bit) & 1) out.push(i * 8 + bit);
  }
  return out;
}

function readPcrSelection(r: ByteReader, field: string): TpmsPcrSelection[] {
  const at = r.offset;
  const count = r.u32be(`${field}.count`);
  if (count > TPM_MAX_PCR_BANKS) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: r.base + at,
      field: `${r.structure}.${field}.count`,
      message: `${count} PCR selections exceed the maximum ${TPM_MAX_PCR_BANKS}`,
    });
  }
  assertCountFits(count, 3, r.remaining, `${r.structure}.${field}.count`, r.base + at);
  const out: TpmsPcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const f = `${field}.pcrSelections[${i}]`;
    const hash = readHash(r, `${f}.hash`, false);
    const sizeAt = r.offset;
    const sizeofSelect = r.u8(`${f}.sizeofSelect`);
    if (sizeofSelect > TPM_MAX_PCR_SELECT) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: r.base + sizeAt,
        field: `${r.structure}.${f}.sizeofSelect`,
        message: `sizeofSelect ${sizeofSelect} exceeds the maximum ${TPM_MAX_PCR_SELECT}`,
      });
    }
    const pcrSelect = r.bytesCopy(sizeofSelect, `${f}.pcrSelect`);
    out.push({
      hashAlg: hash.id,
      ...(hash.name !== 'null' ? { hash: hash.name } : {}),
      sizeofSelect,
      pcrSelect,
      pcrs: pcrSelectIndices(pcrSelect),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// TPMS_ATTEST

function readAttested(r: ByteReader, type: TpmAttestType): TpmsAttested {
  switch (type) {
    case 'quote':
      return {
        type,
        pcrSelect: readPcrSelection(r, 'attested.quote.pcrSelect'),
        pcrDigest: tpm2b(r, 'attested.quote.pcrDigest', TPM_MAX_DIGEST),
      };
    case 'certify':
      return {
        type,
        name: tpm2b(r, 'attested.certify.name', TPM_MAX_NAME),
        qualifiedName: tpm2b(r, 'attested.certify.qualifiedName', TPM_MAX_NAME),
      };
    case 'creation':
      return {
        type,
        objectName: tpm2b(r, 'attested.creation.objectName', TPM_MAX_NAME),
        creationHash: tpm2b(r, 'attested.creation.creationHash', TPM_MAX_DIGEST),
      };
    case 'time': {
      const time = r.u64be('attested.time.time.time');
      const clockInfo = readClockInfo(r, 'attested.time.time.clockInfo');
      return { type, time, clockInfo, firmwareVersion: r.u64be('attested.time.firmwareVersion') };
    }
    case 'nv':
      return {
        type,
        indexName: tpm2b(r, 'attested.nv.indexName', TPM_MAX_NAME),
        offset: r.u16be('attested.nv.offset'),
        nvContents: tpm2b(r, 'attested.nv.nvContents', TPM_MAX_NV_BUFFER),
      };
    case 'nv-digest':
      return {
        type,
        indexName: tpm2b(r, 'attested.nvDigest.indexName', TPM_MAX_NAME),
        nvDigest: tpm2b(r, 'attested.nvDigest.nvDigest', TPM_MAX_DIGEST),
      };
    case 'command-audit':
      return {
        type,
        auditCounter: r.u64be('attested.commandAudit.auditCounter'),
        digestAlg: readHash(r, 'attested.commandAudit.digestAlg', false).id,
        auditDigest: tpm2b(r, 'attested.commandAudit.auditDigest', TPM_MAX_DIGEST),
        commandDigest: tpm2b(r, 'attested.commandAudit.commandDigest', TPM_MAX_DIGEST),
      };
    case 'session-audit':
      return {
        type,
        exclusiveSession: readYesNo(r, 'attested.sessionAudit.exclusiveSession'),
        sessionDigest: tpm2b(r, 'attested.sessionAudit.sessionDigest', TPM_MAX_DIGEST),
      };
  }
}

/**
 * Parses TPMS_ATTEST; `checkMagic: false` lets a verifier report a wrong magic as a failed check
 * while still reading the rest. `owned`: `bytes` is the caller's private copy, kept as `raw`.
 *
 * @internal
 */
export function readTpmsAttest(
  bytes: Uint8Array,
  checkMagic: boolean,
  owned: boolean = false,
): TpmsAttest {
  const r = new ByteReader(bytes, 'TPMS_ATTEST');
  const magic = r.u32be('magic');
  if (checkMagic && magic !== TPM_GENERATED_VALUE) {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: 0,
      field: 'TPMS_ATTEST.magic',
      message: `magic must be TPM_GENERATED_VALUE 0xff544347, found 0x${magic.toString(16).padStart(8, '0')}`,
    });
  }
  const typeAt = r.offset;
  const typeId = r.u16be('type');
  const type = TPM_ST_ATTEST_NAMES[typeId];
  if (type === undefined) {
    badValue(r, typeAt, 'type', `0x${typeId.toString(16)} is not a TPMI_ST_ATTEST value`);
  }
  const qualifiedSigner = tpm2b(r, 'qualifiedSigner', TPM_MAX_NAME);
  const extraData = tpm2b(r, 'extraData', TPM_MAX_DATA);
  const clockInfo = readClockInfo(r, 'clockInfo');
  const firmwareVersion = r.u64be('firmwareVersion');
  const attested = readAttested(r, type);
  r.expectEnd();
  return {
    raw: owned ? bytes : copyBytes(bytes),
    magic,
    typeId,
    type,
    qualifiedSigner,
    extraData,
    clockInfo,
    firmwareVersion,
    attested,
  };
}

/**
 * Parses a TPMS_ATTEST (TPM 2.0 Part 2 §10.12.12): the structure TPM2_Quote, TPM2_Certify,
 * TPM2_CertifyCreation, TPM2_GetTime, TPM2_NV_Certify and the audit commands sign. The input is
 * the bare structure (first bytes `ff 54 43 47`), as `tpm2_quote -m` writes it; the result is the
 * TPM's unverified claim.
 *
 * @param bytes - the TPMS_ATTEST bytes (not TPM2B_ATTEST).
 * @returns the decoded structure; `raw` is what the signature covers.
 * @throws {AttestError} `ERR_BAD_MAGIC` (offset 0), `ERR_BAD_VALUE` (unknown type, bad YES/NO),
 *   `ERR_TRUNCATED`, `ERR_BAD_LENGTH` (a TPM2B over its bound), `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * import { parseTpmsAttest } from 'attestkit/tpm';
 * const attest = parseTpmsAttest(quoteMsg);
 * if (attest.attested.type === 'quote') console.log(attest.attested.pcrSelect);
 * ```
 */
export function parseTpmsAttest(bytes: Uint8Array): TpmsAttest {
  assertBytes(bytes, 'bytes');
  return readTpmsAttest(bytes, true);
}

/**
 * Parses a TPML_PCR_SELECTION (Part 2 §10.9.7) that fills `bytes` exactly.
 *
 * @param bytes - `u32 count` followed by `count` TPMS_PCR_SELECTION.
 * @returns the selections in encoded order, each with its PCR indices.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_LENGTH` (count or sizeofSelect too large),
 *   `ERR_BAD_VALUE` (not a hash algorithm), `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * parseTpmlPcrSelection(fromHex('00000001000b03ff0000'))[0].pcrs // [0, 1, …, 7]
 * ```
 */
export function parseTpmlPcrSelection(bytes: Uint8Array): TpmsPcrSelection[] {
  const r = new ByteReader(bytes, 'TPML_PCR_SELECTION');
  const out = readPcrSelection(r, 'pcrSelections');
  r.expectEnd();
  return out;
}

// ---------------------------------------------------------------------------------------------
// TPMT_SIGNATURE

/**
 * `owned`: `r` reads the caller's private copy, so the values are views into it (no copies);
 * otherwise every value is a copy.
 */
function readSignature(r: ByteReader, owned: boolean): TpmtSignature {
  const start = r.offset;
  const sigAlgId = r.u16be('sigAlg');
  const value = (field: string, max: number): Uint8Array =>
    owned ? r.sizedView(2, 'be', field, max) : tpm2b(r, field, max);
  const raw = (): Uint8Array =>
    owned
      ? new Uint8Array(r.bytes.buffer, r.bytes.byteOffset + start, r.offset - start)
      : copyBytes(r.bytes, start, r.offset);
  if (sigAlgId === TPM_ALG.RSASSA || sigAlgId === TPM_ALG.RSAPSS) {
    const hash = readHash(r, 'signature.hash', false);
    const sig = value('signature.sig', TPM_MAX_RSA_BYTES);
    return {
      sigAlg: sigAlgId === TPM_ALG.RSASSA ? 'rsassa' : 'rsapss',
      sigAlgId,
      hash: hash.name as TpmHashName,
      hashAlg: hash.id,
      sig,
      raw: raw(),
    };
  }
  if (sigAlgId === TPM_ALG.ECDSA) {
    const hash = readHash(r, 'signature.hash', false);
    const signatureR = value('signature.signatureR', TPM_MAX_ECC_BYTES);
    const signatureS = value('signature.signatureS', TPM_MAX_ECC_BYTES);
    return {
      sigAlg: 'ecdsa',
      sigAlgId,
      hash: hash.name as TpmHashName,
      hashAlg: hash.id,
      signatureR,
      signatureS,
      raw: raw(),
    };
  }
  return unsupported(
    r,
    start,
    'sigAlg',
    `signature scheme ${TPM_ALG_NAMES[sigAlgId] ?? `0x${sigAlgId.toString(16)}`} is not supported (RSASSA, RSAPSS and ECDSA are)`,
  );
}

/**
 * Parses a TPMT_SIGNATURE (Part 2 §11.3.4) as `tpm2_quote -s` writes it. RSASSA, RSAPSS and
 * ECDSA are decoded; other schemes (ECDAA, SM2, ECSCHNORR, HMAC, NULL) raise `ERR_UNSUPPORTED`.
 *
 * @param bytes - the TPMT_SIGNATURE bytes.
 * @returns the scheme, hash and signature value(s).
 * @throws {AttestError} `ERR_UNSUPPORTED` (offset 0), `ERR_BAD_VALUE` (hash), `ERR_TRUNCATED`,
 *   `ERR_BAD_LENGTH`, `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * import { parseTpmtSignature } from 'attestkit/tpm';
 * const sig = parseTpmtSignature(quoteSig); // { sigAlg: 'rsassa', hash: 'sha256', sig }
 * ```
 */
export function parseTpmtSignature(bytes: Uint8Array): TpmtSignature {
  return readTpmtSignature(bytes, false);
}

/**
 * {@link parseTpmtSignature}; `owned`: `bytes` is the caller's private copy, and the values are
 * views into it.
 *
 * @internal
 */
export function readTpmtSignature(bytes: Uint8Array, owned: boolean): TpmtSignature {
  const r = new ByteReader(bytes, 'TPMT_SIGNATURE');
  const sig = readSignature(r, owned);
  r.expectEnd();
  return sig;
}

// ---------------------------------------------------------------------------------------------
// TPMT_PUBLIC

/**
 * Decodes a TPMA_OBJECT value into named flags (Part 2 §8.3); reserved bits are not checked here
 * (the TPMT_PUBLIC parser rejects them).
 *
 * @param value - the 32-bit objectAttributes.
 * @returns the flags and the names of the set bits in bit order.
 * @example
 * ```ts
 * decodeTpmaObject(0x00050072).names // ['fixedTPM', 'fixedParent', …, 'restricted', 'sign']
 * ```
 */
export function decodeTpmaObject(value: number): TpmaObject {
  const names: string[] = [];
  for (const name of TPMA_OBJECT_NAMES) if ((value & TPMA_OBJECT[name]) !== 0) names.push(name);
  const has = (mask: number): boolean => (value & mask) !== 0;
  return {
    value: value >>> 0,
    fixedTPM: has(TPMA_OBJECT.fixedTPM),
    stClear: has(TPMA_OBJECT.stClear),
    fixedParent: has(TPMA_OBJECT.fixedParent),
    sensitiveDataOrigin: has(TPMA_OBJECT.sensitiveDataOrigin),
    userWithAuth: has(TPMA_OBJECT.userWithAuth),
    adminWithPolicy: has(TPMA_OBJECT.adminWithPolicy),
    firmwareLimited: has(TPMA_OBJECT.firmwareLimited),
    svnLimited: has(TPMA_OBJECT.svnLimited),
    noDA: has(TPMA_OBJECT.noDA),
    encryptedDuplication: has(TPMA_OBJECT.encryptedDuplication),
    restricted: has(TPMA_OBJECT.restricted),
    decrypt: has(TPMA_OBJECT.decrypt),
    sign: has(TPMA_OBJECT.sign),
    x509sign: has(TPMA_OBJECT.x509sign),
    names,
  };
}

/** TPMA_OBJECT bit names in bit order. */
const TPMA_OBJECT_NAMES = Object.keys(TPMA_OBJECT) as (keyof typeof TPMA_OBJECT)[];

const SYM_ALGS: ReadonlySet<number> = new Set([
  TPM_ALG.AES,
  TPM_ALG.SM4,
  TPM_ALG.CAMELLIA,
  TPM_ALG.TDES,
]);
const SYM_MODES: ReadonlySet<number> = new Set([
  TPM_ALG.CTR,
  TPM_ALG.OFB,
  TPM_ALG.CBC,
  TPM_ALG.CFB,
  TPM_ALG.ECB,
  TPM_ALG.NULL,
]);

/**
 * Reads a TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7). `allowNull` selects the `+` variant:
 * TPMI_ALG_SYM_OBJECT admits TPM_ALG_NULL only where the structure tables write
 * `TPMT_SYM_DEF_OBJECT+`, i.e. the `symmetric` field of TPMS_RSA_PARMS and TPMS_ECC_PARMS
 * (Part 2 §12.2.3, "Definition of TPMS_RSA_PARMS / TPMS_ECC_PARMS Structure": NULL for keys that
 * are not restricted decryption keys). TPMS_SYMCIPHER_PARMS.sym (Part 2 §11.1.9, "Definition of
 * TPMS_SYMCIPHER_PARMS Structure") is a plain TPMT_SYM_DEF_OBJECT: a symmetric object must name
 * its block cipher, and the reference implementation's unmarshaler rejects NULL there
 * (TPM_RC_SYMMETRIC).
 */
function readSymDefObject(r: ByteReader, field: string, allowNull: boolean): TpmtSymDefObject {
  const at = r.offset;
  const algorithmId = r.u16be(`${field}.algorithm`);
  if (algorithmId === TPM_ALG.NULL) {
    if (allowNull) return { algorithm: 'null', algorithmId };
    badValue(
      r,
      at,
      `${field}.algorithm`,
      'TPM_ALG_NULL is not allowed here: a SYMCIPHER object must name its block cipher',
    );
  }
  if (!SYM_ALGS.has(algorithmId)) {
    badValue(r, at, `${field}.algorithm`, `0x${algorithmId.toString(16)} is not a block cipher`);
  }
  const keyBits = r.u16be(`${field}.keyBits`);
  const modeAt = r.offset;
  const modeId = r.u16be(`${field}.mode`);
  if (!SYM_MODES.has(modeId)) {
    badValue(r, modeAt, `${field}.mode`, `0x${modeId.toString(16)} is not a block cipher mode`);
  }
  return {
    algorithm: TPM_ALG_NAMES[algorithmId]!,
    algorithmId,
    keyBits,
    mode: TPM_ALG_NAMES[modeId]!,
    modeId,
  };
}

/** Schemes whose details are one hash (TPMS_SCHEME_HASH). */
const HASH_SCHEMES: ReadonlySet<number> = new Set([
  TPM_ALG.RSASSA,
  TPM_ALG.RSAPSS,
  TPM_ALG.OAEP,
  TPM_ALG.ECDSA,
  TPM_ALG.ECDH,
  TPM_ALG.SM2,
  TPM_ALG.ECSCHNORR,
  TPM_ALG.ECMQV,
  TPM_ALG.HMAC,
  TPM_ALG.MGF1,
  TPM_ALG.KDF1_SP800_56A,
  TPM_ALG.KDF2,
  TPM_ALG.KDF1_SP800_108,
]);

/** Reads a scheme selector restricted to `allowed` (plus NULL), with its details. */
function readScheme(r: ByteReader, field: string, allowed: readonly number[]): TpmtScheme {
  const at = r.offset;
  const schemeId = r.u16be(`${field}.scheme`);
  if (schemeId === TPM_ALG.NULL) return { scheme: 'null', schemeId };
  if (!allowed.includes(schemeId)) {
    badValue(r, at, `${field}.scheme`, `${tpmAlg(schemeId)} is not allowed here`);
  }
  const scheme = TPM_ALG_NAMES[schemeId]!;
  if (schemeId === TPM_ALG.RSAES) return { scheme, schemeId };
  const hash = readHash(r, `${field}.details.hashAlg`, false);
  const base = { scheme, schemeId, hash: hash.name as TpmHashName, hashAlg: hash.id };
  if (schemeId === TPM_ALG.ECDAA) return { ...base, count: r.u16be(`${field}.details.count`) };
  if (schemeId === TPM_ALG.XOR) return { ...base, kdf: r.u16be(`${field}.details.kdf`) };
  if (!HASH_SCHEMES.has(schemeId)) unsupported(r, at, `${field}.scheme`, tpmAlg(schemeId));
  return base;
}

function tpmAlg(id: number): string {
  return TPM_ALG_NAMES[id] ?? `0x${id.toString(16).padStart(4, '0')}`;
}

const RSA_SCHEMES = [TPM_ALG.RSASSA, TPM_ALG.RSAPSS, TPM_ALG.RSAES, TPM_ALG.OAEP];
const ECC_SCHEMES = [
  TPM_ALG.ECDSA,
  TPM_ALG.ECDH,
  TPM_ALG.ECDAA,
  TPM_ALG.SM2,
  TPM_ALG.ECSCHNORR,
  TPM_ALG.ECMQV,
];
const KDF_SCHEMES = [TPM_ALG.MGF1, TPM_ALG.KDF1_SP800_56A, TPM_ALG.KDF2, TPM_ALG.KDF1_SP800_108];
const KEYEDHASH_SCHEMES = [TPM_ALG.HMAC, TPM_ALG.XOR];

function readPublic(r: ByteReader): TpmtPublic {
  const start = r.offset;
  const typeAt = r.offset;
  const typeId = r.u16be('type');
  const nameAlg = readHash(r, 'nameAlg', true);
  const attrAt = r.offset;
  const attrs = r.u32be('objectAttributes');
  if ((attrs & TPMA_OBJECT_RESERVED) !== 0) {
    throw new AttestError('ERR_RESERVED_NOT_ZERO', {
      offset: r.base + attrAt,
      field: `${r.structure}.objectAttributes`,
      message: `reserved TPMA_OBJECT bits set: 0x${((attrs & TPMA_OBJECT_RESERVED) >>> 0).toString(16)}`,
    });
  }
  const objectAttributes = decodeTpmaObject(attrs);
  const authPolicy = tpm2b(r, 'authPolicy', TPM_MAX_DIGEST);
  const base = {
    typeId,
    nameAlg: nameAlg.name,
    nameAlgId: nameAlg.id,
    objectAttributes,
    authPolicy,
  };
  switch (typeId) {
    case TPM_ALG.RSA: {
      const symmetric = readSymDefObject(r, 'parameters.rsaDetail.symmetric', true);
      const scheme = readScheme(r, 'parameters.rsaDetail.scheme', RSA_SCHEMES);
      const keyBits = r.u16be('parameters.rsaDetail.keyBits');
      const exponent = r.u32be('parameters.rsaDetail.exponent');
      const unique = tpm2b(r, 'unique.rsa', TPM_MAX_RSA_BYTES);
      return {
        ...base,
        type: 'rsa',
        parameters: { symmetric, scheme, keyBits, exponent },
        unique,
        raw: copyBytes(r.bytes, start, r.offset),
      };
    }
    case TPM_ALG.ECC: {
      const symmetric = readSymDefObject(r, 'parameters.eccDetail.symmetric', true);
      const scheme = readScheme(r, 'parameters.eccDetail.scheme', ECC_SCHEMES);
      const curveAt = r.offset;
      const curveId = r.u16be('parameters.eccDetail.curveID');
      const curve = TPM_ECC_NAMES[curveId];
      if (curve === undefined) {
        unsupported(
          r,
          curveAt,
          'parameters.eccDetail.curveID',
          `ECC curve 0x${curveId.toString(16)}`,
        );
      }
      const kdf = readScheme(r, 'parameters.eccDetail.kdf', KDF_SCHEMES);
      const x = tpm2b(r, 'unique.ecc.x', TPM_MAX_ECC_BYTES);
      const y = tpm2b(r, 'unique.ecc.y', TPM_MAX_ECC_BYTES);
      return {
        ...base,
        type: 'ecc',
        parameters: { symmetric, scheme, curveId, curve, kdf },
        unique: { x, y },
        raw: copyBytes(r.bytes, start, r.offset),
      };
    }
    case TPM_ALG.KEYEDHASH: {
      const scheme = readScheme(r, 'parameters.keyedHashDetail.scheme', KEYEDHASH_SCHEMES);
      const unique = tpm2b(r, 'unique.keyedHash', TPM_MAX_DIGEST);
      return {
        ...base,
        type: 'keyedhash',
        parameters: { scheme },
        unique,
        raw: copyBytes(r.bytes, start, r.offset),
      };
    }
    case TPM_ALG.SYMCIPHER: {
      const symmetric = readSymDefObject(r, 'parameters.symDetail.sym', false);
      const unique = tpm2b(r, 'unique.sym', TPM_MAX_DIGEST);
      return {
        ...base,
        type: 'symcipher',
        parameters: { symmetric },
        unique,
        raw: copyBytes(r.bytes, start, r.offset),
      };
    }
    default:
      return unsupported(r, typeAt, 'type', `object type ${tpmAlg(typeId)}`);
  }
}

/**
 * Parses a bare TPMT_PUBLIC (Part 2 §12.2.4): the public area of a key or object, as
 * go-attestation and go-tpm-tools store AK publics. RSA, ECC, KEYEDHASH and SYMCIPHER objects
 * are decoded with their objectAttributes; the result is what the prover claims until a Name,
 * a certify or a credential activation binds it to a TPM.
 *
 * @param bytes - TPMT_PUBLIC bytes (no TPM2B size; see {@link parseTpm2bPublic}).
 * @returns the public area; `raw` is the input, what {@link tpmName} hashes.
 * @throws {AttestError} `ERR_UNSUPPORTED` (object type or curve), `ERR_BAD_VALUE` (algorithm in
 *   the wrong place), `ERR_RESERVED_NOT_ZERO` (TPMA_OBJECT reserved bits), `ERR_TRUNCATED`,
 *   `ERR_BAD_LENGTH`, `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * import { parseTpmtPublic } from 'attestkit/tpm';
 * const ak = parseTpmtPublic(akBytes);
 * ak.objectAttributes.restricted && ak.objectAttributes.sign; // an AK
 * ```
 */
export function parseTpmtPublic(bytes: Uint8Array): TpmtPublic {
  const r = new ByteReader(bytes, 'TPMT_PUBLIC');
  const p = readPublic(r);
  r.expectEnd();
  return p;
}

/**
 * Parses a TPM2B_PUBLIC (u16 size ‖ TPMT_PUBLIC), as tpm2-tools (`-u`, `-o`) and keylime write
 * public areas. The size must cover the rest of the input exactly.
 *
 * @param bytes - TPM2B_PUBLIC bytes.
 * @returns the TPMT_PUBLIC inside (offsets in errors are relative to `bytes`).
 * @throws {AttestError} as {@link parseTpmtPublic}; a `size` larger than the bytes after it is
 *   `ERR_TRUNCATED`, a smaller one `ERR_TRAILING_DATA` (at the first byte past the structure).
 * @example
 * ```ts
 * const ek = parseTpm2bPublic(ekPub); // tpm2_readpublic -o ek.pub
 * ```
 */
export function parseTpm2bPublic(bytes: Uint8Array): TpmtPublic {
  const outer = new ByteReader(bytes, 'TPM2B_PUBLIC');
  const size = outer.u16be('size');
  if (size !== outer.remaining) {
    throw new AttestError(size > outer.remaining ? 'ERR_TRUNCATED' : 'ERR_TRAILING_DATA', {
      offset: size > outer.remaining ? 2 : 2 + size,
      field: 'TPM2B_PUBLIC.size',
      message: `size ${size} but ${outer.remaining} bytes follow`,
    });
  }
  const r = outer.sub(size, 'TPM2B_PUBLIC.publicArea');
  const p = readPublic(r);
  r.expectEnd();
  return p;
}

/**
 * Parses a public area given either as TPM2B_PUBLIC or as bare TPMT_PUBLIC: when the first u16
 * equals the length of the rest, the input is read as TPM2B_PUBLIC (falling back to TPMT_PUBLIC if
 * that fails).
 *
 * @param bytes - TPM2B_PUBLIC or TPMT_PUBLIC bytes.
 * @returns the TPMT_PUBLIC.
 * @throws {AttestError} as {@link parseTpmtPublic}.
 * @example
 * ```ts
 * const ak = parseTpmPublic(readFileSync('ak.pub')); // either format
 * ```
 */
export function parseTpmPublic(bytes: Uint8Array): TpmtPublic {
  assertBytes(bytes, 'bytes');
  if (bytes.length >= 2 && ((bytes[0]! << 8) | bytes[1]!) === bytes.length - 2) {
    try {
      return parseTpm2bPublic(bytes);
    } catch (e) {
      try {
        return parseTpmtPublic(bytes);
      } catch {
        throw e;
      }
    }
  }
  return parseTpmtPublic(bytes);
}

// ---------------------------------------------------------------------------------------------
// TPMS_CREATION_DATA

/** TPMS_CREATION_DATA (Part 2 §15.1): what TPM2_Create / CreatePrimary attest in creationHash. */
export interface TpmsCreationData {
  /** The TPMS_CREATION_DATA bytes, a copy: what `creationHash` hashes with the object's nameAlg. */
  readonly raw: Uint8Array;
  /**
   * `pcrSelect` (TPML_PCR_SELECTION): the PCRs recorded at creation (`creationPCR`), in TPM order.
   */
  readonly pcrSelect: readonly TpmsPcrSelection[];
  /**
   * `pcrDigest` (TPM2B_DIGEST): digest of those PCR values at creation, with the object's nameAlg;
   * a copy.
   */
  readonly pcrDigest: Uint8Array;
  /** `locality` (TPMA_LOCALITY). */
  readonly locality: number;
  /**
   * `parentNameAlg` as TPM_ALG_ID; TPM_ALG_NULL (0x0010) when the parent is a hierarchy (a primary
   * object).
   */
  readonly parentNameAlg: number;
  /**
   * `parentName` (TPM2B_NAME): Name of the parent at creation; the 4-byte hierarchy handle for a
   * primary object.
   */
  readonly parentName: Uint8Array;
  /** `parentQualifiedName` (TPM2B_NAME): Qualified Name of the parent at creation. */
  readonly parentQualifiedName: Uint8Array;
  /**
   * `outsideInfo` (TPM2B_DATA): data the creator passed to TPM2_Create / TPM2_CreatePrimary; a
   * copy.
   */
  readonly outsideInfo: Uint8Array;
}

/**
 * Parses a TPMS_CREATION_DATA (Part 2 §15.1); `creationHash` in a TPM_ST_ATTEST_CREATION is the
 * nameAlg hash of exactly these bytes.
 *
 * @param bytes - TPMS_CREATION_DATA bytes (no TPM2B size).
 * @returns the decoded creation data.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_LENGTH`, `ERR_BAD_VALUE`, `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * const cd = parseTpmsCreationData(createData); cd.parentName
 * ```
 */
export function parseTpmsCreationData(bytes: Uint8Array): TpmsCreationData {
  const r = new ByteReader(bytes, 'TPMS_CREATION_DATA');
  const pcrSelect = readPcrSelection(r, 'pcrSelect');
  const pcrDigest = tpm2b(r, 'pcrDigest', TPM_MAX_DIGEST);
  const locality = r.u8('locality');
  const parentNameAlg = readHash(r, 'parentNameAlg', true).id;
  const parentName = tpm2b(r, 'parentName', TPM_MAX_NAME);
  const parentQualifiedName = tpm2b(r, 'parentQualifiedName', TPM_MAX_NAME);
  const outsideInfo = tpm2b(r, 'outsideInfo', TPM_MAX_DATA);
  r.expectEnd();
  return {
    raw: copyBytes(bytes),
    pcrSelect,
    pcrDigest,
    locality,
    parentNameAlg,
    parentName,
    parentQualifiedName,
    outsideInfo,
  };
}

// ---------------------------------------------------------------------------------------------
// Encoders

/** A growable big-endian writer for TPM structures. */
class TpmWriter {
  private readonly parts: Uint8Array[] = [];
  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`u8 out of range: ${v}`);
    this.parts.push(Uint8Array.of(v));
    return this;
  }
  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`u16 out of range: ${v}`);
    this.parts.push(Uint8Array.of(v >> 8, v & 0xff));
    return this;
  }
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError(`u32 out of range: ${v}`);
    this.parts.push(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
    return this;
  }
  u64(v: bigint): this {
    if (typeof v !== 'bigint') throw new TypeError(`u64 must be a bigint, got ${typeof v}`);
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${v}`);
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, v, false);
    this.parts.push(out);
    return this;
  }
  bytes(b: Uint8Array): this {
    assertBytes(b, 'bytes');
    this.parts.push(b);
    return this;
  }
  tpm2b(b: Uint8Array): this {
    assertBytes(b, 'bytes');
    return this.u16(b.length).bytes(b);
  }
  done(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/**
 * Encodes a TPM2B (Part 2 §10.4): `u16 size ‖ bytes`.
 *
 * @param bytes - at most 65535 bytes.
 * @returns the size-prefixed buffer.
 * @throws {RangeError} for more than 65535 bytes.
 * @example
 * ```ts
 * encodeTpm2b(nonce) // TPM2B_DATA
 * ```
 */
export function encodeTpm2b(bytes: Uint8Array): Uint8Array {
  return new TpmWriter().tpm2b(bytes).done();
}

/**
 * Parses a TPM2B (Part 2 §10.4: `u16 size ‖ bytes`) that fills `bytes` exactly, e.g. a
 * TPM2B_DIGEST, TPM2B_NAME or TPM2B_ATTEST read from a file.
 *
 * @param bytes - the TPM2B.
 * @param max - the largest size the buffer type allows (default 65535).
 * @returns a copy of the buffer.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_LENGTH` (size over `max`), `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * const attest = parseTpmsAttest(parseTpm2b(tpm2bAttest)); // TPM2B_ATTEST → TPMS_ATTEST
 * ```
 */
export function parseTpm2b(bytes: Uint8Array, max = 0xffff): Uint8Array {
  const r = new ByteReader(bytes, 'TPM2B');
  const out = tpm2b(r, 'buffer', max);
  r.expectEnd();
  return out;
}

/**
 * A PCR selection to encode: bank and PCR indices (`sizeofSelect` default max(3, needed)). The
 * bounds are the parser's: `sizeofSelect` at most 32 bytes (PCRs 0–255).
 */
export interface TpmsPcrSelectionInput {
  /** The bank, written as the `hash` TPM_ALG_ID (e.g. `TPM_ALG.SHA256`). */
  readonly hashAlg: number;
  /**
   * PCR indices to set in the `pcrSelect` bitmap (any order; each must be an integer below
   * 8 × sizeofSelect, so at most 255).
   */
  readonly pcrs: readonly number[];
  /**
   * `sizeofSelect` in bytes, an integer from 0 to 32 (the bound {@link parseTpmlPcrSelection}
   * enforces). Default: max(3, bytes the highest PCR needs).
   */
  readonly sizeofSelect?: number;
}

function writePcrSelection(w: TpmWriter, sels: readonly TpmsPcrSelectionInput[]): void {
  w.u32(sels.length);
  for (const s of sels) {
    // The same bound as readPcrSelection (TPM_MAX_PCR_SELECT), so whatever is encoded parses.
    const limit = s.sizeofSelect ?? TPM_MAX_PCR_SELECT;
    if (!Number.isInteger(limit) || limit < 0 || limit > TPM_MAX_PCR_SELECT) {
      throw new RangeError(
        `sizeofSelect must be an integer from 0 to ${TPM_MAX_PCR_SELECT}: ${limit}`,
      );
    }
    let max = -1;
    for (const p of s.pcrs) {
      if (!Number.isInteger(p) || p < 0 || p >= limit * 8) {
        throw new RangeError(
          `PCR ${p} does not fit a pcrSelect of ${limit} bytes (PCRs 0–${limit * 8 - 1})`,
        );
      }
      if (p > max) max = p;
    }
    const size = s.sizeofSelect ?? Math.max(3, Math.ceil((max + 1) / 8));
    const bitmap = new Uint8Array(size);
    for (const p of s.pcrs) bitmap[p >> 3]! |= 1 << (p & 7);
    w.u16(s.hashAlg).u8(size).bytes(bitmap);
  }
}

/**
 * Encodes a TPML_PCR_SELECTION (Part 2 §10.9.7).
 *
 * @param selections - banks and PCR indices, in the order they are to appear.
 * @returns the encoded list.
 * @throws {RangeError} for a `sizeofSelect` that is not an integer from 0 to 32, a PCR index that
 *   is not an integer or does not fit `sizeofSelect` (above 255 by default), or a hash id that is
 *   not a u16.
 * @example
 * ```ts
 * encodeTpmlPcrSelection([{ hashAlg: TPM_ALG.SHA256, pcrs: [0, 7] }])
 * ```
 */
export function encodeTpmlPcrSelection(selections: readonly TpmsPcrSelectionInput[]): Uint8Array {
  const w = new TpmWriter();
  writePcrSelection(w, selections);
  return w.done();
}

/** The attested body to encode: like {@link TpmsAttested}, quote selections as inputs. */
export type TpmsAttestedInput =
  // Every parsed body but the quote one, which takes the input form below.
  | Exclude<TpmsAttested, TpmsQuoteInfo>
  | {
      /** Selects TPMS_QUOTE_INFO (TPM_ST_ATTEST_QUOTE, 0x8018). */
      readonly type: 'quote';
      /** `pcrSelect`: banks and PCR indices, written as a TPML_PCR_SELECTION in this order. */
      readonly pcrSelect: readonly TpmsPcrSelectionInput[];
      /** `pcrDigest`, written as a TPM2B_DIGEST (not checked against `pcrSelect`). */
      readonly pcrDigest: Uint8Array;
    };

/** Fields of a TPMS_ATTEST to encode (`magic` defaults to TPM_GENERATED_VALUE). */
export interface TpmsAttestInput {
  /**
   * `magic`. Default TPM_GENERATED_VALUE (0xFF544347); another value only forges negative test
   * evidence.
   */
  readonly magic?: number;
  /** `qualifiedSigner`, written as a TPM2B_NAME (u16 size ‖ bytes). */
  readonly qualifiedSigner: Uint8Array;
  /** `extraData` (the verifier's nonce), written as a TPM2B_DATA. */
  readonly extraData: Uint8Array;
  /**
   * `clockInfo` (TPMS_CLOCK_INFO): clock u64, resetCount and restartCount u32, safe as one byte.
   */
  readonly clockInfo: TpmsClockInfo;
  /** `firmwareVersion` (u64; RangeError outside 0 … 2^64 − 1). */
  readonly firmwareVersion: bigint;
  /** `attested`; its `type` also sets the TPMS_ATTEST `type` (TPM_ST) written after `magic`. */
  readonly attested: TpmsAttestedInput;
}

const ST_BY_NAME: Readonly<Record<TpmAttestType, number>> = {
  nv: TPM_ST.ATTEST_NV,
  'command-audit': TPM_ST.ATTEST_COMMAND_AUDIT,
  'session-audit': TPM_ST.ATTEST_SESSION_AUDIT,
  certify: TPM_ST.ATTEST_CERTIFY,
  quote: TPM_ST.ATTEST_QUOTE,
  time: TPM_ST.ATTEST_TIME,
  creation: TPM_ST.ATTEST_CREATION,
  'nv-digest': TPM_ST.ATTEST_NV_DIGEST,
};

function writeClockInfo(w: TpmWriter, c: TpmsClockInfo): void {
  w.u64(c.clock)
    .u32(c.resetCount)
    .u32(c.restartCount)
    .u8(c.safe ? 1 : 0);
}

/**
 * Encodes a TPMS_ATTEST (Part 2 §10.12.12): the inverse of {@link parseTpmsAttest}. Used to build
 * test evidence and to re-marshal parsed structures.
 *
 * @param a - the fields; `type` comes from `attested.type`.
 * @returns the TPMS_ATTEST bytes.
 * @throws {RangeError} for integers or TPM2B sizes out of range, and for a quote `pcrSelect` that
 *   {@link encodeTpmlPcrSelection} rejects.
 * @example
 * ```ts
 * const bytes = encodeTpmsAttest(parseTpmsAttest(quoteMsg)); // round trip
 * ```
 */
export function encodeTpmsAttest(a: TpmsAttestInput): Uint8Array {
  const w = new TpmWriter()
    .u32(a.magic ?? TPM_GENERATED_VALUE)
    .u16(ST_BY_NAME[a.attested.type])
    .tpm2b(a.qualifiedSigner)
    .tpm2b(a.extraData);
  writeClockInfo(w, a.clockInfo);
  w.u64(a.firmwareVersion);
  const t = a.attested;
  switch (t.type) {
    case 'quote':
      writePcrSelection(w, t.pcrSelect);
      w.tpm2b(t.pcrDigest);
      break;
    case 'certify':
      w.tpm2b(t.name).tpm2b(t.qualifiedName);
      break;
    case 'creation':
      w.tpm2b(t.objectName).tpm2b(t.creationHash);
      break;
    case 'time':
      w.u64(t.time);
      writeClockInfo(w, t.clockInfo);
      w.u64(t.firmwareVersion);
      break;
    case 'nv':
      w.tpm2b(t.indexName).u16(t.offset).tpm2b(t.nvContents);
      break;
    case 'nv-digest':
      w.tpm2b(t.indexName).tpm2b(t.nvDigest);
      break;
    case 'command-audit':
      w.u64(t.auditCounter).u16(t.digestAlg).tpm2b(t.auditDigest).tpm2b(t.commandDigest);
      break;
    case 'session-audit':
      w.u8(t.exclusiveSession ? 1 : 0).tpm2b(t.sessionDigest);
      break;
  }
  return w.done();
}

/** A TPMT_SIGNATURE to encode (RSASSA / RSAPSS / ECDSA). */
export type TpmtSignatureInput =
  | {
      /** `sigAlg`: written as TPM_ALG_RSASSA (0x0014) or TPM_ALG_RSAPSS (0x0016). */
      readonly sigAlg: 'rsassa' | 'rsapss';
      /** `hash` TPM_ALG_ID (written as given, not checked). */
      readonly hashAlg: number;
      /** `sig`: the RSA signature, big-endian, written as a TPM2B_PUBLIC_KEY_RSA. */
      readonly sig: Uint8Array;
    }
  | {
      /** `sigAlg`: written as TPM_ALG_ECDSA (0x0018). */
      readonly sigAlg: 'ecdsa';
      /** `hash` TPM_ALG_ID (written as given, not checked). */
      readonly hashAlg: number;
      /** `signatureR`, unsigned big-endian, written as a TPM2B_ECC_PARAMETER. */
      readonly signatureR: Uint8Array;
      /** `signatureS`, unsigned big-endian, written as a TPM2B_ECC_PARAMETER. */
      readonly signatureS: Uint8Array;
    };

/**
 * Encodes a TPMT_SIGNATURE (Part 2 §11.3.4): the inverse of {@link parseTpmtSignature}.
 *
 * @param s - scheme, hash (TPM_ALG_ID) and signature value(s).
 * @returns the TPMT_SIGNATURE bytes.
 * @throws {RangeError} for integers or TPM2B sizes out of range.
 * @example
 * ```ts
 * encodeTpmtSignature({ sigAlg: 'rsassa', hashAlg: TPM_ALG.SHA256, sig })
 * ```
 */
export function encodeTpmtSignature(s: TpmtSignatureInput): Uint8Array {
  const w = new TpmWriter();
  if (s.sigAlg === 'ecdsa') {
    return w.u16(TPM_ALG.ECDSA).u16(s.hashAlg).tpm2b(s.signatureR).tpm2b(s.signatureS).done();
  }
  return w
    .u16(s.sigAlg === 'rsassa' ? TPM_ALG.RSASSA : TPM_ALG.RSAPSS)
    .u16(s.hashAlg)
    .tpm2b(s.sig)
    .done();
}

/** A TPMT_SYM_DEF_OBJECT to encode. */
export interface TpmtSymDefObjectInput {
  /** `algorithm` TPM_ALG_ID; TPM_ALG_NULL writes nothing more. */
  readonly algorithmId: number;
  /** `keyBits`, written only when `algorithmId` is not NULL. Default 0. */
  readonly keyBits?: number;
  /** `mode` TPM_ALG_ID, written only when `algorithmId` is not NULL. Default TPM_ALG_NULL. */
  readonly modeId?: number;
}

/** A scheme selector to encode. */
export interface TpmtSchemeInput {
  /** `scheme` TPM_ALG_ID; for NULL and RSAES nothing more is written. */
  readonly schemeId: number;
  /** `details.hashAlg` TPM_ALG_ID, written for every other scheme. Default TPM_ALG_NULL. */
  readonly hashAlg?: number;
  /** ECDAA `details.count`, written only when `schemeId` is ECDAA. Default 0. */
  readonly count?: number;
  /** XOR `details.kdf` TPM_ALG_ID, written only when `schemeId` is XOR. Default TPM_ALG_NULL. */
  readonly kdf?: number;
}

interface TpmtPublicInputBase {
  /** `nameAlg` TPM_ALG_ID (e.g. 0x000B for SHA-256). */
  readonly nameAlgId: number;
  /** TPMA_OBJECT value, or a decoded {@link TpmaObject}. */
  readonly objectAttributes: number | { readonly value: number };
  /** `authPolicy`, written as a TPM2B_DIGEST (empty for none). */
  readonly authPolicy: Uint8Array;
}

/** A TPMT_PUBLIC to encode; a parsed {@link TpmtPublic} satisfies it. */
export type TpmtPublicInput =
  | (TpmtPublicInputBase & {
      /** `type` TPM_ALG_RSA (0x0001). */
      readonly type: 'rsa';
      /** TPMS_RSA_PARMS. */
      readonly parameters: {
        /** `symmetric` (TPMT_SYM_DEF_OBJECT). */
        readonly symmetric: TpmtSymDefObjectInput;
        /** `scheme` (TPMT_RSA_SCHEME). */
        readonly scheme: TpmtSchemeInput;
        /** `keyBits`: modulus size in bits. */
        readonly keyBits: number;
        /** `exponent` (u32); 0 encodes the default 65537. */
        readonly exponent: number;
      };
      /** `unique.rsa`: the modulus, big-endian, written as a TPM2B_PUBLIC_KEY_RSA. */
      readonly unique: Uint8Array;
    })
  | (TpmtPublicInputBase & {
      /** `type` TPM_ALG_ECC (0x0023). */
      readonly type: 'ecc';
      /** TPMS_ECC_PARMS. */
      readonly parameters: {
        /** `symmetric` (TPMT_SYM_DEF_OBJECT). */
        readonly symmetric: TpmtSymDefObjectInput;
        /** `scheme` (TPMT_ECC_SCHEME). */
        readonly scheme: TpmtSchemeInput;
        /** `curveID` as TPM_ECC_CURVE. */
        readonly curveId: number;
        /** `kdf` (TPMT_KDF_SCHEME). */
        readonly kdf: TpmtSchemeInput;
      };
      /** `unique.ecc` (TPMS_ECC_POINT). */
      readonly unique: {
        /** `x`, big-endian, written as a TPM2B_ECC_PARAMETER exactly as given (no padding). */
        readonly x: Uint8Array;
        /** `y`, big-endian, written as a TPM2B_ECC_PARAMETER exactly as given (no padding). */
        readonly y: Uint8Array;
      };
    })
  | (TpmtPublicInputBase & {
      /** `type` TPM_ALG_KEYEDHASH (0x0008). */
      readonly type: 'keyedhash';
      /** TPMS_KEYEDHASH_PARMS. */
      readonly parameters: {
        /** `scheme` (TPMT_KEYEDHASH_SCHEME: HMAC, XOR or NULL). */
        readonly scheme: TpmtSchemeInput;
      };
      /** `unique.keyedHash`, written as a TPM2B_DIGEST. */
      readonly unique: Uint8Array;
    })
  | (TpmtPublicInputBase & {
      /** `type` TPM_ALG_SYMCIPHER (0x0025). */
      readonly type: 'symcipher';
      /** TPMS_SYMCIPHER_PARMS. */
      readonly parameters: {
        /** `sym` (TPMT_SYM_DEF_OBJECT). */
        readonly symmetric: TpmtSymDefObjectInput;
      };
      /** `unique.sym`, written as a TPM2B_DIGEST. */
      readonly unique: Uint8Array;
    });

function writeSym(w: TpmWriter, s: TpmtSymDefObjectInput): void {
  w.u16(s.algorithmId);
  if (s.algorithmId !== TPM_ALG.NULL) w.u16(s.keyBits ?? 0).u16(s.modeId ?? TPM_ALG.NULL);
}

function writeScheme(w: TpmWriter, s: TpmtSchemeInput): void {
  w.u16(s.schemeId);
  if (s.schemeId === TPM_ALG.NULL || s.schemeId === TPM_ALG.RSAES) return;
  w.u16(s.hashAlg ?? TPM_ALG.NULL);
  if (s.schemeId === TPM_ALG.ECDAA) w.u16(s.count ?? 0);
  if (s.schemeId === TPM_ALG.XOR) w.u16(s.kdf ?? TPM_ALG.NULL);
}

const TYPE_IDS = {
  rsa: TPM_ALG.RSA,
  ecc: TPM_ALG.ECC,
  keyedhash: TPM_ALG.KEYEDHASH,
  symcipher: TPM_ALG.SYMCIPHER,
} as const;

/**
 * Encodes a TPMT_PUBLIC (Part 2 §12.2.4): the inverse of {@link parseTpmtPublic}.
 *
 * @param p - the public area (a parsed {@link TpmtPublic} works).
 * @returns TPMT_PUBLIC bytes (wrap with {@link encodeTpm2b} for TPM2B_PUBLIC).
 * @throws {RangeError} for integers or TPM2B sizes out of range.
 * @example
 * ```ts
 * encodeTpmtPublic(parseTpmtPublic(bytes)) // equals bytes
 * ```
 */
export function encodeTpmtPublic(p: TpmtPublicInput): Uint8Array {
  const attrs =
    typeof p.objectAttributes === 'number' ? p.objectAttributes : p.objectAttributes.value;
  const w = new TpmWriter().u16(TYPE_IDS[p.type]).u16(p.nameAlgId).u32(attrs).tpm2b(p.authPolicy);
  switch (p.type) {
    case 'rsa':
      writeSym(w, p.parameters.symmetric);
      writeScheme(w, p.parameters.scheme);
      w.u16(p.parameters.keyBits).u32(p.parameters.exponent).tpm2b(p.unique);
      break;
    case 'ecc':
      writeSym(w, p.parameters.symmetric);
      writeScheme(w, p.parameters.scheme);
      w.u16(p.parameters.curveId);
      writeScheme(w, p.parameters.kdf);
      w.tpm2b(p.unique.x).tpm2b(p.unique.y);
      break;
    case 'keyedhash':
      writeScheme(w, p.parameters.scheme);
      w.tpm2b(p.unique);
      break;
    case 'symcipher':
      writeSym(w, p.parameters.symmetric);
      w.tpm2b(p.unique);
      break;
  }
  return w.done();
}
