/**
 * @module
 * Named workarounds for logs that do not describe the boot exactly because of known firmware or
 * kernel bugs (modelled on go-attestation's `eventlog_workarounds.go`). Each one recomputes a single
 * register; {@link verifyEventLog} tries them only after the strict replay of that register failed,
 * applies them only when the caller allowed them, and reports them as `warn` with their id.
 */
import { digest, type HashAlg } from '../core/crypto.js';
import { EFI_ACTION, EV } from './constants.js';
import { latin1Bytes } from './text.js';
import { BANK_SIZES, makeExtender, replayBank } from './replay.js';
import type { EventLog, WorkaroundId } from './types.js';

/** One workaround. */
export interface Workaround {
  /**
   * Stable id, as named in `EventLogVerifyOptions.allowWorkarounds`, `RegisterResult.workaround`
   * and the register check's message.
   */
  readonly id: WorkaroundId;
  /** What bug it covers, for messages and docs. */
  readonly description: string;
  /**
   * The register value under the workaround, or undefined when it does not apply to this log,
   * bank and register.
   */
  readonly replay: (log: EventLog, bank: HashAlg, register: number) => Uint8Array | undefined;
}

function strictValue(
  log: EventLog,
  bank: HashAlg,
  register: number,
  initial?: Uint8Array,
): Uint8Array | undefined {
  const rep = replayBank(log, bank);
  if (rep === undefined) return undefined;
  const st = rep.registers.get(register);
  if (initial === undefined) return st?.value ?? new Uint8Array(BANK_SIZES[bank]);
  // Re-fold from another initial value.
  const ext = makeExtender(bank);
  let v = initial;
  if (log.kind === 'ima') return undefined;
  for (const i of st?.events ?? []) {
    const m = log.events[i]!.digests[bank];
    if (m !== undefined) v = ext(v, m);
  }
  return v;
}

/**
 * Every workaround attestkit knows, in the order they are tried.
 *
 * - `ebs-events-missing` (PCR 5, TCG logs): firmware extended "Exit Boot Services Invocation" and
 *   "Exit Boot Services Returned with Success" without logging them
 *   (go-attestation `ebs_event_missing_eventlog`).
 * - `startup-locality-unlogged` (PCR 0, TCG logs): the platform started at locality 3 but logged
 *   no StartupLocality event.
 * - `ima-sha1-padded` (IMA, non-SHA-1 banks): kernels before 5.10ish extended every bank with the
 *   SHA-1 template hash zero-padded to the bank size.
 */
export const WORKAROUNDS: readonly Workaround[] = /* @__PURE__ */ Object.freeze(
  (
    [
      {
        id: 'ebs-events-missing',
        description: 'Exit Boot Services events extended into PCR 5 but missing from the log',
        replay(log, bank, register) {
          if (log.kind !== 'tcg' || register !== 5) return undefined;
          const logged = log.events.some(
            (e) =>
              e.pcrIndex === 5 &&
              e.type === EV.EFI_ACTION &&
              e.decoded?.kind === 'text' &&
              e.decoded.text === EFI_ACTION.EXIT_BOOT_SERVICES_INVOCATION,
          );
          if (logged) return undefined;
          const v = strictValue(log, bank, 5);
          if (v === undefined) return undefined;
          const ext = makeExtender(bank);
          return ext(
            ext(v, digest(bank, latin1Bytes(EFI_ACTION.EXIT_BOOT_SERVICES_INVOCATION))),
            digest(bank, latin1Bytes(EFI_ACTION.EXIT_BOOT_SERVICES_SUCCESS)),
          );
        },
      },
      {
        id: 'startup-locality-unlogged',
        description: 'PCR 0 started at locality 3 without a StartupLocality event',
        replay(log, bank, register) {
          if (log.kind !== 'tcg' || register !== 0) return undefined;
          if (log.startupLocality !== undefined || log.hcrtmEventIndex !== undefined)
            return undefined;
          const init = new Uint8Array(BANK_SIZES[bank]);
          init[init.length - 1] = 3;
          return strictValue(log, bank, 0, init);
        },
      },
      {
        id: 'ima-sha1-padded',
        description:
          'old kernels extended non-SHA-1 banks with the zero-padded SHA-1 template hash',
        replay(log, bank, register) {
          if (log.kind !== 'ima' || bank === 'sha1' || log.templateHashAlgorithm !== 'sha1')
            return undefined;
          return replayBank(log, bank, true, false)?.registers.get(register)?.value;
        },
      },
    ] satisfies Workaround[]
  ).map((w): Workaround => Object.freeze(w)),
);
