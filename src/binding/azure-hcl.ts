/**
 * @module
 * `parseAzureHclReport`: the Azure confidential-VM "HCL report" that the Azure paravisor writes
 * into vTPM NV index 0x01400001 — a 32-byte `HCLA` header, the hardware report (SEV-SNP
 * ATTESTATION_REPORT or TDX TDREPORT) in a 1184-byte area, the IGVM request data, and the runtime
 * JSON whose hash the hardware report carries in REPORT_DATA. Layout per shared spec-notes
 * snp.md §11 and tdx.md §14, confirmed on every vector in shared/vectors/azure.
 */
import { AttestError } from '../core/errors.js';
import { ByteReader, assertBytes, copyBytes, isAllZero } from '../core/bytes.js';
import { inputMemo, type AttestCache } from '../core/cache.js';
import { sealShared } from '../core/share.js';
import { publicKeyFromJwk, publicKeyToJwk, type PublicKeyInfo } from '../core/crypto.js';
import { fromHex } from '../core/encoding.js';
import {
  HCL_HASH_TYPE,
  HCL_HEADER_SIZE,
  HCL_HW_REPORT_AREA_SIZE,
  HCL_HW_REPORT_OFFSET,
  HCL_IGVM_HEADER_SIZE,
  HCL_IGVM_REQUEST_OFFSET,
  HCL_REPORT_TYPE,
  HCL_SIGNATURE,
  HCL_VARIABLE_DATA_OFFSET,
  SNP_REPORT_DATA_OFFSET,
  TDINFO,
  TDREPORT,
  TDREPORT_SIZE,
  TEE_TCB_INFO,
} from './layout.js';
import { parseStrictJsonObject } from './runtime-json.js';
import type {
  AzureHclHeader,
  AzureHclIgvmRequestData,
  AzureHclKey,
  AzureHclReport,
  AzureTdReport,
} from './types.js';

const STRUCT = 'HCL_REPORT';
const RUNTIME_FIELD = `${STRUCT}.runtimeData`;

/**
 * Largest HCL report {@link parseAzureHclReport} reads, in bytes: 16 KiB. The paravisor writes it
 * into a fixed-size vTPM NV index, 2048 bytes (2023) or 2600 bytes (since), holding 583–1201
 * bytes of runtime JSON in the real vectors (shared spec-notes snp.md §11): six times the largest
 * leaves room for a larger NV buffer while bounding the work done on bytes not yet verified.
 *
 * Exported from `attestkit/binding`.
 *
 * @example
 * ```ts
 * if (nvBytes.length > AZURE_HCL_MAX_REPORT_SIZE) throw new Error('not an HCL report');
 * ```
 */
export const AZURE_HCL_MAX_REPORT_SIZE = 16_384;

/**
 * Most entries the runtime JSON's `keys` array may hold: 16. Real reports list one or two
 * (`HCLAkPub`, and `HCLEkPub` in newer ones); each entry is decoded as a public key.
 *
 * Exported from `attestkit/binding`.
 *
 * @example
 * ```ts
 * hcl.keys.length <= AZURE_HCL_MAX_KEYS; // always, for a parsed report
 * ```
 */
export const AZURE_HCL_MAX_KEYS = 16;

/**
 * Parses an Azure HCL report (the bytes read from vTPM NV index 0x01400001: 2048 or 2600 bytes,
 * zero-padded, or trimmed to `report_size`; at most {@link AZURE_HCL_MAX_REPORT_SIZE}). Spec:
 * shared spec-notes snp.md §11 / tdx.md §14.
 *
 * The result is what the paravisor claims. `verifyReportDataBinding({ scheme: 'azure-hcl' })`
 * proves the runtime data (and so `HCLAkPub`) belongs to a verified hardware report.
 *
 * @param input - the HCL report.
 * @returns header, hardware report (SNP report bytes, or the decoded TDREPORT), runtime data bytes
 *   kept exact, its JSON, the `HCLAkPub` / `HCLEkPub` keys (public members only, usable as
 *   `akPublic` for `verifyTpmQuote`), `vm-configuration` and `user-data`.
 * @throws {AttestError} `ERR_TRUNCATED`, `ERR_BAD_MAGIC` (not `HCLA`), `ERR_RESERVED_NOT_ZERO`
 *   (header reserved bytes, the TDX area after the TDREPORT, the padding after the runtime data),
 *   `ERR_BAD_LENGTH` (report_size / data_size inconsistent with the runtime data),
 *   `ERR_UNSUPPORTED` (report type other than SNP / TDX, unknown hash type),
 *   `ERR_BAD_VALUE` (TDREPORT type, duplicate key ids, wrong JSON member types),
 *   `ERR_BAD_ENCODING`, `ERR_BAD_JSON`, `ERR_LIMIT_EXCEEDED` (a report over
 *   {@link AZURE_HCL_MAX_REPORT_SIZE}, at that offset; runtime JSON nesting; more `keys` than
 *   {@link AZURE_HCL_MAX_KEYS}, at the runtime data's offset),
 *   `ERR_MISSING_FIELD` (no `keys`), `ERR_BAD_KEY` (an HCL key that is not a public key).
 * @example
 * ```ts
 * import { parseAzureHclReport } from 'attestkit/binding';
 * const hcl = parseAzureHclReport(nvBytes);
 * hcl.reportType;          // 'snp' | 'tdx'
 * hcl.akPub?.jwk;          // the vTPM AK, for verifyTpmQuote
 * ```
 */
export function parseAzureHclReport(input: Uint8Array): AzureHclReport {
  assertBytes(input, 'bytes');
  if (input.length > AZURE_HCL_MAX_REPORT_SIZE) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: AZURE_HCL_MAX_REPORT_SIZE,
      field: STRUCT,
      message: `${input.length} bytes (at most ${AZURE_HCL_MAX_REPORT_SIZE})`,
    });
  }
  // Read from a private copy: nothing in the result shares memory with the caller's array.
  const bytes = copyBytes(input);
  const r = new ByteReader(bytes, STRUCT);

  const signature = r.u32le('signature');
  if (signature !== HCL_SIGNATURE) {
    throw new AttestError('ERR_BAD_MAGIC', {
      offset: 0,
      field: `${STRUCT}.signature`,
      message: `expected "HCLA" (0x${HCL_SIGNATURE.toString(16)}), found 0x${signature.toString(16)}`,
    });
  }
  const header: AzureHclHeader = {
    signature,
    version: r.u32le('version'),
    reportSize: r.u32le('report_size'),
    requestType: r.u32le('request_type'),
    status: r.u32le('status'),
  };
  r.reserved(12, 'reserved');
  r.expectOffset(HCL_HEADER_SIZE);

  const hwArea = r.borrow(HCL_HW_REPORT_AREA_SIZE, 'hw_report');
  r.expectOffset(HCL_IGVM_REQUEST_OFFSET);

  const igvm = readIgvmRequestData(r);
  r.expectOffset(HCL_VARIABLE_DATA_OFFSET);

  if (header.reportSize !== HCL_VARIABLE_DATA_OFFSET + igvm.variableDataSize) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: 8,
      field: `${STRUCT}.report_size`,
      message: `report_size ${header.reportSize} but the runtime data ends at ${
        HCL_VARIABLE_DATA_OFFSET + igvm.variableDataSize
      }`,
    });
  }
  const runtimeData = r.bytesCopy(igvm.variableDataSize, 'runtimeData');
  const paddingStart = r.offset;
  const padding = r.borrow(r.remaining, 'padding');
  if (!isAllZero(padding)) {
    const at = padding.findIndex((b) => b !== 0);
    throw new AttestError('ERR_RESERVED_NOT_ZERO', {
      offset: paddingStart + at,
      field: `${STRUCT}.padding`,
      message: 'bytes after the runtime data must be zero',
    });
  }

  let hardwareReport: Uint8Array;
  let tdReport: AzureTdReport | undefined;
  let reportData: Uint8Array;
  if (igvm.reportTypeId === HCL_REPORT_TYPE.snp) {
    hardwareReport = hwArea.slice();
    reportData = hwArea.slice(SNP_REPORT_DATA_OFFSET, SNP_REPORT_DATA_OFFSET + 64);
  } else {
    tdReport = readTdReport(hwArea);
    hardwareReport = tdReport.raw;
    reportData = tdReport.reportData.slice();
  }

  const runtimeJson = parseStrictJsonObject(runtimeData, HCL_VARIABLE_DATA_OFFSET, RUNTIME_FIELD);
  const keys = readKeys(runtimeJson);
  const akPub = keys.find((k) => k.kid === 'HCLAkPub');
  const ekPub = keys.find((k) => k.kid === 'HCLEkPub');
  const vmConfiguration = readObjectMember(runtimeJson, 'vm-configuration');
  const userData = readUserData(runtimeJson);

  return {
    raw: bytes,
    header,
    reportType: igvm.reportTypeId === HCL_REPORT_TYPE.snp ? 'snp' : 'tdx',
    hardwareReport,
    ...(tdReport !== undefined ? { tdReport } : {}),
    reportData,
    igvmRequestData: igvm,
    runtimeData,
    runtimeJson,
    keys,
    ...(akPub !== undefined ? { akPub } : {}),
    ...(ekPub !== undefined ? { ekPub } : {}),
    ...(vmConfiguration !== undefined ? { vmConfiguration } : {}),
    ...(userData !== undefined ? { userData } : {}),
    paddingSize: padding.length,
  };
}

/**
 * {@link parseAzureHclReport} once per input in the caller's cache (core `inputMemo`: kept under
 * the input array with a private copy of its bytes, compared on every hit, errors never kept).
 * The cached report is sealed (core share.ts) and read by the calls that hit it; results hold
 * `copyPlain` of it.
 *
 * @internal
 * @param bytes - the HCL report.
 * @param cache - the caller's cache; without one this is `parseAzureHclReport`.
 * @returns the parsed report.
 * @throws {AttestError} as {@link parseAzureHclReport}.
 */
export function parseAzureHclReportCached(
  bytes: Uint8Array,
  cache: AttestCache | undefined,
): AzureHclReport {
  if (cache === undefined) return parseAzureHclReport(bytes);
  return inputMemo(cache, 'attestkit:binding:hcl-inputs').get(bytes, () => [
    sealShared(parseAzureHclReport(bytes)),
    true,
  ]);
}

function readIgvmRequestData(r: ByteReader): AzureHclIgvmRequestData {
  const dataSize = r.u32le('igvm.data_size');
  const version = r.u32le('igvm.version');
  const reportTypeAt = r.offset;
  const reportTypeId = r.u32le('igvm.report_type');
  if (reportTypeId !== HCL_REPORT_TYPE.snp && reportTypeId !== HCL_REPORT_TYPE.tdx) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: reportTypeAt,
      field: `${STRUCT}.igvm.report_type`,
      message: `report type ${reportTypeId} (known: 2 = SEV-SNP, 4 = TDX)`,
    });
  }
  const hashTypeAt = r.offset;
  const reportDataHashType = r.u32le('igvm.report_data_hash_type');
  const reportDataHash =
    reportDataHashType === HCL_HASH_TYPE.sha256
      ? 'sha256'
      : reportDataHashType === HCL_HASH_TYPE.sha384
        ? 'sha384'
        : reportDataHashType === HCL_HASH_TYPE.sha512
          ? 'sha512'
          : undefined;
  if (reportDataHash === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', {
      offset: hashTypeAt,
      field: `${STRUCT}.igvm.report_data_hash_type`,
      message: `hash type ${reportDataHashType} (known: 1 SHA-256, 2 SHA-384, 3 SHA-512)`,
    });
  }
  const sizeAt = r.offset;
  const variableDataSize = r.u32le('igvm.variable_data_size');
  if (variableDataSize > r.remaining) {
    throw new AttestError('ERR_TRUNCATED', {
      offset: sizeAt,
      field: `${STRUCT}.igvm.variable_data_size`,
      message: `variable data of ${variableDataSize} bytes, ${r.remaining} remain`,
    });
  }
  if (dataSize !== HCL_IGVM_HEADER_SIZE + variableDataSize) {
    throw new AttestError('ERR_BAD_LENGTH', {
      offset: HCL_IGVM_REQUEST_OFFSET,
      field: `${STRUCT}.igvm.data_size`,
      message: `data_size ${dataSize} but 20 + variable_data_size = ${
        HCL_IGVM_HEADER_SIZE + variableDataSize
      }`,
    });
  }
  return { dataSize, version, reportTypeId, reportDataHashType, reportDataHash, variableDataSize };
}

function readTdReport(area: Uint8Array): AzureTdReport {
  const r = new ByteReader(area, 'TDREPORT', HCL_HW_REPORT_OFFSET);
  const raw = area.slice(0, TDREPORT_SIZE);
  const reportType = r.bytesCopy(4, 'REPORTMACSTRUCT.REPORTTYPE');
  if (reportType[0] !== 0x81) {
    throw new AttestError('ERR_BAD_VALUE', {
      offset: HCL_HW_REPORT_OFFSET,
      field: 'TDREPORT.REPORTMACSTRUCT.REPORTTYPE.TYPE',
      message: `expected 0x81 (TDX), found 0x${(reportType[0] ?? 0).toString(16)}`,
    });
  }
  r.reserved(12, 'REPORTMACSTRUCT.RESERVED1');
  const cpuSvn = r.bytesCopy(16, 'REPORTMACSTRUCT.CPUSVN');
  const teeTcbInfoHash = r.bytesCopy(48, 'REPORTMACSTRUCT.TEE_TCB_INFO_HASH');
  const teeInfoHash = r.bytesCopy(48, 'REPORTMACSTRUCT.TEE_INFO_HASH');
  const reportData = r.bytesCopy(64, 'REPORTMACSTRUCT.REPORTDATA');
  r.reserved(32, 'REPORTMACSTRUCT.RESERVED2');
  const mac = r.bytesCopy(32, 'REPORTMACSTRUCT.MAC');
  r.expectOffset(TDREPORT.teeTcbInfo);
  const teeTcbInfo = r.bytesCopy(TDREPORT.teeTcbInfoSize, 'TEE_TCB_INFO');
  r.reserved(TDREPORT.tdInfo - TDREPORT.reserved3, 'RESERVED');
  const tdInfo = r.bytesCopy(TDREPORT.tdInfoSize, 'TDINFO');
  r.expectOffset(TDREPORT_SIZE);
  r.reserved(HCL_HW_REPORT_AREA_SIZE - TDREPORT_SIZE, 'padding');

  const tcb = new ByteReader(
    teeTcbInfo,
    'TEE_TCB_INFO',
    HCL_HW_REPORT_OFFSET + TDREPORT.teeTcbInfo,
  );
  tcb.seek(TEE_TCB_INFO.teeTcbSvn, 'TEE_TCB_SVN');
  const teeTcbSvn = tcb.bytesCopy(16, 'TEE_TCB_SVN');
  const mrSeam = tcb.bytesCopy(48, 'MRSEAM');
  const mrSignerSeam = tcb.bytesCopy(48, 'MRSIGNERSEAM');
  tcb.expectOffset(TEE_TCB_INFO.attributes);
  const seamAttributes = tcb.u64le('ATTRIBUTES');

  const info = new ByteReader(tdInfo, 'TDINFO', HCL_HW_REPORT_OFFSET + TDREPORT.tdInfo);
  const tdAttributes = info.u64le('ATTRIBUTES');
  const xfam = info.u64le('XFAM');
  info.expectOffset(TDINFO.mrTd);
  const mrTd = info.bytesCopy(48, 'MRTD');
  const mrConfigId = info.bytesCopy(48, 'MRCONFIGID');
  const mrOwner = info.bytesCopy(48, 'MROWNER');
  const mrOwnerConfig = info.bytesCopy(48, 'MROWNERCONFIG');
  info.expectOffset(TDINFO.rtmr0);
  const rtmrs = [
    info.bytesCopy(48, 'RTMR0'),
    info.bytesCopy(48, 'RTMR1'),
    info.bytesCopy(48, 'RTMR2'),
    info.bytesCopy(48, 'RTMR3'),
  ] as const;
  info.expectOffset(TDINFO.servTdHash);
  const servTdHash = info.bytesCopy(48, 'SERVTD_HASH');

  return {
    raw,
    reportType,
    cpuSvn,
    teeTcbInfoHash,
    teeInfoHash,
    reportData,
    mac,
    teeTcbInfo,
    tdInfo,
    teeTcbSvn,
    mrSeam,
    mrSignerSeam,
    seamAttributes,
    tdAttributes,
    xfam,
    mrTd,
    mrConfigId,
    mrOwner,
    mrOwnerConfig,
    rtmrs,
    servTdHash,
  };
}

function badValue(field: string, message: string): AttestError {
  return new AttestError('ERR_BAD_VALUE', {
    offset: HCL_VARIABLE_DATA_OFFSET,
    field: `${RUNTIME_FIELD}.${field}`,
    message,
  });
}

function readKeys(json: Record<string, unknown>): AzureHclKey[] {
  const keys = json['keys'];
  if (keys === undefined) {
    throw new AttestError('ERR_MISSING_FIELD', {
      offset: HCL_VARIABLE_DATA_OFFSET,
      field: `${RUNTIME_FIELD}.keys`,
      message: 'runtime data has no "keys"',
    });
  }
  if (!Array.isArray(keys)) throw badValue('keys', '"keys" must be an array');
  if (keys.length > AZURE_HCL_MAX_KEYS) {
    throw new AttestError('ERR_LIMIT_EXCEEDED', {
      offset: HCL_VARIABLE_DATA_OFFSET,
      field: `${RUNTIME_FIELD}.keys`,
      message: `${keys.length} keys (at most ${AZURE_HCL_MAX_KEYS})`,
    });
  }
  const out: AzureHclKey[] = [];
  const seen = new Set<string>();
  keys.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw badValue(`keys[${i}]`, 'each key must be a JSON object');
    }
    const jwk = entry as Record<string, unknown>;
    const kid = jwk['kid'];
    if (kid !== undefined && typeof kid !== 'string')
      throw badValue(`keys[${i}].kid`, '"kid" must be a string');
    if (kid !== undefined) {
      if (seen.has(kid)) throw badValue(`keys[${i}].kid`, `key id "${kid}" appears twice`);
      seen.add(kid);
    }
    const kty = jwk['kty'];
    if (typeof kty !== 'string') throw badValue(`keys[${i}].kty`, '"kty" must be a string');
    const ops = jwk['key_ops'];
    if (ops !== undefined && (!Array.isArray(ops) || ops.some((o) => typeof o !== 'string'))) {
      throw badValue(`keys[${i}].key_ops`, '"key_ops" must be an array of strings');
    }
    const keyOps = (ops ?? []) as string[];
    const isHclKey = kid === 'HCLAkPub' || kid === 'HCLEkPub';
    let key: PublicKeyInfo | undefined;
    try {
      key = publicKeyFromJwk(publicMembers(jwk));
    } catch (cause) {
      // A key attestkit cannot decode is kept as data unless it is one the binding relies on.
      if (isHclKey || !(cause instanceof AttestError && cause.code === 'ERR_UNSUPPORTED')) {
        throw new AttestError(cause instanceof AttestError ? cause.code : 'ERR_BAD_KEY', {
          offset: HCL_VARIABLE_DATA_OFFSET,
          field: `${RUNTIME_FIELD}.keys[${i}]`,
          message: `key ${kid ?? i} is not a usable public key`,
          cause,
        });
      }
    }
    out.push({
      ...(kid !== undefined ? { kid } : {}),
      keyOps,
      kty,
      jwk: key !== undefined ? publicKeyToJwk(key) : publicMembers(jwk),
      ...(key !== undefined ? { key } : {}),
    });
  });
  return out;
}

/** The public members of a JWK (private members and metadata dropped; types checked later). */
function publicMembers(jwk: Record<string, unknown>): JsonWebKey {
  const out: Record<string, unknown> = {};
  for (const m of ['kty', 'n', 'e', 'crv', 'x', 'y', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    if (jwk[m] !== undefined) out[m] = jwk[m];
  }
  // Private members are kept so publicKeyFromJwk rejects them: evidence must not hold them.
  return out;
}

function readObjectMember(
  json: Record<string, unknown>,
  name: string,
): Readonly<Record<string, unknown>> | undefined {
  const v = json[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw badValue(name, `"${name}" must be a JSON object`);
  }
  return v as Record<string, unknown>;
}

function readUserData(json: Record<string, unknown>): Uint8Array | undefined {
  const v = json['user-data'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badValue('user-data', '"user-data" must be a hex string');
  try {
    return fromHex(v);
  } catch (cause) {
    throw new AttestError('ERR_BAD_ENCODING', {
      offset: HCL_VARIABLE_DATA_OFFSET,
      field: `${RUNTIME_FIELD}.user-data`,
      message: '"user-data" is not hex',
      cause,
    });
  }
}
