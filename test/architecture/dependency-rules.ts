import type { ImportEdge } from './import-graph.js';

/** A set of paths relative to src/: files and folders (a folder holds everything below it). */
type PathSet = (relativePath: string) => boolean;

/** The given folders or files of src/, e.g. within('protocols/tus', 'main.ts'). */
export function within(...entries: string[]): PathSet {
  return (relativePath) => entries.some((entry) => relativePath === entry || relativePath.startsWith(`${entry}/`));
}

/** Everything of src/ but the given folders or files (paths outside src/, '../…', are not ferry's). */
export function outside(...entries: string[]): PathSet {
  const inside = within(...entries);
  return (relativePath) => !relativePath.startsWith('../') && !inside(relativePath);
}

export interface DependencyRule {
  /** The rule in words, as a failure prints it. */
  rule: string;
  /** The files the rule constrains. */
  from: PathSet;
  /** What those files must not import. */
  mayNotImport: PathSet;
}

/**
 * Which parts of src/ may not depend on which. A rule over folders that do not exist yet
 * (src/protocols, src/uploads) holds vacuously until they do.
 */
export const dependencyRules: readonly DependencyRule[] = [
  {
    rule: 'protocols never import each other: protocols/tus does not import protocols/ietf',
    from: within('protocols/tus'),
    mayNotImport: within('protocols/ietf'),
  },
  {
    rule: 'protocols never import each other: protocols/ietf does not import protocols/tus',
    from: within('protocols/ietf'),
    mayNotImport: within('protocols/tus'),
  },
  {
    rule: 'the upload model and the store know no HTTP: uploads/ and store/ do not import http/ or protocols/',
    from: within('uploads', 'store'),
    mayNotImport: within('http', 'protocols'),
  },
  {
    rule: 'CSV reading and validation stand alone: csv/ does not import imports/ or http/',
    from: within('csv'),
    mayNotImport: within('imports', 'http'),
  },
  {
    rule: 'the aggregator is a standalone writer: aggregator/ imports nothing of ferry but errors/',
    from: within('aggregator'),
    mayNotImport: outside('aggregator', 'errors'),
  },
  {
    rule: 'the CLI is a front end: only cli/ and the entry point main.ts import cli/',
    from: outside('cli', 'main.ts'),
    mayNotImport: within('cli'),
  },
];

/** One broken rule: which file imports what (both relative to src/). */
export interface Violation {
  rule: string;
  file: string;
  specifier: string;
  target: string;
}

export function findViolations(edges: readonly ImportEdge[], rules: readonly DependencyRule[] = dependencyRules): Violation[] {
  const violations: Violation[] = [];
  for (const { rule, from, mayNotImport } of rules) {
    for (const edge of edges) {
      if (from(edge.file) && mayNotImport(edge.target)) violations.push({ rule, ...edge });
    }
  }
  return violations;
}

/** Each broken rule, then each offending `file → import` under it. */
export function formatViolations(violations: readonly Violation[]): string {
  const byRule = new Map<string, Violation[]>();
  for (const violation of violations) byRule.set(violation.rule, [...(byRule.get(violation.rule) ?? []), violation]);
  return [...byRule]
    .map(([rule, broken]) =>
      [`${rule}:`, ...broken.map((violation) => `  src/${violation.file} → '${violation.specifier}' (src/${violation.target})`)].join('\n'),
    )
    .join('\n');
}
