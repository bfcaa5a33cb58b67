/* global crypto, TextEncoder, TextDecoder */
/**
 * @module
 * Conformance cases for `attestkit/binding`, run from the built package under every runtime: the
 * real Azure SEV-SNP HCL report (trustee) — its SNP report verified with the VCEK bundle, its
 * runtime data bound through REPORT_DATA, its HCLAkPub verifying the real vTPM quote — and the
 * swtpm vectors binding a report both ways (AK hash in REPORT_DATA; report measured into PCR 15).
 * Every positive has a generated one-byte negative beside it.
 */
import * as core from 'attestkit';
import * as binding from 'attestkit/binding';
import * as snp from 'attestkit/snp';
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
} from '../assert.js';

export const requires = {
  root: ['parseCertificates'],
  binding: ['parseAzureHclReport', 'verifyReportDataBinding', 'verifyPcrBinding'],
};

const DAY_MS = 86_400_000;
const AZ = 'azure/snp-milan-trustee/';
const AZ_FILES = [`${AZ}hcl-report.bin`, `${AZ}vcek.pem`, `${AZ}tpm-quote-v1.json`];
/** Offsets inside the HCL report (Azure IGVM attestation report layout). */
const HCL = { report: 0x20, runtimeSize: 0x4d0, runtime: 0x4d4 };
/** The fixed challenge trustee's Azure vTPM test quote was made with (its TPMS_ATTEST extraData). */
const TRUSTEE_CHALLENGE = new TextEncoder().encode('challenge');

const statuses = (r) => r.checks.map((c) => [c.id, c.status]);

/** The HCL bytes, the VCEK bundle and an instant inside the bundle's validity. */
function loadAzure(ctx) {
  const bundle = ctx.vectorText(`${AZ}vcek.pem`);
  const certs = core.parseCertificates(bundle);
  equal(certs.length, 3, 'the Azure bundle holds VCEK, ASK and ARK');
  const from = Math.max(...certs.map((c) => c.notBefore.getTime())) + DAY_MS;
  ok(
    from < Math.min(...certs.map((c) => c.notAfter.getTime())),
    'the bundle has a common validity window',
  );
  return { hcl: ctx.vector(`${AZ}hcl-report.bin`), bundle, now: new Date(from) };
}

/** The HCL bytes with `runtime[at]` replaced by `byte` (same length, sizes unchanged). */
function withRuntimeByte(hcl, at, byte) {
  const out = hcl.slice();
  out[HCL.runtime + at] = byte;
  return out;
}

const SWTPM = 'tpm/swtpm/';
const MULTI = 'quote_rsassa_multibank';
const SWTPM_FILES = [
  `${SWTPM}manifest.json`,
  `${SWTPM}binding/fake_snp_report.bin`,
  `${SWTPM}eventlog/boot_eventlog.bin`,
  `${SWTPM}quotes/${MULTI}/quote.msg`,
  `${SWTPM}quotes/${MULTI}/quote.sig`,
  `${SWTPM}quotes/${MULTI}/nonce.bin`,
  `${SWTPM}quotes/${MULTI}/pcrs.json`,
  `${SWTPM}keys/ak_rsa2048_rsassa_sha256.tpmt_public.bin`,
  `${SWTPM}keys/ak_rsa2048_rsapss_sha256.tpmt_public.bin`,
];

/** @type {{ name: string, vectors?: string[], run: (ctx: any) => unknown }[]} */
export const cases = [
  {
    name: 'Azure SNP HCL report: parses, its SNP report verifies with the VCEK bundle, and REPORT_DATA binds the runtime data and HCLAkPub',
    vectors: AZ_FILES,
    requires: { snp: ['verifySnpReport'] },
    async run(ctx) {
      const { hcl: bytes, bundle, now } = loadAzure(ctx);
      const hcl = binding.parseAzureHclReport(bytes);
      equal(hcl.reportType, 'snp', 'report type');
      equal(hcl.hardwareReport.length, 1184, 'SNP report size');
      equal(hex(hcl.hardwareReport), hex(bytes.subarray(HCL.report, HCL.report + 1184)), 'report');
      equal(hcl.igvmRequestData.reportDataHash, 'sha256', 'report-data hash type');
      equal(hcl.akPub?.kid, 'HCLAkPub', 'HCLAkPub present');
      equal(hcl.ekPub?.kid, 'HCLEkPub', 'HCLEkPub present');
      deepEqual(Object.keys(hcl.akPub.jwk).sort(), ['e', 'kty', 'n'], 'only public JWK members');
      // REPORT_DATA[0:32] = SHA-256(runtime data), computed here with this runtime's WebCrypto.
      const own = new Uint8Array(await crypto.subtle.digest('SHA-256', hcl.runtimeData));
      equal(hex(hcl.reportData.subarray(0, 32)), hex(own), 'REPORT_DATA[0:32] = SHA-256(runtime)');

      const verified = await snp.verifySnpReport(
        { report: hcl.hardwareReport, vcek: bundle },
        { now },
      );
      deepEqual(failedIds(verified), [], 'SNP report: failed checks');
      equal(verified.ok, true, 'SNP report: ok');
      equal(verified.product, 'Milan', 'SNP report: product');

      const r = await binding.verifyReportDataBinding({
        scheme: 'azure-hcl',
        hclReport: hcl,
        report: verified.report,
        expectedKey: hcl.akPub.jwk,
      });
      deepEqual(
        statuses(r),
        [
          ['binding.report', 'pass'],
          ['binding.report.vmpl', 'pass'],
          ['binding.hcl.report-type', 'pass'],
          ['binding.hcl.td-report', 'skip'],
          ['binding.key', 'pass'],
          ['binding.report-data', 'pass'],
          ['binding.report-data.padding', 'pass'],
          ['binding.key.match', 'pass'],
        ],
        'binding checks',
      );
      equal(r.ok, true, 'binding: ok');
      equal(hex(r.digest), hex(own), 'binding digest');
      deepEqual(
        r.boundKeys.map((k) => k.role),
        ['ak', 'ek'],
        'bound keys',
      );
    },
  },

  {
    name: 'Azure SNP HCL report changed by one byte: runtime data, REPORT_DATA or its zero padding each fail the binding',
    vectors: AZ_FILES,
    async run(ctx) {
      const { hcl: bytes } = loadAzure(ctx);
      const good = await binding.verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: bytes });
      equal(good.ok, true, 'the untouched HCL report binds');

      // One character of the runtime JSON: the first hex digit of "user-data" (still valid JSON).
      const size = new DataView(bytes.buffer, bytes.byteOffset).getUint32(HCL.runtimeSize, true);
      const text = new TextDecoder().decode(bytes.subarray(HCL.runtime, HCL.runtime + size));
      const at = text.indexOf('"user-data":"') + '"user-data":"'.length;
      ok(at > 20 && /[0-9A-Fa-f]/.test(text[at]), 'the runtime JSON has a hex user-data');
      const changed = withRuntimeByte(bytes, at, text[at] === '1' ? 0x32 : 0x31);
      const r1 = await binding.verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: changed });
      equal(r1.ok, false, 'changed runtime byte: ok');
      deepEqual(failedIds(r1), ['binding.report-data'], 'changed runtime byte: failed checks');
      const d = checkOf(r1, 'binding.report-data').detail;
      const own = new Uint8Array(
        await crypto.subtle.digest('SHA-256', changed.subarray(HCL.runtime, HCL.runtime + size)),
      );
      equal(d.expected, hex(own), 'detail: the hash of the changed runtime data');
      deepEqual(r1.boundKeys, [], 'changed runtime byte: no key is bound');

      const rd = bytes.slice();
      rd[HCL.report + 0x50] ^= 0x01;
      const r2 = await binding.verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: rd });
      deepEqual(failedIds(r2), ['binding.report-data'], 'flipped REPORT_DATA[0]: failed checks');

      const pad = bytes.slice();
      pad[HCL.report + 0x50 + 40] ^= 0x01;
      const r3 = await binding.verifyReportDataBinding({ scheme: 'azure-hcl', hclReport: pad });
      deepEqual(
        failedIds(r3),
        ['binding.report-data.padding'],
        'REPORT_DATA[40] set: failed checks',
      );
    },
  },

  {
    name: "Azure vTPM quote verifies with the HCL report's HCLAkPub (not with HCLEkPub, not with another nonce)",
    vectors: AZ_FILES,
    requires: { tpm: ['verifyTpmQuote'] },
    async run(ctx) {
      const hcl = binding.parseAzureHclReport(ctx.vector(`${AZ}hcl-report.bin`));
      const q = ctx.vectorJson(`${AZ}tpm-quote-v1.json`);
      const sha256 = {};
      q.pcrs.forEach((v, i) => (sha256[i] = fromHex(v)));
      const evidence = {
        attest: fromHex(q.message),
        signature: fromHex(q.signature),
        signatureScheme: { scheme: 'rsassa', hash: 'sha256' },
        akPublic: hcl.akPub.jwk,
        pcrs: { sha256 },
      };
      const r = await tpm.verifyTpmQuote(evidence, { nonce: TRUSTEE_CHALLENGE });
      deepEqual(failedIds(r), [], 'HCLAkPub: failed checks');
      equal(r.ok, true, 'HCLAkPub: ok');
      equal(Object.keys(r.pcrs.sha256).length, 24, 'all 24 signed PCRs returned');

      const ek = await tpm.verifyTpmQuote(
        { ...evidence, akPublic: hcl.ekPub.jwk },
        { nonce: TRUSTEE_CHALLENGE },
      );
      equal(statusOf(ek, 'tpm.quote.signature'), 'fail', 'HCLEkPub: signature');
      deepEqual(ek.pcrs, {}, 'HCLEkPub: no PCRs');
      const nonce = TRUSTEE_CHALLENGE.slice();
      nonce[0] ^= 0x01;
      const other = await tpm.verifyTpmQuote(evidence, { nonce });
      deepEqual(failedIds(other), ['tpm.quote.nonce'], 'another nonce: failed checks');
    },
  },

  {
    name: 'swtpm: REPORT_DATA holds SHA-256 of the AK TPMT_PUBLIC (hash scheme), and the report is measured into quoted PCR 15; one changed byte fails each',
    vectors: SWTPM_FILES,
    requires: { tpm: ['verifyTpmQuote'] },
    async run(ctx) {
      const m = ctx.vectorJson(`${SWTPM}manifest.json`);
      const b = m.binding;
      const report = ctx.vector(`${SWTPM}${b.report_file}`);
      equal(report.length, b.report_len, 'report length');
      const reportData = report.slice(0x50, 0x90);
      equal(hex(reportData), b.report_data, 'REPORT_DATA');
      const ak = ctx.vector(`${SWTPM}keys/${b.bound_ak}.tpmt_public.bin`);
      const input = {
        scheme: 'hash',
        reportData,
        hash: 'sha256',
        encoding: 'tpmt-public',
        key: ak,
      };
      const h = await binding.verifyReportDataBinding(input);
      deepEqual(failedIds(h), [], 'hash binding: failed checks');
      equal(h.ok, true, 'hash binding: ok');
      const other = ctx.vector(`${SWTPM}keys/ak_rsa2048_rsapss_sha256.tpmt_public.bin`);
      const wrongKey = await binding.verifyReportDataBinding({ ...input, key: other });
      equal(statusOf(wrongKey, 'binding.report-data'), 'fail', 'another AK: binding.report-data');
      const flipped = reportData.slice();
      flipped[31] ^= 0x01;
      const wrongData = await binding.verifyReportDataBinding({ ...input, reportData: flipped });
      equal(statusOf(wrongData, 'binding.report-data'), 'fail', 'flipped REPORT_DATA[31]');

      const c = m.cases[MULTI];
      const dir = `${SWTPM}quotes/${MULTI}/`;
      const quote = await tpm.verifyTpmQuote(
        {
          attest: ctx.vector(`${dir}quote.msg`),
          signature: ctx.vector(`${dir}quote.sig`),
          akPublic: ctx.vector(`${SWTPM}${c.ak_files.tpmt_public}`),
          pcrs: banksFromHex(ctx.vectorJson(`${dir}pcrs.json`)),
        },
        { nonce: ctx.vector(`${dir}nonce.bin`), allowSha1: true },
      );
      equal(quote.ok, true, 'the swtpm multi-bank quote verifies');
      equal(hex(quote.pcrs.sha256[b.pcr]), b.pcr15_expected.sha256, `quoted PCR ${b.pcr}`);
      const eventLog = ctx.vector(`${SWTPM}eventlog/boot_eventlog.bin`);
      const p = await binding.verifyPcrBinding({ report, eventLog, pcrs: quote });
      deepEqual(
        statuses(p),
        [
          ['binding.pcr.log', 'pass'],
          ['binding.pcr.quote', 'pass'],
          ['binding.pcr.event', 'pass'],
          ['binding.pcr.digest', 'pass'],
          ['binding.pcr.selection', 'pass'],
          ['binding.pcr.replay', 'pass'],
        ],
        'PCR binding checks',
      );
      equal(p.ok, true, 'PCR binding: ok');
      equal(p.pcrIndex, b.pcr, 'PCR binding: register');
      deepEqual(
        p.events.map((e) => [e.pcrIndex, e.typeName, e.matchedBy]),
        [[b.pcr, 'EV_NONHOST_INFO', 'data']],
        'PCR binding: the event carrying the report',
      );
      const altered = report.slice();
      altered[0x50] ^= 0x01;
      const q = await binding.verifyPcrBinding({ report: altered, eventLog, pcrs: quote });
      equal(statusOf(q, 'binding.pcr.event'), 'fail', 'altered report: binding.pcr.event');
      equal(q.ok, false, 'altered report: ok');
      deepEqual(q.events, [], 'altered report: no event');
    },
  },
];
