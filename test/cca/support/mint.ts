/**
 * SYNTHETIC CCA / PSA token minter (test-only; also used by scripts/gen-cca-evidence.ts). Keys are
 * generated with WebCrypto and labelled as test keys; tokens follow draft-ffm-rats-cca-token with
 * one property overridable at a time (profile, curve, binding hash, envelope, claims), like
 * go-sev-guest's signer builder. Nothing minted here is real evidence.
 */
import { digest } from '../../../src/core/crypto.js';
import { fromBase64 } from '../../../src/core/encoding.js';
import { cbor, map, Raw, Tagged, type CborValue } from './cbor-encode.js';

const subtle = globalThis.crypto.subtle;

export type Curve = 'P-256' | 'P-384' | 'P-521';
export type HashName = 'sha-256' | 'sha-384' | 'sha-512';

const COSE_ALG: Record<Curve, { id: number; hash: string; crv: number; size: number }> = {
  'P-256': { id: -7, hash: 'SHA-256', crv: 1, size: 32 },
  'P-384': { id: -35, hash: 'SHA-384', crv: 2, size: 48 },
  'P-521': { id: -36, hash: 'SHA-512', crv: 3, size: 66 },
};

/** A SYNTHETIC test key pair. */
export interface TestKeyPair {
  readonly label: string;
  readonly curve: Curve;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JsonWebKey;
  readonly privateJwk: JsonWebKey;
  /** Uncompressed SEC1 point. */
  readonly point: Uint8Array;
  readonly x: Uint8Array;
  readonly y: Uint8Array;
  readonly d: Uint8Array;
}

/** Generates a labelled SYNTHETIC EC key pair. */
export async function generateTestKey(
  curve: Curve,
  label = `synthetic-test-${curve}`,
): Promise<TestKeyPair> {
  const kp = await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ]);
  const jwk = await subtle.exportKey('jwk', kp.privateKey);
  const x = fromBase64(jwk.x!);
  const y = fromBase64(jwk.y!);
  const point = new Uint8Array(1 + x.length + y.length);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 1 + x.length);
  return {
    label,
    curve,
    privateKey: kp.privateKey,
    publicJwk: { kty: 'EC', crv: curve, x: jwk.x!, y: jwk.y! },
    privateJwk: jwk,
    point,
    x,
    y,
    d: fromBase64(jwk.d!),
  };
}

/** Imports a private JWK (e.g. a vector's test key) as a TestKeyPair. */
export async function importTestKey(jwk: JsonWebKey, label: string): Promise<TestKeyPair> {
  const curve = jwk.crv as Curve;
  const privateKey = await subtle.importKey(
    'jwk',
    jwk,
    { name: 'ECDSA', namedCurve: curve },
    true,
    ['sign'],
  );
  const x = fromBase64(jwk.x!);
  const y = fromBase64(jwk.y!);
  const point = new Uint8Array(1 + x.length + y.length);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 1 + x.length);
  return {
    label,
    curve,
    privateKey,
    publicJwk: { kty: 'EC', crv: curve, x: jwk.x!, y: jwk.y! },
    privateJwk: jwk,
    point,
    x,
    y,
    d: fromBase64(jwk.d!),
  };
}

/** The EC2 COSE_Key of a test key (TF-RMM label order: kty, crv, x, y). */
export function coseKey(
  k: TestKeyPair,
  extra: readonly (readonly [CborValue, CborValue])[] = [],
): Uint8Array {
  return cbor(map([[1, 2], [-1, COSE_ALG[k.curve].crv], [-2, k.x], [-3, k.y], ...extra]));
}

export interface SignOptions {
  /** COSE alg id; `null` writes an empty protected header. Default: the key's ES alg. */
  readonly alg?: number | null;
  /** Protected header bytes to use verbatim (overrides `alg`). */
  readonly protectedRaw?: Uint8Array;
  /** Unprotected header map. Default empty. */
  readonly unprotected?: Map<CborValue, CborValue>;
  /** Wrap in tag 18. Default true. */
  readonly tagged?: boolean;
  /** Hash used to sign (default: the key's). */
  readonly hash?: string;
}

/** Signs `payload` as a COSE_Sign1 with a test key. */
export async function signCose(
  payload: Uint8Array,
  key: TestKeyPair,
  o: SignOptions = {},
): Promise<Uint8Array> {
  const spec = COSE_ALG[key.curve];
  const alg = o.alg === undefined ? spec.id : o.alg;
  const prot = o.protectedRaw ?? (alg === null ? new Uint8Array(0) : cbor(map([[1, alg]])));
  const tbs = cbor(['Signature1', prot, new Uint8Array(0), payload]);
  const sig = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: o.hash ?? spec.hash }, key.privateKey, tbs),
  );
  const body: CborValue = [prot, o.unprotected ?? map([]), payload, sig];
  return cbor(o.tagged === false ? body : new Tagged(18, body));
}

const HASH: Record<HashName, 'sha256' | 'sha384' | 'sha512'> = {
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

export type PlatformProfile =
  | 'http://arm.com/CCA-SSD/1.0.0'
  | 'tag:arm.com,2023:cca_platform#1.0.0'
  | 'tag:arm.com,2024:cca_platform#2.0.0';
export type RealmProfile =
  'legacy' | 'tag:arm.com,2023:realm#1.0.0' | 'tag:arm.com,2024:realm#2.0.0';

export const SYNTHETIC_IMPLEMENTATION_ID = new Uint8Array(32).fill(0x5a);

/** Default software components of SYNTHETIC platforms. */
export function syntheticComponents(): Map<CborValue, CborValue>[] {
  return ['RSE_BL2', 'AP_BL31', 'RMM'].map((t, i) =>
    map([
      [1, t],
      [2, new Uint8Array(32).fill(0x10 + i)],
      [4, `1.${i}.0`],
      [5, new Uint8Array(32).fill(0xa0 + i)],
      [6, 'sha-256'],
    ]),
  );
}

export interface MintOptions {
  readonly envelope?: 399 | 907;
  readonly platformProfile?: PlatformProfile;
  readonly realmProfile?: RealmProfile;
  readonly cpak?: TestKeyPair;
  readonly rak?: TestKeyPair;
  readonly bindingHash?: HashName;
  readonly realmHash?: 'sha-256' | 'sha-512';
  readonly challenge?: Uint8Array;
  readonly personalizationValue?: Uint8Array;
  readonly lifecycle?: number;
  /** Use `0x01 ‖ SHA-256(CPAK point)` as the instance id. Default true. */
  readonly instanceIdFromCpak?: boolean;
  /** Put the private scalar into the COSE_Key RAK. */
  readonly rakWithPrivate?: boolean;
  /** Flip a bit of the platform challenge (breaks the binding). */
  readonly breakBinding?: boolean;
  /** Tag the inner COSE_Sign1 (default true). */
  readonly taggedCose?: boolean;
  /** Edit the claim maps before encoding. */
  readonly editPlatform?: (m: Map<CborValue, CborValue>) => void;
  readonly editRealm?: (m: Map<CborValue, CborValue>) => void;
  readonly platformSign?: SignOptions;
  readonly realmSign?: SignOptions;
  /** REM0–REM3 (default zeros of the realm hash size). */
  readonly rems?: readonly Uint8Array[];
  readonly rim?: Uint8Array;
}

export interface Minted {
  readonly token: Uint8Array;
  readonly cpak: TestKeyPair;
  readonly rak: TestKeyPair;
  readonly platformToken: Uint8Array;
  readonly realmToken: Uint8Array;
  readonly rakClaim: Uint8Array;
  readonly platformClaims: Map<CborValue, CborValue>;
  readonly realmClaims: Map<CborValue, CborValue>;
}

/** Mints a SYNTHETIC CCA token (platform + realm) signed by test keys. */
export async function mintCcaToken(o: MintOptions = {}): Promise<Minted> {
  const cpak = o.cpak ?? (await generateTestKey('P-384', 'synthetic-test-cpak'));
  const rak = o.rak ?? (await generateTestKey('P-384', 'synthetic-test-rak'));
  const realmProfile = o.realmProfile ?? 'tag:arm.com,2024:realm#2.0.0';
  const realmHash = o.realmHash ?? 'sha-256';
  const size = realmHash === 'sha-256' ? 32 : 64;
  const bindingHash = o.bindingHash ?? 'sha-256';
  const rakClaim =
    realmProfile === 'legacy'
      ? rak.point
      : coseKey(rak, o.rakWithPrivate === true ? [[-4, rak.d]] : []);

  const realm = map([
    [10, o.challenge ?? new Uint8Array(64).fill(0xc4)],
    [44235, o.personalizationValue ?? new Uint8Array(64)],
    [44238, o.rim ?? new Uint8Array(size).fill(0x33)],
    [44239, o.rems ?? [0, 1, 2, 3].map(() => new Uint8Array(size))],
    [44236, realmHash],
    [44237, rakClaim],
    [44240, bindingHash],
  ]);
  if (realmProfile !== 'legacy') realm.set(265, realmProfile);
  if (realmProfile === 'tag:arm.com,2024:realm#2.0.0') {
    realm.set(256, Uint8Array.of(1, ...new Uint8Array(32).fill(0x77)));
    realm.set(44243, 1);
  }
  o.editRealm?.(realm);

  const challenge = digest(HASH[bindingHash], rakClaim);
  if (o.breakBinding === true) challenge[0]! ^= 1;
  const platformProfile = o.platformProfile ?? 'tag:arm.com,2023:cca_platform#1.0.0';
  const instanceId =
    o.instanceIdFromCpak === false
      ? Uint8Array.of(1, ...new Uint8Array(32).fill(0x42))
      : Uint8Array.of(1, ...digest('sha256', cpak.point));
  const platform = map([
    [265, platformProfile],
    [10, challenge],
    [2396, SYNTHETIC_IMPLEMENTATION_ID],
    [256, instanceId],
    [2401, Uint8Array.of(0xcf, 0xcf, 0xcf, 0xcf)],
    [2395, o.lifecycle ?? 0x3000],
    [2399, syntheticComponents()],
    [2400, 'https://verifier.synthetic.invalid'],
    [2402, 'sha-256'],
  ]);
  if (platformProfile === 'tag:arm.com,2024:cca_platform#2.0.0') platform.set(2394, 1);
  o.editPlatform?.(platform);

  const tagged = o.taggedCose;
  const platformToken = await signCose(cbor(platform), cpak, {
    ...(tagged === false ? { tagged } : {}),
    ...o.platformSign,
  });
  const realmToken = await signCose(cbor(realm), rak, {
    ...(tagged === false ? { tagged } : {}),
    ...o.realmSign,
  });
  const envelope = o.envelope ?? 907;
  const entry = (t: Uint8Array): CborValue => (envelope === 907 ? [263, t] : t);
  const token = cbor(
    new Tagged(
      envelope,
      map([
        [44234, entry(platformToken)],
        [44241, entry(realmToken)],
      ]),
    ),
  );
  return {
    token,
    cpak,
    rak,
    platformToken,
    realmToken,
    rakClaim,
    platformClaims: platform,
    realmClaims: realm,
  };
}

/** Mints a SYNTHETIC PSA token (RFC 9783 profile 2 claim keys) signed by a test IAK. */
export async function mintPsaToken(
  iak: TestKeyPair,
  challenge: Uint8Array,
  sign: SignOptions = {},
): Promise<Uint8Array> {
  const claims = map([
    [265, 'http://arm.com/psa/2.0.0'],
    [10, challenge],
    [256, Uint8Array.of(1, ...digest('sha256', iak.point))],
    [2394, -1],
    [2395, 0x3000],
    [2396, SYNTHETIC_IMPLEMENTATION_ID],
    [2397, new Uint8Array(32).fill(0xb5)],
    [2399, syntheticComponents()],
  ]);
  return signCose(cbor(claims), iak, sign);
}

export { cbor, map, Raw, Tagged };
