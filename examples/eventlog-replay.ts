/**
 * Example: parse a TCG event log, replay it, verify it against PCR values you trust (from a
 * verified TPM quote), and print what booted.
 *
 *   npx tsx examples/eventlog-replay.ts [log] [pcrs.json]
 *
 * Defaults to the SYNTHETIC demo log in examples/evidence/eventlog-synthetic-boot. In production
 * the PCR values come from `verifyTpmQuote(...)`.pcrs, never from the machine being attested.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type PcrBanks,
} from '../src/eventlog/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const logPath =
  process.argv[2] ?? join(here, 'evidence', 'eventlog-synthetic-boot', 'boot_eventlog.bin');
const pcrsPath = process.argv[3] ?? join(here, 'evidence', 'eventlog-synthetic-boot', 'pcrs.json');

const hex = (h: string): Uint8Array =>
  Uint8Array.from(h.replace(/^0x/, '').match(/../g) ?? [], (x) => parseInt(x, 16));
const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// 1. Parse: the log is the platform's claim, nothing more.
const log = parseTcgEventLog(new Uint8Array(readFileSync(logPath)));
console.log(`${log.format} log, banks ${log.banks.join(', ')}, ${log.events.length} events`);

// 2. Replay: what the PCRs must hold if the log is true.
const { registers } = replayEventLog(log);
console.log(`replayed sha256 PCR 7: ${toHex(registers.sha256?.[7] ?? new Uint8Array(0))}`);

// 3. Verify against trusted PCR values (here from a JSON file; normally from a verified quote).
const json = JSON.parse(readFileSync(pcrsPath, 'utf8')) as Record<string, Record<string, string>>;
const pcrs: PcrBanks = {};
for (const [bank, regs] of Object.entries(json)) {
  (pcrs as Record<string, Record<number, Uint8Array>>)[bank] = Object.fromEntries(
    Object.entries(regs).map(([i, h]) => [Number(i), hex(h)]),
  );
}
const result = await verifyEventLog(log, { pcrs });
for (const c of result.checks) console.log(`  [${c.status}] ${c.id}: ${c.message}`);
console.log(result.ok ? 'log VERIFIED against the PCRs' : 'log NOT verified');

// 4. Summarize: each fact names its events, and says whether they were verified.
const s = summarizeBoot(log, { verification: result });
console.log(
  `Secure Boot: ${s.secureBoot?.value.mode ?? 'unknown'} (events ${s.secureBoot?.events.join(',') ?? '-'}, verified ${String(s.secureBoot?.verified)})`,
);
console.log(
  `kernel: ${s.kernel?.value.path ?? '?'} sha256=${s.kernel?.value.digests.sha256 ?? '?'}`,
);
console.log(`command line: ${s.kernelCommandLine?.value ?? '?'}`);
process.exitCode = result.ok ? 0 : 1;
