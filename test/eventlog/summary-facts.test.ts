/**
 * summarizeBoot facts no other test pins: shim's MokListTrusted, EFI drivers, firmware blobs, the
 * GRUB command and file lists (real logs, exact values), and UKI PCR 11/13 measurements, UEFI debug
 * mode and the Hyper-V/Azure and EC2 platform hints, which no vector shows (synthetic logs,
 * labelled).
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import {
  EFI_ACTION,
  EV,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootSummary,
} from '../../src/eventlog/index.js';
import { logBytes } from './support/vectors.js';
import { ascii, encodeAgileLog, utf16, type EventSpec } from './support/encode.js';

describeVectors('eventlog summary facts on real logs', () => {
  it('event-moklisttrusted: shim state with MokListTrusted 1 from its authority event', () => {
    const log = parseTcgEventLog(logBytes('tpm2-tools/event-moklisttrusted.bin'));
    const s = summarizeBoot(log);
    expect(s.shim?.value).toEqual({
      mokListMeasured: true,
      mokListXMeasured: true,
      mokListTrusted: 1,
      sbatLevel: 'sbat,1,2021030218\n',
      vendorCertificate: {
        subject: 'emailAddress=secalert@redhat.com,CN=Red Hat Secure Boot CA 5,O=Red Hat\\, Inc.',
        issuer: 'emailAddress=secalert@redhat.com,CN=Red Hat Secure Boot CA 5,O=Red Hat\\, Inc.',
        serialHex: '83730d2b7280d15a',
        notAfter: '2038-01-18T08:15:36.000Z',
        sha256: '40175d4c7c5ab4bd753a493f47952f1d8dcf1c219b836968a693e48bd4766135',
      },
    });
    // shimx64.efi, MokList, MokListX (PCR 14), SbatLevel, MokListTrusted, MokListTrusted (PCR 14),
    // the Shim authority.
    expect(s.shim?.events).toEqual([25, 26, 27, 28, 29, 30, 31]);
    expect(log.events[29]!.typeName).toBe('EV_EFI_VARIABLE_AUTHORITY');
    expect(s.authorities.find((a) => a.events[0] === 29)?.value).toEqual({
      variable: 'MokListTrusted',
      text: '1',
    });
    expect(s.shim?.bound).toBe(false); // shimx64.efi's digest is an Authenticode hash
  });

  it('gdc-host: 35 boot-services drivers in PCR 2, in log order', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('go-tpm-tools/gdc-host.bin')));
    expect(s.efiDrivers.map((d) => d.events[0])).toEqual(
      Array.from({ length: 35 }, (_, i) => 19 + i),
    );
    expect(new Set(s.efiDrivers.map((d) => `${d.value.pcrIndex} ${d.value.type}`))).toEqual(
      new Set(['2 EV_EFI_BOOT_SERVICES_DRIVER']),
    );
    expect(s.efiDrivers[0]!.value).toEqual({
      pcrIndex: 2,
      type: 'EV_EFI_BOOT_SERVICES_DRIVER',
      devicePath: 'Offset(0x0,0x131ff)',
      digests: { sha256: '48dc3a85e280cbe447b2a17a562efe3b38b12fa3575359492657ed06b8b3540a' },
    });
    expect(s.efiDrivers[34]!.value).toEqual({
      pcrIndex: 2,
      type: 'EV_EFI_BOOT_SERVICES_DRIVER',
      devicePath: 'FvFile(35aaa769-4b7b-4fd6-baa9-ba6c219c101c)',
      digests: { sha256: 'd0be9c0365ceb446777d98283f4af0d296fa68e113bda393b8c733eb4a599e11' },
    });
    expect(s.efiDrivers.every((d) => !d.bound)).toBe(true); // Authenticode digests
  });

  it('option ROM driver (option_rom_eventlog, SHA-1 log): device path and digest', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('go-attestation/option_rom_eventlog')));
    expect(s.efiDrivers.map((d) => [d.events, d.value.devicePath, d.value.digests])).toEqual([
      [
        [11],
        'PciRoot(0x0)/Pci(0x2,0x0)/Pci(0x0,0x0)/Offset(0xf600,0x207ff)',
        { sha1: 'bb9e123b05bed9fc545a89236a5070fd38d7bdd5' },
      ],
    ]);
  });

  it('firmware blobs: base and length of each EV_EFI_PLATFORM_FIRMWARE_BLOB', () => {
    const gdc = summarizeBoot(parseTcgEventLog(logBytes('go-tpm-tools/gdc-host.bin')));
    expect(gdc.firmwareBlobs.map((b) => [b.events, b.value])).toEqual([
      [[4], { base: 0xffdc0000n, length: 0x230000n }],
      [[5], { base: 0xff781000n, length: 0xa0000n }],
      [[6], { base: 0x2000000n, length: 0x8b0000n }],
      [[7], { base: 0n, length: 0x40000n }],
    ]);
    const fedora = summarizeBoot(
      parseTcgEventLog(logBytes('tpm2-tools/event-sd-boot-fedora37.bin')),
    );
    expect(fedora.firmwareBlobs.map((b) => [b.events, b.value, b.bound])).toEqual([
      [[2], { base: 0x820000n, length: 0xe0000n }, false],
      [[3], { base: 0x900000n, length: 0xc00000n }, false], // digests hash the blob, not the event
    ]);
  });

  it('COS 85 GRUB: commands (PCR 8, prefix stripped) and files (PCR 9) in log order', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/cos-85-amd-sev.bin'));
    const s = summarizeBoot(log);
    const grub = s.bootloader!;
    expect(grub.value.kind).toBe('grub');
    expect(grub.events).toEqual(Array.from({ length: 16 }, (_, i) => 25 + i));
    expect(grub.events.map((i) => log.events[i]!.pcrIndex)).toEqual([
      9, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9,
    ]);
    expect(grub.value.files).toEqual(['(hd0,gpt12)/efi/boot/grub.cfg', '/syslinux/vmlinuz.A']);
    expect(grub.value.commands).toHaveLength(14);
    expect(grub.value.commands.slice(0, 7)).toEqual([
      'defaultA=2',
      'defaultB=3',
      'gptpriority hd0 2 prioA',
      'gptpriority hd0 4 prioB',
      '[ 15 -lt 0 ]',
      'set default=2',
      'set timeout=0',
    ]);
    expect(grub.value.commands.slice(7, 12).map((c) => c.split(' {')[0])).toEqual([
      'menuentry local image A',
      'menuentry local image B',
      'menuentry verified image A',
      'menuentry verified image B',
      'menuentry Alternate USB Boot',
    ]);
    expect(grub.value.commands[12]).toBe('setparams verified image A');
    expect(grub.value.commands[13]).toMatch(
      /^linux \/syslinux\/vmlinuz\.A init=\/usr\/lib\/systemd\/systemd /,
    );
    const first = log.events[26]!.decoded;
    expect(first?.kind === 'loader' && first.text).toBe('grub_cmd: defaultA=2');
    expect(s.kernel?.value.path).toBe('/syslinux/vmlinuz.A');
    // The `linux` command (PCR 8) names the path, the file event (PCR 9) carries the digest.
    expect(s.kernel?.events).toEqual([39, 40]);
  });
});

describe('eventlog summary facts (synthetic logs)', () => {
  const summary = (events: EventSpec[]): BootSummary =>
    summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], events)));
  // systemd-stub style: the event describes a section whose bytes the digest hashes.
  const ipl = (pcr: number, text: string): EventSpec => ({
    pcr,
    type: EV.IPL,
    data: utf16(text),
    hashOf: ascii(`contents of ${text}`),
  });

  it('UKI: a description taken from the event type (not covered by any digest) is never bound', async () => {
    // SYNTHETIC: digests that do hash the data, so every event verifies. Text events bind their
    // description; an EV_COMPACT_HASH carrying no text is shown by its type name, which the log
    // may relabel freely.
    const text = summary([
      { pcr: 11, type: EV.IPL, data: utf16('.linux') },
      { pcr: 12, type: EV.IPL, data: utf16('console=ttyS0') },
    ]);
    expect(text.uki?.value).toEqual({ pcr11: ['.linux'], pcr12: ['console=ttyS0'], pcr13: [] });
    expect(text.uki?.bound).toBe(true);
    const typed = summary([
      { pcr: 11, type: EV.IPL, data: utf16('.linux') },
      { pcr: 11, type: EV.COMPACT_HASH, data: new Uint8Array([1, 2, 3, 4]) },
    ]);
    expect(typed.uki?.value.pcr11).toEqual(['.linux', 'EV_COMPACT_HASH']);
    expect(typed.uki?.bound).toBe(false);
    // Given a verification whose replay matched, the fact stays `verified`: only `bound` drops.
    const log = parseTcgEventLog(
      encodeAgileLog(
        ['sha256'],
        [
          { pcr: 11, type: EV.IPL, data: utf16('.linux') },
          { pcr: 11, type: EV.COMPACT_HASH, data: new Uint8Array([1, 2, 3, 4]) },
        ],
      ),
    );
    const verification = await verifyEventLog(log, { pcrs: replayEventLog(log).registers });
    expect(verification.ok).toBe(true);
    const verified = summarizeBoot(log, { verification }).uki;
    expect(verified?.bound).toBe(false);
    expect(verified?.verified).toBe(true);
  });

  it('UKI: PCR 11 sections, PCR 12 command line and PCR 13 extensions, EV_NO_ACTION left out', () => {
    const s = summary([
      ipl(11, '.linux'), // 1
      ipl(11, '.osrel'), // 2
      { pcr: 11, type: EV.NO_ACTION, data: ascii('not extended') }, // 3
      ipl(11, '.cmdline'), // 4
      ipl(12, 'console=ttyS0'), // 5
      ipl(13, 'debug.sysext.raw'), // 6
    ]);
    expect(s.uki?.value).toEqual({
      pcr11: ['.linux', '.osrel', '.cmdline'],
      pcr12: ['console=ttyS0'],
      pcr13: ['debug.sysext.raw'],
    });
    expect(s.uki?.events).toEqual([1, 2, 4, 5, 6]);
    expect(s.uki?.bound).toBe(false); // the digests hash the sections, not the descriptions
    expect(s.kernelCommandLine?.value).toBe('console=ttyS0');
  });

  it('UEFI debug mode from its EV_EFI_ACTION', () => {
    const s = summary([
      { pcr: 7, type: EV.EFI_ACTION, data: ascii(EFI_ACTION.UEFI_DEBUG_MODE) },
      { pcr: 7, type: EV.SEPARATOR, data: new Uint8Array(4) },
    ]);
    expect(s.debugMode).toEqual({ value: true, events: [1], bound: true });
    expect(summary([{ pcr: 7, type: EV.SEPARATOR, data: new Uint8Array(4) }]).debugMode).toBe(
      undefined,
    );
  });

  it('Hyper-V/Azure and EC2 hints from the S-CRTM version string', () => {
    const crtm = (text: string): EventSpec => ({
      pcr: 0,
      type: EV.S_CRTM_VERSION,
      data: utf16(text),
    });
    const azure = summary([crtm('Hyper-V UEFI Release v4.1')]);
    expect(azure.platform?.value).toEqual({
      hints: ['Microsoft Hyper-V / Azure'],
      sources: [{ hint: 'Microsoft Hyper-V / Azure', source: 'events', events: [1] }],
    });
    expect(azure.platform?.bound).toBe(true);
    expect(azure.firmwareVersion?.value).toBe('Hyper-V UEFI Release v4.1');
    const ec2 = summary([crtm('Amazon EC2 firmware 1.0')]);
    expect(ec2.platform?.value.hints).toEqual(['Amazon EC2']);
    expect(ec2.platform?.events).toEqual([1]);
  });
});
