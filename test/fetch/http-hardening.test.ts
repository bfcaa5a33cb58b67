/**
 * Transport hardening shared by createKdsFetcher and createPcsFetcher (src/fetch/http.ts): a body
 * reader that settles in microtasks cannot starve the timeout, and the caller's PCS headers never
 * follow a redirect. Fake transports, plus loopback `node:http` servers for the redirect case.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AttestError } from '../../src/core/errors.js';
import { createKdsFetcher, KdsFetchError } from '../../src/fetch/kds.js';
import { createPcsFetcher, PcsFetchError } from '../../src/fetch/pcs.js';
import type { FetchInitLike, FetchLike, FetchResponseLike } from '../../src/fetch/http.js';

/**
 * A response whose reader answers every `read()` at once (a resolved promise: only microtasks,
 * never an event-loop turn) with `chunk(i)`, then `done` after `limit` reads. Finite, so a
 * fetcher without the fix ends (and the test fails) instead of spinning forever.
 */
function microtaskBody(
  chunk: (i: number) => Uint8Array,
  limit: number,
): { response: FetchResponseLike; reads: () => number; cancelled: () => boolean } {
  let reads = 0;
  let cancelled = false;
  const reader = {
    read: () => {
      reads++;
      return Promise.resolve(reads > limit ? { done: true } : { done: false, value: chunk(reads) });
    },
    cancel: async () => {
      cancelled = true;
    },
  };
  return {
    response: {
      ok: true,
      status: 200,
      headers: { get: () => null },
      body: { getReader: () => reader },
      arrayBuffer: async () => new ArrayBuffer(0),
    },
    reads: () => reads,
    cancelled: () => cancelled,
  };
}

const once =
  (response: FetchResponseLike): FetchLike =>
  async () =>
    response;

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

describe('a body reader that never yields to the event loop', () => {
  it('is refused after 1024 empty chunks in a row, at once and without a retry', async () => {
    const body = microtaskBody(() => new Uint8Array(0), 200_000);
    let requests = 0;
    const fetch: FetchLike = async () => {
      requests++;
      return body.response;
    };
    const kds = createKdsFetcher({ fetch, retries: 2, sleep: async () => undefined });
    const err = await rejection(kds.crl('Milan'));
    expect(err).toBeInstanceOf(KdsFetchError);
    expect(err).toMatchObject({ status: 200, attempts: 1 });
    expect((err as KdsFetchError).cause).toBeInstanceOf(AttestError);
    expect((err as KdsFetchError).cause).toMatchObject({ code: 'ERR_LIMIT_EXCEEDED', offset: 0 });
    expect(requests).toBe(1);
    expect(body.reads()).toBeLessThanOrEqual(1026);
    expect(body.cancelled()).toBe(true);
  });

  it('accepts a few empty chunks between real ones', async () => {
    // One byte of a 10-byte DER SEQUENCE every 100th read, empty chunks in between.
    const der = Uint8Array.of(0x30, 0x08, 0x04, 0x06, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30);
    const body = microtaskBody(
      (i) => (i % 100 === 0 ? der.subarray(i / 100 - 1, i / 100) : new Uint8Array(0)),
      1000,
    );
    const pcs = createPcsFetcher({ fetch: once(body.response), retries: 0 });
    expect(await pcs.rootCaCrl()).toEqual(der);
  });

  it.each([
    [
      'createKdsFetcher',
      (fetch: FetchLike) =>
        createKdsFetcher({ fetch, retries: 0, timeoutMs: 30, maxBytes: 4000 }).crl('Genoa'),
    ],
    [
      'createPcsFetcher',
      (fetch: FetchLike) =>
        createPcsFetcher({ fetch, retries: 0, timeoutMs: 30, maxBytes: 4000 }).rootCaCrl(),
    ],
  ] as const)(
    '%s times out on the clock even though its timer cannot fire',
    async (_name, request) => {
      // 1000 empty chunks, then one byte, over and over: under the empty-chunk cap and, with a
      // 4000-byte limit, millions of reads before the size limit would end it.
      const body = microtaskBody(
        (i) => (i % 1001 === 0 ? Uint8Array.of(0x30) : new Uint8Array(0)),
        5_000_000,
      );
      const started = Date.now();
      const err = await rejection(request(once(body.response)));
      const elapsed = Date.now() - started;
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/timed out/);
      expect((err as Error & { cause?: unknown }).cause).not.toBeInstanceOf(AttestError);
      expect(elapsed).toBeLessThan(1_000);
      expect(body.cancelled()).toBe(true);
    },
  );
});

describe('redirects and the caller’s headers', () => {
  it('sends redirect: "error" exactly when the request carries caller-supplied headers', async () => {
    const seen: FetchInitLike[] = [];
    const fetch: FetchLike = async (_url, init) => {
      seen.push(init);
      return {
        ok: true,
        status: 200,
        headers: { get: () => null },
        arrayBuffer: async () => Uint8Array.of(0x30, 0).buffer,
      };
    };
    await createPcsFetcher({
      fetch,
      baseUrl: 'https://pccs.example',
      headers: { 'Ocp-Apim-Subscription-Key': 'k' },
    }).rootCaCrl();
    await createPcsFetcher({ fetch }).rootCaCrl();
    await createPcsFetcher({ fetch, headers: {} }).rootCaCrl();
    await createKdsFetcher({ fetch }).crl('Milan');
    expect(seen.map((i) => i.redirect)).toEqual(['error', undefined, undefined, undefined]);
  });

  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  });
  const listen = async (handler: Parameters<typeof createServer>[1]): Promise<string> => {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  it('an API key never reaches another origin through a 302 (global fetch, loopback)', async () => {
    const received: (string | string[] | undefined)[] = [];
    const other = await listen((req, res) => {
      received.push(req.headers['ocp-apim-subscription-key']);
      res.writeHead(404).end();
    });
    const pccs = await listen((req, res) => {
      res.writeHead(302, {
        location: `http://${other.replace('127.0.0.1', 'localhost')}${req.url ?? '/'}`,
      });
      res.end();
    });
    const pcs = createPcsFetcher({
      fetch: (url, init) => fetch(url, init),
      baseUrl: `http://${pccs}`,
      retries: 0,
      headers: { 'Ocp-Apim-Subscription-Key': 'SECRET-API-KEY' },
    });
    const err = await rejection(pcs.tcbInfo('00806f050000'));
    expect(err).toBeInstanceOf(PcsFetchError);
    expect(received).toEqual([]);
  });
});
