/* global process, console, fetch, setTimeout, clearTimeout */
/**
 * Exercises examples/node-service for real: starts it (a child `node --import tsx` process, on
 * 127.0.0.1, port 0 so the OS picks a free one) with the synthetic configuration — certificates
 * and collateral served by the offline KDS/PCS mirror — then POSTs evidence over HTTP and checks
 * each verdict, the challenge rules, the request errors and that the fetcher cache works (the
 * second verification of a report fetches nothing). With the shared vectors present it starts a
 * second instance on real AMD and Intel data (real pins) and verifies a real Genoa report and a
 * real TDX quote. Each instance is stopped with SIGTERM and must exit.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { HAS_VECTORS, REPO, TMP, VECTORS, CI, assertBuilt, launch, tally } from './lib.mjs';

const EVIDENCE = join(REPO, 'examples/evidence');
const SERVICE = join(REPO, 'examples/node-service/main.ts');
const DEMO_NONCE =
  '6174746573746b69742064656d6f206e6f6e6365202853594e544845544943290000000000000000000000000000000000000000000000000000000000000000';
const TDX_DEMO_NONCE = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

/** Starts the service; resolves once it prints its address. */
function startService(configPath) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVICE, configPath], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start within 30 s:\n${out}`));
    }, 30_000);
    const onData = (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolveStart({ child, base: m[1], output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code} before listening:\n${out}`));
    });
  });
}

function stopService(child) {
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolveStop('killed');
    }, 10_000);
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolveStop(signal ?? code);
    });
    child.kill('SIGTERM');
  });
}

async function post(
  base,
  path,
  { body, challenge, contentType = 'application/octet-stream' } = {},
) {
  const headers = { 'content-type': contentType };
  if (challenge !== undefined) headers['attestkit-challenge'] = challenge;
  const res = await fetch(base + path, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

const file = (...p) => new Uint8Array(readFileSync(join(...p)));

launch(async () => {
  assertBuilt();
  const t = tally();
  const started = Date.now();

  // ---- synthetic instance ------------------------------------------------------------------
  const svc = await startService(join(REPO, 'examples/node-service/config.synthetic.json'));
  console.log(`# service at ${svc.base} (synthetic configuration, offline mirror)`);
  try {
    const base = svc.base;
    const stats = async () => (await fetch(`${base}/v1/stats`)).json();

    const ch = await post(base, '/v1/challenge');
    t.ok(
      'POST /v1/challenge issues a 64-byte hex challenge',
      ch.status === 201 && /^[0-9a-f]{128}$/.test(ch.json.challenge),
      JSON.stringify(ch),
    );

    const snp = file(EVIDENCE, 'snp-synthetic/report.bin');
    const v1 = await post(base, '/v1/verify/snp', { body: snp, challenge: DEMO_NONCE });
    t.ok(
      'snp-synthetic: VERIFIED',
      v1.status === 200 && v1.json.ok === true && v1.json.failed.length === 0,
      JSON.stringify(v1.json.failed),
    );
    t.ok(
      'snp-synthetic: collateral came from the KDS fetcher',
      v1.json.checks?.find((c) => c.id === 'snp.collateral')?.message.includes('fetcher'),
    );
    t.ok(
      'snp-synthetic: CRL checked (requireCrl)',
      v1.json.checks?.find((c) => c.id === 'snp.crl')?.status === 'pass',
    );
    const s1 = await stats();
    t.ok(
      'first SNP verification fetched VCEK, chain and CRL (3 upstream requests)',
      s1.upstreamRequests === 3,
      JSON.stringify(s1),
    );

    const v2 = await post(base, '/v1/verify/snp', { body: snp, challenge: DEMO_NONCE });
    const s2 = await stats();
    t.ok(
      'second verification of the same report: VERIFIED from the cache, nothing fetched',
      v2.json.ok === true && s2.upstreamRequests === s1.upstreamRequests,
      JSON.stringify(s2),
    );

    const v3 = await post(base, '/v1/verify/snp', {
      body: file(EVIDENCE, 'snp-synthetic-tampered/report.bin'),
      challenge: DEMO_NONCE,
    });
    t.ok(
      'snp-synthetic-tampered: NOT VERIFIED, snp.signature fails',
      v3.json.ok === false && v3.json.failed.includes('snp.signature'),
      JSON.stringify(v3.json.failed),
    );

    // A challenge the service issued but that is not in the report: the binding check fails.
    const fresh = (await post(base, '/v1/challenge')).json.challenge;
    const v4 = await post(base, '/v1/verify/snp', { body: snp, challenge: fresh });
    t.ok(
      'fresh challenge not in REPORT_DATA: NOT VERIFIED, snp.policy.report-data fails',
      v4.json.ok === false && v4.json.failed.includes('snp.policy.report-data'),
      JSON.stringify(v4.json.failed),
    );
    const v5 = await post(base, '/v1/verify/snp', { body: snp, challenge: fresh });
    t.ok('a challenge is single-use (403 the second time)', v5.status === 403, JSON.stringify(v5));
    const v6 = await post(base, '/v1/verify/snp', { body: snp, challenge: 'ab'.repeat(64) });
    t.ok('a challenge the service never issued is refused (403)', v6.status === 403);
    const v7 = await post(base, '/v1/verify/snp', { body: snp });
    t.ok('missing challenge header: 400', v7.status === 400);

    const tdx = await post(base, '/v1/verify/tdx', {
      body: file(EVIDENCE, 'tdx-synthetic/quote.bin'),
      challenge: TDX_DEMO_NONCE,
    });
    t.ok(
      'tdx-synthetic: VERIFIED, TCB UpToDate',
      tdx.json.ok === true && tdx.json.claims?.tcbStatus === 'UpToDate',
      JSON.stringify({ failed: tdx.json.failed, claims: tdx.json.claims }),
    );
    const s3 = await stats();
    t.ok(
      'TDX collateral fetched through the PCS fetcher (4 more upstream requests)',
      s3.upstreamRequests === s2.upstreamRequests + 4,
      JSON.stringify(s3),
    );
    const dbg = await post(base, '/v1/verify/tdx', {
      body: file(EVIDENCE, 'tdx-synthetic-debug-td/quote.bin'),
      challenge: TDX_DEMO_NONCE,
    });
    t.ok(
      'tdx-synthetic-debug-td: NOT VERIFIED, tdx.policy.debug fails',
      dbg.json.ok === false && dbg.json.failed.includes('tdx.policy.debug'),
      JSON.stringify(dbg.json.failed),
    );
    t.ok(
      'the debug TD quote reused the cached collateral',
      (await stats()).upstreamRequests === s3.upstreamRequests,
    );

    const cca = await post(base, '/v1/verify/cca', {
      body: file(EVIDENCE, 'cca-synthetic/token.cbor'),
      challenge: DEMO_NONCE,
    });
    t.ok('cca-synthetic: VERIFIED', cca.json.ok === true, JSON.stringify(cca.json.failed));
    const bad = await post(base, '/v1/verify/cca', {
      body: file(EVIDENCE, 'cca-synthetic-broken-binding/token.cbor'),
      challenge: DEMO_NONCE,
    });
    t.ok(
      'cca-synthetic-broken-binding: NOT VERIFIED, cca.binding fails',
      bad.json.ok === false && bad.json.failed.includes('cca.binding'),
      JSON.stringify(bad.json.failed),
    );

    const garbage = await post(base, '/v1/verify/snp', {
      body: new Uint8Array(100).fill(7),
      challenge: DEMO_NONCE,
    });
    t.ok(
      'garbage evidence is a verdict, not a crash: NOT VERIFIED, snp.report.format fails',
      garbage.status === 200 &&
        garbage.json.ok === false &&
        garbage.json.failed.includes('snp.report.format'),
      JSON.stringify(garbage),
    );
    const empty = await post(base, '/v1/verify/tdx', {
      body: new Uint8Array(0),
      challenge: DEMO_NONCE,
    });
    t.ok('empty body: 400', empty.status === 400);
    const huge = await post(base, '/v1/verify/tdx', {
      body: new Uint8Array(70_000),
      challenge: DEMO_NONCE,
    });
    t.ok('oversized body: 413', huge.status === 413);
    const nf = await post(base, '/v1/verify/sgx', { body: snp, challenge: DEMO_NONCE });
    t.ok('unknown platform: 404', nf.status === 404);
    const final = await stats();
    t.ok('stats count the verifications', final.verifications === 9, JSON.stringify(final));
  } finally {
    const how = await stopService(svc.child);
    t.ok('synthetic instance stopped on SIGTERM', how === 0, `exit: ${how}\n${svc.output()}`);
  }

  // ---- real vectors --------------------------------------------------------------------------
  if (!HAS_VECTORS) {
    t.skip('real AMD/Intel evidence through the service', `no vectors at ${VECTORS}`);
    if (CI) t.ok('vectors present (CI=true)', false, `no vectors at ${VECTORS}`);
  } else {
    const eca = readFileSync(join(VECTORS, 'snp/genoa-v2-oak/eca_public_key.cose'));
    const oakNonce = createHash('sha256').update(eca).digest('hex').padEnd(128, '0');
    const tdxQuote = file(VECTORS, 'tdx/dcapqvl-v4/quote.bin');
    const tdxExpected = JSON.parse(
      readFileSync(join(VECTORS, 'tdx/dcapqvl-v4/expected.json'), 'utf8'),
    );
    // Generated here because it points into the vectors, which are never copied into the repo.
    const config = {
      $comment:
        'generated by scripts/examples/run-node-service.mjs: real AMD/Intel evidence, real pins',
      host: '127.0.0.1',
      port: 0,
      // The vectors' collateral was current then; a production service omits this.
      verificationTime: '2025-07-04T10:16:31Z',
      demoChallenges: [oakNonce, tdxExpected.body.report_data],
      // genoa-v2-oak is a version-2 report: no CPUID, so the fleet's product is configured.
      snp: { requireCrl: true, product: 'Genoa' },
      offlineMirror: {
        vceks: [join(VECTORS, 'snp/genoa-v2-oak/vcek.der')],
        certChains: [join(VECTORS, 'snp/roots/ask_ark_genoa.pem')],
        crls: [join(VECTORS, 'snp/crl/genoa_ark.crl.der')],
        tdxCollateral: [join(VECTORS, 'tdx/collateral/dcapqvl/tdx_quote_collateral.json')],
      },
    };
    const configPath = join(TMP, 'node-service.config.vectors.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const real = await startService(configPath);
    console.log(`# service at ${real.base} (real vectors, real pins)`);
    try {
      const r1 = await post(real.base, '/v1/verify/snp', {
        body: file(VECTORS, 'snp/genoa-v2-oak/report.bin'),
        challenge: oakNonce,
      });
      t.ok(
        'real Genoa report (genoa-v2-oak): VERIFIED against the pinned AMD ARK, CRL checked',
        r1.json.ok === true && r1.json.claims?.product === 'Genoa',
        JSON.stringify(r1.json.failed),
      );
      const r2 = await post(real.base, '/v1/verify/tdx', {
        body: tdxQuote,
        challenge: tdxExpected.body.report_data,
      });
      const status = r2.json.claims?.tcbStatus;
      // The verdict depends on Intel's TCB status for that platform on that date: check that
      // every check but the TCB-status gate passed and the status was evaluated.
      const others = (r2.json.failed ?? []).filter((id) => id !== 'tdx.tcb.status');
      t.ok(
        `real TDX quote (dcapqvl-v4): signature, PCK chain, CRLs and collateral verify (TCB status ${status})`,
        others.length === 0 &&
          typeof status === 'string' &&
          (status !== 'UpToDate' || r2.json.ok === true),
        JSON.stringify(r2.json.failed),
      );
    } finally {
      const how = await stopService(real.child);
      t.ok('real-vector instance stopped on SIGTERM', how === 0, `exit: ${how}\n${real.output()}`);
    }
  }
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return t.finish('node-service');
});
