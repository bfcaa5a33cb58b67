/**
 * A relying party verifying an Arm CCA attestation token.
 *
 *   npx tsx examples/cca-verify.ts
 *
 * It runs offline. With the attestkit test vectors present ($ATTESTKIT_VECTORS or
 * ../shared/vectors) it verifies the real TF-RMM token `cca/tokens/rc-cca-token-01.cbor`: the
 * CPAK is looked up by instance id + implementation id in a Veraison-style trust-anchor store,
 * and the claims are appraised against Veraison-style reference values. Without the vectors it
 * verifies the SYNTHETIC demo token in examples/evidence/cca-synthetic (test keys), checks the
 * nonce, and replays the realm event log against the verified REMs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCache } from '../src/index.js';
import {
  ccaKeyLookup,
  ccaPolicyFromReferenceValues,
  parseCcaReferenceValues,
  parseCcaToken,
  parseCcaTrustAnchorStore,
  verifyCcaRealmEventLog,
  verifyCcaToken,
  type CcaVerification,
} from '../src/cca/index.js';

const here = import.meta.dirname;
const vectors = process.env.ATTESTKIT_VECTORS ?? resolve(here, '../../shared/vectors');
const bytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// One cache per process: decoded CPAKs and imported keys are reused across tokens.
const cache = createCache({ maxEntries: 1000 });

function report(title: string, r: CcaVerification): void {
  console.log(`\n${title}: ${r.ok ? 'VERIFIED' : 'NOT VERIFIED'}`);
  for (const c of r.checks) {
    if (c.status !== 'skip' || c.required)
      console.log(`  ${c.status.padEnd(4)} ${c.id}  ${c.message}`);
  }
}

let ok: boolean;
const real = join(vectors, 'cca/tokens/rc-cca-token-01.cbor');
if (existsSync(real)) {
  console.log(`offline: real TF-RMM token, CPAK and reference values from ${vectors}/cca/stores`);
  const token = bytes(real);
  // Endorsements: where CPAKs come from (a CoRIM in production; Veraison's flat JSON here).
  const anchors = parseCcaTrustAnchorStore(
    readFileSync(join(vectors, 'cca/stores/ta-tfa.json'), 'utf8'),
  );
  const rv = parseCcaReferenceValues(
    readFileSync(join(vectors, 'cca/stores/rv-store.json'), 'utf8'),
  );
  const policy = ccaPolicyFromReferenceValues(
    rv,
    parseCcaToken(token).platform.claims.implementationId,
  );
  const result = await verifyCcaToken(token, {
    platformKeyLookup: ccaKeyLookup(anchors),
    // This token's realm challenge is a fixed test pattern; a real relying party passes the
    // fresh 64-byte nonce it sent to the realm.
    policy: { ...policy, challenge: new Uint8Array(64).fill(0xab) },
    cache,
  });
  report('rc-cca-token-01', result);
  console.log(`  RIM ${hex(result.realmClaims!.initialMeasurement)}`);
  ok = result.ok;
} else {
  console.log('offline: SYNTHETIC demo token (test keys), examples/evidence/cca-synthetic');
  const dir = resolve(here, 'evidence/cca-synthetic');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    challenge: string;
  };
  const result = await verifyCcaToken(bytes(join(dir, 'token.cbor')), {
    platformKey: readFileSync(join(dir, 'cpak-synthetic-test.jwk.json'), 'utf8'),
    policy: { challenge: Uint8Array.from(Buffer.from(manifest.challenge, 'hex')) },
    cache,
  });
  report('cca-synthetic', result);
  // The REMs are trustworthy only once the token verified; then the event log can explain them.
  const log = await verifyCcaRealmEventLog(
    bytes(join(dir, 'realm-eventlog-synthetic.bin')),
    result.realmClaims!,
  );
  console.log(`  realm event log: ${log.ok ? 'replays to REM0–REM3' : 'does NOT replay'}`);
  ok = result.ok && log.ok;
}
process.exitCode = ok ? 0 : 1;
