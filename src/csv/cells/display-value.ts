/** Raw values longer than this many characters are cut in reports and messages. */
const DISPLAY_LIMIT = 200;

/** The raw value as a report shows it: at most 200 characters, then `…`. */
export function truncateValue(raw: string): string {
  if (raw.length <= DISPLAY_LIMIT) return raw;
  const characters = Array.from(raw);
  return characters.length <= DISPLAY_LIMIT ? raw : `${characters.slice(0, DISPLAY_LIMIT).join('')}…`;
}

/** The raw value in double quotes for a message, e.g. `"eighteen"`. */
export function quoteValue(raw: string): string {
  return JSON.stringify(truncateValue(raw));
}

/** A short list of words for a message: `US, Europe, Japan` (long lists end in `…`). */
export function listWords(words: readonly string[], limit = 10): string {
  const shown = words.slice(0, limit).join(', ');
  return words.length > limit ? `${shown}, …` : shown;
}
