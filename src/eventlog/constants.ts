/**
 * @module
 * Numbers and names of the TCG PC Client event log: event types (TCG PC Client Platform Firmware
 * Profile 1.06, table 9 "Events"), TPM algorithm ids (TCG Algorithm Registry 1.34), the EFI GUIDs
 * that appear in UEFI event data (UEFI 2.10 §3.3, §32.4), the systemd/GRUB EV_EVENT_TAG ids, and
 * the Windows SIPA record types (Windows `wbcl.h`). Pure data; no logic beyond lookups.
 */
import { frozen } from '../core/share.js';

/** Event types (PFP 1.06 §10.4.1, table 9). */
const EV_TABLE = {
  /**
   * `EV_PREBOOT_CERT` (0x00000000): reserved by the PFP (a legacy-BIOS type for pre-boot
   * certificates); UEFI firmware does not log it. attestkit decodes data made of DER certificates
   * back to back (`preboot-cert`).
   */
  PREBOOT_CERT: 0x00000000,
  /**
   * `EV_POST_CODE` (0x00000001): POST code, embedded SMM code, ACPI flash data or an embedded
   * option ROM, measured into PCR 0; the digest covers the code itself, the data is a label
   * (`ACPI DATA`) or a 16-byte UEFI_PLATFORM_FIRMWARE_BLOB.
   */
  POST_CODE: 0x00000001,
  /** `EV_UNUSED` (0x00000002): reserved; never logged. */
  UNUSED: 0x00000002,
  /**
   * `EV_NO_ACTION` (0x00000003): informational, never extended into a register, digests all zero;
   * carries the Spec ID header, StartupLocality and SP800-155 events.
   */
  NO_ACTION: 0x00000003,
  /**
   * `EV_SEPARATOR` (0x00000004): the pre-OS / OS boundary in PCRs 0–7 (Windows also 12–14); data
   * `00000000`, or `FFFFFFFF` on an error; digest = H(data).
   */
  SEPARATOR: 0x00000004,
  /**
   * `EV_ACTION` (0x00000005): an ASCII action string (no NUL) measured by legacy-BIOS code, e.g.
   * `Calling INT 19h`; digest = H(string).
   */
  ACTION: 0x00000005,
  /**
   * `EV_EVENT_TAG` (0x00000006): a `TCG_PCClientTaggedEvent` (u32 taggedEventID, u32 size, data):
   * systemd-stub / GRUB tags in PCR 9, Windows SIPA records in PCRs 12–14.
   */
  EVENT_TAG: 0x00000006,
  /**
   * `EV_S_CRTM_CONTENTS` (0x00000007): the static CRTM's own code, measured into PCR 0; the digest
   * covers the code, not the event data.
   */
  S_CRTM_CONTENTS: 0x00000007,
  /**
   * `EV_S_CRTM_VERSION` (0x00000008): version of the static CRTM in PCR 0, as a UCS-2 string
   * (usually NUL-terminated) or a 16-byte GUID; some firmware writes ASCII instead.
   */
  S_CRTM_VERSION: 0x00000008,
  /**
   * `EV_CPU_MICROCODE` (0x00000009): a CPU microcode update applied by the firmware, measured into
   * PCR 1; the digest covers the update.
   */
  CPU_MICROCODE: 0x00000009,
  /**
   * `EV_PLATFORM_CONFIG_FLAGS` (0x0000000A): platform configuration data in PCR 1; OVMF/TDVF log
   * ACPI tables with it under the label `ACPI DATA` (digest of the tables).
   */
  PLATFORM_CONFIG_FLAGS: 0x0000000a,
  /**
   * `EV_TABLE_OF_DEVICES` (0x0000000B): a table of the platform's devices, measured into PCR 1; the
   * digest covers the table.
   */
  TABLE_OF_DEVICES: 0x0000000b,
  /**
   * `EV_COMPACT_HASH` (0x0000000C): an implementation-defined measurement with a short data field
   * (PCRs 4, 5, 7; Windows); the digest usually is not H(event data).
   */
  COMPACT_HASH: 0x0000000c,
  /**
   * `EV_IPL` (0x0000000D): Initial Program Loader measurements, reused by OS loaders: GRUB commands
   * (PCR 8) and files (PCR 9), shim MOK lists (PCR 14), systemd-boot command line (PCR 12).
   */
  IPL: 0x0000000d,
  /**
   * `EV_IPL_PARTITION_DATA` (0x0000000E): the MBR partition table read by a legacy-BIOS IPL, in PCR
   * 5 (SeaBIOS: data `MBR PARTITION_TABLE`, digest of the 72 bytes after the boot code); UEFI
   * firmware logs EV_EFI_GPT_EVENT instead.
   */
  IPL_PARTITION_DATA: 0x0000000e,
  /**
   * `EV_NONHOST_CODE` (0x0000000F): code of a non-host component (management engine, BMC, security
   * processor), measured into PCR 0; the digest covers that code.
   */
  NONHOST_CODE: 0x0000000f,
  /**
   * `EV_NONHOST_CONFIG` (0x00000010): configuration of a non-host component (management engine,
   * BMC, security processor).
   */
  NONHOST_CONFIG: 0x00000010,
  /**
   * `EV_NONHOST_INFO` (0x00000011): information about a non-host component in PCR 0, e.g. GCE's
   * `GCE NonHostInfo` with its confidential-technology byte, or Intel CSME data; digest = H(data).
   */
  NONHOST_INFO: 0x00000011,
  /**
   * `EV_OMIT_BOOT_DEVICE_EVENTS` (0x00000012): PCR 4 notice that the platform does not measure boot
   * attempts; data `BOOT ATTEMPTS OMITTED`.
   */
  OMIT_BOOT_DEVICE_EVENTS: 0x00000012,
  /**
   * `EV_POST_CODE2` (0x00000013): as EV_POST_CODE, with a UEFI_PLATFORM_FIRMWARE_BLOB2
   * (description, base, length) as data.
   */
  POST_CODE2: 0x00000013,
  /**
   * `EV_EFI_EVENT_BASE` (0x80000000): start of the UEFI event-type range; not an event type itself.
   */
  EFI_EVENT_BASE: 0x80000000,
  /**
   * `EV_EFI_VARIABLE_DRIVER_CONFIG` (0x80000001): a UEFI variable that configures the firmware —
   * the Secure Boot policy in PCR 7 (SecureBoot, PK, KEK, db, dbx), others in PCR 1; data
   * UEFI_VARIABLE_DATA, digest = H(whole data).
   */
  EFI_VARIABLE_DRIVER_CONFIG: 0x80000001,
  /**
   * `EV_EFI_VARIABLE_BOOT` (0x80000002): a boot variable (BootOrder, Boot####) in PCR 1; data
   * UEFI_VARIABLE_DATA; edk2-based firmware hashes only its VariableData.
   */
  EFI_VARIABLE_BOOT: 0x80000002,
  /**
   * `EV_EFI_BOOT_SERVICES_APPLICATION` (0x80000003): a UEFI application loaded (shim, boot loader,
   * UKI), usually in PCR 4; data UEFI_IMAGE_LOAD_EVENT, digest = the image's PE/COFF Authenticode
   * hash.
   */
  EFI_BOOT_SERVICES_APPLICATION: 0x80000003,
  /**
   * `EV_EFI_BOOT_SERVICES_DRIVER` (0x80000004): a boot-services driver loaded (e.g. from an option
   * ROM), in PCR 2; data UEFI_IMAGE_LOAD_EVENT, digest = Authenticode hash.
   */
  EFI_BOOT_SERVICES_DRIVER: 0x80000004,
  /**
   * `EV_EFI_RUNTIME_SERVICES_DRIVER` (0x80000005): a runtime-services driver loaded, in PCR 2; data
   * UEFI_IMAGE_LOAD_EVENT, digest = Authenticode hash.
   */
  EFI_RUNTIME_SERVICES_DRIVER: 0x80000005,
  /**
   * `EV_EFI_GPT_EVENT` (0x80000006): the GPT of the boot disk, in PCR 5; data UEFI_GPT_DATA (header
   * and used entries), digest = H(data).
   */
  EFI_GPT_EVENT: 0x80000006,
  /**
   * `EV_EFI_ACTION` (0x80000007): an ASCII action string without NUL in PCRs 4, 5 or 7 (the strings
   * are in {@link EFI_ACTION}); digest = H(string).
   */
  EFI_ACTION: 0x80000007,
  /**
   * `EV_EFI_PLATFORM_FIRMWARE_BLOB` (0x80000008): a firmware volume measured in memory (PCR 0 or
   * 2); data UEFI_PLATFORM_FIRMWARE_BLOB (u64 base, u64 length), digest of the blob.
   */
  EFI_PLATFORM_FIRMWARE_BLOB: 0x80000008,
  /**
   * `EV_EFI_HANDOFF_TABLES` (0x80000009): configuration tables handed to the OS (SMBIOS, ACPI), in
   * PCR 1; data UEFI_HANDOFF_TABLE_POINTERS, digest of the tables.
   */
  EFI_HANDOFF_TABLES: 0x80000009,
  /**
   * `EV_EFI_PLATFORM_FIRMWARE_BLOB2` (0x8000000A): as EV_EFI_PLATFORM_FIRMWARE_BLOB with a
   * description; data UEFI_PLATFORM_FIRMWARE_BLOB2.
   */
  EFI_PLATFORM_FIRMWARE_BLOB2: 0x8000000a,
  /**
   * `EV_EFI_HANDOFF_TABLES2` (0x8000000B): as EV_EFI_HANDOFF_TABLES with a description (TDVF:
   * `TdxTable`); data UEFI_HANDOFF_TABLE_POINTERS2.
   */
  EFI_HANDOFF_TABLES2: 0x8000000b,
  /**
   * `EV_EFI_VARIABLE_BOOT2` (0x8000000C): a boot variable in PCR 1 whose digest is H(whole
   * UEFI_VARIABLE_DATA), unlike EV_EFI_VARIABLE_BOOT.
   */
  EFI_VARIABLE_BOOT2: 0x8000000c,
  /**
   * `EV_EFI_GPT_EVENT2` (0x8000000D): as EV_EFI_GPT_EVENT, with DiskGUID and every
   * UniquePartitionGUID zeroed by the firmware before hashing.
   */
  EFI_GPT_EVENT2: 0x8000000d,
  /**
   * `EV_EFI_HCRTM_EVENT` (0x80000010): the H-CRTM measurement in PCR 0 (data `HCRTM`); its presence
   * means PCR 0 was reset to 00…04 at locality 4 before the first extend.
   */
  EFI_HCRTM_EVENT: 0x80000010,
  /**
   * `EV_EFI_VARIABLE_AUTHORITY` (0x800000E0): the db entry (or shim authority) that verified a
   * loaded image, in PCR 7, once per distinct authority; data UEFI_VARIABLE_DATA holding one
   * EFI_SIGNATURE_DATA.
   */
  EFI_VARIABLE_AUTHORITY: 0x800000e0,
  /**
   * `EV_EFI_SPDM_FIRMWARE_BLOB` (0x800000E1): a device's firmware measurement obtained over SPDM,
   * in PCR 2; data TCG_DEVICE_SECURITY_EVENT_DATA(2) (`device-security`).
   */
  EFI_SPDM_FIRMWARE_BLOB: 0x800000e1,
  /**
   * `EV_EFI_SPDM_FIRMWARE_CONFIG` (0x800000E2): a device's configuration measurement obtained over
   * SPDM, in PCR 3; data TCG_DEVICE_SECURITY_EVENT_DATA(2) (`device-security`).
   */
  EFI_SPDM_FIRMWARE_CONFIG: 0x800000e2,
  /**
   * `EV_EFI_SPDM_DEVICE_POLICY` (0x800000E3): the SPDM device security policy variable, in PCR 7;
   * data UEFI_VARIABLE_DATA.
   */
  EFI_SPDM_DEVICE_POLICY: 0x800000e3,
  /**
   * `EV_EFI_SPDM_DEVICE_AUTHORITY` (0x800000E4): the device-policy entry that authorised an SPDM
   * device, in PCR 7; data UEFI_VARIABLE_DATA.
   */
  EFI_SPDM_DEVICE_AUTHORITY: 0x800000e4,
} as const;
/** Event types (PFP 1.06 §10.4.1, table 9), by name; frozen. */
export const EV: typeof EV_TABLE = /* @__PURE__ */ frozen(EV_TABLE);

const EVENT_TYPE_NAMES: ReadonlyMap<number, string> = /* @__PURE__ */ new Map(
  Object.entries(EV).map(([k, v]) => [v, `EV_${k}`] as const),
);

/**
 * The PFP name of an event type (`EV_EFI_ACTION`), or `EV_UNKNOWN_0x…` for values the spec does
 * not define.
 *
 * @param type - the event type field.
 * @returns the name.
 * @example
 * ```ts
 * eventTypeName(0x80000007); // 'EV_EFI_ACTION'
 * ```
 */
export function eventTypeName(type: number): string {
  return EVENT_TYPE_NAMES.get(type) ?? `EV_UNKNOWN_0x${type.toString(16).padStart(8, '0')}`;
}

/** TPM_ALG_ID values of hash algorithms (TCG Algorithm Registry) and their output sizes. */
export const TPM_ALG: Readonly<
  Record<
    number,
    {
      /** attestkit's short name of the algorithm (`sha256`, `sm3_256`, `sha3_384`…). */
      readonly name: string;
      /** Digest size in bytes (20, 32, 48 or 64). */
      readonly size: number;
    }
  >
> = /* @__PURE__ */ frozen({
  0x0004: { name: 'sha1', size: 20 },
  0x000b: { name: 'sha256', size: 32 },
  0x000c: { name: 'sha384', size: 48 },
  0x000d: { name: 'sha512', size: 64 },
  0x0012: { name: 'sm3_256', size: 32 },
  0x0027: { name: 'sha3_256', size: 32 },
  0x0028: { name: 'sha3_384', size: 48 },
  0x0029: { name: 'sha3_512', size: 64 },
});

/** Signature of the crypto-agile header event (`TCG_EfiSpecIdEvent`, PFP §10.4.5.1). */
export const SPEC_ID_EVENT03 = 'Spec ID Event03';
/** Signature of the StartupLocality EV_NO_ACTION event (PFP §10.4.5.3). */
export const STARTUP_LOCALITY_SIGNATURE = 'StartupLocality';
/** Signature of the NIST SP 800-155 reference-manifest EV_NO_ACTION event (PFP §10.4.5.2). */
export const SP800_155_SIGNATURE = 'SP800-155 Event3';

/** Tagged-event ids used by systemd-stub and GRUB in EV_EVENT_TAG (PCR 9/12). */
export const LINUX_EVENT_TAG = {
  /** `LOADED_IMAGE::LoadOptions`: the kernel command line given to the stub. */
  LOAD_OPTIONS: 0x8f3b22ed,
  /** `Linux initrd`. */
  INITRD: 0x8f3b22ec,
} as const;

/** Well-known EFI GUIDs seen in event data, lower-case canonical text → short name. */
export const EFI_GUID_NAMES: Readonly<Record<string, string>> = /* @__PURE__ */ frozen({
  '8be4df61-93ca-11d2-aa0d-00e098032b8c': 'EFI_GLOBAL_VARIABLE',
  'd719b2cb-3d3a-4596-a3bc-dad00e67656f': 'EFI_IMAGE_SECURITY_DATABASE',
  '605dab50-e046-4300-abb6-3dd810dd8b23': 'SHIM_LOCK',
  'a5c059a1-94e4-4aa7-87b5-ab155c2bf072': 'EFI_CERT_X509',
  'c1c41626-504c-4092-aca9-41f936934328': 'EFI_CERT_SHA256',
  '3c5766e8-269c-4e34-aa14-ed776e85b3b6': 'EFI_CERT_RSA2048',
  'e2b36190-879b-4a3d-ad8d-f2e7bba32784': 'EFI_CERT_RSA2048_SHA256',
  '826ca512-cf10-4ac9-b187-be01496631bd': 'EFI_CERT_SHA1',
  '0b6e5233-a65c-44c9-9407-d9ab83bfc8bd': 'EFI_CERT_SHA224',
  'ff3e5307-9fd0-48c9-85f1-8ad56c701e01': 'EFI_CERT_SHA384',
  '093e0fae-a6c4-4f50-9f1b-d41e2b89c19a': 'EFI_CERT_SHA512',
  '3bd2a492-96c0-4079-b420-fcf98ef103ed': 'EFI_CERT_X509_SHA256',
  '7076876e-80c2-4ee6-aad2-28b349a6865b': 'EFI_CERT_X509_SHA384',
  '446dbf63-2502-4cda-bcfa-2465d2b0fe9d': 'EFI_CERT_X509_SHA512',
  '4aafd29d-68df-49ee-8aa9-347d375665a7': 'EFI_CERT_TYPE_PKCS7',
  'eb9d2d31-2d88-11d3-9a16-0090273fc14d': 'SMBIOS_TABLE',
  'f2fd1544-9794-4a2c-992e-e5bbcf20e394': 'SMBIOS3_TABLE',
  'eb9d2d30-2d88-11d3-9a16-0090273fc14d': 'ACPI_TABLE',
  '8868e871-e4f1-11d3-bc22-0080c73c8881': 'ACPI_20_TABLE',
  '77fa9abd-0359-4d32-bd60-28f4e78f784b': 'MICROSOFT_OWNER',
  'a0baa8a3-041d-48a8-bc87-c36d121b5e3d': 'OVMF_PK_OWNER',
});

/** Short name of an EFI GUID when known. */
export function efiGuidName(guid: string): string | undefined {
  return EFI_GUID_NAMES[guid];
}

/** UEFI device-path node types (UEFI 2.10 §10.3). */
export const DEVICE_PATH_TYPE = {
  HARDWARE: 0x01,
  ACPI: 0x02,
  MESSAGING: 0x03,
  MEDIA: 0x04,
  BIOS_BOOT: 0x05,
  END: 0x7f,
} as const;

/** Windows SIPA record types (`wbcl.h`): container and leaf records in EV_EVENT_TAG data. */
export const SIPA_TYPE_NAMES: Readonly<Record<number, string>> = /* @__PURE__ */ frozen({
  0x40010001: 'SIPAEVENT_TRUSTBOUNDARY',
  0x40010002: 'SIPAEVENT_ELAM_AGGREGATION',
  0x40010003: 'SIPAEVENT_LOADEDMODULE_AGGREGATION',
  0xc0010004: 'SIPAEVENT_TRUSTPOINT_AGGREGATION',
  0x40010005: 'SIPAEVENT_KSR_AGGREGATION',
  0x40010006: 'SIPAEVENT_KSR_SIGNED_MEASUREMENT_AGGREGATION',
  0x00020001: 'SIPAEVENT_INFORMATION',
  0x00020002: 'SIPAEVENT_BOOTCOUNTER',
  0x00020003: 'SIPAEVENT_TRANSFER_CONTROL',
  0x00020004: 'SIPAEVENT_APPLICATION_RETURN',
  0x00020005: 'SIPAEVENT_BITLOCKER_UNLOCK',
  0x00020006: 'SIPAEVENT_EVENTCOUNTER',
  0x00020007: 'SIPAEVENT_COUNTERID',
  0x00020008: 'SIPAEVENT_MORBIT_NOT_CANCELABLE',
  0x00020009: 'SIPAEVENT_APPLICATION_SVN',
  0x0002000a: 'SIPAEVENT_SVN_CHAIN_STATUS',
  0x0002000b: 'SIPAEVENT_MORBIT_API_STATUS',
  0x00040001: 'SIPAEVENT_BOOTDEBUGGING',
  0x00040002: 'SIPAEVENT_BOOT_REVOCATION_LIST',
  0x00050001: 'SIPAEVENT_OSKERNELDEBUG',
  0x00050002: 'SIPAEVENT_CODEINTEGRITY',
  0x00050003: 'SIPAEVENT_TESTSIGNING',
  0x00050004: 'SIPAEVENT_DATAEXECUTIONPREVENTION',
  0x00050005: 'SIPAEVENT_SAFEMODE',
  0x00050006: 'SIPAEVENT_WINPE',
  0x00050007: 'SIPAEVENT_PHYSICALADDRESSEXTENSION',
  0x00050008: 'SIPAEVENT_OSDEVICE',
  0x00050009: 'SIPAEVENT_SYSTEMROOT',
  0x0005000a: 'SIPAEVENT_HYPERVISOR_LAUNCH_TYPE',
  0x0005000b: 'SIPAEVENT_HYPERVISOR_PATH',
  0x0005000c: 'SIPAEVENT_HYPERVISOR_IOMMU_POLICY',
  0x0005000d: 'SIPAEVENT_HYPERVISOR_DEBUG',
  0x0005000e: 'SIPAEVENT_DRIVER_LOAD_POLICY',
  0x0005000f: 'SIPAEVENT_SI_POLICY',
  0x00050010: 'SIPAEVENT_HYPERVISOR_MMIO_NX_POLICY',
  0x00050011: 'SIPAEVENT_HYPERVISOR_MSR_FILTER_POLICY',
  0x00050012: 'SIPAEVENT_VSM_LAUNCH_TYPE',
  0x00050013: 'SIPAEVENT_OS_REVOCATION_LIST',
  0x00050014: 'SIPAEVENT_SMT_STATUS',
  0x00050020: 'SIPAEVENT_VSM_IDK_INFO',
  0x00050021: 'SIPAEVENT_FLIGHTSIGNING',
  0x00050022: 'SIPAEVENT_PAGEFILE_ENCRYPTION_ENABLED',
  0x00050023: 'SIPAEVENT_VSM_IDKS_INFO',
  0x00050024: 'SIPAEVENT_HIBERNATION_DISABLED',
  0x00050025: 'SIPAEVENT_DUMPS_DISABLED',
  0x00050026: 'SIPAEVENT_DUMP_ENCRYPTION_ENABLED',
  0x00050027: 'SIPAEVENT_DUMP_ENCRYPTION_KEY_DIGEST',
  0x00050028: 'SIPAEVENT_LSAISO_CONFIG',
  0x00050029: 'SIPAEVENT_SBCP_INFO',
  0x00050030: 'SIPAEVENT_HYPERVISOR_BOOT_DMA_PROTECTION',
  0x00060001: 'SIPAEVENT_NOAUTHORITY',
  0x00060002: 'SIPAEVENT_AUTHORITYPUBKEY',
  0x00070001: 'SIPAEVENT_FILEPATH',
  0x00070002: 'SIPAEVENT_IMAGESIZE',
  0x00070003: 'SIPAEVENT_HASHALGORITHMID',
  0x00070004: 'SIPAEVENT_AUTHENTICODEHASH',
  0x00070005: 'SIPAEVENT_AUTHORITYISSUER',
  0x00070006: 'SIPAEVENT_AUTHORITYSERIAL',
  0x00070007: 'SIPAEVENT_IMAGEBASE',
  0x00070008: 'SIPAEVENT_AUTHORITYPUBLISHER',
  0x00070009: 'SIPAEVENT_AUTHORITYSHA1THUMBPRINT',
  0x0007000a: 'SIPAEVENT_IMAGEVALIDATED',
  0x0007000b: 'SIPAEVENT_MODULE_SVN',
  0x00090001: 'SIPAEVENT_ELAM_KEYNAME',
  0x00090002: 'SIPAEVENT_ELAM_CONFIGURATION',
  0x00090003: 'SIPAEVENT_ELAM_POLICY',
  0x00090004: 'SIPAEVENT_ELAM_MEASURED',
  0x000a0001: 'SIPAEVENT_VBS_VSM_REQUIRED',
  0x000a0002: 'SIPAEVENT_VBS_SECUREBOOT_REQUIRED',
  0x000a0003: 'SIPAEVENT_VBS_IOMMU_REQUIRED',
  0x000a0004: 'SIPAEVENT_VBS_MMIO_NX_REQUIRED',
  0x000a0005: 'SIPAEVENT_VBS_MSR_FILTERING_REQUIRED',
  0x000a0006: 'SIPAEVENT_VBS_MANDATORY_ENFORCEMENT',
  0x000a0007: 'SIPAEVENT_VBS_HVCI_POLICY',
  0x000a0008: 'SIPAEVENT_VBS_MICROSOFT_BOOT_CHAIN_REQUIRED',
  0x000a0009: 'SIPAEVENT_VBS_DUMPS_DISABLED',
  0x000b0001: 'SIPAEVENT_KSR_SIGNATURE',
});

/** SIPA type bit: the payload is a sequence of nested SIPA records. */
export const SIPA_AGGREGATION_FLAG = 0x40000000;
/** SIPA type class mask (`0x000F0000`): 1 container, 2 information, 5 OS parameter, 6 authority, 7 loaded image… */
export const SIPA_CLASS_MASK = 0x000f0000;

/** Registers whose initial value is all 0xFF: the DRTM PCRs (PFP §3.3.4, table 2). */
export const DRTM_PCRS: readonly number[] = [17, 18, 19, 20, 21, 22];

/** EV_EFI_ACTION strings the PFP defines (§10.4.4). */
const EFI_ACTION_TABLE = {
  /** PCR 4: the boot manager is about to call the application of a boot option. */
  CALLING_EFI_APPLICATION: 'Calling EFI Application from Boot Option',
  /**
   * PCR 4: a boot option's application returned control to the boot manager (that boot attempt
   * ended).
   */
  RETURNING_FROM_EFI_APPLICATION: 'Returning from EFI Application from Boot Option',
  /** PCR 5: the OS loader called ExitBootServices(). */
  EXIT_BOOT_SERVICES_INVOCATION: 'Exit Boot Services Invocation',
  /** PCR 5: ExitBootServices() returned EFI_SUCCESS; boot services have ended. */
  EXIT_BOOT_SERVICES_SUCCESS: 'Exit Boot Services Returned with Success',
  /** PCR 5: ExitBootServices() failed; the loader usually retries (a success follows). */
  EXIT_BOOT_SERVICES_FAILURE: 'Exit Boot Services Returned with Failure',
  /** PCR 7: the platform firmware disabled DMA protection (e.g. the IOMMU). */
  DMA_PROTECTION_DISABLED: 'DMA Protection Disabled',
  /** PCR 7: the platform firmware runs in debug mode. */
  UEFI_DEBUG_MODE: 'UEFI Debug Mode',
} as const;
/** EV_EFI_ACTION strings the PFP defines (§10.4.4), by name; frozen. */
export const EFI_ACTION: typeof EFI_ACTION_TABLE = /* @__PURE__ */ frozen(EFI_ACTION_TABLE);
