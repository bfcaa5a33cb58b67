/**
 * @module
 * The one error class attestkit throws for malformed evidence, and the closed list of its codes.
 * Programming errors (wrong argument types, missing required options) throw `TypeError` /
 * `RangeError` instead; failed checks are never thrown.
 */

/**
 * Every stable error code attestkit can raise. Codes are never renamed; new ones are added here
 * (and in CHANGELOG.md). `switch (err.code)` over this union is checked by the compiler.
 *
 * Exported from every subpath (`attestkit`, `attestkit/snp`, …).
 */
export type AttestErrorCode =
  /** The input ends before a field it declares. `offset` is where the missing field starts. */
  | 'ERR_TRUNCATED'
  /** Bytes remain after a structure that must fill the whole input. */
  | 'ERR_TRAILING_DATA'
  /** A version field holds a value this parser does not know. */
  | 'ERR_BAD_VERSION'
  /** A magic / tag / signature-type constant has the wrong value. */
  | 'ERR_BAD_MAGIC'
  /** A reserved (must-be-zero) field is not zero. */
  | 'ERR_RESERVED_NOT_ZERO'
  /** A declared length or count is impossible (too large for the input, or inconsistent). */
  | 'ERR_BAD_LENGTH'
  /** A field holds a value outside its allowed set. */
  | 'ERR_BAD_VALUE'
  /** A parser was positioned at an offset other than the one its layout table names. */
  | 'ERR_OFFSET_MISMATCH'
  /** Text encodings: hex, base64, base64url, PEM, UTF-8. */
  | 'ERR_BAD_ENCODING'
  /** DER that is not strict (non-minimal, indefinite, trailing bytes) or not parseable. */
  | 'ERR_BAD_DER'
  /** A certificate that does not have the X.509 v3 shape attestkit requires. */
  | 'ERR_BAD_CERTIFICATE'
  /** A certificate revocation list that does not have the X.509 v2 CRL shape. */
  | 'ERR_BAD_CRL'
  /** A public key that cannot be decoded or imported (bad point, bad modulus, private material). */
  | 'ERR_BAD_KEY'
  /** A signature whose encoding is malformed (not a failed verification: that is a check). */
  | 'ERR_BAD_SIGNATURE_ENCODING'
  /** An algorithm, scheme, curve or structure variant attestkit does not implement. */
  | 'ERR_UNSUPPORTED'
  /** CBOR that is malformed or violates the strict profile (duplicate keys, indefinite lengths). */
  | 'ERR_BAD_CBOR'
  /** COSE structures with the wrong shape. */
  | 'ERR_BAD_COSE'
  /** JSON that cannot be parsed or lacks required members. */
  | 'ERR_BAD_JSON'
  /** A resource limit (nesting depth, entry count, size) was exceeded. */
  | 'ERR_LIMIT_EXCEEDED'
  /** A required field or claim is absent. */
  | 'ERR_MISSING_FIELD'
  /** The bytes are not any evidence type attestkit recognises. */
  | 'ERR_UNKNOWN_FORMAT';

/** Options for {@link AttestError}. */
export interface AttestErrorOptions {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** Spec name of the field being read, e.g. `ATTESTATION_REPORT.REPORT_DATA`. */
  field?: string;
  /** The message; if omitted a generic one is built from the code, field and offset. */
  message?: string;
  /** The underlying error, when wrapping. */
  cause?: unknown;
}

/**
 * Thrown by every parser for malformed evidence, and only for that.
 *
 * Tests and callers should branch on {@link AttestError.code} and {@link AttestError.offset},
 * never on the message text.
 *
 * Exported from every subpath.
 *
 * @example
 * ```ts
 * import { AttestError } from 'attestkit';
 * try { parseSnpReport(bytes) } catch (e) {
 *   if (e instanceof AttestError && e.code === 'ERR_TRUNCATED') console.log(e.offset);
 * }
 * ```
 */
export class AttestError extends Error {
  /** Stable machine-readable code. */
  readonly code: AttestErrorCode;
  /** Byte offset in the input where parsing failed, when known. */
  readonly offset?: number;
  /** Spec name of the field, when known. */
  readonly field?: string;

  constructor(code: AttestErrorCode, options: AttestErrorOptions = {}) {
    const where =
      (options.field !== undefined ? ` in ${options.field}` : '') +
      (options.offset !== undefined ? ` at offset 0x${options.offset.toString(16)}` : '');
    super(
      options.message !== undefined ? `${options.message}${where}` : `${code}${where}`,
      options.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'AttestError';
    this.code = code;
    if (options.offset !== undefined) this.offset = options.offset;
    if (options.field !== undefined) this.field = options.field;
  }
}

/**
 * True when `e` is an {@link AttestError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isAttestError(err, 'ERR_TRUNCATED')) retryWithMoreBytes();
 * ```
 */
export function isAttestError(e: unknown, code?: AttestErrorCode): e is AttestError {
  return e instanceof AttestError && (code === undefined || e.code === code);
}
