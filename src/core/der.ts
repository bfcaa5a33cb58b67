/**
 * @module
 * Strict DER decoding (ITU-T X.690 §8, §10) into a small plain tree. It accepts only DER:
 * definite, minimal lengths; minimal INTEGERs; BOOLEANs of 0x00/0xFF; primitive strings; low tag
 * numbers; no trailing bytes; nesting at most {@link DER_MAX_DEPTH} deep. `x509.ts` and the
 * platform extension decoders (PCK SGX extensions, TCG EK attributes) read DER only through
 * this module.
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
  const [node, end] = readTlv(bytes, 0, bytes.length, 0, code);
  if (end !== bytes.length) {
    throw new AttestError('ERR_TRAILING_DATA', {
      offset: end,
      message: `${bytes.length - end} bytes after the DER object`,
    });
  }
  return node;
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
  return readTlv(bytes, at, bytes.length, 0, code);
}

function readTlv(
  input: Uint8Array,
  start: number,
  limit: number,
  depth: number,
  code: AttestErrorCode,
): [DerNode, number] {
  const fail = (message: string, at = start): never => {
    throw new AttestError(code, { offset: at, message });
  };
  if (depth > DER_MAX_DEPTH) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: start,
      message: 'DER nested too deeply',
    });
  }
  if (start + 2 > limit) fail('truncated DER header');
  const id = input[start]!;
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  const tag = id & 0x1f;
  if (tag === 0x1f) fail('high tag numbers are not used in these structures');
  let p = start + 1;
  const first = input[p++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) fail('indefinite length is not DER');
    if (n > 4) fail('length too large');
    if (p + n > limit) fail('truncated DER length');
    if (input[p] === 0) fail('non-minimal length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + input[p++]!;
    if (length < 0x80) fail('non-minimal length');
  }
  const end = p + length;
  if (end > limit) fail(`DER length ${length} runs past the end of its container`);
  const content = input.subarray(p, end);
  const raw = input.subarray(start, end);
  let children: DerNode[] = [];
  if (cls === DER_CLASS_UNIVERSAL) {
    const isContainer = tag === DER_TAG.SEQUENCE || tag === DER_TAG.SET;
    if (constructed !== isContainer) {
      fail(
        constructed
          ? 'constructed string encodings are not DER'
          : 'SEQUENCE/SET must be constructed',
      );
    }
    if (tag === DER_TAG.INTEGER || tag === DER_TAG.ENUMERATED) {
      if (length === 0) fail('empty INTEGER');
      const a = content[0]!;
      const b = content[1];
      if (b !== undefined && ((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) !== 0))) {
        fail('non-minimal INTEGER');
      }
    } else if (tag === DER_TAG.BOOLEAN) {
      if (length !== 1 || (content[0] !== 0 && content[0] !== 0xff)) fail('BOOLEAN is not DER');
    } else if (tag === DER_TAG.NULL && length !== 0) {
      fail('NULL with content');
    }
  }
  if (constructed) {
    let q = p;
    while (q < end) {
      const [child, next] = readTlv(input, q, end, depth + 1, code);
      children.push(child);
      q = next;
    }
  } else {
    children = [];
  }
  return [{ cls, tag, constructed, raw, content, children, offset: start }, end];
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

/** Decodes an OBJECT IDENTIFIER's content to dotted text. */
export function oidText(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): string {
  expectTag(node, DER_TAG.OID, 'OBJECT IDENTIFIER', code);
  const c = node.content;
  if (c.length === 0) throw new AttestError(code, { offset: node.offset, message: 'empty OID' });
  const parts: string[] = [];
  let v = 0n;
  let first = true;
  for (let i = 0; i < c.length; i++) {
    const byte = c[i]!;
    if (v === 0n && byte === 0x80) {
      throw new AttestError(code, { offset: node.offset, message: 'non-minimal OID arc' });
    }
    v = (v << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (first) {
        const a = v < 40n ? 0n : v < 80n ? 1n : 2n;
        parts.push(a.toString(), (v - a * 40n).toString());
        first = false;
      } else {
        parts.push(v.toString());
      }
      v = 0n;
    } else if (i === c.length - 1) {
      throw new AttestError(code, { offset: node.offset, message: 'truncated OID' });
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

/** Decodes a string type (UTF8, Printable, IA5, T61 as Latin-1, BMP). */
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
      return String.fromCharCode(...node.content);
    case DER_TAG.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < node.content.length; i += 2) {
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

/** Decodes UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), DER forms only. */
export function timeValue(node: DerNode, code: AttestErrorCode = 'ERR_BAD_DER'): Date {
  const text = String.fromCharCode(...node.content);
  let m: RegExpExecArray | null;
  let year: number;
  if (node.tag === DER_TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))) {
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy; // RFC 5280 §4.1.2.5.1
  } else if (
    node.tag === DER_TAG.GENERALIZED_TIME &&
    (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))
  ) {
    year = Number(m[1]);
  } else {
    throw new AttestError(code, { offset: node.offset, message: `bad time "${text}"` });
  }
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const t = Date.UTC(year, mo - 1, d, h, mi, s);
  const date = new Date(t);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new AttestError(code, { offset: node.offset, message: `bad time "${text}"` });
  }
  return date;
}
