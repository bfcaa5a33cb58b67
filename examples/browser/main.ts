/**
 * Verifies attestation evidence in the browser, client-side: an AMD SEV-SNP report, an Intel TDX
 * quote and an Arm CCA token (and one rejected variant of each), fetched next to the page with
 * their collateral. Only the subpaths used are imported, so the bundle carries no TPM or
 * event-log code.
 *
 * Build and open (the page expects `evidence/` beside it, i.e. examples/evidence):
 *
 *   npm run build
 *   npx esbuild examples/browser/main.ts --bundle --format=esm --outfile=examples/browser/app.js
 *   # serve examples/browser with examples/evidence mounted at ./evidence, open index.html
 *
 * `node scripts/examples/run-browser.mjs` does exactly that in headless Chromium.
 *
 * The evidence is SYNTHETIC (test keys); the manifests pin the test roots and fix the time. With
 * real evidence, drop `rootPins` (the AMD and Intel roots are pinned in attestkit) and `now`.
 */
import { verifySnpReport, type SnpPolicy, type SnpVerifyOptions } from 'attestkit/snp';
import { verifyTdxQuote, type TdxCollateral } from 'attestkit/tdx';
import { verifyCcaToken, type Check } from 'attestkit/cca';

/** The fields of examples/evidence/<case>/manifest.json this page reads. */
interface Manifest {
  readonly evidence: string;
  readonly type: 'snp-report' | 'tdx-quote' | 'cca-token';
  readonly description?: string;
  readonly expectOk?: boolean;
  readonly now?: string;
  readonly vcek?: string;
  readonly chain?: string;
  readonly crl?: string;
  readonly requireCrl?: boolean;
  readonly rootPins?: unknown;
  readonly policy?: SnpPolicy;
  readonly collateral?: string;
  readonly platformKey?: string;
  readonly challenge?: string;
}

interface Outcome {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  readonly facts: readonly string[];
}

const CASES = [
  'snp-synthetic',
  'snp-synthetic-tampered',
  'tdx-synthetic',
  'tdx-synthetic-debug-td',
  'cca-synthetic',
  'cca-synthetic-broken-binding',
];

async function get(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res;
}
const bytes = async (url: string): Promise<Uint8Array> =>
  new Uint8Array(await (await get(url)).arrayBuffer());
const text = async (url: string): Promise<string> => (await get(url)).text();

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

async function verifyCase(dir: string, m: Manifest): Promise<Outcome> {
  const now = m.now !== undefined ? new Date(m.now) : undefined;
  switch (m.type) {
    case 'snp-report': {
      const r = await verifySnpReport(
        {
          report: await bytes(`${dir}/${m.evidence}`),
          ...(m.vcek !== undefined ? { vcek: await bytes(`${dir}/${m.vcek}`) } : {}),
          ...(m.chain !== undefined ? { chain: await text(`${dir}/${m.chain}`) } : {}),
          ...(m.crl !== undefined ? { crl: await bytes(`${dir}/${m.crl}`) } : {}),
        },
        {
          ...(now !== undefined ? { now } : {}),
          ...(m.rootPins !== undefined
            ? { rootPins: m.rootPins as NonNullable<SnpVerifyOptions['rootPins']> }
            : {}),
          ...(m.requireCrl === true ? { requireCrl: true } : {}),
          ...(m.policy !== undefined ? { policy: m.policy } : {}),
        },
      );
      return {
        ok: r.ok,
        checks: r.checks,
        facts: [`product ${r.product ?? '?'}`, `signer ${r.signer ?? '?'}`],
      };
    }
    case 'tdx-quote': {
      const collateral = JSON.parse(await text(`${dir}/${m.collateral ?? 'collateral.json'}`));
      const r = await verifyTdxQuote(
        { quote: await bytes(`${dir}/${m.evidence}`), collateral: collateral as TdxCollateral },
        {
          ...(now !== undefined ? { now } : {}),
          ...(Array.isArray(m.rootPins) ? { rootPins: m.rootPins as string[] } : {}),
        },
      );
      return {
        ok: r.ok,
        checks: r.checks,
        facts: [`TCB status ${r.tcbStatus ?? 'not evaluated'}`],
      };
    }
    case 'cca-token': {
      const r = await verifyCcaToken(await bytes(`${dir}/${m.evidence}`), {
        ...(m.platformKey !== undefined
          ? { platformKey: await text(`${dir}/${m.platformKey}`) }
          : {}),
        ...(m.challenge !== undefined ? { policy: { challenge: fromHex(m.challenge) } } : {}),
      });
      return {
        ok: r.ok,
        checks: r.checks,
        facts: [`platform profile ${r.platformClaims?.profile ?? '?'}`],
      };
    }
  }
}

function render(name: string, m: Manifest, o: Outcome): boolean {
  const expected = m.expectOk !== false;
  const asExpected = o.ok === expected;
  const section = document.createElement('section');
  section.className = !asExpected ? 'unexpected' : o.ok ? 'ok' : 'rejected';
  section.dataset.case = name;
  section.dataset.verdict = o.ok ? 'verified' : 'not-verified';
  const h = document.createElement('h2');
  const verdict = document.createElement('span');
  verdict.className = 'verdict';
  verdict.textContent = `${name}: ${o.ok ? 'VERIFIED' : 'NOT VERIFIED'}`;
  h.append(verdict, ` (${asExpected ? 'as expected' : 'UNEXPECTED'}; ${o.facts.join(', ')})`);
  const list = document.createElement('ul');
  // Failures first, then the passes: the reason for a rejection is the first line.
  const shown = [...o.checks]
    .filter((c) => c.status !== 'skip')
    .sort((a, b) => Number(b.status === 'fail') - Number(a.status === 'fail'))
    .slice(0, 6);
  for (const c of shown) {
    const li = document.createElement('li');
    li.className = c.status;
    li.textContent = `[${c.status}] ${c.id} — ${c.message}`;
    list.append(li);
  }
  section.append(h, list);
  document.getElementById('results')!.append(section);
  return asExpected;
}

async function main(): Promise<void> {
  const started = performance.now();
  document.getElementById('pending')?.remove();
  let unexpected = 0;
  for (const name of CASES) {
    const dir = `evidence/${name}`;
    try {
      const m = JSON.parse(await text(`${dir}/manifest.json`)) as Manifest;
      if (!render(name, m, await verifyCase(dir, m))) unexpected++;
    } catch (e) {
      unexpected++;
      const p = document.createElement('section');
      p.className = 'unexpected';
      p.textContent = `${name}: ERROR ${(e as Error).message}`;
      document.getElementById('results')!.append(p);
    }
  }
  const ms = (performance.now() - started).toFixed(0);
  document.getElementById('summary')!.textContent =
    `${CASES.length} cases, ${unexpected === 0 ? 'all as expected' : `${unexpected} unexpected`}, ${ms} ms · ${navigator.userAgent}`;
  document.body.dataset.status = unexpected === 0 ? 'passed' : 'failed';
}

void main();
