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
  parseImaLog,
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
  encodeImaBinary,
  guid,
  imaTemplateData,
  foldReplay,
  signatureList,
  uefiVariable,
  utf16,
  type EventSpec,
  type ImaSpec,
} from './support/encode.js';

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
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
    // … in a register that matched, but eventlog.event-digests fails naming an event of the
    // policy window, so the policy read from it is not what the quote vouches for …
    expect(v.checks.find((c) => c.id === 'eventlog.event-digests')?.status).toBe('fail');
    expect(s.secureBoot?.verified).toBe(false);
    expect(s.secureBoot?.bound).toBe(false); // … and not what was measured
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
    // PCR 7 has no separator at all here: both db values are in its window, the first counts.
    expect(s.databases.db?.events).toEqual([2]);
    expect(s.databases.db?.conflicts).toEqual([4]);
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
      // Without comparedBanks it could not read the policy window the verification checked.
      { log, verifiedEvents: [], digestMismatchEvents: [] },
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

describe('what a log can relabel without changing a digest (synthetic logs)', () => {
  const verifyAndSummarize = async (events: EventSpec[], honest: EventSpec[] = events) => {
    const log = parseTcgEventLog(encodeAgileLog(['sha256'], events));
    const v = await verifyEventLog(log, { pcrs: banksFromHex(foldReplay(['sha256'], honest)) });
    return { v, s: summarizeBoot(log, { verification: v }) };
  };
  const status = (v: { checks: readonly { id: string; status: string }[] }, id: string): string =>
    v.checks.find((c) => c.id === id)!.status;
  const pk = uefiVariable(GUID.globalVariable, 'PK', new Uint8Array(0));
  const policy: EventSpec[] = [
    { pcr: 7, type: DRIVER_CONFIG, data: secureBoot(1) },
    { pcr: 7, type: DRIVER_CONFIG, data: pk },
    { pcr: 7, type: EV.EFI_ACTION, data: ascii('UEFI Debug Mode') },
    separator(7),
  ];

  it('an authority binds its whole data: a policy variable wrapped in a new name does not verify', async () => {
    // The wrapper's VariableData is the PK event's whole data; only H(VariableData) would match.
    const wrapped = policy.map((e, i) =>
      i === 1
        ? {
            pcr: 7,
            type: EV.EFI_VARIABLE_AUTHORITY,
            data: uefiVariable(GUID.imageSecurityDatabase, 'db', pk),
            hashOf: pk,
          }
        : e,
    );
    const { v } = await verifyAndSummarize(wrapped, policy);
    expect(v.digestMismatchEvents).toEqual([2]);
    expect(status(v, 'eventlog.event-digests')).toBe('fail'); // in the policy window
    expect(v.ok).toBe(false);
  });

  it('an EFI action logged as a variable (debug mode hidden) fails eventlog.digest-binding', async () => {
    const retyped = policy.map((e, i) => (i === 2 ? { ...e, type: DRIVER_CONFIG } : e));
    const { v, s } = await verifyAndSummarize(retyped);
    expect(status(v, 'eventlog.digest-binding')).toBe('fail');
    expect(s.debugMode).toBeUndefined(); // hidden from the summary, but not from ok
    const honest = await verifyAndSummarize(policy);
    expect(honest.v.ok).toBe(true);
    expect(honest.s.debugMode?.bound).toBe(true);
  });

  it('an EFI action logged as EV_POST_CODE in PCR 7 fails eventlog.digest-binding', async () => {
    const retyped = policy.map((e, i) => (i === 2 ? { ...e, type: EV.POST_CODE } : e));
    const { v } = await verifyAndSummarize(retyped);
    expect(status(v, 'eventlog.digest-binding')).toBe('fail');
  });

  const grub = (prefix: string, value: string): EventSpec => ({
    pcr: 8,
    type: EV.IPL,
    data: ascii(`${prefix}${value}\0`),
    hashOf: ascii(value),
  });
  const boot: EventSpec[] = [
    ...policy.filter((e) => e.type !== EV.EFI_ACTION),
    grub('grub_cmd: ', 'linux /vmlinuz root=/dev/sda1 ro quiet'),
    grub('kernel_cmdline: ', '/vmlinuz root=/dev/sda1 ro quiet'),
    grub('grub_cmd: ', 'linux /vmlinuz root=/dev/sda1 ro init=/bin/sh'),
    grub('kernel_cmdline: ', '/vmlinuz root=/dev/sda1 ro init=/bin/sh'),
    grub('grub_cmd: ', 'boot'),
  ];

  it('a GRUB command line follows the last linux command, or it is not bound', async () => {
    // One linux command and its command line: bound.
    const single = [...boot.slice(0, 3), ...boot.slice(5)];
    const one = await verifyAndSummarize(single);
    expect(one.s.kernelCommandLine?.value).toBe('/vmlinuz root=/dev/sda1 ro init=/bin/sh');
    expect(one.s.kernelCommandLine?.bound).toBe(true);
    expect(one.s.kernelCommandLine?.conflicts).toBeUndefined();
    // GRUB ran `linux` twice: the log shows two command lines and does not say which booted
    // (a later extend of PCR 8 may come from later code). The first is shown, unbound, and the
    // other is named as a conflict.
    const honest = await verifyAndSummarize(boot);
    expect(honest.s.kernelCommandLine?.value).toBe('/vmlinuz root=/dev/sda1 ro quiet');
    expect(honest.s.kernelCommandLine?.bound).toBe(false);
    expect(honest.s.kernelCommandLine?.conflicts).toEqual([7]);
    // The prefix is not hashed: the last command line relabelled as a command hides the
    // conflict, but the linux command that follows the line shown still unbinds it.
    const relabelled = boot.map((e, i) =>
      i === 6 ? grub('grub_cmd: ', '/vmlinuz root=/dev/sda1 ro init=/bin/sh') : e,
    );
    const a = await verifyAndSummarize(relabelled, boot);
    expect(a.v.ok).toBe(true);
    expect(a.s.kernelCommandLine?.value).toBe('/vmlinuz root=/dev/sda1 ro quiet');
    expect(a.s.kernelCommandLine?.conflicts).toBeUndefined();
    expect(a.s.kernelCommandLine?.bound).toBe(false);
    // The command line relabelled as a command and `boot` presented as the command line: not
    // the kernel the linux command loaded.
    const boot2 = single.map((e, i) =>
      i === 4
        ? grub('grub_cmd: ', '/vmlinuz root=/dev/sda1 ro init=/bin/sh')
        : i === 5
          ? grub('kernel_cmdline: ', 'boot')
          : e,
    );
    const b = await verifyAndSummarize(boot2, single);
    expect(b.v.ok).toBe(true);
    expect(b.s.kernelCommandLine?.value).toBe('boot');
    expect(b.s.kernelCommandLine?.bound).toBe(false);
  });

  it('a systemd command line logged as an event tag (hidden) fails eventlog.digest-binding', async () => {
    const cmdline: EventSpec = {
      pcr: 12,
      type: EV.IPL,
      data: utf16('root=/dev/sda1 init=/bin/sh'),
    };
    const honest = await verifyAndSummarize([cmdline]);
    expect(honest.s.kernelCommandLine?.value).toBe('root=/dev/sda1 init=/bin/sh');
    expect(status(honest.v, 'eventlog.digest-binding')).toBe('pass');
    const tagged = await verifyAndSummarize([{ ...cmdline, type: EV.EVENT_TAG }]);
    expect(tagged.s.kernelCommandLine).toBeUndefined();
    expect(status(tagged.v, 'eventlog.digest-binding')).toBe('fail');
    expect(tagged.v.ok).toBe(false);
  });

  it('an S-CRTM version outside PCR 0 is not the firmware version', async () => {
    const events: EventSpec[] = [
      { pcr: 0, type: EV.S_CRTM_VERSION, data: utf16('1.0') },
      { pcr: 12, type: EV.S_CRTM_VERSION, data: utf16('F.99') },
    ];
    const { s } = await verifyAndSummarize(events);
    expect(s.firmwareVersion?.value).toBe('1.0');
    expect(s.firmwareVersion?.events).toEqual([1]);
    const hidden = await verifyAndSummarize([{ ...events[0]!, type: EV.POST_CODE }, events[1]!]);
    expect(hidden.s.firmwareVersion).toBeUndefined();
  });

  it('a boot variable verified by its VariableData alone does not bind its name', async () => {
    // edk2 hashes only VariableData: the name (BootOrder) is the log's word.
    const order = uefiVariable(GUID.globalVariable, 'BootOrder', new Uint8Array([1, 0, 0, 0]));
    const byValue: EventSpec = {
      pcr: 1,
      type: EV.EFI_VARIABLE_BOOT,
      data: order,
      hashOf: new Uint8Array([1, 0, 0, 0]),
    };
    const { s } = await verifyAndSummarize([byValue]);
    expect(s.bootOrder?.value).toEqual([1, 0]);
    expect(s.bootOrder?.bound).toBe(false);
    const whole = await verifyAndSummarize([{ pcr: 1, type: EV.EFI_VARIABLE_BOOT, data: order }]);
    expect(whole.s.bootOrder?.bound).toBe(true);
  });

  it('CC: events at MR 0 or past MR 4 extend nothing and name no loader fact', async () => {
    const ccGrub = (mr: number, prefix: string, value: string): EventSpec => ({
      ...grub(prefix, value),
      pcr: mr,
    });
    const honest: EventSpec[] = [
      ccGrub(3, 'grub_cmd: ', 'linux /vmlinuz init=/bin/sh'),
      ccGrub(3, 'kernel_cmdline: ', '/vmlinuz init=/bin/sh'),
    ];
    for (const mr of [0, 5]) {
      const forged = [...honest, ccGrub(mr, 'kernel_cmdline: ', '/vmlinuz ro quiet')];
      const log = parseCcEventLog(encodeAgileLog(['sha384'], forged, { headerPcr: 0 }));
      expect(log.events[3]!.digestCheck).toBe('not-extended');
      const s = summarizeBoot(log);
      expect(s.kernelCommandLine?.value).toBe('/vmlinuz init=/bin/sh');
      expect(s.kernelCommandLine?.events).toEqual([2]);
    }
  });
});

describe('IMA: the template name is not covered by the template hash (synthetic list)', () => {
  const sig = concatBytes(new Uint8Array([3, 2, 4, 1, 2, 3, 4, 0, 2]), new Uint8Array(2).fill(9));
  const entries: ImaSpec[] = [
    {
      template: 'ima-sig',
      alg: 'sha256',
      fileDigest: new Uint8Array(32).fill(1),
      path: '/bin/a',
      sig,
    },
    {
      template: 'ima-buf',
      alg: 'sha256',
      fileDigest: new Uint8Array(32).fill(2),
      path: 'kexec-cmdline',
      buf: ascii('root=/dev/sda1 init=/bin/sh'),
    },
  ];

  it('a buffer relabelled as a signature is not counted as one', () => {
    const bytes = encodeImaBinary(entries);
    const honest = summarizeBoot(parseImaLog(bytes));
    expect(honest.signedCount).toBe(1);
    expect(honest.files.map((f) => f.signed)).toEqual([true, false]);
    // Same length, so only the name changes: ima-buf → ima-sig (the template hash still verifies).
    const at = bytes.length - imaTemplateData(entries[1]!).length - 4 - 7;
    expect(latin1(bytes.subarray(at, at + 7))).toBe('ima-buf');
    const relabelled = bytes.slice();
    relabelled.set(ascii('ima-sig'), at);
    const log = parseImaLog(relabelled);
    expect(log.entries[1]!.templateName).toBe('ima-sig');
    expect(log.entries[1]!.signature).toBeDefined();
    const s = summarizeBoot(log);
    expect(s.files.map((f) => f.signed)).toEqual([true, false]);
    expect([s.signedCount, s.unsignedCount]).toEqual([1, 1]);
  });
});
