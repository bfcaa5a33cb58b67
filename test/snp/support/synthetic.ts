/**
 * SYNTHETIC AMD-style signer (test keys only, in the manner of go-sev-guest's AmdSignerBuilder):
 * mints ARK → ASK / ASVK → VCEK / VLEK chains with AMD's shapes — RSASSA-PSS SHA-384 salt 48 for
 * the CA signatures, P-384 leaves with serial 0 and the AMD VCEK extensions
 * (1.3.6.1.4.1.3704.1.*) — and signs synthetic reports with the leaf key. Every name carries
 * "SYNTHETIC" in its O attribute. @peculiar/x509 is used here and only in tests.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import type { SnpProduct, SnpTcbParts } from '../../../src/snp/types.js';
import { SNP_VCEK_OID } from '../../../src/snp/kds.js';
import { toHex } from '../../../src/core/encoding.js';
import { parseCertificate, spkiSha256 } from '../../../src/core/x509.js';
import { SNP_SIGNATURE_OFFSET } from '../../../src/snp/layout.js';
import {
  derIa5,
  derInteger,
  derOctets,
  encodeSnpReport,
  setSignature,
  type ReportFields,
} from './encode.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** The organisation every synthetic certificate names. */
export const SYNTHETIC_ORG = 'SYNTHETIC attestkit test CA (not AMD)';
const PSS: RsaPssParams & { hash: string } = { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 48 };
const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;
/** The instant synthetic validity windows are built around. */
export const SYNTHETIC_NOW = new Date('2025-06-01T00:00:00Z');

export interface Minted {
  readonly der: Uint8Array;
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
}

function name(cn: string): string {
  return `CN=${cn}, O=${SYNTHETIC_ORG}`;
}

async function rsaKey(bits: number): Promise<CryptoKeyPair> {
  return await subtle.generateKey(
    {
      name: 'RSA-PSS',
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-384',
    },
    true,
    ['sign', 'verify'],
  );
}

async function p384Key(): Promise<CryptoKeyPair> {
  return await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
}

interface MintSpec {
  subject: string;
  keys: CryptoKeyPair;
  issuer?: Minted;
  serial: string;
  notBefore?: Date;
  notAfter?: Date;
  ca?: { pathLength?: number; crlSign?: boolean };
  extensions?: x509.Extension[];
}

async function mint(spec: MintSpec): Promise<Minted> {
  const exts: x509.Extension[] = [...(spec.extensions ?? [])];
  if (spec.ca !== undefined) {
    exts.push(new x509.BasicConstraintsExtension(true, spec.ca.pathLength, true));
    exts.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign |
          (spec.ca.crlSign === true ? x509.KeyUsageFlags.cRLSign : 0),
        true,
      ),
    );
  }
  const signerKeys = spec.issuer?.keys ?? spec.keys;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serial,
    subject: spec.subject,
    issuer: spec.issuer?.cert.subject ?? spec.subject,
    notBefore: spec.notBefore ?? new Date(SYNTHETIC_NOW.getTime() - YEAR),
    notAfter: spec.notAfter ?? new Date(SYNTHETIC_NOW.getTime() + 20 * YEAR),
    publicKey: spec.keys.publicKey,
    signingKey: signerKeys.privateKey,
    signingAlgorithm: PSS,
    extensions: exts,
  });
  return { der: new Uint8Array(cert.rawData), cert, keys: spec.keys };
}

/** Options for a synthetic VCEK / VLEK. */
export interface LeafOptions {
  readonly kind?: 'VCEK' | 'VLEK';
  /** The SPLs written into the certificate. */
  readonly tcb: SnpTcbParts;
  /** hwID (VCEK): 64 bytes, or 8 on Turin. */
  readonly hwid?: Uint8Array;
  readonly hwidEncoding?: 'raw' | 'octet-string';
  /** productName1; default the product (no stepping suffix). */
  readonly productName?: string;
  readonly cspId?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Which intermediate signs it. Default ASK for a VCEK, ASVK for a VLEK. */
  readonly issuer?: 'ask' | 'asvk';
  /** OIDs of AMD extensions to leave out. */
  readonly omit?: readonly string[];
  /** Reuse a key pair (so several certificates share one key). */
  readonly keys?: CryptoKeyPair;
  /** Extensions added after the AMD ones (e.g. a large or critical unknown extension). */
  readonly extraExtensions?: readonly x509.Extension[];
}

export interface SyntheticAmd {
  readonly product: SnpProduct;
  readonly ark: Minted;
  readonly ask: Minted;
  readonly asvk: Minted;
  /** SPKI SHA-256 (hex) of the synthetic ARK, for `rootPins`. */
  readonly pin: string;
  /** `{ [product]: [pin] }`, ready for `options.rootPins`. */
  readonly rootPins: Partial<Record<SnpProduct, string[]>>;
  mintLeaf(o: LeafOptions): Promise<Minted>;
  /** Re-mints the ASK (or ASVK) with overrides, signed by the same ARK. */
  mintIntermediate(o: {
    which?: 'ask' | 'asvk';
    notBefore?: Date;
    notAfter?: Date;
    serial?: string;
  }): Promise<Minted>;
  mintCrl(o: {
    revoked?: readonly string[];
    thisUpdate?: Date;
    nextUpdate?: Date;
    signer?: CryptoKeyPair;
  }): Promise<Uint8Array>;
}

/** Mints a synthetic ARK, ASK and ASVK for a product. RSA-2048 by default (AMD uses 4096). */
export async function mintSyntheticAmd(
  product: SnpProduct,
  options: { rsaBits?: number } = {},
): Promise<SyntheticAmd> {
  const bits = options.rsaBits ?? 2048;
  const ark = await mint({
    subject: name(`ARK-${product}`),
    keys: await rsaKey(bits),
    serial: '030000',
    ca: { crlSign: true },
  });
  const askKeys = await rsaKey(bits);
  const asvkKeys = await rsaKey(bits);
  const ask = await mint({
    subject: name(`SEV-${product}`),
    keys: askKeys,
    issuer: ark,
    serial: '030001',
    ca: { pathLength: 0 },
  });
  const asvk = await mint({
    subject: name(`SEV-VLEK-${product}`),
    keys: asvkKeys,
    issuer: ark,
    serial: '030101',
    ca: { pathLength: 0 },
  });
  const pin = toHex(spkiSha256(parseCertificate(ark.der)));
  return {
    product,
    ark,
    ask,
    asvk,
    pin,
    rootPins: { [product]: [pin] },
    async mintLeaf(o) {
      const kind = o.kind ?? 'VCEK';
      const omit = new Set(o.omit ?? []);
      const exts: x509.Extension[] = [];
      const add = (oid: string, value: Uint8Array): void => {
        if (!omit.has(oid)) exts.push(new x509.Extension(oid, false, value.slice()));
      };
      add(SNP_VCEK_OID.structVersion, derInteger(product === 'Turin' ? 1 : 0));
      add(SNP_VCEK_OID.productName1, derIa5(o.productName ?? product));
      add(SNP_VCEK_OID.blSpl, derInteger(o.tcb.bootloader));
      add(SNP_VCEK_OID.teeSpl, derInteger(o.tcb.tee));
      add(SNP_VCEK_OID.snpSpl, derInteger(o.tcb.snp));
      if (product !== 'Turin') add(SNP_VCEK_OID.spl4, derInteger(0));
      add(SNP_VCEK_OID.spl5, derInteger(0));
      add(SNP_VCEK_OID.spl6, derInteger(0));
      add(SNP_VCEK_OID.spl7, derInteger(0));
      add(SNP_VCEK_OID.ucodeSpl, derInteger(o.tcb.microcode));
      if (product === 'Turin') add(SNP_VCEK_OID.fmcSpl, derInteger(o.tcb.fmc ?? 0));
      if (kind === 'VCEK' && o.hwid !== undefined) {
        add(SNP_VCEK_OID.hwid, o.hwidEncoding === 'octet-string' ? derOctets(o.hwid) : o.hwid);
      }
      if (kind === 'VLEK') add(SNP_VCEK_OID.cspId, derIa5(o.cspId ?? 'CN=synthetic-csp.example'));
      exts.push(...(o.extraExtensions ?? []));
      const issuer = (o.issuer ?? (kind === 'VCEK' ? 'ask' : 'asvk')) === 'ask' ? ask : asvk;
      return mint({
        subject: name(kind === 'VCEK' ? 'SEV-VCEK' : 'SEV-VLEK'),
        keys: o.keys ?? (await p384Key()),
        issuer,
        serial: '00',
        notBefore: o.notBefore ?? new Date(SYNTHETIC_NOW.getTime() - 30 * DAY),
        notAfter:
          o.notAfter ?? new Date(SYNTHETIC_NOW.getTime() + (kind === 'VCEK' ? 7 : 1) * YEAR),
        extensions: exts,
      });
    },
    async mintIntermediate(o) {
      const which = o.which ?? 'ask';
      return mint({
        subject: name(which === 'ask' ? `SEV-${product}` : `SEV-VLEK-${product}`),
        keys: which === 'ask' ? askKeys : asvkKeys,
        issuer: ark,
        serial: o.serial ?? (which === 'ask' ? '030001' : '030101'),
        ca: { pathLength: 0 },
        ...(o.notBefore !== undefined ? { notBefore: o.notBefore } : {}),
        ...(o.notAfter !== undefined ? { notAfter: o.notAfter } : {}),
      });
    },
    async mintCrl(o) {
      const crl = await x509.X509CrlGenerator.create({
        issuer: ark.cert.subject,
        thisUpdate: o.thisUpdate ?? new Date(SYNTHETIC_NOW.getTime() - DAY),
        nextUpdate: o.nextUpdate ?? new Date(SYNTHETIC_NOW.getTime() + 30 * DAY),
        entries: (o.revoked ?? []).map((serialNumber) => ({
          serialNumber,
          revocationDate: new Date(SYNTHETIC_NOW.getTime() - 10 * DAY),
        })),
        signingAlgorithm: PSS,
        signingKey: (o.signer ?? ark.keys).privateKey,
      });
      return new Uint8Array(crl.rawData);
    },
  };
}

/** Signs report bytes (0x000–0x29F) with a P-384 key and writes r, s little-endian. */
export async function signReport(report: Uint8Array, keys: CryptoKeyPair): Promise<Uint8Array> {
  const out = report.slice();
  const sig = new Uint8Array(
    await subtle.sign(
      { name: 'ECDSA', hash: 'SHA-384' },
      keys.privateKey,
      out.subarray(0, SNP_SIGNATURE_OFFSET),
    ),
  );
  setSignature(out, sig.subarray(0, 48), sig.subarray(48));
  return out;
}

/** Encodes and signs a synthetic report. */
export async function signedReport(fields: ReportFields, keys: CryptoKeyPair): Promise<Uint8Array> {
  return signReport(encodeSnpReport(fields), keys);
}

export { x509 };
