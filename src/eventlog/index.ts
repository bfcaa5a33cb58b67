/**
 * @module
 * The public face of `attestkit/eventlog`: TCG PC Client event logs (PFP 1.06), CC event logs
 * (TDX CCEL, CCA realm logs) and Linux IMA measurement lists — parse, replay, verify against
 * quoted registers, and summarize what booted.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export type { Check, CheckStatus, Verification } from '../core/checks.js';
export { parseTcgEventLog } from './parse-tcg.js';
export type { TcgEventLogParseOptions } from './parse-tcg.js';
export { DEFAULT_MAX_EVENTS } from './records.js';
export { parseCcEventLog, parseCcelTable, CCEL_TABLE_SIZE } from './parse-cc.js';
export type { CcEventLogParseOptions } from './parse-cc.js';
export { DEFAULT_MAX_IMA_ENTRIES, parseImaLog } from './parse-ima.js';
export type { ImaParseOptions } from './parse-ima.js';
export { replayEventLog } from './replay.js';
export { verifyEventLog } from './verify.js';
export { summarizeBoot, describeCertificate } from './summary.js';
export type { SummarizeOptions } from './summary.js';
export { WORKAROUNDS } from './workarounds.js';
export type { Workaround } from './workarounds.js';
export {
  decodeEventData,
  decodeUefiVariable,
  decodeEfiSignatureLists,
  decodeGptData,
} from './event-data.js';
export type { DecodeContext } from './event-data.js';
export { decodeDevicePath } from './device-path.js';
export {
  EV,
  eventTypeName,
  EFI_GUID_NAMES,
  SIPA_TYPE_NAMES,
  TPM_ALG,
  EFI_ACTION,
} from './constants.js';
export type * from './types.js';
