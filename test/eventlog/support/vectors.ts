/** Loaders for the event-log vectors (read in place; never copied). */
import { fromBase64 } from '../../../src/core/encoding.js';
import {
  hasVectors,
  readVector,
  readVectorJson,
  readVectorText,
  vectorExists,
} from '../../support/vectors.js';
import type { PcrBanks } from '../../../src/eventlog/index.js';
import { hex } from '../../support/vectors.js';

/** Parsed expected.json values (loosely typed, as the shared loader returns them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json is untyped test data
type Loose = any;

export interface LogVector {
  readonly id: string;
  readonly file: string;
  readonly expected: Loose;
  readonly source_expected?: Loose;
  readonly cross_check?: Loose;
}

/** Every log of `eventlog/expected.json` (empty without vectors). */
export function tcgLogVectors(): LogVector[] {
  if (!hasVectors) return [];
  const exp = readVectorJson('eventlog', 'expected.json');
  return Object.entries<Loose>(exp.logs).map(([id, v]) => ({ id, ...v }));
}

/** IMA list expectations of `eventlog/expected.json`. */
export function imaVectors(): { id: string; expected: Loose; note: string }[] {
  if (!hasVectors) return [];
  const exp = readVectorJson('eventlog', 'expected.json');
  return Object.entries<Loose>(exp.ima).map(([id, v]) => ({
    id,
    expected: v.expected,
    note: v.note,
  }));
}

/** Bytes of a log vector (the base64 one decoded). */
export function logBytes(file: string): Uint8Array {
  if (file.endsWith('.b64'))
    return fromBase64(readVectorText('eventlog', file).replace(/\s+/g, ''));
  return readVector('eventlog', file);
}

/** `{ bank: { index: hex } }` → PcrBanks. */
export function banksFromHex(p: Record<string, Record<string, string>>): PcrBanks {
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [b, regs] of Object.entries(p)) {
    out[b] = {};
    for (const [i, h] of Object.entries(regs)) out[b][Number(i)] = hex(h);
  }
  return out;
}

/** The seven CCEL cases under `tdx/`. */
export const CCEL_CASES = [
  'ccel-gotdx-cos113',
  'ccel-trustee-aael-alibabacloud',
  'ccel-trustee-data',
  'ccel-trustee-data-gcp',
  'ccel-trustee-data-grub',
  'ccel-trustee-data-grub-gke',
  'ccel-trustee-data-ovmf',
] as const;

export { hasVectors, readVector, readVectorJson, readVectorText, vectorExists, hex };
