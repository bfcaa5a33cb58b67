/**
 * KDS- and PCS-shaped routes over the real vectors, for the loopback collateral server. The
 * routes know the URL shapes from AMD's KDS interface spec (57230) and Intel's PCS API v4, not
 * from attestkit: a VCEK is served only for the chip id and TCB the vector's expected.json gives.
 */
import { readVector, readVectorJson, readVectorText } from '../../support/vectors.js';
import { evaluationCollateral, type Json } from '../../tdx/support/vector-cases.js';
import type { Route, Served } from './collateral-server.js';

interface KdsVcek {
  readonly product: string;
  readonly hwid: string;
  readonly spl: Readonly<Record<string, string>>;
  readonly der: Uint8Array;
}

function snpExpected(id: string): Json {
  const all = readVectorJson('snp', 'expected.json');
  return (all.vectors as Json[]).find((v) => v.id === id).expected;
}

/** expected.json's `reported_tcb` → the KDS query values (AMD KDS spec 57230). */
function splOf(reported: Json): Record<string, string> {
  return {
    blSPL: String(reported.bootloader),
    teeSPL: String(reported.tee),
    snpSPL: String(reported.snp),
    ucodeSPL: String(reported.microcode),
  };
}

const CA = 'application/x-x509-ca-cert';

/** AMD KDS `/vcek/v1/…` for the Genoa (genoa-v2-oak) and Milan (milan-v2-gsg) vectors. */
export function kdsRoute(): Route {
  const vceks: KdsVcek[] = [
    ['Genoa', 'snp-genoa-v2-oak', 'genoa-v2-oak'],
    ['Milan', 'snp-milan-v2-gsg', 'milan-v2-gsg'],
  ].map(([product, id, dir]) => {
    const e = snpExpected(id!);
    return {
      product: product!,
      hwid: String(e.chip_id).toLowerCase(),
      spl: splOf(e.reported_tcb),
      der: readVector('snp', dir!, 'vcek.der'),
    };
  });
  const chains: Record<string, string> = {
    Genoa: readVectorText('snp', 'roots', 'ask_ark_genoa.pem'),
    Milan: readVectorText('snp', 'roots', 'ask_ark_milan.pem'),
  };
  const crls: Record<string, Uint8Array> = {
    Genoa: readVector('snp', 'crl', 'genoa_ark.crl.der'),
    Milan: readVector('snp', 'crl', 'milan_ark.crl.der'),
  };
  return (path, query): Served | undefined => {
    const m = /^\/vcek\/v1\/(Milan|Genoa|Turin)\/([^/]+)$/.exec(path);
    if (m === null) return undefined;
    const [, product, last] = m;
    const chain = chains[product!];
    const crl = crls[product!];
    if (last === 'cert_chain' && chain !== undefined)
      return { body: chain, headers: { 'content-type': 'application/x-pem-file' } };
    if (last === 'crl' && crl !== undefined)
      return { body: crl, headers: { 'content-type': 'application/pkix-crl' } };
    const v = vceks.find(
      (x) =>
        x.product === product &&
        x.hwid === last!.toLowerCase() &&
        Object.entries(x.spl).every(([k, val]) => query.get(k) === val),
    );
    return v !== undefined ? { body: v.der, headers: { 'content-type': CA } } : undefined;
  };
}

/** The real TDX case served over PCS: its quote dir and the evaluation time. */
export const TDX_CASE = 'gotdx-v4-cos113-gcp';

/** `suggested_verification_time` of {@link TDX_CASE}'s first evaluation. */
export function tdxNow(): string {
  return readVectorJson('tdx', TDX_CASE, 'expected.json').tcb_evaluations[0]
    .suggested_verification_time as string;
}

/** Intel PCS v4 (TDX TCB info, TD_QE identity, PCK CRL, Root CA CRL) for {@link TDX_CASE}. */
export function pcsRoute(): Route {
  const ev = readVectorJson('tdx', TDX_CASE, 'expected.json').tcb_evaluations[0];
  const col = evaluationCollateral(TDX_CASE, ev);
  const text = (v: string | Uint8Array): string =>
    typeof v === 'string' ? v : new TextDecoder().decode(v);
  const fmspc = /"fmspc"\s*:\s*"([0-9a-fA-F]{12})"/.exec(text(col.tcbInfo))![1]!.toLowerCase();
  const pckChain =
    readVectorText('tdx', 'collateral', 'certs', 'intel_sgx_pck_platform_ca.pem') +
    readVectorText('tdx', 'collateral', 'certs', 'intel_sgx_root_ca.pem');
  const json = 'application/json';
  return (path, query): Served | undefined => {
    if (path === '/tdx/certification/v4/tcb' && query.get('fmspc')?.toLowerCase() === fmspc)
      return {
        body: text(col.tcbInfo),
        headers: {
          'content-type': json,
          'TCB-Info-Issuer-Chain': encodeURIComponent(col.tcbInfoIssuerChain),
        },
      };
    if (path === '/tdx/certification/v4/qe/identity')
      return {
        body: text(col.qeIdentity),
        headers: {
          'content-type': json,
          'SGX-Enclave-Identity-Issuer-Chain': encodeURIComponent(col.qeIdentityIssuerChain),
        },
      };
    if (path === '/sgx/certification/v4/pckcrl' && query.get('ca') === 'platform')
      return {
        body: col.pckCrl as Uint8Array,
        headers: { 'SGX-PCK-CRL-Issuer-Chain': encodeURIComponent(pckChain) },
      };
    if (path === '/sgx/certification/v4/rootcacrl') return { body: col.rootCaCrl as Uint8Array };
    return undefined;
  };
}

/** Both services on one server (KDS and PCS paths do not overlap). */
export function kdsAndPcsRoute(): Route {
  const kds = kdsRoute();
  const pcs = pcsRoute();
  return (path, query) => kds(path, query) ?? pcs(path, query);
}
