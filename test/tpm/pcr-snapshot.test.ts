/**
 * How verifyTpmQuote reads the supplied PCRs: every value once, indices no selection can cover
 * (above 255) reported as supplied-but-not-signed. SYNTHETIC quotes signed by test keys.
 */
import { describe, expect, it } from 'vitest';
import { verifyTpmQuote, type PcrBanks } from '../../src/tpm/index.js';
import { forgeKey, forgeQuote, pcrValues } from './support/forge.js';

describe('supplied PCR values', () => {
  const nonce = Uint8Array.of(1, 2, 3, 4);

  it('an index above 255 is never selected: it fails the selection as supplied but not signed', async () => {
    const ak = await forgeKey('p256');
    const q = await forgeQuote({ key: ak, selection: [['sha256', [0, 7]]], nonce });
    const pcrs = { sha256: { ...q.pcrs.sha256, 300: new Uint8Array(32) } } as PcrBanks;
    const r = await verifyTpmQuote({ ...q, pcrs, akPublic: ak.publicArea }, { nonce });
    expect(r.ok).toBe(false);
    const sel = r.checks.find((c) => c.id === 'tpm.quote.pcr-selection')!;
    expect(sel.status).toBe('fail');
    expect((sel.detail as { extra?: string[] } | undefined)?.extra).toEqual(['sha256:300']);
    expect(r.pcrs).toEqual({});
  });

  it('each value is read once: a getter cannot show one value to the digest and another to the result', async () => {
    const ak = await forgeKey('p256');
    const q = await forgeQuote({ key: ak, selection: [['sha256', [0, 7]]], nonce });
    const good = q.pcrs.sha256![7]!;
    let reads = 0;
    const bank: Record<number, Uint8Array> = { 0: q.pcrs.sha256![0]! };
    Object.defineProperty(bank, 7, {
      enumerable: true,
      get: () => (++reads === 1 ? good : new Uint8Array(32).fill(0xee)),
    });
    const r = await verifyTpmQuote(
      { ...q, pcrs: { sha256: bank }, akPublic: ak.publicArea },
      { nonce },
    );
    expect(reads).toBe(1);
    expect(r.ok).toBe(true);
    expect(r.pcrs.sha256?.[7]).toEqual(good);
  });

  it('the values returned are the signed ones, in a copy the caller cannot change afterwards', async () => {
    const ak = await forgeKey('rsassa');
    const sel = { sha1: [0, 1], sha256: [7, 16] };
    const q = await forgeQuote({ key: ak, selection: Object.entries(sel), nonce });
    const pcrs = pcrValues(sel);
    const r = await verifyTpmQuote(
      { ...q, pcrs, akPublic: ak.publicArea },
      { nonce, allowSha1: true },
    );
    expect(r.ok).toBe(true);
    pcrs.sha256![7]!.fill(0);
    expect(r.pcrs.sha256?.[7]).toEqual(q.pcrs.sha256![7]);
  });
});
