/**
 * SYNTHETIC whole-CVM builder (test-only, also used by scripts/gen-cvm-evidence.ts): an SVSM-style
 * SEV-SNP report signed by a synthetic AMD-shaped chain (test keys, "SYNTHETIC" in every name)
 * whose REPORT_DATA = SHA-512(nonce ‖ EK TPMT_PUBLIC), the same report measured into vTPM PCR 15
 * and logged, a crypto-agile event log, a vTPM quote, and the AK tied to the EK.
 *
 * Two vTPM back ends: a real software TPM (`swtpm` + tpm2-tools, through the TPM helper's
 * harness; AK tied to the EK by credential activation) and a synthetic one (WebCrypto keys; a
 * signing EK certifies the AK with TPM2_Certify). Neither involves AMD or a real CVM.
 */
import { concatBytes } from '../../../src/core/bytes.js';
import { digest, type HashAlg } from '../../../src/core/crypto.js';
import { fromHex, toHex } from '../../../src/core/encoding.js';
import { encodeSnpTcb } from '../../../src/snp/kds.js';
import type { SnpTcbParts } from '../../../src/snp/types.js';
import {
  encodeTpmsAttest,
  makeCredential,
  tpmName,
  type PcrBanks,
} from '../../../src/tpm/index.js';
import type {
  ActivationCredential,
  AkProof,
  ConfidentialVmEvidence,
  ConfidentialVmVerifyOptions,
} from '../../../src/binding/index.js';
import {
  encodeAgileLog,
  GUID,
  uefiVariable,
  utf16,
  type EventSpec,
} from '../../eventlog/support/encode.js';
import { filled } from '../../snp/support/encode.js';
import {
  mintSyntheticAmd,
  signedReport,
  SYNTHETIC_NOW,
  type Minted,
  type SyntheticAmd,
} from '../../snp/support/synthetic.js';
import { forgeKey, forgeQuote, placeholderQn, type ForgedKey } from '../../tpm/support/forge.js';
import { Swtpm } from '../../tpm/support/swtpm.js';

export { SYNTHETIC_NOW };

/** Banks the vTPM and the log use. */
export const BANKS: readonly HashAlg[] = ['sha1', 'sha256', 'sha384'];
/** PCR the hardware report is measured into (as in the swtpm binding vector). */
export const REPORT_PCR = 15;
export const GENOA_TCB: SnpTcbParts = { bootloader: 10, tee: 0, snp: 23, microcode: 84 };
export const CHIP_ID: Uint8Array = filled(64, 'count').map((b) => b ^ 0x5a);
export const EV_S_CRTM_VERSION = 0x08;
export const EV_SEPARATOR = 0x04;
export const EV_NONHOST_INFO = 0x11;
export const EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001;

/** A vTPM the builder drives. */
export interface VtpmBackend {
  readonly name: string;
  /** EK public area (TPMT_PUBLIC) the SVSM manifest carries. */
  readonly ekPublic: Uint8Array;
  /** Another EK (for the "wrong EK" case). */
  readonly otherEkPublic: Uint8Array;
  /** AK public area (TPMT_PUBLIC). */
  readonly akPublic: Uint8Array;
  extend(pcr: number, digests: Partial<Record<HashAlg, Uint8Array>>): Promise<void>;
  /** Quote `selection` (bank → PCRs) with `nonce` as qualifying data. */
  quote(
    selection: Readonly<Record<string, readonly number[]>>,
    nonce: Uint8Array,
  ): Promise<{ attest: Uint8Array; signature: Uint8Array; pcrs: PcrBanks }>;
  /**
   * The proof that ties the AK to the EK; for an activation, also the verifier's side of it
   * (secret, EK, AK Name), which the verifier keeps and passes as `options.credential`.
   */
  akProof(nonce: Uint8Array): Promise<{ proof: AkProof; credential?: ActivationCredential }>;
  stop(): Promise<void>;
}

/** The synthetic vTPM: WebCrypto keys, PCRs kept in memory, a signing EK that certifies the AK. */
export async function syntheticVtpm(): Promise<VtpmBackend> {
  // A "signing EK" (restricted signing key in the endorsement role), as proposed for SVSM vTPMs.
  const ek: ForgedKey = await forgeKey('p256');
  const otherEk: ForgedKey = await forgeKey('p256');
  const ak: ForgedKey = await forgeKey('p256');
  const pcrs: Record<string, Record<number, Uint8Array>> = {};
  const read = (bank: HashAlg, i: number): Uint8Array =>
    pcrs[bank]?.[i] ??
    new Uint8Array(digest(bank, new Uint8Array(0)).length).fill(i >= 17 && i <= 22 ? 0xff : 0);
  return {
    name: 'synthetic vTPM (WebCrypto keys)',
    ekPublic: ek.publicArea,
    otherEkPublic: otherEk.publicArea,
    akPublic: ak.publicArea,
    async extend(pcr, digests) {
      for (const [bank, d] of Object.entries(digests) as [HashAlg, Uint8Array][]) {
        pcrs[bank] ??= {};
        pcrs[bank][pcr] = digest(bank, concatBytes(read(bank, pcr), d));
      }
    },
    async quote(selection, nonce) {
      const values: Record<string, Record<number, Uint8Array>> = {};
      for (const [bank, idx] of Object.entries(selection)) {
        values[bank] = Object.fromEntries(idx.map((i) => [i, read(bank as HashAlg, i)]));
      }
      return forgeQuote({
        key: ak,
        selection: Object.entries(selection),
        pcrs: values,
        nonce,
      });
    },
    async akProof(nonce) {
      const attest = encodeTpmsAttest({
        qualifiedSigner: placeholderQn(ek.publicArea),
        extraData: nonce,
        clockInfo: { clock: 1000n, resetCount: 1, restartCount: 0, safe: true },
        firmwareVersion: 0x2019102300163636n,
        attested: {
          type: 'certify',
          name: tpmName(ak.publicArea),
          qualifiedName: placeholderQn(ak.publicArea),
        },
      });
      return { proof: { kind: 'certify', attest, signature: await ek.sign(attest) } };
    },
    async stop() {},
  };
}

const AK_HANDLE = '0x81000002';
const EK_HANDLE = '0x81010001';
const EK_P384_HANDLE = '0x81010016';

/** The real software TPM (swtpm + tpm2-tools); the AK is tied to the EK by credential activation. */
export async function swtpmVtpm(): Promise<VtpmBackend> {
  const tpm = await Swtpm.start({ banks: BANKS });
  try {
    const ek2b = await tpm.readPublic(EK_HANDLE);
    const other2b = await tpm.readPublic(EK_P384_HANDLE);
    await tpm.createAk(EK_HANDLE, AK_HANDLE, 'ecc', 'sha256', 'ecdsa');
    const ak2b = await tpm.readPublic(AK_HANDLE);
    let n = 0;
    return {
      name: 'swtpm (libtpms) + tpm2-tools',
      ekPublic: ek2b.slice(2),
      otherEkPublic: other2b.slice(2),
      akPublic: ak2b.slice(2),
      async extend(pcr, digests) {
        await tpm.extend(
          pcr,
          Object.fromEntries(Object.entries(digests).map(([b, d]) => [b, toHex(d)])),
        );
      },
      async quote(selection, nonce) {
        const sel = Object.entries(selection)
          .map(([b, idx]) => `${b}:${idx.join(',')}`)
          .join('+');
        const q = await tpm.quote(AK_HANDLE, sel, toHex(nonce), 'sha256', `q${n++}`);
        const pcrs: Record<string, Record<number, Uint8Array>> = {};
        for (const [bank, values] of Object.entries(q.pcrs)) {
          pcrs[bank] = Object.fromEntries(Object.entries(values).map(([i, v]) => [i, fromHex(v)]));
        }
        return { attest: q.attest, signature: q.signature, pcrs: pcrs };
      },
      async akProof() {
        const secret = digest('sha256', new TextEncoder().encode(`credential ${n++}`));
        const cred = await makeCredential(ek2b.slice(2), tpmName(ak2b.slice(2)), secret);
        const file = concatBytes(fromHex('badcc0de00000001'), cred.credentialBlob, cred.secret);
        const r = await tpm.activateCredential(AK_HANDLE, EK_HANDLE, file, `act${n++}`, true);
        if (r.credential === undefined) throw new Error(`activation failed: ${r.stderr}`);
        return {
          proof: { kind: 'activation', activated: r.credential },
          credential: { secret, ekPublic: ek2b.slice(2), akName: tpmName(ak2b.slice(2)) },
        };
      },
      async stop() {
        await tpm.stop();
      },
    };
  } catch (e) {
    await tpm.stop();
    throw e;
  }
}

/** The synthetic AMD side: chain, VCEK and a signer of SVSM-style reports. */
export interface SyntheticSnp {
  readonly amd: SyntheticAmd;
  readonly vcek: Minted;
  /** Signs a VMPL-`vmpl` report binding `manifest` with `nonce` (other fields fixed). */
  report(
    nonce: Uint8Array,
    manifest: Uint8Array,
    over?: { vmpl?: number; hostData?: Uint8Array },
  ): Promise<Uint8Array>;
}

export async function syntheticSnp(): Promise<SyntheticSnp> {
  const amd = await mintSyntheticAmd('Genoa');
  const vcek = await amd.mintLeaf({ tcb: GENOA_TCB, hwid: CHIP_ID });
  return {
    amd,
    vcek,
    report: (nonce, manifest, over = {}) =>
      signedReport(
        {
          version: 3,
          cpuid: { fam: 0x19, mod: 0x11, step: 1 },
          currentTcb: encodeSnpTcb(GENOA_TCB, 'Genoa'),
          chipId: CHIP_ID,
          vmpl: over.vmpl ?? 0,
          reportData: digest('sha512', concatBytes(nonce, manifest)),
          measurement: digest('sha384', new TextEncoder().encode('SYNTHETIC SVSM + OVMF launch')),
          ...(over.hostData !== undefined ? { hostData: over.hostData } : {}),
          platformInfo: 0x25n,
        },
        vcek.keys,
      ),
  };
}

/** The boot the vTPM measures: firmware version, Secure Boot, separators, then the report. */
export function bootEvents(report: Uint8Array): EventSpec[] {
  return [
    { pcr: 0, type: EV_S_CRTM_VERSION, data: utf16('SYNTHETIC firmware 1.0') },
    {
      pcr: 7,
      type: EV_EFI_VARIABLE_DRIVER_CONFIG,
      data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([1])),
    },
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((pcr) => ({
      pcr,
      type: EV_SEPARATOR,
      data: new Uint8Array(4),
    })),
    { pcr: REPORT_PCR, type: EV_NONHOST_INFO, data: report },
  ];
}

/** Extends every event into the vTPM and returns the crypto-agile log. */
export async function measure(
  vtpm: VtpmBackend,
  events: readonly EventSpec[],
): Promise<Uint8Array> {
  for (const e of events) {
    await vtpm.extend(e.pcr, Object.fromEntries(BANKS.map((b) => [b, digest(b, e.data)])));
  }
  return encodeAgileLog(BANKS, events);
}

/** Everything a verifier receives from the synthetic CVM, plus what built it. */
export interface SyntheticCvm {
  readonly snp: SyntheticSnp;
  readonly vtpm: VtpmBackend;
  readonly nonce: Uint8Array;
  /** The report measured into PCR 15 and presented as hardware evidence. */
  readonly report: Uint8Array;
  readonly eventLog: Uint8Array;
  /** Builds the evidence bundle for a quote of `selection` over `nonce`. */
  bundle(o?: {
    nonce?: Uint8Array;
    quoteNonce?: Uint8Array;
    selection?: Record<string, number[]>;
    report?: Uint8Array;
    ekPublic?: Uint8Array;
    manifest?: Uint8Array;
  }): Promise<ConfidentialVmEvidence>;
  /**
   * Options the synthetic chain needs (root pins, the synthetic instant) and, after a bundle
   * whose AK proof is an activation, the verifier's credential for it.
   */
  readonly options: ConfidentialVmVerifyOptions;
}

/** The default quote selection: firmware, Secure Boot and the report PCR. */
export const DEFAULT_SELECTION: Record<string, number[]> = {
  sha256: [0, 7, REPORT_PCR],
  sha384: [REPORT_PCR],
};

/** Builds a synthetic CVM on `vtpm`. */
export async function buildSyntheticCvm(
  vtpm: VtpmBackend,
  snp?: SyntheticSnp,
): Promise<SyntheticCvm> {
  const s = snp ?? (await syntheticSnp());
  const nonce = digest(
    'sha512',
    new TextEncoder().encode(`SYNTHETIC verifier nonce ${Date.now()}`),
  );
  const report = await s.report(nonce, vtpm.ekPublic);
  const eventLog = await measure(vtpm, bootEvents(report));
  let credential: ActivationCredential | undefined;
  return {
    snp: s,
    vtpm,
    nonce,
    report,
    eventLog,
    get options(): ConfidentialVmVerifyOptions {
      return {
        now: SYNTHETIC_NOW,
        snp: { rootPins: s.amd.rootPins },
        ...(credential !== undefined ? { credential } : {}),
      };
    },
    async bundle(o = {}) {
      const quoteNonce = o.quoteNonce ?? nonce;
      const q = await vtpm.quote(o.selection ?? DEFAULT_SELECTION, quoteNonce);
      const proof = await vtpm.akProof(quoteNonce);
      credential = proof.credential;
      return {
        hardware: {
          kind: 'snp',
          report: o.report ?? report,
          vcek: s.vcek.der,
          chain: [s.amd.ask.der, s.amd.ark.der],
        },
        binding: [
          { scheme: 'svsm', manifest: o.manifest ?? vtpm.ekPublic },
          { scheme: 'pcr', pcrIndex: REPORT_PCR },
        ],
        tpm: {
          attest: q.attest,
          signature: q.signature,
          akPublic: vtpm.akPublic,
          ekPublic: o.ekPublic ?? vtpm.ekPublic,
          pcrs: q.pcrs,
          akProof: proof.proof,
        },
        eventLog,
        nonce: o.nonce ?? nonce,
      };
    },
  };
}
