import type { AppError } from '../../errors/app-error.js';
import { appError } from '../../errors/catalogue.js';

/** One thing wrong with a schema: where (file, key path such as `columns[2].type`) and what. */
export interface SchemaProblem {
  /** The schema file, for schemas loaded from JSON. */
  file?: string;
  /** The key path inside the definition; '' for the definition as a whole. */
  path: string;
  message: string;
}

function describeProblem({ file, path, message }: SchemaProblem): string {
  const where = [file, path].filter((part) => part !== undefined && part !== '').join(': ');
  return where === '' ? message : `${where}: ${message}`;
}

/** The one error for every problem found: SCHEMA_INVALID with `details.problems`. */
export function schemaInvalid(problems: readonly SchemaProblem[]): AppError {
  const lines = problems.map(describeProblem);
  return appError('SCHEMA_INVALID', { message: `invalid schema:\n  ${lines.join('\n  ')}`, details: { problems } });
}
