/**
 * SYNTHETIC test PKI (test-only): mints root → intermediate → leaf chains and CRLs with one
 * property overridden (expired, not yet valid, wrong issuer, bad signature, pathLen, …), in the
 * manner of go-sev-guest's AmdSignerBuilder + CertOverride. Uses @peculiar/x509, which needs the
 * global reflect-metadata polyfill: acceptable here and nowhere in src/.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

export type KeyKind = 'rsa-pss-4096' | 'rsa-pss-2048' | 'rsa-pkcs1-2048' | 'p256' | 'p384';

export interface TestKey {
  readonly kind: KeyKind;
  readonly keys: CryptoKeyPair;
  readonly signingAlgorithm: Algorithm | EcdsaParams | RsaPssParams;
}

/** Generates a key of the given kind with the signature algorithm certificates use with it. */
export async function testKey(kind: KeyKind): Promise<TestKey> {
  switch (kind) {
    case 'rsa-pss-4096':
    case 'rsa-pss-2048': {
      const keys = await subtle.generateKey(
        {
          name: 'RSA-PSS',
          modulusLength: kind === 'rsa-pss-4096' ? 4096 : 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-384',
        },
        true,
        ['sign', 'verify'],
      );
      return {
        kind,
        keys,
        signingAlgorithm: { name: 'RSA-PSS', hash: 'SHA-384', saltLength: 48 } as RsaPssParams,
      };
    }
    case 'rsa-pkcs1-2048': {
      const keys = await subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        ['sign', 'verify'],
      );
      return {
        kind,
        keys,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm,
      };
    }
    case 'p256':
    case 'p384': {
      const curve = kind === 'p256' ? 'P-256' : 'P-384';
      const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
        'sign',
        'verify',
      ]);
      return {
        kind,
        keys,
        signingAlgorithm: {
          name: 'ECDSA',
          hash: kind === 'p256' ? 'SHA-256' : 'SHA-384',
        } as EcdsaParams,
      };
    }
  }
}

export interface CertSpec {
  readonly subject: string;
  readonly key: TestKey;
  /** Issuer certificate and key; omitted for a self-signed root. */
  readonly issuer?: { readonly cert: x509.X509Certificate; readonly key: TestKey };
  /** Override the issuer name written into the certificate. */
  readonly issuerName?: string;
  readonly serialNumber?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** undefined = end-entity without basicConstraints; otherwise CA flag and optional pathLen. */
  readonly ca?: { readonly pathLength?: number } | undefined;
  readonly keyUsage?: number;
  readonly extensions?: readonly x509.Extension[];
  /** Flip one bit of the signature after signing. */
  readonly corruptSignature?: boolean;
}

const YEAR = 365 * 24 * 3600 * 1000;
/** The instant the default validity windows are built around. */
export const FORGE_NOW = new Date('2025-06-01T00:00:00Z');

/** Mints one certificate and returns its DER. */
export async function mintCert(
  spec: CertSpec,
): Promise<{ cert: x509.X509Certificate; der: Uint8Array }> {
  const exts: x509.Extension[] = [...(spec.extensions ?? [])];
  if (spec.ca !== undefined) {
    exts.push(new x509.BasicConstraintsExtension(true, spec.ca.pathLength, true));
    exts.push(
      new x509.KeyUsagesExtension(
        spec.keyUsage ?? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    );
  } else if (spec.keyUsage !== undefined) {
    exts.push(new x509.KeyUsagesExtension(spec.keyUsage, true));
  }
  const signer = spec.issuer?.key ?? spec.key;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serialNumber ?? '01',
    subject: spec.subject,
    issuer: spec.issuerName ?? spec.issuer?.cert.subject ?? spec.subject,
    notBefore: spec.notBefore ?? new Date(FORGE_NOW.getTime() - YEAR),
    notAfter: spec.notAfter ?? new Date(FORGE_NOW.getTime() + 10 * YEAR),
    publicKey: spec.key.keys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: signer.signingAlgorithm,
    extensions: exts,
  });
  let der = new Uint8Array(cert.rawData);
  if (spec.corruptSignature === true) {
    der = der.slice();
    der[der.length - 5]! ^= 0x01;
  }
  return { cert, der };
}

export interface TestChain {
  readonly rootKey: TestKey;
  readonly intermediateKey: TestKey;
  readonly leafKey: TestKey;
  readonly root: { cert: x509.X509Certificate; der: Uint8Array };
  readonly intermediate: { cert: x509.X509Certificate; der: Uint8Array };
  readonly leaf: { cert: x509.X509Certificate; der: Uint8Array };
}

/** Which link to override, and how, when building a chain. */
export interface ChainOverrides {
  readonly root?: Partial<CertSpec>;
  readonly intermediate?: Partial<CertSpec>;
  readonly leaf?: Partial<CertSpec>;
}

/** Builds a root → intermediate → leaf chain (SYNTHETIC test keys) with optional overrides. */
export async function mintChain(
  kinds: { root: KeyKind; intermediate: KeyKind; leaf: KeyKind } = {
    root: 'rsa-pss-2048',
    intermediate: 'rsa-pss-2048',
    leaf: 'p384',
  },
  overrides: ChainOverrides = {},
  keys?: { rootKey?: TestKey; intermediateKey?: TestKey; leafKey?: TestKey },
): Promise<TestChain> {
  const rootKey = keys?.rootKey ?? (await testKey(kinds.root));
  const intermediateKey = keys?.intermediateKey ?? (await testKey(kinds.intermediate));
  const leafKey = keys?.leafKey ?? (await testKey(kinds.leaf));
  const root = await mintCert({
    subject: 'CN=SYNTHETIC Test Root,O=attestkit tests',
    key: rootKey,
    ca: { pathLength: 1 },
    serialNumber: '010000',
    ...overrides.root,
  });
  const intermediate = await mintCert({
    subject: 'CN=SYNTHETIC Test Intermediate,O=attestkit tests',
    key: intermediateKey,
    issuer: { cert: root.cert, key: rootKey },
    ca: { pathLength: 0 },
    serialNumber: '010001',
    ...overrides.intermediate,
  });
  const leaf = await mintCert({
    subject: 'CN=SYNTHETIC Test Leaf,O=attestkit tests',
    key: leafKey,
    issuer: { cert: intermediate.cert, key: intermediateKey },
    serialNumber: '02',
    ...overrides.leaf,
  });
  return { rootKey, intermediateKey, leafKey, root, intermediate, leaf };
}

/** Mints a CRL signed by `signer` naming `issuerName`. */
export async function mintCrl(params: {
  readonly issuerName: string;
  readonly signer: TestKey;
  readonly revokedSerials?: readonly string[];
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  /** CRL extensions (crlExtensions). */
  readonly extensions?: readonly x509.Extension[];
  /** crlEntryExtensions, given to every entry. */
  readonly entryExtensions?: readonly x509.Extension[];
  /** reasonCode of every entry (a non-critical entry extension). */
  readonly reason?: x509.X509CrlReason;
}): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: params.issuerName,
    thisUpdate: params.thisUpdate ?? new Date(FORGE_NOW.getTime() - 24 * 3600 * 1000),
    nextUpdate: params.nextUpdate ?? new Date(FORGE_NOW.getTime() + 30 * 24 * 3600 * 1000),
    entries: (params.revokedSerials ?? []).map((s) => ({
      serialNumber: s,
      revocationDate: new Date(FORGE_NOW.getTime() - YEAR / 2),
      ...(params.reason !== undefined ? { reason: params.reason } : {}),
      ...(params.entryExtensions !== undefined ? { extensions: [...params.entryExtensions] } : {}),
    })),
    ...(params.extensions !== undefined ? { extensions: [...params.extensions] } : {}),
    signingAlgorithm: params.signer.signingAlgorithm,
    signingKey: params.signer.keys.privateKey,
  });
  return new Uint8Array(crl.rawData);
}

/** Signs `data` with a test key in the raw format WebCrypto produces (ECDSA: r‖s). */
export async function signWith(key: TestKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.sign(key.signingAlgorithm, key.keys.privateKey, data.slice()));
}

export { x509 };
