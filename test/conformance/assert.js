/**
 * @module
 * Runtime-neutral assertions for the conformance cases (no `node:assert`, which Deno-without-npm,
 * browsers and Workers do not have). Each throws an `Error` whose message says what was expected
 * and what arrived; the runner prints it on the case's `FAIL` line.
 */
import { AttestError } from 'attestkit';

/** Fails unless `value` is truthy. */
export function ok(value, message = 'expected a truthy value') {
  if (!value) throw new Error(message);
}

/** Fails unless `actual === expected` (Object.is). */
export function equal(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Fails unless the two values serialise to the same JSON (plain data only). */
export function deepEqual(actual, expected, what = 'value') {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

/** Fails unless `value` is a Uint8Array with exactly the bytes of `expectedHex`. */
export function bytesHex(value, expectedHex, what = 'bytes') {
  if (!(value instanceof Uint8Array))
    throw new Error(`${what}: expected a Uint8Array, got ${show(value)}`);
  equal(hex(value), expectedHex.toLowerCase(), what);
}

/**
 * Calls `fn` and fails unless it throws the built package's `AttestError` with `code` (and
 * `offset`, when given). Returns the error so a case can check more.
 */
export function throwsAttestError(fn, code, offset, what = 'call') {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined)
    throw new Error(`${what}: expected AttestError ${code}, nothing was thrown`);
  if (!(thrown instanceof AttestError)) {
    throw new Error(`${what}: expected AttestError ${code}, got ${describe(thrown)}`);
  }
  equal(thrown.code, code, `${what}: AttestError.code`);
  if (offset !== undefined) equal(thrown.offset, offset, `${what}: AttestError.offset`);
  return thrown;
}

/** Lower-case hex of bytes (the suite's own, so it does not depend on the code under test). */
export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a hex string. */
export function fromHex(text) {
  if (text.length % 2 !== 0 || /[^0-9a-f]/i.test(text)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Status of the check `id` in a verification result (read from the result, not through the library). */
export const statusOf = (r, id) => r.checks.find((c) => c.id === id)?.status;

/** The check `id` of a verification result. */
export const checkOf = (r, id) => r.checks.find((c) => c.id === id);

/** Ids of the failed checks of a verification result. */
export const failedIds = (r) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

/** `{ bank: { index: hex } }` (pcrs.json, expected.json) → PcrBanks. */
export function banksFromHex(json) {
  const out = {};
  for (const [bank, values] of Object.entries(json)) {
    out[bank] = {};
    for (const [i, v] of Object.entries(values)) out[bank][Number(i)] = fromHex(v);
  }
  return out;
}

function describe(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : show(e);
}

function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array)
    return `Uint8Array(${v.length}) ${hex(v.subarray(0, 32))}${v.length > 32 ? '…' : ''}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
