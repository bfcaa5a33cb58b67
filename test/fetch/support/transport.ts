/**
 * Test transports for the fetchers: instrumented WHATWG streams (counting pulls, recording
 * cancellation) and a scripted fake `fetch` that records each request's abort signal. No network.
 */
import type { FetchLike, FetchResponseLike } from '../../../src/fetch/http.js';

/** What an instrumented stream observed. */
export interface StreamProbe {
  /** Calls of the underlying source's `pull` (with highWaterMark 0: one per chunk read). */
  pulls: number;
  /** Whether the consumer cancelled the stream. */
  cancelled: boolean;
}

/**
 * A byte stream of `chunks` chunks of `chunkSize` bytes, filled with 0x30, pulled only on demand
 * (highWaterMark 0) so `probe.pulls` counts exactly the chunks read. Always finite: a fetcher
 * that ignored its limit must fail the test, not read forever and exhaust memory.
 */
export function chunkedStream(
  chunkSize: number,
  chunks: number,
): { stream: ReadableStream<Uint8Array>; probe: StreamProbe } {
  const probe: StreamProbe = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        probe.pulls++;
        if (probe.pulls > chunks) controller.close();
        else controller.enqueue(new Uint8Array(chunkSize).fill(0x30));
      },
      cancel() {
        probe.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, probe };
}

/** A stream that never delivers a chunk: a server that sent its headers and then stalled. */
export function stalledStream(): { stream: ReadableStream<Uint8Array>; probe: StreamProbe } {
  const probe: StreamProbe = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull() {
        probe.pulls++;
        return new Promise<void>(() => undefined);
      },
      cancel() {
        probe.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, probe };
}

/** A stream of the given chunks (any values: a broken transport may enqueue non-bytes). */
export function streamOf(chunks: readonly unknown[]): ReadableStream<unknown> {
  let i = 0;
  return new ReadableStream<unknown>(
    {
      pull(controller) {
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** A response object with a streamed body; `arrayBuffer()` records that it was (wrongly) used. */
export function streamed(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): FetchResponseLike & { arrayBufferCalls: number } {
  const res = {
    ok: status >= 200 && status < 300,
    status,
    headers: new Headers(headers),
    body,
    arrayBufferCalls: 0,
    arrayBuffer: (): Promise<ArrayBuffer> => {
      res.arrayBufferCalls++;
      return Promise.reject(new Error('arrayBuffer() must not be used when body is a stream'));
    },
  };
  return res;
}

/**
 * A response with no `body` member at all (the minimal shape: status, headers, arrayBuffer), as a
 * hand-written fake or an older fetch polyfill returns. `ok` is left out unless given.
 */
export function bodiless(
  bytes: Uint8Array,
  status = 200,
  ok?: boolean,
  headers: Record<string, string> = {},
): FetchResponseLike {
  return {
    ...(ok !== undefined ? { ok } : {}),
    status,
    headers: { get: (n) => headers[n.toLowerCase()] ?? null },
    arrayBuffer: async () => bytes.slice().buffer,
  };
}

/** One step of a scripted transport: a response, a thrown error, or a request that never answers. */
export type Step = FetchResponseLike | Error | 'hang' | (() => Promise<FetchResponseLike>);

/** A fake `fetch` answering from a script (then 500s); records URLs and abort signals. */
export function scripted(script: Step[]): {
  fetch: FetchLike;
  urls: string[];
  signals: AbortSignal[];
} {
  const urls: string[] = [];
  const signals: AbortSignal[] = [];
  const fetch: FetchLike = async (url, init) => {
    urls.push(url);
    signals.push(init.signal);
    const next = script.shift() ?? bodiless(new Uint8Array(0), 500, false);
    if (next === 'hang') {
      return new Promise((_, reject) =>
        init.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  };
  return { fetch, urls, signals };
}
