/**
 * @module
 * Conformance cases for `attestkit/tdx`, run from the built package under every runtime: real TDX
 * quotes verified with the collateral their vector names (tdx/<case>/expected.json →
 * tcb_evaluations) at the suggested verification time, reaching the expected TCB status (ECDSA
 * P-256 quote, QE report and PCK chain signatures; signed TCB info and QE identity; CRLs), and
 * negatives generated from them: flipped body bytes, collateral past its expiry, truncations.
 */
import * as core from 'attestkit';
import * as tdx from 'attestkit/tdx';
import { deepEqual, equal, failedIds, hex, ok, throwsAttestError } from '../assert.js';

export const requires = {
  root: ['findCheck', 'parseCertificate', 'createCache'],
  tdx: ['parseTdxQuote', 'verifyTdxQuote', 'tdxCollateralFromDcapQvl'],
};

const HEADER = 48;
/** TD 1.0 report body offsets (Intel TDX DCAP Quote Library API, A.3.2), from the body start. */
const BODY = { mrTd: 136, rtmr0: 328, reportData: 520, size: 584 };

const CERTS = 'tdx/collateral/certs/';
const TCB_SIGNERS = [
  `${CERTS}intel_sgx_tcb_signing_2018_2025.pem`,
  `${CERTS}intel_sgx_tcb_signing_2025_2032.pem`,
];
const ROOT_CA = `${CERTS}intel_sgx_root_ca.pem`;

/** Checks a real quote with its complete collateral must pass. */
const MUST_PASS = [
  'tdx.quote.parse',
  'tdx.quote.header',
  'tdx.quote.signature',
  'tdx.chain.pck',
  'tdx.pck.extensions',
  'tdx.qe.report-signature',
  'tdx.qe.report-data',
  'tdx.crl.root',
  'tdx.crl.pck',
  'tdx.tcb-info.signature',
  'tdx.tcb-info.validity',
  'tdx.tcb-info.match',
  'tdx.qe-identity.signature',
  'tdx.qe-identity.validity',
  'tdx.qe.identity',
];

const statusOf = (r, id) => core.findCheck(r, id)?.status;

/** `tdx/<dir>/` + a reference such as `../collateral/x.json (field tcb_info)` → a vector path. */
function refPath(dir, ref) {
  const parts = [];
  for (const p of `tdx/${dir}/${ref.replace(/ \(.*\)$/, '').replace(/#.*$/, '')}`.split('/')) {
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}

/**
 * The issuer chain PCS serves with TCB info and QE identity: the Intel SGX TCB Signing certificate
 * valid at `now` (the newest issue when two are) and the root CA.
 */
function tcbSigningChain(ctx, now) {
  const valid = TCB_SIGNERS.map((p) => ({ p, cert: core.parseCertificate(ctx.vectorText(p)) }))
    .filter(({ cert }) => cert.notBefore <= now && now <= cert.notAfter)
    .sort((a, b) => b.cert.notBefore.getTime() - a.cert.notBefore.getTime());
  ok(valid.length > 0, `no TCB Signing certificate is valid at ${now.toISOString()}`);
  return ctx.vectorText(valid[0].p) + ctx.vectorText(ROOT_CA);
}

/** The collateral of one tcb_evaluations entry, exactly as PCS (or dcap-qvl's JSON) serves it. */
function evaluationCollateral(ctx, dir, ev, now) {
  const out = {};
  for (const [ref, field] of [
    [ev.tcb_info_file, 'tcbInfo'],
    [ev.qe_identity_file, 'qeIdentity'],
  ]) {
    if (ref.includes('(field')) {
      const c = tdx.tdxCollateralFromDcapQvl(ctx.vectorText(refPath(dir, ref)));
      out[field] = c[field];
      out[`${field}IssuerChain`] = c[`${field}IssuerChain`];
    } else {
      out[field] = ctx.vectorText(refPath(dir, ref));
      out[`${field}IssuerChain`] = tcbSigningChain(ctx, now);
    }
  }
  const crls = ev.crl_files ?? [];
  if (crls.length > 0 && crls[0].includes('#')) {
    const c = tdx.tdxCollateralFromDcapQvl(ctx.vectorText(refPath(dir, crls[0])));
    out.pckCrl = c.pckCrl;
    out.pckCrlIssuerChain = c.pckCrlIssuerChain;
    out.rootCaCrl = c.rootCaCrl;
  } else if (crls.length > 0) {
    out.pckCrl = ctx.vector(refPath(dir, crls[0]));
    out.rootCaCrl = ctx.vector(refPath(dir, crls[1]));
  }
  return out;
}

/** The quote, its expected.json and the first evaluation's collateral and instant. */
function load(ctx, dir) {
  const expected = ctx.vectorJson(`tdx/${dir}/expected.json`);
  const ev = expected.tcb_evaluations[0];
  const now = new Date(ev.suggested_verification_time);
  const collateral = evaluationCollateral(ctx, dir, ev, now);
  return { quote: ctx.vector(`tdx/${dir}/quote.bin`), expected, ev, now, collateral };
}

/** The status name the API uses for the vectors' `TcbNotSupported`. */
const apiStatus = (s) => (s === 'TcbNotSupported' ? 'NoMatchingTcbLevel' : s);

function expectEvaluation(r, expected, ev, what) {
  equal(r.tcbStatus, apiStatus(ev.final_tcb_status), `${what}: tcbStatus`);
  deepEqual(r.advisoryIds, ev.advisory_ids_union_platform_qe_module, `${what}: advisoryIds`);
  for (const id of MUST_PASS) {
    equal(statusOf(r, id), 'pass', `${what}: ${id} (${core.findCheck(r, id)?.message})`);
  }
  for (const id of [
    'tdx.quote.signature',
    'tdx.qe.report-signature',
    'tdx.qe.report-data',
    'tdx.chain.pck',
  ]) {
    equal(statusOf(r, id), expected.expected_checks[id], `${what}: expected_checks ${id}`);
  }
  equal(r.tcb?.qe?.status, ev.qe_identity_status, `${what}: QE identity status`);
  equal(r.tcb?.module?.status, ev.tdx_module.module_status, `${what}: TDX module status`);
  equal(
    r.collateralExpiry?.toISOString().replace('.000Z', 'Z'),
    ev.verification_time_window.not_after,
    `${what}: collateral expiry = end of the verification window`,
  );
  // The default acceptance is UpToDate only; the status is reported either way.
  equal(
    statusOf(r, 'tdx.tcb.status'),
    r.tcbStatus === 'UpToDate' ? 'pass' : 'fail',
    `${what}: tdx.tcb.status`,
  );
}

const DCAPQVL = 'dcapqvl-v4';
const ZKDCAP_FILES = [
  'tdx/collateral/zkdcap/tcbinfov3_00806f050000.json',
  'tdx/collateral/zkdcap/qeidentityv2_tdx.json',
  'tdx/collateral/zkdcap/pck_platform_crl.der',
  'tdx/collateral/zkdcap/intel_root_ca_crl.der',
  ...TCB_SIGNERS,
  ROOT_CA,
];

/** @type {{ name: string, vectors?: string[], run: (ctx: any) => unknown }[]} */
export const cases = [
  {
    name: 'dcap-qvl TDX v4 quote + its collateral at the suggested time: UpToDate and ok; a flipped body byte fails only tdx.quote.signature',
    vectors: [
      `tdx/${DCAPQVL}/quote.bin`,
      `tdx/${DCAPQVL}/expected.json`,
      'tdx/collateral/dcapqvl/tdx_quote_collateral.json',
    ],
    async run(ctx) {
      const { quote, expected, ev, now, collateral } = load(ctx, DCAPQVL);
      const cache = core.createCache();
      const r = await tdx.verifyTdxQuote({ quote, collateral }, { now, cache });
      expectEvaluation(r, expected, ev, DCAPQVL);
      deepEqual(failedIds(r), [], 'genuine quote: failed checks');
      equal(r.ok, true, 'genuine quote: ok');
      equal(r.quote.header.version, expected.header.version, 'quote version');
      equal(hex(r.quote.body.reportData), expected.body.report_data, 'REPORTDATA');
      equal(hex(r.quote.body.mrTd), expected.body.mr_td, 'MRTD');

      for (const [field, at] of [
        ['MRTD', HEADER + BODY.mrTd],
        ['RTMR0', HEADER + BODY.rtmr0 + 47],
        ['REPORTDATA', HEADER + BODY.reportData],
      ]) {
        const bad = quote.slice();
        bad[at] ^= 0x01;
        const b = await tdx.verifyTdxQuote({ quote: bad, collateral }, { now, cache });
        equal(b.ok, false, `flipped ${field} byte: ok`);
        deepEqual(failedIds(b), ['tdx.quote.signature'], `flipped ${field} byte: failed checks`);
        equal(b.tcbStatus, 'UpToDate', `flipped ${field} byte: the TCB status is still reported`);
      }
    },
  },

  {
    name: 'zkdcap TDX v4 quotes + PCS collateral at the suggested time: GCP COS quote UpToDate, 00806f050000 quote OutOfDate with its advisories (warn when accepted)',
    vectors: [
      'tdx/gotdx-v4-cos113-gcp/quote.bin',
      'tdx/gotdx-v4-cos113-gcp/expected.json',
      'tdx/zkdcap-v4-00806f050000/quote.bin',
      'tdx/zkdcap-v4-00806f050000/expected.json',
      ...ZKDCAP_FILES,
    ],
    async run(ctx) {
      const cos = load(ctx, 'gotdx-v4-cos113-gcp');
      const r1 = await tdx.verifyTdxQuote(
        { quote: cos.quote, collateral: cos.collateral },
        { now: cos.now },
      );
      expectEvaluation(r1, cos.expected, cos.ev, 'gotdx-v4-cos113-gcp');
      equal(r1.tcbStatus, 'UpToDate', 'COS quote: UpToDate');

      const old = load(ctx, 'zkdcap-v4-00806f050000');
      const input = { quote: old.quote, collateral: old.collateral };
      const policy = { requireSeptVeDisable: false };
      const r2 = await tdx.verifyTdxQuote(input, { now: old.now, policy });
      expectEvaluation(r2, old.expected, old.ev, 'zkdcap-v4-00806f050000');
      equal(r2.tcbStatus, 'OutOfDate', '00806f050000 quote: OutOfDate');
      ok(r2.advisoryIds.length > 0, 'an OutOfDate platform names its advisories');
      deepEqual(failedIds(r2), ['tdx.tcb.status'], 'OutOfDate by default: failed checks');
      equal(r2.ok, false, 'OutOfDate by default: ok');
      const accepted = await tdx.verifyTdxQuote(input, {
        now: old.now,
        policy,
        acceptedTcbStatuses: ['UpToDate', 'OutOfDate'],
      });
      equal(statusOf(accepted, 'tdx.tcb.status'), 'warn', 'accepted OutOfDate: tdx.tcb.status');
      equal(accepted.ok, true, 'accepted OutOfDate: ok');
    },
  },

  {
    name: 'zkdcap collateral a day outside its verification window: the PCK CRL, TCB info and QE identity validity checks fail, the signatures still pass',
    vectors: [
      'tdx/gotdx-v4-cos113-gcp/quote.bin',
      'tdx/gotdx-v4-cos113-gcp/expected.json',
      ...ZKDCAP_FILES,
    ],
    async run(ctx) {
      const { quote, ev } = load(ctx, 'gotdx-v4-cos113-gcp');
      const window = ev.verification_time_window;
      for (const [label, at] of [
        ['a day after the window', new Date(window.not_after).getTime() + 86_400_000],
        ['a day before the window', new Date(window.not_before).getTime() - 86_400_000],
      ]) {
        const now = new Date(at);
        const collateral = evaluationCollateral(ctx, 'gotdx-v4-cos113-gcp', ev, now);
        const r = await tdx.verifyTdxQuote({ quote, collateral }, { now });
        equal(r.ok, false, `${label}: ok`);
        deepEqual(
          failedIds(r),
          ['tdx.crl.pck', 'tdx.tcb-info.validity', 'tdx.qe-identity.validity'],
          `${label}: failed checks`,
        );
        for (const id of [
          'tdx.quote.signature',
          'tdx.qe.report-signature',
          'tdx.qe.report-data',
          'tdx.chain.pck',
          'tdx.tcb-info.signature',
          'tdx.qe-identity.signature',
        ]) {
          equal(statusOf(r, id), 'pass', `${label}: ${id}`);
        }
      }
    },
  },

  {
    name: 'parseTdxQuote: cuts at the header, body and signature-data boundaries throw ERR_TRUNCATED; an oversized signature length is ERR_BAD_LENGTH at 632',
    vectors: [`tdx/${DCAPQVL}/quote.bin`],
    run(ctx) {
      const bytes = ctx.vector(`tdx/${DCAPQVL}/quote.bin`);
      const q = tdx.parseTdxQuote(bytes);
      equal(q.body.kind, 'td10', 'body kind');
      const bodyEnd = HEADER + BODY.size;
      const sd = bodyEnd + 4;
      for (const cut of [0, 2, 4, 8, 12, 28, HEADER, bodyEnd, sd, sd + 64, sd + 128, sd + 134]) {
        const err = throwsAttestError(
          () => tdx.parseTdxQuote(bytes.subarray(0, cut)),
          'ERR_TRUNCATED',
          undefined,
          `cut at ${cut}`,
        );
        ok(
          typeof err.offset === 'number' && err.offset <= cut,
          `cut at ${cut}: offset ${err.offset}`,
        );
      }
      for (let cut = sd; cut < q.raw.length; cut += 97) {
        throwsAttestError(
          () => tdx.parseTdxQuote(bytes.subarray(0, cut)),
          'ERR_TRUNCATED',
          undefined,
          `cut inside the signature data at ${cut}`,
        );
      }
      const huge = bytes.slice();
      new DataView(huge.buffer).setUint32(bodyEnd, 0xffffffff, true);
      throwsAttestError(() => tdx.parseTdxQuote(huge), 'ERR_BAD_LENGTH', bodyEnd, 'length 2^32-1');
    },
  },
];
