/**
 * The only place where the `attestkit` command touches the network, and only with `--fetch`:
 * `createKdsFetcher` (AMD KDS, spec 57230) and `createPcsFetcher` (Intel PCS API v4 or a PCCS)
 * from `attestkit/fetch`, over the runtime's global `fetch`, optionally through an on-disk cache
 * keyed by URL (`--cache DIR`). Every failed request is recorded, so the command can tell "the
 * collateral could not be fetched" (exit 3) from "the evidence did not verify" (exit 1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttestError,
  createKdsFetcher,
  createPcsFetcher,
  KdsFetchError,
  PcsFetchError,
} from '../fetch/index.js';
import type { CliFetchers } from './registry.js';

/** The response shape both fetchers read. */
export interface CliResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The body as a WHATWG stream, when the transport gives one (the global `fetch` does). */
  readonly body?: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Largest response the CLI reads into its cache (the fetchers' own default limit). */
export const MAX_CACHED_RESPONSE_BYTES: number = 1 << 20;

/**
 * Reads a response body of at most `max` bytes: a larger `Content-Length` is refused before
 * reading, and a streamed body is cancelled as soon as it passes the limit (a hostile server
 * cannot make the cache read gigabytes). The refusal is an `AttestError` `ERR_LIMIT_EXCEEDED`,
 * the fetchers' own size-limit error, so they fail at once instead of retrying (the server
 * would send the same body again).
 */
async function readBounded(res: CliResponse, url: string, max: number): Promise<Uint8Array> {
  const tooLarge = (declared?: number): AttestError =>
    new AttestError('ERR_LIMIT_EXCEEDED', {
      ...(declared !== undefined ? { field: 'Content-Length' } : { offset: max }),
      message: `response from ${url} is larger than ${max} bytes (not cached)`,
    });
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    if (res.body !== undefined && res.body !== null) void res.body.cancel().catch(() => undefined);
    throw tooLarge(declared);
  }
  const stream = res.body;
  if (stream === undefined || stream === null || typeof stream.getReader !== 'function') {
    const whole = new Uint8Array(await res.arrayBuffer());
    if (whole.length > max) throw tooLarge();
    return whole;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A `fetch` both `createKdsFetcher` and `createPcsFetcher` accept. */
export type CliFetch = (
  url: string,
  init?: {
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly signal?: AbortSignal;
    /** Set to `'error'` by the fetchers when the request carries caller-supplied headers. */
    readonly redirect?: 'error';
  },
) => Promise<CliResponse>;

/** One request that failed for good (after the fetcher's retries). */
export interface FetchFailure {
  /** Which service: `AMD KDS` or `Intel PCS`. */
  readonly service: 'AMD KDS' | 'Intel PCS';
  /** What was asked for, e.g. `vcek`, `tcbInfo`. */
  readonly item: string;
  /** The fetcher's message (it names the URL and the HTTP status when there was one). */
  readonly message: string;
  /** The URL, when the error carries it separately. */
  readonly url?: string;
  /** The last HTTP status, when the error carries it separately. */
  readonly status?: number;
}

/** Settings of {@link createCliNetwork} (from `--kds-url`, `--pcs-url`, `--cache`, `--cache-ttl`). */
export interface CliNetworkOptions {
  /** AMD KDS base URL. Default: the fetcher's (`https://kdsintf.amd.com`). */
  readonly kdsUrl?: string;
  /** Intel PCS or PCCS base URL. Default: the fetcher's (`https://api.trustedservices.intel.com`). */
  readonly pcsUrl?: string;
  /** Directory of cached responses. Default: none (every run fetches). */
  readonly cacheDir?: string;
  /** How long a cached response is reused, in milliseconds. */
  readonly cacheTtlMs: number;
  /** Retries after a 429, 5xx, network error or timeout. Default: the fetchers' (3). */
  readonly retries?: number;
  /** The transport. Default: the runtime's global `fetch`. */
  readonly fetch?: CliFetch;
}

/** Fetchers for plugins plus the record of what failed. */
export interface CliNetwork {
  readonly fetchers: CliFetchers;
  readonly failures: readonly FetchFailure[];
}

/** Default `--cache-ttl`: one day. CRLs and TCB info change within weeks; a VCEK never does. */
export const DEFAULT_CACHE_TTL_SECONDS = 86_400;

interface CacheEntry {
  readonly url: string;
  readonly fetchedAt: string;
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function responseFrom(status: number, headers: Headers, body: Uint8Array): CliResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers,
    arrayBuffer: () => Promise.resolve(bufferOf(body)),
  };
}

/** Path of the cache file for a URL: the SHA-256 of the URL, so any URL makes a safe name. */
export function cachePath(dir: string, url: string): string {
  return join(dir, `${createHash('sha256').update(url).digest('hex')}.json`);
}

function isCacheEntry(v: unknown): v is CacheEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.url === 'string' &&
    typeof e.fetchedAt === 'string' &&
    e.status === 200 &&
    typeof e.body === 'string' &&
    Array.isArray(e.headers) &&
    (e.headers as unknown[]).every(
      (h) => Array.isArray(h) && h.length === 2 && h.every((x: unknown) => typeof x === 'string'),
    )
  );
}

function readCached(dir: string, url: string, ttlMs: number): CliResponse | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(readFileSync(cachePath(dir, url), 'utf8'));
  } catch {
    return undefined; // absent or unreadable: fetch again and overwrite
  }
  if (!isCacheEntry(entry) || entry.url !== url) return undefined;
  const age = Date.now() - Date.parse(entry.fetchedAt);
  if (!(age >= 0 && age < ttlMs)) return undefined;
  const headers = new Headers();
  for (const [k, v] of entry.headers) headers.append(k, v);
  return responseFrom(200, headers, new Uint8Array(Buffer.from(entry.body, 'base64')));
}

/** Writes to a temporary name in the same directory, then renames: readers never see half a file. */
function writeCached(dir: string, url: string, headers: Headers, body: Uint8Array): void {
  mkdirSync(dir, { recursive: true });
  const pairs: [string, string][] = [];
  headers.forEach((v, k) => pairs.push([k, v]));
  const entry: CacheEntry = {
    url,
    fetchedAt: new Date().toISOString(),
    status: 200,
    headers: pairs,
    body: Buffer.from(body).toString('base64'),
  };
  const final = cachePath(dir, url);
  const tmp = join(dir, `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o644 });
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The cache entries of one fetcher call, held back until the fetcher has accepted the response:
 * a 200 the fetcher then rejects (a PCS answer without its issuer-chain header, text that is not
 * UTF-8) must not be replayed from the cache for the whole `--cache-ttl`.
 */
export interface CacheTransaction {
  /** Fresh 200 responses, by URL, to write if the call succeeds. */
  readonly staged: Map<string, { readonly headers: Headers; readonly body: Uint8Array }>;
  /** URLs answered from the cache, whose entries are removed if the call fails. */
  readonly served: Set<string>;
}

/** A new, empty {@link CacheTransaction}. */
export function cacheTransaction(): CacheTransaction {
  return { staged: new Map(), served: new Set() };
}

/**
 * Ends a fetcher call: on success writes its staged responses to `dir`; on failure writes nothing
 * and removes the entries the call was served from (they were not accepted either, e.g. written
 * by an older version that cached before validating). Cache I/O errors are ignored: the cache
 * only saves requests, and the fetched collateral is good either way.
 */
export function settleCacheTransaction(dir: string, tx: CacheTransaction, accepted: boolean): void {
  if (accepted) {
    for (const [url, { headers, body }] of tx.staged) {
      try {
        writeCached(dir, url, headers, body);
      } catch {
        // An unwritable cache directory costs a request next run, nothing more.
      }
    }
  } else {
    for (const url of tx.served) rmSync(cachePath(dir, url), { force: true });
  }
  tx.staged.clear();
  tx.served.clear();
}

/**
 * A `fetch` over the runtime's global `fetch` with an optional on-disk cache keyed by URL: a
 * cached 200 response younger than `ttlMs` is served without a request; a fresh 200 response is
 * stored (atomically); other statuses are passed through and never stored. With `transaction`,
 * nothing is written: fresh responses are staged in it and the caller decides, once the fetcher
 * has accepted or rejected them, with {@link settleCacheTransaction} (what `createCliNetwork`
 * does). Without it, every fresh 200 is written at once, before anyone has validated it.
 *
 * @param options - `cacheDir`, `cacheTtlMs`, the transport (default: global `fetch`) and an
 *   optional transaction.
 * @returns a `fetch` for `createKdsFetcher` / `createPcsFetcher`.
 * @example
 * ```ts
 * const f = cachingFetch({ cacheDir: '.attestkit-cache', cacheTtlMs: 86_400_000 });
 * const kds = createKdsFetcher({ fetch: f });
 * ```
 */
export function cachingFetch(options: {
  readonly cacheDir?: string;
  readonly cacheTtlMs: number;
  readonly fetch?: CliFetch;
  readonly transaction?: CacheTransaction;
}): CliFetch {
  const transport: CliFetch =
    options.fetch ??
    ((url, init) =>
      globalThis.fetch(url, {
        method: init?.method ?? 'GET',
        ...(init?.headers !== undefined ? { headers: init.headers } : {}),
        ...(init?.signal !== undefined ? { signal: init.signal } : {}),
        ...(init?.redirect !== undefined ? { redirect: init.redirect } : {}),
      }));
  const dir = options.cacheDir;
  const tx = options.transaction;
  return async (url, init) => {
    if (dir !== undefined) {
      const hit = readCached(dir, url, options.cacheTtlMs);
      if (hit !== undefined) {
        tx?.served.add(url);
        return hit;
      }
    }
    const res = await transport(url, init);
    if (dir === undefined || res.status !== 200) return res;
    const body = await readBounded(res, url, MAX_CACHED_RESPONSE_BYTES);
    const headers = new Headers();
    const all = res.headers as unknown as {
      forEach?: (cb: (v: string, k: string) => void) => void;
    };
    if (typeof all.forEach === 'function') all.forEach((v, k) => headers.append(k, v));
    if (tx !== undefined) tx.staged.set(url, { headers, body });
    else writeCached(dir, url, headers, body);
    return responseFrom(200, headers, body);
  };
}

function failureOf(service: FetchFailure['service'], item: string, e: unknown): FetchFailure {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof KdsFetchError || e instanceof PcsFetchError) {
    return {
      service,
      item,
      message,
      url: e.url,
      ...(e.status !== undefined ? { status: e.status } : {}),
    };
  }
  return { service, item, message };
}

/**
 * A fetcher whose every method call runs on a fetcher of its own, built by `build` over a
 * `fetch` that stages cache writes in a transaction of its own: the call's responses are cached
 * only when the call resolves (the fetcher accepted them), and a rejection is recorded (and still
 * rejects, for the verifier to report). Concurrent calls never see each other's staged entries.
 */
function perCall<T extends object>(
  build: (fetch: CliFetch) => T,
  cache: { readonly dir?: string; readonly ttlMs: number; readonly fetch?: CliFetch },
  service: FetchFailure['service'],
  failures: FetchFailure[],
): T {
  const fetchFor = (transaction?: CacheTransaction): CliFetch =>
    cachingFetch({
      cacheTtlMs: cache.ttlMs,
      ...(cache.dir !== undefined ? { cacheDir: cache.dir } : {}),
      ...(cache.fetch !== undefined ? { fetch: cache.fetch } : {}),
      ...(transaction !== undefined ? { transaction } : {}),
    });
  const template = build(fetchFor());
  const out: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(template)) {
    out[name] =
      typeof m === 'function'
        ? async (...args: unknown[]): Promise<unknown> => {
            const tx = cache.dir !== undefined ? cacheTransaction() : undefined;
            const fetcher = (tx !== undefined ? build(fetchFor(tx)) : template) as Record<
              string,
              unknown
            >;
            let accepted = false;
            try {
              const v = await (fetcher[name] as (...a: unknown[]) => Promise<unknown>).apply(
                fetcher,
                args,
              );
              accepted = true;
              return v;
            } catch (e) {
              failures.push(failureOf(service, name, e));
              throw e;
            } finally {
              if (tx !== undefined && cache.dir !== undefined)
                settleCacheTransaction(cache.dir, tx, accepted);
            }
          }
        : m;
  }
  return out as T;
}

/**
 * The KDS and PCS fetchers the CLI hands to plugins when `--fetch` is given. Nothing is requested
 * until a verifier asks for collateral the evidence does not carry. With a cache directory, a
 * response is cached only once the fetcher has accepted it (a PCS 200 without its issuer-chain
 * header is not), and a cached entry the fetcher rejects is removed.
 *
 * @param options - base URLs, cache directory and lifetime, transport.
 * @returns the fetchers and the (live) list of failed requests.
 * @example
 * ```ts
 * const net = createCliNetwork({ cacheTtlMs: 0 });
 * await verifySnpReport(report, { fetcher: net.fetchers.snp, requireCrl: true });
 * ```
 */
export function createCliNetwork(options: CliNetworkOptions): CliNetwork {
  const failures: FetchFailure[] = [];
  const cache = {
    ttlMs: options.cacheTtlMs,
    ...(options.cacheDir !== undefined ? { dir: options.cacheDir } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  };
  const kds = (fetch: CliFetch) =>
    createKdsFetcher({
      fetch,
      ...(options.kdsUrl !== undefined ? { baseUrl: options.kdsUrl } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
  const pcs = (fetch: CliFetch) =>
    createPcsFetcher({
      fetch,
      ...(options.pcsUrl !== undefined ? { baseUrl: options.pcsUrl } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
  return {
    fetchers: {
      snp: perCall(kds, cache, 'AMD KDS', failures),
      tdx: perCall(pcs, cache, 'Intel PCS', failures),
    },
    failures,
  };
}
