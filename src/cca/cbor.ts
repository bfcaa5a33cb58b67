/**
 * @module
 * Strict CBOR (RFC 8949) decoding for CCA and PSA tokens, with no CBOR library: item heads are
 * read here (shortest-form integers and lengths only, no indefinite-length items or break, no
 * `undefined`, no simple values other than false/true/null, reserved values refused, every length
 * checked against the bytes that remain), and the item tree is built from them without recursion.
 * On top of the head rules, what the CCA profile (draft-ffm-rats-cca-token, RFC 9052 for COSE)
 * needs:
 *
 * - a nesting limit, checked before a container is entered (`ERR_LIMIT_EXCEEDED`);
 * - an item limit (every head counts: keys, values, elements, tags), checked at each container's
 *   head against the items it declares, so memory stays bounded by the limit, not the input size
 *   (`ERR_LIMIT_EXCEEDED`);
 * - declared array and map sizes checked against the bytes that remain, before anything is
 *   allocated;
 * - map keys restricted to integers and text strings (EAT claim keys, COSE labels), duplicates
 *   rejected;
 * - tags only from an allow-list given by the caller;
 * - text strings validated as UTF-8 (never replaced with U+FFFD), a leading U+FEFF kept as text;
 * - trailing bytes after the item rejected (`ERR_TRAILING_DATA`);
 * - every node keeps its absolute offset and encoded length, so byte strings whose exact bytes
 *   are signed or hashed (COSE protected headers, payloads, the RAK claim) can be taken as they
 *   were received.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, copyBytes } from '../core/bytes.js';

/** Core `assertBytes` (which also rejects views over detached buffers), kept under this name for callers. */
export const assertInputBytes: typeof assertBytes = assertBytes;

/** Default maximum nesting depth of arrays, maps and tags. CCA tokens need at most 4. */
export const CBOR_MAX_DEPTH = 16;

/**
 * Default maximum number of items one {@link decodeCbor} call builds (every head counts: integers,
 * strings, containers, map keys, tags). The largest real CCA claims map (16 software components)
 * holds 163; the default leaves a wide margin while bounding the tree a hostile input can make (each
 * item costs a node object, so 2.5 million one-byte items would exhaust a default V8 heap).
 */
export const CBOR_MAX_ITEMS = 65_536;

interface CborBase {
  /** Absolute offset of the item's first byte in the outermost input. */
  readonly offset: number;
  /** Encoded length of the whole item (head and content). */
  readonly length: number;
}

/** An unsigned or negative integer (major types 0 and 1); `bigint` beyond 2^53. */
export interface CborInt extends CborBase {
  readonly kind: 'int';
  readonly value: number | bigint;
}

/** A byte string (major type 2). `value` is a copy; its content starts at `contentOffset`. */
export interface CborBytes extends CborBase {
  readonly kind: 'bytes';
  readonly value: Uint8Array;
  readonly contentOffset: number;
}

/** A text string (major type 3), validated as UTF-8. */
export interface CborText extends CborBase {
  readonly kind: 'text';
  readonly value: string;
}

/** An array (major type 4, definite length). */
export interface CborArray extends CborBase {
  readonly kind: 'array';
  readonly items: readonly CborNode[];
}

/** One map entry; keys are integers or text strings. */
export interface CborEntry {
  readonly key: CborInt | CborText;
  readonly value: CborNode;
}

/** A map (major type 5, definite length, no duplicate keys), entries in encoded order. */
export interface CborMap extends CborBase {
  readonly kind: 'map';
  readonly entries: readonly CborEntry[];
}

/** A tagged item (major type 6). */
export interface CborTag extends CborBase {
  readonly kind: 'tag';
  readonly tag: number;
  readonly item: CborNode;
}

/** `false`, `true` or `null`. */
export interface CborSimple extends CborBase {
  readonly kind: 'simple';
  readonly value: boolean | null;
}

/** A half, single or double precision float. */
export interface CborFloat extends CborBase {
  readonly kind: 'float';
  readonly value: number;
}

/** One decoded CBOR data item. */
export type CborNode =
  CborInt | CborBytes | CborText | CborArray | CborMap | CborTag | CborSimple | CborFloat;

/** Options for {@link decodeCbor}. */
export interface CborDecodeOptions {
  /** Absolute offset of `bytes[0]` in the outermost input (for error offsets). Default 0. */
  readonly base?: number;
  /** Tags accepted anywhere in the item; `'any'` accepts every tag. Default: none. */
  readonly tags?: readonly number[] | 'any';
  /** Maximum nesting depth. Default {@link CBOR_MAX_DEPTH}. */
  readonly maxDepth?: number;
  /**
   * Maximum number of items in the whole tree. Default {@link CBOR_MAX_ITEMS}. A container whose
   * declared items would pass it fails at its head, before they are read.
   */
  readonly maxItems?: number;
  /** Name of the structure, used as the error field. */
  readonly structure?: string;
}

/** A node under construction: containers get their children and length when they complete. */
interface MutableNode {
  kind: CborNode['kind'];
  offset: number;
  length: number;
  [field: string]: unknown;
}

interface Frame {
  readonly node: MutableNode;
  readonly kind: 'array' | 'map' | 'tag';
  /** Child items still expected (a map counts keys and values). */
  remaining: number;
  /** The key waiting for its value (maps). */
  key: CborInt | CborText | undefined;
  /** Keys seen so far (maps). */
  readonly seen: Set<string | number | bigint> | undefined;
}

let utf8: TextDecoder | undefined;

/** An IEEE 754 half-precision value (RFC 8949 Appendix D). */
function half(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const v =
    exp === 0
      ? mant * 2 ** -24
      : exp === 31
        ? mant === 0
          ? Infinity
          : NaN
        : (mant + 1024) * 2 ** (exp - 25);
  return h & 0x8000 ? -v : v;
}

/**
 * Decodes exactly one CBOR data item that must fill `bytes`, strictly (see the module notes).
 *
 * @param bytes - the encoded item.
 * @param options - absolute base offset, allowed tags, nesting and item limits.
 * @returns the item tree, every node with its absolute offset and encoded length.
 * @throws {AttestError} `ERR_BAD_CBOR` (malformed or non-strict CBOR, truncation, a declared
 *   length larger than the input, a forbidden tag or key type, a duplicate key),
 *   `ERR_LIMIT_EXCEEDED` (nesting deeper than `maxDepth`, or more than `maxItems` items, at the
 *   head that passes the limit), `ERR_TRAILING_DATA`.
 * @example
 * ```ts
 * const node = decodeCbor(payload, { base: 42 });
 * if (node.kind === 'map') console.log(node.entries.length);
 * ```
 */
export function decodeCbor(bytes: Uint8Array, options: CborDecodeOptions = {}): CborNode {
  assertInputBytes(bytes, options.structure ?? 'input');
  if (options.base !== undefined && (!Number.isSafeInteger(options.base) || options.base < 0)) {
    throw new RangeError('base must be a non-negative integer');
  }
  const base = options.base ?? 0;
  const maxDepth = options.maxDepth ?? CBOR_MAX_DEPTH;
  const maxItems = options.maxItems ?? CBOR_MAX_ITEMS;
  const allowedTags = options.tags ?? [];
  const field = options.structure;
  const fail = (
    code: 'ERR_BAD_CBOR' | 'ERR_LIMIT_EXCEEDED',
    at: number,
    message: string,
    cause?: unknown,
  ): never => {
    throw new AttestError(code, {
      offset: base + at,
      ...(field !== undefined ? { field } : {}),
      message,
      ...(cause !== undefined ? { cause } : {}),
    });
  };
  if (bytes.length === 0) fail('ERR_BAD_CBOR', 0, 'empty input, expected a CBOR item');

  const size = bytes.length;
  let view: DataView | undefined;
  let pos = 0;
  const stack: Frame[] = [];
  let root: CborNode | undefined;
  /** Items read so far plus the direct children declared by open containers. */
  let items = 0;

  const attach = (frame: Frame, child: CborNode): void => {
    const node = frame.node;
    if (frame.kind === 'array') {
      (node.items as CborNode[]).push(child);
    } else if (frame.kind === 'tag') {
      node.item = child;
    } else if (frame.key === undefined) {
      const key = child as CborInt | CborText;
      const id = key.kind === 'text' ? `t:${key.value}` : key.value;
      if (frame.seen!.has(id)) {
        fail('ERR_BAD_CBOR', key.offset - base, `duplicate map key ${String(key.value)}`);
      }
      frame.seen!.add(id);
      frame.key = key;
    } else {
      (node.entries as CborEntry[]).push({ key: frame.key, value: child });
      frame.key = undefined;
    }
  };

  while (root === undefined) {
    const start = pos;
    if (start >= size) fail('ERR_BAD_CBOR', start, 'input ends inside a CBOR item');
    // The item head (RFC 8949 §3): major type, additional information, argument.
    const initial = bytes[start]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    let arg: number | bigint = info;
    let end = start + 1;
    if (info >= 24) {
      if (info > 27) {
        fail(
          'ERR_BAD_CBOR',
          start,
          info === 31
            ? 'indefinite-length items and break are not allowed'
            : `reserved additional information ${info}`,
        );
      }
      const n = 1 << (info - 24);
      end += n;
      if (end > size) fail('ERR_BAD_CBOR', start, 'input ends inside a CBOR item head');
      if (major !== 7) {
        // Strict: the argument in its shortest form (a value below 24 never takes a byte).
        let hi = 0;
        let lo = 0;
        for (let i = start + 1; i < end; i++) {
          hi = (hi * 256 + (lo >>> 24)) >>> 0;
          lo = ((lo << 8) | bytes[i]!) >>> 0;
        }
        if (n === 8 ? hi === 0 : lo < (n === 1 ? 24 : 2 ** (4 * n))) {
          fail('ERR_BAD_CBOR', start, 'integer or length not in its shortest form');
        }
        arg = hi < 0x200000 ? hi * 2 ** 32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
      }
    }
    const remaining = size - end;
    const top = stack[stack.length - 1];
    const expectsKey = top !== undefined && top.kind === 'map' && top.key === undefined;
    if (expectsKey && major !== 0 && major !== 1 && major !== 3) {
      fail(
        'ERR_BAD_CBOR',
        start,
        `map key must be an integer or a text string, got major type ${major}`,
      );
    }

    let node: MutableNode;
    let children = 0;
    switch (major) {
      case 0:
        node = { kind: 'int', value: arg, offset: base + start, length: 0 };
        break;
      case 1:
        node = {
          kind: 'int',
          value:
            typeof arg === 'number' && arg < Number.MAX_SAFE_INTEGER ? -1 - arg : -1n - BigInt(arg),
          offset: base + start,
          length: 0,
        };
        break;
      case 2:
      case 3: {
        if (typeof arg !== 'number' || arg > remaining) {
          fail(
            'ERR_BAD_CBOR',
            start,
            `${major === 2 ? 'byte' : 'text'} string declares ${String(arg)} bytes but only ${remaining} remain`,
          );
        }
        const from = end;
        end += arg as number;
        if (major === 2) {
          node = {
            kind: 'bytes',
            value: copyBytes(bytes, from, end),
            contentOffset: base + from,
            offset: base + start,
            length: 0,
          };
        } else {
          let value: string;
          try {
            // Fatal: invalid UTF-8 is an error, never U+FFFD; a leading BOM is kept as text.
            utf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
            // A view by constructor: `subarray` would ask the input's (possibly subclassed) species.
            value = utf8.decode(new Uint8Array(bytes.buffer, bytes.byteOffset + from, end - from));
          } catch (cause) {
            return fail('ERR_BAD_CBOR', start, 'text string is not valid UTF-8', cause);
          }
          node = { kind: 'text', value, offset: base + start, length: 0 };
        }
        break;
      }
      case 4:
      case 5: {
        const items = major === 5 ? 2 : 1;
        if (typeof arg !== 'number' || arg * items > remaining) {
          fail(
            'ERR_BAD_CBOR',
            start,
            `${major === 5 ? 'map' : 'array'} declares ${String(arg)} ${major === 5 ? 'entries' : 'items'} but only ${remaining} bytes remain`,
          );
        }
        children = (arg as number) * items;
        node =
          major === 4
            ? { kind: 'array', items: [], offset: base + start, length: 0 }
            : { kind: 'map', entries: [], offset: base + start, length: 0 };
        break;
      }
      case 6:
        if (typeof arg !== 'number' || (allowedTags !== 'any' && !allowedTags.includes(arg))) {
          fail('ERR_BAD_CBOR', start, `tag ${String(arg)} is not allowed here`);
        }
        children = 1;
        node = { kind: 'tag', tag: arg, offset: base + start, length: 0 };
        break;
      default: {
        // Major type 7: false, true, null and floats; undefined and other simple values refused.
        let value: boolean | null | number;
        if (info === 20 || info === 21 || info === 22) value = info === 22 ? null : info === 21;
        else if (info >= 25) {
          view ??= new DataView(bytes.buffer, bytes.byteOffset, size);
          value =
            info === 25
              ? half(view.getUint16(start + 1))
              : info === 26
                ? view.getFloat32(start + 1)
                : view.getFloat64(start + 1);
        } else {
          return fail(
            'ERR_BAD_CBOR',
            start,
            info === 23 ? 'undefined is not allowed' : 'simple values are not allowed',
          );
        }
        node = {
          kind: typeof value === 'number' ? 'float' : 'simple',
          value,
          offset: base + start,
          length: 0,
        };
      }
    }
    pos = end;
    // The item's own head was counted when its container declared it (the root counts here).
    items += (stack.length === 0 ? 1 : 0) + children;
    if (items > maxItems) {
      fail('ERR_LIMIT_EXCEEDED', start, `more than ${maxItems} CBOR items`);
    }
    if (children > 0) {
      if (stack.length + 1 > maxDepth) {
        fail('ERR_LIMIT_EXCEEDED', start, `CBOR nesting deeper than ${maxDepth}`);
      }
      stack.push({
        node,
        kind: node.kind as 'array' | 'map' | 'tag',
        remaining: children,
        key: undefined,
        seen: node.kind === 'map' ? new Set<string | number | bigint>() : undefined,
      });
      continue;
    }
    // A leaf or an empty container completes at once; so may the containers it closes.
    let done: MutableNode = node;
    for (;;) {
      done.length = base + pos - done.offset;
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        root = done as unknown as CborNode;
        break;
      }
      attach(frame, done as unknown as CborNode);
      if (--frame.remaining > 0) break;
      stack.pop();
      done = frame.node;
    }
  }

  if (pos < size) {
    throw new AttestError('ERR_TRAILING_DATA', {
      offset: base + pos,
      ...(field !== undefined ? { field } : {}),
      message: `${size - pos} bytes after the CBOR item`,
    });
  }
  return root;
}

/** Encodes a CBOR head (major type and argument) in shortest form. */
export function encodeCborHead(major: number, argument: number): Uint8Array {
  const m = major << 5;
  if (argument < 24) return Uint8Array.of(m | argument);
  if (argument < 0x100) return Uint8Array.of(m | 24, argument);
  if (argument < 0x10000) return Uint8Array.of(m | 25, argument >> 8, argument & 0xff);
  return Uint8Array.of(
    m | 26,
    (argument >>> 24) & 0xff,
    (argument >>> 16) & 0xff,
    (argument >>> 8) & 0xff,
    argument & 0xff,
  );
}

/** The entry of `map` whose key is `key` (an integer or text label), or undefined. */
export function cborMapGet(map: CborMap, key: number | string): CborNode | undefined {
  for (const e of map.entries) if (e.key.value === key) return e.value;
  return undefined;
}

/** A short name of a node's CBOR type, for error messages. */
export function cborTypeName(node: CborNode): string {
  return node.kind === 'simple' ? String(node.value) : node.kind;
}
