/**
 * An odd-length UTF-16 systemd-boot command line (the Arch logs: logged one byte short) also binds
 * as H(data ‖ 00), but only when that completes a terminating NUL: with any other last byte the
 * extra code unit would be a character the shown text drops. SYNTHETIC data.
 */
import { describe, expect, it } from 'vitest';
import { digestCandidates } from '../../src/eventlog/digest-rules.js';
import { EV } from '../../src/eventlog/constants.js';
import type { DecodedEventData } from '../../src/eventlog/types.js';

const utf16 = (s: string): Uint8Array => {
  const out = new Uint8Array(2 * s.length);
  for (let i = 0; i < s.length; i++) out[2 * i] = s.charCodeAt(i);
  return out;
};
const decoded = (text: string): DecodedEventData =>
  ({ kind: 'loader', role: 'systemd-cmdline', text, value: text }) as unknown as DecodedEventData;

describe('digestCandidates: odd-length systemd-boot command lines', () => {
  it('one byte short of a terminating NUL: the data and the data with a zero byte', () => {
    const data = utf16('root=/dev/vda1 ro\0').subarray(0, -1); // …, 0x00 (half of the NUL)
    const c = digestCandidates(EV.IPL, data, decoded('root=/dev/vda1 ro'))!;
    expect(c.candidates).toHaveLength(2);
    expect(c.candidates[1]!.bytes).toEqual(utf16('root=/dev/vda1 ro\0'));
  });

  it('one byte short of another character: the data only', () => {
    const data = utf16('root=/dev/vda1 rox').subarray(0, -1); // ends with 'x', not 0x00
    const c = digestCandidates(EV.IPL, data, decoded('root=/dev/vda1 ro'))!;
    expect(c.candidates.map((x) => x.bytes)).toEqual([data]);
  });

  it('even length: the data only', () => {
    const data = utf16('root=/dev/vda1 ro\0');
    const c = digestCandidates(EV.IPL, data, decoded('root=/dev/vda1 ro'))!;
    expect(c.candidates).toHaveLength(1);
  });
});
