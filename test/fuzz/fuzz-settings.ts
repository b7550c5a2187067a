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
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

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
 */
export function parsesOrRefuses<T>(parse: () => T, budgetMs = PARSER_BUDGET_MS): { value: T } | { refused: string } {
  const started = performance.now();
  let outcome: { value: T } | { refused: string };
  try {
    outcome = { value: parse() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    assert.ok(error.status >= 400 && error.status < 500, `a refusal of input is a 4xx, not ${error.status} (${error.code})`);
    outcome = { refused: error.code };
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed <= budgetMs, `the parser took ${elapsed.toFixed(1)} ms (budget ${budgetMs} ms)`);
  return outcome;
}

/** The value of a call that must succeed, within the time budget. */
export function parses<T>(parse: () => T, budgetMs = PARSER_BUDGET_MS): T {
  const outcome = parsesOrRefuses(parse, budgetMs);
  assert.ok('value' in outcome, `refused with ${'refused' in outcome ? outcome.refused : ''}`);
  return outcome.value;
}

function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9]\d*$/.test(value)) return undefined;
  return Number(value);
}
