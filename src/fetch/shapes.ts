/**
 * @module
 * The outer shapes `createKdsFetcher` and `createPcsFetcher` accept as an answer, checked before
 * the answer is returned, so `withCache` never keeps a wrong one (an error page served with HTTP
 * 200, a blanked header). Only the outer shape is checked here; the verifiers parse and verify
 * the rest. DER per ITU-T X.690 §10 (strict), PEM per RFC 7468.
 */
import { parseDer } from '../core/der.js';
import { decodePem } from '../core/encoding.js';
import { AttestError } from '../core/errors.js';

/**
 * `body` when it is exactly one strict DER SEQUENCE (a certificate or a CRL), nothing after it.
 *
 * @internal
 * @throws {AttestError} `ERR_BAD_DER`, `ERR_TRAILING_DATA` or `ERR_LIMIT_EXCEEDED` otherwise.
 */
export function derAnswer(body: Uint8Array): Uint8Array {
  if (body[0] !== 0x30) {
    throw new AttestError('ERR_BAD_DER', { offset: 0, message: 'not a DER SEQUENCE' });
  }
  parseDer(body);
  return body;
}

/**
 * `text` when it holds at least one PEM block labelled `label` (`CERTIFICATE`, `X509 CRL`).
 *
 * @internal
 * @throws {AttestError} `ERR_BAD_ENCODING` without such a block, a DER error when the first one
 *   does not hold one DER SEQUENCE.
 */
export function pemAnswer(text: string, label: string): string {
  // A whole block (BEGIN, base64, END) holding DER, not a BEGIN line alone (an HTML page may
  // quote one).
  const block = decodePem(text).find((b) => b.label === label);
  if (block === undefined)
    throw new AttestError('ERR_BAD_ENCODING', { message: `no PEM ${label}` });
  derAnswer(block.der);
  return text;
}
