/**
 * Real-component tests: a software TPM (swtpm + libtpms) manufactured with EK certificates,
 * driven by tpm2-tools. attestkit verifies what the TPM produces (quotes of every AK scheme over
 * several banks, certify, EK certificates) and the TPM activates credentials attestkit made.
 * `tpm2_checkquote` cross-checks quote verdicts (tpm2-tools 5.4 wrongly rejects valid RSA-PSS
 * quotes: recorded, not copied).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { describeSwtpm } from './support/describe-swtpm.js';
import { Swtpm, type PcrHex } from './support/swtpm.js';
import { parseTpm2ToolsPcrFile } from './support/tpm2tools-pcrs.js';
import { tempDir } from '../support/temp-dir.js';
import {
  ekTemplateOf,
  encodeTpm2ToolsCredential,
  makeCredential,
  tpmHandleName,
  tpmName,
  tpmQualifiedName,
  verifyEkCertificate,
  verifyTpmCertify,
  verifyTpmQuote,
  type PcrBanks,
} from '../../src/tpm/index.js';
import { fromHex, toHex } from '../../src/core/encoding.js';
import { digest } from '../../src/core/crypto.js';

const EK_RSA = '0x81010001';
const EK_P384 = '0x81010016';
const EK_P256 = '0x81010002';
const AKS = {
  rsassa: { handle: '0x81000010', ek: EK_RSA, alg: 'rsa', hash: 'sha256', scheme: 'rsassa' },
  rsapss: { handle: '0x81000011', ek: EK_RSA, alg: 'rsa', hash: 'sha256', scheme: 'rsapss' },
  p256: { handle: '0x81000012', ek: EK_P256, alg: 'ecc', hash: 'sha256', scheme: 'ecdsa' },
  p384: { handle: '0x81000013', ek: EK_P384, alg: 'ecc384', hash: 'sha384', scheme: 'ecdsa' },
} as const;
type AkId = keyof typeof AKS;

function banks(p: PcrHex): PcrBanks {
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [b, v] of Object.entries(p)) {
    out[b] = {};
    for (const [i, h] of Object.entries(v)) out[b][Number(i)] = fromHex(h);
  }
  return out;
}

describeSwtpm('swtpm: quotes, certify, EK certificates and credential activation', () => {
  let tpm: Swtpm;
  const pub: Record<string, Uint8Array> = {};
  const pem: Record<string, string> = {};
  const ekQn: Record<string, Uint8Array> = {};

  beforeAll(async () => {
    tpm = await Swtpm.start();
    await tpm.createEccEk(EK_P256);
    for (const ek of [EK_RSA, EK_P384, EK_P256]) {
      pub[ek] = await tpm.readPublic(ek);
      ekQn[ek] = tpmQualifiedName(tpmHandleName('endorsement'), pub[ek]);
    }
    for (const ak of Object.values(AKS)) {
      await tpm.createAk(ak.ek, ak.handle, ak.alg, ak.hash, ak.scheme);
      pub[ak.handle] = await tpm.readPublic(ak.handle);
      pem[ak.handle] = await tpm.readPublicPem(ak.handle);
    }
    // Measurements in three banks (PCR 16 is resettable/debug; 23 application-owned).
    const m1 = new TextEncoder().encode('attestkit swtpm test: kernel');
    const m2 = new TextEncoder().encode('attestkit swtpm test: initrd');
    for (const [pcr, m] of [
      [16, m1],
      [16, m2],
      [23, m1],
    ] as const) {
      await tpm.extend(pcr, {
        sha1: toHex(digest('sha1', m)),
        sha256: toHex(digest('sha256', m)),
        sha384: toHex(digest('sha384', m)),
      });
    }
  }, 60_000);

  afterAll(async () => {
    await tpm?.stop();
  });

  const selections: Record<AkId, string> = {
    rsassa: 'sha1:0,16+sha256:0,7,16,23+sha384:16',
    rsapss: 'sha256:0,1,2,3,4,5,6,7,16',
    p256: 'sha256:16,23+sha384:16,23',
    p384: 'sha384:0,7,16,23',
  };

  for (const id of Object.keys(AKS) as AkId[]) {
    it(`quote with the ${id} AK verifies; tpm2_checkquote cross-check; tampering is caught`, async ({
      annotate,
    }) => {
      const ak = AKS[id];
      const nonce = crypto.getRandomValues(new Uint8Array(32));
      const q = await tpm.quote(
        ak.handle,
        selections[id],
        toHex(nonce),
        ak.hash,
        `q-${id}`,
        id === 'rsapss' ? 'rsapss' : undefined,
      );
      const pcrs = banks(q.pcrs);
      // The serialized PCR file tpm2_quote wrote (what tpm2_checkquote reads) holds the same
      // values as its YAML output.
      expect(parseTpm2ToolsPcrFile(tpm.read(`q-${id}.pcrs`)).pcrs).toEqual(pcrs);
      const allowSha1 = selections[id].includes('sha1:');
      const r = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: pub[ak.handle]!, pcrs },
        { nonce, allowSha1, akParentQualifiedName: ekQn[ak.ek]! },
      );
      expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.checks.find((c) => c.id === 'tpm.quote.qualified-signer')?.status).toBe('pass');
      expect(r.pcrs).toEqual(pcrs);
      expect(r.clockInfo?.safe).toBe(true);
      // PEM form of the AK (as tpm2_checkquote gets it).
      const rp = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: pem[ak.handle]!, pcrs },
        { nonce, allowSha1 },
      );
      expect(rp.ok).toBe(true);

      const rc = await tpm.checkquote(`pub-${ak.handle}.pem`, `q-${id}`, toHex(nonce), ak.hash);
      if (id === 'rsapss') {
        // tpm2-tools 5.4 rejects valid RSA-PSS quotes (see the vectors README). That is a bug in
        // the cross-check, not a verdict to copy: attestkit's acceptance is asserted above, and
        // tpm2_checkquote's exit code is only recorded, so a fixed tpm2-tools passes too.
        const note =
          rc === 0
            ? 'tpm2_checkquote accepts the valid RSA-PSS quote (exit 0): the tpm2-tools 5.4 bug is fixed here'
            : `tpm2_checkquote rejects the valid RSA-PSS quote (exit ${rc}): known tpm2-tools 5.4 bug`;
        console.info(note);
        await annotate(note, 'tpm2-tools');
      } else {
        expect(rc).toBe(0);
      }

      // Wrong nonce: both reject.
      const wrong = nonce.slice();
      wrong[0]! ^= 1;
      const rw = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: pub[ak.handle]!, pcrs },
        { nonce: wrong, allowSha1 },
      );
      expect(rw.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
        'tpm.quote.nonce',
      ]);
      expect(
        await tpm.checkquote(`pub-${ak.handle}.pem`, `q-${id}`, toHex(wrong), ak.hash),
      ).not.toBe(0);

      // Tampered TPMS_ATTEST byte: both reject.
      const t = q.attest.slice();
      t[t.length - 1]! ^= 1;
      tpm.write(`q-${id}-tampered.msg`, t);
      const rt = await verifyTpmQuote(
        { attest: t, signature: q.signature, akPublic: pub[ak.handle]!, pcrs },
        { nonce, allowSha1 },
      );
      expect(rt.ok).toBe(false);
      expect(rt.checks.find((c) => c.id === 'tpm.quote.signature')?.status).toBe('fail');
      expect(
        await tpm.checkquote(`pub-${ak.handle}.pem`, `q-${id}`, toHex(nonce), ak.hash, {
          msg: `q-${id}-tampered.msg`,
        }),
      ).not.toBe(0);

      // A supplied PCR outside the selection is refused and never returned.
      const extra = { ...pcrs, sha512: { 0: new Uint8Array(64) } } as PcrBanks;
      const re = await verifyTpmQuote(
        { attest: q.attest, signature: q.signature, akPublic: pub[ak.handle]!, pcrs: extra },
        { nonce, allowSha1 },
      );
      expect(re.ok).toBe(false);
      expect(re.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
        'tpm.quote.pcr-selection',
      ]);
      expect(re.checks.find((c) => c.id === 'tpm.quote.pcr-selection')?.detail).toMatchObject({
        extra: ['sha512:0'],
        missing: [],
        wrongSize: [],
      });
      // The digest is never computed over values the selection does not sign.
      expect(re.checks.find((c) => c.id === 'tpm.quote.pcr-digest')?.status).toBe('skip');
      expect(re.pcrs).toEqual({});
    });
  }

  it('PCR values follow the extends (sha256 PCR16 = H(H(0‖m1)‖m2))', async () => {
    const p = await tpm.pcrRead('sha256:16');
    const m1 = digest('sha256', new TextEncoder().encode('attestkit swtpm test: kernel'));
    const m2 = digest('sha256', new TextEncoder().encode('attestkit swtpm test: initrd'));
    const cat = (a: Uint8Array, b: Uint8Array): Uint8Array => new Uint8Array([...a, ...b]);
    const v = digest('sha256', cat(digest('sha256', cat(new Uint8Array(32), m1)), m2));
    expect(p.sha256?.[16]).toBe(toHex(v));
  });

  it('certify: RSASSA AK by the P-256 AK, P-384 AK by the RSAPSS AK', async () => {
    for (const [object, signer, hash] of [
      ['rsassa', 'p256', 'sha256'],
      ['p384', 'rsapss', 'sha256'],
    ] as const) {
      const c = await tpm.certify(
        AKS[object].handle,
        AKS[signer].handle,
        hash,
        `c-${object}`,
        signer === 'rsapss' ? 'rsapss' : undefined,
      );
      const r = await verifyTpmCertify(
        {
          attest: c.attest,
          signature: c.signature,
          signerPublic: pub[AKS[signer].handle]!,
          objectPublic: pub[AKS[object].handle]!,
        },
        { nonce: fromHex('00ff55aa') },
      );
      expect(r.checks.filter((x) => x.status === 'fail')).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.objectName).toEqual(tpmName(pub[AKS[object].handle]!));
    }
  });

  it('certify of a software key loaded with tpm2_loadexternal fails object-attributes', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    tpm.write('sw.pem', privateKey.export({ format: 'pem', type: 'pkcs1' }));
    // Without a resource manager each tool leaves its transient objects loaded: flush between.
    await tpm.run('tpm2_flushcontext', ['-t']);
    await tpm.run('tpm2_loadexternal', ['-C', 'n', '-G', 'rsa', '-r', 'sw.pem', '-c', 'sw.ctx']);
    try {
      await tpm.run('tpm2_readpublic', ['-c', 'sw.ctx', '-o', 'sw.pub', '-f', 'tss']);
      await tpm.run('tpm2_flushcontext', ['-t']);
      const c = await tpm.certify('sw.ctx', AKS.rsassa.handle, 'sha256', 'c-external');
      const ev = {
        attest: c.attest,
        signature: c.signature,
        signerPublic: pub[AKS.rsassa.handle]!,
        objectPublic: tpm.read('sw.pub'),
      };
      // The real AK signed a real TPM statement naming the key: only its attributes tell that
      // the private part lives outside the TPM.
      const r = await verifyTpmCertify(ev, { nonce: fromHex('00ff55aa') });
      expect(r.checks.filter((x) => x.status === 'fail').map((x) => x.id)).toEqual([
        'tpm.certify.object-attributes',
      ]);
      expect(r.ok).toBe(false);
      const relaxed = await verifyTpmCertify(ev, {
        nonce: fromHex('00ff55aa'),
        allowNonResidentObject: true,
      });
      expect(relaxed.ok).toBe(true);
    } finally {
      await tpm.tryRun('tpm2_flushcontext', ['-t']);
    }
  });

  it('EK certificates from NV verify against the swtpm_localca root', async () => {
    const root = readFileSync(`${tpm.caDir}/swtpm-localca-rootca-cert.pem`, 'utf8');
    const issuer = readFileSync(`${tpm.caDir}/issuercert.pem`, 'utf8');
    for (const [ek, nv, template] of [
      [EK_RSA, '0x01c00002', 'L-1'],
      [EK_P384, '0x01c00016', 'H-3'],
    ] as const) {
      const cert = await tpm.nvRead(nv);
      const r = await verifyEkCertificate(
        { certificate: cert, intermediates: issuer, ekPublic: pub[ek]! },
        { roots: root },
      );
      expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(r.template).toBe(template);
      expect(r.ek?.tpmModel).toBe('swtpm');
    }
    expect(ekTemplateOf(pub[EK_P256]!)).toBe('L-2');
  });

  for (const [label, ak, ek, policy] of [
    ['RSA-2048 EK (L-1)', 'rsassa', EK_RSA, true],
    ['ECC P-256 EK (L-2)', 'p256', EK_P256, true],
    ['ECC P-384 EK (H-3)', 'p384', EK_P384, false],
  ] as const) {
    it(`activates a credential made by attestkit for the ${label}`, async () => {
      const secret = crypto.getRandomValues(new Uint8Array(32));
      const akName = tpmName(pub[AKS[ak].handle]!);
      const cred = await makeCredential(pub[ek]!, akName, secret);
      const out = await tpm.activateCredential(
        AKS[ak].handle,
        ek,
        encodeTpm2ToolsCredential(cred),
        `cred-${ak}`,
        policy,
      );
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.credential).toEqual(secret);
      // Made for another AK's Name: the TPM refuses (integrity check fails).
      const other = await makeCredential(pub[ek]!, tpmName(pub[AKS.rsapss.handle]!), secret);
      const bad = await tpm.activateCredential(
        AKS[ak].handle,
        ek,
        encodeTpm2ToolsCredential(other),
        `cred-${ak}-bad`,
        policy,
      );
      expect(bad.code).not.toBe(0);
    });
  }
});

describeSwtpm('swtpm harness', () => {
  it('Swtpm.start removes its directory when swtpm_setup fails', async () => {
    const root = tempDir('attestkit-swtpm-root-');
    // No TPM implements a "bogus" bank: swtpm_setup exits 1 after making its state files.
    await expect(Swtpm.start({ banks: ['bogus'], tempRoot: root })).rejects.toThrow(/swtpm_setup/);
    expect(readdirSync(root)).toEqual([]);
  });
});
