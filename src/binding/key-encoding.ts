/**
 * @module
 * The byte encodings of a public key that custom report-data bindings hash: DER
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 3279 / RFC 5480 algorithm identifiers, canonical
 * DER), the RFC 7638 JWK thumbprint input, TPMT_PUBLIC and TPM2B_PUBLIC (TPM 2.0 Part 2 §12.2).
 */
import { concatBytes } from '../core/bytes.js';
import { publicKeyToJwk, type EcCurve, type PublicKeyInfo } from '../core/crypto.js';
import { utf8Encode } from '../core/encoding.js';

function derLength(n: number): Uint8Array {
  if (n < 0x80) return new Uint8Array([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return new Uint8Array([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([tag]), derLength(content.length), content);
}

/** Minimal unsigned big-endian bytes (no leading zeros, at least one byte). */
function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function derUnsignedInteger(value: Uint8Array): Uint8Array {
  const v = stripLeadingZeros(value);
  const body = v.length > 0 && (v[0]! & 0x80) !== 0 ? concatBytes(new Uint8Array([0]), v) : v;
  return derTlv(0x02, body.length === 0 ? new Uint8Array([0]) : body);
}

const OID_RSA_ENCRYPTION = /* @__PURE__ */ new Uint8Array([
  0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
]);
const OID_EC_PUBLIC_KEY = /* @__PURE__ */ new Uint8Array([
  0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
]);
const OID_CURVES: Readonly<Record<EcCurve, Uint8Array>> = {
  'P-256': /* @__PURE__ */ new Uint8Array([
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
  ]),
  'P-384': /* @__PURE__ */ new Uint8Array([0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]),
  'P-521': /* @__PURE__ */ new Uint8Array([0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23]),
};
const DER_NULL = /* @__PURE__ */ new Uint8Array([0x05, 0x00]);

/**
 * Canonical DER SubjectPublicKeyInfo of a key: RSA with rsaEncryption and NULL parameters, EC
 * with id-ecPublicKey, the named curve and the uncompressed point (what Go's
 * `x509.MarshalPKIXPublicKey`, OpenSSL and WebCrypto `exportKey('spki')` produce).
 */
export function encodeSpki(key: PublicKeyInfo): Uint8Array {
  if (key.kind === 'rsa') {
    const rsaPublicKey = derTlv(
      0x30,
      concatBytes(derUnsignedInteger(key.n), derUnsignedInteger(key.e)),
    );
    return derTlv(
      0x30,
      concatBytes(
        derTlv(0x30, concatBytes(OID_RSA_ENCRYPTION, DER_NULL)),
        derTlv(0x03, concatBytes(new Uint8Array([0]), rsaPublicKey)),
      ),
    );
  }
  const point = concatBytes(new Uint8Array([4]), key.x, key.y);
  return derTlv(
    0x30,
    concatBytes(
      derTlv(0x30, concatBytes(OID_EC_PUBLIC_KEY, OID_CURVES[key.curve])),
      derTlv(0x03, concatBytes(new Uint8Array([0]), point)),
    ),
  );
}

/**
 * The RFC 7638 §3.2 thumbprint input: the required public members in lexicographic order,
 * without whitespace, as UTF-8. Hashing it gives the JWK thumbprint.
 */
export function jwkThumbprintInput(key: PublicKeyInfo): Uint8Array {
  const jwk = publicKeyToJwk(key);
  if (key.kind === 'rsa') {
    return utf8Encode(`{"e":"${jwk.e ?? ''}","kty":"RSA","n":"${jwk.n ?? ''}"}`);
  }
  return utf8Encode(
    `{"crv":"${jwk.crv ?? ''}","kty":"EC","x":"${jwk.x ?? ''}","y":"${jwk.y ?? ''}"}`,
  );
}

/** TPM2B_PUBLIC: u16 big-endian size ‖ TPMT_PUBLIC. */
export function encodeTpm2bPublic(tpmtPublic: Uint8Array): Uint8Array {
  return concatBytes(
    new Uint8Array([(tpmtPublic.length >> 8) & 0xff, tpmtPublic.length & 0xff]),
    tpmtPublic,
  );
}
