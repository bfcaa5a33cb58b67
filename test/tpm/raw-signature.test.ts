/**
 * Bare (non-TPMT_SIGNATURE) ECDSA signatures with `signatureScheme`: r‖s and DER are told apart by
 * content or by `signatureScheme.format`, never by the first byte. Regression: an r‖s signature
 * whose r starts with 0x30 (about 1 in 256) used to be read as DER and failed. SYNTHETIC keys
 * (WebCrypto, see support/forge.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTpmsAttest,
  tpmName,
  verifyTpmCertify,
  verifyTpmQuote,
  type TpmQuoteVerification,
  type TpmRawSignatureScheme,
} from '../../src/tpm/index.js';
import { bareEcdsaReadings } from '../../src/tpm/signature.js';
import { concatBytes } from '../../src/core/bytes.js';
import { ecdsaDerToRaw } from '../../src/core/crypto.js';
import { AttestError } from '../../src/core/errors.js';
import { expectAttestError } from '../support/errors.js';
import { forgeKey, forgeQuote, type ForgedKey } from './support/forge.js';

const nonce = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const check = (
  r: { checks: readonly { id: string; status: string; detail?: unknown }[] },
  id: string,
) => r.checks.find((c) => c.id === id);

/** Signs `data` until the r‖s signature's r starts with 0x30 (≈ 256 tries on average). */
async function rawStartingWith0x30(key: ForgedKey, data: Uint8Array): Promise<Uint8Array> {
  for (let i = 0; i < 20_000; i++) {
    const rs = await key.signRaw(data);
    if (rs[0] === 0x30) return rs;
  }
  throw new Error('no signature with r[0] = 0x30 in 20000 tries');
}

/** DER ECDSA-Sig-Value of an r‖s signature. */
function toDer(rs: Uint8Array): Uint8Array {
  const int = (v: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body =
      (v[i]! & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), v.subarray(i)) : v.subarray(i);
    return concatBytes(Uint8Array.of(0x02, body.length), body);
  };
  const half = rs.length / 2;
  const ints = concatBytes(int(rs.subarray(0, half)), int(rs.subarray(half)));
  const len = ints.length < 0x80 ? Uint8Array.of(ints.length) : Uint8Array.of(0x81, ints.length);
  return concatBytes(Uint8Array.of(0x30), len, ints);
}

let p256: ForgedKey;
let p384: ForgedKey;
beforeAll(async () => {
  [p256, p384] = await Promise.all([forgeKey('p256'), forgeKey('p384')]);
});

describe('bare ECDSA quote signatures whose r starts with 0x30 (regression)', () => {
  for (const which of ['p256', 'p384'] as const) {
    it(`${which}: verifies by content detection and with format 'raw'; format 'der' fails`, async () => {
      const key = which === 'p256' ? p256 : p384;
      const q = await forgeQuote({ key, selection: [['sha256', [0, 7]]], nonce });
      const rs = await rawStartingWith0x30(key, q.attest);
      expect(rs[0]).toBe(0x30);
      expect(rs.length).toBe(which === 'p256' ? 64 : 96);
      const verify = (signatureScheme: TpmRawSignatureScheme): Promise<TpmQuoteVerification> =>
        verifyTpmQuote(
          { attest: q.attest, signature: rs, signatureScheme, akPublic: key.pem, pcrs: q.pcrs },
          { nonce },
        );
      const detected = await verify({ scheme: 'ecdsa', hash: key.hash });
      expect(check(detected, 'tpm.quote.signature')?.status).toBe('pass');
      expect(detected.ok).toBe(true);
      const raw = await verify({ scheme: 'ecdsa', hash: key.hash, format: 'raw' });
      expect(raw.ok).toBe(true);
      const asDer = await verify({ scheme: 'ecdsa', hash: key.hash, format: 'der' });
      expect(asDer.ok).toBe(false);
      expect(check(asDer, 'tpm.quote.signature')).toMatchObject({
        status: 'fail',
        detail: { code: 'ERR_BAD_SIGNATURE_ENCODING' },
      });
      // The same signature in DER (which also starts with 0x30) verifies either way.
      const der = toDer(rs);
      for (const format of [undefined, 'der'] as const) {
        const r = await verifyTpmQuote(
          {
            attest: q.attest,
            signature: der,
            signatureScheme: { scheme: 'ecdsa', hash: key.hash, ...(format ? { format } : {}) },
            akPublic: key.pem,
            pcrs: q.pcrs,
          },
          { nonce },
        );
        expect(r.ok, String(format)).toBe(true);
      }
      if (der.length !== rs.length) {
        const r = await verifyTpmQuote(
          {
            attest: q.attest,
            signature: der,
            signatureScheme: { scheme: 'ecdsa', hash: key.hash, format: 'raw' },
            akPublic: key.pem,
            pcrs: q.pcrs,
          },
          { nonce },
        );
        expect(check(r, 'tpm.quote.signature')).toMatchObject({
          status: 'fail',
          detail: { code: 'ERR_BAD_SIGNATURE_ENCODING' },
        });
      }
      // A wrong signature of the right shape is a plain failure, not an encoding error.
      const flipped = rs.slice();
      flipped[rs.length - 1]! ^= 1;
      const bad = await verifyTpmQuote(
        {
          attest: q.attest,
          signature: flipped,
          signatureScheme: { scheme: 'ecdsa', hash: key.hash },
          akPublic: key.pem,
          pcrs: q.pcrs,
        },
        { nonce },
      );
      expect(check(bad, 'tpm.quote.signature')?.status).toBe('fail');
      expect(check(bad, 'tpm.quote.signature')?.detail).toBeUndefined();
    });
  }

  it('verifyTpmCertify takes the same path', async () => {
    const objectPublic = p384.publicArea;
    const attest = encodeTpmsAttest({
      qualifiedSigner: new Uint8Array(34),
      extraData: nonce,
      clockInfo: { clock: 1n, resetCount: 0, restartCount: 0, safe: true },
      firmwareVersion: 0n,
      attested: { type: 'certify', name: tpmName(objectPublic), qualifiedName: new Uint8Array(34) },
    });
    const rs = await rawStartingWith0x30(p256, attest);
    const r = await verifyTpmCertify(
      {
        attest,
        signature: rs,
        signatureScheme: { scheme: 'ecdsa', hash: 'sha256' },
        signerPublic: p256.publicArea,
        objectPublic,
      },
      { nonce },
    );
    expect(check(r, 'tpm.certify.signature')?.status).toBe('pass');
    expect(r.ok).toBe(true);
  });
});

describe('bareEcdsaReadings', () => {
  it('keeps both readings when an r‖s value is also a strict DER SEQUENCE of two INTEGERs', () => {
    // 64 bytes = 30 3e | 02 1d <29 bytes> | 02 1d <29 bytes>: valid DER and a P-256 r‖s size.
    const body = (fill: number): Uint8Array => new Uint8Array(29).fill(fill);
    const ambiguous = concatBytes(
      Uint8Array.of(0x30, 0x3e, 0x02, 0x1d),
      body(0x11),
      Uint8Array.of(0x02, 0x1d),
      body(0x22),
    );
    expect(ambiguous.length).toBe(64);
    const readings = bareEcdsaReadings(ambiguous, undefined, 32);
    expect(readings).toEqual([ecdsaDerToRaw(ambiguous, 32), ambiguous]);
    expect(bareEcdsaReadings(ambiguous, 'raw', 32)).toEqual([ambiguous]);
    expect(bareEcdsaReadings(ambiguous, 'der', 32)).toEqual([ecdsaDerToRaw(ambiguous, 32)]);
  });

  it('r‖s of any first byte is read as r‖s when it is not strict DER', () => {
    for (let first = 0; first < 256; first++) {
      const rs = new Uint8Array(64).fill(0x5a);
      rs[0] = first;
      expect(bareEcdsaReadings(rs, undefined, 32), `first byte ${first}`).toEqual([rs]);
    }
  });

  it('neither reading: ERR_BAD_SIGNATURE_ENCODING, with the DER error as cause', () => {
    const e = expectAttestError(
      () => bareEcdsaReadings(Uint8Array.of(0x30, 0x05, 0x02, 0x01, 0x01), undefined, 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
    expect(e.cause).toBeInstanceOf(AttestError);
    expectAttestError(
      () => bareEcdsaReadings(new Uint8Array(63), undefined, 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
    expectAttestError(
      () => bareEcdsaReadings(new Uint8Array(63), 'raw', 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
    expectAttestError(
      () => bareEcdsaReadings(new Uint8Array(64), 'der', 32),
      'ERR_BAD_SIGNATURE_ENCODING',
    );
  });
});

describe('signatureScheme.format contract', () => {
  it('format is only for ECDSA and only raw | der (TypeError otherwise)', async () => {
    const q = await forgeQuote({ key: p256, selection: [['sha256', [0]]], nonce });
    const ev = { attest: q.attest, signature: q.signature, akPublic: p256.pem, pcrs: q.pcrs };
    const bad = [
      { scheme: 'rsassa', hash: 'sha256', format: 'raw' },
      { scheme: 'rsapss', hash: 'sha256', format: 'der' },
      { scheme: 'ecdsa', hash: 'sha256', format: 'p1363' },
      { scheme: 'ecdsa', hash: 'sha256', format: null },
    ];
    for (const signatureScheme of bad) {
      await expect(
        verifyTpmQuote({ ...ev, signatureScheme: signatureScheme as never }, { nonce }),
      ).rejects.toThrow(TypeError);
    }
  });
});
