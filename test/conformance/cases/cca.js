/* global crypto */
/**
 * @module
 * Conformance cases for `attestkit/cca`, run from the built package under every runtime: real Arm
 * CCA attestation tokens (TF-M / TF-RMM and Veraison) verified with their CPAK (ES384 platform and
 * realm COSE_Sign1 signatures, the RAK → platform-challenge binding), the Veraison token whose
 * binding is broken, and negatives generated from the real bytes: flipped signature bytes, a key of
 * the wrong curve, truncations. Binding hashes are those of cca/expected.json (quoted below so the
 * fixture need not carry that 144 KB file).
 */
import * as cca from 'attestkit/cca';
import {
  checkOf,
  deepEqual,
  equal,
  failedIds,
  hex,
  ok,
  statusOf,
  throwsAttestError,
} from '../assert.js';

export const requires = { cca: ['parseCcaToken', 'verifyCcaToken'] };

const CPAK_JWK = 'cca/keys/cpak-tfrmm-p384.json';
const CPAK_PEM = 'cca/keys/cpak-tfrmm-p384-pem.pub';
const TFM = 'cca/tokens/tfm-cca-example-token.cbor';
const RC01 = 'cca/tokens/rc-cca-token-01.cbor';
const BUG33 = 'cca/tokens/rc-bug-33-repro.cbor';

/** cca/expected.json → vectors[id].expected.checks.binding_hash_of_rak_claim_bytes (SHA-256). */
const RAK_CLAIM_SHA256 = {
  'tfm-cca-example-token': '0d22e08a98469058486318283489bdb36f09dbefeb1864df433fa6e54ea2d711',
  'rc-bug-33-repro': 'b5973cb68baa9fc55558786b7ec67f69e40df5ba5aa921cd0c27f40587a011ea',
};
/** rc-bug-33-repro's platform challenge (cca/expected.json platform_claims.challenge). */
const BUG33_CHALLENGE = '07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918';

/** Checks a genuine CCA token (platform + realm) must pass. */
const MUST_PASS = [
  'cca.decode',
  'cca.platform.algorithm',
  'cca.platform.key',
  'cca.platform.signature',
  'cca.platform.claims',
  'cca.realm.algorithm',
  'cca.realm.public-key',
  'cca.realm.signature',
  'cca.realm.claims',
  'cca.binding',
];

/** First index of `needle` in `haystack`, or -1. */
function indexOfBytes(haystack, needle) {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function expectVerified(r, what) {
  for (const id of MUST_PASS) equal(statusOf(r, id), 'pass', `${what}: ${id}`);
  deepEqual(failedIds(r), [], `${what}: failed checks`);
  equal(r.ok, true, `${what}: ok`);
}

/** @type {{ name: string, vectors?: string[], run: (ctx: any) => unknown }[]} */
export const cases = [
  {
    name: 'TF-M example CCA token verifies with its CPAK (JWK and PEM); the binding is SHA-256 of the RAK claim',
    vectors: [TFM, CPAK_JWK, CPAK_PEM],
    async run(ctx) {
      const bytes = ctx.vector(TFM);
      const jwk = ctx.vectorJson(CPAK_JWK);
      const r = await cca.verifyCcaToken(bytes, { platformKey: jwk });
      expectVerified(r, 'CPAK as JWK');
      equal(r.token.format, 'cca', 'token format');
      equal(r.token.platform.cose.algName, 'ES384', 'platform COSE alg');
      const binding = checkOf(r, 'cca.binding').detail;
      equal(binding.algorithm, 'sha-256', 'binding algorithm');
      equal(binding.actual, RAK_CLAIM_SHA256['tfm-cca-example-token'], 'hash of the RAK claim');
      equal(binding.expected, hex(r.platformClaims.challenge), 'the platform challenge');
      // The same hash computed by this runtime's WebCrypto over the RAK claim bytes.
      const own = new Uint8Array(
        await crypto.subtle.digest('SHA-256', r.token.realm.claims.publicKey),
      );
      equal(hex(own), binding.actual, 'WebCrypto SHA-256 of the RAK claim');
      equal(r.realmClaims.rak.key.curve, 'P-384', 'RAK curve');

      const pem = await cca.verifyCcaToken(bytes, { platformKey: ctx.vectorText(CPAK_PEM) });
      expectVerified(pem, 'CPAK as PEM');
    },
  },

  {
    name: 'TF-M example CCA token: a flipped platform or realm signature byte fails exactly that signature; a P-256 key fails the platform signature',
    vectors: [TFM, CPAK_JWK],
    async run(ctx) {
      const bytes = ctx.vector(TFM);
      const platformKey = ctx.vectorJson(CPAK_JWK);
      const token = cca.parseCcaToken(bytes);
      for (const [which, sig, id] of [
        ['platform', token.platform.cose.signature, 'cca.platform.signature'],
        ['realm', token.realm.cose.signature, 'cca.realm.signature'],
      ]) {
        equal(sig.length, 96, `${which} ES384 signature length`);
        const at = indexOfBytes(bytes, sig);
        ok(at > 0, `the ${which} signature is inside the token bytes`);
        const bad = bytes.slice();
        bad[at + sig.length - 1] ^= 0x01;
        const r = await cca.verifyCcaToken(bad, { platformKey });
        equal(r.ok, false, `flipped ${which} signature: ok`);
        deepEqual(failedIds(r), [id], `flipped ${which} signature: failed checks`);
        equal(statusOf(r, 'cca.binding'), 'pass', `flipped ${which} signature: binding intact`);
      }

      // A valid P-256 public key (generated here) is the wrong curve for an ES384 token.
      const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ]);
      const p256 = await crypto.subtle.exportKey('jwk', pair.publicKey);
      const wrong = await cca.verifyCcaToken(bytes, {
        platformKey: { kty: p256.kty, crv: p256.crv, x: p256.x, y: p256.y },
      });
      equal(wrong.ok, false, 'P-256 key: ok');
      equal(statusOf(wrong, 'cca.platform.signature'), 'fail', 'P-256 key: platform signature');
      equal(statusOf(wrong, 'cca.realm.signature'), 'pass', 'P-256 key: realm signature (RAK)');
    },
  },

  {
    name: 'Veraison tokens: rc-cca-token-01 verifies with the CPAK; rc-bug-33-repro fails only cca.binding, naming both values',
    vectors: [RC01, BUG33, CPAK_JWK],
    async run(ctx) {
      const platformKey = ctx.vectorJson(CPAK_JWK);
      const good = await cca.verifyCcaToken(ctx.vector(RC01), { platformKey });
      expectVerified(good, 'rc-cca-token-01');

      const r = await cca.verifyCcaToken(ctx.vector(BUG33), { platformKey });
      equal(r.ok, false, 'rc-bug-33-repro: ok');
      deepEqual(failedIds(r), ['cca.binding'], 'rc-bug-33-repro: failed checks');
      for (const id of ['cca.platform.signature', 'cca.realm.signature']) {
        equal(statusOf(r, id), 'pass', `rc-bug-33-repro: ${id}`);
      }
      const d = checkOf(r, 'cca.binding').detail;
      equal(d.expected, BUG33_CHALLENGE, 'binding detail: the platform challenge');
      equal(d.actual, RAK_CLAIM_SHA256['rc-bug-33-repro'], 'binding detail: hash of the RAK claim');
    },
  },

  {
    name: 'parseCcaToken: every cut of a real token throws AttestError; verifyCcaToken reports it as a failed cca.decode',
    vectors: [TFM, CPAK_JWK],
    async run(ctx) {
      const bytes = ctx.vector(TFM);
      throwsAttestError(() => cca.parseCcaToken(new Uint8Array(0)), 'ERR_BAD_CBOR', 0, 'empty');
      for (let cut = 1; cut < bytes.length; cut += 53) {
        throwsAttestError(
          () => cca.parseCcaToken(bytes.subarray(0, cut)),
          'ERR_BAD_CBOR',
          undefined,
          `cut at ${cut}`,
        );
      }
      const r = await cca.verifyCcaToken(bytes.subarray(0, bytes.length - 1), {
        platformKey: ctx.vectorJson(CPAK_JWK),
      });
      equal(r.ok, false, 'truncated token: ok');
      equal(statusOf(r, 'cca.decode'), 'fail', 'truncated token: cca.decode');
      equal(checkOf(r, 'cca.decode').detail?.code, 'ERR_BAD_CBOR', 'cca.decode detail code');
      equal(r.token, undefined, 'no token for undecodable bytes');
    },
  },
];
