/**
 * Real-vector tests: every token, claim set and derived negative under vectors/cca gives exactly
 * the claims, envelope facts, signature / binding results and verdict in expected.json.
 */
import { describe, expect, it } from 'vitest';
import {
  parseCcaPlatformClaims,
  parseCcaRealmClaims,
  parseCcaToken,
  parseCcaTrustAnchorStore,
  verifyCcaToken,
  type CcaCheckId,
  type CcaTokenFormat,
  type CcaVerification,
} from '../../src/cca/index.js';
import { toHex } from '../../src/core/encoding.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, listVectors, readVector, readVectorText } from '../support/vectors.js';
import {
  expectedJson,
  platformToExpected,
  publicJwkOf,
  realmToExpected,
  type Json,
} from './support/expected.js';

const EXPECTED = expectedJson();
const status = (r: CcaVerification, id: CcaCheckId): string | undefined =>
  r.checks.find((c) => c.id === id)?.status;

type Cose = {
  cose_sign1_tag18: boolean;
  protected_hex: string;
  alg: number | null;
  alg_name: string | null;
  unprotected: Json;
  payload_len: number;
  signature_len: number;
};

function expectCose(actual: ReturnType<typeof parseCcaToken>['platform']['cose'], e: Cose): void {
  expect(actual.tagged).toBe(e.cose_sign1_tag18);
  expect(toHex(actual.protectedHeader)).toBe(e.protected_hex);
  expect(actual.alg ?? null).toBe(e.alg);
  expect(actual.algName ?? null).toBe(e.alg_name);
  expect(actual.unprotectedLabels).toEqual(Object.keys(e.unprotected).map(Number));
  expect(actual.payload.length).toBe(e.payload_len);
  expect(actual.signature.length).toBe(e.signature_len);
}

const FORMAT: Record<string, string> = {
  'cca-token': 'cca',
  'cca-platform-token': 'cca-platform',
  'psa-token': 'psa',
};

describeVectors('cca vectors: every file is covered by expected.json', () => {
  it('lists every token, claim set and negative', () => {
    const covered = new Set(
      [...EXPECTED.vectors, ...EXPECTED.claim_sets, ...EXPECTED.derived_negatives].map(
        (v) => v.file as string,
      ),
    );
    const cbor = listVectors('cca').filter((f) => f.endsWith('.cbor'));
    expect(cbor.length).toBeGreaterThanOrEqual(31);
    for (const f of cbor) expect(covered, f).toContain(f);
  });
});

describeVectors('cca vectors: signed tokens', () => {
  for (const v of EXPECTED.vectors) {
    const e = v.expected as Json;
    const file = v.file as string;
    const keyId = (v.platform_key as { id: string }).id;
    describe(v.id as string, () => {
      const bytes = readVector('cca', file);

      it('parses with the expected envelope and COSE facts', () => {
        const t = parseCcaToken(bytes);
        expect(t.format).toBe(FORMAT[v.kind as string]);
        expect(t.raw).toEqual(bytes);
        if (t.format === 'cca') {
          expect(t.collection?.tag).toBe(e.outer_tag);
          const entry = e.platform_entry as {
            entry_encoding: string;
            content_format: number | null;
          };
          expect(entry.entry_encoding).toBe(
            t.collection?.tag === 907 ? 'array[content_format, bstr]' : 'bstr',
          );
          expect(t.collection?.contentFormat ?? null).toBe(entry.content_format);
          expectCose(t.platform.cose, e.platform_cose as Cose);
          expectCose(t.realm!.cose, e.realm_cose as Cose);
        } else {
          expect(t.collection).toBeUndefined();
          expect(t.realm).toBeUndefined();
          expectCose(t.platform.cose, (e.platform_cose ?? e.cose) as Cose);
        }
      });

      it('decodes exactly the expected claims', () => {
        const t = parseCcaToken(bytes);
        expect(platformToExpected(t.platform.claims)).toEqual(e.platform_claims ?? e.claims);
        if (e.realm_claims !== undefined) {
          expect(realmToExpected(t.realm!.claims)).toEqual(e.realm_claims);
        }
        const unknown = (e.unrecognised_claim_keys as { realm_claims?: string[] } | undefined)
          ?.realm_claims;
        expect(t.realm?.claims.unknownClaims.map((u) => `UNKNOWN_${String(u.key)}`) ?? []).toEqual(
          unknown ?? [],
        );
      });

      if (e.rak !== undefined) {
        it('decodes the RAK as expected', () => {
          const rak = parseCcaToken(bytes).realm!.claims.rak;
          const x = e.rak as Json;
          expect(rak.encoding).toBe(x.encoding === 'cose_key' ? 'cose-key' : 'raw-point');
          expect(rak.key.curve).toBe(x.curve);
          expect(toHex(rak.key.x)).toBe(x.x);
          expect(toHex(rak.key.y)).toBe(x.y);
          expect(rak.hasPrivateKey).toBe(x.has_private_d);
          if (x.cose_key_labels !== undefined) {
            expect([...rak.labels!].sort((a, b) => Number(a) - Number(b))).toEqual(
              x.cose_key_labels,
            );
          }
        });
      }

      it('verifies to the expected signature, binding and verdict results', async () => {
        const checks = e.checks as Json;
        // PSA and stand-alone platform tokens are verified by opting in to their format.
        const formats = [FORMAT[v.kind as string] as CcaTokenFormat];
        const r = await verifyCcaToken(bytes, { platformKey: publicJwkOf(keyId), formats });
        const platformValid = checks.platform_signature_valid ?? checks.signature_valid_es256;
        if (checks.sig_structure_protected_is_empty_bstr === true) {
          // The signature only verifies when ES256 is supplied out of band.
          expect(status(r, 'cca.platform.algorithm')).toBe('fail');
          expect(status(r, 'cca.platform.signature')).toBe('skip');
          const lenient = await verifyCcaToken(bytes, {
            platformKey: publicJwkOf(keyId),
            assumeAlgorithm: 'ES256',
            formats,
          });
          expect(status(lenient, 'cca.platform.algorithm')).toBe('warn');
          expect(status(lenient, 'cca.platform.signature')).toBe(platformValid ? 'pass' : 'fail');
          expect(lenient.ok).toBe(true);
        } else {
          expect(status(r, 'cca.platform.signature')).toBe(platformValid ? 'pass' : 'fail');
        }
        if (checks.realm_signature_valid_with_embedded_rak !== undefined) {
          expect(status(r, 'cca.realm.signature')).toBe(
            checks.realm_signature_valid_with_embedded_rak ? 'pass' : 'fail',
          );
          const binding = r.checks.find((c) => c.id === 'cca.binding')!;
          expect(binding.status).toBe(checks.binding_ok ? 'pass' : 'fail');
          expect(binding.detail).toMatchObject({
            algorithm: checks.binding_hash_alg,
            actual: checks.binding_hash_of_rak_claim_bytes,
          });
        } else {
          for (const id of ['cca.realm.signature', 'cca.binding'] as const) {
            expect(status(r, id)).toBe('skip');
            expect(r.checks.find((c) => c.id === id)!.required).toBe(false);
          }
        }
        const verdict = e.verdict;
        const strict =
          typeof verdict === 'string' ? verdict : (verdict as { strict: string }).strict;
        expect(r.ok).toBe(strict === 'valid');
        expect(r.checks.some((c) => c.status === 'fail')).toBe(strict !== 'valid');
      });
    });
  }

  it('fails rc-bug-33-repro only on the binding', async () => {
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-bug-33-repro.cbor'), {
      platformKey: publicJwkOf('cpak-tfrmm-p384'),
    });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['cca.binding']);
    expect(r.checks.find((c) => c.id === 'cca.binding')!.detail).toMatchObject({
      expected: '07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918',
      actual: 'b5973cb68baa9fc55558786b7ec67f69e40df5ba5aa921cd0c27f40587a011ea',
    });
  });

  it('fails the RAK-with-private-key token only on cca.realm.public-key', async () => {
    const r = await verifyCcaToken(
      readVector('cca', 'tokens/tfm-hist-5ebf48-cca-example-token.cbor'),
      { platformKey: publicJwkOf('cpak-tfrmm-p384') },
    );
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'cca.realm.public-key',
    ]);
    expect(r.checks.find((c) => c.id === 'cca.realm.public-key')!.detail).toMatchObject({
      hasPrivateKey: true,
    });
  });

  it('names the MEC-policy quirks it recognises', () => {
    expect(
      parseCcaToken(readVector('cca', 'tokens/tfm-hist-c7a1f2-cca-token.cbor')).realm!.claims
        .quirks,
    ).toEqual(['mec-policy-under-44241']);
    const e84 = parseCcaToken(readVector('cca', 'tokens/tfm-hist-e84d29-cca-example-token.cbor'));
    expect(e84.realm!.claims.quirks).toEqual(['mec-policy-as-text']);
    expect(e84.realm!.claims.mecPolicyName).toBe('private');
  });
});

describeVectors('cca vectors: derived negatives', () => {
  const crypto: Record<string, Partial<Record<CcaCheckId, string>>> = {
    'neg-platform-sig-flipped': {
      'cca.platform.signature': 'fail',
      'cca.realm.signature': 'pass',
      'cca.binding': 'pass',
    },
    'neg-realm-sig-flipped': {
      'cca.platform.signature': 'pass',
      'cca.realm.signature': 'fail',
      'cca.binding': 'pass',
    },
    'neg-realm-payload-tampered': {
      'cca.platform.signature': 'pass',
      'cca.realm.signature': 'fail',
      'cca.binding': 'pass',
    },
  };
  const structural: Record<string, [string, number]> = {
    'neg-outer-tag-400': ['ERR_BAD_MAGIC', 0],
    'neg-entries-not-bstr-wrapped': ['ERR_BAD_CBOR', 11],
    'neg-missing-realm-token': ['ERR_MISSING_FIELD', 3],
    'neg-tag399-with-array-entries': ['ERR_BAD_CBOR', 7],
  };
  it('covers every derived negative', () => {
    expect(EXPECTED.derived_negatives.map((n) => n.id).sort()).toEqual(
      [...Object.keys(crypto), ...Object.keys(structural)].sort(),
    );
  });
  for (const n of EXPECTED.derived_negatives) {
    const id = n.id as string;
    it(`${id} is rejected for the stated reason`, async () => {
      const bytes = readVector('cca', n.file as string);
      const r = await verifyCcaToken(bytes, {
        platformKey: publicJwkOf((n.platform_key as { id: string }).id),
      });
      expect(r.ok).toBe(false);
      if (crypto[id] !== undefined) {
        for (const [check, s] of Object.entries(crypto[id])) {
          expect(status(r, check as CcaCheckId), check).toBe(s);
        }
        expect(r.checks.filter((c) => c.status === 'fail')).toHaveLength(1);
      } else {
        const [code, offset] = structural[id]!;
        expectAttestError(() => parseCcaToken(bytes), code as 'ERR_BAD_CBOR', offset);
        const decode = r.checks.find((c) => c.id === 'cca.decode')!;
        expect(decode.status).toBe('fail');
        expect(decode.detail).toMatchObject({ code, offset });
        expect(r.checks.filter((c) => c.status === 'fail')).toHaveLength(1);
        expect(r.token).toBeUndefined();
      }
    });
  }
  it('decodes the tampered RPV as it is (ending 0x21)', () => {
    const t = parseCcaToken(readVector('cca', 'derived/neg-realm-payload-tampered.cbor'));
    expect(t.realm!.claims.personalizationValue.at(-1)).toBe(0x21);
  });
});

describeVectors('cca vectors: key mismatch cases', () => {
  it('rc-cca-token-01 with the P-256 Veraison IAK: the platform signature fails on the curve', async () => {
    const [anchor] = parseCcaTrustAnchorStore(
      readVectorText('cca', 'stores/iak-veraison-p256.json'),
    );
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-01.cbor'), {
      platformKey: anchor!.jwk,
    });
    expect(status(r, 'cca.platform.key')).toBe('pass');
    expect(r.checks.find((c) => c.id === 'cca.platform.signature')).toMatchObject({
      status: 'fail',
      detail: { expected: 'P-384', actual: 'P-256' },
    });
    expect(r.ok).toBe(false);
  });

  it('rc-cca-token-02 with the off-curve store key: the key is refused', async () => {
    expectAttestError(
      () => parseCcaTrustAnchorStore(readVectorText('cca', 'stores/iak-bad-p256.json')),
      'ERR_BAD_KEY',
      0,
    );
    const jwk = (
      JSON.parse(readVectorText('cca', 'stores/iak-bad-p256.json')) as { pkey: JsonWebKey }[]
    )[0]!.pkey;
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-02.cbor'), {
      platformKey: jwk,
    });
    expect(r.checks.find((c) => c.id === 'cca.platform.key')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_BAD_KEY' },
    });
    expect(status(r, 'cca.platform.signature')).toBe('skip');
    expect(r.ok).toBe(false);
  });

  it('rc-cca-token-draft-ffm-00 with an unrelated key: no match', async () => {
    const store = parseCcaTrustAnchorStore(readVectorText('cca', 'stores/ta-p256-other.json'));
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-draft-ffm-00.cbor'), {
      platformKey: store[0]!.jwk,
    });
    expect(status(r, 'cca.platform.signature')).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('covers the three cases of expected.json', () => {
    expect(EXPECTED.key_mismatch_cases.map((k) => k.vector)).toEqual([
      'rc-cca-token-01',
      'rc-cca-token-02',
      'rc-cca-token-draft-ffm-00',
    ]);
  });
});

describeVectors('cca vectors: unsigned claim sets', () => {
  for (const s of EXPECTED.claim_sets) {
    const e = s.expected as { decode_verdict: string; claims: Json };
    it(`${s.id as string}: ${e.decode_verdict}`, () => {
      const bytes = readVector('cca', s.file as string);
      const platform = (s.id as string).includes('platform');
      if (e.decode_verdict.startsWith('decode-error')) {
        expectAttestError(() => parseCcaRealmClaims(bytes), 'ERR_MISSING_FIELD', 0);
        return;
      }
      const actual = platform
        ? platformToExpected(parseCcaPlatformClaims(bytes))
        : realmToExpected(parseCcaRealmClaims(bytes));
      const { lifecycle_name: _n, ...rest } = actual;
      expect(platform ? { ...rest } : actual).toEqual(e.claims);
    });
  }
});
