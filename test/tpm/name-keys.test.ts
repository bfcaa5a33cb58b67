/** Names, qualified Names and TPMT_PUBLIC → public key conversion. */
import type { Json } from './support/tpm-vectors.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeVectors, hex } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { testKey } from '../support/forge.js';
import {
  AttestError,
  encodeTpm2b,
  encodeTpmtPublic,
  parseTpmtPublic,
  parseTpmtSignature,
  resolveTpmKey,
  TPM_ALG,
  tpmCryptoKey,
  tpmHandleName,
  tpmName,
  tpmPublicKey,
  tpmQualifiedName,
  type AttestErrorCode,
  type TpmtPublicInput,
} from '../../src/tpm/index.js';
import { parseSpki } from '../../src/core/x509.js';
import { publicKeyFromJwk, samePublicKey } from '../../src/core/crypto.js';
import { fromBase64, toBase64Url, toHex } from '../../src/core/encoding.js';
import {
  realExpected,
  realFile,
  swtpmFile,
  swtpmManifest,
  swtpmQuoteCases,
  swtpmText,
} from './support/tpm-vectors.js';

describeVectors('tpmName / tpmPublicKey on real keys', () => {
  const m = swtpmManifest();
  for (const [name, k] of Object.entries<Json>(m.keys)) {
    if (k.files === undefined) continue;
    it(`${name}: Name = name.bin, key = the PEM tpm2_readpublic wrote`, () => {
      const tpm2b = swtpmFile(k.files.tpm2b_public);
      expect(tpmName(tpm2b)).toEqual(swtpmFile(k.files.name));
      expect(toHex(tpmName(parseTpmtPublic(swtpmFile(k.files.tpmt_public))))).toBe(k.name);
      const fromPem = parseSpki(hexlessPem(swtpmText(k.files.pem)));
      expect(samePublicKey(tpmPublicKey(tpm2b), fromPem)).toBe(true);
      expect(samePublicKey(resolveTpmKey(swtpmText(k.files.pem)).key, fromPem)).toBe(true);
      expect(resolveTpmKey(tpm2b).publicArea?.raw).toEqual(swtpmFile(k.files.tpmt_public));
    });
  }

  it('real AK Names: Windows, GCE, keylime (ak.name file)', () => {
    const e = realExpected();
    const w = e['go-attestation/windows_gcp_shielded_vm'];
    expect(toHex(tpmName(realFile(w.files.ak_tpmt_public)))).toBe(w.ak_name);
    const g = e['go-tpm-tools/gce-cos-85-no-nonce'];
    expect(toHex(tpmName(realFile(g.files.ak_tpmt_public)))).toBe(g.ak_name);
    expect(tpmName(realFile('keylime/ak.pub'))).toEqual(realFile('keylime/ak.name'));
    // Exponent field 0 means 65537.
    const k = tpmPublicKey(realFile(w.files.ak_tpmt_public));
    expect(k.kind === 'rsa' && toHex(k.e)).toBe('010001');
  });

  it('qualified Names chain hierarchy → EK → AK (swtpm qualifiedSigner)', () => {
    const ek = swtpmFile(m.keys.ek_rsa2048.files.tpm2b_public);
    const ak = swtpmFile(m.keys.ak_rsa2048_rsassa_sha256.files.tpm2b_public);
    const qn = tpmQualifiedName(tpmQualifiedName(tpmHandleName('endorsement'), ek), ak);
    expect(toHex(qn)).toBe(m.cases.quote_rsassa_multibank.attest.qualifiedSigner);
    expect(toHex(qn)).toBe(
      m.cases.certify_rsassa_ak_by_ecdsa_p256_ak.attest.attested.qualifiedName,
    );
  });
});

function hexlessPem(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

describe('names and keys: synthetic public areas', () => {
  const ecc = (
    x: Uint8Array,
    y: Uint8Array,
    curveId = 0x0003,
    nameAlgId: number = TPM_ALG.SHA256,
  ) =>
    encodeTpmtPublic({
      type: 'ecc',
      nameAlgId,
      objectAttributes: 0x00050072,
      authPolicy: new Uint8Array(0),
      parameters: {
        symmetric: { algorithmId: TPM_ALG.NULL },
        scheme: { schemeId: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
        curveId,
        kdf: { schemeId: TPM_ALG.NULL },
      },
      unique: { x, y },
    });
  const rsa = (n: Uint8Array, exponent: number, keyBits = n.length * 8) =>
    encodeTpmtPublic({
      type: 'rsa',
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: 0x00050072,
      authPolicy: new Uint8Array(0),
      parameters: {
        symmetric: { algorithmId: TPM_ALG.NULL },
        scheme: { schemeId: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 },
        keyBits,
        exponent,
      },
      unique: n,
    });

  it('handle Names', () => {
    expect(toHex(tpmHandleName('endorsement'))).toBe('4000000b');
    expect(toHex(tpmHandleName('owner'))).toBe('40000001');
    expect(toHex(tpmHandleName('platform'))).toBe('4000000c');
    expect(toHex(tpmHandleName(0x81010001))).toBe('81010001');
    expect(() => tpmHandleName(-1)).toThrow(TypeError);
  });

  it('a NULL or SM3 nameAlg has no computable Name', () => {
    const p = ecc(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), 0x0003, TPM_ALG.NULL);
    expectAttestError(() => tpmName(p), 'ERR_UNSUPPORTED', 2);
    const s = ecc(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), 0x0003, TPM_ALG.SM3_256);
    expectAttestError(() => tpmName(s), 'ERR_UNSUPPORTED', 2);
  });

  it('RSA: exponent 0 is 65537, other exponents are kept; size must match keyBits', () => {
    const n = new Uint8Array(256).fill(0xc5);
    const k0 = tpmPublicKey(rsa(n, 0));
    expect(k0.kind === 'rsa' && toHex(k0.e)).toBe('010001');
    const k3 = tpmPublicKey(rsa(n, 3));
    expect(k3.kind === 'rsa' && toHex(k3.e)).toBe('03');
    expectAttestError(() => tpmPublicKey(rsa(n, 0, 1024)), 'ERR_BAD_KEY');
    expectAttestError(() => tpmPublicKey(rsa(new Uint8Array(256).fill(0x05), 0)), 'ERR_BAD_KEY');
  });

  it('RSA: an exponent that is not 0 or a prime > 2 is ERR_BAD_KEY (Part 2 §12.2.3.5)', () => {
    const n = new Uint8Array(256).fill(0xc5);
    // 1 makes RSA the identity; 2 and other even values are not invertible; 9 and 65535 are
    // odd composites. 0xffffffff = 3 × 5 × 17 × 257 × 65537.
    for (const e of [1, 2, 4, 9, 65535, 65536, 0xffffffff]) {
      const err = expectAttestError(() => tpmPublicKey(rsa(n, e)), 'ERR_BAD_KEY');
      expect(err.field).toBe('TPMT_PUBLIC.parameters.rsaDetail.exponent');
    }
    for (const e of [3, 5, 17, 65537, 4294967291]) {
      const k = tpmPublicKey(rsa(n, e));
      expect(k.kind).toBe('rsa');
    }
    const even = n.slice();
    even[255] = 0xc4;
    const err = expectAttestError(() => tpmPublicKey(rsa(even, 0)), 'ERR_BAD_KEY');
    expect(err.field).toBe('TPMT_PUBLIC.unique.rsa');
  });

  it('ECC: coordinates are left-padded; oversize or empty points and unknown curves are rejected', () => {
    const x = hex('00' + '11'.repeat(31));
    const k = tpmPublicKey(ecc(x.subarray(1), new Uint8Array(32).fill(2)));
    expect(k.kind === 'ec' && toHex(k.x)).toBe(toHex(x));
    expectAttestError(
      () => tpmPublicKey(ecc(new Uint8Array(33).fill(1), new Uint8Array(32))),
      'ERR_BAD_KEY',
    );
    expectAttestError(() => tpmPublicKey(ecc(new Uint8Array(0), new Uint8Array(0))), 'ERR_BAD_KEY');
    expectAttestError(
      () => tpmPublicKey(ecc(new Uint8Array(32), new Uint8Array(32), 0x0010)),
      'ERR_UNSUPPORTED',
    );
  });

  it('resolveTpmKey accepts JWK and rejects non-keys with TypeError', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'AQ'.padEnd(43, 'A'), y: 'Ag'.padEnd(43, 'A') };
    expect(samePublicKey(resolveTpmKey(jwk).key, publicKeyFromJwk(jwk))).toBe(true);
    for (const bad of [null, 42, new Uint16Array(4), new ArrayBuffer(8), {}, [1, 2]]) {
      expect(() => resolveTpmKey(bad as never)).toThrow(TypeError);
    }
  });
});

describeVectors('AKs given as SubjectPublicKeyInfo (core parseSpki through resolveTpmKey)', () => {
  it('every PEM key in the TPM vectors resolves to the key core parseSpki reads', async () => {
    const { listVectors, readVectorText } = await import('../support/vectors.js');
    const pems = listVectors('tpm').filter((p) => p.endsWith('.pem') && !p.includes('ca_'));
    expect(pems.length).toBeGreaterThanOrEqual(10);
    for (const p of pems) {
      const text = readVectorText('tpm', p);
      const der = hexlessPem(text);
      expect(resolveTpmKey(der).key, p).toEqual(parseSpki(der));
      expect(resolveTpmKey(text).key, p).toEqual(parseSpki(der));
    }
  });

  it('rejects what strict DER forbids, with offsets', () => {
    const readAk = (b: Uint8Array) => resolveTpmKey(b);
    const der = hexlessPem(swtpmText('keys/ak_eccp256_ecdsa_sha256.pem'));
    expectAttestError(() => readAk(new Uint8Array([...der, 0])), 'ERR_TRAILING_DATA', der.length);
    const indefinite = der.slice();
    indefinite[1] = 0x80;
    expectAttestError(() => readAk(indefinite), 'ERR_BAD_KEY', 0);
    const nonMinimal = new Uint8Array([0x30, 0x81, 0x03, 0x30, 0x01, 0x00]);
    expectAttestError(() => readAk(nonMinimal), 'ERR_BAD_KEY', 0);
    const curve = der.slice();
    curve[curve.indexOf(0x07, 20)] = 0x08; // P-256 OID → unknown curve
    expect(() => readAk(curve)).toThrow();
    for (let n = 0; n < der.length; n++) {
      expect(() => readAk(der.slice(0, n))).toThrow();
    }
  });
});

const subtle = globalThis.crypto.subtle;
const WEB_HASH = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
} as const;
const CURVE_SIZE: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

async function rejectsWith(p: Promise<unknown>, code: AttestErrorCode): Promise<void> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toBeInstanceOf(AttestError);
  expect((e as AttestError).code).toBe(code);
}

function leftPad(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

describeVectors('tpmCryptoKey: real swtpm quote signatures verify with crypto.subtle', () => {
  const positive = swtpmQuoteCases().filter((c) => !c.negative);

  it('the vectors hold RSASSA, RSA-PSS, P-256 and P-384 AK quotes', () => {
    expect(positive.map((c) => c.c.signature_scheme).sort()).toEqual(
      ['ecdsa', 'ecdsa', 'rsapss', 'rsassa'].sort(),
    );
  });

  for (const c of positive) {
    it(`${c.name}: the AK's CryptoKey verifies quote.sig over quote.msg, and nothing else`, async () => {
      const key = await tpmCryptoKey(c.akTpm2b);
      expect(key.type).toBe('public');
      expect(key.usages).toEqual(['verify']);
      const sig = parseTpmtSignature(c.signature);
      let algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
      let bytes: Uint8Array;
      if (sig.sigAlg === 'ecdsa') {
        const alg = key.algorithm as EcKeyAlgorithm;
        const size = CURVE_SIZE[alg.namedCurve]!;
        expect(alg.name).toBe('ECDSA');
        algorithm = { name: 'ECDSA', hash: WEB_HASH[sig.hash as 'sha256'] };
        bytes = new Uint8Array([
          ...leftPad(sig.signatureR, size),
          ...leftPad(sig.signatureS, size),
        ]);
      } else {
        const alg = key.algorithm as RsaHashedKeyAlgorithm;
        expect(alg.name).toBe(sig.sigAlg === 'rsapss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5');
        expect(alg.hash.name).toBe(WEB_HASH[sig.hash as 'sha256']);
        expect(toHex(alg.publicExponent)).toBe('010001'); // the AK's exponent field is 0
        algorithm =
          sig.sigAlg === 'rsapss' ? { name: 'RSA-PSS', saltLength: 32 } : 'RSASSA-PKCS1-v1_5';
        bytes = sig.sig;
      }
      expect(await subtle.verify(algorithm, key, bytes.slice(), c.attest.slice())).toBe(true);
      const tampered = c.attest.slice();
      tampered[tampered.length - 1]! ^= 1;
      expect(await subtle.verify(algorithm, key, bytes.slice(), tampered)).toBe(false);
      // A parsed TpmtPublic gives the same key.
      const again = await tpmCryptoKey(parseTpmtPublic(swtpmFile(c.c.ak_files.tpmt_public)));
      expect(await subtle.exportKey('jwk', again)).toEqual(await subtle.exportKey('jwk', key));
    });
  }

  it('an EK is no signing key (its sign attribute is clear)', async () => {
    const m = swtpmManifest();
    await rejectsWith(tpmCryptoKey(swtpmFile(m.keys.ek_rsa2048.files.tpm2b_public)), 'ERR_BAD_KEY');
    await rejectsWith(tpmCryptoKey(swtpmFile(m.keys.ek_eccp256.files.tpm2b_public)), 'ERR_BAD_KEY');
  });
});

describe('tpmCryptoKey: SYNTHETIC public areas', () => {
  const AK = 0x00050072; // fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, restricted, sign
  const rsaArea = (
    n: Uint8Array,
    o: {
      exponent?: number;
      schemeId?: number;
      hashAlg?: number;
      nameAlgId?: number;
      attributes?: number;
    } = {},
  ): Uint8Array =>
    encodeTpmtPublic({
      type: 'rsa',
      nameAlgId: o.nameAlgId ?? TPM_ALG.SHA256,
      objectAttributes: o.attributes ?? AK,
      authPolicy: new Uint8Array(0),
      parameters: {
        symmetric: { algorithmId: TPM_ALG.NULL },
        scheme:
          (o.schemeId ?? TPM_ALG.RSASSA) === TPM_ALG.NULL
            ? { schemeId: TPM_ALG.NULL }
            : { schemeId: o.schemeId ?? TPM_ALG.RSASSA, hashAlg: o.hashAlg ?? TPM_ALG.SHA256 },
        keyBits: n.length * 8,
        exponent: o.exponent ?? 0,
      },
      unique: n,
    });
  const eccArea = (schemeId: number, attributes = AK): Uint8Array =>
    encodeTpmtPublic({
      type: 'ecc',
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: attributes,
      authPolicy: new Uint8Array(0),
      parameters: {
        symmetric: { algorithmId: TPM_ALG.NULL },
        scheme:
          schemeId === TPM_ALG.NULL
            ? { schemeId }
            : {
                schemeId,
                hashAlg: TPM_ALG.SHA256,
                ...(schemeId === TPM_ALG.ECDAA ? { count: 1 } : {}),
              },
        curveId: 0x0003,
        kdf: { schemeId: TPM_ALG.NULL },
      },
      unique: { x: p256x, y: p256y },
    });
  let pair: CryptoKeyPair;
  let modulus: Uint8Array;
  let p256x: Uint8Array;
  let p256y: Uint8Array;
  beforeAll(async () => {
    pair = (await testKey('rsa-pkcs1-2048')).keys;
    modulus = fromBase64((await subtle.exportKey('jwk', pair.publicKey)).n!);
    const ec = (await testKey('p256')).keys;
    const raw = new Uint8Array(await subtle.exportKey('raw', ec.publicKey));
    p256x = raw.slice(1, 33);
    p256y = raw.slice(33);
  });

  it('RSA exponent 0 means 65537: the key verifies what the 65537 private key signed', async () => {
    const key = await tpmCryptoKey(rsaArea(modulus, { exponent: 0 }));
    const jwk = await subtle.exportKey('jwk', key);
    expect(jwk.e).toBe('AQAB');
    expect(jwk.n).toBe(toBase64Url(modulus));
    const data = new TextEncoder().encode('synthetic message');
    const sig = await subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, data);
    expect(await subtle.verify('RSASSA-PKCS1-v1_5', key, sig, data)).toBe(true);
    // TPM2B_PUBLIC bytes and an explicit exponent field of 65537 give the same key.
    for (const area of [encodeTpm2b(rsaArea(modulus)), rsaArea(modulus, { exponent: 65537 })]) {
      expect(await subtle.exportKey('jwk', await tpmCryptoKey(area))).toEqual(jwk);
    }
  });

  it('the hash rule: options.hash, else the scheme hash, else nameAlg', async () => {
    const hashOf = async (area: Uint8Array, o?: Parameters<typeof tpmCryptoKey>[1]) => {
      const a = (await tpmCryptoKey(area, o)).algorithm as RsaHashedKeyAlgorithm;
      return `${a.name}/${a.hash.name}`;
    };
    expect(await hashOf(rsaArea(modulus, { hashAlg: TPM_ALG.SHA384 }))).toBe(
      'RSASSA-PKCS1-v1_5/SHA-384',
    );
    expect(await hashOf(rsaArea(modulus, { schemeId: TPM_ALG.RSAPSS }))).toBe('RSA-PSS/SHA-256');
    const open = rsaArea(modulus, { schemeId: TPM_ALG.NULL, nameAlgId: TPM_ALG.SHA384 });
    expect(await hashOf(open)).toBe('RSASSA-PKCS1-v1_5/SHA-384');
    expect(await hashOf(open, { scheme: 'rsapss', hash: 'sha512' })).toBe('RSA-PSS/SHA-512');
    // Overrides that agree with the key are accepted.
    expect(await hashOf(rsaArea(modulus), { scheme: 'rsassa', hash: 'sha256' })).toBe(
      'RSASSA-PKCS1-v1_5/SHA-256',
    );
    const noName = rsaArea(modulus, { schemeId: TPM_ALG.NULL, nameAlgId: TPM_ALG.NULL });
    await rejectsWith(tpmCryptoKey(noName), 'ERR_UNSUPPORTED');
    expect(await hashOf(noName, { hash: 'sha256' })).toBe('RSASSA-PKCS1-v1_5/SHA-256');
  });

  it('overrides that contradict the key are AttestErrors', async () => {
    await rejectsWith(tpmCryptoKey(rsaArea(modulus), { scheme: 'rsapss' }), 'ERR_BAD_VALUE');
    await rejectsWith(tpmCryptoKey(rsaArea(modulus), { hash: 'sha384' }), 'ERR_BAD_VALUE');
    const open = rsaArea(modulus, { schemeId: TPM_ALG.NULL });
    await rejectsWith(tpmCryptoKey(open, { scheme: 'ecdsa' }), 'ERR_BAD_VALUE');
    await rejectsWith(tpmCryptoKey(eccArea(TPM_ALG.NULL), { scheme: 'rsassa' }), 'ERR_BAD_VALUE');
    await rejectsWith(tpmCryptoKey(eccArea(TPM_ALG.ECDSA), { hash: 'sha384' }), 'ERR_BAD_VALUE');
  });

  it('ECC: ECDSA on the key curve, with or without a fixed scheme', async () => {
    for (const schemeId of [TPM_ALG.ECDSA, TPM_ALG.NULL]) {
      const key = await tpmCryptoKey(eccArea(schemeId));
      expect(key.algorithm).toEqual({ name: 'ECDSA', namedCurve: 'P-256' });
      const raw = new Uint8Array(await subtle.exportKey('raw', key));
      expect(toHex(raw)).toBe(`04${toHex(p256x)}${toHex(p256y)}`);
    }
  });

  it('keys that cannot be signing keys are rejected', async () => {
    const symcipher: TpmtPublicInput = {
      type: 'symcipher',
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: 0x00060072, // decrypt | sign(encrypt): an AES key
      authPolicy: new Uint8Array(0),
      parameters: { symmetric: { algorithmId: TPM_ALG.AES, keyBits: 128, modeId: TPM_ALG.CFB } },
      unique: new Uint8Array(32),
    };
    await rejectsWith(tpmCryptoKey(encodeTpmtPublic(symcipher)), 'ERR_UNSUPPORTED');
    const hmac: TpmtPublicInput = {
      type: 'keyedhash',
      nameAlgId: TPM_ALG.SHA256,
      objectAttributes: 0x00040072,
      authPolicy: new Uint8Array(0),
      parameters: { scheme: { schemeId: TPM_ALG.HMAC, hashAlg: TPM_ALG.SHA256 } },
      unique: new Uint8Array(32),
    };
    await rejectsWith(tpmCryptoKey(encodeTpmtPublic(hmac)), 'ERR_UNSUPPORTED');
    // sign clear (a decrypt-only key), encryption and key-exchange schemes.
    await rejectsWith(tpmCryptoKey(rsaArea(modulus, { attributes: 0x00030072 })), 'ERR_BAD_KEY');
    const signDecrypt = 0x00060072;
    await rejectsWith(
      tpmCryptoKey(rsaArea(modulus, { schemeId: TPM_ALG.OAEP, attributes: signDecrypt })),
      'ERR_BAD_KEY',
    );
    await rejectsWith(
      tpmCryptoKey(rsaArea(modulus, { schemeId: TPM_ALG.RSAES, attributes: signDecrypt })),
      'ERR_BAD_KEY',
    );
    await rejectsWith(tpmCryptoKey(eccArea(TPM_ALG.ECDH, signDecrypt)), 'ERR_BAD_KEY');
    // Signing schemes WebCrypto cannot verify.
    await rejectsWith(tpmCryptoKey(eccArea(TPM_ALG.ECDAA)), 'ERR_UNSUPPORTED');
    await rejectsWith(tpmCryptoKey(eccArea(TPM_ALG.ECSCHNORR)), 'ERR_UNSUPPORTED');
  });

  it('wrong argument types are TypeErrors', async () => {
    for (const bad of [null, 42, 'ff', new Uint16Array(4), new ArrayBuffer(8), {}]) {
      await expect(tpmCryptoKey(bad as never)).rejects.toThrow(TypeError);
    }
    const area = rsaArea(modulus);
    for (const bad of [5, 'rsassa', { scheme: 'rsa' }, { hash: 'md5' }, { hash: 'sm3_256' }]) {
      await expect(tpmCryptoKey(area, bad as never)).rejects.toThrow(TypeError);
    }
  });
});
