/** `attestkit kds-url` and `attestkit pcs-url`: where to fetch the collateral for a piece of evidence. */
import {
  AttestError,
  parseAzureHclReport,
  parseCertificates,
  parsePckExtensions,
  parseSnpReport,
  parseTdxQuote,
  pcsUrls,
  snpKdsUrls,
  SNP_REPORT_SIZE,
  type SnpProduct,
  type SnpReport,
} from '../index.js';
import type { EvidenceFile } from './registry.js';

const HCLA = [0x48, 0x43, 0x4c, 0x41];

function snpReportIn(bytes: Uint8Array, product: SnpProduct | undefined): SnpReport {
  const opts = product !== undefined ? { product } : {};
  if (bytes.length > SNP_REPORT_SIZE && HCLA.every((b, i) => bytes[i] === b))
    return parseSnpReport(parseAzureHclReport(bytes).hardwareReport, opts);
  // An extended report: the certificate table follows the 1184-byte report.
  if (bytes.length > SNP_REPORT_SIZE)
    return parseSnpReport(bytes.subarray(0, SNP_REPORT_SIZE), opts);
  return parseSnpReport(bytes, opts);
}

/**
 * KDS URLs for an SNP report (a bare report, an extended report, or an Azure HCL report).
 *
 * @param file - the evidence.
 * @param product - `--product` (v2 reports do not name theirs).
 * @param baseUrl - `--kds-url` (default AMD's KDS).
 * @returns name → URL.
 * @throws {AttestError} from `parseSnpReport` / `parseAzureHclReport`.
 * @example
 * ```ts
 * kdsUrlsFor(file, 'Genoa', undefined).vcek;
 * ```
 */
export function kdsUrlsFor(
  file: EvidenceFile,
  product: string | undefined,
  baseUrl?: string,
): Record<string, string> {
  const p = product as SnpProduct | undefined;
  const report = snpReportIn(file.bytes, p);
  const urls = snpKdsUrls(report, {
    ...(p !== undefined ? { product: p } : {}),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
  });
  return Object.fromEntries(Object.entries(urls).filter(([, v]) => typeof v === 'string'));
}

/**
 * PCS URLs for a TDX/SGX quote, from the FMSPC and CA of the PCK certificate it carries.
 *
 * @param file - the quote.
 * @param baseUrl - `--pcs-url` (default Intel's PCS; any other base is treated as a PCCS).
 * @returns name → URL, plus `fmspc` and `ca`.
 * @throws {AttestError} from `parseTdxQuote`, or `ERR_MISSING_FIELD` / `ERR_BAD_VALUE` for the
 *   PCK certificate.
 * @example
 * ```ts
 * pcsUrlsFor(file).tcbInfo;
 * ```
 */
export function pcsUrlsFor(file: EvidenceFile, baseUrl?: string): Record<string, string> {
  const quote = parseTdxQuote(file.bytes);
  let pem = new TextDecoder().decode(quote.certificationData.pckCertChain.data);
  // Quote generators NUL-terminate the PEM chain.
  while (pem.endsWith('\0')) pem = pem.slice(0, -1);
  const certs = parseCertificates(pem);
  const leaf = certs.find((c) => c.basicConstraints?.ca !== true);
  if (leaf === undefined)
    throw new AttestError('ERR_MISSING_FIELD', {
      message: 'the quote carries no PCK leaf certificate',
    });
  const ext = parsePckExtensions(leaf);
  const issuer = leaf.issuer.text;
  const ca = /Processor/i.test(issuer)
    ? 'processor'
    : /Platform/i.test(issuer)
      ? 'platform'
      : undefined;
  if (ca === undefined)
    throw new AttestError('ERR_BAD_VALUE', {
      message: `PCK issuer "${issuer}" is neither the Processor nor the Platform CA`,
    });
  const tee = quote.header.teeType === 0x81 ? 'tdx' : 'sgx';
  return {
    fmspc: Array.from(ext.fmspc, (b) => b.toString(16).padStart(2, '0')).join(''),
    ca,
    ...pcsUrls({ fmspc: ext.fmspc, ca, tee }, baseUrl !== undefined ? { baseUrl } : {}),
  };
}
