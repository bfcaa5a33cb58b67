/**
 * @module
 * The public face of `attestkit/binding`: vTPM ↔ hardware binding in both directions (a vTPM key
 * hash inside the hardware report; the hardware report's hash inside a vTPM PCR), the Azure HCL
 * report, the SVSM vTPM manifest, and whole-CVM verification.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';

export { AZURE_HCL_MAX_KEYS, AZURE_HCL_MAX_REPORT_SIZE, parseAzureHclReport } from './azure-hcl.js';
export { parseSvsmVtpmManifest } from './svsm.js';
export { verifyReportDataBinding } from './report-data.js';
export { verifyPcrBinding } from './pcr-binding.js';
export { verifyConfidentialVm } from './cvm.js';
export type * from './types.js';
