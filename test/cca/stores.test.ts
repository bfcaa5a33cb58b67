/** Veraison-style trust-anchor and reference-value stores (src/cca/stores.ts). */
import { describe, expect, it } from 'vitest';
import {
  ccaKeyLookup,
  ccaPolicyFromReferenceValues,
  parseCcaReferenceValues,
  parseCcaToken,
  parseCcaTrustAnchorStore,
  verifyCcaToken,
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
    const policyChecks = r.checks.filter((c) => c.id.startsWith('cca.policy.') && c.required);
    expect(policyChecks.map((c) => c.id).sort()).toEqual([
      'cca.policy.implementation-id',
      'cca.policy.personalization-value',
      'cca.policy.platform-config',
      'cca.policy.rak-hash-algorithm',
      'cca.policy.rems',
      'cca.policy.rim',
      'cca.policy.sw-components',
    ]);
    expect(policyChecks.every((c) => c.status === 'pass')).toBe(true);
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
    const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toEqual([
      'cca.policy.platform-config',
      'cca.policy.sw-components',
      'cca.policy.rim',
      'cca.policy.rems',
    ]);
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
