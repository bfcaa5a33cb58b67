/**
 * The verifier's own inputs — its nonce, the AK it trusts, whether SHA-1 is acceptable, the
 * REPORT_DATA it expects — as `verify` takes them: from `--nonce`, `--ak`, `--allow-sha1` and
 * `--report-data`, or (demo) from the manifest, never from the evidence. A bundle's `nonce` or
 * `allowSha1` is the prover's claim: a replayed or forged quote carries whatever nonce it was
 * made with.
 */
import { AttestError, fromHex, type Check } from '../../index.js';
import { resolveTpmKey } from '../../tpm/index.js';
import type { CliContext, TrustedAk } from '../registry.js';

/** Largest `--nonce`: 64 bytes (TPM extraData is at most a SHA-512 digest; SVSM nonces are 64). */
export const MAX_NONCE_BYTES = 64;

/** Bytes of strict hex (no prefix, an even number of digits) of 1 to 64 bytes, else undefined. */
export function nonceFromHex(text: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text) || text.length / 2 > MAX_NONCE_BYTES) return undefined;
  return fromHex(text);
}

/** Size of `--report-data`: SEV-SNP REPORT_DATA and TDX / SGX REPORTDATA are 64 bytes. */
export const REPORT_DATA_BYTES = 64;

/** Bytes of strict hex (no prefix) of exactly 64 bytes, else undefined. */
export function reportDataFromHex(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]*$/.test(text) || text.length !== REPORT_DATA_BYTES * 2) return undefined;
  return fromHex(text);
}

/**
 * The verifier's nonce and where it came from, or undefined when none was given: `--nonce`, else
 * the demo manifest's `nonce` (or, for a cvm-bundle whose verifier options sit in `options`,
 * `options.nonce`; both at once is an error).
 */
export function verifierNonce(ctx: CliContext): { nonce: Uint8Array; source: string } | undefined {
  if (ctx.nonce !== undefined) return { nonce: ctx.nonce, source: '--nonce' };
  const o = ctx.manifest?.options;
  const inOptions =
    typeof o === 'object' && o !== null ? (o as Record<string, unknown>).nonce : undefined;
  if (ctx.manifest?.nonce !== undefined && inOptions !== undefined) {
    throw new AttestError('ERR_BAD_JSON', {
      field: 'options.nonce',
      message: 'the manifest gives the nonce twice (nonce and options.nonce)',
    });
  }
  const m = ctx.manifest?.nonce ?? inOptions;
  if (m === undefined) return undefined;
  const nonce = typeof m === 'string' ? nonceFromHex(m) : undefined;
  if (nonce === undefined) {
    throw new AttestError('ERR_BAD_JSON', {
      field: 'nonce',
      message: `manifest nonce must be 1 to ${MAX_NONCE_BYTES} bytes as hex digits`,
    });
  }
  return { nonce, source: 'manifest nonce' };
}

/**
 * Reads a trusted AK: PEM SubjectPublicKeyInfo text, or TPM2B_PUBLIC / TPMT_PUBLIC / DER SPKI
 * bytes, checked with `resolveTpmKey` now so that a bad file is refused before verification.
 *
 * @throws {AttestError} `ERR_BAD_KEY` (with the parser's error as `cause`) for anything else.
 */
export function trustedAkFrom(bytes: Uint8Array, source: string): TrustedAk {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64)).trimStart();
  const key: Uint8Array | string = head.startsWith('-----BEGIN')
    ? new TextDecoder('utf-8').decode(bytes)
    : bytes;
  try {
    resolveTpmKey(key);
  } catch (cause) {
    throw new AttestError('ERR_BAD_KEY', {
      message: `${source}: not a TPM2B_PUBLIC / TPMT_PUBLIC, nor a DER or PEM SubjectPublicKeyInfo${cause instanceof AttestError ? ` (${cause.code})` : ''}`,
      cause,
    });
  }
  return { key, source };
}

/** The AK the verifier trusts: `--ak`, else the demo manifest's `ak` file; undefined when neither. */
export function verifierAk(ctx: CliContext): TrustedAk | undefined {
  if (ctx.ak !== undefined) return ctx.ak;
  const m = ctx.manifest?.ak;
  if (m === undefined) return undefined;
  if (typeof m !== 'string')
    throw new AttestError('ERR_BAD_JSON', {
      field: 'ak',
      message: 'manifest ak must be a file name',
    });
  return trustedAkFrom(ctx.readFile(m), `manifest ak ${m}`);
}

/**
 * The fact row when REPORT_DATA was not compared: the evidence is authentic, but nothing ties it
 * to this request (a replayed report or quote verifies the same).
 *
 * @param evidence - `report` (SEV-SNP) or `quote` (TDX / SGX).
 * @param demo - true in `attestkit demo`, where the case's manifest gives the value.
 * @returns the row's text.
 */
export function reportDataNotCompared(evidence: 'report' | 'quote', demo = false): string {
  return `not compared (no ${reportDataInput(demo)}): VERIFIED means the ${evidence} is authentic, not that it is fresh or answers your request`;
}

/** How the user gives the expected REPORT_DATA: the flag, or in a demo the case's manifest. */
function reportDataInput(demo: boolean): string {
  return demo ? "policy.reportData in the case's manifest.json" : '--report-data HEX';
}

/**
 * The verifier's checks with the REPORT_DATA policy check's skip explained for a CLI user: the
 * check stays a non-required skip (the verdict does not change), its message names the flag.
 *
 * @param checks - the verifier's checks.
 * @param id - `snp.policy.report-data` or `tdx.policy.report-data`.
 * @param field - the spec's name of the field: `REPORT_DATA` (SEV-SNP) or `REPORTDATA` (TDX).
 * @param demo - true in `attestkit demo`, where the case's manifest gives the value.
 * @returns the checks, the one entry's message replaced when it was skipped.
 */
export function explainReportDataSkip(
  checks: readonly Check[],
  id: string,
  field: string,
  demo = false,
): Check[] {
  return checks.map((c) =>
    c.id === id && c.status === 'skip'
      ? {
          ...c,
          message: `${field} not compared: give the ${REPORT_DATA_BYTES} bytes you expect with ${reportDataInput(demo)} (without it, VERIFIED means authentic, not fresh)`,
        }
      : c,
  );
}
