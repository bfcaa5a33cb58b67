/**
 * Authorities per boot image: each EFI application or driver carries the EV_EFI_VARIABLE_AUTHORITY
 * events of the policy register logged since the previous image load (shim's SbatLevel and
 * MokListTrusted state excepted), or no `authorities` when none was. Real logs with firmware and
 * shim authorities, then a synthetic log (labelled) for the register rule.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { concatBytes } from '../../src/core/bytes.js';
import {
  EV,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootFact,
  type BootImage,
  type BootSummary,
} from '../../src/eventlog/index.js';
import { logBytes } from './support/vectors.js';
import {
  DP_END,
  GUID,
  ascii,
  encodeAgileLog,
  filePathNode,
  guid,
  imageLoad,
  uefiVariable,
  type EventSpec,
} from './support/encode.js';

const MS_UEFI_CA =
  'CN=Microsoft Corporation UEFI CA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US';
const MS_WINDOWS_PCA =
  'CN=Microsoft Windows Production PCA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US';
const RED_HAT_CA_5 =
  'emailAddress=secalert@redhat.com,CN=Red Hat Secure Boot CA 5,O=Red Hat\\, Inc.';

/**
 * Each image as `[load event]`, or `[load event, authority events, their variables, their
 * certificate subjects]` when it has authorities.
 */
function linkage(images: readonly BootFact<BootImage>[]): unknown[][] {
  return images.map((i) => {
    const a = i.value.authorities;
    return a === undefined
      ? [i.events[0]]
      : [
          i.events[0],
          a.events,
          a.value.map((x) => x.variable),
          a.value.map((x) => x.certificate?.subject),
        ];
  });
}

function summary(file: string): BootSummary {
  return summarizeBoot(parseTcgEventLog(logBytes(file)));
}

describeVectors('eventlog summary: authorities per boot image (real logs)', () => {
  it('RHEL shim 15.4 (event-moklisttrusted): db → shim, Shim → grub; shim state not attached', () => {
    const s = summary('tpm2-tools/event-moklisttrusted.bin');
    expect(linkage(s.efiApplications)).toEqual([
      [25, [23], ['db'], [MS_UEFI_CA]],
      [32, [31], ['Shim'], [RED_HAT_CA_5]],
      [90], // kernel: verified by an authority already measured (Shim), or by none
      [91],
    ]);
    expect(linkage(s.efiDrivers)).toEqual([[10]]); // option ROM before any authority
    // SbatLevel (28) and MokListTrusted (29) sit between shim and grub but verified nothing.
    expect(s.authorities.map((a) => [a.events[0], a.value.variable])).toEqual([
      [23, 'db'],
      [28, 'SbatLevel'],
      [29, 'MokListTrusted'],
      [31, 'Shim'],
    ]);
    const grub = s.efiApplications[1]!.value.authorities!;
    // The link rests on the order of PCR 7 against PCR 4 events, which no register attests.
    expect(grub.bound).toBe(false);
    expect(s.authorities[3]!.bound).toBe(true); // the Shim authority itself is bound
    expect(grub.verified).toBeUndefined(); // no verification given
  });

  it('keylime RHEL with Secure Boot: db → shim, vendor_db → grub', () => {
    const s = summary('keylime/binary_bios_measurements-secureboot');
    expect(linkage(s.efiApplications)).toEqual([
      [29, [27], ['db'], [MS_UEFI_CA]],
      [35, [34], ['vendor_db'], [RED_HAT_CA_5]],
      [93],
    ]);
    expect(linkage(s.efiDrivers)).toEqual([[14]]);
  });

  it('Windows (option_rom_eventlog): the option ROM driver and bootmgfw each get their db entry', () => {
    const s = summary('go-attestation/option_rom_eventlog');
    expect(linkage(s.efiDrivers)).toEqual([[11, [10], ['db'], [MS_UEFI_CA]]]);
    expect(linkage(s.efiApplications)).toEqual([[43, [41], ['db'], [MS_WINDOWS_PCA]]]);
  });

  it('GCE Ubuntu 24.04 SEV-SNP (Secure Boot off): no image has an authority; SbatLevel is shim state', () => {
    const s = summary('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin');
    expect(linkage(s.efiApplications)).toEqual([[25], [30]]);
    expect(s.authorities.map((a) => [a.events[0], a.value.variable])).toEqual([[28, 'SbatLevel']]);
  });

  it('RHEL 8 on GCE (shim 15 logs grub before its authority): the Shim authority lands on the next image', () => {
    const s = summary('go-tpm-tools/rhel8-uefi.bin');
    expect(linkage(s.efiApplications)).toEqual([
      [23, [21], ['db'], [MS_UEFI_CA]],
      [26], // grubx64.efi, logged before event 27
      [77, [27], ['Shim'], [RED_HAT_CA_5]],
    ]);
  });

  it('COS 85: an authority after the last load is attached to no image; an unbound one stays unbound', () => {
    const s = summary('go-tpm-tools/cos-85-amd-sev.bin');
    const cos =
      'CN=UEFI DB Key v10,OU=Container Optimized OS,O=Google LLC.,L=Mountain View,ST=California,C=US';
    expect(linkage(s.efiApplications)).toEqual([
      [22, [20], ['db'], [cos]],
      [23],
      [41, [24], ['db'], [cos]],
    ]);
    expect(s.authorities.map((a) => a.events[0])).toEqual([20, 24, 42]);
    // A link is never bound (log order across registers); the authorities themselves say
    // whether they bind: event 24's digest matches neither H(data) nor H(VariableData).
    expect(s.efiApplications.map((a) => a.value.authorities?.bound)).toEqual([
      false,
      undefined,
      false,
    ]);
    expect(s.authorities.map((a) => a.bound)).toEqual([true, false, false]);
  });

  it('with a verification, the authority fact says whether PCR 7 matched', async () => {
    const log = parseTcgEventLog(logBytes('tpm2-tools/event-moklisttrusted.bin'));
    const { registers } = replayEventLog(log);
    const quoted = await verifyEventLog(log, { pcrs: { sha256: { 7: registers.sha256![7]! } } });
    const s = summarizeBoot(log, { verification: quoted });
    const shim = s.efiApplications[0]!;
    expect(shim.verified).toBe(false); // PCR 4 was not quoted
    expect(shim.value.authorities?.verified).toBe(true); // PCR 7 was
  });
});

describe('eventlog summary: authorities per boot image (synthetic log)', () => {
  const load = (type: number, pcr: number, path: string): EventSpec => ({
    pcr,
    type,
    data: imageLoad(concatBytes(filePathNode(path), DP_END)),
    hashOf: ascii(path), // an Authenticode hash of an image the log does not carry
  });
  const authority = (pcr: number, name: string, fill: number): EventSpec => ({
    pcr,
    type: EV.EFI_VARIABLE_AUTHORITY,
    data: uefiVariable(
      GUID.imageSecurityDatabase,
      name,
      concatBytes(guid(GUID.globalVariable), new Uint8Array(32).fill(fill)),
    ),
  });

  it('drivers and applications both close a window; authorities outside PCR 7 are not attached', () => {
    const s = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            { pcr: 7, type: EV.SEPARATOR, data: new Uint8Array(4) }, // 1
            authority(7, 'db', 1), // 2
            load(EV.EFI_RUNTIME_SERVICES_DRIVER, 2, '\\rt.efi'), // 3
            authority(7, 'db', 2), // 4
            authority(7, 'db', 3), // 5
            load(EV.EFI_BOOT_SERVICES_APPLICATION, 4, '\\a.efi'), // 6
            authority(14, 'db', 4), // 7: not the policy register
            load(EV.EFI_BOOT_SERVICES_APPLICATION, 4, '\\b.efi'), // 8
          ],
        ),
      ),
    );
    expect(s.efiDrivers.map((d) => [d.value.type, d.value.authorities?.events])).toEqual([
      ['EV_EFI_RUNTIME_SERVICES_DRIVER', [2]],
    ]);
    expect(s.efiApplications.map((a) => a.value.authorities?.events)).toEqual([[4, 5], undefined]);
    expect(s.efiApplications[0]!.value.authorities!.value.map((a) => a.sha256)).toEqual([
      '02'.repeat(32),
      '03'.repeat(32),
    ]);
    // Authorities are read from PCR 7 only: event 7 (PCR 14) is not one.
    expect(s.authorities.map((a) => a.events[0])).toEqual([2, 4, 5]);
  });
});
