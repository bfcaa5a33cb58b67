/** makeCredential: byte-exact against the swtpm reference runs, keylime structure, KDFs, errors. */
import { describe, expect, it } from 'vitest';
import type { KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { cfb } from '@noble/ciphers/aes.js';
import { describeVectors, hex } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import {
  encodeTpm2ToolsCredential,
  encodeTpmtPublic,
  kdfa,
  kdfe,
  makeCredential,
  parseTpmPublic,
  TPM_ALG,
  tpmName,
} from '../../src/tpm/index.js';
import { concatBytes } from '../../src/core/bytes.js';
import { toHex } from '../../src/core/encoding.js';
import { realFile, swtpmFile, swtpmManifest } from './support/tpm-vectors.js';

/** A randomBytes source that replays `values` in order (tests only). */
function replay(values: Uint8Array[]): (n: number) => Uint8Array {
  const queue = [...values];
  return (n) => {
    const v = queue.shift();
    if (v === undefined || v.length !== n) throw new Error(`unexpected randomBytes(${n})`);
    return v;
  };
}

describeVectors('makeCredential: swtpm reference runs (activated by swtpm)', () => {
  const m = swtpmManifest();
  for (const name of [
    'credential_ek_rsa2048',
    'credential_ek_eccp256',
    'credential_ek_eccp384_h3',
  ]) {
    const c = m.cases[name];
    const ref = c.runs.reference_deterministic;
    const i = ref.inputs_and_intermediates;
    it(`${name}: reproduces TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET and the tpm2-tools file`, async () => {
      const random = replay(
        i.ephemeralPrivate !== undefined
          ? [hex(i.ephemeralPrivate)]
          : [hex(i.seed), hex(i.oaepSeed)],
      );
      const ek = swtpmFile(c.ek_files.tpm2b_public);
      expect(toHex(tpmName(swtpmFile(c.ak_files.tpm2b_public)))).toBe(i.objectName);
      const cred = await makeCredential(ek, hex(i.objectName), hex(i.credential), {
        randomBytes: random,
      });
      expect(toHex(cred.credentialBlob)).toBe(i.TPM2B_ID_OBJECT);
      expect(toHex(cred.secret)).toBe(i.TPM2B_ENCRYPTED_SECRET);
      expect(cred.credentialBlob).toEqual(swtpmFile(ref.files.TPM2B_ID_OBJECT));
      expect(cred.secret).toEqual(swtpmFile(ref.files.TPM2B_ENCRYPTED_SECRET));
      expect(encodeTpm2ToolsCredential(cred)).toEqual(swtpmFile(ref.files.tpm2tools_file));
    });

    it(`${name}: intermediates (seed, symKey, hmacKey, encIdentity, outerHMAC)`, () => {
      const hash = i.ekNameAlg as 'sha256' | 'sha384';
      const seed = hex(i.seed);
      const empty = new Uint8Array(0);
      const name = hex(i.objectName);
      if (i.ecdhZ !== undefined) {
        const ek = parseTpmPublic(swtpmFile(c.ek_files.tpm2b_public));
        if (ek.type !== 'ecc') throw new Error('ecc');
        expect(
          toHex(
            kdfe(hash, hex(i.ecdhZ), 'IDENTITY', hex(i.ephemeralX), ek.unique.x, 8 * seed.length),
          ),
        ).toBe(i.seed);
      }
      const symKey = kdfa(hash, seed, 'STORAGE', name, empty, i.symKeyBits);
      expect(toHex(symKey)).toBe(i.symKey);
      const hmacKey = kdfa(hash, seed, 'INTEGRITY', empty, empty, 8 * seed.length);
      expect(toHex(hmacKey)).toBe(i.hmacKey);
      const cred = hex(i.credential);
      const enc = cfb(symKey, new Uint8Array(16)).encrypt(
        concatBytes(Uint8Array.of(0, cred.length), cred),
      );
      expect(toHex(enc)).toBe(i.encIdentity);
      const h = hash === 'sha256' ? sha256 : sha384;
      expect(toHex(hmac(h, hmacKey, concatBytes(enc, name)))).toBe(i.outerHMAC);
    });

    it(`${name}: tpm2_makecredential output has the same layout as ours`, async () => {
      const tool = c.runs.tpm2_makecredential.files;
      const ours = await makeCredential(
        swtpmFile(c.ek_files.tpm2b_public),
        hex(c.ak_name),
        hex(c.credential),
      );
      expect(ours.credentialBlob.length).toBe(swtpmFile(tool.TPM2B_ID_OBJECT).length);
      expect(ours.secret.length).toBe(swtpmFile(tool.TPM2B_ENCRYPTED_SECRET).length);
      // Fresh randomness: two runs differ.
      const again = await makeCredential(
        swtpmFile(c.ek_files.tpm2b_public),
        hex(c.ak_name),
        hex(c.credential),
      );
      expect(toHex(again.secret)).not.toBe(toHex(ours.secret));
    });

    it(`${name}: tool.mkcred.out is what encodeTpm2ToolsCredential writes for tpm2_makecredential's parts`, () => {
      // tpm2_makecredential drew its own seed (none is recorded), so its bytes cannot be
      // reproduced; the file layout, the parts' structure and the seed's encryption can.
      const tool = c.runs.tpm2_makecredential.files;
      const blob = swtpmFile(tool.TPM2B_ID_OBJECT);
      const secret = swtpmFile(tool.TPM2B_ENCRYPTED_SECRET);
      expect(encodeTpm2ToolsCredential({ credentialBlob: blob, secret })).toEqual(
        swtpmFile(tool.tpm2tools_file),
      );
      // TPM2B_ID_OBJECT = u16 size ‖ TPM2B(outerHMAC, EK nameAlg size) ‖ encIdentity, where
      // encIdentity is AES-CFB of u16 len ‖ credential (no padding).
      const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
      const hl = i.ekNameAlg === 'sha384' ? 48 : 32;
      expect(u16(blob, 0)).toBe(blob.length - 2);
      expect(u16(blob, 2)).toBe(hl);
      expect(blob.length - 4 - hl).toBe(2 + hex(c.credential).length);
      // TPM2B_ENCRYPTED_SECRET: an OAEP block below the modulus (RSA), or the ephemeral point
      // on the EK's curve (ECC).
      expect(u16(secret, 0)).toBe(secret.length - 2);
      const ek = parseTpmPublic(swtpmFile(c.ek_files.tpm2b_public));
      const body = secret.subarray(2);
      if (ek.type === 'rsa') {
        expect(body.length).toBe(ek.unique.length);
        expect(BigInt(`0x${toHex(body)}`)).toBeLessThan(BigInt(`0x${toHex(ek.unique)}`));
      } else if (ek.type === 'ecc') {
        const xl = u16(body, 0);
        const qx = body.subarray(2, 2 + xl);
        const yl = u16(body, 2 + xl);
        const qy = body.subarray(4 + xl, 4 + xl + yl);
        expect(4 + xl + yl).toBe(body.length);
        const curve = ek.parameters.curve === 'NIST_P384' ? p384 : p256;
        const q = curve.Point.fromHex(toHex(concatBytes(Uint8Array.of(4), qx, qy)));
        expect(() => q.assertValidity()).not.toThrow();
        // A fresh ephemeral key, not the reference run's.
        expect(toHex(qx)).not.toBe(i.ephemeralX);
      } else throw new Error(`EK type ${ek.type}`);
    });
  }
});

describeVectors('makeCredential: keylime files', () => {
  it('mkcred.out layout (47-byte ID object, 258-byte secret, 9-byte credential) is what we produce', async () => {
    const file = realFile('keylime/mkcred.out');
    const dv = new DataView(file.buffer, file.byteOffset);
    expect(dv.getUint32(0)).toBe(0xbadcc0de);
    expect(dv.getUint32(4)).toBe(1);
    const idLen = dv.getUint16(8);
    const secretLen = dv.getUint16(10 + idLen);
    expect(idLen + 2).toBe(47);
    expect(secretLen + 2).toBe(258);
    expect(file.length).toBe(8 + 2 + idLen + 2 + secretLen);
    const secret = realFile('keylime/secret.data');
    expect(realFile('keylime/actcred.out')).toEqual(secret);
    const ours = await makeCredential(
      realFile('keylime/ek.pub'),
      realFile('keylime/ak.name'),
      secret,
    );
    expect(ours.credentialBlob.length).toBe(47);
    expect(ours.secret.length).toBe(258);
    expect(encodeTpm2ToolsCredential(ours).length).toBe(file.length);
    // The ID object's inner HMAC size field is the EK nameAlg digest size.
    expect(toHex(file.subarray(10, 12))).toBe('0020');
    expect(toHex(ours.credentialBlob.subarray(2, 4))).toBe('0020');
  });
});

/** Software TPM2_ActivateCredential for ECC EKs (SYNTHETIC EK with a known private key). */
function activateEcc(
  curve: typeof p256,
  hash: 'sha256' | 'sha384' | 'sha512',
  aesBits: number,
  ekPriv: Uint8Array,
  ekX: Uint8Array,
  objectName: Uint8Array,
  blob: Uint8Array,
  secret: Uint8Array,
): Uint8Array {
  const dv = new DataView(secret.buffer, secret.byteOffset);
  const xl = dv.getUint16(2);
  const qx = secret.subarray(4, 4 + xl);
  const qy = secret.subarray(6 + xl);
  const shared = curve.getSharedSecret(ekPriv, concatBytes(Uint8Array.of(4), qx, qy), false);
  const size = qx.length;
  const hl = { sha256: 32, sha384: 48, sha512: 64 }[hash];
  const seed = kdfe(hash, shared.subarray(1, 1 + size), 'IDENTITY', qx, ekX, 8 * hl);
  const hmacKey = kdfa(hash, seed, 'INTEGRITY', new Uint8Array(0), new Uint8Array(0), 8 * hl);
  const idObj = blob.subarray(2);
  const outer = idObj.subarray(2, 2 + hl);
  const enc = idObj.subarray(2 + hl);
  const h = { sha256, sha384, sha512 }[hash];
  if (toHex(hmac(h, hmacKey, concatBytes(enc, objectName))) !== toHex(outer))
    throw new Error('integrity');
  const symKey = kdfa(hash, seed, 'STORAGE', objectName, new Uint8Array(0), aesBits);
  const plain = cfb(symKey, new Uint8Array(16)).decrypt(enc);
  return plain.subarray(2, 2 + ((plain[0]! << 8) | plain[1]!));
}

function eccEk(
  curveId: number,
  nameAlgId: number,
  aesBits: number,
  x: Uint8Array,
  y: Uint8Array,
): Uint8Array {
  return encodeTpmtPublic({
    type: 'ecc',
    nameAlgId,
    objectAttributes: 0x000300f2,
    authPolicy: new Uint8Array(0),
    parameters: {
      symmetric: { algorithmId: TPM_ALG.AES, keyBits: aesBits, modeId: TPM_ALG.CFB },
      scheme: { schemeId: TPM_ALG.NULL },
      curveId,
      kdf: { schemeId: TPM_ALG.NULL },
    },
    unique: { x, y },
  });
}

describe('makeCredential: round trips with SYNTHETIC ECC EKs (software activation)', () => {
  const cases = [
    {
      curve: p256,
      id: 0x0003,
      hash: 'sha256' as const,
      hashId: TPM_ALG.SHA256,
      aes: 128,
      size: 32,
    },
    {
      curve: p384,
      id: 0x0004,
      hash: 'sha384' as const,
      hashId: TPM_ALG.SHA384,
      aes: 256,
      size: 48,
    },
    {
      curve: p521,
      id: 0x0005,
      hash: 'sha512' as const,
      hashId: TPM_ALG.SHA512,
      aes: 256,
      size: 66,
    },
  ];
  for (const c of cases) {
    it(`${c.hash} / curve 0x${c.id.toString(16)}`, async () => {
      const priv = c.curve.utils.randomSecretKey();
      const pub = c.curve.getPublicKey(priv, false);
      const x = pub.subarray(1, 1 + c.size);
      const ek = eccEk(c.id, c.hashId, c.aes, x, pub.subarray(1 + c.size));
      const objectName = concatBytes(Uint8Array.of(0, 0x0b), new Uint8Array(32).fill(9));
      const secret = Uint8Array.from({ length: 16 }, (_, i) => i);
      const cred = await makeCredential(ek, objectName, secret);
      expect(
        activateEcc(c.curve, c.hash, c.aes, priv, x, objectName, cred.credentialBlob, cred.secret),
      ).toEqual(secret);
      const wrongName = objectName.slice();
      wrongName[5]! ^= 1;
      expect(() =>
        activateEcc(c.curve, c.hash, c.aes, priv, x, wrongName, cred.credentialBlob, cred.secret),
      ).toThrow('integrity');
    });
  }
});

describe('KDFa / KDFe and input errors', () => {
  it('KDFa masks a bit count that is not a multiple of 8, and concatenates counter blocks', () => {
    const k = kdfa(
      'sha256',
      new Uint8Array(32).fill(1),
      'TEST',
      new Uint8Array(0),
      new Uint8Array(0),
      12,
    );
    expect(k).toHaveLength(2);
    expect(k[0]! & 0xf0).toBe(0);
    const long = kdfa('sha256', new Uint8Array(32), 'X', new Uint8Array(0), new Uint8Array(0), 600);
    expect(long).toHaveLength(75);
    expect(() =>
      kdfa('sha256', new Uint8Array(1), 'X', new Uint8Array(0), new Uint8Array(0), 0),
    ).toThrow(RangeError);
    expect(() =>
      kdfe('sha256', 'z' as never, 'X', new Uint8Array(0), new Uint8Array(0), 8),
    ).toThrow(TypeError);
  });

  it('KDFa / KDFe: a hash outside sha1/256/384/512 is a TypeError', () => {
    const e = new Uint8Array(0);
    for (const h of ['md5', 'SHA256', 'sm3_256', 'toString', undefined, 5]) {
      expect(() => kdfa(h as never, new Uint8Array(1), 'X', e, e, 8)).toThrow(TypeError);
      expect(() => kdfe(h as never, new Uint8Array(1), 'X', e, e, 8)).toThrow(TypeError);
    }
  });

  it('rejects an EK without fixedTPM or fixedParent (TCG EK profile; session 12 review)', async () => {
    const pub = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    const name = concatBytes(Uint8Array.of(0, 0x0b), new Uint8Array(32));
    const ek = (attrs: number) =>
      encodeTpmtPublic({
        ...parseTpmPublic(eccEk(3, TPM_ALG.SHA256, 128, pub.subarray(1, 33), pub.subarray(33))),
        objectAttributes: attrs,
      });
    // 0x000300f2 sets fixedTPM (0x2) and fixedParent (0x10): each cleared in turn.
    await expect(makeCredential(ek(0x000300f2), name, Uint8Array.of(1))).resolves.toBeDefined();
    for (const attrs of [0x000300f0, 0x000300e2]) {
      await expect(makeCredential(ek(attrs), name, Uint8Array.of(1))).rejects.toMatchObject({
        code: 'ERR_BAD_KEY',
        message: expect.stringContaining('fixedTPM, fixedParent'),
      });
    }
  });

  it('rejects a non-EK, a bad Name, an oversized credential and a broken randomBytes', async () => {
    const ak = parseTpmPublic(
      encodeTpmtPublic({
        type: 'ecc',
        nameAlgId: TPM_ALG.SHA256,
        objectAttributes: 0x00050072,
        authPolicy: new Uint8Array(0),
        parameters: {
          symmetric: { algorithmId: TPM_ALG.NULL },
          scheme: { schemeId: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
          curveId: 3,
          kdf: { schemeId: TPM_ALG.NULL },
        },
        unique: { x: new Uint8Array(32).fill(1), y: new Uint8Array(32).fill(2) },
      }),
    );
    const name = concatBytes(Uint8Array.of(0, 0x0b), new Uint8Array(32));
    await expect(makeCredential(ak, name, Uint8Array.of(1))).rejects.toMatchObject({
      code: 'ERR_BAD_KEY',
    });
    const priv = p256.utils.randomSecretKey();
    const pub = p256.getPublicKey(priv, false);
    const ek = eccEk(3, TPM_ALG.SHA256, 128, pub.subarray(1, 33), pub.subarray(33));
    await expect(makeCredential(ek, name.subarray(0, 10), Uint8Array.of(1))).rejects.toMatchObject({
      code: 'ERR_BAD_VALUE',
    });
    await expect(makeCredential(ek, name, new Uint8Array(33))).rejects.toThrow(RangeError);
    await expect(makeCredential(ek, name, new Uint8Array(0))).rejects.toThrow(RangeError);
    await expect(
      makeCredential(ek, name, Uint8Array.of(1), { randomBytes: () => new Uint8Array(3) }),
    ).rejects.toThrow(TypeError);
    const offCurve = eccEk(
      3,
      TPM_ALG.SHA256,
      128,
      new Uint8Array(32).fill(1),
      new Uint8Array(32).fill(2),
    );
    await expect(makeCredential(offCurve, name, Uint8Array.of(1))).rejects.toMatchObject({
      code: 'ERR_BAD_KEY',
    });
    const ecc = parseTpmPublic(ek);
    if (ecc.type !== 'ecc') throw new Error('ecc');
    const camellia = encodeTpmtPublic({
      ...ecc,
      parameters: {
        symmetric: { algorithmId: TPM_ALG.CAMELLIA, keyBits: 128, modeId: TPM_ALG.CFB },
        scheme: { schemeId: TPM_ALG.NULL },
        curveId: 3,
        kdf: { schemeId: TPM_ALG.NULL },
      },
    });
    await expect(makeCredential(camellia, name, Uint8Array.of(1))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    // A parsed EK is read from its raw bytes: fields edited after parsing change nothing.
    const edited = {
      ...ecc,
      parameters: {
        ...ecc.parameters,
        symmetric: { ...ecc.parameters.symmetric, algorithmId: TPM_ALG.CAMELLIA },
      },
    };
    await expect(makeCredential(edited, name, Uint8Array.of(1))).resolves.toMatchObject({
      secret: expect.any(Uint8Array),
    });
    expectAttestError(() => parseTpmPublic(new Uint8Array(3)), 'ERR_TRUNCATED');
  });
});

/** A SYNTHETIC RSA EK (H-1 attributes) around a fresh node:crypto key of `bits`. */
async function syntheticRsaEk(
  bits: number,
  exponent = 0,
): Promise<{ ek: Uint8Array; privateKey: KeyObject }> {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const n = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url'));
  const ek = encodeTpmtPublic({
    type: 'rsa',
    nameAlgId: TPM_ALG.SHA256,
    objectAttributes: 0x000300f2,
    authPolicy: new Uint8Array(0),
    parameters: {
      symmetric: { algorithmId: TPM_ALG.AES, keyBits: 128, modeId: TPM_ALG.CFB },
      scheme: { schemeId: TPM_ALG.NULL },
      keyBits: bits,
      exponent,
    },
    unique: n,
  });
  return { ek, privateKey };
}

describe('makeCredential: RSA EK key checks and randomBytes (SYNTHETIC EKs)', () => {
  const name = concatBytes(Uint8Array.of(0, 0x0b), new Uint8Array(32).fill(3));
  const secret = Uint8Array.from({ length: 16 }, (_, i) => i);

  it('an exponent that is not 0 or a prime > 2 is ERR_BAD_KEY (exponent 1 sends the seed in clear)', async () => {
    const { ek } = await syntheticRsaEk(2048);
    // TPMT_PUBLIC: type(2) nameAlg(2) attributes(4) authPolicy(2+0) symmetric(6) scheme(2)
    // keyBits(2), then the u32 exponent.
    const at = 2 + 2 + 4 + 2 + 6 + 2 + 2;
    for (const e of [1, 2, 4, 9]) {
      const bad = ek.slice();
      bad.set([e >>> 24, (e >>> 16) & 0xff, (e >>> 8) & 0xff, e & 0xff], at);
      expect(parseTpmPublic(bad).parameters).toMatchObject({ exponent: e });
      await expect(makeCredential(bad, name, secret)).rejects.toMatchObject({
        code: 'ERR_BAD_KEY',
        field: 'TPMT_PUBLIC.parameters.rsaDetail.exponent',
      });
    }
  });

  it('an RSA EK under 2048 bits is ERR_BAD_KEY', async () => {
    const { ek } = await syntheticRsaEk(1024);
    await expect(makeCredential(ek, name, secret)).rejects.toMatchObject({
      code: 'ERR_BAD_KEY',
      field: 'TPMT_PUBLIC.parameters.rsaDetail.keyBits',
    });
  });

  it('a randomBytes source that reuses one buffer does not make the seed the OAEP seed', async () => {
    const { privateDecrypt, constants } = await import('node:crypto');
    const { ek, privateKey } = await syntheticRsaEk(2048);
    const pool = new Uint8Array(64);
    let calls = 0;
    const cred = await makeCredential(ek, name, secret, {
      randomBytes: (n) => pool.fill(++calls).subarray(0, n),
    });
    expect(calls).toBe(2);
    const seed = new Uint8Array(
      privateDecrypt(
        {
          key: privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
          oaepLabel: Buffer.from('IDENTITY\0'),
        },
        cred.secret.subarray(2),
      ),
    );
    // The seed is the first draw (0x01…), not overwritten by the OAEP seed's draw (0x02…).
    expect(seed).toEqual(new Uint8Array(32).fill(1));
    const empty = new Uint8Array(0);
    const enc = cred.credentialBlob.subarray(2 + 2 + 32);
    const plain = cfb(
      kdfa('sha256', seed, 'STORAGE', name, empty, 128),
      new Uint8Array(16),
    ).decrypt(enc);
    expect(plain.subarray(2)).toEqual(secret);
  });
});

describe('makeCredential: round trips with SYNTHETIC RSA EKs (node:crypto OAEP decryption)', () => {
  for (const [bits, hash, aes] of [
    [2048, 'sha256', 128],
    [3072, 'sha384', 256],
  ] as const) {
    it(`RSA-${bits} / ${hash} / AES-${aes}`, async () => {
      const { generateKeyPairSync, privateDecrypt, constants } = await import('node:crypto');
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      const jwk = publicKey.export({ format: 'jwk' });
      const n = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
      const ek = encodeTpmtPublic({
        type: 'rsa',
        nameAlgId: hash === 'sha256' ? TPM_ALG.SHA256 : TPM_ALG.SHA384,
        objectAttributes: 0x000300f2,
        authPolicy: new Uint8Array(0),
        parameters: {
          symmetric: { algorithmId: TPM_ALG.AES, keyBits: aes, modeId: TPM_ALG.CFB },
          scheme: { schemeId: TPM_ALG.NULL },
          keyBits: bits,
          exponent: 0,
        },
        unique: n,
      });
      const objectName = concatBytes(Uint8Array.of(0, 0x0b), new Uint8Array(32).fill(3));
      const secret = Uint8Array.from({ length: 20 }, (_, i) => 100 + i);
      const cred = await makeCredential(ek, objectName, secret);
      const seed = new Uint8Array(
        privateDecrypt(
          {
            key: privateKey,
            padding: constants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: hash,
            oaepLabel: Buffer.from('IDENTITY\0'),
          },
          cred.secret.subarray(2),
        ),
      );
      const hl = hash === 'sha256' ? 32 : 48;
      expect(seed).toHaveLength(hl);
      const empty = new Uint8Array(0);
      const hmacKey = kdfa(hash, seed, 'INTEGRITY', empty, empty, 8 * hl);
      const id = cred.credentialBlob.subarray(2);
      const outer = id.subarray(2, 2 + hl);
      const enc = id.subarray(2 + hl);
      expect(
        toHex(hmac(hash === 'sha256' ? sha256 : sha384, hmacKey, concatBytes(enc, objectName))),
      ).toBe(toHex(outer));
      const plain = cfb(
        kdfa(hash, seed, 'STORAGE', objectName, empty, aes),
        new Uint8Array(16),
      ).decrypt(enc);
      expect(plain.subarray(2)).toEqual(secret);
    });
  }
});
