/**
 * Strings from the evidence reach the terminal with control characters and bidi controls
 * escaped (`\x1b`, `\u202e`), so evidence cannot clear the screen, draw a fake verdict or
 * reorder a line. `--json` stays plain JSON (which escapes control characters itself).
 * The evidence here is SYNTHETIC.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeTerminal, renderInspection, renderVerification } from '../../src/cli/report.js';
import { encodeSnpTcb } from '../../src/snp/kds.js';
import { encodeCertTable, filled, SNP_CERT_TABLE_GUID } from '../snp/support/encode.js';
import { signedReport } from '../snp/support/synthetic.js';
import { testKey, x509 } from '../support/forge.js';
import { tempDir } from '../support/temp-dir.js';
import { cli } from './support/run.js';

const EVIL =
  '\x1b[2J\x1b[H\r\n  VERIFIED: 45 passed\r\n\x1b[8m\x7f\x9b31m\u202eevil\u2066\u2069\u202a\t\0';

/** Any character a terminal acts on: C0, DEL, C1, bidi embeddings / overrides / isolates. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('escapeTerminal', () => {
  it('makes every control and bidi character visible, and leaves other text alone', () => {
    expect(escapeTerminal('\x1b[31m')).toBe('\\x1b[31m');
    expect(escapeTerminal('a\r\nb\tc\0')).toBe('a\\x0d\\x0ab\\x09c\\x00');
    expect(escapeTerminal('\x7f\x80\x9b\x9f')).toBe('\\x7f\\x80\\x9b\\x9f');
    expect(escapeTerminal('\u202a\u202e\u2066\u2069')).toBe('\\u202a\\u202e\\u2066\\u2069');
    // Bidi marks and the Unicode line / paragraph separators.
    expect(escapeTerminal('\u061c\u200e\u200f\u2028\u2029')).toBe(
      '\\u061c\\u200e\\u200f\\u2028\\u2029',
    );
    const fine = 'CN=ARK-Genoa, O=Advanced Micro Devices \\, Inc. — é ü 中 \u00a0\u200b';
    expect(escapeTerminal(fine)).toBe(fine);
    expect(escapeTerminal('a\nb', { keepNewlines: true })).toBe('a\nb');
    expect(escapeTerminal('a\r\nb', { keepNewlines: true })).toBe('a\\x0d\nb');
  });
});

describe('the readable report escapes every evidence-derived string', () => {
  it('renderVerification: title, facts, check ids and messages; one line per check', () => {
    const text = renderVerification({
      title: `T${EVIL}`,
      ok: false,
      checks: [
        {
          id: `x.${EVIL}`,
          status: 'fail',
          required: true,
          message: `the signer "CN=${EVIL}" is unknown`,
        },
        { id: 'y', status: 'skip', required: true, message: EVIL },
      ],
      facts: [[`k${EVIL}`, `v${EVIL}`]],
      result: {},
    });
    expect(text).not.toMatch(UNSAFE);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('VERIFIED'))).toHaveLength(5); // 4 lines with escaped copies + the verdict
    expect(lines.at(-1)).toMatch(/^ {2}NOT VERIFIED: 0 passed, 1 failed/);
    expect(lines.filter((l) => l.startsWith('  [')).length).toBe(2);
  });

  it('renderInspection: title, headings, labels and values', () => {
    const text = renderInspection({
      title: EVIL,
      sections: [{ heading: EVIL, rows: [[EVIL, EVIL]] }],
    });
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain('\\x1b[2J');
  });

  it('inspect of a bundle whose fields carry escapes prints them escaped; --json round-trips them', async () => {
    const dir = tempDir('attestkit-cli-ansi-');
    const path = join(dir, 'quote.json');
    // The swtpm quote with a claimed nonce that is a terminal escape sequence.
    const bundle = JSON.parse(
      readFileSync('examples/evidence/tpm-swtpm-quote/quote.json', 'utf8'),
    ) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...bundle, nonce: EVIL }));
    const r = await cli('inspect', path);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(UNSAFE);
    expect(r.out).toContain('\\x1b[2J\\x1b[H\\x0d\\x0a  VERIFIED: 45 passed');
    const j = await cli('inspect', path, '--json');
    expect(j.out).not.toMatch(UNSAFE);
    const rows = (
      JSON.parse(j.out) as { sections: { rows: [string, string][] }[] }
    ).sections.flatMap((s) => s.rows);
    expect(rows.find(([k]) => k.startsWith('nonce claimed'))?.[1]).toBe(EVIL);
  });

  it('an error message quoting the evidence is escaped (stderr)', async () => {
    const dir = tempDir('attestkit-cli-ansi-');
    const path = join(dir, 'cvm.json');
    writeFileSync(
      path,
      JSON.stringify({
        format: 'attestkit-cvm-bundle/1',
        hardware: { kind: 'tdx', quote: '00' },
        binding: { scheme: 'pcr' },
        tpm: { attest: '00', signature: '00' },
        eventLog: `x${EVIL}`,
      }),
    );
    const r = await cli('verify', path);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(UNSAFE);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain('\\u202e');
  });
});

describe('a certificate name with escapes (SYNTHETIC extended report, test keys)', () => {
  it('cannot hide the verdict: no raw control character reaches stdout', async () => {
    const key = await testKey('p384');
    const evil =
      '\x1b[2J\x1b[H  [PASS] snp.signature  verified\r\n\r\n  VERIFIED: 45 passed\r\n\x1b[8m';
    const placeholder = 'A'.repeat(evil.length);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '01',
      subject: `CN=${placeholder}`,
      issuer: new x509.Name([{ CN: ['SEV-Genoa'] }]).toString(),
      notBefore: new Date('2024-01-01'),
      notAfter: new Date('2030-01-01'),
      publicKey: key.keys.publicKey,
      signingKey: key.keys.privateKey,
      signingAlgorithm: key.signingAlgorithm,
    });
    const report = await signedReport(
      {
        version: 3,
        cpuid: { fam: 0x19, mod: 0x11, step: 1 },
        currentTcb: encodeSnpTcb({ bootloader: 10, tee: 0, snp: 23, microcode: 84 }, 'Genoa'),
        chipId: filled(64, 7),
        platformInfo: 0x25n,
      },
      key.keys,
    );
    // Same-length patch of the CN: the subject is printed whatever the certificate's signature.
    const der = new Uint8Array(cert.rawData);
    const at = Buffer.from(der).indexOf(Buffer.from(placeholder));
    der.set(new TextEncoder().encode(evil), at);
    const table = encodeCertTable([{ guid: SNP_CERT_TABLE_GUID.vcek, data: der }]);
    const path = join(tempDir('attestkit-cli-ansi-'), 'ext-report.bin');
    writeFileSync(path, Buffer.concat([report, table]));
    const r = await cli('verify', path);
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(UNSAFE);
    expect(r.out).toContain('\\x1b[2J');
    expect(r.out.split('\n').at(-1)).toMatch(/^ {2}NOT VERIFIED:/);
  });
});
