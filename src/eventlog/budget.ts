/**
 * @module
 * The per-parse allowance of decoded sub-structures: the event-data decoders (PFP 1.06 §10.4)
 * turn a few input bytes into an object each — a 4-byte device-path node, an 8-byte SIPA record, a
 * 16-byte signature entry, a 4-byte certificate-shaped DER value — each costing some hundreds of
 * bytes of heap, so a log of nothing but such structures would take about 40 times its size.
 * `maxEvents` bounds the records; this bounds what is decoded inside them.
 */
import { AttestError } from '../core/errors.js';

/**
 * Default number of decoded sub-structures (device-path nodes, SIPA records, EFI_SIGNATURE_LIST
 * headers and entries, EV_PREBOOT_CERT certificates, SPDM measurement blocks, handoff-table
 * entries: every decoder that builds an object per few input bytes) one parse may build: 5 per
 * event allowed by `DEFAULT_MAX_EVENTS`. The real logs in attestkit's vectors use at most 1 701 (go-attestation's
 * option-ROM log).
 */
export const DEFAULT_MAX_STRUCTURES = 100_000;

/** What a parse may still decode, and the error it stopped at once it ran out. */
export interface StructureBudget {
  readonly max: number;
  left: number;
  error?: AttestError;
}

/**
 * A parse's budget: {@link DEFAULT_MAX_STRUCTURES}, or 5 per allowed event when `maxEvents` is
 * raised above its default (so a caller who admits a bigger log admits its structures too).
 */
export function structureBudget(maxEvents = 0): StructureBudget {
  const max = Math.max(DEFAULT_MAX_STRUCTURES, 5 * maxEvents);
  return { max, left: max };
}

/**
 * Counts one decoded structure at `offset`. Past the budget it throws `ERR_LIMIT_EXCEEDED` and
 * keeps that error in the budget, so the parse rethrows it even where a decoder turns errors into
 * `decodeError`, `valueError` or `undecoded`.
 */
export function spendStructure(budget: StructureBudget, offset: number): void {
  if (budget.left-- > 0) return;
  throw (budget.error ??= new AttestError('ERR_LIMIT_EXCEEDED', {
    offset,
    message: `more than ${budget.max} decoded structures in one log`,
  }));
}

/**
 * Runs a public decoder with a fresh budget and throws its error when it ran out (the decoder may
 * have caught it).
 */
export function withStructureBudget<T>(decode: (budget: StructureBudget) => T): T {
  const budget = structureBudget();
  const value = decode(budget);
  if (budget.error) throw budget.error;
  return value;
}
