/** Every public TDX entry point rejects values of the wrong type with TypeError. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Check } from '../../src/core/checks.js';
import type { TdxCheckId, TdxTcbStatus } from '../../src/tdx/types.js';
import { parseTdxQuote } from '../../src/tdx/parse.js';
import {
  parseQeIdentity,
  parseTcbInfo,
  tdxCollateralFromDcapQvl,
} from '../../src/tdx/collateral.js';
import { parsePckExtensions } from '../../src/tdx/pck.js';
import { verifyTdxQuote } from '../../src/tdx/verify.js';
import { pcsUrls } from '../../src/tdx/pcs.js';
import { createPcsFetcher, staticTdxCollateral } from '../../src/fetch/pcs.js';
import { AttestError } from '../../src/core/errors.js';
import { NOT_BYTES, detachedView } from '../support/not-bytes.js';

const wrong = NOT_BYTES;
const detached = detachedView;

describe('type confusion', () => {
  for (const [what, make] of wrong) {
    it(`${what} → TypeError`, async () => {
      expect(() => parseTdxQuote(make() as never)).toThrow(TypeError);
      expect(() => parseTcbInfo(make() as never)).toThrow(TypeError);
      expect(() => parseQeIdentity(make() as never)).toThrow(TypeError);
      expect(() => parsePckExtensions(make() as never)).toThrow(TypeError);
      await expect(verifyTdxQuote(make() as never)).rejects.toThrow(TypeError);
      await expect(verifyTdxQuote({ quote: make() } as never)).rejects.toThrow(TypeError);
      expect(() => pcsUrls({ fmspc: make() } as never)).toThrow(TypeError);
      expect(() => createPcsFetcher({ fetch: make() } as never)).toThrow(TypeError);
      if (what !== 'plain object')
        expect(() => tdxCollateralFromDcapQvl(make() as never)).toThrow(TypeError);
    });
  }

  it('strings: parseTdxQuote wants bytes; the JSON parsers accept text (and fail as AttestError)', async () => {
    expect(() => parseTdxQuote('0400' as never)).toThrow(TypeError);
    await expect(verifyTdxQuote('0400' as never)).rejects.toThrow(TypeError);
    expect(() => parseTcbInfo('not json')).toThrow(AttestError);
    expect(() => parseQeIdentity('{}')).toThrow(AttestError);
  });

  it('detached views → TypeError', async () => {
    expect(() => parseTdxQuote(detached())).toThrow(TypeError);
    expect(() => parseTcbInfo(detached())).toThrow(TypeError);
    expect(() => parseQeIdentity(detached())).toThrow(TypeError);
    await expect(verifyTdxQuote(detached())).rejects.toThrow(TypeError);
  });

  it('options and collateral of the wrong shape → TypeError', async () => {
    const q = new Uint8Array(10);
    await expect(verifyTdxQuote(q, null as never)).rejects.toThrow(TypeError);
    await expect(verifyTdxQuote(q, { now: 'yesterday' } as never)).rejects.toThrow(TypeError);
    await expect(verifyTdxQuote(q, { now: new Date('nope') })).rejects.toThrow(TypeError);
    await expect(verifyTdxQuote(q, { rootPins: ['abcd'] })).rejects.toThrow(TypeError);
    await expect(verifyTdxQuote(q, { acceptedTcbStatuses: ['Fine'] } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(verifyTdxQuote(q, { policy: [] } as never)).rejects.toThrow(TypeError);
    await expect(verifyTdxQuote(q, { cache: {} } as never)).rejects.toThrow(TypeError);
    await expect(verifyTdxQuote({ quote: q, collateral: { tcbInfo: 5 } } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(verifyTdxQuote({ quote: q, collateral: 'x' } as never)).rejects.toThrow(TypeError);
    expect(() => staticTdxCollateral(null as never)).toThrow(TypeError);
    expect(() => parseTdxQuote(q, null as never)).toThrow(TypeError);
  });

  it('bad evidence never throws from verifyTdxQuote', async () => {
    for (const b of [new Uint8Array(0), new Uint8Array(5000), new Uint8Array(5000).fill(0xff)]) {
      const r = await verifyTdxQuote(b);
      expect(r.ok).toBe(false);
      expect(r.checks[0]!.status).toBe('fail');
    }
  });
});

describe('types', () => {
  it('error codes narrow and results are readonly', async () => {
    const r = await verifyTdxQuote(new Uint8Array(0));
    expectTypeOf(r.checks).toEqualTypeOf<readonly Check<TdxCheckId>[]>();
    expectTypeOf(r.tcbStatus).toEqualTypeOf<TdxTcbStatus | undefined>();
    try {
      parseTdxQuote(new Uint8Array(3));
    } catch (e) {
      if (e instanceof AttestError && e.code === 'ERR_TRUNCATED')
        expectTypeOf(e.code).toEqualTypeOf<'ERR_TRUNCATED'>();
      expect(e).toBeInstanceOf(AttestError);
    }
  });
});
