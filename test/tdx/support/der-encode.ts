/**
 * A tiny DER encoder for test-only structures (the PCK certificate SGX extension). Test code only;
 * the library reads DER through src/core/der.ts.
 */

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, content: Uint8Array | number[]): Uint8Array {
  const c = Array.from(content);
  return Uint8Array.from([tag, ...len(c.length), ...c]);
}

export function seq(...items: Uint8Array[]): Uint8Array {
  return tlv(
    0x30,
    items.flatMap((i) => Array.from(i)),
  );
}

export function oid(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      stack.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...stack);
  }
  return tlv(0x06, out);
}

export function int(v: number): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, bytes);
}

export function octets(b: Uint8Array): Uint8Array {
  return tlv(0x04, b);
}

export function enumerated(v: number): Uint8Array {
  return tlv(0x0a, [v]);
}

export function bool(v: boolean): Uint8Array {
  return tlv(0x01, [v ? 0xff : 0x00]);
}
