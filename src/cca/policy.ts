/**
 * @module
 * Turns a {@link CcaPolicy} into `cca.policy.*` checks (called by `verify.ts`): each field given
 * becomes a required check comparing the token's claims with the expected values (any-of for
 * lists), with `expected` and `actual` in the detail of every mismatch. Reference-value semantics
 * follow Veraison's CCA appraisal (draft-ffm-rats-cca-token §7, rust-ccatoken `appraise`).
 */
import type { Ledger } from '../core/checks.js';
import { equalBytes, toHex } from '../core/encoding.js';
import type {
  CcaCheckId,
  CcaPlatformClaims,
  CcaPolicy,
  CcaRealmClaims,
  CcaReferenceComponent,
  CcaSoftwareComponent,
  CcaToken,
} from './types.js';

const hexList = (list: readonly Uint8Array[]): string[] => list.map(toHex);

function componentMatches(c: CcaSoftwareComponent, ref: CcaReferenceComponent): boolean {
  if (!equalBytes(c.measurementValue, ref.measurementValue)) return false;
  if (ref.measurementType !== undefined && c.measurementType !== ref.measurementType) return false;
  if (ref.version !== undefined && c.version !== ref.version) return false;
  if (ref.signerId !== undefined) {
    if (c.signerId === undefined || !equalBytes(c.signerId, ref.signerId)) return false;
  }
  return true;
}

/** The profile that describes the realm claims: its own, or the platform's when it has none. */
export function effectiveRealmProfile(
  platform: CcaPlatformClaims,
  realm: CcaRealmClaims,
): string | undefined {
  return realm.profile ?? platform.profile;
}

/**
 * Records every `cca.policy.*` check for `policy` (the ids of fields not given stay `skip`).
 *
 * @internal Called by `verifyCcaToken`, which has already marked the given fields required.
 */
export function applyCcaPolicy(
  ledger: Ledger<CcaCheckId>,
  token: CcaToken,
  policy: CcaPolicy,
): void {
  const platform = token.platform.claims;
  const realm = token.realm?.claims;
  const idOf = (field: keyof CcaPolicy): CcaCheckId => POLICY_FIELDS[field][0]!;
  /** Whether `field` is given and can be checked: realm fields fail on a token without realm. */
  const given = (field: keyof CcaPolicy): boolean => {
    if (policy[field] === undefined) return false;
    if (realm !== undefined || !REALM_FIELDS.includes(field)) return true;
    ledger.fail(
      idOf(field),
      `policy.${field} is set but the token has no realm token (${token.format})`,
    );
    return false;
  };

  if (given('allowedProfiles')) {
    const actual = [platform.profile ?? `(${platform.profileKind} without profile)`];
    if (realm !== undefined) actual.push(effectiveRealmProfile(platform, realm) ?? '(none)');
    const bad = actual.filter((p) => !policy.allowedProfiles!.includes(p));
    ledger.result(
      'cca.policy.profiles',
      bad.length === 0,
      bad.length === 0
        ? `profiles ${actual.join(', ')} are allowed`
        : `profile ${bad.join(', ')} is not allowed`,
      { expected: policy.allowedProfiles, actual },
    );
  }
  for (const [field, what, value] of ACCEPTED_VALUES) {
    if (!given(field)) continue;
    const accepted = policy[field]!;
    const actual = value(token);
    if (actual === undefined) {
      ledger.fail(idOf(field), `the token carries no ${what}`, { expected: hexList(accepted) });
    } else {
      const ok = accepted.some((a) => equalBytes(a, actual));
      ledger.result(
        idOf(field),
        ok,
        ok ? `${what} is an accepted value` : `${what} ${toHex(actual)} is not an accepted value`,
        ok ? { actual: toHex(actual) } : { expected: hexList(accepted), actual: toHex(actual) },
      );
    }
  }
  if (given('softwareComponents')) {
    const refs = policy.softwareComponents!;
    const unmatched = platform.softwareComponents
      .map((c, index) => ({ c, index }))
      .filter(({ c }) => !refs.some((r) => componentMatches(c, r)));
    const empty = platform.softwareComponents.length === 0;
    ledger.result(
      'cca.policy.sw-components',
      unmatched.length === 0 && !empty,
      empty
        ? 'the token lists no software components'
        : unmatched.length === 0
          ? `all ${platform.softwareComponents.length} software components match reference values`
          : `${unmatched.length} of ${platform.softwareComponents.length} software components match no reference value`,
      unmatched.length === 0
        ? undefined
        : {
            unmatched: unmatched.map(({ c, index }) => ({
              index,
              measurementType: c.measurementType,
              measurementValue: toHex(c.measurementValue),
              signerId: c.signerId !== undefined ? toHex(c.signerId) : undefined,
              version: c.version,
            })),
          },
    );
  }
  if (given('challenge')) {
    const actual = realm !== undefined ? realm.challenge : platform.challenge;
    const where = realm !== undefined ? 'realm challenge' : `${token.format} challenge`;
    const ok = equalBytes(actual, policy.challenge!);
    ledger.result(
      'cca.policy.challenge',
      ok,
      ok ? `${where} equals the expected nonce` : `${where} differs from the expected nonce`,
      ok ? undefined : { expected: toHex(policy.challenge!), actual: toHex(actual) },
    );
  }
  if (given('realmExtensibleMeasurements')) {
    const actual = realm!.extensibleMeasurements;
    const sets = policy.realmExtensibleMeasurements!;
    const ok = sets.some(
      (set) =>
        set.length === actual.length &&
        set.every((v, i) => v === null || equalBytes(v, actual[i]!)),
    );
    ledger.result(
      'cca.policy.rems',
      ok,
      ok ? 'REM0–REM3 match an accepted set' : 'REM0–REM3 match no accepted set',
      ok
        ? undefined
        : {
            expected: sets.map((s) => s.map((v) => (v === null ? null : toHex(v)))),
            actual: hexList(actual),
          },
    );
  }
  if (given('publicKeyHashAlgorithms')) {
    const actual = realm!.publicKeyHashAlgorithm;
    const ok = policy.publicKeyHashAlgorithms!.includes(actual);
    ledger.result(
      'cca.policy.rak-hash-algorithm',
      ok,
      `RAK hash algorithm ${actual} is ${ok ? '' : 'not '}accepted`,
      { expected: policy.publicKeyHashAlgorithms, actual },
    );
  }
}

/** Policy fields only a realm token can satisfy. */
const REALM_FIELDS: readonly (keyof CcaPolicy)[] = [
  'personalizationValues',
  'realmInitialMeasurements',
  'realmExtensibleMeasurements',
  'publicKeyHashAlgorithms',
];

/** Policy fields that list accepted byte values: what the value is, and where the token has it. */
const ACCEPTED_VALUES: readonly (readonly [
  field:
    'implementationIds' | 'platformConfigs' | 'personalizationValues' | 'realmInitialMeasurements',
  what: string,
  value: (token: CcaToken) => Uint8Array | undefined,
])[] = [
  ['implementationIds', 'implementation id', (t) => t.platform.claims.implementationId],
  ['platformConfigs', 'platform configuration', (t) => t.platform.claims.config],
  [
    'personalizationValues',
    'realm personalization value',
    (t) => t.realm?.claims.personalizationValue,
  ],
  [
    'realmInitialMeasurements',
    'realm initial measurement',
    (t) => t.realm?.claims.initialMeasurement,
  ],
];

const isBytes = (x: unknown): boolean => x instanceof Uint8Array;
const listOf =
  (item: (x: unknown) => boolean) =>
  (v: unknown): boolean =>
    Array.isArray(v) && v.every(item);
const bytesList = /* @__PURE__ */ listOf(isBytes);
const textList = /* @__PURE__ */ listOf((x) => typeof x === 'string');
const BYTES_LIST = 'an array of Uint8Array';
const TEXT_LIST = 'an array of strings';

/**
 * Each policy field: the `cca.policy.*` check it turns on (marked required when the field is
 * given), a test of its shape, and that shape in words (for the `TypeError` of a malformed
 * policy).
 */
export const POLICY_FIELDS: Readonly<
  Record<
    keyof CcaPolicy,
    readonly [id: CcaCheckId | undefined, valid: (v: unknown) => boolean, shape: string]
  >
> = {
  allowedProfiles: ['cca.policy.profiles', textList, TEXT_LIST],
  implementationIds: ['cca.policy.implementation-id', bytesList, BYTES_LIST],
  platformConfigs: ['cca.policy.platform-config', bytesList, BYTES_LIST],
  softwareComponents: [
    'cca.policy.sw-components',
    /* @__PURE__ */ listOf(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        isBytes((c as { measurementValue?: unknown }).measurementValue),
    ),
    'an array of components with a measurementValue Uint8Array',
  ],
  challenge: ['cca.policy.challenge', isBytes, 'a Uint8Array'],
  personalizationValues: ['cca.policy.personalization-value', bytesList, BYTES_LIST],
  realmInitialMeasurements: ['cca.policy.rim', bytesList, BYTES_LIST],
  realmExtensibleMeasurements: [
    'cca.policy.rems',
    /* @__PURE__ */ listOf(/* @__PURE__ */ listOf((x) => x === null || isBytes(x))),
    'an array of REM arrays (Uint8Array or null each)',
  ],
  publicKeyHashAlgorithms: ['cca.policy.rak-hash-algorithm', textList, TEXT_LIST],
  allowedLifecycleStates: [undefined, textList, TEXT_LIST],
};
