import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPcrBinding } from '../../src/binding/index.js';
import { toHex } from '../../src/core/encoding.js';
import { parseTcgEventLog } from '../../src/eventlog/index.js';
import { verifyTpmQuote, type PcrBanks, type TpmQuoteVerification } from '../../src/tpm/index.js';
import { describeVectors, hex, readVector, readVectorJson } from '../support/vectors.js';

const swtpm = (...p: string[]): Uint8Array => readVector('tpm', 'swtpm', ...p);
const statusOf = (
  r: { checks: readonly { id: string; status: string }[] },
  id: string,
): string | undefined => r.checks.find((c) => c.id === id)?.status;

function banksFromJson(j: Record<string, Record<string, string>>): PcrBanks {
  const out: Record<string, Record<number, Uint8Array>> = {};
  for (const [bank, values] of Object.entries(j)) {
    out[bank] = {};
    for (const [i, v] of Object.entries(values)) out[bank][Number(i)] = hex(v);
  }
  return out;
}

async function quote(name: string, extra?: PcrBanks): Promise<TpmQuoteVerification> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifest.json
  const c = readVectorJson<any>('tpm', 'swtpm', 'manifest.json').cases[name];
  const pcrs = banksFromJson(readVectorJson('tpm', 'swtpm', 'quotes', name, 'pcrs.json'));
  if (extra !== undefined) {
    for (const [bank, values] of Object.entries(extra)) {
      const b = bank as keyof PcrBanks;
      pcrs[b] = { ...pcrs[b], ...values };
    }
  }
  return verifyTpmQuote(
    {
      attest: swtpm('quotes', name, 'quote.msg'),
      signature: swtpm('quotes', name, 'quote.sig'),
      akPublic: swtpm(c.ak_files.tpmt_public.replace(/^keys\//, 'keys/')),
      pcrs,
    },
    { nonce: swtpm('quotes', name, 'nonce.bin'), allowSha1: true },
  );
}

describeVectors('verifyPcrBinding — the swtpm PCR-15 binding vector', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifest.json
  const binding = readVectorJson<any>('tpm', 'swtpm', 'manifest.json').binding;
  const report = swtpm(binding.report_file);
  const logBytes = swtpm('eventlog', 'boot_eventlog.bin');

  for (const name of ['quote_rsassa_multibank', 'quote_ecdsa_p256_sha1all_sha256pcr15']) {
    it(`${name}: the report is in PCR ${binding.pcr}, logged, digested, signed and replayed`, async () => {
      const q = await quote(name);
      expect(q.ok, JSON.stringify(q.checks.filter((c) => c.status === 'fail'))).toBe(true);
      const r = await verifyPcrBinding({ report, eventLog: logBytes, pcrs: q });
      expect(r.checks.map((c) => [c.id, c.status])).toEqual([
        ['binding.pcr.log', 'pass'],
        ['binding.pcr.quote', 'pass'],
        ['binding.pcr.event', 'pass'],
        ['binding.pcr.digest', 'pass'],
        ['binding.pcr.selection', 'pass'],
        ['binding.pcr.replay', 'pass'],
      ]);
      expect(r.ok).toBe(true);
      expect(r.pcrIndex).toBe(binding.pcr);
      expect(r.events).toEqual([
        {
          index: expect.any(Number),
          pcrIndex: 15,
          type: 0x11,
          typeName: 'EV_NONHOST_INFO',
          matchedBy: 'data',
        },
      ]);
      // The multi-bank quote signs sha1 PCRs 0 and 7 only; the ECDSA quote signs every sha1 PCR.
      expect(r.banks).toEqual(name === 'quote_rsassa_multibank' ? ['sha256'] : ['sha1', 'sha256']);
      expect(toHex(q.pcrs.sha256![15]!)).toBe(binding.pcr15_expected.sha256);
    });
  }

  it('also works with a parsed log and an explicit PCR index', async () => {
    const q = await quote('quote_rsassa_multibank');
    const r = await verifyPcrBinding({
      report: { raw: report },
      eventLog: parseTcgEventLog(logBytes),
      pcrs: q,
      pcrIndex: 15,
    });
    expect(r.ok).toBe(true);
    const wrongPcr = await verifyPcrBinding({ report, eventLog: logBytes, pcrs: q, pcrIndex: 14 });
    expect(statusOf(wrongPcr, 'binding.pcr.event')).toBe('fail');
    expect(wrongPcr.ok).toBe(false);
  });

  it('an appended event whose only digest is in a bank the quote does not sign binds nothing', async () => {
    // The quote signs PCR 15 in sha256 only; the forged event carries only a SHA-1 digest (of a
    // report that was never extended), which the sha256 replay would otherwise skip.
    const q = await quote('quote_rsassa_multibank');
    const other = report.slice();
    other[0x50]! ^= 0xff;
    const parsed = parseTcgEventLog(logBytes);
    const sha1 = new Uint8Array(createHash('sha1').update(other).digest());
    const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
    const event = Uint8Array.from([
      ...le32(15),
      ...le32(0x11),
      ...le32(1),
      0x04,
      0x00,
      ...sha1,
      ...le32(other.length),
      ...other,
    ]);
    const forged = new Uint8Array([...logBytes.subarray(0, parsed.length), ...event]);
    const r = await verifyPcrBinding({ report: other, eventLog: forged, pcrs: q, pcrIndex: 15 });
    expect(r.ok).toBe(false);
    expect(statusOf(r, 'binding.pcr.digest')).toBe('fail');
    expect(statusOf(r, 'binding.pcr.replay')).toBe('fail');
    expect(r.banks).toEqual([]);
  });

  it('a report altered by one byte is not in the log', async () => {
    const q = await quote('quote_rsassa_multibank');
    for (const at of [0, 0x50, 0x2a0, report.length - 1]) {
      const altered = report.slice();
      altered[at]! ^= 0x01;
      const r = await verifyPcrBinding({ report: altered, eventLog: logBytes, pcrs: q });
      expect(statusOf(r, 'binding.pcr.event')).toBe('fail');
      expect(r.ok).toBe(false);
      expect(r.events).toEqual([]);
    }
  });

  it('PCR 15 outside the signed selection is never trusted (quote of sha256 PCRs 0–7)', async () => {
    const q = await quote('quote_rsapss_sha256_0to7');
    expect(q.ok).toBe(true);
    expect(q.pcrs.sha256?.[15]).toBeUndefined();
    const r = await verifyPcrBinding({ report, eventLog: logBytes, pcrs: q });
    expect(statusOf(r, 'binding.pcr.event')).toBe('pass');
    const sel = r.checks.find((c) => c.id === 'binding.pcr.selection')!;
    expect(sel.status).toBe('fail');
    expect(sel.message).toMatch(/PCR 15 is outside/);
    expect(statusOf(r, 'binding.pcr.replay')).toBe('skip');
    expect(r.ok).toBe(false);

    // The prover claims the right PCR 15 value too: the quote rejects the unsigned claim and
    // yields nothing, so the binding still fails.
    const claimed15: PcrBanks = { sha256: { 15: hex(binding.pcr15_expected.sha256) } };
    const q2 = await quote('quote_rsapss_sha256_0to7', claimed15);
    expect(q2.pcrs.sha256?.[15]).toBeUndefined();
    const r2 = await verifyPcrBinding({ report, eventLog: logBytes, pcrs: q2 });
    expect(r2.ok).toBe(false);
    expect(statusOf(r2, 'binding.pcr.selection')).toBe('fail');
  });

  it('a log whose PCR-15 event was tampered does not replay (or no longer carries the report)', async () => {
    const q = await quote('quote_rsassa_multibank');
    const log = parseTcgEventLog(logBytes);
    const idx = log.events.findIndex((e) => e.pcrIndex === 15 && e.type === 0x11);
    // Keep the report as data but change its sha256 digest: the digest check fails.
    const forged = {
      ...log,
      events: log.events.map((e, i) =>
        i === idx ? { ...e, digests: { ...e.digests, sha256: new Uint8Array(32).fill(7) } } : e,
      ),
    };
    const r = await verifyPcrBinding({ report, eventLog: forged, pcrs: q });
    expect(statusOf(r, 'binding.pcr.digest')).toBe('fail');
    expect(statusOf(r, 'binding.pcr.replay')).toBe('fail');
    expect(r.ok).toBe(false);
    // Drop the event: nothing carries the report.
    const dropped = { ...log, events: log.events.filter((_, i) => i !== idx) };
    const d = await verifyPcrBinding({ report, eventLog: dropped, pcrs: q });
    expect(statusOf(d, 'binding.pcr.event')).toBe('fail');
  });

  it('a quote that failed (wrong nonce) is not a source of PCRs', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifest.json
    const c = readVectorJson<any>('tpm', 'swtpm', 'manifest.json').cases.quote_rsassa_multibank;
    const q = await verifyTpmQuote(
      {
        attest: swtpm('quotes', 'quote_rsassa_multibank', 'quote.msg'),
        signature: swtpm('quotes', 'quote_rsassa_multibank', 'quote.sig'),
        akPublic: swtpm(c.ak_files.tpmt_public),
        pcrs: banksFromJson(
          readVectorJson('tpm', 'swtpm', 'quotes', 'quote_rsassa_multibank', 'pcrs.json'),
        ),
      },
      { nonce: new Uint8Array(32) },
    );
    expect(q.ok).toBe(false);
    const r = await verifyPcrBinding({ report, eventLog: logBytes, pcrs: q });
    expect(statusOf(r, 'binding.pcr.quote')).toBe('fail');
    expect(r.ok).toBe(false);
  });

  it('plain PcrBanks are claims: skipped (not ok) unless allowUnquotedPcrs', async () => {
    const claimed = banksFromJson(readVectorJson('tpm', 'swtpm', 'pcrs.json'));
    const r = await verifyPcrBinding({ report, eventLog: logBytes, pcrs: claimed });
    expect(r.checks.find((c) => c.id === 'binding.pcr.quote')).toMatchObject({
      status: 'skip',
      required: true,
    });
    expect(statusOf(r, 'binding.pcr.replay')).toBe('pass');
    expect(r.ok).toBe(false);
    const allowed = await verifyPcrBinding(
      { report, eventLog: logBytes, pcrs: claimed },
      { allowUnquotedPcrs: true },
    );
    expect(statusOf(allowed, 'binding.pcr.quote')).toBe('warn');
    expect(allowed.ok).toBe(true);
    expect(allowed.banks).toEqual(['sha1', 'sha256', 'sha384']);
    // A wrong claimed PCR 15 does not replay.
    const wrong = { ...claimed, sha384: { ...claimed.sha384, 15: new Uint8Array(48) } };
    const w = await verifyPcrBinding(
      { report, eventLog: logBytes, pcrs: wrong },
      { allowUnquotedPcrs: true },
    );
    expect(statusOf(w, 'binding.pcr.replay')).toBe('fail');
  });

  it('an unparsable log is a failed check', async () => {
    const q = await quote('quote_rsassa_multibank');
    const r = await verifyPcrBinding({ report, eventLog: logBytes.slice(0, 50), pcrs: q });
    expect(statusOf(r, 'binding.pcr.log')).toBe('fail');
    expect(r.checks.slice(2).every((c) => c.status === 'skip')).toBe(true);
    expect(r.ok).toBe(false);
  });
});

describe('verifyPcrBinding — type confusion', () => {
  const good = { report: new Uint8Array(4), eventLog: new Uint8Array(4), pcrs: {} };
  for (const [name, input] of [
    ['null input', null],
    ['string report', { ...good, report: 'abc' }],
    ['ArrayBuffer report', { ...good, report: new ArrayBuffer(4) }],
    ['Uint16Array report', { ...good, report: new Uint16Array(2) }],
    ['string log', { ...good, eventLog: 'log' }],
    ['null pcrs', { ...good, pcrs: null }],
    ['negative pcrIndex', { ...good, pcrIndex: -1 }],
  ] as const) {
    it(`rejects ${name}`, async () => {
      await expect(verifyPcrBinding(input as never)).rejects.toThrow(Error);
    });
  }
});
