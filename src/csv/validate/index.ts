export type { HeaderMapping, HeaderResult } from './header-mapping.js';
export { createRowValidator, type RowResult, type RowValidator } from './row-validator.js';
