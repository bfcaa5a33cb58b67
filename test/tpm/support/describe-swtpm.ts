/** vitest wrapper for suites that need the swtpm harness (see ./swtpm.ts). */
import { describe, it } from 'vitest';
import { hasSwtpm, missingSwtpmTools } from './swtpm.js';

/** Why swtpm suites cannot run here, or undefined when they can. */
export const swtpmSkipReason: string | undefined = hasSwtpm
  ? undefined
  : `swtpm/tpm2-tools not on PATH (missing: ${missingSwtpmTools.join(', ')})`;

/**
 * `describe` for suites that need a real software TPM. Without swtpm or tpm2-tools the suite's
 * tests are registered as skipped, beside one test that skips itself with the reason, so the
 * default reporter prints why (a suite-level skip shows only a count). Under CI=true the missing
 * tools make the run fail instead.
 */
export function describeSwtpm(name: string, fn: () => void): void {
  if (swtpmSkipReason === undefined) {
    describe(name, fn);
    return;
  }
  const reason = swtpmSkipReason;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`requires swtpm under CI=true`, () => {
        throw new Error(`CI=true but ${reason}; install swtpm swtpm-tools tpm2-tools`);
      });
    });
    return;
  }
  describe(`${name} [skipped]`, () => {
    it(`not run: ${reason}`, (ctx) => ctx.skip('install swtpm, swtpm-tools and tpm2-tools'));
    describe.skip('tests that need swtpm', fn);
  });
}
