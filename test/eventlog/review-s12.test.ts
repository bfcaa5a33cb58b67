/**
 * Review session 12, event logs (every log and list here is SYNTHETIC, built by the test encoders):
 * f1 a parse's decoded sub-structures (device-path nodes, SIPA records, signature lists and entries,
 * EV_PREBOOT_CERT certificates) are bounded per parse, and a Spec ID header lists at most 16
 * algorithms; f2 an IMA binary entry whose field overruns its complete template data is
 * ERR_BAD_LENGTH, not a partial last entry; f3 a `sig` field without an IMA signature header (an
 * ima-buf buffer relabelled ima-sig) makes `eventlog.ima.template-hashes` warn; f4 that check
 * skips when it compared no template hash, and its pass counts the hashes it compared.
 */
import { describe, expect, it } from 'vitest';
import { expectAttestError } from '../support/errors.js';
import { concatBytes } from '../../src/core/bytes.js';
import { digest } from '../../src/core/crypto.js';
import { utf8Encode } from '../../src/core/encoding.js';
import {
  EV,
  decodeDevicePath,
  decodeEfiSignatureLists,
  decodeEventData,
  decodeUefiVariable,
  parseCcEventLog,
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  verifyEventLog,
} from '../../src/eventlog/index.js';
import { DEFAULT_MAX_STRUCTURES } from '../../src/eventlog/budget.js';
import { SPEC_ID_MAX_ALGORITHMS } from '../../src/eventlog/records.js';
import type { EventLogVerification } from '../../src/eventlog/types.js';
import {
  GUID,
  ascii,
  dpNode,
  encodeAgileLog,
  encodeImaBinary,
  imageLoad,
  imaTemplateData,
  u16,
  u32,
  u64,
  u8,
  uefiVariable,
  type EventSpec,
  type ImaSpec,
} from './support/encode.js';

const TEMPLATE_HASHES = 'eventlog.ima.template-hashes';
const check = (v: EventLogVerification, id: string) => v.checks.find((c) => c.id === id)!;

/** `n` copies of `unit` back to back. */
function repeat(unit: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(unit.length * n);
  for (let i = 0; i < n; i++) out.set(unit, i * unit.length);
  return out;
}

/** A SYNTHETIC SHA-256 log of `events`; returns it and the offset of each event's data. */
function agileLog(events: readonly EventSpec[]): { log: Uint8Array; dataAt: number[] } {
  const log = encodeAgileLog(['sha256'], events);
  // Each record: pcr, type, count, (alg, 32-byte digest), size, data.
  const dataAt: number[] = [];
  let at = log.length - events.reduce((n, e) => n + 50 + e.data.length, 0);
  for (const e of events) {
    dataAt.push(at + 50);
    at += 50 + e.data.length;
  }
  return { log, dataAt };
}

/** EV_EFI_BOOT_SERVICES_APPLICATION whose device path is `n` 4-byte nodes of an unknown type. */
function manyNodes(n: number): EventSpec {
  return {
    pcr: 4,
    type: EV.EFI_BOOT_SERVICES_APPLICATION,
    data: imageLoad(repeat(dpNode(0x55, 1, new Uint8Array(0)), n)),
  };
}
/** UEFI_IMAGE_LOAD_EVENT's fixed fields before the device path (8-byte UINTNs). */
const IMAGE_LOAD_HEADER = 32;

/** EV_EVENT_TAG holding `n` 8-byte SIPA records (SIPAEVENT_BOOTCOUNTER, empty payload). */
function manySipaRecords(n: number): EventSpec {
  return { pcr: 12, type: EV.EVENT_TAG, data: repeat(concatBytes(u32(0x00020002), u32(0)), n) };
}

/** `db` (EV_EFI_VARIABLE_DRIVER_CONFIG) with one EFI_SIGNATURE_LIST of `n` empty 16-byte entries. */
function dbVariable(n: number): Uint8Array {
  const list = concatBytes(
    new Uint8Array(16),
    u32(28 + 16 * n),
    u32(0),
    u32(16),
    new Uint8Array(16 * n),
  );
  return uefiVariable(GUID.imageSecurityDatabase, 'db', list);
}
/** Offset of VariableData in {@link dbVariable}: GUID, two u64 lengths, "db" in UTF-16. */
const DB_VALUE_AT = 16 + 8 + 8 + 4;

/** The smallest certificate-shaped DER value: SEQUENCE { SEQUENCE {} }. */
const TINY_CERT = new Uint8Array([0x30, 0x02, 0x30, 0x00]);

describe('s12 f1: decoded sub-structures are bounded per parse (synthetic hostile logs)', () => {
  it(`a Spec ID header listing more than ${SPEC_ID_MAX_ALGORITHMS} algorithms is ERR_LIMIT_EXCEEDED at numberOfAlgorithms`, () => {
    const extra = (n: number) => Array.from({ length: n }, (_, i) => ({ id: 0x100 + i, size: 1 }));
    // The SHA-1 header record (32 bytes), then signature (16), platformClass (4), 4 version bytes.
    const countAt = 32 + 16 + 4 + 4;
    const ok = encodeAgileLog(['sha256'], [{ pcr: 1, type: EV.EFI_ACTION, data: ascii('x') }], {
      extra: extra(SPEC_ID_MAX_ALGORITHMS - 1),
    });
    expect(parseTcgEventLog(ok).specId!.algorithms).toHaveLength(SPEC_ID_MAX_ALGORITHMS);
    expect(parseCcEventLog(ok).specId.algorithms).toHaveLength(SPEC_ID_MAX_ALGORITHMS);
    const over = encodeAgileLog(['sha256'], [{ pcr: 1, type: EV.EFI_ACTION, data: ascii('x') }], {
      extra: extra(SPEC_ID_MAX_ALGORITHMS),
    });
    expectAttestError(() => parseTcgEventLog(over), 'ERR_LIMIT_EXCEEDED', countAt);
    expectAttestError(() => parseCcEventLog(over), 'ERR_LIMIT_EXCEEDED', countAt);
    // The repro's shape: 65 280 one-byte algorithms, each event carrying all of them.
    const huge = encodeAgileLog(['sha256'], [], { extra: extra(0xff00 - 1) });
    expectAttestError(() => parseTcgEventLog(huge), 'ERR_LIMIT_EXCEEDED', countAt);
  });

  it(`device-path nodes: ${DEFAULT_MAX_STRUCTURES} across events decode, one more is ERR_LIMIT_EXCEEDED at that node`, () => {
    const half = DEFAULT_MAX_STRUCTURES / 2;
    const full = parseTcgEventLog(agileLog([manyNodes(half), manyNodes(half)]).log);
    expect(full.events.map((e) => e.decodeError)).toEqual([undefined, undefined, undefined]);
    const { log, dataAt } = agileLog([manyNodes(half), manyNodes(half + 1)]);
    expectAttestError(
      () => parseTcgEventLog(log),
      'ERR_LIMIT_EXCEEDED',
      dataAt[1]! + IMAGE_LOAD_HEADER + 4 * half,
    );
    expectAttestError(
      () => parseCcEventLog(log),
      'ERR_LIMIT_EXCEEDED',
      dataAt[1]! + IMAGE_LOAD_HEADER + 4 * half,
    );
    // A caller who admits more events admits 5 structures per event.
    const roomy = parseTcgEventLog(log, { maxEvents: 30_000 });
    expect(roomy.events[2]!.decoded).toMatchObject({ kind: 'image-load' });
  });

  it('SIPA records past the budget are ERR_LIMIT_EXCEEDED at the first record too many', () => {
    const ok = parseTcgEventLog(agileLog([manySipaRecords(DEFAULT_MAX_STRUCTURES)]).log);
    expect(ok.events[1]!.decoded).toMatchObject({ kind: 'sipa' });
    const { log, dataAt } = agileLog([manySipaRecords(DEFAULT_MAX_STRUCTURES + 1)]);
    expectAttestError(
      () => parseTcgEventLog(log),
      'ERR_LIMIT_EXCEEDED',
      dataAt[0]! + 8 * DEFAULT_MAX_STRUCTURES,
    );
  });

  it('signature entries past the budget are ERR_LIMIT_EXCEEDED, not a valueError', () => {
    // The list header counts too: 1 list + (budget − 1) entries fit.
    const type = EV.EFI_VARIABLE_DRIVER_CONFIG;
    const ok = parseTcgEventLog(
      agileLog([{ pcr: 7, type, data: dbVariable(DEFAULT_MAX_STRUCTURES - 1) }]).log,
    );
    expect(ok.events[1]!.decoded).toMatchObject({
      kind: 'uefi-variable',
      variable: { value: { kind: 'signature-lists' } },
    });
    const { log, dataAt } = agileLog([{ pcr: 7, type, data: dbVariable(DEFAULT_MAX_STRUCTURES) }]);
    const lastEntryAt = dataAt[0]! + DB_VALUE_AT + 28 + 16 * (DEFAULT_MAX_STRUCTURES - 1);
    expectAttestError(() => parseTcgEventLog(log), 'ERR_LIMIT_EXCEEDED', lastEntryAt);
  });

  it('EV_PREBOOT_CERT certificates past the budget are ERR_LIMIT_EXCEEDED', () => {
    const certs = (n: number): EventSpec => ({
      pcr: 0,
      type: EV.PREBOOT_CERT,
      data: repeat(TINY_CERT, n),
    });
    const ok = parseTcgEventLog(agileLog([certs(DEFAULT_MAX_STRUCTURES)]).log);
    expect(ok.events[1]!.decoded).toMatchObject({ kind: 'preboot-cert' });
    const { log, dataAt } = agileLog([certs(DEFAULT_MAX_STRUCTURES + 1)]);
    expectAttestError(
      () => parseTcgEventLog(log),
      'ERR_LIMIT_EXCEEDED',
      dataAt[0]! + 4 * DEFAULT_MAX_STRUCTURES,
    );
  });

  it('the budget is per parse: structures of different kinds in different events add up', () => {
    const third = Math.floor(DEFAULT_MAX_STRUCTURES / 3);
    const { log, dataAt } = agileLog([
      manyNodes(third),
      manySipaRecords(third),
      { pcr: 0, type: EV.PREBOOT_CERT, data: repeat(TINY_CERT, third + 2) },
    ]);
    const over = DEFAULT_MAX_STRUCTURES - 2 * third; // the first certificate past the budget
    expectAttestError(() => parseTcgEventLog(log), 'ERR_LIMIT_EXCEEDED', dataAt[2]! + 4 * over);
  });

  it('the public decoders have the same bound and throw it even where a value error is caught', () => {
    const nodes = repeat(dpNode(0x55, 1, new Uint8Array(0)), DEFAULT_MAX_STRUCTURES + 1);
    expect(decodeDevicePath(nodes.subarray(4)).nodes).toHaveLength(DEFAULT_MAX_STRUCTURES);
    expectAttestError(
      () => decodeDevicePath(nodes, 100),
      'ERR_LIMIT_EXCEEDED',
      100 + 4 * DEFAULT_MAX_STRUCTURES,
    );
    const db = dbVariable(DEFAULT_MAX_STRUCTURES);
    expectAttestError(
      () => decodeEfiSignatureLists(db.subarray(DB_VALUE_AT)),
      'ERR_LIMIT_EXCEEDED',
      28 + 16 * (DEFAULT_MAX_STRUCTURES - 1),
    );
    // decodeUefiVariable reports a value that does not decode in valueError; not this one.
    expectAttestError(
      () => decodeUefiVariable(EV.EFI_VARIABLE_DRIVER_CONFIG, db),
      'ERR_LIMIT_EXCEEDED',
      DB_VALUE_AT + 28 + 16 * (DEFAULT_MAX_STRUCTURES - 1),
    );
    const sipa = manySipaRecords(DEFAULT_MAX_STRUCTURES + 1).data;
    expectAttestError(
      () => decodeEventData(EV.EVENT_TAG, sipa, { pcrIndex: 12, uintnBytes: 8, base: 0 }),
      'ERR_LIMIT_EXCEEDED',
      8 * DEFAULT_MAX_STRUCTURES,
    );
  });
});

describe('s12 diff review: what the budget left out, and who swallowed it (synthetic)', () => {
  it('SPDM measurement blocks count against the budget (255 per event from 4 bytes each)', () => {
    const blocks = 255;
    const spdm = concatBytes(
      ascii('SPDM Device Sec2'),
      u16(2),
      u8(0),
      u8(0),
      u32(0),
      u32(0), // DeviceType: not PCI
      u32(0), // SubHeaderType: measurement blocks
      u32(8 + 4 * blocks),
      u64(0),
      u64(0), // DevicePathLength
      u16(0x12),
      u8(blocks),
      u8(0),
      u32(2),
      repeat(concatBytes(u8(1), u8(0), u16(0)), blocks),
    );
    const events = Math.ceil((DEFAULT_MAX_STRUCTURES + 1) / blocks);
    const { log } = agileLog(
      Array.from({ length: events }, () => ({
        pcr: 2,
        type: EV.EFI_SPDM_FIRMWARE_BLOB,
        data: spdm,
      })),
    );
    expectAttestError(() => parseTcgEventLog(log), 'ERR_LIMIT_EXCEEDED');
    // A few events decode as before.
    const few = parseTcgEventLog(
      agileLog([{ pcr: 2, type: EV.EFI_SPDM_FIRMWARE_BLOB, data: spdm }]).log,
    );
    const d = few.events[1]!.decoded;
    expect(d?.kind === 'device-security' && d.measurementBlocks?.length).toBe(blocks);
  });

  it('handoff tables count against the budget', () => {
    const n = DEFAULT_MAX_STRUCTURES + 1;
    const { log } = agileLog([
      { pcr: 1, type: EV.EFI_HANDOFF_TABLES, data: concatBytes(u64(n), new Uint8Array(24 * n)) },
    ]);
    expectAttestError(() => parseTcgEventLog(log), 'ERR_LIMIT_EXCEEDED');
  });

  it('a db logged as EV_EFI_ACTION with more entries than the budget is still a retyped policy variable', async () => {
    for (const n of [1_000, DEFAULT_MAX_STRUCTURES + 1]) {
      const log = parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            {
              pcr: 7,
              type: EV.EFI_VARIABLE_DRIVER_CONFIG,
              data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([1])),
            },
            { pcr: 7, type: EV.EFI_ACTION, data: dbVariable(n) },
            { pcr: 7, type: EV.SEPARATOR, data: new Uint8Array(4) },
          ],
        ),
      );
      const v = await verifyEventLog(log, { pcrs: replayEventLog(log).registers });
      expect(v.ok, String(n)).toBe(false);
      const c = check(v, 'eventlog.digest-binding');
      expect(c.status, String(n)).toBe('fail');
      expect(c.message).toContain('db as EV_EFI_ACTION');
    }
  });
});

/** Synthetic ima-ng template data whose d-ng field declares `dSize` bytes. */
function imaNgData(path: string, dSize?: number): Uint8Array {
  const d = concatBytes(ascii('sha256:'), new Uint8Array(1), digest('sha256', ascii(path)));
  const n = concatBytes(utf8Encode(path), new Uint8Array(1));
  return concatBytes(u32(dSize ?? d.length), d, u32(n.length), n);
}
function binaryEntry(name: string, td: Uint8Array): Uint8Array {
  return concatBytes(
    u32(10),
    digest('sha1', td),
    u32(name.length),
    ascii(name),
    u32(td.length),
    td,
  );
}
/** Offset of the template data in a {@link binaryEntry} named `name` (SHA-1 template hash). */
const tdAt = (name: string): number => 4 + 20 + 4 + name.length + 4;

describe('s12 f2: IMA binary — a malformed complete entry is an error, not a partial last entry', () => {
  it('a d-ng field that declares more than its template data holds is ERR_BAD_LENGTH at that field', () => {
    const first = binaryEntry('ima-ng', imaNgData('boot_aggregate'));
    const bad = binaryEntry('ima-ng', imaNgData('/usr/bin/evil', 0x7fff));
    const rest = Array.from({ length: 5 }, (_, i) =>
      binaryEntry('ima-ng', imaNgData(`/usr/bin/tool${i}`)),
    );
    const list = concatBytes(first, bad, ...rest);
    expectAttestError(() => parseImaLog(list), 'ERR_BAD_LENGTH', first.length + tdAt('ima-ng'));
    // Also as the first entry (previously ERR_TRUNCATED).
    expectAttestError(
      () => parseImaLog(concatBytes(bad, ...rest)),
      'ERR_BAD_LENGTH',
      tdAt('ima-ng'),
    );
  });

  it('a field size that does not fit in the rest of the template data is ERR_BAD_LENGTH', () => {
    // ima-sig data with two stray bytes where the sig field's 4-byte size would be.
    const td = concatBytes(imaNgData('/usr/bin/x'), new Uint8Array([1, 0]));
    const first = binaryEntry('ima-ng', imaNgData('boot_aggregate'));
    const list = concatBytes(first, binaryEntry('ima-sig', td), first);
    expectAttestError(
      () => parseImaLog(list),
      'ERR_BAD_LENGTH',
      first.length + tdAt('ima-sig') + td.length - 2,
    );
  });

  it('a list cut inside its last entry still parses with a partial-entry warning', () => {
    const a = binaryEntry('ima-ng', imaNgData('boot_aggregate'));
    const b = binaryEntry('ima-ng', imaNgData('/usr/bin/x'));
    for (const cut of [1, 5, b.length - 1]) {
      const log = parseImaLog(concatBytes(a, b.subarray(0, cut)));
      expect(log.entries).toHaveLength(1);
      expect(log.warnings.map((w) => w.code)).toEqual(['partial-entry']);
    }
  });
});

/** A single-entry SHA-1 binary list and the PCR 10 it extends. */
function oneEntry(e: ImaSpec) {
  const bytes = encodeImaBinary([e]);
  const th = digest('sha1', imaTemplateData(e));
  return { bytes, pcrs: { sha1: { 10: digest('sha1', concatBytes(new Uint8Array(20), th)) } } };
}
/** signature_v2_hdr-shaped: type, version 2, sha256, key id, size 4, then 4 bytes. */
const sigOfType = (type: number) =>
  new Uint8Array([type, 2, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0, 4, 1, 2, 3, 4]);

describe('s12 f3: a `sig` field without an IMA signature header warns (synthetic)', () => {
  const cmdline = ascii('root=/dev/sda1 init=/bin/sh');
  const fileDigest = digest('sha256', cmdline);

  it('an ima-buf entry relabelled ima-sig: its buffer shows as a signature, and the check warns', async () => {
    const asBuf = oneEntry({
      template: 'ima-buf',
      alg: 'sha256',
      fileDigest,
      path: 'kexec-cmdline',
      buf: cmdline,
    });
    const real = await verifyEventLog(parseImaLog(asBuf.bytes), { pcrs: asBuf.pcrs });
    expect(check(real, TEMPLATE_HASHES).status).toBe('pass');
    // The same template data under the name ima-sig (the name is not hashed).
    const td = imaTemplateData({
      template: 'ima-buf',
      alg: 'sha256',
      fileDigest,
      path: 'kexec-cmdline',
      buf: cmdline,
    });
    const relabelled = parseImaLog(binaryEntry('ima-sig', td));
    expect(relabelled.entries[0]!.signature).toEqual(cmdline);
    const v = await verifyEventLog(relabelled, { pcrs: asBuf.pcrs });
    const c = check(v, TEMPLATE_HASHES);
    expect(c.status).toBe('warn');
    expect(c.detail).toMatchObject({ notSignatures: [{ entry: 0, template: 'ima-sig' }] });
  });

  it('a signature header of type 3 or 6 (version 2) passes; other xattr types and short ones warn', async () => {
    const base = { template: 'ima-sig', alg: 'sha256', fileDigest, path: '/usr/bin/x' } as const;
    for (const [sig, status] of [
      [sigOfType(3), 'pass'],
      [sigOfType(6), 'pass'],
      [new Uint8Array(0), 'pass'],
      [sigOfType(4), 'warn'], // IMA_XATTR_DIGEST_NG: a hash, which the kernel never writes in sig
      [sigOfType(3).subarray(0, 8), 'warn'], // shorter than signature_v2_hdr
    ] as const) {
      const { bytes, pcrs } = oneEntry({ ...base, sig });
      const v = await verifyEventLog(parseImaLog(bytes), { pcrs });
      expect(check(v, TEMPLATE_HASHES).status, `sig ${sig[0]} of ${sig.length}`).toBe(status);
    }
  });
});

describe('s12 f4: eventlog.ima.template-hashes counts what it compared', () => {
  const entry = (path: string, violation = false): ImaSpec => ({
    template: 'ima-ng',
    alg: 'sha1',
    fileDigest: digest('sha1', ascii(path)),
    path,
    violation,
  });
  const ff = new Uint8Array(20).fill(0xff);

  it('a list of violations only: no template hash is compared, so the check skips', async () => {
    const log = parseImaLog(encodeImaBinary([entry('/etc/passwd', true), entry('/x', true)]));
    const pcr10 = digest(
      'sha1',
      concatBytes(digest('sha1', concatBytes(new Uint8Array(20), ff)), ff),
    );
    const v = await verifyEventLog(log, { pcrs: { sha1: { 10: pcr10 } } });
    expect(check(v, 'eventlog.replay.pcr10').status).toBe('pass');
    expect(check(v, TEMPLATE_HASHES).status).toBe('skip');
    expect(check(v, 'eventlog.ima.violations').status).toBe('warn');
  });

  it('a pass counts the compared hashes, not the violations', async () => {
    const es = [entry('boot_aggregate'), entry('/etc/shadow', true), entry('/usr/bin/ls')];
    const log = parseImaLog(encodeImaBinary(es));
    const v = await verifyEventLog(log, { pcrs: { sha1: { 10: new Uint8Array(20) } } });
    const c = check(v, TEMPLATE_HASHES);
    expect(c.status).toBe('pass');
    expect(c.detail).toEqual({ checked: 2 });
  });
});
