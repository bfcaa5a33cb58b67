/**
 * @module
 * `parseImaLog`: Linux IMA runtime measurement lists (`/sys/kernel/security/ima/
 * {ascii,binary}_runtime_measurements[_<alg>]`; kernel `Documentation/security/IMA-templates.rst`
 * and `security/integrity/ima/ima_fs.c`). Templates `ima` (legacy), `ima-ng`, `ima-sig`,
 * `ima-buf`, `ima-modsig`, `ima-ngv2`, `ima-sigv2`; violations (all-zero template hash). For ascii
 * lists the template data is rebuilt from the printed fields so that any bank can be replayed.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, isAllZero } from '../core/bytes.js';
import { assertInputBytes, readSized } from './records.js';
import { digest } from '../core/crypto.js';
import { equalBytes, utf8Encode } from '../core/encoding.js';
import { asciiText } from './text.js';
import type { ImaEntry, ImaHashAlgorithm, ImaLog, ParseWarning } from './types.js';

/** Options of {@link parseImaLog}. */
export interface ImaParseOptions {
  /** Force the format; default: detected (ascii lists start with a decimal PCR and a space). */
  readonly format?: 'ascii' | 'binary';
  /**
   * Algorithm of the listed template hashes. Default: from their size (20 → sha1, 32 → sha256,
   * 48 → sha384, 64 → sha512); pass `sm3_256` for `*_runtime_measurements_sm3_256`.
   */
  readonly templateHashAlgorithm?: ImaHashAlgorithm;
}

const SIZE_TO_ALG: Readonly<Record<number, ImaHashAlgorithm>> = {
  20: 'sha1',
  32: 'sha256',
  48: 'sha384',
  64: 'sha512',
};
const ALG_SIZE: Readonly<Record<ImaHashAlgorithm, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sm3_256: 32,
};

/** Field names of the templates attestkit interprets (`ima_template.c`). */
const TEMPLATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'ima-ng': ['d-ng', 'n-ng'],
  'ima-sig': ['d-ng', 'n-ng', 'sig'],
  'ima-buf': ['d-ng', 'n-ng', 'buf'],
  'ima-modsig': ['d-ng', 'n-ng', 'sig', 'd-modsig', 'modsig'],
  'ima-ngv2': ['d-ngv2', 'n-ng'],
  'ima-sigv2': ['d-ngv2', 'n-ng', 'sig'],
};

/** `IMA_EVENT_NAME_LEN_MAX + 1`: the legacy `ima` template hashes the name padded to 256 bytes. */
const IMA_LEGACY_NAME_SIZE = 256;
const MAX_TEMPLATE_NAME = 255;

type Fields = Pick<ImaEntry, 'digestAlgorithm' | 'fileDigest' | 'path' | 'signature' | 'buffer'>;

function legacyTemplateData(digestBytes: Uint8Array, name: Uint8Array): Uint8Array {
  const td = new Uint8Array(20 + IMA_LEGACY_NAME_SIZE);
  td.set(digestBytes.subarray(0, 20));
  td.set(name.subarray(0, IMA_LEGACY_NAME_SIZE), 20);
  return td;
}

const ALG_NAMES = [
  'sha1',
  'sha256',
  'sha384',
  'sha512',
  'sm3_256',
  'md5',
  'sha224',
  'streebog256',
  'streebog512',
];

/** The hash name of a `d-ng` label, reusing common names' strings. */
function algName(td: Uint8Array, start: number, end: number): string {
  let s = start;
  for (let i = start; i < end; i++) if (td[i] === 0x3a) s = i + 1; // d-ngv2: "<type>:<alg>"
  outer: for (const a of ALG_NAMES) {
    if (a.length !== end - s) continue;
    for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== td[s + i]) continue outer;
    return a;
  }
  return asciiText(td.subarray(s, end));
}

/**
 * Reads the length-prefixed fields of a template's data in place (one DataView for the whole
 * list; only the returned fields become views or strings).
 */
function interpretFields(
  template: string,
  td: Uint8Array,
  base: number,
  text: TextDecoder,
  out: { -readonly [K in keyof Fields]: Fields[K] } = {},
): Fields {
  const names = TEMPLATE_FIELDS[template];
  if (names === undefined) return out;
  const end = td.length;
  let p = 0;
  for (const name of names) {
    if (p === end && (name === 'sig' || name === 'buf')) break;
    if (end - p < 4) {
      throw new AttestError('ERR_TRUNCATED', {
        offset: base + p,
        field: `IMA_TEMPLATE_DATA.${name}.size`,
        message: `need 4 bytes, ${end - p} remain`,
      });
    }
    const n = (td[p]! | (td[p + 1]! << 8) | (td[p + 2]! << 16) | (td[p + 3]! << 24)) >>> 0;
    p += 4;
    if (n > end - p) {
      throw new AttestError('ERR_TRUNCATED', {
        offset: base + p,
        field: `IMA_TEMPLATE_DATA.${name}`,
        message: `declared size ${n}, ${end - p} bytes remain`,
      });
    }
    const fEnd = p + n;
    if (name === 'd-ng' || name === 'd-ngv2') {
      let sep = -1;
      for (let i = p; i + 1 < fEnd; i++) {
        if (td[i] === 0x3a && td[i + 1] === 0) {
          sep = i;
          break;
        }
      }
      if (sep >= 0) {
        out.digestAlgorithm = algName(td, p, sep);
        out.fileDigest = td.subarray(sep + 2, fEnd);
      } else if (n === 20) {
        out.digestAlgorithm = 'sha1';
        out.fileDigest = td.subarray(p, fEnd);
      } else {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: base + p,
          field: 'd-ng',
          message: 'digest field lacks the "<alg>:\\0" prefix',
        });
      }
    } else if (name === 'n-ng') {
      out.path = text.decode(td.subarray(p, n > 0 && td[fEnd - 1] === 0 ? fEnd - 1 : fEnd));
    } else if (name === 'sig') out.signature = td.subarray(p, fEnd);
    else if (name === 'buf') out.buffer = td.subarray(p, fEnd);
    p = fEnd;
  }
  if (p !== end) {
    throw new AttestError('ERR_TRAILING_DATA', {
      offset: base + p,
      field: `IMA_TEMPLATE_DATA(${template})`,
      message: `${end - p} bytes after the template's fields`,
    });
  }
  return out;
}

const COMMON_TEMPLATES = [
  'ima-ng',
  'ima-sig',
  'ima-buf',
  'ima',
  'ima-modsig',
  'ima-ngv2',
  'ima-sigv2',
];

/** The template name, reusing the common names' strings (100 k entries share a handful). */
function templateNameOf(b: Uint8Array): string {
  outer: for (const t of COMMON_TEMPLATES) {
    if (t.length !== b.length) continue;
    for (let i = 0; i < b.length; i++) if (t.charCodeAt(i) !== b[i]) continue outer;
    return t;
  }
  return asciiText(b);
}

function detectHashSize(bytes: Uint8Array): number | undefined {
  for (const n of [20, 32, 48, 64]) {
    if (bytes.length < 4 + n + 4) continue;
    const p = 4 + n;
    const len =
      (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) >>> 0;
    if (len < 3 || len > MAX_TEMPLATE_NAME || p + 4 + len > bytes.length) continue;
    const name = bytes.subarray(p + 4, p + 4 + len);
    if (name[0] === 0x69 && name[1] === 0x6d && name[2] === 0x61) return n; // "ima"
  }
  return undefined;
}

function parseBinary(bytes: Uint8Array, options: ImaParseOptions): ImaLog {
  const size =
    options.templateHashAlgorithm !== undefined
      ? ALG_SIZE[options.templateHashAlgorithm]
      : detectHashSize(bytes);
  if (size === undefined) {
    throw new AttestError('ERR_UNKNOWN_FORMAT', {
      offset: 0,
      field: 'IMA_ENTRY',
      message:
        'not an IMA binary measurement list (no "ima…" template name after a 20/32/48/64-byte hash)',
    });
  }
  const alg = options.templateHashAlgorithm ?? SIZE_TO_ALG[size]!;
  // One private copy: hashes, template data and fields are views into it.
  const r = new ByteReader(bytes.slice(), 'IMA_ENTRY');
  const text = new TextDecoder();
  const entries: ImaEntry[] = [];
  const warnings: ParseWarning[] = [];
  while (r.remaining > 0) {
    const offset = r.absoluteOffset;
    let entry: ImaEntry;
    try {
      const pcrIndex = r.u32le('pcr');
      const templateHash = r.borrow(size, 'template_hash');
      const nameAt = r.absoluteOffset;
      const nameLen = r.u32le('template_name_len');
      if (nameLen === 0 || nameLen > MAX_TEMPLATE_NAME) {
        throw new AttestError('ERR_BAD_LENGTH', {
          offset: nameAt,
          field: 'IMA_ENTRY.template_name_len',
          message: `template name length ${nameLen} is outside 1..${MAX_TEMPLATE_NAME}`,
        });
      }
      const templateName = templateNameOf(r.borrow(nameLen, 'template_name'));
      const isViolation = isAllZero(templateHash);
      if (templateName === 'ima') {
        const fileDigest = r.borrow(20, 'filedata_hash');
        const fnAt = r.absoluteOffset;
        const fnLen = r.u32le('filename_len');
        if (fnLen > IMA_LEGACY_NAME_SIZE - 1) {
          throw new AttestError('ERR_BAD_LENGTH', {
            offset: fnAt,
            field: 'IMA_ENTRY.filename_len',
            message: `legacy name length ${fnLen} exceeds 255`,
          });
        }
        const name = r.borrow(fnLen, 'filename');
        entry = {
          index: entries.length,
          offset,
          pcrIndex,
          templateHash,
          templateName,
          templateData: legacyTemplateData(fileDigest, name),
          isViolation,
          digestAlgorithm: 'sha1',
          fileDigest,
          path: text.decode(name),
        };
      } else {
        const tdAt = r.absoluteOffset + 4;
        const templateData = readSized(r, 'template_data');
        const e: { -readonly [K in keyof ImaEntry]: ImaEntry[K] } = {
          index: entries.length,
          offset,
          pcrIndex,
          templateHash,
          templateName,
          templateData,
          isViolation,
        };
        interpretFields(templateName, templateData, tdAt, text, e);
        entry = e;
      }
    } catch (e) {
      if (e instanceof AttestError && e.code === 'ERR_TRUNCATED' && entries.length > 0) {
        warnings.push({
          code: 'partial-entry',
          offset,
          message: `the list ends inside entry ${entries.length} (at ${offset}); it is not replayed`,
        });
        break;
      }
      throw e;
    }
    entries.push(entry);
  }
  return { kind: 'ima', format: 'binary', templateHashAlgorithm: alg, entries, warnings };
}

const HEX_RE = /^[0-9a-fA-F]*$/;

function looksLikeSignature(tok: string): boolean {
  // An IMA signature starts with the xattr type 03 (EVM_IMA_XATTR_DIGSIG) and version 02.
  return tok.length >= 16 && tok.length % 2 === 0 && /^0[3-6]/.test(tok) && HEX_RE.test(tok);
}

function asciiError(offset: number, index: number, message: string): AttestError {
  return new AttestError('ERR_BAD_VALUE', {
    offset,
    field: 'ascii_runtime_measurements',
    message: `line ${index + 1}: ${message}`,
  });
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Decodes the hex in `line[start, end)` into `out` at `at`; false on a non-hex character. */
function hexInto(line: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  for (let i = start, o = at; i < end; i += 2, o++) {
    const hi = nibble(line.charCodeAt(i));
    const lo = nibble(line.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    out[o] = (hi << 4) | lo;
  }
  return true;
}

function isAsciiString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * One ascii line. The template hash and the rebuilt template data share one allocation; the file
 * digest, signature and buffer are views into the template data.
 */
function parseAsciiLine(
  line: string,
  offset: number,
  index: number,
  fixedAlg: ImaHashAlgorithm | undefined,
): ImaEntry {
  const s1 = line.indexOf(' ');
  const s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
  if (s1 <= 0 || s2 < 0)
    throw asciiError(offset, index, 'expected "<pcr> <template-hash> <template-name> …"');
  let pcrIndex = 0;
  for (let i = 0; i < s1; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || s1 > 10)
      throw asciiError(offset, index, `bad PCR "${line.slice(0, Math.min(s1, 12))}"`);
    pcrIndex = pcrIndex * 10 + c;
  }
  if (pcrIndex > 0xffffffff) throw asciiError(offset, index, 'PCR index out of range');
  const hashHex = s2 - s1 - 1;
  const hashLen = hashHex >> 1;
  if (
    hashHex % 2 !== 0 ||
    (fixedAlg !== undefined ? hashLen !== ALG_SIZE[fixedAlg] : SIZE_TO_ALG[hashLen] === undefined)
  ) {
    throw asciiError(offset, index, `template hash of ${hashHex} hex digits`);
  }
  const s3 = line.indexOf(' ', s2 + 1);
  const templateName = s3 < 0 ? line.slice(s2 + 1) : line.slice(s2 + 1, s3);
  const restAt = s3 < 0 ? line.length : s3 + 1;
  const fields = TEMPLATE_FIELDS[templateName];
  const known = templateName === 'ima' || (fields !== undefined && templateName !== 'ima-modsig');
  if (!known) {
    const templateHash = new Uint8Array(hashLen);
    if (!hexInto(line, s1 + 1, s2, templateHash, 0))
      throw new AttestError('ERR_BAD_ENCODING', {
        offset,
        field: 'template-hash',
        message: 'not hex',
      });
    return {
      index,
      offset,
      pcrIndex,
      templateHash,
      templateName,
      isViolation: isAllZero(templateHash),
    };
  }
  // The file digest token: "<alg>:<hex>" (or bare SHA-1 hex for the legacy template).
  let sp = line.indexOf(' ', restAt);
  if (sp < 0) {
    if (templateName === 'ima')
      throw asciiError(offset, index, 'legacy "ima" entry lacks a file name');
    sp = line.length;
  }
  const colon = templateName === 'ima' ? restAt - 1 : line.lastIndexOf(':', sp - 1);
  if (templateName !== 'ima' && colon < restAt)
    throw asciiError(offset, index, 'file digest must be "<alg>:<hex>"');
  const digestHex = sp - colon - 1;
  if (digestHex % 2 !== 0)
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'filedata-hash',
      message: 'odd number of hex digits',
    });
  const digestLen = digestHex >> 1;
  const label = templateName === 'ima' ? 'sha1' : line.slice(restAt, colon);
  const lastColon = label.lastIndexOf(':');
  const digestAlgorithm = lastColon >= 0 ? label.slice(lastColon + 1) : label;
  let tailEnd = line.length;
  let extraAt = -1;
  let extraLen = 0;
  if (templateName === 'ima-buf') {
    const ls = line.lastIndexOf(' ');
    if (ls <= sp) throw asciiError(offset, index, 'ima-buf entry lacks its buffer');
    extraAt = ls + 1;
    extraLen = line.length - extraAt;
    tailEnd = ls;
  } else if (fields?.includes('sig') === true) {
    const ls = line.lastIndexOf(' ');
    if (ls > sp && looksLikeSignature(line.slice(ls + 1))) {
      extraAt = ls + 1;
      extraLen = line.length - extraAt;
      tailEnd = ls;
    }
  }
  if (extraLen % 2 !== 0)
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'buf',
      message: 'odd number of hex digits',
    });
  const path = sp + 1 <= tailEnd ? line.slice(sp + 1, tailEnd) : '';
  const pathAscii = isAsciiString(path);
  const pathUtf8 = pathAscii ? undefined : utf8Encode(path);
  const pathLen = pathUtf8 !== undefined ? pathUtf8.length : path.length;
  let tdLen: number;
  if (templateName === 'ima') {
    if (digestLen !== 20) throw asciiError(offset, index, 'legacy "ima" digest must be SHA-1');
    tdLen = 20 + IMA_LEGACY_NAME_SIZE;
  } else {
    tdLen =
      4 +
      label.length +
      2 +
      digestLen +
      4 +
      pathLen +
      1 +
      (fields!.length > 2 ? 4 + (extraLen >> 1) : 0);
  }
  const buf = new Uint8Array(hashLen + tdLen);
  if (!hexInto(line, s1 + 1, s2, buf, 0))
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'template-hash',
      message: 'not hex',
    });
  const templateHash = buf.subarray(0, hashLen);
  const td = buf.subarray(hashLen);
  const dv = new DataView(td.buffer, td.byteOffset, td.byteLength);
  let o = 0;
  let digestAt: number;
  if (templateName === 'ima') {
    digestAt = 0;
    o = 20;
  } else {
    dv.setUint32(0, label.length + 2 + digestLen, true);
    o = 4;
    for (let i = 0; i < label.length; i++) td[o++] = label.charCodeAt(i) & 0xff;
    td[o++] = 0x3a;
    td[o++] = 0;
    digestAt = o;
  }
  if (!hexInto(line, colon + 1, sp, td, digestAt))
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'filedata-hash',
      message: 'not hex',
    });
  o = digestAt + digestLen;
  if (templateName !== 'ima') {
    dv.setUint32(o, pathLen + 1, true);
    o += 4;
  }
  if (pathUtf8 !== undefined)
    td.set(
      pathUtf8.subarray(0, templateName === 'ima' ? IMA_LEGACY_NAME_SIZE : pathUtf8.length),
      o,
    );
  else
    for (let i = 0; i < path.length && (templateName !== 'ima' || i < IMA_LEGACY_NAME_SIZE); i++)
      td[o + i] = path.charCodeAt(i);
  const fileDigest = td.subarray(digestAt, digestAt + digestLen);
  const entry: { -readonly [K in keyof ImaEntry]: ImaEntry[K] } = {
    index,
    offset,
    pcrIndex,
    templateHash,
    templateName,
    templateData: td,
    isViolation: isAllZero(templateHash),
    digestAlgorithm,
    fileDigest,
    path,
  };
  if (templateName !== 'ima' && fields!.length > 2) {
    o += pathLen + 1; // the NUL is already zero
    dv.setUint32(o, extraLen >> 1, true);
    o += 4;
    if (!hexInto(line, extraAt, extraAt + extraLen, td, o))
      throw new AttestError('ERR_BAD_ENCODING', { offset, field: 'sig', message: 'not hex' });
    const extra = td.subarray(o, o + (extraLen >> 1));
    if (templateName === 'ima-buf') entry.buffer = extra;
    else entry.signature = extra;
  }
  return entry;
}

function completeLastLine(e: ImaEntry, alg: ImaHashAlgorithm | undefined): boolean {
  if (e.isViolation || e.templateData === undefined || alg === undefined || alg === 'sm3_256')
    return true;
  return equalBytes(digest(alg, e.templateData), e.templateHash);
}

function parseAscii(bytes: Uint8Array, options: ImaParseOptions): ImaLog {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AttestError('ERR_BAD_ENCODING', {
      offset: 0,
      field: 'ascii_runtime_measurements',
      message: 'the list is not UTF-8 text',
      cause,
    });
  }
  const ascii = text.length === bytes.length;
  const entries: ImaEntry[] = [];
  const warnings: ParseWarning[] = [];
  let hashSize: number | undefined;
  let pos = 0;
  let byteOffset = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    const terminated = nl >= 0;
    if (!terminated) nl = text.length;
    let line = text.slice(pos, nl);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const lineBytes = ascii ? nl - pos : utf8Encode(text.slice(pos, nl)).length;
    if (line.length > 0) {
      try {
        const entry = parseAsciiLine(
          line,
          byteOffset,
          entries.length,
          options.templateHashAlgorithm,
        );
        const hs = entry.templateHash.length;
        if (hashSize !== undefined && hs !== hashSize) {
          throw new AttestError('ERR_BAD_VALUE', {
            offset: byteOffset,
            field: 'template-hash',
            message: `line ${entries.length + 1}: template hash of ${hs} bytes after ${hashSize}-byte ones`,
          });
        }
        hashSize = hs;
        if (
          !terminated &&
          entries.length > 0 &&
          !completeLastLine(entry, options.templateHashAlgorithm ?? SIZE_TO_ALG[hs])
        ) {
          // The kernel ends every line with "\n": an unterminated last line whose template hash does
          // not cover its fields was cut while copying.
          throw new AttestError('ERR_TRUNCATED', {
            offset: byteOffset,
            field: 'ascii_runtime_measurements',
            message: 'cut line',
          });
        }
        entries.push(entry);
      } catch (e) {
        if (!terminated && e instanceof AttestError && entries.length > 0) {
          warnings.push({
            code: 'partial-entry',
            offset: byteOffset,
            message: `the last line (at ${byteOffset}) is incomplete; it is not replayed`,
          });
          break;
        }
        throw e;
      }
    }
    pos = nl + 1;
    byteOffset += lineBytes + 1;
  }
  if (entries.length === 0) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: 0,
      field: 'ascii_runtime_measurements',
      message: 'the list has no entries',
    });
  }
  const alg = options.templateHashAlgorithm ?? SIZE_TO_ALG[hashSize!]!;
  return { kind: 'ima', format: 'ascii', templateHashAlgorithm: alg, entries, warnings };
}

function looksAscii(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && i < 11 && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) i++;
  return i > 0 && bytes[i] === 0x20;
}

/**
 * Parses an IMA runtime measurement list, ascii or binary (Linux IMA, `ima_fs.c`,
 * `Documentation/security/IMA-templates.rst`). Unverified: replay it against PCR 10 with
 * {@link verifyEventLog}. A list cut inside its last entry parses, with a `partial-entry` warning.
 *
 * Exported from `attestkit/eventlog`.
 *
 * @param bytes - `ascii_runtime_measurements*` or `binary_runtime_measurements*`.
 * @param options - `format`, `templateHashAlgorithm` (see {@link ImaParseOptions}).
 * @returns the list.
 * @throws {AttestError} `ERR_TRUNCATED` (empty, or a size past the end), `ERR_BAD_LENGTH`,
 *   `ERR_BAD_VALUE` / `ERR_BAD_ENCODING` (a malformed ascii line), `ERR_TRAILING_DATA`,
 *   `ERR_UNKNOWN_FORMAT` (not a measurement list).
 * @example
 * ```ts
 * import { parseImaLog } from 'attestkit/eventlog';
 * const ima = parseImaLog(bytes);
 * console.log(ima.entries.length, ima.entries.filter((e) => e.isViolation).length);
 * ```
 */
export function parseImaLog(bytes: Uint8Array, options: ImaParseOptions = {}): ImaLog {
  assertInputBytes(bytes, 'bytes');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  if (
    options.templateHashAlgorithm !== undefined &&
    ALG_SIZE[options.templateHashAlgorithm] === undefined
  ) {
    throw new TypeError(`unknown templateHashAlgorithm ${String(options.templateHashAlgorithm)}`);
  }
  if (bytes.length === 0) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: 0,
      field: 'IMA_ENTRY',
      message: 'empty measurement list',
    });
  }
  const format = options.format ?? (looksAscii(bytes) ? 'ascii' : 'binary');
  return format === 'ascii' ? parseAscii(bytes, options) : parseBinary(bytes, options);
}
