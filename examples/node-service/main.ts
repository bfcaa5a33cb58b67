/**
 * Starts the verifier service (service.ts) from a JSON configuration file.
 *
 *   npm run build
 *   npx tsx examples/node-service/main.ts examples/node-service/config.synthetic.json
 *
 * It prints `listening on http://HOST:PORT` once it accepts connections (port 0 picks a free
 * port). With `offlineMirror` in the configuration, certificates and collateral are served from
 * files through offline-mirror.ts; without it the service uses the global `fetch` and talks to
 * the real AMD KDS and Intel PCS. SIGINT/SIGTERM close the server.
 *
 * The synthetic configuration verifies the SYNTHETIC demo evidence in examples/evidence (test
 * keys and test roots, pinned in the configuration) at a fixed time.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createOfflineMirror, type MirrorFiles } from './offline-mirror.js';
import { createVerifierService, type FetchFunction, type ServiceConfig } from './service.js';

/** The configuration file: the service's settings plus where to listen and what to mirror. */
interface FileConfig extends Omit<ServiceConfig, 'cca'> {
  readonly host?: string;
  readonly port?: number;
  /** Serve KDS/PCS from these files (paths relative to the configuration file). */
  readonly offlineMirror?: MirrorFiles;
  readonly cca?: Omit<NonNullable<ServiceConfig['cca']>, 'platformKey'> & {
    /** The CPAK as a JWK (.json) or PEM file, relative to the configuration file. */
    readonly platformKeyFile: string;
  };
}

const configPath = resolve(process.argv[2] ?? 'examples/node-service/config.synthetic.json');
const base = dirname(configPath);
const at = (p: string): string => resolve(base, p);
const file = JSON.parse(readFileSync(configPath, 'utf8')) as FileConfig;

let fetchImpl: FetchFunction = (url, init) => fetch(url, init);
if (file.offlineMirror !== undefined) {
  const m = file.offlineMirror;
  const mirror = createOfflineMirror({
    vceks: (m.vceks ?? []).map(at),
    certChains: (m.certChains ?? []).map(at),
    crls: (m.crls ?? []).map(at),
    tdxCollateral: (m.tdxCollateral ?? []).map(at),
  });
  fetchImpl = mirror.fetch;
  console.log(`offline mirror: ${mirror.urls.length} KDS/PCS URLs served from files`);
}

const { cca, host, port, offlineMirror: _mirror, ...rest } = file;
const config: ServiceConfig = {
  ...rest,
  ...(cca !== undefined
    ? {
        cca: {
          ...(cca.policy !== undefined ? { policy: cca.policy } : {}),
          platformKey: readFileSync(at(cca.platformKeyFile), 'utf8'),
        },
      }
    : {}),
};
if (config.verificationTime !== undefined) {
  console.log(`verification time fixed at ${config.verificationTime} (archived evidence only)`);
}

const { server } = createVerifierService(config, fetchImpl);
server.listen(port ?? 8080, host ?? '127.0.0.1', () => {
  const a = server.address();
  if (a !== null && typeof a === 'object')
    console.log(`listening on http://${a.address}:${a.port}`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
