/**
 * @module
 * The SGX extension of Intel PCK certificates (OID 1.2.840.113741.1.13.1): PPID, the 16 SGX TCB
 * component SVNs, PCESVN, CPUSVN, PCE-ID, FMSPC, SGX type, platform instance id and
 * configuration. Intel SGX PCK Certificate and Certificate Revocation List Profile Specification
 * §1.3.5 "Intel SGX Extensions". DER is read only through `core/der.ts`.
 */
import { AttestError } from '../core/errors.js';
import { DER_TAG, expectTag, integerNumber, oidText, parseDer, type DerNode } from '../core/der.js';
import { getExtension, type X509Certificate } from '../core/x509.js';
import { SGX_EXTENSION_OID } from './layout.js';
import type { PckExtensions } from './types.js';

const CODE = 'ERR_BAD_CERTIFICATE';

function bad(node: DerNode | undefined, message: string): never {
  throw new AttestError(CODE, {
    ...(node !== undefined ? { offset: node.offset } : {}),
    field: 'PCK.SGX_EXTENSION',
    message,
  });
}

/** The `SEQUENCE OF SEQUENCE { OID, value }` shape Intel uses at every level of the extension. */
function entries(node: DerNode, what: string): Map<string, DerNode> {
  expectTag(node, DER_TAG.SEQUENCE, what, CODE);
  const out = new Map<string, DerNode>();
  for (const e of node.children) {
    expectTag(e, DER_TAG.SEQUENCE, `${what} entry`, CODE);
    if (e.children.length !== 2) bad(e, `${what} entry must hold an OID and a value`);
    const oid = oidText(e.children[0]!, CODE);
    if (out.has(oid)) bad(e, `duplicate ${oid} in ${what}`);
    out.set(oid, e.children[1]!);
  }
  return out;
}

function need(map: Map<string, DerNode>, oid: string, parent: DerNode): DerNode {
  return map.get(oid) ?? bad(parent, `missing ${oid}`);
}

function octets(node: DerNode, size: number, what: string): Uint8Array {
  expectTag(node, DER_TAG.OCTET_STRING, what, CODE);
  if (node.content.length !== size)
    bad(node, `${what} must be ${size} bytes, found ${node.content.length}`);
  return node.content.slice();
}

function boolean(node: DerNode, what: string): boolean {
  expectTag(node, DER_TAG.BOOLEAN, what, CODE);
  return node.content[0] === 0xff;
}

/**
 * Reads the SGX extension of a PCK certificate. Values are the certificate's claims: trust them
 * only once the certificate chains to the pinned Intel SGX Root CA. Exported from
 * `attestkit/tdx`. Spec: Intel PCK Certificate and CRL Profile §1.3.5.
 *
 * @param cert - a parsed PCK leaf certificate (`parseCertificate`).
 * @returns FMSPC, PCE-ID, TCB components, PCESVN, CPUSVN, SGX type and the Platform-CA fields.
 * @throws {AttestError} `ERR_MISSING_FIELD` when the extension is absent; `ERR_BAD_CERTIFICATE`
 *   for a malformed extension (offset relative to the extension value); `ERR_BAD_DER`.
 * @example
 * ```ts
 * import { parsePckExtensions } from 'attestkit/tdx';
 * const ext = parsePckExtensions(parseCertificate(pckPem));
 * console.log(toHex(ext.fmspc), ext.sgxTcbComponents, ext.pceSvn);
 * ```
 */
export function parsePckExtensions(cert: X509Certificate): PckExtensions {
  if (typeof cert !== 'object' || cert === null || !Array.isArray(cert.extensions)) {
    throw new TypeError('expected a parsed X509Certificate');
  }
  const ext = getExtension(cert, SGX_EXTENSION_OID.ROOT);
  if (ext === undefined) {
    throw new AttestError('ERR_MISSING_FIELD', {
      field: 'PCK.SGX_EXTENSION',
      message: `the certificate has no SGX extension (${SGX_EXTENSION_OID.ROOT})`,
    });
  }
  const root = parseDer(ext.value, CODE);
  const top = entries(root, 'SGX extension');
  const tcbNode = need(top, SGX_EXTENSION_OID.TCB, root);
  const tcb = entries(tcbNode, 'TCB');
  const sgxTcbComponents: number[] = [];
  for (let i = 1; i <= 16; i++) {
    const n = need(tcb, `${SGX_EXTENSION_OID.TCB_PREFIX}${i}`, tcbNode);
    const v = integerNumber(expectTag(n, DER_TAG.INTEGER, `TCB component ${i}`, CODE), CODE);
    if (v > 255) bad(n, `TCB component ${i} SVN ${v} exceeds 255`);
    sgxTcbComponents.push(v);
  }
  const pceNode = need(tcb, `${SGX_EXTENSION_OID.TCB_PREFIX}17`, tcbNode);
  const pceSvn = integerNumber(expectTag(pceNode, DER_TAG.INTEGER, 'PCESVN', CODE), CODE);
  if (pceSvn > 0xffff) bad(pceNode, `PCESVN ${pceSvn} exceeds 65535`);
  const cpuSvn = octets(need(tcb, `${SGX_EXTENSION_OID.TCB_PREFIX}18`, tcbNode), 16, 'CPUSVN');
  const typeNode = need(top, SGX_EXTENSION_OID.SGX_TYPE, root);
  expectTag(typeNode, DER_TAG.ENUMERATED, 'SGX Type', CODE);
  if (typeNode.content.length !== 1 || typeNode.content[0]! > 0x7f)
    bad(typeNode, 'SGX Type out of range');
  const out: {
    -readonly [K in keyof PckExtensions]: PckExtensions[K];
  } = {
    ppid: octets(need(top, SGX_EXTENSION_OID.PPID, root), 16, 'PPID'),
    sgxTcbComponents,
    pceSvn,
    cpuSvn,
    pceId: octets(need(top, SGX_EXTENSION_OID.PCEID, root), 2, 'PCE-ID'),
    fmspc: octets(need(top, SGX_EXTENSION_OID.FMSPC, root), 6, 'FMSPC'),
    sgxType: typeNode.content[0]!,
  };
  const pii = top.get(SGX_EXTENSION_OID.PLATFORM_INSTANCE_ID);
  if (pii !== undefined) out.platformInstanceId = octets(pii, 16, 'Platform Instance ID');
  const confNode = top.get(SGX_EXTENSION_OID.CONFIGURATION);
  if (confNode !== undefined) {
    const conf = entries(confNode, 'Configuration');
    const flag = (oid: string, what: string): boolean | undefined => {
      const n = conf.get(oid);
      return n === undefined ? undefined : boolean(n, what);
    };
    const dynamicPlatform = flag(SGX_EXTENSION_OID.DYNAMIC_PLATFORM, 'Dynamic Platform');
    const cachedKeys = flag(SGX_EXTENSION_OID.CACHED_KEYS, 'Cached Keys');
    const smtEnabled = flag(SGX_EXTENSION_OID.SMT_ENABLED, 'SMT Enabled');
    out.configuration = {
      ...(dynamicPlatform !== undefined ? { dynamicPlatform } : {}),
      ...(cachedKeys !== undefined ? { cachedKeys } : {}),
      ...(smtEnabled !== undefined ? { smtEnabled } : {}),
    };
  }
  return out;
}
