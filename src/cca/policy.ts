/**
 * @module
 * Turns a {@link CcaPolicy} into `cca.policy.*` checks (called by `verify.ts`): each field given
 * becomes a required check comparing the token's claims with the expected values (any-of for
 * lists; software components are one expected set, compared for equality), with `expected` and
 * `actual` in the detail of every mismatch. Reference-value semantics follow Veraison's CCA
 * appraisal (draft-ffm-rats-cca-token §7, rust-ccatoken `appraise`): a reference entry
 * (`realms`, `platforms`) matches only as a whole, never field by field across entries, and a
 * platform entry's software components must equal the token's (none missing, none extra).
 */
import type { Ledger } from '../core/checks.js';
import { equalBytes, toHex } from '../core/encoding.js';
import type {
  CcaCheckId,
  CcaPlatformClaims,
  CcaPlatformReference,
  CcaPolicy,
  CcaRealmClaims,
  CcaRealmReference,
  CcaReferenceComponent,
  CcaSoftwareComponent,
  CcaToken,
} from './types.js';

const hexList = (list: readonly Uint8Array[]): string[] => list.map(toHex);
const hexOr = (v: Uint8Array | undefined): string | undefined =>
  v !== undefined ? toHex(v) : undefined;

function componentMatches(c: CcaSoftwareComponent, ref: CcaReferenceComponent): boolean {
  if (!equalBytes(c.measurementValue, ref.measurementValue)) return false;
  if (ref.measurementType !== undefined && c.measurementType !== ref.measurementType) return false;
  if (ref.version !== undefined && c.version !== ref.version) return false;
  if (ref.signerId !== undefined) {
    if (c.signerId === undefined || !equalBytes(c.signerId, ref.signerId)) return false;
  }
  return true;
}

/**
 * The token's components against one expected set, one to one: indices of the token's components
 * left without a reference (`unmatched`: no reference fits, or every fitting one is taken, as by a
 * duplicated component) and of the references left without a component (`missing`). They are
 * equal as multisets when both are empty. Each component takes the first free reference that
 * fits, the more constrained references (type, version, signer id given) first; a one-to-one
 * assignment found this way is a real one, so nothing is accepted that should not be.
 */
function compareComponents(
  components: readonly CcaSoftwareComponent[],
  refs: readonly CcaReferenceComponent[],
): { unmatched: number[]; missing: number[] } {
  const given = (r: CcaReferenceComponent): number =>
    Number(r.measurementType !== undefined) +
    Number(r.version !== undefined) +
    Number(r.signerId !== undefined);
  const order = refs.map((_, k) => k).sort((a, b) => given(refs[b]!) - given(refs[a]!));
  const taken = refs.map(() => false);
  const unmatched: number[] = [];
  components.forEach((c, i) => {
    const k = order.find((j) => !taken[j] && componentMatches(c, refs[j]!));
    if (k === undefined) unmatched.push(i);
    else taken[k] = true;
  });
  return { unmatched, missing: refs.flatMap((_, k) => (taken[k] ? [] : [k])) };
}

/** Whether REM0–REM3 equal an accepted set (`null` accepts any value). */
const remsMatch = (set: readonly (Uint8Array | null)[], actual: readonly Uint8Array[]): boolean =>
  set.length === actual.length && set.every((v, i) => v === null || equalBytes(v, actual[i]!));

/** A comparison before it is recorded. */
interface Outcome {
  readonly ok: boolean;
  readonly message: string;
  readonly detail: Record<string, unknown>;
}

function acceptedValue(
  what: string,
  accepted: readonly Uint8Array[],
  actual: Uint8Array | undefined,
): Outcome {
  if (actual === undefined) {
    return {
      ok: false,
      message: `the token carries no ${what}`,
      detail: { expected: hexList(accepted) },
    };
  }
  const ok = accepted.some((a) => equalBytes(a, actual));
  return {
    ok,
    message: ok
      ? `${what} is an accepted value`
      : `${what} ${toHex(actual)} is not an accepted value`,
    detail: ok ? { actual: toHex(actual) } : { expected: hexList(accepted), actual: toHex(actual) },
  };
}

/** How one reference entry compares with the token: what it gives, and what of that differs. */
interface EntryComparison {
  /** The fields the entry gives (all compared). */
  readonly compared: readonly string[];
  /** The compared fields that differ; empty when the entry matches as a whole. */
  readonly fields: readonly string[];
  /** Token components that match none of the entry's (platform entries). */
  readonly unmatchedComponents?: readonly number[];
  /** The entry's components that no token component matches (platform entries). */
  readonly missingComponents?: readonly number[];
}

function compareRealm(ref: CcaRealmReference, r: CcaRealmClaims): EntryComparison {
  const compared: string[] = [];
  const fields: string[] = [];
  const cmp = (field: string, given: boolean, same: () => boolean): void => {
    if (!given) return;
    compared.push(field);
    if (!same()) fields.push(field);
  };
  const rems = ref.extensibleMeasurements;
  const alg = ref.rakHashAlgorithm;
  cmp('initialMeasurement', true, () => equalBytes(ref.initialMeasurement, r.initialMeasurement));
  const rpv = ref.personalizationValue;
  cmp('personalizationValue', rpv !== undefined, () => equalBytes(rpv!, r.personalizationValue));
  cmp('extensibleMeasurements', rems !== undefined, () =>
    remsMatch(rems!, r.extensibleMeasurements),
  );
  cmp('rakHashAlgorithm', alg !== undefined, () => alg === r.publicKeyHashAlgorithm);
  return { compared, fields };
}

function comparePlatform(ref: CcaPlatformReference, p: CcaPlatformClaims): EntryComparison {
  const fields: string[] = [];
  const compared = ['implementationId'];
  if (!equalBytes(ref.implementationId, p.implementationId)) fields.push('implementationId');
  const config = ref.platformConfig;
  if (config !== undefined) {
    compared.push('platformConfig');
    if (p.config === undefined || !equalBytes(config, p.config)) fields.push('platformConfig');
  }
  compared.push('softwareComponents');
  const { unmatched, missing } = compareComponents(p.softwareComponents, ref.softwareComponents);
  if (unmatched.length + missing.length > 0 || p.softwareComponents.length === 0) {
    fields.push('softwareComponents');
  }
  return {
    compared,
    fields,
    ...(unmatched.length > 0 ? { unmatchedComponents: unmatched } : {}),
    ...(missing.length > 0 ? { missingComponents: missing } : {}),
  };
}

/** Any-of over entries, all-of within one: the first entry whose compared fields all match. */
function wholeEntry<E>(
  what: string,
  entries: readonly E[],
  compare: (e: E) => EntryComparison,
  expected: (e: E) => unknown,
  actual: () => unknown,
): Outcome {
  const results = entries.map(compare);
  const hit = results.findIndex((c) => c.fields.length === 0);
  if (hit >= 0) {
    return {
      ok: true,
      message: `${what} matches reference entry ${hit} as a whole (${results[hit]!.compared.join(', ')})`,
      detail: { entry: hit },
    };
  }
  const mismatches = results.map(({ compared: _, ...m }, entry) => ({ entry, ...m }));
  const shown = mismatches.slice(0, 4).map((m) => `entry ${m.entry}: ${m.fields.join(', ')}`);
  if (mismatches.length > 4) shown.push(`${mismatches.length - 4} more`);
  return {
    ok: false,
    message:
      entries.length === 0
        ? `${what} reference entries are empty: nothing is accepted`
        : `${what} matches no reference entry as a whole (differs in ${shown.join('; ')})`,
    detail: { expected: entries.map(expected), actual: actual(), mismatches },
  };
}

const realmValues = (r: CcaRealmReference): Record<string, unknown> => ({
  initialMeasurement: toHex(r.initialMeasurement),
  personalizationValue: hexOr(r.personalizationValue),
  extensibleMeasurements: r.extensibleMeasurements && hexList(r.extensibleMeasurements),
  rakHashAlgorithm: r.rakHashAlgorithm,
});

const componentValues = (
  c: CcaSoftwareComponent | CcaReferenceComponent,
): Record<string, unknown> => ({
  measurementType: c.measurementType,
  measurementValue: toHex(c.measurementValue),
  signerId: hexOr(c.signerId),
  version: c.version,
});

/**
 * Records a check two policy fields share — a list of accepted values and a list of whole
 * reference entries — which passes only when every part given passes.
 */
function recordShared(
  ledger: Ledger<CcaCheckId>,
  id: CcaCheckId,
  policy: CcaPolicy,
  names: readonly [list: keyof CcaPolicy, entries: keyof CcaPolicy],
  parts: () => readonly [list: Outcome | undefined, entries: Outcome | undefined],
  noRealm?: string,
): void {
  const given = names.filter((f) => policy[f] !== undefined);
  if (given.length === 0) {
    ledger.skip(id, `policy.${names[0]} not given (nor policy.${names[1]})`);
    return;
  }
  ledger.require(id);
  if (noRealm !== undefined) {
    ledger.fail(
      id,
      `policy.${given.join(' and policy.')} set but the token has no realm token (${noRealm})`,
    );
    return;
  }
  const [list, entries] = parts();
  const only = list ?? entries!;
  if (list === undefined || entries === undefined) {
    ledger.result(id, only.ok, only.message, only.detail);
    return;
  }
  const ok = list.ok && entries.ok;
  ledger.result(id, ok, `${list.message}; ${entries.message}`, {
    ...list.detail,
    ...entries.detail,
    ...(ok
      ? {}
      : {
          expected: { [names[0]]: list.detail.expected, [names[1]]: entries.detail.expected },
        }),
  });
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
 * `cca.policy.implementation-id` and `cca.policy.rim` are shared by two fields each (accepted
 * values, and whole reference entries): this function requires, records or skips them itself.
 *
 * @internal Called by `verifyCcaToken`, which has already marked the other given fields required
 *   and skips their checks afterwards when not given.
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
      { expected: [...policy.allowedProfiles!], actual }, // copies: the caller's policy
    );
  }
  for (const [field, what, value] of ACCEPTED_VALUES) {
    if (!given(field)) continue;
    const o = acceptedValue(what, policy[field]!, value(token));
    ledger.result(idOf(field), o.ok, o.message, o.detail);
  }
  // Shared checks: a list of accepted values (independent of other fields) and whole reference
  // entries (all-of within one entry), both under the check of the entry's key field.
  recordShared(
    ledger,
    'cca.policy.implementation-id',
    policy,
    ['implementationIds', 'platforms'],
    () => [
      policy.implementationIds &&
        acceptedValue('implementation id', policy.implementationIds, platform.implementationId),
      policy.platforms &&
        wholeEntry(
          'the platform',
          policy.platforms,
          (e) => comparePlatform(e, platform),
          (e) => ({
            implementationId: toHex(e.implementationId),
            platformConfig: hexOr(e.platformConfig),
            softwareComponents: e.softwareComponents.map(componentValues),
          }),
          () => ({
            implementationId: toHex(platform.implementationId),
            platformConfig: hexOr(platform.config),
            softwareComponents: platform.softwareComponents.map(componentValues),
          }),
        ),
    ],
  );
  recordShared(
    ledger,
    'cca.policy.rim',
    policy,
    ['realmInitialMeasurements', 'realms'],
    () => [
      policy.realmInitialMeasurements &&
        acceptedValue(
          'realm initial measurement',
          policy.realmInitialMeasurements,
          realm!.initialMeasurement,
        ),
      policy.realms &&
        wholeEntry(
          'the realm',
          policy.realms,
          (e) => compareRealm(e, realm!),
          realmValues,
          () =>
            realmValues({
              ...realm!,
              rakHashAlgorithm: realm!.publicKeyHashAlgorithm,
            }),
        ),
    ],
    realm === undefined ? token.format : undefined,
  );
  if (given('softwareComponents')) {
    const refs = policy.softwareComponents!;
    const tokenComponents = platform.softwareComponents;
    const { unmatched, missing } = compareComponents(tokenComponents, refs);
    const n = tokenComponents.length;
    const ok = unmatched.length + missing.length === 0 && n > 0;
    const listed = (
      list: readonly (CcaSoftwareComponent | CcaReferenceComponent)[],
      indices: number[],
    ): unknown[] => indices.map((index) => ({ index, ...componentValues(list[index]!) }));
    ledger.result(
      'cca.policy.sw-components',
      ok,
      n === 0
        ? 'the token lists no software components'
        : ok
          ? `the ${n} software components equal the ${refs.length} reference components`
          : `${unmatched.length} software components match no reference, ${missing.length} references are missing`,
      ok
        ? undefined
        : { unmatched: listed(tokenComponents, unmatched), missing: listed(refs, missing) },
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
    const ok = sets.some((set) => remsMatch(set, actual));
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
      { expected: [...policy.publicKeyHashAlgorithms!], actual },
    );
  }
}

/** Policy fields with a check of their own that only a realm token can satisfy. */
const REALM_FIELDS: readonly (keyof CcaPolicy)[] = [
  'personalizationValues',
  'realmExtensibleMeasurements',
  'publicKeyHashAlgorithms',
];

/**
 * Policy fields with a check of their own that list accepted byte values: what the value is,
 * and where the token has it.
 */
const ACCEPTED_VALUES: readonly (readonly [
  field: 'platformConfigs' | 'personalizationValues',
  what: string,
  value: (token: CcaToken) => Uint8Array | undefined,
])[] = [
  ['platformConfigs', 'platform configuration', (t) => t.platform.claims.config],
  [
    'personalizationValues',
    'realm personalization value',
    (t) => t.realm?.claims.personalizationValue,
  ],
];

const isBytes = (x: unknown): boolean => x instanceof Uint8Array;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const listOf =
  (item: (x: unknown) => boolean) =>
  (v: unknown): boolean =>
    Array.isArray(v) && v.every(item);
const bytesList = /* @__PURE__ */ listOf(isBytes);
const textList = /* @__PURE__ */ listOf((x) => typeof x === 'string');
const BYTES_LIST = 'an array of Uint8Array';
const TEXT_LIST = 'an array of strings';
const componentList = /* @__PURE__ */ listOf((c) => isObject(c) && isBytes(c.measurementValue));
/** Absent, or passes `test`. */
const opt = (v: unknown, test: (x: unknown) => boolean): boolean => v === undefined || test(v);

/**
 * Each policy field: the `cca.policy.*` check it turns on (`verify.ts` marks it required when the
 * field is given and records a skip when it is not), a test of its shape, and that shape in words
 * (for the `TypeError` of a malformed policy). The id is undefined for fields whose check is
 * recorded elsewhere: `allowedLifecycleStates` (`cca.platform.lifecycle`), and the pairs that
 * share a check, which {@link applyCcaPolicy} requires, records or skips itself —
 * `implementationIds` + `platforms` (`cca.policy.implementation-id`) and
 * `realmInitialMeasurements` + `realms` (`cca.policy.rim`).
 */
export const POLICY_FIELDS: Readonly<
  Record<
    keyof CcaPolicy,
    readonly [id: CcaCheckId | undefined, valid: (v: unknown) => boolean, shape: string]
  >
> = {
  allowedProfiles: ['cca.policy.profiles', textList, TEXT_LIST],
  implementationIds: [undefined, bytesList, BYTES_LIST],
  platformConfigs: ['cca.policy.platform-config', bytesList, BYTES_LIST],
  softwareComponents: [
    'cca.policy.sw-components',
    componentList,
    'an array of components with a measurementValue Uint8Array',
  ],
  challenge: ['cca.policy.challenge', isBytes, 'a Uint8Array'],
  personalizationValues: ['cca.policy.personalization-value', bytesList, BYTES_LIST],
  realmInitialMeasurements: [undefined, bytesList, BYTES_LIST],
  realmExtensibleMeasurements: [
    'cca.policy.rems',
    /* @__PURE__ */ listOf(/* @__PURE__ */ listOf((x) => x === null || isBytes(x))),
    'an array of REM arrays (Uint8Array or null each)',
  ],
  publicKeyHashAlgorithms: ['cca.policy.rak-hash-algorithm', textList, TEXT_LIST],
  realms: [
    undefined,
    /* @__PURE__ */ listOf(
      (e) =>
        isObject(e) &&
        isBytes(e.initialMeasurement) &&
        opt(e.personalizationValue, isBytes) &&
        opt(e.extensibleMeasurements, bytesList) &&
        opt(e.rakHashAlgorithm, (x) => typeof x === 'string'),
    ),
    'an array of realm references (initialMeasurement: Uint8Array; optional personalizationValue, extensibleMeasurements, rakHashAlgorithm)',
  ],
  platforms: [
    undefined,
    /* @__PURE__ */ listOf(
      (e) =>
        isObject(e) &&
        isBytes(e.implementationId) &&
        opt(e.platformConfig, isBytes) &&
        componentList(e.softwareComponents),
    ),
    'an array of platform references (implementationId: Uint8Array, softwareComponents; optional platformConfig)',
  ],
  allowedLifecycleStates: [undefined, textList, TEXT_LIST],
};
