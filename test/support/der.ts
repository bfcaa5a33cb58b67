/**
 * A minimal DER builder for tests that mint SYNTHETIC structures (certificates, keys, hostile
 * variants): definite lengths in shortest form, contents concatenated.
 */

/** Concatenates byte arrays. */
export function cat(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A DER length field in shortest form (lengths below 2^24). */
export function derLength(n: number): Uint8Array<ArrayBuffer> {
  return n < 0x80
    ? Uint8Array.of(n)
    : n < 0x100
      ? Uint8Array.of(0x81, n)
      : n < 0x10000
        ? Uint8Array.of(0x82, n >> 8, n & 0xff)
        : Uint8Array.of(0x83, n >> 16, (n >> 8) & 0xff, n & 0xff);
}

/** One TLV: `tag`, the length of the concatenated contents, the contents. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const c = cat(...content);
  return cat(Uint8Array.of(tag), derLength(c.length), c);
}

/** A SubjectPublicKeyInfo of rsaEncryption (NULL parameters) with this modulus and exponent. */
export function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array<ArrayBuffer> {
  const int = (b: Uint8Array): Uint8Array =>
    tlv(2, (b[0]! & 0x80) !== 0 ? cat(Uint8Array.of(0), b) : b);
  const alg = tlv(
    0x30,
    tlv(6, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1)),
    Uint8Array.of(5, 0),
  );
  return tlv(0x30, alg, tlv(3, Uint8Array.of(0), tlv(0x30, int(n), int(e))));
}
