/**
 * A field as CSV text: quoted when it holds the delimiter, a quote, CR or LF, or starts
 * or ends with whitespace (which readers may trim); quotes inside are doubled.
 */
export function quoteField(text: string, delimiter: string): string {
  const needsQuotes = text.includes(delimiter) || /["\r\n]|^\s|\s$/u.test(text);
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}
