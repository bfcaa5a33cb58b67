/**
 * @module
 * Strict reading of the JSON a hardware report binds by hash (Azure HCL runtime data, RFC 8259).
 * The hash covers bytes, so two readers must never see two different documents in them: a member
 * name repeated in one object (RFC 8259 §4 leaves the result unspecified; Go keeps the last,
 * serde rejects) and nesting beyond a small depth are rejected before `JSON.parse` runs.
 */
import { AttestError } from '../core/errors.js';
import { utf8Decode } from '../core/encoding.js';

/** Nesting depth the runtime data never needs (it is 3 levels deep). */
export const MAX_JSON_DEPTH = 32;

interface Frame {
  readonly isObject: boolean;
  readonly names: Set<string>;
  expectName: boolean;
}

/**
 * Parses UTF-8 JSON text whose top level must be an object, after checking it for duplicate
 * member names and excessive depth.
 *
 * @param bytes - the JSON bytes.
 * @param base - absolute offset of `bytes[0]` in the caller's input (for error offsets).
 * @param field - the field name for errors.
 * @throws {AttestError} `ERR_BAD_ENCODING` (invalid UTF-8), `ERR_BAD_JSON` (syntax, duplicate
 *   member, top level not an object), `ERR_LIMIT_EXCEEDED` (depth).
 */
export function parseStrictJsonObject(
  bytes: Uint8Array,
  base: number,
  field: string,
): Record<string, unknown> {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch (cause) {
    throw new AttestError('ERR_BAD_ENCODING', {
      offset: base,
      field,
      message: 'runtime data is not valid UTF-8',
      cause,
    });
  }
  scanStructure(bytes, base, field);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AttestError('ERR_BAD_JSON', {
      offset: base,
      field,
      message: 'runtime data is not valid JSON',
      cause,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AttestError('ERR_BAD_JSON', {
      offset: base,
      field,
      message: 'runtime data must be a JSON object',
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Walks the structural characters of (possibly malformed) JSON bytes: rejects depth over
 * {@link MAX_JSON_DEPTH} and member names repeated within one object. Syntax errors are left to
 * `JSON.parse`; this walk only has to be safe on any input.
 */
function scanStructure(bytes: Uint8Array, base: number, field: string): void {
  const stack: Frame[] = [];
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < bytes.length && bytes[i] !== 0x22) i += bytes[i] === 0x5c /* \ */ ? 2 : 1;
      const end = Math.min(i + 1, bytes.length);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.isObject && top.expectName) {
        const name = memberName(bytes.subarray(start, end));
        if (name !== undefined) {
          if (top.names.has(name)) {
            throw new AttestError('ERR_BAD_JSON', {
              offset: base + start,
              field,
              message: `member "${name}" appears twice in one object`,
            });
          }
          top.names.add(name);
        }
        top.expectName = false;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_JSON_DEPTH) {
        throw new AttestError('ERR_LIMIT_EXCEEDED', {
          offset: base + i,
          field,
          message: `JSON nesting deeper than ${MAX_JSON_DEPTH}`,
        });
      }
      stack.push({ isObject: c === 0x7b, names: new Set(), expectName: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.isObject) top.expectName = true;
    }
    i++;
  }
}

/** The decoded text of a JSON string literal, or undefined when it is malformed. */
function memberName(literal: Uint8Array): string | undefined {
  // Printable ASCII without escapes (every member name of the runtime data) is its own text.
  const last = literal.length - 1;
  if (last >= 1 && literal[0] === 0x22 /* " */ && literal[last] === 0x22) {
    let name = '';
    let i = 1;
    for (; i < last; i++) {
      const c = literal[i]!;
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c /* \ */) break;
      name += String.fromCharCode(c);
    }
    if (i === last) return name;
  }
  try {
    const v: unknown = JSON.parse(utf8Decode(literal));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
