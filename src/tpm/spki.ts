/**
 * @module
 * A minimal, strict DER reader for SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RSA per RFC 8017
 * A.1.1, EC per RFC 5480 §2), so that quote verification with a PEM/DER AK does not pull the
 * general ASN.1 decoder into a bundle. It reads exactly the shapes AK public keys take and
 * rejects everything else (indefinite or non-minimal lengths, trailing bytes, unknown
 * algorithms). Certificates still go through `core/x509.ts`.
 */
import { AttestError } from '../core/errors.js';
import { ecKeyFromPoint, type EcCurve, type PublicKeyInfo } from '../core/crypto.js';
import { toHex } from '../core/encoding.js';
import { copyBytes } from '../core/bytes.js';

const RSA_ENCRYPTION = '2a864886f70d010101';
const RSASSA_PSS = '2a864886f70d01010a';
const EC_PUBLIC_KEY = '2a8648ce3d0201';
const CURVES: Readonly<Record<string, EcCurve>> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
};

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly content: Uint8Array;
  readonly contentStart: number;
  readonly end: number;
}

function bad(offset: number, message: string): never {
  throw new AttestError('ERR_BAD_KEY', { offset, field: 'SubjectPublicKeyInfo', message });
}

/** Reads one TLV at `at` (absolute `base + at`), strict DER lengths. */
function tlv(b: Uint8Array, at: number, limit: number, base: number): Tlv {
  if (at + 2 > limit) bad(base + at, 'truncated DER header');
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) bad(base + at, 'high tag numbers are not used in SPKI');
  let p = at + 1;
  let len = b[p++]!;
  if (len === 0x80) bad(base + at, 'indefinite length');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 3 || p + n > limit) bad(base + at, 'unsupported or truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[p++]!;
    if (len < 0x80 || (n > 1 && len < 1 << (8 * (n - 1)))) bad(base + at, 'non-minimal length');
  }
  if (p + len > limit) bad(base + at, `length ${len} exceeds the input`);
  return { tag, start: at, content: b.subarray(p, p + len), contentStart: p, end: p + len };
}

function children(b: Uint8Array, t: Tlv, base: number): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.contentStart; p < t.end;) {
    const c = tlv(b, p, t.end, base);
    out.push(c);
    p = c.end;
  }
  return out;
}

function expect(t: Tlv | undefined, tag: number, what: string, base: number, at: number): Tlv {
  if (t === undefined || t.tag !== tag)
    bad(base + (t?.start ?? at), `${what}: expected tag 0x${tag.toString(16)}`);
  return t;
}

function unsignedInteger(t: Tlv, base: number, what: string): Uint8Array {
  const c = t.content;
  if (c.length === 0) bad(base + t.start, `${what}: empty INTEGER`);
  if (c.length > 1 && c[0] === 0 && (c[1]! & 0x80) === 0)
    bad(base + t.start, `${what}: non-minimal INTEGER`);
  if ((c[0]! & 0x80) !== 0) bad(base + t.start, `${what}: negative INTEGER`);
  return c[0] === 0 && c.length > 1 ? c.slice(1) : c.slice();
}

/**
 * Decodes a DER SubjectPublicKeyInfo holding an RSA (rsaEncryption or RSASSA-PSS) or EC
 * (P-256/384/521) public key.
 *
 * @param input - the SPKI DER.
 * @returns the key as plain data.
 * @throws {AttestError} `ERR_BAD_KEY` (with the offset of the offending element),
 *   `ERR_UNSUPPORTED` (other algorithms or curves).
 * @example
 * ```ts
 * const key = decodeSpki(derFromInput(pem, 'PUBLIC KEY'));
 * ```
 */
export function decodeSpki(input: Uint8Array): PublicKeyInfo {
  // A private copy: the key's bytes are views into it, never into the caller's buffer (a Node.js
  // buffer the caller reuses must not change a key that a cache may hold).
  const der = copyBytes(input);
  const outer = expect(tlv(der, 0, der.length, 0), 0x30, 'SubjectPublicKeyInfo', 0, 0);
  if (outer.end !== der.length) bad(outer.end, 'trailing bytes after SubjectPublicKeyInfo');
  const [alg, bits, extra] = children(der, outer, 0);
  if (extra !== undefined) bad(extra.start, 'extra SubjectPublicKeyInfo fields');
  const algSeq = expect(alg, 0x30, 'AlgorithmIdentifier', 0, outer.contentStart);
  const [oidNode, params, more] = children(der, algSeq, 0);
  if (more !== undefined) bad(more.start, 'extra AlgorithmIdentifier fields');
  const oid = toHex(expect(oidNode, 0x06, 'algorithm', 0, algSeq.contentStart).content);
  const bitString = expect(bits, 0x03, 'subjectPublicKey', 0, algSeq.end);
  if (bitString.content[0] !== 0) bad(bitString.start, 'subjectPublicKey has unused bits');
  const key = bitString.content.subarray(1);
  if (oid === EC_PUBLIC_KEY) {
    const curveOid = toHex(expect(params, 0x06, 'namedCurve', 0, oidNode!.end).content);
    const curve = CURVES[curveOid];
    if (curve === undefined) {
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: params!.start,
        message: `EC curve OID ${curveOid}`,
      });
    }
    return ecKeyFromPoint(curve, key);
  }
  if (oid === RSA_ENCRYPTION || oid === RSASSA_PSS) {
    if (
      oid === RSA_ENCRYPTION &&
      params !== undefined &&
      !(params.tag === 0x05 && params.content.length === 0)
    ) {
      bad(params.start, 'rsaEncryption parameters must be NULL');
    }
    const base = bitString.contentStart + 1;
    const rsa = expect(tlv(key, 0, key.length, base), 0x30, 'RSAPublicKey', base, 0);
    if (rsa.end !== key.length) bad(base + rsa.end, 'trailing bytes after RSAPublicKey');
    const [n, e, x] = children(key, rsa, base);
    if (x !== undefined) bad(base + x.start, 'extra RSAPublicKey fields');
    return {
      kind: 'rsa',
      n: unsignedInteger(expect(n, 0x02, 'modulus', base, rsa.contentStart), base, 'modulus'),
      e: unsignedInteger(expect(e, 0x02, 'publicExponent', base, rsa.end), base, 'publicExponent'),
    };
  }
  throw new AttestError('ERR_UNSUPPORTED', {
    offset: oidNode!.start,
    message: `public key algorithm OID ${oid}`,
  });
}
