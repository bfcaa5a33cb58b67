/**
 * Review s10 of attestkit/fetch: a body cut short of its Content-Length is refused (KDS and PCS);
 * PCS accepts only HTTP 200 with a non-empty body; the caller's PCS headers go only to baseUrl's
 * origin; malformed PCS answers reject as PcsFetchError. Fake transports (synthetic responses).
 */
import { describe, expect, it } from 'vitest';
import { createKdsFetcher, KdsFetchError } from '../../src/fetch/kds.js';
import { createPcsFetcher, PcsFetchError } from '../../src/fetch/pcs.js';
import type { FetchInitLike, FetchLike, FetchResponseLike } from '../../src/fetch/http.js';
import { AttestError } from '../../src/core/errors.js';
import { derFiller } from './support/transport.js';

const stream = (bytes: Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });

function answer(
  body: Uint8Array,
  headers: Record<string, string> = {},
  status = 200,
  streamed = true,
): FetchResponseLike {
  return {
    status,
    headers: new Headers(headers),
    ...(streamed ? { body: stream(body) } : {}),
    arrayBuffer: async () => body.slice().buffer,
  };
}

const vcekParams = {
  product: 'Milan' as const,
  signer: 'VCEK' as const,
  hwid: new Uint8Array(64).fill(1),
  tcb: { bootloader: 1, tee: 0, snp: 8, microcode: 115 },
};
const fmspc = '00806f050000';
const chainHdr = encodeURIComponent(
  '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n',
);

describe('a body shorter than its Content-Length', () => {
  const full = derFiller(1000);
  for (const streamed of [true, false]) {
    it(`is refused by the KDS fetcher (${streamed ? 'stream' : 'arrayBuffer'})`, async () => {
      const fetch: FetchLike = async () =>
        answer(full.subarray(0, 10), { 'content-length': '1000' }, 200, streamed);
      const p = createKdsFetcher({ fetch, retries: 0 }).vcek(vcekParams);
      await expect(p).rejects.toBeInstanceOf(KdsFetchError);
    });
    it(`is refused by the PCS fetcher (${streamed ? 'stream' : 'arrayBuffer'})`, async () => {
      const fetch: FetchLike = async () =>
        answer(full.subarray(0, 10), { 'content-length': '1000' }, 200, streamed);
      const p = createPcsFetcher({ fetch, retries: 0 }).rootCaCrl();
      await expect(p).rejects.toBeInstanceOf(PcsFetchError);
    });
  }
  it('is retried, and a complete answer then succeeds', async () => {
    let calls = 0;
    const fetch: FetchLike = async () =>
      answer(++calls === 1 ? full.subarray(0, 10) : full, { 'content-length': '1000' });
    const kds = createKdsFetcher({ fetch, retries: 1, sleep: async () => undefined });
    expect((await kds.vcek(vcekParams)).length).toBe(1000);
    expect(calls).toBe(2);
  });
  it('is not compared when a Content-Encoding is declared (the header counts encoded bytes)', async () => {
    const fetch: FetchLike = async () =>
      answer(full, { 'content-length': '10', 'content-encoding': 'gzip' });
    expect((await createKdsFetcher({ fetch, retries: 0 }).vcek(vcekParams)).length).toBe(1000);
  });
});

describe('PCS status and empty bodies', () => {
  for (const status of [204, 206]) {
    it(`refuses HTTP ${status} at once`, async () => {
      let calls = 0;
      const fetch: FetchLike = async () => {
        calls++;
        return answer(
          new TextEncoder().encode('{}'),
          { 'TCB-Info-Issuer-Chain': chainHdr },
          status,
        );
      };
      const err: unknown = await createPcsFetcher({ fetch, retries: 2 })
        .tcbInfo(fmspc)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PcsFetchError);
      expect((err as PcsFetchError).status).toBe(status);
      expect(calls).toBe(1);
    });
  }
  it('refuses an empty 200 body at once', async () => {
    let calls = 0;
    const fetch: FetchLike = async () => {
      calls++;
      return answer(new Uint8Array(0), { 'TCB-Info-Issuer-Chain': chainHdr });
    };
    const err: unknown = await createPcsFetcher({ fetch, retries: 2 })
      .tcbInfo(fmspc)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PcsFetchError);
    expect((err as PcsFetchError).status).toBe(200);
    expect(calls).toBe(1);
  });
});

describe('PCS caller headers', () => {
  const key = { 'Ocp-Apim-Subscription-Key': 'SECRET-KEY' };
  const recorder = (): { fetch: FetchLike; seen: [string, FetchInitLike][] } => {
    const seen: [string, FetchInitLike][] = [];
    const fetch: FetchLike = async (url, init) => {
      seen.push([url, init]);
      return answer(new Uint8Array([0x30, 0]), { 'SGX-PCK-CRL-Issuer-Chain': chainHdr });
    };
    return { fetch, seen };
  };
  it('are not sent to the default Root CA CRL host', async () => {
    const { fetch, seen } = recorder();
    await createPcsFetcher({ fetch, headers: key }).rootCaCrl();
    expect(new URL(seen[0]![0]).origin).not.toBe('https://api.trustedservices.intel.com');
    expect(seen[0]![1].headers).toEqual({});
  });
  it('are not sent to a rootCaCrlUrl on another origin', async () => {
    const { fetch, seen } = recorder();
    await createPcsFetcher({
      fetch,
      headers: key,
      baseUrl: 'https://pccs.internal:8081',
      rootCaCrlUrl: 'https://public-mirror.example/IntelSGXRootCA.der',
    }).rootCaCrl();
    expect(seen[0]![1].headers).toEqual({});
  });
  it("are sent, with redirect: 'error', to baseUrl's origin", async () => {
    const { fetch, seen } = recorder();
    const pcs = createPcsFetcher({ fetch, headers: key, baseUrl: 'https://pccs.internal:8081' });
    await pcs.pckCrl('platform');
    await pcs.rootCaCrl(); // a PCCS serves the Root CA CRL under its own base
    expect(seen).toHaveLength(2);
    for (const [, init] of seen) {
      expect(init.headers).toEqual(key);
      expect(init.redirect).toBe('error');
    }
  });
});

describe('malformed PCS answers reject as PcsFetchError', () => {
  const mk = (body: Uint8Array, hdrs: Record<string, string>) =>
    createPcsFetcher({ retries: 0, fetch: async () => answer(body, hdrs, 200, false) });
  const expectTyped = async (
    p: Promise<unknown>,
    cause: new (...args: never[]) => Error,
  ): Promise<void> => {
    const err: unknown = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PcsFetchError);
    expect((err as PcsFetchError).status).toBe(200);
    expect((err as PcsFetchError).cause).toBeInstanceOf(cause);
  };
  it('a broken percent-escape in an issuer-chain header', async () => {
    const pcs = mk(new TextEncoder().encode('{"tcbInfo":{}}'), {
      'TCB-Info-Issuer-Chain': '%E0%A4%A',
    });
    await expectTyped(pcs.tcbInfo(fmspc), URIError);
  });
  it('a non-UTF-8 TCB info body', async () => {
    const pcs = mk(new Uint8Array([0x7b, 0xff, 0x7d]), { 'TCB-Info-Issuer-Chain': 'x' });
    await expectTyped(pcs.tcbInfo(fmspc), AttestError);
  });
  it('a non-UTF-8 PEM/hex CRL body', async () => {
    const pcs = mk(new Uint8Array([0x2d, 0xc3]), { 'SGX-PCK-CRL-Issuer-Chain': 'x' });
    await expectTyped(pcs.pckCrl('platform'), AttestError);
  });
});
