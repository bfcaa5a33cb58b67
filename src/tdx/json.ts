/**
 * @module
 * A strict JSON reader (RFC 8259) over UTF-8 bytes that remembers where every value starts and
 * ends, so signed collateral can be verified over the exact bytes it was signed as, and the data
 * interpreted is exactly the data signed. Duplicate member names are rejected (they would let a
 * verifier and an application read different values), nesting and size are bounded.
 */
import { AttestError } from '../core/errors.js';

/** A JSON value with its byte span [start, end) in the input. */
export type JsonNode =
  | {
      readonly kind: 'object';
      readonly start: number;
      readonly end: number;
      readonly members: ReadonlyMap<string, JsonNode>;
    }
  | {
      readonly kind: 'array';
      readonly start: number;
      readonly end: number;
      readonly items: readonly JsonNode[];
    }
  | {
      readonly kind: 'string';
      readonly start: number;
      readonly end: number;
      readonly value: string;
    }
  | {
      readonly kind: 'number';
      readonly start: number;
      readonly end: number;
      readonly value: number;
      readonly integer: boolean;
    }
  | {
      readonly kind: 'boolean';
      readonly start: number;
      readonly end: number;
      readonly value: boolean;
    }
  | { readonly kind: 'null'; readonly start: number; readonly end: number };

/** Deepest nesting accepted (Intel's documents nest 5 levels). */
export const JSON_MAX_DEPTH = 32;
/** Largest document accepted (bytes); PCS documents are under 16 KB. */
export const JSON_MAX_SIZE: number = 4 << 20;

const utf8 = /* @__PURE__ */ (() => new TextDecoder('utf-8', { fatal: true }))();

/**
 * Parses a whole JSON document (leading/trailing whitespace allowed, nothing else).
 *
 * @throws {AttestError} `ERR_BAD_JSON` (with the byte offset), `ERR_LIMIT_EXCEEDED`.
 */
export function parseJsonSpans(bytes: Uint8Array, structure: string): JsonNode {
  if (bytes.length > JSON_MAX_SIZE) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: 0,
      field: structure,
      message: `JSON document of ${bytes.length} bytes exceeds ${JSON_MAX_SIZE}`,
    });
  }
  let p = 0;
  const fail = (message: string, at = p): never => {
    throw new AttestError('ERR_BAD_JSON', { offset: at, field: structure, message });
  };
  const ws = (): void => {
    while (p < bytes.length) {
      const c = bytes[p]!;
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) p++;
      else break;
    }
  };
  const literal = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      if (bytes[p + i] !== text.charCodeAt(i)) fail(`expected "${text}"`);
    }
    p += text.length;
  };
  const hex4 = (): number => {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = bytes[p++];
      let d: number;
      if (c === undefined) return fail('truncated \\u escape');
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else return fail('bad \\u escape', p - 1);
      v = (v << 4) | d;
    }
    return v;
  };
  const string = (): string => {
    const start = p;
    p++; // opening quote
    let out = '';
    let runStart = p;
    const flush = (): void => {
      if (p > runStart) {
        try {
          out += utf8.decode(bytes.subarray(runStart, p));
        } catch {
          fail('invalid UTF-8 in string', runStart);
        }
      }
    };
    for (;;) {
      const c = bytes[p];
      if (c === undefined) return fail('unterminated string', start);
      if (c === 0x22) {
        flush();
        p++;
        return out;
      }
      if (c < 0x20) return fail('control character in string');
      if (c === 0x5c) {
        flush();
        p++;
        const e = bytes[p++];
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const u = hex4();
            if (u >= 0xd800 && u <= 0xdbff) {
              if (bytes[p] !== 0x5c || bytes[p + 1] !== 0x75) fail('lone high surrogate');
              p += 2;
              const lo = hex4();
              if (lo < 0xdc00 || lo > 0xdfff) fail('bad low surrogate');
              out += String.fromCharCode(u, lo);
            } else if (u >= 0xdc00 && u <= 0xdfff) {
              fail('lone low surrogate');
            } else out += String.fromCharCode(u);
            break;
          }
          default:
            fail('bad escape', p - 1);
        }
        runStart = p;
        continue;
      }
      p++;
    }
  };
  const number = (): JsonNode => {
    const start = p;
    if (bytes[p] === 0x2d) p++;
    const digits = (): number => {
      const s = p;
      while (p < bytes.length && bytes[p]! >= 0x30 && bytes[p]! <= 0x39) p++;
      return p - s;
    };
    const intStart = p;
    const n = digits();
    if (n === 0) fail('bad number', start);
    if (n > 1 && bytes[intStart] === 0x30) fail('leading zero in number', start);
    let integer = true;
    if (bytes[p] === 0x2e) {
      p++;
      integer = false;
      if (digits() === 0) fail('bad fraction', start);
    }
    if (bytes[p] === 0x65 || bytes[p] === 0x45) {
      p++;
      integer = false;
      if (bytes[p] === 0x2b || bytes[p] === 0x2d) p++;
      if (digits() === 0) fail('bad exponent', start);
    }
    const value = Number(utf8.decode(bytes.subarray(start, p)));
    if (!Number.isFinite(value)) fail('number out of range', start);
    return { kind: 'number', start, end: p, value, integer };
  };
  const value = (depth: number): JsonNode => {
    if (depth > JSON_MAX_DEPTH) {
      throw new AttestError('ERR_LIMIT_EXCEEDED', {
        offset: p,
        field: structure,
        message: `JSON nested deeper than ${JSON_MAX_DEPTH}`,
      });
    }
    ws();
    const start = p;
    const c = bytes[p];
    if (c === undefined) return fail('unexpected end of JSON');
    if (c === 0x7b) {
      p++;
      const members = new Map<string, JsonNode>();
      ws();
      if (bytes[p] === 0x7d) {
        p++;
        return { kind: 'object', start, end: p, members };
      }
      for (;;) {
        ws();
        if (bytes[p] !== 0x22) fail('expected a member name');
        const keyAt = p;
        const key = string();
        if (members.has(key)) fail(`duplicate member "${key}"`, keyAt);
        ws();
        if (bytes[p] !== 0x3a) fail('expected ":"');
        p++;
        members.set(key, value(depth + 1));
        ws();
        if (bytes[p] === 0x2c) {
          p++;
          continue;
        }
        if (bytes[p] === 0x7d) {
          p++;
          return { kind: 'object', start, end: p, members };
        }
        fail('expected "," or "}"');
      }
    }
    if (c === 0x5b) {
      p++;
      const items: JsonNode[] = [];
      ws();
      if (bytes[p] === 0x5d) {
        p++;
        return { kind: 'array', start, end: p, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (bytes[p] === 0x2c) {
          p++;
          continue;
        }
        if (bytes[p] === 0x5d) {
          p++;
          return { kind: 'array', start, end: p, items };
        }
        fail('expected "," or "]"');
      }
    }
    if (c === 0x22) {
      const s = string();
      return { kind: 'string', start, end: p, value: s };
    }
    if (c === 0x74) {
      literal('true');
      return { kind: 'boolean', start, end: p, value: true };
    }
    if (c === 0x66) {
      literal('false');
      return { kind: 'boolean', start, end: p, value: false };
    }
    if (c === 0x6e) {
      literal('null');
      return { kind: 'null', start, end: p };
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return number();
    return fail(`unexpected character 0x${c.toString(16)}`);
  };
  // A UTF-8 byte-order mark is not JSON (RFC 8259 §8.1: MUST NOT add one).
  const root = value(0);
  ws();
  if (p !== bytes.length) fail('bytes after the JSON document');
  return root;
}
