/**
 * Test-only encoders for SEV-SNP structures: an ATTESTATION_REPORT builder (the inverse of
 * parseSnpReport), a certificate-table builder, and the small DER encoders the synthetic VCEK
 * extensions need. Nothing here is used by src/.
 */
import { SNP_OFFSET, SNP_REPORT_SIZE, SNP_SIGNATURE_OFFSET } from '../../../src/snp/layout.js';
import { SNP_CERT_TABLE_GUID } from '../../../src/snp/layout.js';

/** Fields of a report to encode; everything omitted is zero (policy defaults to 0x30000). */
export interface ReportFields {
  version?: number;
  guestSvn?: number;
  policy?: bigint;
  familyId?: Uint8Array;
  imageId?: Uint8Array;
  vmpl?: number;
  signatureAlgo?: number;
  currentTcb?: bigint;
  platformInfo?: bigint;
  keyInfo?: number;
  reportData?: Uint8Array;
  measurement?: Uint8Array;
  hostData?: Uint8Array;
  idKeyDigest?: Uint8Array;
  authorKeyDigest?: Uint8Array;
  reportId?: Uint8Array;
  reportIdMa?: Uint8Array;
  reportedTcb?: bigint;
  cpuid?: { fam: number; mod: number; step: number };
  chipId?: Uint8Array;
  committedTcb?: bigint;
  current?: { major: number; minor: number; build: number };
  committed?: { major: number; minor: number; build: number };
  launchTcb?: bigint;
  launchMitVector?: bigint;
  currentMitVector?: bigint;
  /** Big-endian r and s (48 bytes each). */
  signature?: { r: Uint8Array; s: Uint8Array };
}

/** Encodes a report (1184 bytes). */
export function encodeSnpReport(f: ReportFields): Uint8Array {
  const out = new Uint8Array(SNP_REPORT_SIZE);
  const dv = new DataView(out.buffer);
  const O = SNP_OFFSET;
  dv.setUint32(O.VERSION, f.version ?? 3, true);
  dv.setUint32(O.GUEST_SVN, f.guestSvn ?? 0, true);
  dv.setBigUint64(O.POLICY, f.policy ?? 0x30000n, true);
  if (f.familyId) out.set(f.familyId, O.FAMILY_ID);
  if (f.imageId) out.set(f.imageId, O.IMAGE_ID);
  dv.setUint32(O.VMPL, f.vmpl ?? 0, true);
  dv.setUint32(O.SIGNATURE_ALGO, f.signatureAlgo ?? 1, true);
  dv.setBigUint64(O.CURRENT_TCB, f.currentTcb ?? 0n, true);
  dv.setBigUint64(O.PLATFORM_INFO, f.platformInfo ?? 0n, true);
  dv.setUint32(O.KEY_INFO, f.keyInfo ?? 0, true);
  if (f.reportData) out.set(f.reportData, O.REPORT_DATA);
  if (f.measurement) out.set(f.measurement, O.MEASUREMENT);
  if (f.hostData) out.set(f.hostData, O.HOST_DATA);
  if (f.idKeyDigest) out.set(f.idKeyDigest, O.ID_KEY_DIGEST);
  if (f.authorKeyDigest) out.set(f.authorKeyDigest, O.AUTHOR_KEY_DIGEST);
  if (f.reportId) out.set(f.reportId, O.REPORT_ID);
  out.set(f.reportIdMa ?? new Uint8Array(32).fill(0xff), O.REPORT_ID_MA);
  dv.setBigUint64(O.REPORTED_TCB, f.reportedTcb ?? f.currentTcb ?? 0n, true);
  if ((f.version ?? 3) >= 3 && f.cpuid) {
    out[O.CPUID_FAM_ID] = f.cpuid.fam;
    out[O.CPUID_MOD_ID] = f.cpuid.mod;
    out[O.CPUID_STEP] = f.cpuid.step;
  }
  if (f.chipId) out.set(f.chipId, O.CHIP_ID);
  dv.setBigUint64(O.COMMITTED_TCB, f.committedTcb ?? f.currentTcb ?? 0n, true);
  const cur = f.current ?? { major: 1, minor: 55, build: 40 };
  const com = f.committed ?? cur;
  out[O.CURRENT_BUILD] = cur.build;
  out[O.CURRENT_MINOR] = cur.minor;
  out[O.CURRENT_MAJOR] = cur.major;
  out[O.COMMITTED_BUILD] = com.build;
  out[O.COMMITTED_MINOR] = com.minor;
  out[O.COMMITTED_MAJOR] = com.major;
  dv.setBigUint64(O.LAUNCH_TCB, f.launchTcb ?? f.currentTcb ?? 0n, true);
  if ((f.version ?? 3) >= 5) {
    dv.setBigUint64(O.LAUNCH_MIT_VECTOR, f.launchMitVector ?? 0n, true);
    dv.setBigUint64(O.CURRENT_MIT_VECTOR, f.currentMitVector ?? 0n, true);
  }
  if (f.signature) setSignature(out, f.signature.r, f.signature.s);
  return out;
}

/** Writes big-endian r and s into the report as 72-byte little-endian fields. */
export function setSignature(report: Uint8Array, r: Uint8Array, s: Uint8Array): void {
  report.fill(0, SNP_SIGNATURE_OFFSET, SNP_SIGNATURE_OFFSET + 144);
  report.set(r.slice().reverse(), SNP_OFFSET.SIGNATURE_R);
  report.set(s.slice().reverse(), SNP_OFFSET.SIGNATURE_S);
}

/** Guid text → 16 bytes, in RFC 4122 (text) order or EFI mixed-endian order. */
export function guidBytes(text: string, order: 'rfc4122' | 'mixed-endian' = 'rfc4122'): Uint8Array {
  const h = text.replace(/-/g, '');
  const b = Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
  if (order === 'rfc4122') return b;
  return Uint8Array.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.slice(8)]);
}

/** Builds a certificate table: entries, terminator, then the data blobs (optional padding). */
export function encodeCertTable(
  entries: readonly { guid: string | Uint8Array; data: Uint8Array }[],
  options: { order?: 'rfc4122' | 'mixed-endian'; padTo?: number } = {},
): Uint8Array {
  const header = (entries.length + 1) * 24;
  let size = header + entries.reduce((n, e) => n + e.data.length, 0);
  if (options.padTo !== undefined && options.padTo > size) size = options.padTo;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let off = header;
  entries.forEach((e, i) => {
    const g = typeof e.guid === 'string' ? guidBytes(e.guid, options.order) : e.guid;
    out.set(g, i * 24);
    dv.setUint32(i * 24 + 16, off, true);
    dv.setUint32(i * 24 + 20, e.data.length, true);
    out.set(e.data, off);
    off += e.data.length;
  });
  return out;
}

export { SNP_CERT_TABLE_GUID };

/** DER INTEGER of a small non-negative number. */
export function derInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}

/** DER IA5String. */
export function derIa5(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  return Uint8Array.from([0x16, b.length, ...b]);
}

/** DER OCTET STRING (short form). */
export function derOctets(b: Uint8Array): Uint8Array {
  return Uint8Array.from([0x04, b.length, ...b]);
}

/** Bytes with every byte set to `v`, or a counting pattern. */
export function filled(n: number, v: number | 'count'): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = v === 'count' ? i & 0xff : v;
  return out;
}
