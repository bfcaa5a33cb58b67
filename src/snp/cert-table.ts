/**
 * @module
 * `parseSnpCertTable`: the certificate table of an extended attestation report (AMD GHCB
 * specification 56421, SNP extended guest request; Linux configfs-tsm `auxblob`; spec note §9):
 * 24-byte entries `{ GUID[16], u32 offset, u32 length }` ending with an all-zero entry, offsets
 * from the start of the table. GUIDs are accepted in both byte orders seen in the wild.
 *
 * The table comes from the host, so the parser bounds its work by the input: at most
 * `SNP_CERT_TABLE_MAX_ENTRIES` (32) entries, and entry data ranges may not overlap one another
 * or the entries, so the bytes copied out never exceed the input's length.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, ByteReader, copyBytes, isAllZero } from '../core/bytes.js';
import { toHex } from '../core/encoding.js';
import { SNP_CERT_TABLE_GUID } from './layout.js';
import type { SnpCertTable, SnpCertTableEntry, SnpCertTableKind } from './types.js';

const STRUCT = 'CERT_TABLE';

/**
 * Most entries a certificate table may hold, not counting the terminator; more is
 * `ERR_LIMIT_EXCEEDED`. The GHCB specification (56421) defines five GUIDs (VCEK, VLEK, ASK/ASVK,
 * ARK, CRL) and one toolchain adds a sixth; 32 leaves room for unknown entries while keeping the
 * overlap check (every pair of entries) small.
 */
export const SNP_CERT_TABLE_MAX_ENTRIES = 32;

const KIND_BY_GUID: ReadonlyMap<string, SnpCertTableKind> = /* @__PURE__ */ new Map(
  Object.entries(SNP_CERT_TABLE_GUID).map(([k, g]) => [g, k as SnpCertTableKind]),
);

function guidText(b: Uint8Array): string {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The EFI mixed-endian reading: the first three groups are little-endian. */
function mixedEndian(b: Uint8Array): Uint8Array {
  const o = copyBytes(b);
  o.set([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!], 0);
  return o;
}

/**
 * Parses an extended-report certificate table (GHCB 56421; spec note §9). Entries are read until
 * the all-zero terminator, at most 32 of them; each entry's data must lie inside the table after
 * the entries and must not overlap another entry's data (an empty range overlaps nothing), so the
 * copies returned never total more than the input. Known
 * GUIDs (VCEK, VLEK, ASK/ASVK, ARK, CRL, extra platform info) are recognised in RFC 4122 (text)
 * order, which the Linux and QEMU hosts write, and in EFI mixed-endian order, which one client
 * expects. Certificates are returned as bytes, unverified.
 *
 * Exported from `attestkit/snp`.
 *
 * @param bytes - the table buffer (zero padding after the data is fine).
 * @returns the entries and the known certificates by kind.
 * @throws {AttestError} `ERR_TRUNCATED` (no terminator), `ERR_LIMIT_EXCEEDED` (more than 32
 *   entries; at the first entry too many), `ERR_BAD_LENGTH` (data outside the table, overlapping
 *   the entries, or overlapping an earlier entry's data; at the entry's OFFSET field),
 *   `ERR_BAD_VALUE` (a known GUID twice, or a null GUID with data).
 * @throws {TypeError} when `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * import { parseSnpCertTable } from 'attestkit/snp';
 * const table = parseSnpCertTable(auxblob);
 * await verifySnpReport({ report, certTable: auxblob });
 * console.log(table.entries.map((e) => e.kind));
 * ```
 */
export function parseSnpCertTable(bytes: Uint8Array): SnpCertTable {
  assertBytes(bytes, 'bytes');
  const r = new ByteReader(bytes, STRUCT);
  const raw: { guid: Uint8Array; offset: number; length: number; at: number }[] = [];
  for (let i = 0; ; i++) {
    const at = r.offset;
    const guid = r.borrow(16, `ENTRY[${i}].GUID`);
    const offset = r.u32le(`ENTRY[${i}].OFFSET`);
    const length = r.u32le(`ENTRY[${i}].LENGTH`);
    if (isAllZero(guid)) {
      if (offset !== 0 || length !== 0) {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: at,
          field: `${STRUCT}.ENTRY[${i}]`,
          message: 'the terminating (null-GUID) entry must have offset and length zero',
        });
      }
      break;
    }
    if (i >= SNP_CERT_TABLE_MAX_ENTRIES) {
      throw new AttestError('ERR_LIMIT_EXCEEDED', {
        offset: at,
        field: `${STRUCT}.ENTRY[${i}]`,
        message: `more than ${SNP_CERT_TABLE_MAX_ENTRIES} entries before the terminator`,
      });
    }
    raw.push({ guid, offset, length, at });
  }
  const headerEnd = r.offset;
  const entries: SnpCertTableEntry[] = [];
  const seen = new Set<SnpCertTableKind>();
  for (const [i, e] of raw.entries()) {
    if (e.offset < headerEnd || e.offset + e.length > bytes.length) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: e.at + 16,
        field: `${STRUCT}.ENTRY[${i}]`,
        message: `data [${e.offset}, +${e.length}) is outside [${headerEnd}, ${bytes.length})`,
      });
    }
    // Disjoint ranges bound the copies below by the input's length; overlapping ones would let
    // a small table make each entry copy the same bytes again.
    for (let j = 0; j < i; j++) {
      const o = raw[j]!;
      const overlap =
        e.length > 0 &&
        o.length > 0 &&
        e.offset < o.offset + o.length &&
        o.offset < e.offset + e.length;
      if (overlap) {
        throw new AttestError('ERR_BAD_LENGTH', {
          offset: e.at + 16,
          field: `${STRUCT}.ENTRY[${i}].OFFSET`,
          message: `data [${e.offset}, +${e.length}) overlaps entry ${j}'s [${o.offset}, +${o.length})`,
        });
      }
    }
    const text = guidText(e.guid);
    const mixed = guidText(mixedEndian(e.guid));
    let kind = KIND_BY_GUID.get(text);
    let guid = text;
    let guidByteOrder: SnpCertTableEntry['guidByteOrder'] = 'rfc4122';
    if (kind === undefined && KIND_BY_GUID.has(mixed)) {
      kind = KIND_BY_GUID.get(mixed);
      guid = mixed;
      guidByteOrder = 'mixed-endian';
    }
    kind ??= 'unknown';
    if (kind !== 'unknown') {
      if (seen.has(kind)) {
        throw new AttestError('ERR_BAD_VALUE', {
          offset: e.at,
          field: `${STRUCT}.ENTRY[${i}].GUID`,
          message: `a second ${kind} entry makes the table ambiguous`,
        });
      }
      seen.add(kind);
    }
    entries.push({
      guid,
      guidByteOrder,
      kind,
      offset: e.offset,
      length: e.length,
      data: copyBytes(bytes, e.offset, e.offset + e.length),
    });
  }
  const by = (k: SnpCertTableKind): Uint8Array | undefined =>
    entries.find((e) => e.kind === k)?.data;
  const out: { -readonly [K in keyof SnpCertTable]: SnpCertTable[K] } = { entries };
  for (const k of ['vcek', 'vlek', 'ask', 'ark', 'crl'] as const) {
    const d = by(k);
    if (d !== undefined) out[k] = d;
  }
  return out;
}
