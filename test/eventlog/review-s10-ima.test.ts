/**
 * Review session 10, IMA lists: a template renamed to one attestkit does not read fails
 * verification (the name is not covered by the template hash); summary rows say whether they are
 * bound and verified, violations never count as verified, boot_aggregate is entry 0 only; legacy
 * names refuse NUL bytes; kernel ascii lines (" 9 " PCRs, "<path> " for an unsigned ima-sig)
 * parse; `maxEntries` bounds a list; options are own properties; sparse RTMR/REM arrays are a
 * TypeError. Synthetic lists are labelled so; the swtpm lists are real.
 */
import { describe, expect, it } from 'vitest';
import { describeVectors } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import { digest } from '../../src/core/crypto.js';
import { concatBytes } from '../../src/core/bytes.js';
import { toHex, utf8Encode } from '../../src/core/encoding.js';
import {
  parseCcEventLog,
  parseImaLog,
  replayEventLog,
  summarizeBoot,
  verifyEventLog,
} from '../../src/eventlog/index.js';
import { DEFAULT_MAX_IMA_ENTRIES } from '../../src/eventlog/parse-ima.js';
import type { EventLogVerification } from '../../src/eventlog/types.js';
import { hex, readVector, readVectorJson } from './support/vectors.js';
import {
  ascii,
  encodeAgileLog,
  encodeImaAscii,
  encodeImaBinary,
  foldReplay,
  imaFold,
  imaTemplateData,
  u32,
  type EventSpec,
  type ImaSpec,
} from './support/encode.js';

const TEMPLATE_HASHES = 'eventlog.ima.template-hashes';
const check = (v: EventLogVerification, id: string) => v.checks.find((c) => c.id === id)!;

/** The swtpm list's PCR 10 in SHA-256, as read back from its TPM. */
function swtpmPcr10(): { pcrs: { sha256: Record<number, Uint8Array> } } {
  const m = readVectorJson('tpm', 'swtpm', 'manifest.json').ima;
  return { pcrs: { sha256: { 10: hex(m.expected_pcr10.sha256 as string) } } };
}

/** Synthetic: one entry in the binary layout (pcr, template hash, name, length-prefixed data). */
function binaryEntry(pcr: number, hash: Uint8Array, name: string, td: Uint8Array): Uint8Array {
  return concatBytes(u32(pcr), hash, u32(name.length), ascii(name), u32(td.length), td);
}

function spec(path: string, over: Partial<ImaSpec> = {}): ImaSpec {
  return {
    template: 'ima-ng',
    alg: 'sha256',
    fileDigest: digest('sha256', ascii(path)),
    path,
    ...over,
  };
}

describeVectors('f5: a template attestkit does not read fails verification', () => {
  it('binary swtpm list, entry 2 renamed ima-ng → ima-nx (one byte the hash does not cover)', async () => {
    const bytes = readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements_sha256');
    const e = parseImaLog(bytes).entries[2]!;
    const nameAt = e.offset + 4 + 32 + 4;
    expect(new TextDecoder().decode(bytes.subarray(nameAt, nameAt + 6))).toBe('ima-ng');
    bytes[nameAt + 5] = 0x78; // "ima-nx"
    const log = parseImaLog(bytes);
    expect(log.entries[2]!.path).toBeUndefined();
    const v = await verifyEventLog(log, swtpmPcr10());
    expect(check(v, 'eventlog.replay.pcr10').status).toBe('pass');
    const c = check(v, TEMPLATE_HASHES);
    expect(c.status).toBe('fail');
    expect(c.detail).toMatchObject({ uninterpreted: [2], unknownTemplates: ['ima-nx'] });
    expect(v.ok).toBe(false);
    const row = summarizeBoot(log, { verification: v }).files.find((f) => f.index === 2)!;
    expect([row.path, row.bound]).toEqual(['', false]);
  });

  it('ascii swtpm list, the same rename: a failure, no longer a warning', async () => {
    const lines = new TextDecoder()
      .decode(readVector('tpm', 'swtpm', 'ima', 'ascii_runtime_measurements_sha256'))
      .split('\n');
    lines[2] = lines[2]!.replace(' ima-ng ', ' ima-nx ');
    const log = parseImaLog(utf8Encode(lines.join('\n')));
    const v = await verifyEventLog(log, swtpmPcr10());
    expect(check(v, 'eventlog.replay.pcr10').status).toBe('pass');
    expect(check(v, TEMPLATE_HASHES).status).toBe('fail');
    expect(check(v, TEMPLATE_HASHES).detail).toMatchObject({ uninterpreted: [2] });
    expect(v.ok).toBe(false);
  });

  it('the real lists still verify: every template is read', async () => {
    for (const f of ['ascii_runtime_measurements_sha256', 'binary_runtime_measurements_sha256']) {
      const v = await verifyEventLog(
        parseImaLog(readVector('tpm', 'swtpm', 'ima', f)),
        swtpmPcr10(),
      );
      expect(check(v, TEMPLATE_HASHES).status).toBe('pass');
      expect(v.ok).toBe(true);
    }
  });
});

describe('f5/f12: template names that are Object.prototype keys (synthetic)', () => {
  it('parse as templates attestkit does not read, count as themselves, and fail verification', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const good = spec('/bin/a');
      const td = imaTemplateData(spec('/bin/b'));
      const bytes = concatBytes(
        encodeImaBinary([good]),
        binaryEntry(10, digest('sha1', td), name, td),
      );
      const lines = `${encodeImaAscii([good])}10 ${toHex(digest('sha1', td))} ${name} sha256:${'00'.repeat(32)} /bin/b\n`;
      for (const b of [bytes, utf8Encode(lines)]) {
        const log = parseImaLog(b);
        expect(log.entries[1]!.templateName).toBe(name);
        expect(log.entries[1]!.path).toBeUndefined();
        const s = summarizeBoot(log);
        expect(Object.hasOwn(s.templates, name)).toBe(true);
        expect(s.templates[name]).toBe(1);
        const { registers } = replayEventLog(log);
        const v = await verifyEventLog(log, { pcrs: { sha1: { 10: registers.sha1![10]! } } });
        expect(check(v, TEMPLATE_HASHES).status).toBe('fail');
      }
    }
  });
});

describe('f4: sparse rtmrs / rems arrays are a TypeError (synthetic CC log)', () => {
  const events: EventSpec[] = [
    { pcr: 1, type: 0x80000003, data: new Uint8Array(40), hashOf: ascii('td payload') },
  ];
  const log = parseCcEventLog(encodeAgileLog(['sha384'], events, { headerPcr: 0 }));
  const rtmr0 = hex(foldReplay(['sha384'], events).sha384![1]!);
  const zero = new Uint8Array(48);

  it('every slot is checked', async () => {
    expect((await verifyEventLog(log, { rtmrs: [rtmr0, zero, zero, zero] })).ok).toBe(true);
    const sparse: Uint8Array[] = new Array<Uint8Array>(4);
    sparse[0] = rtmr0;
    await expect(verifyEventLog(log, { rtmrs: sparse })).rejects.toThrow(TypeError);
    await expect(verifyEventLog(log, { rtmrs: new Array<Uint8Array>(4) })).rejects.toThrow(
      TypeError,
    );
    await expect(verifyEventLog(log, { rems: new Array<Uint8Array>(4) })).rejects.toThrow(
      TypeError,
    );
  });
});

describeVectors('f6/f11: IMA summary rows say whether they are bound and verified', () => {
  const bin = readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements_sha256');
  const orig = parseImaLog(bin);
  const viol = orig.entries.find((e) => e.isViolation)!;
  const agent = digest('sha256', ascii('the approved agent binary'));

  it('a violation row (its path is covered by no hash) and a row on an unquoted PCR', async () => {
    // Synthetic edit of the real list: the violation's path and digest rewritten (the template
    // hash stays all zero), and a self-consistent entry appended on PCR 11.
    const forged = binaryEntry(
      10,
      new Uint8Array(32),
      'ima-ng',
      imaTemplateData(spec('/usr/bin/agent', { fileDigest: agent })),
    );
    const extraTd = imaTemplateData(spec('/usr/bin/agent', { fileDigest: agent }));
    const extra = binaryEntry(11, digest('sha256', extraTd), 'ima-ng', extraTd);
    const next = orig.entries[viol.index + 1]!.offset;
    const log = parseImaLog(
      concatBytes(bin.subarray(0, viol.offset), forged, bin.subarray(next), extra),
    );
    const v = await verifyEventLog(log, swtpmPcr10());
    expect(v.ok).toBe(true);
    expect(v.verifiedEvents).not.toContain(viol.index);
    const s = summarizeBoot(log, { verification: v });
    const rows = s.files.filter((f) => f.path === '/usr/bin/agent');
    expect(rows.map((r) => [r.index, r.bound, r.verified])).toEqual([
      [viol.index, false, false],
      [8, true, false],
    ]);
    // Every other row is bound and verified.
    for (const r of s.files.filter((f) => f.path !== '/usr/bin/agent'))
      expect([r.index, r.bound, r.verified]).toEqual([r.index, true, true]);
    // Without a verification: `bound` only.
    const plain = summarizeBoot(log).files.find((f) => f.index === viol.index)!;
    expect(plain.bound).toBe(false);
    expect('verified' in plain).toBe(false);
  });

  it('the real list: violations are never verified events', async () => {
    const v = await verifyEventLog(orig, swtpmPcr10());
    expect(v.verifiedEvents).toEqual([0, 1, 2, 3, 4, 6, 7]);
    const s = summarizeBoot(orig, { verification: v });
    expect(s.bootAggregate).toMatchObject({ events: [0], bound: true, verified: true });
    expect(s.bootAggregate!.conflicts).toBeUndefined();
    const row = s.files.find((f) => f.index === viol.index)!;
    expect([row.bound, row.verified]).toEqual([false, false]);
  });

  it('boot_aggregate is entry 0; another one before or after it is a conflict', async () => {
    const chosen = new Uint8Array(32).fill(0xab);
    const td = imaTemplateData(spec('boot_aggregate', { fileDigest: chosen }));
    const fake = binaryEntry(11, digest('sha256', td), 'ima-ng', td);
    // Synthetic edit: a self-consistent boot_aggregate on PCR 11 before the real list.
    const before = parseImaLog(concatBytes(fake, bin));
    const v = await verifyEventLog(before, swtpmPcr10());
    expect(v.ok).toBe(true);
    const s = summarizeBoot(before, { verification: v });
    expect(s.bootAggregate).toMatchObject({
      value: { digest: toHex(chosen) },
      events: [0],
      bound: false,
      verified: false,
      conflicts: [1],
    });
    expect(summarizeBoot(before).bootAggregate!.bound).toBe(false);
    // The same entry after the real one: the real boot_aggregate stays, unbound by the conflict.
    const after = parseImaLog(concatBytes(bin, fake));
    const va = await verifyEventLog(after, swtpmPcr10());
    const sa = summarizeBoot(after, { verification: va });
    expect(sa.bootAggregate).toMatchObject({
      events: [0],
      bound: false,
      verified: true,
      conflicts: [8],
    });
    expect(sa.files.find((f) => f.index === 8)).toMatchObject({ bound: true, verified: false });
  });

  it('a row whose template hash does not match is unbound, with or without a verification (synthetic)', async () => {
    const entries = [spec('boot_aggregate'), spec('/a'), spec('/b')];
    const bytes = encodeImaBinary(entries);
    const second = parseImaLog(bytes).entries[1]!.offset;
    bytes[second + 4]! ^= 1; // entry 1's template hash
    const log = parseImaLog(bytes);
    const { registers } = replayEventLog(log);
    const v = await verifyEventLog(log, { pcrs: { sha1: { 10: registers.sha1![10]! } } });
    expect(check(v, TEMPLATE_HASHES).status).toBe('fail');
    for (const s of [summarizeBoot(log), summarizeBoot(log, { verification: v })])
      expect(s.files.map((f) => [f.index, f.bound])).toEqual([
        [1, false],
        [2, true],
      ]);
  });

  it('an entry named boot_aggregate that is not entry 0 is no boot aggregate (synthetic)', () => {
    const entries = [spec('/init'), spec('boot_aggregate')];
    const s = summarizeBoot(parseImaLog(encodeImaBinary(entries)));
    expect(s.bootAggregate).toBeUndefined();
    expect(s.files.map((f) => f.path)).toEqual(['/init', 'boot_aggregate']);
  });
});

describe('f7: legacy "ima" names with a NUL byte are refused (synthetic)', () => {
  function legacy(name: Uint8Array): { hash: Uint8Array; bytes: Uint8Array } {
    const fileDigest = digest('sha1', ascii('netcat'));
    const padded = new Uint8Array(256);
    padded.set(name);
    const hash = digest('sha1', concatBytes(fileDigest, padded));
    return {
      hash,
      bytes: concatBytes(u32(10), hash, u32(3), ascii('ima'), fileDigest, u32(name.length), name),
    };
  }

  it('"/usr/bin/nc" parses; "/usr/bin/nc\\0\\0" (same template hash) is ERR_BAD_VALUE at the NUL', () => {
    const genuine = legacy(ascii('/usr/bin/nc'));
    expect(parseImaLog(genuine.bytes).entries[0]!.path).toBe('/usr/bin/nc');
    const forged = legacy(concatBytes(ascii('/usr/bin/nc'), new Uint8Array(2)));
    expect(toHex(forged.hash)).toBe(toHex(genuine.hash));
    // pcr 4 + hash 20 + name length 4 + "ima" 3 + digest 20 + filename length 4 = 55
    expectAttestError(() => parseImaLog(forged.bytes), 'ERR_BAD_VALUE', 55 + 11);
    expectAttestError(
      () => parseImaLog(legacy(concatBytes(ascii('/a'), new Uint8Array(1), ascii('b'))).bytes),
      'ERR_BAD_VALUE',
      55 + 2,
    );
  });
});

describe('f3: ascii lines as the kernel prints them (synthetic)', () => {
  // ima_fs.c ima_ascii_measurements_show: "%2d " for the PCR, then " " before every template
  // field, nothing for an empty one.
  function kernelLine(e: ImaSpec, pcr = e.pcr ?? 10): string {
    const th = toHex(digest('sha1', imaTemplateData(e)));
    const fields = [`${e.alg}:${toHex(e.fileDigest)}`, e.path];
    if (e.template === 'ima-sig') fields.push(toHex(e.sig ?? new Uint8Array(0)));
    if (e.template === 'ima-buf') fields.push(toHex(e.buf ?? new Uint8Array(0)));
    return `${String(pcr).padStart(2, ' ')} ${th} ${e.template}${fields.map((f) => ` ${f}`).join('')}\n`;
  }
  const sig = concatBytes(new Uint8Array([3, 2, 4]), new Uint8Array(40).fill(7));
  const entries: ImaSpec[] = [
    spec('boot_aggregate'),
    spec('/usr/bin/unsigned-tool', { template: 'ima-sig' }),
    spec('/usr/bin/signed-tool', { template: 'ima-sig', sig }),
    spec('/tmp/ends in a space ', { template: 'ima-sig' }),
    spec('/tmp/signed, ends in a space ', { template: 'ima-sig', sig }),
    spec('/tmp/x 0302aaaaaaaaaaaaaaaa', { template: 'ima-sig' }),
    spec('/ng ends in a space '),
    spec('kexec-cmdline', { template: 'ima-buf', buf: ascii('ro quiet') }),
    spec('empty-buf', { template: 'ima-buf', buf: new Uint8Array(0) }),
  ];

  it('an unsigned ima-sig line ends "<path> ": the space is the empty sig field, not the path', async () => {
    const text = entries.map((e) => kernelLine(e)).join('');
    expect(text.split('\n')[1]!.endsWith('/usr/bin/unsigned-tool ')).toBe(true);
    const log = parseImaLog(utf8Encode(text));
    expect(log.entries.map((e) => e.path)).toEqual(entries.map((e) => e.path));
    expect(log.entries.map((e) => e.signature?.length)).toEqual([
      undefined,
      0,
      sig.length,
      0,
      sig.length,
      0,
      undefined,
      undefined,
      undefined,
    ]);
    const v = await verifyEventLog(log, {
      pcrs: { sha256: { 10: hex(imaFold(entries, 'sha256')) } },
    });
    expect(check(v, TEMPLATE_HASHES).status).toBe('pass');
    expect(v.ok).toBe(true);
    // The same template data as the binary list.
    const bin = parseImaLog(encodeImaBinary(entries));
    expect(log.entries.map((e) => toHex(e.templateData!))).toEqual(
      bin.entries.map((e) => toHex(e.templateData!)),
    );
  });

  it('a PCR below 10 is printed " 9": detected as ascii and parsed', async () => {
    const e9 = entries.map((e) => ({ ...e, pcr: 9 }));
    const text = e9.map((e) => kernelLine(e)).join('');
    expect(text.startsWith(' 9 ')).toBe(true);
    const log = parseImaLog(utf8Encode(text));
    expect(log.format).toBe('ascii');
    expect(log.entries.every((e) => e.pcrIndex === 9)).toBe(true);
    const v = await verifyEventLog(log, { pcrs: { sha256: { 9: hex(imaFold(e9, 'sha256')) } } });
    expect(v.ok).toBe(true);
    expect(parseImaLog(utf8Encode(kernelLine(entries[0]!, 0))).entries[0]!.pcrIndex).toBe(0);
  });

  it('only that pad: "  9", " 10", " 09" and a lone space are refused', () => {
    const line = kernelLine(entries[0]!, 9).slice(2); // from the space after the PCR
    const good = utf8Encode(`10 ${'00'.repeat(20)} ima-ng sha1:00 /x\n`);
    for (const pcr of ['  9', ' 10', ' 09', ' ']) {
      const bytes = concatBytes(good, utf8Encode(`${pcr}${line}`));
      expectAttestError(
        () => parseImaLog(bytes, { format: 'ascii' }),
        'ERR_BAD_VALUE',
        good.length,
      );
    }
  });
});

describe('f10: maxEntries bounds an IMA list (synthetic)', () => {
  const entries = [spec('boot_aggregate'), spec('/a'), spec('/b')];

  it('one entry more than maxEntries is ERR_LIMIT_EXCEEDED at that entry', () => {
    const bin = encodeImaBinary(entries);
    const third = parseImaLog(bin).entries[2]!.offset;
    expectAttestError(() => parseImaLog(bin, { maxEntries: 2 }), 'ERR_LIMIT_EXCEEDED', third);
    expect(parseImaLog(bin, { maxEntries: 3 }).entries.length).toBe(3);
    const text = utf8Encode(encodeImaAscii(entries));
    const line3 = parseImaLog(text).entries[2]!.offset;
    expectAttestError(() => parseImaLog(text, { maxEntries: 2 }), 'ERR_LIMIT_EXCEEDED', line3);
    expect(parseImaLog(text, { maxEntries: 3 }).entries.length).toBe(3);
  });

  it('a bad maxEntries is a TypeError', () => {
    const bin = encodeImaBinary(entries);
    for (const maxEntries of [0, -1, 1.5, Number.NaN, Infinity, '3'] as unknown as number[])
      expect(() => parseImaLog(bin, { maxEntries })).toThrow(TypeError);
  });

  it(`the default (${DEFAULT_MAX_IMA_ENTRIES}) stops a list of minimal 33-byte entries`, () => {
    expect(DEFAULT_MAX_IMA_ENTRIES).toBe(500_000);
    // pcr 10, SHA-1 template hash, name "x", template data length 0: an unknown template.
    const first = concatBytes(u32(10), new Uint8Array(20).fill(1), u32(4), ascii('imaz'), u32(0));
    const one = concatBytes(u32(10), new Uint8Array(20).fill(1), u32(1), ascii('x'), u32(0));
    const n = DEFAULT_MAX_IMA_ENTRIES + 10;
    const list = new Uint8Array(first.length + one.length * n);
    list.set(first);
    for (let i = 0; i < n; i++) list.set(one, first.length + i * one.length);
    expectAttestError(
      () => parseImaLog(list),
      'ERR_LIMIT_EXCEEDED',
      first.length + one.length * (DEFAULT_MAX_IMA_ENTRIES - 1),
    );
  });
});

describeVectors('f12: options are own properties; a bad option is a TypeError', () => {
  it('templateHashAlgorithm "constructor", "toString", "__proto__", 1 are TypeErrors', () => {
    for (const f of ['binary_runtime_measurements_sha256', 'ascii_runtime_measurements_sha256']) {
      const bytes = readVector('tpm', 'swtpm', 'ima', f);
      for (const alg of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 1])
        expect(() =>
          parseImaLog(bytes, { templateHashAlgorithm: alg as unknown as 'sha1' }),
        ).toThrow(TypeError);
      expect(parseImaLog(bytes, { templateHashAlgorithm: 'sha256' }).entries.length).toBe(8);
    }
  });

  it('format other than ascii/binary is a TypeError', () => {
    const bytes = readVector('tpm', 'swtpm', 'ima', 'binary_runtime_measurements_sha256');
    for (const format of ['text', 'toString', 1])
      expect(() => parseImaLog(bytes, { format: format as unknown as 'ascii' })).toThrow(TypeError);
  });
});

/** Synthetic: length-prefixed template data from its fields (every template but the legacy `ima`). */
function fieldsData(...fields: Uint8Array[]): Uint8Array {
  return concatBytes(...fields.map((f) => concatBytes(u32(f.length), f)));
}
const dng = (path: string): Uint8Array =>
  concatBytes(ascii('sha256:'), new Uint8Array(1), digest('sha256', ascii(path)));
const nng = (path: string): Uint8Array => concatBytes(utf8Encode(path), new Uint8Array(1));
/** A signature_v2_hdr-shaped blob: type 3 (EVM_IMA_XATTR_DIGSIG), version 2, sha256, key id, size. */
const SIG = concatBytes(
  new Uint8Array([3, 2, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0, 4]),
  new Uint8Array([1, 2, 3, 4]),
);

/** Synthetic binary list of (name, template data) entries and its SHA-1 PCR 10. */
function binaryList(entries: readonly (readonly [string, Uint8Array])[]) {
  let pcr: Uint8Array = new Uint8Array(20);
  const parts: Uint8Array[] = [];
  for (const [name, td] of entries) {
    const th = digest('sha1', td);
    pcr = digest('sha1', concatBytes(pcr, th));
    parts.push(binaryEntry(10, th, name, td));
  }
  return { bytes: concatBytes(...parts), pcrs: { sha1: { 10: pcr } } };
}

describe('s11: built-in evm-sig and custom ima_template_fmt lists verify (synthetic, kernel layout)', () => {
  it('binary evm-sig (d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode)', async () => {
    const empty = new Uint8Array(0);
    const td = fieldsData(
      dng('/usr/bin/bash'),
      nng('/usr/bin/bash'),
      empty,
      empty,
      empty,
      empty,
      u32(0),
      u32(0),
      new Uint8Array([0xed, 0x81]),
    );
    const { bytes, pcrs } = binaryList([['evm-sig', td]]);
    const log = parseImaLog(bytes, { templateHashAlgorithm: 'sha1' });
    expect(log.entries[0]).toMatchObject({ path: '/usr/bin/bash', digestAlgorithm: 'sha256' });
    const v = await verifyEventLog(log, { pcrs });
    expect(check(v, TEMPLATE_HASHES).status).toBe('pass');
    expect(v.ok).toBe(true);
  });

  it('binary custom formats: d-ng|n-ng, d-ng|n-ng|sig, and d|n (bare SHA-1, name with its NUL)', async () => {
    const { bytes, pcrs } = binaryList([
      ['d-ng|n-ng', fieldsData(dng('/usr/bin/ls'), nng('/usr/bin/ls'))],
      ['d-ng|n-ng|sig', fieldsData(dng('/usr/bin/cat'), nng('/usr/bin/cat'), SIG)],
      ['d|n', fieldsData(digest('sha1', ascii('x')), nng('/usr/bin/old'))],
    ]);
    const log = parseImaLog(bytes, { templateHashAlgorithm: 'sha1' });
    expect(log.entries.map((e) => e.path)).toEqual(['/usr/bin/ls', '/usr/bin/cat', '/usr/bin/old']);
    expect(log.entries[1]!.signature).toEqual(SIG);
    expect(log.entries[2]!.digestAlgorithm).toBe('sha1');
    const v = await verifyEventLog(log, { pcrs });
    expect(check(v, TEMPLATE_HASHES).status).toBe('pass');
    expect(v.ok).toBe(true);
    expect(summarizeBoot(log, { verification: v }).files.map((f) => f.bound && f.verified)).toEqual(
      [true, true, true],
    );
  });

  it('ascii custom formats d-ng|n-ng and d-ng|n-ng|sig are rebuilt like ima-ng / ima-sig', async () => {
    const a = fieldsData(dng('/usr/bin/ls'), nng('/usr/bin/ls'));
    const b = fieldsData(dng('/usr/bin/cat'), nng('/usr/bin/cat'), SIG);
    const d = (p: string) => toHex(digest('sha256', ascii(p)));
    const text =
      `10 ${toHex(digest('sha1', a))} d-ng|n-ng sha256:${d('/usr/bin/ls')} /usr/bin/ls\n` +
      `10 ${toHex(digest('sha1', b))} d-ng|n-ng|sig sha256:${d('/usr/bin/cat')} /usr/bin/cat ${toHex(SIG)}\n`;
    const { pcrs } = binaryList([
      ['d-ng|n-ng', a],
      ['d-ng|n-ng|sig', b],
    ]);
    const v = await verifyEventLog(parseImaLog(ascii(text)), { pcrs });
    expect(check(v, TEMPLATE_HASHES).status).toBe('pass');
    expect(v.ok).toBe(true);
  });

  it('an unknown name (ima-nx, d-ng|n-nx, n-ng|d-ng) on a non-violation entry still fails', async () => {
    for (const name of ['ima-nx', 'd-ng|n-nx', 'n-ng|d-ng']) {
      const { bytes, pcrs } = binaryList([[name, fieldsData(dng('/x'), nng('/x'))]]);
      const v = await verifyEventLog(parseImaLog(bytes, { templateHashAlgorithm: 'sha1' }), {
        pcrs,
      });
      expect(check(v, TEMPLATE_HASHES).status, name).toBe('fail');
      expect(check(v, TEMPLATE_HASHES).detail).toMatchObject({ unknownTemplates: [name] });
    }
  });
});

describe('s11: ascii ima-modsig is rebuilt and its template hash decides (synthetic, kernel layout)', () => {
  const path = '/usr/lib/modules/x.ko';
  const fd = toHex(digest('sha256', ascii(path)));
  const modsig = new Uint8Array([0x30, 0x82, 0x01, 0x02]);
  const dmod = concatBytes(ascii('sha256:'), new Uint8Array(1), digest('sha256', ascii('m')));
  const cases: [string, Uint8Array, string][] = [
    [
      'unsigned',
      fieldsData(dng(path), nng(path), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)),
      '  ',
    ],
    [
      'with sig, d-modsig and modsig',
      fieldsData(dng(path), nng(path), SIG, dmod, modsig),
      `${toHex(SIG)} sha256:${toHex(digest('sha256', ascii('m')))} ${toHex(modsig)}`,
    ],
  ];
  for (const [name, td, tail] of cases) {
    it(name, async () => {
      const th = toHex(digest('sha1', td));
      const line = `10 ${th} ima-modsig sha256:${fd} ${path} ${tail}\n`;
      const { pcrs } = binaryList([['ima-modsig', td]]);
      const log = parseImaLog(ascii(line));
      expect(log.entries[0]).toMatchObject({ path, templateData: td });
      const v = await verifyEventLog(log, { pcrs });
      expect(check(v, TEMPLATE_HASHES).status).toBe('pass');
      expect(v.ok).toBe(true);
    });
  }

  it('a line not printed by the kernel (a trailing space dropped) reads another path and fails', async () => {
    // The real path is "/usr/x.ko aa" (an old kernel kept spaces); printed with two trailing
    // spaces instead of three, the last three spaces now split "aa" off as the sig field.
    const real = '/usr/x.ko aa';
    const td = fieldsData(
      dng(real),
      nng(real),
      new Uint8Array(0),
      new Uint8Array(0),
      new Uint8Array(0),
    );
    const line = `10 ${toHex(digest('sha1', td))} ima-modsig sha256:${toHex(digest('sha256', ascii(real)))} ${real}  \n`;
    const log = parseImaLog(ascii(line));
    expect(log.entries[0]!.path).toBe('/usr/x.ko');
    const v = await verifyEventLog(log, { pcrs: binaryList([['ima-modsig', td]]).pcrs });
    expect(check(v, TEMPLATE_HASHES).status).toBe('fail');
    expect(v.ok).toBe(false);
    expect(summarizeBoot(log, { verification: v }).files[0]!.bound).toBe(false);
  });
});

describe('s11: a relabelled template name cannot hide or alter the file shown (synthetic)', () => {
  const path = '/usr/bin/signed-tool';
  const td = fieldsData(dng(path), nng(path), SIG);

  it('ima-sig data relabelled d-ng|n-ng|buf, ima-buf or d-ng|n-ng|iuid: same file and digest, the signature is flagged', async () => {
    for (const name of ['d-ng|n-ng|buf', 'ima-buf', 'd-ng|n-ng|iuid', 'd-ng|n-ng|evmsig']) {
      const { bytes, pcrs } = binaryList([
        ['ima-sig', td],
        [name, td],
      ]);
      const log = parseImaLog(bytes, { templateHashAlgorithm: 'sha1' });
      const [real, relabelled] = log.entries;
      expect(relabelled!.path).toBe(real!.path);
      expect(relabelled!.fileDigest).toEqual(real!.fileDigest);
      const v = await verifyEventLog(log, { pcrs });
      const c = check(v, TEMPLATE_HASHES);
      expect(c.status, name).toBe('warn');
      expect(c.detail).toMatchObject({ hiddenSignatures: [{ entry: 1, template: name }] });
    }
  });

  it('relabelled to a format without sig (d-ng|n-ng): the extra field is trailing data, not dropped', () => {
    const { bytes } = binaryList([['d-ng|n-ng', td]]);
    expectAttestError(
      () => parseImaLog(bytes, { templateHashAlgorithm: 'sha1' }),
      'ERR_TRAILING_DATA',
    );
  });
});
