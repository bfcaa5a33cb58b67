/** Type confusion: every public entry point of attestkit/cca refuses non-byte inputs with TypeError. */
import { describe, expect, it } from 'vitest';
import * as cca from '../../src/cca/index.js';
import { NOT_BYTES, detachedView } from '../support/not-bytes.js';

const BAD: readonly (readonly [string, () => unknown])[] = [
  ...NOT_BYTES,
  ['a string', () => 'd9018fa2'],
  ['an object', () => ({})],
  ['a detached view', detachedView],
];

const SYNC: [string, (x: never) => unknown][] = [
  ['parseCcaToken', cca.parseCcaToken],
  ['parseCcaPlatformClaims', cca.parseCcaPlatformClaims],
  ['parseCcaRealmClaims', cca.parseCcaRealmClaims],
  ['parseCoseSign1', (x) => cca.parseCoseSign1(x)],
  ['decodeCoseKey', (x) => cca.decodeCoseKey(x)],
  ['parseCcaRealmEventLog', cca.parseCcaRealmEventLog],
  ['coseSigStructure(protected)', (x) => cca.coseSigStructure(x, new Uint8Array(1))],
  ['coseSigStructure(payload)', (x) => cca.coseSigStructure(new Uint8Array(1), x)],
  ['extendCcaRem', (x) => cca.extendCcaRem('sha-256', new Uint8Array(32), x)],
];

describe('type confusion: parsers throw TypeError', () => {
  for (const [name, fn] of SYNC) {
    for (const [what, make] of BAD) {
      it(`${name}(${what})`, () => {
        expect(() => fn(make() as never)).toThrow(TypeError);
      });
    }
  }
});

describe('type confusion: verifyCcaToken rejects with TypeError', () => {
  for (const [what, make] of BAD) {
    it(`token = ${what}`, async () => {
      await expect(cca.verifyCcaToken(make() as never)).rejects.toThrow(TypeError);
    });
  }
  const token = new Uint8Array([0xd9, 0x01, 0x8f, 0xa0]);
  const badOptions: [string, unknown][] = [
    ['options null', null],
    ['options a string', 'ES384'],
    ['now not a Date', { now: '2024-01-01' }],
    ['now invalid', { now: new Date(NaN) }],
    ['lookup not a function', { platformKeyLookup: {} }],
    ['unknown algorithm', { allowedAlgorithms: ['RS256'] }],
    ['assumeAlgorithm unknown', { assumeAlgorithm: 'EdDSA' }],
    ['policy not an object', { policy: 1 }],
    ['policy.challenge hex text', { policy: { challenge: 'abcd' } }],
    [
      'policy.realmInitialMeasurements not a list',
      { policy: { realmInitialMeasurements: new Uint8Array(32) } },
    ],
    ['policy.allowedProfiles not strings', { policy: { allowedProfiles: [1] } }],
    [
      'policy.realmExtensibleMeasurements flat',
      { policy: { realmExtensibleMeasurements: [new Uint8Array(32)] } },
    ],
    ['policy.softwareComponents without measurement', { policy: { softwareComponents: [{}] } }],
    [
      'policy.realms not a list',
      { policy: { realms: { initialMeasurement: new Uint8Array(32) } } },
    ],
    ['policy.realms entry without RIM', { policy: { realms: [{ rakHashAlgorithm: 'sha-256' }] } }],
    [
      'policy.realms entry with hex REMs',
      {
        policy: {
          realms: [{ initialMeasurement: new Uint8Array(32), extensibleMeasurements: ['00'] }],
        },
      },
    ],
    [
      'policy.realms entry with a numeric RAK hash algorithm',
      { policy: { realms: [{ initialMeasurement: new Uint8Array(32), rakHashAlgorithm: 1 }] } },
    ],
    ['policy.realms entry null', { policy: { realms: [null] } }],
    [
      'policy.platforms entry without components',
      { policy: { platforms: [{ implementationId: new Uint8Array(32) }] } },
    ],
    [
      'policy.platforms entry with a hex config',
      {
        policy: {
          platforms: [
            { implementationId: new Uint8Array(32), platformConfig: 'cf', softwareComponents: [] },
          ],
        },
      },
    ],
    [
      'policy.platforms entry with hex implementation id',
      { policy: { platforms: [{ implementationId: '00', softwareComponents: [] }] } },
    ],
  ];
  for (const [what, options] of badOptions) {
    it(what, async () => {
      await expect(cca.verifyCcaToken(token, options as never)).rejects.toThrow(TypeError);
    });
  }
  for (const platformKey of [42, null, [1], new Uint16Array(2)]) {
    it(`platformKey ${Object.prototype.toString.call(platformKey)} is a programming error`, async () => {
      await expect(
        cca.verifyCcaToken(token, { platformKey: platformKey as never }),
      ).rejects.toThrow(TypeError);
    });
  }
  it('an undecodable token is a result, not an exception', async () => {
    const r = await cca.verifyCcaToken(new Uint8Array([0xd9, 0x01, 0x8f]));
    expect(r.ok).toBe(false);
    expect(r.checks[0]).toMatchObject({ id: 'cca.decode', status: 'fail' });
  });
});

describe('type confusion: helpers', () => {
  it('ccaKeyLookup needs an array', () => {
    expect(() => cca.ccaKeyLookup({} as never)).toThrow(TypeError);
  });
  it('a non-JSON value is an AttestError for stores, not a crash', () => {
    for (const v of [null, 42, 'x', {}]) {
      expect(() => cca.parseCcaTrustAnchorStore(v)).toThrow(cca.AttestError);
    }
  });
});
