/* global crypto, TextEncoder */
/**
 * @module
 * Conformance cases for the core (`attestkit` root entry), run from the built package under every
 * runtime: real AMD and Intel PKI from the shared vectors, and negatives generated from them.
 * Known answers are FIPS 180-4 examples; expected certificate facts come from snp/expected.json.
 */
import {
  AttestError,
  checkCrl,
  createCache,
  decodePem,
  digest,
  encodePem,
  equalBytes,
  extend,
  fromBase64,
  fromHex,
  parseCertificate,
  parseCertificates,
  parseCrl,
  publicKeyFromJwk,
  spkiSha256,
  toBase64,
  toBase64Url,
  toHex,
  verifyChain,
  verifySignature,
} from 'attestkit';
import { bytesHex, deepEqual, equal, hex, ok, throwsAttestError } from '../assert.js';

const DAY_MS = 86_400_000;

/** The AMD product roots and one real VCEK per product to act as the leaf. */
const AMD_PRODUCTS = [
  { product: 'milan', leaf: 'snp/milan-v2-gsg/vcek.der' },
  { product: 'genoa', leaf: 'snp/genoa-v2-oak/vcek.der' },
  { product: 'turin', leaf: 'snp/turin-v5-oak/vcek.der' },
];

/** An instant inside every certificate's validity: a day after the latest notBefore. */
function instantInside(certs) {
  const from = Math.max(...certs.map((c) => c.notBefore.getTime())) + DAY_MS;
  const until = Math.min(...certs.map((c) => c.notAfter.getTime()));
  ok(from < until, `the certificates share no validity window (${new Date(from).toISOString()})`);
  return new Date(from);
}

const amdChainCases = AMD_PRODUCTS.map(({ product, leaf }) => ({
  name: `AMD ${product}: ARK → ASK → VCEK verifies with verifyChain and a pin computed from the ARK`,
  vectors: [`snp/roots/ask_ark_${product}.pem`, leaf, 'snp/expected.json'],
  async run(ctx) {
    const expected = ctx
      .vectorJson('snp/expected.json')
      .trust_material.find((t) => t.id === `roots-${product}`).expected;
    const bundle = parseCertificates(ctx.vectorText(`snp/roots/ask_ark_${product}.pem`));
    equal(bundle.length, 2, 'certificates in the KDS cert_chain bundle');
    const [ask, ark] = bundle;
    equal(ark.serialHex, expected.ark.serial_hex, 'ARK serial');
    equal(ark.subject.text, expected.ark.subject, 'ARK subject');
    equal(toHex(digest('sha256', ark.raw)), expected.ark.sha256_der, 'ARK DER SHA-256');
    equal(ask.serialHex, expected.ask.serial_hex, 'ASK serial');
    equal(ask.issuer.text, expected.ask.issuer, 'ASK issuer');
    equal(toHex(digest('sha256', ask.raw)), expected.ask.sha256_der, 'ASK DER SHA-256');
    deepEqual(
      [
        ask.signatureAlgorithm.scheme,
        ask.signatureAlgorithm.hash,
        ask.signatureAlgorithm.saltLength,
      ],
      ['rsa-pss', 'sha384', 48],
      'ASK signature algorithm',
    );

    const vcek = parseCertificate(ctx.vector(leaf));
    const now = instantInside([ark, ask, vcek]);
    const cache = createCache();
    const input = { root: ark, intermediate: ask, leaf: vcek, rootPins: [spkiSha256(ark)], now };
    const good = await verifyChain({ ...input, cache });
    const links = (r) => [r.ok, r.root.ok, r.intermediate.ok, r.leaf.ok];
    deepEqual(links(good), [true, true, true, true], 'verifyChain [ok, root, intermediate, leaf]');
    ok(cache.size > 0, 'verifyChain stored its work in the cache');
    deepEqual(links(await verifyChain({ ...input, cache })), links(good), 'cached re-run');

    // The same chain pinned to a key that is not the ARK's fails at the root, and only there.
    const wrongPin = await verifyChain({ ...input, rootPins: [spkiSha256(ask)] });
    deepEqual(links(wrongPin), [false, false, true, true], 'verifyChain with a foreign pin');
    // After the leaf expires the leaf link fails.
    const late = await verifyChain({ ...input, now: new Date(vcek.notAfter.getTime() + DAY_MS) });
    deepEqual(links(late), [false, true, true, false], 'verifyChain after the VCEK expired');
  },
}));

/** @type {{ name: string, vectors?: string[], run: (ctx: any) => unknown }[]} */
export const cases = [
  ...amdChainCases,

  {
    name: 'AMD Genoa CRL: signed by the ARK, revokes 020001 and not the current ASK 020002',
    vectors: [
      'snp/crl/genoa_ark.crl.der',
      'snp/roots/ask_ark_genoa.pem',
      'snp/roots/ask_ark_milan.pem',
    ],
    async run(ctx) {
      const crl = parseCrl(ctx.vector('snp/crl/genoa_ark.crl.der'));
      const [ask, ark] = parseCertificates(ctx.vectorText('snp/roots/ask_ark_genoa.pem'));
      ok(crl.nextUpdate !== undefined, 'the Genoa CRL has a nextUpdate');
      const now = new Date(crl.thisUpdate.getTime() + 3_600_000);
      ok(now < crl.nextUpdate, 'the check instant lies inside [thisUpdate, nextUpdate]');
      ok(
        crl.revoked.some((r) => r.serialHex === '020001'),
        'the CRL lists 020001',
      );

      const r = await checkCrl(crl, ark, [ask.serialHex, '020001'], { now });
      deepEqual(r.problems, [], 'checkCrl problems');
      equal(r.ok, true, 'checkCrl ok');
      deepEqual(r.revokedSerials, ['020001'], 'revoked among [ASK, 020001]');
      equal(ask.serialHex, '020002', 'current Genoa ASK serial');

      const [, milanArk] = parseCertificates(ctx.vectorText('snp/roots/ask_ark_milan.pem'));
      equal(
        (await checkCrl(crl, milanArk, [], { now })).ok,
        false,
        'checked against the Milan ARK',
      );
      const stale = new Date(crl.nextUpdate.getTime() + 1000);
      equal((await checkCrl(crl, ark, [], { now: stale })).ok, false, 'after nextUpdate');
    },
  },

  {
    name: 'Intel SGX Root CA: self-signed, and signs the PCK Platform CA (ECDSA P-256)',
    vectors: [
      'tdx/collateral/certs/intel_sgx_root_ca.pem',
      'tdx/collateral/certs/intel_sgx_pck_platform_ca.pem',
    ],
    async run(ctx) {
      const root = parseCertificate(ctx.vectorText('tdx/collateral/certs/intel_sgx_root_ca.pem'));
      const pca = parseCertificate(
        ctx.vectorText('tdx/collateral/certs/intel_sgx_pck_platform_ca.pem'),
      );
      ok(/CN=Intel SGX Root CA/.test(root.subject.text), `root subject ${root.subject.text}`);
      ok(/CN=Intel SGX PCK Platform CA/.test(pca.subject.text), `CA subject ${pca.subject.text}`);
      deepEqual([root.publicKey.kind, root.publicKey.curve], ['ec', 'P-256'], 'root key');
      ok(equalBytes(pca.issuer.raw, root.subject.raw), 'the Platform CA names the root as issuer');
      const signedBy = (cert, key, tbs = cert.tbs) =>
        verifySignature({
          key,
          scheme: cert.signatureAlgorithm.scheme,
          hash: cert.signatureAlgorithm.hash,
          data: tbs,
          signature: cert.signature,
          signatureFormat: 'der',
        });
      equal(pca.signatureAlgorithm.scheme, 'ecdsa', 'Platform CA signature scheme');
      equal(await signedBy(root, root.publicKey), true, 'root self-signature');
      equal(await signedBy(pca, root.publicKey), true, 'Platform CA signed by the root');
      equal(await signedBy(pca, pca.publicKey), false, 'Platform CA "signed" by its own key');
      const tampered = pca.tbs.slice();
      tampered[tampered.length - 40] ^= 0x01;
      equal(await signedBy(pca, root.publicKey, tampered), false, 'one flipped TBS bit');
    },
  },

  {
    name: 'parseCertificate: a truncated real certificate throws AttestError ERR_BAD_CERTIFICATE',
    vectors: ['snp/roots/ask_ark_milan.pem'],
    run(ctx) {
      const blocks = decodePem(ctx.vectorText('snp/roots/ask_ark_milan.pem'));
      const der = blocks[1].der;
      equal(parseCertificate(der).serialHex, '010000', 'the untouched ARK parses');
      for (const cut of [1, 2, 100, der.length >> 1, der.length - 4]) {
        throwsAttestError(
          () => parseCertificate(der.subarray(0, der.length - cut)),
          'ERR_BAD_CERTIFICATE',
          undefined,
          `ARK DER minus ${cut} byte(s)`,
        );
      }
      const extra = new Uint8Array(der.length + 1);
      extra.set(der);
      throwsAttestError(
        () => parseCertificate(extra),
        'ERR_TRAILING_DATA',
        der.length,
        'one extra byte',
      );
      // The PEM route reports the same error for the same truncated body.
      throwsAttestError(
        () => parseCertificate(encodePem('CERTIFICATE', der.subarray(0, der.length - 1))),
        'ERR_BAD_CERTIFICATE',
        undefined,
        'truncated PEM',
      );
    },
  },

  {
    name: 'parseCertificate: empty and header-only input throw ERR_BAD_CERTIFICATE at offset 0',
    run() {
      throwsAttestError(
        () => parseCertificate(new Uint8Array(0)),
        'ERR_BAD_CERTIFICATE',
        0,
        'empty',
      );
      throwsAttestError(
        () => parseCertificate(new Uint8Array([0x30, 0x82, 0x04])),
        'ERR_BAD_CERTIFICATE',
        0,
        'SEQUENCE header cut inside its length',
      );
      throwsAttestError(
        () => parseCertificate(new Uint8Array([0x30, 0x80, 0x00, 0x00])),
        'ERR_BAD_CERTIFICATE',
        0,
        'indefinite length (BER, not DER)',
      );
    },
  },

  {
    name: 'AttestError is one class across every subpath of the built package',
    run(ctx) {
      let err;
      try {
        parseCertificate(new Uint8Array(0));
      } catch (e) {
        err = e;
      }
      ok(err instanceof AttestError, 'root AttestError');
      equal(err.name, 'AttestError', 'error name');
      const entries = Object.entries(ctx.lib);
      ok(entries.length >= 8, `expected every subpath namespace, got ${entries.length}`);
      for (const [entry, ns] of entries) {
        equal(typeof ns.AttestError, 'function', `${entry} exports AttestError`);
        ok(err instanceof ns.AttestError, `error is an instance of ${entry}'s AttestError`);
        equal(ns.isAttestError(err, 'ERR_BAD_CERTIFICATE'), true, `${entry}.isAttestError`);
        equal(ns.isAttestError(new Error('x')), false, `${entry}.isAttestError(Error)`);
      }
    },
  },

  {
    name: 'createCache: LRU bound, recency on get, and RangeError for a bad size',
    run() {
      const cache = createCache({ maxEntries: 2 });
      cache.set('a', 1);
      cache.set('b', 2);
      equal(cache.get('a'), 1, 'get a');
      cache.set('c', 3); // evicts b, the least recently used
      equal(cache.size, 2, 'size after the third insert');
      equal(cache.get('b'), undefined, 'b evicted');
      deepEqual([cache.get('a'), cache.get('c')], [1, 3], 'a and c kept');
      equal(cache.delete('a'), true, 'delete a');
      cache.clear();
      equal(cache.size, 0, 'size after clear');
      let thrown;
      try {
        createCache({ maxEntries: 0 });
      } catch (e) {
        thrown = e;
      }
      ok(thrown instanceof RangeError, 'maxEntries 0 throws RangeError');
    },
  },

  {
    name: 'digest and extend: FIPS 180-4 known answers for SHA-1/256/384/512',
    run() {
      const abc = new TextEncoder().encode('abc');
      const known = {
        sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
        sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        sha384:
          'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed' +
          '8086072ba1e7cc2358baeca134c825a7',
        sha512:
          'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
          '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      };
      for (const [alg, want] of Object.entries(known))
        bytesHex(digest(alg, abc), want, `${alg}("abc")`);
      bytesHex(
        digest('sha256', new Uint8Array(0)),
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'sha256("")',
      );
      // PCR extend: SHA-256(0^32 ‖ SHA-256("abc")).
      bytesHex(
        extend('sha256', new Uint8Array(32), digest('sha256', abc)),
        '589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d',
        'extend(sha256, zeros, sha256("abc"))',
      );
    },
  },

  {
    name: 'encodings: hex, base64, base64url and PEM round trips',
    run() {
      const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x00, 0x01]);
      equal(toHex(bytes), 'fbfffe0001', 'toHex');
      equal(hex(fromHex('FBFFFE0001')), 'fbfffe0001', 'fromHex (upper case)');
      equal(toBase64(bytes.subarray(0, 3)), '+//+', 'toBase64');
      equal(toBase64Url(bytes.subarray(0, 3)), '-__-', 'toBase64Url');
      equal(hex(fromBase64('-__-')), 'fbfffe', 'fromBase64 (url alphabet)');
      equal(hex(fromBase64('+//+AAE=')), 'fbfffe0001', 'fromBase64 (padded)');
      throwsAttestError(() => fromBase64('+/_-'), 'ERR_BAD_ENCODING', undefined, 'mixed alphabets');
      const pem = encodePem('CERTIFICATE', bytes);
      const blocks = decodePem(`junk\n${pem}trailing`);
      equal(blocks.length, 1, 'PEM blocks');
      equal(blocks[0].label, 'CERTIFICATE', 'PEM label');
      ok(equalBytes(blocks[0].der, bytes), 'PEM body round trip');
    },
  },

  ...[
    {
      label: 'ECDSA P-256 / SHA-256',
      gen: { name: 'ECDSA', namedCurve: 'P-256' },
      sign: { name: 'ECDSA', hash: 'SHA-256' },
      scheme: 'ecdsa',
      hash: 'sha256',
    },
    {
      label: 'ECDSA P-384 / SHA-384',
      gen: { name: 'ECDSA', namedCurve: 'P-384' },
      sign: { name: 'ECDSA', hash: 'SHA-384' },
      scheme: 'ecdsa',
      hash: 'sha384',
    },
    {
      label: 'RSA-PSS 2048 / SHA-256 / salt 32',
      gen: {
        name: 'RSA-PSS',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      sign: { name: 'RSA-PSS', saltLength: 32 },
      scheme: 'rsa-pss',
      hash: 'sha256',
      saltLength: 32,
    },
    {
      label: 'RSASSA-PKCS1-v1_5 2048 / SHA-384',
      gen: {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-384',
      },
      sign: { name: 'RSASSA-PKCS1-v1_5' },
      scheme: 'rsa-pkcs1',
      hash: 'sha384',
    },
  ].map((alg) => ({
    name: `verifySignature: ${alg.label} from a key generated by this runtime's WebCrypto`,
    async run() {
      const keys = await crypto.subtle.generateKey(alg.gen, true, ['sign', 'verify']);
      const data = new TextEncoder().encode(`attestkit conformance ${alg.label}`);
      const signature = new Uint8Array(await crypto.subtle.sign(alg.sign, keys.privateKey, data));
      const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
      const key = publicKeyFromJwk(jwk);
      const params = {
        key,
        scheme: alg.scheme,
        hash: alg.hash,
        data,
        signature,
        ...(alg.saltLength !== undefined ? { saltLength: alg.saltLength } : {}),
      };
      equal(await verifySignature(params), true, 'genuine signature');
      const flipped = data.slice();
      flipped[0] ^= 0x01;
      equal(await verifySignature({ ...params, data: flipped }), false, 'one flipped data bit');
      const other = await crypto.subtle.generateKey(alg.gen, true, ['sign', 'verify']);
      const otherKey = publicKeyFromJwk(await crypto.subtle.exportKey('jwk', other.publicKey));
      equal(await verifySignature({ ...params, key: otherKey }), false, 'another key');
      if (alg.scheme === 'ecdsa') {
        await verifySignature({ ...params, signature: signature.subarray(1) }).then(
          () => {
            throw new Error('a short raw ECDSA signature was accepted');
          },
          (e) => {
            ok(e instanceof AttestError, `short signature: expected AttestError, got ${e}`);
            equal(e.code, 'ERR_BAD_SIGNATURE_ENCODING', 'short signature code');
          },
        );
      }
      let leaked;
      try {
        publicKeyFromJwk(await crypto.subtle.exportKey('jwk', keys.privateKey));
      } catch (e) {
        leaked = e;
      }
      ok(
        leaked instanceof AttestError && leaked.code === 'ERR_BAD_KEY',
        'a private JWK is refused',
      );
    },
  })),
];
