/**
 * Event-data decoders on real events (GPT, SIPA, SP800-155, handoff tables, signature lists, boot
 * options, StartupLocality, digest rules) and on synthetic ones (device-path nodes, malformed
 * structures that must become a decodeError without failing the parse).
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { mintCert, testKey } from '../support/forge.js';
import { concatBytes } from '../../src/core/bytes.js';
import { toHex } from '../../src/core/encoding.js';
import {
  decodeDevicePath,
  decodeEfiSignatureLists,
  decodeEventData,
  decodeGptData,
  decodeUefiVariable,
  parseCcEventLog,
  parseTcgEventLog,
  replayEventLog,
  EV,
  eventTypeName,
  type EventLog,
  type SipaRecord,
} from '../../src/eventlog/index.js';
import { CCEL_CASES, logBytes, readVector, tcgLogVectors } from './support/vectors.js';
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

/** The TCG logs under vectors/tpm: Windows and COS captures with a quote, the swtpm boot log. */
const REAL_TPM_LOGS: readonly (readonly string[])[] = [
  ['tpm', 'real', 'go-attestation', 'windows_gcp_shielded_vm', 'eventlog.bin'],
  ['tpm', 'real', 'go-tpm-tools', 'gce-cos-85-no-nonce', 'eventlog.bin'],
  ['tpm', 'real', 'go-tpm-tools', 'gce-cos-85-nonce9009', 'eventlog.bin'],
  ['tpm', 'swtpm', 'eventlog', 'boot_eventlog.bin'],
];

/**
 * Types whose data the PFP leaves to the producer (a hash of something the log does not carry,
 * vendor bytes): they decode only when the data happens to be text or a 16-byte blob.
 */
const OPAQUE_TYPES = new Set<number>([
  EV.POST_CODE,
  EV.S_CRTM_CONTENTS,
  EV.CPU_MICROCODE,
  EV.PLATFORM_CONFIG_FLAGS,
  EV.TABLE_OF_DEVICES,
  EV.COMPACT_HASH,
  EV.IPL,
  EV.NONHOST_CODE,
  EV.NONHOST_CONFIG,
  EV.NONHOST_INFO,
]);

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

  it('every event of every real TCG and CC log decodes, or its type is opaque by design', () => {
    const logs: [string, EventLog][] = [
      ...tcgLogVectors()
        .filter((v) => v.expected.parse_error !== true)
        .map((v): [string, EventLog] => [v.id, parseTcgEventLog(logBytes(v.file))]),
      ...REAL_TPM_LOGS.map((p): [string, EventLog] => [
        p.join('/'),
        parseTcgEventLog(readVector(...p)),
      ]),
      ...CCEL_CASES.map((c): [string, EventLog] => [
        c,
        parseCcEventLog(readVector('tdx', c, 'ccel_data.bin')),
      ]),
    ];
    // 37 parseable logs of eventlog/expected.json, 4 under tpm/, 7 CCELs (more when vectors are added).
    expect(logs.length).toBeGreaterThanOrEqual(48);
    const problems: string[] = [];
    for (const [id, log] of logs) {
      if (log.kind === 'ima') continue;
      for (const e of log.events) {
        if (e.decodeError !== undefined)
          problems.push(`${id} #${e.index} ${e.typeName}: ${e.decodeError}`);
        else if (e.decoded === undefined && !OPAQUE_TYPES.has(e.type))
          problems.push(`${id} #${e.index} ${e.typeName}: not decoded`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('S-CRTM versions: ASCII, UCS-2, GUID and empty, each read the way it was written', () => {
    const crtm = (file: string): unknown =>
      parseTcgEventLog(logBytes(file)).events.find((e) => e.type === EV.S_CRTM_VERSION)?.decoded;
    // 280 bytes: "M60", NULs, then vendor data. ASCII, not UCS-2 (which would read "㙍0").
    for (const f of [
      'go-attestation/option_rom_eventlog',
      'go-attestation/ebs_event_missing_eventlog',
    ])
      expect(crtm(f), f).toEqual({ kind: 'text', encoding: 'ascii', text: 'M60' });
    expect(crtm('go-tpm-tools/debian-10.bin')).toEqual({
      kind: 'text',
      encoding: 'utf16le',
      text: 'GCE Virtual Firmware v1',
    });
    expect(crtm('keylime/binary_bios_measurements')).toEqual({
      kind: 'text',
      encoding: 'utf16le',
      text: 'N40ET41W ',
    });
    expect(crtm('go-attestation/crypto_agile_eventlog')).toEqual({
      kind: 'guid',
      guid: '546bfb1e-1d0c-4055-a4ad-4ef4bf17b83a',
    });
    expect(crtm('tpm2-tools/event-bootorder.bin')).toEqual({
      kind: 'text',
      encoding: 'utf16le',
      text: '',
    });
  });

  it('Windows SIPA records of the GCE Shielded VM capture (tpm/real, PCRs 12–14)', () => {
    const log = parseTcgEventLog(readVector(...REAL_TPM_LOGS[0]!));
    const tags = log.events.filter((e) => e.typeName === 'EV_EVENT_TAG');
    expect(tags.map((e) => [e.pcrIndex, e.decoded?.kind, e.digestCheck])).toEqual([
      [12, 'sipa', 'verified'],
      [13, 'sipa', 'verified'],
      [14, 'sipa', 'verified'],
      [12, 'sipa', 'verified'],
      [13, 'sipa', 'verified'],
      [14, 'sipa', 'verified'],
    ]);
    const flat = (rs: readonly SipaRecord[]): SipaRecord[] =>
      rs.flatMap((r) => [r, ...flat(r.children ?? [])]);
    const records = (i: number): SipaRecord[] => {
      const d = tags[i]!.decoded;
      return d?.kind === 'sipa' ? flat(d.records) : [];
    };
    const value = (rs: SipaRecord[], name: string): unknown =>
      rs.find((r) => r.typeName === name)?.value;
    // PCR 12, first trust boundary: boot counter 4 and the boot manager's measured state.
    const first = records(0);
    expect(first[0]!.typeName).toBe('SIPAEVENT_TRUSTBOUNDARY');
    expect(value(first, 'SIPAEVENT_BOOTCOUNTER')).toBe(4n);
    expect(value(first, 'SIPAEVENT_CODEINTEGRITY')).toBe(1);
    expect(value(first, 'SIPAEVENT_TESTSIGNING')).toBe(0);
    expect(value(first, 'SIPAEVENT_BOOTDEBUGGING')).toBe(0);
    // PCR 13: winload.efi, its Authenticode hash (SHA-256, CALG 0x800c) and who signed it.
    const loader = records(1);
    expect(value(loader, 'SIPAEVENT_FILEPATH')).toBe('\\Windows\\system32\\winload.efi');
    expect(value(loader, 'SIPAEVENT_HASHALGORITHMID')).toBe(0x800c);
    expect(value(loader, 'SIPAEVENT_AUTHORITYISSUER')).toBe(
      'Microsoft Windows Production PCA 2011',
    );
    expect(value(loader, 'SIPAEVENT_AUTHORITYPUBLISHER')).toBe('Microsoft Windows');
    expect(loader.find((r) => r.typeName === 'SIPAEVENT_AUTHENTICODEHASH')!.payload.length).toBe(
      32,
    );
    // PCR 14: a top-level authority public key (DER SubjectPublicKeyInfo of an RSA-2048 key).
    const auth = records(2);
    expect(auth.map((r) => r.typeName)).toEqual(['SIPAEVENT_AUTHORITYPUBKEY']);
    expect(toHex(auth[0]!.payload.subarray(0, 4))).toBe('30820122');
    expect(auth[0]!.payload.length).toBe(294);
    // PCR 13, second boundary: the kernel's parameters and 63 more loaded modules.
    const kernel = records(4);
    expect(value(kernel, 'SIPAEVENT_SYSTEMROOT')).toBe('\\Windows');
    expect(value(kernel, 'SIPAEVENT_SAFEMODE')).toBe(0);
    expect(value(kernel, 'SIPAEVENT_HYPERVISOR_LAUNCH_TYPE')).toBe(0n);
    expect(
      [0, 1, 2, 3, 4, 5]
        .flatMap((i) => records(i))
        .filter((r) => r.typeName === 'SIPAEVENT_FILEPATH').length,
    ).toBe(64);
    // Windows closes PCRs 12–14 with a "WBCL" separator.
    expect(
      log.events
        .filter((e) => e.type === EV.SEPARATOR && e.pcrIndex >= 12)
        .map((e) => e.decoded?.kind === 'separator' && toHex(e.data)),
    ).toEqual(['5742434c', '5742434c', '5742434c']);
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

  it('Uri and BBS nodes of the largest size decode as text (no argument-count limit)', () => {
    const big = new Uint8Array(65535 - 4).fill(0x61);
    const uri = decodeDevicePath(dpNode(3, 0x18, big)).text;
    expect(uri.length).toBe('Uri()'.length + big.length);
    const bbs = decodeDevicePath(dpNode(5, 1, concatBytes(u16(6), u16(0), big.subarray(4)))).text;
    expect(bbs.startsWith('BBS(')).toBe(true);
    expect(bbs.length).toBeGreaterThan(60000);
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

  it('S-CRTM version (synthetic): a NUL-padded 16-byte string is text, not a GUID; binary is opaque', () => {
    const crtm = (data: Uint8Array): unknown =>
      decodeEventData(EV.S_CRTM_VERSION, data, { pcrIndex: 0, uintnBytes: 8, base: 0 });
    const padded = new Uint8Array(16);
    padded.set(ascii('M60'));
    expect(crtm(padded)).toEqual({ kind: 'text', encoding: 'ascii', text: 'M60' });
    expect(crtm(utf16('v1.2', false).slice(0, 16))).toEqual({
      kind: 'text',
      encoding: 'utf16le',
      text: 'v1.2',
    });
    const sixteen = concatBytes(utf16('ABCDEFG'), new Uint8Array(0));
    expect(sixteen.length).toBe(16);
    expect(crtm(sixteen)).toEqual({ kind: 'text', encoding: 'utf16le', text: 'ABCDEFG' });
    // UCS-2 followed by vendor bytes after its terminator.
    expect(crtm(concatBytes(utf16('1.0'), new Uint8Array([0x90, 0x91, 0x92])))).toEqual({
      kind: 'text',
      encoding: 'utf16le',
      text: '1.0',
    });
    expect(crtm(new Uint8Array([0x90, 0x01, 0x02]))).toBeUndefined();
    expect(crtm(new Uint8Array([0, 0]))).toEqual({ kind: 'text', encoding: 'utf16le', text: '' });
    expect(crtm(new Uint8Array([0, 0, 0, 0]))).toEqual({
      kind: 'text',
      encoding: 'utf16le',
      text: '',
    });
    // Bytes after a leading NUL are not an empty string: shown as '' they would be lost.
    expect(crtm(new Uint8Array([0xff]))).toBeUndefined();
    expect(crtm(new Uint8Array([0, 0, 0xde, 0xad, 0xbe, 0xef, 1]))).toBeUndefined();
  });

  it('EV_PREBOOT_CERT: DER certificates back to back (SYNTHETIC certificates)', async () => {
    const key = await testKey('p256');
    const a = (await mintCert({ subject: 'CN=synthetic preboot A', key })).der;
    const b = (await mintCert({ subject: 'CN=synthetic preboot B', key })).der;
    const ctx = { pcrIndex: 0, uintnBytes: 8, base: 0 } as const;
    const d = decodeEventData(EV.PREBOOT_CERT, concatBytes(a, b), ctx);
    expect(d?.kind).toBe('preboot-cert');
    if (d?.kind !== 'preboot-cert') return;
    expect(d.certificates.map(toHex)).toEqual([toHex(a), toHex(b)]);
    // Anything else is not taken for certificates: trailing bytes, a cut certificate, text.
    expect(decodeEventData(EV.PREBOOT_CERT, concatBytes(a, new Uint8Array([1])), ctx)).toBe(
      undefined,
    );
    expect(decodeEventData(EV.PREBOOT_CERT, a.subarray(0, a.length - 1), ctx)).toBeUndefined();
    expect(decodeEventData(EV.PREBOOT_CERT, ascii('cert'), ctx)).toEqual({
      kind: 'text',
      encoding: 'ascii',
      text: 'cert',
    });
  });

  it('EV_IPL_PARTITION_DATA: the MBR table in its 72-, 512- and 64-byte forms (SYNTHETIC MBR)', () => {
    const entry = (boot: number, type: number, start: number, size: number): Uint8Array =>
      concatBytes(
        u8(boot),
        new Uint8Array([0xfe, 0xff, 0xff]),
        u8(type),
        new Uint8Array(3),
        u32(start),
        u32(size),
      );
    const table = concatBytes(
      entry(0x80, 0x83, 2048, 1_000_000),
      new Uint8Array(16),
      entry(0, 0x07, 1_002_048, 5000),
      new Uint8Array(16),
    );
    const tail = concatBytes(u32(0x12345678), u16(0), table, new Uint8Array([0x55, 0xaa]));
    expect(tail.length).toBe(72);
    const partitions = [
      { index: 1, bootIndicator: 0x80, osType: 0x83, startingLba: 2048, sizeInLba: 1_000_000 },
      { index: 3, bootIndicator: 0, osType: 0x07, startingLba: 1_002_048, sizeInLba: 5000 },
    ];
    const ctx = { pcrIndex: 5, uintnBytes: 8, base: 0 } as const;
    const dec = (d: Uint8Array): unknown => decodeEventData(EV.IPL_PARTITION_DATA, d, ctx);
    expect(dec(tail)).toEqual({
      kind: 'mbr-partition-table',
      diskSignature: 0x12345678,
      partitions,
    });
    expect(dec(concatBytes(new Uint8Array(440).fill(0xcc), tail))).toEqual({
      kind: 'mbr-partition-table',
      diskSignature: 0x12345678,
      partitions,
    });
    expect(dec(table)).toEqual({ kind: 'mbr-partition-table', partitions });
    // SeaBIOS logs a label and hashes the 72 bytes; without the 55 AA signature it is no MBR.
    expect(dec(ascii('MBR PARTITION_TABLE'))).toEqual({
      kind: 'text',
      encoding: 'ascii',
      text: 'MBR PARTITION_TABLE',
    });
    const unsigned = tail.slice();
    unsigned[71] = 0;
    expect(dec(unsigned)).toBeUndefined();
    // In a log: decoded, and the digest (of the disk's bytes, not the label) is not data-derived.
    const log = parseTcgEventLog(
      encodeAgileLog(
        ['sha256'],
        [{ pcr: 5, type: EV.IPL_PARTITION_DATA, data: ascii('MBR PARTITION_TABLE'), hashOf: tail }],
      ),
    );
    expect(log.events[1]!.decoded?.kind).toBe('text');
    expect(log.events[1]!.decodeError).toBeUndefined();
  });

  describe('EV_EFI_SPDM_FIRMWARE_BLOB / _CONFIG: TCG_DEVICE_SECURITY_EVENT_DATA (SYNTHETIC)', () => {
    const measurement = new Uint8Array(48).fill(0x5a);
    /** DSP0274 SPDM_MEASUREMENT_BLOCK in the DMTF format. */
    const block = (index: number, valueType: number, value: Uint8Array): Uint8Array => {
      const m = concatBytes(u8(valueType), u16(value.length), value);
      return concatBytes(u8(index), u8(1), u16(m.length), m);
    };
    const path = concatBytes(
      dpNode(2, 1, concatBytes(u32(0x0a0341d0), u32(0))),
      dpNode(1, 1, new Uint8Array([0, 3])),
      DP_END,
    );
    const pciContext = concatBytes(
      u16(0),
      u16(16),
      u16(0x8086),
      u16(0x0a54),
      u8(2),
      new Uint8Array([0x02, 0x08, 0x01]),
      u16(0x8086),
      u16(0x5678),
    );
    const pci = {
      vendorId: 0x8086,
      deviceId: 0x0a54,
      revisionId: 2,
      classCode: 0x010802,
      subsystemVendorId: 0x8086,
      subsystemId: 0x5678,
    };
    const v1 = (blk = block(1, 0x01, measurement), devicePath = path): Uint8Array => {
      const body = concatBytes(
        u32(0x02),
        u32(1),
        blk,
        u64(devicePath.length),
        devicePath,
        pciContext,
      );
      return concatBytes(ascii('SPDM Device Sec\0'), u16(1), u16(20 + body.length), body);
    };
    const v2 = (subType: number, sub: Uint8Array, authState = 0): Uint8Array => {
      const rest = concatBytes(u64(path.length), path, sub, pciContext);
      return concatBytes(
        ascii('SPDM Device Sec2'),
        u16(2),
        u8(authState),
        u8(0),
        u32(rest.length),
        u32(1),
        u32(subType),
        u32(sub.length),
        u64(0x1122n),
        rest,
      );
    };
    const ctx = (base = 0): { pcrIndex: number; uintnBytes: 8; base: number } => ({
      pcrIndex: 2,
      uintnBytes: 8,
      base,
    });

    it('version 1: header, measurement block, device path, PCI context', () => {
      const data = v1();
      expect(decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, data, ctx())).toEqual({
        kind: 'device-security',
        signature: 'SPDM Device Sec',
        version: 1,
        length: data.length,
        deviceType: 1,
        spdmHashAlgo: 0x02,
        measurementBlocks: [
          { index: 1, measurementSpecification: 1, valueType: 0x01, value: measurement },
        ],
        devicePath: 'PciRoot(0x0)/Pci(0x3,0x0)',
        pci,
      });
    });

    it('version 2: measurement-block and certificate-chain sub-headers', () => {
      const blocks = concatBytes(block(1, 0x00, measurement), block(2, 0x83, ascii('cfg')));
      const meas = v2(0, concatBytes(u16(0x11), u8(2), u8(0), u32(0x02), blocks));
      expect(decodeEventData(EV.EFI_SPDM_FIRMWARE_CONFIG, meas, ctx())).toEqual({
        kind: 'device-security',
        signature: 'SPDM Device Sec2',
        version: 2,
        authState: 0,
        length: meas.length - 44, // the bytes after the 44-byte header
        deviceType: 1,
        subHeaderType: 0,
        subHeaderUid: 0x1122n,
        devicePath: 'PciRoot(0x0)/Pci(0x3,0x0)',
        spdmVersion: 0x11,
        spdmHashAlgo: 0x02,
        measurementBlocks: [
          { index: 1, measurementSpecification: 1, valueType: 0x00, value: measurement },
          { index: 2, measurementSpecification: 1, valueType: 0x83, value: ascii('cfg') },
        ],
        pci,
      });
      const chain = new Uint8Array([4, 0, 0, 0, 9, 9, 9, 9]);
      const cert = v2(1, concatBytes(u16(0x12), u8(3), u8(0), u32(0x01), chain), 1);
      expect(decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, cert, ctx())).toMatchObject({
        authState: 1,
        subHeaderType: 1,
        spdmVersion: 0x12,
        spdmSlotId: 3,
        spdmHashAlgo: 0x01,
        certChain: chain,
        pci,
      });
    });

    it('a body that does not parse keeps the header and the rest as undecoded bytes', () => {
      const good = v1();
      // DevicePathLength (after the 28-byte header and the 55-byte block) claims 4 GiB.
      const at = 28 + 55;
      const bad = good.slice();
      new DataView(bad.buffer).setBigUint64(at, 1n << 32n, true);
      const d = decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, bad, ctx(1000));
      expect(d?.kind).toBe('device-security');
      if (d?.kind !== 'device-security') return;
      expect([d.version, d.deviceType, d.spdmHashAlgo, d.measurementBlocks?.length]).toEqual([
        1, 1, 2, 1,
      ]);
      expect(d.devicePath).toBeUndefined();
      expect(d.pci).toBeUndefined();
      expect(d.undecoded?.offset).toBe(1000 + at);
      expect(toHex(d.undecoded!.bytes)).toBe(toHex(bad.subarray(at)));
      // A measurement block cut short: everything after the header is undecoded.
      const cut = v1().subarray(0, 28 + 10);
      const c = decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, cut, ctx());
      expect(c?.kind === 'device-security' && [c.measurementBlocks, c.undecoded?.offset]).toEqual([
        undefined,
        28,
      ]);
    });

    it('a truncated header is a decodeError; other data gets the text / blob reading', () => {
      const head = concatBytes(ascii('SPDM Device Sec\0'), u16(1), u8(0));
      expectAttestError(
        () => decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, head, ctx(500)),
        'ERR_TRUNCATED',
        518,
      );
      expect(decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, ascii('vendor blob'), ctx())).toEqual({
        kind: 'text',
        encoding: 'ascii',
        text: 'vendor blob',
      });
      expect(
        decodeEventData(EV.EFI_SPDM_FIRMWARE_CONFIG, concatBytes(u64(0x1000), u64(0x20)), ctx()),
      ).toEqual({ kind: 'firmware-blob', blobBase: 0x1000n, blobLength: 0x20n });
      expect(
        decodeEventData(EV.EFI_SPDM_FIRMWARE_BLOB, new Uint8Array([0x90, 1, 2]), ctx()),
      ).toBeUndefined();
      // In a log: decoded events and the broken one (decodeError) all replay.
      const log = parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            { pcr: 2, type: EV.EFI_SPDM_FIRMWARE_BLOB, data: v1(), hashOf: measurement },
            { pcr: 3, type: EV.EFI_SPDM_FIRMWARE_CONFIG, data: head },
          ],
        ),
      );
      expect(log.events[1]!.decoded?.kind).toBe('device-security');
      expect(log.events[2]!.decodeError).toBeDefined();
      expect(Object.keys(replayEventLog(log).registers.sha256!)).toEqual(['2', '3']);
    });
  });
});
