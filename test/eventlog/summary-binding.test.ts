/**
 * What a summary may still believe about a log whose verification passed: a fact fed by an event
 * whose digest in a compared bank is not the hash of its data is not bound (the parse checks one
 * bank); the Secure Boot policy window ends at a separator logged under another type; and a
 * verification of another log object is refused. Every log here is SYNTHETIC (test encoder).
 */
import { describe, expect, it } from 'vitest';
import { digest } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import {
  EV,
  parseCcEventLog,
  parseTcgEventLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
} from '../../src/eventlog/index.js';
import { banksFromHex } from './support/vectors.js';
import {
  GUID,
  ascii,
  encodeAgileLog,
  guid,
  foldReplay,
  signatureList,
  uefiVariable,
  type EventSpec,
} from './support/encode.js';

const DRIVER_CONFIG = EV.EFI_VARIABLE_DRIVER_CONFIG;
const secureBoot = (value: number): Uint8Array =>
  uefiVariable(GUID.globalVariable, 'SecureBoot', new Uint8Array([value]));
const db = (fill: number): Uint8Array =>
  uefiVariable(
    GUID.imageSecurityDatabase,
    'db',
    signatureList(GUID.certSha256, [
      { owner: GUID.globalVariable, data: new Uint8Array(32).fill(fill) },
    ]),
  );
const separator = (pcr: number): EventSpec => ({
  pcr,
  type: EV.SEPARATOR,
  data: new Uint8Array(4),
});

describe('summarizeBoot: a digest that binds in one bank only (synthetic log)', () => {
  // What the firmware really measured: SecureBoot = 0.
  const measured: EventSpec[] = [
    { pcr: 7, type: DRIVER_CONFIG, data: secureBoot(0) },
    separator(7),
  ];
  // What the log shows: data claiming SecureBoot = 1, its SHA-256 digest the hash of that claim
  // (the bank the parse checks), its SHA-1 digest the real measurement (the bank the quote covers).
  const forged: EventSpec[] = [
    {
      pcr: 7,
      type: DRIVER_CONFIG,
      data: secureBoot(1),
      digests: { sha1: digest('sha1', secureBoot(0)), sha256: digest('sha256', secureBoot(1)) },
    },
    separator(7),
  ];
  const sha1Quote = banksFromHex(foldReplay(['sha1'], measured));

  it('a SHA-1-only quote matches, but the summary does not call SecureBoot = 1 bound', async () => {
    const log = parseTcgEventLog(encodeAgileLog(['sha1', 'sha256'], forged));
    expect(log.events[1]!.digestCheck).toBe('verified'); // the parse looked at SHA-256 only
    const v = await verifyEventLog(log, { pcrs: sha1Quote });
    expect(v.registers.find((r) => r.index === 7)?.status).toBe('match');
    expect(v.digestMismatchEvents).toEqual([1]);
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.value.mode).toBe('enabled'); // the log's claim …
    expect(s.secureBoot?.events).toEqual([1]);
    expect(s.secureBoot?.verified).toBe(true); // … in a register that matched …
    expect(s.secureBoot?.bound).toBe(false); // … but not what was measured
    // Facts from other events keep their binding.
    expect(s.separators[0]?.bound).toBe(true);
    // Without the verification only the parse's one-bank check is known (documented).
    expect(summarizeBoot(log).secureBoot?.bound).toBe(true);
  });

  it('an honest two-bank log under the same SHA-1 quote stays bound', async () => {
    const log = parseTcgEventLog(encodeAgileLog(['sha1', 'sha256'], measured));
    const v = await verifyEventLog(log, { pcrs: sha1Quote });
    expect(v.digestMismatchEvents).toEqual([]);
    const s = summarizeBoot(log, { verification: v });
    expect(s.secureBoot?.value.mode).toBe('disabled');
    expect(s.secureBoot?.bound).toBe(true);
    expect(s.secureBoot?.verified).toBe(true);
  });
});

describe('summarizeBoot: a separator logged under another type ends the policy window (synthetic log)', () => {
  const deployedMode = uefiVariable(GUID.globalVariable, 'DeployedMode', new Uint8Array([1]));
  // Event 3 is PCR 7's separator (digest H(00000000)) presented as an EV_EFI_ACTION; events 4 and
  // 5 are later PCR 7 measurements retyped as firmware policy.
  const events: EventSpec[] = [
    { pcr: 7, type: DRIVER_CONFIG, data: secureBoot(1) }, // 1
    { pcr: 7, type: DRIVER_CONFIG, data: db(1) }, // 2: the firmware's db
    { pcr: 7, type: EV.EFI_ACTION, data: ascii('x'), hashOf: new Uint8Array(4) }, // 3
    { pcr: 7, type: DRIVER_CONFIG, data: db(9) }, // 4: presented as db
    { pcr: 7, type: DRIVER_CONFIG, data: deployedMode }, // 5: presented as DeployedMode
  ];

  it('TCG: db and DeployedMode after the disguised separator are not policy', async () => {
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], events));
    const v = await verifyEventLog(log, { pcrs: banksFromHex(foldReplay(['sha256'], events)) });
    expect(v.registers.find((r) => r.index === 7)?.status).toBe('match');
    const s = summarizeBoot(log, { verification: v });
    expect(s.databases.db?.events).toEqual([2]);
    expect(s.databases.db?.value.sha256Count).toBe(1);
    expect(s.secureBoot?.value).toEqual({
      enabled: true,
      mode: 'enabled',
      sources: { secureBoot: 1 },
    });
  });

  it('the same log with a genuine EV_SEPARATOR gives the same window', () => {
    const genuine = events.map((e, i) => (i === 2 ? separator(7) : e));
    const s = summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], genuine)));
    expect(s.databases.db?.events).toEqual([2]);
    expect(s.secureBoot?.value.mode).toBe('enabled');
  });

  it('a separator digest in another register does not end PCR 7 window', () => {
    const other = events.map((e, i) => (i === 2 ? { ...e, pcr: 4 } : e));
    const s = summarizeBoot(parseTcgEventLog(encodeAgileLog(['sha256'], other)));
    expect(s.databases.db?.events).toEqual([4]); // PCR 7 has no separator at all here
  });

  it('CC log: the window of MR 1 ends at its disguised separator too', () => {
    // (Not the DeployedMode event: MR 1 also holds PCR 1, whose window ends at the first boot
    // application, not at a separator.)
    const cc = parseCcEventLog(
      encodeAgileLog(
        ['sha384'],
        events.slice(0, 4).map((e) => ({ ...e, pcr: 1 })),
        { headerPcr: 1 },
      ),
    );
    const s = summarizeBoot(cc);
    expect(s.databases.db?.events).toEqual([2]);
    expect(s.secureBoot?.value.mode).toBe('enabled');
  });
});

describe('summarizeBoot: the verification must be of the same log object (synthetic log)', () => {
  const bytes = encodeAgileLog(
    ['sha256'],
    [{ pcr: 7, type: DRIVER_CONFIG, data: secureBoot(1) }, separator(7)],
  );

  it('throws TypeError for a verification of another log, even of the same bytes', async () => {
    const log = parseTcgEventLog(bytes);
    const other = parseTcgEventLog(bytes);
    const v = await verifyEventLog(other, { pcrs: replayEventLog(other).registers });
    expect(() => summarizeBoot(log, { verification: v })).toThrow(TypeError);
    expect(summarizeBoot(other, { verification: v }).secureBoot?.verified).toBe(true);
  });

  it('throws TypeError for a verification that is not one', () => {
    const log = parseTcgEventLog(bytes);
    for (const bad of [
      null,
      'v',
      1,
      { log },
      { log, verifiedEvents: 'x' },
      // Without digestMismatchEvents a summary would trust what the verification found unbound.
      { log, verifiedEvents: [], digestMismatchEvents: undefined },
    ]) {
      expect(() => summarizeBoot(log, { verification: bad as never })).toThrow(TypeError);
    }
  });
});

describe('a Secure Boot policy variable logged under another type (synthetic log)', () => {
  const dbx = (fill: number): Uint8Array =>
    uefiVariable(
      GUID.imageSecurityDatabase,
      'dbx',
      signatureList(GUID.certSha256, [
        { owner: GUID.globalVariable, data: new Uint8Array(32).fill(fill) },
      ]),
    );
  // A genuine driver authority before the separator: db + one EFI_SIGNATURE_DATA (owner ‖ hash).
  const driverAuthority = uefiVariable(
    GUID.imageSecurityDatabase,
    'db',
    concatBytes(guid(GUID.globalVariable), new Uint8Array(32).fill(3)),
  );
  const honest: EventSpec[] = [
    { pcr: 7, type: DRIVER_CONFIG, data: secureBoot(1) }, // 1
    { pcr: 7, type: DRIVER_CONFIG, data: db(1) }, // 2
    { pcr: 7, type: DRIVER_CONFIG, data: dbx(2) }, // 3
    { pcr: 7, type: EV.EFI_VARIABLE_AUTHORITY, data: driverAuthority }, // 4
    separator(7), // 5
  ];
  const quote = banksFromHex(foldReplay(['sha256'], honest));

  it('the honest log: dbx is policy, the driver authority is an authority, nothing fails', async () => {
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], honest));
    const v = await verifyEventLog(log, { pcrs: quote });
    expect(v.ok).toBe(true);
    expect(v.checks.find((c) => c.id === 'eventlog.digest-binding')!.status).toBe('pass');
    const s = summarizeBoot(log, { verification: v });
    expect(s.databases.dbx?.events).toEqual([3]);
    expect(s.authorities.map((a) => a.events[0])).toEqual([4]);
  });

  it('dbx logged as an authority: still read as policy, and eventlog.digest-binding fails', async () => {
    const retyped = honest.map((e, i) => (i === 2 ? { ...e, type: EV.EFI_VARIABLE_AUTHORITY } : e));
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], retyped));
    const v = await verifyEventLog(log, { pcrs: quote });
    expect(v.registers.find((r) => r.index === 7)?.status).toBe('match'); // the type is not hashed
    const c = v.checks.find((x) => x.id === 'eventlog.digest-binding')!;
    expect(c.status).toBe('fail');
    expect(c.message).toContain('3 (dbx as EV_EFI_VARIABLE_AUTHORITY)');
    expect(v.ok).toBe(false);
    const s = summarizeBoot(log, { verification: v });
    expect(s.databases.dbx?.events).toEqual([3]);
    expect(s.databases.dbx?.value.sha256Count).toBe(1);
    expect(s.authorities.map((a) => a.events[0])).toEqual([4]); // not the dbx
  });

  it('SecureBoot logged as another type is still read (and fails the check)', async () => {
    const retyped = honest.map((e, i) => (i === 0 ? { ...e, type: EV.EFI_VARIABLE_BOOT } : e));
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], retyped));
    const v = await verifyEventLog(log, { pcrs: quote });
    expect(v.checks.find((c) => c.id === 'eventlog.digest-binding')!.status).toBe('fail');
    expect(summarizeBoot(log, { verification: v }).secureBoot?.value.mode).toBe('enabled');
  });

  it('a digest in a bank the quote does not cover cannot cut the policy window short', async () => {
    // SHA-1 is not compared: its digest of the dbx event is the log's to choose — here a separator's.
    const cut = honest.map((e, i) =>
      i === 2 ? { ...e, digests: { sha1: digest('sha1', new Uint8Array(4)) } } : e,
    );
    const log = parseTcgEventLog(encodeAgileLog(['sha1', 'sha256'], cut));
    const v = await verifyEventLog(log, { pcrs: quote });
    expect(v.registers.find((r) => r.index === 7)?.status).toBe('match');
    // verifyEventLog fails closed on it …
    expect(v.checks.find((c) => c.id === 'eventlog.separators')!.status).toBe('fail');
    // … and a summary given the verification reads the window by the compared bank.
    const s = summarizeBoot(log, { verification: v });
    expect(s.databases.dbx?.events).toEqual([3]);
    // Without a verification every bank counts, and the window ends at event 3 (fail closed).
    expect(summarizeBoot(log).databases.dbx).toBeUndefined();
  });

  it('a policy variable measured twice before the separator fails eventlog.digest-binding', async () => {
    const twice: EventSpec[] = [
      ...honest.slice(0, 3),
      { pcr: 7, type: DRIVER_CONFIG, data: db(7) },
      ...honest.slice(3),
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], twice));
    const v = await verifyEventLog(log, { pcrs: banksFromHex(foldReplay(['sha256'], twice)) });
    const c = v.checks.find((x) => x.id === 'eventlog.digest-binding')!;
    expect(c.status).toBe('fail');
    expect(c.message).toBe(
      'policy variable(s) measured twice before the separator: db (events 2 and 4)',
    );
  });

  it('a separator digest under another type after the policy separator only warns', async () => {
    const late: EventSpec[] = [
      ...honest,
      { pcr: 7, type: EV.EFI_ACTION, data: ascii('x'), hashOf: new Uint8Array(4) }, // 6
    ];
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], late));
    const v = await verifyEventLog(log, { pcrs: banksFromHex(foldReplay(['sha256'], late)) });
    const c = v.checks.find((x) => x.id === 'eventlog.separators')!;
    expect(c.status).toBe('warn');
    expect(c.message).toContain('event 6: EV_EFI_ACTION carries a separator digest');
  });
});
