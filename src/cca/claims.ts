/**
 * @module
 * Claims of CCA platform tokens, CCA realm tokens and PSA tokens, decoded from their CBOR maps
 * into typed data. Follows draft-ffm-rats-cca-token (platform profiles
 * `http://arm.com/CCA-SSD/1.0.0`, `tag:arm.com,2023:cca_platform#1.0.0`,
 * `tag:arm.com,2024:cca_platform#2.0.0`; realm profiles none, `tag:arm.com,2023:realm#1.0.0`,
 * `tag:arm.com,2024:realm#2.0.0`), RMM DEN0137 A7.2.3, RFC 9783 (PSA, claim keys 265/10/256/
 * 2394–2400) and the PSA IoT profile 1 (keys -75000…-75010).
 *
 * Decoding enforces presence and CBOR types of mandatory claims (a missing or mistyped claim is
 * an error: the structure is not a token of that profile). Sizes and values — digest lengths, the
 * 0x01 UEID type, four REMs, lifecycle ranges — are checked by `verifyCcaToken` as the
 * `cca.platform.claims` and `cca.realm.claims` checks, so a caller sees them as results. Unknown
 * claims are kept in `unknownClaims` and never rejected.
 */
import { AttestError } from '../core/errors.js';
import type { HashAlg } from '../core/crypto.js';
import {
  assertInputBytes,
  cborMapGet,
  cborTypeName,
  decodeCbor,
  type CborMap,
  type CborNode,
} from './cbor.js';
import { decodeCoseKey } from './cose.js';
import { ecKeyFromRawPoint } from './keys.js';
import type {
  CcaLifecycleState,
  CcaMecPolicy,
  CcaPlatformClaims,
  CcaPlatformProfileKind,
  CcaRealmClaims,
  CcaRealmProfileKind,
  CcaRealmPublicKey,
  CcaSoftwareComponent,
  CcaUnknownClaim,
} from './types.js';

/** Platform profile strings and the claim layout each selects. */
export const CCA_PLATFORM_PROFILES: Readonly<Record<string, CcaPlatformProfileKind>> = {
  'http://arm.com/CCA-SSD/1.0.0': 'cca-ssd-1.0.0',
  'tag:arm.com,2023:cca_platform#1.0.0': 'cca-platform-1.0.0',
  'tag:arm.com,2024:cca_platform#2.0.0': 'cca-platform-2.0.0',
  'http://arm.com/psa/2.0.0': 'psa-2',
  'tag:psacertified.org,2023:psa#tfm': 'psa-2',
  'tag:psacertified.org,2019:psa#legacy': 'psa-2',
};

/** Realm profile strings and the claim layout each selects. */
export const CCA_REALM_PROFILES: Readonly<Record<string, CcaRealmProfileKind>> = {
  'tag:arm.com,2023:realm#1.0.0': 'realm-1.0.0',
  'tag:arm.com,2024:realm#2.0.0': 'realm-2.0.0',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A table lookup that ignores inherited properties (`constructor`, `__proto__`). */
function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** IANA named-information hash names used by CCA claims, and the hashes attestkit computes. */
const HASH_NAMES: Readonly<Record<string, HashAlg>> = {
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/**
 * The hash algorithm a CCA hash-algorithm claim names (IANA "Named Information Hash Algorithm"
 * names: `sha-256`, `sha-384`, `sha-512`), or undefined for anything else.
 *
 * Exported from `attestkit/cca`.
 *
 * @param name - the claim value, e.g. realm claim 44236 or 44240.
 * @returns the algorithm, or undefined.
 * @example
 * ```ts
 * ccaHashAlgorithm('sha-512') // 'sha512'
 * ```
 */
export function ccaHashAlgorithm(name: string): HashAlg | undefined {
  return ownValue(HASH_NAMES, name);
}

/** Claim keys (EAT RFC 9711, RFC 9783, draft-ffm-rats-cca-token). */
export const CCA_CLAIM = {
  PROFILE: 265,
  CHALLENGE: 10,
  INSTANCE_ID: 256,
  CLIENT_ID: 2394,
  LIFECYCLE: 2395,
  IMPLEMENTATION_ID: 2396,
  BOOT_SEED: 2397,
  CERTIFICATION_REFERENCE: 2398,
  SW_COMPONENTS: 2399,
  VERIFICATION_SERVICE: 2400,
  CONFIG: 2401,
  HASH_ALGO_ID: 2402,
  MANUFACTURING_CONFIG: 2403,
  PLATFORM_EXTENSION: 2404,
  REALM_PERSONALIZATION_VALUE: 44235,
  REALM_HASH_ALGO_ID: 44236,
  REALM_PUBLIC_KEY: 44237,
  REALM_INITIAL_MEASUREMENT: 44238,
  REALM_EXTENSIBLE_MEASUREMENTS: 44239,
  REALM_PUBLIC_KEY_HASH_ALGO_ID: 44240,
  REALM_MEC_POLICY_QUIRK: 44241,
  REALM_MEC_POLICY: 44243,
  REALM_LFA_POLICY: 44244,
  REALM_DEVICES_TOKEN_HASH: 44257,
} as const;

/** PSA IoT profile 1 claim keys. */
const P1 = {
  PROFILE: -75000,
  CLIENT_ID: -75001,
  LIFECYCLE: -75002,
  IMPLEMENTATION_ID: -75003,
  BOOT_SEED: -75004,
  HARDWARE_VERSION: -75005,
  SW_COMPONENTS: -75006,
  NO_SW_MEASUREMENTS: -75007,
  CHALLENGE: -75008,
  INSTANCE_ID: -75009,
  VERIFICATION_SERVICE: -75010,
} as const;

const CCA_PLATFORM_KEYS: readonly number[] = [
  265, 10, 256, 2394, 2395, 2396, 2399, 2400, 2401, 2402, 2403, 2404,
];
const PSA2_KEYS: readonly number[] = [265, 10, 256, 2394, 2395, 2396, 2397, 2398, 2399, 2400];
const P1_KEYS: readonly number[] = Object.values(P1);
const REALM_KEYS: readonly number[] = [
  265, 10, 256, 44235, 44236, 44237, 44238, 44239, 44240, 44243, 44244, 44257,
];

/**
 * Names the lifecycle state of a security lifecycle value (PSA / CCA: the high byte selects the
 * state; 0x0000–0x00ff unknown, 0x1000–0x10ff assembly and test, … 0x6000–0x60ff
 * decommissioned; anything else is invalid).
 *
 * Exported from `attestkit/cca`.
 *
 * @param lifecycle - the claim value.
 * @returns the state.
 * @example
 * ```ts
 * ccaLifecycleState(0x3003) // 'secured'
 * ```
 */
export function ccaLifecycleState(lifecycle: number): CcaLifecycleState {
  if (!Number.isInteger(lifecycle) || lifecycle < 0 || lifecycle > 0xffff) return 'invalid';
  switch (lifecycle >> 8) {
    case 0x00:
      return 'unknown';
    case 0x10:
      return 'assembly-and-test';
    case 0x20:
      return 'rot-provisioning';
    case 0x30:
      return 'secured';
    case 0x40:
      return 'non-rot-debug';
    case 0x50:
      return 'recoverable-rot-debug';
    case 0x60:
      return 'decommissioned';
    default:
      return 'invalid';
  }
}

/** Reads typed claims from one CBOR map, with offsets in every error. */
class ClaimReader {
  constructor(
    readonly map: CborMap,
    readonly structure: string,
    private readonly source?: Uint8Array,
    private readonly base = 0,
  ) {}

  private missing(name: string, key: number): never {
    throw new AttestError('ERR_MISSING_FIELD', {
      offset: this.map.offset,
      field: `${this.structure}.${name}`,
      message: `mandatory claim ${name} (${key}) is missing`,
    });
  }

  private mistyped(node: CborNode, name: string, expected: string): never {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: node.offset,
      field: `${this.structure}.${name}`,
      message: `claim ${name} must be ${expected}, got ${cborTypeName(node)}`,
    });
  }

  node(key: number, name: string, required: true): CborNode;
  node(key: number, name: string, required: boolean): CborNode | undefined;
  node(key: number, name: string, required: boolean): CborNode | undefined {
    const n = cborMapGet(this.map, key);
    if (n === undefined && required) this.missing(name, key);
    return n;
  }

  bytes(key: number, name: string, required: true): Uint8Array;
  bytes(key: number, name: string, required: boolean): Uint8Array | undefined;
  bytes(key: number, name: string, required: boolean): Uint8Array | undefined {
    const n = this.node(key, name, required);
    if (n === undefined) return undefined;
    return n.kind === 'bytes' ? n.value : this.mistyped(n, name, 'a byte string');
  }

  text(key: number, name: string, required: true): string;
  text(key: number, name: string, required: boolean): string | undefined;
  text(key: number, name: string, required: boolean): string | undefined {
    const n = this.node(key, name, required);
    if (n === undefined) return undefined;
    return n.kind === 'text' ? n.value : this.mistyped(n, name, 'a text string');
  }

  int(key: number, name: string, required: true, unsigned?: boolean): number;
  int(key: number, name: string, required: boolean, unsigned?: boolean): number | undefined;
  int(key: number, name: string, required: boolean, unsigned = false): number | undefined {
    const n = this.node(key, name, required);
    if (n === undefined) return undefined;
    if (n.kind !== 'int' || typeof n.value !== 'number' || (unsigned && n.value < 0)) {
      return this.mistyped(n, name, unsigned ? 'an unsigned integer' : 'an integer');
    }
    return n.value;
  }

  raw(node: CborNode): Uint8Array {
    if (this.source === undefined) throw new TypeError('ClaimReader has no source bytes');
    const start = node.offset - this.base;
    return this.source.slice(start, start + node.length);
  }

  unknown(known: readonly number[]): CcaUnknownClaim[] {
    const out: CcaUnknownClaim[] = [];
    for (const { key, value } of this.map.entries) {
      if (typeof key.value === 'number' && known.includes(key.value)) continue;
      const scalar =
        value.kind === 'int' ||
        value.kind === 'text' ||
        value.kind === 'bytes' ||
        value.kind === 'simple' ||
        value.kind === 'float';
      out.push({
        key: key.value,
        ...(scalar ? { value: value.value } : {}),
        raw: this.raw(value),
        offset: key.offset,
      });
    }
    return out;
  }
}

function expectMap(node: CborNode, structure: string): CborMap {
  if (node.kind !== 'map') {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: node.offset,
      field: structure,
      message: `${structure} must be a CBOR map, got ${cborTypeName(node)}`,
    });
  }
  return node;
}

function softwareComponents(r: ClaimReader, key: number): CcaSoftwareComponent[] {
  const list = r.node(key, 'sw-components', true);
  if (list.kind !== 'array') {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: list.offset,
      field: `${r.structure}.sw-components`,
      message: `sw-components must be an array, got ${cborTypeName(list)}`,
    });
  }
  return list.items.map((item, i) => {
    const name = `${r.structure}.sw-components[${i}]`;
    const c = new ClaimReader(expectMap(item, name), name);
    const measurementType = c.text(1, 'measurement-type', false);
    const version = c.text(4, 'version', false);
    const signerId = c.bytes(5, 'signer-id', false);
    const description = c.text(6, 'measurement-description', false);
    const lfa = c.node(7, 'lfa-supported', false);
    if (lfa !== undefined && !(lfa.kind === 'simple' && typeof lfa.value === 'boolean')) {
      throw new AttestError('ERR_BAD_CBOR', {
        offset: lfa.offset,
        field: `${c.structure}.lfa-supported`,
        message: 'lfa-supported must be a boolean',
      });
    }
    const counter = c.node(8, 'countersigner-ids', false);
    let countersignerIds: Uint8Array[] | undefined;
    if (counter !== undefined) {
      if (counter.kind !== 'array' || counter.items.some((x) => x.kind !== 'bytes')) {
        throw new AttestError('ERR_BAD_CBOR', {
          offset: counter.offset,
          field: `${c.structure}.countersigner-ids`,
          message: 'countersigner-ids must be an array of byte strings',
        });
      }
      countersignerIds = counter.items.map((x) => (x as { value: Uint8Array }).value);
    }
    // Assignments rather than conditional spreads: this runs once per component.
    const out: Mutable<CcaSoftwareComponent> = {
      measurementValue: c.bytes(2, 'measurement-value', true),
    };
    if (measurementType !== undefined) out.measurementType = measurementType;
    if (version !== undefined) out.version = version;
    if (signerId !== undefined) out.signerId = signerId;
    if (description !== undefined) out.measurementDescription = description;
    if (lfa !== undefined) out.lfaSupported = lfa.value as boolean;
    if (countersignerIds !== undefined) out.countersignerIds = countersignerIds;
    return out;
  });
}

/** Where a platform claims map is being decoded: it decides which profiles are acceptable. */
export type PlatformClaimsContext = 'cca' | 'any';

/**
 * Decodes a platform (or PSA) claims map.
 *
 * @internal Used by `parse.ts`; callers use {@link parseCcaPlatformClaims}.
 */
export function decodePlatformClaims(
  node: CborNode,
  source: Uint8Array,
  base: number,
  context: PlatformClaimsContext,
): CcaPlatformClaims {
  const structure = 'platform-claims';
  const map = expectMap(node, structure);
  const r = new ClaimReader(map, structure, source, base);
  const isP1 = map.entries.some(
    (e) => typeof e.key.value === 'number' && e.key.value <= -75000 && e.key.value >= -75010,
  );
  if (isP1) {
    if (context === 'cca') {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: map.offset,
        field: structure,
        message: 'a CCA collection holds a PSA profile 1 token in its platform slot',
      });
    }
    const lifecycle = r.int(P1.LIFECYCLE, 'security-lifecycle', true, true);
    const profile = r.text(P1.PROFILE, 'profile', false);
    const noSw = r.int(P1.NO_SW_MEASUREMENTS, 'no-sw-measurements', false, true);
    const bootSeed = r.bytes(P1.BOOT_SEED, 'boot-seed', true);
    const hw = r.text(P1.HARDWARE_VERSION, 'hardware-version', false);
    const vs = r.text(P1.VERIFICATION_SERVICE, 'verification-service', false);
    const sw =
      noSw !== undefined && cborMapGet(map, P1.SW_COMPONENTS) === undefined
        ? []
        : softwareComponents(r, P1.SW_COMPONENTS);
    return {
      profile,
      profileKind: 'psa-1',
      challenge: r.bytes(P1.CHALLENGE, 'challenge', true),
      implementationId: r.bytes(P1.IMPLEMENTATION_ID, 'implementation-id', true),
      instanceId: r.bytes(P1.INSTANCE_ID, 'instance-id', true),
      lifecycle,
      lifecycleState: ccaLifecycleState(lifecycle),
      softwareComponents: sw,
      ...(vs !== undefined ? { verificationService: vs } : {}),
      clientId: r.int(P1.CLIENT_ID, 'client-id', true),
      bootSeed,
      ...(hw !== undefined ? { certificationReference: hw } : {}),
      ...(noSw !== undefined ? { noSoftwareMeasurements: noSw } : {}),
      unknownClaims: r.unknown(P1_KEYS),
    };
  }

  const profile = r.text(CCA_CLAIM.PROFILE, 'profile', true);
  const profileKind = ownValue(CCA_PLATFORM_PROFILES, profile);
  if (profileKind === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: r.node(CCA_CLAIM.PROFILE, 'profile', true).offset,
      field: `${structure}.profile`,
      message: `unknown platform profile "${profile}"`,
    });
  }
  if (context === 'cca' && profileKind === 'psa-2') {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: map.offset,
      field: `${structure}.profile`,
      message: `a CCA collection holds a PSA token ("${profile}") in its platform slot`,
    });
  }
  const lifecycle = r.int(CCA_CLAIM.LIFECYCLE, 'lifecycle', true, true);
  const common = {
    profile,
    profileKind,
    challenge: r.bytes(CCA_CLAIM.CHALLENGE, 'challenge', true),
    implementationId: r.bytes(CCA_CLAIM.IMPLEMENTATION_ID, 'implementation-id', true),
    instanceId: r.bytes(CCA_CLAIM.INSTANCE_ID, 'instance-id', true),
    lifecycle,
    lifecycleState: ccaLifecycleState(lifecycle),
    softwareComponents: softwareComponents(r, CCA_CLAIM.SW_COMPONENTS),
  };
  const vs = r.text(CCA_CLAIM.VERIFICATION_SERVICE, 'verification-service', false);
  if (profileKind === 'psa-2') {
    const bootSeed = r.bytes(CCA_CLAIM.BOOT_SEED, 'boot-seed', false);
    const cert = r.text(CCA_CLAIM.CERTIFICATION_REFERENCE, 'certification-reference', false);
    return {
      ...common,
      ...(vs !== undefined ? { verificationService: vs } : {}),
      clientId: r.int(CCA_CLAIM.CLIENT_ID, 'client-id', true),
      ...(bootSeed !== undefined ? { bootSeed } : {}),
      ...(cert !== undefined ? { certificationReference: cert } : {}),
      unknownClaims: r.unknown(PSA2_KEYS),
    };
  }
  const v2 = profileKind === 'cca-platform-2.0.0';
  const clientId = r.int(CCA_CLAIM.CLIENT_ID, 'client-id', v2);
  const mfg = r.bytes(CCA_CLAIM.MANUFACTURING_CONFIG, 'manufacturing-config', false);
  const ext = r.node(CCA_CLAIM.PLATFORM_EXTENSION, 'platform-extension', false);
  if (ext !== undefined && ext.kind !== 'array') {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: ext.offset,
      field: `${structure}.platform-extension`,
      message: `platform-extension must be an array, got ${cborTypeName(ext)}`,
    });
  }
  return {
    ...common,
    config: r.bytes(CCA_CLAIM.CONFIG, 'config', true),
    ...(vs !== undefined ? { verificationService: vs } : {}),
    hashAlgorithm: r.text(CCA_CLAIM.HASH_ALGO_ID, 'hash-algo-id', true),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(mfg !== undefined ? { manufacturingConfig: mfg } : {}),
    ...(ext !== undefined ? { platformExtension: r.raw(ext) } : {}),
    unknownClaims: r.unknown(CCA_PLATFORM_KEYS),
  };
}

function decodeRak(
  node: CborNode,
  profileKind: CcaRealmProfileKind,
): { publicKey: Uint8Array; rak: CcaRealmPublicKey } {
  if (node.kind !== 'bytes') {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: node.offset,
      field: 'realm-claims.public-key',
      message: `realm public key must be a byte string, got ${cborTypeName(node)}`,
    });
  }
  const bytes = node.value;
  const first = bytes[0] ?? 0;
  const looksLikeMap = first >= 0xa0 && first <= 0xbf;
  if (profileKind === 'legacy') {
    if (looksLikeMap) {
      throw new AttestError('ERR_BAD_KEY', {
        offset: node.contentOffset,
        field: 'realm-claims.public-key',
        message: 'a realm without profile carries a raw EC point, but this RAK is a COSE_Key',
      });
    }
    return {
      publicKey: bytes,
      rak: {
        encoding: 'raw-point',
        key: ecKeyFromRawPoint(bytes, node.contentOffset),
        hasPrivateKey: false,
      },
    };
  }
  if (!looksLikeMap) {
    throw new AttestError('ERR_BAD_KEY', {
      offset: node.contentOffset,
      field: 'realm-claims.public-key',
      message: `realm profile ${profileKind} carries the RAK as a COSE_Key, but this one is not a CBOR map`,
    });
  }
  const k = decodeCoseKey(bytes, node.contentOffset);
  return {
    publicKey: bytes,
    rak: {
      encoding: 'cose-key',
      key: k.key,
      hasPrivateKey: k.hasPrivateKey,
      labels: k.labels,
      ...(k.alg !== undefined ? { alg: k.alg } : {}),
    },
  };
}

const MEC_POLICIES: readonly (readonly [number, string, CcaMecPolicy])[] = [
  [0, 'shared', 'shared'],
  [1, 'private', 'private'],
];

/**
 * Decodes a realm claims map.
 *
 * @internal Used by `parse.ts`; callers use {@link parseCcaRealmClaims}.
 */
export function decodeRealmClaims(
  node: CborNode,
  source: Uint8Array,
  base: number,
): CcaRealmClaims {
  const structure = 'realm-claims';
  const map = expectMap(node, structure);
  const r = new ClaimReader(map, structure, source, base);
  const profile = r.text(CCA_CLAIM.PROFILE, 'profile', false);
  let profileKind: CcaRealmProfileKind = 'legacy';
  if (profile !== undefined) {
    const k = ownValue(CCA_REALM_PROFILES, profile);
    if (k === undefined) {
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: r.node(CCA_CLAIM.PROFILE, 'profile', true).offset,
        field: `${structure}.profile`,
        message: `unknown realm profile "${profile}"`,
      });
    }
    profileKind = k;
  }
  const rems = r.node(CCA_CLAIM.REALM_EXTENSIBLE_MEASUREMENTS, 'extensible-measurements', true);
  if (rems.kind !== 'array' || rems.items.some((x) => x.kind !== 'bytes')) {
    throw new AttestError('ERR_BAD_CBOR', {
      offset: rems.offset,
      field: `${structure}.extensible-measurements`,
      message: 'extensible-measurements must be an array of byte strings',
    });
  }
  const quirks: string[] = [];
  const mec = r.node(CCA_CLAIM.REALM_MEC_POLICY, 'mec-policy', false);
  let mecPolicy: number | string | undefined;
  if (mec !== undefined) {
    if (mec.kind === 'int' && typeof mec.value === 'number' && mec.value >= 0)
      mecPolicy = mec.value;
    else if (mec.kind === 'text') {
      mecPolicy = mec.value;
      quirks.push('mec-policy-as-text');
    } else {
      throw new AttestError('ERR_BAD_CBOR', {
        offset: mec.offset,
        field: `${structure}.mec-policy`,
        message: `mec-policy must be an unsigned integer, got ${cborTypeName(mec)}`,
      });
    }
  }
  const misplaced = cborMapGet(map, CCA_CLAIM.REALM_MEC_POLICY_QUIRK);
  if (
    (misplaced?.kind === 'int' || misplaced?.kind === 'text') &&
    MEC_POLICIES.some(([n, t]) => misplaced.value === n || misplaced.value === t)
  ) {
    quirks.push('mec-policy-under-44241');
  }
  const mecPolicyName = MEC_POLICIES.find(([n, t]) => mecPolicy === n || mecPolicy === t)?.[2];
  const instanceId = r.bytes(CCA_CLAIM.INSTANCE_ID, 'instance-id', false);
  const lfa = r.int(CCA_CLAIM.REALM_LFA_POLICY, 'lfa-policy', false, true);
  const devices = r.bytes(CCA_CLAIM.REALM_DEVICES_TOKEN_HASH, 'devices-token-hash', false);
  const challenge = r.bytes(CCA_CLAIM.CHALLENGE, 'challenge', true);
  const personalizationValue = r.bytes(
    CCA_CLAIM.REALM_PERSONALIZATION_VALUE,
    'personalization-value',
    true,
  );
  const initialMeasurement = r.bytes(
    CCA_CLAIM.REALM_INITIAL_MEASUREMENT,
    'initial-measurement',
    true,
  );
  const hashAlgorithm = r.text(CCA_CLAIM.REALM_HASH_ALGO_ID, 'hash-algo-id', true);
  const publicKeyHashAlgorithm = r.text(
    CCA_CLAIM.REALM_PUBLIC_KEY_HASH_ALGO_ID,
    'public-key-hash-algo-id',
    true,
  );
  const { publicKey, rak } = decodeRak(
    r.node(CCA_CLAIM.REALM_PUBLIC_KEY, 'public-key', true),
    profileKind,
  );
  return {
    profile,
    profileKind,
    challenge,
    personalizationValue,
    initialMeasurement,
    extensibleMeasurements: rems.items.map((x) => (x as { value: Uint8Array }).value),
    hashAlgorithm,
    publicKey,
    rak,
    publicKeyHashAlgorithm,
    ...(instanceId !== undefined ? { instanceId } : {}),
    ...(mecPolicy !== undefined ? { mecPolicy } : {}),
    ...(mecPolicyName !== undefined ? { mecPolicyName } : {}),
    ...(lfa !== undefined ? { lfaPolicy: lfa } : {}),
    ...(devices !== undefined ? { devicesTokenHash: devices } : {}),
    unknownClaims: r.unknown(REALM_KEYS),
    quirks,
  };
}

/**
 * Decodes an unsigned CCA platform claims map, or the claims of a PSA token (profile 1 or 2),
 * from its CBOR encoding. The result is what the bytes claim; nothing is verified.
 *
 * @param bytes - the encoded claims map (a COSE payload, or a stand-alone claims file).
 * @returns the typed claims.
 * @throws {AttestError} `ERR_BAD_CBOR`, `ERR_MISSING_FIELD` (a mandatory claim is absent),
 *   `ERR_UNSUPPORTED` (unknown profile), `ERR_LIMIT_EXCEEDED`, `ERR_TRAILING_DATA`.
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * import { parseCcaPlatformClaims } from 'attestkit/cca';
 * const claims = parseCcaPlatformClaims(payload);
 * console.log(claims.profile, claims.lifecycleState);
 * ```
 */
export function parseCcaPlatformClaims(bytes: Uint8Array): CcaPlatformClaims {
  assertInputBytes(bytes, 'claims');
  return decodePlatformClaims(decodeCbor(bytes, { structure: 'platform-claims' }), bytes, 0, 'any');
}

/**
 * Decodes an unsigned CCA realm claims map from its CBOR encoding, including the RAK (raw point
 * or COSE_Key, chosen by the realm profile). The result is what the bytes claim.
 *
 * @param bytes - the encoded claims map.
 * @returns the typed claims.
 * @throws {AttestError} `ERR_BAD_CBOR`, `ERR_MISSING_FIELD`, `ERR_UNSUPPORTED`, `ERR_BAD_KEY`
 *   (a RAK whose shape contradicts the profile), `ERR_LIMIT_EXCEEDED`, `ERR_TRAILING_DATA`.
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * import { parseCcaRealmClaims } from 'attestkit/cca';
 * const realm = parseCcaRealmClaims(payload);
 * console.log(realm.profileKind, realm.initialMeasurement);
 * ```
 */
export function parseCcaRealmClaims(bytes: Uint8Array): CcaRealmClaims {
  assertInputBytes(bytes, 'claims');
  return decodeRealmClaims(decodeCbor(bytes, { structure: 'realm-claims' }), bytes, 0);
}
