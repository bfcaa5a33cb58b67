/** The exact evidence each bench verifies, read in place from the shared vectors folder. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (vectors: string, ...p: string[]): Uint8Array => {
  const b = readFileSync(join(vectors, ...p));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

export interface SnpCase {
  readonly id: string;
  readonly report: Uint8Array;
  readonly vcek: Uint8Array;
  /** ASK + ARK bundle (PEM) of the product, as KDS serves it. */
  readonly chain: string;
  /** Inside every certificate's validity. */
  readonly now: Date;
}

/** `genoa-v2-oak` (the Genoa report) or `milan-v2-idblock-trustee`. */
export function snpCase(vectors: string, which: 'genoa' | 'milan'): SnpCase {
  const dir = which === 'genoa' ? 'genoa-v2-oak' : 'milan-v2-idblock-trustee';
  return {
    id: dir,
    report: read(vectors, 'snp', dir, 'report.bin'),
    vcek: read(vectors, 'snp', dir, 'vcek.der'),
    chain: readFileSync(join(vectors, 'snp', 'roots', `ask_ark_${which}.pem`), 'utf8'),
    now: new Date('2025-08-01T00:00:00Z'),
  };
}

/** Offset of REPORT_DATA[0] in an SNP report: signed, so flipping it must fail verification. */
export const SNP_TAMPER_OFFSET = 0x50;

export interface TdxCase {
  readonly id: string;
  readonly quote: Uint8Array;
  /** dcap-qvl's QuoteCollateralV3 JSON text (its own sample collateral for this quote). */
  readonly collateralJson: string;
  /** The suggested verification time in the vector's expected.json. */
  readonly now: Date;
}

export function tdxCase(vectors: string): TdxCase {
  return {
    id: 'dcapqvl-v4',
    quote: read(vectors, 'tdx', 'dcapqvl-v4', 'quote.bin'),
    collateralJson: readFileSync(
      join(vectors, 'tdx', 'collateral', 'dcapqvl', 'tdx_quote_collateral.json'),
      'utf8',
    ),
    now: new Date('2025-07-04T10:16:31Z'),
  };
}

/** Offset of REPORT_DATA[0] in a v4 TDX quote (48-byte header + 520): inside the signed body. */
export const TDX_TAMPER_OFFSET = 48 + 520;
