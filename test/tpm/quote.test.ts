/**
 * verifyTpmQuote driven one change at a time with SYNTHETIC quotes (software keys, see
 * support/forge.ts), including the regression tests for the TPM quote CVE classes: PCRs outside
 * the signed selection (CVE-2022-0317 go-attestation, CVE-2024-29039 tpm2-tools), a missing magic
 * check (non-TPM data signed by a non-restricted key) and nonce handling.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeTpmsAttest,
  parseTpmsAttest,
  TPM_ALG,
  TPM_GENERATED_VALUE,
  tpmHandleName,
  tpmQualifiedName,
  verifyTpmQuote,
  type PcrBanks,
  type TpmQuoteVerification,
} from '../../src/tpm/index.js';
import { digest } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { forgeKey, forgeQuote, pcrValues, type ForgedKey } from './support/forge.js';

const st = (r: TpmQuoteVerification, id: string): string | undefined =>
  r.checks.find((c) => c.id === id)?.status;
const failed = (r: TpmQuoteVerification): string[] =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const nonce = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

let rsa: ForgedKey;
let pss: ForgedKey;
let pssMax: ForgedKey;
let p256: ForgedKey;
let p384: ForgedKey;
beforeAll(async () => {
  [rsa, pss, pssMax, p256, p384] = await Promise.all([
    forgeKey('rsassa'),
    forgeKey('rsapss'),
    forgeKey('rsapss-max'),
    forgeKey('p256'),
    forgeKey('p384'),
  ]);
});

describe('verifyTpmQuote (synthetic keys): every scheme', () => {
  it('RSASSA, RSAPSS (hash-length and maximum salt), ECDSA P-256, P-384/SHA-384', async () => {
    for (const key of [rsa, pss, pssMax, p256, p384]) {
      const q = await forgeQuote({ key, selection: [['sha256', [0, 1, 7]]], nonce });
      const r = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: key.publicArea, pcrs: q.pcrs },
        { nonce },
      );
      expect(failed(r), key.kind).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.pcrs).toEqual(q.pcrs);
      if (key === pssMax) {
        expect(r.checks.find((c) => c.id === 'tpm.quote.signature')?.detail).toEqual({
          saltLength: 222,
        });
      }
      // AK as JWK and PEM.
      for (const akPublic of [key.jwk, key.pem]) {
        const r2 = await verifyTpmQuote(
          { attest: q.attest, signature: q.signature, akPublic, pcrs: q.pcrs },
          { nonce },
        );
        expect(r2.ok).toBe(true);
      }
    }
  });

  it('ECDSA r/s with stripped or extra leading zeros verify; oversize r fails as encoding', async () => {
    const q = await forgeQuote({ key: p256, selection: [['sha256', [0]]], nonce });
    const sig = q.signature;
    // Re-encode with r prefixed by a zero byte (33 bytes).
    const r = sig.subarray(6, 38);
    const s = sig.subarray(40);
    const padded = concatBytes(
      sig.subarray(0, 4),
      Uint8Array.of(0, 33, 0),
      r,
      Uint8Array.of(0, 32),
      s,
    );
    const ok = await verifyTpmQuote(
      { attest: q.attest, signature: padded, akPublic: p256.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(ok.ok).toBe(true);
    const big = concatBytes(
      sig.subarray(0, 4),
      Uint8Array.of(0, 33, 1),
      r,
      Uint8Array.of(0, 32),
      s,
    );
    const bad = await verifyTpmQuote(
      { attest: q.attest, signature: big, akPublic: p256.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(failed(bad)).toEqual(['tpm.quote.signature']);
    expect(bad.checks.find((c) => c.id === 'tpm.quote.signature')?.detail).toMatchObject({
      code: 'ERR_BAD_SIGNATURE_ENCODING',
    });
  });

  it('raw signatures with signatureScheme (RSASSA bytes, ECDSA r‖s and DER)', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const raw = await rsa.signRaw(q.attest);
    const r = await verifyTpmQuote(
      {
        attest: q.attest,
        signature: raw,
        signatureScheme: { scheme: 'rsassa', hash: 'sha256' },
        akPublic: rsa.jwk,
        pcrs: q.pcrs,
      },
      { nonce },
    );
    expect(r.ok).toBe(true);
    expect(r.signature).toBeUndefined();
    const qe = await forgeQuote({ key: p256, selection: [['sha256', [0]]], nonce });
    const rs = await p256.signRaw(qe.attest);
    const r2 = await verifyTpmQuote(
      {
        attest: qe.attest,
        signature: rs,
        signatureScheme: { scheme: 'ecdsa', hash: 'sha256' },
        akPublic: p256.pem,
        pcrs: qe.pcrs,
      },
      { nonce },
    );
    expect(r2.ok).toBe(true);
    const derInt = (v: Uint8Array): Uint8Array => {
      let i = 0;
      while (i < v.length - 1 && v[i] === 0) i++;
      const body =
        (v[i]! & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), v.subarray(i)) : v.subarray(i);
      return concatBytes(Uint8Array.of(0x02, body.length), body);
    };
    const ints = concatBytes(derInt(rs.subarray(0, 32)), derInt(rs.subarray(32)));
    const der = concatBytes(Uint8Array.of(0x30, ints.length), ints);
    const r3 = await verifyTpmQuote(
      {
        attest: qe.attest,
        signature: der,
        signatureScheme: { scheme: 'ecdsa', hash: 'sha256' },
        akPublic: p256.pem,
        pcrs: qe.pcrs,
      },
      { nonce },
    );
    expect(r3.ok).toBe(true);
  });

  it('a signature scheme that differs from the AK scheme fails tpm.quote.scheme', async () => {
    const q = await forgeQuote({ key: pss, selection: [['sha256', [0]]], nonce });
    // Same RSA key material presented with an RSASSA TPMT_PUBLIC.
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.quote.scheme', 'tpm.quote.signature']);
    const ec = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: p256.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(st(ec, 'tpm.quote.scheme')).toBe('fail');
    expect(st(ec, 'tpm.quote.signature')).toBe('skip');
    expect(ec.ok).toBe(false);
  });
});

describe('CVE regression: PCRs outside the signed selection are never used (CVE-2022-0317, CVE-2024-29039)', () => {
  it('an extra PCR beside the selection fails pcr-selection and is not returned', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0, 7]]], nonce });
    const forged: PcrBanks = {
      sha256: { ...q.pcrs.sha256!, 10: new Uint8Array(32).fill(0x41) },
      sha384: { 0: new Uint8Array(48) },
    };
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: forged },
      { nonce },
    );
    expect(r.ok).toBe(false);
    expect(failed(r)).toEqual(['tpm.quote.pcr-selection']);
    expect(r.checks.find((c) => c.id === 'tpm.quote.pcr-selection')?.detail).toMatchObject({
      extra: ['sha256:10', 'sha384:0'],
      missing: [],
    });
    expect(r.pcrs).toEqual({});
    expect(st(r, 'tpm.quote.pcr-digest')).toBe('skip');
  });

  it('values re-labelled to other PCRs with the same concatenation fail (selection mismatch)', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0, 1]]], nonce });
    // H(v0 ‖ v1) is also H of "PCR 1 = v0, PCR 2 = v1": a digest-only check would accept it.
    const moved: PcrBanks = { sha256: { 1: q.pcrs.sha256![0]!, 2: q.pcrs.sha256![1]! } };
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: moved },
      { nonce },
    );
    expect(r.ok).toBe(false);
    expect(failed(r)).toEqual(['tpm.quote.pcr-selection']);
    expect(r.pcrs).toEqual({});
  });

  it('a bank swap with the same values fails (sha256 quote, values claimed as sha384-length)', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [3]]], nonce });
    const r = await verifyTpmQuote(
      {
        attest: q.attest,
        signature: q.signature,
        akPublic: rsa.publicArea,
        pcrs: { sha256: { 3: new Uint8Array(48) } },
      },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.quote.pcr-selection']);
    expect(r.checks.find((c) => c.id === 'tpm.quote.pcr-selection')?.detail).toMatchObject({
      wrongSize: ['sha256:3'],
    });
  });

  it('a missing selected PCR fails; the result holds only selected PCRs on success', async () => {
    const q = await forgeQuote({
      key: p256,
      selection: [
        ['sha256', [0, 7]],
        ['sha384', [7]],
      ],
      nonce,
    });
    const partial: PcrBanks = { sha256: { 0: q.pcrs.sha256![0]! } };
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: p256.publicArea, pcrs: partial },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.quote.pcr-selection']);
    const ok = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: p256.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(ok.ok).toBe(true);
    expect(Object.keys(ok.pcrs).sort()).toEqual(['sha256', 'sha384']);
    expect(Object.keys(ok.pcrs.sha256!)).toEqual(['0', '7']);
    // Returned values are copies: equal, but changing the caller's arrays changes nothing.
    expect(ok.pcrs.sha256![0]).not.toBe(q.pcrs.sha256![0]);
    expect(ok.pcrs.sha384![7]).toEqual(q.pcrs.sha384![7]);
    const before = Uint8Array.from(ok.pcrs.sha256![7]!);
    q.pcrs.sha256![7]!.fill(0xee);
    expect(ok.pcrs.sha256![7]).toEqual(before);
  });

  it('a bank listed twice contributes twice to the digest', async () => {
    const q = await forgeQuote({
      key: rsa,
      selection: [
        ['sha256', [1]],
        ['sha256', [1, 2]],
      ],
      nonce,
    });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(r.ok).toBe(true);
    // An extra PCR beside the repeated bank still fails the selection.
    const extra: PcrBanks = { sha256: { ...q.pcrs.sha256!, 3: new Uint8Array(32) } };
    const bad = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: extra },
      { nonce },
    );
    expect(failed(bad)).toEqual(['tpm.quote.pcr-selection']);
    expect(bad.pcrs).toEqual({});
  });

  it('pcrDigest uses the signing hash, not the bank hash', async () => {
    const q = await forgeQuote({ key: p384, selection: [['sha256', [0]]], nonce });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: p384.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'tpm.quote.pcr-digest')?.detail).toMatchObject({
      hash: 'sha384',
    });
    const wrong = await forgeQuote({
      key: p384,
      selection: [['sha256', [0]]],
      nonce,
      digestHash: 'sha256',
    });
    const r2 = await verifyTpmQuote(
      {
        attest: wrong.attest,
        signature: wrong.signature,
        akPublic: p384.publicArea,
        pcrs: wrong.pcrs,
      },
      { nonce },
    );
    expect(failed(r2)).toEqual(['tpm.quote.pcr-digest']);
  });
});

describe('CVE regression: magic and type', () => {
  it('a validly signed structure without TPM_GENERATED fails magic (non-restricted key signing arbitrary data)', async () => {
    const signer = await forgeKey('rsassa', 'sha256', { attributes: 0x00040072 }); // sign, not restricted
    const q = await forgeQuote({
      key: signer,
      selection: [['sha256', [0]]],
      nonce,
      magic: 0x01544347,
    });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: signer.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(st(r, 'tpm.quote.signature')).toBe('pass');
    expect(failed(r)).toEqual(['tpm.quote.magic', 'tpm.quote.ak-attributes']);
    expect(r.ok).toBe(false);
    expect(r.pcrs).toEqual({});
    // Given as PEM (attributes unknown), the magic check alone still rejects it.
    const r2 = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: signer.pem, pcrs: q.pcrs },
      { nonce },
    );
    expect(failed(r2)).toEqual(['tpm.quote.magic']);
    expect(r2.ok).toBe(false);
  });

  it('a certify (or any other) structure is not a quote', async () => {
    const q = await forgeQuote({
      key: rsa,
      selection: [],
      nonce,
      attested: { type: 'certify', name: new Uint8Array(34), qualifiedName: new Uint8Array(34) },
    });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: {} },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.quote.type']);
    expect(st(r, 'tpm.quote.pcr-selection')).toBe('skip');
    expect(r.ok).toBe(false);
  });

  it('malformed TPMS_ATTEST is a failed check, not an exception', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const trailing = concatBytes(q.attest, Uint8Array.of(0));
    const r = await verifyTpmQuote(
      { attest: trailing, signature: await rsa.sign(trailing), akPublic: rsa.publicArea },
      { nonce },
    );
    expect(st(r, 'tpm.quote.structure')).toBe('fail');
    expect(st(r, 'tpm.quote.signature')).toBe('pass');
    expect(r.checks.find((c) => c.id === 'tpm.quote.structure')?.detail).toMatchObject({
      problems: [{ structure: 'TPMS_ATTEST', code: 'ERR_TRAILING_DATA', offset: q.attest.length }],
    });
    expect(r.ok).toBe(false);
    const tiny = await verifyTpmQuote(
      { attest: Uint8Array.of(0xff, 0x54), signature: q.signature, akPublic: rsa.publicArea },
      { nonce },
    );
    expect(st(tiny, 'tpm.quote.magic')).toBe('fail');
    expect(st(tiny, 'tpm.quote.type')).toBe('fail');
  });
});

describe('CVE regression: nonce', () => {
  it('wrong, truncated, extended and missing nonces', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const ev = { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs };
    for (const n of [
      nonce.slice(0, 31),
      concatBytes(nonce, Uint8Array.of(0)),
      nonce.map((b) => b ^ 1),
      new Uint8Array(0),
    ]) {
      const r = await verifyTpmQuote(ev, { nonce: n });
      expect(failed(r)).toEqual(['tpm.quote.nonce']);
      expect(r.ok).toBe(false);
      expect(r.pcrs).toEqual({});
    }
    const missing = await verifyTpmQuote(ev);
    expect(st(missing, 'tpm.quote.nonce')).toBe('skip');
    expect(missing.checks.find((c) => c.id === 'tpm.quote.nonce')?.required).toBe(true);
    expect(missing.ok).toBe(false);
    expect(missing.pcrs).toEqual({});
    const relaxed = await verifyTpmQuote(ev, { requireNonce: false });
    expect(st(relaxed, 'tpm.quote.nonce')).toBe('skip');
    expect(relaxed.ok).toBe(true);
  });

  it('an empty nonce proves no freshness: it fails under requireNonce, and only warns without it', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]] });
    const ev = { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs };
    const empty = new Uint8Array(0);
    const r = await verifyTpmQuote(ev, { nonce: empty });
    expect(failed(r)).toEqual(['tpm.quote.nonce']);
    expect(r.checks.find((c) => c.id === 'tpm.quote.nonce')?.detail).toEqual({
      expected: '',
      actual: '',
    });
    expect(r.ok).toBe(false);
    expect(r.pcrs).toEqual({});
    // requireNonce: true spelled out is the same as the default.
    const explicit = await verifyTpmQuote(ev, { nonce: empty, requireNonce: true });
    expect(failed(explicit)).toEqual(['tpm.quote.nonce']);
    // A caller that opted out of freshness sees a warning, and the quote is accepted.
    const relaxed = await verifyTpmQuote(ev, { nonce: empty, requireNonce: false });
    expect(st(relaxed, 'tpm.quote.nonce')).toBe('warn');
    expect(relaxed.ok).toBe(true);
    expect(relaxed.pcrs).toEqual(q.pcrs);
  });
});

describe('AK attributes, qualified signer, SHA-1, clock', () => {
  it('AK attribute problems are listed', async () => {
    const cases: [number, string[]][] = [
      [0x00040072, ['restricted clear']],
      [0x00050070, ['fixedTPM clear']],
      [0x00070072, ['decrypt set (an AK must not decrypt)']],
      [0x00050062, ['fixedParent clear']],
      [0x00050052, ['sensitiveDataOrigin clear']],
    ];
    for (const [attributes, problems] of cases) {
      const k = await forgeKey('p256', 'sha256', { attributes });
      const q = await forgeQuote({ key: k, selection: [['sha256', [0]]], nonce });
      const r = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: k.publicArea, pcrs: q.pcrs },
        { nonce },
      );
      expect(failed(r)).toEqual(['tpm.quote.ak-attributes']);
      expect(r.checks.find((c) => c.id === 'tpm.quote.ak-attributes')?.detail).toMatchObject({
        problems,
      });
    }
    const unsigned = await forgeKey('p256', 'sha256', { attributes: 0x00010072 });
    const q = await forgeQuote({ key: unsigned, selection: [['sha256', [0]]], nonce });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: unsigned.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.quote.ak-attributes', 'tpm.quote.scheme']);
  });

  it('qualifiedSigner: pass with the right parent QN, fail with a wrong one or a wrong algorithm', async () => {
    const parent = tpmHandleName('endorsement');
    const qn = tpmQualifiedName(parent, p256.publicArea);
    const q = await forgeQuote({
      key: p256,
      selection: [['sha256', [0]]],
      nonce,
      qualifiedSigner: qn,
    });
    const ev = {
      attest: q.attest,
      signature: q.signature,
      akPublic: p256.publicArea,
      pcrs: q.pcrs,
    };
    expect(
      st(
        await verifyTpmQuote(ev, { nonce, akParentQualifiedName: parent }),
        'tpm.quote.qualified-signer',
      ),
    ).toBe('pass');
    expect(st(await verifyTpmQuote(ev, { nonce }), 'tpm.quote.qualified-signer')).toBe('skip');
    const wrong = await verifyTpmQuote(ev, {
      nonce,
      akParentQualifiedName: tpmHandleName('owner'),
    });
    expect(failed(wrong)).toEqual(['tpm.quote.qualified-signer']);
    const alg = await forgeQuote({
      key: p256,
      selection: [['sha256', [0]]],
      nonce,
      qualifiedSigner: concatBytes(Uint8Array.of(0, 0x0c), new Uint8Array(48)),
    });
    const r = await verifyTpmQuote(
      { ...ev, attest: alg.attest, signature: alg.signature },
      { nonce },
    );
    expect(failed(r)).toEqual(['tpm.quote.qualified-signer']);
  });

  it('SHA-1 signatures and banks need allowSha1', async () => {
    const k = await forgeKey('rsassa', 'sha1');
    const q = await forgeQuote({ key: k, selection: [['sha256', [0]]], nonce });
    const ev = { attest: q.attest, signature: q.signature, akPublic: k.publicArea, pcrs: q.pcrs };
    const r = await verifyTpmQuote(ev, { nonce });
    expect(failed(r)).toEqual(['tpm.quote.sha1']);
    expect((await verifyTpmQuote(ev, { nonce, allowSha1: true })).ok).toBe(true);
    const b = await forgeQuote({
      key: rsa,
      selection: [
        ['sha1', [0]],
        ['sha256', [0]],
      ],
      nonce,
    });
    const rb = await verifyTpmQuote(
      { attest: b.attest, signature: b.signature, akPublic: rsa.publicArea, pcrs: b.pcrs },
      { nonce },
    );
    expect(failed(rb)).toEqual(['tpm.quote.sha1']);
  });

  it('a SHA-1 signature fails sha1 even when the AK does not decode (the hash is in TPMT_SIGNATURE)', async () => {
    const k = await forgeKey('rsassa', 'sha1');
    const q = await forgeQuote({ key: k, selection: [['sha256', [0]]], nonce });
    const brokenAk = k.publicArea.slice();
    brokenAk[1] = 0x99; // TPMT_PUBLIC.type 0x0099: not an object type
    const sha1Detail = (r: TpmQuoteVerification): unknown =>
      r.checks.find((c) => c.id === 'tpm.quote.sha1')?.detail;
    const ev = { attest: q.attest, signature: q.signature, akPublic: brokenAk, pcrs: q.pcrs };
    const r = await verifyTpmQuote(ev, { nonce });
    expect(st(r, 'tpm.quote.ak')).toBe('fail');
    expect(st(r, 'tpm.quote.signature')).toBe('skip');
    expect(st(r, 'tpm.quote.sha1')).toBe('fail');
    expect(sha1Detail(r)).toEqual({ uses: ['SHA-1 signature'] });
    expect(r.ok).toBe(false);
    const allowed = await verifyTpmQuote(ev, { nonce, allowSha1: true });
    expect(st(allowed, 'tpm.quote.sha1')).toBe('warn');
    // A bare signature: the hash comes from signatureScheme.
    const raw = await verifyTpmQuote(
      {
        ...ev,
        signature: await k.signRaw(q.attest),
        signatureScheme: { scheme: 'rsassa', hash: 'sha1' },
      },
      { nonce },
    );
    expect(st(raw, 'tpm.quote.ak')).toBe('fail');
    expect(st(raw, 'tpm.quote.sha1')).toBe('fail');
    // A SHA-256 TPMT_SIGNATURE with the same broken AK: no SHA-1 is known to be used.
    const q256 = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const broken256 = rsa.publicArea.slice();
    broken256[1] = 0x99;
    const r256 = await verifyTpmQuote(
      { attest: q256.attest, signature: q256.signature, akPublic: broken256, pcrs: q256.pcrs },
      { nonce },
    );
    expect(st(r256, 'tpm.quote.ak')).toBe('fail');
    expect(st(r256, 'tpm.quote.sha1')).toBe('pass');
  });

  it('clockInfo.safe clear is a warning; clockInfo and firmwareVersion are returned', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce, safe: false });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(st(r, 'tpm.quote.clock-safe')).toBe('warn');
    expect(r.ok).toBe(true);
    expect(r.clockInfo).toEqual({ clock: 123456n, resetCount: 1, restartCount: 0, safe: false });
    expect(r.firmwareVersion).toBe(0x2019102300163636n);
  });

  it('a quote without PCR values verifies signature and nonce; PCR checks skip and nothing is returned', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea },
      { nonce },
    );
    expect(r.ok).toBe(true);
    expect(st(r, 'tpm.quote.pcr-selection')).toBe('skip');
    expect(r.pcrs).toEqual({});
  });

  it('every check appears once, in order, with stable ids', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0]]], nonce });
    const r = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs },
      { nonce },
    );
    expect(r.checks.map((c) => c.id)).toEqual([
      'tpm.quote.structure',
      'tpm.quote.magic',
      'tpm.quote.type',
      'tpm.quote.ak',
      'tpm.quote.ak-attributes',
      'tpm.quote.scheme',
      'tpm.quote.signature',
      'tpm.quote.nonce',
      'tpm.quote.qualified-signer',
      'tpm.quote.sha1',
      'tpm.quote.pcr-selection',
      'tpm.quote.pcr-digest',
      'tpm.quote.clock-safe',
    ]);
  });

  it('a flipped byte anywhere in the signed region fails the signature and other checks still report', async () => {
    const q = await forgeQuote({ key: rsa, selection: [['sha256', [0, 1]]], nonce });
    for (let i = 0; i < q.attest.length; i += 7) {
      const a = q.attest.slice();
      a[i]! ^= 0x01;
      const r = await verifyTpmQuote(
        { attest: a, signature: q.signature, akPublic: rsa.publicArea, pcrs: q.pcrs },
        { nonce },
      );
      expect(r.ok).toBe(false);
      expect(st(r, 'tpm.quote.signature')).toBe('fail');
      expect(r.checks).toHaveLength(13);
    }
  });
});

describe('TPMS_ATTEST encoder sanity', () => {
  it('encodes magic override and default', () => {
    const base = {
      qualifiedSigner: new Uint8Array(0),
      extraData: new Uint8Array(0),
      clockInfo: { clock: 0n, resetCount: 0, restartCount: 0, safe: true },
      firmwareVersion: 0n,
      attested: {
        type: 'quote' as const,
        pcrSelect: [{ hashAlg: TPM_ALG.SHA256, pcrs: [0] }],
        pcrDigest: digest('sha256', new Uint8Array(32)),
      },
    };
    expect(parseTpmsAttest(encodeTpmsAttest(base)).magic).toBe(TPM_GENERATED_VALUE);
    expect(encodeTpmsAttest({ ...base, magic: 1 })[3]).toBe(1);
    expect(pcrValues({ sha256: [0] }).sha256![0]).toHaveLength(32);
  });
});
