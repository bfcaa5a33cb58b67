/**
 * summarizeBoot on real logs: Secure Boot mode (setup mode from an empty PK included), databases,
 * authorities, EFI applications, shim, GRUB and systemd-boot, kernel/initrd/command line, firmware
 * version, platform hints, EBS — each fact with its source events — and the effect of a
 * verification on `verified`; synthetic logs (labelled) for the mode rules no vector shows.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import {
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootSummary,
} from '../../src/eventlog/index.js';
import { logBytes } from './support/vectors.js';
import {
  ascii,
  encodeAgileLog,
  GUID,
  signatureList,
  uefiVariable,
  type EventSpec,
} from './support/encode.js';

describeVectors('eventlog: summarizeBoot on real logs', () => {
  it('GCE Ubuntu 24.04 SEV-SNP: shim + GRUB, kernel, command line, platform, EBS retry', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin'));
    const s = summarizeBoot(log);
    expect(s.secureBoot?.value).toEqual({
      enabled: false,
      mode: 'disabled',
      sources: { secureBoot: 3 },
    });
    expect(s.secureBoot?.events).toEqual([3]);
    expect(s.secureBoot?.bound).toBe(true);
    expect(s.databases.db!.value.certificates.map((c) => c.subject)).toEqual([
      'CN=Microsoft Corporation UEFI CA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US',
      'CN=Microsoft Windows Production PCA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US',
    ]);
    expect(s.databases.dbx!.value.sha256Count).toBe(371);
    expect(s.efiApplications.map((a) => a.value.devicePath.split('/').pop())).toEqual([
      'File(\\EFI\\ubuntu\\shimx64.efi)',
      'File(\\EFI\\ubuntu\\grubx64.efi)',
    ]);
    expect(s.efiApplications[0]!.bound).toBe(false); // Authenticode digests: not data-derived
    expect(s.bootloader?.value.kind).toBe('grub');
    expect(s.kernel?.value.path).toBe('/vmlinuz-6.8.0-1010-gcp');
    expect(s.kernelCommandLine?.value).toContain(
      'root=PARTUUID=8270f3c9-b4e4-4345-80ee-5a62db7ebf3f',
    );
    expect(s.kernelCommandLine?.bound).toBe(true);
    expect(s.platform?.value.hints).toEqual([
      'Google Compute Engine',
      'confidential VM: AMD SEV-SNP',
    ]);
    expect(s.firmwareVersion?.value).toBe('GCE Virtual Firmware v2');
    expect(s.exitBootServices?.value).toBe('failure-then-success');
    expect(s.shim?.value.mokListMeasured).toBe(true);
    expect(s.shim?.value.sbatLevel).toBe('sbat,1,2021030218\n');
    expect(s.bootOrder?.value).toEqual([2, 1, 0]);
  });

  it('RHEL 8: Secure Boot enabled, db and shim authorities, Red Hat GRUB kernel/initrd', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('go-tpm-tools/rhel8-uefi.bin')));
    expect(s.secureBoot?.value.mode).toBe('enabled');
    expect(s.authorities.map((a) => [a.value.variable, a.value.certificate?.subject])).toEqual([
      [
        'db',
        'CN=Microsoft Corporation UEFI CA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US',
      ],
      ['Shim', 'emailAddress=secalert@redhat.com,CN=Red Hat Secure Boot CA 5,O=Red Hat\\, Inc.'],
    ]);
    expect(s.shim?.value.vendorCertificate?.subject).toContain('Red Hat Secure Boot CA 5');
    expect(s.kernel?.value.path).toBe('(hd0,gpt2)/boot/vmlinuz-4.18.0-240.22.1.el8_3.x86_64');
    expect(s.initrd?.value.path).toBe('(hd0,gpt2)/boot/initramfs-4.18.0-240.22.1.el8_3.x86_64.img');
    expect(s.kernel?.value.digests.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('Arch workstation: systemd-boot, EFI-stub kernel, a command line logged one byte short', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('go-tpm-tools/arch-linux-workstation.bin')));
    expect(s.secureBoot?.value.enabled).toBeUndefined(); // SecureBoot variable of length 0
    expect(s.bootloader?.value.kind).toBe('systemd-boot');
    expect(s.kernel?.value.path).toContain('File(\\vmlinuz-linux-lts)');
    expect(s.kernelCommandLine?.value).toContain('cryptdevice=UUID=5465369a');
    // Event 24 holds 365 bytes of UTF-16; its digest is H(data ‖ 00), which still binds them.
    expect(s.kernelCommandLine?.bound).toBe(true);
    expect(s.kernelCommandLine?.events).toEqual([24]);
  });

  it('Fedora 37 systemd-boot: PCR 12 command line, initrd tag, UKI-style PCR 12', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-sd-boot-fedora37.bin')));
    expect(s.bootloader?.value.kind).toBe('systemd-boot');
    expect(s.kernelCommandLine?.value).toBe(' console=ttyS0 console=tty0 efi=debug ');
    expect(s.initrd?.events).toEqual([25]);
    expect(s.uki?.value.pcr12.length).toBe(2);
  });

  it('gdc-host: deployed-mode variables with SecureBoot 0, Boot Guard, an unbound S-CRTM version', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('go-tpm-tools/gdc-host.bin')));
    expect(s.secureBoot?.value).toMatchObject({
      enabled: false,
      mode: 'disabled',
      deployedMode: 1,
      auditMode: 0,
    });
    expect(s.platform?.value.hints).toContain('Intel Boot Guard');
    expect(s.firmwareVersion?.value).toBe('2.3.5');
    expect(s.firmwareVersion?.bound).toBe(false);
    expect(s.initrd?.value.path).toBe('/initrd.img-6.9.0-rc7+');
  });

  it('Windows-style SIPA events in PCRs 12–14 are not mistaken for UKI measurements', () => {
    const log = parseTcgEventLog(logBytes('go-attestation/option_rom_eventlog'));
    expect(log.events.some((e) => e.decoded?.kind === 'sipa')).toBe(true);
    expect(summarizeBoot(log).uki).toBeUndefined();
  });

  it('setup mode: an empty PK with SecureBoot 0 or empty (event-bootorder, Fedora 37, SHA-1 log)', () => {
    const bootorder = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-bootorder.bin')));
    expect(bootorder.secureBoot?.value).toEqual({
      enabled: false, // SecureBoot = 0
      mode: 'setup',
      sources: { secureBoot: 4, pk: 5 },
    });
    expect(bootorder.secureBoot?.events).toEqual([4, 5]);
    expect(bootorder.secureBoot?.bound).toBe(true);
    expect(bootorder.databases.PK?.value).toEqual({
      certificates: [],
      sha256Count: 0,
      otherCount: 0,
    });
    const fedora = summarizeBoot(
      parseTcgEventLog(logBytes('tpm2-tools/event-sd-boot-fedora37.bin')),
    );
    expect(fedora.secureBoot?.value).toEqual({
      enabled: undefined, // SecureBoot empty
      mode: 'setup',
      sources: { secureBoot: 4, pk: 5 },
    });
    const sha1 = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-uefi-sha1-log.bin')));
    expect(sha1.secureBoot?.value).toEqual({
      enabled: undefined,
      mode: 'setup',
      sources: { secureBoot: 1, pk: 2 },
    });
    expect(sha1.secureBoot?.events).toEqual([1, 2]);
  });

  it('an enrolled PK with SecureBoot empty stays unknown (Arch workstation)', () => {
    const s = summarizeBoot(parseTcgEventLog(logBytes('tpm2-tools/event-arch-linux.bin')));
    expect(s.databases.PK?.value.certificates).toHaveLength(1);
    expect(s.secureBoot?.value).toEqual({
      enabled: undefined,
      mode: 'unknown',
      sources: { secureBoot: 3 },
    });
  });

  it('verification marks facts from quoted registers', async () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/rhel8-uefi.bin'));
    const { registers } = replayEventLog(log);
    const v = await verifyEventLog(log, { pcrs: { sha256: { 7: registers.sha256![7]! } } });
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.verified).toBe(true);
    expect(s.kernel?.verified).toBe(false); // PCR 9 was not quoted
  });
});

describe('eventlog: summarizeBoot (synthetic)', () => {
  it('deployed and audit modes; database counts', () => {
    const cert = ascii('not a certificate');
    const events = [
      {
        pcr: 7,
        type: 0x80000001,
        data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([1])),
      },
      {
        pcr: 7,
        type: 0x80000001,
        data: uefiVariable(
          GUID.globalVariable,
          'PK',
          signatureList(GUID.certX509, [{ owner: GUID.globalVariable, data: cert }]),
        ),
      },
      {
        pcr: 7,
        type: 0x80000001,
        data: uefiVariable(
          GUID.imageSecurityDatabase,
          'dbx',
          signatureList(GUID.certSha256, [
            { owner: GUID.globalVariable, data: new Uint8Array(32) },
            { owner: GUID.globalVariable, data: new Uint8Array(32).fill(1) },
          ]),
        ),
      },
      {
        pcr: 7,
        type: 0x80000001,
        data: uefiVariable(GUID.globalVariable, 'DeployedMode', new Uint8Array([1])),
      },
      { pcr: 7, type: 4, data: new Uint8Array(4) },
      { pcr: 4, type: 0x80000007, data: ascii('DMA Protection Disabled') },
    ];
    const s = summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], events)));
    expect(s.secureBoot?.value.mode).toBe('deployed');
    expect(s.databases.PK!.value.certificates[0]!.parseError).toBeDefined();
    expect(s.databases.PK!.value.certificates[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.databases.dbx!.value.sha256Count).toBe(2);
    expect(s.dmaProtectionDisabled?.value).toBe(true);
    expect(s.dmaProtectionDisabled?.events).toEqual([6]);
    const audit = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            events[0]!,
            {
              pcr: 7,
              type: 0x80000001,
              data: uefiVariable(GUID.globalVariable, 'AuditMode', new Uint8Array([1])),
            },
          ],
        ),
      ),
    );
    expect(audit.secureBoot?.value.mode).toBe('audit');
  });

  it('setup mode from SetupMode or an empty PK; variables that contradict an empty PK win', () => {
    const variable = (name: string, value: Uint8Array): EventSpec => ({
      pcr: 7,
      type: 0x80000001,
      data: uefiVariable(GUID.globalVariable, name, value),
    });
    const one = new Uint8Array([1]);
    const zero = new Uint8Array([0]);
    const emptyPk = variable('PK', new Uint8Array(0));
    const summary = (events: EventSpec[]): BootSummary =>
      summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], events)));
    expect(
      summary([variable('SecureBoot', zero), variable('SetupMode', one)]).secureBoot?.value,
    ).toEqual({
      enabled: false,
      mode: 'setup',
      setupMode: 1,
      sources: { secureBoot: 1, setupMode: 2 },
    });
    // SecureBoot 1 is the firmware's word that it verifies images: not setup.
    expect(summary([variable('SecureBoot', one), emptyPk]).secureBoot?.value.mode).toBe('enabled');
    // SetupMode 0 says a PK is enrolled: the log contradicts itself, its variables decide.
    expect(
      summary([variable('SecureBoot', zero), variable('SetupMode', zero), emptyPk]).secureBoot
        ?.value.mode,
    ).toBe('disabled');
    // An empty PK after PCR 7's separator is not the firmware's.
    expect(
      summary([variable('SecureBoot', zero), { pcr: 7, type: 4, data: new Uint8Array(4) }, emptyPk])
        .secureBoot?.value,
    ).toEqual({ enabled: false, mode: 'disabled', sources: { secureBoot: 1 } });
  });
});
