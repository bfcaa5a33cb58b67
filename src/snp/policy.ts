/**
 * @module
 * Turns `options.policy` into `snp.policy.*` checks (called by `verify.ts`). The surface follows
 * go-sev-guest `validate.Options` (guest policy bits, verbatim fields, minimum TCBs, firmware
 * version, provisional firmware, platform info, ID block and author key) plus what newer ABI
 * revisions added (CXL, AES-256-XTS, RAPL, ciphertext hiding, page swap, mitigation vectors).
 * Field meanings: ABI 56860 rev 1.58 and `shared/spec-notes/snp.md` §1–§5.
 */
import { isAllZero } from '../core/bytes.js';
import type { Ledger } from '../core/checks.js';
import { equalBytes, fromHex, toHex } from '../core/encoding.js';
import { SNP_SIZE } from './layout.js';
import type {
  SnpBytesLike,
  SnpCheckId,
  SnpGuestPolicy,
  SnpPlatformInfoFlag,
  SnpPolicy,
  SnpReport,
  SnpReportTcbs,
  SnpTcb,
  SnpTcbMinimum,
} from './types.js';

/** A policy with byte fields decoded and every value validated. */
export interface CompiledSnpPolicy {
  readonly source: SnpPolicy;
  readonly bytes: Partial<Record<ByteField, Uint8Array>>;
  readonly measurements?: readonly Uint8Array[];
  readonly trustedIdKeyDigests?: readonly Uint8Array[];
  readonly trustedAuthorKeyDigests?: readonly Uint8Array[];
  readonly mitigation?: { readonly current?: bigint; readonly launch?: bigint };
}

type ByteField =
  'reportData' | 'hostData' | 'imageId' | 'familyId' | 'reportId' | 'reportIdMa' | 'chipId';

const BYTE_FIELDS: readonly [ByteField, SnpCheckId, string, number][] = [
  ['reportData', 'snp.policy.report-data', 'REPORT_DATA', SNP_SIZE.REPORT_DATA],
  ['hostData', 'snp.policy.host-data', 'HOST_DATA', SNP_SIZE.HOST_DATA],
  ['imageId', 'snp.policy.image-id', 'IMAGE_ID', SNP_SIZE.IMAGE_ID],
  ['familyId', 'snp.policy.family-id', 'FAMILY_ID', SNP_SIZE.FAMILY_ID],
  ['reportId', 'snp.policy.report-id', 'REPORT_ID', SNP_SIZE.REPORT_ID],
  ['reportIdMa', 'snp.policy.report-id-ma', 'REPORT_ID_MA', SNP_SIZE.REPORT_ID_MA],
  ['chipId', 'snp.policy.chip-id', 'CHIP_ID', SNP_SIZE.CHIP_ID],
];

/** PLATFORM_INFO flags by bit position (spec note §4; bit 6 has no name yet). */
const FLAGS: readonly SnpPlatformInfoFlag[] = [
  'smtEn',
  'tsmeEn',
  'eccEn',
  'raplDis',
  'ciphertextHidingEn',
  'aliasCheckComplete',
  'bit6',
  'tioEn',
];

/** Boolean policy fields about a POLICY bit (spec note §3). */
type FlagField =
  | 'allowDebug'
  | 'allowMigrationAgent'
  | 'allowSmt'
  | 'requireSingleSocket'
  | 'allowCxl'
  | 'requireMemAes256Xts'
  | 'requireRaplDisabled'
  | 'requireCiphertextHiding'
  | 'requirePageSwapDisabled';

/** The boolean (single-bit) fields of a decoded guest POLICY. */
type PolicyBit = {
  [K in keyof SnpGuestPolicy]: SnpGuestPolicy[K] extends boolean ? K : never;
}[keyof SnpGuestPolicy];

/**
 * The guest POLICY bits a policy field accepts (`allow…`: a set bit fails unless allowed) or
 * demands (`require…`: a clear bit fails when required), with the check each one records and
 * what the bit means. DEBUG, MIGRATE_MA and CXL_ALLOW are checked even when the policy does not
 * mention them (go-sev-guest rejects all three unless the policy permits them).
 */
const GUEST_POLICY_FLAGS: readonly (readonly [
  id: SnpCheckId,
  field: FlagField,
  bit: PolicyBit,
  what: string,
  always?: boolean,
  risk?: string,
])[] = [
  [
    'snp.policy.debug',
    'allowDebug',
    'debug',
    'debugging',
    true,
    ' (the hypervisor can read guest memory)',
  ],
  ['snp.policy.migrate-ma', 'allowMigrationAgent', 'migrateMa', 'a migration agent', true],
  ['snp.policy.smt', 'allowSmt', 'smt', 'SMT'],
  ['snp.policy.single-socket', 'requireSingleSocket', 'singleSocket', 'a single socket'],
  // CXL_ALLOW lets the guest use CXL-attached memory; go-sev-guest's default policy rejects it
  // ("unauthorized CXL capability"), and so does attestkit unless `allowCxl`.
  ['snp.policy.cxl', 'allowCxl', 'cxlAllow', 'CXL', true],
  [
    'snp.policy.mem-aes-256-xts',
    'requireMemAes256Xts',
    'memAes256Xts',
    'AES-256-XTS memory encryption',
  ],
  ['snp.policy.rapl-dis', 'requireRaplDisabled', 'raplDis', 'RAPL disabled'],
  [
    'snp.policy.ciphertext-hiding',
    'requireCiphertextHiding',
    'ciphertextHiding',
    'ciphertext hiding',
  ],
  [
    'snp.policy.page-swap-disable',
    'requirePageSwapDisabled',
    'pageSwapDisable',
    'page swap disabled',
  ],
];

/**
 * Every field of {@link SnpPolicy}. Any other key is rejected: a policy often comes from JSON
 * config, where a misspelt field (`measurment`) would otherwise be ignored and its check skipped.
 * The `Record` type makes the compiler flag a field added to `SnpPolicy` but not here.
 */
const POLICY_FIELDS: Readonly<Record<keyof SnpPolicy, true>> = {
  allowDebug: true,
  allowMigrationAgent: true,
  allowSmt: true,
  requireSingleSocket: true,
  allowCxl: true,
  requireMemAes256Xts: true,
  requireRaplDisabled: true,
  requireCiphertextHiding: true,
  requirePageSwapDisabled: true,
  minimumAbi: true,
  vmpl: true,
  minimumGuestSvn: true,
  reportData: true,
  hostData: true,
  measurement: true,
  imageId: true,
  familyId: true,
  reportId: true,
  reportIdMa: true,
  chipId: true,
  minimumTcb: true,
  minimumLaunchTcb: true,
  minimumBuild: true,
  minimumVersion: true,
  requireCommittedTcb: true,
  platformInfo: true,
  requireIdBlock: true,
  requireAuthorKey: true,
  trustedIdKeyDigests: true,
  trustedAuthorKeyDigests: true,
  minimumMitigationVector: true,
};

const POLICY_FIELD_NAMES: readonly string[] = /* @__PURE__ */ Object.keys(POLICY_FIELDS);

const TCB_FIELDS: readonly (keyof SnpTcbMinimum)[] = [
  'bootloader',
  'tee',
  'snp',
  'microcode',
  'fmc',
];

/** Every boolean policy field, checked for its type by {@link compileSnpPolicy}. */
const BOOLEAN_FIELDS = /* @__PURE__ */ GUEST_POLICY_FLAGS.map(
  (f) => f[1] as keyof SnpPolicy,
).concat('requireCommittedTcb', 'requireIdBlock', 'requireAuthorKey');

function toBytes(v: SnpBytesLike, name: string, size: number): Uint8Array {
  let b: Uint8Array;
  if (v instanceof Uint8Array) b = v;
  else if (typeof v === 'string') {
    try {
      b = fromHex(v.startsWith('0x') ? v.slice(2) : v);
    } catch {
      throw new TypeError(`policy.${name} is not valid hex`);
    }
  } else throw new TypeError(`policy.${name} must be bytes or a hex string`);
  if (b.length !== size)
    throw new RangeError(`policy.${name} must be ${size} bytes, got ${b.length}`);
  return b;
}

function checkInt(v: unknown, name: string, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new RangeError(`policy.${name} must be an integer 0–${max}`);
  }
}

function checkBool(v: unknown, name: string): void {
  if (v !== undefined && typeof v !== 'boolean')
    throw new TypeError(`policy.${name} must be a boolean`);
}

/**
 * Checks that `v` is a plain object whose keys are all in `known` and, when `nonEmpty`, that it
 * gives at least one of them: an unknown key (a misspelt field) or an empty object would make a
 * required check that compares nothing, and so passes whatever the report says.
 */
function checkFields(v: unknown, name: string, known: readonly string[], nonEmpty: boolean): void {
  const where = name === '' ? 'policy' : `policy.${name}`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError(`${where} must be an object`);
  }
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) {
      const hint = known.find((f) => f.toLowerCase() === k.toLowerCase());
      throw new TypeError(
        `${where} has an unknown field "${k}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}`,
      );
    }
  }
  if (nonEmpty && !known.some((k) => (v as Record<string, unknown>)[k] !== undefined)) {
    throw new TypeError(`${where} gives no field (expected at least one of ${known.join(', ')})`);
  }
}

function checkTcbMinimum(v: SnpTcbMinimum | undefined, name: string): void {
  if (v === undefined) return;
  checkFields(v, name, TCB_FIELDS, true);
  for (const k of TCB_FIELDS) {
    if (v[k] !== undefined) checkInt(v[k], `${name}.${k}`, 255);
  }
}

function toVector(v: bigint | number | undefined, name: string): bigint | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`policy.${name} must be ≥ 0`);
    return BigInt(v);
  }
  if (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n) {
    throw new RangeError(`policy.${name} must be a u64`);
  }
  return v;
}

/**
 * Validates a policy and decodes its byte fields. Programming errors (wrong types, wrong
 * lengths) throw; the verifier calls this before running any check.
 *
 * A policy must not fail open: a key that is not a field of `SnpPolicy`, at the top level or
 * inside `minimumTcb`, `minimumLaunchTcb`, `minimumAbi`, `minimumVersion`, `vmpl`,
 * `platformInfo` or `minimumMitigationVector`, is a `TypeError`, and so is one of those objects
 * when it gives no field (or `platformInfo` with only an empty `require`). `requireIdBlock: true`
 * needs `trustedIdKeyDigests` or `trustedAuthorKeyDigests`, and `requireAuthorKey: true` needs
 * `trustedAuthorKeyDigests` (go-sev-guest trusts an ID block only through those lists, and
 * rejects every report without them; attestkit says so when the policy is compiled): the host
 * chooses the ID block, and without a trust list only presence could be checked.
 *
 * @param policy - the caller's policy (or undefined for the defaults).
 * @returns the validated policy with byte fields as bytes.
 * @throws {TypeError | RangeError} for a malformed policy: `TypeError` for an unknown field, an
 *   empty sub-object, a wrong type or a `require…` flag without its trust list; `RangeError` for
 *   a value out of range or a byte field of the wrong length.
 * @example
 * ```ts
 * const compiled = compileSnpPolicy({ reportData: 'aa'.repeat(64) });
 * ```
 */
export function compileSnpPolicy(policy: SnpPolicy | undefined): CompiledSnpPolicy {
  const p = policy ?? {};
  checkFields(p, '', POLICY_FIELD_NAMES, false);
  for (const k of BOOLEAN_FIELDS) checkBool(p[k], k);
  for (const k of ['minimumAbi', 'minimumVersion'] as const) {
    const v = p[k];
    if (v !== undefined) {
      checkFields(v, k, ['major', 'minor'], true);
      checkInt(v.major, `${k}.major`, 255);
      checkInt(v.minor, `${k}.minor`, 255);
    }
  }
  if (p.vmpl !== undefined) {
    if (typeof p.vmpl === 'number') checkInt(p.vmpl, 'vmpl', 3);
    else {
      checkFields(p.vmpl, 'vmpl', ['max'], true);
      checkInt(p.vmpl.max, 'vmpl.max', 3);
    }
  }
  if (p.minimumGuestSvn !== undefined) checkInt(p.minimumGuestSvn, 'minimumGuestSvn', 0xffffffff);
  if (p.minimumBuild !== undefined) checkInt(p.minimumBuild, 'minimumBuild', 255);
  checkTcbMinimum(p.minimumTcb, 'minimumTcb');
  checkTcbMinimum(p.minimumLaunchTcb, 'minimumLaunchTcb');
  if (p.platformInfo !== undefined) {
    checkFields(p.platformInfo, 'platformInfo', ['allow', 'require'], true);
    for (const list of [p.platformInfo.allow, p.platformInfo.require]) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new TypeError('policy.platformInfo lists must be arrays');
      for (const f of list as readonly string[]) {
        if (!(FLAGS as readonly string[]).includes(f)) {
          throw new TypeError(`policy.platformInfo: unknown flag ${f}`);
        }
      }
    }
    // `{ require: [] }` alone demands nothing and forbids nothing.
    if (p.platformInfo.allow === undefined && p.platformInfo.require?.length === 0) {
      throw new TypeError(
        'policy.platformInfo compares nothing: give allow or a non-empty require',
      );
    }
  }
  const bytes: Partial<Record<ByteField, Uint8Array>> = {};
  for (const [field, , , size] of BYTE_FIELDS) {
    const v = p[field];
    if (v !== undefined) bytes[field] = toBytes(v, field, size);
  }
  const list = (
    v: SnpBytesLike | readonly SnpBytesLike[] | undefined,
    name: string,
    size: number,
  ): Uint8Array[] | undefined => {
    if (v === undefined) return undefined;
    const items = Array.isArray(v) ? (v as readonly SnpBytesLike[]) : [v as SnpBytesLike];
    if (items.length === 0) throw new RangeError(`policy.${name} must not be empty`);
    return items.map((x, i) => toBytes(x, `${name}[${i}]`, size));
  };
  const measurements = list(p.measurement, 'measurement', SNP_SIZE.MEASUREMENT);
  const trustedIdKeyDigests = list(p.trustedIdKeyDigests, 'trustedIdKeyDigests', 48);
  const trustedAuthorKeyDigests = list(p.trustedAuthorKeyDigests, 'trustedAuthorKeyDigests', 48);
  // The host chooses the ID block and the author key; only a trust list says whose keys count.
  if (
    p.requireIdBlock === true &&
    trustedIdKeyDigests === undefined &&
    trustedAuthorKeyDigests === undefined
  ) {
    throw new TypeError(
      'policy.requireIdBlock needs policy.trustedIdKeyDigests or policy.trustedAuthorKeyDigests (without a trust list any ID key the host chose would pass)',
    );
  }
  if (p.requireAuthorKey === true && trustedAuthorKeyDigests === undefined) {
    throw new TypeError(
      'policy.requireAuthorKey needs policy.trustedAuthorKeyDigests (without it any author key the host chose would pass; trusted ID keys do not vouch for an author key)',
    );
  }
  let mitigation: CompiledSnpPolicy['mitigation'];
  if (p.minimumMitigationVector !== undefined) {
    checkFields(p.minimumMitigationVector, 'minimumMitigationVector', ['current', 'launch'], true);
    const current = toVector(p.minimumMitigationVector.current, 'minimumMitigationVector.current');
    const launch = toVector(p.minimumMitigationVector.launch, 'minimumMitigationVector.launch');
    mitigation = {
      ...(current !== undefined ? { current } : {}),
      ...(launch !== undefined ? { launch } : {}),
    };
  }
  return {
    source: p,
    bytes,
    ...(measurements !== undefined ? { measurements } : {}),
    ...(trustedIdKeyDigests !== undefined ? { trustedIdKeyDigests } : {}),
    ...(trustedAuthorKeyDigests !== undefined ? { trustedAuthorKeyDigests } : {}),
    ...(mitigation !== undefined ? { mitigation } : {}),
  };
}

/** The TCB components compared for a layout (FMC only on Turin). */
export function tcbComponents(t: SnpTcb): readonly (keyof SnpTcbMinimum)[] {
  return t.layout === 'turin'
    ? ['fmc', 'bootloader', 'tee', 'snp', 'microcode']
    : ['bootloader', 'tee', 'snp', 'microcode'];
}

/** The components where `low` exceeds `high` (empty when `low ≤ high` component-wise). */
export function tcbExceeding(low: SnpTcbMinimum, high: SnpTcb): string[] {
  const out: string[] = [];
  for (const k of tcbComponents(high)) {
    const l = low[k];
    if (l !== undefined && l > (high[k] ?? 0)) out.push(k);
  }
  return out;
}

/** Plain components of a TCB for `detail` (no bigint, so results serialise as JSON). */
export function tcbDetail(t: SnpTcbMinimum): Record<string, number> {
  const o: Record<string, number> = {};
  for (const k of ['fmc', 'bootloader', 'tee', 'snp', 'microcode'] as const) {
    const v = t[k];
    if (v !== undefined) o[k] = v;
  }
  return o;
}

type Id = SnpCheckId;

/** Context the policy checks read. */
export interface PolicyContext {
  readonly report: SnpReport;
  /** Decoded TCBs; undefined when the product (and so the layout) is unknown. */
  readonly tcb: SnpReportTcbs | undefined;
}

/**
 * Records every `snp.policy.*` check in `ledger`. Fields the policy gives are required; others
 * skip with the name of the missing field, and a `require…` field set to false skips (not
 * required) with that reason: a check that compared nothing is never a pass. `allowDebug`,
 * `allowMigrationAgent` and `allowCxl` always run.
 */
export function applySnpPolicy(
  ledger: Ledger<Id>,
  compiled: CompiledSnpPolicy,
  ctx: PolicyContext,
): void {
  const p = compiled.source;
  const { report } = ctx;
  const given = (id: Id, v: unknown, name: string): boolean => {
    if (v === undefined) {
      ledger.skip(id, `policy.${name} not given`);
      return false;
    }
    ledger.require(id);
    return true;
  };
  const pol = report.policy;

  for (const [id, field, bit, what, always, risk] of GUEST_POLICY_FLAGS) {
    const v = p[field];
    const isAllow = field.startsWith('allow');
    // `require…: false` demands nothing, so nothing is compared: the check did not run.
    if (!isAllow && v === false) {
      ledger.skip(id, `policy.${field} is false: ${what} is not required`);
      continue;
    }
    if (always === true) ledger.require(id);
    else if (!given(id, v, field)) continue;
    const set = pol[bit];
    const expected = v === true;
    const detail = { expected, actual: set };
    if (isAllow) {
      ledger.result(
        id,
        !set || expected,
        !set
          ? `the guest policy does not allow ${what}`
          : expected
            ? `the guest policy allows ${what}, and policy.${field} accepts it`
            : `the guest policy allows ${what}${risk ?? ''}; set policy.${field} to accept`,
        detail,
      );
    } else {
      ledger.result(
        id,
        set,
        set ? `the guest policy requires ${what}` : `the guest policy does not require ${what}`,
        detail,
      );
    }
  }

  /** A version or number against its minimum. */
  const atLeast = (
    id: Id,
    what: string,
    ok: boolean,
    have: string,
    want: string,
    detail: unknown,
  ): void => {
    ledger.result(id, ok, `${what} ${have} ${ok ? '≥' : 'is below'} ${want}`, detail);
  };
  const versionAtLeast = (
    id: Id,
    what: string,
    want: { readonly major: number; readonly minor: number },
    have: { readonly major: number; readonly minor: number },
  ): void => {
    atLeast(
      id,
      what,
      have.major > want.major || (have.major === want.major && have.minor >= want.minor),
      `${have.major}.${have.minor}`,
      `${want.major}.${want.minor}`,
      // Copies: `want` is the caller's policy object, which a reader of the result must not edit.
      { expected: { minimum: { major: want.major, minor: want.minor } }, actual: have },
    );
  };
  const numberAtLeast = (id: Id, what: string, want: number, have: number): void => {
    atLeast(id, what, have >= want, String(have), String(want), {
      expected: { minimum: want },
      actual: have,
    });
  };

  if (given('snp.policy.abi', p.minimumAbi, 'minimumAbi')) {
    versionAtLeast('snp.policy.abi', 'guest policy ABI', p.minimumAbi!, {
      major: pol.abiMajor,
      minor: pol.abiMinor,
    });
  }
  if (given('snp.policy.vmpl', p.vmpl, 'vmpl')) {
    const v = p.vmpl!;
    const ok = typeof v === 'number' ? report.vmpl === v : report.vmpl <= v.max;
    ledger.result(
      'snp.policy.vmpl',
      ok,
      ok
        ? `VMPL ${report.vmpl}`
        : `VMPL ${report.vmpl} is not ${typeof v === 'number' ? v : `≤ ${v.max}`}`,
      { expected: typeof v === 'number' ? v : { max: v.max }, actual: report.vmpl },
    );
  }
  if (given('snp.policy.guest-svn', p.minimumGuestSvn, 'minimumGuestSvn')) {
    numberAtLeast('snp.policy.guest-svn', 'GUEST_SVN', p.minimumGuestSvn!, report.guestSvn);
  }
  for (const [field, id, spec] of BYTE_FIELDS) {
    byteCheck(ledger, id, field, spec, compiled.bytes[field], report[field]);
  }
  measurementCheck(ledger, compiled, report);

  tcbCheck(
    ledger,
    'snp.policy.minimum-tcb',
    p.minimumTcb,
    'minimumTcb',
    ctx.tcb?.reported,
    'REPORTED_TCB',
  );
  tcbCheck(
    ledger,
    'snp.policy.minimum-launch-tcb',
    p.minimumLaunchTcb,
    'minimumLaunchTcb',
    ctx.tcb?.launch,
    'LAUNCH_TCB',
  );

  if (given('snp.policy.minimum-build', p.minimumBuild, 'minimumBuild')) {
    numberAtLeast(
      'snp.policy.minimum-build',
      'firmware build',
      p.minimumBuild!,
      report.currentBuild,
    );
  }
  if (given('snp.policy.minimum-version', p.minimumVersion, 'minimumVersion')) {
    versionAtLeast('snp.policy.minimum-version', 'firmware API', p.minimumVersion!, {
      major: report.currentMajor,
      minor: report.currentMinor,
    });
  }
  if (p.requireCommittedTcb === false) {
    ledger.skip(
      'snp.policy.committed-tcb',
      'policy.requireCommittedTcb is false: provisional firmware permitted (COMMITTED ≤ CURRENT is still checked by snp.tcb.relations)',
    );
  } else if (given('snp.policy.committed-tcb', p.requireCommittedTcb, 'requireCommittedTcb')) {
    committedCheck(ledger, ctx);
  }
  if (given('snp.policy.platform-info', p.platformInfo, 'platformInfo')) {
    platformInfoCheck(ledger, p.platformInfo!, report);
  }
  idBlockChecks(ledger, compiled, report);
  if (given('snp.policy.mitigation-vector', compiled.mitigation, 'minimumMitigationVector')) {
    mitigationCheck(ledger, compiled.mitigation!, report);
  }
}

function byteCheck(
  ledger: Ledger<Id>,
  id: Id,
  name: string,
  spec: string,
  want: Uint8Array | undefined,
  have: Uint8Array,
): void {
  if (want === undefined) {
    ledger.skip(id, `policy.${name} not given`);
    return;
  }
  ledger.require(id);
  const ok = equalBytes(want, have);
  ledger.result(id, ok, ok ? `${spec} matches` : `${spec} does not match the policy`, {
    expected: toHex(want),
    actual: toHex(have),
  });
}

function measurementCheck(
  ledger: Ledger<Id>,
  compiled: CompiledSnpPolicy,
  report: SnpReport,
): void {
  const id: Id = 'snp.policy.measurement';
  const list = compiled.measurements;
  if (list === undefined) {
    ledger.skip(id, 'policy.measurement not given');
    return;
  }
  ledger.require(id);
  const index = list.findIndex((m) => equalBytes(m, report.measurement));
  ledger.result(
    id,
    index >= 0,
    index >= 0
      ? `MEASUREMENT matches${list.length > 1 ? ` accepted value #${index}` : ''}`
      : `MEASUREMENT matches none of the ${list.length} accepted value(s)`,
    {
      expected: list.length === 1 ? toHex(list[0]!) : list.map(toHex),
      actual: toHex(report.measurement),
    },
  );
}

function tcbCheck(
  ledger: Ledger<Id>,
  id: Id,
  want: SnpTcbMinimum | undefined,
  name: string,
  have: SnpTcb | undefined,
  spec: string,
): void {
  if (want === undefined) {
    ledger.skip(id, `policy.${name} not given`);
    return;
  }
  ledger.require(id);
  if (have === undefined) {
    ledger.fail(id, `${spec} cannot be decoded: the product line (TCB layout) is unknown`, {
      expected: { minimum: tcbDetail(want) },
    });
    return;
  }
  // `{ fmc }` alone constrains nothing on a Milan/Genoa TCB: a check that compared nothing did
  // not run, so it is a skip (required, so `ok` is false), never a pass.
  if (!tcbComponents(have).some((k) => want[k] !== undefined)) {
    ledger.skip(
      id,
      `policy.${name} gives only components the ${spec} layout (${have.layout}) does not have`,
      { expected: { minimum: tcbDetail(want) }, actual: tcbDetail(have) },
    );
    return;
  }
  const low = tcbExceeding(want, have);
  ledger.result(
    id,
    low.length === 0,
    low.length === 0
      ? `${spec} meets the minimum component-wise`
      : `${spec} is below the minimum in ${low.join(', ')}`,
    { expected: { minimum: tcbDetail(want) }, actual: tcbDetail(have) },
  );
}

function committedCheck(ledger: Ledger<Id>, ctx: PolicyContext): void {
  const id: Id = 'snp.policy.committed-tcb';
  const r = ctx.report;
  const problems: string[] = [];
  if (ctx.tcb === undefined) problems.push('TCB layout unknown');
  else if (
    tcbExceeding(ctx.tcb.current, ctx.tcb.committed).length > 0 ||
    tcbExceeding(ctx.tcb.committed, ctx.tcb.current).length > 0
  ) {
    problems.push('COMMITTED_TCB ≠ CURRENT_TCB');
  }
  if (r.committedBuild !== r.currentBuild) problems.push('COMMITTED_BUILD ≠ CURRENT_BUILD');
  if (r.committedMajor !== r.currentMajor || r.committedMinor !== r.currentMinor) {
    problems.push('committed API version ≠ current');
  }
  const ver = (maj: number, min: number, b: number): string => `${maj}.${min}.${b}`;
  ledger.result(
    id,
    problems.length === 0,
    problems.length === 0
      ? 'the running firmware is committed'
      : `provisional firmware: ${problems.join('; ')}`,
    {
      expected: {
        ...(ctx.tcb !== undefined ? { tcb: tcbDetail(ctx.tcb.current) } : {}),
        version: ver(r.currentMajor, r.currentMinor, r.currentBuild),
      },
      actual: {
        ...(ctx.tcb !== undefined ? { tcb: tcbDetail(ctx.tcb.committed) } : {}),
        version: ver(r.committedMajor, r.committedMinor, r.committedBuild),
      },
    },
  );
}

function platformInfoCheck(
  ledger: Ledger<Id>,
  want: NonNullable<SnpPolicy['platformInfo']>,
  report: SnpReport,
): void {
  const id: Id = 'snp.policy.platform-info';
  const raw = report.platformInfo.raw;
  const set = (f: SnpPlatformInfoFlag): boolean => ((raw >> BigInt(FLAGS.indexOf(f))) & 1n) === 1n;
  const actual = FLAGS.filter(set);
  const problems: string[] = [];
  if (want.allow !== undefined) {
    const extra = actual.filter((f) => !want.allow!.includes(f));
    if (extra.length > 0) problems.push(`not allowed: ${extra.join(', ')}`);
    const unnamed = raw >> 8n;
    if (unnamed !== 0n) problems.push(`undocumented bits 63:8 set (0x${raw.toString(16)})`);
  }
  if (want.require !== undefined) {
    const missing = want.require.filter((f) => !set(f));
    if (missing.length > 0) problems.push(`required but clear: ${missing.join(', ')}`);
  }
  ledger.result(
    id,
    problems.length === 0,
    problems.length === 0
      ? `PLATFORM_INFO 0x${raw.toString(16)} acceptable`
      : `PLATFORM_INFO 0x${raw.toString(16)}: ${problems.join('; ')}`,
    {
      expected: {
        allow: want.allow !== undefined ? [...want.allow] : undefined,
        require: want.require !== undefined ? [...want.require] : undefined,
      },
      actual,
    },
  );
}

function idBlockChecks(ledger: Ledger<Id>, compiled: CompiledSnpPolicy, report: SnpReport): void {
  const p = compiled.source;
  const authorList = compiled.trustedAuthorKeyDigests;
  const idList = compiled.trustedIdKeyDigests;
  const contains = (list: readonly Uint8Array[] | undefined, d: Uint8Array): boolean =>
    list !== undefined && list.some((x) => equalBytes(x, d));
  const authorTrusted = report.keyInfo.authorKeyEn && contains(authorList, report.authorKeyDigest);

  // go-sev-guest semantics: RequireAuthorKey needs AUTHOR_KEY_EN and a trusted author key; an ID
  // block is trusted through a trusted author key or a trusted ID key. compileSnpPolicy has made
  // sure each `require…: true` comes with the list it is checked against.
  const authorId: Id = 'snp.policy.author-key';
  if (p.requireAuthorKey === undefined) {
    ledger.skip(authorId, 'policy.requireAuthorKey not given');
  } else if (!p.requireAuthorKey) {
    ledger.skip(authorId, 'policy.requireAuthorKey is false: an author key is not required');
  } else {
    ledger.require(authorId);
    const problem = !report.keyInfo.authorKeyEn
      ? 'AUTHOR_KEY_EN is 0 (no author key)'
      : !authorTrusted
        ? 'AUTHOR_KEY_DIGEST is not a trusted author key'
        : undefined;
    ledger.result(authorId, problem === undefined, problem ?? 'author key trusted', {
      expected: (authorList ?? []).map(toHex),
      actual: {
        authorKeyEn: report.keyInfo.authorKeyEn,
        authorKeyDigest: toHex(report.authorKeyDigest),
      },
    });
  }

  const idId: Id = 'snp.policy.id-key';
  if (idList === undefined && authorList === undefined) {
    ledger.skip(
      idId,
      p.requireIdBlock === false
        ? 'policy.requireIdBlock is false: an ID block is not required'
        : 'policy.requireIdBlock / policy.trustedIdKeyDigests not given',
    );
    return;
  }
  ledger.require(idId);
  const present = !isAllZero(report.idKeyDigest);
  const idTrusted = contains(idList, report.idKeyDigest);
  const problem = !present
    ? 'no ID block (ID_KEY_DIGEST is zero)'
    : !authorTrusted && !idTrusted
      ? 'ID_KEY_DIGEST is not trusted (and no trusted author key endorses it)'
      : undefined;
  ledger.result(
    idId,
    problem === undefined,
    problem ?? (authorTrusted ? 'ID key endorsed by a trusted author key' : 'ID key trusted'),
    {
      expected: {
        idKeyDigests: (idList ?? []).map(toHex),
        authorKeyDigests: (authorList ?? []).map(toHex),
      },
      actual: {
        idKeyDigest: toHex(report.idKeyDigest),
        authorKeyEn: report.keyInfo.authorKeyEn,
        authorKeyDigest: toHex(report.authorKeyDigest),
      },
    },
  );
}

function mitigationCheck(
  ledger: Ledger<Id>,
  want: NonNullable<CompiledSnpPolicy['mitigation']>,
  report: SnpReport,
): void {
  const id: Id = 'snp.policy.mitigation-vector';
  if (report.currentMitVector === undefined || report.launchMitVector === undefined) {
    ledger.fail(id, `report version ${report.version} has no mitigation vectors (v5+)`, {
      expected: { current: want.current?.toString(16), launch: want.launch?.toString(16) },
      actual: { version: report.version },
    });
    return;
  }
  const problems: string[] = [];
  const missing = (have: bigint, need: bigint | undefined): bigint =>
    need === undefined ? 0n : need & ~have;
  const mc = missing(report.currentMitVector, want.current);
  const ml = missing(report.launchMitVector, want.launch);
  if (mc !== 0n) problems.push(`CURRENT_MIT_VECTOR lacks 0x${mc.toString(16)}`);
  if (ml !== 0n) problems.push(`LAUNCH_MIT_VECTOR lacks 0x${ml.toString(16)}`);
  ledger.result(
    id,
    problems.length === 0,
    problems.length === 0 ? 'mitigation vectors include every required bit' : problems.join('; '),
    {
      expected: {
        ...(want.current !== undefined ? { current: `0x${want.current.toString(16)}` } : {}),
        ...(want.launch !== undefined ? { launch: `0x${want.launch.toString(16)}` } : {}),
      },
      actual: {
        current: `0x${report.currentMitVector.toString(16)}`,
        launch: `0x${report.launchMitVector.toString(16)}`,
      },
    },
  );
}
