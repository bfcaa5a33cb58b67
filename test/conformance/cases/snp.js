/**
 * @module
 * Conformance cases for `attestkit/snp`, run from the built package under every runtime: the real
 * Genoa (Oak) and Milan (go-sev-guest) reports verified with their VCEKs and the AMD ASK/ARK
 * bundles (ECDSA P-384 report signatures, RSA-PSS SHA-384 certificate signatures), and negatives
 * generated from them: a flipped REPORT_DATA byte, a debug guest under the default policy, the
 * other chip's VCEK, truncations and a trailing byte. Expected facts come from snp/expected.json.
 */
import * as core from 'attestkit';
import * as snp from 'attestkit/snp';
import { deepEqual, equal, failedIds, hex, ok, throwsAttestError } from '../assert.js';

/** Every case here needs these exports; a missing one skips the case with its name. */
export const requires = {
  root: ['parseCertificate', 'parseCertificates', 'findCheck', 'createCache'],
  snp: ['parseSnpReport', 'verifySnpReport', 'snpReportLayout', 'SNP_REPORT_SIZE'],
};

const DAY_MS = 86_400_000;
const REPORT_DATA = 0x50;

/** The two real VCEK-signed reports these cases verify (ids of snp/expected.json). */
const REPORTS = {
  genoa: {
    id: 'snp-genoa-v2-oak',
    product: 'Genoa',
    report: 'snp/genoa-v2-oak/report.bin',
    vcek: 'snp/genoa-v2-oak/vcek.der',
    chain: 'snp/roots/ask_ark_genoa.pem',
  },
  milan: {
    id: 'snp-milan-v2-gsg',
    product: 'Milan',
    report: 'snp/milan-v2-gsg/report.bin',
    vcek: 'snp/milan-v2-gsg/vcek.der',
    chain: 'snp/roots/ask_ark_milan.pem',
  },
};

/** Checks that must pass for any VCEK-signed report that verifies. */
const VCEK_PASS = [
  'snp.report.format',
  'snp.product',
  'snp.signer.kind',
  'snp.collateral',
  'snp.chain.ark',
  'snp.chain.ask',
  'snp.chain.vcek',
  'snp.signature',
  'snp.cert.product-name',
  'snp.cert.hwid',
  'snp.tcb.vcek-extensions',
  'snp.tcb.relations',
  'snp.policy.migrate-ma',
];

const filesOf = (v) => [v.report, v.vcek, v.chain, 'snp/expected.json'];

/** The vector's evidence, its expected.json entry and an instant inside every certificate's validity. */
function load(ctx, v) {
  const expected = ctx.vectorJson('snp/expected.json').vectors.find((e) => e.id === v.id);
  ok(expected !== undefined, `snp/expected.json has no vector ${v.id}`);
  const report = ctx.vector(v.report);
  const vcek = ctx.vector(v.vcek);
  const chain = ctx.vectorText(v.chain);
  const certs = [core.parseCertificate(vcek), ...core.parseCertificates(chain)];
  equal(certs.length, 3, `${v.id}: VCEK + ASK + ARK`);
  const from = Math.max(...certs.map((c) => c.notBefore.getTime())) + DAY_MS;
  const until = Math.min(...certs.map((c) => c.notAfter.getTime()));
  ok(from < until, `${v.id}: the certificates share no validity window`);
  return { report, vcek, chain, expected: expected.expected, now: new Date(from) };
}

const statusOf = (r, id) => core.findCheck(r, id)?.status;
/** Failures plus required checks that did not run: what keeps `ok` false. */
const blocking = (r) =>
  r.checks
    .filter((c) => c.status === 'fail' || (c.required && c.status === 'skip'))
    .map((c) => c.id);

function expectVerified(r, v, expected, what) {
  deepEqual(blocking(r), [], `${what}: failed or required-but-skipped checks`);
  equal(r.ok, true, `${what}: ok`);
  equal(r.product, v.product, `${what}: product`);
  equal(r.signer, 'VCEK', `${what}: signer`);
  for (const id of VCEK_PASS) equal(statusOf(r, id), 'pass', `${what}: ${id}`);
  equal(statusOf(r, 'snp.chain.asvk'), 'skip', `${what}: snp.chain.asvk (VCEK chain)`);
  equal(statusOf(r, 'snp.crl'), 'skip', `${what}: snp.crl without a CRL`);
  equal(hex(r.report.reportData), expected.report_data, `${what}: REPORT_DATA`);
  equal(hex(r.report.measurement), expected.measurement, `${what}: MEASUREMENT`);
  equal(hex(r.report.chipId), expected.chip_id, `${what}: CHIP_ID`);
  equal(r.tcb.reported.microcode, expected.reported_tcb.microcode, `${what}: reported microcode`);
  equal(r.signerExtensions.blSpl, expected.reported_tcb.bootloader, `${what}: VCEK blSPL`);
  deepEqual(
    r.certificates.sources,
    { leaf: 'evidence', intermediate: 'evidence', ark: 'evidence' },
    `${what}: certificate sources`,
  );
}

/** @type {{ name: string, vectors?: string[], run: (ctx: any) => unknown }[]} */
export const cases = [
  {
    name: 'Genoa (Oak) report verifies with its VCEK and the Genoa ASK/ARK; a flipped REPORT_DATA byte fails only snp.signature',
    vectors: filesOf(REPORTS.genoa),
    async run(ctx) {
      const v = REPORTS.genoa;
      const { report, vcek, chain, expected, now } = load(ctx, v);
      equal(expected.product_line, 'Genoa', 'expected.json product line');
      const cache = core.createCache();
      const r = await snp.verifySnpReport({ report, vcek, chain }, { now, cache });
      expectVerified(r, v, expected, 'Genoa');
      equal(statusOf(r, 'snp.policy.debug'), 'pass', 'Genoa: snp.policy.debug (not a debug guest)');

      const flipped = report.slice();
      flipped[REPORT_DATA] ^= 0x01;
      const bad = await snp.verifySnpReport({ report: flipped, vcek, chain }, { now, cache });
      equal(bad.ok, false, 'flipped REPORT_DATA[0]: ok');
      deepEqual(failedIds(bad), ['snp.signature'], 'flipped REPORT_DATA[0]: failed checks');
      equal(
        hex(bad.report.reportData.subarray(0, 1)),
        (parseInt(expected.report_data.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0'),
        'the parsed report carries the flipped byte',
      );
      // Every other check reports exactly as for the genuine report.
      for (const c of r.checks) {
        if (c.id !== 'snp.signature') equal(statusOf(bad, c.id), c.status, `unchanged ${c.id}`);
      }
    },
  },

  {
    name: 'Milan (go-sev-guest) debug guest: verifies with allowDebug, fails only snp.policy.debug by default, and a flipped REPORT_DATA byte fails snp.signature',
    vectors: filesOf(REPORTS.milan),
    async run(ctx) {
      const v = REPORTS.milan;
      const { report, vcek, chain, expected, now } = load(ctx, v);
      equal(expected.policy_bits.debug, true, 'expected.json: a debug guest');
      const r = await snp.verifySnpReport(
        { report, vcek, chain },
        { now, policy: { allowDebug: true } },
      );
      expectVerified(r, v, expected, 'Milan');

      const strict = await snp.verifySnpReport({ report, vcek, chain }, { now });
      equal(strict.ok, false, 'default policy: ok');
      deepEqual(failedIds(strict), ['snp.policy.debug'], 'default policy: failed checks');
      deepEqual(
        core.findCheck(strict, 'snp.policy.debug').detail,
        { expected: false, actual: true },
        'snp.policy.debug detail',
      );

      const flipped = report.slice();
      flipped[REPORT_DATA] ^= 0x01;
      const bad = await snp.verifySnpReport(
        { report: flipped, vcek, chain },
        { now, policy: { allowDebug: true } },
      );
      equal(bad.ok, false, 'flipped REPORT_DATA[0]: ok');
      deepEqual(failedIds(bad), ['snp.signature'], 'flipped REPORT_DATA[0]: failed checks');
    },
  },

  {
    name: "Genoa report with the Milan chip's VCEK and chain: signature, hwID, product and ARK pin fail; the VCEK link itself holds",
    vectors: [...filesOf(REPORTS.genoa), REPORTS.milan.vcek, REPORTS.milan.chain],
    async run(ctx) {
      const { report, now } = load(ctx, REPORTS.genoa);
      const vcek = ctx.vector(REPORTS.milan.vcek);
      const chain = ctx.vectorText(REPORTS.milan.chain);
      const r = await snp.verifySnpReport({ report, vcek, chain }, { now, product: 'Genoa' });
      equal(r.ok, false, 'foreign VCEK: ok');
      for (const id of [
        'snp.product',
        'snp.chain.ark',
        'snp.chain.ask',
        'snp.signature',
        'snp.cert.product-name',
        'snp.cert.hwid',
        'snp.tcb.vcek-extensions',
      ]) {
        equal(statusOf(r, id), 'fail', `foreign VCEK: ${id}`);
      }
      // The Milan VCEK really is signed by the Milan ASK: only its use for this report is wrong.
      equal(statusOf(r, 'snp.chain.vcek'), 'pass', 'foreign VCEK: snp.chain.vcek');
    },
  },

  ...Object.values(REPORTS).map((v) => ({
    name: `${v.product} report: a cut at every field boundary throws ERR_TRUNCATED at that field's offset; one extra byte is ERR_TRAILING_DATA`,
    vectors: [v.report, 'snp/expected.json'],
    run(ctx) {
      const report = ctx.vector(v.report);
      const expected = ctx.vectorJson('snp/expected.json').vectors.find((e) => e.id === v.id);
      const opts = { product: v.product };
      const parsed = snp.parseSnpReport(report, opts);
      equal(parsed.version, expected.expected.version, 'the untouched report parses: version');
      equal(hex(parsed.reportData), expected.expected.report_data, 'untouched REPORT_DATA');
      const layout = snp.snpReportLayout(parsed.version);
      ok(layout.length > 30, `layout of version ${parsed.version} has ${layout.length} fields`);
      for (const f of layout) {
        throwsAttestError(
          () => snp.parseSnpReport(report.slice(0, f.offset), opts),
          'ERR_TRUNCATED',
          f.offset,
          `cut before ${f.name} (0x${f.offset.toString(16)})`,
        );
        if (f.size > 1) {
          throwsAttestError(
            () => snp.parseSnpReport(report.slice(0, f.offset + 1), opts),
            'ERR_TRUNCATED',
            f.offset,
            `cut one byte into ${f.name}`,
          );
        }
      }
      const longer = new Uint8Array(snp.SNP_REPORT_SIZE + 1);
      longer.set(report);
      throwsAttestError(
        () => snp.parseSnpReport(longer, opts),
        'ERR_TRAILING_DATA',
        snp.SNP_REPORT_SIZE,
        'one trailing byte',
      );
    },
  })),
];
