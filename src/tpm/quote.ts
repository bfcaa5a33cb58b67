/**
 * @module
 * `verifyTpmQuote`: verifies a TPM2_Quote (TPM 2.0 Library Part 3 rev 1.59 §18.4) — the
 * TPM_GENERATED magic and QUOTE type, the AK and its attributes, the signature (RSASSA, RSAPSS
 * with either salt convention, ECDSA), the nonce in extraData, the qualified signer, SHA-1 use,
 * the exact PCR selection and the pcrDigest — and returns only PCRs the signature covers.
 */
import { type CheckSpec, type Ledger } from '../core/checks.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { createDigester } from '../core/crypto.js';
import { isComputableHash, TPM_ALG, TPM_HASH_IDS, TPM_HASH_SIZES, TPM_ST } from './constants.js';
import { assertInputBytes } from './structures.js';
import { copyPlain } from '../core/share.js';
import { tpmQualifiedName } from './name.js';
import { matchPcrSelection, normalizePcrBanks, type PcrSelectionMatch } from './pcrs.js';
import {
  assertRawScheme,
  hexNumber,
  optionalBoolean,
  optionalBytes,
  runAttestChecks,
} from './attest-checks.js';
import type {
  PcrBanks,
  TpmQuoteCheckId,
  TpmQuoteEvidence,
  TpmQuoteVerification,
  TpmQuoteVerifyOptions,
  TpmsAttest,
  TpmsPcrSelection,
  TpmtPublic,
} from './types.js';

const CHECKS: readonly TpmQuoteCheckId[] = [
  'tpm.quote.structure',
  'tpm.quote.magic',
  'tpm.quote.type',
  'tpm.quote.ak',
  'tpm.quote.ak-attributes',
  'tpm.quote.scheme',
  'tpm.quote.signature',
  'tpm.quote.nonce',
  'tpm.quote.qualified-signer',
  'tpm.quote.sha1',
  'tpm.quote.pcr-selection',
  'tpm.quote.pcr-digest',
  'tpm.quote.clock-safe',
];

const ALWAYS_REQUIRED: ReadonlySet<TpmQuoteCheckId> = new Set<TpmQuoteCheckId>([
  'tpm.quote.structure',
  'tpm.quote.magic',
  'tpm.quote.type',
  'tpm.quote.ak',
  'tpm.quote.scheme',
  'tpm.quote.signature',
  'tpm.quote.sha1',
]);

const SPECS: readonly CheckSpec<TpmQuoteCheckId>[] = /* @__PURE__ */ CHECKS.map((id) => ({
  id,
  required: ALWAYS_REQUIRED.has(id),
}));

/** AK attributes every attestation key must have (TCG "AK" profile; restricted signing key). */
const AK_REQUIRED_ATTRIBUTES = [
  'fixedTPM',
  'fixedParent',
  'sensitiveDataOrigin',
  'restricted',
  'sign',
] as const;

/**
 * Records `tpm.quote.ak-attributes` (or the certify signer's equivalent) for a TPM public.
 *
 * @internal
 */
export function akAttributeProblems(p: TpmtPublic): string[] {
  const a = p.objectAttributes;
  const problems: string[] = AK_REQUIRED_ATTRIBUTES.filter((n) => !a[n]).map((n) => `${n} clear`);
  if (a.decrypt) problems.push('decrypt set (an AK must not decrypt)');
  // A TPM object has a Name; nameAlg NULL is for sequence objects, never a TPM-resident key.
  if (p.nameAlgId === TPM_ALG.NULL) problems.push('nameAlg is NULL (an object without a Name)');
  return problems;
}

/**
 * Verifies a TPM 2.0 quote (TPM2_Quote, Part 3 §18.4) against an attestation key, the verifier's
 * nonce and the PCR values the prover claims. Every check is reported, in a fixed order, in the
 * returned ledger (ids `tpm.quote.*`):
 *
 * - `structure`, `magic` (TPM_GENERATED 0xFF544347), `type` (TPM_ST_ATTEST_QUOTE);
 * - `ak` (the key decodes), `ak-attributes` (for a TPMT_PUBLIC AK: fixedTPM, fixedParent,
 *   sensitiveDataOrigin, restricted, sign set; decrypt clear);
 * - `scheme` (signature scheme fits the key and the AK's own scheme), `signature` (RSASSA,
 *   RSAPSS with salt = hash length or the maximum, ECDSA);
 * - `nonce`: extraData equals `options.nonce` in constant time; skipped without a nonce, and
 *   required while `requireNonce` (default true). An empty nonce proves no freshness: it fails
 *   while `requireNonce` holds, and an empty extraData matching it only warns without it;
 * - `qualified-signer`: qualifiedSigner = `nameAlg ‖ H(parentQN ‖ Name(AK))` when the AK is a
 *   TPMT_PUBLIC and `akParentQualifiedName` is given (otherwise only its algorithm is checked);
 * - `sha1`: SHA-1 banks or a SHA-1 signature (its hash read from the TPMT_SIGNATURE, so known
 *   even when the AK does not decode) fail unless `allowSha1`;
 * - `pcr-selection`: the supplied PCRs are exactly the signed selection (a PCR outside it fails
 *   the check and is never returned — CVE-2022-0317, CVE-2024-29039);
 * - `pcr-digest`: pcrDigest = H(selected values in selection order), H = the signing hash;
 * - `clock-safe`: `clockInfo.safe` (a warning when clear).
 *
 * @param evidence - TPMS_ATTEST bytes, TPMT_SIGNATURE bytes (or a raw signature with
 *   `signatureScheme`), the AK (TPMT_PUBLIC / TPM2B_PUBLIC / SPKI bytes, PEM, JWK or parsed) and
 *   optionally the claimed PCR values.
 * @param options - nonce, requireNonce, allowSha1, akParentQualifiedName, cache.
 * @returns the ledger plus the parsed quote, clockInfo, firmwareVersion and `pcrs`: only values
 *   inside the signed selection, and only when `ok` (otherwise empty).
 * @throws {TypeError} for arguments of the wrong type (never for bad evidence).
 * @example
 * ```ts
 * import { verifyTpmQuote } from 'attestkit/tpm';
 * const r = await verifyTpmQuote({ attest, signature, akPublic, pcrs }, { nonce });
 * if (r.ok) console.log(r.pcrs.sha256?.[7]);
 * ```
 */
export async function verifyTpmQuote(
  evidence: TpmQuoteEvidence,
  options: TpmQuoteVerifyOptions = {},
): Promise<TpmQuoteVerification> {
  if (typeof evidence !== 'object' || evidence === null) {
    throw new TypeError('evidence must be { attest, signature, akPublic, pcrs? }');
  }
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  assertInputBytes(evidence.attest, 'evidence.attest');
  assertInputBytes(evidence.signature, 'evidence.signature');
  if (evidence.akPublic === undefined || evidence.akPublic === null) {
    throw new TypeError('evidence.akPublic is required');
  }
  if (evidence.signatureScheme !== undefined) assertRawScheme(evidence.signatureScheme);
  optionalBytes(options.nonce, 'options.nonce');
  optionalBytes(options.akParentQualifiedName, 'options.akParentQualifiedName');
  optionalBoolean(options.requireNonce, 'options.requireNonce');
  optionalBoolean(options.allowSha1, 'options.allowSha1');
  optionalBoolean(options.requireAkAttributes, 'options.requireAkAttributes');

  const state = runAttestChecks(SPECS, {
    ids: {
      structure: 'tpm.quote.structure',
      magic: 'tpm.quote.magic',
      type: 'tpm.quote.type',
      key: 'tpm.quote.ak',
      scheme: 'tpm.quote.scheme',
      signature: 'tpm.quote.signature',
      nonce: 'tpm.quote.nonce',
    },
    attest: evidence.attest,
    signature: evidence.signature,
    signatureScheme: evidence.signatureScheme,
    key: evidence.akPublic,
    keyRole: 'AK',
    types: [TPM_ST.ATTEST_QUOTE],
    nonce: options.nonce,
    requireNonce: options.requireNonce !== false,
    cache: options.cache,
  });
  const { ledger, attest, tpmt, key: ak, parts, signatureDone } = state;
  if (evidence.pcrs !== undefined) {
    ledger.require('tpm.quote.pcr-selection');
    ledger.require('tpm.quote.pcr-digest');
  }
  // Validated once the signature check is under way (a TypeError still rejects the call).
  const supplied = evidence.pcrs !== undefined ? normalizePcrBanks(evidence.pcrs) : undefined;

  // AK attributes (only knowable from a TPMT_PUBLIC).
  if (ak?.publicArea !== undefined) {
    ledger.require('tpm.quote.ak-attributes');
    const problems = akAttributeProblems(ak.publicArea);
    ledger.result(
      'tpm.quote.ak-attributes',
      problems.length === 0,
      problems.length === 0
        ? "the AK's public area claims a TPM-resident restricted signing key (trusted only once its Name is bound: activation or a certify)"
        : `AK attributes are not those of an attestation key: ${problems.join(', ')}`,
      {
        objectAttributes: `0x${hexNumber(ak.publicArea.objectAttributes.value, 8)}`,
        names: ak.publicArea.objectAttributes.names,
        ...(problems.length > 0 ? { problems } : {}),
      },
    );
  } else if (ak !== undefined) {
    if (options.requireAkAttributes === true) ledger.require('tpm.quote.ak-attributes');
    ledger.skip(
      'tpm.quote.ak-attributes',
      'AK given as SPKI/JWK: its TPM attributes are unknown (give the TPMT_PUBLIC to check them)',
    );
  } else ledger.dependsOn('tpm.quote.ak-attributes', 'tpm.quote.ak');

  // 5. Qualified signer (required when the caller gave the parent's qualified Name).
  if (options.akParentQualifiedName !== undefined) ledger.require('tpm.quote.qualified-signer');
  checkQualifiedSigner(ledger, attest, ak?.publicArea, options.akParentQualifiedName);

  // 6. SHA-1. The signing hash is read from the TPMT_SIGNATURE (or the bare signature's
  // scheme), not from `parts`: those need a decoded AK, and without one a SHA-1 signature
  // would pass as "no SHA-1".
  const selection = attest?.attested.type === 'quote' ? attest.attested.pcrSelect : undefined;
  if (ledger.dependsOn('tpm.quote.sha1', 'tpm.quote.structure')) {
    const signingHash = tpmt !== undefined ? tpmt.hash : evidence.signatureScheme?.hash;
    const uses: string[] = [];
    if (selection?.some((s) => s.hash === 'sha1')) uses.push('SHA-1 PCR bank selected');
    if (signingHash === 'sha1') uses.push('SHA-1 signature');
    // The AK's Name (what a certify, a credential or the qualified signer binds) is a digest in
    // its nameAlg: a SHA-1 Name binds as weakly as a SHA-1 signature.
    if (ak?.publicArea?.nameAlg === 'sha1') uses.push('SHA-1 AK Name');
    // A passed structure check means the signature parsed (or came with its scheme), so this
    // skip is a guard: an unknown signing hash must never pass as "no SHA-1".
    if (signingHash === undefined)
      ledger.skip('tpm.quote.sha1', 'the signature hash is unknown (see tpm.quote.structure)');
    else if (uses.length === 0)
      ledger.pass('tpm.quote.sha1', 'no SHA-1 bank, signature or AK Name');
    else if (options.allowSha1 === true)
      ledger.warn('tpm.quote.sha1', `${uses.join(' and ')}: accepted because allowSha1`, { uses });
    else ledger.fail('tpm.quote.sha1', `${uses.join(' and ')} (set allowSha1 to accept)`, { uses });
  }

  // 7. PCRs.
  let match: PcrSelectionMatch | undefined;
  if (supplied === undefined) {
    ledger.skip('tpm.quote.pcr-selection', 'no PCR values supplied');
    ledger.skip('tpm.quote.pcr-digest', 'no PCR values supplied');
  } else {
    if (
      ledger.dependsOn('tpm.quote.pcr-selection', 'tpm.quote.structure', 'tpm.quote.type') &&
      selection
    ) {
      match = matchPcrSelection(selection, supplied);
      const c = match.comparison;
      const ok =
        c.extra.length + c.missing.length + c.wrongSize.length + c.unsupportedBanks.length === 0;
      ledger.result(
        'tpm.quote.pcr-selection',
        ok,
        ok
          ? `supplied PCRs are exactly the signed selection (${describeSelection(selection)})`
          : `supplied PCRs differ from the signed selection: ${[
              c.extra.length > 0 ? `supplied but not signed: ${c.extra.join(', ')}` : '',
              c.missing.length > 0 ? `signed but not supplied: ${c.missing.join(', ')}` : '',
              c.wrongSize.length > 0 ? `wrong digest size: ${c.wrongSize.join(', ')}` : '',
              c.unsupportedBanks.length > 0
                ? `unsupported banks: ${c.unsupportedBanks.join(', ')}`
                : '',
            ]
              .filter((s) => s !== '')
              .join('; ')}`,
        {
          selection: selection.map((s) => ({ bank: s.hash ?? s.hashAlg, pcrs: s.pcrs })),
          ...(ok ? {} : { extra: c.extra, missing: c.missing, wrongSize: c.wrongSize }),
        },
      );
    }
    if (
      ledger.dependsOn('tpm.quote.pcr-digest', 'tpm.quote.pcr-selection') &&
      selection &&
      attest?.attested.type === 'quote'
    ) {
      if (parts === undefined || !isComputableHash(parts.hash)) {
        ledger.skip('tpm.quote.pcr-digest', 'the signing hash is unknown (see tpm.quote.scheme)');
      } else {
        // pcr-selection passed, so the values were matched and copied in TPM order.
        const computed = createDigester(parts.hash).digest(match!.concatenated!);
        const same = equalBytes(computed, attest.attested.pcrDigest);
        const actual = toHex(computed);
        ledger.result(
          'tpm.quote.pcr-digest',
          same,
          same
            ? `pcrDigest equals ${parts.hash.toUpperCase()} of the supplied values`
            : `pcrDigest does not match the supplied PCR values (${parts.hash.toUpperCase()})`,
          {
            expected: same ? actual : toHex(attest.attested.pcrDigest),
            actual,
            hash: parts.hash,
          },
        );
      }
    }
  }

  // 8. Clock.
  if (ledger.dependsOn('tpm.quote.clock-safe', 'tpm.quote.structure') && attest) {
    if (attest.clockInfo.safe) ledger.pass('tpm.quote.clock-safe', 'clockInfo.safe is set');
    else
      ledger.warn(
        'tpm.quote.clock-safe',
        'clockInfo.safe is clear: the TPM clock may have gone backwards',
      );
  }

  // A memoised AK is read by later calls: each result holds its own copy (core share.ts), made
  // while the signature is being verified off the main thread.
  const [akPublic, akKey] =
    ak !== undefined && state.keyShared
      ? copyPlain([ak.publicArea, ak.key] as const)
      : [ak?.publicArea, ak?.key];

  await signatureDone;
  const { ok, checks } = ledger.finish();
  // PCR values are returned only when everything held: inside the signed selection (by the
  // pcr-selection check), matching the signed digest, under a valid signature and fresh nonce.
  const pcrs: PcrBanks = ok ? (match?.selected ?? {}) : {};
  // Built field by field (same keys, same order as the documented result; no spreads).
  const out = { ok, checks } as {
    -readonly [K in keyof TpmQuoteVerification]: TpmQuoteVerification[K];
  };
  if (attest !== undefined) out.attest = attest;
  if (tpmt !== undefined) out.signature = tpmt;
  if (akPublic !== undefined) out.akPublic = akPublic;
  if (akKey !== undefined) out.akKey = akKey;
  if (attest !== undefined) {
    out.clockInfo = attest.clockInfo;
    out.firmwareVersion = attest.firmwareVersion;
  }
  if (selection !== undefined) out.pcrSelection = selection;
  out.pcrs = pcrs;
  return out;
}

function describeSelection(selection: readonly TpmsPcrSelection[]): string {
  return selection
    .map((s) => `${s.hash ?? `0x${s.hashAlg.toString(16)}`}:${s.pcrs.join(',')}`)
    .join(' + ');
}

/** Records the qualified-signer check shared by quote verification. */
function checkQualifiedSigner(
  ledger: Ledger<TpmQuoteCheckId>,
  attest: TpmsAttest | undefined,
  publicArea: TpmtPublic | undefined,
  parentQn: Uint8Array | undefined,
): void {
  const id = 'tpm.quote.qualified-signer';
  if (publicArea === undefined) {
    ledger.skip(id, 'AK given without its TPMT_PUBLIC: its Name is unknown');
    return;
  }
  if (!ledger.dependsOn(id, 'tpm.quote.structure') || attest === undefined) return;
  const alg = publicArea.nameAlg;
  if (!isComputableHash(alg)) {
    ledger.skip(id, `AK nameAlg ${alg} cannot be computed`);
    return;
  }
  const qs = attest.qualifiedSigner;
  const algId = TPM_HASH_IDS[alg];
  const shapeOk = qs.length === 2 + TPM_HASH_SIZES[alg] && ((qs[0]! << 8) | qs[1]!) === algId;
  if (!shapeOk) {
    ledger.fail(id, `qualifiedSigner is not a ${alg} qualified Name like the AK's`, {
      actual: toHex(qs),
      nameAlg: alg,
    });
    return;
  }
  if (parentQn === undefined) {
    ledger.skip(
      id,
      "akParentQualifiedName not given: qualifiedSigner uses the AK's nameAlg, its digest was not compared",
    );
    return;
  }
  const expected = tpmQualifiedName(parentQn, publicArea);
  ledger.result(
    id,
    equalBytes(expected, qs),
    equalBytes(expected, qs)
      ? "qualifiedSigner is the AK's qualified Name"
      : "qualifiedSigner is not the AK's qualified Name under the given parent",
    { expected: toHex(expected), actual: toHex(qs) },
  );
}
