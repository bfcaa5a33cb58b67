/**
 * @module
 * The public face of `attestkit/fetch`: the only module that touches the network, always through
 * a caller-supplied `fetch`. Adapters to AMD KDS and Intel PCS (or a PCCS), static collateral
 * for offline use, and `withCache`.
 */
export { AttestError, isAttestError } from '../core/errors.js';
export type { AttestErrorCode } from '../core/errors.js';
export { withCache } from './with-cache.js';
export type { WithCacheOptions } from './with-cache.js';
export type { FetchLike, FetchInitLike, FetchResponseLike } from './http.js';
export { createKdsFetcher, staticSnpCollateral, KdsFetchError } from './kds.js';
export type {
  KdsFetcherOptions,
  KdsFetchFunction,
  KdsResponseLike,
  StaticSnpCollateralInput,
  StaticSnpCrls,
} from './kds.js';
export { createPcsFetcher, staticTdxCollateral, PcsFetchError } from './pcs.js';
export type { PcsFetcherOptions } from './pcs.js';
