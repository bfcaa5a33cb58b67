/**
 * A relying-party HTTP service that verifies attestation evidence POSTed to it: AMD SEV-SNP
 * reports, Intel TDX quotes and Arm CCA tokens. Certificates and collateral come from the AMD KDS
 * and Intel PCS through the `attestkit/fetch` fetchers, wrapped in `withCache` and sharing one
 * `createCache`, so each VCEK, chain, CRL and TCB info is downloaded once and a warm verification
 * costs about one signature check.
 *
 * Freshness: a client first asks for a challenge (`POST /v1/challenge`), puts it in the evidence
 * (SNP/TDX REPORT_DATA, CCA realm challenge), and sends it back in the `attestkit-challenge`
 * header. The service accepts only challenges it issued, once, within five minutes.
 *
 * Routes:
 *   POST /v1/challenge               → 201 { challenge: hex (64 bytes) }
 *   POST /v1/verify/{snp|tdx|cca}    body: the raw evidence (report, quote, token)
 *                                    header attestkit-challenge: hex
 *                                    → 200 { ok, platform, summary, failed, checks, claims }
 *   GET  /v1/stats                   → 200 { verifications, upstreamRequests, cacheEntries }
 *
 * A verdict is a 200 either way (`ok` says which): a failed verification is a result. 4xx means
 * the request itself was wrong (unknown route, empty or oversized body, unknown challenge).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createCache,
  toHex,
  fromHex,
  type AttestCache,
  type Check,
  type MemoryCache,
} from 'attestkit';
import { verifySnpReport, type SnpPolicy, type SnpVerifyOptions } from 'attestkit/snp';
import { verifyTdxQuote, type TdxPolicy, type TdxTcbStatus } from 'attestkit/tdx';
import { verifyCcaToken, type CcaKeyInput, type CcaPolicy } from 'attestkit/cca';
import { createKdsFetcher, createPcsFetcher, withCache } from 'attestkit/fetch';

/** A `fetch` as the service uses it (the global `fetch`, undici, or an offline mirror). */
export type FetchFunction = (
  url: string,
  init?: { readonly signal?: AbortSignal; readonly headers?: Record<string, string> },
) => Promise<Response>;

/** Service configuration: plain data, kept in a JSON file. */
export interface ServiceConfig {
  /**
   * Verification time. Leave it out in production (each verification then uses the current
   * time). Set it only to replay archived evidence whose certificates have since expired.
   */
  readonly verificationTime?: string;
  readonly snp?: {
    /** Replace the pinned AMD ARKs (test roots only). */
    readonly rootPins?: SnpVerifyOptions['rootPins'];
    /** Static expectations (measurement, minimum TCB, VMPL…); REPORT_DATA comes from the challenge. */
    readonly policy?: Omit<SnpPolicy, 'reportData'>;
    readonly requireCrl?: boolean;
    /**
     * The product line of the fleet (`Milan`, `Genoa`, `Turin`). Version-2 reports carry no
     * CPUID, so without it the VCEK cannot be looked up for them.
     */
    readonly product?: SnpVerifyOptions['product'];
  };
  readonly tdx?: {
    /** Replace the pinned Intel SGX Root CA (test roots only). */
    readonly rootPins?: readonly string[];
    readonly policy?: Omit<TdxPolicy, 'reportData'>;
    readonly acceptedTcbStatuses?: readonly TdxTcbStatus[];
  };
  readonly cca?: {
    /** The CPAK (JWK object, PEM, hex point): endorsed by the platform vendor. */
    readonly platformKey: CcaKeyInput;
    readonly policy?: Omit<CcaPolicy, 'challenge'>;
  };
  /**
   * Challenges accepted without being issued, any number of times. ONLY for demo evidence whose
   * REPORT_DATA was fixed when it was generated; never in production.
   */
  readonly demoChallenges?: readonly string[];
  /** Largest evidence accepted, in bytes. Default 64 KiB. */
  readonly maxBodyBytes?: number;
  /**
   * How long a fetched VCEK, chain, CRL, TCB info or QE identity is reused before it is fetched
   * again. Default 12 hours. CRLs and TCB info are reissued about monthly: a process that never
   * refetched would start failing once their nextUpdate passed.
   */
  readonly collateralTtlHours?: number;
}

/** The running service's counters. */
export interface ServiceStats {
  verifications: number;
  upstreamRequests: number;
  readonly cacheEntries: number;
}

const CHALLENGE_TTL_MS = 5 * 60_000;
const PLATFORMS = ['snp', 'tdx', 'cca'] as const;
type Platform = (typeof PLATFORMS)[number];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates the HTTP server (not yet listening).
 *
 * @param config - policies, pins and limits.
 * @param fetch - the transport for the KDS and PCS fetchers.
 * @returns the server and its live counters.
 */
export function createVerifierService(
  config: ServiceConfig,
  fetch: FetchFunction,
): { server: Server; stats: ServiceStats; cache: MemoryCache } {
  // Immutable work (parsed certificates, verified signatures, imported keys): keep as long as room.
  const cache = createCache({ maxEntries: 2000 });
  // Downloaded collateral changes over time: reuse it, but only for a while.
  const collateralCache = expiringCache(
    (config.collateralTtlHours ?? 12) * 3_600_000,
    createCache({ maxEntries: 500 }),
  );
  const stats: ServiceStats = {
    verifications: 0,
    upstreamRequests: 0,
    get cacheEntries() {
      return cache.size;
    },
  };
  const counted: FetchFunction = (url, init) => {
    stats.upstreamRequests++;
    return fetch(url, init);
  };
  // One fetcher per service, each call cached: a VCEK is fetched once per (chip, TCB).
  const kds = withCache(createKdsFetcher({ fetch: counted }), collateralCache, 'kds');
  const pcs = withCache(createPcsFetcher({ fetch: counted }), collateralCache, 'pcs');
  const fixedNow =
    config.verificationTime !== undefined ? new Date(config.verificationTime) : undefined;
  const issued = new Map<string, number>();
  const demo = new Set((config.demoChallenges ?? []).map((c) => c.toLowerCase()));
  const maxBody = config.maxBodyBytes ?? 64 * 1024;

  const takeChallenge = (header: string | string[] | undefined): Uint8Array => {
    const hex = typeof header === 'string' ? header.trim().toLowerCase() : '';
    if (!/^([0-9a-f]{2}){1,64}$/.test(hex)) {
      throw new HttpError(400, 'attestkit-challenge header missing or not hex');
    }
    if (demo.has(hex)) return fromHex(hex);
    const expires = issued.get(hex);
    issued.delete(hex); // single use, whatever the outcome
    if (expires === undefined || expires < Date.now()) {
      throw new HttpError(403, 'unknown or expired challenge');
    }
    return fromHex(hex);
  };

  const verify = async (platform: Platform, evidence: Uint8Array, challenge: Uint8Array) => {
    const now = fixedNow ?? new Date();
    switch (platform) {
      case 'snp': {
        const c = config.snp ?? {};
        const r = await verifySnpReport(evidence, {
          now,
          cache,
          fetcher: kds,
          ...(c.rootPins !== undefined ? { rootPins: c.rootPins } : {}),
          ...(c.requireCrl === true ? { requireCrl: true } : {}),
          ...(c.product !== undefined ? { product: c.product } : {}),
          policy: { ...c.policy, reportData: padTo64(challenge) },
        });
        return verdict('snp', r.ok, r.checks, {
          product: r.product,
          signer: r.signer,
          measurement: r.report !== undefined ? toHex(r.report.measurement) : undefined,
          vmpl: r.report?.vmpl,
          reportedTcb: r.tcb?.reported,
        });
      }
      case 'tdx': {
        const c = config.tdx ?? {};
        const r = await verifyTdxQuote(evidence, {
          now,
          cache,
          fetcher: pcs,
          ...(c.rootPins !== undefined ? { rootPins: c.rootPins } : {}),
          ...(c.acceptedTcbStatuses !== undefined
            ? { acceptedTcbStatuses: c.acceptedTcbStatuses }
            : {}),
          policy: { ...c.policy, reportData: challenge },
        });
        const body = r.quote?.body;
        return verdict('tdx', r.ok, r.checks, {
          tcbStatus: r.tcbStatus,
          advisoryIds: r.advisoryIds,
          collateralExpiry: r.collateralExpiry?.toISOString(),
          mrTd: body !== undefined && body.kind !== 'sgx' ? toHex(body.mrTd) : undefined,
        });
      }
      case 'cca': {
        const c = config.cca;
        if (c === undefined) throw new HttpError(404, 'CCA is not configured');
        const r = await verifyCcaToken(evidence, {
          now,
          cache,
          platformKey: c.platformKey,
          policy: { ...c.policy, challenge: padTo64(challenge) },
        });
        return verdict('cca', r.ok, r.checks, {
          profile: r.platformClaims?.profile,
          realmInitialMeasurement:
            r.realmClaims !== undefined ? toHex(r.realmClaims.initialMeasurement) : undefined,
        });
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://service');
    if (req.method === 'POST' && url.pathname === '/v1/challenge') {
      const challenge = toHex(crypto.getRandomValues(new Uint8Array(64)));
      issued.set(challenge, Date.now() + CHALLENGE_TTL_MS);
      return send(res, 201, { challenge });
    }
    if (req.method === 'GET' && url.pathname === '/v1/stats') {
      return send(res, 200, { ...stats, cacheEntries: stats.cacheEntries });
    }
    const m = /^\/v1\/verify\/([a-z]+)$/.exec(url.pathname);
    if (m === null || !(PLATFORMS as readonly string[]).includes(m[1]!)) {
      throw new HttpError(404, `no route ${req.method ?? ''} ${url.pathname}`);
    }
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const evidence = await readBody(req, maxBody);
    const challenge = takeChallenge(req.headers['attestkit-challenge']);
    const result = await verify(m[1] as Platform, evidence, challenge);
    stats.verifications++;
    return send(res, 200, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      // Verifiers never throw for bad evidence; anything else is a bug worth a log line.
      if (status === 500) console.error(e);
      if (!res.headersSent) send(res, status, { error: (e as Error).message });
      else res.end();
    });
  });
  return { server, stats, cache };
}

/** An `AttestCache` whose entries expire `ttlMs` after they were stored. */
function expiringCache(ttlMs: number, inner: AttestCache): AttestCache {
  return {
    get(key) {
      const e = inner.get(key) as { value: unknown; at: number } | undefined;
      return e !== undefined && Date.now() - e.at < ttlMs ? e.value : undefined;
    },
    set(key, value) {
      inner.set(key, value === undefined ? undefined : { value, at: Date.now() });
    },
  };
}

function verdict(
  platform: Platform,
  ok: boolean,
  checks: readonly Check[],
  claims: Record<string, unknown>,
): Record<string, unknown> {
  const count = (s: string): number => checks.filter((c) => c.status === s).length;
  return {
    ok,
    platform,
    summary: { pass: count('pass'), fail: count('fail'), warn: count('warn'), skip: count('skip') },
    failed: checks.filter((c) => c.status === 'fail').map((c) => c.id),
    checks: checks.map(({ id, status, message }) => ({ id, status, message })),
    // Claims are facts only when ok; they are returned either way for diagnosis.
    claims,
  };
}

/** REPORT_DATA and the CCA realm challenge are 64 bytes: a shorter challenge is zero-padded. */
function padTo64(b: Uint8Array): Uint8Array {
  if (b.length >= 64) return b;
  const out = new Uint8Array(64);
  out.set(b);
  return out;
}

async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) throw new HttpError(413, `evidence larger than ${max} bytes`);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Uint8Array;
    size += b.length;
    if (size > max) throw new HttpError(413, `evidence larger than ${max} bytes`);
    parts.push(b);
  }
  if (size === 0) throw new HttpError(400, 'empty body: POST the raw evidence bytes');
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? toHex(v) : v,
  );
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}
