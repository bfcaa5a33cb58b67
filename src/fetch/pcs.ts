/**
 * @module
 * Intel DCAP collateral sources for `verifyTdxQuote`: `createPcsFetcher` (Intel PCS API v4 or a
 * PCCS, over a caller-supplied `fetch`, issuer chains from the response headers, retries with
 * back-off on 429/5xx and network errors, per-request timeouts, size limits) and
 * `staticTdxCollateral` (serves collateral the caller already holds, e.g. for offline
 * verification).
 */
import { pcsUrls, PCS_BASE_URL, PCS_ISSUER_CHAIN_HEADERS } from '../tdx/pcs.js';
import type { PckCa, TdxCollateral, TdxFetcher, TeeKind } from '../tdx/types.js';
import { isAttestError } from '../core/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, httpAttempt, instanceScope, type FetchLike } from './http.js';

export type { FetchLike } from './http.js';

/**
 * Why a PCS/PCCS request failed: the URL, the HTTP status of the last response (absent after a
 * network error or timeout) and the attempts made. Over-limit bodies and malformed responses carry
 * the underlying error (an `AttestError` for `ERR_LIMIT_EXCEEDED`) as `cause`. The same shape as
 * `KdsFetchError`.
 */
export class PcsFetchError extends Error {
  /** The URL requested. */
  readonly url: string;
  /** HTTP status of the last response; absent when none arrived (network error, timeout). */
  readonly status?: number;
  /** Attempts made, the first included. */
  readonly attempts: number;
  constructor(message: string, url: string, attempts: number, status?: number, cause?: unknown) {
    super(message, cause !== undefined ? { cause } : undefined);
    this.name = 'PcsFetchError';
    this.url = url;
    this.attempts = attempts;
    if (status !== undefined) this.status = status;
  }
}

/** Options of {@link createPcsFetcher}. */
export interface PcsFetcherOptions {
  /** The `fetch` to use (required: attestkit never reaches for a global). */
  readonly fetch: FetchLike;
  /** PCS or PCCS base URL. Default `https://api.trustedservices.intel.com`. */
  readonly baseUrl?: string;
  /** Root CA CRL URL. Default: Intel's certificates host (PCS) or `<base>/sgx/certification/v4/rootcacrl` (PCCS). */
  readonly rootCaCrlUrl?: string;
  /** `update=early|standard`. Default: not sent. */
  readonly update?: 'early' | 'standard';
  /** Pin a TCB evaluation data number. Default: latest. */
  readonly tcbEvaluationDataNumber?: number;
  /**
   * Extra request headers (e.g. a PCCS needs none; some caches want an API key). Default none.
   * They are sent only to URLs with the same origin as `baseUrl` (never to Intel's certificates
   * host, nor to a `rootCaCrlUrl` elsewhere), and those requests go with `redirect: 'error'`: a redirect fails the
   * request (as a network error, so it is retried) instead of carrying these headers to the
   * redirect's target, which may be another origin. Point `baseUrl` (and `rootCaCrlUrl`) at the
   * final URLs. A custom `fetch` must honour `redirect` (the WHATWG `fetch`, undici and
   * node-fetch do) or follow no redirects itself.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Per-attempt timeout in milliseconds, covering the response headers and the whole body (a
   * server that stalls mid-body is aborted and retried). Default 10 000.
   */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors. Default 3. */
  readonly retries?: number;
  /** First back-off delay; doubles per retry (a `Retry-After` header wins, capped). Default 250 ms. */
  readonly retryDelayMs?: number;
  /** Longest back-off delay. Default 5 000 ms. */
  readonly maxRetryDelayMs?: number;
  /**
   * Largest response body accepted, in bytes (a positive integer). Default 1 MiB (TCB info and
   * QE identity JSON and the PCK and root CA CRLs are a few KiB to a few tens of KiB). A larger
   * `Content-Length` is refused before reading; a streamed body is cancelled as soon as it passes
   * the limit. Either way the request fails at once (no retry) with an `AttestError`
   * `ERR_LIMIT_EXCEEDED`. Raising it lets a hostile or misconfigured server make the verifier
   * buffer that much.
   */
  readonly maxBytes?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Fetched {
  readonly body: Uint8Array;
  readonly attempts: number;
  readonly header: (names: readonly string[]) => string | undefined;
}

function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/**
 * Creates a fetcher for `verifyTdxQuote` that downloads collateral from Intel PCS v4 or a PCCS.
 * Issuer chains come from the `TCB-Info-Issuer-Chain`, `SGX-Enclave-Identity-Issuer-Chain` and
 * `SGX-PCK-CRL-Issuer-Chain` headers (percent-decoded). Wrap it with `withCache` to fetch each
 * item once. Each attempt's timeout covers the headers and the whole body, and the body is read
 * incrementally up to `maxBytes` (see {@link PcsFetcherOptions.maxBytes}). Exported from
 * `attestkit/fetch`. Spec: Intel PCS API v4.
 *
 * @param options - `fetch` (required), `baseUrl`, `rootCaCrlUrl`, `update`,
 *   `tcbEvaluationDataNumber`, `headers`, `timeoutMs`, `retries`, `retryDelayMs`,
 *   `maxRetryDelayMs`, `maxBytes`.
 * @returns `{ tcbInfo(fmspc, tee?), qeIdentity(tee?), pckCrl(ca), rootCaCrl() }`; each rejects with
 *   an `Error` naming the URL and HTTP status when the service fails, or with an `AttestError`
 *   `ERR_LIMIT_EXCEEDED` (naming the URL) when a response is larger than `maxBytes`.
 * @throws {TypeError} when `fetch` is missing or an option has the wrong type or range.
 * @example
 * ```ts
 * import { createPcsFetcher, withCache } from 'attestkit/fetch';
 * import { createCache } from 'attestkit';
 * const fetcher = withCache(createPcsFetcher({ fetch }), createCache({ maxEntries: 100 }));
 * const r = await verifyTdxQuote(quote, { fetcher });
 * ```
 */
export function createPcsFetcher(options: PcsFetcherOptions): TdxFetcher {
  if (typeof options !== 'object' || options === null || typeof options.fetch !== 'function') {
    throw new TypeError('createPcsFetcher needs { fetch }');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const baseDelay = options.retryDelayMs ?? 250;
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  for (const [k, v] of Object.entries({ timeoutMs, retries, baseDelay, maxDelay })) {
    if (!Number.isFinite(v) || v < 0) throw new TypeError(`${k} must be a non-negative number`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError('maxBytes must be a positive integer');
  }
  const urlOptions = {
    baseUrl: options.baseUrl ?? PCS_BASE_URL,
    ...(options.rootCaCrlUrl !== undefined ? { rootCaCrlUrl: options.rootCaCrlUrl } : {}),
    ...(options.update !== undefined ? { update: options.update } : {}),
    ...(options.tcbEvaluationDataNumber !== undefined
      ? { tcbEvaluationDataNumber: options.tcbEvaluationDataNumber }
      : {}),
  };
  const doFetch = options.fetch;
  const callerHeaders = options.headers !== undefined && Object.keys(options.headers).length > 0;
  // The caller's headers (an API key) go only to baseUrl's origin, never to the Root CA CRL's
  // host (Intel's certificates host by default, or any rootCaCrlUrl).
  const originOf = (u: string): string | undefined => {
    try {
      return new URL(u).origin;
    } catch {
      return undefined;
    }
  };
  const baseOrigin = originOf(urlOptions.baseUrl);

  const get = async (url: string): Promise<Fetched> => {
    let lastError: unknown;
    const withHeaders = callerHeaders && baseOrigin !== undefined && originOf(url) === baseOrigin;
    for (let attempt = 0; attempt <= retries; attempt++) {
      let delay = Math.min(maxDelay, baseDelay * 2 ** attempt);
      try {
        const { response: res, body } = await httpAttempt(doFetch, url, {
          timeoutMs,
          maxBytes,
          headers: withHeaders ? { ...options.headers } : {},
          callerHeaders: withHeaders,
          wantBody: (r) => r.status === 200,
        });
        if (body !== undefined) {
          if (body.length === 0) {
            lastError = new PcsFetchError(`PCS GET ${url}: empty response`, url, attempt + 1, 200);
            throw lastError;
          }
          return {
            body,
            attempts: attempt + 1,
            header: (names) => {
              for (const n of names) {
                const v = res.headers.get(n);
                if (v !== null) return v;
              }
              return undefined;
            },
          };
        }
        lastError = new PcsFetchError(
          `PCS GET ${url}: HTTP ${res.status}`,
          url,
          attempt + 1,
          res.status,
        );
        if (res.status !== 429 && res.status < 500) throw lastError;
        delay = Math.min(maxDelay, retryAfterMs(res.headers.get('Retry-After')) ?? delay);
      } catch (e) {
        if (e === lastError) throw e;
        // An over-limit body is not retried: the same server would send it again.
        if (isAttestError(e, 'ERR_LIMIT_EXCEEDED')) {
          throw new PcsFetchError(`PCS GET ${url}: ${e.message}`, url, attempt + 1, 200, e);
        }
        const why = e instanceof Error ? e.message : String(e);
        lastError = new PcsFetchError(`PCS GET ${url}: ${why}`, url, attempt + 1, undefined, e);
      }
      if (attempt < retries) await sleep(delay);
    }
    throw lastError;
  };

  // A malformed answer rejects as a PcsFetchError (cause: the URIError or TypeError), like
  // every other failure of this fetcher.
  const decode = <T>(f: Fetched, url: string, what: string, run: () => T): T => {
    try {
      return run();
    } catch (e) {
      throw new PcsFetchError(`PCS GET ${url}: ${what}`, url, f.attempts, 200, e);
    }
  };
  const text = (f: Fetched, url: string): string =>
    decode(f, url, 'body is not UTF-8', () =>
      new TextDecoder('utf-8', { fatal: true }).decode(f.body),
    );
  const chain = (f: Fetched, names: readonly string[], url: string): string => {
    const v = f.header(names);
    if (v === undefined) {
      throw new PcsFetchError(
        `PCS GET ${url}: response lacks the ${names[0]!} header`,
        url,
        f.attempts,
        200,
      );
    }
    return decode(f, url, `the ${names[0]!} header is not valid percent-encoding`, () =>
      decodeURIComponent(v),
    );
  };
  // A CRL arrives as DER (encoding=der), PEM, or — from some PCCS versions — hex text.
  const crlBody = (f: Fetched, url: string): Uint8Array | string =>
    f.body[0] === 0x30 ? f.body : text(f, url).trim();
  const urls = (fmspc: string, tee: TeeKind, ca: PckCa = 'platform') =>
    pcsUrls({ fmspc, tee, ca }, urlOptions);
  const anyFmspc = '000000000000';

  return {
    // Everything that changes what is fetched (the API key does not; it stays out of cache keys).
    cacheScope: JSON.stringify([
      'pcs',
      urlOptions.baseUrl,
      options.rootCaCrlUrl ?? null,
      options.update ?? null,
      options.tcbEvaluationDataNumber ?? null,
    ]),
    async tcbInfo(fmspc, tee = 'tdx') {
      const url = urls(fmspc, tee).tcbInfo;
      const f = await get(url);
      return {
        tcbInfo: text(f, url),
        tcbInfoIssuerChain: chain(f, PCS_ISSUER_CHAIN_HEADERS.tcbInfo, url),
      };
    },
    async qeIdentity(tee = 'tdx') {
      const url = urls(anyFmspc, tee).qeIdentity;
      const f = await get(url);
      return {
        qeIdentity: text(f, url),
        qeIdentityIssuerChain: chain(f, PCS_ISSUER_CHAIN_HEADERS.qeIdentity, url),
      };
    },
    async pckCrl(ca) {
      const url = urls(anyFmspc, 'tdx', ca).pckCrl;
      const f = await get(url);
      return {
        pckCrl: crlBody(f, url),
        pckCrlIssuerChain: chain(f, PCS_ISSUER_CHAIN_HEADERS.pckCrl, url),
      };
    },
    async rootCaCrl() {
      const url = urls(anyFmspc, 'tdx').rootCaCrl;
      return crlBody(await get(url), url);
    },
  };
}

function asText(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : new TextDecoder().decode(v);
}

function includesAscii(hay: Uint8Array | string, needle: string): boolean {
  if (typeof hay === 'string')
    return hay.includes(needle) || hay.toLowerCase().includes(hexOfAscii(needle));
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= hay.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

function hexOfAscii(s: string): string {
  return Array.from(s, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

/**
 * A fetcher that serves collateral the caller already holds (files, a database, a previous PCS
 * download): for offline verification, or to pin a known collateral set. Each `TdxCollateral`
 * covers one FMSPC; pass several for several platforms. Requests it cannot serve reject.
 * Exported from `attestkit/fetch`.
 *
 * @param collateral - one or more collateral sets (PCS/PCCS form; see `tdxCollateralFromDcapQvl`).
 * @returns a `TdxFetcher`.
 * @throws {TypeError} when given no collateral or a non-object.
 * @example
 * ```ts
 * import { staticTdxCollateral } from 'attestkit/fetch';
 * const fetcher = staticTdxCollateral({ tcbInfo, tcbInfoIssuerChain, qeIdentity, qeIdentityIssuerChain, pckCrl, pckCrlIssuerChain, rootCaCrl });
 * await verifyTdxQuote(quote, { fetcher });
 * ```
 */
export function staticTdxCollateral(
  ...collateral: (TdxCollateral | readonly TdxCollateral[])[]
): TdxFetcher {
  const sets: TdxCollateral[] = collateral.flat();
  if (sets.length === 0 || sets.some((s) => typeof s !== 'object' || s === null)) {
    throw new TypeError('staticTdxCollateral needs at least one collateral object');
  }
  // Rejections, not synchronous throws, for anything the static set cannot serve.
  const serve = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));
  const missing = (what: string): Error => new Error(`static collateral holds no ${what}`);
  return {
    cacheScope: instanceScope('static-tdx'),
    tcbInfo(fmspc, tee = 'tdx') {
      return serve(() => {
        const want = fmspc.toLowerCase();
        const id = tee === 'tdx' ? 'TDX' : 'SGX';
        const hit = sets.find((s) => {
          const t = asText(s.tcbInfo);
          const f = /"fmspc"\s*:\s*"([0-9a-fA-F]{12})"/.exec(t)?.[1]?.toLowerCase();
          const i = /"id"\s*:\s*"(TDX|SGX)"/.exec(t)?.[1] ?? 'SGX';
          return f === want && i === id;
        });
        if (hit === undefined) throw missing(`${id} TCB info for FMSPC ${want}`);
        return { tcbInfo: hit.tcbInfo, tcbInfoIssuerChain: hit.tcbInfoIssuerChain };
      });
    },
    qeIdentity(tee = 'tdx') {
      return serve(() => {
        const id = tee === 'tdx' ? 'TD_QE' : 'QE';
        const hit = sets.find((s) => new RegExp(`"id"\\s*:\\s*"${id}"`).test(asText(s.qeIdentity)));
        if (hit === undefined) throw missing(`${id} identity`);
        return { qeIdentity: hit.qeIdentity, qeIdentityIssuerChain: hit.qeIdentityIssuerChain };
      });
    },
    pckCrl(ca) {
      return serve(() => {
        const withCrl = sets.filter((s) => s.pckCrl !== undefined);
        const name = ca === 'processor' ? 'PCK Processor CA' : 'PCK Platform CA';
        const hit = withCrl.find((s) => includesAscii(s.pckCrl!, name)) ?? withCrl[0];
        if (hit === undefined) throw missing('PCK CRL');
        return { pckCrl: hit.pckCrl!, pckCrlIssuerChain: hit.pckCrlIssuerChain ?? '' };
      });
    },
    rootCaCrl() {
      return serve(() => {
        const hit = sets.find((s) => s.rootCaCrl !== undefined);
        if (hit === undefined) throw missing('Root CA CRL');
        return hit.rootCaCrl!;
      });
    },
  };
}
