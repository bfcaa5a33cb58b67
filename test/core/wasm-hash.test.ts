/**
 * The WebAssembly SHA backend of `createDigester` (src/core/wasm-hash.ts over the hand-written
 * src/core/wasm/sha.wat), checked differentially against `@noble/hashes` at every length that
 * matters for padding and for streaming through the module's input area, against the FIPS 180-4
 * example messages, and for its fallback to `@noble/hashes` where WebAssembly is refused.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { createDigester, type Digester, type HashAlg } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import { setWasmHashEnabledForTests, wasmDigester } from '../../src/core/wasm-hash.js';
import { SHA_WASM_HEX } from '../../src/core/wasm/sha-module.js';
import {
  MAX_WASM_BYTES,
  MODULE_PATH,
  compileShaWat,
  renderShaModule,
} from '../../scripts/build-wasm.js';
import { NOT_BYTES, detachedView } from '../support/not-bytes.js';
import { seededBytes } from '../support/seeded-bytes.js';

const REFERENCE = { sha1, sha256, sha384, sha512 } as const;
const ALGS: readonly HashAlg[] = ['sha1', 'sha256', 'sha384', 'sha512'];
/** sha.wat's input area (checked against the module's `inputSize` export below). */
const INPUT_SIZE = 0xf800;
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const ref = (alg: HashAlg, ...parts: Uint8Array[]): string => {
  const h = REFERENCE[alg].create();
  for (const p of parts) h.update(p);
  return toHex(h.digest());
};

/** Deterministic bytes (no Math.random: failures must reproduce). */
const bytes = seededBytes;

/** The WebAssembly digester; fails the test when the backend is not in use here. */
function wasm(alg: HashAlg): Digester {
  const d = wasmDigester(alg);
  if (d === undefined) throw new Error('the WebAssembly backend is unavailable in this runtime');
  return d;
}

afterEach(() => {
  setWasmHashEnabledForTests(true);
  vi.unstubAllGlobals();
});

describe('the WebAssembly module', () => {
  it('the committed sha-module.ts equals a fresh compile of sha.wat, under 4096 bytes', async () => {
    const binary = await compileShaWat();
    expect(binary.length).toBeLessThan(MAX_WASM_BYTES);
    expect(MAX_WASM_BYTES).toBe(4096);
    expect(SHA_WASM_HEX).toBe(toHex(binary));
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(await renderShaModule(binary));
  });

  it('has the layout the tests assume (input area of 0xf800 bytes, one page that cannot grow)', () => {
    const bin = Uint8Array.from(SHA_WASM_HEX.match(/../g)!, (h) => parseInt(h, 16));
    const x = new WebAssembly.Instance(new WebAssembly.Module(bin), {}).exports as Record<
      string,
      WebAssembly.Global | WebAssembly.Memory
    >;
    expect((x.inputSize as WebAssembly.Global).value).toBe(INPUT_SIZE);
    expect(INPUT_SIZE % 128).toBe(0);
    const memory = x.memory as WebAssembly.Memory;
    expect(memory.buffer.byteLength).toBe(65536);
    const input = (x.input as WebAssembly.Global).value as number;
    // Padding may write up to two 128-byte blocks past a full input area.
    expect(input + INPUT_SIZE + 256).toBeLessThanOrEqual(65536);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('is available in this runtime (so createDigester uses it)', () => {
    for (const alg of ALGS) {
      const d = wasm(alg);
      expect(d.alg).toBe(alg);
      expect(d.size).toBe(REFERENCE[alg].outputLen);
    }
  });
});

describe('digest equals @noble/hashes', () => {
  it.each(ALGS)('%s: every length 0..600', (alg) => {
    const d = wasm(alg);
    const data = bytes(600, 7);
    for (let n = 0; n <= 600; n++) {
      const m = data.subarray(0, n);
      expect(toHex(d.digest(m)), `length ${n}`).toBe(ref(alg, m));
    }
  });

  it.each(ALGS)('%s: lengths around block and padding boundaries up to 8 KB', (alg) => {
    const d = wasm(alg);
    const data = bytes(8200, 11);
    for (let k = 1; k <= 64; k++) {
      for (const delta of [-18, -17, -16, -15, -10, -9, -8, -7, -1, 0, 1]) {
        for (const n of [64 * k + delta, 128 * k + delta]) {
          if (n < 0 || n > data.length) continue;
          const m = data.subarray(0, n);
          expect(toHex(d.digest(m)), `length ${n}`).toBe(ref(alg, m));
        }
      }
    }
  });

  it.each(ALGS)('%s: lengths around the input area and its multiples, and 1 MiB', (alg) => {
    const d = wasm(alg);
    const data = bytes(3 * INPUT_SIZE + 300, 13);
    const sizes = [1 << 20, (1 << 20) + 3];
    for (const base of [INPUT_SIZE, 2 * INPUT_SIZE, 3 * INPUT_SIZE]) {
      for (const delta of [
        -129, -128, -112, -56, -1, 0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 300,
      ]) {
        sizes.push(base + delta);
      }
    }
    const big = bytes((1 << 20) + 3, 17);
    for (const n of sizes) {
      const m = n <= data.length ? data.subarray(0, n) : big.subarray(0, n);
      expect(toHex(d.digest(m)), `length ${n}`).toBe(ref(alg, m));
    }
  });

  it('the FIPS 180-4 example messages (abc, 448-bit, 896-bit, a million "a")', () => {
    const m448 = ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    const m896 = ascii(
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    );
    const million = new Uint8Array(1_000_000).fill(0x61);
    // Expected values as @noble/hashes and node:crypto computed them (both agreed).
    const cases: [HashAlg, Uint8Array, string][] = [
      ['sha1', ascii('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d'],
      ['sha1', m448, '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
      ['sha1', m896, 'a49b2446a02c645bf419f995b67091253a04a259'],
      ['sha1', million, '34aa973cd4c4daa4f61eeb2bdbad27316534016f'],
      ['sha256', ascii('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['sha256', m448, '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
      ['sha256', m896, 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
      ['sha256', million, 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
      [
        'sha384',
        ascii('abc'),
        'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
      ],
      [
        'sha384',
        m448,
        '3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b',
      ],
      [
        'sha384',
        m896,
        '09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039',
      ],
      [
        'sha384',
        million,
        '9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985',
      ],
      [
        'sha512',
        ascii('abc'),
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      ],
      [
        'sha512',
        m448,
        '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
      ],
      [
        'sha512',
        m896,
        '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
      ],
      [
        'sha512',
        million,
        'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
      ],
    ];
    for (const [alg, data, expected] of cases) {
      expect(toHex(wasm(alg).digest(data)), alg).toBe(expected);
      expect(toHex(createDigester(alg).digest(data)), alg).toBe(expected);
    }
  });

  fcTest.prop([fc.constantFrom(...ALGS), fc.uint8Array({ maxLength: 1500 })])(
    'random messages',
    (alg, data) => {
      expect(toHex(wasm(alg).digest(data))).toBe(ref(alg, data));
    },
  );

  it('reads views at their offset, and returns a fresh array each call', () => {
    const backing = bytes(300, 19);
    for (const alg of ALGS) {
      const d = wasm(alg);
      const view = backing.subarray(37, 237);
      const first = d.digest(view);
      expect(toHex(first)).toBe(ref(alg, view));
      const second = d.digest(view);
      expect(second).not.toBe(first);
      first.fill(0);
      expect(toHex(second)).toBe(ref(alg, view));
      expect(toHex(d.digest(view))).toBe(ref(alg, view));
    }
  });
});

describe('extend, extendInPlace and digestParts equal @noble/hashes', () => {
  it.each(ALGS)('%s: extend and extendInPlace over a chain of measurements', (alg) => {
    const d = wasm(alg);
    let reg: Uint8Array = new Uint8Array(d.size);
    const inPlace = new Uint8Array(d.size);
    for (let i = 0; i < 300; i++) {
      const m = bytes(i % 7 === 0 ? d.size : (i * 37) % 200, i + 1);
      const expected = ref(alg, reg, m);
      reg = d.extend(reg, m);
      expect(toHex(reg), `extend ${i}`).toBe(expected);
      d.extendInPlace(inPlace, m);
      expect(toHex(inPlace), `extendInPlace ${i}`).toBe(expected);
    }
  });

  it.each(ALGS)('%s: extends whose register and measurement cross the input area', (alg) => {
    const d = wasm(alg);
    const reg = bytes(d.size, 23);
    for (const n of [INPUT_SIZE - d.size - 1, INPUT_SIZE - d.size, INPUT_SIZE - d.size + 1]) {
      const m = bytes(n, n);
      expect(toHex(d.extend(reg, m)), `measurement ${n}`).toBe(ref(alg, reg, m));
      const inPlace = reg.slice();
      d.extendInPlace(inPlace, m);
      expect(toHex(inPlace)).toBe(ref(alg, reg, m));
    }
    // extend takes any register length (only extendInPlace fixes it): a long one streams too.
    const long = bytes(INPUT_SIZE + 5, 29);
    const m = bytes(INPUT_SIZE - 3, 31);
    expect(toHex(d.extend(long, m))).toBe(ref(alg, long, m));
  });

  it.each(ALGS)('%s: extendInPlace with the register as its own measurement', (alg) => {
    const d = wasm(alg);
    const reg = bytes(d.size, 37);
    const expected = ref(alg, reg, reg);
    d.extendInPlace(reg, reg);
    expect(toHex(reg)).toBe(expected);
  });

  /** The chain extended one measurement at a time with the reference hash. */
  const refChain = (alg: HashAlg, reg: Uint8Array, ms: readonly Uint8Array[]): string => {
    let v = reg;
    for (const m of ms) v = REFERENCE[alg].create().update(v).update(m).digest();
    return toHex(v);
  };

  it.each(ALGS)('%s: extendChain equals extending one measurement at a time', (alg) => {
    setWasmHashEnabledForTests(false);
    const noble = createDigester(alg);
    setWasmHashEnabledForTests(true);
    const size = wasm(alg).size;
    const cases: Uint8Array[][] = [
      [],
      [bytes(size, 1)],
      // One run far longer than the module's chain area (0xf700 bytes): several calls into it.
      Array.from({ length: 5000 }, (_, i) => bytes(size, i)),
      // Lengths change inside the list, including empty, 64 (the longest a run takes), 65 and long.
      Array.from({ length: 400 }, (_, i) => bytes([size, 20, 0, 63, 64, 65, 300][i % 7]!, i)),
      [bytes(INPUT_SIZE + 10, 3), bytes(size, 4), bytes(INPUT_SIZE - 1, 5), bytes(size, 6)],
      Array.from({ length: 3200 }, (_, i) => bytes(i < 3162 ? 20 : 64, i)),
    ];
    for (const [i, ms] of cases.entries()) {
      const start = bytes(size, 100 + i);
      const expected = refChain(alg, start, ms);
      for (const d of [wasm(alg), noble]) {
        const reg = start.slice();
        d.extendChain(reg, ms);
        expect(toHex(reg), `case ${i}`).toBe(expected);
      }
    }
  });

  it.each(ALGS)(
    '%s: extendChain reads a measurement that aliases the register as it was',
    (alg) => {
      setWasmHashEnabledForTests(false);
      const noble = createDigester(alg);
      setWasmHashEnabledForTests(true);
      for (const d of [wasm(alg), noble]) {
        const reg = bytes(d.size, 61);
        const initial = reg.slice();
        d.extendChain(reg, [reg, reg]);
        expect(toHex(reg)).toBe(refChain(alg, initial, [initial, initial]));
      }
    },
  );

  it.each(ALGS)('%s: extendChain checks every input before changing the register', (alg) => {
    setWasmHashEnabledForTests(false);
    const noble = createDigester(alg);
    setWasmHashEnabledForTests(true);
    for (const d of [wasm(alg), noble]) {
      const reg = new Uint8Array(d.size).fill(7);
      const ok = new Uint8Array(d.size);
      expect(() => d.extendChain(reg, [ok, 'abc' as unknown as Uint8Array])).toThrow(TypeError);
      expect(() => d.extendChain(reg, [ok, detachedView()])).toThrow(TypeError);
      // eslint-disable-next-line no-sparse-arrays
      expect(() => d.extendChain(reg, [ok, , ok] as Uint8Array[])).toThrow(TypeError);
      expect(() => d.extendChain(reg, ok as unknown as Uint8Array[])).toThrow(TypeError);
      expect(() => d.extendChain(reg.subarray(1), [ok])).toThrow(RangeError);
      expect(reg.every((b) => b === 7)).toBe(true);
    }
  });

  it.each(ALGS)('%s: digestParts with empty, many and area-crossing parts', (alg) => {
    const d = wasm(alg);
    const big = bytes(3 * INPUT_SIZE, 41);
    const cases: Uint8Array[][] = [
      [],
      [new Uint8Array(0)],
      [new Uint8Array(0), new Uint8Array(0), bytes(3, 1), new Uint8Array(0)],
      Array.from({ length: 2000 }, (_, i) => bytes(i % 5, i)),
      Array.from({ length: 200 }, (_, i) => bytes(i * 7, i)),
      [
        big.subarray(0, 30_000),
        big.subarray(30_000, 70_000),
        new Uint8Array(0),
        big.subarray(70_000),
      ],
      [big.subarray(0, INPUT_SIZE), big.subarray(INPUT_SIZE, INPUT_SIZE + 1)],
      [big.subarray(0, INPUT_SIZE), new Uint8Array(0)],
      [big.subarray(0, INPUT_SIZE - 1), big.subarray(0, 2), big.subarray(0, INPUT_SIZE)],
      [big],
    ];
    for (const [i, parts] of cases.entries()) {
      expect(toHex(d.digestParts(parts)), `case ${i}`).toBe(ref(alg, ...parts));
    }
  });

  fcTest.prop([
    fc.constantFrom(...ALGS),
    fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
  ])('random parts', (alg, parts) => {
    expect(toHex(wasm(alg).digestParts(parts))).toBe(ref(alg, ...parts));
  });
});

describe('interleaving', () => {
  it('digesters of every algorithm, alternating calls of every kind, stay correct', () => {
    const ds = [...ALGS, ...ALGS].map((alg) => wasm(alg));
    const regs = ds.map((d) => new Uint8Array(d.size));
    const big = bytes(INPUT_SIZE + 1000, 43);
    for (let i = 0; i < 400; i++) {
      const k = (i * 5 + (i >> 3)) % ds.length;
      const d = ds[k]!;
      const m = i % 50 === 0 ? big : bytes((i * 13) % 300, i);
      switch (i % 4) {
        case 0:
          expect(toHex(d.digest(m))).toBe(ref(d.alg, m));
          break;
        case 1: {
          const expected = ref(d.alg, regs[k]!, m);
          d.extendInPlace(regs[k]!, m);
          expect(toHex(regs[k]!)).toBe(expected);
          break;
        }
        case 2:
          expect(toHex(d.extend(regs[k]!, m))).toBe(ref(d.alg, regs[k]!, m));
          break;
        default:
          expect(toHex(d.digestParts([m, regs[k]!, m]))).toBe(ref(d.alg, m, regs[k]!, m));
      }
    }
  });

  it('a noble digester and a wasm digester of the same algorithm alternate correctly', () => {
    const w = wasm('sha384');
    setWasmHashEnabledForTests(false);
    const n = createDigester('sha384');
    setWasmHashEnabledForTests(true);
    for (let i = 0; i < 50; i++) {
      const m = bytes(i * 11, i);
      expect(toHex(w.digest(m))).toBe(toHex(n.digest(m)));
    }
  });
});

describe('fallback to @noble/hashes', () => {
  it('with the backend switched off, createDigester returns a working noble digester', () => {
    setWasmHashEnabledForTests(false);
    for (const alg of ALGS) {
      expect(wasmDigester(alg)).toBeUndefined();
      const d = createDigester(alg);
      const data = bytes(1000, 47);
      expect(toHex(d.digest(data))).toBe(ref(alg, data));
      const reg = new Uint8Array(d.size);
      d.extendInPlace(reg, data);
      expect(toHex(reg)).toBe(ref(alg, new Uint8Array(d.size), data));
      expect(toHex(d.digestParts([data, data]))).toBe(ref(alg, data, data));
    }
    setWasmHashEnabledForTests(true);
    expect(wasmDigester('sha1')).toBeDefined();
  });

  it('where WebAssembly is missing, it falls back without throwing', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/core/wasm-hash.js');
    const hash = await import('../../src/core/hash.js');
    expect(fresh.wasmDigester('sha256')).toBeUndefined();
    const data = bytes(500, 53);
    for (const alg of ALGS) {
      expect(toHex(hash.createDigester(alg).digest(data))).toBe(ref(alg, data));
    }
  });

  it('where compiling is refused (CSP, Workers), it falls back and does not retry', async () => {
    const real = WebAssembly;
    let attempts = 0;
    vi.resetModules();
    vi.stubGlobal('WebAssembly', {
      ...real,
      Module: function refuse(): never {
        attempts++;
        throw new real.CompileError('WebAssembly.Module(): Wasm code generation disallowed');
      },
    });
    const fresh = await import('../../src/core/wasm-hash.js');
    const hash = await import('../../src/core/hash.js');
    for (const alg of ALGS) expect(fresh.wasmDigester(alg)).toBeUndefined();
    const data = bytes(500, 59);
    for (const alg of ALGS) {
      expect(toHex(hash.createDigester(alg).digest(data))).toBe(ref(alg, data));
    }
    expect(attempts).toBe(1);
  });
});

describe('input validation', () => {
  const bad: unknown[] = [...NOT_BYTES.map(([, make]) => make()), 'abc'];

  it('unknown algorithms throw TypeError', () => {
    expect(() => wasmDigester('md5' as HashAlg)).toThrow(TypeError);
    expect(() => createDigester('md5' as HashAlg)).toThrow(TypeError);
  });

  it.each(ALGS)('%s: TypeError for non-Uint8Array input, as with noble', (alg) => {
    setWasmHashEnabledForTests(false);
    const noble = createDigester(alg);
    setWasmHashEnabledForTests(true);
    const w = wasm(alg);
    const ok = new Uint8Array(w.size);
    for (const d of [w, noble]) {
      for (const v of bad) {
        const x = v as Uint8Array;
        expect(() => d.digest(x)).toThrow(TypeError);
        expect(() => d.extend(x, ok)).toThrow(TypeError);
        expect(() => d.extend(ok, x)).toThrow(TypeError);
        expect(() => d.extendInPlace(x, ok)).toThrow(TypeError);
        expect(() => d.extendInPlace(ok.slice(), x)).toThrow(TypeError);
        expect(() => d.digestParts([ok, x])).toThrow(TypeError);
      }
    }
    // A view over a detached buffer is a TypeError too, never an empty message.
    expect(() => w.digest(detachedView())).toThrow(TypeError);
    // The digester still works after a rejected call.
    expect(toHex(w.digest(ok))).toBe(ref(alg, ok));
  });

  it.each(ALGS)('%s: RangeError for a register of the wrong size in extendInPlace', (alg) => {
    const d = wasm(alg);
    for (const n of [0, d.size - 1, d.size + 1, 64 + 1]) {
      const reg = new Uint8Array(n).fill(5);
      expect(() => d.extendInPlace(reg, new Uint8Array(3))).toThrow(RangeError);
      expect(reg.every((b) => b === 5)).toBe(true);
    }
  });
});
