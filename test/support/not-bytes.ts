/**
 * Values that are not the `Uint8Array` a byte-taking entry point wants, for type-confusion tests:
 * every public entry point must refuse each with a TypeError (never parse it, never an
 * AttestError). Suites add what is specific to them (e.g. a string where text is not accepted).
 */

/** A Uint8Array whose ArrayBuffer has been transferred away (reads would see zero bytes). */
export function detachedView(): Uint8Array {
  const buf = new ArrayBuffer(64);
  const view = new Uint8Array(buf, 8, 32);
  structuredClone(buf, { transfer: [buf] });
  return view;
}

/** `[label, make]` pairs of non-byte values shared by every platform's type-confusion suite. */
export const NOT_BYTES: readonly (readonly [string, () => unknown])[] = [
  ['null', () => null],
  ['undefined', () => undefined],
  ['number', () => 42],
  ['ArrayBuffer', () => new ArrayBuffer(16)],
  ['Uint16Array', () => new Uint16Array(8)],
  ['Int8Array', () => new Int8Array(8)],
  ['DataView', () => new DataView(new ArrayBuffer(8))],
  ['plain object', () => ({ length: 4 })],
  ['array of numbers', () => [0xff, 0x54, 0x43, 0x47]],
];
