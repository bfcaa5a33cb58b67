/**
 * Session 11 review of the summary layer. An event's type is the log's word, not the TPM's: in the
 * registers where loaders measure strings (PCRs 8, 9, 11–13; CC: MR 3), an event the summary
 * cannot read as a loader string (another type, data that does not decode, a digest that
 * contradicts its data; since summary-review-s11b.test.ts also a digest that binds none of its data
 * outside its producer's shape) unbinds every loader fact read from that register and is named in
 * its `conflicts`; on a GRUB boot a PCR 12 command line is never bound. Also: the Alibaba Cloud TDX
 * GRUB's strings (a stray byte after the NUL) decode, the Linux EFI stub's tags name no
 * bootloader, duplicate policy variables keep the first value as a conflict, authorities come from
 * the policy register only, every `attestkit inspect` fact row says when it is not bound, and an
 * odd-length UTF-16 systemd-boot command line binds by its data and one zero byte. Real vectors
 * first (read in place, never copied), then SYNTHETIC logs built here, each labelled.
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
  type CcEventLog,
  type TcgEvent,
} from '../../src/eventlog/index.js';
import { tcgLogPlugin } from '../../src/cli/plugins/eventlog.js';
import type { CliContext } from '../../src/cli/registry.js';
import { describeVectors } from '../support/vectors.js';
import { logBytes, readVector, vectorExists } from './support/vectors.js';
import {
  GUID,
  ascii,
  encodeAgileLog,
  signatureList,
  u16,
  u32,
  uefiVariable,
  utf16,
  type EventSpec,
} from './support/encode.js';
import {
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

const DRIVER_CONFIG = EV.EFI_VARIABLE_DRIVER_CONFIG;
/** A GRUB string as upstream GRUB measures it into PCR 8: digest over the text after the prefix. */
/** A GRUB file event (PCR 9): the path as data, the file's bytes hashed. */
/** A boot application load in PCR 4 (device path = one file node). */
/** `events` with the type of the events at log indices `at` changed (digests and data untouched). */
function retyped(events: readonly EventSpec[], at: readonly number[], type: number): EventSpec[] {
  return events.map((e, i) => (at.includes(i + 1) ? { ...e, type } : e));
}

describe('S11 finding 1: a second `linux` hidden by its type (SYNTHETIC logs)', () => {
  it('retyped as EV_COMPACT_HASH: GRUB facts stay unbound and name the retyped events', async () => {
    const honest = await summarize(TWO_KERNELS);
    expect(shape(honest.s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [15],
    });
    const forged = retyped(TWO_KERNELS, [13, 14, 15], EV.COMPACT_HASH);
    const hostile = await summarize(forged, honest.log);
    expect(hostile.ok).toBe(true); // verifyEventLog's verdict is unchanged
    expect(hostile.s.kernelCommandLine?.value).toBe(
      '/vmlinuz-good root=/dev/sda1 ro lockdown=integrity',
    );
    // PCR 8 is where the command line is read: the two retyped PCR 8 events are its conflicts.
    expect(shape(hostile.s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [13, 15],
    });
    expect(hostile.s.kernel?.conflicts).toEqual([13, 14, 15]);
    expect(hostile.s.kernel?.bound).toBe(false);
    expect(hostile.s.bootloader?.conflicts).toEqual([13, 14, 15]);
  });

  it('rewritten instead (data that does not decode, or a benign command its digest contradicts)', async () => {
    const honest = await summarize(TWO_KERNELS);
    const evil = 'linux /vmlinuz-evil root=/dev/sda1 ro init=/bin/sh';
    const undecodable: EventSpec = {
      pcr: 8,
      type: EV.IPL,
      data: concatBytes(ascii(`grub_cmd: ${evil}\0`), new Uint8Array([1, 2])),
      hashOf: ascii(evil),
    };
    const benign: EventSpec = { pcr: 8, type: EV.IPL, data: ascii('grub_cmd: echo hi\0') };
    for (const replacement of [undecodable, { ...benign, hashOf: ascii(evil) }]) {
      const events = TWO_KERNELS.slice(0, 12).concat([replacement, ...TWO_KERNELS.slice(13)]);
      const { ok, s } = await summarize(retyped(events, [15], EV.COMPACT_HASH), honest.log);
      expect(ok).toBe(true);
      expect(s.kernelCommandLine?.bound).toBe(false);
      expect(s.kernelCommandLine?.conflicts).toEqual([13, 15]);
    }
  });

  it('a suspect in one register unbinds only the facts read from it', async () => {
    const boot = TWO_KERNELS.slice(0, 12);
    // An EV_EFI_ACTION whose digest binds its text: read as text, but not a type loaders write.
    const pcr13: EventSpec = { pcr: 13, type: EV.EFI_ACTION, data: ascii('.sysext') };
    const { s } = await summarize([...boot, pcr13]);
    expect(s.kernelCommandLine?.bound).toBe(true); // PCR 13 is not read for it
    expect(s.uki?.bound).toBe(false); // the UKI fact reads PCRs 11–13
    expect(s.uki?.events).toEqual([13]);
  });

  it('exempt: EV_NO_ACTION and a well-formed separator; a malformed separator is a suspect', async () => {
    const boot = TWO_KERNELS.slice(0, 12);
    const noAction: EventSpec = { pcr: 8, type: EV.NO_ACTION, data: ascii('anything\0') };
    const separator: EventSpec = { pcr: 8, type: EV.SEPARATOR, data: new Uint8Array(4) };
    for (const extra of [noAction, separator])
      expect((await summarize([...boot, extra])).s.kernelCommandLine?.bound).toBe(true);
    const forged: EventSpec = { ...separator, hashOf: ascii('linux /vmlinuz-evil') };
    const { s } = await summarize([...boot, forged]);
    expect(shape(s.kernelCommandLine)).toMatchObject({ bound: false, conflicts: [13] });
  });

  it('CC log: a retyped string in MR 3 unbinds the loader facts', () => {
    const mr3 = [
      grub('grub_cmd: ', 'linux /vmlinuz root=/dev/vda1 ro', 3), // 1
      grubFile('/vmlinuz', 'KERNEL', 3), // 2
      grub('kernel_cmdline: ', '/vmlinuz root=/dev/vda1 ro', 3), // 3
      grub('grub_cmd: ', 'linux /vmlinuz-evil init=/bin/sh', 3), // 4
    ];
    const cc = (events: EventSpec[]): CcEventLog =>
      parseCcEventLog(encodeAgileLog(['sha384'], events, { headerPcr: 1 }));
    // Honest: the second `linux` is a conflict of the command line it does not start.
    expect(summarizeBoot(cc(mr3)).kernelCommandLine?.bound).toBe(false);
    expect(summarizeBoot(cc(mr3.slice(0, 3))).kernelCommandLine?.bound).toBe(true);
    const s = summarizeBoot(cc(retyped(mr3, [4], EV.COMPACT_HASH)));
    expect(shape(s.kernelCommandLine)).toEqual({ bound: false, conflicts: [4] });
    expect(s.kernel?.conflicts).toEqual([4]);
  });
});

describe('S11 finding 2: a PCR 12 stand-in on a GRUB boot (SYNTHETIC logs)', () => {
  const line = 'root=/dev/sda1 ro lockdown=integrity module.sig_enforce=1';
  const pcr12: EventSpec = { pcr: 12, type: EV.IPL, data: utf16(line) };
  const machine: EventSpec[] = [
    SECURE_BOOT_ON,
    ...SEPARATORS,
    grub('grub_cmd: ', 'set root=hd0,gpt2'), // 10
    grub('grub_cmd: ', 'linux /vmlinuz root=/dev/sda1 ro init=/bin/sh'), // 11
    grubFile('/vmlinuz', 'KERNEL'), // 12
    grub('kernel_cmdline: ', '/vmlinuz root=/dev/sda1 ro init=/bin/sh'), // 13
    pcr12, // 14: extended by root after boot
  ];

  it("GRUB's command line and `linux` retyped: the PCR 12 line is not bound", async () => {
    const honest = await summarize(machine);
    const { ok, s } = await summarize(retyped(machine, [11, 13], EV.COMPACT_HASH), honest.log);
    expect(ok).toBe(true);
    expect(s.bootloader?.value.kind).toBe('grub');
    expect(s.kernelCommandLine?.value).toBe(line);
    expect(shape(s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [11, 13],
    });
  });

  it('on a GRUB boot a PCR 12 line is never bound, even with nothing hidden', async () => {
    // GRUB measured its commands but not the command line (no kernel_cmdline string).
    const { s } = await summarize([...machine.slice(0, 12), pcr12]);
    expect(s.kernelCommandLine?.value).toBe(line);
    expect(shape(s.kernelCommandLine)).toEqual({ bound: false, verified: true, conflicts: [11] });
    // GRUB measured nothing at all: its boot application names it.
    const quiet = await summarize([
      SECURE_BOOT_ON,
      ...SEPARATORS,
      bootApp('\\EFI\\x\\grubx64.efi'),
      pcr12,
    ]);
    expect(quiet.s.bootloader?.value).toEqual({ kind: 'grub', commands: [], files: [] });
    expect(quiet.s.bootloader?.bound).toBe(false); // a path no digest covers
    expect(quiet.s.kernelCommandLine?.bound).toBe(false);
    // The same line after systemd-boot is its command line, bound.
    const sd = await summarize([
      SECURE_BOOT_ON,
      ...SEPARATORS,
      bootApp('\\EFI\\systemd\\systemd-bootx64.efi'),
      pcr12,
    ]);
    expect(sd.s.bootloader?.value.kind).toBe('systemd-boot');
    expect(shape(sd.s.kernelCommandLine)).toEqual({
      bound: true,
      verified: true,
      conflicts: undefined,
    });
  });
});

describe('S11 finding 3: a UKI `.cmdline` section hidden by its type (SYNTHETIC log)', () => {
  it('retyped in PCR 11: the PCR 12 line stays unbound and names it', async () => {
    const base: EventSpec[] = [
      ...SEPARATORS,
      { pcr: 11, type: EV.IPL, data: ascii('.linux\0'), hashOf: ascii('KERNEL') }, // 9
      { pcr: 11, type: EV.IPL, data: ascii('.cmdline\0'), hashOf: ascii('ro lockdown=integrity') }, // 10
      { pcr: 12, type: EV.IPL, data: utf16('root=/dev/vda1 rw init=/bin/sh') }, // 11
    ];
    const honest = await summarize(base);
    // Both section events are conflicts: their digests do not bind their labels (S11b finding 1).
    expect(shape(honest.s.kernelCommandLine)).toEqual({
      bound: false,
      verified: true,
      conflicts: [9, 10],
    });
    for (const type of [EV.EFI_BOOT_SERVICES_DRIVER, EV.COMPACT_HASH, EV.EFI_ACTION]) {
      const { ok, s } = await summarize(retyped(base, [10], type), honest.log);
      expect(ok, `type ${type}`).toBe(true);
      expect(shape(s.kernelCommandLine), `type ${type}`).toEqual({
        bound: false,
        verified: true,
        conflicts: [9, 10],
      });
      expect(s.uki?.bound).toBe(false);
    }
  });
});

describeVectors('S11: real logs and the hidden-loader-string rule', () => {
  it('every event of the loader registers is a string or tag the loaders write, bar Windows PCR 11', async () => {
    const others: string[] = [];
    let loaderEvents = 0;
    for (const { id, log } of realLogs()) {
      for (const e of log.events as readonly (TcgEvent | (typeof log.events)[number])[]) {
        const reg = 'pcrIndex' in e ? e.pcrIndex : e.mrIndex;
        if (!(log.kind === 'cc' ? reg === 3 : [8, 9, 11, 12, 13].includes(reg))) continue;
        loaderEvents++;
        const d = e.decoded?.kind;
        const written =
          e.type === EV.NO_ACTION ||
          (e.type === EV.IPL && d === 'loader') ||
          (e.type === EV.EVENT_TAG && (d === 'event-tag' || d === 'sipa')) ||
          (e.type === EV.SEPARATOR && d === 'separator' && e.digestCheck === 'verified');
        if (!written || e.digestCheck === 'mismatch') others.push(`${id} ${reg} ${e.typeName}`);
      }
      // With a verification of every register, no loader fact names a suspect.
      if (log.events.every((e) => e.type === EV.NO_ACTION)) continue;
      const rep = replayEventLog(log);
      const v =
        log.kind === 'cc'
          ? await verifyEventLog(log, { rtmrs: [0, 1, 2, 3].map((i) => rep.registers.sha384![i]!) })
          : await verifyEventLog(log, { pcrs: rep.registers });
      const s = summarizeBoot(log, { verification: v });
      for (const f of [s.bootloader, s.kernel, s.initrd, s.kernelCommandLine, s.uki])
        for (const i of f?.conflicts ?? []) expect(log.events[i]!.type, `${id} #${i}`).toBe(EV.IPL);
    }
    expect(loaderEvents).toBeGreaterThan(1000);
    // BitLocker's PCR 11 event: a suspect by the rule, but no fact of those logs reads PCR 11.
    expect([...new Set(others)]).toEqual([
      'goatt/option_rom_eventlog 11 EV_COMPACT_HASH',
      'tpm/real/go-attestation/windows_gcp_shielded_vm/eventlog.bin 11 EV_COMPACT_HASH',
    ]);
    for (const { id, log } of realLogs().filter((x) => /option_rom|windows_gcp/.test(x.id))) {
      const s = summarizeBoot(log);
      expect(s.kernelCommandLine, id).toBeUndefined();
      expect(s.uki, id).toBeUndefined();
    }
  });

  it("GCE Ubuntu 24.04: GRUB's line and `linux` retyped, a benign PCR 12 line appended: not bound", async () => {
    const real = logBytes('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin');
    const log0 = parseTcgEventLog(real);
    expect(summarizeBoot(log0).kernelCommandLine).toMatchObject({ events: [105], bound: true });
    const forged = real.slice();
    const dv = new DataView(forged.buffer, forged.byteOffset, forged.byteLength);
    for (const i of [103, 105]) {
      expect(log0.events[i]!.type).toBe(EV.IPL);
      dv.setUint32(log0.events[i]!.offset + 4, EV.COMPACT_HASH, true);
    }
    // SYNTHETIC: one PCR 12 EV_IPL (UTF-16 line) appended, as root could extend after boot.
    const data = utf16('root=PARTUUID=8270f3c9-b4e4-4345-80ee-5a62db7ebf3f ro lockdown=integrity');
    const record = concatBytes(
      u32(12),
      u32(EV.IPL),
      u32(3),
      u16(0x0004),
      digest('sha1', data),
      u16(0x000b),
      digest('sha256', data),
      u16(0x000c),
      digest('sha384', data),
      u32(data.length),
      data,
    );
    const log = parseTcgEventLog(concatBytes(forged, record));
    const v = await verifyEventLog(log, { pcrs: replayEventLog(log).registers });
    expect(v.ok).toBe(true);
    const s = summarizeBoot(log, { verification: v });
    expect(s.bootloader?.value.kind).toBe('grub');
    // 113: the Linux EFI stub's LoadOptions tag, the line the kernel got (S11b finding 4).
    expect(s.kernelCommandLine).toMatchObject({
      events: [117],
      bound: false,
      verified: true,
      conflicts: [103, 105, 113],
    });
  });
});

describeVectors(
  'S11 finding 4: the Alibaba Cloud TDX GRUB (ccel-trustee-aael-alibabacloud)',
  () => {
    it('its strings (NUL, then a stray byte) decode and bind; GRUB, kernel, initrd, command line', () => {
      const log = parseCcEventLog(
        readVector('tdx', 'ccel-trustee-aael-alibabacloud', 'ccel_data.bin'),
      );
      const ipl = log.events.filter((e) => e.mrIndex === 3 && e.type === EV.IPL);
      expect(ipl.length).toBe(58);
      expect(ipl.filter((e) => e.decoded?.kind !== 'loader')).toEqual([]);
      const e79 = log.events[79]!;
      expect(e79.data.at(-2)).toBe(0); // the stray byte follows the NUL
      expect(e79.decoded).toMatchObject({ kind: 'loader', role: 'grub-command' });
      expect([e79.digestCheck, e79.digestRule]).toEqual(['verified', 'grub-text-nul']);
      expect([log.events[81]!.digestCheck, log.events[81]!.digestRule]).toEqual([
        'verified',
        'grub-text',
      ]);
      const s = summarizeBoot(log);
      expect(s.bootloader?.value.kind).toBe('grub');
      expect(s.bootloader?.value.commands.length).toBe(52);
      const kernel = '(hd0,gpt3)/boot/vmlinuz-5.10.134-19.1.al8.x86_64';
      expect(s.kernel).toMatchObject({ value: { path: kernel }, events: [79, 80] });
      expect(s.initrd?.value.path).toBe('(hd0,gpt3)/boot/initramfs-5.10.134-19.1.al8.x86_64.img');
      expect(s.kernelCommandLine?.value.startsWith(`${kernel} root=UUID=`)).toBe(true);
      expect(shape(s.kernelCommandLine)).toEqual({
        bound: true,
        verified: undefined,
        conflicts: undefined,
      });
    });
  },
);

describe('S11 finding 4: the stray-byte quirk is tried only after the strict reading (SYNTHETIC)', () => {
  it('one byte after the NUL decodes and binds; two bytes, or none of the NUL, do not', () => {
    const text = 'linux /vmlinuz ro';
    const withTail = (tail: number[]): TcgEvent =>
      parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            {
              pcr: 8,
              type: EV.IPL,
              data: concatBytes(ascii(`grub_cmd ${text}\0`), new Uint8Array(tail)),
              hashOf: ascii(`${text}\0`),
            },
          ],
        ),
      ).events[1]!;
    expect(withTail([0x6e]).decoded).toMatchObject({ kind: 'loader', value: text });
    expect(withTail([0x6e]).digestCheck).toBe('verified');
    expect(withTail([0]).decoded).toMatchObject({ kind: 'loader', value: text });
    expect(withTail([0x6e, 0x6c]).decoded).toBeUndefined();
    expect(withTail([0x6e, 0]).decoded).toBeUndefined();
  });
});

describeVectors('S11 finding 5: the Linux EFI stub’s tags name no bootloader', () => {
  it('ccel-trustee-data-grub is GRUB (its application), ccel-trustee-data-ovmf has none', () => {
    const grubLog = parseCcEventLog(readVector('tdx', 'ccel-trustee-data-grub', 'ccel_data.bin'));
    const g = summarizeBoot(grubLog);
    expect(g.bootloader).toMatchObject({
      value: { kind: 'grub', commands: [], files: [] },
      events: [32],
      bound: false,
    });
    expect(g.initrd?.events).toEqual([35]); // the EFI stub's initrd tag still gives the initrd
    const ovmf = summarizeBoot(
      parseCcEventLog(readVector('tdx', 'ccel-trustee-data-ovmf', 'ccel_data.bin')),
    );
    expect(ovmf.bootloader).toBeUndefined();
    expect(ovmf.initrd?.events).toEqual([18]);
  });
});

describe('S11 finding 6: duplicate policy variables (SYNTHETIC logs)', () => {
  const sb = (v: number): EventSpec => ({
    pcr: 7,
    type: DRIVER_CONFIG,
    data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([v])),
  });
  const db = (n: number): EventSpec => ({
    pcr: 7,
    type: DRIVER_CONFIG,
    data: uefiVariable(
      GUID.imageSecurityDatabase,
      'db',
      signatureList(
        GUID.certSha256,
        Array.from({ length: n }, (_, i) => ({
          owner: GUID.globalVariable,
          data: new Uint8Array(32).fill(i + 1),
        })),
      ),
    ),
  });

  it('the first value of every variable counts; another value is a conflict', async () => {
    const { ok, s } = await summarize([sb(1), sb(0), db(1), db(5), ...SEPARATORS]);
    expect(ok).toBe(false); // eventlog.digest-binding: measured twice
    expect(s.secureBoot).toMatchObject({
      value: { enabled: true, mode: 'enabled', sources: { secureBoot: 1 } },
      events: [1],
      bound: false,
      verified: false,
      conflicts: [2],
    });
    expect(s.databases.db).toMatchObject({ events: [3], bound: false, conflicts: [4] });
    expect(s.databases.db?.value.sha256Count).toBe(1);
  });

  it('the same value twice is no conflict', () => {
    const s = summarizeBoot(
      parseTcgEventLog(encodeAgileLog(['sha256'], [sb(1), sb(1), db(2), db(2), ...SEPARATORS])),
    );
    expect(shape(s.secureBoot)).toEqual({ bound: true, verified: undefined, conflicts: undefined });
    expect(s.databases.db).toMatchObject({ events: [3], bound: true });
    expect(s.databases.db?.conflicts).toBeUndefined();
  });
});

describe('S11 finding 7: authorities come from the policy register only (SYNTHETIC log)', () => {
  it('an EV_EFI_VARIABLE_AUTHORITY in PCR 13 is not listed', () => {
    const authority = (pcr: number): EventSpec => ({
      pcr,
      type: EV.EFI_VARIABLE_AUTHORITY,
      data: uefiVariable(GUID.imageSecurityDatabase, 'db', ascii('not a certificate')),
    });
    const s = summarizeBoot(
      parseTcgEventLog(encodeAgileLog(['sha256'], [...SEPARATORS, authority(7), authority(13)])),
    );
    expect(s.authorities.map((a) => a.events)).toEqual([[9]]);
  });
});

describe('S11 finding 8: `attestkit inspect` fact rows say when a fact is not bound', () => {
  const ctx: CliContext = {
    collateralDir: undefined,
    now: undefined,
    manifest: undefined,
    baseDir: '/',
    readFile: () => {
      throw new Error('no file is read');
    },
    readText: () => {
      throw new Error('no file is read');
    },
    exists: () => false,
  };
  async function rows(bytes: Uint8Array): Promise<Map<string, string>> {
    const i = await tcgLogPlugin.inspect({ path: 'synthetic.bin', bytes, text: undefined }, ctx);
    const boot = i.sections.find((x) => x.heading.startsWith('Boot summary'))!;
    return new Map(boot.rows.map(([k, v]) => [k, v]));
  }

  it('SYNTHETIC: a conflict is printed as one; DMA and the boot variables carry their marker', async () => {
    const sb = (v: number): EventSpec => ({
      pcr: 7,
      type: DRIVER_CONFIG,
      data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([v])),
    });
    const r = await rows(
      encodeAgileLog(
        ['sha256'],
        [
          sb(1),
          sb(0),
          ...SEPARATORS,
          // An EV_EFI_ACTION whose digest is not the hash of its text: not bound.
          {
            pcr: 4,
            type: EV.EFI_ACTION,
            data: ascii('DMA Protection Disabled'),
            hashOf: ascii('x'),
          },
          grub('grub_cmd: ', 'linux /vmlinuz ro'),
          { pcr: 8, type: EV.COMPACT_HASH, data: ascii('x'), hashOf: ascii('y') },
        ],
      ),
    );
    expect(r.get('Secure Boot')).toBe('enabled [event 1; not bound: conflicts with event 2]');
    expect(r.get('DMA protection')).toBe('DISABLED [event 11; content not bound to digest]');
    expect(r.get('bootloader')).toBe(
      'grub, 1 command(s) [event 12; not bound: conflicts with event 13]',
    );
  });

  it.skipIf(!vectorExists('eventlog', 'go-tpm-tools', 'eventlogwithsp800155.bin'))(
    'eventlogwithsp800155.bin: bootloader, platform, BootOrder and Boot#### rows',
    async () => {
      const r = await rows(logBytes('go-tpm-tools/eventlogwithsp800155.bin'));
      for (const name of ['bootloader', 'platform', 'BootOrder', 'Boot0001', 'Boot0000'])
        expect(r.get(name), name).toMatch(/ \[events? [^\]]*; content not bound to digest\]$/);
    },
  );
});

describeVectors('S11 finding 9: an odd-length UTF-16 systemd-boot command line', () => {
  it('binds by its data and one zero byte in every bank (both Arch logs)', async () => {
    for (const f of [
      'go-tpm-tools/arch-linux-workstation.bin',
      'tpm2-tools/event-arch-linux.bin',
    ]) {
      const log = parseTcgEventLog(logBytes(f));
      const e = log.events[24]!;
      expect(e.data.length % 2, f).toBe(1);
      expect([e.digestCheck, e.digestRule], f).toEqual(['verified', 'event-data']);
      const v = await verifyEventLog(log, { pcrs: replayEventLog(log).registers });
      expect(v.digestMismatchEvents, f).toEqual([]);
      const s = summarizeBoot(log, { verification: v });
      expect(shape(s.kernelCommandLine), f).toEqual({
        bound: true,
        verified: true,
        conflicts: undefined,
      });
    }
  });
});

describe('S11 finding 9: the zero byte completes an odd length only (SYNTHETIC)', () => {
  const line = utf16('root=/dev/vda1 ro');
  const check = (data: Uint8Array, hashOf: Uint8Array): TcgEvent =>
    parseTcgEventLog(encodeAgileLog(['sha256'], [{ pcr: 12, type: EV.IPL, data, hashOf }]))
      .events[1]!;
  it('odd and one byte short of the NUL: H(data) or H(data ‖ 00); even: H(data) only', () => {
    const odd = line.subarray(0, -1); // ends with 0x00, half of the terminating NUL
    expect(check(odd, concatBytes(odd, new Uint8Array(1))).digestCheck).toBe('verified');
    expect(check(odd, odd).digestCheck).toBe('verified');
    expect(check(odd, ascii('other')).digestCheck).toBe('mismatch');
    // One byte short of a character instead (digest-rules.ts since 40b3cd8): H(data) only.
    const short = utf16('root=/dev/vda1 ro', false).subarray(0, -1);
    expect(check(short, concatBytes(short, new Uint8Array(1))).digestCheck).toBe('mismatch');
    expect(check(line, concatBytes(line, new Uint8Array(1))).digestCheck).toBe('mismatch');
    expect(check(line, line).digestCheck).toBe('verified');
  });
});
