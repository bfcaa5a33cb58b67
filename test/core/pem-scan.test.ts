/**
 * decodePem is a linear scanner (review S9 finding 2: the regex it replaced was quadratic on text
 * with many `-----BEGIN X-----` lines and no END, 512 KiB took 7.9 s). The scanner must accept
 * and reject exactly what the regex did: a property test compares both on generated PEM-like
 * text, the regex kept here as the reference (on short inputs it is fast enough).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodePem, dersFromInput, encodePem, fromBase64 } from '../../src/core/encoding.js';
import { AttestError } from '../../src/core/errors.js';

/** The decoder as it was before the fix (src/core/encoding.ts at 99b1a8e), the reference. */
function decodePemByRegex(text: string): { label: string; der: Uint8Array }[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  const blocks: { label: string; der: Uint8Array }[] = [];
  for (const m of text.matchAll(re)) {
    const [, begin, body, end] = m;
    if (begin !== end) {
      throw new AttestError('ERR_BAD_ENCODING', { offset: m.index, message: 'labels differ' });
    }
    const compact = (body ?? '').replace(/[\r\n\t ]/g, '');
    try {
      blocks.push({ label: begin!, der: fromBase64(compact) });
    } catch (cause) {
      throw new AttestError('ERR_BAD_ENCODING', { offset: m.index, message: 'bad', cause });
    }
  }
  return blocks;
}

type Outcome =
  | { readonly blocks: { label: string; der: Uint8Array }[] }
  | { readonly code: string; readonly offset: number | undefined };

function outcome(f: () => { label: string; der: Uint8Array }[]): Outcome {
  try {
    return { blocks: f() };
  } catch (e) {
    if (!(e instanceof AttestError)) throw e;
    return { code: e.code, offset: e.offset };
  }
}

/** Pieces that make PEM framing, near-misses of it, base64 bodies and noise. */
const PIECES = [
  '-----BEGIN A-----',
  '-----BEGIN B-----',
  '-----BEGIN X509 CRL-----',
  '-----END A-----',
  '-----END B-----',
  '-----END X509 CRL-----',
  '-----BEGIN a-----',
  '-----END -----',
  '-----BEGIN  -----',
  '-----END  -----',
  '-----BEGIN ',
  '-----END ',
  '-----',
  '-',
  '--',
  'BEGIN ',
  'END ',
  'A',
  'B',
  'X509 CRL',
  'CERTIFICATE',
  ' ',
  '\n',
  '\r\n',
  '\t',
  'AA==',
  'AAAA',
  'MAMCAQA=',
  'a',
  '*',
  '0',
  '\u0000',
];
const pemLike = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 16 })
  .map((parts) => parts.join(''));

/** Well-formed blocks with junk around them, so the property also covers accepted inputs. */
const bundles = fc
  .array(
    fc.tuple(
      fc.constantFrom('CERTIFICATE', 'X509 CRL', 'A', 'PUBLIC KEY'),
      fc.uint8Array({ maxLength: 20 }),
      fc.constantFrom('', 'junk\n', '-----BEGIN x-----\n', '-----END A', '\u0000'),
    ),
    { maxLength: 4 },
  )
  .map((bs) => bs.map(([label, der, junk]) => junk + encodePem(label, der)).join(''));

describe('decodePem: a linear scan with the regex semantics', () => {
  it('accepts and rejects exactly what the regex did (property, PEM-like text)', () => {
    fc.assert(
      fc.property(fc.oneof(pemLike, bundles), (text) => {
        expect(outcome(() => decodePem(text))).toEqual(outcome(() => decodePemByRegex(text)));
      }),
      { numRuns: 5000 },
    );
  });

  it('named edge cases agree with the regex', () => {
    const cases = [
      '-----BEGIN A----------END A-----', // empty body
      '-----BEGIN A------END A-----', // six dashes: no END line follows
      '-----BEGIN A-----AA==------END A-----', // END found one dash later
      '-----BEGIN a-----AA==-----END a-----', // lower-case labels are text
      '-----BEGIN -----AA==-----END -----', // empty labels are text
      '-----BEGIN  -----AA==-----END  -----', // a one-space label is a label
      '-----BEGIN A-----AA==-----END a----------END A-----', // an END with a bad label is skipped
      '-----BEGIN A-----AA==-----END B-----', // mismatched labels
      '-----BEGIN A-----\n-----BEGIN B-----\nAA==\n-----END B-----', // nested BEGIN
      '-----BEGIN x-----\n' + encodePem('A', new Uint8Array([1])), // a bad BEGIN, then a block
      encodePem('A', new Uint8Array([1])) + '-----BEGIN B-----\nAA==', // a trailing unclosed block
      '-----BEGIN A-----AA==-----END A-----BEGIN B-----AA==-----END B-----', // shared dashes
    ];
    for (const text of cases) {
      expect(
        outcome(() => decodePem(text)),
        JSON.stringify(text),
      ).toEqual(outcome(() => decodePemByRegex(text)));
    }
  });

  it('1 MiB of BEGIN lines without END finishes fast (was quadratic)', () => {
    const line = '-----BEGIN X-----\n';
    const text = line.repeat(Math.ceil((1 << 20) / line.length));
    expect(text.length).toBeGreaterThanOrEqual(1 << 20);
    const t0 = performance.now();
    expect(decodePem(text)).toEqual([]);
    expect(dersFromInput(text)).toEqual([]);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
  });

  it('other adversarial shapes stay linear: many BEGINs closed once, many bad BEGIN or END lines', () => {
    const shapes = (n: number): string[] => [
      // The first BEGIN pairs with the one END; its body holds the other BEGIN lines.
      '-----BEGIN X-----'.repeat(n) + '-----END X-----',
      '-----BEGIN X-----' + '-----END x-----'.repeat(n),
      '-----BEGIN x-----'.repeat(n) + '-----END X-----',
      '-----BEGIN X-----\nAA==\n-----END Y-----'.repeat(n),
    ];
    for (const text of shapes(60_000)) {
      const t0 = performance.now();
      outcome(() => decodePem(text));
      expect(performance.now() - t0).toBeLessThan(2000);
    }
    for (const text of shapes(500)) {
      expect(outcome(() => decodePem(text))).toEqual(outcome(() => decodePemByRegex(text)));
    }
  });
});
