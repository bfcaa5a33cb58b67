/**
 * Fuzz targets for the CBOR / COSE / CCA token path, seeded with every real token, payload and
 * RAK claim in vectors/cca, plus deep-nesting and huge-length seeds (which must fail fast).
 */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, listVectors, readVector } from '../support/vectors.js';
import {
  decodeCoseKey,
  parseCcaPlatformClaims,
  parseCcaRealmClaims,
  parseCcaRealmEventLog,
  parseCcaToken,
  parseCoseSign1,
} from '../../src/cca/index.js';
import { decodeCbor } from '../../src/cca/cbor.js';

const tokens = (): Uint8Array[] =>
  hasVectors
    ? listVectors('cca')
        .filter((f) => f.endsWith('.cbor') && !f.startsWith('claims/'))
        .map((f) => readVector('cca', f))
    : [];

const parsed = () =>
  tokens().flatMap((b) => {
    try {
      return [parseCcaToken(b)];
    } catch {
      return [];
    }
  });

const hostile = (): Uint8Array[] => [
  new Uint8Array(4096).fill(0x81),
  new Uint8Array(4096).fill(0xa1),
  Uint8Array.of(0xd9, 0x01, 0x8f, 0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(
    0xd9,
    0x03,
    0x8b,
    0xa1,
    0x19,
    0xac,
    0xca,
    0x82,
    0x19,
    0x01,
    0x07,
    0x5b,
    0x7f,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
    0xff,
  ),
];

export const targets: FuzzTarget[] = [
  {
    name: 'cca decodeCbor',
    parse: (b) => decodeCbor(b, { tags: 'any' }),
    seeds: () => [...tokens(), ...hostile()],
  },
  {
    name: 'parseCcaToken',
    parse: (b) => parseCcaToken(b),
    seeds: () => [...tokens(), ...hostile()],
  },
  {
    name: 'parseCoseSign1',
    parse: (b) => parseCoseSign1(b),
    seeds: () =>
      parsed().flatMap((t) => [t.platform.cose.raw, ...(t.realm ? [t.realm.cose.raw] : [])]),
  },
  {
    name: 'parseCcaPlatformClaims',
    parse: (b) => parseCcaPlatformClaims(b),
    seeds: () => [
      ...parsed().map((t) => t.platform.cose.payload),
      ...(hasVectors ? [readVector('cca', 'claims/rc-platform-claims.cbor')] : []),
    ],
  },
  {
    name: 'parseCcaRealmClaims',
    parse: (b) => parseCcaRealmClaims(b),
    seeds: () => [
      ...parsed().flatMap((t) => (t.realm ? [t.realm.cose.payload] : [])),
      ...(hasVectors
        ? listVectors('cca', 'claims')
            .filter((f) => f.startsWith('rc-realm'))
            .map((f) => readVector('cca', 'claims', f))
        : []),
    ],
  },
  {
    name: 'decodeCoseKey',
    parse: (b) => decodeCoseKey(b),
    seeds: () =>
      parsed().flatMap((t) =>
        t.realm?.claims.rak.encoding === 'cose-key' ? [t.realm.claims.publicKey] : [],
      ),
  },
  {
    name: 'parseCcaRealmEventLog',
    parse: (b) => parseCcaRealmEventLog(b),
    seeds: () =>
      hasVectors ? [readVector('cca', 'eventlog/cca-realm-bootlog-synthetic.bin')] : [],
  },
];
