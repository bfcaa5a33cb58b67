/**
 * @module
 * The public face of `attestkit/tdx`.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';
