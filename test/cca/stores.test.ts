/** Veraison-style trust-anchor and reference-value stores (src/cca/stores.ts). */
import { describe, expect, it } from 'vitest';
import {
  ccaKeyLookup,
  ccaPolicyFromReferenceValues,
  parseCcaReferenceValues,
  parseCcaToken,
  parseCcaTrustAnchorStore,
  verifyCcaToken,
  type CcaCheckId,
  type CcaPlatformClaims,
  type CcaPolicy,
  type CcaRealmClaims,
  type CcaSoftwareComponent,
  type CcaVerification,
} from '../../src/cca/index.js';
import { toHex } from '../../src/core/encoding.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, hex, readVector, readVectorText } from '../support/vectors.js';
import { publicJwkOf } from './support/expected.js';

describeVectors('trust-anchor stores', () => {
  it('load with ids and on-curve keys', () => {
    const tfa = parseCcaTrustAnchorStore(readVectorText('cca', 'stores/ta-tfa.json'));
    expect(tfa).toHaveLength(1);
    expect(toHex(tfa[0]!.implementationId)).toBe(
      '7f454c4602010100000000000000000003003e00010000005058000000000000',
    );
    expect(toHex(tfa[0]!.instanceId)).toBe(
      '0107060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918',
    );
    expect(tfa[0]!.jwk).toEqual(publicJwkOf('cpak-tfrmm-p384'));
    // Upper-case hex, other member order.
    const other = parseCcaTrustAnchorStore(readVector('cca', 'stores/ta-p256-other.json'));
    expect(toHex(other[0]!.instanceId)).toBe(`01${'aa'.repeat(32)}`);
    expect(
      parseCcaTrustAnchorStore(
        JSON.parse(readVectorText('cca', 'stores/iak-veraison-p256.json')),
      )[0]!.key.curve,
    ).toBe('P-256');
  });

  it('refuse a store whose key is not on its curve', () => {
    const err = expectAttestError(
      () => parseCcaTrustAnchorStore(readVectorText('cca', 'stores/iak-bad-p256.json')),
      'ERR_BAD_KEY',
      0,
    );
    expect(err.field).toBe('store[0].pkey');
  });

  it('look the CPAK up by instance id + implementation id for rc-cca-token-01', async () => {
    const lookup = ccaKeyLookup(
      parseCcaTrustAnchorStore(readVectorText('cca', 'stores/ta-tfa.json')),
    );
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-01.cbor'), {
      platformKeyLookup: lookup,
    });
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'cca.platform.key')?.detail).toMatchObject({
      source: 'platformKeyLookup',
    });
  });

  it('find nothing for another platform', async () => {
    const lookup = ccaKeyLookup(
      parseCcaTrustAnchorStore(readVectorText('cca', 'stores/ta-p256-other.json')),
    );
    const r = await verifyCcaToken(readVector('cca', 'tokens/rc-cca-token-01.cbor'), {
      platformKeyLookup: lookup,
    });
    expect(r.checks.find((c) => c.id === 'cca.platform.key')?.status).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('cross-check the implementation id', async () => {
    const [anchor] = parseCcaTrustAnchorStore(readVectorText('cca', 'stores/ta-tfa.json'));
    const lookup = ccaKeyLookup([{ ...anchor!, implementationId: new Uint8Array(32) }]);
    expect(
      await lookup({ implementationId: anchor!.implementationId, instanceId: anchor!.instanceId }),
    ).toBeUndefined();
  });
});

describe('trust-anchor stores: shape errors', () => {
  const bad: [string, string, number][] = [
    ['not JSON', '[', 0],
    ['not an array', '{}', 0],
    ['an entry without pkey', '[{"implementation-id":"00","instance-id":"01"}]', 0],
    [
      'a bad hex id',
      `[{"implementation-id":"zz","instance-id":"01","pkey":${JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4', y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM' })}}]`,
      0,
    ],
    ['a numeric pkey', '[{"implementation-id":"00","instance-id":"01","pkey":1}]', 0],
  ];
  for (const [what, json, offset] of bad) {
    it(`rejects ${what}`, () => {
      expectAttestError(() => parseCcaTrustAnchorStore(json), 'ERR_BAD_JSON', offset);
    });
  }
});

describeVectors('reference-value store', () => {
  it('loads platform and realm references', () => {
    const rv = parseCcaReferenceValues(readVectorText('cca', 'stores/rv-store.json'));
    expect(rv.platform).toHaveLength(2);
    expect(rv.platform[1]!.softwareComponents).toHaveLength(4);
    expect(rv.platform[1]!.softwareComponents[0]).toEqual({
      measurementType: 'BL',
      measurementValue: hex('07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918'),
      signerId: hex('07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918'),
      version: '3.4.2',
    });
    expect(rv.realm).toHaveLength(1);
    expect(rv.realm[0]!.extensibleMeasurements).toHaveLength(4);
    expect(rv.realm[0]!.rakHashAlgorithm).toBe('sha-256');
  });

  it('appraises rc-cca-token-01 as a match (as rust-ccatoken does)', async () => {
    const bytes = readVector('cca', 'tokens/rc-cca-token-01.cbor');
    const rv = parseCcaReferenceValues(readVectorText('cca', 'stores/rv-store.json'));
    const policy = ccaPolicyFromReferenceValues(
      rv,
      parseCcaToken(bytes).platform.claims.implementationId,
    );
    expect(policy).toBeDefined();
    const r = await verifyCcaToken(bytes, {
      platformKey: publicJwkOf('cpak-tfrmm-p384'),
      policy: policy!,
    });
    // Each store entry is matched as a whole: the platform entry (implementation id, config,
    // components) under cca.policy.implementation-id, the realm entry (RIM, RPV, REMs, RAK hash
    // algorithm) under cca.policy.rim.
    const policyChecks = r.checks.filter((c) => c.id.startsWith('cca.policy.') && c.required);
    expect(policyChecks.map((c) => c.id).sort()).toEqual([
      'cca.policy.implementation-id',
      'cca.policy.rim',
    ]);
    expect(policyChecks.every((c) => c.status === 'pass')).toBe(true);
    expect(policyChecks.map((c) => c.detail)).toEqual([{ entry: 0 }, { entry: 0 }]);
    expect(policyChecks[0]!.message).toContain(
      'implementationId, platformConfig, softwareComponents',
    );
    expect(policyChecks[1]!.message).toContain(
      'initialMeasurement, personalizationValue, extensibleMeasurements, rakHashAlgorithm',
    );
    expect(r.ok).toBe(true);
  });

  it('does not match tfm-cca-example-token (other RIM, config and components)', async () => {
    const bytes = readVector('cca', 'tokens/tfm-cca-example-token.cbor');
    const rv = parseCcaReferenceValues(readVectorText('cca', 'stores/rv-store.json'));
    const policy = ccaPolicyFromReferenceValues(
      rv,
      parseCcaToken(bytes).platform.claims.implementationId,
    )!;
    const r = await verifyCcaToken(bytes, { platformKey: publicJwkOf('cpak-tfrmm-p384'), policy });
    const failed = r.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(['cca.policy.implementation-id', 'cca.policy.rim']);
    expect(failed[0]!.detail).toMatchObject({
      mismatches: [
        {
          entry: 0,
          fields: ['platformConfig', 'softwareComponents'],
          unmatchedComponents: [...Array(13).keys()],
        },
      ],
    });
    // Same RPV and RAK hash algorithm as the store's realm, other RIM and REMs.
    expect(failed[1]!.detail).toMatchObject({
      mismatches: [{ entry: 0, fields: ['initialMeasurement', 'extensibleMeasurements'] }],
    });
  });

  it('has no policy for an unknown implementation', () => {
    const rv = parseCcaReferenceValues(readVectorText('cca', 'stores/rv-store.json'));
    expect(ccaPolicyFromReferenceValues(rv, new Uint8Array(32).fill(1))).toBeUndefined();
  });

  it('rejects malformed stores', () => {
    expectAttestError(
      () => parseCcaReferenceValues('{"platform":[{"implementation-id":1}]}'),
      'ERR_BAD_JSON',
      0,
    );
    expectAttestError(
      () =>
        parseCcaReferenceValues(
          '{"realm":[{"initial-measurement":"00"},{"initial-measurement":"0"}]}',
        ),
      'ERR_BAD_JSON',
      1,
    );
    expectAttestError(() => parseCcaReferenceValues('{"realm":{}}'), 'ERR_BAD_JSON', 0);
  });
});

/**
 * Reference values match per entry (one realm's RIM + RPV + REMs + RAK hash algorithm together;
 * one platform state's implementation id + configuration + components together). The stores below
 * are SYNTHETIC: assembled in the test, in Veraison's rv.json shape, from REAL claim values of
 * three vector tokens (rc-cca-token-01, tfm-cca-example-token, rc-cca-token-02).
 */
describeVectors('reference-value store: entries match as a whole', () => {
  const RC01 = 'tokens/rc-cca-token-01.cbor';
  const TFM = 'tokens/tfm-cca-example-token.cbor';
  const claimsOf = (file: string) => {
    const t = parseCcaToken(readVector('cca', file));
    return { platform: t.platform.claims, realm: t.realm!.claims };
  };
  const rc01 = () => claimsOf(RC01);
  const tfm = () => claimsOf(TFM);
  const rc02 = () => claimsOf('tokens/rc-cca-token-02.cbor');

  interface RealmValues {
    rim: Uint8Array;
    rpv?: Uint8Array;
    rems?: readonly Uint8Array[];
    alg?: string;
  }
  const realmJson = (v: RealmValues) => ({
    'initial-measurement': toHex(v.rim),
    ...(v.rpv !== undefined ? { 'personalization-value': toHex(v.rpv) } : {}),
    ...(v.rems !== undefined ? { 'extensible-measurements': v.rems.map(toHex) } : {}),
    ...(v.alg !== undefined ? { 'rak-hash-algorithm': v.alg } : {}),
  });
  const realmOf = (c: CcaRealmClaims): RealmValues => ({
    rim: c.initialMeasurement,
    rpv: c.personalizationValue,
    rems: c.extensibleMeasurements,
    alg: c.publicKeyHashAlgorithm,
  });
  const platformJson = (config: CcaPlatformClaims, components: CcaPlatformClaims) => ({
    'implementation-id': toHex(config.implementationId),
    'platform-configuration': toHex(config.config!),
    'sw-components': components.softwareComponents.map((c) => ({
      'component-type': c.measurementType,
      'measurement-value': toHex(c.measurementValue),
      'signer-id': toHex(c.signerId!),
      version: c.version,
    })),
  });
  const appraise = async (file: string, store: unknown) => {
    const bytes = readVector('cca', file);
    const policy = ccaPolicyFromReferenceValues(
      parseCcaReferenceValues(JSON.stringify(store)),
      parseCcaToken(bytes).platform.claims.implementationId,
    );
    expect(policy).toBeDefined();
    return verifyCcaToken(bytes, { platformKey: publicJwkOf('cpak-tfrmm-p384'), policy: policy! });
  };
  const check = (r: CcaVerification, id: CcaCheckId) => r.checks.find((c) => c.id === id)!;
  const failed = (r: CcaVerification) =>
    r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

  it('the vector values differ where the mixes below need them to', () => {
    const [a, b, c] = [rc01(), tfm(), rc02()];
    expect(toHex(a.realm.initialMeasurement)).not.toBe(toHex(b.realm.initialMeasurement));
    expect(toHex(a.realm.extensibleMeasurements[0]!)).not.toBe(
      toHex(b.realm.extensibleMeasurements[0]!),
    );
    expect(toHex(a.realm.personalizationValue)).not.toBe(toHex(c.realm.personalizationValue));
    expect(a.realm.publicKeyHashAlgorithm).toBe('sha-256');
    expect(c.realm.publicKeyHashAlgorithm).toBe('sha-512');
    expect(toHex(a.platform.config!)).not.toBe(toHex(b.platform.config!));
    expect(toHex(a.platform.implementationId)).toBe(toHex(b.platform.implementationId));
  });

  const mixes: [string, () => RealmValues[], { entry: number; fields: string[] }[]][] = [
    [
      "entry 0's RIM, entry 1's RPV and REMs",
      () => [
        {
          rim: rc01().realm.initialMeasurement,
          rpv: rc02().realm.personalizationValue,
          rems: tfm().realm.extensibleMeasurements,
          alg: 'sha-256',
        },
        {
          rim: tfm().realm.initialMeasurement,
          rpv: rc01().realm.personalizationValue,
          rems: rc01().realm.extensibleMeasurements,
          alg: 'sha-256',
        },
      ],
      [
        { entry: 0, fields: ['personalizationValue', 'extensibleMeasurements'] },
        { entry: 1, fields: ['initialMeasurement'] },
      ],
    ],
    [
      "entry 0's RIM and RPV, entry 1's REMs",
      () => [
        { ...realmOf(rc01().realm), rems: tfm().realm.extensibleMeasurements },
        { ...realmOf(tfm().realm), rems: rc01().realm.extensibleMeasurements },
      ],
      [
        { entry: 0, fields: ['extensibleMeasurements'] },
        { entry: 1, fields: ['initialMeasurement'] },
      ],
    ],
    [
      "entry 0's RIM, RPV and REMs, entry 1's RAK hash algorithm",
      () => [
        { ...realmOf(rc01().realm), alg: rc02().realm.publicKeyHashAlgorithm },
        { ...realmOf(tfm().realm) },
      ],
      [
        { entry: 0, fields: ['rakHashAlgorithm'] },
        { entry: 1, fields: ['initialMeasurement', 'extensibleMeasurements'] },
      ],
    ],
  ];
  for (const [what, entries, mismatches] of mixes) {
    it(`rejects rc-cca-token-01 matching ${what}`, async () => {
      const list = entries();
      const store = {
        platform: [platformJson(rc01().platform, rc01().platform)],
        realm: list.map(realmJson),
      };
      const r = await appraise(RC01, store);
      expect(failed(r)).toEqual(['cca.policy.rim']);
      expect(check(r, 'cca.policy.rim')).toMatchObject({
        required: true,
        detail: {
          mismatches,
          actual: { initialMeasurement: toHex(rc01().realm.initialMeasurement) },
        },
      });
      expect(r.ok).toBe(false);

      // The same values as independent any-of lists (fields a caller may set by hand) accept
      // the token: exactly the combination that per-entry matching refuses.
      const independent: CcaPolicy = {
        realmInitialMeasurements: list.map((e) => e.rim),
        personalizationValues: list.flatMap((e) => (e.rpv !== undefined ? [e.rpv] : [])),
        realmExtensibleMeasurements: list.flatMap((e) => (e.rems !== undefined ? [e.rems] : [])),
        publicKeyHashAlgorithms: list.flatMap((e) => (e.alg !== undefined ? [e.alg] : [])),
      };
      const loose = await verifyCcaToken(readVector('cca', RC01), {
        platformKey: publicJwkOf('cpak-tfrmm-p384'),
        policy: independent,
      });
      expect(loose.ok).toBe(true);
    });
  }

  it('accepts each token against the entry it matches completely', async () => {
    const store = {
      platform: [
        platformJson(rc01().platform, rc01().platform),
        platformJson(tfm().platform, tfm().platform),
      ],
      realm: [realmJson(realmOf(tfm().realm)), realmJson(realmOf(rc01().realm))],
    };
    for (const [file, platformEntry, realmEntry] of [
      [RC01, 0, 1],
      [TFM, 1, 0],
    ] as const) {
      const r = await appraise(file, store);
      expect(r.ok, file).toBe(true);
      expect(check(r, 'cca.policy.implementation-id'), file).toMatchObject({
        status: 'pass',
        required: true,
        detail: { entry: platformEntry },
      });
      expect(check(r, 'cca.policy.rim'), file).toMatchObject({
        status: 'pass',
        required: true,
        detail: { entry: realmEntry },
      });
    }
  });

  it('compares only what an entry gives', async () => {
    const r = await appraise(RC01, {
      platform: [platformJson(rc01().platform, rc01().platform)],
      realm: [
        realmJson({ rim: tfm().realm.initialMeasurement }),
        realmJson({ rim: rc01().realm.initialMeasurement }),
      ],
    });
    expect(r.ok).toBe(true);
    expect(check(r, 'cca.policy.rim').detail).toMatchObject({ entry: 1 });
  });

  it("rejects one platform entry's configuration with another's software components", async () => {
    const store = {
      platform: [
        platformJson(rc01().platform, tfm().platform),
        platformJson(tfm().platform, rc01().platform),
      ],
      realm: [realmJson(realmOf(rc01().realm))],
    };
    const r = await appraise(RC01, store);
    expect(failed(r)).toEqual(['cca.policy.implementation-id']);
    expect(check(r, 'cca.policy.implementation-id').detail).toMatchObject({
      mismatches: [
        { entry: 0, fields: ['softwareComponents'], unmatchedComponents: [0, 1, 2, 3] },
        { entry: 1, fields: ['platformConfig'] },
      ],
    });
    // As independent lists (set by hand) the configurations are any-of, but the software
    // components are one expected set since review S11: both platforms' components together are
    // not this token's set (the TF-M ones are missing), the token's own set is.
    const loose = (softwareComponents: readonly CcaSoftwareComponent[]) =>
      verifyCcaToken(readVector('cca', RC01), {
        platformKey: publicJwkOf('cpak-tfrmm-p384'),
        policy: {
          implementationIds: [rc01().platform.implementationId],
          platformConfigs: [rc01().platform.config!, tfm().platform.config!],
          softwareComponents,
        },
      });
    const mixed = await loose([
      ...tfm().platform.softwareComponents,
      ...rc01().platform.softwareComponents,
    ]);
    expect(failed(mixed)).toEqual(['cca.policy.sw-components']);
    expect((await loose(rc01().platform.softwareComponents)).ok).toBe(true);
  });
});
