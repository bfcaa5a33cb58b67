/**
 * Reader for the PCR file `tpm2_quote -o` writes and `tpm2_checkquote -f` reads (tpm2-tools'
 * "serialized" form; spec-notes/tpm.md §9). It is not a TPM wire format but a little-endian
 * memory dump of two TSS2 structures:
 *
 * - TPML_PCR_SELECTION: u32 count, then 16 slots of TPMS_PCR_SELECTION (u16 hash, u8
 *   sizeofSelect, u8 pcrSelect[4], 1 pad byte) = 132 bytes whatever the count;
 * - u32 number of TPML_DIGEST blocks, then each block: u32 count and 8 slots of TPM2B_DIGEST
 *   (u16 size, 64-byte buffer). The values follow the selection order, 8 per block.
 *
 * Test support only: the SDK takes PCR values as data, not in this tool-specific layout.
 */
import type { PcrBanks } from '../../../src/tpm/index.js';
import { TPM_ALG } from '../../../src/tpm/index.js';

const SELECTION_SLOTS = 16;
const SELECTION_SLOT_SIZE = 8;
const SELECT_MAX = 4;
const SELECTION_SIZE = 4 + SELECTION_SLOTS * SELECTION_SLOT_SIZE;
const DIGEST_SLOTS = 8;
const DIGEST_BUFFER = 64;
const BLOCK_SIZE = 4 + DIGEST_SLOTS * (2 + DIGEST_BUFFER);

const BANKS: Readonly<Record<number, keyof PcrBanks>> = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
};

/** One selection of the file, in file order. */
export interface Tpm2ToolsPcrSelection {
  readonly hashAlg: number;
  readonly bank: keyof PcrBanks;
  readonly pcrs: readonly number[];
}

/** A parsed tpm2-tools PCR file. */
export interface Tpm2ToolsPcrFile {
  readonly selections: readonly Tpm2ToolsPcrSelection[];
  /** The values, bank → index → digest (a bank listed twice keeps its last values). */
  readonly pcrs: PcrBanks;
  /** The values in file order (selection by selection, ascending index). */
  readonly values: readonly Uint8Array[];
}

/**
 * Parses a tpm2-tools serialized PCR file strictly: every slot past a count must be zero, the
 * file must be exactly as long as its blocks, and the values must be as many as the selection
 * selects. Throws Error (test data that breaks these rules is a broken vector).
 */
export function parseTpm2ToolsPcrFile(bytes: Uint8Array): Tpm2ToolsPcrFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new Error(`tpm2-tools PCR file: ${what}`);
  };
  if (bytes.length < SELECTION_SIZE + 4) fail(`${bytes.length} bytes is too short`);
  const count = dv.getUint32(0, true);
  if (count > SELECTION_SLOTS) fail(`selection count ${count} > ${SELECTION_SLOTS}`);
  const selections: Tpm2ToolsPcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const at = 4 + i * SELECTION_SLOT_SIZE;
    const hashAlg = dv.getUint16(at, true);
    const sizeofSelect = bytes[at + 2]!;
    if (sizeofSelect > SELECT_MAX) fail(`sizeofSelect ${sizeofSelect} > ${SELECT_MAX}`);
    const bank = BANKS[hashAlg] ?? fail(`unknown bank 0x${hashAlg.toString(16)}`);
    const pcrs: number[] = [];
    for (let n = 0; n < sizeofSelect * 8; n++) {
      if ((bytes[at + 3 + (n >> 3)]! >> (n & 7)) & 1) pcrs.push(n);
    }
    for (let p = at + 3 + sizeofSelect; p < at + SELECTION_SLOT_SIZE; p++) {
      if (bytes[p] !== 0) fail(`non-zero byte past pcrSelect at ${p}`);
    }
    selections.push({ hashAlg, bank, pcrs });
  }
  for (let p = 4 + count * SELECTION_SLOT_SIZE; p < SELECTION_SIZE; p++) {
    if (bytes[p] !== 0) fail(`non-zero byte in an unused selection slot at ${p}`);
  }
  const blocks = dv.getUint32(SELECTION_SIZE, true);
  if (bytes.length !== SELECTION_SIZE + 4 + blocks * BLOCK_SIZE) {
    fail(`${bytes.length} bytes for ${blocks} digest blocks`);
  }
  const values: Uint8Array[] = [];
  for (let b = 0; b < blocks; b++) {
    const at = SELECTION_SIZE + 4 + b * BLOCK_SIZE;
    const n = dv.getUint32(at, true);
    if (n > DIGEST_SLOTS) fail(`digest count ${n} > ${DIGEST_SLOTS}`);
    for (let i = 0; i < DIGEST_SLOTS; i++) {
      const slot = at + 4 + i * (2 + DIGEST_BUFFER);
      const size = dv.getUint16(slot, true);
      if (size > DIGEST_BUFFER) fail(`digest size ${size} at ${slot}`);
      if (i < n) values.push(bytes.slice(slot + 2, slot + 2 + size));
      const unusedFrom = i < n ? slot + 2 + size : slot;
      for (let p = unusedFrom; p < slot + 2 + DIGEST_BUFFER; p++) {
        if (bytes[p] !== 0) fail(`non-zero byte in an unused digest slot at ${p}`);
      }
    }
  }
  const selected = selections.reduce((t, s) => t + s.pcrs.length, 0);
  if (values.length !== selected) fail(`${values.length} values for ${selected} selected PCRs`);
  const pcrs: Record<string, Record<number, Uint8Array>> = {};
  let v = 0;
  for (const s of selections) {
    const bank = (pcrs[s.bank] ??= {});
    for (const i of s.pcrs) bank[i] = values[v++]!;
  }
  return { selections, pcrs, values };
}
