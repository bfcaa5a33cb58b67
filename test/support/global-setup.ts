/** Fails a CI run when the shared vectors are missing; a user's clone without them still passes. */
import { hasVectors, VECTORS_DIR } from './vector-paths.js';

export default function setup(): void {
  if (process.env.CI === 'true' && !hasVectors) {
    throw new Error(`CI=true but no test vectors at ${VECTORS_DIR} (set ATTESTKIT_VECTORS)`);
  }
  if (!hasVectors) {
    console.warn(`[attestkit] vectors not found at ${VECTORS_DIR}: real-vector suites are skipped`);
  }
}
