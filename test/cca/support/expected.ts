/**
 * Maps attestkit's typed CCA / PSA claims onto the naming of vectors/cca/expected.json
 * (`conventions.claim_names`), so tests can compare decoded claims with the expectations exactly.
 */
import { toHex } from '../../../src/core/encoding.js';
import type {
  CcaLifecycleState,
  CcaPlatformClaims,
  CcaRealmClaims,
  CcaUnknownClaim,
} from '../../../src/cca/index.js';
import { readVectorJson, vectorExists } from '../../support/vectors.js';

export type Json = Record<string, unknown>;

/** expected.json, or an empty shell when vectors are absent. */
export function expectedJson(): {
  vectors: Json[];
  claim_sets: Json[];
  derived_negatives: Json[];
  key_mismatch_cases: Json[];
  keys: Json[];
  rem_extend_examples: { examples: Json[] };
  event_logs: Json[];
} {
  if (!vectorExists('cca', 'expected.json')) {
    return {
      vectors: [],
      claim_sets: [],
      derived_negatives: [],
      key_mismatch_cases: [],
      keys: [],
      rem_extend_examples: { examples: [] },
      event_logs: [],
    };
  }
  return readVectorJson('cca', 'expected.json');
}

/** The public JWK of a key id in expected.json's `keys` table. */
export function publicJwkOf(id: string): JsonWebKey {
  const k = expectedJson().keys.find((x) => x.id === id);
  const pub = (k?.public as { jwk?: JsonWebKey } | null | undefined)?.jwk;
  if (pub === undefined) throw new Error(`no public key for ${id}`);
  return pub;
}

const CCA_LIFECYCLE: Record<CcaLifecycleState, string> = {
  unknown: 'unknown',
  'assembly-and-test': 'assembly_and_test',
  'rot-provisioning': 'platform_rot_provisioning',
  secured: 'secured',
  'non-rot-debug': 'non_platform_rot_debug',
  'recoverable-rot-debug': 'recoverable_platform_rot_debug',
  decommissioned: 'decommissioned',
  invalid: 'invalid',
};

const PSA_LIFECYCLE: Record<CcaLifecycleState, string> = {
  ...CCA_LIFECYCLE,
  'rot-provisioning': 'psa_rot_provisioning',
  'non-rot-debug': 'non_psa_rot_debug',
  'recoverable-rot-debug': 'recoverable_psa_rot_debug',
};

function scalar(v: unknown): unknown {
  return v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? Number(v) : v;
}

function unknowns(list: readonly CcaUnknownClaim[]): Json {
  const out: Json = {};
  for (const u of list) out[`UNKNOWN_${String(u.key)}`] = scalar(u.value);
  return out;
}

function put(o: Json, name: string, v: unknown): void {
  if (v !== undefined) o[name] = scalar(v);
}

/** Platform / PSA claims in expected.json naming. */
export function platformToExpected(c: CcaPlatformClaims): Json {
  const psa = c.profileKind === 'psa-1' || c.profileKind === 'psa-2';
  const o: Json = {};
  put(o, psa && c.profileKind === 'psa-1' ? 'profile_id' : 'profile', c.profile);
  put(o, 'challenge', c.challenge);
  put(o, 'implementation_id', c.implementationId);
  put(o, 'instance_id', c.instanceId);
  put(o, 'config', c.config);
  put(o, psa ? 'security_lifecycle' : 'lifecycle', c.lifecycle);
  o[psa ? 'security_lifecycle_name' : 'lifecycle_name'] = (psa ? PSA_LIFECYCLE : CCA_LIFECYCLE)[
    c.lifecycleState
  ];
  put(o, 'hash_algo_id', c.hashAlgorithm);
  put(o, 'verification_service', c.verificationService);
  put(o, 'client_id', c.clientId);
  put(o, 'boot_seed', c.bootSeed);
  put(
    o,
    c.profileKind === 'psa-1' ? 'hardware_version' : 'certification_reference',
    c.certificationReference,
  );
  put(o, 'no_sw_measurements', c.noSoftwareMeasurements);
  if (c.softwareComponents.length > 0 || c.noSoftwareMeasurements === undefined) {
    o.sw_components = c.softwareComponents.map((s) => {
      const x: Json = {};
      put(x, 'measurement_type', s.measurementType);
      put(x, 'measurement_value', s.measurementValue);
      put(x, 'version', s.version);
      put(x, 'signer_id', s.signerId);
      put(x, psa ? 'measurement_desc' : 'hash_algo_id', s.measurementDescription);
      return x;
    });
  }
  return { ...o, ...unknowns(c.unknownClaims) };
}

/** Realm claims in expected.json naming. */
export function realmToExpected(c: CcaRealmClaims): Json {
  const o: Json = {};
  put(o, 'profile', c.profile);
  put(o, 'challenge', c.challenge);
  put(o, 'instance_id', c.instanceId);
  put(o, 'personalization_value', c.personalizationValue);
  put(o, 'initial_measurement', c.initialMeasurement);
  o.extensible_measurements = c.extensibleMeasurements.map(toHex);
  put(o, 'hash_algo_id', c.hashAlgorithm);
  put(o, 'public_key', c.publicKey);
  put(o, 'public_key_hash_algo_id', c.publicKeyHashAlgorithm);
  put(o, 'mec_policy', c.mecPolicy);
  return { ...o, ...unknowns(c.unknownClaims) };
}
