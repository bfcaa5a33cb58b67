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

/** The part of a `Response` the fetcher reads. */
export interface KdsResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A `fetch`-compatible function (the global `fetch`, undici, a test fake…). */
export type KdsFetchFunction = (
  url: string,
  init: { readonly signal: AbortSignal; readonly headers: Record<string, string> },
) => Promise<KdsResponseLike>;

/** Options of {@link createKdsFetcher}. */
export interface KdsFetcherOptions {
  /** The transport. attestkit never calls a global `fetch` on its own. */
  readonly fetch: KdsFetchFunction;
  /** KDS base URL. Default `https://kdsintf.amd.com` (a caching proxy works too). */
  readonly baseUrl?: string;
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts. Default 3. */
  readonly retries?: number;
  /** Per-attempt timeout in milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** First back-off delay; doubled per retry. Default 500 ms (KDS rate-limits bursts). */
  readonly backoffMs?: number;
  /** Cap for one back-off delay, including a server's Retry-After. Default 10 000 ms. */
  readonly maxBackoffMs?: number;
  /** Largest response accepted, in bytes. Default 1 MiB. */
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
  readonly url: string;
  readonly status?: number;
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
 * other statuses fail at once. Wrap it in `withCache` to fetch each VCEK once.
 *
 * Exported from `attestkit/fetch`.
 *
 * @param options - the `fetch` to use, base URL, retry and timeout settings.
 * @returns an `SnpFetcher`.
 * @throws {TypeError} when `options.fetch` is not a function.
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
  const maxBytes = options.maxBytes ?? 1 << 20;
  const sleep = options.sleep ?? defaultSleep;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retries must be ≥ 0');

  const attempt = async (url: string, accept: string): Promise<KdsResponseLike> => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        doFetch(url, { signal: controller.signal, headers: { accept } }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  const get = async (url: string, accept: string): Promise<Uint8Array> => {
    let lastStatus: number | undefined;
    let lastCause: unknown;
    for (let i = 0; i <= retries; i++) {
      let delay = Math.min(maxBackoffMs, backoffMs * 2 ** i);
      try {
        const res = await attempt(url, accept);
        lastStatus = res.status;
        if (res.status === 200) {
          const body = new Uint8Array(await res.arrayBuffer());
          if (body.length === 0) throw new KdsFetchError('empty response', url, i + 1, 200);
          if (body.length > maxBytes) {
            throw new KdsFetchError(
              `response of ${body.length} bytes exceeds ${maxBytes}`,
              url,
              i + 1,
              200,
            );
          }
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

/** What {@link staticSnpCollateral} serves. */
export interface StaticSnpCollateralInput {
  /** VCEKs, VLEKs, ASKs, ASVKs and ARKs: DER, PEM or bundles, any order, any products. */
  readonly certificates?: readonly SnpCertInput[] | SnpCertInput;
  /** ARK-signed CRLs (DER or PEM), any products. */
  readonly crls?: readonly SnpCertInput[];
}

/**
 * An offline `SnpFetcher` that serves certificates and CRLs the caller already holds (files,
 * a database, a cloud metadata response). Certificates are sorted by their AMD names; `vcek`
 * returns the VCEK whose product, hwID and SPLs match the query, `certChain` the product's
 * ASK (or ASVK) and ARK, `crl` the newest CRL issued by the product's ARK. Nothing here is
 * trusted: `verifySnpReport` verifies whatever it serves against the pinned ARKs.
 *
 * Exported from `attestkit/fetch`.
 *
 * @param input - certificates and CRLs.
 * @returns an `SnpFetcher` whose methods reject when they hold nothing suitable.
 * @throws {AttestError} `ERR_BAD_CERTIFICATE`, `ERR_BAD_CRL`, `ERR_BAD_DER`, `ERR_TRAILING_DATA`,
 *   `ERR_BAD_ENCODING` for unreadable input.
 * @example
 * ```ts
 * import { staticSnpCollateral } from 'attestkit/fetch';
 * const fetcher = staticSnpCollateral({ certificates: [vcekDer, askArkPem], crls: [crlDer] });
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
  const crls: X509Crl[] = (input.crls ?? []).map((c) => parseCrl(c));
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
  return {
    vcek: (p) => later(() => leaf('vcek', p).raw),
    vlek: (p) => later(() => leaf('vlek', p).raw),
    certChain: (product, signer = 'VCEK') =>
      later(() => {
        const want = signer === 'VLEK' ? 'asvk' : 'ask';
        const inter = certs.find((c) => role(c).role === want && role(c).product === product);
        const ark = certs.find((c) => role(c).role === 'ark' && role(c).product === product);
        if (inter === undefined || ark === undefined) {
          return missing(`${want.toUpperCase()}/ARK for ${product}`);
        }
        return [inter.raw, ark.raw];
      }),
    crl: (product) =>
      later(() => {
        const mine = crls
          .filter((c) =>
            c.issuer.attributes.some((a) => a.type === 'CN' && a.value === `ARK-${product}`),
          )
          .sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
        return mine[0]?.raw ?? missing(`CRL for ${product}`);
      }),
  };
}
