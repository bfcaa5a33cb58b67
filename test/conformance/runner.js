/* global console, setTimeout, clearTimeout, atob, TextDecoder */
/**
 * @module
 * The runtime-neutral conformance runner: plain ES2022, no `node:`, no globals mutated, so the same
 * file runs under Node, Deno, Bun, Chromium and a Workers-style bundle. It reads nothing itself:
 * the launcher (scripts/conformance/*.mjs) hands it the fixture (vectors inlined as base64), the
 * attestkit namespaces it imported from the built package, and the case files it discovered.
 *
 * A case file (`test/conformance/cases/<platform>.js`) exports `cases`, an array of
 * `{ name, vectors?, requires?, timeoutMs?, run(ctx) }`, and optionally a file-wide `requires`.
 * `requires` names the built exports a case needs, e.g. `{ snp: ['parseSnpReport'] }` (`root` is
 * the `attestkit` entry): when one is missing from dist the case is skipped with that reason.
 *
 * `run(ctx)` gets `ctx.runtime`, `ctx.lib`, `ctx.vector(path)` (bytes), `ctx.vectorText`,
 * `ctx.vectorJson`, `ctx.listVectors(folder)` — only for the vectors the case declared — and
 * `ctx.skip(reason)`. It passes by returning (or resolving) and fails by throwing. Types are in
 * runner.d.ts.
 *
 * Output: one line per case (`ok`, `FAIL` or `skip`), then exactly `N passed, N failed` (plus
 * `, N skipped` when any) as the last line.
 */

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs every case of every file and reports through `print`.
 *
 * @param {object} options
 * @param {string} options.runtime  name printed in the header (`node`, `deno`, `browser`, …)
 * @param {object} options.fixture  the launcher's fixture (see scripts/conformance/prepare.mjs)
 * @param {Record<string, object>} options.lib  attestkit namespaces keyed `root`, `snp`, `tdx`, …
 * @param {{ file: string, load: () => Promise<object> }[]} options.files  discovered case files
 * @param {(line: string) => void} [options.print]  defaults to console.log
 * @returns {Promise<{ passed: number, failed: number, skipped: number, lines: string[], summary: string }>}
 */
export async function runConformance({ runtime, fixture, lib, files, print = console.log }) {
  const lines = [];
  const out = (line) => {
    lines.push(line);
    print(line);
  };
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const vectors = createVectorStore(fixture);

  out(
    `# attestkit conformance · runtime ${runtime} · vectors ${
      fixture.vectorsPresent ? 'present' : 'absent'
    }${fixture.ci ? ' · CI' : ''} · ${files.length} case file(s)`,
  );

  for (const { file, load } of files) {
    const platform = file.replace(/\.js$/, '');
    let mod;
    try {
      mod = await load();
    } catch (e) {
      counts.failed++;
      out(`FAIL ${platform} › (load ${file}) — ${describeError(e)}`);
      continue;
    }
    if (!Array.isArray(mod.cases) || mod.cases.length === 0) {
      counts.failed++;
      out(`FAIL ${platform} › (load ${file}) — the file must export a non-empty \`cases\` array`);
      continue;
    }
    const seen = new Set();
    for (const c of mod.cases) {
      const title = `${platform} › ${c.name}`;
      if (typeof c.name !== 'string' || typeof c.run !== 'function' || seen.has(c.name)) {
        counts.failed++;
        out(`FAIL ${title} — a case needs a unique string \`name\` and a \`run(ctx)\` function`);
        continue;
      }
      seen.add(c.name);
      const verdict = await runCase(c, { mod, lib, fixture, vectors, runtime });
      counts[
        verdict.status === 'ok' ? 'passed' : verdict.status === 'FAIL' ? 'failed' : 'skipped'
      ]++;
      const tail = verdict.status === 'ok' ? ` (${verdict.ms} ms)` : ` — ${verdict.reason}`;
      out(`${verdict.status.padEnd(4)} ${title}${tail}`);
    }
  }

  const summary =
    `${counts.passed} passed, ${counts.failed} failed` +
    (counts.skipped > 0 ? `, ${counts.skipped} skipped` : '');
  out(summary);
  return { ...counts, lines, summary };
}

async function runCase(c, { mod, lib, fixture, vectors, runtime }) {
  const missingExports = missingRequirements(lib, mod.requires, c.requires);
  if (missingExports.length > 0) {
    return {
      status: 'skip',
      reason: `not in the built package yet: ${missingExports.join(', ')}`,
    };
  }
  const wanted = c.vectors ?? [];
  const absent = wanted.filter((p) => !vectors.covers(p));
  if (absent.length > 0) {
    const where = fixture.vectorsPresent ? 'missing vector(s)' : 'no vectors';
    const reason = `${where}: ${absent.join(', ')}`;
    // With CI=true a missing vector is a failure, never a silent skip.
    return fixture.ci
      ? { status: 'FAIL', reason: `CI requires vectors; ${reason}` }
      : { status: 'skip', reason };
  }
  const ctx = {
    runtime,
    lib,
    skip: (reason) => {
      throw new SkipCase(reason);
    },
    vector: (path) => vectors.bytes(path, wanted),
    vectorText: (path) => new TextDecoder().decode(vectors.bytes(path, wanted)),
    vectorJson: (path) => JSON.parse(new TextDecoder().decode(vectors.bytes(path, wanted))),
    listVectors: (prefix) => vectors.list(prefix, wanted),
  };
  const started = Date.now();
  let timer;
  try {
    const timeoutMs = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    await Promise.race([
      Promise.resolve().then(() => c.run(ctx)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', ms: Date.now() - started };
  } catch (e) {
    if (e instanceof SkipCase) return { status: 'skip', reason: e.message };
    return { status: 'FAIL', reason: describeError(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Thrown by `ctx.skip(reason)`: the case could not run here, which is reported, never passed. */
class SkipCase extends Error {}

/** `requires` entries (file-wide and per case) whose export is absent from the built package. */
function missingRequirements(lib, ...requirements) {
  const missing = [];
  for (const req of requirements) {
    if (req === undefined) continue;
    for (const [entry, names] of Object.entries(req)) {
      const ns = lib[entry];
      const spec = entry === 'root' ? 'attestkit' : `attestkit/${entry}`;
      if (ns === undefined) {
        missing.push(`${spec} (no such entry)`);
        continue;
      }
      for (const name of names) if (ns[name] === undefined) missing.push(`${spec}#${name}`);
    }
  }
  return missing;
}

/**
 * Vectors inlined by the launcher: `fixture.files` maps a path relative to the vectors directory
 * to base64. A case may read only what it declared (a file, or a folder ending in `/`), so that a
 * launcher that inlines exactly the declared set is enough for every runtime.
 */
function createVectorStore(fixture) {
  const files = fixture.files ?? {};
  const declared = (path, wanted) =>
    wanted.some((w) => (w.endsWith('/') ? path.startsWith(w) : path === w));
  return {
    covers(want) {
      if (want.endsWith('/')) return Object.keys(files).some((p) => p.startsWith(want));
      return Object.prototype.hasOwnProperty.call(files, want);
    },
    bytes(path, wanted) {
      if (!declared(path, wanted)) {
        throw new Error(`vector ${path} is not declared in this case's \`vectors\``);
      }
      const b64 = files[path];
      if (b64 === undefined) throw new Error(`vector ${path} is not in the fixture`);
      return decodeBase64(b64);
    },
    list(prefix, wanted) {
      const p = prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`;
      return Object.keys(files)
        .filter((f) => f.startsWith(p) && declared(f, wanted))
        .sort();
    },
  };
}

function decodeBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function describeError(e) {
  if (e instanceof Error) {
    const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
    return `${e.name}${code}: ${e.message}`.replace(/\s*\n\s*/g, ' ');
  }
  return String(e);
}
