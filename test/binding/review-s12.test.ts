/**
 * Session-12 binding review (R1, R2, R3, R5, R7 and the AK-attribute note), each case one change
 * from a passing SYNTHETIC CVM (support/cvm.ts: test keys, no AMD) or from a real Azure HCL report.
 */
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import {
  AZURE_HCL_MAX_KEYS,
  AZURE_HCL_MAX_REPORT_SIZE,
  parseAzureHclReport,
  verifyConfidentialVm,
  verifyPcrBinding,
  type AkProof,
  type ActivationCredential,
  type ConfidentialVmEvidence,
  type ConfidentialVmVerification,
  type CvmBindingSpec,
  type SnpHardwareEvidence,
} from '../../src/binding/index.js';
import { encodeSpki } from '../../src/binding/key-encoding.js';
import { concatBytes } from '../../src/core/bytes.js';
import type { Check } from '../../src/core/checks.js';
import { digest } from '../../src/core/crypto.js';
import {
  encodeTpmtPublic,
  TPM_ALG,
  tpmName,
  tpmPublicKey,
  verifyTpmQuote,
} from '../../src/tpm/index.js';
import type { SnpFetcher } from '../../src/snp/index.js';
import { describeVectors } from '../support/vectors.js';
import { azureVectors, runtimeText, withRuntimeData } from './support/azure.js';
import {
  bootEvents,
  buildSyntheticCvm,
  EV_NONHOST_INFO,
  measure,
  REPORT_PCR,
  syntheticSnp,
  syntheticVtpm,
  type SyntheticCvm,
  type VtpmBackend,
} from './support/cvm.js';

const akCheck = (r: ConfidentialVmVerification): Check | undefined =>
  r.checks.find((c) => c.id === 'binding.cvm.ak');

/** TPMA_OBJECT of the TCG EK template L-2 (ECC NIST P-256): restricted | decrypt, adminWithPolicy. */
const EK_L2_ATTRIBUTES = 0x000300b2;
const RESTRICTED = 0x00010000;

/**
 * A SYNTHETIC ECC P-256 public area with `attributes` around `point` (a fresh key by default):
 * AES-128-CFB symmetric parameters when restricted, as a restricted decryption key has them.
 */
function eccArea(attributes: number, point?: Uint8Array): Uint8Array {
  const pub = point ?? p256.getPublicKey(p256.utils.randomSecretKey(), false);
  const restricted = (attributes & RESTRICTED) !== 0;
  return encodeTpmtPublic({
    type: 'ecc',
    nameAlgId: TPM_ALG.SHA256,
    objectAttributes: attributes,
    authPolicy: new Uint8Array(0),
    parameters: {
      symmetric: restricted
        ? { algorithmId: TPM_ALG.AES, keyBits: 128, modeId: TPM_ALG.CFB }
        : { algorithmId: TPM_ALG.NULL },
      scheme: { schemeId: TPM_ALG.NULL },
      curveId: 3,
      kdf: { schemeId: TPM_ALG.NULL },
    },
    unique: { x: pub.subarray(1, 33), y: pub.subarray(33) },
  });
}
const pointOf = (area: Uint8Array): Uint8Array => {
  const k = tpmPublicKey(area);
  if (k.kind !== 'ec') throw new Error('not an EC key');
  return concatBytes(Uint8Array.of(4), k.x, k.y);
};
const tpm2b = (area: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.of(area.length >> 8, area.length & 255), area);

interface Setup {
  vtpm: VtpmBackend;
  cvm: SyntheticCvm;
  b: ConfidentialVmEvidence;
}
let shared: Promise<Setup> | undefined;
/** One SYNTHETIC CVM and its passing bundle (certify AK proof), shared by the cases below. */
function setup(): Promise<Setup> {
  shared ??= (async () => {
    const vtpm = await syntheticVtpm();
    const cvm = await buildSyntheticCvm(vtpm);
    return { vtpm, cvm, b: await cvm.bundle() };
  })();
  return shared;
}

describe('R2: an activation needs a bound EK public area of a restricted decryption key', () => {
  const secret = digest('sha256', new TextEncoder().encode('SYNTHETIC verifier secret'));

  /**
   * An activation against an EK the report binds as `material` (REPORT_DATA = SHA-512(nonce ‖
   * material)) with `binding`, the verifier's credential naming `credentialEk`.
   */
  async function activate(
    material: Uint8Array,
    binding: CvmBindingSpec,
    ekPublic: Uint8Array,
    credentialEk: Uint8Array,
  ): Promise<ConfidentialVmVerification> {
    const { vtpm, cvm, b } = await setup();
    const report = await cvm.snp.report(cvm.nonce, material);
    const credential: ActivationCredential = {
      secret,
      ekPublic: credentialEk,
      akName: tpmName(vtpm.akPublic),
    };
    return verifyConfidentialVm(
      {
        ...b,
        hardware: { ...b.hardware, report } as SnpHardwareEvidence,
        binding: [binding],
        // SYNTHETIC: `activated` set by hand (what a TPM holding the EK would return).
        tpm: { ...b.tpm, ekPublic, akProof: { kind: 'activation', activated: secret } },
      },
      { ...cvm.options, credential },
    );
  }

  it('passes for a restricted decryption EK bound with its public area (SVSM, tpmt-public)', async () => {
    const ek = eccArea(EK_L2_ATTRIBUTES);
    const svsm = await activate(ek, { scheme: 'svsm', manifest: ek }, ek, ek);
    expect(akCheck(svsm)?.status).toBe('pass');
    expect(svsm.ok).toBe(true);
    // The credential may name it as TPM2B_PUBLIC: its TPMT_PUBLIC is the bound area.
    expect(
      akCheck(await activate(ek, { scheme: 'svsm', manifest: ek }, ek, tpm2b(ek))),
    ).toMatchObject({ status: 'pass' });
    const hash = await activate(
      ek,
      { scheme: 'hash', hash: 'sha512', encoding: 'tpmt-public', key: 'ek', includeNonce: true },
      ek,
      ek,
    );
    expect(akCheck(hash)?.status).toBe('pass');
    expect(hash.ok).toBe(true);
  });

  it('fails for an EK bound by its SPKI alone, presented in an area claiming restricted|decrypt', async () => {
    // The review's repro 02: the TPM holds an UNRESTRICTED decryption key (TPM2_ECDH_ZGen opens
    // any credential); the prover wraps its key in a public area claiming the EK template.
    const real = eccArea(EK_L2_ATTRIBUTES & ~RESTRICTED);
    const lying = eccArea(EK_L2_ATTRIBUTES, pointOf(real));
    const r = await activate(
      encodeSpki(tpmPublicKey(real)),
      { scheme: 'hash', hash: 'sha512', encoding: 'spki', key: 'ek', includeNonce: true },
      lying,
      lying,
    );
    expect(r.stages.bindings[0]?.ok).toBe(true);
    expect(akCheck(r)).toMatchObject({ status: 'fail', message: /bound by its key alone/ });
    expect(r.ok).toBe(false);
  });

  it('fails when the bound public area is not a restricted decryption key', async () => {
    const real = eccArea(EK_L2_ATTRIBUTES & ~RESTRICTED);
    const r = await activate(real, { scheme: 'svsm', manifest: real }, real, real);
    expect(r.stages.bindings[0]?.ok).toBe(true);
    expect(akCheck(r)).toMatchObject({ status: 'fail', message: /cannot take a credential/ });
    expect(r.ok).toBe(false);
  });

  it('fails when credential.ekPublic is not the bound area byte for byte (same key, other area, SPKI)', async () => {
    const ek = eccArea(EK_L2_ATTRIBUTES);
    const other = eccArea(EK_L2_ATTRIBUTES | 0x40 /* userWithAuth */, pointOf(ek));
    for (const credentialEk of [other, encodeSpki(tpmPublicKey(ek))]) {
      const r = await activate(ek, { scheme: 'svsm', manifest: ek }, ek, credentialEk);
      expect(akCheck(r)).toMatchObject({
        status: 'fail',
        message: /not the bound EK's public area/,
      });
      expect(r.ok).toBe(false);
    }
  });
});

describe("R1: the certify is compared with the verifier's nonce only", () => {
  it('a stale certify fails, and AkProof.nonce is a TypeError naming it', async () => {
    const { vtpm, cvm, b } = await setup();
    const stale = digest('sha256', new TextEncoder().encode('nonce of an earlier session'));
    const old = (await vtpm.akProof(stale)).proof;
    const r = await verifyConfidentialVm({ ...b, tpm: { ...b.tpm, akProof: old } }, cvm.options);
    expect(r.stages.akCertify?.checks.find((c) => c.id === 'tpm.certify.nonce')?.status).toBe(
      'fail',
    );
    expect(r.ok).toBe(false);
    // The prover naming the nonce its old certify was made for.
    const named = { ...old, nonce: stale } as unknown as AkProof;
    const err = await verifyConfidentialVm(
      { ...b, tpm: { ...b.tpm, akProof: named } },
      cvm.options,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as TypeError).message).toMatch(/tpm\.akProof\.nonce/);
  });

  it('AkProof has no nonce member (type level)', () => {
    const proof: AkProof = {
      kind: 'certify',
      attest: new Uint8Array(0),
      signature: new Uint8Array(0),
      // @ts-expect-error -- removed: the certify's extraData must be the verifier's nonce
      nonce: new Uint8Array(32),
    };
    expect(proof.kind).toBe('certify');
  });
});

describe('R3: malformed binding specs and AK proofs are TypeErrors before any stage runs', () => {
  it.each([
    ['pcrIndex -1', { binding: { scheme: 'pcr', pcrIndex: -1 } }],
    ['pcrIndex 1.5', { binding: { scheme: 'pcr', pcrIndex: 1.5 } }],
    ['pcrIndex 24', { binding: { scheme: 'pcr', pcrIndex: 24 } }],
    ['pcrIndex "15"', { binding: { scheme: 'pcr', pcrIndex: '15' } }],
    ['manifestVersion 2', { manifestVersion: 2 }],
    ["akProof kind 'bogus'", { akProof: { kind: 'bogus', activated: new Uint8Array(32) } }],
    ['akProof null', { akProof: null }],
  ])('%s', async (_name, change: Record<string, unknown>) => {
    const { vtpm, cvm, b } = await setup();
    const calls: string[] = [];
    const reject = (what: string) => (): Promise<never> => {
      calls.push(what);
      return Promise.reject(new Error('SYNTHETIC: no network'));
    };
    const fetcher: SnpFetcher = {
      vcek: reject('vcek'),
      certChain: reject('certChain'),
      crl: reject('crl'),
    };
    // Without a VCEK in the evidence the hardware stage would fetch it first.
    const { vcek: _v, ...hardware } = b.hardware as SnpHardwareEvidence;
    const svsm = { scheme: 'svsm', manifest: vtpm.ekPublic };
    const evidence = {
      ...b,
      hardware,
      binding:
        change.binding !== undefined
          ? [svsm, change.binding]
          : change.manifestVersion !== undefined
            ? [{ ...svsm, manifestVersion: change.manifestVersion }]
            : [svsm],
      tpm: 'akProof' in change ? { ...b.tpm, akProof: change.akProof } : b.tpm,
    } as unknown as ConfidentialVmEvidence;
    const credential: ActivationCredential = {
      secret: new Uint8Array(32),
      ekPublic: vtpm.ekPublic,
      akName: tpmName(vtpm.akPublic),
    };
    await expect(
      verifyConfidentialVm(evidence, {
        ...cvm.options,
        credential,
        snp: { ...cvm.options.snp, fetcher },
      }),
    ).rejects.toBeInstanceOf(TypeError);
    expect(calls).toEqual([]);
  });

  it('accepts pcrIndex 0 and 23 and manifestVersion 0 and 1', async () => {
    const { vtpm, cvm, b } = await setup();
    for (const binding of [
      [{ scheme: 'svsm', manifest: vtpm.ekPublic, manifestVersion: 0 }],
      [{ scheme: 'pcr', pcrIndex: 0 }],
      [{ scheme: 'pcr', pcrIndex: 23 }],
    ] as CvmBindingSpec[][]) {
      await expect(verifyConfidentialVm({ ...b, binding }, cvm.options)).resolves.toBeDefined();
    }
    const v1 = concatBytes(Uint8Array.of(1, 0, 0, 0), vtpm.ekPublic);
    const report = await cvm.snp.report(cvm.nonce, v1);
    const r = await verifyConfidentialVm(
      {
        ...b,
        hardware: { ...b.hardware, report } as SnpHardwareEvidence,
        binding: [{ scheme: 'svsm', manifest: v1, manifestVersion: 1 }],
      },
      cvm.options,
    );
    expect(r.ok).toBe(true);
  });
});

describe('R7: a report in a resettable PCR (16, 23) binds only when pcrIndex names it', () => {
  async function inPcr(pcr: number, also?: number) {
    const snp = await syntheticSnp();
    const nonce = digest('sha512', new TextEncoder().encode('SYNTHETIC nonce'));
    const report = await snp.report(nonce, new Uint8Array(12));
    const vtpm = await syntheticVtpm();
    // After TPM2_PCR_Reset(pcr), software extends whatever report it likes, whenever it likes.
    const events = [
      ...bootEvents(report).filter((e) => e.pcr !== REPORT_PCR),
      ...(also !== undefined ? [{ pcr: also, type: EV_NONHOST_INFO, data: report }] : []),
      { pcr, type: EV_NONHOST_INFO, data: report },
    ];
    const eventLog = await measure(vtpm, events);
    const q = await vtpm.quote(
      { sha256: [0, 7, pcr, ...(also !== undefined ? [also] : [])] },
      nonce,
    );
    const pcrs = await verifyTpmQuote(
      { attest: q.attest, signature: q.signature, akPublic: vtpm.akPublic, pcrs: q.pcrs },
      { nonce },
    );
    expect(pcrs.ok).toBe(true);
    return { report, eventLog, pcrs };
  }

  it.each([16, 23])('PCR %i: refused without pcrIndex, a warning with it', async (pcr) => {
    const input = await inPcr(pcr);
    const r = await verifyPcrBinding(input);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'binding.pcr.event')).toMatchObject({
      status: 'fail',
      detail: { pcrs: [pcr] },
    });
    expect(r.pcrIndex).toBeUndefined();
    const named = await verifyPcrBinding({ ...input, pcrIndex: pcr });
    expect(named.ok).toBe(true);
    expect(named.pcrIndex).toBe(pcr);
    expect(named.checks.map((c) => [c.id, c.status])).toEqual([
      ['binding.pcr.log', 'pass'],
      ['binding.pcr.quote', 'pass'],
      ['binding.pcr.event', 'warn'],
      ['binding.pcr.digest', 'pass'],
      ['binding.pcr.selection', 'pass'],
      ['binding.pcr.replay', 'pass'],
    ]);
  });

  it('a report in PCR 15 and PCR 23: PCR 15 is chosen, PCR 23 listed', async () => {
    const r = await verifyPcrBinding(await inPcr(23, 15));
    expect(r.ok).toBe(true);
    expect(r.pcrIndex).toBe(15);
    expect(r.checks.find((c) => c.id === 'binding.pcr.event')).toMatchObject({
      status: 'pass',
      detail: { otherPcrs: [23] },
    });
  });
});

describe('AK bound by SPKI, given as a TPMT_PUBLIC: its attributes are claims', () => {
  it('tpm.quote.ak-attributes warns (spki); passes when the binding hashes the area', async () => {
    const { vtpm, cvm, b } = await setup();
    const run = async (encoding: 'spki' | 'tpmt-public', material: Uint8Array) => {
      const report = await cvm.snp.report(cvm.nonce, material);
      const { akProof: _p, ...tpm } = b.tpm;
      const r = await verifyConfidentialVm(
        {
          ...b,
          hardware: { ...b.hardware, report } as SnpHardwareEvidence,
          binding: [{ scheme: 'hash', hash: 'sha512', encoding, key: 'ak', includeNonce: true }],
          tpm,
        },
        cvm.options,
      );
      expect(r.ok).toBe(true);
      return r.stages.quote?.checks.find((c) => c.id === 'tpm.quote.ak-attributes');
    };
    expect(await run('spki', encodeSpki(tpmPublicKey(vtpm.akPublic)))).toMatchObject({
      status: 'warn',
      required: true,
      message: /not bound/,
    });
    expect((await run('tpmt-public', vtpm.akPublic))?.status).toBe('pass');
  });
});

describeVectors('R5: size limits of the Azure HCL report', () => {
  const v = azureVectors().find((x) => x.id === 'azure-snp-milan-trustee-evidence-v2')!;

  it(`a report of at most ${AZURE_HCL_MAX_REPORT_SIZE} bytes parses; one more byte is refused at that offset`, () => {
    const padded = new Uint8Array(AZURE_HCL_MAX_REPORT_SIZE);
    padded.set(v.hcl);
    expect(parseAzureHclReport(padded).paddingSize).toBe(
      AZURE_HCL_MAX_REPORT_SIZE - parseAzureHclReport(v.hcl).header.reportSize,
    );
    const over = new Uint8Array(AZURE_HCL_MAX_REPORT_SIZE + 1);
    over.set(v.hcl);
    expect(() => parseAzureHclReport(over)).toThrow(
      expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED', offset: AZURE_HCL_MAX_REPORT_SIZE }),
    );
    // The runtime JSON cannot make the report bigger either (it lives inside it).
    const big = withRuntimeData(
      v.hcl,
      `{"keys":[],"x":"${'a'.repeat(AZURE_HCL_MAX_REPORT_SIZE)}"}`,
    );
    expect(() => parseAzureHclReport(big)).toThrow(
      expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED', offset: AZURE_HCL_MAX_REPORT_SIZE }),
    );
  });

  it(`at most ${AZURE_HCL_MAX_KEYS} runtime keys: one more is refused at the runtime data`, () => {
    const json = JSON.parse(runtimeText(v.hcl)) as { keys: unknown[] };
    const extra = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ kid: `SYNTHETIC${i}`, kty: 'SYNTHETIC' }));
    const at = (n: number) =>
      withRuntimeData(
        v.hcl,
        JSON.stringify({ ...json, keys: [...json.keys, ...extra(n - json.keys.length)] }),
      );
    expect(parseAzureHclReport(at(AZURE_HCL_MAX_KEYS)).keys).toHaveLength(AZURE_HCL_MAX_KEYS);
    expect(() => parseAzureHclReport(at(AZURE_HCL_MAX_KEYS + 1))).toThrow(
      expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED', offset: 0x4d4 }),
    );
  });
});
