/**
 * @module
 * `ByteReader`: bounds-checked, named reads over a `Uint8Array`. Every read names its field, so a
 * parse error carries the field and the absolute byte offset; every length taken from the input
 * is checked against what remains before anything is allocated.
 */
import { AttestError } from './errors.js';

/** Accepts only a real `Uint8Array` (not a string, ArrayBuffer, other typed array or null). */
export function assertBytes(value: unknown, name = 'input'): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describeType(value)}`);
  }
  // A view over a detached buffer reads as empty; constructing a DataView over it throws.
  if (value.byteLength === 0) {
    try {
      new DataView(value.buffer);
    } catch {
      throw new TypeError(`${name} is a view over a detached ArrayBuffer`);
    }
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * A cursor over bytes whose every read is bounds-checked and named.
 *
 * `base` is the offset of `bytes[0]` in the outer input, so errors from a reader over a
 * sub-structure still report absolute offsets.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  /** Name of the structure, prefixed to field names in errors. */
  readonly structure: string;
  /** Absolute offset of `bytes[0]` in the caller's input. */
  readonly base: number;
  private pos = 0;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, structure: string, base = 0) {
    assertBytes(bytes);
    this.bytes = bytes;
    this.structure = structure;
    this.base = base;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Current position relative to the start of this reader. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Absolute offset of the current position. */
  get absoluteOffset(): number {
    return this.base + this.pos;
  }

  private name(field: string): string {
    return `${this.structure}.${field}`;
  }

  /** Throws `ERR_TRUNCATED` unless `n` more bytes are available. */
  need(n: number, field: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw new AttestError('ERR_TRUNCATED', {
        offset: this.base + this.pos,
        field: this.name(field),
        message: `need ${n} bytes, ${this.remaining} remain`,
      });
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.pos++);
  }

  u16le(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u16be(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }

  u32le(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u32be(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }

  u64le(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  u64be(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A fixed-size field, returned as a copy. */
  bytesCopy(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = copyBytes(this.bytes, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A fixed-size field as a view (no copy): for bytes consumed at once (hashing, sub-parsing). */
  borrow(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * A length-prefixed field (`prefix` bytes of length, little- or big-endian), copied.
   * The length is checked against what remains before allocating. `max` bounds it further.
   */
  sized(prefix: 1 | 2 | 4, endian: 'le' | 'be', field: string, max: number = Infinity): Uint8Array {
    return this.bytesCopy(this.sizedLength(prefix, endian, field, max), field);
  }

  /**
   * {@link ByteReader.sized} as a view (no copy): for parsers that work on their own private copy
   * of the input, so the view never aliases a caller's buffer.
   */
  sizedView(
    prefix: 1 | 2 | 4,
    endian: 'le' | 'be',
    field: string,
    max: number = Infinity,
  ): Uint8Array {
    return this.borrow(this.sizedLength(prefix, endian, field, max), field);
  }

  /** Reads a length prefix and checks it against `max` and against what remains. */
  private sizedLength(prefix: 1 | 2 | 4, endian: 'le' | 'be', field: string, max: number): number {
    const at = this.pos;
    const n =
      prefix === 1
        ? this.u8(`${field}.size`)
        : prefix === 2
          ? endian === 'le'
            ? this.u16le(`${field}.size`)
            : this.u16be(`${field}.size`)
          : endian === 'le'
            ? this.u32le(`${field}.size`)
            : this.u32be(`${field}.size`);
    if (n > max) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: this.base + at,
        field: this.name(field),
        message: `declared size ${n} exceeds the maximum ${max}`,
      });
    }
    if (n > this.remaining) {
      throw new AttestError('ERR_TRUNCATED', {
        offset: this.base + this.pos,
        field: this.name(field),
        message: `declared size ${n}, ${this.remaining} bytes remain`,
      });
    }
    return n;
  }

  /** Reads `n` reserved bytes and throws `ERR_RESERVED_NOT_ZERO` at the first non-zero one. */
  reserved(n: number, field: string): void {
    this.need(n, field);
    for (let i = 0; i < n; i++) {
      const b = this.bytes[this.pos + i] ?? 0;
      if (b !== 0) {
        throw new AttestError('ERR_RESERVED_NOT_ZERO', {
          offset: this.base + this.pos + i,
          field: this.name(field),
          message: `reserved bytes must be zero, found 0x${b.toString(16).padStart(2, '0')}`,
        });
      }
    }
    this.pos += n;
  }

  /** Skips `n` bytes without checking them (for fields documented as ignored). */
  skip(n: number, field: string): void {
    this.need(n, field);
    this.pos += n;
  }

  /** Moves to an absolute position within this reader. */
  seek(pos: number, field: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.bytes.length) {
      throw new AttestError('ERR_TRUNCATED', {
        offset: this.base + Math.max(0, Math.min(pos, this.bytes.length)),
        field: this.name(field),
        message: `cannot seek to ${pos} in ${this.bytes.length} bytes`,
      });
    }
    this.pos = pos;
  }

  /** Asserts the cursor is at `expected` (a layout constant); a mismatch is a parser bug. */
  expectOffset(expected: number): void {
    if (this.pos !== expected) {
      throw new AttestError('ERR_OFFSET_MISMATCH', {
        offset: this.base + this.pos,
        field: this.structure,
        message: `parser at 0x${this.pos.toString(16)}, layout expects 0x${expected.toString(16)}`,
      });
    }
  }

  /** Throws `ERR_TRAILING_DATA` if bytes remain. */
  expectEnd(): void {
    if (this.remaining !== 0) {
      throw new AttestError('ERR_TRAILING_DATA', {
        offset: this.base + this.pos,
        field: this.structure,
        message: `${this.remaining} unexpected bytes after the structure`,
      });
    }
  }

  /** A reader over the next `n` bytes (advancing this one), reporting absolute offsets. */
  sub(n: number, structure: string): ByteReader {
    this.need(n, structure);
    const r = new ByteReader(
      this.bytes.subarray(this.pos, this.pos + n),
      structure,
      this.base + this.pos,
    );
    this.pos += n;
    return r;
  }
}

/**
 * Throws `ERR_BAD_LENGTH` unless `count * minItemSize` fits in `remaining`: the guard to run
 * before allocating arrays for a count read from the input.
 */
export function assertCountFits(
  count: number,
  minItemSize: number,
  remaining: number,
  field: string,
  offset: number,
): void {
  if (!Number.isSafeInteger(count) || count < 0 || count * minItemSize > remaining) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset,
      field,
      message: `count ${count} cannot fit in the ${remaining} bytes that remain`,
    });
  }
}

/**
 * A fresh `Uint8Array` copy of `bytes[start, end)`. Unlike `bytes.slice()`, this copies even when
 * the input is a Node.js buffer (whose `slice` returns a view of the caller's memory).
 */
export function copyBytes(
  bytes: Uint8Array,
  start: number = 0,
  end: number = bytes.length,
): Uint8Array {
  // A plain Uint8Array: the builtin slice copies in one call (about twice as fast for the short
  // fields parsers copy). Anything else (a Node.js buffer, another subclass) through a view. The
  // builtin is called, never an own `slice`; and slice finds the constructor of its result
  // through `bytes.constructor`, so an array with an own `constructor` (whose species could
  // return a view of the caller's memory) takes the view path too.
  if (
    Object.getPrototypeOf(bytes) === Uint8Array.prototype &&
    !Object.prototype.hasOwnProperty.call(bytes, 'constructor')
  )
    return Uint8Array.prototype.slice.call(bytes, start, end);
  const view = bytes.subarray(start, end);
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** True when every byte is zero. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/** A little-endian unsigned integer of any size as a bigint. */
export function leBytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return v;
}

/** Reverses a copy of `bytes` (little-endian ↔ big-endian). */
export function reversed(bytes: Uint8Array): Uint8Array {
  const out = copyBytes(bytes);
  out.reverse();
  return out;
}
