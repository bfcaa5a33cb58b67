/**
 * Test-only CBOR encoder (RFC 8949 shortest form by default) for minting SYNTHETIC CCA and PSA
 * tokens and malformed variants. Maps are JS `Map`s encoded in insertion order; `Tagged` wraps a
 * tag; `Raw` injects bytes verbatim (for duplicate keys, indefinite lengths, non-minimal heads).
 */

export class Tagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export class Raw {
  constructor(readonly bytes: Uint8Array) {}
}

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | Uint8Array
  | Tagged
  | Raw
  | readonly CborValue[]
  | ReadonlyMap<CborValue, CborValue>;

function head(major: number, n: number | bigint): number[] {
  const m = major << 5;
  const v = BigInt(n);
  if (v < 24n) return [m | Number(v)];
  if (v < 0x100n) return [m | 24, Number(v)];
  if (v < 0x10000n) return [m | 25, Number(v >> 8n), Number(v & 0xffn)];
  if (v < 0x100000000n) {
    return [m | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
  }
  return [m | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
}

/** Encodes a value. */
export function cbor(value: CborValue): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  const enc = (v: CborValue): void => {
    if (v instanceof Raw) out.push(...v.bytes);
    else if (v instanceof Tagged) {
      out.push(...head(6, v.tag));
      enc(v.value);
    } else if (v instanceof Uint8Array) {
      out.push(...head(2, v.length), ...v);
    } else if (typeof v === 'string') {
      const b = new TextEncoder().encode(v);
      out.push(...head(3, b.length), ...b);
    } else if (typeof v === 'number' || typeof v === 'bigint') {
      if (typeof v === 'number' && !Number.isInteger(v)) throw new Error('floats not supported');
      const b = BigInt(v);
      out.push(...(b >= 0n ? head(0, b) : head(1, -1n - b)));
    } else if (typeof v === 'boolean') out.push(v ? 0xf5 : 0xf4);
    else if (v === null) out.push(0xf6);
    else if (v instanceof Map) {
      out.push(...head(5, v.size));
      for (const [k, x] of v) {
        enc(k);
        enc(x);
      }
    } else if (Array.isArray(v)) {
      out.push(...head(4, v.length));
      for (const x of v as readonly CborValue[]) enc(x);
    } else throw new Error(`cannot encode a ${typeof v}`);
  };
  enc(value);
  return Uint8Array.from(out);
}

/** `new Map(entries)` with a shorter name. */
export const map = (
  entries: readonly (readonly [CborValue, CborValue])[],
): Map<CborValue, CborValue> => new Map(entries as [CborValue, CborValue][]);
