/**
 * Review S9 (event-log summary findings). A summary given a verification decides binding in the
 * compared banks for every event the parse believed, whatever its type (1), and by the weakest
 * digest rule across those banks (2); facts are read only from the registers their producer
 * measures into, the first of several is kept and the others named as conflicts (3); a GRUB kernel
 * cites the command that names its path (4); a mode variable after PCR 1's separator is not bound,
 * and one measured twice fails (5); only a separator digest ends the policy window, and a failing
 * check naming a window event unverifies the policy (6); an ascii legacy `ima` path over 255 bytes
 * or with a NUL is refused (7). Real vectors first where they apply; every other log here is
 * SYNTHETIC (test encoder).
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { digest, type HashAlg } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { fromHex, toHex, utf8Encode } from '../../src/core/encoding.js';
import {
  EV,
  parseCcEventLog,
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type EventLogVerification,
  type TcgEventLog,
} from '../../src/eventlog/index.js';
import { banksFromHex, logBytes, readVector } from './support/vectors.js';
import {
  DP_END,
  GUID,
  ascii,
  encodeAgileLog,
  filePathNode,
  foldReplay,
  imageLoad,
  uefiVariable,
  utf16,
  type EventSpec,
} from './support/encode.js';

const DRIVER_CONFIG = EV.EFI_VARIABLE_DRIVER_CONFIG;
const status = (v: EventLogVerification, id: string): string | undefined =>
  v.checks.find((c) => c.id === id)?.status;
const quote = (banks: readonly HashAlg[], events: readonly EventSpec[], only?: number[]) => {
  const f = foldReplay(banks, events);
  if (only !== undefined)
    for (const b of Object.keys(f))
      f[b] = Object.fromEntries(Object.entries(f[b]!).filter(([k]) => only.includes(Number(k))));
  return banksFromHex(f);
};
const variable = (pcr: number, name: string, value: number, type = DRIVER_CONFIG): EventSpec => ({
  pcr,
  type,
  data: uefiVariable(GUID.globalVariable, name, new Uint8Array([value])),
});
const separator = (pcr: number): EventSpec => ({
  pcr,
  type: EV.SEPARATOR,
  data: new Uint8Array(4),
});
const grub = (pcr: number, text: string, hashed: string): EventSpec => ({
  pcr,
  type: EV.IPL,
  data: ascii(`${text}\0`),
  hashOf: ascii(hashed),
});
const file = (pcr: number, path: string, contents: string): EventSpec => ({
  pcr,
  type: EV.IPL,
  data: ascii(`${path}\0`),
  hashOf: ascii(contents),
});
const app = (pcr: number, path: string, pe: string): EventSpec => ({
  pcr,
  type: EV.EFI_BOOT_SERVICES_APPLICATION,
  data: imageLoad(concatBytes(filePathNode(path), DP_END)),
  hashOf: ascii(pe),
});
const bootOrder = (pcr: number, order: number[], whole = false): EventSpec => {
  const value = new Uint8Array(order.flatMap((o) => [o & 0xff, o >> 8]));
  const data = uefiVariable(GUID.globalVariable, 'BootOrder', value);
  return { pcr, type: EV.EFI_VARIABLE_BOOT, data, hashOf: whole ? data : value };
};

async function verifyAll(log: TcgEventLog): Promise<EventLogVerification> {
  return verifyEventLog(log, { pcrs: replayEventLog(log).registers });
}

// -------------------------------------------------------------------------------------------------
// (1) A non-digest-bound event whose parse-bank digest is H(data) but whose quoted bank differs.
// -------------------------------------------------------------------------------------------------

describe('S9-1: binding of any event the parse believed is decided in the compared banks', () => {
  const realPe = ascii('MZ the image that really ran');
  const realKernel = ascii('the kernel that really ran');
  const realSection = ascii('.cmdline section: init=/bin/sh');
  const appData = imageLoad(concatBytes(filePathNode('\\EFI\\ubuntu\\shimx64.efi'), DP_END));
  const kernelPath = ascii('/boot/vmlinuz-good\0');
  const ukiData = ascii('.cmdline\0');
  // sha256 (the parse's bank) = H(the data shown); the other bank = the real measurement.
  const forged = (banks: readonly HashAlg[], data: Uint8Array, real: Uint8Array) =>
    Object.fromEntries(banks.map((b) => [b, digest(b, b === 'sha256' ? data : real)]));
  const events = (banks: readonly HashAlg[], forge: boolean): EventSpec[] => {
    const d = (data: Uint8Array, real: Uint8Array) =>
      forge ? { digests: forged(banks, data, real) } : { hashOf: real };
    return [
      { pcr: 4, type: EV.EFI_BOOT_SERVICES_APPLICATION, data: appData, ...d(appData, realPe) },
      grub(8, 'grub_cmd: linux /boot/vmlinuz-good', 'linux /boot/vmlinuz-good'),
      { pcr: 9, type: EV.IPL, data: kernelPath, ...d(kernelPath, realKernel) },
      { pcr: 11, type: EV.IPL, data: ukiData, ...d(ukiData, realSection) },
    ];
  };

  for (const [banks, quoted] of [
    [['sha256', 'sha384'], 'sha384'],
    [['sha1', 'sha256'], 'sha1'],
  ] as const) {
    it(`log ${banks.join('+')}, quote ${quoted}: the facts are not bound; event-digests warns`, async () => {
      const evs = events(banks, true);
      const log = parseTcgEventLog(encodeAgileLog(banks, evs));
      expect([1, 3, 4].map((i) => log.events[i]!.digestCheck)).toEqual([
        'verified',
        'verified',
        'verified',
      ]);
      const v = await verifyEventLog(log, { pcrs: quote([quoted], evs) });
      expect(v.ok).toBe(true); // the registers do match: only the content is not theirs
      expect(v.unboundInComparedBanks).toEqual([1, 3, 4]);
      expect(v.digestMismatchEvents).toEqual([]);
      expect(status(v, 'eventlog.event-digests')).toBe('warn');
      const s = summarizeBoot(log, { verification: v });
      expect(s.efiApplications[0]!.bound).toBe(false);
      expect(s.efiApplications[0]!.verified).toBe(true);
      expect(s.kernel?.value.path).toBe('/boot/vmlinuz-good');
      expect(s.kernel?.bound).toBe(false);
      expect(s.uki?.bound).toBe(false);
      // Without a verification only the parse's one bank is known (documented).
      expect(summarizeBoot(log).uki?.bound).toBe(true);
    });
  }

  it('the honest log under the same quote: nothing unbound, event-digests does not warn', async () => {
    const evs = events(['sha256', 'sha384'], false);
    const log = parseTcgEventLog(encodeAgileLog(['sha256', 'sha384'], evs));
    const v = await verifyEventLog(log, { pcrs: quote(['sha384'], evs) });
    expect(v.unboundInComparedBanks).toEqual([]);
    expect(status(v, 'eventlog.event-digests')).toBe('pass');
  });

  it('a non-bound event that hashes its data in every bank stays bound', async () => {
    const evs: EventSpec[] = [{ pcr: 11, type: EV.IPL, data: ukiData }];
    const log = parseTcgEventLog(encodeAgileLog(['sha256', 'sha384'], evs));
    const v = await verifyEventLog(log, { pcrs: quote(['sha384'], evs) });
    expect(v.unboundInComparedBanks).toEqual([]);
    expect(summarizeBoot(log, { verification: v }).uki?.bound).toBe(true);
  });

  it('CC log (sha256 + sha384, RTMRs in sha384): the same', async () => {
    const cc: EventSpec[] = [
      { ...events(['sha256', 'sha384'], true)[0]!, pcr: 2 },
      grub(3, 'grub_cmd: linux /boot/vmlinuz-good', 'linux /boot/vmlinuz-good'),
      { ...events(['sha256', 'sha384'], true)[2]!, pcr: 3 },
    ];
    const log = parseCcEventLog(encodeAgileLog(['sha256', 'sha384'], cc, { headerPcr: 0 }));
    const f = foldReplay(['sha384'], cc).sha384!;
    const rtmrs = [1, 2, 3, 4].map((i) =>
      f[i] !== undefined ? fromHex(f[i]) : new Uint8Array(48),
    );
    const v = await verifyEventLog(log, { rtmrs });
    expect(v.ok).toBe(true);
    expect(v.unboundInComparedBanks).toEqual([1, 3]);
    const s = summarizeBoot(log, { verification: v });
    expect(s.efiApplications[0]!.bound).toBe(false);
    expect(s.kernel?.bound).toBe(false);
    expect(s.kernel?.verified).toBe(true);
  });

  it('in the Secure Boot policy window the inconsistency fails eventlog.event-digests', async () => {
    const shown = ascii('shown');
    const evs: EventSpec[] = [
      variable(7, 'SecureBoot', 1),
      {
        pcr: 7,
        type: EV.POST_CODE,
        data: shown,
        digests: { sha256: digest('sha256', shown), sha384: digest('sha384', ascii('real')) },
      },
      separator(7),
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256', 'sha384'], evs));
    const v = await verifyEventLog(log, { pcrs: quote(['sha384'], evs) });
    expect(v.unboundInComparedBanks).toEqual([2]);
    expect(status(v, 'eventlog.event-digests')).toBe('fail');
  });
});

describeVectors('S9-1: real logs have no event that binds in one bank and not another', () => {
  it('ubuntu-2404 (sha1+sha256+sha384), every single-bank quote: nothing unbound, same verdicts', async () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin'));
    const regs = replayEventLog(log).registers;
    for (const b of ['sha1', 'sha256', 'sha384'] as const) {
      const v = await verifyEventLog(log, { pcrs: { [b]: regs[b]! } });
      expect(v.ok).toBe(true);
      expect(v.unboundInComparedBanks).toEqual([]);
      expect(status(v, 'eventlog.event-digests')).toBe('pass');
      // edk2 hashes the boot variables' VariableData in every bank.
      expect(v.variableDataEvents).toEqual([12, 13, 14, 15]);
    }
  });
});

// -------------------------------------------------------------------------------------------------
// (2) The weakest rule across the compared banks decides whether a variable name is bound.
// -------------------------------------------------------------------------------------------------

describe('S9-2: a boot variable bound by VariableData in a compared bank does not bind its name', () => {
  const value = new Uint8Array([3, 0, 1, 0]);
  const data = uefiVariable(GUID.globalVariable, 'BootOrder', value);
  const log2 = (sha256: Uint8Array, sha384: Uint8Array): { log: TcgEventLog; evs: EventSpec[] } => {
    const evs: EventSpec[] = [
      {
        pcr: 1,
        type: EV.EFI_VARIABLE_BOOT,
        data,
        digests: { sha256: digest('sha256', sha256), sha384: digest('sha384', sha384) },
      },
    ];
    return { log: parseTcgEventLog(encodeAgileLog(['sha256', 'sha384'], evs)), evs };
  };

  it('sha256 = H(whole), quoted sha384 = H(VariableData): the name is not bound', async () => {
    const { log, evs } = log2(data, value);
    expect(log.events[1]!.digestRule).toBe('event-data');
    const v = await verifyEventLog(log, { pcrs: quote(['sha384'], evs) });
    expect(v.ok).toBe(true);
    expect(v.variableDataEvents).toEqual([1]);
    const s = summarizeBoot(log, { verification: v });
    expect(s.bootOrder?.value).toEqual([3, 1]);
    expect(s.bootOrder?.bound).toBe(false);
    expect(s.bootOrder?.verified).toBe(true);
    // Both banks compared: the weaker rule (sha384's) still decides.
    const both = await verifyEventLog(log, { pcrs: quote(['sha256', 'sha384'], evs) });
    expect(both.variableDataEvents).toEqual([1]);
    expect(summarizeBoot(log, { verification: both }).bootOrder?.bound).toBe(false);
  });

  it('sha256 = H(VariableData), quoted sha384 = H(whole): the quote binds the name', async () => {
    const { log, evs } = log2(value, data);
    expect(log.events[1]!.digestRule).toBe('variable-data');
    expect(summarizeBoot(log).bootOrder?.bound).toBe(false); // the parse's rule alone
    const v = await verifyEventLog(log, { pcrs: quote(['sha384'], evs) });
    expect(v.variableDataEvents).toEqual([]);
    expect(summarizeBoot(log, { verification: v }).bootOrder?.bound).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------
// (3) Facts only from their producer's registers; the first of several, with conflicts.
// -------------------------------------------------------------------------------------------------

describe('S9-3: facts come from the registers their producer measures into', () => {
  const real: EventSpec[] = [
    grub(
      8,
      'grub_cmd: linux /boot/vmlinuz-evil init=/bin/sh',
      'linux /boot/vmlinuz-evil init=/bin/sh',
    ),
    file(9, '/boot/vmlinuz-evil', 'EVIL KERNEL'),
    grub(8, 'kernel_cmdline: /boot/vmlinuz-evil init=/bin/sh', '/boot/vmlinuz-evil init=/bin/sh'),
  ];
  for (const pcr of [16, 23, 40]) {
    it(`GRUB events appended in PCR ${pcr} name no kernel or command line`, async () => {
      const evs = [
        ...real,
        grub(pcr, 'grub_cmd: linux /boot/vmlinuz-good ro', 'linux /boot/vmlinuz-good ro'),
        file(pcr, '/boot/vmlinuz-good', 'GOOD KERNEL'),
        grub(pcr, 'kernel_cmdline: /boot/vmlinuz-good ro', '/boot/vmlinuz-good ro'),
      ];
      const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
      const v = await verifyEventLog(log, {
        pcrs: quote(['sha256'], evs, pcr < 24 ? [8, 9, pcr] : [8, 9]),
      });
      expect(v.ok).toBe(true);
      const s = summarizeBoot(log, { verification: v });
      expect(s.kernelCommandLine?.value).toBe('/boot/vmlinuz-evil init=/bin/sh');
      expect(s.kernelCommandLine?.events).toEqual([3]);
      expect(s.kernelCommandLine?.conflicts).toBeUndefined();
      expect(s.kernel?.value.path).toBe('/boot/vmlinuz-evil');
      expect(s.kernel?.events).toEqual([1, 2]);
      expect(s.bootloader?.value.commands).toEqual(['linux /boot/vmlinuz-evil init=/bin/sh']);
    });
  }

  it('two command lines in PCR 8: the first is kept, unbound, the other named', async () => {
    const evs = [
      ...real,
      grub(8, 'kernel_cmdline: /boot/vmlinuz-evil ro quiet', '/boot/vmlinuz-evil ro quiet'),
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const s = summarizeBoot(log, { verification: await verifyAll(log) });
    expect(s.kernelCommandLine?.value).toBe('/boot/vmlinuz-evil init=/bin/sh');
    expect(s.kernelCommandLine?.bound).toBe(false);
    expect(s.kernelCommandLine?.conflicts).toEqual([4]);
    // The same text twice (Fedora 37 logs its command line twice) is no conflict.
    const same = [...real, real[2]!];
    const log2 = parseTcgEventLog(encodeAgileLog(['sha256'], same));
    const s2 = summarizeBoot(log2);
    expect(s2.kernelCommandLine?.events).toEqual([3]);
    expect(s2.kernelCommandLine?.bound).toBe(true);
    expect(s2.kernelCommandLine?.conflicts).toBeUndefined();
  });

  it('two linux commands with different kernels: the first, unbound, the other named', () => {
    const evs: EventSpec[] = [
      grub(8, 'grub_cmd: linux /boot/vmlinuz-a', 'linux /boot/vmlinuz-a'),
      file(9, '/boot/vmlinuz-a', 'A'),
      grub(8, 'grub_cmd: linux /boot/vmlinuz-b', 'linux /boot/vmlinuz-b'),
      file(9, '/boot/vmlinuz-b', 'B'),
    ];
    const s = summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], evs)));
    expect(s.kernel?.value.path).toBe('/boot/vmlinuz-a');
    expect(s.kernel?.events).toEqual([1, 2]);
    expect(s.kernel?.conflicts).toEqual([3]);
  });

  it('BootOrder from PCR 1 only; a second value there is a conflict', () => {
    const elsewhere = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(['sha256'], [bootOrder(16, [9], true), bootOrder(1, [1, 0], true)]),
      ),
    );
    expect(elsewhere.bootOrder?.value).toEqual([1, 0]);
    expect(elsewhere.bootOrder?.events).toEqual([2]);
    expect(elsewhere.bootOrder?.bound).toBe(true);
    const twice = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(['sha256'], [bootOrder(1, [1, 0], true), bootOrder(1, [2, 0], true)]),
      ),
    );
    expect(twice.bootOrder?.value).toEqual([1, 0]);
    expect(twice.bootOrder?.bound).toBe(false);
    expect(twice.bootOrder?.conflicts).toEqual([2]);
  });

  it('CC: the kernel and BootOrder come from MR 2 and MR 1, not MR 0 or MR 7', async () => {
    const evs: EventSpec[] = [
      bootOrder(7, [9]),
      bootOrder(1, [1, 0]),
      app(2, '\\EFI\\Linux\\evil-uki.efi', 'EVIL UKI'),
      app(0, '\\EFI\\Linux\\ubuntu-6.8-signed.efi', 'x'),
    ];
    const log = parseCcEventLog(encodeAgileLog(['sha384'], evs));
    const f = foldReplay(['sha384'], evs.slice(1, 3)).sha384!;
    const rtmrs = [1, 2, 3, 4].map((i) =>
      f[i] !== undefined ? fromHex(f[i]) : new Uint8Array(48),
    );
    const v = await verifyEventLog(log, { rtmrs });
    expect(v.ok).toBe(true);
    const s = summarizeBoot(log, { verification: v });
    expect(s.kernel?.value.path).toBe('File(\\EFI\\Linux\\evil-uki.efi)');
    expect(s.kernel?.events).toEqual([3]);
    expect(s.kernel?.verified).toBe(true);
    expect(s.bootOrder?.value).toEqual([1, 0]);
    expect(s.bootOrder?.events).toEqual([2]);
  });
});

describeVectors('S9-3: real logs keep their facts', () => {
  it('ubuntu-2404: kernel from the linux command and its PCR 9 file, no conflicts', async () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin'));
    const s = summarizeBoot(log, { verification: await verifyAll(log) });
    expect(s.kernel?.value.path).toBe('/vmlinuz-6.8.0-1010-gcp');
    expect(s.kernel?.events).toEqual([103, 104]);
    expect(s.kernel?.verified).toBe(true);
    expect(s.kernelCommandLine?.events).toEqual([105]);
    expect(s.kernelCommandLine?.bound).toBe(true);
    for (const f of [s.kernel, s.kernelCommandLine, s.bootOrder, s.bootloader])
      expect(f?.conflicts).toBeUndefined();
  });

  it('Alibaba Cloud TDX: its TDVF measures the boot variables into MR 2, and BootOrder is read', () => {
    const s = summarizeBoot(
      parseCcEventLog(readVector('tdx', 'ccel-trustee-aael-alibabacloud', 'ccel_data.bin')),
    );
    expect(s.bootOrder?.value).toEqual([5, 0, 1, 2, 3, 4]);
    expect(s.bootOrder?.events).toEqual([13]);
    expect(s.bootOptions.map((o) => o.value.variable)).toEqual([
      'Boot0005',
      'Boot0000',
      'Boot0001',
      'Boot0002',
      'Boot0003',
      'Boot0004',
    ]);
  });

  it('Fedora 37 systemd-boot: the command line logged twice (PCR 12) is one fact, the first', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-sd-boot-fedora37.bin')));
    expect(s.kernelCommandLine?.events).toEqual([23]);
    // The log holds no boot application: nothing says systemd-boot ran (S11b finding 4).
    expect(s.kernelCommandLine?.bound).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------------
// (4) kernel.path and the events it cites.
// -------------------------------------------------------------------------------------------------

describe('S9-4: the kernel path comes from an event the fact cites', () => {
  it('a PCR 9 file whose path the linux command does not name is no kernel', async () => {
    const evs: EventSpec[] = [
      grub(8, 'grub_cmd: linux /boot/vmlinuz-6.1-signed', 'linux /boot/vmlinuz-6.1-signed'),
      file(9, '/boot/vmlinuz-evil', 'EVIL KERNEL'),
      file(9, '/boot/initrd.img-evil', 'EVIL INITRD'),
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const v = await verifyEventLog(log, { pcrs: quote(['sha256'], evs, [9]) });
    expect(summarizeBoot(log, { verification: v }).kernel).toBeUndefined();
  });

  it('the matching file: the fact cites the command too, so PCR 9 alone does not verify it', async () => {
    const evs: EventSpec[] = [
      grub(8, 'grub_cmd: linux /boot/vmlinuz-6.1', 'linux /boot/vmlinuz-6.1'),
      file(9, '(hd0,gpt2)/boot/vmlinuz-6.1', 'KERNEL'),
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const only9 = await verifyEventLog(log, { pcrs: quote(['sha256'], evs, [9]) });
    const s = summarizeBoot(log, { verification: only9 });
    expect(s.kernel?.value).toEqual({
      path: '/boot/vmlinuz-6.1',
      digests: { sha256: toHex(digest('sha256', ascii('KERNEL'))) },
    });
    expect(s.kernel?.events).toEqual([1, 2]);
    expect(s.kernel?.verified).toBe(false);
    expect(summarizeBoot(log, { verification: await verifyAll(log) }).kernel?.verified).toBe(true);
    // Different devices are different files.
    const other = parseTcgEventLog(
      encodeAgileLog(
        ['sha256'],
        [
          grub(
            8,
            'grub_cmd: linux (hd1,gpt1)/boot/vmlinuz-6.1',
            'linux (hd1,gpt1)/boot/vmlinuz-6.1',
          ),
          evs[1]!,
        ],
      ),
    );
    expect(summarizeBoot(other).kernel).toBeUndefined();
  });
});

describeVectors('S9-4: old Red Hat GRUB labels its kernel file instead of naming it', () => {
  it('rhel8-uefi: "grub_linuxefi Kernel" is the file of the linuxefi command', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/rhel8-uefi.bin'));
    const s = summarizeBoot(log);
    expect(s.kernel?.value.path).toBe('(hd0,gpt2)/boot/vmlinuz-4.18.0-240.22.1.el8_3.x86_64');
    expect(s.kernel?.events).toEqual([75, 76]);
    expect(s.kernel?.value.digests.sha256).toBe(toHex(log.events[76]!.digests.sha256!));
    expect(s.initrd?.events).toEqual([79, 80]);
  });
});

// -------------------------------------------------------------------------------------------------
// (5) Mode variables: where a quote can vouch for them, and once.
// -------------------------------------------------------------------------------------------------

describe('S9-5: AuditMode / DeployedMode', () => {
  const firmware: EventSpec[] = [
    variable(7, 'SecureBoot', 1),
    separator(7),
    separator(1),
    separator(4),
  ];
  const boot = app(4, '\\EFI\\BOOT\\BOOTX64.EFI', 'PE');

  it('DeployedMode extended into PCR 1 after its separator: read, but the fact is not bound', async () => {
    const evs = [...firmware, variable(1, 'DeployedMode', 1), boot];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const v = await verifyAll(log);
    expect(v.ok).toBe(true);
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.value.mode).toBe('deployed');
    expect(s.secureBoot?.value.sources).toEqual({ secureBoot: 1, deployedMode: 5 });
    expect(s.secureBoot?.bound).toBe(false);
    expect(s.secureBoot?.verified).toBe(true);
  });

  it('DeployedMode in a PCR 1 that has no separator: not bound (no part of it is attested)', async () => {
    const evs = [variable(7, 'SecureBoot', 1), separator(7), variable(1, 'DeployedMode', 1), boot];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const s = summarizeBoot(log, { verification: await verifyAll(log) });
    expect(s.secureBoot?.value.mode).toBe('deployed');
    expect(s.secureBoot?.bound).toBe(false);
  });

  it('DeployedMode in PCR 1 before its separator (gdc-host order): bound', async () => {
    const evs = [
      variable(7, 'SecureBoot', 1),
      separator(7),
      variable(1, 'DeployedMode', 1),
      separator(1),
      boot,
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const s = summarizeBoot(log, { verification: await verifyAll(log) });
    expect(s.secureBoot?.value.mode).toBe('deployed');
    expect(s.secureBoot?.bound).toBe(true);
  });

  it('AuditMode in the policy window and again in PCR 1 fails eventlog.digest-binding', async () => {
    const evs = [
      variable(7, 'SecureBoot', 0),
      variable(7, 'AuditMode', 0),
      separator(7),
      variable(1, 'AuditMode', 1),
      separator(1),
      boot,
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const v = await verifyAll(log);
    expect(status(v, 'eventlog.digest-binding')).toBe('fail');
    const detail = v.checks.find((c) => c.id === 'eventlog.digest-binding')!.detail as {
      duplicated: unknown[];
    };
    expect(detail.duplicated).toEqual([{ event: 4, variable: 'AuditMode', first: 2 }]);
    expect(summarizeBoot(log, { verification: v }).secureBoot?.verified).toBe(false);
  });
});

describeVectors('S9-5: real firmware', () => {
  it('gdc-host: DeployedMode/AuditMode before PCR 1 separator stay bound', async () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/gdc-host.bin'));
    const v = await verifyAll(log);
    expect(status(v, 'eventlog.digest-binding')).toBe('pass');
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.value.sources).toEqual({ secureBoot: 9, deployedMode: 14, auditMode: 15 });
    expect(s.secureBoot?.bound).toBe(true);
    expect(s.secureBoot?.verified).toBe(true);
  });

  it('Dell (tcglog-parser): DeployedMode after PCR 1 separator sets the mode, unbound', async () => {
    const log = parseTcgEventLog(logBytes('tcglog-parser/binary_bios_measurements'));
    const v = await verifyAll(log);
    expect(status(v, 'eventlog.digest-binding')).toBe('pass');
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.value.mode).toBe('deployed');
    expect(s.secureBoot?.bound).toBe(false);
    expect(s.secureBoot?.verified).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------
// (6) What ends the policy window, and what a failing check does to the policy.
// -------------------------------------------------------------------------------------------------

describe('S9-6: only a separator digest ends the policy window', () => {
  const sb = variable(7, 'SecureBoot', 1);
  const audit = variable(7, 'AuditMode', 1);

  it('AuditMode relabelled EV_SEPARATOR is still policy; the policy is not verified', async () => {
    const evs: EventSpec[] = [sb, { ...audit, type: EV.SEPARATOR }, separator(7)];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const v = await verifyEventLog(log, { pcrs: quote(['sha256'], evs) });
    expect(status(v, 'eventlog.separators')).toBe('fail');
    expect(status(v, 'eventlog.digest-binding')).toBe('fail');
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.value.mode).toBe('audit');
    expect(s.secureBoot?.value.sources).toEqual({ secureBoot: 1, auditMode: 2 });
    expect(s.secureBoot?.verified).toBe(false);
  });

  it('a separator-typed event with separator data but another digest ends nothing', () => {
    const evs: EventSpec[] = [
      sb,
      { ...separator(7), hashOf: ascii('not a separator') },
      audit,
      separator(7),
    ];
    const s = summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], evs)));
    expect(s.secureBoot?.value.mode).toBe('audit');
  });

  it('a failing check naming a policy-window event unverifies the databases too', async () => {
    const db = uefiVariable(
      GUID.imageSecurityDatabase,
      'db',
      new Uint8Array(0), // empty: still a database fact
    );
    const evs: EventSpec[] = [
      sb,
      { pcr: 7, type: DRIVER_CONFIG, data: db },
      { ...audit, type: EV.SEPARATOR },
      separator(7),
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], evs));
    const s = summarizeBoot(log, { verification: await verifyAll(log) });
    expect(s.databases.db?.verified).toBe(false);
    // The honest log verifies both.
    const honest = parseTcgEventLog(encodeAgileLog(['sha256'], [sb, evs[1]!, audit, separator(7)]));
    const h = summarizeBoot(honest, { verification: await verifyAll(honest) });
    expect(h.secureBoot?.verified).toBe(true);
    expect(h.databases.db?.verified).toBe(true);
  });

  it('a warning outside the window leaves the policy verified', async () => {
    const shown = ascii('shown');
    const evs: EventSpec[] = [
      sb,
      separator(7),
      {
        pcr: 4,
        type: EV.EFI_BOOT_SERVICES_APPLICATION,
        data: shown,
        digests: { sha256: digest('sha256', shown), sha384: digest('sha384', ascii('real')) },
      },
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256', 'sha384'], evs));
    const v = await verifyEventLog(log, { pcrs: quote(['sha384'], evs) });
    expect(status(v, 'eventlog.event-digests')).toBe('warn');
    expect(summarizeBoot(log, { verification: v }).secureBoot?.verified).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------------
// (7) ascii IMA paths: no NUL, and a legacy one fits the template data.
// -------------------------------------------------------------------------------------------------

describe('S9-7: ascii IMA paths the template data cannot hold are refused', () => {
  const fileDigest = digest('sha1', ascii('contents'));
  const legacyLine = (path: string): Uint8Array => {
    const name = new Uint8Array(256);
    name.set(utf8Encode(path).subarray(0, 256));
    const th = digest('sha1', concatBytes(fileDigest, name));
    return utf8Encode(`10 ${toHex(th)} ima ${toHex(fileDigest)} ${path}\n`);
  };

  it('legacy ima: 255 bytes parse, 256 are ERR_BAD_LENGTH (as in the binary list)', () => {
    const ok = `/${'a'.repeat(254)}`;
    expect(parseImaLog(legacyLine(ok)).entries[0]!.path).toBe(ok);
    expectAttestError(() => parseImaLog(legacyLine(`/${'a'.repeat(255)}`)), 'ERR_BAD_LENGTH', 0);
    // Multi-byte UTF-8 counts in bytes: 128 × "é" is 256 bytes.
    expectAttestError(() => parseImaLog(legacyLine(`${'é'.repeat(128)}`)), 'ERR_BAD_LENGTH', 0);
    // On a later line the offset is that line's.
    const two = concatBytes(legacyLine('/bin/a'), legacyLine(`/${'a'.repeat(300)}`));
    expectAttestError(() => parseImaLog(two), 'ERR_BAD_LENGTH', legacyLine('/bin/a').length);
  });

  it('a path holding a NUL is ERR_BAD_VALUE (legacy and ima-ng)', () => {
    const hidden = `/usr/bin/evil${'\0'.repeat(243)} (deleted) /usr/bin/sshd`;
    expectAttestError(() => parseImaLog(legacyLine(hidden)), 'ERR_BAD_VALUE', 0);
    expectAttestError(() => parseImaLog(legacyLine('/a\0b')), 'ERR_BAD_VALUE', 0);
    const d = digest('sha256', ascii('x'));
    const ng = utf8Encode(`10 ${toHex(digest('sha1', d))} ima-ng sha256:${toHex(d)} /a\0b\n`);
    expectAttestError(() => parseImaLog(ng), 'ERR_BAD_VALUE', 0);
  });
});

describe('S9 follow-up: shim state and a UKI command line (SYNTHETIC logs)', () => {
  const sep = (pcr: number): EventSpec => ({ pcr, type: EV.SEPARATOR, data: new Uint8Array(4) });
  const shimVar = (pcr: number, name: string, value: Uint8Array): EventSpec => ({
    pcr,
    type: EV.EFI_VARIABLE_AUTHORITY,
    data: uefiVariable(GUID.shimLock, name, value),
  });
  const sbat = (pcr: number, text: string): EventSpec => shimVar(pcr, 'SbatLevel', ascii(text));
  const trusted = (pcr: number, v: number): EventSpec =>
    shimVar(pcr, 'MokListTrusted', new Uint8Array([v]));
  const base: EventSpec[] = [
    variable(7, 'SecureBoot', 1),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map(sep),
    sbat(7, 'sbat,1,2021030218\n'),
    trusted(7, 1),
  ];
  const summarize = async (events: EventSpec[]) => {
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], events));
    const v = await verifyEventLog(log, { pcrs: quote(['sha256'], events) });
    return { v, s: summarizeBoot(log, { verification: v }) };
  };

  it('shim state comes from PCR 7 only, the first value counts, later ones are conflicts', async () => {
    const honest = await summarize(base);
    expect(honest.s.shim).toMatchObject({
      value: { sbatLevel: 'sbat,1,2021030218\n', mokListTrusted: 1 },
      bound: true,
    });
    for (const pcr of [7, 9, 12, 14]) {
      const events = [...base, sbat(pcr, 'sbat,1,2024010900\nshim,4\n'), trusted(pcr, 0)];
      const { v, s } = await summarize(events);
      expect(v.ok, `pcr ${pcr}`).toBe(true);
      expect(s.shim?.value, `pcr ${pcr}`).toMatchObject({
        sbatLevel: 'sbat,1,2021030218\n',
        mokListTrusted: 1,
      });
      // Appended in PCR 7: a conflict (unbound); elsewhere: not shim's state at all.
      expect(s.shim?.bound, `pcr ${pcr}`).toBe(pcr !== 7);
      expect(s.shim?.conflicts, `pcr ${pcr}`).toEqual(pcr === 7 ? [12, 13] : undefined);
    }
  });

  it('a PCR 12 command line is a conflict when the UKI measured its own .cmdline in PCR 11', async () => {
    const boot: EventSpec[] = [
      ...[0, 1, 2, 3, 4, 5, 6, 7].map(sep),
      { pcr: 11, type: EV.IPL, data: ascii('.linux\0'), hashOf: ascii('.linux\0') },
      { pcr: 11, type: EV.IPL, data: ascii('.cmdline\0'), hashOf: ascii('.cmdline\0') },
      { pcr: 11, type: EV.IPL, data: ascii('.cmdline\0'), hashOf: ascii('init=/bin/evil') },
    ];
    const line = 'root=/dev/vda2 ro quiet';
    const pcr12: EventSpec = { pcr: 12, type: EV.IPL, data: utf16(line) };
    const { s } = await summarize([...boot, pcr12]);
    // 11: the second `.cmdline` event's digest does not bind its label (S11b finding 1).
    expect(s.kernelCommandLine).toMatchObject({ value: line, bound: false, conflicts: [10, 11] });
    // Without a .cmdline section in PCR 11 the same PCR 12 line after systemd-boot is the command
    // line, bound (S11b finding 4: without systemd-boot's application it is not).
    const sdBoot: EventSpec = {
      pcr: 4,
      type: EV.EFI_BOOT_SERVICES_APPLICATION,
      data: imageLoad(concatBytes(filePathNode('\\EFI\\systemd\\systemd-bootx64.efi'), DP_END)),
      hashOf: ascii('systemd-boot'),
    };
    const { s: plain } = await summarize([...boot.slice(0, 9), sdBoot, pcr12]);
    expect(plain.kernelCommandLine).toMatchObject({ value: line, bound: true });
    expect(plain.kernelCommandLine?.conflicts).toBeUndefined();
  });
});
