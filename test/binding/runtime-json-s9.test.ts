/**
 * Review S9 fixes in the Azure HCL runtime-JSON reader (src/binding/runtime-json.ts): a leading
 * UTF-8 byte order mark, member names that Go's encoding/json folds together within one object,
 * and `__proto__` members are all ERR_BAD_JSON at the offending bytes; every real Azure vector
 * still parses, and what parses holds only plain objects with own data members.
 */
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseAzureHclReport } from '../../src/binding/index.js';
import { parseStrictJsonObject } from '../../src/binding/runtime-json.js';
import { AttestError } from '../../src/core/errors.js';
import { expectAttestError } from '../support/errors.js';
import { describeVectors } from '../support/vectors.js';
import { azureVectors, runtimeText, withRuntimeData } from './support/azure.js';

const RUNTIME_OFFSET = 0x4d4;
const FIELD = 'X.runtimeData';
const BASE = 0x100;
const te = new TextEncoder();
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
const vectors = azureVectors();

const withBom = (text: string): Uint8Array => {
  const body = te.encode(text);
  const out = new Uint8Array(BOM.length + body.length);
  out.set(BOM);
  out.set(body, BOM.length);
  return out;
};

/** Byte offset (from `BASE`) of the last occurrence of `"name"` written as in `text`. */
const at = (text: string, literal: string): number =>
  BASE + te.encode(text.slice(0, text.lastIndexOf(literal))).length;

/** Every object (arrays included) under `v`. */
function* objectsIn(v: unknown): Generator<object> {
  if (typeof v !== 'object' || v === null) return;
  yield v;
  for (const x of Object.values(v)) yield* objectsIn(x);
}

/** Asserts the tree holds only plain objects and arrays, none with an own `__proto__`. */
function expectPlain(v: unknown): void {
  for (const o of objectsIn(v)) {
    expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(o));
    expect(Object.hasOwn(o, '__proto__')).toBe(false);
  }
}

// ---- (a) byte order mark ----------------------------------------------------------------------

describe('runtime JSON: a leading UTF-8 byte order mark is refused', () => {
  it('EF BB BF before the object is ERR_BAD_JSON at the first byte', () => {
    expectAttestError(
      () => parseStrictJsonObject(withBom('{}'), BASE, FIELD),
      'ERR_BAD_JSON',
      BASE,
    );
    expectAttestError(
      () => parseStrictJsonObject(withBom('{"keys":[]}'), BASE, FIELD),
      'ERR_BAD_JSON',
      BASE,
    );
  });

  it('a lone BOM, and a BOM after whitespace, are refused too', () => {
    expectAttestError(() => parseStrictJsonObject(BOM, BASE, FIELD), 'ERR_BAD_JSON', BASE);
    const late = te.encode(' \uFEFF{}');
    expectAttestError(() => parseStrictJsonObject(late, BASE, FIELD), 'ERR_BAD_JSON', BASE);
  });

  it('a cut BOM is invalid UTF-8, as before', () => {
    expectAttestError(
      () => parseStrictJsonObject(Uint8Array.of(0xef, 0xbb, 0x7b, 0x7d), BASE, FIELD),
      'ERR_BAD_ENCODING',
      BASE,
    );
  });
});

describeVectors('runtime JSON of every Azure vector', () => {
  for (const v of vectors) {
    it(`${v.id}: still parses, into plain objects`, () => {
      const hcl = parseAzureHclReport(v.hcl);
      expectPlain(hcl.runtimeJson);
      expect(hcl.runtimeJson).toEqual(JSON.parse(runtimeText(v.hcl)));
    });

    it(`${v.id}: with a BOM prepended it is ERR_BAD_JSON at 0x4d4`, () => {
      const hcl = withRuntimeData(v.hcl, withBom(runtimeText(v.hcl)));
      expectAttestError(() => parseAzureHclReport(hcl), 'ERR_BAD_JSON', RUNTIME_OFFSET);
    });

    it(`${v.id}: a case variant of a top-level member is ERR_BAD_JSON at the later name`, () => {
      const text = runtimeText(v.hcl);
      const first = Object.keys(JSON.parse(text) as object)[0]!;
      const variant = first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase();
      expect(variant).not.toBe(first);
      const edited = `${text.trimEnd().slice(0, -1)},${JSON.stringify(variant)}:0}`;
      const bytes = te.encode(edited);
      expectAttestError(
        () => parseAzureHclReport(withRuntimeData(v.hcl, bytes)),
        'ERR_BAD_JSON',
        RUNTIME_OFFSET + bytes.lastIndexOf(0x2c) + 1,
      );
    });

    it(`${v.id}: a __proto__ member in vm-configuration is ERR_BAD_JSON at its name`, () => {
      const json = JSON.parse(runtimeText(v.hcl)) as Record<string, unknown>;
      const text = JSON.stringify({ ...json, 'vm-configuration': { x: 1 } }).replace(
        '{"x":1}',
        '{"x":1,"__proto__":{"secure-boot":true}}',
      );
      const bytes = te.encode(text);
      expectAttestError(
        () => parseAzureHclReport(withRuntimeData(v.hcl, bytes)),
        'ERR_BAD_JSON',
        RUNTIME_OFFSET + te.encode(text.slice(0, text.indexOf('"__proto__"'))).length,
      );
    });
  }
});

// ---- (b) names Go's encoding/json folds together ----------------------------------------------

describe('runtime JSON: member names that differ only in case are one member to Go', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['"keys" and "Keys"', '{"keys":[],"Keys":[]}', '"Keys"'],
    ['"Keys" and "keys"', '{"Keys":[],"keys":[]}', '"keys"'],
    ['"n" and "N" in one JWK', '{"keys":[{"kty":"RSA","n":"AQ","e":"AQAB","N":"Ag"}]}', '"N"'],
    [
      '"vm-configuration" and "VM-Configuration"',
      '{"vm-configuration":{},"VM-Configuration":{}}',
      '"VM-Configuration"',
    ],
    ['deep inside user data', '{"a":[{"b":{"cD":1,"Cd":2}}]}', '"Cd"'],
    ['an escaped capital', '{"keys":[],"\\u004beys":[]}', '"\\u004beys"'],
    ['Kelvin sign (U+212A) for K', '{"keys":[],"\u212Aeys":[]}', '"\u212Aeys"'],
    ['long s (U+017F) for s', '{"keys":[],"key\u017F":[]}', '"key\u017F"'],
    ['dotted capital I (U+0130) for i', '{"kid":1,"k\u0130d":2}', '"k\u0130d"'],
    ['dotless i (U+0131) for i', '{"kid":1,"k\u0131d":2}', '"k\u0131d"'],
    ['non-ASCII letters in two cases', '{"\u00e9t\u00e9":1,"\u00c9T\u00c9":2}', '"\u00c9T\u00c9"'],
  ];
  for (const [name, text, later] of cases) {
    it(`${name}: ERR_BAD_JSON at the later name`, () => {
      expectAttestError(
        () => parseStrictJsonObject(te.encode(text), BASE, FIELD),
        'ERR_BAD_JSON',
        at(text, later),
      );
    });
  }

  it('an exact repeat is still refused at the later name', () => {
    const text = '{"keys":[],"keys":[]}';
    expectAttestError(
      () => parseStrictJsonObject(te.encode(text), BASE, FIELD),
      'ERR_BAD_JSON',
      at(text, '"keys"'),
    );
  });

  it('one name in two cases in different objects, and distinct names, are accepted', () => {
    for (const text of [
      '{"n":1,"a":{"N":2}}',
      '{"keys":[{"n":"a"},{"N":"b"}]}',
      '{"ab":1,"a_b":2,"aB_":3}',
      '{"k":1,"\u212A\u212A":2}',
    ]) {
      expect(parseStrictJsonObject(te.encode(text), BASE, FIELD)).toEqual(JSON.parse(text));
    }
  });
});

// ---- (c) __proto__ ---------------------------------------------------------------------------

describe('runtime JSON: a member named __proto__ is refused wherever it is', () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ['top level', '{"__proto__":{"keys":[]}}', '"__proto__"'],
    [
      'in vm-configuration',
      '{"keys":[],"vm-configuration":{"__proto__":{"secure-boot":true}}}',
      '"__proto__"',
    ],
    ['in an array element', '{"keys":[{"kid":"x","__proto__":1}]}', '"__proto__"'],
    ['spelt with an escape', '{"a":1,"\\u005f_proto__":{}}', '"\\u005f_proto__"'],
    ['spelt with another escape', '{"a":1,"__pro\\u0074o__":{}}', '"__pro\\u0074o__"'],
  ];
  for (const [name, text, literal] of cases) {
    it(`${name}: ERR_BAD_JSON at the name`, () => {
      expectAttestError(
        () => parseStrictJsonObject(te.encode(text), BASE, FIELD),
        'ERR_BAD_JSON',
        at(text, literal),
      );
    });
  }

  it('"__proto__" as a value, or a name that only resembles it, is accepted', () => {
    for (const text of ['{"a":"__proto__"}', '{"a":["__proto__"]}', '{"proto":1,"__proto":2}']) {
      const v = parseStrictJsonObject(te.encode(text), BASE, FIELD);
      expect(v).toEqual(JSON.parse(text));
      expectPlain(v);
    }
  });
});

// ---- property: the scan sees every member name JSON.parse does -----------------------------------

/** Names chosen to collide: case variants, Go-folding letters, __proto__. */
const NAMES = ['keys', 'Keys', 'n', 'N', '\u212Aeys', '__proto__', 'kid', 'k\u0131d', 'a', 'b'];

interface Node {
  readonly kind: 'leaf' | 'array' | 'object';
  readonly value: unknown;
}

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .oneof(fc.integer(), fc.constantFrom(...NAMES))
      .map((value) => ({ kind: 'leaf' as const, value })),
    fc.array(tie('node'), { maxLength: 3 }).map((value) => ({ kind: 'array' as const, value })),
    fc
      .array(fc.tuple(fc.constantFrom(...NAMES), fc.boolean(), tie('node')), { maxLength: 4 })
      .map((value) => ({ kind: 'object' as const, value })),
  ),
}));

/** JSON text of a node; names are written escaped (`\uXXXX` for every character) when asked. */
function render(n: Node): string {
  if (n.kind === 'leaf') return JSON.stringify(n.value);
  if (n.kind === 'array') return `[${(n.value as Node[]).map(render).join(',')}]`;
  const members = (n.value as [string, boolean, Node][]).map(([name, escape, v]) => {
    const key = escape
      ? `"${[...name].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
      : JSON.stringify(name);
    return `${key}:${render(v)}`;
  });
  return `{${members.join(',')}}`;
}

const goFold = (s: string): string =>
  [...s]
    .map((c) => (c === '\u212A' ? 'K' : c === '\u0131' || c === '\u0130' ? 'I' : c.toUpperCase()))
    .join('');

/** Whether some object of the tree repeats a name up to Go's folding or has `__proto__`. */
function refused(n: Node): boolean {
  if (n.kind === 'leaf') return false;
  if (n.kind === 'array') return (n.value as Node[]).some(refused);
  const members = n.value as [string, boolean, Node][];
  const folded = members.map(([name]) => goFold(name));
  if (new Set(folded).size !== folded.length) return true;
  if (members.some(([name]) => name === '__proto__')) return true;
  return members.some(([, , v]) => refused(v));
}

describe('runtime JSON property: refused exactly when a name repeats (folded) or is __proto__', () => {
  test.prop([fc.array(fc.tuple(fc.constantFrom(...NAMES), fc.boolean(), node), { maxLength: 4 })], {
    numRuns: 300,
  })('parse or ERR_BAD_JSON, never anything else', (members) => {
    const top: Node = { kind: 'object', value: members };
    const text = render(top);
    let result: unknown;
    let error: unknown;
    try {
      result = parseStrictJsonObject(te.encode(text), BASE, FIELD);
    } catch (e) {
      error = e;
    }
    if (refused(top)) {
      expect(error).toBeInstanceOf(AttestError);
      expect((error as AttestError).code).toBe('ERR_BAD_JSON');
    } else {
      expect(error).toBeUndefined();
      expect(result).toEqual(JSON.parse(text));
      expectPlain(result);
    }
  });
});

// ---- unpaired surrogates (review of session 9) ---------------------------------------------------

describe('runtime JSON: member names with an unpaired surrogate escape are refused', () => {
  it('"\\ud800" and "\\udbff" (one name to Go, which reads both as U+FFFD) are ERR_BAD_JSON', () => {
    for (const text of ['{"\\ud800":1}', '{"a":1,"x\\udbffy":2}', '{"\\udc00":1}']) {
      const at = text.lastIndexOf('"', text.indexOf('\\u')); // the name's opening quote
      expectAttestError(
        () => parseStrictJsonObject(te.encode(text), BASE, FIELD),
        'ERR_BAD_JSON',
        BASE + at,
      );
    }
  });

  it('a paired surrogate escape, U+FFFD itself and a surrogate in a value are accepted', () => {
    expect(parseStrictJsonObject(te.encode('{"\\ud83d\\ude00":1}'), BASE, FIELD)).toEqual({
      '\u{1F600}': 1,
    });
    expect(parseStrictJsonObject(te.encode('{"\\ufffd":1}'), BASE, FIELD)).toEqual({ '\uFFFD': 1 });
    expect(parseStrictJsonObject(te.encode('{"v":"\\ud800"}'), BASE, FIELD)).toEqual({
      v: '\uD800',
    });
  });
});
