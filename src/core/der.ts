/**
 * @module
 * Strict DER decoding (ITU-T X.690 §8, §10) into a small tree. It accepts only DER: definite,
 * minimal lengths; minimal INTEGERs; BOOLEANs of 0x00/0xFF; BIT STRINGs whose unused bits (at most
 * 7) are zero; primitive strings; low tag numbers; no trailing bytes; nesting at most
 * {@link DER_MAX_DEPTH} deep; OBJECT IDENTIFIERs of at most {@link DER_MAX_OID_BYTES} bytes with
 * arcs below 2^53. Every decoder is linear in its input. `x509.ts` and the platform extension
 * decoders (PCK SGX extensions, TCG EK attributes) read DER only through this module.
 *
 * A hand-written reader rather than asn1js: measured with esbuild (min+gzip), asn1js alone is
 * 16.2 KB, which leaves no room for an SNP verifier inside its 30 KB budget; asn1js also accepts
 * BER (indefinite and non-minimal lengths) that this layer would have to re-check anyway.
 */
import { AttestError, type AttestErrorCode } from './errors.js';
import { assertBytes, copyBytes } from './bytes.js';

/** Tag classes (X.690 §8.1.2.2). */
export const DER_CLASS_UNIVERSAL = 0;
export const DER_CLASS_CONTEXT = 2;

/** Deepest nesting accepted (X.509 certificates nest about 8 deep). */
export const DER_MAX_DEPTH = 32;

/** Universal tag numbers used by attestkit. */
export const DER_TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  BMP_STRING: 30,
} as const;

/** One decoded TLV. Byte fields are views into the caller's input; copy before returning them. */
export interface DerNode {
  /** Tag class: 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole TLV (header and content). */
  readonly raw: Uint8Array;
  /** The content octets. */
  readonly content: Uint8Array;
  /** Children of a constructed node (empty for primitives). */
  readonly children: readonly DerNode[];
  /** Absolute offset of the TLV in the decoded input. */
  readonly offset: number;
}

/**
 * Decodes one DER object that must fill `bytes` exactly.
 *
 * @param code - the error code to raise (e.g. `ERR_BAD_CERTIFICATE` for certificates).
 * @throws {AttestError} `code` (default `ERR_BAD_DER`) with the offset of the offending TLV;
 *   `ERR_TRAILING_DATA` for bytes after the object; `ERR_LIMIT_EXCEEDED` for deep nesting.
 * @example
 * ```ts
 * const seq = parseDer(spkiDer); // seq.children[0] is the AlgorithmIdentifier
 * ```
 */
export function parseDer(bytes: Uint8Array, code: AttestErrorCode = 'ERR_BAD_DER'): DerNode {
  assertBytes(bytes, 'der');
  if (bytes.length === 0) throw new AttestError(code, { offset: 0, message: 'empty DER input' });
  return readWhole(bytes, 0, bytes.length, code);
}

/**
 * Decodes the one DER object that starts at `at` in `bytes` (objects back to back: certificate
 * lists), strictly as {@link parseDer}.
 *
 * @returns the object and the offset just past it.
 * @throws {AttestError} as {@link parseDer} (offsets within `bytes`).
 */
export function parseDerAt(
  bytes: Uint8Array,
  at: number,
  code: AttestErrorCode = 'ERR_BAD_DER',
): [DerNode, number] {
  assertBytes(bytes, 'der');
  const node = readTlv(bytes, at, bytes.length, 0, code);
  return [node, node.end];
}

/**
 * Decodes the DER object held in the content of a primitive `node` (an extension's extnValue
 * OCTET STRING; with `skip` 1, a BIT STRING after its unused-bits octet, e.g. an RSAPublicKey).
 * The object must fill that content exactly, strictly as {@link parseDer}. Offsets, in the nodes
 * and in errors, stay those of the input `node` came from, so an error points at the byte of the
 * certificate the caller passed rather than at a byte of the inner value.
 *
 * @throws {AttestError} as {@link parseDer}.
 * @internal
 */
export function parseDerContent(
  node: DerNode,
  code: AttestErrorCode = 'ERR_BAD_DER',
  skip = 0,
): DerNode {
  const { input, at, end, offset } = node as Tlv;
  if (at + skip >= end) fail(code, offset, 'empty DER content');
  return readWhole(input, at + skip, end, code);
}

function readWhole(input: Uint8Array, start: number, end: number, code: AttestErrorCode): DerNode {
  const node = readTlv(input, start, end, 0, code);
  if (node.end !== end) {
    throw new AttestError('ERR_TRAILING_DATA', {
      offset: node.end,
      message: `${end - node.end} bytes after the DER object`,
    });
  }
  return node;
}

const NO_CHILDREN: readonly DerNode[] = /* @__PURE__ */ Object.freeze([]);

/**
 * A decoded TLV. Hostile input can be nothing but two-byte TLVs, one node per two bytes, so a node
 * holds offsets and makes its `raw` and `content` views only when read: a view per field per node
 * cost about 1 µs and 150 heap bytes per input byte; offsets cost about a third of that.
 */
class Tlv implements DerNode {
  // `declare`: assigned in the constructor only, so the bundle does not also declare each field.
  declare readonly cls: number;
  declare readonly tag: number;
  declare readonly constructed: boolean;
  declare readonly offset: number;
  declare readonly children: DerNode[];
  declare readonly input: Uint8Array;
  /** Offset of the content in `input`. */
  declare readonly at: number;
  /** Offset just past the TLV in `input`. */
  declare readonly end: number;
  constructor(
    cls: number,
    tag: number,
    constructed: boolean,
    input: Uint8Array,
    offset: number,
    at: number,
    end: number,
  ) {
    this.cls = cls;
    this.tag = tag;
    this.constructed = constructed;
    this.offset = offset;
    this.children = constructed ? [] : (NO_CHILDREN as DerNode[]);
    this.input = input;
    this.at = at;
    this.end = end;
  }
  get raw(): Uint8Array {
    return this.input.subarray(this.offset, this.end);
  }
  get content(): Uint8Array {
    return this.input.subarray(this.at, this.end);
  }
}

function fail(code: AttestErrorCode, offset: number, message: string): never {
  throw new AttestError(code, { offset, message });
}

function readTlv(
  input: Uint8Array,
  start: number,
  limit: number,
  depth: number,
  code: AttestErrorCode,
): Tlv {
  if (depth > DER_MAX_DEPTH) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: start,
      message: 'DER nested too deeply',
    });
  }
  if (start + 2 > limit) fail(code, start, 'truncated DER header');
  const id = input[start]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  const tag = id & 0x1f;
  if (tag === 0x1f) fail(code, start, 'high tag numbers are not used in these structures');
  let p = start + 1;
  const first = input[p++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) fail(code, start, 'indefinite length is not DER');
    if (n > 4) fail(code, start, 'length too large');
    if (p + n > limit) fail(code, start, 'truncated DER length');
    if (input[p] === 0) fail(code, start, 'non-minimal length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + input[p++]!;
    if (length < 0x80) fail(code, start, 'non-minimal length');
  }
  const end = p + length;
  if (end > limit) fail(code, start, `DER length ${length} runs past the end of its container`);
  if (cls === DER_CLASS_UNIVERSAL) {
    const isContainer = tag === DER_TAG.SEQUENCE || tag === DER_TAG.SET;
    if (constructed !== isContainer) {
      fail(
        code,
        start,
        constructed
          ? 'constructed string encodings are not DER'
          : 'SEQUENCE/SET must be constructed',
      );
    }
    if (tag === DER_TAG.INTEGER || tag === DER_TAG.ENUMERATED) {
      if (length === 0) fail(code, start, 'empty INTEGER');
      const a = input[p]!;
      const b = length > 1 ? input[p + 1]! : undefined;
      if (b !== undefined && ((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) !== 0))) {
        fail(code, start, 'non-minimal INTEGER');
      }
    } else if (tag === DER_TAG.BOOLEAN) {
      if (length !== 1 || (input[p] !== 0 && input[p] !== 0xff))
        fail(code, start, 'BOOLEAN is not DER');
    } else if (tag === DER_TAG.NULL && length !== 0) {
      fail(code, start, 'NULL with content');
    } else if (tag === DER_TAG.BIT_STRING) {
      // X.690 §8.6.2.2-3 and §11.2.1: an initial octet of 0-7 unused bits, 0 for an empty
      // string, and every unused bit of the last octet zero.
      const unused = length === 0 ? 8 : input[p]!;
      if (unused > 7 || (length === 1 && unused !== 0) || input[end - 1]! & ((1 << unused) - 1))
        fail(code, start, 'BIT STRING is not DER');
    }
  }
  const node = new Tlv(cls, tag, constructed, input, start, p, end);
  if (constructed) {
    for (let q = p; q < end;) {
      const child = readTlv(input, q, end, depth + 1, code);
      node.children.push(child);
      q = child.end;
    }
  }
  return node;
}

/** Throws unless `node` is the expected universal (or given-class) tag. Returns the node. */
export function expectTag(
  node: DerNode | undefined,
  tag: number,
  what: string,
  code: AttestErrorCode = 'ERR_BAD_DER',
  cls: number = DER_CLASS_UNIVERSAL,
): DerNode {
  if (node === undefined || node.tag !== tag || node.cls !== cls) {
    throw new AttestError(code, {
      ...(node !== undefined ? { offset: node.offset } : {}),
      message: `${what}: expected ${cls === DER_CLASS_UNIVERSAL ? 'universal' : `class ${cls}`} tag ${tag}${
        node === undefined ? ', found nothing' : `, found class ${node.cls} tag ${node.tag}`
      }`,
    });
  }
  return node;
}

/**
 * {@link expectTag} for `parent.children[index]`: a missing child is reported at the parent's
 * offset, so every structural error carries a byte offset.
 */
export function expectChild(
  parent: DerNode,
  index: number,
  tag: number,
  what: string,
  code: AttestErrorCode = 'ERR_BAD_DER',
): DerNode {
  const node = parent.children[index];
  if (node === undefined) {
    throw new AttestError(code, {
      offset: parent.offset,
      message: `${what}: expected universal tag ${tag}, found nothing`,
    });
  }
  return expectTag(node, tag, what, code);
}

/**
 * Longest OBJECT IDENTIFIER content accepted, in bytes. The longest OID in the repository's real
 * vectors (AMD, Intel, TPM, Azure certificates) is 11 bytes; the bound keeps decoding cheap.
 */
export const DER_MAX_OID_BYTES = 128;

/**
 * Decodes an OBJECT IDENTIFIER's content to dotted text. Each arc must be below 2^53 (at most 8
 * bytes): Go's encoding/asn1 refuses arcs above 31 bits, and an unbounded arc would make the
 * decoding quadratic in its length.
 *
 * @throws {AttestError} `code` for a malformed OID; `ERR_LIMIT_EXCEEDED` for an OID longer than
 *   {@link DER_MAX_OID_BYTES} or an arc of 2^53 or more (offset: the OID's TLV).
 */
export function oidText(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): string {
  expectTag(node, DER_TAG.OID, 'OBJECT IDENTIFIER', code);
  const c = node.content;
  const fail = (message: string, limit = false): never => {
    throw new AttestError(limit ? 'ERR_LIMIT_EXCEEDED' : code, { offset: node.offset, message });
  };
  if (c.length === 0) fail('empty OID');
  if (c.length > DER_MAX_OID_BYTES) fail(`OID of ${c.length} bytes`, true);
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    const byte = c[i]!;
    if (v === 0 && byte === 0x80) fail('non-minimal OID arc');
    // v * 128 + 127 must stay a safe integer (below 2^53).
    if (v >= 2 ** 46) fail('OID arc of 2^53 or more', true);
    v = v * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      // X.690 §8.19.4: the first subidentifier packs the first two arcs as 40 * a + b.
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    } else if (i === c.length - 1) {
      fail('truncated OID');
    }
  }
  return parts.join('.');
}

/** The unsigned big-endian magnitude of a non-negative INTEGER (leading zero removed). */
export function integerBytes(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): Uint8Array {
  expectTag(node, DER_TAG.INTEGER, 'INTEGER', code);
  const c = node.content;
  if ((c[0]! & 0x80) !== 0) {
    throw new AttestError(code, { offset: node.offset, message: 'negative INTEGER' });
  }
  return c.length > 1 && c[0] === 0 ? copyBytes(c, 1) : copyBytes(c);
}

/** A small non-negative INTEGER as a number. */
export function integerNumber(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): number {
  const b = integerBytes(node, code);
  if (b.length > 6)
    throw new AttestError(code, { offset: node.offset, message: 'INTEGER too large' });
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** The bytes of a BIT STRING with no unused bits. */
export function bitStringBytes(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): Uint8Array {
  expectTag(node, DER_TAG.BIT_STRING, 'BIT STRING', code);
  if (node.content[0] !== 0) {
    throw new AttestError(code, { offset: node.offset, message: 'BIT STRING with unused bits' });
  }
  return copyBytes(node.content, 1);
}

/** The bits of a BIT STRING as booleans, most significant bit of the first byte first. */
export function bitStringBits(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): boolean[] {
  expectTag(node, DER_TAG.BIT_STRING, 'BIT STRING', code);
  const unused = node.content[0] ?? 8;
  if (unused > 7)
    throw new AttestError(code, { offset: node.offset, message: 'bad unused-bits count' });
  const bits: boolean[] = [];
  const data = node.content.subarray(1);
  for (let i = 0; i < data.length * 8 - unused; i++)
    bits.push(((data[i >> 3]! >> (7 - (i & 7))) & 1) === 1);
  return bits;
}

/**
 * One character per byte. `String.fromCharCode(...bytes)` passes every byte as an argument and
 * throws RangeError once the content passes about 120 KB; chunks keep it linear and safe.
 */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/**
 * Decodes a string type (UTF8, Printable, IA5, T61 as Latin-1, BMP). Linear in the content's
 * length, whatever that is.
 *
 * @throws {AttestError} `code` for another tag, invalid UTF-8 or a BMPString of odd length.
 */
export function stringValue(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): string {
  if (node.cls !== DER_CLASS_UNIVERSAL) {
    throw new AttestError(code, { offset: node.offset, message: 'expected a string' });
  }
  switch (node.tag) {
    case DER_TAG.UTF8_STRING:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(node.content);
      } catch (cause) {
        throw new AttestError(code, { offset: node.offset, message: 'invalid UTF8String', cause });
      }
    case DER_TAG.PRINTABLE_STRING:
    case DER_TAG.IA5_STRING:
    case DER_TAG.T61_STRING:
      return latin1(node.content);
    case DER_TAG.BMP_STRING: {
      if (node.content.length % 2 !== 0) {
        throw new AttestError(code, { offset: node.offset, message: 'BMPString of odd length' });
      }
      let s = '';
      for (let i = 0; i < node.content.length; i += 2) {
        s += String.fromCharCode((node.content[i]! << 8) | node.content[i + 1]!);
      }
      return s;
    }
    default:
      throw new AttestError(code, {
        offset: node.offset,
        message: `tag ${node.tag} is not a string`,
      });
  }
}

/**
 * Decodes UTCTime (YYMMDDHHMMSSZ, 13 bytes) or GeneralizedTime (YYYYMMDDHHMMSSZ, 15 bytes), DER
 * forms only (RFC 5280 §4.1.2.5). The length is checked before the content is read.
 *
 * @throws {AttestError} `code` for another tag, another length or an impossible date.
 */
export function timeValue(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): Date {
  const utc = node.tag === DER_TAG.UTC_TIME;
  if (node.cls !== DER_CLASS_UNIVERSAL || (!utc && node.tag !== DER_TAG.GENERALIZED_TIME)) {
    throw new AttestError(code, { offset: node.offset, message: `tag ${node.tag} is not a time` });
  }
  if (node.content.length !== (utc ? 13 : 15)) {
    throw new AttestError(code, {
      offset: node.offset,
      message: `${utc ? 'UTCTime' : 'GeneralizedTime'} of ${node.content.length} bytes, expected ${utc ? 13 : 15}`,
    });
  }
  const text = latin1(node.content);
  if (!/^\d+Z$/.test(text))
    throw new AttestError(code, { offset: node.offset, message: `bad time "${text}"` });
  const y = utc ? 2 : 4; // digits of the year
  const two = (k: number): number => Number(text.slice(y + k, y + k + 2));
  const [mo, d, h, mi, s] = [two(0), two(2), two(4), two(6), two(8)];
  const yy = Number(text.slice(0, y));
  // RFC 5280 §4.1.2.5.1: a UTCTime year below 50 is 20YY, otherwise 19YY.
  const year = utc ? (yy < 50 ? 2000 : 1900) + yy : yy;
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes the year as given.
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new AttestError(code, { offset: node.offset, message: `bad time "${text}"` });
  }
  return date;
}
