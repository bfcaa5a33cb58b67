/**
 * @module
 * `summarizeBoot`: what a person wants to know about a boot, read from a parsed log — Secure Boot
 * mode, PK/KEK/db/dbx contents, authority events and the ones measured for each image, EFI
 * applications and drivers, shim and MOK state, GRUB commands and files or systemd-boot, kernel
 * and initrd digests, the kernel command line, UKI measurements (PCRs 11–13), firmware version and
 * blobs, platform hints, DMA protection — and, for IMA lists, files measured and signatures
 * present.
 * Every fact names the events it came from and says whether they bind their content
 * (PFP 1.06 §10.4; spec-notes §4–§8).
 */
import { createDigester, digest } from '../core/crypto.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { parseCertificate } from '../core/x509.js';
import { EFI_ACTION, EV } from './constants.js';
import { policyRegisterOf, policyWindow } from './policy.js';
import type {
  BootAuthority,
  BootCertificate,
  BootFact,
  BootImage,
  BootSummary,
  CcEvent,
  CcEventLog,
  EfiSignatureData,
  EventLogVerification,
  ImaEntry,
  ImaLog,
  ImaSummary,
  PcrBankName,
  PlatformSummary,
  SignatureDatabaseSummary,
  TcgEvent,
  TcgEventLog,
  UefiVariableData,
} from './types.js';

type AnyEvent = TcgEvent | CcEvent;

/** Options of {@link summarizeBoot}. */
export interface SummarizeOptions {
  /**
   * The verification of the same log object ({@link verifyEventLog} on the very `log` passed to
   * {@link summarizeBoot}; another log's verification is a TypeError). Each fact then says whether
   * its events were verified against the quoted registers (`verified`); binding is decided in the
   * compared banks: a fact fed by an event whose digest in a compared bank is not the hash of its
   * data (`verification.digestMismatchEvents`, `verification.unboundInComparedBanks`) is
   * `bound: false`, and so is a fact read by variable name from an event a compared bank binds by
   * its VariableData only (`verification.variableDataEvents`). Default: none (facts are the log's
   * claims, and `bound` rests on each event's one-bank `digestCheck` only).
   */
  readonly verification?: EventLogVerification;
}

/** What a verification adds to a summary: verified events and events whose digests do not bind. */
interface VerificationFacts {
  readonly verified: ReadonlySet<number>;
  /** Events whose digest in a compared bank is not the hash of their data (any type). */
  readonly mismatched: ReadonlySet<number>;
  /** Events bound in the compared banks by their VariableData only. */
  readonly variableData: ReadonlySet<number>;
  /** Events named by a failing separator, digest-binding or event-digests check. */
  readonly disputed: ReadonlySet<number>;
  /** Banks compared with supplied values; empty when none was. */
  readonly comparedBanks: readonly string[];
  /**
   * IMA: the entries whose template hash `eventlog.ima.template-hashes` found not to be the hash
   * of their template data (empty when it passed), so the summary need not hash every entry
   * again; undefined when that check compared nothing (not an IMA list, SM3 template hashes).
   */
  readonly templateHashMismatches: ReadonlySet<number> | undefined;
}

/**
 * The detail lists of the checks whose failure puts the events they name in doubt (verify.ts
 * builds them): a separator that is not one, a variable hidden by its type or measured twice, a
 * digest that is not the hash of its data.
 */
const DISPUTING_CHECKS: Readonly<Record<string, readonly string[]>> = {
  'eventlog.separators': ['problems'],
  'eventlog.digest-binding': ['retyped', 'duplicated', 'misread'],
  'eventlog.event-digests': ['mismatches', 'unbound'],
};

/** Indices of the events named by the failing checks of {@link DISPUTING_CHECKS}. */
function disputedEvents(v: EventLogVerification): Set<number> {
  const out = new Set<number>();
  for (const c of v.checks) {
    const lists = DISPUTING_CHECKS[c.id];
    if (c.status !== 'fail' || lists === undefined) continue;
    const detail = c.detail as Readonly<Record<string, unknown>> | undefined;
    for (const key of lists) {
      const items = detail?.[key];
      if (!Array.isArray(items)) continue;
      for (const item of items as readonly unknown[]) {
        const x = item as { event?: unknown; first?: unknown } | null;
        if (typeof x?.event === 'number') out.add(x.event);
        if (typeof x?.first === 'number') out.add(x.first);
      }
    }
  }
  return out;
}

/** {@link VerificationFacts.templateHashMismatches} from the verification's IMA check. */
function templateHashMismatches(v: EventLogVerification): ReadonlySet<number> | undefined {
  const c = v.checks.find((x) => x.id === 'eventlog.ima.template-hashes');
  if (c?.status === 'pass') return new Set();
  const m = (c?.detail as { mismatches?: unknown } | undefined)?.mismatches;
  if (c?.status !== 'fail' || !Array.isArray(m)) return undefined;
  return new Set((m as unknown[]).filter((x): x is number => typeof x === 'number'));
}

/**
 * Describes one DER certificate from event data (a db/KEK/PK entry or an authority): subject,
 * issuer, serial, expiry and SHA-256 (RFC 5280 via the core X.509 parser), or the reason it does
 * not parse — the raw bytes stay in the event. Exported from `attestkit/eventlog`.
 *
 * @param der - the certificate bytes as the event carries them.
 * @returns the description; never throws for bad certificates.
 * @example
 * ```ts
 * describeCertificate(entry.data).subject; // 'CN=Microsoft Corporation UEFI CA 2011,…'
 * ```
 */
export function describeCertificate(der: Uint8Array): BootCertificate {
  const sha256 = toHex(digest('sha256', der));
  try {
    const c = parseCertificate(der);
    return {
      subject: c.subject.text,
      issuer: c.issuer.text,
      serialHex: c.serialHex,
      notAfter: c.notAfter.toISOString(),
      sha256,
    };
  } catch (e) {
    return { sha256, parseError: e instanceof Error ? e.message : String(e) };
  }
}

function hexDigests(e: AnyEvent): Partial<Record<PcrBankName, string>> {
  const out: Partial<Record<PcrBankName, string>> = {};
  for (const [k, v] of Object.entries(e.digests))
    if (v !== undefined) out[k as PcrBankName] = toHex(v);
  return out;
}

function pcrOf(e: AnyEvent): number {
  return 'pcrIndex' in e ? e.pcrIndex : e.mrIndex;
}

/**
 * False for the registers no boot fact is read from: TCG PCR 16 and 23 (resettable) and 24 and up
 * (not in any TPM); CC MR 0 and 5 and up (no RTMR/REM).
 */
function isFactRegister(kind: 'tcg' | 'cc', register: number): boolean {
  return kind === 'cc'
    ? register >= 1 && register <= 4
    : register !== 16 && register !== 23 && register < 24;
}

/**
 * `f` with `others`, events that state another value for it (or may hide one): then it is not
 * bound. They join the conflicts `f` already names; an event `f` itself cites is not listed.
 */
function conflicted<T>(f: BootFact<T>, others: readonly AnyEvent[]): BootFact<T> {
  if (others.length === 0) return f;
  const conflicts = [...new Set([...(f.conflicts ?? []), ...others.map((e) => e.index)])]
    .filter((i) => !f.events.includes(i))
    .sort((a, b) => a - b);
  return { ...f, bound: false, ...(conflicts.length > 0 ? { conflicts } : {}) };
}

/** {@link conflicted} with the `candidates` whose `key` differs from the first's. */
function withConflicts<T>(
  f: BootFact<T>,
  candidates: readonly AnyEvent[],
  key: (e: AnyEvent) => string,
): BootFact<T> {
  const first = key(candidates[0]!);
  return conflicted(
    f,
    candidates.filter((e) => key(e) !== first),
  );
}

/** An event's digests as one string, to tell two measurements apart. */
function digestKey(e: AnyEvent): string {
  return JSON.stringify(hexDigests(e));
}

/**
 * True when two GRUB paths name the same file: equal, or equal once the `(device)` that only one
 * of them names is left out (GRUB measures a file by the path as given, with or without it).
 */
function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const device = /^\([^)]*\)/;
  return device.test(a) !== device.test(b) && a.replace(device, '') === b.replace(device, '');
}

function variableOf(e: AnyEvent): UefiVariableData | undefined {
  return e.decoded?.kind === 'uefi-variable' ? e.decoded.variable : undefined;
}

function summarizeDatabase(v: UefiVariableData): SignatureDatabaseSummary {
  const certificates: BootCertificate[] = [];
  let sha256Count = 0;
  let otherCount = 0;
  if (v.value?.kind === 'signature-lists') {
    for (const l of v.value.lists) {
      for (const s of l.signatures) {
        if (s.kind === 'x509') certificates.push(describeCertificate(s.data));
        else if (s.kind === 'sha256') sha256Count++;
        else otherCount++;
      }
    }
  }
  return { certificates, sha256Count, otherCount };
}

/**
 * The SignatureType of an authority's EFI_SIGNATURE_DATA, read from the measured database of the
 * same name (`db`…) that lists the same owner and data (UEFI 2.10 §32.4.1): the authority event
 * itself carries no type GUID. `undefined` when no measured list holds the entry.
 */
function signatureTypesOf(
  policy: readonly AnyEvent[],
  events: readonly AnyEvent[],
  varOf: (e: AnyEvent) => UefiVariableData | undefined,
): (variable: string, entry: EfiSignatureData) => EfiSignatureData['kind'] | undefined {
  const wanted = new Set<string>();
  for (const e of events) {
    if (e.type === EV.EFI_VARIABLE_AUTHORITY) {
      const v = variableOf(e);
      if (v?.value?.kind === 'signature-data') wanted.add(v.name);
    }
  }
  const kinds = new Map<string, EfiSignatureData['kind']>();
  if (wanted.size > 0) {
    for (const e of policy) {
      const v = varOf(e);
      if (v?.value?.kind !== 'signature-lists' || !wanted.has(v.name)) continue;
      for (const l of v.value.lists)
        for (const s of l.signatures) kinds.set(`${v.name}|${s.owner}|${toHex(s.data)}`, s.kind);
    }
  }
  return (variable, entry) =>
    kinds.size === 0 ? undefined : kinds.get(`${variable}|${entry.owner}|${toHex(entry.data)}`);
}

/** The event types that load an image (PFP 1.06 §10.4.3, UEFI_IMAGE_LOAD_EVENT). */
const IMAGE_LOADS: ReadonlySet<number> = /* @__PURE__ */ new Set([
  EV.EFI_BOOT_SERVICES_APPLICATION,
  EV.EFI_BOOT_SERVICES_DRIVER,
  EV.EFI_RUNTIME_SERVICES_DRIVER,
]);

/**
 * Names shim gives EV_EFI_VARIABLE_AUTHORITY events that record its own state when it starts (the
 * SBAT policy and the MokListTrusted flag), not an authority that verified an image.
 */
const SHIM_STATE_AUTHORITIES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'SbatLevel',
  'MokListTrusted',
]);

/**
 * The PCRs each loader role of an EV_IPL string is measured into (spec-notes §7): GRUB's commands
 * and command line in 8, its files in 9, systemd-boot's UTF-16 command line in 12 (8 before
 * v251), shim's MOK variables in 14. systemd-stub's event tags go to PCR 9; a CC log puts all of
 * them in MR 3 (RTMR2).
 */
const LOADER_PCRS: Readonly<Record<string, readonly number[]>> = {
  'grub-command': [8],
  'grub-kernel-cmdline': [8],
  'grub-file': [9],
  'systemd-cmdline': [12, 8],
  'shim-variable': [14],
};

/**
 * The registers each loader fact is read from, on a TCG log (a CC log reads them all from MR 3,
 * RTMR2): wherever the summary looks for its events or for events that would change it — GRUB's
 * commands and command lines (8) and files (9), the Linux EFI stub's initrd tag (9),
 * systemd-boot's command line (12, 8 before v251), the UKI measurements of systemd-stub (11–13:
 * a `.cmdline` section in 11 overrides a line in 12).
 */
const LOADER_FACT_PCRS = {
  bootloader: [8, 9, 12],
  kernel: [8, 9],
  initrd: [8, 9],
  kernelCommandLine: [8, 11, 12],
  uki: [11, 12, 13],
} as const;

/** The registers where loaders measure strings that facts are read from (TCG; CC: MR 3). */
const LOADER_STRING_PCRS: readonly number[] = [8, 9, 11, 12, 13];

/**
 * True when `e`, logged in a register where loaders measure strings, may be a loader string that
 * the summary cannot read. No digest covers an event's type, GRUB's digest covers only the text
 * after its prefix, and a file, tag or UKI section event's digest covers none of its data: a
 * `linux` command, a command line or a UKI section retyped, relabelled or re-encoded would drop
 * out of the facts while every register still replays. So an event there is readable only when
 * its type is one the loaders write there (EV_IPL decoding as a loader string, EV_EVENT_TAG
 * decoding as a tag or Windows SIPA records, EV_SEPARATOR decoding as one) and its digest is the
 * hash of its data (`verified`: GRUB's commands and command lines, systemd-boot's UTF-16 command
 * line, SIPA records, separators; EV_NO_ACTION extends nothing and is exempt). An event whose
 * digest does not bind its data passes only in the exact shapes its producer writes, in PCR 9
 * (CC: MR 3, where PCRs 8–15 land): an EV_IPL GRUB file (role `grub-file`: any ASCII string in
 * PCR 9; on a CC log an ASCII path or old Red Hat GRUB's `grub_linuxefi` label), the Linux EFI
 * stub's LoadOptions or initrd tag (0x8F3B22ED, 0x8F3B22EC) and, on a CC log only, one of shim's
 * MOK variable names (shim measures them into PCR 14, which a CC log merges into MR 3). Anything
 * else there may hide a string, and so does an event whose digest contradicts its data
 * (`mismatch`; given a verification, a mismatch in a compared bank): in PCRs 8, 11, 12 and 13 that
 * is every event whose digest does not bind its data, UKI section events included.
 */
function mayHideLoaderString(
  e: AnyEvent,
  isCc: boolean,
  mismatched: ReadonlySet<number> | undefined,
): boolean {
  if (e.type === EV.NO_ACTION) return false;
  const d = e.decoded;
  const readable =
    e.type === EV.IPL
      ? d?.kind === 'loader'
      : e.type === EV.EVENT_TAG
        ? d?.kind === 'event-tag' || d?.kind === 'sipa'
        : e.type === EV.SEPARATOR && d?.kind === 'separator';
  if (!readable || e.digestCheck === 'mismatch' || mismatched?.has(e.index) === true) return true;
  if (e.digestCheck === 'verified') return false;
  // The producers' shapes, exactly: GRUB's file paths (and, on a CC log, shim's MOK names) as
  // EV_IPL strings, the Linux EFI stub's two tags as EV_EVENT_TAGs.
  const shape =
    d?.kind === 'loader'
      ? d.role === 'grub-file' || (isCc && d.role === 'shim-variable')
      : d?.kind === 'event-tag' && (d.role === 'systemd-cmdline' || d.role === 'systemd-initrd');
  return pcrOf(e) !== (isCc ? 3 : 9) || !shape;
}

/** A GRUB `linux` command and the kernel it loads (its first argument). */
const LINUX_COMMAND = /^linux(?:efi|16)?\s+(\S+)/;

const KERNEL_RE = /vmlinu[xz]|bzimage|(^|[\\/])linux[^\\/]*$|\\efi\\linux\\/i;
const LOADER_RE = /shim|grub|systemd-boot|bootx64|bootaa64|mm[x6]|fbx64/i;

/**
 * Summarizes what booted (TCG or CC log) or what IMA measured (IMA list). Facts carry the indices of
 * their source events and `bound: false` when one of those events does not bind its content to its
 * digest, or when part of the fact rests on no event (a hint from the caller's CCEL table) — such
 * a fact is only the log's word, even after a matching replay. Pass the log's verification to also
 * learn which facts come from verified registers (never a fact that rests on no event) and to have
 * binding decided in the compared banks: a fact fed by an event whose digest in a compared bank
 * does not match its data, whatever its type (`digestMismatchEvents`, `unboundInComparedBanks`:
 * the parse checks one bank only), or read by name from an event a compared bank binds by its
 * VariableData alone (`variableDataEvents`), is unbound. Each fact is read only from the registers
 * its producer measures into (GRUB PCR 8/9, systemd PCR 9/12, shim PCR 14, applications PCR 4,
 * boot variables PCR 1, Secure Boot policy and authorities PCR 7; CC: MR 1–3), never from PCR
 * 16, 23 or 24+ (CC: MR 0 or 5+); where several events there state different values (a policy
 * variable included), the first is kept and the fact is unbound and names the others
 * (`conflicts`). An event's type, and any data its digest does not cover, are the log's word: in
 * the registers where loaders measure strings (PCRs 8, 9, 11–13; CC: MR 3), an event is readable
 * only when it is an EV_IPL loader string, an EV_EVENT_TAG tag or SIPA record, or a separator, and
 * its digest is the hash of its data; one whose digest binds none of its data passes only in its
 * producer's shape in PCR 9 (CC: MR 3): a GRUB file, the Linux EFI stub's LoadOptions or initrd
 * tag, and on a CC log shim's MOK names. Any other event there (EV_NO_ACTION aside) may be a
 * loader string the summary cannot read: it makes every loader fact read from that register
 * (`bootloader`, `kernel`, `initrd`, `kernelCommandLine`, `uki`) unbound and is named in its
 * `conflicts`. On a CC log, an unbound event in MR 3 after the `linux` command of GRUB's command
 * line, other than the kernel and initrd files cited, is a conflict of that line. A systemd-boot
 * command line (UTF-16; PCR 12, or 8 before v251) is never bound on a GRUB boot or without a
 * systemd-boot application in the chain (nor is a `bootloader` it alone names), and the EFI
 * stub's LoadOptions tag is its conflict unless their digests are equal. For IMA lists each file
 * row carries `bound` (its template hash covers its fields; never a violation) and, given a
 * verification, `verified`; `bootAggregate` is read from entry 0 only, and other entries named
 * `boot_aggregate` with another value are its conflicts.
 *
 * Exported from `attestkit/eventlog`.
 *
 * @param log - a parsed log.
 * @param options - `verification`: the result of {@link verifyEventLog} for this same log object.
 * @returns a {@link BootSummary} (TCG, CC) or an {@link ImaSummary} (IMA).
 * @throws {TypeError} when `log` is not a parsed log, `options` is not an object, or
 *   `options.verification` is not a verification of `log` (its `log` is another object).
 * @example
 * ```ts
 * const s = summarizeBoot(parseTcgEventLog(bytes));
 * console.log(s.secureBoot?.value.mode, s.kernelCommandLine?.value);
 * ```
 */
export function summarizeBoot(
  log: TcgEventLog | CcEventLog,
  options?: SummarizeOptions,
): BootSummary;
export function summarizeBoot(log: ImaLog, options?: SummarizeOptions): ImaSummary;
export function summarizeBoot(
  log: TcgEventLog | CcEventLog | ImaLog,
  options?: SummarizeOptions,
): BootSummary | ImaSummary;
export function summarizeBoot(
  log: TcgEventLog | CcEventLog | ImaLog,
  options: SummarizeOptions = {},
): BootSummary | ImaSummary {
  if (
    typeof log !== 'object' ||
    log === null ||
    !['tcg', 'cc', 'ima'].includes((log as { kind?: string }).kind ?? '')
  ) {
    throw new TypeError('log must come from parseTcgEventLog, parseCcEventLog or parseImaLog');
  }
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const v = options.verification;
  if (v !== undefined) {
    if (
      typeof v !== 'object' ||
      v === null ||
      !Array.isArray(v.verifiedEvents) ||
      !Array.isArray(v.digestMismatchEvents) ||
      !Array.isArray(v.unboundInComparedBanks) ||
      !Array.isArray(v.variableDataEvents) ||
      !Array.isArray(v.comparedBanks) ||
      !Array.isArray(v.checks)
    )
      throw new TypeError('options.verification must come from verifyEventLog');
    // Facts are matched to the verification by event index: another log's indices say nothing
    // about this one (a verified register there would mark the same indices verified here).
    if (v.log !== log)
      throw new TypeError('options.verification is the verification of another log object');
  }
  const facts: VerificationFacts | undefined =
    v !== undefined
      ? {
          verified: new Set(v.verifiedEvents),
          mismatched: new Set([...v.digestMismatchEvents, ...v.unboundInComparedBanks]),
          variableData: new Set(v.variableDataEvents),
          disputed: disputedEvents(v),
          comparedBanks: v.comparedBanks,
          templateHashMismatches: log.kind === 'ima' ? templateHashMismatches(v) : undefined,
        }
      : undefined;
  if (log.kind === 'ima') return summarizeIma(log, facts);
  return summarizeUefi(log, facts);
}

function summarizeUefi(
  log: TcgEventLog | CcEventLog,
  check: VerificationFacts | undefined,
): BootSummary {
  const isCc = log.kind === 'cc';
  // No fact is read from a register that anything may reset or extend at will, or that no quote
  // covers: TCG PCR 16 (debug) and 23 (application support), both resettable, and PCRs 24 and up
  // (no TPM has them); CC MR 0 (MRTD, which the log does not extend) and MR 5 and up. EV_NO_ACTION
  // events extend nothing anywhere and their facts are never bound; they stay (SP800-155 platform
  // identity in a CC log's MR 0).
  const events: readonly AnyEvent[] = log.events.filter(
    (e: AnyEvent) => e.type === EV.NO_ACTION || isFactRegister(log.kind, pcrOf(e)),
  );
  // A fact is bound only when it rests on events whose digests were checked against their data:
  // never when part of it comes from no event (the caller's CCEL table) or from an EV_NO_ACTION
  // event, which is never extended, so nothing, not even a matching replay, vouches for it. The
  // parse checks one bank (SHA-256 when present); a log can carry H(forged data) there and the
  // real measurement in a bank that only the quote covers, so a mismatch the verification found
  // in any compared bank unbinds the fact too — whatever the event's type: an image load whose
  // parse-bank digest is H(its data) binds nothing if the quoted bank holds another digest.
  // An event verified by its VariableData alone (edk2's boot variables) binds its value but not
  // its variable name and GUID, so a fact read by name (BootOrder, Boot####) is unbound; given a
  // verification, the weakest rule that matched in the compared banks decides, not the parse's.
  const byValueOnly = (e: AnyEvent): boolean =>
    check !== undefined ? check.variableData.has(e.index) : e.digestRule === 'variable-data';
  const fact = <T>(value: T, src: readonly AnyEvent[], hasUnmeasuredPart = false): BootFact<T> => {
    const supported = src.length > 0 && !hasUnmeasuredPart;
    return {
      value,
      events: src.map((e) => e.index),
      bound:
        supported &&
        src.every(
          (e) =>
            e.digestCheck === 'verified' &&
            !byValueOnly(e) &&
            check?.mismatched.has(e.index) !== true,
        ),
      ...(check !== undefined
        ? { verified: supported && src.every((e) => check.verified.has(e.index)) }
        : {}),
    };
  };

  // Secure Boot policy (PFP 1.06 §3.3.4.8; policy.ts): the variables in PCR 7 before its first
  // separator; CC logs: MR 1 (RTMR0, where PCRs 1 and 7 merge). Later events in the register come
  // from code that runs after the firmware (authorities, or anything an OS extends), so a variable
  // logged there says nothing about the firmware's policy. The type is not covered by the digest:
  // the window ends at the first event carrying a separator's digest, and a variable is policy by
  // its GUID and name, whatever type the log gives it. Given a verification, only the compared
  // banks' digests can end the window: the other banks' digests are the log's to choose.
  // AuditMode and DeployedMode: in the policy window when DeployedMode is 0, in PCR 1 (CC: MR 1)
  // when it is 1 (PFP 1.06 §3.3.4.2 / §3.3.4.8; u-boot efi_tcg2.c, gdc-host.bin). Real firmware
  // logs them in PCR 1 after PCR 1's separator, beside the boot variables (the Dell log in
  // tcglog-parser/binary_bios_measurements), so the PCR 1 window ends where the firmware hands
  // over: at the first boot application. That place is an order across registers (PCR 1 against
  // PCR 4) that no quote attests, and any later code can extend PCR 1: only a mode variable before
  // PCR 1's own separator (`window.modeEnd`, an order within PCR 1 that the quote does attest) is
  // the firmware's. One read from later in PCR 1 (the Dell log's) still sets the mode, but the
  // fact is not bound.
  const policyRegister = policyRegisterOf(log);
  const window = policyWindow(log, check?.comparedBanks ?? []);
  const policyVars = new Map<AnyEvent, UefiVariableData>();
  for (const p of [...window.variables, ...window.modeVariables])
    policyVars.set(p.event, p.variable);
  const varOf = (e: AnyEvent): UefiVariableData | undefined => policyVars.get(e) ?? variableOf(e);
  const policy = window.variables.map((p) => p.event);
  const configVars = window.modeVariables.map((p) => p.event);
  // The first event of each policy variable counts, for every variable alike; another value of
  // the same variable (in the window, or for a mode variable also in PCR 1) is a conflict: the log
  // does not say which one the firmware enforced (`eventlog.digest-binding` fails such a log).
  const otherValues = (e: AnyEvent | undefined): AnyEvent[] => {
    const v = e !== undefined ? varOf(e) : undefined;
    if (v === undefined) return [];
    return [...policy, ...configVars].filter((x) => {
      const w = x !== e ? varOf(x) : undefined;
      return w?.name === v.name && !equalBytes(w.variableData, v.variableData);
    });
  };
  const boolVar = (
    name: string,
    from: readonly AnyEvent[],
  ): { value: number | undefined; event?: AnyEvent } => {
    const e = from.find((x) => varOf(x)?.name === name);
    const v = e !== undefined ? varOf(e) : undefined;
    return {
      value: v?.value?.kind === 'boolean' ? v.value.value : undefined,
      ...(e !== undefined ? { event: e } : {}),
    };
  };
  const sb = boolVar('SecureBoot', policy);
  const setup = boolVar('SetupMode', policy);
  const modeVar = (name: string): { value: number | undefined; event?: AnyEvent } => {
    const p = boolVar(name, policy);
    return p.event !== undefined ? p : boolVar(name, configVars);
  };
  const audit = modeVar('AuditMode');
  const deployed = modeVar('DeployedMode');
  // UEFI 2.10 §32.3: the platform is in setup mode exactly when no PK is enrolled. Firmware
  // rarely measures SetupMode, but it measures PK, and an empty PK is the unenrolled one.
  const pkEvent = policy.find((e) => varOf(e)?.name === 'PK');
  const pkEmpty = pkEvent !== undefined && varOf(pkEvent)!.variableData.length === 0;
  let secureBoot: BootSummary['secureBoot'];
  if (sb.event !== undefined) {
    // UEFI 2.10 §32.3: audit and setup modes have SecureBoot = 0; deployed mode is user mode locked
    // down. An empty PK means setup unless SecureBoot says 1 (the firmware's word that it checks
    // images) or SetupMode says 0: a log that contradicts itself is reported by its variables.
    const setupByPk = pkEmpty && audit.value !== 1 && setup.value !== 0 && sb.value !== 1;
    const mode =
      audit.value === 1
        ? 'audit'
        : setup.value === 1 || setupByPk
          ? 'setup'
          : sb.value === 1
            ? deployed.value === 1
              ? 'deployed'
              : 'enabled'
            : sb.value === 0
              ? 'disabled'
              : 'unknown';
    const pkSource = setupByPk && setup.value !== 1 ? pkEvent : undefined;
    const src = [sb.event, setup.event, audit.event, deployed.event, pkSource].filter(
      (x): x is AnyEvent => x !== undefined,
    );
    secureBoot = fact(
      {
        enabled: sb.value === undefined ? undefined : sb.value === 1,
        mode,
        ...(setup.value !== undefined ? { setupMode: setup.value } : {}),
        ...(audit.value !== undefined ? { auditMode: audit.value } : {}),
        ...(deployed.value !== undefined ? { deployedMode: deployed.value } : {}),
        sources: {
          secureBoot: sb.event.index,
          ...(setup.event !== undefined ? { setupMode: setup.event.index } : {}),
          ...(audit.event !== undefined ? { auditMode: audit.event.index } : {}),
          ...(deployed.event !== undefined ? { deployedMode: deployed.event.index } : {}),
          ...(pkSource !== undefined ? { pk: pkSource.index } : {}),
        },
      },
      src.sort((a, b) => a.index - b.index),
    );
    secureBoot = conflicted(secureBoot, src.flatMap(otherValues));
    // Attested only when PCR 1's separator follows it: with no separator there, no part of PCR 1
    // is known to be the firmware's.
    const unattested = [audit.event, deployed.event].some(
      (e) =>
        e !== undefined &&
        configVars.includes(e) &&
        (e.index >= window.modeEnd || window.modeEnd === Infinity),
    );
    if (unattested) secureBoot = { ...secureBoot, bound: false };
  }

  const databases: Record<string, BootFact<SignatureDatabaseSummary>> = {};
  for (const e of policy) {
    const v = varOf(e);
    if (v === undefined) continue;
    if (
      v.value?.kind === 'signature-lists' ||
      (['PK', 'KEK', 'db', 'dbx', 'dbt', 'dbr'].includes(v.name) && v.variableData.length === 0)
    ) {
      if (!Object.hasOwn(databases, v.name))
        databases[v.name] = conflicted(fact(summarizeDatabase(v), [e]), otherValues(e));
    }
  }
  // A failing separator, digest-binding or event-digests check that names an event of the policy
  // window (its ending event included) or a mode variable read from PCR 1 disputes where the
  // window ends or what is in it: the policy the summary reads is then not what the matching
  // registers vouch for, so neither it nor the databases count as verified.
  if (check !== undefined && check.disputed.size > 0) {
    const modeEvents = new Set(configVars.map((e) => e.index));
    const contested = [...check.disputed].some((i) => {
      const e = log.events[i];
      if (e === undefined) return false;
      return modeEvents.has(i) || (pcrOf(e) === policyRegister && i <= window.end);
    });
    if (contested) {
      if (secureBoot !== undefined) secureBoot = { ...secureBoot, verified: false };
      for (const [name, f] of Object.entries(databases))
        databases[name] = { ...f, verified: false };
    }
  }

  const authorities: BootFact<BootAuthority>[] = [];
  const authorityEvents = new Map<AnyEvent, BootAuthority>();
  let shimCert: BootCertificate | undefined;
  let sbatLevel: string | undefined;
  let mokListTrusted: number | undefined;
  const shimEvents: AnyEvent[] = [];
  const shimFirst = new Map<string, AnyEvent>();
  const shimConflicts: AnyEvent[] = [];
  const listedKind = signatureTypesOf(policy, events, varOf);
  for (const e of events) {
    // A policy variable logged as an authority is policy (read above), not an authority. The
    // firmware and shim measure authorities into the policy register only (PFP 1.06 §3.3.4.8;
    // CC: MR 1): one in another register was extended by other code (the OS can extend PCR 13).
    if (e.type !== EV.EFI_VARIABLE_AUTHORITY || policyVars.has(e) || pcrOf(e) !== policyRegister)
      continue;
    const v = variableOf(e);
    if (v === undefined) continue;
    const val = v.value;
    let certificate: BootCertificate | undefined;
    let sha256: string | undefined;
    let text: string | undefined;
    if (val?.kind === 'certificate') certificate = describeCertificate(val.der);
    else if (val?.kind === 'signature-data') {
      // The event carries no SignatureType; the measured list holding the same entry does.
      const kind = listedKind(v.name, val.entry) ?? val.entry.kind;
      if (kind === 'x509') certificate = describeCertificate(val.entry.data);
      else if (kind === 'sha256') sha256 = toHex(val.entry.data);
    } else if (val?.kind === 'text') text = val.text;
    else if (val?.kind === 'boolean') text = String(val.value);
    const authority: BootAuthority = {
      variable: v.name,
      ...(certificate !== undefined ? { certificate } : {}),
      ...(sha256 !== undefined ? { sha256 } : {}),
      ...(text !== undefined ? { text } : {}),
    };
    authorities.push(fact(authority, [e]));
    // shim records its own state (SBAT policy, MokListTrusted) under this event type when it
    // starts: neither verified an image.
    if (!SHIM_STATE_AUTHORITIES.has(v.name)) authorityEvents.set(e, authority);
    // shim's state: the first of each counts (a later one may come from code that ran after
    // shim); later different values are conflicts.
    if (v.name !== 'Shim' && !SHIM_STATE_AUTHORITIES.has(v.name)) continue;
    const first = shimFirst.get(v.name);
    if (first !== undefined) {
      if (digestKey(first) !== digestKey(e)) shimConflicts.push(e);
      continue;
    }
    if (v.name === 'Shim' && certificate !== undefined) shimCert = certificate;
    else if (v.name === 'SbatLevel' && text !== undefined) sbatLevel = text;
    else if (v.name === 'MokListTrusted' && val?.kind === 'boolean') mokListTrusted = val.value;
    else continue;
    shimFirst.set(v.name, e);
    shimEvents.push(e);
  }

  // PFP (PCR 7, Secure Boot policy): the firmware measures an authority into PCR 7 when it first
  // verifies an image with it, before that image's load event, and not again for later images.
  // The authority events between the previous image load (application or driver) and this one are
  // therefore the ones measured for this image; none means no new authority (see
  // BootImage.authorities).
  const imageAuthorities = new Map<AnyEvent, BootFact<readonly BootAuthority[]>>();
  let pending: AnyEvent[] = [];
  for (const e of events) {
    if (authorityEvents.has(e)) pending.push(e);
    else if (IMAGE_LOADS.has(e.type)) {
      // The link is the log's order across registers (PCR 7 against PCR 2/4), which no register
      // attests: a log can move an authority event to another image and still replay. So the
      // fact is never bound, whatever its events bind (BootImage.authorities).
      if (pending.length > 0)
        imageAuthorities.set(e, {
          ...fact(
            pending.map((a) => authorityEvents.get(a)!),
            pending,
          ),
          bound: false,
        });
      pending = [];
    }
  }
  const image = (e: AnyEvent): BootImage => {
    const auth = imageAuthorities.get(e);
    return {
      pcrIndex: pcrOf(e),
      type: e.typeName,
      devicePath: e.decoded?.kind === 'image-load' ? e.decoded.devicePath : '',
      digests: hexDigests(e),
      ...(auth !== undefined ? { authorities: auth } : {}),
    };
  };
  const apps = events.filter((e) => e.type === EV.EFI_BOOT_SERVICES_APPLICATION);
  const efiApplications = apps.map((e) => fact(image(e), [e]));
  const efiDrivers = events
    .filter(
      (e) => e.type === EV.EFI_BOOT_SERVICES_DRIVER || e.type === EV.EFI_RUNTIME_SERVICES_DRIVER,
    )
    .map((e) => fact(image(e), [e]));

  // Loader events, each read only from the registers its producer measures into (spec-notes §4,
  // §6, §7): GRUB commands and command lines in PCR 8, GRUB's files in PCR 9, systemd-stub's
  // LoadOptions/initrd tags in PCR 9, systemd-boot's UTF-16 command line in PCR 12 (PCR 8 before
  // v251), shim's MOK variables in PCR 14; CC logs: all of them in MR 3 (RTMR2, PCRs 8–15). An
  // event logged anywhere else was extended by other code, or by nothing (a CC log's MR 0 or MR
  // 5+, a PCR no TPM has), so it cannot stand in for the producer's measurement.
  const loaderRegisters = (e: AnyEvent, role: string): readonly number[] =>
    isCc ? [3] : e.decoded?.kind === 'event-tag' ? [9] : (LOADER_PCRS[role] ?? []);
  const loaderOf = (e: AnyEvent): { role: string; value: string } | undefined =>
    e.decoded?.kind === 'loader'
      ? { role: e.decoded.role, value: e.decoded.value }
      : e.decoded?.kind === 'event-tag' && e.decoded.role !== undefined
        ? { role: e.decoded.role, value: e.decoded.text ?? '' }
        : undefined;
  const loader = events.filter((e) => {
    const l = loaderOf(e);
    return l !== undefined && loaderRegisters(e, l.role).includes(pcrOf(e));
  });
  // What a loader string hidden by its type or data would change: every fact read from its
  // register (LOADER_FACT_PCRS) is unbound and names the suspects in `conflicts`.
  const hidden = events.filter(
    (e) =>
      (isCc ? pcrOf(e) === 3 : LOADER_STRING_PCRS.includes(pcrOf(e))) &&
      mayHideLoaderString(e, isCc, check?.mismatched),
  );
  const unlessHidden = <T>(
    f: BootFact<T> | undefined,
    name: keyof typeof LOADER_FACT_PCRS,
  ): BootFact<T> | undefined => {
    const pcrs: readonly number[] = LOADER_FACT_PCRS[name];
    const suspects = hidden.filter((e) => isCc || pcrs.includes(pcrOf(e)));
    return f === undefined || suspects.length === 0
      ? f
      : conflicted({ ...f, bound: false }, suspects);
  };
  // Applications are measured by the boot manager into PCR 4 (CC: MR 2, RTMR1).
  const bootApps = apps.filter((e) => pcrOf(e) === (isCc ? 2 : 4));
  const mokEvents = loader.filter((e) => loaderOf(e)?.role === 'shim-variable');
  shimEvents.push(...mokEvents);
  const shimApp = bootApps.find(
    (e) => e.decoded?.kind === 'image-load' && /shim/i.test(e.decoded.devicePath),
  );
  if (shimApp !== undefined) shimEvents.unshift(shimApp);
  const shim =
    shimEvents.length > 0
      ? conflicted(
          fact(
            {
              mokListMeasured: mokEvents.some((e) => loaderOf(e)?.value === 'MokList'),
              mokListXMeasured: mokEvents.some((e) => loaderOf(e)?.value === 'MokListX'),
              ...(mokListTrusted !== undefined ? { mokListTrusted } : {}),
              ...(sbatLevel !== undefined ? { sbatLevel } : {}),
              ...(shimCert !== undefined ? { vendorCertificate: shimCert } : {}),
            },
            shimEvents.sort((a, b) => a.index - b.index),
          ),
          shimConflicts,
        )
      : undefined;

  const grubCmd = loader.filter((e) => loaderOf(e)?.role === 'grub-command');
  // Every string of GRUB's command register, whatever its prefix: the prefix is not hashed, so a
  // `linux` command relabelled as something else is still the command GRUB ran.
  const grubTexts = events.filter(
    (e) => e.decoded?.kind === 'loader' && pcrOf(e) === (isCc ? 3 : 8),
  );
  const grubFiles = loader.filter((e) => loaderOf(e)?.role === 'grub-file');
  const bootApp = (name: RegExp): AnyEvent | undefined =>
    bootApps.find((e) => e.decoded?.kind === 'image-load' && name.test(e.decoded.devicePath));
  const sdBootApp = bootApp(/systemd-boot/i);
  const grubApp = bootApp(/grub/i);
  let bootloader: BootSummary['bootloader'];
  if (grubCmd.length > 0 || grubFiles.length > 0) {
    bootloader = fact(
      {
        kind: 'grub',
        commands: grubCmd.map((e) => loaderOf(e)!.value),
        files: grubFiles.map((e) => loaderOf(e)!.value),
      },
      [...grubCmd, ...grubFiles].sort((a, b) => a.index - b.index),
    );
  } else {
    // systemd-boot's own measurement is its UTF-16 command line. The LoadOptions and initrd event
    // tags (0x8F3B22ED, 0x8F3B22EC) are the Linux EFI stub's, whoever started the kernel: GRUB
    // (ccel-trustee-data-grub) or the firmware itself (ccel-trustee-data-ovmf).
    const sdEvents = loader.filter(
      (e) => e.decoded?.kind === 'loader' && e.decoded.role === 'systemd-cmdline',
    );
    // A GRUB that measured no string is named by its application's path alone (not hashed):
    // that still outranks a PCR 12 line, which any OS code can extend.
    if (sdBootApp === undefined && grubApp !== undefined) {
      bootloader = fact({ kind: 'grub', commands: [], files: [] }, [grubApp]);
    } else if (sdBootApp !== undefined || sdEvents.length > 0) {
      bootloader = fact(
        { kind: 'systemd-boot', commands: [], files: [] },
        [...(sdBootApp !== undefined ? [sdBootApp] : []), ...sdEvents].sort(
          (a, b) => a.index - b.index,
        ),
      );
      // A UTF-16 line alone names no loader: any OS code can extend PCR 12 with one.
      if (sdBootApp === undefined) bootloader = { ...bootloader, bound: false };
    }
  }

  // Kernel and initrd. GRUB: the file its `linux` / `initrd` command loaded — the command (PCR 8,
  // whose hashed text names the path) and the PCR 9 file event of that path (whose digest is the
  // file's), both cited, so `verified` covers the path as well as the digest. A file whose path
  // no command names is no kernel (a guess from its name would let any file stand in). Old Red
  // Hat GRUB (rhel8-uefi.bin) logs no path for the file, only "grub_linuxefi Kernel" / "…
  // Initrd": the label of the file its linuxefi / initrdefi command loaded.
  let kernel: BootSummary['kernel'];
  let initrd: BootSummary['initrd'];
  const grubLoad = (
    cmdRe: RegExp,
    label: string,
  ): BootFact<{ path: string; digests: Partial<Record<PcrBankName, string>> }> | undefined => {
    const argOf = (e: AnyEvent): string => cmdRe.exec(loaderOf(e)!.value)?.[1] ?? '';
    const cmds = grubTexts.filter((e) => argOf(e) !== '');
    const cmd = cmds[0];
    if (cmd === undefined) return undefined;
    const path = argOf(cmd);
    const files = grubFiles.filter(
      (e) =>
        samePath(loaderOf(e)!.value, path) ||
        (e.decoded?.kind === 'loader' && e.decoded.text === label),
    );
    const file = files[0];
    if (file === undefined) return undefined;
    return conflicted(
      fact(
        { path, digests: hexDigests(file) },
        [cmd, file].sort((a, b) => a.index - b.index),
      ),
      [
        ...cmds.filter((e) => argOf(e) !== path),
        ...files.filter((e) => digestKey(e) !== digestKey(file)),
      ],
    );
  };
  if (bootloader?.value.kind === 'grub') {
    kernel = grubLoad(/^linux(?:efi|16)? +(\S+)/, 'grub_linuxefi Kernel');
    initrd = grubLoad(/^initrd(?:efi|16)? +(\S+)/, 'grub_linuxefi Initrd');
  }
  if (kernel === undefined) {
    // An EFI-stub kernel or UKI started by the boot manager (PCR 4; CC: MR 2).
    const ks = bootApps.filter(
      (e) =>
        e.decoded?.kind === 'image-load' &&
        KERNEL_RE.test(e.decoded.devicePath) &&
        !LOADER_RE.test(e.decoded.devicePath),
    );
    const k = ks[0];
    if (k !== undefined && k.decoded?.kind === 'image-load')
      kernel = withConflicts(
        fact({ path: k.decoded.devicePath, digests: hexDigests(k) }, [k]),
        ks,
        (e) => `${e.decoded?.kind === 'image-load' ? e.decoded.devicePath : ''} ${digestKey(e)}`,
      );
  }
  if (initrd === undefined) {
    const is = loader.filter((e) => loaderOf(e)?.role === 'systemd-initrd');
    const i = is[0];
    if (i !== undefined)
      initrd = withConflicts(fact({ digests: hexDigests(i) }, [i]), is, digestKey);
  }

  // The kernel command line: GRUB's `kernel_cmdline` (PCR 8; CC: MR 3) or systemd-boot's UTF-16
  // EV_IPL (PCR 12, or 8 before v251). The first one counts: the quote attests the order of a
  // register's extends, and a later one may come from code that ran after the loader.
  const cmdlines = loader.filter((e) => {
    const l = loaderOf(e);
    return (
      l !== undefined &&
      (l.role === 'grub-kernel-cmdline' ||
        (l.role === 'systemd-cmdline' && e.decoded?.kind === 'loader'))
    );
  });
  const cmdline = cmdlines[0];
  // GRUB's prefix (`kernel_cmdline: `, `grub_cmd: `) is not hashed, only the text after it: which
  // string is the command line is the log's word. It is taken as bound only when it follows the
  // last `linux` command of its register (found by its hashed text, whatever its prefix) and
  // starts with the kernel that command loaded; otherwise a relabelled string could stand in for
  // the real one, or GRUB ran `linux` again and the line shown is not the one it booted with.
  let kernelCommandLine: BootSummary['kernelCommandLine'];
  if (cmdline !== undefined) {
    const k = loaderOf(cmdline)!;
    kernelCommandLine = withConflicts(
      fact(k.value, [cmdline]),
      cmdlines,
      (e) => loaderOf(e)!.value,
    );
    if (k.role === 'systemd-cmdline')
      // systemd-boot measures the line it starts the kernel with; without its application in the
      // chain a UTF-16 line is only what some code extended (any OS code can extend PCR 12), and
      // GRUB hands the kernel its own line (measured in PCR 8 when it measures at all), so on a
      // GRUB boot (GRUB strings in PCR 8/9, or a GRUB application) the line is never bound either.
      // Its conflicts: GRUB's `linux` commands (they state the line GRUB booted with), a UKI's own
      // `.cmdline` section in PCR 11 (systemd-stub then boots with that line), and the Linux EFI
      // stub's LoadOptions tag, which measured the line the kernel got, unless its digests are the
      // line's (the same bytes).
      kernelCommandLine = conflicted(
        sdBootApp === undefined || grubApp !== undefined || bootloader?.value.kind === 'grub'
          ? { ...kernelCommandLine, bound: false }
          : kernelCommandLine,
        [
          ...grubTexts.filter((e) => LINUX_COMMAND.test(loaderOf(e)!.value)),
          ...events.filter(
            (e) =>
              pcrOf(e) === 11 &&
              (e.decoded?.kind === 'loader' || e.decoded?.kind === 'text') &&
              e.decoded.text.replace(/\0+$/, '') === '.cmdline',
          ),
          ...loader.filter(
            (e) =>
              e.decoded?.kind === 'event-tag' &&
              loaderOf(e)!.role === k.role &&
              digestKey(e) !== digestKey(cmdline),
          ),
        ],
      );
    if (k.role === 'grub-kernel-cmdline') {
      const linux = [...grubTexts]
        .reverse()
        .find((e) => pcrOf(e) === pcrOf(cmdline) && LINUX_COMMAND.test(loaderOf(e)!.value));
      const path = linux !== undefined ? LINUX_COMMAND.exec(loaderOf(linux)!.value)![1] : undefined;
      const consistent =
        linux !== undefined &&
        linux.index < cmdline.index &&
        (k.value === path || k.value.startsWith(`${path} `));
      if (!consistent) kernelCommandLine = { ...kernelCommandLine, bound: false };
      // A CC log's MR 3 also holds GRUB's files and shim's MOK names, whose data no digest covers:
      // after the `linux` command any of them may be a later `linux` or command line rewritten as
      // a path. Only the kernel and initrd files their facts cite are GRUB's own there.
      else if (isCc)
        kernelCommandLine = conflicted(
          kernelCommandLine,
          events.filter(
            (e) =>
              pcrOf(e) === 3 &&
              e.index > linux.index &&
              e.type !== EV.NO_ACTION &&
              e.digestCheck !== 'verified' &&
              ![kernel, initrd].some((f) => f?.events.includes(e.index)),
          ),
        );
    }
  }

  let uki: BootSummary['uki'];
  if (!isCc) {
    const byPcr = (p: number): AnyEvent[] =>
      events.filter((e) => pcrOf(e) === p && e.type !== EV.NO_ACTION);
    // An event described by its type name only (no text in its data) shows a label that no
    // digest covers: the fact built from it is not bound, whatever the digests say.
    let byTypeName = false;
    const describe = (e: AnyEvent): string => {
      const d = e.decoded;
      if (d?.kind === 'loader' || d?.kind === 'text') return d.text;
      if (d?.kind === 'event-tag') return d.text ?? `tag 0x${d.taggedEventId.toString(16)}`;
      byTypeName = true;
      return e.typeName;
    };
    const p11 = byPcr(11);
    const p12 = byPcr(12);
    const p13 = byPcr(13);
    const isWindows = [...p11, ...p12, ...p13].some(
      (e) => e.decoded?.kind === 'sipa' || e.type === EV.SEPARATOR,
    );
    if (!isWindows && p11.length + p12.length + p13.length > 0) {
      const value = {
        pcr11: p11.map(describe),
        pcr12: p12.map(describe),
        pcr13: p13.map(describe),
      };
      uki = fact(
        value,
        [...p11, ...p12, ...p13].sort((a, b) => a.index - b.index),
      );
      // The replay can still match (`verified` stands); only the label is not the digest's.
      if (byTypeName) uki = { ...uki, bound: false };
    }
  }
  bootloader = unlessHidden(bootloader, 'bootloader');
  kernel = unlessHidden(kernel, 'kernel');
  initrd = unlessHidden(initrd, 'initrd');
  kernelCommandLine = unlessHidden(kernelCommandLine, 'kernelCommandLine');
  uki = unlessHidden(uki, 'uki');

  // The S-CRTM version belongs to PCR 0 (CC: MR 1, where PCR 0 lands); an event elsewhere
  // claiming the type carries text its producer chose.
  const crtm = events.find((e) => e.type === EV.S_CRTM_VERSION && pcrOf(e) === (isCc ? 1 : 0));
  const firmwareVersion =
    crtm !== undefined
      ? fact(
          crtm.decoded?.kind === 'text'
            ? crtm.decoded.text
            : crtm.decoded?.kind === 'guid'
              ? crtm.decoded.guid
              : toHex(crtm.data),
          [crtm],
        )
      : undefined;
  const firmwareBlobs = events
    .filter((e) => e.decoded?.kind === 'firmware-blob')
    .map((e) => {
      const d = e.decoded as Extract<AnyEvent['decoded'], { kind: 'firmware-blob' }>;
      return fact(
        {
          ...(d.description !== undefined ? { description: d.description } : {}),
          base: d.blobBase,
          length: d.blobLength,
        },
        [e],
      );
    });

  const hintSources: {
    hint: string;
    source: PlatformSummary['sources'][number]['source'];
    events: number[];
  }[] = [];
  const hintEvents: AnyEvent[] = [];
  const hint = (h: string, e: AnyEvent): void => {
    let s = hintSources.find((x) => x.hint === h);
    if (s === undefined) hintSources.push((s = { hint: h, source: 'events', events: [] }));
    if (!s.events.includes(e.index)) s.events.push(e.index);
    if (!hintEvents.includes(e)) hintEvents.push(e);
  };
  for (const e of events) {
    const d = e.decoded;
    const text =
      d?.kind === 'text'
        ? d.text
        : d?.kind === 'sp800-155'
          ? `${d.platformManufacturer ?? ''} ${d.platformModel ?? ''} ${d.firmwareManufacturer ?? ''}`
          : undefined;
    if (d?.kind === 'gce-nonhost-info') {
      hint('Google Compute Engine', e);
      if (d.confidentialTechnology !== 0) hint(`confidential VM: ${d.technology}`, e);
    }
    if (text === undefined) continue;
    if (/GCE|Google/.test(text)) hint('Google Compute Engine', e);
    if (/Hyper-V|Microsoft Corporation Virtual/i.test(text)) hint('Microsoft Hyper-V / Azure', e);
    if (/Amazon|EC2|Nitro/.test(text)) hint('Amazon EC2', e);
    if (/OVMF|EDK II|QEMU/i.test(text)) hint('QEMU/OVMF', e);
    if (/Boot Guard/.test(text)) hint('Intel Boot Guard', e);
  }
  // The CCEL table is what the caller passed to parseCcEventLog, not part of the log and not
  // measured into any register; the SHA-384 guess reads the Spec ID header (event 0, never
  // extended). Neither is measured evidence, so a platform fact that includes them is not bound.
  if (isCc && log.table?.ccType === 2)
    hintSources.push({ hint: 'Intel TDX (CCEL table)', source: 'ccel-table', events: [] });
  if (isCc && log.banks.includes('sha384') && log.table === undefined && events[0] !== undefined) {
    hintSources.push({
      hint: 'CC event log (SHA-384: Intel TDX)',
      source: 'log-header',
      events: [events[0].index],
    });
    hintEvents.push(events[0]);
  }
  const platform =
    hintSources.length > 0
      ? fact<PlatformSummary>(
          { hints: hintSources.map((x) => x.hint), sources: hintSources },
          hintEvents.sort((a, b) => a.index - b.index),
          hintSources.some((x) => x.events.length === 0),
        )
      : undefined;

  const action = (text: string): AnyEvent[] =>
    events.filter(
      (e) => e.type === EV.EFI_ACTION && e.decoded?.kind === 'text' && e.decoded.text === text,
    );
  const dma = action(EFI_ACTION.DMA_PROTECTION_DISABLED);
  const dmaProtectionDisabled = dma.length > 0 ? fact(true, dma) : undefined;
  const dbg = action(EFI_ACTION.UEFI_DEBUG_MODE);
  const debugMode = dbg.length > 0 ? fact(true, dbg) : undefined;
  const ebsInv = action(EFI_ACTION.EXIT_BOOT_SERVICES_INVOCATION);
  const ebsOk = action(EFI_ACTION.EXIT_BOOT_SERVICES_SUCCESS);
  const ebsFail = action(EFI_ACTION.EXIT_BOOT_SERVICES_FAILURE);
  let exitBootServices: BootSummary['exitBootServices'];
  if (ebsInv.length + ebsOk.length + ebsFail.length > 0) {
    const status =
      ebsOk.length > 0
        ? ebsFail.length > 0
          ? 'failure-then-success'
          : 'success'
        : ebsFail.length > 0
          ? 'failure'
          : 'invoked';
    exitBootServices = fact(
      status,
      [...ebsInv, ...ebsOk, ...ebsFail].sort((a, b) => a.index - b.index),
    );
  }

  // Boot variables: the boot manager measures BootOrder and Boot#### into PCR 1 (PFP 1.06
  // §3.3.4.2); CC: MR 1 (RTMR0), or MR 2 (RTMR1), where the Alibaba Cloud TDVF of
  // ccel-trustee-aael-alibabacloud measures them. The first of each variable counts; another
  // value of the same variable later is a conflict.
  const bootVars = events.filter((e) => (isCc ? [1, 2] : [1]).includes(pcrOf(e)));
  const orders = bootVars.filter(
    (e) => variableOf(e)?.name === 'BootOrder' && variableOf(e)?.value?.kind === 'boot-order',
  );
  const orderOf = (e: AnyEvent): readonly number[] =>
    (variableOf(e)!.value as { order: readonly number[] }).order;
  const orderEvent = orders[0];
  const bootOrder =
    orderEvent !== undefined
      ? withConflicts(fact(orderOf(orderEvent), [orderEvent]), orders, (e) => orderOf(e).join())
      : undefined;
  const loadOptions = bootVars.filter((e) => variableOf(e)?.value?.kind === 'load-option');
  const bootOptions: BootSummary['bootOptions'][number][] = [];
  for (const e of loadOptions) {
    const v = variableOf(e)!;
    const same = loadOptions.filter((x) => variableOf(x)!.name === v.name);
    if (same[0] !== e) continue;
    const lo = v.value as Extract<NonNullable<UefiVariableData['value']>, { kind: 'load-option' }>;
    bootOptions.push(
      withConflicts(
        fact({ variable: v.name, description: lo.description, devicePath: lo.devicePath }, [e]),
        same,
        (x) => toHex(variableOf(x)!.variableData),
      ),
    );
  }
  const separators = events
    .filter((e) => e.type === EV.SEPARATOR)
    .map((e) =>
      fact(
        { pcrIndex: pcrOf(e), error: e.decoded?.kind === 'separator' ? e.decoded.isError : true },
        [e],
      ),
    );

  return {
    logKind: log.kind,
    ...(secureBoot !== undefined ? { secureBoot } : {}),
    databases,
    authorities,
    efiApplications,
    efiDrivers,
    ...(shim !== undefined ? { shim } : {}),
    ...(bootloader !== undefined ? { bootloader } : {}),
    ...(kernel !== undefined ? { kernel } : {}),
    ...(initrd !== undefined ? { initrd } : {}),
    ...(kernelCommandLine !== undefined ? { kernelCommandLine } : {}),
    ...(uki !== undefined ? { uki } : {}),
    ...(firmwareVersion !== undefined ? { firmwareVersion } : {}),
    firmwareBlobs,
    ...(platform !== undefined ? { platform } : {}),
    ...(dmaProtectionDisabled !== undefined ? { dmaProtectionDisabled } : {}),
    ...(debugMode !== undefined ? { debugMode } : {}),
    ...(exitBootServices !== undefined ? { exitBootServices } : {}),
    ...(bootOrder !== undefined ? { bootOrder } : {}),
    bootOptions,
    separators,
  };
}

/**
 * A test for each entry: true when its template hash is the hash of its template data in the
 * list's template-hash algorithm (spec-notes §8.3) and its fields were read, so that the listed
 * file and digest are what the kernel hashed. A violation (its template data is covered by no
 * hash: it extends all 0xFF), missing template data (an ascii template attestkit cannot rebuild),
 * a template whose fields attestkit does not read (the name is not covered by the template hash)
 * or an algorithm attestkit does not compute (`sm3_256`) leaves it unbound.
 */
function templateHashBinder(
  log: ImaLog,
  mismatches: ReadonlySet<number> | undefined,
): (e: ImaEntry) => boolean {
  const alg = log.templateHashAlgorithm;
  if (alg === 'sm3_256') return () => false;
  // Given a verification that compared every template hash, its answer; else hash here.
  const hasher = mismatches === undefined ? createDigester(alg) : undefined;
  return (e) =>
    !e.isViolation &&
    e.templateData !== undefined &&
    e.fileDigest !== undefined &&
    e.path !== undefined &&
    (hasher !== undefined
      ? equalBytes(hasher.digest(e.templateData), e.templateHash)
      : !mismatches!.has(e.index));
}

/**
 * True when `sig` starts like an IMA signature (the kernel's `signature_v2_hdr`: type
 * EVM_IMA_XATTR_DIGSIG 3, EVM_XATTR_PORTABLE_DIGSIG 5 or IMA_VERITY_DIGSIG 6, then version 2 or
 * 3, hash algorithm, key id and size). Only the header's first bytes are read.
 */
function isImaSignature(sig: Uint8Array): boolean {
  const type = sig[0];
  const version = sig[1];
  return (
    sig.length >= 9 && (type === 3 || type === 5 || type === 6) && (version === 2 || version === 3)
  );
}

function summarizeIma(log: ImaLog, check: VerificationFacts | undefined): ImaSummary {
  // Counted in a Map: template names come from the list, and `__proto__` or `constructor` as a
  // key of a plain object would reach Object.prototype (fromEntries defines own properties).
  const templates = new Map<string, number>();
  const violations: number[] = [];
  const files: ImaSummary['files'][number][] = [];
  let signedCount = 0;
  let unsignedCount = 0;
  const templateHashBinds = templateHashBinder(log, check?.templateHashMismatches);
  const bound = (e: ImaEntry): boolean =>
    templateHashBinds(e) && check?.mismatched.has(e.index) !== true;
  // verifyEventLog never lists a violation among verifiedEvents; a violation's row says so too.
  const verified = (e: ImaEntry): boolean => check!.verified.has(e.index) && !e.isViolation;

  // The kernel measures boot_aggregate first, into its IMA PCR, when IMA starts: only entry 0 is
  // read as the boot aggregate (an entry named so later, or on another PCR, is only named so),
  // and every other entry named boot_aggregate that states another value is a conflict.
  const first = log.entries[0];
  const aggregateKey = (e: ImaEntry): string =>
    e.fileDigest === undefined ? '' : `${e.digestAlgorithm ?? 'sha1'}:${toHex(e.fileDigest)}`;
  let bootAggregate: ImaSummary['bootAggregate'];
  if (first?.path === 'boot_aggregate' && aggregateKey(first) !== '') {
    const key = aggregateKey(first);
    const conflicts = log.entries
      .filter((e) => e.index !== first.index && e.path === 'boot_aggregate')
      .filter((e) => aggregateKey(e) !== key)
      .map((e) => e.index);
    bootAggregate = {
      value: { algorithm: first.digestAlgorithm ?? 'sha1', digest: toHex(first.fileDigest!) },
      events: [first.index],
      bound: bound(first) && conflicts.length === 0,
      ...(check !== undefined ? { verified: verified(first) } : {}),
      ...(conflicts.length > 0 ? { conflicts } : {}),
    };
  }
  for (const e of log.entries) {
    templates.set(e.templateName, (templates.get(e.templateName) ?? 0) + 1);
    if (e.isViolation) violations.push(e.index);
    if (bootAggregate !== undefined && e === first) continue;
    const signed = e.signature !== undefined && isImaSignature(e.signature);
    if (e.signature !== undefined) {
      if (signed) signedCount++;
      else unsignedCount++;
    }
    files.push({
      index: e.index,
      path: e.path ?? '',
      ...(e.digestAlgorithm !== undefined ? { digestAlgorithm: e.digestAlgorithm } : {}),
      ...(e.fileDigest !== undefined ? { digest: toHex(e.fileDigest) } : {}),
      signed,
      bound: bound(e),
      ...(check !== undefined ? { verified: verified(e) } : {}),
    });
  }
  return {
    logKind: 'ima',
    entries: log.entries.length,
    templates: Object.fromEntries(templates),
    violations,
    ...(bootAggregate !== undefined ? { bootAggregate } : {}),
    files,
    signedCount,
    unsignedCount,
  };
}
