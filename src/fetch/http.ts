/**
 * @module
 * The HTTP transport shared by `createKdsFetcher` and `createPcsFetcher`: the `fetch`-like types
 * both accept, their checked timing and size settings, one bounded request attempt, and the
 * retry loop around it. The attempt's timeout covers the headers AND the body, and the size limit
 * is enforced while the body streams in (WHATWG Fetch `Response.body`, WHATWG Streams
 * `ReadableStreamDefaultReader`, or an async-iterable Node.js stream), so a hostile or broken
 * server can neither stall a verification nor make it buffer more than the limit. Requests that
 * carry the caller's own headers (an API key) are sent with `redirect: 'error'` (WHATWG Fetch
 * `RequestInit.redirect`), so those headers never follow a redirect to another origin.
 */
import { AttestError, isAttestError } from '../core/errors.js';

/**
 * Default response-size limit of both fetchers: 1 MiB. AMD KDS answers (a DER VCEK, a PEM
 * ASK+ARK bundle, a DER CRL) and Intel PCS answers (TCB info and QE identity JSON, PCK and root
 * CA CRLs) are a few KiB to a few tens of KiB.
 */
export const DEFAULT_MAX_RESPONSE_BYTES: number = 1 << 20;

/**
 * A `cacheScope` of its own for a fetcher whose answers are the data it was made with (the static
 * fetchers): random, so two instances holding different collateral never share `withCache`
 * entries, in this process or in a cache shared with others.
 *
 * @internal
 */
export function instanceScope(kind: string): string {
  let hex = '';
  for (const b of globalThis.crypto.getRandomValues(new Uint8Array(16)))
    hex += b.toString(16).padStart(2, '0');
  return `${kind}:${hex}`;
}

/**
 * What the fetchers pass to a {@link FetchLike} (a subset of the WHATWG `RequestInit`).
 *
 * @example
 * ```ts
 * const init: FetchInitLike = { method: 'GET', headers: {}, signal: new AbortController().signal };
 * ```
 */
export interface FetchInitLike {
  /** Always `GET`. */
  readonly method?: string;
  /** Request headers: `accept` for KDS; the caller's `headers` option for PCS. */
  readonly headers: Record<string, string>;
  /** Aborted when the attempt times out (while waiting for headers or for the body). */
  readonly signal: AbortSignal;
  /**
   * `'error'` when the request carries caller-supplied headers (the PCS fetcher's `headers`
   * option, e.g. an API key): a redirect then fails the request instead of sending those
   * headers to the redirect's target, which may be another origin. Absent otherwise (the
   * transport's default, `'follow'` for WHATWG `fetch`). A transport that ignores this member
   * must not follow redirects itself when it is set.
   */
  readonly redirect?: 'error';
}

/**
 * The part of a WHATWG `Response` the fetchers read.
 *
 * @example
 * ```ts
 * const res: FetchResponseLike = {
 *   status: 200,
 *   headers: new Headers(),
 *   arrayBuffer: async () => new ArrayBuffer(0),
 * };
 * ```
 */
export interface FetchResponseLike {
  /**
   * True for a 2xx status. Optional and not read: both fetchers accept only status 200.
   */
  readonly ok?: boolean;
  /** HTTP status: 429 and 5xx are retried; any other failure is final. */
  readonly status: number;
  /** Response headers: `Content-Length`, `Retry-After` and (PCS) the issuer-chain headers. */
  readonly headers: {
    /** The header's value, or null when absent (as Fetch `Headers.get`). */
    get(name: string): string | null;
  };
  /**
   * The body as a WHATWG `ReadableStream` or an async iterable (a Node.js `Readable`, as
   * node-fetch and got or axios adapters give) of `Uint8Array` chunks: it is read chunk by chunk
   * and cancelled (a Node.js stream: destroyed) as soon as the size limit is exceeded. A body of
   * any other kind is read with {@link arrayBuffer} only when an identity-encoded
   * `Content-Length` within the limit bounds it, and is refused otherwise. Absent or null: the
   * fetchers call {@link arrayBuffer} and check the limit once it returns (the transport then
   * holds the bytes already, and bounds what it reads itself).
   */
  readonly body?: unknown;
  /** The whole body; used only when {@link body} is neither a stream nor async-iterable. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A `fetch`-compatible function (the global `fetch`, undici, a test fake…): the transport of
 * `createKdsFetcher` and `createPcsFetcher`. attestkit never calls a global `fetch` on its own.
 * Exported from `attestkit/fetch`.
 *
 * @example
 * ```ts
 * import { createKdsFetcher, createPcsFetcher, type FetchLike } from 'attestkit/fetch';
 * const transport: FetchLike = (url, init) => fetch(url, init);
 * const kds = createKdsFetcher({ fetch: transport });
 * const pcs = createPcsFetcher({ fetch: transport });
 * ```
 */
export type FetchLike = (url: string, init: FetchInitLike) => Promise<FetchResponseLike>;

/** Settings of one {@link httpAttempt}. */
export interface HttpAttemptOptions {
  /** Milliseconds for the whole attempt: the response headers and the body. */
  readonly timeoutMs: number;
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Request headers. */
  readonly headers: Record<string, string>;
  /**
   * True when `headers` hold values the caller supplied (credentials, API keys): the request is
   * then sent with `redirect: 'error'`, so they never follow a redirect to another origin.
   */
  readonly callerHeaders?: boolean;
  /** Whether this response's body is wanted (a success status); others are cancelled unread. */
  readonly wantBody: (response: FetchResponseLike) => boolean;
}

/** The outcome of one {@link httpAttempt}. */
export interface HttpAttemptResult {
  /** The response (its body already consumed or cancelled). */
  readonly response: FetchResponseLike;
  /** The body, present exactly when `wantBody(response)` was true. */
  readonly body?: Uint8Array;
}

interface ChunkReader {
  read(): Promise<{ readonly done?: boolean; readonly value?: unknown }>;
  cancel(reason?: unknown): Promise<void>;
}

const ignore = (): void => undefined;

/** Fire-and-forget: a hostile stream's `cancel` may never settle, so it is not awaited. */
function cancelQuietly(target: { cancel(reason?: unknown): unknown }, reason: unknown): void {
  try {
    const p = target.cancel(reason);
    if (hasFunction(p, 'catch')) void (p as Promise<unknown>).catch(ignore);
  } catch {
    // A stream that cannot be cancelled (already locked or closed) holds nothing to release.
  }
}

function hasFunction<K extends PropertyKey>(v: unknown, key: K): v is Record<K, () => unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as Record<K, unknown>)[key] === 'function'
  );
}

/**
 * A chunk reader over `body`: a WHATWG stream's reader, or one over an async iterable (a Node.js
 * `Readable`), whose cancel destroys the stream; undefined for any other body.
 */
function readerOf(body: unknown): ChunkReader | undefined {
  if (hasFunction(body, 'getReader')) {
    const reader: unknown = body.getReader();
    return hasFunction(reader, 'read') && hasFunction(reader, 'cancel')
      ? (reader as unknown as ChunkReader)
      : undefined;
  }
  if (!hasFunction(body, Symbol.asyncIterator)) return undefined;
  const it = body[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  return {
    read: () => it.next(),
    cancel: async () => {
      if (hasFunction(body, 'destroy')) body.destroy();
      await it.return?.();
    },
  };
}

/** Releases the connection behind a body that will not be read (Fetch would hold it open). */
function discardBody(response: FetchResponseLike): void {
  const body: unknown = response.body;
  if (hasFunction(body, 'cancel')) cancelQuietly(body, 'unused');
}

function declaredLength(response: FetchResponseLike): number | undefined {
  const v = response.headers.get('content-length');
  return v !== null && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
}

/**
 * Whether the body is identity-encoded. Otherwise `Content-Length` counts the encoded bytes while
 * `fetch` yields the decoded ones (RFC 9110 §8.6), so the header bounds nothing.
 */
const isIdentity = (r: FetchResponseLike): boolean =>
  /^(identity)?$/.test(r.headers.get('content-encoding')?.trim().toLowerCase() ?? '');

function tooLarge(maxBytes: number, declared?: number): AttestError {
  return declared !== undefined
    ? new AttestError('ERR_LIMIT_EXCEEDED', {
        field: 'Content-Length',
        message: `the response declares ${declared} bytes, over the ${maxBytes}-byte limit`,
      })
    : new AttestError('ERR_LIMIT_EXCEEDED', {
        offset: maxBytes,
        message: `the response exceeds the ${maxBytes}-byte limit`,
      });
}

/**
 * A body shorter (or longer) than its `Content-Length` is refused: the peer closed early, and a
 * cut-off answer must not pass for a complete one (nor be cached). Only an identity-encoded body
 * can be compared (see {@link isIdentity}).
 */
function checkLength(r: FetchResponseLike, declared: number | undefined, n: number): void {
  if (declared !== undefined && declared !== n && isIdentity(r)) {
    throw new Error(`the response has ${n} bytes but its Content-Length declares ${declared}`);
  }
}

/**
 * Empty chunks accepted in a row before a body is refused. A transport may deliver an empty
 * chunk now and then, never thousands back to back: a stream that does so makes no progress,
 * and one whose reads settle without waiting for I/O would otherwise spin until the deadline.
 */
const MAX_EMPTY_CHUNKS = 1024;

function tooManyEmptyChunks(offset: number): AttestError {
  return new AttestError('ERR_LIMIT_EXCEEDED', {
    offset,
    message: `the response delivered more than ${MAX_EMPTY_CHUNKS} empty chunks in a row`,
  });
}

async function readLimited(
  response: FetchResponseLike,
  maxBytes: number,
  onReader: (cancel: () => void) => void,
  isTimedOut: () => boolean,
): Promise<Uint8Array> {
  const declared = declaredLength(response);
  if (declared !== undefined && declared > maxBytes) {
    discardBody(response);
    throw tooLarge(maxBytes, declared);
  }
  const reader = readerOf(response.body);
  if (reader === undefined) {
    // A body that cannot be read chunk by chunk would be buffered whole: only an honest length
    // bounds it. Refused at once (fail closed): the same transport would do the same again.
    if (response.body != null && (declared === undefined || !isIdentity(response))) {
      discardBody(response);
      throw new AttestError('ERR_LIMIT_EXCEEDED', {
        field: 'Content-Length',
        message: 'the body is no stream and has no identity Content-Length',
      });
    }
    const whole = await response.arrayBuffer();
    if (whole.byteLength > maxBytes) throw tooLarge(maxBytes);
    checkLength(response, declared, whole.byteLength);
    return new Uint8Array(whole);
  }
  let cancelled = false;
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    cancelQuietly(reader, 'attestkit: response abandoned');
  };
  onReader(cancel);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let empty = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      // Checked here as well as by the attempt's timer: a reader whose `read()` settles in the
      // microtask queue never yields to the event loop, so the timer could never fire.
      if (isTimedOut()) throw new Error('timed out while reading the body');
      if (done === true) break;
      if (!ArrayBuffer.isView(value)) throw new Error('response body chunk is not a Uint8Array');
      if (value.byteLength === 0) {
        if (++empty > MAX_EMPTY_CHUNKS) throw tooManyEmptyChunks(total);
        continue;
      }
      empty = 0;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
  } catch (e) {
    cancel();
    throw e;
  }
  checkLength(response, declared, total);
  // A fresh buffer: chunks may be views into a transport's pooled memory.
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * One GET request, bounded in time and size: the timeout runs from the call until the body has
 * been read (a server that sends headers and then stalls is aborted), a request carrying the
 * caller's headers is sent with `redirect: 'error'`, a `Content-Length` over
 * `maxBytes` is refused before reading, and a streamed body (WHATWG or async-iterable) is read
 * chunk by chunk and cancelled as soon as it exceeds `maxBytes`; a body of another kind is read
 * only under an identity `Content-Length`. Bodies that are not wanted are cancelled unread.
 * Retries are the caller's ({@link fetchWithRetries}). Internal to `attestkit/fetch` (not
 * exported from the subpath).
 *
 * @param fetch - the transport.
 * @param url - the URL to GET.
 * @param options - timeout, size limit, headers, and which responses' bodies to read.
 * @returns the response and, when wanted, its body.
 * @throws {AttestError} `ERR_LIMIT_EXCEEDED` when the body (or its declared length) is larger
 *   than `maxBytes`, when a stream delivers more than 1024 empty chunks in a row, or when a body
 *   that is no stream has no identity `Content-Length` to bound it (never worth retrying); any
 *   other rejection (network error, timeout, malformed stream) is a plain `Error` from the
 *   transport or this function. The timeout is enforced by a timer and, while the body
 *   streams in, by a clock check after every chunk (a reader settling in microtasks would starve
 *   the timer). A body whose length differs from its declared `Content-Length` (identity
 *   encoding) is a plain `Error` too (a peer that closed early; worth retrying).
 * @example
 * ```ts
 * const { response, body } = await httpAttempt(fetch, url, {
 *   timeoutMs: 10_000,
 *   maxBytes: DEFAULT_MAX_RESPONSE_BYTES,
 *   headers: {},
 *   wantBody: (r) => r.status === 200,
 * });
 * ```
 */
export async function httpAttempt(
  fetch: FetchLike,
  url: string,
  options: HttpAttemptOptions,
): Promise<HttpAttemptResult> {
  const { timeoutMs, maxBytes } = options;
  const controller = new AbortController();
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  let cancelBody: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      cancelBody?.();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const run = async (): Promise<HttpAttemptResult> => {
    const response = await fetch(url, {
      method: 'GET',
      headers: options.headers,
      signal: controller.signal,
      ...(options.callerHeaders === true ? { redirect: 'error' as const } : {}),
    });
    if (timedOut || !options.wantBody(response)) {
      discardBody(response);
      if (timedOut) throw new Error('timed out before the response arrived');
      return { response };
    }
    const body = await readLimited(
      response,
      maxBytes,
      (cancel) => {
        cancelBody = cancel;
      },
      () => {
        if (!timedOut && Date.now() >= deadline) {
          timedOut = true;
          controller.abort();
        }
        return timedOut;
      },
    );
    return { response, body };
  };
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Longest delay `setTimeout` honours (2^31 − 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checked settings of one fetcher's requests (see {@link requestSettings}).
 *
 * @internal
 */
export interface RequestSettings {
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Reads and checks a fetcher's options: `fetch` (a function), `timeoutMs` (an integer from 1 to
 * 2^31 − 1: `setTimeout` turns anything else into 1 ms), `retries` (an integer from 0 to 10),
 * `maxBytes` (a positive safe integer), the two back-off settings (named per fetcher; finite,
 * 0 to 2^31 − 1) and `sleep`. Absent (or null) values take the defaults.
 *
 * @internal
 * @throws {TypeError} when `options` is not an object, `fetch` or `sleep` is not a function, or a
 *   number option is not a number.
 * @throws {RangeError} when a number option is out of its range.
 */
export function requestSettings(
  who: string,
  options: object,
  backoff: string,
  backoffDefault: number,
  maxBackoff: string,
  maxBackoffDefault: number,
): RequestSettings {
  const o = options as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.fetch !== 'function') {
    throw new TypeError(`${who} needs { fetch }`);
  }
  const num = (key: string, dflt: number, min: number, max: number, int = true): number => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'number') throw new TypeError(`${key} must be a number`);
    if (!(v >= min && v <= max && (!int || Number.isInteger(v)))) {
      throw new RangeError(
        `${key} must be ${int ? 'an integer' : 'a number'} from ${min} to ${max}`,
      );
    }
    return v;
  };
  const sleep = o.sleep ?? defaultSleep;
  if (typeof sleep !== 'function') throw new TypeError('sleep must be a function');
  return {
    fetch: o.fetch as FetchLike,
    timeoutMs: num('timeoutMs', 10_000, 1, MAX_TIMER_MS),
    maxBytes: num('maxBytes', DEFAULT_MAX_RESPONSE_BYTES, 1, Number.MAX_SAFE_INTEGER),
    retries: num('retries', 3, 0, 10),
    backoffMs: num(backoff, backoffDefault, 0, MAX_TIMER_MS, false),
    maxBackoffMs: num(maxBackoff, maxBackoffDefault, 0, MAX_TIMER_MS, false),
    sleep: sleep as RequestSettings['sleep'],
  };
}

/**
 * A `Retry-After` delay in milliseconds: delay-seconds (digits only) or an IMF-fixdate (RFC 9110
 * §10.2.3, §5.6.7; the date form senders must use), else 0. The caller never waits less than
 * its own back-off, so a server cannot make it retry in a tight loop.
 */
const retryAfterMs = (v: string | null): number =>
  v === null
    ? 0
    : /^\d+$/.test(v)
      ? Number(v) * 1000
      : /^\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT$/.test(v)
        ? Date.parse(v) - Date.now() || 0
        : 0;

/** How a fetcher makes its error: KdsFetchError or PcsFetchError. */
type FetchErrorClass = new (
  message: string,
  url: string,
  attempts: number,
  status?: number,
  cause?: unknown,
) => Error;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * GETs `url` with retries: HTTP 200 with a non-empty body that `accept` takes succeeds; 429, 5xx,
 * network errors and timeouts are retried after the back-off (doubled per attempt, capped, and
 * lengthened — never shortened — by a valid `Retry-After`); any other status, an over-limit body,
 * an empty body and a body `accept` refuses fail at once (the server would answer the same
 * again). Every rejection is an `errorClass` error (its message names the service, its `url`
 * the URL) with the underlying error as `cause`.
 *
 * @internal
 */
export async function fetchWithRetries<T>(
  s: RequestSettings,
  service: string,
  errorClass: FetchErrorClass,
  url: string,
  headers: Record<string, string>,
  callerHeaders: boolean,
  accept: (body: Uint8Array, response: FetchResponseLike) => T,
): Promise<T> {
  // The message leaves the URL out: it is the error's `url` (the CLI prints it after the message).
  const fail = (why: string, attempts: number, status?: number, cause?: unknown): Error =>
    new errorClass(`${service} ${why}`, url, attempts, status, cause);
  let status: number | undefined;
  let cause: unknown;
  for (let n = 1; ; n++) {
    const backoff = Math.min(s.maxBackoffMs, s.backoffMs * 2 ** (n - 1));
    let delay = backoff;
    let attempt: HttpAttemptResult | undefined;
    try {
      attempt = await httpAttempt(s.fetch, url, {
        timeoutMs: s.timeoutMs,
        maxBytes: s.maxBytes,
        headers,
        callerHeaders,
        wantBody: (r) => r.status === 200,
      });
    } catch (e) {
      // Only a 200's body is read; a server sending too much will do so again.
      if (isAttestError(e, 'ERR_LIMIT_EXCEEDED'))
        throw fail(`answer refused: ${e.message}`, n, 200, e);
      cause = e;
    }
    if (attempt !== undefined) {
      const { response, body } = attempt;
      status = response.status;
      if (body !== undefined) {
        if (body.length === 0) throw fail('answer refused: empty response', n, 200);
        try {
          return accept(body, response);
        } catch (e) {
          throw fail(`answer refused: ${messageOf(e)}`, n, 200, e);
        }
      }
      if (status !== 429 && status < 500) throw fail(`answered HTTP ${status}`, n, status);
      cause = new Error(`HTTP ${status}`);
      delay = Math.min(
        s.maxBackoffMs,
        Math.max(backoff, retryAfterMs(response.headers.get('retry-after'))),
      );
    }
    try {
      if (n > s.retries) throw cause;
      await s.sleep(delay);
    } catch (e) {
      throw fail(`request failed after ${n} attempts: ${messageOf(e)}`, n, status, e);
    }
  }
}
