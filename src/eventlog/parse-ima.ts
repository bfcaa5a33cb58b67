/**
 * @module
 * `parseImaLog`: Linux IMA runtime measurement lists (`/sys/kernel/security/ima/
 * {ascii,binary}_runtime_measurements[_<alg>]`; kernel `Documentation/security/IMA-templates.rst`
 * and `security/integrity/ima/ima_fs.c`). Templates `ima` (legacy), `ima-ng`, `ima-sig`,
 * `ima-buf`, `ima-modsig`, `ima-ngv2`, `ima-sigv2`, `evm-sig`, custom `ima_template_fmt` formats
 * (named by the format string); violations (all-zero template hash). For ascii
 * lists the template data is rebuilt from the printed fields so that any bank can be replayed.
 */
import { AttestError } from '../core/errors.js';
import { isAllZero } from '../core/bytes.js';
import { assertInputBytes } from './records.js';
import { digest } from '../core/crypto.js';
import { equalBytes, utf8Encode } from '../core/encoding.js';
import { asciiText } from './text.js';
import type { ImaEntry, ImaHashAlgorithm, ImaLog, ParseWarning } from './types.js';

/** Options of {@link parseImaLog}. */
export interface ImaParseOptions {
  /**
   * Force the format (`ascii` or `binary`; anything else is a TypeError). Default: detected (ascii
   * lists start with a decimal PCR, " 9" for PCRs 0–9, and a space).
   */
  readonly format?: 'ascii' | 'binary';
  /**
   * Algorithm of the listed template hashes. Default: from their size (20 → sha1, 32 → sha256,
   * 48 → sha384, 64 → sha512); pass `sm3_256` for `*_runtime_measurements_sm3_256`.
   */
  readonly templateHashAlgorithm?: ImaHashAlgorithm;
  /**
   * The most entries accepted (a positive integer); a list that goes on after them is
   * `ERR_LIMIT_EXCEEDED`. Default 500 000, five times the 100 000-entry list attestkit benchmarks.
   * A parsed entry costs some hundreds of bytes of heap for as little as 33 bytes of input:
   * raising the bound raises what a hostile list can make a parse allocate (about 156 MiB at the
   * default).
   */
  readonly maxEntries?: number;
}

/**
 * The default of `ImaParseOptions.maxEntries`: five times the 100 000-entry list attestkit
 * benchmarks (real lists hold hundreds to tens of thousands of entries). A minimal binary entry
 * (33 bytes: PCR, SHA-1 template hash, a one-byte name, empty data) costs about 10 times its size
 * in heap, so without a bound a 31 MiB list of them took about 300 MiB; at the default a list
 * stops after 15.7 MiB of them and about 156 MiB of heap.
 */
export const DEFAULT_MAX_IMA_ENTRIES = 500_000;

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

/**
 * The kernel's built-in templates other than the legacy `ima` (`ima_template.c`,
 * `builtin_templates`); their fields: {@link FIELD_LISTS}.
 */
const FIELD_TEMPLATES = [
  'ima-ng',
  'ima-sig',
  'ima-buf',
  'ima-modsig',
  'ima-ngv2',
  'ima-sigv2',
  'evm-sig',
];
/** Field ids of each of {@link FIELD_TEMPLATES}, in the order the template data holds them. */
const FIELD_LISTS: readonly (readonly string[])[] = [
  ['d-ng', 'n-ng'],
  ['d-ng', 'n-ng', 'sig'],
  ['d-ng', 'n-ng', 'buf'],
  ['d-ng', 'n-ng', 'sig', 'd-modsig', 'modsig'],
  ['d-ngv2', 'n-ng'],
  ['d-ngv2', 'n-ng', 'sig'],
  ['d-ng', 'n-ng', 'evmsig', 'xattrnames', 'xattrlengths', 'xattrvalues', 'iuid', 'igid', 'imode'],
];

/** The kernel's template field ids (`ima_template.c`, `supported_fields`). */
const FIELD_IDS = [
  'd',
  'n',
  'd-ng',
  'd-ngv2',
  'n-ng',
  'sig',
  'buf',
  'd-modsig',
  'modsig',
  'evmsig',
  'iuid',
  'igid',
  'imode',
  'xattrnames',
  'xattrlengths',
  'xattrvalues',
];
/** `IMA_TEMPLATE_NUM_FIELDS_MAX` (`ima.h`). */
const MAX_TEMPLATE_FIELDS = 15;

/**
 * The field ids of a built-in template, else undefined. A list, not an object keyed by the name:
 * the name comes from the input, and `constructor` or `__proto__` must not find an inherited
 * property. The common names are the interned constants (templateNameAt), so the first
 * comparison usually decides.
 */
function templateFields(template: string): readonly string[] | undefined {
  for (let i = 0; i < FIELD_TEMPLATES.length; i++)
    if (FIELD_TEMPLATES[i] === template) return FIELD_LISTS[i];
  return undefined;
}

/**
 * The fields of a template named by its format string (`ima_template_fmt=`: the kernel lists such
 * an entry under the format itself, `ima_fs.c`), else undefined. Only the layouts whose file
 * digest and path attestkit reads the same way whatever the name says are accepted: a digest
 * field (`d`, `d-ng`, `d-ngv2`) first, a name field (`n`, `n-ng`) second, no other digest or name
 * field, and at most one `sig` and one `buf`. The name is not covered by the template hash, so
 * this is what keeps a relabel from moving another field into the path or the digest.
 */
function formatFields(template: string): readonly string[] | undefined {
  const ids = template.split('|');
  if (ids.length < 2 || ids.length > MAX_TEMPLATE_FIELDS) return undefined;
  for (const id of ids) if (!FIELD_IDS.includes(id)) return undefined;
  const [d, n] = ids;
  if (d !== 'd' && d !== 'd-ng' && d !== 'd-ngv2') return undefined;
  if (n !== 'n' && n !== 'n-ng') return undefined;
  let sigs = 0;
  let bufs = 0;
  for (let i = 2; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === 'd' || id === 'd-ng' || id === 'd-ngv2' || id === 'n' || id === 'n-ng')
      return undefined;
    if (id === 'sig') sigs++;
    if (id === 'buf') bufs++;
  }
  if (sigs > 1 || bufs > 1) return undefined;
  // A format equal to a built-in one reads as that template (one shared list, same hidden class).
  const joined = ids.join('|');
  for (const l of FIELD_LISTS) if (l.join('|') === joined) return l;
  return ids;
}

/**
 * Resolves template names to field lists for one parse: built-in names straight from the table
 * (no per-entry work beyond it), any other name once, then from a Map keyed by the name string.
 */
class TemplateResolver {
  private readonly byName = new Map<string, readonly string[] | null>();
  fields(template: string): readonly string[] | undefined {
    const builtin = templateFields(template);
    if (builtin !== undefined) return builtin;
    let f = this.byName.get(template);
    if (f === undefined) {
      f = formatFields(template) ?? null;
      this.byName.set(template, f);
    }
    return f ?? undefined;
  }
}

/**
 * True when the `n` bytes at `b[at]` start with an IMA signature header as the kernel writes one
 * in a `sig` field (`ima_template_lib.c`, `ima_eventsig_init`: only xattr type 3,
 * `EVM_IMA_XATTR_DIGSIG`, or 6, `IMA_VERITY_DIGSIG`): the 9-byte `signature_v2_hdr` with version 2
 * or 3. Only the first two bytes are read.
 * Used by `verifyEventLog` (`eventlog.ima.template-hashes`); not part of the public API.
 */
export function isImaSignatureHeader(b: Uint8Array, at = 0, n: number = b.length - at): boolean {
  const type = b[at];
  const version = b[at + 1];
  return n >= 9 && (type === 3 || type === 6) && (version === 2 || version === 3);
}

/**
 * The ids of the fields of `templateData` that `templateName`'s reading does not show as the
 * entry's `signature` but that start with an IMA signature header ({@link isImaSignatureHeader}:
 * type 3, `EVM_IMA_XATTR_DIGSIG`, which the kernel writes only in a `sig` field, or 6,
 * `IMA_VERITY_DIGSIG`).
 * The template name is not covered by the template hash: `ima-sig` data relabelled
 * `d-ng|n-ng|buf` (or `ima-buf`) would show its signature as a buffer and `signed` as false.
 * `xattrvalues` is exempt when the entry's `xattrnames` is not empty (it then holds the file's
 * `security.ima`, a signature by design). Empty for an entry attestkit does not read.
 * Used by `verifyEventLog` (`eventlog.ima.template-hashes` warns); not part of the public API.
 */
export function imaHiddenSignatureFields(
  templateName: string,
  templateData: Uint8Array,
): readonly string[] {
  const ids = templateFields(templateName) ?? formatFields(templateName);
  if (ids === undefined || ids.length < 3) return [];
  const out: string[] = [];
  let hasXattrNames = false;
  let p = 0;
  const end = templateData.length;
  for (const id of ids) {
    if (end - p < 4) break;
    const n = u32At(templateData, p);
    p += 4;
    if (n > end - p) break;
    if (id === 'xattrnames' && n > 0) hasXattrNames = true;
    if (
      id !== 'sig' &&
      !(id === 'xattrvalues' && hasXattrNames) &&
      isImaSignatureHeader(templateData, p, n)
    )
      out.push(id);
    p += n;
  }
  return out;
}

/** `IMA_EVENT_NAME_LEN_MAX + 1`: the legacy `ima` template hashes the name padded to 256 bytes. */
const IMA_LEGACY_NAME_SIZE = 256;
const MAX_TEMPLATE_NAME = 255;

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

/** The fields of one template's data, read in place (absolute offsets into the private copy). */
interface TemplateFields {
  /** Where the next entry starts (set by {@link readBinaryEntry}). */
  next: number;
  digestAlgorithm: string | undefined;
  fileDigest: Uint8Array | undefined;
  path: string | undefined;
  signature: Uint8Array | undefined;
  buffer: Uint8Array | undefined;
}

const u32At = (b: Uint8Array, p: number): number =>
  (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;

/**
 * Reads the length-prefixed fields of a template's data, `buf[start, end)`, in place: only the
 * returned fields become views (over `ab`, the buffer of `buf`, which starts at `bo` in it) or
 * strings. `f` is reset and filled, so one scratch object serves the whole list. `names` is the
 * template's field list (undefined: a template attestkit does not read, nothing is filled).
 *
 * In every list attestkit reads, field 0 is the digest and field 1 the name, and both are read
 * from their bytes alone: `d` (a bare 20-byte SHA-1) and `d-ng`/`d-ngv2` (`<alg>:\0<digest>`) are
 * told apart by the `:\0` separator, `n` and `n-ng` both end with the NUL the kernel writes
 * (`DATA_FMT_STRING`; every field is length-prefixed outside the legacy `ima` template). So a
 * relabelled name cannot change the file digest or the path shown; the later fields it can only
 * label (`sig` becomes `signature`, `buf` becomes `buffer`, the others are skipped).
 */
function interpretFields(
  names: readonly string[] | undefined,
  template: string,
  buf: Uint8Array,
  start: number,
  end: number,
  text: TextDecoder,
  f: TemplateFields,
  ab: ArrayBufferLike,
  bo: number,
): void {
  f.digestAlgorithm = undefined;
  f.fileDigest = undefined;
  f.path = undefined;
  f.signature = undefined;
  f.buffer = undefined;
  if (names === undefined) return;
  let p = start;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (p === end && (name === 'sig' || name === 'buf')) break;
    // The template data fits in the input (readBinaryEntry checked its size), so a field that runs
    // past it is a malformed entry, not a list cut short: ERR_BAD_LENGTH, never ERR_TRUNCATED
    // (which parseBinary reads as a partial last entry and stops, dropping every later entry).
    const n = end - p < 4 ? -1 : u32At(buf, p);
    if (n < 0 || n > end - p - 4) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: p,
        field: `IMA_TEMPLATE_DATA.${name}`,
        message:
          n < 0
            ? `field size needs 4 bytes, ${end - p} remain in the template data`
            : `declared size ${n}, ${end - p - 4} bytes remain in the template data`,
      });
    }
    p += 4;
    const fEnd = p + n;
    if (k === 0) {
      let sep = -1;
      for (let i = p; i + 1 < fEnd; i++) {
        if (buf[i] === 0x3a && buf[i + 1] === 0) {
          sep = i;
          break;
        }
      }
      if (sep >= 0) {
        f.digestAlgorithm = algName(buf, p, sep);
        f.fileDigest = new Uint8Array(ab, bo + sep + 2, fEnd - sep - 2);
      } else if (n === 20) {
        f.digestAlgorithm = 'sha1';
        f.fileDigest = new Uint8Array(ab, bo + p, n);
      } else {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: p,
          field: name,
          message: 'digest field is neither "<alg>:\\0<digest>" nor a 20-byte SHA-1',
        });
      }
    } else if (k === 1) {
      const pEnd = n > 0 && buf[fEnd - 1] === 0 ? fEnd - 1 : fEnd;
      f.path = text.decode(new Uint8Array(ab, bo + p, pEnd - p));
    } else if (name === 'sig') f.signature = new Uint8Array(ab, bo + p, n);
    else if (name === 'buf') f.buffer = new Uint8Array(ab, bo + p, n);
    p = fEnd;
  }
  if (p !== end) {
    throw new AttestError('ERR_TRAILING_DATA', {
      offset: p,
      field: `IMA_TEMPLATE_DATA(${template})`,
      message: `${end - p} bytes after the template's fields`,
    });
  }
}

const COMMON_TEMPLATES = [
  'ima-ng',
  'ima-sig',
  'ima-buf',
  'ima',
  'ima-modsig',
  'ima-ngv2',
  'ima-sigv2',
  'evm-sig',
];

/** The template name at `b[at, at + n)`, reusing the common names' strings (100 k entries share a handful). */
function templateNameAt(b: Uint8Array, at: number, n: number): string {
  outer: for (const t of COMMON_TEMPLATES) {
    if (t.length !== n) continue;
    for (let i = 0; i < n; i++) if (t.charCodeAt(i) !== b[at + i]) continue outer;
    return t;
  }
  return asciiText(b.subarray(at, at + n));
}

function allZeroAt(b: Uint8Array, at: number, n: number): boolean {
  let acc = 0;
  for (let i = at; i < at + n; i++) acc |= b[i]!;
  return acc === 0;
}

function detectHashSize(bytes: Uint8Array): number | undefined {
  for (const n of [20, 32, 48, 64]) {
    if (bytes.length < 4 + n + 4) continue;
    const p = 4 + n;
    const len = u32At(bytes, p);
    if (len < 3 || len > MAX_TEMPLATE_NAME || p + 4 + len > bytes.length) continue;
    const name = bytes.subarray(p + 4, p + 4 + len);
    if (name[0] === 0x69 && name[1] === 0x6d && name[2] === 0x61) return n; // "ima"
  }
  return undefined;
}

function truncated(offset: number, field: string, need: number, remain: number): AttestError {
  return new AttestError('ERR_TRUNCATED', {
    offset,
    field: `IMA_ENTRY.${field}`,
    message: `need ${need} bytes, ${remain} remain`,
  });
}

/**
 * One binary entry at `p` (`ima_fs.c` `ima_measurements_show`): pcr, template hash, template name,
 * then the template data (length-prefixed; the legacy `ima` template has a fixed layout).
 * Reads straight from the private copy; every size is checked against what remains first.
 * Sets `f.next` to the end of the entry.
 */
function readBinaryEntry(
  buf: Uint8Array,
  ab: ArrayBufferLike,
  p: number,
  size: number,
  index: number,
  text: TextDecoder,
  f: TemplateFields,
  resolver: TemplateResolver,
): ImaEntry {
  const n = buf.length;
  const bo = 0; // `buf` is the parse's own copy: its buffer starts with it
  const offset = p;
  if (n - p < 4) throw truncated(p, 'pcr', 4, n - p);
  const pcrIndex = u32At(buf, p);
  p += 4;
  if (n - p < size) throw truncated(p, 'template_hash', size, n - p);
  const hashAt = p;
  p += size;
  const nameAt = p;
  if (n - p < 4) throw truncated(p, 'template_name_len', 4, n - p);
  const nameLen = u32At(buf, p);
  p += 4;
  if (nameLen === 0 || nameLen > MAX_TEMPLATE_NAME) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: nameAt,
      field: 'IMA_ENTRY.template_name_len',
      message: `template name length ${nameLen} is outside 1..${MAX_TEMPLATE_NAME}`,
    });
  }
  if (n - p < nameLen) throw truncated(p, 'template_name', nameLen, n - p);
  const templateName = templateNameAt(buf, p, nameLen);
  p += nameLen;
  const templateHash = new Uint8Array(ab, bo + hashAt, size);
  const isViolation = buf[hashAt] === 0 && allZeroAt(buf, hashAt, size); // first byte: rarely zero
  if (templateName === 'ima') {
    if (n - p < 20) throw truncated(p, 'filedata_hash', 20, n - p);
    const fileDigest = new Uint8Array(ab, bo + p, 20);
    p += 20;
    const fnAt = p;
    if (n - p < 4) throw truncated(p, 'filename_len', 4, n - p);
    const fnLen = u32At(buf, p);
    p += 4;
    if (fnLen > IMA_LEGACY_NAME_SIZE - 1) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: fnAt,
        field: 'IMA_ENTRY.filename_len',
        message: `legacy name length ${fnLen} exceeds 255`,
      });
    }
    if (n - p < fnLen) throw truncated(p, 'filename', fnLen, n - p);
    // The template hash covers the name zero-padded to 256 bytes, so "/usr/bin/nc" and
    // "/usr/bin/nc\0\0" hash alike: a NUL in the listed name is text no hash tells apart (the
    // kernel writes strlen bytes; the ascii parser refuses a NUL in a path the same way).
    for (let i = p; i < p + fnLen; i++) {
      if (buf[i] === 0) {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: i,
          field: 'IMA_ENTRY.filename',
          message: `the legacy name holds a NUL byte at index ${i - p} of ${fnLen}`,
        });
      }
    }
    const name = new Uint8Array(ab, bo + p, fnLen);
    f.next = p + fnLen;
    return {
      index,
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
  }
  if (n - p < 4) throw truncated(p, 'template_data.size', 4, n - p);
  const tdLen = u32At(buf, p);
  p += 4;
  if (tdLen > n - p) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: p,
      field: 'IMA_ENTRY.template_data',
      message: `declared size ${tdLen}, ${n - p} bytes remain`,
    });
  }
  const tdAt = p;
  p += tdLen;
  const templateData = new Uint8Array(ab, bo + tdAt, tdLen);
  interpretFields(resolver.fields(templateName), templateName, buf, tdAt, p, text, f, ab, bo);
  f.next = p;
  const { digestAlgorithm, fileDigest, path, signature, buffer } = f;
  let entry: ImaEntry;
  // One object literal per shape (fields in the order the template lists them), so 100 000
  // entries share a few hidden classes and nothing is added to an object after it is built.
  if (digestAlgorithm === undefined || fileDigest === undefined || path === undefined) {
    entry = { index, offset, pcrIndex, templateHash, templateName, templateData, isViolation };
  } else if (signature === undefined && buffer === undefined) {
    entry = {
      index,
      offset,
      pcrIndex,
      templateHash,
      templateName,
      templateData,
      isViolation,
      digestAlgorithm,
      fileDigest,
      path,
    };
  } else if (buffer === undefined) {
    entry = {
      index,
      offset,
      pcrIndex,
      templateHash,
      templateName,
      templateData,
      isViolation,
      digestAlgorithm,
      fileDigest,
      path,
      signature: signature!,
    };
  } else {
    entry = {
      index,
      offset,
      pcrIndex,
      templateHash,
      templateName,
      templateData,
      isViolation,
      digestAlgorithm,
      fileDigest,
      path,
      ...(signature !== undefined ? { signature } : {}),
      buffer,
    };
  }
  return entry;
}

/** `ERR_LIMIT_EXCEEDED` for a list that goes on at `offset` after `max` entries. */
function tooManyEntries(offset: number, field: string, max: number): AttestError {
  return new AttestError('ERR_LIMIT_EXCEEDED', {
    offset,
    field,
    message: `more than ${max} entries (options.maxEntries)`,
  });
}

function parseBinary(bytes: Uint8Array, options: ImaParseOptions, maxEntries: number): ImaLog {
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
  // One private copy (a plain Uint8Array at offset 0 of its own buffer, whatever `bytes` is: a
  // a Node.js buffer's slice() would be a view into the caller's memory): entries are views into it.
  const buf = new Uint8Array(bytes);
  const ab = buf.buffer;
  const text = new TextDecoder();
  const entries: ImaEntry[] = [];
  const warnings: ParseWarning[] = [];
  const scratch: TemplateFields = {
    next: 0,
    digestAlgorithm: undefined,
    fileDigest: undefined,
    path: undefined,
    signature: undefined,
    buffer: undefined,
  };
  const resolver = new TemplateResolver();
  let p = 0;
  while (p < buf.length) {
    if (entries.length === maxEntries) throw tooManyEntries(p, 'IMA_ENTRY', maxEntries);
    try {
      entries.push(readBinaryEntry(buf, ab, p, size, entries.length, text, scratch, resolver));
      p = scratch.next;
    } catch (e) {
      if (e instanceof AttestError && e.code === 'ERR_TRUNCATED' && entries.length > 0) {
        warnings.push({
          code: 'partial-entry',
          offset: p,
          message: `the list ends inside entry ${entries.length} (at ${p}); it is not replayed`,
        });
        break;
      }
      throw e;
    }
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

/** Hex digit values by character code (−1: not a hex digit). */
const HEX_VALUE = /* @__PURE__ */ (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[97 + i] = 10 + i;
    t[65 + i] = 10 + i;
  }
  return t;
})();

/** Decodes the hex in `line[start, end)` into `out` at `at`; false on a non-hex character. */
function hexInto(line: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  for (let i = start, o = at; i < end; i += 2, o++) {
    const a = line.charCodeAt(i);
    const b = line.charCodeAt(i + 1);
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if ((hi | lo) < 0) return false;
    out[o] = (hi << 4) | lo;
  }
  return true;
}

/** {@link hexInto} over bytes: `src[start, end)` holds ASCII hex digits. */
function hexBytesInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): boolean {
  for (let i = start, o = at; i < end; i += 2, o++) {
    const a = src[i]!;
    const b = i + 1 < src.length ? src[i + 1]! : 128;
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if ((hi | lo) < 0) return false;
    out[o] = (hi << 4) | lo;
  }
  return true;
}

/**
 * The line being parsed: its text and, when the whole list is ASCII, the input bytes and the
 * line's position in them (one byte per character), so hex digits and paths are read as bytes.
 */
interface AsciiSource {
  readonly bytes: Uint8Array | undefined;
  lineStart: number;
  /** Decodes kept strings from `bytes`, so they do not hold on to the whole list's text. */
  readonly text: TextDecoder;
}

function hexOf2(
  line: string,
  src: AsciiSource,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): boolean {
  return src.bytes !== undefined
    ? hexBytesInto(src.bytes, src.lineStart + start, src.lineStart + end, out, at)
    : hexInto(line, start, end, out, at);
}

/**
 * Bump allocation for the rebuilt template data of an ascii list: entries are views into a few
 * large chunks instead of one small ArrayBuffer each (100 000 lines, 100 000 buffers otherwise).
 */
class ByteArena {
  private chunk = new Uint8Array(0);
  private used = 0;
  /** `n` zeroed bytes, valid until the arena is dropped. */
  take(n: number): Uint8Array {
    if (this.chunk.length - this.used < n) {
      this.chunk = new Uint8Array(Math.max(n, 256 * 1024));
      this.used = 0;
    }
    const out = new Uint8Array(this.chunk.buffer, this.used, n);
    this.used += n;
    return out;
  }
}

const setU32le = (b: Uint8Array, at: number, v: number): void => {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
};

/** `s` itself, or the equal string from `names` (100 000 lines share a handful of names). */
function commonName(names: readonly string[], s: string): string {
  for (const n of names) if (n === s) return n;
  return s;
}

function isAsciiString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Where `line[start, end)` holds "<alg>:<hex>": the colon, or -1. */
function digestColon(line: string, start: number, end: number): number {
  const c = line.lastIndexOf(':', end - 1);
  return c > start && c < end ? c : -1;
}

/**
 * An ascii `ima-modsig` line, rebuilt into its template data (`d-ng|n-ng|sig|d-modsig|modsig`).
 * The kernel prints " " before every field and nothing for an empty one, so the line always ends
 * in exactly three space-separated words after the path (`sig` hex, `d-modsig` "<alg>:<hex>",
 * `modsig` hex; each possibly empty), none of which holds a space: the last three spaces end the
 * path whatever it contains. A line not printed that way reads wrongly and its rebuilt data fails
 * the template hash (`eventlog.ima.template-hashes`); it cannot show another path as verified.
 */
function asciiModsigEntry(
  line: string,
  offset: number,
  index: number,
  pcrIndex: number,
  hashLen: number,
  s1: number,
  s2: number,
  restAt: number,
  templateName: string,
  arena: ByteArena,
): ImaEntry {
  const sp = line.indexOf(' ', restAt);
  const l3 = line.lastIndexOf(' ');
  const l2 = l3 > 0 ? line.lastIndexOf(' ', l3 - 1) : -1;
  const l1 = l2 > 0 ? line.lastIndexOf(' ', l2 - 1) : -1;
  if (sp < 0 || l1 < sp)
    throw asciiError(offset, index, 'ima-modsig line lacks its sig, d-modsig and modsig fields');
  const colon = digestColon(line, restAt, sp);
  const dmColon = l3 > l2 + 1 ? digestColon(line, l2 + 1, l3) : -2;
  if (colon < 0 || dmColon === -1)
    throw asciiError(offset, index, 'file digest must be "<alg>:<hex>"');
  const hexLen = (a: number, b: number, field: string): number => {
    if ((b - a) % 2 !== 0)
      throw new AttestError('ERR_BAD_ENCODING', {
        offset,
        field,
        message: 'odd number of hex digits',
      });
    return (b - a) >> 1;
  };
  const label = line.slice(restAt, colon);
  const dLen = hexLen(colon + 1, sp, 'filedata-hash');
  const path = line.slice(sp + 1, l1);
  if (path.includes('\0')) throw asciiError(offset, index, 'the path contains a NUL character');
  const pathBytes = utf8Encode(path);
  const sigLen = hexLen(l1 + 1, l2, 'sig');
  const dmLabel = dmColon >= 0 ? line.slice(l2 + 1, dmColon) : '';
  const dmLen = dmColon >= 0 ? hexLen(dmColon + 1, l3, 'd-modsig') : 0;
  const dmSize = dmColon >= 0 ? dmLabel.length + 2 + dmLen : 0;
  const modsigLen = hexLen(l3 + 1, line.length, 'modsig');
  const dSize = label.length + 2 + dLen;
  const tdLen = 20 + dSize + pathBytes.length + 1 + sigLen + dmSize + modsigLen;
  const all = arena.take(hashLen + tdLen);
  const ab = all.buffer;
  const templateHash = new Uint8Array(ab, all.byteOffset, hashLen);
  const td = new Uint8Array(ab, all.byteOffset + hashLen, tdLen);
  const hex = (a: number, b: number, at: number, field: string): void => {
    if (!hexInto(line, a, b, td, at))
      throw new AttestError('ERR_BAD_ENCODING', { offset, field, message: 'not hex' });
  };
  if (!hexInto(line, s1 + 1, s2, templateHash, 0))
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'template-hash',
      message: 'not hex',
    });
  const putLabel = (o: number, l: string): number => {
    for (let i = 0; i < l.length; i++) td[o++] = l.charCodeAt(i) & 0xff;
    td[o] = 0x3a; // then the NUL, already zero
    return o + 2;
  };
  let o = 0;
  setU32le(td, o, dSize);
  o = putLabel(o + 4, label);
  const digestAt = o;
  hex(colon + 1, sp, o, 'filedata-hash');
  o += dLen;
  setU32le(td, o, pathBytes.length + 1);
  td.set(pathBytes, o + 4);
  o += 4 + pathBytes.length + 1;
  setU32le(td, o, sigLen);
  const sigAt = o + 4;
  hex(l1 + 1, l2, sigAt, 'sig');
  o = sigAt + sigLen;
  setU32le(td, o, dmSize);
  o += 4;
  if (dmColon >= 0) {
    o = putLabel(o, dmLabel);
    hex(dmColon + 1, l3, o, 'd-modsig');
    o += dmLen;
  }
  setU32le(td, o, modsigLen);
  hex(l3 + 1, line.length, o + 4, 'modsig');
  const lastColon = label.lastIndexOf(':');
  return {
    index,
    offset,
    pcrIndex,
    templateHash,
    templateName,
    templateData: td,
    isViolation: allZeroAt(all, 0, hashLen),
    digestAlgorithm: commonName(ALG_NAMES, lastColon >= 0 ? label.slice(lastColon + 1) : label),
    fileDigest: new Uint8Array(ab, td.byteOffset + digestAt, dLen),
    path,
    signature: new Uint8Array(ab, td.byteOffset + sigAt, sigLen),
  };
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
  arena: ByteArena,
  src: AsciiSource,
  resolver: TemplateResolver,
): ImaEntry {
  // The kernel prints the PCR with "%2d " (ima_fs.c ima_ascii_measurements_show): PCRs 0–9 as
  // " 9 ". Only that one pad is accepted: one space, then exactly one digit.
  const pcrAt = line.charCodeAt(0) === 0x20 ? 1 : 0;
  const s1 = line.indexOf(' ', pcrAt);
  const s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
  if (s1 <= pcrAt || s2 < 0)
    throw asciiError(offset, index, 'expected "<pcr> <template-hash> <template-name> …"');
  let pcrIndex = 0;
  for (let i = pcrAt; i < s1; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || s1 - pcrAt > 10 || (pcrAt === 1 && s1 !== 2))
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
  const templateName = commonName(
    COMMON_TEMPLATES,
    s3 < 0 ? line.slice(s2 + 1) : line.slice(s2 + 1, s3),
  );
  const restAt = s3 < 0 ? line.length : s3 + 1;
  const fields = resolver.fields(templateName);
  if (fields === FIELD_LISTS[3]) {
    return asciiModsigEntry(
      line,
      offset,
      index,
      pcrIndex,
      hashLen,
      s1,
      s2,
      restAt,
      templateName,
      arena,
    );
  }
  // The layouts rebuilt below: a digest "<alg>:<hex>", a path, and at most one sig or buf field
  // (ima-ng, ima-sig, ima-buf, ima-ngv2, ima-sigv2, and format strings equal to theirs).
  const known =
    templateName === 'ima' ||
    (fields !== undefined && fields !== FIELD_LISTS[6] && FIELD_LISTS.includes(fields));
  if (!known) {
    const templateHash = arena.take(hashLen);
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
  const digestAlgorithm = commonName(
    ALG_NAMES,
    lastColon >= 0 ? label.slice(lastColon + 1) : label,
  );
  let tailEnd = line.length;
  let extraAt = -1;
  let extraLen = 0;
  const isBuf = fields?.[2] === 'buf';
  if (isBuf) {
    const ls = line.lastIndexOf(' ');
    if (ls <= sp) throw asciiError(offset, index, 'ima-buf entry lacks its buffer');
    extraAt = ls + 1;
    extraLen = line.length - extraAt;
    tailEnd = ls;
  } else if (fields?.includes('sig') === true) {
    // The kernel prints " " before every field and nothing for an empty one, so an unsigned
    // entry ends "<path> " and a signed one "<path> <sig-hex>": the last space always ends the
    // path (a path that itself ends in a space is printed "<path>  "). Lists written without
    // that space (by other tools: the swtpm vector's) end at the path when their last word does
    // not look like a signature. Either reading is checked by the template hash: the
    // rebuilt template data differs between them (the path's bytes and n-ng length), so a wrong
    // one fails eventlog.ima.template-hashes and cannot show another path as verified.
    const ls = line.lastIndexOf(' ');
    if (ls > sp && ls === line.length - 1) {
      extraAt = line.length;
      tailEnd = ls;
    } else if (ls > sp && looksLikeSignature(line.slice(ls + 1))) {
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
  // A slice of `line` would keep the decoded text of the whole list alive as long as the entry;
  // read from the bytes instead (ASCII lists: one byte per character).
  const path =
    sp + 1 > tailEnd
      ? ''
      : src.bytes !== undefined
        ? src.text.decode(src.bytes.subarray(src.lineStart + sp + 1, src.lineStart + tailEnd))
        : line.slice(sp + 1, tailEnd);
  // The kernel prints a C string: a NUL in a listed path is text that no template data can hold
  // as printed (the legacy template pads with NULs, the others end the name at one).
  if (path.includes('\0')) throw asciiError(offset, index, 'the path contains a NUL character');
  const pathUtf8 = src.bytes !== undefined || isAsciiString(path) ? undefined : utf8Encode(path);
  const pathLen = pathUtf8 !== undefined ? pathUtf8.length : path.length;
  const hasExtra = templateName !== 'ima' && fields!.length > 2;
  let tdLen: number;
  if (templateName === 'ima') {
    if (digestLen !== 20) throw asciiError(offset, index, 'legacy "ima" digest must be SHA-1');
    // The legacy template hashes the name in IMA_EVENT_NAME_LEN_MAX + 1 bytes: a longer path would
    // show text the template hash does not cover (the binary list refuses it the same way).
    if (pathLen > IMA_LEGACY_NAME_SIZE - 1) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset,
        field: 'ascii_runtime_measurements.filename',
        message: `line ${index + 1}: legacy name length ${pathLen} exceeds ${IMA_LEGACY_NAME_SIZE - 1}`,
      });
    }
    tdLen = 20 + IMA_LEGACY_NAME_SIZE;
  } else {
    tdLen =
      4 + label.length + 2 + digestLen + 4 + pathLen + 1 + (hasExtra ? 4 + (extraLen >> 1) : 0);
  }
  const buf = arena.take(hashLen + tdLen);
  if (!hexOf2(line, src, s1 + 1, s2, buf, 0))
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'template-hash',
      message: 'not hex',
    });
  const ab = buf.buffer;
  const tdAt = buf.byteOffset + hashLen;
  const templateHash = new Uint8Array(ab, buf.byteOffset, hashLen);
  const td = new Uint8Array(ab, tdAt, tdLen);
  let o = 0;
  let digestAt: number;
  if (templateName === 'ima') {
    digestAt = 0;
    o = 20;
  } else {
    setU32le(td, 0, label.length + 2 + digestLen);
    o = 4;
    for (let i = 0; i < label.length; i++) td[o++] = label.charCodeAt(i) & 0xff;
    td[o++] = 0x3a;
    td[o++] = 0;
    digestAt = o;
  }
  if (!hexOf2(line, src, colon + 1, sp, td, digestAt))
    throw new AttestError('ERR_BAD_ENCODING', {
      offset,
      field: 'filedata-hash',
      message: 'not hex',
    });
  o = digestAt + digestLen;
  if (templateName !== 'ima') {
    setU32le(td, o, pathLen + 1);
    o += 4;
  }
  if (pathUtf8 !== undefined)
    td.set(
      pathUtf8.subarray(0, templateName === 'ima' ? IMA_LEGACY_NAME_SIZE : pathUtf8.length),
      o,
    );
  else {
    const n = templateName === 'ima' ? Math.min(path.length, IMA_LEGACY_NAME_SIZE) : path.length;
    if (src.bytes !== undefined) {
      const b = src.bytes;
      for (let i = 0, j = src.lineStart + sp + 1; i < n; i++, j++) td[o + i] = b[j]!;
    } else for (let i = 0; i < n; i++) td[o + i] = path.charCodeAt(i);
  }
  const fileDigest = new Uint8Array(ab, tdAt + digestAt, digestLen);
  const isViolation = allZeroAt(buf, 0, hashLen);
  if (!hasExtra) {
    return {
      index,
      offset,
      pcrIndex,
      templateHash,
      templateName,
      templateData: td,
      isViolation,
      digestAlgorithm,
      fileDigest,
      path,
    };
  }
  o += pathLen + 1; // the NUL is already zero
  setU32le(td, o, extraLen >> 1);
  o += 4;
  if (!hexOf2(line, src, extraAt, extraAt + extraLen, td, o))
    throw new AttestError('ERR_BAD_ENCODING', { offset, field: 'sig', message: 'not hex' });
  const extra = new Uint8Array(ab, tdAt + o, extraLen >> 1);
  const base = {
    index,
    offset,
    pcrIndex,
    templateHash,
    templateName,
    templateData: td,
    isViolation,
    digestAlgorithm,
    fileDigest,
    path,
  };
  return isBuf
    ? { ...base, buffer: extra }
    : {
        index,
        offset,
        pcrIndex,
        templateHash,
        templateName,
        templateData: td,
        isViolation,
        digestAlgorithm,
        fileDigest,
        path,
        signature: extra,
      };
}

function completeLastLine(e: ImaEntry, alg: ImaHashAlgorithm | undefined): boolean {
  if (e.isViolation || e.templateData === undefined || alg === undefined || alg === 'sm3_256')
    return true;
  return equalBytes(digest(alg, e.templateData), e.templateHash);
}

function parseAscii(bytes: Uint8Array, options: ImaParseOptions, maxEntries: number): ImaLog {
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
  const arena = new ByteArena();
  const src: AsciiSource = {
    bytes: ascii ? bytes : undefined,
    lineStart: 0,
    text: new TextDecoder(),
  };
  const entries: ImaEntry[] = [];
  const warnings: ParseWarning[] = [];
  const resolver = new TemplateResolver();
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
      if (entries.length === maxEntries)
        throw tooManyEntries(byteOffset, 'ascii_runtime_measurements', maxEntries);
      src.lineStart = pos;
      try {
        const entry = parseAsciiLine(
          line,
          byteOffset,
          entries.length,
          options.templateHashAlgorithm,
          arena,
          src,
          resolver,
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

/** An option value for a TypeError's message: a string quoted, anything else by its type. */
function optionText(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v;
}

function looksAscii(bytes: Uint8Array): boolean {
  const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
  // " 9 …": the kernel's "%2d " for PCRs 0–9 (a binary list starts with a u32 PCR index).
  if (bytes[0] === 0x20) return isDigit(bytes[1]) && bytes[2] === 0x20;
  let i = 0;
  while (i < bytes.length && i < 11 && isDigit(bytes[i])) i++;
  return i > 0 && bytes[i] === 0x20;
}

/**
 * Parses an IMA runtime measurement list, ascii or binary (Linux IMA, `ima_fs.c`,
 * `Documentation/security/IMA-templates.rst`). Unverified: replay it against PCR 10 with
 * {@link verifyEventLog}. A list cut inside its last entry parses, with a `partial-entry` warning.
 * Ascii lines are read as the kernel prints them (`ima_ascii_measurements_show`): the PCR as
 * `%2d` (" 9" for PCRs 0–9), then " " before every template field and nothing for an empty one
 * (an unsigned `ima-sig` line ends "<path> "). A template is read when its name is a built-in one
 * or a format string of kernel field ids starting with a digest and a name field (`d-ng|n-ng|sig`);
 * `evm-sig` and formats other than the built-ins' are read from binary lists only. An entry of a
 * template attestkit does not read parses without file, digest or path, and fails
 * `eventlog.ima.template-hashes`: the template name is not covered by the template hash.
 *
 * Exported from `attestkit/eventlog`.
 *
 * @param bytes - `ascii_runtime_measurements*` or `binary_runtime_measurements*`.
 * @param options - `format`, `templateHashAlgorithm`, `maxEntries` (see {@link ImaParseOptions}).
 * @returns the list.
 * @throws {AttestError} `ERR_TRUNCATED` (empty, or a size past the end of the first entry; a later
 *   entry cut by the end of the input is a `partial-entry` warning), `ERR_BAD_LENGTH` (among
 *   others, a template field that runs past its complete template data), `ERR_BAD_VALUE` / `ERR_BAD_ENCODING` (a malformed ascii line, a NUL byte in a legacy `ima`
 *   name), `ERR_TRAILING_DATA`, `ERR_UNKNOWN_FORMAT` (not a measurement list),
 *   `ERR_LIMIT_EXCEEDED` (more than `maxEntries` entries).
 * @throws {TypeError} for bytes that are not a Uint8Array, or an option that is not one of its
 *   documented values (`templateHashAlgorithm` is matched against own names only).
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
  const alg: unknown = options.templateHashAlgorithm;
  // An own property only: `constructor` or `toString` would find Object.prototype's function.
  if (alg !== undefined && (typeof alg !== 'string' || !Object.hasOwn(ALG_SIZE, alg)))
    throw new TypeError(`unknown templateHashAlgorithm ${optionText(alg)}`);
  const format: unknown = options.format;
  if (format !== undefined && format !== 'ascii' && format !== 'binary')
    throw new TypeError(`options.format must be 'ascii' or 'binary', not ${optionText(format)}`);
  const maxEntries: unknown = options.maxEntries ?? DEFAULT_MAX_IMA_ENTRIES;
  if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('options.maxEntries must be a positive integer');
  if (bytes.length === 0) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: 0,
      field: 'IMA_ENTRY',
      message: 'empty measurement list',
    });
  }
  return (format ?? (looksAscii(bytes) ? 'ascii' : 'binary')) === 'ascii'
    ? parseAscii(bytes, options, maxEntries)
    : parseBinary(bytes, options, maxEntries);
}
