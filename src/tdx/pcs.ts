/**
 * @module
 * `pcsUrls`: the URL shapes of Intel's Provisioning Certification Service API v4 (and of a PCCS,
 * which serves the same paths under its own host) for the collateral of one quote — TCB info by
 * FMSPC, QE identity, PCK CRL by CA, the Root CA CRL — and the response headers that carry each
 * issuer chain. Pure: no I/O. Spec: Intel SGX and TDX PCS API v4 reference.
 */
import { assertBytes } from '../core/bytes.js';
import { toHex } from '../core/encoding.js';
import type { PckCa, TeeKind } from './types.js';
import { frozen } from '../core/share.js';

/** Intel's production PCS host. Exported from `attestkit/tdx`. */
export const PCS_BASE_URL = 'https://api.trustedservices.intel.com';
/** Where Intel publishes the Intel SGX Root CA CRL (DER). Exported from `attestkit/tdx`. */
export const PCS_ROOT_CA_CRL_URL =
  'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';

/** Response headers holding the (percent-encoded PEM) issuer chains, PCS API v4. Exported from `attestkit/tdx`. */
export const PCS_ISSUER_CHAIN_HEADERS: {
  /** TCB info issuer chain: `TCB-Info-Issuer-Chain` (v4), then the older SGX-only name. */
  readonly tcbInfo: readonly string[];
  /** QE identity issuer chain (TD_QE, QE and QvE alike). */
  readonly qeIdentity: readonly string[];
  /** PCK CRL issuer chain (PCK Platform or Processor CA, then Root CA). */
  readonly pckCrl: readonly string[];
} = /* @__PURE__ */ frozen({
  tcbInfo: ['TCB-Info-Issuer-Chain', 'SGX-TCB-Info-Issuer-Chain'],
  qeIdentity: ['SGX-Enclave-Identity-Issuer-Chain'],
  pckCrl: ['SGX-PCK-CRL-Issuer-Chain'],
});

/** Options of {@link pcsUrls}. */
export interface PcsUrlOptions {
  /** PCS or PCCS base URL. Default {@link PCS_BASE_URL}. */
  readonly baseUrl?: string;
  /**
   * Root CA CRL URL. Default: Intel's certificates host for the Intel PCS, and
   * `<base>/sgx/certification/v4/rootcacrl` for any other base (a PCCS).
   */
  readonly rootCaCrlUrl?: string;
  /** `update=early|standard` for TCB info and QE identity. Default: not sent (standard). */
  readonly update?: 'early' | 'standard';
  /** Ask for collateral of a given TCB evaluation data number. Default: latest. */
  readonly tcbEvaluationDataNumber?: number;
  /** Ask for the PCK CRL in DER (`encoding=der`). Default true. */
  readonly derCrl?: boolean;
}

/** The URLs {@link pcsUrls} builds. */
export interface PcsUrls {
  /** TCB info for the FMSPC (`/tdx/…/tcb` or `/sgx/…/tcb`). */
  readonly tcbInfo: string;
  /** QE identity (`/tdx/…/qe/identity` for TD_QE, `/sgx/…/qe/identity` for the SGX QE). */
  readonly qeIdentity: string;
  /** PCK CRL of the CA. */
  readonly pckCrl: string;
  /** Intel SGX Root CA CRL. */
  readonly rootCaCrl: string;
}

function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Builds the PCS v4 URLs for one platform's collateral. Exported from `attestkit/tdx`.
 * Spec: Intel PCS API v4 ("Get TCB Info", "Get Quoting Enclave Identity", "Get PCK Cert CRL").
 *
 * @param params - `fmspc` (12 hex digits or 6 bytes), `ca` (`platform` default, or `processor`),
 *   `tee` (`tdx` default, or `sgx`).
 * @param options - `baseUrl` (PCS or PCCS), `rootCaCrlUrl`, `update`, `tcbEvaluationDataNumber`,
 *   `derCrl`.
 * @returns `{ tcbInfo, qeIdentity, pckCrl, rootCaCrl }`.
 * @throws {TypeError} for an FMSPC that is not 6 bytes / 12 hex digits, or a bad option.
 * @example
 * ```ts
 * import { pcsUrls } from 'attestkit/tdx';
 * const urls = pcsUrls({ fmspc: '00806f050000' });
 * // urls.tcbInfo === 'https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=00806f050000'
 * ```
 */
export function pcsUrls(
  params: { readonly fmspc: string | Uint8Array; readonly ca?: PckCa; readonly tee?: TeeKind },
  options: PcsUrlOptions = {},
): PcsUrls {
  if (typeof params !== 'object' || params === null)
    throw new TypeError('params must be an object');
  let fmspc: string;
  if (typeof params.fmspc === 'string') {
    if (!/^[0-9a-fA-F]{12}$/.test(params.fmspc)) throw new TypeError('fmspc must be 12 hex digits');
    fmspc = params.fmspc.toLowerCase();
  } else {
    assertBytes(params.fmspc, 'fmspc');
    if (params.fmspc.length !== 6) throw new TypeError('fmspc must be 6 bytes');
    fmspc = toHex(params.fmspc);
  }
  const ca = params.ca ?? 'platform';
  if (ca !== 'platform' && ca !== 'processor')
    throw new TypeError('ca must be platform or processor');
  const tee = params.tee ?? 'tdx';
  if (tee !== 'tdx' && tee !== 'sgx') throw new TypeError('tee must be tdx or sgx');
  const base = trimBase(options.baseUrl ?? PCS_BASE_URL);
  const query: string[] = [];
  if (options.update !== undefined) {
    if (options.update !== 'early' && options.update !== 'standard')
      throw new TypeError('update must be early or standard');
    query.push(`update=${options.update}`);
  }
  if (options.tcbEvaluationDataNumber !== undefined) {
    if (
      !Number.isSafeInteger(options.tcbEvaluationDataNumber) ||
      options.tcbEvaluationDataNumber < 0
    ) {
      throw new TypeError('tcbEvaluationDataNumber must be a non-negative integer');
    }
    query.push(`tcbEvaluationDataNumber=${options.tcbEvaluationDataNumber}`);
  }
  const extra = query.length > 0 ? query.join('&') : '';
  const isIntel = base === PCS_BASE_URL;
  return {
    tcbInfo: `${base}/${tee}/certification/v4/tcb?fmspc=${fmspc}${extra !== '' ? `&${extra}` : ''}`,
    qeIdentity: `${base}/${tee}/certification/v4/qe/identity${extra !== '' ? `?${extra}` : ''}`,
    pckCrl: `${base}/sgx/certification/v4/pckcrl?ca=${ca}${options.derCrl === false ? '' : '&encoding=der'}`,
    rootCaCrl:
      options.rootCaCrlUrl ??
      (isIntel ? PCS_ROOT_CA_CRL_URL : `${base}/sgx/certification/v4/rootcacrl`),
  };
}
