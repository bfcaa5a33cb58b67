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
import { copyBytes } from '../core/bytes.js';
import { AttestError } from '../core/errors.js';
import type { HashAlg } from '../core/crypto.js';
import {
  assertInputBytes,
  cborMapGet,
  cborTypeName,
  decodeCbor,
  type CborArray,
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
export const CCA_PLATFORM_PROFILES: Readonly<Record<string, CcaPlatformProfileKind>> =
  /* @__PURE__ */ Object.freeze({
    'http://arm.com/CCA-SSD/1.0.0': 'cca-ssd-1.0.0',
    'tag:arm.com,2023:cca_platform#1.0.0': 'cca-platform-1.0.0',
    'tag:arm.com,2024:cca_platform#2.0.0': 'cca-platform-2.0.0',
    'http://arm.com/psa/2.0.0': 'psa-2',
    'tag:psacertified.org,2023:psa#tfm': 'psa-2',
    'tag:psacertified.org,2019:psa#legacy': 'psa-2',
  });

/** Realm profile strings and the claim layout each selects. */
export const CCA_REALM_PROFILES: Readonly<Record<string, CcaRealmProfileKind>> =
  /* @__PURE__ */ Object.freeze({
    'tag:arm.com,2023:realm#1.0.0': 'realm-1.0.0',
    'tag:arm.com,2024:realm#2.0.0': 'realm-2.0.0',
  });

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

/**
 * How a claim is read: `int` any integer up to 2^53, `uint` a non-negative one, `bytes[]` an
 * array of byte strings, `array` any array (returned as its node).
 */
type ClaimType = 'bytes' | 'text' | 'int' | 'uint' | 'bool' | 'bytes[]' | 'array';

/** What each {@link ClaimType} must be, for error messages. */
const CLAIM_TYPES: Readonly<Record<ClaimType, string>> = {
  bytes: 'a byte string',
  text: 'a text string',
  int: 'an integer',
  uint: 'an unsigned integer',
  bool: 'a boolean',
  'bytes[]': 'an array of byte strings',
  array: 'an array',
};

/**
 * One claim of a profile: the property it fills, its key (EAT RFC 9711, RFC 9783,
 * draft-ffm-rats-cca-token), its name in errors, its type, and whether it is mandatory.
 */
type ClaimSpec<T> = readonly [
  property: keyof T & string,
  key: number,
  name: string,
  type: ClaimType,
  mandatory?: boolean,
];

/** Claims every CCA platform and PSA profile 2 token carries (keys 10, 256, 2395, 2396). */
const PLATFORM_CLAIMS: readonly ClaimSpec<CcaPlatformClaims>[] = [
  ['lifecycle', 2395, 'lifecycle', 'uint', true],
  ['challenge', 10, 'challenge', 'bytes', true],
  ['implementationId', 2396, 'implementation-id', 'bytes', true],
  ['instanceId', 256, 'instance-id', 'bytes', true],
];

/** PSA profile 2 (RFC 9783) beyond {@link PLATFORM_CLAIMS}. */
const PSA2_CLAIMS: readonly ClaimSpec<CcaPlatformClaims>[] = [
  ['verificationService', 2400, 'verification-service', 'text'],
  ['bootSeed', 2397, 'boot-seed', 'bytes'],
  ['certificationReference', 2398, 'certification-reference', 'text'],
  ['clientId', 2394, 'client-id', 'int', true],
];

/**
 * CCA platform profiles beyond {@link PLATFORM_CLAIMS}: the client id is mandatory from 2.0.0;
 * the platform extension is kept as its encoded bytes.
 */
const ccaPlatformClaims = (v2: boolean): readonly ClaimSpec<CcaPlatformClaims>[] => [
  ['verificationService', 2400, 'verification-service', 'text'],
  ['clientId', 2394, 'client-id', 'int', v2],
  ['manufacturingConfig', 2403, 'manufacturing-config', 'bytes'],
  ['platformExtension', 2404, 'platform-extension', 'array'],
  ['config', 2401, 'config', 'bytes', true],
  ['hashAlgorithm', 2402, 'hash-algo-id', 'text', true],
];

/** PSA IoT profile 1 (keys -75000…-75010; sw-components, -75006, is read after these). */
const P1_CLAIMS: readonly ClaimSpec<CcaPlatformClaims>[] = [
  ['lifecycle', -75002, 'security-lifecycle', 'uint', true],
  ['profile', -75000, 'profile', 'text'],
  ['noSoftwareMeasurements', -75007, 'no-sw-measurements', 'uint'],
  ['bootSeed', -75004, 'boot-seed', 'bytes', true],
  ['certificationReference', -75005, 'hardware-version', 'text'],
  ['verificationService', -75010, 'verification-service', 'text'],
  ['challenge', -75008, 'challenge', 'bytes', true],
  ['implementationId', -75003, 'implementation-id', 'bytes', true],
  ['instanceId', -75009, 'instance-id', 'bytes', true],
  ['clientId', -75001, 'client-id', 'int', true],
];
const P1_SW_COMPONENTS = -75006;

/** Realm claims (RMM DEN0137 A7.2.3.2); profile, REMs, MEC policy and RAK are read on their own. */
const REALM_CLAIMS: readonly ClaimSpec<CcaRealmClaims>[] = [
  ['instanceId', 256, 'instance-id', 'bytes'],
  ['lfaPolicy', 44244, 'lfa-policy', 'uint'],
  ['devicesTokenHash', 44257, 'devices-token-hash', 'bytes'],
  ['challenge', 10, 'challenge', 'bytes', true],
  ['personalizationValue', 44235, 'personalization-value', 'bytes', true],
  ['initialMeasurement', 44238, 'initial-measurement', 'bytes', true],
  ['hashAlgorithm', 44236, 'hash-algo-id', 'text', true],
  ['publicKeyHashAlgorithm', 44240, 'public-key-hash-algo-id', 'text', true],
];

/** A software component (RFC 9783 §4.4.1; CCA adds lfa-supported and countersigner ids). */
const SW_COMPONENT_CLAIMS: readonly ClaimSpec<CcaSoftwareComponent>[] = [
  ['measurementType', 1, 'measurement-type', 'text'],
  ['version', 4, 'version', 'text'],
  ['signerId', 5, 'signer-id', 'bytes'],
  ['measurementDescription', 6, 'measurement-description', 'text'],
  ['lfaSupported', 7, 'lfa-supported', 'bool'],
  ['countersignerIds', 8, 'countersigner-ids', 'bytes[]'],
  ['measurementValue', 2, 'measurement-value', 'bytes', true],
];

const PROFILE = 265;
const SW_COMPONENTS = 2399;
const REALM_PUBLIC_KEY = 44237;
const REALM_EXTENSIBLE_MEASUREMENTS = 44239;
/** Where some realm tokens put the MEC policy (the collection key of the realm token). */
const REALM_MEC_POLICY_QUIRK = 44241;
const REALM_MEC_POLICY = 44243;

const keysOf = <T>(specs: readonly ClaimSpec<T>[], ...others: number[]): number[] => [
  ...specs.map((s) => s[1]),
  ...others,
];

/** Security lifecycle states by the high nibble of the value (0x0000–0x60ff). */
const LIFECYCLE_STATES: readonly CcaLifecycleState[] = [
  'unknown',
  'assembly-and-test',
  'rot-provisioning',
  'secured',
  'non-rot-debug',
  'recoverable-rot-debug',
  'decommissioned',
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
  // A 16-bit value: bit operators would read a larger number's low 32 bits (0x1_0000_3000 as
  // 0x3000, "secured").
  if (!Number.isInteger(lifecycle) || lifecycle < 0 || lifecycle > 0xffff) return 'invalid';
  if ((lifecycle & 0xf00) !== 0) return 'invalid';
  return LIFECYCLE_STATES[lifecycle >> 12] ?? 'invalid';
}

/** A node's value when it has `type`, else undefined. */
function typedValue(n: CborNode, type: ClaimType): unknown {
  switch (type) {
    case 'bytes':
    case 'text':
      return n.kind === type ? n.value : undefined;
    case 'int':
    case 'uint':
      return n.kind === 'int' && typeof n.value === 'number' && (type === 'int' || n.value >= 0)
        ? n.value
        : undefined;
    case 'bool':
      return n.kind === 'simple' && typeof n.value === 'boolean' ? n.value : undefined;
    case 'bytes[]':
      return n.kind === 'array' && n.items.every((x) => x.kind === 'bytes')
        ? n.items.map((x) => x.value)
        : undefined;
    case 'array':
      return n.kind === 'array' ? n : undefined;
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

  /** The claim's node; a missing mandatory claim throws `ERR_MISSING_FIELD`. */
  node(key: number, name: string, mandatory?: boolean): CborNode | undefined {
    const n = cborMapGet(this.map, key);
    if (n === undefined && mandatory === true) {
      throw new AttestError('ERR_MISSING_FIELD', {
        offset: this.map.offset,
        field: `${this.structure}.${name}`,
        message: `mandatory claim ${name} (${key}) is missing`,
      });
    }
    return n;
  }

  /** The claim's value in its type; a mistyped claim throws `ERR_BAD_CBOR`. */
  value(key: number, name: string, type: ClaimType, mandatory?: boolean): unknown {
    const n = this.node(key, name, mandatory);
    if (n === undefined) return undefined;
    const v = typedValue(n, type);
    if (v === undefined) {
      throw new AttestError('ERR_BAD_CBOR', {
        offset: n.offset,
        field: `${this.structure}.${name}`,
        message: `claim ${name} must be ${CLAIM_TYPES[type]}, got ${cborTypeName(n)}`,
      });
    }
    return v;
  }

  /** Reads every claim of `specs` into `out` (claims that are absent are left out). */
  read<T>(specs: readonly ClaimSpec<T>[], out: Record<string, unknown>): void {
    for (const [property, key, name, type, mandatory] of specs) {
      const v = this.value(key, name, type, mandatory);
      if (v !== undefined) out[property] = v;
    }
  }

  raw(node: CborNode): Uint8Array {
    if (this.source === undefined) throw new TypeError('ClaimReader has no source bytes');
    const start = node.offset - this.base;
    return copyBytes(this.source, start, start + node.length);
  }

  unknown(known: readonly number[]): CcaUnknownClaim[] {
    const out: CcaUnknownClaim[] = [];
    for (const { key, value } of this.map.entries) {
      if (typeof key.value === 'number' && known.includes(key.value)) continue;
      const scalar = value.kind !== 'array' && value.kind !== 'map' && value.kind !== 'tag';
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
  const list = r.value(key, 'sw-components', 'array', true) as CborArray;
  return list.items.map((item, i) => {
    const name = `${r.structure}.sw-components[${i}]`;
    const out: Record<string, unknown> = {};
    new ClaimReader(expectMap(item, name), name).read(SW_COMPONENT_CLAIMS, out);
    return out as unknown as CcaSoftwareComponent;
  });
}

/** Where a platform claims map is being decoded: it decides which profiles are acceptable. */
export type PlatformClaimsContext = 'cca' | 'any';

/** Throws `ERR_UNSUPPORTED` at the profile claim for a profile attestkit does not know. */
function unsupportedProfile(r: ClaimReader, what: string, profile: string): never {
  throw new AttestError('ERR_UNSUPPORTED', {
    offset: r.node(PROFILE, 'profile')!.offset,
    field: `${r.structure}.profile`,
    message: `unknown ${what} profile "${profile}"`,
  });
}

function wrongSlot(map: CborMap, field: string, what: string): never {
  throw new AttestError('ERR_BAD_VALUE', {
    offset: map.offset,
    field,
    message: `a CCA collection holds ${what} in its platform slot`,
  });
}

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
  const out: Record<string, unknown> = {};
  let known: number[];
  const isP1 = map.entries.some(
    (e) => typeof e.key.value === 'number' && e.key.value <= -75000 && e.key.value >= -75010,
  );
  if (isP1) {
    if (context === 'cca') wrongSlot(map, structure, 'a PSA profile 1 token');
    out.profile = undefined;
    out.profileKind = 'psa-1';
    r.read(P1_CLAIMS, out);
    out.softwareComponents =
      out.noSoftwareMeasurements !== undefined && cborMapGet(map, P1_SW_COMPONENTS) === undefined
        ? []
        : softwareComponents(r, P1_SW_COMPONENTS);
    known = keysOf(P1_CLAIMS, P1_SW_COMPONENTS);
  } else {
    const profile = r.value(PROFILE, 'profile', 'text', true) as string;
    const profileKind = ownValue(CCA_PLATFORM_PROFILES, profile);
    if (profileKind === undefined) return unsupportedProfile(r, 'platform', profile);
    if (context === 'cca' && profileKind === 'psa-2') {
      wrongSlot(map, `${structure}.profile`, `a PSA token ("${profile}")`);
    }
    out.profile = profile;
    out.profileKind = profileKind;
    r.read(PLATFORM_CLAIMS, out);
    out.softwareComponents = softwareComponents(r, SW_COMPONENTS);
    const specs =
      profileKind === 'psa-2'
        ? PSA2_CLAIMS
        : ccaPlatformClaims(profileKind === 'cca-platform-2.0.0');
    r.read(specs, out);
    if (out.platformExtension !== undefined) {
      out.platformExtension = r.raw(out.platformExtension as CborArray);
    }
    known = keysOf(PLATFORM_CLAIMS, PROFILE, SW_COMPONENTS, ...keysOf(specs));
  }
  out.lifecycleState = ccaLifecycleState(out.lifecycle as number);
  out.unknownClaims = r.unknown(known);
  return out as unknown as CcaPlatformClaims;
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
  if (looksLikeMap === (profileKind === 'legacy')) {
    throw new AttestError('ERR_BAD_KEY', {
      offset: node.contentOffset,
      field: 'realm-claims.public-key',
      message: looksLikeMap
        ? 'a realm without profile carries a raw EC point, but this RAK is a COSE_Key'
        : `realm profile ${profileKind} carries the RAK as a COSE_Key, but this one is not a CBOR map`,
    });
  }
  if (!looksLikeMap) {
    return {
      publicKey: bytes,
      rak: {
        encoding: 'raw-point',
        key: ecKeyFromRawPoint(bytes, node.contentOffset),
        hasPrivateKey: false,
      },
    };
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

/** MEC policy values (realm claim 44243): 0 shared, 1 private; some tokens spell them as text. */
const MEC_POLICIES: readonly CcaMecPolicy[] = ['shared', 'private'];

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
  const profile = r.value(PROFILE, 'profile', 'text') as string | undefined;
  let profileKind: CcaRealmProfileKind = 'legacy';
  if (profile !== undefined) {
    profileKind = ownValue(CCA_REALM_PROFILES, profile) ?? unsupportedProfile(r, 'realm', profile);
  }
  const out: Record<string, unknown> = { profile, profileKind };
  out.extensibleMeasurements = r.value(
    REALM_EXTENSIBLE_MEASUREMENTS,
    'extensible-measurements',
    'bytes[]',
    true,
  );
  const quirks: string[] = [];
  const mecName = (v: unknown): CcaMecPolicy | undefined =>
    MEC_POLICIES.find((name, i) => v === i || v === name);
  const mec = r.node(REALM_MEC_POLICY, 'mec-policy');
  if (mec !== undefined) {
    const quirk = mec.kind === 'text';
    if (quirk) quirks.push('mec-policy-as-text');
    const value = quirk ? mec.value : r.value(REALM_MEC_POLICY, 'mec-policy', 'uint');
    out.mecPolicy = value;
    const name = mecName(value);
    if (name !== undefined) out.mecPolicyName = name;
  }
  const misplaced = cborMapGet(map, REALM_MEC_POLICY_QUIRK);
  if (
    (misplaced?.kind === 'int' || misplaced?.kind === 'text') &&
    mecName(misplaced.value) !== undefined
  ) {
    quirks.push('mec-policy-under-44241');
  }
  r.read(REALM_CLAIMS, out);
  Object.assign(out, decodeRak(r.node(REALM_PUBLIC_KEY, 'public-key', true)!, profileKind));
  out.unknownClaims = r.unknown(
    keysOf(
      REALM_CLAIMS,
      PROFILE,
      REALM_EXTENSIBLE_MEASUREMENTS,
      REALM_MEC_POLICY,
      REALM_PUBLIC_KEY,
    ),
  );
  out.quirks = quirks;
  return out as unknown as CcaRealmClaims;
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
