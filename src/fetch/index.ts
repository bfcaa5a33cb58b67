/**
 * @module
 * The public face of `attestkit/fetch`.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';
export { withCache } from './with-cache.js';
