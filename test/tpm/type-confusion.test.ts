/** Every public TPM entry point rejects values of the wrong type with TypeError (noble TYPE_TEST). */
import { describe, expect, it } from 'vitest';
import {
  decodeTpmaObject,
  ekTemplateOf,
  encodeTpm2ToolsCredential,
  kdfa,
  kdfe,
  makeCredential,
  parseEkCertificate,
  parseTpm2bPublic,
  parseTpmlPcrSelection,
  parseTpmPublic,
  parseTpmsAttest,
  parseTpmsCreationData,
  parseTpmtPublic,
  parseTpmtSignature,
  resolveTpmKey,
  tpmCryptoKey,
  tpmName,
  tpmPublicKey,
  tpmQualifiedName,
  verifyEkCertificate,
  verifyTpmCertify,
  verifyTpmQuote,
} from '../../src/tpm/index.js';
import { NOT_BYTES, detachedView } from '../support/not-bytes.js';

const wrong: readonly (readonly [string, () => unknown])[] = [
  ...NOT_BYTES,
  ['string', () => 'ff544347'],
  ['detached view', detachedView],
];

const parsers: [string, (x: never) => unknown][] = [
  ['parseTpmsAttest', parseTpmsAttest],
  ['parseTpmtSignature', parseTpmtSignature],
  ['parseTpmtPublic', parseTpmtPublic],
  ['parseTpm2bPublic', parseTpm2bPublic],
  ['parseTpmPublic', parseTpmPublic],
  ['parseTpmlPcrSelection', parseTpmlPcrSelection],
  ['parseTpmsCreationData', parseTpmsCreationData],
  ['tpmName', tpmName],
  ['tpmPublicKey', tpmPublicKey],
  ['ekTemplateOf', ekTemplateOf],
];

const good = {
  attest: new Uint8Array(10),
  signature: new Uint8Array(10),
  akPublic: new Uint8Array(10),
};

describe('type confusion: parsers', () => {
  for (const [name, fn] of parsers) {
    it(`${name}`, () => {
      for (const [label, make] of wrong) {
        expect(() => fn(make() as never), `${name}(${label})`).toThrow(TypeError);
      }
    });
  }
  it('parseEkCertificate (strings are PEM, so they are not a type error)', () => {
    for (const [label, make] of wrong.filter(([l]) => l !== 'string')) {
      expect(() => parseEkCertificate(make() as never), label).toThrow(TypeError);
    }
  });
  it('resolveTpmKey, tpmQualifiedName, kdfa, kdfe, encodeTpm2ToolsCredential, decodeTpmaObject', () => {
    for (const [label, make] of wrong.filter(([l]) => l !== 'string' && l !== 'detached view')) {
      expect(() => resolveTpmKey(make() as never), label).toThrow(TypeError);
    }
    for (const [label, make] of wrong) {
      expect(() => tpmQualifiedName(make() as never, new Uint8Array(10)), label).toThrow(TypeError);
      expect(
        () => kdfa('sha256', make() as never, 'L', new Uint8Array(0), new Uint8Array(0), 8),
        label,
      ).toThrow(TypeError);
      expect(
        () => kdfe('sha256', new Uint8Array(1), 'L', make() as never, new Uint8Array(0), 8),
        label,
      ).toThrow(TypeError);
      expect(
        () =>
          encodeTpm2ToolsCredential({ credentialBlob: make() as never, secret: new Uint8Array(1) }),
        label,
      ).toThrow(TypeError);
    }
    expect(decodeTpmaObject(0x00050072).names).toContain('restricted');
  });
});

describe('type confusion: verifiers reject, never resolve, on wrong types', () => {
  it('verifyTpmQuote', async () => {
    for (const [label, make] of wrong) {
      await expect(verifyTpmQuote(make() as never), label).rejects.toThrow(TypeError);
      await expect(verifyTpmQuote({ ...good, attest: make() as never }), label).rejects.toThrow(
        TypeError,
      );
      await expect(verifyTpmQuote({ ...good, signature: make() as never }), label).rejects.toThrow(
        TypeError,
      );
      if (label !== 'string' && label !== 'plain object' && label !== 'detached view') {
        await expect(verifyTpmQuote({ ...good, akPublic: make() as never }), label).rejects.toThrow(
          TypeError,
        );
      }
      if (label !== 'undefined') {
        await expect(verifyTpmQuote(good, { nonce: make() as never }), label).rejects.toThrow(
          TypeError,
        );
        await expect(
          verifyTpmQuote({ ...good, pcrs: { sha256: { 0: make() as never } } }),
          label,
        ).rejects.toThrow(TypeError);
      }
    }
    await expect(verifyTpmQuote({ ...good, pcrs: { md5: {} } as never })).rejects.toThrow(
      TypeError,
    );
    await expect(
      verifyTpmQuote({ ...good, pcrs: { sha256: { x: new Uint8Array(32) } } as never }),
    ).rejects.toThrow(TypeError);
    await expect(verifyTpmQuote(good, { allowSha1: 'yes' as never })).rejects.toThrow(TypeError);
    await expect(
      verifyTpmQuote({ ...good, signatureScheme: { scheme: 'dsa', hash: 'sha256' } as never }),
    ).rejects.toThrow(TypeError);
  });

  it('tpmCryptoKey', async () => {
    for (const [label, make] of wrong)
      await expect(tpmCryptoKey(make() as never), label).rejects.toThrow(TypeError);
  });

  it('verifyTpmCertify, makeCredential, verifyEkCertificate', async () => {
    for (const [label, make] of wrong) {
      await expect(verifyTpmCertify(make() as never), label).rejects.toThrow(TypeError);
      await expect(
        verifyTpmCertify({
          attest: make() as never,
          signature: new Uint8Array(1),
          signerPublic: new Uint8Array(1),
          objectPublic: new Uint8Array(1),
        }),
        label,
      ).rejects.toThrow(TypeError);
      if (label !== 'undefined') {
        await expect(
          makeCredential(make() as never, new Uint8Array(34), new Uint8Array(1)),
          label,
        ).rejects.toThrow(TypeError);
      }
      await expect(
        verifyEkCertificate(make() as never, { roots: new Uint8Array(1) }),
        label,
      ).rejects.toThrow(TypeError);
    }
    await expect(
      verifyEkCertificate({ certificate: new Uint8Array(1) }, { roots: 5 as never }),
    ).rejects.toThrow(TypeError);
  });
});
