import type { Json } from './support/vector-cases.js';
import { describe, expect, it } from 'vitest';
import { describeVectors, readVectorJson, readVectorText, readVector } from '../support/vectors.js';
import { expectAttestError } from '../support/errors.js';
import {
  parseQeIdentity,
  parseTcbInfo,
  tdxCollateralFromDcapQvl,
} from '../../src/tdx/collateral.js';
import { parseCertificate } from '../../src/core/x509.js';
import { digest, verifySignature } from '../../src/core/crypto.js';
import { toHex } from '../../src/core/encoding.js';
import type { QeIdentity, TcbInfo } from '../../src/tdx/types.js';

/** Loads a collateral entry of collateral/expected.json (PCS body, or a dcap-qvl field). */
function loadEntry(e: Json): { doc: TcbInfo | QeIdentity; text: string; kind: 'tcb' | 'qe' } {
  const file: string = e.file;
  const kind = e.id_field === 'TDX' || e.id_field === 'SGX' ? 'tcb' : 'qe';
  let text = readVectorText('tdx', ...file.split('/'));
  if (e.field !== undefined) {
    const c = tdxCollateralFromDcapQvl(text);
    text = String(kind === 'tcb' ? c.tcbInfo : c.qeIdentity);
  }
  return { doc: kind === 'tcb' ? parseTcbInfo(text) : parseQeIdentity(text), text, kind };
}

const signingKey = () =>
  parseCertificate(
    readVectorText('tdx', 'collateral', 'certs', 'intel_sgx_tcb_signing_2018_2025.pem'),
  ).publicKey;

describeVectors('TDX collateral: real vectors', () => {
  const index = readVectorJson('tdx', 'collateral', 'expected.json');
  for (const [id, e] of Object.entries<Json>(index.collateral)) {
    it(`${id}: fields, exact signed bytes, signature`, async () => {
      const { doc, kind } = loadEntry(e);
      expect(doc.id).toBe(e.id_field);
      expect(doc.version).toBe(e.version);
      expect(doc.issueDate.toISOString().replace('.000Z', 'Z')).toBe(e.issueDate);
      expect(doc.nextUpdate.toISOString().replace('.000Z', 'Z')).toBe(e.nextUpdate);
      expect(doc.tcbEvaluationDataNumber).toBe(e.tcbEvaluationDataNumber);
      expect(doc.signedBytes.length).toBe(e.signed_body_length);
      expect(toHex(digest('sha256', doc.signedBytes))).toBe(e.signed_body_sha256);
      if (
        e.signed_body_byte_range_in_file !== undefined &&
        e.signed_body_byte_range_in_file.length === 2
      ) {
        expect([...doc.signedRange]).toEqual(e.signed_body_byte_range_in_file);
      }
      if (kind === 'tcb') {
        const t = doc as TcbInfo;
        expect(t.fmspc).toBe(e.fmspc.toLowerCase());
        expect(t.pceId).toBe(e.pceId);
        expect(t.tcbType).toBe(e.tcbType);
        expect(t.tcbLevels.length).toBe(e.tcb_levels);
        expect(t.tdxModuleIdentities.map((m) => m.id)).toEqual(e.tdxModuleIdentities);
        if (t.id === 'TDX') for (const l of t.tcbLevels) expect(l.tdxComponents).toHaveLength(16);
      } else {
        const q = doc as QeIdentity;
        expect(toHex(q.mrSigner)).toBe(e.mrsigner.toLowerCase());
        expect(q.isvProdId).toBe(e.isvprodid);
        expect(q.tcbLevels.map((l) => l.tcbStatus)).toEqual(
          e.tcb_levels.map((l: unknown[]) => l[l.length - 1]),
        );
      }
      const ok = await verifySignature({
        key: signingKey(),
        scheme: 'ecdsa',
        hash: 'sha256',
        data: doc.signedBytes,
        signature: doc.signature,
      });
      expect(ok).toBe(e.signature_valid);
    });

    it(`${id}: reformatting the JSON breaks the signature`, async () => {
      const { doc, text, kind } = loadEntry(e);
      const member = kind === 'tcb' ? 'tcbInfo' : 'enclaveIdentity';
      // Pretty-printed: same data, different bytes.
      const pretty = JSON.stringify(JSON.parse(text), null, 2);
      const p = kind === 'tcb' ? parseTcbInfo(pretty) : parseQeIdentity(pretty);
      expect(p.signature).toEqual(doc.signature);
      expect(p.signedBytes.length).not.toBe(doc.signedBytes.length);
      const verify = (d: TcbInfo | QeIdentity) =>
        verifySignature({
          key: signingKey(),
          scheme: 'ecdsa',
          hash: 'sha256',
          data: d.signedBytes,
          signature: d.signature,
        });
      expect(await verify(p)).toBe(false);
      // Re-serialised compactly with the members in another order.
      const obj = JSON.parse(text);
      const inner = obj[member];
      const reordered = Object.fromEntries(Object.entries(inner).reverse());
      const r = JSON.stringify({ [member]: reordered, signature: obj.signature });
      expect(await verify(kind === 'tcb' ? parseTcbInfo(r) : parseQeIdentity(r))).toBe(false);
      // A space added inside the signed object.
      const spaced = text.replace(`"${member}":{`, `"${member}":{ `);
      expect(await verify(kind === 'tcb' ? parseTcbInfo(spaced) : parseQeIdentity(spaced))).toBe(
        false,
      );
      // Whitespace outside the signed object does not matter.
      const outside = text.replace(`"${member}":{`, `"${member}" : {`);
      expect(await verify(kind === 'tcb' ? parseTcbInfo(outside) : parseQeIdentity(outside))).toBe(
        true,
      );
    });
  }

  it('accepts bytes and text alike', () => {
    const bytes = readVector('tdx', 'collateral', 'zkdcap', 'tcbinfov3_00806f050000.json');
    const text = readVectorText('tdx', 'collateral', 'zkdcap', 'tcbinfov3_00806f050000.json');
    expect(parseTcbInfo(bytes).signedBytes).toEqual(parseTcbInfo(text).signedBytes);
  });

  it('decodes TDX levels, module identities and advisories', () => {
    const t = parseTcbInfo(
      readVectorText('tdx', 'collateral', 'zkdcap', 'tcbinfov3_00806f050000.json'),
    );
    expect(t.tdxModule?.attributesMask).toEqual(new Uint8Array(8).fill(0xff));
    const tdx01 = t.tdxModuleIdentities.find((m) => m.id === 'TDX_01')!;
    expect(tdx01.tcbLevels.map((l) => [l.isvSvn, l.tcbStatus])).toEqual([
      [4, 'UpToDate'],
      [2, 'OutOfDate'],
    ]);
    expect(t.tcbLevels[1]!.advisoryIds).toEqual([
      'INTEL-SA-00960',
      'INTEL-SA-00982',
      'INTEL-SA-00986',
    ]);
    expect(t.tcbLevels[0]!.sgxComponents[0]).toEqual({
      svn: 7,
      category: 'BIOS',
      type: 'Early Microcode Update',
    });
    expect(t.tcbLevels[0]!.tdxComponents!.map((c) => c.svn).slice(0, 3)).toEqual([5, 0, 7]);
  });
});

describe('TDX collateral: malformed input', () => {
  const body = (inner: Record<string, unknown>) =>
    JSON.stringify({ tcbInfo: inner, signature: '00'.repeat(64) });
  const minimal = {
    id: 'TDX',
    version: 3,
    issueDate: '2025-01-01T00:00:00Z',
    nextUpdate: '2025-02-01T00:00:00Z',
    fmspc: '00806F050000',
    pceId: '0000',
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    tcbLevels: [],
  };

  it('parses a minimal document and lower-cases the FMSPC', () => {
    const t = parseTcbInfo(body(minimal));
    expect(t.fmspc).toBe('00806f050000');
    expect(t.tdxModule).toBeUndefined();
    expect(t.tdxModuleIdentities).toEqual([]);
  });

  it('rejects duplicate members anywhere (a signed value and a read value could differ)', () => {
    const dupInner = body(minimal).replace('"version":3', '"version":3,"version":4');
    expectAttestError(() => parseTcbInfo(dupInner), 'ERR_BAD_JSON');
    const dupOuter = `${body(minimal).slice(0, -1)},"tcbInfo":{}}`;
    expectAttestError(() => parseTcbInfo(dupOuter), 'ERR_BAD_JSON');
  });

  it('reports missing members, bad values and versions with offsets', () => {
    const noFmspc: Record<string, unknown> = { ...minimal };
    delete noFmspc.fmspc;
    expectAttestError(() => parseTcbInfo(body(noFmspc)), 'ERR_MISSING_FIELD', 11);
    const text = body({ ...minimal, fmspc: '00806F05' });
    expectAttestError(() => parseTcbInfo(text), 'ERR_BAD_VALUE', text.indexOf('"00806F05"'));
    expectAttestError(() => parseTcbInfo(body({ ...minimal, version: 4 })), 'ERR_BAD_VERSION');
    expectAttestError(() => parseTcbInfo(body({ ...minimal, id: 'SEV' })), 'ERR_BAD_VALUE');
    expectAttestError(
      () => parseTcbInfo(body({ ...minimal, issueDate: '2025-13-01T00:00:00Z' })),
      'ERR_BAD_VALUE',
    );
    expectAttestError(() => parseTcbInfo(body({ ...minimal, tcbType: -1 })), 'ERR_BAD_VALUE');
    expectAttestError(() => parseTcbInfo(body({ ...minimal, tcbLevels: {} })), 'ERR_BAD_JSON');
    expectAttestError(
      () =>
        parseTcbInfo(
          body({
            ...minimal,
            tcbLevels: [
              {
                tcb: { sgxtcbcomponents: [], pcesvn: 1, tdxtcbcomponents: [] },
                tcbDate: '2025-01-01T00:00:00Z',
                tcbStatus: 'UpToDate',
              },
            ],
          }),
        ),
      'ERR_BAD_VALUE',
    );
    const comps = Array.from({ length: 16 }, () => ({ svn: 0 }));
    expectAttestError(
      () =>
        parseTcbInfo(
          body({
            ...minimal,
            tcbLevels: [
              {
                tcb: { sgxtcbcomponents: comps, pcesvn: 1, tdxtcbcomponents: comps },
                tcbDate: '2025-01-01T00:00:00Z',
                tcbStatus: 'Fine',
              },
            ],
          }),
        ),
      'ERR_BAD_VALUE',
    );
    expectAttestError(
      () => parseTcbInfo(JSON.stringify({ tcbInfo: minimal, signature: 'zz' })),
      'ERR_BAD_VALUE',
    );
    expectAttestError(
      () => parseTcbInfo(JSON.stringify({ tcbInfo: minimal })),
      'ERR_MISSING_FIELD',
      0,
    );
  });

  it('rejects malformed JSON with the byte offset', () => {
    expectAttestError(() => parseTcbInfo('{"tcbInfo":{"id":"TDX",}}'), 'ERR_BAD_JSON', 23);
    expectAttestError(() => parseTcbInfo('{"tcbInfo":{}} x'), 'ERR_BAD_JSON', 15);
    expectAttestError(() => parseTcbInfo('{"tcbInfo":"\u0001"}'), 'ERR_BAD_JSON');
    // Invalid UTF-8 inside a member name.
    expectAttestError(
      () => parseTcbInfo(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
      'ERR_BAD_JSON',
      2,
    );
    expectAttestError(() => parseTcbInfo('['.repeat(100) + ']'.repeat(100)), 'ERR_LIMIT_EXCEEDED');
    expectAttestError(() => parseTcbInfo('{"a":01}'), 'ERR_BAD_JSON');
    expectAttestError(() => parseTcbInfo('{"a":"\\ud800"}'), 'ERR_BAD_JSON');
    expectAttestError(() => parseTcbInfo(''), 'ERR_BAD_JSON', 0);
  });

  it('QE identity: version, id and hex widths are checked', () => {
    const qe = {
      id: 'TD_QE',
      version: 2,
      issueDate: '2025-01-01T00:00:00Z',
      nextUpdate: '2025-02-01T00:00:00Z',
      tcbEvaluationDataNumber: 17,
      miscselect: '00000000',
      miscselectMask: 'FFFFFFFF',
      attributes: '11000000000000000000000000000000',
      attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
      mrsigner: 'DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5',
      isvprodid: 2,
      tcbLevels: [
        {
          tcb: { isvsvn: 4 },
          tcbDate: '2024-03-13T00:00:00Z',
          tcbStatus: 'UpToDate',
          advisoryIDs: ['INTEL-SA-1'],
        },
      ],
    };
    const doc = (o: object) => JSON.stringify({ enclaveIdentity: o, signature: '00'.repeat(64) });
    const q = parseQeIdentity(doc(qe));
    expect(q.miscSelectMask).toBe(0xffffffff);
    expect(q.tcbLevels[0]!.advisoryIds).toEqual(['INTEL-SA-1']);
    expectAttestError(() => parseQeIdentity(doc({ ...qe, version: 1 })), 'ERR_BAD_VERSION');
    expectAttestError(() => parseQeIdentity(doc({ ...qe, id: 'XX' })), 'ERR_BAD_VALUE');
    expectAttestError(() => parseQeIdentity(doc({ ...qe, mrsigner: 'DC9E' })), 'ERR_BAD_VALUE');
  });

  it('dcap-qvl collateral keeps the signed text unchanged', () => {
    const inner = '{"id":"TDX","version":3}';
    const c = tdxCollateralFromDcapQvl({
      tcb_info: inner,
      tcb_info_signature: 'ab'.repeat(64),
      tcb_info_issuer_chain: 'chain',
      qe_identity: '{"x":1}',
      qe_identity_signature: 'cd'.repeat(64),
      qe_identity_issuer_chain: 'chain2',
      pck_crl: '3000',
    });
    expect(c.tcbInfo).toBe(`{"tcbInfo":${inner},"signature":"${'ab'.repeat(64)}"}`);
    expect(c.pckCrl).toEqual(new Uint8Array([0x30, 0]));
    expect(c.rootCaCrl).toBeUndefined();
    expectAttestError(() => tdxCollateralFromDcapQvl('{"tcb_info":"x"}'), 'ERR_MISSING_FIELD');
    // An object input with a member of the wrong type: a bad value, not a missing one.
    expectAttestError(
      () => tdxCollateralFromDcapQvl({ tcb_info: 5 } as unknown as string),
      'ERR_BAD_VALUE',
    );
    // The body must be exactly one JSON object: text that closes it and adds members (the
    // review's splice) or that is not an object at all is refused.
    const withBody = (tcbInfo: string) =>
      tdxCollateralFromDcapQvl({
        tcb_info: tcbInfo,
        tcb_info_signature: 'ab'.repeat(64),
        tcb_info_issuer_chain: 'chain',
        qe_identity: '{"x":1}',
        qe_identity_signature: 'cd'.repeat(64),
        qe_identity_issuer_chain: 'chain2',
      });
    for (const bad of [`${inner},"injected":{"a":1}`, '[1]', '"text"', 'null', '{']) {
      expectAttestError(() => withBody(bad), 'ERR_BAD_JSON');
    }
    expect(withBody(` ${inner}\n`).tcbInfo).toContain(inner);
  });
});
