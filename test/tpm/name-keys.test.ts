/** Names, qualified Names and TPMT_PUBLIC → public key conversion. */
import type { Json } from './support/tpm-vectors.js';
import { describe, expect, it } from 'vitest';
import { describeVectors, hex } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import {
  encodeTpmtPublic,
  parseTpmtPublic,
  resolveTpmKey,
  TPM_ALG,
  tpmHandleName,
  tpmName,
  tpmPublicKey,
  tpmQualifiedName,
} from '../../src/tpm/index.js';
import { parseSpki } from '../../src/core/x509.js';
import { publicKeyFromJwk, samePublicKey } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import {
  realExpected,
  realFile,
  swtpmFile,
  swtpmManifest,
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
