/**
 * CCA bench: verifyCcaToken on a real tag-907 token (tfm-cca-example-token) against its floor —
 * the work no verifier can avoid: two P-384 ECDSA verifies (platform and realm COSE_Sign1) plus
 * one SHA-256 of the RAK claim (the binding), with keys already imported. Peers named by the
 * issue (veraison/ccatoken in Go, veraison/rust-ccatoken) cannot run in this process and are not
 * measured here.
 */
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCache, type MemoryCache } from '../src/core/cache.js';
import { digest } from '../src/core/crypto.js';
import type { CcaToken } from '../src/cca/index.js';
import { join } from 'node:path';
import { VECTORS_DIR, hasVectors } from '../test/support/vector-paths.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { disposeBuilt, importBuilt } from './built.js';
import type * as CcaModuleExports from '../src/cca/index.js';

type CcaModule = typeof CcaModuleExports;
/** The verifier under test: the esbuild build of src/cca (see built.ts), loaded in setup. */
let parseCcaToken: CcaModule['parseCcaToken'];
let verifyCcaToken: CcaModule['verifyCcaToken'];

const subtle = webcrypto.subtle;
let bytes: Uint8Array;
let token: CcaToken;
let cpak: JsonWebKey;
let platformKey: CryptoKey;
let realmKey: CryptoKey;
let cache: MemoryCache;

const ecdsa384 = { name: 'ECDSA', hash: 'SHA-384' } as const;

const FLOOR: BenchCase = {
  name: 'floor: 2 × P-384 verify + SHA-256 (keys imported)',
  fn: async () => {
    const p = token.platform.cose;
    const r = token.realm!.cose;
    await subtle.verify(ecdsa384, platformKey, p.signature, p.toBeSigned);
    await subtle.verify(ecdsa384, realmKey, r.signature, r.toBeSigned);
    digest('sha256', token.realm!.claims.publicKey);
  },
};

const WARM: BenchCase = {
  name: 'verifyCcaToken, warm (cache: keys imported once)',
  fn: () => verifyCcaToken(bytes, { platformKey: cpak, cache }),
};

export const suite: BenchSuite = {
  name: 'cca: verifyCcaToken (tfm-cca-example-token, ES384 + ES384, sha-256 binding)',
  async setup() {
    ({ parseCcaToken, verifyCcaToken } = await importBuilt<CcaModule>('cca'));
    if (!hasVectors) return 'no vectors (vectors/cca/tokens/tfm-cca-example-token.cbor)';
    bytes = new Uint8Array(
      readFileSync(join(VECTORS_DIR, 'cca', 'tokens', 'tfm-cca-example-token.cbor')),
    );
    cpak = JSON.parse(
      readFileSync(join(VECTORS_DIR, 'cca', 'keys', 'cpak-tfrmm-p384.json'), 'utf8'),
    ) as JsonWebKey;
    token = parseCcaToken(bytes);
    const rak = token.realm!.claims.rak.key;
    const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
    platformKey = await subtle.importKey(
      'jwk',
      cpak,
      { name: 'ECDSA', namedCurve: 'P-384' },
      false,
      ['verify'],
    );
    realmKey = await subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-384', x: b64u(rak.x), y: b64u(rak.y) },
      { name: 'ECDSA', namedCurve: 'P-384' },
      false,
      ['verify'],
    );
    cache = createCache({ maxEntries: 100 });
    const check = await verifyCcaToken(bytes, { platformKey: cpak });
    if (!check.ok) return 'the bench token does not verify';
  },
  floor: FLOOR,
  cases: [
    {
      name: 'verifyCcaToken, cold (no cache: parses, imports both keys)',
      fn: () => verifyCcaToken(bytes, { platformKey: cpak }),
    },
    WARM,
    {
      name: 'verifyCcaToken, warm, pre-parsed token',
      fn: () => verifyCcaToken(token, { platformKey: cpak, cache }),
    },
    { name: 'parseCcaToken only', fn: () => parseCcaToken(bytes) },
    {
      name: 'verifyCcaToken minus the ECDSA work (algorithms refused)',
      fn: () => verifyCcaToken(bytes, { platformKey: cpak, cache, allowedAlgorithms: ['ES256'] }),
    },
    {
      name: 'reference: the floor with both verifies run concurrently',
      fn: async () => {
        const p = token.platform.cose;
        const r = token.realm!.cose;
        await Promise.all([
          subtle.verify(ecdsa384, platformKey, p.signature, p.toBeSigned),
          subtle.verify(ecdsa384, realmKey, r.signature, r.toBeSigned),
        ]);
        digest('sha256', token.realm!.claims.publicKey);
      },
    },
  ],
  targets: [
    'verifyCcaToken warm ≤ 1.2× floor (verifyCcaToken runs the two verifies concurrently; compare with the concurrent reference too)',
  ],
  comparisons: [
    {
      label: 'verifyCcaToken warm / floor',
      numerator: WARM,
      denominator: FLOOR,
      target: { max: 1.2 },
    },
  ],
  teardown() {
    disposeBuilt();
    return Promise.resolve();
  },
};
