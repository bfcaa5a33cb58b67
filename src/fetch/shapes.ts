/**
 * @module
 * The outer shapes `createKdsFetcher` and `createPcsFetcher` accept as an answer, checked before
 * the answer is returned, so `withCache` never keeps a wrong one (an error page served with HTTP
 * 200, a blanked header). Only the outer shape is checked here; the verifiers parse and verify
 * the rest. DER per ITU-T X.690 §10 (strict), PEM per RFC 7468.
 */
import { parseDer } from '../core/der.js';
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
 * @throws {AttestError} `ERR_BAD_ENCODING` otherwise.
 */
export function pemAnswer(text: string, label: string): string {
  if (!text.includes(`-----BEGIN ${label}-----`)) {
    throw new AttestError('ERR_BAD_ENCODING', { message: `no PEM ${label}` });
  }
  return text;
}
