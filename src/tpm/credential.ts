/**
 * @module
 * TPM2_MakeCredential done outside the TPM (TPM 2.0 Library Part 1 rev 1.59 §24 "Credential
 * Protection", §11.4.9.2 KDFa, §11.4.10.3 KDFe, Annex B.10.4 RSA-OAEP secret sharing, Annex
 * C.6.4 ECDH secret sharing; Part 3 §12.6): a registrar encrypts a credential to a TPM's EK so
 * that only that TPM can recover it, and only for an object (the AK) with the given Name.
 */
import { AttestError } from '../core/errors.js';
import { concatBytes, copyBytes } from '../core/bytes.js';
import { digest, HASH_SIZES } from '../core/crypto.js';
import { hmacDigest } from '../core/hash.js';
import { utf8Encode } from '../core/encoding.js';
import {
  isComputableHash,
  TPM_ALG,
  TPM_ECC_SIZES,
  TPM_HASH_BY_ID,
  TPM_HASH_SIZES,
  type TpmComputableHash,
} from './constants.js';
import { assertInputBytes, publicAreaOf } from './structures.js';
import { tpmPublicKey } from './keys.js';
import type { MakeCredentialOptions, TpmCredential, TpmtPublic } from './types.js';

function u32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function u16(v: number): Uint8Array {
  return Uint8Array.of(v >>> 8, v & 0xff);
}

/** The label as KDFa/KDFe use it: its bytes followed by one zero byte (Part 1 §11.4.9.2). */
function labelBytes(label: string | Uint8Array): Uint8Array {
  const b = typeof label === 'string' ? utf8Encode(label) : label;
  return b.length > 0 && b[b.length - 1] === 0 ? b : concatBytes(b, Uint8Array.of(0));
}

function truncateBits(out: Uint8Array, bits: number): Uint8Array {
  const bytes = Math.ceil(bits / 8);
  const r = out.slice(0, bytes);
  // A bit count that is not a whole number of bytes keeps the low bits of the first byte.
  if (bits % 8 !== 0) r[0]! &= 0xff >> (8 - (bits % 8));
  return r;
}

function checkHash(hash: unknown): asserts hash is TpmComputableHash {
  if (typeof hash !== 'string' || !Object.hasOwn(HASH_SIZES, hash)) {
    throw new TypeError("hash must be 'sha1', 'sha256', 'sha384' or 'sha512'");
  }
}

function checkBits(bits: number): void {
  if (!Number.isSafeInteger(bits) || bits <= 0 || bits > 65536) {
    throw new RangeError('bits must be an integer in 1..65536');
  }
}

/**
 * KDFa (TPM 2.0 Part 1 §11.4.9.2; NIST SP 800-108 counter mode with HMAC): `K_i =
 * HMAC-H(key, u32(i) ‖ label ‖ 00 ‖ contextU ‖ contextV ‖ u32(bits))`, output the leftmost `bits`.
 *
 * @param hash - the HMAC hash.
 * @param key - the HMAC key (e.g. the credential seed).
 * @param label - e.g. `"STORAGE"`, `"INTEGRITY"` (a terminating zero is added when absent).
 * @param contextU - first context (e.g. the object Name), may be empty.
 * @param contextV - second context, may be empty.
 * @param bits - output size in bits.
 * @returns `ceil(bits/8)` bytes.
 * @throws {TypeError} for non-Uint8Array inputs and a `hash` other than sha1, sha256, sha384 or
 *   sha512; {RangeError} for `bits` outside 1..65536.
 * @example
 * ```ts
 * const symKey = kdfa('sha256', seed, 'STORAGE', akName, new Uint8Array(0), 128);
 * ```
 */
export function kdfa(
  hash: TpmComputableHash,
  key: Uint8Array,
  label: string | Uint8Array,
  contextU: Uint8Array,
  contextV: Uint8Array,
  bits: number,
): Uint8Array {
  checkHash(hash);
  assertInputBytes(key, 'key');
  assertInputBytes(contextU, 'contextU');
  assertInputBytes(contextV, 'contextV');
  checkBits(bits);
  const fixed = concatBytes(labelBytes(label), contextU, contextV, u32(bits));
  const parts: Uint8Array[] = [];
  let have = 0;
  for (let i = 1; have * 8 < bits; i++) {
    const k = hmacDigest(hash, key, concatBytes(u32(i), fixed));
    parts.push(k);
    have += k.length;
  }
  return truncateBits(concatBytes(...parts), bits);
}

/**
 * KDFe (TPM 2.0 Part 1 §11.4.10.3; NIST SP 800-56A concatenation KDF): `H(u32(i) ‖ Z ‖ label ‖
 * 00 ‖ partyUInfo ‖ partyVInfo)` for i = 1, 2, …, output the leftmost `bits`.
 *
 * @param hash - the hash.
 * @param z - the shared secret (ECDH x-coordinate, curve-size bytes).
 * @param label - e.g. `"IDENTITY"` (a terminating zero is added when absent).
 * @param partyUInfo - the ephemeral public x-coordinate.
 * @param partyVInfo - the static (EK) public x-coordinate.
 * @param bits - output size in bits.
 * @returns `ceil(bits/8)` bytes.
 * @throws {TypeError} for non-Uint8Array inputs and a `hash` other than sha1, sha256, sha384 or
 *   sha512; {RangeError} for `bits` outside 1..65536.
 * @example
 * ```ts
 * const seed = kdfe('sha256', z, 'IDENTITY', ephemeralX, ekX, 256);
 * ```
 */
export function kdfe(
  hash: TpmComputableHash,
  z: Uint8Array,
  label: string | Uint8Array,
  partyUInfo: Uint8Array,
  partyVInfo: Uint8Array,
  bits: number,
): Uint8Array {
  checkHash(hash);
  assertInputBytes(z, 'z');
  assertInputBytes(partyUInfo, 'partyUInfo');
  assertInputBytes(partyVInfo, 'partyVInfo');
  checkBits(bits);
  const tail = concatBytes(z, labelBytes(label), partyUInfo, partyVInfo);
  const parts: Uint8Array[] = [];
  let have = 0;
  for (let i = 1; have * 8 < bits; i++) {
    const k = digest(hash, concatBytes(u32(i), tail));
    parts.push(k);
    have += k.length;
  }
  return truncateBits(concatBytes(...parts), bits);
}

function mgf1(hash: TpmComputableHash, seed: Uint8Array, length: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let have = 0;
  for (let i = 0; have < length; i++) {
    const d = digest(hash, concatBytes(seed, u32(i)));
    parts.push(d);
    have += d.length;
  }
  return concatBytes(...parts).slice(0, length);
}

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function bigIntToBytes(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/**
 * RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1) with an explicit OAEP seed, so that tests can reproduce
 * reference outputs. The RSA operation is public, so a plain modular exponentiation is safe.
 */
function rsaOaepEncrypt(
  n: Uint8Array,
  e: Uint8Array,
  hash: TpmComputableHash,
  label: Uint8Array,
  message: Uint8Array,
  oaepSeed: Uint8Array,
): Uint8Array {
  const k = n.length;
  const hLen = HASH_SIZES[hash];
  if (message.length > k - 2 * hLen - 2) {
    throw new AttestError('ERR_BAD_KEY', { message: 'RSA key too small for OAEP with this hash' });
  }
  const lHash = digest(hash, label);
  const ps = new Uint8Array(k - message.length - 2 * hLen - 2);
  const db = concatBytes(lHash, ps, Uint8Array.of(1), message);
  const dbMask = mgf1(hash, oaepSeed, k - hLen - 1);
  const maskedDb = db.map((b, i) => b ^ dbMask[i]!);
  const seedMask = mgf1(hash, maskedDb, hLen);
  const maskedSeed = oaepSeed.map((b, i) => b ^ seedMask[i]!);
  const em = concatBytes(Uint8Array.of(0), maskedSeed, maskedDb);
  const c = modPow(bytesToBigInt(em), bytesToBigInt(e), bytesToBigInt(n));
  return bigIntToBytes(c, k);
}

function defaultRandom(length: number): Uint8Array {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', { message: 'no crypto.getRandomValues' });
  }
  return c.getRandomValues(new Uint8Array(length));
}

function draw(random: (n: number) => Uint8Array, length: number): Uint8Array {
  const b = random(length);
  if (!(b instanceof Uint8Array) || b.length !== length) {
    throw new TypeError(`randomBytes(${length}) must return ${length} bytes`);
  }
  // A copy: a source that refills and returns one buffer would otherwise make the seed and the
  // OAEP seed (or the ECC private key) the same bytes.
  return b.slice();
}

/**
 * AES-CFB128 with a zero IV (the TPM's credential encryption, Part 1 §24.4): each block is XORed
 * with E(previous ciphertext block), E(IV) first. WebCrypto has no CFB mode, so each E(x) is the
 * first block of AES-CBC over one zero block with IV x. Where WebCrypto is missing, and for
 * 192-bit keys (which some WebCrypto implementations refuse), `@noble/ciphers` is loaded instead.
 *
 * @internal
 */
export async function aesCfbEncrypt(key: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (s === undefined || key.length === 24) {
    const { cfb } = await import('@noble/ciphers/aes.js');
    return cfb(key, new Uint8Array(16)).encrypt(plaintext);
  }
  const k = await s.importKey('raw', new Uint8Array(key), 'AES-CBC', false, ['encrypt']);
  const out = new Uint8Array(plaintext.length);
  let previous = new Uint8Array(16);
  for (let at = 0; at < plaintext.length; at += 16) {
    const cbc = await s.encrypt({ name: 'AES-CBC', iv: previous }, k, new Uint8Array(16));
    const stream = new Uint8Array(cbc, 0, 16);
    const end = Math.min(at + 16, plaintext.length);
    for (let i = at; i < end; i++) out[i] = plaintext[i]! ^ stream[i - at]!;
    previous = out.slice(at, at + 16);
  }
  return out;
}

/**
 * Smallest RSA EK accepted (go-attestation `minRSABits`): every TCG EK template is RSA 2048 or
 * larger, and a smaller modulus protects the credential seed with less than 112-bit strength.
 */
const MIN_RSA_BITS = 2048;

/**
 * Checks that `ek` can receive a credential (what {@link makeCredential} requires): an RSA
 * (≥ 2048 bits) or ECC (a supported curve) restricted decryption key, fixedTPM and fixedParent,
 * with a computable nameAlg and AES-128/192/256-CFB symmetric parameters.
 *
 * @returns the EK's nameAlg and AES key size.
 * @throws {AttestError} `ERR_BAD_KEY` for a key that is no EK, `ERR_UNSUPPORTED` for parameters
 *   attestkit cannot make a credential for.
 *
 * @internal
 */
export function credentialEk(ek: TpmtPublic): { nameAlg: TpmComputableHash; keyBits: number } {
  if (ek.type !== 'rsa' && ek.type !== 'ecc') {
    throw new AttestError('ERR_BAD_KEY', { message: `a ${ek.type} object is not an EK` });
  }
  // TCG EK profile: fixedTPM and fixedParent too. A duplicable key could activate the credential
  // in another TPM, proving nothing about where the AK lives.
  const a = ek.objectAttributes;
  if (!a.restricted || !a.decrypt || !a.fixedTPM || !a.fixedParent) {
    throw new AttestError('ERR_BAD_KEY', {
      message: 'the EK must be a fixedTPM, fixedParent restricted decryption key',
    });
  }
  const nameAlg = ek.nameAlg;
  if (!isComputableHash(nameAlg)) {
    throw new AttestError('ERR_UNSUPPORTED', { message: `EK nameAlg ${nameAlg}` });
  }
  const sym = ek.parameters.symmetric;
  if (sym.algorithmId !== TPM_ALG.AES || sym.modeId !== TPM_ALG.CFB || sym.keyBits === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', {
      message: `EK symmetric ${sym.algorithm}-${sym.mode ?? ''} (AES-CFB is supported)`,
    });
  }
  if (![128, 192, 256].includes(sym.keyBits)) {
    throw new AttestError('ERR_UNSUPPORTED', { message: `AES key size ${sym.keyBits}` });
  }
  if (ek.type === 'ecc' && TPM_ECC_SIZES[ek.parameters.curve] === undefined) {
    throw new AttestError('ERR_UNSUPPORTED', { message: `curve ${ek.parameters.curve}` });
  }
  if (ek.type === 'rsa' && ek.parameters.keyBits < MIN_RSA_BITS) {
    throw new AttestError('ERR_BAD_KEY', {
      field: 'TPMT_PUBLIC.parameters.rsaDetail.keyBits',
      message: `RSA EK of ${ek.parameters.keyBits} bits (at least ${MIN_RSA_BITS} required)`,
    });
  }
  return { nameAlg, keyBits: sym.keyBits };
}

/**
 * The IDENTITY seed's protection: RSA-OAEP to the EK, or ECDH with an ephemeral key + KDFe.
 * Returns the seed and the TPM2B_ENCRYPTED_SECRET contents.
 */
async function protectSeed(
  ek: TpmtPublic,
  nameAlg: TpmComputableHash,
  random: (n: number) => Uint8Array,
): Promise<{ seed: Uint8Array; encryptedSecret: Uint8Array }> {
  const hl = TPM_HASH_SIZES[nameAlg];
  const key = tpmPublicKey(ek);
  if (key.kind === 'rsa') {
    const seed = draw(random, hl);
    const oaepSeed = draw(random, hl);
    const label = utf8Encode('IDENTITY\0');
    return { seed, encryptedSecret: rsaOaepEncrypt(key.n, key.e, nameAlg, label, seed, oaepSeed) };
  }
  const { p256, p384, p521 } = await import('@noble/curves/nist.js');
  const curve = key.curve === 'P-256' ? p256 : key.curve === 'P-384' ? p384 : p521;
  const size = key.x.length;
  const ekPoint = concatBytes(Uint8Array.of(4), key.x, key.y);
  let d: Uint8Array | undefined;
  for (let i = 0; i < 64 && d === undefined; i++) {
    const c = draw(random, size);
    if (key.curve === 'P-521') c[0]! &= 0x01;
    if (curve.utils.isValidSecretKey(c)) d = c;
  }
  if (d === undefined) throw new TypeError('randomBytes never produced a valid ECC private key');
  let shared: Uint8Array;
  try {
    shared = curve.getSharedSecret(d, ekPoint, false);
  } catch (cause) {
    throw new AttestError('ERR_BAD_KEY', { message: 'EK point is not on its curve', cause });
  }
  const q = curve.getPublicKey(d, false);
  const qx = q.slice(1, 1 + size);
  const qy = q.slice(1 + size);
  const z = shared.slice(1, 1 + size);
  const seed = kdfe(nameAlg, z, 'IDENTITY', qx, key.x, 8 * hl);
  const encryptedSecret = concatBytes(u16(qx.length), qx, u16(qy.length), qy);
  return { seed, encryptedSecret };
}

/**
 * TPM2_MakeCredential outside the TPM (Part 1 §24; Part 3 §12.6): encrypts `credential` so that
 * only the TPM holding `ekPublic`'s private key can recover it, with TPM2_ActivateCredential, and
 * only for a loaded object whose Name is `objectName` (the AK). A registrar uses it to prove an AK
 * lives in the same TPM as a certified EK.
 *
 * - RSA EK: a nameAlg-size seed, RSAES-OAEP(nameAlg) to the EK with label `"IDENTITY\0"`.
 * - ECC EK (NIST P-256/384/521): an ephemeral key, `seed = KDFe(nameAlg, Z, "IDENTITY", Q.x,
 *   EK.x)`, and the ephemeral point as encrypted secret.
 * - Then `symKey = KDFa(seed, "STORAGE", objectName)` (the EK's symmetric key size), `encIdentity
 *   = AES-CFB(symKey, IV 0, u16(len) ‖ credential)`, `hmacKey = KDFa(seed, "INTEGRITY")` and
 *   `outerHMAC = HMAC(hmacKey, encIdentity ‖ objectName)`.
 *
 * @param ekPublic - the EK's TPMT_PUBLIC / TPM2B_PUBLIC (bytes or parsed): a restricted
 *   decryption key with AES-CFB symmetric parameters.
 * @param objectName - the Name of the object that will activate it (e.g. `tpmName(akPublic)`).
 *   Copied when the call is made, with `credential`: the blob binds the Name that was checked,
 *   whatever happens to the caller's buffers afterwards (reuse, detaching).
 * @param credential - the secret, 1 to digest-size-of-nameAlg bytes.
 * @param options - `randomBytes` (tests only).
 * @returns `credentialBlob` (TPM2B_ID_OBJECT) and `secret` (TPM2B_ENCRYPTED_SECRET), ready for
 *   TPM2_ActivateCredential (or {@link encodeTpm2ToolsCredential} for tpm2-tools).
 * @throws {AttestError} `ERR_BAD_KEY` (not a restricted decryption key with fixedTPM and
 *   fixedParent set, as the TCG EK profile requires; an RSA EK under 2048 bits or whose exponent
 *   is neither 0 nor a prime greater than 2; a bad point),
 *   `ERR_UNSUPPORTED` (non-AES-CFB symmetric, unsupported curve or nameAlg), `ERR_BAD_VALUE`
 *   (objectName is not a Name), and the parse codes of {@link parseTpmPublic}.
 * @throws {RangeError} for a credential that is empty or longer than the nameAlg digest.
 * @example
 * ```ts
 * import { makeCredential, tpmName } from 'attestkit/tpm';
 * const secret = crypto.getRandomValues(new Uint8Array(32));
 * const cred = await makeCredential(ekPub, tpmName(akPub), secret);
 * // send cred.credentialBlob and cred.secret to the attester; expect `secret` back
 * ```
 */
export async function makeCredential(
  ekPublic: Uint8Array | TpmtPublic,
  objectName: Uint8Array,
  credential: Uint8Array,
  options: MakeCredentialOptions = {},
): Promise<TpmCredential> {
  const ek = publicAreaOf(ekPublic, 'ekPublic');
  assertInputBytes(objectName, 'objectName');
  assertInputBytes(credential, 'credential');
  // Private copies, validated and then used alone: the caller's buffers may change (reused for
  // the next AK, or detached) while protectSeed awaits, and the blob must bind the Name checked.
  const nameCopy = copyBytes(objectName);
  const credentialCopy = copyBytes(credential);
  const random = options.randomBytes ?? defaultRandom;
  if (typeof random !== 'function') throw new TypeError('options.randomBytes must be a function');

  const { nameAlg, keyBits } = credentialEk(ek);
  const nameHash =
    nameCopy.length >= 2 ? TPM_HASH_BY_ID[(nameCopy[0]! << 8) | nameCopy[1]!] : undefined;
  if (nameHash === undefined || nameCopy.length !== 2 + TPM_HASH_SIZES[nameHash]) {
    throw new AttestError('ERR_BAD_VALUE', {
      message: 'objectName must be a Name: a hash algorithm id followed by its digest',
    });
  }
  const hl = TPM_HASH_SIZES[nameAlg];
  if (credentialCopy.length === 0 || credentialCopy.length > hl) {
    throw new RangeError(`credential must be 1..${hl} bytes for an EK with nameAlg ${nameAlg}`);
  }

  const { seed, encryptedSecret } = await protectSeed(ek, nameAlg, random);
  const empty = new Uint8Array(0);
  const symKey = kdfa(nameAlg, seed, 'STORAGE', nameCopy, empty, keyBits);
  const plaintext = concatBytes(u16(credentialCopy.length), credentialCopy);
  const encIdentity = await aesCfbEncrypt(symKey, plaintext);
  const hmacKey = kdfa(nameAlg, seed, 'INTEGRITY', empty, empty, 8 * hl);
  const outerHmac = hmacDigest(nameAlg, hmacKey, concatBytes(encIdentity, nameCopy));
  const idObject = concatBytes(u16(outerHmac.length), outerHmac, encIdentity);
  return {
    credentialBlob: concatBytes(u16(idObject.length), idObject),
    secret: concatBytes(u16(encryptedSecret.length), encryptedSecret),
  };
}

/** tpm2-tools credential file magic (`tpm2_makecredential -o`, `tpm2_activatecredential -i`). */
export const TPM2_TOOLS_CREDENTIAL_MAGIC = 0xbadcc0de;

/**
 * Wraps a {@link TpmCredential} in the file format tpm2-tools reads with
 * `tpm2_activatecredential -i`: `u32 0xBADCC0DE ‖ u32 1 ‖ TPM2B_ID_OBJECT ‖
 * TPM2B_ENCRYPTED_SECRET` (big-endian).
 *
 * @param credential - the output of {@link makeCredential}.
 * @returns the file bytes.
 * @throws {TypeError} when the parts are not Uint8Arrays.
 * @example
 * ```ts
 * writeFileSync('mkcred.out', encodeTpm2ToolsCredential(await makeCredential(ek, name, s)));
 * ```
 */
export function encodeTpm2ToolsCredential(credential: TpmCredential): Uint8Array {
  assertInputBytes(credential.credentialBlob, 'credential.credentialBlob');
  assertInputBytes(credential.secret, 'credential.secret');
  return concatBytes(
    u32(TPM2_TOOLS_CREDENTIAL_MAGIC),
    u32(1),
    credential.credentialBlob,
    credential.secret,
  );
}
