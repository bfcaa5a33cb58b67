/**
 * An offline mirror of the AMD KDS and Intel PCS: a `fetch`-compatible function that answers the
 * exact URLs `createKdsFetcher` and `createPcsFetcher` request, from certificates, CRLs and
 * collateral you already hold (an air-gapped deployment, a CI run without network). Each file is
 * indexed by what it is for — a VCEK by product, hwID and TCB from its own extensions, a TCB info
 * by its FMSPC — with the public URL builders of attestkit, so a URL the fetchers build wrongly is
 * a 404 here just as it would be at AMD or Intel. Nothing served here is trusted: the verifiers
 * check it against the pinned roots.
 *
 * Runs on Node (it reads files with `node:fs`).
 */
import { readFileSync } from 'node:fs';
import { fromHex, parseCertificate, parseCertificates, parseCrl } from 'attestkit';
import {
  parseSnpVcekExtensions,
  snpCertificateRole,
  snpKdsUrls,
  type SnpProduct,
} from 'attestkit/snp';
import {
  pcsUrls,
  tdxCollateralFromDcapQvl,
  PCS_ISSUER_CHAIN_HEADERS,
  type TdxCollateral,
} from 'attestkit/tdx';

/** What the mirror serves: file paths (DER or PEM), as a deployment would keep them. */
export interface MirrorFiles {
  /** VCEK certificates (DER or PEM), any products and TCBs. */
  readonly vceks?: readonly string[];
  /** KDS `cert_chain` bundles (ASK + ARK, PEM). */
  readonly certChains?: readonly string[];
  /** ARK-signed CRLs (DER). */
  readonly crls?: readonly string[];
  /** TDX collateral JSON files: PCS field names (`tcbInfo`, …) or dcap-qvl's format. */
  readonly tdxCollateral?: readonly string[];
}

/** A mirror: the fetch function, and the requests it answered (for metrics and tests). */
export interface OfflineMirror {
  readonly fetch: (url: string, init?: { readonly signal?: AbortSignal }) => Promise<Response>;
  /** Every URL requested, in order, with the status served. */
  readonly requests: { url: string; status: number }[];
  /** The URLs the mirror can answer. */
  readonly urls: readonly string[];
}

interface Entry {
  readonly body: Uint8Array | string;
  readonly headers: Record<string, string>;
}

const bytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const text = (path: string): string => readFileSync(path, 'utf8');
const certInput = (path: string): Uint8Array | string =>
  /\.(pem|crt)$/.test(path) ? text(path) : bytes(path);
const crlBytes = (v: Uint8Array | string): Uint8Array =>
  typeof v === 'string' ? parseCrl(v.trim()).raw : v;

function productOfCrl(der: Uint8Array): SnpProduct | undefined {
  const cn = parseCrl(der).issuer.attributes.find((a) => a.type === 'CN')?.value;
  const m = /^ARK-(Milan|Genoa|Turin)$/.exec(cn ?? '');
  return m?.[1] as SnpProduct | undefined;
}

/**
 * Builds the mirror from files. Throws when a file is not what its list says it is.
 *
 * @param files - the files to serve.
 * @returns the mirror.
 */
export function createOfflineMirror(files: MirrorFiles): OfflineMirror {
  const table = new Map<string, Entry>();
  const binary = { 'content-type': 'application/octet-stream' };

  // AMD KDS: the VCEK URL carries the product, hwID and TCB the certificate was issued for.
  for (const path of files.vceks ?? []) {
    const cert = parseCertificate(certInput(path));
    const ext = parseSnpVcekExtensions(cert);
    if (ext.product === undefined || ext.hwid === undefined) {
      throw new Error(`${path}: not a VCEK (no product name or hwID extension)`);
    }
    const url = snpKdsUrls({
      product: ext.product,
      signer: 'VCEK',
      hwid: ext.hwid,
      tcb: {
        bootloader: ext.blSpl ?? 0,
        tee: ext.teeSpl ?? 0,
        snp: ext.snpSpl ?? 0,
        microcode: ext.ucodeSpl ?? 0,
        ...(ext.fmcSpl !== undefined ? { fmc: ext.fmcSpl } : {}),
      },
    }).vcek;
    if (url !== undefined) table.set(url, { body: cert.raw, headers: binary });
  }
  for (const path of files.certChains ?? []) {
    const pem = text(path);
    const ark = parseCertificates(pem).find((c) => snpCertificateRole(c).role === 'ark');
    const product = ark !== undefined ? snpCertificateRole(ark).product : undefined;
    if (product === undefined) throw new Error(`${path}: no ARK of a known product in the bundle`);
    const urls = snpKdsUrls(stubParams(product));
    table.set(urls.vcekCertChain, {
      body: pem,
      headers: { 'content-type': 'application/x-pem-file' },
    });
  }
  for (const path of files.crls ?? []) {
    const der = bytes(path);
    const product = productOfCrl(der);
    if (product === undefined) throw new Error(`${path}: not a CRL issued by an AMD ARK`);
    table.set(snpKdsUrls(stubParams(product)).vcekCrl, { body: der, headers: binary });
  }

  // Intel PCS: issuer chains travel percent-encoded in response headers, as PCS sends them.
  for (const path of files.tdxCollateral ?? []) {
    const json = text(path);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const c: TdxCollateral =
      typeof parsed.tcb_info === 'string'
        ? tdxCollateralFromDcapQvl(json)
        : (parsed as unknown as TdxCollateral);
    const tcbText = typeof c.tcbInfo === 'string' ? c.tcbInfo : new TextDecoder().decode(c.tcbInfo);
    const fmspc = /"fmspc"\s*:\s*"([0-9a-fA-F]{12})"/.exec(tcbText)?.[1]?.toLowerCase();
    if (fmspc === undefined) throw new Error(`${path}: TCB info without an FMSPC`);
    if (c.pckCrl === undefined || c.pckCrlIssuerChain === undefined || c.rootCaCrl === undefined) {
      throw new Error(`${path}: the PCK CRL, its issuer chain and the Root CA CRL are all needed`);
    }
    const pckCrl = crlBytes(typeof c.pckCrl === 'string' ? hexOrPem(c.pckCrl) : c.pckCrl);
    const ca = /Processor/.test(parseCrl(pckCrl).issuer.text) ? 'processor' : 'platform';
    const urls = pcsUrls({ fmspc, ca, tee: 'tdx' });
    const chain = (name: string, value: string): Record<string, string> => ({
      'content-type': 'application/json',
      [name]: encodeURIComponent(value),
    });
    table.set(urls.tcbInfo, {
      body: tcbText,
      headers: chain(PCS_ISSUER_CHAIN_HEADERS.tcbInfo[0]!, c.tcbInfoIssuerChain),
    });
    table.set(urls.qeIdentity, {
      body: c.qeIdentity,
      headers: chain(PCS_ISSUER_CHAIN_HEADERS.qeIdentity[0]!, c.qeIdentityIssuerChain),
    });
    table.set(urls.pckCrl, {
      body: pckCrl,
      headers: {
        ...binary,
        [PCS_ISSUER_CHAIN_HEADERS.pckCrl[0]!]: encodeURIComponent(c.pckCrlIssuerChain),
      },
    });
    const root = typeof c.rootCaCrl === 'string' ? hexOrPem(c.rootCaCrl) : c.rootCaCrl;
    table.set(urls.rootCaCrl, { body: crlBytes(root), headers: binary });
  }

  const requests: { url: string; status: number }[] = [];
  return {
    requests,
    urls: [...table.keys()],
    fetch: (url, init) => {
      if (init?.signal?.aborted === true) return Promise.reject(new Error('aborted'));
      const hit = table.get(url);
      requests.push({ url, status: hit === undefined ? 404 : 200 });
      if (hit === undefined) return Promise.resolve(new Response('not mirrored', { status: 404 }));
      const body = typeof hit.body === 'string' ? hit.body : hit.body.slice();
      return Promise.resolve(new Response(body, { status: 200, headers: hit.headers }));
    },
  };
}

/** A CRL given as hex (PCCS style) or PEM text. */
function hexOrPem(s: string): Uint8Array | string {
  const t = s.trim();
  return /^[0-9a-fA-F]+$/.test(t) ? fromHex(t) : t;
}

function stubParams(product: SnpProduct): Parameters<typeof snpKdsUrls>[0] {
  return {
    product,
    signer: 'VLEK',
    hwid: new Uint8Array(0),
    tcb: { bootloader: 0, tee: 0, snp: 0, microcode: 0 },
  };
}
