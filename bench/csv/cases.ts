/** The cases, in the order they run: each pair that a target compares runs back to back. */
export const CASE_KEYS = ['csv-parse', 'validate', 'csv-parse-info', 'sqlite', 'psql', 'postgres'] as const;

export type CaseKey = (typeof CASE_KEYS)[number];

/** The cases a worker process runs (psql is its own process). */
export type WorkerCaseKey = Exclude<CaseKey, 'psql'>;

export const CASE_LABELS: Readonly<Record<CaseKey, string>> = {
  'csv-parse': 'csv-parse, arrays (parse only)',
  'csv-parse-info': 'csv-parse, `info: true` (parse only)',
  validate: 'ferry, validate mode',
  sqlite: 'ferry → SQLite (all-or-nothing)',
  psql: 'psql `\\copy … CSV HEADER`',
  postgres: 'ferry → PostgreSQL (all-or-nothing)',
};

/** What one case measured. Throughput is computed from these. */
export interface CaseResult {
  key: CaseKey;
  rows: number;
  bytes: number;
  seconds: number;
  /** VmRSS when the measured work started (after the modules loaded); none for psql. */
  rssStartMiB: number | null;
  /** user + system CPU of the worker process (all its threads) over the work; none for psql. */
  cpuSeconds: number | null;
  /** VmHWM at the end (node workers), or the highest VmRSS sampled every 50 ms (psql). */
  rssPeakMiB: number;
}

/** The line a worker prints on stdout when it is done. */
export type WorkerReport = Omit<CaseResult, 'key' | 'bytes'>;

export const USES_POSTGRES: readonly CaseKey[] = ['psql', 'postgres'];
