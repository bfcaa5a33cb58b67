/**
 * @module
 * EFI device paths (UEFI 2.10 §10.3) rendered as text, in the notation of efivar's
 * `efidp_format_device_path` (what `tpm2_eventlog` prints): `PciRoot(0x0)/Pci(0x3,0x0)/SCSI(1,0)/
 * HD(15,GPT,<guid>,0x2800,0x35000)/File(\EFI\ubuntu\shimx64.efi)`. Nodes attestkit has no
 * renderer for print as `Path(type,subtype,hex)`. Bounds-checked; throws only AttestError.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader } from '../core/bytes.js';
import { toHex } from '../core/encoding.js';
import { DEVICE_PATH_TYPE } from './constants.js';
import { spendStructure, withStructureBudget, type StructureBudget } from './budget.js';
import type { DevicePathNode } from './types.js';
import { asciiText, guidAt, utf16Text } from './text.js';

const hx = (v: number | bigint): string => `0x${v.toString(16)}`;

function acpiHid(hid: number, uid: number): string {
  if ((hid & 0xffff) === 0x41d0) {
    const pnp = hid >>> 16;
    switch (pnp) {
      case 0x0a03:
        return `PciRoot(${hx(uid)})`;
      case 0x0a08:
        return `PcieRoot(${hx(uid)})`;
      case 0x0604:
        return `Floppy(${hx(uid)})`;
      case 0x0301:
        return `Keyboard(${hx(uid)})`;
      case 0x0501:
        return `Serial(${hx(uid)})`;
      case 0x0401:
        return `ParallelPort(${hx(uid)})`;
      default:
        return `Acpi(PNP${pnp.toString(16).padStart(4, '0')},${hx(uid)})`;
    }
  }
  return `Acpi(${hx(hid)},${hx(uid)})`;
}

const BBS_TYPES: Readonly<Record<number, string>> = {
  1: 'Floppy',
  2: 'HD',
  3: 'CDROM',
  4: 'PCMCIA',
  5: 'USB',
  6: 'Network',
};

function renderNode(type: number, subtype: number, r: ByteReader): string {
  const body = r.bytes;
  const generic = (): string => `Path(${type},${subtype},${toHex(body)})`;
  switch (type) {
    case DEVICE_PATH_TYPE.HARDWARE:
      switch (subtype) {
        case 0x01: {
          const fn = r.u8('Function');
          const dev = r.u8('Device');
          return `Pci(${hx(dev)},${hx(fn)})`;
        }
        case 0x02:
          return `PcCard(${r.u8('FunctionNumber')})`;
        case 0x03: {
          const memType = r.u32le('MemoryType');
          return `MemoryMapped(${memType},${hx(r.u64le('StartingAddress'))},${hx(r.u64le('EndingAddress'))})`;
        }
        case 0x04: {
          const guid = guidAt(r.borrow(16, 'VendorGuid'), 0);
          return r.remaining > 0
            ? `VenHw(${guid},${toHex(r.borrow(r.remaining, 'VendorData'))})`
            : `VenHw(${guid})`;
        }
        case 0x05:
          return `Ctrl(${r.u32le('ControllerNumber')})`;
        default:
          return generic();
      }
    case DEVICE_PATH_TYPE.ACPI:
      switch (subtype) {
        case 0x01:
          return acpiHid(r.u32le('HID'), r.u32le('UID'));
        case 0x02: {
          const hid = r.u32le('HID');
          const uid = r.u32le('UID');
          const cid = r.u32le('CID');
          return `AcpiEx(${hx(hid)},${hx(cid)},${hx(uid)})`;
        }
        case 0x03:
          return `AcpiAdr(${hx(r.u32le('ADR'))})`;
        default:
          return generic();
      }
    case DEVICE_PATH_TYPE.MESSAGING:
      switch (subtype) {
        case 0x01: {
          const ps = r.u8('PrimarySecondary');
          const ms = r.u8('SlaveMaster');
          return `Ata(${ps},${ms},${r.u16le('Lun')})`;
        }
        case 0x02:
          return `SCSI(${r.u16le('TargetId')},${r.u16le('Lun')})`;
        case 0x05:
          return `USB(${r.u8('ParentPortNumber')},${r.u8('InterfaceNumber')})`;
        case 0x0a:
          return `VenMsg(${guidAt(r.borrow(16, 'VendorGuid'), 0)})`;
        case 0x0b: {
          const mac = r.borrow(32, 'MacAddress');
          const ifType = r.u8('IfType');
          const n = ifType === 0 || ifType === 1 ? 6 : 32;
          return `MAC(${toHex(mac.subarray(0, n))},${ifType})`;
        }
        case 0x0c: {
          const local = r.borrow(4, 'LocalIpAddress');
          const remote = r.borrow(4, 'RemoteIpAddress');
          const localPort = r.u16le('LocalPort');
          const remotePort = r.u16le('RemotePort');
          const protocol = r.u16le('Protocol');
          const isStatic = r.u8('StaticIpAddress');
          return `IPv4(${Array.from(remote).join('.')},${protocol},${isStatic ? 'Static' : 'DHCP'},${Array.from(local).join('.')},${localPort},${remotePort})`;
        }
        case 0x12:
          return `Sata(${r.u16le('HBAPortNumber')},${r.u16le('PortMultiplierPortNumber')},${r.u16le('Lun')})`;
        case 0x17: {
          const nsid = r.u32le('NamespaceIdentifier');
          const eui = Array.from(r.borrow(8, 'IeeeExtendedUniqueIdentifier'), (b) =>
            b.toString(16).padStart(2, '0'),
          ).join('-');
          return `NVMe(${hx(nsid)},${eui})`;
        }
        case 0x18:
          return `Uri(${asciiText(r.borrow(r.remaining, 'Uri'))})`;
        default:
          return generic();
      }
    case DEVICE_PATH_TYPE.MEDIA:
      switch (subtype) {
        case 0x01: {
          const part = r.u32le('PartitionNumber');
          const start = r.u64le('PartitionStart');
          const size = r.u64le('PartitionSize');
          const sig = r.borrow(16, 'PartitionSignature');
          const format = r.u8('PartitionFormat');
          const sigType = r.u8('SignatureType');
          if (sigType === 2) return `HD(${part},GPT,${guidAt(sig, 0)},${hx(start)},${hx(size)})`;
          if (sigType === 1) {
            const mbr =
              ((sig[0] ?? 0) |
                ((sig[1] ?? 0) << 8) |
                ((sig[2] ?? 0) << 16) |
                ((sig[3] ?? 0) << 24)) >>>
              0;
            return `HD(${part},MBR,0x${mbr.toString(16).padStart(8, '0')},${hx(start)},${hx(size)})`;
          }
          return `HD(${part},${format},0,${hx(start)},${hx(size)})`;
        }
        case 0x02:
          return `CDROM(${r.u32le('BootEntry')},${hx(r.u64le('PartitionStart'))},${hx(r.u64le('PartitionSize'))})`;
        case 0x03:
          return `VenMedia(${guidAt(r.borrow(16, 'VendorGuid'), 0)})`;
        case 0x04:
          return `File(${utf16Text(r.borrow(r.remaining, 'PathName'))})`;
        case 0x05:
          return `Media(${guidAt(r.borrow(16, 'Protocol'), 0)})`;
        case 0x06:
          return `FvFile(${guidAt(r.borrow(16, 'FvFileName'), 0)})`;
        case 0x07:
          return `FvVol(${guidAt(r.borrow(16, 'FvName'), 0)})`;
        case 0x08: {
          r.skip(4, 'Reserved');
          return `Offset(${hx(r.u64le('StartingOffset'))},${hx(r.u64le('EndingOffset'))})`;
        }
        default:
          return generic();
      }
    case DEVICE_PATH_TYPE.BIOS_BOOT:
      if (subtype === 0x01) {
        const devType = r.u16le('DeviceType');
        const flags = r.u16le('StatusFlag');
        const desc = r.borrow(r.remaining, 'Description');
        const name = BBS_TYPES[devType] ?? hx(devType);
        return `BBS(${name},${asciiText(desc)},${hx(flags)})`;
      }
      return generic();
    default:
      return generic();
  }
}

/**
 * Decodes an EFI device path into nodes with their text (UEFI 2.10 §10.3). Stops at the
 * end-of-entire-path node; an end-of-instance node becomes a `,` separator.
 *
 * @param bytes - the device path.
 * @param base - offset of `bytes` in the enclosing input (for error offsets).
 * @returns the nodes and the joined text.
 * @throws {AttestError} `ERR_TRUNCATED` when a node runs past the end, `ERR_BAD_LENGTH` for a
 *   node shorter than its 4-byte header, `ERR_LIMIT_EXCEEDED` for more than 100 000 nodes.
 * @example
 * ```ts
 * const { text } = decodeDevicePath(bytes); // 'PciRoot(0x0)/Pci(0x3,0x0)/…'
 * ```
 */
export function decodeDevicePath(
  bytes: Uint8Array,
  base = 0,
): {
  /** The nodes in path order, end nodes left out. */
  readonly nodes: readonly DevicePathNode[];
  /** The whole path as text: nodes joined by `/`, instances by `,`. */
  readonly text: string;
} {
  return withStructureBudget((budget) => readDevicePathNodes(bytes, base, budget));
}

/** {@link decodeDevicePath}, each node counted against the parse's `budget`. */
export function readDevicePathNodes(
  bytes: Uint8Array,
  base: number,
  budget: StructureBudget,
): ReturnType<typeof decodeDevicePath> {
  const r = new ByteReader(bytes, 'EFI_DEVICE_PATH', base);
  const nodes: DevicePathNode[] = [];
  let text = '';
  let sep = '';
  while (r.remaining > 0) {
    const at = r.absoluteOffset;
    const type = r.u8('Type');
    const subtype = r.u8('SubType');
    const length = r.u16le('Length');
    if (length < 4) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: at,
        field: 'EFI_DEVICE_PATH.Length',
        message: `device path node length ${length} is shorter than its header`,
      });
    }
    const body = r.sub(length - 4, 'EFI_DEVICE_PATH_NODE');
    spendStructure(budget, at);
    if (type === DEVICE_PATH_TYPE.END) {
      if (subtype === 0xff) break;
      sep = ',';
      continue;
    }
    let nodeText: string;
    try {
      nodeText = renderNode(type, subtype, body);
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      nodeText = `Path(${type},${subtype},${toHex(body.bytes)})`;
    }
    nodes.push({ type, subtype, text: nodeText });
    text += (text === '' ? '' : sep === '' ? '/' : sep) + nodeText;
    sep = '';
  }
  return { nodes, text };
}
