/**
 * @module
 * The Secure Boot policy as a log states it (PFP 1.06 §3.3.4.8): the UEFI variables SecureBoot,
 * SetupMode, PK, KEK, db, dbx … measured into the policy register (TCG PCR 7; CC MR 1, RTMR0,
 * where PCRs 1 and 7 merge) before its separator, and AuditMode / DeployedMode, which real firmware
 * also logs in PCR 1 before the first boot application. An event's type is not covered by its
 * digest, so both the window and the variables are read from what the digests bind: the window
 * ends at the first event carrying a separator's digest ({@link endsWindow}) — an EV_SEPARATOR
 * that carries none ends nothing — and a variable is a policy variable by its GUID and name,
 * whatever type the log gives it. Logged under another type, a dbx would otherwise vanish from the
 * policy (and a PK, SecureBoot or DeployedMode with it). A mode variable in PCR 1 is the
 * firmware's only before PCR 1's own separator (`modeEnd`), the one place in PCR 1 a quote can
 * vouch for.
 */
import { AttestError } from '../core/errors.js';
import { EV } from './constants.js';
import {
  decodeUefiVariable,
  decodeUefiVariableName,
  GLOBAL_VARIABLE,
  IMAGE_SECURITY_DATABASE,
} from './event-data.js';
import { endsWindow, separatorDigests } from './separators.js';
import { guidAt } from './text.js';
import type { CcEvent, CcEventLog, TcgEvent, TcgEventLog, UefiVariableData } from './types.js';

type AnyEvent = TcgEvent | CcEvent;

/** Policy variables by vendor GUID (UEFI 2.10 §3.3 and §32.6). */
const POLICY_VARIABLES: Readonly<Record<string, ReadonlySet<string>>> = {
  [GLOBAL_VARIABLE]: new Set(['SecureBoot', 'SetupMode', 'AuditMode', 'DeployedMode', 'PK', 'KEK']),
  [IMAGE_SECURITY_DATABASE]: new Set(['db', 'dbx', 'dbt', 'dbr']),
};

/**
 * True when `data` is long enough for a UEFI_VARIABLE_DATA header (GUID, two u64 lengths) and
 * starts with a policy GUID.
 */
function hasPolicyGuid(data: Uint8Array): boolean {
  return data.length >= 32 && POLICY_VARIABLES[guidAt(data, 0)] !== undefined;
}

/** A policy variable found in an event, and whether the event's type hides what it is. */
export interface PolicyVariable {
  readonly event: AnyEvent;
  readonly variable: UefiVariableData;
  /** True when the event is not an EV_EFI_VARIABLE_DRIVER_CONFIG (the type the PFP gives it). */
  readonly retyped: boolean;
}

/**
 * The policy variable `e` carries, read from its data whatever its type; undefined when it carries
 * none. A genuine EV_EFI_VARIABLE_AUTHORITY names `db` when a db certificate verified a driver: its
 * data is one EFI_SIGNATURE_DATA, not the signature lists of the variable, and it is no policy.
 *
 * @internal
 */
export function policyVariableOf(e: AnyEvent): PolicyVariable | undefined {
  // An EV_SEPARATOR is read too: a measured variable relabelled as one is still that variable (a
  // genuine separator's four bytes decode as nothing).
  if (e.type === EV.NO_ACTION) return undefined;
  let variable: UefiVariableData;
  // The value was past the structure budget: the variable is still the one its name says.
  let unread = false;
  if (e.type === EV.EFI_VARIABLE_DRIVER_CONFIG && e.decoded?.kind === 'uefi-variable')
    variable = e.decoded.variable;
  else {
    // Most events are no UEFI_VARIABLE_DATA of a policy GUID: tell them by their first bytes
    // rather than by a decode that throws.
    if (!hasPolicyGuid(e.data)) return undefined;
    try {
      variable = decodeUefiVariable(EV.EFI_VARIABLE_DRIVER_CONFIG, e.data);
    } catch (err) {
      // Not a UEFI_VARIABLE_DATA (AttestError): nothing to read. A value of more structures than
      // a parse allows is no reason to stop reading it as the variable it names.
      if (!(err instanceof AttestError) || err.code !== 'ERR_LIMIT_EXCEEDED') return undefined;
      variable = decodeUefiVariableName(EV.EFI_VARIABLE_DRIVER_CONFIG, e.data);
      unread = true;
    }
  }
  if (POLICY_VARIABLES[variable.vendorGuid]?.has(variable.name) !== true) return undefined;
  if (e.type === EV.EFI_VARIABLE_DRIVER_CONFIG) return { event: e, variable, retyped: false };
  if (
    e.type === EV.EFI_VARIABLE_AUTHORITY &&
    variable.name === 'db' &&
    variable.value?.kind !== 'signature-lists' &&
    !unread
  )
    return undefined;
  return { event: e, variable, retyped: true };
}

/** The register holding the Secure Boot policy: TCG PCR 7; CC MR 1 (RTMR0). */
export function policyRegisterOf(log: TcgEventLog | CcEventLog): number {
  return log.kind === 'cc' ? 1 : 7;
}

function registerOf(e: AnyEvent): number {
  return 'pcrIndex' in e ? e.pcrIndex : e.mrIndex;
}

/** The policy a log states: its window and the variables in it. */
export interface PolicyWindow {
  /** Index of the event that ends the policy register's window (Infinity when none does). */
  readonly end: number;
  /** Policy variables in the policy register before `end`, in log order. */
  readonly variables: readonly PolicyVariable[];
  /**
   * AuditMode and DeployedMode logged in PCR 1 (CC: MR 1, after `end`: those before it are in
   * `variables`) before the first boot application (in PCR 4; CC: MR 2), in log order (PFP 1.06
   * §3.3.4.2 / §3.3.4.8; real firmware logs them there when DeployedMode is 1).
   */
  readonly modeVariables: readonly PolicyVariable[];
  /**
   * Index of the event that ends PCR 1's pre-OS part (CC: MR 1's, = `end`): its first event
   * carrying a separator digest; Infinity when none does. The quote attests the order of PCR 1's
   * extends, so only a mode variable before this event is the firmware's: one after it (or in a
   * PCR 1 with no separator) may have been extended by any later code (the OS can extend PCR 1 at
   * any time), and its place before the first boot application is an order across registers that
   * no quote attests.
   */
  readonly modeEnd: number;
}

/**
 * Reads the Secure Boot policy window of a log. Only separator digests in `comparedBanks` (the
 * banks a verification compared with quoted values) end it: a forger chooses the digests of the
 * other banks. With no compared bank (no verification), every bank of the log counts.
 *
 * @internal
 */
export function policyWindow(
  log: TcgEventLog | CcEventLog,
  comparedBanks: readonly string[],
): PolicyWindow {
  const sep = separatorDigests(comparedBanks.length > 0 ? comparedBanks : log.banks);
  const events: readonly AnyEvent[] = log.events;
  const register = policyRegisterOf(log);
  const end =
    events.find((e) => registerOf(e) === register && endsWindow(e, sep))?.index ?? Infinity;
  const variables: PolicyVariable[] = [];
  for (const e of events) {
    if (e.index >= end) break;
    if (registerOf(e) !== register) continue;
    const p = policyVariableOf(e);
    if (p !== undefined) variables.push(p);
  }
  // The first boot application ends the mode variables' window. Its type is not covered by its
  // digest either, so only an application logged where one is measured counts: PCR 4 (CC: MR 2,
  // RTMR1), a register a quote covers; one in any other register could end the window early.
  const appRegister = log.kind === 'cc' ? 2 : 4;
  const handover =
    events.find((e) => e.type === EV.EFI_BOOT_SERVICES_APPLICATION && registerOf(e) === appRegister)
      ?.index ?? Infinity;
  const modeEnd =
    register === 1
      ? end
      : (events.find((e) => registerOf(e) === 1 && endsWindow(e, sep))?.index ?? Infinity);
  const modeVariables: PolicyVariable[] = [];
  for (const e of events) {
    if (e.index >= handover) break;
    if (registerOf(e) !== 1 || (register === 1 && e.index < end)) continue;
    const p = policyVariableOf(e);
    if (p !== undefined && (p.variable.name === 'AuditMode' || p.variable.name === 'DeployedMode'))
      modeVariables.push(p);
  }
  return { end, variables, modeVariables, modeEnd };
}
