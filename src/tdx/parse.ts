/**
 * @module
 * `parseTdxQuote`: DCAP quotes — SGX v3, TDX v4, and v5 with its body descriptor (TD report
 * bodies for TDX 1.0 and 1.5, SGX enclave bodies) — parsed by their declared lengths. Follows the
 * Intel TDX DCAP Quoting Library API (rev. 1.0) Appendix A "Quote Format" and the Intel SGX ECDSA
 * Quote Library API "Quote Format" (v3).
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, ByteReader, copyBytes, leBytesToBigInt } from '../core/bytes.js';
import {
  ATTESTATION_KEY_TYPE_ECDSA_P256,
  ATTESTATION_KEY_TYPE_ECDSA_P384,
  CERT_DATA_TYPE,
  ECDSA256_PUBLIC_KEY_SIZE,
  ECDSA256_SIGNATURE_SIZE,
  MAX_PCK_CERT_CHAIN_SIZE,
  MAX_SIGNATURE_DATA_SIZE,
  QE_REPORT_SIGNATURE_SIZE,
  QUOTE_HEADER_SIZE,
  SGX_ATTRIBUTES_BIT,
  SGX_REPORT_BODY_SIZE,
  TD10_REPORT_BODY_SIZE,
  TD15_REPORT_BODY_SIZE,
  TD_ATTRIBUTES_BIT,
  TEE_TYPE_SGX,
  TEE_TYPE_TDX,
  V5_BODY_TYPE_SGX,
  V5_BODY_TYPE_TD10,
  V5_BODY_TYPE_TD15,
} from './layout.js';
import type {
  ParseTdxQuoteOptions,
  PckCertChainData,
  QeReportCertificationData,
  SgxReportBody,
  TdAttributesView,
  TdReportBody,
  TdxQuote,
  TdxQuoteHeader,
} from './types.js';

const bit = (v: bigint, n: number): boolean => ((v >> BigInt(n)) & 1n) === 1n;

/**
 * Decodes the TDATTRIBUTES bits of a TD report (TDX Module ABI spec, "ATTRIBUTES"). Exported from
 * `attestkit/tdx`.
 *
 * @param v - TDATTRIBUTES as a u64.
 * @returns DEBUG, SEPT_VE_DISABLE, MIGRATABLE, PKS, KL and PERFMON as booleans.
 * @example
 * ```ts
 * decodeTdAttributes(0x10000000n).septVeDisable // true
 * ```
 */
export function decodeTdAttributes(v: bigint): TdAttributesView {
  return {
    debug: bit(v, TD_ATTRIBUTES_BIT.DEBUG),
    septVeDisable: bit(v, TD_ATTRIBUTES_BIT.SEPT_VE_DISABLE),
    migratable: bit(v, TD_ATTRIBUTES_BIT.MIGRATABLE),
    pks: bit(v, TD_ATTRIBUTES_BIT.PKS),
    kl: bit(v, TD_ATTRIBUTES_BIT.KL),
    perfmon: bit(v, TD_ATTRIBUTES_BIT.PERFMON),
  };
}

/** Reads a 384-byte SGX report body (`sgx_report_body_t`); reserved ranges must be zero. */
export function readSgxReportBody(r: ByteReader): SgxReportBody {
  const cpuSvn = r.borrow(16, 'CPUSVN');
  const miscSelect = r.u32le('MISCSELECT');
  r.reserved(12, 'RESERVED1');
  const isvExtProdId = r.borrow(16, 'ISVEXTPRODID');
  const attributes = r.borrow(16, 'ATTRIBUTES');
  const mrEnclave = r.borrow(32, 'MRENCLAVE');
  r.reserved(32, 'RESERVED2');
  const mrSigner = r.borrow(32, 'MRSIGNER');
  r.reserved(32, 'RESERVED3');
  const configId = r.borrow(64, 'CONFIGID');
  const isvProdId = r.u16le('ISVPRODID');
  const isvSvn = r.u16le('ISVSVN');
  const configSvn = r.u16le('CONFIGSVN');
  r.reserved(42, 'RESERVED4');
  const isvFamilyId = r.borrow(16, 'ISVFAMILYID');
  const reportData = r.borrow(64, 'REPORTDATA');
  const flags = leBytesToBigInt(attributes.subarray(0, 8));
  return {
    kind: 'sgx',
    cpuSvn,
    miscSelect,
    isvExtProdId,
    attributes,
    attributesView: {
      flags,
      xfrm: leBytesToBigInt(attributes.subarray(8, 16)),
      debug: bit(flags, SGX_ATTRIBUTES_BIT.DEBUG),
      mode64bit: bit(flags, SGX_ATTRIBUTES_BIT.MODE64BIT),
    },
    mrEnclave,
    mrSigner,
    configId,
    isvProdId,
    isvSvn,
    configSvn,
    isvFamilyId,
    reportData,
  };
}

function readTdReportBody(r: ByteReader, kind: 'td10' | 'td15'): TdReportBody {
  const teeTcbSvn = r.borrow(16, 'TEE_TCB_SVN');
  const mrSeam = r.borrow(48, 'MRSEAM');
  const mrSignerSeam = r.borrow(48, 'MRSIGNERSEAM');
  const seamAttributes = r.u64le('SEAMATTRIBUTES');
  const tdAttributes = r.u64le('TDATTRIBUTES');
  const xfam = r.u64le('XFAM');
  const mrTd = r.borrow(48, 'MRTD');
  const mrConfigId = r.borrow(48, 'MRCONFIGID');
  const mrOwner = r.borrow(48, 'MROWNER');
  const mrOwnerConfig = r.borrow(48, 'MROWNERCONFIG');
  const rtmrs = [
    r.borrow(48, 'RTMR0'),
    r.borrow(48, 'RTMR1'),
    r.borrow(48, 'RTMR2'),
    r.borrow(48, 'RTMR3'),
  ] as const;
  const reportData = r.borrow(64, 'REPORTDATA');
  const body: TdReportBody = {
    kind,
    teeTcbSvn,
    mrSeam,
    mrSignerSeam,
    seamAttributes,
    tdAttributes,
    tdAttributesView: decodeTdAttributes(tdAttributes),
    xfam,
    mrTd,
    mrConfigId,
    mrOwner,
    mrOwnerConfig,
    rtmrs,
    reportData,
  };
  if (kind === 'td10') return body;
  // Object literals that open with a spread are slow in V8; the TDX 1.5 fields are assigned.
  const td15: { -readonly [K in keyof TdReportBody]: TdReportBody[K] } = body;
  td15.teeTcbSvn2 = r.borrow(16, 'TEE_TCB_SVN2');
  td15.mrServiceTd = r.borrow(48, 'MRSERVICETD');
  return td15;
}

function readHeader(r: ByteReader): TdxQuoteHeader {
  const version = r.u16le('VERSION');
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new AttestError('ERR_BAD_VERSION', {
      offset: 0,
      field: 'QUOTE_HEADER.VERSION',
      message: `quote version ${version} is not 3, 4 or 5`,
    });
  }
  const attestationKeyType = r.u16le('ATTESTATION_KEY_TYPE');
  if (attestationKeyType === ATTESTATION_KEY_TYPE_ECDSA_P384) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: 2,
      field: 'QUOTE_HEADER.ATTESTATION_KEY_TYPE',
      message: 'ECDSA-384 attestation keys (type 3) are defined but not produced by any QE',
    });
  }
  if (attestationKeyType !== ATTESTATION_KEY_TYPE_ECDSA_P256) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: 2,
      field: 'QUOTE_HEADER.ATTESTATION_KEY_TYPE',
      message: `attestation key type ${attestationKeyType}, expected 2 (ECDSA P-256)`,
    });
  }
  let teeType: number;
  if (version === 3) {
    r.reserved(4, 'RESERVED');
    teeType = TEE_TYPE_SGX;
    const qeSvn = r.u16le('QE_SVN');
    const pceSvn = r.u16le('PCE_SVN');
    return {
      version,
      attestationKeyType,
      teeType,
      qeSvn,
      pceSvn,
      qeVendorId: r.borrow(16, 'QE_VENDOR_ID'),
      userData: r.borrow(20, 'USER_DATA'),
    };
  }
  teeType = r.u32le('TEE_TYPE');
  if (teeType !== TEE_TYPE_SGX && teeType !== TEE_TYPE_TDX) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: 4,
      field: 'QUOTE_HEADER.TEE_TYPE',
      message: `TEE type 0x${teeType.toString(16)}, expected 0x0 (SGX) or 0x81 (TDX)`,
    });
  }
  // Bytes 8..11 are one reserved u32 in Intel's v4/v5 header; some generators fill them, so they
  // are kept but neither checked nor interpreted.
  const reserved = r.borrow(4, 'RESERVED');
  return {
    version,
    attestationKeyType,
    teeType,
    reserved,
    qeVendorId: r.borrow(16, 'QE_VENDOR_ID'),
    userData: r.borrow(20, 'USER_DATA'),
  };
}

/**
 * Where the quote ends by its declared lengths (header version and TEE type, the v5 body size,
 * SIGNATURE_DATA_LENGTH), or undefined when the bytes are too short to say. Reads only; the parse
 * validates every one of these fields.
 */
function declaredEnd(bytes: Uint8Array): number | undefined {
  if (bytes.length < QUOTE_HEADER_SIZE) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint16(0, true);
  let signedEnd: number;
  if (version === 5) {
    if (bytes.length < QUOTE_HEADER_SIZE + 6) return undefined;
    signedEnd = QUOTE_HEADER_SIZE + 6 + dv.getUint32(QUOTE_HEADER_SIZE + 2, true);
  } else if (version === 4 && dv.getUint32(4, true) === TEE_TYPE_TDX) {
    signedEnd = QUOTE_HEADER_SIZE + TD10_REPORT_BODY_SIZE;
  } else {
    signedEnd = QUOTE_HEADER_SIZE + SGX_REPORT_BODY_SIZE;
  }
  if (bytes.length < signedEnd + 4) return undefined;
  return signedEnd + 4 + dv.getUint32(signedEnd, true);
}

function readPckChain(r: ByteReader, structure: string): PckCertChainData {
  const at = r.absoluteOffset;
  const type = r.u16le('CERTIFICATION_DATA_TYPE');
  const size = r.u32le('CERTIFICATION_DATA_SIZE');
  if (type !== CERT_DATA_TYPE.PCK_CERT_CHAIN) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: at,
      field: `${structure}.CERTIFICATION_DATA_TYPE`,
      message: `certification data type ${type}; only 5 (PCK certificate chain) is supported`,
    });
  }
  if (size > MAX_PCK_CERT_CHAIN_SIZE) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: at + 2,
      field: `${structure}.CERTIFICATION_DATA_SIZE`,
      message: `PCK chain of ${size} bytes exceeds the ${MAX_PCK_CERT_CHAIN_SIZE}-byte limit (Intel's is under 5 KB)`,
    });
  }
  if (size !== r.remaining) {
    throw new AttestError(size > r.remaining ? 'ERR_TRUNCATED' : 'ERR_BAD_LENGTH', {
      offset: at + 2,
      field: `${structure}.CERTIFICATION_DATA_SIZE`,
      message: `declared ${size} bytes of PCK chain, ${r.remaining} remain in the enclosing structure`,
    });
  }
  return { type: 5, data: r.borrow(size, 'CERTIFICATION_DATA') };
}

function readQeSection(r: ByteReader, type: 5 | 6): QeReportCertificationData {
  const qeReportRaw = r.borrow(SGX_REPORT_BODY_SIZE, 'QE_REPORT');
  const qeReport = readSgxReportBody(
    new ByteReader(qeReportRaw, 'QE_REPORT', r.absoluteOffset - SGX_REPORT_BODY_SIZE),
  );
  const qeReportSignature = r.borrow(QE_REPORT_SIGNATURE_SIZE, 'QE_REPORT_SIGNATURE');
  const qeAuthData = r.sizedView(2, 'le', 'QE_AUTH_DATA');
  const pckCertChain = readPckChain(r, r.structure);
  return { type, qeReport, qeReportRaw, qeReportSignature, qeAuthData, pckCertChain };
}

/**
 * Parses an Intel DCAP quote: TDX v4 and v5 (TD report bodies for TDX 1.0 and 1.5, v5 body
 * descriptor), and SGX v3 (and SGX bodies in v4/v5). Lengths come from the quote itself
 * (`signature_data_length`, certification data sizes); bytes after the quote are tolerated and
 * counted in `trailingBytes` (real files are often fixed-size buffers). The PCK chain is kept as
 * the exact certification-data bytes (PEM, possibly NUL-terminated). The input is copied once into
 * `raw`; every byte field is a view into that copy, so the result is independent of the input
 * buffer (and the fields share `raw`'s bytes).
 *
 * The result is the platform's claim, not a fact: pass it to {@link verifyTdxQuote}.
 * Exported from `attestkit/tdx`. Spec: Intel TDX DCAP Quoting Library API, Appendix A.
 *
 * @param bytes - the quote.
 * @param options - `allowTrailingData` (default true).
 * @returns the parsed quote, with `raw` and `signedRegion`.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_VERSION` (version not 3/4/5), `ERR_BAD_VALUE`
 *   (key type, TEE type, body type inconsistent), `ERR_BAD_LENGTH` (declared sizes),
 *   `ERR_UNSUPPORTED` (P-384 keys, certification data other than 6 wrapping 5),
 *   `ERR_LIMIT_EXCEEDED` (a PCK chain over `MAX_PCK_CERT_CHAIN_SIZE`, 64 KiB),
 *   `ERR_RESERVED_NOT_ZERO`, `ERR_TRAILING_DATA` (only with `allowTrailingData: false`).
 * @example
 * ```ts
 * import { parseTdxQuote } from 'attestkit/tdx';
 * const quote = parseTdxQuote(bytes);
 * if (quote.body.kind !== 'sgx') console.log(quote.body.mrTd, quote.body.rtmrs[0]);
 * ```
 */
export function parseTdxQuote(bytes: Uint8Array, options: ParseTdxQuoteOptions = {}): TdxQuote {
  assertBytes(bytes, 'quote');
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  // One copy of the quote (without trailing bytes); every byte field is a view into it.
  const end = declaredEnd(bytes);
  const raw =
    end !== undefined && end <= bytes.length ? copyBytes(bytes, 0, end) : copyBytes(bytes);
  const r = new ByteReader(raw, 'QUOTE');
  const header = readHeader(new ByteReader(raw.subarray(0, QUOTE_HEADER_SIZE), 'QUOTE_HEADER'));
  r.skip(QUOTE_HEADER_SIZE, 'HEADER');

  let bodyType: number | undefined;
  let kind: 'sgx' | 'td10' | 'td15';
  let bodySize: number;
  if (header.version === 5) {
    const at = r.offset;
    bodyType = r.u16le('BODY_TYPE');
    bodySize = r.u32le('BODY_SIZE');
    const expected: Record<number, [typeof kind, number, number]> = {
      [V5_BODY_TYPE_SGX]: ['sgx', SGX_REPORT_BODY_SIZE, TEE_TYPE_SGX],
      [V5_BODY_TYPE_TD10]: ['td10', TD10_REPORT_BODY_SIZE, TEE_TYPE_TDX],
      [V5_BODY_TYPE_TD15]: ['td15', TD15_REPORT_BODY_SIZE, TEE_TYPE_TDX],
    };
    const e = expected[bodyType];
    if (e === undefined) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: at,
        field: 'QUOTE.BODY_TYPE',
        message: `v5 body type ${bodyType}, expected 1, 2 or 3`,
      });
    }
    if (bodySize !== e[1]) {
      throw new AttestError('ERR_BAD_LENGTH', {
        offset: at + 2,
        field: 'QUOTE.BODY_SIZE',
        message: `body type ${bodyType} has ${e[1]} bytes, declared ${bodySize}`,
      });
    }
    if (header.teeType !== e[2]) {
      throw new AttestError('ERR_BAD_VALUE', {
        offset: 4,
        field: 'QUOTE_HEADER.TEE_TYPE',
        message: `TEE type 0x${header.teeType.toString(16)} does not fit body type ${bodyType}`,
      });
    }
    kind = e[0];
  } else if (header.teeType === TEE_TYPE_TDX) {
    kind = 'td10';
    bodySize = TD10_REPORT_BODY_SIZE;
  } else {
    kind = 'sgx';
    bodySize = SGX_REPORT_BODY_SIZE;
  }

  const bodyReader = r.sub(bodySize, kind === 'sgx' ? 'SGX_REPORT_BODY' : 'TD_REPORT_BODY');
  const body = kind === 'sgx' ? readSgxReportBody(bodyReader) : readTdReportBody(bodyReader, kind);
  bodyReader.expectEnd();
  const signedEnd = r.offset;

  const sigLenAt = r.offset;
  const sigLen = r.u32le('SIGNATURE_DATA_LENGTH');
  if (sigLen > MAX_SIGNATURE_DATA_SIZE) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: sigLenAt,
      field: 'QUOTE.SIGNATURE_DATA_LENGTH',
      message: `signature data length ${sigLen} exceeds ${MAX_SIGNATURE_DATA_SIZE}`,
    });
  }
  const sig = r.sub(sigLen, 'SIGNATURE_DATA');
  const signature = sig.borrow(ECDSA256_SIGNATURE_SIZE, 'QUOTE_SIGNATURE');
  const attestationKey = sig.borrow(ECDSA256_PUBLIC_KEY_SIZE, 'ATTESTATION_KEY');
  let certificationData: QeReportCertificationData;
  if (header.version === 3) {
    certificationData = readQeSection(sig, 5);
  } else {
    const at = sig.absoluteOffset;
    const type = sig.u16le('CERTIFICATION_DATA_TYPE');
    const size = sig.u32le('CERTIFICATION_DATA_SIZE');
    if (type !== CERT_DATA_TYPE.QE_REPORT_CERTIFICATION_DATA) {
      throw new AttestError('ERR_UNSUPPORTED', {
        offset: at,
        field: 'SIGNATURE_DATA.CERTIFICATION_DATA_TYPE',
        message: `certification data type ${type}; v4/v5 quotes carry type 6 (QE report certification data)`,
      });
    }
    if (size !== sig.remaining) {
      throw new AttestError(size > sig.remaining ? 'ERR_TRUNCATED' : 'ERR_BAD_LENGTH', {
        offset: at + 2,
        field: 'SIGNATURE_DATA.CERTIFICATION_DATA_SIZE',
        message: `declared ${size} bytes, ${sig.remaining} remain in the signature data`,
      });
    }
    certificationData = readQeSection(sig.sub(size, 'QE_REPORT_CERTIFICATION_DATA'), 6);
  }
  sig.expectEnd();

  if (r.offset !== raw.length) {
    // declaredEnd reads the same fields as the parse above, so they cannot disagree.
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: 0,
      field: 'QUOTE',
      message: `internal: quote ends at ${r.offset}, lengths declared ${raw.length}`,
    });
  }
  const trailingBytes = bytes.length - raw.length;
  if (trailingBytes > 0 && options.allowTrailingData === false) {
    const all = new ByteReader(bytes, 'QUOTE');
    all.seek(raw.length, 'END');
    all.expectEnd();
  }
  return {
    raw,
    header,
    ...(bodyType !== undefined ? { bodyType } : {}),
    body,
    signedRegion: raw.subarray(0, signedEnd),
    signature,
    attestationKey,
    certificationData,
    trailingBytes,
  };
}

/**
 * True when a parsed quote carries a TD report (TDX) rather than an SGX enclave report; narrows
 * `quote.body` to {@link TdReportBody}. Exported from `attestkit/tdx`.
 *
 * @param quote - a parsed quote.
 * @returns whether the body is a TD report (TDX 1.0 or 1.5).
 * @example
 * ```ts
 * const q = parseTdxQuote(bytes);
 * if (isTdQuote(q)) console.log(q.body.rtmrs);
 * ```
 */
export function isTdQuote(quote: TdxQuote): quote is TdxQuote & {
  /** The body, narrowed to a TD report (TDX 1.0 or 1.5). */
  readonly body: TdReportBody;
} {
  return quote.body.kind !== 'sgx';
}
