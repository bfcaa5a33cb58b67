/** verifyTpmQuote on every real quote vector: swtpm (incl. negatives), Windows, GCE, keylime, Azure. */
import { expect, it } from 'vitest';
import { describeVectors, hex, listVectors, readVectorText } from '../support/vectors.js';
import {
  parseTpmPublic,
  parseTpmsAttest,
  tpmHandleName,
  tpmQualifiedName,
  verifyTpmQuote,
  type TpmQuoteVerification,
} from '../../src/tpm/index.js';
import { toHex } from '../../src/core/encoding.js';
import {
  azureQuotes,
  hclAkJwk,
  pcrsFromHex,
  realExpected,
  realFile,
  swtpmFile,
  swtpmManifest,
  swtpmQuoteCases,
} from './support/tpm-vectors.js';
import { parseTpm2ToolsPcrFile } from './support/tpm2tools-pcrs.js';

function status(r: TpmQuoteVerification, id: string): string | undefined {
  return r.checks.find((c) => c.id === id)?.status;
}

function failed(r: TpmQuoteVerification): string[] {
  return r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

/** Expected failing check per swtpm negative case (what the manifest says failed). */
const NEGATIVE_FAILS: Record<string, string[]> = {
  tampered_quote_byte: ['tpm.quote.signature', 'tpm.quote.pcr-digest'],
  tampered_signature: ['tpm.quote.signature'],
  wrong_nonce: ['tpm.quote.nonce'],
  pcr_values_mismatch: ['tpm.quote.pcr-digest'],
  wrong_ak: ['tpm.quote.scheme', 'tpm.quote.signature'],
};

describeVectors('tpm quote: swtpm vectors', () => {
  const cases = swtpmQuoteCases();
  it('has every quote case of the manifest', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(
      [
        'pcr_values_mismatch',
        'quote_ecdsa_p256_sha1all_sha256pcr15',
        'quote_ecdsa_p384_sha384',
        'quote_rsapss_sha256_0to7',
        'quote_rsassa_multibank',
        'tampered_quote_byte',
        'tampered_signature',
        'wrong_ak',
        'wrong_nonce',
      ].sort(),
    );
  });
  const m = swtpmManifest();
  for (const c of cases) {
    const hasSha1 = (c.c.selection ?? m.cases[c.c.based_on]?.selection ?? []).some(
      (s: { bank: string }) => s.bank === 'sha1',
    );
    it(`${c.name}: ${c.negative ? 'rejected at ' + NEGATIVE_FAILS[c.name]!.join(', ') : 'verifies'}`, async () => {
      // Positive cases: the nonce is nonce.bin, the file given to tpm2_quote -q; it is the
      // manifest's nonce_hex.
      if (!c.negative) expect(c.nonceFile).toEqual(c.nonce);
      const r = await verifyTpmQuote(
        { attest: c.attest, signature: c.signature, akPublic: c.akTpm2b, pcrs: c.pcrs },
        { nonce: c.nonceFile ?? c.nonce, allowSha1: hasSha1 },
      );
      if (!c.negative) {
        expect(status(r, 'tpm.quote.nonce')).toBe('pass');
        expect(failed(r)).toEqual([]);
        expect(r.ok).toBe(true);
        const a = c.c.attest;
        expect(toHex(r.attest!.qualifiedSigner)).toBe(a.qualifiedSigner);
        expect(toHex(r.attest!.extraData)).toBe(a.extraData);
        expect(r.clockInfo).toEqual({
          clock: BigInt(a.clockInfo.clock),
          resetCount: a.clockInfo.resetCount,
          restartCount: a.clockInfo.restartCount,
          safe: a.clockInfo.safe === 1,
        });
        expect(r.firmwareVersion).toBe(BigInt(a.firmwareVersion));
        expect(r.pcrSelection!.map((s) => ({ bank: s.hash, pcrs: s.pcrs }))).toEqual(
          c.c.selection.map((s: { bank: string; pcrs: number[] }) => ({
            bank: s.bank,
            pcrs: s.pcrs,
          })),
        );
        // Returned PCRs are exactly the supplied (= selected) ones.
        expect(r.pcrs).toEqual(c.pcrs);
        expect(status(r, 'tpm.quote.sha1')).toBe(hasSha1 ? 'warn' : 'pass');
        if (c.c.signature_scheme === 'rsapss') {
          expect(r.checks.find((x) => x.id === 'tpm.quote.signature')?.detail).toEqual({
            saltLength: 32,
          });
        }
      } else {
        expect(r.ok).toBe(false);
        expect(failed(r)).toEqual(NEGATIVE_FAILS[c.name]);
        expect(r.pcrs).toEqual({});
      }
    });

    it(`${c.name}: pcrs.tpm2tools.bin (tpm2_quote -o) holds the signed selection and the pcrs.json values`, async () => {
      const file = parseTpm2ToolsPcrFile(c.pcrsTpm2Tools);
      const signed = parseTpmsAttest(c.attest).attested;
      if (signed.type !== 'quote') throw new Error('not a quote');
      expect(file.selections.map((s) => ({ hashAlg: s.hashAlg, pcrs: s.pcrs }))).toEqual(
        signed.pcrSelect.map((s) => ({ hashAlg: s.hashAlg, pcrs: s.pcrs })),
      );
      expect(file.pcrs).toEqual(c.pcrs);
      // The values as tpm2-tools hands them to tpm2_checkquote get the same verdict.
      const r = await verifyTpmQuote(
        { attest: c.attest, signature: c.signature, akPublic: c.akTpm2b, pcrs: file.pcrs },
        { nonce: c.nonce, allowSha1: true },
      );
      expect(failed(r)).toEqual(c.negative ? NEGATIVE_FAILS[c.name] : []);
    });
  }

  it('the same quotes verify with the AK as PEM (attribute and Name checks skip)', async () => {
    for (const c of cases.filter((x) => !x.negative)) {
      const r = await verifyTpmQuote(
        { attest: c.attest, signature: c.signature, akPublic: c.akPem, pcrs: c.pcrs },
        { nonce: c.nonce, allowSha1: true },
      );
      expect(r.ok, c.name).toBe(true);
      expect(status(r, 'tpm.quote.ak-attributes')).toBe('skip');
      expect(status(r, 'tpm.quote.qualified-signer')).toBe('skip');
    }
  });

  it('qualifiedSigner equals the AK qualified Name under its EK (parent QN supplied)', async () => {
    for (const c of cases.filter((x) => !x.negative)) {
      const ak = m.keys[c.c.ak];
      const ekName = Object.keys(m.keys).find((k) => m.keys[k].handle === ak.parent_ek)!;
      const ekQn = tpmQualifiedName(
        tpmHandleName('endorsement'),
        swtpmFile(m.keys[ekName].files.tpm2b_public),
      );
      const r = await verifyTpmQuote(
        { attest: c.attest, signature: c.signature, akPublic: c.akTpm2b, pcrs: c.pcrs },
        { nonce: c.nonce, allowSha1: true, akParentQualifiedName: ekQn },
      );
      expect(status(r, 'tpm.quote.qualified-signer'), c.name).toBe('pass');
      // A wrong parent makes it fail.
      const r2 = await verifyTpmQuote(
        { attest: c.attest, signature: c.signature, akPublic: c.akTpm2b, pcrs: c.pcrs },
        { nonce: c.nonce, allowSha1: true, akParentQualifiedName: tpmHandleName('owner') },
      );
      expect(status(r2, 'tpm.quote.qualified-signer')).toBe('fail');
      expect(r2.ok).toBe(false);
    }
  });

  it('SHA-1 banks are refused by default (quote_rsassa_multibank selects sha1 PCRs 0 and 7)', async () => {
    const c = cases.find((x) => x.name === 'quote_rsassa_multibank')!;
    const r = await verifyTpmQuote(
      { attest: c.attest, signature: c.signature, akPublic: c.akTpm2b, pcrs: c.pcrs },
      { nonce: c.nonce },
    );
    expect(r.ok).toBe(false);
    expect(failed(r)).toEqual(['tpm.quote.sha1']);
    expect(r.checks.find((x) => x.id === 'tpm.quote.sha1')?.detail).toEqual({
      uses: ['SHA-1 PCR bank selected'],
    });
  });
});

describeVectors('tpm quote: real captures', () => {
  const e = realExpected();

  it('Windows GCE Shielded VM: SHA-1 AK, 24 SHA-1 PCRs, empty nonce', async () => {
    const w = e['go-attestation/windows_gcp_shielded_vm'];
    const ev = {
      attest: realFile(w.files.quote),
      signature: realFile(w.files.sig),
      akPublic: realFile(w.files.ak_tpmt_public),
      pcrs: pcrsFromHex(w.pcrs),
    };
    // Captured without qualifying data: accepted only by a caller that gives up freshness.
    const r = await verifyTpmQuote(ev, {
      nonce: new Uint8Array(0),
      requireNonce: false,
      allowSha1: true,
    });
    expect(r.ok).toBe(true);
    expect(failed(r)).toEqual([]);
    expect(status(r, 'tpm.quote.nonce')).toBe('warn'); // empty nonce: no freshness
    expect(status(r, 'tpm.quote.sha1')).toBe('warn');
    expect(r.checks.find((c) => c.id === 'tpm.quote.sha1')?.detail).toEqual({
      uses: ['SHA-1 PCR bank selected', 'SHA-1 signature'],
    });
    expect(r.checks.find((c) => c.id === 'tpm.quote.pcr-digest')?.detail).toMatchObject({
      expected: w.expected.pcrDigest,
      hash: 'sha1',
    });
    expect(r.clockInfo).toEqual({
      clock: BigInt(w.attest.clockInfo.clock),
      resetCount: w.attest.clockInfo.resetCount,
      restartCount: w.attest.clockInfo.restartCount,
      safe: true,
    });
    expect(r.firmwareVersion).toBe(BigInt(w.attest.firmwareVersion));
    expect(toHex(r.attest!.qualifiedSigner)).toBe(w.attest.qualifiedSigner);
    expect(r.akPublic?.objectAttributes.names).toEqual(w.ak_public.objectAttributeNames);
    // Default options: the empty nonce proves no freshness, and SHA-1 is refused.
    const strict = await verifyTpmQuote(ev, { nonce: new Uint8Array(0) });
    expect(strict.ok).toBe(false);
    expect(failed(strict)).toEqual(['tpm.quote.nonce', 'tpm.quote.sha1']);
    const stale = await verifyTpmQuote(ev, { nonce: new Uint8Array(0), requireNonce: false });
    expect(failed(stale)).toEqual(['tpm.quote.sha1']);
  });

  for (const key of ['go-tpm-tools/gce-cos-85-no-nonce', 'go-tpm-tools/gce-cos-85-nonce9009']) {
    const g = e[key];
    for (const q of g.quotes) {
      it(`${key} ${q.bank} bank`, async () => {
        const ev = {
          attest: realFile(q.quote),
          signature: realFile(q.sig),
          akPublic: realFile(g.files.ak_tpmt_public),
          pcrs: pcrsFromHex(q.pcrs),
        };
        const nonce = hex(g.nonce_hex);
        // The no-nonce capture has empty extraData: it verifies only without requireNonce.
        const fresh = nonce.length > 0;
        const r = await verifyTpmQuote(ev, {
          nonce,
          allowSha1: q.bank === 'sha1',
          ...(fresh ? {} : { requireNonce: false }),
        });
        expect(failed(r)).toEqual([]);
        expect(r.ok).toBe(true);
        expect(status(r, 'tpm.quote.nonce')).toBe(fresh ? 'pass' : 'warn');
        if (!fresh) {
          const strict = await verifyTpmQuote(ev, { nonce, allowSha1: q.bank === 'sha1' });
          expect(failed(strict)).toEqual(['tpm.quote.nonce']);
        }
        expect(toHex(r.attest!.extraData)).toBe(q.expected.extraData_hex);
        const d = r.checks.find((c) => c.id === 'tpm.quote.pcr-digest')?.detail as {
          expected: string;
          hash: string;
        };
        expect(d.expected).toBe(q.expected.pcrDigest);
        expect(d.hash).toBe('sha256'); // the AK's signing hash, whatever the bank
        expect(Object.keys(r.pcrs)).toEqual([q.bank]);
        expect(Object.keys(r.pcrs[q.bank as 'sha1']!)).toHaveLength(24);
      });
    }
  }

  it('GCE AK certificate holds the same key as the AK TPMT_PUBLIC', async () => {
    const { parseCertificate } = await import('../../src/core/x509.js');
    const { tpmPublicKey } = await import('../../src/tpm/index.js');
    const { samePublicKey } = await import('../../src/core/crypto.js');
    const g = e['go-tpm-tools/gce-cos-85-nonce9009'];
    const cert = parseCertificate(realFile(g.files.ak_cert));
    expect(samePublicKey(cert.publicKey, tpmPublicKey(realFile(g.files.ak_tpmt_public)))).toBe(
      true,
    );
  });

  it('keylime quotepcr.out (tpm2_quote -o) holds the signed selection and the expected values', async () => {
    const k = e['keylime/tpm2-tools-files'];
    const file = parseTpm2ToolsPcrFile(realFile('keylime/quotepcr.out'));
    expect(file.selections.map((s) => [s.bank, s.pcrs])).toEqual([['sha256', [15, 16, 22]]]);
    expect(file.pcrs).toEqual(pcrsFromHex(k.pcrs));
    // The values keylime passed to tpm2_checkquote -f verify the quote.
    const r = await verifyTpmQuote(
      {
        attest: realFile('keylime/quote.out'),
        signature: realFile('keylime/quotesig.out'),
        akPublic: realFile('keylime/ak.pub'),
        pcrs: file.pcrs,
      },
      { nonce: realFile('keylime/rand.out') },
    );
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.pcrs).toEqual(file.pcrs);
  });

  it('keylime tpm2-tools files: TPM2B_PUBLIC AK, 20-byte nonce, sha256 PCRs 15,16,22', async () => {
    const k = e['keylime/tpm2-tools-files'];
    const ev = {
      attest: realFile('keylime/quote.out'),
      signature: realFile('keylime/quotesig.out'),
      akPublic: realFile('keylime/ak.pub'),
      pcrs: pcrsFromHex(k.pcrs),
    };
    const r = await verifyTpmQuote(ev, { nonce: realFile('keylime/rand.out') });
    expect(failed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(toHex(r.attest!.extraData)).toBe(k.expected.nonce_hex);
    expect(r.pcrSelection?.[0]?.pcrs).toEqual([15, 16, 22]);
    // The AK under keylime's EK: the qualified signer matches.
    const ekQn = tpmQualifiedName(tpmHandleName('endorsement'), realFile('keylime/ek.pub'));
    const r2 = await verifyTpmQuote(ev, {
      nonce: realFile('keylime/rand.out'),
      akParentQualifiedName: ekQn,
    });
    expect(status(r2, 'tpm.quote.qualified-signer')).toBe('pass');
    expect(toHex(tpmQualifiedName(ekQn, realFile('keylime/ak.pub')))).toBe(
      k.attest.qualifiedSigner,
    );
    // The PEM form of the same AK verifies too.
    const r3 = await verifyTpmQuote(
      { ...ev, akPublic: readVectorText('tpm', 'real', 'keylime', 'akpub.pem') },
      { nonce: realFile('keylime/rand.out') },
    );
    expect(r3.ok).toBe(true);
    expect(parseTpmPublic(realFile('keylime/ak.pub')).type).toBe('rsa');
  });
});

describeVectors('tpm quote: Azure vTPM quotes (raw RSASSA-SHA256 signature, HCLAkPub JWK)', () => {
  const quotes = azureQuotes();
  it('reads every quote-bearing file of the Azure vectors, each once', () => {
    // Files that carry a vTPM quote, found by name in the directory (not from expected.json,
    // which is what azureQuotes() follows): quote.bin (bincode), tpm-quote*.json,
    // *quote-msg.bin (with its -sig.bin), evidence*.json (Trustee evidence with a tpm_quote).
    const files = listVectors('azure').filter((f) =>
      /(^|\/)(quote\.bin|tpm-quote[^/]*\.json|[^/]*quote-msg\.bin|evidence[^/]*\.json)$/.test(f),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(quotes.map((q) => q.file).sort()).toEqual(files.sort());
  });
  for (const q of quotes) {
    it(q.id, async () => {
      const akPublic = hclAkJwk(q.hcl);
      const nonce = hex(q.expected.attest.extra_data);
      const r = await verifyTpmQuote(
        {
          attest: q.attest,
          signature: q.signature,
          signatureScheme: { scheme: 'rsassa', hash: 'sha256' },
          akPublic,
          ...(q.pcrs !== undefined ? { pcrs: q.pcrs } : {}),
        },
        { nonce },
      );
      expect(failed(r)).toEqual([]);
      expect(r.ok).toBe(q.expected.signature_valid);
      expect(toHex(r.attest!.qualifiedSigner)).toBe(q.expected.attest.qualified_signer);
      expect(r.clockInfo?.clock).toBe(BigInt(q.expected.attest.clock));
      expect(r.firmwareVersion).toBe(BigInt(q.expected.attest.firmware_version));
      if (q.pcrs !== undefined) {
        expect(status(r, 'tpm.quote.pcr-digest')).toBe('pass');
        expect(Object.keys(r.pcrs.sha256!)).toHaveLength(24);
      } else {
        expect(status(r, 'tpm.quote.pcr-digest')).toBe('skip');
      }
      // A TPMT_SIGNATURE reading of the raw signature is a structure failure, not a throw.
      const r2 = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic },
        { nonce },
      );
      expect(r2.ok).toBe(false);
      expect(status(r2, 'tpm.quote.structure')).toBe('fail');
    });
  }
});
