/**
 * Readers for the Azure vector containers (test-only): trustee's bincode TPM quote framing
 * (u64 LE length + signature, u64 LE length + TPMS_ATTEST, u64 LE count + count × 32-byte
 * SHA-256 PCR values) and its az-snp-vtpm / az-tdx-vtpm evidence JSON (v0: byte arrays; v1/v2:
 * base64url with padding for binary blobs, hex for the TPM quote).
 */
import { fromBase64, fromHex } from '../../../src/core/encoding.js';
import { readVector, readVectorJson, vectorExists } from '../../support/vectors.js';

export interface AzureQuote {
  readonly attest: Uint8Array;
  readonly signature: Uint8Array;
  /** SHA-256 PCR values in index order (PCRs 0..n-1), when the container has them. */
  readonly pcrValues: readonly Uint8Array[];
}

export interface AzureVector {
  readonly id: string;
  readonly hcl: Uint8Array;
  readonly quote?: AzureQuote;
  /** Certificates (PEM text or DER) for the SNP flavour. */
  readonly vcek?: Uint8Array | string;
  readonly tdQuote?: Uint8Array;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json entry
  readonly expected: any;
}

function u64(b: Uint8Array, at: number): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true);
  return Number(v);
}

/** Decodes trustee's `quote.bin`. */
export function decodeQuoteBin(b: Uint8Array): AzureQuote {
  let p = 0;
  const sigLen = u64(b, p);
  p += 8;
  const signature = b.slice(p, p + sigLen);
  p += sigLen;
  const msgLen = u64(b, p);
  p += 8;
  const attest = b.slice(p, p + msgLen);
  p += msgLen;
  const count = u64(b, p);
  p += 8;
  const pcrValues: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    pcrValues.push(b.slice(p, p + 32));
    p += 32;
  }
  if (p !== b.length) throw new Error('quote.bin framing mismatch');
  return { attest, signature, pcrValues };
}

const bytesOf = (v: unknown): Uint8Array =>
  Array.isArray(v) ? Uint8Array.from(v as number[]) : fromBase64(v as string);
const hexOrBytes = (v: unknown): Uint8Array =>
  Array.isArray(v) ? Uint8Array.from(v as number[]) : fromHex(v as string);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- trustee evidence JSON
function quoteOf(q: any): AzureQuote {
  return {
    attest: hexOrBytes(q.message),
    signature: hexOrBytes(q.signature),
    pcrValues: (q.pcrs as unknown[]).map(hexOrBytes),
  };
}

/** Every Azure vector as uniform data. */
export function azureVectors(): AzureVector[] {
  if (!vectorExists('azure', 'expected.json')) return [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json
  const doc = readVectorJson<any>('azure', 'expected.json');
  const out: AzureVector[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- expected.json entries
  for (const v of doc.vectors as any[]) {
    const f = v.files as Record<string, string>;
    const id = v.id as string;
    if (f.evidence !== undefined) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- evidence JSON
      const e = readVectorJson<any>('azure', f.evidence);
      const hcl = bytesOf(e.report ?? e.hcl_report);
      const q = e.quote ?? e.tpm_quote;
      const vcek =
        typeof e.vcek === 'string' && e.vcek.includes('BEGIN')
          ? (e.vcek as string)
          : bytesOf(e.vcek);
      out.push({ id, hcl, quote: quoteOf(q), vcek, expected: v.expected });
      continue;
    }
    const hcl = readVector('azure', f.hcl_report!);
    let quote: AzureQuote | undefined;
    if (f.tpm_quote_bincode !== undefined)
      quote = decodeQuoteBin(readVector('azure', f.tpm_quote_bincode));
    else if (f.tpm_quote_msg !== undefined) {
      quote = {
        attest: readVector('azure', f.tpm_quote_msg),
        signature: readVector('azure', f.tpm_quote_sig!),
        pcrValues: [],
      };
    }
    const vcekFile = f.vcek_bundle ?? f.vcek;
    const vcek =
      vcekFile === undefined
        ? undefined
        : vcekFile.endsWith('.pem')
          ? new TextDecoder().decode(readVector('azure', vcekFile))
          : readVector('azure', vcekFile);
    const tdQuote = f.td_quote !== undefined ? readVector('azure', f.td_quote) : undefined;
    out.push({
      id,
      hcl,
      ...(quote !== undefined ? { quote } : {}),
      ...(vcek !== undefined ? { vcek } : {}),
      ...(tdQuote !== undefined ? { tdQuote } : {}),
      expected: v.expected,
    });
  }
  return out;
}

/**
 * Rebuilds an HCL report around new runtime data (test-only): sizes are rewritten, the hardware
 * report is kept, and the buffer is zero-padded to `total` (default: the original length, or
 * exactly the data when it does not fit).
 */
export function withRuntimeData(
  hcl: Uint8Array,
  runtime: Uint8Array | string,
  total?: number,
): Uint8Array {
  const data = typeof runtime === 'string' ? new TextEncoder().encode(runtime) : runtime;
  const end = 0x4d4 + data.length;
  const out = new Uint8Array(Math.max(total ?? hcl.length, end));
  out.set(hcl.subarray(0, 0x4d4));
  out.set(data, 0x4d4);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, end, true);
  dv.setUint32(0x4c0, 20 + data.length, true);
  dv.setUint32(0x4d0, data.length, true);
  return out;
}

/** The runtime JSON text of an HCL report (test-only, no checks). */
export function runtimeText(hcl: Uint8Array): string {
  const n = new DataView(hcl.buffer, hcl.byteOffset).getUint32(0x4d0, true);
  return new TextDecoder().decode(hcl.subarray(0x4d4, 0x4d4 + n));
}
