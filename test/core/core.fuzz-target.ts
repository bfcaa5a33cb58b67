/** Fuzz targets for the core DER / X.509 / CRL parsers, seeded with real certificates and CRLs. */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, readVector } from '../support/vectors.js';
import { parseDer } from '../../src/core/der.js';
import { parseCertificate, parseCrl } from '../../src/core/x509.js';
import { decodePem } from '../../src/core/encoding.js';

const certSeeds = (): Uint8Array[] =>
  hasVectors
    ? [
        readVector('snp/milan-v2-gsg/vcek.der'),
        readVector('snp/milan-v3-vlek-aws-trustee/vlek.der'),
        readVector('tdx/collateral/certs/intel_sgx_root_ca.der'),
      ]
    : [];
const crlSeeds = (): Uint8Array[] =>
  hasVectors
    ? [
        readVector('snp/crl/genoa_ark.crl.der'),
        readVector('tdx/collateral/zkdcap/pck_platform_crl.der'),
      ]
    : [];

export const targets: FuzzTarget[] = [
  { name: 'parseDer', parse: (b) => parseDer(b), seeds: () => [...certSeeds(), ...crlSeeds()] },
  { name: 'parseCertificate', parse: (b) => parseCertificate(b), seeds: certSeeds },
  { name: 'parseCrl', parse: (b) => parseCrl(b), seeds: crlSeeds },
  {
    name: 'decodePem',
    parse: (b) => decodePem(new TextDecoder().decode(b)),
    seeds: () => (hasVectors ? [readVector('snp/roots/ask_ark_milan.pem')] : []),
  },
];
