/**
 * The `attestkit` command line: argument parsing and the commands (`inspect`, `verify`,
 * `replay`, `kds-url`, `pcs-url`, `demo`, `types`). `runCli` never throws; it prints through
 * the given streams and returns the exit code (see {@link EXIT}). Nothing here touches the
 * network unless `--fetch` is given (see `network.ts`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AttestError, type Check } from '../index.js';
import {
  createCliNetwork,
  DEFAULT_CACHE_TTL_SECONDS,
  type CliNetwork,
  type FetchFailure,
} from './network.js';
import { replayCommand } from './plugins/eventlog.js';
import { readInputFile, readInputText } from './plugins/evidence-files.js';
import {
  MAX_NONCE_BYTES,
  nonceFromHex,
  REPORT_DATA_BYTES,
  reportDataFromHex,
  trustedAkFrom,
} from './plugins/verifier-inputs.js';
import {
  detectPlugin,
  PLUGIN_OPTION_FLAGS,
  plugins,
  VERIFIER_INPUT_FLAGS,
  type CliContext,
  type EvidenceFile,
  type EvidencePlugin,
  type FetchDependentChecks,
  type Inspection,
  type PluginOption,
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
  attestkit inspect <file> [--json] [--product NAME]
                                                   detect the evidence type and print its fields
  attestkit verify <file> [--json] [--collateral DIR] [--now ISO] [--product NAME]
                   [--nonce HEX] [--ak FILE] [--allow-sha1] [--report-data HEX]
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
  --collateral DIR   verify: certificates and collateral files (nothing is downloaded without --fetch)
  --now ISO          verify: verification time, ISO 8601 with a zone (2025-08-01T00:00:00Z or
                     +hh:mm; default: now)
  --product NAME     Milan, Genoa or Turin, for SEV-SNP v2 reports that do not name their product
                     (verify, inspect and kds-url of SEV-SNP reports)
  --nonce HEX        verify only: the nonce YOU issued (1-${MAX_NONCE_BYTES} bytes as hex): a tpm-quote's extraData,
                     a cvm-bundle's nonce, a cca-token's challenge. A nonce inside the evidence is
                     ignored; without --nonce the nonce check is a required skip (NOT VERIFIED)
  --ak FILE          verify tpm-quote only: the AK you trust (TPM2B_PUBLIC / TPMT_PUBLIC, or a PEM
                     public key). Without it the bundle's own AK checks the signature, but that
                     proves nothing: cli.ak-anchor is a required skip (NOT VERIFIED). A PEM /
                     DER key cannot show the AK's TPM attributes: the required check
                     tpm.quote.ak-attributes is then a skip (NOT VERIFIED); give the TPMT_PUBLIC
  --allow-sha1       verify tpm-quote and cvm-bundle only: accept SHA-1 PCR banks and signatures
                     (an "allowSha1" inside the evidence is ignored)
  --report-data HEX  verify snp-report, snp-extended-report, tdx-quote only: the ${REPORT_DATA_BYTES}-byte
                     REPORT_DATA you expect (e.g. your nonce or its hash, zero-padded). Without it
                     REPORT_DATA is not compared, and VERIFIED means authentic, not fresh
  --fetch            verify only: download missing collateral — MAKES NETWORK REQUESTS to AMD KDS
                     (SEV-SNP: VCEK, ASK/ARK chain, CRL; the CRL becomes required) and Intel PCS
                     (TDX/SGX: TCB info, QE identity, PCK and Root CA CRLs). Off by default.
  --kds-url URL      AMD KDS base URL (default https://kdsintf.amd.com), e.g. a caching proxy
  --pcs-url URL      Intel PCS or PCCS base URL (default https://api.trustedservices.intel.com)
  --cache DIR        with --fetch: keep downloaded responses in DIR (one file per URL) and reuse them
  --cache-ttl SECS   with --cache: reuse a cached response for SECS seconds (default ${DEFAULT_CACHE_TTL_SECONDS})
  --fetch-retries N  retries of a request after a 429, 5xx, network error or timeout (default 3)
  --pcrs FILE        replay only: the trusted register values to compare the log with
  --json             print the result object as JSON (verify, replay, inspect, kds-url, pcs-url)

a flag the command or the detected evidence type does not use is refused (exit 2), as are extra
file arguments

files named by evidence (cvm-bundle): relative, inside the bundle's directory (symbolic links
followed), regular files of at most 16 MiB; anything else is refused (exit 2)

exit codes: 0 passed, 1 verification failed, 2 usage or unreadable input,
            3 collateral could not be fetched (--fetch only; when every failed or
              required-but-skipped check depends on a download that failed)`;

const PRODUCTS = ['Milan', 'Genoa', 'Turin'];

/** File arguments each command takes at most (`help` ignores what follows it). */
const MAX_POSITIONAL: Readonly<Record<string, number>> = {
  inspect: 1,
  verify: 1,
  replay: 1,
  'kds-url': 1,
  'pcs-url': 1,
  demo: 1,
  types: 0,
};

/**
 * The commands each option works with (besides `help`); elsewhere it would take no effect, so it
 * is a usage error. `--fetch` and the network options, and the verifier's inputs, have their own
 * rules and messages below.
 */
const OPTION_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  '--collateral': ['verify'],
  '--now': ['verify'],
  '--product': ['verify', 'inspect', 'kds-url'],
  '--pcrs': ['replay'],
  '--json': ['verify', 'inspect', 'replay', 'kds-url', 'pcs-url'],
};

interface Args {
  command: string | undefined;
  positional: string[];
  /** Every option given, as spelt (`--now`), for the checks that refuse an unused one. */
  given: Set<string>;
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
  reportData: Uint8Array | undefined;
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

/**
 * An ISO 8601 / RFC 3339 date-time with an explicit zone: `2025-08-01T00:00:00Z`,
 * `2025-08-01T02:00:00.5+02:00`, seconds optional. `new Date(text)` alone also takes "March 7"
 * or "1" and reads a zone-less time in the local zone, so `--now` would depend on the machine.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/**
 * The instant an ISO 8601 date-time with an explicit zone names, or undefined for anything else
 * (a date without a time or a zone, a day the month does not have, an hour over 23).
 *
 * @param text - e.g. `2025-08-01T00:00:00Z`.
 * @returns the instant, or undefined.
 */
export function parseIsoDateTime(text: string): Date | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i] ?? '0');
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetHours = n(9);
  const offsetMinutes = n(10);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const millis = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  const sign = m[8] === '-' ? -1 : 1;
  const t = d.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Number.isNaN(t) ? undefined : new Date(t);
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = {
    command: undefined,
    positional: [],
    given: new Set(),
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
    reportData: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${x} needs a value`);
      return v;
    };
    if (x.startsWith('--')) a.given.add(x);
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
    } else if (x === '--report-data') {
      const r = reportDataFromHex(value());
      if (r === undefined)
        throw new UsageError(
          `--report-data needs exactly ${REPORT_DATA_BYTES} bytes as ${REPORT_DATA_BYTES * 2} hex digits (no 0x prefix; pad a shorter value with zeros)`,
        );
      a.reportData = r;
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
      const v = value();
      const d = parseIsoDateTime(v);
      if (d === undefined)
        throw new UsageError(
          `--now needs an ISO 8601 date-time with a zone, e.g. 2025-08-01T00:00:00Z or 2025-08-01T02:00:00+02:00 (got "${v}")`,
        );
      a.now = d;
    } else if (x === '-h' || x === '--help') a.command = 'help';
    else if (x.startsWith('--')) throw new UsageError(`unknown option ${x}`);
    else if (a.command === undefined) a.command = x;
    else a.positional.push(x);
  }
  if (a.command !== 'help') {
    // A file argument the command does not take would be ignored: refused instead.
    const max = a.command !== undefined ? MAX_POSITIONAL[a.command] : undefined;
    if (max !== undefined && a.positional.length > max)
      throw new UsageError(
        `${a.command} takes ${max === 0 ? 'no file argument' : `one ${a.command === 'demo' ? 'directory' : 'file'}`}; unexpected ${JSON.stringify(a.positional[max])}`,
      );
    // Network options never take effect silently: each is valid only where it is used.
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
      ['--report-data', a.reportData !== undefined],
    ] as const) {
      if (given && a.command !== 'verify')
        throw new UsageError(`${flag} works with verify only (demo manifests give their own)`);
    }
    // The other options: only with the commands that read them.
    if (a.command !== undefined && MAX_POSITIONAL[a.command] !== undefined) {
      for (const [flag, commands] of Object.entries(OPTION_COMMANDS)) {
        if (!a.given.has(flag) || commands.includes(a.command)) continue;
        const hint =
          flag === '--pcrs' && a.command === 'verify'
            ? ' (to compare an event log with trusted registers: attestkit replay LOG --pcrs FILE)'
            : a.command === 'demo' && flag !== '--json'
              ? ' (each example brings its own settings in its manifest)'
              : '';
        throw new UsageError(
          `${flag} has no effect on ${a.command}: it works with ${commands.join(', ')}${hint}`,
        );
      }
    }
  }
  return a;
}

/** Reads a file the user named: a regular file of at most 64 MiB (evidence-files.ts). */
function readEvidence(path: string): EvidenceFile {
  const bytes = readInputFile(path);
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
    ...(args.reportData !== undefined ? (['reportData'] as const) : []),
  ];
}

/** The options given on the command line that only some evidence types read. */
function pluginOptionsOf(args: Args): PluginOption[] {
  return (Object.keys(PLUGIN_OPTION_FLAGS) as PluginOption[]).filter((o) =>
    args.given.has(PLUGIN_OPTION_FLAGS[o]),
  );
}

/**
 * Refuses a flag the detected evidence type would not use (a verifier input for `verify`;
 * `--collateral`, `--now`, `--product` where the type reads none of them): it never takes no
 * effect.
 */
function assertInputsApply(
  args: Args,
  plugin: EvidencePlugin,
  command: 'verify' | 'inspect',
): void {
  const used = (p: EvidencePlugin): readonly PluginOption[] =>
    (command === 'verify' ? p.verifyOptions : p.inspectOptions) ?? [];
  for (const option of pluginOptionsOf(args)) {
    if (used(plugin).includes(option)) continue;
    const users = plugins.filter((p) => used(p).includes(option)).map((p) => p.id);
    throw new UsageError(
      `${PLUGIN_OPTION_FLAGS[option]} has no effect on ${command} of ${plugin.id} evidence (it applies to ${users.join(', ') || 'none'})`,
    );
  }
  if (command === 'inspect') return;
  for (const input of verifierInputsOf(args)) {
    if (plugin.verifierInputs?.includes(input) === true) continue;
    const users = plugins.filter((p) => p.verifierInputs?.includes(input)).map((p) => p.id);
    // A report or quote binds the verifier's nonce through REPORT_DATA, the flag for which is this.
    const hint =
      input === 'nonce' && plugin.verifierInputs?.includes('reportData') === true
        ? '; give the REPORT_DATA you expect with --report-data HEX'
        : '';
    throw new UsageError(
      `${VERIFIER_INPUT_FLAGS[input]} has no effect on ${plugin.id} evidence (it applies to ${users.join(', ')})${hint}`,
    );
  }
}

/** Reads and checks `--ak FILE` (the user's own file). */
function trustedAk(path: string): TrustedAk {
  let bytes: Uint8Array;
  try {
    bytes = readInputFile(path);
  } catch (e) {
    throw new UsageError(
      `--ak ${path}: ${e instanceof AttestError ? e.message : isSystemError(e) ? e.code : 'unreadable'}`,
    );
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
    ...(args.reportData !== undefined ? { reportData: args.reportData } : {}),
    // Collateral and manifest-named files: regular files of at most 64 MiB, like the evidence.
    readFile: (p) => readInputFile(at(p)),
    readText: (p) => readInputText(at(p)),
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

/** Plugin ids of event logs: no key signs them, so a synthetic one involves no test key. */
const EVENT_LOG_PLUGINS: ReadonlySet<string> = new Set(['tcg-log', 'cc-log', 'ima-log']);

/** What the demo says about where a case's evidence came from (docs/cli.md "The demo"). */
function demoOrigin(manifest: Readonly<Record<string, unknown>>, plugin: EvidencePlugin): string {
  if (manifest.synthetic === true) {
    return EVENT_LOG_PLUGINS.has(plugin.id)
      ? 'SYNTHETIC: generated here, not from real hardware; an event log is not signed'
      : 'SYNTHETIC: generated with test keys, not from real hardware';
  }
  if (typeof manifest.description === 'string' && /\bswtpm\b/i.test(manifest.description))
    return 'software TPM (swtpm), generated here: not a hardware TPM';
  return '';
}

/** A case's manifest: a JSON object, or `ERR_BAD_JSON` naming the file (never a stack trace). */
function readManifest(base: string, name: string): Record<string, unknown> {
  const text = readInputText(join(base, 'manifest.json'));
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AttestError('ERR_BAD_JSON', {
      message: `${name}/manifest.json is not JSON (${cause instanceof Error ? cause.message : String(cause)})`,
      cause,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new AttestError('ERR_BAD_JSON', {
      message: `${name}/manifest.json is not a JSON object`,
    });
  const m = json as Record<string, unknown>;
  if (typeof m.evidence !== 'string')
    throw new AttestError('ERR_BAD_JSON', {
      field: 'evidence',
      message: `${name}/manifest.json must name its evidence file`,
    });
  return m;
}

/**
 * The manifest's `expectFailed`: the ids of exactly the checks that must stop the verdict (each
 * `fail` and each required `skip`), or undefined when the manifest does not list them.
 */
function expectedFailures(
  m: Readonly<Record<string, unknown>>,
  name: string,
): string[] | undefined {
  const e = m.expectFailed;
  if (e === undefined) return undefined;
  if (!Array.isArray(e) || !e.every((x): x is string => typeof x === 'string'))
    throw new AttestError('ERR_BAD_JSON', {
      field: 'expectFailed',
      message: `${name}/manifest.json: expectFailed must be a list of check ids`,
    });
  if (e.length > 0 && m.expectOk === true)
    throw new AttestError('ERR_BAD_JSON', {
      field: 'expectFailed',
      message: `${name}/manifest.json: expectFailed lists checks, but expectOk is true`,
    });
  return [...new Set(e)].sort();
}

/** The ids of the checks that stop `ok`: every `fail` and every required `skip`, sorted. */
function verdictStoppers(checks: readonly Check[]): string[] {
  return [
    ...new Set(
      checks
        .filter((c) => c.status === 'fail' || (c.status === 'skip' && c.required))
        .map((c) => c.id),
    ),
  ].sort();
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
    const manifest = readManifest(base, name);
    const expectFailed = expectedFailures(manifest, name);
    const file = readEvidence(join(base, String(manifest.evidence)));
    const plugin = pluginFor(file, typeof manifest.type === 'string' ? manifest.type : undefined);
    const ctx = context(base, args, manifest);
    const v = await plugin.verify(file, ctx);
    const expectOk = manifest.expectOk !== false && (expectFailed?.length ?? 0) === 0;
    const origin = demoOrigin(manifest, plugin);
    const label = `${name}${origin !== '' ? ` (${origin})` : ''}`;
    io.out(
      escapeTerminal(
        `# ${label}\n${typeof manifest.description === 'string' ? manifest.description + '\n' : ''}`,
        { keepNewlines: true },
      ),
    );
    io.out(renderVerification(v));
    const stoppers = verdictStoppers(v.checks);
    if (v.ok !== expectOk) {
      failures++;
      io.out(`  !! expected ${expectOk ? 'VERIFIED' : 'NOT VERIFIED'}`);
    } else if (expectFailed !== undefined && stoppers.join() !== expectFailed.join()) {
      failures++;
      io.out(
        escapeTerminal(
          `  !! expected exactly these checks to fail (or skip while required): ${expectFailed.join(', ') || 'none'}; got: ${stoppers.join(', ') || 'none'}`,
        ),
      );
    } else if (!expectOk) {
      io.out(
        escapeTerminal(
          `  (this example is expected to fail: it demonstrates a rejection${expectFailed !== undefined ? ` by ${expectFailed.join(', ')}, exactly as expected` : ''})`,
        ),
      );
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
        assertInputsApply(args, plugin, 'inspect');
        const i = labelUnverified(
          await plugin.inspect(file, context(dirname(resolve(path)), args)),
        );
        io.out(args.json ? toJson(i) : renderInspection(i));
        return EXIT.ok;
      }
      assertInputsApply(args, plugin, 'verify');
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
 * An inspection with "(unverified)" in its title: every field `inspect` prints is what the
 * evidence claims, read before any signature was checked (docs/cli.md "The report").
 */
function labelUnverified(i: Inspection): Inspection {
  return /\(unverified\b/i.test(i.title) ? i : { ...i, title: `${i.title} (unverified)` };
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
    // The library refuses a value it was handed (from a bundle or a manifest) with a TypeError or
    // RangeError: bad input, so it carries an input code like an AttestError (docs/cli.md).
    else if (e instanceof RangeError || e instanceof TypeError)
      say(`ERR_BAD_VALUE: ${e.name}: ${e.message}`);
    else if (isSystemError(e)) say(e.message);
    // Anything else is a fault of the CLI itself: one line, never a stack trace.
    else
      say(
        `internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (please report it)`,
      );
    return EXIT.badInput;
  }
}

/** A Node.js system error (ENOENT, EACCES, EISDIR…): its message names the path. */
function isSystemError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}
