/**
 * Readable and JSON rendering of inspections and verifications for the CLI. Every string in the
 * readable output can come from the evidence (a certificate's subject, a log's file names), so
 * it is printed through {@link escapeTerminal}: a control character or a bidi override cannot
 * move the cursor, clear the screen or reorder what the terminal shows. `--json` needs no such
 * step: JSON escapes every control character (`\u001b`) itself.
 */
import type { CliVerification, Inspection } from './registry.js';

/**
 * Characters a terminal acts on rather than shows: C0 controls (including TAB, CR and LF), DEL,
 * C1 controls (U+0080–U+009F: 8-bit CSI and friends), the Unicode bidi marks, embeddings,
 * overrides and isolates (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069; Trojan Source,
 * CVE-2021-42574) and the line and paragraph separators (U+2028–U+2029).
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const TERMINAL_UNSAFE_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/**
 * Replaces each character a terminal would act on with a visible escape: `\x1b` for U+001B,
 * `\u202e` for U+202E. Everything else, RFC 4514 escapes included, is kept as it is.
 *
 * @param text - a string to print.
 * @param opts - `keepNewlines`: leave LF alone (for text the CLI itself lays out in lines).
 * @returns the text, safe to write to a terminal.
 */
export function escapeTerminal(text: string, opts?: { readonly keepNewlines?: boolean }): string {
  return text.replace(
    opts?.keepNewlines === true ? TERMINAL_UNSAFE_BUT_NEWLINE : TERMINAL_UNSAFE,
    (ch) => {
      const code = ch.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

const esc = (text: string): string => escapeTerminal(text);

const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', skip: 'skip', warn: 'WARN' };

/**
 * JSON with bytes as hex, bigints as decimal strings and Dates as ISO text. JSON itself escapes
 * C0 controls; DEL, C1 controls and bidi controls, which it may leave raw, are written as
 * `\uXXXX` escapes too (they can only occur inside strings, so the JSON parses the same).
 */
export function toJson(value: unknown): string {
  return jsonText(value).replace(
    JSON_UNSAFE,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

function jsonText(value: unknown): string {
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
  const title = esc(i.title);
  const lines = [title, '='.repeat(Math.min(title.length, 100))];
  for (const s of i.sections) {
    lines.push('', esc(s.heading));
    const rows = s.rows.map(([k, v]) => [esc(k), esc(v)] as const);
    const w = Math.min(32, Math.max(0, ...rows.map(([k]) => k.length)));
    for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${v}`);
  }
  return lines.join('\n');
}

/** Renders a verification: facts, one line per check, and a summary line. */
export function renderVerification(v: CliVerification): string {
  const title = esc(v.title);
  const lines = [title, '-'.repeat(Math.min(title.length, 100))];
  if (v.facts !== undefined && v.facts.length > 0) {
    const facts = v.facts.map(([k, val]) => [esc(k), esc(val)] as const);
    const w = Math.min(28, Math.max(0, ...facts.map(([k]) => k.length)));
    for (const [k, val] of facts) lines.push(`  ${k.padEnd(w)}  ${val}`);
    lines.push('');
  }
  const idw = Math.min(40, Math.max(0, ...v.checks.map((c) => esc(c.id).length)));
  for (const c of v.checks) {
    lines.push(
      `  [${MARK[c.status] ?? esc(c.status)}] ${esc(c.id).padEnd(idw)}  ${esc(c.message)}${c.required && c.status === 'skip' ? ' (required)' : ''}`,
    );
  }
  const count = (s: string): number => v.checks.filter((c) => c.status === s).length;
  lines.push(
    '',
    `  ${v.ok ? 'VERIFIED' : 'NOT VERIFIED'}: ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warned, ${count('skip')} skipped`,
  );
  return lines.join('\n');
}
