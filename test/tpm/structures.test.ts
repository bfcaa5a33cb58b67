/** TPM structure parsers and encoders against real vectors, error offsets and properties. */
import type { Json } from './support/tpm-vectors.js';
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describeVectors, hex } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import {
  AttestError,
  encodeTpm2b,
  encodeTpmlPcrSelection,
  encodeTpmsAttest,
  encodeTpmtPublic,
  encodeTpmtSignature,
  parseTpm2bPublic,
  parseTpmlPcrSelection,
  parseTpmPublic,
  parseTpmsAttest,
  parseTpmsCreationData,
  parseTpmtPublic,
  parseTpmtSignature,
  TPM_ALG,
  tpmName,
  type TpmsAttest,
  type TpmtPublic,
  type TpmtPublicInput,
} from '../../src/tpm/index.js';
import { digest } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import { concatBytes } from '../../src/core/bytes.js';
import {
  azureQuotes,
  realExpected,
  realFile,
  swtpmFile,
  swtpmManifest,
} from './support/tpm-vectors.js';

/** Compares a parsed TPMS_ATTEST with the vectors' JSON description of it. */
function expectAttestMatches(a: TpmsAttest, e: Json): void {
  expect(`0x${a.magic.toString(16)}`).toBe(e.magic);
  expect(`0x${a.typeId.toString(16)}`).toBe(e.typeId);
  expect(toHex(a.qualifiedSigner)).toBe(e.qualifiedSigner);
  expect(toHex(a.extraData)).toBe(e.extraData);
  expect(a.clockInfo.clock).toBe(BigInt(e.clockInfo.clock));
  expect(a.clockInfo.resetCount).toBe(e.clockInfo.resetCount);
  expect(a.clockInfo.restartCount).toBe(e.clockInfo.restartCount);
  expect(a.clockInfo.safe).toBe(e.clockInfo.safe === 1);
  expect(a.firmwareVersion).toBe(BigInt(e.firmwareVersion));
  const t = a.attested;
  if (t.type === 'quote') {
    expect(toHex(t.pcrDigest)).toBe(e.attested.pcrDigest);
    expect(
      t.pcrSelect.map((s) => ({
        hash: s.hash,
        hashId: s.hashAlg,
        sizeofSelect: s.sizeofSelect,
        pcrSelect: toHex(s.pcrSelect),
        pcrs: s.pcrs,
      })),
    ).toEqual(e.attested.pcrSelect);
  } else if (t.type === 'certify') {
    expect(toHex(t.name)).toBe(e.attested.name);
    expect(toHex(t.qualifiedName)).toBe(e.attested.qualifiedName);
  }
}

/** Every TPMS_ATTEST vector with its expectation. */
function attestVectors(): { name: string; bytes: Uint8Array; expected: Json }[] {
  const out: { name: string; bytes: Uint8Array; expected: Json }[] = [];
  const m = swtpmManifest();
  for (const [name, c] of Object.entries<Json>(m.cases)) {
    if (c.kind === 'quote')
      out.push({ name, bytes: swtpmFile(c.files.quote_msg_TPMS_ATTEST), expected: c.attest });
    if (c.kind === 'certify')
      out.push({ name, bytes: swtpmFile(c.files.attest_TPMS_ATTEST), expected: c.attest });
  }
  const e = realExpected();
  const w = e['go-attestation/windows_gcp_shielded_vm'];
  out.push({ name: 'windows quote', bytes: realFile(w.files.quote), expected: w.attest });
  for (const k of ['go-tpm-tools/gce-cos-85-no-nonce', 'go-tpm-tools/gce-cos-85-nonce9009']) {
    for (const q of e[k].quotes)
      out.push({ name: `${k} ${q.bank}`, bytes: realFile(q.quote), expected: q.attest });
  }
  out.push({
    name: 'keylime',
    bytes: realFile('keylime/quote.out'),
    expected: e['keylime/tpm2-tools-files'].attest,
  });
  return out;
}

describeVectors('TPMS_ATTEST: real vectors', () => {
  for (const v of attestVectors()) {
    it(`${v.name}: fields and round trip`, () => {
      const a = parseTpmsAttest(v.bytes);
      expectAttestMatches(a, v.expected);
      expect(a.raw).toEqual(v.bytes);
      expect(encodeTpmsAttest(a)).toEqual(v.bytes);
    });
  }

  it('Azure vTPM quotes parse to the documented fields', () => {
    for (const q of azureQuotes()) {
      const a = parseTpmsAttest(q.attest);
      const e = q.expected.attest;
      expect(toHex(a.qualifiedSigner)).toBe(e.qualified_signer);
      expect(toHex(a.extraData)).toBe(e.extra_data);
      expect(a.clockInfo.resetCount).toBe(e.reset_count);
      expect(a.attested.type).toBe('quote');
      if (a.attested.type === 'quote') {
        expect(toHex(a.attested.pcrDigest)).toBe(e.pcr_digest);
        expect(a.attested.pcrSelect.map((s) => s.pcrs)).toEqual(
          e.pcr_select.map((s: Json) => s.pcrs),
        );
      }
    }
  });

  it('Windows TPM_ST_ATTEST_CREATION and its TPMS_CREATION_DATA', () => {
    const w = realExpected()['go-attestation/windows_gcp_shielded_vm'];
    const a = parseTpmsAttest(realFile(w.files.creation_attest));
    expect(a.type).toBe('creation');
    if (a.attested.type !== 'creation') throw new Error('type');
    expect(toHex(a.attested.objectName)).toBe(w.ak_name);
    const cd = realFile(w.files.creation_data);
    expect(a.attested.creationHash).toEqual(digest('sha256', cd));
    const parsed = parseTpmsCreationData(cd);
    expect(parsed.raw).toEqual(cd);
    expect(parsed.locality).toBe(1);
    expect(parsed.parentNameAlg).toBe(TPM_ALG.SHA256);
    expect(parsed.parentName).toHaveLength(34);
    expect(encodeTpmsAttest(a)).toEqual(realFile(w.files.creation_attest));
  });

  it('truncation at every length throws ERR_TRUNCATED (or ERR_BAD_LENGTH for a count) before the cut', () => {
    for (const v of attestVectors()) {
      for (let n = 0; n < v.bytes.length; n++) {
        let err: unknown;
        try {
          parseTpmsAttest(v.bytes.slice(0, n));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(AttestError);
        const a = err as AttestError;
        expect(['ERR_TRUNCATED', 'ERR_BAD_LENGTH']).toContain(a.code);
        if (a.code === 'ERR_BAD_LENGTH') expect(a.field).toMatch(/pcrSelect\.count$/);
        expect(a.offset).toBeLessThanOrEqual(n);
      }
    }
  });

  it('truncation at field boundaries reports the field offset', () => {
    const q = swtpmFile(swtpmManifest().cases.quote_rsassa_multibank.files.quote_msg_TPMS_ATTEST);
    expectAttestError(() => parseTpmsAttest(q.slice(0, 3)), 'ERR_TRUNCATED', 0); // magic
    expectAttestError(() => parseTpmsAttest(q.slice(0, 5)), 'ERR_TRUNCATED', 4); // type
    expectAttestError(() => parseTpmsAttest(q.slice(0, 7)), 'ERR_TRUNCATED', 6); // qualifiedSigner.size
    expectAttestError(() => parseTpmsAttest(q.slice(0, 10)), 'ERR_TRUNCATED', 8); // qualifiedSigner body
    const afterQs = 8 + 34;
    expectAttestError(() => parseTpmsAttest(q.slice(0, afterQs + 1)), 'ERR_TRUNCATED', afterQs);
    const clockAt = afterQs + 2 + 32;
    expectAttestError(() => parseTpmsAttest(q.slice(0, clockAt + 7)), 'ERR_TRUNCATED', clockAt);
    expectAttestError(
      () => parseTpmsAttest(q.slice(0, clockAt + 16)),
      'ERR_TRUNCATED',
      clockAt + 16,
    ); // safe
    const fwAt = clockAt + 17;
    expectAttestError(() => parseTpmsAttest(q.slice(0, fwAt + 4)), 'ERR_TRUNCATED', fwAt);
    expectAttestError(() => parseTpmsAttest(q.slice(0, fwAt + 10)), 'ERR_TRUNCATED', fwAt + 8); // count
  });

  it('magic, type, YES/NO, trailing data and bounds', () => {
    const q = swtpmFile(swtpmManifest().cases.quote_rsassa_multibank.files.quote_msg_TPMS_ATTEST);
    const bad = q.slice();
    bad[0] = 0xfe;
    expectAttestError(() => parseTpmsAttest(bad), 'ERR_BAD_MAGIC', 0);
    const type = q.slice();
    type[5] = 0x13; // 0x8013 is not an attestation type
    expectAttestError(() => parseTpmsAttest(type), 'ERR_BAD_VALUE', 4);
    const clockAt = 8 + 34 + 2 + 32;
    const safe = q.slice();
    safe[clockAt + 16] = 2;
    expectAttestError(() => parseTpmsAttest(safe), 'ERR_BAD_VALUE', clockAt + 16);
    const trailing = new Uint8Array(q.length + 1);
    trailing.set(q);
    expectAttestError(() => parseTpmsAttest(trailing), 'ERR_TRAILING_DATA', q.length);
    const bigName = q.slice();
    bigName[6] = 0x00;
    bigName[7] = 67; // TPM2B_NAME over sizeof(TPMU_NAME)
    expectAttestError(() => parseTpmsAttest(bigName), 'ERR_BAD_LENGTH', 6);
    const countAt = clockAt + 17 + 8;
    const count = q.slice();
    new DataView(count.buffer).setUint32(countAt, 0xffffffff);
    expectAttestError(() => parseTpmsAttest(count), 'ERR_BAD_LENGTH', countAt);
    const count17 = q.slice();
    new DataView(count17.buffer).setUint32(countAt, 17);
    expectAttestError(() => parseTpmsAttest(count17), 'ERR_BAD_LENGTH', countAt);
    const bank = q.slice();
    bank[countAt + 4] = 0x00;
    bank[countAt + 5] = 0x06; // AES is not a hash
    expectAttestError(() => parseTpmsAttest(bank), 'ERR_BAD_VALUE', countAt + 4);
    const sizeof = q.slice();
    sizeof[countAt + 6] = 33;
    expectAttestError(() => parseTpmsAttest(sizeof), 'ERR_BAD_LENGTH', countAt + 6);
  });
});

describeVectors('TPMT_PUBLIC: every swtpm key, Windows, GCE and keylime', () => {
  const m = swtpmManifest();
  for (const [name, k] of Object.entries<Json>(m.keys)) {
    if (k.files === undefined) continue;
    it(`${name}: fields, TPM2B detection and round trip`, () => {
      const tpmt = swtpmFile(k.files.tpmt_public);
      const tpm2b = swtpmFile(k.files.tpm2b_public);
      const p = parseTpmtPublic(tpmt);
      expect(parseTpm2bPublic(tpm2b)).toEqual(p);
      expect(parseTpmPublic(tpm2b)).toEqual(p);
      expect(parseTpmPublic(tpmt)).toEqual(p);
      expect(encodeTpmtPublic(p)).toEqual(tpmt);
      expect(encodeTpm2b(encodeTpmtPublic(p))).toEqual(tpm2b);
      expectPublicMatches(p, k.public);
    });
  }

  it('Windows AK (noDA, RSASSA-SHA1, exponent 0)', () => {
    const w = realExpected()['go-attestation/windows_gcp_shielded_vm'];
    const p = parseTpmtPublic(realFile(w.files.ak_tpmt_public));
    expectPublicMatches(p, w.ak_public);
  });

  it('keylime ek.pub / ak.pub (TPM2B_PUBLIC files)', () => {
    const ek = parseTpmPublic(realFile('keylime/ek.pub'));
    expect(ek.objectAttributes.value).toBe(0x000300b2);
    const ak = parseTpmPublic(realFile('keylime/ak.pub'));
    expect(ak.objectAttributes.restricted && ak.objectAttributes.sign).toBe(true);
  });

  it('errors carry the offset of the bad field', () => {
    const tpmt = swtpmFile(m.keys.ak_eccp256_ecdsa_sha256.files.tpmt_public);
    const reserved = tpmt.slice();
    reserved[7]! |= 0x01; // bit 0 of objectAttributes
    expectAttestError(() => parseTpmtPublic(reserved), 'ERR_RESERVED_NOT_ZERO', 4);
    const type = tpmt.slice();
    type[1] = 0x02;
    expectAttestError(() => parseTpmtPublic(type), 'ERR_UNSUPPORTED', 0);
    const nameAlg = tpmt.slice();
    nameAlg[3] = 0x06;
    expectAttestError(() => parseTpmtPublic(nameAlg), 'ERR_BAD_VALUE', 2);
    // ECC: type2 nameAlg2 attrs4 authPolicy(2+0) sym2 scheme(2+2) curve2
    const curveAt = 2 + 2 + 4 + 2 + 2 + 4;
    const curve = tpmt.slice();
    curve[curveAt + 1] = 0x09;
    expectAttestError(() => parseTpmtPublic(curve), 'ERR_UNSUPPORTED', curveAt);
    const scheme = tpmt.slice();
    scheme[12 + 1] = 0x14; // RSASSA in an ECC scheme
    expectAttestError(() => parseTpmtPublic(scheme), 'ERR_BAD_VALUE', 12);
    const sym = tpmt.slice();
    sym[11] = 0x05; // HMAC as a block cipher
    expectAttestError(() => parseTpmtPublic(sym), 'ERR_BAD_VALUE', 10);
    const trailing = new Uint8Array(tpmt.length + 1);
    trailing.set(tpmt);
    expectAttestError(() => parseTpmtPublic(trailing), 'ERR_TRAILING_DATA', tpmt.length);
    const tpm2b = swtpmFile(m.keys.ak_eccp256_ecdsa_sha256.files.tpm2b_public);
    expectAttestError(() => parseTpm2bPublic(tpm2b.slice(0, -1)), 'ERR_TRUNCATED', 2);
    for (let n = 0; n < tpmt.length; n++) {
      const e = expectAttestError(() => parseTpmtPublic(tpmt.slice(0, n)), 'ERR_TRUNCATED');
      expect(e.offset).toBeLessThanOrEqual(n);
    }
  });
});

/** A SYNTHETIC KEYEDHASH public area (an HMAC key, an XOR key or a sealed data object). */
function keyedHash(
  scheme: { schemeId: number; hashAlg?: number; kdf?: number },
  nameAlgId: number = TPM_ALG.SHA256,
  unique: Uint8Array = new Uint8Array(32).fill(0xab),
  authPolicy: Uint8Array = new Uint8Array(0),
): TpmtPublicInput {
  return {
    type: 'keyedhash',
    nameAlgId,
    // fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | sign (an HMAC key)
    objectAttributes: 0x00040072,
    authPolicy,
    parameters: { scheme },
    unique,
  };
}

describe('TPMT_PUBLIC: KEYEDHASH objects (SYNTHETIC, built by encodeTpmtPublic)', () => {
  const unique = 'ab'.repeat(32);
  // type | nameAlg | objectAttributes | authPolicy (empty) | scheme… | unique (TPM2B, 32 bytes)
  const head = '0008' + '000b' + '00040072' + '0000';
  const cases = [
    {
      name: 'HMAC-SHA256 key',
      input: keyedHash({ schemeId: TPM_ALG.HMAC, hashAlg: TPM_ALG.SHA256 }),
      wire: head + '0005' + '000b' + '0020' + unique,
      scheme: { scheme: 'hmac', schemeId: TPM_ALG.HMAC, hash: 'sha256', hashAlg: TPM_ALG.SHA256 },
    },
    {
      name: 'XOR-SHA256 key with KDF1_SP800_108',
      input: keyedHash({
        schemeId: TPM_ALG.XOR,
        hashAlg: TPM_ALG.SHA256,
        kdf: TPM_ALG.KDF1_SP800_108,
      }),
      wire: head + '000a' + '000b' + '0022' + '0020' + unique,
      scheme: {
        scheme: 'xor',
        schemeId: TPM_ALG.XOR,
        hash: 'sha256',
        hashAlg: TPM_ALG.SHA256,
        kdf: TPM_ALG.KDF1_SP800_108,
      },
    },
    {
      name: 'sealed data object (scheme NULL)',
      input: keyedHash({ schemeId: TPM_ALG.NULL }),
      wire: head + '0010' + '0020' + unique,
      scheme: { scheme: 'null', schemeId: TPM_ALG.NULL },
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: the spec layout, parse, round trip, TPM2B form and Name`, () => {
      const bytes = encodeTpmtPublic(c.input);
      expect(toHex(bytes)).toBe(c.wire);
      const p = parseTpmtPublic(bytes);
      expect(p.type).toBe('keyedhash');
      if (p.type !== 'keyedhash') throw new Error('type');
      expect(p.typeId).toBe(TPM_ALG.KEYEDHASH);
      expect(p.nameAlg).toBe('sha256');
      expect(p.objectAttributes.names).toEqual([
        'fixedTPM',
        'fixedParent',
        'sensitiveDataOrigin',
        'userWithAuth',
        'sign',
      ]);
      expect(p.parameters.scheme).toEqual(c.scheme);
      expect(toHex(p.unique)).toBe(unique);
      expect(p.raw).toEqual(bytes);
      expect(encodeTpmtPublic(p)).toEqual(bytes);
      const tpm2b = encodeTpm2b(bytes);
      expect(parseTpm2bPublic(tpm2b)).toEqual(p);
      expect(parseTpmPublic(tpm2b)).toEqual(p);
      expect(parseTpmPublic(bytes)).toEqual(p);
      // Name = nameAlg ‖ H_nameAlg(TPMT_PUBLIC), the same from either form.
      const name = concatBytes(Uint8Array.of(0x00, 0x0b), digest('sha256', bytes));
      expect(tpmName(bytes)).toEqual(name);
      expect(tpmName(tpm2b)).toEqual(name);
      expect(tpmName(p)).toEqual(name);
    });
  }

  it('the Name follows nameAlg (a SHA-384 sealed object) and covers authPolicy', () => {
    const policy = new Uint8Array(48).fill(0x5a);
    const bytes = encodeTpmtPublic(
      keyedHash({ schemeId: TPM_ALG.NULL }, TPM_ALG.SHA384, new Uint8Array(48), policy),
    );
    const name = tpmName(bytes);
    expect(name).toEqual(concatBytes(Uint8Array.of(0x00, 0x0c), digest('sha384', bytes)));
    const other = encodeTpmtPublic(
      keyedHash({ schemeId: TPM_ALG.NULL }, TPM_ALG.SHA384, new Uint8Array(48)),
    );
    expect(tpmName(other)).not.toEqual(name);
  });

  it('a scheme other than HMAC, XOR or NULL, a short XOR and an oversized unique fail at their offset', () => {
    // type 2, nameAlg 2, objectAttributes 4, authPolicy 2 (empty): the scheme is at 10.
    expectAttestError(
      () =>
        parseTpmtPublic(
          encodeTpmtPublic(keyedHash({ schemeId: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 })),
        ),
      'ERR_BAD_VALUE',
      10,
    );
    expectAttestError(
      () =>
        parseTpmtPublic(
          encodeTpmtPublic(keyedHash({ schemeId: TPM_ALG.HMAC, hashAlg: TPM_ALG.AES })),
        ),
      'ERR_BAD_VALUE',
      12,
    );
    // XOR without its kdf: scheme 10, hashAlg 12, kdf 14 is cut off.
    const xor = hex(head + '000a' + '000b');
    expectAttestError(() => parseTpmtPublic(xor), 'ERR_TRUNCATED', 14);
    // unique is a TPM2B_DIGEST: at most 64 bytes (sizeof(TPMU_HA)).
    const big = encodeTpmtPublic(
      keyedHash({ schemeId: TPM_ALG.NULL }, TPM_ALG.SHA256, new Uint8Array(65)),
    );
    expectAttestError(() => parseTpmtPublic(big), 'ERR_BAD_LENGTH', 12);
  });

  fcTest.prop([
    fc.oneof(
      fc.constant({ schemeId: TPM_ALG.NULL }),
      fc.record({
        schemeId: fc.constant(TPM_ALG.HMAC),
        hashAlg: fc.constantFrom(TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512),
      }),
      fc.record({
        schemeId: fc.constant(TPM_ALG.XOR),
        hashAlg: fc.constantFrom(TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512),
        kdf: fc.constantFrom(TPM_ALG.KDF1_SP800_108, TPM_ALG.KDF1_SP800_56A, TPM_ALG.NULL),
      }),
    ),
    fc.constantFrom(TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512),
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ maxLength: 64 }),
  ])(
    'encode → parse → encode is the identity for any KEYEDHASH area',
    (scheme, nameAlgId, u, ap) => {
      const bytes = encodeTpmtPublic(keyedHash(scheme, nameAlgId, u, ap));
      const p = parseTpmtPublic(bytes);
      if (p.type !== 'keyedhash') throw new Error('type');
      expect(p.parameters.scheme.schemeId).toBe(scheme.schemeId);
      expect(p.unique).toEqual(u);
      expect(p.authPolicy).toEqual(ap);
      expect(encodeTpmtPublic(p)).toEqual(bytes);
      expect(tpmName(bytes).subarray(0, 2)).toEqual(
        Uint8Array.of(nameAlgId >> 8, nameAlgId & 0xff),
      );
    },
  );
});

function expectPublicMatches(p: TpmtPublic, e: Json): void {
  expect(p.type).toBe(e.type);
  expect(p.nameAlg).toBe(e.nameAlg);
  expect(`0x${p.objectAttributes.value.toString(16).padStart(8, '0')}`).toBe(e.objectAttributes);
  expect(p.objectAttributes.names).toEqual(e.objectAttributeNames);
  expect(toHex(p.authPolicy)).toBe(e.authPolicy);
  if (p.type !== 'rsa' && p.type !== 'ecc') throw new Error('unexpected type');
  const sym = p.parameters.symmetric;
  expect(
    sym.algorithm === 'null' ? null : { alg: sym.algorithm, keyBits: sym.keyBits, mode: sym.mode },
  ).toEqual(e.symmetric);
  const sc = p.parameters.scheme;
  expect(sc.scheme === 'null' ? { alg: 'null' } : { alg: sc.scheme, hash: sc.hash }).toEqual(
    e.scheme,
  );
  if (p.type === 'rsa') {
    expect(p.parameters.keyBits).toBe(e.keyBits);
    expect(p.parameters.exponent).toBe(e.exponent);
    expect(toHex(p.unique)).toBe(e.modulus);
  } else {
    expect(p.parameters.curve).toBe(e.curve);
    expect({ alg: p.parameters.kdf.scheme }).toEqual(e.kdf);
    expect(toHex(p.unique.x)).toBe(e.x);
    expect(toHex(p.unique.y)).toBe(e.y);
  }
}

describeVectors('TPMT_SIGNATURE', () => {
  const m = swtpmManifest();
  const sigs: { name: string; bytes: Uint8Array; scheme: string; hash: string }[] = [];
  for (const [name, c] of Object.entries<Json>(m.cases)) {
    if (c.kind === 'quote') {
      sigs.push({
        name,
        bytes: swtpmFile(c.files.signature_TPMT_SIGNATURE),
        scheme: c.signature_scheme,
        hash: c.sign_hash,
      });
    }
  }
  for (const s of sigs) {
    it(`${s.name}: ${s.scheme}/${s.hash} and round trip`, () => {
      const p = parseTpmtSignature(s.bytes);
      expect(p.sigAlg).toBe(s.scheme);
      expect(p.hash).toBe(s.hash);
      expect(p.raw).toEqual(s.bytes);
      expect(encodeTpmtSignature(p)).toEqual(s.bytes);
      for (let n = 0; n < s.bytes.length; n++) {
        const e = expectAttestError(() => parseTpmtSignature(s.bytes.slice(0, n)), 'ERR_TRUNCATED');
        expect(e.offset).toBeLessThanOrEqual(n);
      }
    });
  }

  it('other schemes are typed ERR_UNSUPPORTED at offset 0', () => {
    for (const alg of [
      TPM_ALG.ECDAA,
      TPM_ALG.SM2,
      TPM_ALG.ECSCHNORR,
      TPM_ALG.HMAC,
      TPM_ALG.NULL,
      0x7777,
    ]) {
      const b = Uint8Array.of(alg >> 8, alg & 0xff, 0, 0x0b, 0, 1, 1, 0, 1, 1);
      expectAttestError(() => parseTpmtSignature(b), 'ERR_UNSUPPORTED', 0);
    }
    expectAttestError(
      () => parseTpmtSignature(Uint8Array.of(0, 0x14, 0, 0x06, 0, 0)),
      'ERR_BAD_VALUE',
      2,
    );
    expectAttestError(
      () => parseTpmtSignature(Uint8Array.of(0, 0x14, 0, 0x0b, 0x04, 0x01)),
      'ERR_BAD_LENGTH',
      4,
    );
    expectAttestError(
      () => parseTpmtSignature(Uint8Array.of(0, 0x14, 0, 0x0b, 0, 1, 9, 9)),
      'ERR_TRAILING_DATA',
      7,
    );
  });
});

describe('TPML_PCR_SELECTION', () => {
  it('parses the spec-note example (sha1 {0,7} + sha256 0-10)', () => {
    const s = parseTpmlPcrSelection(hex('00000002000403810000000b03ff0700'));
    expect(s.map((x) => [x.hash, x.pcrs])).toEqual([
      ['sha1', [0, 7]],
      ['sha256', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ]);
    expect(encodeTpmlPcrSelection(s)).toEqual(hex('00000002000403810000000b03ff0700'));
  });

  it('keeps duplicate banks and wide bitmaps; bounds counts before allocating', () => {
    const s = parseTpmlPcrSelection(
      encodeTpmlPcrSelection([
        { hashAlg: TPM_ALG.SHA256, pcrs: [1] },
        { hashAlg: TPM_ALG.SHA256, pcrs: [1, 30], sizeofSelect: 4 },
      ]),
    );
    expect(s.map((x) => x.pcrs)).toEqual([[1], [1, 30]]);
    expectAttestError(() => parseTpmlPcrSelection(hex('7fffffff')), 'ERR_BAD_LENGTH', 0);
    expectAttestError(
      () => parseTpmlPcrSelection(hex('00000003000b03ff0000')),
      'ERR_BAD_LENGTH',
      0,
    );
    expectAttestError(
      () => parseTpmlPcrSelection(hex('00000002000b03ff0000')),
      'ERR_TRUNCATED',
      10,
    );
    expectAttestError(
      () => parseTpmlPcrSelection(hex('00000001000b03ff0000ff')),
      'ERR_TRAILING_DATA',
      10,
    );
  });

  fcTest.prop([
    fc.array(
      fc.record({
        hashAlg: fc.constantFrom(TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512),
        pcrs: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 24 }),
      }),
      { maxLength: 6 },
    ),
  ])('encode then parse gives the selection back', (sels) => {
    const parsed = parseTpmlPcrSelection(encodeTpmlPcrSelection(sels));
    expect(parsed.map((p) => ({ hashAlg: p.hashAlg, pcrs: p.pcrs }))).toEqual(
      sels.map((s) => ({ hashAlg: s.hashAlg, pcrs: [...s.pcrs].sort((a, b) => a - b) })),
    );
  });
});

describe('TPMS_ATTEST properties', () => {
  const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
  const clock = fc.record({
    clock: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    resetCount: fc.nat({ max: 0xffffffff }),
    restartCount: fc.nat({ max: 0xffffffff }),
    safe: fc.boolean(),
  });
  const attested = fc.oneof(
    fc.record({ type: fc.constant('certify' as const), name: bytes(66), qualifiedName: bytes(66) }),
    fc.record({
      type: fc.constant('creation' as const),
      objectName: bytes(66),
      creationHash: bytes(64),
    }),
    fc.record({
      type: fc.constant('time' as const),
      time: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      clockInfo: clock,
      firmwareVersion: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    }),
    fc.record({
      type: fc.constant('nv' as const),
      indexName: bytes(66),
      offset: fc.nat({ max: 0xffff }),
      nvContents: bytes(200),
    }),
    fc.record({
      type: fc.constant('nv-digest' as const),
      indexName: bytes(66),
      nvDigest: bytes(64),
    }),
    fc.record({
      type: fc.constant('command-audit' as const),
      auditCounter: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      digestAlg: fc.constantFrom(TPM_ALG.SHA1, TPM_ALG.SHA256),
      auditDigest: bytes(64),
      commandDigest: bytes(64),
    }),
    fc.record({
      type: fc.constant('session-audit' as const),
      exclusiveSession: fc.boolean(),
      sessionDigest: bytes(64),
    }),
  );
  fcTest.prop([bytes(66), bytes(66), clock, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), attested])(
    'encode then parse is the identity for every attestation type',
    (qualifiedSigner, extraData, clockInfo, firmwareVersion, att) => {
      const enc = encodeTpmsAttest({
        qualifiedSigner,
        extraData,
        clockInfo,
        firmwareVersion,
        attested: att,
      });
      const p = parseTpmsAttest(enc);
      expect(p.attested).toEqual(att);
      expect(p.clockInfo).toEqual(clockInfo);
      expect(encodeTpmsAttest(p)).toEqual(enc);
    },
  );

  fcTest.prop([fc.uint8Array({ maxLength: 600 })])(
    'arbitrary bytes parse or throw AttestError',
    (b) => {
      for (const f of [
        parseTpmsAttest,
        parseTpmtSignature,
        parseTpmtPublic,
        parseTpm2bPublic,
        parseTpmlPcrSelection,
      ]) {
        try {
          f(b);
        } catch (e) {
          expect(e).toBeInstanceOf(AttestError);
        }
      }
    },
  );
});

describe('TPM2B helper', () => {
  it('parseTpm2b / encodeTpm2b round trip and errors', async () => {
    const { parseTpm2b, pcrSelectIndices } = await import('../../src/tpm/index.js');
    expect(parseTpm2b(encodeTpm2b(Uint8Array.of(1, 2, 3)))).toEqual(Uint8Array.of(1, 2, 3));
    expectAttestError(() => parseTpm2b(Uint8Array.of(0, 3, 1)), 'ERR_TRUNCATED', 2);
    expectAttestError(() => parseTpm2b(Uint8Array.of(0, 1, 1, 9)), 'ERR_TRAILING_DATA', 3);
    expectAttestError(
      () => parseTpm2b(Uint8Array.of(0, 65, ...new Uint8Array(65)), 64),
      'ERR_BAD_LENGTH',
      0,
    );
    expect(pcrSelectIndices(Uint8Array.of(0x81, 0, 0x40))).toEqual([0, 7, 22]);
  });
});
