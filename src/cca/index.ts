/**
 * @module
 * The public face of `attestkit/cca`: Arm CCA attestation tokens (platform + realm), stand-alone
 * CCA platform tokens and PSA attestation tokens — parse, verify, endorsement stores and REM
 * replay.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';

export { parseCcaToken, CCA_MAX_TOKEN_SIZE } from './parse.js';
export type { CcaParseOptions } from './parse.js';
export { verifyCcaToken } from './verify.js';
export {
  parseCcaPlatformClaims,
  parseCcaRealmClaims,
  ccaLifecycleState,
  ccaHashAlgorithm,
  CCA_PLATFORM_PROFILES,
  CCA_REALM_PROFILES,
} from './claims.js';
export { coseSigStructure, parseCoseSign1, decodeCoseKey } from './cose.js';
export type { CoseEcKey } from './cose.js';
export { ccaPublicKey } from './keys.js';
export {
  parseCcaTrustAnchorStore,
  parseCcaReferenceValues,
  ccaKeyLookup,
  ccaPolicyFromReferenceValues,
} from './stores.js';
export type {
  CcaTrustAnchor,
  CcaReferenceValues,
  CcaPlatformReference,
  CcaRealmReference,
} from './stores.js';
export {
  extendCcaRem,
  replayCcaRems,
  parseCcaRealmEventLog,
  replayCcaRealmEventLog,
  verifyCcaRealmEventLog,
  ccaRemForPcr,
} from './rem.js';
export type {
  CcaRemExtend,
  CcaRealmEvent,
  CcaRealmEventLog,
  CcaRemReplay,
  CcaEventTarget,
  CcaRealmLogCheckId,
  CcaRealmLogVerification,
  CcaRealmMeasurements,
} from './rem.js';
export type {
  CcaToken,
  CcaTokenFormat,
  CcaCollection,
  CcaSignedToken,
  CoseSign1,
  CoseAlgorithmName,
  CcaPlatformClaims,
  CcaPlatformProfileKind,
  CcaRealmClaims,
  CcaRealmProfileKind,
  CcaRealmPublicKey,
  CcaRakEncoding,
  CcaMecPolicy,
  CcaSoftwareComponent,
  CcaUnknownClaim,
  CcaLifecycleState,
  CcaKeyInput,
  CcaPlatformIds,
  CcaPlatformKeyLookup,
  CcaPolicy,
  CcaReferenceComponent,
  CcaVerifyOptions,
  CcaVerification,
  CcaCheckId,
} from './types.js';
