/** Assertion helpers for AttestError: tests assert `code` and `offset`, never message text. */
import { expect } from 'vitest';
import { AttestError, type AttestErrorCode } from '../../src/core/errors.js';

/** Asserts `fn` throws an AttestError with `code` (and `offset` when given); returns it. */
export function expectAttestError(
  fn: () => unknown,
  code: AttestErrorCode,
  offset?: number,
): AttestError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an AttestError').toBeInstanceOf(AttestError);
  const err = caught as AttestError;
  expect(err.code).toBe(code);
  if (offset !== undefined) expect(err.offset).toBe(offset);
  return err;
}
