/**
 * @module
 * The public face of `attestkit/tpm`: TPM 2.0 structures (TPMS_ATTEST, TPMT_SIGNATURE,
 * TPMT_PUBLIC, TPML_PCR_SELECTION), Names, quote and certify verification, MakeCredential for
 * credential activation, and EK certificates.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';

export {
  TPM_ALG,
  TPM_ALG_NAMES,
  TPM_ECC,
  TPM_ECC_NAMES,
  TPM_EK_NV_INDEX,
  TPM_GENERATED_VALUE,
  TPM_HASH_SIZES,
  TPM_RH,
  TPM_ST,
  TPMA_OBJECT,
  tpmAlgName,
} from './constants.js';
export type { TpmAlgName, TpmAttestType, TpmEccCurveName, TpmHashName } from './constants.js';
export {
  decodeTpmaObject,
  encodeTpm2b,
  encodeTpmlPcrSelection,
  encodeTpmsAttest,
  encodeTpmtPublic,
  encodeTpmtSignature,
  parseTpm2b,
  parseTpm2bPublic,
  pcrSelectIndices,
  parseTpmlPcrSelection,
  parseTpmPublic,
  parseTpmsAttest,
  parseTpmsCreationData,
  parseTpmtPublic,
  parseTpmtSignature,
} from './structures.js';
export type {
  TpmsAttestedInput,
  TpmsAttestInput,
  TpmsCreationData,
  TpmsPcrSelectionInput,
  TpmtPublicInput,
  TpmtSchemeInput,
  TpmtSignatureInput,
  TpmtSymDefObjectInput,
} from './structures.js';
export { tpmHandleName, tpmName, tpmQualifiedName } from './name.js';
export { resolveTpmKey, tpmCryptoKey, tpmPublicKey } from './keys.js';
export type { ResolvedTpmKey, TpmCryptoKeyOptions } from './keys.js';
export { verifyTpmQuote } from './quote.js';
export { verifyTpmCertify } from './certify.js';
export {
  encodeTpm2ToolsCredential,
  kdfa,
  kdfe,
  makeCredential,
  TPM2_TOOLS_CREDENTIAL_MAGIC,
} from './credential.js';
export type * from './types.js';
export { ekTemplateOf, parseEkCertificate, TCG_OID, verifyEkCertificate } from './ek.js';
