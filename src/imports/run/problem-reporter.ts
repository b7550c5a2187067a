import type { RawRecord } from '../../csv/types.js';
import type { ImportSummary, ReportEntry } from '../types.js';
import { maxErrorsEntry } from './file-entries.js';
import { countProblem, type ProblemKind } from './summary-tally.js';

export type ProblemCallback = (entry: ReportEntry, kind: ProblemKind) => void | Promise<void>;

/**
 * Hands report entries to the caller, in order, counting them into the summary. Errors stop
 * at `maxErrors`: the first one beyond it is replaced by one max-errors entry, and from
 * then on `stopped` is true (the summary's stoppedEarly too).
 */
export interface ProblemReporter {
  /** Reports as many of `entries` as the limit allows (at `record`); returns those reported. */
  errors(entries: readonly ReportEntry[], record: Pick<RawRecord, 'row' | 'line'>): Promise<ReportEntry[]>;
  warnings(entries: readonly ReportEntry[]): Promise<void>;
  readonly stopped: boolean;
}

export function createProblemReporter(summary: ImportSummary, maxErrors: number, onProblem: ProblemCallback | undefined): ProblemReporter {
  async function report(entry: ReportEntry, kind: ProblemKind): Promise<void> {
    countProblem(summary, entry, kind);
    await onProblem?.(entry, kind);
  }

  return {
    async errors(entries, record) {
      const reported: ReportEntry[] = [];
      for (const entry of entries) {
        if (summary.stoppedEarly) break;
        if (summary.errorCount >= maxErrors) {
          summary.stoppedEarly = true;
          await report(maxErrorsEntry(record, maxErrors), 'error');
          break;
        }
        await report(entry, 'error');
        reported.push(entry);
      }
      return reported;
    },
    async warnings(entries) {
      for (const entry of entries) await report(entry, 'warning');
    },
    get stopped() {
      return summary.stoppedEarly;
    },
  };
}
