/**
 * @module
 * Types of `attestkit/eventlog`: parsed TCG PC Client logs (PFP 1.06 §10), CC event logs (CCEL,
 * UEFI 2.10 §38.4 / TDX GHCI), IMA measurement lists (Linux `Documentation/security/IMA-templates`),
 * decoded UEFI event data, replay results, verification results and the boot summary.
 *
 * Everything here is plain, readonly data: it serialises to JSON as it is (bytes as hex through a
 * replacer, 64-bit values as bigint).
 */
import type { Verification } from '../core/checks.js';

/** Names of the PCR banks attestkit knows. */
export type PcrBankName = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3_256';

/**
 * Register values: bank name → register index → digest. The same structural type as
 * `attestkit/tpm`'s `PcrBanks` (API.md), redeclared here because platforms do not import each other.
 */
export type PcrBanks = Partial<Record<PcrBankName, Record<number, Uint8Array>>>;

/** One algorithm of the crypto-agile header: TPM_ALG_ID, its name and the digest size the log uses. */
export interface TcgAlgorithmInfo {
  /** TPM_ALG_ID (`0x000b` = SHA-256). */
  readonly algorithmId: number;
  /** `sha1`, `sha256`, `sha384`, `sha512`, `sm3_256`, … or `alg_0x…` when unknown. */
  readonly name: string;
  /** Digest size declared by the header (the parser trusts only this, not a built-in table). */
  readonly digestSize: number;
}

/** `TCG_EfiSpecIdEvent` (PFP §10.4.5.1): the header of a crypto-agile log. */
export interface TcgSpecIdEvent {
  /** `Spec ID Event03` (NUL stripped). */
  readonly signature: string;
  /** 0 = client, 1 = server. */
  readonly platformClass: number;
  readonly specVersionMinor: number;
  readonly specVersionMajor: number;
  readonly specErrata: number;
  /** 1 = UINTN is 32-bit, 2 = 64-bit. */
  readonly uintnSize: number;
  readonly algorithms: readonly TcgAlgorithmInfo[];
  /** `vendorInfoSize` as declared. */
  readonly vendorInfoSize: number;
  /** Vendor info bytes that lie inside the event (a header may declare more than it carries). */
  readonly vendorInfo: Uint8Array;
}

/** One digest of an event, in log order, including algorithms attestkit cannot compute. */
export interface TcgDigest {
  readonly algorithmId: number;
  readonly name: string;
  readonly digest: Uint8Array;
}

/**
 * How an event's digest relates to its data:
 * - `verified`: the digest equals the hash of the data (under the type's rule) in the bank checked;
 * - `mismatch`: the type is digest-bound (its digest must be a hash of its data) and it is not —
 *   the data cannot be trusted even when the replay matches;
 * - `not-data-derived`: the digest is of something the log does not carry (an image, a volume, a
 *   file); only the digest itself is attested;
 * - `not-extended`: EV_NO_ACTION, never extended;
 * - `unchecked`: no bank attestkit can compute.
 */
export type DigestCheck =
  'verified' | 'mismatch' | 'not-data-derived' | 'not-extended' | 'unchecked';

/**
 * Which rule produced a `verified` digest: the whole event data, the `VariableData` of a
 * UEFI_VARIABLE_DATA, a GRUB string without its prefix (and NUL), or one with the NUL kept (old
 * Red Hat GRUB).
 */
export type DigestRule = 'event-data' | 'variable-data' | 'grub-text' | 'grub-text-nul';

/** A non-fatal oddity the parser met (padding, trailing bytes, a misplaced header). */
export interface ParseWarning {
  /** Stable id, e.g. `padding`, `trailing-bytes`, `vendor-info-truncated`. */
  readonly code: string;
  readonly offset: number;
  readonly message: string;
}

/** Fields common to TCG and CC events. */
export interface EventRecordBase {
  /** Position in the log, 0 = first record (the Spec ID header in crypto-agile logs). */
  readonly index: number;
  /** Byte offset of the record in the input. */
  readonly offset: number;
  /** Event type (PFP table 9). */
  readonly type: number;
  /** `EV_…` name of {@link EventRecordBase.type}. */
  readonly typeName: string;
  /** Digests by bank name (algorithms attestkit knows by name). */
  readonly digests: Partial<Record<PcrBankName, Uint8Array>>;
  /** Every digest in log order, including unknown algorithms carried by their declared size. */
  readonly digestList: readonly TcgDigest[];
  /** Event data (a copy). */
  readonly data: Uint8Array;
  /** Decoded event data, when the type has a decoder and the data decodes. */
  readonly decoded?: DecodedEventData;
  /** Why the data did not decode, when it did not (the event still replays). */
  readonly decodeError?: string;
  /** Digest vs data, checked in one bank (SHA-256 when present); see {@link DigestCheck}. */
  readonly digestCheck: DigestCheck;
  /** The rule under which the digest was verified. */
  readonly digestRule?: DigestRule;
}

/** One event of a TCG PC Client log (`TCG_PCR_EVENT` or `TCG_PCR_EVENT2`). The log's claim, unverified. */
export interface TcgEvent extends EventRecordBase {
  readonly pcrIndex: number;
}

/** A parsed TCG PC Client event log. Unverified: replay it against quoted PCRs before trusting it. */
export interface TcgEventLog {
  readonly kind: 'tcg';
  /** `sha1` = TCG 1.2 `TCG_PCR_EVENT` records only; `crypto-agile` = Spec ID header + `TCG_PCR_EVENT2`. */
  readonly format: 'sha1' | 'crypto-agile';
  /** The crypto-agile header. */
  readonly specId?: TcgSpecIdEvent;
  readonly events: readonly TcgEvent[];
  /** Banks the log carries, in header order (SHA-1 format: `['sha1']`). */
  readonly banks: readonly PcrBankName[];
  /** Algorithms of the header attestkit does not know by name (carried by size). */
  readonly unknownAlgorithms: readonly TcgAlgorithmInfo[];
  /** Locality from a StartupLocality EV_NO_ACTION event that precedes every PCR 0 extend. */
  readonly startupLocality?: number;
  /** Index of an EV_EFI_HCRTM_EVENT in PCR 0, when present (PCR 0 then starts at 00…04). */
  readonly hcrtmEventIndex?: number;
  /** Bytes consumed by events (padding and trailing bytes excluded). */
  readonly length: number;
  readonly warnings: readonly ParseWarning[];
}

/** The ACPI "CCEL" table (UEFI 2.10 / ACPI 6.5 §5.2.34, 56 bytes). */
export interface CcelTable {
  readonly signature: 'CCEL';
  readonly length: number;
  readonly revision: number;
  readonly checksum: number;
  /** True when the 56 bytes sum to 0 mod 256. */
  readonly checksumOk: boolean;
  readonly oemId: string;
  readonly oemTableId: string;
  readonly oemRevision: number;
  readonly creatorId: string;
  readonly creatorRevision: number;
  /** 1 = AMD SEV, 2 = Intel TDX. */
  readonly ccType: number;
  readonly ccSubtype: number;
  /** Log area minimum length. */
  readonly laml: bigint;
  /** Log area start address (guest physical). */
  readonly lasa: bigint;
  readonly raw: Uint8Array;
}

/** One event of a CC event log. MR index 0 = MRTD / RIM (never extended), 1–4 = RTMR/REM 0–3. */
export interface CcEvent extends EventRecordBase {
  /** The CC measurement-register index field. */
  readonly mrIndex: number;
  /** RTMR (TDX) or REM (CCA) index this event extends (`mrIndex − 1`), absent for index 0 and > 4. */
  readonly registerIndex?: number;
}

/** A parsed CC event log (TDX CCEL, or a CCA realm log in the same format). Unverified. */
export interface CcEventLog {
  readonly kind: 'cc';
  readonly format: 'crypto-agile';
  readonly specId: TcgSpecIdEvent;
  readonly events: readonly CcEvent[];
  readonly banks: readonly PcrBankName[];
  readonly unknownAlgorithms: readonly TcgAlgorithmInfo[];
  /** The ACPI table, when given. */
  readonly table?: CcelTable;
  /** Bytes used by events; the rest of the log area is fill. */
  readonly length: number;
  readonly warnings: readonly ParseWarning[];
}

/** Hash algorithms of IMA template hashes. */
export type ImaHashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3_256';

/** One IMA measurement-list entry. The kernel's claim, unverified until replayed. */
export interface ImaEntry {
  readonly index: number;
  /** Byte offset (binary) or line start offset (ascii) in the input. */
  readonly offset: number;
  readonly pcrIndex: number;
  /** Template hash as listed (all zero for a violation). */
  readonly templateHash: Uint8Array;
  /** `ima`, `ima-ng`, `ima-sig`, `ima-buf`, `ima-modsig`, … */
  readonly templateName: string;
  /**
   * The bytes the template hash covers: exact for binary lists; rebuilt from the fields for ascii
   * lists (absent when the template's fields cannot be rebuilt). For the legacy `ima` template this
   * is `digest ‖ name padded to 256 bytes`.
   */
  readonly templateData?: Uint8Array;
  /** A violation (ToMToU / open-writers): template hash all zero, extended as all 0xFF. */
  readonly isViolation: boolean;
  /** File-data hash algorithm (`sha256`) of `d-ng`; `sha1` for the legacy `ima` template. */
  readonly digestAlgorithm?: string;
  readonly fileDigest?: Uint8Array;
  /** `n-ng` / `n`: the file path or buffer name. */
  readonly path?: string;
  /** `sig`: the IMA signature (`ima-sig`), empty when the file is unsigned. */
  readonly signature?: Uint8Array;
  /** `buf` (`ima-buf`). */
  readonly buffer?: Uint8Array;
}

/** A parsed IMA runtime measurement list (ascii or binary). */
export interface ImaLog {
  readonly kind: 'ima';
  readonly format: 'ascii' | 'binary';
  /** Algorithm of the listed template hashes (`sha1` for the default list). */
  readonly templateHashAlgorithm: ImaHashAlgorithm;
  readonly entries: readonly ImaEntry[];
  readonly warnings: readonly ParseWarning[];
}

/** Any log attestkit replays. */
export type EventLog = TcgEventLog | CcEventLog | ImaLog;

// ---------------------------------------------------------------------------------------------
// Decoded event data (PFP §10.4, UEFI 2.10)
// ---------------------------------------------------------------------------------------------

/** One `EFI_SIGNATURE_DATA`: owner and data, with its kind from the list's SignatureType. */
export interface EfiSignatureData {
  /** SignatureOwner GUID. */
  readonly owner: string;
  /** `x509` (DER certificate), `sha256` (32-byte image hash), or `other`. */
  readonly kind: 'x509' | 'sha256' | 'other';
  readonly data: Uint8Array;
}

/** One `EFI_SIGNATURE_LIST` (UEFI 2.10 §32.4.1). */
export interface EfiSignatureList {
  readonly signatureType: string;
  /** Short name of the type GUID (`EFI_CERT_X509`). */
  readonly signatureTypeName?: string;
  readonly signatureHeader: Uint8Array;
  readonly signatureSize: number;
  readonly signatures: readonly EfiSignatureData[];
}

/** A decoded UEFI variable value, by variable. */
export type UefiVariableValue =
  | { readonly kind: 'boolean'; readonly value: number }
  | { readonly kind: 'signature-lists'; readonly lists: readonly EfiSignatureList[] }
  | { readonly kind: 'signature-data'; readonly entry: EfiSignatureData }
  | { readonly kind: 'certificate'; readonly der: Uint8Array }
  | { readonly kind: 'boot-order'; readonly order: readonly number[] }
  | {
      readonly kind: 'load-option';
      readonly attributes: number;
      readonly description: string;
      readonly devicePath: string;
      readonly optionalData: Uint8Array;
    }
  | { readonly kind: 'text'; readonly text: string };

/** `UEFI_VARIABLE_DATA` (PFP §10.4.4.2, table 17). */
export interface UefiVariableData {
  /** VariableName: the vendor GUID. */
  readonly vendorGuid: string;
  readonly vendorName?: string;
  /** UnicodeName. */
  readonly name: string;
  /** VariableData. */
  readonly variableData: Uint8Array;
  /** Offset of VariableData inside the event data. */
  readonly variableDataOffset: number;
  readonly value?: UefiVariableValue;
  /** Why {@link UefiVariableData.value} could not be decoded. */
  readonly valueError?: string;
}

/** One node of an EFI device path. */
export interface DevicePathNode {
  readonly type: number;
  readonly subtype: number;
  /** The node rendered as text (`Pci(0x3,0x0)`, `File(\EFI\BOOT\BOOTX64.EFI)`). */
  readonly text: string;
}

/** One GPT partition entry. */
export interface GptPartition {
  readonly typeGuid: string;
  readonly uniqueGuid: string;
  readonly startingLba: bigint;
  readonly endingLba: bigint;
  readonly attributes: bigint;
  readonly name: string;
}

/** `UEFI_GPT_DATA` (PFP §10.4.4.4). */
export interface UefiGptData {
  readonly revision: number;
  readonly headerSize: number;
  readonly myLba: bigint;
  readonly alternateLba: bigint;
  readonly firstUsableLba: bigint;
  readonly lastUsableLba: bigint;
  readonly diskGuid: string;
  readonly partitionEntryLba: bigint;
  readonly numberOfPartitionEntries: number;
  readonly sizeOfPartitionEntry: number;
  readonly partitions: readonly GptPartition[];
}

/** One Windows SIPA record (nested when it is an aggregation). */
export interface SipaRecord {
  readonly type: number;
  readonly typeName: string;
  readonly payload: Uint8Array;
  /** Decoded value for small integer / boolean / UTF-16 string records. */
  readonly value?: number | bigint | string;
  readonly children?: readonly SipaRecord[];
}

/** What an EV_IPL or EV_EVENT_TAG event says about the OS loader. */
export type LoaderRole =
  | 'grub-command'
  | 'grub-kernel-cmdline'
  | 'grub-file'
  | 'shim-variable'
  | 'systemd-cmdline'
  | 'systemd-initrd'
  | 'other';

/** Decoded event data, one shape per kind of payload. */
export type DecodedEventData =
  | { readonly kind: 'spec-id'; readonly specId: TcgSpecIdEvent }
  | { readonly kind: 'startup-locality'; readonly locality: number }
  | {
      readonly kind: 'sp800-155';
      readonly platformManufacturerId: number;
      readonly referenceManifestGuid: string;
      readonly platformManufacturer?: string;
      readonly platformModel?: string;
      readonly platformVersion?: string;
      readonly firmwareManufacturer?: string;
      readonly firmwareManufacturerId?: number;
      readonly firmwareVersion?: string;
    }
  | { readonly kind: 'no-action'; readonly signature?: string }
  | { readonly kind: 'separator'; readonly value: number; readonly isError: boolean }
  | { readonly kind: 'text'; readonly encoding: 'ascii' | 'utf16le'; readonly text: string }
  | { readonly kind: 'guid'; readonly guid: string }
  | {
      readonly kind: 'loader';
      readonly role: LoaderRole;
      readonly encoding: 'ascii' | 'utf16le';
      /** The whole string (NUL stripped). */
      readonly text: string;
      /** The command, command line, file path or variable name without prefix. */
      readonly value: string;
    }
  | { readonly kind: 'uefi-variable'; readonly variable: UefiVariableData }
  | {
      readonly kind: 'image-load';
      readonly imageLocationInMemory: bigint;
      readonly imageLengthInMemory: bigint;
      readonly imageLinkTimeAddress: bigint;
      readonly lengthOfDevicePath: number;
      readonly devicePath: string;
      readonly devicePathNodes: readonly DevicePathNode[];
    }
  | {
      readonly kind: 'firmware-blob';
      readonly description?: string;
      readonly blobBase: bigint;
      readonly blobLength: bigint;
    }
  | {
      readonly kind: 'handoff-tables';
      readonly description?: string;
      readonly tables: readonly {
        readonly vendorGuid: string;
        readonly name?: string;
        readonly vendorTable: bigint;
      }[];
    }
  | { readonly kind: 'gpt'; readonly gpt: UefiGptData }
  | {
      readonly kind: 'event-tag';
      readonly taggedEventId: number;
      readonly taggedEventData: Uint8Array;
      /** The tag's printable text (systemd load options, AAEL `LEAA` records). */
      readonly text?: string;
      readonly role?: LoaderRole;
    }
  | { readonly kind: 'sipa'; readonly records: readonly SipaRecord[] }
  | {
      readonly kind: 'gce-nonhost-info';
      /** 0 none, 1 AMD SEV, 2 AMD SEV-ES, 3 Intel TDX, 4 AMD SEV-SNP. */
      readonly confidentialTechnology: number;
      readonly technology: string;
    };

// ---------------------------------------------------------------------------------------------
// Replay and verification
// ---------------------------------------------------------------------------------------------

/** Named workarounds for known firmware and kernel bugs (see `workarounds.ts`). */
export type WorkaroundId = 'ebs-events-missing' | 'startup-locality-unlogged' | 'ima-sha1-padded';

/** Options of {@link replayEventLog}. */
export interface ReplayOptions {
  /**
   * Banks to replay. Default: every bank of a TCG/CC log that attestkit can compute; for IMA the
   * listed template-hash algorithm only (other banks need a hash of each template's data).
   */
  readonly banks?: readonly PcrBankName[];
}

/** Result of {@link replayEventLog}. */
export interface ReplayResult {
  /**
   * Final register values. TCG and IMA: only registers the log extends; CC: the four RTMRs/REMs
   * (bank `sha384` for TDX), indexed 0–3.
   */
  readonly registers: PcrBanks;
  /** Initial value used for each register that was extended (locality, DRTM all-0xFF). */
  readonly initial: PcrBanks;
  /** Banks the log has digests for but attestkit cannot compute (e.g. `sm3_256`). */
  readonly unreplayedBanks: readonly string[];
}

/** Check ids of {@link verifyEventLog}. */
export type EventLogCheckId =
  | 'eventlog.parse'
  | `eventlog.replay.pcr${number}`
  | `eventlog.replay.rtmr${number}`
  | `eventlog.replay.rem${number}`
  | 'eventlog.event-digests'
  | 'eventlog.separators'
  | 'eventlog.after-separator'
  | 'eventlog.digest-binding'
  | 'eventlog.ima.template-hashes'
  | 'eventlog.ima.violations';

/** What {@link verifyEventLog} compares the replay with. */
export type EventLogExpectation =
  | { readonly pcrs: PcrBanks }
  | { readonly rtmrs: readonly Uint8Array[] }
  | { readonly rems: readonly Uint8Array[] };

/** Options of {@link verifyEventLog}. */
export interface EventLogVerifyOptions {
  /**
   * Workarounds that may turn a failed register into a `warn` (each is tried only after the
   * strict replay of that register failed). Default: none — a workaround that would have matched
   * is named in the failure message. Allowing one accepts a log that does not describe the boot
   * exactly.
   */
  readonly allowWorkarounds?: readonly WorkaroundId[];
  /**
   * Fail (instead of skip) registers the log extends but the caller did not supply. Default false:
   * those registers are reported as `skip` and their events stay unverified.
   */
  readonly requireAllExtended?: boolean;
}

/** Per-register outcome in {@link EventLogVerification.registers}. */
export interface RegisterResult {
  /** `pcr7`, `rtmr0`, `rem2`. */
  readonly register: string;
  readonly bank: PcrBankName;
  readonly index: number;
  readonly status: 'match' | 'mismatch' | 'workaround' | 'not-quoted';
  readonly expected?: Uint8Array;
  readonly replayed: Uint8Array;
  /** Indices of the events that extend this register. */
  readonly events: readonly number[];
  readonly workaround?: WorkaroundId;
}

/** Result of {@link verifyEventLog}. */
export interface EventLogVerification extends Verification<EventLogCheckId> {
  readonly log: EventLog;
  /** The strict replay. */
  readonly replayed: PcrBanks;
  readonly registers: readonly RegisterResult[];
  /** Workarounds that were applied (allowed and needed). */
  readonly appliedWorkarounds: readonly { readonly id: WorkaroundId; readonly register: string }[];
  /** Event indices whose register was compared and matched (strictly or with a workaround). */
  readonly verifiedEvents: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// Boot summary
// ---------------------------------------------------------------------------------------------

/**
 * One fact of the summary with the events it came from. `bound` is false when one of those events
 * has a digest that is not (or not verifiably) a hash of its data: its content is then only what
 * the log claims.
 */
export interface BootFact<T> {
  readonly value: T;
  readonly events: readonly number[];
  readonly bound: boolean;
  /**
   * Present when a verification was given to {@link summarizeBoot}: true when every source event
   * extends a register whose quoted value matched the replay.
   */
  readonly verified?: boolean;
}

/** A certificate from a signature database or an authority event. */
export interface BootCertificate {
  readonly subject?: string;
  readonly issuer?: string;
  readonly serialHex?: string;
  readonly notAfter?: string;
  /** SHA-256 of the DER, hex. */
  readonly sha256: string;
  /** Why the DER did not parse, when it did not (the raw bytes are still in the event). */
  readonly parseError?: string;
}

/** Contents of PK, KEK, db, dbx, MokList… */
export interface SignatureDatabaseSummary {
  readonly certificates: readonly BootCertificate[];
  readonly sha256Count: number;
  readonly otherCount: number;
}

/** One EFI application or driver load. */
export interface BootImage {
  readonly pcrIndex: number;
  readonly type: string;
  readonly devicePath: string;
  /** Authenticode digests by bank, hex. */
  readonly digests: Partial<Record<PcrBankName, string>>;
}

/** UKI / systemd-stub measurements. */
export interface UkiSummary {
  /** PCR 11 events (UKI sections, phases). */
  readonly pcr11: readonly string[];
  /** PCR 12 events (command line, credentials). */
  readonly pcr12: readonly string[];
  /** PCR 13 events (system extensions). */
  readonly pcr13: readonly string[];
}

/** What booted, as far as the log says. Each fact names its events. */
export interface BootSummary {
  readonly logKind: 'tcg' | 'cc';
  readonly secureBoot?: BootFact<{
    readonly enabled: boolean | undefined;
    readonly mode: 'enabled' | 'disabled' | 'setup' | 'audit' | 'deployed' | 'unknown';
    readonly setupMode?: number;
    readonly auditMode?: number;
    readonly deployedMode?: number;
  }>;
  readonly databases: Readonly<Record<string, BootFact<SignatureDatabaseSummary>>>;
  /** Authorities that verified boot applications (EV_EFI_VARIABLE_AUTHORITY). */
  readonly authorities: readonly BootFact<{
    readonly variable: string;
    readonly certificate?: BootCertificate;
    readonly sha256?: string;
    readonly text?: string;
  }>[];
  readonly efiApplications: readonly BootFact<BootImage>[];
  readonly efiDrivers: readonly BootFact<BootImage>[];
  readonly shim?: BootFact<{
    readonly mokListMeasured: boolean;
    readonly mokListXMeasured: boolean;
    readonly mokListTrusted?: number;
    readonly sbatLevel?: string;
    readonly vendorCertificate?: BootCertificate;
  }>;
  readonly bootloader?: BootFact<{
    readonly kind: 'grub' | 'systemd-boot' | 'unknown';
    readonly commands: readonly string[];
    readonly files: readonly string[];
  }>;
  readonly kernel?: BootFact<{
    readonly path?: string;
    readonly digests: Partial<Record<PcrBankName, string>>;
  }>;
  readonly initrd?: BootFact<{
    readonly path?: string;
    readonly digests: Partial<Record<PcrBankName, string>>;
  }>;
  readonly kernelCommandLine?: BootFact<string>;
  readonly uki?: BootFact<UkiSummary>;
  readonly firmwareVersion?: BootFact<string>;
  readonly firmwareBlobs: readonly BootFact<{
    readonly description?: string;
    readonly base: bigint;
    readonly length: bigint;
  }>[];
  readonly platform?: BootFact<{ readonly hints: readonly string[] }>;
  readonly dmaProtectionDisabled?: BootFact<boolean>;
  readonly debugMode?: BootFact<boolean>;
  readonly exitBootServices?: BootFact<'success' | 'failure-then-success' | 'failure' | 'invoked'>;
  readonly bootOrder?: BootFact<readonly number[]>;
  readonly bootOptions: readonly BootFact<{
    readonly variable: string;
    readonly description: string;
    readonly devicePath: string;
  }>[];
  readonly separators: readonly BootFact<{ readonly pcrIndex: number; readonly error: boolean }>[];
}

/** IMA summary: what was measured. */
export interface ImaSummary {
  readonly logKind: 'ima';
  readonly entries: number;
  readonly templates: Readonly<Record<string, number>>;
  readonly violations: readonly number[];
  readonly bootAggregate?: BootFact<{ readonly algorithm: string; readonly digest: string }>;
  readonly files: readonly {
    readonly index: number;
    readonly path: string;
    readonly digestAlgorithm?: string;
    readonly digest?: string;
    readonly signed: boolean;
  }[];
  readonly signedCount: number;
  readonly unsignedCount: number;
}
