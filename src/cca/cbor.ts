/**
 * @module
 * Strict CBOR (RFC 8949) decoding for CCA and PSA tokens: the only module that imports the CBOR
 * library. `cborg`'s tokenizer reads item heads (strict mode: shortest-form integers and lengths,
 * no indefinite-length items, no `undefined`, no unassigned simple values, bounds-checked
 * lengths); this module builds the item tree from those tokens without recursion, and adds what
 * the CCA profile (draft-ffm-rats-cca-token, RFC 9052 for COSE) needs on top:
 *
 * - a nesting limit, checked before a container is entered (`ERR_LIMIT_EXCEEDED`);
 * - declared array and map sizes checked against the bytes that remain, before anything is
 *   allocated;
 * - map keys restricted to integers and text strings (EAT claim keys, COSE labels), duplicates
 *   rejected;
 * - tags only from an allow-list given by the caller;
 * - text strings validated as UTF-8 (cborg would silently replace bad sequences);
 * - trailing bytes after the item rejected (`ERR_TRAILING_DATA`);
 * - every node keeps its absolute offset and encoded length, so byte strings whose exact bytes
 *   are signed or hashed (COSE protected headers, payloads, the RAK claim) can be taken as they
 *   were received.
 */
import { Tokenizer } from 'cborg';
import { AttestError } from '../core/errors.js';
import { assertBytes } from '../core/bytes.js';

/** Core `assertBytes` (which also rejects views over detached buffers), kept under this name for callers. */
export const assertInputBytes: typeof assertBytes = assertBytes;

/** Default maximum nesting depth of arrays, maps and tags. CCA tokens need at most 4. */
export const CBOR_MAX_DEPTH = 16;

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

let fatalUtf8: TextDecoder | undefined;

function isAscii(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/**
 * Decodes exactly one CBOR data item that must fill `bytes`, strictly (see the module notes).
 *
 * @param bytes - the encoded item.
 * @param options - absolute base offset, allowed tags, nesting limit.
 * @returns the item tree, every node with its absolute offset and encoded length.
 * @throws {AttestError} `ERR_BAD_CBOR` (malformed or non-strict CBOR, truncation, a declared
 *   length larger than the input, a forbidden tag or key type, a duplicate key),
 *   `ERR_LIMIT_EXCEEDED` (nesting deeper than `maxDepth`), `ERR_TRAILING_DATA`.
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

  const tokenizer = new Tokenizer(bytes, {
    strict: true,
    allowIndefinite: false,
    allowUndefined: false,
    allowBigInt: true,
  });
  const stack: Frame[] = [];
  let root: CborNode | undefined;

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
    const start = tokenizer.pos();
    if (tokenizer.done()) fail('ERR_BAD_CBOR', start, 'input ends inside a CBOR item');
    let token: ReturnType<Tokenizer['next']>;
    try {
      token = tokenizer.next();
    } catch (cause) {
      return fail('ERR_BAD_CBOR', start, `malformed CBOR: ${(cause as Error).message}`, cause);
    }
    const end = tokenizer.pos();
    const remaining = bytes.length - end;
    const top = stack[stack.length - 1];
    const expectsKey = top !== undefined && top.kind === 'map' && top.key === undefined;
    const type = token.type.name;
    if (expectsKey && type !== 'uint' && type !== 'negint' && type !== 'string') {
      fail('ERR_BAD_CBOR', start, `map key must be an integer or a text string, got ${type}`);
    }

    let node: MutableNode;
    let children = 0;
    switch (type) {
      case 'uint':
      case 'negint':
        node = {
          kind: 'int',
          value: token.value as number | bigint,
          offset: base + start,
          length: end - start,
        };
        break;
      case 'bytes': {
        const value = token.value as Uint8Array;
        node = {
          kind: 'bytes',
          value,
          contentOffset: base + end - value.length,
          offset: base + start,
          length: end - start,
        };
        break;
      }
      case 'string': {
        // The content is the last bytes of the item; its head is 1, 2, 3, 5 or 9 bytes long.
        const minor = (bytes[start] ?? 0) & 0x1f;
        const head = minor < 24 ? 1 : 1 + (1 << (minor - 24));
        if (!isAscii(bytes, start + head, end)) {
          try {
            fatalUtf8 ??= new TextDecoder('utf-8', { fatal: true });
            fatalUtf8.decode(bytes.subarray(start + head, end));
          } catch (cause) {
            fail('ERR_BAD_CBOR', start, 'text string is not valid UTF-8', cause);
          }
        }
        node = {
          kind: 'text',
          value: token.value as string,
          offset: base + start,
          length: end - start,
        };
        break;
      }
      case 'array':
      case 'map': {
        const count = token.value as number | bigint;
        const items = type === 'map' ? 2 : 1;
        if (typeof count !== 'number' || count * items > remaining) {
          fail(
            'ERR_BAD_CBOR',
            start,
            `${type} declares ${String(count)} ${type === 'map' ? 'entries' : 'items'} but only ${remaining} bytes remain`,
          );
        }
        children = (count as number) * items;
        node =
          type === 'array'
            ? { kind: 'array', items: [], offset: base + start, length: 0 }
            : { kind: 'map', entries: [], offset: base + start, length: 0 };
        break;
      }
      case 'tag': {
        const tag = token.value as number | bigint;
        if (typeof tag !== 'number' || (allowedTags !== 'any' && !allowedTags.includes(tag))) {
          fail('ERR_BAD_CBOR', start, `tag ${String(tag)} is not allowed here`);
        }
        children = 1;
        node = { kind: 'tag', tag: tag, offset: base + start, length: 0 };
        break;
      }
      case 'float':
        node = {
          kind: 'float',
          value: token.value as number,
          offset: base + start,
          length: end - start,
        };
        break;
      case 'false':
      case 'true':
      case 'null':
        node = {
          kind: 'simple',
          value: token.value as boolean | null,
          offset: base + start,
          length: end - start,
        };
        break;
      default:
        return fail('ERR_BAD_CBOR', start, `unexpected CBOR ${type}`);
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
      done.length = base + tokenizer.pos() - done.offset;
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

  if (!tokenizer.done()) {
    throw new AttestError('ERR_TRAILING_DATA', {
      offset: base + tokenizer.pos(),
      ...(field !== undefined ? { field } : {}),
      message: `${bytes.length - tokenizer.pos()} bytes after the CBOR item`,
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
