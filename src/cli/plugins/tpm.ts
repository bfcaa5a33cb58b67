/**
 * CLI plugin of `attestkit/tpm`: `tpm-quote`, a TPM 2.0 quote bundle — one JSON file
 * (`"format": "attestkit-tpm-quote/1"`) holding the TPMS_ATTEST, the TPMT_SIGNATURE, the AK public
 * area (TPM2B_PUBLIC / TPMT_PUBLIC) or SPKI PEM, the verifier's nonce and the PCR values, as hex
 * (default) or base64 (`"encoding": "base64"`). Optional: `ekPublic` (the AK's parent, to check
 * the qualified signer), `signatureScheme` for a raw signature. `verify` runs `verifyTpmQuote`
 * with the verifier's inputs only: the nonce from `--nonce` (demo: manifest `nonce`), SHA-1 only
 * with `--allow-sha1` (demo: manifest `allowSha1`), and the AK from `--ak FILE` (demo: manifest
 * `ak`). The bundle's own `nonce` and `allowSha1` are ignored, and without a trusted AK the
 * bundle's AK still checks the signature but the CLI's required check `cli.ak-anchor` is a skip:
 * a key taken from the evidence proves nothing, so the verdict is NOT VERIFIED. The AK's TPM
 * attributes are required (`requireAkAttributes`): an AK given as a PEM / DER public key cannot
 * show that it is a restricted signing key, so `tpm.quote.ak-attributes` is then a required skip.
 * A malformed bundle is `ERR_BAD_JSON` naming the field.
 */
import {
  parseTpmPublic,
  parseTpmsAttest,
  parseTpmtSignature,
  tpmHandleName,
  tpmName,
  tpmQualifiedName,
  verifyTpmQuote,
  type PcrBanks,
  type TpmKeyInput,
  type TpmQuoteVerifyOptions,
  type TpmRawSignatureScheme,
} from '../../tpm/index.js';
import { AttestError, ledgerOk, type Check } from '../../index.js';
import type {
  CliContext,
  CliVerification,
  EvidenceFile,
  EvidencePlugin,
  Inspection,
} from '../registry.js';
import { verifierAk, verifierNonce } from './verifier-inputs.js';

/** The bundle format id. */
export const TPM_QUOTE_BUNDLE_FORMAT = 'attestkit-tpm-quote/1';

type Json = Record<string, unknown>;
type Rows = [string, string][];

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function parseBundle(file: EvidenceFile): Json | undefined {
  if (file.text === undefined || !file.text.trimStart().startsWith('{')) return undefined;
  try {
    const j = JSON.parse(file.text) as unknown;
    return isObject(j) && j.format === TPM_QUOTE_BUNDLE_FORMAT ? j : undefined;
  } catch {
    return undefined;
  }
}

/** A malformed bundle: `ERR_BAD_JSON` naming the field, as for the other JSON evidence. */
function malformed(field: string, message: string): AttestError {
  return new AttestError('ERR_BAD_JSON', { field, message });
}

function bytesOf(b: Json, field: string, required: true): Uint8Array;
function bytesOf(b: Json, field: string, required: false): Uint8Array | undefined;
function bytesOf(b: Json, field: string, required: boolean): Uint8Array | undefined {
  const v = b[field];
  if (v === undefined) {
    if (required) throw malformed(field, `the quote bundle lacks "${field}"`);
    return undefined;
  }
  if (typeof v !== 'string') throw malformed(field, `"${field}" must be a string`);
  return decode(v, b.encoding === 'base64' ? 'base64' : 'hex', field);
}

function decode(v: string, encoding: 'hex' | 'base64', field: string): Uint8Array {
  if (encoding === 'hex') {
    if (!/^([0-9a-fA-F]{2})*$/.test(v)) throw malformed(field, `"${field}" is not hex`);
    return Uint8Array.from(v.match(/../g) ?? [], (x) => parseInt(x, 16));
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw malformed(field, `"${field}" is not base64`);
  const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function akOf(b: Json): TpmKeyInput {
  if (b.akPem !== undefined) {
    if (typeof b.akPem !== 'string') throw malformed('akPem', '"akPem" must be PEM text');
    return b.akPem;
  }
  return bytesOf(b, 'akPublic', true);
}

function pcrsOf(b: Json): PcrBanks | undefined {
  if (b.pcrs === undefined) return undefined;
  if (!isObject(b.pcrs)) throw malformed('pcrs', '"pcrs" must be { bank: { index: digest } }');
  const enc = b.encoding === 'base64' ? 'base64' : 'hex';
  // fromEntries: a bank named "__proto__" stays a plain own key, never the prototype.
  return Object.fromEntries(
    Object.entries(b.pcrs).map(([bank, values]) => {
      if (!isObject(values)) throw malformed(`pcrs.${bank}`, `"pcrs.${bank}" must be an object`);
      const regs = Object.entries(values).map(([i, v]): [number, Uint8Array] => {
        const field = `pcrs.${bank}.${i}`;
        // Decimal, as tpm2_pcrread prints; which indices the TPM has is the verifier's to judge.
        if (!/^(0|[1-9][0-9]{0,2})$/.test(i) || Number(i) > 255)
          throw malformed(field, `"${i}" is not a PCR index (a decimal number)`);
        if (typeof v !== 'string') throw malformed(field, `"${field}" must be a string`);
        return [Number(i), decode(v, enc, field)];
      });
      return [bank, Object.fromEntries(regs)];
    }),
  );
}

/** The raw signature's scheme, when the bundle gives one: an object, else `ERR_BAD_JSON`. */
function schemeOf(b: Json): TpmRawSignatureScheme | undefined {
  if (b.signatureScheme === undefined) return undefined;
  if (!isObject(b.signatureScheme))
    throw malformed('signatureScheme', '"signatureScheme" must be { scheme, hash }');
  return b.signatureScheme as unknown as TpmRawSignatureScheme;
}

function selectionText(
  sel: readonly { hash?: string; hashAlg: number; pcrs: readonly number[] }[],
): string {
  return sel
    .map((s) => `${s.hash ?? `0x${s.hashAlg.toString(16)}`}:${s.pcrs.join(',')}`)
    .join(' + ');
}

async function inspect(file: EvidenceFile): Promise<Inspection> {
  await Promise.resolve();
  const b = parseBundle(file);
  if (b === undefined) throw malformed('format', `not a ${TPM_QUOTE_BUNDLE_FORMAT} bundle`);
  const attest = parseTpmsAttest(bytesOf(b, 'attest', true));
  const rows: Rows = [
    ['type', `${attest.type} (0x${attest.typeId.toString(16)})`],
    ['magic', `0x${attest.magic.toString(16)}`],
    ['qualifiedSigner', hex(attest.qualifiedSigner)],
    ['extraData (nonce)', hex(attest.extraData) || '(empty)'],
    ['clock', `${attest.clockInfo.clock} ms`],
    [
      'resetCount / restartCount',
      `${attest.clockInfo.resetCount} / ${attest.clockInfo.restartCount}`,
    ],
    ['safe', String(attest.clockInfo.safe)],
    ['firmwareVersion', `0x${attest.firmwareVersion.toString(16).padStart(16, '0')}`],
  ];
  if (attest.attested.type === 'quote') {
    rows.push(['PCR selection', selectionText(attest.attested.pcrSelect)]);
    rows.push(['pcrDigest', hex(attest.attested.pcrDigest)]);
  }
  // What the bundle says about the verifier's side is a claim; verify ignores it.
  if (typeof b.nonce === 'string') rows.push(['nonce claimed by the bundle (ignored)', b.nonce]);
  if (b.allowSha1 !== undefined)
    rows.push(['allowSha1 claimed by the bundle (ignored)', JSON.stringify(b.allowSha1)]);
  const sections: Inspection['sections'][number][] = [{ heading: 'TPMS_ATTEST', rows }];
  const sigRows: Rows = [];
  const scheme = schemeOf(b);
  if (scheme === undefined) {
    const sig = parseTpmtSignature(bytesOf(b, 'signature', true));
    sigRows.push(['scheme', `${sig.sigAlg} / ${sig.hash}`]);
  } else sigRows.push(['scheme', `raw ${JSON.stringify(scheme)}`]);
  const ak = akOf(b);
  if (ak instanceof Uint8Array) {
    const p = parseTpmPublic(ak);
    sigRows.push(['AK type / nameAlg', `${p.type} / ${p.nameAlg}`]);
    sigRows.push([
      'AK objectAttributes',
      `0x${p.objectAttributes.value.toString(16).padStart(8, '0')} (${p.objectAttributes.names.join(' | ')})`,
    ]);
    sigRows.push(['AK Name', hex(tpmName(p))]);
  } else sigRows.push(['AK', 'SubjectPublicKeyInfo (PEM)']);
  sections.push({ heading: 'Signature and AK', rows: sigRows });
  const pcrs = pcrsOf(b);
  if (pcrs !== undefined) {
    const pr: Rows = [];
    for (const [bank, values] of Object.entries(pcrs)) {
      for (const [i, v] of Object.entries(values as Record<string, Uint8Array>))
        pr.push([`${bank}[${i}]`, hex(v)]);
    }
    sections.push({ heading: 'PCR values claimed (unverified)', rows: pr });
  }
  return { title: 'TPM 2.0 quote (unverified)', sections };
}

/** Id of the CLI's required check that the AK is the verifier's, not the evidence's. */
const AK_ANCHOR_ID = 'cli.ak-anchor';

async function verify(file: EvidenceFile, ctx: CliContext): Promise<CliVerification> {
  const b = parseBundle(file);
  if (b === undefined) throw malformed('format', `not a ${TPM_QUOTE_BUNDLE_FORMAT} bundle`);
  const m = ctx.manifest ?? {};
  // Freshness, SHA-1 acceptance and the AK are the verifier's: never the bundle's `nonce`,
  // `allowSha1` or (as a trust anchor) its AK.
  const given = verifierNonce(ctx);
  const trusted = verifierAk(ctx);
  const ekPublic = bytesOf(b, 'ekPublic', false);
  const allowSha1 = ctx.allowSha1 === true || m.allowSha1 === true;
  const options: TpmQuoteVerifyOptions = {
    // The AK must show that it is a TPM-resident restricted signing key: a key given as SPKI/PEM
    // cannot, and a quote-shaped blob signed by an unrestricted key must not verify.
    requireAkAttributes: true,
    ...(given !== undefined ? { nonce: given.nonce } : {}),
    ...(allowSha1 ? { allowSha1 } : {}),
    ...(ekPublic !== undefined
      ? { akParentQualifiedName: tpmQualifiedName(tpmHandleName('endorsement'), ekPublic) }
      : {}),
  };
  const pcrs = pcrsOf(b);
  const scheme = schemeOf(b);
  const r = await verifyTpmQuote(
    {
      attest: bytesOf(b, 'attest', true),
      signature: bytesOf(b, 'signature', true),
      akPublic: trusted !== undefined ? trusted.key : akOf(b),
      ...(pcrs !== undefined ? { pcrs } : {}),
      ...(scheme !== undefined ? { signatureScheme: scheme } : {}),
    },
    options,
  );
  const anchor: Check =
    trusted !== undefined
      ? {
          id: AK_ANCHOR_ID,
          status: 'pass',
          required: true,
          message: `the signature was checked with the AK the verifier trusts (${trusted.source})`,
        }
      : {
          id: AK_ANCHOR_ID,
          status: 'skip',
          required: true,
          message:
            "no trusted AK: the signature was checked with the bundle's own AK, which proves nothing (anyone can sign a quote with a key of their own); pass --ak FILE (the AK as TPM2B_PUBLIC / TPMT_PUBLIC, or a PEM public key)",
        };
  // Right after the library's AK check, as eventlog.ts places its CLI-only check.
  const at = r.checks.findIndex((c) => c.id === 'tpm.quote.ak') + 1 || r.checks.length;
  const checks = [...r.checks.slice(0, at), anchor, ...r.checks.slice(at)];
  const ok = ledgerOk(checks);
  const facts: [string, string][] = [];
  facts.push([
    'AK source',
    trusted !== undefined
      ? `${trusted.source} (the verifier's)`
      : 'the bundle (untrusted: pass --ak FILE)',
  ]);
  if (r.akKey !== undefined) {
    facts.push([
      'AK',
      r.akKey.kind === 'ec' ? `ECC ${r.akKey.curve}` : `RSA-${r.akKey.n.length * 8}`,
    ]);
  }
  facts.push(['nonce', given !== undefined ? given.source : 'none given (pass --nonce HEX)']);
  if (b.nonce !== undefined || b.allowSha1 !== undefined) {
    facts.push([
      'bundle nonce / allowSha1',
      "ignored: freshness and SHA-1 acceptance are the verifier's (--nonce, --allow-sha1)",
    ]);
  }
  if (r.pcrSelection !== undefined) facts.push(['signed selection', selectionText(r.pcrSelection)]);
  if (r.clockInfo !== undefined) {
    facts.push([
      'clock',
      `${r.clockInfo.clock} ms, resets ${r.clockInfo.resetCount}, safe ${r.clockInfo.safe}`,
    ]);
  }
  if (r.firmwareVersion !== undefined) {
    facts.push(['firmwareVersion', `0x${r.firmwareVersion.toString(16).padStart(16, '0')}`]);
  }
  const proven = Object.values(r.pcrs).reduce((n, v) => n + Object.keys(v ?? {}).length, 0);
  facts.push(['PCRs proven', ok ? String(proven) : '0 (verification failed)']);
  // The result printed by --json follows the CLI's verdict: no PCR is proven unless ok.
  const result = { ...r, ok, checks, pcrs: ok ? r.pcrs : {} };
  return { title: 'TPM 2.0 quote', ok, checks, facts, result };
}

/** `tpm-quote`: a JSON TPM quote bundle (`attestkit-tpm-quote/1`). */
export const tpmQuotePlugin: EvidencePlugin = {
  id: 'tpm-quote',
  title: 'TPM 2.0 quote bundle (TPMS_ATTEST + TPMT_SIGNATURE + AK + PCRs)',
  verifierInputs: ['nonce', 'ak', 'allowSha1'],
  detect: (file) => parseBundle(file) !== undefined,
  inspect,
  verify,
};

/** The TPM plugins, for `src/cli/plugins/index.ts`. */
export const tpmPlugins: readonly EvidencePlugin[] = [tpmQuotePlugin];
