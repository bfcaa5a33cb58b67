/**
 * @module
 * Strict reading of the JSON a hardware report binds by hash (Azure HCL runtime data, RFC 8259).
 * The hash covers bytes, so two readers must never see two different documents in them. Rejected
 * before `JSON.parse` runs:
 * - a leading UTF-8 byte order mark (RFC 8259 §8.1: senders MUST NOT add one; a fatal
 *   `TextDecoder` drops it silently, Go's encoding/json refuses it);
 * - a member name repeated in one object (RFC 8259 §4 leaves the result unspecified; Go keeps the
 *   last, serde rejects), and two names that Go's encoding/json folds together (it matches
 *   member names to fields case-insensitively: `keys` and `Keys`, `n` and `N`, `ſ` and `s`);
 * - a member named `__proto__` (`JSON.parse` keeps it as an own property, but a later
 *   `Object.assign` or `copy[k] = v` would make its value the copy's prototype);
 * - a member name with an unpaired surrogate escape (`"\ud800"`: Go reads every such name as
 *   U+FFFD, so two of them are one name to it);
 * - nesting beyond a small depth.
 */
import { AttestError } from '../core/errors.js';
import { utf8Decode } from '../core/encoding.js';

/** Nesting depth the runtime data never needs (it is 3 levels deep). */
export const MAX_JSON_DEPTH = 32;

interface Frame {
  readonly isObject: boolean;
  /** Member names seen in this object, by their Go fold ({@link foldName}). */
  readonly names: Map<string, string>;
  expectName: boolean;
}

/** UTF-8 encoding of U+FEFF, the byte order mark. */
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Parses UTF-8 JSON text whose top level must be an object, after checking it for a byte order
 * mark, member names repeated in one object (exactly or up to Go's case folding), members named
 * `__proto__`, and excessive depth. The objects returned are `JSON.parse`'s: plain objects whose
 * members are own data properties, none of them named `__proto__`.
 *
 * @param bytes - the JSON bytes.
 * @param base - absolute offset of `bytes[0]` in the caller's input (for error offsets).
 * @param field - the field name for errors.
 * @returns the top-level object.
 * @throws {AttestError} `ERR_BAD_ENCODING` (invalid UTF-8), `ERR_BAD_JSON` (a leading byte order
 *   mark, syntax, a repeated or case-folded duplicate member, a `__proto__` member, top level not
 *   an object; the offset is that of the mark or of the offending name), `ERR_LIMIT_EXCEEDED`
 *   (depth).
 */
export function parseStrictJsonObject(
  bytes: Uint8Array,
  base: number,
  field: string,
): Record<string, unknown> {
  if (UTF8_BOM.every((b, i) => bytes[i] === b)) {
    throw new AttestError('ERR_BAD_JSON', {
      offset: base,
      field,
      message: 'runtime data starts with a UTF-8 byte order mark (EF BB BF)',
    });
  }
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
 * {@link MAX_JSON_DEPTH}, member names repeated within one object (after {@link foldName}) and
 * `__proto__` members. Syntax errors are left to `JSON.parse`; this walk only has to be safe on
 * any input, and on valid JSON it sees every member name `JSON.parse` will.
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
          if (name === '__proto__') {
            throw new AttestError('ERR_BAD_JSON', {
              offset: base + start,
              field,
              message: 'a member named "__proto__" is not accepted',
            });
          }
          if (hasLoneSurrogate(name)) {
            // Go decodes a lone surrogate escape as U+FFFD, so "\ud800" and "\udbff" would be
            // one name to it and two here (serde refuses them).
            throw new AttestError('ERR_BAD_JSON', {
              offset: base + start,
              field,
              message: 'a member name with an unpaired surrogate escape is not accepted',
            });
          }
          const folded = foldName(name);
          const earlier = top.names.get(folded);
          if (earlier !== undefined) {
            throw new AttestError('ERR_BAD_JSON', {
              offset: base + start,
              field,
              message:
                earlier === name
                  ? `member "${name}" appears twice in one object`
                  : `members "${earlier}" and "${name}" differ only in case (Go's encoding/json reads them as one)`,
            });
          }
          top.names.set(folded, name);
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
      stack.push({ isObject: c === 0x7b, names: new Map(), expectName: c === 0x7b });
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
/** True when `s` holds a UTF-16 surrogate that is not half of a pair. */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}

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

/**
 * A key under which every name Go's encoding/json would match to the same field falls together.
 * Go (1.21+ `foldName`) maps each rune r to `unicode.ToUpper(unicode.ToLower(r))`, so besides
 * ASCII case it joins `ſ` (U+017F) with `S`, the Kelvin sign (U+212A) with `K`, and `İ`/`ı`
 * (U+0130/U+0131) with `I`; those four are the only non-ASCII runes it folds to ASCII, so for the
 * ASCII field names a Go reader of the runtime data declares this fold is exact. Other non-ASCII
 * characters go through JavaScript's case mappings, which also join a few names Go keeps apart
 * (`ß` and `SS`): that only refuses more.
 */
function foldName(name: string): string {
  let out = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += cp >= 0x61 && cp <= 0x7a ? String.fromCharCode(cp - 0x20) : ch;
    // JavaScript lower-cases U+0130 to "i" + U+0307, which would keep it apart from "I".
    else if (cp === 0x130 || cp === 0x131) out += 'I';
    else out += ch.toLowerCase().toUpperCase();
  }
  return out;
}
