/** `attestkit kds-url` and `attestkit pcs-url`: where to fetch the collateral for a piece of evidence. */
import {
  AttestError,
  parseCertificates,
  parsePckExtensions,
  parseSnpReport,
  parseTdxQuote,
  pcsUrls,
  snpKdsUrls,
  type SnpProduct,
} from '../index.js';
import type { EvidenceFile } from './registry.js';

/** KDS URLs for an SNP report (raw report, or an extended report / Azure HCL container). */
export function kdsUrlsFor(
  file: EvidenceFile,
  product: string | undefined,
): Record<string, string> {
  const report = parseSnpReport(file.bytes);
  const urls = snpKdsUrls(report, product !== undefined ? { product: product as SnpProduct } : {});
  return Object.fromEntries(Object.entries(urls).filter(([, v]) => typeof v === 'string'));
}

/** PCS URLs for a TDX/SGX quote, from the FMSPC and CA of the PCK certificate it carries. */
export function pcsUrlsFor(file: EvidenceFile): Record<string, string> {
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
    ...pcsUrls({ fmspc: ext.fmspc, ca, tee }),
  };
}
