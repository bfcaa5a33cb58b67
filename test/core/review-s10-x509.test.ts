/**
 * Review s10 (core X.509): an Invalid Date `now` fails closed; certificates and CRLs are capped in
 * size before any decoding; RSA issuer keys under 2048 bits are refused; GeneralizedTime years
 * 0000-0099 keep their year; errors inside nested DER (extension values, RSAPublicKey) carry
 * offsets within the certificate; and the non-DER / non-RFC 5280 shapes the review found are
 * refused. Certificates and CRLs here are SYNTHETIC (built byte by byte, signed with fresh
 * node:crypto keys), except where a real vector is named.
 */
import { cat, derLength, tlv } from '../support/der.js';
import { assertValidNow } from '../../src/core/checks.js';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expectAttestError } from '../support/errors.js';
import { describeVectors, readVectorText } from '../support/vectors.js';
import {
  X509_MAX_CERTIFICATE_SIZE,
  X509_MAX_CRL_SIZE,
  checkCrl,
  orderChain,
  parseCertificate,
  parseCertificateCached,
  parseCertificates,
  parseCrl,
  parseSpki,
  spkiSha256,
  validityAt,
  verifyChain,
  verifySignedBy,
  type X509Certificate,
} from '../../src/core/x509.js';
import { createCache } from '../../src/core/cache.js';
import { encodePem } from '../../src/core/encoding.js';
import { verifySnpReport } from '../../src/snp/index.js';

// ---------------------------------------------------------------------------------------------
// A minimal DER builder and signer (SYNTHETIC material only).

const len = derLength;
const seq = (...c: Uint8Array[]): Uint8Array => tlv(0x30, ...c);
const set = (...c: Uint8Array[]): Uint8Array => tlv(0x31, ...c);
const ctx = (n: number, ...c: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...c);
const int = (v: number): Uint8Array => {
  const b: number[] = [];
  let x = v;
  do {
    b.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if ((b[0]! & 0x80) !== 0) b.unshift(0);
  return tlv(2, Uint8Array.from(b));
};
const bool = (v: boolean): Uint8Array => tlv(1, Uint8Array.of(v ? 0xff : 0));
const nul = (): Uint8Array => Uint8Array.of(5, 0);
const octets = (b: Uint8Array): Uint8Array => tlv(4, b);
const bits = (b: Uint8Array, unused = 0): Uint8Array => tlv(3, Uint8Array.of(unused), b);
const oid = (text: string): Uint8Array => {
  const a = text.split('.').map(Number);
  const out: number[] = [40 * a[0]! + a[1]!];
  for (const v of a.slice(2)) {
    const t = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) t.unshift((x & 0x7f) | 0x80);
    out.push(...t);
  }
  return tlv(6, Uint8Array.from(out));
};
const ascii = (tag: number, s: string): Uint8Array => tlv(tag, new TextEncoder().encode(s));
const utf8 = (s: string): Uint8Array => ascii(12, s);
const utcTime = (s: string): Uint8Array => ascii(0x17, s);
const genTime = (s: string): Uint8Array => ascii(0x18, s);
const name = (cn: string): Uint8Array => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), nul());
const ext = (id: string, value: Uint8Array, critical = false): Uint8Array =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const basicConstraints = (ca: boolean, pathLen?: number): Uint8Array =>
  ext(
    '2.5.29.19',
    seq(...(ca ? [bool(true)] : []), ...(pathLen !== undefined ? [int(pathLen)] : [])),
    true,
  );
const keyUsage = (byte: number, unused: number): Uint8Array =>
  ext('2.5.29.15', bits(Uint8Array.of(byte), unused), true);
const VALIDITY = seq(utcTime('240101000000Z'), utcTime('300101000000Z'));
const NOW = new Date('2025-06-01T00:00:00Z');
/** The caps, spelled out so that the size tests do not depend on the exports they check. */
const CERT_CAP = 64 * 1024;
const CRL_CAP = 1024 * 1024;

interface Key {
  readonly priv: KeyObject;
  readonly spki: Uint8Array;
  readonly alg: Uint8Array;
}
const ecKey = (): Key => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    priv: privateKey,
    spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    alg: ECDSA_SHA256,
  };
};
const rsaKey = (modulusLength: number): Key => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    priv: privateKey,
    spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    alg: SHA256_RSA,
  };
};
const signed = (tbs: Uint8Array, signer: Key, alg = signer.alg): Uint8Array =>
  seq(tbs, alg, bits(new Uint8Array(sign('sha256', tbs, signer.priv))));

interface CertSpec {
  serial?: number;
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  signer: Key;
  exts?: Uint8Array[];
  alg?: Uint8Array;
  validity?: Uint8Array;
  version?: Uint8Array;
}
const cert = (o: CertSpec): Uint8Array => {
  const alg = o.alg ?? o.signer.alg;
  const tbs = seq(
    o.version ?? ctx(0, int(2)),
    int(o.serial ?? 1),
    alg,
    o.issuer,
    o.validity ?? VALIDITY,
    o.subject,
    o.spki,
    ...(o.exts !== undefined && o.exts.length > 0 ? [ctx(3, seq(...o.exts))] : []),
  );
  return signed(tbs, o.signer, alg);
};

/** Offset of the first occurrence of `needle` in `hay` (-1 when absent). */
const indexOf = (hay: Uint8Array, needle: Uint8Array): number => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
};

const ROOT = name('Test Root');
const INTER = name('Test Inter');
const LEAF = name('Test Leaf');

/** root → intermediate → leaf, each signed by the key above; `interKey` may be RSA. */
function chain(o: { interKey?: Key; validity?: Uint8Array } = {}) {
  const rk = ecKey();
  const ik = o.interKey ?? ecKey();
  const lk = ecKey();
  const v = o.validity !== undefined ? { validity: o.validity } : {};
  const root = cert({
    issuer: ROOT,
    subject: ROOT,
    spki: rk.spki,
    signer: rk,
    exts: [basicConstraints(true), keyUsage(0x06, 1)],
    ...v,
  });
  const inter = cert({
    serial: 2,
    issuer: ROOT,
    subject: INTER,
    spki: ik.spki,
    signer: rk,
    exts: [basicConstraints(true, 0), keyUsage(0x06, 1)],
    ...v,
  });
  const leaf = cert({
    serial: 3,
    issuer: INTER,
    subject: LEAF,
    spki: lk.spki,
    signer: ik,
    exts: [keyUsage(0x80, 7)],
    ...v,
  });
  return { rk, ik, lk, root, inter, leaf };
}

async function runChain(der: { root: Uint8Array; inter: Uint8Array; leaf: Uint8Array }, now = NOW) {
  const [root, intermediate, leaf] = [der.root, der.inter, der.leaf].map((d) =>
    parseCertificate(d),
  ) as [X509Certificate, X509Certificate, X509Certificate];
  return verifyChain({ root, intermediate, leaf, rootPins: [spkiSha256(root)], now });
}

/**
 * DER `30 <len> 30 <len> (05 00)*` of exactly `size` bytes (one `04 01 00` first when an odd
 * count is needed): the reviewer's amplification input, valid DER down to its last TLV.
 */
function junk(size: number): Uint8Array {
  const headers = (n: number): number => 2 * 1 + len(n).length + len(n + 1 + len(n).length).length;
  let n = size - 6;
  while (n + headers(n) !== size) n += size - (n + headers(n));
  const body = new Uint8Array(n);
  let at = 0;
  if (n % 2 === 1) {
    body.set([4, 1, 0]);
    at = 3;
  }
  for (; at < n; at += 2) body[at] = 5;
  return seq(seq(body));
}

// ---------------------------------------------------------------------------------------------

describe('review s10: an Invalid Date `now` fails closed', () => {
  const expired = seq(utcTime('100101000000Z'), utcTime('110101000000Z'));

  it('validityAt throws TypeError for an Invalid Date or a non-Date', () => {
    const c = parseCertificate(chain({ validity: expired }).leaf);
    expect(validityAt(c, NOW)).toBe('expired');
    expect(() => validityAt(c, new Date(Number.NaN))).toThrow(TypeError);
    expect(() => validityAt(c, new Date('not a date'))).toThrow(TypeError);
    expect(() => validityAt(c, Date.now() as unknown as Date)).toThrow(TypeError);
  });

  it('verifyChain throws TypeError instead of passing an expired chain', async () => {
    const der = chain({ validity: expired });
    expect((await runChain(der)).ok).toBe(false);
    await expect(runChain(der, new Date(Number.NaN))).rejects.toThrow(TypeError);
  });

  it('checkCrl throws TypeError instead of passing a stale CRL; a NaN maxAgeMs is RangeError', async () => {
    const c = chain();
    const root = parseCertificate(c.root);
    const tbs = seq(int(1), ECDSA_SHA256, ROOT, utcTime('100101000000Z'), utcTime('110101000000Z'));
    const crl = parseCrl(signed(tbs, c.rk));
    const r = await checkCrl(crl, root, [], { now: NOW, maxAgeMs: 1000 });
    expect(r.ok).toBe(false);
    await expect(checkCrl(crl, root, [], { now: new Date(Number.NaN) })).rejects.toThrow(TypeError);
    await expect(checkCrl(crl, root, [], { now: '2025-06-01' as unknown as Date })).rejects.toThrow(
      TypeError,
    );
    await expect(checkCrl(crl, root, [], { now: NOW, maxAgeMs: Number.NaN })).rejects.toThrow(
      RangeError,
    );
    await expect(checkCrl(crl, root, [], { now: NOW, maxAgeMs: -1 })).rejects.toThrow(RangeError);
  });

  it('assertValidNow accepts a valid Date and names the argument otherwise', () => {
    expect(() => assertValidNow(NOW, 'options.now')).not.toThrow();
    expect(() => assertValidNow(new Date(Number.NaN), 'options.now')).toThrow(
      new TypeError('options.now must be a valid Date'),
    );
    expect(() => assertValidNow(undefined, 'now')).toThrow(TypeError);
  });
});

describe('review s10: certificate and CRL sizes are capped before decoding', () => {
  it('the caps leave a wide margin over the real sizes (largest real: 1683 B cert, 3355 B CRL)', () => {
    expect(X509_MAX_CERTIFICATE_SIZE).toBe(CERT_CAP);
    expect(X509_MAX_CRL_SIZE).toBe(CRL_CAP);
  });

  it('a certificate one byte over the cap is ERR_LIMIT_EXCEEDED at offset 0, at once', () => {
    const big = junk(CERT_CAP + 1);
    expect(big.length).toBe(CERT_CAP + 1);
    const t0 = performance.now();
    for (const f of [
      () => parseCertificate(big),
      () => parseCertificateCached(big, createCache()),
      () => parseCertificates([big]),
      () => parseCertificate(encodePem('CERTIFICATE', big)),
    ]) {
      expect(expectAttestError(f, 'ERR_LIMIT_EXCEEDED', 0).field).toBe('Certificate');
    }
    expect(performance.now() - t0).toBeLessThan(250);
    // At the cap the DER is decoded (and refused for its shape, not its size).
    expectAttestError(() => parseCertificate(junk(CERT_CAP)), 'ERR_BAD_CERTIFICATE');
  });

  it('a CRL over its cap is ERR_LIMIT_EXCEEDED at offset 0; a SubjectPublicKeyInfo too', () => {
    const big = junk(CRL_CAP + 1);
    expect(big.length).toBe(CRL_CAP + 1);
    const t0 = performance.now();
    expect(expectAttestError(() => parseCrl(big), 'ERR_LIMIT_EXCEEDED', 0).field).toBe(
      'CertificateList',
    );
    expect(performance.now() - t0).toBeLessThan(250);
    expectAttestError(() => parseCrl(junk(2 * 1024)), 'ERR_BAD_CRL');
    const spki = expectAttestError(() => parseSpki(junk(CERT_CAP + 1)), 'ERR_LIMIT_EXCEEDED', 0);
    expect(spki.field).toBe('SubjectPublicKeyInfo');
  });

  it('verifySnpReport with a 4 MiB junk VCEK fails its chain check fast (was ~8.5 s)', async () => {
    const report = new Uint8Array(
      readFileSync(new URL('../../examples/evidence/snp-synthetic/report.bin', import.meta.url)),
    );
    const t0 = performance.now();
    const r = await verifySnpReport({ report, vcek: junk(4 * 1024 * 1024) }, { now: NOW });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r.checks)).toContain('ERR_LIMIT_EXCEEDED');
  });
});

describe('review s10: RSA issuer keys under 2048 bits are refused', () => {
  it('a chain with an RSA-1024 intermediate fails the leaf link; RSA-2048 verifies', async () => {
    const weak = await runChain(chain({ interKey: rsaKey(1024) }));
    expect(weak.ok).toBe(false);
    expect(weak.intermediate.ok).toBe(true); // the root's EC key signed it
    expect(weak.leaf.problems.join()).toMatch(/RSA-1024.*2048/);
    const strong = await runChain(chain({ interKey: rsaKey(2048) }));
    expect(strong.ok).toBe(true);
  });

  it('verifySignedBy throws ERR_BAD_KEY for RSA-512 and RSA-1024 issuers, certificates and CRLs', async () => {
    for (const bits of [512, 1024]) {
      const c = chain({ interKey: rsaKey(bits) });
      const inter = parseCertificate(c.inter);
      await expect(verifySignedBy(parseCertificate(c.leaf), inter)).rejects.toMatchObject({
        code: 'ERR_BAD_KEY',
      });
      const crl = parseCrl(
        signed(
          seq(int(1), SHA256_RSA, INTER, utcTime('250501000000Z'), utcTime('250701000000Z')),
          c.ik,
        ),
      );
      await expect(verifySignedBy(crl, inter)).rejects.toMatchObject({ code: 'ERR_BAD_KEY' });
      const r = await checkCrl(crl, inter, [], { now: NOW });
      expect(r.ok).toBe(false);
      expect(r.problems.join()).toMatch(new RegExp(`RSA-${bits}`));
    }
  });
});

describe('review s10: GeneralizedTime years 0000-0099', () => {
  it('a certificate notBefore of 0050-01-01 is year 50, not 1950', () => {
    const k = ecKey();
    const c = parseCertificate(
      cert({
        issuer: ROOT,
        subject: ROOT,
        spki: k.spki,
        signer: k,
        validity: seq(genTime('00500101000000Z'), utcTime('300101000000Z')),
      }),
    );
    expect(c.notBefore.getUTCFullYear()).toBe(50);
    expect(c.notBefore.toISOString()).toBe('0050-01-01T00:00:00.000Z');
  });
});

describe('review s10: errors inside nested DER carry offsets within the certificate', () => {
  const k = ecKey();
  const withExt = (e: Uint8Array): Uint8Array =>
    cert({ issuer: ROOT, subject: ROOT, spki: k.spki, signer: k, exts: [e] });

  it('basicConstraints: a non-DER BOOLEAN and an encoded cA=FALSE', () => {
    for (const b of [tlv(1, Uint8Array.of(0x01)), tlv(1, Uint8Array.of(0x00))]) {
      const value = seq(b, int(0));
      const der = withExt(ext('2.5.29.19', value, true));
      expectAttestError(
        () => parseCertificate(der),
        'ERR_BAD_CERTIFICATE',
        indexOf(der, value) + 2,
      );
    }
  });

  it('keyUsage: an empty BIT STRING and bytes after it', () => {
    const empty = bits(new Uint8Array(0));
    const der = withExt(ext('2.5.29.15', empty, true));
    expectAttestError(() => parseCertificate(der), 'ERR_BAD_CERTIFICATE', indexOf(der, empty));
    const trailing = cat(bits(Uint8Array.of(0x80), 7), nul());
    const der2 = withExt(ext('2.5.29.15', trailing, true));
    expectAttestError(
      () => parseCertificate(der2),
      'ERR_TRAILING_DATA',
      indexOf(der2, trailing) + 4,
    );
  });

  it('RSAPublicKey: a non-minimal INTEGER and a third field', () => {
    const rsaAlg = seq(oid('1.2.840.113549.1.1.1'), nul());
    const nonMinimal = seq(tlv(2, Uint8Array.of(0, 0x01, 0x01)), int(65537));
    const der = cert({
      issuer: ROOT,
      subject: ROOT,
      spki: seq(rsaAlg, bits(nonMinimal)),
      signer: k,
    });
    expectAttestError(() => parseCertificate(der), 'ERR_BAD_KEY', indexOf(der, nonMinimal) + 2);
    const three = seq(int(0x101), int(65537), int(1));
    const der2 = cert({ issuer: ROOT, subject: ROOT, spki: seq(rsaAlg, bits(three)), signer: k });
    expectAttestError(() => parseCertificate(der2), 'ERR_BAD_KEY', indexOf(der2, three));
  });
});

describe('review s10: non-DER and non-RFC 5280 shapes are refused', () => {
  /** Builds the chain with one certificate changed and expects `code` at the marker's offset. */
  const k = ecKey();
  const refuses = (
    spec: Partial<CertSpec>,
    marker: Uint8Array,
    delta = 0,
    code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_KEY' = 'ERR_BAD_CERTIFICATE',
  ): void => {
    const der = cert({ issuer: ROOT, subject: LEAF, spki: k.spki, signer: k, ...spec });
    const at = indexOf(der, marker);
    expect(at).toBeGreaterThan(0);
    expectAttestError(() => parseCertificate(der), code, at + delta);
  };

  it('baseline: the same builder makes a certificate that parses and a chain that verifies', async () => {
    expect((await runChain(chain())).ok).toBe(true);
    expect(
      parseCertificate(cert({ issuer: ROOT, subject: LEAF, spki: k.spki, signer: k })).version,
    ).toBe(3);
  });

  it('BasicConstraints with a trailing field, or cA as a context tag', () => {
    const extra = int(99);
    refuses(
      { exts: [ext('2.5.29.19', seq(bool(true), int(0), extra), true)] },
      cat(int(0), extra),
      3,
    );
    const junkTail = octets(Uint8Array.of(1, 2, 3));
    refuses({ exts: [ext('2.5.29.19', seq(bool(true), int(0), junkTail), true)] }, junkTail);
    // [1] IMPLICIT with content FF was read as cA=TRUE.
    const ctxCa = tlv(0x81, Uint8Array.of(0xff));
    refuses({ exts: [ext('2.5.29.19', seq(ctxCa, int(0)), true)] }, ctxCa);
  });

  it('keyUsage with a set unused bit, a trailing zero octet, or no bit set', () => {
    const setUnused = bits(Uint8Array.of(0x07), 1);
    refuses({ exts: [ext('2.5.29.15', setUnused, true)] }, setUnused);
    const zeroOctet = bits(Uint8Array.of(0x86, 0x00), 0);
    refuses({ exts: [ext('2.5.29.15', zeroOctet, true)] }, zeroOctet);
    const none = bits(Uint8Array.of(0x00), 7);
    refuses({ exts: [ext('2.5.29.15', none, true)] }, none);
  });

  it('keyUsage with trailing zero bits in its last octet still parses (AMD ASK/ASVK: 03 02 01 04)', () => {
    const c = parseCertificate(
      cert({ issuer: ROOT, subject: LEAF, spki: k.spki, signer: k, exts: [keyUsage(0x04, 1)] }),
    );
    expect(c.keyUsage?.keyCertSign).toBe(true);
    expect(c.keyUsage?.cRLSign).toBe(false);
  });

  it('ECDSA AlgorithmIdentifier with NULL or [5] parameters, or a third field', () => {
    for (const params of [nul(), tlv(0x85, new Uint8Array(0))]) {
      const alg = seq(oid('1.2.840.10045.4.3.2'), params);
      refuses({ alg }, alg, alg.length - 2);
    }
    const three = seq(oid('1.2.840.10045.4.3.2'), nul(), nul());
    refuses({ alg: three }, three, three.length - 2);
    // RSA PKCS#1 takes NULL, but not a NULL-like context tag.
    const rsaCtx = seq(oid('1.2.840.113549.1.1.11'), tlv(0x85, new Uint8Array(0)));
    refuses({ alg: rsaCtx }, rsaCtx, rsaCtx.length - 2);
  });

  it('SubjectPublicKeyInfo with a third AlgorithmIdentifier field or a context-tag NULL', () => {
    const raw = parseSpki(k.spki); // sanity: the real SPKI parses
    expect(raw.kind).toBe('ec');
    const rsa = rsaKey(2048).spki;
    // rsaEncryption's NULL (05 00) replaced by [5] IMPLICIT (85 00).
    const ctxNull = rsa.slice();
    const at = indexOf(ctxNull, Uint8Array.of(0x05, 0x00));
    ctxNull[at] = 0x85;
    expectAttestError(() => parseSpki(ctxNull), 'ERR_BAD_KEY', at);
    const ecAlg = seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7'), nul());
    const point = parseSpki(k.spki);
    expect(point.kind).toBe('ec');
    const spki = seq(ecAlg, tlv(3, k.spki.subarray(k.spki.length - 66)));
    expectAttestError(() => parseSpki(spki), 'ERR_BAD_KEY', 2 + ecAlg.length - 2);
  });

  it('Validity with a third time', () => {
    const third = utcTime('990101000000Z');
    refuses({ validity: seq(utcTime('240101000000Z'), utcTime('300101000000Z'), third) }, third);
  });

  it('AttributeTypeAndValue with a third component, and an empty RDN', () => {
    const extra = utf8('junk-component');
    refuses({ subject: seq(set(seq(oid('2.5.4.3'), utf8('Leaf'), extra))) }, extra);
    const subject = seq(set(), set(seq(oid('2.5.4.3'), utf8('Leaf'))));
    refuses({ subject }, subject, 2);
  });

  it('version [0] with two INTEGERs, or as a primitive', () => {
    const twoInts = ctx(0, int(2), int(2));
    refuses({ version: twoInts }, twoInts);
    const primitive = tlv(0x80, Uint8Array.of(2));
    refuses({ version: primitive }, primitive);
  });
});

describe('review s10: CRL shapes RFC 5280 §5.1 forbids', () => {
  const c = chain();
  const dates = [utcTime('250501000000Z'), utcTime('250701000000Z')];
  const crlNumber = ext('2.5.29.20', int(7));

  it('a v2 CRL with extensions and one revoked entry parses and checks', async () => {
    const entry = seq(
      int(5),
      utcTime('250101000000Z'),
      seq(ext('2.5.29.21', tlv(10, Uint8Array.of(1)))),
    );
    const crl = parseCrl(
      signed(seq(int(1), ECDSA_SHA256, ROOT, ...dates, seq(entry), ctx(0, seq(crlNumber))), c.rk),
    );
    expect(crl.revoked.map((r) => r.serialHex)).toEqual(['05']);
    expect((await checkCrl(crl, parseCertificate(c.root), ['05'], { now: NOW })).ok).toBe(true);
  });

  it('a v1 CRL (version absent) with crlExtensions or crlEntryExtensions', () => {
    const exts = ctx(0, seq(crlNumber));
    const der = signed(seq(ECDSA_SHA256, ROOT, ...dates, exts), c.rk);
    expectAttestError(() => parseCrl(der), 'ERR_BAD_CRL', indexOf(der, exts));
    const entryExts = seq(ext('2.5.29.21', tlv(10, Uint8Array.of(1))));
    const der2 = signed(
      seq(ECDSA_SHA256, ROOT, ...dates, seq(seq(int(5), utcTime('250101000000Z'), entryExts))),
      c.rk,
    );
    expectAttestError(() => parseCrl(der2), 'ERR_BAD_CRL', indexOf(der2, entryExts));
  });

  it('an empty revokedCertificates SEQUENCE', () => {
    const tbs = seq(int(1), ECDSA_SHA256, ROOT, ...dates, seq());
    const der = signed(tbs, c.rk);
    expectAttestError(() => parseCrl(der), 'ERR_BAD_CRL', 3 + tbs.length - 2);
  });

  it('an AlgorithmIdentifier with a third field', () => {
    const alg = seq(oid('1.2.840.10045.4.3.2'), nul(), nul());
    const der = signed(seq(int(1), alg, ROOT, ...dates), c.rk, alg);
    expectAttestError(() => parseCrl(der), 'ERR_BAD_CRL', indexOf(der, alg) + alg.length - 2);
  });
});

describeVectors('review s10: the real AMD ASK/ASVK keyUsage (03 02 01 04) still parses', () => {
  it('every ASK and ASVK bundle parses and its intermediate has keyCertSign', () => {
    for (const product of ['milan', 'genoa', 'turin']) {
      for (const bundle of [`roots/ask_ark_${product}.pem`, `roots/asvk_ark_${product}.pem`]) {
        const { intermediates } = orderChain(parseCertificates(readVectorText('snp', bundle)));
        expect(intermediates[0]?.keyUsage?.keyCertSign).toBe(true);
      }
    }
  });
});
