/**
 * CLI plugins for event logs: `tcg-log` (TCG PC Client, SHA-1 or crypto-agile), `cc-log` (TDX CCEL
 * / CCA realm log) and `ima-log` (IMA ascii or binary list). `inspect` prints a readable boot
 * summary; `verify` replays against trusted values from the demo manifest; `replayCommand` backs
 * `attestkit replay <log> [--pcrs file]`.
 *
 * `--pcrs` / manifest `pcrs` JSON: `{ "sha256": { "0": "<hex>", "7": "<hex>" }, "sha1": { … } }`
 * for TCG and IMA logs (the shape of `tpm2_pcrread` results converted to JSON, and of
 * vectors/tpm/swtpm/pcrs.json); `{ "rtmrs": ["<hex>" ×4] }` or `{ "rems": ["<hex>" ×4] }` for CC
 * logs. A top-level `{ "pcrs": { … } }` wrapper and `0x` prefixes are accepted.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AttestError,
  parseCcEventLog,
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootSummary,
  type CcEventLog,
  type EventLog,
  type EventLogExpectation,
  type ImaLog,
  type ImaSummary,
  type PcrBanks,
  type TcgEventLog,
  type WorkaroundId,
} from '../../eventlog/index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  Inspection,
} from '../registry.js';

type Rows = (readonly [string, string])[];

const HEX = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function specHeader(bytes: Uint8Array): { index: number; algorithms: number[] } | undefined {
  if (bytes.length < 32 + 33) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(4, true) !== 3) return undefined;
  const sig = String.fromCharCode(...bytes.subarray(32, 47));
  if (sig !== 'Spec ID Event03') return undefined;
  const n = dv.getUint32(32 + 24, true);
  if (n === 0 || n > 16 || 32 + 28 + 4 * n > bytes.length) return undefined;
  const algorithms: number[] = [];
  for (let i = 0; i < n; i++) algorithms.push(dv.getUint16(32 + 28 + 4 * i, true));
  return { index: dv.getUint32(0, true), algorithms };
}

function looksCc(file: EvidenceFile): boolean {
  const h = specHeader(file.bytes);
  if (h === undefined) return false;
  return (
    h.index !== 0 ||
    (h.algorithms.length === 1 && h.algorithms[0] === 0x000c) ||
    /ccel/i.test(file.path)
  );
}

function looksImaAscii(text: string | undefined): boolean {
  return text !== undefined && /^\d{1,2} [0-9a-f]{40,128} ima(-[a-z0-9]+)? /.test(text);
}

function looksImaBinary(bytes: Uint8Array): boolean {
  if (bytes.length < 32) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) > 23) return false;
  for (const n of [20, 32, 48, 64]) {
    if (bytes.length < 4 + n + 7) continue;
    const len = dv.getUint32(4 + n, true);
    if (len >= 3 && len <= 32 && String.fromCharCode(...bytes.subarray(8 + n, 11 + n)) === 'ima')
      return true;
  }
  return false;
}

function looksTcg(file: EvidenceFile): boolean {
  if (specHeader(file.bytes) !== undefined) return !looksCc(file);
  // SHA-1 format: parse, and require known types and PCR indices on every event.
  try {
    const log = parseTcgEventLog(file.bytes);
    return (
      log.events.length >= 2 &&
      log.events.every((e) => !e.typeName.startsWith('EV_UNKNOWN') && e.pcrIndex <= 23)
    );
  } catch {
    return false;
  }
}

function tableFor(file: EvidenceFile, ctx: CliContext): Uint8Array | undefined {
  const m = ctx.manifest?.table;
  if (typeof m === 'string') return ctx.readFile(m);
  if (/ccel_data/.test(file.path) && ctx.exists('ccel_table.bin'))
    return ctx.readFile('ccel_table.bin');
  return undefined;
}

/** Parses a file as the log type of `kind`. */
function parseAs(kind: 'tcg' | 'cc' | 'ima', file: EvidenceFile, ctx: CliContext): EventLog {
  if (kind === 'tcg') return parseTcgEventLog(file.bytes);
  if (kind === 'ima') return parseImaLog(file.bytes);
  const table = tableFor(file, ctx);
  return parseCcEventLog(file.bytes, table !== undefined ? { table } : {});
}

function detectKind(file: EvidenceFile): 'tcg' | 'cc' | 'ima' | undefined {
  if (looksImaAscii(file.text) || looksImaBinary(file.bytes)) return 'ima';
  if (looksCc(file)) return 'cc';
  if (looksTcg(file)) return 'tcg';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Expected values

function hexBytes(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string')
    throw new AttestError('ERR_BAD_JSON', { message: `${what} must be a hex string` });
  const h = v.replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(h))
    throw new AttestError('ERR_BAD_JSON', { message: `${what} is not hex` });
  return Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
}

/**
 * Reads the `--pcrs` JSON (see the module comment) into a {@link EventLogExpectation}.
 *
 * @throws {AttestError} `ERR_BAD_JSON` for text that is not the documented shape.
 */
export function expectationFromJson(json: unknown): EventLogExpectation {
  if (typeof json !== 'object' || json === null)
    throw new AttestError('ERR_BAD_JSON', { message: 'expected a JSON object' });
  const o = json as Record<string, unknown>;
  for (const k of ['rtmrs', 'rems'] as const) {
    if (o[k] !== undefined) {
      const list = o[k];
      if (!Array.isArray(list))
        throw new AttestError('ERR_BAD_JSON', {
          message: `${k} must be an array of 4 hex strings`,
        });
      const regs = list.map((x, i) => hexBytes(x, `${k}[${i}]`));
      return k === 'rtmrs' ? { rtmrs: regs } : { rems: regs };
    }
  }
  const src = (typeof o.pcrs === 'object' && o.pcrs !== null ? o.pcrs : o) as Record<
    string,
    unknown
  >;
  const pcrs: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, regs] of Object.entries(src)) {
    if (!['sha1', 'sha256', 'sha384', 'sha512', 'sm3_256'].includes(bank)) continue;
    if (typeof regs !== 'object' || regs === null)
      throw new AttestError('ERR_BAD_JSON', { message: `${bank} must map PCR index → hex` });
    pcrs[bank] = {};
    for (const [i, h] of Object.entries(regs as Record<string, unknown>))
      pcrs[bank][Number(i)] = hexBytes(h, `${bank}[${i}]`);
  }
  if (Object.keys(pcrs).length === 0)
    throw new AttestError('ERR_BAD_JSON', {
      message: 'no sha1/sha256/sha384/sha512 bank, rtmrs or rems found',
    });
  return { pcrs: pcrs };
}

function expectationFromManifest(ctx: CliContext): EventLogExpectation | undefined {
  const m = ctx.manifest;
  if (m === undefined) return undefined;
  const v = m.pcrs ?? m.rtmrs ?? m.rems;
  if (typeof v === 'string') return expectationFromJson(JSON.parse(ctx.readText(v)) as unknown);
  if (v !== undefined) return expectationFromJson(m.pcrs !== undefined ? { pcrs: m.pcrs } : m);
  return undefined;
}

function workaroundsFrom(ctx: CliContext): WorkaroundId[] {
  const w = ctx.manifest?.allowWorkarounds;
  return Array.isArray(w) ? (w.filter((x) => typeof x === 'string') as WorkaroundId[]) : [];
}

// ---------------------------------------------------------------------------------------------
// Rendering

function registerRows(registers: PcrBanks, prefix: string): Rows {
  const rows: Rows = [];
  for (const [bank, regs] of Object.entries(registers)) {
    for (const [i, v] of Object.entries(regs ?? {})) rows.push([`${bank} ${prefix}${i}`, HEX(v)]);
  }
  return rows;
}

function bootRows(s: BootSummary): Rows {
  const rows: Rows = [];
  const ev = (e: readonly number[], bound: boolean): string =>
    ` [event${e.length === 1 ? '' : 's'} ${e.join(',')}${bound ? '' : '; content not bound to digest'}]`;
  if (s.secureBoot !== undefined)
    rows.push([
      'Secure Boot',
      `${s.secureBoot.value.mode}${ev(s.secureBoot.events, s.secureBoot.bound)}`,
    ]);
  for (const [name, db] of Object.entries(s.databases)) {
    const certs = db.value.certificates.map(
      (c) => c.subject ?? `unparsed certificate ${c.sha256.slice(0, 16)}…`,
    );
    rows.push([
      name,
      `${certs.length} certificate(s)${certs.length > 0 ? ': ' + certs.join(' | ') : ''}; ${db.value.sha256Count} SHA-256 hash(es)${ev(db.events, db.bound)}`,
    ]);
  }
  for (const a of s.authorities) {
    rows.push([
      `authority (${a.value.variable})`,
      `${a.value.certificate?.subject ?? a.value.sha256 ?? a.value.text ?? ''}${ev(a.events, a.bound)}`,
    ]);
  }
  for (const a of s.efiApplications)
    rows.push([
      'EFI application',
      `${a.value.devicePath || '(no path)'} sha256=${a.value.digests.sha256 ?? a.value.digests.sha1 ?? '?'}${ev(a.events, a.bound)}`,
    ]);
  if (s.efiDrivers.length > 0) rows.push(['EFI drivers', `${s.efiDrivers.length}`]);
  if (s.shim !== undefined) {
    const v = s.shim.value;
    rows.push([
      'shim',
      `MokList ${v.mokListMeasured ? 'measured' : 'not measured'}, MokListX ${v.mokListXMeasured ? 'measured' : 'not measured'}${v.sbatLevel !== undefined ? `, SBAT ${v.sbatLevel.trim()}` : ''}${v.vendorCertificate?.subject !== undefined ? `, vendor cert ${v.vendorCertificate.subject}` : ''}${ev(s.shim.events, s.shim.bound)}`,
    ]);
  }
  if (s.bootloader !== undefined) {
    rows.push([
      'bootloader',
      `${s.bootloader.value.kind}${s.bootloader.value.commands.length > 0 ? `, ${s.bootloader.value.commands.length} command(s)` : ''}${s.bootloader.value.files.length > 0 ? `, files: ${s.bootloader.value.files.join(', ')}` : ''}`,
    ]);
  }
  if (s.kernel !== undefined)
    rows.push([
      'kernel',
      `${s.kernel.value.path ?? ''} sha256=${s.kernel.value.digests.sha256 ?? s.kernel.value.digests.sha1 ?? '?'}${ev(s.kernel.events, s.kernel.bound)}`,
    ]);
  if (s.initrd !== undefined)
    rows.push([
      'initrd',
      `${s.initrd.value.path ?? ''} sha256=${s.initrd.value.digests.sha256 ?? s.initrd.value.digests.sha1 ?? '?'}${ev(s.initrd.events, s.initrd.bound)}`,
    ]);
  if (s.kernelCommandLine !== undefined)
    rows.push([
      'kernel command line',
      `${s.kernelCommandLine.value.trim()}${ev(s.kernelCommandLine.events, s.kernelCommandLine.bound)}`,
    ]);
  if (s.uki !== undefined)
    rows.push([
      'UKI / systemd-stub',
      `PCR 11: ${s.uki.value.pcr11.length}, PCR 12: ${s.uki.value.pcr12.length}, PCR 13: ${s.uki.value.pcr13.length} event(s)`,
    ]);
  if (s.firmwareVersion !== undefined)
    rows.push([
      'firmware (S-CRTM) version',
      `${s.firmwareVersion.value}${ev(s.firmwareVersion.events, s.firmwareVersion.bound)}`,
    ]);
  if (s.platform !== undefined) rows.push(['platform', s.platform.value.hints.join(', ')]);
  if (s.exitBootServices !== undefined) rows.push(['ExitBootServices', s.exitBootServices.value]);
  if (s.dmaProtectionDisabled !== undefined)
    rows.push(['DMA protection', `DISABLED${ev(s.dmaProtectionDisabled.events, true)}`]);
  if (s.debugMode !== undefined) rows.push(['UEFI debug mode', 'ON']);
  if (s.bootOrder !== undefined)
    rows.push([
      'BootOrder',
      s.bootOrder.value
        .map((n) => `Boot${n.toString(16).toUpperCase().padStart(4, '0')}`)
        .join(', '),
    ]);
  for (const o of s.bootOptions)
    rows.push([o.value.variable, `${o.value.description} — ${o.value.devicePath}`]);
  return rows;
}

function imaRows(s: ImaSummary): Rows {
  const rows: Rows = [
    ['entries', String(s.entries)],
    [
      'templates',
      Object.entries(s.templates)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    ],
    ['violations', s.violations.length === 0 ? 'none' : s.violations.join(', ')],
    ['signatures', `${s.signedCount} signed, ${s.unsignedCount} unsigned (ima-sig entries)`],
  ];
  if (s.bootAggregate !== undefined)
    rows.push([
      'boot_aggregate',
      `${s.bootAggregate.value.algorithm}:${s.bootAggregate.value.digest}`,
    ]);
  for (const f of s.files.slice(0, 50))
    rows.push([
      `#${f.index}`,
      `${f.path}${f.digest !== undefined ? ` ${f.digestAlgorithm ?? ''}:${f.digest}` : ''}${f.signed ? ' (signed)' : ''}`,
    ]);
  if (s.files.length > 50) rows.push(['…', `${s.files.length - 50} more file(s)`]);
  return rows;
}

function eventRows(log: TcgEventLog | CcEventLog): Rows {
  return log.events.map((e) => {
    const d = e.decoded;
    const what =
      d === undefined
        ? (e.decodeError ?? '')
        : d.kind === 'text' || d.kind === 'loader'
          ? JSON.stringify(d.text.length > 100 ? d.text.slice(0, 100) + '…' : d.text)
          : d.kind === 'uefi-variable'
            ? `${d.variable.name} (${d.variable.vendorName ?? d.variable.vendorGuid})`
            : d.kind === 'image-load'
              ? d.devicePath
              : d.kind === 'firmware-blob'
                ? `${d.description ?? 'blob'} @0x${d.blobBase.toString(16)} +0x${d.blobLength.toString(16)}`
                : d.kind;
    const reg = 'pcrIndex' in e ? `PCR ${e.pcrIndex}` : `MR ${e.mrIndex}`;
    return [`#${e.index} ${reg}`, `${e.typeName} ${what} [${e.digestCheck}]`] as const;
  });
}

function inspectLog(log: EventLog, path: string): Inspection {
  const prefix = log.kind === 'cc' ? 'rtmr' : 'pcr';
  const { registers, unreplayedBanks } = replayEventLog(log);
  const header: Rows =
    log.kind === 'ima'
      ? [
          ['format', `${log.format} IMA list`],
          ['template hash', log.templateHashAlgorithm],
          ['entries', String(log.entries.length)],
        ]
      : [
          ['format', log.kind === 'cc' ? 'CC event log (crypto-agile, MR indices)' : log.format],
          ['banks', log.banks.join(', ')],
          ['events', String(log.events.length)],
          ...(log.kind === 'tcg' && log.startupLocality !== undefined
            ? [['StartupLocality', String(log.startupLocality)] as const]
            : []),
          ...(log.kind === 'tcg' && log.hcrtmEventIndex !== undefined
            ? [['H-CRTM', `event ${log.hcrtmEventIndex} (PCR 0 starts at 00…04)`] as const]
            : []),
          ...(log.kind === 'cc' && log.table !== undefined
            ? [
                [
                  'CCEL table',
                  `CC type ${log.table.ccType}, LAML ${log.table.laml}, checksum ${log.table.checksumOk ? 'ok' : 'BAD'}`,
                ] as const,
              ]
            : []),
        ];
  for (const w of log.warnings) header.push(['warning', w.message]);
  if (unreplayedBanks.length > 0) header.push(['not replayed', unreplayedBanks.join(', ')]);
  const sections: Inspection['sections'][number][] = [{ heading: 'Log', rows: header }];
  if (log.kind === 'ima')
    sections.push({ heading: 'What IMA measured', rows: imaRows(summarizeBoot(log)) });
  else
    sections.push({
      heading: 'Boot summary (the log’s claims; verify against quoted registers)',
      rows: bootRows(summarizeBoot(log)),
    });
  sections.push({ heading: 'Replayed registers', rows: registerRows(registers, prefix) });
  if (log.kind !== 'ima') sections.push({ heading: 'Events', rows: eventRows(log) });
  return {
    title: `${log.kind === 'ima' ? 'IMA measurement list' : log.kind === 'cc' ? 'CC event log' : 'TCG event log'}: ${path}`,
    sections,
  };
}

async function verifyLog(
  log: EventLog,
  expected: EventLogExpectation | undefined,
  allow: WorkaroundId[],
  title: string,
  replayOnly: boolean,
): Promise<CliVerification> {
  const prefix = log.kind === 'cc' ? ('rems' in (expected ?? {}) ? 'rem' : 'rtmr') : 'pcr';
  // Replay only: compare with the log's own replay so that the structural checks still run;
  // the self-comparison replay checks are then left out of the output.
  const own = replayEventLog(
    log,
    log.kind === 'ima' ? { banks: ['sha1', 'sha256'] } : {},
  ).registers;
  const self: EventLogExpectation =
    log.kind === 'cc'
      ? { rtmrs: [0, 1, 2, 3].map((i) => own.sha384?.[i] ?? new Uint8Array(48)) }
      : { pcrs: own };
  const v = await verifyEventLog(log, expected ?? self, { allowWorkarounds: allow });
  const facts: (readonly [string, string])[] = [];
  const n = log.kind === 'ima' ? log.entries.length : log.events.length;
  facts.push(['events', String(n)]);
  if (expected === undefined) {
    facts.push([
      'trusted values',
      replayOnly
        ? 'none supplied: replay only (pass --pcrs FILE to verify)'
        : 'none supplied (manifest pcrs / rtmrs / rems): nothing was verified',
    ]);
    facts.push(...registerRows(v.replayed, prefix));
    const checks = v.checks.filter((c) => !c.id.startsWith('eventlog.replay.'));
    return {
      title,
      // A replay succeeds when the log is well-formed; a verification needs trusted values.
      ok: replayOnly && checks.every((c) => c.status !== 'fail'),
      checks,
      facts,
      result: { ...v, checks },
    };
  }
  facts.push(['verified events', `${v.verifiedEvents.length} of ${n}`]);
  for (const w of v.appliedWorkarounds) facts.push(['workaround', `${w.id} on ${w.register}`]);
  const quoted = v.registers.filter((r) => r.status !== 'not-quoted').length;
  return { title, ok: v.ok && quoted > 0, checks: v.checks, facts, result: v };
}

function makePlugin(kind: 'tcg' | 'cc' | 'ima', id: string, title: string): EvidencePlugin {
  return {
    id,
    title,
    detect: (file) => {
      try {
        return detectKind(file) === kind;
      } catch {
        return false;
      }
    },
    inspect: (file, ctx) => Promise.resolve(inspectLog(parseAs(kind, file, ctx), file.path)),
    verify: async (file, ctx) =>
      verifyLog(
        parseAs(kind, file, ctx),
        expectationFromManifest(ctx),
        workaroundsFrom(ctx),
        `${title}: ${file.path}`,
        false,
      ),
  };
}

/** TCG PC Client event logs (`binary_bios_measurements`, WBCL). */
export const tcgLogPlugin: EvidencePlugin = makePlugin('tcg', 'tcg-log', 'TCG PC Client event log');
/** CC event logs (TDX CCEL data, CCA realm logs). */
export const ccLogPlugin: EvidencePlugin = makePlugin('cc', 'cc-log', 'CC event log (CCEL)');
/** IMA runtime measurement lists. */
export const imaLogPlugin: EvidencePlugin = makePlugin('ima', 'ima-log', 'IMA measurement list');
/** All three, most specific first. */
export const eventLogPlugins: readonly EvidencePlugin[] = [imaLogPlugin, ccLogPlugin, tcgLogPlugin];

/**
 * `attestkit replay <log> [--pcrs file]`: replays a TCG, CC or IMA log and prints its registers;
 * with `--pcrs`, verifies them (one check per register) and exits non-zero on a mismatch. The
 * JSON format of `--pcrs` is described at the top of this file.
 *
 * @param file - the log.
 * @param pcrsPath - path of the JSON with trusted register values (resolved against the cwd).
 * @param ctx - CLI context (manifest `allowWorkarounds` is honoured).
 * @returns the verification to print.
 * @throws {AttestError} `ERR_UNKNOWN_FORMAT` when the file is no log; `ERR_BAD_JSON` for a bad `--pcrs` file.
 */
export async function replayCommand(
  file: EvidenceFile,
  pcrsPath: string | undefined,
  ctx: CliContext,
): Promise<CliVerification> {
  const kind = detectKind(file);
  if (kind === undefined) {
    throw new AttestError('ERR_UNKNOWN_FORMAT', {
      message: `${file.path}: not a TCG, CC or IMA event log`,
    });
  }
  const log = parseAs(kind, file, ctx);
  let expected: EventLogExpectation | undefined;
  if (pcrsPath !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(resolve(pcrsPath), 'utf8')) as unknown;
    } catch (cause) {
      throw new AttestError('ERR_BAD_JSON', { message: `${pcrsPath}: not readable JSON`, cause });
    }
    expected = expectationFromJson(json);
  }
  return verifyLog(log, expected, workaroundsFrom(ctx), `Replay of ${file.path}`, true);
}

export type { ImaLog };
