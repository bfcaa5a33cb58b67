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
  /** `specVersionMinor` (u8): 0 in a PFP 2.0 crypto-agile header. */
  readonly specVersionMinor: number;
  /** `specVersionMajor` (u8): 2 in a crypto-agile (TPM 2.0) header. */
  readonly specVersionMajor: number;
  /**
   * `specErrata` (u8): errata level of the PFP the firmware follows (0, 2, 3…); informational, not
   * used for parsing.
   */
  readonly specErrata: number;
  /** 1 = UINTN is 32-bit, 2 = 64-bit. */
  readonly uintnSize: number;
  /**
   * `digestSizes[numberOfAlgorithms]`: the banks every `TCG_PCR_EVENT2` may carry, in header order
   * (at least one, ids unique); event digests are read with these sizes.
   */
  readonly algorithms: readonly TcgAlgorithmInfo[];
  /** `vendorInfoSize` as declared. */
  readonly vendorInfoSize: number;
  /** Vendor info bytes that lie inside the event (a header may declare more than it carries). */
  readonly vendorInfo: Uint8Array;
}

/** One digest of an event, in log order, including algorithms attestkit cannot compute. */
export interface TcgDigest {
  /**
   * `TPMT_HA.hashAlg` (u16 little-endian): the TPM_ALG_ID (`0x0004` SHA-1, `0x000b` SHA-256,
   * `0x000c` SHA-384); always `0x0004` in a SHA-1-format log.
   */
  readonly algorithmId: number;
  /**
   * Name of the algorithm as the Spec ID header lists it (`sha256`…, or `alg_0x…` for an id
   * attestkit does not know).
   */
  readonly name: string;
  /**
   * `TPMT_HA.digest`: the digest bytes, of the size the Spec ID header declares for this algorithm
   * (20 bytes in a SHA-1-format log).
   */
  readonly digest: Uint8Array;
}

/**
 * How an event's digest relates to its data:
 * - `verified`: the digest equals the hash of the data (under the type's rule) in the bank checked;
 * - `mismatch`: the type is digest-bound (its digest must be a hash of its data) and it is not —
 *   the data cannot be trusted even when the replay matches;
 * - `not-data-derived`: the digest is of something the log does not carry (an image, a volume, a
 *   file); only the digest itself is attested;
 * - `not-extended`: EV_NO_ACTION, never extended; in a CC log also an event of MR index 0 or
 *   above 4, which extends no RTMR/REM;
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
  /** Byte offset in the input where the oddity starts (0 for log-wide findings). */
  readonly offset: number;
  /** Human-readable detail (not stable: match on `code`). */
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
  /**
   * Event data: a view into the parser's one private copy of the input (never the caller's
   * buffer), shared with the log's other events; copy it before writing to it.
   */
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
  /**
   * `pcrIndex` (u32 little-endian): the PCR this event extends; EV_NO_ACTION events name one but
   * extend nothing.
   */
  readonly pcrIndex: number;
}

/** A parsed TCG PC Client event log. Unverified: replay it against quoted PCRs before trusting it. */
export interface TcgEventLog {
  /** Discriminant of {@link EventLog}: a TCG PC Client log from `parseTcgEventLog`. */
  readonly kind: 'tcg';
  /** `sha1` = TCG 1.2 `TCG_PCR_EVENT` records only; `crypto-agile` = Spec ID header + `TCG_PCR_EVENT2`. */
  readonly format: 'sha1' | 'crypto-agile';
  /** The crypto-agile header. */
  readonly specId?: TcgSpecIdEvent;
  /**
   * Every record in log order; in a crypto-agile log the Spec ID header is event 0 (decoded as
   * `spec-id`, never extended).
   */
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
  /**
   * Non-fatal oddities met while parsing (padding, trailing bytes, a late StartupLocality…), in the
   * order found.
   */
  readonly warnings: readonly ParseWarning[];
}

/** The ACPI "CCEL" table (UEFI 2.10 / ACPI 6.5 §5.2.34, 56 bytes). */
export interface CcelTable {
  /** `Signature` (4 ASCII bytes): always `CCEL` (anything else throws `ERR_BAD_MAGIC`). */
  readonly signature: 'CCEL';
  /**
   * `Length` (u32 little-endian): size of the whole table in bytes, header included; 56 in
   * revision 1 (a smaller value throws `ERR_BAD_LENGTH`; bytes a later revision appends are
   * checksummed, not decoded).
   */
  readonly length: number;
  /** `Revision` (u8) of the table (1 in the TDVF tables seen). */
  readonly revision: number;
  /**
   * `Checksum` (u8): set by the firmware so that all `length` bytes sum to 0 mod 256; see
   * `checksumOk`.
   */
  readonly checksum: number;
  /**
   * True when the whole table (all `length` bytes, the checksum byte included) sums to 0 mod 256:
   * the ACPI rule for every system description table (ACPI 6.5 §5.2.6).
   */
  readonly checksumOk: boolean;
  /** `OEMID` (6 bytes) as text up to the first NUL, trailing spaces kept (e.g. `INTEL `). */
  readonly oemId: string;
  /**
   * `OEM Table ID` (8 bytes) as text up to the first NUL, trailing spaces kept (e.g. `EDK2    `).
   */
  readonly oemTableId: string;
  /** `OEM Revision` (u32 little-endian): the OEM's revision number for this table. */
  readonly oemRevision: number;
  /** `Creator ID` (4 bytes) as text: vendor id of the tool that built the table. */
  readonly creatorId: string;
  /** `Creator Revision` (u32 little-endian): revision of that tool (e.g. `0x01000013`). */
  readonly creatorRevision: number;
  /** 1 = AMD SEV, 2 = Intel TDX. */
  readonly ccType: number;
  /** `CC Subtype` (u8): refines `ccType`; 0 in the TDX tables seen. */
  readonly ccSubtype: number;
  /** Log area minimum length. */
  readonly laml: bigint;
  /** Log area start address (guest physical). */
  readonly lasa: bigint;
  /** The table's `length` bytes as given (a copy), checksum included. */
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
  /** Discriminant of {@link EventLog}: a CC event log from `parseCcEventLog`. */
  readonly kind: 'cc';
  /**
   * Always `crypto-agile`: a CC log starts with a Spec ID header (a log without one throws
   * `ERR_BAD_MAGIC`).
   */
  readonly format: 'crypto-agile';
  /**
   * The `TCG_EfiSpecIdEvent` header (record 0); TDX logs list one algorithm, SHA-384 (`0x000c`, 48
   * bytes).
   */
  readonly specId: TcgSpecIdEvent;
  /**
   * Every record in log order, the Spec ID header as event 0; the fill after the last event is
   * excluded.
   */
  readonly events: readonly CcEvent[];
  /**
   * Banks the header lists that attestkit knows by name, in header order (`['sha384']` for TDX).
   */
  readonly banks: readonly PcrBankName[];
  /**
   * Header algorithms attestkit does not know by name: their digests are carried by declared size
   * and never replayed.
   */
  readonly unknownAlgorithms: readonly TcgAlgorithmInfo[];
  /** The ACPI table, when given. */
  readonly table?: CcelTable;
  /** Bytes used by events; the rest of the log area is fill. */
  readonly length: number;
  /**
   * Non-fatal oddities in the order found: fill, MR index 0 or above 4, a bad CCEL checksum, events
   * beyond LAML.
   */
  readonly warnings: readonly ParseWarning[];
}

/** Hash algorithms of IMA template hashes. */
export type ImaHashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3_256';

/** One IMA measurement-list entry. The kernel's claim, unverified until replayed. */
export interface ImaEntry {
  /** Position in the list, 0 = first entry (normally `boot_aggregate`). */
  readonly index: number;
  /** Byte offset (binary) or line start offset (ascii) in the input. */
  readonly offset: number;
  /**
   * The PCR the entry extends (first field of the entry; 10 unless the kernel's
   * `CONFIG_IMA_MEASURE_PCR_IDX` says otherwise).
   */
  readonly pcrIndex: number;
  /** Template hash as listed (all zero for a violation). */
  readonly templateHash: Uint8Array;
  /**
   * `ima`, `ima-ng`, `ima-sig`, `ima-buf`, `ima-modsig`, … Not covered by the template hash: an
   * entry of a template attestkit does not read (no `fileDigest`, no `path`) fails
   * `eventlog.ima.template-hashes`.
   */
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
  /**
   * The file-data digest without its prefix: the bytes after `<alg>:\0` in `d-ng` / `d-ngv2`, or
   * the 20-byte SHA-1 of the legacy `ima` template; absent for templates attestkit cannot read.
   */
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
  /** Discriminant of {@link EventLog}: an IMA measurement list from `parseImaLog`. */
  readonly kind: 'ima';
  /**
   * `ascii` (`ascii_runtime_measurements*`) or `binary` (`binary_runtime_measurements*`), as
   * detected or as `ImaParseOptions.format` said.
   */
  readonly format: 'ascii' | 'binary';
  /** Algorithm of the listed template hashes (`sha1` for the default list). */
  readonly templateHashAlgorithm: ImaHashAlgorithm;
  /**
   * Every complete entry in list order; a cut last entry is left out with a `partial-entry`
   * warning.
   */
  readonly entries: readonly ImaEntry[];
  /** Non-fatal oddities (e.g. `partial-entry` for a list cut inside its last entry). */
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
  /**
   * `SignatureData`: the `SignatureSize − 16` bytes after the owner GUID: a DER certificate
   * (`x509`), a 32-byte SHA-256 image hash (`sha256`) or opaque bytes (`other`).
   */
  readonly data: Uint8Array;
}

/** One `EFI_SIGNATURE_LIST` (UEFI 2.10 §32.4.1). */
export interface EfiSignatureList {
  /**
   * `SignatureType` GUID in lower-case canonical text: the kind of every entry (`a5c059a1-…`
   * EFI_CERT_X509_GUID, `c1c41626-…` EFI_CERT_SHA256_GUID…).
   */
  readonly signatureType: string;
  /** Short name of the type GUID (`EFI_CERT_X509`). */
  readonly signatureTypeName?: string;
  /**
   * `SignatureHeader`: the `SignatureHeaderSize` bytes before the entries (a copy; empty for X.509
   * and SHA-256 lists).
   */
  readonly signatureHeader: Uint8Array;
  /**
   * `SignatureSize` (u32 little-endian): bytes per entry including the 16-byte owner GUID (48 for
   * SHA-256 entries).
   */
  readonly signatureSize: number;
  /**
   * The `(SignatureListSize − 28 − SignatureHeaderSize) / SignatureSize` entries, in list order.
   */
  readonly signatures: readonly EfiSignatureData[];
}

/** A decoded UEFI variable value, by variable. */
export type UefiVariableValue =
  | {
      /**
       * A one-byte flag: SecureBoot, SetupMode, AuditMode, DeployedMode, VendorKeys or
       * MokListTrusted, or a one-byte authority value.
       */
      readonly kind: 'boolean';
      /** The byte as stored (1 = set, 0 = clear). */
      readonly value: number;
    }
  | {
      /**
       * A signature database (PK, KEK, db, dbx, dbt, dbr, MokList, MokListX, the `…Default`
       * copies): EFI_SIGNATURE_LIST structures back to back.
       */
      readonly kind: 'signature-lists';
      /** The lists in variable order (none for an empty variable). */
      readonly lists: readonly EfiSignatureList[];
    }
  | {
      /**
       * An EV_EFI_VARIABLE_AUTHORITY value holding one EFI_SIGNATURE_DATA (owner GUID, then data).
       */
      readonly kind: 'signature-data';
      /**
       * The entry. The event carries no SignatureType GUID, so its kind is read from the data:
       * `x509` when the whole value is one DER SEQUENCE opening with a SEQUENCE (the outer shape
       * of a certificate, with minimal definite lengths), else `sha256` for 32 bytes, else
       * `other`. {@link summarizeBoot} prefers the SignatureType of the measured database list
       * that holds the same entry.
       */
      readonly entry: EfiSignatureData;
    }
  | {
      /**
       * An EV_EFI_VARIABLE_AUTHORITY value that is a bare DER certificate, without an owner GUID.
       */
      readonly kind: 'certificate';
      /** The DER certificate (a copy). */
      readonly der: Uint8Array;
    }
  | {
      /** BootOrder, BootNext or BootCurrent: an array of UINT16 boot option numbers. */
      readonly kind: 'boot-order';
      /** The option numbers in stored order (`[1, 0]` = Boot0001, then Boot0000). */
      readonly order: readonly number[];
    }
  | {
      /** Boot####, Driver#### or SysPrep####: an EFI_LOAD_OPTION (UEFI 2.10 §3.1.3). */
      readonly kind: 'load-option';
      /**
       * `Attributes` (u32 little-endian): bit 0 LOAD_OPTION_ACTIVE, bit 1 FORCE_RECONNECT, bit 3
       * HIDDEN, bits 8–12 CATEGORY.
       */
      readonly attributes: number;
      /** `Description`: the UCS-2 boot-menu label, NUL stripped. */
      readonly description: string;
      /** `FilePathList` rendered as text (instances separated by `,`). */
      readonly devicePath: string;
      /**
       * `OptionalData`: the bytes after the device path (e.g. arguments for the loaded image), a
       * copy.
       */
      readonly optionalData: Uint8Array;
    }
  | {
      /** A text value: SbatLevel / SbatLevelRT, or a printable authority value. */
      readonly kind: 'text';
      /** The value as Latin-1 text up to the first NUL. */
      readonly text: string;
    };

/** `UEFI_VARIABLE_DATA` (PFP §10.4.4.2, table 17). */
export interface UefiVariableData {
  /** VariableName: the vendor GUID. */
  readonly vendorGuid: string;
  /**
   * Short name of `vendorGuid` (`EFI_GLOBAL_VARIABLE`, `EFI_IMAGE_SECURITY_DATABASE`,
   * `SHIM_LOCK`…); absent for GUIDs attestkit does not know.
   */
  readonly vendorName?: string;
  /** UnicodeName. */
  readonly name: string;
  /** VariableData. */
  readonly variableData: Uint8Array;
  /** Offset of VariableData inside the event data. */
  readonly variableDataOffset: number;
  /**
   * VariableData decoded for the variables attestkit knows (SecureBoot and other booleans,
   * PK/KEK/db/dbx/MokList signature lists, BootOrder, Boot####, SbatLevel, authority entries);
   * absent otherwise or when decoding failed (see `valueError`).
   */
  readonly value?: UefiVariableValue;
  /** Why {@link UefiVariableData.value} could not be decoded. */
  readonly valueError?: string;
}

/** One node of an EFI device path. */
export interface DevicePathNode {
  /**
   * `EFI_DEVICE_PATH_PROTOCOL.Type` (u8): 0x01 hardware, 0x02 ACPI, 0x03 messaging, 0x04 media,
   * 0x05 BIOS boot specification, 0x7F end (UEFI 2.10 §10.3.1).
   */
  readonly type: number;
  /**
   * `EFI_DEVICE_PATH_PROTOCOL.SubType` (u8): the node kind within its type (e.g. type 0x04 subtype
   * 0x04 = file path, subtype 0x01 = hard drive).
   */
  readonly subtype: number;
  /** The node rendered as text (`Pci(0x3,0x0)`, `File(\EFI\BOOT\BOOTX64.EFI)`). */
  readonly text: string;
}

/** One GPT partition entry. */
export interface GptPartition {
  /**
   * `PartitionTypeGUID` (canonical text): what the partition holds
   * (`c12a7328-f81f-11d2-ba4b-00a0c93ec93b` = EFI system partition).
   */
  readonly typeGuid: string;
  /**
   * `UniquePartitionGUID` (canonical text): this partition's own id; all zero in EV_EFI_GPT_EVENT2
   * events.
   */
  readonly uniqueGuid: string;
  /** `StartingLBA` (u64 little-endian): first logical block of the partition. */
  readonly startingLba: bigint;
  /** `EndingLBA` (u64 little-endian): last logical block of the partition, inclusive. */
  readonly endingLba: bigint;
  /**
   * `Attributes` (u64 little-endian): bit 0 required partition, bit 1 no block I/O protocol, bit 2
   * legacy-BIOS bootable, bits 48–63 defined by the partition type.
   */
  readonly attributes: bigint;
  /** `PartitionName` (36 UTF-16LE code units) as text, up to the first NUL. */
  readonly name: string;
}

/** `UEFI_GPT_DATA` (PFP §10.4.4.4). */
export interface UefiGptData {
  /** `Revision` (u32 little-endian) of the GPT header: `0x00010000` for GPT 1.0. */
  readonly revision: number;
  /** `HeaderSize` (u32 little-endian): size of the header in bytes (92 in practice). */
  readonly headerSize: number;
  /** `MyLBA` (u64 little-endian): the block holding this header (1 for the primary header). */
  readonly myLba: bigint;
  /**
   * `AlternateLBA` (u64 little-endian): the block holding the other (backup) header, normally the
   * disk's last.
   */
  readonly alternateLba: bigint;
  /** `FirstUsableLBA` (u64 little-endian): first block a partition may use. */
  readonly firstUsableLba: bigint;
  /** `LastUsableLBA` (u64 little-endian): last block a partition may use. */
  readonly lastUsableLba: bigint;
  /** `DiskGUID` (canonical text): the disk's id; all zero in EV_EFI_GPT_EVENT2 events. */
  readonly diskGuid: string;
  /** `PartitionEntryLBA` (u64 little-endian): first block of the partition entry array on disk. */
  readonly partitionEntryLba: bigint;
  /**
   * `NumberOfPartitionEntries` (u32 little-endian): slots in the on-disk entry array (often 128),
   * used or not; `partitions` holds only the used ones.
   */
  readonly numberOfPartitionEntries: number;
  /**
   * `SizeOfPartitionEntry` (u32 little-endian): bytes per entry, 128 × 2^n (the decoder refuses
   * less than 128).
   */
  readonly sizeOfPartitionEntry: number;
  /** The used entries the event carries (UEFI_GPT_DATA `NumberOfPartitions`), in event order. */
  readonly partitions: readonly GptPartition[];
}

/** One Windows SIPA record (nested when it is an aggregation). */
export interface SipaRecord {
  /**
   * `SipaType` (u32 little-endian): the `SIPAEVENT_*` type; bit 30 (`0x40000000`) marks an
   * aggregation whose payload is nested records.
   */
  readonly type: number;
  /** `SIPAEVENT_…` name from Windows `wbcl.h`, or `SIPA_0x…` for types attestkit does not know. */
  readonly typeName: string;
  /** The record's payload: the `SipaSize` bytes after the 8-byte type and size header. */
  readonly payload: Uint8Array;
  /** Decoded value for small integer / boolean / UTF-16 string records. */
  readonly value?: number | bigint | string;
  /**
   * The nested records of an aggregation (payload parsed as SIPA records, at most 8 levels deep);
   * absent for leaf records.
   */
  readonly children?: readonly SipaRecord[];
}

/** One used entry of a legacy MBR partition table (EV_IPL_PARTITION_DATA). */
export interface MbrPartition {
  /** Slot in the table, 1–4. */
  readonly index: number;
  /** `BootIndicator` (u8): 0x80 marks the active (bootable) partition, 0x00 an inactive one. */
  readonly bootIndicator: number;
  /** `OSType` (u8): the partition type, e.g. 0x07 NTFS, 0x0C FAT32, 0x83 Linux, 0xEE GPT protective. */
  readonly osType: number;
  /** `StartingLBA` (u32 little-endian): first sector of the partition. */
  readonly startingLba: number;
  /** `SizeInLBA` (u32 little-endian): length of the partition in sectors. */
  readonly sizeInLba: number;
}

/** One SPDM measurement block (DMTF DSP0274 `SPDM_MEASUREMENT_BLOCK`) in device-security data. */
export interface SpdmMeasurementBlock {
  /** `Index` (u8): which of the device's measurements this is. */
  readonly index: number;
  /** `MeasurementSpecification` (u8 bit mask): bit 0 = the DMTF measurement format. */
  readonly measurementSpecification: number;
  /**
   * `DMTFSpecMeasurementValueType` (u8), for a DMTF-format block: bits 0–6 the kind (0 immutable
   * ROM, 1 mutable firmware, 2 hardware configuration, 3 firmware configuration, 4 measurement
   * manifest…), bit 7 set when `value` is a raw bit stream rather than a digest.
   */
  readonly valueType?: number;
  /** `DMTFSpecMeasurementValue` (DMTF format), or the whole `Measurement` otherwise. */
  readonly value: Uint8Array;
}

/** `TCG_DEVICE_SECURITY_EVENT_DATA_PCI_CONTEXT`: the PCI identity of an SPDM device. */
export interface SpdmPciContext {
  /** `VendorId` (u16 little-endian). */
  readonly vendorId: number;
  /** `DeviceId` (u16 little-endian). */
  readonly deviceId: number;
  /** `RevisionID` (u8). */
  readonly revisionId: number;
  /** `ClassCode` (3 bytes, little-endian): base class in the high byte. */
  readonly classCode: number;
  /** `SubsystemVendorID` (u16 little-endian). */
  readonly subsystemVendorId: number;
  /** `SubsystemID` (u16 little-endian). */
  readonly subsystemId: number;
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
  | {
      /** EV_NO_ACTION `Spec ID Event03` header of a crypto-agile log (record 0). */
      readonly kind: 'spec-id';
      /** The parsed `TCG_EfiSpecIdEvent`. */
      readonly specId: TcgSpecIdEvent;
    }
  | {
      /**
       * EV_NO_ACTION `StartupLocality` event (PFP §10.4.5.3): the locality PCR 0 was started from.
       */
      readonly kind: 'startup-locality';
      /**
       * `StartupLocality` (u8): 0 or 3; PCR 0 then starts as zero bytes with this value in the last
       * byte.
       */
      readonly locality: number;
    }
  | {
      /**
       * EV_NO_ACTION `SP800-155 Event3` (`TCG_Sp800_155_PlatformId_Event3`): where the platform's
       * reference integrity manifest is.
       */
      readonly kind: 'sp800-155';
      /**
       * `PlatformManufacturerId` (u32 little-endian): the platform manufacturer's IANA Private
       * Enterprise Number.
       */
      readonly platformManufacturerId: number;
      /** `ReferenceManifestGuid` (canonical text): identifies the reference integrity manifest. */
      readonly referenceManifestGuid: string;
      /** `PlatformManufacturerStr` (u8-length-prefixed ASCII). */
      readonly platformManufacturer?: string;
      /** `PlatformModel` (u8-length-prefixed ASCII). */
      readonly platformModel?: string;
      /** `PlatformVersion` (u8-length-prefixed ASCII). */
      readonly platformVersion?: string;
      /** `FirmwareManufacturerStr` (u8-length-prefixed ASCII). */
      readonly firmwareManufacturer?: string;
      /**
       * `FirmwareManufacturerId` (u32 little-endian): the firmware vendor's IANA Private Enterprise
       * Number.
       */
      readonly firmwareManufacturerId?: number;
      /** `FirmwareVersion` (u8-length-prefixed ASCII). */
      readonly firmwareVersion?: string;
    }
  | {
      /** Any other EV_NO_ACTION payload (vendor data). */
      readonly kind: 'no-action';
      /** The first 16 bytes as text up to the first NUL, when they are printable ASCII. */
      readonly signature?: string;
    }
  | {
      /** EV_SEPARATOR data (4 bytes). */
      readonly kind: 'separator';
      /** The 4 bytes as a u32 little-endian: 0 normally, 0xFFFFFFFF on an error. */
      readonly value: number;
      /**
       * True when `value` is 0xFFFFFFFF: the platform signalled an error before handing over to the
       * OS.
       */
      readonly isError: boolean;
    }
  | {
      /**
       * A string: EV_ACTION, EV_EFI_ACTION, EV_EFI_HCRTM_EVENT, EV_S_CRTM_VERSION, or printable
       * data of another firmware event.
       */
      readonly kind: 'text';
      /** `ascii` (one byte per character) or `utf16le` (UCS-2). */
      readonly encoding: 'ascii' | 'utf16le';
      /** The string up to the first NUL. */
      readonly text: string;
    }
  | {
      /** EV_S_CRTM_VERSION data that is a 16-byte GUID rather than a string. */
      readonly kind: 'guid';
      /** The GUID in canonical text. */
      readonly guid: string;
    }
  | {
      /** An EV_IPL string from an OS loader (GRUB, shim, systemd-boot), classified by `role`. */
      readonly kind: 'loader';
      /**
       * What the string is: a GRUB command, kernel command line or file, a shim variable name, a
       * systemd-boot command line, or `other`.
       */
      readonly role: LoaderRole;
      /** `ascii`, or `utf16le` for systemd-boot's UCS-2 command line. */
      readonly encoding: 'ascii' | 'utf16le';
      /** The whole string (NUL stripped). */
      readonly text: string;
      /** The command, command line, file path or variable name without prefix. */
      readonly value: string;
    }
  | {
      /**
       * UEFI_VARIABLE_DATA: EV_EFI_VARIABLE_DRIVER_CONFIG, _BOOT, _BOOT2, _AUTHORITY,
       * EV_EFI_SPDM_DEVICE_POLICY and _AUTHORITY.
       */
      readonly kind: 'uefi-variable';
      /** The decoded variable. */
      readonly variable: UefiVariableData;
    }
  | {
      /**
       * UEFI_IMAGE_LOAD_EVENT of EV_EFI_BOOT_SERVICES_APPLICATION / _DRIVER or
       * EV_EFI_RUNTIME_SERVICES_DRIVER.
       */
      readonly kind: 'image-load';
      /**
       * `ImageLocationInMemory` (EFI_PHYSICAL_ADDRESS, u64 little-endian): where the image was
       * loaded.
       */
      readonly imageLocationInMemory: bigint;
      /**
       * `ImageLengthInMemory` (UINTN: 4 or 8 bytes per the Spec ID `uintnSize`): size of the loaded
       * image in bytes.
       */
      readonly imageLengthInMemory: bigint;
      /** `ImageLinkTimeAddress` (UINTN): the image's link-time base address. */
      readonly imageLinkTimeAddress: bigint;
      /** `LengthOfDevicePath` (UINTN): size of DevicePath in bytes. */
      readonly lengthOfDevicePath: number;
      /** `DevicePath` rendered as text (`PciRoot(0x0)/…/File(…)`). */
      readonly devicePath: string;
      /** The device path's nodes, end nodes left out. */
      readonly devicePathNodes: readonly DevicePathNode[];
    }
  | {
      /**
       * UEFI_PLATFORM_FIRMWARE_BLOB(2): EV_EFI_PLATFORM_FIRMWARE_BLOB(2), EV_POST_CODE2, or 16
       * non-text bytes of EV_POST_CODE-like events.
       */
      readonly kind: 'firmware-blob';
      /** `BlobDescription` (BLOB2 only): an ASCII label, e.g. a firmware volume's name. */
      readonly description?: string;
      /** `BlobBase` (u64 little-endian): physical address of the measured blob. */
      readonly blobBase: bigint;
      /** `BlobLength` (u64 little-endian): size of the blob in bytes. */
      readonly blobLength: bigint;
    }
  | {
      /**
       * UEFI_HANDOFF_TABLE_POINTERS(2) of EV_EFI_HANDOFF_TABLES(2): configuration tables handed to
       * the OS.
       */
      readonly kind: 'handoff-tables';
      /** `TableDescription` (POINTERS2 only), e.g. `TdxTable`. */
      readonly description?: string;
      /**
       * `TableEntry[NumberOfTables]` (EFI_CONFIGURATION_TABLE): each table's vendor GUID and
       * address.
       */
      readonly tables: readonly {
        /** `VendorGuid` (canonical text): which table (SMBIOS, SMBIOS 3, ACPI 2.0…). */
        readonly vendorGuid: string;
        /**
         * Short name of `vendorGuid` when attestkit knows it (`SMBIOS3_TABLE`, `ACPI_20_TABLE`…).
         */
        readonly name?: string;
        /** `VendorTable` (u64 little-endian): the table's address. */
        readonly vendorTable: bigint;
      }[];
    }
  | {
      /** UEFI_GPT_DATA of EV_EFI_GPT_EVENT(2). */
      readonly kind: 'gpt';
      /** The partition table header and the used entries. */
      readonly gpt: UefiGptData;
    }
  | {
      /** A `TCG_PCClientTaggedEvent` (EV_EVENT_TAG) that is not a Windows SIPA record. */
      readonly kind: 'event-tag';
      /**
       * `taggedEventID` (u32 little-endian): `0x8F3B22ED` systemd LoadOptions, `0x8F3B22EC` Linux
       * initrd, others producer-defined.
       */
      readonly taggedEventId: number;
      /** `taggedEventData`: the `taggedEventDataSize` bytes. */
      readonly taggedEventData: Uint8Array;
      /** The tag's printable text (systemd load options, AAEL `LEAA` records). */
      readonly text?: string;
      /**
       * `systemd-cmdline` or `systemd-initrd` for the two systemd tag ids; absent for other ids.
       */
      readonly role?: LoaderRole;
    }
  | {
      /** Windows SIPA records: EV_EVENT_TAG data whose first u32 is a known SIPAEVENT type. */
      readonly kind: 'sipa';
      /** The top-level records in data order. */
      readonly records: readonly SipaRecord[];
    }
  | {
      /** Google Compute Engine's EV_NONHOST_INFO `GCE NonHostInfo` event. */
      readonly kind: 'gce-nonhost-info';
      /** 0 none, 1 AMD SEV, 2 AMD SEV-ES, 3 Intel TDX, 4 AMD SEV-SNP. */
      readonly confidentialTechnology: number;
      /** `confidentialTechnology` as a name (`AMD SEV-SNP`, `Intel TDX`…, or `unknown (n)`). */
      readonly technology: string;
    }
  | {
      /**
       * EV_PREBOOT_CERT data made of DER X.509 certificates, back to back (a legacy-BIOS type for
       * pre-boot certificates; the PFP reserves it). Other EV_PREBOOT_CERT data decodes as text or
       * not at all.
       */
      readonly kind: 'preboot-cert';
      /** Each certificate's DER (unparsed; {@link summarizeBoot} parses certificates). */
      readonly certificates: readonly Uint8Array[];
    }
  | {
      /**
       * EV_IPL_PARTITION_DATA holding a legacy MBR partition table: the 72 bytes after the boot
       * code (disk signature, 2 bytes, four entries, `55 AA`), the whole 512-byte sector, or the
       * four 16-byte entries alone. SeaBIOS logs the label `MBR PARTITION_TABLE` instead (a `text`
       * result) and hashes the 72 bytes.
       */
      readonly kind: 'mbr-partition-table';
      /** `UniqueMBRDiskSignature` (u32 little-endian), when the data includes it. */
      readonly diskSignature?: number;
      /** The used entries (partition type ≠ 0), in table order. */
      readonly partitions: readonly MbrPartition[];
    }
  | {
      /**
       * `TCG_DEVICE_SECURITY_EVENT_DATA` (version 1, `SPDM Device Sec`) or `…_DATA2` (version 2,
       * `SPDM Device Sec2`) of EV_EFI_SPDM_FIRMWARE_BLOB / _CONFIG (PFP 1.06 §10.4.4; DMTF
       * DSP0274): a device's firmware or configuration measurement obtained over SPDM. The header
       * always decodes; what follows it is in `undecoded` when it does not.
       */
      readonly kind: 'device-security';
      /** `Signature` up to its NUL: `SPDM Device Sec` or `SPDM Device Sec2`. */
      readonly signature: string;
      /** `Version` (u16 little-endian): 1 or 2. */
      readonly version: number;
      /** `Length` (u16 in version 1, u32 in version 2), as the producer wrote it (not checked). */
      readonly length: number;
      /** `DeviceType` (u32 little-endian): 0 none, 1 PCI, 2 USB. */
      readonly deviceType: number;
      /**
       * The SPDM hash algorithm (DSP0274 `BaseHashAlgo` bit: 0x01 SHA-256, 0x02 SHA-384, 0x04
       * SHA-512…): version 1 `SpdmHashAlgo`, version 2 the sub-header's `SpdmMeasurementHashAlgo`
       * or `SpdmHashAlgo`.
       */
      readonly spdmHashAlgo?: number;
      /**
       * Version 2 `AuthState` (u8): 0 success, 1 no authentication, 2 no binding, 3 failed (no
       * signature), 4 failed (invalid), 0xFF no SPDM.
       */
      readonly authState?: number;
      /** Version 2 `SubHeaderType` (u32): 0 SPDM measurement block, 1 SPDM certificate chain. */
      readonly subHeaderType?: number;
      /** Version 2 `SubHeaderUID` (u64): binds related events of one device. */
      readonly subHeaderUid?: bigint;
      /** Version 2 sub-header `SpdmVersion` (u16 little-endian, e.g. 0x11 for SPDM 1.1). */
      readonly spdmVersion?: number;
      /** Version 2 certificate-chain sub-header `SpdmSlotId` (u8). */
      readonly spdmSlotId?: number;
      /** The measurement blocks: one in version 1, `SpdmMeasurementBlockCount` in version 2. */
      readonly measurementBlocks?: readonly SpdmMeasurementBlock[];
      /** Version 2 certificate-chain sub-header: the `SPDM_CERT_CHAIN` bytes. */
      readonly certChain?: Uint8Array;
      /** `DevicePath` rendered as text (see {@link decodeDevicePath}). */
      readonly devicePath?: string;
      /** The PCI device context (`DeviceType` 1). */
      readonly pci?: SpdmPciContext;
      /**
       * The bytes after the header that did not decode (measurement block, device path, sub-header
       * or device context), where they start in the input, and why; absent when everything decoded.
       */
      readonly undecoded?: {
        /** Offset of `bytes` in the input. */
        readonly offset: number;
        /** The rest of the event data from the point where decoding stopped. */
        readonly bytes: Uint8Array;
        /** Why decoding stopped (not stable: an AttestError message). */
        readonly reason: string;
      };
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
  /**
   * Events that extend a register but carry no digest in a replayed bank: that bank's value of
   * the register does not account for them (a TCG_PCR_EVENT2 must carry a digest for every bank
   * the log declares; `verifyEventLog` fails such a register). Empty for a well-formed log.
   */
  readonly incomplete: readonly {
    /** The bank the events carry no digest in. */
    readonly bank: PcrBankName;
    /** The register they extend. */
    readonly register: number;
    /** Their indices in the log. */
    readonly events: readonly number[];
  }[];
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
  | {
      /**
       * Quoted PCR values by bank and index (TCG and IMA logs), e.g. the `pcrs` of a verified TPM
       * quote.
       */
      readonly pcrs: PcrBanks;
    }
  | {
      /**
       * RTMR0–3 of a verified TD quote, in order (exactly 4, of one size: 48 bytes for SHA-384); CC
       * logs only.
       */
      readonly rtmrs: readonly Uint8Array[];
    }
  | {
      /** REM0–3 of a verified CCA realm token, in order (exactly 4, of one size); CC logs only. */
      readonly rems: readonly Uint8Array[];
    };

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
  /** The bank this result is for; a register supplied in several banks has one result per bank. */
  readonly bank: PcrBankName;
  /**
   * Register number: the PCR index (TCG, IMA) or the RTMR/REM index 0–3 (CC: the log's MR index
   * minus 1).
   */
  readonly index: number;
  /**
   * `match`: the strict replay equals `expected`; `mismatch`: it does not and no allowed workaround
   * fixed it; `workaround`: it matched only under `workaround`; `not-quoted`: the log extends the
   * register but no value was supplied.
   */
  readonly status: 'match' | 'mismatch' | 'workaround' | 'not-quoted';
  /** The value the caller supplied (from the verified quote or token); absent for `not-quoted`. */
  readonly expected?: Uint8Array;
  /**
   * The strict replay (the register's initial value when no event extends it); for `workaround`
   * this is still the strict value, not the one that matched.
   */
  readonly replayed: Uint8Array;
  /** Indices of the events that extend this register. */
  readonly events: readonly number[];
  /** The workaround under which the register matched; present only with status `workaround`. */
  readonly workaround?: WorkaroundId;
}

/** Result of {@link verifyEventLog}. */
export interface EventLogVerification extends Verification<EventLogCheckId> {
  /** The log that was verified (the object the caller passed). */
  readonly log: EventLog;
  /** The strict replay. */
  readonly replayed: PcrBanks;
  /**
   * One result per register and bank, in ascending register order: compared with a supplied value,
   * or `not-quoted` when the log extends a register the caller did not supply.
   */
  readonly registers: readonly RegisterResult[];
  /** Workarounds that were applied (allowed and needed). */
  readonly appliedWorkarounds: readonly {
    /** The workaround that was applied. */
    readonly id: WorkaroundId;
    /** The register it made match (`pcr5`, `pcr0`, `pcr10`). */
    readonly register: string;
  }[];
  /**
   * Event indices whose register was compared and matched (strictly or with a workaround). IMA
   * violations are never listed: a violation extends all 0xFF whatever its listed file and
   * digest, so the register vouches for none of its content.
   */
  readonly verifiedEvents: readonly number[];
  /**
   * Indices of events whose type binds their data but whose digest, in a bank that was compared
   * (every computable bank when no value was supplied), is not the hash of that data (the
   * `eventlog.event-digests` warning). Their content is not what was measured: a summary given
   * this verification marks the facts they feed `bound: false`, even where the parse's one-bank
   * check (`digestCheck`) verified them.
   */
  readonly digestMismatchEvents: readonly number[];
  /**
   * Indices of events whose type does not bind their data (image loads, GRUB files, UKI sections,
   * MokList, firmware blobs…) but whose digest in the parse's bank is the hash of their data
   * (`digestCheck: 'verified'`) while their digest in a compared bank is not. The parse checks one
   * bank (SHA-256 when present); a log can carry H(forged data) there and the real measurement in
   * the bank the quote covers. An honest log never does: the same measured bytes give H(data) in
   * every bank or in none. Their content is not backed by the quoted registers, so a summary given
   * this verification marks the facts they feed `bound: false`; `eventlog.event-digests` warns
   * (fails in the Secure Boot policy window). Digest-bound types are in
   * {@link EventLogVerification.digestMismatchEvents} instead.
   */
  readonly unboundInComparedBanks: readonly number[];
  /**
   * Indices of events whose digest, in at least one compared bank, is the hash of their
   * `VariableData` only (rule `variable-data`, edk2's EV_EFI_VARIABLE_BOOT) — the weakest rule
   * that matched across the compared banks decides, whatever rule the parse's bank matched. Such a
   * digest binds the variable's value but not its name and GUID, so a summary given this
   * verification treats facts read by name (BootOrder, Boot####) from them as not bound.
   */
  readonly variableDataEvents: readonly number[];
  /**
   * The banks of the log that were compared with supplied values. Only their separator digests
   * end the Secure Boot policy window (a forger chooses the other banks'); `summarizeBoot` reads
   * the window from this list, so it sees the window this verification checked.
   */
  readonly comparedBanks: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Boot summary
// ---------------------------------------------------------------------------------------------

/**
 * One fact of the summary with the events it came from. `bound` is false when one of those events
 * has a digest that is not (or not verifiably) a hash of its data, or when part of the fact comes
 * from no event: its content is then only what the log (or the caller) claims.
 */
export interface BootFact<T> {
  /** The fact as the source events state it. */
  readonly value: T;
  /** Indices of the events (IMA: entries) the fact was read from. */
  readonly events: readonly number[];
  /**
   * True when the fact rests on at least one event and the digest of every source event was
   * checked against its data (TCG/CC: `digestCheck` is `verified`; IMA: the template hash equals
   * the hash of the template data in the list's template-hash algorithm) and, when a verification
   * was given to {@link summarizeBoot}, no source event is in its `digestMismatchEvents` or
   * `unboundInComparedBanks`. False when a source event does not bind its data (an Authenticode or
   * file digest, a mismatch, an EV_NO_ACTION event, which is never extended), when its digest in a
   * bank the verification compared is not the hash of its data, whatever its type (the parse's
   * `digestCheck` looks at one bank, SHA-256 when present, so without a verification a log whose
   * other banks carry different measurements can still show `bound: true`), when a fact read by
   * variable name rests on a digest of the VariableData alone (`digestRule: 'variable-data'`; given
   * a verification, `variableDataEvents`: the weakest rule across the compared banks), when other
   * events of the producer's registers state another value ({@link BootFact.conflicts}), or when
   * part of the fact rests on no event at all (a platform hint from the caller's CCEL table): the
   * value is then only the log's (or the caller's) word, even after a matching replay.
   */
  readonly bound: boolean;
  /**
   * Present when a verification was given to {@link summarizeBoot}: true when the fact rests on at
   * least one event, no part of it rests on no event, and every source event extends a register
   * whose quoted value matched the replay. For `secureBoot` and `databases` also false when the
   * verification's `eventlog.separators`, `eventlog.digest-binding` or `eventlog.event-digests`
   * check failed naming an event of the Secure Boot policy window (its ending event included) or
   * a mode variable the fact read: the window the summary reads is then disputed.
   */
  readonly verified?: boolean;
  /**
   * Present when several events in the registers the fact's producer measures into state
   * different values for it (two `linux` commands, two kernel command lines, two BootOrder
   * variables…): the indices of the events that were not used. The fact keeps the first (later
   * extends of the same register may come from code that ran after the producer, and the quote
   * attests the order within a register) and is `bound: false`: the log does not say which value
   * the boot used. For the loader facts (`bootloader`, `kernel`, `initrd`, `kernelCommandLine`,
   * `uki`) it also lists events of their registers that may be loader strings the summary cannot
   * read (an unexpected type, data that does not decode, a digest contradicting its data): no
   * digest covers an event's type, so such an event could hide another value.
   */
  readonly conflicts?: readonly number[];
}

/** A certificate from a signature database or an authority event. */
export interface BootCertificate {
  /**
   * Subject distinguished name as RFC 4514 text (`CN=…,O=…`); absent when the DER does not parse.
   */
  readonly subject?: string;
  /** Issuer distinguished name as RFC 4514 text; absent when the DER does not parse. */
  readonly issuer?: string;
  /** `serialNumber` as hex; absent when the DER does not parse. */
  readonly serialHex?: string;
  /**
   * End of the validity period (`notAfter`) as an ISO 8601 UTC string; absent when the DER does not
   * parse.
   */
  readonly notAfter?: string;
  /** SHA-256 of the DER, hex. */
  readonly sha256: string;
  /** Why the DER did not parse, when it did not (the raw bytes are still in the event). */
  readonly parseError?: string;
}

/** Contents of PK, KEK, db, dbx, MokList… */
export interface SignatureDatabaseSummary {
  /** The X.509 entries (EFI_CERT_X509_GUID lists), described, in variable order. */
  readonly certificates: readonly BootCertificate[];
  /**
   * Number of SHA-256 entries (EFI_CERT_SHA256_GUID lists: image hashes, e.g. revoked ones in dbx).
   */
  readonly sha256Count: number;
  /**
   * Number of entries of every other signature type (RSA-2048, SHA-1, X509_SHA256…), counted but
   * not described.
   */
  readonly otherCount: number;
}

/** One EFI application or driver load. */
export interface BootImage {
  /**
   * The PCR (TCG) or MR index (CC) the load was measured into (usually PCR 4 for applications, 2
   * for drivers).
   */
  readonly pcrIndex: number;
  /**
   * The event type name: `EV_EFI_BOOT_SERVICES_APPLICATION`, `EV_EFI_BOOT_SERVICES_DRIVER` or
   * `EV_EFI_RUNTIME_SERVICES_DRIVER`.
   */
  readonly type: string;
  /**
   * The image's device path from UEFI_IMAGE_LOAD_EVENT as text (`…/File(\EFI\BOOT\BOOTX64.EFI)`);
   * empty when the event data did not decode.
   */
  readonly devicePath: string;
  /** Authenticode digests by bank, hex. */
  readonly digests: Partial<Record<PcrBankName, string>>;
  /**
   * The authorities measured for this load: the EV_EFI_VARIABLE_AUTHORITY events of PCR 7 (CC:
   * MR 1) logged after the previous image load (application or driver) and before this one, in
   * log order, as one fact naming those events. The PFP has firmware measure an authority when it
   * first verifies an image with it, before that image's load event, and never again, so the field
   * is **absent** whenever no new authority was measured: the image was verified by an authority
   * already measured for an earlier image, or not verified by one at all (Secure Boot off, or an
   * image from a firmware volume); the log does not say which. shim's `SbatLevel` and
   * `MokListTrusted` events record shim's state, not an authority, and are never attached.
   * Attribution follows the log order only: some shim versions measure an image before the
   * authority that verified it (`rhel8-uefi.bin`, `debian-10.bin`: grub, then the `Shim`
   * authority), so that authority appears on the next image loaded, or on none when no image
   * follows; authorities after the last load are only in {@link BootSummary.authorities}.
   * The fact is always `bound: false`: the order of events in different registers (PCR 7 against
   * PCR 2 or 4) is covered by no register, so a log can move an authority event next to another
   * image and still replay. `verified` says only that its authority events extend a register that
   * matched; each authority itself, bound or not, is in {@link BootSummary.authorities}.
   */
  readonly authorities?: BootFact<readonly BootAuthority[]>;
}

/** One EV_EFI_VARIABLE_AUTHORITY event, decoded. */
export interface BootAuthority {
  /**
   * UnicodeName of the authority event (`db`, `Shim`, `SbatLevel`, `MokListTrusted`,
   * `vendor_db`…).
   */
  readonly variable: string;
  /**
   * The authorising certificate, when the value is one (an X.509 EFI_SIGNATURE_DATA or a bare
   * DER).
   */
  readonly certificate?: BootCertificate;
  /** The authorising SHA-256 image hash (hex), when the entry is a hash. */
  readonly sha256?: string;
  /** A text or one-byte value, as text (shim's SbatLevel policy, MokListTrusted). */
  readonly text?: string;
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
  /** Which log was summarised: `tcg` (PCR indices) or `cc` (MR indices). */
  readonly logKind: 'tcg' | 'cc';
  /**
   * Secure Boot state from EV_EFI_VARIABLE_DRIVER_CONFIG events (PFP 1.06 §3.3.4.8): SecureBoot,
   * SetupMode and PK in PCR 7's policy window (CC: MR 1's), which ends at the register's first
   * event of any type carrying a separator's digest (`H(00000000)` or `H(FFFFFFFF)`; given a
   * verification, in a compared bank) — an EV_SEPARATOR whose digest is not one ends nothing;
   * AuditMode and DeployedMode there too, or else in PCR 1 (CC: MR 1) before the first boot
   * application, where the PFP puts them when DeployedMode is 1. One read from PCR 1 after PCR 1's
   * own separator (as in real Dell firmware), or from a PCR 1 without one, still sets the mode,
   * but the fact is then
   * `bound: false`: any later code can extend PCR 1, and the place before the first boot
   * application is an order across registers that no quote attests. Variables logged anywhere
   * else are ignored. Absent when SecureBoot is not logged in that window.
   */
  readonly secureBoot?: BootFact<{
    /**
     * SecureBoot is 1 (`true`) or 0 (`false`); `undefined` when the logged variable is empty (it
     * did not exist).
     */
    readonly enabled: boolean | undefined;
    /**
     * Tested in this order (UEFI 2.10 §32.3): `audit` (AuditMode 1); `setup` (SetupMode 1, or the
     * PK measured in the policy window is empty — no PK enrolled — while SecureBoot is 0 or empty
     * and SetupMode is not logged as 0); `deployed` (SecureBoot and DeployedMode 1); `enabled`
     * (SecureBoot 1); `disabled` (SecureBoot 0); `unknown` (SecureBoot empty and nothing above
     * applies).
     */
    readonly mode: 'enabled' | 'disabled' | 'setup' | 'audit' | 'deployed' | 'unknown';
    /** SetupMode byte (1 = no PK enrolled), when logged. */
    readonly setupMode?: number;
    /** AuditMode byte, when logged. */
    readonly auditMode?: number;
    /** DeployedMode byte, when logged. */
    readonly deployedMode?: number;
    /** The index of the event each value was read from. */
    readonly sources: {
      /** The SecureBoot event. */
      readonly secureBoot: number;
      /** The SetupMode event, when logged. */
      readonly setupMode?: number;
      /** The AuditMode event, when logged. */
      readonly auditMode?: number;
      /** The DeployedMode event, when logged. */
      readonly deployedMode?: number;
      /** The PK event, when its being empty made the mode `setup`. */
      readonly pk?: number;
    };
  }>;
  /**
   * Signature databases measured in PCR 7's policy window (CC: MR 1's; see
   * {@link BootSummary.secureBoot}) as EV_EFI_VARIABLE_DRIVER_CONFIG, by variable name (`PK`,
   * `KEK`, `db`, `dbx`…); an empty variable gives empty counts.
   */
  readonly databases: Readonly<Record<string, BootFact<SignatureDatabaseSummary>>>;
  /**
   * Every EV_EFI_VARIABLE_AUTHORITY event of the log, in log order: the authorities firmware and
   * shim measured when they verified images, and shim's own state logged under the same type
   * (`SbatLevel`, `MokListTrusted`). Which image each authority verified is on
   * {@link BootImage.authorities}.
   */
  readonly authorities: readonly BootFact<BootAuthority>[];
  /**
   * Every EV_EFI_BOOT_SERVICES_APPLICATION (shim, boot loaders, UKIs, EFI-stub kernels), in log
   * order.
   */
  readonly efiApplications: readonly BootFact<BootImage>[];
  /** Every EV_EFI_BOOT_SERVICES_DRIVER and EV_EFI_RUNTIME_SERVICES_DRIVER, in log order. */
  readonly efiDrivers: readonly BootFact<BootImage>[];
  /**
   * shim and MOK state: MokList / MokListX measured (EV_IPL), MokListTrusted, SbatLevel and shim's
   * vendor certificate (`Shim` authority); absent when the log shows no shim.
   */
  readonly shim?: BootFact<{
    /** True when shim measured `MokList` (EV_IPL, PCR 14). */
    readonly mokListMeasured: boolean;
    /** True when shim measured `MokListX` (the MOK deny list). */
    readonly mokListXMeasured: boolean;
    /** The MokListTrusted byte from its authority event, when logged. */
    readonly mokListTrusted?: number;
    /** The SbatLevel policy text from its authority event, when logged. */
    readonly sbatLevel?: string;
    /** shim's built-in vendor certificate (the `Shim` authority event), when logged. */
    readonly vendorCertificate?: BootCertificate;
  }>;
  /**
   * The OS loader: `grub` with its commands (PCR 8) and files (PCR 9), or `systemd-boot` (with
   * empty lists); absent when neither is recognised. Like every loader fact, read only from the
   * registers the loader measures into: GRUB PCR 8/9, systemd-stub's tags PCR 9, systemd-boot's
   * command line PCR 12 (8 before v251), shim's MOK lists PCR 14, applications PCR 4; CC logs: MR 3
   * for the loader strings, MR 2 for applications. No fact is read from PCR 16 or 23
   * (resettable), PCR 24 and up, or a CC log's MR 0 or MR 5 and up.
   */
  readonly bootloader?: BootFact<{
    /** `grub` or `systemd-boot`, as recognised from the events. */
    readonly kind: 'grub' | 'systemd-boot';
    /** GRUB commands (`grub_cmd` events, prefix stripped) in log order; empty for systemd-boot. */
    readonly commands: readonly string[];
    /** Files GRUB read and measured (PCR 9 paths) in log order; empty for systemd-boot. */
    readonly files: readonly string[];
  }>;
  /**
   * The kernel: the file GRUB's first `linux` command (PCR 8) loaded — the fact cites the command,
   * which names the path, and the PCR 9 file event of that path (old Red Hat GRUB: the one labelled
   * `grub_linuxefi Kernel`), which carries the digests — else the first boot application (PCR 4;
   * CC: MR 2) whose path looks like a kernel; absent when none is found, including when no file
   * event has the path the command names. Another `linux` path, or another file of the same path
   * with other digests, is a conflict ({@link BootFact.conflicts}).
   */
  readonly kernel?: BootFact<{
    /** The kernel's path (GRUB `linux` argument, or the image's device path). */
    readonly path?: string;
    /**
     * The source event's digests by bank, hex: a hash of the file (GRUB) or the image's
     * Authenticode hash.
     */
    readonly digests: Partial<Record<PcrBankName, string>>;
  }>;
  /**
   * The initrd: the file GRUB's first `initrd` command loaded (command and file event cited, as
   * for {@link BootSummary.kernel}), else systemd-stub's first `Linux initrd` EV_EVENT_TAG (PCR 9;
   * CC: MR 3; digests only); absent when none is found.
   */
  readonly initrd?: BootFact<{
    /** The initrd's path (GRUB `initrd` argument or file); absent for systemd-stub's tag. */
    readonly path?: string;
    /** The source event's digests by bank, hex (a hash of the initrd). */
    readonly digests: Partial<Record<PcrBankName, string>>;
  }>;
  /**
   * The kernel command line: the first GRUB `kernel_cmdline` event (PCR 8; CC: MR 3) or
   * systemd-boot's UTF-16 EV_IPL (PCR 12, or 8 before v251); absent when neither is logged.
   * Another command line with other text is a conflict ({@link BootFact.conflicts}). A GRUB one is
   * bound only when it follows the last `linux` command of its register and starts with that
   * command's kernel (the prefix `kernel_cmdline: ` is not hashed).
   */
  readonly kernelCommandLine?: BootFact<string>;
  /**
   * UKI / systemd-stub measurements in PCRs 11–13 (TCG logs without Windows events); absent when
   * those PCRs are not extended.
   */
  readonly uki?: BootFact<UkiSummary>;
  /**
   * The S-CRTM version from the first EV_S_CRTM_VERSION: its UCS-2 text, a GUID, or the data in
   * hex.
   */
  readonly firmwareVersion?: BootFact<string>;
  /**
   * Every event whose data decodes as a UEFI_PLATFORM_FIRMWARE_BLOB(2) (firmware volumes and POST
   * code blobs): description, base address and length.
   */
  readonly firmwareBlobs: readonly BootFact<{
    /** `BlobDescription` (BLOB2 only). */
    readonly description?: string;
    /** `BlobBase`: physical address of the blob. */
    readonly base: bigint;
    /** `BlobLength`: size of the blob in bytes. */
    readonly length: bigint;
  }>[];
  /**
   * Platform hints (`Google Compute Engine`, `QEMU/OVMF`, `confidential VM: AMD SEV-SNP`,
   * `Intel TDX (CCEL table)`…) guessed from firmware strings, SP800-155 and GCE NonHostInfo events,
   * the CC log's header and the caller's CCEL table; absent when nothing matched. Not `bound` when
   * any hint comes from the table or the header (see {@link PlatformSummary.sources}).
   */
  readonly platform?: BootFact<PlatformSummary>;
  /** `true` when the log has a `DMA Protection Disabled` EV_EFI_ACTION; absent otherwise. */
  readonly dmaProtectionDisabled?: BootFact<boolean>;
  /**
   * `true` when the log has a `UEFI Debug Mode` EV_EFI_ACTION (firmware in debug mode); absent
   * otherwise.
   */
  readonly debugMode?: BootFact<boolean>;
  /**
   * ExitBootServices() outcome from the EV_EFI_ACTION strings: `success`, `failure-then-success` (a
   * retry), `failure`, or `invoked` (no result logged); absent when none is logged.
   */
  readonly exitBootServices?: BootFact<'success' | 'failure-then-success' | 'failure' | 'invoked'>;
  /**
   * BootOrder: the boot option numbers in order (`[1, 0]` = Boot0001, then Boot0000) from the first
   * BootOrder event of PCR 1 (CC: MR 1, or MR 2 where the Alibaba Cloud TDVF puts boot
   * variables); another BootOrder value there is a conflict; absent when not logged there.
   */
  readonly bootOrder?: BootFact<readonly number[]>;
  /**
   * Every Boot####, Driver#### or SysPrep#### EFI_LOAD_OPTION logged in PCR 1 (CC: MR 1 or 2):
   * variable name, description and device path, in log order; a variable logged again with
   * another value is listed once, at its first event, with the others as conflicts.
   */
  readonly bootOptions: readonly BootFact<{
    /** Variable name (`Boot0001`). */
    readonly variable: string;
    /** The option's `Description` (boot-menu label). */
    readonly description: string;
    /** The option's device path as text. */
    readonly devicePath: string;
  }>[];
  /**
   * Every EV_SEPARATOR with its PCR (CC: MR index) and whether it signals an error (`FFFFFFFF`, or
   * data that is not 4 bytes).
   */
  readonly separators: readonly BootFact<{
    /** PCR (TCG) or MR index (CC) of the separator. */
    readonly pcrIndex: number;
    /** True when the separator signals an error (`FFFFFFFF`) or its data is not 4 bytes. */
    readonly error: boolean;
  }>[];
}

/** Platform hints of a {@link BootSummary}, each with where it came from. */
export interface PlatformSummary {
  /** The hints, each once, in the order found. */
  readonly hints: readonly string[];
  /** One entry per hint, in the order of {@link PlatformSummary.hints}. */
  readonly sources: readonly {
    /** The hint. */
    readonly hint: string;
    /**
     * `events`: read from the data of the listed events; `log-header`: guessed from the CC log's
     * Spec ID header (event 0, never extended, so not measured); `ccel-table`: read from the ACPI
     * CCEL table the caller gave `parseCcEventLog`, which is not part of the log and is measured
     * evidence only if the caller measured it.
     */
    readonly source: 'events' | 'log-header' | 'ccel-table';
    /** Indices of the events the hint was read from; empty for `ccel-table`. */
    readonly events: readonly number[];
  }[];
}

/** IMA summary: what was measured. */
export interface ImaSummary {
  /** Always `ima`: tells an IMA summary from a {@link BootSummary}. */
  readonly logKind: 'ima';
  /** Number of entries in the list, violations and `boot_aggregate` included. */
  readonly entries: number;
  /** Number of entries per template name (`ima-ng`, `ima-sig`…). */
  readonly templates: Readonly<Record<string, number>>;
  /** Indices of violation entries (all-zero template hash: ToMToU or open-writers). */
  readonly violations: readonly number[];
  /**
   * The `boot_aggregate` entry: its file digest (a hash over PCRs 0–7, or 0–9, read at IMA init)
   * and algorithm, which ties the list to the boot log. Read from entry 0 only, where the kernel
   * puts it (in its IMA PCR, when IMA starts); absent when entry 0 is not a `boot_aggregate` (or
   * is a violation). Other entries named `boot_aggregate` (any PCR) that state another value are
   * its `conflicts` and make it `bound: false`. `bound`: the template hash of entry 0 is the hash
   * of its template data; `verified` (given a verification): entry 0 extends a register whose
   * quoted value matched.
   */
  readonly bootAggregate?: BootFact<{
    /** Algorithm of the digest (`sha256`…; `sha1` for the legacy `ima` template). */
    readonly algorithm: string;
    /** The boot_aggregate value, hex. */
    readonly digest: string;
  }>;
  /**
   * One row per entry except the one read as {@link ImaSummary.bootAggregate}: entry index, path
   * (empty when the template has none), file digest in hex with its algorithm, whether the entry
   * carries a signature, and whether the row is bound and verified. Violations and entries on
   * registers no quote covered are listed too: only a row with `bound` and `verified` both true is
   * what the quoted registers vouch for.
   */
  readonly files: readonly {
    /** Index of the entry in the list. */
    readonly index: number;
    /** File path or buffer name (`n-ng`); empty when the template has none. */
    readonly path: string;
    /** Algorithm of `digest` (`sha256`…); absent when the template has no digest field. */
    readonly digestAlgorithm?: string;
    /** File-data digest, hex; absent when the template has no digest field. */
    readonly digest?: string;
    /**
     * True when the entry's `sig` field holds an IMA signature: it starts with a digital-signature
     * header (type 3, 5 or 6; version 2 or 3). The template name is not covered by the template
     * hash, so an `ima-buf` entry relabelled `ima-sig` would otherwise count its buffer (a command
     * line, a key) as a signature. Whether the signature verifies is not checked here.
     */
    readonly signed: boolean;
    /**
     * True when the entry's template hash is the hash of its template data in the list's
     * template-hash algorithm and attestkit read the template's fields, so the path and digest
     * shown are what the kernel hashed (and, given a verification, no compared bank disputes it).
     * False for a violation (its template data is covered by no hash: it extends all 0xFF, so its
     * path and digest are free text), a template attestkit does not read, a mismatching template
     * hash, or a list whose template hashes attestkit does not compute (`sm3_256`).
     */
    readonly bound: boolean;
    /**
     * Present when a verification was given to `summarizeBoot`: true when the entry extends a
     * register whose quoted value matched the replay (it is in `verifiedEvents`). Never true for
     * a violation; false for an entry on a PCR the caller did not supply.
     */
    readonly verified?: boolean;
  }[];
  /** Entries whose `sig` field holds an IMA signature (see `files[].signed`). */
  readonly signedCount: number;
  /**
   * Entries whose template has a `sig` field that holds none (empty, or not a signature header);
   * entries of templates without `sig` are in neither count.
   */
  readonly unsignedCount: number;
}
