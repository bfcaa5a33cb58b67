/**
 * @module
 * `parseSnpReport`: the SEV-SNP ATTESTATION_REPORT (AMD ABI 56860 rev 1.58; offsets confirmed in
 * `shared/spec-notes/snp.md` §1) read field by field in spec order, with every reserved range
 * checked by version, POLICY / PLATFORM_INFO / KEY_INFO decoded beside their raw values, and the
 * TCBs decoded in the product's layout when the product is known. Pure and synchronous.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, ByteReader, copyBytes, reversed } from '../core/bytes.js';
import {
  SNP_PRODUCTS,
  decodeSnpTcb,
  snpProductFromCpuid,
  snpTcbLayout,
  snpTcbReservedByte,
} from './kds.js';
import {
  SNP_AZURE_IGVM_HEADER_SIZE,
  SNP_AZURE_REPORT_TYPE_SNP,
  SNP_KEY_INFO,
  SNP_MAX_REPORT_VERSION,
  SNP_MIN_REPORT_VERSION,
  SNP_MSG_REPORT_RSP_HEADER_SIZE,
  SNP_CHIP_ID_OFFSET,
  SNP_COMMITTED_TCB_OFFSET,
  SNP_CURRENT_TCB_OFFSET,
  SNP_LAUNCH_TCB_OFFSET,
  SNP_POLICY_OFFSET,
  SNP_REPORTED_TCB_OFFSET,
  SNP_PLATFORM_INFO_BIT,
  SNP_PLATFORM_INFO_KNOWN_MASK,
  SNP_POLICY_BIT,
  SNP_POLICY_RESERVED_MASK,
  SNP_REPORT_SIZE,
  SNP_SIGNATURE_OFFSET,
  SNP_SIGNING_KEY,
  SNP_SIZE,
} from './layout.js';
import type {
  SnpGuestPolicy,
  SnpKeyInfo,
  SnpParseOptions,
  SnpPlatformInfo,
  SnpProduct,
  SnpProductSource,
  SnpReport,
  SnpReportFraming,
  SnpReportTcbs,
} from './types.js';

const STRUCT = 'ATTESTATION_REPORT';
const FRAMINGS: readonly SnpReportFraming[] = ['none', 'msg-report-rsp', 'azure-igvm-request'];

/** Bit `i` (< 32) of the low word: one conversion per value instead of bigint shifts per bit. */
function bit(low: number, i: number): boolean {
  return ((low >>> i) & 1) === 1;
}

function lowestSetBit(v: bigint): number {
  let i = 0;
  while (((v >> BigInt(i)) & 1n) === 0n) i++;
  return i;
}

/**
 * Decodes a guest POLICY value (spec note §3) and enforces its fixed bits: bit 17 must be one and
 * bits 63:26 zero.
 *
 * @param raw - the POLICY u64.
 * @param offset - absolute offset of POLICY, for errors.
 * @returns the decoded policy.
 * @throws {AttestError} `ERR_BAD_VALUE` (bit 17 clear), `ERR_RESERVED_NOT_ZERO` (bits 63:26).
 * @example
 * ```ts
 * decodeSnpGuestPolicy(0x30000n).smt; // true
 * ```
 */
export function decodeSnpGuestPolicy(
  raw: bigint,
  offset: number = SNP_POLICY_OFFSET,
): SnpGuestPolicy {
  const low = Number(BigInt.asUintN(32, raw));
  if (!bit(low, SNP_POLICY_BIT.RESERVED_MBO)) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: offset + 2,
      field: `${STRUCT}.POLICY`,
      message: 'POLICY bit 17 is reserved and must be one',
    });
  }
  const reserved = raw & SNP_POLICY_RESERVED_MASK;
  if (reserved !== 0n) {
    throw new AttestError('ERR_RESERVED_NOT_ZERO', {
      offset: offset + (lowestSetBit(reserved) >> 3),
      field: `${STRUCT}.POLICY`,
      message: `POLICY bits 63:26 are reserved, found 0x${raw.toString(16)}`,
    });
  }
  const B = SNP_POLICY_BIT;
  return {
    raw,
    abiMinor: low & 0xff,
    abiMajor: (low >>> 8) & 0xff,
    smt: bit(low, B.SMT),
    migrateMa: bit(low, B.MIGRATE_MA),
    debug: bit(low, B.DEBUG),
    singleSocket: bit(low, B.SINGLE_SOCKET),
    cxlAllow: bit(low, B.CXL_ALLOW),
    memAes256Xts: bit(low, B.MEM_AES_256_XTS),
    raplDis: bit(low, B.RAPL_DIS),
    ciphertextHiding: bit(low, B.CIPHERTEXT_HIDING),
    pageSwapDisable: bit(low, B.PAGE_SWAP_DISABLE),
  };
}

/**
 * Decodes PLATFORM_INFO (spec note §4). Unknown bits are reported in `undocumentedBits`, never
 * rejected: real Turin parts set bit 6.
 *
 * @param raw - the PLATFORM_INFO u64.
 * @returns the decoded flags.
 * @example
 * ```ts
 * decodeSnpPlatformInfo(0x67n).undocumentedBits; // 0x40n
 * ```
 */
export function decodeSnpPlatformInfo(raw: bigint): SnpPlatformInfo {
  const B = SNP_PLATFORM_INFO_BIT;
  const low = Number(BigInt.asUintN(32, raw));
  return {
    raw,
    smtEn: bit(low, B.SMT_EN),
    tsmeEn: bit(low, B.TSME_EN),
    eccEn: bit(low, B.ECC_EN),
    raplDis: bit(low, B.RAPL_DIS),
    ciphertextHidingEn: bit(low, B.CIPHERTEXT_HIDING_EN),
    aliasCheckComplete: bit(low, B.ALIAS_CHECK_COMPLETE),
    tioEn: bit(low, B.TIO_EN),
    undocumentedBits: raw & ~SNP_PLATFORM_INFO_KNOWN_MASK,
  };
}

function decodeKeyInfo(raw: number, offset: number): SnpKeyInfo {
  const reserved = (raw & SNP_KEY_INFO.RESERVED_MASK) >>> 0;
  if (reserved !== 0) {
    throw new AttestError('ERR_RESERVED_NOT_ZERO', {
      offset: offset + (lowestSetBit(BigInt(reserved)) >> 3),
      field: `${STRUCT}.KEY_INFO`,
      message: `KEY_INFO bits 31:5 are reserved, found 0x${raw.toString(16)}`,
    });
  }
  const signingKey = (raw >>> SNP_KEY_INFO.SIGNING_KEY_SHIFT) & SNP_KEY_INFO.SIGNING_KEY_MASK;
  const signer =
    signingKey === SNP_SIGNING_KEY.VCEK
      ? 'VCEK'
      : signingKey === SNP_SIGNING_KEY.VLEK
        ? 'VLEK'
        : signingKey === SNP_SIGNING_KEY.NONE
          ? 'none'
          : undefined;
  if (signer === undefined) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset,
      field: `${STRUCT}.KEY_INFO.SIGNING_KEY`,
      message: `SIGNING_KEY ${signingKey} is reserved (0 VCEK, 1 VLEK, 7 none)`,
    });
  }
  return {
    raw,
    authorKeyEn: (raw & (1 << SNP_KEY_INFO.AUTHOR_KEY_EN_BIT)) !== 0,
    maskChipKey: (raw & (1 << SNP_KEY_INFO.MASK_CHIP_KEY_BIT)) !== 0,
    signingKey,
    signer,
  };
}

/**
 * Decodes the four TCBs of a report in a product's layout, checking each one's reserved bytes.
 *
 * @param report - the raw TCB values (a parsed report works).
 * @param product - the product line that fixes the layout.
 * @param base - absolute offset of the report in the caller's input (for errors).
 * @returns the decoded TCBs.
 * @throws {AttestError} `ERR_RESERVED_NOT_ZERO` at the offending byte.
 * @example
 * ```ts
 * const tcbs = decodeSnpReportTcbs(report, 'Genoa');
 * ```
 */
export function decodeSnpReportTcbs(
  report: Pick<SnpReport, 'currentTcb' | 'reportedTcb' | 'committedTcb' | 'launchTcb'>,
  product: SnpProduct,
  base = 0,
): SnpReportTcbs {
  const layout = snpTcbLayout(product);
  const one = (raw: bigint, field: string, offset: number): ReturnType<typeof decodeSnpTcb> => {
    const i = snpTcbReservedByte(raw, layout);
    if (i >= 0) {
      throw new AttestError('ERR_RESERVED_NOT_ZERO', {
        offset: base + offset + i,
        field: `${STRUCT}.${field}`,
        message: `byte ${i} of ${field} is reserved in the ${product} TCB layout`,
      });
    }
    return decodeSnpTcb(raw, layout);
  };
  return {
    current: one(report.currentTcb, 'CURRENT_TCB', SNP_CURRENT_TCB_OFFSET),
    reported: one(report.reportedTcb, 'REPORTED_TCB', SNP_REPORTED_TCB_OFFSET),
    committed: one(report.committedTcb, 'COMMITTED_TCB', SNP_COMMITTED_TCB_OFFSET),
    launch: one(report.launchTcb, 'LAUNCH_TCB', SNP_LAUNCH_TCB_OFFSET),
  };
}

function checkOptions(options: SnpParseOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  if (options.framing !== undefined && !FRAMINGS.includes(options.framing)) {
    throw new TypeError(`unknown framing ${String(options.framing)}`);
  }
  if (options.product !== undefined && !SNP_PRODUCTS.includes(options.product)) {
    throw new TypeError(`unknown product ${String(options.product)}`);
  }
}

function readMsgReportRspHeader(bytes: Uint8Array): void {
  const h = new ByteReader(
    bytes.subarray(0, Math.min(bytes.length, SNP_MSG_REPORT_RSP_HEADER_SIZE)),
    'MSG_REPORT_RSP',
  );
  const status = h.u32le('STATUS');
  if (status !== 0) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: 0,
      field: 'MSG_REPORT_RSP.STATUS',
      message: `firmware status 0x${status.toString(16)} (the response holds no report)`,
    });
  }
  const size = h.u32le('REPORT_SIZE');
  if (size !== SNP_REPORT_SIZE) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: 4,
      field: 'MSG_REPORT_RSP.REPORT_SIZE',
      message: `REPORT_SIZE is ${size}, expected ${SNP_REPORT_SIZE}`,
    });
  }
  h.reserved(SNP_MSG_REPORT_RSP_HEADER_SIZE - 8, 'RESERVED');
}

function readAzureIgvmHeader(r: ByteReader): void {
  const h = r.sub(Math.min(r.remaining, SNP_AZURE_IGVM_HEADER_SIZE), 'IGVM_REQUEST_DATA');
  const at = h.absoluteOffset;
  const dataSize = h.u32le('DATA_SIZE');
  const version = h.u32le('VERSION');
  if (version !== 1) {
    throw new AttestError('ERR_BAD_VERSION', {
      offset: at + 4,
      field: 'IGVM_REQUEST_DATA.VERSION',
      message: `IGVM request data version ${version}, expected 1`,
    });
  }
  const reportType = h.u32le('REPORT_TYPE');
  if (reportType !== SNP_AZURE_REPORT_TYPE_SNP) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: at + 8,
      field: 'IGVM_REQUEST_DATA.REPORT_TYPE',
      message: `report type ${reportType} is not SEV-SNP (2)`,
    });
  }
  h.u32le('REPORT_DATA_HASH_TYPE');
  const variableSize = h.u32le('VARIABLE_DATA_SIZE');
  if (dataSize !== SNP_AZURE_IGVM_HEADER_SIZE + variableSize) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: at,
      field: 'IGVM_REQUEST_DATA.DATA_SIZE',
      message: `DATA_SIZE ${dataSize} ≠ 20 + VARIABLE_DATA_SIZE ${variableSize}`,
    });
  }
}

/**
 * Parses an SEV-SNP attestation report, versions 2–5 (ABI 56860; spec note §1). Every field is
 * read in spec order; reserved ranges are checked by version (including the unsigned tail
 * 0x330–0x49F and the zero padding of r and s); POLICY bit 17 must be one; PLATFORM_INFO bits
 * without a name are reported, not rejected. The product line comes from CPUID (v3+) or
 * `options.product`; only then are the TCBs decoded (Turin has its own layout).
 *
 * The result is the platform's claim: verify it with `verifySnpReport` before trusting it.
 * Exported from `attestkit/snp`.
 *
 * @param bytes - exactly 1184 bytes, or a known framing (`options.framing`).
 * @param options - framing, product for v2 reports, newer-version handling.
 * @returns the parsed report (byte fields are copies).
 * @throws {AttestError} `ERR_TRUNCATED` (offset of the first missing field), `ERR_TRAILING_DATA`
 *   (bytes after the report), `ERR_BAD_VERSION`, `ERR_RESERVED_NOT_ZERO` (offset of the byte),
 *   `ERR_BAD_VALUE` (POLICY bit 17, reserved SIGNING_KEY, CPUID vs `options.product`, framing
 *   header), `ERR_BAD_LENGTH` (framing header).
 * @throws {TypeError} when `bytes` is not a Uint8Array or an option is malformed.
 * @example
 * ```ts
 * import { parseSnpReport } from 'attestkit/snp';
 * const report = parseSnpReport(bytes);
 * console.log(report.version, report.policy.debug, report.tcb?.reported.microcode);
 * ```
 */
export function parseSnpReport(bytes: Uint8Array, options: SnpParseOptions = {}): SnpReport {
  assertBytes(bytes, 'bytes');
  checkOptions(options);
  const framing = options.framing ?? 'none';
  let start = 0;
  if (framing === 'msg-report-rsp') {
    readMsgReportRspHeader(bytes);
    start = SNP_MSG_REPORT_RSP_HEADER_SIZE;
  }
  const r = new ByteReader(bytes.subarray(start), STRUCT, start);

  const version = r.u32le('VERSION');
  if (
    version < SNP_MIN_REPORT_VERSION ||
    (version > SNP_MAX_REPORT_VERSION && options.allowNewerVersion !== true)
  ) {
    throw new AttestError('ERR_BAD_VERSION', {
      offset: start,
      field: `${STRUCT}.VERSION`,
      message: `report version ${version} (known: ${SNP_MIN_REPORT_VERSION}–${SNP_MAX_REPORT_VERSION})`,
    });
  }
  const guestSvn = r.u32le('GUEST_SVN');
  const policy = decodeSnpGuestPolicy(r.u64le('POLICY'), start + SNP_POLICY_OFFSET);
  const familyId = r.bytesCopy(SNP_SIZE.FAMILY_ID, 'FAMILY_ID');
  const imageId = r.bytesCopy(SNP_SIZE.IMAGE_ID, 'IMAGE_ID');
  const vmpl = r.u32le('VMPL');
  const signatureAlgo = r.u32le('SIGNATURE_ALGO');
  const currentTcb = r.u64le('CURRENT_TCB');
  const platformInfo = decodeSnpPlatformInfo(r.u64le('PLATFORM_INFO'));
  const keyInfoAt = r.absoluteOffset;
  const keyInfo = decodeKeyInfo(r.u32le('KEY_INFO'), keyInfoAt);
  r.reserved(4, 'RESERVED_1');
  const reportData = r.bytesCopy(SNP_SIZE.REPORT_DATA, 'REPORT_DATA');
  const measurement = r.bytesCopy(SNP_SIZE.MEASUREMENT, 'MEASUREMENT');
  const hostData = r.bytesCopy(SNP_SIZE.HOST_DATA, 'HOST_DATA');
  const idKeyDigest = r.bytesCopy(SNP_SIZE.ID_KEY_DIGEST, 'ID_KEY_DIGEST');
  const authorKeyDigest = r.bytesCopy(SNP_SIZE.AUTHOR_KEY_DIGEST, 'AUTHOR_KEY_DIGEST');
  const reportId = r.bytesCopy(SNP_SIZE.REPORT_ID, 'REPORT_ID');
  const reportIdMa = r.bytesCopy(SNP_SIZE.REPORT_ID_MA, 'REPORT_ID_MA');
  r.expectOffset(SNP_REPORTED_TCB_OFFSET);
  const reportedTcb = r.u64le('REPORTED_TCB');
  const cpuidAt = r.absoluteOffset;
  let cpuid: { cpuidFamId: number; cpuidModId: number; cpuidStep: number } | undefined;
  if (version >= 3) {
    cpuid = {
      cpuidFamId: r.u8('CPUID_FAM_ID'),
      cpuidModId: r.u8('CPUID_MOD_ID'),
      cpuidStep: r.u8('CPUID_STEP'),
    };
    r.reserved(SNP_CHIP_ID_OFFSET - r.offset, 'RESERVED_2');
  } else {
    r.reserved(SNP_CHIP_ID_OFFSET - r.offset, 'RESERVED_2');
  }
  const chipId = r.bytesCopy(SNP_SIZE.CHIP_ID, 'CHIP_ID');
  const committedTcb = r.u64le('COMMITTED_TCB');
  const currentBuild = r.u8('CURRENT_BUILD');
  const currentMinor = r.u8('CURRENT_MINOR');
  const currentMajor = r.u8('CURRENT_MAJOR');
  r.reserved(1, 'RESERVED_3');
  const committedBuild = r.u8('COMMITTED_BUILD');
  const committedMinor = r.u8('COMMITTED_MINOR');
  const committedMajor = r.u8('COMMITTED_MAJOR');
  r.reserved(1, 'RESERVED_4');
  const launchTcb = r.u64le('LAUNCH_TCB');
  let mit: { launchMitVector: bigint; currentMitVector: bigint } | undefined;
  if (version >= 5) {
    mit = {
      launchMitVector: r.u64le('LAUNCH_MIT_VECTOR'),
      currentMitVector: r.u64le('CURRENT_MIT_VECTOR'),
    };
    // Newer versions may define fields here; only v5's reserved range is known to be zero.
    if (version === 5) r.reserved(SNP_SIGNATURE_OFFSET - r.offset, 'RESERVED_5');
    else r.skip(SNP_SIGNATURE_OFFSET - r.offset, 'RESERVED_5');
  } else {
    r.reserved(SNP_SIGNATURE_OFFSET - r.offset, 'RESERVED_5');
  }
  r.expectOffset(SNP_SIGNATURE_OFFSET);
  const rLe = r.borrow(SNP_SIZE.SIGNATURE_COMPONENT_USED, 'SIGNATURE.R');
  r.reserved(
    SNP_SIZE.SIGNATURE_COMPONENT - SNP_SIZE.SIGNATURE_COMPONENT_USED,
    'SIGNATURE.R_PADDING',
  );
  const sLe = r.borrow(SNP_SIZE.SIGNATURE_COMPONENT_USED, 'SIGNATURE.S');
  r.reserved(
    SNP_SIZE.SIGNATURE_COMPONENT - SNP_SIZE.SIGNATURE_COMPONENT_USED,
    'SIGNATURE.S_PADDING',
  );
  r.reserved(SNP_SIZE.SIGNATURE_RESERVED, 'SIGNATURE.RESERVED');
  r.expectOffset(SNP_REPORT_SIZE);
  if (framing === 'azure-igvm-request') readAzureIgvmHeader(r);
  r.expectEnd();

  const raw = copyBytes(bytes, start, start + SNP_REPORT_SIZE);
  let product: SnpProduct | undefined;
  let productSource: SnpProductSource = 'none';
  if (cpuid !== undefined) {
    product = snpProductFromCpuid(cpuid.cpuidFamId, cpuid.cpuidModId);
    if (product !== undefined) productSource = 'cpuid';
  }
  if (options.product !== undefined) {
    if (product !== undefined && product !== options.product) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: cpuidAt,
        field: `${STRUCT}.CPUID_FAM_ID`,
        message: `CPUID names ${product}, options.product is ${options.product}`,
      });
    }
    if (product === undefined) {
      product = options.product;
      productSource = 'option';
    }
  }
  const rawTcbs = { currentTcb, reportedTcb, committedTcb, launchTcb };
  const tcb = product !== undefined ? decodeSnpReportTcbs(rawTcbs, product, start) : undefined;
  return {
    raw,
    signedBytes: raw.subarray(0, SNP_SIGNATURE_OFFSET),
    version,
    guestSvn,
    policy,
    familyId,
    imageId,
    vmpl,
    signatureAlgo,
    currentTcb,
    platformInfo,
    keyInfo,
    reportData,
    measurement,
    hostData,
    idKeyDigest,
    authorKeyDigest,
    reportId,
    reportIdMa,
    reportedTcb,
    ...cpuid,
    chipId,
    committedTcb,
    currentBuild,
    currentMinor,
    currentMajor,
    committedBuild,
    committedMinor,
    committedMajor,
    launchTcb,
    ...mit,
    signature: { r: reversed(rLe), s: reversed(sLe) },
    ...(product !== undefined ? { product } : {}),
    productSource,
    ...(tcb !== undefined ? { tcb } : {}),
  };
}
