/**
 * @module
 * Small text helpers for event data: EFI GUIDs in UEFI byte order (UEFI 2.10 appendix A: the first
 * three fields little-endian), UCS-2/UTF-16LE strings, and ASCII strings with their NUL handling.
 */

const HEX = '0123456789abcdef';

function hexByte(b: number): string {
  return HEX[b >> 4]! + HEX[b & 15]!;
}

/**
 * The canonical text of the 16-byte EFI GUID at `offset` (`8be4df61-93ca-11d2-aa0d-00e098032b8c`).
 * The caller guarantees 16 bytes are there.
 */
export function guidAt(bytes: Uint8Array, offset: number): string {
  const b = (i: number): string => hexByte(bytes[offset + i] ?? 0);
  return (
    b(3) +
    b(2) +
    b(1) +
    b(0) +
    '-' +
    b(5) +
    b(4) +
    '-' +
    b(7) +
    b(6) +
    '-' +
    b(8) +
    b(9) +
    '-' +
    b(10) +
    b(11) +
    b(12) +
    b(13) +
    b(14) +
    b(15)
  );
}

/** The 16 bytes of a GUID in UEFI order, from its canonical text. */
export function guidBytes(text: string): Uint8Array {
  const h = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new TypeError(`not a GUID: ${text}`);
  const raw = Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
  const out = raw.slice();
  out.set([raw[3]!, raw[2]!, raw[1]!, raw[0]!, raw[5]!, raw[4]!, raw[7]!, raw[6]!], 0);
  return out;
}

/** UTF-16LE code units as a string, stopping at the first NUL (a trailing odd byte is ignored). */
export function utf16Text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = bytes[i]! | (bytes[i + 1]! << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** True when every byte is printable ASCII, TAB, CR or LF (a single trailing NUL allowed). */
export function isPrintableAscii(bytes: Uint8Array, allowTrailingNul = true): boolean {
  let n = bytes.length;
  if (allowTrailingNul && n > 0 && bytes[n - 1] === 0) n--;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    if (!isPrintableCode(bytes[i]!)) return false;
  }
  return true;
}

/**
 * True when `bytes` look like a UCS-2 string of printable ASCII characters, NUL-terminated or not
 * (firmware strings: S-CRTM versions, boot descriptions, systemd command lines). Non-ASCII code
 * units are refused so that binary data is not mistaken for text.
 */
export function isPrintableUtf16(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  // An odd trailing byte is tolerated (systemd-boot once logged its UTF-16 command line one byte short).
  let n = bytes.length >> 1;
  while (n > 0 && bytes[2 * n - 2] === 0 && bytes[2 * n - 1] === 0) n--;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    if (bytes[2 * i + 1] !== 0 || !isPrintableCode(bytes[2 * i]!)) return false;
  }
  return true;
}

/** Printable ASCII, TAB, LF or CR. */
function isPrintableCode(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * How many UCS-2 code units come before the first NUL unit (or the end; an odd trailing byte is
 * ignored), or -1 when one of them is not printable ASCII with a zero high byte. 0 for data that
 * starts with a NUL unit (an empty string). Bytes after the terminator are not looked at: firmware
 * strings are often followed by vendor data.
 */
export function utf16PrefixLength(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2, n++) {
    const lo = bytes[i]!;
    const hi = bytes[i + 1]!;
    if (lo === 0 && hi === 0) return n;
    if (hi !== 0 || !isPrintableCode(lo)) return -1;
  }
  return n;
}

/**
 * How many bytes come before the first NUL (or the end), or -1 when one of them is not printable
 * ASCII, TAB, CR or LF. Bytes after the terminator are not looked at.
 */
export function asciiPrefixLength(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0) return i;
    if (!isPrintableCode(c)) return -1;
  }
  return bytes.length;
}

/** Latin-1 decoding of bytes, stopping at the first NUL. */
export function asciiText(bytes: Uint8Array): string {
  let end = 0;
  while (end < bytes.length && bytes[end] !== 0) end++;
  if (end < 16) {
    let s = '';
    for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  // One char code per byte (never TextDecoder 'latin1', which is windows-1252), in chunks that
  // stay below engines' argument-count limits.
  let s = '';
  for (let i = 0; i < end; i += 8192)
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  return s;
}

/** Latin-1 encoding of a string whose characters are all < 256. */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
