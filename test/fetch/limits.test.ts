/**
 * Size limits and timeouts of createKdsFetcher and createPcsFetcher (shared src/fetch/http.ts),
 * against fake transports: bodies streamed in chunks, lying or honest Content-Length, bodies that
 * stall after the headers, and responses with no `body` at all. No network.
 */
import { describe, expect, it } from 'vitest';
import { createKdsFetcher, KdsFetchError } from '../../src/fetch/kds.js';
import { createPcsFetcher, PcsFetchError } from '../../src/fetch/pcs.js';
import { DEFAULT_MAX_RESPONSE_BYTES, type FetchLike } from '../../src/fetch/http.js';
import { AttestError } from '../../src/core/errors.js';
import {
  bodiless,
  chunkedStream,
  derFiller,
  scripted,
  stalledStream,
  streamed,
  streamOf,
} from './support/transport.js';

interface RequestOptions {
  readonly fetch: FetchLike;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  readonly retries?: number;
}

/** One fetcher under test, driven through one of its methods. */
interface Subject {
  readonly name: string;
  /** Makes one collateral request; the fetcher gets `retries` (default 0) and no back-off. */
  request(o: RequestOptions): Promise<Uint8Array | string>;
  /** Asserts the fetcher's over-limit rejection and returns the AttestError inside it. */
  limitError(e: unknown): AttestError;
  /** The error class for an invalid `maxBytes` option. */
  readonly badOption: typeof RangeError | typeof TypeError;
}

/** The AttestError behind a fetcher's error for an over-limit body (one attempt, status 200). */
function limitCause(
  e: unknown,
  errorClass: typeof KdsFetchError | typeof PcsFetchError,
): AttestError {
  expect(e).toBeInstanceOf(errorClass);
  expect(e).toMatchObject({ status: 200, attempts: 1 });
  const cause = (e as KdsFetchError | PcsFetchError).cause;
  expect(cause).toBeInstanceOf(AttestError);
  return cause as AttestError;
}

const kds: Subject = {
  name: 'createKdsFetcher',
  request: (o) =>
    createKdsFetcher({
      fetch: o.fetch,
      sleep: async () => undefined,
      retries: o.retries ?? 0,
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    }).crl('Genoa'),
  limitError: (e) => limitCause(e, KdsFetchError),
  badOption: RangeError,
};

const pcs: Subject = {
  name: 'createPcsFetcher',
  request: (o) =>
    createPcsFetcher({
      fetch: o.fetch,
      retryDelayMs: 0,
      retries: o.retries ?? 0,
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    }).rootCaCrl(),
  limitError: (e) => limitCause(e, PcsFetchError),
  badOption: RangeError,
};

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([kds, pcs])('$name: response size limit', (s) => {
  it('cancels a streamed body as soon as it passes maxBytes, without retrying', async () => {
    const { stream, probe } = chunkedStream(100, 40); // 4× the limit
    const res = streamed(stream);
    const t = scripted([res]);
    const err = s.limitError(
      await rejection(s.request({ fetch: t.fetch, maxBytes: 1000, retries: 3 })),
    );
    expect(err.code).toBe('ERR_LIMIT_EXCEEDED');
    expect(err.offset).toBe(1000);
    // 10 chunks fill the limit; the 11th crosses it and nothing more is pulled.
    expect(probe.pulls).toBe(11);
    expect(probe.cancelled).toBe(true);
    expect(res.arrayBufferCalls).toBe(0);
    expect(t.urls.length).toBe(1);
  });

  it('does the same through a real WHATWG Response', async () => {
    const { stream, probe } = chunkedStream(4096, 10);
    const t = scripted([new Response(stream, { status: 200 })]);
    const err = s.limitError(await rejection(s.request({ fetch: t.fetch, maxBytes: 10_000 })));
    expect(err.code).toBe('ERR_LIMIT_EXCEEDED');
    expect(err.offset).toBe(10_000);
    expect(probe.pulls).toBeLessThanOrEqual(4);
    expect(probe.cancelled).toBe(true);
  });

  it('accepts a body of exactly maxBytes, and refuses one byte more', async () => {
    const ok = chunkedStream(100, 10);
    const body = await s.request({ fetch: scripted([streamed(ok.stream)]).fetch, maxBytes: 1000 });
    expect(body).toEqual(derFiller(1000));
    expect(ok.probe.cancelled).toBe(false);
    const over = chunkedStream(100, 10);
    const err = s.limitError(
      await rejection(s.request({ fetch: scripted([streamed(over.stream)]).fetch, maxBytes: 999 })),
    );
    expect(err.offset).toBe(999);
    expect(over.probe.cancelled).toBe(true);
  });

  it('refuses a Content-Length over maxBytes before reading any of the body', async () => {
    const { stream, probe } = chunkedStream(100, 40);
    const res = streamed(stream, 200, { 'content-length': '1001' });
    const err = s.limitError(
      await rejection(s.request({ fetch: scripted([res]).fetch, maxBytes: 1000 })),
    );
    expect(err.code).toBe('ERR_LIMIT_EXCEEDED');
    expect(err.field).toBe('Content-Length');
    expect(probe.pulls).toBe(0);
    expect(probe.cancelled).toBe(true);
    expect(res.arrayBufferCalls).toBe(0);
  });

  it('still counts the bytes when Content-Length lies', async () => {
    const { stream, probe } = chunkedStream(100, 40);
    const res = streamed(stream, 200, { 'content-length': '10' });
    const err = s.limitError(
      await rejection(s.request({ fetch: scripted([res]).fetch, maxBytes: 500 })),
    );
    expect(err.offset).toBe(500);
    expect(probe.pulls).toBe(6);
    expect(probe.cancelled).toBe(true);
  });

  it('checks a body read through arrayBuffer() (no stream) after it arrives', async () => {
    const res = bodiless(derFiller(1001), 200, true);
    const err = s.limitError(
      await rejection(s.request({ fetch: scripted([res]).fetch, maxBytes: 1000 })),
    );
    expect(err.code).toBe('ERR_LIMIT_EXCEEDED');
    expect(err.offset).toBe(1000);
  });

  it('defaults to 1 MiB', async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(1 << 20);
    const big = chunkedStream(64 * 1024, 40);
    const err = s.limitError(
      await rejection(s.request({ fetch: scripted([streamed(big.stream)]).fetch })),
    );
    expect(err.offset).toBe(1 << 20);
    expect(big.probe.pulls).toBe(17);
    const fits = chunkedStream(64 * 1024, 16);
    const body = await s.request({ fetch: scripted([streamed(fits.stream)]).fetch });
    expect(body.length).toBe(1 << 20);
  });

  it('rejects a maxBytes that is not a positive integer', () => {
    const fetch = scripted([]).fetch;
    for (const maxBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => s.request({ fetch, maxBytes }), String(maxBytes)).toThrow(s.badOption);
    }
    expect(() => s.request({ fetch, maxBytes: '1000' as never })).toThrow(TypeError);
  });
});

describe.each([kds, pcs])('$name: timeouts cover the body', (s) => {
  it('aborts a body that stalls after the headers, then retries', async () => {
    const stalled = stalledStream();
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x02);
    const t = scripted([streamed(stalled.stream), bodiless(der, 200, true)]);
    const started = Date.now();
    const body = await s.request({ fetch: t.fetch, timeoutMs: 30, retries: 1 });
    expect(body).toEqual(der);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stalled.probe.pulls).toBe(1);
    expect(stalled.probe.cancelled).toBe(true);
    expect(t.signals[0]!.aborted).toBe(true);
    expect(t.signals[1]!.aborted).toBe(false);
  });

  it('gives up on a body that keeps stalling', async () => {
    const a = stalledStream();
    const b = stalledStream();
    const t = scripted([streamed(a.stream), streamed(b.stream)]);
    const err = await rejection(s.request({ fetch: t.fetch, timeoutMs: 20, retries: 1 }));
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AttestError);
    expect((err as Error).message).toMatch(/timed out/);
    expect(t.urls.length).toBe(2);
    expect(a.probe.cancelled && b.probe.cancelled).toBe(true);
  });

  it('aborts an arrayBuffer() that never resolves (no stream)', async () => {
    const t = scripted([
      {
        ok: true,
        status: 200,
        headers: new Headers(),
        arrayBuffer: () => new Promise<ArrayBuffer>(() => undefined),
      },
    ]);
    const err = await rejection(s.request({ fetch: t.fetch, timeoutMs: 20 }));
    expect((err as Error).message).toMatch(/timed out/);
    expect(t.signals[0]!.aborted).toBe(true);
  });

  it('cancels, unread, the body of a response that arrives after the timeout', async () => {
    const late = chunkedStream(10, 1);
    const t = scripted([
      async () => {
        await delay(40);
        return streamed(late.stream);
      },
    ]);
    const err = await rejection(s.request({ fetch: t.fetch, timeoutMs: 10 }));
    expect((err as Error).message).toMatch(/timed out/);
    await delay(60);
    expect(late.probe.pulls).toBe(0);
    expect(late.probe.cancelled).toBe(true);
  });
});

describe.each([kds, pcs])('$name: response shapes', (s) => {
  it('reads a multi-chunk stream in order into one fresh buffer', async () => {
    const chunks = [
      Uint8Array.of(0x30, 4),
      Uint8Array.of(4, 2, 3),
      new Uint8Array(0),
      Uint8Array.of(5),
    ];
    const body = await s.request({
      fetch: scripted([new Response(streamOf(chunks) as ReadableStream<Uint8Array>)]).fetch,
    });
    expect(body).toEqual(Uint8Array.of(0x30, 4, 4, 2, 3, 5));
  });

  it('works with responses that have no body member, a null body, or an unknown body with a Content-Length', async () => {
    const der = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);
    const noBody = bodiless(der, 200, true);
    expect('body' in noBody).toBe(false);
    const nullBody = { ...bodiless(der, 200, true), body: null };
    // A body that is neither a WHATWG stream nor async-iterable: read with arrayBuffer() only
    // under an identity Content-Length within the limit (see 'review-s12.test.ts').
    const sized = bodiless(der, 200, true, { 'content-length': '5' });
    const otherBody = { ...sized, body: { pipe: () => undefined } };
    for (const res of [noBody, nullBody, otherBody]) {
      expect(await s.request({ fetch: scripted([res]).fetch })).toEqual(der);
    }
  });

  it('cancels the unread body of a failed response', async () => {
    const { stream, probe } = chunkedStream(100, 40);
    const err = await rejection(s.request({ fetch: scripted([streamed(stream, 404)]).fetch }));
    expect((err as Error).message).toMatch(/404/);
    expect(probe.pulls).toBe(0);
    expect(probe.cancelled).toBe(true);
  });

  it('treats a stream of non-bytes as a transport error (retried, not a size error)', async () => {
    const t = scripted([
      streamed(streamOf(['not bytes'])),
      bodiless(Uint8Array.of(0x30, 0), 200, true),
    ]);
    expect(await s.request({ fetch: t.fetch, retries: 1 })).toEqual(Uint8Array.of(0x30, 0));
    expect(t.urls.length).toBe(2);
    const once = scripted([streamed(streamOf([42]))]);
    const err = await rejection(s.request({ fetch: once.fetch }));
    expect(err).not.toBeInstanceOf(AttestError);
    expect((err as Error).message).toMatch(/not a Uint8Array/);
  });
});

describe('fetcher-specific response shapes', () => {
  it('createKdsFetcher accepts a response without `ok` (status 200 decides)', async () => {
    const res = bodiless(Uint8Array.of(0x30, 0), 200);
    expect('ok' in res).toBe(false);
    expect(await kds.request({ fetch: scripted([res]).fetch })).toEqual(Uint8Array.of(0x30, 0));
  });

  it('createPcsFetcher accepts a response without `ok` when the status is 2xx', async () => {
    const res = bodiless(Uint8Array.of(0x30, 0), 200);
    expect(await pcs.request({ fetch: scripted([res]).fetch })).toEqual(Uint8Array.of(0x30, 0));
    const gone = bodiless(Uint8Array.of(0x30, 0), 404);
    await expect(pcs.request({ fetch: scripted([gone]).fetch })).rejects.toThrow(/HTTP 404/);
    // A typed error like KdsFetchError: URL, status and attempts (404 is not retried).
    const err = await rejection(pcs.request({ fetch: scripted([gone]).fetch, retries: 2 }));
    expect(err).toBeInstanceOf(PcsFetchError);
    expect(err).toMatchObject({ status: 404, attempts: 1 });
    expect((err as PcsFetchError).url).toMatch(
      /^https:\/\/certificates\.trustedservices\.intel\.com\//,
    );
  });

  it('both send GET with the abort signal and their headers', async () => {
    const seen: Parameters<FetchLike>[1][] = [];
    const fetch: FetchLike = async (_url, init) => {
      seen.push(init);
      return bodiless(Uint8Array.of(0x30, 0), 200, true);
    };
    await createKdsFetcher({ fetch }).crl('Milan');
    // A PCCS serves the Root CA CRL under its own base URL: the caller's headers go there.
    await createPcsFetcher({
      fetch,
      baseUrl: 'https://pccs.example',
      headers: { 'x-api-key': 'k' },
    }).rootCaCrl();
    expect(seen.map((i) => i.method)).toEqual(['GET', 'GET']);
    expect(seen[0]!.headers.accept).toMatch(/pkix-crl/);
    expect(seen[1]!.headers).toEqual({ 'x-api-key': 'k' });
    expect(seen.every((i) => i.signal instanceof AbortSignal && !i.signal.aborted)).toBe(true);
  });
});
