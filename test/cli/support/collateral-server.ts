/**
 * A loopback `node:http` server standing in for AMD KDS and Intel PCS in CLI tests (no test
 * reaches the internet). Routes are functions of the request path and query; every request is
 * logged, and any path can be made to fail with a chosen status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One response. */
export interface Served {
  readonly status?: number;
  readonly body?: Uint8Array | string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A route: the response for a path and query, or undefined (404). */
export type Route = (path: string, query: URLSearchParams) => Served | undefined;

export interface CollateralServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request's path and query, in order. */
  readonly requests: string[];
  /** Paths (without query) answered with this status instead of their route. */
  readonly failWith: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the server on an ephemeral loopback port. */
export async function startCollateralServer(route: Route): Promise<CollateralServer> {
  const requests: string[] = [];
  const failWith = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${u.pathname}${u.search}`);
    const forced = failWith.get(u.pathname);
    // Retry-After: 0 keeps the fetchers' retries of 429/5xx instant in tests.
    const served: Served =
      forced !== undefined
        ? { status: forced, body: `forced ${forced}`, headers: { 'retry-after': '0' } }
        : (route(u.pathname, u.searchParams) ?? { status: 404, body: 'not found' });
    res.writeHead(served.status ?? 200, { ...served.headers });
    res.end(served.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failWith,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
