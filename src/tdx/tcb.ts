/**
 * @module
 * TCB level matching and status merging as Intel's Quote Verification Library does it (Intel
 * SGX/TDX DCAP QVL, `TcbLevelCheck` / `TdxModuleCheck` / status convergence): SGX components and
 * PCESVN from the PCK certificate, TDX components from TEE_TCB_SVN, the TDX module identity
 * `TDX_%02X` when TEE_TCB_SVN[1] > 0, QE TCB from its ISVSVN, then the platform status merged
 * with the module and QE statuses, and the TDX 1.5 "TD relaunch advised" rule. Pure functions.
 */
import { equalBytes, toHex } from '../core/encoding.js';
import type {
  IsvSvnTcbLevel,
  QeIdentity,
  TcbInfo,
  TcbInfoLevel,
  TdxModuleInfo,
  TdxTcbStatus,
} from './types.js';

/** The result of looking up an ISV SVN in a list of levels (QE identity, module identity). */
export interface IsvSvnMatch {
  /** The matched level's `tcbStatus`; `NoMatchingTcbLevel` when every level needs a higher SVN. */
  readonly status: TdxTcbStatus;
  /** The first level (newest first) with `isvsvn` at most the SVN; absent when none. */
  readonly level?: IsvSvnTcbLevel;
}

/**
 * The first level (newest first) whose `isvsvn` is at most `isvSvn` (QE identity, TDX module
 * identity levels); none → `NoMatchingTcbLevel`. Intel QVL `getTcbStatus`.
 *
 * @param levels - levels in document order.
 * @param isvSvn - the SVN to place.
 * @returns the status and the matched level.
 * @example
 * ```ts
 * matchIsvSvn(qeIdentity.tcbLevels, quote.certificationData.qeReport.isvSvn).status
 * ```
 */
export function matchIsvSvn(levels: readonly IsvSvnTcbLevel[], isvSvn: number): IsvSvnMatch {
  for (const level of levels) {
    if (level.isvSvn <= isvSvn) return { status: level.tcbStatus, level };
  }
  return { status: 'NoMatchingTcbLevel' };
}

/**
 * QE TCB status from the QE report's ISVSVN (Intel QVL `EnclaveIdentityV2::getTcbStatus`).
 * Exported from `attestkit/tdx`.
 *
 * @param identity - a parsed (and verified) QE identity.
 * @param isvSvn - the QE report's ISVSVN.
 * @returns the QE status and level.
 * @example
 * ```ts
 * matchQeTcb(parseQeIdentity(text), 6).status // 'UpToDate'
 * ```
 */
export function matchQeTcb(identity: QeIdentity, isvSvn: number): IsvSvnMatch {
  return matchIsvSvn(identity.tcbLevels, isvSvn);
}

/** Outcome of the TDX module check. */
export type TdxModuleMatch =
  | {
      /** MRSIGNERSEAM and SEAMATTRIBUTES match the identity. */
      readonly ok: true;
      /** `tdxModule` or the `TDX_%02X` id used. */
      readonly identity: string;
      /** UpToDate for `tdxModule`; else the first identity level with isvsvn ≤ TEE_TCB_SVN[0]. */
      readonly status: TdxTcbStatus;
      /** The matched identity level; absent for `tdxModule` or when none matched. */
      readonly level?: IsvSvnTcbLevel;
    }
  | {
      /** The identity is missing from the TCB info or does not match the TD report. */
      readonly ok: false;
      /** `tdxModule` or the `TDX_%02X` id that was looked for. */
      readonly identity: string;
      /** What is missing or differs, as text. */
      readonly problem: string;
    };

function maskedEqual(value: Uint8Array, expected: Uint8Array, mask: Uint8Array): boolean {
  if (value.length !== expected.length || mask.length !== value.length) return false;
  let diff = 0;
  for (let i = 0; i < value.length; i++) diff |= (value[i]! ^ expected[i]!) & mask[i]!;
  return diff === 0;
}

function u64le(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/**
 * The TDX module identity and status (Intel QVL `TdxModuleCheck`): with TEE_TCB_SVN[1] = 0 the
 * `tdxModule` of the TCB info applies and its status is UpToDate; otherwise the identity
 * `TDX_%02X` (TEE_TCB_SVN[1]) applies and its status is that of the first level with
 * `isvsvn <= TEE_TCB_SVN[0]`. MRSIGNERSEAM must equal the identity's `mrsigner` and
 * SEAMATTRIBUTES must match its `attributes` under `attributesMask`. Exported from `attestkit/tdx`.
 *
 * @param info - a parsed (and verified) TDX TCB info.
 * @param teeTcbSvn - TEE_TCB_SVN of the TD report.
 * @param mrSignerSeam - MRSIGNERSEAM of the TD report.
 * @param seamAttributes - SEAMATTRIBUTES of the TD report.
 * @returns the identity used and its status, or the mismatch.
 * @example
 * ```ts
 * const m = matchTdxModule(info, body.teeTcbSvn, body.mrSignerSeam, body.seamAttributes);
 * ```
 */
export function matchTdxModule(
  info: TcbInfo,
  teeTcbSvn: Uint8Array,
  mrSignerSeam: Uint8Array,
  seamAttributes: bigint,
): TdxModuleMatch {
  const major = teeTcbSvn[1] ?? 0;
  let module: TdxModuleInfo | undefined;
  let identity: string;
  let levels: readonly IsvSvnTcbLevel[] | undefined;
  if (major === 0) {
    identity = 'tdxModule';
    module = info.tdxModule;
    if (module === undefined) {
      return { ok: false, identity, problem: 'TCB info has no tdxModule (TEE_TCB_SVN[1] = 0)' };
    }
  } else {
    identity = `TDX_${major.toString(16).toUpperCase().padStart(2, '0')}`;
    const found = info.tdxModuleIdentities.find((m) => m.id === identity);
    if (found === undefined) {
      return { ok: false, identity, problem: `TCB info has no module identity ${identity}` };
    }
    module = found;
    levels = found.tcbLevels;
  }
  if (!equalBytes(mrSignerSeam, module.mrSigner)) {
    return {
      ok: false,
      identity,
      problem: `MRSIGNERSEAM ${toHex(mrSignerSeam)} is not the ${identity} mrsigner ${toHex(module.mrSigner)}`,
    };
  }
  if (!maskedEqual(u64le(seamAttributes), module.attributes, module.attributesMask)) {
    return {
      ok: false,
      identity,
      problem: `SEAMATTRIBUTES ${toHex(u64le(seamAttributes))} do not match ${toHex(module.attributes)} under mask ${toHex(module.attributesMask)}`,
    };
  }
  if (levels === undefined) return { ok: true, identity, status: 'UpToDate' };
  const m = matchIsvSvn(levels, teeTcbSvn[0] ?? 0);
  return {
    ok: true,
    identity,
    status: m.status,
    ...(m.level !== undefined ? { level: m.level } : {}),
  };
}

/** Platform inputs to TCB level matching. */
export interface PlatformTcb {
  /** The PCK certificate's 16 SGX TCB component SVNs. */
  readonly sgxComponents: readonly number[];
  /** The PCK certificate's PCESVN. */
  readonly pceSvn: number;
  /** TEE_TCB_SVN of the TD report (TDX quotes only). */
  readonly teeTcbSvn?: Uint8Array;
}

/** Result of walking `tcbLevels`. */
export interface PlatformMatch {
  /** Index of the first level whose SGX part (components and PCESVN) matches. */
  readonly sgxLevelIndex?: number;
  /** Index of the first level whose SGX and (for TDX) TDX parts both match. */
  readonly platformLevelIndex?: number;
  /** The level at `platformLevelIndex`; absent when no level matched. */
  readonly level?: TcbInfoLevel;
  /** That level's `tcbStatus` before merging with QE and module, or `NoMatchingTcbLevel`. */
  readonly status: TdxTcbStatus;
}

function sgxPartMatches(level: TcbInfoLevel, p: PlatformTcb): boolean {
  for (let i = 0; i < 16; i++) {
    if ((p.sgxComponents[i] ?? 0) < (level.sgxComponents[i]?.svn ?? Infinity)) return false;
  }
  return p.pceSvn >= level.pceSvn;
}

function tdxPartMatches(level: TcbInfoLevel, teeTcbSvn: Uint8Array): boolean {
  const comps = level.tdxComponents;
  if (comps === undefined) return false;
  // With a module major version in TEE_TCB_SVN[1], bytes 0 and 1 belong to the module identity.
  const start = (teeTcbSvn[1] ?? 0) > 0 ? 2 : 0;
  for (let i = start; i < 16; i++) {
    if ((teeTcbSvn[i] ?? 0) < (comps[i]?.svn ?? Infinity)) return false;
  }
  return true;
}

/**
 * Walks `tcbLevels` in the given (newest-first) order and returns the first level whose SGX part
 * matches and, for TDX, whose TDX part matches too (the first SGX-matching level need not be the
 * TDX level: the walk continues, still requiring the SGX part). No such level →
 * `NoMatchingTcbLevel`. Exported from `attestkit/tdx`.
 *
 * @param info - a parsed (and verified) TCB info.
 * @param platform - the PCK certificate's components and PCESVN, and TEE_TCB_SVN for TDX.
 * @returns the matched level's index and status.
 * @example
 * ```ts
 * matchPlatformTcb(info, { sgxComponents: pck.sgxTcbComponents, pceSvn: pck.pceSvn, teeTcbSvn }).status
 * ```
 */
export function matchPlatformTcb(info: TcbInfo, platform: PlatformTcb): PlatformMatch {
  let sgxLevelIndex: number | undefined;
  for (let i = 0; i < info.tcbLevels.length; i++) {
    const level = info.tcbLevels[i]!;
    if (!sgxPartMatches(level, platform)) continue;
    sgxLevelIndex ??= i;
    if (platform.teeTcbSvn !== undefined && !tdxPartMatches(level, platform.teeTcbSvn)) continue;
    return { sgxLevelIndex, platformLevelIndex: i, level, status: level.tcbStatus };
  }
  return {
    ...(sgxLevelIndex !== undefined ? { sgxLevelIndex } : {}),
    status: 'NoMatchingTcbLevel',
  };
}

/**
 * Merges a platform status with a QE or module status (Intel QVL `convergeTcbStatus…`): an
 * OutOfDate QE/module turns UpToDate/SWHardeningNeeded into OutOfDate and the two Configuration
 * statuses into OutOfDateConfigurationNeeded; Revoked wins; an unmatched QE/module makes the
 * whole TCB unmatched. Exported from `attestkit/tdx`.
 *
 * @param platform - the platform (or already merged) status.
 * @param other - the QE or module status.
 * @returns the merged status.
 * @example
 * ```ts
 * convergeStatus('ConfigurationNeeded', 'OutOfDate') // 'OutOfDateConfigurationNeeded'
 * ```
 */
export function convergeStatus(platform: TdxTcbStatus, other: TdxTcbStatus): TdxTcbStatus {
  if (platform === 'NoMatchingTcbLevel' || other === 'NoMatchingTcbLevel')
    return 'NoMatchingTcbLevel';
  if (other === 'Revoked' || platform === 'Revoked') return 'Revoked';
  if (other === 'OutOfDate' || other === 'OutOfDateConfigurationNeeded') {
    if (platform === 'UpToDate' || platform === 'SWHardeningNeeded') return 'OutOfDate';
    if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded') {
      return 'OutOfDateConfigurationNeeded';
    }
  }
  return platform;
}

const RELAUNCH_SGX_STATUSES: ReadonlySet<TdxTcbStatus> = /* @__PURE__ */ new Set<TdxTcbStatus>([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
]);

/**
 * Intel's "TD relaunch advised" rule for TDX 1.5 quotes (TEE_TCB_SVN2 present): the platform is
 * OutOfDate only because of the module the TD was launched with, and the module after a
 * TD-preserving update (TEE_TCB_SVN2) would meet the newest level. Exported from `attestkit/tdx`.
 *
 * @param params - the TCB info, TEE_TCB_SVN2, the QE status, the SGX level's status, the status
 *   after merging with the module, and the module status.
 * @returns whether relaunching the TD is advised.
 * @example
 * ```ts
 * isRelaunchAdvised({ info, teeTcbSvn2, qeStatus, sgxLevelStatus, status, moduleStatus })
 * ```
 */
export function isRelaunchAdvised(params: {
  readonly info: TcbInfo;
  readonly teeTcbSvn2: Uint8Array;
  readonly qeStatus: TdxTcbStatus;
  readonly sgxLevelStatus: TdxTcbStatus | undefined;
  readonly status: TdxTcbStatus;
  readonly moduleStatus: TdxTcbStatus;
}): boolean {
  const { info, teeTcbSvn2: s, qeStatus, sgxLevelStatus, status, moduleStatus } = params;
  if (qeStatus === 'OutOfDate' || qeStatus === 'Revoked' || qeStatus === 'NoMatchingTcbLevel')
    return false;
  if (sgxLevelStatus === undefined || !RELAUNCH_SGX_STATUSES.has(sgxLevelStatus)) return false;
  if (status !== 'OutOfDate' && status !== 'OutOfDateConfigurationNeeded') return false;
  if (moduleStatus !== 'OutOfDate') return false;
  const latest = info.tcbLevels[0]?.tdxComponents;
  if (latest === undefined) return false;
  const s0 = s[0] ?? 0;
  const s1 = s[1] ?? 0;
  const s2 = s[2] ?? 0;
  if (s2 < (latest[2]?.svn ?? Infinity)) return false;
  if (s1 === 0) return s0 >= (latest[0]?.svn ?? Infinity);
  const id = `TDX_${s1.toString(16).toUpperCase().padStart(2, '0')}`;
  const identity = info.tdxModuleIdentities.find((m) => m.id === id);
  const newest = identity?.tcbLevels[0];
  return newest !== undefined && s0 >= newest.isvSvn;
}
