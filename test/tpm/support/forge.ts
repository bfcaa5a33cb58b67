/**
 * SYNTHETIC TPM evidence for tests: a software "TPM" that signs TPMS_ATTEST structures with
 * WebCrypto keys, so every quote/certify check can be driven one change at a time. Nothing here
 * is a real TPM; real-TPM behaviour is covered by the vectors and the swtpm suite.
 */
import { webcrypto } from 'node:crypto';
import {
  encodeTpmsAttest,
  encodeTpmtPublic,
  encodeTpmtSignature,
  TPM_ALG,
  TPM_HASH_SIZES,
  tpmName,
  type PcrBanks,
  type TpmsAttestedInput,
  type TpmtPublicInput,
} from '../../../src/tpm/index.js';
import { digest } from '../../../src/core/crypto.js';
import { concatBytes } from '../../../src/core/bytes.js';

const subtle = webcrypto.subtle;

export type ForgeKind = 'rsassa' | 'rsapss' | 'rsapss-max' | 'p256' | 'p384';
export type ForgeHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const WC: Record<ForgeHash, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};
const HASH_ID: Record<ForgeHash, number> = {
  sha1: TPM_ALG.SHA1,
  sha256: TPM_ALG.SHA256,
  sha384: TPM_ALG.SHA384,
  sha512: TPM_ALG.SHA512,
};

/** TPMA_OBJECT of tpm2_createak AKs: fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign. */
export const AK_ATTRIBUTES = 0x00050072;

/** A synthetic signing key with its TPMT_PUBLIC. */
export interface ForgedKey {
  readonly kind: ForgeKind;
  readonly hash: ForgeHash;
  readonly publicArea: Uint8Array;
  readonly pem: string;
  readonly jwk: JsonWebKey;
  /** Signs `data` and returns the TPMT_SIGNATURE. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Signs `data` and returns the bare signature (RSA bytes, ECDSA r‖s). */
  signRaw(data: Uint8Array): Promise<Uint8Array>;
}

function b64u(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

/** Makes a synthetic AK. `attributes` and `scheme` override what goes into its TPMT_PUBLIC. */
export async function forgeKey(
  kind: ForgeKind,
  hash: ForgeHash = kind === 'p384' ? 'sha384' : 'sha256',
  overrides: {
    attributes?: number;
    nameAlg?: ForgeHash;
    schemeNull?: boolean;
    rsaBits?: number;
  } = {},
): Promise<ForgedKey> {
  const isRsa = kind.startsWith('rsa');
  const kp = await subtle.generateKey(
    isRsa
      ? {
          name: kind === 'rsassa' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS',
          modulusLength: overrides.rsaBits ?? 2048,
          publicExponent: Uint8Array.of(1, 0, 1),
          hash: WC[hash],
        }
      : { name: 'ECDSA', namedCurve: kind === 'p256' ? 'P-256' : 'P-384' },
    true,
    ['sign', 'verify'],
  );
  const jwk = await subtle.exportKey('jwk', kp.publicKey);
  const spki = new Uint8Array(await subtle.exportKey('spki', kp.publicKey));
  const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(spki)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
  const nameAlgId = HASH_ID[overrides.nameAlg ?? (kind === 'p384' ? 'sha384' : 'sha256')];
  const schemeId = overrides.schemeNull
    ? TPM_ALG.NULL
    : kind === 'rsassa'
      ? TPM_ALG.RSASSA
      : isRsa
        ? TPM_ALG.RSAPSS
        : TPM_ALG.ECDSA;
  const scheme = schemeId === TPM_ALG.NULL ? { schemeId } : { schemeId, hashAlg: HASH_ID[hash] };
  const base = {
    nameAlgId,
    objectAttributes: overrides.attributes ?? AK_ATTRIBUTES,
    authPolicy: new Uint8Array(0),
  };
  const pub: TpmtPublicInput = isRsa
    ? {
        ...base,
        type: 'rsa',
        parameters: {
          symmetric: { algorithmId: TPM_ALG.NULL },
          scheme,
          keyBits: overrides.rsaBits ?? 2048,
          exponent: 0,
        },
        unique: b64u(jwk.n!),
      }
    : {
        ...base,
        type: 'ecc',
        parameters: {
          symmetric: { algorithmId: TPM_ALG.NULL },
          scheme,
          curveId: kind === 'p256' ? 0x0003 : 0x0004,
          kdf: { schemeId: TPM_ALG.NULL },
        },
        unique: { x: b64u(jwk.x!), y: b64u(jwk.y!) },
      };
  const signRaw = async (data: Uint8Array): Promise<Uint8Array> => {
    const alg =
      kind === 'rsassa'
        ? { name: 'RSASSA-PKCS1-v1_5' }
        : kind === 'rsapss'
          ? { name: 'RSA-PSS', saltLength: TPM_HASH_SIZES[hash] }
          : kind === 'rsapss-max'
            ? { name: 'RSA-PSS', saltLength: 256 - TPM_HASH_SIZES[hash] - 2 }
            : { name: 'ECDSA', hash: WC[hash] };
    return new Uint8Array(await subtle.sign(alg, kp.privateKey, data));
  };
  return {
    kind,
    hash,
    publicArea: encodeTpmtPublic(pub),
    pem,
    jwk,
    signRaw,
    async sign(data) {
      const raw = await signRaw(data);
      if (isRsa) {
        return encodeTpmtSignature({
          sigAlg: kind === 'rsassa' ? 'rsassa' : 'rsapss',
          hashAlg: HASH_ID[hash],
          sig: raw,
        });
      }
      const half = raw.length / 2;
      return encodeTpmtSignature({
        sigAlg: 'ecdsa',
        hashAlg: HASH_ID[hash],
        signatureR: raw.slice(0, half),
        signatureS: raw.slice(half),
      });
    },
  };
}

/** Bank name → TPM_ALG_ID. */
export const BANK_ID: Record<string, number> = {
  sha1: TPM_ALG.SHA1,
  sha256: TPM_ALG.SHA256,
  sha384: TPM_ALG.SHA384,
  sha512: TPM_ALG.SHA512,
};

/** Deterministic PCR values for a selection (value = H(bank ‖ index)). */
export function pcrValues(sel: Record<string, number[]>): PcrBanks {
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, idx] of Object.entries(sel)) {
    out[bank] = {};
    for (const i of idx) {
      out[bank][i] = digest(bank as ForgeHash, new TextEncoder().encode(`${bank}:${i}`));
    }
  }
  return out;
}

/** A qualified-Name-shaped placeholder with the key's nameAlg (its digest is arbitrary). */
export function placeholderQn(publicArea: Uint8Array): Uint8Array {
  const alg = (publicArea[2]! << 8) | publicArea[3]!;
  const size =
    alg === TPM_ALG.SHA384 ? 48 : alg === TPM_ALG.SHA512 ? 64 : alg === TPM_ALG.SHA1 ? 20 : 32;
  return concatBytes(Uint8Array.of(alg >> 8, alg & 0xff), new Uint8Array(size).fill(7));
}

/** Options of {@link forgeQuote}. */
export interface ForgeQuoteOptions {
  readonly key: ForgedKey;
  /** Selection in TPM order: [bank, indices][] (a bank may repeat). */
  readonly selection: readonly (readonly [string, readonly number[]])[];
  /** Values to hash into pcrDigest (default: pcrValues of the selection). */
  readonly pcrs?: PcrBanks;
  readonly nonce?: Uint8Array;
  readonly magic?: number;
  readonly qualifiedSigner?: Uint8Array;
  readonly safe?: boolean;
  /** Replace the attested body (e.g. a certify body to test type confusion). */
  readonly attested?: TpmsAttestedInput;
  /** Hash for pcrDigest (default: the key's signing hash). */
  readonly digestHash?: ForgeHash;
}

/** Builds and signs a synthetic TPMS_ATTEST quote. */
export async function forgeQuote(
  o: ForgeQuoteOptions,
): Promise<{ attest: Uint8Array; signature: Uint8Array; pcrs: PcrBanks }> {
  const sel: Record<string, number[]> = {};
  for (const [b, idx] of o.selection) sel[b] = [...new Set([...(sel[b] ?? []), ...idx])];
  const pcrs = o.pcrs ?? pcrValues(sel);
  const parts: Uint8Array[] = [];
  for (const [bank, idx] of o.selection) {
    for (const i of [...idx].sort((a, b) => a - b)) {
      parts.push(
        (pcrs as Record<string, Record<number, Uint8Array>>)[bank]?.[i] ?? new Uint8Array(0),
      );
    }
  }
  const pcrDigest = digest(o.digestHash ?? o.key.hash, concatBytes(...parts));
  const attest = encodeTpmsAttest({
    ...(o.magic !== undefined ? { magic: o.magic } : {}),
    qualifiedSigner: o.qualifiedSigner ?? placeholderQn(o.key.publicArea),
    extraData: o.nonce ?? new Uint8Array(0),
    clockInfo: { clock: 123456n, resetCount: 1, restartCount: 0, safe: o.safe ?? true },
    firmwareVersion: 0x2019102300163636n,
    attested: o.attested ?? {
      type: 'quote',
      pcrSelect: o.selection.map(([b, idx]) => ({ hashAlg: BANK_ID[b]!, pcrs: idx })),
      pcrDigest,
    },
  });
  return { attest, signature: await o.key.sign(attest), pcrs };
}

/** Builds and signs a synthetic TPM2_Certify statement of `object` by `signer`. */
export async function forgeCertify(
  signer: ForgedKey,
  object: ForgedKey,
  extraData: Uint8Array,
): Promise<{ attest: Uint8Array; signature: Uint8Array }> {
  const attest = encodeTpmsAttest({
    qualifiedSigner: new Uint8Array(34),
    extraData,
    clockInfo: { clock: 1n, resetCount: 0, restartCount: 0, safe: true },
    firmwareVersion: 0n,
    attested: {
      type: 'certify',
      name: tpmName(object.publicArea),
      qualifiedName: new Uint8Array(34),
    },
  });
  return { attest, signature: await signer.sign(attest) };
}
