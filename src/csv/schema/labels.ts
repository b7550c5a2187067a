/**
 * A header label as matching sees it: Unicode NFC, trimmed, lower case, inner runs of
 * whitespace as one space. `  Model  Year ` and `model year` are the same label.
 */
export function normaliseLabel(label: string): string {
  return label.normalize('NFC').trim().toLowerCase().replace(/\s+/gu, ' ');
}
