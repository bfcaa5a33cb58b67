/**
 * @module
 * Pure SEV-SNP knowledge that is neither parsing nor verifying: product lines from CPUID,
 * TCB_VERSION packing per product (ABI 56860; spec note §2), the AMD VCEK/VLEK certificate
 * extensions (KDS spec 57230, OID arc 1.3.6.1.4.1.3704.1; spec note §7.1), certificate roles by
 * name, and the AMD Key Distribution Service URL shapes (spec note §8). No I/O.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes } from '../core/bytes.js';
import { DER_TAG, integerNumber, parseDer, stringValue } from '../core/der.js';
import { toHex } from '../core/encoding.js';
import type { X509Certificate } from '../core/x509.js';
import { SNP_SIZE, SNP_SIGNING_KEY, SNP_TCB_LAYOUT } from './layout.js';
import type {
  SnpKdsParams,
  SnpProduct,
  SnpReport,
  SnpSignerKind,
  SnpTcb,
  SnpTcbLayout,
  SnpTcbParts,
  SnpVcekExtensions,
} from './types.js';
import { frozen } from '../core/share.js';

/**
 * The product lines attestkit knows, in release order. Exported from `attestkit/snp`.
 *
 * @example
 * ```ts
 * SNP_PRODUCTS.includes(product);
 * ```
 */
export const SNP_PRODUCTS: readonly SnpProduct[] = /* @__PURE__ */ Object.freeze([
  'Milan',
  'Genoa',
  'Turin',
]);

/**
 * Default AMD KDS base URL (spec note §8). Exported from `attestkit/snp`.
 *
 * @example
 * ```ts
 * snpKdsUrls(report, { baseUrl: SNP_KDS_BASE_URL });
 * ```
 */
export const SNP_KDS_BASE_URL = 'https://kdsintf.amd.com';

/** Source of {@link SNP_VCEK_OID}. */
const SNP_VCEK_OID_TABLE = {
  /** structVersion (.1): DER INTEGER, 0 for Milan/Genoa certificates, 1 for Turin VCEKs. */
  structVersion: '1.3.6.1.4.1.3704.1.1',
  /** productName1 (.2): DER IA5String, e.g. `Milan-B0`, `Genoa`, `Turin` (stepping optional). */
  productName1: '1.3.6.1.4.1.3704.1.2',
  /** blSPL (.3.1): DER INTEGER, boot-loader SPL of the TCB the certificate was issued for. */
  blSpl: '1.3.6.1.4.1.3704.1.3.1',
  /** teeSPL (.3.2): DER INTEGER, TEE SPL. */
  teeSpl: '1.3.6.1.4.1.3704.1.3.2',
  /** snpSPL (.3.3): DER INTEGER, SNP firmware SPL. */
  snpSpl: '1.3.6.1.4.1.3704.1.3.3',
  /** spl_4 (.3.4): DER INTEGER, reserved SPL; 0 on Milan/Genoa, absent on Turin. */
  spl4: '1.3.6.1.4.1.3704.1.3.4',
  /** spl_5 (.3.5): DER INTEGER, reserved SPL (0 so far). */
  spl5: '1.3.6.1.4.1.3704.1.3.5',
  /** spl_6 (.3.6): DER INTEGER, reserved SPL (0 so far). */
  spl6: '1.3.6.1.4.1.3704.1.3.6',
  /** spl_7 (.3.7): DER INTEGER, reserved SPL (0 so far). */
  spl7: '1.3.6.1.4.1.3704.1.3.7',
  /** ucodeSPL (.3.8): DER INTEGER, microcode SPL. */
  ucodeSpl: '1.3.6.1.4.1.3704.1.3.8',
  /** fmcSPL (.3.9): DER INTEGER, FMC SPL; Turin only. */
  fmcSpl: '1.3.6.1.4.1.3704.1.3.9',
  /** hwID (.4): VCEK only; CHIP_ID (64 bytes, 8 on Turin), raw bytes with no inner DER tag. */
  hwid: '1.3.6.1.4.1.3704.1.4',
  /** cspId (.5): DER IA5String naming the cloud provider; VLEK only. */
  cspId: '1.3.6.1.4.1.3704.1.5',
} as const;

/**
 * OIDs of the AMD VCEK/VLEK extensions (KDS spec 57230; spec note §7.1). Exported from
 * `attestkit/snp`.
 *
 * @example
 * ```ts
 * cert.extensions.find((e) => e.oid === SNP_VCEK_OID.hwid);
 * ```
 */
export const SNP_VCEK_OID: typeof SNP_VCEK_OID_TABLE = /* @__PURE__ */ frozen(SNP_VCEK_OID_TABLE);

/**
 * The product line named by CPUID family/model (v3+ reports; spec note §1.2): family 0x19 models
 * 0x00–0x0F Milan, 0x10–0x1F and 0xA0–0xAF Genoa (KDS serves Bergamo/Siena as Genoa); family
 * 0x1A models 0x00–0x1F Turin (Turin and Turin dense).
 *
 * @param famId - CPUID_FAM_ID.
 * @param modId - CPUID_MOD_ID.
 * @returns the product, or undefined for a family/model attestkit does not know.
 * @example
 * ```ts
 * snpProductFromCpuid(0x19, 0x11); // 'Genoa'
 * ```
 */
export function snpProductFromCpuid(famId: number, modId: number): SnpProduct | undefined {
  if (famId === 0x19) {
    if (modId <= 0x0f) return 'Milan';
    if ((modId >= 0x10 && modId <= 0x1f) || (modId >= 0xa0 && modId <= 0xaf)) return 'Genoa';
  }
  if (famId === 0x1a && modId <= 0x1f) return 'Turin';
  return undefined;
}

/**
 * The TCB_VERSION layout of a product: the FMC byte first on Turin (spec note §2). The layout
 * depends on the product, never on the report version.
 *
 * @param product - the product line.
 * @returns `'turin'` or `'milan-genoa'`.
 * @example
 * ```ts
 * snpTcbLayout('Turin'); // 'turin'
 * ```
 */
export function snpTcbLayout(product: SnpProduct): SnpTcbLayout {
  return product === 'Turin' ? 'turin' : 'milan-genoa';
}

/** The 8 bytes of a TCB_VERSION, least significant first (two conversions, no bigint per byte). */
function tcbBytes(raw: bigint): number[] {
  const out: number[] = [];
  for (const w of [Number(BigInt.asUintN(32, raw)), Number(BigInt.asUintN(32, raw >> 32n))])
    out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24);
  return out;
}

/**
 * Decodes a TCB_VERSION u64 in a product's layout (spec note §2). Reserved bytes are not checked
 * here; see {@link snpTcbReservedByte}.
 *
 * @param raw - the 8 bytes read as a little-endian u64.
 * @param product - the product line (or its layout).
 * @returns the components with the raw value and layout.
 * @example
 * ```ts
 * decodeSnpTcb(0x4405000000000002n, 'Milan'); // { bootloader: 2, tee: 0, snp: 5, microcode: 68, … }
 * ```
 */
export function decodeSnpTcb(raw: bigint, product: SnpProduct | SnpTcbLayout): SnpTcb {
  if (typeof raw !== 'bigint') throw new TypeError('TCB must be a bigint');
  const layout = product === 'turin' || product === 'milan-genoa' ? product : snpTcbLayout(product);
  const b = tcbBytes(raw);
  const l = SNP_TCB_LAYOUT[layout];
  return {
    raw,
    layout,
    ...('fmc' in l ? { fmc: b[l.fmc]! } : {}),
    bootloader: b[l.bootloader]!,
    tee: b[l.tee]!,
    snp: b[l.snp]!,
    microcode: b[l.microcode]!,
  };
}

/**
 * Index (0–7) of the first non-zero reserved byte of a TCB_VERSION in a layout, or -1.
 *
 * @param raw - the TCB_VERSION as a little-endian u64.
 * @param layout - the product's layout.
 * @returns the byte index within the 8-byte field, or -1 when every reserved byte is zero.
 * @example
 * ```ts
 * snpTcbReservedByte(0x4405000000000002n, 'milan-genoa'); // -1
 * ```
 */
export function snpTcbReservedByte(raw: bigint, layout: SnpTcbLayout): number {
  const b = tcbBytes(raw);
  for (const i of SNP_TCB_LAYOUT[layout].reserved) if (b[i] !== 0) return i;
  return -1;
}

/**
 * Packs TCB components into a TCB_VERSION u64 for a product (the inverse of
 * {@link decodeSnpTcb}).
 *
 * @param parts - the components (each 0–255; `fmc` used on Turin only).
 * @param product - the product line.
 * @returns the little-endian u64.
 * @throws {RangeError} for a component outside 0–255.
 * @example
 * ```ts
 * encodeSnpTcb({ bootloader: 2, tee: 0, snp: 5, microcode: 68 }, 'Milan'); // 0x4405000000000002n
 * ```
 */
export function encodeSnpTcb(parts: SnpTcbParts, product: SnpProduct): bigint {
  const layout = snpTcbLayout(product);
  const put = (v: number | undefined, i: number): bigint => {
    const n = v ?? 0;
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`TCB component ${n}`);
    return BigInt(n) << BigInt(8 * i);
  };
  if (layout === 'turin') {
    const l = SNP_TCB_LAYOUT.turin;
    return (
      put(parts.fmc, l.fmc) |
      put(parts.bootloader, l.bootloader) |
      put(parts.tee, l.tee) |
      put(parts.snp, l.snp) |
      put(parts.microcode, l.microcode)
    );
  }
  const l = SNP_TCB_LAYOUT['milan-genoa'];
  return (
    put(parts.bootloader, l.bootloader) |
    put(parts.tee, l.tee) |
    put(parts.snp, l.snp) |
    put(parts.microcode, l.microcode)
  );
}

/**
 * The product named by a VCEK productName1 value, with or without the stepping suffix
 * (spec note §7.1: `Milan-B0`, `Genoa`, `Turin`).
 *
 * @param name - the productName1 text.
 * @returns the product line, or undefined when the name is not one attestkit knows.
 * @example
 * ```ts
 * snpProductFromName('Milan-B0'); // 'Milan'
 * ```
 */
export function snpProductFromName(name: string): SnpProduct | undefined {
  const m = /^(Milan|Genoa|Turin)(-[A-Z][0-9])?$/.exec(name);
  return m !== null ? (m[1] as SnpProduct) : undefined;
}

function cnOf(cert: X509Certificate, which: 'subject' | 'issuer'): string | undefined {
  return cert[which].attributes.find((a) => a.type === 'CN')?.value;
}

/** What an AMD certificate is, by its names (spec note §7). */
export interface SnpCertificateRole {
  /**
   * `ark` (CN `ARK-<product>`), `ask` (`SEV-<product>`), `asvk` (`SEV-VLEK-<product>`), `vcek`
   * (`SEV-VCEK`), `vlek` (`SEV-VLEK`), or `unknown` when the subject CN is none of these.
   */
  readonly role: 'ark' | 'ask' | 'asvk' | 'vcek' | 'vlek' | 'unknown';
  /** The product line the names point to, when they do. */
  readonly product?: SnpProduct;
}

function productFromCn(cn: string | undefined, prefix: string): SnpProduct | undefined {
  if (cn === undefined || !cn.startsWith(prefix)) return undefined;
  const p = cn.slice(prefix.length);
  return (SNP_PRODUCTS as readonly string[]).includes(p) ? (p as SnpProduct) : undefined;
}

/**
 * Classifies an AMD certificate by its subject/issuer common names (`ARK-Milan`, `SEV-Milan`,
 * `SEV-VLEK-Milan`, `SEV-VCEK`, `SEV-VLEK`) and, for leaves, the productName1 extension. Names are
 * claims: the role is trusted only after the chain is verified against a pinned ARK.
 *
 * @param cert - a parsed certificate.
 * @returns the role and product line, `unknown` when the names are not AMD's.
 * @example
 * ```ts
 * snpCertificateRole(ask); // { role: 'ask', product: 'Milan' }
 * ```
 */
export function snpCertificateRole(cert: X509Certificate): SnpCertificateRole {
  const subject = cnOf(cert, 'subject');
  const withProduct = (
    role: SnpCertificateRole['role'],
    product: SnpProduct | undefined,
  ): SnpCertificateRole => (product !== undefined ? { role, product } : { role });
  const ark = productFromCn(subject, 'ARK-');
  if (ark !== undefined) return { role: 'ark', product: ark };
  const asvk = productFromCn(subject, 'SEV-VLEK-');
  if (asvk !== undefined) return { role: 'asvk', product: asvk };
  const ask = productFromCn(subject, 'SEV-');
  if (ask !== undefined) return { role: 'ask', product: ask };
  if (subject === 'SEV-VCEK' || subject === 'SEV-VLEK') {
    const issuer = cnOf(cert, 'issuer');
    let product =
      subject === 'SEV-VLEK' ? productFromCn(issuer, 'SEV-VLEK-') : productFromCn(issuer, 'SEV-');
    if (product === undefined) {
      const ext = cert.extensions.find((e) => e.oid === SNP_VCEK_OID.productName1);
      if (ext !== undefined) {
        try {
          product = snpProductFromName(stringValue(parseDer(ext.value)));
        } catch {
          product = undefined;
        }
      }
    }
    return withProduct(subject === 'SEV-VCEK' ? 'vcek' : 'vlek', product);
  }
  return { role: 'unknown' };
}

/**
 * Decodes the AMD extensions of a VCEK or VLEK certificate (spec note §7.1). hwID is accepted
 * both as raw bytes (what KDS emits) and as a nested DER OCTET STRING.
 *
 * @param cert - a parsed VCEK/VLEK.
 * @returns the extensions present (absent ones are omitted).
 * @throws {AttestError} `ERR_BAD_CERTIFICATE` when an AMD extension is malformed.
 * @example
 * ```ts
 * const ext = parseSnpVcekExtensions(parseCertificate(vcekDer));
 * ext.blSpl; ext.hwid;
 * ```
 */
export function parseSnpVcekExtensions(cert: X509Certificate): SnpVcekExtensions {
  const code = 'ERR_BAD_CERTIFICATE';
  const find = (oid: string): Uint8Array | undefined =>
    cert.extensions.find((e) => e.oid === oid)?.value;
  const int = (oid: string): number | undefined => {
    const v = find(oid);
    if (v === undefined) return undefined;
    const node = parseDer(v, code);
    if (node.tag !== DER_TAG.INTEGER || node.cls !== 0) {
      throw new AttestError(code, { message: `AMD extension ${oid} is not an INTEGER` });
    }
    return integerNumber(node, code);
  };
  const str = (oid: string): string | undefined => {
    const v = find(oid);
    return v === undefined ? undefined : stringValue(parseDer(v, code), code);
  };
  const out: { -readonly [K in keyof SnpVcekExtensions]: SnpVcekExtensions[K] } = {};
  const structVersion = int(SNP_VCEK_OID.structVersion);
  if (structVersion !== undefined) out.structVersion = structVersion;
  const productName = str(SNP_VCEK_OID.productName1);
  if (productName !== undefined) {
    out.productName = productName;
    const p = snpProductFromName(productName);
    if (p !== undefined) out.product = p;
  }
  const spl = (oid: string, key: 'blSpl' | 'teeSpl' | 'snpSpl' | 'ucodeSpl' | 'fmcSpl'): void => {
    const v = int(oid);
    if (v !== undefined) out[key] = v;
  };
  spl(SNP_VCEK_OID.blSpl, 'blSpl');
  spl(SNP_VCEK_OID.teeSpl, 'teeSpl');
  spl(SNP_VCEK_OID.snpSpl, 'snpSpl');
  spl(SNP_VCEK_OID.ucodeSpl, 'ucodeSpl');
  spl(SNP_VCEK_OID.fmcSpl, 'fmcSpl');
  const hwid = find(SNP_VCEK_OID.hwid);
  if (hwid !== undefined) {
    const nested =
      (hwid.length === SNP_SIZE.CHIP_ID + 2 || hwid.length === SNP_SIZE.CHIP_ID_TURIN + 2) &&
      hwid[0] === DER_TAG.OCTET_STRING &&
      hwid[1] === hwid.length - 2;
    if (nested) {
      out.hwid = hwid.slice(2);
      out.hwidEncoding = 'octet-string';
    } else if (hwid.length === SNP_SIZE.CHIP_ID || hwid.length === SNP_SIZE.CHIP_ID_TURIN) {
      out.hwid = hwid.slice();
      out.hwidEncoding = 'raw';
    } else {
      throw new AttestError(code, { message: `hwID extension has ${hwid.length} bytes` });
    }
  }
  const cspId = str(SNP_VCEK_OID.cspId);
  if (cspId !== undefined) out.cspId = cspId;
  return out;
}

/**
 * The KDS hwID of a report: CHIP_ID, or its first 8 bytes on Turin (spec note §8).
 *
 * @param chipId - the report's CHIP_ID (64 bytes).
 * @param product - the product line.
 * @returns a copy of the hwID bytes.
 * @example
 * ```ts
 * toHex(snpKdsHwid(report.chipId, 'Turin')); // 16 hex digits
 * ```
 */
export function snpKdsHwid(chipId: Uint8Array, product: SnpProduct): Uint8Array {
  return product === 'Turin' ? chipId.slice(0, SNP_SIZE.CHIP_ID_TURIN) : chipId.slice();
}

/** URLs of the AMD KDS for one product and signer (spec note §8). */
export interface SnpKdsUrls {
  /** The product line used as the `{product}` path segment of every URL. */
  readonly product: SnpProduct;
  /** The VCEK URL; absent for VLEK-signed reports and masked chip ids. */
  readonly vcek?: string;
  /** ASK + ARK bundle (PEM). */
  readonly vcekCertChain: string;
  /** ASVK + ARK bundle (PEM). */
  readonly vlekCertChain: string;
  /** ARK-signed CRL for ASKs (DER). */
  readonly vcekCrl: string;
  /** ARK-signed CRL for ASVKs (DER). */
  readonly vlekCrl: string;
}

/** Options of {@link snpKdsUrls}. */
export interface SnpKdsUrlOptions {
  /** KDS base URL. Default `https://kdsintf.amd.com`. */
  readonly baseUrl?: string;
  /** Product line for a report that does not name it (v2). */
  readonly product?: SnpProduct;
}

function isAllZeroBytes(b: Uint8Array): boolean {
  let acc = 0;
  for (const x of b) acc |= x;
  return acc === 0;
}

/**
 * The KDS query for a report's signer certificate: product, hwID and REPORTED_TCB.
 *
 * @param report - a parsed report.
 * @param product - the product line (default: the report's).
 * @returns the parameters a fetcher's `vcek`/`vlek` receives.
 * @throws {RangeError} when the product is unknown, or the report is unsigned (SIGNING_KEY 7).
 * @example
 * ```ts
 * const params = snpKdsParams(parseSnpReport(bytes));
 * ```
 */
export function snpKdsParams(report: SnpReport, product?: SnpProduct): SnpKdsParams {
  return kdsParams(report, product, true);
}

/** {@link snpKdsParams}; with `strict` false an unsigned report gets no hwID (no VCEK URL). */
function kdsParams(
  report: SnpReport,
  product: SnpProduct | undefined,
  strict: boolean,
): SnpKdsParams {
  const p = product ?? report.product;
  if (p === undefined) {
    throw new RangeError('the report does not name its product (v2): pass the product');
  }
  const unsigned = report.keyInfo.signer === 'none';
  if (unsigned && strict) {
    throw new RangeError('the report is not signed (SIGNING_KEY 7): no VCEK or VLEK to look up');
  }
  const signer: SnpSignerKind =
    report.keyInfo.signingKey === SNP_SIGNING_KEY.VLEK ? 'VLEK' : 'VCEK';
  const t = decodeSnpTcb(report.reportedTcb, p);
  const tcb: SnpTcbParts =
    t.fmc !== undefined
      ? { fmc: t.fmc, bootloader: t.bootloader, tee: t.tee, snp: t.snp, microcode: t.microcode }
      : { bootloader: t.bootloader, tee: t.tee, snp: t.snp, microcode: t.microcode };
  return {
    product: p,
    signer,
    hwid: signer === 'VLEK' || unsigned ? new Uint8Array(0) : snpKdsHwid(report.chipId, p),
    tcb,
  };
}

/**
 * The AMD KDS URL shapes for a report or KDS parameters (spec note §8): the VCEK (lower-case hex
 * hwID, 8 bytes on Turin; SPL query with `fmcSPL` first on Turin), the `cert_chain` bundles and
 * CRLs for VCEK and VLEK. VLEKs are not publicly fetchable, so there is no VLEK leaf URL.
 *
 * @param input - a parsed report or {@link SnpKdsParams}.
 * @param options - base URL and, for v2 reports, the product.
 * @returns the URLs.
 * @throws {RangeError} when the product is unknown, a TCB component is not an integer 0–255, or a
 *   hwID is neither empty nor the product's size (64 bytes; 8 on Turin).
 * @throws {TypeError} when `input` is not an object or `hwid` not a `Uint8Array`.
 * @example
 * ```ts
 * snpKdsUrls(report).vcek; // https://kdsintf.amd.com/vcek/v1/Milan/3ac3…?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68
 * ```
 */
export function snpKdsUrls(
  input: SnpReport | SnpKdsParams,
  options: SnpKdsUrlOptions = {},
): SnpKdsUrls {
  if (typeof input !== 'object' || input === null) throw new TypeError('expected a report');
  const params = 'raw' in input ? kdsParams(input, options.product, false) : input;
  const base = (options.baseUrl ?? SNP_KDS_BASE_URL).replace(/\/+$/, '');
  const p = params.product;
  if (!(SNP_PRODUCTS as readonly string[]).includes(p)) throw new RangeError(`product ${p}`);
  const t = params.tcb;
  // Parameters may come from a caller rather than a report: every value that reaches the URL is
  // checked (TCB components integers 0–255, a hwID of the product's size or empty).
  encodeSnpTcb(t, p);
  assertBytes(params.hwid, 'hwid');
  const n = params.hwid.length;
  if (n !== 0 && n !== (p === 'Turin' ? SNP_SIZE.CHIP_ID_TURIN : SNP_SIZE.CHIP_ID)) {
    throw new RangeError(`hwid of ${n} bytes for ${p}`);
  }
  const query =
    (p === 'Turin' ? `fmcSPL=${t.fmc ?? 0}&` : '') +
    `blSPL=${t.bootloader}&teeSPL=${t.tee}&snpSPL=${t.snp}&ucodeSPL=${t.microcode}`;
  const vcek =
    params.signer === 'VCEK' && params.hwid.length > 0 && !isAllZeroBytes(params.hwid)
      ? `${base}/vcek/v1/${p}/${toHex(params.hwid)}?${query}`
      : undefined;
  return {
    product: p,
    ...(vcek !== undefined ? { vcek } : {}),
    vcekCertChain: `${base}/vcek/v1/${p}/cert_chain`,
    vlekCertChain: `${base}/vlek/v1/${p}/cert_chain`,
    vcekCrl: `${base}/vcek/v1/${p}/crl`,
    vlekCrl: `${base}/vlek/v1/${p}/crl`,
  };
}
