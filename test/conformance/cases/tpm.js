/**
 * @module
 * Conformance cases for `attestkit/tpm`, run from the built package under every runtime: real
 * swtpm quotes (RSASSA, RSA-PSS, ECDSA P-256 and P-384 attestation keys; expectations read from
 * tpm/swtpm/manifest.json, which changes whenever the vectors are regenerated) and real GCE vTPM
 * quotes, and negatives generated from them: a wrong nonce, PCRs outside the signed selection, a
 * changed PCR value, flipped attest and signature bytes, truncations.
 */
import * as tpm from 'attestkit/tpm';
import {
  banksFromHex,
  checkOf,
  deepEqual,
  equal,
  failedIds,
  fromHex,
  hex,
  ok,
  statusOf,
  throwsAttestError,
} from '../assert.js';

export const requires = {
  tpm: ['verifyTpmQuote', 'parseTpmsAttest', 'makeCredential', 'AttestError'],
};

const SWTPM = 'tpm/swtpm/';
const MANIFEST = `${SWTPM}manifest.json`;

/** PcrBanks → `{ bank: { index: hex } }`, for comparisons. */
function banksToHex(banks) {
  const out = {};
  for (const [bank, values] of Object.entries(banks)) {
    out[bank] = {};
    for (const [i, v] of Object.entries(values)) out[bank][i] = hex(v);
  }
  return out;
}

/** The vector files of one swtpm quote case (its AK in TPM2B_PUBLIC and PEM form). */
function swtpmFiles(name, ak) {
  const dir = `${SWTPM}quotes/${name}/`;
  return [
    MANIFEST,
    `${dir}quote.msg`,
    `${dir}quote.sig`,
    `${dir}nonce.bin`,
    `${dir}pcrs.json`,
    `${SWTPM}keys/${ak}.tpm2b_public.bin`,
    `${SWTPM}keys/${ak}.pem`,
  ];
}

/** One swtpm quote case: evidence, nonce and its manifest entry. */
function swtpmQuote(ctx, name) {
  const c = ctx.vectorJson(MANIFEST).cases[name];
  ok(c !== undefined && c.kind === 'quote', `manifest.json has no quote case ${name}`);
  const dir = `${SWTPM}quotes/${name}/`;
  return {
    c,
    evidence: {
      attest: ctx.vector(`${dir}quote.msg`),
      signature: ctx.vector(`${dir}quote.sig`),
      akPublic: ctx.vector(`${SWTPM}${c.ak_files.tpm2b_public}`),
      pcrs: banksFromHex(ctx.vectorJson(`${dir}pcrs.json`)),
    },
    akPem: ctx.vectorText(`${SWTPM}${c.ak_files.pem}`),
    nonce: ctx.vector(`${dir}nonce.bin`),
  };
}

/** A verified swtpm quote carries exactly the manifest's facts. */
function expectQuote(r, q, what) {
  deepEqual(failedIds(r), [], `${what}: failed checks`);
  equal(r.ok, true, `${what}: ok`);
  const a = q.c.attest;
  equal(hex(r.attest.extraData), a.extraData, `${what}: extraData`);
  equal(hex(r.attest.extraData), hex(q.nonce), `${what}: extraData = nonce.bin`);
  equal(hex(r.attest.qualifiedSigner), a.qualifiedSigner, `${what}: qualifiedSigner`);
  equal(r.firmwareVersion, BigInt(a.firmwareVersion), `${what}: firmwareVersion`);
  equal(r.clockInfo.clock, BigInt(a.clockInfo.clock), `${what}: clock`);
  deepEqual(
    r.pcrSelection.map((s) => ({ bank: s.hash, pcrs: s.pcrs })),
    q.c.selection,
    `${what}: signed PCR selection`,
  );
  for (const id of ['tpm.quote.signature', 'tpm.quote.nonce', 'tpm.quote.pcr-digest']) {
    equal(statusOf(r, id), 'pass', `${what}: ${id}`);
  }
  equal(
    checkOf(r, 'tpm.quote.pcr-digest').detail?.expected,
    q.c.expected.pcrDigest,
    `${what}: pcrDigest`,
  );
  // Returned PCRs are exactly the supplied ones, all inside the signed selection.
  deepEqual(banksToHex(r.pcrs), banksToHex(q.evidence.pcrs), `${what}: returned PCRs`);
}

const PSS = 'quote_rsapss_sha256_0to7';
const P384 = 'quote_ecdsa_p384_sha384';
const MULTI = 'quote_rsassa_multibank';

const GCE = 'tpm/real/go-tpm-tools/gce-cos-85-nonce9009/';
const REAL_EXPECTED = 'tpm/real/expected.json';

/** @type {{ name: string, vectors?: string[], run: (ctx: any) => unknown }[]} */
export const cases = [
  {
    name: 'swtpm RSA-PSS (SHA-256, salt 32) quote verifies with its AK (TPM2B_PUBLIC and PEM); a wrong nonce fails only tpm.quote.nonce and yields no PCRs',
    vectors: swtpmFiles(PSS, 'ak_rsa2048_rsapss_sha256'),
    async run(ctx) {
      const q = swtpmQuote(ctx, PSS);
      equal(q.c.signature_scheme, 'rsapss', 'manifest: scheme');
      const r = await tpm.verifyTpmQuote(q.evidence, { nonce: q.nonce });
      expectQuote(r, q, 'RSA-PSS, TPM2B_PUBLIC AK');
      deepEqual(checkOf(r, 'tpm.quote.signature').detail, { saltLength: 32 }, 'PSS salt length');
      equal(statusOf(r, 'tpm.quote.ak-attributes'), 'pass', 'AK attributes (restricted signer)');

      const pem = await tpm.verifyTpmQuote(
        { ...q.evidence, akPublic: q.akPem },
        { nonce: q.nonce },
      );
      equal(pem.ok, true, 'RSA-PSS, PEM AK: ok');
      equal(statusOf(pem, 'tpm.quote.ak-attributes'), 'skip', 'PEM AK: no attributes to check');

      const wrongNonce = q.nonce.slice();
      wrongNonce[wrongNonce.length - 1] ^= 0x01;
      const bad = await tpm.verifyTpmQuote(q.evidence, { nonce: wrongNonce });
      equal(bad.ok, false, 'wrong nonce: ok');
      deepEqual(failedIds(bad), ['tpm.quote.nonce'], 'wrong nonce: failed checks');
      deepEqual(bad.pcrs, {}, 'wrong nonce: no PCRs are returned');
      equal(statusOf(bad, 'tpm.quote.signature'), 'pass', 'wrong nonce: the signature is genuine');
    },
  },

  {
    name: 'swtpm quote: a PCR outside the signed selection fails tpm.quote.pcr-selection and is never returned; a changed selected PCR fails the digest',
    vectors: swtpmFiles(PSS, 'ak_rsa2048_rsapss_sha256'),
    async run(ctx) {
      const q = swtpmQuote(ctx, PSS);
      const selected = q.c.selection.find((s) => s.bank === 'sha256').pcrs;
      ok(!selected.includes(8) && !selected.includes(15), 'PCRs 8 and 15 are not selected');

      const extra = {
        sha256: { ...q.evidence.pcrs.sha256, 8: new Uint8Array(32).fill(0x41) },
        sha384: { 15: new Uint8Array(48) },
      };
      const r = await tpm.verifyTpmQuote({ ...q.evidence, pcrs: extra }, { nonce: q.nonce });
      equal(r.ok, false, 'extra PCRs: ok');
      deepEqual(failedIds(r), ['tpm.quote.pcr-selection'], 'extra PCRs: failed checks');
      deepEqual(
        checkOf(r, 'tpm.quote.pcr-selection').detail?.extra,
        ['sha256:8', 'sha384:15'],
        'extra PCRs named',
      );
      deepEqual(r.pcrs, {}, 'extra PCRs: nothing returned');

      // Without claimed values the quote still verifies and returns nothing it did not sign.
      const bare = await tpm.verifyTpmQuote(
        {
          attest: q.evidence.attest,
          signature: q.evidence.signature,
          akPublic: q.evidence.akPublic,
        },
        { nonce: q.nonce },
      );
      equal(bare.ok, true, 'no claimed PCRs: ok');
      equal(bare.pcrs.sha256?.[8], undefined, 'no claimed PCRs: PCR 8 not returned');

      const changed = { sha256: { ...q.evidence.pcrs.sha256 } };
      changed.sha256[selected[0]] = changed.sha256[selected[0]].slice();
      changed.sha256[selected[0]][0] ^= 0x01;
      const d = await tpm.verifyTpmQuote({ ...q.evidence, pcrs: changed }, { nonce: q.nonce });
      deepEqual(failedIds(d), ['tpm.quote.pcr-digest'], 'changed PCR value: failed checks');
      deepEqual(d.pcrs, {}, 'changed PCR value: nothing returned');
    },
  },

  {
    name: 'swtpm ECDSA P-384/SHA-384 and RSASSA multi-bank quotes verify; a flipped clock byte or signature byte fails tpm.quote.signature',
    vectors: [
      ...swtpmFiles(P384, 'ak_eccp384_ecdsa_sha384'),
      ...swtpmFiles(MULTI, 'ak_rsa2048_rsassa_sha256'),
    ],
    async run(ctx) {
      for (const [name, allowSha1] of [
        [P384, false],
        [MULTI, true],
      ]) {
        const q = swtpmQuote(ctx, name);
        const r = await tpm.verifyTpmQuote(q.evidence, { nonce: q.nonce, allowSha1 });
        expectQuote(r, q, name);
        if (allowSha1) {
          equal(statusOf(r, 'tpm.quote.sha1'), 'warn', `${name}: SHA-1 bank allowed, warned`);
          const strict = await tpm.verifyTpmQuote(q.evidence, { nonce: q.nonce });
          deepEqual(failedIds(strict), ['tpm.quote.sha1'], `${name}: SHA-1 refused by default`);
        }

        // TPMS_ATTEST: magic(4) type(2) qualifiedSigner(2+n) extraData(2+n) clockInfo(17) …
        const a = q.evidence.attest;
        const signerSize = (a[6] << 8) | a[7];
        const extraAt = 8 + signerSize;
        const clockAt = extraAt + 2 + ((a[extraAt] << 8) | a[extraAt + 1]);
        const parsed = tpm.parseTpmsAttest(a);
        equal(parsed.clockInfo.clock, BigInt(q.c.attest.clockInfo.clock), `${name}: parsed clock`);
        const clock = a.slice();
        clock[clockAt + 7] ^= 0x01;
        const c = await tpm.verifyTpmQuote(
          { ...q.evidence, attest: clock },
          { nonce: q.nonce, allowSha1 },
        );
        deepEqual(failedIds(c), ['tpm.quote.signature'], `${name}: flipped clock byte`);
        equal(c.clockInfo.clock, BigInt(q.c.attest.clockInfo.clock) ^ 1n, `${name}: clock read`);

        const sig = q.evidence.signature.slice();
        sig[sig.length - 1] ^= 0x01;
        const s = await tpm.verifyTpmQuote(
          { ...q.evidence, signature: sig },
          { nonce: q.nonce, allowSha1 },
        );
        deepEqual(failedIds(s), ['tpm.quote.signature'], `${name}: flipped signature byte`);
        deepEqual(s.pcrs, {}, `${name}: flipped signature: no PCRs`);
      }
    },
  },

  {
    name: 'real GCE COS 85 vTPM quotes (RSASSA SHA-256 AK, nonce 9009) verify in the sha256 and sha384 banks; another nonce fails',
    vectors: [
      REAL_EXPECTED,
      `${GCE}ak.tpmt_public.bin`,
      `${GCE}quote_sha256.msg`,
      `${GCE}quote_sha256.sig`,
      `${GCE}quote_sha384.msg`,
      `${GCE}quote_sha384.sig`,
    ],
    async run(ctx) {
      const g = ctx.vectorJson(REAL_EXPECTED)['go-tpm-tools/gce-cos-85-nonce9009'];
      const nonce = fromHex(g.nonce_hex);
      const akPublic = ctx.vector(`tpm/real/${g.files.ak_tpmt_public}`);
      for (const q of g.quotes.filter((x) => x.bank !== 'sha1')) {
        const evidence = {
          attest: ctx.vector(`tpm/real/${q.quote}`),
          signature: ctx.vector(`tpm/real/${q.sig}`),
          akPublic,
          pcrs: banksFromHex(q.pcrs),
        };
        const r = await tpm.verifyTpmQuote(evidence, { nonce });
        deepEqual(failedIds(r), [], `${q.bank}: failed checks`);
        equal(r.ok, q.expected.valid, `${q.bank}: ok`);
        equal(
          checkOf(r, 'tpm.quote.pcr-digest').detail?.expected,
          q.expected.pcrDigest,
          `${q.bank}: pcrDigest`,
        );
        equal(Object.keys(r.pcrs[q.bank]).length, 24, `${q.bank}: all 24 PCRs returned`);
        const other = await tpm.verifyTpmQuote(evidence, { nonce: fromHex('9008') });
        deepEqual(failedIds(other), ['tpm.quote.nonce'], `${q.bank}: nonce 9008`);
      }
    },
  },

  {
    name: 'makeCredential reproduces the swtpm reference credentials (RSA-2048, ECC P-256 and P-384 EKs) byte for byte',
    vectors: [
      MANIFEST,
      `${SWTPM}keys/ek_rsa2048.tpm2b_public.bin`,
      `${SWTPM}keys/ek_eccp256.tpm2b_public.bin`,
      `${SWTPM}keys/ek_eccp384_h3.tpm2b_public.bin`,
    ],
    async run(ctx) {
      const m = ctx.vectorJson(MANIFEST);
      for (const name of [
        'credential_ek_rsa2048',
        'credential_ek_eccp256',
        'credential_ek_eccp384_h3',
      ]) {
        const c = m.cases[name];
        const i = c.runs.reference_deterministic.inputs_and_intermediates;
        // The reference run's randomness, replayed (the seed and OAEP seed, or the ECDH key).
        const values =
          i.ephemeralPrivate !== undefined
            ? [fromHex(i.ephemeralPrivate)]
            : [fromHex(i.seed), fromHex(i.oaepSeed)];
        const cred = await tpm.makeCredential(
          ctx.vector(`${SWTPM}${c.ek_files.tpm2b_public}`),
          fromHex(i.objectName),
          fromHex(i.credential),
          { randomBytes: () => values.shift() },
        );
        equal(hex(cred.credentialBlob), i.TPM2B_ID_OBJECT, `${name}: TPM2B_ID_OBJECT`);
        equal(hex(cred.secret), i.TPM2B_ENCRYPTED_SECRET, `${name}: TPM2B_ENCRYPTED_SECRET`);
      }
    },
  },

  {
    name: 'parseTpmsAttest: a real quote cut anywhere throws ERR_TRUNCATED before the cut (at the field start on boundaries); a wrong magic is ERR_BAD_MAGIC at 0',
    vectors: swtpmFiles(PSS, 'ak_rsa2048_rsapss_sha256'),
    run(ctx) {
      const a = ctx.vector(`${SWTPM}quotes/${PSS}/quote.msg`);
      equal(tpm.parseTpmsAttest(a).type, 'quote', 'the untouched attest is a quote');
      for (let cut = 0; cut < a.length; cut += 3) {
        let err;
        try {
          tpm.parseTpmsAttest(a.subarray(0, cut));
        } catch (e) {
          err = e;
        }
        ok(err instanceof tpm.AttestError, `cut at ${cut}: expected an AttestError, got ${err}`);
        // A PCR-selection count that cannot fit the remaining bytes is refused before any
        // allocation (ERR_BAD_LENGTH); everything else is plain truncation.
        if (err.code === 'ERR_BAD_LENGTH') {
          ok(/pcrSelect\.count$/.test(err.field), `cut at ${cut}: ERR_BAD_LENGTH on ${err.field}`);
        } else equal(err.code, 'ERR_TRUNCATED', `cut at ${cut}: code`);
        ok(err.offset <= cut, `cut at ${cut}: offset ${err.offset} lies before the cut`);
      }
      // Field boundaries: the error names where the cut field starts.
      const signerSize = (a[6] << 8) | a[7];
      const extraAt = 8 + signerSize;
      const clockAt = extraAt + 2 + ((a[extraAt] << 8) | a[extraAt + 1]);
      for (const [cut, at] of [
        [3, 0],
        [5, 4],
        [7, 6],
        [10, 8],
        [extraAt + 1, extraAt],
        [clockAt + 7, clockAt],
        [clockAt + 17 + 4, clockAt + 17],
      ]) {
        throwsAttestError(
          () => tpm.parseTpmsAttest(a.subarray(0, cut)),
          'ERR_TRUNCATED',
          at,
          `cut at ${cut}`,
        );
      }
      const magic = a.slice();
      magic[0] ^= 0x01;
      throwsAttestError(() => tpm.parseTpmsAttest(magic), 'ERR_BAD_MAGIC', 0, 'magic');
    },
  },
];
