/**
 * SYNTHETIC EK certificate chains (test roots, test keys) minted with @peculiar/x509, each with
 * one property overridable: EKU, TCG subjectAltName, keyUsage, CA flags, depth, validity, extra
 * extensions.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { parseCertificate } from '../../../src/core/x509.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

// A tiny DER writer for the TCG extensions @peculiar/x509 has no class for.
function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v >>= 8) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = content.reduce<Uint8Array>(
    (a, b) => new Uint8Array([...a, ...b]),
    new Uint8Array(0),
  );
  return new Uint8Array([tag, ...len(body.length), ...body]);
}
export function oid(text: string): Uint8Array<ArrayBuffer> {
  const parts = text.split('.').map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const enc: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) enc.unshift(0x80 | (v & 0x7f));
    bytes.push(...enc);
  }
  return tlv(0x06, new Uint8Array(bytes));
}
const utf8 = (s: string): Uint8Array<ArrayBuffer> => tlv(0x0c, new TextEncoder().encode(s));

/** subjectAltName with a directoryName holding TCG manufacturer / model / version. */
export function tcgSan(
  m: string,
  model: string,
  version: string,
  oneRdn = false,
): Uint8Array<ArrayBuffer> {
  const atv = (o: string, v: string): Uint8Array<ArrayBuffer> => tlv(0x30, oid(o), utf8(v));
  const atvs = [atv('2.23.133.2.1', m), atv('2.23.133.2.2', model), atv('2.23.133.2.3', version)];
  const name = oneRdn ? tlv(0x30, tlv(0x31, ...atvs)) : tlv(0x30, ...atvs.map((a) => tlv(0x31, a)));
  return tlv(0x30, tlv(0xa4, name));
}

/** subjectDirectoryAttributes with tcg-at-tpmSpecification. */
export function tcgSpec(family: string, level: number, revision: number): Uint8Array<ArrayBuffer> {
  const int = (v: number): Uint8Array<ArrayBuffer> =>
    tlv(0x02, v > 0x7f ? new Uint8Array([0, v]) : new Uint8Array([v]));
  return tlv(
    0x30,
    tlv(0x30, oid('2.23.133.2.16'), tlv(0x31, tlv(0x30, utf8(family), int(level), int(revision)))),
  );
}

export interface Minted {
  readonly der: Uint8Array;
  readonly keys: CryptoKeyPair;
}

async function keys(): Promise<CryptoKeyPair> {
  return await subtle.generateKey(ALG, true, ['sign', 'verify']);
}

const der = (c: x509.X509Certificate): Uint8Array => new Uint8Array(c.rawData);

export async function mintCa(
  name: string,
  issuer?: Minted & { name: string },
  opts: { ca?: boolean; keyCertSign?: boolean; notAfter?: Date } = {},
): Promise<Minted & { name: string }> {
  const k = await keys();
  const exts = [
    new x509.BasicConstraintsExtension(opts.ca ?? true, undefined, true),
    new x509.KeyUsagesExtension(
      (opts.keyCertSign ?? true)
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
  ];
  const notBefore = new Date('2020-01-01T00:00:00Z');
  const notAfter = opts.notAfter ?? new Date('2040-01-01T00:00:00Z');
  const cert =
    issuer === undefined
      ? await x509.X509CertificateGenerator.createSelfSigned({
          name: `CN=${name}`,
          keys: k,
          signingAlgorithm: ALG,
          extensions: exts,
          notBefore,
          notAfter,
        })
      : await x509.X509CertificateGenerator.create({
          subject: `CN=${name}`,
          issuer: `CN=${issuer.name}`,
          publicKey: k.publicKey,
          signingKey: issuer.keys.privateKey,
          signingAlgorithm: ALG,
          extensions: exts,
          notBefore,
          notAfter,
        });
  return { der: der(cert), keys: k, name };
}

export interface EkCertOptions {
  readonly eku?: 'tcg' | 'other' | 'none';
  readonly san?: 'tcg' | 'tcg-one-rdn' | 'none';
  readonly keyUsage?:
    | 'keyAgreement'
    | 'digitalSignature'
    | 'keyAgreement+keyCertSign'
    | 'keyAgreement+cRLSign'
    | 'none';
  /** basicConstraints cA of the EK certificate. Default false. */
  readonly ca?: boolean;
  /** Subject name, e.g. `CN=…`. Default empty (the EK profile's usual subject). */
  readonly subject?: string;
  readonly notAfter?: Date;
  /** Extensions added after the profile's ones (e.g. a critical extension under test). */
  readonly extensions?: readonly x509.Extension[];
}

/** An EK certificate for `publicKey` (a P-256 EK public, SPKI-importable) issued by `issuer`. */
export async function mintEkCert(
  publicKey: CryptoKey,
  issuer: Minted & { name: string },
  o: EkCertOptions = {},
): Promise<Uint8Array> {
  const exts: x509.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca ?? false, undefined, true),
  ];
  if ((o.keyUsage ?? 'keyAgreement') !== 'none') {
    const F = x509.KeyUsageFlags;
    const flags =
      o.keyUsage === 'digitalSignature'
        ? F.digitalSignature
        : o.keyUsage === 'keyAgreement+keyCertSign'
          ? F.keyAgreement | F.keyCertSign
          : o.keyUsage === 'keyAgreement+cRLSign'
            ? F.keyAgreement | F.cRLSign
            : F.keyAgreement;
    exts.push(new x509.KeyUsagesExtension(flags, true));
  }
  if ((o.eku ?? 'tcg') !== 'none') {
    exts.push(
      new x509.ExtendedKeyUsageExtension([
        o.eku === 'other' ? '1.3.6.1.5.5.7.3.2' : '2.23.133.8.1',
      ]),
    );
  }
  if ((o.san ?? 'tcg') !== 'none') {
    exts.push(
      new x509.Extension(
        '2.5.29.17',
        true,
        tcgSan('id:49465800', 'SLB9670', 'id:0007003D', o.san === 'tcg-one-rdn'),
      ),
    );
  }
  exts.push(new x509.Extension('2.5.29.9', false, tcgSpec('2.0', 0, 164)));
  exts.push(...(o.extensions ?? []));
  const cert = await x509.X509CertificateGenerator.create({
    subject: o.subject ?? '',
    issuer: `CN=${issuer.name}`,
    publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: exts,
    notBefore: new Date('2021-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('9999-12-31T23:59:59Z'),
  });
  return der(cert);
}

/** DER INTEGER of an unsigned big-endian magnitude. */
function derUint(b: Uint8Array): Uint8Array<ArrayBuffer> {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, (v[0] ?? 0) >= 0x80 ? new Uint8Array([0, ...v]) : new Uint8Array(v));
}

/**
 * A SYNTHETIC X.509 **v1** EK certificate (no version field, no extensions), hand-built because
 * @peculiar/x509 writes only v3: `CN=Synthetic v1 EK` issued by `issuer` (ECDSA P-256 SHA-256).
 */
export async function mintV1EkCert(
  publicKey: CryptoKey,
  issuer: Minted & { name: string },
): Promise<Uint8Array> {
  const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
  const name = (cn: string): Uint8Array<ArrayBuffer> =>
    tlv(0x30, tlv(0x31, tlv(0x30, oid('2.5.4.3'), utf8(cn))));
  const alg = tlv(0x30, oid('1.2.840.10045.4.3.2'));
  const spki = new Uint8Array(await subtle.exportKey('spki', publicKey));
  const tbs = tlv(
    0x30,
    tlv(0x02, Uint8Array.of(0x21)),
    alg,
    // The issuer's subject exactly as encoded (names are compared byte for byte).
    parseCertificate(issuer.der).subject.raw,
    tlv(0x30, tlv(0x17, ascii('210101000000Z')), tlv(0x18, ascii('99991231235959Z'))),
    name('Synthetic v1 EK'),
    spki,
  );
  const raw = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, issuer.keys.privateKey, tbs),
  );
  const sig = tlv(0x30, derUint(raw.subarray(0, 32)), derUint(raw.subarray(32)));
  return tlv(0x30, tbs, alg, tlv(0x03, new Uint8Array([0, ...sig])));
}

/** Imports a raw P-256 point (04‖x‖y) as a WebCrypto public key for certificate minting. */
export async function importP256(point: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('raw', point.slice(), { name: 'ECDH', namedCurve: 'P-256' }, true, []);
}
