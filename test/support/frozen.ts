/**
 * Asserts that each exported table, and every object it holds one level down, is frozen (what
 * the core `frozen` helper makes).
 */
import { expect } from 'vitest';

export function expectFrozenTables(tables: readonly object[]): void {
  for (const t of tables) {
    expect(Object.isFrozen(t)).toBe(true);
    for (const v of Object.values(t))
      if (typeof v === 'object' && v !== null) expect(Object.isFrozen(v)).toBe(true);
  }
}
