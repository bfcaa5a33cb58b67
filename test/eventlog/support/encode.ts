/**
 * Test-only encoders for event logs: crypto-agile and SHA-1 TCG logs, CC logs, IMA lists (binary
 * and ascii), and the UEFI structures inside events. Everything built here is SYNTHETIC.
 */
import { digest, type HashAlg } from '../../../src/core/crypto.js';
import { concatBytes } from '../../../src/core/bytes.js';
import { toHex } from '../../../src/core/encoding.js';
import { guidBytes } from '../../../src/eventlog/text.js';

const ALG_IDS: Record<HashAlg, number> = {
  sha1: 0x0004,
  sha256: 0x000b,
  sha384: 0x000c,
  sha512: 0x000d,
};
export const BANK_SIZE: Record<HashAlg, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export function u8(n: number): Uint8Array {
  return new Uint8Array([n & 0xff]);
}
export function u16(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, true);
  return b;
}
export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}
export function u64(n: bigint | number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
export function utf16(s: string, nul = true): Uint8Array {
  const out = new Uint8Array((s.length + (nul ? 1 : 0)) * 2);
  for (let i = 0; i < s.length; i++) out[2 * i] = s.charCodeAt(i) & 0xff;
  for (let i = 0; i < s.length; i++) out[2 * i + 1] = s.charCodeAt(i) >> 8;
  return out;
}

/** One event to encode. `digests` defaults to H(data) in every bank; `extendData` overrides the hashed bytes. */
export interface EventSpec {
  pcr: number;
  type: number;
  data: Uint8Array;
  digests?: Partial<Record<HashAlg, Uint8Array>>;
  /** Hash these bytes instead of `data` for the default digests. */
  hashOf?: Uint8Array;
  /** Banks this event carries no digest in (its digest count shrinks): a malformed event. */
  omit?: readonly HashAlg[];
}

/** `TCG_EfiSpecIdEvent` with the given banks (and optional extra raw algorithm entries). */
export function specIdEvent(
  banks: readonly HashAlg[],
  extra: readonly { id: number; size: number }[] = [],
  vendor = new Uint8Array(0),
): Uint8Array {
  const algs = [...banks.map((b) => ({ id: ALG_IDS[b], size: BANK_SIZE[b] })), ...extra];
  return concatBytes(
    ascii('Spec ID Event03\0'),
    u32(0),
    u8(0),
    u8(2),
    u8(0),
    u8(2),
    u32(algs.length),
    ...algs.map((a) => concatBytes(u16(a.id), u16(a.size))),
    u8(vendor.length),
    vendor,
  );
}

function sha1Record(pcr: number, type: number, d: Uint8Array, data: Uint8Array): Uint8Array {
  return concatBytes(u32(pcr), u32(type), d, u32(data.length), data);
}

/** A crypto-agile TCG log. Unknown algorithms in `extra` get `0xAB…` digests of their size. */
export function encodeAgileLog(
  banks: readonly HashAlg[],
  events: readonly EventSpec[],
  opts: {
    extra?: readonly { id: number; size: number }[];
    headerPcr?: number;
    padding?: number;
    paddingByte?: number;
  } = {},
): Uint8Array {
  const header = sha1Record(
    opts.headerPcr ?? 0,
    3,
    new Uint8Array(20),
    specIdEvent(banks, opts.extra ?? []),
  );
  const recs = events.map((e) => {
    const carried = banks.filter((b) => !(e.omit ?? []).includes(b));
    const parts: Uint8Array[] = [
      u32(e.pcr),
      u32(e.type),
      u32(carried.length + (opts.extra?.length ?? 0)),
    ];
    for (const b of carried) {
      const d =
        e.digests?.[b] ??
        (e.type === 3 ? new Uint8Array(BANK_SIZE[b]) : digest(b, e.hashOf ?? e.data));
      parts.push(u16(ALG_IDS[b]), d);
    }
    for (const x of opts.extra ?? []) parts.push(u16(x.id), new Uint8Array(x.size).fill(0xab));
    parts.push(u32(e.data.length), e.data);
    return concatBytes(...parts);
  });
  const pad = new Uint8Array(opts.padding ?? 0).fill(opts.paddingByte ?? 0);
  return concatBytes(header, ...recs, pad);
}

/** A SHA-1 format (TCG 1.2) log. */
export function encodeSha1Log(events: readonly EventSpec[]): Uint8Array {
  return concatBytes(
    ...events.map((e) =>
      sha1Record(
        e.pcr,
        e.type,
        e.digests?.sha1 ?? (e.type === 3 ? new Uint8Array(20) : digest('sha1', e.hashOf ?? e.data)),
        e.data,
      ),
    ),
  );
}

/** Reference replay by folding extend (independent of src/eventlog/replay.ts). */
export function foldReplay(
  banks: readonly HashAlg[],
  events: readonly EventSpec[],
  initial: (bank: HashAlg, pcr: number) => Uint8Array = (b, p) =>
    p >= 17 && p <= 22 ? new Uint8Array(BANK_SIZE[b]).fill(0xff) : new Uint8Array(BANK_SIZE[b]),
): Record<string, Record<number, string>> {
  const out: Record<string, Record<number, string>> = {};
  for (const b of banks) {
    const regs: Record<number, Uint8Array> = {};
    for (const e of events) {
      if (e.type === 3) continue;
      const d = e.digests?.[b] ?? digest(b, e.hashOf ?? e.data);
      const cur = regs[e.pcr] ?? initial(b, e.pcr);
      regs[e.pcr] = digest(b, concatBytes(cur, d));
    }
    out[b] = Object.fromEntries(Object.entries(regs).map(([k, v]) => [k, toHex(v)]));
  }
  return out;
}

// ---- UEFI structures -------------------------------------------------------------------------

export function guid(text: string): Uint8Array {
  return guidBytes(text);
}

export const GUID = {
  globalVariable: '8be4df61-93ca-11d2-aa0d-00e098032b8c',
  imageSecurityDatabase: 'd719b2cb-3d3a-4596-a3bc-dad00e67656f',
  shimLock: '605dab50-e046-4300-abb6-3dd810dd8b23',
  certX509: 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072',
  certSha256: 'c1c41626-504c-4092-aca9-41f936934328',
};

/** UEFI_VARIABLE_DATA. */
export function uefiVariable(vendor: string, name: string, data: Uint8Array): Uint8Array {
  return concatBytes(guid(vendor), u64(name.length), u64(data.length), utf16(name, false), data);
}

/** One EFI_SIGNATURE_LIST with `entries` (owner + data each). */
export function signatureList(
  type: string,
  entries: readonly { owner: string; data: Uint8Array }[],
): Uint8Array {
  const size = 16 + (entries[0]?.data.length ?? 0);
  const body = concatBytes(...entries.map((e) => concatBytes(guid(e.owner), e.data)));
  return concatBytes(guid(type), u32(28 + body.length), u32(0), u32(size), body);
}

/** UEFI_IMAGE_LOAD_EVENT with a device path built from raw nodes (end node appended). */
export function imageLoad(
  devicePath: Uint8Array,
  location = 0x1000n,
  length = 0x2000n,
): Uint8Array {
  return concatBytes(u64(location), u64(length), u64(0), u64(devicePath.length), devicePath);
}

export function dpNode(type: number, subtype: number, body: Uint8Array): Uint8Array {
  return concatBytes(u8(type), u8(subtype), u16(body.length + 4), body);
}

export const DP_END = dpNode(0x7f, 0xff, new Uint8Array(0));

export function filePathNode(path: string): Uint8Array {
  return dpNode(4, 4, utf16(path));
}

// ---- IMA ------------------------------------------------------------------------------------

export interface ImaSpec {
  pcr?: number;
  template: 'ima-ng' | 'ima-sig' | 'ima-buf';
  alg: HashAlg;
  fileDigest: Uint8Array;
  path: string;
  sig?: Uint8Array;
  buf?: Uint8Array;
  violation?: boolean;
}

export function imaTemplateData(e: ImaSpec): Uint8Array {
  const d = concatBytes(ascii(e.alg + ':'), u8(0), e.fileDigest);
  const n = concatBytes(new TextEncoder().encode(e.path), u8(0));
  const parts = [d, n];
  if (e.template === 'ima-sig') parts.push(e.sig ?? new Uint8Array(0));
  if (e.template === 'ima-buf') parts.push(e.buf ?? new Uint8Array(0));
  return concatBytes(...parts.map((p) => concatBytes(u32(p.length), p)));
}

export function imaTemplateHash(e: ImaSpec, alg: HashAlg): Uint8Array {
  return e.violation === true ? new Uint8Array(BANK_SIZE[alg]) : digest(alg, imaTemplateData(e));
}

export function encodeImaBinary(
  entries: readonly ImaSpec[],
  hashAlg: HashAlg = 'sha1',
): Uint8Array {
  return concatBytes(
    ...entries.map((e) => {
      const td = imaTemplateData(e);
      return concatBytes(
        u32(e.pcr ?? 10),
        imaTemplateHash(e, hashAlg),
        u32(e.template.length),
        ascii(e.template),
        u32(td.length),
        td,
      );
    }),
  );
}

export function encodeImaAscii(entries: readonly ImaSpec[], hashAlg: HashAlg = 'sha1'): string {
  return entries
    .map((e) => {
      let line = `${e.pcr ?? 10} ${toHex(imaTemplateHash(e, hashAlg))} ${e.template} ${e.alg}:${toHex(e.fileDigest)} ${e.path}`;
      if (e.template === 'ima-sig' && e.sig !== undefined && e.sig.length > 0)
        line += ` ${toHex(e.sig)}`;
      if (e.template === 'ima-buf') line += ` ${toHex(e.buf ?? new Uint8Array(0))}`;
      return line + '\n';
    })
    .join('');
}

/** PCR 10 by folding the IMA rule (bank hash of the template data, all 0xFF for violations). */
export function imaFold(entries: readonly ImaSpec[], bank: HashAlg): string {
  let pcr: Uint8Array = new Uint8Array(BANK_SIZE[bank]);
  for (const e of entries) {
    const m =
      e.violation === true
        ? new Uint8Array(BANK_SIZE[bank]).fill(0xff)
        : digest(bank, imaTemplateData(e));
    pcr = digest(bank, concatBytes(pcr, m));
  }
  return toHex(pcr);
}
