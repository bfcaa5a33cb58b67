/**
 * @module
 * `verifySnpReport`: every check an SEV-SNP relying party needs, in one ledger (API.md "Verify"):
 * report format, product line, signer kind, collateral, the AMD chain ARK → ASK → VCEK or
 * ARK → ASVK → VLEK with the ARK pinned per product, the ARK-signed CRL, the report signature
 * (ECDSA P-384/SHA-384 over 0x000–0x29F, r and s little-endian; ABI 56860 and spec note §6), the
 * VCEK/VLEK extensions against the report (KDS spec 57230; spec note §7.1), TCB relations, and
 * the caller's policy. Later checks run after earlier ones fail, so the caller sees everything.
 */
import { copyPlain } from '../core/share.js';
import { AttestError } from '../core/errors.js';
import { assertBytes, concatBytes, isAllZero } from '../core/bytes.js';
import { inputMemo, memo } from '../core/cache.js';
import { assertValidNow, createLedger, type CheckSpec, type Ledger } from '../core/checks.js';
import { verifySignature, type PublicKeyInfo } from '../core/crypto.js';
import {
  bytesKey,
  derFromInput,
  dersFromInput,
  equalBytes,
  fromHex,
  toHex,
} from '../core/encoding.js';
import {
  checkCrl,
  parseCertificate,
  parseCrl,
  parseSpki,
  validityAt,
  verifyChain,
  type ChainLinkResult,
  type ChainResult,
  type X509Certificate,
  type X509Crl,
} from '../core/x509.js';
import type { AttestCache } from '../core/cache.js';
import { parseSnpCertTable } from './cert-table.js';
import { SNP_PRODUCTS, parseSnpVcekExtensions, snpCertificateRole, snpKdsParams } from './kds.js';
import { SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384 } from './layout.js';
import { decodeSnpReportTcbs, parseSnpReport } from './parse.js';
import { applySnpPolicy, compileSnpPolicy, tcbDetail, tcbExceeding } from './policy.js';
import { SNP_ARK_PINS } from './roots.js';
import type {
  SnpCertInput,
  SnpCheckId,
  SnpCollateralSource,
  SnpEvidence,
  SnpFetcher,
  SnpKdsParams,
  SnpProduct,
  SnpReport,
  SnpReportTcbs,
  SnpSignerKind,
  SnpVcekExtensions,
  SnpVerification,
  SnpVerifyOptions,
} from './types.js';

type Id = SnpCheckId;

const SPECS: readonly CheckSpec<Id>[] = [
  { id: 'snp.report.format', required: true },
  { id: 'snp.product', required: true },
  { id: 'snp.signer.kind', required: true },
  { id: 'snp.collateral', required: true },
  { id: 'snp.chain.ark', required: true },
  { id: 'snp.chain.ask' },
  { id: 'snp.chain.asvk' },
  { id: 'snp.chain.vcek' },
  { id: 'snp.chain.vlek' },
  { id: 'snp.crl' },
  { id: 'snp.signature', required: true },
  { id: 'snp.cert.product-name', required: true },
  { id: 'snp.tcb.vcek-extensions', required: true },
  { id: 'snp.cert.hwid' },
  { id: 'snp.cert.csp-id' },
  { id: 'snp.tcb.relations', required: true },
  // snp.policy.*: one per policy field (policy.ts), required when the field is given.
  ...(
    [
      'debug',
      'migrate-ma',
      'smt',
      'single-socket',
      'cxl',
      'mem-aes-256-xts',
      'rapl-dis',
      'ciphertext-hiding',
      'page-swap-disable',
      'abi',
      'vmpl',
      'guest-svn',
      'report-data',
      'host-data',
      'measurement',
      'image-id',
      'family-id',
      'report-id',
      'report-id-ma',
      'chip-id',
      'minimum-tcb',
      'minimum-launch-tcb',
      'minimum-build',
      'minimum-version',
      'committed-tcb',
      'platform-info',
      'id-key',
      'author-key',
      'mitigation-vector',
    ] as const
  ).map((leaf) => ({ id: `snp.policy.${leaf}` as const })),
];

/**
 * Every check id `verifySnpReport` reports, in ledger order. Exported from `attestkit/snp`.
 *
 * @example
 * ```ts
 * for (const id of SNP_CHECK_IDS) console.log(id, findCheck(result, id)?.status);
 * ```
 */
export const SNP_CHECK_IDS: readonly SnpCheckId[] = /* @__PURE__ */ Object.freeze(
  SPECS.map((s) => s.id),
);

interface Held<T> {
  readonly value: T;
  readonly source: SnpCollateralSource;
}

function errorDetail(e: unknown): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (e instanceof AttestError) {
    d.code = e.code;
    d.message = e.message;
    put(d, 'offset', e.offset);
    put(d, 'field', e.field);
  } else d.message = errorMessage(e);
  return d;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isCertInput(v: unknown): v is SnpCertInput {
  return typeof v === 'string' || v instanceof Uint8Array;
}

function checkEvidence(evidence: unknown): SnpEvidence {
  if (evidence instanceof Uint8Array) {
    assertBytes(evidence, 'evidence');
    return { report: evidence };
  }
  if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) {
    throw new TypeError('evidence must be report bytes or an object { report, … }');
  }
  const e = evidence as Record<string, unknown>;
  const report = e.report;
  if (report instanceof Uint8Array) assertBytes(report, 'evidence.report');
  else if (
    typeof report !== 'object' ||
    report === null ||
    !((report as SnpReport).raw instanceof Uint8Array)
  ) {
    throw new TypeError('evidence.report must be a Uint8Array or a parsed SnpReport');
  }
  for (const k of ['vcek', 'vlek', 'crl'] as const) {
    if (e[k] !== undefined && !isCertInput(e[k])) {
      throw new TypeError(`evidence.${k} must be DER bytes or PEM text`);
    }
  }
  if (e.chain !== undefined) {
    const ok = isCertInput(e.chain) || (Array.isArray(e.chain) && e.chain.every(isCertInput));
    if (!ok) throw new TypeError('evidence.chain must be a PEM bundle or an array of certificates');
  }
  if (e.certTable !== undefined) assertBytes(e.certTable, 'evidence.certTable');
  return evidence as SnpEvidence;
}

function checkOptions(o: SnpVerifyOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  if (o.now !== undefined) assertValidNow(o.now, 'options.now');
  if (o.product !== undefined && !SNP_PRODUCTS.includes(o.product)) {
    throw new TypeError(`unknown options.product ${String(o.product)}`);
  }
  if (o.fetcher !== undefined) {
    const f = o.fetcher as unknown as Record<string, unknown>;
    if (typeof f !== 'object' || f === null || typeof f.vcek !== 'function') {
      throw new TypeError('options.fetcher must have vcek(), certChain() and crl()');
    }
  }
  if (o.maxCrlAge !== undefined && (typeof o.maxCrlAge !== 'number' || !(o.maxCrlAge >= 0))) {
    throw new RangeError('options.maxCrlAge must be a non-negative number of milliseconds');
  }
  if (o.rootPins !== undefined && (typeof o.rootPins !== 'object' || o.rootPins === null)) {
    throw new TypeError('options.rootPins must be a map product → pins');
  }
}

/** The pins of a product, and their text for cache keys (hex pins as given: no re-encoding). */
function pinsFor(o: SnpVerifyOptions, product: SnpProduct): [Uint8Array[], string] {
  // Own properties only (not `toString` from the prototype), and a list of pins.
  const given =
    o.rootPins !== undefined
      ? Object.prototype.hasOwnProperty.call(o.rootPins, product)
        ? (o.rootPins as Record<string, unknown>)[product]
        : []
      : SNP_ARK_PINS[product];
  if (!Array.isArray(given)) throw new TypeError(`options.rootPins.${product} must be an array`);
  const list = given as readonly (string | Uint8Array)[];
  const pins = list.map((p) => {
    if (p instanceof Uint8Array) return p;
    if (typeof p === 'string') return fromHex(p);
    throw new TypeError('root pins must be hex strings or bytes');
  });
  return [pins, list.map((p) => (typeof p === 'string' ? p : toHex(p))).join()];
}

/**
 * Parses a certificate once per DER in the caller's cache, keyed by its content id (the DER
 * itself as a length-prefixed latin1 string: exact, and cheaper than hashing it), and remembers
 * the id so later memos (chain, extensions) key on it. Warm calls rarely
 * get here: the certificates of an input already seen come from the input memo in verifySnpReport.
 */
function parseCert(
  der: Uint8Array,
  cache: AttestCache | undefined,
  ids: WeakMap<X509Certificate, string>,
): X509Certificate {
  if (cache === undefined) return parseCertificate(der);
  const id = `${der.length}:${bytesKey(der)}`;
  const cert = memo(cache, `attestkit:snp:der:${id}`, () => parseCertificate(der));
  ids.set(cert, id);
  return cert;
}

function parseCrlCached(input: SnpCertInput, cache: AttestCache | undefined): X509Crl {
  const der = derFromInput(input, typeof input === 'string' ? 'X509 CRL' : undefined);
  if (cache === undefined) return parseCrl(der);
  return memo(cache, `attestkit:crl:${bytesKey(der)}`, () => parseCrl(der));
}

/** The kind a certificate claims by name, extensions, or (last) the slot it came in. */
function certKind(
  cert: X509Certificate,
  ext: SnpVcekExtensions | undefined,
): SnpSignerKind | undefined {
  const role = snpCertificateRole(cert).role;
  if (role === 'vcek') return 'VCEK';
  if (role === 'vlek') return 'VLEK';
  if (ext?.hwid !== undefined) return 'VCEK';
  if (ext?.cspId !== undefined) return 'VLEK';
  return undefined;
}

function isSelfIssued(c: X509Certificate): boolean {
  return equalBytes(c.issuer.raw, c.subject.raw);
}

/**
 * Verifies an SEV-SNP attestation report and everything it depends on, returning one ledger
 * (API.md "Verify"; ABI 56860; `shared/spec-notes/snp.md`). Checks, in order:
 *
 * - `snp.report.format` — the bytes parse (versions 2–5, reserved ranges, TCB layout);
 * - `snp.product` — product line from CPUID, `options.product` and the certificates, all agreeing;
 * - `snp.signer.kind` — KEY_INFO.SIGNING_KEY (VCEK/VLEK, not "none") matches the certificate;
 * - `snp.collateral` — the signer certificate, ASK/ASVK and ARK were obtained (evidence, cert
 *   table, then fetcher — nothing is fetched when the evidence carries them);
 * - `snp.chain.ark`, `snp.chain.ask`|`snp.chain.asvk`, `snp.chain.vcek`|`snp.chain.vlek` — the
 *   chain with the ARK pinned by SPKI SHA-256 for the product, validity at `now`, CA constraints;
 * - `snp.crl` — the ARK-signed CRL (signature, issuer, dates, `maxCrlAge`, ASK/ASVK serial);
 *   skipped without a CRL unless `requireCrl`. With `requireCrl`, only `evidence.crl` or the
 *   fetcher's CRL can pass it: a certificate-table CRL (the host's choice) is still checked, but
 *   fails the check as "no CRL supplied" even when it verifies;
 * - `snp.signature` — ECDSA P-384/SHA-384 over 0x000–0x29F with r, s little-endian;
 * - `snp.cert.product-name`, `snp.tcb.vcek-extensions` (SPLs = REPORTED_TCB),
 *   `snp.cert.hwid` (= CHIP_ID; skipped when masked or VLEK), `snp.cert.csp-id` (VLEK);
 * - `snp.tcb.relations` — REPORTED ≤ CURRENT and COMMITTED ≤ CURRENT per component;
 * - `snp.policy.*` — one check per policy field (see `SnpPolicy`).
 *
 * Never throws for bad evidence; a fetcher that rejects becomes a failed `snp.collateral` whose
 * detail keeps the cause. Exported from `attestkit/snp`.
 *
 * @param evidence - report bytes, or `{ report, vcek?, vlek?, chain?, certTable?, crl? }`.
 * @param options - `now`, `fetcher`, `policy`, `cache`, `rootPins`, `product`, `requireCrl`,
 *   `maxCrlAge`, `framing`.
 * @returns the ledger with the parsed report, product, signer kind, decoded TCBs and KDS query.
 * @throws {TypeError | RangeError} for programming errors only (wrong argument types, a malformed
 *   policy).
 * @example
 * ```ts
 * import { verifySnpReport } from 'attestkit/snp';
 * const result = await verifySnpReport(
 *   { report, vcek, chain: askArkPem },
 *   { policy: { reportData: nonce, measurement: expected }, cache },
 * );
 * if (!result.ok) for (const c of result.checks) if (c.status === 'fail') console.log(c.id, c.message);
 * ```
 */
export async function verifySnpReport(
  evidence: Uint8Array | SnpEvidence,
  options: SnpVerifyOptions = {},
): Promise<SnpVerification> {
  const ev = checkEvidence(evidence);
  checkOptions(options);
  const now = options.now ?? new Date();
  const cache = options.cache;
  const sources: {
    -readonly [K in keyof SnpVerification['certificates']['sources']]: SnpCollateralSource;
  } = {};

  // 1. The report.
  let report: SnpReport;
  let reportOptionProduct: SnpProduct | undefined;
  try {
    if (ev.report instanceof Uint8Array) {
      report = parseSnpReport(
        ev.report,
        options.framing !== undefined ? { framing: options.framing } : {},
      );
    } else {
      if (ev.report.productSource === 'option') {
        if (!SNP_PRODUCTS.includes(ev.report.product as SnpProduct)) {
          throw new TypeError('evidence.report.product must be Milan, Genoa or Turin');
        }
        reportOptionProduct = ev.report.product;
      }
      report = parseSnpReport(ev.report.raw);
    }
  } catch (e) {
    compileSnpPolicy(options.policy); // a malformed policy throws first, as on success
    if (!(e instanceof AttestError)) throw e;
    const L = createLedger<Id>(SPECS);
    L.fail('snp.report.format', `the report does not parse: ${e.message}`, errorDetail(e));
    for (const s of SPECS) if (s.id !== 'snp.report.format') L.dependsOn(s.id, 'snp.report.format');
    return { ...L.finish(), certificates: { sources } };
  }
  const signer = report.keyInfo.signer;

  // 2. Collateral carried by the evidence.
  const problems: string[] = [];
  const problemDetail: Record<string, unknown>[] = [];
  // `fetched`: the fetcher method the problem came from (the CLI tells a failed download from a
  // verdict by it).
  const note = (what: string, e: unknown, fetched?: keyof SnpFetcher): void => {
    problems.push(`${what}: ${errorMessage(e)}`);
    problemDetail.push({ what, ...(fetched !== undefined ? { fetched } : {}), ...errorDetail(e) });
  };
  const pool: Held<X509Certificate>[] = [];
  // Per cache: each certificate's content id, and the work done on one input (PEM text, DER
  // bytes, an array of them, a certificate table, what a fetcher returned) kept under the input
  // object itself and compared with a private copy on every hit (core `inputMemo`). One memo per
  // kind of result: the same bytes object may be a certificate table in one call and a
  // certificate in the next, and must be judged as what it is in that call, not as a table
  // parsed earlier (a malformed table would pass on remembered certificates) or vice versa.
  // Evidence certificates and a fetcher's answers share one: both keep only certificates that
  // all parsed, so either role computes the same value.
  const ids =
    cache !== undefined
      ? memo(cache, 'attestkit:snp:cert-ids', () => new WeakMap<X509Certificate, string>())
      : new WeakMap<X509Certificate, string>();
  const seenCerts = inputMemo(cache, 'attestkit:snp:cert-inputs');
  const seenTables = inputMemo(cache, 'attestkit:snp:cert-table-inputs');
  const parseAll = (
    input: SnpCertInput | readonly SnpCertInput[],
    what: string,
  ): X509Certificate[] =>
    seenCerts.get(input, () => {
      const n = problems.length;
      const out: X509Certificate[] = [];
      try {
        const ders = dersFromInput(input, typeof input === 'string' ? 'CERTIFICATE' : undefined);
        if (ders.length === 0)
          throw new AttestError('ERR_BAD_ENCODING', { message: 'no certificate found' });
        for (const der of ders) {
          try {
            out.push(parseCert(der, cache, ids));
          } catch (e) {
            note(what, e);
          }
        }
      } catch (e) {
        note(what, e);
      }
      return [out, problems.length === n];
    });
  // What a fetcher returns (an answer returned again as the same object skips the decoding;
  // copies, as withCache returns, are matched by content in parseCert).
  const fetchCerts = async (
    get: () => Promise<readonly SnpCertInput[] | SnpCertInput>,
  ): Promise<X509Certificate[]> => {
    const got = await get();
    return seenCerts.get(got, () => {
      const ders = dersFromInput(got, typeof got === 'string' ? 'CERTIFICATE' : undefined);
      if (ders.length === 0)
        throw new AttestError('ERR_BAD_ENCODING', {
          message: 'the fetcher returned no certificate',
        });
      return [ders.map((d) => parseCert(d, cache, ids)), true];
    });
  };
  const addToPool = (
    input: SnpCertInput | readonly SnpCertInput[] | undefined,
    source: SnpCollateralSource,
    what: string,
  ): void => {
    if (input === undefined) return;
    for (const c of parseAll(input, what)) pool.push({ value: c, source });
  };
  let table: ReturnType<typeof parseSnpCertTable> | undefined;
  if (ev.certTable !== undefined) {
    try {
      const bytes = ev.certTable;
      table = seenTables.get(bytes, (): [ReturnType<typeof parseSnpCertTable>, boolean] => [
        parseSnpCertTable(bytes),
        true,
      ]);
    } catch (e) {
      note('certificate table', e);
    }
  }
  const leafSlots: Partial<Record<SnpSignerKind, Held<X509Certificate>>> = {};
  // A leaf input may be a bundle (Azure serves VCEK, ASK and ARK in one PEM): the leaf is the
  // certificate that is not a CA; the others join the issuer pool.
  const slot = (
    kind: SnpSignerKind,
    input: SnpCertInput | undefined,
    source: SnpCollateralSource,
    what: string,
  ): void => {
    if (input === undefined || leafSlots[kind] !== undefined) return;
    const certs = parseAll(input, what);
    const leafCert =
      certs.find((c) => c.basicConstraints?.ca !== true && !isSelfIssued(c)) ?? certs[0];
    if (leafCert === undefined) return;
    leafSlots[kind] = { value: leafCert, source };
    for (const c of certs) if (c !== leafCert) pool.push({ value: c, source });
  };
  slot('VCEK', ev.vcek, 'evidence', 'evidence.vcek');
  slot('VLEK', ev.vlek, 'evidence', 'evidence.vlek');
  slot('VCEK', table?.vcek, 'cert-table', 'certificate table VCEK');
  slot('VLEK', table?.vlek, 'cert-table', 'certificate table VLEK');
  // snp.signature starts as soon as the signer certificate is known: with the key already
  // imported (a warm cache) `verifySignature` hands the P-384 verification to WebCrypto before it
  // returns, and it runs there while everything else (chain, extensions, policy) is checked.
  const wantKind: SnpSignerKind = signer === 'VLEK' ? 'VLEK' : 'VCEK';
  const early = leafSlots[wantKind] ?? leafSlots[wantKind === 'VCEK' ? 'VLEK' : 'VCEK'];
  let signatureDone: Promise<SignatureRecord> | undefined =
    early !== undefined ? signatureCheck(report, early.value, cache) : undefined;
  // Policy compiled (and, when malformed, thrown) once the verification is under way.
  const compiled = compileSnpPolicy(options.policy);
  const L = createLedger<Id>(SPECS);
  addToPool(ev.chain, 'evidence', 'evidence.chain');
  addToPool(table?.ask, 'cert-table', 'certificate table ASK');
  addToPool(table?.ark, 'cert-table', 'certificate table ARK');
  let crlHeld: Held<SnpCertInput> | undefined =
    ev.crl !== undefined
      ? { value: ev.crl, source: 'evidence' }
      : table?.crl !== undefined
        ? { value: table.crl, source: 'cert-table' }
        : undefined;

  let leaf: Held<X509Certificate> | undefined = early;
  if (leaf === undefined) {
    // A VCEK/VLEK handed over inside the chain bundle (any order is accepted).
    const i = pool.findIndex((h) => {
      const role = snpCertificateRole(h.value).role;
      return (role === 'vcek' || role === 'vlek') && h.value.basicConstraints?.ca !== true;
    });
    if (i >= 0) leaf = pool.splice(i, 1)[0];
  }

  // 3. Product line: every source that names one must agree.
  const claims: { source: string; product: SnpProduct }[] = [];
  if (report.productSource === 'cpuid' && report.product !== undefined) {
    claims.push({ source: 'report CPUID', product: report.product });
  }
  if (options.product !== undefined)
    claims.push({ source: 'options.product', product: options.product });
  else if (reportOptionProduct !== undefined)
    claims.push({ source: 'parse option', product: reportOptionProduct });
  let intermediate: Held<X509Certificate> | undefined;
  let ark: Held<X509Certificate> | undefined;
  const pickChain = (): void => {
    intermediate = pickIntermediate(pool, leaf?.value, wantKind);
    ark =
      intermediate !== undefined
        ? pickArk(pool, intermediate.value)
        : pool.find((h) => isSelfIssued(h.value));
  };
  pickChain();
  for (const [what, c] of [
    ['signer certificate', leaf?.value],
    ['intermediate certificate', intermediate?.value],
    ['ARK certificate', intermediate && ark?.value],
  ] as const) {
    const p = c !== undefined ? snpCertificateRole(c).product : undefined;
    if (p !== undefined) claims.push({ source: what, product: p });
  }
  const product: SnpProduct | undefined = claims[0]?.product;
  const conflicting = claims.filter((c) => c.product !== product);
  if (product === undefined) {
    L.fail(
      'snp.product',
      'the product line is unknown: the report has no CPUID product (v2) and no certificate names it; pass options.product',
      { claims },
    );
  } else if (conflicting.length > 0) {
    L.fail(
      'snp.product',
      `sources disagree on the product line: ${claims.map((c) => `${c.source} says ${c.product}`).join(', ')}`,
      { expected: product, actual: claims },
    );
  } else {
    L.pass('snp.product', `${product} (from ${claims.map((c) => c.source).join(', ')})`, {
      product,
      claims,
    });
  }

  // The TCBs, decoded in the product's layout.
  let tcb: SnpReportTcbs | undefined;
  if (product !== undefined) {
    try {
      tcb =
        report.product === product && report.tcb !== undefined
          ? report.tcb
          : decodeSnpReportTcbs(report, product);
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      L.fail(
        'snp.report.format',
        `the report is malformed for ${product}: ${e.message}`,
        errorDetail(e),
      );
    }
  }
  if (L.status('snp.report.format') === undefined) {
    L.pass('snp.report.format', `ATTESTATION_REPORT version ${report.version}`, {
      version: report.version,
    });
  }
  const kds: SnpKdsParams | undefined =
    product !== undefined && signer !== 'none' ? snpKdsParams(report, product) : undefined;

  // 4. Fetch only what is missing.
  const fetcher = options.fetcher;
  if (fetcher !== undefined && product !== undefined && signer !== 'none') {
    if (leaf === undefined && kds !== undefined) {
      if (wantKind === 'VCEK' && isAllZero(report.chipId)) {
        note(
          `fetching the ${wantKind}`,
          new Error(
            'CHIP_ID is masked (all zero): the VCEK cannot be looked up; supply it with the evidence',
          ),
        );
      } else if (wantKind === 'VLEK' && fetcher.vlek === undefined) {
        note(
          `fetching the ${wantKind}`,
          new Error('the fetcher cannot supply VLEKs (KDS serves them only to the cloud provider)'),
        );
      } else {
        try {
          const get = (): Promise<readonly SnpCertInput[] | SnpCertInput> =>
            wantKind === 'VCEK' ? fetcher.vcek(kds) : fetcher.vlek!(kds);
          leaf = { value: (await fetchCerts(get))[0]!, source: 'fetcher' };
        } catch (e) {
          note(`fetching the ${wantKind}`, e, wantKind === 'VCEK' ? 'vcek' : 'vlek');
        }
      }
    }
    const inter = pickIntermediate(pool, leaf?.value, wantKind);
    const chainMissing =
      inter === undefined ||
      (leaf !== undefined && !equalBytes(leaf.value.issuer.raw, inter.value.subject.raw)) ||
      pickArk(pool, inter.value) === undefined;
    if (chainMissing) {
      try {
        const got = await fetchCerts(() => fetcher.certChain(product, wantKind));
        for (const c of got) pool.push({ value: c, source: 'fetcher' });
      } catch (e) {
        note(`fetching the ${wantKind === 'VCEK' ? 'ASK' : 'ASVK'}/ARK chain`, e, 'certChain');
      }
    }
    // With requireCrl the fetcher's CRL is the one checked, even when the evidence or the
    // certificate table carries one: the host chooses those, and any CRL the ARK signed passes
    // snp.crl — an older one still before its nextUpdate, or the other signer path's (the VCEK
    // and VLEK CRLs have the same issuer) — hiding a revocation. So a failed fetch fails snp.crl
    // rather than falling back to a supplied CRL (a host able to block the fetch would pick it).
    // Without a fetcher, crlCheck refuses to let a certificate-table CRL satisfy requireCrl.
    if (options.requireCrl === true) {
      crlHeld = undefined;
      try {
        const got: unknown = await fetcher.crl(product, wantKind);
        if (!isCertInput(got))
          throw new TypeError('the fetcher returned a CRL that is neither bytes nor text');
        crlHeld = { value: got, source: 'fetcher' };
      } catch (e) {
        note('fetching the CRL', e, 'crl');
      }
    }
    pickChain();
  }

  if (leaf !== undefined) sources.leaf = leaf.source;
  if (intermediate !== undefined) sources.intermediate = intermediate.source;
  if (ark !== undefined) sources.ark = ark.source;
  if (crlHeld !== undefined) sources.crl = crlHeld.source;

  // Start snp.signature if the fetcher had to supply the leaf.
  signatureDone ??= signatureCheck(report, leaf?.value, cache);

  // snp.signer.kind
  let ext: SnpVcekExtensions | undefined;
  let extError: unknown;
  if (leaf !== undefined) {
    try {
      const leafCert = leaf.value;
      const leafId = ids.get(leafCert);
      ext =
        cache !== undefined && leafId !== undefined
          ? memo(cache, `attestkit:snp:ext:${leafId}`, () => parseSnpVcekExtensions(leafCert))
          : parseSnpVcekExtensions(leafCert);
    } catch (e) {
      extError = e;
    }
  }
  if (signer === 'none') {
    L.fail('snp.signer.kind', 'KEY_INFO.SIGNING_KEY is 7 (none): the report is not signed', {
      expected: ['VCEK', 'VLEK'],
      actual: 'none',
    });
  } else if (leaf === undefined) {
    L.skip('snp.signer.kind', `no signer certificate to compare with SIGNING_KEY (${signer})`);
  } else {
    const kind = certKind(leaf.value, ext);
    if (kind === undefined) {
      L.fail(
        'snp.signer.kind',
        `the signer certificate "${leaf.value.subject.text}" is neither a VCEK nor a VLEK`,
        {
          expected: signer,
          actual: leaf.value.subject.text,
        },
      );
    } else {
      L.result(
        'snp.signer.kind',
        kind === signer,
        kind === signer
          ? `signed with the ${signer}${report.keyInfo.maskChipKey ? ' (MASK_CHIP_KEY set)' : ''}`
          : `KEY_INFO.SIGNING_KEY names the ${signer} but the certificate is a ${kind}`,
        { expected: signer, actual: kind },
      );
    }
  }

  // snp.collateral
  const missing: string[] = [];
  if (leaf === undefined) missing.push(wantKind);
  if (intermediate === undefined) missing.push(wantKind === 'VCEK' ? 'ASK' : 'ASVK');
  if (ark === undefined) missing.push('ARK');
  if (missing.length === 0 && problems.length === 0) {
    L.pass(
      'snp.collateral',
      `certificates from ${Object.entries(sources)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
      { sources },
    );
  } else {
    const why = [
      ...(missing.length > 0
        ? [`missing ${missing.join(', ')}${fetcher === undefined ? ' (no fetcher)' : ''}`]
        : []),
      ...problems,
    ];
    L.fail('snp.collateral', why.join('; '), { missing, problems: problemDetail, sources });
  }

  // Chain checks.
  const [leafChainId, interChainId, ...unused]: [Id, Id, Id, Id] =
    wantKind === 'VCEK'
      ? ['snp.chain.vcek', 'snp.chain.ask', 'snp.chain.vlek', 'snp.chain.asvk']
      : ['snp.chain.vlek', 'snp.chain.asvk', 'snp.chain.vcek', 'snp.chain.ask'];
  L.require(leafChainId);
  L.require(interChainId);
  for (const id of unused) L.skip(id, `the report is signed with the ${wantKind}`);
  if (
    leaf !== undefined &&
    intermediate !== undefined &&
    ark !== undefined &&
    product !== undefined
  ) {
    let pins: Uint8Array[];
    let pinKey: string;
    try {
      [pins, pinKey] = pinsFor(options, product);
    } catch (e) {
      if (e instanceof AttestError)
        throw new TypeError('options.rootPins holds invalid hex', { cause: e });
      throw e;
    }
    const certs = [leaf.value, intermediate.value, ark.value] as const;
    const run = (): Promise<ChainResult> =>
      verifyChain({
        root: certs[2],
        intermediate: certs[1],
        leaf: certs[0],
        rootPins: pins,
        now,
        ...(cache !== undefined ? { cache } : {}),
      });
    // With every certificate inside its validity the result does not depend on `now`: memoise
    // the whole chain by content (certificates and pins), so a warm verification skips it.
    const certIds = certs.map((c) => ids.get(c));
    const chain =
      cache !== undefined &&
      certs.every((c) => validityAt(c, now) === 'valid') &&
      certIds.every((id) => id !== undefined)
        ? await memo(cache, `attestkit:snp:chain:${certIds.join(':')}:${pinKey}`, run)
        : await run();
    link(L, 'snp.chain.ark', chain.root, `ARK (${product})`, []);
    const { role: interRole, product: interProduct } = snpCertificateRole(certs[1]);
    const wantRole = wantKind === 'VCEK' ? 'ask' : 'asvk';
    const extra: string[] = [];
    if (interRole !== 'unknown' && interRole !== wantRole) {
      extra.push(
        `the intermediate is an ${interRole.toUpperCase()}; a ${wantKind} chains to the ${wantRole.toUpperCase()}`,
      );
    }
    if (interProduct !== undefined && interProduct !== product)
      extra.push(`the intermediate belongs to ${interProduct}, not ${product}`);
    link(L, interChainId, chain.intermediate, wantRole.toUpperCase(), extra);
    link(L, leafChainId, chain.leaf, wantKind, []);
  } else {
    for (const id of ['snp.chain.ark', interChainId, leafChainId] as const) {
      L.dependsOn(id, product === undefined ? 'snp.product' : 'snp.collateral');
    }
  }

  // snp.crl
  if (options.requireCrl === true) L.require('snp.crl');
  await crlCheck(L, crlHeld, ark?.value, intermediate?.value, now, options, cache);

  // Extensions against the report.
  extensionChecks(L, report, leaf?.value, ext, extError, product, tcb, signer);

  // snp.tcb.relations
  if (tcb === undefined) {
    L.dependsOn('snp.tcb.relations', 'snp.product', 'snp.report.format');
  } else {
    const issues: string[] = [];
    const hi = tcbExceeding(tcb.reported, tcb.current);
    if (hi.length > 0) issues.push(`REPORTED_TCB exceeds CURRENT_TCB in ${hi.join(', ')}`);
    const ci = tcbExceeding(tcb.committed, tcb.current);
    if (ci.length > 0) issues.push(`COMMITTED_TCB exceeds CURRENT_TCB in ${ci.join(', ')}`);
    const cur = (report.currentMajor << 16) | (report.currentMinor << 8) | report.currentBuild;
    const com =
      (report.committedMajor << 16) | (report.committedMinor << 8) | report.committedBuild;
    if (com > cur) issues.push('the committed firmware version is newer than the current one');
    L.result(
      'snp.tcb.relations',
      issues.length === 0,
      issues.length === 0
        ? 'REPORTED ≤ CURRENT and COMMITTED ≤ CURRENT in every component'
        : issues.join('; '),
      {
        current: tcbDetail(tcb.current),
        reported: tcbDetail(tcb.reported),
        committed: tcbDetail(tcb.committed),
        launch: tcbDetail(tcb.launch),
      },
    );
  }

  // snp.policy.*
  applySnpPolicy(L, compiled, { report, tcb });

  // With a cache the certificates and extensions are the memo's (sealed), read by later calls:
  // each result holds its own copy (core share.ts; report, tcb and kds are this call's own),
  // made while the report signature is being verified.
  const certificates: Record<string, unknown> = {};
  put(certificates, 'leaf', leaf?.value);
  put(certificates, 'intermediate', intermediate?.value);
  put(certificates, 'ark', ark?.value);
  certificates.sources = sources;
  const shownExt = cache !== undefined ? copyPlain(ext) : ext;
  const shownCertificates = cache !== undefined ? copyPlain(certificates) : certificates;

  // snp.signature (started above)
  const [status, message, detail] = await signatureDone;
  L[status]('snp.signature', message, detail);

  // Built by assignment, in the same key order: spreads after a first key are slow in V8.
  const { ok, checks } = L.finish();
  const out: Record<string, unknown> = { ok, checks, report };
  put(out, 'product', product);
  out.signer = signer;
  put(out, 'tcb', tcb);
  put(out, 'kds', kds);
  put(out, 'signerExtensions', shownExt);
  out.certificates = shownCertificates;
  return out as unknown as SnpVerification;
}

/** Sets `o[k]` only when `v` is defined (optional properties are omitted, never undefined). */
function put(o: Record<string, unknown>, k: string, v: unknown): void {
  if (v !== undefined) o[k] = v;
}

/** The intermediate: the pool certificate that issued the leaf, else one of the expected role. */
function pickIntermediate(
  pool: readonly Held<X509Certificate>[],
  leaf: X509Certificate | undefined,
  kind: SnpSignerKind,
): Held<X509Certificate> | undefined {
  const candidates = pool.filter((h) => !isSelfIssued(h.value));
  if (leaf !== undefined) {
    const issuer = candidates.find((h) => equalBytes(leaf.issuer.raw, h.value.subject.raw));
    if (issuer !== undefined) return issuer;
  }
  const role = kind === 'VCEK' ? 'ask' : 'asvk';
  return (
    candidates.find((h) => snpCertificateRole(h.value).role === role) ??
    (leaf === undefined ? undefined : candidates[0])
  );
}

/** The ARK: the self-issued pool certificate that issued the intermediate, else any self-issued. */
function pickArk(
  pool: readonly Held<X509Certificate>[],
  intermediate: X509Certificate,
): Held<X509Certificate> | undefined {
  const roots = pool.filter((h) => isSelfIssued(h.value));
  return roots.find((h) => equalBytes(intermediate.issuer.raw, h.value.subject.raw)) ?? roots[0];
}

/** The CN=… part of an RFC 4514 name, for short messages. */
function cnText(name: string): string {
  return /(?:^|,)(CN=[^,]+)/.exec(name)?.[1] ?? name;
}

function link(
  L: Ledger<Id>,
  id: Id,
  r: ChainLinkResult,
  what: string,
  extra: readonly string[],
): void {
  const problems = [...r.problems, ...extra];
  const detail = { subject: r.subject, serial: r.serialHex, problems };
  if (problems.length === 0) L.pass(id, `${what} ${cnText(r.subject)} verified`, detail);
  else L.fail(id, `${what}: ${problems.join('; ')}`, detail);
}

async function crlCheck(
  L: Ledger<Id>,
  held: Held<SnpCertInput> | undefined,
  ark: X509Certificate | undefined,
  intermediate: X509Certificate | undefined,
  now: Date,
  options: SnpVerifyOptions,
  cache: AttestCache | undefined,
): Promise<void> {
  const id: Id = 'snp.crl';
  if (held === undefined) {
    if (options.requireCrl === true)
      L.fail(
        id,
        options.fetcher !== undefined
          ? 'options.requireCrl is set and the CRL could not be fetched (see snp.collateral)'
          : 'options.requireCrl is set but no CRL was supplied',
      );
    else L.skip(id, 'no CRL supplied (set options.requireCrl to fetch and require one)');
    return;
  }
  let crl: X509Crl;
  try {
    crl = parseCrlCached(held.value, cache);
  } catch (e) {
    L.fail(id, `the CRL does not parse: ${errorMessage(e)}`, errorDetail(e));
    return;
  }
  if (!L.dependsOn(id, 'snp.chain.ark')) return;
  if (ark === undefined || intermediate === undefined) return;
  const r = await checkCrl(crl, ark, [intermediate.serialHex], {
    now,
    ...(options.maxCrlAge !== undefined ? { maxAgeMs: options.maxCrlAge } : {}),
    ...(cache !== undefined ? { cache } : {}),
  });
  const detail = {
    issuer: crl.issuer.text,
    thisUpdate: crl.thisUpdate.toISOString(),
    ...(crl.nextUpdate !== undefined ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
    checkedSerial: intermediate.serialHex,
    revokedSerials: r.revokedSerials,
    problems: r.problems,
    source: held.source,
  };
  if (r.revokedSerials.length > 0) {
    L.fail(
      id,
      `the ${cnText(intermediate.subject.text)} (serial ${intermediate.serialHex}) is revoked`,
      detail,
    );
  } else if (!r.ok) {
    L.fail(id, r.problems.join('; '), detail);
  } else if (options.requireCrl === true && held.source === 'cert-table') {
    // The host fills the certificate table and may put any CRL the ARK signed there: an older
    // one still before its nextUpdate, or the other signer path's (the VCEK and VLEK CRLs share
    // an issuer). It is checked, and a revocation it lists still fails, but only a CRL the
    // caller supplied or fetched satisfies requireCrl; without one, as when no CRL was supplied.
    L.fail(
      id,
      `options.requireCrl is set but no CRL was supplied: the certificate table's CRL of ${crl.thisUpdate.toISOString()} (serial ${intermediate.serialHex} not revoked) comes from the host and does not satisfy it; pass evidence.crl or a fetcher`,
      detail,
    );
  } else {
    L.pass(
      id,
      `CRL of ${crl.thisUpdate.toISOString()} verified; serial ${intermediate.serialHex} not revoked`,
      detail,
    );
  }
}

/** What `snp.signature` records: status, message and detail. */
type SignatureRecord = [status: 'pass' | 'fail' | 'skip', message: string, detail?: unknown];

/** Checks snp.signature; started early and recorded last, so it never rejects. */
async function signatureCheck(
  report: SnpReport,
  leaf: X509Certificate | undefined,
  cache: AttestCache | undefined,
): Promise<SignatureRecord> {
  if (report.keyInfo.signer === 'none')
    return ['fail', 'the report is unsigned (SIGNING_KEY none)'];
  if (report.keyInfo.signer === 'VCEK' && report.keyInfo.maskChipKey) {
    return [
      'fail',
      'MASK_CHIP_KEY is set: the firmware did not sign with the VCEK (the signature is zero-filled)',
    ];
  }
  if (report.signatureAlgo !== SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384) {
    return [
      'fail',
      `SIGNATURE_ALGO ${report.signatureAlgo} is not ECDSA P-384 with SHA-384 (1)`,
      { expected: 1, actual: report.signatureAlgo },
    ];
  }
  if (leaf === undefined) {
    return [
      'skip',
      'depends on snp.collateral: no signer certificate',
      { dependsOn: 'snp.collateral' },
    ];
  }
  const key = leaf.publicKey;
  if (key.kind !== 'ec' || key.curve !== 'P-384') {
    return [
      'fail',
      'the signer certificate does not hold a P-384 key',
      { actual: key.kind === 'ec' ? key.curve : key.kind },
    ];
  }
  try {
    return (await verifySignature({
      key,
      scheme: 'ecdsa',
      hash: 'sha384',
      data: report.signedBytes,
      signature: concatBytes(report.signature.r, report.signature.s),
      ...(cache !== undefined ? { cache } : {}),
    }))
      ? ['pass', 'ECDSA P-384/SHA-384 signature over 0x000–0x29F verified']
      : ['fail', 'the signature does not verify with the signer certificate key'];
  } catch (e) {
    return ['fail', `the signature could not be checked: ${errorMessage(e)}`, errorDetail(e)];
  }
}

function extensionChecks(
  L: Ledger<Id>,
  report: SnpReport,
  leaf: X509Certificate | undefined,
  ext: SnpVcekExtensions | undefined,
  extError: unknown,
  product: SnpProduct | undefined,
  tcb: SnpReportTcbs | undefined,
  signer: SnpSignerKind | 'none',
): void {
  const ids: Id[] = [
    'snp.cert.product-name',
    'snp.tcb.vcek-extensions',
    'snp.cert.hwid',
    'snp.cert.csp-id',
  ];
  if (leaf === undefined) {
    for (const id of ids) L.dependsOn(id, 'snp.collateral');
    return;
  }
  if (ext === undefined) {
    for (const id of ids)
      L.fail(id, `the AMD certificate extensions are malformed`, errorDetail(extError));
    return;
  }
  // Product name, with or without the stepping suffix.
  if (product === undefined) {
    L.dependsOn('snp.cert.product-name', 'snp.product');
  } else if (ext.productName === undefined) {
    L.fail('snp.cert.product-name', 'the certificate has no productName extension', {
      expected: product,
    });
  } else {
    L.result(
      'snp.cert.product-name',
      ext.product === product,
      ext.product === product
        ? `productName "${ext.productName}"`
        : `productName "${ext.productName}" does not name ${product}`,
      { expected: product, actual: ext.productName },
    );
  }
  // SPLs = REPORTED_TCB.
  if (tcb === undefined) {
    L.dependsOn('snp.tcb.vcek-extensions', 'snp.product', 'snp.report.format');
  } else {
    const rep = tcb.reported;
    const pairs: [string, number | undefined, number][] = [
      ['blSPL', ext.blSpl, rep.bootloader],
      ['teeSPL', ext.teeSpl, rep.tee],
      ['snpSPL', ext.snpSpl, rep.snp],
      ['ucodeSPL', ext.ucodeSpl, rep.microcode],
    ];
    if (rep.layout === 'turin') pairs.unshift(['fmcSPL', ext.fmcSpl, rep.fmc ?? 0]);
    const bad: string[] = [];
    const actual: Record<string, number | null> = {};
    const expected: Record<string, number> = {};
    let listed = '';
    for (const [n, c, r] of pairs) {
      actual[n] = c ?? null;
      expected[n] = r;
      listed += ` ${n}=${r}`;
      if (c !== r) bad.push(c === undefined ? `${n} missing` : n);
    }
    L.result(
      'snp.tcb.vcek-extensions',
      bad.length === 0,
      bad.length === 0
        ? `certificate SPLs equal REPORTED_TCB (${listed.slice(1)})`
        : `certificate SPLs differ from REPORTED_TCB: ${bad.join(', ')}`,
      { expected, actual },
    );
  }
  // hwID = CHIP_ID.
  if (signer === 'VLEK') {
    if (ext.hwid !== undefined) L.fail('snp.cert.hwid', 'a VLEK must not carry a hwID');
    else L.skip('snp.cert.hwid', 'VLEK certificates carry no hwID (the report CHIP_ID is zero)');
  } else if (isAllZero(report.chipId)) {
    L.skip('snp.cert.hwid', 'CHIP_ID is masked (all zero): the VCEK hwID cannot be compared');
  } else if (ext.hwid === undefined) {
    L.fail('snp.cert.hwid', 'the VCEK has no hwID extension', { expected: toHex(report.chipId) });
  } else if (product === undefined) {
    L.dependsOn('snp.cert.hwid', 'snp.product');
  } else {
    const n = product === 'Turin' ? 8 : 64;
    const expected = toHex(report.chipId.subarray(0, n));
    const ok =
      ext.hwid.length === n &&
      equalBytes(ext.hwid, report.chipId.subarray(0, n)) &&
      isAllZero(report.chipId.subarray(n));
    L.result(
      'snp.cert.hwid',
      ok,
      ok
        ? `hwID equals CHIP_ID (${n} bytes, ${ext.hwidEncoding ?? 'raw'} encoding)`
        : 'hwID differs from CHIP_ID: the certificate belongs to another chip',
      // Equal bytes have equal hex: one encoding serves both sides of a match.
      { expected, actual: ok ? expected : toHex(ext.hwid), encoding: ext.hwidEncoding },
    );
  }
  // cspId (VLEK).
  if (signer !== 'VLEK') L.skip('snp.cert.csp-id', 'only VLEKs name a cloud provider');
  else if (ext.cspId === undefined) L.warn('snp.cert.csp-id', 'the VLEK has no cspId extension');
  else L.pass('snp.cert.csp-id', `VLEK issued to ${ext.cspId}`, { cspId: ext.cspId });
}

/**
 * Checks only the report signature (ECDSA P-384/SHA-384 over 0x000–0x29F, r and s
 * little-endian; spec note §6) with a key you already trust — e.g. an SVSM or test signing key
 * that has no AMD certificate. This is not a verification of the report: nothing about the chain,
 * TCB or policy is checked. Use `verifySnpReport` for that.
 *
 * Exported from `attestkit/snp`.
 *
 * @param report - report bytes or a parsed report.
 * @param key - a P-384 public key: SubjectPublicKeyInfo (DER or PEM), a certificate, or key data.
 * @param cache - optional memo for the imported key.
 * @returns true when the signature verifies.
 * @throws {AttestError} for a malformed report (`parseSnpReport` codes), key (`ERR_BAD_KEY`,
 *   `ERR_UNSUPPORTED`) or signature encoding.
 * @example
 * ```ts
 * const ok = await verifySnpReportSignature(reportBytes, svsmSigningKeyPem);
 * ```
 */
export async function verifySnpReportSignature(
  report: Uint8Array | SnpReport,
  key: Uint8Array | string | X509Certificate | PublicKeyInfo,
  cache?: AttestCache,
): Promise<boolean> {
  const r = report instanceof Uint8Array ? parseSnpReport(report) : parseSnpReport(report.raw);
  let pk: PublicKeyInfo;
  if (typeof key === 'string' || key instanceof Uint8Array) {
    const der = derFromInput(key, typeof key === 'string' ? 'PUBLIC KEY' : undefined);
    pk = parseSpki(der);
  } else if ('kind' in key) pk = key;
  else if ('publicKey' in key) pk = key.publicKey;
  else throw new TypeError('key must be an SPKI, a certificate or key data');
  if (pk.kind !== 'ec' || pk.curve !== 'P-384') {
    throw new AttestError('ERR_UNSUPPORTED', {
      message: 'SEV-SNP reports are signed with P-384 keys',
    });
  }
  return verifySignature({
    key: pk,
    scheme: 'ecdsa',
    hash: 'sha384',
    data: r.signedBytes,
    signature: concatBytes(r.signature.r, r.signature.s),
    ...(cache !== undefined ? { cache } : {}),
  });
}
