/** Readable and JSON rendering of inspections and verifications for the CLI. */
import type { CliVerification, Inspection } from './registry.js';

const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', skip: 'skip', warn: 'WARN' };

/** JSON with bytes as hex, bigints as decimal strings and Dates as ISO text. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (v instanceof Uint8Array)
        return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
      if (typeof v === 'bigint') return v.toString();
      return v;
    },
    2,
  );
}

/** Renders an inspection as aligned rows under section headings. */
export function renderInspection(i: Inspection): string {
  const lines = [i.title, '='.repeat(Math.min(i.title.length, 100))];
  for (const s of i.sections) {
    lines.push('', s.heading);
    const w = Math.min(32, Math.max(0, ...s.rows.map(([k]) => k.length)));
    for (const [k, v] of s.rows) lines.push(`  ${k.padEnd(w)}  ${v}`);
  }
  return lines.join('\n');
}

/** Renders a verification: facts, one line per check, and a summary line. */
export function renderVerification(v: CliVerification): string {
  const lines = [v.title, '-'.repeat(Math.min(v.title.length, 100))];
  if (v.facts !== undefined && v.facts.length > 0) {
    const w = Math.min(28, Math.max(0, ...v.facts.map(([k]) => k.length)));
    for (const [k, val] of v.facts) lines.push(`  ${k.padEnd(w)}  ${val}`);
    lines.push('');
  }
  const idw = Math.min(40, Math.max(0, ...v.checks.map((c) => c.id.length)));
  for (const c of v.checks) {
    lines.push(
      `  [${MARK[c.status] ?? c.status}] ${c.id.padEnd(idw)}  ${c.message}${c.required && c.status === 'skip' ? ' (required)' : ''}`,
    );
  }
  const count = (s: string): number => v.checks.filter((c) => c.status === s).length;
  lines.push(
    '',
    `  ${v.ok ? 'VERIFIED' : 'NOT VERIFIED'}: ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warned, ${count('skip')} skipped`,
  );
  return lines.join('\n');
}
