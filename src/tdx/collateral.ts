/**
 * @module
 * `parseTcbInfo` and `parseQeIdentity`: Intel's signed JSON collateral (Intel PCS API v4: TCB Info
 * V2/V3, Enclave Identity V2), parsed strictly while keeping the exact bytes of the signed
 * `tcbInfo` / `enclaveIdentity` object — the signature covers those bytes as transmitted, so
 * re-serialised JSON does not verify. Also `tdxCollateralFromDcapQvl` for collateral stored in
 * dcap-qvl's `QuoteCollateralV3` JSON.
 */
import { AttestError } from '../core/errors.js';
import { assertBytes, copyBytes } from '../core/bytes.js';
import { fromHex, utf8Encode } from '../core/encoding.js';
import { parseJsonSpans, type JsonNode } from './json.js';
import type {
  IsvSvnTcbLevel,
  QeIdentity,
  TcbComponent,
  TcbInfo,
  TcbInfoLevel,
  TcbLevelStatus,
  TdxCollateral,
  TdxModuleIdentity,
  TdxModuleInfo,
} from './types.js';

type JsonObject = Extract<JsonNode, { kind: 'object' }>;

const TCB_LEVEL_STATUSES: ReadonlySet<string> = /* @__PURE__ */ new Set<TcbLevelStatus>([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
]);

/** Field access over a parsed JSON object, with errors naming the field and its byte offset. */
class Fields {
  constructor(
    readonly obj: JsonObject,
    readonly path: string,
  ) {}

  private missing(key: string): never {
    throw new AttestError('ERR_MISSING_FIELD', {
      offset: this.obj.start,
      field: `${this.path}.${key}`,
      message: `member "${key}" is missing`,
    });
  }

  wrong(
    node: JsonNode,
    key: string,
    message: string,
    code: 'ERR_BAD_VALUE' | 'ERR_BAD_JSON' = 'ERR_BAD_VALUE',
  ): never {
    throw new AttestError(code, { offset: node.start, field: `${this.path}.${key}`, message });
  }

  node(key: string): JsonNode | undefined {
    return this.obj.members.get(key);
  }

  has(key: string): boolean {
    return this.obj.members.has(key);
  }

  object(key: string): Fields {
    const n = this.node(key) ?? this.missing(key);
    if (n.kind !== 'object') this.wrong(n, key, 'expected an object', 'ERR_BAD_JSON');
    return new Fields(n, `${this.path}.${key}`);
  }

  array(key: string): readonly JsonNode[] {
    const n = this.node(key) ?? this.missing(key);
    if (n.kind !== 'array') return this.wrong(n, key, 'expected an array', 'ERR_BAD_JSON');
    return n.items;
  }

  string(key: string): string {
    const n = this.node(key) ?? this.missing(key);
    if (n.kind !== 'string') return this.wrong(n, key, 'expected a string', 'ERR_BAD_JSON');
    return n.value;
  }

  int(key: string, max: number): number {
    const n = this.node(key) ?? this.missing(key);
    if (n.kind !== 'number' || !n.integer || n.value < 0 || n.value > max) {
      return this.wrong(n, key, `expected an integer in 0..${max}`);
    }
    return n.value;
  }

  hex(key: string, bytes: number): Uint8Array {
    const n = this.node(key) ?? this.missing(key);
    if (n.kind !== 'string' || n.value.length !== bytes * 2 || !/^[0-9a-fA-F]*$/.test(n.value)) {
      return this.wrong(n, key, `expected ${bytes * 2} hex digits`);
    }
    return fromHex(n.value);
  }

  date(key: string): Date {
    const n = this.node(key) ?? this.missing(key);
    const d = n.kind === 'string' ? rfc3339(n.value) : undefined;
    return d ?? this.wrong(n, key, 'expected an RFC 3339 UTC date-time');
  }

  status(key: string): TcbLevelStatus {
    const n = this.node(key) ?? this.missing(key);
    if (n.kind !== 'string' || !TCB_LEVEL_STATUSES.has(n.value)) {
      return this.wrong(n, key, 'unknown tcbStatus');
    }
    return n.value as TcbLevelStatus;
  }

  advisoryIds(key: string): string[] {
    if (!this.has(key)) return [];
    return this.array(key).map((a) => {
      if (a.kind !== 'string')
        return this.wrong(a, key, 'advisory ids must be strings', 'ERR_BAD_JSON');
      return a.value;
    });
  }
}

function asObject(node: JsonNode, path: string): Fields {
  if (node.kind !== 'object') {
    throw new AttestError('ERR_BAD_JSON', {
      offset: node.start,
      field: path,
      message: 'expected an object',
    });
  }
  return new Fields(node, path);
}

/** RFC 3339 in the UTC form Intel uses (`2024-03-13T00:00:00Z`, optional fraction). */
function rfc3339(text: string): Date | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,9})?Z$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] !== undefined ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return undefined;
  }
  return date;
}

function inputBytes(input: string | Uint8Array, name: string): Uint8Array {
  if (typeof input === 'string') return utf8Encode(input);
  assertBytes(input, name); // also rejects views over detached buffers
  return input;
}

interface SignedJson {
  readonly raw: Uint8Array;
  readonly body: Fields;
  readonly signedRange: readonly [number, number];
  readonly signature: Uint8Array;
}

function parseSignedJson(
  input: string | Uint8Array,
  member: 'tcbInfo' | 'enclaveIdentity',
): SignedJson {
  const raw = copyBytes(inputBytes(input, member));
  const root = asObject(parseJsonSpans(raw, member), member);
  const body = root.object(member);
  const signature = root.hex('signature', 64);
  return { raw, body, signedRange: [body.obj.start, body.obj.end], signature };
}

function components(f: Fields, key: string): TcbComponent[] {
  const items = f.array(key);
  if (items.length !== 16) {
    f.wrong(f.node(key)!, key, `expected 16 components, found ${items.length}`);
  }
  return items.map((item, i) => {
    const c = asObject(item, `${f.path}.${key}[${i}]`);
    const svn = c.int('svn', 255);
    const category = c.has('category') ? c.string('category') : undefined;
    const type = c.has('type') ? c.string('type') : undefined;
    return {
      svn,
      ...(category !== undefined ? { category } : {}),
      ...(type !== undefined ? { type } : {}),
    };
  });
}

function isvSvnLevels(f: Fields, key: string): IsvSvnTcbLevel[] {
  return f.array(key).map((item, i) => {
    const l = asObject(item, `${f.path}.${key}[${i}]`);
    return {
      isvSvn: l.object('tcb').int('isvsvn', 0xffff),
      tcbDate: l.date('tcbDate'),
      tcbStatus: l.status('tcbStatus'),
      advisoryIds: l.advisoryIds('advisoryIDs'),
    };
  });
}

function moduleInfo(f: Fields): TdxModuleInfo {
  return {
    mrSigner: f.hex('mrsigner', 48),
    attributes: f.hex('attributes', 8),
    attributesMask: f.hex('attributesMask', 8),
  };
}

/**
 * Parses a TCB info document exactly as Intel PCS serves it (`{"tcbInfo":{…},"signature":"…"}`):
 * TDX TCB Info V3 (with `tdxModule`, `tdxModuleIdentities`, `tdxtcbcomponents`), SGX V3 and the
 * legacy SGX V2 form. `signedBytes` are the exact bytes of the `tcbInfo` value in the input,
 * which is what {@link TcbInfo.signature} signs. Parsing does not verify the signature:
 * {@link verifyTdxQuote} does. Exported from `attestkit/tdx`. Spec: Intel PCS API v4, "TCB Info".
 *
 * @param input - the response body, as text or UTF-8 bytes.
 * @returns the parsed TCB info.
 * @throws {AttestError} `ERR_BAD_JSON` (malformed JSON, duplicate members, wrong JSON types),
 *   `ERR_MISSING_FIELD`, `ERR_BAD_VALUE` (hex lengths, dates, statuses, ranges),
 *   `ERR_BAD_VERSION`, `ERR_LIMIT_EXCEEDED`, `ERR_BAD_ENCODING`.
 * @example
 * ```ts
 * import { parseTcbInfo } from 'attestkit/tdx';
 * const info = parseTcbInfo(await (await fetch(url)).text());
 * console.log(info.fmspc, info.tcbLevels[0]?.tcbStatus);
 * ```
 */
export function parseTcbInfo(input: string | Uint8Array): TcbInfo {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError('TCB info must be a string or Uint8Array');
  }
  const s = parseSignedJson(input, 'tcbInfo');
  const t = s.body;
  const versionNode = t.node('version');
  const version = t.int('version', 0xffff);
  if (version !== 2 && version !== 3) {
    throw new AttestError('ERR_BAD_VERSION', {
      offset: versionNode?.start ?? t.obj.start,
      field: 'tcbInfo.version',
      message: `TCB info version ${version}, expected 2 or 3`,
    });
  }
  let id: 'SGX' | 'TDX' = 'SGX';
  if (version === 3) {
    const v = t.string('id');
    if (v !== 'SGX' && v !== 'TDX')
      t.wrong(t.node('id')!, 'id', `TCB info id "${v}", expected SGX or TDX`);
    id = v as 'SGX' | 'TDX';
  }
  const tcbLevels: TcbInfoLevel[] = t.array('tcbLevels').map((item, i) => {
    const l = asObject(item, `tcbInfo.tcbLevels[${i}]`);
    const tcb = l.object('tcb');
    let sgxComponents: TcbComponent[];
    let tdxComponents: TcbComponent[] | undefined;
    if (version === 2) {
      sgxComponents = Array.from({ length: 16 }, (_, k) => ({
        svn: tcb.int(`sgxtcbcomp${String(k + 1).padStart(2, '0')}svn`, 255),
      }));
    } else {
      sgxComponents = components(tcb, 'sgxtcbcomponents');
      if (id === 'TDX') tdxComponents = components(tcb, 'tdxtcbcomponents');
    }
    return {
      sgxComponents,
      pceSvn: tcb.int('pcesvn', 0xffff),
      ...(tdxComponents !== undefined ? { tdxComponents } : {}),
      tcbDate: l.date('tcbDate'),
      tcbStatus: l.status('tcbStatus'),
      advisoryIds: l.advisoryIds('advisoryIDs'),
    };
  });
  const tdxModule = t.has('tdxModule') ? moduleInfo(t.object('tdxModule')) : undefined;
  const tdxModuleIdentities: TdxModuleIdentity[] = t.has('tdxModuleIdentities')
    ? t.array('tdxModuleIdentities').map((item, i) => {
        const m = asObject(item, `tcbInfo.tdxModuleIdentities[${i}]`);
        return {
          id: m.string('id').toUpperCase(),
          ...moduleInfo(m),
          tcbLevels: isvSvnLevels(m, 'tcbLevels'),
        };
      })
    : [];
  return {
    raw: s.raw,
    signedBytes: s.raw.subarray(s.signedRange[0], s.signedRange[1]),
    signedRange: s.signedRange,
    signature: s.signature,
    id,
    version,
    issueDate: t.date('issueDate'),
    nextUpdate: t.date('nextUpdate'),
    fmspc: hexText(t, 'fmspc', 6),
    pceId: hexText(t, 'pceId', 2),
    tcbType: t.int('tcbType', 0xffff),
    tcbEvaluationDataNumber: t.int('tcbEvaluationDataNumber', 0xffffffff),
    ...(tdxModule !== undefined ? { tdxModule } : {}),
    tdxModuleIdentities,
    tcbLevels,
  };
}

function hexText(f: Fields, key: string, bytes: number): string {
  f.hex(key, bytes);
  return f.string(key).toLowerCase();
}

/**
 * Parses a QE identity document exactly as Intel PCS serves it
 * (`{"enclaveIdentity":{…},"signature":"…"}`, Enclave Identity V2: `QE`, `QVE` or `TD_QE`),
 * keeping the exact signed bytes of the `enclaveIdentity` value. Does not verify the signature.
 * Exported from `attestkit/tdx`. Spec: Intel PCS API v4, "Enclave Identity V2".
 *
 * @param input - the response body, as text or UTF-8 bytes.
 * @returns the parsed QE identity.
 * @throws {AttestError} `ERR_BAD_JSON`, `ERR_MISSING_FIELD`, `ERR_BAD_VALUE`, `ERR_BAD_VERSION`,
 *   `ERR_LIMIT_EXCEEDED`, `ERR_BAD_ENCODING`.
 * @example
 * ```ts
 * import { parseQeIdentity } from 'attestkit/tdx';
 * const qe = parseQeIdentity(text);
 * console.log(qe.id, qe.tcbLevels[0]?.isvSvn);
 * ```
 */
export function parseQeIdentity(input: string | Uint8Array): QeIdentity {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError('QE identity must be a string or Uint8Array');
  }
  const s = parseSignedJson(input, 'enclaveIdentity');
  const e = s.body;
  const versionNode = e.node('version');
  const version = e.int('version', 0xffff);
  if (version !== 2) {
    throw new AttestError('ERR_BAD_VERSION', {
      offset: versionNode?.start ?? e.obj.start,
      field: 'enclaveIdentity.version',
      message: `enclave identity version ${version}, expected 2`,
    });
  }
  const id = e.string('id');
  if (id !== 'QE' && id !== 'QVE' && id !== 'TD_QE') {
    e.wrong(e.node('id')!, 'id', `enclave identity id "${id}", expected QE, QVE or TD_QE`);
  }
  const u32 = (key: string): number => {
    const b = e.hex(key, 4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  };
  return {
    raw: s.raw,
    signedBytes: s.raw.subarray(s.signedRange[0], s.signedRange[1]),
    signedRange: s.signedRange,
    signature: s.signature,
    id,
    version,
    issueDate: e.date('issueDate'),
    nextUpdate: e.date('nextUpdate'),
    tcbEvaluationDataNumber: e.int('tcbEvaluationDataNumber', 0xffffffff),
    miscSelect: u32('miscselect'),
    miscSelectMask: u32('miscselectMask'),
    attributes: e.hex('attributes', 16),
    attributesMask: e.hex('attributesMask', 16),
    mrSigner: e.hex('mrsigner', 32),
    isvProdId: e.int('isvprodid', 0xffff),
    tcbLevels: isvSvnLevels(e, 'tcbLevels'),
  };
}

/** dcap-qvl's `QuoteCollateralV3` JSON (Phala-Network/dcap-qvl), the fields this module reads. */
export interface DcapQvlCollateral {
  /** The `tcbInfo` object as JSON text: exactly the bytes `tcb_info_signature` signs. */
  readonly tcb_info: string;
  /** TCB info signature: hex of raw r‖s (128 digits), by the Intel SGX TCB Signing key. */
  readonly tcb_info_signature: string;
  /** PEM chain of the TCB info: TCB Signing certificate, then the Intel SGX Root CA. */
  readonly tcb_info_issuer_chain: string;
  /** The `enclaveIdentity` object as JSON text: exactly the bytes `qe_identity_signature` signs. */
  readonly qe_identity: string;
  /** QE identity signature: hex of raw r‖s (128 digits), by the TCB Signing key. */
  readonly qe_identity_signature: string;
  /** PEM chain of the QE identity: TCB Signing certificate, then the Root CA. */
  readonly qe_identity_issuer_chain: string;
  /** PCK CRL as hex of its DER; absent when not stored. */
  readonly pck_crl?: string;
  /** PEM chain of the PCK CRL: PCK Platform or Processor CA, then the Root CA. */
  readonly pck_crl_issuer_chain?: string;
  /** Intel SGX Root CA CRL as hex of its DER; absent when not stored. */
  readonly root_ca_crl?: string;
}

/**
 * Converts collateral kept in dcap-qvl's `QuoteCollateralV3` JSON (signed bodies stored as JSON
 * strings, signatures and CRLs as hex) into a {@link TdxCollateral}. The signed text is carried
 * over unchanged, so signatures still verify. Exported from `attestkit/tdx`.
 *
 * @param input - the JSON text, its bytes, or the already-parsed object.
 * @returns collateral in PCS form.
 * @throws {AttestError} `ERR_BAD_JSON`, `ERR_MISSING_FIELD` (absent), `ERR_BAD_VALUE` (a member
 *   of another type in an object input), `ERR_BAD_ENCODING`.
 * @example
 * ```ts
 * const collateral = tdxCollateralFromDcapQvl(readFileSync('quote_collateral.json', 'utf8'));
 * await verifyTdxQuote({ quote, collateral });
 * ```
 */
export function tdxCollateralFromDcapQvl(
  input: string | Uint8Array | DcapQvlCollateral,
): TdxCollateral {
  let get: (key: string, required: boolean) => string | undefined;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const root = asObject(
      parseJsonSpans(inputBytes(input, 'collateral'), 'QuoteCollateralV3'),
      'QuoteCollateralV3',
    );
    get = (key, required) => (required || root.has(key) ? root.string(key) : undefined);
  } else if (
    typeof input === 'object' &&
    input !== null &&
    !Array.isArray(input) &&
    !ArrayBuffer.isView(input) &&
    !(input instanceof ArrayBuffer)
  ) {
    const o = input as unknown as Record<string, unknown>;
    get = (key, required) => {
      const v = o[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string') {
        // Absent is a missing field; present with another type is a bad value.
        throw new AttestError(v === undefined ? 'ERR_MISSING_FIELD' : 'ERR_BAD_VALUE', {
          field: `QuoteCollateralV3.${key}`,
          message: `member "${key}" must be a string`,
        });
      }
      return v;
    };
  } else {
    throw new TypeError('collateral must be JSON text, bytes or an object');
  }
  const signedDoc = (member: string, body: string, signature: string): string => {
    // Validate the signature field as hex; the body text is embedded unchanged, so it must be
    // exactly one JSON object: text such as `{…},"extra":{…}` would otherwise splice members
    // into the document beside the signed object (dcap-qvl signs and checks the whole string).
    fromHex(signature);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      value = undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new AttestError('ERR_BAD_JSON', {
        field: `QuoteCollateralV3.${member === 'tcbInfo' ? 'tcb_info' : 'qe_identity'}`,
        message: 'must be one JSON object',
      });
    }
    return `{"${member}":${body},"signature":"${signature}"}`;
  };
  const pckCrl = get('pck_crl', false);
  const pckCrlIssuerChain = get('pck_crl_issuer_chain', false);
  const rootCaCrl = get('root_ca_crl', false);
  return {
    tcbInfo: signedDoc('tcbInfo', get('tcb_info', true)!, get('tcb_info_signature', true)!),
    tcbInfoIssuerChain: get('tcb_info_issuer_chain', true)!,
    qeIdentity: signedDoc(
      'enclaveIdentity',
      get('qe_identity', true)!,
      get('qe_identity_signature', true)!,
    ),
    qeIdentityIssuerChain: get('qe_identity_issuer_chain', true)!,
    ...(pckCrl !== undefined ? { pckCrl: fromHex(pckCrl) } : {}),
    ...(pckCrlIssuerChain !== undefined ? { pckCrlIssuerChain } : {}),
    ...(rootCaCrl !== undefined ? { rootCaCrl: fromHex(rootCaCrl) } : {}),
  };
}
