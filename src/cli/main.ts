/**
 * The `attestkit` command: `inspect`, `verify` and `demo`. The one part of attestkit allowed to
 * use `node:` modules. Exit codes: 0 verified (or inspected), 1 not verified, 2 usage or input
 * error.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AttestError } from '../index.js';
import {
  detectPlugin,
  plugins,
  type CliContext,
  type EvidenceFile,
  type EvidencePlugin,
} from './registry.js';
import { renderInspection, renderVerification, toJson } from './report.js';
import { kdsUrlsFor, pcsUrlsFor } from './urls.js';
import { replayCommand } from './plugins/eventlog.js';

const USAGE = `attestkit — verify confidential-VM attestation evidence

usage:
  attestkit inspect <file>                         detect the evidence type and print its fields
  attestkit verify <file> [--json] [--collateral DIR] [--now ISO]
                                                   verify; exit 0 only when verification passed
  attestkit replay <log> [--pcrs FILE] [--json]    replay an event log (TCG, CCEL, IMA); with --pcrs,
                                                   verify it against expected PCRs / RTMRs
  attestkit kds-url <snp-report> [--product NAME]  AMD KDS URLs (VCEK, cert chains, CRLs) for a report
  attestkit pcs-url <tdx-or-sgx-quote>             Intel PCS URLs (TCB info, QE identity, CRLs)
  attestkit demo [DIR]                             verify every example in DIR (default examples/evidence)
  attestkit types                                  list the evidence types this build understands

exit codes: 0 passed, 1 verification failed, 2 usage or unreadable input`;

interface Args {
  command: string | undefined;
  positional: string[];
  json: boolean;
  collateral: string | undefined;
  now: Date | undefined;
  pcrs: string | undefined;
  product: string | undefined;
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
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--json') a.json = true;
    else if (x === '--collateral') a.collateral = argv[++i];
    else if (x === '--pcrs') a.pcrs = argv[++i];
    else if (x === '--product') a.product = argv[++i];
    else if (x === '--now') {
      const d = new Date(argv[++i] ?? '');
      if (Number.isNaN(d.getTime())) throw new UsageError('--now needs an ISO date');
      a.now = d;
    } else if (x === '-h' || x === '--help') a.command = 'help';
    else if (x.startsWith('--')) throw new UsageError(`unknown option ${x}`);
    else if (a.command === undefined) a.command = x;
    else a.positional.push(x);
  }
  return a;
}

class UsageError extends Error {}

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

function context(baseDir: string, args: Args, manifest?: Record<string, unknown>): CliContext {
  const at = (p: string): string => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    collateralDir: args.collateral !== undefined ? resolve(args.collateral) : undefined,
    now: args.now,
    manifest,
    baseDir,
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

async function demo(dir: string, args: Args): Promise<number> {
  if (!existsSync(dir)) throw new UsageError(`no such directory ${dir}`);
  const cases = readdirSync(dir)
    .filter(
      (n) => statSync(join(dir, n)).isDirectory() && existsSync(join(dir, n, 'manifest.json')),
    )
    .sort();
  if (cases.length === 0) throw new UsageError(`no examples (*/manifest.json) in ${dir}`);
  console.log(`attestkit demo: ${cases.length} example(s) in ${dir}\n`);
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
    console.log(
      `# ${label}\n${typeof manifest.description === 'string' ? manifest.description + '\n' : ''}`,
    );
    console.log(renderVerification(v));
    if (v.ok !== expectOk) {
      failures++;
      console.log(`  !! expected ${expectOk ? 'VERIFIED' : 'NOT VERIFIED'}`);
    } else if (!expectOk) {
      console.log('  (this example is expected to fail: it demonstrates a rejection)');
    }
    console.log('');
  }
  console.log(
    failures === 0
      ? `demo: all ${cases.length} example(s) behaved as expected`
      : `demo: ${failures} example(s) did not behave as expected`,
  );
  return failures === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  switch (args.command) {
    case undefined:
    case 'help':
      console.log(USAGE);
      return args.command === undefined ? 2 : 0;
    case 'types':
      for (const p of plugins) console.log(`${p.id.padEnd(20)} ${p.title}`);
      return 0;
    case 'demo':
      return demo(resolve(args.positional[0] ?? 'examples/evidence'), args);
    case 'kds-url':
    case 'pcs-url': {
      const path = args.positional[0];
      if (path === undefined) throw new UsageError(`${args.command} needs a file`);
      const file = readEvidence(resolve(path));
      const urls = args.command === 'kds-url' ? kdsUrlsFor(file, args.product) : pcsUrlsFor(file);
      if (args.json) console.log(toJson(urls));
      else for (const [k, v] of Object.entries(urls)) console.log(`${k.padEnd(16)} ${v}`);
      return 0;
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
      console.log(args.json ? toJson(v.result) : renderVerification(v));
      return v.ok ? 0 : 1;
    }
    case 'inspect':
    case 'verify': {
      const path = args.positional[0];
      if (path === undefined) throw new UsageError(`${args.command} needs a file`);
      const file = readEvidence(resolve(path));
      const plugin = pluginFor(file);
      const ctx = context(dirname(resolve(path)), args);
      if (args.command === 'inspect') {
        const i = await plugin.inspect(file, ctx);
        console.log(args.json ? toJson(i) : renderInspection(i));
        return 0;
      }
      const v = await plugin.verify(file, ctx);
      console.log(args.json ? toJson(v.result) : renderVerification(v));
      return v.ok ? 0 : 1;
    }
    default:
      throw new UsageError(`unknown command ${args.command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`attestkit: ${e.message}\n\n${USAGE}`);
    else if (e instanceof AttestError) console.error(`attestkit: ${e.code}: ${e.message}`);
    else if (e instanceof RangeError || e instanceof TypeError)
      console.error(`attestkit: ${e.message}`);
    else console.error(`attestkit: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 2;
  },
);
