/**
 * SYNTHETIC Intel-like DCAP signer (test-only): mints a root / PCK Platform CA / PCK leaf (with
 * the SGX extension) / TCB Signing chain with @peculiar/x509, encodes TDX v4/v5 and SGX v3
 * quotes signed by a fresh attestation key, and signs TCB info / QE identity JSON and CRLs.
 * Every certificate carries O=SYNTHETIC attestkit test so nothing here can pass for Intel's PKI
 * (the root has Intel's CN but another key: verification needs its pin in `rootPins`).
 */
import { webcrypto } from 'node:crypto';
import { mintCert, mintCrl, testKey, x509, type TestKey } from '../../support/forge.js';
import { digest } from '../../../src/core/crypto.js';
import { concatBytes } from '../../../src/core/bytes.js';
import { encodePem, toHex } from '../../../src/core/encoding.js';
import { bool, enumerated, int, octets, oid, seq } from './der-encode.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
/** WebCrypto's typings want ArrayBuffer-backed views. */
const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

export const SYNTH_O = 'O=SYNTHETIC attestkit test,L=Santa Clara,ST=CA,C=US';
export const SYNTH_NOW = new Date('2025-06-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;
const YEAR = 365 * DAY;

/** Intel's QE identity values for the TD QE (copied from public PCS collateral). */
export const TD_QE_MRSIGNER = 'dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5';
export const SGX_QE_MRSIGNER = '8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff';

export interface PckExtensionSpec {
  readonly fmspc: string;
  readonly pceId?: string;
  readonly sgxTcbComponents: readonly number[];
  readonly pceSvn: number;
  readonly sgxType?: number;
}

/** The DER of the SGX extension (OID 1.2.840.113741.1.13.1). */
export function sgxExtensionDer(spec: PckExtensionSpec): Uint8Array {
  const base = '1.2.840.113741.1.13.1';
  const comps = spec.sgxTcbComponents.map((svn, i) => seq(oid(`${base}.2.${i + 1}`), int(svn)));
  const tcb = seq(
    ...comps,
    seq(oid(`${base}.2.17`), int(spec.pceSvn)),
    seq(oid(`${base}.2.18`), octets(Uint8Array.from(spec.sgxTcbComponents))),
  );
  return seq(
    seq(oid(`${base}.1`), octets(new Uint8Array(16).fill(0x5a))),
    seq(oid(`${base}.2`), tcb),
    seq(oid(`${base}.3`), octets(hexBytes(spec.pceId ?? '0000'))),
    seq(oid(`${base}.4`), octets(hexBytes(spec.fmspc))),
    seq(oid(`${base}.5`), enumerated(spec.sgxType ?? 1)),
    seq(oid(`${base}.6`), octets(new Uint8Array(16).fill(0x6b))),
    seq(
      oid(`${base}.7`),
      seq(
        seq(oid(`${base}.7.1`), bool(true)),
        seq(oid(`${base}.7.2`), bool(false)),
        seq(oid(`${base}.7.3`), bool(true)),
      ),
    ),
  );
}

export function hexBytes(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}

export interface Minted {
  readonly der: Uint8Array;
  readonly cert: x509.X509Certificate;
  readonly pem: string;
  readonly serial: string;
}

/** The synthetic PKI. */
export interface IntelLikePki {
  readonly rootKey: TestKey;
  readonly caKey: TestKey;
  readonly leafKey: TestKey;
  readonly tcbKey: TestKey;
  readonly root: Minted;
  readonly ca: Minted;
  readonly leaf: Minted;
  readonly tcbSigning: Minted;
  /** SPKI SHA-256 of the root (the pin to pass as `rootPins`). */
  readonly rootPin: string;
  readonly pckExtension: PckExtensionSpec;
}

export interface PkiOverrides {
  readonly leaf?: { notBefore?: Date; notAfter?: Date; subjectCn?: string };
  readonly ca?: { notAfter?: Date; processor?: boolean };
  readonly tcbSigning?: { notAfter?: Date; extensions?: readonly x509.Extension[] };
  readonly pckExtension?: Partial<PckExtensionSpec>;
  /** Use Intel's exact subject names (for "same name, other key" tests); still a test key. */
  readonly intelNames?: boolean;
  /** Corrupt the leaf certificate's signature. */
  readonly corruptLeafSignature?: boolean;
  /** Subject CN of the TCB Signing certificate. */
  readonly tcbSigningCn?: string;
  /** Reuse keys (e.g. to mint a second chain with the same root key). */
  readonly keys?: Partial<Pick<IntelLikePki, 'rootKey' | 'caKey' | 'leafKey' | 'tcbKey'>>;
}

export const DEFAULT_PCK_EXTENSION: PckExtensionSpec = {
  fmspc: 'f0f0f0000000',
  pceId: '0000',
  sgxTcbComponents: [7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
  pceSvn: 11,
};

function wrap(m: { cert: x509.X509Certificate; der: Uint8Array }, serial: string): Minted {
  return { ...m, pem: encodePem('CERTIFICATE', m.der), serial };
}

/** Mints the SYNTHETIC root → PCK Platform CA → PCK leaf chain and the TCB Signing certificate. */
export async function mintIntelLikePki(o: PkiOverrides = {}): Promise<IntelLikePki> {
  const rootKey = o.keys?.rootKey ?? (await testKey('p256'));
  const caKey = o.keys?.caKey ?? (await testKey('p256'));
  const leafKey = o.keys?.leafKey ?? (await testKey('p256'));
  const tcbKey = o.keys?.tcbKey ?? (await testKey('p256'));
  const O = o.intelNames === true ? 'O=Intel Corporation,L=Santa Clara,ST=CA,C=US' : SYNTH_O;
  const nb = new Date(SYNTH_NOW.getTime() - YEAR);
  const na = new Date(SYNTH_NOW.getTime() + 10 * YEAR);
  const root = await mintCert({
    subject: `CN=Intel SGX Root CA,${O}`,
    key: rootKey,
    ca: { pathLength: 1 },
    serialNumber: '22650cd65a9d3489f383b49552bf501b39270601',
    notBefore: nb,
    notAfter: new Date(SYNTH_NOW.getTime() + 20 * YEAR),
  });
  const caCn =
    o.ca?.processor === true ? 'Intel SGX PCK Processor CA' : 'Intel SGX PCK Platform CA';
  const ca = await mintCert({
    subject: `CN=${caCn},${O}`,
    key: caKey,
    issuer: { cert: root.cert, key: rootKey },
    ca: { pathLength: 0 },
    serialNumber: '0956f5dcdbd1be1e94049c9d4f433ce01570bd02',
    notBefore: nb,
    notAfter: o.ca?.notAfter ?? na,
  });
  const pckExtension = { ...DEFAULT_PCK_EXTENSION, ...o.pckExtension };
  const leaf = await mintCert({
    subject: `CN=${o.leaf?.subjectCn ?? 'Intel SGX PCK Certificate'},${O}`,
    key: leafKey,
    issuer: { cert: ca.cert, key: caKey },
    serialNumber: '0e1d2c3b4a5968778695a4b3c2d1e0f00112233f',
    notBefore: o.leaf?.notBefore ?? nb,
    notAfter: o.leaf?.notAfter ?? na,
    keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
    extensions: [
      new x509.Extension('1.2.840.113741.1.13.1', false, ab(sgxExtensionDer(pckExtension))),
    ],
    ...(o.corruptLeafSignature === true ? { corruptSignature: true } : {}),
  });
  const tcbSigning = await mintCert({
    subject: `CN=${o.tcbSigningCn ?? 'Intel SGX TCB Signing'},${O}`,
    key: tcbKey,
    issuer: { cert: root.cert, key: rootKey },
    serialNumber: '7e3882d5fb55294a40498e458403e91491bdf404',
    notBefore: nb,
    notAfter: o.tcbSigning?.notAfter ?? na,
    keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
    ...(o.tcbSigning?.extensions !== undefined ? { extensions: o.tcbSigning.extensions } : {}),
  });
  const spki = new Uint8Array(await subtle.exportKey('spki', rootKey.keys.publicKey));
  return {
    rootKey,
    caKey,
    leafKey,
    tcbKey,
    root: wrap(root, '22650cd65a9d3489f383b49552bf501b39270601'),
    ca: wrap(ca, '0956f5dcdbd1be1e94049c9d4f433ce01570bd02'),
    leaf: wrap(leaf, '0e1d2c3b4a5968778695a4b3c2d1e0f00112233f'),
    tcbSigning: wrap(tcbSigning, '7e3882d5fb55294a40498e458403e91491bdf404'),
    rootPin: toHex(digest('sha256', spki)),
    pckExtension,
  };
}

async function signRaw(key: TestKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.keys.privateKey, ab(data)),
  );
}

// ---------------------------------------------------------------------------------------------
// Quote encoding

export interface TdBodySpec {
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: bigint;
  tdAttributes: bigint;
  xfam: bigint;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmrs: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  teeTcbSvn2?: Uint8Array;
  mrServiceTd?: Uint8Array;
}

export interface SgxBodySpec {
  cpuSvn: Uint8Array;
  miscSelect: number;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
}

const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

export function defaultTdBody(): TdBodySpec {
  return {
    teeTcbSvn: Uint8Array.from([5, 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    mrSeam: fill(48, 0x11),
    mrSignerSeam: fill(48, 0),
    seamAttributes: 0n,
    tdAttributes: 1n << 28n,
    xfam: 0x61ae7n,
    mrTd: fill(48, 0x22),
    mrConfigId: fill(48, 0),
    mrOwner: fill(48, 0),
    mrOwnerConfig: fill(48, 0),
    rtmrs: [fill(48, 0x30), fill(48, 0x31), fill(48, 0x32), fill(48, 0)],
    reportData: fill(64, 0x44),
  };
}

export function defaultQeReport(td: boolean): SgxBodySpec {
  return {
    cpuSvn: Uint8Array.from([7, 7, 0x18, 0x1a, 3, 0xff, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]),
    miscSelect: 0,
    attributes: hexBytes('1500000000000000e700000000000000'),
    mrEnclave: fill(32, 0x55),
    mrSigner: hexBytes(td ? TD_QE_MRSIGNER : SGX_QE_MRSIGNER),
    isvProdId: td ? 2 : 1,
    isvSvn: td ? 6 : 8,
    reportData: fill(64, 0),
  };
}

function u16(v: number): Uint8Array {
  return Uint8Array.from([v & 0xff, (v >> 8) & 0xff]);
}
function u32(v: number): Uint8Array {
  return Uint8Array.from([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
}
function u64(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

export function encodeTdBody(b: TdBodySpec): Uint8Array {
  const parts = [
    b.teeTcbSvn,
    b.mrSeam,
    b.mrSignerSeam,
    u64(b.seamAttributes),
    u64(b.tdAttributes),
    u64(b.xfam),
    b.mrTd,
    b.mrConfigId,
    b.mrOwner,
    b.mrOwnerConfig,
    ...b.rtmrs,
    b.reportData,
  ];
  if (b.teeTcbSvn2 !== undefined) parts.push(b.teeTcbSvn2, b.mrServiceTd ?? fill(48, 0));
  return concatBytes(...parts);
}

export function encodeSgxBody(b: SgxBodySpec): Uint8Array {
  return concatBytes(
    b.cpuSvn,
    u32(b.miscSelect),
    fill(12, 0),
    fill(16, 0),
    b.attributes,
    b.mrEnclave,
    fill(32, 0),
    b.mrSigner,
    fill(32, 0),
    fill(64, 0),
    u16(b.isvProdId),
    u16(b.isvSvn),
    u16(0),
    fill(42, 0),
    fill(16, 0),
    b.reportData,
  );
}

export interface QuoteSpec {
  readonly version?: 3 | 4 | 5;
  readonly td?: Partial<TdBodySpec>;
  readonly sgx?: Partial<SgxBodySpec>;
  readonly qeReport?: Partial<SgxBodySpec>;
  readonly qeAuthData?: Uint8Array;
  /** PEM chain text; default leaf + CA + root, NUL-terminated. */
  readonly pckChainPem?: string;
  /** Use this attestation key pair instead of a fresh one. */
  readonly attestationKey?: CryptoKeyPair;
  /** Sign the QE report with this key instead of the PCK leaf key. */
  readonly qeSigner?: TestKey;
  /** Corrupt QE report data (binding) after computing it. */
  readonly breakQeReportData?: boolean;
  readonly trailing?: Uint8Array;
}

export const INTEL_QE_VENDOR = hexBytes('939a7233f79c4ca9940a0db3957f0607');

/** Encodes and signs a SYNTHETIC quote. */
export async function buildQuote(pki: IntelLikePki, spec: QuoteSpec = {}): Promise<Uint8Array> {
  const version = spec.version ?? 4;
  const isTd = version !== 3 && spec.sgx === undefined;
  const header = concatBytes(
    u16(version),
    u16(2),
    version === 3 ? u32(0) : u32(isTd ? 0x81 : 0),
    version === 3 ? concatBytes(u16(10), u16(13)) : u32(0),
    INTEL_QE_VENDOR,
    fill(20, 0x0c),
  );
  let body: Uint8Array;
  if (isTd) {
    const b = { ...defaultTdBody(), ...spec.td };
    if (version === 5 && b.teeTcbSvn2 === undefined) b.teeTcbSvn2 = b.teeTcbSvn;
    body = encodeTdBody(b);
  } else {
    body = encodeSgxBody({
      ...defaultQeReport(false),
      mrSigner: fill(32, 0x77),
      isvProdId: 0,
      isvSvn: 0,
      ...spec.sgx,
    });
  }
  const descriptor =
    version === 5
      ? concatBytes(u16(isTd ? (body.length === 648 ? 3 : 2) : 1), u32(body.length))
      : new Uint8Array(0);
  const signed = concatBytes(header, descriptor, body);
  const ak =
    spec.attestationKey ??
    (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']));
  const sig = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, ak.privateKey, ab(signed)),
  );
  const akRaw = new Uint8Array(await subtle.exportKey('raw', ak.publicKey)).subarray(1);
  const auth = spec.qeAuthData ?? Uint8Array.from({ length: 32 }, (_, i) => i);
  const qeRd = new Uint8Array(64);
  qeRd.set(digest('sha256', concatBytes(akRaw, auth)));
  if (spec.breakQeReportData === true) qeRd[0]! ^= 1;
  const qeReport = encodeSgxBody({ ...defaultQeReport(isTd), reportData: qeRd, ...spec.qeReport });
  const qeSig = await signRaw(spec.qeSigner ?? pki.leafKey, qeReport);
  const chainText = spec.pckChainPem ?? `${pki.leaf.pem}${pki.ca.pem}${pki.root.pem}\u0000`;
  const chain = new TextEncoder().encode(chainText);
  const qeSection = concatBytes(
    qeReport,
    qeSig,
    u16(auth.length),
    auth,
    u16(5),
    u32(chain.length),
    chain,
  );
  const certData =
    version === 3 ? qeSection : concatBytes(u16(6), u32(qeSection.length), qeSection);
  const sigData = concatBytes(sig, akRaw, certData);
  return concatBytes(signed, u32(sigData.length), sigData, spec.trailing ?? new Uint8Array(0));
}

// ---------------------------------------------------------------------------------------------
// Collateral

const svnList = (svns: readonly number[]): { svn: number }[] => svns.map((svn) => ({ svn }));

export interface CollateralSpec {
  readonly fmspc?: string;
  readonly issueDate?: Date;
  readonly nextUpdate?: Date;
  readonly tcbLevels?: readonly object[];
  readonly tdxModuleIdentities?: readonly object[];
  readonly qeLevels?: readonly object[];
  readonly qeId?: string;
  readonly tcbId?: 'TDX' | 'SGX';
  readonly revokedPckSerials?: readonly string[];
  readonly revokedCaSerials?: readonly string[];
  readonly crlThisUpdate?: Date;
  readonly crlNextUpdate?: Date;
  /** Sign the TCB info / QE identity with this key instead of the TCB Signing key. */
  readonly tcbSigner?: TestKey;
}

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

/** A TCB info level with the given SGX / TDX components. */
export function tcbLevel(
  sgx: readonly number[],
  pceSvn: number,
  tdx: readonly number[] | undefined,
  status: string,
  date = '2024-03-13T00:00:00Z',
  advisoryIds?: readonly string[],
): object {
  return {
    tcb: {
      sgxtcbcomponents: svnList(sgx),
      pcesvn: pceSvn,
      ...(tdx !== undefined ? { tdxtcbcomponents: svnList(tdx) } : {}),
    },
    tcbDate: date,
    tcbStatus: status,
    ...(advisoryIds !== undefined ? { advisoryIDs: advisoryIds } : {}),
  };
}

export const DEFAULT_TCB_LEVELS: readonly object[] = [
  tcbLevel(
    [7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
    11,
    [5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    'UpToDate',
  ),
  tcbLevel(
    [6, 6, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0],
    11,
    [3, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    'OutOfDate',
    '2023-08-09T00:00:00Z',
    ['INTEL-SA-00960'],
  ),
];

export const DEFAULT_MODULE_IDENTITIES: readonly object[] = [
  {
    id: 'TDX_01',
    mrsigner: '00'.repeat(48),
    attributes: '0000000000000000',
    attributesMask: 'FFFFFFFFFFFFFFFF',
    tcbLevels: [
      { tcb: { isvsvn: 4 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate' },
      { tcb: { isvsvn: 2 }, tcbDate: '2023-08-09T00:00:00Z', tcbStatus: 'OutOfDate' },
    ],
  },
];

/** Signs `{"<member>":<body>,"signature":"…"}` over the exact body text. */
export async function signJson(member: string, body: string, key: TestKey): Promise<string> {
  const sig = await signRaw(key, new TextEncoder().encode(body));
  return `{"${member}":${body},"signature":"${toHex(sig)}"}`;
}

export interface SyntheticCollateral {
  tcbInfo: string;
  tcbInfoIssuerChain: string;
  qeIdentity: string;
  qeIdentityIssuerChain: string;
  pckCrl: Uint8Array;
  pckCrlIssuerChain: string;
  rootCaCrl: Uint8Array;
  /** The signed body texts, for tests that re-sign or reformat them. */
  tcbInfoBody: string;
  qeIdentityBody: string;
}

/** Builds SYNTHETIC collateral for `pki` (TDX by default). */
export async function buildCollateral(
  pki: IntelLikePki,
  spec: CollateralSpec = {},
): Promise<SyntheticCollateral> {
  const issueDate = spec.issueDate ?? new Date(SYNTH_NOW.getTime() - DAY);
  const nextUpdate = spec.nextUpdate ?? new Date(issueDate.getTime() + 30 * DAY);
  const tcbId = spec.tcbId ?? 'TDX';
  const tcbInfoBody = JSON.stringify({
    id: tcbId,
    version: 3,
    issueDate: iso(issueDate),
    nextUpdate: iso(nextUpdate),
    fmspc: spec.fmspc ?? pki.pckExtension.fmspc,
    pceId: pki.pckExtension.pceId ?? '0000',
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    ...(tcbId === 'TDX'
      ? {
          tdxModule: {
            mrsigner: '00'.repeat(48),
            attributes: '0000000000000000',
            attributesMask: 'FFFFFFFFFFFFFFFF',
          },
          tdxModuleIdentities: spec.tdxModuleIdentities ?? DEFAULT_MODULE_IDENTITIES,
        }
      : {}),
    tcbLevels: spec.tcbLevels ?? DEFAULT_TCB_LEVELS,
  });
  const qeIdentityBody = JSON.stringify({
    id: spec.qeId ?? (tcbId === 'TDX' ? 'TD_QE' : 'QE'),
    version: 2,
    issueDate: iso(issueDate),
    nextUpdate: iso(nextUpdate),
    tcbEvaluationDataNumber: 17,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    attributes: '11000000000000000000000000000000',
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: (tcbId === 'TDX' ? TD_QE_MRSIGNER : SGX_QE_MRSIGNER).toUpperCase(),
    isvprodid: tcbId === 'TDX' ? 2 : 1,
    tcbLevels: spec.qeLevels ?? [
      { tcb: { isvsvn: 4 }, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate' },
    ],
  });
  const signer = spec.tcbSigner ?? pki.tcbKey;
  const thisUpdate = spec.crlThisUpdate ?? new Date(SYNTH_NOW.getTime() - DAY);
  const crlNext = spec.crlNextUpdate ?? new Date(thisUpdate.getTime() + 30 * DAY);
  const signingChain = `${pki.tcbSigning.pem}${pki.root.pem}`;
  return {
    tcbInfo: await signJson('tcbInfo', tcbInfoBody, signer),
    tcbInfoIssuerChain: signingChain,
    qeIdentity: await signJson('enclaveIdentity', qeIdentityBody, signer),
    qeIdentityIssuerChain: signingChain,
    pckCrl: await mintCrl({
      issuerName: pki.ca.cert.subject,
      signer: pki.caKey,
      revokedSerials: spec.revokedPckSerials ?? ['0a0b0c'],
      thisUpdate,
      nextUpdate: crlNext,
    }),
    pckCrlIssuerChain: `${pki.ca.pem}${pki.root.pem}`,
    rootCaCrl: await mintCrl({
      issuerName: pki.root.cert.subject,
      signer: pki.rootKey,
      revokedSerials: spec.revokedCaSerials ?? [],
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + YEAR),
    }),
    tcbInfoBody,
    qeIdentityBody,
  };
}

/** Everything a synthetic verification needs. */
export interface SyntheticCase {
  readonly pki: IntelLikePki;
  readonly quote: Uint8Array;
  readonly collateral: SyntheticCollateral;
}

export async function syntheticCase(
  o: {
    pki?: PkiOverrides;
    quote?: QuoteSpec;
    collateral?: CollateralSpec;
    reusePki?: IntelLikePki;
  } = {},
): Promise<SyntheticCase> {
  const pki = o.reusePki ?? (await mintIntelLikePki(o.pki));
  return {
    pki,
    quote: await buildQuote(pki, o.quote),
    collateral: await buildCollateral(pki, o.collateral),
  };
}

export { mintCrl };
