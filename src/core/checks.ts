/**
 * @module
 * The check ledger every `verify…` function returns (API.md "Verify"), and the builder that makes
 * its `ok` rule impossible to get wrong:
 *
 * - every declared check appears in the result, in declaration order, even when never recorded
 *   (it then shows as `skip` "not evaluated");
 * - `ok` is true only when no check failed and every *required* check passed or warned;
 * - a check whose inputs come from a failed or skipped step is skipped with that step named.
 */

/** Outcome of one check. `skip` is never success: it means the check did not run. */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'warn';

/** One step of a verification. Plain data, so results serialise as they are. */
export interface Check<Id extends string = string> {
  /** Stable dotted id, e.g. `snp.signature`. */
  readonly id: Id;
  /** `pass`, `fail`, `warn` (passed with a caveat; does not fail `ok`) or `skip` (did not run). */
  readonly status: CheckStatus;
  /** Human-readable explanation (why it failed, why it was skipped). */
  readonly message: string;
  /** Whether this check had to run for `ok` to be true. */
  readonly required: boolean;
  /** Machine-readable facts: `expected` / `actual` for mismatches, the cause of a failure. */
  readonly detail?: unknown;
}

/** The core of every verification result. */
export interface Verification<Id extends string = string> {
  /** True only when no check failed and every required check ran (passed or warned). */
  readonly ok: boolean;
  /** Every check the verifier declares, in its fixed order, including skipped ones. */
  readonly checks: readonly Check<Id>[];
}

/** Declaration of a check a verifier knows about. */
export interface CheckSpec<Id extends string = string> {
  readonly id: Id;
  /** Required checks fail `ok` when skipped. Default false. */
  readonly required?: boolean;
}

/**
 * Computes `ok` for a list of checks by the ledger rule. Exposed so callers composing ledgers
 * (e.g. whole-CVM verification) apply the same rule.
 *
 * @example
 * ```ts
 * const ok = ledgerOk(result.checks);
 * ```
 */
export function ledgerOk(checks: readonly Check[]): boolean {
  for (const c of checks) {
    if (c.status === 'fail') return false;
    if (c.required && c.status === 'skip') return false;
  }
  return true;
}

/** The mutable builder a verifier fills in; `finish()` freezes it into a {@link Verification}. */
export interface Ledger<Id extends string> {
  pass(id: Id, message: string, detail?: unknown): void;
  fail(id: Id, message: string, detail?: unknown): void;
  warn(id: Id, message: string, detail?: unknown): void;
  skip(id: Id, message: string, detail?: unknown): void;
  /** Records `pass` when `ok` is true and `fail` otherwise; returns `ok`. */
  result(id: Id, ok: boolean, message: string, detail?: unknown): boolean;
  /** Marks a declared check required (e.g. a policy field the caller gave). */
  require(id: Id): void;
  /** The recorded status, or undefined if not yet recorded. */
  status(id: Id): CheckStatus | undefined;
  /** True when the check was recorded as `pass` or `warn`. */
  passed(id: Id): boolean;
  /**
   * When every dependency passed (or warned) returns true. Otherwise records `id` as `skip`
   * naming the first dependency that did not pass, and returns false.
   */
  dependsOn(id: Id, ...deps: Id[]): boolean;
  /** Freezes the ledger. Unrecorded checks become `skip` ("not evaluated"). */
  finish(): Verification<Id>;
}

/** What a ledger keeps per recorded check until `finish()`. */
interface Recorded {
  readonly status: CheckStatus;
  readonly message: string;
  readonly detail: unknown;
}

/**
 * Creates a ledger over a fixed list of checks.
 *
 * @param specs - every check the verifier knows, in the order they are reported.
 * @throws {TypeError} on a duplicate id, an undeclared id, or a check recorded twice.
 * @example
 * ```ts
 * const ledger = createLedger([{ id: 'x.signature', required: true }, { id: 'x.crl' }]);
 * ledger.pass('x.signature', 'signature verified');
 * const { ok, checks } = ledger.finish(); // x.crl appears as skip; ok === true
 * ```
 */
export function createLedger<Id extends string>(specs: readonly CheckSpec<Id>[]): Ledger<Id> {
  const order: Id[] = [];
  const required = new Map<Id, boolean>();
  for (const s of specs) {
    if (required.has(s.id)) throw new TypeError(`duplicate check id ${s.id}`);
    order.push(s.id);
    required.set(s.id, s.required === true);
  }
  const recorded = new Map<Id, Recorded>();

  const known = (id: Id): void => {
    if (!required.has(id)) throw new TypeError(`undeclared check id ${id}`);
  };
  const record = (id: Id, status: CheckStatus, message: string, detail: unknown): void => {
    known(id);
    if (recorded.has(id)) throw new TypeError(`check ${id} recorded twice`);
    recorded.set(id, { status, message, detail });
  };

  const ledger: Ledger<Id> = {
    pass: (id, message, detail) => record(id, 'pass', message, detail),
    fail: (id, message, detail) => record(id, 'fail', message, detail),
    warn: (id, message, detail) => record(id, 'warn', message, detail),
    skip: (id, message, detail) => record(id, 'skip', message, detail),
    result(id, ok, message, detail) {
      record(id, ok ? 'pass' : 'fail', message, detail);
      return ok;
    },
    require(id) {
      known(id);
      required.set(id, true);
    },
    status: (id) => recorded.get(id)?.status,
    passed(id) {
      const s = recorded.get(id)?.status;
      return s === 'pass' || s === 'warn';
    },
    dependsOn(id, ...deps) {
      for (const d of deps) {
        if (!ledger.passed(d)) {
          const s = recorded.get(d)?.status ?? 'not evaluated';
          record(id, 'skip', `depends on ${d}, which is ${s === 'fail' ? 'failed' : s}`, {
            dependsOn: d,
          });
          return false;
        }
      }
      return true;
    },
    finish() {
      const checks: Check<Id>[] = new Array<Check<Id>>(order.length);
      let ok = true;
      for (let i = 0; i < order.length; i++) {
        const id = order[i]!;
        const r = recorded.get(id);
        const req = required.get(id) === true;
        const status = r?.status ?? 'skip';
        // Same objects (and key order) as before: id, status, message, [detail], required.
        checks[i] =
          r === undefined
            ? { id, status, message: 'not evaluated', required: req }
            : r.detail === undefined
              ? { id, status, message: r.message, required: req }
              : { id, status, message: r.message, detail: r.detail, required: req };
        if (status === 'fail' || (req && status === 'skip')) ok = false;
      }
      return { ok, checks };
    },
  };
  return ledger;
}

/**
 * Finds a check by id in a result (convenience for callers and tests).
 *
 * @example
 * ```ts
 * findCheck(result, 'snp.signature')?.status
 * ```
 */
export function findCheck<Id extends string>(v: Verification<Id>, id: Id): Check<Id> | undefined {
  return v.checks.find((c) => c.id === id);
}

/**
 * Throws unless `now` is a `Date` that holds a time. An Invalid Date compares false with every
 * date, so a validity or freshness check made with one passes whatever it checks.
 *
 * @param name - the argument's name for the message, e.g. `options.now`.
 * @throws {TypeError} `<name> must be a valid Date`.
 * @internal
 * @example
 * ```ts
 * assertValidNow(options.now, 'options.now');
 * ```
 */
export function assertValidNow(now: unknown, name: string): asserts now is Date {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new TypeError(`${name} must be a valid Date`);
}
