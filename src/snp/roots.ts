/**
 * @module
 * The AMD root keys attestkit trusts: the SHA-256 of each ARK's SubjectPublicKeyInfo, per product
 * line (API.md "Fetchers and trust anchors"). Computed from the ARK certificates AMD KDS serves at
 * `/vcek/v1/{product}/cert_chain` (the same ARK heads `/vlek/v1/{product}/cert_chain`) and
 * cross-checked with `openssl x509 -pubkey | openssl pkey -pubin -outform DER | sha256sum`.
 * The certificates themselves arrive with the evidence or through a fetcher; wherever they come
 * from, an ARK is trusted only when its key matches a pin of the report's product.
 */
import type { SnpProduct } from './types.js';
import { frozen } from '../core/share.js';

/**
 * Pinned SPKI SHA-256 (lower-case hex) of the AMD Root Keys, per product.
 *
 * - Milan: ARK-Milan, serial 0x010000, valid 2020-10-22 – 2045-10-22.
 * - Genoa: ARK-Genoa, serial 0x020000, valid 2022-01-26 – 2047-01-26.
 * - Turin: ARK-Turin, serial 0x030000, valid 2023-05-15 – 2048-05-15.
 *
 * Replace them per call with `verifySnpReport(…, { rootPins })` (test roots, new products).
 * Exported from `attestkit/snp`.
 *
 * @example
 * ```ts
 * import { SNP_ARK_PINS } from 'attestkit/snp';
 * SNP_ARK_PINS.Genoa; // ['429a69c9…']
 * ```
 */
export const SNP_ARK_PINS: Readonly<Record<SnpProduct, readonly string[]>> = /* @__PURE__ */ frozen(
  {
    Milan: ['9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9'],
    Genoa: ['429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831'],
    Turin: ['4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08'],
  },
);
