/**
 * The `hash` scheme through verifyConfidentialVm on Arm CCA (SYNTHETIC: a CCA token minted by
 * the CCA helper's test signer, a vTPM quote by a synthetic AK): the realm challenge carries
 * SHA-512(AK SubjectPublicKeyInfo), the AK quotes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyConfidentialVm, type ConfidentialVmEvidence } from '../../src/binding/index.js';
import { encodeSpki } from '../../src/binding/key-encoding.js';
import { concatBytes } from '../../src/core/bytes.js';
import { digest } from '../../src/core/crypto.js';
import { resolveTpmKey } from '../../src/tpm/index.js';
import { mintCcaToken, type Minted } from '../cca/support/mint.js';
import { forgeKey, forgeQuote, type ForgedKey } from '../tpm/support/forge.js';

const nonce = digest('sha256', new TextEncoder().encode('SYNTHETIC CCA verifier nonce'));
let ak: ForgedKey;
let otherAk: ForgedKey;
let cca: Minted;

beforeAll(async () => {
  ak = await forgeKey('p256');
  otherAk = await forgeKey('p256');
  const challenge = digest('sha512', encodeSpki(resolveTpmKey(ak.publicArea).key));
  cca = await mintCcaToken({ challenge });
});

async function bundle(
  key: ForgedKey,
  over: Partial<ConfidentialVmEvidence> = {},
): Promise<ConfidentialVmEvidence> {
  const q = await forgeQuote({ key, selection: [['sha256', [0, 7]]], nonce });
  return {
    hardware: { kind: 'cca', token: cca.token },
    binding: { scheme: 'hash', hash: 'sha512', encoding: 'spki', key: 'ak' },
    tpm: { attest: q.attest, signature: q.signature, akPublic: key.publicArea, pcrs: q.pcrs },
    nonce,
    ...over,
  };
}

describe('verifyConfidentialVm — CCA realm challenge = SHA-512(AK SPKI) (SYNTHETIC)', () => {
  it('verifies: token, binding, AK bound directly, quote', async () => {
    const r = await verifyConfidentialVm(await bundle(ak), {
      cca: { platformKey: cca.cpak.publicJwk },
    });
    const bad = r.checks.filter((c) => c.status === 'fail' || (c.required && c.status === 'skip'));
    expect(bad).toEqual([]);
    expect(r.stages.hardware?.ok).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'binding.cvm.ak')?.message).toMatch(/bound by hash/);
    expect(r.claims.platform).toBe('cca');
    expect(r.claims.bindings).toEqual(['hash']);
  });

  it('another AK: not bound, even though its own quote verifies', async () => {
    const r = await verifyConfidentialVm(await bundle(otherAk), {
      cca: { platformKey: cca.cpak.publicJwk },
    });
    expect(r.ok).toBe(false);
    expect(r.stages.quote?.ok).toBe(true);
    expect(r.stages.bindings[0]?.checks.find((c) => c.id === 'binding.report-data')?.status).toBe(
      'fail',
    );
    expect(r.checks.find((c) => c.id === 'binding.cvm.ak')?.status).toBe('fail');
  });

  it('the challenge hashed with the nonce (includeNonce) does not match a nonce-less challenge', async () => {
    const b = await bundle(ak, {
      binding: { scheme: 'hash', hash: 'sha512', encoding: 'spki', key: 'ak', includeNonce: true },
    });
    const r = await verifyConfidentialVm(b, { cca: { platformKey: cca.cpak.publicJwk } });
    expect(r.ok).toBe(false);
    const nonceBound = await mintCcaToken({
      challenge: digest('sha512', concatBytes(nonce, encodeSpki(resolveTpmKey(ak.publicArea).key))),
    });
    const r2 = await verifyConfidentialVm(
      { ...b, hardware: { kind: 'cca', token: nonceBound.token } },
      { cca: { platformKey: nonceBound.cpak.publicJwk } },
    );
    expect(r2.ok).toBe(true);
  });
});
