import { createHash, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyReportDataBinding } from '../../src/binding/index.js';
import { encodeSpki, jwkThumbprintInput } from '../../src/binding/key-encoding.js';
import { concatBytes } from '../../src/core/bytes.js';
import { digest, publicKeyId, samePublicKey, type PublicKeyInfo } from '../../src/core/crypto.js';
import { decodePem, toHex } from '../../src/core/encoding.js';
import { resolveTpmKey } from '../../src/tpm/index.js';
import { parseCcaToken } from '../../src/cca/index.js';
import { parseTdxQuote } from '../../src/tdx/index.js';
import {
  describeVectors,
  hex,
  readVector,
  readVectorJson,
  readVectorText,
} from '../support/vectors.js';

const KEYS = [
  'ak_rsa2048_rsassa_sha256',
  'ak_eccp256_ecdsa_sha256',
  'ak_eccp384_ecdsa_sha384',
  'ek_rsa2048',
  'ek_eccp384_h3',
] as const;
const key = (name: string, ext: string): Uint8Array =>
  readVector('tpm', 'swtpm', 'keys', `${name}.${ext}`);
const statusOf = (
  r: { checks: readonly { id: string; status: string }[] },
  id: string,
): string | undefined => r.checks.find((c) => c.id === id)?.status;

/** RFC 7638 thumbprint computed independently from Node's JWK export. */
function nodeThumbprint(pem: string, alg: 'sha256' | 'sha384' | 'sha512'): Uint8Array {
  const jwk = createPublicKey(pem).export({ format: 'jwk' }) as Record<string, string>;
  const members = jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : ['crv', 'kty', 'x', 'y'];
  const json = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return new Uint8Array(createHash(alg).update(json).digest());
}

describeVectors('key encodings agree with independent tools (swtpm keys)', () => {
  for (const name of KEYS) {
    it(`${name}: SPKI = tpm2_readpublic -f pem; TPM2B_PUBLIC = the .tpm2b file; JWK thumbprint = Node`, () => {
      const resolved = resolveTpmKey(key(name, 'tpmt_public.bin'));
      const pem = readVectorText('tpm', 'swtpm', 'keys', `${name}.pem`);
      expect(toHex(encodeSpki(resolved.key))).toBe(toHex(decodePem(pem)[0]!.der));
      expect(toHex(digest('sha256', jwkThumbprintInput(resolved.key)))).toBe(
        toHex(nodeThumbprint(pem, 'sha256')),
      );
    });
  }
});

describeVectors('samePublicKey decides what equal publicKeyIds decide (swtpm keys)', () => {
  it('every pair, and each key against its variants (leading zeros, other bytes, other kind)', () => {
    const keys: PublicKeyInfo[] = KEYS.map((n) => resolveTpmKey(key(n, 'tpmt_public.bin')).key);
    const variants = keys.flatMap((k): PublicKeyInfo[] => {
      if (k.kind === 'rsa') {
        const zero = (b: Uint8Array): Uint8Array => concatBytes(new Uint8Array(2), b);
        const flipped = k.n.slice();
        flipped[flipped.length - 1]! ^= 1;
        return [
          { kind: 'rsa', n: zero(k.n), e: zero(k.e) },
          { kind: 'rsa', n: flipped, e: k.e },
          { kind: 'rsa', n: k.n, e: new Uint8Array([3]) },
        ];
      }
      const flipped = k.y.slice();
      flipped[0]! ^= 1;
      return [
        { ...k, x: k.x.slice() },
        { ...k, y: flipped },
        { ...k, curve: k.curve === 'P-256' ? 'P-384' : 'P-256' },
      ];
    });
    const all = [...keys, ...variants];
    let same = 0;
    for (const a of all) {
      for (const b of all) {
        expect(samePublicKey(a, b)).toBe(publicKeyId(a) === publicKeyId(b));
        if (samePublicKey(a, b)) same++;
      }
    }
    // Each key equals itself, and each key and its zero-extended or copied variant match.
    expect(same).toBe(all.length + 2 * keys.length);
  });
});

describeVectors('verifyReportDataBinding hash — the swtpm binding vector', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifest.json
  const manifest = readVectorJson<any>('tpm', 'swtpm', 'manifest.json').binding;
  const report = readVector('tpm', 'swtpm', manifest.report_file);
  const reportData = report.slice(0x50, 0x90);
  const ak = manifest.bound_ak as string;

  it('REPORT_DATA = SHA-256(AK TPMT_PUBLIC) ‖ 32 zero bytes', async () => {
    expect(toHex(reportData)).toBe(manifest.report_data);
    for (const input of [
      key(ak, 'tpmt_public.bin'),
      key(ak, 'tpm2b_public.bin'),
      resolveTpmKey(key(ak, 'tpmt_public.bin')).publicArea!,
    ]) {
      const r = await verifyReportDataBinding({
        scheme: 'hash',
        reportData,
        hash: 'sha256',
        encoding: 'tpmt-public',
        key: input,
      });
      expect(r.checks.map((c) => [c.id, c.status])).toEqual([
        ['binding.report', 'pass'],
        ['binding.key', 'pass'],
        ['binding.report-data', 'pass'],
        ['binding.report-data.padding', 'pass'],
      ]);
      expect(r.ok).toBe(true);
      expect(r.boundKeys[0]!.publicArea!.raw).toEqual(key(ak, 'tpmt_public.bin'));
    }
  });

  it('another key, another encoding or another hash does not match', async () => {
    const other = await verifyReportDataBinding({
      scheme: 'hash',
      reportData,
      hash: 'sha256',
      encoding: 'tpmt-public',
      key: key('ak_rsa2048_rsapss_sha256', 'tpmt_public.bin'),
    });
    expect(statusOf(other, 'binding.report-data')).toBe('fail');
    expect(other.boundKeys).toEqual([]);
    const enc = await verifyReportDataBinding({
      scheme: 'hash',
      reportData,
      hash: 'sha256',
      encoding: 'tpm2b-public',
      key: key(ak, 'tpmt_public.bin'),
    });
    expect(statusOf(enc, 'binding.report-data')).toBe('fail');
    const h = await verifyReportDataBinding({
      scheme: 'hash',
      reportData,
      hash: 'sha512',
      encoding: 'tpmt-public',
      key: key(ak, 'tpmt_public.bin'),
    });
    expect(statusOf(h, 'binding.report-data')).toBe('fail');
  });

  it('the TPMT_PUBLIC encodings need a TPM public area (a PEM key cannot give one)', async () => {
    const r = await verifyReportDataBinding({
      scheme: 'hash',
      reportData,
      hash: 'sha256',
      encoding: 'tpmt-public',
      key: readVectorText('tpm', 'swtpm', 'keys', `${ak}.pem`),
    });
    expect(statusOf(r, 'binding.key')).toBe('fail');
    expect(statusOf(r, 'binding.report-data')).toBe('skip');
    expect(r.ok).toBe(false);
  });
});

describeVectors('verifyReportDataBinding hash — every hash × encoding × nonce order', () => {
  const ek = key('ek_rsa2048', 'tpmt_public.bin');
  const ecc = key('ak_eccp384_ecdsa_sha384', 'tpmt_public.bin');
  const nonce = hex('00112233445566778899aabbccddeeff');
  const encodings = {
    'tpmt-public': (k: Uint8Array) => resolveTpmKey(k).publicArea!.raw,
    'tpm2b-public': (k: Uint8Array) => {
      const raw = resolveTpmKey(k).publicArea!.raw;
      return concatBytes(new Uint8Array([raw.length >> 8, raw.length & 0xff]), raw);
    },
    spki: (k: Uint8Array) => encodeSpki(resolveTpmKey(k).key),
    'jwk-thumbprint': (k: Uint8Array) => jwkThumbprintInput(resolveTpmKey(k).key),
  } as const;

  for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
    for (const [encoding, encode] of Object.entries(encodings)) {
      for (const k of [ek, ecc]) {
        it(`${hash} / ${encoding} / ${k === ek ? 'RSA EK' : 'P-384 AK'}`, async () => {
          const enc = encode(k);
          const plain = new Uint8Array(64);
          plain.set(digest(hash, enc));
          const a = await verifyReportDataBinding({
            scheme: 'hash',
            reportData: plain,
            hash,
            encoding: encoding as never,
            key: k,
          });
          expect(a.ok, JSON.stringify(a.checks)).toBe(true);
          const withNonce = new Uint8Array(64);
          withNonce.set(digest(hash, concatBytes(nonce, enc)));
          const b = await verifyReportDataBinding({
            scheme: 'hash',
            reportData: withNonce,
            hash,
            encoding: encoding as never,
            key: k,
            nonce,
          });
          expect(b.ok).toBe(true);
          const c = await verifyReportDataBinding({
            scheme: 'hash',
            reportData: withNonce,
            hash,
            encoding: encoding as never,
            key: k,
            nonce,
            order: 'key-first',
          });
          expect(c.ok).toBe(false);
          const wrongNonce = await verifyReportDataBinding({
            scheme: 'hash',
            reportData: withNonce,
            hash,
            encoding: encoding as never,
            key: k,
            nonce: nonce.slice(1),
          });
          expect(statusOf(wrongNonce, 'binding.report-data')).toBe('fail');
        });
      }
    }
  }

  it('SHA-512 of the EK SPKI fills REPORT_DATA (no padding)', async () => {
    const rd = digest('sha512', encodeSpki(resolveTpmKey(ek).key));
    const r = await verifyReportDataBinding({
      scheme: 'hash',
      reportData: rd,
      hash: 'sha512',
      encoding: 'spki',
      key: ek,
    });
    expect(r.ok).toBe(true);
    expect(r.checks.find((c) => c.id === 'binding.report-data.padding')?.message).toMatch(/fills/);
  });

  it('a CCA realm challenge and a TD quote REPORTDATA are read from the objects, again from their bytes', async () => {
    // Real evidence whose REPORTDATA binds no key of ours: the binding fails, and `reportData`
    // shows which field it read.
    const token = parseCcaToken(readVector('cca', 'tokens', 'tfm-cca-token.cbor'));
    expect(token.realm).toBeDefined();
    const cca = await verifyReportDataBinding({
      scheme: 'hash',
      report: token,
      hash: 'sha256',
      encoding: 'spki',
      key: ecc,
    });
    expect(cca.checks[0]!.message).toMatch(/realm challenge/);
    expect(cca.reportData).toEqual(token.realm!.claims.challenge);
    expect(cca.ok).toBe(false);
    const quote = parseTdxQuote(readVector('tdx', 'dcapqvl-v4', 'quote.bin'));
    const tdx = await verifyReportDataBinding({
      scheme: 'hash',
      report: quote,
      hash: 'sha256',
      encoding: 'spki',
      key: ecc,
    });
    expect(tdx.reportData).toEqual(quote.body.reportData);
    // SYNTHETIC forgery: a REPORTDATA field that binds our key, on an object whose raw bytes
    // say otherwise. It is read again from raw, so the forged field binds nothing.
    const rd = new Uint8Array(64);
    rd.set(digest('sha256', encodeSpki(resolveTpmKey(ecc).key)));
    const forged = { ...quote, body: { ...quote.body, reportData: rd } };
    const r = await verifyReportDataBinding({
      scheme: 'hash',
      report: forged as never,
      hash: 'sha256',
      encoding: 'spki',
      key: ecc,
    });
    expect(r.reportData).toEqual(quote.body.reportData);
    expect(r.ok).toBe(false);
    // A hand-made object without raw bytes is a TypeError (it was trusted field by field before).
    await expect(
      verifyReportDataBinding({
        scheme: 'hash',
        report: { header: {}, body: { reportData: rd } } as never,
        hash: 'sha256',
        encoding: 'spki',
        key: ecc,
      }),
    ).rejects.toThrow(TypeError);
  });
});

describe('verifyReportDataBinding hash — type confusion', () => {
  const base = {
    scheme: 'hash',
    reportData: new Uint8Array(64),
    hash: 'sha256',
    encoding: 'spki',
    key: { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
  } as const;
  it('rejects bad hashes, encodings, orders, nonces and report sources', async () => {
    await expect(verifyReportDataBinding({ ...base, hash: 'md5' } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(verifyReportDataBinding({ ...base, encoding: 'pem' } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(verifyReportDataBinding({ ...base, order: 'middle' } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(verifyReportDataBinding({ ...base, nonce: 'n' } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(
      verifyReportDataBinding({ ...base, reportData: undefined } as never),
    ).rejects.toThrow(TypeError);
    await expect(
      verifyReportDataBinding({ ...base, reportData: new ArrayBuffer(64) } as never),
    ).rejects.toThrow(TypeError);
    await expect(
      verifyReportDataBinding({ ...base, reportData: undefined, report: { a: 1 } } as never),
    ).rejects.toThrow(TypeError);
    await expect(verifyReportDataBinding({ ...base, key: 42 } as never)).rejects.toThrow(TypeError);
  });
});
