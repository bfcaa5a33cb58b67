/**
 * Example: verify a TPM 2.0 quote as a relying party does. The quote, its signature and the PCR
 * values come from the prover (the attester's bundle); the nonce and the AK come from the
 * verifier's own records — the nonce it issued for this attestation, and the AK it came to trust
 * earlier (EK certificate, then makeCredential / verifyTpmCertify). Nothing the bundle says about
 * its nonce or its key is used.
 *
 *   npx tsx examples/tpm-quote.ts                                  # the bundled swtpm example
 *   npx tsx examples/tpm-quote.ts quote.json NONCE_HEX ak.pub      # your quote, your records
 *
 * The bundled example is examples/evidence/tpm-swtpm-quote/: a quote generated here by swtpm, a
 * SOFTWARE TPM (libtpms), with `npx tsx scripts/gen-tpm-evidence.ts`. It shows the mechanics; a
 * software TPM proves nothing about hardware. Its manifest.json and ak.pub stand in for the
 * verifier's records: the nonce the verifier issued and the AK public area it registered.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseTpmsAttest,
  tpmHandleName,
  tpmName,
  tpmQualifiedName,
  verifyTpmQuote,
  type PcrBanks,
} from '../src/tpm/index.js';

const hex = (h: string): Uint8Array =>
  Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const here = dirname(fileURLToPath(import.meta.url));
const example = join(here, 'evidence', 'tpm-swtpm-quote');
const [quoteArg, nonceArg, akArg] = process.argv.slice(2);
if (quoteArg !== undefined && (nonceArg === undefined || akArg === undefined)) {
  console.error('usage: npx tsx examples/tpm-quote.ts [quote.json NONCE_HEX ak.pub]');
  console.error(
    '  the nonce you issued and the AK you trust come from your records, not the quote',
  );
  process.exit(2);
}

// The prover's side: what arrived over the wire.
const quotePath = quoteArg ?? join(example, 'quote.json');
const bundle = JSON.parse(readFileSync(quotePath, 'utf8')) as {
  attest: string;
  signature: string;
  ekPublic?: string;
  pcrs: Record<string, Record<string, string>>;
};

// The verifier's side: its own records, never the bundle. For the bundled example, the case's
// manifest.json (the nonce the verifier issued) and ak.pub (the AK it registered) play that role.
const records =
  quoteArg === undefined
    ? {
        nonce: (
          JSON.parse(readFileSync(join(example, 'manifest.json'), 'utf8')) as { nonce: string }
        ).nonce,
        akPublic: new Uint8Array(readFileSync(join(example, 'ak.pub'))),
        source: `the verifier's records (stand-ins: ${join('examples', 'evidence', 'tpm-swtpm-quote')}/manifest.json and ak.pub)`,
      }
    : {
        nonce: nonceArg!,
        akPublic: new Uint8Array(readFileSync(akArg!)),
        source: `the command line (${akArg})`,
      };
if (quoteArg === undefined) {
  console.log('evidence: a quote from swtpm, a SOFTWARE TPM run here (not a hardware TPM)');
}
console.log(`nonce and AK from ${records.source}`);

// 1. Parse (optional): the TPMS_ATTEST is the TPM's claim until the signature is verified.
const attest = parseTpmsAttest(hex(bundle.attest));
console.log(`quote: type ${attest.type}, extraData ${toHex(attest.extraData)}`);

// 2. Verify with the verifier's nonce and AK. The AK's parent (the EK) lets the qualified signer
//    be checked too; that is a consistency check on the AK's Name, not a trust anchor.
const pcrs: PcrBanks = {};
for (const [bank, regs] of Object.entries(bundle.pcrs)) {
  (pcrs as Record<string, Record<number, Uint8Array>>)[bank] = Object.fromEntries(
    Object.entries(regs).map(([i, h]) => [Number(i), hex(h)]),
  );
}
const result = await verifyTpmQuote(
  {
    attest: hex(bundle.attest),
    signature: hex(bundle.signature),
    akPublic: records.akPublic,
    pcrs,
  },
  {
    nonce: hex(records.nonce), // the nonce YOU issued for this attestation
    requireAkAttributes: true, // the AK must show it is a TPM-resident restricted signing key
    ...(bundle.ekPublic !== undefined
      ? {
          akParentQualifiedName: tpmQualifiedName(
            tpmHandleName('endorsement'),
            hex(bundle.ekPublic),
          ),
        }
      : {}),
  },
);
for (const c of result.checks) console.log(`  [${c.status}] ${c.id}: ${c.message}`);
console.log(
  `AK Name ${toHex(tpmName(records.akPublic))}; clock ${result.clockInfo?.clock} ms, safe ${result.clockInfo?.safe}`,
);

// 3. Use only what the quote proves: result.pcrs (empty unless ok).
if (!result.ok) {
  console.log('quote NOT verified: no PCR value is trusted');
  process.exitCode = 1;
} else {
  for (const [bank, regs] of Object.entries(result.pcrs)) {
    for (const [i, v] of Object.entries(regs ?? {}))
      console.log(`  proven ${bank}[${i}] = ${toHex(v)}`);
  }
  console.log(
    quoteArg === undefined
      ? 'quote VERIFIED against the verifier’s nonce and AK (a software TPM: this shows the mechanics, not hardware trust)'
      : 'quote VERIFIED against your nonce and AK',
  );
}
