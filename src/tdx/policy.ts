/**
 * @module
 * Turns `options.policy` into `tdx.policy.*` checks (called by `verify.ts`): measurements (MRTD
 * any-of, RTMR0–3, MRSEAM, MRSIGNERSEAM, MRCONFIGID, MROWNER, MROWNERCONFIG, MRSERVICETD),
 * attributes (DEBUG rejected unless allowed, SEPT_VE_DISABLE required, MIGRATABLE opt-in, exact
 * TDATTRIBUTES / XFAM / SEAMATTRIBUTES), REPORTDATA, minimum TEE_TCB_SVN / QE SVN / PCE SVN /
 * TCB evaluation number, and the SGX enclave fields. Bit positions: TDX Module ABI spec,
 * "ATTRIBUTES"; SGX SDK `sgx_attributes.h`.
 */
import { equalBytes, fromHex, toHex } from '../core/encoding.js';
import { isAllZero } from '../core/bytes.js';
import type { Ledger } from '../core/checks.js';
import type {
  BytesLike,
  PckExtensions,
  QeIdentity,
  SgxReportBody,
  TcbInfo,
  TdReportBody,
  TdxCheckId,
  TdxPolicy,
  TdxQuote,
} from './types.js';

function bytesOf(value: BytesLike, name: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (!/^(0x)?[0-9a-fA-F]*$/.test(value) || value.length % 2 !== 0) {
      throw new TypeError(`policy.${name} must be hex or a Uint8Array`);
    }
    return fromHex(value.startsWith('0x') ? value.slice(2) : value);
  }
  throw new TypeError(`policy.${name} must be hex or a Uint8Array`);
}

function listOf(value: BytesLike | readonly BytesLike[], name: string): Uint8Array[] {
  return (Array.isArray(value) ? (value as readonly BytesLike[]) : [value as BytesLike]).map((v) =>
    bytesOf(v, name),
  );
}

const u64hex = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

/** Validates a policy object's types up front (a wrong type is a programming error). */
export function assertTdxPolicy(policy: unknown): asserts policy is TdxPolicy {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new TypeError('options.policy must be an object');
  }
  const p = policy as Record<string, unknown>;
  const bytesFields = [
    'mrSignerSeam',
    'mrConfigId',
    'mrOwner',
    'mrOwnerConfig',
    'reportData',
    'minimumTeeTcbSvn',
    'mrServiceTd',
    'mrSigner',
  ];
  for (const f of bytesFields) if (p[f] !== undefined) bytesOf(p[f] as BytesLike, f);
  for (const f of ['mrTd', 'mrSeam', 'mrEnclave'])
    if (p[f] !== undefined) listOf(p[f] as BytesLike, f);
  if (p.rtmrs !== undefined) {
    if (!Array.isArray(p.rtmrs) || p.rtmrs.length > 4)
      throw new TypeError('policy.rtmrs must be an array of up to 4 entries');
    (p.rtmrs as unknown[]).forEach((r, i) => {
      if (r !== null && r !== undefined) bytesOf(r as BytesLike, `rtmrs[${i}]`);
    });
  }
  for (const f of ['seamAttributes', 'tdAttributes', 'tdAttributesMask', 'xfam', 'xfamMask']) {
    if (p[f] !== undefined && typeof p[f] !== 'bigint')
      throw new TypeError(`policy.${f} must be a bigint`);
  }
  // A mask alone would compare nothing (its check would skip): say what the masked bits must be.
  for (const f of ['tdAttributes', 'xfam']) {
    if (p[`${f}Mask`] !== undefined && p[f] === undefined)
      throw new TypeError(
        `policy.${f}Mask needs policy.${f} (the value the masked bits must have)`,
      );
  }
  // TEE_TCB_SVN is 16 bytes; a shorter minimum would compare fewer components (none when empty).
  if (
    p.minimumTeeTcbSvn !== undefined &&
    bytesOf(p.minimumTeeTcbSvn as BytesLike, 'minimumTeeTcbSvn').length !== 16
  )
    throw new TypeError('policy.minimumTeeTcbSvn must be 16 bytes (TEE_TCB_SVN)');
  for (const f of [
    'minimumQeSvn',
    'minimumPceSvn',
    'minimumTcbEvaluationDataNumber',
    'isvProdId',
    'minimumIsvSvn',
  ]) {
    if (p[f] !== undefined && !Number.isSafeInteger(p[f]))
      throw new TypeError(`policy.${f} must be an integer`);
  }
  for (const f of ['allowDebug', 'requireSeptVeDisable', 'allowMigratable', 'allowServiceTd']) {
    if (p[f] !== undefined && typeof p[f] !== 'boolean')
      throw new TypeError(`policy.${f} must be a boolean`);
  }
}

/** Facts from earlier steps that some policy checks need. */
export interface PolicyContext {
  readonly pck?: PckExtensions;
  readonly tcbInfo?: TcbInfo;
  readonly qeIdentity?: QeIdentity;
}

/**
 * Records every `tdx.policy.*` check for `quote` in `ledger` (marking those the policy asks for
 * as required).
 */
export function applyTdxPolicy(
  ledger: Ledger<TdxCheckId>,
  quote: TdxQuote,
  policy: TdxPolicy,
  ctx: PolicyContext,
): void {
  const body = quote.body;
  const td: TdReportBody | undefined = body.kind === 'sgx' ? undefined : body;
  const sgx: SgxReportBody | undefined = body.kind === 'sgx' ? body : undefined;

  const exact = (
    id: TdxCheckId,
    name: string,
    expected: BytesLike | undefined,
    actual: Uint8Array | undefined,
  ): void => {
    if (expected === undefined) return ledger.skip(id, `policy.${name} not given`);
    ledger.require(id);
    if (actual === undefined)
      return ledger.fail(id, `the quote has no ${name} (${body.kind} body)`);
    const e = bytesOf(expected, name);
    ledger.result(
      id,
      equalBytes(e, actual),
      equalBytes(e, actual) ? `${name} matches` : `${name} differs from the policy`,
      {
        expected: toHex(e),
        actual: toHex(actual),
      },
    );
  };
  const anyOf = (
    id: TdxCheckId,
    name: string,
    expected: BytesLike | readonly BytesLike[] | undefined,
    actual: Uint8Array | undefined,
  ): void => {
    if (expected === undefined) return ledger.skip(id, `policy.${name} not given`);
    ledger.require(id);
    if (actual === undefined)
      return ledger.fail(id, `the quote has no ${name} (${body.kind} body)`);
    const list = listOf(expected, name);
    const ok = list.some((e) => equalBytes(e, actual));
    ledger.result(
      id,
      ok,
      ok
        ? `${name} is one of the ${list.length} accepted values`
        : `${name} is not among the ${list.length} accepted values`,
      {
        expected: list.map(toHex),
        actual: toHex(actual),
      },
    );
  };
  const masked = (
    id: TdxCheckId,
    name: string,
    expected: bigint | undefined,
    mask: bigint | undefined,
    actual: bigint | undefined,
  ): void => {
    if (expected === undefined) return ledger.skip(id, `policy.${name} not given`);
    ledger.require(id);
    if (actual === undefined)
      return ledger.fail(id, `the quote has no ${name} (${body.kind} body)`);
    const m = mask ?? 0xffffffffffffffffn;
    const ok = (actual & m) === (expected & m);
    ledger.result(id, ok, ok ? `${name} matches` : `${name} differs from the policy`, {
      expected: u64hex(expected),
      actual: u64hex(actual),
      mask: u64hex(m),
    });
  };
  const atLeast = (
    id: TdxCheckId,
    name: string,
    option: string,
    minimum: number | undefined,
    actual: number | undefined,
    missing: string,
  ): void => {
    if (minimum === undefined) return ledger.skip(id, `policy.${option} not given`);
    ledger.require(id);
    if (actual === undefined) return ledger.fail(id, missing);
    ledger.result(
      id,
      actual >= minimum,
      actual >= minimum ? `${name} ${actual} ≥ ${minimum}` : `${name} ${actual} < ${minimum}`,
      {
        expected: `>= ${minimum}`,
        actual,
      },
    );
  };

  // Debug: always checked (TD DEBUG bit 0; SGX ATTRIBUTES.FLAGS bit 1).
  ledger.require('tdx.policy.debug');
  const debug = td !== undefined ? td.tdAttributesView.debug : sgx!.attributesView.debug;
  if (!debug) ledger.pass('tdx.policy.debug', `not a debug ${td !== undefined ? 'TD' : 'enclave'}`);
  else if (policy.allowDebug === true)
    ledger.warn(
      'tdx.policy.debug',
      `debug ${td !== undefined ? 'TD' : 'enclave'} accepted by policy.allowDebug: the host can read its memory`,
    );
  else
    ledger.fail(
      'tdx.policy.debug',
      `debug ${td !== undefined ? 'TD' : 'enclave'}: the host can read and change its memory and state`,
      { expected: false, actual: true },
    );

  if (td === undefined) {
    if (policy.requireSeptVeDisable === true) {
      ledger.require('tdx.policy.sept-ve-disable');
      ledger.fail('tdx.policy.sept-ve-disable', 'not a TD quote: an SGX body has no TDATTRIBUTES');
    } else ledger.skip('tdx.policy.sept-ve-disable', 'not a TD quote');
    ledger.skip('tdx.policy.migratable', 'not a TD quote');
  } else {
    if (policy.requireSeptVeDisable === false)
      ledger.skip('tdx.policy.sept-ve-disable', 'policy.requireSeptVeDisable is false');
    else {
      ledger.require('tdx.policy.sept-ve-disable');
      ledger.result(
        'tdx.policy.sept-ve-disable',
        td.tdAttributesView.septVeDisable,
        td.tdAttributesView.septVeDisable
          ? 'SEPT_VE_DISABLE is set'
          : 'SEPT_VE_DISABLE is clear: the guest can be sent #VE on EPT violations',
        { expected: true, actual: td.tdAttributesView.septVeDisable },
      );
    }
    ledger.require('tdx.policy.migratable');
    if (!td.tdAttributesView.migratable) ledger.pass('tdx.policy.migratable', 'not migratable');
    else if (policy.allowMigratable === true)
      ledger.warn('tdx.policy.migratable', 'migratable TD accepted by policy.allowMigratable');
    else
      ledger.fail(
        'tdx.policy.migratable',
        'the TD is migratable (policy.allowMigratable not set)',
        { expected: false, actual: true },
      );
  }

  masked(
    'tdx.policy.td-attributes',
    'tdAttributes',
    policy.tdAttributes,
    policy.tdAttributesMask,
    td?.tdAttributes,
  );
  masked('tdx.policy.xfam', 'xfam', policy.xfam, policy.xfamMask, td?.xfam);
  anyOf('tdx.policy.mr-td', 'mrTd', policy.mrTd, td?.mrTd);
  const rtmrIds = [
    'tdx.policy.rtmr0',
    'tdx.policy.rtmr1',
    'tdx.policy.rtmr2',
    'tdx.policy.rtmr3',
  ] as const;
  rtmrIds.forEach((id, i) => {
    const e = policy.rtmrs?.[i];
    exact(id, `rtmrs[${i}]`, e === null ? undefined : e, td?.rtmrs[i]);
  });
  anyOf('tdx.policy.mr-seam', 'mrSeam', policy.mrSeam, td?.mrSeam);
  exact('tdx.policy.mr-signer-seam', 'mrSignerSeam', policy.mrSignerSeam, td?.mrSignerSeam);
  masked(
    'tdx.policy.seam-attributes',
    'seamAttributes',
    policy.seamAttributes,
    undefined,
    td?.seamAttributes,
  );
  exact('tdx.policy.mr-config-id', 'mrConfigId', policy.mrConfigId, td?.mrConfigId);
  exact('tdx.policy.mr-owner', 'mrOwner', policy.mrOwner, td?.mrOwner);
  exact('tdx.policy.mr-owner-config', 'mrOwnerConfig', policy.mrOwnerConfig, td?.mrOwnerConfig);

  if (policy.reportData === undefined)
    ledger.skip('tdx.policy.report-data', 'policy.reportData not given');
  else {
    ledger.require('tdx.policy.report-data');
    const e = bytesOf(policy.reportData, 'reportData');
    const actual = body.reportData;
    const ok =
      e.length <= 64 &&
      equalBytes(e, actual.subarray(0, e.length)) &&
      isAllZero(actual.subarray(e.length));
    ledger.result(
      'tdx.policy.report-data',
      ok,
      ok ? 'REPORTDATA matches' : 'REPORTDATA differs from the policy',
      {
        expected: toHex(e) + (e.length < 64 ? '00'.repeat(64 - e.length) : ''),
        actual: toHex(actual),
      },
    );
  }

  if (policy.minimumTeeTcbSvn === undefined)
    ledger.skip('tdx.policy.tee-tcb-svn', 'policy.minimumTeeTcbSvn not given');
  else {
    ledger.require('tdx.policy.tee-tcb-svn');
    const min = bytesOf(policy.minimumTeeTcbSvn, 'minimumTeeTcbSvn');
    if (td === undefined) ledger.fail('tdx.policy.tee-tcb-svn', 'not a TD quote');
    else {
      const below: number[] = [];
      for (let i = 0; i < min.length; i++) if ((td.teeTcbSvn[i] ?? 0) < min[i]!) below.push(i);
      ledger.result(
        'tdx.policy.tee-tcb-svn',
        below.length === 0,
        below.length === 0
          ? 'TEE_TCB_SVN meets the minimum'
          : `TEE_TCB_SVN below the minimum at component(s) ${below.join(', ')}`,
        { expected: `>= ${toHex(min)}`, actual: toHex(td.teeTcbSvn) },
      );
    }
  }
  atLeast(
    'tdx.policy.qe-svn',
    'QE ISVSVN',
    'minimumQeSvn',
    policy.minimumQeSvn,
    quote.certificationData.qeReport.isvSvn,
    'no QE report',
  );
  atLeast(
    'tdx.policy.pce-svn',
    'PCESVN',
    'minimumPceSvn',
    policy.minimumPceSvn,
    ctx.pck?.pceSvn,
    'the PCK certificate extensions could not be read',
  );

  if (td === undefined) {
    if (policy.mrServiceTd !== undefined) {
      ledger.require('tdx.policy.mr-service-td');
      ledger.fail('tdx.policy.mr-service-td', 'not a TD quote');
    } else ledger.skip('tdx.policy.mr-service-td', 'not a TD quote');
  } else if (td.mrServiceTd === undefined) {
    if (policy.mrServiceTd !== undefined) {
      ledger.require('tdx.policy.mr-service-td');
      ledger.fail('tdx.policy.mr-service-td', 'a TDX 1.0 report body has no MRSERVICETD');
    } else ledger.skip('tdx.policy.mr-service-td', 'a TDX 1.0 report body has no MRSERVICETD');
  } else if (policy.mrServiceTd !== undefined) {
    exact('tdx.policy.mr-service-td', 'mrServiceTd', policy.mrServiceTd, td.mrServiceTd);
  } else if (policy.allowServiceTd === true) {
    ledger.skip('tdx.policy.mr-service-td', 'policy.allowServiceTd: any MRSERVICETD accepted');
  } else {
    ledger.require('tdx.policy.mr-service-td');
    const zero = isAllZero(td.mrServiceTd);
    ledger.result(
      'tdx.policy.mr-service-td',
      zero,
      zero
        ? 'no service TDs are bound'
        : 'service TDs are bound to this TD (policy.allowServiceTd not set)',
      {
        expected: '00'.repeat(48),
        actual: toHex(td.mrServiceTd),
      },
    );
  }

  if (policy.minimumTcbEvaluationDataNumber === undefined) {
    ledger.skip(
      'tdx.policy.tcb-evaluation-number',
      'policy.minimumTcbEvaluationDataNumber not given',
    );
  } else {
    ledger.require('tdx.policy.tcb-evaluation-number');
    const min = policy.minimumTcbEvaluationDataNumber;
    if (ctx.tcbInfo === undefined || ctx.qeIdentity === undefined) {
      ledger.fail('tdx.policy.tcb-evaluation-number', 'needs verified TCB info and QE identity');
    } else {
      const actual = Math.min(
        ctx.tcbInfo.tcbEvaluationDataNumber,
        ctx.qeIdentity.tcbEvaluationDataNumber,
      );
      ledger.result(
        'tdx.policy.tcb-evaluation-number',
        actual >= min,
        `tcbEvaluationDataNumber ${actual} ${actual >= min ? '≥' : '<'} ${min}`,
        {
          expected: `>= ${min}`,
          actual: {
            tcbInfo: ctx.tcbInfo.tcbEvaluationDataNumber,
            qeIdentity: ctx.qeIdentity.tcbEvaluationDataNumber,
          },
        },
      );
    }
  }

  anyOf('tdx.policy.mr-enclave', 'mrEnclave', policy.mrEnclave, sgx?.mrEnclave);
  exact('tdx.policy.mr-signer', 'mrSigner', policy.mrSigner, sgx?.mrSigner);
  if (policy.isvProdId === undefined)
    ledger.skip('tdx.policy.isv-prod-id', 'policy.isvProdId not given');
  else {
    ledger.require('tdx.policy.isv-prod-id');
    if (sgx === undefined) ledger.fail('tdx.policy.isv-prod-id', 'not an SGX quote');
    else {
      const ok = sgx.isvProdId === policy.isvProdId;
      ledger.result(
        'tdx.policy.isv-prod-id',
        ok,
        ok ? 'ISVPRODID matches' : 'ISVPRODID differs from the policy',
        {
          expected: policy.isvProdId,
          actual: sgx.isvProdId,
        },
      );
    }
  }
  atLeast(
    'tdx.policy.isv-svn',
    'ISVSVN',
    'minimumIsvSvn',
    policy.minimumIsvSvn,
    sgx?.isvSvn,
    'not an SGX quote',
  );
}
