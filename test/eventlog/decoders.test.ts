/**
 * Event-data decoders on real events (GPT, SIPA, SP800-155, handoff tables, signature lists, boot
 * options, StartupLocality, digest rules) and on synthetic ones (device-path nodes, malformed
 * structures that must become a decodeError without failing the parse).
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { concatBytes } from '../../src/core/bytes.js';
import {
  decodeDevicePath,
  decodeEfiSignatureLists,
  decodeEventData,
  decodeGptData,
  decodeUefiVariable,
  parseTcgEventLog,
  EV,
  eventTypeName,
} from '../../src/eventlog/index.js';
import { logBytes } from './support/vectors.js';
import {
  ascii,
  dpNode,
  DP_END,
  encodeAgileLog,
  filePathNode,
  GUID,
  guid,
  imageLoad,
  signatureList,
  u16,
  u32,
  u64,
  u8,
  uefiVariable,
  utf16,
} from './support/encode.js';

describeVectors('eventlog: decoders on real events', () => {
  it('GPT: header and used partitions', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin'));
    const gpt = log.events.find((e) => e.typeName === 'EV_EFI_GPT_EVENT')!;
    expect(gpt.decoded?.kind).toBe('gpt');
    if (gpt.decoded?.kind !== 'gpt') return;
    expect(gpt.decoded.gpt.sizeOfPartitionEntry).toBe(128);
    expect(gpt.decoded.gpt.partitions.length).toBeGreaterThan(1);
    expect(
      gpt.decoded.gpt.partitions.some((p) => p.typeGuid === 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b'),
    ).toBe(true); // EFI system partition
    expect(gpt.digestCheck).toBe('verified');
  });

  it('Windows SIPA records (option_rom_eventlog PCRs 12–14)', () => {
    const log = parseTcgEventLog(logBytes('go-attestation/option_rom_eventlog'));
    const sipa = log.events.filter((e) => e.decoded?.kind === 'sipa');
    expect(sipa.length).toBe(9);
    const names = new Set<string>();
    const walk = (rs: readonly { typeName: string; children?: readonly unknown[] }[]): void => {
      for (const r of rs) {
        names.add(r.typeName);
        if (r.children !== undefined) walk(r.children as never);
      }
    };
    for (const e of sipa) if (e.decoded?.kind === 'sipa') walk(e.decoded.records);
    expect(names.has('SIPAEVENT_TRUSTBOUNDARY') || names.has('SIPAEVENT_BOOTCOUNTER')).toBe(true);
    // The SIPA digest is H(whole event data) on Windows.
    expect(sipa.every((e) => e.digestCheck === 'verified')).toBe(true);
  });

  it('SP800-155 reference-manifest events and StartupLocality', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/eventlogwithsp800155.bin'));
    const sp = log.events.filter((e) => e.decoded?.kind === 'sp800-155');
    expect(sp.length).toBe(2);
    expect(sp.every((e) => e.typeName === 'EV_NO_ACTION' && e.digestCheck === 'not-extended')).toBe(
      true,
    );
    const alex = parseTcgEventLog(logBytes('go-tpm-tools/glinux-alex.bin'));
    expect(alex.events[1]!.decoded).toEqual({ kind: 'startup-locality', locality: 3 });
  });

  it('handoff tables, boot options, 9-byte EV_POST_CODE, separators', () => {
    const log = parseTcgEventLog(logBytes('keylime/binary_bios_measurements'));
    const post = log.events.filter((e) => e.typeName === 'EV_POST_CODE');
    expect(
      post.every(
        (e) => e.data.length === 9 && e.decoded?.kind === 'text' && e.decoded.text === 'ACPI DATA',
      ),
    ).toBe(true);
    const ht = log.events.find((e) => e.decoded?.kind === 'handoff-tables');
    expect(ht?.decoded?.kind === 'handoff-tables' && ht.decoded.tables[0]!.name).toBe(
      'SMBIOS3_TABLE',
    );
    const boot = log.events.find(
      (e) =>
        e.decoded?.kind === 'uefi-variable' && e.decoded.variable.value?.kind === 'load-option',
    );
    expect(boot).toBeDefined();
    expect(log.events.filter((e) => e.decoded?.kind === 'separator').length).toBe(8);
  });

  it('every event of every real log either decodes or says why', () => {
    for (const f of [
      'go-tpm-tools/gdc-host.bin',
      'tcglog-parser/binary_bios_measurements',
      'tpm2-tools/event-postcode.bin',
      'keylime/binary_bios_measurements-secureboot',
    ]) {
      const log = parseTcgEventLog(logBytes(f));
      expect(
        log.events
          .filter((e) => e.decodeError !== undefined)
          .map((e) => `${e.index} ${e.typeName} ${e.decodeError}`),
      ).toEqual([]);
    }
  });

  it('digest rules: GRUB strings without prefix, boot variables over VariableData', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/rhel8-uefi.bin'));
    const rules = new Set(log.events.map((e) => e.digestRule));
    expect(rules.has('grub-text')).toBe(true);
    expect(rules.has('grub-text-nul')).toBe(true); // Red Hat's "grub_cmd " patches hash the NUL
    expect(rules.has('variable-data')).toBe(true);
  });
});

describe('eventlog: decoders (synthetic)', () => {
  it('device paths render in efivar notation', () => {
    const pciRoot = dpNode(2, 1, concatBytes(u32(0x0a0341d0), u32(0)));
    const pci = dpNode(1, 1, new Uint8Array([0, 3]));
    const scsi = dpNode(3, 2, concatBytes(u16(1), u16(0)));
    const hd = dpNode(
      4,
      1,
      concatBytes(
        u32(15),
        u64(0x2800),
        u64(0x35000),
        guid('6ea6f740-25ef-4269-838d-1a6f21ebf27f'),
        u8(2),
        u8(2),
      ),
    );
    const path = concatBytes(
      pciRoot,
      pci,
      scsi,
      hd,
      filePathNode('\\EFI\\ubuntu\\shimx64.efi'),
      DP_END,
    );
    expect(decodeDevicePath(path).text).toBe(
      'PciRoot(0x0)/Pci(0x3,0x0)/SCSI(1,0)/HD(15,GPT,6ea6f740-25ef-4269-838d-1a6f21ebf27f,0x2800,0x35000)/File(\\EFI\\ubuntu\\shimx64.efi)',
    );
    const nvme = dpNode(3, 0x17, concatBytes(u32(1), new Uint8Array(8)));
    const mbr = dpNode(
      4,
      1,
      concatBytes(
        u32(1),
        u64(2048),
        u64(4096),
        new Uint8Array([0x78, 0x56, 0x34, 0x12, ...new Array<number>(12).fill(0)]),
        u8(1),
        u8(1),
      ),
    );
    const fv = concatBytes(
      dpNode(4, 7, guid('7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1')),
      dpNode(4, 6, guid('462caa21-7614-4503-836e-8ab6f4662331')),
    );
    expect(decodeDevicePath(concatBytes(nvme, mbr)).text).toBe(
      'NVMe(0x1,00-00-00-00-00-00-00-00)/HD(1,MBR,0x12345678,0x800,0x1000)',
    );
    expect(decodeDevicePath(fv).text).toBe(
      'FvVol(7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1)/FvFile(462caa21-7614-4503-836e-8ab6f4662331)',
    );
    expect(
      decodeDevicePath(
        concatBytes(filePathNode('a'), dpNode(0x7f, 1, new Uint8Array(0)), filePathNode('b')),
      ).text,
    ).toBe('File(a),File(b)');
    expect(decodeDevicePath(dpNode(9, 9, new Uint8Array([1, 2]))).text).toBe('Path(9,9,0102)');
    expectAttestError(
      () => decodeDevicePath(new Uint8Array([4, 4, 2, 0]), 100),
      'ERR_BAD_LENGTH',
      100,
    );
    expectAttestError(
      () => decodeDevicePath(new Uint8Array([4, 4, 40, 0, 0]), 100),
      'ERR_TRUNCATED',
      104,
    );
  });

  it("the public decoders copy their input: results never change with the caller's bytes", () => {
    const hash = new Uint8Array(32).fill(0x11);
    const list = signatureList(GUID.certSha256, [{ owner: GUID.globalVariable, data: hash }]);
    const lists = decodeEfiSignatureLists(list);
    const variable = uefiVariable(GUID.imageSecurityDatabase, 'db', list);
    const v = decodeUefiVariable(EV.EFI_VARIABLE_DRIVER_CONFIG, variable);
    const e = decodeEventData(EV.EFI_VARIABLE_DRIVER_CONFIG, variable, {
      pcrIndex: 7,
      uintnBytes: 8,
      base: 0,
    });
    list.fill(0xee);
    variable.fill(0xee);
    expect(lists[0]!.signatures[0]!.data).toEqual(hash);
    expect(v.value?.kind === 'signature-lists' && v.value.lists[0]!.signatures[0]!.data).toEqual(
      hash,
    );
    expect(v.variableData.length).toBe(list.length);
    expect(v.variableData[0]).not.toBe(0xee);
    expect(e?.kind === 'uefi-variable' && e.variable.variableData[0]).not.toBe(0xee);
  });

  it('signature lists: sizes are validated', () => {
    const ok = signatureList(GUID.certSha256, [
      { owner: GUID.globalVariable, data: new Uint8Array(32) },
    ]);
    expect(decodeEfiSignatureLists(ok)[0]!.signatures[0]!.kind).toBe('sha256');
    const badSize = ok.slice();
    new DataView(badSize.buffer).setUint32(24, 47, true); // SignatureSize no longer divides the body
    expectAttestError(() => decodeEfiSignatureLists(badSize), 'ERR_BAD_LENGTH', 24);
    const tooLong = ok.slice();
    new DataView(tooLong.buffer).setUint32(16, 0xffffff, true);
    expectAttestError(() => decodeEfiSignatureLists(tooLong), 'ERR_TRUNCATED', 0);
  });

  it('UEFI_VARIABLE_DATA lengths cannot run past the event; a broken value is a valueError', () => {
    const v = uefiVariable(GUID.globalVariable, 'PK', new Uint8Array([1, 2, 3]));
    const d = decodeUefiVariable(EV.EFI_VARIABLE_DRIVER_CONFIG, v);
    expect(d.name).toBe('PK');
    expect(d.valueError).toBeDefined();
    const huge = v.slice();
    new DataView(huge.buffer).setBigUint64(24, 1n << 60n, true);
    expectAttestError(
      () => decodeUefiVariable(EV.EFI_VARIABLE_DRIVER_CONFIG, huge, 10),
      'ERR_TRUNCATED',
      26,
    );
  });

  it('GPT with a billion partitions fails fast', () => {
    const hdr = concatBytes(
      ascii('EFI PART'),
      u32(0x10000),
      u32(92),
      u32(0),
      u32(0),
      u64(1),
      u64(2),
      u64(34),
      u64(100),
      new Uint8Array(16),
      u64(2),
      u32(128),
      u32(128),
      u32(0),
    );
    expectAttestError(
      () => decodeGptData(concatBytes(hdr, u64(1_000_000_000))),
      'ERR_BAD_LENGTH',
      92,
    );
    expectAttestError(
      () => decodeGptData(concatBytes(ascii('NOT GPT!'), new Uint8Array(100))),
      'ERR_BAD_MAGIC',
      0,
    );
  });

  it('malformed event data does not fail the parse: decodeError, and the event still replays', () => {
    const events = [
      { pcr: 4, type: EV.EFI_BOOT_SERVICES_APPLICATION, data: new Uint8Array(7) },
      {
        pcr: 4,
        type: EV.EFI_BOOT_SERVICES_APPLICATION,
        data: imageLoad(concatBytes(filePathNode('\\EFI\\BOOT\\BOOTX64.EFI'), DP_END)),
      },
      { pcr: 7, type: EV.SEPARATOR, data: new Uint8Array(3) },
      {
        pcr: 1,
        type: EV.EFI_VARIABLE_BOOT,
        data: uefiVariable(
          GUID.globalVariable,
          'Boot0001',
          concatBytes(u32(1), u16(200), utf16('x')),
        ),
      },
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], events));
    expect(log.events[1]!.decodeError).toBeDefined();
    expect(log.events[2]!.decoded).toMatchObject({
      kind: 'image-load',
      devicePath: 'File(\\EFI\\BOOT\\BOOTX64.EFI)',
    });
    expect(log.events[3]!.decodeError).toBeDefined();
    expect(
      log.events[4]!.decoded?.kind === 'uefi-variable' &&
        log.events[4]!.decoded.variable.valueError,
    ).toBeTruthy();
    expect(eventTypeName(0x1234)).toBe('EV_UNKNOWN_0x00001234');
  });
});
