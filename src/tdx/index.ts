/**
 * @module
 * The public face of `attestkit/tdx`: Intel TDX (and SGX) DCAP quotes — parse, verify with
 * collateral (TCB info, QE identity, CRLs) against the pinned Intel SGX Root CA, TCB status and
 * policy — plus the PCS URL shapes.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';
export { parseTdxQuote, decodeTdAttributes, isTdQuote } from './parse.js';
export { parseTcbInfo, parseQeIdentity, tdxCollateralFromDcapQvl } from './collateral.js';
export type { DcapQvlCollateral } from './collateral.js';
export { parsePckExtensions } from './pck.js';
export { verifyTdxQuote, TDX_CHECK_IDS } from './verify.js';
export { pcsUrls, PCS_BASE_URL, PCS_ROOT_CA_CRL_URL, PCS_ISSUER_CHAIN_HEADERS } from './pcs.js';
export type { PcsUrlOptions, PcsUrls } from './pcs.js';
export { INTEL_SGX_ROOT_CA_SPKI_SHA256, DEFAULT_TDX_ROOT_PINS } from './roots.js';
export {
  matchPlatformTcb,
  matchQeTcb,
  matchTdxModule,
  convergeStatus,
  isRelaunchAdvised,
} from './tcb.js';
export type { PlatformTcb, PlatformMatch, IsvSvnMatch, TdxModuleMatch } from './tcb.js';
export type * from './types.js';
