/**
 * verifyCcaToken on SYNTHETIC tokens (test keys from WebCrypto): the paths no real vector covers
 * (ES512 / P-521, P-256 RAK, SHA-384 binding, untagged COSE), every check failing for its own
 * reason while the others still report, key resolution, and every policy field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseCcaToken,
  verifyCcaToken,
  type CcaCheckId,
  type CcaPolicy,
  type CcaVerification,
  type CcaVerifyOptions,
} from '../../src/cca/index.js';
import { ledgerOk } from '../../src/core/checks.js';
import { toHex } from '../../src/core/encoding.js';
import {
  cbor,
  generateTestKey,
  map,
  mintCcaToken,
  mintPsaToken,
  SYNTHETIC_IMPLEMENTATION_ID,
  Tagged,
  type MintOptions,
  type TestKeyPair,
} from './support/mint.js';

let cpak: TestKeyPair;
let rak: TestKeyPair;
beforeAll(async () => {
  cpak = await generateTestKey('P-384', 'synthetic-test-cpak');
  rak = await generateTestKey('P-384', 'synthetic-test-rak');
});

const get = (r: CcaVerification, id: CcaCheckId) => r.checks.find((c) => c.id === id)!;
const statusOf = (r: CcaVerification, id: CcaCheckId) => get(r, id).status;
const failures = (r: CcaVerification) =>
  r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

async function mintAndVerify(
  mint: MintOptions = {},
  options: CcaVerifyOptions | ((k: TestKeyPair) => CcaVerifyOptions) = {},
): Promise<CcaVerification> {
  const m = await mintCcaToken({ cpak, rak, ...mint });
  const o = typeof options === 'function' ? options(m.cpak) : options;
  return verifyCcaToken(m.token, { platformKey: m.cpak.publicJwk, ...o });
}

describe('verifyCcaToken: SYNTHETIC tokens that verify', () => {
  it('passes every check of a realm#2.0.0 / tag-907 token', async () => {
    const r = await mintAndVerify();
    expect(r.ok).toBe(true);
    for (const id of [
      'cca.decode',
      'cca.platform.algorithm',
      'cca.platform.key',
      'cca.platform.signature',
      'cca.platform.instance-id',
      'cca.platform.claims',
      'cca.platform.lifecycle',
      'cca.realm.algorithm',
      'cca.realm.public-key',
      'cca.realm.signature',
      'cca.realm.claims',
      'cca.binding',
    ] as const) {
      expect(statusOf(r, id), id).toBe('pass');
    }
    expect(
      r.checks
        .filter((c) => c.id.startsWith('cca.policy.'))
        .every((c) => c.status === 'skip' && !c.required),
    ).toBe(true);
    expect(r.platformKey).toEqual(cpak.publicJwk);
    expect(r.realmKey).toEqual(rak.publicJwk);
    expect(r.realmClaims?.profileKind).toBe('realm-2.0.0');
  });

  const profiles = [
    ['http://arm.com/CCA-SSD/1.0.0', 'legacy'],
    ['http://arm.com/CCA-SSD/1.0.0', 'tag:arm.com,2023:realm#1.0.0'],
    ['tag:arm.com,2023:cca_platform#1.0.0', 'legacy'],
    ['tag:arm.com,2023:cca_platform#1.0.0', 'tag:arm.com,2023:realm#1.0.0'],
    ['tag:arm.com,2024:cca_platform#2.0.0', 'tag:arm.com,2024:realm#2.0.0'],
  ] as const;
  for (const envelope of [399, 907] as const) {
    for (const [platformProfile, realmProfile] of profiles) {
      it(`tag ${envelope}, ${platformProfile} + ${realmProfile}`, async () => {
        const r = await mintAndVerify({ envelope, platformProfile, realmProfile });
        expect(failures(r)).toEqual([]);
        expect(r.ok).toBe(true);
        expect(r.token?.collection?.tag).toBe(envelope);
      });
    }
  }

  const crypto: [string, MintOptions | (() => Promise<MintOptions>)][] = [
    ['an ES256 (P-256) platform', async () => ({ cpak: await generateTestKey('P-256') })],
    ['an ES512 (P-521) platform', async () => ({ cpak: await generateTestKey('P-521') })],
    ['a P-256 RAK (ES256 realm)', async () => ({ rak: await generateTestKey('P-256') })],
    ['a P-521 RAK (ES512 realm)', async () => ({ rak: await generateTestKey('P-521') })],
    [
      'a raw P-256 RAK',
      async () => ({ rak: await generateTestKey('P-256'), realmProfile: 'legacy' }),
    ],
    ['a SHA-384 binding', { bindingHash: 'sha-384' }],
    ['a SHA-512 binding', { bindingHash: 'sha-512' }],
    ['a SHA-512 realm', { realmHash: 'sha-512' }],
    ['untagged COSE_Sign1', { taggedCose: false }],
  ];
  for (const [what, opts] of crypto) {
    it(`verifies ${what}`, async () => {
      const o = typeof opts === 'function' ? await opts() : opts;
      const r = await mintAndVerify(o);
      expect(failures(r)).toEqual([]);
      expect(r.ok).toBe(true);
    });
  }

  it('accepts a token already parsed', async () => {
    const m = await mintCcaToken({ cpak, rak });
    const r = await verifyCcaToken(parseCcaToken(m.token), { platformKey: cpak.publicJwk });
    expect(r.ok).toBe(true);
    expect(get(r, 'cca.decode').message).toContain('given parsed');
  });

  it('reads the platform key as PEM, raw point and COSE_Key alike', async () => {
    const m = await mintCcaToken({ cpak, rak });
    for (const platformKey of [cpak.point, toHex(cpak.point), JSON.stringify(cpak.publicJwk)]) {
      expect((await verifyCcaToken(m.token, { platformKey })).ok).toBe(true);
    }
  });
});

describe('verifyCcaToken: each failure is reported by its own check', () => {
  it('a broken binding fails cca.binding only', async () => {
    const r = await mintAndVerify({ breakBinding: true });
    expect(failures(r)).toEqual(['cca.binding']);
    expect(get(r, 'cca.binding').detail).toMatchObject({ algorithm: 'sha-256' });
  });

  it('a RAK with its private scalar fails cca.realm.public-key; the signature still verifies', async () => {
    const r = await mintAndVerify({ rakWithPrivate: true });
    expect(failures(r)).toEqual(['cca.realm.public-key']);
    expect(statusOf(r, 'cca.realm.signature')).toBe('pass');
    expect(statusOf(r, 'cca.binding')).toBe('pass');
  });

  it('without a platform key the platform signature is skipped and ok is false', async () => {
    const m = await mintCcaToken({ cpak, rak });
    const r = await verifyCcaToken(m.token);
    expect(get(r, 'cca.platform.key')).toMatchObject({ status: 'skip', required: true });
    expect(get(r, 'cca.platform.signature')).toMatchObject({ status: 'skip', required: true });
    expect(statusOf(r, 'cca.platform.instance-id')).toBe('skip');
    expect(statusOf(r, 'cca.realm.signature')).toBe('pass');
    expect(failures(r)).toEqual([]);
    expect(r.ok).toBe(false);
  });

  it('a platform key on the wrong curve fails the signature with expected/actual', async () => {
    const other = await generateTestKey('P-256');
    const r = await mintAndVerify({}, { platformKey: other.publicJwk });
    expect(get(r, 'cca.platform.signature')).toMatchObject({
      status: 'fail',
      detail: { expected: 'P-384', actual: 'P-256' },
    });
  });

  it('another key on the right curve fails the signature', async () => {
    const other = await generateTestKey('P-384');
    const r = await mintAndVerify({}, { platformKey: other.publicJwk });
    expect(failures(r)).toEqual(['cca.platform.signature']);
    expect(statusOf(r, 'cca.platform.instance-id')).toBe('warn');
  });

  it('an algorithm outside allowedAlgorithms fails and skips the signature', async () => {
    const r = await mintAndVerify({}, { allowedAlgorithms: ['ES256'] });
    expect(get(r, 'cca.platform.algorithm')).toMatchObject({
      status: 'fail',
      detail: { expected: ['ES256'], actual: 'ES384' },
    });
    expect(statusOf(r, 'cca.platform.signature')).toBe('skip');
    expect(statusOf(r, 'cca.realm.algorithm')).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('an unsupported COSE algorithm fails cca.realm.algorithm', async () => {
    const r = await mintAndVerify({ realmSign: { alg: -8 } });
    expect(get(r, 'cca.realm.algorithm')).toMatchObject({ status: 'fail', detail: { actual: -8 } });
    expect(statusOf(r, 'cca.realm.signature')).toBe('skip');
  });

  it('a realm token without alg fails, even with assumeAlgorithm (PSA only since review S11)', async () => {
    const strict = await mintAndVerify({ realmSign: { alg: null } });
    expect(statusOf(strict, 'cca.realm.algorithm')).toBe('fail');
    const assumed = await mintAndVerify({ realmSign: { alg: null } }, { assumeAlgorithm: 'ES384' });
    expect(statusOf(assumed, 'cca.realm.algorithm')).toBe('fail');
    expect(statusOf(assumed, 'cca.realm.signature')).toBe('skip');
    expect(assumed.ok).toBe(false);
  });

  it('a RAK whose curve differs from the realm alg fails the key and skips the signature', async () => {
    const p256 = await generateTestKey('P-256');
    const r = await mintAndVerify({ rak: p256, realmSign: { alg: -35, hash: 'SHA-384' } });
    expect(statusOf(r, 'cca.realm.public-key')).toBe('fail');
    expect(get(r, 'cca.realm.signature')).toMatchObject({ status: 'skip', required: true });
    expect(r.ok).toBe(false);
  });

  it('a COSE_Key alg that contradicts the realm alg fails cca.realm.public-key', async () => {
    const r = await mintAndVerify({
      editRealm: (m) => {
        const k = m.get(44237) as Uint8Array;
        m.set(44237, new Uint8Array([0xa5, ...k.subarray(1), 0x03, 0x26]));
      },
      breakBinding: false,
    });
    // The challenge hashes the unedited claim, so cca.binding fails as well; the key check is what matters.
    expect(statusOf(r, 'cca.realm.public-key')).toBe('fail');
  });

  it('a tampered realm signature fails cca.realm.signature only', async () => {
    const m = await mintCcaToken({ cpak, rak, envelope: 399 });
    const bad = m.token.slice();
    bad[bad.length - 1]! ^= 1;
    const r = await verifyCcaToken(bad, { platformKey: cpak.publicJwk });
    expect(failures(r)).toEqual(['cca.realm.signature']);
  });

  it('a signature of the wrong length fails with the encoding error in detail', async () => {
    const m = await mintCcaToken({ cpak, rak });
    const t = parseCcaToken(m.token);
    const realm = cbor(
      new Tagged(18, [
        t.realm!.cose.protectedHeader,
        map([]),
        t.realm!.cose.payload,
        new Uint8Array(95),
      ]),
    );
    const token = cbor(
      new Tagged(
        907,
        map([
          [44234, [263, m.platformToken]],
          [44241, [263, realm]],
        ]),
      ),
    );
    const r = await verifyCcaToken(token, { platformKey: cpak.publicJwk });
    expect(get(r, 'cca.realm.signature')).toMatchObject({
      status: 'fail',
      detail: { code: 'ERR_BAD_SIGNATURE_ENCODING' },
    });
  });

  it('a non-secured lifecycle fails unless allowed', async () => {
    const r = await mintAndVerify({ lifecycle: 0x5001 });
    expect(get(r, 'cca.platform.lifecycle')).toMatchObject({
      status: 'fail',
      detail: { expected: ['secured'], actual: 'recoverable-rot-debug' },
    });
    expect(failures(r)).toEqual(['cca.platform.lifecycle']);
    const allowed = await mintAndVerify(
      { lifecycle: 0x5001 },
      { policy: { allowedLifecycleStates: ['secured', 'recoverable-rot-debug'] } },
    );
    expect(allowed.ok).toBe(true);
  });

  it('an undefined lifecycle value fails the lifecycle and the claims checks', async () => {
    const r = await mintAndVerify({ lifecycle: 0x7000 });
    expect(failures(r)).toEqual(['cca.platform.claims', 'cca.platform.lifecycle']);
  });

  it('an instance id not derived from the CPAK warns, or fails when required', async () => {
    const warn = await mintAndVerify({ instanceIdFromCpak: false });
    expect(statusOf(warn, 'cca.platform.instance-id')).toBe('warn');
    expect(warn.ok).toBe(true);
    const strict = await mintAndVerify(
      { instanceIdFromCpak: false },
      { requireInstanceIdFromKey: true },
    );
    expect(get(strict, 'cca.platform.instance-id')).toMatchObject({
      status: 'fail',
      required: true,
    });
    expect(strict.ok).toBe(false);
  });

  const claims: [string, MintOptions, CcaCheckId][] = [
    [
      'a 32-byte realm challenge',
      { editRealm: (m) => m.set(10, new Uint8Array(32)) },
      'cca.realm.claims',
    ],
    ['a 32-byte RPV', { editRealm: (m) => m.set(44235, new Uint8Array(32)) }, 'cca.realm.claims'],
    ['three REMs', { rems: [0, 1, 2].map(() => new Uint8Array(32)) }, 'cca.realm.claims'],
    [
      'a REM of another size',
      { rems: [32, 32, 32, 48].map((n) => new Uint8Array(n)) },
      'cca.realm.claims',
    ],
    ['an unknown realm hash', { editRealm: (m) => m.set(44236, 'md5') }, 'cca.realm.claims'],
    ['realm#2.0.0 without instance id', { editRealm: (m) => m.delete(256) }, 'cca.realm.claims'],
    [
      'realm#2.0.0 with a text MEC policy',
      { editRealm: (m) => m.set(44243, 'private') },
      'cca.realm.claims',
    ],
    [
      'a bad realm instance id',
      { editRealm: (m) => m.set(256, new Uint8Array(33)) },
      'cca.realm.claims',
    ],
    [
      'a 31-byte implementation id',
      { editPlatform: (m) => m.set(2396, new Uint8Array(31)) },
      'cca.platform.claims',
    ],
    [
      'an instance id of type 0x02',
      { editPlatform: (m) => m.set(256, new Uint8Array(33).fill(2)) },
      'cca.platform.claims',
    ],
    ['no software components', { editPlatform: (m) => m.set(2399, []) }, 'cca.platform.claims'],
    [
      'a component without signer id',
      { editPlatform: (m) => m.set(2399, [map([[2, new Uint8Array(32)]])]) },
      'cca.platform.claims',
    ],
    [
      'a 20-byte measurement',
      {
        editPlatform: (m) =>
          m.set(2399, [
            map([
              [2, new Uint8Array(20)],
              [5, new Uint8Array(32)],
            ]),
          ]),
      },
      'cca.platform.claims',
    ],
    [
      'platform#2.0.0 with client id 2',
      {
        platformProfile: 'tag:arm.com,2024:cca_platform#2.0.0',
        editPlatform: (m) => m.set(2394, 2),
      },
      'cca.platform.claims',
    ],
  ];
  for (const [what, mint, id] of claims) {
    it(`${what} fails ${id}`, async () => {
      const r = await mintAndVerify(mint);
      expect(failures(r)).toContain(id);
      expect(get(r, id).detail).toMatchObject({ problems: expect.any(Array) });
      expect(r.ok).toBe(false);
    });
  }

  it('a sha-256 realm with 64-byte measurements warns (Veraison test tokens do this)', async () => {
    const r = await mintAndVerify({
      rim: new Uint8Array(64),
      rems: [0, 1, 2, 3].map(() => new Uint8Array(64)),
    });
    expect(statusOf(r, 'cca.realm.claims')).toBe('warn');
    expect(r.ok).toBe(true);
  });
});

describe('verifyCcaToken: platform key lookup', () => {
  it('asks the lookup with copies of the token ids and uses its key', async () => {
    const seen: string[] = [];
    const r = await mintAndVerify({}, (k) => ({
      platformKey: undefined as never,
      platformKeyLookup: (ids) => {
        seen.push(toHex(ids.implementationId), toHex(ids.instanceId));
        ids.instanceId.fill(0);
        return Promise.resolve(k.publicJwk);
      },
    }));
    expect(seen[0]).toBe(toHex(SYNTHETIC_IMPLEMENTATION_ID));
    expect(seen[1]!.startsWith('01')).toBe(true);
    expect(r.ok).toBe(true);
    expect(get(r, 'cca.platform.key').detail).toMatchObject({ source: 'platformKeyLookup' });
    expect(r.platformClaims!.instanceId[0]).toBe(1);
  });

  it('an unknown platform fails cca.platform.key', async () => {
    const m = await mintCcaToken({ cpak, rak });
    const r = await verifyCcaToken(m.token, {
      platformKeyLookup: () => Promise.resolve(undefined),
    });
    expect(get(r, 'cca.platform.key')).toMatchObject({ status: 'fail' });
    expect(statusOf(r, 'cca.platform.signature')).toBe('skip');
    expect(r.ok).toBe(false);
  });

  it('a rejecting lookup fails cca.platform.key with the cause', async () => {
    const m = await mintCcaToken({ cpak, rak });
    const r = await verifyCcaToken(m.token, {
      platformKeyLookup: () => Promise.reject(new Error('store offline')),
    });
    expect(get(r, 'cca.platform.key')).toMatchObject({
      status: 'fail',
      detail: { cause: 'store offline' },
    });
  });

  it('platformKey wins over the lookup', async () => {
    const m = await mintCcaToken({ cpak, rak });
    let asked = false;
    const r = await verifyCcaToken(m.token, {
      platformKey: cpak.publicJwk,
      platformKeyLookup: () => {
        asked = true;
        return Promise.resolve(undefined);
      },
    });
    expect(asked).toBe(false);
    expect(r.ok).toBe(true);
  });
});

describe('verifyCcaToken: policy', () => {
  const nonce = new Uint8Array(64).fill(0xc4);
  const components = () => [
    {
      measurementType: 'RSE_BL2',
      measurementValue: new Uint8Array(32).fill(0x10),
      signerId: new Uint8Array(32).fill(0xa0),
    },
    {
      measurementType: 'AP_BL31',
      measurementValue: new Uint8Array(32).fill(0x11),
      signerId: new Uint8Array(32).fill(0xa1),
    },
    {
      measurementType: 'RMM',
      measurementValue: new Uint8Array(32).fill(0x12),
      signerId: new Uint8Array(32).fill(0xa2),
      version: '1.2.0',
    },
  ];
  /** The SYNTHETIC token's realm and platform, as whole reference entries. */
  const realmRef = {
    initialMeasurement: new Uint8Array(32).fill(0x33),
    personalizationValue: new Uint8Array(64),
    extensibleMeasurements: [0, 1, 2, 3].map(() => new Uint8Array(32)),
    rakHashAlgorithm: 'sha-256',
  };
  const platformRef = () => ({
    implementationId: SYNTHETIC_IMPLEMENTATION_ID,
    platformConfig: Uint8Array.of(0xcf, 0xcf, 0xcf, 0xcf),
    softwareComponents: components(),
  });
  const good: CcaPolicy = {
    challenge: nonce,
    personalizationValues: [new Uint8Array(64)],
    realmInitialMeasurements: [new Uint8Array(32).fill(0x99), new Uint8Array(32).fill(0x33)],
    realmExtensibleMeasurements: [[new Uint8Array(32), null, new Uint8Array(32), null]],
    softwareComponents: components(),
    implementationIds: [SYNTHETIC_IMPLEMENTATION_ID],
    platformConfigs: [Uint8Array.of(0xcf, 0xcf, 0xcf, 0xcf)],
    allowedProfiles: ['tag:arm.com,2023:cca_platform#1.0.0', 'tag:arm.com,2024:realm#2.0.0'],
    publicKeyHashAlgorithms: ['sha-256'],
    realms: [{ ...realmRef, initialMeasurement: new Uint8Array(32) }, realmRef],
    platforms: [platformRef()],
  };
  const ids: Record<keyof CcaPolicy, CcaCheckId | undefined> = {
    challenge: 'cca.policy.challenge',
    personalizationValues: 'cca.policy.personalization-value',
    realmInitialMeasurements: 'cca.policy.rim',
    realmExtensibleMeasurements: 'cca.policy.rems',
    softwareComponents: 'cca.policy.sw-components',
    implementationIds: 'cca.policy.implementation-id',
    platformConfigs: 'cca.policy.platform-config',
    allowedProfiles: 'cca.policy.profiles',
    publicKeyHashAlgorithms: 'cca.policy.rak-hash-algorithm',
    realms: 'cca.policy.rim',
    platforms: 'cca.policy.implementation-id',
    allowedLifecycleStates: undefined,
  };

  it('every field given becomes a required, passing check', async () => {
    const r = await mintAndVerify({}, { policy: good });
    expect(r.ok).toBe(true);
    for (const id of Object.values(ids)) {
      if (id !== undefined)
        expect(get(r, id), id).toMatchObject({ status: 'pass', required: true });
    }
  });

  const bad: [keyof CcaPolicy, CcaPolicy[keyof CcaPolicy]][] = [
    ['challenge', new Uint8Array(64)],
    ['personalizationValues', [new Uint8Array(64).fill(1)]],
    ['realmInitialMeasurements', [new Uint8Array(32)]],
    ['realmExtensibleMeasurements', [[null, null, null, new Uint8Array(32).fill(1)]]],
    ['softwareComponents', components().slice(1)],
    ['implementationIds', [new Uint8Array(32)]],
    ['platformConfigs', [Uint8Array.of(0xcf)]],
    ['allowedProfiles', ['tag:arm.com,2023:cca_platform#1.0.0', 'tag:arm.com,2023:realm#1.0.0']],
    ['publicKeyHashAlgorithms', ['sha-512']],
    ['realms', [{ ...realmRef, personalizationValue: new Uint8Array(64).fill(1) }]],
    ['realms', [{ ...realmRef, extensibleMeasurements: realmRef.extensibleMeasurements.slice(1) }]],
    ['platforms', [{ ...platformRef(), platformConfig: Uint8Array.of(0xcf) }]],
    ['platforms', [{ ...platformRef(), softwareComponents: components().slice(1) }]],
    ['platforms', [{ ...platformRef(), implementationId: new Uint8Array(32) }]],
  ];
  for (const [field, value] of bad) {
    it(`a mismatching ${field} fails ${ids[field]!} with expected and actual`, async () => {
      const r = await mintAndVerify({}, { policy: { ...good, [field]: value } });
      expect(failures(r)).toEqual([ids[field]]);
      const detail = get(r, ids[field]!).detail as Record<string, unknown>;
      expect('unmatched' in detail || ('expected' in detail && 'actual' in detail)).toBe(true);
      expect(r.ok).toBe(false);
    });
  }

  it('realms: one entry must match as a whole; values of two entries never combine', async () => {
    // Entry 0 has the token's RIM, entry 1 its RPV, REMs and RAK hash algorithm.
    const mixed = [
      {
        initialMeasurement: realmRef.initialMeasurement,
        personalizationValue: new Uint8Array(64).fill(1),
      },
      { ...realmRef, initialMeasurement: new Uint8Array(32).fill(0x99) },
    ];
    const r = await mintAndVerify({}, { policy: { realms: mixed } });
    expect(failures(r)).toEqual(['cca.policy.rim']);
    expect(get(r, 'cca.policy.rim')).toMatchObject({
      required: true,
      detail: {
        mismatches: [
          { entry: 0, fields: ['personalizationValue'] },
          { entry: 1, fields: ['initialMeasurement'] },
        ],
        actual: {
          initialMeasurement: toHex(realmRef.initialMeasurement),
          rakHashAlgorithm: 'sha-256',
        },
      },
    });
    for (const id of [
      'cca.policy.personalization-value',
      'cca.policy.rems',
      'cca.policy.rak-hash-algorithm',
    ] as const) {
      expect(get(r, id)).toMatchObject({ status: 'skip', required: false });
    }
    // The same values as independent lists accept the token: each list is any-of on its own.
    const loose = await mintAndVerify(
      {},
      {
        policy: {
          realmInitialMeasurements: mixed.map((e) => e.initialMeasurement),
          personalizationValues: mixed.map((e) => e.personalizationValue),
        },
      },
    );
    expect(loose.ok).toBe(true);
    // An entry that gives only a RIM compares only the RIM.
    const rimOnly = await mintAndVerify(
      { personalizationValue: new Uint8Array(64).fill(7) },
      { policy: { realms: [{ initialMeasurement: realmRef.initialMeasurement }] } },
    );
    expect(get(rimOnly, 'cca.policy.rim')).toMatchObject({ status: 'pass', detail: { entry: 0 } });
  });

  it('platforms: the configuration and the components must come from one entry', async () => {
    const other = {
      measurementType: 'RMM',
      measurementValue: new Uint8Array(32).fill(0x77),
    };
    const mixed = [
      { ...platformRef(), softwareComponents: [other] },
      { ...platformRef(), platformConfig: Uint8Array.of(1, 2, 3, 4) },
    ];
    const r = await mintAndVerify({}, { policy: { platforms: mixed } });
    expect(failures(r)).toEqual(['cca.policy.implementation-id']);
    expect(get(r, 'cca.policy.implementation-id').detail).toMatchObject({
      mismatches: [
        { entry: 0, fields: ['softwareComponents'], unmatchedComponents: [0, 1, 2] },
        { entry: 1, fields: ['platformConfig'] },
      ],
    });
    // An entry without software components matches no token (fail closed).
    const none = await mintAndVerify(
      {},
      { policy: { platforms: [{ ...platformRef(), softwareComponents: [] }] } },
    );
    expect(failures(none)).toEqual(['cca.policy.implementation-id']);
    // Without a configuration in the entry, the token's configuration is not compared.
    const { platformConfig: _ignored, ...noConfig } = platformRef();
    const pass = await mintAndVerify(
      { editPlatform: (m) => m.set(2401, Uint8Array.of(9)) },
      { policy: { platforms: [noConfig] } },
    );
    expect(get(pass, 'cca.policy.implementation-id')).toMatchObject({
      status: 'pass',
      detail: { entry: 0 },
    });
    expect(get(pass, 'cca.policy.implementation-id').message).toContain(
      'implementationId, softwareComponents',
    );
  });

  it('a shared check needs both fields when both are given', async () => {
    const r = await mintAndVerify(
      {},
      {
        policy: {
          realmInitialMeasurements: [realmRef.initialMeasurement],
          realms: [{ ...realmRef, rakHashAlgorithm: 'sha-512' }],
          implementationIds: [new Uint8Array(32)],
          platforms: [platformRef()],
        },
      },
    );
    expect(failures(r)).toEqual(['cca.policy.implementation-id', 'cca.policy.rim']);
    expect(get(r, 'cca.policy.rim').detail).toMatchObject({
      expected: { realmInitialMeasurements: undefined, realms: [{ rakHashAlgorithm: 'sha-512' }] },
      mismatches: [{ entry: 0, fields: ['rakHashAlgorithm'] }],
    });
    expect(get(r, 'cca.policy.implementation-id').detail).toMatchObject({
      expected: { implementationIds: [toHex(new Uint8Array(32))] },
      entry: 0,
    });
    const both = await mintAndVerify(
      {},
      { policy: { realmInitialMeasurements: [realmRef.initialMeasurement], realms: [realmRef] } },
    );
    expect(get(both, 'cca.policy.rim')).toMatchObject({
      status: 'pass',
      required: true,
      detail: { actual: toHex(realmRef.initialMeasurement), entry: 0 },
    });
  });

  it('empty entry lists accept nothing', async () => {
    const r = await mintAndVerify({}, { policy: { realms: [], platforms: [] } });
    expect(failures(r)).toEqual(['cca.policy.implementation-id', 'cca.policy.rim']);
    expect(get(r, 'cca.policy.rim').message).toContain('nothing is accepted');
  });

  it('software components must match type, signer and version when the reference names them', async () => {
    const refs = components();
    for (const edit of [
      { measurementType: 'BL' },
      { signerId: new Uint8Array(32) },
      { version: '9.9' },
    ]) {
      const policy = { softwareComponents: [refs[0]!, refs[1]!, { ...refs[2]!, ...edit }] };
      const r = await mintAndVerify({}, { policy });
      expect(get(r, 'cca.policy.sw-components')).toMatchObject({
        status: 'fail',
        detail: { unmatched: [{ index: 2, measurementType: 'RMM' }] },
      });
    }
  });

  it('a legacy realm is described by the platform profile', async () => {
    const r = await mintAndVerify(
      { platformProfile: 'http://arm.com/CCA-SSD/1.0.0', realmProfile: 'legacy' },
      { policy: { allowedProfiles: ['http://arm.com/CCA-SSD/1.0.0'] } },
    );
    expect(get(r, 'cca.policy.profiles')).toMatchObject({
      status: 'pass',
      detail: { actual: ['http://arm.com/CCA-SSD/1.0.0', 'http://arm.com/CCA-SSD/1.0.0'] },
    });
  });

  it('policy fields not given are skips that name the field', async () => {
    const r = await mintAndVerify({}, { policy: { challenge: nonce } });
    expect(get(r, 'cca.policy.rim')).toMatchObject({ status: 'skip', required: false });
    expect(get(r, 'cca.policy.rim').message).toContain('realmInitialMeasurements');
    expect(get(r, 'cca.policy.rim').message).toContain('realms');
    expect(get(r, 'cca.policy.implementation-id')).toMatchObject({
      status: 'skip',
      required: false,
    });
  });

  it('on a PSA token the challenge is the PSA nonce and realm fields fail', async () => {
    const iak = await generateTestKey('P-256');
    const challenge = new Uint8Array(32).fill(7);
    const token = await mintPsaToken(iak, challenge);
    const formats = ['psa'] as const;
    const ok = await verifyCcaToken(token, {
      platformKey: iak.publicJwk,
      policy: { challenge },
      formats,
    });
    expect(ok.ok).toBe(true);
    expect(ok.token?.format).toBe('psa');
    expect(statusOf(ok, 'cca.platform.instance-id')).toBe('pass');
    for (const id of ['cca.realm.signature', 'cca.binding'] as const) {
      expect(get(ok, id)).toMatchObject({ status: 'skip', required: false });
    }
    const bad = await verifyCcaToken(token, {
      platformKey: iak.publicJwk,
      policy: { realmInitialMeasurements: [new Uint8Array(32)] },
      formats,
    });
    expect(failures(bad)).toEqual(['cca.policy.rim']);
    const entries = await verifyCcaToken(token, {
      platformKey: iak.publicJwk,
      policy: {
        realms: [{ initialMeasurement: new Uint8Array(32) }],
        realmInitialMeasurements: [new Uint8Array(32)],
      },
      formats,
    });
    expect(failures(entries)).toEqual(['cca.policy.rim']);
    expect(get(entries, 'cca.policy.rim')).toMatchObject({ required: true });
    expect(get(entries, 'cca.policy.rim').message).toContain('no realm token');
  });

  it('a PSA token with an empty protected header needs assumeAlgorithm within allowedAlgorithms', async () => {
    const iak = await generateTestKey('P-256');
    const token = await mintPsaToken(iak, new Uint8Array(32), { alg: null });
    const psa = { platformKey: iak.publicJwk, formats: ['psa'] } as const;
    expect((await verifyCcaToken(token, psa)).ok).toBe(false);
    expect((await verifyCcaToken(token, { ...psa, assumeAlgorithm: 'ES256' })).ok).toBe(true);
    const r = await verifyCcaToken(token, {
      ...psa,
      assumeAlgorithm: 'ES256',
      allowedAlgorithms: ['ES384'],
    });
    expect(statusOf(r, 'cca.platform.algorithm')).toBe('fail');
  });
});

describe('verifyCcaToken: review findings (SYNTHETIC tokens)', () => {
  it('a lifecycle above 16 bits is invalid, not its low bits (0x1_0000_3000 is not "secured")', async () => {
    for (const lc of [2 ** 32 + 0x3000, 2 ** 40 + 0x3003, 0x13000]) {
      const r = await mintAndVerify({ lifecycle: lc });
      expect(r.platformClaims?.lifecycleState).toBe('invalid');
      expect(statusOf(r, 'cca.platform.lifecycle')).toBe('fail');
      expect(r.ok).toBe(false);
    }
    expect((await mintAndVerify({ lifecycle: 0x3003 })).platformClaims?.lifecycleState).toBe(
      'secured',
    );
  });

  it("a result's policy details are copies: editing them does not widen the caller's policy", async () => {
    const policy: CcaPolicy = { allowedProfiles: ['nope'], publicKeyHashAlgorithms: ['sha-256'] };
    const r1 = await mintAndVerify({ bindingHash: 'sha-512' }, { policy });
    expect(statusOf(r1, 'cca.policy.profiles')).toBe('fail');
    expect(statusOf(r1, 'cca.policy.rak-hash-algorithm')).toBe('fail');
    const d1 = get(r1, 'cca.policy.profiles').detail as { expected: string[]; actual: string[] };
    const d2 = get(r1, 'cca.policy.rak-hash-algorithm').detail as {
      expected: string[];
      actual: string;
    };
    d1.expected.push(...d1.actual);
    d2.expected.push(d2.actual);
    expect(policy.allowedProfiles).toEqual(['nope']);
    expect(policy.publicKeyHashAlgorithms).toEqual(['sha-256']);
    const r2 = await mintAndVerify({ bindingHash: 'sha-512' }, { policy });
    expect(statusOf(r2, 'cca.policy.profiles')).toBe('fail');
    expect(statusOf(r2, 'cca.policy.rak-hash-algorithm')).toBe('fail');
  });

  it('an empty platform key, or one that is only whitespace, is a typed error (it recursed)', async () => {
    for (const platformKey of ['', '   ', new Uint8Array(0), new TextEncoder().encode(' ')]) {
      const r = await mintAndVerify({}, { platformKey });
      expect(r.ok).toBe(false);
      expect(failures(r)).toContain('cca.platform.key');
    }
    const m = await mintCcaToken({ cpak, rak });
    const lookedUp = await verifyCcaToken(m.token, {
      platformKeyLookup: () => Promise.resolve(''),
    });
    expect(failures(lookedUp)).toContain('cca.platform.key');
  });
});

describe('verifyCcaToken: the ledger rule', () => {
  it('ok holds exactly when no check failed and every required check ran', async () => {
    const m = await mintCcaToken({ cpak, rak });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          withKey: fc.boolean(),
          instance: fc.boolean(),
          algs: fc.subarray(['ES256', 'ES384', 'ES512'] as const, { minLength: 1 }),
          rim: fc.boolean(),
        }),
        async (o) => {
          const r = await verifyCcaToken(m.token, {
            ...(o.withKey ? { platformKey: cpak.publicJwk } : {}),
            requireInstanceIdFromKey: o.instance,
            allowedAlgorithms: o.algs,
            ...(o.rim ? { policy: { realmInitialMeasurements: [new Uint8Array(32)] } } : {}),
          });
          expect(r.ok).toBe(ledgerOk(r.checks));
          expect(r.ok).toBe(o.withKey && o.algs.includes('ES384') && !o.rim);
          expect(r.checks.map((c) => c.id)).toHaveLength(22);
        },
      ),
      { numRuns: 40 },
    );
  });
});
