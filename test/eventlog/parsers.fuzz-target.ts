/**
 * Fuzz targets for the three event-log parsers (picked up by test/fuzz/parsers.test.ts). The CC
 * target also feeds an ACPI CCEL table (inputs that start with `CCEL` are split into table and
 * log) and replays; the IMA target replays and summarizes what parses.
 */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, readVector, readVectorText } from '../support/vectors.js';
import { concatBytes } from '../../src/core/bytes.js';
import { fromBase64 } from '../../src/core/encoding.js';
import {
  parseCcEventLog,
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
} from '../../src/eventlog/index.js';

/** A real log cut at the first event boundary after `max` bytes (so it still parses). */
function cutAtEvent(bytes: Uint8Array, max: number): Uint8Array {
  const log = parseTcgEventLog(bytes);
  const next = log.events.find((e) => e.offset >= max);
  return next === undefined ? bytes : bytes.subarray(0, next.offset);
}

function tcgSeeds(): Uint8Array[] {
  if (!hasVectors) return [];
  return [
    cutAtEvent(readVector('eventlog', 'go-tpm-tools', 'ubuntu-2404-amd-sevsnp.bin'), 6000),
    cutAtEvent(readVector('eventlog', 'go-attestation', 'ebs_event_missing_eventlog'), 6000),
    readVector('eventlog', 'tpm2-tools', 'event-sd-boot-fedora37.bin'),
    readVector('eventlog', 'tpm2-tools', 'specid-vendordata.bin'),
    readVector('eventlog', 'tpm2-tools', 'event-uefivar.bin'),
    cutAtEvent(readVector('eventlog', 'go-tpm-tools', 'glinux-alex.bin'), 4000),
    cutAtEvent(
      fromBase64(readVectorText('eventlog', 'keylime', 'mb_log.b64').replace(/\s+/g, '')),
      6000,
    ),
  ];
}

function cutCcAtEvent(bytes: Uint8Array, max: number): Uint8Array {
  const next = parseCcEventLog(bytes).events.find((e) => e.offset >= max);
  return next === undefined ? bytes : bytes.subarray(0, next.offset);
}

function ccSeeds(): Uint8Array[] {
  if (!hasVectors) return [];
  return [
    readVector('tdx', 'ccel-trustee-data-ovmf', 'ccel_data.bin').subarray(0, 2400),
    cutCcAtEvent(readVector('tdx', 'ccel-trustee-aael-alibabacloud', 'ccel_data.bin'), 3000),
    readVector('cca', 'eventlog', 'cca-realm-bootlog-synthetic.bin'),
    // The ACPI table ‖ the log it describes (see parseCcWithTable).
    concatBytes(
      readVector('tdx', 'ccel-gotdx-cos113', 'ccel_table.bin'),
      cutCcAtEvent(readVector('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'), 2500),
    ),
  ];
}

/**
 * Input that starts with `CCEL` is an ACPI CCEL table (as long as its `Length` field says, capped
 * at the input) followed by the log; anything else is a log alone. Whatever parses is replayed.
 */
function parseCcWithTable(b: Uint8Array): unknown {
  let log;
  if (b.length >= 8 && b[0] === 0x43 && b[1] === 0x43 && b[2] === 0x45 && b[3] === 0x4c) {
    const declared = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
    const n = Math.min(declared, b.length);
    log = parseCcEventLog(b.subarray(n), { table: b.subarray(0, n) });
  } else log = parseCcEventLog(b);
  return replayEventLog(log);
}

function imaSeeds(): Uint8Array[] {
  if (!hasVectors) return [];
  return [
    readVector('tpm', 'swtpm', 'ima', 'ascii_runtime_measurements'),
    readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements'),
    readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements_sha256'),
    readVector('eventlog', 'ima', 'keylime', 'ima-log-sha256'),
  ];
}

export const targets: FuzzTarget[] = [
  {
    name: 'parseTcgEventLog',
    // Parsing includes decoding every event; the summary walks the decoded data.
    parse: (b) => summarizeBoot(parseTcgEventLog(b)),
    seeds: tcgSeeds,
    maxLength: 4096,
  },
  { name: 'parseCcEventLog', parse: parseCcWithTable, seeds: ccSeeds, maxLength: 4096 },
  {
    name: 'parseImaLog',
    parse: (b) => {
      const log = parseImaLog(b);
      return [replayEventLog(log), summarizeBoot(log)];
    },
    seeds: imaSeeds,
    maxLength: 4096,
  },
];
