/**
 * Generates the SYNTHETIC event-log demo evidence in examples/evidence/eventlog-*: a small
 * crypto-agile TCG log (SHA-1 + SHA-256) of a UEFI Secure Boot → shim → GRUB → Linux boot, built
 * with the test encoder, and the PCR values of a TPM that measured exactly those events (computed
 * by folding extend independently of src/eventlog). A second case pairs the same log with a PCR 9
 * value that does not match, to show a rejection. Nothing here comes from a real machine.
 *
 *   npx tsx scripts/gen-eventlog-evidence.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatBytes } from '../src/core/bytes.js';
import { digest } from '../src/core/crypto.js';
import {
  ascii,
  dpNode,
  DP_END,
  encodeAgileLog,
  filePathNode,
  foldReplay,
  guid,
  GUID,
  imageLoad,
  signatureList,
  u16,
  u32,
  u64,
  u8,
  uefiVariable,
  utf16,
  type EventSpec,
} from '../test/eventlog/support/encode.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'evidence');
const BANKS = ['sha1', 'sha256'] as const;

/** A fixed, obviously synthetic "image" digest source. */
const image = (name: string): Uint8Array => ascii(`SYNTHETIC IMAGE ${name}`);

function events(): EventSpec[] {
  const hd = dpNode(
    4,
    1,
    concatBytes(
      u32(1),
      u64(0x800),
      u64(0x100000),
      guid('5ca1ab1e-0000-4000-8000-000000000001'),
      u8(2),
      u8(2),
    ),
  );
  const devicePath = (file: string): Uint8Array =>
    concatBytes(
      dpNode(2, 1, concatBytes(u32(0x0a0341d0), u32(0))),
      dpNode(1, 1, new Uint8Array([0, 4])),
      hd,
      filePathNode(file),
      DP_END,
    );
  const dbHash = digest('sha256', image('allowed-by-hash'));
  const list: EventSpec[] = [
    { pcr: 0, type: 0x8, data: utf16('attestkit synthetic firmware 1.0') },
    {
      pcr: 0,
      type: 0x80000008,
      data: concatBytes(u64(0xffc00000), u64(0x400000)),
      hashOf: image('firmware volume'),
    },
    {
      pcr: 7,
      type: 0x80000001,
      data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([1])),
    },
    { pcr: 7, type: 0x80000001, data: uefiVariable(GUID.globalVariable, 'PK', new Uint8Array(0)) },
    { pcr: 7, type: 0x80000001, data: uefiVariable(GUID.globalVariable, 'KEK', new Uint8Array(0)) },
    {
      pcr: 7,
      type: 0x80000001,
      data: uefiVariable(
        GUID.imageSecurityDatabase,
        'db',
        signatureList(GUID.certSha256, [{ owner: GUID.globalVariable, data: dbHash }]),
      ),
    },
    {
      pcr: 7,
      type: 0x80000001,
      data: uefiVariable(GUID.imageSecurityDatabase, 'dbx', new Uint8Array(0)),
    },
    {
      pcr: 1,
      type: 0x80000002,
      data: uefiVariable(GUID.globalVariable, 'BootOrder', u16(1)),
      hashOf: u16(1),
    },
    { pcr: 4, type: 0x80000007, data: ascii('Calling EFI Application from Boot Option') },
  ];
  for (let p = 0; p <= 7; p++) list.push({ pcr: p, type: 4, data: new Uint8Array(4) });
  list.push(
    {
      pcr: 5,
      type: 0x80000006,
      data: concatBytes(
        ascii('EFI PART'),
        u32(0x10000),
        u32(92),
        u32(0),
        u32(0),
        u64(1),
        u64(0x3fffff),
        u64(34),
        u64(0x3fffde),
        guid('5ca1ab1e-0000-4000-8000-00000000d15c'),
        u64(2),
        u32(128),
        u32(128),
        u32(0),
        u64(0),
      ),
    },
    {
      pcr: 7,
      type: 0x800000e0,
      data: uefiVariable(
        GUID.imageSecurityDatabase,
        'db',
        concatBytes(guid(GUID.globalVariable), dbHash),
      ),
    },
    {
      pcr: 4,
      type: 0x80000003,
      data: imageLoad(devicePath('\\EFI\\synthetic\\shimx64.efi')),
      hashOf: image('shimx64.efi'),
    },
    { pcr: 14, type: 0xd, data: ascii('MokList\0'), hashOf: new Uint8Array(0) },
    {
      pcr: 4,
      type: 0x80000003,
      data: imageLoad(concatBytes(filePathNode('\\EFI\\synthetic\\grubx64.efi'), DP_END)),
      hashOf: image('grubx64.efi'),
    },
    {
      pcr: 9,
      type: 0xd,
      data: ascii('(hd0,gpt1)/EFI/synthetic/grub.cfg\0'),
      hashOf: image('grub.cfg'),
    },
    {
      pcr: 8,
      type: 0xd,
      data: ascii('grub_cmd: linux /vmlinuz-synthetic root=/dev/vda2 ro\0'),
      hashOf: ascii('linux /vmlinuz-synthetic root=/dev/vda2 ro'),
    },
    { pcr: 9, type: 0xd, data: ascii('/vmlinuz-synthetic\0'), hashOf: image('vmlinuz') },
    {
      pcr: 8,
      type: 0xd,
      data: ascii('kernel_cmdline: /vmlinuz-synthetic root=/dev/vda2 ro\0'),
      hashOf: ascii('/vmlinuz-synthetic root=/dev/vda2 ro'),
    },
    {
      pcr: 8,
      type: 0xd,
      data: ascii('grub_cmd: initrd /initrd-synthetic.img\0'),
      hashOf: ascii('initrd /initrd-synthetic.img'),
    },
    { pcr: 9, type: 0xd, data: ascii('/initrd-synthetic.img\0'), hashOf: image('initrd') },
    { pcr: 5, type: 0x80000007, data: ascii('Exit Boot Services Invocation') },
    { pcr: 5, type: 0x80000007, data: ascii('Exit Boot Services Returned with Success') },
  );
  return list;
}

function write(dir: string, files: Record<string, Uint8Array | string>): void {
  mkdirSync(join(root, dir), { recursive: true });
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(root, dir, name), content);
}

const evs = events();
const log = encodeAgileLog(BANKS, evs);
const pcrs = foldReplay(BANKS, evs);
const pcrsJson = JSON.stringify(pcrs, null, 2) + '\n';
write('eventlog-synthetic-boot', {
  'boot_eventlog.bin': log,
  'pcrs.json': pcrsJson,
  'manifest.json':
    JSON.stringify(
      {
        evidence: 'boot_eventlog.bin',
        type: 'tcg-log',
        synthetic: true,
        description:
          'SYNTHETIC crypto-agile TCG event log (SHA-1 + SHA-256) of a Secure Boot → shim → GRUB → Linux boot, generated by scripts/gen-eventlog-evidence.ts, replayed against the PCRs of a TPM that measured exactly those events (pcrs.json).',
        pcrs: 'pcrs.json',
      },
      null,
      2,
    ) + '\n',
});
const tampered = JSON.parse(pcrsJson) as Record<string, Record<string, string>>;
tampered.sha256!['9'] = tampered.sha256!['9']!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
write('eventlog-synthetic-tampered', {
  'boot_eventlog.bin': log,
  'pcrs.json': JSON.stringify(tampered, null, 2) + '\n',
  'manifest.json':
    JSON.stringify(
      {
        evidence: 'boot_eventlog.bin',
        type: 'tcg-log',
        synthetic: true,
        expectOk: false,
        description:
          'SYNTHETIC: the same log against a quote whose SHA-256 PCR 9 differs (a different kernel or initrd was measured than the log says): eventlog.replay.pcr9 fails and names the events that feed PCR 9.',
        pcrs: 'pcrs.json',
      },
      null,
      2,
    ) + '\n',
});
console.log(
  `wrote ${root}/eventlog-synthetic-boot and eventlog-synthetic-tampered (${log.length}-byte log, ${evs.length + 1} events)`,
);
