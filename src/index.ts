/**
 * Every public export of attestkit, re-exported: the core (errors, check ledger, encodings,
 * crypto, X.509, cache) and each platform. No logic lives here.
 *
 * @module attestkit
 */
export * from './core/public.js';
export * from './snp/index.js';
export * from './tdx/index.js';
export * from './cca/index.js';
export * from './tpm/index.js';
export * from './eventlog/index.js';
export * from './binding/index.js';
export * from './fetch/index.js';
// Names both `attestkit/tpm` and `attestkit/eventlog` export (the same structural types and
// registry, kept separate because platforms never import each other): the root takes the TPM's.
export { TPM_ALG } from './tpm/index.js';
export type { PcrBanks, PcrBankName } from './tpm/index.js';
