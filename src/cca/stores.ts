/**
 * @module
 * Readers for the flat JSON endorsement stores Veraison's rust-ccatoken and Confidential
 * Containers use (the JSON equivalent of a CoRIM "attester verification keys" triple and of
 * reference-value triples, profile `http://arm.com/cca/ssd/1` / `http://arm.com/cca/realm/1`):
 *
 * - trust anchors: `[{"implementation-id": hex, "instance-id": hex, "pkey": JWK}]`;
 * - reference values: `{"platform": [{"implementation-id", "platform-configuration",
 *   "sw-components": [{"component-type", "measurement-value", "signer-id", "version"}]}],
 *   "realm": [{"personalization-value", "initial-measurement", "extensible-measurements",
 *   "rak-hash-algorithm"}]}`.
 *
 * JSON has no byte offsets: errors carry the entry index as `offset` and the JSON path as `field`.
 */
import { AttestError } from '../core/errors.js';
import { equalBytes, fromHex, utf8Decode } from '../core/encoding.js';
import { publicKeyToJwk } from '../core/crypto.js';
import { ccaPublicKey, type EcPublicKey } from './keys.js';
import type {
  CcaKeyInput,
  CcaPlatformKeyLookup,
  CcaPlatformReference,
  CcaPolicy,
  CcaRealmReference,
  CcaReferenceComponent,
} from './types.js';

export type { CcaPlatformReference, CcaRealmReference } from './types.js';

/** One trust anchor: the CPAK (or IAK) of one platform instance. */
export interface CcaTrustAnchor {
  /** `implementation-id` (hex): the platform implementation id (claim 2396). */
  readonly implementationId: Uint8Array;
  /** `instance-id` (hex): the instance id (claim 256, UEID) of the platform this key belongs to. */
  readonly instanceId: Uint8Array;
  /** The key, checked to lie on its curve. */
  readonly key: EcPublicKey;
  /** The same key as a public JWK. */
  readonly jwk: JsonWebKey;
}

/** A reference-value store. */
export interface CcaReferenceValues {
  /**
   * `platform` entries; several may share an implementation id (each is one known good state).
   * Empty when the member is absent.
   */
  readonly platform: readonly CcaPlatformReference[];
  /** `realm` entries (each is one known good realm state); empty when the member is absent. */
  readonly realm: readonly CcaRealmReference[];
}

type Json = unknown;

function jsonFrom(input: unknown, what: string): Json {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  const text = typeof input === 'string' ? input : utf8Decode(input);
  try {
    return JSON.parse(text) as Json;
  } catch (cause) {
    throw new AttestError('ERR_BAD_JSON', {
      offset: 0,
      message: `${what} is not valid JSON`,
      cause,
    });
  }
}

function badJson(index: number, field: string, message: string, cause?: unknown): never {
  throw new AttestError('ERR_BAD_JSON', {
    offset: index,
    field,
    message,
    ...(cause !== undefined ? { cause } : {}),
  });
}

function member(o: Json, name: string, index: number, path: string): Json {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return badJson(index, path, `${path} must be an object`);
  }
  return (o as Record<string, Json>)[name];
}

function hexMember(o: Json, name: string, index: number, path: string, required: true): Uint8Array;
function hexMember(
  o: Json,
  name: string,
  index: number,
  path: string,
  required: boolean,
): Uint8Array | undefined;
function hexMember(
  o: Json,
  name: string,
  index: number,
  path: string,
  required: boolean,
): Uint8Array | undefined {
  const v = member(o, name, index, path);
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string')
    return badJson(index, `${path}.${name}`, `${name} must be a hex string`);
  try {
    return fromHex(v);
  } catch (cause) {
    return badJson(index, `${path}.${name}`, `${name} is not valid hex`, cause);
  }
}

function textMember(o: Json, name: string, index: number, path: string): string | undefined {
  const v = member(o, name, index, path);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return badJson(index, `${path}.${name}`, `${name} must be a string`);
  return v;
}

function arrayOf(v: Json, index: number, path: string): Json[] {
  if (!Array.isArray(v)) return badJson(index, path, `${path} must be an array`);
  return v as Json[];
}

/**
 * Reads a Veraison-style trust-anchor store: CPAKs (or PSA IAKs) keyed by implementation id and
 * instance id. Every key is decoded and checked to lie on its curve, so a corrupt store fails
 * here rather than as a signature mismatch later.
 *
 * @param input - the store as JSON text (string), UTF-8 bytes (Uint8Array), or already-parsed JSON.
 * @returns the trust anchors.
 * @throws {AttestError} `ERR_BAD_JSON` (shape; `offset` is the entry index), `ERR_BAD_KEY`
 *   (a key not on its curve, or private), `ERR_UNSUPPORTED` (non-EC keys).
 * @example
 * ```ts
 * import { parseCcaTrustAnchorStore, ccaKeyLookup, verifyCcaToken } from 'attestkit/cca';
 * const store = parseCcaTrustAnchorStore(await readFile('ta.json', 'utf8'));
 * const result = await verifyCcaToken(token, { platformKeyLookup: ccaKeyLookup(store) });
 * ```
 */
export function parseCcaTrustAnchorStore(input: unknown): CcaTrustAnchor[] {
  const list = arrayOf(jsonFrom(input, 'trust-anchor store'), 0, 'store');
  return list.map((entry, i) => {
    const path = `store[${i}]`;
    const pkey = member(entry, 'pkey', i, path);
    if (pkey === undefined) badJson(i, `${path}.pkey`, 'pkey is missing');
    let key: EcPublicKey;
    try {
      key = ccaPublicKey(pkey as CcaKeyInput);
    } catch (cause) {
      if (cause instanceof AttestError) {
        throw new AttestError(cause.code, {
          offset: i,
          field: `${path}.pkey`,
          message: `trust anchor ${i}: ${cause.message}`,
          cause,
        });
      }
      return badJson(i, `${path}.pkey`, 'pkey must be a JWK object or PEM text', cause);
    }
    return {
      implementationId: hexMember(entry, 'implementation-id', i, path, true),
      instanceId: hexMember(entry, 'instance-id', i, path, true),
      key,
      jwk: publicKeyToJwk(key),
    };
  });
}

/**
 * A `platformKeyLookup` over trust anchors: the anchor whose instance id equals the token's and
 * whose implementation id also matches (the cross-check RMM DEN0137 and Veraison make).
 *
 * Exported from `attestkit/cca`.
 *
 * @param anchors - from {@link parseCcaTrustAnchorStore}.
 * @returns a lookup for `verifyCcaToken`'s `platformKeyLookup` option.
 * @throws {TypeError} when `anchors` is not an array.
 * @example
 * ```ts
 * const lookup = ccaKeyLookup(parseCcaTrustAnchorStore(json));
 * await verifyCcaToken(token, { platformKeyLookup: lookup });
 * ```
 */
export function ccaKeyLookup(anchors: readonly CcaTrustAnchor[]): CcaPlatformKeyLookup {
  if (!Array.isArray(anchors)) throw new TypeError('anchors must be an array');
  const list: readonly CcaTrustAnchor[] = anchors;
  return (ids) => {
    const a = list.find(
      (x) =>
        equalBytes(x.instanceId, ids.instanceId) &&
        equalBytes(x.implementationId, ids.implementationId),
    );
    return Promise.resolve(a?.jwk);
  };
}

/**
 * Reads a Veraison-style reference-value store (`rv.json` of rust-ccatoken).
 *
 * Exported from `attestkit/cca`.
 *
 * @param input - JSON text, UTF-8 bytes or parsed JSON.
 * @returns platform references (by implementation id) and realm references.
 * @throws {AttestError} `ERR_BAD_JSON`.
 * @example
 * ```ts
 * const rv = parseCcaReferenceValues(await readFile('rv.json', 'utf8'));
 * ```
 */
export function parseCcaReferenceValues(input: unknown): CcaReferenceValues {
  const root = jsonFrom(input, 'reference-value store');
  const platform = arrayOf(member(root, 'platform', 0, 'rv') ?? [], 0, 'rv.platform').map(
    (p, i): CcaPlatformReference => {
      const path = `rv.platform[${i}]`;
      const config = hexMember(p, 'platform-configuration', i, path, false);
      return {
        implementationId: hexMember(p, 'implementation-id', i, path, true),
        ...(config !== undefined ? { platformConfig: config } : {}),
        softwareComponents: arrayOf(
          member(p, 'sw-components', i, path) ?? [],
          i,
          `${path}.sw-components`,
        ).map((c, j): CcaReferenceComponent => {
          const cp = `${path}.sw-components[${j}]`;
          const type = textMember(c, 'component-type', i, cp);
          const signer = hexMember(c, 'signer-id', i, cp, false);
          const version = textMember(c, 'version', i, cp);
          return {
            ...(type !== undefined ? { measurementType: type } : {}),
            measurementValue: hexMember(c, 'measurement-value', i, cp, true),
            ...(signer !== undefined ? { signerId: signer } : {}),
            ...(version !== undefined ? { version } : {}),
          };
        }),
      };
    },
  );
  const realm = arrayOf(member(root, 'realm', 0, 'rv') ?? [], 0, 'rv.realm').map(
    (r, i): CcaRealmReference => {
      const path = `rv.realm[${i}]`;
      const rpv = hexMember(r, 'personalization-value', i, path, false);
      const rems = member(r, 'extensible-measurements', i, path);
      const alg = textMember(r, 'rak-hash-algorithm', i, path);
      return {
        ...(rpv !== undefined ? { personalizationValue: rpv } : {}),
        initialMeasurement: hexMember(r, 'initial-measurement', i, path, true),
        ...(rems !== undefined
          ? {
              extensibleMeasurements: arrayOf(rems, i, `${path}.extensible-measurements`).map(
                (x, j) => {
                  if (typeof x !== 'string') {
                    return badJson(i, `${path}.extensible-measurements[${j}]`, 'REM must be hex');
                  }
                  try {
                    return fromHex(x);
                  } catch (cause) {
                    return badJson(i, `${path}.extensible-measurements[${j}]`, 'bad hex', cause);
                  }
                },
              ),
            }
          : {}),
        ...(alg !== undefined ? { rakHashAlgorithm: alg } : {}),
      };
    },
  );
  return { platform, realm };
}

/**
 * Turns reference values into a {@link CcaPolicy} for one platform implementation, matching each
 * reference entry as a whole (as Veraison's CCA appraisal does: draft-ffm-rats-cca-token §7,
 * rust-ccatoken `appraise`): `platforms` lists the store's entries for that implementation id
 * (the token must match one entry's configuration and software components together) and `realms`
 * lists every realm entry (the realm must match one entry's RIM, personalization value, REMs and
 * RAK hash algorithm together, whichever of those the entry gives). Values from different entries
 * never combine, so realm A's RIM with realm B's REMs is refused.
 *
 * Exported from `attestkit/cca`.
 *
 * @param rv - the store.
 * @param implementationId - the platform implementation to appraise (the token's claim 2396).
 * @returns the policy (`platforms`, and `realms` when the store has realm entries), or undefined
 *   when the store has no entry for that implementation. The policy is a fresh deep copy: editing
 *   it (its lists, entries or bytes) never changes `rv` or any other policy made from it.
 * @example
 * ```ts
 * const policy = ccaPolicyFromReferenceValues(rv, token.platform.claims.implementationId);
 * if (policy) await verifyCcaToken(token, { platformKey, policy: { ...policy, challenge } });
 * ```
 */
export function ccaPolicyFromReferenceValues(
  rv: CcaReferenceValues,
  implementationId: Uint8Array,
): CcaPolicy | undefined {
  const platforms = rv.platform.filter((x) => equalBytes(x.implementationId, implementationId));
  if (platforms.length === 0) return undefined;
  // structuredClone: a deep copy of plain data, byte arrays included, sharing nothing with `rv`.
  return structuredClone({ platforms, ...(rv.realm.length > 0 ? { realms: rv.realm } : {}) });
}
