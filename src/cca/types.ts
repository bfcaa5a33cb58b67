/**
 * @module
 * Types of `attestkit/cca`: the parsed CCA attestation token (draft-ffm-rats-cca-token, RMM
 * specification DEN0137 A7), the PSA attestation token it derives from (RFC 9783 and PSA IoT
 * profile 1), the verification options, policy and result, and the check ids.
 */
import type { AttestCache } from '../core/cache.js';
import type { Verification } from '../core/checks.js';
import type { PublicKeyInfo } from '../core/crypto.js';

/** COSE algorithms a CCA or PSA token may be signed with (RFC 9053 §2.1). */
export type CoseAlgorithmName = 'ES256' | 'ES384' | 'ES512';

/** A parsed COSE_Sign1 (RFC 9052 §4.2). Byte fields are copies of what was received. */
export interface CoseSign1 {
  /** True when the structure carried CBOR tag 18 (`COSE_Sign1_Tagged`). */
  readonly tagged: boolean;
  /**
   * The protected header bucket exactly as received (the content of the `bstr`), which is what
   * the Sig_structure covers. Zero length when the header is empty.
   */
  readonly protectedHeader: Uint8Array;
  /** `alg` (label 1) from the protected header, when present. */
  readonly alg: number | undefined;
  /** The name of `alg` when attestkit supports it. */
  readonly algName: CoseAlgorithmName | undefined;
  /** `kid` (label 4) from either bucket, when present. */
  readonly kid?: Uint8Array;
  /** Labels of the protected header, in encoded order. */
  readonly protectedLabels: readonly (number | string)[];
  /** Labels of the unprotected header, in encoded order. */
  readonly unprotectedLabels: readonly (number | string)[];
  /** The payload (attached; detached payloads are not supported). */
  readonly payload: Uint8Array;
  /** The signature: raw `r ‖ s` for ECDSA. */
  readonly signature: Uint8Array;
  /** The encoded `Sig_structure` ("Signature1", protected, empty external AAD, payload). */
  readonly toBeSigned: Uint8Array;
  /** The whole encoded COSE_Sign1 (with its tag when tagged). */
  readonly raw: Uint8Array;
  /** Absolute offset of `raw` in the token. */
  readonly offset: number;
  /** Absolute offset of the payload content in the token. */
  readonly payloadOffset: number;
}

/** Security lifecycle state, from the high byte of claim 2395 (PSA / CCA lifecycle). */
export type CcaLifecycleState =
  | 'unknown'
  | 'assembly-and-test'
  | 'rot-provisioning'
  | 'secured'
  | 'non-rot-debug'
  | 'recoverable-rot-debug'
  | 'decommissioned'
  | 'invalid';

/**
 * How a platform (or PSA) claims set is laid out, from its profile claim:
 * - `cca-ssd-1.0.0`: `http://arm.com/CCA-SSD/1.0.0` (RMM 1.0 era; also describes legacy realms);
 * - `cca-platform-1.0.0`: `tag:arm.com,2023:cca_platform#1.0.0` (draft-ffm-rats-cca-token-00);
 * - `cca-platform-2.0.0`: `tag:arm.com,2024:cca_platform#2.0.0` (RMM 2.0 draft: client id,
 *   manufacturing config, platform extension);
 * - `psa-2`: PSA token with RFC 9783 claim keys (`http://arm.com/psa/2.0.0`,
 *   `tag:psacertified.org,2023:psa#tfm`, `tag:psacertified.org,2019:psa#legacy`);
 * - `psa-1`: PSA IoT profile 1 claim keys (-75000…-75010), whatever the profile string says.
 */
export type CcaPlatformProfileKind =
  'cca-ssd-1.0.0' | 'cca-platform-1.0.0' | 'cca-platform-2.0.0' | 'psa-2' | 'psa-1';

/**
 * How a realm claims set is laid out: `legacy` (no profile claim; RAK is a raw SEC1 point),
 * `realm-1.0.0` (`tag:arm.com,2023:realm#1.0.0`; RAK is a COSE_Key) or `realm-2.0.0`
 * (`tag:arm.com,2024:realm#2.0.0`; adds realm instance id and integer MEC policy).
 */
export type CcaRealmProfileKind = 'legacy' | 'realm-1.0.0' | 'realm-2.0.0';

/** A claim the decoder does not know; kept, never rejected (draft-ffm-rats-cca-token §4). */
export interface CcaUnknownClaim {
  /** The claim key as encoded. */
  readonly key: number | bigint | string;
  /** The value when it is a scalar (integer, text, bytes, boolean, null, float). */
  readonly value?: number | bigint | string | Uint8Array | boolean | null;
  /** The encoded value (CBOR). */
  readonly raw: Uint8Array;
  /** Absolute offset of the key in the token. */
  readonly offset: number;
}

/** One entry of the software components claim (2399 / -75006). */
export interface CcaSoftwareComponent {
  /** Component type (key 1), e.g. `BL`, `RSE_BL2`, `RMM`. */
  readonly measurementType?: string;
  /** Measurement value (key 2). */
  readonly measurementValue: Uint8Array;
  /** Version (key 4); may be the empty string. */
  readonly version?: string;
  /** Signer id (key 5): hash of the signing authority's key. */
  readonly signerId?: Uint8Array;
  /**
   * Key 6: the measurement hash algorithm id in CCA profiles (`sha-256`, free text in some
   * firmware); the "measurement description" in PSA profiles.
   */
  readonly measurementDescription?: string;
  /** Live firmware activation supported (key 7, RMM 2.0). */
  readonly lfaSupported?: boolean;
  /** Countersigner ids (key 8, RMM 2.0). */
  readonly countersignerIds?: readonly Uint8Array[];
}

/**
 * The platform claims of a CCA platform token, or the claims of a PSA token (the same layer;
 * PSA-only and CCA-only claims are optional here and required per profile by the decoder).
 * These are what the token claims, not facts: only a passing verification makes them so.
 */
export interface CcaPlatformClaims {
  /** Profile claim (265 / -75000), when present. */
  readonly profile: string | undefined;
  /** The claim layout in use. */
  readonly profileKind: CcaPlatformProfileKind;
  /** Challenge (10 / -75008): the RAK hash in CCA, the caller's nonce in PSA. */
  readonly challenge: Uint8Array;
  /** Implementation id (2396 / -75003). */
  readonly implementationId: Uint8Array;
  /** Instance id (256 / -75009): a UEID, normally `0x01 ‖ SHA-256(attestation public key)`. */
  readonly instanceId: Uint8Array;
  /** Platform configuration (2401, CCA only). */
  readonly config?: Uint8Array;
  /** Security lifecycle (2395 / -75002), as encoded. */
  readonly lifecycle: number;
  /** The lifecycle state named by the high byte of {@link lifecycle}. */
  readonly lifecycleState: CcaLifecycleState;
  /** Software components (2399 / -75006); empty when -75007 says there are none. */
  readonly softwareComponents: readonly CcaSoftwareComponent[];
  /** Verification service indicator (2400 / -75010). */
  readonly verificationService?: string;
  /** Default measurement hash algorithm id (2402, CCA only), e.g. `sha-256`. */
  readonly hashAlgorithm?: string;
  /** Client id (2394 / -75001; PSA, and CCA platform 2.0). */
  readonly clientId?: number;
  /** Boot seed (2397 / -75004, PSA). */
  readonly bootSeed?: Uint8Array;
  /** Certification reference (2398) or hardware version (-75005), PSA. */
  readonly certificationReference?: string;
  /** "No software measurements" (-75007, PSA profile 1). */
  readonly noSoftwareMeasurements?: number;
  /** Manufacturing configuration (2403, CCA platform 2.0). */
  readonly manufacturingConfig?: Uint8Array;
  /** Platform extension (2404, CCA platform 2.0), encoded CBOR as received. */
  readonly platformExtension?: Uint8Array;
  /** Claims the decoder does not know. */
  readonly unknownClaims: readonly CcaUnknownClaim[];
}

/** How the RAK is carried in claim 44237. */
export type CcaRakEncoding = 'raw-point' | 'cose-key';

/** The realm attestation key (RAK) decoded from claim 44237. */
export interface CcaRealmPublicKey {
  /** `raw-point` (SEC1 `04 ‖ X ‖ Y`, legacy realms) or `cose-key` (realm#1.0.0 and later). */
  readonly encoding: CcaRakEncoding;
  /** The public key (EC point). */
  readonly key: PublicKeyInfo & {
    /** Always `ec`: a RAK is a P-256, P-384 or P-521 key. */
    readonly kind: 'ec';
  };
  /** True when the COSE_Key also carries the private scalar `d` (label -4): a fatal leak. */
  readonly hasPrivateKey: boolean;
  /** COSE_Key labels present, in encoded order (`cose-key` only). */
  readonly labels?: readonly (number | string)[];
  /** COSE_Key `alg` (label 3), when present. */
  readonly alg?: number;
}

/** MEC policy (44243): `shared` (0) or `private` (1). */
export type CcaMecPolicy = 'shared' | 'private';

/** The claims of a CCA realm token (RMM DEN0137 A7.2.3.1). Claims, not facts. */
export interface CcaRealmClaims {
  /** Profile claim (265), absent in legacy realm tokens. */
  readonly profile: string | undefined;
  /** The realm claim layout, from the realm's own profile claim (`legacy` when absent). */
  readonly profileKind: CcaRealmProfileKind;
  /** Challenge (10): the relying party's 64-byte nonce. */
  readonly challenge: Uint8Array;
  /** Realm personalization value, RPV (44235). */
  readonly personalizationValue: Uint8Array;
  /** Realm initial measurement, RIM (44238). */
  readonly initialMeasurement: Uint8Array;
  /** Realm extensible measurements, REM0–REM3 (44239). */
  readonly extensibleMeasurements: readonly Uint8Array[];
  /** Measurement hash algorithm id (44236), e.g. `sha-256`. */
  readonly hashAlgorithm: string;
  /** The RAK claim (44237) exactly as carried: the bytes the platform challenge hashes. */
  readonly publicKey: Uint8Array;
  /** The RAK decoded from {@link publicKey} according to the realm profile. */
  readonly rak: CcaRealmPublicKey;
  /** Hash algorithm id for the binding (44240), e.g. `sha-256`. */
  readonly publicKeyHashAlgorithm: string;
  /** Realm instance id (256; mandatory in realm#2.0.0). */
  readonly instanceId?: Uint8Array;
  /** MEC policy (44243) as encoded: an integer, or text in transitional firmware. */
  readonly mecPolicy?: number | string;
  /** The MEC policy named, when the encoded value is one of the known ones. */
  readonly mecPolicyName?: CcaMecPolicy;
  /** Live firmware activation policy (44244, RMM 2.0 draft). */
  readonly lfaPolicy?: number;
  /** Devices token hash (44257, RMM 2.0 draft). */
  readonly devicesTokenHash?: Uint8Array;
  /** Claims the decoder does not know. */
  readonly unknownClaims: readonly CcaUnknownClaim[];
  /**
   * Named workarounds the decoder recognised (never applied silently):
   * `mec-policy-under-44241` (a 2025 TF-RMM revision emitted the MEC policy under key 44241),
   * `mec-policy-as-text` (transitional firmware wrote `"private"` / `"shared"`).
   */
  readonly quirks: readonly string[];
}

/** A signed token: its COSE_Sign1 and the claims in its payload. */
export interface CcaSignedToken<Claims> {
  /** The COSE_Sign1 envelope; its Sig_structure covers the protected header and the payload. */
  readonly cose: CoseSign1;
  /** The claims decoded from the COSE payload (claims, not facts, until verified). */
  readonly claims: Claims;
}

/** The shape of the outer envelope (draft-ffm-rats-cca-token §3). */
export interface CcaCollection {
  /** 399 (RMM 1.0, entries are byte strings) or 907 (CMW collection, `[263, bstr]` entries). */
  readonly tag: 399 | 907;
  /** Content format of each entry (263, `application/eat+cwt`); tag 907 only. */
  readonly contentFormat?: number;
  /** Absolute offsets of the two entries' COSE_Sign1 byte strings. */
  readonly platformOffset: number;
  /** Absolute offset of the realm entry's COSE_Sign1 (content of the 44241 byte string). */
  readonly realmOffset: number;
}

/** Which kind of token was parsed. */
export type CcaTokenFormat = 'cca' | 'cca-platform' | 'psa';

/**
 * A parsed token: a CCA attestation token (platform + realm), a stand-alone CCA platform token,
 * or a PSA attestation token. Everything here is what the token claims; nothing is verified.
 */
export interface CcaToken {
  /** `cca` (tag 399/907 collection), `cca-platform` (a bare platform COSE_Sign1) or `psa`. */
  readonly format: CcaTokenFormat;
  /** The bytes that were parsed. */
  readonly raw: Uint8Array;
  /** The collection envelope (`format: 'cca'` only). */
  readonly collection?: CcaCollection;
  /** The platform token (CPAK-signed) or the PSA token (IAK-signed). */
  readonly platform: CcaSignedToken<CcaPlatformClaims>;
  /** The realm token (RAK-signed; `format: 'cca'` only). */
  readonly realm?: CcaSignedToken<CcaRealmClaims>;
}

/** A platform key as accepted by the verifier: JWK, SPKI PEM text, SPKI DER, SEC1 point, COSE_Key. */
export type CcaKeyInput = JsonWebKey | Uint8Array | string;

/** The identifiers a CPAK (or IAK) is looked up by (RMM DEN0137 A7.2.3.2; Veraison stores). */
export interface CcaPlatformIds {
  /** Implementation id claim (2396 / -75003): the platform class, used to cross-check the key. */
  readonly implementationId: Uint8Array;
  /** Instance id claim (256 / -75009): a UEID naming the CPAK (or IAK); the primary lookup key. */
  readonly instanceId: Uint8Array;
}

/** A reference software component (Veraison `sw-components` entry). */
export interface CcaReferenceComponent {
  /** Component type; when given it must equal the token's. */
  readonly measurementType?: string;
  /** Expected measurement value (key 2); always compared. */
  readonly measurementValue: Uint8Array;
  /** Signer id; when given it must equal the token's. */
  readonly signerId?: Uint8Array;
  /** Version; when given it must equal the token's. */
  readonly version?: string;
}

/**
 * Reference values of one platform state (a Veraison `platform` entry): one entry is one known
 * good state, and a token matches it only as a whole (see {@link CcaPolicy.platforms}).
 */
export interface CcaPlatformReference {
  /** `implementation-id` (hex): the implementation (claim 2396) these values describe. */
  readonly implementationId: Uint8Array;
  /** `platform-configuration` (hex): expected config claim (2401); absent when not given. */
  readonly platformConfig?: Uint8Array;
  /** `sw-components`: expected software components (claim 2399); empty when absent. */
  readonly softwareComponents: readonly CcaReferenceComponent[];
}

/**
 * Reference values of one realm (a Veraison `realm` entry): one entry is one known good realm
 * state, and a token matches it only as a whole (see {@link CcaPolicy.realms}).
 */
export interface CcaRealmReference {
  /** `personalization-value` (hex): expected RPV (claim 44235); absent when not given. */
  readonly personalizationValue?: Uint8Array;
  /** `initial-measurement` (hex): expected RIM (claim 44238). */
  readonly initialMeasurement: Uint8Array;
  /** `extensible-measurements` (hex): expected REM0–REM3 (claim 44239); absent when not given. */
  readonly extensibleMeasurements?: readonly Uint8Array[];
  /** `rak-hash-algorithm`: expected RAK hash algorithm (claim 44240), e.g. `sha-256`. */
  readonly rakHashAlgorithm?: string;
}

/**
 * Expected values. Every field given becomes a required check (`cca.policy.*`); list fields are
 * any-of. A policy is plain data, so it can live in configuration.
 *
 * The list fields are independent of each other: `personalizationValues`,
 * `realmInitialMeasurements`, `realmExtensibleMeasurements`, `publicKeyHashAlgorithms` (and
 * likewise `implementationIds`, `platformConfigs`, `softwareComponents`) each accept any listed
 * value, so with two realms listed, realm A's RIM with realm B's REMs passes. For values that
 * belong together use {@link CcaPolicy.realms} and {@link CcaPolicy.platforms}: any-of entries,
 * all-of within one entry (what `ccaPolicyFromReferenceValues` produces).
 */
export interface CcaPolicy {
  /**
   * The nonce: the realm challenge. For a PSA or stand-alone platform token (accepted only when
   * `options.formats` lists its format) it is compared with that token's challenge instead.
   */
  readonly challenge?: Uint8Array;
  /** Accepted realm personalization values. */
  readonly personalizationValues?: readonly Uint8Array[];
  /** Accepted realm initial measurements (RIM). */
  readonly realmInitialMeasurements?: readonly Uint8Array[];
  /** Accepted REM sets: each entry lists REM0–REM3; a `null` element accepts any value. */
  readonly realmExtensibleMeasurements?: readonly (readonly (Uint8Array | null)[])[];
  /**
   * The expected software components, as one set: every component in the token must match one
   * of these, and every one of these must be matched by a component in the token (a token that
   * omits a measured component, or adds one, fails). A component matches a reference by
   * measurement value, and by type / signer id / version where the reference gives them. To
   * accept several firmware states, use {@link CcaPolicy.platforms}, one entry per state.
   */
  readonly softwareComponents?: readonly CcaReferenceComponent[];
  /** Accepted implementation ids. */
  readonly implementationIds?: readonly Uint8Array[];
  /** Accepted platform configurations (claim 2401). */
  readonly platformConfigs?: readonly Uint8Array[];
  /**
   * Accepted profiles. The platform profile must be listed, and so must the realm profile; a
   * realm without a profile claim is described by the platform profile.
   */
  readonly allowedProfiles?: readonly string[];
  /** Accepted RAK hash algorithms (claim 44240), e.g. `['sha-256']`. */
  readonly publicKeyHashAlgorithms?: readonly string[];
  /**
   * Accepted realms, each a whole reference entry: the realm must match ONE entry's RIM and that
   * same entry's personalization value, REM0–REM3 and RAK hash algorithm where the entry gives
   * them. Values of different entries never combine. Checked by `cca.policy.rim` (which then
   * also requires `realmInitialMeasurements` when that is given too); an empty list accepts
   * nothing.
   */
  readonly realms?: readonly CcaRealmReference[];
  /**
   * Accepted platform states, each a whole reference entry: the implementation id and, from the
   * same entry, the configuration (when given) and the software components as a set (every
   * component in the token matches one of the entry's and every one of the entry's is matched by
   * one in the token, as for `softwareComponents`; an entry with none matches no token). Checked
   * by `cca.policy.implementation-id` (which then also requires `implementationIds` when that is
   * given too); an empty list accepts nothing.
   */
  readonly platforms?: readonly CcaPlatformReference[];
  /**
   * Lifecycle states accepted by `cca.platform.lifecycle` (always checked). Default
   * `['secured']`; adding debug or provisioning states weakens the verdict accordingly.
   */
  readonly allowedLifecycleStates?: readonly CcaLifecycleState[];
}

/** Looks up the platform key by the token's identifiers; `undefined` when unknown. */
export type CcaPlatformKeyLookup = (ids: CcaPlatformIds) => Promise<CcaKeyInput | undefined>;

/** Options of `verifyCcaToken`. */
export interface CcaVerifyOptions {
  /** The CPAK (or PSA IAK). Default: none; then `platformKeyLookup` is asked. */
  readonly platformKey?: CcaKeyInput;
  /** Resolves the CPAK by implementation id + instance id (e.g. a Veraison trust-anchor store). */
  readonly platformKeyLookup?: CcaPlatformKeyLookup;
  /** Expected values; each field given becomes a required check. */
  readonly policy?: CcaPolicy;
  /** Accepted here for API symmetry; CCA tokens carry no validity period. Default: now. */
  readonly now?: Date;
  /**
   * COSE algorithms accepted for both signatures. Default `['ES256', 'ES384', 'ES512']`.
   */
  readonly allowedAlgorithms?: readonly CoseAlgorithmName[];
  /**
   * The algorithm to assume when a PSA token's protected header is empty (a TF-M quirk). Default:
   * none, and such tokens fail `cca.platform.algorithm`. It applies to `psa` tokens only: a CCA
   * platform or realm token without a signed `alg` always fails. Setting it trusts an
   * out-of-band agreement instead of the signed header.
   */
  readonly assumeAlgorithm?: CoseAlgorithmName;
  /**
   * The token formats accepted by the required `cca.format` check, as `CcaToken.format` names
   * them. Default `['cca']`: a platform token with its realm token, bound together. Adding
   * `'cca-platform'` (a stand-alone CCA platform token) or `'psa'` (a PSA attestation token)
   * accepts evidence with no realm token, no RAK and no binding, whose challenge is then the one
   * `policy.challenge` is compared with: add them only where that evidence is what you asked for.
   */
  readonly formats?: readonly CcaTokenFormat[];
  /**
   * Largest token read, in bytes. Default `CCA_MAX_TOKEN_SIZE` (64 KiB); a longer token fails
   * `cca.decode` with `ERR_LIMIT_EXCEEDED`. Raising it raises what a hostile token can cost.
   */
  readonly maxTokenSize?: number;
  /**
   * Fail (instead of warn) when the instance id is not `0x01 ‖ SHA-256(CPAK point)`, the
   * derivation RSE, TF-M and Islet use. Default false: test platforms use fixed ids.
   */
  readonly requireInstanceIdFromKey?: boolean;
  /** Shared store for imported keys. Default: none. */
  readonly cache?: AttestCache;
}

/** Stable ids of the checks `verifyCcaToken` reports, in report order. */
export type CcaCheckId =
  | 'cca.decode'
  | 'cca.format'
  | 'cca.platform.algorithm'
  | 'cca.platform.key'
  | 'cca.platform.signature'
  | 'cca.platform.instance-id'
  | 'cca.platform.claims'
  | 'cca.platform.lifecycle'
  | 'cca.realm.algorithm'
  | 'cca.realm.public-key'
  | 'cca.realm.signature'
  | 'cca.realm.claims'
  | 'cca.binding'
  | 'cca.policy.profiles'
  | 'cca.policy.implementation-id'
  | 'cca.policy.platform-config'
  | 'cca.policy.sw-components'
  | 'cca.policy.challenge'
  | 'cca.policy.personalization-value'
  | 'cca.policy.rim'
  | 'cca.policy.rems'
  | 'cca.policy.rak-hash-algorithm';

/** The result of `verifyCcaToken`: the ledger plus the parsed token and the facts to act on. */
export interface CcaVerification extends Verification<CcaCheckId> {
  /**
   * The token as parsed by the verifier (from the bytes, or re-parsed from a given token's
   * `raw`); absent when `cca.decode` failed.
   */
  readonly token?: CcaToken;
  /** Platform (or PSA) claims; trustworthy only when `ok`. */
  readonly platformClaims?: CcaPlatformClaims;
  /** Realm claims; trustworthy only when `ok`. */
  readonly realmClaims?: CcaRealmClaims;
  /** The platform key the signature was checked with, as a public JWK. */
  readonly platformKey?: JsonWebKey;
  /** The RAK as a public JWK. */
  readonly realmKey?: JsonWebKey;
}
