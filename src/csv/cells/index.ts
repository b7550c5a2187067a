export { isCellProblem, type CellProblem, type CellResult } from './cell-result.js';
export type { ConstraintName } from './constraints.js';
export { quoteValue, truncateValue } from './display-value.js';
export { readCell } from './read-cell.js';
