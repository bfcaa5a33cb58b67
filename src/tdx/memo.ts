/**
 * @module
 * Content-addressed memoisation in the caller's {@link AttestCache} for the immutable work of
 * DCAP verification (parsed PCK chains, parsed collateral, verified signatures, chain and CRL
 * results), cheap enough that a warm verification costs little more than its two quote-specific
 * signature checks. Entries are found by a fast fingerprint (or as the input last used with the
 * same PCK chain) and then compared byte for byte, so a fingerprint collision can only cost a
 * recomputation, never return another input's result. Results that depend on the clock are
 * stored with the interval in which they are identical.
 */
import { MAX_REMEMBERED_INPUT, type AttestCache } from '../core/cache.js';
import { sealShared } from '../core/share.js';

/** A cached value bound to its exact input, with room for results derived from it. */
export interface MemoEntry<T> {
  readonly value: T;
  /** Results derived from this exact input (signature checks, chain results); keyed by purpose. */
  readonly derived: Map<string, unknown>;
}

/**
 * A cheap lookup key: the length and 64 evenly spaced samples (FNV-1a). It is not collision
 * resistant and need not be: a hit is only used after an exact comparison with the stored input.
 */
function fingerprint(content: Uint8Array | string): string {
  const n = content.length;
  let h = 0x811c9dc5 ^ n;
  const step = n > 64 ? n / 64 : 1;
  for (let k = 0; k < Math.min(64, n); k++) {
    const i = Math.floor(k * step);
    const x = typeof content === 'string' ? content.charCodeAt(i) : content[i]!;
    h = Math.imul(h ^ x, 0x01000193);
  }
  // The last bytes carry the signatures of signed documents and certificates.
  for (let i = Math.max(0, n - 16); i < n; i++) {
    const x = typeof content === 'string' ? content.charCodeAt(i) : content[i]!;
    h = Math.imul(h ^ x, 0x01000193);
  }
  return `${typeof content === 'string' ? 's' : 'b'}:${n}:${(h >>> 0).toString(36)}`;
}

/**
 * Exact comparison. Inputs of a few KB (PCK chains, CRLs) are compared four bytes at a time
 * whenever both views share their alignment, which {@link alignedCopy} arranges for stored inputs.
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (n >= 64 && ((a.byteOffset - b.byteOffset) & 3) === 0) {
    const head = (4 - (a.byteOffset & 3)) & 3;
    for (; i < head; i++) if (a[i] !== b[i]) return false;
    const words = (n - head) >>> 2;
    const x = new Int32Array(a.buffer, a.byteOffset + head, words);
    const y = new Int32Array(b.buffer, b.byteOffset + head, words);
    for (let k = 0; k < words; k++) if (x[k] !== y[k]) return false;
    i = head + words * 4;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of `b` that starts at the same offset modulo 4, so {@link sameBytes} compares words. */
function alignedCopy(b: Uint8Array): Uint8Array {
  const shift = b.byteOffset & 3;
  const out = new Uint8Array(b.length + shift);
  out.set(b, shift);
  return out.subarray(shift);
}

/** Where {@link contentMemo} remembers the input it last served for one purpose. */
export interface NearSlot {
  /** An entry the input travels with (the PCK chain of the quote). */
  readonly entry: MemoEntry<unknown>;
  /** What the input is for (e.g. the id of the check that reads it); one input per slot. */
  readonly slot: string;
}

type Stored<T> = StoredValue<T> | StoredError;
interface StoredValue<T> extends MemoEntry<T> {
  readonly content: Uint8Array | string;
}
interface StoredError {
  readonly content: Uint8Array | string;
  readonly error: unknown;
}

const sameContent = (stored: Uint8Array | string, content: Uint8Array | string): boolean =>
  typeof content === 'string'
    ? stored === content
    : stored instanceof Uint8Array && sameBytes(stored, content);

/**
 * Returns the entry for `content` in namespace `ns`, computing it on a miss. `compute` may throw;
 * the error is cached as well (so malformed collateral is not re-parsed) and rethrown.
 *
 * With `near`, the input last served for `near.slot` is kept on `near.entry` and compared first:
 * collateral arrives with the same PCK chain call after call, so a warm call skips the
 * fingerprint and the cache lookup. The comparison is exact either way.
 *
 * Content longer than `MAX_REMEMBERED_INPUT` (core cache.ts) is computed every time and nothing
 * is kept for it, neither its value nor its error: real chains, CRLs and collateral documents
 * are a few kilobytes, and a cache holding copies of an attacker's oversized inputs would grow
 * by megabytes per entry.
 */
export function contentMemo<T>(
  cache: AttestCache | undefined,
  ns: string,
  content: Uint8Array | string,
  compute: () => T,
  near?: NearSlot,
): MemoEntry<T> {
  if (content.length > MAX_REMEMBERED_INPUT) return { value: compute(), derived: new Map() };
  let slots: Map<string, Stored<unknown>> | undefined;
  if (near !== undefined && cache !== undefined) {
    slots = near.entry.derived.get(NEAR_SLOTS) as Map<string, Stored<unknown>> | undefined;
    const last = slots?.get(near.slot) as Stored<T> | undefined;
    if (last !== undefined && sameContent(last.content, content)) return unwrap(last);
  }
  const run = (): Stored<T> => {
    const stored = typeof content === 'string' ? content : alignedCopy(content);
    try {
      // Kept in the caller's cache and read by later calls: sealed (see core share.ts).
      const value = compute();
      return {
        content: stored,
        value: cache !== undefined ? sealShared(value) : value,
        derived: new Map(),
      };
    } catch (error) {
      return { content: stored, error };
    }
  };
  let entry: Stored<T>;
  if (cache === undefined) entry = run();
  else {
    const key = `attestkit:tdx:${ns}:${fingerprint(content)}`;
    const hit = cache.get(key) as Stored<T> | undefined;
    if (hit !== undefined && sameContent(hit.content, content)) entry = hit;
    else {
      entry = run();
      cache.set(key, entry);
    }
    if (near !== undefined) {
      if (slots === undefined) {
        slots = new Map();
        near.entry.derived.set(NEAR_SLOTS, slots);
      }
      slots.set(near.slot, entry);
    }
  }
  return unwrap(entry);
}

const NEAR_SLOTS = 'near-slots';

function unwrap<T>(entry: Stored<T>): MemoEntry<T> {
  if ('error' in entry) throw entry.error;
  return entry;
}

/** A clock-dependent result and the closed interval [from, to] (ms) in which it holds unchanged. */
export interface Windowed<R> {
  readonly result: R;
  readonly window?: readonly [number, number];
}

/** One part of a {@link windowMemo} key; parts are compared with `Map` semantics. */
export type KeyPart = string | number;

const WINDOWS = 'windows';

/**
 * Reuses a clock-dependent result stored on `entry` under the key `parts` when `now` lies in its
 * window (returned as is, without a promise, so a warm call does not wait a tick); otherwise
 * computes it (and stores it when the computation returned a window). The key is a path of parts
 * in nested maps rather than one joined string: the parts are strings the caches already hold
 * (pins, certificate ids), whose hashes the engine keeps, so a lookup hashes nothing. Every call
 * site fixes the number of parts for its first part, so paths cannot overlap. A part must not be
 * chosen by the evidence (such as the serials of unverified certificates): every distinct value
 * would add a path to an entry that stays in the cache.
 */
export function windowMemo<R>(
  entry: MemoEntry<unknown>,
  parts: readonly KeyPart[],
  now: Date,
  compute: () => Promise<Windowed<R>>,
): R | Promise<R> {
  const t = now.getTime();
  let node = entry.derived.get(WINDOWS) as Map<KeyPart, unknown> | undefined;
  for (let i = 0; i < parts.length - 1 && node !== undefined; i++)
    node = node.get(parts[i]!) as Map<KeyPart, unknown> | undefined;
  const hit = node?.get(parts[parts.length - 1]!) as Windowed<R> | undefined;
  if (hit?.window !== undefined && hit.window[0] <= t && t <= hit.window[1]) return hit.result;
  return compute().then((fresh) => {
    if (fresh.window !== undefined) {
      let map = entry.derived.get(WINDOWS) as Map<KeyPart, unknown> | undefined;
      if (map === undefined) {
        map = new Map();
        entry.derived.set(WINDOWS, map);
      }
      for (let i = 0; i < parts.length - 1; i++) {
        let next = map.get(parts[i]!) as Map<KeyPart, unknown> | undefined;
        if (next === undefined) {
          next = new Map();
          map.set(parts[i]!, next);
        }
        map = next;
      }
      map.set(parts[parts.length - 1]!, fresh);
    }
    return fresh.result;
  });
}

/** Memoises a clock-independent result derived from `entry` (e.g. a signature check). */
export function derivedMemo<R>(entry: MemoEntry<unknown>, key: string, compute: () => R): R {
  if (entry.derived.has(key)) return entry.derived.get(key) as R;
  const value = compute();
  entry.derived.set(key, value);
  if (value instanceof Promise) {
    value.catch(() => {
      if (entry.derived.get(key) === value) entry.derived.delete(key);
    });
  }
  return value;
}

interface BytesRecord<R> {
  readonly parts: readonly Uint8Array[];
  readonly value: R;
}

/**
 * Memoises a clock-independent result derived from `entry` and some further byte strings (e.g. a
 * QE report and its signature under the PCK key of this chain). Keeps the last few records and
 * compares the bytes exactly.
 */
export function bytesMemo<R>(
  entry: MemoEntry<unknown>,
  ns: string,
  parts: readonly Uint8Array[],
  compute: () => R,
): R {
  const list = (entry.derived.get(ns) as BytesRecord<R>[] | undefined) ?? [];
  for (const r of list) {
    if (r.parts.length === parts.length && r.parts.every((p, i) => sameBytes(p, parts[i]!)))
      return r.value;
  }
  const value = compute();
  const record = { parts: parts.map(alignedCopy), value };
  entry.derived.set(ns, [record, ...list.slice(0, 7)]);
  if (value instanceof Promise) {
    value.catch(() => {
      const now = entry.derived.get(ns) as BytesRecord<R>[] | undefined;
      if (now !== undefined)
        entry.derived.set(
          ns,
          now.filter((r) => r !== record),
        );
    });
  }
  return value;
}

/**
 * `date.toISOString()`, remembered on `entry` (the memo entry of the document the date comes
 * from): the text is a pure function of the instant, and a document holds only a few instants.
 */
export function isoTime(entry: MemoEntry<unknown> | undefined, date: Date): string {
  if (entry === undefined) return date.toISOString();
  let texts = entry.derived.get('iso') as Map<number, string> | undefined;
  if (texts === undefined) {
    texts = new Map();
    entry.derived.set('iso', texts);
  }
  const t = date.getTime();
  let text = texts.get(t);
  if (text === undefined) {
    text = date.toISOString();
    texts.set(t, text);
  }
  return text;
}
