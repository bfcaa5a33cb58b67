/**
 * Where each summary fact comes from, and what `bound` / `verified` may claim: platform hints
 * from the caller's CCEL table or the CC log header are never bound or verified; the IMA
 * boot_aggregate is bound only when its template hash is the hash of its template data; Secure Boot
 * modes are read only where the PFP measures them (PCR 7 before its separator, PCR 1 for
 * DeployedMode/AuditMode); authority entries are typed by the measured db list's SignatureType,
 * else by a whole-value DER check; the CCEL checksum covers `length` bytes. Real vectors first,
 * then one-change negatives; synthetic logs (labelled) cover what no vector shows.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { concatBytes } from '../../src/core/bytes.js';
import { toHex, utf8Decode, utf8Encode } from '../../src/core/encoding.js';
import {
  EV,
  decodeUefiVariable,
  parseCcEventLog,
  parseCcelTable,
  parseImaLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
  type BootSummary,
  type TcgEventLog,
} from '../../src/eventlog/index.js';
import { hasVectors, logBytes, readVector, readVectorJson } from './support/vectors.js';
import {
  DP_END,
  GUID,
  encodeAgileLog,
  filePathNode,
  guid,
  imageLoad,
  signatureList,
  uefiVariable,
  type EventSpec,
} from './support/encode.js';

const DRIVER_CONFIG = EV.EFI_VARIABLE_DRIVER_CONFIG;
const OWNER = '77fa9abd-0359-4d32-bd60-28f4e78f784b';

/** Every register of a TCG log as if a quote had returned the replayed values. */
async function verifyAll(log: TcgEventLog): ReturnType<typeof verifyEventLog> {
  return verifyEventLog(log, { pcrs: replayEventLog(log).registers });
}

describeVectors('eventlog summary: platform hints and their sources', () => {
  it('GCE SEV-SNP: event-derived hints are bound and, with every PCR quoted, verified', async () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/ubuntu-2404-amd-sevsnp.bin'));
    const s = summarizeBoot(log, { verification: await verifyAll(log) });
    expect(s.platform?.value.sources).toEqual([
      { hint: 'Google Compute Engine', source: 'events', events: [1, 2] },
      { hint: 'confidential VM: AMD SEV-SNP', source: 'events', events: [2] },
    ]);
    expect(s.platform?.events).toEqual([1, 2]);
    expect(s.platform?.bound).toBe(true);
    expect(s.platform?.verified).toBe(true);
  });

  it('a hint read from EV_NO_ACTION SP800-155 events (never extended) is not bound', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/eventlogwithsp800155.bin'));
    const s = summarizeBoot(log);
    expect([1, 2].map((i) => log.events[i]!.typeName)).toEqual(['EV_NO_ACTION', 'EV_NO_ACTION']);
    expect(s.platform?.value.sources).toEqual([
      { hint: 'Google Compute Engine', source: 'events', events: [1, 2, 3, 4] },
    ]);
    expect(s.platform?.bound).toBe(false);
  });

  it('TDX CCEL table: the hint has no event, so the fact is neither bound nor verified', async () => {
    const log = parseCcEventLog(readVector('tdx', 'ccel-gotdx-cos113', 'ccel_data.bin'), {
      table: readVector('tdx', 'ccel-gotdx-cos113', 'ccel_table.bin'),
    });
    const regs = replayEventLog(log).registers.sha384!;
    const v = await verifyEventLog(log, { rtmrs: [0, 1, 2, 3].map((i) => regs[i]!) });
    expect(v.ok).toBe(true);
    const s = summarizeBoot(log, { verification: v });
    expect(s.platform?.value).toEqual({
      hints: ['Intel TDX (CCEL table)'],
      sources: [{ hint: 'Intel TDX (CCEL table)', source: 'ccel-table', events: [] }],
    });
    expect(s.platform?.events).toEqual([]);
    expect(s.platform?.bound).toBe(false);
    expect(s.platform?.verified).toBe(false);
    // Facts from measured events of the same log still verify.
    expect(s.secureBoot?.bound).toBe(true);
    expect(s.secureBoot?.verified).toBe(true);
  });

  it('CC log without a table: the SHA-384 guess comes from the Spec ID header (event 0)', () => {
    const s = summarizeBoot(
      parseCcEventLog(readVector('tdx', 'ccel-trustee-data-grub-gke', 'ccel_data.bin')),
    );
    expect(s.platform?.value.sources).toEqual([
      { hint: 'Google Compute Engine', source: 'events', events: [1, 2] },
      { hint: 'CC event log (SHA-384: Intel TDX)', source: 'log-header', events: [0] },
    ]);
    expect(s.platform?.bound).toBe(false);
    const only = summarizeBoot(
      parseCcEventLog(readVector('tdx', 'ccel-trustee-data', 'ccel_data.bin')),
    );
    expect(only.platform?.events).toEqual([0]);
    expect(only.platform?.bound).toBe(false);
  });
});

describeVectors('eventlog summary: IMA boot_aggregate is bound only when its hash checks', () => {
  const m = hasVectors ? readVectorJson('tpm', 'swtpm', 'manifest.json').ima : undefined;
  for (const f of [
    'ascii_runtime_measurements',
    'ascii_runtime_measurements_sha256',
    'binary_runtime_measurements',
    'binary_runtime_measurements_sha256',
  ]) {
    it(`swtpm ${f}: bound`, () => {
      const s = summarizeBoot(parseImaLog(readVector('tpm', 'swtpm', 'ima', f)));
      expect(s.bootAggregate?.value.digest).toBe(m.boot_aggregate.value);
      expect(s.bootAggregate?.bound).toBe(true);
    });
  }

  it('ascii list with the boot_aggregate file digest changed (template hash kept): not bound', () => {
    const text = utf8Decode(readVector('tpm', 'swtpm', 'ima', 'ascii_runtime_measurements'));
    const d = m.boot_aggregate.value as string;
    const altered = d.slice(0, -1) + (d.endsWith('0') ? '1' : '0');
    expect(text.split('\n')[0]).toContain(d);
    const log = parseImaLog(utf8Encode(text.replace(d, altered)));
    const s = summarizeBoot(log);
    expect(s.bootAggregate?.value.digest).toBe(altered);
    expect(log.entries[0]!.templateData).toBeDefined(); // rebuilt from the fields
    expect(s.bootAggregate?.bound).toBe(false);
  });

  it('ascii list with the boot_aggregate template hash changed: not bound', () => {
    const text = utf8Decode(readVector('tpm', 'swtpm', 'ima', 'ascii_runtime_measurements'));
    const th = text.split(' ')[1]!;
    const altered = (th[0] === 'a' ? 'b' : 'a') + th.slice(1);
    const s = summarizeBoot(parseImaLog(utf8Encode(text.replace(th, altered))));
    expect(s.bootAggregate?.bound).toBe(false);
  });

  it('binary list with one template-data byte flipped: not bound', () => {
    const bytes = readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements').slice();
    // pcr (4) ‖ SHA-1 template hash (20) ‖ name length (4) ‖ "ima-ng" ‖ data length (4) ‖ data:
    // the d-ng field is u32 length ‖ "sha256:\0" ‖ digest, so byte 50 is the digest's first.
    expect(utf8Decode(bytes.subarray(28, 34))).toBe('ima-ng');
    bytes[50]! ^= 1;
    const s = summarizeBoot(parseImaLog(bytes));
    expect(s.bootAggregate?.bound).toBe(false);
  });

  it('keylime ima-log-sm3_256: a violation boot_aggregate is not bound', () => {
    const log = parseImaLog(readVector('eventlog', 'ima', 'keylime', 'ima-log-sm3_256'));
    expect(log.entries[0]!.isViolation).toBe(true);
    expect(summarizeBoot(log).bootAggregate?.bound).toBe(false);
  });
});

describeVectors('eventlog summary: Secure Boot modes come from where the PFP measures them', () => {
  it('gdc-host: SecureBoot in PCR 7, DeployedMode and AuditMode in PCR 1 before its separator', () => {
    const log = parseTcgEventLog(logBytes('go-tpm-tools/gdc-host.bin'));
    const s = summarizeBoot(log);
    expect(s.secureBoot?.value.sources).toEqual({ secureBoot: 9, deployedMode: 14, auditMode: 15 });
    expect([9, 14, 15].map((i) => log.events[i]!.pcrIndex)).toEqual([7, 1, 1]);
    expect(s.secureBoot?.events).toEqual([9, 14, 15]);
  });

  it('Dell laptop (tcglog-parser): DeployedMode in PCR 1 after its separator, before the first boot application', () => {
    const log = parseTcgEventLog(logBytes('tcglog-parser/binary_bios_measurements'));
    const s = summarizeBoot(log);
    expect(s.secureBoot?.value).toMatchObject({
      enabled: true,
      mode: 'deployed',
      deployedMode: 1,
      auditMode: 0,
      sources: { secureBoot: 4, deployedMode: 28, auditMode: 29 },
    });
    const sep1 = log.events.find((e) => e.pcrIndex === 1 && e.typeName === 'EV_SEPARATOR')!;
    const app = log.events.find((e) => e.typeName === 'EV_EFI_BOOT_SERVICES_APPLICATION')!;
    expect(sep1.index).toBeLessThan(28);
    expect(app.index).toBeGreaterThan(29);
  });

  it('CC logs: SecureBoot from MR 1 before its first separator', () => {
    const s = summarizeBoot(
      parseCcEventLog(readVector('tdx', 'ccel-trustee-data-grub', 'ccel_data.bin')),
    );
    expect(s.secureBoot?.value).toEqual({
      enabled: true,
      mode: 'enabled',
      sources: { secureBoot: 3 },
    });
    expect(Object.keys(s.databases).sort()).toEqual(['KEK', 'PK', 'db', 'dbx']);
  });
});

describe('eventlog summary: Secure Boot mode variables outside the PFP windows (synthetic logs)', () => {
  const variable = (pcr: number, name: string, value: number): EventSpec => ({
    pcr,
    type: DRIVER_CONFIG,
    data: uefiVariable(GUID.globalVariable, name, new Uint8Array([value])),
  });
  const separator = (pcr: number): EventSpec => ({ pcr, type: 4, data: new Uint8Array(4) });
  const app: EventSpec = {
    pcr: 4,
    type: EV.EFI_BOOT_SERVICES_APPLICATION,
    data: imageLoad(concatBytes(filePathNode('\\EFI\\BOOT\\BOOTX64.EFI'), DP_END)),
    hashOf: new Uint8Array([1]),
  };

  it('ignores SetupMode/DeployedMode after the PCR 7 separator, AuditMode in PCR 14 and PCR 1 after the first boot application', () => {
    const log = parseTcgEventLog(
      encodeAgileLog(
        ['sha256'],
        [
          variable(7, 'SecureBoot', 1), // 1
          separator(7), // 2
          variable(7, 'DeployedMode', 1), // 3: after the separator
          variable(7, 'SetupMode', 1), // 4: after the separator
          variable(14, 'AuditMode', 1), // 5: an OS register
          app, // 6
          variable(1, 'DeployedMode', 1), // 7: after the first boot application
        ],
      ),
    );
    const s = summarizeBoot(log);
    expect(s.secureBoot?.value).toEqual({
      enabled: true,
      mode: 'enabled',
      sources: { secureBoot: 1 },
    });
    expect(s.secureBoot?.events).toEqual([1]);
    expect(s.secureBoot?.bound).toBe(true);
  });

  it('reads AuditMode from PCR 7 before its separator and DeployedMode from PCR 1', () => {
    const audit = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [variable(7, 'SecureBoot', 0), variable(7, 'AuditMode', 1), separator(7)],
        ),
      ),
    );
    expect(audit.secureBoot?.value).toEqual({
      enabled: false,
      mode: 'audit',
      auditMode: 1,
      sources: { secureBoot: 1, auditMode: 2 },
    });
    const deployed = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            variable(7, 'SecureBoot', 1),
            separator(7),
            separator(1),
            variable(1, 'DeployedMode', 1),
          ],
        ),
      ),
    );
    expect(deployed.secureBoot?.value.mode).toBe('deployed');
    expect(deployed.secureBoot?.value.sources).toEqual({ secureBoot: 1, deployedMode: 4 });
    // SYNTHETIC: an event typed as a boot application in PCR 9 (a register no quote need cover)
    // does not end the mode variables' window; only one in PCR 4 does.
    const early = (pcr: number) =>
      summarizeBoot(
        parseTcgEventLog(
          encodeAgileLog(
            ['sha256'],
            [
              variable(7, 'SecureBoot', 1),
              separator(7),
              { ...app, pcr },
              separator(1),
              variable(1, 'DeployedMode', 1),
            ],
          ),
        ),
      ).secureBoot?.value.mode;
    expect(early(9)).toBe('deployed');
    expect(early(4)).toBe('enabled');
  });

  it('CC log: a mode variable in MR 2 or in MR 1 after the first boot application is ignored', () => {
    const log = parseCcEventLog(
      encodeAgileLog(
        ['sha384'],
        [
          variable(1, 'SecureBoot', 1), // 1
          separator(1), // 2
          variable(2, 'AuditMode', 1), // 3
          { ...app, pcr: 2 }, // 4
          variable(1, 'DeployedMode', 1), // 5
        ],
        { headerPcr: 1 },
      ),
    );
    expect(summarizeBoot(log).secureBoot?.value).toEqual({
      enabled: true,
      mode: 'enabled',
      sources: { secureBoot: 1 },
    });
  });
});

describe('eventlog decoders: authority entries typed without the 0x30 guess (synthetic events)', () => {
  const authority = (name: string, value: Uint8Array): Uint8Array =>
    uefiVariable(GUID.imageSecurityDatabase, name, value);
  const hash32 = (...head: number[]): Uint8Array => {
    const h = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
    h.set(head);
    return h;
  };

  it('a SHA-256 hash whose first byte is 0x30 is a sha256 entry, not a certificate', () => {
    for (const h of [hash32(0x30), hash32(0x30, 0x82, 0x01, 0x00), hash32(0x30, 0x80)]) {
      const v = decodeUefiVariable(
        EV.EFI_VARIABLE_AUTHORITY,
        authority('db', concatBytes(guid(OWNER), h)),
      );
      expect(v.value).toEqual({
        kind: 'signature-data',
        entry: { owner: OWNER, kind: 'sha256', data: h },
      });
    }
  });

  it('a non-minimal DER length is not taken for a certificate', () => {
    // 0x81 0x1e: a long-form length below 128 (BER, not DER), covering the rest exactly.
    const h = hash32(0x30, 0x81, 0x1d, 0x30, 0x1b);
    const v = decodeUefiVariable(
      EV.EFI_VARIABLE_AUTHORITY,
      authority('db', concatBytes(guid(OWNER), h)),
    );
    expect(v.value?.kind === 'signature-data' && v.value.entry.kind).toBe('sha256');
  });

  it('the measured db list decides: a hash that looks like DER is still a hash', () => {
    // SEQUENCE (30 bytes) { SEQUENCE (28 bytes) { OCTET STRING (26 bytes) } }: a 32-byte value
    // that is also strict DER, so the decoder alone cannot tell it from a certificate.
    const h = hash32(0x30, 0x1e, 0x30, 0x1c, 0x04, 0x1a);
    const entry = concatBytes(guid(OWNER), h);
    const decoded = decodeUefiVariable(EV.EFI_VARIABLE_AUTHORITY, authority('db', entry));
    expect(decoded.value?.kind === 'signature-data' && decoded.value.entry.kind).toBe('x509');
    const s = summarizeBoot(
      parseTcgEventLog(
        encodeAgileLog(
          ['sha256'],
          [
            {
              pcr: 7,
              type: DRIVER_CONFIG,
              data: authority('db', signatureList(GUID.certSha256, [{ owner: OWNER, data: h }])),
            },
            { pcr: 7, type: 4, data: new Uint8Array(4) },
            { pcr: 7, type: EV.EFI_VARIABLE_AUTHORITY, data: authority('db', entry) },
          ],
        ),
      ),
    );
    expect(s.authorities).toHaveLength(1);
    expect(s.authorities[0]!.value).toEqual({ variable: 'db', sha256: toHex(h) });
  });
});

describeVectors('eventlog decoders: authority entries on real logs', () => {
  it('RHEL 8 and COS 85: X.509 signature data and bare DER certificates still decode', () => {
    const rhel = parseTcgEventLog(logBytes('go-tpm-tools/rhel8-uefi.bin'));
    const kinds = rhel.events
      .filter((e) => e.type === EV.EFI_VARIABLE_AUTHORITY)
      .map((e) => {
        const v = e.decoded?.kind === 'uefi-variable' ? e.decoded.variable.value : undefined;
        return v?.kind === 'signature-data' ? `${v.kind}/${v.entry.kind}` : v?.kind;
      });
    expect(kinds).toEqual(['signature-data/x509', 'certificate']);
    const cos = summarizeBoot(parseTcgEventLog(logBytes('go-tpm-tools/cos-85-amd-sev.bin')));
    expect(cos.authorities.map((a) => a.value.certificate?.subject !== undefined)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('swtpm: the db list says EFI_CERT_X509, so its authority is a certificate (that does not parse)', () => {
    const log = parseTcgEventLog(readVector('tpm', 'swtpm', 'eventlog', 'boot_eventlog.bin'));
    const auth = log.events.find((e) => e.type === EV.EFI_VARIABLE_AUTHORITY)!;
    const v = auth.decoded?.kind === 'uefi-variable' ? auth.decoded.variable.value : undefined;
    // The bytes alone do not look like DER (the vector's certificates are placeholders) …
    expect(v?.kind === 'signature-data' && v.entry.kind).toBe('other');
    // … but the db list in PCR 7 that holds the same entry is of type EFI_CERT_X509.
    const s = summarizeBoot(log);
    const db = s.databases.db!.value.certificates;
    expect(db).toHaveLength(1);
    expect(s.authorities[0]!.value.certificate?.sha256).toBe(db[0]!.sha256);
    expect(s.authorities[0]!.value.certificate?.parseError).toBeDefined();
  });
});

describeVectors('eventlog: CCEL checksum covers the whole table (ACPI 6.5 §5.2.6)', () => {
  it('the real table sums to 0; changing any one byte, the checksum or the last, breaks it', () => {
    const real = readVector('tdx', 'ccel-gotdx-cos113', 'ccel_table.bin');
    const t = parseCcelTable(real);
    expect([t.length, t.checksumOk]).toEqual([56, true]);
    for (const at of [9, 40, 55]) {
      const bad = real.slice();
      bad[at]! ^= 0x10;
      expect(parseCcelTable(bad).checksumOk).toBe(false);
    }
  });
});

describe('eventlog summary: types', () => {
  it('bootloader kinds are the recognised ones only', () => {
    expectTypeOf<NonNullable<BootSummary['bootloader']>['value']['kind']>().toEqualTypeOf<
      'grub' | 'systemd-boot'
    >();
  });
});
