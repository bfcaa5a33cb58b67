/** layout.ts: the plain offset constants parse.ts reads agree with the public SNP_OFFSET table. */
import { describe, expect, it } from 'vitest';
import {
  SNP_CHIP_ID_OFFSET,
  SNP_COMMITTED_TCB_OFFSET,
  SNP_CURRENT_TCB_OFFSET,
  SNP_LAUNCH_TCB_OFFSET,
  SNP_OFFSET,
  SNP_POLICY_OFFSET,
  SNP_REPORTED_TCB_OFFSET,
} from '../../src/snp/layout.js';

describe('snp layout constants', () => {
  it('each plain offset equals its SNP_OFFSET entry', () => {
    expect({
      POLICY: SNP_POLICY_OFFSET,
      CURRENT_TCB: SNP_CURRENT_TCB_OFFSET,
      REPORTED_TCB: SNP_REPORTED_TCB_OFFSET,
      CHIP_ID: SNP_CHIP_ID_OFFSET,
      COMMITTED_TCB: SNP_COMMITTED_TCB_OFFSET,
      LAUNCH_TCB: SNP_LAUNCH_TCB_OFFSET,
    }).toEqual({
      POLICY: SNP_OFFSET.POLICY,
      CURRENT_TCB: SNP_OFFSET.CURRENT_TCB,
      REPORTED_TCB: SNP_OFFSET.REPORTED_TCB,
      CHIP_ID: SNP_OFFSET.CHIP_ID,
      COMMITTED_TCB: SNP_OFFSET.COMMITTED_TCB,
      LAUNCH_TCB: SNP_OFFSET.LAUNCH_TCB,
    });
  });
});
