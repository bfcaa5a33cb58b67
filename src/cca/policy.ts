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

function anyOf(
  ledger: Ledger<CcaCheckId>,
  id: CcaCheckId,
  what: string,
  actual: Uint8Array,
  accepted: readonly Uint8Array[],
): void {
  const ok = accepted.some((a) => equalBytes(a, actual));
  ledger.result(
    id,
    ok,
    ok ? `${what} is an accepted value` : `${what} ${toHex(actual)} is not an accepted value`,
    ok ? { actual: toHex(actual) } : { expected: hexList(accepted), actual: toHex(actual) },
  );
}

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
  const noRealm = (id: CcaCheckId, what: string): void =>
    ledger.fail(id, `policy sets ${what} but the token has no realm token (${token.format})`);

  if (policy.allowedProfiles !== undefined) {
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
  if (policy.implementationIds !== undefined) {
    anyOf(
      ledger,
      'cca.policy.implementation-id',
      'implementation id',
      platform.implementationId,
      policy.implementationIds,
    );
  }
  if (policy.platformConfigs !== undefined) {
    if (platform.config === undefined) {
      ledger.fail('cca.policy.platform-config', 'the token carries no platform configuration', {
        expected: hexList(policy.platformConfigs),
      });
    } else {
      anyOf(
        ledger,
        'cca.policy.platform-config',
        'platform configuration',
        platform.config,
        policy.platformConfigs,
      );
    }
  }
  if (policy.softwareComponents !== undefined) {
    const refs = policy.softwareComponents;
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
  if (policy.challenge !== undefined) {
    const actual = realm !== undefined ? realm.challenge : platform.challenge;
    const where = realm !== undefined ? 'realm challenge' : `${token.format} challenge`;
    const ok = equalBytes(actual, policy.challenge);
    ledger.result(
      'cca.policy.challenge',
      ok,
      ok ? `${where} equals the expected nonce` : `${where} differs from the expected nonce`,
      ok ? undefined : { expected: toHex(policy.challenge), actual: toHex(actual) },
    );
  }
  if (policy.personalizationValues !== undefined) {
    if (realm === undefined) noRealm('cca.policy.personalization-value', 'personalization values');
    else {
      anyOf(
        ledger,
        'cca.policy.personalization-value',
        'realm personalization value',
        realm.personalizationValue,
        policy.personalizationValues,
      );
    }
  }
  if (policy.realmInitialMeasurements !== undefined) {
    if (realm === undefined) noRealm('cca.policy.rim', 'realm initial measurements');
    else {
      anyOf(
        ledger,
        'cca.policy.rim',
        'realm initial measurement',
        realm.initialMeasurement,
        policy.realmInitialMeasurements,
      );
    }
  }
  if (policy.realmExtensibleMeasurements !== undefined) {
    if (realm === undefined) noRealm('cca.policy.rems', 'realm extensible measurements');
    else {
      const actual = realm.extensibleMeasurements;
      const ok = policy.realmExtensibleMeasurements.some(
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
              expected: policy.realmExtensibleMeasurements.map((s) =>
                s.map((v) => (v === null ? null : toHex(v))),
              ),
              actual: hexList(actual),
            },
      );
    }
  }
  if (policy.publicKeyHashAlgorithms !== undefined) {
    if (realm === undefined) noRealm('cca.policy.rak-hash-algorithm', 'RAK hash algorithms');
    else {
      const ok = policy.publicKeyHashAlgorithms.includes(realm.publicKeyHashAlgorithm);
      ledger.result(
        'cca.policy.rak-hash-algorithm',
        ok,
        ok
          ? `RAK hash algorithm ${realm.publicKeyHashAlgorithm} is accepted`
          : `RAK hash algorithm ${realm.publicKeyHashAlgorithm} is not accepted`,
        { expected: policy.publicKeyHashAlgorithms, actual: realm.publicKeyHashAlgorithm },
      );
    }
  }
}

/** The policy checks each policy field turns on, for marking them required. */
export const POLICY_CHECKS: Readonly<Record<keyof CcaPolicy, CcaCheckId | undefined>> = {
  allowedProfiles: 'cca.policy.profiles',
  implementationIds: 'cca.policy.implementation-id',
  platformConfigs: 'cca.policy.platform-config',
  softwareComponents: 'cca.policy.sw-components',
  challenge: 'cca.policy.challenge',
  personalizationValues: 'cca.policy.personalization-value',
  realmInitialMeasurements: 'cca.policy.rim',
  realmExtensibleMeasurements: 'cca.policy.rems',
  publicKeyHashAlgorithms: 'cca.policy.rak-hash-algorithm',
  allowedLifecycleStates: undefined,
};
