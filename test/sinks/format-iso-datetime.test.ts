import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIsoDateTime } from '../../src/imports/sinks/stored-values.js';

test('formatIsoDateTime is toISOString for the years 1 to 9999', () => {
  const instants = [
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(1970, 0, 1),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 5, 15, 1, 2, 3, 4),
    Date.UTC(2000, 5, 15, 1, 2, 3, 40),
  ];
  const early = new Date(0);
  early.setUTCFullYear(1, 0, 1);
  instants.push(early.getTime(), early.getTime() + 999 * 365 * 86_400_000);
  let state = 12345;
  for (let index = 0; index < 2000; index += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    instants.push(early.getTime() + (state / 2 ** 31) * (Date.UTC(9999, 11, 31) - early.getTime()));
  }
  for (const instant of instants) {
    const date = new Date(Math.floor(instant));
    assert.equal(formatIsoDateTime(date), date.toISOString());
  }
});
