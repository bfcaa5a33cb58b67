/**
 * @module
 * Decoders for the event data of every PC Client event type (TCG PC Client Platform Firmware
 * Profile 1.06 §10.4; UEFI 2.10 §3.3, §10.3, §32.4; NIST SP 800-155; Windows `wbcl.h`):
 * UEFI_VARIABLE_DATA with variable names and GUIDs, EFI_SIGNATURE_LIST (X.509 and SHA-256
 * entries), UEFI_IMAGE_LOAD_EVENT with device paths as text, UEFI_GPT_DATA, platform firmware
 * blobs, handoff tables, EV_EFI_ACTION / EV_IPL strings (GRUB, shim, systemd), separators, S-CRTM
 * versions, EV_EVENT_TAG and Windows SIPA records, the EV_NO_ACTION payloads (StartupLocality,
 * SP800-155), EV_PREBOOT_CERT certificates, EV_IPL_PARTITION_DATA MBR tables, and the SPDM device
 * measurements of EV_EFI_SPDM_FIRMWARE_BLOB / _CONFIG (TCG_DEVICE_SECURITY_EVENT_DATA(2); DMTF
 * DSP0274 measurement blocks).
 *
 * Certificates stay DER here: parsing them pulls in the X.509 stack, which `parseTcgEventLog`'s
 * bundle budget does not allow; {@link summarizeBoot} parses them.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, assertBytes, assertCountFits, copyBytes, isAllZero } from '../core/bytes.js';
import {
  EV,
  LINUX_EVENT_TAG,
  SIPA_AGGREGATION_FLAG,
  SIPA_TYPE_NAMES,
  SP800_155_SIGNATURE,
  STARTUP_LOCALITY_SIGNATURE,
  efiGuidName,
} from './constants.js';
import { readDevicePathNodes } from './device-path.js';
import { spendStructure, withStructureBudget, type StructureBudget } from './budget.js';
import {
  asciiPrefixLength,
  asciiText,
  guidAt,
  isPrintableAscii,
  isPrintableUtf16,
  utf16PrefixLength,
  utf16Text,
} from './text.js';
import type {
  DecodedEventData,
  EfiSignatureData,
  EfiSignatureList,
  GptPartition,
  LoaderRole,
  MbrPartition,
  SipaRecord,
  SpdmMeasurementBlock,
  SpdmPciContext,
  UefiGptData,
  UefiVariableData,
  UefiVariableValue,
} from './types.js';

/** Context a decoder needs beyond the bytes. */
export interface DecodeContext {
  /** PCR or MR index of the event. */
  readonly pcrIndex: number;
  /** Size of UINTN in UEFI structures: 4 or 8 bytes (Spec ID `uintnSize` 1 or 2). */
  readonly uintnBytes: 4 | 8;
  /** Offset of the event data in the whole input (for error offsets). */
  readonly base: number;
  /** True for CC logs, whose index field is an MR index rather than a PCR index. */
  readonly isCc?: boolean;
}

/** EFI_GLOBAL_VARIABLE, the vendor GUID of SecureBoot, PK, KEK, … (UEFI 2.10 §3.3). @internal */
export const GLOBAL_VARIABLE = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
/** EFI_IMAGE_SECURITY_DATABASE_GUID, the vendor GUID of db, dbx, … (UEFI 2.10 §32.6). @internal */
export const IMAGE_SECURITY_DATABASE = 'd719b2cb-3d3a-4596-a3bc-dad00e67656f';
const SHIM_LOCK = '605dab50-e046-4300-abb6-3dd810dd8b23';
const CERT_X509 = 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072';
const CERT_SHA256 = 'c1c41626-504c-4092-aca9-41f936934328';

const BOOLEAN_VARIABLES = new Set([
  'SecureBoot',
  'SetupMode',
  'AuditMode',
  'DeployedMode',
  'VendorKeys',
]);
const SIGNATURE_DATABASES = new Set([
  'PK',
  'KEK',
  'db',
  'dbx',
  'dbt',
  'dbr',
  'MokList',
  'MokListX',
  'MokListTrusted',
  'PKDefault',
  'KEKDefault',
  'dbDefault',
  'dbxDefault',
]);

/** True when the 16 bytes at `a` equal the 16 bytes at `b` (both in range). */
function sameGuidAt(bytes: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < 16; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function sigKind(type: string): EfiSignatureData['kind'] {
  return type === CERT_X509 ? 'x509' : type === CERT_SHA256 ? 'sha256' : 'other';
}

/**
 * Decodes a concatenation of EFI_SIGNATURE_LIST structures (UEFI 2.10 §32.4.1).
 *
 * @param bytes - the variable data.
 * @param base - offset of `bytes` in the whole input.
 * @returns the lists.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_LENGTH` for sizes that do not add up,
 *   `ERR_LIMIT_EXCEEDED` for more than 100 000 lists and entries.
 * @example
 * ```ts
 * const lists = decodeEfiSignatureLists(variable.variableData);
 * ```
 */
export function decodeEfiSignatureLists(bytes: Uint8Array, base = 0): EfiSignatureList[] {
  assertBytes(bytes, 'bytes');
  return withStructureBudget((budget) => readSignatureLists(copyBytes(bytes), base, budget));
}

/**
 * {@link decodeEfiSignatureLists} over bytes the caller owns privately (the parser's copy of the
 * log, or a public entry point's copy of its input): headers and signature data are views into
 * them. Each list and each entry is counted against `budget`.
 */
function readSignatureLists(
  bytes: Uint8Array,
  base: number,
  budget: StructureBudget,
): EfiSignatureList[] {
  const r = new ByteReader(bytes, 'EFI_SIGNATURE_LIST', base);
  const lists: EfiSignatureList[] = [];
  while (r.remaining > 0) {
    const at = r.absoluteOffset;
    spendStructure(budget, at);
    const typeBytes = r.borrow(16, 'SignatureType');
    const listSize = r.u32le('SignatureListSize');
    const headerSize = r.u32le('SignatureHeaderSize');
    const signatureSize = r.u32le('SignatureSize');
    const bodySize = listSize - 28 - headerSize;
    if (listSize < 28 || bodySize < 0 || listSize - 28 > r.remaining) {
      throw new AttestError(listSize - 28 > r.remaining ? 'ERR_TRUNCATED' : 'ERR_BAD_LENGTH', {
        offset: at,
        field: 'EFI_SIGNATURE_LIST.SignatureListSize',
        message: `list size ${listSize} (header ${headerSize}) does not fit in ${r.remaining + 28} bytes`,
      });
    }
    if (signatureSize < 16 || bodySize % signatureSize !== 0) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: at + 24,
        field: 'EFI_SIGNATURE_LIST.SignatureSize',
        message: `signature size ${signatureSize} does not divide the ${bodySize}-byte body`,
      });
    }
    const signatureType = guidAt(typeBytes, 0);
    const signatureHeader = r.borrow(headerSize, 'SignatureHeader');
    const kind = sigKind(signatureType);
    const signatures: EfiSignatureData[] = [];
    let lastOwnerAt = -1;
    let owner = '';
    for (let i = 0; i < bodySize / signatureSize; i++) {
      // dbx lists hundreds of hashes from one owner: format its GUID once (compared in place).
      const ownerAt = r.offset;
      spendStructure(budget, base + ownerAt);
      r.skip(16, 'SignatureOwner');
      if (lastOwnerAt < 0 || !sameGuidAt(bytes, ownerAt, lastOwnerAt)) {
        owner = guidAt(bytes, ownerAt);
        lastOwnerAt = ownerAt;
      }
      const n = signatureSize - 16;
      signatures.push({
        owner,
        kind,
        data: r.borrow(n, 'SignatureData'),
      });
    }
    const typeName = efiGuidName(signatureType);
    lists.push({
      signatureType,
      ...(typeName !== undefined ? { signatureTypeName: typeName } : {}),
      signatureHeader,
      signatureSize,
      signatures,
    });
  }
  return lists;
}

function decodeLoadOption(
  bytes: Uint8Array,
  base: number,
  budget: StructureBudget,
): UefiVariableValue {
  const r = new ByteReader(bytes, 'EFI_LOAD_OPTION', base);
  const attributes = r.u32le('Attributes');
  const fileListLength = r.u16le('FilePathListLength');
  let description = '';
  for (;;) {
    const c = r.u16le('Description');
    if (c === 0) break;
    description += String.fromCharCode(c);
  }
  const dpAt = r.absoluteOffset;
  const dp = readDevicePathNodes(r.borrow(fileListLength, 'FilePathList'), dpAt, budget);
  return {
    kind: 'load-option',
    attributes,
    description,
    devicePath: dp.text,
    optionalData: r.borrow(r.remaining, 'OptionalData'),
  };
}

/**
 * The content offset and end of the DER value whose header is at `at` (X.690 §8.1, §10.1: a low
 * tag number, a definite length in the fewest octets), or undefined when the header is not DER or
 * the value runs past `limit`. Only the header is read.
 */
function derValueAt(b: Uint8Array, at: number, limit: number): [number, number] | undefined {
  let p = at + 2;
  let length = b[at + 1]!;
  if (p > limit || (b[at]! & 0x1f) === 0x1f) return undefined;
  if (length > 0x80) {
    const n = length - 0x80;
    if (n > 4 || p + n > limit || b[p] === 0) return undefined;
    length = 0;
    for (const end = p + n; p < end; p++) length = length * 256 + b[p]!;
    if (length < 0x80) return undefined;
  } else if (length === 0x80) return undefined; // indefinite
  return p + length > limit ? undefined : [p, p + length];
}

/**
 * The end of the certificate-shaped DER value at `at`, or -1: a SEQUENCE whose content is whole
 * DER values, the first a SEQUENCE — the outer shape of an X.509 certificate (`Certificate ::=
 * SEQUENCE { tbsCertificate SEQUENCE, … }`, RFC 5280 §4.1). Only these headers are read, so a
 * value of any size costs no allocation; summarizeBoot parses the certificate itself.
 */
function certificateEnd(b: Uint8Array, at: number): number {
  const outer = b[at] === 0x30 ? derValueAt(b, at, b.length) : undefined;
  if (outer === undefined || outer[0] === outer[1] || b[outer[0]] !== 0x30) return -1;
  for (let p = outer[0]; p < outer[1];) {
    const child = derValueAt(b, p, outer[1]);
    if (child === undefined) return -1;
    p = child[1];
  }
  return outer[1];
}

/** True when `b` is exactly one certificate-shaped DER value ({@link certificateEnd}). */
function isCertificateShaped(b: Uint8Array): boolean {
  return certificateEnd(b, 0) === b.length;
}

function decodeVariableValue(
  type: number,
  guid: string,
  name: string,
  data: Uint8Array,
  base: number,
  budget: StructureBudget,
): UefiVariableValue | undefined {
  if (type === EV.EFI_VARIABLE_AUTHORITY) {
    if (name === 'SbatLevel' || (isPrintableAscii(data) && data.length > 0 && data[0] !== 0x30)) {
      return { kind: 'text', text: asciiText(data) };
    }
    if (data.length === 1) return { kind: 'boolean', value: data[0]! };
    if (isCertificateShaped(data)) return { kind: 'certificate', der: data };
    if (data.length > 16) {
      const owner = guidAt(data, 0);
      const body = data.subarray(16);
      // No SignatureType GUID here (summarizeBoot reads it from the measured db list): a SHA-256
      // hash starts with 0x30 once in 256, so only a whole-value DER SEQUENCE counts as X.509.
      const kind = isCertificateShaped(body) ? 'x509' : body.length === 32 ? 'sha256' : 'other';
      return { kind: 'signature-data', entry: { owner, kind, data: body } };
    }
    return undefined;
  }
  if (guid === GLOBAL_VARIABLE && BOOLEAN_VARIABLES.has(name)) {
    return data.length >= 1 ? { kind: 'boolean', value: data[0]! } : undefined;
  }
  if (
    SIGNATURE_DATABASES.has(name) &&
    (guid === GLOBAL_VARIABLE || guid === IMAGE_SECURITY_DATABASE || guid === SHIM_LOCK)
  ) {
    if (name === 'MokListTrusted' && data.length === 1) return { kind: 'boolean', value: data[0]! };
    return { kind: 'signature-lists', lists: readSignatureLists(data, base, budget) };
  }
  if (
    guid === GLOBAL_VARIABLE &&
    (name === 'BootOrder' || name === 'BootNext' || name === 'BootCurrent')
  ) {
    const order: number[] = [];
    for (let i = 0; i + 1 < data.length; i += 2) order.push(data[i]! | (data[i + 1]! << 8));
    return { kind: 'boot-order', order };
  }
  if (guid === GLOBAL_VARIABLE && /^(Boot|Driver|SysPrep)[0-9A-Fa-f]{4}$/.test(name)) {
    return decodeLoadOption(data, base, budget);
  }
  if (name === 'SbatLevel' || name === 'SbatLevelRT')
    return { kind: 'text', text: asciiText(data) };
  return undefined;
}

/**
 * Decodes UEFI_VARIABLE_DATA (PFP §10.4.4.2, table 17) and the variable's value when attestkit
 * knows the variable (SecureBoot, PK/KEK/db/dbx, MokList, BootOrder, Boot####, authorities).
 *
 * @param type - event type (authority events carry one EFI_SIGNATURE_DATA, not a list).
 * @param bytes - the event data.
 * @param base - offset of `bytes` in the whole input.
 * @returns the variable; a value that does not decode is reported in `valueError`.
 * @throws {AttestError} `ERR_TRUNCATED` / `ERR_BAD_LENGTH` when the structure itself is broken,
 *   `ERR_LIMIT_EXCEEDED` for a value of more than 100 000 signature lists, entries or
 *   device-path nodes.
 * @example
 * ```ts
 * const v = decodeUefiVariable(EV.EFI_VARIABLE_DRIVER_CONFIG, event.data);
 * ```
 */
export function decodeUefiVariable(type: number, bytes: Uint8Array, base = 0): UefiVariableData {
  assertBytes(bytes, 'bytes');
  return withStructureBudget((budget) => readUefiVariable(type, copyBytes(bytes), base, budget));
}

/**
 * UEFI_VARIABLE_DATA with no structure allowance: the GUID and name always, a value only when it
 * decodes without counted structures (otherwise `valueError`). Tells which variable an event
 * holds when decoding its value would exceed the budget.
 *
 * @internal
 */
export function decodeUefiVariableName(type: number, bytes: Uint8Array): UefiVariableData {
  return readUefiVariable(type, copyBytes(bytes), 0, { max: 0, left: 0 });
}

/** {@link decodeUefiVariable} over privately owned bytes: the results are views into them. */
function readUefiVariable(
  type: number,
  bytes: Uint8Array,
  base: number,
  budget: StructureBudget,
): UefiVariableData {
  const r = new ByteReader(bytes, 'UEFI_VARIABLE_DATA', base);
  const vendorGuid = guidAt(r.borrow(16, 'VariableName'), 0);
  const nameLenAt = r.absoluteOffset;
  const nameLength = r.u64le('UnicodeNameLength');
  const dataLength = r.u64le('VariableDataLength');
  if (nameLength * 2n + dataLength > BigInt(r.remaining)) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: nameLenAt,
      field: 'UEFI_VARIABLE_DATA.VariableDataLength',
      message: `name (${nameLength} chars) and data (${dataLength} bytes) exceed the ${r.remaining} bytes left`,
    });
  }
  const name = utf16Text(r.borrow(Number(nameLength) * 2, 'UnicodeName'));
  const variableDataOffset = r.offset;
  const variableData = r.borrow(Number(dataLength), 'VariableData');
  const vendorName = efiGuidName(vendorGuid);
  let value: UefiVariableValue | undefined;
  let valueError: string | undefined;
  try {
    value = decodeVariableValue(
      type,
      vendorGuid,
      name,
      variableData,
      base + variableDataOffset,
      budget,
    );
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    valueError = e.message;
  }
  return {
    vendorGuid,
    ...(vendorName !== undefined ? { vendorName } : {}),
    name,
    variableData,
    variableDataOffset,
    ...(value !== undefined ? { value } : {}),
    ...(valueError !== undefined ? { valueError } : {}),
  };
}

/**
 * Decodes UEFI_GPT_DATA (PFP §10.4.4.4): the partition table header and the used entries.
 *
 * @param bytes - the event data of EV_EFI_GPT_EVENT(2).
 * @param base - offset of `bytes` in the whole input.
 * @returns the header fields and partitions.
 * @throws {AttestError} `ERR_BAD_MAGIC` without `EFI PART`, `ERR_BAD_LENGTH`, `ERR_TRUNCATED`.
 * @example
 * ```ts
 * decodeGptData(event.data).partitions.map((p) => p.name);
 * ```
 */
export function decodeGptData(bytes: Uint8Array, base = 0): UefiGptData {
  const r = new ByteReader(bytes, 'UEFI_GPT_DATA', base);
  const sig = r.borrow(8, 'Signature');
  if (asciiText(sig) !== 'EFI PART') {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: base,
      field: 'UEFI_GPT_DATA.Signature',
      message: 'GPT header must start with "EFI PART"',
    });
  }
  const revision = r.u32le('Revision');
  const headerSize = r.u32le('HeaderSize');
  r.skip(4, 'HeaderCRC32');
  r.skip(4, 'Reserved');
  const myLba = r.u64le('MyLBA');
  const alternateLba = r.u64le('AlternateLBA');
  const firstUsableLba = r.u64le('FirstUsableLBA');
  const lastUsableLba = r.u64le('LastUsableLBA');
  const diskGuid = guidAt(r.borrow(16, 'DiskGUID'), 0);
  const partitionEntryLba = r.u64le('PartitionEntryLBA');
  const numberOfPartitionEntries = r.u32le('NumberOfPartitionEntries');
  const sizeAt = r.absoluteOffset;
  const sizeOfPartitionEntry = r.u32le('SizeOfPartitionEntry');
  r.skip(4, 'PartitionEntryArrayCRC32');
  const countAt = r.absoluteOffset;
  const count = r.u64le('NumberOfPartitions');
  if (sizeOfPartitionEntry < 128) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: sizeAt,
      field: 'UEFI_GPT_DATA.SizeOfPartitionEntry',
      message: `partition entries are at least 128 bytes, header says ${sizeOfPartitionEntry}`,
    });
  }
  if (count > BigInt(r.remaining)) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: countAt,
      field: 'UEFI_GPT_DATA.NumberOfPartitions',
      message: `${count} partitions cannot fit`,
    });
  }
  assertCountFits(
    Number(count),
    sizeOfPartitionEntry,
    r.remaining,
    'UEFI_GPT_DATA.NumberOfPartitions',
    countAt,
  );
  const partitions: GptPartition[] = [];
  for (let i = 0; i < Number(count); i++) {
    const e = r.sub(sizeOfPartitionEntry, 'EFI_PARTITION_ENTRY');
    const typeGuid = guidAt(e.borrow(16, 'PartitionTypeGUID'), 0);
    const uniqueGuid = guidAt(e.borrow(16, 'UniquePartitionGUID'), 0);
    partitions.push({
      typeGuid,
      uniqueGuid,
      startingLba: e.u64le('StartingLBA'),
      endingLba: e.u64le('EndingLBA'),
      attributes: e.u64le('Attributes'),
      name: utf16Text(e.borrow(72, 'PartitionName')),
    });
  }
  return {
    revision,
    headerSize,
    myLba,
    alternateLba,
    firstUsableLba,
    lastUsableLba,
    diskGuid,
    partitionEntryLba,
    numberOfPartitionEntries,
    sizeOfPartitionEntry,
    partitions,
  };
}

/**
 * The device path of `length` bytes at the cursor (its 64-bit length field read at `lenAt`,
 * named `field`), decoded: a length beyond what remains is `ERR_TRUNCATED` before anything is read.
 */
function readDevicePath(
  r: ByteReader,
  length: bigint,
  lenAt: number,
  field: string,
  budget: StructureBudget,
): ReturnType<typeof readDevicePathNodes> {
  if (length > BigInt(r.remaining)) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: lenAt,
      field,
      message: `device path of ${length} bytes, ${r.remaining} remain`,
    });
  }
  const at = r.absoluteOffset;
  return readDevicePathNodes(r.borrow(Number(length), 'DevicePath'), at, budget);
}

function decodeImageLoad(
  bytes: Uint8Array,
  ctx: DecodeContext,
  budget: StructureBudget,
): DecodedEventData {
  const attempt = (uintn: 4 | 8): DecodedEventData => {
    const r = new ByteReader(bytes, 'UEFI_IMAGE_LOAD_EVENT', ctx.base);
    const readUintn = (f: string): bigint => (uintn === 8 ? r.u64le(f) : BigInt(r.u32le(f)));
    const imageLocationInMemory = r.u64le('ImageLocationInMemory');
    const imageLengthInMemory = readUintn('ImageLengthInMemory');
    const imageLinkTimeAddress = readUintn('ImageLinkTimeAddress');
    const lenAt = r.absoluteOffset;
    const dpLength = readUintn('LengthOfDevicePath');
    const dp = readDevicePath(
      r,
      dpLength,
      lenAt,
      'UEFI_IMAGE_LOAD_EVENT.LengthOfDevicePath',
      budget,
    );
    return {
      kind: 'image-load',
      imageLocationInMemory,
      imageLengthInMemory,
      imageLinkTimeAddress,
      lengthOfDevicePath: Number(dpLength),
      devicePath: dp.text,
      devicePathNodes: dp.nodes,
    };
  };
  try {
    return attempt(ctx.uintnBytes);
  } catch (e) {
    // SHA-1-format logs carry no uintnSize; a 32-bit firmware writes 4-byte UINTNs.
    if (!(e instanceof AttestError) || ctx.uintnBytes === 4) throw e;
    return attempt(4);
  }
}

function decodeBlob(bytes: Uint8Array, base: number, withDescription: boolean): DecodedEventData {
  const r = new ByteReader(
    bytes,
    withDescription ? 'UEFI_PLATFORM_FIRMWARE_BLOB2' : 'UEFI_PLATFORM_FIRMWARE_BLOB',
    base,
  );
  let description: string | undefined;
  if (withDescription) {
    const n = r.u8('BlobDescriptionSize');
    description = asciiText(r.borrow(n, 'BlobDescription'));
  }
  const blobBase = r.u64le('BlobBase');
  const blobLength = r.u64le('BlobLength');
  return {
    kind: 'firmware-blob',
    ...(description !== undefined ? { description } : {}),
    blobBase,
    blobLength,
  };
}

function decodeHandoffTables(
  bytes: Uint8Array,
  base: number,
  withDescription: boolean,
  budget: StructureBudget,
): DecodedEventData {
  const r = new ByteReader(
    bytes,
    withDescription ? 'UEFI_HANDOFF_TABLE_POINTERS2' : 'UEFI_HANDOFF_TABLE_POINTERS',
    base,
  );
  let description: string | undefined;
  if (withDescription) {
    const n = r.u8('TableDescriptionSize');
    description = asciiText(r.borrow(n, 'TableDescription'));
  }
  const countAt = r.absoluteOffset;
  const count = r.u64le('NumberOfTables');
  if (count > BigInt(r.remaining)) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: countAt,
      field: 'NumberOfTables',
      message: `${count} tables cannot fit`,
    });
  }
  assertCountFits(Number(count), 24, r.remaining, 'NumberOfTables', countAt);
  const tables: { vendorGuid: string; name?: string; vendorTable: bigint }[] = [];
  for (let i = 0; i < Number(count); i++) {
    spendStructure(budget, r.absoluteOffset);
    const vendorGuid = guidAt(r.borrow(16, 'VendorGuid'), 0);
    const name = efiGuidName(vendorGuid);
    tables.push({
      vendorGuid,
      ...(name !== undefined ? { name } : {}),
      vendorTable: r.u64le('VendorTable'),
    });
  }
  return { kind: 'handoff-tables', ...(description !== undefined ? { description } : {}), tables };
}

function decodeSipaRecords(
  bytes: Uint8Array,
  base: number,
  depth: number,
  budget: StructureBudget,
): SipaRecord[] {
  if (depth > 8) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: base,
      field: 'SIPA',
      message: 'SIPA records nested deeper than 8',
    });
  }
  const r = new ByteReader(bytes, 'SIPA', base);
  const out: SipaRecord[] = [];
  while (r.remaining > 0) {
    spendStructure(budget, r.absoluteOffset);
    const type = r.u32le('SipaType');
    const payloadAt = r.absoluteOffset + 4;
    // A view: the bytes are the parse's own copy, and a copy per nesting level would multiply them.
    const payload = r.sizedView(4, 'le', 'SipaPayload');
    const typeName = SIPA_TYPE_NAMES[type] ?? `SIPA_0x${type.toString(16).padStart(8, '0')}`;
    if ((type & SIPA_AGGREGATION_FLAG) !== 0) {
      out.push({
        type,
        typeName,
        payload,
        children: decodeSipaRecords(payload, payloadAt, depth + 1, budget),
      });
      continue;
    }
    let value: number | bigint | string | undefined;
    if (payload.length === 1) value = payload[0]!;
    else if (payload.length === 2) value = payload[0]! | (payload[1]! << 8);
    else if (payload.length === 4)
      value = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true);
    else if (payload.length === 8)
      value = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0, true);
    else if (isPrintableUtf16(payload)) value = utf16Text(payload);
    out.push({ type, typeName, payload, ...(value !== undefined ? { value } : {}) });
  }
  return out;
}

function decodeEventTag(
  bytes: Uint8Array,
  base: number,
  budget: StructureBudget,
): DecodedEventData {
  const r = new ByteReader(bytes, 'TCG_PCClientTaggedEvent', base);
  const id = r.u32le('taggedEventID');
  if (SIPA_TYPE_NAMES[id] !== undefined) {
    return { kind: 'sipa', records: decodeSipaRecords(bytes, base, 0, budget) };
  }
  const taggedEventData = r.sized(4, 'le', 'taggedEventData');
  let text: string | undefined;
  if (isPrintableAscii(taggedEventData)) text = asciiText(taggedEventData);
  else if (isPrintableUtf16(taggedEventData)) text = utf16Text(taggedEventData);
  else if (taggedEventData.length > 4 && isPrintableAscii(taggedEventData.subarray(4))) {
    // AAEL "LEAA" records: a u32 length, then "<domain> <operation> <content>".
    text = asciiText(taggedEventData.subarray(4));
  }
  const role: LoaderRole | undefined =
    id === LINUX_EVENT_TAG.LOAD_OPTIONS
      ? 'systemd-cmdline'
      : id === LINUX_EVENT_TAG.INITRD
        ? 'systemd-initrd'
        : undefined;
  return {
    kind: 'event-tag',
    taggedEventId: id,
    taggedEventData,
    ...(text !== undefined ? { text } : {}),
    ...(role !== undefined ? { role } : {}),
  };
}

/** `GCE NonHostInfo` confidential-technology byte (go-tpm-tools `GCEConfidentialTechnology`). */
const GCE_TECHNOLOGY: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'AMD SEV',
  2: 'AMD SEV-ES',
  3: 'Intel TDX',
  4: 'AMD SEV-SNP',
};

const SHIM_IPL_NAMES = new Set([
  'MokList',
  'MokListX',
  'MokListTrusted',
  'MokSBState',
  'SbatLevel',
  'MokListRT',
  'MokListXRT',
]);

/**
 * GRUB's measured-string prefixes (grub-core/commands/tpm.c, older forks): its commands, the
 * kernel's command line and a multiboot module's (`module_cmdline: `). The digest covers the text
 * after the prefix for all of them.
 */
const GRUB_PREFIX = /^(?:grub_cmd:? |kernel_cmdline: |grub_kernel_cmdline |module_cmdline: )/;

function decodeLoaderString(bytes: Uint8Array, ctx: DecodeContext): DecodedEventData | undefined {
  const n = bytes.length;
  // Quirk `grub-stray-byte` (Alibaba Cloud TDX GRUB, ccel-trustee-aael-alibabacloud, MR 3): its
  // strings end in a NUL and then one stray byte. Tried only when the strict reading fails; the
  // digest covers the text before the NUL (GRUB's rules), never the stray byte.
  if (isPrintableAscii(bytes) || (bytes[n - 2] === 0 && isPrintableAscii(bytes.subarray(0, -1)))) {
    const text = asciiText(bytes);
    const prefix = GRUB_PREFIX.exec(text)?.[0];
    if (prefix !== undefined) {
      // Only the kernel's own line is a command line (its prefixes alone hold a `k`); a module's
      // line is read as a command, whose text binds the same way.
      const role: LoaderRole = /k/.test(prefix) ? 'grub-kernel-cmdline' : 'grub-command';
      return { kind: 'loader', role, encoding: 'ascii', text, value: text.slice(prefix.length) };
    }
    if (SHIM_IPL_NAMES.has(text))
      return { kind: 'loader', role: 'shim-variable', encoding: 'ascii', text, value: text };
    if (/^grub_linuxefi /.test(text) || (!ctx.isCc && ctx.pcrIndex === 9) || /^\(|^\//.test(text)) {
      return {
        kind: 'loader',
        role: 'grub-file',
        encoding: 'ascii',
        text,
        value: text.replace(/^grub_linuxefi /, ''),
      };
    }
    return { kind: 'loader', role: 'other', encoding: 'ascii', text, value: text };
  }
  if (isPrintableUtf16(bytes)) {
    const text = utf16Text(bytes);
    // systemd-boot measures the kernel command line as UTF-16 into PCR 12 (PCR 8 before v251).
    const role: LoaderRole =
      !ctx.isCc && (ctx.pcrIndex === 12 || ctx.pcrIndex === 8) ? 'systemd-cmdline' : 'other';
    return { kind: 'loader', role, encoding: 'utf16le', text, value: text };
  }
  return undefined;
}

function decodeNoAction(bytes: Uint8Array, base: number): DecodedEventData {
  const sig = bytes.length >= 16 ? asciiText(bytes.subarray(0, 16)) : undefined;
  if (sig === STARTUP_LOCALITY_SIGNATURE && bytes.length >= 17 && bytes[15] === 0) {
    return { kind: 'startup-locality', locality: bytes[16]! };
  }
  if (sig === SP800_155_SIGNATURE) {
    const r = new ByteReader(bytes, 'TCG_Sp800_155_PlatformId_Event3', base);
    r.skip(16, 'Signature');
    const platformManufacturerId = r.u32le('PlatformManufacturerId');
    const referenceManifestGuid = guidAt(r.borrow(16, 'ReferenceManifestGuid'), 0);
    const str = (f: string): string => asciiText(r.borrow(r.u8(`${f}Size`), f));
    const platformManufacturer = str('PlatformManufacturerStr');
    const platformModel = str('PlatformModel');
    const platformVersion = str('PlatformVersion');
    const firmwareManufacturer = str('FirmwareManufacturerStr');
    const firmwareManufacturerId = r.u32le('FirmwareManufacturerId');
    const firmwareVersion = str('FirmwareVersion');
    return {
      kind: 'sp800-155',
      platformManufacturerId,
      referenceManifestGuid,
      platformManufacturer,
      platformModel,
      platformVersion,
      firmwareManufacturer,
      firmwareManufacturerId,
      firmwareVersion,
    };
  }
  return sig !== undefined && isPrintableAscii(bytes.subarray(0, 16))
    ? { kind: 'no-action', signature: sig }
    : { kind: 'no-action' };
}

function textOrBlob(bytes: Uint8Array, base: number): DecodedEventData | undefined {
  if (isPrintableAscii(bytes)) return { kind: 'text', encoding: 'ascii', text: asciiText(bytes) };
  if (bytes.length === 16) return decodeBlob(bytes, base, false);
  if (isPrintableUtf16(bytes)) return { kind: 'text', encoding: 'utf16le', text: utf16Text(bytes) };
  return undefined;
}

/**
 * EV_S_CRTM_VERSION (PFP §10.4.4): a UCS-2 string or a 16-byte GUID by the spec. Some firmware
 * writes an ASCII string (`M60` and vendor data after its NUL in the go-attestation option-ROM and
 * EBS logs), which read as UCS-2 would be CJK garbage: UCS-2 is chosen only when the code units up
 * to the terminator are printable ASCII with zero high bytes. Data that is none of these is opaque.
 */
function decodeCrtmVersion(data: Uint8Array): DecodedEventData | undefined {
  const units = utf16PrefixLength(data);
  const chars = asciiPrefixLength(data);
  if (data.length === 16) {
    // A GUID, unless the 16 bytes are a string padded with NULs.
    if (units > 0 && isAllZero(data.subarray(2 * units)))
      return { kind: 'text', encoding: 'utf16le', text: utf16Text(data) };
    if (chars > 0 && isAllZero(data.subarray(chars)))
      return { kind: 'text', encoding: 'ascii', text: asciiText(data) };
    return { kind: 'guid', guid: guidAt(data, 0) };
  }
  if (units > 0) return { kind: 'text', encoding: 'utf16le', text: utf16Text(data) };
  if (chars > 0) return { kind: 'text', encoding: 'ascii', text: asciiText(data) };
  // `00 00` (an empty version string) is common; so are no bytes at all. Anything else after a
  // leading NUL is not an empty string: it stays opaque rather than be shown as ''.
  if (isAllZero(data)) return { kind: 'text', encoding: 'utf16le', text: '' };
  return undefined;
}

/**
 * EV_PREBOOT_CERT: certificate-shaped DER values back to back ({@link certificateEnd}) when the
 * data is exactly that; otherwise the printable-text / 16-byte-blob reading of other firmware
 * events. Each certificate is counted against `budget`.
 */
function decodePrebootCert(
  data: Uint8Array,
  base: number,
  budget: StructureBudget,
): DecodedEventData | undefined {
  const certificates: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const end = certificateEnd(data, at);
    if (end < 0) break;
    spendStructure(budget, base + at);
    certificates.push(data.subarray(at, end));
    at = end;
  }
  if (certificates.length > 0 && at === data.length) return { kind: 'preboot-cert', certificates };
  return textOrBlob(data, base);
}

/** Size of an MBR partition entry and of the table (four entries). */
const MBR_ENTRY_SIZE = 16;
const MBR_TABLE_SIZE = 4 * MBR_ENTRY_SIZE;

/**
 * EV_IPL_PARTITION_DATA: a legacy MBR partition table. Accepted layouts, by length: 72 (the bytes
 * after the 440-byte boot code: disk signature, 2 reserved bytes, the table, `55 AA` — what
 * SeaBIOS hashes), 512 (the whole sector) and 64 (the table alone). Anything else, or a 72/512-byte
 * layout without the `55 AA` boot signature, gets the text / blob reading (SeaBIOS logs the label
 * `MBR PARTITION_TABLE`).
 */
function decodeIplPartitionData(data: Uint8Array, base: number): DecodedEventData | undefined {
  let tableAt: number;
  let diskSignature: number | undefined;
  const u32At = (i: number): number =>
    (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
  if (data.length === MBR_TABLE_SIZE) tableAt = 0;
  else if (
    (data.length === 72 || data.length === 512) &&
    data[data.length - 2] === 0x55 &&
    data[data.length - 1] === 0xaa
  ) {
    const sigAt = data.length === 72 ? 0 : 440;
    diskSignature = u32At(sigAt);
    tableAt = sigAt + 6;
  } else return textOrBlob(data, base);
  const partitions: MbrPartition[] = [];
  for (let i = 0; i < 4; i++) {
    const e = tableAt + i * MBR_ENTRY_SIZE;
    const osType = data[e + 4]!;
    if (osType === 0) continue;
    partitions.push({
      index: i + 1,
      bootIndicator: data[e]!,
      osType,
      startingLba: u32At(e + 8),
      sizeInLba: u32At(e + 12),
    });
  }
  return {
    kind: 'mbr-partition-table',
    ...(diskSignature !== undefined ? { diskSignature } : {}),
    partitions,
  };
}

/** `TCG_DEVICE_SECURITY_EVENT_DATA(2)` signatures (PFP 1.06 §10.4.4, 16 bytes with the NUL). */
const DEVICE_SECURITY_SIGNATURE = 'SPDM Device Sec';
const DEVICE_SECURITY_SIGNATURE_2 = 'SPDM Device Sec2';
/** `DeviceType` of a PCI device (its context is `TCG_DEVICE_SECURITY_EVENT_DATA_PCI_CONTEXT`). */
const SPDM_DEVICE_TYPE_PCI = 1;
/** Version 2 `SubHeaderType` values. */
const SPDM_SUB_HEADER_MEASUREMENT_BLOCK = 0;
const SPDM_SUB_HEADER_CERT_CHAIN = 1;

/** One DSP0274 `SPDM_MEASUREMENT_BLOCK` (and its DMTF value header when bit 0 says DMTF). */
function readSpdmMeasurementBlock(r: ByteReader, budget: StructureBudget): SpdmMeasurementBlock {
  spendStructure(budget, r.absoluteOffset);
  const index = r.u8('SpdmMeasurementBlock.Index');
  const measurementSpecification = r.u8('SpdmMeasurementBlock.MeasurementSpecification');
  const m = r.sub(r.u16le('SpdmMeasurementBlock.MeasurementSize'), 'SPDM_MEASUREMENT_BLOCK');
  if ((measurementSpecification & 1) === 0)
    return { index, measurementSpecification, value: m.borrow(m.remaining, 'Measurement') };
  const valueType = m.u8('DMTFSpecMeasurementValueType');
  const value = m.borrow(m.u16le('DMTFSpecMeasurementValueSize'), 'DMTFSpecMeasurementValue');
  return { index, measurementSpecification, valueType, value };
}

function readPciContext(r: ByteReader): SpdmPciContext {
  r.skip(2, 'PciContext.Version');
  r.skip(2, 'PciContext.Length');
  const vendorId = r.u16le('PciContext.VendorId');
  const deviceId = r.u16le('PciContext.DeviceId');
  const revisionId = r.u8('PciContext.RevisionID');
  const c = r.borrow(3, 'PciContext.ClassCode');
  return {
    vendorId,
    deviceId,
    revisionId,
    classCode: c[0]! | (c[1]! << 8) | (c[2]! << 16),
    subsystemVendorId: r.u16le('PciContext.SubsystemVendorID'),
    subsystemId: r.u16le('PciContext.SubsystemID'),
  };
}

/**
 * EV_EFI_SPDM_FIRMWARE_BLOB / _CONFIG: `TCG_DEVICE_SECURITY_EVENT_DATA` (version 1: header with
 * one measurement block, device path, device context) or `…_DATA2` (version 2: header, device
 * path, a measurement-block or certificate-chain sub-header, device context). The fixed header must
 * be there (ERR_TRUNCATED otherwise); the rest is decoded as far as it goes and kept as
 * `undecoded` bytes from the first field that does not. Data without either signature gets the
 * text / blob reading.
 */
function decodeDeviceSecurity(
  data: Uint8Array,
  base: number,
  budget: StructureBudget,
): DecodedEventData | undefined {
  // asciiText stops at the NUL: version 1 has one at byte 15, version 2 fills all 16 bytes.
  const sig = data.length >= 16 ? asciiText(data.subarray(0, 16)) : '';
  const isV2 = sig === DEVICE_SECURITY_SIGNATURE_2;
  if (sig !== DEVICE_SECURITY_SIGNATURE && !isV2) return textOrBlob(data, base);
  const r = new ByteReader(data, 'TCG_DEVICE_SECURITY_EVENT_DATA', base);
  r.skip(16, 'Signature');
  const version = r.u16le('Version');
  const out: { -readonly [K in keyof DeviceSecurity]: DeviceSecurity[K] } = {
    kind: 'device-security',
    signature: isV2 ? DEVICE_SECURITY_SIGNATURE_2 : DEVICE_SECURITY_SIGNATURE,
    version,
    length: 0,
    deviceType: 0,
  };
  let subHeaderLength = 0;
  if (isV2) {
    out.authState = r.u8('AuthState');
    r.skip(1, 'Reserved');
    out.length = r.u32le('Length');
    out.deviceType = r.u32le('DeviceType');
    out.subHeaderType = r.u32le('SubHeaderType');
    subHeaderLength = r.u32le('SubHeaderLength');
    out.subHeaderUid = r.u64le('SubHeaderUID');
  } else {
    out.length = r.u16le('Length');
    out.spdmHashAlgo = r.u32le('SpdmHashAlgo');
    out.deviceType = r.u32le('DeviceType');
  }
  let restAt = r.offset;
  try {
    if (!isV2) {
      out.measurementBlocks = [readSpdmMeasurementBlock(r, budget)];
      restAt = r.offset;
    }
    const pathLenAt = r.absoluteOffset;
    out.devicePath = readDevicePath(
      r,
      r.u64le('DevicePathLength'),
      pathLenAt,
      'TCG_DEVICE_SECURITY_EVENT_DATA.DevicePathLength',
      budget,
    ).text;
    restAt = r.offset;
    if (isV2) {
      const sub = r.sub(subHeaderLength, 'TCG_DEVICE_SECURITY_EVENT_DATA_SUB_HEADER');
      if (out.subHeaderType === SPDM_SUB_HEADER_MEASUREMENT_BLOCK) {
        out.spdmVersion = sub.u16le('SpdmVersion');
        const count = sub.u8('SpdmMeasurementBlockCount');
        sub.skip(1, 'Reserved');
        out.spdmHashAlgo = sub.u32le('SpdmMeasurementHashAlgo');
        const blocks: SpdmMeasurementBlock[] = [];
        for (let i = 0; i < count; i++) blocks.push(readSpdmMeasurementBlock(sub, budget));
        out.measurementBlocks = blocks;
      } else if (out.subHeaderType === SPDM_SUB_HEADER_CERT_CHAIN) {
        out.spdmVersion = sub.u16le('SpdmVersion');
        out.spdmSlotId = sub.u8('SpdmSlotId');
        sub.skip(1, 'Reserved');
        out.spdmHashAlgo = sub.u32le('SpdmHashAlgo');
        out.certChain = sub.borrow(sub.remaining, 'SpdmCertChain');
      }
      restAt = r.offset;
    }
    if (out.deviceType === SPDM_DEVICE_TYPE_PCI) {
      out.pci = readPciContext(r);
      restAt = r.offset;
    }
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    out.undecoded = { offset: base + restAt, bytes: data.subarray(restAt), reason: e.message };
  }
  return out;
}

type DeviceSecurity = Extract<DecodedEventData, { kind: 'device-security' }>;

/**
 * Decodes the data of one event by its type (PFP §10.4). Returns undefined for types without a
 * decoder or data that is opaque by design (hashes of things the log does not carry).
 *
 * @param type - the event type.
 * @param data - the event data.
 * @param ctx - PCR index, UINTN size and the data's offset in the input.
 * @returns the decoded data.
 * @throws {AttestError} when the data does not have the structure its type requires (the parsers
 *   catch this and record it as the event's `decodeError`); `ERR_LIMIT_EXCEEDED` for more than
 *   100 000 device-path nodes, SIPA records, signature lists and entries or certificates (the
 *   parsers count these per log, and throw it too).
 * @example
 * ```ts
 * decodeEventData(EV.EFI_ACTION, bytes, { pcrIndex: 5, uintnBytes: 8, base: 0 });
 * ```
 */
export function decodeEventData(
  type: number,
  data: Uint8Array,
  ctx: DecodeContext,
): DecodedEventData | undefined {
  assertBytes(data, 'data');
  return withStructureBudget((budget) => decodeOwnedEventData(type, copyBytes(data), ctx, budget));
}

/**
 * {@link decodeEventData} over bytes no caller can change: the parsers' private copy of a log
 * (each event's data is a view into it). The decoded values are views into `data`, so nothing
 * is copied a second time. Sub-structures are counted against the parse's `budget`.
 *
 * @internal
 */
export function decodeOwnedEventData(
  type: number,
  data: Uint8Array,
  ctx: DecodeContext,
  budget: StructureBudget,
): DecodedEventData | undefined {
  const base = ctx.base;
  switch (type) {
    case EV.NO_ACTION:
      return decodeNoAction(data, base);
    case EV.SEPARATOR: {
      if (data.length !== 4) {
        throw new AttestError('ERR_BAD_LENGTH', {
          offset: base,
          field: 'EV_SEPARATOR',
          message: `separator data is ${data.length} bytes, not 4`,
        });
      }
      const value = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
      return { kind: 'separator', value, isError: value === 0xffffffff };
    }
    case EV.ACTION:
    case EV.EFI_ACTION:
    case EV.EFI_HCRTM_EVENT:
      return { kind: 'text', encoding: 'ascii', text: asciiText(data) };
    case EV.S_CRTM_VERSION:
      return decodeCrtmVersion(data);
    case EV.PREBOOT_CERT:
      return decodePrebootCert(data, base, budget);
    case EV.IPL_PARTITION_DATA:
      return decodeIplPartitionData(data, base);
    case EV.EFI_SPDM_FIRMWARE_BLOB:
    case EV.EFI_SPDM_FIRMWARE_CONFIG:
      return decodeDeviceSecurity(data, base, budget);
    case EV.NONHOST_INFO:
      if (
        data.length >= 17 &&
        asciiText(data.subarray(0, 16)) === 'GCE NonHostInfo' &&
        data[15] === 0
      ) {
        const code = data[16]!;
        return {
          kind: 'gce-nonhost-info',
          confidentialTechnology: code,
          technology: GCE_TECHNOLOGY[code] ?? `unknown (${code})`,
        };
      }
      return textOrBlob(data, base);
    case EV.POST_CODE:
    case EV.S_CRTM_CONTENTS:
    case EV.CPU_MICROCODE:
    case EV.PLATFORM_CONFIG_FLAGS:
    case EV.TABLE_OF_DEVICES:
    case EV.NONHOST_CODE:
    case EV.NONHOST_CONFIG:
    case EV.OMIT_BOOT_DEVICE_EVENTS:
    case EV.COMPACT_HASH:
      return textOrBlob(data, base);
    case EV.POST_CODE2:
    case EV.EFI_PLATFORM_FIRMWARE_BLOB2:
      return decodeBlob(data, base, true);
    case EV.EFI_PLATFORM_FIRMWARE_BLOB:
      return decodeBlob(data, base, false);
    case EV.EFI_HANDOFF_TABLES:
      return decodeHandoffTables(data, base, false, budget);
    case EV.EFI_HANDOFF_TABLES2:
      return decodeHandoffTables(data, base, true, budget);
    case EV.EFI_VARIABLE_DRIVER_CONFIG:
    case EV.EFI_VARIABLE_BOOT:
    case EV.EFI_VARIABLE_BOOT2:
    case EV.EFI_VARIABLE_AUTHORITY:
    case EV.EFI_SPDM_DEVICE_POLICY:
    case EV.EFI_SPDM_DEVICE_AUTHORITY:
      return { kind: 'uefi-variable', variable: readUefiVariable(type, data, base, budget) };
    case EV.EFI_BOOT_SERVICES_APPLICATION:
    case EV.EFI_BOOT_SERVICES_DRIVER:
    case EV.EFI_RUNTIME_SERVICES_DRIVER:
      return decodeImageLoad(data, ctx, budget);
    case EV.EFI_GPT_EVENT:
    case EV.EFI_GPT_EVENT2:
      return { kind: 'gpt', gpt: decodeGptData(data, base) };
    case EV.IPL:
      return decodeLoaderString(data, ctx);
    case EV.EVENT_TAG:
      return decodeEventTag(data, base, budget);
    default:
      return undefined;
  }
}
