/**
 * TCG default EK templates (TCG EK Credential Profile for TPM Family 2.0, version 2.x, Annex B:
 * L-1, L-2, H-1…H-4, H-6, H-7), each written here from the profile's values (facts, not taken from
 * src/) and encoded with the project's TPMT_PUBLIC encoder: `ekTemplateOf` must name each one, and
 * a one-bit change in objectAttributes or authPolicy must not be taken for that template.
 */
import { describe, expect, it } from 'vitest';
import {
  AttestError,
  ekTemplateOf,
  encodeTpm2b,
  encodeTpmtPublic,
  TPM_ALG,
  TPM_ECC,
  type EkTemplateId,
  type TpmtPublicInput,
} from '../../src/tpm/index.js';
import { fromHex } from '../../src/core/encoding.js';

// authPolicy values of the EK Credential Profile: PolicyA = PolicySecret(TPM_RH_ENDORSEMENT),
// PolicyB = PolicyOR(PolicyA, PolicyC), per hash.
const POLICY_A_SHA256 = '837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa';
const POLICY_B_SHA256 = 'ca3d0a99a2b93906f7a3342414efcfb3a385d44cd1fd459089d19b5071c0b7a0';
const POLICY_B_SHA384 =
  'b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419cacb47ba09699646150f9fc000f3f80e12';
const POLICY_B_SHA512 =
  'b8221ca69e8550a4914de3faa6a18c072cc01208073a928d5d66d59ef79e49a4' +
  '29c41a6b269571d57edb25fbdb1838425608b413cd616a5f6db5b6071af99bea';

/** fixedTPM | fixedParent | sensitiveDataOrigin | adminWithPolicy | restricted | decrypt. */
const LOW = 0x000300b2;
/** LOW | userWithAuth. */
const HIGH = 0x000300f2;

interface Template {
  readonly id: EkTemplateId;
  readonly nameAlgId: number;
  readonly attributes: number;
  readonly policy: string;
  readonly aesBits: 128 | 256;
  readonly rsaBits?: 2048 | 3072 | 4096;
  readonly curveId?: number;
  /** Low-range templates zero-fill `unique`; high-range ones leave it empty. */
  readonly uniqueSize: number;
}

const TEMPLATES: readonly Template[] = [
  {
    id: 'L-1',
    nameAlgId: TPM_ALG.SHA256,
    attributes: LOW,
    policy: POLICY_A_SHA256,
    aesBits: 128,
    rsaBits: 2048,
    uniqueSize: 256,
  },
  {
    id: 'L-2',
    nameAlgId: TPM_ALG.SHA256,
    attributes: LOW,
    policy: POLICY_A_SHA256,
    aesBits: 128,
    curveId: TPM_ECC.NIST_P256,
    uniqueSize: 32,
  },
  {
    id: 'H-1',
    nameAlgId: TPM_ALG.SHA256,
    attributes: HIGH,
    policy: POLICY_B_SHA256,
    aesBits: 128,
    rsaBits: 2048,
    uniqueSize: 0,
  },
  {
    id: 'H-2',
    nameAlgId: TPM_ALG.SHA256,
    attributes: HIGH,
    policy: POLICY_B_SHA256,
    aesBits: 128,
    curveId: TPM_ECC.NIST_P256,
    uniqueSize: 0,
  },
  {
    id: 'H-3',
    nameAlgId: TPM_ALG.SHA384,
    attributes: HIGH,
    policy: POLICY_B_SHA384,
    aesBits: 256,
    curveId: TPM_ECC.NIST_P384,
    uniqueSize: 0,
  },
  {
    id: 'H-4',
    nameAlgId: TPM_ALG.SHA512,
    attributes: HIGH,
    policy: POLICY_B_SHA512,
    aesBits: 256,
    curveId: TPM_ECC.NIST_P521,
    uniqueSize: 0,
  },
  {
    id: 'H-6',
    nameAlgId: TPM_ALG.SHA384,
    attributes: HIGH,
    policy: POLICY_B_SHA384,
    aesBits: 256,
    rsaBits: 3072,
    uniqueSize: 0,
  },
  {
    id: 'H-7',
    nameAlgId: TPM_ALG.SHA384,
    attributes: HIGH,
    policy: POLICY_B_SHA384,
    aesBits: 256,
    rsaBits: 4096,
    uniqueSize: 0,
  },
];

interface Overrides {
  readonly attributes?: number;
  readonly policy?: Uint8Array;
  readonly nameAlgId?: number;
  readonly aesBits?: number;
  readonly rsaBits?: number;
  readonly exponent?: number;
  readonly curveId?: number;
  readonly schemeId?: number;
  readonly unique?: 'template' | 'key';
}

/** The template's TPMT_PUBLIC, with `o` changed; `unique: 'key'` fills it like a created EK. */
function encode(t: Template, o: Overrides = {}): Uint8Array {
  const symmetric = {
    algorithmId: TPM_ALG.AES,
    keyBits: o.aesBits ?? t.aesBits,
    modeId: TPM_ALG.CFB,
  };
  const base = {
    nameAlgId: o.nameAlgId ?? t.nameAlgId,
    objectAttributes: o.attributes ?? t.attributes,
    authPolicy: o.policy ?? fromHex(t.policy),
  };
  const scheme =
    o.schemeId === undefined || o.schemeId === TPM_ALG.NULL
      ? { schemeId: TPM_ALG.NULL }
      : { schemeId: o.schemeId, hashAlg: TPM_ALG.SHA256 };
  const filled = (n: number): Uint8Array => new Uint8Array(n).fill(0xa5);
  let input: TpmtPublicInput;
  if (t.rsaBits !== undefined) {
    const bits = o.rsaBits ?? t.rsaBits;
    input = {
      ...base,
      type: 'rsa',
      parameters: { symmetric, scheme, keyBits: bits, exponent: o.exponent ?? 0 },
      unique: o.unique === 'key' ? filled(bits / 8) : new Uint8Array(t.uniqueSize),
    };
  } else {
    const size = { [TPM_ECC.NIST_P256]: 32, [TPM_ECC.NIST_P384]: 48, [TPM_ECC.NIST_P521]: 66 }[
      o.curveId ?? t.curveId!
    ]!;
    const coord = o.unique === 'key' ? filled(size) : new Uint8Array(t.uniqueSize);
    input = {
      ...base,
      type: 'ecc',
      parameters: {
        symmetric,
        scheme,
        curveId: o.curveId ?? t.curveId!,
        kdf: { schemeId: TPM_ALG.NULL },
      },
      unique: { x: coord, y: coord.slice() },
    };
  }
  return encodeTpmtPublic(input);
}

/** The template named, or `rejected` when the public area does not even parse. */
function detect(bytes: Uint8Array): EkTemplateId | undefined | 'rejected' {
  try {
    return ekTemplateOf(bytes);
  } catch (e) {
    if (e instanceof AttestError) return 'rejected';
    throw e;
  }
}

describe('EK templates: every TCG default template is named (SYNTHETIC public areas)', () => {
  for (const t of TEMPLATES) {
    it(`${t.id}: the template and a created EK of it (TPMT_PUBLIC and TPM2B_PUBLIC)`, () => {
      const template = encode(t);
      expect(ekTemplateOf(template)).toBe(t.id);
      expect(ekTemplateOf(encodeTpm2b(template))).toBe(t.id);
      expect(ekTemplateOf(encode(t, { unique: 'key' }))).toBe(t.id);
    });

    it(`${t.id}: a one-bit change in objectAttributes is not ${t.id}`, () => {
      for (let bit = 0; bit < 32; bit++) {
        const attributes = (t.attributes ^ (1 << bit)) >>> 0;
        const got = detect(encode(t, { attributes }));
        // Reserved bits make the area malformed; every other flip leaves the default templates.
        expect(got, `bit ${bit}`).not.toBe(t.id);
        expect([undefined, 'rejected'], `bit ${bit}`).toContain(got);
      }
    });

    it(`${t.id}: a one-bit change in authPolicy is not ${t.id}`, () => {
      const policy = fromHex(t.policy);
      for (let bit = 0; bit < policy.length * 8; bit++) {
        const changed = policy.slice();
        changed[bit >> 3]! ^= 1 << (bit & 7);
        expect(ekTemplateOf(encode(t, { policy: changed })), `bit ${bit}`).toBeUndefined();
      }
      // A truncated or empty policy is no template either.
      expect(ekTemplateOf(encode(t, { policy: policy.subarray(1) }))).toBeUndefined();
      expect(ekTemplateOf(encode(t, { policy: new Uint8Array(0) }))).toBeUndefined();
    });
  }

  it('the other fields a template fixes: nameAlg, AES size, scheme, exponent, key size, curve', () => {
    const byId = (id: EkTemplateId): Template => TEMPLATES.find((t) => t.id === id)!;
    const h1 = byId('H-1');
    const h4 = byId('H-4');
    const h6 = byId('H-6');
    expect(ekTemplateOf(encode(h1, { nameAlgId: TPM_ALG.SHA384 }))).toBeUndefined();
    expect(ekTemplateOf(encode(h1, { aesBits: 256 }))).toBeUndefined();
    expect(ekTemplateOf(encode(h1, { schemeId: TPM_ALG.RSASSA }))).toBeUndefined();
    expect(ekTemplateOf(encode(h1, { exponent: 65537 }))).toBeUndefined();
    expect(ekTemplateOf(encode(h1, { rsaBits: 3072 }))).toBeUndefined();
    expect(ekTemplateOf(encode(h4, { nameAlgId: TPM_ALG.SHA384 }))).toBeUndefined();
    expect(ekTemplateOf(encode(h4, { aesBits: 128 }))).toBeUndefined();
    expect(ekTemplateOf(encode(h4, { curveId: TPM_ECC.NIST_P384 }))).toBeUndefined();
    // H-6 and H-7 differ only in the modulus size.
    expect(ekTemplateOf(encode(h6, { rsaBits: 4096 }))).toBe('H-7');
    expect(ekTemplateOf(encode(h6, { rsaBits: 2048 }))).toBeUndefined();
  });
});
