import type { Delimiter } from '../types.js';

/** The candidates, in the order that breaks ties. */
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];

/**
 * Guesses the delimiter of a CSV sample (the first few KB, whole lines) among `,` `;` tab
 * and `|`. Each line's occurrences are counted outside double quotes (a quoted newline does
 * not end a line; blank lines are ignored). For each candidate the most common non-zero
 * count is its "width", and its score is the number of lines with exactly that width: the
 * most consistent candidate wins, ties go to the earlier one in `, ; tab |`. A sample where
 * no candidate occurs gives `,` (a one-column file). Works on text, so any character may
 * appear in the sample.
 */
export function detectDelimiter(sample: string): Delimiter {
  const lines = countPerLine(sample);
  let best: Delimiter = ',';
  let bestScore = 0;
  CANDIDATES.forEach((candidate, index) => {
    const score = consistency(lines.map((counts) => counts[index]));
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  });
  return best;
}

/** For each non-blank line, how often each candidate occurs outside quotes. */
function countPerLine(sample: string): number[][] {
  const lines: number[][] = [];
  let counts = CANDIDATES.map(() => 0);
  let quoted = false;
  let empty = true;
  const endLine = (): void => {
    if (!empty) lines.push(counts);
    counts = CANDIDATES.map(() => 0);
    empty = true;
  };
  for (const character of sample) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && (character === '\n' || character === '\r')) {
      endLine();
      continue;
    }
    empty = false;
    if (quoted) continue;
    const index = CANDIDATES.indexOf(character as Delimiter);
    if (index !== -1) counts[index] += 1;
  }
  endLine();
  return lines;
}

/** How many lines share the most common non-zero count (0 when the candidate never occurs). */
function consistency(counts: number[]): number {
  const frequency = new Map<number, number>();
  for (const count of counts) if (count > 0) frequency.set(count, (frequency.get(count) ?? 0) + 1);
  let best = 0;
  for (const lines of frequency.values()) best = Math.max(best, lines);
  return best;
}
