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
  CcaPolicy,
  CcaReferenceComponent,
} from './types.js';

/** One trust anchor: the CPAK (or IAK) of one platform instance. */
export interface CcaTrustAnchor {
  readonly implementationId: Uint8Array;
  readonly instanceId: Uint8Array;
  /** The key, checked to lie on its curve. */
  readonly key: EcPublicKey;
  /** The same key as a public JWK. */
  readonly jwk: JsonWebKey;
}

/** Reference values of one platform implementation. */
export interface CcaPlatformReference {
  readonly implementationId: Uint8Array;
  readonly platformConfig?: Uint8Array;
  readonly softwareComponents: readonly CcaReferenceComponent[];
}

/** Reference values of one realm. */
export interface CcaRealmReference {
  readonly personalizationValue?: Uint8Array;
  readonly initialMeasurement: Uint8Array;
  readonly extensibleMeasurements?: readonly Uint8Array[];
  readonly rakHashAlgorithm?: string;
}

/** A reference-value store. */
export interface CcaReferenceValues {
  readonly platform: readonly CcaPlatformReference[];
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
 * Turns reference values into a {@link CcaPolicy} for one platform implementation: its
 * implementation id, configuration and software components, and — any-of — the RIMs, REM sets,
 * personalization values and RAK hash algorithms of every realm reference.
 *
 * Exported from `attestkit/cca`.
 *
 * @param rv - the store.
 * @param implementationId - the platform implementation to appraise (the token's claim 2396).
 * @returns the policy, or undefined when the store has no entry for that implementation.
 * @example
 * ```ts
 * const policy = ccaPolicyFromReferenceValues(rv, token.platform.claims.implementationId);
 * ```
 */
export function ccaPolicyFromReferenceValues(
  rv: CcaReferenceValues,
  implementationId: Uint8Array,
): CcaPolicy | undefined {
  const p = rv.platform.find((x) => equalBytes(x.implementationId, implementationId));
  if (p === undefined) return undefined;
  const rpvs = rv.realm.flatMap((r) =>
    r.personalizationValue !== undefined ? [r.personalizationValue] : [],
  );
  const remSets = rv.realm.flatMap((r) =>
    r.extensibleMeasurements !== undefined ? [r.extensibleMeasurements] : [],
  );
  const algs = rv.realm.flatMap((r) =>
    r.rakHashAlgorithm !== undefined ? [r.rakHashAlgorithm] : [],
  );
  return {
    implementationIds: [p.implementationId],
    ...(p.platformConfig !== undefined ? { platformConfigs: [p.platformConfig] } : {}),
    softwareComponents: p.softwareComponents,
    ...(rv.realm.length > 0
      ? { realmInitialMeasurements: rv.realm.map((r) => r.initialMeasurement) }
      : {}),
    ...(rpvs.length > 0 ? { personalizationValues: rpvs } : {}),
    ...(remSets.length > 0 ? { realmExtensibleMeasurements: remSets } : {}),
    ...(algs.length > 0 ? { publicKeyHashAlgorithms: algs } : {}),
  };
}
