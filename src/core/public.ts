/**
 * @module
 * The public surface of the core layer, re-exported by `attestkit` (the root entry).
 * Platform subpaths re-export only {@link AttestError} and the ledger types from here.
 */
export { AttestError, isAttestError } from './errors.js';
export type { AttestErrorCode, AttestErrorOptions } from './errors.js';
export { ledgerOk, findCheck } from './checks.js';
export type { Check, CheckStatus, Verification } from './checks.js';
export { createCache } from './cache.js';
export type { AttestCache, CacheOptions, MemoryCache } from './cache.js';
export {
  toHex,
  fromHex,
  toBase64,
  toBase64Url,
  fromBase64,
  decodePem,
  encodePem,
  equalBytes,
} from './encoding.js';
export type { PemBlock } from './encoding.js';
export { digest, extend, publicKeyFromJwk, publicKeyToJwk, verifySignature } from './crypto.js';
export type { HashAlg, EcCurve, PublicKeyInfo, SignatureScheme, VerifyParams } from './crypto.js';
export {
  parseCertificate,
  parseCertificates,
  parseCrl,
  parseSpki,
  spkiSha256,
  verifyChain,
  checkCrl,
} from './x509.js';
export type {
  X509Certificate,
  X509Crl,
  X509Name,
  X509Extension,
  KeyUsage,
  SignatureAlgorithm,
  RevokedCertificate,
  ChainInput,
  ChainResult,
  ChainLinkResult,
  CrlCheckOptions,
  CrlCheckResult,
} from './x509.js';
