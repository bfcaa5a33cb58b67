/**
 * @module
 * Endorsement Key certificates and templates (TCG EK Credential Profile for TPM Family 2.0,
 * version 2.5: §3 certificate profile — subjectAltName directoryName with tcg-at-tpmManufacturer /
 * tpmModel / tpmVersion, subjectDirectoryAttributes tcg-at-tpmSpecification, extendedKeyUsage
 * tcg-kp-EKCertificate; Annex B default EK templates L-1, L-2, H-1…H-7). Chains are verified
 * against vendor roots the caller supplies with the foundation's X.509 checks.
 */
import { AttestError } from '../core/errors.js';
import { createLedger } from '../core/checks.js';
import { samePublicKey, publicKeyToJwk, type PublicKeyInfo } from '../core/crypto.js';
import {
  DER_CLASS_CONTEXT,
  DER_TAG,
  expectTag,
  integerNumber,
  oidText,
  parseDer,
  stringValue,
} from '../core/der.js';
import { dersFromInput, equalBytes, fromHex, toHex } from '../core/encoding.js';
import {
  getExtension,
  unprocessedCriticalExtensions,
  parseCertificate,
  validityAt,
  verifySignedBy,
  type KeyUsage,
  type X509Certificate,
} from '../core/x509.js';
import { assertValidNow } from '../core/checks.js';
import { frozen } from '../core/share.js';
import { TPM_ALG } from './constants.js';
import { assertInputBytes, publicAreaOf } from './structures.js';
import { tpmPublicKey } from './keys.js';
import { errorDetail } from './attest-checks.js';
import type {
  EkCertificate,
  EkCertificateEvidence,
  EkCertificateVerification,
  EkCertificateVerifyOptions,
  EkCheckId,
  EkTemplateId,
  TcgSpecification,
  TpmtPublic,
} from './types.js';

/** The RFC 5280 extensions EK certificate code reads besides the core two. */
const EXT_OID = {
  subjectAltName: '2.5.29.17',
  extKeyUsage: '2.5.29.37',
  certificatePolicies: '2.5.29.32',
  subjectDirectoryAttributes: '2.5.29.9',
} as const;

/** keyUsage bits (RFC 5280 §4.2.1.3) in bit order, to name what a certificate's keyUsage allows. */
const KEY_USAGE_BITS: readonly (keyof KeyUsage)[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
];

/** Source of {@link TCG_OID}. */
const TCG_OID_TABLE = {
  /**
   * `tcg-at-tpmManufacturer`: subjectAltName directoryName attribute, the TPM_PT_MANUFACTURER id as
   * `id:XXXXXXXX`.
   */
  tpmManufacturer: '2.23.133.2.1',
  /** `tcg-at-tpmModel`: subjectAltName directoryName attribute, the vendor's TPM model string. */
  tpmModel: '2.23.133.2.2',
  /**
   * `tcg-at-tpmVersion`: subjectAltName directoryName attribute, the firmware version as
   * `id:XXXXXXXX`.
   */
  tpmVersion: '2.23.133.2.3',
  /**
   * `tcg-at-tpmSpecification`: subjectDirectoryAttributes attribute, TPMSpecification (family,
   * level, revision).
   */
  tpmSpecification: '2.23.133.2.16',
  /**
   * `tcg-at-tpmSecurityAssertions`: subjectDirectoryAttributes attribute (FIPS / Common Criteria
   * claims); not decoded by attestkit.
   */
  tpmSecurityAssertions: '2.23.133.2.18',
  /** `tcg-kp-EKCertificate`: the extendedKeyUsage purpose marking an EK certificate. */
  ekCertificate: '2.23.133.8.1',
} as const;

/** TCG OIDs of the EK Credential Profile (§3.2, TCG OID registry 2.23.133). */
export const TCG_OID: typeof TCG_OID_TABLE = /* @__PURE__ */ frozen(TCG_OID_TABLE);

const CERT = 'ERR_BAD_CERTIFICATE';

function decodeSan(value: Uint8Array): { attrs: Map<string, string>; found: boolean } {
  const attrs = new Map<string, string>();
  const names = expectTag(parseDer(value, CERT), DER_TAG.SEQUENCE, 'GeneralNames', CERT);
  let found = false;
  for (const gn of names.children) {
    // directoryName [4] EXPLICIT Name (RFC 5280 §4.2.1.6).
    if (gn.cls !== DER_CLASS_CONTEXT || gn.tag !== 4) continue;
    found = true;
    const name = expectTag(gn.children[0], DER_TAG.SEQUENCE, 'directoryName', CERT);
    for (const rdn of name.children) {
      expectTag(rdn, DER_TAG.SET, 'RelativeDistinguishedName', CERT);
      // Some vendors put all three attributes in one RDN SET, others one per RDN.
      for (const atv of rdn.children) {
        expectTag(atv, DER_TAG.SEQUENCE, 'AttributeTypeAndValue', CERT);
        const oid = oidText(atv.children[0] ?? fail(atv.offset, 'empty attribute'), CERT);
        const v = atv.children[1] ?? fail(atv.offset, 'attribute without value');
        attrs.set(oid, stringValue(v, CERT));
      }
    }
  }
  return { attrs, found };
}

function fail(offset: number, message: string): never {
  throw new AttestError(CERT, { offset, message });
}

function decodeSpecification(value: Uint8Array): TcgSpecification | undefined {
  const attrs = expectTag(
    parseDer(value, CERT),
    DER_TAG.SEQUENCE,
    'SubjectDirectoryAttributes',
    CERT,
  );
  for (const attr of attrs.children) {
    expectTag(attr, DER_TAG.SEQUENCE, 'Attribute', CERT);
    if (
      oidText(attr.children[0] ?? fail(attr.offset, 'empty Attribute'), CERT) !==
      TCG_OID.tpmSpecification
    )
      continue;
    const set = expectTag(attr.children[1], DER_TAG.SET, 'Attribute values', CERT);
    const spec = expectTag(set.children[0], DER_TAG.SEQUENCE, 'TPMSpecification', CERT);
    const [family, level, revision] = spec.children;
    return {
      family: stringValue(family ?? fail(spec.offset, 'TPMSpecification without family'), CERT),
      level: integerNumber(expectTag(level, DER_TAG.INTEGER, 'level', CERT), CERT),
      revision: integerNumber(expectTag(revision, DER_TAG.INTEGER, 'revision', CERT), CERT),
    };
  }
  return undefined;
}

function decodeEku(value: Uint8Array): string[] {
  const seq = expectTag(parseDer(value, CERT), DER_TAG.SEQUENCE, 'ExtKeyUsageSyntax', CERT);
  return seq.children.map((n) => oidText(n, CERT));
}

/** `id:49465800` → `IFX` (the TPM_PT_MANUFACTURER value as ASCII), when printable. */
function manufacturerAscii(id: string): string | undefined {
  const m = /^id:([0-9a-fA-F]{8})$/.exec(id);
  if (m === null) return undefined;
  const bytes = fromHex(m[1]!);
  let s = '';
  for (const b of bytes) {
    if (b === 0) continue;
    if (b < 0x20 || b > 0x7e) return undefined;
    s += String.fromCharCode(b);
  }
  return s.trim() === '' ? undefined : s.trim();
}

/**
 * Parses an EK certificate (TCG EK Credential Profile 2.5 §3): the X.509 certificate, the TPM
 * manufacturer / model / version from the subjectAltName directoryName, the TPM specification
 * from subjectDirectoryAttributes, and whether extendedKeyUsage names tcg-kp-EKCertificate.
 * Parsed data is the certificate's claim until {@link verifyEkCertificate} chained it to a root.
 *
 * @param input - the certificate, DER or PEM (as read from NV index 0x01C00002, 0x01C0000A…).
 * @returns the certificate and its TCG fields.
 * @throws {AttestError} `ERR_BAD_CERTIFICATE` (including malformed TCG extensions), and the codes
 *   of `parseCertificate`.
 * @example
 * ```ts
 * import { parseEkCertificate } from 'attestkit/tpm';
 * const ek = parseEkCertificate(nvBytes);
 * console.log(ek.tpmManufacturer, ek.tpmModel, ek.tpmVersion);
 * ```
 */
export function parseEkCertificate(input: Uint8Array | string): EkCertificate {
  if (typeof input !== 'string') assertInputBytes(input, 'input');
  return fromCertificate(parseCertificate(input));
}

function fromCertificate(certificate: X509Certificate): EkCertificate {
  const san = getExtension(certificate, EXT_OID.subjectAltName);
  const sanAttrs = san !== undefined ? decodeSan(san.value).attrs : new Map<string, string>();
  const sda = getExtension(certificate, EXT_OID.subjectDirectoryAttributes);
  const spec = sda !== undefined ? decodeSpecification(sda.value) : undefined;
  const eku = getExtension(certificate, EXT_OID.extKeyUsage);
  const ekus = eku !== undefined ? decodeEku(eku.value) : [];
  const manufacturer = sanAttrs.get(TCG_OID.tpmManufacturer);
  const model = sanAttrs.get(TCG_OID.tpmModel);
  const version = sanAttrs.get(TCG_OID.tpmVersion);
  const ascii = manufacturer !== undefined ? manufacturerAscii(manufacturer) : undefined;
  return {
    certificate,
    publicKey: certificate.publicKey,
    ...(manufacturer !== undefined ? { tpmManufacturer: manufacturer } : {}),
    ...(ascii !== undefined ? { tpmManufacturerAscii: ascii } : {}),
    ...(model !== undefined ? { tpmModel: model } : {}),
    ...(version !== undefined ? { tpmVersion: version } : {}),
    ...(spec !== undefined ? { tpmSpecification: spec } : {}),
    hasEkCertificateEku: ekus.includes(TCG_OID.ekCertificate),
    ...(san !== undefined ? { sanCritical: san.critical } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Templates

const POLICY_A_SHA256 = '837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa';
const POLICY_B_SHA256 = 'ca3d0a99a2b93906f7a3342414efcfb3a385d44cd1fd459089d19b5071c0b7a0';
const POLICY_B_SHA384 =
  'b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419cacb47ba09699646150f9fc000f3f80e12';
const POLICY_B_SHA512 =
  'b8221ca69e8550a4914de3faa6a18c072cc01208073a928d5d66d59ef79e49a429c41a6b269571d57edb25fbdb1838425608b413cd616a5f6db5b6071af99bea';

/** What a default EK template fixes (everything except `unique`). */
interface EkTemplate {
  readonly id: EkTemplateId;
  readonly type: 'rsa' | 'ecc';
  readonly nameAlg: 'sha256' | 'sha384' | 'sha512';
  readonly attributes: number;
  readonly authPolicy: string;
  readonly aesBits: number;
  readonly keyBits?: number;
  readonly curve?: 'NIST_P256' | 'NIST_P384' | 'NIST_P521';
}

const LOW = 0x000300b2;
const HIGH = 0x000300f2;

/**
 * TCG default EK templates (EK Credential Profile 2.5 Annex B.3.3 / B.3.4). H-5 (SM2 / SM3) is
 * not listed: attestkit computes no SM3.
 */
const EK_TEMPLATES: readonly EkTemplate[] = [
  {
    id: 'L-1',
    type: 'rsa',
    nameAlg: 'sha256',
    attributes: LOW,
    authPolicy: POLICY_A_SHA256,
    aesBits: 128,
    keyBits: 2048,
  },
  {
    id: 'L-2',
    type: 'ecc',
    nameAlg: 'sha256',
    attributes: LOW,
    authPolicy: POLICY_A_SHA256,
    aesBits: 128,
    curve: 'NIST_P256',
  },
  {
    id: 'H-1',
    type: 'rsa',
    nameAlg: 'sha256',
    attributes: HIGH,
    authPolicy: POLICY_B_SHA256,
    aesBits: 128,
    keyBits: 2048,
  },
  {
    id: 'H-2',
    type: 'ecc',
    nameAlg: 'sha256',
    attributes: HIGH,
    authPolicy: POLICY_B_SHA256,
    aesBits: 128,
    curve: 'NIST_P256',
  },
  {
    id: 'H-3',
    type: 'ecc',
    nameAlg: 'sha384',
    attributes: HIGH,
    authPolicy: POLICY_B_SHA384,
    aesBits: 256,
    curve: 'NIST_P384',
  },
  {
    id: 'H-4',
    type: 'ecc',
    nameAlg: 'sha512',
    attributes: HIGH,
    authPolicy: POLICY_B_SHA512,
    aesBits: 256,
    curve: 'NIST_P521',
  },
  {
    id: 'H-6',
    type: 'rsa',
    nameAlg: 'sha384',
    attributes: HIGH,
    authPolicy: POLICY_B_SHA384,
    aesBits: 256,
    keyBits: 3072,
  },
  {
    id: 'H-7',
    type: 'rsa',
    nameAlg: 'sha384',
    attributes: HIGH,
    authPolicy: POLICY_B_SHA384,
    aesBits: 256,
    keyBits: 4096,
  },
];

function matchesTemplate(p: TpmtPublic, t: EkTemplate): boolean {
  if (p.type !== t.type || p.nameAlg !== t.nameAlg) return false;
  if (p.objectAttributes.value !== t.attributes) return false;
  if (toHex(p.authPolicy) !== t.authPolicy) return false;
  const sym = p.parameters.symmetric;
  if (sym.algorithmId !== TPM_ALG.AES || sym.keyBits !== t.aesBits || sym.modeId !== TPM_ALG.CFB)
    return false;
  if (p.parameters.scheme.schemeId !== TPM_ALG.NULL) return false;
  if (p.type === 'rsa') return p.parameters.keyBits === t.keyBits && p.parameters.exponent === 0;
  return p.parameters.curve === t.curve && p.parameters.kdf.schemeId === TPM_ALG.NULL;
}

/**
 * Which TCG default EK template (EK Credential Profile 2.5 Annex B: L-1, L-2, H-1…H-4, H-6, H-7)
 * an EK public area follows: every field but `unique` must match (type, nameAlg, attributes,
 * authPolicy PolicyA/PolicyB, AES-CFB size, NULL scheme, key size / curve, exponent 0, NULL KDF).
 *
 * @param ekPublic - the EK public area (bytes or parsed).
 * @returns the template id, or undefined for a non-default template.
 * @throws {AttestError} the parse codes of `parseTpmPublic` for bytes.
 * @example
 * ```ts
 * import { ekTemplateOf } from 'attestkit/tpm';
 * ekTemplateOf(ekPub) // 'L-1' for tpm2_createek -G rsa
 * ```
 */
export function ekTemplateOf(ekPublic: Uint8Array | TpmtPublic): EkTemplateId | undefined {
  const p = publicAreaOf(ekPublic, 'ekPublic');
  return EK_TEMPLATES.find((t) => matchesTemplate(p, t))?.id;
}

// ---------------------------------------------------------------------------------------------
// Verification

const CHECKS: readonly EkCheckId[] = [
  'tpm.ek.certificate',
  'tpm.ek.end-entity',
  'tpm.ek.chain',
  'tpm.ek.eku',
  'tpm.ek.san',
  'tpm.ek.key-usage',
  'tpm.ek.public-key',
  'tpm.ek.template',
];

/**
 * Limits of the EK path search, so hostile intermediates (many certificates sharing one name and
 * key) cannot make it explode: at most `MAX_DEPTH` CA certificates above the EK certificate,
 * `MAX_CANDIDATES` same-name issuers tried for one certificate, and `MAX_ATTEMPTS` issuer trials
 * (each at most one signature verification) in the whole search.
 */
const MAX_DEPTH = 8;
const MAX_CANDIDATES = 8;
const MAX_ATTEMPTS = 128;

/**
 * Why the EK chain (or one path tried for it) was rejected: the stable `reason` of each entry of
 * `detail.issues` in the `tpm.ek.chain` check.
 */
type EkChainReason =
  /** A certificate with the issuer's name has a key that does not verify the signature. */
  | 'signature'
  /** The signature could not be checked (bad encoding, unsupported algorithm, unusable key). */
  | 'signature-error'
  /** No supplied root or intermediate issued this certificate. */
  | 'no-issuer'
  /** An issuer is not a CA (basicConstraints cA is not true). */
  | 'not-ca'
  /** An issuer's keyUsage lacks keyCertSign. */
  | 'key-cert-sign'
  /**
   * An issuer's pathLenConstraint allows fewer CA certificates than the path has below it
   * (self-issued ones not counted, RFC 5280 §6.1.4 (l)).
   */
  | 'path-length'
  /**
   * A certificate on the path (the EK certificate, an intermediate or the root) has a critical
   * extension that the EK verification does not process (RFC 5280 §4.2); the issue names the
   * `oid`.
   */
  | 'critical-extension'
  /** A certificate is expired or not yet valid at `now`. */
  | 'validity'
  /** No root within `MAX_DEPTH` CA certificates. */
  | 'depth'
  /** The search stopped at `MAX_ATTEMPTS` issuer trials or `MAX_CANDIDATES` same-name issuers. */
  | 'search-limit'
  /** A supplied root or intermediate did not parse. */
  | 'malformed-input';

interface ChainIssue {
  readonly reason: EkChainReason;
  /** Subject of the certificate the issue is about, when there is one. */
  readonly subject?: string;
  /** The extension's OID, for `critical-extension`. */
  readonly oid?: string;
  /** The error behind a `signature-error` or `malformed-input` issue (`errorDetail` shape). */
  readonly cause?: Record<string, unknown>;
  readonly message: string;
}

interface PathResult {
  readonly ok: boolean;
  readonly path: X509Certificate[];
  readonly issues: ChainIssue[];
}

type SignatureOutcome =
  { readonly verified: true } | { readonly verified: false; readonly issue: ChainIssue };

/** `code: message` of an `errorDetail` record, for an issue's message. */
function causeText(cause: Record<string, unknown>): string {
  const code = typeof cause['code'] === 'string' ? `${cause['code']}: ` : '';
  return `${code}${String(cause['message'])}`;
}

/**
 * Critical extensions the EK verification processes besides the core's basicConstraints and
 * keyUsage (RFC 5280 §4.2: a critical extension that is not recognised or cannot be processed
 * rejects the certificate; core `unprocessedCriticalExtensions`). Every certificate:
 * basicConstraints (cA and pathLenConstraint, checked on every issuer), keyUsage (keyCertSign on
 * issuers; `tpm.ek.key-usage` on the EK certificate) and certificatePolicies — attestkit takes no
 * policy inputs, and with RFC 5280 §6.1's defaults (any policy acceptable, no explicit policy
 * required) policy processing cannot reject a path unless a policyConstraints extension requires
 * an explicit policy, and policyConstraints is not accepted as critical. The EK certificate also:
 * subjectAltName (decoded into the TCG fields, `tpm.ek.san`; the EK profile marks it critical
 * when the subject is empty) and extendedKeyUsage (`tpm.ek.eku`). Everything else — an unknown
 * OID, nameConstraints, policyConstraints, inhibitAnyPolicy, policyMappings, a subjectAltName or
 * extendedKeyUsage on a CA — fails the path when critical.
 */
const CRITICAL_PROCESSED: ReadonlySet<string> = /* @__PURE__ */ new Set([
  EXT_OID.certificatePolicies,
]);
const CRITICAL_PROCESSED_EK: ReadonlySet<string> = /* @__PURE__ */ new Set([
  EXT_OID.certificatePolicies,
  EXT_OID.subjectAltName,
  EXT_OID.extKeyUsage,
]);

/** RFC 5280 §6.1: subject and issuer are the same name (a CA's key rollover, or a root). */
function isSelfIssued(c: X509Certificate): boolean {
  return equalBytes(c.subject.raw, c.issuer.raw);
}

/**
 * Builds a path from `leaf` to one of `roots` through `pool`, depth first with backtracking: every
 * certificate whose subject is the issuer name (roots first, then those valid at `now`) is a
 * candidate, so two issuers sharing a name — a cross-signed or renewed intermediate — are both
 * tried. The first path without issues wins; otherwise the most complete path tried is reported
 * with its issues and the signature failures met on it.
 */
async function buildPath(
  leaf: X509Certificate,
  pool: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date,
  cache: EkCertificateVerifyOptions['cache'],
  allowSha1 = false,
): Promise<PathResult> {
  const outcomes = new Map<X509Certificate, Map<X509Certificate, SignatureOutcome>>();
  const signatureIssues = new Map<X509Certificate, ChainIssue[]>();
  let attempts = 0;
  let limited: ChainIssue | undefined;
  let best: { path: X509Certificate[]; issues: ChainIssue[]; complete: boolean } | undefined;

  const signedBy = async (c: X509Certificate, issuer: X509Certificate): Promise<boolean> => {
    let byIssuer = outcomes.get(c);
    if (byIssuer === undefined)
      outcomes.set(c, (byIssuer = new Map<X509Certificate, SignatureOutcome>()));
    let outcome = byIssuer.get(issuer);
    if (outcome === undefined) {
      try {
        outcome = (await verifySignedBy(c, issuer, cache, { allowSha1Signatures: allowSha1 }))
          ? { verified: true }
          : {
              verified: false,
              issue: {
                reason: 'signature',
                subject: c.subject.text,
                message: `signature of "${c.subject.text}" does not verify with the key of "${issuer.subject.text}"`,
              },
            };
      } catch (e) {
        // Keep the reason (STYLE §3): a malformed signature or an unsupported algorithm must say so.
        const cause = errorDetail(e);
        outcome = {
          verified: false,
          issue: {
            reason: 'signature-error',
            subject: c.subject.text,
            cause,
            message: `signature of "${c.subject.text}" by "${issuer.subject.text}" could not be checked: ${causeText(cause)}`,
          },
        };
      }
      byIssuer.set(issuer, outcome);
      if (!outcome.verified) {
        const list = signatureIssues.get(c) ?? [];
        list.push(outcome.issue);
        signatureIssues.set(c, list);
      }
    }
    return outcome.verified;
  };

  const validity = (c: X509Certificate, role: string): ChainIssue[] => {
    const v = validityAt(c, now);
    return v === 'valid'
      ? []
      : [
          {
            reason: 'validity',
            subject: c.subject.text,
            message: `${role} "${c.subject.text}" is ${v} at ${now.toISOString()} (valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()})`,
          },
        ];
  };
  const caIssues = (c: X509Certificate, below: number): ChainIssue[] => {
    const out: ChainIssue[] = [];
    const subject = c.subject.text;
    if (c.basicConstraints?.ca !== true)
      out.push({
        reason: 'not-ca',
        subject,
        message: `"${subject}" is not a CA (basicConstraints)`,
      });
    if (c.keyUsage !== undefined && !c.keyUsage.keyCertSign)
      out.push({ reason: 'key-cert-sign', subject, message: `"${subject}" lacks keyCertSign` });
    const pl = c.basicConstraints?.pathLength;
    if (pl !== undefined && below > pl) {
      out.push({
        reason: 'path-length',
        subject,
        message: `"${subject}" pathLenConstraint ${pl} exceeded (${below} CA certificates below it that are not self-issued)`,
      });
    }
    return out;
  };
  const criticalIssues = (c: X509Certificate, role: string): ChainIssue[] => {
    const processed = c === leaf ? CRITICAL_PROCESSED_EK : CRITICAL_PROCESSED;
    // basicConstraints and keyUsage are processed on every certificate (core rule).
    return unprocessedCriticalExtensions(c, processed).map((oid): ChainIssue => ({
      reason: 'critical-extension',
      subject: c.subject.text,
      oid,
      message: `${role} "${c.subject.text}" has critical extension ${oid}, which the EK verification does not process`,
    }));
  };
  /** The issues of a path (leaf first); `complete` when its last certificate is a root. */
  const pathIssues = (path: readonly X509Certificate[], complete: boolean): ChainIssue[] => {
    const out = [...validity(leaf, 'EK certificate'), ...criticalIssues(leaf, 'EK certificate')];
    // RFC 5280 §6.1.4 (l), (m): only CA certificates that are not self-issued count against a
    // pathLenConstraint above them; the EK certificate (path[0]) never counts.
    let below = 0;
    path.forEach((c, i) => {
      if (i === 0) return;
      const role = complete && i === path.length - 1 ? 'root' : 'intermediate';
      out.push(...caIssues(c, below));
      out.push(...validity(c, role));
      out.push(...criticalIssues(c, role));
      if (!isSelfIssued(c)) below++;
    });
    return out;
  };
  const consider = (path: X509Certificate[], issues: ChainIssue[], complete: boolean): void => {
    if (
      best === undefined ||
      (complete && !best.complete) ||
      (complete === best.complete &&
        (complete ? issues.length < best.issues.length : path.length > best.path.length))
    ) {
      best = { path, issues, complete };
    }
  };
  const byValidity = (cs: X509Certificate[]): X509Certificate[] => [
    ...cs.filter((c) => validityAt(c, now) === 'valid'),
    ...cs.filter((c) => validityAt(c, now) !== 'valid'),
  ];

  /** Extends `path`; returns the first path without issues, or undefined. */
  const extend = async (path: X509Certificate[]): Promise<X509Certificate[] | undefined> => {
    const current = path[path.length - 1]!;
    if (path.length > MAX_DEPTH) {
      consider(
        path,
        [
          ...pathIssues(path, false),
          {
            reason: 'depth',
            subject: current.subject.text,
            message: `no root within ${MAX_DEPTH} CA certificates`,
          },
        ],
        false,
      );
      return undefined;
    }
    const named = (c: X509Certificate): boolean => equalBytes(current.issuer.raw, c.subject.raw);
    const candidates = [
      ...byValidity(roots.filter(named)).map((cert) => ({ cert, root: true })),
      ...byValidity(pool.filter((c) => named(c) && !path.includes(c))).map((cert) => ({
        cert,
        root: false,
      })),
    ];
    if (candidates.length > MAX_CANDIDATES && limited === undefined) {
      limited = {
        reason: 'search-limit',
        subject: current.subject.text,
        message: `${candidates.length} certificates are named "${current.issuer.text}"; only ${MAX_CANDIDATES} were tried`,
      };
    }
    let issued = false;
    for (const { cert, root } of candidates.slice(0, MAX_CANDIDATES)) {
      if (attempts >= MAX_ATTEMPTS) {
        limited ??= {
          reason: 'search-limit',
          message: `path search stopped after ${MAX_ATTEMPTS} issuer trials`,
        };
        break;
      }
      attempts++;
      if (!(await signedBy(current, cert))) continue;
      issued = true;
      const next = [...path, cert];
      if (root) {
        const issues = pathIssues(next, true);
        if (issues.length === 0) return next;
        consider(next, issues, true);
      } else {
        const found = await extend(next);
        if (found !== undefined) return found;
      }
    }
    if (!issued) {
      consider(
        path,
        [
          ...pathIssues(path, false),
          {
            reason: 'no-issuer',
            subject: current.subject.text,
            message: `no supplied root or intermediate issued "${current.subject.text}" (issuer "${current.issuer.text}")`,
          },
        ],
        false,
      );
    }
    return undefined;
  };

  const found = await extend([leaf]);
  if (found !== undefined) return { ok: true, path: found, issues: [] };
  const b = best ?? { path: [leaf], issues: [], complete: false };
  // The signature failures met on the reported path say why no other issuer was taken.
  const onPath = b.path.flatMap((c) => signatureIssues.get(c) ?? []);
  return {
    ok: false,
    path: b.path,
    issues: [...onPath, ...b.issues, ...(limited !== undefined ? [limited] : [])],
  };
}

function parseAll(
  input: EkCertificateVerifyOptions['roots'] | undefined,
  what: string,
  issues: ChainIssue[],
): X509Certificate[] {
  if (input === undefined) return [];
  const out: X509Certificate[] = [];
  let ders: Uint8Array[];
  try {
    ders = dersFromInput(input, typeof input === 'string' ? 'CERTIFICATE' : undefined);
  } catch (e) {
    const cause = errorDetail(e);
    issues.push({ reason: 'malformed-input', cause, message: `${what}: ${causeText(cause)}` });
    return out;
  }
  ders.forEach((d, i) => {
    try {
      out.push(parseCertificate(d));
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      issues.push({
        reason: 'malformed-input',
        cause: errorDetail(e),
        message: `${what} ${i} is malformed: ${e.message}`,
      });
    }
  });
  return out;
}

/**
 * Why the EK certificate is not an end-entity certificate: the stable `reason` of each entry of
 * `detail.problems` in the `tpm.ek.end-entity` check.
 */
type EndEntityReason =
  /** Not an X.509 v3 certificate (the EK profile §3.2 requires v3 and its extensions). */
  | 'version'
  /** basicConstraints cA is TRUE. */
  | 'ca'
  /** keyUsage has keyCertSign or cRLSign (a key that signs certificates or CRLs). */
  | 'ca-key-usage'
  /** subject and issuer are the same name (a root or a CA's key rollover certificate). */
  | 'self-issued'
  /** The certificate is one of the supplied roots or intermediates (same subject and key). */
  | 'supplied-ca';

/**
 * The certificates of a roots / intermediates input that parse (the chain check reports those
 * that do not).
 */
function parsedQuietly(input: EkCertificateVerifyOptions['roots'] | undefined): X509Certificate[] {
  if (input === undefined) return [];
  let ders: Uint8Array[];
  try {
    ders = dersFromInput(input, typeof input === 'string' ? 'CERTIFICATE' : undefined);
  } catch {
    return [];
  }
  const out: X509Certificate[] = [];
  for (const d of ders) {
    try {
      out.push(parseCertificate(d));
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
    }
  }
  return out;
}

/**
 * The reasons `c` cannot be an EK certificate: an EK certificate certifies the TPM's key, so it
 * is an X.509 v3 end-entity certificate (EK Credential Profile 2.5 §3.2: basicConstraints cA
 * FALSE) — never a CA certificate, a root, or one of the CAs the caller supplied, whose own
 * chain would otherwise "verify" it as an EK.
 */
function endEntityProblems(
  c: X509Certificate,
  cas: readonly X509Certificate[],
): { reason: EndEntityReason; message: string }[] {
  const out: { reason: EndEntityReason; message: string }[] = [];
  if (c.version !== 3) out.push({ reason: 'version', message: `X.509 v${c.version}, not v3` });
  if (c.basicConstraints?.ca === true)
    out.push({ reason: 'ca', message: 'basicConstraints cA is TRUE (a CA certificate)' });
  const ku = c.keyUsage;
  if (ku !== undefined && (ku.keyCertSign || ku.cRLSign)) {
    const bits = [ku.keyCertSign ? 'keyCertSign' : '', ku.cRLSign ? 'cRLSign' : ''].filter(
      (b) => b !== '',
    );
    out.push({ reason: 'ca-key-usage', message: `keyUsage has ${bits.join(' and ')}` });
  }
  if (isSelfIssued(c))
    out.push({ reason: 'self-issued', message: `subject and issuer are both "${c.subject.text}"` });
  if (
    cas.some(
      (ca) =>
        equalBytes(ca.raw, c.raw) ||
        (equalBytes(ca.subject.raw, c.subject.raw) && equalBytes(ca.spki, c.spki)),
    )
  )
    out.push({
      reason: 'supplied-ca',
      message: `it is one of the supplied roots or intermediates ("${c.subject.text}")`,
    });
  return out;
}

/**
 * Why a TPM public area is not an EK, or undefined when it is one: an EK is a restricted
 * decryption key (restricted and decrypt set, sign clear; TPM 2.0 Part 1 §24 and what
 * makeCredential needs). A restricted signing key is an AK: with an AK certificate from an EK CA
 * (GCE issues those) it would otherwise pass as a certified EK.
 */
function notAnEk(
  pub: TpmtPublic,
): { message: string; detail: Record<string, unknown> } | undefined {
  const { restricted, decrypt, sign, names } = pub.objectAttributes;
  if (restricted && decrypt && !sign) return undefined;
  return {
    message: `ekPublic is not a restricted decryption key (restricted ${String(restricted)}, decrypt ${String(decrypt)}, sign ${String(sign)}; an EK has restricted and decrypt set and sign clear)`,
    detail: {
      expected: { restricted: true, decrypt: true, sign: false },
      actual: { restricted, decrypt, sign },
      objectAttributes: names,
    },
  };
}

function isCertInput(v: unknown): boolean {
  return (
    typeof v === 'string' ||
    v instanceof Uint8Array ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string' || x instanceof Uint8Array))
  );
}

/**
 * Verifies an EK certificate (TCG EK Credential Profile 2.5 §3) against TPM vendor roots the
 * caller supplies. Checks (`tpm.ek.*`): certificate (parses, TCG fields decode), end-entity (an
 * X.509 v3 certificate that is not a CA — basicConstraints cA TRUE or keyUsage keyCertSign /
 * cRLSign fail it —, not self-issued and not one of the supplied roots or intermediates; on
 * failure `detail.problems` lists `{ reason, message }`), chain (a path
 * through the given intermediates to one of `roots`: issuer names, signatures, validity at `now`,
 * CA constraints — basicConstraints cA, keyUsage keyCertSign, pathLenConstraint (self-issued
 * intermediates not counted, RFC 5280 §6.1.4) — and no critical extension the verification does
 * not process on any certificate of the path, the root included (RFC 5280 §4.2); every issuer
 * sharing a name is tried, so a cross-signed or renewed intermediate does not hide a valid path;
 * on failure `detail.issues` lists `{ reason, subject?, oid?, cause?, message }` with a stable
 * `reason` such as `signature-error`, `key-cert-sign`, `path-length` or `critical-extension`),
 * eku (tcg-kp-EKCertificate; absent is a warning), san (TCG manufacturer / model / version;
 * absent is a warning), key-usage (keyEncipherment for RSA, keyAgreement for ECC, the usage of a
 * decryption key; a keyUsage without that bit fails and makes the check required — an AK
 * certificate issued by an EK CA, as GCE issues them, is not an EK certificate — while an absent
 * keyUsage is a warning), public-key (when `ekPublic` is given: it equals the certified key and is
 * a restricted decryption key — restricted and decrypt set, sign clear, as makeCredential needs;
 * an AK's public area fails) and template (the EK follows a TCG default template; a warning unless
 * `requireDefaultTemplate`). An RSA key in the path with a public exponent above 2^32 − 1 does not
 * parse (`malformed-input`), so no path trial costs more than an ordinary signature check.
 *
 * @param evidence - the EK certificate, intermediates and optionally the EK public area.
 * @param options - `roots` (required), `now`, `requireDefaultTemplate`, `allowSha1`, `cache`.
 * @returns the ledger, the parsed EK certificate, the verified path and the template id.
 * @throws {TypeError} for arguments of the wrong type (e.g. missing `roots`).
 * @example
 * ```ts
 * import { verifyEkCertificate } from 'attestkit/tpm';
 * const r = await verifyEkCertificate({ certificate: ekCertDer, ekPublic }, { roots: vendorRootsPem });
 * if (r.ok) console.log(r.ek?.tpmManufacturerAscii, r.template);
 * ```
 */
export async function verifyEkCertificate(
  evidence: EkCertificateEvidence,
  options: EkCertificateVerifyOptions,
): Promise<EkCertificateVerification> {
  if (typeof evidence !== 'object' || evidence === null || !isCertInput(evidence.certificate)) {
    throw new TypeError('evidence.certificate must be DER bytes or PEM text');
  }
  if (typeof options !== 'object' || options === null || !isCertInput(options.roots)) {
    throw new TypeError('options.roots (DER, PEM or an array of them) is required');
  }
  if (evidence.intermediates !== undefined && !isCertInput(evidence.intermediates)) {
    throw new TypeError('evidence.intermediates must be DER, PEM or an array of them');
  }
  const ekp = evidence.ekPublic as unknown;
  if (
    ekp !== undefined &&
    !(ekp instanceof Uint8Array) &&
    (typeof ekp !== 'object' || ekp === null || !((ekp as TpmtPublic).raw instanceof Uint8Array))
  ) {
    throw new TypeError('evidence.ekPublic must be TPMT_PUBLIC / TPM2B_PUBLIC bytes or parsed');
  }
  if (options.now !== undefined) assertValidNow(options.now, 'options.now');
  const now = options.now ?? new Date();

  const ledger = createLedger(
    CHECKS.map((id) => ({ id, required: id === 'tpm.ek.certificate' || id === 'tpm.ek.chain' })),
  );
  let ek: EkCertificate | undefined;
  try {
    ek = parseEkCertificate(evidence.certificate);
    ledger.pass(
      'tpm.ek.certificate',
      `EK certificate "${ek.certificate.subject.text}" serial ${ek.certificate.serialHex}`,
      {
        issuer: ek.certificate.issuer.text,
        keyKind: ek.publicKey.kind,
      },
    );
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    ledger.fail('tpm.ek.certificate', `EK certificate is malformed: ${e.message}`, errorDetail(e));
  }

  // A CA certificate, or a supplied root or intermediate, chains to the roots too: without this
  // check the vendor's own CA certificate (with an ekPublic around its key) passes as an EK.
  ledger.require('tpm.ek.end-entity');
  if (ledger.dependsOn('tpm.ek.end-entity', 'tpm.ek.certificate') && ek !== undefined) {
    const cas = [...parsedQuietly(options.roots), ...parsedQuietly(evidence.intermediates)];
    const problems = endEntityProblems(ek.certificate, cas);
    if (problems.length === 0)
      ledger.pass('tpm.ek.end-entity', 'an X.509 v3 end-entity certificate, not a CA');
    else
      ledger.fail(
        'tpm.ek.end-entity',
        `not an EK (end-entity) certificate: ${problems.map((p) => p.message).join('; ')}`,
        { problems },
      );
  }

  let path: X509Certificate[] | undefined;
  if (ledger.dependsOn('tpm.ek.chain', 'tpm.ek.certificate') && ek !== undefined) {
    const inputIssues: ChainIssue[] = [];
    const roots = parseAll(options.roots, 'root', inputIssues);
    const pool = parseAll(evidence.intermediates, 'intermediate', inputIssues);
    if (roots.length === 0) {
      ledger.fail('tpm.ek.chain', 'no usable root certificate was supplied', {
        problems: inputIssues.map((i) => i.message),
        issues: inputIssues,
      });
    } else {
      const r = await buildPath(ek.certificate, pool, roots, now, options.cache, options.allowSha1);
      path = r.path;
      const issues = [...r.issues, ...(r.ok ? [] : inputIssues)];
      const problems = issues.map((i) => i.message);
      ledger.result(
        'tpm.ek.chain',
        r.ok,
        r.ok
          ? `chains to "${r.path[r.path.length - 1]!.subject.text}" (${r.path.length} certificates)`
          : problems.join('; '),
        {
          path: r.path.map((c) => c.subject.text),
          ...(issues.length > 0 ? { problems, issues } : {}),
        },
      );
    }
  }

  if (ledger.dependsOn('tpm.ek.eku', 'tpm.ek.certificate') && ek !== undefined) {
    const eku = getExtension(ek.certificate, EXT_OID.extKeyUsage);
    if (ek.hasEkCertificateEku)
      ledger.pass('tpm.ek.eku', 'extendedKeyUsage is tcg-kp-EKCertificate');
    else if (eku === undefined)
      ledger.warn(
        'tpm.ek.eku',
        'no extendedKeyUsage (the EK profile asks for tcg-kp-EKCertificate)',
      );
    else
      ledger.fail(
        'tpm.ek.eku',
        'extendedKeyUsage does not include tcg-kp-EKCertificate (2.23.133.8.1)',
      );
  }

  if (ledger.dependsOn('tpm.ek.san', 'tpm.ek.certificate') && ek !== undefined) {
    const missing = [
      ek.tpmManufacturer === undefined ? 'tpmManufacturer' : '',
      ek.tpmModel === undefined ? 'tpmModel' : '',
      ek.tpmVersion === undefined ? 'tpmVersion' : '',
    ].filter((s) => s !== '');
    const detail = {
      ...(ek.tpmManufacturer !== undefined ? { tpmManufacturer: ek.tpmManufacturer } : {}),
      ...(ek.tpmModel !== undefined ? { tpmModel: ek.tpmModel } : {}),
      ...(ek.tpmVersion !== undefined ? { tpmVersion: ek.tpmVersion } : {}),
      ...(ek.tpmSpecification !== undefined ? { tpmSpecification: ek.tpmSpecification } : {}),
    };
    if (missing.length === 0) {
      ledger.pass(
        'tpm.ek.san',
        `TPM ${ek.tpmManufacturerAscii ?? ek.tpmManufacturer ?? ''} model ${ek.tpmModel ?? ''} version ${ek.tpmVersion ?? ''}`,
        detail,
      );
    } else {
      ledger.warn('tpm.ek.san', `subjectAltName lacks ${missing.join(', ')}`, detail);
    }
  }

  if (ledger.dependsOn('tpm.ek.key-usage', 'tpm.ek.certificate') && ek !== undefined) {
    const ku = ek.certificate.keyUsage;
    const want = ek.publicKey.kind === 'rsa' ? 'keyEncipherment' : 'keyAgreement';
    if (ku === undefined) {
      ledger.warn(
        'tpm.ek.key-usage',
        `no keyUsage extension, so the certificate does not say what the key is for (the EK profile asks for ${want}); a warning, not a failure, when the extension is absent`,
      );
    } else {
      // A keyUsage that names the key's use and leaves out the EK's (a decryption key) certifies
      // some other key: GCE issues its AK certificates from the EK CA with the EK purpose and
      // keyUsage digitalSignature only, and such a certificate must not pass as an EK's.
      ledger.require('tpm.ek.key-usage');
      const actual = KEY_USAGE_BITS.filter((b) => ku[b]);
      if (ku[want]) ledger.pass('tpm.ek.key-usage', `keyUsage has ${want}`);
      else
        ledger.fail(
          'tpm.ek.key-usage',
          `keyUsage lacks ${want}: ${actual.length > 0 ? actual.join(', ') : 'no bit set'} is not the use of an ${ek.publicKey.kind === 'rsa' ? 'RSA' : 'ECC'} EK (a decryption key)`,
          { expected: want, actual },
        );
    }
  }

  let template: EkTemplateId | undefined;
  if (ekp === undefined) {
    ledger.skip('tpm.ek.public-key', 'no ekPublic given');
    ledger.skip('tpm.ek.template', 'no ekPublic given');
  } else {
    ledger.require('tpm.ek.public-key');
    let pub: TpmtPublic | undefined;
    let key: PublicKeyInfo | undefined;
    try {
      pub = publicAreaOf(ekp as Uint8Array | TpmtPublic, 'evidence.ekPublic');
      key = tpmPublicKey(pub);
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      ledger.fail('tpm.ek.public-key', `ekPublic is malformed: ${e.message}`, errorDetail(e));
    }
    const notEk = pub !== undefined ? notAnEk(pub) : undefined;
    if (key !== undefined && notEk !== undefined && ek === undefined) {
      ledger.fail('tpm.ek.public-key', notEk.message, notEk.detail);
    } else if (
      key !== undefined &&
      ledger.dependsOn('tpm.ek.public-key', 'tpm.ek.certificate') &&
      ek !== undefined
    ) {
      const same = samePublicKey(key, ek.publicKey);
      const keys = { expected: publicKeyToJwk(ek.publicKey), actual: publicKeyToJwk(key) };
      if (notEk !== undefined)
        ledger.fail(
          'tpm.ek.public-key',
          `${notEk.message}, ${same ? 'though it is' : 'and it is not'} the certified key`,
          same ? notEk.detail : { ...notEk.detail, keys },
        );
      else
        ledger.result(
          'tpm.ek.public-key',
          same,
          same ? "the TPM's EK is the certified key" : "the TPM's EK is not the certified key",
          same ? undefined : keys,
        );
    }
    if (pub === undefined) ledger.dependsOn('tpm.ek.template', 'tpm.ek.public-key');
    else {
      template = ekTemplateOf(pub);
      if (template !== undefined)
        ledger.pass('tpm.ek.template', `EK follows the TCG default template ${template}`);
      else if (options.requireDefaultTemplate === true) {
        ledger.require('tpm.ek.template');
        ledger.fail('tpm.ek.template', 'EK follows no TCG default template');
      } else
        ledger.warn(
          'tpm.ek.template',
          'EK follows no TCG default template (non-default templates are allowed)',
        );
    }
  }

  const { ok, checks } = ledger.finish();
  return {
    ok,
    checks,
    ...(ek !== undefined ? { ek } : {}),
    ...(path !== undefined ? { path: path.map((c) => c.subject.text) } : {}),
    ...(template !== undefined ? { template } : {}),
  };
}
