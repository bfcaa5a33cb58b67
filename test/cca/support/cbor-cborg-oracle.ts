/**
 * The strict CBOR decoder as it was built on `cborg`'s Tokenizer (src/cca/cbor.ts up to session 9),
 * kept as a test oracle: test/cca/cbor-differential.test.ts checks that the own head reader that
 * replaced it accepts, rejects (same code and offset) and decodes exactly as this did.
 */
import { Tokenizer } from 'cborg';
import { AttestError } from '../../../src/core/errors.js';
import { assertBytes } from '../../../src/core/bytes.js';
import {
  CBOR_MAX_DEPTH,
  type CborDecodeOptions,
  type CborEntry,
  type CborInt,
  type CborNode,
  type CborText,
} from '../../../src/cca/cbor.js';

/** Core `assertBytes` (which also rejects views over detached buffers), kept under this name for callers. */
const assertInputBytes: typeof assertBytes = assertBytes;

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
export function decodeCborWithCborg(bytes: Uint8Array, options: CborDecodeOptions = {}): CborNode {
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
