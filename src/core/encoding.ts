/**
 * @module
 * Text encodings evidence arrives in: hex, base64 / base64url (padded or not), PEM bundles, UTF-8;
 * and constant-time byte equality. Strict: a character outside the alphabet is an error, never
 * skipped.
 */
import { AttestError } from './errors.js';
import { assertBytes } from './bytes.js';

/** The two hex digits of each byte value: one lookup per byte. */
const BYTE_HEX: readonly string[] = /* @__PURE__ */ Array.from(
  { length: 256 },
  (_, i) => (i < 16 ? '0' : '') + i.toString(16),
);

/**
 * Lower-case hex of `bytes`.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0, 255])) // '00ff'
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]!]!;
  return s;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Decodes hex (either case, no prefix, no separators).
 *
 * @throws {AttestError} `ERR_BAD_ENCODING` on odd length or a non-hex character (offset = index).
 * @example
 * ```ts
 * fromHex('00ff') // Uint8Array [0, 255]
 * ```
 */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError('hex must be a string');
  if (hex.length % 2 !== 0) {
    throw new AttestError('ERR_BAD_ENCODING', { message: 'hex has an odd number of digits' });
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new AttestError('ERR_BAD_ENCODING', {
        offset: hi < 0 ? 2 * i : 2 * i + 1,
        message: 'not a hex digit',
      });
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = /* @__PURE__ */ (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  // base64url's two letters decode to the same values; mixing the alphabets is rejected below.
  t[45] = 62;
  t[95] = 63;
  return t;
})();

/**
 * Base64 (standard alphabet, padded) of `bytes`.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([0xff])) // '/w=='
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  return encode64(bytes, B64, true);
}

/**
 * `bytes` as a latin1 string, one character per byte: an exact, collision-free memo key for
 * content (certificates, CRLs, keys), cheaper to build than a hash and exactly as long as the
 * bytes. Not for display.
 *
 * @internal
 */
export function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/**
 * Base64url (URL alphabet, unpadded) of `bytes`.
 *
 * @example
 * ```ts
 * toBase64Url(new Uint8Array([0xff])) // '_w'
 * ```
 */
export function toBase64Url(bytes: Uint8Array): string {
  return encode64(bytes, B64URL, false);
}

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  assertBytes(bytes, 'bytes');
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s +=
      alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    s += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s +=
      alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return s;
}

/**
 * Decodes base64 or base64url, padded or unpadded. Whitespace is not allowed (use
 * {@link decodePem} for PEM bodies). Mixing the two alphabets, bad padding and non-zero trailing
 * bits are rejected.
 *
 * @throws {AttestError} `ERR_BAD_ENCODING` with the character offset.
 * @example
 * ```ts
 * fromBase64('AAE') // Uint8Array [0, 1]
 * ```
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('base64 text must be a string');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const padding = text.length - end;
  if (padding > 2 || (padding > 0 && text.length % 4 !== 0)) {
    throw new AttestError('ERR_BAD_ENCODING', { offset: end, message: 'bad base64 padding' });
  }
  if (end % 4 === 1) {
    throw new AttestError('ERR_BAD_ENCODING', { offset: end, message: 'bad base64 length' });
  }
  let std = false;
  let url = false;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) {
      throw new AttestError('ERR_BAD_ENCODING', { offset: i, message: 'not a base64 character' });
    }
    if (c === 43 || c === 47) std = true;
    if (c === 45 || c === 95) url = true;
    if (std && url) {
      throw new AttestError('ERR_BAD_ENCODING', { offset: i, message: 'mixed base64 alphabets' });
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) {
    throw new AttestError('ERR_BAD_ENCODING', {
      offset: end - 1,
      message: 'non-zero base64 padding bits',
    });
  }
  return out;
}

/** One block of a PEM file. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE`, `X509 CRL`, `PUBLIC KEY`. */
  readonly label: string;
  /** The decoded body. */
  readonly der: Uint8Array;
}

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const PEM_DASHES = '-----';

/** True for the characters a PEM label may hold here: `A`–`Z`, `0`–`9` and space. */
function isLabelChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 32;
}

/**
 * The label of a `-----BEGIN <label>-----` or `-----END <label>-----` line whose label starts at
 * `from`, and the index after its closing dashes; undefined when the line is not one. A label is
 * one or more of `A`–`Z`, `0`–`9` and space; since `-` is not among them, the label runs to the
 * first other character, which must start the closing dashes.
 */
function pemLabelAt(text: string, from: number): { label: string; end: number } | undefined {
  let i = from;
  while (i < text.length && isLabelChar(text.charCodeAt(i))) i++;
  if (i === from || !text.startsWith(PEM_DASHES, i)) return undefined;
  return { label: text.slice(from, i), end: i + PEM_DASHES.length };
}

/**
 * Decodes every PEM block in `text`, in order. Text between blocks (comments, NULs) is ignored;
 * a block with mismatched labels or a bad body is an error.
 *
 * Linear in the length of `text`: each BEGIN line is paired with the first END line after it, and
 * when none follows, no later BEGIN line can have one either, so the scan stops there. (A
 * backtracking regular expression took time quadratic in the number of unclosed BEGIN lines,
 * which host-supplied certificate text controls.) A label is one or more of `A`–`Z`, `0`–`9` and
 * space; a BEGIN line with any other label is ignored as text, and an END line with one does not
 * close a block.
 *
 * @throws {AttestError} `ERR_BAD_ENCODING` (offset of the BEGIN line) for a block closed by an END
 *   line with another label, or whose body is not base64.
 * @throws {TypeError} when `text` is not a string.
 * @example
 * ```ts
 * const certs = decodePem(bundle).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der);
 * ```
 */
export function decodePem(text: string): PemBlock[] {
  if (typeof text !== 'string') throw new TypeError('PEM text must be a string');
  const blocks: PemBlock[] = [];
  let pos = 0;
  for (;;) {
    const at = text.indexOf(PEM_BEGIN, pos);
    if (at < 0) break;
    const begin = pemLabelAt(text, at + PEM_BEGIN.length);
    if (begin === undefined) {
      pos = at + 1;
      continue;
    }
    // The first END line after the BEGIN line closes the block, whatever its label.
    let end: { label: string; end: number } | undefined;
    let endAt = begin.end;
    for (;;) {
      endAt = text.indexOf(PEM_END, endAt);
      if (endAt < 0) break;
      end = pemLabelAt(text, endAt + PEM_END.length);
      if (end !== undefined) break;
      endAt++;
    }
    if (end === undefined) break;
    if (begin.label !== end.label) {
      throw new AttestError('ERR_BAD_ENCODING', {
        offset: at,
        message: `PEM BEGIN ${begin.label} closed by END ${end.label}`,
      });
    }
    const compact = text.slice(begin.end, endAt).replace(/[\r\n\t ]/g, '');
    try {
      blocks.push({ label: begin.label, der: fromBase64(compact) });
    } catch (cause) {
      throw new AttestError('ERR_BAD_ENCODING', {
        offset: at,
        message: `bad base64 in PEM block ${begin.label}`,
        cause,
      });
    }
    pos = end.end;
  }
  return blocks;
}

/**
 * Encodes DER as one PEM block with 64-character lines.
 *
 * @example
 * ```ts
 * const pem = encodePem('CERTIFICATE', der);
 * ```
 */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * DER bytes from an input given as DER or PEM (text or PEM bytes). With `label`, the first block
 * with that label is taken.
 *
 * @throws {AttestError} `ERR_BAD_ENCODING` when PEM text holds no (matching) block.
 */
export function derFromInput(input: Uint8Array | string, label?: string): Uint8Array {
  return dersFromInput(input, label)[0] ?? noBlock(label);
}

function noBlock(label?: string): never {
  throw new AttestError('ERR_BAD_ENCODING', {
    message: `no PEM block${label !== undefined ? ` labelled ${label}` : ''} found`,
  });
}

/**
 * Every DER object in an input given as DER bytes, PEM text, PEM bytes, or an array of those
 * (a chain "as an array or one PEM bundle, in any order", API.md).
 */
export function dersFromInput(
  input: Uint8Array | string | readonly (Uint8Array | string)[],
  label?: string,
): Uint8Array[] {
  if (Array.isArray(input)) {
    return (input as readonly (Uint8Array | string)[]).flatMap((x) => dersFromInput(x, label));
  }
  if (typeof input === 'string') {
    const blocks = decodePem(input).filter((b) => label === undefined || b.label === label);
    return blocks.map((b) => b.der);
  }
  assertBytes(input, 'input');
  if (looksLikePem(input)) return dersFromInput(utf8Decode(input), label);
  return [input];
}

const PEM_MARK = /* @__PURE__ */ new TextEncoder().encode('-----BEGIN ');

function looksLikePem(bytes: Uint8Array): boolean {
  // Every certificate, CRL and key in DER starts with a SEQUENCE tag (0x30); PEM is text that
  // holds a BEGIN line somewhere (often after comments).
  if (bytes[0] === 0x30) return false;
  outer: for (let i = 0; i + PEM_MARK.length <= bytes.length; i++) {
    for (let j = 0; j < PEM_MARK.length; j++) if (bytes[i + j] !== PEM_MARK[j]) continue outer;
    return true;
  }
  return false;
}

/** UTF-8 encoding of a string. */
export function utf8Encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * Strict UTF-8 decoding.
 *
 * @throws {AttestError} `ERR_BAD_ENCODING` on invalid UTF-8.
 */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AttestError('ERR_BAD_ENCODING', { message: 'invalid UTF-8', cause });
  }
}

/**
 * Constant-time equality of two byte arrays (time depends only on the lengths).
 *
 * @example
 * ```ts
 * equalBytes(quote.extraData, nonce)
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a');
  assertBytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
