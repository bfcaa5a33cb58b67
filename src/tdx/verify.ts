/**
 * @module
 * `verifyTdxQuote`: every step of Intel's DCAP quote verification, collected in one ledger —
 * header, quote signature (attestation key), QE report signature (PCK key) and report-data
 * binding, PCK chain to the pinned Intel SGX Root CA, Root CA and PCK CRLs, TCB info and QE
 * identity (signature by the TCB Signing chain over the exact signed bytes, dates, FMSPC, PCE ID,
 * QE identity), TCB level matching with the TDX module identity and status merging, then the
 * caller's policy. Follows Intel's Quote Verification Library (DCAP 1.2x) and the Intel TDX DCAP
 * Quoting Library API; see docs/tdx.md for the order and the meaning of each status.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, isAllZero, concatBytes } from '../core/bytes.js';
import { assertValidNow, createLedger, type CheckSpec, type Ledger } from '../core/checks.js';
import { sha256Digest, ecKeyFromPoint, verifySignature } from '../core/crypto.js';
import { equalBytes, fromHex, toHex, utf8Decode } from '../core/encoding.js';
import {
  checkCrl,
  criticalExtensionProblems,
  parseCertificates,
  parseCrl,
  revokedSerialLookup,
  spkiSha256,
  validityAt,
  verifyChain,
  verifySignedBy,
  type X509Certificate,
  type X509Crl,
} from '../core/x509.js';
import type { AttestCache } from '../core/cache.js';
import { copyPlain } from '../core/share.js';
import { parseTdxQuote } from './parse.js';
import { parseQeIdentity, parseTcbInfo } from './collateral.js';
import { parsePckExtensions } from './pck.js';
import { INTEL_CN, INTEL_QE_VENDOR_ID, TEE_TYPE_SGX, TEE_TYPE_TDX } from './layout.js';
import { DEFAULT_TDX_ROOT_PINS } from './roots.js';
import {
  bytesMemo,
  contentMemo,
  derivedMemo,
  isoTime,
  windowMemo,
  type MemoEntry,
  type NearSlot,
  type Windowed,
} from './memo.js';
import {
  convergeStatus,
  isRelaunchAdvised,
  matchPlatformTcb,
  matchQeTcb,
  matchTdxModule,
  type IsvSvnMatch,
  type TdxModuleMatch,
} from './tcb.js';
import { applyTdxPolicy, assertTdxPolicy } from './policy.js';
import type {
  BytesLike,
  PckCa,
  PckExtensions,
  QeIdentity,
  TcbInfo,
  TdReportBody,
  TdxCheckId,
  TdxCollateral,
  TdxEvidence,
  TdxPolicy,
  TdxQuote,
  TdxTcbEvaluation,
  TdxTcbStatus,
  TdxVerification,
  TdxVerifyOptions,
  TeeKind,
} from './types.js';

const CHECKS: readonly CheckSpec<TdxCheckId>[] = [
  { id: 'tdx.quote.parse', required: true },
  { id: 'tdx.quote.header', required: true },
  { id: 'tdx.quote.tee', required: true },
  { id: 'tdx.quote.signature', required: true },
  { id: 'tdx.chain.pck', required: true },
  { id: 'tdx.pck.extensions', required: true },
  { id: 'tdx.qe.report-signature', required: true },
  { id: 'tdx.qe.report-data', required: true },
  { id: 'tdx.crl.root' },
  { id: 'tdx.crl.pck' },
  { id: 'tdx.tcb-info.signature' },
  { id: 'tdx.tcb-info.validity' },
  { id: 'tdx.tcb-info.match' },
  { id: 'tdx.qe-identity.signature' },
  { id: 'tdx.qe-identity.validity' },
  { id: 'tdx.qe.identity' },
  { id: 'tdx.qe.tcb' },
  { id: 'tdx.tcb.module' },
  { id: 'tdx.tcb.status' },
  { id: 'tdx.policy.debug' },
  { id: 'tdx.policy.sept-ve-disable' },
  { id: 'tdx.policy.migratable' },
  { id: 'tdx.policy.td-attributes' },
  { id: 'tdx.policy.xfam' },
  { id: 'tdx.policy.mr-td' },
  { id: 'tdx.policy.rtmr0' },
  { id: 'tdx.policy.rtmr1' },
  { id: 'tdx.policy.rtmr2' },
  { id: 'tdx.policy.rtmr3' },
  { id: 'tdx.policy.mr-seam' },
  { id: 'tdx.policy.mr-signer-seam' },
  { id: 'tdx.policy.seam-attributes' },
  { id: 'tdx.policy.mr-config-id' },
  { id: 'tdx.policy.mr-owner' },
  { id: 'tdx.policy.mr-owner-config' },
  { id: 'tdx.policy.report-data' },
  { id: 'tdx.policy.tee-tcb-svn' },
  { id: 'tdx.policy.qe-svn' },
  { id: 'tdx.policy.pce-svn' },
  { id: 'tdx.policy.mr-service-td' },
  { id: 'tdx.policy.tcb-evaluation-number' },
  { id: 'tdx.policy.mr-enclave' },
  { id: 'tdx.policy.mr-signer' },
  { id: 'tdx.policy.isv-prod-id' },
  { id: 'tdx.policy.isv-svn' },
];

/**
 * Every check id {@link verifyTdxQuote} reports, in report order. Exported from `attestkit/tdx`.
 *
 * @example
 * ```ts
 * TDX_CHECK_IDS.includes('tdx.tcb.status') // true
 * ```
 */
export const TDX_CHECK_IDS: readonly TdxCheckId[] = /* @__PURE__ */ Object.freeze(
  CHECKS.map((c) => c.id),
);

const COLLATERAL_CHECKS: readonly TdxCheckId[] = [
  'tdx.crl.root',
  'tdx.crl.pck',
  'tdx.tcb-info.signature',
  'tdx.tcb-info.validity',
  'tdx.tcb-info.match',
  'tdx.qe-identity.signature',
  'tdx.qe-identity.validity',
  'tdx.qe.identity',
  'tdx.qe.tcb',
  'tdx.tcb.status',
];

const DEFAULT_ACCEPTED: readonly TdxTcbStatus[] = /* @__PURE__ */ Object.freeze([
  'UpToDate',
] as TdxTcbStatus[]);
const INTEL_QE_VENDOR_ID_HEX: string = /* @__PURE__ */ toHex(INTEL_QE_VENDOR_ID);
const DEFAULT_PINS: readonly Uint8Array[] = /* @__PURE__ */ DEFAULT_TDX_ROOT_PINS.map(fromHex);
const DEFAULT_PINS_KEY: string = /* @__PURE__ */ DEFAULT_TDX_ROOT_PINS.join(',');
const ALL_STATUSES: ReadonlySet<string> = /* @__PURE__ */ new Set<TdxTcbStatus>([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
  'NoMatchingTcbLevel',
]);

/** A result object under construction (its readonly fields assigned one by one). */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

const cnOf = (c: X509Certificate): string | undefined =>
  c.subject.attributes.find((a) => a.type === 'CN')?.value;
const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const causeDetail = (e: unknown): { cause: unknown } => ({
  cause:
    e instanceof AttestError ? { code: e.code, offset: e.offset, message: e.message } : describe(e),
});

// ---------------------------------------------------------------------------------------------
// PCK chain (from the quote) and collateral issuer chains

interface PckChain {
  readonly leaf: X509Certificate;
  readonly intermediate: X509Certificate;
  readonly root: X509Certificate;
  readonly ca: PckCa;
  /** SHA-256 of each certificate's DER: identifies the exact issuer in derived cache keys. */
  readonly ids: { readonly root: string; readonly intermediate: string };
  readonly pck?: PckExtensions;
  /** FMSPC and PCE ID of `pck` in hex, as every verification reports them. */
  readonly pckHex?: { readonly fmspc: string; readonly pceId: string };
  readonly pckError?: unknown;
}

function pemText(data: Uint8Array): string {
  // Intel's QE NUL-terminates the PEM text and counts the NUL in the size.
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return utf8Decode(data.subarray(0, end));
}

function parsePckChain(data: Uint8Array): PckChain {
  const certs = parseCertificates(pemText(data));
  if (certs.length !== 3) {
    throw new AttestError('ERR_BAD_CERTIFICATE', {
      field: 'PCK_CERT_CHAIN',
      message: `the PCK chain must hold 3 certificates (leaf, PCK CA, root), found ${certs.length}`,
    });
  }
  const selfIssued = (c: X509Certificate): boolean => equalBytes(c.issuer.raw, c.subject.raw);
  const root = certs.find(selfIssued);
  const issues = (a: X509Certificate, b: X509Certificate): boolean =>
    equalBytes(b.issuer.raw, a.subject.raw);
  const leaf = certs.find((c) => c !== root && !certs.some((o) => o !== c && issues(c, o)));
  const intermediate = certs.find((c) => c !== root && c !== leaf);
  if (root === undefined || leaf === undefined || intermediate === undefined) {
    throw new AttestError('ERR_BAD_CERTIFICATE', {
      field: 'PCK_CERT_CHAIN',
      message: 'cannot order the PCK chain into leaf → PCK CA → self-signed root',
    });
  }
  let pck: PckExtensions | undefined;
  let pckError: unknown;
  try {
    pck = parsePckExtensions(leaf);
  } catch (e) {
    pckError = e;
  }
  return {
    leaf,
    intermediate,
    root,
    ca: cnOf(intermediate) === INTEL_CN.PCK_PROCESSOR_CA ? 'processor' : 'platform',
    ids: {
      root: toHex(sha256Digest(root.raw)),
      intermediate: toHex(sha256Digest(intermediate.raw)),
    },
    ...(pck !== undefined
      ? { pck, pckHex: { fmspc: toHex(pck.fmspc), pceId: toHex(pck.pceId) } }
      : {}),
    ...(pckError !== undefined ? { pckError } : {}),
  };
}

interface QeReportDataBinding {
  /** REPORTDATA[0:32] is SHA-256(attestation key ‖ QE auth data). */
  readonly first: boolean;
  /** REPORTDATA[32:64] is zero. */
  readonly rest: boolean;
  readonly expectedHex: string;
  readonly actualHex: string;
}

interface SigningChain {
  readonly signer: X509Certificate;
  readonly root?: X509Certificate;
  readonly signerId: string;
  /** `sig:` and the signer id: where a document's signature check by this signer is kept. */
  readonly signatureKey: string;
  /** SHA-256 of the root's DER, when the issuer chain holds the root. */
  readonly rootId?: string;
}

/** Decodes an issuer-chain header value: PEM, or the percent-encoded PEM PCS sends. */
function issuerChainText(text: string): string {
  if (/-----BEGIN [A-Z]/.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new AttestError('ERR_BAD_ENCODING', {
      message: 'issuer chain is neither PEM nor percent-encoded PEM',
      cause,
    });
  }
}

function parseSigningChain(text: string): SigningChain {
  const certs = parseCertificates(issuerChainText(text));
  const root = certs.find((c) => equalBytes(c.issuer.raw, c.subject.raw));
  const signers = certs.filter((c) => c !== root);
  if (signers.length !== 1) {
    throw new AttestError('ERR_BAD_CERTIFICATE', {
      field: 'ISSUER_CHAIN',
      message: `the issuer chain must hold one signing certificate and the root, found ${certs.length} certificates`,
    });
  }
  const signer = signers[0]!;
  const signerId = toHex(sha256Digest(signer.raw));
  return {
    signer,
    ...(root !== undefined ? { root, rootId: toHex(sha256Digest(root.raw)) } : {}),
    signerId,
    signatureKey: `sig:${signerId}`,
  };
}

interface LinkVerdict {
  readonly ok: boolean;
  readonly message: string;
  readonly problems: readonly string[];
}

type PckChainVerdict = LinkVerdict & { readonly detail?: unknown };

function verifyPckChain(
  entry: MemoEntry<PckChain>,
  pins: readonly Uint8Array[],
  pinsKey: string,
  now: Date,
  cache: AttestCache | undefined,
): PckChainVerdict | Promise<PckChainVerdict> {
  const c = entry.value;
  return windowMemo(entry, ['chain', pinsKey], now, async () => {
    const r = await verifyChain({
      root: c.root,
      intermediate: c.intermediate,
      leaf: c.leaf,
      rootPins: pins,
      now,
      ...(cache !== undefined ? { cache } : {}),
    });
    const problems = [
      ...r.root.problems.map((p) => `root: ${p}`),
      ...r.intermediate.problems.map((p) => `PCK CA: ${p}`),
      ...r.leaf.problems.map((p) => `PCK leaf: ${p}`),
    ];
    if (cnOf(c.leaf) !== INTEL_CN.PCK_LEAF)
      problems.push(`PCK leaf CN is "${cnOf(c.leaf) ?? ''}", expected "${INTEL_CN.PCK_LEAF}"`);
    const caCn = cnOf(c.intermediate);
    if (caCn !== INTEL_CN.PCK_PLATFORM_CA && caCn !== INTEL_CN.PCK_PROCESSOR_CA) {
      problems.push(
        `PCK CA CN is "${caCn ?? ''}", expected "${INTEL_CN.PCK_PLATFORM_CA}" or "${INTEL_CN.PCK_PROCESSOR_CA}"`,
      );
    }
    const ok = problems.length === 0;
    const detail = {
      leaf: {
        subject: c.leaf.subject.text,
        serial: c.leaf.serialHex,
        notAfter: c.leaf.notAfter.toISOString(),
      },
      intermediate: { subject: c.intermediate.subject.text, serial: c.intermediate.serialHex },
      root: { subject: c.root.subject.text, spkiSha256: toHex(spkiSha256(c.root)) },
      ...(ok ? {} : { problems }),
    };
    const result = {
      ok,
      message: ok ? `PCK leaf → ${caCn ?? 'PCK CA'} → pinned root verified` : problems.join('; '),
      problems,
      detail,
    };
    const certs = [c.leaf, c.intermediate, c.root];
    const window: [number, number] = [
      Math.max(...certs.map((x) => x.notBefore.getTime())),
      Math.min(...certs.map((x) => x.notAfter.getTime())),
    ];
    return ok ? { result, window } : { result };
  });
}

function verifySigningChain(
  entry: MemoEntry<SigningChain>,
  fallback: { readonly root: X509Certificate; readonly id: string } | undefined,
  pins: readonly Uint8Array[],
  pinsKey: string,
  now: Date,
  cache: AttestCache | undefined,
): LinkVerdict | Promise<LinkVerdict> {
  const { signer } = entry.value;
  const root = entry.value.root ?? fallback?.root;
  const rootId = entry.value.rootId ?? fallback?.id ?? 'none';
  return windowMemo(
    entry,
    ['chain', pinsKey, rootId],
    now,
    async (): Promise<Windowed<LinkVerdict>> => {
      const problems: string[] = [];
      if (root === undefined) {
        problems.push('no root certificate in the issuer chain or the PCK chain');
        return { result: { ok: false, message: problems.join('; '), problems } };
      }
      const pin = spkiSha256(root);
      if (!pins.some((p) => equalBytes(p, pin)))
        problems.push(`root key ${toHex(pin)} is not pinned`);
      const check = async (
        cert: X509Certificate,
        issuer: X509Certificate,
        what: string,
      ): Promise<void> => {
        if (!equalBytes(cert.issuer.raw, issuer.subject.raw))
          problems.push(`${what}: issuer "${cert.issuer.text}" is not "${issuer.subject.text}"`);
        try {
          if (!(await verifySignedBy(cert, issuer, cache)))
            problems.push(`${what}: signature does not verify with the root key`);
        } catch (e) {
          problems.push(`${what}: signature could not be checked: ${describe(e)}`);
        }
        const v = validityAt(cert, now);
        if (v !== 'valid') {
          problems.push(
            `${what}: ${v} at ${now.toISOString()} (valid ${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`,
          );
        }
        for (const p of criticalExtensionProblems(cert)) problems.push(`${what}: ${p}`);
      };
      await check(root, root, 'root');
      await check(signer, root, 'TCB Signing certificate');
      if (cnOf(signer) !== INTEL_CN.TCB_SIGNING)
        problems.push(`signer CN is "${cnOf(signer) ?? ''}", expected "${INTEL_CN.TCB_SIGNING}"`);
      if (signer.keyUsage !== undefined && !signer.keyUsage.digitalSignature)
        problems.push('TCB Signing certificate keyUsage lacks digitalSignature');
      if (signer.publicKey.kind !== 'ec' || signer.publicKey.curve !== 'P-256')
        problems.push('TCB Signing key is not P-256');
      const ok = problems.length === 0;
      const result = {
        ok,
        message: ok ? 'TCB Signing certificate chains to the pinned root' : problems.join('; '),
        problems,
      };
      if (!ok) return { result };
      return {
        result,
        window: [
          Math.max(signer.notBefore.getTime(), root.notBefore.getTime()),
          Math.min(signer.notAfter.getTime(), root.notAfter.getTime()),
        ],
      };
    },
  );
}

// ---------------------------------------------------------------------------------------------
// CRLs

function crlFromInput(input: Uint8Array | string): X509Crl {
  if (typeof input === 'string') {
    const t = input.trim();
    if (/^[0-9a-fA-F]+$/.test(t)) return parseCrl(fromHex(t));
    return parseCrl(t);
  }
  return parseCrl(input);
}

type CrlVerdict = {
  ok: boolean;
  problems: readonly string[];
};

/**
 * The CRL's own verdict (signature, issuer, dates, extensions), kept for the interval in which it
 * holds. Serials are looked up per call (see `crlCheck`): a memo path keyed by them would let
 * collateral with ever new certificates grow the cached CRL's entry without bound.
 */
function checkCrlWindowed(
  entry: MemoEntry<X509Crl>,
  issuer: X509Certificate,
  issuerId: string,
  now: Date,
  maxAgeMs: number | undefined,
  cache: AttestCache | undefined,
): CrlVerdict | Promise<CrlVerdict> {
  const crl = entry.value;
  return windowMemo(entry, ['check', issuerId, maxAgeMs ?? ''], now, async () => {
    const r = await checkCrl(crl, issuer, [], {
      now,
      ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      ...(cache !== undefined ? { cache } : {}),
    });
    const result = { ok: r.ok, problems: r.problems };
    // checkCrl refuses a CRL without nextUpdate, so an ok verdict always has an end.
    if (!r.ok || crl.nextUpdate === undefined) return { result };
    const from = crl.thisUpdate.getTime();
    const to = Math.min(
      crl.nextUpdate.getTime(),
      maxAgeMs !== undefined ? from + maxAgeMs : Infinity,
    );
    return { result, window: [from, to] };
  });
}

/** The detail of a CRL check, built without object spreads (this runs on every warm call). */
function crlDetail(
  entry: MemoEntry<X509Crl>,
  serials: readonly string[],
  revokedSerials: readonly string[],
  problems: readonly string[],
): Record<string, unknown> {
  const crl = entry.value;
  const detail: Record<string, unknown> = {
    issuer: crl.issuer.text,
    thisUpdate: isoTime(entry, crl.thisUpdate),
  };
  if (crl.nextUpdate !== undefined) detail.nextUpdate = isoTime(entry, crl.nextUpdate);
  // Copies: a result's reader must not be able to edit what later checks of this call read.
  detail.checkedSerials = [...serials];
  detail.revokedSerials = [...revokedSerials];
  if (problems.length > 0) detail.problems = [...problems];
  return detail;
}

// ---------------------------------------------------------------------------------------------
// Inputs

function toPin(p: BytesLike): Uint8Array {
  if (p instanceof Uint8Array) {
    if (p.length !== 32) throw new TypeError('rootPins entries must be 32-byte SHA-256 values');
    return p;
  }
  if (typeof p === 'string' && /^[0-9a-fA-F]{64}$/.test(p)) return fromHex(p);
  throw new TypeError('rootPins entries must be 32 bytes or 64 hex digits');
}

function assertOptions(options: unknown): asserts options is TdxVerifyOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('options must be an object');
  }
  const o = options as TdxVerifyOptions;
  if (o.now !== undefined) assertValidNow(o.now, 'options.now');
  if (o.acceptedTcbStatuses !== undefined) {
    if (
      !Array.isArray(o.acceptedTcbStatuses) ||
      (o.acceptedTcbStatuses as readonly unknown[]).some(
        (s) => typeof s !== 'string' || !ALL_STATUSES.has(s),
      )
    ) {
      throw new TypeError('options.acceptedTcbStatuses must list TCB statuses');
    }
  }
  if (o.tee !== undefined && o.tee !== 'tdx' && o.tee !== 'sgx' && o.tee !== 'any')
    throw new TypeError("options.tee must be 'tdx', 'sgx' or 'any'");
  if (o.rootPins !== undefined && !Array.isArray(o.rootPins))
    throw new TypeError('options.rootPins must be an array');
  if (
    o.maxCollateralAgeMs !== undefined &&
    !(typeof o.maxCollateralAgeMs === 'number' && o.maxCollateralAgeMs >= 0)
  ) {
    throw new TypeError('options.maxCollateralAgeMs must be a non-negative number');
  }
  if (o.fetcher !== undefined && (typeof o.fetcher !== 'object' || o.fetcher === null)) {
    throw new TypeError('options.fetcher must be an object of async methods');
  }
  if (
    o.cache !== undefined &&
    (typeof o.cache !== 'object' || o.cache === null || typeof o.cache.get !== 'function')
  ) {
    throw new TypeError('options.cache must be an AttestCache');
  }
  if (o.policy !== undefined) assertTdxPolicy(o.policy);
}

function assertCollateral(c: unknown): asserts c is Partial<TdxCollateral> {
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw new TypeError('evidence.collateral must be an object');
  const o = c as Record<string, unknown>;
  for (const k of ['tcbInfo', 'qeIdentity', 'pckCrl', 'rootCaCrl']) {
    const v = o[k];
    if (v !== undefined && typeof v !== 'string' && !(v instanceof Uint8Array)) {
      throw new TypeError(`collateral.${k} must be a string or Uint8Array`);
    }
    if (v instanceof Uint8Array) assertBytes(v, `collateral.${k}`);
  }
  for (const k of ['tcbInfoIssuerChain', 'qeIdentityIssuerChain', 'pckCrlIssuerChain']) {
    if (o[k] !== undefined && typeof o[k] !== 'string')
      throw new TypeError(`collateral.${k} must be a string`);
  }
}

const COLLATERAL_KEYS: readonly (keyof TdxCollateral)[] = [
  'tcbInfo',
  'tcbInfoIssuerChain',
  'qeIdentity',
  'qeIdentityIssuerChain',
  'pckCrl',
  'pckCrlIssuerChain',
  'rootCaCrl',
];

/** Collateral after fetching: each item present, or the reason it is not. */
interface CollateralSet {
  readonly items: Partial<Record<keyof TdxCollateral, Uint8Array | string>>;
  readonly errors: Partial<Record<'tcbInfo' | 'qeIdentity' | 'pckCrl' | 'rootCaCrl', unknown>>;
}

async function gatherCollateral(
  given: Partial<TdxCollateral> | undefined,
  fetcher: TdxVerifyOptions['fetcher'],
  fmspc: string | undefined,
  tee: TeeKind,
  ca: PckCa | undefined,
): Promise<CollateralSet> {
  const items: Record<string, Uint8Array | string> = {};
  const errors: CollateralSet['errors'] = {};
  if (given !== undefined)
    for (const [k, v] of Object.entries(given)) if (v !== undefined) items[k] = v;
  if (fetcher === undefined) return { items, errors };
  const jobs: Promise<void>[] = [];
  const run = <T extends object>(
    name: keyof CollateralSet['errors'],
    call: () => Promise<T>,
  ): void => {
    jobs.push(
      Promise.resolve()
        .then(call)
        .then(
          (r) => {
            const main = (r as Record<string, unknown>)[name];
            if (
              typeof r !== 'object' ||
              r === null ||
              !(typeof main === 'string' || main instanceof Uint8Array)
            ) {
              errors[name] = new Error(
                `fetcher.${name} returned no ${name} (string or Uint8Array)`,
              );
              return;
            }
            for (const k of COLLATERAL_KEYS) {
              const v = (r as Record<string, unknown>)[k];
              if (typeof v === 'string' || v instanceof Uint8Array) items[k] = v;
            }
          },
          (e: unknown) => {
            errors[name] = e;
          },
        ),
    );
  };
  if (items.tcbInfo === undefined && fmspc !== undefined)
    run('tcbInfo', () => fetcher.tcbInfo(fmspc, tee));
  if (items.qeIdentity === undefined) run('qeIdentity', () => fetcher.qeIdentity(tee));
  if (items.pckCrl === undefined && ca !== undefined) run('pckCrl', () => fetcher.pckCrl(ca));
  if (items.rootCaCrl === undefined) {
    run('rootCaCrl', async () => ({ rootCaCrl: await fetcher.rootCaCrl() }));
  }
  await Promise.all(jobs);
  return { items, errors };
}

// ---------------------------------------------------------------------------------------------

/**
 * Verifies an Intel DCAP quote (TDX v4/v5, SGX v3) with its collateral and returns one ledger of
 * `tdx.*` checks plus the TCB status, advisory ids, TCB date and the earliest collateral expiry.
 * By default only a TD quote can pass (`tdx.quote.tee`): an SGX enclave quote needs
 * `tee: 'sgx'` or `'any'`.
 * Never throws for bad evidence: a malformed quote fails `tdx.quote.parse`, a failing fetcher
 * fails the check that needed it. Without collateral (and no fetcher) the collateral checks are
 * `skip` and `ok` is false unless `requireCollateral: false` asks for signature-only verification.
 * Exported from `attestkit/tdx`. Spec: Intel TDX DCAP Quoting Library API; Intel QVL.
 *
 * @param evidence - the quote bytes, or `{ quote, collateral }` (collateral exactly as PCS serves it).
 * @param options - `now`, `fetcher`, `policy`, `cache`, `acceptedTcbStatuses` (default
 *   `['UpToDate']`), `requireCollateral` (default true), `rootPins`, `maxCollateralAgeMs`, `tee`
 *   (default `'tdx'`).
 * @returns `{ ok, checks, quote, pck, tcbStatus, advisoryIds, tcbDate, collateralExpiry, … }`.
 * @throws {TypeError} for wrong argument types (never for bad evidence).
 * @example
 * ```ts
 * import { verifyTdxQuote } from 'attestkit/tdx';
 * const r = await verifyTdxQuote({ quote, collateral }, { policy: { mrTd: expectedMrTd } });
 * if (!r.ok) for (const c of r.checks) if (c.status === 'fail') console.log(c.id, c.message);
 * console.log(r.tcbStatus, r.advisoryIds);
 * ```
 */
export async function verifyTdxQuote(
  evidence: Uint8Array | TdxEvidence,
  options: TdxVerifyOptions = {},
): Promise<TdxVerification> {
  assertOptions(options);
  let input: Uint8Array | TdxQuote;
  let given: Partial<TdxCollateral> | undefined;
  if (evidence instanceof Uint8Array) {
    assertBytes(evidence, 'evidence');
    input = evidence;
  } else if (
    typeof evidence === 'object' &&
    evidence !== null &&
    !Array.isArray(evidence) &&
    'quote' in evidence
  ) {
    const q = evidence.quote;
    if (q instanceof Uint8Array) assertBytes(q, 'evidence.quote');
    else if (typeof q !== 'object' || q === null || !(q.raw instanceof Uint8Array)) {
      throw new TypeError('evidence.quote must be a Uint8Array or a parsed TdxQuote');
    }
    input = q;
    if (evidence.collateral !== undefined) {
      assertCollateral(evidence.collateral);
      given = evidence.collateral;
    }
  } else {
    throw new TypeError('evidence must be a Uint8Array or { quote, collateral? }');
  }

  const now = options.now ?? new Date();
  const cache = options.cache;
  // With a cache the collateral, the PCK extensions and their TCB levels are the memo's (sealed),
  // read by later calls: each result holds its own copy (core share.ts).
  const shown = <T>(v: T): T => (cache !== undefined ? copyPlain(v) : v);
  const policy: TdxPolicy = options.policy ?? {};
  const requireCollateral = options.requireCollateral !== false;
  const accepted = options.acceptedTcbStatuses ?? DEFAULT_ACCEPTED;
  const maxAge = options.maxCollateralAgeMs;
  const pins = options.rootPins === undefined ? DEFAULT_PINS : options.rootPins.map(toPin);
  const pinsKey = options.rootPins === undefined ? DEFAULT_PINS_KEY : pins.map(toHex).join(',');
  const L: Ledger<TdxCheckId> = createLedger(CHECKS);
  if (requireCollateral) for (const id of COLLATERAL_CHECKS) L.require(id);

  // -- parse ----------------------------------------------------------------------------------
  let quote: TdxQuote;
  try {
    // A parsed quote is re-parsed from its raw bytes, so nothing is trusted from the object.
    quote = parseTdxQuote(input instanceof Uint8Array ? input : input.raw, {
      allowTrailingData: options.allowTrailingData !== false,
    });
    L.pass(
      'tdx.quote.parse',
      `v${quote.header.version} ${quote.body.kind === 'sgx' ? 'SGX' : 'TDX'} quote, ${quote.raw.length} bytes${quote.trailingBytes > 0 ? ` (+${quote.trailingBytes} trailing bytes ignored)` : ''}`,
    );
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    L.fail('tdx.quote.parse', `the quote does not parse: ${e.message}`, causeDetail(e));
    for (const c of CHECKS)
      if (c.id !== 'tdx.quote.parse') L.skip(c.id, 'depends on tdx.quote.parse, which failed');
    const failed = L.finish();
    return { ok: failed.ok, checks: failed.checks, advisoryIds: [] };
  }
  const isTd = quote.body.kind !== 'sgx';
  const td = isTd ? (quote.body as TdReportBody) : undefined;
  const tee: TeeKind = isTd ? 'tdx' : 'sgx';
  if (isTd && requireCollateral) L.require('tdx.tcb.module');

  // The quote signature is the one WebCrypto verification a warm call cannot skip: it starts
  // first and is awaited last, so every other check runs while it is in flight.
  const quoteSignatureJob = (async (): Promise<void> => {
    try {
      const key = ecKeyFromPoint('P-256', concatBytes(new Uint8Array([4]), quote.attestationKey));
      const ok = await verifySignature({
        key,
        scheme: 'ecdsa',
        hash: 'sha256',
        data: quote.signedRegion,
        signature: quote.signature,
        ...(cache !== undefined ? { cache } : {}),
      });
      L.result(
        'tdx.quote.signature',
        ok,
        ok
          ? `attestation key signature over bytes [0, ${quote.signedRegion.length}) verified`
          : 'the quote signature does not verify with the attestation key',
      );
    } catch (e) {
      L.fail(
        'tdx.quote.signature',
        `the quote signature cannot be checked: ${describe(e)}`,
        causeDetail(e),
      );
    }
  })();

  // -- header ---------------------------------------------------------------------------------
  {
    const h = quote.header;
    const problems: string[] = [];
    if (h.attestationKeyType !== 2)
      problems.push(`attestation key type ${h.attestationKeyType}, expected 2 (ECDSA P-256)`);
    if (h.teeType !== (isTd ? TEE_TYPE_TDX : TEE_TYPE_SGX))
      problems.push(`TEE type 0x${h.teeType.toString(16)} does not fit a ${quote.body.kind} body`);
    const intelQe = equalBytes(h.qeVendorId, INTEL_QE_VENDOR_ID);
    const vendorHex = intelQe ? INTEL_QE_VENDOR_ID_HEX : toHex(h.qeVendorId);
    if (!intelQe)
      problems.push(`QE vendor id ${vendorHex} is not Intel's ${INTEL_QE_VENDOR_ID_HEX}`);
    L.result(
      'tdx.quote.header',
      problems.length === 0,
      problems.length === 0
        ? `version ${h.version}, ECDSA P-256, TEE type 0x${h.teeType.toString(16)}, Intel QE`
        : problems.join('; '),
      {
        version: h.version,
        attestationKeyType: h.attestationKeyType,
        teeType: h.teeType,
        qeVendorId: vendorHex,
      },
    );
  }

  // -- TEE kind the caller expects ------------------------------------------------------------
  {
    const want = options.tee ?? 'tdx';
    const ok = want === 'any' || want === tee;
    const what = isTd ? `TD quote (${quote.body.kind} body)` : 'SGX enclave quote';
    L.result(
      'tdx.quote.tee',
      ok,
      ok
        ? `${what}; options.tee is '${want}'`
        : `${what}, but options.tee is '${want}'${isTd ? '' : ': an SGX enclave is not a TD'}`,
      { expected: want, actual: tee },
    );
  }

  // -- PCK chain ------------------------------------------------------------------------------
  let chainEntry: MemoEntry<PckChain> | undefined;
  try {
    chainEntry = contentMemo(cache, 'pck-chain', quote.certificationData.pckCertChain.data, () =>
      parsePckChain(quote.certificationData.pckCertChain.data),
    );
  } catch (e) {
    L.fail(
      'tdx.chain.pck',
      `the PCK certificate chain cannot be read: ${describe(e)}`,
      causeDetail(e),
    );
  }
  const chain = chainEntry?.value;
  const expiries: number[] = [];
  const cd = quote.certificationData;
  // The QE report signature runs concurrently with the quote signature; only the QE identity
  // check waits for it.
  let qeSignatureJob: Promise<void> | undefined;
  if (chainEntry !== undefined && chain !== undefined) {
    const entry = chainEntry;
    qeSignatureJob = (async () => {
      try {
        const ok = await bytesMemo(entry, 'qe-report', [cd.qeReportRaw, cd.qeReportSignature], () =>
          verifySignature({
            key: chain.leaf.publicKey,
            scheme: 'ecdsa',
            hash: 'sha256',
            data: cd.qeReportRaw,
            signature: cd.qeReportSignature,
            ...(cache !== undefined ? { cache } : {}),
          }),
        );
        L.result(
          'tdx.qe.report-signature',
          ok,
          ok
            ? 'QE report signed by the PCK leaf key'
            : 'the QE report signature does not verify with the PCK leaf key',
        );
      } catch (e) {
        L.fail(
          'tdx.qe.report-signature',
          `the QE report signature cannot be checked: ${describe(e)}`,
          causeDetail(e),
        );
      }
    })();
  } else {
    L.skip('tdx.qe.report-signature', 'no PCK leaf certificate (tdx.chain.pck failed)');
  }

  // QE report data binding: REPORTDATA[0:32] = SHA-256(attestation key ‖ QE auth data), rest zero.
  // The outcome depends on those three byte strings only, so it is kept beside the PCK chain.
  {
    const bind = (): QeReportDataBinding => {
      const expected = sha256Digest(concatBytes(quote.attestationKey, cd.qeAuthData));
      const rd = cd.qeReport.reportData;
      return {
        first: equalBytes(rd.subarray(0, 32), expected),
        rest: isAllZero(rd.subarray(32)),
        expectedHex: toHex(expected) + '00'.repeat(32),
        actualHex: toHex(rd),
      };
    };
    const { first, rest, expectedHex, actualHex } =
      chainEntry !== undefined
        ? bytesMemo(
            chainEntry,
            'qe-report-data',
            [quote.attestationKey, cd.qeAuthData, cd.qeReport.reportData],
            bind,
          )
        : bind();
    L.result(
      'tdx.qe.report-data',
      first && rest,
      first && rest
        ? 'QE REPORTDATA binds the attestation key and QE authentication data'
        : !first
          ? 'QE REPORTDATA[0:32] is not SHA-256(attestation key ‖ QE auth data)'
          : 'QE REPORTDATA[32:64] is not zero',
      { expected: expectedHex, actual: actualHex },
    );
  }

  if (chain !== undefined && chainEntry !== undefined) {
    const v = await verifyPckChain(chainEntry, pins, pinsKey, now, cache);
    // The verdict may be the cache's, read by later calls: the result gets a copy of its detail.
    L.result('tdx.chain.pck', v.ok, v.message, shown(v.detail));
    expiries.push(
      chain.leaf.notAfter.getTime(),
      chain.intermediate.notAfter.getTime(),
      chain.root.notAfter.getTime(),
    );
    if (chain.pck !== undefined) {
      L.pass(
        'tdx.pck.extensions',
        `FMSPC ${chain.pckHex!.fmspc}, PCE ID ${chain.pckHex!.pceId}, PCESVN ${chain.pck.pceSvn}`,
        {
          fmspc: chain.pckHex!.fmspc,
          pceId: chain.pckHex!.pceId,
          sgxTcbComponents: chain.pck.sgxTcbComponents,
          pceSvn: chain.pck.pceSvn,
        },
      );
    } else
      L.fail(
        'tdx.pck.extensions',
        `the PCK certificate's SGX extension cannot be read: ${describe(chain.pckError)}`,
        causeDetail(chain.pckError),
      );
  } else {
    L.skip('tdx.pck.extensions', 'depends on tdx.chain.pck, which failed');
  }
  const pck = chain?.pck;
  const pckHex = chain?.pckHex;

  // -- collateral -----------------------------------------------------------------------------
  const fmspcHex = pckHex?.fmspc;
  const col = await gatherCollateral(given, options.fetcher, fmspcHex, tee, chain?.ca);
  const noCollateral = (what: string): string =>
    `no ${what} supplied (evidence.collateral or options.fetcher)${requireCollateral ? '' : '; requireCollateral is false'}`;
  const fetchFailure = (id: TdxCheckId, what: string, e: unknown): void =>
    L.fail(id, `fetching the ${what} failed: ${describe(e)}`, causeDetail(e));

  // Collateral travels with the platform's PCK chain, so each input is first compared with the
  // one last used with that chain (see contentMemo).
  const near = (slot: string): NearSlot | undefined =>
    chainEntry !== undefined ? { entry: chainEntry, slot } : undefined;

  // Issuer chains of the TCB info and QE identity (normally the same TCB Signing certificate).
  const signingChain = async (
    text: string | Uint8Array | undefined,
    slot: string,
  ): Promise<{ entry?: MemoEntry<SigningChain>; verdict?: LinkVerdict; error?: unknown }> => {
    if (text === undefined) return { error: 'no issuer chain supplied' };
    try {
      const t = typeof text === 'string' ? text : utf8Decode(text);
      const entry = contentMemo(cache, 'signing-chain', t, () => parseSigningChain(t), near(slot));
      const verdict = await verifySigningChain(
        entry,
        chain !== undefined ? { root: chain.root, id: chain.ids.root } : undefined,
        pins,
        pinsKey,
        now,
        cache,
      );
      // With several roots pinned, the TCB Signing certificate must chain to the PCK chain's
      // root: only that root's CRL is consulted, so another root's revocations would go unseen.
      const root = entry.value.root;
      if (chain === undefined || root === undefined || equalBytes(root.spki, chain.root.spki))
        return { entry, verdict };
      const problem = `the issuer chain's root (key ${toHex(spkiSha256(root))}) is not the PCK chain's root (key ${toHex(spkiSha256(chain.root))})`;
      return {
        entry,
        verdict: {
          ok: false,
          message: verdict.ok ? problem : `${verdict.message}; ${problem}`,
          problems: [...verdict.problems, problem],
        },
      };
    } catch (e) {
      return { error: e };
    }
  };

  type SigningChainResult = Awaited<ReturnType<typeof signingChain>>;
  // The issuer chains are verified first: the Root CA CRL looks up the signers of trusted ones.
  const signingJob = (
    doc: unknown,
    text: string | Uint8Array | undefined,
    slot: string,
  ): Promise<SigningChainResult> | undefined =>
    doc !== undefined ? signingChain(text, slot) : undefined;
  const tcbSigningJob = signingJob(
    col.items.tcbInfo,
    col.items.tcbInfoIssuerChain,
    'tdx.tcb-info.signature:issuer',
  );
  const qeSigningJob = signingJob(
    col.items.qeIdentity,
    col.items.qeIdentityIssuerChain,
    'tdx.qe-identity.signature:issuer',
  );

  // TCB info / QE identity: parse, chain, signature.
  const signedDoc = async <D extends TcbInfo | QeIdentity>(
    id: 'tdx.tcb-info.signature' | 'tdx.qe-identity.signature',
    what: string,
    doc: Uint8Array | string | undefined,
    signing: Promise<SigningChainResult> | undefined,
    fetchError: unknown,
    parse: (x: Uint8Array | string) => D,
  ): Promise<MemoEntry<D> | undefined> => {
    if (doc === undefined) {
      if (fetchError !== undefined) fetchFailure(id, what, fetchError);
      else L.skip(id, noCollateral(what));
      return undefined;
    }
    let entry: MemoEntry<D>;
    try {
      entry = contentMemo(cache, id, doc, () => parse(doc), near(id));
    } catch (e) {
      L.fail(id, `the ${what} does not parse: ${describe(e)}`, causeDetail(e));
      return undefined;
    }
    const sc: SigningChainResult = (await signing) ?? { error: 'no issuer chain supplied' };
    if (sc.verdict === undefined || sc.entry === undefined) {
      L.fail(
        id,
        `the ${what} issuer chain cannot be read: ${describe(sc.error)}`,
        causeDetail(sc.error),
      );
      return entry;
    }
    const signer = sc.entry.value.signer;
    expiries.push(signer.notAfter.getTime());
    if (!sc.verdict.ok) {
      L.fail(id, `the ${what} issuer chain is not trusted: ${sc.verdict.message}`, {
        problems: [...sc.verdict.problems],
      });
      return entry;
    }
    const d = entry.value;
    try {
      const ok = await derivedMemo(entry, sc.entry.value.signatureKey, () =>
        verifySignature({
          key: signer.publicKey,
          scheme: 'ecdsa',
          hash: 'sha256',
          data: d.signedBytes,
          signature: d.signature,
          ...(cache !== undefined ? { cache } : {}),
        }),
      );
      L.result(
        id,
        ok,
        ok
          ? `${what} signed by ${signer.subject.text} over its exact ${d.signedBytes.length} signed bytes`
          : `the ${what} signature does not verify over the exact signed bytes`,
        {
          signedRange: d.signedRange,
          signer: { subject: signer.subject.text, serial: signer.serialHex },
        },
      );
    } catch (e) {
      L.fail(id, `the ${what} signature cannot be checked: ${describe(e)}`, causeDetail(e));
    }
    return entry;
  };

  // -- CRLs -----------------------------------------------------------------------------------
  // The serials of the TCB Signing certificates that verified (to the PCK chain's root): an
  // untrusted chain's certificates are attacker data, and a failed check already reports it.
  const trustedSignerSerials = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const job of [tcbSigningJob, qeSigningJob]) {
      const sc = await job;
      const s = sc?.verdict?.ok === true ? sc.entry?.value.signer.serialHex : undefined;
      if (s !== undefined && !out.includes(s)) out.push(s);
    }
    return out;
  };
  const crlCheck = async (
    id: 'tdx.crl.root' | 'tdx.crl.pck',
    what: string,
    input: Uint8Array | string | undefined,
    fetchError: unknown,
    issuer: X509Certificate | undefined,
    issuerId: string | undefined,
    serials: readonly string[],
    extraProblems: () => string[] = () => [],
  ): Promise<void> => {
    if (!L.dependsOn(id, 'tdx.chain.pck') || issuer === undefined || issuerId === undefined) return;
    if (input === undefined) {
      if (fetchError !== undefined) fetchFailure(id, what, fetchError);
      else L.skip(id, noCollateral(what));
      return;
    }
    let entry: MemoEntry<X509Crl>;
    try {
      entry = contentMemo(cache, 'crl', input, () => crlFromInput(input), near(id));
    } catch (e) {
      L.fail(id, `the ${what} does not parse: ${describe(e)}`, causeDetail(e));
      return;
    }
    const crl = entry.value;
    if (crl.nextUpdate !== undefined) expiries.push(crl.nextUpdate.getTime());
    const r = await checkCrlWindowed(entry, issuer, issuerId, now, maxAge, cache);
    const revokedSerials = derivedMemo(entry, 'revoked', () => revokedSerialLookup(crl))(serials);
    const problems = [...r.problems, ...extraProblems()];
    if (revokedSerials.length > 0) problems.push(`revoked: ${revokedSerials.join(', ')}`);
    L.result(
      id,
      problems.length === 0,
      problems.length === 0
        ? `${what} by ${crl.issuer.text} (${crl.revoked.length} entries) verified; none of ${serials.length} serial(s) revoked`
        : problems.join('; '),
      crlDetail(entry, serials, revokedSerials, problems),
    );
  };
  // The TCB info, QE identity and both CRLs are checked concurrently.
  const [tcbInfoEntry, qeIdentityEntry] = await Promise.all([
    signedDoc(
      'tdx.tcb-info.signature',
      'TCB info',
      col.items.tcbInfo,
      tcbSigningJob,
      col.errors.tcbInfo,
      parseTcbInfo,
    ),
    signedDoc(
      'tdx.qe-identity.signature',
      'QE identity',
      col.items.qeIdentity,
      qeSigningJob,
      col.errors.qeIdentity,
      parseQeIdentity,
    ),
    trustedSignerSerials().then((signers) =>
      crlCheck(
        'tdx.crl.root',
        'Root CA CRL',
        col.items.rootCaCrl,
        col.errors.rootCaCrl,
        chain?.root,
        chain?.ids.root,
        [...(chain !== undefined ? [chain.intermediate.serialHex] : []), ...signers],
      ),
    ),
    crlCheck(
      'tdx.crl.pck',
      'PCK CRL',
      col.items.pckCrl,
      col.errors.pckCrl,
      chain?.intermediate,
      chain?.ids.intermediate,
      chain !== undefined ? [chain.leaf.serialHex] : [],
      () => {
        // When the PCK CRL issuer chain is given it must hold the PCK CA that issued the leaf (the
        // CRL itself is verified against that CA from the quote's verified chain).
        const t = col.items.pckCrlIssuerChain;
        if (t === undefined || chain === undefined || (typeof t === 'string' && t.trim() === '')) {
          return [];
        }
        try {
          const text = typeof t === 'string' ? t : utf8Decode(t);
          const e = contentMemo(
            cache,
            'crl-chain',
            text,
            () => parseCertificates(issuerChainText(text)),
            near('tdx.crl.pck:issuer'),
          );
          return e.value.some((c) => equalBytes(c.spki, chain.intermediate.spki))
            ? []
            : ['the PCK CRL issuer chain does not hold the PCK CA that issued the leaf'];
        } catch (e) {
          return [`the PCK CRL issuer chain cannot be read: ${describe(e)}`];
        }
      },
    ),
  ]);
  const tcbInfo = tcbInfoEntry?.value;
  const qeIdentity = qeIdentityEntry?.value;
  const tcbInfoOk = L.passed('tdx.tcb-info.signature');
  const qeIdOk = L.passed('tdx.qe-identity.signature');

  let nowText: string | undefined;
  const nowIso = (): string => (nowText ??= now.toISOString());
  const dates = (
    id: 'tdx.tcb-info.validity' | 'tdx.qe-identity.validity',
    what: string,
    entry: MemoEntry<{ issueDate: Date; nextUpdate: Date }> | undefined,
    sigId: TdxCheckId,
  ): void => {
    if (!L.dependsOn(id, sigId) || entry === undefined) return;
    const d = entry.value;
    expiries.push(d.nextUpdate.getTime());
    const t = now.getTime();
    const issueDate = isoTime(entry, d.issueDate);
    const nextUpdate = isoTime(entry, d.nextUpdate);
    const problems: string[] = [];
    if (t < d.issueDate.getTime()) problems.push(`issued ${issueDate}, after ${nowIso()}`);
    if (t > d.nextUpdate.getTime()) problems.push(`expired: nextUpdate ${nextUpdate} has passed`);
    if (maxAge !== undefined && t - d.issueDate.getTime() > maxAge)
      problems.push(`older than the maximum age (${maxAge} ms)`);
    L.result(
      id,
      problems.length === 0,
      problems.length === 0
        ? `${what} valid ${issueDate} – ${nextUpdate}`
        : `${what} ${problems.join('; ')}`,
      { issueDate, nextUpdate, now: nowIso() },
    );
  };

  dates('tdx.tcb-info.validity', 'TCB info', tcbInfoEntry, 'tdx.tcb-info.signature');
  dates('tdx.qe-identity.validity', 'QE identity', qeIdentityEntry, 'tdx.qe-identity.signature');

  // -- TCB info ↔ platform ----------------------------------------------------------------------
  if (
    tcbInfo !== undefined &&
    L.dependsOn('tdx.tcb-info.match', 'tdx.tcb-info.signature', 'tdx.pck.extensions') &&
    pck !== undefined
  ) {
    const problems: string[] = [];
    const wantId = isTd ? 'TDX' : 'SGX';
    if (tcbInfo.id !== wantId)
      problems.push(`TCB info id ${tcbInfo.id}, expected ${wantId} for a ${wantId} quote`);
    if (isTd && tcbInfo.version !== 3)
      problems.push(`TDX TCB info version ${tcbInfo.version}, expected 3`);
    // Levels are compared SVN by SVN, which Intel defines for tcbType 0 only.
    if (tcbInfo.tcbType !== 0)
      problems.push(`TCB info tcbType ${tcbInfo.tcbType}, expected 0 (the only type defined)`);
    const { fmspc, pceId } = pckHex!;
    if (tcbInfo.fmspc !== fmspc)
      problems.push(`TCB info FMSPC ${tcbInfo.fmspc} is not the PCK certificate's ${fmspc}`);
    if (tcbInfo.pceId !== pceId)
      problems.push(`TCB info PCE ID ${tcbInfo.pceId} is not the PCK certificate's ${pceId}`);
    L.result(
      'tdx.tcb-info.match',
      problems.length === 0,
      problems.length === 0
        ? `${tcbInfo.id} TCB info v${tcbInfo.version} for FMSPC ${tcbInfo.fmspc}, PCE ID ${tcbInfo.pceId}`
        : problems.join('; '),
      {
        expected: { id: wantId, fmspc, pceId, tcbType: 0 },
        actual: {
          id: tcbInfo.id,
          version: tcbInfo.version,
          tcbType: tcbInfo.tcbType,
          fmspc: tcbInfo.fmspc,
          pceId: tcbInfo.pceId,
        },
      },
    );
  } else if (tcbInfo === undefined && L.status('tdx.tcb-info.match') === undefined) {
    L.skip(
      'tdx.tcb-info.match',
      'depends on tdx.tcb-info.signature, which is ' +
        (L.status('tdx.tcb-info.signature') ?? 'skip'),
    );
  }

  // -- QE identity ----------------------------------------------------------------------------
  let qeMatch: IsvSvnMatch | undefined;
  await qeSignatureJob;
  if (
    qeIdentity !== undefined &&
    L.dependsOn('tdx.qe.identity', 'tdx.qe-identity.signature', 'tdx.qe.report-signature')
  ) {
    const r = cd.qeReport;
    const problems: string[] = [];
    const wantId = isTd ? 'TD_QE' : 'QE';
    // The identity's hex texts are kept on its entry; the QE report's equal them when it matches.
    const idHex = derivedMemo(qeIdentityEntry!, 'hex', () => ({
      mrSigner: toHex(qeIdentity.mrSigner),
      attributes: toHex(qeIdentity.attributes),
    }));
    const sameSigner = equalBytes(r.mrSigner, qeIdentity.mrSigner);
    const mrSignerHex = sameSigner ? idHex.mrSigner : toHex(r.mrSigner);
    const attributesHex = equalBytes(r.attributes, qeIdentity.attributes)
      ? idHex.attributes
      : toHex(r.attributes);
    if (qeIdentity.id !== wantId)
      problems.push(`QE identity id ${qeIdentity.id}, expected ${wantId}`);
    if (!sameSigner) problems.push(`MRSIGNER ${mrSignerHex} is not ${idHex.mrSigner}`);
    if (r.isvProdId !== qeIdentity.isvProdId)
      problems.push(`ISVPRODID ${r.isvProdId} is not ${qeIdentity.isvProdId}`);
    if (
      (r.miscSelect & qeIdentity.miscSelectMask) >>> 0 !==
      (qeIdentity.miscSelect & qeIdentity.miscSelectMask) >>> 0
    ) {
      problems.push(`MISCSELECT 0x${r.miscSelect.toString(16)} does not match under the mask`);
    }
    let attrDiff = 0;
    for (let i = 0; i < 16; i++)
      attrDiff |= (r.attributes[i]! ^ qeIdentity.attributes[i]!) & qeIdentity.attributesMask[i]!;
    if (attrDiff !== 0)
      problems.push(`ATTRIBUTES ${attributesHex} do not match ${idHex.attributes} under the mask`);
    L.result(
      'tdx.qe.identity',
      problems.length === 0,
      problems.length === 0
        ? `QE is ${qeIdentity.id} (MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES match)`
        : problems.join('; '),
      {
        expected: {
          id: wantId,
          mrSigner: idHex.mrSigner,
          isvProdId: qeIdentity.isvProdId,
        },
        actual: {
          id: qeIdentity.id,
          mrSigner: mrSignerHex,
          isvProdId: r.isvProdId,
          miscSelect: r.miscSelect,
          attributes: attributesHex,
        },
      },
    );
  } else if (L.status('tdx.qe.identity') === undefined) {
    L.skip(
      'tdx.qe.identity',
      'depends on tdx.qe-identity.signature, which is ' +
        (L.status('tdx.qe-identity.signature') ?? 'skip'),
    );
  }
  if (qeIdentity !== undefined && L.dependsOn('tdx.qe.tcb', 'tdx.qe.identity')) {
    qeMatch = matchQeTcb(qeIdentity, cd.qeReport.isvSvn);
    const s = qeMatch.status;
    const detail: Record<string, unknown> = { isvSvn: cd.qeReport.isvSvn, status: s };
    if (qeMatch.level !== undefined) {
      detail.level = {
        isvSvn: qeMatch.level.isvSvn,
        tcbDate: isoTime(qeIdentityEntry, qeMatch.level.tcbDate),
        advisoryIds: qeMatch.level.advisoryIds,
      };
    }
    if (s === 'NoMatchingTcbLevel')
      L.fail('tdx.qe.tcb', `no QE TCB level for ISVSVN ${cd.qeReport.isvSvn}`, detail);
    else if (s === 'UpToDate')
      L.pass('tdx.qe.tcb', `QE ISVSVN ${cd.qeReport.isvSvn}: UpToDate`, detail);
    else
      L.warn(
        'tdx.qe.tcb',
        `QE ISVSVN ${cd.qeReport.isvSvn}: ${s} (merged into the TCB status)`,
        detail,
      );
  } else if (L.status('tdx.qe.tcb') === undefined) {
    L.skip('tdx.qe.tcb', 'depends on tdx.qe.identity');
  }

  // -- TDX module ------------------------------------------------------------------------------
  let moduleMatch: TdxModuleMatch | undefined;
  if (td === undefined) L.skip('tdx.tcb.module', 'not a TD quote');
  else if (
    tcbInfo !== undefined &&
    L.dependsOn('tdx.tcb.module', 'tdx.tcb-info.signature', 'tdx.tcb-info.match')
  ) {
    moduleMatch = matchTdxModule(tcbInfo, td.teeTcbSvn, td.mrSignerSeam, td.seamAttributes);
    if (!moduleMatch.ok)
      L.fail('tdx.tcb.module', `TDX module mismatch: ${moduleMatch.problem}`, {
        identity: moduleMatch.identity,
      });
    else {
      const detail: Record<string, unknown> = {
        identity: moduleMatch.identity,
        status: moduleMatch.status,
        teeTcbSvn: toHex(td.teeTcbSvn),
      };
      if (moduleMatch.level !== undefined) detail.isvSvn = moduleMatch.level.isvSvn;
      if (moduleMatch.status === 'NoMatchingTcbLevel')
        L.fail(
          'tdx.tcb.module',
          `${moduleMatch.identity}: no level for module SVN ${td.teeTcbSvn[0] ?? 0}`,
          detail,
        );
      else if (moduleMatch.status === 'UpToDate')
        L.pass(
          'tdx.tcb.module',
          `${moduleMatch.identity}: MRSIGNERSEAM and SEAMATTRIBUTES match; UpToDate`,
          detail,
        );
      else
        L.warn(
          'tdx.tcb.module',
          `${moduleMatch.identity}: ${moduleMatch.status} (merged into the TCB status)`,
          detail,
        );
    }
  } else if (L.status('tdx.tcb.module') === undefined) {
    L.skip('tdx.tcb.module', 'depends on tdx.tcb-info.match');
  }

  // -- TCB status ------------------------------------------------------------------------------
  let tcbStatus: TdxTcbStatus | undefined;
  let advisoryIds: string[] = [];
  let tcbDate: Date | undefined;
  let relaunchAdvised: boolean | undefined;
  let evaluation: TdxTcbEvaluation | undefined;
  const statusDeps: TdxCheckId[] = [
    'tdx.chain.pck',
    'tdx.pck.extensions',
    'tdx.tcb-info.signature',
    'tdx.tcb-info.match',
  ];
  const moduleReady = td === undefined || (moduleMatch !== undefined && moduleMatch.ok);
  // A QE or TDX module level the caller does not accept is merged into the TCB status; when that
  // cannot be evaluated (no TCB info, no QE identity, a failed dependency) it still fails here,
  // rather than pass as the warning its own check records.
  const rejected = [
    qeMatch !== undefined && !accepted.includes(qeMatch.status) ? `QE ${qeMatch.status}` : '',
    moduleMatch?.ok === true && !accepted.includes(moduleMatch.status)
      ? `TDX module ${moduleMatch.status}`
      : '',
  ].filter((x) => x !== '');
  const evaluable =
    tcbInfo !== undefined &&
    pck !== undefined &&
    qeMatch !== undefined &&
    moduleReady &&
    statusDeps.every((d) => L.passed(d));
  if (rejected.length > 0 && !evaluable) {
    L.require('tdx.tcb.status');
    L.fail(
      'tdx.tcb.status',
      `${rejected.join(' and ')}: not in acceptedTcbStatuses (the platform TCB level could not be evaluated)`,
      { accepted: [...accepted] },
    );
  } else if (
    tcbInfo !== undefined &&
    pck !== undefined &&
    L.dependsOn('tdx.tcb.status', ...statusDeps)
  ) {
    if (qeMatch === undefined)
      L.skip('tdx.tcb.status', 'depends on tdx.qe.tcb, which did not run', {
        dependsOn: 'tdx.qe.tcb',
      });
    else if (!moduleReady)
      L.skip('tdx.tcb.status', 'depends on tdx.tcb.module, which failed', {
        dependsOn: 'tdx.tcb.module',
      });
    else {
      const platform = matchPlatformTcb(tcbInfo, {
        sgxComponents: pck.sgxTcbComponents,
        pceSvn: pck.pceSvn,
        ...(td !== undefined ? { teeTcbSvn: td.teeTcbSvn } : {}),
      });
      const mod = moduleMatch !== undefined && moduleMatch.ok ? moduleMatch : undefined;
      let status = platform.status;
      if (mod !== undefined) status = convergeStatus(status, mod.status);
      const beforeQe = status;
      status = convergeStatus(status, qeMatch.status);
      if (td?.teeTcbSvn2 !== undefined && mod !== undefined) {
        const sgxLevel =
          platform.sgxLevelIndex !== undefined
            ? tcbInfo.tcbLevels[platform.sgxLevelIndex]?.tcbStatus
            : undefined;
        relaunchAdvised = isRelaunchAdvised({
          info: tcbInfo,
          teeTcbSvn2: td.teeTcbSvn2,
          qeStatus: qeMatch.status,
          sgxLevelStatus: sgxLevel,
          status: beforeQe,
          moduleStatus: mod.status,
        });
      }
      tcbStatus = status;
      const adv = {
        platform: platform.level?.advisoryIds ?? [],
        qe: qeMatch.level?.advisoryIds ?? [],
        module: mod?.level?.advisoryIds ?? [],
      };
      // Without a matching platform level Intel reports no advisories (TCB not supported).
      advisoryIds =
        platform.level === undefined
          ? []
          : [...new Set([...adv.platform, ...adv.qe, ...adv.module])];
      if (platform.level !== undefined) {
        let earliest = Infinity;
        for (const d of [platform.level.tcbDate, qeMatch.level?.tcbDate, mod?.level?.tcbDate])
          if (d !== undefined && d.getTime() < earliest) earliest = d.getTime();
        if (earliest !== Infinity) tcbDate = new Date(earliest);
      }
      // Built by assignment in the documented key order rather than with spreads: this runs on
      // every warm call.
      const ev: Writable<Partial<TdxTcbEvaluation>> = {};
      if (platform.sgxLevelIndex !== undefined) ev.sgxLevelIndex = platform.sgxLevelIndex;
      if (platform.platformLevelIndex !== undefined)
        ev.platformLevelIndex = platform.platformLevelIndex;
      ev.platformStatus = platform.status;
      if (mod !== undefined) {
        const m: Writable<NonNullable<TdxTcbEvaluation['module']>> = {
          identity: mod.identity,
          status: mod.status,
        };
        if (mod.level !== undefined) m.level = shown(mod.level);
        ev.module = m;
      }
      const qe: Writable<NonNullable<TdxTcbEvaluation['qe']>> = { status: qeMatch.status };
      if (qeMatch.level !== undefined) qe.level = shown(qeMatch.level);
      ev.qe = qe;
      ev.advisories = shown(adv);
      evaluation = ev as TdxTcbEvaluation;
      // A copy: `accepted` is the caller's option or the shared default.
      const detail: Record<string, unknown> = { status, accepted: [...accepted], advisoryIds };
      if (tcbDate !== undefined) detail.tcbDate = isoTime(tcbInfoEntry, tcbDate);
      detail.platformStatus = platform.status;
      if (platform.platformLevelIndex !== undefined)
        detail.levelIndex = platform.platformLevelIndex;
      detail.qeStatus = qeMatch.status;
      if (mod !== undefined) {
        detail.moduleStatus = mod.status;
        detail.module = mod.identity;
      }
      if (relaunchAdvised === true) detail.relaunchAdvised = relaunchAdvised;
      const adviceText = advisoryIds.length > 0 ? ` (advisories ${advisoryIds.join(', ')})` : '';
      if (!accepted.includes(status)) {
        L.fail(
          'tdx.tcb.status',
          `TCB status ${status}${adviceText} is not among the accepted statuses [${accepted.join(', ')}]${relaunchAdvised === true ? '; relaunching the TD is advised' : ''}`,
          detail,
        );
      } else if (status === 'UpToDate' && advisoryIds.length === 0) {
        L.pass('tdx.tcb.status', 'TCB status UpToDate', detail);
      } else {
        L.warn(
          'tdx.tcb.status',
          `TCB status ${status}${adviceText} accepted by acceptedTcbStatuses`,
          detail,
        );
      }
    }
  } else if (L.status('tdx.tcb.status') === undefined) {
    L.skip('tdx.tcb.status', 'needs verified TCB info and PCK extensions');
  }

  // -- policy ----------------------------------------------------------------------------------
  // Object literals that open with a spread are slow in V8; this context is built by assignment.
  const policyContext: Writable<Parameters<typeof applyTdxPolicy>[3]> = {};
  if (pck !== undefined) policyContext.pck = pck;
  if (tcbInfo !== undefined && tcbInfoOk) policyContext.tcbInfo = tcbInfo;
  if (qeIdentity !== undefined && qeIdOk) policyContext.qeIdentity = qeIdentity;
  applyTdxPolicy(L, quote, policy, policyContext);

  // The result's own copies of cached objects, made while the quote signature is verified.
  const shownPck = pck !== undefined ? shown(pck) : undefined;
  const shownTcbInfo = tcbInfo !== undefined ? shown(tcbInfo) : undefined;
  const shownQeIdentity = qeIdentity !== undefined ? shown(qeIdentity) : undefined;

  await quoteSignatureJob;
  const result = L.finish();
  let earliestExpiry = Infinity;
  for (const t of expiries) if (t < earliestExpiry) earliestExpiry = t;
  // Assigned in the documented key order rather than spread: this runs on every warm call.
  const out = { ok: result.ok, checks: result.checks, quote } as Writable<TdxVerification>;
  if (shownPck !== undefined) out.pck = shownPck;
  if (tcbStatus !== undefined) out.tcbStatus = tcbStatus;
  out.advisoryIds = advisoryIds;
  if (tcbDate !== undefined) out.tcbDate = tcbDate;
  if (earliestExpiry !== Infinity) out.collateralExpiry = new Date(earliestExpiry);
  if (relaunchAdvised !== undefined) out.relaunchAdvised = relaunchAdvised;
  if (evaluation !== undefined) out.tcb = evaluation;
  if (shownTcbInfo !== undefined) out.tcbInfo = shownTcbInfo;
  if (shownQeIdentity !== undefined) out.qeIdentity = shownQeIdentity;
  return out;
}
