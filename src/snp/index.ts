/**
 * @module
 * The public face of `attestkit/snp`: AMD SEV-SNP attestation reports (ABI 56860), the
 * extended-report certificate table, verification against the AMD chain with pinned roots and a
 * caller policy, and the AMD KDS URL shapes.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';
export {
  parseSnpReport,
  decodeSnpGuestPolicy,
  decodeSnpPlatformInfo,
  decodeSnpReportTcbs,
} from './parse.js';
export { parseSnpCertTable } from './cert-table.js';
export { verifySnpReport, verifySnpReportSignature, SNP_CHECK_IDS } from './verify.js';
export {
  snpKdsUrls,
  snpKdsParams,
  snpKdsHwid,
  snpProductFromCpuid,
  snpProductFromName,
  snpTcbLayout,
  snpTcbReservedByte,
  decodeSnpTcb,
  encodeSnpTcb,
  parseSnpVcekExtensions,
  snpCertificateRole,
  SNP_PRODUCTS,
  SNP_KDS_BASE_URL,
  SNP_VCEK_OID,
} from './kds.js';
export type { SnpKdsUrls, SnpKdsUrlOptions, SnpCertificateRole } from './kds.js';
export { SNP_ARK_PINS } from './roots.js';
export {
  SNP_REPORT_SIZE,
  SNP_SIGNATURE_OFFSET,
  SNP_OFFSET,
  SNP_CERT_TABLE_GUID,
  snpReportLayout,
} from './layout.js';
export type { SnpLayoutField } from './layout.js';
export type * from './types.js';
