/**
 * Shared fixtures of the boot-summary review tests (session 11): SYNTHETIC event builders, a
 * summarise-with-verification helper, the two-kernel GRUB log and the list of every real log in
 * the vectors that parses.
 */
import { concatBytes } from '../../../src/core/bytes.js';
import {
  EV,
  parseCcEventLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootFact,
  type BootSummary,
  type CcEventLog,
  type TcgEventLog,
} from '../../../src/eventlog/index.js';
import { CCEL_CASES, logBytes, readVector, tcgLogVectors, vectorExists } from './vectors.js';
import {
  GUID,
  ascii,
  encodeAgileLog,
  filePathNode,
  imageLoad,
  uefiVariable,
  DP_END,
  type EventSpec,
} from './encode.js';

/** One separator in each of PCRs 0–7. */
export const SEPARATORS: EventSpec[] = [0, 1, 2, 3, 4, 5, 6, 7].map((p) => ({
  pcr: p,
  type: EV.SEPARATOR,
  data: new Uint8Array(4),
}));

/** SecureBoot = 1 in PCR 7. */
export const SECURE_BOOT_ON: EventSpec = {
  pcr: 7,
  type: EV.EFI_VARIABLE_DRIVER_CONFIG,
  data: uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([1])),
};

/** A GRUB string as upstream GRUB measures it: digest over the text after the prefix. */
export function grub(prefix: string, text: string, pcr = 8): EventSpec {
  return { pcr, type: EV.IPL, data: ascii(`${prefix}${text}\0`), hashOf: ascii(text) };
}

/** A GRUB file event: the path as data, the file's bytes hashed. */
export function grubFile(path: string, content: string, pcr = 9): EventSpec {
  return { pcr, type: EV.IPL, data: ascii(`${path}\0`), hashOf: ascii(content) };
}

/** A boot application load in PCR 4 (device path = one file node). */
export function bootApp(path: string): EventSpec {
  return {
    pcr: 4,
    type: EV.EFI_BOOT_SERVICES_APPLICATION,
    data: imageLoad(concatBytes(filePathNode(path), DP_END)),
    hashOf: ascii(`authenticode of ${path}`),
  };
}

/**
 * Parses `events` (SYNTHETIC) and verifies them against `quoted` (default: their own replay, as if
 * a quote had returned it), then summarises with that verification.
 */
export async function summarize(
  events: readonly EventSpec[],
  quoted?: TcgEventLog,
): Promise<{ log: TcgEventLog; ok: boolean; s: BootSummary }> {
  const log = parseTcgEventLog(encodeAgileLog(['sha256'], events));
  const v = await verifyEventLog(log, { pcrs: replayEventLog(quoted ?? log).registers });
  return { log, ok: v.ok, s: summarizeBoot(log, { verification: v }) };
}

/** The binding fields of a fact, each `undefined` when absent. */
export function shape<T>(f: BootFact<T> | undefined): {
  bound: boolean | undefined;
  verified: boolean | undefined;
  conflicts: readonly number[] | undefined;
} {
  return { bound: f?.bound, verified: f?.verified, conflicts: f?.conflicts };
}

/** The kernel GRUB boots first, and the one a second `linux` command would boot. */
export const GOOD = 'linux /vmlinuz-good root=/dev/sda1 ro lockdown=integrity';
export const EVIL = 'linux /vmlinuz-evil root=/dev/sda1 ro init=/bin/sh';

/**
 * SYNTHETIC: GRUB ran `linux` twice. Event indices count the Spec ID header as 0
 * (SECURE_BOOT_ON is 1, SEPARATORS 2–9): an event's index is its position in the list plus one.
 */
export const TWO_KERNELS: EventSpec[] = [
  SECURE_BOOT_ON,
  ...SEPARATORS,
  grub('grub_cmd: ', GOOD), // 10
  grubFile('/vmlinuz-good', 'GOOD KERNEL'), // 11
  grub('kernel_cmdline: ', GOOD.slice(6)), // 12
  grub('grub_cmd: ', EVIL), // 13
  grubFile('/vmlinuz-evil', 'EVIL KERNEL'), // 14
  grub('kernel_cmdline: ', EVIL.slice(6)), // 15
];

/** Every real TCG and CC log in the vectors that parses. */
export function realLogs(): { id: string; log: TcgEventLog | CcEventLog }[] {
  const out: { id: string; log: TcgEventLog | CcEventLog }[] = [];
  for (const v of tcgLogVectors()) {
    try {
      out.push({ id: v.id, log: parseTcgEventLog(logBytes(v.file)) });
    } catch {
      // the deliberately broken logs (-bogus, -empty)
    }
  }
  for (const p of [
    ['tpm', 'real', 'go-attestation', 'windows_gcp_shielded_vm', 'eventlog.bin'],
    ['tpm', 'real', 'go-tpm-tools', 'gce-cos-85-nonce9009', 'eventlog.bin'],
    ['tpm', 'swtpm', 'eventlog', 'boot_eventlog.bin'],
  ])
    if (vectorExists(...p)) out.push({ id: p.join('/'), log: parseTcgEventLog(readVector(...p)) });
  for (const c of CCEL_CASES)
    out.push({ id: c, log: parseCcEventLog(readVector('tdx', c, 'ccel_data.bin')) });
  return out;
}
