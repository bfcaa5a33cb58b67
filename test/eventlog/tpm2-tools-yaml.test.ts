/**
 * Field-by-field comparison with the YAML that tpm2-tools' own tests expect from tpm2_eventlog
 * (produced by a tpm2-tools newer than 5.4): PCR index, type, digests, size, device paths, variable
 * names, strings, blobs, and the final PCRs. Compared where tpm2-tools is right; for the one known
 * efivar rendering bug (IPv4 nodes without separators) the nodes before it are compared and the
 * IPv4 node is checked against the UEFI text form (one such path, in event-postcode.bin).
 */
import { expect, it } from 'vitest';
import { describeVectors, hasVectors, listVectors, readVectorText } from '../support/vectors.js';
import { toHex } from '../../src/core/encoding.js';
import { parseTcgEventLog, replayEventLog } from '../../src/eventlog/index.js';
import { logBytes } from './support/vectors.js';
import { readTpm2Yaml } from './support/tpm2-yaml.js';

const yamls = hasVectors
  ? listVectors('eventlog', 'tpm2-tools', 'expected-yaml').filter((f) => f.endsWith('.bin.yaml'))
  : [];

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

describeVectors('eventlog: tpm2-tools expected YAML', () => {
  it('covers the pretty, raw and plain fixtures', () => {
    expect(yamls.length).toBe(15);
  });
  for (const y of yamls) {
    it(y, () => {
      const name = y
        .split('/')
        .pop()!
        .replace(/\.yaml$/, '');
      const log = parseTcgEventLog(logBytes(`tpm2-tools/${name}`));
      const { events, pcrs } = readTpm2Yaml(
        readVectorText('eventlog', 'tpm2-tools', 'expected-yaml', y),
      );
      // SHA-1-format YAML has no Spec ID header entry; agile YAML lists the header as event 0.
      const ours = log.events;
      expect(events.length).toBe(ours.length);
      let devicePaths = 0;
      let ipv4Paths = 0;
      for (let i = 0; i < events.length; i++) {
        const ye = events[i]!;
        const e = ours[i]!;
        expect(e.pcrIndex, `event ${i}`).toBe(ye.pcr);
        expect(e.typeName, `event ${i}`).toBe(ye.type);
        if (ye.eventSize !== undefined) expect(e.data.length, `event ${i} size`).toBe(ye.eventSize);
        if (!(i === 0 && log.format === 'crypto-agile')) {
          for (const [alg, h] of Object.entries(ye.digests))
            expect(
              toHex((e.digests as Record<string, Uint8Array>)[alg]!),
              `event ${i} ${alg}`,
            ).toBe(h);
        }
        if (ye.devicePath !== undefined && !/^[0-9a-f]*$/.test(ye.devicePath)) {
          const d = e.decoded;
          const text =
            d?.kind === 'image-load'
              ? d.devicePath
              : d?.kind === 'uefi-variable' && d.variable.value?.kind === 'load-option'
                ? d.variable.value.devicePath
                : undefined;
          const ipv4 = ye.devicePath.indexOf('IPv4(');
          if (ipv4 < 0) expect(text, `event ${i} device path`).toBe(ye.devicePath);
          else {
            // efivar runs the IPv4 node's fields together (`IPv4(0.0.0.00.0.0.0,0,0)`): the nodes
            // before it must match, the IPv4 node itself is checked against the UEFI text form.
            expect(text?.slice(0, ipv4), `event ${i} device path`).toBe(
              ye.devicePath.slice(0, ipv4),
            );
            expect(text?.slice(ipv4), `event ${i} IPv4 node`).toMatch(
              /^IPv4\((\d{1,3}\.){3}\d{1,3},\d+,(DHCP|Static),(\d{1,3}\.){3}\d{1,3},\d+,\d+\)$/,
            );
            ipv4Paths++;
          }
          devicePaths++;
        }
        if (ye.variableName !== undefined) {
          expect(e.decoded?.kind).toBe('uefi-variable');
          if (e.decoded?.kind === 'uefi-variable') {
            expect(e.decoded.variable.vendorGuid).toBe(ye.variableName);
            if (ye.unicodeName !== undefined) expect(e.decoded.variable.name).toBe(ye.unicodeName);
          }
        }
        if (ye.string !== undefined) {
          expect(latin1(e.data).replace(/\0+$/, ''), `event ${i} string`).toBe(
            ye.string.replace(/\0+$/, ''),
          );
          const d = e.decoded;
          if ((d?.kind === 'loader' || d?.kind === 'text') && d.encoding === 'ascii')
            expect(d.text).toBe(ye.string.replace(/\0+$/, '').split('\0')[0]);
        }
        if (ye.blobBase !== undefined) {
          expect(e.decoded?.kind).toBe('firmware-blob');
          if (e.decoded?.kind === 'firmware-blob') {
            expect(e.decoded.blobBase).toBe(ye.blobBase);
            expect(e.decoded.blobLength).toBe(ye.blobLength);
          }
        }
      }
      if (y.includes('event-pretty/'))
        expect(devicePaths > 0 || !events.some((x) => x.devicePath !== undefined)).toBe(true);
      expect(ipv4Paths).toBe(y.endsWith('event-pretty/event-postcode.bin.yaml') ? 1 : 0);
      const { registers } = replayEventLog(log);
      for (const [bank, regs] of Object.entries(pcrs)) {
        for (const [idx, h] of Object.entries(regs)) {
          expect(
            toHex((registers as Record<string, Record<number, Uint8Array>>)[bank]![Number(idx)]!),
            `${bank}:${idx}`,
          ).toBe(h);
        }
      }
    });
  }
});
