/**
 * Encoder bounds (every TpmWriter integer write range-checked; PCR selections bounded like the
 * parser), TPMS_SYMCIPHER_PARMS.sym without TPM_ALG_NULL, the rev 1.83 TPMA_OBJECT bits 8–9, and
 * the shape of TpmsAttestedInput. No vectors needed: inputs are built here.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { expectAttestError } from '../support/errors.js';
import {
  decodeTpmaObject,
  encodeTpm2b,
  encodeTpmlPcrSelection,
  encodeTpmsAttest,
  encodeTpmtPublic,
  parseTpm2bPublic,
  parseTpmlPcrSelection,
  parseTpmsAttest,
  parseTpmtPublic,
  TPM_ALG,
  TPMA_OBJECT,
  type TpmsAttestedInput,
  type TpmsAttestInput,
  type TpmsCertifyInfo,
  type TpmsCommandAuditInfo,
  type TpmsCreationInfo,
  type TpmsNvCertifyInfo,
  type TpmsNvDigestCertifyInfo,
  type TpmsPcrSelectionInput,
  type TpmsSessionAuditInfo,
  type TpmsTimeAttestInfo,
  type TpmtPublicInput,
} from '../../src/tpm/index.js';

const quoteAttest = (pcrSelect: readonly TpmsPcrSelectionInput[]): TpmsAttestInput => ({
  qualifiedSigner: new Uint8Array(34),
  extraData: new Uint8Array(32),
  clockInfo: { clock: 1n, resetCount: 2, restartCount: 3, safe: true },
  firmwareVersion: 4n,
  attested: { type: 'quote', pcrSelect, pcrDigest: new Uint8Array(32) },
});

describe('TPML_PCR_SELECTION encoder bounds (same as the parser: sizeofSelect ≤ 32)', () => {
  it('a PCR above 255 is a RangeError, not a silently truncated sizeofSelect', () => {
    // Before: { pcrs: [2047] } wrote sizeofSelect 0 (256 & 0xff) then 256 bitmap bytes.
    for (const pcrs of [[2047], [256], [0, 300]]) {
      expect(() => encodeTpmlPcrSelection([{ hashAlg: TPM_ALG.SHA256, pcrs }])).toThrow(RangeError);
      expect(() => encodeTpmsAttest(quoteAttest([{ hashAlg: TPM_ALG.SHA256, pcrs }]))).toThrow(
        RangeError,
      );
    }
  });

  it('sizeofSelect outside 0–32 or not an integer is a RangeError', () => {
    // Before: sizeofSelect 300 wrote the byte 44 followed by 300 bitmap bytes.
    for (const sizeofSelect of [300, 256, 33, -1, 2.5, Number.NaN]) {
      expect(() =>
        encodeTpmlPcrSelection([{ hashAlg: TPM_ALG.SHA256, pcrs: [], sizeofSelect }]),
      ).toThrow(RangeError);
      expect(() =>
        encodeTpmsAttest(quoteAttest([{ hashAlg: TPM_ALG.SHA256, pcrs: [], sizeofSelect }])),
      ).toThrow(RangeError);
    }
  });

  it('a PCR that does not fit the given sizeofSelect, or is not an integer, is a RangeError', () => {
    const bad: TpmsPcrSelectionInput[] = [
      { hashAlg: TPM_ALG.SHA256, pcrs: [24], sizeofSelect: 3 },
      { hashAlg: TPM_ALG.SHA256, pcrs: [0], sizeofSelect: 0 },
      { hashAlg: TPM_ALG.SHA256, pcrs: [1.5] },
      { hashAlg: TPM_ALG.SHA256, pcrs: [-1] },
      { hashAlg: TPM_ALG.SHA256, pcrs: [Number.NaN] },
    ];
    for (const s of bad)
      expect(() => encodeTpmlPcrSelection([s]), JSON.stringify(s)).toThrow(RangeError);
  });

  it('the extremes that fit encode and parse back exactly', () => {
    const enc = encodeTpmlPcrSelection([
      { hashAlg: TPM_ALG.SHA256, pcrs: [255] },
      { hashAlg: TPM_ALG.SHA1, pcrs: [], sizeofSelect: 0 },
      { hashAlg: TPM_ALG.SHA384, pcrs: [0, 31], sizeofSelect: 32 },
    ]);
    const p = parseTpmlPcrSelection(enc);
    expect(p.map((s) => [s.sizeofSelect, s.pcrSelect.length, s.pcrs])).toEqual([
      [32, 32, [255]],
      [0, 0, []],
      [32, 32, [0, 31]],
    ]);
    // count 3, then (hash 2, sizeofSelect 1, bitmap) each
    expect(enc.length).toBe(4 + (3 + 32) + 3 + (3 + 32));
  });

  fcTest.prop([
    fc.integer({ min: 0, max: 32 }).chain((size) =>
      fc.record({
        size: fc.constant(size),
        pcrs: size === 0 ? fc.constant([]) : fc.uniqueArray(fc.nat({ max: size * 8 - 1 })),
      }),
    ),
  ])('any sizeofSelect 0–32 with PCRs inside it round-trips', ({ size, pcrs }) => {
    const enc = encodeTpmlPcrSelection([{ hashAlg: TPM_ALG.SHA256, pcrs, sizeofSelect: size }]);
    expect(enc[6]).toBe(size);
    expect(enc.length).toBe(4 + 3 + size);
    const [p] = parseTpmlPcrSelection(enc);
    expect(p!.sizeofSelect).toBe(size);
    expect(p!.pcrs).toEqual([...pcrs].sort((a, b) => a - b));
  });

  fcTest.prop([fc.integer({ min: 33, max: 100_000 })])(
    'any sizeofSelect above 32 is a RangeError',
    (sizeofSelect) => {
      expect(() =>
        encodeTpmlPcrSelection([{ hashAlg: TPM_ALG.SHA256, pcrs: [0], sizeofSelect }]),
      ).toThrow(RangeError);
    },
  );
});

describe('TPMS_ATTEST encoder: every integer write is range-checked', () => {
  const base = quoteAttest([{ hashAlg: TPM_ALG.SHA256, pcrs: [0] }]);
  const clock = base.clockInfo;

  it('round-trips the in-range base input', () => {
    expect(encodeTpmsAttest(parseTpmsAttest(encodeTpmsAttest(base)))).toEqual(
      encodeTpmsAttest(base),
    );
  });

  it('u16 / u32 / u64 out of range are RangeErrors', () => {
    const cases: TpmsAttestInput[] = [
      { ...base, magic: 2 ** 32 },
      { ...base, magic: -1 },
      { ...base, clockInfo: { ...clock, resetCount: 2 ** 32 } },
      { ...base, clockInfo: { ...clock, restartCount: 1.5 } },
      { ...base, clockInfo: { ...clock, clock: 2n ** 64n } },
      { ...base, firmwareVersion: -1n },
      {
        ...base,
        attested: {
          type: 'quote',
          pcrSelect: [{ hashAlg: 0x10000, pcrs: [] }],
          pcrDigest: new Uint8Array(0),
        },
      },
      {
        ...base,
        attested: {
          type: 'nv',
          indexName: new Uint8Array(0),
          offset: 0x10000,
          nvContents: new Uint8Array(0),
        },
      },
      {
        ...base,
        attested: {
          type: 'command-audit',
          auditCounter: 0n,
          digestAlg: -1,
          auditDigest: new Uint8Array(0),
          commandDigest: new Uint8Array(0),
        },
      },
      {
        ...base,
        attested: { type: 'time', time: 2n ** 64n, clockInfo: clock, firmwareVersion: 0n },
      },
      { ...base, extraData: new Uint8Array(0x10000) },
    ];
    for (const c of cases) expect(() => encodeTpmsAttest(c)).toThrow(RangeError);
  });

  it('a u64 given as a number is a TypeError (a programming error, not a value out of range)', () => {
    expect(() => encodeTpmsAttest({ ...base, firmwareVersion: 5 as unknown as bigint })).toThrow(
      TypeError,
    );
  });
});

/** A SYMCIPHER public area (TPMS_SYMCIPHER_PARMS.sym = `algorithmId`). */
function symcipher(algorithmId: number, authPolicy = new Uint8Array(0)): TpmtPublicInput {
  return {
    type: 'symcipher',
    nameAlgId: TPM_ALG.SHA256,
    objectAttributes: 0x00060072, // fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|decrypt|sign
    authPolicy,
    parameters: { symmetric: { algorithmId, keyBits: 128, modeId: TPM_ALG.CFB } },
    unique: new Uint8Array(32),
  };
}

describe('TPMS_SYMCIPHER_PARMS.sym is TPMT_SYM_DEF_OBJECT (no +): TPM_ALG_NULL is rejected', () => {
  it('a SYMCIPHER object with sym = AES-128-CFB parses and round-trips', () => {
    const bytes = encodeTpmtPublic(symcipher(TPM_ALG.AES));
    const p = parseTpmtPublic(bytes);
    expect(p.type).toBe('symcipher');
    if (p.type !== 'symcipher') throw new Error('type');
    expect(p.parameters.symmetric).toMatchObject({ algorithm: 'aes', keyBits: 128, mode: 'cfb' });
    expect(encodeTpmtPublic(p)).toEqual(bytes);
  });

  it('sym = TPM_ALG_NULL is ERR_BAD_VALUE at the sym.algorithm offset', () => {
    // type 2, nameAlg 2, objectAttributes 4, authPolicy 2 + size, then sym.algorithm
    expectAttestError(
      () => parseTpmtPublic(encodeTpmtPublic(symcipher(TPM_ALG.NULL))),
      'ERR_BAD_VALUE',
      10,
    );
    const policy = new Uint8Array(32).fill(9);
    const withPolicy = encodeTpmtPublic(symcipher(TPM_ALG.NULL, policy));
    const e = expectAttestError(() => parseTpmtPublic(withPolicy), 'ERR_BAD_VALUE', 10 + 32);
    expect(e.field).toBe('TPMT_PUBLIC.parameters.symDetail.sym.algorithm');
    // inside TPM2B_PUBLIC the offset is absolute (+2 for the size)
    expectAttestError(() => parseTpm2bPublic(encodeTpm2b(withPolicy)), 'ERR_BAD_VALUE', 12 + 32);
  });

  it('RSA and ECC keys keep TPMT_SYM_DEF_OBJECT+ (NULL for non-restricted-decryption keys)', () => {
    const common = {
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: 0x00050072,
      authPolicy: new Uint8Array(0),
    };
    const rsa = parseTpmtPublic(
      encodeTpmtPublic({
        ...common,
        type: 'rsa',
        parameters: {
          symmetric: { algorithmId: TPM_ALG.NULL },
          scheme: { schemeId: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 },
          keyBits: 2048,
          exponent: 0,
        },
        unique: new Uint8Array(256).fill(1),
      }),
    );
    const ecc = parseTpmtPublic(
      encodeTpmtPublic({
        ...common,
        type: 'ecc',
        parameters: {
          symmetric: { algorithmId: TPM_ALG.NULL },
          scheme: { schemeId: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
          curveId: 0x0003,
          kdf: { schemeId: TPM_ALG.NULL },
        },
        unique: { x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(2) },
      }),
    );
    for (const p of [rsa, ecc]) {
      if (p.type !== 'rsa' && p.type !== 'ecc') throw new Error('type');
      expect(p.parameters.symmetric).toEqual({ algorithm: 'null', algorithmId: TPM_ALG.NULL });
    }
  });
});

describe('TPMA_OBJECT: rev 1.83 attribute set', () => {
  const ak = (attributes: number): Uint8Array =>
    encodeTpmtPublic({
      type: 'ecc',
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: attributes,
      authPolicy: new Uint8Array(0),
      parameters: {
        symmetric: { algorithmId: TPM_ALG.NULL },
        scheme: { schemeId: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
        curveId: 0x0003,
        kdf: { schemeId: TPM_ALG.NULL },
      },
      unique: { x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(2) },
    });

  it('bits 8 firmwareLimited and 9 svnLimited are accepted and decoded as named flags', () => {
    expect(TPMA_OBJECT.firmwareLimited).toBe(0x100);
    expect(TPMA_OBJECT.svnLimited).toBe(0x200);
    const p = parseTpmtPublic(ak(0x00050072 | 0x100 | 0x200));
    expect(p.objectAttributes.firmwareLimited).toBe(true);
    expect(p.objectAttributes.svnLimited).toBe(true);
    expect(p.objectAttributes.names).toEqual([
      'fixedTPM',
      'fixedParent',
      'sensitiveDataOrigin',
      'userWithAuth',
      'firmwareLimited',
      'svnLimited',
      'restricted',
      'sign',
    ]);
    const only8 = decodeTpmaObject(0x100);
    expect([only8.firmwareLimited, only8.svnLimited, only8.names]).toEqual([
      true,
      false,
      ['firmwareLimited'],
    ]);
    const only9 = decodeTpmaObject(0x200);
    expect([only9.firmwareLimited, only9.svnLimited, only9.names]).toEqual([
      false,
      true,
      ['svnLimited'],
    ]);
    const plain = parseTpmtPublic(ak(0x00050072)).objectAttributes;
    expect([plain.firmwareLimited, plain.svnLimited]).toEqual([false, false]);
  });

  it('every bit that is still reserved (0, 3, 12–15, 20–31) is ERR_RESERVED_NOT_ZERO at offset 4', () => {
    const reserved = [0, 3, 12, 13, 14, 15, ...Array.from({ length: 12 }, (_, i) => 20 + i)];
    for (const bit of reserved) {
      expectAttestError(
        () => parseTpmtPublic(ak((0x00050072 | (1 << bit)) >>> 0)),
        'ERR_RESERVED_NOT_ZERO',
        4,
      );
    }
    const named = Object.values(TPMA_OBJECT).reduce((a, b) => a | b, 0);
    for (let bit = 0; bit < 32; bit++) {
      const set = ((1 << bit) >>> 0) & named;
      expect(reserved.includes(bit), `bit ${bit}`).toBe(set === 0);
    }
  });
});

describe('TpmsAttestedInput', () => {
  it('is every parsed attested body except the quote one, plus the quote input form', () => {
    expectTypeOf<Exclude<TpmsAttestedInput, { type: 'quote' }>>().toEqualTypeOf<
      | TpmsCertifyInfo
      | TpmsCreationInfo
      | TpmsTimeAttestInfo
      | TpmsNvCertifyInfo
      | TpmsNvDigestCertifyInfo
      | TpmsCommandAuditInfo
      | TpmsSessionAuditInfo
    >();
    expectTypeOf<Extract<TpmsAttestedInput, { type: 'quote' }>>().toEqualTypeOf<{
      readonly type: 'quote';
      readonly pcrSelect: readonly TpmsPcrSelectionInput[];
      readonly pcrDigest: Uint8Array;
    }>();
  });
});
