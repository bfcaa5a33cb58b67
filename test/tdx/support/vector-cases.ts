/**
 * Real-vector helpers for the TDX suites: the quote cases under vectors/tdx/<case>/ and the
 * collateral each `tcb_evaluations` entry names (PCS bodies, dcap-qvl JSON, CRLs, the TCB
 * Signing certificate valid at the suggested time). Read in place, never copied.
 */
import { existsSync, readdirSync } from 'node:fs';
import {
  readVector,
  readVectorJson,
  readVectorText,
  vectorPath,
  hasVectors,
} from '../../support/vectors.js';
import { tdxCollateralFromDcapQvl } from '../../../src/tdx/collateral.js';
import type { TdxCollateral } from '../../../src/tdx/types.js';

/** Parsed vector JSON (expected.json files are free-form). */
export type Json = ReturnType<typeof JSON.parse>;

export interface QuoteCase {
  readonly dir: string;
  readonly expected: Json;
}

/** Every vectors/tdx/<case>/ with a quote.bin. */
export function quoteCases(): QuoteCase[] {
  if (!hasVectors || !existsSync(vectorPath('tdx'))) return [];
  return readdirSync(vectorPath('tdx'))
    .filter((d) => existsSync(vectorPath('tdx', d, 'quote.bin')))
    .sort()
    .map((dir) => ({ dir, expected: readVectorJson('tdx', dir, 'expected.json') }));
}

export function quoteBytes(dir: string): Uint8Array {
  return readVector('tdx', dir, 'quote.bin');
}

const TCB_SIGNING_2025 = new Date('2025-05-06T09:25:00Z');

/** PEM of the TCB Signing certificate valid at `now` (the 2018 issue before 2025-05-06) and the root. */
export function tcbSigningChain(now: Date): string {
  const signer =
    now < TCB_SIGNING_2025
      ? 'intel_sgx_tcb_signing_2018_2025.pem'
      : 'intel_sgx_tcb_signing_2025_2032.pem';
  return (
    readVectorText('tdx', 'collateral', 'certs', signer) +
    readVectorText('tdx', 'collateral', 'certs', 'intel_sgx_root_ca.pem')
  );
}

function caseFile(dir: string, ref: string): string[] {
  // References look like "../collateral/x.json", "../collateral/x.json (field tcb_info)" or
  // "../collateral/x.json#pck_crl (hex DER)".
  const path = ref.replace(/ \(.*\)$/, '').replace(/#.*$/, '');
  return ['tdx', ...`${dir}/${path}`.split('/')].reduce<string[]>((acc, p) => {
    if (p === '..') acc.pop();
    else acc.push(p);
    return acc;
  }, []);
}

/** The collateral of one `tcb_evaluations` entry, as PCS would serve it. */
export function evaluationCollateral(dir: string, ev: Json): TdxCollateral {
  const now = new Date(ev.suggested_verification_time);
  const out: Record<string, unknown> = {};
  const load = (ref: string, field: 'tcbInfo' | 'qeIdentity'): void => {
    if (ref.includes('(field')) {
      const c = tdxCollateralFromDcapQvl(readVectorText(...caseFile(dir, ref)));
      out[field] = c[field];
      out[`${field}IssuerChain`] = c[`${field}IssuerChain`];
    } else {
      out[field] = readVectorText(...caseFile(dir, ref));
      out[`${field}IssuerChain`] = tcbSigningChain(now);
    }
  };
  load(ev.tcb_info_file, 'tcbInfo');
  load(ev.qe_identity_file, 'qeIdentity');
  const crls: string[] = ev.crl_files ?? [];
  if (crls.length > 0) {
    if (crls[0]!.includes('#')) {
      const c = tdxCollateralFromDcapQvl(readVectorText(...caseFile(dir, crls[0]!)));
      out.pckCrl = c.pckCrl;
      out.pckCrlIssuerChain = c.pckCrlIssuerChain;
      out.rootCaCrl = c.rootCaCrl;
    } else {
      out.pckCrl = readVector(...caseFile(dir, crls[0]!));
      out.rootCaCrl = readVector(...caseFile(dir, crls[1]!));
    }
  }
  return out as unknown as TdxCollateral;
}

/** The API's status name for the vectors' `TcbNotSupported`. */
export function apiStatus(s: string): string {
  return s === 'TcbNotSupported' ? 'NoMatchingTcbLevel' : s;
}
