/**
 * Review session 12, f1 (DER): EV_PREBOOT_CERT data and EV_EFI_VARIABLE_AUTHORITY values are
 * told to be certificates from their DER headers alone — the outer SEQUENCE and the headers of its
 * direct elements — so a parse builds no DER tree (a tree costs a node per two input bytes: 8 MiB
 * of `30 00` took about 600 MB). The core DER reader is wrapped here to prove the parse never
 * calls it. All logs are SYNTHETIC; the real certificate-bearing logs are covered by
 * tcg-vectors.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { concatBytes } from '../../src/core/bytes.js';
import * as der from '../../src/core/der.js';
import { EV, parseTcgEventLog, summarizeBoot } from '../../src/eventlog/index.js';
import { GUID, encodeAgileLog, uefiVariable } from './support/encode.js';
import { tlv } from '../support/der.js';

vi.mock('../../src/core/der.js', async (importOriginal) => {
  const m = await importOriginal<typeof der>();
  return { ...m, parseDer: vi.fn(m.parseDer), parseDerAt: vi.fn(m.parseDerAt) };
});

afterEach(() => {
  vi.mocked(der.parseDer).mockClear();
  vi.mocked(der.parseDerAt).mockClear();
});

/** Certificate-shaped: SEQUENCE { SEQUENCE { … }, SEQUENCE {}, BIT STRING }. */
function certShaped(tbs: Uint8Array): Uint8Array {
  return tlv(
    0x30,
    concatBytes(tlv(0x30, tbs), tlv(0x30, new Uint8Array(0)), tlv(0x03, new Uint8Array([0]))),
  );
}

function decodedOf(type: number, pcr: number, data: Uint8Array) {
  const log = parseTcgEventLog(encodeAgileLog(['sha256'], [{ pcr, type, data }]));
  return log.events[1]!.decoded;
}
const authority = (value: Uint8Array) =>
  decodedOf(EV.EFI_VARIABLE_AUTHORITY, 7, uefiVariable(GUID.imageSecurityDatabase, 'db', value));

describe('s12 f1: certificate shape is read from DER headers only (synthetic)', () => {
  it('a 1 MiB certificate-shaped value of empty SEQUENCEs decodes without the DER tree reader', () => {
    const inner = new Uint8Array(1 << 20);
    for (let i = 0; i < inner.length; i += 2) inner[i] = 0x30;
    const cert = certShaped(inner);
    // Compared by offset and length: deep equality over 1 MiB arrays is slow.
    const preboot = decodedOf(EV.PREBOOT_CERT, 0, concatBytes(cert, cert));
    expect(preboot?.kind).toBe('preboot-cert');
    const certs = preboot?.kind === 'preboot-cert' ? preboot.certificates : [];
    expect(certs.map((c) => c.length)).toEqual([cert.length, cert.length]);
    expect(certs[1]!.byteOffset - certs[0]!.byteOffset).toBe(cert.length);
    const kindOf = (d: ReturnType<typeof decodedOf>) =>
      d?.kind === 'uefi-variable' ? d.variable.value : undefined;
    expect(kindOf(authority(cert))?.kind).toBe('certificate');
    // An authority's EFI_SIGNATURE_DATA: owner GUID, then the certificate.
    const entry = kindOf(authority(concatBytes(new Uint8Array(16), cert)));
    expect(entry?.kind === 'signature-data' ? entry.entry.kind : undefined).toBe('x509');
    expect(der.parseDer).not.toHaveBeenCalled();
    expect(der.parseDerAt).not.toHaveBeenCalled();
  });

  it('headers that are not DER, or a shape that is not a certificate, are not read as certificates', () => {
    const ok = certShaped(new Uint8Array([0x02, 0x01, 0x01]));
    expect(authority(ok)).toMatchObject({ variable: { value: { kind: 'certificate' } } });
    const notCert = [
      concatBytes(ok, new Uint8Array([0])), // a byte after the value
      ok.subarray(0, ok.length - 1), // cut short
      new Uint8Array([0x30, 0x81, 0x04, 0x30, 0x00, 0x05, 0x00]), // non-minimal length
      new Uint8Array([0x30, 0x80, 0x30, 0x00, 0x00, 0x00]), // indefinite length
      new Uint8Array([0x30, 0x84, 0, 0, 0, 4, 0x30, 0x00, 0x05, 0x00]), // leading zero length octet
      tlv(0x30, concatBytes(tlv(0x02, new Uint8Array([1])), tlv(0x30, new Uint8Array(0)))), // first element not a SEQUENCE
      tlv(0x30, concatBytes(tlv(0x30, new Uint8Array(0)), new Uint8Array([0x05]))), // a partial element header
      tlv(0x30, concatBytes(tlv(0x30, new Uint8Array(0)), new Uint8Array([0x1f, 0x01, 0x00]))), // high tag number
      tlv(0x30, new Uint8Array(0)), // empty
    ];
    for (const v of notCert) {
      const d = authority(v);
      expect(d, Array.from(v.subarray(0, 8)).join(' ')).not.toMatchObject({
        variable: { value: { kind: 'certificate' } },
      });
      expect(decodedOf(EV.PREBOOT_CERT, 0, v)).not.toMatchObject({ kind: 'preboot-cert' });
    }
  });

  it('a certificate whose inside is not DER is left to summarizeBoot, which reports it', () => {
    // A non-minimal INTEGER inside the TBSCertificate: the headers read here are DER.
    const cert = certShaped(new Uint8Array([0x02, 0x02, 0x00, 0x01]));
    const data = uefiVariable(GUID.imageSecurityDatabase, 'db', cert);
    const log = parseTcgEventLog(
      encodeAgileLog(['sha256'], [{ pcr: 7, type: EV.EFI_VARIABLE_AUTHORITY, data }]),
    );
    expect(log.events[1]!.decoded).toMatchObject({
      variable: { value: { kind: 'certificate', der: cert } },
    });
    const [authority] = summarizeBoot(log).authorities;
    expect(authority!.value.certificate!.parseError).toBeDefined();
  });
});
