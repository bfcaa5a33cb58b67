/**
 * @module
 * SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4) in WebAssembly behind the {@link Digester}
 * interface: the backend of `createDigester` wherever WebAssembly runs, about twice as fast as
 * `@noble/hashes` for SHA-1/256 and four times for SHA-384/512 (JS lacks 64-bit integers) on the
 * short messages event-log replays hash by the thousand. The module (`wasm/sha.wat`, compiled into
 * `wasm/sha-module.ts`) is compiled and instantiated synchronously on the first call, once. Where
 * WebAssembly is missing or refused (a browser CSP without `'wasm-unsafe-eval'`, Cloudflare
 * Workers, which forbid compiling bytes), that is remembered and {@link wasmDigester} returns
 * `undefined`, so callers use `@noble/hashes`.
 *
 * The module's memory (one 64 KiB page that never grows) keeps the last messages and digests until
 * later calls overwrite them. That is fine for evidence, which is public; secrets are hashed with
 * `digest`, which stays on `@noble/hashes`. Internal: not re-exported from any public entry.
 */
import { assertBytes } from './bytes.js';
import type { HashAlg } from './crypto.js';
import type { Digester } from './hash.js';
import { SHA_WASM_HEX } from './wasm/sha-module.js';

/** The exports of sha.wat (see the layout and contracts at the top of that file). */
interface ShaExports {
  readonly memory: WebAssembly.Memory;
  readonly input: WebAssembly.Global;
  readonly inputSize: WebAssembly.Global;
  readonly out: WebAssembly.Global;
  begin(alg: number): void;
  update(alg: number, len: number): void;
  finish(alg: number, len: number, total: number): void;
  hash(alg: number, len: number): void;
  chain(alg: number, count: number, mlen: number): void;
}

/** Bytes of INPUT that {@link ShaExports.chain} measurements may fill (its message area follows). */
const CHAIN_AREA = 0xf700;
/** Longest measurement `chain` takes; longer ones are extended one at a time. */
const CHAIN_MAX_MEASUREMENT = 64;

/** An instantiated module and the view over its memory (valid for good: the memory cannot grow). */
interface ShaEngine {
  readonly wasm: ShaExports;
  readonly mem: Uint8Array;
  /** Offset of the input area. */
  readonly input: number;
  /** Size of the input area, a whole number of 128-byte blocks. */
  readonly inputSize: number;
  /** Offset of the digest. */
  readonly out: number;
}

/** sha.wat's algorithm numbers are the indexes here. */
const ALGS: readonly HashAlg[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const SIZES: readonly number[] = [20, 32, 48, 64];

/** `undefined`: not tried yet; `null`: WebAssembly is missing or refused here. */
let engine: ShaEngine | null | undefined;
let enabled = true;

function instantiate(): ShaEngine | null {
  if (typeof WebAssembly !== 'object' || WebAssembly === null) return null;
  try {
    const bytes = new Uint8Array(SHA_WASM_HEX.length / 2);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(SHA_WASM_HEX.slice(2 * i, 2 * i + 2), 16);
    }
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const wasm = instance.exports as unknown as ShaExports;
    return {
      wasm,
      mem: new Uint8Array(wasm.memory.buffer),
      input: wasm.input.value as number,
      inputSize: wasm.inputSize.value as number,
      out: wasm.out.value as number,
    };
  } catch {
    // CompileError / RuntimeError / EvalError (CSP, Workers) or anything a runtime throws instead.
    return null;
  }
}

/**
 * Hashes the concatenation of `parts` (already validated) into the engine's digest area: whole
 * input areas are compressed as they fill, so messages of any length stream through the fixed
 * memory; a message that fits takes the single `hash` call.
 */
function hashParts(e: ShaEngine, id: number, parts: readonly Uint8Array[]): void {
  const { wasm, mem, input, inputSize } = e;
  let fill = 0;
  let total = 0;
  let started = false;
  for (const part of parts) {
    let from = 0;
    while (part.length - from > inputSize - fill) {
      const n = inputSize - fill;
      mem.set(part.subarray(from, from + n), input + fill);
      if (!started) {
        wasm.begin(id);
        started = true;
      }
      wasm.update(id, inputSize);
      from += n;
      fill = 0;
    }
    mem.set(from === 0 ? part : part.subarray(from), input + fill);
    fill += part.length - from;
    total += part.length;
  }
  if (started) wasm.finish(id, fill, total);
  else wasm.hash(id, fill);
}

/**
 * A {@link Digester} on the WebAssembly SHA module (FIPS 180-4), or `undefined` where WebAssembly
 * is unavailable or refused (or switched off by {@link setWasmHashEnabledForTests}); the first call
 * compiles and instantiates the module. Every method returns the same bytes as `@noble/hashes`
 * and throws the same errors as the `@noble/hashes` digester. Internal to `core`.
 *
 * @param alg - the hash.
 * @returns the digester, or `undefined` to fall back to `@noble/hashes`.
 * @throws {TypeError} for an unknown algorithm (and, from its methods, for non-Uint8Array input;
 *   `extendInPlace` throws RangeError for a register of the wrong size).
 * @example
 * ```ts
 * const d = wasmDigester('sha256'); // undefined where WebAssembly is refused
 * if (d !== undefined) d.extendInPlace(pcr, measurement);
 * ```
 */
export function wasmDigester(alg: HashAlg): Digester | undefined {
  const id = ALGS.indexOf(alg);
  if (id < 0) throw new TypeError(`unknown hash ${String(alg)}`);
  if (!enabled) return undefined;
  if (engine === undefined) engine = instantiate();
  if (engine === null) return undefined;
  const e = engine;
  const { mem, input, inputSize, out } = e;
  const size = SIZES[id]!;
  const digestView = mem.subarray(out, out + size);
  const hashPair = (a: Uint8Array, b: Uint8Array): void => {
    if (a.length + b.length <= inputSize) {
      mem.set(a, input);
      mem.set(b, input + a.length);
      e.wasm.hash(id, a.length + b.length);
    } else {
      hashParts(e, id, [a, b]);
    }
  };
  return {
    alg,
    size,
    digest(data) {
      assertBytes(data, 'data');
      if (data.length <= inputSize) {
        mem.set(data, input);
        e.wasm.hash(id, data.length);
      } else {
        hashParts(e, id, [data]);
      }
      return digestView.slice();
    },
    extend(register, measurement) {
      assertBytes(register, 'register');
      assertBytes(measurement, 'measurement');
      hashPair(register, measurement);
      return digestView.slice();
    },
    digestParts(parts) {
      for (const p of parts) assertBytes(p, 'part');
      hashParts(e, id, parts);
      return digestView.slice();
    },
    extendInPlace(register, measurement) {
      assertBytes(register, 'register');
      assertBytes(measurement, 'measurement');
      if (register.length !== size) throw new RangeError(`register must be ${size} bytes`);
      hashPair(register, measurement);
      register.set(digestView);
    },
    extendChain(register, measurements) {
      assertBytes(register, 'register');
      if (register.length !== size) throw new RangeError(`register must be ${size} bytes`);
      if (!Array.isArray(measurements)) throw new TypeError('measurements must be an array');
      // The register lives in OUT for the whole run: equal-length measurements are copied end to
      // end into INPUT and extended by one call per filled area; any other is extended alone.
      // `register` itself is written only at the end, so a bad element (checked as it is reached)
      // leaves it unchanged.
      mem.set(register, out);
      let mlen = -1;
      let fill = 0;
      let count = 0;
      for (let i = 0; i < measurements.length; i++) {
        const m: unknown = measurements[i];
        if (!(m instanceof Uint8Array) || m.length === 0) assertBytes(m, 'measurement');
        if (m.length !== mlen || fill + mlen > CHAIN_AREA) {
          if (count > 0) e.wasm.chain(id, count, mlen);
          fill = 0;
          count = 0;
          mlen = m.length;
          if (mlen > CHAIN_MAX_MEASUREMENT) {
            hashPair(digestView.slice(), m);
            mlen = -1;
            continue;
          }
        }
        mem.set(m, input + fill);
        fill += mlen;
        count++;
      }
      if (count > 0) e.wasm.chain(id, count, mlen);
      register.set(digestView);
    },
  };
}

/**
 * Internal, for tests only: `false` makes {@link wasmDigester} return `undefined`, so
 * `createDigester` builds `@noble/hashes` digesters as it does where WebAssembly is refused;
 * `true` restores the default. Digesters already created keep their backend.
 *
 * @param on - whether the WebAssembly backend may be used.
 * @returns nothing.
 * @example
 * ```ts
 * setWasmHashEnabledForTests(false);
 * try { expect(createDigester('sha1').digest(data)).toEqual(sha1(data)); }
 * finally { setWasmHashEnabledForTests(true); }
 * ```
 */
export function setWasmHashEnabledForTests(on: boolean): void {
  enabled = on;
}
