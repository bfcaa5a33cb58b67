/**
 * Files named by evidence (a cvm-bundle's `report.bin`, `tpm.pcrs`, `eventLog`…) are the prover's
 * choice: they must be relative, resolve (symbolic links followed) inside the bundle's directory,
 * and be regular files of at most 16 MiB, all checked before reading. Errors name the field and
 * the path, never the file's content. Bundles here are SYNTHETIC fragments.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evidenceFiles, MAX_EVIDENCE_FILE_BYTES } from '../../src/cli/plugins/evidence-files.js';
import { AttestError } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support/run.js';

const SECRET = 'attestkit-test-secret: do not print me';

/** A directory holding a secret file outside `bundle/`, and a SYNTHETIC cvm-bundle in it. */
function layout(): {
  root: string;
  bundleDir: string;
  write(tpm: Record<string, unknown>, extra?: Record<string, unknown>): string;
} {
  const root = tempDir('attestkit-cli-paths-');
  const bundleDir = join(root, 'bundle');
  mkdirSync(bundleDir);
  writeFileSync(join(root, 'secret.txt'), SECRET);
  return {
    root,
    bundleDir,
    write(tpm, extra = {}) {
      const path = join(bundleDir, 'cvm.json');
      writeFileSync(
        path,
        JSON.stringify({
          format: 'attestkit-cvm-bundle/1',
          hardware: { kind: 'tdx', quote: '00' },
          binding: { scheme: 'pcr' },
          tpm: { attest: '00', signature: '00', ...tpm },
          ...extra,
        }),
      );
      return path;
    },
  };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof AttestError ? e.code : `not AttestError: ${String(e)}`;
  }
  return undefined;
}

describe('cvm-bundle: paths named by the bundle are confined to its directory', () => {
  for (const cmd of ['inspect', 'verify']) {
    it(`${cmd}: an absolute path is refused (exit 2) and nothing of the file is printed`, async () => {
      const l = layout();
      const r = await cli(cmd, l.write({ pcrs: join(l.root, 'secret.txt') }));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^attestkit: ERR_BAD_VALUE: .*absolute.* in tpm\.pcrs$/);
      expect(r.err).not.toContain('attestkit-test-secret');
      expect(r.err.split('\n')).toHaveLength(1);
    });

    it(`${cmd}: a ../ escape is refused`, async () => {
      const l = layout();
      const r = await cli(cmd, l.write({ pcrs: '../secret.txt' }));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/ERR_BAD_VALUE: .*outside the evidence's directory in tpm\.pcrs/);
      expect(r.err).not.toContain('attestkit-test-secret');
    });
  }

  it('a symbolic link inside the directory that points outside is refused (realpath)', async () => {
    const l = layout();
    symlinkSync(join(l.root, 'secret.txt'), join(l.bundleDir, 'pcrs.json'));
    symlinkSync('/etc/hostname', join(l.bundleDir, 'log.bin'));
    symlinkSync('/dev/zero', join(l.bundleDir, 'zero.bin'));
    for (const tpm of [{ pcrs: 'pcrs.json' }, { attest: 'zero.bin' }]) {
      const r = await cli('verify', l.write(tpm));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/ERR_BAD_VALUE: .*outside the evidence's directory/);
    }
    const r = await cli('verify', l.write({}, { eventLog: 'log.bin' }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/outside the evidence's directory in eventLog/);
  });

  it('a directory is refused, a missing file is named', async () => {
    const l = layout();
    mkdirSync(join(l.bundleDir, 'dir'));
    const d = await cli('verify', l.write({}, { eventLog: 'dir' }));
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/ERR_BAD_VALUE: .*not a regular file/);
    const m = await cli('verify', l.write({}, { eventLog: 'nope.bin' }));
    expect(m.code).toBe(2);
    expect(m.err).toMatch(
      /ERR_BAD_VALUE: "nope.bin" does not exist beside the evidence in eventLog/,
    );
  });

  it('a file over the size cap is refused before it is read', async () => {
    const l = layout();
    writeFileSync(join(l.bundleDir, 'big.bin'), '');
    truncateSync(join(l.bundleDir, 'big.bin'), MAX_EVIDENCE_FILE_BYTES + 1); // sparse
    const r = await cli('verify', l.write({}, { eventLog: 'big.bin' }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/ERR_LIMIT_EXCEEDED: .*16777217 bytes \(at most 16777216\) in eventLog/);
  });

  it('a tpm.pcrs file that is not JSON: the error names the file, not its content', async () => {
    const l = layout();
    writeFileSync(join(l.bundleDir, 'pcrs.json'), `${SECRET}\n`);
    const r = await cli('inspect', l.write({ pcrs: 'pcrs.json' }));
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'attestkit: ERR_BAD_JSON: tpm.pcrs file "pcrs.json" is not JSON in tpm.pcrs',
    );
  });

  it('files in subdirectories and links that stay inside are read', async () => {
    const l = layout();
    mkdirSync(join(l.bundleDir, 'sub'));
    writeFileSync(
      join(l.bundleDir, 'sub', 'pcrs.json'),
      JSON.stringify({ sha256: { 0: '00'.repeat(32) } }),
    );
    symlinkSync(join(l.bundleDir, 'sub', 'pcrs.json'), join(l.bundleDir, 'link.json'));
    for (const pcrs of ['sub/pcrs.json', 'link.json', './sub/../link.json']) {
      const r = await cli('inspect', l.write({ pcrs }));
      expect(r.code, pcrs).toBe(0);
    }
  });

  it('a FIFO is refused at once instead of blocking the process (child process, 20 s bound)', () => {
    const l = layout();
    execFileSync('mkfifo', [join(l.bundleDir, 'fifo')]);
    const bundle = l.write({}, { eventLog: 'fifo' });
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve('src/cli/main.ts'), 'verify', bundle],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ERR_BAD_VALUE: .*not a regular file .* in eventLog/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  }, 30_000);
});

describe('evidenceFiles (the confined reader)', () => {
  it('refuses what it must, with AttestError codes', () => {
    const l = layout();
    writeFileSync(join(l.bundleDir, 'ok.bin'), 'abc');
    const files = evidenceFiles(l.bundleDir, 8);
    expect(new TextDecoder().decode(files.read('ok.bin', 'f'))).toBe('abc');
    expect(files.isFile('ok.bin')).toBe(true);
    writeFileSync(join(l.bundleDir, 'nine.bin'), '123456789');
    expect(codeOf(() => files.read('nine.bin', 'f'))).toBe('ERR_LIMIT_EXCEEDED');
    for (const bad of ['', '/etc/passwd', '../secret.txt', 'a\0b', '.', 'C:\\x', '\\\\host\\share'])
      expect(
        codeOf(() => files.read(bad, 'f')),
        JSON.stringify(bad),
      ).toBe('ERR_BAD_VALUE');
    expect(files.isFile('../secret.txt')).toBe(false);
    expect(files.isFile('/etc/passwd')).toBe(false);
  });
});
