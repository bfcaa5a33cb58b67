/** vitest wrapper for suites that need the swtpm harness (see ./swtpm.ts). */
import { describe, it } from 'vitest';
import { hasSwtpm, missingSwtpmTools } from './swtpm.js';

/**
 * `describe` for suites that need a real software TPM: skipped (with the reason) when swtpm or
 * tpm2-tools is missing, except under CI=true, where the missing tools make the run fail.
 */
export function describeSwtpm(name: string, fn: () => void): void {
  if (hasSwtpm) {
    describe(name, fn);
    return;
  }
  const reason = `swtpm/tpm2-tools not on PATH (missing: ${missingSwtpmTools.join(', ')})`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`requires swtpm under CI=true`, () => {
        throw new Error(`CI=true but ${reason}; install swtpm swtpm-tools tpm2-tools`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${reason}]`, fn);
  }
}
