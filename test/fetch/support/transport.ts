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

/** A DER length field (X.690 §8.1.3, minimal). */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

/**
 * A SYNTHETIC answer of exactly `total` bytes (at least 4) that is one strict DER SEQUENCE (an
 * OCTET STRING of 0x30 filler inside), the outer shape both fetchers demand of a certificate or
 * CRL; `content` (if given) starts the OCTET STRING's value.
 */
export function derFiller(total: number, content: Uint8Array = new Uint8Array(0)): Uint8Array {
  // Some totals need a NULL (05 00) after the OCTET STRING to come out exact.
  for (const nulls of [0, 1]) {
    for (let inner = total - 4; inner >= content.length; inner--) {
      const octets = [0x04, ...derLength(inner)];
      const seq = [0x30, ...derLength(octets.length + inner + 2 * nulls)];
      if (seq.length + octets.length + inner + 2 * nulls !== total) continue;
      const out = new Uint8Array(total).fill(0x30);
      out.set([...seq, ...octets]);
      out.set(content, seq.length + octets.length);
      if (nulls === 1) out.set([0x05, 0x00], total - 2);
      return out;
    }
  }
  throw new Error(`no DER filler of ${total} bytes`);
}

/** SYNTHETIC DER wrapping `text` (e.g. a URL), so an answer can say which request it was for. */
export function derOf(text: string): Uint8Array {
  const t = new TextEncoder().encode(text);
  // Some totals cannot be one SEQUENCE (130: a 2-byte header holds 127 at most, a 3-byte one 128).
  for (let total = t.length + 4; ; total++) {
    try {
      return derFiller(total, t);
    } catch {
      // try one byte more
    }
  }
}

/**
 * SYNTHETIC PEM text of one `label` block holding {@link derOf} `text` (the fetchers check only
 * that the block holds one DER SEQUENCE; `text` tells answers apart).
 */
export const pemOf = (label: string, text = ''): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(derOf(text)).toString('base64')}\n-----END ${label}-----\n`;

/**
 * A byte stream of `chunks` chunks of `chunkSize` bytes, together {@link derFiller} of their
 * total size, pulled only on demand (highWaterMark 0) so `probe.pulls` counts exactly the chunks
 * read. Always finite: a fetcher that ignored its limit must fail the test, not read forever and
 * exhaust memory.
 */
export function chunkedStream(
  chunkSize: number,
  chunks: number,
): { stream: ReadableStream<Uint8Array>; probe: StreamProbe } {
  const probe: StreamProbe = { pulls: 0, cancelled: false };
  const all = derFiller(chunkSize * chunks);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        probe.pulls++;
        if (probe.pulls > chunks) controller.close();
        else controller.enqueue(all.slice((probe.pulls - 1) * chunkSize, probe.pulls * chunkSize));
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
