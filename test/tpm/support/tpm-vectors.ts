/** Readers for ../shared/vectors/tpm and the vTPM parts of ../shared/vectors/azure. */
import {
  hasVectors,
  hex,
  readVector,
  readVectorJson,
  readVectorText,
  vectorExists,
} from '../../support/vectors.js';
import type { PcrBanks } from '../../../src/tpm/index.js';

/** Vector JSON (manifest.json, expected.json): shapes documented by the vectors' READMEs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector JSON
export type Json = any;

/** `{ bank: { index: hex } }` → PcrBanks. */
export function pcrsFromHex(o: Record<string, Record<string, string>>): PcrBanks {
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, values] of Object.entries(o)) {
    out[bank] = {};
    for (const [i, v] of Object.entries(values)) out[bank][Number(i)] = hex(v);
  }
  return out;
}

/** The swtpm manifest (`tpm/swtpm/manifest.json`). */
export function swtpmManifest(): Json {
  return readVectorJson('tpm', 'swtpm', 'manifest.json');
}

/** A file of the swtpm vectors by its manifest path. */
export function swtpmFile(path: string): Uint8Array {
  return readVector('tpm', 'swtpm', path);
}

/** A text file of the swtpm vectors. */
export function swtpmText(path: string): string {
  return readVectorText('tpm', 'swtpm', path);
}

/** `tpm/real/expected.json`. */
export function realExpected(): Json {
  return readVectorJson('tpm', 'real', 'expected.json');
}

/** A file of the real captures by its expected.json path. */
export function realFile(path: string): Uint8Array {
  return readVector('tpm', 'real', path);
}

/** A swtpm quote case (positive or negative) as verifyTpmQuote input and expectation. */
export interface SwtpmQuoteCase {
  readonly name: string;
  readonly negative: boolean;
  readonly attest: Uint8Array;
  readonly signature: Uint8Array;
  readonly akTpm2b: Uint8Array;
  readonly akPem: string;
  /** The verifier's nonce as the manifest states it (`nonce_hex`). */
  readonly nonce: Uint8Array;
  /** `nonce.bin` (positive cases only): the nonce given to tpm2_quote, as a file. */
  readonly nonceFile: Uint8Array | undefined;
  /** `pcrs.json`: the PCR values the prover claims. */
  readonly pcrs: PcrBanks;
  /** `pcrs.tpm2tools.bin`: the same claim in tpm2-tools' serialized PCR file format. */
  readonly pcrsTpm2Tools: Uint8Array;
  readonly c: Json;
}

/** Every quote case in the swtpm manifest. */
export function swtpmQuoteCases(): SwtpmQuoteCase[] {
  if (!hasVectors) return [];
  const m = swtpmManifest();
  const out: SwtpmQuoteCase[] = [];
  for (const [name, c] of Object.entries<Json>(m.cases)) {
    if (c.kind !== 'quote' && c.kind !== 'quote-negative') continue;
    const f = c.files;
    const akPath: string = f.ak_public ?? c.ak_files.tpm2b_public;
    out.push({
      name,
      negative: c.kind === 'quote-negative',
      attest: swtpmFile(f.quote_msg_TPMS_ATTEST),
      signature: swtpmFile(f.signature_TPMT_SIGNATURE),
      akTpm2b: swtpmFile(akPath),
      akPem: swtpmText(akPath.replace('.tpm2b_public.bin', '.pem')),
      nonce: hex(c.nonce_hex ?? f.nonce_hex),
      nonceFile: f.nonce !== undefined ? swtpmFile(f.nonce) : undefined,
      pcrs: pcrsFromHex(JSON.parse(swtpmText(f.pcrs_json))),
      pcrsTpm2Tools: swtpmFile(f.pcrs_tpm2tools_serialized),
      c,
    });
  }
  return out;
}

/** The HCLAkPub JWK from an Azure HCL report's runtime data (IGVM request data at 0x4C0). */
export function hclAkJwk(hcl: Uint8Array): JsonWebKey {
  const view = new DataView(hcl.buffer, hcl.byteOffset, hcl.byteLength);
  const varSize = view.getUint32(0x4c0 + 16, true);
  const json = new TextDecoder().decode(hcl.subarray(0x4d4, 0x4d4 + varSize));
  const runtime = JSON.parse(json) as { keys: (JsonWebKey & { kid: string })[] };
  const ak = runtime.keys.find((k) => k.kid === 'HCLAkPub');
  if (ak === undefined) throw new Error('no HCLAkPub');
  return ak;
}

/** An Azure vTPM quote: TPMS_ATTEST, raw RSASSA signature, PCRs (sha256 0..23) when present. */
export interface AzureQuote {
  readonly id: string;
  /** The vector file (relative to `azure/`) the quote was read from. */
  readonly file: string;
  readonly attest: Uint8Array;
  readonly signature: Uint8Array;
  readonly pcrs?: PcrBanks;
  readonly hcl: Uint8Array;
  readonly expected: Json;
}

const bytesOf = (v: number[] | string): Uint8Array =>
  typeof v === 'string' ? hex(v) : Uint8Array.from(v);

function fromB64Url(s: string): Uint8Array {
  const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function sha256Banks(list: (number[] | string)[]): PcrBanks {
  const sha256: Record<number, Uint8Array> = {};
  list.forEach((v, i) => (sha256[i] = bytesOf(v)));
  return { sha256 };
}

/** Every Azure vector that carries a vTPM quote, in each of its encodings. */
export function azureQuotes(): AzureQuote[] {
  if (!hasVectors || !vectorExists('azure', 'expected.json')) return [];
  const e = readVectorJson('azure', 'expected.json');
  const out: AzureQuote[] = [];
  for (const v of e.vectors as Json[]) {
    const tq = v.expected.tpm_quote;
    if (tq === undefined) continue;
    const f = v.files;
    if (f.tpm_quote_json !== undefined) {
      const j = readVectorJson('azure', f.tpm_quote_json);
      out.push({
        id: `${v.id} (tpm-quote json)`,
        file: f.tpm_quote_json,
        attest: hex(j.message),
        signature: hex(j.signature),
        pcrs: sha256Banks(j.pcrs),
        hcl: readVector('azure', f.hcl_report),
        expected: tq,
      });
    }
    if (f.tpm_quote_bincode !== undefined) {
      const b = readVector('azure', f.tpm_quote_bincode);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      let o = 0;
      const take = (): Uint8Array => {
        const n = Number(dv.getBigUint64(o, true));
        o += 8;
        const r = b.slice(o, o + n);
        o += n;
        return r;
      };
      const signature = take();
      const attest = take();
      const count = Number(dv.getBigUint64(o, true));
      o += 8;
      const pcrs: Uint8Array[] = [];
      for (let i = 0; i < count; i++, o += 32) pcrs.push(b.slice(o, o + 32));
      out.push({
        id: `${v.id} (quote.bin)`,
        file: f.tpm_quote_bincode,
        attest,
        signature,
        pcrs: { sha256: Object.fromEntries(pcrs.map((p, i) => [i, p])) },
        hcl: readVector('azure', f.hcl_report),
        expected: tq,
      });
    }
    if (f.tpm_quote_msg !== undefined) {
      out.push({
        id: `${v.id} (msg/sig)`,
        file: f.tpm_quote_msg,
        attest: readVector('azure', f.tpm_quote_msg),
        signature: readVector('azure', f.tpm_quote_sig),
        hcl: readVector('azure', f.hcl_report),
        expected: tq,
      });
    }
    for (const key of Object.keys(f).filter((k) => k.startsWith('evidence'))) {
      const j = readVectorJson('azure', f[key]);
      const q = j.quote ?? j.tpm_quote;
      const hcl =
        j.report !== undefined
          ? Uint8Array.from(j.report)
          : typeof j.hcl_report === 'string'
            ? fromB64Url(j.hcl_report)
            : Uint8Array.from(j.hcl_report);
      out.push({
        id: `${v.id} (${key})`,
        file: f[key],
        attest: bytesOf(q.message),
        signature: bytesOf(q.signature),
        pcrs: sha256Banks(q.pcrs),
        hcl,
        expected: tq,
      });
    }
  }
  return out;
}
