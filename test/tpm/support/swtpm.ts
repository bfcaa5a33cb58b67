/**
 * Real-component harness: a software TPM (`swtpm socket`, libtpms) manufactured with
 * `swtpm_setup` (RSA-2048 and ECC P-384 EKs with certificates from a throw-away local CA in the
 * instance's temp directory), driven by tpm2-tools over the swtpm TCTI on a free loopback port
 * pair. Each instance owns its state directory and is stopped by its PID.
 *
 * No vitest import: `scripts/gen-tpm-evidence.ts` uses it too. Suites wrap themselves in
 * `describeSwtpm` (./describe-swtpm.ts) to skip visibly — or fail under CI=true — without swtpm.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Tools the harness needs. */
export const SWTPM_TOOLS = [
  'swtpm',
  'swtpm_setup',
  'swtpm_localca',
  'tpm2_startup',
  'tpm2_createak',
  'tpm2_createek',
  'tpm2_quote',
  'tpm2_checkquote',
  'tpm2_certify',
  'tpm2_activatecredential',
  'tpm2_pcrextend',
  'tpm2_pcrread',
  'tpm2_readpublic',
  'tpm2_nvread',
  'tpm2_evictcontrol',
  'tpm2_flushcontext',
  'tpm2_startauthsession',
  'tpm2_policysecret',
] as const;

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? '').split(delimiter);
  return dirs.some((d) => d !== '' && existsSync(join(d, tool)));
}

/** Tools missing from PATH (empty when the harness can run). */
export const missingSwtpmTools: readonly string[] = SWTPM_TOOLS.filter((t) => !onPath(t));

/** True when swtpm and tpm2-tools are installed. */
export const hasSwtpm: boolean = missingSwtpmTools.length === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() =>
        typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port')),
      );
    });
  });
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Result of a tool run. */
export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Options of {@link Swtpm.start}. */
export interface SwtpmStartOptions {
  /** PCR banks to activate. Default sha1, sha256, sha384. */
  readonly banks?: readonly string[];
  /** Directory in which the instance's own directory is made. Default: the system's temp dir. */
  readonly tempRoot?: string;
}

/** PCR values read back, bank → index → hex. */
export type PcrHex = Record<string, Record<number, string>>;

/** One running software TPM. */
export class Swtpm {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /** The swtpm process id (stopped by it in {@link stop}). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** TCTI string for tpm2-tools. */
  get tcti(): string {
    return `swtpm:host=127.0.0.1,port=${this.port}`;
  }

  /** Directory of the throw-away local CA that signed the EK certificates. */
  get caDir(): string {
    return join(this.dir, 'ca');
  }

  /**
   * Manufactures a TPM (swtpm_setup: EPS, RSA-2048 EK at 0x81010001 with its certificate in NV
   * 0x01C00002, ECC P-384 EK at 0x81010016 with its certificate in NV 0x01C00016, a platform
   * certificate) and starts `swtpm socket` on a free port pair with startup-clear. When any
   * step fails, the instance directory is removed before the error is rethrown.
   */
  static async start(options: SwtpmStartOptions = {}): Promise<Swtpm> {
    const dir = mkdtempSync(join(options.tempRoot ?? tmpdir(), 'attestkit-swtpm-'));
    try {
      return await Swtpm.startIn(dir, options);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** {@link start} inside `dir`, which the caller removes if this rejects. */
  private static async startIn(dir: string, options: SwtpmStartOptions): Promise<Swtpm> {
    const state = join(dir, 'state');
    const ca = join(dir, 'ca');
    const banks = (options.banks ?? ['sha1', 'sha256', 'sha384']).join(',');
    mkdirSync(state, { recursive: true });
    mkdirSync(ca, { recursive: true });
    writeFileSync(
      join(dir, 'swtpm-localca.conf'),
      [
        `statedir = ${ca}`,
        `signingkey = ${join(ca, 'signkey.pem')}`,
        `issuercert = ${join(ca, 'issuercert.pem')}`,
        `certserial = ${join(ca, 'certserial')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'swtpm-localca.options'),
      '--platform-manufacturer attestkit\n--platform-version 2.1\n--platform-model swtpm-test\n',
    );
    writeFileSync(
      join(dir, 'swtpm_setup.conf'),
      [
        'create_certs_tool = swtpm_localca',
        `create_certs_tool_config = ${join(dir, 'swtpm-localca.conf')}`,
        `create_certs_tool_options = ${join(dir, 'swtpm-localca.options')}`,
        `active_pcr_banks = ${banks}`,
        '',
      ].join('\n'),
    );
    await exec(
      'swtpm_setup',
      [
        '--tpm2',
        '--tpmstate',
        state,
        '--config',
        join(dir, 'swtpm_setup.conf'),
        '--create-ek-cert',
        '--create-platform-cert',
        '--ecc',
        '--pcr-banks',
        banks,
        '--overwrite',
      ],
      { env: { ...process.env, XDG_CONFIG_HOME: dir, HOME: dir } },
    );
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      if (!(await portFree(port + 1))) continue;
      const child = spawn(
        'swtpm',
        [
          'socket',
          '--tpm2',
          '--tpmstate',
          `dir=${state}`,
          '--server',
          `type=tcp,port=${port},bindaddr=127.0.0.1`,
          '--ctrl',
          `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
          '--flags',
          'not-need-init,startup-clear',
          '--log',
          `file=${join(dir, 'swtpm.log')}`,
        ],
        { stdio: 'ignore' },
      );
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      let up = false;
      for (let i = 0; i < 60 && child.exitCode === null; i++) {
        if (await canConnect(port)) {
          up = true;
          break;
        }
        await sleep(50);
      }
      if (up) return new Swtpm(dir, port, child);
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      await exited;
      lastError = new Error(`swtpm did not start on port ${port}`);
    }
    throw lastError ?? new Error('no free port pair for swtpm');
  }

  /** Stops swtpm by its PID and removes the state directory. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      process.kill(pid, 'SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (this.child.exitCode === null) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Path of a file in the instance directory. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** Reads a file of the instance directory as a fresh Uint8Array. */
  read(name: string): Uint8Array {
    const b = readFileSync(this.path(name));
    return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  /** Writes a file in the instance directory; returns its path. */
  write(name: string, bytes: Uint8Array | string): string {
    writeFileSync(this.path(name), bytes);
    return this.path(name);
  }

  /** Runs a tpm2-tools command against this TPM; resolves with its exit code (never rejects). */
  async tryRun(tool: string, args: readonly string[]): Promise<ToolResult> {
    try {
      const { stdout, stderr } = await exec(tool, [...args], {
        cwd: this.dir,
        env: { ...process.env, TPM2TOOLS_TCTI: this.tcti },
        maxBuffer: 16 << 20,
      });
      return { stdout, stderr, code: 0 };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; code?: number };
      return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: err.code ?? -1 };
    }
  }

  /** Runs a tpm2-tools command; rejects with its stderr on a non-zero exit. */
  async run(tool: string, args: readonly string[]): Promise<string> {
    const r = await this.tryRun(tool, args);
    if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  /** TPM2B_PUBLIC of a loaded/persistent object. */
  async readPublic(handle: string): Promise<Uint8Array> {
    const f = `pub-${handle}.bin`;
    await this.run('tpm2_readpublic', ['-c', handle, '-o', f, '-f', 'tss']);
    return this.read(f);
  }

  /** SubjectPublicKeyInfo PEM of an object (tpm2_readpublic -f pem). */
  async readPublicPem(handle: string): Promise<string> {
    const f = `pub-${handle}.pem`;
    await this.run('tpm2_readpublic', ['-c', handle, '-o', f, '-f', 'pem']);
    return readFileSync(this.path(f), 'utf8');
  }

  /** Contents of an NV index (e.g. an EK certificate). */
  async nvRead(index: string): Promise<Uint8Array> {
    const f = `nv-${index}.bin`;
    await this.run('tpm2_nvread', [index, '-o', f]);
    return this.read(f);
  }

  /** Creates the low-range ECC P-256 EK (template L-2) and persists it. */
  async createEccEk(persist: string): Promise<void> {
    await this.run('tpm2_createek', ['-c', 'ek-ecc.ctx', '-G', 'ecc', '-u', 'ek-ecc.pub']);
    await this.run('tpm2_evictcontrol', ['-c', 'ek-ecc.ctx', persist]);
    await this.run('tpm2_flushcontext', ['-t']);
  }

  /** Creates an AK under an EK (tpm2_createak) and persists it. */
  async createAk(
    ek: string,
    persist: string,
    alg: 'rsa' | 'ecc' | 'ecc384',
    hash: string,
    scheme: 'rsassa' | 'rsapss' | 'ecdsa',
  ): Promise<void> {
    const base = `ak-${persist}`;
    await this.run('tpm2_createak', [
      '-C',
      ek,
      '-c',
      `${base}.ctx`,
      '-G',
      alg,
      '-g',
      hash,
      '-s',
      scheme,
      '-u',
      `${base}.pub`,
      '-n',
      `${base}.name`,
      '-r',
      `${base}.priv`,
    ]);
    await this.run('tpm2_evictcontrol', ['-c', `${base}.ctx`, persist]);
    await this.run('tpm2_flushcontext', ['-t']);
  }

  /** Extends a PCR in several banks at once (`digests`: bank → hex digest). */
  async extend(pcr: number, digests: Record<string, string>): Promise<void> {
    const spec = Object.entries(digests)
      .map(([b, d]) => `${b}=${d}`)
      .join(',');
    await this.run('tpm2_pcrextend', [`${pcr}:${spec}`]);
  }

  /** Reads PCRs (`sha256:0,16+sha1:16` syntax) into bank → index → hex. */
  async pcrRead(selection: string): Promise<PcrHex> {
    return parsePcrYaml(await this.run('tpm2_pcrread', [selection]));
  }

  /**
   * TPM2_Quote with an AK: writes `<tag>.msg` (TPMS_ATTEST), `<tag>.sig` (TPMT_SIGNATURE),
   * `<tag>.pcrs` (tpm2-tools serialized PCRs) and returns them with the PCR values.
   */
  async quote(
    ak: string,
    selection: string,
    nonceHex: string,
    hash: string,
    tag: string,
    scheme?: string,
  ): Promise<{ attest: Uint8Array; signature: Uint8Array; pcrs: PcrHex }> {
    const out = await this.run('tpm2_quote', [
      '-c',
      ak,
      '-l',
      selection,
      '-q',
      nonceHex,
      '-m',
      `${tag}.msg`,
      '-s',
      `${tag}.sig`,
      '-o',
      `${tag}.pcrs`,
      '-g',
      hash,
      ...(scheme !== undefined ? ['--scheme', scheme] : []),
    ]);
    return {
      attest: this.read(`${tag}.msg`),
      signature: this.read(`${tag}.sig`),
      pcrs: parsePcrYaml(out),
    };
  }

  /** `tpm2_checkquote` on files in the instance directory; resolves with its exit code. */
  async checkquote(
    akPemFile: string,
    tag: string,
    nonceHex: string,
    hash: string,
    files: { msg?: string; sig?: string; pcrs?: string } = {},
  ): Promise<number> {
    const r = await this.tryRun('tpm2_checkquote', [
      '-u',
      akPemFile,
      '-m',
      files.msg ?? `${tag}.msg`,
      '-s',
      files.sig ?? `${tag}.sig`,
      '-f',
      files.pcrs ?? `${tag}.pcrs`,
      '-g',
      hash,
      '-q',
      nonceHex,
    ]);
    return r.code;
  }

  /** TPM2_Certify of `object` by `signer`; tpm2_certify 5.4 always sends qualifying data 00ff55aa. */
  async certify(
    object: string,
    signer: string,
    hash: string,
    tag: string,
    scheme?: string,
  ): Promise<{ attest: Uint8Array; signature: Uint8Array }> {
    await this.run('tpm2_certify', [
      ...(scheme !== undefined ? ['--scheme', scheme] : []),
      '-c',
      object,
      '-C',
      signer,
      '-g',
      hash,
      '-o',
      `${tag}.attest`,
      '-s',
      `${tag}.sig`,
    ]);
    return { attest: this.read(`${tag}.attest`), signature: this.read(`${tag}.sig`) };
  }

  /**
   * TPM2_ActivateCredential of a tpm2-tools credential file: `ak` is the credentialed object,
   * `ek` the decryption key. A low-range EK (adminWithPolicy, no userWithAuth) is authorised with
   * a PolicySecret(TPM_RH_ENDORSEMENT) session; an H-series EK with its empty password.
   */
  async activateCredential(
    ak: string,
    ek: string,
    credentialFile: Uint8Array,
    tag: string,
    policySession: boolean,
  ): Promise<{ code: number; credential?: Uint8Array; stderr: string }> {
    this.write(`${tag}.cred`, credentialFile);
    const auth: string[] = [];
    if (policySession) {
      await this.run('tpm2_startauthsession', ['--policy-session', '-S', `${tag}.session`]);
      await this.run('tpm2_policysecret', ['-S', `${tag}.session`, '-c', 'e']);
      auth.push('-P', `session:${tag}.session`);
    }
    const r = await this.tryRun('tpm2_activatecredential', [
      '-c',
      ak,
      '-C',
      ek,
      '-i',
      `${tag}.cred`,
      '-o',
      `${tag}.act`,
      ...auth,
    ]);
    if (policySession) await this.tryRun('tpm2_flushcontext', [`${tag}.session`]);
    return r.code === 0
      ? { code: 0, credential: this.read(`${tag}.act`), stderr: r.stderr }
      : { code: r.code, stderr: r.stderr };
  }
}

/** Parses tpm2-tools' PCR YAML (`  sha256:\n    16: 0xABCD…`). */
export function parsePcrYaml(text: string): PcrHex {
  const out: PcrHex = {};
  let bank: string | undefined;
  for (const line of text.split('\n')) {
    const b = /^\s{2}(sha1|sha256|sha384|sha512|sm3_256):\s*$/.exec(line);
    if (b !== null) {
      bank = b[1]!;
      out[bank] = {};
      continue;
    }
    const v = /^\s{4}(\d+)\s*:\s*0x([0-9A-Fa-f]+)\s*$/.exec(line);
    if (v !== null && bank !== undefined) out[bank]![Number(v[1])] = v[2]!.toLowerCase();
  }
  return out;
}
