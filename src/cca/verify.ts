/**
 * @module
 * `verifyCcaToken`: every check a relying party needs on a CCA attestation token (RMM DEN0137
 * A7, draft-ffm-rats-cca-token §5–7), a stand-alone CCA platform token, or a PSA token (RFC 9783
 * §5), reported as one ledger. Order of work follows the spec notes: envelope → both COSE_Sign1 →
 * CPAK (given, or looked up by instance id + implementation id) → platform signature → RAK
 * (curve, no private part) → realm signature → binding (platform challenge = H(RAK claim bytes))
 * → claim sizes and lifecycle → policy.
 */
import { AttestError } from '../core/errors.js';
import { assertValidNow, createLedger, type CheckSpec, type Ledger } from '../core/checks.js';
import {
  HASH_SIZES,
  digestAsync,
  ecPoint,
  publicKeyToJwk,
  verifySignature,
  type EcCurve,
} from '../core/crypto.js';
import { concatBytes } from '../core/bytes.js';
import { equalBytes, toHex } from '../core/encoding.js';
import { memo, type AttestCache } from '../core/cache.js';
import { ccaHashAlgorithm } from './claims.js';
import { COSE_ALGORITHMS } from './cose.js';
import { assertOnCurve, ccaPublicKey, type EcPublicKey } from './keys.js';
import { parseCcaToken } from './parse.js';
import { POLICY_FIELDS, applyCcaPolicy } from './policy.js';
import type {
  CcaCheckId,
  CcaKeyInput,
  CcaLifecycleState,
  CcaPlatformClaims,
  CcaPolicy,
  CcaRealmClaims,
  CcaToken,
  CcaTokenFormat,
  CcaVerification,
  CcaVerifyOptions,
  CoseAlgorithmName,
  CoseSign1,
} from './types.js';

const CHECKS: readonly CheckSpec<CcaCheckId>[] = [
  { id: 'cca.decode', required: true },
  { id: 'cca.format', required: true },
  { id: 'cca.platform.algorithm', required: true },
  { id: 'cca.platform.key', required: true },
  { id: 'cca.platform.signature', required: true },
  { id: 'cca.platform.instance-id' },
  { id: 'cca.platform.claims', required: true },
  { id: 'cca.platform.lifecycle', required: true },
  { id: 'cca.realm.algorithm' },
  { id: 'cca.realm.public-key' },
  { id: 'cca.realm.signature' },
  { id: 'cca.realm.claims' },
  { id: 'cca.binding' },
  { id: 'cca.policy.profiles' },
  { id: 'cca.policy.implementation-id' },
  { id: 'cca.policy.platform-config' },
  { id: 'cca.policy.sw-components' },
  { id: 'cca.policy.challenge' },
  { id: 'cca.policy.personalization-value' },
  { id: 'cca.policy.rim' },
  { id: 'cca.policy.rems' },
  { id: 'cca.policy.rak-hash-algorithm' },
];

const REALM_CHECKS: readonly CcaCheckId[] = [
  'cca.realm.algorithm',
  'cca.realm.public-key',
  'cca.realm.signature',
  'cca.realm.claims',
  'cca.binding',
];

const ALL_ALGORITHMS: readonly CoseAlgorithmName[] = /* @__PURE__ */ Object.freeze([
  'ES256',
  'ES384',
  'ES512',
] as CoseAlgorithmName[]);
const DIGEST_SIZES = [32, 48, 64];
const FORMATS: readonly CcaTokenFormat[] = ['cca', 'cca-platform', 'psa'];
const DEFAULT_FORMATS: readonly CcaTokenFormat[] = ['cca'];

const errorDetail = (e: AttestError): { code: string; offset?: number; message: string } => ({
  code: e.code,
  ...(e.offset !== undefined ? { offset: e.offset } : {}),
  message: e.message,
});

function isToken(v: unknown): v is CcaToken {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Partial<CcaToken>;
  return (
    FORMATS.includes(t.format!) &&
    typeof t.platform === 'object' &&
    t.platform !== null &&
    t.raw instanceof Uint8Array
  );
}

function checkOptions(options: unknown): asserts options is CcaVerifyOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  const o = options as Record<string, unknown>;
  if (o.now !== undefined) assertValidNow(o.now, 'options.now');
  const key = o.platformKey;
  if (
    key !== undefined &&
    typeof key !== 'string' &&
    !(key instanceof Uint8Array) &&
    (typeof key !== 'object' || key === null || Array.isArray(key) || ArrayBuffer.isView(key))
  ) {
    throw new TypeError('options.platformKey must be a JWK object, PEM/JSON text or a Uint8Array');
  }
  if (o.platformKeyLookup !== undefined && typeof o.platformKeyLookup !== 'function') {
    throw new TypeError('options.platformKeyLookup must be a function');
  }
  if (o.allowedAlgorithms !== undefined) {
    if (
      !Array.isArray(o.allowedAlgorithms) ||
      o.allowedAlgorithms.some((a) => !ALL_ALGORITHMS.includes(a as CoseAlgorithmName))
    ) {
      throw new TypeError(`options.allowedAlgorithms must list ${ALL_ALGORITHMS.join(', ')}`);
    }
  }
  if (
    o.assumeAlgorithm !== undefined &&
    !ALL_ALGORITHMS.includes(o.assumeAlgorithm as CoseAlgorithmName)
  ) {
    throw new TypeError(`options.assumeAlgorithm must be one of ${ALL_ALGORITHMS.join(', ')}`);
  }
  const formats = o.formats;
  if (
    formats !== undefined &&
    (!Array.isArray(formats) ||
      formats.length === 0 ||
      formats.some((f) => !FORMATS.includes(f as CcaTokenFormat)))
  ) {
    throw new TypeError(`options.formats must list one or more of ${FORMATS.join(', ')}`);
  }
  if (o.policy !== undefined) checkPolicy(o.policy);
}

function checkPolicy(policy: unknown): asserts policy is CcaPolicy {
  if (typeof policy !== 'object' || policy === null)
    throw new TypeError('policy must be an object');
  for (const [field, [, valid, shape]] of Object.entries(POLICY_FIELDS)) {
    const v = (policy as Record<string, unknown>)[field];
    if (v !== undefined && !valid(v)) throw new TypeError(`policy.${field} must be ${shape}`);
  }
}

/** The COSE algorithm to verify with, or undefined after recording why not. */
function checkAlgorithm(
  ledger: Ledger<CcaCheckId>,
  id: 'cca.platform.algorithm' | 'cca.realm.algorithm',
  cose: CoseSign1,
  options: CcaVerifyOptions,
  format: CcaTokenFormat,
): CoseAlgorithmName | undefined {
  const allowed = options.allowedAlgorithms ?? ALL_ALGORITHMS;
  if (cose.alg === undefined) {
    // The TF-M quirk `assumeAlgorithm` exists for is a PSA one; CCA producers always sign `alg`.
    const assumed = format === 'psa' ? options.assumeAlgorithm : undefined;
    if (cose.protectedHeader.length === 0 && assumed !== undefined && allowed.includes(assumed)) {
      ledger.warn(id, `no alg in the protected header; ${assumed} assumed out of band`, {
        assumed,
      });
      return assumed;
    }
    ledger.fail(
      id,
      `no alg in the protected header (the signature algorithm is not signed)${format !== 'psa' && options.assumeAlgorithm !== undefined ? '; assumeAlgorithm applies to PSA tokens only' : ''}`,
    );
    return undefined;
  }
  if (cose.algName === undefined) {
    ledger.fail(id, `COSE algorithm ${cose.alg} is not supported (ES256, ES384, ES512 are)`, {
      actual: cose.alg,
    });
    return undefined;
  }
  if (!allowed.includes(cose.algName)) {
    ledger.fail(id, `COSE algorithm ${cose.algName} is not allowed`, {
      expected: [...allowed], // a copy: `allowed` may be the shared default
      actual: cose.algName,
    });
    return undefined;
  }
  ledger.pass(id, `${cose.algName} (${cose.alg})`);
  return cose.algName;
}

async function checkSignature(
  ledger: Ledger<CcaCheckId>,
  id: 'cca.platform.signature' | 'cca.realm.signature',
  what: string,
  cose: CoseSign1,
  alg: CoseAlgorithmName,
  key: EcPublicKey,
  cache: AttestCache | undefined,
): Promise<void> {
  const spec = COSE_ALGORITHMS[alg];
  if (key.curve !== spec.curve) {
    ledger.fail(id, `${what} is on ${key.curve}, but ${alg} needs ${spec.curve}`, {
      expected: spec.curve,
      actual: key.curve,
    });
    return;
  }
  try {
    const ok = await verifySignature({
      key,
      scheme: 'ecdsa',
      hash: spec.hash,
      data: cose.toBeSigned,
      signature: cose.signature,
      signatureFormat: 'raw',
      ...(cache !== undefined ? { cache } : {}),
    });
    ledger.result(
      id,
      ok,
      ok
        ? `${alg} signature verified with the ${what}`
        : `${alg} signature does not verify with the ${what}`,
    );
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    ledger.fail(id, `signature could not be checked: ${e.message}`, errorDetail(e));
  }
}

/** Records `<what> is N bytes (… expected)` unless `b` has one of `sizes`. */
function sizeProblem(
  problems: string[],
  what: string,
  b: Uint8Array,
  sizes: readonly number[],
): void {
  if (!sizes.includes(b.length)) {
    problems.push(`${what} is ${b.length} bytes (${sizes.join(', ')} expected)`);
  }
}

/** A UEID of type RAND: 0x01 followed by 32 random bytes (RFC 9711 §4.2.1). */
const isRandUeid = (id: Uint8Array): boolean => id.length === 33 && id[0] === 0x01;

function platformClaimProblems(c: CcaPlatformClaims): string[] {
  const problems: string[] = [];
  sizeProblem(problems, 'challenge', c.challenge, DIGEST_SIZES);
  sizeProblem(problems, 'implementation id', c.implementationId, [32]);
  if (!isRandUeid(c.instanceId)) {
    problems.push('instance id is not a 33-byte UEID of type RAND (0x01 ‖ 32 bytes)');
  }
  if (c.lifecycleState === 'invalid') {
    problems.push(`lifecycle 0x${c.lifecycle.toString(16)} is outside every defined range`);
  }
  if (c.hashAlgorithm !== undefined && ccaHashAlgorithm(c.hashAlgorithm) === undefined) {
    problems.push(`hash algorithm "${c.hashAlgorithm}" is unknown (sha-256, sha-384, sha-512)`);
  }
  const psa1 = c.profileKind === 'psa-1';
  if (c.softwareComponents.length === 0 && !(psa1 && c.noSoftwareMeasurements !== undefined)) {
    problems.push(
      psa1
        ? 'neither software components nor "no software measurements" is present'
        : 'software components must list at least one component',
    );
  }
  c.softwareComponents.forEach((s, i) => {
    const what = `sw component ${i}:`;
    sizeProblem(problems, `${what} measurement value`, s.measurementValue, DIGEST_SIZES);
    if (s.signerId !== undefined) {
      sizeProblem(problems, `${what} signer id`, s.signerId, DIGEST_SIZES);
    } else if (c.profileKind.startsWith('cca')) {
      problems.push(`${what} signer id is missing`);
    }
  });
  if (c.profileKind === 'cca-platform-2.0.0' && c.clientId !== 1) {
    problems.push(
      `client id must be 1 (Realm Management Security Domain), got ${String(c.clientId)}`,
    );
  }
  return problems;
}

interface ClaimFindings {
  /** Violations: the check fails. */
  readonly problems: string[];
  /** Deviations upstream verifiers accept: the check warns. */
  readonly warnings: string[];
}

function realmClaimFindings(c: CcaRealmClaims): ClaimFindings {
  const problems: string[] = [];
  const warnings: string[] = [];
  sizeProblem(problems, 'challenge', c.challenge, [64]);
  sizeProblem(problems, 'personalization value', c.personalizationValue, [64]);
  const alg = ccaHashAlgorithm(c.hashAlgorithm);
  if (alg === undefined) problems.push(`realm hash algorithm "${c.hashAlgorithm}" is unknown`);
  const size = c.initialMeasurement.length;
  sizeProblem(problems, 'RIM', c.initialMeasurement, DIGEST_SIZES);
  if (DIGEST_SIZES.includes(size) && alg !== undefined && size !== HASH_SIZES[alg]) {
    // RMM keeps 64-byte measurement slots; Veraison's test tokens (evcli, rust-ccatoken
    // cca-token-02) carry full 64-byte RIM/REMs with sha-256, and upstream verifiers accept them.
    // That one deviation warns; any other size that is not the hash's output is a violation.
    (size === 64 && alg === 'sha256' ? warnings : problems).push(
      `RIM and REMs are ${size} bytes, but ${c.hashAlgorithm} gives ${HASH_SIZES[alg]}`,
    );
  }
  if (c.extensibleMeasurements.length !== 4) {
    problems.push(`${c.extensibleMeasurements.length} REMs (exactly 4 expected)`);
  }
  c.extensibleMeasurements.forEach((r, i) => {
    if (r.length !== size) problems.push(`REM${i} is ${r.length} bytes, the RIM ${size}`);
  });
  if (ccaHashAlgorithm(c.publicKeyHashAlgorithm) === undefined) {
    problems.push(`RAK hash algorithm "${c.publicKeyHashAlgorithm}" is unknown`);
  }
  if (c.instanceId !== undefined && !isRandUeid(c.instanceId)) {
    problems.push('realm instance id is not a 33-byte UEID of type RAND');
  }
  const v2 = c.profileKind === 'realm-2.0.0';
  if (v2 && c.instanceId === undefined) {
    problems.push('realm#2.0.0 requires the realm instance id (256)');
  }
  // Older profiles may omit the MEC policy or spell it as text (a named quirk); when present it
  // must still name a policy.
  if (
    (v2 || c.mecPolicy !== undefined) &&
    (c.mecPolicyName === undefined || (v2 && typeof c.mecPolicy !== 'number'))
  ) {
    problems.push(
      `${v2 ? 'realm#2.0.0 requires the' : 'the'} MEC policy (44243) as 0 (shared) or 1 (private), got ${String(c.mecPolicy)}`,
    );
  }
  if (c.lfaPolicy !== undefined && c.lfaPolicy > 1) {
    problems.push(`LFA policy (44244) must be 0 (disallow) or 1 (allow), got ${c.lfaPolicy}`);
  }
  if (c.devicesTokenHash !== undefined) {
    sizeProblem(problems, 'devices token hash', c.devicesTokenHash, DIGEST_SIZES);
  }
  return { problems, warnings };
}

function recordFindings(
  ledger: Ledger<CcaCheckId>,
  id: 'cca.platform.claims' | 'cca.realm.claims',
  what: string,
  { problems, warnings }: ClaimFindings,
): void {
  const list = (l: string[]): string =>
    `${l[0]}${l.length > 1 ? `; and ${l.length - 1} more` : ''}`;
  if (problems.length > 0) {
    ledger.fail(id, `${what} claims: ${list(problems)}`, { problems, warnings });
  } else if (warnings.length > 0) {
    ledger.warn(id, `${what} claims: ${list(warnings)}`, { warnings });
  } else {
    ledger.pass(id, `mandatory ${what} claims are present with valid sizes`);
  }
}

/** `ccaPublicKey`, memoised in the caller's cache by the key's text or bytes. */
function memoKey(input: CcaKeyInput, cache: AttestCache | undefined): EcPublicKey {
  if (cache === undefined) return ccaPublicKey(input);
  const id =
    typeof input === 'string'
      ? `s:${input}`
      : input instanceof Uint8Array
        ? `b:${toHex(input)}`
        : `j:${JSON.stringify(input)}`;
  return memo(cache, `attestkit:cca:key:${id}`, () => ccaPublicKey(input));
}

/** Resolves and decodes the platform key, recording `cca.platform.key`. */
async function platformKey(
  ledger: Ledger<CcaCheckId>,
  claims: CcaPlatformClaims,
  options: CcaVerifyOptions,
): Promise<EcPublicKey | undefined> {
  let input: CcaKeyInput | undefined = options.platformKey;
  let source = 'options.platformKey';
  if (input === undefined && options.platformKeyLookup !== undefined) {
    source = 'platformKeyLookup';
    try {
      input = await options.platformKeyLookup({
        implementationId: claims.implementationId.slice(),
        instanceId: claims.instanceId.slice(),
      });
    } catch (cause) {
      ledger.fail('cca.platform.key', 'platformKeyLookup rejected', {
        cause: cause instanceof Error ? cause.message : String(cause),
      });
      return undefined;
    }
    if (input === undefined) {
      ledger.fail('cca.platform.key', 'no platform key is known for this instance id', {
        implementationId: toHex(claims.implementationId),
        instanceId: toHex(claims.instanceId),
      });
      return undefined;
    }
  }
  if (input === undefined) {
    ledger.skip(
      'cca.platform.key',
      'no platform key given (options.platformKey or platformKeyLookup)',
    );
    return undefined;
  }
  try {
    const key = memoKey(input, options.cache);
    ledger.pass('cca.platform.key', `${key.curve} key from ${source}`, {
      source,
      curve: key.curve,
    });
    return key;
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    ledger.fail(
      'cca.platform.key',
      `platform key from ${source} is unusable: ${e.message}`,
      errorDetail(e),
    );
    return undefined;
  }
}

/**
 * Verifies a CCA attestation token (platform + realm) — or, when `options.formats` lists them, a
 * stand-alone CCA platform token or a PSA token — and returns every check as a ledger (RMM
 * DEN0137 A7, draft-ffm-rats-cca-token, RFC 9783). It never throws for bad evidence: a token that
 * does not parse fails `cca.decode`.
 *
 * Checks, in report order: `cca.decode`; `cca.format` (the token's format is in
 * `options.formats`, default `['cca']`: PSA and stand-alone platform tokens fail unless listed);
 * `cca.platform.algorithm`, `.key`, `.signature` (required; without a key they skip and `ok` is
 * false), `.instance-id` (`0x01 ‖ SHA-256(CPAK point)`; warns unless
 * `requireInstanceIdFromKey`), `.claims` (sizes and values), `.lifecycle` (secured unless
 * `policy.allowedLifecycleStates` says otherwise); for CCA tokens `cca.realm.algorithm`,
 * `.public-key` (curve, no private `d`), `.signature` (with the RAK the token carries),
 * `.claims`, `cca.binding` (platform challenge = H(RAK claim bytes), H named by claim 44240); and
 * one `cca.policy.*` per policy field given.
 *
 * Exported from `attestkit/cca`.
 *
 * @param token - the token bytes, or a token from `parseCcaToken`. A parsed token is re-parsed
 *   from its `raw` bytes and only that result is verified and returned: its other fields are never
 *   read, so claims edited after parsing have no effect.
 * @param options - the platform key (or a lookup), policy, accepted formats and algorithms,
 *   maximum token size, cache.
 * @returns the ledger, the token as parsed here (from the bytes or from `token.raw`), its claims
 *   and the keys used.
 * @throws {TypeError} for a wrong argument type (a programming error), never for bad evidence:
 *   bytes or `token.raw` that are not a Uint8Array (or are a view over a detached buffer), an
 *   object that is not a `CcaToken`, or malformed options (e.g. `formats` not a non-empty list of
 *   `'cca'`, `'cca-platform'`, `'psa'`).
 * @throws {RangeError} when `maxTokenSize` is not a positive integer.
 * @example
 * ```ts
 * import { verifyCcaToken } from 'attestkit/cca';
 * const result = await verifyCcaToken(tokenBytes, {
 *   platformKey: cpakPem,
 *   policy: { challenge: nonce, realmInitialMeasurements: [expectedRim] },
 * });
 * if (!result.ok) for (const c of result.checks) if (c.status === 'fail') console.log(c.id, c.message);
 * ```
 */
export async function verifyCcaToken(
  token: Uint8Array | CcaToken,
  options: CcaVerifyOptions = {},
): Promise<CcaVerification> {
  if (!(token instanceof Uint8Array) && !isToken(token)) {
    throw new TypeError('token must be a Uint8Array or a CcaToken from parseCcaToken');
  }
  checkOptions(options);
  const ledger = createLedger(CHECKS);

  // A parsed token is re-parsed from its raw bytes (as verifySnpReport and verifyTdxQuote do):
  // its claim fields are plain data a caller may have edited; only `raw` carries the signatures.
  const isBytes = token instanceof Uint8Array;
  let parsed: CcaToken;
  try {
    parsed = parseCcaToken(
      isBytes ? token : token.raw,
      options.maxTokenSize !== undefined ? { maxSize: options.maxTokenSize } : {},
    );
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    const what = isBytes ? 'the token' : 'token.raw';
    ledger.fail('cca.decode', `${what} does not decode: ${e.message}`, errorDetail(e));
    for (const spec of CHECKS) {
      if (spec.id !== 'cca.decode') ledger.skip(spec.id, 'depends on cca.decode, which is failed');
    }
    return ledger.finish();
  }
  ledger.pass(
    'cca.decode',
    isBytes ? describe(parsed) : `${describe(parsed)} (given parsed; re-parsed from token.raw)`,
  );
  const formats = options.formats ?? DEFAULT_FORMATS;
  const accepted = formats.includes(parsed.format);
  ledger.result(
    'cca.format',
    accepted,
    `${parsed.format} token${accepted ? '' : ` not accepted (options.formats: ${formats.join(', ')})`}`,
    { expected: [...formats], actual: parsed.format },
  );

  const policy = options.policy ?? {};
  const policyIds = Object.entries(POLICY_FIELDS).map(([field, [id]]) => [field, id] as const);
  for (const [field, id] of policyIds) {
    if (id !== undefined && policy[field as keyof CcaPolicy] !== undefined) ledger.require(id);
  }
  if (options.requireInstanceIdFromKey === true) ledger.require('cca.platform.instance-id');
  const realm = parsed.realm;
  if (realm !== undefined) for (const id of REALM_CHECKS) ledger.require(id);

  const platform = parsed.platform;
  const platformAlg = checkAlgorithm(
    ledger,
    'cca.platform.algorithm',
    platform.cose,
    options,
    parsed.format,
  );
  const cpak = await platformKey(ledger, platform.claims, options);

  const work: Promise<void>[] = [];
  if (ledger.dependsOn('cca.platform.signature', 'cca.platform.algorithm', 'cca.platform.key')) {
    work.push(
      checkSignature(
        ledger,
        'cca.platform.signature',
        'platform key',
        platform.cose,
        platformAlg!,
        cpak!,
        options.cache,
      ),
    );
  }

  let realmKey: EcPublicKey | undefined;
  if (realm !== undefined) {
    const realmAlg = checkAlgorithm(ledger, 'cca.realm.algorithm', realm.cose, options, 'cca');
    realmKey = checkRealmKey(ledger, realm.claims, realmAlg, options.cache);
    if (ledger.dependsOn('cca.realm.signature', 'cca.realm.algorithm')) {
      const needs = curveOf(realmAlg);
      if (realmKey === undefined) {
        ledger.skip('cca.realm.signature', 'the RAK is not a valid EC point');
      } else if (realmKey.curve !== needs) {
        ledger.skip(
          'cca.realm.signature',
          `the RAK is on ${realmKey.curve}, ${String(realmAlg)} needs ${String(needs)}`,
        );
      } else {
        work.push(
          checkSignature(
            ledger,
            'cca.realm.signature',
            'RAK carried in claim 44237',
            realm.cose,
            realmAlg!,
            realmKey,
            options.cache,
          ),
        );
      }
    }
  } else {
    for (const id of REALM_CHECKS) {
      ledger.skip(
        id,
        `a ${parsed.format === 'psa' ? 'PSA' : 'stand-alone platform'} token has no realm token`,
      );
    }
  }

  // Let both verifications reach WebCrypto (a few microtask hops through the key memo) before
  // the synchronous claim checks below, so the two overlap instead of adding up.
  for (let i = 0; i < 6 && work.length > 0; i++) await Promise.resolve();

  if (cpak === undefined) {
    ledger.skip('cca.platform.instance-id', 'no platform key to compare the instance id with');
  } else {
    work.push(checkInstanceId(ledger, platform.claims, cpak, options));
  }

  recordFindings(ledger, 'cca.platform.claims', 'platform', {
    problems: platformClaimProblems(platform.claims),
    warnings: [],
  });
  const allowedStates: readonly CcaLifecycleState[] = policy.allowedLifecycleStates ?? ['secured'];
  const state = platform.claims.lifecycleState;
  ledger.result(
    'cca.platform.lifecycle',
    allowedStates.includes(state),
    `lifecycle 0x${platform.claims.lifecycle.toString(16).padStart(4, '0')} (${state})${allowedStates.includes(state) ? '' : ' is not an accepted state'}`,
    { expected: [...allowedStates], actual: state },
  );

  if (realm !== undefined) {
    recordFindings(ledger, 'cca.realm.claims', 'realm', realmClaimFindings(realm.claims));
    work.push(checkBinding(ledger, platform.claims, realm.claims));
  }

  applyCcaPolicy(ledger, parsed, policy);
  for (const [field, id] of policyIds) {
    if (id !== undefined && policy[field as keyof CcaPolicy] === undefined) {
      ledger.skip(id, `policy.${field} not given`);
    }
  }

  await Promise.all(work);
  const result = ledger.finish();
  return {
    ...result,
    token: parsed,
    platformClaims: platform.claims,
    ...(realm !== undefined ? { realmClaims: realm.claims } : {}),
    ...(cpak !== undefined ? { platformKey: publicKeyToJwk(cpak) } : {}),
    ...(realmKey !== undefined ? { realmKey: publicKeyToJwk(realmKey) } : {}),
  };
}

function describe(t: CcaToken): string {
  const c = t.collection;
  if (t.format === 'cca') {
    return `CCA token, tag ${String(c?.tag)}, platform ${String(t.platform.claims.profile)}, realm ${t.realm?.claims.profile ?? '(no profile)'}`;
  }
  return `${t.format === 'psa' ? 'PSA token' : 'stand-alone CCA platform token'}, profile ${t.platform.claims.profile ?? `(${t.platform.claims.profileKind})`}`;
}

function curveOf(alg: CoseAlgorithmName | undefined): EcCurve | undefined {
  return alg !== undefined ? COSE_ALGORITHMS[alg].curve : undefined;
}

/** Whether a point lies on its curve, memoised in the caller's cache by the point. */
function onCurve(key: EcPublicKey, cache: AttestCache | undefined): boolean {
  return memo(cache, `attestkit:cca:on-curve:${key.curve}:${toHex(key.x)}:${toHex(key.y)}`, () => {
    try {
      assertOnCurve(key);
      return true;
    } catch (e) {
      if (!(e instanceof AttestError)) throw e;
      return false;
    }
  });
}

function checkRealmKey(
  ledger: Ledger<CcaCheckId>,
  claims: CcaRealmClaims,
  alg: CoseAlgorithmName | undefined,
  cache: AttestCache | undefined,
): EcPublicKey | undefined {
  const rak = claims.rak;
  const problems: string[] = [];
  if (rak.hasPrivateKey) {
    problems.push(
      'the RAK COSE_Key carries the private scalar d (-4): the realm signing key is disclosed',
    );
  }
  const valid = onCurve(rak.key, cache);
  if (!valid) problems.push(`the RAK is not a valid ${rak.key.curve} point`);
  const curve = curveOf(alg);
  if (curve !== undefined && rak.key.curve !== curve) {
    problems.push(
      `the RAK is on ${rak.key.curve} but the realm token is signed with ${String(alg)}`,
    );
  }
  if (rak.alg !== undefined && alg !== undefined && rak.alg !== COSE_ALGORITHMS[alg].id) {
    problems.push(`the RAK COSE_Key names alg ${rak.alg}, the realm token uses ${alg}`);
  }
  const detail = { encoding: rak.encoding, curve: rak.key.curve, hasPrivateKey: rak.hasPrivateKey };
  ledger.result(
    'cca.realm.public-key',
    problems.length === 0,
    problems.length === 0
      ? `${rak.key.curve} RAK (${rak.encoding === 'raw-point' ? 'raw point' : 'COSE_Key'})`
      : problems.join('; '),
    problems.length === 0 ? detail : { ...detail, problems },
  );
  return valid ? rak.key : undefined;
}

/** Instance id = 0x01 ‖ SHA-256(CPAK point) where the platform derives it (RSE/TF-M). */
async function checkInstanceId(
  ledger: Ledger<CcaCheckId>,
  platform: CcaPlatformClaims,
  cpak: EcPublicKey,
  options: CcaVerifyOptions,
): Promise<void> {
  const expected = concatBytes(Uint8Array.of(0x01), await digestAsync('sha256', ecPoint(cpak)));
  const actual = platform.instanceId;
  const detail = { expected: toHex(expected), actual: toHex(actual) };
  const fromKey = equalBytes(expected, actual);
  const message = `instance id is ${fromKey ? '' : 'not '}0x01 ‖ SHA-256(platform key)`;
  if (fromKey || options.requireInstanceIdFromKey === true) {
    ledger.result('cca.platform.instance-id', fromKey, message, detail);
  } else {
    ledger.warn(
      'cca.platform.instance-id',
      `${message} (RSE/TF-M derive it so; test platforms use fixed ids)`,
      detail,
    );
  }
}

async function checkBinding(
  ledger: Ledger<CcaCheckId>,
  platform: CcaPlatformClaims,
  realm: CcaRealmClaims,
): Promise<void> {
  const alg = ccaHashAlgorithm(realm.publicKeyHashAlgorithm);
  if (alg === undefined) {
    ledger.fail('cca.binding', `unknown RAK hash algorithm "${realm.publicKeyHashAlgorithm}"`);
    return;
  }
  const actual = await digestAsync(alg, realm.publicKey);
  const ok = equalBytes(actual, platform.challenge);
  ledger.result(
    'cca.binding',
    ok,
    ok
      ? `platform challenge = ${realm.publicKeyHashAlgorithm}(RAK claim)`
      : `platform challenge is not ${realm.publicKeyHashAlgorithm}(RAK claim): the realm token is not bound to this platform token`,
    {
      algorithm: realm.publicKeyHashAlgorithm,
      expected: toHex(platform.challenge),
      actual: toHex(actual),
    },
  );
}
