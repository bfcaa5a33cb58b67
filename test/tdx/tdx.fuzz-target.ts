/** Fuzz targets for the DCAP parsers (picked up by test/fuzz/parsers.test.ts). */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, readVector } from '../support/vectors.js';
import { parseTdxQuote } from '../../src/tdx/parse.js';
import { parseQeIdentity, parseTcbInfo } from '../../src/tdx/collateral.js';
import { parsePckExtensions } from '../../src/tdx/pck.js';
import { parseCertificates } from '../../src/core/x509.js';
import { quoteCases } from './support/vector-cases.js';
import { SGX_EXTENSION_OID } from '../../src/tdx/layout.js';
import type { X509Certificate } from '../../src/core/x509.js';

/** A certificate stand-in whose only content is an SGX extension holding `value`. */
function certWithSgxExtension(value: Uint8Array): X509Certificate {
  return {
    extensions: [{ oid: SGX_EXTENSION_OID.ROOT, critical: false, value }],
  } as unknown as X509Certificate;
}

const quoteSeeds = (): Uint8Array[] =>
  hasVectors ? quoteCases().map((c) => readVector('tdx', c.dir, 'quote.bin')) : [];

const collateral =
  (...files: string[][]): (() => Uint8Array[]) =>
  () =>
    hasVectors ? files.map((f) => readVector('tdx', 'collateral', ...f)) : [];

export const targets: FuzzTarget[] = [
  { name: 'parseTdxQuote', parse: (b) => parseTdxQuote(b), seeds: quoteSeeds, maxLength: 6000 },
  {
    name: 'parseTcbInfo',
    parse: (b) => parseTcbInfo(b),
    seeds: collateral(
      ['gotdx', 'tcbinfo_tdx_50806f000000_eval15.json'],
      ['trustee', 'tcbInfo_tdx_00A06D080000.json'],
      ['zkdcap', 'tcbinfov3_00806f050000.json'],
    ),
    maxLength: 5000,
  },
  {
    name: 'parseQeIdentity',
    parse: (b) => parseQeIdentity(b),
    seeds: collateral(
      ['gotdx', 'qeidentity_td_qe_eval15.json'],
      ['zkdcap', 'qeidentityv2_sgx.json'],
    ),
    maxLength: 2000,
  },
  {
    // The SGX extension value of a PCK certificate (DER), read through parsePckExtensions.
    name: 'parsePckExtensions',
    parse: (b) => parsePckExtensions(certWithSgxExtension(b)),
    seeds: () =>
      quoteSeeds()
        .slice(0, 4)
        .map((q) => {
          const text = new TextDecoder().decode(
            parseTdxQuote(q).certificationData.pckCertChain.data,
          );
          return parseCertificates(text)[0]!.extensions.find(
            (e) => e.oid === SGX_EXTENSION_OID.ROOT,
          )!.value;
        }),
    maxLength: 1024,
  },
];
