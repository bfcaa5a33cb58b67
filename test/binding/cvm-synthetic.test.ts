/**
 * End to end on a SYNTHETIC confidential VM (test keys only; see support/cvm.ts): an SVSM-style
 * SEV-SNP report from a synthetic AMD-shaped chain binds the vTPM EK (SHA-512(nonce ‖ EK)), the
 * same report is measured into PCR 15 and logged, the vTPM quotes, and the AK is tied to the EK.
 * Runs on the real swtpm harness (credential activation) when swtpm is installed, and always on
 * the synthetic vTPM (a signing EK certifies the AK). Every failure mode the issue names is
 * checked on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConfidentialVm, type ConfidentialVmVerification } from '../../src/binding/index.js';
import type { Check } from '../../src/core/checks.js';
import { digest, publicKeyToJwk } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { encodeSpki } from '../../src/binding/key-encoding.js';
import { encodeTpmsAttest, parseTpmPublic, tpmName, tpmPublicKey } from '../../src/tpm/index.js';
import { AK_ATTRIBUTES, forgeKey, placeholderQn } from '../tpm/support/forge.js';
import { toHex } from '../../src/core/encoding.js';
import { describeSwtpm } from '../tpm/support/describe-swtpm.js';
import { encodeAgileLog } from '../eventlog/support/encode.js';
import {
  BANKS,
  bootEvents,
  buildSyntheticCvm,
  EV_SEPARATOR,
  REPORT_PCR,
  swtpmVtpm,
  syntheticVtpm,
  type SyntheticCvm,
  type VtpmBackend,
} from './support/cvm.js';

function allChecks(r: ConfidentialVmVerification): Check[] {
  return [
    ...r.checks,
    ...(r.stages.hardware?.checks ?? []),
    ...r.stages.bindings.flatMap((s): readonly Check[] => s.checks),
    ...(r.stages.akCertify?.checks ?? []),
    ...(r.stages.quote?.checks ?? []),
    ...(r.stages.eventLog?.checks ?? []),
  ];
}
const u32le = (n: number): Uint8Array =>
  Uint8Array.of(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
const statusOf = (r: ConfidentialVmVerification, id: string): string | undefined =>
  allChecks(r).find((c) => c.id === id)?.status;
const problems = (r: ConfidentialVmVerification): Check[] =>
  allChecks(r).filter((c) => c.status === 'fail' || (c.required && c.status === 'skip'));

function suite(start: () => Promise<VtpmBackend>): void {
  let cvm: SyntheticCvm;
  let vtpm: VtpmBackend;
  beforeAll(async () => {
    vtpm = await start();
    cvm = await buildSyntheticCvm(vtpm);
  }, 120_000);
  afterAll(async () => {
    await vtpm?.stop();
  });

  const policy = () => ({
    requireSecureBoot: true,
    pcrs: {
      sha256: {
        [REPORT_PCR]: digest(
          'sha256',
          new Uint8Array([...new Uint8Array(32), ...digest('sha256', cvm.report)]),
        ),
      },
    },
  });

  it('verifies end to end: hardware, both binding directions, AK, quote, event log, policy', async () => {
    const r = await verifyConfidentialVm(await cvm.bundle(), {
      ...cvm.options,
      policy: policy(),
      requireEventLog: true,
    });
    expect(problems(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['binding.cvm.hardware', 'pass'],
      ['binding.cvm.binding', 'pass'],
      ['binding.cvm.ak', 'pass'],
      ['binding.cvm.quote', 'pass'],
      ['binding.cvm.nonce', 'pass'],
      ['binding.cvm.event-log', 'pass'],
      ['binding.policy.pcrs', 'pass'],
      ['binding.policy.secure-boot', 'pass'],
      ['binding.policy.vm-configuration', 'skip'],
      ['binding.policy.user-data', 'skip'],
    ]);
    expect(r.stages.bindings.map((s) => s.ok)).toEqual([true, true]);
    expect(r.claims.bindings).toEqual(['svsm', 'pcr']);
    expect(r.claims.vmpl).toBe(0);
    expect(r.claims.reportData).toBe(
      toHex(digest('sha512', new Uint8Array([...cvm.nonce, ...vtpm.ekPublic]))),
    );
    expect(r.claims.pcrs.sha256?.[REPORT_PCR]).toBeDefined();
    expect(r.claims.boot?.secureBoot?.value.enabled).toBe(true);
  });

  it('wrong nonce: the SVSM binding and the quote are stale', async () => {
    const other = cvm.nonce.slice();
    other[0]! ^= 0xff;
    const r = await verifyConfidentialVm(await cvm.bundle({ nonce: other }), cvm.options);
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.report-data')).toBe('fail');
    expect(statusOf(r, 'tpm.quote.nonce')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.nonce')).toBe('fail');
    // A quote made over another nonce, with the right verifier nonce, is stale too.
    const q = await verifyConfidentialVm(await cvm.bundle({ quoteNonce: other }), cvm.options);
    expect(q.ok).toBe(false);
    expect(statusOf(q, 'binding.report-data')).toBe('pass');
    expect(statusOf(q, 'tpm.quote.nonce')).toBe('fail');
  });

  it('wrong EK: the TPM presents an EK the report does not bind', async () => {
    const r = await verifyConfidentialVm(
      await cvm.bundle({ ekPublic: vtpm.otherEkPublic }),
      cvm.options,
    );
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.key.match')).toBe('fail');
    // And a report that binds another EK does not vouch for this TPM's AK.
    const manifest = vtpm.otherEkPublic;
    const report = await cvm.snp.report(cvm.nonce, manifest);
    const b = await verifyConfidentialVm(await cvm.bundle({ manifest, report }), cvm.options);
    expect(b.ok).toBe(false);
    expect(statusOf(b, 'binding.key.match')).toBe('fail');
    expect(statusOf(b, 'binding.cvm.binding')).toBe('fail');
  });

  it('report not at VMPL 0: the guest, not the SVSM, asked for it', async () => {
    const report = await cvm.snp.report(cvm.nonce, vtpm.ekPublic, { vmpl: 2 });
    const r = await verifyConfidentialVm(await cvm.bundle({ report }), cvm.options);
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'snp.signature')).toBe('pass');
    const c = allChecks(r).find((x) => x.id === 'binding.report.vmpl')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toEqual({ expected: 0, actual: 2 });
  });

  it('altered report in the PCR direction: a validly signed report other than the measured one', async () => {
    const hostData = new Uint8Array(32).fill(1);
    const report = await cvm.snp.report(cvm.nonce, vtpm.ekPublic, { hostData });
    const r = await verifyConfidentialVm(await cvm.bundle({ report }), cvm.options);
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.cvm.hardware')).toBe('pass');
    expect(statusOf(r, 'binding.report-data')).toBe('pass');
    expect(statusOf(r, 'binding.pcr.event')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.binding')).toBe('fail');
  });

  it('PCR outside the selection: a quote that does not sign PCR 15', async () => {
    const r = await verifyConfidentialVm(await cvm.bundle({ selection: { sha256: [0, 7] } }), {
      ...cvm.options,
      policy: policy(),
    });
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.cvm.quote')).toBe('pass');
    expect(statusOf(r, 'binding.pcr.selection')).toBe('fail');
    expect(statusOf(r, 'binding.policy.pcrs')).toBe('fail');
    expect(r.claims.pcrs.sha256?.[REPORT_PCR]).toBeUndefined();
  });

  it('an event log with an event the vTPM never extended does not replay against the quote', async () => {
    const extra = { pcr: 7, type: EV_SEPARATOR, data: new Uint8Array(4) };
    const log = encodeAgileLog(BANKS, [...bootEvents(cvm.report), extra]);
    const b = await cvm.bundle();
    const r = await verifyConfidentialVm({ ...b, eventLog: log }, cvm.options);
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.cvm.event-log')).toBe('fail');
    expect(statusOf(r, 'binding.cvm.binding')).toBe('pass');
  });

  it('no AK proof: the EK is bound but nothing ties the AK to it', async () => {
    const b = await cvm.bundle();
    const { akProof: _p, ...tpm } = b.tpm;
    const r = await verifyConfidentialVm({ ...b, tpm }, cvm.options);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.cvm.ak')?.message).toMatch(/nothing ties the AK/);
  });

  it("an activation proof is checked against the verifier's credential, never the evidence's", async () => {
    // The logic of binding.cvm.ak for activations. SYNTHETIC: `activated` is set by hand here;
    // the swtpm suite below activates a real credential made by makeCredential.
    const b = await cvm.bundle();
    const secret = digest('sha256', new TextEncoder().encode('SYNTHETIC verifier secret'));
    const akName = tpmName(vtpm.akPublic);
    const base = { secret, ekPublic: vtpm.ekPublic, akName };
    const run = async (
      activated: Uint8Array,
      credential: typeof base | undefined,
      akPublic: Uint8Array | JsonWebKey = vtpm.akPublic,
    ) => {
      const { credential: _c, ...options } = cvm.options;
      const r = await verifyConfidentialVm(
        { ...b, tpm: { ...b.tpm, akPublic, akProof: { kind: 'activation', activated } } },
        { ...options, ...(credential !== undefined ? { credential } : {}) },
      );
      return r.checks.find((c) => c.id === 'binding.cvm.ak')!;
    };
    // Only a restricted decryption EK can receive a credential: the swtpm EK is one; the
    // synthetic vTPM's EK is a signing key (it certifies), and makeCredential's check refuses it.
    const first = await run(secret, base);
    if (parseTpmPublic(vtpm.ekPublic).objectAttributes.decrypt) expect(first.status).toBe('pass');
    else expect(first).toMatchObject({ status: 'fail', message: /cannot take a credential/ });
    // Without the verifier's credential an activation proves nothing (the review's attack: the
    // prover sent the secret and the same bytes as the answer).
    expect((await run(secret, undefined)).message).toMatch(/needs options\.credential/);
    expect(
      (
        await run(
          secret.map((x) => x ^ 1),
          base,
        )
      ).message,
    ).toMatch(/does not match/);
    expect((await run(secret, { ...base, akName: tpmName(vtpm.ekPublic) })).message).toMatch(
      /another AK Name/,
    );
    expect((await run(secret, { ...base, ekPublic: vtpm.otherEkPublic })).message).toMatch(
      /EK other than the bound one/,
    );
    expect((await run(secret, { ...base, secret: new Uint8Array(0) }, vtpm.akPublic)).status).toBe(
      'fail',
    );
    const jwk = publicKeyToJwk(tpmPublicKey(vtpm.akPublic));
    expect((await run(secret, base, jwk)).message).toMatch(/TPM public area/);
  });

  it('an untrusted chain (no root pins) fails the hardware stage', async () => {
    const r = await verifyConfidentialVm(await cvm.bundle(), { now: cvm.options.now! });
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.cvm.hardware')).toBe('fail');
  });
}

describe('synthetic CVM on the synthetic vTPM (SYNTHETIC keys; AK certified by a signing EK)', () => {
  suite(syntheticVtpm);

  it('a version-1 manifest binding several EKs: the EK that certified the AK is found', async () => {
    const vtpm = await syntheticVtpm();
    const cvm = await buildSyntheticCvm(vtpm);
    // SYNTHETIC: a v1 manifest (count, then TPMT_PUBLICs) listing another EK before the certifier.
    const manifest = concatBytes(u32le(2), vtpm.otherEkPublic, vtpm.ekPublic);
    const report = await cvm.snp.report(cvm.nonce, manifest);
    const b = await cvm.bundle();
    const run = async (ekPublic: Uint8Array | undefined) => {
      const { ekPublic: _e, ...tpm } = b.tpm;
      const r = await verifyConfidentialVm(
        {
          ...b,
          hardware: { ...b.hardware, report } as typeof b.hardware,
          binding: [{ scheme: 'svsm', manifest, manifestVersion: 1 }],
          tpm: ekPublic !== undefined ? { ...tpm, ekPublic } : tpm,
        },
        cvm.options,
      );
      expect(r.stages.bindings[0]?.ok).toBe(true);
      return r.checks.find((c) => c.id === 'binding.cvm.ak')!;
    };
    // Before, the first bound EK was taken as the certifier: a wrong-key failure.
    const found = await run(undefined);
    expect(found.status).toBe('pass');
    expect(found.message).toMatch(/certified the AK/);
    expect((await run(vtpm.ekPublic)).status).toBe('pass');
    // Naming the other bound EK: only that one is tried, and it did not certify the AK.
    const other = await run(vtpm.otherEkPublic);
    expect(other.status).toBe('fail');
    expect(other.message).toMatch(/did not verify/);
  });

  it('an SPKI-bound EK wrapped in a TPMT_PUBLIC that claims restricted|sign cannot certify', async () => {
    const vtpm = await syntheticVtpm();
    const cvm = await buildSyntheticCvm(vtpm);
    // SYNTHETIC: an unrestricted signing key (TPM2_Sign signs any digest, a forged TPMS_ATTEST
    // included) bound by its SPKI; the prover presents it in a public area claiming restricted.
    const unrestricted = await forgeKey('p256', 'sha256', { attributes: AK_ATTRIBUTES & ~0x10000 });
    const lying = unrestricted.publicArea.slice();
    new DataView(lying.buffer).setUint32(4, AK_ATTRIBUTES);
    const spki = encodeSpki(tpmPublicKey(unrestricted.publicArea));
    const report = await cvm.snp.report(cvm.nonce, spki);
    const b = await cvm.bundle();
    const attest = encodeTpmsAttest({
      qualifiedSigner: placeholderQn(lying),
      extraData: cvm.nonce,
      clockInfo: { clock: 1n, resetCount: 0, restartCount: 0, safe: true },
      firmwareVersion: 0n,
      attested: {
        type: 'certify',
        name: tpmName(vtpm.akPublic),
        qualifiedName: placeholderQn(vtpm.akPublic),
      },
    });
    const r = await verifyConfidentialVm(
      {
        ...b,
        hardware: { ...b.hardware, report } as typeof b.hardware,
        binding: [
          { scheme: 'hash', hash: 'sha512', encoding: 'spki', key: 'ek', includeNonce: true },
        ],
        tpm: {
          ...b.tpm,
          ekPublic: lying,
          akProof: { kind: 'certify', attest, signature: await unrestricted.sign(attest) },
        },
      },
      cvm.options,
    );
    expect(r.stages.bindings[0]?.ok).toBe(true);
    // The SPKI binding binds the key, not the attributes around it: the certify signer is known
    // only as a key, and a key of unknown attributes cannot certify.
    const stage = r.stages.bindings[0]!;
    expect('boundKeys' in stage && stage.boundKeys).toHaveLength(1);
    if ('boundKeys' in stage) expect(stage.boundKeys[0]!.publicArea).toBeUndefined();
    expect(r.checks.find((c) => c.id === 'binding.cvm.ak')?.status).toBe('fail');
  });

  it('an EK bound by its SPKI (attributes unknown) cannot certify the AK', async () => {
    const vtpm = await syntheticVtpm();
    const cvm = await buildSyntheticCvm(vtpm);
    const spki = encodeSpki(tpmPublicKey(vtpm.ekPublic));
    // SYNTHETIC: REPORT_DATA = SHA-512(nonce ‖ SPKI of the signing EK), bound by the hash scheme.
    const report = await cvm.snp.report(cvm.nonce, spki);
    const b = await cvm.bundle();
    const run = async (ekPublic: Uint8Array) => {
      const r = await verifyConfidentialVm(
        {
          ...b,
          hardware: { ...b.hardware, report } as typeof b.hardware,
          binding: [
            { scheme: 'hash', hash: 'sha512', encoding: 'spki', key: 'ek', includeNonce: true },
          ],
          tpm: { ...b.tpm, ekPublic },
        },
        cvm.options,
      );
      expect(r.stages.bindings[0]?.ok).toBe(true);
      return r;
    };
    const r = await run(spki);
    expect(r.checks.find((c) => c.id === 'binding.cvm.ak')?.status).toBe('fail');
    expect(
      r.stages.akCertify?.checks.find((c) => c.id === 'tpm.certify.signer-attributes'),
    ).toMatchObject({ status: 'fail', required: true });
  });
});

describeSwtpm('synthetic CVM on swtpm (real libtpms; AK activated against the EK)', () => {
  suite(swtpmVtpm);
});
