import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLedger, findCheck, ledgerOk, type CheckStatus } from '../../src/core/checks.js';

describe('check ledger', () => {
  it('lists every declared check in order, unrecorded ones as skip "not evaluated"', () => {
    const l = createLedger([{ id: 'a', required: true }, { id: 'b' }, { id: 'c' }]);
    l.pass('c', 'ok');
    l.pass('a', 'ok');
    const v = l.finish();
    expect(v.checks.map((c) => [c.id, c.status])).toEqual([
      ['a', 'pass'],
      ['b', 'skip'],
      ['c', 'pass'],
    ]);
    expect(findCheck(v, 'b')?.message).toBe('not evaluated');
    expect(v.ok).toBe(true);
  });

  it('a skipped required check fails ok; a skipped optional one does not', () => {
    const l = createLedger([{ id: 'sig', required: true }, { id: 'crl' }]);
    l.skip('crl', 'no CRL supplied');
    expect(l.finish().ok).toBe(false);
    const l2 = createLedger([{ id: 'sig', required: true }, { id: 'crl' }]);
    l2.pass('sig', 'verified');
    l2.skip('crl', 'no CRL supplied');
    expect(l2.finish().ok).toBe(true);
  });

  it('require() turns a policy check into a required one', () => {
    const l = createLedger([{ id: 'policy.x' }]);
    l.require('policy.x');
    l.skip('policy.x', 'could not evaluate');
    const v = l.finish();
    expect(v.ok).toBe(false);
    expect(v.checks[0]!.required).toBe(true);
  });

  it('warn does not fail ok; fail always does', () => {
    const l = createLedger([{ id: 'a', required: true }, { id: 'b' }]);
    l.warn('a', 'advisory');
    l.fail('b', 'bad', { expected: 1, actual: 2 });
    const v = l.finish();
    expect(v.ok).toBe(false);
    expect(v.checks[1]!.detail).toEqual({ expected: 1, actual: 2 });
  });

  it('dependsOn skips a dependent check naming the failed step', () => {
    const l = createLedger([
      { id: 'chain', required: true },
      { id: 'sig', required: true },
    ]);
    l.fail('chain', 'bad chain');
    expect(l.dependsOn('sig', 'chain')).toBe(false);
    const sig = l.finish().checks[1]!;
    expect(sig.status).toBe('skip');
    expect(sig.message).toMatch(/chain/);
    expect(sig.detail).toEqual({ dependsOn: 'chain' });
  });

  it('programming errors throw TypeError', () => {
    expect(() => createLedger([{ id: 'a' }, { id: 'a' }])).toThrow(TypeError);
    const l = createLedger<string>([{ id: 'a' }]);
    expect(() => l.pass('zzz', 'x')).toThrow(TypeError);
    l.pass('a', 'x');
    expect(() => l.fail('a', 'again')).toThrow(TypeError);
  });

  it('property: ok holds exactly when no check failed and no required check was skipped', () => {
    const status = fc.constantFrom<CheckStatus | undefined>(
      'pass',
      'fail',
      'skip',
      'warn',
      undefined,
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(status, fc.boolean()), { minLength: 1, maxLength: 12 }),
        (spec) => {
          const l = createLedger(spec.map(([, required], i) => ({ id: `c${i}`, required })));
          spec.forEach(([s], i) => {
            if (s !== undefined) l[s](`c${i}`, s);
          });
          const v = l.finish();
          const expected = spec.every(
            ([s, req]) => s !== 'fail' && !(req && (s === 'skip' || s === undefined)),
          );
          expect(v.ok).toBe(expected);
          expect(ledgerOk(v.checks)).toBe(expected);
          expect(v.checks).toHaveLength(spec.length);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
