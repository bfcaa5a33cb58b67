/**
 * @module
 * Intel DCAP collateral sources for `verifyTdxQuote`: `createPcsFetcher` (Intel PCS API v4 or a
 * PCCS, over a caller-supplied `fetch`, issuer chains from the response headers, retries with
 * back-off on 429/5xx and network errors, per-request timeouts, size limits) and
 * `staticTdxCollateral` (serves collateral the caller already holds, e.g. for offline
 * verification).
 */
import { pcsUrls, PCS_BASE_URL, PCS_ISSUER_CHAIN_HEADERS, type PcsUrlOptions } from '../tdx/pcs.js';
import type { PckCa, TdxCollateral, TdxFetcher, TeeKind } from '../tdx/types.js';
import { AttestError } from '../core/errors.js';
import { fromHex, utf8Decode } from '../core/encoding.js';
import { parseCrl } from '../core/x509.js';
import {
  fetchWithRetries,
  instanceScope,
  requestSettings,
  type FetchLike,
  type FetchResponseLike,
} from './http.js';
import { derAnswer, pemAnswer } from './shapes.js';
import { ownCopy } from './with-cache.js';

export type { FetchLike } from './http.js';

/**
 * Why a PCS/PCCS request failed: the URL, the HTTP status of the last response (absent when none
 * arrived: network errors, timeouts) and the attempts made, with the underlying error as `cause`
 * (an `AttestError` for an over-limit body or a refused answer, a `URIError` for a broken `%`
 * escape). The same shape as `KdsFetchError`. Exported from `attestkit/fetch`.
 *
 * @example
 * ```ts
 * try { await pcs.tcbInfo(fmspc) } catch (e) { if (e instanceof PcsFetchError) console.log(e.status, e.url) }
 * ```
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
   * server that stalls mid-body is aborted and retried): an integer from 1 to 2^31 − 1 (what
   * `setTimeout` can wait). Default 10 000.
   */
  readonly timeoutMs?: number;
  /**
   * Retries after the first attempt on 429, 5xx, timeouts and network errors: an integer from 0
   * to 10. Default 3.
   */
  readonly retries?: number;
  /**
   * First back-off delay in milliseconds (0 to 2^31 − 1); doubles per retry. A server's
   * `Retry-After` (delay-seconds or an IMF-fixdate; anything else is ignored) can lengthen a
   * delay, never shorten it. Default 250 ms.
   */
  readonly retryDelayMs?: number;
  /** Longest back-off delay, including a server's Retry-After (0 to 2^31 − 1). Default 5 000 ms. */
  readonly maxRetryDelayMs?: number;
  /**
   * Largest response body accepted, in bytes (a positive integer). Default 1 MiB (TCB info and
   * QE identity JSON and the PCK and root CA CRLs are a few KiB to a few tens of KiB). A larger
   * `Content-Length` is refused before reading; a streamed body (WHATWG or Node.js stream) is
   * cancelled as soon as it passes the limit; a body that is neither is read only under an
   * identity-encoded `Content-Length` within the limit. Either way the request fails at once (no
   * retry) with a {@link PcsFetchError} whose `cause` is an `AttestError` `ERR_LIMIT_EXCEEDED`.
   * Raising it lets a hostile or misconfigured server make the verifier buffer that much.
   */
  readonly maxBytes?: number;
  /** Waits between attempts (injectable for tests). Default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A collateral document as PCS serves it: UTF-8 JSON, an object whose `member` (the signed part
 * the verifier reads) is an object.
 */
function signedJson(body: Uint8Array, member: string): string {
  const text = utf8Decode(body);
  const o = JSON.parse(text) as Record<string, unknown> | null;
  if (typeof o?.[member] !== 'object' || o[member] === null) {
    throw new AttestError('ERR_BAD_JSON', { field: member, message: `no ${member} object` });
  }
  return text;
}

/**
 * A CRL as PCS serves it: DER (`encoding=der`), PEM, or (some PCCS versions) hex text; DER is
 * returned as bytes, text trimmed.
 */
function crlAnswer(body: Uint8Array): Uint8Array | string {
  if (body[0] === 0x30) return derAnswer(body);
  const t = utf8Decode(body).trim();
  if (t.startsWith('-')) return pemAnswer(t, 'X509 CRL');
  derAnswer(fromHex(t));
  return t;
}

/**
 * The issuer chain in the first non-empty header of `names` (an empty or blank newer header does
 * not hide an older one), percent-decoded once: it must then be PEM, so text that needed a second
 * decoding is refused here and no verifier decodes it again.
 */
function issuerChain(response: FetchResponseLike, names: readonly string[]): string {
  let v: string | undefined;
  for (const n of names) if ((v = response.headers.get(n)?.trim())) break;
  if (!v) {
    throw new AttestError('ERR_MISSING_FIELD', {
      field: names[0]!,
      message: `the response lacks the ${names[0]!} header`,
    });
  }
  return pemAnswer(decodeURIComponent(v), 'CERTIFICATE');
}

/**
 * Creates a fetcher for `verifyTdxQuote` that downloads collateral from Intel PCS v4 or a PCCS.
 * Issuer chains come from the `TCB-Info-Issuer-Chain` (or, when that is absent or empty,
 * `SGX-TCB-Info-Issuer-Chain`), `SGX-Enclave-Identity-Issuer-Chain` and
 * `SGX-PCK-CRL-Issuer-Chain` headers, percent-decoded once into PEM. Wrap it with `withCache` to
 * fetch each item once. Each attempt's timeout covers the headers and the whole body, and the
 * body is read incrementally up to `maxBytes` (see {@link PcsFetcherOptions.maxBytes}). An answer
 * of the wrong shape is refused before it is returned (so `withCache` never keeps it), at once:
 * TCB info and QE identity must be UTF-8 JSON objects with a `tcbInfo` (or `enclaveIdentity`)
 * object, a CRL one strict DER SEQUENCE (as bytes or hex text) or PEM
 * `X509 CRL`, an issuer chain non-empty PEM with a `CERTIFICATE`. Exported from
 * `attestkit/fetch`. Spec: Intel PCS API v4.
 *
 * @param options - `fetch` (required), `baseUrl`, `rootCaCrlUrl`, `update`,
 *   `tcbEvaluationDataNumber`, `headers`, `timeoutMs`, `retries`, `retryDelayMs`,
 *   `maxRetryDelayMs`, `maxBytes`, `sleep`.
 * @returns `{ tcbInfo(fmspc, tee?), qeIdentity(tee?), pckCrl(ca), rootCaCrl() }`; each rejects
 *   with a {@link PcsFetchError} (the underlying error as its `cause`: an `AttestError`
 *   `ERR_LIMIT_EXCEEDED` for an over-limit body, the shape check's `AttestError` or a `URIError`
 *   for a refused answer), or with a `TypeError` for a malformed argument (an FMSPC that is not
 *   12 hex digits, an unknown `tee` or `ca`).
 * @throws {TypeError} when `fetch` or `sleep` is not a function, or a number option is not a
 *   number.
 * @throws {RangeError} when `timeoutMs` is not an integer from 1 to 2^31 − 1, `retries` not an
 *   integer from 0 to 10, `maxBytes` not a positive safe integer, or a back-off not from 0 to
 *   2^31 − 1.
 * @example
 * ```ts
 * import { createPcsFetcher, withCache } from 'attestkit/fetch';
 * import { createCache } from 'attestkit';
 * const fetcher = withCache(createPcsFetcher({ fetch }), createCache({ maxEntries: 100 }), { prefix: 'pcs' });
 * const r = await verifyTdxQuote(quote, { fetcher });
 * ```
 */
export function createPcsFetcher(options: PcsFetcherOptions): TdxFetcher {
  const settings = requestSettings(
    'createPcsFetcher',
    options,
    'retryDelayMs',
    250,
    'maxRetryDelayMs',
    5_000,
  );
  const baseUrl = options.baseUrl ?? PCS_BASE_URL;
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
  const baseOrigin = originOf(baseUrl);
  const get = <T>(
    url: string,
    shape: (body: Uint8Array, r: FetchResponseLike) => T,
  ): Promise<T> => {
    const withHeaders = callerHeaders && baseOrigin !== undefined && originOf(url) === baseOrigin;
    return fetchWithRetries(
      settings,
      'PCS',
      PcsFetchError,
      url,
      withHeaders ? { ...options.headers } : {},
      withHeaders,
      shape,
    );
  };
  // The URL options are the fetcher's own (`baseUrl`, `rootCaCrlUrl`, `update`,
  // `tcbEvaluationDataNumber`), all in cacheScope; pcsUrls checks them. `derCrl` is forced: a
  // caller's untyped `derCrl: false` would change URLs without changing the scope.
  const urlOptions: PcsUrlOptions = { ...options, derCrl: true };
  const urls = (fmspc: string, tee: TeeKind, ca: PckCa = 'platform') =>
    pcsUrls({ fmspc, tee, ca }, urlOptions);
  const anyFmspc = '000000000000';
  const chains = PCS_ISSUER_CHAIN_HEADERS;

  return {
    // Everything that changes what is fetched (the API key does not; it stays out of cache keys).
    cacheScope: JSON.stringify([
      'pcs',
      baseUrl,
      options.rootCaCrlUrl ?? null,
      options.update ?? null,
      options.tcbEvaluationDataNumber ?? null,
    ]),
    async tcbInfo(fmspc, tee = 'tdx') {
      return get(urls(fmspc, tee).tcbInfo, (b, r) => ({
        tcbInfo: signedJson(b, 'tcbInfo'),
        tcbInfoIssuerChain: issuerChain(r, chains.tcbInfo),
      }));
    },
    async qeIdentity(tee = 'tdx') {
      return get(urls(anyFmspc, tee).qeIdentity, (b, r) => ({
        qeIdentity: signedJson(b, 'enclaveIdentity'),
        qeIdentityIssuerChain: issuerChain(r, chains.qeIdentity),
      }));
    },
    async pckCrl(ca) {
      return get(urls(anyFmspc, 'tdx', ca).pckCrl, (b, r) => ({
        pckCrl: crlAnswer(b),
        pckCrlIssuerChain: issuerChain(r, chains.pckCrl),
      }));
    },
    async rootCaCrl() {
      return get(urls(anyFmspc, 'tdx').rootCaCrl, crlAnswer);
    },
  };
}

function asText(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : new TextDecoder().decode(v);
}

/** The issuer CN of a CRL held as DER, PEM or hex text; undefined when it cannot be read. */
function crlIssuer(crl: Uint8Array | string): string | undefined {
  try {
    const t = typeof crl === 'string' ? crl.trim() : crl;
    return parseCrl(
      typeof t === 'string' && !t.startsWith('-') ? fromHex(t) : t,
    ).issuer.attributes.find((a) => a.type === 'CN')?.value;
  } catch {
    return undefined;
  }
}

/**
 * A fetcher that serves collateral the caller already holds (files, a database, a previous PCS
 * download): for offline verification, or to pin a known collateral set. Each `TdxCollateral`
 * covers one FMSPC; pass several for several platforms. `pckCrl(ca)` serves only a CRL issued by
 * that PCK CA (by the CRL's issuer name), never the other CA's. Every byte array it serves is a
 * fresh copy. Requests it cannot serve reject with an `AttestError` `ERR_MISSING_FIELD`.
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
  // Rejections, not synchronous throws, for anything the static set cannot serve; copies, so a
  // caller that zeroes what it was given changes neither the set nor later answers.
  const serve = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(ownCopy(f())));
  const missing = (what: string): never => {
    throw new AttestError('ERR_MISSING_FIELD', { message: `static collateral holds no ${what}` });
  };
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
        return hit
          ? { tcbInfo: hit.tcbInfo, tcbInfoIssuerChain: hit.tcbInfoIssuerChain }
          : missing(`${id} TCB info for FMSPC ${want}`);
      });
    },
    qeIdentity(tee = 'tdx') {
      return serve(() => {
        const id = tee === 'tdx' ? 'TD_QE' : 'QE';
        const hit = sets.find((s) => new RegExp(`"id"\\s*:\\s*"${id}"`).test(asText(s.qeIdentity)));
        return hit
          ? { qeIdentity: hit.qeIdentity, qeIdentityIssuerChain: hit.qeIdentityIssuerChain }
          : missing(`${id} identity`);
      });
    },
    pckCrl(ca) {
      return serve(() => {
        const name = `Intel SGX PCK ${ca === 'processor' ? 'Processor' : 'Platform'} CA`;
        const hit = sets.find((s) => s.pckCrl !== undefined && crlIssuer(s.pckCrl) === name);
        return hit
          ? { pckCrl: hit.pckCrl!, pckCrlIssuerChain: hit.pckCrlIssuerChain ?? '' }
          : missing(`PCK CRL issued by the ${name}`);
      });
    },
    rootCaCrl() {
      return serve(
        () => sets.find((s) => s.rootCaCrl !== undefined)?.rootCaCrl ?? missing('Root CA CRL'),
      );
    },
  };
}
