import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { isAppError } from '../../src/errors/app-error.js';

/**
 * How hard the property tests push. `npm test` runs a bounded number of cases per property
 * (FUZZ_RUNS, default 200); `npm run fuzz` runs many more. FUZZ_SEED replays a run: on a
 * failure fast-check prints the seed and the path of the counterexample.
 */
export const FUZZ_RUNS = positiveInteger(process.env.FUZZ_RUNS) ?? 200;
const FUZZ_SEED = integer(process.env.FUZZ_SEED);

/** The longest one parser call may take on one input: a bound against loops and super-linear backtracking, not a sleep. */
export const PARSER_BUDGET_MS = 100;

/** The longest one request (or a short sequence of them) through the app may take before the case fails. */
export const REQUEST_BUDGET_MS = 5_000;

/** The options of every `fc.assert` here: the run count, the seed if one is given, and the failure report. */
export function fuzzParameters<T>(overrides: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { numRuns: FUZZ_RUNS, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }), verbose: fc.VerbosityLevel.Verbose, ...overrides };
}

/** A node:test timeout for a test that runs `runs` cases of about `perCaseMs` each, with room for a loaded machine. */
export function testTimeout(perCaseMs: number, runs = FUZZ_RUNS): number {
  return Math.max(60_000, runs * perCaseMs * 10);
}

/**
 * Calls a parser on hostile input: it returns, or throws an AppError (a 4xx the error hook
 * answers), within the time budget. Anything else it throws fails the case with that error.
 * A call over budget is timed again (twice): an input that is slow to parse stays slow, a
 * garbage collection or a busy machine does not.
 */
export function parsesOrRefuses<T>(parse: () => T, budgetMs = PARSER_BUDGET_MS): { value: T } | { refused: string } {
  let fastest = Number.POSITIVE_INFINITY;
  let outcome: { value: T } | { refused: string } | undefined;
  for (let attempt = 0; attempt < 3 && fastest > budgetMs; attempt += 1) {
    const started = performance.now();
    outcome = callOnce(parse);
    fastest = Math.min(fastest, performance.now() - started);
  }
  assert.ok(fastest <= budgetMs, `the parser took ${fastest.toFixed(1)} ms at best (budget ${budgetMs} ms)`);
  return outcome!;
}

function callOnce<T>(parse: () => T): { value: T } | { refused: string } {
  try {
    return { value: parse() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    assert.ok(error.status >= 400 && error.status < 500, `a refusal of input is a 4xx, not ${error.status} (${error.code})`);
    return { refused: error.code };
  }
}

/** The value of a call that must succeed, within the time budget. */
export function parses<T>(parse: () => T, budgetMs = PARSER_BUDGET_MS): T {
  const outcome = parsesOrRefuses(parse, budgetMs);
  assert.ok('value' in outcome, `refused with ${'refused' in outcome ? outcome.refused : ''}`);
  return outcome.value;
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9]\d{0,8}$/.test(value)) return undefined;
  return Number(value);
}

/** A seed as fast-check prints it (a 32-bit integer, maybe negative). */
function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}
