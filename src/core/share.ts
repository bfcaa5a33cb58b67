/**
 * @module
 * How verifiers share memoised values with the results they return. A value kept in the caller's
 * cache is read again by every later verification, so no result may hold it: a caller who edited
 * one result would change what later verifications decide and what later results say.
 *
 * - {@link sealShared} runs once, when a parsed value enters the cache: every plain object and
 *   array that holds no bytes and no dates is frozen, and every `Date` becomes a {@link FixedDate}.
 * - {@link copyPlain} runs per result: it shares what is sealed and copies the rest (byte arrays,
 *   dates, and the objects on the way to them), so each result owns everything it can change.
 *   Dates are always copied: `Date.prototype.setTime.call(d, t)` changes any date, a frozen
 *   FixedDate too (freezing does not protect a date's time value).
 *
 * @internal
 */
/**
 * A `Date` whose value cannot change (every setter, `setYear` included, throws a TypeError): the
 * dates inside sealed values. It is a `Date` for every other purpose (`instanceof`, `getTime`,
 * `toISOString`, JSON).
 *
 * @internal
 */
export const FixedDate: new (time: number | string | Date) => Date = /* @__PURE__ */ (() => {
  class Fixed extends Date {}
  const fixed = (): never => {
    throw new TypeError('a date shared through a cache cannot change');
  };
  const names = ['Milliseconds', 'Seconds', 'Minutes', 'Hours', 'Date', 'Month', 'FullYear'];
  for (const m of ['setTime', 'setYear', ...names.flatMap((n) => [`set${n}`, `setUTC${n}`])])
    Object.defineProperty(Fixed.prototype, m, { value: fixed });
  return Fixed;
})();

const isPlain = (v: object): boolean =>
  Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype;

/**
 * Seals a value attestkit parsed, as it enters the caller's cache: freezes every plain object and
 * array under it that holds no `Uint8Array` at any depth, and replaces each `Date` under it by a
 * {@link FixedDate} of the same time. Byte arrays, the objects holding them and anything that is
 * not plain data (a `CryptoKey`, a `Map`) stay as they are; {@link copyPlain} copies them per
 * result. Never call it on a caller's object.
 *
 * @returns `value`, sealed in place.
 * @internal
 */
export function sealShared<T>(value: T): T {
  seal(value);
  return value;
}

/**
 * Seals `v`; true when `v` is now immutable (a primitive or a frozen container). A date never is:
 * its time value can be set through `Date.prototype` whatever its own methods do.
 */
function seal(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (v instanceof Uint8Array || v instanceof Date || !isPlain(v)) return false;
  if (Object.isFrozen(v)) return true;
  const o = v as Record<string, unknown>;
  let immutable = true;
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x instanceof Date && !(x instanceof FixedDate)) o[k] = Object.freeze(new FixedDate(x));
    if (!seal(o[k])) immutable = false;
  }
  if (immutable) Object.freeze(v);
  return immutable;
}

/**
 * The copy of a value that one result may hold: sealed parts (see {@link sealShared}) are shared;
 * byte arrays and dates are copied, and plain objects and arrays on the way to them rebuilt.
 * Anything that is not plain data is shared. The copied byte arrays are views into one fresh
 * buffer (one allocation per call, not one per array).
 *
 * @internal
 */
export function copyPlain<T>(v: T): T {
  const pending: Pending[] = [];
  const out = copyInto(v, pending, undefined, '');
  if (pending.length === 0) return out as T;
  let total = 0;
  for (const p of pending) total += p.bytes.length;
  const arena = new Uint8Array(total);
  const buffer = arena.buffer;
  let at = 0;
  for (const p of pending) {
    arena.set(p.bytes, at);
    const view = new Uint8Array(buffer, at, p.bytes.length);
    at += p.bytes.length;
    if (p.parent === undefined) return view as T;
    // An own property by now (copyInto defined it), so even "__proto__" assigns to it.
    p.parent[p.key] = view;
  }
  return out as T;
}

/** A byte array to copy, and where its copy goes (no parent: the value itself). */
interface Pending {
  readonly bytes: Uint8Array;
  readonly parent: Record<string, unknown> | undefined;
  readonly key: string;
}

function copyInto(
  v: unknown,
  pending: Pending[],
  parent: Record<string, unknown> | undefined,
  key: string,
): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (Object.isFrozen(v)) return v;
  if (v instanceof Uint8Array) {
    pending.push({ bytes: v, parent, key });
    return undefined;
  }
  if (!isPlain(v)) return v;
  const src = v as Record<string, unknown>;
  const out = (Array.isArray(v) ? new Array<unknown>(v.length) : {}) as Record<string, unknown>;
  for (const k of Object.keys(src)) {
    const x = copyInto(src[k], pending, out, k);
    // An own "__proto__" (JSON.parse makes them) stays an own property, never a prototype.
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: x,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    else out[k] = x;
  }
  return out;
}

/**
 * Freezes a table and the objects it holds (one level down): exported constant tables steer
 * decoding and verification, so no code in the process may edit them.
 *
 * @internal
 */
export function frozen<T extends object>(table: T): Readonly<T> {
  for (const v of Object.values(table)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(table);
}
