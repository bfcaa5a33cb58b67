/**
 * @module
 * AMD Key Distribution Service adapters for `verifySnpReport` (AMD KDS interface spec 57230;
 * URL shapes from `snpKdsUrls`, spec note §8): `createKdsFetcher` over a caller-supplied `fetch`
 * (retries with back-off on 429 and 5xx, per-request timeouts, size limits), and
 * `staticSnpCollateral` serving certificates and CRLs the caller already holds (offline use).
 * Wrap either in `withCache` so a VCEK is fetched once per (product, hwid, TCB).
 */
import { AttestError } from '../core/errors.js';
import { dersFromInput, equalBytes, utf8Decode } from '../core/encoding.js';
import { parseCertificate, parseCrl, type X509Certificate, type X509Crl } from '../core/x509.js';
import {
  parseSnpVcekExtensions,
  snpCertificateRole,
  snpKdsUrls,
  SNP_KDS_BASE_URL,
} from '../snp/kds.js';
import type {
  SnpCertInput,
  SnpFetcher,
  SnpKdsParams,
  SnpProduct,
  SnpSignerKind,
} from '../snp/types.js';
import {
  fetchWithRetries,
  instanceScope,
  requestSettings,
  type FetchLike,
  type FetchResponseLike,
} from './http.js';
import { derAnswer, pemAnswer } from './shapes.js';

/**
 * The part of a `Response` the KDS fetcher reads: status 200 succeeds; 429 and 5xx are retried;
 * any other status fails at once.
 *
 * @deprecated Use {@link FetchResponseLike} (the same shape, shared with `createPcsFetcher`).
 */
export type KdsResponseLike = FetchResponseLike;

/**
 * A `fetch`-compatible function (the global `fetch`, undici, a test fake…).
 *
 * @deprecated Use {@link FetchLike} (the same type, shared with `createPcsFetcher`).
 */
export type KdsFetchFunction = FetchLike;

/** Options of {@link createKdsFetcher}. */
export interface KdsFetcherOptions {
  /** The transport. attestkit never calls a global `fetch` on its own. */
  readonly fetch: FetchLike;
  /** KDS base URL. Default `https://kdsintf.amd.com` (a caching proxy works too). */
  readonly baseUrl?: string;
  /**
   * Retries after the first attempt on 429, 5xx, network errors and timeouts: an integer from 0
   * to 10. Default 3.
   */
  readonly retries?: number;
  /**
   * Per-attempt timeout in milliseconds, covering the response headers and the whole body (a
   * server that stalls mid-body is aborted and retried): an integer from 1 to 2^31 − 1 (what
   * `setTimeout` can wait). Default 10 000.
   */
  readonly timeoutMs?: number;
  /**
   * First back-off delay in milliseconds (0 to 2^31 − 1); doubled per retry. A server's
   * `Retry-After` (delay-seconds or an IMF-fixdate; anything else is ignored) can lengthen a
   * delay, never shorten it. Default 500 ms (KDS rate-limits bursts).
   */
  readonly backoffMs?: number;
  /** Cap for one back-off delay, including a server's Retry-After (0 to 2^31 − 1). Default 10 000 ms. */
  readonly maxBackoffMs?: number;
  /**
   * Largest response body accepted, in bytes (a positive integer). Default 1 MiB (KDS answers are
   * a few KiB). A larger `Content-Length` is refused before reading; a streamed body (WHATWG or
   * Node.js stream) is cancelled as soon as it passes the limit; a body that is neither is read
   * only under an identity-encoded `Content-Length` within the limit. Either way the request
   * fails at once (no retry) with a {@link KdsFetchError} whose `cause` is an `AttestError`
   * `ERR_LIMIT_EXCEEDED`. Raising it lets a hostile or misconfigured server make the verifier
   * buffer that much.
   */
  readonly maxBytes?: number;
  /** Waits between attempts (injectable for tests). Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A KDS request that failed for good (after retries; at once for a 4xx other than 429, an
 * over-limit body or an answer of the wrong shape), with the underlying error as `cause`.
 * `status` is the last HTTP status, if any. Exported from `attestkit/fetch`.
 *
 * @example
 * ```ts
 * try { await fetcher.vcek(params) } catch (e) { if (e instanceof KdsFetchError) console.log(e.status, e.url) }
 * ```
 */
export class KdsFetchError extends Error {
  /** The URL requested (for a VCEK without a URL, the `<base>/vcek/v1` prefix). */
  readonly url: string;
  /** HTTP status of the last response; absent when none arrived (network error, timeout). */
  readonly status?: number;
  /** Attempts made, the first included; 0 when no request could be made. */
  readonly attempts: number;
  constructor(message: string, url: string, attempts: number, status?: number, cause?: unknown) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'KdsFetchError';
    this.url = url;
    this.attempts = attempts;
    if (status !== undefined) this.status = status;
  }
}

/**
 * A fetcher for `verifySnpReport` over the AMD KDS: `vcek(params)` (DER), `certChain(product,
 * signer)` (the PEM ASK+ARK or ASVK+ARK bundle) and `crl(product, signer)` (DER). VLEKs are not
 * public (KDS serves them to cloud providers only), so there is no `vlek`. Retries 429 and 5xx
 * with exponential back-off (a valid Retry-After lengthens it, capped), and network errors and
 * timeouts likewise; other statuses fail at once. Each attempt's timeout covers the headers and
 * the whole body, and the body is read incrementally up to `maxBytes` (see
 * {@link KdsFetcherOptions.maxBytes}). An answer of the wrong shape is refused before it is
 * returned (so `withCache` never keeps it), at once: a VCEK or CRL must be exactly one strict DER
 * SEQUENCE, a chain UTF-8 text with at least one PEM `CERTIFICATE`. Wrap it in `withCache` to
 * fetch each VCEK once.
 *
 * Exported from `attestkit/fetch`.
 *
 * @param options - the `fetch` to use, base URL, retry, timeout and size settings.
 * @returns an `SnpFetcher` whose methods reject with a {@link KdsFetchError} (the underlying
 *   error as its `cause`: an `AttestError` `ERR_LIMIT_EXCEEDED` for an over-limit body, the shape
 *   check's `AttestError` for a refused answer), or with a `TypeError` or `RangeError` for a
 *   malformed argument (e.g. a TCB component outside 0–255).
 * @throws {TypeError} when `options.fetch` or `options.sleep` is not a function, or a number
 *   option is not a number.
 * @throws {RangeError} when `timeoutMs` is not an integer from 1 to 2^31 − 1, `retries` not an
 *   integer from 0 to 10, `maxBytes` not a positive safe integer, or a back-off not from 0 to
 *   2^31 − 1.
 * @example
 * ```ts
 * import { createCache } from 'attestkit';
 * import { createKdsFetcher, withCache } from 'attestkit/fetch';
 * const cache = createCache({ maxEntries: 500 });
 * const fetcher = withCache(createKdsFetcher({ fetch }), cache, { prefix: 'kds' });
 * const result = await verifySnpReport(report, { fetcher, cache });
 * ```
 */
export function createKdsFetcher(options: KdsFetcherOptions): SnpFetcher {
  const settings = requestSettings(
    'createKdsFetcher',
    options,
    'backoffMs',
    500,
    'maxBackoffMs',
    10_000,
  );
  const base = options.baseUrl ?? SNP_KDS_BASE_URL;
  const get = <T>(url: string, accept: string, shape: (body: Uint8Array) => T): Promise<T> =>
    fetchWithRetries(settings, 'KDS', KdsFetchError, url, { accept }, false, shape);
  const paths = (product: SnpProduct, signer: SnpSignerKind): [string, string] => {
    const u = snpKdsUrls(kdsStub(product), { baseUrl: base });
    return signer === 'VLEK' ? [u.vlekCertChain, u.vlekCrl] : [u.vcekCertChain, u.vcekCrl];
  };

  return {
    cacheScope: JSON.stringify(['kds', base]),
    async vcek(params: SnpKdsParams): Promise<Uint8Array> {
      const url = snpKdsUrls(params, { baseUrl: base }).vcek;
      if (url === undefined) {
        throw new KdsFetchError('no VCEK URL: VLEK signer or masked CHIP_ID', `${base}/vcek/v1`, 0);
      }
      return get(url, 'application/x-x509-ca-cert, application/octet-stream', derAnswer);
    },
    async certChain(product: SnpProduct, signer: SnpSignerKind = 'VCEK'): Promise<string> {
      return get(paths(product, signer)[0], 'application/x-pem-file, */*', (b) =>
        pemAnswer(utf8Decode(b), 'CERTIFICATE'),
      );
    },
    async crl(product: SnpProduct, signer: SnpSignerKind = 'VCEK'): Promise<Uint8Array> {
      return get(paths(product, signer)[1], 'application/pkix-crl, */*', derAnswer);
    },
  };
}

function kdsStub(product: SnpProduct): SnpKdsParams {
  return {
    product,
    signer: 'VLEK',
    hwid: new Uint8Array(0),
    tcb: { bootloader: 0, tee: 0, snp: 0, microcode: 0 },
  };
}

/**
 * ARK-signed CRLs labelled by the signer path they cover: AMD KDS serves one per product at
 * `/vcek/v1/<product>/crl` (revokes ASKs) and one at `/vlek/v1/<product>/crl` (revokes ASVKs).
 * Both have the same issuer (`ARK-<product>`), so nothing in a CRL says which one it is.
 */
export interface StaticSnpCrls {
  /** CRLs from `/vcek/v1/<product>/crl` (DER or PEM), any products. */
  readonly vcek?: readonly SnpCertInput[];
  /** CRLs from `/vlek/v1/<product>/crl` (DER or PEM), any products. */
  readonly vlek?: readonly SnpCertInput[];
}

/** What {@link staticSnpCollateral} serves. */
export interface StaticSnpCollateralInput {
  /** VCEKs, VLEKs, ASKs, ASVKs and ARKs: DER, PEM or bundles, any order, any products. */
  readonly certificates?: readonly SnpCertInput[] | SnpCertInput;
  /**
   * ARK-signed CRLs (DER or PEM), any products, preferably labelled by signer path:
   * `{ vcek: [...], vlek: [...] }`. A path's query is answered with the newest CRL of the
   * product under that label. An unlabelled array is taken to hold VCEK-path CRLs (what KDS
   * serves at `/vcek/v1/<product>/crl`) and serves only VCEK-path queries, and only when it
   * holds exactly one CRL of the queried product: AMD's VCEK-path and VLEK-path CRLs have the
   * same issuer, so with two a VLEK-path CRL (which lists no ASK) could answer for a VCEK chain
   * and hide a revoked ASK. Default: none (`crl` rejects).
   */
  readonly crls?: readonly SnpCertInput[] | StaticSnpCrls;
}

/**
 * An offline `SnpFetcher` that serves certificates and CRLs the caller already holds (files,
 * a database, a cloud metadata response). Certificates are sorted by their AMD names; `vcek`
 * returns the VCEK whose product, hwID and SPLs match the query, `certChain` the product's
 * ASK (or ASVK) and ARK, `crl(product, signer)` the newest CRL issued by the product's ARK
 * under the signer path's label (see {@link StaticSnpCollateralInput.crls}; an unlabelled list
 * serves the VCEK path only, and only when it holds one CRL of the product). Every answer is a
 * fresh copy. Nothing here is trusted: `verifySnpReport` verifies whatever it serves against
 * the pinned ARKs.
 *
 * Exported from `attestkit/fetch`.
 *
 * @param input - certificates and CRLs.
 * @returns an `SnpFetcher` whose methods reject when they hold nothing suitable: an
 *   `AttestError` `ERR_MISSING_FIELD` (for `crl`, also when unlabelled CRLs leave the signer path
 *   in doubt).
 * @throws {AttestError} `ERR_BAD_CERTIFICATE`, `ERR_BAD_CRL`, `ERR_BAD_DER`, `ERR_TRAILING_DATA`,
 *   `ERR_BAD_ENCODING` for unreadable input.
 * @throws {TypeError} when `input`, or `crls` when given, has the wrong shape.
 * @example
 * ```ts
 * import { staticSnpCollateral } from 'attestkit/fetch';
 * const fetcher = staticSnpCollateral({
 *   certificates: [vcekDer, askArkPem],
 *   crls: { vcek: [vcekCrlDer], vlek: [vlekCrlDer] },
 * });
 * await verifySnpReport(report, { fetcher, requireCrl: true });
 * ```
 */
export function staticSnpCollateral(input: StaticSnpCollateralInput): SnpFetcher {
  if (typeof input !== 'object' || input === null)
    throw new TypeError('expected { certificates, crls }');
  const certs: X509Certificate[] =
    input.certificates === undefined
      ? []
      : dersFromInput(
          input.certificates,
          typeof input.certificates === 'string' ? 'CERTIFICATE' : undefined,
        ).map((d) => parseCertificate(d));
  const crls = labelledCrls(input.crls);
  const role = (c: X509Certificate): ReturnType<typeof snpCertificateRole> => snpCertificateRole(c);
  const missing = (what: string): never => {
    throw new AttestError('ERR_MISSING_FIELD', { message: `static collateral holds no ${what}` });
  };
  const leaf = (kind: 'vcek' | 'vlek', p: SnpKdsParams): X509Certificate => {
    const found = certs.find((c) => {
      const r = role(c);
      if (r.role !== kind || (r.product !== undefined && r.product !== p.product)) return false;
      let ext;
      try {
        ext = parseSnpVcekExtensions(c);
      } catch {
        return false;
      }
      const t = p.tcb;
      return (
        ext.blSpl === t.bootloader &&
        ext.teeSpl === t.tee &&
        ext.snpSpl === t.snp &&
        ext.ucodeSpl === t.microcode &&
        (p.product !== 'Turin' || ext.fmcSpl === (t.fmc ?? 0)) &&
        (kind === 'vlek' || (ext.hwid !== undefined && equalBytes(ext.hwid, p.hwid)))
      );
    });
    return found ?? missing(`${kind.toUpperCase()} for ${p.product} at that hwID and TCB`);
  };
  // Promise-returning (not async) so a missing entry is a rejection, like a failed download.
  const later = <T>(f: () => T): Promise<T> => Promise.resolve().then(f);
  // Copies: a caller that zeroes or edits what it was given must not change later answers.
  const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);
  return {
    cacheScope: instanceScope('static-snp'),
    vcek: (p) => later(() => copy(leaf('vcek', p).raw)),
    vlek: (p) => later(() => copy(leaf('vlek', p).raw)),
    certChain: (product, signer = 'VCEK') =>
      later(() => {
        const want = signer === 'VLEK' ? 'asvk' : 'ask';
        const inter = certs.find((c) => role(c).role === want && role(c).product === product);
        const ark = certs.find((c) => role(c).role === 'ark' && role(c).product === product);
        if (inter === undefined || ark === undefined) {
          return missing(`${want.toUpperCase()}/ARK for ${product}`);
        }
        return [copy(inter.raw), copy(ark.raw)];
      }),
    crl: (product, signer = 'VCEK') => later(() => copy(pickCrl(crls, product, signer).raw)),
  };
}

interface LabelledCrls {
  /** True when the caller gave a plain array: every CRL is then in `vcek`. */
  readonly unlabelled: boolean;
  readonly vcek: readonly X509Crl[];
  readonly vlek: readonly X509Crl[];
}

function labelledCrls(input: StaticSnpCollateralInput['crls']): LabelledCrls {
  if (input === undefined) return { unlabelled: false, vcek: [], vlek: [] };
  const parseAll = (list: unknown, where: string): X509Crl[] => {
    if (!Array.isArray(list)) throw new TypeError(`${where} must be an array of CRLs`);
    return (list as SnpCertInput[]).map((c) => parseCrl(c));
  };
  if (Array.isArray(input)) return { unlabelled: true, vcek: parseAll(input, 'crls'), vlek: [] };
  if (typeof input !== 'object' || input === null) {
    throw new TypeError('crls must be an array or { vcek?, vlek? }');
  }
  const extra = Object.keys(input).filter((k) => k !== 'vcek' && k !== 'vlek');
  if (extra.length > 0) {
    throw new TypeError(`crls may only hold 'vcek' and 'vlek', not '${extra.join("', '")}'`);
  }
  const labelled = input as StaticSnpCrls;
  return {
    unlabelled: false,
    vcek: labelled.vcek === undefined ? [] : parseAll(labelled.vcek, 'crls.vcek'),
    vlek: labelled.vlek === undefined ? [] : parseAll(labelled.vlek, 'crls.vlek'),
  };
}

/**
 * The CRL for one product and signer path. AMD's VCEK-path and VLEK-path CRLs share their issuer
 * (`ARK-<product>`) and carry no extension naming their path, so only the caller's label can
 * tell them apart; serving the other path's CRL would let a revoked ASK or ASVK pass `snp.crl`.
 */
function pickCrl(crls: LabelledCrls, product: SnpProduct, signer: SnpSignerKind): X509Crl {
  const mine = (signer === 'VLEK' ? crls.vlek : crls.vcek).filter((c) =>
    c.issuer.attributes.some((a) => a.type === 'CN' && a.value === `ARK-${product}`),
  );
  const newest = mine.reduce<X509Crl | undefined>(
    (best, c) => (best === undefined || c.thisUpdate > best.thisUpdate ? c : best),
    undefined,
  );
  // Unlabelled CRLs are all in `vcek` (none serves the VLEK path), and serve only one per
  // product: with two, one may be the VLEK path's (same issuer), which lists no ASK.
  if (newest === undefined || (crls.unlabelled && mine.length > 1)) {
    throw new AttestError('ERR_MISSING_FIELD', {
      message: `static collateral holds no ${crls.unlabelled ? 'single unlabelled' : 'labelled'} ${signer}-path CRL for ${product} (label them: crls: { vcek, vlek })`,
    });
  }
  return newest;
}
