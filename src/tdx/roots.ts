/**
 * @module
 * The pinned trust anchor of Intel DCAP: the SHA-256 of the Intel SGX Root CA's
 * SubjectPublicKeyInfo. The root certificate itself arrives with the evidence (the quote's PCK
 * chain, PCS issuer-chain headers) and is trusted only when its key matches the pin — Intel's
 * pre-production infrastructure uses a root with the very same subject name and another key.
 */

/**
 * SHA-256 of the SubjectPublicKeyInfo of the production Intel SGX Root CA (CN=Intel SGX Root CA,
 * serial 22650cd65a9d3489f383b49552bf501b392706ac, valid 2018-05-21 – 2049-12-31), computed from
 * `Intel_SGX_Provisioning_Certification_RootCA.cer` (DER SHA-256 44a0196b…f674d3) and hard-coded.
 * Exported from `attestkit/tdx`.
 *
 * @example
 * ```ts
 * import { INTEL_SGX_ROOT_CA_SPKI_SHA256 } from 'attestkit/tdx';
 * await verifyTdxQuote(quote, { rootPins: [INTEL_SGX_ROOT_CA_SPKI_SHA256, myTestRootPin] });
 * ```
 */
export const INTEL_SGX_ROOT_CA_SPKI_SHA256: string =
  'a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e';

/** The default `rootPins` of `verifyTdxQuote`: the production Intel SGX Root CA only. Exported from `attestkit/tdx`. */
export const DEFAULT_TDX_ROOT_PINS: readonly string[] = /* @__PURE__ */ Object.freeze([
  INTEL_SGX_ROOT_CA_SPKI_SHA256,
]);
