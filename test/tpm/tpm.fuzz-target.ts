/** Fuzz targets for every TPM parser (picked up by test/fuzz/parsers.test.ts). */
import type { FuzzTarget } from '../fuzz/harness.js';
import { hasVectors, listVectors, readVector } from '../support/vectors.js';
import {
  parseEkCertificate,
  parseTpm2bPublic,
  parseTpmlPcrSelection,
  parseTpmPublic,
  parseTpmsAttest,
  parseTpmsCreationData,
  parseTpmtPublic,
  parseTpmtSignature,
  resolveTpmKey,
} from '../../src/tpm/index.js';
import { derFromInput } from '../../src/core/encoding.js';
import { readVectorText } from '../support/vectors.js';

function files(suffixes: readonly string[]): Uint8Array[] {
  if (!hasVectors) return [];
  const out: Uint8Array[] = [];
  for (const rel of listVectors('tpm')) {
    if (suffixes.some((s) => rel.endsWith(s))) out.push(readVector('tpm', rel));
  }
  return out;
}

const attests = (): Uint8Array[] =>
  files(['quote.msg', 'certify.attest', 'quote.out', 'ak.CreateAttestation.bin']).concat(
    files(['_sha1.msg', '_sha256.msg', '_sha384.msg']),
  );

/** TPML_PCR_SELECTION seeds: the selection inside each quote (after the fixed header). */
function selections(): Uint8Array[] {
  return attests().flatMap((a) => {
    try {
      const p = parseTpmsAttest(a);
      if (p.attested.type !== 'quote') return [];
      const start = 6 + 2 + p.qualifiedSigner.length + 2 + p.extraData.length + 17 + 8;
      return [a.subarray(start, a.length - 2 - p.attested.pcrDigest.length).slice()];
    } catch {
      return [];
    }
  });
}

export const targets: FuzzTarget[] = [
  { name: 'parseTpmsAttest', parse: (b) => parseTpmsAttest(b), seeds: attests },
  {
    name: 'parseTpmtSignature',
    parse: (b) => parseTpmtSignature(b),
    seeds: () => files(['quote.sig', 'certify.sig', 'quotesig.out', 'ak.CreateSignature.bin']),
  },
  {
    name: 'parseTpmtPublic',
    parse: (b) => parseTpmtPublic(b),
    seeds: () => files(['.tpmt_public.bin']),
  },
  {
    name: 'parseTpm2bPublic',
    parse: (b) => parseTpm2bPublic(b),
    seeds: () => files(['.tpm2b_public.bin', 'keylime/ak.pub', 'keylime/ek.pub']),
  },
  {
    name: 'parseTpmPublic (TPM2B or TPMT)',
    parse: (b) => parseTpmPublic(b),
    seeds: () => files(['.tpm2b_public.bin', '.tpmt_public.bin']),
  },
  { name: 'parseTpmlPcrSelection', parse: (b) => parseTpmlPcrSelection(b), seeds: selections },
  {
    name: 'parseTpmsCreationData',
    parse: (b) => parseTpmsCreationData(b),
    seeds: () => files(['ak.CreateData.bin']),
  },
  {
    name: 'resolveTpmKey (SPKI DER seeds)',
    parse: (b) => resolveTpmKey(b),
    seeds: () =>
      hasVectors
        ? listVectors('tpm')
            .filter((p) => p.endsWith('.pem') && !p.includes('ca_'))
            .map((p) => derFromInput(readVectorText('tpm', p), 'PUBLIC KEY'))
        : [],
  },
  {
    name: 'parseEkCertificate',
    parse: (b) => parseEkCertificate(b),
    seeds: () => files(['_cert.der']),
    maxLength: 2048,
  },
];
