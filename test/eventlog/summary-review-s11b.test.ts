/**
 * Session 11 review, second pass, of the hidden-loader-string rule. (1) In the registers where
 * loaders measure strings, an event is readable only when its type is one the loaders write there
 * and its digest is the hash of its data; an event whose digest binds none of its data passes only
 * in the exact shape its producer writes — GRUB's ASCII file strings and the Linux EFI stub's two
 * tags in PCR 9, plus shim's MOK names on a CC log's MR 3 — and on a CC log GRUB's command line is
 * unbound by any such event after its `linux` command that no kernel or initrd fact cites. GRUB's
 * `module_cmdline: ` strings decode and bind. (4) A PCR 12 line names no bootloader and is no bound
 * command line without a systemd-boot application in the chain, and the EFI stub's LoadOptions tag
 * is its conflict unless its digests are the line's. SYNTHETIC logs built here, each labelled,
 * then the real vectors (read in place, never copied; what a test adds to one is labelled).
 */
import { describe, expect, it } from 'vitest';
import { digest } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import {
  EV,
  parseCcEventLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type CcEvent,
  type CcEventLog,
  type TcgEvent,
} from '../../src/eventlog/index.js';
import { describeVectors } from '../support/vectors.js';
import { logBytes } from './support/vectors.js';
import { ascii, encodeAgileLog, u16, u32, utf16, type EventSpec } from './support/encode.js';
import {
  EVIL,
  GOOD,
  SECURE_BOOT_ON,
  SEPARATORS,
  TWO_KERNELS,
  bootApp,
  grub,
  grubFile,
  realLogs,
  shape,
  summarize,
} from './support/summary-fixtures.js';

const LOAD_OPTIONS_TAG = 0x8f3b22ed;
const INITRD_TAG = 0x8f3b22ec;

/** A TCG_PCClientTaggedEvent: id, size, data. */
function tagData(id: number, data: Uint8Array): Uint8Array {
  return concatBytes(u32(id), u32(data.length), data);
}

/** The Linux EFI stub's tag as the kernel measures it: a fixed label, the digest of what it names. */
function stubTag(id: number, hashOf: Uint8Array, pcr = 9): EventSpec {
  const label = id === LOAD_OPTIONS_TAG ? 'LOADED_IMAGE::LoadOptions\0' : 'Linux initrd\0';
  return { pcr, type: EV.EVENT_TAG, data: tagData(id, ascii(label)), hashOf };
}

/** `events` with the data of the events at log indices `at` replaced (digests untouched). */
function rewritten(events: readonly EventSpec[], at: Readonly<Record<number, Uint8Array>>) {
  return events.map((e, i) => {
    const data = at[i + 1];
    return data === undefined ? e : { ...e, data, hashOf: e.hashOf ?? e.data };
  });
}

/**
 * A crypto-agile log rebuilt from `real` with some events' data replaced (`edit` returns the new
 * data, or undefined to keep it): digests and types untouched, so every register still replays.
 */
function rewriteReal(real: Uint8Array, edit: (e: TcgEvent) => Uint8Array | undefined): Uint8Array {
  const events = parseTcgEventLog(real).events;
  const parts: Uint8Array[] = [real.subarray(0, events[1]!.offset)];
  for (let i = 1; i < events.length; i++) {
    const e = events[i]!;
    const record = real.subarray(e.offset, events[i + 1]?.offset ?? real.length);
    const data = edit(e);
    if (data === undefined) parts.push(record);
    else
      parts.push(
        concatBytes(record.subarray(0, record.length - e.data.length - 4), u32(data.length), data),
      );
  }
  return concatBytes(...parts);
}

/** One EV_IPL record in the SHA-1/SHA-256/SHA-384 layout of the GCE logs, digests over `hashOf`. */
function gceRecord(pcr: number, data: Uint8Array, hashOf: Uint8Array = data): Uint8Array {
  return concatBytes(
    u32(pcr),
    u32(EV.IPL),
    u32(3),
    u16(0x0004),
    digest('sha1', hashOf),
    u16(0x000b),
    digest('sha256', hashOf),
    u16(0x000c),
    digest('sha384', hashOf),
    u32(data.length),
    data,
  );
}

describe('S11b finding 1: PCRs 8, 11–13 are readable only where the digest binds the data (SYNTHETIC logs)', () => {
  it('(A) the second `linux` and its line with one byte before the unhashed prefix, EV_IPL kept', async () => {
    const honest = await summarize(TWO_KERNELS);
    const forged = rewritten(TWO_KERNELS, {
      13: ascii(`Xgrub_cmd: ${EVIL}\0`),
      15: ascii(`Xkernel_cmdline: ${EVIL.slice(6)}\0`),
    });
    const { ok, log, s } = await summarize(forged, honest.log);
    expect(ok).toBe(true);
    expect(log.events[13]!.decoded).toMatchObject({ kind: 'loader', role: 'other' });
    expect(log.events[13]!.digestCheck).toBe('not-data-derived');
    expect(s.kernelCommandLine?.value).toBe(GOOD.slice(6));
    expect(shape(s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [13, 15],
    });
    expect(s.kernel?.conflicts).toEqual([13, 15]);
    expect(s.bootloader?.conflicts).toEqual([13, 15]);
  });

  it('(B) retyped as a well-formed EV_EVENT_TAG, any tag id, the EFI stub’s included', async () => {
    const honest = await summarize(TWO_KERNELS);
    for (const id of [0x1234, LOAD_OPTIONS_TAG, INITRD_TAG]) {
      const forged = rewritten(TWO_KERNELS, {
        13: tagData(id, ascii('LOADED_IMAGE::LoadOptions\0')),
        15: tagData(id, ascii('hi')),
      }).map((e, i) => (i === 12 || i === 14 ? { ...e, type: EV.EVENT_TAG } : e));
      const { ok, log, s } = await summarize(forged, honest.log);
      expect(ok, `tag 0x${id.toString(16)}`).toBe(true);
      expect(log.events[13]!.decoded?.kind).toBe('event-tag');
      expect(shape(s.kernelCommandLine), `tag 0x${id.toString(16)}`).toEqual({
        bound: false,
        verified: true,
        conflicts: [13, 15],
      });
    }
  });

  it('(C) a UKI’s `.cmdline` section relabelled: the PCR 12 line after systemd-boot is not bound', async () => {
    const uki: EventSpec[] = [
      SECURE_BOOT_ON,
      ...SEPARATORS,
      bootApp('\\EFI\\systemd\\systemd-bootx64.efi'), // 10
      { pcr: 11, type: EV.IPL, data: utf16('.linux'), hashOf: ascii('KERNEL') }, // 11
      { pcr: 11, type: EV.IPL, data: utf16('.cmdline'), hashOf: ascii('ro lockdown=integrity') }, // 12
      { pcr: 12, type: EV.IPL, data: utf16('root=/dev/vda1 rw init=/bin/sh') }, // 13
    ];
    const honest = await summarize(uki);
    expect(shape(honest.s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [11, 12],
    });
    for (const label of ['.cmdlinX', '.osrel']) {
      const { ok, s } = await summarize(rewritten(uki, { 12: utf16(label) }), honest.log);
      expect(ok, label).toBe(true);
      expect(shape(s.kernelCommandLine), label).toEqual({
        bound: false,
        verified: true,
        conflicts: [11, 12],
      });
      expect(s.uki?.bound).toBe(false);
    }
    // Even a UKI that has no `.cmdline`: its section labels bind nothing, so one may hide it.
    const plain = await summarize(uki.filter((_, i) => i !== 11));
    expect(shape(plain.s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [11],
    });
  });

  it('PCR 9: GRUB’s ASCII paths and the EFI stub’s tags pass; any other unbound shape is a suspect', async () => {
    const boot = TWO_KERNELS.slice(0, 12); // SecureBoot, separators, `linux`, its file, its line
    const fine: EventSpec[] = [
      grubFile('(hd0,gpt1)/boot/grub/grub.cfg', 'CONFIG'),
      grubFile('grub_linuxefi Initrd', 'INITRD'),
      // Any ASCII text in PCR 9 is a GRUB file (GRUB measures only files there): listed as one.
      grubFile(`Xgrub_cmd: ${EVIL}`, EVIL),
      stubTag(LOAD_OPTIONS_TAG, utf16('root=/dev/sda1')),
      stubTag(INITRD_TAG, ascii('INITRD')),
    ];
    const { s } = await summarize([...boot, ...fine]);
    for (const f of [s.bootloader, s.kernel, s.kernelCommandLine])
      expect(f?.conflicts).toBeUndefined();
    expect(s.kernelCommandLine?.bound).toBe(true);
    const suspects: EventSpec[] = [
      { pcr: 9, type: EV.IPL, data: utf16('/vmlinuz-evil'), hashOf: ascii('EVIL KERNEL') },
      { pcr: 9, type: EV.EVENT_TAG, data: tagData(0x1234, ascii('x')), hashOf: ascii('y') },
    ];
    for (const suspect of suspects) {
      const { s: h } = await summarize([...boot, suspect]);
      expect(h.kernel?.conflicts).toEqual([13]);
      expect(h.bootloader?.conflicts).toEqual([13]);
      // The command line is read from PCRs 8, 11 and 12 only.
      expect(shape(h.kernelCommandLine)).toEqual({
        bound: true,
        verified: true,
        conflicts: undefined,
      });
    }
    // The EFI stub's tags and GRUB's paths are PCR 9 shapes: in PCR 8 they are suspects.
    for (const suspect of [
      grubFile('/vmlinuz-evil', 'EVIL', 8),
      stubTag(INITRD_TAG, ascii('I'), 8),
    ]) {
      const { s: h } = await summarize([...boot, suspect]);
      expect(shape(h.kernelCommandLine)).toMatchObject({ bound: false, conflicts: [13] });
    }
  });

  it('GRUB’s `module_cmdline: ` strings decode as commands and bind', async () => {
    const { log, s } = await summarize([
      ...TWO_KERNELS.slice(0, 9),
      grub('grub_cmd: ', 'module2 /boot/extra.img'), // 10
      grub('module_cmdline: ', '/boot/extra.img quiet'), // 11
      ...TWO_KERNELS.slice(9, 12), // 12, 13, 14
    ]);
    expect(log.events[11]!.decoded).toMatchObject({
      kind: 'loader',
      role: 'grub-command',
      value: '/boot/extra.img quiet',
    });
    expect(log.events[11]!.digestCheck).toBe('verified');
    expect(s.kernelCommandLine).toMatchObject({ events: [14], bound: true });
    expect(s.kernelCommandLine?.conflicts).toBeUndefined();
  });
});

describe('S11b finding 1: a CC log’s MR 3 (SYNTHETIC logs)', () => {
  const cc = (events: readonly EventSpec[]): CcEventLog =>
    parseCcEventLog(encodeAgileLog(['sha384'], events, { headerPcr: 1 }));
  const mr3: EventSpec[] = [
    { pcr: 3, type: EV.IPL, data: ascii('MokList\0'), hashOf: ascii('MOK') }, // 1: shim
    grub('grub_cmd: ', 'linux /vmlinuz root=/dev/vda1 ro', 3), // 2
    grubFile('/vmlinuz', 'KERNEL', 3), // 3
    grub('kernel_cmdline: ', '/vmlinuz root=/dev/vda1 ro', 3), // 4
    grub('grub_cmd: ', 'linux /vmlinuz-evil init=/bin/sh', 3), // 5
    grubFile('/vmlinuz-evil', 'EVIL', 3), // 6
    grub('kernel_cmdline: ', '/vmlinuz-evil init=/bin/sh', 3), // 7
  ];

  it('shim’s MOK names and GRUB’s files before and at the `linux` command leave the line bound', () => {
    const s = summarizeBoot(cc(mr3.slice(0, 4)));
    expect(shape(s.kernelCommandLine)).toEqual({
      bound: true,
      verified: undefined,
      conflicts: undefined,
    });
  });

  it('(A) a second `linux` with its prefix edited is a suspect', () => {
    const s = summarizeBoot(
      cc(rewritten(mr3.slice(0, 5), { 5: ascii('Xgrub_cmd: linux /vmlinuz-evil init=/bin/sh\0') })),
    );
    expect(shape(s.kernelCommandLine)).toEqual({
      bound: false,
      verified: undefined,
      conflicts: [5],
    });
  });

  it('a later `linux` and its line rewritten as a GRUB path and a MOK name are conflicts', () => {
    const s = summarizeBoot(
      cc(rewritten(mr3, { 5: ascii('/boot/grub/grubenv\0'), 7: ascii('MokListX\0') })),
    );
    expect(s.kernelCommandLine?.value).toBe('/vmlinuz root=/dev/vda1 ro');
    expect(shape(s.kernelCommandLine)).toEqual({
      bound: false,
      verified: undefined,
      conflicts: [5, 6, 7],
    });
  });
});

describe('S11b finding 4: a PCR 12 line without systemd-boot (SYNTHETIC logs)', () => {
  const real = 'root=/dev/vda1 ro lockdown=integrity';
  const line = 'root=/dev/vda1 rw init=/bin/sh';
  const pcr12: EventSpec = { pcr: 12, type: EV.IPL, data: utf16(line) };

  it('a direct EFI-stub boot: no bootloader is bound, and the LoadOptions tag is the line’s conflict', async () => {
    const { ok, s } = await summarize([
      SECURE_BOOT_ON,
      ...SEPARATORS,
      bootApp('\\EFI\\Linux\\vmlinuz.efi'), // 10
      stubTag(LOAD_OPTIONS_TAG, utf16(real)), // 11
      stubTag(INITRD_TAG, ascii('INITRD')), // 12
      pcr12, // 13: extended by root after boot
    ]);
    expect(ok).toBe(true);
    expect(s.bootloader).toMatchObject({ value: { kind: 'systemd-boot' }, events: [13] });
    expect(s.bootloader?.bound).toBe(false);
    expect(s.kernelCommandLine).toMatchObject({ value: line, events: [13] });
    expect(shape(s.kernelCommandLine)).toEqual({ bound: false, verified: true, conflicts: [11] });
  });

  it('a PCR 12 line alone binds neither the bootloader nor the command line', async () => {
    const { s } = await summarize([SECURE_BOOT_ON, ...SEPARATORS, pcr12]);
    expect(shape(s.bootloader)).toEqual({ bound: false, verified: true, conflicts: undefined });
    expect(shape(s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: undefined,
    });
  });

  it('after systemd-boot: bound, unless the LoadOptions tag measured other bytes', async () => {
    const sd = [SECURE_BOOT_ON, ...SEPARATORS, bootApp('\\EFI\\systemd\\systemd-bootx64.efi')];
    const same = await summarize([...sd, pcr12, stubTag(LOAD_OPTIONS_TAG, utf16(line))]);
    expect(shape(same.s.kernelCommandLine)).toEqual({
      bound: true,
      verified: true,
      conflicts: undefined,
    });
    const other = await summarize([...sd, pcr12, stubTag(LOAD_OPTIONS_TAG, utf16(real))]);
    expect(shape(other.s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [12],
    });
  });
});

describeVectors('S11b: real logs', () => {
  const ubuntu = 'go-tpm-tools/ubuntu-2404-amd-sevsnp.bin';

  it('GCE Ubuntu 24.04, a second `linux` appended with one byte before each prefix: not bound', async () => {
    const evil = 'linux /vmlinuz-6.8.0-evil root=/dev/sda1 ro init=/bin/sh';
    // SYNTHETIC: two PCR 8 records appended, digests as GRUB computes them.
    const log = parseTcgEventLog(
      concatBytes(
        logBytes(ubuntu),
        gceRecord(8, ascii(`Xgrub_cmd: ${evil}\0`), ascii(evil)),
        gceRecord(8, ascii(`Xkernel_cmdline: ${evil.slice(6)}\0`), ascii(evil.slice(6))),
      ),
    );
    const v = await verifyEventLog(log, { pcrs: replayEventLog(log).registers });
    expect(v.ok).toBe(true);
    const s = summarizeBoot(log, { verification: v });
    expect(s.kernelCommandLine).toMatchObject({
      events: [105],
      bound: false,
      verified: true,
      conflicts: [117, 118],
    });
  });

  it('GCE Ubuntu 24.04 with every GRUB string, path and app renamed and a PCR 12 line appended', async () => {
    const real = logBytes(ubuntu);
    const forged = rewriteReal(real, (e) => {
      const d = e.decoded;
      if (e.pcrIndex === 8 && d?.kind === 'loader') return concatBytes(ascii('X'), e.data);
      if (e.pcrIndex === 9 && d?.kind === 'loader') return utf16(d.text);
      if (e.pcrIndex === 4 && d?.kind === 'image-load' && /grubx64/.test(d.devicePath)) {
        const data = e.data.slice();
        const grubName = utf16('grub', false);
        const at = data.findIndex((_, i) => grubName.every((b, j) => data[i + j] === b));
        data.set(utf16('boot', false), at);
        return data;
      }
      return undefined;
    });
    // SYNTHETIC: a PCR 12 line root extended after boot.
    const line = gceRecord(12, utf16('root=PARTUUID=8270f3c9-b4e4-4345-80ee-5a62db7ebf3f ro'));
    const honest = parseTcgEventLog(concatBytes(real, line));
    const log = parseTcgEventLog(concatBytes(forged, line));
    const v = await verifyEventLog(log, { pcrs: replayEventLog(honest).registers });
    expect(v.ok).toBe(true);
    const s = summarizeBoot(log, { verification: v });
    expect(s.bootloader?.bound).toBe(false);
    expect(s.bootloader?.conflicts).toContain(103); // GRUB's `linux` command, relabelled
    expect(s.kernelCommandLine).toMatchObject({ events: [117], bound: false, verified: true });
    expect(s.kernelCommandLine?.conflicts).toEqual(expect.arrayContaining([103, 105, 113]));
  });

  it('Fedora 37 logs no boot application: its systemd-boot and PCR 12 line are not bound', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-sd-boot-fedora37.bin')));
    expect(s.efiApplications).toEqual([]);
    expect(s.bootloader).toMatchObject({ value: { kind: 'systemd-boot' }, events: [23, 24] });
    expect(s.bootloader?.bound).toBe(false);
    expect(s.kernelCommandLine).toMatchObject({ events: [23], bound: false });
    // Arch: systemd-boot's application (event 22) is in the chain; its PCR 8 line stays bound.
    const arch = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-arch-linux.bin')));
    expect(arch.kernelCommandLine).toMatchObject({ events: [24], bound: true });
  });

  it('census: the unbound events of the loader registers are the producers’ shapes; facts kept', async () => {
    const others = new Map<string, number>();
    const bound: string[] = [];
    for (const { id, log } of realLogs()) {
      const cc = log.kind === 'cc';
      for (const e of log.events as readonly (TcgEvent | CcEvent)[]) {
        const reg = 'pcrIndex' in e ? e.pcrIndex : e.mrIndex;
        if (!(cc ? reg === 3 : [8, 9, 11, 12, 13].includes(reg))) continue;
        const d = e.decoded;
        if (e.type === EV.NO_ACTION) continue;
        const readable =
          e.type === EV.IPL
            ? d?.kind === 'loader'
            : e.type === EV.EVENT_TAG
              ? d?.kind === 'event-tag' || d?.kind === 'sipa'
              : e.type === EV.SEPARATOR && d?.kind === 'separator';
        if (readable && e.digestCheck === 'verified') continue;
        const shaped =
          readable &&
          reg === (cc ? 3 : 9) &&
          (d?.kind === 'event-tag'
            ? [LOAD_OPTIONS_TAG, INITRD_TAG].includes(d.taggedEventId)
            : d?.kind === 'loader' &&
              d.encoding === 'ascii' &&
              (d.role === 'grub-file'
                ? /^[(/]|^grub_linuxefi (Kernel|Initrd)$/.test(d.text)
                : cc && d.role === 'shim-variable'));
        if (shaped) continue;
        const key = `${id} ${reg} ${e.typeName} ${d?.kind === 'loader' ? d.role : String(d?.kind)}`;
        others.set(key, (others.get(key) ?? 0) + 1);
      }
      if (log.events.every((e) => e.type === EV.NO_ACTION)) continue;
      const rep = replayEventLog(log);
      const v = cc
        ? await verifyEventLog(log, { rtmrs: [0, 1, 2, 3].map((i) => rep.registers.sha384![i]!) })
        : await verifyEventLog(log, { pcrs: rep.registers });
      const s = summarizeBoot(log, { verification: v });
      for (const name of ['bootloader', 'kernel', 'initrd', 'kernelCommandLine', 'uki'] as const) {
        const f = s[name];
        expect(f?.conflicts, `${id} ${name}`).toBeUndefined();
        if (f?.bound === true) bound.push(`${id} ${name}`);
      }
    }
    // BitLocker's EV_COMPACT_HASH in PCR 11 and the GKE UKI's section labels (UTF-16, MR 3): no
    // loader fact of those logs reads them.
    expect(Object.fromEntries(others)).toEqual({
      'goatt/option_rom_eventlog 11 EV_COMPACT_HASH undefined': 2,
      'tpm/real/go-attestation/windows_gcp_shielded_vm/eventlog.bin 11 EV_COMPACT_HASH undefined': 2,
      'ccel-trustee-data-grub-gke 3 EV_IPL other': 12,
    });
    // Every command line stays bound but Fedora 37's (no systemd-boot application logged); its
    // `uki` fact only lists the two PCR 12 lines, whose digests bind them.
    const lines = realLogs().filter((x) => summarizeBoot(x.log).kernelCommandLine !== undefined);
    expect(lines.length).toBe(28);
    expect(bound.filter((b) => !b.endsWith(' kernelCommandLine'))).toEqual([
      't2t/event-sd-boot-fedora37.bin uki',
    ]);
    expect(bound.filter((b) => b.endsWith(' kernelCommandLine')).length).toBe(27);
    expect(bound).not.toContain('t2t/event-sd-boot-fedora37.bin kernelCommandLine');
  });
});
