export { type CellProblem, type CellResult, isCellProblem } from './cell-result.js';
export type { ConstraintName } from './constraints.js';
export { quoteValue, truncateValue } from './display-value.js';
export { readCell } from './read-cell.js';
