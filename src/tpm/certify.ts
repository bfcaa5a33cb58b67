/**
 * @module
 * `verifyTpmCertify`: verifies a TPM2_Certify (TPM 2.0 Library Part 3 rev 1.59 §18.2) or
 * TPM2_CertifyCreation (§18.3) statement — a TPMS_ATTEST signed by a TPM-resident key that names
 * another object — and binds the given public area to it through its recomputed Name.
 */
import type { CheckSpec } from '../core/checks.js';
import { digest } from '../core/crypto.js';
import { AttestError } from '../core/errors.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { isComputableHash, TPM_ST } from './constants.js';
import { assertInputBytes, publicAreaOf } from './structures.js';
import { tpmName } from './name.js';
import {
  assertRawScheme,
  errorDetail,
  optionalBoolean,
  optionalBytes,
  runAttestChecks,
} from './attest-checks.js';
import type {
  TpmCertifyCheckId,
  TpmCertifyEvidence,
  TpmCertifyVerification,
  TpmCertifyVerifyOptions,
  TpmtPublic,
} from './types.js';

const CHECKS: readonly TpmCertifyCheckId[] = [
  'tpm.certify.structure',
  'tpm.certify.magic',
  'tpm.certify.type',
  'tpm.certify.signer',
  'tpm.certify.signer-attributes',
  'tpm.certify.scheme',
  'tpm.certify.signature',
  'tpm.certify.nonce',
  'tpm.certify.sha1',
  'tpm.certify.name',
  'tpm.certify.object-attributes',
  'tpm.certify.creation-hash',
];

const REQUIRED: ReadonlySet<TpmCertifyCheckId> = new Set<TpmCertifyCheckId>([
  'tpm.certify.structure',
  'tpm.certify.magic',
  'tpm.certify.type',
  'tpm.certify.signer',
  'tpm.certify.scheme',
  'tpm.certify.signature',
  'tpm.certify.sha1',
  'tpm.certify.name',
  'tpm.certify.object-attributes',
]);

const SPECS: readonly CheckSpec<TpmCertifyCheckId>[] = /* @__PURE__ */ CHECKS.map((id) => ({
  id,
  required: REQUIRED.has(id),
}));

/**
 * Verifies that a TPM-resident signing key certified an object: TPM2_Certify
 * (TPM_ST_ATTEST_CERTIFY, Part 3 §18.2) or TPM2_CertifyCreation (TPM_ST_ATTEST_CREATION, §18.3).
 * Checks (`tpm.certify.*`): structure, magic, type, signer, signer-attributes (a restricted
 * signing key when given as TPMT_PUBLIC; with an explicit `requireRestrictedSigner: true` an
 * SPKI / JWK signer fails it), scheme, signature, nonce (extraData in constant time; required by
 * default, and then an empty nonce fails: it proves no freshness), sha1 (the signature hash and
 * the certified object's nameAlg), name (the certified Name equals `tpmName(objectPublic)`),
 * object-attributes (the certified object is TPM-resident: fixedTPM, fixedParent and
 * sensitiveDataOrigin set; a warning with `allowNonResidentObject`) and creation-hash
 * (`creationHash = H_nameAlg(creationData)` of a CertifyCreation; required whenever
 * `creationData` is given, and failed when the statement is a plain Certify, which signs
 * nothing about creation data).
 *
 * @param evidence - TPMS_ATTEST, TPMT_SIGNATURE, the signer's key and the certified public area.
 * @param options - nonce, requireNonce, allowSha1, requireRestrictedSigner,
 *   allowNonResidentObject, cache.
 * @returns the ledger, the parsed structures and the recomputed object Name.
 * @throws {TypeError} for arguments of the wrong type.
 * @example
 * ```ts
 * import { verifyTpmCertify } from 'attestkit/tpm';
 * const r = await verifyTpmCertify(
 *   { attest, signature, signerPublic: ekOrAkPub, objectPublic: newAkPub },
 *   { nonce },
 * );
 * ```
 */
export async function verifyTpmCertify(
  evidence: TpmCertifyEvidence,
  options: TpmCertifyVerifyOptions = {},
): Promise<TpmCertifyVerification> {
  if (typeof evidence !== 'object' || evidence === null) {
    throw new TypeError('evidence must be { attest, signature, signerPublic, objectPublic }');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  assertInputBytes(evidence.attest, 'evidence.attest');
  assertInputBytes(evidence.signature, 'evidence.signature');
  if (evidence.signerPublic === undefined || evidence.signerPublic === null) {
    throw new TypeError('evidence.signerPublic is required');
  }
  const op = evidence.objectPublic as unknown;
  if (
    !(op instanceof Uint8Array) &&
    (typeof op !== 'object' || op === null || !((op as TpmtPublic).raw instanceof Uint8Array))
  ) {
    throw new TypeError('evidence.objectPublic must be TPMT_PUBLIC / TPM2B_PUBLIC bytes or parsed');
  }
  if (op instanceof Uint8Array) assertInputBytes(op, 'evidence.objectPublic');
  optionalBytes(evidence.creationData, 'evidence.creationData');
  if (evidence.signatureScheme !== undefined) assertRawScheme(evidence.signatureScheme);
  optionalBytes(options.nonce, 'options.nonce');
  optionalBoolean(options.requireNonce, 'options.requireNonce');
  optionalBoolean(options.allowSha1, 'options.allowSha1');
  optionalBoolean(options.requireRestrictedSigner, 'options.requireRestrictedSigner');
  optionalBoolean(options.allowNonResidentObject, 'options.allowNonResidentObject');

  const { ledger, attest, tpmt, key, parts, signatureDone } = runAttestChecks(SPECS, {
    ids: {
      structure: 'tpm.certify.structure',
      magic: 'tpm.certify.magic',
      type: 'tpm.certify.type',
      key: 'tpm.certify.signer',
      scheme: 'tpm.certify.scheme',
      signature: 'tpm.certify.signature',
      nonce: 'tpm.certify.nonce',
    },
    attest: evidence.attest,
    signature: evidence.signature,
    signatureScheme: evidence.signatureScheme,
    key: evidence.signerPublic,
    keyRole: 'signing key',
    types: [TPM_ST.ATTEST_CERTIFY, TPM_ST.ATTEST_CREATION],
    nonce: options.nonce,
    requireNonce: options.requireNonce !== false,
    cache: options.cache,
  });

  // A non-restricted key signs anything, including bytes that look like a TPMS_ATTEST (the
  // magic only protects restricted keys), so a "certify" by one proves nothing (Part 1 §36.3).
  if (key?.publicArea !== undefined) {
    const a = key.publicArea.objectAttributes;
    const strict = options.requireRestrictedSigner !== false;
    if (strict) ledger.require('tpm.certify.signer-attributes');
    const problems = [
      ...(a.sign ? [] : ['sign clear']),
      ...(a.restricted ? [] : ['restricted clear']),
      ...(a.fixedTPM ? [] : ['fixedTPM clear']),
    ];
    if (problems.length === 0)
      ledger.pass(
        'tpm.certify.signer-attributes',
        "the signer's public area claims a TPM-resident restricted signing key (trusted only once the signer is)",
      );
    else if (!strict)
      ledger.warn('tpm.certify.signer-attributes', `signer: ${problems.join(', ')} (allowed)`, {
        problems,
      });
    else
      ledger.fail('tpm.certify.signer-attributes', `signer: ${problems.join(', ')}`, { problems });
  } else if (options.requireRestrictedSigner === true) {
    // Asked for explicitly: a key whose attributes cannot be seen does not meet it.
    ledger.require('tpm.certify.signer-attributes');
    if (key !== undefined) {
      ledger.fail(
        'tpm.certify.signer-attributes',
        'signer given as SPKI/JWK: its attributes are unknown, and requireRestrictedSigner is true (give it as TPMT_PUBLIC)',
      );
    } else ledger.dependsOn('tpm.certify.signer-attributes', 'tpm.certify.signer');
  } else if (key !== undefined) {
    ledger.skip('tpm.certify.signer-attributes', 'signer given as SPKI/JWK: attributes unknown');
  } else ledger.dependsOn('tpm.certify.signer-attributes', 'tpm.certify.signer');

  // The certified object's Name.
  let objectPublic: TpmtPublic | undefined;
  let objectName: Uint8Array | undefined;
  try {
    objectPublic = publicAreaOf(op as Uint8Array | TpmtPublic, 'evidence.objectPublic');
    objectName = tpmName(objectPublic);
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    ledger.fail('tpm.certify.name', `certified object's public area: ${e.message}`, errorDetail(e));
  }
  const certified =
    attest?.attested.type === 'certify'
      ? attest.attested.name
      : attest?.attested.type === 'creation'
        ? attest.attested.objectName
        : undefined;
  if (objectName !== undefined) {
    if (certified === undefined) {
      ledger.dependsOn('tpm.certify.name', 'tpm.certify.structure', 'tpm.certify.type');
    } else {
      const same = equalBytes(certified, objectName);
      ledger.result(
        'tpm.certify.name',
        same,
        same
          ? 'the certified Name is the Name of the given public area'
          : 'the certified Name is not the Name of the given public area',
        { expected: toHex(objectName), actual: toHex(certified) },
      );
    }
  }

  // SHA-1: the signature's hash and, once the Name binds it, the certified object's nameAlg (the
  // Name that ties the statement to objectPublic is then a SHA-1 digest).
  const bound = ledger.passed('tpm.certify.name');
  if (ledger.dependsOn('tpm.certify.sha1', 'tpm.certify.scheme') && parts !== undefined) {
    const uses = [
      ...(parts.hash === 'sha1' ? ['signature'] : []),
      ...(bound && objectPublic?.nameAlg === 'sha1' ? ["certified object's nameAlg"] : []),
    ];
    if (uses.length === 0)
      ledger.pass(
        'tpm.certify.sha1',
        bound
          ? 'neither the signature hash nor the Name is SHA-1'
          : 'the signature hash is not SHA-1 (the Name binds no public area: see tpm.certify.name)',
      );
    else if (options.allowSha1 === true)
      ledger.warn('tpm.certify.sha1', `SHA-1 ${uses.join(' and ')} accepted because allowSha1`, {
        uses,
      });
    else
      ledger.fail('tpm.certify.sha1', `SHA-1 ${uses.join(' and ')} (set allowSha1 to accept)`, {
        uses,
      });
  }

  // A TPM certifies any loaded object, a software key loaded with TPM2_LoadExternal included:
  // only these attributes show that the private part was made in this TPM and cannot leave it
  // (TPMA_OBJECT, Part 2 §8.3; go-attestation rejects a certified key without them).
  // Only a public area the certified Name binds says anything about the certified object.
  if (
    ledger.dependsOn('tpm.certify.object-attributes', 'tpm.certify.name') &&
    objectPublic !== undefined
  ) {
    const a = objectPublic.objectAttributes;
    const missing = [
      ...(a.fixedTPM ? [] : ['fixedTPM']),
      ...(a.fixedParent ? [] : ['fixedParent']),
      ...(a.sensitiveDataOrigin ? [] : ['sensitiveDataOrigin']),
    ];
    const detail = { attributes: `0x${a.value.toString(16).padStart(8, '0')}`, missing };
    if (missing.length === 0) {
      ledger.pass(
        'tpm.certify.object-attributes',
        'the certified object is TPM-resident (fixedTPM, fixedParent, sensitiveDataOrigin)',
        detail,
      );
    } else if (options.allowNonResidentObject === true) {
      ledger.warn(
        'tpm.certify.object-attributes',
        `the certified object is not TPM-resident: ${missing.join(', ')} clear (allowed by allowNonResidentObject)`,
        detail,
      );
    } else {
      ledger.fail(
        'tpm.certify.object-attributes',
        `the certified object is not TPM-resident: ${missing.join(', ')} clear (a key made outside this TPM or one that can leave it)`,
        detail,
      );
    }
  }

  // CertifyCreation: the creation data hashes to creationHash (object's nameAlg). Creation data
  // the caller gave is required to be bound: the prover picks the statement type, and a plain
  // Certify signs nothing about it.
  if (evidence.creationData !== undefined) ledger.require('tpm.certify.creation-hash');
  if (evidence.creationData === undefined) {
    ledger.skip(
      'tpm.certify.creation-hash',
      attest?.attested.type === 'creation'
        ? 'no creationData given'
        : 'not a TPM_ST_ATTEST_CREATION statement',
    );
  } else if (ledger.dependsOn('tpm.certify.creation-hash', 'tpm.certify.structure') && attest) {
    if (attest.attested.type !== 'creation') {
      ledger.fail(
        'tpm.certify.creation-hash',
        'creationData was given, but the statement is not TPM_ST_ATTEST_CREATION: no signature covers it',
        { type: attest.attested.type },
      );
    } else if (objectPublic === undefined || !isComputableHash(objectPublic.nameAlg)) {
      ledger.skip('tpm.certify.creation-hash', "the object's nameAlg is unknown");
    } else {
      const h = digest(objectPublic.nameAlg, evidence.creationData);
      const same = equalBytes(h, attest.attested.creationHash);
      ledger.result(
        'tpm.certify.creation-hash',
        same,
        same
          ? `creationHash equals ${objectPublic.nameAlg.toUpperCase()}(creationData)`
          : 'creationHash does not match the creation data',
        { expected: toHex(attest.attested.creationHash), actual: toHex(h) },
      );
    }
  }

  await signatureDone;
  const { ok, checks } = ledger.finish();
  return {
    ok,
    checks,
    ...(attest !== undefined ? { attest } : {}),
    ...(tpmt !== undefined ? { signature: tpmt } : {}),
    ...(objectPublic !== undefined ? { objectPublic } : {}),
    ...(objectName !== undefined ? { objectName } : {}),
  };
}
