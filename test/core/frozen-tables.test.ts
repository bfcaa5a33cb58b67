/**
 * Exported tables that steer verification are frozen: a caller (or a dependency) that edits one,
 * say to add a test root pin, would otherwise change what every later verification in the
 * process trusts or how it parses.
 */
import { describe, expect, it } from 'vitest';
import { expectFrozenTables } from '../support/frozen.js';
import {
  SNP_ARK_PINS,
  SNP_CERT_TABLE_GUID,
  SNP_OFFSET,
  SNP_PRODUCTS,
  SNP_CHECK_IDS,
  SNP_VCEK_OID,
} from '../../src/snp/index.js';
import { CCA_PLATFORM_PROFILES, CCA_REALM_PROFILES } from '../../src/cca/index.js';
import {
  DEFAULT_TDX_ROOT_PINS,
  PCS_ISSUER_CHAIN_HEADERS,
  TDX_CHECK_IDS,
} from '../../src/tdx/index.js';

describe('exported SEV-SNP, TDX and CCA tables are frozen', () => {
  it('root pins cannot be widened', () => {
    expect(() => (SNP_ARK_PINS.Genoa as string[]).push('00'.repeat(32))).toThrow(TypeError);
    expect(() => {
      (SNP_ARK_PINS as Record<string, readonly string[]>).Genoa = ['00'.repeat(32)];
    }).toThrow(TypeError);
    expect(() => (DEFAULT_TDX_ROOT_PINS as string[]).push('00'.repeat(32))).toThrow(TypeError);
    expect(SNP_ARK_PINS.Genoa).toHaveLength(1);
    expect(DEFAULT_TDX_ROOT_PINS).toHaveLength(1);
  });

  it('layouts, OIDs, products, header names and check ids refuse edits', () => {
    expectFrozenTables([
      SNP_OFFSET,
      SNP_CERT_TABLE_GUID,
      SNP_PRODUCTS,
      SNP_VCEK_OID,
      PCS_ISSUER_CHAIN_HEADERS,
      TDX_CHECK_IDS,
      SNP_CHECK_IDS,
      CCA_PLATFORM_PROFILES,
      CCA_REALM_PROFILES,
    ]);
  });
});
