/**
 * Review s12 of the `attestkit` command: each finding's fix, proven on the committed examples
 * (SYNTHETIC evidence signed by test keys, and a quote from swtpm, a software TPM), on real
 * vectors where a verdict needs real roots, and on hostile inputs built here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  cpSync,
  readFileSync,
  readdirSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ccaTokenPlugin } from '../../src/cli/plugins/cca.js';
import { tpmQuotePlugin } from '../../src/cli/plugins/tpm.js';
import { parseIsoDateTime } from '../../src/cli/run.js';
import { parseSnpReport } from '../../src/snp/index.js';
import { tempDir } from '../support/temp-dir.js';
import { describeVectors, readVector, vectorPath } from '../support/vectors.js';
import { cli, type CliRun } from './support/run.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EX = resolve('examples/evidence');
const MAIN = resolve('src/cli/main.ts');
const BOOT = join(EX, 'eventlog-synthetic-boot', 'boot_eventlog.bin');
const QUOTE = join(EX, 'tpm-swtpm-quote', 'quote.json');
const AK = join(EX, 'tpm-swtpm-quote', 'ak.pub');
const NONCE = '9c1f6cbc3fbe86ae30afa77de1e6222df56723a130f745608b516b9acdaddc0a';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const check = (r: Json, id: string): Json | undefined =>
  (r.checks as Json[]).find((c) => c.id === id);

/** No line of a run's output is a stack frame, and an error is one line. */
function expectNoStack(r: CliRun, what: string): void {
  for (const line of `${r.out}\n${r.err}`.split('\n'))
    expect(line.startsWith('    at '), `${what}: ${line}`).toBe(false);
  if (r.code === 2 && !r.err.includes('usage:')) expect(r.err.split('\n'), what).toHaveLength(1);
}

/**
 * Each command, run in a child process bounded to 20 s, ends at once with exit 2 and "is not a
 * regular file" (a FIFO read would block it; /dev/zero would never end).
 */
function expectNotRegularAtOnce(argvs: readonly (readonly string[])[]): void {
  for (const argv of argvs) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...argv], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.signal, argv.join(' ')).toBeNull(); // not killed by the timeout
    expect(r.status, argv.join(' ')).toBe(2);
    expect(r.stderr, argv.join(' ')).toMatch(/is not a regular file/);
  }
}

/** Each example folder's name and parsed manifest (a malformed manifest fails the test). */
function exampleManifests(): [string, Json][] {
  return readdirSync(EX)
    .filter((name) => existsSync(join(EX, name, 'manifest.json')))
    .map((name) => [
      name,
      JSON.parse(readFileSync(join(EX, name, 'manifest.json'), 'utf8')) as Json,
    ]);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('f1: replay --pcrs needs a register the log extends', () => {
  it('only a register the log never extends (PCR 23): NOT VERIFIED, a required skip says why (exit 1)', async () => {
    const dir = tempDir('attestkit-s12-replay-');
    const pcrs = join(dir, 'pcrs-23.json');
    writeFileSync(pcrs, JSON.stringify({ sha256: { 23: '00'.repeat(32) } }));
    const r = await cli('replay', BOOT, '--pcrs', pcrs, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.out) as Json;
    expect(result.ok).toBe(false);
    expect(result.verifiedEvents).toEqual([]);
    expect(check(result, 'eventlog.replay.pcr23')?.status).toBe('pass'); // it matched, vouching for nothing
    expect(check(result, 'eventlog.replay')).toMatchObject({
      status: 'skip',
      required: true,
      detail: { supplied: ['pcr23 (sha256)'] },
    });
    const text = await cli('replay', BOOT, '--pcrs', pcrs);
    expect(text.out).toMatch(/\[skip\] eventlog\.replay +no register the log extends was compared/);
    expect(text.out).toContain('NOT VERIFIED');
  });

  it('a register the log extends, matched, verifies its events (exit 0)', async () => {
    const all = JSON.parse(
      readFileSync(join(EX, 'eventlog-synthetic-boot', 'pcrs.json'), 'utf8'),
    ) as {
      sha256: Record<string, string>;
    };
    const dir = tempDir('attestkit-s12-replay-');
    const pcrs = join(dir, 'pcrs-14.json');
    writeFileSync(pcrs, JSON.stringify({ sha256: { 14: all.sha256['14'] } }));
    const r = await cli('replay', BOOT, '--pcrs', pcrs, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as Json;
    expect(result.verifiedEvents.length).toBeGreaterThan(0);
    expect(check(result, 'eventlog.replay')).toBeUndefined();
  });
});

describe('f2: more file arguments than a command takes are a usage error', () => {
  it.each([
    ['verify', QUOTE, BOOT],
    ['inspect', QUOTE, BOOT],
    ['replay', BOOT, QUOTE],
    ['kds-url', QUOTE, BOOT],
    ['pcs-url', QUOTE, BOOT],
    ['demo', EX, EX],
    ['types', 'x'],
  ])('%s with an extra argument: exit 2, the extra one named', async (...argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^attestkit: \S+ takes (one file|one directory|no file argument); unexpected "/,
    );
  });

  it('the review case: verify A B no longer reports A alone as VERIFIED', async () => {
    const r = await cli('verify', QUOTE, join(EX, 'snp-synthetic-tampered', 'report.bin'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('snp-synthetic-tampered');
  });
});

describe('f3: malformed input never prints a stack trace', () => {
  const bundle = JSON.parse(readFileSync(QUOTE, 'utf8')) as Json;

  it.each<[string, Json, string]>([
    ['no attest', { format: 'attestkit-tpm-quote/1' }, 'attest'],
    ['attest not a string', { ...bundle, attest: 5 }, 'attest'],
    ['attest not hex', { ...bundle, attest: 'zz' }, 'attest'],
    ['ekPublic not hex', { ...bundle, ekPublic: 'xyz0' }, 'ekPublic'],
    ['pcrs an array', { ...bundle, pcrs: [1, 2] }, 'pcrs'],
    [
      'a PCR index that is no number',
      { ...bundle, pcrs: { sha256: { abc: '00' } } },
      'pcrs.sha256.abc',
    ],
    ['signatureScheme a string', { ...bundle, signatureScheme: 'rsassa' }, 'signatureScheme'],
  ])('tpm-quote bundle, %s: ERR_BAD_JSON naming the field (exit 2)', async (name, json, field) => {
    const dir = tempDir('attestkit-s12-bundle-');
    const path = join(dir, 'quote.json');
    writeFileSync(path, JSON.stringify(json));
    for (const argv of [
      // inspect does not read ekPublic (only verify's qualified-signer check does)
      ...(field === 'ekPublic' ? [] : [['inspect', path]]),
      ['verify', path, '--nonce', NONCE, '--ak', AK],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv[0]).toBe(2);
      expect(r.err).toMatch(
        new RegExp(`^attestkit: ERR_BAD_JSON: .* in ${field.replace(/\./g, '\\.')}$`),
      );
      expectNoStack(r, `${argv[0]} ${name}`);
    }
  });

  it('mutated example evidence (truncations, byte changes, bit flips): no stack trace, exit 0/1/2', async () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const cases: [string, string][] = [
      ['snp-synthetic', 'report.bin'],
      ['tdx-synthetic', 'quote.bin'],
      ['cca-synthetic', 'token.cbor'],
      ['eventlog-synthetic-boot', 'boot_eventlog.bin'],
      ['tpm-swtpm-quote', 'quote.json'],
    ];
    for (const [name, file] of cases) {
      const dir = tempDir(`attestkit-s12-mut-${name}-`);
      cpSync(join(EX, name), dir, { recursive: true });
      const orig = readFileSync(join(EX, name, file));
      for (let k = 0; k < 36; k++) {
        let b = Buffer.from(orig);
        if (k % 3 === 0) b = b.subarray(0, rnd(b.length));
        else if (k % 3 === 1) for (let j = 0; j < 1 + rnd(4); j++) b[rnd(b.length)] = rnd(256);
        else {
          const i = rnd(b.length);
          b[i] = b[i]! ^ (1 << rnd(8));
        }
        const p = join(dir, `m${k}-${file}`);
        writeFileSync(p, b);
        for (const command of ['inspect', 'verify']) {
          const r = await cli(command, p);
          expect([0, 1, 2], `${command} ${name} m${k}`).toContain(r.code);
          expectNoStack(r, `${command} ${name} m${k}`);
        }
      }
    }
  }, 60_000);

  it('a demo manifest that is not JSON: ERR_BAD_JSON naming the file, no stack trace', async () => {
    const dir = tempDir('attestkit-s12-demo-');
    cpSync(join(EX, 'tpm-swtpm-quote'), join(dir, 'case1'), { recursive: true });
    writeFileSync(join(dir, 'case1', 'manifest.json'), '{ evidence: quote.json }');
    const r = await cli('demo', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: ERR_BAD_JSON: case1\/manifest\.json is not JSON/);
    expectNoStack(r, 'demo');
  });

  it('an error the CLI does not know prints one line, never a stack', async () => {
    vi.spyOn(tpmQuotePlugin, 'verify').mockRejectedValue(new Error('boom'));
    const r = await cli('verify', QUOTE, '--nonce', NONCE, '--ak', AK);
    expect(r.code).toBe(2);
    expect(r.err).toBe('attestkit: internal error: Error: boom (please report it)');
  });

  it('f10e: a TypeError from the library carries an input code (ERR_BAD_VALUE)', async () => {
    const dir = tempDir('attestkit-s12-type-');
    const path = join(dir, 'quote.json');
    writeFileSync(path, JSON.stringify({ ...bundle, signatureScheme: { scheme: 'bogus' } }));
    const r = await cli('verify', path, '--nonce', NONCE, '--ak', AK);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: ERR_BAD_VALUE: TypeError: signatureScheme /);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});

describe('f4: examples/tpm-quote.ts takes the nonce and AK from the verifier, not the bundle', () => {
  const run = (...args: string[]): { status: number | null; stdout: string } =>
    spawnSync(process.execPath, ['--import', 'tsx', resolve('examples/tpm-quote.ts'), ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('the bundled swtpm example verifies and says it is a software TPM', () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/SOFTWARE TPM/);
    expect(r.stdout).toMatch(/nonce and AK from the verifier's records/);
    expect(r.stdout).toMatch(/quote VERIFIED/);
  }, 30_000);

  it("another nonce than the bundle's: NOT verified (the bundle's nonce is not used)", () => {
    const r = run(QUOTE, 'ab'.repeat(32), AK);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\[fail\] tpm\.quote\.nonce/);
    expect(r.stdout).not.toMatch(/quote VERIFIED/);
  }, 30_000);
});

describe('f5: --report-data for snp-report and tdx-quote', () => {
  it('usage: exactly 64 bytes of hex, verify only, and only where REPORT_DATA exists', async () => {
    const report = join(EX, 'snp-synthetic', 'report.bin');
    for (const [argv, message] of [
      [
        ['verify', report, '--report-data', '00'.repeat(63)],
        /--report-data needs exactly 64 bytes/,
      ],
      [
        ['verify', report, '--report-data', 'zz'.repeat(64)],
        /--report-data needs exactly 64 bytes/,
      ],
      [
        ['inspect', report, '--report-data', '00'.repeat(64)],
        /--report-data works with verify only/,
      ],
      [
        ['verify', QUOTE, '--report-data', '00'.repeat(64)],
        /--report-data has no effect on tpm-quote/,
      ],
      [
        ['verify', report, '--nonce', '00'],
        /--nonce has no effect on snp-report .*--report-data HEX\n/,
      ],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('tdx-quote: --report-data makes tdx.policy.report-data a required check that passes or fails', async () => {
    const path = join(EX, 'tdx-synthetic', 'quote.bin');
    const collateral = tempDir('attestkit-s12-tdx-');
    copyFileSync(join(EX, 'tdx-synthetic', 'collateral.json'), join(collateral, 'collateral.json'));
    const run = async (...extra: string[]): Promise<Json> =>
      JSON.parse(
        (
          await cli(
            'verify',
            path,
            '--collateral',
            collateral,
            '--now',
            '2025-06-01T00:00:00Z',
            '--json',
            ...extra,
          )
        ).out,
      ) as Json;
    const none = await run();
    const c = check(none, 'tdx.policy.report-data');
    expect(c).toMatchObject({ status: 'skip', required: false });
    expect(c?.message).toMatch(/REPORTDATA not compared: give .*--report-data HEX/);
    const actual = String(none.quote.body.reportData);
    expect(check(await run('--report-data', actual), 'tdx.policy.report-data')).toMatchObject({
      status: 'pass',
      required: true,
    });
    expect(
      check(await run('--report-data', 'ff'.repeat(64)), 'tdx.policy.report-data'),
    ).toMatchObject({
      status: 'fail',
      required: true,
    });
  });
});

describeVectors('f5: --report-data on a real SEV-SNP report (genoa-v2-oak, AMD roots)', () => {
  const report = vectorPath('snp', 'genoa-v2-oak', 'report.bin');
  const args = ['--collateral', vectorPath('snp', 'roots'), '--now', '2025-08-01T00:00:00Z'];
  const reportData = hex(
    parseSnpReport(readVector('snp', 'genoa-v2-oak', 'report.bin')).reportData,
  );

  it('without it: still VERIFIED (exit 0), and the report says REPORT_DATA was not compared', async () => {
    const r = await cli('verify', report, ...args);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /REPORT_DATA check +not compared \(no --report-data HEX\): VERIFIED means the report is authentic/,
    );
    expect(r.out).toMatch(
      /\[skip\] snp\.policy\.report-data +REPORT_DATA not compared: give .*--report-data HEX/,
    );
    expect(r.out).not.toMatch(/snp\.policy\.report-data .*\(required\)/);
  });

  it('the right value passes (exit 0), another fails (exit 1): a required check', async () => {
    const right = await cli('verify', report, ...args, '--report-data', reportData, '--json');
    expect(right.code).toBe(0);
    expect(check(JSON.parse(right.out) as Json, 'snp.policy.report-data')).toMatchObject({
      status: 'pass',
      required: true,
    });
    const wrong = await cli('verify', report, ...args, '--report-data', '00'.repeat(64), '--json');
    expect(wrong.code).toBe(1);
    expect(check(JSON.parse(wrong.out) as Json, 'snp.policy.report-data')).toMatchObject({
      status: 'fail',
      required: true,
    });
    const text = await cli('verify', report, ...args, '--report-data', reportData);
    expect(text.out).toMatch(/REPORT_DATA check +compared with --report-data/);
  });
});

describeVectors('f6: azure-hcl-report --json leads with the combined verdict', () => {
  it('{ ok, checks, hardware, binding }: ok and checks are what the text prints', async () => {
    const dir = tempDir('attestkit-s12-azure-');
    copyFileSync(vectorPath('azure', 'snp-genoa-openpcc', 'vcek.der'), join(dir, 'vcek.der'));
    copyFileSync(vectorPath('snp', 'roots', 'ask_ark_genoa.pem'), join(dir, 'chain.pem'));
    const hcl = vectorPath('azure', 'snp-genoa-openpcc', 'hcl-report.bin');
    const r = await cli('verify', hcl, '--collateral', dir, '--json');
    const result = JSON.parse(r.out) as Json;
    expect(Object.keys(result)).toEqual(['ok', 'checks', 'hardware', 'binding']);
    expect(result.checks).toEqual([...result.hardware.checks, ...result.binding.checks]);
    expect(r.code).toBe(result.ok === true ? 0 : 1);
    const text = await cli('verify', hcl, '--collateral', dir);
    expect(text.out).toContain(result.ok === true ? '  VERIFIED:' : 'NOT VERIFIED:');
  });
});

describe('f6: a cca-token with a realm event log leads with the combined verdict too', () => {
  it('{ ok, checks, token, realmEventLog }', async () => {
    const dir = join(EX, 'cca-synthetic');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Json;
    const path = join(dir, String(manifest.evidence));
    const at = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
    const v = await ccaTokenPlugin.verify(
      { path, bytes: new Uint8Array(readFileSync(path)), text: undefined },
      {
        collateralDir: undefined,
        now: undefined,
        manifest,
        baseDir: dir,
        readFile: (p) => new Uint8Array(readFileSync(at(p))),
        readText: (p) => readFileSync(at(p), 'utf8'),
        exists: (p) => existsSync(at(p)),
      },
    );
    const result = v.result as Json;
    expect(Object.keys(result)).toEqual(['ok', 'checks', 'token', 'realmEventLog']);
    expect(result.ok).toBe(v.ok);
    expect(result.checks).toEqual([...result.token.checks, ...result.realmEventLog.checks]);
  });
});

describe('f8: --now takes only an ISO 8601 date-time with a zone', () => {
  it.each([
    'March 7',
    '1',
    '2025-08-01',
    '2025-08-01T00:00:00',
    '2025-02-29T00:00:00Z',
    '2025-08-01T24:00:00Z',
    '2025-08-01T00:00:00+2',
  ])('%j is a usage error', async (now) => {
    const r = await cli('verify', join(EX, 'snp-synthetic', 'report.bin'), '--now', now);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: --now needs an ISO 8601 date-time with a zone/);
  });

  it('Z and ±hh:mm zones, fractions, leap days', () => {
    expect(parseIsoDateTime('2025-08-01T02:00:00+02:00')?.toISOString()).toBe(
      '2025-08-01T00:00:00.000Z',
    );
    expect(parseIsoDateTime('2025-07-31T22:30:00-01:30')?.toISOString()).toBe(
      '2025-08-01T00:00:00.000Z',
    );
    expect(parseIsoDateTime('2024-02-29T12:00Z')?.toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(parseIsoDateTime('2025-08-01T00:00:00.123456Z')?.toISOString()).toBe(
      '2025-08-01T00:00:00.123Z',
    );
    expect(parseIsoDateTime('2025-13-01T00:00:00Z')).toBeUndefined();
  });

  it('the instant reaches the report', async () => {
    const r = await cli(
      'verify',
      join(EX, 'snp-synthetic', 'report.bin'),
      '--now',
      '2025-06-01T02:00:00+02:00',
    );
    expect(r.out).toMatch(/verification time +2025-06-01T00:00:00\.000Z/);
  });
});

describe('f9: the demo checks which checks failed (expectFailed)', () => {
  it('every negative example lists the checks that stop its verdict', () => {
    for (const [name, m] of exampleManifests()) {
      if (m.expectOk === false)
        expect(m.expectFailed, name).toEqual(expect.arrayContaining([expect.any(String)]));
    }
  });

  it('the right list passes; a wrong or incomplete one makes the demo fail (exit 1)', async () => {
    const dir = tempDir('attestkit-s12-expect-');
    cpSync(join(EX, 'snp-synthetic-tampered'), join(dir, 'case'), { recursive: true });
    const manifest = join(dir, 'case', 'manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as Json;
    expect(m.expectFailed).toEqual(['snp.signature', 'snp.policy.measurement']);
    const ok = await cli('demo', dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('exactly as expected');
    for (const expectFailed of [['snp.signature'], ['snp.policy.measurement', 'snp.chain.ark']]) {
      writeFileSync(manifest, JSON.stringify({ ...m, expectFailed }));
      const r = await cli('demo', dir);
      expect(r.code, expectFailed.join()).toBe(1);
      expect(r.out).toMatch(
        /!! expected exactly these checks to fail .*; got: snp\.policy\.measurement, snp\.signature/,
      );
    }
    writeFileSync(manifest, JSON.stringify({ ...m, expectFailed: 'snp.signature' }));
    expect((await cli('demo', dir)).err).toMatch(/ERR_BAD_JSON: .*expectFailed must be a list/);
  });
});

describe('f10a: inspect labels what it prints as unverified', () => {
  it('every example’s inspection title says (unverified), readable and --json', async () => {
    for (const [name, m] of exampleManifests()) {
      const path = join(EX, name, String(m.evidence));
      const j = await cli('inspect', path, '--json');
      expect(j.code, name).toBe(0);
      expect((JSON.parse(j.out) as Json).title, name).toMatch(/\(unverified\)/);
      expect((await cli('inspect', path)).out.split('\n')[0], name).toMatch(/\(unverified\)/);
    }
  });

  it('the cvm-bundle section is labelled as unverified claims', async () => {
    const j = JSON.parse(
      (await cli('inspect', join(EX, 'cvm-synthetic', 'cvm.json'), '--json')).out,
    ) as Json;
    expect(j.sections[0].heading).toBe('Bundle (unverified claims)');
  });
});

describe('f10b: event logs are detected by content, never by file name', () => {
  it('a TCG log named ccel_data.bin is a tcg-log and replays against PCR banks', async () => {
    const dir = tempDir('attestkit-s12-ccel-');
    const p = join(dir, 'ccel_data.bin');
    copyFileSync(BOOT, p);
    const r = await cli('replay', p, '--pcrs', join(EX, 'eventlog-synthetic-boot', 'pcrs.json'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('VERIFIED');
    expect((await cli('inspect', p, '--json')).out).toMatch(/"title": "TCG event log: /);
  });
});

describe('f10c: a flag the command or the evidence type does not use is refused, naming it', () => {
  const cca = join(EX, 'cca-synthetic', 'token.cbor');
  it.each<[string[], RegExp]>([
    [
      ['verify', BOOT, '--pcrs', 'x.json'],
      /--pcrs has no effect on verify: .*attestkit replay LOG --pcrs FILE/,
    ],
    [['verify', BOOT, '--now', '2025-01-01T00:00:00Z'], /--now has no effect on verify of tcg-log/],
    [['verify', QUOTE, '--product', 'Genoa'], /--product has no effect on verify of tpm-quote/],
    [['verify', QUOTE, '--collateral', EX], /--collateral has no effect on verify of tpm-quote/],
    [
      ['verify', cca, '--now', '2025-01-01T00:00:00Z'],
      /--now has no effect on verify of cca-token/,
    ],
    [
      ['verify', join(EX, 'tdx-synthetic', 'quote.bin'), '--product', 'Genoa'],
      /--product has no effect on verify of tdx-quote/,
    ],
    [
      ['inspect', join(EX, 'tdx-synthetic', 'quote.bin'), '--product', 'Genoa'],
      /--product has no effect on inspect of tdx-quote/,
    ],
    [['inspect', QUOTE, '--collateral', EX], /--collateral has no effect on inspect/],
    [['inspect', QUOTE, '--now', '2025-01-01T00:00:00Z'], /--now has no effect on inspect/],
    [['replay', BOOT, '--product', 'Genoa'], /--product has no effect on replay/],
    [
      ['pcs-url', join(EX, 'tdx-synthetic', 'quote.bin'), '--product', 'Genoa'],
      /--product has no effect on pcs-url/,
    ],
    [['demo', EX, '--now', '2025-01-01T00:00:00Z'], /--now has no effect on demo/],
    [['demo', EX, '--json'], /--json has no effect on demo/],
    [['types', '--json'], /--json has no effect on types/],
  ])('%j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(message);
  });

  it('where a flag is used it is still accepted', async () => {
    const report = join(EX, 'snp-synthetic', 'report.bin');
    expect((await cli('inspect', report, '--product', 'Genoa')).code).toBe(0);
    expect(
      (await cli('verify', report, '--now', '2025-06-01T00:00:00Z', '--collateral', EX)).code,
    ).toBe(1);
  });
});

describe('f10d: the evidence file is a regular file of at most 64 MiB', () => {
  it('a file over 64 MiB is refused before it is read (ERR_LIMIT_EXCEEDED, exit 2)', async () => {
    const p = join(tempDir('attestkit-s12-big-'), 'big.bin');
    writeFileSync(p, '');
    truncateSync(p, 64 * 1024 * 1024 + 1); // sparse: no disk space used
    const r = await cli('verify', p);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^attestkit: ERR_LIMIT_EXCEEDED: .*has 67108865 bytes \(at most 67108864\)$/,
    );
  });

  it('a directory is refused with one line', async () => {
    const r = await cli('inspect', EX);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^attestkit: ERR_BAD_VALUE: .* is not a regular file/);
  });

  it('a FIFO and /dev/zero are refused at once (child process, 20 s bound)', () => {
    const fifo = join(tempDir('attestkit-s12-fifo-'), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expectNotRegularAtOnce([
      ['verify', fifo],
      ['inspect', '/dev/zero'],
      ['replay', BOOT, '--pcrs', fifo],
      ['verify', QUOTE, '--nonce', NONCE, '--ak', fifo],
    ]);
  }, 60_000);
});

describe('diff review: collateral and manifests are read like the evidence; the demo names its own inputs', () => {
  it('a FIFO among the collateral files or as a demo manifest is refused at once (20 s bound)', () => {
    const dir = tempDir('attestkit-s12-coll-fifo-');
    const coll = join(dir, 'coll');
    cpSync(join(EX, 'snp-synthetic'), join(dir, 'case'), { recursive: true });
    execFileSync('mkdir', [coll]);
    execFileSync('mkfifo', [join(coll, 'vcek.der')]);
    const demo = join(dir, 'demo');
    cpSync(join(EX, 'snp-synthetic'), join(demo, 'snp-synthetic'), { recursive: true });
    execFileSync('rm', [join(demo, 'snp-synthetic', 'manifest.json')]);
    execFileSync('mkfifo', [join(demo, 'snp-synthetic', 'manifest.json')]);
    expectNotRegularAtOnce([
      ['verify', join(dir, 'case', 'report.bin'), '--collateral', coll],
      ['demo', demo],
    ]);
  }, 60_000);

  it('the demo never tells the user to pass --report-data, which it refuses', async () => {
    const dir = tempDir('attestkit-s12-demo-rd-');
    for (const name of ['snp-synthetic', 'tdx-synthetic'])
      cpSync(join(EX, name), join(dir, name), { recursive: true });
    const r = await cli('demo', dir);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('--report-data');
    expect(r.out).toContain("policy.reportData in the case's manifest.json");
  });
});

describe('f10f: the demo says where each example came from', () => {
  it('swtpm cases are a software TPM generated here; synthetic event logs claim no test keys', async () => {
    const dir = tempDir('attestkit-s12-labels-');
    for (const name of ['eventlog-synthetic-boot', 'tpm-swtpm-quote', 'snp-synthetic'])
      cpSync(join(EX, name), join(dir, name), { recursive: true });
    const r = await cli('demo', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '# tpm-swtpm-quote (software TPM (swtpm), generated here: not a hardware TPM)',
    );
    expect(r.out).toContain(
      '# eventlog-synthetic-boot (SYNTHETIC: generated here, not from real hardware; an event log is not signed)',
    );
    expect(r.out).toContain(
      '# snp-synthetic (SYNTHETIC: generated with test keys, not from real hardware)',
    );
  });
});
