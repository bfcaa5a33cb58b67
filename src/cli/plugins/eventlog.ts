/**
 * CLI plugins for event logs: `tcg-log` (TCG PC Client, SHA-1 or crypto-agile), `cc-log` (TDX CCEL
 * / CCA realm log) and `ima-log` (IMA ascii or binary list). `inspect` prints a readable boot
 * summary; `verify` replays against trusted values from the demo manifest; `replayCommand` backs
 * `attestkit replay <log> [--pcrs file]`. Without trusted values nothing is compared, and the
 * result says so with a required `eventlog.replay` skip (NOT VERIFIED, exit 1).
 *
 * `--pcrs` / manifest `pcrs` JSON: `{ "sha256": { "0": "<hex>", "7": "<hex>" }, "sha1": { … } }`
 * for TCG and IMA logs (the shape of `tpm2_pcrread` results converted to JSON, and of
 * vectors/tpm/swtpm/pcrs.json); `{ "rtmrs": ["<hex>" ×4] }` or `{ "rems": ["<hex>" ×4] }` for CC
 * logs. A top-level `{ "pcrs": { … } }` wrapper and `0x` prefixes are accepted. PCR indices are
 * decimal 0–23 (the PC Client platform's 24 PCRs); each value has its bank's digest size.
 */
import {
  AttestError,
  type Check,
  parseCcEventLog,
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootFact,
  type BootSummary,
  type CcEventLog,
  type EventLog,
  type EventLogExpectation,
  type ImaLog,
  type ImaSummary,
  type PcrBanks,
  type TcgEvent,
  type TcgEventLog,
  type WorkaroundId,
} from '../../eventlog/index.js';
import { fromHex } from '../../index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  Inspection,
} from '../registry.js';
import { readInputFile } from './evidence-files.js';

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

/**
 * True for a crypto-agile log that is a CC event log by its content alone (never its file name):
 * a Spec ID event recorded at a register index other than 0, a single SHA-384 bank (TDX RTMRs)
 * or a single SHA-512 bank (a SHA-512 CCA realm; no TPM logs only that bank). A SHA-256 realm log
 * looks like a TPM log that has only the SHA-256 bank, so it is detected as TCG; `replay` with
 * `rtmrs`/`rems` values (or a manifest's) reads any crypto-agile log as CC (see {@link kindFor}).
 */
function looksCc(file: EvidenceFile): boolean {
  const h = specHeader(file.bytes);
  if (h === undefined) return false;
  const only = h.algorithms.length === 1 ? h.algorithms[0] : undefined;
  return h.index !== 0 || only === 0x000c || only === 0x000d;
}

function looksImaAscii(text: string | undefined): boolean {
  // The kernel prints the PCR as "%2d": " 9" for PCRs 0-9.
  return text !== undefined && /^(?:\d{2}| ?\d) [0-9a-f]{40,128} ima(-[a-z0-9]+)? /.test(text);
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

/**
 * True when SHA-1-format events look like a real log rather than bytes that happen to parse: known
 * types, PCRs 0–23, and either two or more events or a lone self-describing EV_NO_ACTION (a log
 * whose firmware recorded only its StartupLocality or Spec ID event, e.g. go-attestation's
 * `short_no_action_eventlog`). A lone event of another kind is refused: 32 zero bytes parse as one
 * EV_PREBOOT_CERT event.
 */
function plausibleSha1Events(events: readonly TcgEvent[]): boolean {
  if (events.length === 0) return false;
  if (!events.every((e) => !e.typeName.startsWith('EV_UNKNOWN') && e.pcrIndex <= 23)) return false;
  if (events.length >= 2) return true;
  const e = events[0]!;
  const d = e.decoded;
  return (
    e.typeName === 'EV_NO_ACTION' &&
    d !== undefined &&
    (d.kind === 'startup-locality' ||
      d.kind === 'spec-id' ||
      d.kind === 'sp800-155' ||
      (d.kind === 'no-action' && /^Spec ID Event0[0-2]$/.test(d.signature ?? '')))
  );
}

/** Length of the whole SHA-1-format records at the start of `bytes` (32-byte header + data each). */
function intactSha1Prefix(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = 0;
  while (end + 32 <= bytes.length) {
    const size = dv.getUint32(end + 28, true);
    if (size > bytes.length - end - 32) break;
    end += 32 + size;
  }
  return end;
}

function looksTcg(file: EvidenceFile): boolean {
  if (specHeader(file.bytes) !== undefined) return !looksCc(file);
  // SHA-1 format: parse, and require plausible events.
  try {
    return plausibleSha1Events(parseTcgEventLog(file.bytes).events);
  } catch {
    // A truncated SHA-1 log is still recognised by its intact records, so that the parser's error
    // (ERR_TRUNCATED at its offset) is reported rather than "unknown format".
    const end = intactSha1Prefix(file.bytes);
    if (end === 0 || end === file.bytes.length) return false;
    try {
      return plausibleSha1Events(parseTcgEventLog(file.bytes.subarray(0, end)).events);
    } catch {
      return false;
    }
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

/** TCG algorithm id of the bank a register of this size is replayed in (verifyEventLog's rule). */
const ALG_BY_REGISTER_SIZE: Readonly<Record<number, number>> = {
  32: 0x000b,
  48: 0x000c,
  64: 0x000d,
};

/**
 * The kind to parse a detected log as, given the trusted values it will be compared with: RTMRs or
 * REMs mean a CC event log, so a crypto-agile log detected as TCG (a SHA-256 CCA realm log looks
 * like a SHA-256-only TPM log) is read as CC whatever the file is called — when its header carries
 * the bank those registers are replayed in. Otherwise (a SHA-1-format log, or no such bank) it
 * stays TCG and the values are refused as the wrong kind.
 */
function kindFor(
  file: EvidenceFile,
  detected: 'tcg' | 'cc' | 'ima',
  expected: EventLogExpectation | undefined,
): 'tcg' | 'cc' | 'ima' {
  if (detected !== 'tcg' || expected === undefined || 'pcrs' in expected) return detected;
  const first = ('rtmrs' in expected ? expected.rtmrs : expected.rems)[0];
  const alg = first === undefined ? undefined : ALG_BY_REGISTER_SIZE[first.length];
  const h = specHeader(file.bytes);
  return h !== undefined && alg !== undefined && h.algorithms.includes(alg) ? 'cc' : detected;
}

// ---------------------------------------------------------------------------------------------
// Expected values

/** Register size of each bank a `--pcrs` file may name: the digest size of its hash algorithm. */
const BANK_SIZES: Readonly<Record<string, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sm3_256: 32,
};

/** Hex text to bytes; `field` names the entry in the file (`sha256.7`, `rtmrs[2]`). */
function hexBytes(v: unknown, source: string, field: string, sizes: readonly number[]): Uint8Array {
  if (typeof v !== 'string')
    throw new AttestError('ERR_BAD_JSON', { field, message: `${source}: expected a hex string` });
  const h = v.replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(h))
    throw new AttestError('ERR_BAD_JSON', { field, message: `${source}: not hex` });
  if (!sizes.includes(h.length / 2)) {
    throw new AttestError('ERR_BAD_JSON', {
      field,
      message: `${source}: ${h.length / 2} bytes where ${sizes.join(' or ')} are expected`,
    });
  }
  return fromHex(h);
}

/**
 * Reads the `--pcrs` JSON (see the module comment) into a {@link EventLogExpectation}.
 *
 * @param json - the parsed JSON.
 * @param source - names the file in error messages.
 * @throws {AttestError} `ERR_BAD_JSON` for JSON that is not the documented shape: `field` names the
 *   bad entry (`sha256.7` for a digest of the wrong length, `sha256.x` for an index that is not a
 *   decimal PCR number, `rtmrs[2]`).
 */
export function expectationFromJson(json: unknown, source = '--pcrs file'): EventLogExpectation {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new AttestError('ERR_BAD_JSON', { message: `${source}: expected a JSON object` });
  const o = json as Record<string, unknown>;
  for (const k of ['rtmrs', 'rems'] as const) {
    if (o[k] !== undefined) {
      const list = o[k];
      if (!Array.isArray(list) || list.length !== 4)
        throw new AttestError('ERR_BAD_JSON', {
          field: k,
          message: `${source}: expected an array of 4 hex strings`,
        });
      // RTMRs are SHA-384 (TDX GHCI §4.4); REMs use the realm's hash algorithm, one for all four.
      const first = k === 'rtmrs' ? [48] : [32, 48, 64];
      const regs: Uint8Array[] = [];
      list.forEach((x, i) => {
        regs.push(hexBytes(x, source, `${k}[${i}]`, i === 0 ? first : [regs[0]!.length]));
      });
      return k === 'rtmrs' ? { rtmrs: regs } : { rems: regs };
    }
  }
  const src = (typeof o.pcrs === 'object' && o.pcrs !== null ? o.pcrs : o) as Record<
    string,
    unknown
  >;
  const pcrs: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, regs] of Object.entries(src)) {
    const size = BANK_SIZES[bank];
    if (size === undefined) continue;
    if (typeof regs !== 'object' || regs === null || Array.isArray(regs))
      throw new AttestError('ERR_BAD_JSON', {
        field: bank,
        message: `${source}: expected an object mapping PCR index to hex`,
      });
    const values: Record<number, Uint8Array> = {};
    for (const [i, h] of Object.entries(regs as Record<string, unknown>)) {
      if (!/^(0|[1-9][0-9]?)$/.test(i) || Number(i) > 23)
        throw new AttestError('ERR_BAD_JSON', {
          field: `${bank}.${i}`,
          message: `${source}: "${i}" is not a PCR index (0–23)`,
        });
      values[Number(i)] = hexBytes(h, source, `${bank}.${i}`, [size]);
    }
    pcrs[bank] = values;
  }
  if (Object.keys(pcrs).length === 0)
    throw new AttestError('ERR_BAD_JSON', {
      message: `${source}: no sha1/sha256/sha384/sha512/sm3_256 bank, rtmrs or rems found`,
    });
  return { pcrs: pcrs };
}

function expectationFromManifest(ctx: CliContext): EventLogExpectation | undefined {
  const m = ctx.manifest;
  if (m === undefined) return undefined;
  const v = m.pcrs ?? m.rtmrs ?? m.rems;
  if (typeof v === 'string')
    return expectationFromJson(JSON.parse(ctx.readText(v)) as unknown, `manifest file ${v}`);
  if (v !== undefined)
    return expectationFromJson(m.pcrs !== undefined ? { pcrs: m.pcrs } : m, 'manifest');
  return undefined;
}

/** Rejects trusted values of the wrong kind for the log (PCR banks for a CC log, RTMRs for a TCG log). */
function assertExpectationFits(log: EventLog, expected: EventLogExpectation, source: string): void {
  const isPcrs = 'pcrs' in expected;
  if (isPcrs === (log.kind !== 'cc')) return;
  throw new AttestError('ERR_BAD_JSON', {
    field: isPcrs ? 'pcrs' : 'rtmrs' in expected ? 'rtmrs' : 'rems',
    message: isPcrs
      ? `${source}: a CC event log is compared with "rtmrs" or "rems", not PCR banks`
      : `${source}: a ${log.kind === 'ima' ? 'IMA list' : 'TCG log'} is compared with PCR banks ("sha256": { "0": … }), not RTMRs or REMs`,
  });
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

/**
 * The marker after a fact's value: its events, then why it is not bound — other events that state
 * another value (or may hide one: `conflicts`), or content its digests do not bind.
 */
function sourceNote(f: BootFact<unknown>): string {
  const list = (e: readonly number[]): string =>
    `event${e.length === 1 ? '' : 's'} ${e.length > 8 ? `${e.slice(0, 6).join(',')},… (${e.length} in all)` : e.join(',')}`;
  const why =
    f.conflicts !== undefined
      ? `; not bound: conflicts with ${list(f.conflicts)}`
      : f.bound
        ? ''
        : '; content not bound to digest';
  return ` [${f.events.length > 0 ? list(f.events) : 'no event'}${why}]`;
}

function bootRows(s: BootSummary): Rows {
  const rows: Rows = [];
  const row = (name: string, text: string, f: BootFact<unknown>): void => {
    rows.push([name, `${text}${sourceNote(f)}`]);
  };
  if (s.secureBoot !== undefined) row('Secure Boot', s.secureBoot.value.mode, s.secureBoot);
  for (const [name, db] of Object.entries(s.databases)) {
    const certs = db.value.certificates.map(
      (c) => c.subject ?? `unparsed certificate ${c.sha256.slice(0, 16)}…`,
    );
    row(
      name,
      `${certs.length} certificate(s)${certs.length > 0 ? ': ' + certs.join(' | ') : ''}; ${db.value.sha256Count} SHA-256 hash(es)`,
      db,
    );
  }
  for (const a of s.authorities)
    row(
      `authority (${a.value.variable})`,
      a.value.certificate?.subject ?? a.value.sha256 ?? a.value.text ?? '',
      a,
    );
  for (const a of s.efiApplications)
    row(
      'EFI application',
      `${a.value.devicePath || '(no path)'} sha256=${a.value.digests.sha256 ?? a.value.digests.sha1 ?? '?'}`,
      a,
    );
  if (s.efiDrivers.length > 0) rows.push(['EFI drivers', `${s.efiDrivers.length}`]);
  if (s.shim !== undefined) {
    const v = s.shim.value;
    row(
      'shim',
      `MokList ${v.mokListMeasured ? 'measured' : 'not measured'}, MokListX ${v.mokListXMeasured ? 'measured' : 'not measured'}${v.sbatLevel !== undefined ? `, SBAT ${v.sbatLevel.trim()}` : ''}${v.vendorCertificate?.subject !== undefined ? `, vendor cert ${v.vendorCertificate.subject}` : ''}`,
      s.shim,
    );
  }
  if (s.bootloader !== undefined)
    row(
      'bootloader',
      `${s.bootloader.value.kind}${s.bootloader.value.commands.length > 0 ? `, ${s.bootloader.value.commands.length} command(s)` : ''}${s.bootloader.value.files.length > 0 ? `, files: ${s.bootloader.value.files.join(', ')}` : ''}`,
      s.bootloader,
    );
  if (s.kernel !== undefined)
    row(
      'kernel',
      `${s.kernel.value.path ?? ''} sha256=${s.kernel.value.digests.sha256 ?? s.kernel.value.digests.sha1 ?? '?'}`,
      s.kernel,
    );
  if (s.initrd !== undefined)
    row(
      'initrd',
      `${s.initrd.value.path ?? ''} sha256=${s.initrd.value.digests.sha256 ?? s.initrd.value.digests.sha1 ?? '?'}`,
      s.initrd,
    );
  if (s.kernelCommandLine !== undefined)
    row('kernel command line', s.kernelCommandLine.value.trim(), s.kernelCommandLine);
  if (s.uki !== undefined)
    row(
      'UKI / systemd-stub',
      `PCR 11: ${s.uki.value.pcr11.length}, PCR 12: ${s.uki.value.pcr12.length}, PCR 13: ${s.uki.value.pcr13.length} event(s)`,
      s.uki,
    );
  if (s.firmwareVersion !== undefined)
    row('firmware (S-CRTM) version', s.firmwareVersion.value, s.firmwareVersion);
  if (s.platform !== undefined) row('platform', s.platform.value.hints.join(', '), s.platform);
  if (s.exitBootServices !== undefined)
    row('ExitBootServices', s.exitBootServices.value, s.exitBootServices);
  if (s.dmaProtectionDisabled !== undefined)
    row('DMA protection', 'DISABLED', s.dmaProtectionDisabled);
  if (s.debugMode !== undefined) row('UEFI debug mode', 'ON', s.debugMode);
  if (s.bootOrder !== undefined)
    row(
      'BootOrder',
      s.bootOrder.value
        .map((n) => `Boot${n.toString(16).toUpperCase().padStart(4, '0')}`)
        .join(', '),
      s.bootOrder,
    );
  for (const o of s.bootOptions)
    row(o.value.variable, `${o.value.description} — ${o.value.devicePath}`, o);
  return rows;
}

function imaRows(s: ImaSummary): Rows {
  const v = s.violations;
  const fileViolations = s.files.filter((f) => v.includes(f.index)).length;
  const rows: Rows = [
    ['entries', String(s.entries)],
    [
      'files measured',
      `${s.files.length - fileViolations}${fileViolations > 0 ? ` (+${fileViolations} violation${fileViolations === 1 ? '' : 's'})` : ''}`,
    ],
    [
      'templates',
      Object.entries(s.templates)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    ],
    [
      'violations',
      v.length === 0 ? 'none' : `${v.length} (entr${v.length === 1 ? 'y' : 'ies'} ${v.join(', ')})`,
    ],
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

/** Id of the required check that stands for "no register was compared" when no values were given. */
const NOTHING_COMPARED_ID = 'eventlog.replay';

async function verifyLog(
  log: EventLog,
  expected: EventLogExpectation | undefined,
  allow: WorkaroundId[],
  title: string,
  source: 'replay' | 'manifest',
  label = source === 'replay' ? '--pcrs file' : 'manifest',
): Promise<CliVerification> {
  const prefix = log.kind === 'cc' ? ('rems' in (expected ?? {}) ? 'rem' : 'rtmr') : 'pcr';
  const n = log.kind === 'ima' ? log.entries.length : log.events.length;
  const facts: (readonly [string, string])[] = [['events', String(n)]];
  if (expected !== undefined) {
    assertExpectationFits(log, expected, label);
    const v = await verifyEventLog(log, expected, { allowWorkarounds: allow });
    facts.push(['verified events', `${v.verifiedEvents.length} of ${n}`]);
    for (const w of v.appliedWorkarounds) facts.push(['workaround', `${w.id} on ${w.register}`]);
    const verified = new Set(v.verifiedEvents);
    // A supplied register the log never extends matches its initial value whatever the log says:
    // it vouches for no event. Only a register the log extends, compared and matched, does.
    const vouching = v.registers.filter(
      (r) =>
        (r.status === 'match' || r.status === 'workaround') &&
        r.events.some((e) => verified.has(e)),
    );
    if (vouching.length > 0 || v.checks.some((c) => c.status === 'fail'))
      return { title, ok: v.ok, checks: v.checks, facts, result: v };
    // Nothing failed, yet no event was verified: a required skip says why, so the verdict is NOT
    // VERIFIED (exit 1) as when no values are given at all.
    const name = (r: { register: string; bank: string }): string => `${r.register} (${r.bank})`;
    const supplied = v.registers.filter((r) => r.status !== 'not-quoted').map(name);
    const extended = [
      ...new Set(v.registers.filter((r) => r.events.length > 0).map((r) => r.register)),
    ];
    const nothingCompared: Check = {
      id: NOTHING_COMPARED_ID,
      status: 'skip',
      required: true,
      message: `no register the log extends was compared, so no event was verified: ${label} gives ${supplied.join(', ') || 'no register'}; the log extends ${extended.join(', ') || 'none'}`,
      detail: { supplied, extended },
    };
    const checks = [v.checks[0]!, nothingCompared, ...v.checks.slice(1)];
    return { title, ok: false, checks, facts, result: { ...v, ok: false, checks } };
  }
  // No trusted values: compare the log with its own replay so that the structural checks still
  // run, then drop the self-comparisons (they prove nothing) and put one required skip in their
  // place, so that the verdict is NOT VERIFIED and the exit code 1 — as for any verification
  // whose required input is missing.
  const own = replayEventLog(
    log,
    log.kind === 'ima' ? { banks: ['sha1', 'sha256'] } : {},
  ).registers;
  const self: EventLogExpectation =
    log.kind === 'cc'
      ? { rtmrs: [0, 1, 2, 3].map((i) => own.sha384?.[i] ?? new Uint8Array(48)) }
      : { pcrs: own };
  const v = await verifyEventLog(log, self, { allowWorkarounds: allow });
  facts.push([
    'trusted values',
    source === 'replay'
      ? 'none supplied: nothing was compared (pass --pcrs FILE to verify)'
      : 'none supplied (manifest pcrs / rtmrs / rems): nothing was verified',
  ]);
  facts.push(...registerRows(v.replayed, prefix));
  const nothingCompared: Check = {
    id: NOTHING_COMPARED_ID,
    status: 'skip',
    required: true,
    message:
      source === 'replay'
        ? 'no trusted register values (--pcrs FILE): the replayed registers above were compared with nothing'
        : 'no trusted register values (manifest pcrs / rtmrs / rems): no register was compared',
  };
  const structural = v.checks.filter((c) => !c.id.startsWith('eventlog.replay.'));
  const checks = [structural[0]!, nothingCompared, ...structural.slice(1)];
  return {
    title,
    ok: false,
    checks,
    facts,
    result: { ...v, ok: false, checks, registers: [], verifiedEvents: [], appliedWorkarounds: [] },
  };
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
    verify: async (file, ctx) => {
      const expected = expectationFromManifest(ctx);
      return verifyLog(
        parseAs(kindFor(file, kind, expected), file, ctx),
        expected,
        workaroundsFrom(ctx),
        `${title}: ${file.path}`,
        'manifest',
      );
    },
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
 * with `--pcrs`, verifies them (one check per register). Without `--pcrs` nothing is compared, and
 * the result is not ok (a required check, `eventlog.replay`, is skipped). The JSON format of
 * `--pcrs` is described at the top of this file.
 *
 * The command is told that the file is a log, so a file no detector recognises is still handed to
 * a parser (the IMA parser for text that starts like an IMA line, else the TCG parser) and that
 * parser's error is reported.
 *
 * @param file - the log.
 * @param pcrsPath - path of the JSON with trusted register values (resolved against the cwd).
 * @param ctx - CLI context (manifest `allowWorkarounds` is honoured).
 * @returns the verification to print.
 * @throws {AttestError} the parser's error for a malformed log (`ERR_TRUNCATED` with its offset…);
 *   `ERR_UNKNOWN_FORMAT` when the bytes parse but are no plausible log; `ERR_BAD_JSON` for a bad
 *   `--pcrs` file (`field` names the entry).
 */
export async function replayCommand(
  file: EvidenceFile,
  pcrsPath: string | undefined,
  ctx: CliContext,
): Promise<CliVerification> {
  const kind = detectKind(file);
  if (kind === undefined) {
    const fallback = file.text !== undefined && /^\d{1,2} [0-9a-f]/.test(file.text) ? 'ima' : 'tcg';
    const log = parseAs(fallback, file, ctx);
    const n = log.kind === 'ima' ? log.entries.length : log.events.length;
    throw new AttestError('ERR_UNKNOWN_FORMAT', {
      message: `${file.path}: not a TCG, CC or IMA event log (it parses as ${n} ${fallback === 'ima' ? 'IMA entries' : 'TCG event(s)'}, but not plausible ones)`,
    });
  }
  let expected: EventLogExpectation | undefined;
  if (pcrsPath !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8').decode(readInputFile(pcrsPath))) as unknown;
    } catch (cause) {
      if (cause instanceof AttestError) throw cause; // not a regular file, or over the cap
      throw new AttestError('ERR_BAD_JSON', { message: `${pcrsPath}: not readable JSON`, cause });
    }
    expected = expectationFromJson(json, pcrsPath);
  }
  const log = parseAs(kindFor(file, kind, expected), file, ctx);
  return verifyLog(
    log,
    expected,
    workaroundsFrom(ctx),
    `Replay of ${file.path}`,
    'replay',
    pcrsPath ?? '--pcrs file',
  );
}

export type { ImaLog };
