/**
 * The `attestkit` command line: argument parsing and the commands (`inspect`, `verify`,
 * `replay`, `kds-url`, `pcs-url`, `demo`, `types`). `runCli` never throws; it prints through
 * the given streams and returns the exit code (see {@link EXIT}). Nothing here touches the
 * network unless `--fetch` is given (see `network.ts`).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AttestError, type Check } from '../index.js';
import {
  createCliNetwork,
  DEFAULT_CACHE_TTL_SECONDS,
  type CliNetwork,
  type FetchFailure,
} from './network.js';
import { replayCommand } from './plugins/eventlog.js';
import { MAX_NONCE_BYTES, nonceFromHex, trustedAkFrom } from './plugins/verifier-inputs.js';
import {
  detectPlugin,
  plugins,
  VERIFIER_INPUT_FLAGS,
  type CliContext,
  type EvidenceFile,
  type EvidencePlugin,
  type FetchDependentChecks,
  type TrustedAk,
  type VerifierInput,
} from './registry.js';
import { escapeTerminal, renderInspection, renderVerification, toJson } from './report.js';
import { kdsUrlsFor, pcsUrlsFor } from './urls.js';

/** Exit codes of the `attestkit` command (docs/cli.md "Exit codes"). */
export const EXIT = {
  /** Verified (or inspected, listed, printed). */
  ok: 0,
  /** The evidence was checked and verification failed. */
  notVerified: 1,
  /** Usage error, unreadable or malformed input, unknown evidence type: no verdict. */
  badInput: 2,
  /**
   * `--fetch`: collateral could not be downloaded (HTTP error, network error, timeout), and every
   * failed or required-but-skipped check is one that download explains: no verdict.
   */
  fetchFailed: 3,
} as const;

/** Where `runCli` prints: stdout and stderr, one call per block of text. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The usage text (`attestkit --help`). */
export const USAGE = `attestkit — verify confidential-VM attestation evidence

usage:
  attestkit inspect <file> [--json]                detect the evidence type and print its fields
  attestkit verify <file> [--json] [--collateral DIR] [--now ISO] [--product NAME]
                   [--nonce HEX] [--ak FILE] [--allow-sha1]
                   [--fetch [--kds-url URL] [--pcs-url URL] [--cache DIR] [--cache-ttl SECONDS]
                            [--fetch-retries N]]
                                                   verify; exit 0 only when verification passed
  attestkit replay <log> [--pcrs FILE] [--json]    replay an event log (TCG, CCEL, IMA); with --pcrs,
                                                   verify it against expected PCRs / RTMRs / REMs
                                                   (without: registers printed, nothing compared,
                                                   exit 1)
  attestkit kds-url <snp-report> [--product NAME] [--kds-url URL] [--json]
                                                   AMD KDS URLs (VCEK, cert chains, CRLs) for a report
  attestkit pcs-url <tdx-or-sgx-quote> [--pcs-url URL] [--json]
                                                   Intel PCS URLs (TCB info, QE identity, CRLs)
  attestkit demo [DIR]                             verify every example in DIR (default examples/evidence)
  attestkit types                                  list the evidence types this build understands

options:
  --collateral DIR   certificates and collateral files (nothing is downloaded without --fetch)
  --now ISO          verification time (default: now)
  --product NAME     Milan, Genoa or Turin, for SEV-SNP v2 reports that do not name their product
  --nonce HEX        verify only: the nonce YOU issued (1-${MAX_NONCE_BYTES} bytes as hex): a tpm-quote's extraData,
                     a cvm-bundle's nonce, a cca-token's challenge. A nonce inside the evidence is
                     ignored; without --nonce the nonce check is a required skip (NOT VERIFIED)
  --ak FILE          verify tpm-quote only: the AK you trust (TPM2B_PUBLIC / TPMT_PUBLIC, or a PEM
                     public key). Without it the bundle's own AK checks the signature, but that
                     proves nothing: cli.ak-anchor is a required skip (NOT VERIFIED)
  --allow-sha1       verify tpm-quote and cvm-bundle only: accept SHA-1 PCR banks and signatures
                     (an "allowSha1" inside the evidence is ignored)
  --fetch            verify only: download missing collateral — MAKES NETWORK REQUESTS to AMD KDS
                     (SEV-SNP: VCEK, ASK/ARK chain, CRL; the CRL becomes required) and Intel PCS
                     (TDX/SGX: TCB info, QE identity, PCK and Root CA CRLs). Off by default.
  --kds-url URL      AMD KDS base URL (default https://kdsintf.amd.com), e.g. a caching proxy
  --pcs-url URL      Intel PCS or PCCS base URL (default https://api.trustedservices.intel.com)
  --cache DIR        with --fetch: keep downloaded responses in DIR (one file per URL) and reuse them
  --cache-ttl SECS   with --cache: reuse a cached response for SECS seconds (default ${DEFAULT_CACHE_TTL_SECONDS})
  --fetch-retries N  retries of a request after a 429, 5xx, network error or timeout (default 3)
  --json             print the result object as JSON (verify, replay, inspect, kds-url, pcs-url)

files named by evidence (cvm-bundle): relative, inside the bundle's directory (symbolic links
followed), regular files of at most 16 MiB; anything else is refused (exit 2)

exit codes: 0 passed, 1 verification failed, 2 usage or unreadable input,
            3 collateral could not be fetched (--fetch only; when every failed or
              required-but-skipped check depends on a download that failed)`;

const PRODUCTS = ['Milan', 'Genoa', 'Turin'];

interface Args {
  command: string | undefined;
  positional: string[];
  json: boolean;
  collateral: string | undefined;
  now: Date | undefined;
  pcrs: string | undefined;
  product: string | undefined;
  fetch: boolean;
  kdsUrl: string | undefined;
  pcsUrl: string | undefined;
  cache: string | undefined;
  cacheTtlSeconds: number | undefined;
  fetchRetries: number | undefined;
  nonce: Uint8Array | undefined;
  ak: string | undefined;
  allowSha1: boolean;
}

class UsageError extends Error {}

function baseUrl(flag: string, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`${flag} needs an http:// or https:// URL, got "${v}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`${flag} needs an http:// or https:// URL, got "${v}"`);
  return v.replace(/\/+$/, '');
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    command: undefined,
    positional: [],
    json: false,
    collateral: undefined,
    now: undefined,
    pcrs: undefined,
    product: undefined,
    fetch: false,
    kdsUrl: undefined,
    pcsUrl: undefined,
    cache: undefined,
    cacheTtlSeconds: undefined,
    fetchRetries: undefined,
    nonce: undefined,
    ak: undefined,
    allowSha1: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${x} needs a value`);
      return v;
    };
    if (x === '--json') a.json = true;
    else if (x === '--fetch') a.fetch = true;
    else if (x === '--allow-sha1') a.allowSha1 = true;
    else if (x === '--ak') a.ak = value();
    else if (x === '--nonce') {
      const n = nonceFromHex(value());
      if (n === undefined)
        throw new UsageError(
          `--nonce needs 1 to ${MAX_NONCE_BYTES} bytes as hex digits (an even number, no 0x prefix)`,
        );
      a.nonce = n;
    } else if (x === '--collateral') a.collateral = value();
    else if (x === '--pcrs') a.pcrs = value();
    else if (x === '--cache') a.cache = value();
    else if (x === '--kds-url') a.kdsUrl = baseUrl(x, value());
    else if (x === '--pcs-url') a.pcsUrl = baseUrl(x, value());
    else if (x === '--product') {
      const p = value();
      const known = PRODUCTS.find((n) => n.toLowerCase() === p.toLowerCase());
      if (known === undefined) throw new UsageError(`--product must be ${PRODUCTS.join(', ')}`);
      a.product = known;
    } else if (x === '--cache-ttl') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n))
        throw new UsageError('--cache-ttl needs a whole number of seconds');
      a.cacheTtlSeconds = n;
    } else if (x === '--fetch-retries') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 10)
        throw new UsageError('--fetch-retries needs a whole number from 0 to 10');
      a.fetchRetries = Number(v);
    } else if (x === '--now') {
      const d = new Date(value());
      if (Number.isNaN(d.getTime())) throw new UsageError('--now needs an ISO date');
      a.now = d;
    } else if (x === '-h' || x === '--help') a.command = 'help';
    else if (x.startsWith('--')) throw new UsageError(`unknown option ${x}`);
    else if (a.command === undefined) a.command = x;
    else a.positional.push(x);
  }
  // Network options never take effect silently: each is valid only where it is used.
  if (a.command !== 'help') {
    if (a.fetch && a.command !== 'verify')
      throw new UsageError(
        '--fetch works with verify only (it is the only command that downloads)',
      );
    if (a.kdsUrl !== undefined && !a.fetch && a.command !== 'kds-url')
      throw new UsageError('--kds-url needs --fetch (or the kds-url command)');
    if (a.pcsUrl !== undefined && !a.fetch && a.command !== 'pcs-url')
      throw new UsageError('--pcs-url needs --fetch (or the pcs-url command)');
    if (a.cache !== undefined && !a.fetch) throw new UsageError('--cache needs --fetch');
    if (a.fetchRetries !== undefined && !a.fetch)
      throw new UsageError('--fetch-retries needs --fetch');
    if (a.cacheTtlSeconds !== undefined && a.cache === undefined)
      throw new UsageError('--cache-ttl needs --cache');
    // The verifier's inputs: `verify` only (the demo reads them from each manifest).
    for (const [flag, given] of [
      ['--nonce', a.nonce !== undefined],
      ['--ak', a.ak !== undefined],
      ['--allow-sha1', a.allowSha1],
    ] as const) {
      if (given && a.command !== 'verify')
        throw new UsageError(`${flag} works with verify only (demo manifests give their own)`);
    }
  }
  return a;
}

function readEvidence(path: string): EvidenceFile {
  const buf = readFileSync(path);
  const bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Binary evidence that happens to be valid UTF-8 still holds control characters.
    if (
      [...text.slice(0, 4096)].some(
        (ch) => ch.charCodeAt(0) < 9 || (ch.charCodeAt(0) > 13 && ch.charCodeAt(0) < 32),
      )
    )
      text = undefined;
  } catch {
    text = undefined;
  }
  return { path, bytes, text };
}

/** The verifier inputs given on the command line. */
function verifierInputsOf(args: Args): VerifierInput[] {
  return [
    ...(args.nonce !== undefined ? (['nonce'] as const) : []),
    ...(args.ak !== undefined ? (['ak'] as const) : []),
    ...(args.allowSha1 ? (['allowSha1'] as const) : []),
  ];
}

/** Refuses a verifier flag the detected evidence type would not use: it never takes no effect. */
function assertInputsApply(args: Args, plugin: EvidencePlugin): void {
  for (const input of verifierInputsOf(args)) {
    if (plugin.verifierInputs?.includes(input) === true) continue;
    const users = plugins.filter((p) => p.verifierInputs?.includes(input)).map((p) => p.id);
    throw new UsageError(
      `${VERIFIER_INPUT_FLAGS[input]} has no effect on ${plugin.id} evidence (it applies to ${users.join(', ')})`,
    );
  }
}

/** Reads and checks `--ak FILE` (the user's own file). */
function trustedAk(path: string): TrustedAk {
  let bytes: Uint8Array;
  try {
    const b = readFileSync(resolve(path));
    bytes = new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  } catch (e) {
    throw new UsageError(`--ak ${path}: ${isSystemError(e) ? e.code : 'unreadable'}`);
  }
  try {
    return trustedAkFrom(bytes, `--ak ${path}`);
  } catch (e) {
    if (e instanceof AttestError) throw new UsageError(e.message);
    throw e;
  }
}

function context(
  baseDir: string,
  args: Args,
  manifest?: Record<string, unknown>,
  network?: CliNetwork,
  ak?: TrustedAk,
): CliContext {
  const at = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    collateralDir: args.collateral !== undefined ? resolve(args.collateral) : undefined,
    now: args.now,
    manifest,
    baseDir,
    ...(args.product !== undefined ? { product: args.product } : {}),
    ...(network !== undefined ? { fetchers: network.fetchers } : {}),
    ...(args.nonce !== undefined ? { nonce: args.nonce } : {}),
    ...(ak !== undefined ? { ak } : {}),
    ...(args.allowSha1 ? { allowSha1: true } : {}),
    readFile: (p) => {
      const b = readFileSync(at(p));
      return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    },
    readText: (p) => readFileSync(at(p), 'utf8'),
    exists: (p) => existsSync(at(p)),
  };
}

function pluginFor(file: EvidenceFile, id?: string): EvidencePlugin {
  const p = id !== undefined ? plugins.find((x) => x.id === id) : detectPlugin(file);
  if (p === undefined) {
    throw new AttestError('ERR_UNKNOWN_FORMAT', {
      message: `${basename(file.path)}: not a recognised evidence type (${plugins.map((x) => x.id).join(', ') || 'none registered'})`,
    });
  }
  return p;
}

async function demo(dir: string, args: Args, io: CliIo): Promise<number> {
  if (!existsSync(dir)) throw new UsageError(`no such directory ${dir}`);
  const cases = readdirSync(dir)
    .filter(
      (n) => statSync(join(dir, n)).isDirectory() && existsSync(join(dir, n, 'manifest.json')),
    )
    .sort();
  if (cases.length === 0) throw new UsageError(`no examples (*/manifest.json) in ${dir}`);
  io.out(`attestkit demo: ${cases.length} example(s) in ${dir}\n`);
  let failures = 0;
  for (const name of cases) {
    const base = join(dir, name);
    const manifest = JSON.parse(readFileSync(join(base, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const file = readEvidence(join(base, String(manifest.evidence)));
    const plugin = pluginFor(file, typeof manifest.type === 'string' ? manifest.type : undefined);
    const ctx = context(base, args, manifest);
    const v = await plugin.verify(file, ctx);
    const expectOk = manifest.expectOk !== false;
    const label = `${name}${manifest.synthetic === true ? ' (SYNTHETIC: generated with test keys, not from real hardware)' : ''}`;
    io.out(
      escapeTerminal(
        `# ${label}\n${typeof manifest.description === 'string' ? manifest.description + '\n' : ''}`,
        { keepNewlines: true },
      ),
    );
    io.out(renderVerification(v));
    if (v.ok !== expectOk) {
      failures++;
      io.out(`  !! expected ${expectOk ? 'VERIFIED' : 'NOT VERIFIED'}`);
    } else if (!expectOk) {
      io.out('  (this example is expected to fail: it demonstrates a rejection)');
    }
    io.out('');
  }
  io.out(
    failures === 0
      ? `demo: all ${cases.length} example(s) behaved as expected`
      : `demo: ${failures} example(s) did not behave as expected`,
  );
  return failures === 0 ? EXIT.ok : EXIT.notVerified;
}

function networkFor(args: Args): CliNetwork | undefined {
  if (!args.fetch) return undefined;
  return createCliNetwork({
    cacheTtlMs: (args.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS) * 1000,
    ...(args.kdsUrl !== undefined ? { kdsUrl: args.kdsUrl } : {}),
    ...(args.pcsUrl !== undefined ? { pcsUrl: args.pcsUrl } : {}),
    ...(args.cache !== undefined ? { cacheDir: resolve(args.cache) } : {}),
    ...(args.fetchRetries !== undefined ? { retries: args.fetchRetries } : {}),
  });
}

async function command(args: Args, io: CliIo): Promise<number> {
  switch (args.command) {
    case undefined:
    case 'help':
      io.out(USAGE);
      return args.command === undefined ? EXIT.badInput : EXIT.ok;
    case 'types':
      for (const p of plugins) {
        const net = p.networkCollateral?.length
          ? `  [--fetch: ${p.networkCollateral.join(', ')}]`
          : '';
        io.out(`${p.id.padEnd(20)} ${p.title}${net}`);
      }
      return EXIT.ok;
    case 'demo':
      return demo(resolve(args.positional[0] ?? 'examples/evidence'), args, io);
    case 'kds-url':
    case 'pcs-url': {
      const path = args.positional[0];
      if (path === undefined) throw new UsageError(`${args.command} needs a file`);
      const file = readEvidence(resolve(path));
      const urls =
        args.command === 'kds-url'
          ? kdsUrlsFor(file, args.product, args.kdsUrl)
          : pcsUrlsFor(file, args.pcsUrl);
      if (args.json) io.out(toJson(urls));
      else
        io.out(
          Object.entries(urls)
            .map(([k, v]) => `${k.padEnd(16)} ${v}`)
            .join('\n'),
        );
      return EXIT.ok;
    }
    case 'replay': {
      const path = args.positional[0];
      if (path === undefined) throw new UsageError('replay needs a log file');
      const file = readEvidence(resolve(path));
      const v = await replayCommand(
        file,
        args.pcrs !== undefined ? resolve(args.pcrs) : undefined,
        context(dirname(resolve(path)), args),
      );
      io.out(args.json ? toJson(v.result) : renderVerification(v));
      return v.ok ? EXIT.ok : EXIT.notVerified;
    }
    case 'inspect':
    case 'verify': {
      const path = args.positional[0];
      if (path === undefined) throw new UsageError(`${args.command} needs a file`);
      const file = readEvidence(resolve(path));
      const plugin = pluginFor(file);
      if (args.command === 'inspect') {
        const i = await plugin.inspect(file, context(dirname(resolve(path)), args));
        io.out(args.json ? toJson(i) : renderInspection(i));
        return EXIT.ok;
      }
      assertInputsApply(args, plugin);
      const ak = args.ak !== undefined ? trustedAk(args.ak) : undefined;
      const network = networkFor(args);
      if (network !== undefined && !plugin.networkCollateral?.length)
        io.err(`attestkit: note: --fetch has no effect on ${plugin.id} (it needs no KDS/PCS data)`);
      const v = await plugin.verify(
        file,
        context(dirname(resolve(path)), args, undefined, network, ak),
      );
      io.out(args.json ? toJson(v.result) : renderVerification(v));
      if (v.ok) return EXIT.ok;
      if (network !== undefined && network.failures.length > 0) {
        for (const f of network.failures) {
          const status =
            f.status !== undefined && !f.message.includes(`HTTP ${f.status}`)
              ? ` (HTTP ${f.status})`
              : '';
          const url = f.url !== undefined && !f.message.includes(f.url) ? ` — ${f.url}` : '';
          io.err(
            escapeTerminal(
              `attestkit: could not fetch ${f.item} from ${f.service}: ${f.message}${status}${url}`,
            ),
          );
        }
        const unexplained = checksNotExplainedByFetch(
          v.checks,
          plugin.fetchDependentChecks,
          network.failures,
        );
        if (unexplained.length === 0) {
          io.err('attestkit: no verdict: the collateral could not be fetched (exit 3)');
          return EXIT.fetchFailed;
        }
        io.err(
          escapeTerminal(
            `attestkit: not verified whatever the missing collateral would show: ${unexplained.map((c) => `${c.id} ${c.status === 'fail' ? 'failed' : 'skipped'}`).join(', ')} (exit 1)`,
          ),
        );
      }
      return EXIT.notVerified;
    }
    default:
      throw new UsageError(`unknown command ${args.command}`);
  }
}

/**
 * The failed and required-but-skipped checks that the failed downloads do not explain (docs/cli.md
 * "Exit codes"): a check is explained when the plugin lists it, under `failed` or `skipped` by its
 * status, with at least one fetcher item whose download failed. Exit 3 only when none is left.
 *
 * @param checks - the verification's checks.
 * @param dependent - the plugin's declaration (none: nothing is explained).
 * @param failures - the downloads that failed.
 * @returns the unexplained checks, in order.
 */
export function checksNotExplainedByFetch(
  checks: readonly Check[],
  dependent: FetchDependentChecks | undefined,
  failures: readonly Pick<FetchFailure, 'item'>[],
): Check[] {
  const failed = new Set(failures.map((f) => f.item));
  const explained = (
    list: Readonly<Record<string, readonly string[]>> | undefined,
    id: string,
  ): boolean =>
    list !== undefined && Object.hasOwn(list, id) && list[id]!.some((i) => failed.has(i));
  return checks.filter((c) => {
    if (c.status === 'fail')
      return !(
        explained(dependent?.failed, c.id) &&
        (dependent?.explains?.[c.id]?.(c, failed) ?? true)
      );
    if (c.status === 'skip' && c.required) return !explained(dependent?.skipped, c.id);
    return false;
  });
}

/**
 * Runs one `attestkit` invocation.
 *
 * @param argv - the arguments after the program name.
 * @param io - where to print (stdout, stderr).
 * @returns the exit code ({@link EXIT}); never rejects.
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { out: console.log, err: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await command(parseArgs(argv), io);
  } catch (e) {
    // Messages may quote the evidence (a name, a field): printed with control characters escaped.
    const say = (text: string): void => io.err(`attestkit: ${escapeTerminal(text)}`);
    if (e instanceof UsageError) io.err(`attestkit: ${escapeTerminal(e.message)}\n\n${USAGE}`);
    else if (e instanceof AttestError) say(`${e.code}: ${e.message}`);
    else if (e instanceof RangeError || e instanceof TypeError) say(e.message);
    else if (isSystemError(e)) say(e.message);
    else
      io.err(
        `attestkit: ${escapeTerminal(e instanceof Error ? (e.stack ?? e.message) : String(e), { keepNewlines: true })}`,
      );
    return EXIT.badInput;
  }
}

/** A Node.js system error (ENOENT, EACCES, EISDIR…): its message names the path. */
function isSystemError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}
