/**
 * @module
 * X.509 certificates and CRLs (RFC 5280), parsed strictly from DER into plain data, and the
 * checks every platform needs: signature by an issuer (RSA PKCS#1 v1.5, RSA-PSS with its
 * parameters — AMD uses SHA-384, MGF1-SHA-384, salt 48 — and ECDSA), validity at an injected
 * `now`, basicConstraints / keyUsage / pathLen, extensions by OID, CRL signature, issuer, dates and
 * revoked serials, SPKI SHA-256 pins, and a fixed-shape chain verifier (leaf → intermediate →
 * pinned root) that reports one result per link.
 */
import { AttestError } from './errors.js';
import { assertBytes, copyBytes } from './bytes.js';
import { bytesKey, derFromInput, dersFromInput, equalBytes, toHex } from './encoding.js';
import {
  digestAsync,
  sha256Digest,
  ecKeyFromPoint,
  publicKeyBits,
  publicKeyId,
  rsaPublicKey,
  verifySignature,
  type EcCurve,
  type HashAlg,
  type PublicKeyInfo,
  type SignatureScheme,
} from './crypto.js';
import { memo, type AttestCache } from './cache.js';
import { assertValidNow } from './checks.js';
import {
  DER_CLASS_CONTEXT,
  DER_CLASS_UNIVERSAL,
  DER_TAG,
  bitStringBits,
  bitStringBytes,
  expectChild,
  expectTag,
  integerBytes,
  integerNumber,
  oidText,
  parseDer,
  parseDerContent,
  stringValue,
  timeValue,
  type DerNode,
} from './der.js';

/**
 * OIDs the core certificate code itself uses: algorithms, curves and the two extensions
 * {@link verifyChain} processes. A platform's own extensions live with that platform (a bundle
 * carries only the table it reads).
 */
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
} as const;

const HASH_OIDS: Readonly<Record<string, HashAlg>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

const CURVE_OIDS: Readonly<Record<string, EcCurve>> = {
  [OID.p256]: 'P-256',
  [OID.p384]: 'P-384',
  [OID.p521]: 'P-521',
};

const NAME_ATTRS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * Largest certificate accepted, in DER bytes: 64 KiB, checked before any decoding (DER of nothing
 * but two-byte TLVs makes a node per two bytes). The largest of the 100 distinct real certificates
 * in the repository's vectors (AMD, Intel, TPM, Azure, UEFI db entries) is 1683 bytes, an AMD
 * VLEK intermediate; TDX allows 64 KiB for a whole PCK chain.
 */
export const X509_MAX_CERTIFICATE_SIZE: number = 64 * 1024;

/**
 * Largest CRL accepted, in DER bytes: 1 MiB, checked before any decoding. The largest real CRL
 * in the vectors is 3355 bytes (Intel's PCK Platform CA); 1 MiB holds some 25 000 revoked entries
 * and is what `attestkit/fetch` accepts as a response by default, so every CRL it fetches parses.
 */
export const X509_MAX_CRL_SIZE: number = 1024 * 1024;

/**
 * Smallest RSA modulus, in bits, of a key that signs a certificate or CRL: below 2048 bits RSA
 * is under 112-bit strength (NIST SP 800-57 Part 1 Table 2), and RSA-512 is factored in hours.
 */
export const X509_MIN_RSA_BITS = 2048;

function assertSize(der: Uint8Array, max: number, field: string): void {
  if (der.length > max) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: 0,
      field,
      message: `${field} of ${der.length} bytes exceeds the ${max}-byte limit`,
    });
  }
}

/** A signature algorithm as the verifier needs it. */
export interface SignatureAlgorithm {
  /** The AlgorithmIdentifier OID, e.g. 1.2.840.10045.4.3.3 (ecdsa-with-SHA384) or RSASSA-PSS. */
  readonly oid: string;
  /** The scheme the OID names. */
  readonly scheme: SignatureScheme;
  /** Message hash: fixed by the OID, or the PSS `hashAlgorithm` parameter (MGF1 uses the same). */
  readonly hash: HashAlg;
  /** RSA-PSS salt length (bytes), from the parameters. */
  readonly saltLength?: number;
}

/** One attribute of a distinguished name. */
export interface NameAttribute {
  /** AttributeType OID, e.g. 2.5.4.3 (commonName). */
  readonly oid: string;
  /** Short name (`CN`, `O`, …) or the OID when unknown. */
  readonly type: string;
  /** AttributeValue decoded as text (PrintableString, UTF8String, IA5String, …). */
  readonly value: string;
}

/** A distinguished name: its exact DER (used for issuer matching) and decoded attributes. */
export interface X509Name {
  /** The Name DER (SEQUENCE OF RDN) exactly as encoded; issuer matching compares these bytes. */
  readonly raw: Uint8Array;
  /** Attributes in encoded order (most significant RDN first). */
  readonly attributes: readonly NameAttribute[];
  /** RFC 4514 text (least significant RDN first), e.g. `CN=ARK-Milan,O=Advanced Micro Devices`. */
  readonly text: string;
}

/** An extension with its raw `extnValue` contents. */
export interface X509Extension {
  /** extnID, e.g. 2.5.29.19 (basicConstraints). */
  readonly oid: string;
  /** `critical`; false when the field is absent (DER omits the default). */
  readonly critical: boolean;
  /** The DER inside the extnValue OCTET STRING. */
  readonly value: Uint8Array;
}

/** Decoded keyUsage bits (RFC 5280 §4.2.1.3). */
export interface KeyUsage {
  /** Bit 0, digitalSignature. */
  readonly digitalSignature: boolean;
  /** Bit 1, nonRepudiation (contentCommitment in RFC 5280). */
  readonly nonRepudiation: boolean;
  /** Bit 2, keyEncipherment. */
  readonly keyEncipherment: boolean;
  /** Bit 3, dataEncipherment. */
  readonly dataEncipherment: boolean;
  /** Bit 4, keyAgreement. */
  readonly keyAgreement: boolean;
  /** Bit 5, keyCertSign: the key may sign certificates (CA keys). */
  readonly keyCertSign: boolean;
  /** Bit 6, cRLSign: the key may sign CRLs. */
  readonly cRLSign: boolean;
}

/** A parsed certificate. Parsed data is the certificate's claim; verify before trusting it. */
export interface X509Certificate {
  /** The whole certificate DER. */
  readonly raw: Uint8Array;
  /** The TBSCertificate DER (the signed bytes). */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** Serial number magnitude, big-endian, without a sign byte. */
  readonly serialNumber: Uint8Array;
  /**
   * Lower-case hex of {@link X509Certificate.serialNumber}, with a leading `-` for a negative
   * serial (RFC 5280 forbids them; some CAs issued them).
   */
  readonly serialHex: string;
  /** `signatureAlgorithm` (equal to TBSCertificate `signature`, which the parser checks). */
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** `issuer`: the name of the CA that signed the certificate. */
  readonly issuer: X509Name;
  /** `subject`: the name of the key holder. */
  readonly subject: X509Name;
  /** `validity.notBefore` (UTCTime or GeneralizedTime, UTC). */
  readonly notBefore: Date;
  /** `validity.notAfter`; the certificate is valid through this instant. */
  readonly notAfter: Date;
  /** The SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** `subjectPublicKeyInfo` decoded (RSA, or EC P-256/384/521). */
  readonly publicKey: PublicKeyInfo;
  /** `extensions` in encoded order (v3 only; empty otherwise). No OID appears twice. */
  readonly extensions: readonly X509Extension[];
  /** basicConstraints, when present. */
  readonly basicConstraints?: {
    /** `cA`: the subject is a CA. */
    readonly ca: boolean;
    /** `pathLenConstraint`: most CA certificates allowed below this one; absent = no limit. */
    readonly pathLength?: number;
  };
  /** keyUsage, when present. */
  readonly keyUsage?: KeyUsage;
  /** `signatureValue` BIT STRING contents (DER ECDSA-Sig-Value for ECDSA). */
  readonly signature: Uint8Array;
}

/** One revoked entry of a CRL. */
export interface RevokedCertificate {
  /** `userCertificate`: the revoked serial number's magnitude, big-endian. */
  readonly serialNumber: Uint8Array;
  /** Lower-case hex of {@link RevokedCertificate.serialNumber}, `-` first when negative. */
  readonly serialHex: string;
  /** `revocationDate`. */
  readonly revocationDate: Date;
  /** `crlEntryExtensions`, when the entry has any (reasonCode, invalidityDate, …). */
  readonly extensions?: readonly X509Extension[];
}

/** A parsed CRL (RFC 5280 §5). */
export interface X509Crl {
  /** The whole CertificateList DER. */
  readonly raw: Uint8Array;
  /** The TBSCertList DER (the signed bytes). */
  readonly tbs: Uint8Array;
  /** 2, or 1 when the version field is absent. */
  readonly version: number;
  /** `signatureAlgorithm` (equal to TBSCertList `signature`, which the parser checks). */
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** `issuer`: the name of the CA that signed the CRL. */
  readonly issuer: X509Name;
  /** `thisUpdate`: when the CRL was issued. */
  readonly thisUpdate: Date;
  /** `nextUpdate`: the next CRL is due by then; absent when the CRL omits it. */
  readonly nextUpdate?: Date;
  /** `revokedCertificates`; empty when the CRL lists none. */
  readonly revoked: readonly RevokedCertificate[];
  /** `crlExtensions` in encoded order (e.g. cRLNumber); empty when absent. */
  readonly extensions: readonly X509Extension[];
  /** `signatureValue` BIT STRING contents. */
  readonly signature: Uint8Array;
}

function bad(
  code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL' | 'ERR_BAD_KEY',
  node: DerNode | undefined,
  message: string,
): never {
  throw new AttestError(code, { ...(node !== undefined ? { offset: node.offset } : {}), message });
}

function parseAlgorithm(
  node: DerNode,
  code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL',
): SignatureAlgorithm {
  expectTag(node, DER_TAG.SEQUENCE, 'AlgorithmIdentifier', code);
  const oid = oidText(node.children[0] ?? bad(code, node, 'empty AlgorithmIdentifier'), code);
  noExtra(node, 2, 'AlgorithmIdentifier', code);
  const params = node.children[1];
  const noParams = (scheme: SignatureScheme): void => {
    // RSA PKCS#1 algorithms carry NULL, or nothing (RFC 4055 §5: accept both); ECDSA carries
    // nothing (RFC 5758 §3.2: the parameters MUST be absent).
    if (params !== undefined && (scheme === 'ecdsa' || !isNull(params))) {
      bad(code, params, `unexpected parameters for ${oid}`);
    }
  };
  const fixed: Record<string, [SignatureScheme, HashAlg]> = {
    [OID.sha1WithRsa]: ['rsa-pkcs1', 'sha1'],
    [OID.sha256WithRsa]: ['rsa-pkcs1', 'sha256'],
    [OID.sha384WithRsa]: ['rsa-pkcs1', 'sha384'],
    [OID.sha512WithRsa]: ['rsa-pkcs1', 'sha512'],
    [OID.ecdsaWithSha1]: ['ecdsa', 'sha1'],
    [OID.ecdsaWithSha256]: ['ecdsa', 'sha256'],
    [OID.ecdsaWithSha384]: ['ecdsa', 'sha384'],
    [OID.ecdsaWithSha512]: ['ecdsa', 'sha512'],
  };
  const f = fixed[oid];
  if (f !== undefined) {
    noParams(f[0]);
    return { oid, scheme: f[0], hash: f[1] };
  }
  if (oid === OID.rsassaPss) return { oid, scheme: 'rsa-pss', ...parsePssParams(params, code) };
  throw new AttestError('ERR_UNSUPPORTED', {
    offset: node.offset,
    message: `signature algorithm ${oid}`,
  });
}

/** Throws unless `node` has at most `n` children (DER SEQUENCEs end where their type does). */
function noExtra(
  node: DerNode,
  n: number,
  what: string,
  code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL' | 'ERR_BAD_KEY',
): void {
  if (node.children.length > n) bad(code, node.children[n], `extra fields in ${what}`);
}

function isNull(node: DerNode): boolean {
  return node.cls === DER_CLASS_UNIVERSAL && node.tag === DER_TAG.NULL;
}

function isBoolean(node: DerNode | undefined): node is DerNode {
  return node?.cls === DER_CLASS_UNIVERSAL && node.tag === DER_TAG.BOOLEAN;
}

function parsePssParams(
  params: DerNode | undefined,
  code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL',
): { hash: HashAlg; saltLength: number } {
  // RFC 4055 §3.1: defaults are SHA-1, MGF1-SHA-1, salt 20, trailer 1.
  let hash: HashAlg = 'sha1';
  let mgfHash: HashAlg = 'sha1';
  let saltLength = 20;
  if (params === undefined) return { hash, saltLength };
  expectTag(params, DER_TAG.SEQUENCE, 'RSASSA-PSS-params', code);
  const hashOf = (alg: DerNode): HashAlg => {
    expectTag(alg, DER_TAG.SEQUENCE, 'hash AlgorithmIdentifier', code);
    const oid = oidText(alg.children[0] ?? bad(code, alg, 'empty hash algorithm'), code);
    // RFC 4055 §2.1: the hash parameters are NULL or absent.
    noExtra(alg, 2, 'hash AlgorithmIdentifier', code);
    if (alg.children[1] !== undefined && !isNull(alg.children[1]))
      bad(code, alg.children[1], 'unexpected hash parameters');
    return HASH_OIDS[oid] ?? bad(code, alg, `unsupported PSS hash ${oid}`);
  };
  let last = -1;
  for (const field of params.children) {
    // RFC 4055 §3.1: [0] to [3], each EXPLICIT, at most once and in order.
    if (
      field.cls !== DER_CLASS_CONTEXT ||
      !field.constructed ||
      field.children.length !== 1 ||
      field.tag <= last
    )
      bad(code, field, 'bad PSS parameter');
    last = field.tag;
    const inner = field.children[0]!;
    // X.690 §11.5 leaves out a field equal to its default, but AMD's ARK-signed certificates
    // encode trailerField 1: an explicit default is accepted (the outer and TBS algorithms must
    // still be byte-identical).
    if (field.tag === 0) hash = hashOf(inner);
    else if (field.tag === 1) {
      expectTag(inner, DER_TAG.SEQUENCE, 'maskGenAlgorithm', code);
      if (oidText(inner.children[0] ?? bad(code, inner, 'empty MGF'), code) !== OID.mgf1) {
        bad(code, inner, 'only MGF1 is supported');
      }
      noExtra(inner, 2, 'MGF1', code);
      mgfHash = hashOf(inner.children[1] ?? bad(code, inner, 'MGF1 without hash'));
    } else if (field.tag === 2) saltLength = integerNumber(inner, code);
    else if (field.tag === 3) {
      if (integerNumber(inner, code) !== 1) bad(code, inner, 'PSS trailerField must be 1');
    } else bad(code, field, 'unknown PSS parameter');
  }
  // WebCrypto ties MGF1's hash to the message hash; a different one cannot be verified honestly.
  if (mgfHash !== hash) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: params.offset,
      message: 'PSS with MGF1 hash ≠ message hash',
    });
  }
  return { hash, saltLength };
}

function parseName(node: DerNode, code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL'): X509Name {
  expectTag(node, DER_TAG.SEQUENCE, 'Name', code);
  const attributes: NameAttribute[] = [];
  const rdnTexts: string[] = [];
  for (const rdn of node.children) {
    expectTag(rdn, DER_TAG.SET, 'RelativeDistinguishedName', code);
    // RFC 5280 §4.1.2.4: RelativeDistinguishedName ::= SET SIZE (1..MAX).
    if (rdn.children.length === 0) bad(code, rdn, 'empty RelativeDistinguishedName');
    const parts: string[] = [];
    for (const atv of rdn.children) {
      expectTag(atv, DER_TAG.SEQUENCE, 'AttributeTypeAndValue', code);
      const oid = oidText(atv.children[0] ?? bad(code, atv, 'empty attribute'), code);
      const valueNode = atv.children[1] ?? bad(code, atv, 'attribute without value');
      noExtra(atv, 2, 'AttributeTypeAndValue', code);
      const value = stringValue(valueNode, code);
      const type = NAME_ATTRS[oid] ?? oid;
      attributes.push({ oid, type, value });
      parts.push(`${type}=${value.replace(/([,+"\\<>;])/g, '\\$1')}`);
    }
    rdnTexts.push(parts.join('+'));
  }
  return { raw: copyBytes(node.raw), attributes, text: rdnTexts.reverse().join(',') };
}

/**
 * Decodes a SubjectPublicKeyInfo (RSA, RSA-PSS or EC P-256/384/521).
 *
 * @throws {AttestError} `ERR_BAD_KEY` (also an RSA key with an even modulus or an exponent that
 *   is even or below 3), `ERR_BAD_DER`, `ERR_TRAILING_DATA`, `ERR_UNSUPPORTED`,
 *   `ERR_LIMIT_EXCEEDED` (an oversized OID, or DER over 64 KiB).
 * @example
 * ```ts
 * const key = parseSpki(spkiDer); // { kind: 'ec', curve: 'P-384', x, y }
 * ```
 */
export function parseSpki(spki: Uint8Array | DerNode): PublicKeyInfo {
  if (spki instanceof Uint8Array)
    assertSize(spki, X509_MAX_CERTIFICATE_SIZE, 'SubjectPublicKeyInfo');
  const node = spki instanceof Uint8Array ? parseDer(spki, 'ERR_BAD_KEY') : spki;
  expectTag(node, DER_TAG.SEQUENCE, 'SubjectPublicKeyInfo', 'ERR_BAD_KEY');
  const alg = expectChild(node, 0, DER_TAG.SEQUENCE, 'algorithm', 'ERR_BAD_KEY');
  const oid = oidText(alg.children[0] ?? bad('ERR_BAD_KEY', alg, 'empty algorithm'), 'ERR_BAD_KEY');
  noExtra(alg, 2, 'AlgorithmIdentifier', 'ERR_BAD_KEY');
  const keyNode = expectChild(node, 1, DER_TAG.BIT_STRING, 'subjectPublicKey', 'ERR_BAD_KEY');
  const keyBits = bitStringBytes(keyNode, 'ERR_BAD_KEY');
  if (node.children.length !== 2)
    throw new AttestError('ERR_BAD_KEY', { offset: node.offset, message: 'extra SPKI fields' });
  if (oid === OID.ecPublicKey) {
    const curveOid = oidText(
      alg.children[1] ?? bad('ERR_BAD_KEY', alg, 'EC key without curve'),
      'ERR_BAD_KEY',
    );
    const curve = CURVE_OIDS[curveOid];
    if (curve === undefined)
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: alg.offset,
        message: `curve ${curveOid}`,
      });
    try {
      return ecKeyFromPoint(curve, keyBits);
    } catch (e) {
      // The point's own check knows no offset: report the subjectPublicKey's.
      if (!(e instanceof AttestError)) throw e;
      throw new AttestError(e.code, { offset: keyNode.offset, message: e.message, cause: e });
    }
  }
  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    const params = alg.children[1];
    if (oid === OID.rsaEncryption && params !== undefined && !isNull(params)) {
      bad('ERR_BAD_KEY', params, 'rsaEncryption parameters must be NULL (RFC 3279 §2.3.1)');
    }
    // RFC 4055 §1.2: an id-RSASSA-PSS key's parameters, when present, restrict the hash and
    // salt of every signature it verifies. Such keys are not supported (none of the attestation
    // PKIs uses one): refused rather than used without their restriction.
    if (oid === OID.rsassaPss && params !== undefined) {
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: params.offset,
        message: 'RSASSA-PSS key with parameters',
      });
    }
    // Offsets stay those of the caller's input: the RSAPublicKey is read in place, after the
    // BIT STRING's unused-bits octet.
    const rsa = parseDerContent(keyNode, 'ERR_BAD_KEY', 1);
    expectTag(rsa, DER_TAG.SEQUENCE, 'RSAPublicKey', 'ERR_BAD_KEY');
    if (rsa.children.length !== 2) bad('ERR_BAD_KEY', rsa, 'RSAPublicKey must hold n and e');
    const key = rsaPublicKey(
      integerBytes(rsa.children[0]!, 'ERR_BAD_KEY'),
      integerBytes(rsa.children[1]!, 'ERR_BAD_KEY'),
      { offset: rsa.offset },
    );
    return oid === OID.rsassaPss ? { ...key, pssOnly: true } : key;
  }
  throw new AttestError('ERR_UNSUPPORTED', {
    offset: alg.offset,
    message: `public key algorithm ${oid}`,
  });
}

function parseExtensions(
  node: DerNode | undefined,
  code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL',
  valueNodes?: Map<string, DerNode>,
): X509Extension[] {
  if (node === undefined) return [];
  expectTag(node, DER_TAG.SEQUENCE, 'Extensions', code);
  const seen = new Set<string>();
  return node.children.map((ext) => {
    expectTag(ext, DER_TAG.SEQUENCE, 'Extension', code);
    const oid = oidText(ext.children[0] ?? bad(code, ext, 'empty extension'), code);
    if (seen.has(oid)) bad(code, ext, `duplicate extension ${oid}`);
    seen.add(oid);
    let critical = false;
    let i = 1;
    if (isBoolean(ext.children[1])) {
      critical = ext.children[1].content[0] === 0xff;
      if (!critical) bad(code, ext.children[1], 'DER forbids encoding the default critical=FALSE');
      i = 2;
    }
    const value = expectChild(ext, i, DER_TAG.OCTET_STRING, 'extnValue', code);
    if (ext.children.length !== i + 1) bad(code, ext, 'extra fields in Extension');
    valueNodes?.set(oid, value);
    return { oid, critical, value: copyBytes(value.content) };
  });
}

/**
 * Parses one X.509 v3 certificate from DER or PEM, strictly (DER only, no trailing bytes, no
 * field beyond those RFC 5280 defines). Error offsets are within the DER, extension values and
 * the RSAPublicKey included.
 *
 * @throws {AttestError} `ERR_BAD_CERTIFICATE`, `ERR_TRAILING_DATA`, `ERR_UNSUPPORTED`,
 *   `ERR_BAD_KEY`, `ERR_BAD_ENCODING`, `ERR_LIMIT_EXCEEDED` (DER over 64 KiB, at offset 0 with
 *   field `Certificate`, before any decoding; an OID longer than 128 bytes or with an arc of
 *   2^53 or more).
 * @example
 * ```ts
 * const ark = parseCertificate(pemText);
 * console.log(ark.subject.text, ark.notAfter);
 * ```
 */
export function parseCertificate(input: Uint8Array | string): X509Certificate {
  const der = derFromInput(input, typeof input === 'string' ? 'CERTIFICATE' : undefined);
  assertSize(der, X509_MAX_CERTIFICATE_SIZE, 'Certificate');
  const code = 'ERR_BAD_CERTIFICATE';
  const root = expectTag(parseDer(der, code), DER_TAG.SEQUENCE, 'Certificate', code);
  if (root.children.length !== 3) bad(code, root, 'Certificate must have 3 fields');
  const [tbsNode, algNode, sigNode] = root.children as [DerNode, DerNode, DerNode];
  expectTag(tbsNode, DER_TAG.SEQUENCE, 'TBSCertificate', code);
  const f = tbsNode.children;
  let i = 0;
  let version = 1;
  if (f[0]?.cls === DER_CLASS_CONTEXT && f[0].tag === 0) {
    // version [0] EXPLICIT: a constructed wrapper around exactly one INTEGER.
    if (!f[0].constructed || f[0].children.length !== 1) bad(code, f[0], 'bad version wrapper');
    version = integerNumber(f[0].children[0]!, code) + 1;
    if (version === 1) bad(code, f[0], 'DER forbids encoding the default version');
    i = 1;
  }
  if (version < 1 || version > 3) bad(code, f[0], `unknown certificate version ${version}`);
  const serial = readSerial(expectChild(tbsNode, i++, DER_TAG.INTEGER, 'serialNumber', code), code);
  parseAlgorithm(f[i++] ?? bad(code, tbsNode, 'missing signature'), code);
  const issuer = parseName(f[i++] ?? bad(code, tbsNode, 'missing issuer'), code);
  const validity = expectChild(tbsNode, i++, DER_TAG.SEQUENCE, 'validity', code);
  const notBefore = timeValue(
    validity.children[0] ?? bad(code, validity, 'missing notBefore'),
    code,
  );
  const notAfter = timeValue(validity.children[1] ?? bad(code, validity, 'missing notAfter'), code);
  noExtra(validity, 2, 'Validity', code);
  const subject = parseName(f[i++] ?? bad(code, tbsNode, 'missing subject'), code);
  const spkiNode = expectChild(tbsNode, i++, DER_TAG.SEQUENCE, 'subjectPublicKeyInfo', code);
  const publicKey = parseSpki(spkiNode);
  // RFC 5280 §4.1: issuerUniqueID [1] and subjectUniqueID [2] (v2 or v3, IMPLICIT BIT STRING),
  // then extensions [3] (v3), each at most once and in that order. A second [3] would otherwise
  // hide the first block's extensions, a critical one included.
  let extNode: DerNode | undefined;
  for (let last = 0; i < f.length; i++) {
    const n = f[i]!;
    if (
      n.cls !== DER_CLASS_CONTEXT ||
      n.tag <= last ||
      n.tag > 3 ||
      n.constructed !== (n.tag === 3)
    )
      bad(code, n, 'unexpected, repeated or out-of-order TBSCertificate field');
    if (version < (n.tag === 3 ? 3 : 2)) bad(code, n, `[${n.tag}] needs a later version`);
    last = n.tag;
    if (n.tag === 3) {
      extNode = n.children[0];
      if (n.children.length !== 1) bad(code, n, 'bad extensions wrapper');
    }
  }
  const outerAlg = parseAlgorithm(algNode, code);
  if (!equalBytes(algNode.raw, (f[version === 1 ? 1 : 2] as DerNode).raw)) {
    bad(code, algNode, 'signatureAlgorithm differs from TBSCertificate.signature');
  }
  const valueNodes = new Map<string, DerNode>();
  const extensions = parseExtensions(extNode, code, valueNodes);
  const cert: {
    -readonly [K in keyof X509Certificate]: X509Certificate[K];
  } = {
    raw: copyBytes(der),
    tbs: copyBytes(tbsNode.raw),
    version,
    serialNumber: serial.magnitude,
    serialHex: serial.hex,
    signatureAlgorithm: outerAlg,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: copyBytes(spkiNode.raw),
    publicKey,
    extensions,
    signature: bitStringBytes(sigNode, code),
  };
  // The extension values are decoded in place, so error offsets are those of the certificate.
  const bc = valueNodes.get(OID.basicConstraints);
  if (bc !== undefined) cert.basicConstraints = decodeBasicConstraints(bc);
  const ku = valueNodes.get(OID.keyUsage);
  if (ku !== undefined) cert.keyUsage = decodeKeyUsage(ku);
  return cert;
}

function decodeBasicConstraints(value: DerNode): { ca: boolean; pathLength?: number } {
  const code = 'ERR_BAD_CERTIFICATE';
  const seq = expectTag(parseDerContent(value, code), DER_TAG.SEQUENCE, 'BasicConstraints', code);
  let ca = false;
  let k = 0;
  if (isBoolean(seq.children[0])) {
    ca = seq.children[0].content[0] === 0xff;
    if (!ca) bad(code, seq.children[0], 'DER forbids encoding the default cA=FALSE');
    k = 1;
  }
  const pl = seq.children[k];
  const pathLength = pl !== undefined ? integerNumber(pl, code) : undefined;
  noExtra(seq, k + 1, 'BasicConstraints', code);
  return pathLength !== undefined ? { ca, pathLength } : { ca };
}

function decodeKeyUsage(value: DerNode): KeyUsage {
  const code = 'ERR_BAD_CERTIFICATE';
  const node = parseDerContent(value, code);
  const bits = bitStringBits(node, code);
  // RFC 5280 §4.2.1.3: at least one bit is set. X.690 §11.2.2: DER drops a named bit list's
  // trailing zero bits, so the last bit is set (the reader has checked the unused bits are zero).
  // Quirk, AMD ASK/ASVK (Milan, Genoa, Turin): keyCertSign alone is encoded 03 02 01 04, one
  // trailing zero bit kept. Trailing zero bits are accepted within the last octet only.
  const content = node.content;
  if (content.length < 2 || content[content.length - 1] === 0)
    bad(code, node, 'keyUsage sets no bit or ends in a zero octet');
  const b = (i: number): boolean => bits[i] === true;
  return {
    digitalSignature: b(0),
    nonRepudiation: b(1),
    keyEncipherment: b(2),
    dataEncipherment: b(3),
    keyAgreement: b(4),
    keyCertSign: b(5),
    cRLSign: b(6),
  };
}

/**
 * Parses every certificate in a PEM bundle, DER bytes, or array of those (any order).
 *
 * @throws {AttestError} as {@link parseCertificate}.
 *
 * @example
 * ```ts
 * const [ask, ark] = parseCertificates(askArkPemBundle);
 * ```
 */
export function parseCertificates(
  input: Uint8Array | string | readonly (Uint8Array | string)[],
): X509Certificate[] {
  return dersFromInput(input, typeof input === 'string' ? 'CERTIFICATE' : undefined).map((d) =>
    parseCertificate(d),
  );
}

/** Parses a certificate, memoised in `cache` by its DER (the bytes themselves are the key). */
export function parseCertificateCached(
  input: Uint8Array | string,
  cache?: AttestCache,
): X509Certificate {
  if (cache === undefined) return parseCertificate(input);
  const der = derFromInput(input, typeof input === 'string' ? 'CERTIFICATE' : undefined);
  assertSize(der, X509_MAX_CERTIFICATE_SIZE, 'Certificate');
  return memo(cache, `attestkit:cert:${bytesKey(der)}`, () => parseCertificate(der));
}

/** The raw value of the extension with `oid`, or undefined. */
export function getExtension(cert: X509Certificate, oid: string): X509Extension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

/**
 * SHA-256 of the certificate's SubjectPublicKeyInfo DER (the pin format attestkit uses).
 *
 * @example
 * ```ts
 * toHex(spkiSha256(ark)) // compare with a pinned root
 * ```
 */
export function spkiSha256(cert: X509Certificate): Uint8Array {
  return sha256Digest(cert.spki);
}

/** Options of {@link verifySignedBy}. */
export interface SignedByOptions {
  /**
   * Accept a signature over SHA-1 (sha1WithRSAEncryption, ecdsa-with-SHA1, RSASSA-PSS with
   * SHA-1). Default false: chosen-prefix SHA-1 collisions are practical, so a CA's SHA-1
   * signature on one certificate can be made to cover another.
   */
  readonly allowSha1Signatures?: boolean;
}

/**
 * Verifies that `signed` (a certificate or CRL) was signed by `issuer`'s key. Returns false for a
 * well-formed signature that does not verify; memoises true/false in `cache`. A SHA-1 signature
 * is refused (thrown, before any crypto) unless `options.allowSha1Signatures`; Go's x509 has
 * refused them in chains since Go 1.18. So is an RSA issuer key under {@link X509_MIN_RSA_BITS}
 * bits.
 *
 * @throws {AttestError} `ERR_BAD_SIGNATURE_ENCODING`, `ERR_BAD_KEY` (also for an RSA issuer key
 *   under 2048 bits), `ERR_UNSUPPORTED` (also for a SHA-1 signature that is not allowed).
 */
export async function verifySignedBy(
  signed: X509Certificate | X509Crl,
  issuer: X509Certificate | PublicKeyInfo,
  cache?: AttestCache,
  options?: SignedByOptions,
): Promise<boolean> {
  const key = 'kind' in issuer ? issuer : issuer.publicKey;
  const alg = signed.signatureAlgorithm;
  if (alg.hash === 'sha1' && options?.allowSha1Signatures !== true) {
    throw new AttestError('ERR_UNSUPPORTED', {
      message: `SHA-1 signature (${alg.oid}) refused: SHA-1 collisions are practical, and SHA-1 was not allowed`,
    });
  }
  const bits = key.kind === 'rsa' ? publicKeyBits(key) : 0;
  if (key.kind === 'rsa' && bits < X509_MIN_RSA_BITS) {
    throw new AttestError('ERR_BAD_KEY', {
      message: `RSA-${bits} issuer key refused (under ${X509_MIN_RSA_BITS} bits)`,
    });
  }
  const run = (): Promise<boolean> =>
    verifySignature({
      key,
      scheme: alg.scheme,
      hash: alg.hash,
      data: signed.tbs,
      signature: signed.signature,
      signatureFormat: 'der',
      ...(alg.saltLength !== undefined ? { saltLength: alg.saltLength } : {}),
      ...(cache !== undefined ? { cache } : {}),
    });
  if (cache === undefined) return run();
  // The whole key (curve and both coordinates, or modulus and exponent), not one part of it: two
  // raw keys that share x (a point and its negation) or n must not share a cached verdict. The
  // key and the signed DER are the memo key themselves (length-prefixed, so none is ambiguous).
  const issuerId = 'kind' in issuer ? publicKeyId(key) : bytesKey(issuer.spki);
  return memo(cache, `attestkit:sig:${issuerId.length}:${issuerId}${bytesKey(signed.raw)}`, run);
}

/**
 * RFC 5280 §4.2: "a certificate-using system MUST reject the certificate if it encounters a
 * critical extension it does not recognize". The OIDs of `cert`'s critical extensions other than
 * basicConstraints and keyUsage (which every chain check processes) and the verifier's own
 * `alsoProcessed` (e.g. the EK profile's subjectAltName).
 *
 * @internal
 */
export function unprocessedCriticalExtensions(
  cert: X509Certificate,
  alsoProcessed?: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const e of cert.extensions) {
    if (!e.critical || e.oid === OID.basicConstraints || e.oid === OID.keyUsage) continue;
    if (alsoProcessed?.has(e.oid) !== true) out.push(e.oid);
  }
  return out;
}

/**
 * {@link unprocessedCriticalExtensions} as chain problems (`unprocessed critical extension <oid>`).
 *
 * @internal
 */
export function criticalExtensionProblems(cert: X509Certificate): string[] {
  return unprocessedCriticalExtensions(cert).map((oid) => `unprocessed critical extension ${oid}`);
}

/**
 * Where `now` falls relative to a certificate's validity period.
 *
 * @throws {TypeError} when `now` is not a valid Date (an Invalid Date would make every
 *   certificate valid).
 */
export function validityAt(
  cert: X509Certificate,
  now: Date,
): 'valid' | 'not-yet-valid' | 'expired' {
  assertValidNow(now, 'now');
  const t = now.getTime();
  if (t < cert.notBefore.getTime()) return 'not-yet-valid';
  if (t > cert.notAfter.getTime()) return 'expired';
  return 'valid';
}

/**
 * Parses an X.509 v2 CRL from DER or PEM, strictly: extensions only in a v2 CRL, and no empty
 * revokedCertificates list (RFC 5280 §5.1.2.1, §5.1.2.6).
 *
 * @throws {AttestError} `ERR_BAD_CRL`, `ERR_TRAILING_DATA`, `ERR_UNSUPPORTED`, `ERR_BAD_ENCODING`,
 *   `ERR_LIMIT_EXCEEDED` (DER over 1 MiB, at offset 0 with field `CertificateList`, before any
 *   decoding; an OID longer than 128 bytes or with an arc of 2^53 or more).
 * @example
 * ```ts
 * const crl = parseCrl(der);
 * crl.revoked.some((r) => r.serialHex === ask.serialHex);
 * ```
 */
export function parseCrl(input: Uint8Array | string): X509Crl {
  const der = derFromInput(input, typeof input === 'string' ? 'X509 CRL' : undefined);
  assertSize(der, X509_MAX_CRL_SIZE, 'CertificateList');
  const code = 'ERR_BAD_CRL';
  const root = expectTag(parseDer(der, code), DER_TAG.SEQUENCE, 'CertificateList', code);
  if (root.children.length !== 3) bad(code, root, 'CertificateList must have 3 fields');
  const [tbsNode, algNode, sigNode] = root.children as [DerNode, DerNode, DerNode];
  expectTag(tbsNode, DER_TAG.SEQUENCE, 'TBSCertList', code);
  const f = tbsNode.children;
  let i = 0;
  let version = 1;
  if (f[0]?.cls === DER_CLASS_UNIVERSAL && f[0].tag === DER_TAG.INTEGER) {
    version = integerNumber(f[0], code) + 1;
    if (version !== 2) bad(code, f[0], `CRL version must be v2, found ${version}`);
    i = 1;
  }
  const innerAlgNode = f[i++] ?? bad(code, tbsNode, 'missing signature');
  parseAlgorithm(innerAlgNode, code);
  if (!equalBytes(innerAlgNode.raw, algNode.raw))
    bad(code, algNode, 'signatureAlgorithm differs from TBSCertList.signature');
  const issuer = parseName(f[i++] ?? bad(code, tbsNode, 'missing issuer'), code);
  const thisUpdate = timeValue(f[i++] ?? bad(code, tbsNode, 'missing thisUpdate'), code);
  let nextUpdate: Date | undefined;
  if (
    f[i] !== undefined &&
    (f[i]!.tag === DER_TAG.UTC_TIME || f[i]!.tag === DER_TAG.GENERALIZED_TIME) &&
    f[i]!.cls === 0
  ) {
    nextUpdate = timeValue(f[i++]!, code);
  }
  // RFC 5280 §5.1.2.1: a CRL with extensions (of its own or of an entry) is v2.
  const v2Only = (n: DerNode): DerNode =>
    version === 2 ? n : bad(code, n, 'extensions in a v1 CRL');
  const revoked: RevokedCertificate[] = [];
  if (f[i] !== undefined && f[i]!.cls === 0 && f[i]!.tag === DER_TAG.SEQUENCE) {
    // RFC 5280 §5.1.2.6: with no revoked certificates the list is absent, not empty.
    if (f[i]!.children.length === 0) bad(code, f[i], 'empty revokedCertificates');
    for (const entry of f[i++]!.children) {
      expectTag(entry, DER_TAG.SEQUENCE, 'revokedCertificate', code);
      const serial = readSerial(entry.children[0] ?? bad(code, entry, 'missing serial'), code);
      if (entry.children.length > 3) bad(code, entry, 'extra fields in revokedCertificate');
      revoked.push({
        serialNumber: serial.magnitude,
        serialHex: serial.hex,
        revocationDate: timeValue(
          entry.children[1] ?? bad(code, entry, 'missing revocationDate'),
          code,
        ),
        ...(entry.children[2] !== undefined
          ? { extensions: parseExtensions(v2Only(entry.children[2]), code) }
          : {}),
      });
    }
  }
  let extensions: X509Extension[] = [];
  if (f[i] !== undefined) {
    const n = f[i++]!;
    if (n.cls !== DER_CLASS_CONTEXT || n.tag !== 0 || n.children.length !== 1)
      bad(code, n, 'unexpected TBSCertList field');
    extensions = parseExtensions(v2Only(n).children[0], code);
  }
  if (i !== f.length) bad(code, f[i], 'trailing TBSCertList fields');
  return {
    raw: copyBytes(der),
    tbs: copyBytes(tbsNode.raw),
    version,
    signatureAlgorithm: parseAlgorithm(algNode, code),
    issuer,
    thisUpdate,
    ...(nextUpdate !== undefined ? { nextUpdate } : {}),
    revoked,
    extensions,
    signature: bitStringBytes(sigNode, code),
  };
}

/** Options for {@link checkCrl}. */
export interface CrlCheckOptions {
  /** The instant of the check. */
  readonly now: Date;
  /** Reject a CRL whose thisUpdate is older than this many milliseconds. Default: no limit. */
  readonly maxAgeMs?: number;
  /** Accept a CRL past its nextUpdate. Default false. */
  readonly allowStale?: boolean;
  /** Memo for the CRL signature check. Default: none. */
  readonly cache?: AttestCache;
  /**
   * Accept a CRL signed over SHA-1. Default false: the CRL is then unusable (a problem says
   * so), since SHA-1 collisions are practical.
   */
  readonly allowSha1Signatures?: boolean;
}

/** Outcome of {@link checkCrl}: `ok` and every problem found. */
export interface CrlCheckResult {
  /** True when `problems` is empty. Says nothing about revocation: see `revokedSerials`. */
  readonly ok: boolean;
  /** Each failed condition (signature, issuer, cRLSign, dates, no nextUpdate, age), as text. */
  readonly problems: readonly string[];
  /** The serials (hex) among `serials` that the CRL revokes. */
  readonly revokedSerials: readonly string[];
}

/**
 * Checks a CRL against its issuer and time, and looks up `serials` in it: signature, issuer name,
 * thisUpdate ≤ now ≤ nextUpdate, a nextUpdate present (RFC 5280 §5.1.2.5: conforming CRLs carry
 * it; without one a CRL would count as current forever), optional maximum age, issuer keyUsage
 * cRLSign when present, no critical CRL or entry extension and no deltaCRLIndicator,
 * issuingDistributionPoint or certificateIssuer at all (RFC 5280 §5.2–5.3: such a CRL may be
 * partial or indirect), and no SHA-1 signature unless `allowSha1Signatures`.
 *
 * @throws {TypeError} when `options.now` is not a valid Date or a serial is not hex (digits,
 *   optionally a leading `-`, as `serialHex` writes them). {RangeError} when
 *   `options.maxAgeMs` is not a non-negative number (NaN would disable the age limit).
 * @example
 * ```ts
 * const r = await checkCrl(crl, ark, [ask.serialHex], { now });
 * if (!r.ok || r.revokedSerials.length) reject();
 * ```
 */
export async function checkCrl(
  crl: X509Crl,
  issuer: X509Certificate,
  serials: readonly string[],
  options: CrlCheckOptions,
): Promise<CrlCheckResult> {
  assertValidNow(options.now, 'options.now');
  // A serial the lookup cannot read (`0x…`, `0f:ff`, a number) would silently match nothing.
  if (!Array.isArray(serials) || !serials.every((x) => typeof x === 'string' && SERIAL_HEX.test(x)))
    throw new TypeError('serials must be hex (as serialHex)');
  const maxAge = options.maxAgeMs;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !(maxAge >= 0)))
    throw new RangeError('options.maxAgeMs must be a non-negative number');
  const problems: string[] = [];
  try {
    const sha1 = { allowSha1Signatures: options.allowSha1Signatures === true };
    if (!(await verifySignedBy(crl, issuer, options.cache, sha1)))
      problems.push('CRL signature does not verify with the issuer key');
  } catch (e) {
    problems.push(`CRL signature could not be checked: ${(e as Error).message}`);
  }
  if (!equalBytes(crl.issuer.raw, issuer.subject.raw)) {
    problems.push(`CRL issuer "${crl.issuer.text}" is not "${issuer.subject.text}"`);
  }
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.cRLSign)
    problems.push('issuer keyUsage lacks cRLSign');
  // RFC 5280 §5.2 and §5.3: a CRL with a critical extension (issuingDistributionPoint,
  // deltaCRLIndicator, …) or critical entry extension (certificateIssuer) that the verifier does
  // not process must not be used: it may be partial or indirect.
  // deltaCRLIndicator, issuingDistributionPoint and certificateIssuer change what the CRL covers
  // (RFC 5280 §5.2.4, §5.2.5, §5.3.3 require them critical): refused even when marked otherwise.
  for (const e of [crl, ...crl.revoked].flatMap((r) => r.extensions ?? []))
    if (e.critical || CRL_SCOPE_EXTENSIONS.has(e.oid))
      problems.push(`CRL has an unprocessed ${e.critical ? 'critical ' : ''}extension ${e.oid}`);
  const t = options.now.getTime();
  if (crl.thisUpdate.getTime() > t)
    problems.push(`CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future`);
  if (crl.nextUpdate === undefined)
    problems.push('CRL has no nextUpdate (RFC 5280 §5.1.2.5 requires one)');
  else if (crl.nextUpdate.getTime() < t && options.allowStale !== true)
    problems.push(`CRL is stale: nextUpdate ${crl.nextUpdate.toISOString()} has passed`);
  if (options.maxAgeMs !== undefined && t - crl.thisUpdate.getTime() > options.maxAgeMs) {
    problems.push(`CRL is older than the maximum age (${options.maxAgeMs} ms)`);
  }
  return { ok: problems.length === 0, problems, revokedSerials: revokedSerialLookup(crl)(serials) };
}

/**
 * A lookup of serials (hex) in `crl`: it returns those the CRL lists, in the CRL's spelling and
 * order, comparing values (case and leading zero digits ignored, the sign kept). Build it once
 * per CRL to look up many serial sets.
 *
 * @internal
 */
export function revokedSerialLookup(crl: X509Crl): (serials: readonly string[]) => string[] {
  const at = new Map<string, number>();
  crl.revoked.forEach((r, i) => {
    const k = normaliseSerial(r.serialHex);
    if (!at.has(k)) at.set(k, i);
  });
  return (serials) => {
    const hits = new Set<number>();
    for (const s of serials) {
      const i = at.get(normaliseSerial(s));
      if (i !== undefined) hits.add(i);
    }
    return [...hits].sort((a, b) => a - b).map((i) => crl.revoked[i]!.serialHex);
  };
}

/**
 * A certificate or CRL-entry serial number: its magnitude (big-endian, no sign byte) and its hex,
 * with a leading `-` when negative. RFC 5280 §4.1.2.2 requires positive serials, but CAs have
 * issued negative ones; certificates and CRL entries read them the same way, so a CRL naming such
 * a serial still parses and still revokes, and -1 and +255 stay different serials.
 */
function readSerial(
  node: DerNode,
  code: 'ERR_BAD_CERTIFICATE' | 'ERR_BAD_CRL',
): { readonly magnitude: Uint8Array; readonly hex: string } {
  expectTag(node, DER_TAG.INTEGER, 'serialNumber', code);
  const c = node.content;
  if (c.length === 0) bad(code, node, 'empty serialNumber');
  if ((c[0]! & 0x80) === 0) {
    const magnitude = c.length > 1 && c[0] === 0 ? copyBytes(c, 1) : copyBytes(c);
    return { magnitude, hex: toHex(magnitude) };
  }
  // Two's complement: the magnitude is (NOT c) + 1.
  const m = new Uint8Array(c.length);
  let carry = 1;
  for (let j = c.length - 1; j >= 0; j--) {
    const v = (~c[j]! & 0xff) + carry;
    m[j] = v & 0xff;
    carry = v >> 8;
  }
  let z = 0;
  while (z < m.length - 1 && m[z] === 0) z++;
  const magnitude = copyBytes(m, z);
  return { magnitude, hex: `-${toHex(magnitude)}` };
}

const SERIAL_HEX = /^-?[0-9a-f]+$/i;

/** deltaCRLIndicator, issuingDistributionPoint, certificateIssuer. */
const CRL_SCOPE_EXTENSIONS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  '2.5.29.27',
  '2.5.29.28',
  '2.5.29.29',
]);

/** Serial hex compared by value: case, a `-` sign kept, leading zero digits dropped. */
function normaliseSerial(hex: string): string {
  const neg = hex.startsWith('-');
  const s = (neg ? hex.slice(1) : hex).toLowerCase().replace(/^0+/, '');
  return s === '' ? '0' : neg ? `-${s}` : s;
}

/** Role of a certificate in a fixed-shape chain. */
export type ChainRole = 'root' | 'intermediate' | 'leaf';

/** The result for one link of {@link verifyChain}. */
export interface ChainLinkResult {
  /** Which link this is. */
  readonly role: ChainRole;
  /** True when `problems` is empty. */
  readonly ok: boolean;
  /** `<subject> verified`, or the problems joined with `; `. */
  readonly message: string;
  /** Each failed condition (issuer name, signature, validity, CA constraints, root pin). */
  readonly problems: readonly string[];
  /** The certificate's subject as RFC 4514 text. */
  readonly subject: string;
  /** The certificate's serial number, lower-case hex. */
  readonly serialHex: string;
}

/** Input to {@link verifyChain}. */
export interface ChainInput {
  /** The self-signed root: trusted only when its SPKI SHA-256 is in `rootPins`. */
  readonly root: X509Certificate;
  /** The CA certificate that `root` issued and that issued `leaf`. */
  readonly intermediate: X509Certificate;
  /** The end-entity certificate. */
  readonly leaf: X509Certificate;
  /** Accepted SHA-256 pins of the root's SPKI. An empty list pins nothing and fails the root. */
  readonly rootPins: readonly Uint8Array[];
  /** Instant at which all three must be valid (notBefore ≤ now ≤ notAfter). */
  readonly now: Date;
  /** Memo for signature checks. Default: none. */
  readonly cache?: AttestCache;
  /** Require the leaf's keyUsage (when present) to include digitalSignature. Default true. */
  readonly leafNeedsDigitalSignature?: boolean;
  /**
   * Accept intermediate and leaf certificates signed over SHA-1. Default false: such a link
   * fails with `SHA-1 signature … refused`, since chosen-prefix SHA-1 collisions are practical.
   * The root's self-signature is exempt either way: the pin, not that signature, makes it trusted.
   */
  readonly allowSha1Signatures?: boolean;
}

/** Result of {@link verifyChain}: one result per link and the overall verdict. */
export interface ChainResult {
  /** True when all three links are ok. */
  readonly ok: boolean;
  /** The root: self-signature, validity, CA constraints and the pin. */
  readonly root: ChainLinkResult;
  /** The intermediate: signed by the root, valid, a CA allowed to sign certificates. */
  readonly intermediate: ChainLinkResult;
  /** The leaf: signed by the intermediate, valid, keyUsage digitalSignature when required. */
  readonly leaf: ChainLinkResult;
}

/**
 * Verifies a fixed-shape chain leaf → intermediate → root, where the root is trusted only by its
 * SPKI pin (wherever the certificates came from). Per link: issuer name, signature by the issuer,
 * validity at `now`, CA constraints (basicConstraints cA, keyUsage keyCertSign, pathLen), no
 * critical extension other than basicConstraints and keyUsage (RFC 5280 §4.2), and no SHA-1
 * signature below the root unless `allowSha1Signatures`.
 *
 * @throws {TypeError} when `input.now` is not a valid Date.
 * @example
 * ```ts
 * const r = await verifyChain({ root: ark, intermediate: ask, leaf: vcek, rootPins, now });
 * ```
 */
export async function verifyChain(input: ChainInput): Promise<ChainResult> {
  const { root, intermediate, leaf, now, cache } = input;
  assertValidNow(now, 'input.now');
  const link = async (
    role: ChainRole,
    cert: X509Certificate,
    issuer: X509Certificate,
    depthBelow: number,
  ): Promise<ChainLinkResult> => {
    const problems: string[] = [];
    if (!equalBytes(cert.issuer.raw, issuer.subject.raw)) {
      problems.push(`issuer "${cert.issuer.text}" does not match "${issuer.subject.text}"`);
    }
    try {
      const sha1 = { allowSha1Signatures: role === 'root' || input.allowSha1Signatures === true };
      if (!(await verifySignedBy(cert, issuer, cache, sha1)))
        problems.push(`signature does not verify with the key of "${issuer.subject.text}"`);
    } catch (e) {
      problems.push(`signature could not be checked: ${(e as Error).message}`);
    }
    const v = validityAt(cert, now);
    if (v !== 'valid') {
      problems.push(
        `${v} at ${now.toISOString()} (valid ${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`,
      );
    }
    problems.push(...criticalExtensionProblems(cert));
    if (role !== 'leaf') {
      if (cert.basicConstraints?.ca !== true)
        problems.push('not a CA (basicConstraints cA is not true)');
      if (cert.keyUsage !== undefined && !cert.keyUsage.keyCertSign)
        problems.push('keyUsage lacks keyCertSign');
      const pl = cert.basicConstraints?.pathLength;
      if (pl !== undefined && depthBelow > pl)
        problems.push(`pathLenConstraint ${pl} allows fewer CAs than the ${depthBelow} below it`);
    } else if (
      input.leafNeedsDigitalSignature !== false &&
      cert.keyUsage !== undefined &&
      !cert.keyUsage.digitalSignature
    ) {
      problems.push('keyUsage lacks digitalSignature');
    }
    if (role === 'root') {
      const pin = await digestAsync('sha256', cert.spki);
      if (!input.rootPins.some((p) => equalBytes(p, pin)))
        problems.push(`root key ${toHex(pin)} is not pinned`);
    }
    return {
      role,
      ok: problems.length === 0,
      message: problems.length === 0 ? `${cert.subject.text} verified` : problems.join('; '),
      problems,
      subject: cert.subject.text,
      serialHex: cert.serialHex,
    };
  };
  const [r, i, l] = await Promise.all([
    link('root', root, root, 1),
    link('intermediate', intermediate, root, 0),
    link('leaf', leaf, intermediate, 0),
  ]);
  return { ok: r.ok && i.ok && l.ok, root: r, intermediate: i, leaf: l };
}

/**
 * Picks certificates out of an unordered set by subject/issuer relations: the self-signed one is
 * the root candidate, the one it issued the intermediate. Used to accept chains "in any order".
 */
export function orderChain(certs: readonly X509Certificate[]): {
  root?: X509Certificate;
  intermediates: X509Certificate[];
} {
  const root = certs.find((c) => equalBytes(c.issuer.raw, c.subject.raw));
  return root !== undefined
    ? { root, intermediates: certs.filter((c) => c !== root) }
    : { intermediates: [...certs] };
}

/** Asserts `value` is a certificate or certificate input; convenience for option validation. */
export function toCertificate(
  value: X509Certificate | Uint8Array | string,
  cache?: AttestCache,
): X509Certificate {
  if (typeof value === 'string' || value instanceof Uint8Array)
    return parseCertificateCached(value, cache);
  if (typeof value !== 'object' || value === null || !('tbs' in value))
    throw new TypeError('expected a certificate');
  assertBytes(value.raw, 'certificate.raw');
  return value;
}
