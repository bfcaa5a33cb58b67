/**
 * @module
 * AMD Key Distribution Service adapters for `verifySnpReport` (AMD KDS interface spec 57230;
 * URL shapes from `snpKdsUrls`, spec note §8): `createKdsFetcher` over a caller-supplied `fetch`
 * (retries with back-off on 429 and 5xx, per-request timeouts, size limits), and
 * `staticSnpCollateral` serving certificates and CRLs the caller already holds (offline use).
 * Wrap either in `withCache` so a VCEK is fetched once per (product, hwid, TCB).
 */
import { AttestError, isAttestError } from '../core/errors.js';
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
  DEFAULT_MAX_RESPONSE_BYTES,
  httpAttempt,
  type FetchLike,
  type FetchResponseLike,
  instanceScope,
} from './http.js';

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
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts. Default 3. */
  readonly retries?: number;
  /**
   * Per-attempt timeout in milliseconds, covering the response headers and the whole body (a
   * server that stalls mid-body is aborted and retried). Default 10 000.
   */
  readonly timeoutMs?: number;
  /** First back-off delay; doubled per retry. Default 500 ms (KDS rate-limits bursts). */
  readonly backoffMs?: number;
  /** Cap for one back-off delay, including a server's Retry-After. Default 10 000 ms. */
  readonly maxBackoffMs?: number;
  /**
   * Largest response body accepted, in bytes (a positive integer). Default 1 MiB (KDS answers are
   * a few KiB). A larger `Content-Length` is refused before reading; a streamed body is cancelled
   * as soon as it passes the limit. Either way the request fails at once (no retry) with a
   * {@link KdsFetchError} whose `cause` is an `AttestError` `ERR_LIMIT_EXCEEDED`. Raising it
   * lets a hostile or misconfigured server make the verifier buffer that much.
   */
  readonly maxBytes?: number;
  /** Waits between attempts (injectable for tests). Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A KDS request that failed for good (after retries, or at once for a 4xx other than 429).
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

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * A fetcher for `verifySnpReport` over the AMD KDS: `vcek(params)` (DER), `certChain(product,
 * signer)` (the PEM ASK+ARK or ASVK+ARK bundle) and `crl(product, signer)` (DER). VLEKs are not
 * public (KDS serves them to cloud providers only), so there is no `vlek`. Retries 429 and 5xx
 * with exponential back-off (honouring Retry-After), and network errors and timeouts likewise;
 * other statuses fail at once. Each attempt's timeout covers the headers and the whole body, and
 * the body is read incrementally up to `maxBytes` (see {@link KdsFetcherOptions.maxBytes}). Wrap
 * it in `withCache` to fetch each VCEK once.
 *
 * Exported from `attestkit/fetch`.
 *
 * @param options - the `fetch` to use, base URL, retry, timeout and size settings.
 * @returns an `SnpFetcher` whose methods reject with a {@link KdsFetchError}; for an over-limit
 *   response its `cause` is an `AttestError` with code `ERR_LIMIT_EXCEEDED`.
 * @throws {TypeError} when `options.fetch` is not a function.
 * @throws {RangeError} when `retries` is negative or `maxBytes` is not a positive integer.
 * @example
 * ```ts
 * import { createCache } from 'attestkit';
 * import { createKdsFetcher, withCache } from 'attestkit/fetch';
 * const cache = createCache({ maxEntries: 500 });
 * const fetcher = withCache(createKdsFetcher({ fetch }), cache);
 * const result = await verifySnpReport(report, { fetcher, cache });
 * ```
 */
export function createKdsFetcher(options: KdsFetcherOptions): SnpFetcher {
  if (typeof options !== 'object' || options === null || typeof options.fetch !== 'function') {
    throw new TypeError('createKdsFetcher needs { fetch }');
  }
  const doFetch = options.fetch;
  const base = options.baseUrl ?? SNP_KDS_BASE_URL;
  const retries = options.retries ?? 3;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const sleep = options.sleep ?? defaultSleep;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retries must be ≥ 0');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError('maxBytes must be a positive integer');
  }

  const get = async (url: string, accept: string): Promise<Uint8Array> => {
    let lastStatus: number | undefined;
    let lastCause: unknown;
    for (let i = 0; i <= retries; i++) {
      let delay = Math.min(maxBackoffMs, backoffMs * 2 ** i);
      try {
        const { response: res, body } = await httpAttempt(doFetch, url, {
          timeoutMs,
          maxBytes,
          headers: { accept },
          wantBody: (r) => r.status === 200,
        });
        lastStatus = res.status;
        if (body !== undefined) {
          if (body.length === 0) throw new KdsFetchError('empty response', url, i + 1, 200);
          return body;
        }
        if (res.status !== 429 && res.status < 500) {
          throw new KdsFetchError(`KDS answered HTTP ${res.status}`, url, i + 1, res.status);
        }
        lastCause = new Error(`HTTP ${res.status}`);
        const ra = retryAfterMs(res.headers.get('retry-after'), Date.now());
        if (ra !== undefined) delay = Math.min(maxBackoffMs, ra);
      } catch (e) {
        if (e instanceof KdsFetchError) throw e;
        // The body is only read on a 200; a server sending too much will do so again.
        if (isAttestError(e, 'ERR_LIMIT_EXCEEDED')) {
          throw new KdsFetchError(`KDS ${e.message}`, url, i + 1, 200, e);
        }
        lastCause = e;
      }
      if (i < retries) await sleep(delay);
    }
    throw new KdsFetchError(
      `KDS request failed after ${retries + 1} attempts: ${lastCause instanceof Error ? lastCause.message : String(lastCause)}`,
      url,
      retries + 1,
      lastStatus,
      lastCause,
    );
  };

  return {
    cacheScope: JSON.stringify(['kds', base]),
    async vcek(params: SnpKdsParams): Promise<Uint8Array> {
      const url = snpKdsUrls(params, { baseUrl: base }).vcek;
      if (url === undefined) {
        throw new KdsFetchError('no VCEK URL: VLEK signer or masked CHIP_ID', `${base}/vcek/v1`, 0);
      }
      return get(url, 'application/x-x509-ca-cert, application/octet-stream');
    },
    async certChain(product: SnpProduct, signer: SnpSignerKind = 'VCEK'): Promise<string> {
      const urls = snpKdsUrls(kdsStub(product), { baseUrl: base });
      const bytes = await get(
        signer === 'VLEK' ? urls.vlekCertChain : urls.vcekCertChain,
        'application/x-pem-file, */*',
      );
      return utf8Decode(bytes);
    },
    async crl(product: SnpProduct, signer: SnpSignerKind = 'VCEK'): Promise<Uint8Array> {
      const urls = snpKdsUrls(kdsStub(product), { baseUrl: base });
      return get(signer === 'VLEK' ? urls.vlekCrl : urls.vcekCrl, 'application/pkix-crl, */*');
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
  if (crls.unlabelled && signer === 'VLEK') {
    throw new AttestError('ERR_MISSING_FIELD', {
      message:
        `static collateral holds no VLEK-path CRL for ${product}: unlabelled CRLs serve the ` +
        `VCEK path only (pass crls: { vcek: [...], vlek: [...] })`,
    });
  }
  if (crls.unlabelled && mine.length > 1) {
    throw new AttestError('ERR_MISSING_FIELD', {
      message:
        `static collateral holds ${mine.length} unlabelled CRLs issued by ARK-${product} and ` +
        `cannot tell which covers the VCEK path (the VCEK and VLEK paths' CRLs have the same ` +
        `issuer); pass crls: { vcek: [...], vlek: [...] }`,
    });
  }
  const newest = mine.reduce<X509Crl | undefined>(
    (best, c) => (best === undefined || c.thisUpdate > best.thisUpdate ? c : best),
    undefined,
  );
  if (newest === undefined) {
    throw new AttestError('ERR_MISSING_FIELD', {
      message: `static collateral holds no ${signer}-path CRL for ${product}`,
    });
  }
  return newest;
}
