/* eslint-disable @typescript-eslint/no-explicit-any -- expected.json is untyped JSON */
/**
 * Access to the real SNP vectors (shared/vectors/snp and the SNP reports inside
 * shared/vectors/azure), read in place through test/support/vectors.ts.
 */
import { fromBase64 } from '../../../src/core/encoding.js';
import { hasVectors, readVector, readVectorJson, readVectorText } from '../../support/vectors.js';
import type { SnpProduct } from '../../../src/snp/types.js';

/** Inside every real certificate's validity window (VLEK 2024-12-10..2025-12-10, Turin VCEK from 2025-07-17; both CRLs current). */
export const VECTOR_NOW = new Date('2025-08-01T00:00:00Z');

export interface SnpVectorCase {
  readonly id: string;
  readonly report: Uint8Array;
  readonly product: SnpProduct;
  /** Signer certificate (DER or PEM), when the vector has one. */
  readonly signerCert?: Uint8Array | string;
  readonly signerKind: 'VCEK' | 'VLEK';
  /** The ASK/ASVK + ARK bundle of the vector. */
  readonly chain?: string;
  readonly expected: Record<string, any>;
  readonly source: 'snp' | 'azure';
}

function chainFor(product: SnpProduct, kind: 'VCEK' | 'VLEK'): string {
  const p = product.toLowerCase();
  return readVectorText('snp', 'roots', `${kind === 'VCEK' ? 'ask' : 'asvk'}_ark_${p}.pem`);
}

/** Every real report of vectors/snp (expected.json "vectors"). */
export function snpVectorCases(): SnpVectorCase[] {
  if (!hasVectors) return [];
  const doc = readVectorJson('snp', 'expected.json');
  return (doc.vectors as any[])
    .filter((v) => v.kind === 'snp-attestation-report')
    .map((v) => {
      const e = v.expected;
      const kind = e.signing_key_name as 'VCEK' | 'VLEK';
      const certFile = v.files.vcek ?? v.files.vlek;
      return {
        id: v.id as string,
        report: readVector('snp', v.files.report),
        product: e.product_line as SnpProduct,
        ...(certFile !== undefined ? { signerCert: readVector('snp', certFile) } : {}),
        signerKind: kind,
        ...(v.files.chain !== undefined ? { chain: readVectorText('snp', v.files.chain) } : {}),
        expected: e,
        source: 'snp' as const,
      };
    });
}

/** The HCL report bytes of an Azure vector (from the .bin file or the trustee evidence JSON). */
export function azureHcl(v: any): { hcl: Uint8Array; vcek: Uint8Array | string } {
  const f = v.files;
  if (f.hcl_report !== undefined) {
    const vcekFile = f.vcek ?? f.vcek_bundle;
    const vcek = vcekFile.endsWith('.pem')
      ? readVectorText('azure', vcekFile)
      : readVector('azure', vcekFile);
    return { hcl: readVector('azure', f.hcl_report), vcek };
  }
  const ev = readVectorJson('azure', f.evidence);
  const hcl = Array.isArray(ev.report)
    ? Uint8Array.from(ev.report as number[])
    : fromBase64(ev.hcl_report as string);
  const vcek =
    typeof ev.vcek === 'string' && ev.vcek.includes('BEGIN')
      ? (ev.vcek as string)
      : fromBase64(ev.vcek as string);
  return { hcl, vcek };
}

/** The SNP reports inside the Azure vectors (HCL bytes 0x20–0x4BF). */
export function azureSnpCases(): (SnpVectorCase & { hcl: Uint8Array })[] {
  if (!hasVectors) return [];
  const doc = readVectorJson('azure', 'expected.json');
  return (doc.vectors as any[])
    .filter((v) => v.expected.snp_report !== undefined)
    .map((v) => {
      const e = v.expected.snp_report;
      const { hcl, vcek } = azureHcl(v);
      const product = e.product_line as SnpProduct;
      return {
        id: v.id as string,
        hcl,
        report: hcl.slice(0x20, 0x20 + 0x4a0),
        product,
        signerCert: vcek,
        signerKind: 'VCEK' as const,
        chain: chainFor(product, 'VCEK'),
        expected: {
          ...e,
          kds_vcek_url: v.expected.kds_vcek_url,
          report_signature_valid: v.expected.snp_signature_valid,
          signer_cert: v.expected.vcek,
        },
        source: 'azure' as const,
      };
    });
}

export { chainFor };
